// SPDX-License-Identifier: GPL-2.0
/*
 * t_litmus - litmus tests through the model's own primitives (sim/atomic.h:
 * WRITE_ONCE, READ_ONCE, smp_mb, smp_wmb, smp_rmb, smp_store_release,
 * smp_load_acquire, atomic_inc, atomic_inc_return) under memory=sc, tso
 * and arm64, each explored exhaustively by dfs (every schedule, drains
 * included; the preemption bound, 64, is above any path of these programs), so
 * "never" is a bounded proof and "sometimes" a witness.
 *
 * Expected outcomes, cross-checked with the kernel's
 * tools/memory-model/litmus-tests (the LKMM's "Result:" line):
 *
 *   SB+poonceonces              Sometimes  sc: never  tso: seen  arm64: seen
 *   SB+fencembonceonces         Never      never everywhere
 *   MP+poonceonces              Sometimes  sc: never  tso: never  arm64: seen
 *	(x86-TSO keeps stores in order and loads in order)
 *   MP+fencewmbonceonce+fencermbonceonce  Never   never everywhere
 *   MP+pooncerelease+poacquireonce        Never   never everywhere
 *   SB with atomic_inc (non-value-returning: no ordering, atomic_t.txt)
 *				 sc: never  tso: never (locked)  arm64: seen
 *   SB with atomic_inc_return (value-returning: full barrier)
 *				 never everywhere
 */
#include <string.h>

#include "explore/explore.h"
#include "sim/atomic.h"
#include "sim/sim.h"
#include "sim/storebuf.h"
#include "tap.h"

static int x, y, r0, r1;
static atomic_t ax, ay;

/* ---- SB ---- */
static void sb_p0(void *a)
{
	WRITE_ONCE(x, 1);
	if (a)
		smp_mb();
	r0 = READ_ONCE(y);
}

static void sb_p1(void *a)
{
	WRITE_ONCE(y, 1);
	if (a)
		smp_mb();
	r1 = READ_ONCE(x);
}

static bool sb_relaxed(void)
{
	return r0 == 0 && r1 == 0;
}

/* ---- SB through atomics: a = 0 atomic_inc, a != 0 atomic_inc_return ---- */
static void sba_p0(void *a)
{
	if (a)
		(void)atomic_inc_return(&ax);
	else
		atomic_inc(&ax);
	r0 = atomic_read(&ay);
}

static void sba_p1(void *a)
{
	if (a)
		(void)atomic_inc_return(&ay);
	else
		atomic_inc(&ay);
	r1 = atomic_read(&ax);
}

/* ---- MP: a = 0 none, 1 wmb/rmb, 2 release/acquire ---- */
static void mp_p0(void *a)
{
	WRITE_ONCE(x, 1);
	if (a == (void *)1) {
		smp_wmb();
		WRITE_ONCE(y, 1);
	} else if (a == (void *)2) {
		smp_store_release(&y, 1);
	} else {
		WRITE_ONCE(y, 1);
	}
}

static void mp_p1(void *a)
{
	if (a == (void *)2) {
		r0 = smp_load_acquire(&y);
	} else {
		r0 = READ_ONCE(y);
		if (a)
			smp_rmb();
	}
	r1 = READ_ONCE(x);
}

static bool mp_relaxed(void)
{
	return r0 == 1 && r1 == 0;
}

struct litmus {
	const char *name;
	sim_task_fn p0, p1;
	void *arg;
	bool (*relaxed)(void);
	bool seen[3];		/* expected under sc, tso, arm64 */
};

static const struct litmus tests[] = {
	{ "SB+poonceonces", sb_p0, sb_p1, NULL, sb_relaxed,
	  { false, true, true } },
	{ "SB+fencembonceonces", sb_p0, sb_p1, (void *)1, sb_relaxed,
	  { false, false, false } },
	{ "MP+poonceonces", mp_p0, mp_p1, NULL, mp_relaxed,
	  { false, false, true } },
	{ "MP+fencewmbonceonce+fencermbonceonce", mp_p0, mp_p1, (void *)1,
	  mp_relaxed, { false, false, false } },
	{ "MP+pooncerelease+poacquireonce", mp_p0, mp_p1, (void *)2,
	  mp_relaxed, { false, false, false } },
	{ "SB+atomic_inc (non-value-returning)", sba_p0, sba_p1, NULL,
	  sb_relaxed, { false, false, true } },
	{ "SB+atomic_inc_return (full barrier)", sba_p0, sba_p1, (void *)1,
	  sb_relaxed, { false, false, false } },
};

/*
 * Run @t exhaustively under @m; returns executions, sets *@seen if the
 * relaxed outcome happened, *@exhausted if the tree was finished.
 */
static uint64_t explore_litmus(const struct litmus *t, enum sim_memory m,
			       bool *seen, bool *exhausted, bool *det)
{
	struct dfs *d = dfs_new(64, 0, 1);	/* no cut: 64 > any path */
	uint64_t n = 0;

	*seen = false;
	*exhausted = false;
	do {
		struct sim_config cfg = { .strategy = dfs_strategy(d) };
		struct sim_result res;

		sim_exec_begin(&cfg);
		sim_set_memory_model(m);
		x = y = r0 = r1 = 0;
		ax.counter = ay.counter = 0;
		sim_task_create("P0", t->p0, t->arg);
		sim_task_create("P1", t->p1, t->arg);
		sim_exec_run(&res);
		n++;
		if (res.outcome != SIM_OK)
			break;
		/* every store has landed by the end */
		if (x + y + ax.counter + ay.counter == 0)
			break;
		*seen |= t->relaxed();
		if (!dfs_next(d)) {
			*exhausted = true;
			break;
		}
	} while (n < 1000000);
	*det = dfs_error(d) == NULL;
	dfs_free(d);
	return n;
}

int main(void)
{
	static const char *const mname[] = { "sc", "tso", "arm64" };
	int nt = sizeof(tests) / sizeof(tests[0]);

	plan(nt * 3 + 3);
	sim_init();
	for (int i = 0; i < nt; i++) {
		for (int m = 0; m < 3; m++) {
			bool seen, ex, det;
			uint64_t n = explore_litmus(&tests[i], m, &seen, &ex,
						    &det);

			ok(ex && det && seen == tests[i].seen[m],
			   "%s under memory=%s: relaxed outcome %s (expected "
			   "%s), %llu executions%s", tests[i].name, mname[m],
			   seen ? "seen" : "never",
			   tests[i].seen[m] ? "seen" : "never",
			   (unsigned long long)n,
			   ex ? ", exhausted" : ", NOT exhausted");
		}
	}

	/* A schedule with drains replays exactly. */
	{
		struct sim_config cfg = { .strategy = sim_strategy_random(),
					  .seed = 0 };
		struct sim_result res;
		char sched[4096] = "";
		int want0 = -1, want1 = -1;
		bool found = false;

		for (uint64_t s = 0; s < 2000 && !found; s++) {
			cfg.seed = s;
			sim_exec_begin(&cfg);
			sim_set_memory_model(SIM_MEM_ARM64);
			x = y = r0 = r1 = 0;
			sim_task_create("P0", mp_p0, NULL);
			sim_task_create("P1", mp_p1, NULL);
			sim_exec_run(&res);
			if (mp_relaxed()) {
				found = true;
				want0 = r0;
				want1 = r1;
				snprintf(sched, sizeof(sched), "%s",
					 sim_schedule());
			}
		}
		ok(found && strpbrk(sched, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
		   "random finds MP's relaxed outcome under arm64; its "
		   "schedule names drains: %s", sched);
		cfg = (struct sim_config){ .replay = sched };
		sim_exec_begin(&cfg);
		sim_set_memory_model(SIM_MEM_ARM64);
		x = y = r0 = r1 = 0;
		sim_task_create("P0", mp_p0, NULL);
		sim_task_create("P1", mp_p1, NULL);
		sim_exec_run(&res);
		ok(res.outcome == SIM_OK && r0 == want0 && r1 == want1 &&
		   !strcmp(sim_schedule(), sched),
		   "replaying it reproduces r0=%d r1=%d and the schedule", r0,
		   r1);
	}
	/* Under tso/arm64 the ids from 26 up are the drains': a limit. */
	{
		struct sim_config cfg = { 0 };
		struct sim_result res;
		int last = 0;

		sim_exec_begin(&cfg);
		sim_set_memory_model(SIM_MEM_TSO);
		for (int t = 0; t < SIM_SB_ID_BASE + 1; t++)
			last = sim_task_create("P", sb_p0, NULL);
		sim_exec_result(&res);
		ok(last == -1 && res.outcome == SIM_LIMIT &&
			   strstr(res.msg, "memory=tso"),
		   "a 27th task under memory=tso is a limit: %s", res.msg);
	}
	return done_testing();
}
