// SPDX-License-Identifier: GPL-2.0
/*
 * bench_exec - what one execution costs: executions per second of every
 * shipped scenario (the .mms files of scenarios/ the model can run) under
 * the random strategy, single-threaded, as
 * `mmsim explore FILE --strategy random --jobs 1` runs them; the median of
 * 7 samples of at least 0.3 s each (keep-going, so a scenario that fails
 * is measured over its failures too). Goal (issue 9, item 8): every one
 * >= 20,000 execs/s, small-page ones >= 100,000.
 * Then the host memory a 64 GiB configuration costs through its first
 * executions, over the same process configured with 4 MiB (issue 8: it
 * must follow what is touched; it was 4.2 GB before the first execution).
 *
 *	bench: execs_per_s_<scenario> <value> execs/s
 *	bench: rss_mem_64g <value> KiB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "arch/physmem.h"
#include "bench/bench_rate.h"
#include "explore/explore.h"
#include "scenario/runner.h"

#define SAMPLES 7
#define SAMPLE_SECONDS 0.3

/* One sample: executions per second over at least SAMPLE_SECONDS. */
static double sample(const struct mmsim_program *p, uint64_t seed)
{
	return bench_execs_per_s(p, "random", seed, 500, SAMPLE_SECONDS);
}

/* Resident set size, KiB. */
static unsigned long rss_kib(void)
{
	unsigned long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * 4;
}

int main(void)
{
	char **files = scenario_list_files("scenarios", NULL);

	for (char **f = files; f && *f; f++) {
		const char *base = scenario_file_name(*f);
		char err[512], name[256], *c;
		struct mmsim_program *sp;
		double v[SAMPLES];

		sp = scenario_program_load(*f, err, sizeof(err));
		if (sp) {
			for (int k = 0; k < SAMPLES; k++)
				v[k] = sample(sp, 1000 * k);
			snprintf(name, sizeof(name), "execs_per_s_%.*s",
				 (int)(strlen(base) - 4), base);
			for (c = name; *c; c++)
				if (*c == '-' || *c == '.')
					*c = '_';
			printf("bench: %s %.0f execs/s\n", name,
			       bench_median(v, SAMPLES));
			fflush(stdout);
			scenario_program_free(sp);
		}
	}
	scenario_list_free(files);

	/* 64 GiB, then a few executions allocating and freeing a THP */
	{
		struct physmem_config small = { .mem_bytes = 4UL << 20,
						.nr_nodes = 2 };
		struct physmem_config c = { .mem_bytes = 64UL << 30,
					    .nr_nodes = 2 };
		unsigned long before;

		/* baseline: the same process with 4 MiB configured */
		physmem_init(&small);
		before = rss_kib();
		if (physmem_init(&c) == 0) {
			for (int i = 0; i < 10; i++) {
				struct sim_config sc = { 0 };
				struct page *p;

				sim_exec_begin(&sc);
				p = alloc_pages(__GFP_ZERO | __GFP_COMP,
						HPAGE_PMD_ORDER);
				if (p)
					__free_pages(p, HPAGE_PMD_ORDER);
			}
			printf("bench: rss_mem_64g %ld KiB\n",
			       (long)rss_kib() - (long)before);
		}
	}
	return 0;
}
