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

/* The PMD-level state of @va's 2 MiB block (c->pmd_lo, c->state). */
static void peek_pmd(struct mm_peek *c, unsigned long va)
{
	pgd_t pgd;
	pud_t pud;

	c->pmd_lo = va & HPAGE_PMD_MASK;
	pgd.pgd = peek(pgd_offset_pfn(c->mm->context.pgd_pfn, va));
	if (!pgd_present(pgd)) {
		c->state = pgd.pgd ? MM_PEEK_PMD_UNDECIDED :
				     MM_PEEK_PMD_HOLE;
		return;
	}
	pud.pud = peek(pud_offset_pfn(pgd_pfn(pgd), va));
	if (!pud_present(pud)) {
		c->state = pud.pud ? MM_PEEK_PMD_UNDECIDED :
				     MM_PEEK_PMD_HOLE;
		return;
	}
	c->pmd.pmd = peek(pmd_offset_pfn(pud_pfn(pud), va));
	if (pmd_none(c->pmd))
		c->state = MM_PEEK_PMD_HOLE;
	else if (!pmd_present(c->pmd))
		c->state = MM_PEEK_PMD_UNDECIDED; /* swap, migration */
	else if (pmd_trans_huge(c->pmd))
		c->state = MM_PEEK_PMD_HUGE;
	else
		c->state = MM_PEEK_PMD_TABLE;
}

int mm_peek_user_pfn(struct mm_peek *c, unsigned long va, unsigned long *pfn)
{
	struct vm_area_struct *vma = c->vma;
	pte_t pte;

	if (!vma || va < vma->vm_start || va >= vma->vm_end) {
		vma = c->vma = vma_lookup(c->mm, va);
		c->pmd_lo = 1;	/* no block */
		if (!vma)
			return MM_PEEK_UNDECIDED;
	}
	if (!vma_is_anonymous(vma) || (vma->vm_flags & VM_SHARED))
		return MM_PEEK_UNDECIDED;
	if ((va & HPAGE_PMD_MASK) != c->pmd_lo)
		peek_pmd(c, va);
	switch (c->state) {
	case MM_PEEK_PMD_HOLE:
		return MM_PEEK_ZERO;
	case MM_PEEK_PMD_HUGE:
		*pfn = pmd_pfn(c->pmd) + ((va & ~HPAGE_PMD_MASK) >> PAGE_SHIFT);
		break;
	case MM_PEEK_PMD_TABLE:
		pte.pte = peek(pte_offset_pfn(pmd_pfn(c->pmd), va));
		if (pte_none(pte))
			return MM_PEEK_ZERO;
		if (!pte_present(pte))
			return MM_PEEK_UNDECIDED;	/* swap, migration,
							 * device entry */
		*pfn = pte_pfn(pte);
		break;
	default:
		return MM_PEEK_UNDECIDED;
	}
	return pfn_valid(*pfn) ? MM_PEEK_FRAME : MM_PEEK_UNDECIDED;
}

bool mm_peek_user_word(struct mm_peek *c, unsigned long va, uint64_t *val)
{
	unsigned long pfn;

	if (va & 7)
		return false;
	*val = 0;
	switch (mm_peek_user_pfn(c, va, &pfn)) {
	case MM_PEEK_ZERO:
		return true;
	case MM_PEEK_FRAME:
		*val = physmem_load_word(pfn, (va & ~PAGE_MASK) / 8);
		return true;
	default:
		return false;
	}
}
