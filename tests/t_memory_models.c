// SPDX-License-Identifier: GPL-2.0
/*
 * t_memory_models - every shipped scenario that expects `ok` stays clean
 * with store buffers on: under memory=tso (x86's machine) and under
 * arch=arm64 memory=arm64 (its own config otherwise), 1,200 executions of
 * the default search each (the portfolio), ~25 s for the file under ASan.
 * A scenario of a part of the model that does not exist yet is a SKIP.
 * The catalogued scenarios that need a machine not modelled yet
 * (sim/regress.c .needs) must at least be clean with their switch off
 * under memory=arm64, but for the anon-exclusive-set-vs-gup-fast warning
 * (docs/bugs.md: arm64 allows it in the kernel), which is checked both
 * ways on its own scenario.
 *
 * Also: the store buffers really are on in these runs (a scenario's
 * execution under arm64 makes drain choices: its schedules differ from
 * sc's), so "clean" is not "the same executions as sc".
 */
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/program.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "sim/storebuf.h"
#include "explore_test.h"
#include "tap.h"

static const char *const mname[] = { "sc", "tso", "arm64" };

/*
 * Each scenario and model: CHECK_RUNS executions of the default search (a
 * count, not a time: a loaded machine changes nothing; the THP scenarios
 * run ~800 a second under ASan).
 */
#define CHECK_RUNS	1200
static uint64_t total_runs;

static bool is_finding(const char *msg, const char *func);

/* Failures of @r that are not the finding (all of them unless @allow). */
static uint64_t real_failures(const struct explore_result *r, bool allow,
			      uint64_t *findings)
{
	uint64_t n = 0;

	if (!allow)
		return r->failures;
	for (size_t i = 0; i < r->nr_fail; i++) {
		if (is_finding(r->fail[i].msg, r->fail[i].site_func))
			(*findings)++;
		else
			n++;
	}
	/* failures beyond the kept ones were not looked at: count them */
	return n + (r->failures - r->nr_fail);
}

/*
 * Run @path under memory @m (unless its config names one): a TAP line.
 * @allow_finding: the anon-exclusive-set-vs-gup-fast warning is not a
 * failure (a catalogued scenario's clean direction on the legacy THP path).
 */
static void check(const char *path, int m, bool allow_finding)
{
	uint64_t findings = 0;
	struct scenario_error e;
	struct scenario *s = scenario_load_file(path, &e);
	struct mmsim_program *p;
	struct explore_result a;
	char err[512];

	if (!s) {
		ok(0, "%s parses (%s)", path, e.text);
		return;
	}
	if (s->config.memory == SCN_MEMORY_SC)
		s->config.memory = m;
	if (s->config.memory == SCN_MEMORY_ARM64) {
		/* the whole arm64 machine: broadcast TLBI, RCU table free */
		s->config.arch = SCN_ARCH_ARM64;
		s->config.set |= SCN_CFG_ARCH;
	}
	p = scenario_program(s, err, sizeof(err));
	if (!p) {
		skip(path, strstr(err, "error: ") ? strstr(err, "error: ") + 7 :
						    err);
		scenario_free(s);
		return;
	}
	/* NULL: the default search (the portfolio: POS, PCT, random...) */
	a = explore_budget(p, NULL, CHECK_RUNS, 0, allow_finding);
	ok(real_failures(&a, allow_finding, &findings) == 0 && !a.error[0] &&
		   a.executions == CHECK_RUNS,
	   "%s under memory=%s: no violation in %llu default executions%s",
	   path, mname[s->config.memory], (unsigned long long)a.executions,
	   allow_finding ? " (but the anon-exclusive-set-vs-gup-fast "
			   "warning)" : "");
	total_runs += a.executions;
	if (findings)
		diag("%llu executions showed the anon-exclusive-set-vs-gup-"
		     "fast warning", (unsigned long long)findings);
	if (a.nr_fail)
		diag("%s", a.fail[0].msg);
	explore_result_free(&a);
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

/*
 * The anon-exclusive-set-vs-gup-fast finding (docs/bugs.md): arm64 lets
 * GUP-fast see a new PMD before the PG_anon_exclusive set ahead of it, and
 * sanity_check_pinned_pages() warns. Is @r's first failure that warning?
 */
#define FINDING_SCENARIO "scenarios/anon-exclusive-set-vs-gup-fast.mms"
#define FINDING_SCHEDULE "Aa2c39AB2b15"

static bool is_finding(const char *msg, const char *func)
{
	return msg && !strncmp(msg, "VM_WARN_ON_ONCE_PAGE(!PageAnonExclusive",
			       39) &&
	       func && !strcmp(func, "sanity_check_pinned_pages");
}

/* Replayed under arm64 it fires; under tso (stores in order) never. */
static void check_finding(void)
{
	struct scenario_error e;
	struct scenario *s = scenario_load_file(FINDING_SCENARIO, &e);
	struct mmsim_program *p;
	struct sim_config cfg = { .replay = FINDING_SCHEDULE };
	struct sim_result r;
	struct explore_result t;
	char err[512];

	if (!s) {
		ok(0, "%s parses (%s)", FINDING_SCENARIO, e.text);
		return;
	}
	p = scenario_program(s, err, sizeof(err));
	if (!p) {
		ok(0, "%s runs (%s)", FINDING_SCENARIO, err);
		scenario_free(s);
		return;
	}
	program_exec(p, &cfg, &r);
	ok(s->config.memory == SCN_MEMORY_ARM64 && r.outcome == SIM_VIOLATION &&
		   is_finding(r.msg, r.fail_site ? r.fail_site->func : NULL),
	   "%s: schedule %s under memory=arm64: sanity_check_pinned_pages "
	   "warns (the PMD visible before PG_anon_exclusive)",
	   FINDING_SCENARIO, FINDING_SCHEDULE);
	if (r.outcome != SIM_OK)
		diag("%s", r.msg);
	s->config.memory = SCN_MEMORY_TSO;
	t = explore_for(p, NULL, 400, 0);
	ok(t.failures == 0 && t.executions == 400,
	   "%s under memory=tso: no warning in %llu default executions "
	   "(stores become visible in order)", FINDING_SCENARIO,
	   (unsigned long long)t.executions);
	if (t.nr_fail)
		diag("%s", t.fail[0].msg);
	explore_result_free(&t);
	scenario_program_free(p);
}

int main(void)
{
	char **files;

	scenario_runner_register();
	files = scenario_list_files("scenarios", NULL);
	check_drains();
	check_finding();
	for (char **f = files; f && *f; f++) {
		struct scenario_error e;
		struct scenario *s = scenario_load_file(*f, &e);
		bool expect_ok = s && s->expect.verdict == SCN_EXPECT_OK;

		scenario_free(s);
		if (expect_ok) {
			check(*f, SIM_MEM_TSO, false);
			check(*f, SIM_MEM_ARM64, false);
		}
	}
	scenario_list_free(files);
	for (int id = 0; id < SIM_REGRESS__NR; id++) {
		if (!sim_regress_table[id].needs)
			continue;
		sim_regress_clear();
		check(sim_regress_table[id].scenario, SIM_MEM_ARM64, true);
	}
	diag("%llu default executions over the shipped scenarios under "
	     "tso and arm64", (unsigned long long)total_runs);
	return done_testing();
}
