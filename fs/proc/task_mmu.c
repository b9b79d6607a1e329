// SPDX-License-Identifier: GPL-2.0
/*
 * fs/proc/task_mmu.c - /proc/PID/pagemap and /proc/kpageflags as the
 * model's processes would read them (the kernel's fs/proc/task_mmu.c
 * pagemap_read / pagemap_pmd_range / pte_to_pagemap_entry, and
 * fs/proc/page.c stable_page_flags). What a user program can see of its
 * pages: the scenario's `pagemap` statements and `mmsim kernel`, which
 * compares it with the host's, read the same bits.
 *
 * SIM: the model has no VM_SOFTDIRTY and no soft-dirty PTE bit set on
 * faults; as no clear_refs is modelled, every VMA is still VM_SOFTDIRTY
 * (as each new VMA is in the kernel), so every page inside a VMA reads
 * soft-dirty.
 *
 * PM_MMAP_EXCLUSIVE (CONFIG_PAGE_MAPCOUNT=y, as on the 6.18 host): a page
 * mapped by a PTE is exclusive if it is mapped exactly once
 * (__folio_page_mapped_exclusively: folio_precise_page_mapcount() == 1).
 * A page mapped by a PMD: pagemap_pmd_range passes the PMD's first page,
 * pmd_page(pmd), not page + idx, so every page of the PMD reads what the
 * head page's precise mapcount says: its PTE mappings (by other
 * processes that split their PMD) plus the folio's PMD mappings. Since
 * David Hildenbrand's "fs/proc/task_mmu: remove per-page mapcount
 * dependency for PM_MMAP_EXCLUSIVE (CONFIG_NO_PAGE_MAPCOUNT)" (linux-mm,
 * 2025-03-03; the context lines of Lorenzo Stoakes' "fs/proc/task_mmu:
 * refactor pagemap_pmd_range()" RFC of 2025-10-24 show the same call).
 * The host agrees both ways: scenarios/kernel/cow-in-parent-thp.mms (the
 * parent copied the head: the child's PMD-mapped pages read exclusive)
 * and scenarios/kernel/pagemap-pmd-head-mapcount.mms (a child split its
 * PMD and still maps the head: the parent's read not exclusive). The
 * 6.18 release text itself is not verified.
 */
#include "mm.h"
#include "proc_pagemap.h"
#include "swapops.h"

/* A plain load of a table entry: no yield point, no lock. */
static unsigned long peek(const void *p)
{
	return __atomic_load_n((const unsigned long *)p, __ATOMIC_RELAXED);
}

/* page_precise_mapcount - PTE mappings of @page plus PMD ones of its folio */
static int page_precise_mapcount(struct page *page)
{
	struct folio *folio = page_folio(page);
	int n = page_mapcount_raw(page);

	if (folio_test_large(folio))
		n += __atomic_load_n(&folio->_entire_mapcount.counter,
				     __ATOMIC_RELAXED) + 1;
	return n;
}

/*
 * stable_page_flags - the /proc/kpageflags word of @page (the bits the
 * model can state: ANON, KSM, THP, ZERO_PAGE, COMPOUND_HEAD/TAIL).
 * KPF_THP is set on every page of a large anon folio, as the kernel does
 * for an anon or LRU large folio; the huge zero folio reads ZERO_PAGE
 * and THP.
 */
static uint64_t stable_page_flags(struct page *page)
{
	struct folio *folio;
	uint64_t k = 0;

	if (is_zero_pfn(page_to_pfn(page)))
		return 1ULL << KPF_ZERO_PAGE;
	folio = page_folio(page);
	if (is_huge_zero_folio(folio))
		return 1ULL << KPF_ZERO_PAGE | 1ULL << KPF_THP;
	if (folio_test_anon(folio))
		k |= 1ULL << KPF_ANON;
	if (folio_test_ksm(folio))
		k |= 1ULL << KPF_KSM;
	if (folio_test_large(folio)) {
		k |= 1ULL << (&folio->page == page ? KPF_COMPOUND_HEAD :
						     KPF_COMPOUND_TAIL);
		if (folio_test_anon(folio))
			k |= 1ULL << KPF_THP;
	}
	return k;
}

/* a frame mapped at @page: the entry's frame bits, flags and kpageflags */
static void frame_state(struct proc_page_state *st, struct page *page,
			bool present)
{
	if (!page)
		return;
	st->pfn = page_to_pfn(page);
	st->kflags = stable_page_flags(page);
	st->pme |= st->pfn & PM_PFRAME_MASK;
	if (!is_zero_pfn(st->pfn) && !is_huge_zero_folio(page_folio(page)) &&
	    !folio_test_anon(page_folio(page)))
		st->pme |= PM_FILE;
	/* vm_normal_page() is NULL for the zero pages: never exclusive */
	if (present && !is_zero_pfn(st->pfn) &&
	    !is_huge_zero_folio(page_folio(page)) &&
	    page_precise_mapcount(page) == 1)
		st->pme |= PM_MMAP_EXCLUSIVE;
}

/* pte_to_pagemap_entry - one PTE's entry (kernel: same name). */
static void pte_to_pagemap_entry(struct proc_page_state *st, pte_t pte)
{
	if (pte_present(pte)) {
		st->pme |= PM_PRESENT;
		frame_state(st, pte_page(pte), true);
	} else if (!pte_none(pte)) {
		swp_entry_t e = pte_to_swp_entry(pte);

		st->pme |= PM_SWAP;
		if (is_pfn_swap_entry(e)) {
			/* migration / device entry: the frame, not present */
			frame_state(st, pfn_swap_entry_to_page(e), false);
			st->pme &= ~PM_PFRAME_MASK;
		} else {
			st->pme |= (swp_type(e) |
				    (swp_offset(e) << 5)) & PM_PFRAME_MASK;
		}
	}
}

/*
 * pagemap_pmd_range - the entry of @va under PMD @pmd (kernel: the walk
 * callback of the same name). A PMD-mapped THP reports each of its pages.
 */
static void pagemap_pmd_range(struct proc_page_state *st, pmd_t pmd,
			      unsigned long va)
{
	unsigned long idx = (va & ~HPAGE_PMD_MASK) >> PAGE_SHIFT;

	if (pmd_trans_huge(pmd)) {
		struct folio *folio = page_folio(pmd_page(pmd));

		st->pme |= PM_PRESENT;
		st->pmd_mapped = true;
		frame_state(st, pmd_page(pmd) + idx, false);
		if (!is_huge_zero_folio(folio) &&
		    /* every page: the head's count (header comment) */
		    page_precise_mapcount(pmd_page(pmd)) == 1)
			st->pme |= PM_MMAP_EXCLUSIVE;
		return;
	}
	if (!pmd_present(pmd)) {
		swp_entry_t e = pmd_to_swp_entry(pmd);

		st->pme |= PM_SWAP;
		if (is_pfn_swap_entry(e))
			frame_state(st, pfn_swap_entry_to_page(e) + idx, false);
		st->pme &= ~PM_PFRAME_MASK;
		return;
	}
	pte_to_pagemap_entry(st, (pte_t){ peek(pte_offset_pfn(pmd_pfn(pmd),
							      va)) });
}

int pagemap_read(struct mm_struct *mm, unsigned long start, unsigned long nr,
		 struct proc_page_state *out)
{
	for (unsigned long i = 0; i < nr; i++) {
		unsigned long va = start + i * PAGE_SIZE;
		struct proc_page_state *st = &out[i];
		struct vm_area_struct *vma = mm ? vma_lookup(mm, va) : NULL;
		pgd_t pgd;
		pud_t pud;
		pmd_t pmd;

		*st = (struct proc_page_state){ .pfn = -1UL };
		if (!vma)
			continue;	/* pagemap_pte_hole outside a VMA: 0 */
		st->pme = PM_SOFT_DIRTY;	/* SIM: VM_SOFTDIRTY (above) */
		pgd.pgd = peek(pgd_offset_pfn(mm->context.pgd_pfn, va));
		if (!pgd_val(pgd))
			continue;
		pud.pud = peek(pud_offset_pfn(pgd_pfn(pgd), va));
		if (!pud_val(pud))
			continue;
		pmd.pmd = peek(pmd_offset_pfn(pud_pfn(pud), va));
		if (!pmd_val(pmd))
			continue;
		pagemap_pmd_range(st, pmd, va);
	}
	return 0;
}
