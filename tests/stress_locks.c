// SPDX-License-Identifier: GPL-2.0
/*
 * tests/stress_locks.c - the stress-mode locks exclude on real threads.
 *
 * Properties:
 *  - spinlock, mutex and rwsem (write side) protect a non-atomic counter:
 *    N threads x M increments give exactly N*M;
 *  - rwsem readers share the lock and never overlap a writer;
 *  - a waiting writer blocks new readers: with a reader holding and a
 *    writer waiting, down_read_trylock fails;
 *  - trylocks fail on a held lock, downgrade_write lets readers in;
 *  - the held-lock list and the lockdep hook see blocking acquires;
 *  - unlocking a lock one does not hold is a violation, not a crash.
 * Each part takes well under a second, also under TSan.
 */
#include <sched.h>
#include <string.h>

#include "tests/stress_util.h"

#define NTHREADS 4
#define NITER 20000

static spinlock_t slock;
static struct mutex mtx;
static struct rw_semaphore rwsem;
static long counter; /* plain: protected by the lock under test */
static int barrier;

static void spin_worker(void *arg)
{
	start_barrier(&barrier, NTHREADS);
	for (int i = 0; i < NITER; i++) {
		spin_lock(&slock);
		counter++;
		spin_unlock(&slock);
	}
}

static void mutex_worker(void *arg)
{
	start_barrier(&barrier, NTHREADS);
	for (int i = 0; i < NITER; i++) {
		mutex_lock(&mtx);
		counter++;
		mutex_unlock(&mtx);
	}
}

static int readers_in, writers_in, overlap;

/* Odd tasks write, even tasks read and check no writer is inside. */
static void rwsem_worker(void *arg)
{
	int id = sim_task_id();

	start_barrier(&barrier, NTHREADS);
	for (int i = 0; i < NITER / 2; i++) {
		if (id & 1) {
			down_write(&rwsem);
			if (__atomic_add_fetch(&writers_in, 1,
					       __ATOMIC_SEQ_CST) != 1 ||
			    __atomic_load_n(&readers_in, __ATOMIC_SEQ_CST))
				__atomic_store_n(&overlap, 1, __ATOMIC_SEQ_CST);
			counter++;
			__atomic_sub_fetch(&writers_in, 1, __ATOMIC_SEQ_CST);
			up_write(&rwsem);
		} else {
			down_read(&rwsem);
			__atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&writers_in, __ATOMIC_SEQ_CST))
				__atomic_store_n(&overlap, 1, __ATOMIC_SEQ_CST);
			__atomic_sub_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
			up_read(&rwsem);
		}
	}
}

/* Two readers wait inside the read section for each other. */
static int both_in;

static void shared_reader(void *arg)
{
	uint64_t deadline = now_ns() + 1000000000ULL;

	down_read(&rwsem);
	__atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&readers_in, __ATOMIC_SEQ_CST) < 2 &&
	       now_ns() < deadline)
		sched_yield();
	if (__atomic_load_n(&readers_in, __ATOMIC_SEQ_CST) >= 2)
		__atomic_store_n(&both_in, 1, __ATOMIC_SEQ_CST);
	up_read(&rwsem);
}

/*
 * Writer-blocks-readers, step by step:
 *  (1) A takes the rwsem for read and holds it;
 *  (2) B calls down_write and waits;
 *  (3) C sees writers_waiting and tries down_read_trylock: must fail;
 *  (4) C lets A go; B gets the write lock; then C's down_read succeeds.
 */
static int a_holds, a_release, trylock_result = -1, b_got;

static void wb_reader_a(void *arg)
{
	down_read(&rwsem);
	__atomic_store_n(&a_holds, 1, __ATOMIC_SEQ_CST);
	await_flag(&a_release);
	up_read(&rwsem);
}

static void wb_writer_b(void *arg)
{
	await_flag(&a_holds);
	down_write(&rwsem);
	__atomic_store_n(&b_got, 1, __ATOMIC_SEQ_CST);
	up_write(&rwsem);
}

static void wb_reader_c(void *arg)
{
	bool got;

	await_flag(&a_holds);
	while (!__atomic_load_n(&rwsem.writers_waiting, __ATOMIC_SEQ_CST))
		sched_yield();
	got = down_read_trylock(&rwsem);
	__atomic_store_n(&trylock_result, got, __ATOMIC_SEQ_CST);
	if (got)
		up_read(&rwsem);
	__atomic_store_n(&a_release, 1, __ATOMIC_SEQ_CST);
	down_read(&rwsem);
	up_read(&rwsem);
}

/* Trylocks and downgrade, single task. */
static int trylock_ok;

static void trylocks(void *arg)
{
	int good = 1;

	good &= spin_trylock(&slock);
	good &= spin_is_held_by_me(&slock) && spin_is_locked(&slock);
	good &= !spin_trylock(&slock);
	spin_unlock(&slock);
	good &= !spin_is_locked(&slock);

	good &= mutex_trylock(&mtx);
	good &= !mutex_trylock(&mtx);
	mutex_unlock(&mtx);

	good &= down_write_trylock(&rwsem);
	good &= rwsem_is_write_locked(&rwsem);
	good &= !down_read_trylock(&rwsem);
	downgrade_write(&rwsem);
	good &= rwsem_is_locked(&rwsem) && !rwsem_is_write_locked(&rwsem);
	good &= down_read_trylock(&rwsem); /* readers let in */
	good &= !down_write_trylock(&rwsem);
	up_read(&rwsem);
	up_read(&rwsem);
	good &= !rwsem_is_locked(&rwsem);
	__atomic_store_n(&trylock_ok, good, __ATOMIC_SEQ_CST);
}

/* Lockdep hook and held-lock list. */
static int hook_calls, hook_bad;

static void hook(int task, const struct sim_held_lock *held, int nr_held,
		 const void *lock, const char *class, int mode,
		 const struct sim_site *site)
{
	__atomic_add_fetch(&hook_calls, 1, __ATOMIC_SEQ_CST);
	/* Called before the acquire: the lock is not in the list yet. */
	for (int i = 0; i < nr_held; i++)
		if (held[i].lock == lock)
			__atomic_store_n(&hook_bad, 1, __ATOMIC_SEQ_CST);
	if (task != sim_task_id())
		__atomic_store_n(&hook_bad, 1, __ATOMIC_SEQ_CST);
}

static int held_ok;

static void held_list(void *arg)
{
	const struct sim_held_lock *h;
	int n, good = 1;

	mutex_lock(&mtx);
	down_read(&rwsem);
	spin_lock(&slock);
	n = sim_held_locks(sim_task_id(), &h);
	good &= n == 3 && h[0].lock == &mtx && h[1].lock == &rwsem &&
		h[2].lock == &slock && h[1].mode == SIM_LOCK_SHARED &&
		!strcmp(h[2].class, "slock");
	spin_unlock(&slock);
	up_read(&rwsem);
	n = sim_held_locks(sim_task_id(), &h);
	good &= n == 1 && h[0].lock == &mtx;
	mutex_unlock(&mtx);
	good &= sim_held_locks(sim_task_id(), &h) == 0;
	__atomic_store_n(&held_ok, good, __ATOMIC_SEQ_CST);
}

static void bad_unlock(void *arg)
{
	spin_unlock(&slock);
}

static void recursive(void *arg)
{
	spin_lock(&slock);
	spin_lock(&slock); /* self-deadlock: reported, not spun on */
	spin_unlock(&slock);
}

static void init_locks(void)
{
	spin_lock_init_class(&slock, "slock");
	mutex_init_class(&mtx, "mtx");
	init_rwsem_class(&rwsem, "rwsem");
	counter = 0;
	barrier = 0;
	readers_in = writers_in = overlap = 0;
}

int main(void)
{
	struct sim_result res;

	plan(15);
	sim_init();

	init_locks();
	run_n(NTHREADS, "spin", spin_worker, NULL, &res);
	is_int(counter, NTHREADS * NITER,
	       "spinlock: increments under the lock are never lost");
	is_int(res.outcome, SIM_OK, "spinlock: no violation");

	init_locks();
	run_n(NTHREADS, "mutex", mutex_worker, NULL, &res);
	is_int(counter, NTHREADS * NITER,
	       "mutex: increments under the lock are never lost");

	init_locks();
	run_n(NTHREADS, "rwsem", rwsem_worker, NULL, &res);
	is_int(counter, NTHREADS / 2 * NITER / 2,
	       "rwsem: writer increments are never lost");
	ok(!overlap,
	   "rwsem: a writer never overlaps a reader or another writer");

	init_locks();
	run_n(2, "reader", shared_reader, NULL, &res);
	ok(both_in, "rwsem: two readers hold the lock at once");

	init_locks();
	exec_begin(2);
	sim_task_create("A", wb_reader_a, NULL);
	sim_task_create("B", wb_writer_b, NULL);
	sim_task_create("C", wb_reader_c, NULL);
	sim_exec_run(&res);
	is_int(trylock_result, 0, "rwsem: a waiting writer blocks new readers");
	ok(b_got && res.outcome == SIM_OK,
	   "rwsem: the waiting writer gets the lock after the reader leaves");

	init_locks();
	run_n(1, "try", trylocks, NULL, &res);
	ok(trylock_ok && res.outcome == SIM_OK,
	   "trylocks fail on held locks; downgrade_write lets readers in");

	init_locks();
	sim_set_lockdep_hook(hook);
	run_n(1, "held", held_list, NULL, &res);
	sim_set_lockdep_hook(NULL);
	ok(held_ok,
	   "held-lock list is kept oldest first, with modes and classes");
	is_int(hook_calls, 3, "lockdep hook runs before each blocking acquire");
	ok(!hook_bad,
	   "lockdep hook sees the held locks, not the one being taken");

	init_locks();
	run_n(1, "bad", bad_unlock, NULL, &res);
	is_int(res.outcome, SIM_VIOLATION,
	       "unlocking a lock not held is a violation");
	ok(strstr(res.msg, "spin_unlock") != NULL,
	   "the violation names the operation: %s", res.msg);

	init_locks();
	run_n(1, "recursive", recursive, NULL, &res);
	ok(res.outcome == SIM_VIOLATION && strstr(res.msg, "recursive locking"),
	   "taking a spinlock twice is reported, not a hang: %s", res.msg);

	return done_testing();
}
