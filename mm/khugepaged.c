// SPDX-License-Identifier: GPL-2.0
/*
 * mm/khugepaged.c - collapse of a PTE-mapped anonymous 2 MiB range into
 * one THP (kernel: mm/khugepaged.c, collapse_huge_page and its helpers;
 * reached here from MADV_COLLAPSE's collapse control, the scenario op
 * `collapse ADDR`).
 *
 * The protocol, in the kernel's order:
 *  (1) scan the PTEs under mmap_lock read (hpage_collapse_scan_pmd): all
 *      present anon pages (or none / zero), no extra references;
 *  (2) drop mmap_lock, allocate the THP; take mmap_lock for write and
 *      revalidate the VMA and the PMD;
 *  (3) anon_vma write lock (rmap walkers stay out), PMD lock, then
 *      pmdp_collapse_flush(): the PMD is cleared and flushed, the PTE
 *      table is unreachable for everyone but a lockless walker that read
 *      the PMD before;
 *  (4) tlb_remove_table_sync_one(): on a machine that frees page tables
 *      through RCU (arm64) the flush did not wait for GUP-fast, so this
 *      IPI waits until every interrupts-off section (GUP-fast) that may
 *      have read the old PMD has ended (2ba99c5e0881);
 *  (5) under the old table's PTL: lock, check (refcount == mapcount: no
 *      pin, no GUP reference) and isolate every page
 *      (__collapse_huge_page_isolate); on failure the PMD is restored;
 *  (6) copy the pages into the THP, clear the old PTEs, drop the pages
 *      (__collapse_huge_page_copy);
 *  (7) under the PMD lock: rmap the THP, deposit the old PTE table under
 *      the PMD, set the huge PMD.
 * A GUP-fast that read a PTE before (3) grabs its page and then re-checks
 * the PMD and the PTE (70cbc3cc78a9): both changed, it drops the page.
 */
#include "huge_mm.h"
#include "migrate.h"
#include "rmap.h"
#include "swap.h"
#include "tlb.h"
#include "sim/regress.h"

/* The kernel's enum scan_result, the values this model can return. */
enum scan_result {
	SCAN_FAIL,
	SCAN_SUCCEED,
	SCAN_PMD_NULL,
	SCAN_PMD_NONE,
	SCAN_PMD_MAPPED,
	SCAN_PTE_NON_PRESENT,
	SCAN_PAGE_RO,
	SCAN_PAGE_NULL,
	SCAN_PAGE_LOCK,
	SCAN_PAGE_ANON,
	SCAN_PAGE_COMPOUND,
	SCAN_PAGE_COUNT,
	SCAN_DEL_PAGE_LRU,
	SCAN_VMA_NULL,
	SCAN_VMA_CHECK,
	SCAN_ADDRESS_RANGE,
	SCAN_ALLOC_HUGE_PAGE_FAIL,
};

static unsigned long collapse_ok, collapse_failed;

static void collapse_stats_reset(void)
{
	collapse_ok = collapse_failed = 0;
}

void khugepaged_collapse_stats(unsigned long *ok, unsigned long *failed)
{
	*ok = collapse_ok;
	*failed = collapse_failed;
}

/*
 * collapse_pte_peek - read entry @i of a PTE table whose PTL this task
 * holds, or that no one can reach any more (the PMD was cleared).
 * SIM: no yield point: every writer of the entry holds the PTL (or cannot
 * reach the table); the MMU's A/D updates are not what collapse reads.
 * 512 yield points per pass would only lengthen every execution.
 */
static pte_t collapse_pte_peek(pte_t *pte, int i)
{
	return __pte(__atomic_load_n(&pte[i].pte, __ATOMIC_RELAXED));
}

/* pte_none or the shared zero page: collapse fills it with zeroes. */
static bool pte_none_or_zero(pte_t pteval)
{
	return pte_none(pteval) ||
	       (pte_present(pteval) && is_zero_pfn(pte_pfn(pteval)));
}

/*
 * is_refcount_suitable - no reference beyond the mappings' (and the swap
 * cache's): no GUP pin, no GUP-fast reference in flight, no migration.
 */
static bool is_refcount_suitable(struct folio *folio)
{
	int expected = folio_mapcount(folio);

	if (folio_test_swapcache(folio))
		expected += folio_nr_pages(folio);
	return folio_ref_count(folio) == expected;
}

/*
 * hugepage_vma_revalidate - the VMA at @address may have changed while
 * mmap_lock was dropped. MADV_COLLAPSE's control: the sysfs mode is not
 * enforced (the kernel's tva_flags without TVA_ENFORCE_SYSFS), but
 * VM_NOHUGEPAGE, the alignment and an anon_vma are.
 */
static int hugepage_vma_revalidate(struct mm_struct *mm,
				   unsigned long address,
				   struct vm_area_struct **vmap)
{
	struct vm_area_struct *vma = find_vma(mm, address);

	*vmap = vma;
	if (!vma || vma->vm_start > address)
		return SCAN_VMA_NULL;
	if (address < vma->vm_start ||
	    address + HPAGE_PMD_SIZE > vma->vm_end ||
	    !IS_ALIGNED((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff,
			HPAGE_PMD_NR))
		return SCAN_ADDRESS_RANGE;
	if (vma->vm_flags & VM_NOHUGEPAGE)
		return SCAN_VMA_CHECK;
	if (!vma->anon_vma || !vma_is_anonymous(vma))
		return SCAN_PAGE_ANON;
	return SCAN_SUCCEED;
}

/* find_pmd_or_thp_or_none - the PMD of @address and what it holds. */
static int find_pmd_or_thp_or_none(struct mm_struct *mm,
				   unsigned long address, pmd_t **pmd)
{
	pmd_t pmde;

	*pmd = mm_find_pmd(mm, address);
	if (!*pmd)
		return SCAN_PMD_NULL;
	pmde = pmdp_get_l(*pmd, "collapse:find_pmd");
	if (pmd_none(pmde))
		return SCAN_PMD_NONE;
	if (!pmd_present(pmde))
		return SCAN_PMD_NULL;
	if (pmd_trans_huge(pmde))
		return SCAN_PMD_MAPPED;
	return SCAN_SUCCEED;
}

/* release_pte_folio - undo the isolation of one small folio. */
static void release_pte_folio(struct folio *folio)
{
	folio_unlock(folio);
	folio_putback_lru(folio);
}

/* release_pte_pages - release the folios isolated from @pte[0..@nr). */
static void release_pte_pages(pte_t *pte, int nr)
{
	while (--nr >= 0) {
		pte_t pteval = collapse_pte_peek(pte, nr);

		if (pte_none_or_zero(pteval))
			continue;
		release_pte_folio(page_folio(pte_page(pteval)));
	}
}

/*
 * hpage_collapse_scan_pmd - step (1), mmap_lock read held: is the range a
 * PTE table of small present anon pages (or holes) with no extra
 * references, and some of it writable? A racy look: collapse_huge_page
 * checks again with the table unreachable.
 * SIM: swap entries and PTE-mapped large folios are not collapsed
 * (the kernel swaps in, and collapses large folios too).
 */
static int hpage_collapse_scan_pmd(struct mm_struct *mm,
				   struct vm_area_struct *vma,
				   unsigned long address)
{
	int result, i;
	bool writable = false;
	spinlock_t *ptl;
	pmd_t *pmd;
	pte_t *pte;

	result = find_pmd_or_thp_or_none(mm, address, &pmd);
	if (result != SCAN_SUCCEED)
		return result;
	pte = pte_offset_map_lock(mm, pmd, address, &ptl);
	if (!pte)
		return SCAN_PMD_NULL;
	result = SCAN_SUCCEED;
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t pteval = collapse_pte_peek(pte, i);
		struct page *page;
		struct folio *folio;

		if (pte_none_or_zero(pteval))
			continue;
		if (!pte_present(pteval)) {
			result = SCAN_PTE_NON_PRESENT;
			break;
		}
		if (pte_write(pteval))
			writable = true;
		page = vm_normal_page(vma, address + i * PAGE_SIZE, pteval);
		if (!page) {
			result = SCAN_PAGE_NULL;
			break;
		}
		folio = page_folio(page);
		if (!folio_test_anon(folio)) {
			result = SCAN_PAGE_ANON;
			break;
		}
		if (folio_test_large(folio)) {
			result = SCAN_PAGE_COMPOUND;
			break;
		}
		if (folio_test_locked(folio)) {
			result = SCAN_PAGE_LOCK;
			break;
		}
		if (!is_refcount_suitable(folio)) {
			result = SCAN_PAGE_COUNT;
			break;
		}
	}
	if (result == SCAN_SUCCEED && !writable)
		result = SCAN_PAGE_RO;
	pte_unmap_unlock(pte, ptl);
	return result;
}

/*
 * __collapse_huge_page_isolate - step (5), under the old table's PTL with
 * the table unreachable: lock, check and isolate every page. On failure
 * every page isolated so far is released.
 */
static int __collapse_huge_page_isolate(struct vm_area_struct *vma,
					unsigned long address, pte_t *pte)
{
	bool writable = false;
	int i, result = SCAN_SUCCEED;

	for (i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t pteval = collapse_pte_peek(pte, i);
		struct folio *folio;
		struct page *page;

		if (pte_none_or_zero(pteval))
			continue;
		if (!pte_present(pteval)) {
			result = SCAN_PTE_NON_PRESENT;
			break;
		}
		page = vm_normal_page(vma, address + i * PAGE_SIZE, pteval);
		if (!page) {
			result = SCAN_PAGE_NULL;
			break;
		}
		folio = page_folio(page);
		if (folio_test_large(folio)) {
			result = SCAN_PAGE_COMPOUND;
			break;
		}
		if (!folio_trylock(folio)) {
			result = SCAN_PAGE_LOCK;
			break;
		}
		/*
		 * The table is unlinked: this process cannot take a new pin
		 * (a GUP-fast that read the old PMD re-checks it after its
		 * grab). A reference counted here beyond the mappings is a
		 * pin or a GUP in flight: give up.
		 */
		if (!is_refcount_suitable(folio)) {
			folio_unlock(folio);
			result = SCAN_PAGE_COUNT;
			break;
		}
		if (!folio_isolate_lru(folio)) {
			folio_unlock(folio);
			result = SCAN_DEL_PAGE_LRU;
			break;
		}
		if (pte_write(pteval))
			writable = true;
	}
	if (result == SCAN_SUCCEED && !writable)
		result = SCAN_PAGE_RO;
	if (result != SCAN_SUCCEED)
		release_pte_pages(pte, i);
	return result;
}

/*
 * __collapse_huge_page_copy - step (6): copy every page into @folio (the
 * holes stay zero: @folio was allocated zeroed), then clear the old PTEs
 * and drop the pages' mappings, references and isolation.
 * SIM: no machine-check copy failure (SCAN_COPY_MC).
 */
static void __collapse_huge_page_copy(pte_t *pte, struct folio *folio,
				      struct vm_area_struct *vma,
				      unsigned long address, spinlock_t *ptl)
{
	struct mm_struct *mm = vma->vm_mm;

	for (int i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t pteval = collapse_pte_peek(pte, i);
		struct page *src;

		if (pte_none_or_zero(pteval))
			continue;
		src = pte_page(pteval);
		sim_yield(SIM_EV_READ, sim_data_obj(src),
			  "collapse:copy_mc_user_highpage");
		physmem_copy_frames(folio_page(folio, i), src, 1);
	}
	for (int i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t pteval = collapse_pte_peek(pte, i);
		struct folio *src;
		struct page *src_page;

		if (pte_none(pteval)) {
			add_mm_counter(mm, MM_ANONPAGES, 1);
			continue;
		}
		if (is_zero_pfn(pte_pfn(pteval))) {
			add_mm_counter(mm, MM_ANONPAGES, 1);
			spin_lock(ptl);
			ptep_get_and_clear_l(mm, address + i * PAGE_SIZE,
					     pte + i, "collapse:clear_zero");
			spin_unlock(ptl);
			continue;
		}
		src_page = pte_page(pteval);
		src = page_folio(src_page);
		release_pte_folio(src);
		spin_lock(ptl);
		ptep_get_and_clear_l(mm, address + i * PAGE_SIZE, pte + i,
				     "collapse:clear_pte");
		folio_remove_rmap_pte(src, src_page, vma);
		spin_unlock(ptl);
		/* free_page_and_swap_cache */
		free_swap_cache(src);
		folio_put(src);
	}
}

/*
 * collapse_huge_page - steps (2)-(7). Called with mmap_lock read held,
 * returns with it released (the kernel's contract).
 */
static int collapse_huge_page(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma;
	spinlock_t *pmd_ptl, *pte_ptl;
	struct folio *folio;
	pgtable_t pgtable;
	pmd_t *pmd, _pmd;
	pte_t *pte;
	int result;

	/* (2) the allocation may take long: not under mmap_lock */
	mmap_read_unlock(mm);
	folio = folio_alloc(GFP_HIGHUSER_MOVABLE | __GFP_ZERO,
			    HPAGE_PMD_ORDER);
	if (!folio)
		return SCAN_ALLOC_HUGE_PAGE_FAIL;

	mmap_read_lock(mm);
	result = hugepage_vma_revalidate(mm, address, &vma);
	if (result == SCAN_SUCCEED)
		result = find_pmd_or_thp_or_none(mm, address, &pmd);
	mmap_read_unlock(mm);
	if (result != SCAN_SUCCEED)
		goto out_nolock;

	/*
	 * Keep every page-table walker out but GUP-fast (pmdp_collapse_flush
	 * and its re-checks) and rmap (anon_vma lock + the page locks).
	 */
	mmap_write_lock(mm);
	result = hugepage_vma_revalidate(mm, address, &vma);
	if (result != SCAN_SUCCEED)
		goto out_up_write;
	{
		pmd_t *new_pmd;

		result = find_pmd_or_thp_or_none(mm, address, &new_pmd);
		if (result == SCAN_SUCCEED && new_pmd != pmd)
			result = SCAN_FAIL;
		if (result != SCAN_SUCCEED)
			goto out_up_write;
	}

	anon_vma_lock_write(vma->anon_vma);

	/* (3) unlink the table: a huge and small TLB entry never coexist */
	pmd_ptl = pmd_lock(mm, pmd);
	_pmd = pmdp_collapse_flush(vma, address, pmd);
	spin_unlock(pmd_ptl);
	/*
	 * (4) race window: on arm64 the TLBI above did not wait for a
	 * GUP-fast that read the old PMD and is now reading, or about to
	 * grab through, the old table. The IPI waits for its interrupts-off
	 * section. Without it (khugepaged-pt-free-vs-gup-fast) that walker
	 * may still read the table after it was deposited and freed.
	 */
	if (!sim_regress_on(SIM_REGRESS_KHUGEPAGED_PT_FREE_VS_GUP_FAST))
		tlb_remove_table_sync_one();

	/* (5) the table is ours: pte_offset_map_lock(mm, &_pmd, ...) */
	pgtable = pmd_page(_pmd);
	pte = pte_offset_pfn(pmd_pfn(_pmd), address);
	pte_ptl = &pgtable->ptl;
	spin_lock(pte_ptl);
	result = __collapse_huge_page_isolate(vma, address, pte);
	spin_unlock(pte_ptl);

	if (result != SCAN_SUCCEED) {
		spin_lock(pmd_ptl);
		BUG_ON(!pmd_none(pmdp_get_l(pmd, "collapse:restore")));
		pmd_populate(mm, pmd, pgtable);
		spin_unlock(pmd_ptl);
		anon_vma_unlock_write(vma->anon_vma);
		goto out_up_write;
	}
	/* All pages isolated and locked: rmap walkers cannot run. */
	anon_vma_unlock_write(vma->anon_vma);

	/* (6) */
	__collapse_huge_page_copy(pte, folio, vma, address, pte_ptl);

	/* (7) __folio_mark_uptodate: the copy is visible before the PMD */
	smp_wmb();
	folio_set_uptodate(folio);
	_pmd = mk_huge_pmd(&folio->page, vma->vm_page_prot);
	_pmd = maybe_pmd_mkwrite(pmd_mkdirty(_pmd), vma);

	spin_lock(pmd_ptl);
	BUG_ON(!pmd_none(pmdp_get_l(pmd, "collapse:install")));
	folio_add_new_anon_rmap(folio, vma, address, RMAP_EXCLUSIVE);
	pgtable_trans_huge_deposit(mm, pmd, pgtable);
	set_pmd_at(mm, address, pmd, _pmd);
	spin_unlock(pmd_ptl);
	folio = NULL;
	result = SCAN_SUCCEED;
out_up_write:
	mmap_write_unlock(mm);
out_nolock:
	if (folio)
		folio_put(folio);
	return result;
}

/*
 * khugepaged_collapse_addr - see huge_mm.h. MADV_COLLAPSE of one PMD range
 * (madvise_collapse -> hpage_collapse_scan_pmd -> collapse_huge_page).
 */
int khugepaged_collapse_addr(struct mm_struct *mm, unsigned long addr)
{
	unsigned long haddr = addr & HPAGE_PMD_MASK;
	struct vm_area_struct *vma;
	int result;

	sim_on_reset(collapse_stats_reset);	/* idempotent */
	mmap_read_lock(mm);
	result = hugepage_vma_revalidate(mm, haddr, &vma);
	if (result == SCAN_SUCCEED)
		result = hpage_collapse_scan_pmd(mm, vma, haddr);
	if (result != SCAN_SUCCEED) {
		mmap_read_unlock(mm);
	} else {
		/* returns with mmap_lock released */
		result = collapse_huge_page(mm, haddr);
	}
	if (result == SCAN_SUCCEED)
		sim_mark(mm, "collapse:succeeded");
	else
		sim_mark(mm, "collapse:failed");
	if (result == SCAN_SUCCEED || result == SCAN_PMD_MAPPED) {
		collapse_ok++;
		return 0;
	}
	collapse_failed++;
	return -EAGAIN;
}
