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
 * accessed bit set, no fault, no swap-in. Only what the tables and the
 * swap device decide is answered, for an anonymous private VMA (and, when
 * the caller asks, a private file VMA: c->file_private):
 *  - a present (or PROT_NONE) PTE or huge PMD reads its frame;
 *  - a device-private entry reads the device page it names (what
 *    migrate_to_ram would copy back);
 *  - a swap entry reads the swap cache's folio of its slot if there is
 *    one, else the slot's written data (swap_peek: what do_swap_page
 *    would read back);
 *  - a hole (no PTE table, an empty PTE) of an anonymous VMA reads zero,
 *    as the fault that would fill it maps the zero page or a zeroed folio
 *    (do_anonymous_page); of a private file VMA it is not answered (the
 *    fault would read the file).
 * A migration entry (none is left when the read-back runs: the
 * migration-entry check comes first), a non-present PMD, a shared VMA, a
 * non-canonical table is not answered (the caller does not judge the
 * word). A tmpfs file's page is read from its page cache slot
 * (mm_peek_file_pfn): the folio, or the swap entry that stands for it.
 */
#include "check/mm_check.h"
#include "mm.h"
#include "pagemap.h"
#include "swap.h"
#include "swapops.h"

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

/*
 * What the swap entry @entry stands for: the swap cache's page
 * (MM_PEEK_FRAME, *@pfn), the slot's data (MM_PEEK_SWAP, c->swp) or
 * nothing decided.
 */
static int peek_swap(struct mm_peek *c, swp_entry_t entry, unsigned long *pfn)
{
	switch (swap_peek(entry, pfn)) {
	case 1:
		c->src = MM_PEEK_SRC_SWAP_CACHE;
		return MM_PEEK_FRAME;
	case 2:
		c->src = MM_PEEK_SRC_SWAP_SLOT;
		c->swp = entry;
		return MM_PEEK_SWAP;
	default:
		return MM_PEEK_UNDECIDED;
	}
}

int mm_peek_user_pfn(struct mm_peek *c, unsigned long va, unsigned long *pfn)
{
	struct vm_area_struct *vma = c->vma;
	swp_entry_t entry;
	pte_t pte;

	if (!vma || va < vma->vm_start || va >= vma->vm_end) {
		vma = c->vma = vma_lookup(c->mm, va);
		c->pmd_lo = 1;	/* no block */
		if (!vma)
			return MM_PEEK_UNDECIDED;
	}
	if (vma->vm_flags & VM_SHARED)
		return MM_PEEK_UNDECIDED;
	if (!vma_is_anonymous(vma) && !(c->file_private && vma->vm_file))
		return MM_PEEK_UNDECIDED;
	if ((va & HPAGE_PMD_MASK) != c->pmd_lo)
		peek_pmd(c, va);
	c->src = MM_PEEK_SRC_TABLES;
	switch (c->state) {
	case MM_PEEK_PMD_HOLE:
		return vma_is_anonymous(vma) ? MM_PEEK_ZERO :
					       MM_PEEK_UNDECIDED;
	case MM_PEEK_PMD_HUGE:
		*pfn = pmd_pfn(c->pmd) + ((va & ~HPAGE_PMD_MASK) >> PAGE_SHIFT);
		break;
	case MM_PEEK_PMD_TABLE:
		pte.pte = peek(pte_offset_pfn(pmd_pfn(c->pmd), va));
		if (pte_none(pte))
			return vma_is_anonymous(vma) ? MM_PEEK_ZERO :
						       MM_PEEK_UNDECIDED;
		if (pte_present(pte)) {
			*pfn = pte_pfn(pte);
			break;
		}
		entry = pte_to_swp_entry(pte);
		if (!non_swap_entry(entry))
			return peek_swap(c, entry, pfn);
		if (!is_device_private_entry(entry))
			return MM_PEEK_UNDECIDED;	/* migration, marker */
		*pfn = swp_offset_pfn(entry);
		c->src = MM_PEEK_SRC_DEVICE;
		break;
	default:
		return MM_PEEK_UNDECIDED;
	}
	return pfn_valid(*pfn) ? MM_PEEK_FRAME : MM_PEEK_UNDECIDED;
}

int mm_peek_file_pfn(struct mm_peek *c, struct address_space *mapping,
		     unsigned long index, unsigned long *pfn)
{
	struct folio *folio;

	c->src = MM_PEEK_SRC_CACHE;
	if (index >= mapping->nr_slots)
		return MM_PEEK_UNDECIDED;
	folio = __atomic_load_n(&mapping->i_pages[index], __ATOMIC_RELAXED);
	if (!folio)
		return MM_PEEK_ZERO;	/* shmem_get_folio: a zeroed folio */
	if (xa_is_value(folio))
		return peek_swap(c, radix_to_swp_entry(folio), pfn);
	if (folio->mapping != mapping || index < folio->index ||
	    index - folio->index >= (unsigned long)folio_nr_pages(folio) ||
	    !__test_bit(PG_uptodate, &folio->flags))
		return MM_PEEK_UNDECIDED;
	*pfn = page_to_pfn(folio_page(folio, index - folio->index));
	return pfn_valid(*pfn) ? MM_PEEK_FRAME : MM_PEEK_UNDECIDED;
}

uint64_t mm_peek_word(const struct mm_peek *c, int got, unsigned long pfn,
		      unsigned idx)
{
	switch (got) {
	case MM_PEEK_FRAME:
		return physmem_load_word(pfn, idx);
	case MM_PEEK_SWAP:
		return swap_peek_slot_word(c->swp, idx);
	default:
		return 0;
	}
}

bool mm_peek_user_word(struct mm_peek *c, unsigned long va, uint64_t *val)
{
	unsigned long pfn = 0;
	int got;

	if (va & 7)
		return false;
	got = mm_peek_user_pfn(c, va, &pfn);
	*val = mm_peek_word(c, got, pfn, (va & ~PAGE_MASK) / 8);
	return got != MM_PEEK_UNDECIDED;
}
