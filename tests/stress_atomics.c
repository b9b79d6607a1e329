// SPDX-License-Identifier: GPL-2.0
/*
 * tests/stress_atomics.c - sim/atomic.h and the bit locks are atomic on
 * real threads.
 *
 * Properties:
 *  - atomic_inc/dec, atomic_cmpxchg loops, atomic_add_unless and
 *    atomic_inc_not_zero give exact totals under contention;
 *  - atomic_inc_not_zero never resurrects a counter that reached zero;
 *  - wait_on_bit_lock / clear_bit_unlock_wake exclude (a non-atomic
 *    counter under the bit lock is exact) and neighbouring bits of the
 *    same word are not disturbed;
 *  - wait_on_bit returns only once the bit is clear;
 *  - a completion is consumed once per complete(), and complete_all()
 *    releases every waiter.
 * Under a second each, also under TSan.
 */
#include "tests/stress_util.h"

#define NTHREADS 4
#define NITER 20000

static int barrier;
static atomic_t a_inc = ATOMIC_INIT(0), a_dec = ATOMIC_INIT(0);
static atomic_t a_cas = ATOMIC_INIT(0), a_unless = ATOMIC_INIT(0);
static atomic_long_t a_long = ATOMIC_INIT(0);
static atomic_t a_nz = ATOMIC_INIT(1);
static int unless_added;

static void atomic_worker(void *arg)
{
	start_barrier(&barrier, NTHREADS);
	for (int i = 0; i < NITER; i++) {
		int old, seen;

		atomic_inc(&a_inc);
		atomic_dec(&a_dec);
		atomic_long_add(2, &a_long);
		old = atomic_read(&a_cas);
		while ((seen = atomic_cmpxchg(&a_cas, old, old + 1)) != old)
			old = seen;
		/* Saturates at NITER: adds stop once the value is NITER. */
		if (atomic_add_unless(&a_unless, 1, NITER))
			__atomic_add_fetch(&unless_added, 1, __ATOMIC_SEQ_CST);
		/* +1 then -1 unless it is 0: stays >= 1, never revived. */
		if (atomic_inc_not_zero(&a_nz))
			atomic_dec(&a_nz);
	}
}

/* A refcount dropped to zero must stay dead for inc_not_zero. */
static atomic_t ref = ATOMIC_INIT(0);
static int revived, zero_seen;

static void ref_worker(void *arg)
{
	start_barrier(&barrier, NTHREADS);
	/* Race get/put against the owner's final put until it is gone. */
	while (!__atomic_load_n(&zero_seen, __ATOMIC_SEQ_CST)) {
		if (atomic_inc_not_zero(&ref)) {
			if (atomic_dec_and_test(&ref))
				__atomic_add_fetch(&zero_seen, 1,
						   __ATOMIC_SEQ_CST);
		}
	}
	/* Gone: it must stay gone. */
	for (int i = 0; i < 1000; i++)
		if (atomic_inc_not_zero(&ref))
			__atomic_store_n(&revived, 1, __ATOMIC_SEQ_CST);
}

/* The owner of the last reference drops it midway. */
static void ref_owner(void *arg)
{
	start_barrier(&barrier, NTHREADS);
	sleep_us(200);
	if (atomic_dec_and_test(&ref))
		__atomic_add_fetch(&zero_seen, 1, __ATOMIC_SEQ_CST);
}

#define PG_locked 3
#define PG_other 4
static unsigned long flags[2];
static long bit_counter;
static int bit_other_bad;

static void bitlock_worker(void *arg)
{
	int id = sim_task_id();

	start_barrier(&barrier, NTHREADS);
	for (int i = 0; i < NITER / 4; i++) {
		wait_on_bit_lock(&flags[1], PG_locked);
		bit_counter++;
		clear_bit_unlock_wake(&flags[1], PG_locked);
		/* Task 0 toggles a neighbouring bit of the same word. */
		if (id == 0) {
			set_bit(PG_other, &flags[1]);
			if (!test_and_clear_bit(PG_other, &flags[1]))
				__atomic_store_n(&bit_other_bad, 1,
						 __ATOMIC_SEQ_CST);
		}
	}
}

/* wait_on_bit: the waiter sees the protected data once the bit clears. */
static int wob_data, wob_seen = -1;

static void wob_holder(void *arg)
{
	set_bit(PG_locked, &flags[0]);
	__atomic_store_n(&barrier, 1, __ATOMIC_SEQ_CST);
	sleep_us(2000);
	wob_data = 42;
	clear_bit_unlock_wake(&flags[0], PG_locked);
}

static void wob_waiter(void *arg)
{
	await_flag(&barrier);
	wait_on_bit(&flags[0], PG_locked);
	wob_seen = wob_data; /* ordered by the bit's release/acquire */
}

static struct completion comp, comp_all;
static int comp_woken;

static void comp_waiter(void *arg)
{
	wait_for_completion(&comp);
	__atomic_add_fetch(&comp_woken, 1, __ATOMIC_SEQ_CST);
	wait_for_completion(&comp_all);
	__atomic_add_fetch(&comp_woken, 100, __ATOMIC_SEQ_CST);
}

static int comp_after_two = -1;

static void comp_completer(void *arg)
{
	uint64_t deadline = now_ns() + 1000000000ULL;

	complete(&comp);
	complete(&comp);
	/* Two complete()s release exactly two of the three waiters. */
	while (__atomic_load_n(&comp_woken, __ATOMIC_SEQ_CST) < 2 &&
	       now_ns() < deadline)
		sched_yield();
	sleep_us(5000);		/* a third must not follow */
	comp_after_two = __atomic_load_n(&comp_woken, __ATOMIC_SEQ_CST);
	complete(&comp);
	complete_all(&comp_all);
}

int main(void)
{
	struct sim_result res;

	plan(12);
	sim_init();

	barrier = 0;
	run_n(NTHREADS, "atomic", atomic_worker, NULL, &res);
	is_int(atomic_read(&a_inc), NTHREADS * NITER,
	       "atomic_inc total is exact");
	is_int(atomic_read(&a_dec), -NTHREADS * NITER,
	       "atomic_dec total is exact");
	is_int(atomic_long_read(&a_long), 2L * NTHREADS * NITER,
	       "atomic_long_add total is exact");
	is_int(atomic_read(&a_cas), NTHREADS * NITER,
	       "cmpxchg increment loop total is exact");
	ok(atomic_read(&a_unless) == NITER && unless_added == NITER,
	   "atomic_add_unless stops exactly at its limit");
	is_int(atomic_read(&a_nz), 1,
	       "atomic_inc_not_zero paired with dec leaves the count unchanged");

	barrier = 0;
	atomic_set(&ref, 1);
	exec_begin(3);
	sim_task_create("owner", ref_owner, NULL);
	for (int i = 1; i < NTHREADS; i++)
		sim_task_create("getter", ref_worker, NULL);
	sim_exec_run(&res);
	ok(!revived && zero_seen == 1 && atomic_read(&ref) == 0,
	   "atomic_inc_not_zero never revives a zero refcount (zero reached %d times)",
	   zero_seen);

	barrier = 0;
	run_n(NTHREADS, "bitlock", bitlock_worker, NULL, &res);
	is_int(bit_counter, NITER / 4 * NTHREADS,
	       "bit lock: increments under folio_lock-style bit lock are exact");
	ok(!bit_other_bad && flags[1] == 0,
	   "bit lock: neighbouring bits of the word are not disturbed");

	barrier = 0;
	exec_begin(4);
	sim_task_create("holder", wob_holder, NULL);
	sim_task_create("waiter", wob_waiter, NULL);
	sim_exec_run(&res);
	is_int(wob_seen, 42,
	       "wait_on_bit returns after the bit is cleared, seeing the data");

	init_completion(&comp);
	init_completion(&comp_all);
	exec_begin(5);
	for (int i = 0; i < 3; i++)
		sim_task_create("waiter", comp_waiter, NULL);
	sim_task_create("completer", comp_completer, NULL);
	sim_exec_run(&res);
	is_int(comp_after_two, 2, "each complete() releases one waiter");
	is_int(comp_woken, 303, "complete_all() releases every waiter");

	return done_testing();
}
