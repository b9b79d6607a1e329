// SPDX-License-Identifier: GPL-2.0
/*
 * bench_migrate - (1) migration throughput of the model, pages/s for
 * 4 KiB folios and THPs (move_pages to node 1 of 2), beside the host
 * kernel's move_pages(2) to node 0 on the same amount of memory (the host
 * may have one node: the call still walks, isolates and migrates or skips
 * each page), as a ratio; (2) time to detect each regression: median over
 * 20 seeds of executions and milliseconds to the first violation, per
 * strategy. One "bench: <name> <value> <unit>" line each.
 */
#define _GNU_SOURCE
#undef MAP_GROWSDOWN
#include <sys/mman.h>
#undef MAP_GROWSDOWN
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define main regress_main
#include "bench/bench.h"
#include "../tests/t_migrate_regress.c"
#undef main

#define BENCH_BYTES (8UL << 20)

static bool b_thp;
static double b_secs;
static long b_moved;

static void b_move(void *arg)
{
	struct mm_struct *mm = mm_alloc();
	unsigned long a, n = BENCH_BYTES / PAGE_SIZE;
	double t0;

	mm_task_bind(mm);
	transparent_hugepage_mode = b_thp ? THP_ALWAYS : THP_NEVER;
	a = mt_mmap(mm, BENCH_BYTES);
	for (unsigned long off = 0; off < BENCH_BYTES; off += PAGE_SIZE)
		mt_store(mm, a + off, off);
	t0 = bench_now();
	b_moved = do_move_pages(mm, a, n, 1);
	b_secs = bench_now() - t0;
	transparent_hugepage_mode = THP_ALWAYS;
	mm_task_bind(NULL);
	mmput(mm);
}

static double host_move_pages(bool thp)
{
	unsigned long n = BENCH_BYTES / 4096;
	void **pages = calloc(n, sizeof(*pages));
	int *nodes = calloc(n, sizeof(int)), *status = calloc(n, sizeof(int));
	char *p = mmap(NULL, BENCH_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t0, t;
	long r;

	if (p == MAP_FAILED)
		return -1;
	madvise(p, BENCH_BYTES, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	for (unsigned long i = 0; i < n; i++) {
		p[i * 4096] = 1;
		pages[i] = p + i * 4096;
	}
	t0 = bench_now();
	r = syscall(SYS_move_pages, 0, n, pages, nodes, status, 2 /* MOVE */);
	t = bench_now() - t0;
	munmap(p, BENCH_BYTES);
	free(pages);
	free(nodes);
	free(status);
	return r < 0 ? -1 : n / t;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	static const struct {
		enum sim_regress_id id;
		void (*fn)(void *);
		enum thp_numa_mode mode;
	} rs[] = {
		{ SIM_REGRESS_THP_NUMA_COUNT_RECHECK, s_thp_numa,
		  THP_NUMA_LEGACY },
		{ SIM_REGRESS_EXEC_STACK_RMAP_MISS, s_exec, THP_NUMA_CURRENT },
		{ SIM_REGRESS_MREMAP_NO_RMAP_LOCKS, s_mremap,
		  THP_NUMA_CURRENT },
	};
	static const char *strategies[] = { "random", "pct:3" };
	const unsigned long budget = 20000;
	struct sim_result r;

	mt_setup();
	for (int t = 0; t < 2; t++) {
		double model, host;

		b_thp = t;
		mt_exec(b_move, NULL, 1, &r);
		model = b_moved / b_secs;
		host = host_move_pages(t);
		printf("bench: migrate_model_%s %.0f pages/s\n",
		       t ? "thp" : "4k", model);
		printf("bench: migrate_host_%s %.0f pages/s\n",
		       t ? "thp" : "4k", host);
		/* model rate over host rate: higher is better */
		if (host > 0)
			printf("bench: migrate_%s_rate_ratio_higher_better "
			       "%.4f x\n", t ? "thp" : "4k", model / host);
	}
	for (int i = 0; i < 3; i++) {
		for (int s = 0; s < 2; s++) {
			double execs[20], ms[20];
			int found = 0;

			/*
			 * random never finds thp-numa-count-recheck (k must be
			 * preempted exactly inside a locked section): not worth
			 * 20 x budget executions, and not printed; see
			 * docs/bugs.md.
			 */
			if (i == 0 && s == 0)
				continue;

			thp_numa_mode = rs[i].mode;
			sim_regress_set(rs[i].id, true);
			for (int seed = 0; seed < 20; seed++) {
				double t0 = bench_now();
				long k = mt_explore(
					rs[i].fn,
					sim_strategy_by_name(strategies[s]),
					budget, 1000 + seed, &r);

				if (k >= 0) {
					execs[found] = k + 1;
					ms[found++] = (bench_now() - t0) * 1e3;
				}
			}
			sim_regress_clear();
			thp_numa_mode = THP_NUMA_CURRENT;
			qsort(execs, found, sizeof(double), cmp_d);
			qsort(ms, found, sizeof(double), cmp_d);
			/* seeds of 20 that found it within the budget */
			printf("bench: detect_%s_%s_found_of_20 %d seeds\n",
			       sim_regress_table[rs[i].id].name,
			       strategies[s], found);
			if (found >= 10) {
				printf("bench: detect_%s_%s_median_execs %.0f "
				       "executions\n",
				       sim_regress_table[rs[i].id].name,
				       strategies[s], execs[9]);
				printf("bench: detect_%s_%s_median_ms %.1f ms\n",
				       sim_regress_table[rs[i].id].name,
				       strategies[s], ms[9]);
			}
		}
	}
	return 0;
}
