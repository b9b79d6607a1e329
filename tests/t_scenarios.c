// SPDX-License-Identifier: GPL-2.0
/*
 * t_scenarios - every shipped scenario keeps the promise of its `expect`
 * line, through the real parser, runner, model and oracle:
 *
 *  - `expect ok`: no violation over 5,000 random and 2,000 PCT (depth 3)
 *    executions, and a bounded proof where it fits the suite: dpor:1
 *    (dfs:1 under store buffers) exhausts clean within RUNG_EXECS
 *    executions and OK_PROOF_STEPS events (no execution starts past
 *    them; a THP split's proof would be tens of millions). Where it does
 *    not end within them, the line says the result is a sample; at least
 *    OK_PROVED_MIN scenarios must be proved (71 of 81 in session 11). A
 *    scenario using a part of the model that does not exist yet is a
 *    SKIP naming the op.
 *  - every catalogued regression (sim/regress.c) in both directions: with
 *    its switch on the explorer finds a violation of the scenario's
 *    expected kind within ON_BUDGET executions of the default strategy
 *    (a bug the catalogue says the default search misses is a SKIP of
 *    that direction only, saying why: none today); with it off, no bug
 *    skipped, a proof where one fits the budget: bounded DPOR (dpor:1, dpor:2,
 *    dpor:3, then unbounded, each while the last one exhausted, each
 *    within 1,200 executions: a count, not a time, so a loaded machine
 *    changes nothing) exhausts clean to the largest bound it reaches;
 *    where DPOR cannot run (memory=tso|arm64), bounded dfs the same way
 *    (dfs:1, dfs:2, ...); where not even the first rung exhausts, a
 *    sample of 20,000 executions with the default strategy.
 *  - a scenario whose assertion is false is reported (the runner can fail).
 *
 * About 60 s of CPU under ASan (the DPOR ladders; thp-numa-count-recheck
 * is found after 1,452 THP executions, seed 0, since the read-back).
 */
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/program.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "explore_test.h"
#include "tap.h"

#define RUNG_EXECS	1200	/* executions a DPOR rung may take */
#define OK_PROOF_STEPS	2000000	/* events an `expect ok` proof may take */
#define OK_PROVED_MIN	60	/* `expect ok` scenarios proved, at least */
#define SAMPLE_EXECS	20000	/* the fallback sample */
/* The default search's budget to find a catalogued bug: each is found
 * in < 2,000 executions (seed 0; session 8: thp-numa-count-recheck
 * 1,452 by rff, page-ref-unfreeze-relaxed 1,309 by pct:2); the budget
 * leaves room for a slower seed or model change. */
#define ON_BUDGET	80000

static struct explore_result run(const struct mmsim_program *p,
				 const char *strategy, uint64_t runs)
{
	return explore_for(p, strategy, runs, 0);
}

/* Does the first failure's message start with "@kind:"? */
static bool kind_is(const struct explore_result *r, const char *kind)
{
	size_t n = strlen(kind);

	return r->nr_fail && r->fail[0].msg &&
	       !strncmp(r->fail[0].msg, kind, n) && r->fail[0].msg[n] == ':';
}

/*
 * The clean direction of @bug (its switch off) on @p: the largest bound
 * at which DPOR exhausts clean within the budget, else a sample.
 */
static void check_clean(const struct sim_regress *bug,
			const struct mmsim_program *p)
{
	static const char *const dpor_ladder[] = { "dpor:1", "dpor:2",
						   "dpor:3", "dpor" };
	/* where DPOR cannot run (store buffers): plain bounded dfs */
	static const char *const dfs_ladder[] = { "dfs:1", "dfs:2", "dfs:3",
						  "dfs:4" };
	const char *const *ladder = dpor_ladder;
	const char *proved = NULL;
	uint64_t execs = 0, bad = 0;
	struct explore_result r;

	for (size_t i = 0; i < 4; i++) {
		r = run(p, ladder[i], RUNG_EXECS);
		if (i == 0 && ladder == dpor_ladder && r.error[0] &&
		    !r.failures) {
			explore_result_free(&r);
			ladder = dfs_ladder;
			r = run(p, ladder[i], RUNG_EXECS);
		}
		bad += r.failures;
		if (r.nr_fail)
			diag("%s: %s", ladder[i], r.fail[0].msg);
		if (r.exhausted && !r.failures) {
			proved = ladder[i];
			execs = r.executions;
		}
		explore_result_free(&r);
		if (proved != ladder[i])
			break;
	}
	if (proved && !bad) {
		struct explore_result fake = { .exhausted = true };

		ok(1, "%s: clean with the switch off, proved by %s: "
		   "exhausted: %llu executions, %s", bug->name, proved,
		   (unsigned long long)execs, report_coverage(proved, &fake));
		return;
	}
	/* NULL: the default strategy (the portfolio, once it lands) */
	r = run(p, NULL, SAMPLE_EXECS);
	ok(!bad && r.failures == 0 && r.executions == SAMPLE_EXECS,
	   "%s: clean with the switch off, sampled %llu executions (no "
	   "DPOR bound exhausted in %d executions)", bug->name,
	   (unsigned long long)r.executions, RUNG_EXECS);
	if (r.nr_fail)
		diag("%s", r.fail[0].msg);
	explore_result_free(&r);
}

static void check_bug(int id)
{
	const struct sim_regress *bug = &sim_regress_table[id];
	struct scenario_error e;
	struct scenario *s = scenario_load_file(bug->scenario, &e);
	char err[512];
	struct mmsim_program *p;
	struct explore_result on;

	if (!s) {
		ok(0, "%s: its scenario %s loads (%s)", bug->name,
		   bug->scenario, e.text);
		return;
	}
	p = scenario_program(s, err, sizeof(err));
	if (!p) {
		ok(0, "%s: its scenario runs (%s)", bug->name, err);
		scenario_free(s);
		return;
	}
	if (bug->needs) {
		skip(bug->name, bug->needs);
		scenario_program_free(p);
		return;
	}
	if (bug->default_search_misses) {
		/* a known gap of the search; its C twin proves it both ways */
		skip(bug->name, bug->default_search_misses);
		on = (struct explore_result){ 0 };
	} else {
		sim_regress_clear();
		sim_regress_set(id, true);
		on = run(p, NULL, ON_BUDGET);
		sim_regress_clear();
		ok(on.failures > 0 &&
			   s->expect.verdict == SCN_EXPECT_VIOLATION &&
			   (!s->expect.kind || kind_is(&on, s->expect.kind)),
		   "%s (%s %s): found with the switch on, as %s, after %llu "
		   "executions",
		   bug->name, bug->commit, bug->date,
		   s->expect.kind ? s->expect.kind : "any violation",
		   (unsigned long long)on.executions);
	}
	check_clean(bug, p);
	explore_result_free(&on);
	scenario_program_free(p);
}

/* @strategy on @p for at most @runs executions and about @steps events. */
static struct explore_result run_steps(const struct mmsim_program *p,
				       const char *strategy, uint64_t runs,
				       uint64_t steps)
{
	struct explore_opts o = { .strategy = strategy, .runs = runs,
				  .max_steps = steps };
	struct explore_result r;

	memset(&r, 0, sizeof(r));
	explore(p, &o, &r);
	return r;
}

/*
 * An `expect ok` scenario (@s, freed here): the sample, then dpor:1 (else
 * dfs:1) within RUNG_EXECS executions and OK_PROOF_STEPS events. True if
 * proved.
 */
static bool check_ok(const char *path, struct scenario *s)
{
	char err[512];
	struct mmsim_program *p = scenario_program(s, err, sizeof(err));
	struct explore_result a, b, r;
	const char *rung = "dpor:1";
	bool proved;

	if (!p) {
		skip(path, strstr(err, "error: ") ? strstr(err, "error: ") + 7 :
						    err);
		scenario_free(s);
		return false;
	}
	a = run(p, "random", 5000);
	b = run(p, "pct:3", 2000);
	r = run_steps(p, rung, RUNG_EXECS, OK_PROOF_STEPS);
	if (r.error[0] && !r.failures) {	/* store buffers */
		explore_result_free(&r);
		rung = "dfs:1";
		r = run_steps(p, rung, RUNG_EXECS, OK_PROOF_STEPS);
	}
	proved = r.exhausted && !r.failures && !r.error[0];
	ok(a.failures == 0 && b.failures == 0 && r.failures == 0 &&
		   !a.error[0],
	   "%s: no violation in %llu random + %llu PCT executions; %s%s%s "
	   "(%llu executions)", path, (unsigned long long)a.executions,
	   (unsigned long long)b.executions,
	   proved ? "proved to 1 preemption by " : "a sample: no proof, ",
	   rung, proved ? "" : " did not exhaust",
	   (unsigned long long)r.executions);
	for (int i = 0; i < 3; i++) {
		const struct explore_result *x = i == 0 ? &a : i == 1 ? &b : &r;

		if (x->nr_fail)
			diag("%s", x->fail[0].msg);
	}
	explore_result_free(&a);
	explore_result_free(&b);
	explore_result_free(&r);
	scenario_program_free(p);
	return proved;
}

/* A scenario with a false assertion must fail: the runner is not inert. */
static void check_negative_control(void)
{
	static const char text[] = "config mem=4M\n"
				   "thread main:\n"
				   "\tmmap A 4K anon\n"
				   "\tstore A 0x1\n"
				   "\tfork child\n"
				   "\tstore A 0x2\n"
				   "thread c in child:\n"
				   "\tload A == 0x2\n"
				   "expect violation wrong-value\n";
	struct scenario_error e;
	struct scenario *s = scenario_parse(text, sizeof(text) - 1,
					    "negative.mms", &e);
	char err[512];
	struct mmsim_program *p = s ? scenario_program(s, err, sizeof(err)) :
				      NULL;
	struct explore_result r;

	if (!p) {
		ok(0, "the negative control loads (%s)", s ? err : e.text);
		scenario_free(s);
		return;
	}
	r = run(p, "random", 100);
	ok(r.failures > 0 && kind_is(&r, "wrong-value"),
	   "A child never sees its parent's store after fork: a scenario "
	   "claiming it does is reported");
	explore_result_free(&r);
	scenario_program_free(p);
}

int main(void)
{
	char **files;
	int nr_proved = 0;

	scenario_runner_register();
	files = scenario_list_files("scenarios", NULL);
	check_negative_control();
	for (char **f = files; f && *f; f++) {
		const char *path = *f;
		struct scenario_error e;
		struct scenario *s;

		s = scenario_load_file(path, &e);
		if (!ok(s != NULL, "%s parses", path)) {
			diag("%s", e.text);
			continue;
		}
		if (s->expect.verdict == SCN_EXPECT_OK)
			nr_proved += check_ok(path, s);
		else
			scenario_free(s);	/* bugs: below, by catalogue */
	}
	scenario_list_free(files);
	ok(nr_proved >= OK_PROVED_MIN, "%d `expect ok` scenarios proved to 1 "
	   "preemption (at least %d)", nr_proved, OK_PROVED_MIN);
	for (int id = 0; id < SIM_REGRESS__NR; id++)
		if (!sim_regress_table[id].placeholder)
			check_bug(id);
	return done_testing();
}
