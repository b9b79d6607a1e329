/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/pt_peek.h - what the tests use to look at a page table without
 * yield points or locks: the entry mapping an address, its pfn, whether it
 * is a huge PMD. Shared by the mm and gup harnesses.
 */
#ifndef TESTS_PT_PEEK_H
#define TESTS_PT_PEEK_H

#include "mm.h"

/* The PTE or huge PMD mapping @va, read without yields (for checks). */
static inline bool pt_lookup(struct mm_struct *mm, unsigned long va,
			     pte_t *ptep, pmd_t *pmdp)
{
	pgd_t g = __pgd(__atomic_load_n(&pgd_offset(mm, va)->pgd, SIM_MO));
	pud_t u;
	pmd_t m;

	*ptep = __pte(0);
	*pmdp = __pmd(0);
	if (pgd_none(g))
		return false;
	u = __pud(__atomic_load_n(&pud_offset_pfn(pgd_pfn(g), va)->pud,
				  SIM_MO));
	if (pud_none(u))
		return false;
	m = __pmd(__atomic_load_n(&pmd_offset_pfn(pud_pfn(u), va)->pmd,
				  SIM_MO));
	*pmdp = m;
	if (pmd_none(m) || pmd_trans_huge(m))
		return !pmd_none(m);
	*ptep = __pte(__atomic_load_n(&pte_offset_pfn(pmd_pfn(m), va)->pte,
				      SIM_MO));
	return !pte_none(*ptep);
}

/* pfn mapping @va (PTE or inside a huge PMD), 0 if none. */
static inline unsigned long pt_pfn(struct mm_struct *mm, unsigned long va)
{
	pte_t pte;
	pmd_t pmd;

	if (!pt_lookup(mm, va, &pte, &pmd))
		return 0;
	if (pmd_trans_huge(pmd))
		return pmd_pfn(pmd) + ((va & ~HPAGE_PMD_MASK) >> PAGE_SHIFT);
	return pte_present(pte) ? pte_pfn(pte) : 0;
}

static inline bool pt_is_huge(struct mm_struct *mm, unsigned long va)
{
	pte_t pte;
	pmd_t pmd;

	pt_lookup(mm, va, &pte, &pmd);
	return pmd_trans_huge(pmd);
}

#endif /* TESTS_PT_PEEK_H */
