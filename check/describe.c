// SPDX-License-Identifier: GPL-2.0
/*
 * check/describe.c - the timeline picture of a range (see describe.h).
 */
#include <inttypes.h>

#include "check/describe.h"
#include "mm.h"
#include "swapops.h"

/* A plain load of a table entry: no yield point, no lock. */
static unsigned long peek(const void *p)
{
	return __atomic_load_n((const unsigned long *)p, __ATOMIC_RELAXED);
}

static void describe_folio(struct page *page, FILE *out)
{
	struct folio *folio = page_folio(page);

	fprintf(out, " folio %#lx", page_to_pfn(&folio->page));
	if (folio_test_large(folio))
		fprintf(out, " order %u entire %d pincount %d",
			folio_order(folio),
			__atomic_load_n(&folio->_entire_mapcount.counter,
					__ATOMIC_RELAXED) + 1,
			__atomic_load_n(&folio->_pincount.counter,
					__ATOMIC_RELAXED));
	fprintf(out, " ref %d map %d%s%s%s",
		__atomic_load_n(&folio->_refcount.counter, __ATOMIC_RELAXED),
		page_mapcount_raw(page),
		folio_test_anon(folio) && __test_bit(PG_anon_exclusive,
						     &page->flags) ?
			" excl" : "",
		__test_bit(PG_locked, &folio->flags) ? " locked" : "",
		__test_bit(PG_dirty, &folio->flags) ? " dirty" : "");
}

static void describe_swp(swp_entry_t e, bool exclusive, FILE *out)
{
	if (is_migration_entry(e)) {
		fprintf(out, "migration-%s pfn %#lx",
			is_writable_migration_entry(e) ? "write" :
			is_readable_exclusive_migration_entry(e) ?
							 "read-excl" :
							 "read",
			swp_offset_pfn(e));
		describe_folio(pfn_to_page(swp_offset_pfn(e)), out);
	} else if (is_device_private_entry(e)) {
		fprintf(out, "device-private-%s pfn %#lx",
			is_writable_device_private_entry(e) ? "write" : "read",
			swp_offset_pfn(e));
		describe_folio(pfn_to_page(swp_offset_pfn(e)), out);
	} else {
		fprintf(out, "swap type %u offset %#lx%s", swp_type(e),
			swp_offset(e), exclusive ? " excl" : "");
	}
}

static void describe_pte(unsigned long va, pte_t pte, FILE *out)
{
	fprintf(out, "    %#014lx ", va);
	if (pte_present(pte)) {
		fprintf(out, "present pfn %#lx %s%s%s%s", pte_pfn(pte),
			pte_write(pte) ? "W" : "-", pte_dirty(pte) ? "D" : "-",
			pte_young(pte) ? "A" : "-",
			pte_protnone(pte) ? " protnone" : "");
		if (is_zero_pfn(pte_pfn(pte)))
			fprintf(out, " (zero page)");
		else
			describe_folio(pte_page(pte), out);
	} else {
		describe_swp(pte_to_swp_entry(pte), pte_swp_exclusive(pte),
			     out);
	}
	fputc('\n', out);
}

/*
 * The PMD entry for @va, or NULL if an upper level is empty; then *@skip
 * is the end of the empty upper-level entry's span (so a walk costs what
 * is mapped, not the size of the range: a 1 TiB region is two PGD entries).
 */
static pmd_t *find_pmd(struct mm_struct *mm, unsigned long va,
		       unsigned long *skip)
{
	pgd_t pgd = { peek(pgd_offset_pfn(mm->context.pgd_pfn, va)) };
	pud_t pud;

	if (!pgd_val(pgd)) {
		*skip = (va & PGDIR_MASK) + PGDIR_SIZE;
		return NULL;
	}
	pud.pud = peek(pud_offset_pfn(pgd_pfn(pgd), va));
	if (!pud_val(pud)) {
		*skip = (va & PUD_MASK) + PUD_SIZE;
		return NULL;
	}
	return pmd_offset_pfn(pud_pfn(pud), va);
}

/* describe_range - see describe.h. */
void describe_range(struct mm_struct *mm, unsigned long start,
		    unsigned long end, FILE *out)
{
	unsigned long va = start & PAGE_MASK, empty_from = 0;
	bool in_empty = false;

	while (va < end) {
		unsigned long next = va + PAGE_SIZE;
		pmd_t *pmdp = find_pmd(mm, va, &next);
		pmd_t pmd = { pmdp ? peek(pmdp) : 0 };
		pte_t pte = { 0 };

		if (pmdp && !pmd_val(pmd)) {
			next = (va & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE;
		} else if (pmd_val(pmd) && pmd_trans_huge(pmd)) {
			next = (va & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE;
		} else if (pmd_val(pmd) && !pmd_present(pmd)) {
			next = (va & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE;
		} else if (pmd_val(pmd)) {
			pte.pte = peek(pte_offset_pfn(pmd_pfn(pmd), va));
		}
		if (next > end)
			next = end;
		if (!pmd_val(pmd) || (!pmd_trans_huge(pmd) && pmd_present(pmd) &&
				      pte_none(pte))) {
			if (!in_empty)
				empty_from = va;
			in_empty = true;
			va = next;
			continue;
		}
		if (in_empty)
			fprintf(out, "    %#014lx none (%lu pages)\n", empty_from,
				(va - empty_from) >> PAGE_SHIFT);
		in_empty = false;
		if (pmd_trans_huge(pmd)) {
			fprintf(out, "    %#014lx PMD-huge pfn %#lx %s%s%s%s",
				va & HPAGE_PMD_MASK, pmd_pfn(pmd),
				pmd_write(pmd) ? "W" : "-",
				pmd_dirty(pmd) ? "D" : "-",
				pmd_young(pmd) ? "A" : "-",
				pmd_protnone(pmd) ? " protnone" : "");
			describe_folio(pmd_page(pmd), out);
			fputc('\n', out);
		} else if (!pmd_present(pmd)) {
			fprintf(out, "    %#014lx PMD ", va & HPAGE_PMD_MASK);
			describe_swp(pmd_to_swp_entry(pmd), false, out);
			fputc('\n', out);
		} else {
			describe_pte(va, pte, out);
		}
		va = next;
	}
	if (in_empty)
		fprintf(out, "    %#014lx none (%lu pages)\n", empty_from,
			(end - empty_from) >> PAGE_SHIFT);
}
