// SPDX-License-Identifier: GPL-2.0
/*
 * sim/stress.c - the stress-mode backend: tasks are pthreads, locks and
 * atomics are real, yield points are (optional) random delays.
 *
 * What this file provides is the whole of sim/sim.h and sim/sync.h that is
 * not in sim/common.c. It is what ThreadSanitizer checks the model's own
 * synchronisation with, and how the model runs at full speed. There is no
 * schedule, no replay and no deadlock detection here (docs/stress-mode.md).
 *
 * Each task is its own simulated CPU (CPU id == task id). Per CPU:
 *
 *	state		NOT_STARTED -> RUNNING -> ENDED, changed only under
 *			ipi_lock, so an IPI handler run on behalf of an absent
 *			CPU runs wholly before its task starts or after it
 *			ends, never concurrently with it.
 *	ipi_head	pending IPI requests (lock-free push by senders,
 *			drained by exchange under ipi_lock).
 *	rd		RCU reader depth: rcu_read_lock nesting plus the
 *			irq-disable nesting (an irq-disabled CPU is a reader).
 *	qs_seq		bumped every time rd drops to 0 (a quiescent state).
 *	irq_depth, rcu_depth, held[], nr_held: written only by the task
 *			itself (nr_held is read by others, as a snapshot).
 *
 * Invariants:
 *  (1) A request on a CPU's ipi_head is run exactly once, by whoever
 *      drains that queue under its ipi_lock: the CPU itself while it is
 *      RUNNING with interrupts enabled, any sender while it is not RUNNING.
 *  (2) A handler runs with the executing thread's irq_depth raised, so it
 *      never nests another IPI and counts as an RCU reader.
 *  (3) A grace period that snapshotted task t with rd > 0 and qs_seq s
 *      ends only after t is seen with rd == 0 or qs_seq != s.
 *  (4) The call_rcu queue is ordered by rcu_head->gp, the ticket of the
 *      first callback grace period that starts after the enqueue.
 *
 * All shared fields are accessed with __atomic builtins (sequentially
 * consistent unless a comment says why weaker is enough), so TSan sees
 * every happens-before edge.
 */
#ifdef SIM_STRESS

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/atomic.h"
#include "sim/internal.h"
#include "sim/sim.h"
#include "sim/sync.h"

#define SC __ATOMIC_SEQ_CST
#define ACQ __ATOMIC_ACQUIRE
#define REL __ATOMIC_RELEASE
#define RLX __ATOMIC_RELAXED

enum cpu_state { CPU_NOT_STARTED, CPU_RUNNING, CPU_ENDED };

struct ipi_req {
	struct ipi_req *next;
	smp_call_func_t func;
	void *info;
	int done;		/* set (release) once func has returned */
};

struct stask {
	int id;			/* -1: a thread outside any task */
	const char *name;
	sim_task_fn fn;
	void *arg;
	void *data;		/* sim_task_data(); atomic access */
	pthread_t thr;
	bool created;		/* thr is valid (guarded by tasks_lock) */
	int blocked;		/* in a wait loop: SIM_TASK_BLOCKED */
	jmp_buf exit_jb;	/* sim_task_exit() */

	/* Simulated CPU. */
	int state;		/* enum cpu_state, changed under ipi_lock */
	int ipi_lock;
	struct ipi_req *ipi_head;
	int irq_depth;		/* own thread only */
	int cpu_override;	/* own thread only: running another CPU's IPI */

	/* RCU. */
	int rcu_depth;		/* own thread only */
	int rd;			/* rcu_depth + irq_depth; read by others */
	uint64_t qs_seq;	/* bumped when rd drops to 0 */

	/* Locks held, oldest first; own thread writes, nr_held atomic. */
	struct sim_held_lock held[SIM_MAX_HELD];
	int nr_held;

	/* sim_stress_delay(). */
	struct sim_rng rng;
	unsigned delay_ctr;
};

static struct stask tasks[SIM_MAX_TASKS];
static int nr_tasks;			/* atomic; grows under tasks_lock */
static pthread_mutex_t tasks_lock = PTHREAD_MUTEX_INITIALIZER;
static bool running;			/* atomic */
static uint64_t exec_seed;

static __thread struct stask *me;	/* NULL outside any task */
static __thread struct stask outside = { .id = -1, .cpu_override = -1 };

#define MAX_RESET_HOOKS 64
static void (*reset_hooks[MAX_RESET_HOOKS])(void);
static int nr_reset_hooks;

static sim_lockdep_fn lockdep_hook;	/* atomic */

/* MMSIM_STRESS_DELAY=N: a sched_yield() about once every N yield points. */
static unsigned delay_every;

/* The first violation or limit of the execution. */
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sim_result fail;		/* guarded by fail_lock */
static uint64_t nr_failures;		/* guarded by fail_lock */

static uint64_t gp_count;		/* atomic */

/* The running thread's task context; a per-thread dummy outside tasks. */
static inline struct stask *cur(void)
{
	return me ? me : &outside;
}

static inline int owner_val(void)
{
	/* SIM: code outside any task locks as pseudo-task SIM_MAX_TASKS. */
	return (me ? me->id : SIM_MAX_TASKS) + 1;
}

/* ---- waiting ---- */

struct backoff {
	unsigned n;
};

static void poll_ipis(struct stask *t);

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/*
 * relax - one round of a wait loop: take pending IPIs if interrupts are on
 * (a CPU spinning with irqs enabled still answers them), then back off:
 * pause, then sched_yield(), then short sleeps.
 */
static void relax(struct backoff *b)
{
	struct stask *t = cur();

	if (t->irq_depth == 0)
		poll_ipis(t);
	b->n++;
	if (b->n < 8) {
		cpu_relax();
	} else if (b->n < 200) {
		sched_yield();
	} else {
		struct timespec ts = { 0, 20000 };

		nanosleep(&ts, NULL);
	}
}

static inline void set_blocked(int v)
{
	if (me)
		__atomic_store_n(&me->blocked, v, RLX);
}

/*
 * sim_wait - stress mode: one round of waiting (IPIs taken, a yield, every
 * 64th time a short sleep), then return; the caller re-checks its
 * condition, so there is no wakeup to lose.
 */
void sim_wait(struct sim_waitq *wq, const char *what, const void *obj,
	      const struct sim_site *site)
{
	static __thread unsigned n;
	struct backoff b = { .n = ++n % 64 ? 8 : 200 };

	set_blocked(1);
	relax(&b);
	set_blocked(0);
}

/* Waiters poll; nothing to wake. */
void sim_wake_all(struct sim_waitq *wq)
{
}

/* ---- violations and limits ---- */

static void record_failure(enum sim_outcome o, const struct sim_site *site,
			   const char *fmt, va_list ap)
{
	char buf[SIM_MSG_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	pthread_mutex_lock(&fail_lock);
	if (fail.outcome == SIM_OK) {
		fail.outcome = o;
		fail.fail_task = sim_task_id();
		fail.fail_site = site;
		memcpy(fail.msg, buf, sizeof(fail.msg));
	}
	nr_failures++;
	pthread_mutex_unlock(&fail_lock);
}

/* Records the first failure of the execution; never aborts, never stops. */
void sim_violation_at(const struct sim_site *site, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record_failure(SIM_VIOLATION, site, fmt, ap);
	va_end(ap);
}

void sim_limit_at(const struct sim_site *site, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record_failure(SIM_LIMIT, site, fmt, ap);
	va_end(ap);
}

/* ---- interrupts and IPIs ---- */

static inline bool ipi_trylock(struct stask *c)
{
	int z = 0;

	return __atomic_compare_exchange_n(&c->ipi_lock, &z, 1, 0, ACQ, RLX);
}

static void ipi_lock(struct stask *c)
{
	struct backoff b = { 0 };

	/* No IPI polling here: the holder only runs handlers, briefly. */
	while (!ipi_trylock(c)) {
		b.n++;
		if (b.n < 8)
			cpu_relax();
		else
			sched_yield();
	}
}

static inline void ipi_unlock(struct stask *c)
{
	__atomic_store_n(&c->ipi_lock, 0, REL);
}

static inline void rd_inc(struct stask *t)
{
	__atomic_add_fetch(&t->rd, 1, SC);
}

/* The reader depth dropped: at 0, a quiescent state (invariant 3). */
static inline void rd_dec(struct stask *t)
{
	if (__atomic_sub_fetch(&t->rd, 1, SC) == 0)
		__atomic_add_fetch(&t->qs_seq, 1, SC);
}

/*
 * ipi_drain - run every request queued on CPU @c, in the order they were
 * sent, on the calling thread, as an interrupt on CPU @c. The caller holds
 * @c's ipi_lock (invariant 1).
 */
static void ipi_drain(struct stask *c)
{
	struct stask *t = cur();
	struct ipi_req *list, *prev = NULL, *next;
	int cpu = c - tasks, saved;

	list = __atomic_exchange_n(&c->ipi_head, NULL, ACQ);
	if (!list)
		return;
	while (list) {		/* pushed LIFO: reverse */
		next = list->next;
		list->next = prev;
		prev = list;
		list = next;
	}
	saved = t->cpu_override;
	t->cpu_override = cpu;
	t->irq_depth++;		/* handlers run with irqs off (invariant 2) */
	rd_inc(t);
	for (list = prev; list; list = next) {
		next = list->next;	/* @list dies once done is set */
		list->func(cpu, list->info);
		__atomic_store_n(&list->done, 1, REL);
	}
	rd_dec(t);
	t->irq_depth--;
	t->cpu_override = saved;
}

/* Take this CPU's pending IPIs. Interrupts must be enabled. */
static void poll_ipis(struct stask *t)
{
	if (t->id < 0 || !__atomic_load_n(&t->ipi_head, RLX))
		return;
	if (!ipi_trylock(t))
		return;
	ipi_drain(t);
	ipi_unlock(t);
}

int smp_processor_id(void)
{
	struct stask *t = cur();

	return t->cpu_override >= 0 ? t->cpu_override : t->id;
}

void local_irq_disable(void)
{
	struct stask *t = cur();

	t->irq_depth++;
	rd_inc(t);
}

/* Pending IPIs are taken when the outermost disable is undone. */
void local_irq_enable(void)
{
	struct stask *t = cur();

	if (t->irq_depth <= 0) {
		sim_violation("local_irq_enable with interrupts enabled");
		return;
	}
	t->irq_depth--;
	rd_dec(t);
	if (t->irq_depth == 0)
		poll_ipis(t);
}

bool irqs_disabled(void)
{
	return cur()->irq_depth > 0;
}

/*
 * smp_call_function_many - queue @func on every CPU of @mask but this one,
 * then wait until each has run it, taking our own IPIs meanwhile (so two
 * CPUs that IPI each other both finish). A CPU whose task has not started
 * or has ended is serviced by the waiting sender itself, under that CPU's
 * ipi_lock. Interrupts must be enabled.
 */
void smp_call_function_many(const cpumask_t *mask, smp_call_func_t func,
			    void *info)
{
	struct ipi_req req[SIM_MAX_CPUS];
	uint64_t bits = __atomic_load_n(&mask->bits, SC), pending = 0;
	int self = smp_processor_id();
	struct backoff b = { 0 };

	if (irqs_disabled())
		sim_violation("smp_call_function_many with interrupts "
			      "disabled (would deadlock on a real machine)");
	for (int cpu = 0; cpu < SIM_MAX_CPUS; cpu++) {
		struct stask *c = &tasks[cpu];

		if (!(bits & (1ULL << cpu)) || cpu == self)
			continue;
		req[cpu].func = func;
		req[cpu].info = info;
		req[cpu].done = 0;
		req[cpu].next = __atomic_load_n(&c->ipi_head, RLX);
		while (!__atomic_compare_exchange_n(&c->ipi_head,
						    &req[cpu].next, &req[cpu],
						    0, REL, RLX))
			;
		pending |= 1ULL << cpu;
	}
	set_blocked(1);
	while (pending) {
		for (int cpu = 0; cpu < SIM_MAX_CPUS; cpu++) {
			struct stask *c = &tasks[cpu];

			if (!(pending & (1ULL << cpu)))
				continue;
			if (__atomic_load_n(&req[cpu].done, ACQ)) {
				pending &= ~(1ULL << cpu);
				continue;
			}
			if (__atomic_load_n(&c->state, ACQ) == CPU_RUNNING ||
			    !ipi_trylock(c))
				continue;
			/*
			 * SIM: an absent CPU's IPIs are run by the sender.
			 * Re-check under the lock: it may have just started.
			 */
			if (__atomic_load_n(&c->state, ACQ) != CPU_RUNNING)
				ipi_drain(c);
			ipi_unlock(c);
		}
		if (pending)
			relax(&b);
	}
	set_blocked(0);
}

/* ---- held locks and lockdep ---- */

/*
 * Locks held by @task. Exact for the running task; for another running
 * task a snapshot that may be stale by the time it is read.
 */
int sim_held_locks(int task, const struct sim_held_lock **out)
{
	if (task < 0 || task >= sim_nr_tasks()) {
		*out = NULL;
		return 0;
	}
	*out = tasks[task].held;
	return __atomic_load_n(&tasks[task].nr_held, ACQ);
}

void sim_set_lockdep_hook(sim_lockdep_fn fn)
{
	__atomic_store_n(&lockdep_hook, fn, SC);
}

/*
 * lockdep_check - before a blocking acquire: report recursive locking,
 * then let check/ judge the order. Returns true if the running task
 * already holds @lock in a conflicting mode: the caller must not wait for
 * it (SIM: it would spin forever; the execution has failed already).
 * Outside tasks nothing is checked, as in the controlled mode.
 */
static bool lockdep_check(const void *lock, const char *class, int mode,
			  const struct sim_site *site)
{
	sim_lockdep_fn fn = __atomic_load_n(&lockdep_hook, ACQ);
	struct stask *t = me;
	bool recursive = false;

	if (!t)
		return false;
	for (int i = 0; i < t->nr_held; i++) {
		const struct sim_held_lock *h = &t->held[i];

		if (h->lock != lock ||
		    (mode == SIM_LOCK_SHARED && h->mode == SIM_LOCK_SHARED))
			continue;
		sim_violation_at(site,
				 "recursive locking: %s already held "
				 "(taken at %s:%d)",
				 class, h->site ? h->site->file : "?",
				 h->site ? h->site->line : 0);
		recursive = true;
	}
	if (fn)
		fn(t->id, t->held, t->nr_held, lock, class, mode, site);
	/* SIM: reported, then not waited for (no deadlock detector here). */
	return recursive;
}

/* Outside tasks locks work but are not tracked (as in controlled mode). */
static void held_push(const void *lock, const char *class, int mode,
		      const struct sim_site *site)
{
	struct stask *t = me;
	int n;

	if (!t)
		return;
	n = t->nr_held;
	if (n >= SIM_MAX_HELD) {
		sim_limit_at(site, "task %s holds more than %d locks",
			     t->name, SIM_MAX_HELD);
		return;
	}
	t->held[n] = (struct sim_held_lock){ lock, class, mode, site };
	__atomic_store_n(&t->nr_held, n + 1, REL);
}

/* Drop @lock from the running task's list; false if it did not hold it. */
static bool held_pop(const void *lock)
{
	struct stask *t = me;
	int n;

	if (!t)
		return true;
	n = t->nr_held;
	for (int i = n - 1; i >= 0; i--) {
		if (t->held[i].lock != lock)
			continue;
		memmove(&t->held[i], &t->held[i + 1],
			(n - 1 - i) * sizeof(t->held[0]));
		__atomic_store_n(&t->nr_held, n - 1, REL);
		return true;
	}
	return false;
}

static void held_set_mode(const void *lock, int mode)
{
	struct stask *t = me;

	for (int i = (t ? t->nr_held : 0) - 1; i >= 0; i--)
		if (t->held[i].lock == lock) {
			t->held[i].mode = mode;
			return;
		}
}

/* ---- spinlock ---- */

void spin_lock_init_class(spinlock_t *l, const char *class)
{
	__atomic_store_n(&l->locked, 0, SC);
	l->class = class;
	l->wq.waiters = 0;
}

static inline bool spin_try(spinlock_t *l)
{
	int z = 0;

	return __atomic_compare_exchange_n(&l->locked, &z, owner_val(), 0, SC,
					   RLX);
}

void sim_spin_lock(spinlock_t *l, const struct sim_site *site)
{
	struct backoff b = { 0 };

	if (lockdep_check(l, l->class, SIM_LOCK_EXCL, site))
		return;
	while (!spin_try(l)) {
		set_blocked(1);
		relax(&b);
	}
	set_blocked(0);
	held_push(l, l->class, SIM_LOCK_EXCL, site);
}

bool sim_spin_trylock(spinlock_t *l, const struct sim_site *site)
{
	if (!spin_try(l))
		return false;
	held_push(l, l->class, SIM_LOCK_EXCL, site);
	return true;
}

void sim_spin_unlock(spinlock_t *l, const struct sim_site *site)
{
	if (__atomic_load_n(&l->locked, RLX) != owner_val()) {
		sim_violation_at(site,
				 "spin_unlock of %s not held by this task",
				 l->class);
		return;
	}
	held_pop(l);
	__atomic_store_n(&l->locked, 0, SC);
}

bool spin_is_locked(const spinlock_t *l)
{
	return __atomic_load_n(&l->locked, SC) != 0;
}

bool spin_is_held_by_me(const spinlock_t *l)
{
	return __atomic_load_n(&l->locked, SC) == owner_val();
}

/* ---- rw_semaphore ---- */

void init_rwsem_class(struct rw_semaphore *s, const char *class)
{
	__atomic_store_n(&s->count, 0, SC);
	__atomic_store_n(&s->writers_waiting, 0, SC);
	__atomic_store_n(&s->owner, 0, SC);
	s->class = class;
	s->wq.waiters = 0;
}

/*
 * A new reader enters only while no writer holds or waits: a waiting
 * writer blocks new readers, as the kernel's rwsem does.
 */
static bool read_try(struct rw_semaphore *s)
{
	int c = __atomic_load_n(&s->count, SC);

	while (c >= 0 && !__atomic_load_n(&s->writers_waiting, SC)) {
		if (__atomic_compare_exchange_n(&s->count, &c, c + 1, 0, SC,
						SC))
			return true;
	}
	return false;
}

static bool write_try(struct rw_semaphore *s)
{
	int z = 0;

	if (!__atomic_compare_exchange_n(&s->count, &z, -1, 0, SC, RLX))
		return false;
	__atomic_store_n(&s->owner, owner_val(), SC);
	return true;
}

void sim_down_read(struct rw_semaphore *s, const struct sim_site *site)
{
	struct backoff b = { 0 };

	if (lockdep_check(s, s->class, SIM_LOCK_SHARED, site))
		return;
	while (!read_try(s)) {
		set_blocked(1);
		relax(&b);
	}
	set_blocked(0);
	held_push(s, s->class, SIM_LOCK_SHARED, site);
}

bool sim_down_read_trylock(struct rw_semaphore *s,
			   const struct sim_site *site)
{
	if (!read_try(s))
		return false;
	held_push(s, s->class, SIM_LOCK_SHARED, site);
	return true;
}

void sim_up_read(struct rw_semaphore *s, const struct sim_site *site)
{
	if (__atomic_load_n(&s->count, SC) <= 0 || !held_pop(s)) {
		sim_violation_at(site, "up_read of %s not read-held by this "
				       "task", s->class);
		return;
	}
	__atomic_sub_fetch(&s->count, 1, SC);
}

void sim_down_write(struct rw_semaphore *s, const struct sim_site *site)
{
	struct backoff b = { 0 };

	if (lockdep_check(s, s->class, SIM_LOCK_EXCL, site))
		return;
	if (!write_try(s)) {
		__atomic_add_fetch(&s->writers_waiting, 1, SC);
		set_blocked(1);
		while (!write_try(s))
			relax(&b);
		set_blocked(0);
		__atomic_sub_fetch(&s->writers_waiting, 1, SC);
	}
	held_push(s, s->class, SIM_LOCK_EXCL, site);
}

bool sim_down_write_trylock(struct rw_semaphore *s,
			    const struct sim_site *site)
{
	if (!write_try(s))
		return false;
	held_push(s, s->class, SIM_LOCK_EXCL, site);
	return true;
}

void sim_up_write(struct rw_semaphore *s, const struct sim_site *site)
{
	if (__atomic_load_n(&s->owner, SC) != owner_val() ||
	    __atomic_load_n(&s->count, SC) != -1) {
		sim_violation_at(site, "up_write of %s not write-held by this "
				       "task", s->class);
		return;
	}
	held_pop(s);
	__atomic_store_n(&s->owner, 0, SC);
	__atomic_store_n(&s->count, 0, SC);
}

/* Write-held -> read-held by the same task, letting other readers in. */
void sim_downgrade_write(struct rw_semaphore *s, const struct sim_site *site)
{
	if (__atomic_load_n(&s->owner, SC) != owner_val() ||
	    __atomic_load_n(&s->count, SC) != -1) {
		sim_violation_at(site, "downgrade_write of %s not write-held",
				 s->class);
		return;
	}
	__atomic_store_n(&s->owner, 0, SC);
	__atomic_store_n(&s->count, 1, SC);
	held_set_mode(s, SIM_LOCK_SHARED);
}

bool rwsem_is_locked(const struct rw_semaphore *s)
{
	return __atomic_load_n(&s->count, SC) != 0;
}

bool rwsem_is_write_locked(const struct rw_semaphore *s)
{
	return __atomic_load_n(&s->count, SC) < 0;
}

/* ---- mutex ---- */

void mutex_init_class(struct mutex *m, const char *class)
{
	__atomic_store_n(&m->owner, 0, SC);
	m->class = class;
	m->wq.waiters = 0;
}

static inline bool mutex_try(struct mutex *m)
{
	int z = 0;

	return __atomic_compare_exchange_n(&m->owner, &z, owner_val(), 0, SC,
					   RLX);
}

/* SIM: a waiter spins with yields and sleeps instead of sleeping queued. */
void sim_mutex_lock(struct mutex *m, const struct sim_site *site)
{
	struct backoff b = { 0 };

	if (lockdep_check(m, m->class, SIM_LOCK_EXCL, site))
		return;
	while (!mutex_try(m)) {
		set_blocked(1);
		relax(&b);
	}
	set_blocked(0);
	held_push(m, m->class, SIM_LOCK_EXCL, site);
}

bool sim_mutex_trylock(struct mutex *m, const struct sim_site *site)
{
	if (!mutex_try(m))
		return false;
	held_push(m, m->class, SIM_LOCK_EXCL, site);
	return true;
}

void sim_mutex_unlock(struct mutex *m, const struct sim_site *site)
{
	if (__atomic_load_n(&m->owner, RLX) != owner_val()) {
		sim_violation_at(site, "mutex_unlock of %s not held by this "
				       "task", m->class);
		return;
	}
	held_pop(m);
	__atomic_store_n(&m->owner, 0, SC);
}

/* ---- bit locks ---- */

/*
 * SIM: bit locks (folio_lock) are not in the held-lock list and not seen
 * by the lock-order hook, as the kernel's lockdep does not track them.
 */
void sim_wait_on_bit(unsigned long *word, int nr, const struct sim_site *site)
{
	struct backoff b = { 0 };

	set_blocked(1);
	while (__atomic_load_n(&word[BIT_WORD(nr)], SC) & BIT_MASK(nr))
		relax(&b);
	set_blocked(0);
}

/* Stress mode: no wait queues; the wait spins until the bit is clear. */
void sim_bit_wait_prepare(unsigned long *word, int nr)
{
}

void sim_bit_wait_finish(unsigned long *word, int nr,
			 const struct sim_site *site)
{
	sim_wait_on_bit(word, nr, site);
}

void sim_wait_on_bit_lock(unsigned long *word, int nr,
			  const struct sim_site *site)
{
	struct backoff b = { 0 };

	set_blocked(1);
	while (__atomic_fetch_or(&word[BIT_WORD(nr)], BIT_MASK(nr), SC) &
	       BIT_MASK(nr))
		relax(&b);
	set_blocked(0);
}

bool sim_bit_has_waiters(unsigned long *word, int nr)
{
	return true;	/* unknowable without a lock: assume someone waits */
}

void wake_up_bit(unsigned long *word, int nr)
{
}

void sim_clear_bit_unlock_wake(unsigned long *word, int nr,
			       const struct sim_site *site)
{
	__atomic_fetch_and(&word[BIT_WORD(nr)], ~BIT_MASK(nr), SC);
}

/* ---- completion ---- */

#define COMPLETION_ALL (1 << 30)	/* complete_all(): never consumed */

void init_completion(struct completion *c)
{
	__atomic_store_n(&c->done, 0, SC);
	c->wq.waiters = 0;
}

void sim_complete(struct completion *c, const struct sim_site *site)
{
	int d = __atomic_load_n(&c->done, SC);

	while (d != COMPLETION_ALL &&
	       !__atomic_compare_exchange_n(&c->done, &d, d + 1, 0, SC, SC))
		;
}

void sim_complete_all(struct completion *c, const struct sim_site *site)
{
	__atomic_store_n(&c->done, COMPLETION_ALL, SC);
}

/* Consume one complete() (or none after complete_all()). */
void sim_wait_for_completion(struct completion *c,
			     const struct sim_site *site)
{
	struct backoff b = { 0 };
	int d;

	set_blocked(1);
	for (;;) {
		d = __atomic_load_n(&c->done, SC);
		if (d == COMPLETION_ALL)
			break;
		if (d > 0 && __atomic_compare_exchange_n(&c->done, &d, d - 1,
							 0, SC, SC))
			break;
		relax(&b);
	}
	set_blocked(0);
}

/* ---- RCU ---- */

/*
 * Callback grace periods. A callback queued with gp = started + 1 runs
 * once a grace period with ticket >= gp has completed: that one began
 * (took its reader snapshot) after the enqueue. Any task advances them at
 * a quiescent point: rcu_cb_poll().
 */
static struct {
	pthread_mutex_t lock;
	struct rcu_head *head;		/* queue, ordered by ->gp */
	struct rcu_head **tail;
	uint64_t started;		/* tickets issued */
	uint64_t completed;		/* highest ticket completed */
	bool active;			/* ticket "started" in progress */
	uint64_t mask;			/* readers it still waits for */
	uint64_t seq[SIM_MAX_TASKS];	/* their qs_seq at its start */
} rcu = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Readers inside a section now (except @self), with their qs_seq. */
static uint64_t rcu_snapshot(int self, uint64_t *seq)
{
	uint64_t mask = 0;

	for (int i = 0; i < SIM_MAX_TASKS; i++) {
		if (i == self || !__atomic_load_n(&tasks[i].rd, SC))
			continue;
		seq[i] = __atomic_load_n(&tasks[i].qs_seq, SC);
		/* Left between the two loads: quiescent already. */
		if (__atomic_load_n(&tasks[i].rd, SC))
			mask |= 1ULL << i;
	}
	return mask;
}

/* Clear from @mask the readers that passed a quiescent state. */
static uint64_t rcu_advance(uint64_t mask, const uint64_t *seq)
{
	for (int i = 0; i < SIM_MAX_TASKS; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		if (!__atomic_load_n(&tasks[i].rd, SC) ||
		    __atomic_load_n(&tasks[i].qs_seq, SC) != seq[i])
			mask &= ~(1ULL << i);
	}
	return mask;
}

/*
 * rcu_cb_poll - push the callback grace period on and run the callbacks
 * whose grace period has ended, in the calling task. Call only where the
 * caller holds no lock and is not a reader (a callback may take locks).
 * SIM: this quiescent point stands for the kernel's softirq.
 */
static void rcu_cb_poll(void)
{
	struct rcu_head *done = NULL, **dtail = &done, *h;

	if (!__atomic_load_n(&rcu.head, ACQ) ||
	    pthread_mutex_trylock(&rcu.lock))
		return;
	if (rcu.active) {
		rcu.mask = rcu_advance(rcu.mask, rcu.seq);
		if (!rcu.mask) {
			rcu.active = false;
			rcu.completed = rcu.started;
			__atomic_add_fetch(&gp_count, 1, SC);
		}
	}
	if (!rcu.active && rcu.head && rcu.head->gp > rcu.completed) {
		rcu.started++;
		rcu.mask = rcu_snapshot(-1, rcu.seq);
		rcu.active = true;
		if (!rcu.mask) {
			rcu.active = false;
			rcu.completed = rcu.started;
			__atomic_add_fetch(&gp_count, 1, SC);
		}
	}
	while ((h = rcu.head) && h->gp <= rcu.completed) {
		__atomic_store_n(&rcu.head, h->next, REL);
		*dtail = h;
		dtail = &h->next;
	}
	if (!rcu.head)
		rcu.tail = &rcu.head;
	*dtail = NULL;
	pthread_mutex_unlock(&rcu.lock);
	while ((h = done)) {
		done = h->next;
		h->func(h);
	}
}

/* Quiescent enough to run callbacks: no reader, no irq-off, no lock. */
static inline void rcu_maybe_poll(struct stask *t)
{
	if (!t->rd && !t->nr_held && __atomic_load_n(&rcu.head, RLX))
		rcu_cb_poll();
}

void sim_rcu_read_lock(const struct sim_site *site)
{
	struct stask *t = cur();

	t->rcu_depth++;
	rd_inc(t);
}

void sim_rcu_read_lock_quiet(const struct sim_site *site)
{
	sim_rcu_read_lock(site);
}

void sim_rcu_read_unlock_quiet(const struct sim_site *site)
{
	sim_rcu_read_unlock(site);
}

void sim_rcu_read_unlock(const struct sim_site *site)
{
	struct stask *t = cur();

	if (t->rcu_depth <= 0) {
		sim_violation_at(site, "rcu_read_unlock without rcu_read_lock");
		return;
	}
	t->rcu_depth--;
	rd_dec(t);
	rcu_maybe_poll(t);
}

/*
 * sim_synchronize_rcu - return once every task that was inside a read-side
 * section (or had interrupts disabled) when it was called has left it.
 * Must not be called from a read-side section.
 */
void sim_synchronize_rcu(const struct sim_site *site)
{
	struct stask *t = cur();
	uint64_t seq[SIM_MAX_TASKS], mask;
	struct backoff b = { 0 };

	if (t->rd) {
		sim_violation_at(site, "synchronize_rcu inside an RCU "
				       "read-side section or with irqs off");
		return;
	}
	mask = rcu_snapshot(t->id, seq);
	set_blocked(1);
	while ((mask = rcu_advance(mask, seq)))
		relax(&b);
	set_blocked(0);
	__atomic_add_fetch(&gp_count, 1, SC);
	rcu_maybe_poll(t);
}

/* Queue @func(@head) to run after a grace period; never blocks. */
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	head->func = func;
	head->next = NULL;
	head->wait_mask = 0;
	pthread_mutex_lock(&rcu.lock);
	head->gp = rcu.started + 1;
	if (!rcu.head)
		__atomic_store_n(&rcu.head, head, REL);
	else
		*rcu.tail = head;
	rcu.tail = &head->next;
	pthread_mutex_unlock(&rcu.lock);
	rcu_maybe_poll(cur());
}

bool rcu_read_lock_held(void)
{
	return __atomic_load_n(&cur()->rd, RLX) > 0;
}

uint64_t sim_rcu_gp_count(void)
{
	return __atomic_load_n(&gp_count, SC);
}

/* End of execution: no reader is left, so every callback may run. */
static void rcu_flush(void)
{
	while (__atomic_load_n(&rcu.head, ACQ))
		rcu_cb_poll();
}

/* ---- yield points ---- */

/*
 * sim_stress_delay - what a yield point is in stress mode: take pending
 * IPIs if interrupts are on, and with MMSIM_STRESS_DELAY=N set, yield the
 * host CPU about once every N calls (randomly spaced).
 */
void sim_stress_delay(void)
{
	struct stask *t = me;

	if (!t)
		return;
	if (t->irq_depth == 0 && __atomic_load_n(&t->ipi_head, RLX))
		poll_ipis(t);
	if (delay_every && --t->delay_ctr == 0) {
		t->delay_ctr = 1 + sim_rng_below(&t->rng, 2 * delay_every);
		sched_yield();
	}
}

void sim_yield_at(int kind, uintptr_t addr, const struct sim_site *site)
{
	sim_stress_delay();
}

void sim_yield_at2(int kind, uintptr_t addr, int kind2, uintptr_t addr2,
		   const struct sim_site *site)
{
	sim_stress_delay();
}

void sim_trace_mark(uintptr_t addr, const struct sim_site *site)
{
}

const char *sim_schedule(void)
{
	return "";
}

size_t sim_trace_tail(struct sim_event *out, size_t n)
{
	return 0;
}

uint64_t sim_trace_count(void)
{
	return 0;
}

/* ---- tasks ---- */

/* A task must end with no lock, no read-side section, irqs enabled. */
static void task_end_checks(struct stask *t)
{
	int last = t->nr_held ? t->nr_held - 1 : 0;
	const struct sim_held_lock *h = &t->held[last];

	if (t->nr_held)
		sim_violation("task %s exited holding %s (taken at %s:%d)",
			      t->name, h->class, h->site ? h->site->file : "?",
			      h->site ? h->site->line : 0);
	if (t->irq_depth)
		sim_violation("task %s exited with interrupts disabled",
			      t->name);
	if (t->rcu_depth)
		sim_violation("task %s exited inside an RCU read-side section",
			      t->name);
	/* Stop holding grace periods up (invariant 3). */
	for (; t->irq_depth; t->irq_depth--)
		rd_dec(t);
	for (; t->rcu_depth; t->rcu_depth--)
		rd_dec(t);
}

static void *task_main(void *arg)
{
	struct stask *t = arg;

	me = t;
	t->cpu_override = -1;
	sim_rng_seed(&t->rng, sim_exec_seed(exec_seed, t->id));
	t->delay_ctr = 1 + (delay_every ? sim_rng_below(&t->rng,
							2 * delay_every) : 0);
	ipi_lock(t);
	__atomic_store_n(&t->state, CPU_RUNNING, REL);
	ipi_unlock(t);

	if (!setjmp(t->exit_jb))
		t->fn(t->arg);

	task_end_checks(t);
	ipi_lock(t);
	__atomic_store_n(&t->state, CPU_ENDED, REL);
	ipi_drain(t);
	ipi_unlock(t);
	rcu_maybe_poll(t);
	me = NULL;
	return NULL;
}

/* Called with tasks_lock held. */
static void task_start(struct stask *t)
{
	if (pthread_create(&t->thr, NULL, task_main, t)) {
		sim_limit("pthread_create failed for task %s", t->name);
		__atomic_store_n(&t->state, CPU_ENDED, REL);
		return;
	}
	t->created = true;
}

int sim_task_create(const char *name, sim_task_fn fn, void *arg)
{
	struct stask *t;
	int id;

	pthread_mutex_lock(&tasks_lock);
	id = nr_tasks;
	if (id >= SIM_MAX_TASKS) {
		pthread_mutex_unlock(&tasks_lock);
		sim_limit("too many tasks: the limit is %d (SIM_MAX_TASKS)",
			  SIM_MAX_TASKS);
		return -1;
	}
	t = &tasks[id];
	t->id = id;
	t->name = name;
	t->fn = fn;
	t->arg = arg;
	__atomic_store_n(&nr_tasks, id + 1, REL);
	if (__atomic_load_n(&running, ACQ))
		task_start(t);
	pthread_mutex_unlock(&tasks_lock);
	return id;
}

int sim_task_id(void)
{
	return me ? me->id : -1;
}

const char *sim_task_name(int id)
{
	if (id < 0 || id >= __atomic_load_n(&nr_tasks, ACQ))
		return "(none)";
	return tasks[id].name;
}

void *sim_task_data(int id)
{
	if (id < 0 || id >= SIM_MAX_TASKS)
		return NULL;
	return __atomic_load_n(&tasks[id].data, ACQ);
}

void sim_task_set_data(int id, void *data)
{
	if (id >= 0 && id < SIM_MAX_TASKS)
		__atomic_store_n(&tasks[id].data, data, REL);
}

int sim_nr_tasks(void)
{
	return __atomic_load_n(&nr_tasks, ACQ);
}

enum sim_task_state sim_task_state(int id)
{
	if (id < 0 || id >= __atomic_load_n(&nr_tasks, ACQ))
		return SIM_TASK_UNUSED;
	if (__atomic_load_n(&tasks[id].state, ACQ) == CPU_ENDED)
		return SIM_TASK_DONE;
	if (__atomic_load_n(&tasks[id].blocked, RLX))
		return SIM_TASK_BLOCKED;
	return SIM_TASK_RUNNABLE;
}

_Noreturn void sim_task_exit(void)
{
	if (!me) {
		fprintf(stderr, "mmsim: sim_task_exit outside a task\n");
		abort();
	}
	longjmp(me->exit_jb, 1);
}

/* ---- executions ---- */

void sim_init(void)
{
	const char *s = getenv("MMSIM_STRESS_DELAY");

	delay_every = s ? (unsigned)strtoul(s, NULL, 0) : 0;
}

void sim_on_reset(void (*fn)(void))
{
	if (nr_reset_hooks >= MAX_RESET_HOOKS) {
		fprintf(stderr, "mmsim: too many reset hooks\n");
		abort();
	}
	reset_hooks[nr_reset_hooks++] = fn;
}

bool sim_running(void)
{
	return __atomic_load_n(&running, ACQ);
}

/*
 * sim_exec_begin - forget the last execution: tasks, failures, RCU and
 * IPI state, the arena; then run the reset hooks. No task may be running.
 */
void sim_exec_begin(const struct sim_config *cfg)
{
	sim_init();
	exec_seed = cfg ? cfg->seed : 0;
	pthread_mutex_lock(&tasks_lock);
	memset(tasks, 0, sizeof(tasks));
	for (int i = 0; i < SIM_MAX_TASKS; i++) {
		tasks[i].id = i;
		tasks[i].cpu_override = -1;
	}
	__atomic_store_n(&nr_tasks, 0, REL);
	pthread_mutex_unlock(&tasks_lock);

	pthread_mutex_lock(&fail_lock);
	memset(&fail, 0, sizeof(fail));
	fail.outcome = SIM_OK;
	fail.fail_task = -1;
	nr_failures = 0;
	pthread_mutex_unlock(&fail_lock);

	pthread_mutex_lock(&rcu.lock);
	rcu.head = NULL;
	rcu.tail = &rcu.head;
	rcu.started = rcu.completed = 0;
	rcu.active = false;
	pthread_mutex_unlock(&rcu.lock);
	__atomic_store_n(&gp_count, 0, SC);

	sim_arena_reset();
	for (int i = 0; i < nr_reset_hooks; i++)
		reset_hooks[i]();
}

/*
 * sim_exec_run - one pthread per task (tasks created meanwhile start at
 * once), join them all, run the callbacks still queued, and report the
 * first violation or limit. Returns res->outcome.
 */
enum sim_outcome sim_exec_run(struct sim_result *res)
{
	enum sim_outcome o;

	pthread_mutex_lock(&tasks_lock);
	__atomic_store_n(&running, true, REL);
	for (int i = 0; i < nr_tasks; i++)
		if (!tasks[i].created)
			task_start(&tasks[i]);
	pthread_mutex_unlock(&tasks_lock);

	for (int i = 0;; i++) {
		bool created;

		pthread_mutex_lock(&tasks_lock);
		if (i >= nr_tasks) {
			/* All joined: nobody is left to create a task. */
			__atomic_store_n(&running, false, REL);
			pthread_mutex_unlock(&tasks_lock);
			break;
		}
		created = tasks[i].created;
		pthread_mutex_unlock(&tasks_lock);
		if (created)
			pthread_join(tasks[i].thr, NULL);
	}
	rcu_flush();

	pthread_mutex_lock(&fail_lock);
	if (res)
		*res = fail;
	o = fail.outcome;
	pthread_mutex_unlock(&fail_lock);
	return o;
}

/* No store buffers here (the host's memory model): nothing drains. */
uint64_t sim_others_visible(void)
{
	return 0;
}

void sim_wait_visible(struct sim_waitq *wq, const char *what, const void *obj,
		      const struct sim_site *site)
{
	sim_wait(wq, what, obj, site);
}

#endif /* SIM_STRESS */
