/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/huge_mm.h - PMD-mapped transparent huge pages (anonymous), and
 * the generic page-table helpers they need (mm/pgtable-generic.c).
 */
#ifndef MMSIM_HUGE_MM_H
#define MMSIM_HUGE_MM_H

#include "mm.h"

/* thp_vma_allowable - may a fault at @addr of @vma map a PMD THP? */
bool thp_vma_allowable(struct vm_area_struct *vma, unsigned long addr);
/* Fault handlers; mmap_lock held for read. */
vm_fault_t do_huge_pmd_anonymous_page(struct vm_fault *vmf);
vm_fault_t do_huge_pmd_wp_page(struct vm_fault *vmf);
void huge_pmd_set_accessed(struct vm_fault *vmf);
/* fork: 0 done, -EAGAIN fall back to PTEs (split), -ENOMEM. */
int copy_huge_pmd(struct mm_struct *dst_mm, struct mm_struct *src_mm,
		  pmd_t *dst_pmd, pmd_t *src_pmd, unsigned long addr,
		  struct vm_area_struct *dst_vma,
		  struct vm_area_struct *src_vma);
/* zap: 1 if a huge PMD was zapped, 0 if *@pmd is no longer huge. */
int zap_huge_pmd(struct mmu_gather *tlb, struct vm_area_struct *vma,
		 pmd_t *pmd, unsigned long addr);
/*
 * __split_huge_pmd - PTE-map the huge PMD at *@pmd (if it still is one):
 * afterwards a PTE table maps every page. Takes the PMD lock.
 * @freeze (split_huge_page's unmap; @folio locked and required): the
 * PTEs are migration entries instead, the PMD's reference is dropped;
 * an exclusive page that may be pinned is split unfrozen instead.
 */
void __split_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd,
		      unsigned long address, bool freeze,
		      struct folio *folio);
/* split_huge_pmd_address - the same for the PMD mapping @address. */
void split_huge_pmd_address(struct vm_area_struct *vma,
			    unsigned long address, bool freeze,
			    struct folio *folio);
/* vma_adjust_trans_huge - split huge PMDs that straddle @start / @end. */
void vma_adjust_trans_huge(struct vm_area_struct *vma, unsigned long start,
			   unsigned long end);
/* __pmd_trans_huge_lock - the PMD lock if *@pmd is huge (or a PMD
 * migration entry), else NULL (nothing locked). */
spinlock_t *__pmd_trans_huge_lock(pmd_t *pmd, struct vm_area_struct *vma);

/*
 * split_huge_page_to_list_to_order - split the large anon folio of @page
 * (locked; the caller holds one reference) into order-0 folios
 * (@new_order 0 only). Returns 0, -EAGAIN (extra references or
 * pins: the folio stays whole and mapped as it was) or -EBUSY (not
 * mapped: no anon_vma to lock; the huge zero folio). On success the
 * page's new folio stays locked with the caller's reference; the other
 * new folios are unlocked and hold only their mappings' references, or,
 * with @list (the folio is isolated: reclaim), one more reference each,
 * PG_isolated, and sit on @list.
 */
int split_huge_page_to_list_to_order(struct page *page, struct list_head *list,
				     unsigned int new_order);
static inline int split_huge_page(struct page *page)
{
	return split_huge_page_to_list_to_order(page, NULL, 0);
}
/* split_folio - the same for @folio's head page. */
int split_folio(struct folio *folio);
/* split_folio_to_list - the same, the other new folios onto @list. */
int split_folio_to_list(struct folio *folio, struct list_head *list);
/* can_split_folio - racy: refcount is mapcount + @caller_pins (+ extra). */
bool can_split_folio(struct folio *folio, int caller_pins, int *pextra_pins);
/*
 * deferred_split_folio - queue a large anon folio that is now partially
 * mapped for deferred_split_scan. Takes split_queue_lock.
 */
void deferred_split_folio(struct folio *folio, bool partially_mapped);
/* folio_unqueue_deferred_split - the free path takes @folio off the queue. */
bool folio_unqueue_deferred_split(struct folio *folio);
/* deferred_split_scan - the shrinker: split every queued folio it can. */
unsigned long deferred_split_scan(void);
/* deferred_split_for_each - call @fn on every queued folio (checkers). */
void deferred_split_for_each(void (*fn)(struct folio *folio, void *arg),
			     void *arg);
/*
 * split_huge_pages_addr - the `split` op: split the huge PMD at @addr
 * (@pmd_only) or the large folio mapped there. mmap_lock taken for read.
 * Returns 0 or the split's error (-ENOENT: nothing mapped; -EINVAL: not
 * a large anon folio; -EBUSY: locked or unmapped; -EAGAIN: pinned).
 */
int split_huge_pages_addr(struct mm_struct *mm, unsigned long addr,
			  bool pmd_only);
/* thp_split_stats - folio splits that succeeded / failed this execution. */
void thp_split_stats(unsigned long *ok, unsigned long *failed);

static inline pmd_t mk_huge_pmd(struct page *page, pgprot_t prot)
{
	return pmd_mkhuge(pfn_pmd(page_to_pfn(page), prot));
}

static inline pmd_t maybe_pmd_mkwrite(pmd_t pmd, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_WRITE)
		pmd = pmd_mkwrite(pmd, vma);
	return pmd;
}

/* mm/pgtable-generic.c */
pte_t ptep_clear_flush(struct vm_area_struct *vma, unsigned long address,
		       pte_t *ptep);
pmd_t pmdp_invalidate(struct vm_area_struct *vma, unsigned long address,
		      pmd_t *pmdp);
/* pmdp_invalidate_ad - invalidate; the caller's mmu_gather flushes. */
pmd_t pmdp_invalidate_ad(struct vm_area_struct *vma, unsigned long address,
			 pmd_t *pmdp);
/* pmdp_collapse_flush - clear a table PMD and flush (khugepaged). */
pmd_t pmdp_collapse_flush(struct vm_area_struct *vma, unsigned long address,
			  pmd_t *pmdp);
pmd_t pmdp_huge_clear_flush(struct vm_area_struct *vma, unsigned long address,
			    pmd_t *pmdp);
void pgtable_trans_huge_deposit(struct mm_struct *mm, pmd_t *pmdp,
				pgtable_t pgtable);
pgtable_t pgtable_trans_huge_withdraw(struct mm_struct *mm, pmd_t *pmdp);

/* ---- khugepaged (mm/khugepaged.c) ---- */

/*
 * khugepaged_collapse_addr - MADV_COLLAPSE of the PMD range at @addr of
 * @mm: its small pages (anon, or tmpfs: see madvise_collapse) copied into
 * one THP mapped by a huge PMD. 0
 * (collapsed, or already a huge PMD), -EAGAIN (a page pinned, locked,
 * swapped, large, read-only range, ...). Takes mmap_lock itself.
 */
int khugepaged_collapse_addr(struct mm_struct *mm, unsigned long addr);
/*
 * madvise_collapse - MADV_COLLAPSE of every whole PMD range in [@start,
 * @end): anon ranges as khugepaged_collapse_addr, tmpfs ranges by
 * collapse_file (a huge folio replaces the small ones in the page cache,
 * the PTE tables of every VMA mapping it are retracted) and a PMD
 * mapping in @mm. 0 if every range is PMD-mapped now, else -EAGAIN.
 */
int madvise_collapse(struct mm_struct *mm, unsigned long start,
		     unsigned long end);
/* Collapses that succeeded / failed in this execution. */
void khugepaged_collapse_stats(unsigned long *ok, unsigned long *failed);

#endif /* MMSIM_HUGE_MM_H */
