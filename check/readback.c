// SPDX-License-Identifier: GPL-2.0
/*
 * check/readback.c - what a process's memory holds at the end of an
 * execution, read from its page tables alone (see mm_check.h,
 * mm_peek_user_word()). The runner's read-back (R9,
 * docs/scenario-language.md section 12) judges it with the value oracle:
 * a store whose page the model threw away, or replaced by an older copy,
 * is lost data whether or not the program loads the word again.
 *
 * The walk is a plain read of the tables: no yield point, no lock, no
 * accessed bit set, no fault. Only what the tables alone decide is
 * answered: an anonymous private VMA's word mapped by a present (or
 * PROT_NONE) PTE or huge PMD reads the frame; a hole (no PTE table, an
 * empty PTE) reads zero, as the fault that would fill it maps the zero
 * page or a zeroed folio (do_anonymous_page). A swap, migration or
 * device-private entry, a file or shared mapping, a non-canonical table
 * is not answered (the caller does not judge the word).
 */
#include "check/mm_check.h"
#include "mm.h"

/* A plain load of a table entry. */
static unsigned long peek(const void *p)
{
	return __atomic_load_n((const unsigned long *)p, __ATOMIC_RELAXED);
}

bool mm_peek_user_word(struct mm_struct *mm, unsigned long va,
		       uint64_t *val)
{
	struct vm_area_struct *vma = vma_lookup(mm, va);
	unsigned idx = (va & ~PAGE_MASK) / sizeof(uint64_t);
	unsigned long pfn;
	pgd_t pgd;
	pud_t pud;
	pmd_t pmd;
	pte_t pte;

	if (!vma || !vma_is_anonymous(vma) || (vma->vm_flags & VM_SHARED) ||
	    (va & 7))
		return false;
	*val = 0;
	pgd.pgd = peek(pgd_offset_pfn(mm->context.pgd_pfn, va));
	if (!pgd_present(pgd))
		return !pgd.pgd;
	pud.pud = peek(pud_offset_pfn(pgd_pfn(pgd), va));
	if (!pud_present(pud))
		return !pud.pud;
	pmd.pmd = peek(pmd_offset_pfn(pud_pfn(pud), va));
	if (pmd_none(pmd))
		return true;
	if (pmd_trans_huge(pmd)) {
		if (!pmd_present(pmd))
			return false;
		pfn = pmd_pfn(pmd) + ((va & ~HPAGE_PMD_MASK) >> PAGE_SHIFT);
	} else {
		if (!pmd_present(pmd))
			return false;	/* a swap or migration PMD */
		pte.pte = peek(pte_offset_pfn(pmd_pfn(pmd), va));
		if (pte_none(pte))
			return true;
		if (!pte_present(pte))
			return false;	/* swap, migration, device entry */
		pfn = pte_pfn(pte);
	}
	if (!pfn_valid(pfn))
		return false;
	*val = physmem_load_word(pfn, idx);
	return true;
}
