// SPDX-License-Identifier: GPL-2.0
/*
 * bench_explore - executions per second of the explorer, for every
 * builtin program under every strategy (keep-going, so failing programs
 * are measured over their failures too). Each figure is the median of 5
 * samples of at least 0.1 s each; a dfs sample repeats the exhaustive
 * search until the time is up.
 *
 *	bench: explore_<program>_<strategy> <value> execs/s
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explore/explore.h"

#define SAMPLES 5
#define SAMPLE_SECONDS 0.1

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One sample: executions per second over at least SAMPLE_SECONDS. */
static double sample(const struct mmsim_program *p, const char *strategy)
{
	struct explore_opts o = { .strategy = strategy, .runs = 2000,
				  .keep_going = true, .max_failures = 1 };
	uint64_t execs = 0;
	double t0 = now(), t;

	if (!strncmp(strategy, "dfs", 3))
		o.runs = 0;
	do {
		struct explore_result r;

		explore(p, &o, &r);
		execs += r.executions;
		explore_result_free(&r);
		o.seed++;
		t = now() - t0;
	} while (t < SAMPLE_SECONDS);
	return execs / t;
}

int main(void)
{
	static const char *const strategies[] = { "random", "pct:3", "dfs:2",
						  "rr" };
	const struct mmsim_program *p;

	for (int i = 0; (p = program_builtin(i)); i++) {
		for (size_t s = 0; s < 4; s++) {
			double v[SAMPLES];
			char name[128], *c;

			for (int k = 0; k < SAMPLES; k++)
				v[k] = sample(p, strategies[s]);
			qsort(v, SAMPLES, sizeof(v[0]), cmp_double);
			snprintf(name, sizeof(name), "explore_%s_%s",
				 p->name + strlen("builtin:"), strategies[s]);
			for (c = name; *c; c++)
				if (*c == '-')
					*c = '_';
				else if (*c == ':')
					memmove(c, c + 1, strlen(c));
			printf("bench: %s %.0f execs/s\n", name,
			       v[SAMPLES / 2]);
			fflush(stdout);
		}
	}
	return 0;
}
