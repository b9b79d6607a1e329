// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mremap.c - mremap(2) and move_page_tables (kernel: mm/mremap.c, and
 * copy_vma from mm/vma.c).
 *
 * Moving PTEs under an rmap walk: a PTE moved from the old VMA to the new
 * one must never be invisible to a walk of the anon_vma (migration would
 * leave its entry behind). The walk visits VMAs in the anon_vma's order
 * (the kernel: interval-tree order by pgoff; SIM: the list order, in which
 * a VMA made by copy_vma comes after the VMA it copies). If the new VMA
 * comes after the old one, a walk that missed the PTE at the old place
 * finds it at the new one: no lock needed (need_rmap_locks false). If the
 * new VMA may come first (copy_vma merged the range into an existing VMA
 * of a lower pgoff), the walk could look at the new place too early and
 * at the old place too late: move_ptes then holds the anon_vma lock for
 * write (take_rmap_locks), which excludes the walk.
 *
 * The TLB rule: a present PTE moved away is flushed before its PTL is
 * dropped, else a CPU could keep using (and dirtying) the old translation
 * after someone else sees the PTE at its new place.
 */
#include "huge_mm.h"
#include "migrate.h"
#include "pagemap.h"
#include "rmap.h"
#include "sim/regress.h"
#include "swap.h"
#include "tlb.h"

static void take_rmap_locks(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		i_mmap_lock_write(vma->vm_file->f_mapping);
	if (vma->anon_vma)
		anon_vma_lock_write(vma->anon_vma);
}

static void drop_rmap_locks(struct vm_area_struct *vma)
{
	if (vma->anon_vma)
		anon_vma_unlock_write(vma->anon_vma);
	if (vma->vm_file)
		i_mmap_unlock_write(vma->vm_file->f_mapping);
}

/* Whether move_ptes/move_huge_pmd take the rmap locks (regress switch). */
static bool mremap_wants_rmap_locks(bool need_rmap_locks)
{
	if (sim_regress_on(SIM_REGRESS_MREMAP_NO_RMAP_LOCKS)) {
		/*
		 * Before 108d6642ad81 (2012-10-08): move_ptes never took the
		 * anon_vma lock; it relied on the source VMA being ahead of
		 * the destination in the anon_vma list. When copy_vma merged
		 * the destination into an existing VMA that comes first, an
		 * rmap walk (remove_migration_ptes) could check the new place
		 * before the PTE got there and the old place after it left:
		 * the migration entry is left behind (948f017b093a, in
		 * 2012-01, enforced the order; 108d6642ad81 replaced that by
		 * the lock).
		 */
		return false;
	}
	return need_rmap_locks;
}

/*
 * move_ptes - the PTEs of [old_addr, old_end) under @old_pmd go to
 * @new_addr under @new_pmd (a PTE table exists there). Holds both PTLs
 * (the new one nested) and, when asked, the rmap locks around them.
 */
static void move_ptes(struct vm_area_struct *vma, pmd_t *old_pmd,
		      unsigned long old_addr, unsigned long old_end,
		      struct vm_area_struct *new_vma, pmd_t *new_pmd,
		      unsigned long new_addr, bool need_rmap_locks)
{
	struct mm_struct *mm = vma->vm_mm;
	bool rmap_locks = mremap_wants_rmap_locks(need_rmap_locks);
	spinlock_t *old_ptl, *new_ptl;
	pte_t *old_pte, *new_pte;
	bool force_flush = false;
	unsigned long len = old_end - old_addr;

	if (rmap_locks)
		take_rmap_locks(vma);
	old_pte = pte_offset_map_lock(mm, old_pmd, old_addr, &old_ptl);
	if (!old_pte)
		goto out;
	new_pte = pte_offset_map(new_pmd, new_addr, NULL);
	if (!new_pte) {
		pte_unmap_unlock(old_pte, old_ptl);
		goto out;
	}
	new_ptl = pte_lockptr(mm, new_pmd);
	if (new_ptl != old_ptl)
		spin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING);
	/* a deferred unmap flush (migration) may still be pending */
	flush_tlb_batched_pending(vma->vm_mm);
	for (; old_addr < old_end; old_pte++, old_addr += PAGE_SIZE,
	     new_pte++, new_addr += PAGE_SIZE) {
		pte_t pte;

		if (pte_none(ptep_get_l(old_pte, "move_ptes:peek")))
			continue;
		/* race window: a walk of the old place finds nothing now */
		pte = ptep_get_and_clear_l(mm, old_addr, old_pte,
					   "move_ptes:clear");
		if (pte_present(pte))
			force_flush = true;
		set_pte_at_l(mm, new_addr, new_pte, pte, "move_ptes:set");
	}
	/* Flush before the old PTL goes: no stale translation survives. */
	if (force_flush &&
	    !sim_regress_on(SIM_REGRESS_MREMAP_FLUSH_AFTER_UNLOCK))
		flush_tlb_mm_range(&mm->context, old_end - len, old_end);
	if (new_ptl != old_ptl)
		spin_unlock(new_ptl);
	pte_unmap_unlock(old_pte - 1, old_ptl);
	if (force_flush &&
	    sim_regress_on(SIM_REGRESS_MREMAP_FLUSH_AFTER_UNLOCK)) {
		/*
		 * Before eb66ae030829 (2018, CVE-2018-18281): the flush came
		 * after the PTLs were dropped. mremap does not own the pages
		 * it moves: (1) the PTE is at its new place and the PTL free,
		 * (2) truncate finds it there, zaps it (flushing the new
		 * address only) and frees the page, (3) a CPU that cached
		 * the old address still reads and writes the freed page
		 * until this flush.
		 */
		flush_tlb_mm_range(&mm->context, old_end - len, old_end);
	}
out:
	if (rmap_locks)
		drop_rmap_locks(vma);
}

/*
 * move_huge_pmd - a whole huge PMD (or PMD migration entry) moves, with
 * its deposited table. False if *@old_pmd is no longer huge.
 */
static bool move_huge_pmd(struct vm_area_struct *vma, unsigned long old_addr,
			  unsigned long new_addr, pmd_t *old_pmd,
			  pmd_t *new_pmd, bool need_rmap_locks)
{
	struct mm_struct *mm = vma->vm_mm;
	bool rmap_locks = mremap_wants_rmap_locks(need_rmap_locks);
	spinlock_t *old_ptl, *new_ptl;
	pgtable_t pgtable;
	pmd_t pmd;

	if (rmap_locks)
		take_rmap_locks(vma);
	old_ptl = __pmd_trans_huge_lock(old_pmd, vma);
	if (!old_ptl) {
		if (rmap_locks)
			drop_rmap_locks(vma);
		return false;
	}
	new_ptl = pmd_lockptr(mm, new_pmd);
	if (new_ptl != old_ptl)
		spin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING);
	pmd = pmdp_huge_get_and_clear(mm, old_addr, old_pmd);
	VM_BUG_ON(!pmd_none(pmdp_get_l(new_pmd, "move_huge_pmd:new")));
	pgtable = pgtable_trans_huge_withdraw(mm, old_pmd);
	pgtable_trans_huge_deposit(mm, new_pmd, pgtable);
	set_pmd_at(mm, new_addr, new_pmd, pmd);
	if (pmd_present(pmd))
		flush_tlb_mm_range(&mm->context, old_addr,
				   old_addr + HPAGE_PMD_SIZE);
	if (new_ptl != old_ptl)
		spin_unlock(new_ptl);
	spin_unlock(old_ptl);
	if (rmap_locks)
		drop_rmap_locks(vma);
	return true;
}

/*
 * move_normal_pmd - a whole PTE table moves: the old PMD entry is cleared
 * and the new (none) one points to the table, under both PMD locks; the
 * caller holds the rmap locks (i_mmap_rwsem and the anon_vma, for write),
 * which keep rmap walkers out. False: nothing moved (the caller moves the
 * PTEs one by one, or finds the old PMD none and goes on).
 * The race (mremap-move-pmd-vs-retract): move_page_tables (1) read the
 * old PMD - a table - and chose this path before (2) the rmap locks were
 * taken; meanwhile khugepaged's retract_page_tables (i_mmap_rwsem read,
 * the PMD lock, no mmap_lock) (3) cleared the PMD and freed the table.
 * So (4) the PMD is read again under its lock and must still point to a
 * table (6fa1066fc5d0).
 */
static bool move_normal_pmd(struct vm_area_struct *vma, unsigned long old_addr,
			    unsigned long new_addr, pmd_t *old_pmd,
			    pmd_t *new_pmd)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *old_ptl, *new_ptl;
	bool res = false;
	pmd_t pmd;

	if (!pmd_none(pmdp_get_l(new_pmd, "move_normal_pmd:new")))
		return false;
	old_ptl = pmd_lock(mm, old_pmd);
	new_ptl = pmd_lockptr(mm, new_pmd);
	if (new_ptl != old_ptl)
		spin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING);
	pmd = pmdp_get_l(old_pmd, "move_normal_pmd:old");
	if (sim_regress_on(SIM_REGRESS_MREMAP_MOVE_PMD_VS_RETRACT)) {
		/*
		 * Before 6fa1066fc5d0 (2024, CVE-2024-50066): no re-check.
		 * A PMD that retract_page_tables cleared meanwhile is
		 * "moved": the new PMD points to the table of pfn 0 (on
		 * x86 physical page 0 mapped as a page table).
		 */
	} else if (unlikely(!pmd_present(pmd) || pmd_trans_huge(pmd))) {
		goto out_unlock;	/* racing with collapse */
	}
	pmd_clear(old_pmd);
	res = true;
	pmd_populate(mm, new_pmd, pmd_page(pmd));
	flush_tlb_mm_range(&mm->context, old_addr, old_addr + PMD_SIZE);
out_unlock:
	if (new_ptl != old_ptl)
		spin_unlock(new_ptl);
	spin_unlock(old_ptl);
	return res;
}

/* alloc_new_pmd - the PMD entry for @addr in @mm, allocating tables. */
static pmd_t *alloc_new_pmd(struct mm_struct *mm, unsigned long addr)
{
	pud_t *pud = pud_alloc(mm, pgd_offset(mm, addr), addr);

	return pud ? pmd_alloc(mm, pud, addr) : NULL;
}

/*
 * move_page_tables - see migrate.h. PMD extent by extent: a huge PMD that
 * moves whole (both ends PMD-aligned) keeps being huge, else it is split
 * and its PTEs move; a PTE table that moves whole (a PMD-sized, aligned
 * extent) moves by its PMD entry (move_normal_pmd), else its PTEs move
 * one by one.
 */
unsigned long move_page_tables(struct vm_area_struct *vma,
			       unsigned long old_addr,
			       struct vm_area_struct *new_vma,
			       unsigned long new_addr, unsigned long len,
			       bool need_rmap_locks)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long old_end = old_addr + len, extent, next;
	unsigned long start = old_addr;
	pmd_t *old_pmd, *new_pmd, pmd;

	for (; old_addr < old_end; old_addr += extent, new_addr += extent) {
		next = (old_addr + PMD_SIZE) & PMD_MASK;
		extent = (next > old_end ? old_end : next) - old_addr;
		next = (new_addr + PMD_SIZE) & PMD_MASK;
		if (extent > next - new_addr)
			extent = next - new_addr;
		old_pmd = mm_find_pmd(mm, old_addr);
		if (!old_pmd)
			continue;
		pmd = pmdp_get_l(old_pmd, "move_page_tables:pmd");
		if (pmd_none(pmd))
			continue;
		new_pmd = alloc_new_pmd(mm, new_addr);
		if (!new_pmd)
			break;
		if (pmd_trans_huge(pmd) || is_swap_pmd(pmd)) {
			if (extent == HPAGE_PMD_SIZE &&
			    move_huge_pmd(vma, old_addr, new_addr, old_pmd,
					  new_pmd, need_rmap_locks))
				continue;
			__split_huge_pmd(vma, old_pmd, old_addr, false, NULL);
		} else if (extent == PMD_SIZE &&
			   /* the mremaps of these bugs had no move_normal_pmd
			    * (2c91bd4a4e2e, 2018, not verified) */
			   !sim_regress_on(SIM_REGRESS_MREMAP_NO_RMAP_LOCKS) &&
			   !sim_regress_on(SIM_REGRESS_MREMAP_FLUSH_AFTER_UNLOCK)) {
			bool moved;

			/* move_pgt_entry(NORMAL_PMD, ..., true) */
			take_rmap_locks(vma);
			moved = move_normal_pmd(vma, old_addr, new_addr,
						old_pmd, new_pmd);
			drop_rmap_locks(vma);
			if (moved)
				continue;
		}
		if (pmd_none(pmdp_get_l(old_pmd, "move_page_tables:none")))
			continue;
		if (pte_alloc(mm, new_pmd))
			break;
		move_ptes(vma, old_pmd, old_addr, old_addr + extent, new_vma,
			  new_pmd, new_addr, need_rmap_locks);
	}
	return old_addr - start;
}

/* ---- VMAs ---- */

static struct vm_area_struct *mremap_vma_prev(struct mm_struct *mm,
					      unsigned long addr)
{
	struct vm_area_struct *vma, *prev = NULL;

	vma_for_each(vma, mm)
		if (vma->vm_end <= addr)
			prev = vma;
	return prev;
}

/*
 * copy_vma - the VMA that will receive [addr, addr+len) of *@vmap at
 * @pgoff: a neighbour below extended over it when compatible (same
 * flags, anon_vma, contiguous pgoff; SIM: no merge with the VMA above,
 * none for a file VMA),
 * else a copy of *@vmap linked into the same anon_vmas (after it in
 * their lists). *@need_rmap_locks: may a walk visit the new VMA first?
 * mmap_lock held for write.
 */
static struct vm_area_struct *copy_vma(struct vm_area_struct **vmap,
				       unsigned long addr, unsigned long len,
				       unsigned long pgoff,
				       bool *need_rmap_locks)
{
	struct vm_area_struct *vma = *vmap, *new_vma, *prev, *next;
	struct mm_struct *mm = vma->vm_mm;

	if (vma_is_anonymous(vma) && !vma->anon_vma)
		pgoff = addr >> PAGE_SHIFT;
	prev = mremap_vma_prev(mm, addr);
	next = find_vma(mm, addr);
	if (prev && prev->vm_end == addr && prev != vma &&
	    prev->vm_flags == vma->vm_flags && !vma->vm_file &&
	    prev->anon_vma == vma->anon_vma &&
	    prev->vm_pgoff + vma_pages(prev) == pgoff &&
	    (!next || next->vm_start >= addr + len)) {
		/* vma_expand: the interval tree moves under the lock */
		if (prev->anon_vma)
			anon_vma_lock_write(prev->anon_vma);
		prev->vm_end = addr + len;
		if (prev->anon_vma) {
			anon_vma_interval_tree_update_vma(prev);
			anon_vma_unlock_write(prev->anon_vma);
		}
		mm->total_vm += len >> PAGE_SHIFT;
		*need_rmap_locks = prev->vm_pgoff <= vma->vm_pgoff;
		return prev;
	}
	new_vma = vm_area_dup(vma);
	new_vma->vm_start = addr;
	new_vma->vm_end = addr + len;
	new_vma->vm_pgoff = pgoff;
	anon_vma_clone(new_vma, vma);
	if (new_vma->vm_file)
		vma_link_file(new_vma);
	insert_vm_struct(mm, new_vma);
	mm->total_vm += len >> PAGE_SHIFT;
	*need_rmap_locks = false;
	return new_vma;
}

/*
 * move_vma - [old_addr, +old_len) of @vma moves to @new_addr (@new_len
 * long). Returns @new_addr or -errno. mmap_lock held for write.
 */
static unsigned long move_vma(struct vm_area_struct *vma,
			      unsigned long old_addr, unsigned long old_len,
			      unsigned long new_len, unsigned long new_addr,
			      unsigned long flags)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long new_pgoff = vma->vm_pgoff +
				  ((old_addr - vma->vm_start) >> PAGE_SHIFT);
	struct vm_area_struct *new_vma;
	bool need_rmap_locks;
	unsigned long moved;

	/* No huge PMD may straddle the boundaries of the moved range. */
	vma_adjust_trans_huge(vma, old_addr, old_addr + old_len);
	new_vma = copy_vma(&vma, new_addr, new_len, new_pgoff,
			   &need_rmap_locks);
	moved = move_page_tables(vma, old_addr, new_vma, new_addr, old_len,
				 need_rmap_locks);
	if (moved < old_len) {
		/* SIM: the kernel moves the entries back; here: give up. */
		sim_limit("move_vma: out of memory moving page tables");
		return -ENOMEM;
	}
	if (flags & MREMAP_DONTUNMAP) {
		/* The old range stays mapped, empty. */
		return new_addr;
	}
	do_munmap(mm, old_addr, old_len);	/* accounts the old range */
	return new_addr;
}

/*
 * remap_is_valid - may [addr, +old_len) of @vma be moved or resized to
 * @new_len? The range must lie in the one VMA (kernel: remap_is_valid;
 * SIM: no mlock, map-count or accounting limits). 0 or -EFAULT.
 */
static int remap_is_valid(struct vm_area_struct *vma, unsigned long addr,
			  unsigned long old_len)
{
	if (old_len > vma->vm_end - addr)
		return -EFAULT;	/* "can't remap across vm area boundaries" */
	return 0;
}

/*
 * shrink_vma - unmap [addr + new_len, addr + old_len): a shrinking remap
 * is always allowed, whatever VMAs the tail spans (it is munmap). Returns
 * 0 or -errno. mmap_lock held for write.
 */
static int shrink_vma(struct mm_struct *mm, unsigned long addr,
		      unsigned long old_len, unsigned long new_len)
{
	return do_munmap(mm, addr + new_len, old_len - new_len);
}

/*
 * mremap_to - the MREMAP_FIXED / MREMAP_DONTUNMAP case: the range goes to
 * @new_addr (FIXED: unmapped first) or to a free area (DONTUNMAP alone);
 * a shrink is done first, in place, then what is left moves.
 */
static unsigned long mremap_to(struct mm_struct *mm,
			       struct vm_area_struct *vma, unsigned long addr,
			       unsigned long old_len, unsigned long new_len,
			       unsigned long flags, unsigned long new_addr)
{
	int err;

	if (new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len)
		return -EINVAL;
	if (addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL;	/* vrm_overlaps */
	if (flags & MREMAP_FIXED) {
		do_munmap(mm, new_addr, new_len);
		vma = vma_lookup(mm, addr);
		if (!vma)
			return -EFAULT;
	}
	if (new_len < old_len) {
		err = shrink_vma(mm, addr, old_len, new_len);
		if (err)
			return err;
		old_len = new_len;
		vma = vma_lookup(mm, addr);
		if (!vma)
			return -EFAULT;
	}
	err = remap_is_valid(vma, addr, old_len);
	if (err)
		return err;
	if (!(flags & MREMAP_FIXED)) {
		/* SIM: the address is only a hint to mmap; the model takes
		 * the first free area (as without a hint). */
		new_addr = get_unmapped_area(mm, new_len);
		if (IS_ERR_VALUE(new_addr))
			return new_addr;
	}
	return move_vma(vma, addr, old_len, new_len, new_addr, flags);
}

/*
 * do_mremap - see migrate.h. The kernel's shape (mm/mremap.c: do_mremap,
 * mremap_to, mremap_at): only the VMA at @addr must exist; a shrink in
 * place is an munmap of the tail and succeeds across VMA boundaries; a
 * move or an expansion needs the (remaining) range inside one VMA.
 */
unsigned long do_mremap(struct mm_struct *mm, unsigned long addr,
			unsigned long old_len, unsigned long new_len,
			unsigned long flags, unsigned long new_addr)
{
	struct vm_area_struct *vma, *next;
	unsigned long ret = -EINVAL;

	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (!IS_ALIGNED(addr, PAGE_SIZE) || !PAGE_ALIGN(new_len))
		return -EINVAL;
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		if (!IS_ALIGNED(new_addr, PAGE_SIZE) ||
		    !(flags & MREMAP_MAYMOVE))
			return -EINVAL;
		if ((flags & MREMAP_DONTUNMAP) && old_len != new_len)
			return -EINVAL;
	}
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		ret = -EFAULT;
		goto out;
	}
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		ret = mremap_to(mm, vma, addr, old_len, new_len, flags,
				new_addr);
		goto out;
	}
	if (new_len == old_len) {
		ret = addr;	/* MREMAP_NO_RESIZE */
		goto out;
	}
	if (new_len < old_len) {
		/* "SHRINK CASE. Can always be done in-place." */
		ret = shrink_vma(mm, addr, old_len, new_len);
		if (!ret)
			ret = addr;
		goto out;
	}
	/* expand_vma */
	ret = remap_is_valid(vma, addr, old_len);
	if (ret)
		goto out;
	/* Grow in place if the range ends the VMA and the gap is free. */
	next = find_vma(mm, vma->vm_end);
	if (addr + old_len == vma->vm_end &&
	    (!next || next->vm_start >= addr + new_len)) {
		if (vma->anon_vma)
			anon_vma_lock_write(vma->anon_vma);
		vma->vm_end = addr + new_len;
		if (vma->anon_vma) {
			anon_vma_interval_tree_update_vma(vma);
			anon_vma_unlock_write(vma->anon_vma);
		}
		mm->total_vm += (new_len - old_len) >> PAGE_SHIFT;
		ret = addr;
		goto out;
	}
	ret = -ENOMEM;
	if (!(flags & MREMAP_MAYMOVE))
		goto out;
	new_addr = get_unmapped_area(mm, new_len);
	if (IS_ERR_VALUE(new_addr))
		goto out;
	ret = move_vma(vma, addr, old_len, new_len, new_addr, flags);
out:
	mmap_write_unlock(mm);
	return ret;
}
