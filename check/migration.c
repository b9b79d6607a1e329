// SPDX-License-Identifier: GPL-2.0
/*
 * check/migration.c - "no migration entry left behind".
 *
 * Rule (kernel: mm/migrate.c, remove_migration_ptes): every migration
 * entry a migration installs is removed by it before it unlocks the folio.
 * So once no migration is running, no page table holds one. An entry left
 * behind is what the kernel found too late, when a fault on it reached
 * migration_entry_to_page() and BUG()ed on the unlocked page (seed 002).
 *
 * The walk reads the tables without yield points: it runs outside tasks,
 * or in a task that knows every migration has finished.
 */
#include "migrate.h"

static int report(struct mm_struct *mm, unsigned long addr, bool pmd,
		  unsigned long val, int found)
{
	if (!found)
		sim_violation("migration entry left behind: mm %d %s at %#lx "
			      "(%#lx), pfn %lu", mm->id, pmd ? "PMD" : "PTE",
			      addr, val,
			      swp_offset_pfn(pte_to_swp_entry(__pte(val))));
	return found + 1;
}

#include "check/mm_check.h"	/* and check/pt_scan.h */

/* The migration entries the last invariant walk met (the first kept). */
static struct {
	int found;
	struct mm_struct *mm;	/* on sim_mm_list until the report */
	bool pmd;
	unsigned long addr, val;
} noted;

void mm_note_migration_reset(void)
{
	noted.found = 0;
}

void mm_note_migration_entry(struct mm_struct *mm, unsigned long addr,
			     bool pmd, unsigned long val)
{
	if (!noted.found++) {
		noted.mm = mm;
		noted.pmd = pmd;
		noted.addr = addr;
		noted.val = val;
	}
}

/* mm_check_migration_entries - see check/mm_check.h. */
int mm_check_migration_entries(void)
{
	/* the same report, from the same line, as the walk below makes */
	if (noted.found)
		report(noted.mm, noted.addr, noted.pmd, noted.val, 0);
	return noted.found;
}

static int check_pte_table(struct mm_struct *mm, pmd_t pmd,
			   unsigned long base, int found)
{
	pte_t *pte = (pte_t *)__pfn_va(pmd_pfn(pmd));

	for (int i = chk_next_used(pte, 0); i < PTRS_PER_PTE;
	     i = chk_next_used(pte, i + 1)) {
		pte_t v = __pte(__atomic_load_n(&pte[i].pte, SIM_MO));

		if (is_swap_pte(v) && is_migration_entry(pte_to_swp_entry(v)))
			found = report(mm, base + i * PAGE_SIZE, false, v.pte,
				       found);
	}
	return found;
}

static int check_mm(struct mm_struct *mm, int found)
{
	pgd_t *pgd = (pgd_t *)__pfn_va(mm->context.pgd_pfn);

	for (int g = chk_next_used(pgd, 0); g < PTRS_PER_PGD;
	     g = chk_next_used(pgd, g + 1)) {
		pgd_t gv = __pgd(__atomic_load_n(&pgd[g].pgd, SIM_MO));
		pud_t *pud;

		if (!pgd_present(gv))
			continue;
		pud = (pud_t *)__pfn_va(pgd_pfn(gv));
		for (int u = chk_next_used(pud, 0); u < PTRS_PER_PUD;
		     u = chk_next_used(pud, u + 1)) {
			pud_t uv = __pud(__atomic_load_n(&pud[u].pud, SIM_MO));
			pmd_t *pmd;

			if (!pud_present(uv))
				continue;
			pmd = (pmd_t *)__pfn_va(pud_pfn(uv));
			for (int m = chk_next_used(pmd, 0); m < PTRS_PER_PMD;
			     m = chk_next_used(pmd, m + 1)) {
				pmd_t mv = __pmd(__atomic_load_n(&pmd[m].pmd,
								 SIM_MO));
				unsigned long base =
					((unsigned long)g << PGDIR_SHIFT) |
					((unsigned long)u << PUD_SHIFT) |
					((unsigned long)m << PMD_SHIFT);

				if (pmd_none(mv))
					continue;
				if (is_pmd_migration_entry(mv))
					found = report(mm, base, true, mv.pmd,
						       found);
				else if (!pmd_trans_huge(mv) &&
					 pmd_present(mv))
					found = check_pte_table(mm, mv, base,
								found);
			}
		}
	}
	return found;
}

/* check_no_migration_entries - see include/migrate.h. */
int check_no_migration_entries(void)
{
	struct mm_struct *mm;
	int found = 0;

	list_for_each_entry(mm, &sim_mm_list, mm_list)
		if (!mm->dead)
			found = check_mm(mm, found);
	return found;
}
