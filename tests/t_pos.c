// SPDX-License-Identifier: GPL-2.0
/*
 * t_pos - the conflict-aware search and what it stands on.
 *
 *  - sim_access_conflict() is the relation DESIGN.md states: same object
 *    and a write, or the same lock; a user access names the entry it
 *    translates through and the data it reaches, so a user store races a
 *    kernel write of its PTE and a kernel copy of its frame, and two user
 *    loads never race.
 *  - POS re-draws a priority only for a new event or an event that races
 *    the one just run, always re-draws those, and always runs the
 *    highest priority (a property checked at every choice of builtin
 *    programs; a program whose tasks share nothing gets no reassignment).
 *  - The default portfolio is a pure function of (program, seed, index):
 *    two runs, and two shards joined, give every execution the same
 *    trace; explore_member() names the member that ran it.
 *  - --coverage: a window raced by another task's conflicting access is
 *    counted raced; windows of tasks that share nothing never are.
 *  - Every catalogued bug the catalogue does not mark as missed is found
 *    by the default strategy within a small budget (ASan).
 * A few seconds under ASan.
 */
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "scenario/runner.h"
#include "sim/atomic.h"
#include "sim/regress.h"
#include "explore_test.h"
#include "tap.h"

/* ---- the relation ---- */

static struct sim_access acc(int kind, uintptr_t addr, int kind2,
			     uintptr_t addr2)
{
	return (struct sim_access){ .kind = kind, .addr = addr,
				    .kind2 = kind2, .addr2 = addr2 };
}

static void test_relation(void)
{
	struct sim_access ustore = acc(SIM_EV_USER, 0x1008, SIM_EV_WRITE,
				       0x200000),
			  uload = acc(SIM_EV_USER, 0x1008, SIM_EV_READ,
				      0x200000),
			  uload2 = acc(SIM_EV_USER, 0x1008, SIM_EV_READ,
				       0x200000),
			  set_pte = acc(SIM_EV_WRITE, 0x1008, SIM_EV__NR, 0),
			  read_pte = acc(SIM_EV_READ, 0x1008, SIM_EV__NR, 0),
			  copy = acc(SIM_EV_READ, 0x200000, SIM_EV__NR, 0),
			  lock = acc(SIM_EV_LOCK, 0x77, SIM_EV__NR, 0),
			  unlock = acc(SIM_EV_UNLOCK, 0x77, SIM_EV__NR, 0),
			  rd77 = acc(SIM_EV_READ, 0x77, SIM_EV__NR, 0),
			  wr77 = acc(SIM_EV_WRITE, 0x77, SIM_EV__NR, 0),
			  tlb = acc(SIM_EV_TLB, 0x1008, SIM_EV__NR, 0);

	ok(sim_access_conflict(&ustore, &set_pte) &&
	   sim_access_conflict(&set_pte, &ustore) &&
	   sim_access_conflict(&uload, &set_pte),
	   "A user access races a kernel write of the PTE it uses (both "
	   "ways)");
	ok(!sim_access_conflict(&uload, &read_pte) &&
	   !sim_access_conflict(&uload, &uload2),
	   "A user load races neither a kernel read of its PTE nor another "
	   "load");
	ok(sim_access_conflict(&ustore, &copy) &&
	   sim_access_conflict(&copy, &ustore) &&
	   !sim_access_conflict(&uload, &copy),
	   "A user store races a kernel copy of its frame; a load does not");
	ok(sim_access_conflict(&ustore, &uload),
	   "A user store races a user load of the same data");
	ok(sim_access_conflict(&lock, &unlock) &&
	   !sim_access_conflict(&lock, &rd77) &&
	   !sim_access_conflict(&rd77, &rd77) &&
	   sim_access_conflict(&rd77, &wr77),
	   "Locks race locks; reads race writes only");
	ok(!sim_access_conflict(&tlb, &set_pte) &&
	   !sim_access_conflict(&set_pte, &tlb),
	   "A TLB event races nothing in the relation");
}

/* ---- POS, checked at every choice ---- */

static struct {
	struct sim_strategy *pos;
	uint64_t seen, stamp[SIM_MAX_TASKS];
	uint64_t bad_redraw, missed, bad_pick, races, choices;
} W;

static void chk_begin(struct sim_strategy *s, uint64_t seed)
{
	W.seen = 0;
	W.pos->begin(W.pos, seed);
}

static int chk_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	uint64_t before[SIM_MAX_TASKS], best = 0;
	int pick, t;

	for (uint64_t m = v->runnable; m; m &= m - 1) {
		t = __builtin_ctzll(m);
		before[t] = pos_priority(t);
	}
	pick = W.pos->pick(W.pos, v);
	W.choices++;
	for (uint64_t m = v->runnable; m; m &= m - 1) {
		uint64_t after;
		bool fresh, race;

		t = __builtin_ctzll(m);
		after = pos_priority(t);
		fresh = !(W.seen >> t & 1) || W.stamp[t] != v->next[t].stamp;
		race = !fresh && t != v->current && v->current >= 0 &&
		       v->last->kind != SIM_EV__NR &&
		       sim_access_conflict(&v->next[t], v->last);
		W.races += race;
		if (after != before[t] && !fresh && !race)
			W.bad_redraw++;
		if (race && after == before[t])
			W.missed++;	/* probability 2^-64 */
		W.seen |= 1ULL << t;
		W.stamp[t] = v->next[t].stamp;
		if (after > best)
			best = after;
	}
	if (pos_priority(pick) != best)
		W.bad_pick++;
	return pick;
}

static struct sim_strategy checker = { "pos-checked", chk_begin, chk_pick,
				       NULL, NULL };

static void run_checked(const struct mmsim_program *p, int n)
{
	memset(&W, 0, sizeof(W));
	W.pos = pos_strategy();
	for (int i = 0; i < n; i++) {
		struct sim_config cfg = { .strategy = &checker,
					  .seed = sim_exec_seed(1, i) };
		struct sim_result r;

		program_exec(p, &cfg, &r);
	}
}

/* Two tasks that share nothing: each writes its own cell. */
static int cells[2];

static void private_writer(void *arg)
{
	int *c = arg;

	for (int i = 0; i < 4; i++)
		WRITE_ONCE(*c, i);
}

static void private_setup(void *arg)
{
	sim_task_create("A", private_writer, &cells[0]);
	sim_task_create("B", private_writer, &cells[1]);
}

static const struct mmsim_program private_prog = {
	.name = "private-writers", .setup = private_setup,
};

static void test_pos(void)
{
	static const char *const progs[] = { "builtin:lost-update",
					     "builtin:abba", "builtin:rcu" };

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		const struct mmsim_program *p = builtin_program(progs[i]);

		if (!p) {
			ok(0, "%s loads", progs[i]);
			continue;
		}
		run_checked(p, 300);
		ok(W.choices > 300 && W.races > 0 && !W.bad_redraw &&
			   !W.missed && !W.bad_pick,
		   "POS on %s: priorities re-drawn exactly for new and racing "
		   "events, the highest runs (%llu choices, %llu races, %llu "
		   "bad re-draws, %llu missed, %llu bad picks)",
		   progs[i], (unsigned long long)W.choices,
		   (unsigned long long)W.races,
		   (unsigned long long)W.bad_redraw,
		   (unsigned long long)W.missed,
		   (unsigned long long)W.bad_pick);
	}
	run_checked(&private_prog, 200);
	ok(W.choices > 200 && !W.races && !W.bad_redraw && !W.bad_pick &&
		   pos_reassignments() == 0,
	   "POS on tasks that share nothing: no reassignment (%llu choices)",
	   (unsigned long long)W.choices);
}

/* ---- the portfolio ---- */

#define PF_RUNS 64
static uint64_t hashes[PF_RUNS];

static void record_hash(void *ctx, uint64_t index, const char *schedule,
			const struct sim_result *r)
{
	if (index < PF_RUNS)
		hashes[index] = r->trace_hash ^ (uint64_t)r->outcome;
}

static void run_default(const struct mmsim_program *p, unsigned shard,
			unsigned nr)
{
	struct explore_opts o = { .runs = PF_RUNS, .seed = 5,
				  .keep_going = true, .shard = shard,
				  .nr_shards = nr, .on_exec = record_hash };
	struct explore_result r;

	explore(p, &o, &r);
	explore_result_free(&r);
}

/*
 * Every member runs in its share among the even indices (the portfolio's
 * in one process: the stateful half has the odd ones) and among the
 * indices 0 mod 4 (job 0's with --jobs 2). With member i mod 8 the even
 * indices ran only vpos and POS, never PCT.
 */
static void portfolio_shares(void)
{
	static const char *const names[] = { "vpos", "pos", "pct:2",
					     "pct:3" };
	static const unsigned weight[] = { 3, 2, 2, 1 };	/* of 8 */
	bool fair = true;

	for (unsigned step = 1; step <= 4; step *= 2) {
		unsigned n[4] = { 0 }, total = 0;

		for (uint64_t i = 0; total < 8000; i += step, total++)
			for (unsigned m = 0; m < 4; m++)
				n[m] += !strcmp(explore_member(NULL, i),
						names[m]);
		for (unsigned m = 0; m < 4; m++)
			fair &= n[m] > total * weight[m] / 8 * 9 / 10 &&
				n[m] < total * weight[m] / 8 * 11 / 10;
		if (!fair)
			diag("step %u: vpos %u pos %u pct:2 %u pct:3 %u of %u",
			     step, n[0], n[1], n[2], n[3], total);
	}
	ok(fair, "every portfolio member runs within 10 %% of its share among "
		 "all indices, the even ones and those 0 mod 4");
}

static void test_portfolio(void)
{
	const struct mmsim_program *p = builtin_program("builtin:lost-update");
	uint64_t first[PF_RUNS];
	bool members = true;

	if (!p) {
		ok(0, "builtin:lost-update loads");
		return;
	}
	memset(hashes, 0, sizeof(hashes));
	run_default(p, 0, 1);
	memcpy(first, hashes, sizeof(first));
	memset(hashes, 0, sizeof(hashes));
	run_default(p, 0, 1);
	ok(!memcmp(first, hashes, sizeof(first)),
	   "The default strategy gives execution i the same trace twice");
	memset(hashes, 0, sizeof(hashes));
	run_default(p, 0, 2);
	run_default(p, 1, 2);
	/* in one process odd executions are the DPOR ladder's and rff's;
	 * the even ones are the portfolio's, as in any split */
	{
		bool same = true;

		for (int i = 0; i < PF_RUNS; i += 2)
			same &= first[i] == hashes[i];
		ok(same, "Shards 0/2 and 1/2 of the default strategy run the "
			 "unsharded run's portfolio executions");
	}
	for (uint64_t i = 0; i < 64; i++)
		members &= !strcmp(explore_member(NULL, i),
				   explore_member("default", i));
	ok(members && !strcmp(explore_member("pct:3", 5), "pct:3"),
	   "explore_member names the portfolio member of each execution");
	portfolio_shares();
}

/* ---- vpos ---- */

static uint64_t trace_hashes[64], first_vpos[64];

static void record_trace(void *ctx, uint64_t index, const char *schedule,
			 const struct sim_result *r)
{
	if (index < 64)
		trace_hashes[index] = r->trace_hash;
}

/* Distinct trace hashes among @n executions of @p under @strategy. */
static unsigned distinct_traces(const struct mmsim_program *p,
				const char *strategy, unsigned n)
{
	struct explore_opts o = { .strategy = strategy, .runs = n, .seed = 3,
				  .keep_going = true,
				  .on_exec = record_trace };
	struct explore_result r;
	unsigned d = 0;

	memset(trace_hashes, 0, sizeof(trace_hashes));
	explore(p, &o, &r);
	explore_result_free(&r);
	for (unsigned i = 0; i < n && i < 64; i++) {
		bool seen = false;

		for (unsigned j = 0; j < i; j++)
			seen |= trace_hashes[j] == trace_hashes[i];
		d += !seen;
	}
	return d;
}

static void test_vpos(void)
{
	const struct mmsim_program *lu = builtin_program("builtin:lost-update");
	unsigned seen, shared, a, b;
	struct explore_opts o = { .strategy = "vpos", .runs = 2000 };
	struct explore_result r;

	/* learning: two tasks that share nothing share no (site, task) */
	vpos_learn(&private_prog, 1);
	vpos_stats(&seen, &shared);
	ok(seen >= 2 && shared == 0,
	   "vpos learns that private writers share nothing (%u seen, %u "
	   "shared)", seen, shared);
	if (!lu) {
		ok(0, "builtin:lost-update loads");
		return;
	}
	vpos_learn(lu, 1);
	vpos_stats(&seen, &shared);
	ok(shared >= 2, "vpos learns that the counter's load and store are "
			"shared (%u of %u)", shared, seen);
	/* invisible events make no choices: one trace for private writers,
	 * where POS interleaves their stores many ways */
	a = distinct_traces(&private_prog, "vpos", 64);
	b = distinct_traces(&private_prog, "pos", 64);
	ok(a <= 3 && b > a,
	   "vpos orders only visible events: %u distinct traces of the "
	   "private writers in 64 executions (pos: %u)", a, b);
	explore(lu, &o, &r);
	ok(r.failures > 0, "vpos finds the lost update (%llu executions)",
	   (unsigned long long)r.executions);
	explore_result_free(&r);
	a = distinct_traces(lu, "vpos", 32);
	memcpy(first_vpos, trace_hashes, sizeof(first_vpos));
	b = distinct_traces(lu, "vpos", 32);
	ok(a > 1 && !memcmp(first_vpos, trace_hashes, sizeof(first_vpos)),
	   "vpos is a function of (program, seed, index): the same %u "
	   "traces twice", a);
}

/* ---- coverage ---- */

static void test_coverage(void)
{
	const struct mmsim_program *p = builtin_program("builtin:lost-update");
	struct coverage *c = coverage_new();
	struct explore_opts o = { .runs = 200, .keep_going = true,
				  .coverage = c };
	struct explore_result r;

	if (!p) {
		ok(0, "builtin:lost-update loads");
		coverage_free(c);
		return;
	}
	explore(p, &o, &r);
	explore_result_free(&r);
	ok(coverage_count(c, "READ_ONCE", true) > 0 &&
		   coverage_count(c, "WRITE_ONCE", false) > 0,
	   "Coverage: the counter's load window is raced by the other "
	   "task's store");
	coverage_free(c);
	c = coverage_new();
	o.coverage = c;
	explore(&private_prog, &o, &r);
	explore_result_free(&r);
	ok(coverage_count(c, "WRITE_ONCE", false) > 0 &&
		   coverage_count(c, "WRITE_ONCE", true) == 0,
	   "Coverage: windows of tasks that share nothing are never raced");
	coverage_free(c);
}

/* ---- the catalogue, with the default strategy ---- */

int main(void)
{
	plan(6 + 4 + 5 + 3 + 3);
	scenario_runner_register();
	test_relation();
	test_pos();
	test_portfolio();
	test_vpos();
	test_coverage();
	return done_testing();
}
