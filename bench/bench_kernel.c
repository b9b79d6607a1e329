// SPDX-License-Identifier: GPL-2.0
/*
 * bench_kernel - the model's and the host kernel's wall time for each
 * compared scenario (the .mms files of scenarios/kernel), side by side in
 * one run:
 * `./mmsim kernel FILE` prints both ("time: model X ms, host Y ms"); the
 * median of 5 runs of each, and their ratio, one line per scenario:
 *
 *	bench: kernel_<scenario>_model_ms <ms> ms
 *	bench: kernel_<scenario>_host_ms <ms> ms
 *	bench: kernel_<scenario>_model_host_ratio_lower_better <r> ratio
 *
 * Model time: the one execution (program_exec, with the pagemap
 * snapshots after every op); host time: the worker processes, their
 * system calls and the pagemap reads after every op. A scenario the host
 * skips prints nothing (the reason goes to stderr).
 */
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "scenario/scenario.h"

#define RUNS 5

/* one `mmsim kernel` run: its model and host milliseconds; -1: skipped */
static int run_once(const char *file, double *model, double *host)
{
	char cmd[600], line[512];
	FILE *p;
	int got = 0;

	snprintf(cmd, sizeof(cmd), "./mmsim kernel %s 2>&1", file);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "time: model %lf ms, host %lf ms", model,
			   host) == 2)
			got = 1;
		else if (!strncmp(line, "SKIP ", 5) &&
			 !strstr(line, "soft-dirty"))
			fprintf(stderr, "bench_kernel: %s", line);
	pclose(p);
	return got ? 0 : -1;
}

int main(void)
{
	size_t n;
	char **files = scenario_list_files("scenarios/kernel", &n);

	for (size_t i = 0; i < n; i++) {
		double m[RUNS], h[RUNS], mm, hm;
		char name[128];
		int k;

		for (k = 0; k < RUNS; k++)
			if (run_once(files[i], &m[k], &h[k]))
				break;
		if (k < RUNS)
			continue;
		snprintf(name, sizeof(name), "%s", scenario_file_name(files[i]));
		name[strcspn(name, ".")] = 0;
		mm = bench_median(m, RUNS);
		hm = bench_median(h, RUNS);
		printf("bench: kernel_%s_model_ms %.3f ms\n", name, mm);
		printf("bench: kernel_%s_host_ms %.3f ms\n", name, hm);
		printf("bench: kernel_%s_model_host_ratio_lower_better %.3f "
		       "ratio\n", name, hm > 0 ? mm / hm : 0);
	}
	scenario_list_free(files);
	return 0;
}
