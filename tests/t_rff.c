// SPDX-License-Identifier: GPL-2.0
/*
 * t_rff - reads-from fuzzing (explore/rff.c, `--strategy rff`, and the
 * stateful half of the default search):
 *  - a run is a function of (program, seed): the same seed runs the same
 *    executions, another seed others;
 *  - the corpus grows from executions that showed a new read-from pair,
 *    and mutations of it run;
 *  - restarts: the corpus is dropped after 2,000 executions, then after
 *    4,000 more, and it grows again from nothing; the run stays a
 *    function of (program, seed) across them;
 *  - it finds seed 000's race (thp-numa-count-recheck, the x86 form) that
 *    random, POS and vpos do not find in 200,000 executions each
 *    (docs/explorer.md), in the budget below, and not with the switch
 *    off in the same budget;
 *  - the default search finds it, and seed 000's own arm64 form
 *    (GUP-fast), which no sampler found before rff.
 * About 20 s under ASan.
 */
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "sim/regress.h"
#include "explore_test.h"
#include "tap.h"

static const char x86[] = "scenarios/thp-numa-count-recheck.mms";
static const char arm[] = "scenarios/seed000-thp-numa-gup-arm64.mms";

struct trail {
	uint64_t hash;
	uint64_t n;
};

/* Hash every execution's schedule, in order. */
static void on_exec(void *ctx, uint64_t index, const char *schedule,
		    const struct sim_result *r)
{
	struct trail *t = ctx;

	for (const char *c = schedule; *c; c++)
		t->hash = (t->hash ^ (unsigned char)*c) * 0x100000001b3ULL;
	t->hash = (t->hash ^ (index + 1)) * 0x100000001b3ULL;
	t->n++;
}

static struct trail trail_of(const struct mmsim_program *p, uint64_t seed)
{
	struct trail t = { 0xcbf29ce484222325ULL, 0 };
	struct explore_opts o = { .strategy = "rff", .runs = 400,
				  .seed = seed, .keep_going = true,
				  .on_exec = on_exec, .ctx = &t };
	struct explore_result r;

	memset(&r, 0, sizeof(r));
	explore(p, &o, &r);
	explore_result_free(&r);
	return t;
}

static void t_deterministic(const struct mmsim_program *p)
{
	struct trail a = trail_of(p, 7), b = trail_of(p, 7), c = trail_of(p, 8);
	uint64_t corpus, mutated, restarts;

	rff_stats(&corpus, &mutated, &restarts);
	ok(a.n == 400 && a.hash == b.hash,
	   "rff: the same seed runs the same 400 executions");
	ok(a.hash != c.hash, "rff: another seed runs others");
	ok(corpus > 1 && mutated > 200,
	   "rff: executions with new read-from pairs join the corpus (%llu) "
	   "and most executions are mutations of it (%llu of 400)",
	   (unsigned long long)corpus, (unsigned long long)mutated);
}

/* rff over @runs executions of @p, seed 3: its trail and its stats. */
static struct trail rff_run(const struct mmsim_program *p, uint64_t runs,
			    uint64_t *corpus, uint64_t *restarts)
{
	struct trail t = { 0xcbf29ce484222325ULL, 0 };
	struct explore_opts o = { .strategy = "rff", .runs = runs, .seed = 3,
				  .keep_going = true, .on_exec = on_exec,
				  .ctx = &t };
	struct explore_result r;
	uint64_t mutated;

	memset(&r, 0, sizeof(r));
	explore(p, &o, &r);
	explore_result_free(&r);
	rff_stats(corpus, &mutated, restarts);
	return t;
}

/*
 * A small program's pairs are all seen within its first executions, so
 * its corpus stops growing - until a restart drops it: then the same
 * pairs are new again.
 */
static void t_restarts(void)
{
	const struct mmsim_program *p = builtin_program("builtin:writers3");
	uint64_t c0, c1, c2, c3, r0, r1, r2, r3;
	struct trail a, b;

	if (!ok(p != NULL, "builtin:writers3 loads"))
		return;
	rff_run(p, 2000, &c0, &r0);
	rff_run(p, 2001, &c1, &r1);
	ok(r0 == 0 && r1 == 1 && c0 > 0 && c1 > c0,
	   "rff restarts after 2,000 executions and its corpus grows again "
	   "(%llu entries after 2,000, %llu after 2,001)",
	   (unsigned long long)c0, (unsigned long long)c1);
	rff_run(p, 6000, &c2, &r2);
	a = rff_run(p, 6001, &c3, &r3);
	ok(r2 == 1 && r3 == 2 && c3 > c2,
	   "the second window is twice as long: the next restart at 6,001");
	b = rff_run(p, 6001, &c3, &r3);
	ok(a.n == 6001 && a.hash == b.hash,
	   "the same seed runs the same 6,001 executions across restarts");
}

static void t_finds(const struct mmsim_program *p, int id)
{
	struct explore_opts o = { .strategy = "rff", .runs = 20000,
				  .seed = 1 };
	struct explore_result r;

	sim_regress_set(id, true);
	memset(&r, 0, sizeof(r));
	explore(p, &o, &r);
	ok(r.failures > 0 && r.nr_fail &&
		   strstr(r.fail[0].msg, "lost-store"),
	   "rff finds thp-numa-count-recheck (seed 000, x86 form) within "
	   "20,000 executions (seed 1: after %llu)",
	   (unsigned long long)r.executions);
	explore_result_free(&r);

	sim_regress_set(id, false);
	memset(&r, 0, sizeof(r));
	o.runs = 4000;
	explore(p, &o, &r);
	ok(r.failures == 0 && r.executions == 4000,
	   "rff: nothing with the switch off (4,000 executions; the proof "
	   "is the catalogue's DPOR run)");
	explore_result_free(&r);
}

static void t_default_arm64(int id)
{
	struct mmsim_program *p = test_program_load(arm, NULL);
	struct explore_opts o = { .runs = 60000, .seed = 4 };
	struct explore_result r;

	if (!ok(p != NULL, "%s loads", arm))
		return;
	sim_regress_set(id, true);
	memset(&r, 0, sizeof(r));
	explore(p, &o, &r);
	ok(r.failures > 0 && r.nr_fail &&
		   strstr(r.fail[0].msg, "lost-store"),
	   "the default search finds seed 000's own trigger on arm64 "
	   "(GUP-fast) within 60,000 executions (seed 4: after %llu%s%s)",
	   (unsigned long long)r.executions, r.nr_fail ? ", by " : "",
	   r.nr_fail && r.fail[0].member ? r.fail[0].member : "");
	explore_result_free(&r);
	sim_regress_set(id, false);
	scenario_program_free(p);
}

int main(void)
{
	int id = sim_regress_by_name("thp-numa-count-recheck");
	struct mmsim_program *p;

	scenario_runner_register();
	p = test_program_load(x86, NULL);
	if (!ok(p && id >= 0, "%s loads", x86))
		return done_testing();
	t_deterministic(p);
	t_finds(p, id);
	scenario_program_free(p);
	t_default_arm64(id);
	t_restarts();
	return done_testing();
}
