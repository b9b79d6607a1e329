// SPDX-License-Identifier: GPL-2.0
/*
 * bench_memory - executions per second of every shipped scenario that
 * expects `ok` under each memory model (config memory=sc|tso|arm64,
 * random strategy), and the cost of the store buffers relative to sc
 * measured in the same run. Each figure is the median of 5 samples of at
 * least 0.1 s each, in rounds of 200 executions.
 *
 *	bench: memory_<file>_<model> <value> execs/s
 *	bench: memory_<file>_<model>_vs_sc <ratio> x
 *
 * The overhead of the machinery when memory=sc (every hook one branch on
 * a global) is measured against the commit before it, not here: see
 * docs/explorer.md (instruction counts under valgrind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_rate.h"
#include "explore/explore.h"
#include "explore/program.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"

#define SAMPLES 5
#define SAMPLE_SECONDS 0.1

/* One sample: executions per second over at least SAMPLE_SECONDS. */
static double sample(const struct mmsim_program *p, uint64_t seed)
{
	return bench_execs_per_s(p, "random", seed, 200, SAMPLE_SECONDS);
}

int main(void)
{
	static const char *const mname[] = { "sc", "tso", "arm64" };
	char **files;

	scenario_runner_register();
	files = scenario_list_files("scenarios", NULL);
	for (char **f = files; f && *f; f++) {
		double sc = 0;
		char base[256], *dot;

		snprintf(base, sizeof(base), "%s", scenario_file_name(*f));
		dot = strstr(base, ".mms");
		if (dot)
			*dot = 0;
		for (int m = 0; m < 3; m++) {
			char err[512];
			struct scenario_error e;
			struct scenario *s;
			struct mmsim_program *p;
			double v[SAMPLES], med;

			s = scenario_load_file(*f, &e);
			if (!s)
				break;
			if (s->expect.verdict != SCN_EXPECT_OK) {
				scenario_free(s);
				break;
			}
			s->config.memory = m;
			p = scenario_program(s, err, sizeof(err));
			if (!p) {
				scenario_free(s);
				break;
			}
			for (int k = 0; k < SAMPLES; k++)
				v[k] = sample(p, 1000 * k);
			med = bench_median(v, SAMPLES);
			printf("bench: memory_%s_%s %.0f execs/s\n", base,
			       mname[m], med);
			if (m == 0)
				sc = med;
			else if (sc > 0)
				printf("bench: memory_%s_%s_over_sc_rate_ratio_"
				       "higher_better %.2f x\n",
				       base, mname[m], med / sc);
			fflush(stdout);
			scenario_program_free(p);
		}
	}
	scenario_list_free(files);
	return 0;
}
