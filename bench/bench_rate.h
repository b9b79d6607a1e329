/* SPDX-License-Identifier: GPL-2.0 */
/* bench/bench_rate.h - executions per second of a program, one sample. */
#ifndef BENCH_BENCH_RATE_H
#define BENCH_BENCH_RATE_H

#include "bench/bench.h"
#include "explore/explore.h"

/*
 * bench_execs_per_s - executions per second of @p under @strategy, over at
 * least @seconds: explorations of @runs executions each, seeded @seed,
 * @seed + 1, ... (failures are counted like any execution, one kept).
 */
static inline double bench_execs_per_s(const struct mmsim_program *p,
				       const char *strategy, uint64_t seed,
				       uint64_t runs, double seconds)
{
	struct explore_opts o = { .strategy = strategy, .runs = runs,
				  .keep_going = true, .max_failures = 1,
				  .seed = seed };
	uint64_t execs = 0;
	double t0 = bench_now(), t;

	do {
		struct explore_result r;

		explore(p, &o, &r);
		execs += r.executions;
		explore_result_free(&r);
		o.seed++;
		t = bench_now() - t0;
	} while (t < seconds);
	return execs / t;
}

#endif /* BENCH_BENCH_RATE_H */
