// SPDX-License-Identifier: GPL-2.0
/*
 * mm/pfn_walker.c - a speculative PFN walker.
 *
 * Several kernel walkers take references on frames they find by PFN, not
 * through a mapping they own: compaction's isolate_migratepages_block(),
 * idle page tracking's page_idle_get_folio(), memory-failure's
 * get_hwpoison_page(). Each does a lockless hint test first (PageLRU and
 * the like), then
 *	(1) folio_try_get() (fails only if the count is zero or frozen),
 *	(2) a look at the folio (re-checks, flags),
 *	(3) folio_put() when it is not for them.
 * The hint test is racy by design: a walker preempted or interrupted
 * between its test and (1) takes the reference however long after.
 * SIM: this walker starts after the hint has passed, so its (1)..(3) may
 * land at any moment — the schedules the kernel allows only through that
 * delay, which exploration would otherwise rarely produce.
 *
 * Between (1) and (3) the refcount is one higher than the owner accounts
 * for: a protocol that *checks* the count instead of *freezing* it (seed
 * 000's legacy THP NUMA migration) can be fooled; folio_ref_freeze() is not.
 */
#include "mm.h"
#include "pfn_walker.h"

#define PFN_WALKER_LOOKS 8	/* flag reads while holding the reference */

/* The PFN mapped at @va in @mm, or 0. mmap_lock held for read. */
static unsigned long pagemap_pfn(struct mm_struct *mm, unsigned long va)
{
	pmd_t *pmdp = mm_find_pmd(mm, va);
	pmd_t pmd;
	pte_t *ptep, pte;

	if (!pmdp)
		return 0;
	pmd = pmdp_get(pmdp);
	if (pmd_trans_huge(pmd))
		return pmd_pfn(pmd) + ((va >> PAGE_SHIFT) & (HPAGE_PMD_NR - 1));
	if (pmd_none(pmd) || !pmd_present(pmd))
		return 0;
	ptep = pte_offset_map(pmdp, va, &pmd);
	if (!ptep)
		return 0;
	pte = ptep_get(ptep);
	pte_unmap(ptep);
	if (!pte_present(pte) || is_zero_pfn(pte_pfn(pte)))
		return 0;
	return pte_pfn(pte);
}

int pfn_walker_get_range(struct mm_struct *mm, unsigned long start,
			 unsigned long len)
{
	unsigned long nr = len >> PAGE_SHIFT, i, *pfns;
	int got = 0;

	pfns = sim_zalloc(sizeof(*pfns) * (nr ? nr : 1));
	if (!pfns)
		return 0;
	mmap_read_lock(mm);
	for (i = 0; i < nr; i++)
		pfns[i] = pagemap_pfn(mm, start + i * PAGE_SIZE);
	mmap_read_unlock(mm);
	for (i = 0; i < nr; i++) {
		struct page *page;
		struct folio *folio;

		if (!pfns[i])
			continue;
		page = pfn_to_page(pfns[i]);
		folio = page_folio(page);
		if (!folio_try_get(folio))		/* (1) */
			continue;
		for (int j = 0; j < PFN_WALKER_LOOKS; j++)	/* (2) */
			(void)folio_test_isolated(folio);
		folio_put(folio);			/* (3) */
		got++;
	}
	sim_free(pfns);
	return got;
}
