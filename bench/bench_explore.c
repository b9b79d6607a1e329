// SPDX-License-Identifier: GPL-2.0
/*
 * bench_explore - executions per second of the explorer, for every
 * builtin program and every shipped scenario (the .mms files of
 * scenarios/ that the model can run) under every strategy (keep-going, so failing programs
 * are measured over their failures too). Each figure is the median of 5
 * samples of at least 0.1 s each, in rounds of 200 executions (dfs: the
 * first 200 schedules of its tree, then again from the next seed).
 *
 *	bench: explore_<program>_<strategy> <value> execs/s
 *	bench: scenario_<file>_<strategy> <value> execs/s
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario/scenario.h"
#include "bench/bench_rate.h"
#include "explore/explore.h"
#include "scenario/runner.h"

#define SAMPLES 5
#define SAMPLE_SECONDS 0.1

/* One sample: executions per second over at least SAMPLE_SECONDS. */
static double sample(const struct mmsim_program *p, const char *strategy)
{
	return bench_execs_per_s(p, strategy, 0, 200, SAMPLE_SECONDS);
}

static const char *const strategies[] = { "random", "pct:3", "dfs:2",
					  "rr" };

/* One line per strategy for @p, named @prefix_<@what>_<strategy>. */
static void measure(const struct mmsim_program *p, const char *prefix,
		    const char *what)
{
	for (size_t s = 0; s < 4; s++) {
		double v[SAMPLES];
		char name[160], *c;

		for (int k = 0; k < SAMPLES; k++)
			v[k] = sample(p, strategies[s]);
				snprintf(name, sizeof(name), "%s_%s_%s", prefix, what,
			 strategies[s]);
		for (c = name; *c; c++)
			if (*c == '-' || *c == '.')
				*c = '_';
			else if (*c == ':')
				memmove(c, c + 1, strlen(c));
		printf("bench: %s %.0f execs/s\n", name, bench_median(v, SAMPLES));
		fflush(stdout);
	}
}

int main(void)
{
	const struct mmsim_program *p;
	char **files;

	for (int i = 0; (p = program_builtin(i)); i++)
		measure(p, "explore", p->name + strlen("builtin:"));
	files = scenario_list_files("scenarios", NULL);
	for (char **f = files; f && *f; f++) {
		const char *base = scenario_file_name(*f);
		char err[512], what[256];
		struct mmsim_program *sp = scenario_program_load(*f, err,
							       sizeof(err));

		if (!sp)
			continue;	/* uses a part of the model not built */
		snprintf(what, sizeof(what), "%.*s", (int)(strlen(base) - 4),
			 base);
		measure(sp, "scenario", what);
		scenario_program_free(sp);
	}
	scenario_list_free(files);
	return 0;
}
