// SPDX-License-Identifier: GPL-2.0
/*
 * sim/sched.c - the controlled scheduler: tasks as coroutines, yield points,
 * the trace, the schedule string, replay, parking, simulated CPUs (irqs and
 * IPIs), RCU, violations.
 *
 * One OS thread runs every task. Control changes hands only inside
 * schedule(), reached from a yield point, a block, or a task's exit; the
 * strategy is consulted only when more than one task could run (a
 * "choice"), and each choice is appended to the schedule. A run is thus a
 * function of (tasks, strategy, seed), and replaying the schedule string
 * reproduces it event for event.
 *
 * Invariants (checked by assert_sched_state() in debug builds):
 *  1. S.runnable has bit t set iff tasks[t].state == SIM_TASK_RUNNABLE.
 *  2. A BLOCKED task's bit is set in exactly the wait queue it parked on.
 *  3. The running task (S.current >= 0) is RUNNABLE.
 *  4. A task's irq_depth > 0 only while it runs or is parked (never DONE).
 */
#ifndef SIM_STRESS
#define _GNU_SOURCE

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pthread.h>
#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#include "sim/ctx.h"
#include "sim/internal.h"
#include "sim/storebuf.h"

#ifdef SIM_ASAN
#define STACK_SIZE (512UL << 10)
#else
#define STACK_SIZE (128UL << 10)
#endif
#define GUARD_SIZE 4096UL
#define TRACE_RING 4096		/* events kept for reports (power of two) */
#define DEFAULT_MAX_STEPS 1000000ULL
#define MAX_RESET_HOOKS 32
#define RESET_SEEN 64		/* sim_on_reset's look-aside (power of two) */

/* A pending IPI, on the sender's stack while it waits. */
struct sim_ipi {
	smp_call_func_t func;
	void *info;
	int *remaining;		/* the sender's count of unacknowledged CPUs */
	struct sim_waitq *done;	/* the sender parks here */
	struct sim_ipi *next;
};

/* A synchronize_rcu() or call_rcu() waiting for pre-existing readers. */
struct sim_gp_waiter {
	uint64_t mask;		/* readers still to leave their section */
	struct sim_waitq wq;	/* synchronize_rcu parks here */
	struct sim_gp_waiter *next;
};

struct sim_task {
	enum sim_task_state state;
	const char *name;
	sim_task_fn fn;
	void *arg;
	void *data;
	struct sim_ctx ctx;
	char *stack;		/* usable stack, above the guard page */
	/* parked on: */
	const char *wait_what;
	const void *wait_obj;
	const struct sim_site *wait_site;
	/* locks held */
	struct sim_held_lock held[SIM_MAX_HELD];
	int nr_held;
	/* the CPU */
	int irq_depth;
	struct sim_ipi *ipi_pending;
	int rcu_nesting;
#ifdef SIM_ASAN
	void *fake_stack;
#endif
};

static struct sim_task tasks[SIM_MAX_TASKS];
/* next[t]: where task t stands (struct sim_access); an array of its own so
 * a strategy reads every task's next access from one pointer. */
static struct sim_access next_access[SIM_MAX_TASKS];

static struct {
	bool inited, running;
	int in_rcu_cbs;		/* tasks in run_ready_rcu_callbacks() */
	int nr_tasks;
	int current;		/* running task, -1: the main context */
	uint64_t runnable;	/* bitmask of RUNNABLE tasks */
	uint64_t step;		/* yield points so far */
	uint64_t choices, max_steps;
	uint64_t hash;
	bool ring_off;		/* S.ring is not kept (no_trace_ring) */
	struct sim_ctx main_ctx;
	struct sim_strategy *strat;
	struct sim_access last_access;	/* for sim_sched_view.last */
	/* outcome */
	enum sim_outcome outcome;
	int fail_task;
	const struct sim_site *fail_site;
	char msg[SIM_MSG_MAX];
	/* the schedule being recorded: closed runs, (count << 8) | task */
	struct { uint64_t *w; size_t nr, cap, enc; } runs;	/* enc: in sched */
	char *sched;		/* run-length encoded, by sim_schedule() */
	size_t sched_len, sched_cap;
	int rle_task;		/* the open run */
	uint64_t rle_count;
	/* replay */
	const char *replay;	/* next unread character */
	int replay_task;
	uint64_t replay_left;
	/* trace */
	struct sim_event ring[TRACE_RING];
	/* rcu */
	struct sim_gp_waiter *gp_waiters;
	struct rcu_head *cb_pending;	/* waiting for their grace period */
	struct rcu_head *cb_ready;	/* grace period over, not yet run */
	uint64_t rcu_gp_count;
	uint64_t rcu_cbs_run;	/* callbacks run (for DPOR) */
	uint64_t readers;	/* bitmask: tasks in RCU read-side or irq-off */
	/* hooks */
	void (*reset_hooks[MAX_RESET_HOOKS])(void);
	int nr_reset_hooks;
	/* registered hooks, each in the slot of its address (or not) */
	void (*reset_seen[RESET_SEEN])(void);
	sim_lockdep_fn lockdep;
#ifdef SIM_ASAN
	void *main_stack_bottom;
	size_t main_stack_size;
	void *main_fake_stack;
#endif
} S;

static void schedule(void);
static _Noreturn void end_execution(void);
static void rcu_quiescent(int t);
static void run_ready_rcu_callbacks(void);
static void report_deadlock(void);

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* ---- context switching with the sanitizer told ---- */

static inline void switch_to_ctx(struct sim_ctx *from, struct sim_ctx *to,
				 void **fake_save, const void *bottom,
				 size_t size)
{
#ifdef SIM_ASAN
	__sanitizer_start_switch_fiber(fake_save, bottom, size);
	sim_ctx_switch(from, to);
	/* back here: finish the switch into this context */
	__sanitizer_finish_switch_fiber(fake_save ? *fake_save : NULL, NULL,
					NULL);
#else
	sim_ctx_switch(from, to);
#endif
}

static inline void *task_fake(struct sim_task *t)
{
#ifdef SIM_ASAN
	return &t->fake_stack;
#else
	return NULL;
#endif
}

/* From task @from (or main if -1) to task @to (or main if -1). */
static void switch_tasks(int from, int to)
{
	struct sim_ctx *fc = from < 0 ? &S.main_ctx : &tasks[from].ctx;
	struct sim_ctx *tc = to < 0 ? &S.main_ctx : &tasks[to].ctx;
	void **fake = from < 0 ?
#ifdef SIM_ASAN
			     &S.main_fake_stack
#else
			     NULL
#endif
			     : task_fake(&tasks[from]);
	const void *bottom;
	size_t size;

#ifdef SIM_ASAN
	if (to < 0) {
		bottom = S.main_stack_bottom;
		size = S.main_stack_size;
	} else {
		bottom = tasks[to].stack;
		size = STACK_SIZE;
	}
	/* a task that is done never comes back: no fake stack to keep */
	if (from >= 0 && tasks[from].state == SIM_TASK_DONE)
		fake = NULL;
#else
	bottom = NULL;
	size = 0;
#endif
	S.current = to;
	switch_to_ctx(fc, tc, fake, bottom, size);
}

/* ---- init ---- */

void sim_init(void)
{
	if (S.inited)
		return;
	S.inited = true;
	S.current = -1;
#ifdef SIM_ASAN
	{
		pthread_attr_t a;
		void *addr;
		size_t sz;

		pthread_getattr_np(pthread_self(), &a);
		pthread_attr_getstack(&a, &addr, &sz);
		pthread_attr_destroy(&a);
		S.main_stack_bottom = addr;
		S.main_stack_size = sz;
	}
#endif
}

/* The stack of task slot @t, made once and kept for every execution. */
static char *task_stack(int t)
{
	char *p;

	if (tasks[t].stack)
		return tasks[t].stack;
	p = mmap(NULL, STACK_SIZE + GUARD_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmsim: mmap of a task stack");
		exit(2);
	}
	/* the guard page: a stack overflow faults instead of corrupting */
	mprotect(p, GUARD_SIZE, PROT_NONE);
	tasks[t].stack = p + GUARD_SIZE;
	return tasks[t].stack;
}

static void reset_hook_add(void (*fn)(void));

/* Most calls register a hook again (model code calls it on its paths):
 * they stop at a glance at the hook's slot; the list is kept in order. */
void sim_on_reset(void (*fn)(void))
{
	if (S.reset_seen[((uintptr_t)fn >> 4) & (RESET_SEEN - 1)] != fn)
		reset_hook_add(fn);	/* at the end of the file */
}

void sim_set_lockdep_hook(sim_lockdep_fn fn)
{
	S.lockdep = fn;
}

/* ---- executions ---- */

void sim_exec_begin(const struct sim_config *cfg)
{
	sim_init();
	for (int t = 0; t < S.nr_tasks; t++) {
		struct sim_task *tk = &tasks[t];

		tk->state = SIM_TASK_UNUSED;
		tk->nr_held = 0;
		tk->irq_depth = 0;
		tk->ipi_pending = NULL;
		tk->rcu_nesting = 0;
		tk->data = NULL;
	}
	S.nr_tasks = 0;
	S.current = -1;
	S.runnable = 0;
	S.step = S.choices = 0;
	S.last_access = (struct sim_access){ .kind = SIM_EV__NR,
					     .kind2 = SIM_EV__NR };
	S.ring_off = cfg && cfg->no_trace_ring;
	S.max_steps = cfg && cfg->max_steps ? cfg->max_steps :
					      DEFAULT_MAX_STEPS;
	S.hash = FNV_OFFSET;
	S.strat = cfg && cfg->strategy ? cfg->strategy : sim_strategy_rr();
	S.outcome = SIM_OK;
	S.fail_task = -1;
	S.fail_site = NULL;
	S.msg[0] = 0;
	S.sched_len = S.runs.nr = S.runs.enc = 0;
	S.rle_task = -1;	/* no run open: rle_count unused */
	S.replay = cfg ? cfg->replay : NULL;
	S.replay_left = 0;
	S.gp_waiters = NULL;
	S.cb_pending = NULL;
	S.cb_ready = NULL;
	S.rcu_gp_count = S.rcu_cbs_run = 0;
	S.in_rcu_cbs = 0;	/* an ended execution may have left some */
	S.readers = 0;
	S.strat->begin(S.strat, cfg ? cfg->seed : 0);
	sim_sb_reset();
	sim_arena_reset();
	for (int i = 0; i < S.nr_reset_hooks; i++)
		S.reset_hooks[i]();
}

bool sim_running(void)
{
	return S.running;
}

static void task_entry(void)
{
	int t = S.current;

#ifdef SIM_ASAN
	__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	sim_yield_at(SIM_EV_START, 0, SIM_SITE("task_start"));
	tasks[t].fn(tasks[t].arg);
	sim_task_exit();
}

int sim_task_create(const char *name, sim_task_fn fn, void *arg)
{
	struct sim_task *tk;
	int t = S.nr_tasks;

	if (t >= SIM_MAX_TASKS) {
		sim_limit("too many tasks: the limit is %d (SIM_MAX_TASKS)",
			  SIM_MAX_TASKS);
		return -1;
	}
	if (sim_sb_live && t >= SIM_SB_ID_BASE) {
		/* the ids above are the drains' (sim/storebuf.h) */
		sim_limit("too many tasks for memory=%s: the limit is %d",
			  sim_memory_name(sim_memory_model()),
			  SIM_SB_ID_BASE);
		return -1;
	}
	tk = &tasks[t];
	tk->state = SIM_TASK_RUNNABLE;
	tk->name = name;
	tk->fn = fn;
	tk->arg = arg;
	tk->data = NULL;
	tk->nr_held = 0;
	tk->irq_depth = 0;
	tk->ipi_pending = NULL;
	tk->rcu_nesting = 0;
#ifdef SIM_ASAN
	/* an abandoned execution leaves redzones poisoned on the stack */
	ASAN_UNPOISON_MEMORY_REGION(task_stack(t), STACK_SIZE);
	tk->fake_stack = NULL;
#endif
	sim_ctx_make(&tk->ctx, task_stack(t), STACK_SIZE, task_entry);
	next_access[t] = (struct sim_access){ .kind = SIM_EV_START,
					      .kind2 = SIM_EV__NR,
					      .site = SIM_SITE("task_start"),
					      .stamp = S.step };
	S.nr_tasks++;
	S.runnable |= 1ULL << t;
	return t;
}

int sim_task_id(void)
{
	return S.current;
}

const char *sim_task_name(int id)
{
	return id >= 0 && id < S.nr_tasks ? tasks[id].name : "main";
}

void *sim_task_data(int id)
{
	return id >= 0 && id < S.nr_tasks ? tasks[id].data : NULL;
}

void sim_task_set_data(int id, void *data)
{
	if (id >= 0 && id < S.nr_tasks)
		tasks[id].data = data;
}

int sim_nr_tasks(void)
{
	return S.nr_tasks;
}

enum sim_task_state sim_task_state(int id)
{
	return id >= 0 && id < S.nr_tasks ? tasks[id].state : SIM_TASK_UNUSED;
}

/* Take the result of an execution that has ended (or never started). */
static void fill_result(struct sim_result *res)
{
	if (!res)
		return;
	res->outcome = S.outcome;
	res->steps = S.step;
	res->choices = S.choices;
	res->trace_hash = S.hash;
	res->fail_task = S.fail_task;
	res->fail_site = S.fail_site;
	memcpy(res->msg, S.msg, sizeof(res->msg));
}

void sim_exec_result(struct sim_result *res)
{
	fill_result(res);
}

enum sim_outcome sim_exec_run(struct sim_result *res)
{
	sim_init();
	if (S.runnable && S.outcome == SIM_OK) {
		S.running = true;
		schedule();	/* from main: returns when the execution ends */
		S.running = false;
	}
	S.current = -1;
	if (S.outcome == SIM_OK) {
		/* every reader is gone: the last grace periods end now */
		rcu_quiescent(-1);
		run_ready_rcu_callbacks();
	}
	fill_result(res);
	if (S.strat->end) {
		struct sim_result r;

		fill_result(&r);
		S.strat->end(S.strat, &r);
	}
	return S.outcome;
}

/* ---- the schedule string ---- */

static inline char task_letter(int t)
{
	return t < 26 ? 'a' + t : 'A' + (t - 26);
}

static inline int letter_task(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 26;
	return -1;
}

static void sched_reserve(size_t n);	/* at the end of the file */

/* Append a run of @count choices of task @t: its letter, then the count
 * if above one (decimal by hand: snprintf was a tenth of a small
 * execution). */
static void sched_put_run(int t, uint64_t count)
{
	char num[24];
	int n = 0;

	sched_reserve(1 + sizeof(num));
	S.sched[S.sched_len++] = task_letter(t);
	if (count > 1) {
		for (; count; count /= 10)
			num[n++] = '0' + count % 10;
		while (n)
			S.sched[S.sched_len++] = num[--n];
	}
}

static void sched_grow_runs(void);	/* at the end of the file */

/*
 * A choice of task @t. The schedule names each run of choices of one task
 * by its letter and length if above one ("b3ab2": b, b, b, a, b, b). Only
 * the run is counted here; a run is closed (one word stored) when another
 * task is chosen, and encoded only when sim_schedule() asks (at the end of
 * the file): most executions' schedules are never read.
 */
static inline void record_choice(int t)
{
	if (t == S.rle_task) {
		S.rle_count++;
		return;
	}
	if (S.rle_task >= 0) {
		if (__builtin_expect(S.runs.nr == S.runs.cap, 0))
			sched_grow_runs();
		S.runs.w[S.runs.nr++] = S.rle_count << 8 | (unsigned)S.rle_task;
	}
	S.rle_task = t;
	S.rle_count = 1;
}

/* Next task from the replayed string; -1 when it has run out. */
static int replay_next(void)
{
	if (!S.replay_left) {
		const char *p = S.replay;
		int t;

		while (*p == ' ' || *p == '\n')
			p++;
		if (!*p)
			return -1;
		t = letter_task(*p++);
		if (t < 0) {
			S.replay = p;
			return -2;
		}
		S.replay_task = t;
		S.replay_left = 1;
		if (*p >= '0' && *p <= '9')
			S.replay_left = strtoull(p, (char **)&p, 10);
		S.replay = p;
		if (!S.replay_left)
			return -2;
	}
	S.replay_left--;
	return S.replay_task;
}

/* ---- the trace ---- */

/* Sees every event as it is recorded (DPOR); NULL: none. */
static void (*trace_hook)(const struct sim_event *e);
/* The second object (kind2, addr2) of the yield being recorded; none
 * (SIM_EV__NR, 0) for every other event. Read by trace hooks. */
static struct { uint8_t kind2; uintptr_t addr2; } rec2 = { SIM_EV__NR, 0 };

static inline void trace_record(int kind, uintptr_t addr,
				const struct sim_site *site)
{
	uint64_t step = S.step;
	struct sim_event *e = &S.ring[step & (TRACE_RING - 1)];
	uint64_t x = ((uint64_t)(S.current + 1) << 40) ^
		     ((uint64_t)kind << 32) ^ (uint64_t)site->line;

	S.hash = (S.hash ^ x) * FNV_PRIME;
	S.step = step + 1;
	if (__builtin_expect(!S.ring_off, 1) || trace_hook) {
		e->step = (uint32_t)step;	/* (a hook reads it) */
		e->task = (uint8_t)S.current;
		e->kind = (uint8_t)kind;
		e->cpu = (uint16_t)S.current;
		e->addr = addr;
		e->site = site;
	}
	if (__builtin_expect(trace_hook != NULL, 0))
		trace_hook(e);
}

/* A yield with a trace hook set: at the end of the file. */
static void yield_hooked(int kind, uintptr_t addr, int kind2,
			 uintptr_t addr2, const struct sim_site *site);
void sim_set_trace_hook(void (*fn)(const struct sim_event *e))
{
	trace_hook = fn;
}

uintptr_t sim_trace_second(int *kind2)
{
	*kind2 = rec2.kind2;
	return rec2.addr2;
}

void sim_trace_event(int kind, uintptr_t addr, const struct sim_site *site)
{
	if (S.current < 0)
		return;
	trace_record(kind, addr, site);
}

void sim_trace_event_as(int task, int kind, uintptr_t addr,
			const struct sim_site *site)
{
	int cur = S.current;

	S.current = task;
	trace_record(kind, addr, site);
	S.current = cur;
}

void sim_trace_mark(uintptr_t addr, const struct sim_site *site)
{
	if (S.current >= 0)
		trace_record(SIM_EV_MARK, addr, site);
}

void sim_note_at(int kind, uintptr_t addr, const struct sim_site *site)
{
	if (S.current >= 0)
		trace_record(kind, addr, site);
}

bool sim_others_stand_at(const void *addr, unsigned long len)
{
	uintptr_t lo = (uintptr_t)addr;

	/* one unsigned compare per address: a - lo < len iff lo <= a < hi */
	for (int t = 0; t < S.nr_tasks; t++) {
		const struct sim_access *a = &next_access[t];

		if ((a->addr - lo < len || a->addr2 - lo < len) &&
		    t != S.current && tasks[t].state != SIM_TASK_DONE)
			return true;
	}
	return false;
}

const struct sim_access *sim_task_next(int t)
{
	return &next_access[t];
}

/* What an access does to one object: 0 nothing, 1 reads, 2 writes,
 * 3 a lock operation. */
const uint8_t sim_obj_mode[SIM_EV__NR + 1] = {
	[SIM_EV_READ] = 1,   [SIM_EV_USER] = 1,	 [SIM_EV_WRITE] = 2,
	[SIM_EV_RMW] = 2,    [SIM_EV_LOCK] = 3,	 [SIM_EV_UNLOCK] = 3,
	[SIM_EV_BLOCK] = 3,  [SIM_EV_WAKE] = 3,
};

uint64_t sim_trace_count(void)
{
	return S.step;
}

size_t sim_trace_tail(struct sim_event *out, size_t n)
{
	uint64_t have = S.step < TRACE_RING ? S.step : TRACE_RING;
	uint64_t first;

	if (n > have || S.ring_off)	/* none kept */
		n = S.ring_off ? 0 : have;
	first = S.step - n;
	for (size_t i = 0; i < n; i++)
		out[i] = S.ring[(first + i) & (TRACE_RING - 1)];
	return n;
}

/* ---- scheduling ---- */

static inline struct sim_sched_view sched_view(int cur, uint64_t run)
{
	return (struct sim_sched_view){
		.current = cur,
		.runnable = run,
		.step = S.step,
		.nr_tasks = S.nr_tasks,
		.kind = cur >= 0 ? next_access[cur].kind : SIM_EV__NR,
		.next = next_access,
		.last = &S.last_access,
	};
}

/* The strategy picked a task that cannot run: its bug. */
static __attribute__((noinline, cold)) _Noreturn void bad_pick(int next)
{
	fprintf(stderr, "mmsim: strategy %s picked task %d that cannot run\n",
		S.strat->name, next);
	abort();
}

/* The view of schedule()'s common choice: .next and .last never move. */
static struct sim_sched_view view = { .next = next_access,
				      .last = &S.last_access };

/* Replaying, stores to drain (memory=tso|arm64), or no choice: the
 * general case, at the end of the file. */
static void schedule_any(void);

/*
 * schedule - pick who runs next and switch to it. Called by the running
 * task (or by main to start the execution). Returns when the caller is
 * picked again; never returns to a task when the execution has ended.
 * The common case, a strategy's choice among tasks, is done here as in
 * schedule_any(), with a view kept from one choice to the next.
 */
static void schedule(void)
{
	int cur = S.current, next;
	uint64_t run = S.runnable;

	if (!(run & (run - 1)) || sim_sb_mask || S.replay) {
		schedule_any();
		return;
	}
	view.current = cur;
	view.runnable = run;
	view.step = S.step;
	view.nr_tasks = S.nr_tasks;
	view.kind = cur >= 0 ? next_access[cur].kind : SIM_EV__NR;
	next = S.strat->pick(S.strat, &view);
	if (next < 0 || !(run >> next & 1))
		bad_pick(next);
	S.choices++;
	record_choice(next);
	if (next != cur)
		switch_tasks(cur, next);
}

/* The step bound was reached at @site: end the execution. */
static __attribute__((noinline, cold)) _Noreturn void
livelock(const struct sim_site *site)
{
	S.outcome = SIM_LIVELOCK;
	S.fail_task = S.current;
	S.fail_site = site;
	snprintf(S.msg, sizeof(S.msg),
		 "livelock: the step bound (%llu yield points) was reached",
		 (unsigned long long)S.max_steps);
	end_execution();
}

/*
 * The rest of a yield that may choose (or has a hook, or RCU callbacks to
 * run): out of line and called last, so that the common yield, which
 * calls nothing, needs no frame.
 */
static __attribute__((noinline)) void yield_checks(void)
{
	uint64_t run;

	if (__builtin_expect(S.step > S.max_steps, 0))
		livelock(next_access[S.current].site);	/* == site */
	if (__builtin_expect(S.cb_ready != NULL, 0))
		run_ready_rcu_callbacks();
	run = S.runnable | sim_sb_mask;
	if (run & (run - 1))
		schedule();
}

/*
 * yield_next - both yields' body once their event is recorded: the task's
 * next access, then the scheduler's turn when another task, a store's
 * drain or an RCU callback may run. Inlined (a yield is the hottest call).
 *
 * S.last_access (the view's .last) is read only by schedule(), and it is
 * written before every call: by the yield that calls it (the task's
 * previous next access), by sim_wait() and by sim_task_exit(). So a yield
 * that leaves one task runnable need not write it, unless RCU callbacks
 * are ready or running: they may yield, park or wake a task, and the
 * yield may then call schedule() after them. Those yields copy it as
 * every yield did, and every view a strategy sees is the same; the others
 * save a copy of five words (most yields of a THP split's long walks).
 */
static inline __attribute__((always_inline)) void
yield_next(int kind, uintptr_t addr, int kind2, uintptr_t addr2,
	   const struct sim_site *site)
{
	uint64_t run = S.runnable | sim_sb_mask;

	if (!(run & (run - 1)) && !((uintptr_t)S.cb_ready | S.in_rcu_cbs)) {
		/* no choice: .last is not read before it is written again */
		sim_access_set(&next_access[S.current], kind, kind2, addr,
			       addr2, site, S.step);
		if (__builtin_expect(S.step > S.max_steps, 0))
			livelock(site);
		return;
	}
	/* word by word, so that the next yield's loads are forwarded from
	 * these stores (sim/internal.h) */
	sim_access_copy(&S.last_access, &next_access[S.current]);
	sim_access_set(&next_access[S.current], kind, kind2, addr, addr2, site,
		       S.step);
	yield_checks();
}

/*
 * The yield, defined at the end of the file: sim_yield_at() and
 * sim_yield_at2() below inline it.
 */
static inline __attribute__((always_inline)) void
yield_at(int kind, uintptr_t addr, int kind2, uintptr_t addr2,
	 const struct sim_site *site);

void sim_yield_at(int kind, uintptr_t addr, const struct sim_site *site)
{
	yield_at(kind, addr, SIM_EV__NR, 0, site);
}

void sim_yield_at2(int kind, uintptr_t addr, int kind2, uintptr_t addr2,
		   const struct sim_site *site)
{
	yield_at(kind, addr, kind2, addr2, site);
}

/* End the execution from a task: back to main, never to return. */
static _Noreturn void end_execution(void)
{
	switch_tasks(S.current, -1);
	fprintf(stderr, "mmsim: an ended execution resumed a task\n");
	abort();
}

/* The deadlock report: each parked task, what it waits for, what it holds. */
static void report_deadlock(void)
{
	size_t n = 0;

	S.outcome = SIM_DEADLOCK;
	S.fail_task = S.current;
	n += snprintf(S.msg + n, sizeof(S.msg) - n,
		      "deadlock: every live task is parked");
	for (int t = 0; t < S.nr_tasks && n < sizeof(S.msg); t++) {
		struct sim_task *tk = &tasks[t];

		if (tk->state != SIM_TASK_BLOCKED)
			continue;
		n += snprintf(S.msg + n, sizeof(S.msg) - n,
			      "\n  task %s waits for %s at %s:%d (%s)",
			      tk->name, tk->wait_what, tk->wait_site->file,
			      tk->wait_site->line, tk->wait_site->label);
		for (int i = 0; i < tk->nr_held && n < sizeof(S.msg); i++)
			n += snprintf(S.msg + n, sizeof(S.msg) - n,
				      "%s%s", i ? ", " : "; holds ",
				      tk->held[i].class);
	}
	if (n >= sizeof(S.msg))
		memcpy(S.msg + sizeof(S.msg) - 5, "...", 4);
}

/* CPU @t runs the IPIs queued for it; the last ack wakes each sender. */
static void take_pending_ipis(int t)
{
	struct sim_task *tk = &tasks[t];

	/* taking an interrupt: the CPU's earlier stores precede the ack */
	if (__builtin_expect(sim_sb_live, 0) && tk->ipi_pending)
		sim_sb_flush(t);
	while (tk->ipi_pending) {
		struct sim_ipi *ipi = tk->ipi_pending;

		tk->ipi_pending = ipi->next;
		ipi->func(t, ipi->info);
		if (--*ipi->remaining == 0)
			sim_wake_all(ipi->done);
	}
}

_Noreturn void sim_task_exit(void)
{
	int t = S.current;
	struct sim_task *tk = &tasks[t];

	sim_trace_event(SIM_EV_EXIT, 0, SIM_SITE("task_exit"));
	if (tk->nr_held && S.outcome == SIM_OK)
		sim_violation("task %s exited holding %s (taken at %s:%d)",
			      tk->name, tk->held[tk->nr_held - 1].class,
			      tk->held[tk->nr_held - 1].site->file,
			      tk->held[tk->nr_held - 1].site->line);
	if (tk->irq_depth && S.outcome == SIM_OK)
		sim_violation("task %s exited with interrupts disabled",
			      tk->name);
	if (tk->rcu_nesting && S.outcome == SIM_OK)
		sim_violation("task %s exited inside an RCU read-side section",
			      tk->name);
	tk->state = SIM_TASK_DONE;
	S.runnable &= ~(1ULL << t);
	/* its last access is behind it: the strategy sees it as .last */
	S.last_access = next_access[t];
	next_access[t] = (struct sim_access){ .kind = SIM_EV_EXIT,
					      .kind2 = SIM_EV__NR,
					      .site = SIM_SITE("task_exit"),
					      .stamp = S.step };
	take_pending_ipis(t);	/* a CPU going idle takes its IPIs */
	schedule();
	fprintf(stderr, "mmsim: a finished task was resumed\n");
	abort();
}

/* ---- parking ---- */

void sim_wait(struct sim_waitq *wq, const char *what, const void *obj,
	      const struct sim_site *site)
{
	int t = S.current;
	struct sim_task *tk;

	if (t < 0) {
		sim_violation_at(site,
				 "%s outside any task: nothing could wake it",
				 what);
		return;
	}
	sim_sb_mb();	/* set_current_state() implies smp_mb() */
	tk = &tasks[t];
	tk->state = SIM_TASK_BLOCKED;
	tk->wait_what = what;
	tk->wait_obj = obj;
	tk->wait_site = site;
	wq->waiters |= 1ULL << t;
	S.runnable &= ~(1ULL << t);
	trace_record(SIM_EV_BLOCK, (uintptr_t)obj, site);
	S.last_access = next_access[t];
	/* woken, it re-checks what it waited for */
	next_access[t] = (struct sim_access){ .kind = SIM_EV_WAKE,
					      .kind2 = SIM_EV__NR,
					      .addr = (uintptr_t)obj,
					      .site = site, .stamp = S.step };
	schedule();
	sim_trace_event(SIM_EV_WAKE, (uintptr_t)obj, site);
}

/*
 * wake_tasks - every task of mask @w that is parked becomes runnable; one
 * that is not (queued by sim_waitq_add_current and still running, or
 * already woken by another list it was on) is left as it is. Used by
 * sim_wake_all() and sim_sched_drained(); defined at the end of the file
 * with the other helpers of the wait lists.
 */
static void wake_tasks(uint64_t w);

void sim_wake_all(struct sim_waitq *wq)
{
	uint64_t w = wq->waiters;

	if (w)
		sim_sb_mb();	/* a wakeup implies smp_mb() */
	wq->waiters = 0;
	wake_tasks(w);
}

/* ---- held locks and lockdep ---- */

int sim_held_locks(int task, const struct sim_held_lock **out)
{
	if (task < 0 || task >= S.nr_tasks) {
		*out = NULL;
		return 0;
	}
	*out = tasks[task].held;
	return tasks[task].nr_held;
}

void sim_held_push(const void *lock, const char *class, int mode,
		   const struct sim_site *site)
{
	struct sim_task *tk;

	if (S.current < 0)
		return;
	tk = &tasks[S.current];
	if (tk->nr_held == SIM_MAX_HELD) {
		sim_limit_at(site, "task %s holds more than %d locks",
			     tk->name, SIM_MAX_HELD);
		return;
	}
	tk->held[tk->nr_held++] = (struct sim_held_lock){ lock, class, mode,
							 site };
}

bool sim_held_pop(const void *lock)
{
	struct sim_task *tk;

	if (S.current < 0)
		return true;
	tk = &tasks[S.current];
	for (int i = tk->nr_held - 1; i >= 0; i--) {
		if (tk->held[i].lock != lock)
			continue;
		for (int j = i; j + 1 < tk->nr_held; j++)	/* no call: */
			tk->held[j] = tk->held[j + 1];	/* mostly the last */
		tk->nr_held--;
		return true;
	}
	return false;
}

void sim_lockdep_check(const void *lock, const char *class, int mode,
		       const struct sim_site *site)
{
	struct sim_task *tk;

	if (S.current < 0)
		return;
	tk = &tasks[S.current];
	for (int i = 0; i < tk->nr_held; i++)
		if (tk->held[i].lock == lock &&
		    (mode == SIM_LOCK_EXCL || tk->held[i].mode == SIM_LOCK_EXCL))
			sim_violation_at(site,
					 "recursive locking: %s already held "
					 "(taken at %s:%d)",
					 class, tk->held[i].site->file,
					 tk->held[i].site->line);
	if (S.lockdep)
		S.lockdep(S.current, tk->held, tk->nr_held, lock, class, mode,
			  site);
}

/* ---- CPUs: interrupts and IPIs ---- */

int smp_processor_id(void)
{
	return S.current < 0 ? 0 : S.current;
}

static inline bool is_reader(const struct sim_task *tk)
{
	return tk->rcu_nesting > 0 || tk->irq_depth > 0;
}

void local_irq_disable(void)
{
	struct sim_task *tk;

	if (S.current < 0)
		return;
	tk = &tasks[S.current];
	if (tk->irq_depth++ == 0) {
		S.readers |= 1ULL << S.current;
		sim_trace_event(SIM_EV_IRQ, 0, SIM_SITE("local_irq_disable"));
	}
}

void local_irq_enable(void)
{
	int t = S.current;
	struct sim_task *tk;

	if (t < 0)
		return;
	tk = &tasks[t];
	if (tk->irq_depth == 0) {
		sim_violation("local_irq_enable with interrupts enabled");
		return;
	}
	if (--tk->irq_depth)
		return;
	sim_trace_event(SIM_EV_IRQ, 0, SIM_SITE("local_irq_enable"));
	take_pending_ipis(t);	/* the IPIs that waited for us arrive */
	if (!is_reader(tk))
		rcu_quiescent(t);
}

bool irqs_disabled(void)
{
	return S.current >= 0 && tasks[S.current].irq_depth > 0;
}

/*
 * smp_call_function_many - see sim.h. Every target with interrupts enabled
 * takes the IPI at once (in the kernel it may arrive a little later, but
 * the target's behaviour in between is the same as before the send, which
 * the scheduler already explores). Targets with interrupts disabled queue
 * it; we park until the last one acknowledges.
 */
void smp_call_function_many(const cpumask_t *mask, smp_call_func_t func,
			    void *info)
{
	struct sim_ipi ipis[SIM_MAX_TASKS];
	struct sim_waitq done = { 0 };
	uint64_t m = __atomic_load_n(&mask->bits, __ATOMIC_SEQ_CST);
	int me = S.current, remaining = 0, n = 0;

	sim_yield(SIM_EV_IRQ, mask, "smp_call_function_many:send");
	sim_sb_mb();	/* sending an IPI orders the stores before it */
	if (me >= 0 && tasks[me].irq_depth)
		sim_violation("smp_call_function_many with interrupts "
			      "disabled (would deadlock on a real machine)");
	if (me >= 0)
		m &= ~(1ULL << me);
	while (m) {
		int c = __builtin_ctzll(m);
		struct sim_task *tk = &tasks[c];

		m &= m - 1;
		if (c >= S.nr_tasks || tk->irq_depth == 0 ||
		    (tk->state != SIM_TASK_RUNNABLE &&
		     tk->state != SIM_TASK_BLOCKED)) {
			if (__builtin_expect(sim_sb_live, 0))
				sim_sb_flush(c);
			func(c, info);
			continue;
		}
		ipis[n] = (struct sim_ipi){ func, info, &remaining, &done,
					    tk->ipi_pending };
		tk->ipi_pending = &ipis[n++];
		remaining++;
	}
	while (remaining)
		sim_wait(&done, "IPI acknowledgement", mask,
			 SIM_SITE("smp_call_function_many:wait_ack"));
}

/* ---- RCU ---- */

/* Task @t (-1: everyone, at the end) left its read-side section. */
static void rcu_quiescent(int t)
{
	uint64_t clear = t < 0 ? ~0ULL : 1ULL << t;
	struct sim_gp_waiter *w;
	struct rcu_head **pp;

	if (t >= 0)
		S.readers &= ~clear;
	/* a grace period ends only after a full barrier on every CPU */
	if (__builtin_expect(sim_sb_live, 0) && (S.gp_waiters || S.cb_pending))
		sim_sb_flush(t);
	for (w = S.gp_waiters; w; w = w->next)
		if ((w->mask &= ~clear) == 0)
			sim_wake_all(&w->wq);
	for (pp = &S.cb_pending; *pp;) {
		struct rcu_head *h = *pp;

		if ((h->wait_mask &= ~clear) == 0) {
			*pp = h->next;
			h->next = S.cb_ready;
			S.cb_ready = h;
			S.rcu_gp_count++;
		} else {
			pp = &h->next;
		}
	}
}

/*
 * Ready callbacks run like softirqs: on a task that holds no lock, is not
 * a reader and has interrupts on (or on main at the end of the execution).
 */
static void run_ready_rcu_callbacks(void)
{
	int in = S.current >= 0;	/* their yields: see yield_at() */

	if (in) {
		struct sim_task *tk = &tasks[S.current];

		if (tk->nr_held || is_reader(tk))
			return;
	}
	S.in_rcu_cbs += in;
	while (S.cb_ready) {
		struct rcu_head *h = S.cb_ready;

		S.cb_ready = h->next;
		h->next = NULL;
		S.rcu_cbs_run++;
		h->func(h);
	}
	S.in_rcu_cbs -= in;
}

/* Enter a read-side section; the outermost one yields unless @quiet. */
static void rcu_read_lock_common(const struct sim_site *site, bool quiet)
{
	struct sim_task *tk;

	if (S.current < 0)
		return;
	tk = &tasks[S.current];
	if (tk->rcu_nesting++ == 0) {
		S.readers |= 1ULL << S.current;
		if (!quiet)
			sim_yield_at(SIM_EV_RCU, 0, site);
	}
}

void sim_rcu_read_lock(const struct sim_site *site)
{
	rcu_read_lock_common(site, false);
}

void sim_rcu_read_lock_quiet(const struct sim_site *site)
{
	rcu_read_lock_common(site, true);
}

/* Leave a read-side section; the outermost one is traced unless @quiet. */
static void rcu_read_unlock_common(const struct sim_site *site, bool quiet)
{
	struct sim_task *tk;

	if (S.current < 0)
		return;
	tk = &tasks[S.current];
	if (tk->rcu_nesting == 0) {
		sim_violation_at(site, "rcu_read_unlock without rcu_read_lock");
		return;
	}
	if (--tk->rcu_nesting == 0) {
		if (!quiet)
			sim_trace_event(SIM_EV_RCU, 0, site);
		if (!is_reader(tk))
			rcu_quiescent(S.current);
	}
}

void sim_rcu_read_unlock_quiet(const struct sim_site *site)
{
	rcu_read_unlock_common(site, true);
}

void sim_rcu_read_unlock(const struct sim_site *site)
{
	rcu_read_unlock_common(site, false);
}

void sim_synchronize_rcu(const struct sim_site *site)
{
	struct sim_gp_waiter w = { 0 };

	sim_yield_at(SIM_EV_RCU, 0, site);
	sim_sb_mb();
	if (S.current >= 0 && is_reader(&tasks[S.current])) {
		sim_violation_at(site, "synchronize_rcu inside an RCU "
				       "read-side section or with irqs off");
		return;
	}
	w.mask = S.readers;
	if (w.mask) {
		w.next = S.gp_waiters;
		S.gp_waiters = &w;
		while (w.mask)
			sim_wait(&w.wq, "RCU grace period", &w, site);
		for (struct sim_gp_waiter **pp = &S.gp_waiters; *pp;
		     pp = &(*pp)->next)
			if (*pp == &w) {
				*pp = w.next;
				break;
			}
	}
	S.rcu_gp_count++;
}

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	head->func = func;
	head->wait_mask = S.readers;
	if (!head->wait_mask) {
		head->next = S.cb_ready;
		S.cb_ready = head;
		S.rcu_gp_count++;
	} else {
		head->next = S.cb_pending;
		S.cb_pending = head;
	}
}

bool rcu_read_lock_held(void)
{
	return S.current >= 0 && is_reader(&tasks[S.current]);
}

uint64_t sim_rcu_gp_count(void)
{
	return S.rcu_gp_count;
}

uint64_t sim_rcu_callbacks_run(void)
{
	return S.rcu_cbs_run;
}

/* ---- violations ---- */

static void fail(enum sim_outcome o, const struct sim_site *site,
		 const char *fmt, va_list ap)
{
	if (S.outcome != SIM_OK)
		goto out;	/* the first failure is the one reported */
	S.outcome = o;
	S.fail_task = S.current;
	S.fail_site = site;
	vsnprintf(S.msg, sizeof(S.msg), fmt, ap);
	if (S.current >= 0)
		trace_record(SIM_EV_MARK, 0, site);
out:
	if (S.current >= 0)
		end_execution();
}

void sim_violation_at(const struct sim_site *site, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail(SIM_VIOLATION, site, fmt, ap);
	va_end(ap);
}

void sim_limit_at(const struct sim_site *site, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail(SIM_LIMIT, site, fmt, ap);
	va_end(ap);
}

/*
 * A yield with a trace hook set (DPOR, rff): the hook sees the yield's
 * second object; then the task's next access and the checks, as in
 * yield_at. Out of line so that the common, hookless yield saves no
 * registers; defined last, below every SIM_SITE line of this file.
 */
static __attribute__((noinline)) void
yield_hooked(int kind, uintptr_t addr, int kind2, uintptr_t addr2,
	     const struct sim_site *site)
{
	rec2.kind2 = (uint8_t)kind2;
	rec2.addr2 = addr2;
	trace_record(kind, addr, site);
	rec2.kind2 = SIM_EV__NR;
	rec2.addr2 = 0;
	yield_next(kind, addr, kind2, addr2, site);
}

/* ---- scheduling, the general case ---- */

/* schedule()'s general case (schedule() does the common one itself). */
static __attribute__((noinline)) void schedule_any(void)
{
	int cur = S.current, next;
	uint64_t run;

again:
	/* a store pending too long becomes visible now: no choice (SIM,
	 * SIM_SB_MAX_AGE; replays and shards apply the same rule) */
	if (__builtin_expect(sim_sb_mask != 0, 0) &&
	    (next = sim_sb_overdue(S.step)) >= 0) {
		sim_sb_drain_id(next);
		goto again;
	}
	/* tasks, and (memory=tso|arm64) the stores that may become visible */
	run = S.runnable | sim_sb_mask;
	if (!run) {
		bool blocked = false;

		for (int t = 0; t < S.nr_tasks; t++)
			blocked |= tasks[t].state == SIM_TASK_BLOCKED;
		if (blocked && S.outcome == SIM_OK)
			report_deadlock();
		end_execution();
	}
	if (!(run & (run - 1))) {
		next = __builtin_ctzll(run);
		if (S.strat->observe && cur >= 0 && !S.replay) {
			struct sim_sched_view v = sched_view(cur, run);

			S.strat->observe(S.strat, &v);
		}
	} else {
		next = -1;
		if (S.replay) {
			next = replay_next();
			if (next == -1) {
				/* ran out: keep the current task if it can */
				next = cur >= 0 && (run >> cur & 1) ?
					       cur :
					       __builtin_ctzll(run);
			} else if (next < 0 || !(run >> next & 1)) {
				S.outcome = SIM_DIVERGED;
				S.fail_task = cur;
				snprintf(S.msg, sizeof(S.msg),
					 "replay diverged at choice %llu: the "
					 "schedule names a task that cannot "
					 "run",
					 (unsigned long long)S.choices);
				if (cur < 0)
					return;	/* main: nothing ran yet */
				end_execution();
			}
		} else {
			struct sim_sched_view v;

			if (__builtin_expect(sim_sb_mask != 0, 0))
				sim_sb_describe(next_access);
			v = sched_view(cur, run);

			next = S.strat->pick(S.strat, &v);
			if (next < 0 || !(run >> next & 1))
				bad_pick(next);
		}
		S.choices++;
		record_choice(next);
	}
	if (__builtin_expect(sim_sb_mask >> next & 1, 0)) {
		/* a drain: a pending store becomes visible, then choose again */
		sim_sb_drain_id(next);
		goto again;
	}
	if (next != cur)
		switch_tasks(cur, next);
}

/* ---- the schedule string: growing the runs, encoding them ---- */

/* Room for @n more characters and the NUL in the encoded schedule. */
static void sched_reserve(size_t n)
{
	if (S.sched_len + n + 1 <= S.sched_cap)
		return;
	while (S.sched_len + n + 1 > S.sched_cap)
		S.sched_cap = S.sched_cap ? S.sched_cap * 2 : 4096;
	S.sched = realloc(S.sched, S.sched_cap);
	if (!S.sched) {
		fprintf(stderr, "mmsim: out of host memory\n");
		exit(2);
	}
}

static __attribute__((noinline, cold)) void sched_grow_runs(void)
{
	S.runs.cap = S.runs.cap ? 2 * S.runs.cap : 1024;
	S.runs.w = realloc(S.runs.w, S.runs.cap * sizeof(*S.runs.w));
	if (!S.runs.w) {
		fprintf(stderr, "mmsim: out of host memory\n");
		exit(2);
	}
}

const char *sim_schedule(void)
{
	size_t len;

	/* the closed runs are encoded once, the open one at every call */
	for (; S.runs.enc < S.runs.nr; S.runs.enc++)
		sched_put_run(S.runs.w[S.runs.enc] & 0xff,
			      S.runs.w[S.runs.enc] >> 8);
	len = S.sched_len;
	if (S.rle_task >= 0)
		sched_put_run(S.rle_task, S.rle_count);
	sched_reserve(0);
	S.sched[S.sched_len] = 0;
	/* leave the encoder as it was: the string may be asked again */
	S.sched_len = len;
	return S.sched;
}

/* sim_on_reset's list: @fn appended unless it is there, and its slot. */
static void reset_hook_add(void (*fn)(void))
{
	int i;

	for (i = 0; i < S.nr_reset_hooks; i++)
		if (S.reset_hooks[i] == fn)
			break;
	if (i == S.nr_reset_hooks) {
		if (S.nr_reset_hooks == MAX_RESET_HOOKS) {
			fprintf(stderr, "mmsim: too many reset hooks "
				"(limit %d)\n", MAX_RESET_HOOKS);
			exit(2);
		}
		S.reset_hooks[S.nr_reset_hooks++] = fn;
	}
	S.reset_seen[((uintptr_t)fn >> 4) & (RESET_SEEN - 1)] = fn;
}

void sim_waitq_add_current(struct sim_waitq *wq)
{
	if (S.current >= 0)
		wq->waiters |= 1ULL << S.current;
}

bool sim_waitq_queued(const struct sim_waitq *wq)
{
	return S.current >= 0 && (wq->waiters >> S.current & 1);
}

/* ---- waiting for another CPU's store to become visible ---- */

static uint64_t drained_total;		/* stores made visible, all CPUs */
static uint64_t drained_by[SIM_SB_MAX_CPUS];	/* ... and by CPU */
static uint64_t drain_waiters;		/* tasks in sim_wait_visible() */

static void drain_waiters_reset(void)
{
	drain_waiters = 0;
}

/* sim_others_visible - see sim.h (outside a task: every drain). */
uint64_t sim_others_visible(void)
{
	int t = S.current;

	if (t < 0 || t >= SIM_SB_MAX_CPUS)
		return drained_total;
	return drained_total - drained_by[t];
}

/*
 * sim_sched_drained - sim/storebuf.c: a store of CPU @cpu became visible.
 * The tasks parked in sim_wait_visible() become runnable (they were
 * parked on their waitq too: its sim_wake_all() finds them runnable).
 * No barrier, unlike sim_wake_all(): a drain is no CPU's act, and it may
 * come in the middle of another drain of the same buffer.
 */
void sim_sched_drained(int cpu)
{
	uint64_t w = drain_waiters;

	drained_total++;
	if (cpu >= 0 && cpu < SIM_SB_MAX_CPUS)
		drained_by[cpu]++;
	drain_waiters = 0;
	wake_tasks(w);
}

/*
 * sim_wait_visible - see sim.h: parked on @wq and, when another CPU has
 * stores pending, on the drains too; back on neither list once running.
 */
void sim_wait_visible(struct sim_waitq *wq, const char *what, const void *obj,
		      const struct sim_site *site)
{
	int t = S.current;

	if (!sim_sb_live || t < 0 || t >= SIM_SB_MAX_CPUS) {
		sim_wait(wq, what, obj, site);
		return;
	}
	sim_on_reset(drain_waiters_reset);
	/* sim_wait's smp_mb() first: the CPU's own drains wake nobody */
	sim_sb_mb();
	if (sim_sb_nonempty)
		drain_waiters |= 1ULL << t;
	sim_wait(wq, what, obj, site);
	/* woken by one of the two: off the other's list too */
	drain_waiters &= ~(1ULL << t);
	wq->waiters &= ~(1ULL << t);
}

static void wake_tasks(uint64_t w)
{
	while (w) {
		int t = __builtin_ctzll(w);

		w &= w - 1;
		if (tasks[t].state == SIM_TASK_BLOCKED) {
			tasks[t].state = SIM_TASK_RUNNABLE;
			tasks[t].wait_what = NULL;
			S.runnable |= 1ULL << t;
		}
	}
}

/*
 * yield_at - a yield: its event recorded, then yield_next(); with a trace
 * hook (DPOR, rff) all of it out of line (yield_hooked), so the common
 * yield saves no registers.
 */
static inline __attribute__((always_inline)) void
yield_at(int kind, uintptr_t addr, int kind2, uintptr_t addr2,
	 const struct sim_site *site)
{
	if (S.current < 0)
		return;
	if (__builtin_expect(trace_hook != NULL, 0)) {
		yield_hooked(kind, addr, kind2, addr2, site);
		return;
	}
	/* the access made since the last yield is behind it */
	trace_record(kind, addr, site);
	yield_next(kind, addr, kind2, addr2, site);
}

#endif /* !SIM_STRESS */
