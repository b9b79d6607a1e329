// SPDX-License-Identifier: GPL-2.0
/*
 * t_sched - the controlled scheduler's promises.
 *
 *  - Determinism: the same (program, strategy, seed) gives the same trace
 *    hash, for 1,000 seeds; replaying the recorded schedule string gives the
 *    same trace hash again.
 *  - ABBA: two tasks taking two locks in opposite orders are reported as a
 *    deadlock naming both tasks, under some schedule of the random strategy.
 *  - RCU: across every explored schedule, synchronize_rcu() never returns
 *    while a reader that began before it is still inside.
 *  - rwsem: a waiting writer blocks new readers.
 *  - IPIs: an irq-disabled CPU delays smp_call_function_many's completion.
 *  - Livelock: the step bound ends a task that never stops.
 *  - Violations end the execution without ending the process.
 *  - sim_others_stand_at agrees with its definition on every range.
 *  - A bit wait queued under a lock (bit_wait_prepare/finish, the kernel's
 *    migration_entry_wait_on_locked) is woken by the unlock that was
 *    pending, even when the bit is taken again before the waiter runs;
 *    a wait that re-reads the bit (wait_on_bit) sleeps on the new owner.
 * Runs in well under a second.
 */
#include <string.h>

#include "sim/atomic.h"
#include "sim/sync.h"
#include "tap.h"

static int shared;
static spinlock_t lock_a, lock_b;

/* ---- a small racy program: 3 tasks incrementing without a lock ---- */

static void racy_inc(void *arg)
{
	for (int i = 0; i < 5; i++) {
		int v = READ_ONCE(shared);

		WRITE_ONCE(shared, v + 1);
	}
}

static struct sim_result run_racy(struct sim_strategy *s, uint64_t seed,
				  const char *replay)
{
	struct sim_config cfg = { .strategy = s, .seed = seed,
				  .replay = replay };
	struct sim_result r;

	sim_exec_begin(&cfg);
	shared = 0;
	sim_task_create("t0", racy_inc, NULL);
	sim_task_create("t1", racy_inc, NULL);
	sim_task_create("t2", racy_inc, NULL);
	sim_exec_run(&r);
	return r;
}

static void test_determinism(void)
{
	struct sim_strategy *strats[] = { sim_strategy_random(),
					  sim_strategy_pct(3) };
	int mismatches = 0, replay_bad = 0, lost = 0;
	char sched[8192];

	for (int si = 0; si < 2; si++) {
		for (uint64_t seed = 0; seed < 1000; seed++) {
			struct sim_result a = run_racy(strats[si], seed, NULL);
			int final = shared;
			struct sim_result b, c;

			strncpy(sched, sim_schedule(), sizeof(sched) - 1);
			sched[sizeof(sched) - 1] = 0;
			b = run_racy(strats[si], seed, NULL);
			if (a.trace_hash != b.trace_hash || shared != final)
				mismatches++;
			c = run_racy(strats[si], 12345, sched);
			if (c.trace_hash != a.trace_hash ||
			    c.outcome != SIM_OK || shared != final)
				replay_bad++;
			lost += final != 15;
		}
	}
	is_int(mismatches, 0, "Same seed, same trace hash (1,000 seeds, "
			      "random and PCT)");
	is_int(replay_bad, 0, "Replaying the schedule string reproduces the "
			      "trace hash and the result");
	ok(lost > 0, "The explorer sees lost updates of an unlocked counter "
		     "(%d of 2,000 executions)", lost);
}

static void test_replay_divergence(void)
{
	struct sim_result r = run_racy(sim_strategy_rr(), 0, "a2z9");

	is_int(r.outcome, SIM_DIVERGED, "A schedule naming a task that "
					"cannot run is reported as diverged");
	r = run_racy(sim_strategy_rr(), 0, "z9");
	is_int(r.outcome, SIM_DIVERGED, "... also at the very first choice");
}

/* ---- ABBA ---- */

static void take_ab(void *arg)
{
	spin_lock(&lock_a);
	spin_lock(&lock_b);
	spin_unlock(&lock_b);
	spin_unlock(&lock_a);
}

static void take_ba(void *arg)
{
	spin_lock(&lock_b);
	spin_lock(&lock_a);
	spin_unlock(&lock_a);
	spin_unlock(&lock_b);
}

static void test_abba(void)
{
	int deadlocks = 0, clean = 0, named = 0;

	for (uint64_t seed = 0; seed < 200; seed++) {
		struct sim_config cfg = { .strategy = sim_strategy_random(),
					  .seed = seed };
		struct sim_result r;

		sim_exec_begin(&cfg);
		spin_lock_init_class(&lock_a, "lock_a");
		spin_lock_init_class(&lock_b, "lock_b");
		sim_task_create("ab", take_ab, NULL);
		sim_task_create("ba", take_ba, NULL);
		sim_exec_run(&r);
		if (r.outcome == SIM_DEADLOCK) {
			deadlocks++;
			if (strstr(r.msg, "task ab waits for lock_b") &&
			    strstr(r.msg, "task ba waits for lock_a") &&
			    strstr(r.msg, "holds lock_a") &&
			    strstr(r.msg, "holds lock_b"))
				named++;
			if (deadlocks == 1)
				diag("%s", r.msg);
		} else if (r.outcome == SIM_OK) {
			clean++;
		}
	}
	ok(deadlocks > 0, "ABBA lock order is reported as a deadlock (%d of "
			  "200 schedules)", deadlocks);
	is_int(named, deadlocks, "Each deadlock report names both tasks, what "
				 "they wait for and what they hold");
	ok(clean > 0, "Schedules that do not interleave the two finish");
}

/* ---- RCU ---- */

static int reader_inside, gp_broken, gp_done, gp_waited;

static void rcu_reader(void *arg)
{
	rcu_read_lock();
	WRITE_ONCE(reader_inside, 1);
	(void)READ_ONCE(shared);
	(void)READ_ONCE(shared);
	WRITE_ONCE(reader_inside, 0);
	rcu_read_unlock();
}

static void rcu_updater(void *arg)
{
	/* was the reader inside when the grace period began? */
	int before = READ_ONCE(reader_inside);

	synchronize_rcu();
	if (before && READ_ONCE(reader_inside))
		gp_broken++;
	gp_waited += before;
	gp_done++;
}

static void test_rcu(void)
{
	gp_broken = gp_done = gp_waited = 0;
	for (uint64_t seed = 0; seed < 500; seed++) {
		struct sim_config cfg = { .strategy = sim_strategy_random(),
					  .seed = seed };
		struct sim_result r;

		sim_exec_begin(&cfg);
		reader_inside = 0;
		sim_task_create("reader", rcu_reader, NULL);
		sim_task_create("updater", rcu_updater, NULL);
		sim_exec_run(&r);
	}
	is_int(gp_done, 500, "synchronize_rcu always returns");
	ok(gp_waited > 0, "Some schedules start a grace period while the "
			  "reader is inside (%d of 500)", gp_waited);
	is_int(gp_broken, 0, "A grace period never ends while a pre-existing "
			     "reader is inside (500 schedules)");
}

static int cb_ran, cb_early;

static void cb(struct rcu_head *h)
{
	cb_ran++;
	if (reader_inside)
		cb_early++;
}

static struct rcu_head head;

static void rcu_caller(void *arg)
{
	rcu_read_lock();
	WRITE_ONCE(reader_inside, 1);
	call_rcu(&head, cb);	/* we are a pre-existing reader */
	(void)READ_ONCE(shared);
	WRITE_ONCE(reader_inside, 0);
	rcu_read_unlock();
}

static void test_call_rcu(void)
{
	struct sim_result r;

	cb_ran = cb_early = 0;
	sim_exec_begin(NULL);
	reader_inside = 0;
	sim_task_create("caller", rcu_caller, NULL);
	sim_exec_run(&r);
	is_int(cb_ran, 1, "call_rcu's callback runs once");
	is_int(cb_early, 0, "call_rcu's callback waits for the reader");
}

/* ---- rwsem ---- */

static struct rw_semaphore sem;
static int trylock_while_writer_waits = -1;

static void rw_reader1(void *arg)
{
	down_read(&sem);
	/* let the writer queue up behind us */
	for (int i = 0; i < 4; i++)
		(void)READ_ONCE(shared);
	trylock_while_writer_waits = down_read_trylock(&sem);
	if (trylock_while_writer_waits)
		up_read(&sem);
	up_read(&sem);
}

static void rw_writer(void *arg)
{
	down_write(&sem);
	up_write(&sem);
}

static void test_rwsem(void)
{
	struct sim_result r;

	/* rr: reader1 takes it, the writer parks, reader1 tries again */
	sim_exec_begin(NULL);
	init_rwsem_class(&sem, "sem");
	sim_task_create("reader", rw_reader1, NULL);
	sim_task_create("writer", rw_writer, NULL);
	sim_exec_run(&r);
	is_int(r.outcome, SIM_OK, "rwsem program completes");
	is_int(trylock_while_writer_waits, 0,
	       "A waiting writer blocks new readers");
}

/* ---- IPIs ---- */

static int irq_off_done, ipi_seen_after_enable, ipis_run, sender_done;

static void ipi_func(int cpu, void *info)
{
	ipis_run++;
	if (irq_off_done)
		ipi_seen_after_enable++;
}

static void irq_off_cpu(void *arg)
{
	local_irq_disable();
	for (int i = 0; i < 3; i++)
		(void)READ_ONCE(shared);
	irq_off_done = 1;
	local_irq_enable();
}

static void ipi_sender(void *arg)
{
	cpumask_t m = { 1ULL << 0 };

	smp_call_function_many(&m, ipi_func, NULL);
	/* the target must have run it by now */
	if (irq_off_done || ipis_run)
		sender_done++;
}

static void test_ipi(void)
{
	int delayed = 0, total = 0, bad = 0;

	for (uint64_t seed = 0; seed < 300; seed++) {
		struct sim_config cfg = { .strategy = sim_strategy_random(),
					  .seed = seed };
		struct sim_result r;

		sim_exec_begin(&cfg);
		irq_off_done = ipi_seen_after_enable = ipis_run = 0;
		sender_done = 0;
		sim_task_create("irqoff", irq_off_cpu, NULL);
		sim_task_create("sender", ipi_sender, NULL);
		sim_exec_run(&r);
		total++;
		bad += r.outcome != SIM_OK || ipis_run != 1 ||
		       sender_done != 1;
		delayed += ipi_seen_after_enable;
	}
	is_int(bad, 0, "Every IPI is acknowledged before the sender goes on");
	ok(delayed > 0 && delayed < total,
	   "An irq-disabled CPU takes the IPI only after enabling irqs "
	   "(%d of %d schedules delayed)", delayed, total);
}

/* ---- livelock and violations ---- */

static void spinner(void *arg)
{
	for (;;)
		(void)READ_ONCE(shared);
}

static void violator(void *arg)
{
	(void)READ_ONCE(shared);
	sim_violation("the answer is %d", 42);
	shared = -1;	/* never reached */
}

static void test_bounds(void)
{
	struct sim_config cfg = { .max_steps = 1000 };
	struct sim_result r, before = run_racy(sim_strategy_random(), 7, NULL);

	sim_exec_begin(&cfg);
	sim_task_create("spin", spinner, NULL);
	sim_exec_run(&r);
	is_int(r.outcome, SIM_LIVELOCK, "The step bound reports a livelock");

	shared = 0;
	sim_exec_begin(NULL);
	sim_task_create("bad", violator, NULL);
	sim_task_create("spin", racy_inc, NULL);
	sim_exec_run(&r);
	ok(r.outcome == SIM_VIOLATION && !strcmp(r.msg, "the answer is 42") &&
		   shared != -1,
	   "A violation ends the execution, not the process");

	/* and the next execution is healthy */
	r = run_racy(sim_strategy_random(), 7, NULL);
	ok(r.outcome == SIM_OK && r.trace_hash == before.trace_hash,
	   "An execution after an abandoned one runs as it did before");
}

static void make_tasks(void *arg)
{
	int *n = arg;

	if (--*n > 0)
		sim_task_create("child", make_tasks, arg);
}

static void test_task_limit(void)
{
	int n = SIM_MAX_TASKS + 5;
	struct sim_result r;

	sim_exec_begin(NULL);
	sim_task_create("root", make_tasks, &n);
	sim_exec_run(&r);
	ok(r.outcome == SIM_LIMIT && strstr(r.msg, "too many tasks"),
	   "Creating more than SIM_MAX_TASKS tasks is a reported limit");
}

/* ---- sim_others_stand_at: where the other tasks stand ---- */

static char stand_obj[64];	/* the objects the tasks stand at */
static int stand_ready, stand_bad, stand_true, stand_false;

/* Stand at one object (t1) or two (t2: a user access, sim_yield_at2). */
static void stander(void *arg)
{
	__atomic_fetch_add(&stand_ready, 1, SIM_MO);
	if (arg)
		sim_yield_at2(SIM_EV_USER, (uintptr_t)&stand_obj[16], SIM_EV_WRITE,
			      (uintptr_t)&stand_obj[40], SIM_SITE("stand:two"));
	else
		sim_yield_at(SIM_EV_READ, (uintptr_t)&stand_obj[8],
			     SIM_SITE("stand:one"));
}

/*
 * The looker: once both others have started, for every range around the
 * objects, sim_others_stand_at must say what the definition says - some
 * live task other than this one whose next access (addr or addr2) lies in
 * [lo, lo + len). The others stand there or have ended, as the schedule
 * went: both cases are met across seeds.
 */
static void looker(void *arg)
{
	while (__atomic_load_n(&stand_ready, SIM_MO) < 2)
		sim_yield_at(SIM_EV_READ, (uintptr_t)&stand_ready,
			     SIM_SITE("stand:wait"));
	for (int lo = 0; lo < 48; lo++) {
		for (int len = 1; lo + len <= 64; len += 3) {
			uintptr_t a = (uintptr_t)&stand_obj[lo];
			bool want = false, got;

			for (int t = 0; t < sim_nr_tasks(); t++) {
				const struct sim_access *n = sim_task_next(t);

				if (t == sim_task_id() ||
				    sim_task_state(t) == SIM_TASK_DONE)
					continue;
				want |= (n->addr >= a && n->addr < a + len) ||
					(n->addr2 >= a && n->addr2 < a + len);
			}
			got = sim_others_stand_at(&stand_obj[lo], len);
			stand_bad += got != want;
			stand_true += got;
			stand_false += !got;
		}
	}
}

static void test_others_stand_at(void)
{
	for (uint64_t seed = 0; seed < 50; seed++) {
		struct sim_config cfg = { .strategy = sim_strategy_random(),
					  .seed = seed };
		struct sim_result r;

		stand_ready = 0;
		sim_exec_begin(&cfg);
		sim_task_create("looker", looker, NULL);
		sim_task_create("one", stander, NULL);
		sim_task_create("two", stander, stand_obj);
		sim_exec_run(&r);
	}
	ok(!stand_bad && stand_true > 0 && stand_false > 0,
	   "sim_others_stand_at says whether another live task's next access "
	   "falls in a range (%d wrong; %d yes, %d no)", stand_bad,
	   stand_true, stand_false);
}

/* ---- a bit wait queued under a lock: the unlock it waited for wakes it ---- */

static spinlock_t entry_lock;
static int entry;		/* "a migration entry": set while the bit is held */
static unsigned long bitword;
static bool queued_wait;	/* bit_wait_prepare/finish, else wait_on_bit */
static int woken_relocked;	/* the waiter returned with the bit set again */

static void entry_waiter(void *arg)
{
	int saw;

	spin_lock(&entry_lock);
	saw = entry;
	if (saw && queued_wait)
		bit_wait_prepare(&bitword, 0);
	spin_unlock(&entry_lock);
	if (!saw)
		return;
	if (queued_wait)
		bit_wait_finish(&bitword, 0);
	else
		wait_on_bit(&bitword, 0);
	woken_relocked += test_bit(0, &bitword);
}

/* The migration: entry gone under the lock, then the unlock; then the
 * freed folio's next owner takes its lock and keeps it. */
static void entry_owner(void *arg)
{
	spin_lock(&entry_lock);
	entry = 0;
	spin_unlock(&entry_lock);
	clear_bit_unlock_wake(&bitword, 0);
	wait_on_bit_lock(&bitword, 0);
}

static int run_entry_wait(bool queued)
{
	int deadlocks = 0;

	queued_wait = queued;
	woken_relocked = 0;
	for (uint64_t seed = 0; seed < 400; seed++) {
		struct sim_config cfg = { .strategy = sim_strategy_random(),
					  .seed = seed };
		struct sim_result r;

		sim_exec_begin(&cfg);
		spin_lock_init(&entry_lock);
		entry = 1;
		bitword = 1;
		sim_task_create("waiter", entry_waiter, NULL);
		sim_task_create("owner", entry_owner, NULL);
		sim_exec_run(&r);
		deadlocks += r.outcome == SIM_DEADLOCK;
	}
	return deadlocks;
}

static void test_bit_wait_queued(void)
{
	int dl = run_entry_wait(true);

	ok(dl == 0 && woken_relocked > 0,
	   "A bit wait queued under the lock is woken by the pending unlock, "
	   "also when the bit is taken again before the waiter runs (%d "
	   "deadlocks; %d such wake-ups in 400 executions)", dl,
	   woken_relocked);
	dl = run_entry_wait(false);
	ok(dl > 0, "A wait that re-reads the bit after the lock is dropped "
	   "sleeps on the next owner's lock (%d deadlocks in 400)", dl);
}

int main(void)
{
	plan(24);
	test_determinism();
	test_replay_divergence();
	test_abba();
	test_rcu();
	test_call_rcu();
	test_rwsem();
	test_ipi();
	test_bounds();
	test_task_limit();
	test_others_stand_at();
	test_bit_wait_queued();
	return done_testing();
}
