// SPDX-License-Identifier: GPL-2.0
/*
 * explore/explore.c - the driver: many executions of one program under one
 * strategy, within a budget (runs, time, exhaustion, first failure), for
 * one shard of the work, in-process or in forked jobs.
 *
 * Work division. Random and PCT execution i is seeded sim_exec_seed(seed,
 * i) and shard I/N runs the i < runs with i = I mod N. DFS shards split
 * the schedule tree (see dfs.c). Job j of J of shard I/N is shard
 * I + N*j of N*J: the same rule again, so one machine's jobs and a
 * cluster's shards compose.
 *
 * Stopping at the first failure across jobs: the jobs share stop_key, the
 * smallest index (in the unsharded order) of a failure found so far; a job
 * stops before any execution past it. The failure kept is the one with
 * the smallest index, so J jobs report what one job would have.
 */
#ifndef SIM_STRESS
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "explore/explore.h"
#include "sim/storebuf.h"
#include "explore/json.h"

#define MAX_JOBS 256
#define PROGRESS_EVERY 0.25	/* seconds between progress lines */

enum strat_kind { ST_RR, ST_RANDOM, ST_PCT, ST_DFS, ST_POS, ST_DEFAULT,
		 ST_DPOR, ST_VPOS, ST_RFF };

/*
 * The default strategy: a portfolio. Execution i runs member member_of(i)
 * with the seed sim_exec_seed(seed, i), so it stays a pure function of
 * (program, seed, i): shards, jobs and replays are exact. vpos (vpos.c:
 * POS over the events another task can see) takes 3/8 and the paper's
 * POS a quarter (they find the races that need an access inside another
 * task's window; POS covers what vpos's learned sharing may miss); PCT
 * at depth 2 a quarter and at depth 3 the rest (the bugs of few
 * ordering constraints in long tasks: page-ref-unfreeze-relaxed, which
 * pct:2 alone finds in a median of 152 executions and no vpos run finds
 * in 20,000). Random and pct:4 were members until session 7: on the
 * catalogue (24 bugs, each member alone, 5 seeds) another member found
 * every bug sooner; session 8 gave one of vpos's eighths to pct:2
 * (docs/explorer.md, the member matrix).
 */
static const struct member {
	enum strat_kind kind;
	unsigned param;
	const char *name;
} portfolio[] = {
	{ ST_VPOS, 0, "vpos" },	 { ST_PCT, 2, "pct:2" }, { ST_VPOS, 0, "vpos" },
	{ ST_PCT, 3, "pct:3" },	 { ST_POS, 64, "pos" },	 { ST_POS, 64, "pos" },
	{ ST_PCT, 2, "pct:2" },	 { ST_VPOS, 0, "vpos" },
};
#define NR_MEMBERS (sizeof(portfolio) / sizeof(portfolio[0]))

/*
 * The member of execution @i: portfolio[] indexed by a fixed hash of i,
 * not by i mod 8. In one process the stateful half takes the odd
 * indices (and with --jobs 2, job 0's portfolio runs only i = 0 mod 4):
 * i mod 8 would run only the even members there - vpos and POS, never
 * PCT or random (until session 7 it did). Hashed, every residue class
 * of i runs every member in its share.
 */
static unsigned member_of(uint64_t i)
{
	uint64_t z = i + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (unsigned)((z ^ (z >> 31)) % NR_MEMBERS);
}

/* Counters the jobs share with the parent (or a local copy in-process). */
struct shared {
	uint64_t stop_key;
	uint64_t execs[MAX_JOBS];
	uint64_t fails[MAX_JOBS];
};

/* One shard's run: what the loop needs besides the options. */
struct run {
	const struct mmsim_program *p;
	const struct explore_opts *o;
	enum strat_kind kind;
	unsigned param;
	unsigned shard, nr_shards;
	int job;		/* slot in shared counters */
	struct shared *sh;
	struct explore_result *r;
	double start, last_progress;
	bool show_progress;	/* this process prints the progress line */
	/* the default in one process: its bounded-DPOR ladder (see below) */
	struct dpor *ladder;
	struct dfs *ladder_dfs;	/* the dfs ladder instead (store buffers) */
	unsigned ladder_bound;
	uint64_t ladder_execs;	/* complete executions of this rung */
	char ladder_name[16];
	const char *member;	/* what ran the execution being accounted */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* "default" (or NULL), "pos", "rr", "random", "pct:D" (or "pct": 3),
 * "dfs:P" (or "dfs": 2), "dpor" (no bound) or "dpor:P". */
static int parse_strategy(const char *name, enum strat_kind *kind,
			  unsigned *param, char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	if (!name || !strcmp(name, "default")) {
		*kind = ST_DEFAULT;
		return 0;
	}
	if (!strcmp(name, "random")) {
		*kind = ST_RANDOM;
		return 0;
	}
	if (!strncmp(name, "pos", 3) && (!name[3] || name[3] == ':')) {
		*kind = ST_POS;
		*param = 64;
		if (!name[3])
			return 0;
		v = name[4] ? strtoul(name + 4, &end, 10) : 65;
		if (name[4] && !*end && v <= 64) {
			*param = v;
			return 0;
		}
	}
	if (!strcmp(name, "rr")) {
		*kind = ST_RR;
		return 0;
	}
	if (!strcmp(name, "vpos")) {
		*kind = ST_VPOS;
		return 0;
	}
	if (!strcmp(name, "rff")) {
		*kind = ST_RFF;
		return 0;
	}
	if (!strncmp(name, "dpor", 4) && (!name[4] || name[4] == ':')) {
		*kind = ST_DPOR;
		*param = UINT_MAX;
		if (!name[4])
			return 0;
		v = name[5] ? strtoul(name + 5, &end, 10) : 0;
		if (name[5] && !*end && v <= 1000) {
			*param = v;
			return 0;
		}
	}
	if (!strncmp(name, "pct", 3) || !strncmp(name, "dfs", 3)) {
		*kind = name[0] == 'p' ? ST_PCT : ST_DFS;
		*param = *kind == ST_PCT ? 3 : 2;
		if (!name[3])
			return 0;
		if (name[3] == ':' && name[4]) {
			v = strtoul(name + 4, &end, 10);
			if (!*end && v <= 1000 && (*kind == ST_DFS || v >= 1) &&
			    (*kind == ST_DFS || v <= 16)) {
				*param = v;
				return 0;
			}
		}
	}
	snprintf(err, errlen, "bad strategy '%s' (default, pos, vpos, rff, random, rr, "
		 "pct:D with 1 <= D <= 16, dfs:P with P >= 0, dpor or dpor:P)",
		 name);
	return -1;
}

int explore_parse_strategy(const char *name, char *err, size_t errlen)
{
	enum strat_kind k;
	unsigned p;

	return parse_strategy(name, &k, &p, err, errlen);
}

const char *explore_strategy_name(const char *strategy)
{
	return strategy ? strategy : "default";
}

const char *explore_member(const char *strategy, uint64_t index)
{
	enum strat_kind k;
	unsigned p;
	char err[8];

	if (parse_strategy(strategy, &k, &p, err, sizeof(err)) ||
	    k != ST_DEFAULT)
		return explore_strategy_name(strategy);
	return portfolio[member_of(index)].name;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "mmsim: out of host memory\n");
		exit(2);
	}
	return d;
}

void explore_failure_from(struct explore_failure *f, uint64_t index,
			  uint64_t seed, const struct sim_result *res)
{
	const struct sim_site *s = res->fail_site;

	f->index = index;
	f->seed = seed;
	f->outcome = res->outcome;
	f->trace_hash = res->trace_hash;
	f->steps = res->steps;
	f->schedule = xstrdup(sim_schedule());
	f->msg = xstrdup(res->msg);
	f->task = xstrdup(sim_task_name(res->fail_task));
	f->site_label = xstrdup(s ? s->label : "");
	f->site_func = xstrdup(s ? s->func : "");
	f->site_file = xstrdup(s ? s->file : "");
	f->site_line = s ? s->line : 0;
	f->shrunk = NULL;
	f->member = NULL;
}

static void failure_free(struct explore_failure *f)
{
	free(f->schedule);
	free(f->msg);
	free(f->task);
	free(f->site_label);
	free(f->site_func);
	free(f->site_file);
	free(f->shrunk);
	free(f->member);
}

static struct explore_failure failure_copy(const struct explore_failure *f)
{
	struct explore_failure c = *f;

	c.schedule = xstrdup(f->schedule);
	c.msg = xstrdup(f->msg);
	c.task = xstrdup(f->task);
	c.site_label = xstrdup(f->site_label);
	c.site_func = xstrdup(f->site_func);
	c.site_file = xstrdup(f->site_file);
	c.shrunk = f->shrunk ? xstrdup(f->shrunk) : NULL;
	c.member = f->member ? xstrdup(f->member) : NULL;
	return c;
}

void explore_add_failure(struct explore_result *r,
			 const struct explore_failure *f, size_t max)
{
	size_t at = r->nr_fail;

	if (!max)
		max = 64;
	while (at > 0 && r->fail[at - 1].index > f->index)
		at--;
	if (at >= max)
		return;
	if (r->nr_fail == max)
		failure_free(&r->fail[--r->nr_fail]);
	if (r->nr_fail == r->cap_fail) {
		r->cap_fail = r->cap_fail ? 2 * r->cap_fail : 16;
		r->fail = realloc(r->fail, r->cap_fail * sizeof(*r->fail));
		if (!r->fail) {
			fprintf(stderr, "mmsim: out of host memory\n");
			exit(2);
		}
	}
	memmove(&r->fail[at + 1], &r->fail[at],
		(r->nr_fail - at) * sizeof(*r->fail));
	r->fail[at] = failure_copy(f);
	r->nr_fail++;
}

void explore_result_free(struct explore_result *r)
{
	for (size_t i = 0; i < r->nr_fail; i++)
		failure_free(&r->fail[i]);
	free(r->fail);
	r->fail = NULL;
	r->nr_fail = r->cap_fail = 0;
}

/* The progress line: only on a terminal, at most every PROGRESS_EVERY. */
static void progress(struct run *ru, bool last)
{
	double t = now(), el = t - ru->start;
	uint64_t execs = 0, fails = 0;

	if (!ru->show_progress || (!last && t - ru->last_progress <
					       PROGRESS_EVERY))
		return;
	ru->last_progress = t;
	for (int j = 0; j < MAX_JOBS; j++) {
		execs += ru->sh->execs[j];
		fails += ru->sh->fails[j];
	}
	fprintf(stderr, "\r\033[Kexplore %s: %llu executions, %.0f/s, "
		"%.1fs, %llu violations%s",
		explore_strategy_name(ru->o->strategy), (unsigned long long)execs,
		el > 0 ? execs / el : 0.0, el, (unsigned long long)fails,
		last ? "\n" : "");
}

/* Account for one owned execution; true if the run should stop. */
static bool account(struct run *ru, uint64_t index, uint64_t seed,
		    const struct sim_result *res)
{
	struct explore_result *r = ru->r;
	bool failed = res->outcome != SIM_OK;

	r->executions++;
	r->steps += res->steps;
	r->outcomes[res->outcome]++;
	__atomic_add_fetch(&ru->sh->execs[ru->job], 1, __ATOMIC_RELAXED);
	if (ru->o->on_exec)
		ru->o->on_exec(ru->o->ctx, index, sim_schedule(), res);
	if (failed) {
		struct explore_failure f;

		r->failures++;
		__atomic_add_fetch(&ru->sh->fails[ru->job], 1,
				   __ATOMIC_RELAXED);
		explore_failure_from(&f, index, seed, res);
		if (ru->member)
			f.member = xstrdup(ru->member);
		explore_add_failure(r, &f, ru->o->max_failures);
		failure_free(&f);
		if (!ru->o->keep_going) {
			uint64_t k = __atomic_load_n(&ru->sh->stop_key,
						     __ATOMIC_RELAXED);

			while (index < k &&
			       !__atomic_compare_exchange_n(
				       &ru->sh->stop_key, &k, index, false,
				       __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
				;
			return true;
		}
	}
	progress(ru, false);
	return false;
}

/* Out of budget before running execution @index? */
static bool out_of_budget(struct run *ru, uint64_t index)
{
	if (!ru->o->keep_going &&
	    index > __atomic_load_n(&ru->sh->stop_key, __ATOMIC_RELAXED))
		return true;
	if (ru->o->time_limit > 0 && now() - ru->start >= ru->o->time_limit) {
		ru->r->timed_out = true;
		return true;
	}
	return ru->o->max_steps && ru->r->steps >= ru->o->max_steps;
}

/*
 * PCT learns the number of choices k across executions; to make execution
 * i a function of (seed, i) alone, k is fixed per run from one probe
 * execution and restored before every execution.
 */
static uint64_t pct_probe(const struct mmsim_program *p)
{
	struct sim_config cfg = { .strategy = sim_strategy_rr() };
	struct sim_result res;

	program_exec(p, &cfg, &res);
	return res.choices;
}

static struct sim_strategy *pct_fixed(unsigned depth, uint64_t k)
{
	struct sim_strategy *s = sim_strategy_pct(depth);
	struct sim_result fake = { .choices = k };

	s->end(s, &fake);
	return s;
}

/* The strategy of execution @i: @kind's, or the portfolio member's. */
static struct sim_strategy *seeded_strategy(struct run *ru, uint64_t i,
					    uint64_t k)
{
	enum strat_kind kind = ru->kind;
	unsigned param = ru->param;

	if (kind == ST_DEFAULT) {
		const struct member *m = &portfolio[member_of(i)];

		kind = m->kind;
		param = m->param;
	}
	switch (kind) {
	case ST_PCT:
		return pct_fixed(param, k);
	case ST_POS:
		return pos_strategy_fresh(param);
	case ST_VPOS:
		return vpos_strategy();
	case ST_RFF:
		return rff_strategy();
	case ST_RR:
		return sim_strategy_rr();
	default:
		return sim_strategy_random();
	}
}

/*
 * The default run in one process interleaves the portfolio with a ladder
 * of bounded DPOR: execution i runs portfolio member i when i is even
 * (seeded sim_exec_seed(seed, i), as in a sharded run), and when i is odd
 * the ladder's next complete execution - dpor:1 until it is exhausted,
 * then dpor:2, and so on, then unbounded dpor. Sampling finds the races
 * whose windows are reached often; DPOR, the deep ones that need several
 * preemptions at precise points (seed 000's needs five). Both halves are
 * deterministic, so the run is a function of (program, seed). With --jobs
 * J, job 0 gives every other one of its executions to the ladder; with
 * --shard the portfolio runs alone (DPOR is one process's). The
 * ladder stops for good when unbounded DPOR is exhausted.
 * Where DPOR cannot run (memory=tso|arm64: the store buffers' drains are
 * choices DPOR does not model) the ladder is plain bounded dfs instead:
 * dfs:1, dfs:2, ... dfs:LADDER_TOP, each rung with four times the share
 * of the DPOR rung of its bound (dfs reduces nothing; a drain taken
 * before the default counts as a preemption there), then it ends.
 * page-ref-unfreeze-relaxed: dfs:2 finds it at 1,006, dfs:1 exhausts at
 * 125.
 */
#define LADDER_TOP 6	/* after dpor:6, unbounded */
/*
 * A rung's share before the ladder climbs even if it is not exhausted:
 * LADDER_CAP_BASE * 4^bound complete executions (100 at dpor:1, 102,400 at
 * dpor:6). The ladder finds; it proves nothing, so an abandoned rung
 * costs no claim, and a race that needs one more preemption is reached
 * after a bounded share instead of after the whole rung below
 * (thp-numa-count-recheck: dpor:4 exhausts in 127,738, dpor:5 finds it at
 * 24,137).
 */
#define LADDER_CAP_BASE	25

/* The rung of @bound: DPOR's, or with @dfs the dfs ladder's. */
static void ladder_set(struct run *ru, unsigned bound, bool dfs)
{
	ru->ladder_bound = bound;
	ru->ladder_execs = 0;
	if (dfs) {
		if (ru->ladder_dfs)
			dfs_free(ru->ladder_dfs);
		ru->ladder_dfs = dfs_new(bound, 0, 1);
		snprintf(ru->ladder_name, sizeof(ru->ladder_name), "dfs:%u",
			 bound);
		return;
	}
	ru->ladder = dpor_new_finder(bound);
	if (bound == UINT_MAX)
		snprintf(ru->ladder_name, sizeof(ru->ladder_name), "dpor");
	else
		snprintf(ru->ladder_name, sizeof(ru->ladder_name), "dpor:%u",
			 bound);
}

/* The rung is exhausted: the next one, or the end of the ladder. */
static void ladder_climb(struct run *ru)
{
	unsigned b = ru->ladder_bound;

	if (ru->ladder_dfs) {
		if (b < LADDER_TOP) {
			ladder_set(ru, b + 1, true);
		} else {
			dfs_free(ru->ladder_dfs);
			ru->ladder_dfs = NULL;	/* no unbounded dfs rung */
		}
		return;
	}
	dpor_free(ru->ladder);
	ru->ladder = NULL;
	if (b != UINT_MAX)
		ladder_set(ru, b >= LADDER_TOP ? UINT_MAX : b + 1, false);
}

/* The dfs ladder's next execution (see ladder_exec). */
static bool ladder_exec_dfs(struct run *ru, struct sim_result *res)
{
	struct sim_config cfg = { .strategy = dfs_strategy(ru->ladder_dfs),
				  .no_trace_ring = true };
	bool more;

	program_exec(ru->p, &cfg, res);
	if (dfs_error(ru->ladder_dfs)) {
		dfs_free(ru->ladder_dfs);
		ru->ladder_dfs = NULL;
		return false;
	}
	more = dfs_next(ru->ladder_dfs);
	ru->ladder_execs++;
	/* dfs has no reduction: a rung's share is the next DPOR rung's
	 * (4 times its own) */
	if (!more || ru->ladder_execs >= (uint64_t)LADDER_CAP_BASE
						 << 2 * (ru->ladder_bound + 1))
		ladder_climb(ru);
	return true;
}

/*
 * Before a ladder execution: under store buffers (known from the
 * executions before it: slot 0 is the portfolio's) the dpor ladder
 * becomes the dfs one, from dfs:1.
 */
static void ladder_prepare(struct run *ru)
{
	if (!ru->ladder || !sim_sb_live)
		return;
	dpor_free(ru->ladder);
	ru->ladder = NULL;
	ladder_set(ru, 1, true);
}

/*
 * Run the ladder's next complete execution (sleep-set-blocked ones are
 * skipped, as run_dpor counts them apart); its result in @res. False when
 * none was run: the ladder has ended.
 */
static bool ladder_exec(struct run *ru, struct sim_result *res)
{
	if (ru->ladder_dfs)
		return ladder_exec_dfs(ru, res);
	while (ru->ladder) {
		struct sim_config cfg = { .strategy =
						  dpor_strategy(ru->ladder),
					  .no_trace_ring = true };
		bool blocked, more;

		program_exec(ru->p, &cfg, res);
		if (sim_sb_live || dpor_error(ru->ladder)) {
			dpor_free(ru->ladder);
			ru->ladder = NULL;	/* DPOR cannot run here */
			return false;
		}
		blocked = dpor_blocked(ru->ladder);
		more = dpor_next(ru->ladder);
		if (!blocked)
			ru->ladder_execs++;
		if (!more || (ru->ladder_bound != UINT_MAX &&
			      ru->ladder_execs >= (uint64_t)LADDER_CAP_BASE
							  << 2 * ru->ladder_bound))
			ladder_climb(ru);
		if (!blocked)
			return true;
	}
	return false;
}

/* Does the run use vpos (which learns before the first execution)? */
static bool uses_vpos(const struct run *ru)
{
	if (ru->kind == ST_VPOS)
		return true;
	if (ru->kind != ST_DEFAULT)
		return false;
	for (size_t i = 0; i < NR_MEMBERS; i++)
		if (portfolio[i].kind == ST_VPOS)
			return true;
	return false;
}

static void run_seeded(struct run *ru)
{
	uint64_t k = ru->kind == ST_PCT || ru->kind == ST_DEFAULT ?
			     pct_probe(ru->p) : 0;
	uint64_t runs = ru->kind == ST_RR ? 1 : ru->o->runs;
	/* the ladder: in one process, or in job 0 when --jobs splits it */
	bool ladder = ru->kind == ST_DEFAULT && ru->o->nr_shards <= 1 &&
		      ru->shard == 0 && !ru->o->coverage;

	if (!runs && ru->o->time_limit <= 0)
		runs = 1000;	/* no budget given: a default one */
	if (uses_vpos(ru))
		vpos_learn(ru->p, ru->o->seed);
	if (ru->kind == ST_RFF)
		rff_reset(ru->o->seed + ru->shard);
	if (ladder) {
		ladder_set(ru, 1, false);
		rff_reset(ru->o->seed);
	}

	for (uint64_t i = ru->shard; !runs || i < runs; i += ru->nr_shards) {
		struct sim_config cfg = { .seed = sim_exec_seed(ru->o->seed,
								i),
					  .no_trace_ring = true };
		struct sim_result res;
		uint64_t slot;

		if (out_of_budget(ru, i))
			goto out;
		slot = (i - ru->shard) / ru->nr_shards;
		/* the odd slots: every other one the ladder's while it is
		 * on its first two rungs, then one in eight (no catalogued
		 * race needs a higher rung; rff finds the deep ones
		 * sooner); rff has the rest */
		if (ladder && (slot & 1) && (ru->ladder || ru->ladder_dfs) &&
		    ((ru->ladder_bound <= 2 && (slot & 3) == 1) ||
		     (slot & 15) == 15)) {
			char name[sizeof(ru->ladder_name)];

			ladder_prepare(ru);
			memcpy(name, ru->ladder_name, sizeof(name));
			ru->member = name;
			if (ladder_exec(ru, &res)) {
				if (account(ru, i, 0, &res))
					goto out;
				continue;
			}
		}
		if (ladder && (slot & 1)) {
			/* the rest of the stateful half: rff */
			struct sim_config rc = { .strategy = rff_strategy(),
						 .no_trace_ring = true };

			ru->member = "rff";
			program_exec(ru->p, &rc, &res);
			if (account(ru, i, 0, &res))
				goto out;
			continue;
		}
		ru->member = NULL;
		cfg.strategy = seeded_strategy(ru, i, k);
		if (ru->o->coverage)
			cfg.strategy = coverage_wrap(ru->o->coverage,
						     cfg.strategy);
		program_exec(ru->p, &cfg, &res);
		if (account(ru, i, cfg.seed, &res))
			goto out;
	}
out:
	if (ru->ladder)
		dpor_free(ru->ladder);
	if (ru->ladder_dfs)
		dfs_free(ru->ladder_dfs);
	ru->ladder = NULL;
	ru->ladder_dfs = NULL;
	ru->member = NULL;
}

static void run_dfs(struct run *ru)
{
	struct dfs *d = dfs_new(ru->param, ru->shard, ru->nr_shards);
	struct sim_config cfg = { .strategy = dfs_strategy(d),
				  .no_trace_ring = true };
	uint64_t owned = 0;

	if (ru->o->coverage)
		cfg.strategy = coverage_wrap(ru->o->coverage, cfg.strategy);
	do {
		struct sim_result res;

		if (dfs_owned(d) && out_of_budget(ru, dfs_order_key(d)))
			goto out;
		if (ru->o->runs && owned >= ru->o->runs)
			goto out;
		program_exec(ru->p, &cfg, &res);
		if (dfs_error(d)) {
			snprintf(ru->r->error, sizeof(ru->r->error), "%s",
				 dfs_error(d));
			goto out;
		}
		if (dfs_owned(d)) {
			owned++;
			if (account(ru, dfs_order_key(d), 0, &res))
				goto out;
		}
	} while (dfs_next(d));
	ru->r->exhausted = true;
out:
	dfs_free(d);
}

/*
 * DPOR (dpor.c): one process. Execution k is the k-th complete execution
 * in its order; sleep-set-blocked ones are counted apart, not accounted.
 */
static void run_dpor(struct run *ru)
{
	struct dpor *d = dpor_new(ru->param);
	struct sim_config cfg = { .strategy = dpor_strategy(d),
				  .no_trace_ring = true };
	uint64_t index = 0;

	do {
		struct sim_result res;

		if (out_of_budget(ru, index))
			goto out;
		if (ru->o->runs && index >= ru->o->runs)
			goto out;
		program_exec(ru->p, &cfg, &res);
		if (sim_sb_live) {
			/* SIM: dpor.c's dependence relation has no drains */
			snprintf(ru->r->error, sizeof(ru->r->error),
				 "dpor covers sequentially consistent memory "
				 "only (config memory=sc); under store "
				 "buffers use dfs:P or the default search");
			goto out;
		}
		if (dpor_error(d)) {
			snprintf(ru->r->error, sizeof(ru->r->error), "%s",
				 dpor_error(d));
			goto out;
		}
		if (dpor_blocked(d))
			ru->r->sleep_blocked++;
		else if (account(ru, index++, 0, &res))
			goto out;
	} while (dpor_next(d));
	ru->r->exhausted = true;
out:
	dpor_free(d);
}

/* Run shard @shard of @nr of the work in this process. */
static void run_shard(struct run *ru)
{
	ru->start = now();
	ru->last_progress = ru->start;
	if (ru->kind == ST_DFS)
		run_dfs(ru);
	else if (ru->kind == ST_DPOR)
		run_dpor(ru);
	else
		run_seeded(ru);
	ru->r->elapsed = now() - ru->start;
	progress(ru, true);
}

/* ---- forked jobs ---- */

struct job {
	pid_t pid;
	int fd;
	char *buf;
	size_t len, cap;
};

static void job_child(struct run *ru, int fd)
{
	struct explore_opts so = *ru->o;
	FILE *f;

	so.shard = ru->shard;
	so.nr_shards = ru->nr_shards;
	run_shard(ru);
	f = fdopen(fd, "w");
	if (!f)
		_exit(3);
	report_explore_json(f, ru->p, &so, ru->r);
	fclose(f);
	_exit(0);
}

/* Read what is ready from @j; false at EOF. */
static bool job_read(struct job *j)
{
	ssize_t n;

	if (j->len + 4096 > j->cap) {
		j->cap = j->cap ? 2 * j->cap : 65536;
		j->buf = realloc(j->buf, j->cap);
		if (!j->buf) {
			fprintf(stderr, "mmsim: out of host memory\n");
			exit(2);
		}
	}
	n = read(j->fd, j->buf + j->len, j->cap - j->len - 1);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	j->len += n;
	return true;
}

/* Wait for every job, printing progress; collect their output. */
static void jobs_collect(struct run *ru, struct job *jobs, int nr)
{
	struct pollfd pfd[MAX_JOBS];
	int open = nr;

	for (int i = 0; i < nr; i++)
		pfd[i] = (struct pollfd){ jobs[i].fd, POLLIN, 0 };
	while (open) {
		if (poll(pfd, nr, 250) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < nr; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents &
					       (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!job_read(&jobs[i])) {
				close(jobs[i].fd);
				pfd[i].fd = -1;
				open--;
			}
		}
		progress(ru, false);
	}
}

/* Merge job @j's JSON into the result; false (r->error set) if bad. */
static bool job_merge(struct run *ru, struct job *j, int idx, int status)
{
	struct json *js;
	char err[200];

	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(ru->r->error, sizeof(ru->r->error),
			 "job %d (pid %d) died: %s %d", idx,
			 (int)j->pid, WIFSIGNALED(status) ? "signal" : "status",
			 WIFSIGNALED(status) ? WTERMSIG(status) :
					       WEXITSTATUS(status));
		return false;
	}
	j->buf[j->len] = 0;
	js = json_parse(j->buf, err, sizeof(err));
	if (!js || explore_result_add_json(ru->r, js, ru->o->max_failures,
					   err, sizeof(err))) {
		snprintf(ru->r->error, sizeof(ru->r->error),
			 "job pid %d sent a bad result: %s", (int)j->pid, err);
		json_free(js);
		return false;
	}
	if (json_get_str(js, "error", NULL) && !ru->r->error[0])
		snprintf(ru->r->error, sizeof(ru->r->error), "%s",
			 json_get_str(js, "error", ""));
	json_free(js);
	return true;
}

static void run_jobs(struct run *ru, unsigned nr_jobs)
{
	struct job jobs[MAX_JOBS] = { 0 };
	unsigned shard = ru->shard, nr = ru->nr_shards;
	int started = 0;
	double start = now();
	pid_t parent = getpid();

	fflush(stdout);
	fflush(stderr);
	for (unsigned j = 0; j < nr_jobs; j++) {
		int fds[2];

		if (pipe(fds)) {
			snprintf(ru->r->error, sizeof(ru->r->error),
				 "pipe: %s", strerror(errno));
			break;
		}
		ru->shard = shard + nr * j;
		ru->nr_shards = nr * nr_jobs;
		ru->job = j;
		jobs[j].pid = fork();
		if (jobs[j].pid == 0) {
			/* a worker dies with its parent (killed or not) */
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) ||
			    getppid() != parent)
				_exit(3);
			close(fds[0]);
			for (int k = 0; k < started; k++)
				close(jobs[k].fd);
			ru->show_progress = false;
			job_child(ru, fds[1]);
		}
		close(fds[1]);
		if (jobs[j].pid < 0) {
			close(fds[0]);
			snprintf(ru->r->error, sizeof(ru->r->error),
				 "fork: %s", strerror(errno));
			break;
		}
		jobs[j].fd = fds[0];
		started++;
	}
	ru->start = start;
	jobs_collect(ru, jobs, started);
	for (int j = 0; j < started; j++) {
		int status = 0;

		waitpid(jobs[j].pid, &status, 0);
		if (!ru->r->error[0])
			job_merge(ru, &jobs[j], j, status);
		free(jobs[j].buf);
	}
	ru->r->elapsed = now() - start;
	progress(ru, true);
}

/* Stopping at the first failure keeps the first in the unsharded order. */
uint64_t explore_nr_limits(const struct explore_result *r)
{
	uint64_t n = 0;

	/* the list is complete unless --keep-going overflowed it */
	if (r->nr_fail < r->failures)
		return r->outcomes[SIM_LIMIT];
	for (size_t i = 0; i < r->nr_fail; i++)
		n += r->fail[i].outcome == SIM_LIMIT;
	return n;
}

static void keep_first(struct explore_result *r)
{
	while (r->nr_fail > 1)
		failure_free(&r->fail[--r->nr_fail]);
}

int explore(const struct mmsim_program *p, const struct explore_opts *o,
	    struct explore_result *r)
{
	struct shared local = { .stop_key = UINT64_MAX }, *sh = &local;
	struct run ru = { .p = p, .o = o, .r = r };
	unsigned jobs = o->jobs ? o->jobs : 1;

	memset(r, 0, sizeof(*r));
	ru.nr_shards = o->nr_shards ? o->nr_shards : 1;
	ru.shard = o->shard;
	if (parse_strategy(o->strategy, &ru.kind, &ru.param, r->error,
			   sizeof(r->error)))
		return 2;
	if (o->coverage && jobs > 1) {
		snprintf(r->error, sizeof(r->error), "--coverage counts in one "
			 "process: drop --jobs (or use --shard I/N per process)");
		return 2;
	}
	if (ru.shard >= ru.nr_shards || jobs > MAX_JOBS ||
	    ru.nr_shards > UINT_MAX / MAX_JOBS) {
		snprintf(r->error, sizeof(r->error), "bad %s", jobs > MAX_JOBS ?
			 "--jobs (at most 256)" : "--shard I/N (I < N)");
		return 2;
	}
	if (ru.kind == ST_DPOR && (ru.nr_shards > 1 || jobs > 1)) {
		snprintf(r->error, sizeof(r->error), "dpor runs in one "
			 "process: its backtrack sets grow as it runs, so it "
			 "does not split into --shard or --jobs (dfs:P does)");
		return 2;
	}
	if (jobs > 1) {
		sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (sh == MAP_FAILED) {
			snprintf(r->error, sizeof(r->error), "mmap: %s",
				 strerror(errno));
			return 2;
		}
		*sh = local;
	}
	ru.sh = sh;
	ru.show_progress = o->progress && isatty(2);
	if (jobs > 1)
		run_jobs(&ru, jobs);
	else
		run_shard(&ru);
	if (!o->keep_going) {
		keep_first(r);
		r->failures = r->nr_fail;
	}
	if (sh != &local)
		munmap(sh, sizeof(*sh));
	if (r->error[0])
		return 2;
	if (!r->failures)
		return 0;
	return explore_nr_limits(r) == r->failures ? 3 : 1;
}
#endif /* !SIM_STRESS */
