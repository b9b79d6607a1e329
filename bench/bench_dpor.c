// SPDX-License-Identifier: GPL-2.0
/*
 * bench_dpor - the reduction DPOR buys: executions to exhaust every
 * schedule with at most P preemptions, plain dfs:P against dpor:P
 * (explore/dpor.c), for every builtin program (P = 2 and unbounded) and
 * every shipped scenario the model can run (P = 2), each run given up to
 * 10 s. A count is exact (the tree is the same on every machine); only
 * whether a run finishes in time depends on the machine.
 *
 *	bench: dfs_execs_<program>_<bound> <N> execs	dfs exhausted
 *	bench: dpor_execs_<program>_<bound> <N> execs	dpor exhausted
 *	bench: dfs_over_dpor_execs_ratio_<program>_<bound> <x> ratio
 *		(both exhausted: how many times fewer executions DPOR
 *		needs; higher is better)
 *	bench: dfs_execs_lower_bound_<program>_<bound> <N> execs
 *		(dfs did not finish in 10 s: it needs more than N)
 *	bench: dpor_execs_lower_bound_<program>_<bound> <N> execs
 *
 * A program where neither finishes prints its two lower bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "bench/bench.h"
#include "explore/explore.h"
#include "scenario/runner.h"

#define LIMIT_SECONDS 10.0

static struct explore_result run(const struct mmsim_program *p,
				 const char *strategy)
{
	struct explore_opts o = { .strategy = strategy, .keep_going = true,
				  .max_failures = 1,
				  .time_limit = LIMIT_SECONDS };
	struct explore_result r;

	explore(p, &o, &r);
	explore_result_free(&r);
	return r;
}

/* "scenarios/cow-basic.mms" -> "cow_basic"; "builtin:abba" -> "abba". */
static void bench_name(const char *path, char *out, size_t n)
{
	const char *b = strrchr(path, '/');
	char *c;

	b = b ? b + 1 : strchr(path, ':') ? strchr(path, ':') + 1 : path;
	snprintf(out, n, "%s", b);
	if ((c = strstr(out, ".mms")))
		*c = 0;
	for (c = out; *c; c++)
		if (*c == '-' || *c == ':' || *c == '.')
			*c = '_';
}

static void measure(const struct mmsim_program *p, const char *bound)
{
	char name[160], dfs[32], dpor[32], b[16];
	struct explore_result a, d;

	bench_name(p->name, name, sizeof(name));
	snprintf(dfs, sizeof(dfs), "dfs:%s", bound ? bound : "1000");
	snprintf(dpor, sizeof(dpor), bound ? "dpor:%s" : "dpor", bound);
	snprintf(b, sizeof(b), bound ? "p%s" : "unbounded", bound);
	a = run(p, dfs);
	d = run(p, dpor);
	printf("bench: dfs_execs_%s%s_%s %llu execs\n",
	       a.exhausted ? "" : "lower_bound_", name, b,
	       (unsigned long long)a.executions);
	printf("bench: dpor_execs_%s%s_%s %llu execs\n",
	       d.exhausted ? "" : "lower_bound_", name, b,
	       (unsigned long long)d.executions);
	if (a.exhausted && d.exhausted && d.executions)
		printf("bench: dfs_over_dpor_execs_%s_%s_ratio_higher_better "
		       "%.2f x\n",
		       name, b, (double)a.executions / d.executions);
	fflush(stdout);
}

int main(void)
{
	const struct mmsim_program *bp;
	char **files;

	scenario_runner_register();
	for (int i = 0; (bp = program_builtin(i)); i++) {
		measure(bp, "2");
		measure(bp, NULL);
	}
	files = scenario_list_files("scenarios", NULL);
	for (char **f = files; f && *f; f++) {
		char err[512];
		struct mmsim_program *p = scenario_program_load(*f, err,
							      sizeof(err));

		if (!p)
			continue;	/* a part of the model not built yet */
		measure(p, "2");
		scenario_program_free(p);
	}
	scenario_list_free(files);
	return 0;
}
