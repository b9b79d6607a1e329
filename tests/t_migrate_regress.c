// SPDX-License-Identifier: GPL-2.0
/*
 * t_migrate_regress - the three migration races of issue 5, both ways:
 * with the regression switch on the explorer finds the bug within a stated
 * bound; with it off the same situation stays clean over
 * MMSIM_MIGRATE_RUNS executions (default 10,000; 100,000 were run once,
 * see docs/bugs.md).
 *
 * thp-numa-count-recheck (seed 000, fixed in 2017 by "mm/migrate.c: stabilise page count when migrating transparent hugepages", hash not verified):
 *  1. k: hinting fault on the PROTNONE THP, isolates it (count 2), copies
 *     it to the new THP, checks count == 2 under the PMD lock;
 *  2. k: installs the new, writable PMD;
 *  3. c: a speculative PFN walker takes a reference on the old THP (it
 *     will drop it after a look);
 *  4. t2: stores through the new PMD (it was computing, not faulting,
 *     while the PMD was PROTNONE);
 *  5. k: sees count 3, puts the old PMD back: the store of 4 is lost;
 *  6. main: loads the old value where t2 last stored.
 *  PCT depth 3 finds it in a few thousand executions (random does not:
 *  it needs k preempted exactly between 2 and 5); the fix freezes the
 *  count at 1, so 3 fails instead.
 *
 * exec-stack-rmap-miss (seed 002, fixed by a8bef8ff6ea1, 2010):
 *  1. c: compaction isolates an argument page of exec's temporary stack,
 *     try_to_migrate installs a migration entry at its old address;
 *  2. exec: shift_arg_pages moves vm_start down;
 *  3. c: remove_migration_ptes computes the new address: no PTE there;
 *  4. exec: move_page_tables carries the migration entry down;
 *  5. c: unlocks and frees the old page: the entry is left behind;
 *  6. exec'd task: its load meets the entry of an unlocked page: BUG.
 *
 * mremap-no-rmap-locks (fixed by 108d6642ad81, 2012):
 *  0. the page at Y belongs to a VMA that mremap merges into the VMA
 *     below the destination X, which the anon_vma lists first;
 *  1. c: compaction's try_to_migrate installs an entry at Y;
 *  2. c: remove_migration_ptes visits the merged VMA: nothing at X yet;
 *  3. mremap: move_ptes (no rmap lock) moves the entry from Y to X;
 *  4. c: visits the source VMA: nothing at Y any more; the entry at X is
 *     left behind and the page freed: the next load BUGs.
 */
#include "migrate_test.h"

static struct mm_struct *g_mm;
static unsigned long g_a, g_x, g_y;

/* ---- thp-numa-count-recheck ---- */

static void r_numa(void *arg)
{
	numa_migrate_range(g_mm, g_a, HPAGE_PMD_SIZE, 1);
	mt_exit();
}

/* A thread that keeps writing: one of its stores may land in the window. */
static void r_store(void *arg)
{
	mm_task_bind(g_mm);
	for (uint64_t v = 0x50; v < 0x70; v++) {
		/* user computation between accesses: no memory touched */
		for (int j = 0; j < 24; j++)
			sim_yield(SIM_EV_USER, NULL, "user:compute");
		mt_store(g_mm, g_a + 0x2000, v);
		mt_expect(g_mm, g_a + 0x2000, v, "lost store to the new THP");
	}
	mm_task_bind(NULL);
	mt_exit();
}

/*
 * A speculative PFN walker: what compaction's isolate_migratepages_block
 * does once its lockless PG_lru test passed (and memory-failure, page
 * idle tracking...): folio_try_get() on a frame it does not own, a look,
 * folio_put(). The reference is transient, and that is all it takes.
 */
static struct folio *g_thp_folio;

static void r_pfn_walker(void *arg)
{
	for (int i = 0; i < 64; i++) {
		struct folio *folio = READ_ONCE(g_thp_folio);

		if (folio_try_get(folio)) {
			/* a look at the frame's state, then let go */
			for (int j = 0; j < 8; j++)
				(void)folio_test_isolated(folio);
			folio_put(folio);
		}
	}
	mt_exit();
}

static void r_compact(void *arg)
{
	compact_memory(0);
	mt_exit();
}

static void s_thp_numa(void *arg)
{
	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	g_a = mt_mmap(g_mm, HPAGE_PMD_SIZE);
	mt_store(g_mm, g_a + 0x2000, 0x11);
	{
		bool huge;
		pgd_t g = __pgd(__atomic_load_n(&pgd_offset(g_mm, g_a)->pgd,
						SIM_MO));
		pud_t u = __pud(__atomic_load_n(
			&pud_offset_pfn(pgd_pfn(g), g_a)->pud, SIM_MO));
		pmd_t m = __pmd(__atomic_load_n(
			&pmd_offset_pfn(pud_pfn(u), g_a)->pmd, SIM_MO));

		(void)mt_nid(g_mm, g_a, &huge);
		g_thp_folio = page_folio(pmd_page(m));
	}
	mt_spawn("k", r_numa, NULL);		/* task 1: node 1 */
	mt_spawn("t2", r_store, NULL);		/* task 2: node 0 */
	mt_spawn("c", r_pfn_walker, NULL);	/* task 3 */
	mt_join(3);
	mt_expect(g_mm, g_a + 0x2000, 0x6f, "the last store");
	mt_teardown(g_mm);
}

/* ---- exec-stack-rmap-miss ---- */

static bool g_exec_done;

static void r_compact_loop(void *arg)
{
	for (int i = 0; i < 64 && !READ_ONCE(g_exec_done); i++)
		compact_memory(0);
	mt_exit();
}

static void s_exec(void *arg)
{
	struct mm_struct *old = mm_alloc(), *mm;
	const unsigned long args = 2 * PAGE_SIZE;

	g_exec_done = false;
	mm_task_bind(old);
	mt_spawn("kcompactd", r_compact_loop, NULL);
	mm = do_exec_mm(old, args);
	WRITE_ONCE(g_exec_done, true);
	mmput(old);
	if (!mm)
		sim_violation("exec failed");
	for (unsigned long off = 0; off < args; off += PAGE_SIZE)
		mt_expect(mm, EXEC_STACK_TOP - args + off, exec_arg_value(off),
			  "exec argument");
	mt_join(1);
	mt_teardown(mm);
}

/* ---- mremap-no-rmap-locks ---- */

static void s_mremap(void *arg)
{
	unsigned long r;

	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	/* X: two pages; move the second away to Y, then back (merge). */
	g_x = mt_mmap(g_mm, 2 * PAGE_SIZE);
	mt_store(g_mm, g_x, 0x1);
	mt_store(g_mm, g_x + PAGE_SIZE, 0x2);
	g_y = g_x + 64 * PAGE_SIZE;
	r = do_mremap(g_mm, g_x + PAGE_SIZE, PAGE_SIZE, PAGE_SIZE,
		      MREMAP_MAYMOVE | MREMAP_FIXED, g_y);
	if (r != g_y)
		sim_violation("mremap away: %#lx", r);
	mt_spawn("kcompactd", r_compact, NULL);
	/*
	 * User work meanwhile, touching no memory: kcompactd reaches the
	 * page while we do. (Loads of X would wait on X's migration entry:
	 * migrate_pages_batch unmaps X and Y together, then moves them.)
	 */
	for (int i = 0; i < 80; i++)
		sim_yield(SIM_EV_USER, NULL, "user:compute");
	r = do_mremap(g_mm, g_y, PAGE_SIZE, PAGE_SIZE,
		      MREMAP_MAYMOVE | MREMAP_FIXED, g_x + PAGE_SIZE);
	if (r != g_x + PAGE_SIZE)
		sim_violation("mremap back: %#lx", r);
	mt_join(1);
	mt_expect(g_mm, g_x, 0x1, "first page after mremap");
	mt_expect(g_mm, g_x + PAGE_SIZE, 0x2, "moved page after mremap");
	mt_teardown(g_mm);
}

/* ---- both directions ---- */

struct regress_case {
	enum sim_regress_id id;
	void (*fn)(void *);
	enum thp_numa_mode mode;
	unsigned long bound;	/* executions to find it, switch on */
	const char *strategy;
};

static void run_case(const struct regress_case *c)
{
	const char *name = sim_regress_table[c->id].name;
	unsigned long n = mt_runs(10000);
	struct sim_result r;
	long found;

	thp_numa_mode = c->mode;
	sim_regress_set(c->id, true);
	found = mt_explore(c->fn, sim_strategy_by_name(c->strategy),
			   c->bound, 0xb06, &r);
	sim_regress_clear();
	if (!ok(found >= 0, "%s: found with the switch on (%s, within %lu)",
		name, c->strategy, c->bound))
		;
	else
		diag("  found at execution %ld: %s", found, r.msg);
	found = mt_explore(c->fn, sim_strategy_by_name(c->strategy), n,
			   0xc1ea, &r);
	if (!ok(found < 0, "%s: clean with the switch off (%lu executions)",
		name, n)) {
		diag("  execution %ld: %s", found, r.msg);
		diag("  schedule: %s", sim_schedule());
	}
	thp_numa_mode = THP_NUMA_CURRENT;
}

int main(void)
{
	static const struct regress_case cases[] = {
		{ SIM_REGRESS_THP_NUMA_COUNT_RECHECK, s_thp_numa,
		  THP_NUMA_LEGACY, 50000, "pct:3" },
		{ SIM_REGRESS_EXEC_STACK_RMAP_MISS, s_exec, THP_NUMA_CURRENT,
		  50000, "random" },
		{ SIM_REGRESS_MREMAP_NO_RMAP_LOCKS, s_mremap, THP_NUMA_CURRENT,
		  50000, "random" },
	};
	int n = sizeof(cases) / sizeof(cases[0]);

	mt_setup();
	plan(2 * n);
	for (int i = 0; i < n; i++)
		run_case(&cases[i]);
	return done_testing();
}
