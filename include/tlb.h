/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/tlb.h - the mmu_gather: batch TLB flushes of an unmap and defer
 * freeing pages and page tables until after the flush (mm/mmu_gather.c).
 *
 * Rule: a page or page table removed from the page tables may still be
 * reachable through some CPU's TLB (or a walk in progress) until the flush;
 * so it is only freed after tlb_flush_mmu_tlbonly().
 */
#ifndef MMSIM_TLB_H
#define MMSIM_TLB_H

#include "mm.h"

#define MMU_GATHER_BATCH	64	/* pages between forced flushes */
#define MMU_GATHER_TABLES	32

struct mmu_gather {
	struct mm_struct *mm;
	bool fullmm;		/* exit: the whole mm goes away */
	bool freed_tables;
	unsigned long start, end;	/* range to flush */
	int nr_pages;
	/* runs of pages of one folio; one reference per page: */
	struct {
		struct page *page;
		int nr;
	} pages[MMU_GATHER_BATCH];
	int nr_tables;
	struct page *tables[MMU_GATHER_TABLES];
};

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm);
void tlb_gather_mmu_fullmm(struct mmu_gather *tlb, struct mm_struct *mm);
/* tlb_finish_mmu - flush, then free everything gathered. */
void tlb_finish_mmu(struct mmu_gather *tlb);
/* tlb_flush_mmu_tlbonly - flush the range gathered so far. */
void tlb_flush_mmu_tlbonly(struct mmu_gather *tlb);
/* tlb_flush_mmu - flush, then free the pages and tables gathered. */
void tlb_flush_mmu(struct mmu_gather *tlb);
/* __tlb_remove_page - queue a reference drop; true if the batch is full
 * (the caller must then tlb_flush_mmu() before queueing more). */
bool __tlb_remove_page(struct mmu_gather *tlb, struct page *page);
/* __tlb_remove_folio_pages - the same for @nr pages of one folio. */
bool __tlb_remove_folio_pages(struct mmu_gather *tlb, struct page *page,
			      int nr);
/* tlb_remove_page_size - queue and flush if full. */
void tlb_remove_page_size(struct mmu_gather *tlb, struct page *page,
			  unsigned long size);
/* pte_free_tlb etc. - queue a page-table page for freeing after flush
 * (and, under MMU_GATHER_RCU_TABLE_FREE, after an RCU grace period). */
void tlb_remove_table(struct mmu_gather *tlb, struct page *table);
/* pte_free_defer - free an unlinked (PMD cleared, flushed) PTE table
 * after an RCU grace period (khugepaged's retract). */
void pte_free_defer(struct mm_struct *mm, struct page *table);
/*
 * tlb_remove_table_sync_one - wait until no CPU is in an interrupts-off
 * lockless page-table walk (GUP-fast) that began before: an IPI to every
 * CPU. A no-op without MMU_GATHER_RCU_TABLE_FREE. Interrupts on.
 */
void tlb_remove_table_sync_one(void);

static inline void __tlb_adjust_range(struct mmu_gather *tlb,
				      unsigned long address,
				      unsigned long range_size)
{
	if (address < tlb->start)
		tlb->start = address;
	if (address + range_size > tlb->end)
		tlb->end = address + range_size;
}

static inline void tlb_remove_tlb_entry(struct mmu_gather *tlb, pte_t *ptep,
					unsigned long address)
{
	__tlb_adjust_range(tlb, address, PAGE_SIZE);
}

static inline void tlb_remove_pmd_tlb_entry(struct mmu_gather *tlb,
					    pmd_t *pmdp, unsigned long address)
{
	__tlb_adjust_range(tlb, address & HPAGE_PMD_MASK, HPAGE_PMD_SIZE);
}

/* tlb_batch_pages_flush()'s work (mm/mmu_gather.c). */
void tlb_batch_pages_put(struct mmu_gather *tlb);

#endif /* MMSIM_TLB_H */
