// SPDX-License-Identifier: GPL-2.0
/*
 * arch/pgtable.c - page-table pages: allocation and freeing.
 *
 * A table is an ordinary frame (so freeing one that something can still
 * reach is a visible use-after-free: the frame is poisoned, the walker
 * checks PG_table and ->pt_level of every table it reads).
 */
#include "arch/pgtable.h"
#include "page_ref.h"
#include "sim/sync.h"

struct page *pagetable_alloc_level(int level)
{
	struct page *table;

	VM_BUG_ON(level < PT_PTE || level > PT_PGD);
	table = alloc_pages(__GFP_ZERO, 0);
	if (!table)
		return NULL;
	/* walkers read tables through __pfn_va(): real from the start */
	physmem_table_real(page_to_pfn(table));
	__SetPageTable(table);
	table->pt_level = level;
	spin_lock_init_class(&table->ptl, "ptl");
	return table;
}

void pagetable_free(struct page *table)
{
	VM_BUG_ON_PAGE(!PageTable(table), table);
	VM_BUG_ON_PAGE(spin_is_locked(&table->ptl), table);
	__ClearPageTable(table);
	table->pt_level = PT_NONE;
	table->pt_mm = NULL;
	__free_pages(table, 0);
}

/* See __pt_live() in arch/pgtable.h. */
void __pt_dead_table(const void *entryp, const struct sim_site *site)
{
	unsigned long pa = __pa_host(entryp);
	unsigned long pfn = pa >> PAGE_SHIFT;

	sim_violation_at(site,
			 "use-after-free: page-table entry at pa %#lx: pfn %lu "
			 "is not a live page table (%s): a table freed by "
			 "free_pgtables() was still being walked",
			 pa, pfn,
			 physmem_frame_is_free(pfn) ? "free, poisoned"
						     : "reused");
}
