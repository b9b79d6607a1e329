// SPDX-License-Identifier: GPL-2.0
/*
 * bench/bench_detect.c - how long the default search takes to find each
 * catalogued bug: `mmsim explore SCENARIO --regress NAME` with no strategy
 * flag, seeds 0..19, stopping at the first violation.
 *
 *	bench: detect_<bug>_default_ms <median> ms
 *	bench: detect_<bug>_default_worst_ms <worst seed> ms
 *	bench: detect_<bug>_default_execs <median> executions
 *	bench: detect_<bug>_default_found_pct <seeds that found it> %
 *
 * A seed that has not found the bug after CAP_S seconds counts as CAP_S
 * (and not found). Goals (issue 9): median < 100 ms, worst < 1 s.
 */
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "explore/explore.h"
#include "scenario/runner.h"
#include "sim/regress.h"

#define SEEDS 20
#define CAP_S 2.0

/* "thp-numa-count-recheck" -> "thp_numa_count_recheck" */
static const char *ident(const char *name)
{
	static char buf[96];
	size_t i;

	for (i = 0; name[i] && i < sizeof(buf) - 1; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = 0;
	return buf;
}

static void detect(int id)
{
	const struct sim_regress *b = &sim_regress_table[id];
	double ms[SEEDS], ex[SEEDS], worst = 0;
	struct mmsim_program *p;
	char err[512];
	int found = 0;

	p = program_load(b->scenario, err, sizeof(err));
	if (!p) {
		fprintf(stderr, "bench_detect: %s\n", err);
		return;
	}
	for (int s = 0; s < SEEDS; s++) {
		struct explore_opts o = { .seed = s, .time_limit = CAP_S };
		struct explore_result r;

		sim_regress_clear();
		sim_regress_set(id, true);
		explore(p, &o, &r);
		sim_regress_clear();
		found += r.failures > 0;
		ms[s] = r.failures ? r.elapsed * 1e3 : CAP_S * 1e3;
		ex[s] = r.executions;
		if (ms[s] > worst)
			worst = ms[s];
		explore_result_free(&r);
	}
	printf("bench: detect_%s_default_ms %.1f ms\n", ident(b->name),
	       bench_median(ms, SEEDS));
	printf("bench: detect_%s_default_worst_ms %.1f ms\n", ident(b->name),
	       worst);
	printf("bench: detect_%s_default_execs %.0f executions\n",
	       ident(b->name), bench_median(ex, SEEDS));
	printf("bench: detect_%s_default_found_pct %.0f %%\n", ident(b->name),
	       100.0 * found / SEEDS);
	fflush(stdout);
	scenario_program_free(p);
}

int main(int argc, char **argv)
{
	scenario_runner_register();
	for (int id = 0; id < SIM_REGRESS__NR; id++) {
		/* placeholders and entries whose machine is incomplete
		 * (.needs) are not hunted: their scenario's violations
		 * need not be the bug's */
		if (sim_regress_table[id].placeholder ||
		    sim_regress_table[id].needs)
			continue;
		if (argc > 1 && strcmp(argv[1], sim_regress_table[id].name))
			continue;
		detect(id);
	}
	return 0;
}
