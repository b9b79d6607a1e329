// SPDX-License-Identifier: GPL-2.0
/*
 * bench_sim - the scheduler's costs, as medians of 7 repetitions:
 *   yield_noswitch  a yield point where only one task can run (ns)
 *   yield_switch    a yield point that switches between two tasks (ns)
 *   exec_empty_2    executions per second of an empty 2-task program
 *                   (begin, create two tasks, run them, end: the reset cost)
 *   exec_frames_2   the same with 64 MiB of simulated memory set up, each
 *                   task allocating and freeing two frames (the reset then
 *                   restores what was touched)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench/bench.h"
#include "arch/physmem.h"
#include "sim/sim.h"

#define REPS 7

static long iters;

static void yielder(void *arg)
{
	for (long i = 0; i < iters; i++)
		sim_yield(SIM_EV_READ, 0, "bench");
}

static void empty(void *arg)
{
}

static void frames(void *arg)
{
	struct page *a = alloc_pages(0, 0), *b = alloc_pages(__GFP_ZERO, 0);

	sim_yield(SIM_EV_READ, 0, "bench");
	__free_pages(a, 0);
	__free_pages(b, 0);
}

/* ns per yield point with @ntasks tasks each doing @n yields under rr */
static double yield_cost(int ntasks, long n)
{
	struct sim_config cfg = { .strategy = sim_strategy_rr(),
				  .max_steps = ~0ULL >> 1 };
	struct sim_result r;
	double t0, t1;

	iters = n;
	sim_exec_begin(&cfg);
	for (int i = 0; i < ntasks; i++)
		sim_task_create("y", yielder, NULL);
	t0 = bench_now();
	sim_exec_run(&r);
	t1 = bench_now();
	return (t1 - t0) * 1e9 / (double)(n * ntasks);
}

static double exec_rate(long n, sim_task_fn fn)
{
	struct sim_config cfg = { .strategy = sim_strategy_random() };
	struct sim_result r;
	double t0 = bench_now();

	for (long i = 0; i < n; i++) {
		cfg.seed = i;
		sim_exec_begin(&cfg);
		sim_task_create("a", fn, NULL);
		sim_task_create("b", fn, NULL);
		sim_exec_run(&r);
	}
	return n / (bench_now() - t0);
}

int main(void)
{
	double a[REPS], b[REPS], c[REPS], d[REPS];
	struct physmem_config mem = { .mem_bytes = 64UL << 20, .nr_nodes = 1 };

	sim_init();
	yield_cost(2, 1000);	/* warm up stacks */
	for (int i = 0; i < REPS; i++) {
		a[i] = yield_cost(1, 2000000);
		b[i] = yield_cost(2, 1000000);
		c[i] = exec_rate(100000, empty);
	}
	physmem_init(&mem);
	for (int i = 0; i < REPS; i++)
		d[i] = exec_rate(100000, frames);
	printf("bench: yield_noswitch %.2f ns\n", bench_median(a, REPS));
	printf("bench: yield_switch %.2f ns\n", bench_median(b, REPS));
	printf("bench: exec_empty_2 %.0f execs/s\n", bench_median(c, REPS));
	printf("bench: exec_frames_2 %.0f execs/s\n", bench_median(d, REPS));
	return 0;
}
