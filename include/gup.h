/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/gup.h - get_user_pages (slow and fast), pins, and mprotect.
 *
 * SIM: the kernel keeps these in include/linux/mm.h (FOLL_* in
 * include/linux/mm_types.h, MM_CP_* in include/linux/mm.h); they are split
 * out here so that the GUP/mprotect part of the model has its own header
 * (docs/deviations.md). Details above each function in mm/gup.c and
 * mm/mprotect.c.
 *
 * Pin accounting (the kernel's rule, Linux >= 5.7 / 5.19 for large folios):
 *	FOLL_GET	one reference per page
 *	FOLL_PIN	small folio: GUP_PIN_COUNTING_BIAS references per page;
 *			large folio: one reference plus one _pincount per page
 *	the zero page is never pinned (no references taken for FOLL_PIN)
 * A pinned anonymous page is PageAnonExclusive and stays so until it is
 * freed: fork copies it, COW reuses it, swap and migration refuse it.
 */
#ifndef MMSIM_GUP_H
#define MMSIM_GUP_H

#include "mm.h"

/* ---- gup_flags (kernel: enum in include/linux/mm_types.h) ---- */

#define FOLL_WRITE	0x01	/* check the PTE is writable */
#define FOLL_GET	0x02	/* take a reference on each page */
#define FOLL_DUMP	0x04	/* give error on hole if it would be zero */
#define FOLL_FORCE	0x08	/* get_user_pages read/write w/o permission */
#define FOLL_NOWAIT	0x20	/* SIM: accepted, faults never drop the lock */
#define FOLL_NOFAULT	0x80	/* do not fault in pages */
#define FOLL_HWPOISON	0x100	/* SIM: accepted, no hwpoison yet */
#define FOLL_ANON	0x8000	/* don't do file mappings */
#define FOLL_LONGTERM	0x10000	/* pin for a long, indefinite time */
#define FOLL_PCI_P2PDMA	0x20000	/* SIM: no P2PDMA pages exist */
#define FOLL_INTERRUPTIBLE 0x40000
#define FOLL_HONOR_NUMA_FAULT 0x80000 /* do not follow PROTNONE entries */
#define FOLL_PIN	0x100000	/* pin (page_maybe_dma_pinned) */
#define FOLL_FAST_ONLY	0x200000	/* gup_fast: never the slow path */
/* Internal to mm/gup.c: */
#define FOLL_TOUCH	0x400000	/* mark the page accessed */
#define FOLL_TRIED	0x800000	/* a retry after a dropped lock */
#define FOLL_REMOTE	0x1000000	/* not the running task's mm */
#define FOLL_UNLOCKABLE	0x2000000	/* SIM: the fault never drops it */
#define FOLL_MADV_POPULATE 0x4000000
/*
 * FOLL_UNSHARE is not a kernel flag: the kernel passes "unshare" to
 * faultin_page() as a bool after follow_page_mask() said -EMLINK. SIM:
 * it is spelled as a flag bit in traces and in faultin_page()'s argument.
 */
#define FOLL_UNSHARE	0x8000000

/* ---- GUP entry points (mm/gup.c) ---- */

/*
 * get_user_pages_remote - the slow path for @mm: takes mmap_lock for read
 * itself, walks the tables under the PTLs and faults in what is missing.
 * @gup_flags has exactly one of FOLL_GET / FOLL_PIN. Returns the number of
 * pages taken (from @start on, in @pages), or -errno if none.
 */
long get_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages);
/*
 * gup_fast_user_pages - get_user_pages_fast/pin_user_pages_fast: the
 * lockless walk of the running task's tables with interrupts off, then the
 * slow path for the rest. The running task must run in @mm (SIM: @mm is
 * explicit; the kernel uses current->mm). Returns pages taken or -errno.
 */
long gup_fast_user_pages(struct mm_struct *mm, unsigned long start,
			 unsigned long nr_pages, unsigned int gup_flags,
			 struct page **pages);
/* The kernel's wrappers (FOLL_PIN / FOLL_GET added). */
long pin_user_pages_fast(struct mm_struct *mm, unsigned long start,
			 unsigned long nr_pages, unsigned int gup_flags,
			 struct page **pages);
long get_user_pages_fast(struct mm_struct *mm, unsigned long start,
			 unsigned long nr_pages, unsigned int gup_flags,
			 struct page **pages);
long pin_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages);

/* gup_put_page - undo one page of a GUP: unpin (FOLL_PIN) or put_page. */
void gup_put_page(struct page *page, unsigned int gup_flags);
void unpin_user_page(struct page *page);
void unpin_user_pages(struct page **pages, unsigned long npages);
/* unpin_user_pages_dirty_lock - mark dirty (if @make_dirty), then unpin. */
void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages,
				 bool make_dirty);

/*
 * try_grab_folio - take @refs GUP references of kind @flags on @folio, on
 * which the caller already holds a reference or the PTL of a mapping of
 * it. 0, or -ENOMEM if the folio's count is not positive.
 */
int try_grab_folio(struct folio *folio, int refs, unsigned int flags);
/* gup_put_folio - drop @refs GUP references of kind @flags. */
void gup_put_folio(struct folio *folio, int refs, unsigned int flags);
/* folio_mark_dirty - PG_dirty (anon: no writeback accounting). */
bool folio_mark_dirty(struct folio *folio);

/*
 * gup_must_unshare - must a R/O FOLL_PIN of @page break COW first (the
 * page may be shared)? @vma is NULL from GUP-fast (it cannot tell file
 * mappings apart, so it says yes for FOLL_LONGTERM of non-anon pages).
 */
bool gup_must_unshare(struct vm_area_struct *vma, unsigned int flags,
		      struct page *page);

/* mm_set_has_pinned_flag - MMF_HAS_PINNED: fork must mind pins from now. */
static inline void mm_set_has_pinned_flag(struct mm_struct *mm)
{
	if (!test_bit(MMF_HAS_PINNED, &mm->flags))
		set_bit(MMF_HAS_PINNED, &mm->flags);
}

/* Pins of a large folio (0 for a small one: use the refcount bias). */
static inline int folio_pincount(struct folio *folio)
{
	return atomic_read(&folio->_pincount);
}

/* ---- mprotect and change_protection (mm/mprotect.c) ---- */

#define MM_CP_TRY_CHANGE_WRITABLE	(1UL << 0)
#define MM_CP_PROT_NUMA			(1UL << 1)
#define MM_CP_UFFD_WP			(1UL << 2)	/* SIM: unused */
#define MM_CP_UFFD_WP_RESOLVE		(1UL << 3)	/* SIM: unused */

/*
 * do_mprotect_pkey - mprotect(2) of [@start, @start+@len) in @mm (SIM:
 * explicit mm; @pkey ignored, pass -1). Takes mmap_lock for write.
 * 0, -EINVAL (unaligned), -ENOMEM (hole), -EACCES (not VM_MAY*).
 */
int do_mprotect_pkey(struct mm_struct *mm, unsigned long start, size_t len,
		     unsigned long prot, int pkey);
/*
 * change_protection - apply @vma->vm_page_prot (or PAGE_NONE for
 * MM_CP_PROT_NUMA) to the entries of [@start, @end), flushing the TLBs.
 * mmap_lock held (write for mprotect, read for NUMA hinting). Returns the
 * number of base pages whose entries changed.
 */
long change_protection(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, unsigned long cp_flags);
/*
 * change_prot_numa - NUMA hinting: make the present entries of [@addr,
 * @end) PROTNONE (private, unshared, unpinned folios only) so the next
 * access takes a hinting fault. mmap_lock held for read. Returns pages.
 */
unsigned long change_prot_numa(struct vm_area_struct *vma,
			       unsigned long addr, unsigned long end);
/*
 * can_change_pte_writable - may mprotect (or a NUMA hinting fault) map
 * @pte writable without a write fault? Private anon: only an exclusive
 * anon page that is not PROTNONE. PTL held. Also can_change_pmd_writable.
 */
bool can_change_pte_writable(struct vm_area_struct *vma, unsigned long addr,
			     pte_t pte);
bool can_change_pmd_writable(struct vm_area_struct *vma, unsigned long addr,
			     pmd_t pmd);
/* vma_wants_manual_pte_write_upgrade - private writable: try. */
static inline bool vma_wants_manual_pte_write_upgrade(
	const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
}

#endif /* MMSIM_GUP_H */
