// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mprotect.c - mprotect(2) and change_protection(): new protections
 * for the VMAs of a range and for the entries that map it; NUMA hinting
 * (MM_CP_PROT_NUMA) makes entries PROTNONE through the same walk.
 *
 * Locking: mprotect holds mmap_lock for write (no fault, no slow GUP can
 * run; GUP-fast can), NUMA hinting holds it for read (faults can run).
 * Each PTE table is changed under its PTL, each huge PMD under the PMD
 * lock. An entry is changed by ptep_modify_prot_start (take it away: the
 * walker, GUP-fast and the fault path see none) then
 * ptep_modify_prot_commit, so the hardware's A/D updates are not lost.
 *
 * The rule for making an entry writable without a write fault
 * (MM_CP_TRY_CHANGE_WRITABLE, can_change_pte_writable): in a private
 * mapping only an exclusive anon page, which is what the write-fault
 * handler would reuse anyway; a possibly shared page keeps its R/O entry
 * and takes the COW fault. A pinned anon page is always exclusive, so
 * mprotect R/O -> R/W maps the pinned page itself writable again: the pin
 * stays coherent.
 */
#include "gup.h"
#include "huge_mm.h"
#include "rmap.h"
#include "swap.h"
#include "swapops.h"

/* can_change_pte_writable - see include/gup.h. PTL held. */
bool can_change_pte_writable(struct vm_area_struct *vma, unsigned long addr,
			     pte_t pte)
{
	struct page *page;

	if (WARN_ON_ONCE(!(vma->vm_flags & VM_WRITE)))
		return false;
	/* Don't touch entries that are not even readable (NUMA hint). */
	if (pte_protnone(pte))
		return false;
	/* SIM: no soft-dirty tracking: pte_needs_soft_dirty_wp() is false */
	if (pte_uffd_wp(pte))
		return false;
	if (!(vma->vm_flags & VM_SHARED)) {
		/* what the write-fault handler would reuse without checks */
		page = vm_normal_page(vma, addr, pte);
		return page && PageAnon(page) && PageAnonExclusive(page);
	}
	return pte_dirty(pte);
}

/* can_change_pmd_writable - the same for a huge PMD. PMD lock held. */
bool can_change_pmd_writable(struct vm_area_struct *vma, unsigned long addr,
			     pmd_t pmd)
{
	struct page *page;

	if (WARN_ON_ONCE(!(vma->vm_flags & VM_WRITE)))
		return false;
	if (pmd_protnone(pmd))
		return false;
	if (!(vma->vm_flags & VM_SHARED)) {
		page = vm_normal_page_pmd(vma, addr, pmd);
		return page && PageAnon(page) && PageAnonExclusive(page);
	}
	return pmd_dirty(pmd);
}

/*
 * prot_numa_skip - leave this PTE alone for NUMA hinting: already a hint,
 * the zero page, KSM, a shared or pinned COW page (migrating it would not
 * help and would fail), or already on the node of a single-threaded task.
 * SIM: "maybe mapped shared" is the page's own mapcount > 1.
 */
static bool prot_numa_skip(struct vm_area_struct *vma, unsigned long addr,
			   pte_t oldpte, int target_node)
{
	struct page *page;
	struct folio *folio;

	if (pte_protnone(oldpte))
		return true;
	page = vm_normal_page(vma, addr, oldpte);
	if (!page)
		return true;
	folio = page_folio(page);
	if (folio_test_ksm(folio))
		return true;
	if (is_cow_mapping(vma->vm_flags) &&
	    (folio_maybe_dma_pinned(folio) || page_mapcount_raw(page) > 1))
		return true;
	return page_to_nid(page) == target_node;
}

/*
 * change_present_pte - apply @newprot to the present PTE at @pte.
 * Returns 1. PTL held.
 */
static long change_present_pte(struct vm_area_struct *vma, unsigned long addr,
			       pte_t *pte, pgprot_t newprot,
			       unsigned long cp_flags)
{
	pte_t oldpte, ptent;

	/* race window: the walker may set A/D until the entry is taken */
	oldpte = ptep_modify_prot_start(vma, addr, pte);
	ptent = pte_modify(oldpte, newprot);
	if ((cp_flags & MM_CP_TRY_CHANGE_WRITABLE) && !pte_write(ptent) &&
	    can_change_pte_writable(vma, addr, ptent))
		ptent = pte_mkwrite(ptent, vma);
	ptep_modify_prot_commit(vma, addr, pte, oldpte, ptent);
	return 1;
}

/*
 * change_swap_pte - a non-present PTE: a writable migration entry becomes
 * readable (readable-exclusive for anon), a writable device-private entry
 * readable; anything else is left. Returns 1 if it changed. PTL held.
 */
static long change_swap_pte(struct vm_area_struct *vma, unsigned long addr,
			    pte_t *pte, pte_t oldpte)
{
	swp_entry_t entry = pte_to_swp_entry(oldpte);
	pte_t newpte = oldpte;

	if (is_writable_migration_entry(entry)) {
		/*
		 * A protection check is difficult, so just be safe and disable
		 * write. Seed 001's question (Miaohe Lin): why
		 * is_writable_migration_entry() here and
		 * !is_readable_migration_entry() in hugetlb_change_protection()?
		 * The extra entries the second test takes are the
		 * readable-exclusive ones, which exist only for anon folios,
		 * and for anon the rewrite below makes the same
		 * readable-exclusive entry again: the two tests change nothing
		 * but a redundant store. Measured: scenarios
		 * mprotect-vs-migration.mms and mprotect-ro-vs-migration.mms
		 * exhaust dpor:3 in the same 12,959 and 11,931 executions,
		 * clean, with either test (docs/migration.md).
		 */
		if (folio_test_anon(page_folio(pfn_to_page(swp_offset_pfn(entry)))))
			entry = make_readable_exclusive_migration_entry(
				swp_offset(entry));
		else
			entry = make_readable_migration_entry(swp_offset(entry));
		newpte = swp_entry_to_pte(entry);
		if (pte_swp_soft_dirty(oldpte))
			newpte = pte_swp_mksoft_dirty(newpte);
		if (pte_swp_uffd_wp(oldpte))
			newpte = pte_swp_mkuffd_wp(newpte);
	} else if (is_writable_device_private_entry(entry)) {
		entry = make_readable_device_private_entry(swp_offset(entry));
		newpte = swp_entry_to_pte(entry);
		if (pte_swp_uffd_wp(oldpte))
			newpte = pte_swp_mkuffd_wp(newpte);
	}
	if (pte_same(oldpte, newpte))
		return 0;
	set_pte_at_l(vma->vm_mm, addr, pte, newpte, "change_pte_range:swp");
	return 1;
}

/*
 * change_pte_range - apply @newprot to the PTEs of [@addr, @end) under
 * *@pmd. Returns the number changed, or -EAGAIN if *@pmd is no longer a
 * PTE table (the caller re-reads it). Takes and drops the PTL.
 */
static long change_pte_range(struct vm_area_struct *vma, pmd_t *pmd,
			     unsigned long addr, unsigned long end,
			     pgprot_t newprot, unsigned long cp_flags)
{
	bool prot_numa = cp_flags & MM_CP_PROT_NUMA;
	int target_node = -1;
	spinlock_t *ptl;
	pte_t *pte, oldpte;
	long pages = 0;

	pte = pte_offset_map_lock(vma->vm_mm, pmd, addr, &ptl);
	if (!pte)
		return -EAGAIN;
	if (prot_numa && !(vma->vm_flags & VM_SHARED) &&
	    atomic_read(&vma->vm_mm->mm_users) == 1)
		target_node = numa_node_id();
	/* a deferred unmap flush (migration) may still be pending */
	flush_tlb_batched_pending(vma->vm_mm);
	do {
		oldpte = ptep_get_l(pte, "change_pte_range:pte");
		if (pte_present(oldpte)) {
			if (prot_numa &&
			    prot_numa_skip(vma, addr, oldpte, target_node))
				continue;
			pages += change_present_pte(vma, addr, pte, newprot,
						    cp_flags);
		} else if (is_swap_pte(oldpte)) {
			pages += change_swap_pte(vma, addr, pte, oldpte);
		}
	} while (pte++, addr += PAGE_SIZE, addr != end);
	pte_unmap_unlock(pte - 1, ptl);
	return pages;
}

/*
 * change_huge_pmd_swap - a PMD migration entry: writable -> readable
 * (-exclusive for anon), for the reason given in change_swap_pte().
 * PMD lock held.
 */
static void change_huge_pmd_swap(struct vm_area_struct *vma, pmd_t *pmd,
				 unsigned long addr, pmd_t oldpmd)
{
	swp_entry_t entry = pmd_to_swp_entry(oldpmd);
	struct folio *folio;
	pmd_t newpmd;

	if (!is_writable_migration_entry(entry))
		return;
	folio = page_folio(pfn_to_page(swp_offset_pfn(entry)));
	if (folio_test_anon(folio))
		entry = make_readable_exclusive_migration_entry(
			swp_offset(entry));
	else
		entry = make_readable_migration_entry(swp_offset(entry));
	newpmd = swp_entry_to_pmd(entry);
	if (pmd_swp_soft_dirty(oldpmd))
		newpmd = pmd_swp_mksoft_dirty(newpmd);
	set_pmd_at(vma->vm_mm, addr, pmd, newpmd);
}

/*
 * change_huge_pmd - apply @newprot to the huge PMD at *@pmd. Returns 0 if
 * *@pmd is not huge (any more: the caller does the PTEs), 1 if it was
 * handled without a change, HPAGE_PMD_NR if it changed. Takes the PMD
 * lock. The PMD is invalidated, never cleared, while it changes: NUMA
 * hinting runs under mmap_lock for read, and a concurrent MADV_DONTNEED
 * that saw a none PMD would skip it and leave the re-established mapping
 * behind (the kernel's comment in change_huge_pmd()).
 */
static long change_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd,
			    unsigned long addr, pgprot_t newprot,
			    unsigned long cp_flags)
{
	spinlock_t *ptl;
	pmd_t oldpmd, entry;
	long ret = 1;

	ptl = __pmd_trans_huge_lock(pmd, vma);
	if (!ptl)
		return 0;
	oldpmd = pmdp_get_l(pmd, "change_huge_pmd:pmd");
	if (is_swap_pmd(oldpmd)) {
		change_huge_pmd_swap(vma, pmd, addr, oldpmd);
		goto unlock;
	}
	if ((cp_flags & MM_CP_PROT_NUMA) &&
	    (is_huge_zero_pmd(oldpmd) || pmd_protnone(oldpmd)))
		goto unlock;
	/*
	 * (1) invalidate: the walker can set no A/D bit on it any more. The
	 * flush is the batch's, at the end of change_protection_range (x86;
	 * the generic pmdp_invalidate_ad flushes here): until then a CPU
	 * may still store through a cached writable entry, and
	 * mm_tlb_flush_pending() says so.
	 */
	oldpmd = pmdp_invalidate_ad(vma, addr & HPAGE_PMD_MASK, pmd);
	/* (2) build the new entry from the final A/D bits */
	entry = pmd_modify(oldpmd, newprot);
	if ((cp_flags & MM_CP_TRY_CHANGE_WRITABLE) && !pmd_write(entry) &&
	    can_change_pmd_writable(vma, addr, entry))
		entry = pmd_mkwrite(entry, vma);
	set_pmd_at(vma->vm_mm, addr, pmd, entry);
	ret = HPAGE_PMD_NR;
unlock:
	spin_unlock(ptl);
	return ret;
}

/*
 * change_pmd_range - the PMDs of [@addr, @end) under @pud. A huge PMD
 * only partly in the range is split and its PTEs changed.
 */
static long change_pmd_range(struct vm_area_struct *vma, pud_t pud,
			     unsigned long addr, unsigned long end,
			     pgprot_t newprot, unsigned long cp_flags)
{
	pmd_t *pmdp = pmd_offset_pfn(pud_pfn(pud), addr);
	unsigned long next;
	long pages = 0, ret;
	pmd_t pmd;

	do {
again:
		next = pmd_addr_end(addr, end);
		pmd = pmdp_get_l(pmdp, "change_pmd_range:pmd");
		if (pmd_none(pmd))
			continue;
		if (is_swap_pmd(pmd) || pmd_trans_huge(pmd)) {
			if (next - addr != HPAGE_PMD_SIZE) {
				__split_huge_pmd(vma, pmdp, addr, false, NULL);
			} else {
				ret = change_huge_pmd(vma, pmdp, addr, newprot,
						      cp_flags);
				if (ret) {
					pages += ret == HPAGE_PMD_NR ? ret : 0;
					continue;
				}
			}
		}
		ret = change_pte_range(vma, pmdp, addr, next, newprot,
				       cp_flags);
		if (ret < 0)
			goto again;
		pages += ret;
	} while (pmdp++, addr = next, addr != end);
	return pages;
}

/*
 * change_protection_range - walk the PGD and PUD levels of [@addr, @end)
 * of @vma, then flush the range if anything changed. The flush is
 * deferred to the end of the walk, as the kernel's mmu_gather defers it
 * to tlb_finish_mmu(): from the first entry changed to the flush the mm's
 * tlb_flush_pending is raised, and an entry made PROTNONE or read-only
 * may still be cached writable in another CPU's TLB. NUMA hinting runs
 * under mmap_lock for read, so hinting faults and migration run inside
 * that window; they check mm_tlb_flush_pending() (pte_accessible).
 * SIM: the batch is per VMA (the kernel's mprotect gathers over every VMA
 * of the call; change_prot_numa, like here, per VMA).
 */
static long change_protection_range(struct vm_area_struct *vma,
				    unsigned long addr, unsigned long end,
				    pgprot_t newprot, unsigned long cp_flags)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long start = addr, pgd_next, next;
	long pages = 0;
	pgd_t pgd;
	pud_t pud;

	inc_tlb_flush_pending(mm);	/* tlb_gather_mmu */
	do {
		pgd_next = pgd_addr_end(addr, end);
		pgd = pgdp_get(pgd_offset(mm, addr));
		if (!pgd_present(pgd)) {
			addr = pgd_next;
			continue;
		}
		do {
			next = pud_addr_end(addr, pgd_next);
			pud = pudp_get(pud_offset_pfn(pgd_pfn(pgd), addr));
			if (pud_present(pud))
				pages += change_pmd_range(vma, pud, addr, next,
							  newprot, cp_flags);
		} while (addr = next, addr != pgd_next);
	} while (addr != end);
	/* race window: entries changed, some TLB may still cache them */
	if (pages)
		flush_tlb_mm_range(&mm->context, start, end);
	dec_tlb_flush_pending(mm);	/* tlb_finish_mmu */
	return pages;
}

/* change_protection - see include/gup.h. */
long change_protection(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, unsigned long cp_flags)
{
	pgprot_t newprot = vma->vm_page_prot;

	VM_BUG_ON(start >= end);
	if (cp_flags & MM_CP_PROT_NUMA)
		newprot = PAGE_NONE;
	return change_protection_range(vma, start, end, newprot, cp_flags);
}

/* change_prot_numa - see include/gup.h (kernel: mm/mempolicy.c). */
unsigned long change_prot_numa(struct vm_area_struct *vma,
			       unsigned long addr, unsigned long end)
{
	long nr_updated;

	mmap_assert_locked(vma->vm_mm);
	nr_updated = change_protection(vma, addr, end, MM_CP_PROT_NUMA);
	return nr_updated > 0 ? nr_updated : 0;
}

/* ---- VMAs ---- */

static struct vm_area_struct *mprotect_vma_prev(struct vm_area_struct *vma)
{
	if (vma->vm_list.prev == &vma->vm_mm->mmap)
		return NULL;
	return list_entry(vma->vm_list.prev, struct vm_area_struct, vm_list);
}

static struct vm_area_struct *mprotect_vma_next(struct vm_area_struct *vma)
{
	if (vma->vm_list.next == &vma->vm_mm->mmap)
		return NULL;
	return list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
}

/*
 * is_mergeable_pair - may @a and @b (@a directly below @b) become one
 * VMA? Same flags, adjacent, same anon_vma, contiguous pgoff (so every
 * folio->index stays right). SIM: the kernel also merges a VMA without an
 * anon_vma into one with; here both must have the same one (or none).
 */
static bool is_mergeable_pair(struct vm_area_struct *a,
			      struct vm_area_struct *b)
{
	return a && b && a->vm_end == b->vm_start &&
	       a->vm_flags == b->vm_flags && a->anon_vma == b->anon_vma &&
	       !a->vm_file && !b->vm_file &&	/* SIM: files never merge */
	       a->vm_pgoff + vma_pages(a) == b->vm_pgoff;
}

/*
 * vma_merge_pair - @a absorbs @b; @b is unlinked and freed. Returns @a.
 * mmap_lock held for write (no one else can look at either).
 */
static struct vm_area_struct *vma_merge_pair(struct vm_area_struct *a,
					     struct vm_area_struct *b)
{
	/* vma_prepare .. vma_complete: @a moves in the interval tree */
	if (a->anon_vma)
		anon_vma_lock_write(a->anon_vma);
	a->vm_end = b->vm_end;
	if (a->anon_vma) {
		anon_vma_interval_tree_update_vma(a);
		anon_vma_unlock_write(a->anon_vma);
	}
	list_del(&b->vm_list);
	a->vm_mm->map_count--;
	unlink_anon_vmas(b);
	vm_area_free(b);
	return a;
}

/* vma_merge_neighbours - merge @vma with its neighbours if they allow. */
static void vma_merge_neighbours(struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = mprotect_vma_prev(vma);

	if (is_mergeable_pair(prev, vma))
		vma = vma_merge_pair(prev, vma);
	if (is_mergeable_pair(vma, mprotect_vma_next(vma)))
		vma_merge_pair(vma, mprotect_vma_next(vma));
}

/*
 * mprotect_fixup - give [@start, @end) of @vma the flags @newflags:
 * split the VMA so the range is one VMA, set its flags and page
 * protection, change the entries, then merge with equal neighbours.
 * 0 (SIM: split_vma cannot fail). mmap_lock held for write.
 * SIM: no VM_ACCOUNT charging, no populate of VM_LOCKED ranges.
 */
static int mprotect_fixup(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, unsigned long newflags)
{
	unsigned long cp_flags = 0;
	int err;

	if (newflags == vma->vm_flags)
		return 0;
	if (start != vma->vm_start) {
		err = split_vma(vma, start, 1);
		if (err)
			return err;
	}
	if (end != vma->vm_end) {
		err = split_vma(vma, end, 0);
		if (err)
			return err;
	}
	vma->vm_flags = newflags;
	if (vma_wants_manual_pte_write_upgrade(vma))
		cp_flags |= MM_CP_TRY_CHANGE_WRITABLE;
	vma->vm_page_prot = vm_get_page_prot(newflags);
	change_protection(vma, start, end, cp_flags);
	vma_merge_neighbours(vma);
	return 0;
}

/* calc_vm_prot_bits - PROT_* to VM_* (the access bits only). */
static unsigned long calc_vm_prot_bits(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) |
	       (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/*
 * do_mprotect_pkey - see include/gup.h. VMA by VMA from @start: the new
 * access bits must be allowed by the VM_MAY* bits (shifted by 4), the
 * range must have no hole. On an error the VMAs already done keep their
 * new protection, as in the kernel.
 */
int do_mprotect_pkey(struct mm_struct *mm, unsigned long start, size_t len,
		     unsigned long prot, int pkey)
{
	struct vm_area_struct *vma;
	unsigned long end, nstart, tmp, newflags;
	int error;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	mmap_write_lock(mm);
	vma = find_vma(mm, start);
	error = -ENOMEM;
	if (!vma || vma->vm_start > start)
		goto out;
	for (nstart = start;;) {
		newflags = calc_vm_prot_bits(prot) |
			   (vma->vm_flags & ~VM_ACCESS_FLAGS);
		/* newflags >> 4 shifts VM_MAY* into the place of VM_* */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS) {
			error = -EACCES;
			break;
		}
		tmp = vma->vm_end < end ? vma->vm_end : end;
		error = mprotect_fixup(vma, nstart, tmp, newflags);
		if (error || tmp >= end)
			break;
		nstart = tmp;
		/*
		 * The kernel walks on with its VMA iterator from where the
		 * fixed range ended; that range may have been merged into
		 * the next VMA, which then starts below nstart (and already
		 * has the new flags up to it). A hole is -ENOMEM.
		 */
		vma = find_vma(mm, nstart);
		if (!vma || vma->vm_start > nstart) {
			error = -ENOMEM;
			break;
		}
	}
out:
	mmap_write_unlock(mm);
	return error;
}
