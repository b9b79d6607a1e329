/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/swap_test.h - helpers of t_swap, t_reclaim and t_device: run a
 * scenario (a file, or text written in the test) under a strategy and
 * report what the explorer found.
 */
#ifndef TESTS_SWAP_TEST_H
#define TESTS_SWAP_TEST_H

#include <string.h>

#include "explore/explore.h"
#include "explore/program.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "explore_test.h"
#include "tap.h"

/* st_explore - explore @p with @strategy (NULL: the default search). */
static struct explore_result st_explore(const struct mmsim_program *p,
					const char *strategy, uint64_t runs)
{
	struct explore_result r = explore_for(p, strategy, runs, 0);

	if (r.nr_fail)
		diag("%s", r.fail[0].msg);
	return r;
}

/* st_run_text - one execution of @text; true if it ran clean. */
static bool st_run_text(const char *name, const char *text)
{
	struct mmsim_program *p = test_program_load(name, text);
	struct explore_result r;
	bool clean;

	if (!p)
		return false;
	r = st_explore(p, "random", 1);
	clean = r.executions == 1 && r.failures == 0;
	explore_result_free(&r);
	scenario_program_free(p);
	return clean;
}

/*
 * st_sample - @runs executions of the default search of scenario @name
 * (the file, or @text when non-NULL) run clean, all of them: for races
 * too long for a bounded proof under ASan. @what says what is shown.
 */
static inline void st_sample(const char *name, const char *text,
			     uint64_t runs, const char *what)
{
	struct mmsim_program *p = test_program_load(name, text);
	struct explore_result r;

	if (!ok(p != NULL, "%s loads", name))
		return;
	r = st_explore(p, NULL, runs);
	ok(r.failures == 0 && r.executions == runs,
	   "%s: %s (%llu executions of the default search clean)", name, what,
	   (unsigned long long)r.executions);
	explore_result_free(&r);
	scenario_program_free(p);
}

/*
 * st_proof - @path is clean under a bounded proof (dpor:2 exhausted) and
 * @runs executions of the default search.
 */
static void st_proof(const char *path, uint64_t runs)
{
	struct mmsim_program *p = test_program_load(path, NULL);
	struct explore_result d, r;

	if (!ok(p != NULL, "%s loads", path))
		return;
	d = st_explore(p, "dpor:2", 0);
	r = st_explore(p, NULL, runs);
	ok(d.exhausted && d.failures == 0 && r.failures == 0,
	   "%s: clean (dpor:2 exhausted in %llu executions, %llu default)",
	   path, (unsigned long long)d.executions,
	   (unsigned long long)r.executions);
	explore_result_free(&d);
	explore_result_free(&r);
	scenario_program_free(p);
}

#endif /* TESTS_SWAP_TEST_H */
