// SPDX-License-Identifier: GPL-2.0
/*
 * bench_arch - the cost of the arm64 machine and how fast its races are
 * found.
 *
 *	bench: arch_<file>_x86 <value> execs/s
 *	bench: arch_<file>_arm64 <value> execs/s
 *	bench: arch_<file>_arm64_vs_x86 <value> ratio
 *	bench: detect_<switch>_<strategy> <value> execs	(median, 20 seeds)
 *
 * Every shipped `expect ok` scenario the model can run, under random
 * search, as written (arch=x86 unless it says otherwise) and with
 * arch=arm64: median of 5 samples of at least 0.1 s each, the two
 * machines' samples interleaved so that load on the machine hits both.
 * Then the executions each of issue 10's switches needs to be found with
 * its catalogue strategy (the median over seeds 0..19; dfs is
 * deterministic and is run once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_rate.h"
#include "explore/explore.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"

#define SAMPLES 5
#define SAMPLE_SECONDS 0.1

/* One sample: executions per second over at least SAMPLE_SECONDS. */
static double sample(const struct mmsim_program *p, uint64_t seed)
{
	return bench_execs_per_s(p, "random", seed, 100, SAMPLE_SECONDS);
}

static struct mmsim_program *program_as(const char *path, int arch)
{
	struct scenario_error e;
	struct scenario *s = scenario_load_file(path, &e);
	struct mmsim_program *p;
	char err[512];

	if (!s)
		return NULL;
	if (s->expect.verdict != SCN_EXPECT_OK) {
		scenario_free(s);
		return NULL;
	}
	if (arch >= 0) {
		s->config.arch = arch;
		s->config.set |= SCN_CFG_ARCH;
	}
	p = scenario_program(s, err, sizeof(err));
	if (!p)
		scenario_free(s);
	return p;
}

static void measure(const char *path, const char *base)
{
	struct mmsim_program *x = program_as(path, -1);
	struct mmsim_program *a = program_as(path, SCN_ARCH_ARM64);
	double vx[SAMPLES], va[SAMPLES], mx, ma;
	char name[256], *c;

	if (!x || !a) {
		scenario_program_free(x);
		scenario_program_free(a);
		return;
	}
	for (int k = 0; k < SAMPLES; k++) {
		vx[k] = sample(x, 1000 * k);
		va[k] = sample(a, 1000 * k);
	}
	mx = bench_median(vx, SAMPLES);
	ma = bench_median(va, SAMPLES);
	snprintf(name, sizeof(name), "arch_%s", base);
	if ((c = strstr(name, ".mms")))
		*c = 0;
	for (c = name; *c; c++)
		if (*c == '-')
			*c = '_';
	printf("bench: %s_x86 %.0f execs/s\n", name, mx);
	printf("bench: %s_arm64 %.0f execs/s\n", name, ma);
	printf("bench: %s_arm64_over_x86_rate_ratio_higher_better %.2f x\n",
	       name, ma / mx);
	scenario_program_free(x);
	scenario_program_free(a);
}

/* Executions until the first violation of @name's scenario, switch on. */
static void detect(const char *name, int seeds)
{
	int id = sim_regress_by_name(name);
	const struct sim_regress *bug = &sim_regress_table[id];
	struct scenario_error e;
	struct scenario *s = scenario_load_file(bug->scenario, &e);
	const char *st = "default";	/* no strategy is chosen per bug */
	struct mmsim_program *p;
	double v[32];
	char err[512], label[128], *c;
	int n = 0;

	if (!s || !(p = scenario_program(s, err, sizeof(err))))
		return;
	sim_regress_set(id, true);
	for (int k = 0; k < seeds; k++) {
		struct explore_opts o = { .strategy = st, .runs = 200000,
					  .seed = k };
		struct explore_result r;

		explore(p, &o, &r);
		if (r.failures)
			v[n++] = r.executions;
		explore_result_free(&r);
	}
	sim_regress_clear();
	snprintf(label, sizeof(label), "detect_%s_%s", name, st);
	for (c = label; *c; c++)
		if (*c == '-' || *c == ':')
			*c = '_';
	if (n == seeds)
		printf("bench: %s %.0f execs\n", label, bench_median(v, n));
	else
		fprintf(stderr, "%s: found in %d of %d seeds\n", label, n,
			seeds);
	scenario_program_free(p);
}

int main(void)
{
	char **files;

	scenario_runner_register();
	files = scenario_list_files("scenarios", NULL);
	for (char **f = files; f && *f; f++)
		measure(*f, scenario_file_name(*f));
	scenario_list_free(files);
	detect("gup-fast-no-recheck", 20);
	detect("numa-protnone-no-flush", 1);
	detect("numa-wait-on-freed-page", 20);
	return 0;
}
