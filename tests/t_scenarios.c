// SPDX-License-Identifier: GPL-2.0
/*
 * t_scenarios - every shipped scenario keeps the promise of its `expect`
 * line, through the real parser, runner, model and oracle:
 *
 *  - `expect ok`: no violation over 5,000 random and 2,000 PCT (depth 3)
 *    executions. A scenario using a part of the model that does not exist
 *    yet is a SKIP naming the op.
 *  - every catalogued regression (sim/regress.c) in both directions: with
 *    its switch on the explorer finds a violation of the scenario's
 *    expected kind within 20,000 executions of the catalogue's strategy; with it off 100,000
 *    executions (or as many as 25 s allow under ASan, at least 10,000:
 *    the THP scenarios run ~300/s here; docs/bugs.md records a full
 *    100,000-execution clean run of each with the -O2 binary) find none.
 *  - a scenario whose assertion is false is reported (the runner can fail).
 *
 * About 10 s under ASan.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/program.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "tap.h"

static struct explore_result run_for(const struct mmsim_program *p,
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

static struct explore_result run(const struct mmsim_program *p,
				 const char *strategy, uint64_t runs)
{
	return run_for(p, strategy, runs, 0);
}

/* Does the first failure's message start with "@kind:"? */
static bool kind_is(const struct explore_result *r, const char *kind)
{
	size_t n = strlen(kind);

	return r->nr_fail && r->fail[0].msg &&
	       !strncmp(r->fail[0].msg, kind, n) && r->fail[0].msg[n] == ':';
}

static void check_ok_scenario(const char *path, struct scenario *s)
{
	char err[512];
	struct mmsim_program *p = scenario_program(s, err, sizeof(err));
	struct explore_result a, b;

	if (!p) {
		skip(path, strstr(err, "error: ") ? strstr(err, "error: ") + 7 :
						    err);
		scenario_free(s);
		return;
	}
	a = run(p, "random", 5000);
	b = run(p, "pct:3", 2000);
	ok(a.failures == 0 && b.failures == 0 && !a.error[0],
	   "%s: no violation in %llu random + %llu PCT executions", path,
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

static void check_bug(int id)
{
	const struct sim_regress *bug = &sim_regress_table[id];
	struct scenario_error e;
	struct scenario *s = scenario_load_file(bug->scenario, &e);
	char err[512];
	struct mmsim_program *p;
	struct explore_result on, off;

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
	if (bug->runs > 20000) {
		/* too rare for an ASan run; its C twin proves it both ways */
		skip(bug->name, "needs up to its catalogue budget of "
				"executions: hunted by `mmsim bugs`; "
				"tests/t_migrate_regress.c proves it both "
				"ways in the suite");
		scenario_program_free(p);
		return;
	}
	sim_regress_clear();
	sim_regress_set(id, true);
	on = run(p, bug->strategy ? bug->strategy : "random", 20000);
	sim_regress_clear();
	ok(on.failures > 0 && s->expect.verdict == SCN_EXPECT_VIOLATION &&
		   (!s->expect.kind || kind_is(&on, s->expect.kind)),
	   "%s (%s %s): found with the switch on, as %s, after %llu "
	   "executions",
	   bug->name, bug->commit, bug->date,
	   s->expect.kind ? s->expect.kind : "any violation",
	   (unsigned long long)on.executions);
	off = run_for(p, "random", 100000, 25);
	ok(off.failures == 0 && off.executions >= 10000,
	   "%s: not found with the switch off in %llu executions", bug->name,
	   (unsigned long long)off.executions);
	if (off.nr_fail)
		diag("%s", off.fail[0].msg);
	explore_result_free(&on);
	explore_result_free(&off);
	scenario_program_free(p);
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
	qsort(names, n, sizeof(names[0]),
	      (int (*)(const void *, const void *))strcmp);
	check_negative_control();
	for (int i = 0; i < n; i++) {
		char path[512];
		struct scenario_error e;
		struct scenario *s;

		snprintf(path, sizeof(path), "scenarios/%s", names[i]);
		s = scenario_load_file(path, &e);
		if (!ok(s != NULL, "%s parses", path)) {
			diag("%s", e.text);
			continue;
		}
		if (s->expect.verdict == SCN_EXPECT_OK)
			check_ok_scenario(path, s);	/* frees s */
		else
			scenario_free(s);	/* bugs: below, by catalogue */
		free(names[i]);
	}
	for (int id = 0; id < SIM_REGRESS__NR; id++)
		if (!sim_regress_table[id].placeholder)
			check_bug(id);
	return done_testing();
}
