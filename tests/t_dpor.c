// SPDX-License-Identifier: GPL-2.0
/*
 * t_dpor - source-DPOR with sleep sets (explore/dpor.c) keeps its promises.
 *
 *  - On small builtin programs it runs exactly one complete execution per
 *    Mazurkiewicz trace, a number counted by hand below, each with a
 *    schedule of its own, and says it is exhausted. Sleep-set-blocked
 *    executions (cut short as redundant) are counted apart and shown.
 *  - It never misses a violation plain dfs finds: for every builtin at
 *    every bound 0, 1, 2 and unbounded, and for every shipped scenario
 *    and every catalogued bug (its switch on) at the largest bound dfs
 *    exhausts in this test's budget, every kind of violation dfs:P finds,
 *    dpor:P finds too, and dpor:P runs no more executions than dfs:P.
 *  - Its object index, kept from one execution to the next, runs the
 *    same executions as one rebuilt after each.
 *  - It refuses to split into shards or jobs, saying why.
 *
 * Counting traces by hand. A task's steps are its picks: the first runs
 * nothing (task_start), the second runs to its first access, then one
 * per access; steps that touch nothing are independent of everything, so
 * only the order of conflicting accesses of different tasks tells traces
 * apart.
 *	indep		x: W x, W x; y: W y, W y. Nothing conflicts: 1.
 *	writers3	three W c: every order of the three writes: 3! = 6.
 *	readers-writer	r1: R c; r2: R c; w: W c. Reads commute; W is
 *			before or after each read: 2 * 2 = 4.
 *	mp		writer: W d, W f; reader: R f, R d. Pairs (Wf, Rf)
 *			and (Wd, Rd); Rd < Wd with Wf < Rf is a cycle with
 *			program order: 4 - 1 = 3, none a violation.
 *	lost-update	t: R c, W c twice. Orders of (R0,W1), (W0,R1),
 *			(W0,W1): t0 first, t1 first, or both reads before
 *			both writes with either write last: 4, of which
 *			the last two lose an update.
 *	locked-counter	t: LOCK l, R c, W c + UNLOCK l. Who locks first
 *			(2) times whether the other's LOCK comes while it
 *			is held (it blocks, then wakes: other steps) or
 *			after the release: 4, none a violation.
 *	abba		t0 LOCK a then LOCK b + releases; t1 the mirror.
 *			t0 all first, t1 all first, or each takes its
 *			first lock and both block (deadlock): 3.
 * About 10 s under ASan.
 */
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "explore_test.h"
#include "tap.h"

#define MAX_KINDS 32
#define MAX_SCHED 64

struct seen {
	char *sched[MAX_SCHED];
	int nr_sched;
	bool dup;
	char kind[MAX_KINDS][48];
	int nr_kind;
};

/* A violation's kind: its outcome and the message up to the first ':'. */
static void kind_of(const struct sim_result *r, char *out, size_t n)
{
	size_t k = strcspn(r->msg, ":(");

	snprintf(out, n, "%s %.*s", sim_outcome_name(r->outcome),
		 (int)(k < 36 ? k : 36), r->msg);
}

static void on_exec(void *ctx, uint64_t index, const char *schedule,
		    const struct sim_result *r)
{
	struct seen *s = ctx;
	char k[48];

	if (s->nr_sched < MAX_SCHED) {
		for (int i = 0; i < s->nr_sched; i++)
			s->dup |= !strcmp(s->sched[i], schedule);
		s->sched[s->nr_sched++] = strdup(schedule);
	}
	if (r->outcome == SIM_OK)
		return;
	kind_of(r, k, sizeof(k));
	for (int i = 0; i < s->nr_kind; i++)
		if (!strcmp(s->kind[i], k))
			return;
	if (s->nr_kind < MAX_KINDS)
		strcpy(s->kind[s->nr_kind++], k);
}

static void seen_free(struct seen *s)
{
	for (int i = 0; i < s->nr_sched; i++)
		free(s->sched[i]);
	memset(s, 0, sizeof(*s));
}

static struct explore_result run(const struct mmsim_program *p,
				 const char *strategy, double seconds,
				 struct seen *s)
{
	struct explore_opts o = { .strategy = strategy, .keep_going = true,
				  .time_limit = seconds, .max_failures = 1,
				  .on_exec = on_exec, .ctx = s };
	struct explore_result r;

	memset(s, 0, sizeof(*s));
	explore(p, &o, &r);
	return r;
}

/* Every kind in @a is in @b; the first missing one in @miss. */
static bool kinds_within(const struct seen *a, const struct seen *b,
			 const char **miss)
{
	for (int i = 0; i < a->nr_kind; i++) {
		bool found = false;

		for (int j = 0; j < b->nr_kind; j++)
			found |= !strcmp(a->kind[i], b->kind[j]);
		if (!found) {
			*miss = a->kind[i];
			return false;
		}
	}
	return true;
}

static void check_traces(const char *name, uint64_t traces, uint64_t bad)
{
	const struct mmsim_program *p = builtin_program(name);
	struct explore_result r;
	struct seen s;

	if (!p) {
		ok(0, "%s loads", name);
		return;
	}
	r = run(p, "dpor", 0, &s);
	ok(r.exhausted && r.executions == traces && r.failures == bad &&
		   !s.dup,
	   "%s: one execution per Mazurkiewicz trace: %llu (want %llu), "
	   "%llu violating (want %llu), schedules distinct, exhausted; "
	   "%llu sleep-set blocked apart", name,
	   (unsigned long long)r.executions, (unsigned long long)traces,
	   (unsigned long long)r.failures, (unsigned long long)bad,
	   (unsigned long long)r.sleep_blocked);
	explore_result_free(&r);
	seen_free(&s);
}

/*
 * dfs:P against dpor:P on @p: both exhaust (dfs within @budget seconds,
 * else false is returned and nothing is asserted), dpor runs no more
 * executions and finds every kind of violation dfs does.
 */
static bool compare(const struct mmsim_program *p, const char *what,
		    const char *bound, double budget)
{
	char dfs[32], dpor[32];
	struct explore_result a, b;
	struct seen sa, sb;
	const char *miss = "";
	bool good;

	snprintf(dfs, sizeof(dfs), bound ? "dfs:%s" : "dfs:1000", bound);
	snprintf(dpor, sizeof(dpor), bound ? "dpor:%s" : "dpor", bound);
	a = run(p, dfs, budget, &sa);
	if (!a.exhausted) {
		explore_result_free(&a);
		seen_free(&sa);
		return false;
	}
	b = run(p, dpor, 4 * budget + 2, &sb);
	if (b.error[0] && strstr(b.error, "sequentially consistent")) {
		/* store buffers: dpor refuses, and says so */
		skip(what, b.error);
		explore_result_free(&a);
		explore_result_free(&b);
		seen_free(&sa);
		seen_free(&sb);
		return true;
	}
	good = b.exhausted && b.executions <= a.executions &&
	       kinds_within(&sa, &sb, &miss);
	ok(good, "%s: %s finds every kind of violation %s finds (%d), in "
	   "%llu executions against %llu", what, dpor, dfs, sa.nr_kind,
	   (unsigned long long)b.executions,
	   (unsigned long long)a.executions);
	if (!good)
		diag("dpor exhausted: %d; missed: %s", b.exhausted, miss);
	explore_result_free(&a);
	explore_result_free(&b);
	seen_free(&sa);
	seen_free(&sb);
	return true;
}

/* The largest bound in 2, 1, 0 that dfs exhausts within @budget. */
static void compare_scenario(const struct mmsim_program *p, const char *what,
			     double budget)
{
	static const char *const bounds[] = { "2", "1", "0" };

	for (int i = 0; i < 3; i++)
		if (compare(p, what, bounds[i], budget))
			return;
	skip(what, "dfs:0 does not exhaust in the budget");
}

static void check_scenarios(void)
{
	char **files = scenario_list_files("scenarios", NULL);

	for (char **f = files; f && *f; f++) {
		char err[512];
		struct mmsim_program *p = scenario_program_load(*f, err,
							      sizeof(err));

		if (!p) {
			skip(*f, err);
			continue;
		}
		compare_scenario(p, *f, 0.5);
		scenario_program_free(p);
	}
	scenario_list_free(files);
	for (int id = 0; id < SIM_REGRESS__NR; id++) {
		const struct sim_regress *e = &sim_regress_table[id];
		char err[512], what[300];
		struct mmsim_program *p;

		if (e->placeholder)
			continue;
		p = scenario_program_load(e->scenario, err, sizeof(err));
		if (!p) {
			ok(0, "%s: %s loads (%s)", e->name, e->scenario, err);
			continue;
		}
		snprintf(what, sizeof(what), "%s (switch on)", e->name);
		sim_regress_clear();
		sim_regress_set(id, true);
		compare_scenario(p, what, 2.0);
		sim_regress_clear();
		scenario_program_free(p);
	}
}

/* Folds every schedule, in order, into a hash. */
static void on_exec_hash(void *ctx, uint64_t index, const char *schedule,
			 const struct sim_result *r)
{
	uint64_t *h = ctx;

	for (const char *c = schedule; *c; c++)
		*h = (*h ^ (uint8_t)*c) * 0x100000001b3ULL;
	*h = (*h ^ (uint64_t)r->outcome ^ 0x100) * 0x100000001b3ULL;
}

/*
 * The object index DPOR keeps from one execution to the next (only the
 * events after the replayed prefix taken out and put back) gives the
 * same executions, in the same order, as one rebuilt from the first
 * event after every execution.
 */
static void check_incremental(const char *file, const char *strategy,
			      uint64_t runs)
{
	char err[512];
	struct mmsim_program *p = scenario_program_load(file, err,
							sizeof(err));
	uint64_t h[2] = { 0xcbf29ce484222325ULL, 0xcbf29ce484222325ULL };
	uint64_t n[2];

	if (!p) {
		ok(0, "%s loads (%s)", file, err);
		return;
	}
	for (int i = 0; i < 2; i++) {
		struct explore_opts o = { .strategy = strategy, .runs = runs,
					  .keep_going = true,
					  .on_exec = on_exec_hash,
					  .ctx = &h[i] };
		struct explore_result r;

		dpor_rebuild_index = i;
		explore(p, &o, &r);
		n[i] = r.executions;
		explore_result_free(&r);
	}
	dpor_rebuild_index = false;
	ok(n[0] == n[1] && h[0] == h[1] && n[0] > 10,
	   "%s %s: the kept object index runs the executions a rebuilt one "
	   "does (%llu and %llu, schedules %s)", file, strategy,
	   (unsigned long long)n[0], (unsigned long long)n[1],
	   h[0] == h[1] ? "the same" : "differ");
	scenario_program_free(p);
}

static void check_refusals(void)
{
	const struct mmsim_program *p = builtin_program("builtin:lost-update");
	struct explore_opts o = { .strategy = "dpor:2", .nr_shards = 2 };
	struct explore_result r;
	int rc;

	rc = explore(p, &o, &r);
	ok(rc == 2 && strstr(r.error, "--shard"),
	   "dpor refuses --shard, saying why (%s)", r.error);
	explore_result_free(&r);
	o.nr_shards = 0;
	o.jobs = 2;
	rc = explore(p, &o, &r);
	ok(rc == 2 && strstr(r.error, "--jobs"),
	   "dpor refuses --jobs, saying why");
	explore_result_free(&r);
}

int main(void)
{
	static const char *const all[] = {
		"builtin:indep", "builtin:writers3", "builtin:readers-writer",
		"builtin:mp", "builtin:lost-update", "builtin:locked-counter",
		"builtin:abba", "builtin:rcu", "builtin:rcu-nogp",
	};
	static const char *const bounds[] = { "0", "1", "2", NULL };

	scenario_runner_register();
	check_traces("builtin:indep", 1, 0);
	check_traces("builtin:writers3", 6, 0);
	check_traces("builtin:readers-writer", 4, 0);
	check_traces("builtin:mp", 3, 0);
	check_traces("builtin:lost-update", 4, 2);
	check_traces("builtin:locked-counter", 4, 0);
	check_traces("builtin:abba", 3, 1);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		for (int b = 0; b < 4; b++) {
			char what[64];

			snprintf(what, sizeof(what), "%s, bound %s", all[i],
				 bounds[b] ? bounds[b] : "none");
			if (!compare(builtin_program(all[i]), what, bounds[b], 5))
				ok(0, "%s: dfs exhausts", what);
		}
	check_scenarios();
	check_incremental("scenarios/gup-fast-no-recheck.mms", "dpor:2", 400);
	check_incremental("scenarios/tlb-batched-pending-missing.mms", "dpor",
			  400);
	check_incremental("scenarios/swapin-skip-swapcache-aba.mms", "dpor:3",
			  400);
	check_refusals();
	return done_testing();
}
