// SPDX-License-Identifier: GPL-2.0
/*
 * bench_swap - (1) swap-out + swap-in throughput of the model: a 4 MiB
 * region filled, paged out (MADV_PAGEOUT) and read back, pages/s counting
 * each page twice (out and in); the host kernel's figure for the same work
 * when it has swap (a host without swap prints none: /proc/swaps lists no
 * device); (2) device migration, pages/s (to the device and back, each
 * page twice); (3) time to detect migrate-vma-dirty-loss with the default
 * search: median over 20 seeds of executions and milliseconds, and the
 * same for swapoff-vs-swapin; (4) swapoff of 4 MiB swapped out, pages/s;
 * the host's swap devices (0: no host swap figure). One
 * "bench: <name> <value> <unit>" line each.
 */
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "explore/explore.h"
#include "explore/program.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"

#define NPAGES 1024	/* 4 MiB */

static struct mmsim_program *load_text(const char *text)
{
	struct scenario_error e;
	struct scenario *s = scenario_parse(text, strlen(text), "bench", &e);
	char err[256];

	if (!s) {
		fprintf(stderr, "%s\n", e.text);
		exit(1);
	}
	return scenario_program(s, err, sizeof(err));
}

/* Seconds for one execution of @text (the program is built outside). */
static double time_one(const char *text)
{
	struct mmsim_program *p = load_text(text);
	struct explore_opts o = { .strategy = "random", .runs = 1 };
	struct explore_result r;
	double t0;

	memset(&r, 0, sizeof(r));
	t0 = bench_now();
	explore(p, &o, &r);
	t0 = bench_now() - t0;
	if (r.failures) {
		fprintf(stderr, "bench_swap: the run failed: %s\n",
			r.nr_fail ? r.fail[0].msg : "?");
		exit(1);
	}
	explore_result_free(&r);
	scenario_program_free(p);
	return t0;
}

/*
 * rate2 - pages/s of @ops (each page counted @times), run after @pre:
 * the same run without @ops is timed too and subtracted (its cost is not
 * theirs). Median of 5.
 */
static double rate2(const char *pre, const char *ops, double times)
{
	char text[1024];
	double base, full, v[5];

	for (int i = 0; i < 5; i++) {
		snprintf(text, sizeof(text),
			 "config mem=16M swap=8M device=8M\n"
			 "thread main:\n\tmmap A 4M anon\n\tfill A 4M 0x5\n"
			 "%s\tcheck A 4M 0x5\nexpect ok\n", pre);
		base = time_one(text);
		snprintf(text, sizeof(text),
			 "config mem=16M swap=8M device=8M\n"
			 "thread main:\n\tmmap A 4M anon\n\tfill A 4M 0x5\n"
			 "%s%s\tcheck A 4M 0x5\nexpect ok\n", pre, ops);
		full = time_one(text);
		v[i] = times * NPAGES / (full > base ? full - base : full);
	}
	return bench_median(v, 5);
}

static double rate(const char *ops)
{
	return rate2("", ops, 2.0);
}

/* Swap devices of the host (/proc/swaps lines after its header). */
static int host_swap_devices(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[512];
	int n = -1;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n < 0 ? 0 : n;
}

static void detect(const char *name, const char *path)
{
	int id = sim_regress_by_name(name);
	struct scenario_error e;
	struct scenario *s = scenario_load_file(path, &e);
	char err[256];
	struct mmsim_program *p = s ? scenario_program(s, err, sizeof(err)) :
				      NULL;
	double execs[20], ms[20];
	int found = 0;

	if (!p || id < 0)
		return;
	sim_regress_set(id, true);
	for (int seed = 0; seed < 20; seed++) {
		struct explore_opts o = { .runs = 10000, .seed = seed };
		struct explore_result r;
		double t0 = bench_now();

		memset(&r, 0, sizeof(r));
		explore(p, &o, &r);
		if (r.failures) {
			execs[found] = r.executions;
			ms[found++] = (bench_now() - t0) * 1e3;
		}
		explore_result_free(&r);
	}
	sim_regress_clear();
	printf("bench: detect_%s_found_of_20 %d seeds\n", name, found);
	if (found >= 10) {
		printf("bench: detect_%s_median_execs %.0f executions\n", name,
		       bench_median(execs, found));
		printf("bench: detect_%s_median_ms %.1f ms\n", name,
		       bench_median(ms, found));
	}
	scenario_program_free(p);
}

int main(void)
{
	scenario_runner_register();
	printf("bench: swap_model_out_in %.0f pages/s\n",
	       rate("\tpageout A\n"));
	printf("bench: device_migrate_model %.0f pages/s\n",
	       rate("\tdevice-migrate A to=device\n"
		    "\tdevice-migrate A to=system\n"));
	/* swapoff brings 1,024 swapped-out pages back: each counted once */
	printf("bench: swapoff_model %.0f pages/s\n",
	       rate2("\tpageout A\n", "\tswapoff\n", 1.0));
	/* the host figure needs a swap device: none means no host line */
	printf("bench: host_swap_devices %d devices\n", host_swap_devices());
	detect("migrate-vma-dirty-loss",
	       "scenarios/seed004-device-migrate-dirty.mms");
	detect("swapoff-vs-swapin", "scenarios/swapoff-vs-swapin.mms");
	return 0;
}
