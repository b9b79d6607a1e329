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
#include "gup.h"
#include "huge_mm.h"
#include "migrate.h"
#include "pagemap.h"
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
	SCAN_PAGE_RO,		/* not returned since 6.18 */
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
	/* file / shmem collapse */
	SCAN_PAGE_LRU,
	SCAN_TRUNCATED,
	SCAN_PAGE_FILLED,
	SCAN_PTE_MAPPED_HUGEPAGE,
	SCAN_EXCEED_SWAP_PTE,
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
 * PTE table of small present anon pages (or holes, or zero pages; a
 * writable PTE is not needed) with no extra references? A racy look:
 * collapse_huge_page checks again with the table unreachable.
 * SIM: swap entries and PTE-mapped large folios are not collapsed
 * (the kernel swaps in, and collapses large folios too).
 */
static int hpage_collapse_scan_pmd(struct mm_struct *mm,
				   struct vm_area_struct *vma,
				   unsigned long address)
{
	int result, i;
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
	/*
	 * No writable PTE is no reason to fail any more: 6.18 collapses a
	 * range of only read-only PTEs, holes and zero pages (Dev Jain's
	 * "mm: Enable khugepaged to operate on non-writable VMAs",
	 * linux-kernel 2025-09-03, drops SCAN_PAGE_RO; merged for 6.18 not
	 * verified, but this project's 6.18 host collapses such a range:
	 * scenarios/kernel/collapse-readonly.mms).
	 */
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
	}
	/* no SCAN_PAGE_RO: see hpage_collapse_scan_pmd */
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
	if (!sim_regress_on(SIM_REGRESS_KHUGEPAGED_PT_FREE_VS_GUP_FAST) &&
	    /* the kernel of gup-fast-vs-collapse predates the IPI too */
	    !sim_regress_on(SIM_REGRESS_GUP_FAST_VS_COLLAPSE))
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

/* ---- file / shmem collapse ------------------------------------------- */

/*
 * The protocol (kernel: collapse_file, retract_page_tables,
 * collapse_pte_mapped_thp; reached from MADV_COLLAPSE of a file VMA):
 *  (1) allocate a zeroed huge folio, lock it, give it ->mapping/->index
 *      (not visible yet);
 *  (2) under the page cache's xa_lock walk the 512 slots: a hole is
 *      counted (nr_none); a small folio is trylocked and referenced, then
 *      with the xa_lock dropped isolated and unmapped from every VMA
 *      (try_to_unmap, flush batched), and under the xa_lock again its
 *      count must be exactly ours + the cache's + the isolation's (3): a
 *      GUP pin or a speculative reference aborts the collapse;
 *  (3) try_to_unmap_flush(): no CPU keeps a TLB entry of an old page, so
 *      no store can land in one after (4) copied it;
 *  (4) copy every old page into the huge folio (holes stay zero);
 *  (5) under the xa_lock: the holes must still be holes (a fault may have
 *      filled one: SCAN_PAGE_FILLED, roll back), then every slot points to
 *      the huge folio (uptodate, the cache's 512 references);
 *  (6) retract_page_tables(): every VMA mapping the range by an (empty)
 *      PTE table has the table unlinked under the PMD lock and the PTL
 *      (pmdp_collapse_flush) and freed after an RCU grace period
 *      (pte_free_defer); MAP_PRIVATE VMAs with anon pages are skipped;
 *  (7) unlock the huge folio; the old ones lose ->mapping (a fault that
 *      waited for their lock sees the change and looks again), are
 *      unlocked and freed;
 *  (8) MADV_COLLAPSE: collapse_pte_mapped_thp() maps the huge folio by a
 *      PMD in the caller's mm (after dropping a PTE table that maps its
 *      pages, if a fault refilled one).
 * A fault on a range being collapsed finds a locked old folio (waits,
 * then retries) or a hole (allocates a small folio: (5) fails) or the
 * locked huge folio (waits). GUP-fast that read a PTE before (2) grabs
 * the page and re-checks the PTE: cleared, it lets go.
 * SIM: a swap entry in the range fails the collapse (the kernel reads it
 * back in), no !uptodate folios, no userfaultfd, no memcg charge; the
 * kernel's XA_RETRY_ENTRYs are not needed: the model holds the xa_lock
 * from the hole check to the store of the huge folio, as the kernel
 * does.
 */

/*
 * hugepage_vma_revalidate_file - MADV_COLLAPSE's check of a file VMA at
 * @address: a tmpfs file, not VM_NOHUGEPAGE, shmem_enabled not "deny",
 * the whole PMD range inside the VMA at a matching file alignment.
 * SIM: the kernel asks thp_vma_allowable_order / shmem_allowable_huge_orders
 * (with shmem_huge_force: the huge= option is not enforced).
 */
static int hugepage_vma_revalidate_file(struct mm_struct *mm,
					unsigned long address,
					struct vm_area_struct **vmap)
{
	struct vm_area_struct *vma = find_vma(mm, address);

	*vmap = vma;
	if (!vma || vma->vm_start > address)
		return SCAN_VMA_NULL;
	if (!vma->vm_file)
		return SCAN_VMA_CHECK;
	if (address + HPAGE_PMD_SIZE > vma->vm_end ||
	    !IS_ALIGNED((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff,
			HPAGE_PMD_NR))
		return SCAN_ADDRESS_RANGE;
	if ((vma->vm_flags & VM_NOHUGEPAGE) || shmem_huge == SHMEM_HUGE_DENY)
		return SCAN_VMA_CHECK;
	if (linear_page_index(vma, address) + HPAGE_PMD_NR >
	    vma->vm_file->f_mapping->nr_slots)
		return SCAN_ADDRESS_RANGE;
	return SCAN_SUCCEED;
}

/* The slot at @index, read under the xa_lock or racily (scan). */
static struct folio *xa_peek(struct address_space *mapping,
			     unsigned long index)
{
	return __atomic_load_n(&mapping->i_pages[index], __ATOMIC_RELAXED);
}

/*
 * retract_page_tables - step (6). New huge folio locked: no fault can map
 * a page of the range, so every PTE table there is empty. Each VMA's
 * table is unlinked under its PMD lock and PTL and freed after a grace
 * period. i_mmap_rwsem read keeps the VMAs (and their mms) alive; no
 * mmap_lock is taken, so nothing stops mremap from moving the table
 * meanwhile: move_normal_pmd re-checks the PMD under these locks
 * (mremap-move-pmd-vs-retract).
 */
static void retract_page_tables(struct address_space *mapping,
				unsigned long pgoff)
{
	struct vm_area_struct *vma;

	i_mmap_lock_read(mapping);
	list_for_each_entry(vma, &mapping->i_mmap, shared) {
		struct mm_struct *mm;
		unsigned long addr;
		pmd_t *pmd, pgt_pmd;
		spinlock_t *pml, *ptl;
		bool skipped = false;

		/* vma_interval_tree_foreach(vma, &i_mmap, pgoff, pgoff) */
		if (pgoff < vma->vm_pgoff ||
		    pgoff >= vma->vm_pgoff + vma_pages(vma))
			continue;
		/* MAP_PRIVATE VMAs that were written to: left alone */
		if (READ_ONCE(vma->anon_vma))
			continue;
		addr = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
		if ((addr & ~HPAGE_PMD_MASK) ||
		    vma->vm_end < addr + HPAGE_PMD_SIZE)
			continue;
		mm = vma->vm_mm;
		if (find_pmd_or_thp_or_none(mm, addr, &pmd) != SCAN_SUCCEED)
			continue;
		if (!atomic_read(&mm->mm_users))	/* test_exit */
			continue;
		/*
		 * race window: the PMD was read without mmap_lock; mremap
		 * (mmap_lock write, no rmap lock yet) may be moving this
		 * table to another PMD now.
		 */
		pml = pmd_lock(mm, pmd);
		ptl = pte_lockptr(mm, pmd);
		if (ptl != pml)
			spin_lock(ptl);
		if (unlikely(vma->anon_vma))
			skipped = true;
		else
			pgt_pmd = pmdp_collapse_flush(vma, addr, pmd);
		if (ptl != pml)
			spin_unlock(ptl);
		spin_unlock(pml);
		if (!skipped) {
			mm_dec_nr_ptes(mm);
			pte_free_defer(mm, pmd_page(pgt_pmd));
		}
	}
	i_mmap_unlock_read(mapping);
}

/*
 * collapse_file_isolate - step (2) for the small @folio found at @index
 * (xa_lock held on entry and on return). Trylocks, references, isolates
 * and unmaps it; on success it is on @pagelist, locked, with our
 * reference and the isolation's.
 */
static int collapse_file_isolate(struct address_space *mapping,
				 struct folio *folio, unsigned long index,
				 unsigned long start, struct list_head *pagelist)
{
	spinlock_t *xa = &mapping->i_pages_lock;
	int result;

	if (!folio_trylock(folio))
		return SCAN_PAGE_LOCK;
	folio_get(folio);
	spin_unlock(xa);
	/* folio locked: truncation cannot take it out of the cache now */
	if (folio_test_large(folio)) {
		result = folio_order(folio) == HPAGE_PMD_ORDER &&
				 folio->index == start ?
			 SCAN_PTE_MAPPED_HUGEPAGE :
			 SCAN_PAGE_COMPOUND;
		goto out_unlock;
	}
	if (folio_mapping(folio) != mapping) {
		result = SCAN_TRUNCATED;
		goto out_unlock;
	}
	if (!folio_isolate_lru(folio)) {
		result = SCAN_DEL_PAGE_LRU;
		goto out_unlock;
	}
	if (folio_mapcount(folio))
		try_to_unmap(folio, TTU_BATCH_FLUSH);
	spin_lock(xa);
	VM_BUG_ON_FOLIO(folio != xa_peek(mapping, index), folio);
	/*
	 * Ours, the page cache's and the isolation's: anyone else who
	 * wants the page must look it up and lock it, and waits for us.
	 * A GUP pin (or a GUP-fast reference in flight) shows here.
	 */
	if (folio_ref_count(folio) != 3) {
		spin_unlock(xa);
		folio_putback_lru(folio);
		result = SCAN_PAGE_COUNT;
		goto out_unlock;
	}
	list_add_tail(&folio->lru, pagelist);
	return SCAN_SUCCEED;
out_unlock:
	folio_unlock(folio);
	folio_put(folio);
	spin_lock(xa);
	return result;
}

/*
 * collapse_file - steps (1)-(7) for the PMD-aligned file index @start.
 * No lock held on entry or return. SCAN_SUCCEED: the huge folio is in
 * the page cache (mapped by nobody yet but the VMAs that refault it).
 */
static int collapse_file(struct mm_struct *mm, unsigned long addr,
			 struct address_space *mapping, unsigned long start)
{
	spinlock_t *xa = &mapping->i_pages_lock;
	unsigned long index, end = start + HPAGE_PMD_NR;
	struct folio *new_folio, *folio, *tmp;
	int nr_none = 0, result = SCAN_SUCCEED;
	LIST_HEAD(pagelist);

	/* (1) */
	new_folio = folio_alloc(GFP_HIGHUSER_MOVABLE | __GFP_ZERO,
				HPAGE_PMD_ORDER);
	if (!new_folio)
		return SCAN_ALLOC_HUGE_PAGE_FAIL;
	__folio_set_locked(new_folio);
	__folio_set_swapbacked(new_folio);
	new_folio->index = start;
	new_folio->mapping = mapping;

	/* (2) */
	spin_lock(xa);
	for (index = start; index < end; index++) {
		folio = xa_peek(mapping, index);
		if (xa_is_value(folio)) {
			/* SIM: a page on swap is not read back in for the
			 * collapse (the kernel swaps it in under
			 * max_ptes_swap): the collapse fails */
			result = SCAN_EXCEED_SWAP_PTE;
			break;
		}
		if (!folio) {
			if (index == start) {
				unsigned long i = start;

				while (i < end && !xa_peek(mapping, i))
					i++;
				if (i == end) {
					result = SCAN_TRUNCATED;
					break;
				}
			}
			nr_none++;
			continue;
		}
		result = collapse_file_isolate(mapping, folio, index, start,
					       &pagelist);
		if (result != SCAN_SUCCEED)
			break;
	}
	spin_unlock(xa);

	/* (3) even on failure: the unmapped PTEs are flushed */
	try_to_unmap_flush();
	if (result != SCAN_SUCCEED)
		goto rollback;

	/* (4) the old folios are locked and unmapped: they cannot change */
	list_for_each_entry(folio, &pagelist, lru) {
		struct page *src = folio_page(folio, 0);

		sim_yield(SIM_EV_READ, sim_data_obj(src),
			  "collapse_file:copy_mc_highpage");
		physmem_copy_frames(folio_page(new_folio,
					       folio->index - start), src, 1);
	}

	/* (5) */
	spin_lock(xa);
	if (nr_none) {
		int nr_none_check = 0;

		for (index = start; index < end; index++)
			nr_none_check += !xa_peek(mapping, index);
		if (nr_none != nr_none_check) {
			spin_unlock(xa);
			result = SCAN_PAGE_FILLED;
			goto rollback;
		}
	}
	/* folio_mark_uptodate: the copy is visible before the folio */
	smp_wmb();
	folio_set_uptodate(new_folio);
	folio_ref_add(new_folio, HPAGE_PMD_NR - 1);	/* the cache's */
	folio_mark_dirty(new_folio);
	for (index = start; index < end; index++)
		__atomic_store_n(&mapping->i_pages[index], new_folio, SIM_MO);
	sim_yield2(SIM_EV_WRITE, &mapping->i_pages[start], SIM_EV_WRITE,
		   &mapping->i_pages_head, "collapse_file:xas_store");
	mapping->nrpages += nr_none;
	spin_unlock(xa);

	/* (6) */
	retract_page_tables(mapping, start);
	/* (7) */
	folio_unlock(new_folio);
	list_for_each_entry_safe(folio, tmp, &pagelist, lru) {
		list_del(&folio->lru);
		WRITE_ONCE_L(folio->mapping, NULL, "collapse_file:old_mapping");
		folio_clear_isolated(folio);
		folio_unlock(folio);
		folio_put_refs(folio, 3);
	}
	return SCAN_SUCCEED;

rollback:
	list_for_each_entry_safe(folio, tmp, &pagelist, lru) {
		list_del(&folio->lru);
		folio_unlock(folio);
		folio_putback_lru(folio);
		folio_put(folio);
	}
	new_folio->mapping = NULL;
	__folio_clear_locked(new_folio);
	folio_put(new_folio);
	return result;
}

/*
 * hpage_collapse_scan_file - a racy look at the 512 slots (no lock, as
 * the kernel's RCU walk): a PMD-sized folio already there is
 * SCAN_PTE_MAPPED_HUGEPAGE (map it by a PMD), another large one or a
 * folio with references beyond the cache's and its mappings' fails; else
 * collapse_file. SIM: no yield point per slot (the checks are redone
 * under the locks; 512 yield points would only lengthen executions).
 */
static int hpage_collapse_scan_file(struct mm_struct *mm, unsigned long addr,
				    struct address_space *mapping,
				    unsigned long start)
{
	int result = SCAN_SUCCEED;

	rcu_read_lock();
	for (unsigned long i = start; i < start + HPAGE_PMD_NR; i++) {
		struct folio *folio = xa_peek(mapping, i);

		if (!folio)
			continue;
		if (xa_is_value(folio)) {
			result = SCAN_EXCEED_SWAP_PTE;	/* SIM: see collapse_file */
			break;
		}
		if (folio_test_large(folio)) {
			result = folio_order(folio) == HPAGE_PMD_ORDER &&
					 folio->index == start ?
				 SCAN_PTE_MAPPED_HUGEPAGE :
				 SCAN_PAGE_COMPOUND;
			break;
		}
		if (folio_test_isolated(folio)) {
			result = SCAN_PAGE_LRU;
			break;
		}
		if (folio_ref_count(folio) != 1 + folio_mapcount(folio)) {
			result = SCAN_PAGE_COUNT;
			break;
		}
	}
	rcu_read_unlock();
	if (result == SCAN_SUCCEED)
		result = collapse_file(mm, addr, mapping, start);
	return result;
}

/* filemap_lock_folio - the cached folio at @index, locked and referenced. */
static struct folio *filemap_lock_folio(struct address_space *mapping,
					unsigned long index)
{
	struct folio *folio;

repeat:
	folio = filemap_get_entry(mapping, index);
	if (!folio || xa_is_value(folio))
		return NULL;	/* a swap entry: __filemap_get_folio's NULL */
	folio_lock(folio);
	if (READ_ONCE(folio->mapping) != mapping) {
		folio_unlock(folio);
		folio_put(folio);
		goto repeat;
	}
	return folio;
}

/*
 * set_huge_pmd - map the locked huge @folio by the none PMD at @pmdp
 * (do_set_pmd; the mapping takes a reference). mmap_lock held.
 */
static int set_huge_pmd(struct vm_area_struct *vma, unsigned long addr,
			pmd_t *pmdp, struct folio *folio)
{
	struct vm_fault vmf = {
		.vma = vma,
		.address = addr,
		.pmd = pmdp,
	};

	if (do_set_pmd(&vmf, folio, &folio->page))
		return SCAN_FAIL;
	folio_get(folio);
	return SCAN_SUCCEED;
}

/*
 * collapse_pte_mapped_thp - step (8), mmap_lock read held: if the PTE
 * table at @addr maps only pages of the huge folio now cached there (or
 * nothing), (a) check under the PTL, (b) clear those PTEs under the PTL
 * again (the PTL was dropped in between: COW and migration may have
 * changed an entry), (c) unlink the table under the PMD lock + PTL and
 * free it after a grace period, (d) map the folio by a PMD
 * (@install_pmd).
 */
static int collapse_pte_mapped_thp(struct mm_struct *mm, unsigned long addr,
				   bool install_pmd)
{
	unsigned long haddr = addr & HPAGE_PMD_MASK;
	struct vm_area_struct *vma = vma_lookup(mm, haddr);
	spinlock_t *pml, *ptl;
	int nr_ptes = 0, result, i;
	struct folio *folio;
	pmd_t *pmd, pgt_pmd;
	pte_t *start_pte;

	if (!vma || !vma->vm_file || haddr < vma->vm_start ||
	    haddr + HPAGE_PMD_SIZE > vma->vm_end)
		return SCAN_VMA_CHECK;
	result = find_pmd_or_thp_or_none(mm, haddr, &pmd);
	if (result == SCAN_PMD_MAPPED)
		return result;
	if (hugepage_vma_revalidate_file(mm, haddr, &vma) != SCAN_SUCCEED)
		return SCAN_VMA_CHECK;
	folio = filemap_lock_folio(vma->vm_file->f_mapping,
				   linear_page_index(vma, haddr));
	if (!folio)
		return SCAN_PAGE_NULL;
	if (folio_order(folio) != HPAGE_PMD_ORDER) {
		result = SCAN_PAGE_COMPOUND;
		goto drop_folio;
	}
	result = find_pmd_or_thp_or_none(mm, haddr, &pmd);
	if (result == SCAN_PMD_NONE)
		goto maybe_install_pmd;	/* the table was retracted */
	if (result != SCAN_SUCCEED)
		goto drop_folio;

	/* (a) */
	result = SCAN_FAIL;
	start_pte = pte_offset_map_lock(mm, pmd, haddr, &ptl);
	if (!start_pte)
		goto drop_folio;
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t ptent = collapse_pte_peek(start_pte, i);

		if (pte_none(ptent))
			continue;
		if (!pte_present(ptent)) {
			result = SCAN_PTE_NON_PRESENT;
			break;
		}
		if (vm_normal_page(vma, haddr + i * PAGE_SIZE, ptent) !=
		    folio_page(folio, i))
			break;
	}
	pte_unmap_unlock(start_pte, ptl);
	if (i < HPAGE_PMD_NR)
		goto drop_folio;

	/* (b) race window: the PTL was dropped */
	start_pte = pte_offset_map_lock(mm, pmd, haddr, &ptl);
	if (!start_pte)
		goto drop_folio;
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		unsigned long a = haddr + i * PAGE_SIZE;
		pte_t ptent = collapse_pte_peek(start_pte, i);
		struct page *page;

		if (pte_none(ptent))
			continue;
		if (!pte_present(ptent)) {
			result = SCAN_PTE_NON_PRESENT;
			goto abort;
		}
		page = vm_normal_page(vma, a, ptent);
		if (page != folio_page(folio, i))
			goto abort;
		/* the flush is pmdp_collapse_flush's, below */
		ptep_get_and_clear_l(mm, a, start_pte + i,
				     "collapse_pte_mapped_thp:clear");
		folio_remove_rmap_pte(folio, page, vma);
		nr_ptes++;
	}
	spin_unlock(ptl);
	if (nr_ptes) {
		folio_ref_sub(folio, nr_ptes);
		add_mm_counter(mm, mm_counter_file(folio), -nr_ptes);
	}

	/* (c) */
	pml = pmd_lock(mm, pmd);
	ptl = pte_lockptr(mm, pmd);
	if (ptl != pml)
		spin_lock(ptl);
	pgt_pmd = pmdp_collapse_flush(vma, haddr, pmd);
	if (ptl != pml)
		spin_unlock(ptl);
	spin_unlock(pml);
	mm_dec_nr_ptes(mm);
	pte_free_defer(mm, pmd_page(pgt_pmd));

maybe_install_pmd:
	/* (d) */
	result = install_pmd ? set_huge_pmd(vma, haddr, pmd, folio) :
			       SCAN_SUCCEED;
	goto drop_folio;
abort:
	if (nr_ptes) {
		flush_tlb_mm(&mm->context);
		folio_ref_sub(folio, nr_ptes);
		add_mm_counter(mm, mm_counter_file(folio), -nr_ptes);
	}
	spin_unlock(ptl);
drop_folio:
	folio_unlock(folio);
	folio_put(folio);
	return result;
}

/*
 * madvise_collapse_file - one PMD range of a file VMA, mmap_lock read
 * held on entry, released on return: (1)-(7) by collapse_file, then (8)
 * under mmap_lock read again.
 */
static int madvise_collapse_file(struct mm_struct *mm,
				 struct vm_area_struct *vma,
				 unsigned long haddr)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long pgoff = linear_page_index(vma, haddr);
	int result;

	/* SIM: get_file/fput: a file outlives its VMAs here */
	mmap_read_unlock(mm);
	result = hpage_collapse_scan_file(mm, haddr, mapping, pgoff);
	if (result == SCAN_SUCCEED || result == SCAN_PTE_MAPPED_HUGEPAGE) {
		mmap_read_lock(mm);
		result = collapse_pte_mapped_thp(mm, haddr, true);
		mmap_read_unlock(mm);
	}
	return result;
}

/*
 * collapse_one - MADV_COLLAPSE of the PMD range at @haddr: the anon or
 * the file path. Takes and releases mmap_lock.
 */
static int collapse_one(struct mm_struct *mm, unsigned long haddr)
{
	struct vm_area_struct *vma;
	int result;

	mmap_read_lock(mm);
	vma = find_vma(mm, haddr);
	if (vma && vma->vm_start <= haddr && vma->vm_file) {
		result = hugepage_vma_revalidate_file(mm, haddr, &vma);
		if (result != SCAN_SUCCEED) {
			mmap_read_unlock(mm);
			return result;
		}
		return madvise_collapse_file(mm, vma, haddr);
	}
	result = hugepage_vma_revalidate(mm, haddr, &vma);
	if (result == SCAN_SUCCEED)
		result = hpage_collapse_scan_pmd(mm, vma, haddr);
	if (result != SCAN_SUCCEED) {
		mmap_read_unlock(mm);
		return result;
	}
	/* returns with mmap_lock released */
	return collapse_huge_page(mm, haddr);
}

/*
 * khugepaged_collapse_addr - see huge_mm.h. MADV_COLLAPSE of one PMD range
 * (madvise_collapse -> hpage_collapse_scan_pmd -> collapse_huge_page, or
 * for a file VMA hpage_collapse_scan_file -> collapse_file, then
 * collapse_pte_mapped_thp).
 */
int khugepaged_collapse_addr(struct mm_struct *mm, unsigned long addr)
{
	int result;

	sim_on_reset(collapse_stats_reset);	/* idempotent */
	result = collapse_one(mm, addr & HPAGE_PMD_MASK);
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

/*
 * madvise_collapse - see huge_mm.h. Every whole PMD range inside
 * [start, end); 0 if all of them are (now) PMD-mapped, else -EAGAIN.
 * SIM: one errno for every failure (the kernel's madvise_collapse_errno
 * tells -EAGAIN, -EINVAL, -ENOMEM and -EBUSY apart).
 */
int madvise_collapse(struct mm_struct *mm, unsigned long start,
		     unsigned long end)
{
	unsigned long hstart = ALIGN(start, HPAGE_PMD_SIZE);
	unsigned long hend = end & HPAGE_PMD_MASK;
	int ret = 0;

	for (unsigned long addr = hstart; addr < hend; addr += HPAGE_PMD_SIZE)
		if (khugepaged_collapse_addr(mm, addr))
			ret = -EAGAIN;
	return ret;
}
