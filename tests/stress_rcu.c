// SPDX-License-Identifier: GPL-2.0
/*
 * tests/stress_rcu.c - stress-mode RCU keeps its one promise on real
 * threads: a grace period never ends while a reader that was inside
 * before it began is still inside.
 *
 * Properties:
 *  - synchronize_rcu returns only after every pre-existing reader has
 *    left its section (readers count section entries/exits; the updater
 *    checks after each grace period), thousands of times;
 *  - publish / synchronize_rcu / free: a reader never sees a freed object
 *    (ASan would report the use after free; the poison is checked too);
 *  - the same with call_rcu: callbacks run only after pre-existing
 *    readers leave, every queued callback runs by the end of the
 *    execution, and some run while the execution is still going;
 *  - a CPU with interrupts disabled is a reader: synchronize_rcu waits
 *    for its local_irq_enable;
 *  - rcu_read_lock_held and sim_rcu_gp_count behave;
 *  - synchronize_rcu inside a reader is a violation, not a hang.
 * About a second under TSan.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/stress_util.h"

#define NREADERS 3
#define NUPDATES 1500
#define MAGIC 0x5ca1ab1e

static int stop, barrier;
static uint64_t sect[NREADERS + 1], exited[NREADERS + 1];
static int early_gp; /* a grace period ended under a live reader */

/* Enters and leaves read-side sections, counting both edges. */
static void counting_reader(void *arg)
{
	int r = sim_task_id();

	start_barrier(&barrier, NREADERS + 1);
	while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
		rcu_read_lock();
		__atomic_add_fetch(&sect[r], 1, __ATOMIC_SEQ_CST);
		for (int i = 0; i < 3; i++)
			sched_yield();
		__atomic_add_fetch(&exited[r], 1, __ATOMIC_SEQ_CST);
		rcu_read_unlock();
	}
}

static void gp_checker(void *arg)
{
	uint64_t e[NREADERS];

	start_barrier(&barrier, NREADERS + 1);
	for (int n = 0; n < NUPDATES; n++) {
		/* A reader with sect > exited is inside section number sect. */
		for (int r = 0; r < NREADERS; r++) {
			uint64_t x =
				__atomic_load_n(&exited[r], __ATOMIC_SEQ_CST);
			uint64_t s =
				__atomic_load_n(&sect[r], __ATOMIC_SEQ_CST);

			e[r] = s > x ? s : 0;
		}
		synchronize_rcu();
		for (int r = 0; r < NREADERS; r++)
			if (e[r] && __atomic_load_n(&exited[r],
						    __ATOMIC_SEQ_CST) < e[r])
				__atomic_add_fetch(&early_gp, 1,
						   __ATOMIC_SEQ_CST);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
}

/* ---- publish and free ---- */

struct obj {
	struct rcu_head rcu;
	int magic;
	int val;
};

static struct obj *gptr;
static int bad_reads, reads;
static int cb_queued, cb_run, cb_run_live;
static int use_call_rcu;

static void ptr_reader(void *arg)
{
	start_barrier(&barrier, NREADERS + 1);
	while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
		struct obj *p;

		rcu_read_lock();
		p = READ_ONCE(gptr);
		for (int i = 0; i < 4; i++) {
			if (__atomic_load_n(&p->magic, __ATOMIC_RELAXED) !=
			    MAGIC)
				__atomic_add_fetch(&bad_reads, 1,
						   __ATOMIC_SEQ_CST);
			sched_yield();
		}
		rcu_read_unlock();
		__atomic_add_fetch(&reads, 1, __ATOMIC_RELAXED);
	}
}

static void obj_free(struct obj *p)
{
	__atomic_store_n(&p->magic, 0xdead, __ATOMIC_RELAXED);
	free(p);
}

static void obj_free_rcu(struct rcu_head *h)
{
	obj_free((struct obj *)h);
	__atomic_add_fetch(&cb_run, 1, __ATOMIC_SEQ_CST);
	if (sim_running() && sim_task_id() >= 0)
		__atomic_add_fetch(&cb_run_live, 1, __ATOMIC_SEQ_CST);
}

static struct obj *obj_new(int val)
{
	struct obj *p = calloc(1, sizeof(*p));

	p->magic = MAGIC;
	p->val = val;
	return p;
}

static void ptr_updater(void *arg)
{
	start_barrier(&barrier, NREADERS + 1);
	for (int n = 1; n <= NUPDATES; n++) {
		struct obj *old = READ_ONCE(gptr);

		WRITE_ONCE(gptr, obj_new(n));
		if (use_call_rcu) {
			call_rcu(&old->rcu, obj_free_rcu);
			__atomic_add_fetch(&cb_queued, 1, __ATOMIC_SEQ_CST);
			if (n % 8 == 0)
				sched_yield();
		} else {
			synchronize_rcu();
			obj_free(old);
		}
	}
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
}

static void run_ptr(int call)
{
	struct sim_result res;

	stop = barrier = bad_reads = reads = 0;
	use_call_rcu = call;
	gptr = obj_new(0);
	exec_begin(10 + call);
	for (int i = 0; i < NREADERS; i++)
		sim_task_create("reader", ptr_reader, NULL);
	sim_task_create("updater", ptr_updater, NULL);
	sim_exec_run(&res);
	obj_free(gptr);
	diag("%s: %d read sections, %d callbacks run while tasks ran",
	     call ? "call_rcu" : "synchronize_rcu", reads, cb_run_live);
}

/* ---- irq-disabled CPU is a reader ---- */

static uint64_t seqno;
static uint64_t at_enable, at_gp_end;
static int irq_off;

static void irq_reader(void *arg)
{
	local_irq_disable();
	__atomic_store_n(&irq_off, 1, __ATOMIC_SEQ_CST);
	sleep_us(20000);
	at_enable = __atomic_add_fetch(&seqno, 1, __ATOMIC_SEQ_CST);
	local_irq_enable();
}

static void irq_gp(void *arg)
{
	await_flag(&irq_off);
	synchronize_rcu();
	at_gp_end = __atomic_add_fetch(&seqno, 1, __ATOMIC_SEQ_CST);
}

static int held_ok;

static void held_check(void *arg)
{
	int good = !rcu_read_lock_held();

	rcu_read_lock();
	rcu_read_lock();
	good &= rcu_read_lock_held();
	rcu_read_unlock();
	good &= rcu_read_lock_held();
	rcu_read_unlock();
	good &= !rcu_read_lock_held();
	local_irq_disable();
	good &= rcu_read_lock_held() && irqs_disabled();
	local_irq_enable();
	good &= !rcu_read_lock_held() && !irqs_disabled();
	held_ok = good;
}

static void sync_in_reader(void *arg)
{
	rcu_read_lock();
	synchronize_rcu();
	rcu_read_unlock();
}

int main(void)
{
	struct sim_result res;
	uint64_t gp0;

	plan(10);
	sim_init();

	exec_begin(1);
	for (int i = 0; i < NREADERS; i++)
		sim_task_create("reader", counting_reader, NULL);
	sim_task_create("gp", gp_checker, NULL);
	sim_exec_run(&res);
	is_int(early_gp, 0,
	       "synchronize_rcu never returns before a pre-existing reader leaves");
	ok(sim_rcu_gp_count() >= NUPDATES,
	   "every synchronize_rcu counts a grace period (%llu)",
	   (unsigned long long)sim_rcu_gp_count());

	run_ptr(0);
	is_int(bad_reads, 0, "synchronize_rcu: no reader sees a freed object");

	run_ptr(1);
	is_int(bad_reads, 0,
	       "call_rcu: no reader sees an object freed by a callback");
	ok(cb_run == cb_queued && cb_queued == NUPDATES,
	   "call_rcu: every queued callback has run by the end (%d of %d)",
	   cb_run, cb_queued);
	ok(cb_run_live > 0,
	   "call_rcu: callbacks run while the execution goes on");

	exec_begin(2);
	sim_task_create("irqoff", irq_reader, NULL);
	sim_task_create("gp", irq_gp, NULL);
	sim_exec_run(&res);
	ok(at_enable && at_enable < at_gp_end,
	   "an irq-disabled CPU holds off the grace period until local_irq_enable");

	exec_begin(3);
	gp0 = sim_rcu_gp_count();
	sim_task_create("held", held_check, NULL);
	sim_exec_run(&res);
	ok(held_ok && gp0 == 0,
	   "rcu_read_lock_held follows nesting and irq-disable");

	exec_begin(4);
	sim_task_create("bad", sync_in_reader, NULL);
	sim_exec_run(&res);
	is_int(res.outcome, SIM_VIOLATION,
	       "synchronize_rcu inside a reader is a violation");
	ok(strstr(res.msg, "synchronize_rcu") != NULL, "and says so: %s",
	   res.msg);

	return done_testing();
}
