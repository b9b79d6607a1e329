// SPDX-License-Identifier: GPL-2.0
/*
 * explore/builtin.c - small demo programs addressed as builtin:NAME, so
 * the explorer and the CLI can be exercised before scenarios exist. Each
 * is a race (or its fix) small enough to count its schedules by hand.
 *
 *	abba		two tasks take two spinlocks in opposite orders
 *	lost-update	two unlocked read-then-write increments
 *	locked-counter	the same under a spinlock: never loses one
 *	rcu		reader vs. replace + synchronize_rcu + free: safe
 *	rcu-nogp	the same without the grace period: use after free
 *	regress-demo	locked-counter whose lock the placeholder
 *			regression switch removes (tests `mmsim bugs`)
 *
 * and four whose Mazurkiewicz traces (executions up to reordering
 * independent steps) are counted by hand in tests/t_dpor.c:
 *
 *	indep		two tasks, each writes its own variable twice: 1
 *	writers3	three tasks write one variable once each: 3! = 6
 *	readers-writer	two tasks read a variable one task writes: 2 * 2
 *	mp		message passing (the MP litmus test): 3, none
 *			sees the flag without the data under SC
 */
#ifndef SIM_STRESS
#include <string.h>

#include "explore/program.h"
#include "sim/atomic.h"
#include "sim/regress.h"
#include "sim/sync.h"

/* ---- shared state of every builtin; reset by its setup ---- */

#define LOG_MAX 32

static struct {
	spinlock_t lock_a, lock_b;
	int counter;
	int nr_inc;
	/* rcu */
	struct obj { int val; int freed; } objs[2], *gp;
	int reader_saw;
	/* timeline for describe() */
	struct { const char *who; const char *what; int val; } log[LOG_MAX];
	int nr_log;
} B;

static void log_op(const char *what, int val)
{
	if (B.nr_log < LOG_MAX)
		B.log[B.nr_log++] = (typeof(B.log[0])){
			sim_task_name(sim_task_id()), what, val };
}

static void describe_log(void *arg, FILE *out)
{
	fprintf(out, "timeline of the shared counter / object:\n");
	for (int i = 0; i < B.nr_log; i++)
		fprintf(out, "  %2d. %-8s %-22s %d\n", i + 1, B.log[i].who,
			B.log[i].what, B.log[i].val);
}

/* ---- abba ---- */

static void take_ab(void *arg)
{
	spin_lock(&B.lock_a);
	spin_lock(&B.lock_b);
	spin_unlock(&B.lock_b);
	spin_unlock(&B.lock_a);
}

static void take_ba(void *arg)
{
	spin_lock(&B.lock_b);
	spin_lock(&B.lock_a);
	spin_unlock(&B.lock_a);
	spin_unlock(&B.lock_b);
}

static void abba_setup(void *arg)
{
	spin_lock_init_class(&B.lock_a, "lock_a");
	spin_lock_init_class(&B.lock_b, "lock_b");
	sim_task_create("ab", take_ab, NULL);
	sim_task_create("ba", take_ba, NULL);
}

/* ---- counters ---- */

/* One increment: READ_ONCE then WRITE_ONCE, locked if @locked. */
static void increment(bool locked)
{
	int v;

	if (locked)
		spin_lock(&B.lock_a);
	v = READ_ONCE(B.counter);
	log_op("read counter", v);
	WRITE_ONCE(B.counter, v + 1);
	log_op("wrote counter", v + 1);
	if (locked)
		spin_unlock(&B.lock_a);
}

static void inc_unlocked(void *arg)
{
	increment(false);
}

static void inc_locked(void *arg)
{
	increment(true);
}

static void inc_regress(void *arg)
{
	/* the placeholder switch: the "old code" forgot the lock */
	increment(!sim_regress_on(SIM_REGRESS_PLACEHOLDER_DEMO));
}

static void counter_setup(sim_task_fn fn)
{
	memset(&B, 0, sizeof(B));
	spin_lock_init_class(&B.lock_a, "counter_lock");
	B.nr_inc = 2;
	sim_task_create("t0", fn, NULL);
	sim_task_create("t1", fn, NULL);
}

static void lost_update_setup(void *arg)
{
	counter_setup(inc_unlocked);
}

static void locked_setup(void *arg)
{
	counter_setup(inc_locked);
}

static void regress_setup(void *arg)
{
	counter_setup(inc_regress);
}

/* The oracle: every increment is visible at the end. */
static void counter_check(void *arg)
{
	if (B.counter != B.nr_inc)
		sim_violation("lost update: counter is %d after %d "
			      "increments", B.counter, B.nr_inc);
}

/* ---- rcu ---- */

static void rcu_reader(void *arg)
{
	struct obj *o;

	rcu_read_lock();
	o = READ_ONCE(B.gp);
	log_op("reader: deref object", o->val);
	if (READ_ONCE(o->freed))
		sim_violation("use after free: the reader's object was "
			      "freed inside its read-side section");
	rcu_read_unlock();
}

/* Replace the object; free the old one after a grace period if @gp. */
static void rcu_replace(bool gp)
{
	struct obj *old = READ_ONCE(B.gp);

	WRITE_ONCE(B.gp, &B.objs[1]);
	log_op("updater: published", 1);
	if (gp)
		synchronize_rcu();
	WRITE_ONCE(old->freed, 1);
	log_op("updater: freed old", old->val);
}

static void rcu_updater(void *arg)
{
	rcu_replace(true);
}

static void rcu_updater_nogp(void *arg)
{
	rcu_replace(false);
}

static void rcu_common_setup(sim_task_fn updater)
{
	memset(&B, 0, sizeof(B));
	B.objs[1].val = 1;
	B.gp = &B.objs[0];
	sim_task_create("reader", rcu_reader, NULL);
	sim_task_create("updater", updater, NULL);
}

static void rcu_setup(void *arg)
{
	rcu_common_setup(rcu_updater);
}

static void rcu_nogp_setup(void *arg)
{
	rcu_common_setup(rcu_updater_nogp);
}

/* ---- programs for counting traces (tests/t_dpor.c) ---- */

static void write_own(void *arg)
{
	int *v = arg;

	WRITE_ONCE(*v, 1);
	WRITE_ONCE(*v, 2);
}

static void indep_setup(void *arg)
{
	memset(&B, 0, sizeof(B));
	sim_task_create("x", write_own, &B.objs[0].val);
	sim_task_create("y", write_own, &B.objs[1].val);
}

static void write_counter(void *arg)
{
	WRITE_ONCE(B.counter, (int)(uintptr_t)arg);
}

static void writers3_setup(void *arg)
{
	memset(&B, 0, sizeof(B));
	sim_task_create("w1", write_counter, (void *)1);
	sim_task_create("w2", write_counter, (void *)2);
	sim_task_create("w3", write_counter, (void *)3);
}

static void read_counter(void *arg)
{
	log_op("read counter", READ_ONCE(B.counter));
}

static void readers_writer_setup(void *arg)
{
	memset(&B, 0, sizeof(B));
	sim_task_create("r1", read_counter, NULL);
	sim_task_create("r2", read_counter, NULL);
	sim_task_create("w", write_counter, (void *)1);
}

/* MP: data then flag; the reader must not see the flag without the data */
static void mp_writer(void *arg)
{
	WRITE_ONCE(B.objs[0].val, 1);	/* data */
	WRITE_ONCE(B.objs[1].val, 1);	/* flag */
}

static void mp_reader(void *arg)
{
	int flag = READ_ONCE(B.objs[1].val);
	int data = READ_ONCE(B.objs[0].val);

	if (flag && !data)
		sim_violation("MP: the flag was seen without the data");
}

static void mp_setup(void *arg)
{
	memset(&B, 0, sizeof(B));
	sim_task_create("writer", mp_writer, NULL);
	sim_task_create("reader", mp_reader, NULL);
}

static void abba_describe(void *arg, FILE *out)
{
	fprintf(out, "lock_a held by %s, lock_b held by %s\n",
		B.lock_a.locked ? sim_task_name(B.lock_a.locked - 1) : "-",
		B.lock_b.locked ? sim_task_name(B.lock_b.locked - 1) : "-");
}

static const struct mmsim_program builtins[] = {
	{ "builtin:abba", NULL,
	  "two tasks take two spinlocks in opposite orders (deadlock)",
	  abba_setup, NULL, abba_describe },
	{ "builtin:lost-update", NULL,
	  "two unlocked read-then-write increments (lost update)",
	  lost_update_setup, counter_check, describe_log },
	{ "builtin:locked-counter", NULL,
	  "two increments under a spinlock (clean)",
	  locked_setup, counter_check, describe_log },
	{ "builtin:rcu", NULL,
	  "RCU reader vs. replace, synchronize_rcu, free (clean)",
	  rcu_setup, NULL, describe_log },
	{ "builtin:rcu-nogp", NULL,
	  "RCU reader vs. replace and free without a grace period (UAF)",
	  rcu_nogp_setup, NULL, describe_log },
	{ "builtin:regress-demo", NULL,
	  "locked-counter; --regress placeholder-demo drops the lock",
	  regress_setup, counter_check, describe_log },
	{ "builtin:indep", NULL,
	  "two tasks write a variable each (one trace)",
	  indep_setup, NULL, NULL },
	{ "builtin:writers3", NULL,
	  "three tasks write one variable (3! traces)",
	  writers3_setup, NULL, NULL },
	{ "builtin:readers-writer", NULL,
	  "two readers and a writer of one variable (4 traces)",
	  readers_writer_setup, NULL, describe_log },
	{ "builtin:mp", NULL,
	  "message passing litmus test, MP (3 traces, clean under SC)",
	  mp_setup, NULL, NULL },
};

const struct mmsim_program *program_builtin(int i)
{
	if (i < 0 || i >= (int)(sizeof(builtins) / sizeof(builtins[0])))
		return NULL;
	return &builtins[i];
}
#endif /* !SIM_STRESS */
