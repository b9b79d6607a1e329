// SPDX-License-Identifier: GPL-2.0
/*
 * t_memory_models - every shipped scenario that expects `ok` stays clean
 * with store buffers on: run under memory=tso and memory=arm64 (its own
 * config otherwise), random and PCT, a small budget each (~0.5 s per
 * scenario and model under ASan). A scenario of a part of the model that
 * does not exist yet is a SKIP. The catalogued scenarios that need a
 * machine not modelled yet (sim/regress.c .needs) must at least be clean
 * with their switch off under memory=arm64.
 *
 * Also: the store buffers really are on in these runs (a scenario's
 * execution under arm64 makes drain choices: its schedules differ from
 * sc's), so "clean" is not "the same executions as sc".
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/program.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "sim/storebuf.h"
#include "tap.h"

static const char *const mname[] = { "sc", "tso", "arm64" };

static struct explore_result run(const struct mmsim_program *p,
				 const char *strategy, uint64_t runs,
				 double seconds)
{
	struct explore_opts o = { .strategy = strategy, .runs = runs,
				  .time_limit = seconds };
	struct explore_result r;

	memset(&r, 0, sizeof(r));
	explore(p, &o, &r);
	return r;
}

/* Run @path under memory @m (unless its config names one): a TAP line. */
static void check(const char *path, int m)
{
	struct scenario_error e;
	struct scenario *s = scenario_load_file(path, &e);
	struct mmsim_program *p;
	struct explore_result a, b;
	char err[512];

	if (!s) {
		ok(0, "%s parses (%s)", path, e.text);
		return;
	}
	if (s->config.memory == SCN_MEMORY_SC)
		s->config.memory = m;
	p = scenario_program(s, err, sizeof(err));
	if (!p) {
		skip(path, strstr(err, "error: ") ? strstr(err, "error: ") + 7 :
						    err);
		scenario_free(s);
		return;
	}
	a = run(p, "random", 1000, 0.35);
	/* the THP scenarios run ~100/s under ASan: a few PCT runs */
	b = a.executions < 200 ? run(p, "pct:3", 10, 0) :
				 run(p, "pct:3", 500, 0.2);
	ok(a.failures == 0 && b.failures == 0 && !a.error[0] &&
		   a.executions >= 10 && b.executions >= 1,
	   "%s under memory=%s: no violation in %llu random + %llu PCT "
	   "executions", path, mname[s->config.memory],
	   (unsigned long long)a.executions,
	   (unsigned long long)b.executions);
	if (a.nr_fail)
		diag("%s", a.fail[0].msg);
	if (b.nr_fail)
		diag("%s", b.fail[0].msg);
	explore_result_free(&a);
	explore_result_free(&b);
	scenario_program_free(p);
}

/* The schedules of one seed under sc and arm64 differ: drains happen. */
static void check_drains(void)
{
	const char *path = "scenarios/cow-fault-vs-pin.mms";
	char sched[2][8192];

	for (int m = 0; m < 3; m += 2) {
		struct scenario_error e;
		struct scenario *s = scenario_load_file(path, &e);
		char err[512];
		struct mmsim_program *p = s ? scenario_program(s, err,
							       sizeof(err)) :
					      NULL;
		struct sim_config cfg = { .strategy = sim_strategy_random(),
					  .seed = 3 };
		struct sim_result r;

		sched[m / 2][0] = 0;
		if (!p) {
			scenario_free(s);
			continue;
		}
		s->config.memory = m;
		program_exec(p, &cfg, &r);
		snprintf(sched[m / 2], sizeof(sched[0]), "%s", sim_schedule());
		scenario_program_free(p);
	}
	ok(sched[0][0] && !strpbrk(sched[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
		   strpbrk(sched[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
	   "%s: under memory=arm64 the schedule makes drain choices (A-Z), "
	   "under sc none", path);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	DIR *d = opendir("scenarios");
	struct dirent *de;
	char *names[256];
	int n = 0;

	scenario_runner_register();
	while (d && (de = readdir(d)) && n < 256)
		if (strstr(de->d_name, ".mms"))
			names[n++] = strdup(de->d_name);
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	check_drains();
	for (int i = 0; i < n; i++) {
		char path[512];
		struct scenario_error e;
		struct scenario *s;
		bool expect_ok;

		snprintf(path, sizeof(path), "scenarios/%s", names[i]);
		s = scenario_load_file(path, &e);
		expect_ok = s && s->expect.verdict == SCN_EXPECT_OK;
		scenario_free(s);
		if (expect_ok) {
			check(path, SIM_MEM_TSO);
			check(path, SIM_MEM_ARM64);
		}
		free(names[i]);
	}
	for (int id = 0; id < SIM_REGRESS__NR; id++) {
		if (!sim_regress_table[id].needs)
			continue;
		sim_regress_clear();
		check(sim_regress_table[id].scenario, SIM_MEM_ARM64);
	}
	return done_testing();
}
