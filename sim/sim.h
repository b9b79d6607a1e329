/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/sim.h - tasks, the controlled scheduler, yield points, traces,
 * schedules, simulated CPUs and their interrupts.
 *
 * This header is the API every other layer builds on. One line of contract
 * per function; the locking and RCU primitives are in sim/sync.h, atomics
 * and bit operations in sim/atomic.h.
 *
 * Two builds of the same code:
 *  - controlled (default): tasks are coroutines in one OS thread. Every
 *    yield point asks the strategy who runs next; the sequence of choices is
 *    the schedule. Sequential consistency.
 *  - stress (-DSIM_STRESS): tasks are pthreads; yield points compile to
 *    nothing (or a random delay); locks and atomics are real.
 *
 * Lifecycle of one execution (controlled mode):
 *	sim_exec_begin(&cfg);		reset hooks run, scheduler reset
 *	sim_task_create(...);		one or more tasks
 *	sim_exec_run(&res);		run until all tasks end or one fails
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_MAX_TASKS	52	/* schedule strings name tasks a-z, A-Z */
#define SIM_MAX_CPUS	SIM_MAX_TASKS

/* What a yield point touches; recorded in the trace. */
enum sim_ev_kind {
	SIM_EV_READ,	/* load of shared state */
	SIM_EV_WRITE,	/* store to shared state */
	SIM_EV_RMW,	/* atomic read-modify-write */
	SIM_EV_LOCK,	/* about to acquire a lock */
	SIM_EV_UNLOCK,	/* released a lock */
	SIM_EV_BLOCK,	/* parked: waiting for something */
	SIM_EV_WAKE,	/* woke up after parking */
	SIM_EV_TLB,	/* TLB fill / flush */
	SIM_EV_IRQ,	/* irq disable / enable / IPI */
	SIM_EV_RCU,	/* RCU read-side section edge or grace period */
	SIM_EV_USER,	/* a user-level operation (load/store/syscall) */
	SIM_EV_START,	/* task started */
	SIM_EV_EXIT,	/* task ended */
	SIM_EV_MARK,	/* an annotation, never a scheduling point */
	SIM_EV__NR
};

/*
 * A yield point's static description: created once per source location by
 * SIM_SITE(), so recording an event stores one pointer.
 */
struct sim_site {
	const char *label;	/* the race window, "gup_fast:after_grab" */
	const char *file;
	const char *func;
	int line;
};

#define SIM_SITE(lbl)                                                      \
	({                                                                 \
		static const struct sim_site __sim_site = { (lbl), __FILE__, \
							    __func__,        \
							    __LINE__ };      \
		&__sim_site;                                               \
	})

/* One trace event. */
struct sim_event {
	uint32_t step;		/* index of the yield point in the execution */
	uint8_t task;		/* task id */
	uint8_t kind;		/* enum sim_ev_kind */
	uint16_t cpu;
	uintptr_t addr;		/* what was touched (simulated address if any) */
	const struct sim_site *site;
};

/*
 * sim_event_copy - copy an event as a trace hook sees it, one field at a
 * time: the scheduler has just written them, each with a store of its
 * own, and a struct copy's 16-byte loads over those stores cannot be
 * forwarded from the store buffer (a stall at every event of a hooked
 * execution). volatile: the loads must stay one per field.
 */
static inline void sim_event_copy(struct sim_event *dst,
				  const struct sim_event *src)
{
	const volatile struct sim_event *s = src;

	dst->step = s->step;
	dst->task = s->task;
	dst->kind = s->kind;
	dst->cpu = s->cpu;
	dst->addr = s->addr;
	dst->site = s->site;
}

/*
 * sim_yield - a point where another task may run.
 * @kind: what is about to be accessed, @addr: which object, @label: the race
 * window this point opens or closes. In stress mode, nothing (or a delay).
 */
#ifdef SIM_STRESS
void sim_stress_delay(void);
#define sim_yield(kind, addr, label) sim_stress_delay()
#define sim_yield_site(kind, addr, site) sim_stress_delay()
#else
#define sim_yield(kind, addr, label)                                       \
	sim_yield_at((kind), (uintptr_t)(addr), SIM_SITE(label))
#define sim_yield_site(kind, addr, site)                                   \
	sim_yield_at((kind), (uintptr_t)(addr), (site))
#endif
/* The out-of-line yield: record the event, let the strategy pick. */
void sim_yield_at(int kind, uintptr_t addr, const struct sim_site *site);
/*
 * sim_yield_at2 - a yield point whose access touches a second object:
 * @addr2, read (@kind2 SIM_EV_READ) or written (SIM_EV_WRITE). The trace
 * records @kind and @addr; the explorer sees both (struct sim_access). A
 * user load or store names the page-table entry it uses and the data it
 * reaches (arch/mmu.c).
 */
void sim_yield_at2(int kind, uintptr_t addr, int kind2, uintptr_t addr2,
		   const struct sim_site *site);
#ifdef SIM_STRESS
#define sim_yield2(kind, addr, kind2, addr2, label)                        \
	((void)(addr), (void)(addr2), sim_stress_delay())
#else
#define sim_yield2(kind, addr, kind2, addr2, label)                        \
	sim_yield_at2((kind), (uintptr_t)(addr), (kind2), (uintptr_t)(addr2), \
		      SIM_SITE(label))
#endif
/*
 * sim_note - an access the running task makes with no scheduling point
 * before it: it joins the task's current step, where the explorer's
 * dependence relation (DPOR) sees it. Only for the places marked SIM:
 * that drop a yield point (docs/deviations.md). Stress mode: nothing.
 * sim_others_stand_at - is another live task about to make an access
 * (its next one) that touches [@addr, @addr + @len)? Stress mode: true.
 */
#ifdef SIM_STRESS
#define sim_note(kind, addr, label) ((void)(addr))
static inline bool sim_others_stand_at(const void *addr, unsigned long len)
{
	return true;
}
#else
void sim_note_at(int kind, uintptr_t addr, const struct sim_site *site);
#define sim_note(kind, addr, label)                                        \
	sim_note_at((kind), (uintptr_t)(addr), SIM_SITE(label))
bool sim_others_stand_at(const void *addr, unsigned long len);
#endif
/* Record an event without a scheduling point (annotations). */
void sim_trace_mark(uintptr_t addr, const struct sim_site *site);
#define sim_mark(addr, label) sim_trace_mark((uintptr_t)(addr), SIM_SITE(label))

/* ---- tasks ---- */

enum sim_task_state {
	SIM_TASK_UNUSED,
	SIM_TASK_RUNNABLE,
	SIM_TASK_BLOCKED,
	SIM_TASK_DONE,
};

struct sim_task;
typedef void (*sim_task_fn)(void *arg);

/*
 * sim_task_create - a new task, runnable at once (or when the execution
 * starts). Each task runs on a simulated CPU of its own: its id. Returns the
 * task id, or -1 when SIM_MAX_TASKS is reached (the limit is reported).
 * May be called before sim_exec_run() or from a running task.
 */
int sim_task_create(const char *name, sim_task_fn fn, void *arg);
/* The running task's id (its CPU), -1 outside any task. */
int sim_task_id(void);
/* The running task's name. */
const char *sim_task_name(int id);
/* Per-task pointer for upper layers (the mm a user thread runs in, ...). */
void *sim_task_data(int id);
void sim_task_set_data(int id, void *data);
/* Number of tasks created in this execution. */
int sim_nr_tasks(void);
/* State of task @id. */
enum sim_task_state sim_task_state(int id);
/* End the running task. Also what returning from its function does. */
_Noreturn void sim_task_exit(void);

/* ---- waiting (the primitive under every blocking lock) ---- */

/*
 * A wait queue: tasks parked on it stay parked until sim_wake_all().
 * Waiters re-check their condition when woken (no lost-wakeup window: the
 * controlled scheduler only switches at yield points).
 */
struct sim_waitq {
	uint64_t waiters;	/* bitmask of parked task ids */
};

/*
 * sim_wait - park the running task on @wq until woken. @what and @obj say
 * what it waits for, for the deadlock report. Is a scheduling point.
 * Stress mode: sleeps briefly and returns (callers loop on their condition).
 */
void sim_wait(struct sim_waitq *wq, const char *what, const void *obj,
	      const struct sim_site *site);
/*
 * sim_waitq_add_current - queue the running task on @wq without parking it
 * (the kernel adds itself to a wait queue before it drops the lock that
 * guards its condition); sim_waitq_queued - is it still queued, no wake-up
 * of @wq since? Neither is a scheduling point. sim_wait() parks it.
 */
void sim_waitq_add_current(struct sim_waitq *wq);
bool sim_waitq_queued(const struct sim_waitq *wq);
/* Make every task parked on @wq runnable. Not a scheduling point. */
void sim_wake_all(struct sim_waitq *wq);
/*
 * For a waiter that stands for a kernel busy loop (it re-reads what it
 * waits for until it changes) under memory=tso|arm64, where a store
 * becomes visible to other CPUs at a drain, which wakes nobody:
 * sim_others_visible - how many stores of the other CPUs have become
 * visible to the running one so far; a pass that reads shared state and
 * finds nothing to do may sleep only if this did not change since the
 * pass began (a store it read the old value of may have drained since).
 * Always 0 under memory=sc and in stress mode.
 * sim_wait_visible - sim_wait(), but if another CPU has stores pending
 * (after the running CPU's own drained, as sim_wait does), also woken by
 * the next one that becomes visible. Under sc exactly sim_wait().
 */
uint64_t sim_others_visible(void);
void sim_wait_visible(struct sim_waitq *wq, const char *what, const void *obj,
		      const struct sim_site *site);

/* ---- simulated CPUs: interrupts and IPIs ---- */

typedef struct {
	uint64_t bits;
} cpumask_t;

static inline void cpumask_set_cpu(int cpu, cpumask_t *m)
{
	__atomic_fetch_or(&m->bits, 1ULL << cpu, __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu(int cpu, cpumask_t *m)
{
	__atomic_fetch_and(&m->bits, ~(1ULL << cpu), __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test_cpu(int cpu, const cpumask_t *m)
{
	return __atomic_load_n(&m->bits, __ATOMIC_SEQ_CST) & (1ULL << cpu);
}

/* The running task's CPU (== its task id). */
int smp_processor_id(void);
/* Disable / enable interrupts on this CPU; nests like local_irq_save. */
void local_irq_disable(void);
void local_irq_enable(void);
bool irqs_disabled(void);

typedef void (*smp_call_func_t)(int cpu, void *info);
/*
 * smp_call_function_many - run @func(cpu, info) on every CPU in @mask other
 * than this one, and wait until each has run it. A CPU with interrupts
 * enabled (or idle, or ended) takes the IPI at once; a CPU with interrupts
 * disabled takes it when it enables them, and the caller stays parked until
 * then. Must be called with interrupts enabled.
 */
void smp_call_function_many(const cpumask_t *mask, smp_call_func_t func,
			    void *info);

/* ---- violations ---- */

/*
 * sim_violation - the execution broke a rule. Records the message, the
 * site and the trace, and ends the execution at once (controlled mode) or
 * records the first one and carries on (stress mode). Never aborts the
 * process. Callable outside tasks too (end-of-execution checks).
 */
void sim_violation_at(const struct sim_site *site, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define sim_violation(...) sim_violation_at(SIM_SITE("violation"), __VA_ARGS__)

/* ---- executions ---- */

enum sim_outcome {
	SIM_OK,
	SIM_VIOLATION,	/* an assertion or oracle failed */
	SIM_DEADLOCK,	/* every live task is parked */
	SIM_LIVELOCK,	/* the step bound was reached */
	SIM_DIVERGED,	/* a replayed schedule named a task that cannot run */
	SIM_LIMIT,	/* a model limit was hit (tasks, frames, ...) */
};

const char *sim_outcome_name(enum sim_outcome o);

struct sim_strategy;

struct sim_config {
	struct sim_strategy *strategy;	/* NULL: round-robin */
	uint64_t seed;
	uint64_t max_steps;		/* 0: default (1,000,000) */
	const char *replay;		/* schedule string to replay, or NULL */
	/* Keep no trace ring: sim_trace_tail() returns nothing after the
	 * execution. For an explorer's executions, whose reports replay
	 * the schedule (the ring's 96 KiB of stores were 5 % of a THP
	 * split's execution). The trace hash is kept all the same. */
	bool no_trace_ring;
};

#define SIM_MSG_MAX 1024

struct sim_result {
	enum sim_outcome outcome;
	uint64_t steps;		/* yield points executed */
	uint64_t choices;	/* of which scheduling choices (>1 runnable) */
	uint64_t trace_hash;	/* hash over (task, kind, line) of every event */
	int fail_task;		/* task that failed, -1 if none */
	const struct sim_site *fail_site;
	char msg[SIM_MSG_MAX];	/* what went wrong, for humans */
};

/* Once per process (controlled mode): stacks, CPUs. Idempotent. */
void sim_init(void);
/* Reset everything for a new execution; runs the reset hooks. */
void sim_exec_begin(const struct sim_config *cfg);
/* Run the execution to its end. Returns res->outcome. */
enum sim_outcome sim_exec_run(struct sim_result *res);
/*
 * The result of the last execution as it stands now: after sim_exec_run,
 * it includes violations reported since by end-of-execution checks
 * (sim_violation called outside any task).
 */
void sim_exec_result(struct sim_result *res);
/* Hooks run by sim_exec_begin, in registration order (model resets). */
void sim_on_reset(void (*fn)(void));
/* True while sim_exec_run is running tasks. */
bool sim_running(void);
/* Limit hit (e.g. out of frames with no fallback): ends the execution. */
void sim_limit_at(const struct sim_site *site, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define sim_limit(...) sim_limit_at(SIM_SITE("limit"), __VA_ARGS__)

/*
 * The schedule of the last execution as a printable string: a letter per
 * scheduling choice (task 0 = 'a' ... 25 = 'z', 26 = 'A' ...), a decimal
 * repeat count after it when > 1: "a3b2a". Replaying it reproduces the
 * execution event for event. When a replayed string runs out, the running
 * task keeps running while it can, else the lowest-numbered runnable task.
 * Returns a pointer valid until the next sim_exec_begin.
 */
const char *sim_schedule(void);

/* Task @t's next access (see struct sim_access); for reports and tests. */
const struct sim_access *sim_task_next(int t);

/* The last @n events of the execution's trace (ring buffer), oldest first.
 * Returns how many were copied. */
size_t sim_trace_tail(struct sim_event *out, size_t n);
/* Total events recorded (may exceed the ring). */
uint64_t sim_trace_count(void);
/* Call @fn with every event as it is recorded (NULL: stop). For an
 * explorer that must see what each task did between choices (DPOR). */
void sim_set_trace_hook(void (*fn)(const struct sim_event *e));
/* In a trace hook: the second object the yield being recorded names
 * (sim_yield_at2's addr2, its kind in *@kind2); 0 if none. */
uintptr_t sim_trace_second(int *kind2);
/* What an access of @kind does to its object: 0 nothing, 1 reads,
 * 2 writes, 3 a lock operation (the modes sim_access_conflict uses). */
extern const uint8_t sim_obj_mode[];	/* by kind, 0 .. SIM_EV__NR */

static inline int sim_access_mode(int kind)
{
	return kind >= 0 && kind <= SIM_EV__NR ? sim_obj_mode[kind] : 0;
}
const char *sim_ev_kind_name(int kind);

/* ---- strategies ---- */

/*
 * A task's next access: the yield point it stands at. A task stops
 * *before* the access its yield point names, so at every scheduling choice
 * the strategy knows what each runnable task will do when it is picked:
 *  - a task that has not started stands at SIM_EV_START (addr 0);
 *  - a task woken from sim_wait() stands at SIM_EV_WAKE on the object it
 *    waited for (it re-checks its condition when it runs);
 *  - otherwise the kind, object and race-window label of its last yield.
 */
struct sim_access {
	uint8_t kind;		/* enum sim_ev_kind */
	uint8_t kind2;		/* SIM_EV_READ / WRITE of addr2 */
	uintptr_t addr;		/* the object: a PTE, a folio field, a lock */
	uintptr_t addr2;	/* a second object (user data), 0: none */
	const struct sim_site *site;	/* the race window's label, file:line */
	/* the step at which the task reached this yield point: a new
	 * access has a new stamp, even at the same site and object */
	uint64_t stamp;
};

/*
 * sim_access_copy - copy a task's next access word by word. The scheduler
 * writes it so at each yield (sim/internal.h); a strategy that copies the
 * access a task just reached (v->next[v->current]) as a struct reads it
 * with 16-byte loads over those 8-byte stores, which the store buffer
 * cannot forward: a stall. volatile: the compiler must not merge the
 * words into vector moves again.
 */
_Static_assert(sizeof(struct sim_access) == 5 * sizeof(uint64_t) &&
	       offsetof(struct sim_access, kind2) == 1 &&
	       offsetof(struct sim_access, addr) == 8 &&
	       offsetof(struct sim_access, addr2) == 16 &&
	       offsetof(struct sim_access, site) == 24 &&
	       offsetof(struct sim_access, stamp) == 32,
	       "struct sim_access: five words, kind and kind2 in the first");

static inline void sim_access_copy(struct sim_access *dst,
				   const struct sim_access *src)
{
	volatile uint64_t *d = (volatile uint64_t *)dst;
	const volatile uint64_t *s = (const volatile uint64_t *)src;

	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
	d[3] = s[3];
	d[4] = s[4];
}

/*
 * sim_access_conflict - do @a and @b conflict? They do when they touch the
 * same object (addr != 0) and at least one writes (WRITE, RMW), or both
 * operate on the same lock (LOCK, UNLOCK, BLOCK, WAKE on one object).
 * Each access names up to two objects (addr with kind, addr2 with kind2);
 * any pair may conflict. USER reads its addr (the page-table entry a user
 * access translates through); its addr2 is the data, read or written.
 * Objects are named so that kernel and user agree: page-table entries and
 * data by simulated physical address (a folio's data by its first byte),
 * struct fields and locks by host address. Kinds whose effect is not one
 * object (TLB, IRQ, RCU, START, EXIT) conflict with nothing here; an
 * explorer that needs soundness over them (DPOR) treats them itself.
 * Symmetric. Cheap: at most four comparisons of addresses. Inline: the
 * strategies ask it at every choice.
 *
 * sim_obj_conflict - one object of each side: same object, and both lock
 * operations or at least one write among plain accesses.
 */
static inline bool sim_obj_conflict(int ka, uintptr_t a, int kb, uintptr_t b)
{
	uint8_t ma = sim_obj_mode[ka], mb = sim_obj_mode[kb];

	if (!a || a != b || !ma || !mb)
		return false;
	if (ma == 3 || mb == 3)
		return ma == mb;
	return ma == 2 || mb == 2;
}

static inline bool sim_access_conflict(const struct sim_access *a,
				       const struct sim_access *b)
{
	if (sim_obj_conflict(a->kind, a->addr, b->kind, b->addr))
		return true;
	if (b->addr2 && sim_obj_conflict(a->kind, a->addr, b->kind2, b->addr2))
		return true;
	if (!a->addr2)
		return false;
	return sim_obj_conflict(a->kind2, a->addr2, b->kind, b->addr) ||
	       (b->addr2 && sim_obj_conflict(a->kind2, a->addr2, b->kind2,
					     b->addr2));
}

/* What a strategy sees at a scheduling choice. */
struct sim_sched_view {
	int current;		/* the task that reached the yield (-1: none) */
	uint64_t runnable;	/* bitmask of runnable task ids, >1 bit set */
	uint64_t step;
	int nr_tasks;
	int kind;		/* kind of the current task's yield point */
	/*
	 * next[t]: the access task t makes when it is picked, for every t
	 * in runnable (and the last one of every other task). Valid only
	 * during pick().
	 */
	const struct sim_access *next;
	/* The access the previously running task made last (its yield
	 * point before this one); kind SIM_EV__NR when none. Valid only
	 * during pick() and observe(). A pointer: copying the struct in
	 * read it with 16-byte loads over the yield's 8-byte stores, which
	 * the store buffer cannot forward (sim/internal.h). */
	const struct sim_access *last;
};

struct sim_strategy {
	const char *name;
	/* Per execution: @seed is the execution's seed. */
	void (*begin)(struct sim_strategy *s, uint64_t seed);
	/* Choose a task id from v->runnable. */
	int (*pick)(struct sim_strategy *s, const struct sim_sched_view *v);
	/* Execution ended (optional). */
	void (*end)(struct sim_strategy *s, const struct sim_result *r);
	void *priv;
	/*
	 * Optional: where the scheduler switches tasks without a choice
	 * (a task exited or parked and one task can run), the view it
	 * would have shown; v->runnable may have a single bit. Lets an
	 * observer (race-window coverage) see every access made while
	 * another task stood at a yield point. Not called in replay.
	 */
	void (*observe)(struct sim_strategy *s, const struct sim_sched_view *v);
};

/* Built-in strategies. The returned objects are static; one at a time. */
struct sim_strategy *sim_strategy_rr(void);
struct sim_strategy *sim_strategy_random(void);
/* PCT with bug depth @depth (>= 1). */
struct sim_strategy *sim_strategy_pct(unsigned depth);
/* "rr", "random", "pct:3": NULL if the name is unknown. */
struct sim_strategy *sim_strategy_by_name(const char *name);

/* ---- deterministic PRNG (xoshiro256**) ---- */

struct sim_rng {
	uint64_t s[4];
};

void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
/* Uniform in [0, n). n > 0. */
uint64_t sim_rng_below(struct sim_rng *r, uint64_t n);
/* The seed of execution @i of a run seeded @seed. */
uint64_t sim_exec_seed(uint64_t seed, uint64_t i);

/* ---- per-execution arena for model objects ---- */

/*
 * sim_zalloc - zeroed memory that lives until the next sim_exec_begin.
 * Model objects (VMAs, anon_vmas, mm_structs) come from here so that an
 * execution abandoned mid-way (violation, deadlock) leaks nothing and the
 * reset costs what was allocated. Exhaustion is a sim_limit.
 */
void *sim_zalloc(size_t size);
/* sim_free - return @p; the space is reused only after the next reset. */
void sim_free(void *p);

/*
 * sim_zkept - zeroed memory for a large per-execution array that an
 * execution writes a little of (the swap device's map and cache: a slot
 * or two of thousands). One buffer per @key, kept from one execution to
 * the next; each call hands it out zeroed, clearing only the 512-byte
 * blocks that are not zero - reading them costs a fraction of writing
 * them, which is what sim_zalloc() does for every byte. The contract is
 * sim_zalloc()'s: @size bytes of zeros, valid until the next
 * sim_exec_begin() (one caller per key per execution). Not freed with
 * sim_free(). SIM_STRESS: sim_zalloc() itself.
 */
enum sim_kept_key { SIM_KEPT_SWAP_MAP, SIM_KEPT_SWAP_CACHE, SIM_NR_KEPT };
void *sim_zkept(enum sim_kept_key key, size_t size);

/*
 * sim_nr_bits - the number of bits set in @mask, a set of tasks (the
 * strategies' runnable sets). Added in place (SWAR), without a branch:
 * __builtin_popcountll without -mpopcnt (not every machine has it) is a
 * call into libgcc, and a loop of one step per bit mispredicts its exit
 * whenever the number of runnable tasks changes (at a third of random
 * picks; 6 ns a pick).
 */
static inline unsigned sim_nr_bits(uint64_t mask)
{
	mask -= (mask >> 1) & 0x5555555555555555ULL;
	mask = (mask & 0x3333333333333333ULL) +
	       ((mask >> 2) & 0x3333333333333333ULL);
	mask = (mask + (mask >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((mask * 0x0101010101010101ULL) >> 56);
}

#endif /* SIM_SIM_H */
