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
 * SIM: @freeze (migration entries instead of PTEs) is not supported yet.
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
pmd_t pmdp_huge_clear_flush(struct vm_area_struct *vma, unsigned long address,
			    pmd_t *pmdp);
void pgtable_trans_huge_deposit(struct mm_struct *mm, pmd_t *pmdp,
				pgtable_t pgtable);
pgtable_t pgtable_trans_huge_withdraw(struct mm_struct *mm, pmd_t *pmdp);

#endif /* MMSIM_HUGE_MM_H */
