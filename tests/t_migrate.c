// SPDX-License-Identifier: GPL-2.0
/*
 * t_migrate - page migration keeps user-visible semantics: data, pins,
 * faults that meet migration entries, and every racing mm operation the
 * issue names (fork, COW, MADV_DONTNEED, munmap, mprotect, another
 * migration), for 4 KiB folios and PMD-mapped THPs, through move_pages,
 * NUMA hinting (both THP shapes) and compaction. Also the selftest
 * migration.c ping-pong. Concurrency cases run MMSIM_MIGRATE_RUNS
 * executions (default 10,000) under the random strategy; none may report
 * anything.
 */
#include "migrate_test.h"

static struct mm_struct *g_mm, *g_child;
static unsigned long g_a;
static bool g_thp;

#define V(i) (0x1000ULL + (i))

/* Populate: a small page (or a THP) at g_a with V(i) in word i*512. */
static void populate(struct mm_struct *mm, bool thp)
{
	g_a = mt_mmap(mm, thp ? HPAGE_PMD_SIZE : 4 * PAGE_SIZE);
	for (int i = 0; i < 4; i++)
		mt_store(mm, g_a + i * PAGE_SIZE, V(i));
}

static void check_values(struct mm_struct *mm, const char *what)
{
	for (int i = 0; i < 4; i++)
		mt_expect(mm, g_a + i * PAGE_SIZE, V(i), what);
}

/* ---- single-execution properties ---- */

static int prop_ok;

static void t_small_data(void *arg)
{
	struct mm_struct *mm = mm_alloc();
	bool huge;
	long n;

	mm_task_bind(mm);
	populate(mm, g_thp);
	n = do_move_pages(mm, g_a, g_thp ? HPAGE_PMD_NR : 4, 1);
	prop_ok = n == (g_thp ? (long)HPAGE_PMD_NR : 4) &&
		  mt_nid(mm, g_a, &huge) == 1 && huge == g_thp;
	check_values(mm, "after move_pages");
	mt_teardown(mm);
}

static void t_pinned(void *arg)
{
	struct mm_struct *mm = mm_alloc();
	struct page *page;
	bool huge;
	long n1, n2;

	mm_task_bind(mm);
	populate(mm, g_thp);
	if (pin_user_pages_fast(mm, g_a, 1, FOLL_WRITE | FOLL_LONGTERM,
				&page) != 1)
		sim_violation("pin failed");
	n1 = do_move_pages(mm, g_a, 1, 1);
	prop_ok = n1 == 0 && mt_nid(mm, g_a, &huge) == 0 &&
		  PageAnonExclusive(page);
	unpin_user_page(page);
	n2 = do_move_pages(mm, g_a, 1, 1);
	prop_ok = prop_ok && n2 > 0 && mt_nid(mm, g_a, &huge) == 1;
	check_values(mm, "after pinned migration");
	mt_teardown(mm);
}

static void numa_helper(void *arg)
{
	numa_migrate_range(g_mm, g_a, g_thp ? HPAGE_PMD_SIZE : 4 * PAGE_SIZE,
			   1);
	mt_exit();
}

static void t_numa(void *arg)
{
	bool huge;

	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	mt_spawn("numa", numa_helper, NULL);	/* task 1: node 1 */
	mt_join(1);
	prop_ok = mt_nid(g_mm, g_a, &huge) == 1 && huge == g_thp;
	check_values(g_mm, "after NUMA migration");
	mt_teardown(g_mm);
}

static void touch_helper(void *arg)
{
	/* task_numa_work runs in the task itself, on its CPU (node 1) */
	numa_scan_range(g_mm, g_a, g_thp ? HPAGE_PMD_SIZE : 4 * PAGE_SIZE);
	mm_task_bind(g_mm);
	check_values(g_mm, "hinting fault by a user load");
	mm_task_bind(NULL);
	mt_exit();
}

/* A user load on node 1 takes the hinting fault and pulls the page. */
static void t_numa_user_fault(void *arg)
{
	bool huge;

	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	mt_spawn("user", touch_helper, NULL);	/* task 1: node 1 */
	mt_join(1);
	prop_ok = mt_nid(g_mm, g_a, &huge) == 1;
	check_values(g_mm, "after the user's hinting fault");
	mt_teardown(g_mm);
}

static void compact_helper(void *arg)
{
	compact_memory(0);
	mt_exit();
}

static void t_compact(void *arg)
{
	bool huge;

	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	mt_spawn("kcompactd", compact_helper, NULL);
	mt_join(1);
	/* small folios move; a PMD THP is skipped (skip_isolation_on_order) */
	prop_ok = mt_nid(g_mm, g_a, &huge) == (g_thp ? 0 : 1) &&
		  huge == g_thp;
	check_values(g_mm, "after compaction");
	mt_teardown(g_mm);
}

static void run_prop(void (*fn)(void *), bool thp, const char *desc)
{
	struct sim_result r;

	g_thp = thp;
	prop_ok = 0;
	if (mt_exec(fn, NULL, 1, &r) != SIM_OK) {
		ok(0, "%s", desc);
		diag("  %s: %s", sim_outcome_name(r.outcome), r.msg);
		return;
	}
	ok(prop_ok, "%s", desc);
}

/* ---- concurrency: many executions, nothing may be reported ---- */

static void mover(void *arg)
{
	do_move_pages(g_mm, g_a, g_thp ? HPAGE_PMD_NR : 4,
		      (int)(long)arg);
	mt_exit();
}

static void accessor(void *arg)
{
	mm_task_bind(g_mm);
	mt_store(g_mm, g_a + PAGE_SIZE, 0x55);
	mt_expect(g_mm, g_a + PAGE_SIZE, 0x55, "store vs migration");
	mt_expect(g_mm, g_a, V(0), "load vs migration");
	mm_task_bind(NULL);
	mt_exit();
}

/* Faults (and the hardware walk) meet migration entries and wait. */
static void c_fault_waits(void *arg)
{
	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	mt_spawn("mover", mover, (void *)1L);
	mt_spawn("user", accessor, NULL);
	mt_join(2);
	mt_expect(g_mm, g_a + PAGE_SIZE, 0x55, "after the race");
	mt_teardown(g_mm);
}

/* fork while the page migrates: both sides keep their values. */
static void c_fork(void *arg)
{
	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	mt_spawn("mover", mover, (void *)1L);
	g_child = dup_mm(g_mm);
	mt_join(1);
	mt_store(g_mm, g_a, 0x77);	/* COW in the parent */
	mm_task_bind(g_child);
	check_values(g_child, "child after fork vs migration");
	mm_task_bind(g_mm);
	mt_expect(g_mm, g_a, 0x77, "parent's COW after fork vs migration");
	check_no_migration_entries();
	mm_task_bind(NULL);
	mmput(g_child);
	mt_teardown(g_mm);
}

/* A COW fault in the parent races with migrating the shared page. */
static void c_cow(void *arg)
{
	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	g_child = dup_mm(g_mm);
	mt_spawn("kcompactd", compact_helper, NULL);
	mt_store(g_mm, g_a, 0x99);
	mt_join(1);
	mt_expect(g_mm, g_a, 0x99, "parent's COW vs migration");
	mm_task_bind(g_child);
	check_values(g_child, "child's page vs parent's COW + migration");
	check_no_migration_entries();
	mm_task_bind(NULL);
	mmput(g_child);
	mt_teardown(g_mm);
}

static void c_dontneed(void *arg)
{
	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	mt_spawn("mover", mover, (void *)1L);
	do_madvise(g_mm, g_a, g_thp ? HPAGE_PMD_SIZE : 4 * PAGE_SIZE,
		   MADV_DONTNEED);
	mt_join(1);
	mt_expect(g_mm, g_a, 0, "MADV_DONTNEED vs migration");
	mt_teardown(g_mm);
}

static void c_munmap(void *arg)
{
	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	mt_spawn("mover", mover, (void *)1L);
	vm_munmap(g_mm, g_a, g_thp ? HPAGE_PMD_SIZE : 4 * PAGE_SIZE);
	mt_join(1);
	mt_teardown(g_mm);
}

static void c_mprotect(void *arg)
{
	unsigned long len = g_thp ? HPAGE_PMD_SIZE : 4 * PAGE_SIZE;

	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	mt_spawn("mover", mover, (void *)1L);
	do_mprotect_pkey(g_mm, g_a, len, PROT_READ, -1);
	mt_join(1);
	check_values(g_mm, "mprotect(R) vs migration");
	do_mprotect_pkey(g_mm, g_a, len, PROT_READ | PROT_WRITE, -1);
	mt_store(g_mm, g_a, 0x42);
	mt_expect(g_mm, g_a, 0x42, "store after mprotect(RW)");
	mt_teardown(g_mm);
}

/* Two migrations of the same folio (move_pages to node 1, compaction). */
static void c_two_migrations(void *arg)
{
	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	mt_spawn("mover", mover, (void *)1L);
	mt_spawn("kcompactd", compact_helper, NULL);
	mt_spawn("user", accessor, NULL);
	mt_join(3);
	mt_teardown(g_mm);
}

/* Seed 000's shape: THP NUMA migration vs GUP-fast pin + DMA vs store. */
static void pinner(void *arg)
{
	struct page *page;

	mm_task_bind(g_mm);
	if (pin_user_pages_fast(g_mm, g_a + PAGE_SIZE, 1, FOLL_WRITE,
				&page) == 1) {
		uint64_t *p = page_address(page);

		sim_yield(SIM_EV_WRITE, p, "dma-write");
		p[0] = 0x77;
		unpin_user_pages_dirty_lock(&page, 1, true);
	} else {
		sim_violation("pin_user_pages_fast failed");
	}
	mm_task_bind(NULL);
	mt_exit();
}

static void storer(void *arg)
{
	mm_task_bind(g_mm);
	mt_store(g_mm, g_a + 2 * PAGE_SIZE, 0x55);
	mt_expect(g_mm, g_a + 2 * PAGE_SIZE, 0x55, "store vs THP NUMA");
	mm_task_bind(NULL);
	mt_exit();
}

static void c_thp_numa_gup(void *arg)
{
	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, true);
	mt_spawn("t1", pinner, NULL);
	mt_spawn("t2", storer, NULL);
	mt_spawn("k", numa_helper, NULL);	/* task 3: node 1 */
	mt_join(3);
	mt_expect(g_mm, g_a + PAGE_SIZE, 0x77, "DMA write through the pin");
	mt_expect(g_mm, g_a + 2 * PAGE_SIZE, 0x55, "the user's store");
	mt_teardown(g_mm);
}

/* selftests/mm/migration.c: ping-pong while readers keep reading. */
static void pingpong(void *arg)
{
	for (int i = 0; i < 3; i++)
		compact_memory(i & 1);
	mt_exit();
}

static void reader(void *arg)
{
	struct mm_struct *mm = arg;

	mm_task_bind(mm);
	for (int i = 0; i < 3; i++)
		mt_expect(mm, g_a, V(0), "reader during ping-pong");
	mm_task_bind(NULL);
	mt_exit();
}

static void c_pingpong_private(void *arg)
{
	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	mt_spawn("pingpong", pingpong, NULL);
	mt_spawn("r1", reader, g_mm);
	mt_spawn("r2", reader, g_mm);
	mt_join(3);
	mt_teardown(g_mm);
}

static void c_pingpong_shared(void *arg)
{
	g_mm = mm_alloc();
	mm_task_bind(g_mm);
	populate(g_mm, g_thp);
	g_child = dup_mm(g_mm);
	mt_spawn("pingpong", pingpong, NULL);
	mt_spawn("child", reader, g_child);
	mt_spawn("parent", reader, g_mm);
	mt_join(3);
	check_no_migration_entries();
	mmput(g_child);
	mt_teardown(g_mm);
}

static void run_conc(void (*fn)(void *), bool thp, enum thp_numa_mode mode,
		     const char *desc)
{
	unsigned long n = mt_runs(10000);
	struct sim_result r;
	long bad;

	g_thp = thp;
	thp_numa_mode = mode;
	bad = mt_explore(fn, sim_strategy_random(), n, 0x5eed, &r);
	if (bad >= 0) {
		ok(0, "%s (%lu executions)", desc, n);
		diag("  execution %ld: %s: %s", bad, sim_outcome_name(r.outcome),
		     r.msg);
		diag("  schedule: %s", sim_schedule());
	} else {
		ok(1, "%s (%lu executions)", desc, n);
	}
	thp_numa_mode = THP_NUMA_CURRENT;
}

int main(void)
{
	static const struct {
		void (*fn)(void *);
		const char *desc;
	} props[] = {
		{ t_small_data, "move_pages keeps the data" },
		{ t_pinned, "A pinned page does not migrate, unpinned it does" },
		{ t_numa, "NUMA hinting migrates to the faulting node" },
		{ t_numa_user_fault, "A user access takes the hinting fault" },
		{ t_compact, "Compaction migrates small folios off the node "
			     "and leaves a THP where it is" },
	};
	static const struct {
		void (*fn)(void *);
		const char *desc;
	} concs[] = {
		{ c_fault_waits, "Faults wait on migration entries" },
		{ c_fork, "Migration vs fork" },
		{ c_cow, "Migration vs COW fault" },
		{ c_dontneed, "Migration vs MADV_DONTNEED" },
		{ c_munmap, "Migration vs munmap" },
		{ c_mprotect, "Migration vs mprotect" },
		{ c_two_migrations, "Migration vs another migration" },
		{ c_pingpong_private, "Ping-pong, private readers" },
		{ c_pingpong_shared, "Ping-pong, forked readers" },
	};
	int nprops = sizeof(props) / sizeof(props[0]);
	int nconcs = sizeof(concs) / sizeof(concs[0]);

	mt_setup();
	plan(2 * nprops + 2 * nconcs + 2 + 2);
	for (int t = 0; t < 2; t++) {
		for (int i = 0; i < nprops; i++) {
			char d[160];

			snprintf(d, sizeof(d), "%s (%s)", props[i].desc,
				 t ? "THP" : "4 KiB");
			run_prop(props[i].fn, t, d);
		}
	}
	thp_numa_mode = THP_NUMA_LEGACY;
	run_prop(t_numa, true, "NUMA hinting migrates a THP (legacy path)");
	run_prop(t_numa_user_fault, true,
		 "A user access migrates a THP (legacy path)");
	thp_numa_mode = THP_NUMA_CURRENT;
	for (int t = 0; t < 2; t++) {
		for (int i = 0; i < nconcs; i++) {
			char d[160];

			snprintf(d, sizeof(d), "%s, no violation (%s)",
				 concs[i].desc, t ? "THP" : "4 KiB");
			run_conc(concs[i].fn, t, THP_NUMA_CURRENT, d);
		}
	}
	run_conc(c_thp_numa_gup, true, THP_NUMA_CURRENT,
		 "THP NUMA vs GUP-fast pin vs store, no violation (current)");
	run_conc(c_thp_numa_gup, true, THP_NUMA_LEGACY,
		 "THP NUMA vs GUP-fast pin vs store, no violation (legacy, "
		 "fixed)");
	return done_testing();
}
