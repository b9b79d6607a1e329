// SPDX-License-Identifier: GPL-2.0
/*
 * mm/pgtable-generic.c - entry updates that need a TLB flush, and the
 * deposit of a PTE table under a huge PMD (kernel: mm/pgtable-generic.c).
 */
#include "mm.h"
#include "sim/regress.h"

/*
 * pte_accessible - may some TLB still hold a translation from @pte? A
 * present entry, yes; a PROTNONE one only while a batched flush of @mm is
 * pending (change_protection made it PROTNONE and has not flushed yet: a
 * CPU may still store through the old writable entry). x86's and arm64's
 * definitions agree on this. PTL held (so a batcher's
 * inc_tlb_flush_pending() before its entry change is seen).
 */
bool pte_accessible(struct mm_struct *mm, pte_t pte)
{
	if (pte_flags(pte) & _PAGE_PRESENT)
		return true;
	if (sim_regress_on(SIM_REGRESS_NUMA_PROTNONE_NO_FLUSH))
		/*
		 * Before 20841405940e ("mm: fix TLB flush race between
		 * migration, and change_protection_range", Rik van Riel,
		 * 2013): a PROTNONE entry was never accessible, so
		 * migration's ptep_clear_flush skipped the flush while
		 * change_prot_numa's was still pending; a CPU kept storing
		 * to the old page through its stale entry after the copy.
		 */
		return false;
	return pte_protnone(pte) && mm_tlb_flush_pending(mm);
}

/*
 * ptep_clear_flush - clear a PTE and flush it from every TLB if some TLB
 * may hold it (pte_accessible). Returns the old entry with the A/D bits
 * the walker set up to the clear. Caller holds the PTL. (1) clear, then
 * (2) flush: after (2) no CPU can use the old translation, so the frame
 * may be given to someone else.
 */
pte_t ptep_clear_flush(struct vm_area_struct *vma, unsigned long address,
		       pte_t *ptep)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t pte = ptep_get_and_clear(mm, address, ptep);

	if (pte_accessible(mm, pte))
		flush_tlb_page(&mm->context, address);
	return pte;
}

/*
 * pmdp_invalidate - make a huge PMD non-present for the hardware (it stays
 * pmd_present/pmd_trans_huge for the kernel) and flush it. Returns the old
 * PMD, with its final A/D bits. Caller holds the PMD lock. Used by the
 * split: (1) invalidate + flush, then (2) read D/A and build the PTEs, so
 * no store through the huge mapping can land after its dirty bit was read.
 */
pmd_t pmdp_invalidate(struct vm_area_struct *vma, unsigned long address,
		      pmd_t *pmdp)
{
	pmd_t old = pmdp_get_l(pmdp, "pmdp_invalidate:read");

	old = pmdp_establish(vma, address, pmdp, pmd_mkinvalid(old));
	flush_tlb_mm_range(&vma->vm_mm->context, address & HPAGE_PMD_MASK,
			   (address & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE);
	return old;
}

/*
 * pmdp_invalidate_ad - pmdp_invalidate() for a caller that flushes later
 * itself (change_huge_pmd: its mmu_gather flushes at tlb_finish_mmu). On
 * x86 no flush is needed for the A/D bits: once the entry is invalid the
 * walker cannot set them. Elsewhere (the generic version, arm64) it is
 * pmdp_invalidate(). PMD lock held.
 */
pmd_t pmdp_invalidate_ad(struct vm_area_struct *vma, unsigned long address,
			 pmd_t *pmdp)
{
	pmd_t old;

	if (mmu_arch != MMU_ARCH_X86)
		return pmdp_invalidate(vma, address, pmdp);
	old = pmdp_get_l(pmdp, "pmdp_invalidate_ad:read");
	return pmdp_establish(vma, address, pmdp, pmd_mkinvalid(old));
}

/* pmdp_huge_clear_flush - clear a huge PMD and flush it. PMD lock held. */
pmd_t pmdp_huge_clear_flush(struct vm_area_struct *vma, unsigned long address,
			    pmd_t *pmdp)
{
	pmd_t pmd = pmdp_huge_get_and_clear(vma->vm_mm, address, pmdp);

	flush_tlb_mm_range(&vma->vm_mm->context, address & HPAGE_PMD_MASK,
			   (address & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE);
	return pmd;
}

/*
 * pmdp_collapse_flush - clear a PMD that points at a PTE table and flush
 * the range from every TLB (khugepaged). PMD lock held. On x86 the flush's
 * IPI waits for GUP-fast's interrupts-off section; on arm64 the TLBI does
 * not, and the caller follows with tlb_remove_table_sync_one().
 */
pmd_t pmdp_collapse_flush(struct vm_area_struct *vma, unsigned long address,
			  pmd_t *pmdp)
{
	pmd_t pmd = __pmdp_xchg(pmdp, __pmd(0),
				SIM_SITE("pmdp_collapse_flush"));

	flush_tlb_mm_range(&vma->vm_mm->context, address,
			   address + HPAGE_PMD_SIZE);
	return pmd;
}

/*
 * The deposit: a huge PMD keeps a preallocated PTE table aside so that a
 * split never has to allocate. The kernel keeps them on a list headed by
 * pmd_huge_pte() of the PMD table's ptdesc; SIM: the head pointer is the
 * PMD table page's ->private, the list runs through the tables' ->lru.
 * PMD lock held for both (it protects the list).
 */
static struct page **pmd_huge_pte(struct mm_struct *mm, pmd_t *pmdp)
{
	return (struct page **)&pt_page_of(pmdp)->private;
}

void pgtable_trans_huge_deposit(struct mm_struct *mm, pmd_t *pmdp,
				pgtable_t pgtable)
{
	struct page **head = pmd_huge_pte(mm, pmdp);

	VM_BUG_ON(!spin_is_held_by_me(pmd_lockptr(mm, pmdp)));
	if (!*head)
		INIT_LIST_HEAD(&pgtable->lru);
	else
		list_add(&pgtable->lru, &(*head)->lru);
	*head = pgtable;
}

pgtable_t pgtable_trans_huge_withdraw(struct mm_struct *mm, pmd_t *pmdp)
{
	struct page **head = pmd_huge_pte(mm, pmdp);
	pgtable_t pgtable = *head;

	VM_BUG_ON(!spin_is_held_by_me(pmd_lockptr(mm, pmdp)));
	VM_BUG_ON(!pgtable);
	if (list_empty(&pgtable->lru)) {
		*head = NULL;
	} else {
		*head = list_entry(pgtable->lru.next, struct page, lru);
		list_del(&pgtable->lru);
	}
	INIT_LIST_HEAD(&pgtable->lru);
	return pgtable;
}
