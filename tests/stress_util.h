/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/stress_util.h - small helpers shared by the stress-mode tests
 * (tests/stress_*.c, built with -DSIM_STRESS on pthreads).
 */
#ifndef TESTS_STRESS_UTIL_H
#define TESTS_STRESS_UTIL_H

#include <sched.h>
#include <stdint.h>
#include <time.h>

#include "sim/atomic.h"
#include "sim/sim.h"
#include "sim/sync.h"
#include "tests/tap.h"

/* Host monotonic time in nanoseconds. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Sleep @us microseconds of host time. */
static inline void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* Start a fresh execution with seed @seed. */
static inline void exec_begin(uint64_t seed)
{
	struct sim_config cfg = { .seed = seed };

	sim_exec_begin(&cfg);
}

/* Run @n copies of @fn(@arg) as one execution; returns its outcome. */
static inline enum sim_outcome run_n(int n, const char *name, sim_task_fn fn,
				     void *arg, struct sim_result *res)
{
	exec_begin(1);
	for (int i = 0; i < n; i++)
		sim_task_create(name, fn, arg);
	return sim_exec_run(res);
}

/* Spin (taking IPIs at each yield point) until *@flag is nonzero. */
static inline void await_flag(int *flag)
{
	while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST)) {
		sim_stress_delay();
		sched_yield();
	}
}

/*
 * All @n tasks wait here until the last one arrives, so that contention
 * starts at once rather than as threads trickle in. Reset *@b to 0 before
 * each execution.
 */
static inline void start_barrier(int *b, int n)
{
	__atomic_add_fetch(b, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(b, __ATOMIC_SEQ_CST) < n)
		sched_yield();
}

#endif /* TESTS_STRESS_UTIL_H */
