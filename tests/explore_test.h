/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/explore_test.h - running the explorer from a test: a budget of
 * executions and/or seconds, and the programs a test names.
 */
#ifndef MMSIM_TESTS_EXPLORE_TEST_H
#define MMSIM_TESTS_EXPLORE_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/program.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "tap.h"

/*
 * explore_budget - explore @p with @strategy (NULL: the default search)
 * for @runs executions (0: no count) and at most @seconds (0: no time
 * limit); @keep_going: on past failures. The result is the caller's to
 * explore_result_free().
 */
static inline struct explore_result
explore_budget(const struct mmsim_program *p, const char *strategy,
	       uint64_t runs, double seconds, bool keep_going)
{
	struct explore_opts o = { .strategy = strategy, .runs = runs,
				  .time_limit = seconds,
				  .keep_going = keep_going };
	struct explore_result r;

	memset(&r, 0, sizeof(r));
	explore(p, &o, &r);
	return r;
}

/* explore_for - explore_budget() stopping at the first failure. */
static inline struct explore_result
explore_for(const struct mmsim_program *p, const char *strategy,
	    uint64_t runs, double seconds)
{
	return explore_budget(p, strategy, runs, seconds, false);
}

/*
 * test_program_load - the program of scenario @text (parsed as file
 * @name), or of the file @name when @text is NULL; errors are
 * diagnostics and NULL.
 */
static inline struct mmsim_program *test_program_load(const char *name,
							  const char *text)
{
	struct scenario_error e;
	struct scenario *s;
	struct mmsim_program *p;
	char err[512];

	s = text ? scenario_parse(text, strlen(text), name, &e) :
		   scenario_load_file(name, &e);
	if (!s) {
		diag("%s: %s", name, e.text);
		return NULL;
	}
	p = scenario_program(s, err, sizeof(err));
	if (!p) {
		diag("%s: %s", name, err);
		scenario_free(s);
	}
	return p;
}

/*
 * check_scenario_exhausted - a TAP line: the scenario file @path is
 * clean in every schedule @bound ("dpor:P") covers, the bound was
 * exhausted within @seconds, and at least @min executions ran.
 */
static inline void check_scenario_exhausted(const char *path,
					    const char *bound, uint64_t min,
					    double seconds)
{
	struct mmsim_program *p = test_program_load(path, NULL);
	struct explore_result r;

	if (!p) {
		ok(0, "%s loads and runs", path);
		return;
	}
	r = explore_for(p, bound, 0, seconds);
	ok(r.failures == 0 && r.exhausted && r.executions >= min,
	   "%s: %s exhausts %llu executions clean", path, bound,
	   (unsigned long long)r.executions);
	if (r.nr_fail)
		diag("%s", r.fail[0].msg);
	explore_result_free(&r);
	scenario_program_free(p);
}

/* builtin_program - program_load(@name), its error a diagnostic. */
static inline const struct mmsim_program *builtin_program(const char *name)
{
	char err[256];
	const struct mmsim_program *p = program_load(name, err, sizeof(err));

	if (!p)
		diag("%s", err);
	return p;
}

/*
 * check_scenario_clean - a TAP line: scenario @s (ours: freed here) has
 * no violation in @random_runs random then @pct_runs PCT (depth 3)
 * executions, each search stopping after @seconds (0: no limit), and ran
 * at least @min_runs in all. A scenario of a part of the model that does
 * not exist yet is a SKIP naming it.
 */
static inline void check_scenario_clean(const char *what, struct scenario *s,
					uint64_t random_runs,
					uint64_t pct_runs, double seconds,
					uint64_t min_runs)
{
	char err[512];
	struct mmsim_program *p = scenario_program(s, err, sizeof(err));
	struct explore_result a, b;

	if (!p) {
		skip(what, strstr(err, "error: ") ? strstr(err, "error: ") + 7 :
						    err);
		scenario_free(s);
		return;
	}
	a = explore_for(p, "random", random_runs, seconds);
	b = explore_for(p, "pct:3", pct_runs, seconds);
	ok(a.failures == 0 && b.failures == 0 && !a.error[0] &&
		   a.executions + b.executions >= min_runs,
	   "%s: no violation in %llu random + %llu PCT executions", what,
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

#endif /* MMSIM_TESTS_EXPLORE_TEST_H */
