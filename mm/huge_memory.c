// SPDX-License-Identifier: GPL-2.0
/*
 * mm/huge_memory.c - PMD-mapped anonymous THPs: fault, COW, fork, zap,
 * split of the PMD (kernel: mm/huge_memory.c).
 *
 * Every huge PMD has a PTE table deposited under it (the "deposit"), so
 * splitting the PMD never allocates. The PMD lock (split, in the PMD
 * table's struct page) protects the huge PMD and the deposit.
 * A PMD-mapped folio has PG_anon_exclusive on its head page only; once
 * PTE-mapped (after __split_huge_pmd), the bit is per page.
 * split_huge_page (split_folio) turns a large anon folio into order-0
 * folios: freeze the count with the mappings replaced by migration
 * entries, split the struct pages, remap. A partially unmapped THP is
 * queued for deferred_split_scan (the shrinker), which splits it.
 */
#include "huge_mm.h"
#include "migrate.h"
#include "pagemap.h"
#include "rmap.h"
#include "swap.h"
#include "tlb.h"
#include "sim/regress.h"

enum transparent_hugepage_mode transparent_hugepage_mode = THP_ALWAYS;

/*
 * thp_vma_allowable - the global mode and the VMA's flags allow a THP,
 * and the PMD-aligned 2 MiB around @addr lies inside @vma with its page
 * offset aligned too.
 */
bool thp_vma_allowable(struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long haddr = addr & HPAGE_PMD_MASK;

	if (vma->vm_flags & VM_NOHUGEPAGE)
		return false;
	if (transparent_hugepage_mode == THP_NEVER ||
	    (transparent_hugepage_mode == THP_MADVISE &&
	     !(vma->vm_flags & VM_HUGEPAGE)))
		return false;
	if (!IS_ALIGNED((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff,
			HPAGE_PMD_NR))
		return false;
	return haddr >= vma->vm_start && haddr + HPAGE_PMD_SIZE <= vma->vm_end;
}

/* set_huge_zero_folio - map the huge zero folio read-only. PMD lock held. */
static void set_huge_zero_folio(pgtable_t pgtable, struct mm_struct *mm,
				struct vm_area_struct *vma,
				unsigned long haddr, pmd_t *pmd)
{
	pmd_t entry = mk_huge_pmd(&huge_zero_folio->page, vma->vm_page_prot);

	pgtable_trans_huge_deposit(mm, pmd, pgtable);
	set_pmd_at(mm, haddr, pmd, entry);
	mm_inc_nr_ptes(mm);
}

/* A read fault: the huge zero folio, if the PMD is still none. */
static vm_fault_t do_huge_zero_fault(struct vm_fault *vmf,
				     unsigned long haddr)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	pgtable_t pgtable = pte_alloc_one(mm);
	spinlock_t *ptl;

	if (!pgtable)
		return VM_FAULT_OOM;
	ptl = pmd_lock(mm, vmf->pmd);
	if (pmd_none(pmdp_get_l(vmf->pmd, "do_huge_zero_fault:recheck"))) {
		set_huge_zero_folio(pgtable, mm, vmf->vma, haddr, vmf->pmd);
		pgtable = NULL;
	}
	spin_unlock(ptl);
	if (pgtable)
		pte_free(mm, pgtable);
	return 0;
}

/*
 * do_huge_pmd_anonymous_page - first touch of a THP-eligible PMD range:
 * a read maps the huge zero folio, a write a new zeroed THP. Returns 0,
 * VM_FAULT_OOM, or VM_FAULT_FALLBACK (no THP: use PTEs).
 */
vm_fault_t do_huge_pmd_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = vmf->address & HPAGE_PMD_MASK;
	struct folio *folio;
	pgtable_t pgtable;
	pmd_t entry;

	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		if (!mm_get_huge_zero_folio())
			return VM_FAULT_FALLBACK;
		return do_huge_zero_fault(vmf, haddr);
	}
	folio = vma_alloc_folio(__GFP_ZERO, HPAGE_PMD_ORDER, vma, haddr, true);
	if (!folio)
		return VM_FAULT_FALLBACK;
	pgtable = pte_alloc_one(mm);
	if (!pgtable) {
		folio_put(folio);
		return VM_FAULT_OOM;
	}
	__folio_set_uptodate(folio);
	vmf->ptl = pmd_lock(mm, vmf->pmd);
	if (unlikely(!pmd_none(pmdp_get_l(vmf->pmd, "huge_anon:recheck")))) {
		spin_unlock(vmf->ptl);
		pte_free(mm, pgtable);
		folio_put(folio);
		return 0;
	}
	entry = mk_huge_pmd(&folio->page, vma->vm_page_prot);
	entry = maybe_pmd_mkwrite(pmd_mkdirty(pmd_mkyoung(entry)), vma);
	folio_add_new_anon_rmap(folio, vma, haddr, RMAP_EXCLUSIVE);
	pgtable_trans_huge_deposit(mm, vmf->pmd, pgtable);
	set_pmd_at(mm, haddr, vmf->pmd, entry);
	add_mm_counter(mm, MM_ANONPAGES, HPAGE_PMD_NR);
	mm_inc_nr_ptes(mm);
	spin_unlock(vmf->ptl);
	return 0;
}

/*
 * huge_pmd_set_accessed - a fault on a huge PMD that allows the access
 * (a stale TLB entry, or the PMD is mid-split: invalidated). Waits for
 * the PMD lock (so a fault meeting a split sleeps instead of spinning),
 * then, if the PMD is unchanged, records a write's Dirty bit; either way
 * the access is retried.
 */
void huge_pmd_set_accessed(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	pmd_t entry;

	vmf->ptl = pmd_lock(mm, vmf->pmd);
	if (pmd_same(pmdp_get_l(vmf->pmd, "huge_pmd_set_accessed:recheck"),
		     vmf->orig_pmd) &&
	    (vmf->flags & FAULT_FLAG_WRITE)) {
		entry = pmd_mkdirty(pmd_mkyoung(vmf->orig_pmd));
		if (!pmd_same(entry, vmf->orig_pmd))
			set_pmd_at(mm, vmf->address, vmf->pmd, entry);
	}
	spin_unlock(vmf->ptl);
}

/*
 * thp_mapcount_racy - the old reuse test's count (kernel, 2016-2020:
 * page_trans_huge_mapcount() via reuse_swap_page(), under the page lock
 * only): the largest PTE mapcount of a page, then the compound (PMD)
 * mapcount, read one after the other without anything that stops a
 * __split_huge_pmd_locked() of another mm from moving a mapping from the
 * compound count to the page counts in between.
 * The race (thp-split-pmd-mapcount, docs/bugs.md):
 *   (1) we read every page's _mapcount: 0 (the THP is mapped by two
 *       PMDs, ours and the child's);
 *   (2) the child splits its PMD: +1 on every page, -1 on the compound;
 *   (3) we read the compound mapcount: 1 (ours). 0 + 1: "mapped once",
 *       and the THP the child still maps is reused for our write.
 * The fix took the page lock in __split_huge_pmd around the transfer.
 * Since 6.x the reuse test is PG_anon_exclusive / the refcount.
 */
static int thp_mapcount_racy(struct folio *folio)
{
	int max = 0;

	sim_yield(SIM_EV_READ, &folio->page._mapcount,
		  "page_trans_huge_mapcount:pages");
	for (long i = 0; i < folio_nr_pages(folio); i++) {
		int m = page_mapcount_raw(folio_page(folio, i));

		if (m > max)
			max = m;
	}
	return max + atomic_read(&folio->_entire_mapcount) + 1;
}

/*
 * do_huge_zero_wp_pmd - a write fault on the huge zero folio: replace it
 * with a new zeroed THP, mapped writable by the same PMD (the page table
 * deposited for the huge zero mapping stays deposited). Returns 0, or
 * VM_FAULT_FALLBACK when no THP can be had (the caller splits the PMD
 * and the PTE level maps one small page, the behaviour before).
 * Mainline behaviour as `mmsim kernel` observed it on the 6.18 host (a
 * write to a huge-zero-mapped range gave a PMD-sized anon THP, every page
 * present, exclusive); the commit that introduced it is not verified.
 * Unshare faults (R/O pins) keep the shared huge zero folio.
 */
static vm_fault_t do_huge_zero_wp_pmd(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = vmf->address & HPAGE_PMD_MASK;
	struct folio *folio;
	pmd_t entry;

	if (vmf->flags & FAULT_FLAG_UNSHARE)
		return VM_FAULT_FALLBACK;
	folio = vma_alloc_folio(__GFP_ZERO, HPAGE_PMD_ORDER, vma, haddr, true);
	if (!folio)
		return VM_FAULT_FALLBACK;
	__folio_set_uptodate(folio);
	vmf->ptl = pmd_lock(mm, vmf->pmd);
	if (unlikely(!pmd_same(pmdp_get_l(vmf->pmd, "huge_zero_wp:recheck"),
			       vmf->orig_pmd))) {
		spin_unlock(vmf->ptl);
		folio_put(folio);
		return 0;
	}
	/* (1) unmap the huge zero folio and flush, (2) map the THP */
	pmdp_huge_clear_flush(vma, haddr, vmf->pmd);
	entry = mk_huge_pmd(&folio->page, vma->vm_page_prot);
	entry = maybe_pmd_mkwrite(pmd_mkdirty(pmd_mkyoung(entry)), vma);
	folio_add_new_anon_rmap(folio, vma, haddr, RMAP_EXCLUSIVE);
	set_pmd_at(mm, haddr, vmf->pmd, entry);
	add_mm_counter(mm, MM_ANONPAGES, HPAGE_PMD_NR);
	spin_unlock(vmf->ptl);
	return 0;
}

/*
 * do_huge_pmd_wp_page - write/unshare fault on a read-only huge PMD.
 * Reuse the THP if its head is PageAnonExclusive, or if under the folio
 * lock our PMD mapping holds its only reference; else split the PMD and
 * let the PTE level copy the one page (VM_FAULT_FALLBACK). The huge zero
 * folio is replaced by a new THP (do_huge_zero_wp_pmd), or falls back.
 */
vm_fault_t do_huge_pmd_wp_page(struct vm_fault *vmf)
{
	const bool unshare = vmf->flags & FAULT_FLAG_UNSHARE;
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct folio *folio;
	struct page *page;
	pmd_t entry;

	VM_BUG_ON(!vma->anon_vma);
	if (is_huge_zero_pmd(vmf->orig_pmd)) {
		if (!do_huge_zero_wp_pmd(vmf))
			return 0;
		goto fallback;
	}
	vmf->ptl = pmd_lock(mm, vmf->pmd);
	if (unlikely(!pmd_same(pmdp_get_l(vmf->pmd, "huge_wp:recheck"),
			       vmf->orig_pmd)))
		goto unlock;
	page = pmd_page(vmf->orig_pmd);
	folio = page_folio(page);
	if (PageAnonExclusive(page))
		goto reuse;
	if (!folio_trylock(folio))
		goto unlock_fallback;	/* SIM: no sleeping retry */
	if (sim_regress_on(SIM_REGRESS_THP_SPLIT_PMD_MAPCOUNT)) {
		/* Before c444eb564fb1 (see thp_mapcount_racy()). */
		if (thp_mapcount_racy(folio) == 1) {
			folio_move_anon_rmap(folio, vma);
			SetPageAnonExclusive(page);
			folio_unlock(folio);
			goto reuse;
		}
		folio_unlock(folio);
		goto unlock_fallback;
	}
	if (folio_ref_count(folio) == 1) {
		folio_move_anon_rmap(folio, vma);
		SetPageAnonExclusive(page);
		folio_unlock(folio);
		goto reuse;
	}
	folio_unlock(folio);
unlock_fallback:
	spin_unlock(vmf->ptl);
fallback:
	__split_huge_pmd(vma, vmf->pmd, vmf->address, false, NULL);
	return VM_FAULT_FALLBACK;
reuse:
	if (!unshare) {
		entry = pmd_mkyoung(vmf->orig_pmd);
		entry = maybe_pmd_mkwrite(pmd_mkdirty(entry), vma);
		set_pmd_at(mm, vmf->address & HPAGE_PMD_MASK, vmf->pmd, entry);
	}
unlock:
	spin_unlock(vmf->ptl);
	return 0;
}

/*
 * copy_huge_pmd - fork of a huge PMD: share the THP read-only on both
 * sides, or, if its head is exclusive and the folio may be pinned, split
 * the parent's PMD and return -EAGAIN so the PTE level copies the pages
 * that need it. Takes the child's PMD lock, then the parent's (nested).
 * Returns 0, -EAGAIN or -ENOMEM.
 */
int copy_huge_pmd(struct mm_struct *dst_mm, struct mm_struct *src_mm,
		  pmd_t *dst_pmd, pmd_t *src_pmd, unsigned long addr,
		  struct vm_area_struct *dst_vma,
		  struct vm_area_struct *src_vma)
{
	spinlock_t *dst_ptl, *src_ptl;
	struct folio *src_folio;
	struct page *src_page;
	pgtable_t pgtable;
	pmd_t pmd;
	int ret = -ENOMEM;

	/* Skip if can be re-filled on fault (a file THP's PMD) */
	if (!vma_is_anonymous(dst_vma))
		return 0;
	pgtable = pte_alloc_one(dst_mm);
	if (unlikely(!pgtable))
		return ret;
	dst_ptl = pmd_lock(dst_mm, dst_pmd);
	src_ptl = pmd_lockptr(src_mm, src_pmd);
	spin_lock_nested(src_ptl, SINGLE_DEPTH_NESTING);
	ret = -EAGAIN;
	pmd = pmdp_get_l(src_pmd, "copy_huge_pmd:read");
	if (unlikely(is_swap_pmd(pmd))) {
		/* A PMD migration entry (mm/migrate.c). */
		copy_huge_pmd_migration_entry(dst_mm, src_mm, dst_pmd, src_pmd,
					      pmd, addr, src_vma, pgtable);
		pgtable = NULL;
		ret = 0;
		goto out_unlock;
	}
	if (unlikely(!pmd_trans_huge(pmd)))
		goto out_unlock;	/* split meanwhile: copy the PTEs */
	if (is_huge_zero_pmd(pmd)) {
		set_huge_zero_folio(pgtable, dst_mm, dst_vma, addr, dst_pmd);
		pgtable = NULL;
		ret = 0;
		goto out_unlock;
	}
	src_page = pmd_page(pmd);
	src_folio = page_folio(src_page);
	folio_get(src_folio);
	if (unlikely(folio_try_dup_anon_rmap_pmd(src_folio, src_page,
						 src_vma))) {
		/* Page may be pinned: split and copy the PTEs instead. */
		folio_put(src_folio);
		spin_unlock(src_ptl);
		spin_unlock(dst_ptl);
		pte_free(dst_mm, pgtable);
		__split_huge_pmd(src_vma, src_pmd, addr, false, NULL);
		return -EAGAIN;
	}
	add_mm_counter(dst_mm, MM_ANONPAGES, HPAGE_PMD_NR);
	mm_inc_nr_ptes(dst_mm);
	pgtable_trans_huge_deposit(dst_mm, dst_pmd, pgtable);
	pgtable = NULL;
	pmdp_set_wrprotect(src_mm, addr, src_pmd);
	pmd = pmd_mkold(pmd_wrprotect(pmd));
	set_pmd_at(dst_mm, addr, dst_pmd, pmd);
	ret = 0;
out_unlock:
	spin_unlock(src_ptl);
	spin_unlock(dst_ptl);
	if (pgtable)
		pte_free(dst_mm, pgtable);
	return ret;
}

spinlock_t *__pmd_trans_huge_lock(pmd_t *pmd, struct vm_area_struct *vma)
{
	spinlock_t *ptl = pmd_lock(vma->vm_mm, pmd);
	pmd_t pmdval = pmdp_get_l(pmd, "pmd_trans_huge_lock:recheck");

	if (likely(pmd_trans_huge(pmdval) || is_swap_pmd(pmdval)))
		return ptl;
	spin_unlock(ptl);
	return NULL;
}

/* zap_deposited_table - the deposit was never reachable: free it now. */
static void zap_deposited_table(struct mm_struct *mm, pmd_t *pmd)
{
	pgtable_t pgtable = pgtable_trans_huge_withdraw(mm, pmd);

	pte_free(mm, pgtable);
	mm_dec_nr_ptes(mm);
}

/*
 * zap_huge_pmd - see huge_mm.h. (1) clear the PMD under its lock and
 * unaccount the mapping, (2) the caller's tlb flushes, (3) then the
 * reference is dropped (queued in @tlb).
 */
int zap_huge_pmd(struct mmu_gather *tlb, struct vm_area_struct *vma,
		 pmd_t *pmd, unsigned long addr)
{
	struct mm_struct *mm = tlb->mm;
	struct folio *folio = NULL;
	struct page *page = NULL;
	spinlock_t *ptl;
	pmd_t orig_pmd;

	ptl = __pmd_trans_huge_lock(pmd, vma);
	if (!ptl)
		return 0;
	orig_pmd = pmdp_huge_get_and_clear(mm, addr, pmd);
	tlb_remove_pmd_tlb_entry(tlb, pmd, addr);
	if (is_huge_zero_pmd(orig_pmd)) {
		zap_deposited_table(mm, pmd);
		spin_unlock(ptl);
		return 1;
	}
	if (pmd_present(orig_pmd)) {
		page = pmd_page(orig_pmd);
		folio = page_folio(page);
		folio_remove_rmap_pmd(folio, page, vma);
	} else {
		/* a PMD migration entry: the folio it names, no mapping */
		folio = pfn_swap_entry_folio(pmd_to_swp_entry(orig_pmd));
	}
	if (folio_test_anon(folio)) {
		zap_deposited_table(mm, pmd);
		add_mm_counter(mm, MM_ANONPAGES, -(long)HPAGE_PMD_NR);
	} else {
		/* a file THP has no deposit (!arch_needs_pgtable_deposit) */
		if (page && pmd_dirty(orig_pmd))
			folio_set_dirty(folio);
		add_mm_counter(mm, mm_counter_file(folio),
			       -(long)HPAGE_PMD_NR);
	}
	spin_unlock(ptl);
	if (page)
		tlb_remove_page_size(tlb, page, HPAGE_PMD_SIZE);
	return 1;
}

/*
 * __split_huge_zero_page_pmd - the huge zero folio becomes 512 zero-page
 * PTEs. PMD lock held.
 */
static void __split_huge_zero_page_pmd(struct vm_area_struct *vma,
				       unsigned long haddr, pmd_t *pmd)
{
	struct mm_struct *mm = vma->vm_mm;
	pgtable_t pgtable;
	pte_t *pte, entry;

	pmdp_huge_clear_flush(vma, haddr, pmd);
	pgtable = pgtable_trans_huge_withdraw(mm, pmd);
	pte = pte_offset_pfn(page_to_pfn(pgtable), haddr);
	entry = pte_mkspecial(pfn_pte(page_to_pfn(ZERO_PAGE(0)),
				      vma->vm_page_prot));
	/* The table is not reachable yet: plain stores, no yield points. */
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		set_pte_unreachable(&pte[i], entry);
	pmd_populate(mm, pmd, pgtable);
}

/*
 * __split_huge_pmd_locked - PTE-map the THP of a huge PMD. PMD lock held.
 * (1) invalidate the PMD and flush every TLB, then (2) read its final
 * dirty/young/write bits; with @freeze (split_huge_page's unmap) (3) try
 * to share an exclusive page (fails if it may be pinned: then the split
 * is an ordinary one); (4) without freeze, account 512 PTE mappings (one
 * reference each: the PMD's one plus 511), with PG_anon_exclusive copied
 * to every page; (5) fill the deposited table with PTEs, or with
 * migration entries that carry write / exclusive / young / dirty (the
 * pages stay PG_anon_exclusive-free: the entry remembers it), (6) drop the
 * PMD mapping (and, frozen, its reference) and (7) point the PMD at the
 * table.
 */
static void __split_huge_pmd_locked(struct vm_area_struct *vma, pmd_t *pmd,
				    unsigned long haddr, bool freeze)
{
	struct mm_struct *mm = vma->vm_mm;
	bool write, young, dirty, soft_dirty, anon_exclusive;
	struct folio *folio;
	struct page *page;
	pgtable_t pgtable;
	pmd_t old_pmd;
	pte_t *pte;

	if (!vma_is_anonymous(vma)) {
		/*
		 * A file THP: just zap the PMD; the PTEs refault from the
		 * page cache (no deposit to withdraw on x86/arm64). A PMD
		 * migration entry (a tmpfs THP being migrated) is zapped
		 * too: it holds no mapping and no reference, and the fault
		 * that meets the none PMD waits for the folio lock in
		 * shmem_fault until the migration is done.
		 */
		if (sim_regress_on(SIM_REGRESS_SHMEM_PMD_MIGRATION_SPLIT)) {
			/*
			 * REGRESSION shmem-pmd-migration-split: before
			 * 99fa8a48203d "mm/thp: fix __split_huge_pmd_locked()
			 * on shmem migration entry" (Hugh Dickins, v5.13-rc7)
			 * this branch forgot PMD migration entries, which
			 * e71769ae5260 ("mm: enable thp migration for shmem
			 * thp") had made possible:
			 *  (1) migration (move_pages) replaces the tmpfs
			 *      THP's huge PMD by a migration entry;
			 *  (2) a hole punch in part of the THP zaps the range
			 *      (unmap_mapping_range -> zap_pmd_range), which
			 *      splits the PMD it covers only in part;
			 *  (3) here the old pmdp_huge_clear_flush checked
			 *      VM_BUG_ON(... || !pmd_present(*pmdp)) - the
			 *      crash of a DEBUG_VM kernel; without DEBUG_VM,
			 *      pmd_page() of the entry was a bad page that
			 *      page_remove_rmap and put_page then used.
			 */
			VM_BUG_ON(!pmd_present(pmdp_get_l(pmd,
					"split_huge_pmd:file_present")));
		}
		old_pmd = pmdp_huge_clear_flush(vma, haddr, pmd);
		if (is_pmd_migration_entry(old_pmd)) {
			/* the migration holds the folio (locked, isolated) */
			folio = pfn_swap_entry_folio(pmd_to_swp_entry(old_pmd));
			add_mm_counter(mm, mm_counter_file(folio),
				       -(long)HPAGE_PMD_NR);
			return;
		}
		page = pmd_page(old_pmd);
		folio = page_folio(page);
		if (pmd_dirty(old_pmd))
			folio_set_dirty(folio);
		folio_remove_rmap_pmd(folio, page, vma);
		/*
		 * The counter before the put, as the kernel orders them:
		 * once our reference is gone a migration may free the folio,
		 * and mm_counter_file would read a freed folio's flags.
		 */
		add_mm_counter(mm, mm_counter_file(folio),
			       -(long)HPAGE_PMD_NR);
		/* SIM: the reference is dropped after the flush above */
		folio_put(folio);
		return;
	}
	if (is_huge_zero_pmd(pmdp_get_l(pmd, "split_huge_pmd:read"))) {
		__split_huge_zero_page_pmd(vma, haddr, pmd);
		return;
	}
	old_pmd = pmdp_invalidate(vma, haddr, pmd);
	page = pmd_page(old_pmd);
	folio = page_folio(page);
	write = pmd_write(old_pmd);
	young = pmd_young(old_pmd);
	dirty = pmd_dirty(old_pmd);
	soft_dirty = pmd_soft_dirty(old_pmd);
	if (dirty)
		folio_set_dirty(folio);
	anon_exclusive = PageAnonExclusive(page);
	VM_BUG_ON_PAGE(write && !anon_exclusive, page);
	/*
	 * (3) Same protocol as migration's: the PMD is invalidated and
	 * flushed, so GUP-fast either saw it cleared or pinned before the
	 * check here sees its pin.
	 */
	if (freeze && anon_exclusive &&
	    folio_try_share_anon_rmap_pmd(folio, page))
		freeze = false;
	if (!freeze) {
		folio_ref_add(folio, HPAGE_PMD_NR - 1);
		folio_add_anon_rmap_ptes(folio, page, HPAGE_PMD_NR, vma, haddr,
					 anon_exclusive ? RMAP_EXCLUSIVE :
							  RMAP_NONE);
	}
	pgtable = pgtable_trans_huge_withdraw(mm, pmd);
	pte = pte_offset_pfn(page_to_pfn(pgtable), haddr);
	for (int i = 0; i < HPAGE_PMD_NR; i++) {
		unsigned long pfn = page_to_pfn(page + i);
		pte_t entry;

		if (freeze) {
			swp_entry_t swp;

			if (write)
				swp = make_writable_migration_entry(pfn);
			else if (anon_exclusive)
				swp = make_readable_exclusive_migration_entry(
					pfn);
			else
				swp = make_readable_migration_entry(pfn);
			if (young)
				swp = make_migration_entry_young(swp);
			if (dirty)
				swp = make_migration_entry_dirty(swp);
			entry = swp_entry_to_pte(swp);
			if (soft_dirty)
				entry = pte_swp_mksoft_dirty(entry);
		} else {
			entry = pfn_pte(pfn, vma->vm_page_prot);
			if (write)
				entry = pte_mkwrite(entry, vma);
			if (!young)
				entry = pte_mkold(entry);
			if (dirty)
				entry = pte_mkdirty(entry);
			if (soft_dirty)
				entry = pte_mksoft_dirty(entry);
		}
		/* Not reachable until (7): plain stores, no yields. */
		set_pte_unreachable(&pte[i], entry);
	}
	folio_remove_rmap_pmd(folio, page, vma);
	if (freeze)
		folio_put(folio);	/* the PMD mapping's reference */
	pmd_populate(mm, pmd, pgtable);
}

/*
 * __split_huge_pmd - see huge_mm.h. With @freeze, @folio is required and
 * locked by the caller, and only a PMD mapping @folio is split.
 */
void __split_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd,
		      unsigned long address, bool freeze,
		      struct folio *folio)
{
	spinlock_t *ptl;
	pmd_t pmdval;

	VM_BUG_ON(freeze && !folio);
	VM_WARN_ON_FOLIO(folio && !folio_test_locked(folio), folio);
	ptl = pmd_lock(vma->vm_mm, pmd);
	pmdval = pmdp_get_l(pmd, "__split_huge_pmd:recheck");
	if (is_pmd_migration_entry(pmdval)) {
		/* anon: 512 PTE migration entries (mm/migrate.c); a file
		 * VMA's entry is zapped (__split_huge_pmd_locked) */
		if (freeze)
			;
		else if (!vma_is_anonymous(vma))
			__split_huge_pmd_locked(vma, pmd,
						address & HPAGE_PMD_MASK, false);
		else
			__split_huge_pmd_migration_entry(
				vma, pmd, address & HPAGE_PMD_MASK);
	} else if (pmd_trans_huge(pmdval) &&
		   (!folio || page_folio(pmd_page(pmdval)) == folio)) {
		__split_huge_pmd_locked(vma, pmd, address & HPAGE_PMD_MASK,
					freeze);
	}
	spin_unlock(ptl);
}

void split_huge_pmd_address(struct vm_area_struct *vma,
			    unsigned long address, bool freeze,
			    struct folio *folio)
{
	pmd_t *pmd = mm_find_pmd(vma->vm_mm, address);

	if (pmd)
		__split_huge_pmd(vma, pmd, address, freeze, folio);
}

/* Split the huge PMD around @address if @address is not PMD-aligned. */
static void split_huge_pmd_if_needed(struct vm_area_struct *vma,
				     unsigned long address)
{
	unsigned long start = ALIGN_DOWN(address, HPAGE_PMD_SIZE);

	if (!IS_ALIGNED(address, HPAGE_PMD_SIZE) && start >= vma->vm_start &&
	    start + HPAGE_PMD_SIZE <= vma->vm_end)
		split_huge_pmd_address(vma, address, false, NULL);
}

/*
 * vma_adjust_trans_huge - @vma is about to become [@start, @end): no huge
 * PMD may straddle a new boundary. mmap_lock held for write.
 */
void vma_adjust_trans_huge(struct vm_area_struct *vma, unsigned long start,
			   unsigned long end)
{
	split_huge_pmd_if_needed(vma, start);
	split_huge_pmd_if_needed(vma, end);
}

/* ---- the deferred split queue ---- */

/*
 * A partially unmapped anon THP (some of its pages lost their last PTE,
 * others are still mapped) is queued; deferred_split_scan (the shrinker,
 * under memory pressure) splits it so that the unmapped pages can be
 * freed. The queue holds no reference: a folio freed while queued is
 * taken off in the free path (folio_unqueue_deferred_split), and the scan
 * takes a reference with folio_try_get under the queue lock.
 * SIM: one global queue (kernel: one per node and memcg) of at most
 * DS_QUEUE_MAX folios in an array (kernel: the folio's _deferred_list);
 * a folio that does not fit is not queued (a partially mapped THP that is
 * never split is a legal kernel state). PG_partially_mapped is the
 * folio's membership, under the lock.
 */
#define DS_QUEUE_MAX 16

static struct deferred_split {
	spinlock_t split_queue_lock;
	struct folio *split_queue[DS_QUEUE_MAX];
	int split_queue_len;
} ds_queue = { .split_queue_lock = { .class = "split_queue_lock" } };

/* A new execution: empty queue, lock free (an aborted one may hold it). */
static void ds_queue_reset(void)
{
	spin_lock_init_class(&ds_queue.split_queue_lock, "split_queue_lock");
	ds_queue.split_queue_len = 0;
}

static struct deferred_split *get_deferred_split_queue(void)
{
	sim_on_reset(ds_queue_reset);	/* idempotent */
	return &ds_queue;
}

/* The queue slot of @folio, or -1. split_queue_lock held. */
static int ds_find(struct deferred_split *q, struct folio *folio)
{
	for (int i = 0; i < q->split_queue_len; i++)
		if (q->split_queue[i] == folio)
			return i;
	return -1;
}

static void ds_del(struct deferred_split *q, int i)
{
	q->split_queue[i] = q->split_queue[--q->split_queue_len];
}

/*
 * deferred_split_folio - see huge_mm.h. Called from folio_remove_rmap_ptes
 * under the PTL of the unmapped PTEs, with the folio still referenced by
 * the caller's mapping.
 */
void deferred_split_folio(struct folio *folio, bool partially_mapped)
{
	struct deferred_split *q;

	/* SIM: only partially mapped folios (no underused-THP shrinker). */
	if (!partially_mapped || folio_order(folio) <= 1 ||
	    !folio_test_anon(folio) || folio_test_swapcache(folio))
		return;
	q = get_deferred_split_queue();
	spin_lock(&q->split_queue_lock);
	if (ds_find(q, folio) < 0 && q->split_queue_len < DS_QUEUE_MAX) {
		q->split_queue[q->split_queue_len++] = folio;
		folio_set_partially_mapped(folio);
	}
	spin_unlock(&q->split_queue_lock);
}

/*
 * folio_unqueue_deferred_split - the free path (refcount reached 0): take
 * @folio off the queue if a scan has not already. Returns true if it was
 * queued.
 */
bool folio_unqueue_deferred_split(struct folio *folio)
{
	struct deferred_split *q;
	bool queued = false;
	int i;

	/* Queued implies PG_partially_mapped (set under the lock). */
	if (folio_order(folio) <= 1 || !folio_test_partially_mapped(folio))
		return false;
	q = get_deferred_split_queue();
	spin_lock(&q->split_queue_lock);
	i = ds_find(q, folio);
	if (i >= 0) {
		ds_del(q, i);
		queued = true;
	}
	folio_clear_partially_mapped(folio);
	spin_unlock(&q->split_queue_lock);
	return queued;
}

/* deferred_split_for_each - see huge_mm.h (for check/: no locking). */
void deferred_split_for_each(void (*fn)(struct folio *folio, void *arg),
			     void *arg)
{
	for (int i = 0; i < ds_queue.split_queue_len; i++)
		fn(ds_queue.split_queue[i], arg);
}

/*
 * deferred_split_scan - the shrinker: (1) under the queue lock, take a
 * reference on every queued folio that is not being freed
 * (folio_try_get: a folio whose count already reached zero is left to
 * the free path) and empty the queue; (2) without the lock, trylock and
 * split each one; one that could not be split (locked, pinned) is queued
 * again if still partially mapped; (3) drop the references. Returns the
 * number of folios split.
 */
unsigned long deferred_split_scan(void)
{
	struct deferred_split *q = get_deferred_split_queue();
	struct folio *batch[DS_QUEUE_MAX];
	unsigned long split = 0;
	int n = 0;

	spin_lock(&q->split_queue_lock);
	while (q->split_queue_len) {
		struct folio *folio = q->split_queue[0];

		if (folio_try_get(folio)) {
			batch[n++] = folio;
		} else {
			/* We lost the race with folio_put(). */
			folio_clear_partially_mapped(folio);
		}
		ds_del(q, 0);
	}
	spin_unlock(&q->split_queue_lock);

	for (int i = 0; i < n; i++) {
		struct folio *folio = batch[i];
		bool did_split = false;

		if (!folio_test_partially_mapped(folio))
			goto next;
		if (!folio_trylock(folio))
			goto requeue;
		if (!split_folio(folio))
			did_split = true;
		folio_unlock(folio);
requeue:
		if (did_split || !folio_test_partially_mapped(folio))
			goto next;
		spin_lock(&q->split_queue_lock);
		if (ds_find(q, folio) < 0 && q->split_queue_len < DS_QUEUE_MAX)
			q->split_queue[q->split_queue_len++] = folio;
		spin_unlock(&q->split_queue_lock);
next:
		split += did_split;
		folio_put(folio);
	}
	return split;
}

/* ---- split_huge_page: one large folio becomes order-0 folios ---- */

/* THP_SPLIT_PAGE / THP_SPLIT_PAGE_FAILED of this execution. */
static unsigned long nr_split_ok, nr_split_failed;

static void split_stats_reset(void)
{
	nr_split_ok = nr_split_failed = 0;
}

static void split_account(int ret)
{
	sim_on_reset(split_stats_reset);
	if (ret)
		nr_split_failed++;
	else
		nr_split_ok++;
}

void thp_split_stats(unsigned long *ok, unsigned long *failed)
{
	*ok = nr_split_ok;
	*failed = nr_split_failed;
}

/*
 * can_split_folio - racy check that only the mappings and @caller_pins
 * hold references: refcount == mapcount + extra_pins + caller_pins, the
 * extra pins being the swap cache's (none here: anon without swap cache).
 */
bool can_split_folio(struct folio *folio, int caller_pins, int *pextra_pins)
{
	/* a page-cache folio: the cache's references, one per page */
	int extra_pins = folio_test_anon(folio) ? 0 : folio_nr_pages(folio);

	if (pextra_pins)
		*pextra_pins = extra_pins;
	return folio_mapcount(folio) ==
	       folio_ref_count(folio) - extra_pins - caller_pins;
}

/*
 * unmap_folio - every mapping of @folio becomes a migration entry: PMDs
 * are split into PTE migration entries (freeze), PTEs replaced one by
 * one. The anon_vma lock is held (for write) by the caller. An exclusive
 * page that may be pinned cannot be shared and stays mapped: the freeze
 * then fails on the count.
 */
static void unmap_folio(struct folio *folio)
{
	enum ttu_flags ttu_flags = TTU_RMAP_LOCKED | TTU_SYNC;

	VM_BUG_ON_FOLIO(!folio_test_large(folio), folio);
	if (folio_test_pmd_mappable(folio))
		ttu_flags |= TTU_SPLIT_HUGE_PMD;
	/* file pages are simply unmapped, to be faulted back on demand */
	if (folio_test_anon(folio))
		try_to_migrate(folio, ttu_flags);
	else
		try_to_unmap(folio, ttu_flags);
	/* SIM: no TTU_BATCH_FLUSH; every PTE clear flushed already. */
}

/*
 * remap_page - the migration entries of the @nr pages from @folio map the
 * pages again: one remove_migration_ptes per (new) folio, as they now
 * are after a split, or once for the whole folio if it failed. @flags:
 * RMP_USE_SHARED_ZEROPAGE after a split of an anon folio (a page that
 * holds only zeros is mapped as the shared zero page, and freed).
 */
static void remap_page(struct folio *folio, unsigned long nr, int flags)
{
	unsigned long i = 0;

	/* unmap_folio left a file folio unmapped: nothing to restore */
	if (!folio_test_anon(folio))
		return;
	for (;;) {
		remove_migration_ptes(folio, folio, RMP_LOCKED | flags);
		i += folio_nr_pages(folio);
		if (i >= nr)
			break;
		folio = page_folio(&folio->page + folio_nr_pages(folio));
	}
}

/* Flags a tail takes from its head when it becomes a folio of its own. */
#define SPLIT_TAIL_FLAGS                                                   \
	(BIT(PG_referenced) | BIT(PG_swapbacked) | BIT(PG_uptodate) |       \
	 BIT(PG_dirty) | BIT(PG_locked) | BIT(PG_active) |                  \
	 BIT(PG_workingset) | BIT(PG_unevictable) | BIT(PG_mlocked) |      \
	 BIT(PG_young) | BIT(PG_idle))

/*
 * __split_unmapped_folio - @folio (frozen, unmapped, locked) becomes
 * folio_nr_pages() folios of order 0: each tail takes the head's
 * mapping, index + i and flags, keeps its own PG_anon_exclusive, stops
 * pointing at the head; the head loses its order; with @isolate (a split
 * onto a reclaim or migration list) each tail is PG_isolated before its
 * count is unfrozen, as the kernel's never gets PG_lru. Counts stay frozen
 * (0) for the caller to unfreeze: no yield points.
 */
static void __split_unmapped_folio(struct folio *folio, bool isolate)
{
	unsigned int order = folio_order(folio);
	unsigned long nr = 1UL << order;
	unsigned long hflags = __atomic_load_n(&folio->flags, SIM_MO);

	for (unsigned long i = 1; i < nr; i++) {
		struct page *tail = folio_page(folio, i);

		VM_BUG_ON_PAGE(tail->_refcount.counter != 0, tail);
		VM_BUG_ON_PAGE(tail->_mapcount.counter != -1, tail);
		tail->index = folio->index + i;
		tail->mapping = folio->mapping;
		__atomic_fetch_or(&tail->flags, (hflags & SPLIT_TAIL_FLAGS) |
				  (isolate ? BIT(PG_isolated) : 0), SIM_MO);
		/* smp_wmb() in the kernel: ->mapping before the head goes */
		__atomic_store_n(&tail->compound_head, 0UL, SIM_MO);
	}
	VM_BUG_ON_FOLIO(folio->_entire_mapcount.counter != -1 ||
				folio->_large_mapcount.counter != -1 ||
				folio->_nr_pages_mapped.counter != 0 ||
				folio->_pincount.counter != 0,
			folio);
	__atomic_fetch_and(&folio->flags, ~BIT(PG_head), SIM_MO);
	__atomic_store_n(&folio->_folio_order, 0U, SIM_MO);
	physmem_split_block(&folio->page, order, 0);
}

/*
 * (7)'s test: does anyone but the split look at new folio @f (of the split
 * of @head, @nr pages)? A reference beyond the split's own, the page
 * cache's (@file) and its mappings', a sleeper on its lock, or another
 * task whose next access touches its struct page. Plain loads: no yield.
 *
 * SIM: the put of a new folio nobody looks at has no scheduling point of
 * its own (folio_put_unobserved): it joins the step before, and DPOR still
 * sees it there (sim_note). A 2 MiB split would otherwise spend 511 of
 * its steps in this loop. Only a task that holds or is about to touch a
 * new folio can tell when its put happens, and such a folio keeps its
 * yield. Lost: a task watching two new folios at once (docs/deviations.md).
 */
static bool split_others_stand_at(const struct folio *head, unsigned long nr,
				  const struct folio *f);
static bool split_new_folio_watched(const struct folio *head, unsigned long nr,
				    struct folio *f, bool file)
{
	long expected = 1 + (file ? 1 : 0) + folio_mapcount(f);

	return __atomic_load_n(&f->_refcount.counter, SIM_MO) != expected ||
	       sim_bit_has_waiters(&f->flags, PG_locked) ||
	       split_others_stand_at(head, nr, f);
}

/*
 * __folio_split - see split_huge_page_to_list_to_order() in huge_mm.h.
 * The protocol (kernel: __folio_split, __folio_freeze_and_split_unmapped):
 *  (1) the anon_vma lock for write (a file folio: i_mmap_rwsem for read):
 *      no rmap walk, no other split;
 *  (2) a racy check that nothing but the mappings, the page cache and
 *      our reference hold the folio (else -EAGAIN);
 *  (3) unmap_folio: every mapping becomes a migration entry (a file
 *      folio's are zapped: they refault from the page cache);
 *  (4) a file folio: under the xa_lock, the slot must still hold it;
 *      under the split queue lock, freeze the count at exactly our
 *      reference + the cache's (1 + extra pins): a GUP pin or a
 *      speculative reference taken since (2) makes it fail (-EAGAIN, the
 *      folio stays whole); frozen, nobody can take a new reference;
 *      dequeue it;
 *  (5) split the struct pages, unfreeze each new tail folio at 1 + its
 *      cache reference and point its page-cache slot at it, then unfreeze
 *      the head last (our 1 + its cache reference): a lookup that gets
 *      the head after that must see every slot that moved (the
 *      unfreeze's release, include/page_ref.h);
 *  (6) remap_page: migration entries become PTEs of the new folios (or of
 *      the old one, if (4) failed); after the split of an anon folio, a
 *      page that holds only zeros becomes the shared zero page instead
 *      (mm/migrate.c: try_to_map_unused_to_zeropage), mapped nowhere;
 *  (7) unlock and put every new folio except the one holding @lock_at;
 *      with @list (reclaim splitting an isolated folio: the kernel's
 *      lru_add_split_folio), each such folio keeps that reference as its
 *      isolation reference (PG_isolated) and goes onto @list instead.
 */
static int __folio_split(struct folio *folio, struct page *lock_at,
			 struct list_head *list)
{
	unsigned long nr = folio_nr_pages(folio);
	struct deferred_split *q = get_deferred_split_queue();
	struct address_space *mapping = NULL;
	struct anon_vma *anon_vma = NULL;
	int extra_pins, ret = 0;

	VM_WARN_ON_FOLIO(!folio_test_locked(folio), folio);
	if (!folio_test_large(folio) || page_folio(lock_at) != folio)
		return -EINVAL;
	if (is_huge_zero_folio(folio))
		return -EBUSY;
	/* (1) */
	if (folio_test_anon(folio)) {
		anon_vma = folio_get_anon_vma(folio);
		if (!anon_vma)
			return -EBUSY;
		anon_vma_lock_write(anon_vma);
	} else {
		mapping = folio_mapping(folio);
		if (!mapping)
			return -EBUSY;	/* truncated meanwhile */
		/*
		 * SIM: a folio reaching past EOF is not split (the kernel
		 * drops the pages beyond it from the cache as it splits).
		 */
		if (folio_next_index(folio) >
		    DIV_ROUND_UP(i_size_read(mapping), PAGE_SIZE))
			return -EBUSY;
		i_mmap_lock_read(mapping);
	}
	/* (2) */
	if (!can_split_folio(folio, 1, &extra_pins)) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	/* (3) */
	unmap_folio(folio);
	/* SIM: local_irq_disable() omitted: it guards no modelled lock. */
	/* (4) */
	if (mapping) {
		spin_lock(&mapping->i_pages_lock);
		if (READ_ONCE_L(mapping->i_pages[folio->index],
				"__folio_split:xas_load") != folio) {
			spin_unlock(&mapping->i_pages_lock);
			ret = -EAGAIN;
			goto remap;
		}
	}
	spin_lock(&q->split_queue_lock);
	if (folio_ref_freeze(folio, 1 + extra_pins)) {
		int i = ds_find(q, folio);

		if (i >= 0)
			ds_del(q, i);
		folio_clear_partially_mapped(folio);
		spin_unlock(&q->split_queue_lock);
		/* (5) */
		__split_unmapped_folio(folio, list != NULL);
		if (mapping) {
			/*
			 * In order, each tail is unfrozen at 1 + its cache
			 * reference and its slot points at it (__xa_store,
			 * a release). SIM: one yield point for the loop, as
			 * shmem_add_to_page_cache has for its slots. The
			 * freeze drained our store buffer, and a full buffer
			 * drains its oldest store first: when the loop ends
			 * only the last SIM_SB_CAP stores can be pending, the
			 * earlier ones visible in order. Those are stored
			 * visible at once (no drain event each).
			 */
			unsigned long direct = nr - 1 > SIM_SB_CAP / 2 ?
					       nr - 1 - SIM_SB_CAP / 2 : 0;

			sim_yield2(SIM_EV_WRITE,
				   &mapping->i_pages[folio->index + 1],
				   SIM_EV_WRITE, &mapping->i_pages_head,
				   "__folio_split:xa_store");
			for (unsigned long j = 1; j < nr; j++) {
				struct folio *new_folio =
					page_folio(folio_page(folio, j));
				struct folio **slot =
					&mapping->i_pages[new_folio->index];

				if (j <= direct) {
					__atomic_store_n(
						&new_folio->_refcount.counter,
						2, SIM_MO);
					__atomic_store_n(slot, new_folio,
							 SIM_MO);
					continue;
				}
				__folio_ref_unfreeze(new_folio, 2);
				__xa_store(mapping, new_folio->index,
					   new_folio);
			}
		} else {
			for (unsigned long j = 1; j < nr; j++)
				folio_ref_unfreeze(
					page_folio(folio_page(folio, j)), 1);
		}
		/*
		 * Unfreeze the head only after every slot that pointed at
		 * it points at its new folio: a lookup that gets the head
		 * re-checks its slot (filemap_get_entry), which must then
		 * show the move.
		 */
		folio_ref_unfreeze(folio, 1 + (mapping ? 1 : 0));
	} else {
		spin_unlock(&q->split_queue_lock);
		ret = -EAGAIN;
	}
	if (mapping)
		spin_unlock(&mapping->i_pages_lock);
remap:
	/* (6) */
	remap_page(folio, nr, !ret && anon_vma ? RMP_USE_SHARED_ZEROPAGE : 0);
	/* (7) */
	if (!ret) {
		for (unsigned long j = 0; j < nr; j++) {
			struct folio *f = (struct folio *)(&folio->page + j);

			if (f == page_folio(lock_at))
				continue;
			folio_unlock(f);
			if (list) {
				/* SIM: the split's reference is the isolation
				 * one (kernel: lru_add_split_folio takes one,
				 * the split drops its own); PG_isolated since
				 * (5), as the kernel's PG_lru is never set */
				list_add_tail(&f->lru, list);
				continue;
			}
			if (split_new_folio_watched(folio, nr, f, !!mapping))
				folio_put(f);
			else
				folio_put_unobserved(f);
		}
	}
out_unlock:
	if (anon_vma) {
		anon_vma_unlock_write(anon_vma);
		put_anon_vma(anon_vma);
	} else {
		i_mmap_unlock_read(mapping);
	}
	split_account(ret);
	return ret;
}

int split_huge_page_to_list_to_order(struct page *page, struct list_head *list,
				     unsigned int new_order)
{
	/* SIM: only order-0 splits; @list only for an isolated folio. */
	VM_BUG_ON(new_order != 0);
	VM_BUG_ON(list && !folio_test_isolated(page_folio(page)));
	return __folio_split(page_folio(page), page, list);
}

int split_folio(struct folio *folio)
{
	return __folio_split(folio, &folio->page, NULL);
}

int split_folio_to_list(struct folio *folio, struct list_head *list)
{
	return split_huge_page_to_list_to_order(&folio->page, list, 0);
}

/* ---- the split op (kernel: debugfs split_huge_pages_pid) ---- */

/*
 * folio_walk_get - the folio mapped at @addr of @vma with a reference
 * taken under the PTL (PMD lock), as the kernel's folio_walk_start +
 * folio_get; NULL if nothing (or the zero page) is mapped there.
 */
static struct folio *folio_walk_get(struct vm_area_struct *vma,
				    unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t *pmdp = mm_find_pmd(mm, addr), pmd;
	struct folio *folio = NULL;
	struct page *page = NULL;
	spinlock_t *ptl;
	pte_t *ptep, pte;

	if (!pmdp)
		return NULL;
	pmd = pmdp_get_l(pmdp, "split_huge_pages:pmd");
	if (pmd_trans_huge(pmd)) {
		ptl = pmd_lock(mm, pmdp);
		pmd = pmdp_get_l(pmdp, "split_huge_pages:pmd_recheck");
		if (pmd_trans_huge(pmd)) {
			if (!is_huge_zero_pmd(pmd))
				page = pmd_page(pmd);
			goto found;
		}
		spin_unlock(ptl);
	}
	ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
	if (!ptep)
		return NULL;
	pte = ptep_get_l(ptep, "split_huge_pages:pte");
	if (pte_present(pte))
		page = vm_normal_page(vma, addr, pte);
found:
	if (page) {
		folio = page_folio(page);
		folio_get(folio);
	}
	spin_unlock(ptl);
	return folio;
}

/*
 * split_huge_pages_addr - see huge_mm.h. Under mmap_lock (read): look the
 * folio up and take a reference (1), trylock it (2: a locked folio is
 * skipped, as the kernel's debugfs interface does), split (3), unlock and
 * put (4).
 */
int split_huge_pages_addr(struct mm_struct *mm, unsigned long addr,
			  bool pmd_only)
{
	struct address_space *mapping;
	struct vm_area_struct *vma;
	struct folio *folio;
	int ret = -ENOENT;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	/* SIM: a file VMA only of tmpfs (the model's only files) */
	if (!vma || (!vma_is_anonymous(vma) && !vma->vm_file))
		goto out;
	if (pmd_only) {
		split_huge_pmd_address(vma, addr, false, NULL);
		ret = 0;
		goto out;
	}
	folio = folio_walk_get(vma, addr);	/* (1) */
	if (!folio)
		goto out;
	ret = -EINVAL;
	if (!folio_test_large(folio))
		goto put;
	mapping = folio_mapping(folio);
	ret = -EBUSY;
	if (!folio_trylock(folio))		/* (2) */
		goto put;
	/* a file folio truncated since the walk: skip it */
	if (folio_test_anon(folio) || folio->mapping == mapping)
		ret = split_folio(folio);	/* (3) */
	folio_unlock(folio);			/* (4) */
put:
	folio_put(folio);
out:
	mmap_read_unlock(mm);
	return ret;
}

/*
 * split_others_stand_at - split_new_folio_watched's "another task's next
 * access touches new folio @f's struct page", for the new folios of the
 * split of @head (@nr pages) one after another: one look at all @nr
 * struct pages first, then a look at @f's own only if someone stands
 * among them. The same answer as asking for @f alone: the other tasks'
 * next accesses change only when they run, which takes a yield of the
 * running task, which stamps its own next access anew (struct
 * sim_access.stamp); the whole-range answer is kept for one (split,
 * task, stamp), and forgotten at the start of every execution.
 * (Defined last: the yield sites above keep their lines, which the trace
 * and the reads-from fuzzer key on.)
 */
#ifndef SIM_STRESS
static struct {
	const struct folio *head;	/* NULL: nothing kept */
	int task;
	uint64_t stamp;
	bool any;	/* another task stands at one of head's pages */
} split_watch;

static void split_watch_reset(void)
{
	split_watch.head = NULL;
}

static bool split_others_stand_at(const struct folio *head, unsigned long nr,
				  const struct folio *f)
{
	int me = sim_task_id();
	uint64_t stamp;

	if (me < 0)
		return sim_others_stand_at(&f->page, sizeof(struct page));
	stamp = sim_task_next(me)->stamp;
	if (split_watch.head != head || split_watch.task != me ||
	    split_watch.stamp != stamp) {
		sim_on_reset(split_watch_reset);	/* idempotent */
		split_watch.head = head;
		split_watch.task = me;
		split_watch.stamp = stamp;
		split_watch.any = sim_others_stand_at(&head->page,
						      nr * sizeof(struct page));
	}
	return split_watch.any &&
	       sim_others_stand_at(&f->page, sizeof(struct page));
}
#else
static bool split_others_stand_at(const struct folio *head, unsigned long nr,
				  const struct folio *f)
{
	return sim_others_stand_at(&f->page, sizeof(struct page));
}
#endif
