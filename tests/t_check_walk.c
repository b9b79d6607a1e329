// SPDX-License-Identifier: GPL-2.0
/*
 * t_check_walk - the end-of-execution table walk sees every entry.
 *
 * The invariant walk scans tables with chk_next_used (check/pt_scan.h:
 * only the table's dirty blocks of 8 entries, arch/physmem.h) and notes
 * migration entries for mm_check_migration_entries (the runner no longer
 * walks the tables a second time for check_no_migration_entries).
 * Negative controls: entries planted at block boundaries (indices 0, 7,
 * 8, 63, 64, 447, 448, 511) must be reported by the narrowed checks
 * exactly as the full walk reports them. A plant is a raw store, so it
 * notes its block as every entry store of the model does (plant()).
 */
#include <stdlib.h>

#include "mm_test.h"
#include "migrate.h"
#include "swapops.h"

static const int planted[] = { 0, 1, 7, 8, 63, 64, 127, 200, 447, 448, 511 };
#define NR_PLANTED ((int)(sizeof(planted) / sizeof(planted[0])))

/* The dirty blocks of table @t, exactly. */
static uint64_t true_mask(const unsigned long *t)
{
	uint64_t m = 0;

	for (int j = 0; j < 512; j++)
		if (t[j])
			m |= 1ULL << (j / CHK_BLOCK);
	return m;
}

/*
 * chk_next_used_mask answers as pt_next_used on tables of random shapes,
 * given their exact dirty blocks or any superset (a block noted dirty and
 * written back to zero).
 */
static void test_scan_equal(void)
{
	static unsigned long t[512] __attribute__((aligned(4096)));
	unsigned long bad = 0, rng = 0x9e3779b97f4a7c15UL;

	for (int round = 0; round < 3000; round++) {
		int n = round % 9;
		uint64_t m;

		memset(t, 0, sizeof(t));
		for (int k = 0; k < n; k++) {
			rng = rng * 6364136223846793005UL + 1442695040888963407UL;
			/* half the entries land on a block boundary */
			t[(rng >> 33) % 2 ? planted[(rng >> 40) % NR_PLANTED]
					  : (rng >> 20) % 512] = rng | 1;
		}
		if (round < 512) {	/* every single index */
			memset(t, 0, sizeof(t));
			t[round] = 1UL << (round % 64);
		}
		m = true_mask(t) | (round % 2 ? rng >> 7 : 0);
		for (int i = 0; i <= 512; i++)
			bad += chk_next_used_mask(t, i, m) != pt_next_used(t, i);
	}
	ok(!bad, "chk_next_used equals pt_next_used from every start index on "
	   "3000 tables, given their dirty blocks or a superset (%lu differ)",
	   bad);
}

/* A planted entry: a raw store into the table, its block noted. */
static void plant(pte_t *t, int idx, pte_t v)
{
	t[idx] = v;
	physmem_zmask_note(&t[idx]);
}

static struct mm_struct *g_mm;
static unsigned long g_va;

/*
 * Task: an mm with one populated small page (an 8 KiB mapping: no THP),
 * left alive for the checks.
 */
static void build(void *arg)
{
	g_mm = mt_new_mm();
	g_va = mt_mmap(g_mm, 2 * PAGE_SIZE);
	mt_store(g_mm, g_va, 0x5a);
	mm_task_bind(NULL);
}

/* A fresh execution leaving g_mm alive; the PTE table of g_va. */
static pte_t *setup(void)
{
	struct sim_config cfg = { 0 };
	struct sim_result r;
	pte_t pte;
	pmd_t pmd;

	mt_errors = 0;
	sim_exec_begin(&cfg);
	sim_task_create("main", build, NULL);
	sim_exec_run(&r);
	if (r.outcome != SIM_OK || mt_errors ||
	    !pt_lookup(g_mm, g_va, &pte, &pmd) || !pte_present(pte)) {
		printf("Bail out! setup failed: %s %s\n", r.msg, mt_err);
		exit(1);
	}
	return (pte_t *)__pfn_va(pmd_pfn(pmd));
}

/* The first violation reported since the execution ended. */
static const char *verdict(void)
{
	static struct sim_result r;

	sim_exec_result(&r);
	return r.outcome == SIM_VIOLATION ? r.msg : "";
}

/*
 * Leave a migration entry behind at g_va's neighbour in a state every
 * other invariant accepts: it names the zero page (which the frame checks
 * skip), locked as a migration target is (pfn_swap_entry_to_page's
 * BUG_ON), and counted as the walk counts a file folio's entry.
 */
static void make_left_behind(pte_t *table)
{
	plant(table, pte_index(g_va) + 1, swp_entry_to_pte(
		make_readable_migration_entry(page_to_pfn(ZERO_PAGE(0)))));
	__set_bit(PG_locked, &ZERO_PAGE(0)->flags);
	g_mm->rss_stat[MM_SHMEMPAGES].counter++;
}

static void test_migration_entries(void)
{
	char full[SIM_MSG_MAX], noted[SIM_MSG_MAX];
	int bad = 0, a, b, home;
	bool inv;

	/* the same message as the full walk, invariants otherwise clean */
	make_left_behind(setup());
	a = check_no_migration_entries();
	snprintf(full, sizeof(full), "%s", verdict());
	make_left_behind(setup());
	inv = mm_check_invariants(0, NULL);
	b = mm_check_migration_entries();
	snprintf(noted, sizeof(noted), "%s", verdict());
	ok(inv && a == 1 && b == 1 && !strcmp(full, noted) &&
	   strstr(noted, "migration entry left behind: mm"),
	   "a migration entry left behind: noted by the invariant walk, "
	   "reported as the full walk reports it (%d/%d: %s)", a, b, noted);

	/* planted at each block boundary of the PTE table: same count */
	home = pte_index(g_va);
	for (int k = 0; k < NR_PLANTED; k++) {
		pte_t *t = setup();
		int idx = planted[k], n = 1;

		if (idx == home)
			continue;
		plant(t, idx, swp_entry_to_pte(make_readable_migration_entry(
			pte_pfn(t[home]))));
		if (k + 1 < NR_PLANTED && planted[k + 1] != home) {
			plant(t, planted[k + 1], t[idx]); /* and its neighbour */
			n = 2;
		}
		a = check_no_migration_entries();
		mm_check_invariants(0, NULL);
		b = mm_check_migration_entries();
		if (a != n || b != n) {
			diag("index %d: full walk %d, noted %d, planted %d",
			     idx, a, b, n);
			bad++;
		}
	}
	ok(!bad, "migration entries planted at block boundaries of a PTE "
	   "table: the invariant walk notes as many as the full walk finds");
}

/*
 * A stray present PTE at a block boundary: invariant (4) (outside every
 * VMA) or (1) (the page's mapcount) must be reported.
 */
static void test_stray_pte(void)
{
	int bad = 0, home;

	setup();
	home = pte_index(g_va);
	for (int k = 0; k < NR_PLANTED; k++) {
		pte_t *t = setup();
		const char *v;

		if (planted[k] == home)
			continue;
		plant(t, planted[k], t[home]);	/* a second PTE, uncounted */
		if (mm_check_invariants(0, NULL) ||
		    (!strstr((v = verdict()), "invariant (1) mapcount") &&
		     !strstr(v, "invariant (4) rmap"))) {
			diag("index %d: not reported (%s)", planted[k],
			     verdict());
			bad++;
		}
	}
	ok(!bad, "a stray PTE at each block boundary of a PTE table is "
	   "reported by the invariant walk (invariant (1) or (4))");
}

int main(void)
{
	mt_setup(16UL << 20);
	plan(5);
	test_scan_equal();
	test_migration_entries();
	test_stray_pte();
	/* the runner's own path: a clean execution notes nothing */
	setup();
	ok(mm_check_invariants(0, NULL) && !mm_check_migration_entries(),
	   "a clean mm: invariants hold, no migration entry noted");
	return done_testing();
}
