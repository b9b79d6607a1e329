// SPDX-License-Identifier: GPL-2.0
/*
 * mm/madvise.c - madvise(2): MADV_DONTNEED (zap, under mmap_lock read)
 * and the behaviours that change vm_flags (under mmap_lock write,
 * splitting VMAs at the range's ends). Kernel: mm/madvise.c.
 */
#include "pagemap.h"
#include "huge_mm.h"
#include "rmap.h"
#include "swap.h"
#include "ksm.h"

/* madvise_behavior_valid - one of the behaviours modelled. */
static bool madvise_behavior_valid(int behavior)
{
	switch (behavior) {
	case MADV_DONTNEED:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
	case MADV_REMOVE:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_WILLNEED:
	case MADV_FREE:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_COLLAPSE:
		return true;
	}
	return false;
}

/* The new vm_flags of @vma for @behavior, or -EINVAL. */
static long madvise_new_flags(struct vm_area_struct *vma, int behavior)
{
	unsigned long f = vma->vm_flags;

	switch (behavior) {
	case MADV_DONTFORK:
		return f | VM_DONTCOPY;
	case MADV_DOFORK:
		return f & ~VM_DONTCOPY;
	case MADV_HUGEPAGE:
		return (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
	case MADV_NOHUGEPAGE:
		return (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
	case MADV_WIPEONFORK:
		return f | VM_WIPEONFORK;	/* private anon: all of ours */
	case MADV_KEEPONFORK:
		return f & ~VM_WIPEONFORK;
	case MADV_MERGEABLE:	/* ksm_madvise; SIM: no __ksm_enter */
		/* vma_ksm_compatible: a shared mapping ignores the advice */
		return f & (VM_SHARED | VM_MAYSHARE) ? f : f | VM_MERGEABLE;
	case MADV_UNMERGEABLE:
		/* ksm_madvise: the KSM pages were unshared first */
		return f & ~VM_MERGEABLE;
	}
	return -EINVAL;
}

/*
 * madvise_update_vma - give [start, end) of @vma the flags @new_flags,
 * splitting it first. mmap_lock held for write. SIM: no re-merge.
 */
static void madvise_update_vma(struct vm_area_struct *vma,
			       unsigned long start, unsigned long end,
			       unsigned long new_flags)
{
	struct mm_struct *mm = vma->vm_mm;

	if (new_flags == vma->vm_flags)
		return;
	if (start > vma->vm_start) {
		split_vma(vma, start, 0);
		vma = find_vma(mm, start);
	}
	if (end < vma->vm_end) {
		split_vma(vma, end, 1);
		vma = find_vma(mm, start);
	}
	vma->vm_flags = new_flags;
}

void madvise_walk_vmas(struct mm_struct *mm, unsigned long start,
		       unsigned long end,
		       void (*visit)(struct vm_area_struct *vma,
				     unsigned long s, unsigned long e,
				     void *arg),
		       void *arg)
{
	struct vm_area_struct *vma;

	vma_for_each(vma, mm) {
		unsigned long s = vma->vm_start > start ? vma->vm_start : start;
		unsigned long e = vma->vm_end < end ? vma->vm_end : end;

		if (vma->vm_start >= end)
			break;
		if (s < e)
			visit(vma, s, e, arg);
	}
}

static void dontneed_vma(struct vm_area_struct *vma, unsigned long s,
			 unsigned long e, void *arg)
{
	zap_page_range_single(vma, s, e - s, NULL);
}

/* MADV_DONTNEED: zap the range; the next touch faults in zeroes. */
static int madvise_dontneed(struct mm_struct *mm, unsigned long start,
			    unsigned long end)
{
	mmap_read_lock(mm);
	madvise_walk_vmas(mm, start, end, dontneed_vma, NULL);
	mmap_read_unlock(mm);
	return 0;
}

/*
 * madvise_remove - MADV_REMOVE: punch the file range behind a shared
 * writable mapping (fallocate PUNCH_HOLE|KEEP_SIZE), with mmap_lock
 * dropped for the punch, as the kernel does. One VMA only (SIM).
 */
static int madvise_remove(struct mm_struct *mm, unsigned long start,
			  unsigned long end)
{
	struct address_space *mapping;
	struct vm_area_struct *vma;
	unsigned long offset;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, start);
	if (!vma || end > vma->vm_end) {
		mmap_read_unlock(mm);
		return -EINVAL;
	}
	if (!vma->vm_file ||
	    (vma->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE)) {
		mmap_read_unlock(mm);
		return -EACCES;
	}
	mapping = vma->vm_file->f_mapping;
	offset = (start - vma->vm_start) + (vma->vm_pgoff << PAGE_SHIFT);
	mmap_read_unlock(mm);
	shmem_punch_hole(mapping, offset, end - start);
	return 0;
}

/* do_madvise - see mm.h. Returns 0, -EINVAL, or -ENOMEM (a hole). */
int do_madvise(struct mm_struct *mm, unsigned long start, size_t len,
	       int behavior)
{
	unsigned long end = start + PAGE_ALIGN(len);
	struct vm_area_struct *vma;
	int ret = 0;

	if (!IS_ALIGNED(start, PAGE_SIZE) || end < start ||
	    !madvise_behavior_valid(behavior))
		return -EINVAL;
	if (end == start)
		return 0;
	if (behavior == MADV_DONTNEED)
		return madvise_dontneed(mm, start, end);
	if (behavior == MADV_REMOVE)
		return madvise_remove(mm, start, end);
	/* mm/madvise_reclaim.c */
	if (behavior == MADV_COLD || behavior == MADV_PAGEOUT)
		return madvise_pageout(mm, start, end,
				       behavior == MADV_PAGEOUT);
	if (behavior == MADV_FREE)
		return madvise_free(mm, start, end);
	if (behavior == MADV_WILLNEED)
		return madvise_willneed(mm, start, end);
	/* mm/khugepaged.c: takes mmap_lock read per PMD range itself */
	if (behavior == MADV_COLLAPSE)
		return madvise_collapse(mm, start, end);
	mmap_write_lock(mm);
	for (unsigned long addr = start; addr < end;) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start >= end) {
			ret = -ENOMEM;
			break;
		}
		if (vma->vm_start > addr)
			ret = -ENOMEM;	/* a hole: go on, report it */
		addr = vma->vm_start > addr ? vma->vm_start : addr;
		/* ksm_madvise(MADV_UNMERGEABLE): unmerge before the flag goes */
		if (behavior == MADV_UNMERGEABLE &&
		    (vma->vm_flags & VM_MERGEABLE) && vma->anon_vma &&
		    unmerge_ksm_pages(vma, addr,
				      vma->vm_end < end ? vma->vm_end : end)) {
			ret = -ENOMEM;
			break;
		}
		madvise_update_vma(vma, addr,
				   vma->vm_end < end ? vma->vm_end : end,
				   madvise_new_flags(vma, behavior));
		addr = find_vma(mm, addr)->vm_end;
	}
	mmap_write_unlock(mm);
	return ret;
}
