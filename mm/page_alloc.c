// SPDX-License-Identifier: GPL-2.0
/*
 * mm/page_alloc.c - folio allocation and freeing for mm/, and the shared
 * zero pages (kernel: mm/page_alloc.c, mm/swap.c's folio_put,
 * mm/huge_memory.c's huge zero folio, mm/memory.c's ZERO_PAGE).
 *
 * The buddy allocator itself is arch/physmem.c. Here: a folio's reference
 * counting (the last folio_put frees the whole folio, whatever its order),
 * and the per-execution model state of mm/ (zero pages, the mm list).
 *
 * Rules:
 *  (1) a folio handed out has refcount 1, owned by the caller;
 *  (2) every PTE mapping of one of its pages and every PMD mapping of it
 *      holds one reference (the zero pages excepted: vm_normal_page()
 *      returns NULL for them and nobody counts them);
 *  (3) the folio is freed when the count reaches 0, which requires it to
 *      be unmapped (free_frozen_pages reports "Bad page state" otherwise).
 */
#include <stdio.h>
#include <stdlib.h>

#include "huge_mm.h"
#include "mm.h"
#include "rmap.h"

struct page *ZERO_PAGE_PTR;
struct folio *huge_zero_folio;
static unsigned long baseline_pages;

/* folio_alloc - 2^@order frames as one folio, refcount 1, or NULL. */
struct folio *folio_alloc(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (order)
		gfp |= __GFP_COMP;
	page = alloc_pages(gfp, order);
	return (struct folio *)page;
}

/*
 * vma_alloc_folio - a folio for user memory at @addr of @vma.
 * SIM: no mempolicy; the running CPU's node.
 */
struct folio *vma_alloc_folio(gfp_t gfp, int order,
			      struct vm_area_struct *vma, unsigned long addr,
			      bool hugepage)
{
	return folio_alloc(gfp | GFP_HIGHUSER_MOVABLE, order);
}

/* __folio_put's part before the frames go: false if nothing is left to
 * free (a device page went back to its driver). */
static bool __folio_put_prepare(struct folio *folio)
{
	unsigned int order = folio_order(folio);

	VM_BUG_ON_FOLIO(is_huge_zero_folio(folio), folio);
	VM_BUG_ON_FOLIO(&folio->page == ZERO_PAGE_PTR, folio);
	VM_BUG_ON_FOLIO(__test_bit(PG_locked, &folio->flags), folio);
	/* __folio_put -> folio_unqueue_deferred_split for large folios */
	if (order > 1)
		folio_unqueue_deferred_split(folio);
	/* free_pages_prepare(): anon ->mapping is cleared on free. */
	folio->mapping = NULL;
	for (long i = 0; i < (1L << order); i++)
		__ClearPageAnonExclusive(folio_page(folio, i));
	__folio_clear_swapbacked(folio);
	__folio_clear_uptodate(folio);
	__folio_clear_dirty(folio);
	/* off the LRU (SIM: PG_active/PG_referenced are its lists) */
	__folio_clear_active(folio);
	__folio_clear_referenced(folio);
	/* a device page goes back to its driver (pgmap->ops->page_free) */
	if (is_device_private_page(&folio->page)) {
		free_device_private_page(&folio->page);
		return false;
	}
	return true;
}

/*
 * __folio_put - the last reference is gone: give the frames back. The
 * folio must be unmapped (all mapcounts at their base values).
 */
static void __folio_put(struct folio *folio)
{
	if (__folio_put_prepare(folio))
		free_frozen_pages(&folio->page, folio_order(folio));
}

/*
 * folios_free_run - __folio_put() of @nr order-0 folios of consecutive
 * pfns from @first, each of whose last reference is gone: their frames
 * go back in one pass (free_frozen_pages_run), as the kernel's
 * folios_put_refs() frees a batch.
 */
void folios_free_run(struct folio *first, unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++) {
		struct folio *f = (struct folio *)(&first->page + i);

		VM_BUG_ON_FOLIO(folio_test_large(f) ||
					is_device_private_page(&f->page),
				f);
		__folio_put_prepare(f);
	}
	free_frozen_pages_run(&first->page, nr);
}

/*
 * folio_free_frozen - free @folio, whose count reclaim froze at 0
 * (__remove_mapping): the kernel's free_unref_folios of shrink_folio_list.
 * Never unfrozen, so no speculative reference can be taken meanwhile.
 */
void folio_free_frozen(struct folio *folio)
{
	VM_BUG_ON_FOLIO(folio_ref_count(folio), folio);
	/*
	 * The kernel frees through the pcp lists under their lock, which
	 * orders this CPU's stores to the page (its flags) before another
	 * CPU can allocate it; folio_put's value-returning decrement does
	 * that for the other frees of the model. Here: a full barrier.
	 */
	smp_mb();
	__folio_put(folio);
}

/* folio_put - drop a reference (a yield point); free on the last one. */
void folio_put(struct folio *folio)
{
	if (folio_put_testzero(folio))
		__folio_put(folio);
}

/*
 * folio_put_unobserved - folio_put with no scheduling point before it
 * (the access is still noted: sim_note). SIM: only for a folio nobody
 * else holds or stands at, where __folio_split's tail loop says why.
 */
void folio_put_unobserved(struct folio *folio)
{
	int v;

	sim_note(SIM_EV_RMW, &folio->_refcount, "page_ref_sub_and_test");
	v = SIM_RMW(&folio->_refcount.counter, true,
		    __atomic_sub_fetch(&folio->_refcount.counter, 1, SIM_MO));
	VM_BUG_ON_FOLIO(v < 0, folio);
	if (v == 0)
		__folio_put(folio);
}

/* folio_put_refs - drop @refs references at once (one yield point). */
void folio_put_refs(struct folio *folio, int refs)
{
	if (folio_ref_sub_and_test(folio, refs))
		__folio_put(folio);
}

bool is_huge_zero_pmd(pmd_t pmd)
{
	return huge_zero_folio && pmd_present(pmd) &&
	       pmd_pfn(pmd) == page_to_pfn(&huge_zero_folio->page);
}

unsigned long mm_baseline_pages(void)
{
	return baseline_pages;
}

/*
 * mm_get_huge_zero_folio - the huge zero folio, allocated on first use in
 * an execution (as the kernel does), or NULL if there is no memory (the
 * caller falls back to PTEs). Once allocated it lives until the end of
 * the execution and counts in the leak baseline.
 * SIM: the kernel refcounts it per mm (MMF_HUGE_ZERO_PAGE) and a shrinker
 * may free it; here it is never freed within an execution.
 */
struct folio *mm_get_huge_zero_folio(void)
{
	if (likely(huge_zero_folio))
		return huge_zero_folio;
	huge_zero_folio = folio_alloc(__GFP_ZERO, HPAGE_PMD_ORDER);
	if (huge_zero_folio)
		baseline_pages += HPAGE_PMD_NR;
	return huge_zero_folio;
}

/*
 * mm_exec_reset - per-execution reset (runs after physmem's): the zero
 * page is allocated afresh, zeroed, and lives for the whole execution
 * with its allocation reference.
 */
static void mm_exec_reset(void)
{
	ZERO_PAGE_PTR = alloc_pages(__GFP_ZERO, 0);
	huge_zero_folio = NULL;
	if (!ZERO_PAGE_PTR) {
		fprintf(stderr, "mmsim: no memory for the zero page\n");
		exit(2);
	}
	__SetPageReserved(ZERO_PAGE_PTR);
	INIT_LIST_HEAD(&sim_mm_list);
	baseline_pages = nr_allocated_pages();
}

void mm_sim_init(void)
{
	sim_init();
	sim_on_reset(mm_exec_reset);
}
