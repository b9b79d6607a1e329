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
 * SIM: split_huge_page (splitting the folio itself) is not modelled: a
 * partially unmapped THP stays one large folio, PTE-mapped, until its
 * last page is unmapped (the kernel's deferred split queue may split it
 * earlier under memory pressure).
 */
#include "huge_mm.h"
#include "migrate.h"
#include "pagemap.h"
#include "rmap.h"
#include "tlb.h"

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
 * do_huge_pmd_wp_page - write/unshare fault on a read-only huge PMD.
 * Reuse the THP if its head is PageAnonExclusive, or if under the folio
 * lock our PMD mapping holds its only reference; else split the PMD and
 * let the PTE level copy the one page (VM_FAULT_FALLBACK). The huge zero
 * folio always falls back.
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
	if (is_huge_zero_pmd(vmf->orig_pmd))
		goto fallback;
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
	}
	if (!folio || folio_test_anon(folio)) {
		zap_deposited_table(mm, pmd);
		add_mm_counter(mm, MM_ANONPAGES, -(long)HPAGE_PMD_NR);
	} else {
		/* a file THP has no deposit (!arch_needs_pgtable_deposit) */
		if (pmd_dirty(orig_pmd))
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
		__atomic_store_n(&pte[i].pte, entry.pte, SIM_MO);
	pmd_populate(mm, pmd, pgtable);
}

/*
 * __split_huge_pmd_locked - PTE-map the THP of a huge PMD. PMD lock held.
 * (1) invalidate the PMD and flush every TLB, then (2) read its final
 * dirty/young/write bits, (3) account 512 PTE mappings (one reference
 * each: the PMD's one plus 511), with PG_anon_exclusive copied to every
 * page, (4) fill the deposited table, (5) drop the PMD mapping and
 * (6) point the PMD at the table.
 */
static void __split_huge_pmd_locked(struct vm_area_struct *vma, pmd_t *pmd,
				    unsigned long haddr)
{
	struct mm_struct *mm = vma->vm_mm;
	bool write, young, dirty, anon_exclusive;
	struct folio *folio;
	struct page *page;
	pgtable_t pgtable;
	pmd_t old_pmd;
	pte_t *pte;

	if (!vma_is_anonymous(vma)) {
		/*
		 * A file THP: just zap the PMD; the PTEs refault from the
		 * page cache (no deposit to withdraw on x86/arm64).
		 */
		old_pmd = pmdp_huge_clear_flush(vma, haddr, pmd);
		page = pmd_page(old_pmd);
		folio = page_folio(page);
		if (pmd_dirty(old_pmd))
			folio_set_dirty(folio);
		folio_remove_rmap_pmd(folio, page, vma);
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
	if (dirty)
		folio_set_dirty(folio);
	anon_exclusive = PageAnonExclusive(page);
	VM_BUG_ON_PAGE(write && !anon_exclusive, page);
	folio_ref_add(folio, HPAGE_PMD_NR - 1);
	folio_add_anon_rmap_ptes(folio, page, HPAGE_PMD_NR, vma, haddr,
				 anon_exclusive ? RMAP_EXCLUSIVE : RMAP_NONE);
	pgtable = pgtable_trans_huge_withdraw(mm, pmd);
	pte = pte_offset_pfn(page_to_pfn(pgtable), haddr);
	for (int i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t entry = pfn_pte(page_to_pfn(page + i), vma->vm_page_prot);

		if (write)
			entry = pte_mkwrite(entry, vma);
		if (!young)
			entry = pte_mkold(entry);
		if (dirty)
			entry = pte_mkdirty(entry);
		/* Not reachable until (6): plain stores, no yields. */
		__atomic_store_n(&pte[i].pte, entry.pte, SIM_MO);
	}
	folio_remove_rmap_pmd(folio, page, vma);
	pmd_populate(mm, pmd, pgtable);
}

void __split_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd,
		      unsigned long address, bool freeze,
		      struct folio *folio)
{
	spinlock_t *ptl;
	pmd_t pmdval;

	VM_BUG_ON(freeze);
	ptl = pmd_lock(vma->vm_mm, pmd);
	pmdval = pmdp_get_l(pmd, "__split_huge_pmd:recheck");
	if (is_pmd_migration_entry(pmdval))
		/* 512 PTE migration entries (mm/migrate.c). */
		__split_huge_pmd_migration_entry(vma, pmd,
						 address & HPAGE_PMD_MASK);
	else if (pmd_trans_huge(pmdval) &&
		 (!folio || page_folio(pmd_page(pmdval)) == folio))
		__split_huge_pmd_locked(vma, pmd, address & HPAGE_PMD_MASK);
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
