// SPDX-License-Identifier: GPL-2.0
/*
 * sim/sync.c - the controlled mode's blocking primitives.
 *
 * Each acquire is: (1) a yield point (SIM_EV_LOCK) so any other task may
 * run first, (2) the lock-order check, (3) park on the lock's wait queue
 * while it is taken, (4) take it and push it on the task's held list.
 * A release is not a scheduling point (the releaser's next shared access
 * is); it is recorded in the trace so reports can draw lock holds.
 * Outside any task (setup and end-of-execution code on main) a lock that is
 * free is taken without a yield; one that is held is a violation.
 */
#ifndef SIM_STRESS

#include <string.h>

#include "sim/atomic.h"
#include "sim/internal.h"
#include "sim/storebuf.h"

static inline int me(void)
{
	return sim_task_id() + 1;	/* owner encoding: 0 means none */
}

/* ---- spinlock ---- */

void spin_lock_init_class(spinlock_t *l, const char *class)
{
	l->locked = 0;
	l->class = class;
	l->wq.waiters = 0;
}

void sim_spin_lock(spinlock_t *l, const struct sim_site *site)
{
	sim_yield_at(SIM_EV_LOCK, (uintptr_t)l, site);
	sim_lockdep_check(l, l->class, SIM_LOCK_EXCL, site);
	while (l->locked)
		sim_wait(&l->wq, l->class, l, site);
	l->locked = me();
	sim_held_push(l, l->class, SIM_LOCK_EXCL, site);
	sim_sb_acquire();
}

bool sim_spin_trylock(spinlock_t *l, const struct sim_site *site)
{
	sim_yield_at(SIM_EV_LOCK, (uintptr_t)l, site);
	if (l->locked)
		return false;
	l->locked = me();
	sim_held_push(l, l->class, SIM_LOCK_EXCL, site);
	sim_sb_acquire();
	return true;
}

void sim_spin_unlock(spinlock_t *l, const struct sim_site *site)
{
	/*
	 * The unlock is a release: the critical section's stores become
	 * visible no later than the lock's release (SIM: the drain below,
	 * at once). Until then other CPUs may see them in any order the
	 * memory model allows: with stores pending (tso, arm64), the
	 * unlock is a scheduling point, still holding the lock, at which
	 * other CPUs run and pending stores drain one by one. Never under
	 * memory=sc (nothing is ever pending).
	 */
	if (sim_sb_pending())
		sim_yield_at(SIM_EV_WRITE, (uintptr_t)l,
			     SIM_SITE("spin_unlock:release"));
	if (l->locked != me() || !sim_held_pop(l)) {
		sim_violation_at(site, "spin_unlock of %s not held by this task",
				 l->class);
		return;
	}
	l->locked = 0;
	sim_sb_mb();	/* unlock: a release (SIM: drains) */
	sim_trace_event(SIM_EV_UNLOCK, (uintptr_t)l, site);
	sim_wake_all(&l->wq);
}

bool spin_is_locked(const spinlock_t *l)
{
	return l->locked != 0;
}

bool spin_is_held_by_me(const spinlock_t *l)
{
	return l->locked == me();
}

/* ---- rw_semaphore ---- */

void init_rwsem_class(struct rw_semaphore *s, const char *class)
{
	s->count = 0;
	s->writers_waiting = 0;
	s->owner = 0;
	s->class = class;
	s->wq.waiters = 0;
}

/* A reader may enter unless a writer holds it or waits for it. */
static inline bool read_may_enter(const struct rw_semaphore *s)
{
	return s->count >= 0 && !s->writers_waiting;
}

void sim_down_read(struct rw_semaphore *s, const struct sim_site *site)
{
	sim_yield_at(SIM_EV_LOCK, (uintptr_t)s, site);
	sim_lockdep_check(s, s->class, SIM_LOCK_SHARED, site);
	while (!read_may_enter(s))
		sim_wait(&s->wq, s->class, s, site);
	s->count++;
	sim_held_push(s, s->class, SIM_LOCK_SHARED, site);
	sim_sb_acquire();
}

bool sim_down_read_trylock(struct rw_semaphore *s,
			   const struct sim_site *site)
{
	sim_yield_at(SIM_EV_LOCK, (uintptr_t)s, site);
	if (!read_may_enter(s))
		return false;
	s->count++;
	sim_held_push(s, s->class, SIM_LOCK_SHARED, site);
	sim_sb_acquire();
	return true;
}

void sim_up_read(struct rw_semaphore *s, const struct sim_site *site)
{
	if (s->count <= 0 || !sim_held_pop(s)) {
		sim_violation_at(site, "up_read of %s not read-held by this "
				       "task", s->class);
		return;
	}
	sim_sb_mb();	/* unlock: a release (SIM: drains) */
	sim_trace_event(SIM_EV_UNLOCK, (uintptr_t)s, site);
	if (--s->count == 0)
		sim_wake_all(&s->wq);
}

void sim_down_write(struct rw_semaphore *s, const struct sim_site *site)
{
	sim_yield_at(SIM_EV_LOCK, (uintptr_t)s, site);
	sim_lockdep_check(s, s->class, SIM_LOCK_EXCL, site);
	s->writers_waiting++;
	while (s->count != 0)
		sim_wait(&s->wq, s->class, s, site);
	s->writers_waiting--;
	s->count = -1;
	s->owner = me();
	sim_held_push(s, s->class, SIM_LOCK_EXCL, site);
	sim_sb_acquire();
}

bool sim_down_write_trylock(struct rw_semaphore *s,
			    const struct sim_site *site)
{
	sim_yield_at(SIM_EV_LOCK, (uintptr_t)s, site);
	if (s->count != 0)
		return false;
	s->count = -1;
	s->owner = me();
	sim_held_push(s, s->class, SIM_LOCK_EXCL, site);
	sim_sb_acquire();
	return true;
}

void sim_up_write(struct rw_semaphore *s, const struct sim_site *site)
{
	if (s->count != -1 || s->owner != me() || !sim_held_pop(s)) {
		sim_violation_at(site, "up_write of %s not write-held by this "
				       "task", s->class);
		return;
	}
	s->count = 0;
	s->owner = 0;
	sim_sb_mb();	/* unlock: a release (SIM: drains) */
	sim_trace_event(SIM_EV_UNLOCK, (uintptr_t)s, site);
	sim_wake_all(&s->wq);
}

void sim_downgrade_write(struct rw_semaphore *s, const struct sim_site *site)
{
	if (s->count != -1 || s->owner != me() || !sim_held_pop(s)) {
		sim_violation_at(site, "downgrade_write of %s not write-held",
				 s->class);
		return;
	}
	s->count = 1;
	s->owner = 0;
	sim_held_push(s, s->class, SIM_LOCK_SHARED, site);
	sim_sb_acquire();
	sim_sb_mb();	/* unlock: a release (SIM: drains) */
	sim_trace_event(SIM_EV_UNLOCK, (uintptr_t)s, site);
	sim_wake_all(&s->wq);
}

bool rwsem_is_locked(const struct rw_semaphore *s)
{
	return s->count != 0;
}

bool rwsem_is_write_locked(const struct rw_semaphore *s)
{
	return s->count < 0;
}

/* ---- mutex ---- */

void mutex_init_class(struct mutex *m, const char *class)
{
	m->owner = 0;
	m->class = class;
	m->wq.waiters = 0;
}

void sim_mutex_lock(struct mutex *m, const struct sim_site *site)
{
	sim_yield_at(SIM_EV_LOCK, (uintptr_t)m, site);
	sim_lockdep_check(m, m->class, SIM_LOCK_EXCL, site);
	while (m->owner)
		sim_wait(&m->wq, m->class, m, site);
	m->owner = me();
	sim_held_push(m, m->class, SIM_LOCK_EXCL, site);
	sim_sb_acquire();
}

bool sim_mutex_trylock(struct mutex *m, const struct sim_site *site)
{
	sim_yield_at(SIM_EV_LOCK, (uintptr_t)m, site);
	if (m->owner)
		return false;
	m->owner = me();
	sim_held_push(m, m->class, SIM_LOCK_EXCL, site);
	sim_sb_acquire();
	return true;
}

void sim_mutex_unlock(struct mutex *m, const struct sim_site *site)
{
	if (m->owner != me() || !sim_held_pop(m)) {
		sim_violation_at(site, "mutex_unlock of %s not held by this "
				       "task", m->class);
		return;
	}
	m->owner = 0;
	sim_sb_mb();	/* unlock: a release (SIM: drains) */
	sim_trace_event(SIM_EV_UNLOCK, (uintptr_t)m, site);
	sim_wake_all(&m->wq);
}

/* ---- bits ---- */

/*
 * SIM: one wait queue per (word, bit) waited on in this execution; the kernel
 * hashes (word, bit) into a shared table but wakes only the waiters whose
 * key matches (wake_bit_function), so nobody wakes for another's bit. A
 * table shared by host address here woke waiters of other words whenever
 * ASLR made their addresses collide: a woken waiter is runnable, and a
 * schedule recorded in one process diverged in another (a replay of
 * page-ref-unfreeze-relaxed failed about one run in three). Exact queues
 * make who wakes a function of the execution alone. Past the table's
 * size, every other (word, bit) shares the last queue (claimed in
 * execution order: still deterministic; waiters re-check their bit).
 */
#define BIT_WAIT_SLOTS 256
static struct {
	unsigned long *word;	/* NULL: free */
	int nr;
	struct sim_waitq wq;
} bit_wait[BIT_WAIT_SLOTS];
static unsigned bit_wait_used;
static uint8_t bit_wait_slot[BIT_WAIT_SLOTS / 2];	/* the slots in use */
static struct sim_waitq bit_wait_overflow;

/* Empty the slots in use (not the whole table: a cost per execution). */
static void bit_wait_reset(void)
{
	for (unsigned i = 0; i < bit_wait_used; i++)
		memset(&bit_wait[bit_wait_slot[i]], 0, sizeof(bit_wait[0]));
	bit_wait_used = 0;
	bit_wait_overflow.waiters = 0;
}

/*
 * The queue of (@word, @nr); @add: make one if there is none (a waiter),
 * else NULL when none exists (nobody waits there: a wake is a no-op).
 */
static struct sim_waitq *bit_waitqueue_find(unsigned long *word, int nr,
					    bool add)
{
	uintptr_t h = ((uintptr_t)word >> 3) * 31 + (uintptr_t)nr;

	if (add)
		sim_on_reset(bit_wait_reset);	/* idempotent */
	for (unsigned i = 0; i < BIT_WAIT_SLOTS; i++) {
		unsigned k = (unsigned)((h ^ (h >> 7)) + i) %
			     BIT_WAIT_SLOTS;

		if (bit_wait[k].word == word && bit_wait[k].nr == nr)
			return &bit_wait[k].wq;
		if (!bit_wait[k].word) {
			if (bit_wait_used >= BIT_WAIT_SLOTS / 2)
				break;
			if (!add)
				return NULL;
			bit_wait[k].word = word;
			bit_wait[k].nr = nr;
			bit_wait_slot[bit_wait_used++] = (uint8_t)k;
			return &bit_wait[k].wq;
		}
	}
	return &bit_wait_overflow;
}

static struct sim_waitq *bit_waitqueue(unsigned long *word, int nr)
{
	return bit_waitqueue_find(word, nr, true);
}

/* The queue of (@word, @nr) if one exists; inline: usually none does. */
static inline struct sim_waitq *bit_waitqueue_lookup(unsigned long *word,
						     int nr)
{
	if (!bit_wait_used)
		return NULL;	/* no queue at all yet */
	return bit_waitqueue_find(word, nr, false);
}

bool sim_bit_has_waiters(unsigned long *word, int nr)
{
	struct sim_waitq *wq = bit_waitqueue_lookup(word, nr);

	return wq && wq->waiters;
}

void sim_wait_on_bit(unsigned long *word, int nr, const struct sim_site *site)
{
	sim_yield_at(SIM_EV_READ, (uintptr_t)word, site);
	while (__atomic_load_n(&word[BIT_WORD(nr)], SIM_MO) & BIT_MASK(nr))
		sim_wait(bit_waitqueue(word, nr), "bit", word, site);
}

void sim_wait_on_bit_lock(unsigned long *word, int nr,
			  const struct sim_site *site)
{
	sim_yield_at(SIM_EV_LOCK, (uintptr_t)word, site);
	/*
	 * Through SIM_RMW: another CPU's pending relaxed RMW of this word
	 * (a clear_bit of another flag) drains first, as coherence orders
	 * it; a raw fetch_or left it pending, and its old value then hid
	 * our lock bit from us (found by swapoff-vs-reclaim, memory=arm64).
	 */
	while (SIM_RMW(&word[BIT_WORD(nr)], true,
		       __atomic_fetch_or(&word[BIT_WORD(nr)], BIT_MASK(nr),
					 SIM_MO)) &
	       BIT_MASK(nr))
		sim_wait(bit_waitqueue(word, nr), "bit lock", word, site);
	sim_sb_acquire();
}

void wake_up_bit(unsigned long *word, int nr)
{
	struct sim_waitq *wq = bit_waitqueue_lookup(word, nr);

	if (wq)
		sim_wake_all(wq);
}

void sim_clear_bit_unlock_wake(unsigned long *word, int nr,
			       const struct sim_site *site)
{
	sim_sb_mb();	/* unlock: a release (SIM: drains) */
	SIM_RMW(&word[BIT_WORD(nr)], true,
		__atomic_fetch_and(&word[BIT_WORD(nr)], ~BIT_MASK(nr),
				   SIM_MO));
	sim_trace_event(SIM_EV_UNLOCK, (uintptr_t)word, site);
	wake_up_bit(word, nr);
}

/* ---- completion ---- */

#define COMPLETION_ALL (1 << 30)

void init_completion(struct completion *c)
{
	c->done = 0;
	c->wq.waiters = 0;
}

void sim_complete(struct completion *c, const struct sim_site *site)
{
	sim_yield_at(SIM_EV_WRITE, (uintptr_t)c, site);
	if (c->done != COMPLETION_ALL)
		c->done++;
	sim_wake_all(&c->wq);
}

void sim_complete_all(struct completion *c, const struct sim_site *site)
{
	sim_yield_at(SIM_EV_WRITE, (uintptr_t)c, site);
	c->done = COMPLETION_ALL;
	sim_wake_all(&c->wq);
}

void sim_wait_for_completion(struct completion *c,
			     const struct sim_site *site)
{
	sim_yield_at(SIM_EV_READ, (uintptr_t)c, site);
	while (!c->done)
		sim_wait(&c->wq, "completion", c, site);
	if (c->done != COMPLETION_ALL)
		c->done--;
}

void sim_bit_wait_prepare(unsigned long *word, int nr)
{
	if (__atomic_load_n(&word[BIT_WORD(nr)], SIM_MO) & BIT_MASK(nr))
		sim_waitq_add_current(bit_waitqueue(word, nr));
}

void sim_bit_wait_finish(unsigned long *word, int nr,
			 const struct sim_site *site)
{
	struct sim_waitq *wq;

	sim_yield_at(SIM_EV_READ, (uintptr_t)word, site);
	wq = bit_waitqueue_lookup(word, nr);
	if (wq && sim_waitq_queued(wq))
		sim_wait(wq, "bit", word, site);
}

#endif /* !SIM_STRESS */
