/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/sync.h - blocking primitives and RCU with the kernel's names.
 *
 * Controlled mode: every acquire is a yield point (SIM_EV_LOCK) and a task
 * that cannot take a lock parks on the lock's wait queue (no spinning), so
 * "every live task parked" is a deadlock the scheduler reports, naming each
 * task, what it waits for and what it holds.
 * Stress mode: the same names on real atomics; waiting spins with
 * sched_yield() and takes pending IPIs while it spins, as a CPU spinning
 * with interrupts enabled would.
 *
 * Every lock has a class name ("ptl", "mmap_lock", "anon_vma") used by the
 * lock-order checker in check/ and by deadlock reports.
 */
#ifndef SIM_SYNC_H
#define SIM_SYNC_H

#include "sim/sim.h"

#define SIM_MAX_HELD	24	/* locks one task may hold at once */

enum sim_lock_mode { SIM_LOCK_EXCL, SIM_LOCK_SHARED };

/* A lock a task holds, for reports and the lock-order checker. */
struct sim_held_lock {
	const void *lock;
	const char *class;	/* lock class name */
	int mode;		/* enum sim_lock_mode */
	const struct sim_site *site;
};

/* Locks held by task @task; returns their number (oldest first). */
int sim_held_locks(int task, const struct sim_held_lock **out);

/*
 * Lock-order hook: check/ installs it; called before every blocking
 * acquire with the locks already held. It reports through sim_violation().
 */
typedef void (*sim_lockdep_fn)(int task, const struct sim_held_lock *held,
			       int nr_held, const void *lock,
			       const char *class, int mode,
			       const struct sim_site *site);
void sim_set_lockdep_hook(sim_lockdep_fn fn);

/* A class name from a stringified lock expression: "&mm->ptl" -> "mm->ptl". */
static inline const char *sim_lock_class(const char *s)
{
	return s[0] == '&' ? s + 1 : s;
}

/* ---- spinlock ---- */

typedef struct spinlock {
	int locked;		/* 0 or owner task id + 1 */
	const char *class;
	struct sim_waitq wq;
} spinlock_t;

void spin_lock_init_class(spinlock_t *l, const char *class);
#define spin_lock_init(l) spin_lock_init_class((l), sim_lock_class(#l))
void sim_spin_lock(spinlock_t *l, const struct sim_site *site);
bool sim_spin_trylock(spinlock_t *l, const struct sim_site *site);
void sim_spin_unlock(spinlock_t *l, const struct sim_site *site);
#define spin_lock(l) sim_spin_lock((l), SIM_SITE("spin_lock"))
#define spin_trylock(l) sim_spin_trylock((l), SIM_SITE("spin_trylock"))
#define spin_unlock(l) sim_spin_unlock((l), SIM_SITE("spin_unlock"))
/* Nested classes for lockdep: spin_lock_nested is spin_lock here. */
#define spin_lock_nested(l, sub) spin_lock(l)
bool spin_is_locked(const spinlock_t *l);
/* Held by the running task? (for lockdep_assert_held) */
bool spin_is_held_by_me(const spinlock_t *l);

/* ---- rw_semaphore (mmap_lock, anon_vma->rwsem) ---- */

/*
 * A waiting writer blocks new readers, as the kernel's rwsem does, so a
 * reader that re-acquires while a writer waits can deadlock (and is
 * reported).
 */
struct rw_semaphore {
	int count;		/* >0 readers, -1 writer, 0 free */
	int writers_waiting;
	int owner;		/* writer task id + 1 */
	const char *class;
	struct sim_waitq wq;
};

void init_rwsem_class(struct rw_semaphore *s, const char *class);
#define init_rwsem(s) init_rwsem_class((s), sim_lock_class(#s))
void sim_down_read(struct rw_semaphore *s, const struct sim_site *site);
bool sim_down_read_trylock(struct rw_semaphore *s,
			   const struct sim_site *site);
void sim_up_read(struct rw_semaphore *s, const struct sim_site *site);
void sim_down_write(struct rw_semaphore *s, const struct sim_site *site);
bool sim_down_write_trylock(struct rw_semaphore *s,
			    const struct sim_site *site);
void sim_up_write(struct rw_semaphore *s, const struct sim_site *site);
void sim_downgrade_write(struct rw_semaphore *s, const struct sim_site *site);
#define down_read(s) sim_down_read((s), SIM_SITE("down_read"))
#define down_read_trylock(s) sim_down_read_trylock((s), SIM_SITE("down_read_trylock"))
#define up_read(s) sim_up_read((s), SIM_SITE("up_read"))
#define down_write(s) sim_down_write((s), SIM_SITE("down_write"))
#define down_write_trylock(s) sim_down_write_trylock((s), SIM_SITE("down_write_trylock"))
#define up_write(s) sim_up_write((s), SIM_SITE("up_write"))
#define downgrade_write(s) sim_downgrade_write((s), SIM_SITE("downgrade_write"))
/* Lockdep nesting annotations: the model's checker needs no subclass. */
#define SINGLE_DEPTH_NESTING 1
#define down_write_nested(s, sub) down_write(s)
#define down_read_nested(s, sub) down_read(s)
bool rwsem_is_locked(const struct rw_semaphore *s);
bool rwsem_is_write_locked(const struct rw_semaphore *s);

/* ---- mutex ---- */

struct mutex {
	int owner;		/* task id + 1, 0 free */
	const char *class;
	struct sim_waitq wq;
};

void mutex_init_class(struct mutex *m, const char *class);
#define mutex_init(m) mutex_init_class((m), sim_lock_class(#m))
void sim_mutex_lock(struct mutex *m, const struct sim_site *site);
bool sim_mutex_trylock(struct mutex *m, const struct sim_site *site);
void sim_mutex_unlock(struct mutex *m, const struct sim_site *site);
#define mutex_lock(m) sim_mutex_lock((m), SIM_SITE("mutex_lock"))
#define mutex_trylock(m) sim_mutex_trylock((m), SIM_SITE("mutex_trylock"))
#define mutex_unlock(m) sim_mutex_unlock((m), SIM_SITE("mutex_unlock"))

/* ---- bit locks and wait-on-bit (folio_lock, PG_writeback) ---- */

/*
 * Waiters on a bit park on a hashed wait queue, as the kernel's
 * bit_waitqueue(); wake_up_bit() wakes that queue.
 */
/* Sleep until bit @nr of @word is clear. */
void sim_wait_on_bit(unsigned long *word, int nr, const struct sim_site *site);
/* Take bit @nr of @word as a lock: set it, sleeping while it is set. */
void sim_wait_on_bit_lock(unsigned long *word, int nr,
			  const struct sim_site *site);
/* Wake waiters of bit @nr of @word. Not a scheduling point. */
void wake_up_bit(unsigned long *word, int nr);
/* Does a task sleep on bit @nr of @word? (Stress mode: always true.) */
bool sim_bit_has_waiters(unsigned long *word, int nr);
#define wait_on_bit(word, nr) sim_wait_on_bit((word), (nr), SIM_SITE("wait_on_bit"))
#define wait_on_bit_lock(word, nr)                                         \
	sim_wait_on_bit_lock((word), (nr), SIM_SITE("wait_on_bit_lock"))
/*
 * A wait that is queued before the lock guarding its condition is dropped
 * (folio_wait_bit_common, migration_entry_wait_on_locked): with that lock
 * held, bit_wait_prepare() queues the running task on the bit's wait queue
 * if the bit is set (not a scheduling point); the caller drops its lock;
 * bit_wait_finish() sleeps until a wake-up of the bit has come since the
 * prepare, and does not read the bit again: the object may be freed and
 * reused, its bit set by its next owner, before the waiter runs, and the
 * kernel's waiter is woken by the unlock all the same (WQ_FLAG_WOKEN).
 * The caller re-checks what it waited for (the fault is retried).
 */
void sim_bit_wait_prepare(unsigned long *word, int nr);
void sim_bit_wait_finish(unsigned long *word, int nr,
			 const struct sim_site *site);
#define bit_wait_prepare(word, nr) sim_bit_wait_prepare((word), (nr))
#define bit_wait_finish(word, nr)                                          \
	sim_bit_wait_finish((word), (nr), SIM_SITE("wait_on_bit"))
/* clear_bit_unlock() then wake_up_bit(). */
void sim_clear_bit_unlock_wake(unsigned long *word, int nr,
			       const struct sim_site *site);
#define clear_bit_unlock_wake(word, nr)                                    \
	sim_clear_bit_unlock_wake((word), (nr), SIM_SITE("clear_bit_unlock"))

/* ---- completion and wait queues ---- */

struct completion {
	int done;
	struct sim_waitq wq;
};

void init_completion(struct completion *c);
void sim_complete(struct completion *c, const struct sim_site *site);
void sim_complete_all(struct completion *c, const struct sim_site *site);
void sim_wait_for_completion(struct completion *c,
			     const struct sim_site *site);
#define complete(c) sim_complete((c), SIM_SITE("complete"))
#define complete_all(c) sim_complete_all((c), SIM_SITE("complete_all"))
#define wait_for_completion(c)                                             \
	sim_wait_for_completion((c), SIM_SITE("wait_for_completion"))

typedef struct sim_waitq wait_queue_head_t;
static inline void init_waitqueue_head(wait_queue_head_t *wq)
{
	wq->waiters = 0;
}

/* wait_event - park on @wq until @cond holds; @cond is re-read each wake. */
#define wait_event(wq, cond)                                               \
	do {                                                               \
		while (!(cond))                                            \
			sim_wait(&(wq), "wait_event", &(wq),               \
				 SIM_SITE("wait_event:" #cond));           \
	} while (0)
#define wake_up_all(wq) sim_wake_all(wq)

/* ---- RCU ---- */

/*
 * A grace period never ends while a reader that began before it is still
 * inside its read-side section. A CPU with interrupts disabled is a reader
 * too (the consolidated RCU of Linux >= 4.20; GUP-fast relies on it).
 * Callbacks queued by call_rcu() run as soon as their grace period ends,
 * in the context of the task that ended it (the adversarial choice: the
 * earliest moment the kernel may run them).
 */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
	uint64_t wait_mask;	/* private: readers still to pass */
	uint64_t gp;		/* private (stress mode): grace period */
};

void sim_rcu_read_lock(const struct sim_site *site);
void sim_rcu_read_unlock(const struct sim_site *site);
/*
 * sim_rcu_read_lock_quiet / sim_rcu_read_unlock_quiet - a read-side
 * section with no yield point and no trace event of its own, for page-table
 * walks (pte_offset_map and its callers) whose first shared access is
 * itself a yield point: entering or leaving the section touches nothing
 * another task reads, so it is folded into the walk's next or previous
 * step (which the explorer orders against every grace period end, a
 * global event). An RCU event per walk would make every PTE access
 * dependent with everything for DPOR.
 */
void sim_rcu_read_lock_quiet(const struct sim_site *site);
void sim_rcu_read_unlock_quiet(const struct sim_site *site);
void sim_synchronize_rcu(const struct sim_site *site);
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
#define rcu_read_lock() sim_rcu_read_lock(SIM_SITE("rcu_read_lock"))
#define rcu_read_unlock() sim_rcu_read_unlock(SIM_SITE("rcu_read_unlock"))
#define synchronize_rcu() sim_synchronize_rcu(SIM_SITE("synchronize_rcu"))
/* In a read-side section (or irqs off) on this CPU? */
bool rcu_read_lock_held(void);
/* Grace periods completed so far in this execution. */
uint64_t sim_rcu_gp_count(void);
/* call_rcu callbacks run so far in this execution (controlled mode). */
uint64_t sim_rcu_callbacks_run(void);

#endif /* SIM_SYNC_H */
