// SPDX-License-Identifier: GPL-2.0
/*
 * t_collapse - khugepaged's collapse of an anonymous PTE-mapped range
 * (mm/khugepaged.c, the `collapse` op = MADV_COLLAPSE's control):
 * sequentially, the data survives, the holes read zero, the range ends
 * PMD-mapped by one exclusive THP with the old PTE table deposited; a
 * pinned page (or an extra reference) makes the collapse fail with the
 * range and the pin untouched; a page shared with a child is copied, the
 * child keeps the old one (no writable PTE needed, as in 6.18). Then the
 * catalogued race
 * khugepaged-pt-free-vs-gup-fast both ways, and the shipped collapse
 * scenarios exhausted by bounded DPOR. About 10 s under ASan.
 */
#include "gup.h"
#include "mm_test.h"
#include "explore_test.h"
#include "sim/regress.h"

#define HSZ HPAGE_PMD_SIZE
#define NUSED (sizeof(used) / sizeof(used[0]))

/* Pages 1, 5 and 300 get values; the rest of the range stays a hole. */
static const int used[] = { 1, 5, 300 };

static void fill_some(struct mm_struct *mm, unsigned long a)
{
	for (unsigned i = 0; i < NUSED; i++)
		mt_store(mm, a + used[i] * PAGE_SIZE, 0x1000 + used[i]);
}

static void verify_collapsed(struct mm_struct *mm, unsigned long a)
{
	struct folio *folio;

	expect(pt_is_huge(mm, a), "range not PMD-mapped after collapse");
	folio = page_folio(pfn_to_page(pt_pfn(mm, a)));
	expect(folio_test_large(folio) && folio_order(folio) ==
	       HPAGE_PMD_ORDER, "not one PMD-order folio");
	expect(folio_ref_count(folio) == 1 && folio_mapcount(folio) == 1,
	       "THP ref %d map %d", folio_ref_count(folio),
	       folio_mapcount(folio));
	expect(PageAnonExclusive(&folio->page), "THP not exclusive");
	for (unsigned i = 0; i < NUSED; i++)
		expect(mt_load(mm, a + used[i] * PAGE_SIZE) ==
		       0x1000 + used[i], "page %d lost its data", used[i]);
	expect(mt_load(mm, a + 7 * PAGE_SIZE) == 0, "a hole is not zero");
	expect(get_mm_counter(mm, MM_ANONPAGES) == HPAGE_PMD_NR, "rss %ld",
	       get_mm_counter(mm, MM_ANONPAGES));
}

static void collapse_basic(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	unsigned long ok0, f0, ok1, f1;

	fill_some(mm, a);
	expect(!pt_is_huge(mm, a), "thp=never still made a THP");
	khugepaged_collapse_stats(&ok0, &f0);
	expect(khugepaged_collapse_addr(mm, a) == 0, "collapse failed");
	khugepaged_collapse_stats(&ok1, &f1);
	expect(ok1 == ok0 + 1 && f1 == f0, "collapse stats");
	verify_collapsed(mm, a);
	/* The deposit lets a split PTE-map it again without allocating. */
	expect(split_huge_pages_addr(mm, a, true) == 0, "pmd split");
	expect(!pt_is_huge(mm, a), "still huge after split");
	expect(mt_load(mm, a + 5 * PAGE_SIZE) == 0x1005, "split lost data");
	mmput(mm);
}

static void collapse_pinned_fails(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	struct page *page;
	unsigned long pfn;

	fill_some(mm, a);
	pfn = pt_pfn(mm, a + 5 * PAGE_SIZE);
	expect(pin_user_pages_fast(mm, a + 5 * PAGE_SIZE, 1,
				   FOLL_WRITE | FOLL_LONGTERM, &page) == 1,
	       "pin");
	expect(khugepaged_collapse_addr(mm, a) == -EAGAIN,
	       "collapse of a range with a pinned page succeeded");
	expect(!pt_is_huge(mm, a), "pinned range PMD-mapped");
	expect(pt_pfn(mm, a + 5 * PAGE_SIZE) == pfn, "pinned page unmapped");
	/* The pin stays coherent: DMA lands in what the process reads. */
	__atomic_store_n((uint64_t *)page_address(page), 0x77, SIM_MO);
	expect(mt_load(mm, a + 5 * PAGE_SIZE) == 0x77, "pin incoherent");
	unpin_user_page(page);
	mt_store(mm, a + 5 * PAGE_SIZE, 0x1005);
	expect(khugepaged_collapse_addr(mm, a) == 0,
	       "collapse after unpin failed");
	verify_collapsed(mm, a);
	mmput(mm);
}

static void collapse_extra_ref_fails(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	struct folio *folio;

	fill_some(mm, a);
	folio = page_folio(pfn_to_page(pt_pfn(mm, a + PAGE_SIZE)));
	folio_get(folio);	/* a GUP reference (FOLL_GET) */
	expect(khugepaged_collapse_addr(mm, a) == -EAGAIN,
	       "collapse with an extra reference succeeded");
	expect(!pt_is_huge(mm, a), "range PMD-mapped");
	folio_put(folio);
	expect(khugepaged_collapse_addr(mm, a) == 0, "collapse failed");
	verify_collapsed(mm, a);
	mmput(mm);
}

static void collapse_shared_with_child(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	struct mm_struct *child;
	unsigned long pfn;

	fill_some(mm, a);
	pfn = pt_pfn(mm, a + 5 * PAGE_SIZE);
	child = dup_mm(mm);
	expect(child, "fork");
	/* every PTE is read-only now: 6.18 collapses all the same */
	expect(khugepaged_collapse_addr(mm, a) == 0,
	       "collapse of a range shared with a child (no writable PTE) "
	       "failed");
	verify_collapsed(mm, a);
	expect(!pt_is_huge(child, a), "child's range collapsed too");
	expect(pt_pfn(child, a + 5 * PAGE_SIZE) == pfn,
	       "child lost its page");
	expect(*(uint64_t *)page_address(pfn_to_page(pfn)) == 0x1005,
	       "child's data");
	mt_store(mm, a + 5 * PAGE_SIZE, 0x55);
	expect(*(uint64_t *)page_address(pfn_to_page(pfn)) == 0x1005,
	       "parent's store after collapse seen by the child");
	expect(folio_mapcount(page_folio(pfn_to_page(pfn))) == 1 &&
	       folio_ref_count(page_folio(pfn_to_page(pfn))) == 1,
	       "the child's page still counts the parent's mapping");
	mmput(child);
	mmput(mm);
}

static void collapse_thp_already(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);

	transparent_hugepage_mode = THP_ALWAYS;
	mt_store(mm, a, 1);
	transparent_hugepage_mode = THP_NEVER;
	expect(pt_is_huge(mm, a), "no THP");
	expect(khugepaged_collapse_addr(mm, a) == 0,
	       "collapse of a PMD-mapped range is not a success");
	mmput(mm);
}

static const struct mm_test tests[] = {
	{ "collapse: data kept, holes zero, one exclusive PMD-mapped THP",
	  collapse_basic },
	{ "collapse: a pinned page makes it fail, the pin stays coherent",
	  collapse_pinned_fails },
	{ "collapse: an extra reference makes it fail",
	  collapse_extra_ref_fails },
	{ "collapse: a page shared with a child is copied, the child keeps "
	  "its own", collapse_shared_with_child },
	{ "collapse: an already PMD-mapped range is a success",
	  collapse_thp_already },
};

/* Load and build scenario @path; NULL (and a failed test) if it cannot. */
static struct mmsim_program *scenario_prog(const char *path)
{
	struct scenario_error e;
	struct scenario *s = scenario_load_file(path, &e);
	struct mmsim_program *p;
	char err[512];

	if (!s) {
		ok(0, "%s loads (%s)", path, e.text);
		return NULL;
	}
	p = scenario_program(s, err, sizeof(err));
	if (!p)
		ok(0, "%s runs (%s)", path, err);
	return p;
}

/*
 * The shipped `expect ok` collapse scenarios: every schedule with at most
 * @bound preemptions (source DPOR) is clean, and some ran.
 */
static void t_scenario_exhausted(const char *path, const char *bound,
				 uint64_t min_runs)
{
	check_scenario_exhausted(path, bound, min_runs, 60);
}

/*
 * khugepaged-pt-free-vs-gup-fast both ways: with the switch on, the
 * default search finds the page-table use-after-free; off, dpor:2
 * exhausts the scenario clean (and the same scenario on x86, switch on,
 * is clean: the flush's IPI waits for GUP-fast there).
 */
static void t_pt_free_vs_gup_fast(void)
{
	int id = sim_regress_by_name("khugepaged-pt-free-vs-gup-fast");
	struct mmsim_program *p, *px;
	struct scenario_error e;
	struct scenario *sx;
	struct explore_result r;
	char err[512];

	if (!ok(id >= 0, "khugepaged-pt-free-vs-gup-fast is catalogued"))
		return;
	p = scenario_prog(sim_regress_table[id].scenario);
	sx = scenario_load_file(sim_regress_table[id].scenario, &e);
	if (!p || !sx)
		return;
	sx->config.arch = SCN_ARCH_X86;
	sx->config.set |= SCN_CFG_ARCH;
	px = scenario_program(sx, err, sizeof(err));
	if (!ok(px != NULL, "the scenario runs on x86%s%s", px ? "" : ": ", px ? "" : err))
		return;
	sim_regress_set(id, true);
	r = explore_for(p, NULL, 20000, 20);
	ok(r.failures > 0 && r.nr_fail &&
		   !strncmp(r.fail[0].msg, "use-after-free:", 15),
	   "khugepaged-pt-free-vs-gup-fast: the default search finds the "
	   "page-table use-after-free after %llu executions",
	   (unsigned long long)r.executions);
	if (r.nr_fail)
		diag("%s", r.fail[0].msg);
	explore_result_free(&r);
	r = explore_for(px, "dpor:2", 0, 60);
	ok(r.failures == 0 && r.exhausted,
	   "switch on, arch=x86: dpor:2 exhausts %llu executions clean "
	   "(pmdp_collapse_flush's IPI waits for GUP-fast)",
	   (unsigned long long)r.executions);
	explore_result_free(&r);
	sim_regress_clear();
	r = explore_for(p, "dpor:2", 0, 60);
	ok(r.failures == 0 && r.exhausted && r.executions > 100,
	   "with tlb_remove_table_sync_one: dpor:2 exhausts %llu executions "
	   "clean on arm64", (unsigned long long)r.executions);
	if (r.nr_fail)
		diag("%s", r.fail[0].msg);
	explore_result_free(&r);
	scenario_program_free(p);
	scenario_program_free(px);
}

int main(void)
{
	int n = sizeof(tests) / sizeof(tests[0]);

	mt_setup(16UL << 20);
	plan(n + 3 + 5);
	transparent_hugepage_mode = THP_NEVER;
	for (int i = 0; i < n; i++) {
		struct sim_result r = mt_run_with(tests[i].fn, NULL, NULL, 0);

		mt_report(tests[i].description, &r);
	}
	t_scenario_exhausted("scenarios/collapse-vs-store.mms", "dpor:2", 100);
	t_scenario_exhausted("scenarios/collapse-vs-gup-fast-pin.mms",
			     "dpor:2", 100);
	t_scenario_exhausted("scenarios/collapse-vs-fork.mms", "dpor:1", 100);
	t_pt_free_vs_gup_fast();
	return done_testing();
}
