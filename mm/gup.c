// SPDX-License-Identifier: GPL-2.0
/*
 * mm/gup.c - get_user_pages: the slow path under mmap_lock and the PTLs,
 * GUP-fast (lockless, interrupts off), and pins (FOLL_PIN).
 *
 * Two races decide whether a pin is reliable, i.e. whether the page the
 * caller pinned stays the page mapped at that address:
 *
 * A. GUP-fast against anyone who unmaps or shares an exclusive anon page
 *    (zap, migration, swap, KSM; folio_try_share_anon_rmap_*):
 *	GUP-fast:  (1) pin the page, then (2) re-check the PTE (and PMD) and
 *		   back out if it changed;
 *	unmapper:  (1) clear the PTE + flush the TLBs, then (2) check whether
 *		   the page is pinned (folio_maybe_dma_pinned) and give up if
 *		   so.
 *    Under sequential consistency one of the two sees the other: either
 *    GUP-fast's re-check sees the cleared PTE, or the unmapper sees the pin.
 *    The flush also waits for GUP-fast's interrupts-off section, and the
 *    same section keeps the page tables it walks from being freed.
 *
 * B. GUP-fast FOLL_PIN against fork (copy_present_pte):
 *	GUP-fast:  (1) sample mm->write_protect_seq, give up if odd,
 *		   (2) pin + re-check as in A,
 *		   (3) re-read write_protect_seq; if it moved, unpin all;
 *	fork:	   (1) make write_protect_seq odd (mmap_lock held for write),
 *		   (2) under the PTL: copy the page if it may be pinned, else
 *		       write-protect and share it (PG_anon_exclusive cleared),
 *		   (3) make write_protect_seq even.
 *    Without (B1/B3), GUP-fast could read the writable PTE before fork
 *    write-protects it and pin after fork's "may be pinned?" check: the
 *    pinned page would then be shared with the child and the parent's next
 *    write would COW away from the pin.
 *
 * R/O pins (FOLL_PIN without FOLL_WRITE) of anon pages are taken only on
 * PageAnonExclusive pages; a possibly shared page is unshared first
 * (FAULT_FLAG_UNSHARE), so the pin stays coherent with the page table
 * whatever COW happens later (gup_must_unshare).
 */
#include "gup.h"
#include "sim/regress.h"
#include "rmap.h"

/* Errors travel in the page pointer, as the kernel's ERR_PTR. */
#define GUP_ERR_PTR(e)	((struct page *)(long)(e))
#define GUP_PTR_ERR(p)	((long)(p))
#define GUP_IS_ERR(p)	IS_ERR_VALUE((unsigned long)(p))

static bool is_zero_folio(struct folio *folio)
{
	return is_zero_pfn(page_to_pfn(&folio->page));
}

/* ---- references and pins ---- */

/*
 * try_get_folio - GUP-fast's speculative reference: @refs on the folio
 * @page belongs to, unless its count is 0 (free or frozen). If the folio
 * was split between the lookup and the increment, drop and retry. Returns
 * the folio or NULL. Interrupts off; no lock.
 */
static struct folio *try_get_folio(struct page *page, int refs)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	/* race window: freed, frozen or split between lookup and increment */
	if (!folio_ref_try_add(folio, refs))
		return NULL;
	if (unlikely(page_folio(page) != folio)) {
		folio_put_refs(folio, refs);
		goto retry;
	}
	return folio;
}

/*
 * try_grab_folio_fast - GUP-fast's grab: FOLL_GET takes @refs references;
 * FOLL_PIN takes a speculative reference and turns it into a pin (the
 * zero page is never pinned). Returns the folio, or NULL (the caller
 * falls back to the slow path). Interrupts off.
 */
static struct folio *try_grab_folio_fast(struct page *page, int refs,
					 unsigned int flags)
{
	struct folio *folio;

	if (WARN_ON_ONCE((flags & (FOLL_GET | FOLL_PIN)) == 0))
		return NULL;
	if (flags & FOLL_GET)
		return try_get_folio(page, refs);
	if (is_zero_pfn(page_to_pfn(page)))
		return page_folio(page);
	folio = try_get_folio(page, refs);
	if (!folio)
		return NULL;
	/* SIM: every folio is longterm-pinnable (no ZONE_MOVABLE, no CMA). */
	if (folio_test_large(folio))
		atomic_add(refs, &folio->_pincount);
	else
		folio_ref_add(folio, refs * (GUP_PIN_COUNTING_BIAS - 1));
	/*
	 * Adjust the pincount before re-checking the PTE: essentially an
	 * smp_mb(), paired with the one in folio_try_share_anon_rmap_pte().
	 * Missing before 088b8aa537c2 (anon-exclusive-clear-no-barrier).
	 */
	if (!sim_regress_on(SIM_REGRESS_ANON_EXCLUSIVE_CLEAR_NO_BARRIER))
		smp_mb__after_atomic();
	return folio;
}

/*
 * try_grab_folio - see include/gup.h. The caller holds the PTL of a
 * mapping of @folio (or a reference), so the count cannot reach zero.
 */
int try_grab_folio(struct folio *folio, int refs, unsigned int flags)
{
	if (flags & FOLL_PIN && is_zero_folio(folio))
		return 0;
	if (WARN_ON_ONCE(folio_ref_count(folio) <= 0))
		return -ENOMEM;
	if (flags & FOLL_GET) {
		folio_ref_add(folio, refs);
	} else if (flags & FOLL_PIN) {
		if (folio_test_large(folio)) {
			folio_ref_add(folio, refs);
			atomic_add(refs, &folio->_pincount);
		} else {
			folio_ref_add(folio, refs * GUP_PIN_COUNTING_BIAS);
		}
	}
	return 0;
}

/* gup_put_folio - see include/gup.h. May free the folio. */
void gup_put_folio(struct folio *folio, int refs, unsigned int flags)
{
	if (flags & FOLL_PIN) {
		if (is_zero_folio(folio))
			return;
		if (folio_test_large(folio))
			atomic_sub(refs, &folio->_pincount);
		else
			refs *= GUP_PIN_COUNTING_BIAS;
	}
	folio_put_refs(folio, refs);
}

void gup_put_page(struct page *page, unsigned int gup_flags)
{
	gup_put_folio(page_folio(page), 1, gup_flags & (FOLL_PIN | FOLL_GET));
}

void unpin_user_page(struct page *page)
{
	gup_put_folio(page_folio(page), 1, FOLL_PIN);
}

void unpin_user_pages(struct page **pages, unsigned long npages)
{
	for (unsigned long i = 0; i < npages; i++)
		unpin_user_page(pages[i]);
}

/*
 * folio_mark_dirty - anon folios have no writeback accounting: set
 * PG_dirty. Returns whether it was clean. Weak: the core may define it.
 */
__attribute__((weak)) bool folio_mark_dirty(struct folio *folio)
{
	return !folio_test_set_dirty(folio);
}

/*
 * unpin_user_pages_dirty_lock - the DMA wrote the pages: mark each dirty
 * under its folio lock (SIM: the lock only orders against truncation,
 * which anon memory has not), then unpin it.
 */
void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages,
				 bool make_dirty)
{
	for (unsigned long i = 0; i < npages; i++) {
		struct folio *folio = page_folio(pages[i]);

		if (make_dirty && !is_zero_folio(folio) &&
		    !folio_test_dirty(folio)) {
			folio_lock(folio);
			folio_mark_dirty(folio);
			folio_unlock(folio);
		}
		gup_put_folio(folio, 1, FOLL_PIN);
	}
}

/* ---- the rules ---- */

/*
 * gup_must_unshare - see include/gup.h. Only R/O pins need it: a write
 * GUP breaks COW by itself, a FOLL_GET is not expected to be coherent.
 * The test of PG_anon_exclusive pairs with folio_try_share_anon_rmap_*():
 * there, (1) clear + flush the entry, (2) check pins, (3) clear the flag.
 */
bool gup_must_unshare(struct vm_area_struct *vma, unsigned int flags,
		      struct page *page)
{
	if ((flags & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN)
		return false;
	if (!PageAnon(page)) {
		/* The zero page (SIM: no file pages yet). */
		if (!(flags & FOLL_LONGTERM))
			return false;
		/* GUP-fast cannot look at the VMA: let the slow path say. */
		if (!vma)
			return true;
		return is_cow_mapping(vma->vm_flags);
	}
	/* Paired with a memory barrier in folio_try_share_anon_rmap_*(). */
	smp_rmb();
	if (folio_test_ksm(page_folio(page)))
		return true;
	return !PageAnonExclusive(page);
}

/*
 * sanity_check_pinned_pages - a pinned anon page is exclusive and stays
 * so until freed. For a THP we do not know whether it was PTE- or
 * PMD-mapped when pinned: the page or the head must be exclusive.
 *
 * The warnings are in the form of "mm/gup: remove (VM_)BUG_ONs" (David
 * Hildenbrand, posted 2025-06-04, with its fixup for the small-folio
 * case; in the mm tree's linux-next merges, its mainline merge not
 * verified): VM_WARN_ON_ONCE_*, no longer VM_BUG_ON_PAGE.
 *
 * After GUP-fast the check can fire on arm64 without any bug (docs/bugs.md,
 * "anon-exclusive-set-vs-gup-fast"): the mapper's SetPageAnonExclusive()
 * is a relaxed set_bit() that nothing orders before its set_pmd_at()
 * (remove_migration_pmd(), map_anon_folio_pmd_nopf()), while GUP-fast's
 * loads are ordered (the PMD, folio_try_get()'s full barrier, the
 * write_protect_seq re-check's smp_rmb(), the flag). A writable PMD makes
 * GUP-fast skip gup_must_unshare(), so only this debug check sees the
 * flag before it is visible.
 */
static void sanity_check_pinned_pages(struct page **pages,
				      unsigned long npages)
{
	for (; npages; npages--, pages++) {
		struct page *page = *pages;
		struct folio *folio = page_folio(page);

		if (is_zero_folio(folio) || is_huge_zero_folio(folio) ||
		    !folio_test_anon(folio))
			continue;
		if (!folio_test_large(folio))
			VM_WARN_ON_ONCE_FOLIO(!PageAnonExclusive(&folio->page),
					      folio);
		else
			/* Either a PTE-mapped or a PMD-mapped THP. */
			VM_WARN_ON_ONCE_PAGE(!PageAnonExclusive(&folio->page) &&
					     !PageAnonExclusive(page), page);
	}
}

/* ---- the slow path ---- */

/* check_vma_flags - may @gup_flags access @vma at all? 0 or -EFAULT. */
static int check_vma_flags(struct vm_area_struct *vma, unsigned int gup_flags)
{
	unsigned long vm_flags = vma->vm_flags;

	if (gup_flags & FOLL_WRITE) {
		if (!(vm_flags & VM_WRITE)) {
			if (!(gup_flags & FOLL_FORCE))
				return -EFAULT;
			if (!is_cow_mapping(vm_flags))
				return -EFAULT;
		}
	} else if (!(vm_flags & VM_READ)) {
		if (!(gup_flags & FOLL_FORCE))
			return -EFAULT;
		if (!(vm_flags & VM_MAYREAD))
			return -EFAULT;
	}
	return 0;
}

/*
 * can_follow_write_pte - may a FOLL_WRITE use this R/O-or-writable PTE
 * without a write fault? Writable: yes. FOLL_FORCE on a private R/O
 * mapping: only once COW was broken (exclusive anon page), as
 * can_change_pte_writable() would allow. PTL held.
 */
static bool can_follow_write_pte(pte_t pte, struct page *page,
				 struct vm_area_struct *vma,
				 unsigned int flags)
{
	if (pte_write(pte))
		return true;
	if (!(flags & FOLL_FORCE))
		return false;
	if (vma->vm_flags & (VM_MAYSHARE | VM_SHARED))
		return false;
	if (!(vma->vm_flags & VM_MAYWRITE))
		return false;
	if (vma->vm_flags & VM_WRITE)
		return false;
	if (!page || !PageAnon(page) || !PageAnonExclusive(page))
		return false;
	/* SIM: no soft-dirty tracking, no uffd-wp. */
	return !pte_uffd_wp(pte);
}

static bool can_follow_write_pmd(pmd_t pmd, struct page *page,
				 struct vm_area_struct *vma,
				 unsigned int flags)
{
	return can_follow_write_pte(__pte(pmd_val(pmd)), page, vma, flags);
}

/*
 * gup_can_follow_protnone - a PROTNONE entry is a NUMA hint, not a
 * protection, unless the caller asked to honour hinting faults.
 */
static bool gup_can_follow_protnone(struct vm_area_struct *vma,
				    unsigned int flags)
{
	return !(flags & FOLL_HONOR_NUMA_FAULT);
}

/*
 * follow_page_pte - the page mapped by the PTE for @address, grabbed with
 * @flags; NULL if it needs a fault; ERR(-EMLINK) if a R/O pin must unshare
 * it first. mmap_lock held for read; takes and drops the PTL.
 */
static struct page *follow_page_pte(struct vm_area_struct *vma,
				    unsigned long address, pmd_t *pmd,
				    unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;
	spinlock_t *ptl;
	pte_t *ptep, pte;
	int ret;

	ptep = pte_offset_map_lock(mm, pmd, address, &ptl);
	if (!ptep)
		return NULL;
	pte = ptep_get_l(ptep, "follow_page_pte:pte");
	if (!pte_present(pte))
		goto no_page;
	if (pte_protnone(pte) && !gup_can_follow_protnone(vma, flags))
		goto no_page;
	page = vm_normal_page(vma, address, pte);
	if ((flags & FOLL_WRITE) &&
	    !can_follow_write_pte(pte, page, vma, flags)) {
		page = NULL;
		goto out;
	}
	if (!page) {
		if (!is_zero_pfn(pte_pfn(pte))) {
			page = GUP_ERR_PTR(-EFAULT);
			goto out;
		}
		page = pte_page(pte);
	}
	if (!pte_write(pte) && gup_must_unshare(vma, flags, page)) {
		page = GUP_ERR_PTR(-EMLINK);
		goto out;
	}
	VM_WARN_ON_ONCE_PAGE((flags & FOLL_PIN) && PageAnon(page) &&
			     !PageAnonExclusive(page), page);
	ret = try_grab_folio(page_folio(page), 1, flags);
	if (ret) {
		page = GUP_ERR_PTR(ret);
		goto out;
	}
	if ((flags & FOLL_TOUCH) && (flags & FOLL_WRITE) && !pte_dirty(pte) &&
	    !is_zero_pfn(pte_pfn(pte)))
		folio_mark_dirty(page_folio(page));
out:
	pte_unmap_unlock(ptep, ptl);
	return page;
no_page:
	pte_unmap_unlock(ptep, ptl);
	return NULL;
}

/*
 * follow_huge_pmd - the subpage at @addr of the THP mapped by *@pmd, with
 * one GUP reference of kind @flags on the folio; *@page_mask says how many
 * more subpages the same PMD maps. NULL: fault; ERR(-EMLINK): unshare.
 * PMD lock held.
 */
static struct page *follow_huge_pmd(struct vm_area_struct *vma,
				    unsigned long addr, pmd_t pmdval,
				    unsigned int flags,
				    unsigned long *page_mask)
{
	struct page *page = pmd_page(pmdval);
	int ret;

	if ((flags & FOLL_WRITE) &&
	    !can_follow_write_pmd(pmdval, page, vma, flags))
		return NULL;
	if (pmd_protnone(pmdval) && !gup_can_follow_protnone(vma, flags))
		return NULL;
	if (!pmd_write(pmdval) && gup_must_unshare(vma, flags, page))
		return GUP_ERR_PTR(-EMLINK);
	VM_WARN_ON_ONCE_PAGE((flags & FOLL_PIN) && PageAnon(page) &&
			     !PageAnonExclusive(page), page);
	ret = try_grab_folio(page_folio(page), 1, flags);
	if (ret)
		return GUP_ERR_PTR(ret);
	if ((flags & FOLL_TOUCH) && (flags & FOLL_WRITE) &&
	    !pmd_dirty(pmdval) && !is_huge_zero_pmd(pmdval))
		folio_mark_dirty(page_folio(page));
	*page_mask = HPAGE_PMD_NR - 1;
	return page + ((addr & ~HPAGE_PMD_MASK) >> PAGE_SHIFT);
}

/*
 * follow_page_mask - look up (and grab) the page at @address in @vma:
 * lockless PMD peek, then the PMD lock for a huge PMD or the PTL for a
 * PTE. Returns as follow_page_pte(). mmap_lock held for read.
 * SIM: mm_find_pmd() does the PGD/PUD levels (no 1 GiB pages).
 */
static struct page *follow_page_mask(struct vm_area_struct *vma,
				     unsigned long address,
				     unsigned int flags,
				     unsigned long *page_mask)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;
	spinlock_t *ptl;
	pmd_t *pmd, pmdval;

	*page_mask = 0;
	pmd = mm_find_pmd(mm, address);
	if (!pmd)
		return NULL;
	pmdval = pmdp_get_l(pmd, "follow_page_mask:pmd_lockless");
	if (pmd_none(pmdval) || !pmd_present(pmdval))
		return NULL;	/* fault (waits on a PMD migration entry) */
	if (!pmd_leaf(pmdval))
		return follow_page_pte(vma, address, pmd, flags);
	if (pmd_protnone(pmdval) && !gup_can_follow_protnone(vma, flags))
		return NULL;
	ptl = pmd_lock(mm, pmd);
	pmdval = pmdp_get_l(pmd, "follow_page_mask:pmd_locked");
	if (!pmd_present(pmdval) || pmd_none(pmdval)) {
		spin_unlock(ptl);
		return NULL;
	}
	if (!pmd_leaf(pmdval)) {
		/* split since the peek */
		spin_unlock(ptl);
		return follow_page_pte(vma, address, pmd, flags);
	}
	/* an invalidated PMD (split in progress) is not usable: fault */
	if (!(pmd_val(pmdval) & (_PAGE_PRESENT | _PAGE_PROTNONE))) {
		spin_unlock(ptl);
		return NULL;
	}
	page = follow_huge_pmd(vma, address, pmdval, flags, page_mask);
	spin_unlock(ptl);
	return page;
}

/* vm_fault_to_errno - a fault's error bits as an errno (0 if none). */
static int vm_fault_to_errno(vm_fault_t ret)
{
	if (ret & VM_FAULT_OOM)
		return -ENOMEM;
	if (ret & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV))
		return -EFAULT;
	return 0;
}

/*
 * faultin_page - fault the page at @address in for @flags: a write fault
 * for FOLL_WRITE, an unshare fault (FAULT_FLAG_UNSHARE) when a R/O pin met
 * a possibly shared anon page, else a read fault. 0 (retry the lookup),
 * or -errno. mmap_lock held for read, and still held on return (SIM: no
 * FAULT_FLAG_ALLOW_RETRY, the fault never drops it).
 */
static int faultin_page(struct vm_area_struct *vma, unsigned long address,
			unsigned int flags, bool unshare)
{
	unsigned int fault_flags = 0;
	vm_fault_t ret;

	if (flags & FOLL_NOFAULT)
		return -EFAULT;
	if (flags & FOLL_WRITE)
		fault_flags |= FAULT_FLAG_WRITE;
	if (flags & FOLL_REMOTE)
		fault_flags |= FAULT_FLAG_REMOTE;
	if (unshare) {
		fault_flags |= FAULT_FLAG_UNSHARE;
		VM_BUG_ON(fault_flags & FAULT_FLAG_WRITE);
	}
	ret = handle_mm_fault(vma, address, fault_flags, NULL);
	if (ret & VM_FAULT_ERROR)
		return vm_fault_to_errno(ret);
	VM_WARN_ON_ONCE(ret & VM_FAULT_RETRY);
	return 0;
}

/*
 * gup_record_pages - store the @n subpages from @page on in @pages and,
 * for a huge PMD, take the extra n - 1 grabs on the folio (the lookup took
 * one, and its reference keeps the folio alive, so this cannot fail).
 */
static int gup_record_pages(struct page *page, unsigned long n,
			    unsigned int flags, struct page **pages)
{
	if (n > 1 && try_grab_folio(page_folio(page), n - 1, flags)) {
		gup_put_folio(page_folio(page), 1, flags);
		return -EFAULT;
	}
	for (unsigned long j = 0; j < n; j++)
		pages[j] = page + j;
	return 0;
}

/*
 * __get_user_pages - the slow path's loop: for each page, find its VMA,
 * check access, follow the tables, fault and retry as needed. Returns
 * pages taken, or -errno if none. mmap_lock held for read throughout.
 */
static long __get_user_pages(struct mm_struct *mm, unsigned long start,
			     unsigned long nr_pages, unsigned int gup_flags,
			     struct page **pages)
{
	struct vm_area_struct *vma = NULL;
	unsigned long page_mask, increm;
	long ret = 0, i = 0;
	struct page *page;

	while (nr_pages) {
		if (!vma || start >= vma->vm_end) {
			/* SIM: no stack expansion (find_extend_vma) */
			vma = vma_lookup(mm, start);
			if (!vma)
				return i ? i : -EFAULT;
			ret = check_vma_flags(vma, gup_flags);
			if (ret)
				return i ? i : ret;
		}
retry:
		page = follow_page_mask(vma, start, gup_flags, &page_mask);
		if (!page || GUP_PTR_ERR(page) == -EMLINK) {
			ret = faultin_page(vma, start, gup_flags, page != NULL);
			if (!ret)
				goto retry;
			return i ? i : ret;
		}
		if (GUP_IS_ERR(page))
			return i ? i : GUP_PTR_ERR(page);
		increm = 1 + (~(start >> PAGE_SHIFT) & page_mask);
		if (increm > nr_pages)
			increm = nr_pages;
		ret = gup_record_pages(page, increm, gup_flags, pages + i);
		if (ret)
			return i ? i : ret;
		i += increm;
		start += increm * PAGE_SIZE;
		nr_pages -= increm;
	}
	return i;
}

/* is_valid_gup_args - exactly one of FOLL_GET and FOLL_PIN. */
static bool is_valid_gup_args(unsigned int gup_flags)
{
	unsigned int both = gup_flags & (FOLL_GET | FOLL_PIN);

	return !WARN_ON_ONCE(both == 0 || both == (FOLL_GET | FOLL_PIN));
}

/*
 * __gup_longterm_locked - take mmap_lock for read, run the slow path,
 * drop it. SIM: FOLL_LONGTERM needs no migration out of ZONE_MOVABLE/CMA
 * (check_and_migrate_movable_pages): the model has no movable zone.
 */
static long __gup_longterm_locked(struct mm_struct *mm, unsigned long start,
				  unsigned long nr_pages,
				  unsigned int gup_flags,
				  struct page **pages)
{
	long ret;

	if (gup_flags & FOLL_PIN)
		mm_set_has_pinned_flag(mm);
	mmap_read_lock(mm);
	ret = __get_user_pages(mm, start & PAGE_MASK, nr_pages, gup_flags,
			       pages);
	mmap_read_unlock(mm);
	if ((gup_flags & FOLL_PIN) && ret > 0)
		sanity_check_pinned_pages(pages, ret);
	return ret;
}

long get_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages)
{
	if (!is_valid_gup_args(gup_flags))
		return -EINVAL;
	return __gup_longterm_locked(mm, start, nr_pages,
				     gup_flags | FOLL_TOUCH | FOLL_REMOTE,
				     pages);
}

long pin_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages)
{
	return get_user_pages_remote(mm, start, nr_pages,
				     gup_flags | FOLL_PIN, pages);
}

/* ---- GUP-fast ---- */

static bool pte_access_permitted(pte_t pte, bool write)
{
	unsigned long need = _PAGE_PRESENT | _PAGE_USER;

	if (write)
		need |= _PAGE_RW;
	return (pte_flags(pte) & need) == need;
}

static bool pmd_access_permitted(pmd_t pmd, bool write)
{
	return pte_access_permitted(__pte(pmd_val(pmd)), write);
}

/* gup_fast_undo - drop the grabs of @pages[0..@nr). */
static void gup_fast_undo(struct page **pages, long nr, unsigned int flags)
{
	for (long i = 0; i < nr; i++)
		gup_put_folio(page_folio(pages[i]), 1, flags);
}

/*
 * gup_fast_pte_range - grab the pages of [@addr, @end) mapped by the PTE
 * table that @pmd (the value read from @pmdp) points to. false at the
 * first entry it cannot take; the slow path does the rest. Interrupts
 * off: the table cannot be freed under us (the freeing side waits for an
 * IPI or an RCU grace period, and we hold off both).
 */
static bool gup_fast_pte_range(pmd_t pmd, pmd_t *pmdp, unsigned long addr,
			       unsigned long end, unsigned int flags,
			       struct page **pages, long *nr)
{
	pte_t *ptep = pte_offset_pfn(pmd_pfn(pmd), addr);

	do {
		/* race window: the PTE may be zapped, COWed, migrated now */
		pte_t pte = ptep_get_l(ptep, "gup_fast:pte");
		struct folio *folio;
		struct page *page;

		if (pte_protnone(pte) || pte_special(pte) ||
		    !pte_access_permitted(pte, flags & FOLL_WRITE))
			return false;
		page = pte_page(pte);
		/* (1) pin the page (race window: freed, split, frozen) ... */
		folio = try_grab_folio_fast(page, 1, flags);
		if (!folio)
			return false;
		/*
		 * (2) ... then re-check the PMD and the PTE: the unmapper does
		 * (1) clear PTE + flush, then (2) check whether the page is
		 * pinned. Either we see its clear here, or it sees our pin.
		 * On x86 the flush's IPI waits for our irq-off section, so
		 * the unmapper's (2) cannot run between our (1) and here; on
		 * arm64 (broadcast TLBI) it can, and only this re-check
		 * catches it.
		 */
		if (sim_regress_on(SIM_REGRESS_GUP_FAST_NO_RECHECK)) {
			/*
			 * Without the re-check (the lockless walk before
			 * "mm: gup: re-check PTE after pinning", see
			 * docs/bugs.md): a pin taken after migration froze
			 * and released the old page's count stays on the
			 * old page; DMA goes to a page the process no longer
			 * maps.
			 */
		} else if (sim_regress_on(SIM_REGRESS_GUP_FAST_VS_COLLAPSE)) {
			/*
			 * Before 70cbc3cc78a9 ("mm: gup: fix the fast GUP
			 * race against THP collapse", 2022): only the PTE is
			 * re-checked. collapse_huge_page (1) clears the PMD
			 * and flushes - a broadcast TLBI waits for nobody -
			 * (2) finds no pin, (3) copies the page and only then
			 * clears the old PTE. A pin taken between (2) and
			 * (3) sees the PTE unchanged in the unlinked table
			 * and stays on the old page, which the collapse then
			 * frees from the mapping: DMA lands where the process
			 * no longer looks.
			 */
			if (!pte_same(pte, ptep_get_l(ptep,
						      "gup_fast:recheck_pte"))) {
				gup_put_folio(folio, 1, flags);
				return false;
			}
		} else if (!pmd_same(pmd, pmdp_get_l(pmdp,
						     "gup_fast:recheck_pmd")) ||
			   !pte_same(pte,
				     ptep_get_l(ptep, "gup_fast:recheck_pte"))) {
			gup_put_folio(folio, 1, flags);
			return false;
		}
		/* R/O pin of a possibly shared anon page: unshare first */
		if (!pte_write(pte) && gup_must_unshare(NULL, flags, page)) {
			gup_put_folio(folio, 1, flags);
			return false;
		}
		pages[(*nr)++] = page;
	} while (ptep++, addr += PAGE_SIZE, addr != end);
	return true;
}

/*
 * gup_fast_pmd_leaf - grab the subpages of [@addr, @end) of the THP that
 * @orig (read from @pmdp) maps: one grab of as many references as pages.
 * The same (1) pin, (2) re-check protocol as gup_fast_pte_range().
 * PG_anon_exclusive of a PMD-mapped THP lives in the head page.
 */
static bool gup_fast_pmd_leaf(pmd_t orig, pmd_t *pmdp, unsigned long addr,
			      unsigned long end, unsigned int flags,
			      struct page **pages, long *nr)
{
	struct page *page;
	struct folio *folio;
	int refs = 0;

	if (!pmd_access_permitted(orig, flags & FOLL_WRITE))
		return false;
	page = pmd_page(orig) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
	for (; addr != end; addr += PAGE_SIZE, refs++)
		pages[*nr + refs] = page + refs;
	/* (1) pin the folio ... */
	folio = try_grab_folio_fast(page, refs, flags);
	if (!folio)
		return false;
	/* (2) ... then re-check the PMD (split, zap, migration, fork) */
	if (!pmd_same(orig, pmdp_get_l(pmdp, "gup_fast:recheck_pmd_leaf"))) {
		gup_put_folio(folio, refs, flags);
		return false;
	}
	if (!pmd_write(orig) && gup_must_unshare(NULL, flags, &folio->page)) {
		gup_put_folio(folio, refs, flags);
		return false;
	}
	*nr += refs;
	return true;
}

/* gup_fast_pmd_range - the PMDs of [@addr, @end) under @pud. */
static bool gup_fast_pmd_range(pud_t pud, unsigned long addr,
			       unsigned long end, unsigned int flags,
			       struct page **pages, long *nr)
{
	pmd_t *pmdp = pmd_offset_pfn(pud_pfn(pud), addr);
	unsigned long next;

	do {
		/* race window: THP split, collapse, zap, table freeing */
		pmd_t pmd = pmdp_get_l(pmdp, "gup_fast:pmd");

		next = pmd_addr_end(addr, end);
		if (!pmd_present(pmd))
			return false;
		if (pmd_leaf(pmd)) {
			/* NUMA hinting entries are for the slow path */
			if (pmd_protnone(pmd))
				return false;
			if (!gup_fast_pmd_leaf(pmd, pmdp, addr, next, flags,
					       pages, nr))
				return false;
		} else if (!gup_fast_pte_range(pmd, pmdp, addr, next, flags,
					       pages, nr)) {
			return false;
		}
	} while (pmdp++, addr = next, addr != end);
	return true;
}

/* gup_fast_pgd_range - the lockless walk from the PGD. Interrupts off. */
static void gup_fast_pgd_range(struct mm_struct *mm, unsigned long addr,
			       unsigned long end, unsigned int flags,
			       struct page **pages, long *nr)
{
	unsigned long pgd_next, next;
	pgd_t pgd;
	pud_t pud;

	do {
		pgd_next = pgd_addr_end(addr, end);
		pgd = __pgdp_get(pgd_offset(mm, addr),
				 SIM_SITE("gup_fast:pgd"));
		if (!pgd_present(pgd))
			return;
		do {
			next = pud_addr_end(addr, pgd_next);
			pud = __pudp_get(pud_offset_pfn(pgd_pfn(pgd), addr),
					 SIM_SITE("gup_fast:pud"));
			if (!pud_present(pud))
				return;
			if (!gup_fast_pmd_range(pud, addr, next, flags, pages,
						nr))
				return;
		} while (addr = next, addr != pgd_next);
	} while (addr != end);
}

/*
 * gup_fast - the lockless part: returns how many pages from @start on it
 * took (maybe 0). For FOLL_PIN, protocol B of the comment at the top:
 * (1) sample write_protect_seq, (2) walk, (3) re-check it.
 */
static long gup_fast(struct mm_struct *mm, unsigned long start,
		     unsigned long end, unsigned int gup_flags,
		     struct page **pages)
{
	unsigned int seq = 0;
	long nr = 0;

	/*
	 * Before 57efa1fe5957 ("mm/gup: prevent gup_fast from racing with
	 * COW during fork"), nothing here: a pin could land between fork's
	 * pin check and its write-protect of the parent's PTE.
	 */
	bool wp_seq = !sim_regress_on(SIM_REGRESS_GUP_FAST_NO_WP_SEQ);

	if ((gup_flags & FOLL_PIN) && wp_seq) {
		/* (B1) race window: fork may be write-protecting this mm */
		seq = raw_read_seqcount(&mm->write_protect_seq);
		if (seq & 1)
			return 0;
	}
	local_irq_disable();
	gup_fast_pgd_range(mm, start, end, gup_flags, pages, &nr);
	local_irq_enable();
	if ((gup_flags & FOLL_PIN) && wp_seq) {
		/* (B3) a fork ran meanwhile: our pins may be on shared pages */
		if (read_seqcount_retry(&mm->write_protect_seq, seq)) {
			gup_fast_undo(pages, nr, gup_flags);
			return 0;
		}
		sanity_check_pinned_pages(pages, nr);
	}
	return nr;
}

#define GUP_FAST_FLAGS                                                     \
	(FOLL_WRITE | FOLL_LONGTERM | FOLL_FORCE | FOLL_PIN | FOLL_GET |   \
	 FOLL_FAST_ONLY | FOLL_NOFAULT | FOLL_HONOR_NUMA_FAULT)

/*
 * gup_fast_fallback - GUP-fast, then the slow path for what is left.
 * Returns pages taken from @start on, or -errno if none. The running task
 * runs in @mm; no lock held.
 */
static long gup_fast_fallback(struct mm_struct *mm, unsigned long start,
			      unsigned long nr_pages, unsigned int gup_flags,
			      struct page **pages)
{
	unsigned long end;
	long nr_pinned, ret;

	if (!is_valid_gup_args(gup_flags) ||
	    WARN_ON_ONCE(gup_flags & ~GUP_FAST_FLAGS))
		return -EINVAL;
	/* SIM: the kernel walks current->mm; so must the caller's task */
	if (WARN_ON_ONCE(mm != mm_current()))
		return -EFAULT;
	if (gup_flags & FOLL_PIN)
		mm_set_has_pinned_flag(mm);
	start &= PAGE_MASK;
	if (!nr_pages)
		return 0;
	end = start + (nr_pages << PAGE_SHIFT);
	if (end <= start)
		return -EOVERFLOW;
	if (end > TASK_SIZE)
		return -EFAULT;
	nr_pinned = gup_fast(mm, start, end, gup_flags, pages);
	if (nr_pinned == (long)nr_pages || (gup_flags & FOLL_FAST_ONLY))
		return nr_pinned;
	ret = __gup_longterm_locked(mm, start + (nr_pinned << PAGE_SHIFT),
				    nr_pages - nr_pinned,
				    gup_flags | FOLL_TOUCH | FOLL_UNLOCKABLE,
				    pages + nr_pinned);
	if (ret < 0)
		return nr_pinned ? nr_pinned : ret;
	return ret + nr_pinned;
}

long gup_fast_user_pages(struct mm_struct *mm, unsigned long start,
			 unsigned long nr_pages, unsigned int gup_flags,
			 struct page **pages)
{
	return gup_fast_fallback(mm, start, nr_pages, gup_flags, pages);
}

long pin_user_pages_fast(struct mm_struct *mm, unsigned long start,
			 unsigned long nr_pages, unsigned int gup_flags,
			 struct page **pages)
{
	return gup_fast_fallback(mm, start, nr_pages, gup_flags | FOLL_PIN,
				 pages);
}

long get_user_pages_fast(struct mm_struct *mm, unsigned long start,
			 unsigned long nr_pages, unsigned int gup_flags,
			 struct page **pages)
{
	return gup_fast_fallback(mm, start, nr_pages, gup_flags | FOLL_GET,
				 pages);
}
