// SPDX-License-Identifier: GPL-2.0
/*
 * explore/dpor.c - source-DPOR with sleep sets: Abdulla, Aronis, Jonsson &
 * Sagonas, "Optimal Dynamic Partial Order Reduction", POPL 2014 (the
 * source-set algorithm, their Algorithm 1; journal version "Source Sets",
 * JACM 2017). Stateless, by re-execution, like dfs.c: each execution
 * replays a prefix of choices and extends it.
 *
 * Vocabulary (the paper's):
 *  - An *event* is what one task does between two scheduling choices: we
 *    call the piece of execution from choice i to choice i+1 event e_i,
 *    of process proc(e_i), the task picked at choice i. E is the sequence
 *    of events of the current execution; pre(E, e_i) is node i (the state
 *    before e_i), and E' = pre(E, e) below.
 *  - Two events are *dependent* if they touch a common object and one
 *    writes (sim_access_conflict() over what each event did, see
 *    event_close()), or if either is *global* (RCU edges, task creation,
 *    a grace period ending or a callback running in it). User accesses,
 *    the walker, TLB fills and flushes, IPIs and frame copies all write
 *    one pseudo-object (user memory and the TLBs); allocating or freeing
 *    frames writes another. docs/explorer.md says why each.
 *  - *Happens-before* (->_E) is the transitive closure of program order
 *    and the order of dependent events in E, kept as vector clocks.
 *  - A *race* e_i <. e_j: dependent events of different processes, e_i
 *    ->_E e_j, and no event in between with e_i ->_E e_k ->_E e_j.
 *  - *notdep(e, E)*: the events of E after e that do not happen after e.
 *    *Initials* I_[E'](v): processes whose first event in v has no
 *    happens-before predecessor in v.
 *  - *backtrack(E)* (the source set being built), *Sleep(E)*: processes
 *    whose exploration from E is known to be redundant.
 *
 * Algorithm 1 of the paper, and where each line is done here:
 *
 *	1  Explore(<>, {})
 *	2  Explore(E, Sleep):
 *	3    if exists p in enabled(s[E]) \ Sleep:     dpor_pick, new node
 *	4      backtrack(E) := {p}                     node_push
 *	5      while exists p in backtrack(E)\Sleep:   dpor_next
 *	6        foreach e in dom(E), e <. next(p):    analyse (after the
 *	                                                execution, for the
 *	                                                events it added)
 *	7          E' := pre(E, e)
 *	8          v := notdep(e, E).p
 *	9          if I_[E'](v) n backtrack(E') = {}:  reverse_race
 *	10           add some q in I_[E'](v) to backtrack(E')
 *	11       Sleep' := {q in Sleep | E |= p <> q}  node_push (sleep_inherit)
 *	12       Explore(E.p, Sleep')                  the next execution
 *	13       add p to Sleep                        dpor_next (done)
 *
 * Sleep(E) of a node is its inherited set (line 11) plus the processes
 * already explored from it (line 13: `done`). An execution that reaches a
 * node where every enabled process sleeps is *sleep-set blocked*: it is
 * redundant, is cut short (dpor_blocked()) and not counted as an
 * execution. Each complete execution is then a distinct Mazurkiewicz
 * trace (the paper's Theorem on sleep sets: no two complete explored
 * executions are equivalent).
 *
 * Line 9 tests I n (backtrack u Sleep) rather than I n backtrack: adding
 * a sleeping q is the algorithm's own no-op (line 5 skips it), so "some q"
 * may as well be that one.
 *
 * Preemption bound. `dpor:P` explores only schedules with at most P
 * preemptions (as dfs.c counts them). Pruning DPOR by a bound alone is
 * unsound (Coons, Musuvathi & McKinley, "Bounded Partial-Order Reduction",
 * OOPSLA 2013: the bound adds dependences between independent events).
 * As in their BPOR, a reversal is also planted conservatively at the start
 * of e's context block (the choice where proc(e) was switched to), where
 * taking q instead costs no more preemptions than taking proc(e) did. Our
 * reading of BPOR is from its abstract, not its pseudo-code (not
 * verified); docs/explorer.md says what dpor:P does and does not claim,
 * and tests/t_dpor.c checks it against dfs:P on every shipped scenario.
 * Sleep sets are dropped under a bound (sleep_inherit() says why: with
 * them, dpor:4 missed a 4-preemption schedule of seed 000's scenario);
 * dpor_new_finder() keeps them for finding, where no proof is claimed.
 *
 * Invariants:
 *  1. stack[i].chosen is in stack[i].runnable and in stack[i].backtrack,
 *     never in stack[i].done or stack[i].sleep.
 *  2. pool[stack[i].sev[q]] is the event q made from node i (q in done),
 *     or the one it would make (q in sleep); pool entries are allocated
 *     in stack order, so backtracking truncates the pool.
 *  3. vc[i][t] is the number of events of task t that happen before or
 *     are e_i; vc[i][proc(e_i)] == stack[i].seq.
 */
#ifndef SIM_STRESS
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/physmem.h"
#include "explore/explore.h"
#include "explore/site_cache.h"
#include "sim/sync.h"

#define DPOR_MAX_ACC	8	/* named accesses per event; more: global */

struct dpor_acc {
	uint8_t kind;
	uint8_t mode;		/* sim_access_mode(kind) */
	uintptr_t addr;
};

/* What one event did, summarised for the dependence relation. */
struct dpor_event {
	int8_t task;
	bool global;		/* dependent with every event */
	uint8_t nr;
	struct dpor_acc acc[DPOR_MAX_ACC];
};

struct dpor_node {
	uint64_t runnable;
	uint64_t backtrack;	/* backtrack(E) */
	uint64_t done;		/* explored from here; part of Sleep(E) */
	uint64_t sleep;		/* Sleep(E) inherited from the parent */
	int8_t current;		/* -1: no task running */
	int8_t chosen;		/* p: the event taken, E.p */
	bool forced;		/* no choice: the only runnable task ran */
	uint32_t preempts;	/* preemptions before this node */
	uint32_t seq;		/* e_i is the seq-th event of proc(e_i) */
	uint32_t ev;		/* pool index of e_i (when closed) */
	uint32_t sev[SIM_MAX_TASKS];	/* see invariant 2 */
};

/* analyse()'s state before e_i went into its object index (its own
 * array: a node is rewritten when its event changes, this is not). */
struct ana_rec {
	uint32_t undo_at, rd_at;	/* lengths of the undo log, rd[] */
	int32_t prev_last;	/* last[task] */
	int32_t prev_global;	/* last_global */
	int8_t task;		/* proc(e_i) then */
};

/* analyse()'s object index (see there): an open-addressing table. */
struct obj_slot {
	uintptr_t key;		/* addr << 1 | lock */
	uint32_t gen;		/* in use iff == ix.gen */
	uint32_t epoch;		/* last changed in this epoch (see there) */
	int32_t writer;		/* event index, -1: none */
	int32_t reads;		/* head of its reader list in rd[], -1 */
};

struct ix_undo {
	uintptr_t key;
	int32_t writer, reads;
	uint32_t epoch;
};

struct obj_index {
	struct obj_slot *slot;
	uint32_t gen;
	size_t cap, used;	/* cap: power of two */
	struct { int32_t ev, next; } *rd;
	size_t nr_rd, cap_rd;
	struct ix_undo *undo;	/* each slot change, in order */
	size_t nr_undo, cap_undo;
};

/*
 * One part of the piece of execution between two choices: the picked
 * task runs, and when it blocks or ends with one task left runnable
 * that one runs without a choice (a forced event), and so on.
 */
struct dpor_part {
	struct dpor_event ev;
	uintptr_t wake_obj;	/* began by waking up from a wait on this */
	bool has_pending;
	struct sim_event pending;	/* last event, not yet known performed */
};

struct dpor {
	struct sim_strategy strat;
	unsigned bound;		/* UINT_MAX: none */
	bool finder;		/* keeps sleep sets under a bound: no proof */
	struct dpor_node *stack;
	uint32_t (*vc)[SIM_MAX_TASKS];
	size_t depth, cap;
	size_t pos;		/* next node of the running execution */
	size_t fresh;		/* first node whose event is new this time */
	struct dpor_event *pool;
	size_t pool_len, pool_cap;
	bool blocked;		/* this execution was sleep-set blocked */
	bool open;		/* node pos-1's event is still running */
	/* the open piece: where it started, its parts so far */
	struct sim_access seg_next[SIM_MAX_TASKS];
	uint64_t seg_runnable, seg_gp, seg_cbs;
	unsigned long seg_pages;
	int seg_nr_tasks;
	struct dpor_part *parts;
	size_t nr_parts, cap_parts;
	uint64_t executions, blocked_execs;
	/* analyse(): the index of events e_0 .. e_{ana-1}, each task's last
	 * event among them and the last global one; its candidates */
	struct obj_index ix;
	struct ana_rec *rec;	/* per node, ana of them valid */
	size_t ana, cap_rec;
	int32_t last[SIM_MAX_TASKS], last_global;
	int32_t *cand;
	size_t cap_cand;
	int nt;			/* 1 + the highest task that made an event */
	char err[256];
};

/* The allocator's free lists: one object for every alloc and free. */
static char physmem_token;
/* The exploration whose piece is open (the trace hook has no argument). */
static struct dpor *hooked;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "mmsim: out of host memory\n");
		exit(2);
	}
	return p;
}

static inline bool is_preemption(const struct dpor_node *n, int t)
{
	return n->current >= 0 && (n->runnable >> n->current & 1) &&
	       t != n->current;
}

static inline bool in_bound(const struct dpor *d, const struct dpor_node *n,
			    int t)
{
	return n->preempts + is_preemption(n, t) <= d->bound;
}

/* ---- events and the dependence relation ---- */

/*
 * User memory and the TLBs: one object for everything that reads or
 * writes the contents of frames or a CPU's cached translations. A user
 * access names only its virtual address and then goes through the TLB
 * to a frame; the hardware walker's last step fills the TLB and makes
 * that access; a TLB flush or an IPI (the only IPI is the shootdown)
 * changes what a later access reaches; the kernel's copies of frame
 * contents name only the source or destination; allocating a frame
 * zeroes it and freeing one poisons it (see physmem_token). Each of
 * these writes this object, so they are all dependent with each other,
 * and with nothing else unless they also name a common object.
 */
static char user_token;

/* The kernel's copies of frame contents (their yields name one side). */
static const char *const frame_copy_labels[] = {
	"copy_user_highpage", "folio_copy", "migrate_misplaced_transhuge:copy",
	"copy_strings:write",
};

static uint64_t site_touches_user_memory(const struct sim_site *s)
{
	if (s->file && strstr(s->file, "arch/mmu.c"))
		return true;	/* the walker */
	for (size_t i = 0; i < sizeof(frame_copy_labels) /
				   sizeof(frame_copy_labels[0]); i++)
		if (s->label && !strcmp(s->label, frame_copy_labels[i]))
			return true;
	return false;
}

/* The sites seen, with their answer (explore/site_cache.h). */
static struct site_cache user_sites;

static bool touches_user_memory(int kind, const struct sim_site *s)
{
	if (kind == SIM_EV_USER || kind == SIM_EV_TLB || kind == SIM_EV_IRQ)
		return true;
	if (!s)
		return false;
	return site_cache_get(&user_sites, s, site_touches_user_memory);
}

static void event_add_one(struct dpor_event *e, int kind, uintptr_t addr)
{
	for (int i = 0; i < e->nr; i++)
		if (e->acc[i].kind == kind && e->acc[i].addr == addr)
			return;
	if (e->nr == DPOR_MAX_ACC) {
		e->global = true;
		return;
	}
	e->acc[e->nr++] = (struct dpor_acc){ (uint8_t)kind,
					     (uint8_t)sim_access_mode(kind),
					     addr };
}

/*
 * Add what an event at a yield (or trace event) of @kind on @addr did.
 * RCU edges are global: they end grace periods (waking waiters, making
 * callbacks runnable on whichever task yields next) and a read-side
 * section start changes what every later synchronize_rcu waits for.
 */
static void event_add(struct dpor_event *e, int kind, uintptr_t addr,
		      const struct sim_site *site)
{
	if (kind == SIM_EV_RCU) {
		e->global = true;
		return;
	}
	if (touches_user_memory(kind, site))
		event_add_one(e, SIM_EV_WRITE, (uintptr_t)&user_token);
	/* USER, TLB and IRQ name no object of their own here; START,
	 * EXIT and MARK none at all; addr 0 is no object */
	if (kind == SIM_EV_USER || kind == SIM_EV_TLB || kind == SIM_EV_IRQ ||
	    kind == SIM_EV_START || kind == SIM_EV_EXIT ||
	    kind == SIM_EV_MARK || kind >= SIM_EV__NR || !addr)
		return;
	event_add_one(e, kind, addr);
}

/* sim_access_conflict() of two one-object accesses, from their modes. */
static inline bool acc_conflict(const struct dpor_acc *x,
				const struct dpor_acc *y)
{
	if (x->addr != y->addr || !x->mode || !y->mode)
		return false;
	if (x->mode == 3 || y->mode == 3)
		return x->mode == y->mode;
	return x->mode == 2 || y->mode == 2;
}

/* Are @a and @b dependent? (Events of one process always are.) */
static bool dependent(const struct dpor_event *a, const struct dpor_event *b)
{
	if (a->task == b->task || a->global || b->global)
		return true;
	for (int i = 0; i < a->nr; i++)
		for (int j = 0; j < b->nr; j++)
			if (acc_conflict(&a->acc[i], &b->acc[j]))
				return true;
	return false;
}

/* A copy of @e in the pool: its index. Only the accesses it has are
 * copied (acc[nr..] is never read). */
static uint32_t pool_add(struct dpor *d, const struct dpor_event *e)
{
	struct dpor_event *to;

	if (d->pool_len == d->pool_cap) {
		d->pool_cap = d->pool_cap ? 2 * d->pool_cap : 1024;
		d->pool = xrealloc(d->pool, d->pool_cap * sizeof(*d->pool));
	}
	to = &d->pool[d->pool_len];
	memcpy(to, e, offsetof(struct dpor_event, acc) +
		      e->nr * sizeof(e->acc[0]));
	return d->pool_len++;
}

/* A new part run by @t: it first makes the access it stood at. */
static struct dpor_part *part_new(struct dpor *d, int t,
				  const struct sim_access *stood)
{
	struct dpor_part *pt;

	if (d->nr_parts == d->cap_parts) {
		d->cap_parts = d->cap_parts ? 2 * d->cap_parts : 8;
		d->parts = xrealloc(d->parts, d->cap_parts * sizeof(*d->parts));
	}
	pt = &d->parts[d->nr_parts++];
	/* no memset: acc[nr..] and pending are never read before set */
	pt->ev.task = t;
	pt->ev.global = false;
	pt->ev.nr = 0;
	pt->wake_obj = 0;
	pt->has_pending = false;
	if (stood) {
		event_add(&pt->ev, stood->kind, stood->addr, stood->site);
		if (stood->kind == SIM_EV_WAKE)
			pt->wake_obj = stood->addr;
	}
	return pt;
}

/*
 * The trace hook: every event of the open piece, in order. An event is
 * kept pending until the next one: the last yield of the piece is where
 * its task stopped, an access its next event makes, not this one.
 */
static void dpor_trace(const struct sim_event *ev)
{
	struct dpor *d = hooked;
	struct dpor_part *pt;

	if (!d || !d->open)
		return;
	pt = &d->parts[d->nr_parts - 1];
	if (ev->task != pt->ev.task) {
		/* the part's task blocked or ended: its last was done */
		if (pt->has_pending)
			event_add(&pt->ev, pt->pending.kind, pt->pending.addr,
				  pt->pending.site);
		pt->has_pending = false;
		pt = part_new(d, ev->task, &d->seg_next[ev->task]);
		if (ev->kind == SIM_EV_WAKE)
			pt->wake_obj = ev->addr;
	} else if (pt->has_pending) {
		event_add(&pt->ev, pt->pending.kind, pt->pending.addr,
			  pt->pending.site);
	}
	sim_event_copy(&pt->pending, ev);
	pt->has_pending = true;
}

/* Event e_{pos-1} starts: remember where every task stands. */
static void event_open(struct dpor *d, const struct sim_sched_view *v, int p)
{
	/* a replayed event is the one summarised when it was new */
	if (d->pos - 1 < d->fresh)
		return;
	memcpy(d->seg_next, v->next, v->nr_tasks * sizeof(v->next[0]));
	d->seg_runnable = v->runnable;
	d->seg_nr_tasks = v->nr_tasks;
	d->seg_gp = sim_rcu_gp_count();
	d->seg_cbs = sim_rcu_callbacks_run();
	d->seg_pages = nr_allocated_pages();
	d->nr_parts = 0;
	part_new(d, p, &d->seg_next[p]);
	d->open = true;
	sim_set_trace_hook(dpor_trace);
}

static void sleep_inherit(struct dpor *d, struct dpor_node *n,
			  const struct dpor_node *up);

/*
 * The piece that began at choice pos-1 ended at the choice @v (NULL: the
 * execution ended). Each part becomes an event: the first is the chosen
 * node's, each later one a forced node of its own (one runnable task).
 * What a part did: the access its task stood at, and every trace event
 * it recorded, but the yield the last part stopped at. Conservatively:
 *  - a piece that created a task, ended a grace period or ran an RCU
 *    callback makes every part global;
 *  - a piece that allocated or freed frames makes every part touch the
 *    allocator (dependent with every other that does);
 *  - a part that began by waking up from a wait on an object is
 *    dependent with every earlier part of the piece (one of them woke
 *    it), and so is a task left woken at @v with every part.
 * A forced node whose only task sleeps makes the execution sleep-set
 * blocked.
 */
static void event_close(struct dpor *d, const struct sim_sched_view *v)
{
	struct dpor_part *last = &d->parts[d->nr_parts - 1];
	bool global = sim_nr_tasks() != d->seg_nr_tasks ||
		      sim_rcu_gp_count() != d->seg_gp ||
		      sim_rcu_callbacks_run() != d->seg_cbs;
	bool pages = nr_allocated_pages() != d->seg_pages;
	uint64_t woken = 0;

	d->open = false;
	sim_set_trace_hook(NULL);
	if (last->has_pending) {
		const struct sim_event *l = &last->pending;
		const struct sim_access *a = v ? &v->next[l->task] : NULL;

		if (!(v && v->current == l->task && l->kind == a->kind &&
		      l->addr == a->addr && l->site == a->site))
			event_add(&last->ev, l->kind, l->addr, l->site);
	}
	if (v)
		woken = v->runnable & ~d->seg_runnable &
			~(1ULL << d->parts[0].ev.task);
	for (size_t k = 0; k < d->nr_parts; k++) {
		struct dpor_event *e = &d->parts[k].ev;

		e->global |= global;
		if (pages) {
			event_add_one(e, SIM_EV_RMW, (uintptr_t)&physmem_token);
			event_add_one(e, SIM_EV_WRITE, (uintptr_t)&user_token);
		}
		for (size_t l = k + 1; l < d->nr_parts; l++)
			if (d->parts[l].wake_obj)
				event_add(e, SIM_EV_UNLOCK,
					  d->parts[l].wake_obj, NULL);
		for (uint64_t w = woken; w; w &= w - 1) {
			int u = __builtin_ctzll(w);

			if (v->next[u].addr)
				event_add(e, SIM_EV_UNLOCK, v->next[u].addr,
					  NULL);
			else
				e->global = true;
		}
	}
	/* the chosen node's event, then a forced node per later part */
	for (size_t k = 0; k < d->nr_parts; k++) {
		struct dpor_node *n, *up;
		uint32_t idx;

		if (k) {
			if (d->depth == d->cap) {
				d->cap *= 2;
				d->stack = xrealloc(d->stack,
						    d->cap * sizeof(*d->stack));
				d->vc = xrealloc(d->vc,
						 d->cap * sizeof(*d->vc));
			}
			up = &d->stack[d->depth - 1];
			n = &d->stack[d->depth++];
			n->runnable = 1ULL << d->parts[k].ev.task;
			n->current = -1;
			n->chosen = d->parts[k].ev.task;
			n->backtrack = n->runnable;
			n->done = 0;
			n->forced = true;
			n->preempts = up->preempts +
				      is_preemption(up, up->chosen);
			sleep_inherit(d, n, up);
			if (n->sleep & n->runnable) {
				d->depth--;
				d->blocked = true;
				break;
			}
		}
		n = &d->stack[d->depth - 1];
		idx = pool_add(d, &d->parts[k].ev);
		n->ev = idx;
	}
	d->pos = d->depth;
}

/* ---- the strategy: replay the stack, then extend it ---- */

static void dpor_begin(struct sim_strategy *s, uint64_t seed)
{
	struct dpor *d = s->priv;

	d->pos = 0;
	d->blocked = false;
	d->open = false;
	hooked = d;
	/* set while a fresh piece is open (event_open): a replayed prefix,
	 * most of an execution's events, takes the hookless yield */
	sim_set_trace_hook(NULL);
}

/*
 * Line 11: the child's Sleep' is every process asleep (or done) at the
 * parent whose sleeping event is independent of the parent's event.
 */
static void sleep_inherit(struct dpor *d, struct dpor_node *n,
			  const struct dpor_node *up)
{
	uint64_t cand = (up->sleep | up->done) & ~(1ULL << up->chosen);
	const struct dpor_event *pe = &d->pool[up->ev];

	n->sleep = 0;
	/*
	 * Under a preemption bound, no sleep sets: a sleeping q stands for
	 * E.q..., explored with the budget left after E.q, while E.p.q...
	 * has its own; the bound makes equivalent schedules unequal, and the
	 * sleeping branch may have pruned what this one may take. Measured:
	 * with sleep sets, dpor:4 exhausted scenarios/thp-numa-count-recheck.mms
	 * clean (127,738 executions) though schedule b37d7b4c7b12c18, four
	 * preemptions, fails; without them dpor:4 finds it.
	 */
	if (d->bound != UINT_MAX && !d->finder)
		return;
	while (cand) {
		int q = __builtin_ctzll(cand);

		cand &= cand - 1;
		if (!dependent(&d->pool[up->sev[q]], pe)) {
			n->sleep |= 1ULL << q;
			n->sev[q] = up->sev[q];
		}
	}
}

/* Lines 3-4: a new node; -1 if every enabled process sleeps. */
static int node_push(struct dpor *d, const struct sim_sched_view *v)
{
	struct dpor_node *n, *up;
	uint64_t cand;
	int p = -1;

	if (d->depth == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 256;
		d->stack = xrealloc(d->stack, d->cap * sizeof(*d->stack));
		d->vc = xrealloc(d->vc, d->cap * sizeof(*d->vc));
	}
	up = d->depth ? &d->stack[d->depth - 1] : NULL;	/* may have moved */
	n = &d->stack[d->depth];
	n->runnable = v->runnable;
	n->current = v->current;
	n->forced = false;
	n->done = 0;
	n->preempts = up ? up->preempts + is_preemption(up, up->chosen) : 0;
	n->sleep = 0;
	if (up)
		sleep_inherit(d, n, up);
	cand = n->runnable & ~n->sleep;
	/* the non-preemptive default first, as dfs.c */
	if (n->current >= 0 && (cand >> n->current & 1))
		p = n->current;
	for (uint64_t c = cand; p < 0 && c; c &= c - 1)
		if (in_bound(d, n, __builtin_ctzll(c)))
			p = __builtin_ctzll(c);
	if (p < 0)
		return -1;
	n->chosen = p;
	n->backtrack = 1ULL << p;
	d->depth++;
	return p;
}

/* The execution is redundant from here: end it, uncounted. */
static void cut_blocked(struct dpor *d)
{
	d->blocked = true;
	sim_set_trace_hook(NULL);
	sim_limit("dpor: sleep-set blocked (a redundant execution)");
}

static int dpor_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	struct dpor *d = s->priv;
	struct dpor_node *n;
	int p;

	if (d->open)
		event_close(d, v);
	if (d->blocked)
		cut_blocked(d);
	/* forced nodes are not choices: the scheduler made none there */
	while (d->pos < d->depth && d->stack[d->pos].forced)
		d->pos++;
	if (d->pos < d->depth) {
		n = &d->stack[d->pos];
		if (n->runnable != v->runnable || n->current != v->current) {
			if (!d->err[0])
				snprintf(d->err, sizeof(d->err),
					 "the program is not deterministic: "
					 "choice %zu saw runnable %#llx "
					 "(current %d), before %#llx "
					 "(current %d)", d->pos,
					 (unsigned long long)v->runnable,
					 v->current,
					 (unsigned long long)n->runnable,
					 n->current);
			return __builtin_ctzll(v->runnable);
		}
		p = n->chosen;
	} else {
		p = node_push(d, v);
		if (p < 0)
			cut_blocked(d);
	}
	d->pos++;
	event_open(d, v, p);
	return p;
}

static void dpor_end(struct sim_strategy *s, const struct sim_result *r)
{
	struct dpor *d = s->priv;

	if (d->open)
		event_close(d, NULL);
	while (d->pos < d->depth && d->stack[d->pos].forced)
		d->pos++;
	sim_set_trace_hook(NULL);
	hooked = NULL;
}

struct dpor *dpor_new(unsigned bound)
{
	struct dpor *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->bound = bound;
	d->strat = (struct sim_strategy){ "dpor", dpor_begin, dpor_pick,
					  dpor_end, d };
	return d;
}

struct dpor *dpor_new_finder(unsigned bound)
{
	struct dpor *d = dpor_new(bound);

	if (d)
		d->finder = true;
	return d;
}

void dpor_free(struct dpor *d)
{
	if (!d)
		return;
	if (hooked == d) {
		sim_set_trace_hook(NULL);
		hooked = NULL;
	}
	free(d->stack);
	free(d->vc);
	free(d->pool);
	free(d->parts);
	free(d->ix.slot);
	free(d->ix.rd);
	free(d->ix.undo);
	free(d->cand);
	free(d->rec);
	free(d);
}

struct sim_strategy *dpor_strategy(struct dpor *d)
{
	return &d->strat;
}

bool dpor_blocked(const struct dpor *d)
{
	return d->blocked;
}

const char *dpor_error(const struct dpor *d)
{
	return d->err[0] ? d->err : NULL;
}

/* ---- after an execution: races, reversals, the next branch ---- */

/* Does e_i happen before e_k (or is it)? */
static inline bool hb(const struct dpor *d, size_t i, size_t k)
{
	return d->vc[k][d->stack[i].chosen] >= d->stack[i].seq;
}

/* Add @q to backtrack(E') at node @i if it may run there. */
static bool plant(struct dpor *d, size_t i, int q)
{
	struct dpor_node *n = &d->stack[i];

	if (!(n->runnable >> q & 1) || !in_bound(d, n, q))
		return false;
	n->backtrack |= 1ULL << q;
	return true;
}

/*
 * Lines 7-10 for the race e_i <. e_j: v = notdep(e_i, E).proc(e_j) over
 * E up to e_j; if no initial of v is in backtrack(E') or Sleep(E'), add
 * one (proc(e_j) if it is one, as the paper's implementation prefers).
 */
static void reverse_race(struct dpor *d, size_t i, size_t j)
{
	struct dpor_node *n = &d->stack[i];
	uint32_t first[SIM_MAX_TASKS];
	uint64_t seen = 0, init = 0, have;
	int p = d->stack[j].chosen;

	for (size_t k = i + 1; k <= j; k++) {
		int t = d->stack[k].chosen;
		bool initial = true;

		if (k < j && hb(d, i, k))
			continue;	/* not in notdep(e_i, E) */
		if (seen >> t & 1)
			continue;	/* only t's first event in v counts */
		for (uint64_t s = seen; s; s &= s - 1) {
			int u = __builtin_ctzll(s);

			if (d->vc[k][u] >= first[u]) {
				initial = false;
				break;
			}
		}
		seen |= 1ULL << t;
		first[t] = d->stack[k].seq;
		if (initial)
			init |= 1ULL << t;
	}
	have = n->backtrack | n->done | n->sleep;
	if (init & have)
		return;		/* line 9: a source for it is there */
	/* line 10: some q in I; proc(e_j) first, then the others */
	if (!((init >> p & 1) && plant(d, i, p))) {
		bool planted = false;

		for (uint64_t c = init & ~(1ULL << p); c && !planted;
		     c &= c - 1)
			planted = plant(d, i, __builtin_ctzll(c));
	}
	if (d->bound != UINT_MAX) {
		/*
		 * BPOR's conservative branch: at the start of e_i's context
		 * block, taking an initial instead of proc(e_i) costs no
		 * more preemptions than proc(e_i) did.
		 */
		size_t b = i;
		int t = n->chosen;

		while (b > 0 && d->stack[b - 1].chosen == t)
			b--;
		if (b != i && !((d->stack[b].backtrack | d->stack[b].done |
				 d->stack[b].sleep) & init)) {
			if (!((init >> p & 1) && plant(d, b, p)))
				for (uint64_t c = init; c; c &= c - 1)
					if (plant(d, b, __builtin_ctzll(c)))
						break;
		}
	}
}

/*
 * The object index: for each object (address, and whether it is used as
 * a lock or as data: the two never conflict), the last event that made a
 * self-conflicting access to it (a write, an RMW, any lock operation) and
 * the events that read it since. Every earlier access to the object is
 * dependent with that last writer, so it happens before it: the writer
 * and the readers since are the only events a new access can be in a
 * race with (the classic DPOR bookkeeping, Flanagan & Godefroid 2005).
 * A global event happens after everything before it: it empties the
 * index and becomes the one candidate every later event has.
 *
 * The index is kept from one execution to the next: the replayed prefix
 * e_0 .. e_{fresh-1} is the same events, so only the events after it are
 * taken out (an undo log, one entry per slot change, replayed backwards)
 * and the new ones put in. A global event empties the index by starting
 * an epoch (the event's index + 1): a slot last changed in an older
 * epoch reads as empty. A slot is never removed: undoing its creation
 * leaves it empty (no writer, no reads), which is what an absent slot
 * means.
 */

bool dpor_rebuild_index;

/* Past this many objects the index is emptied (bumping gen, no memset)
 * and rebuilt from e_0 at the next analyse(). */
#define IX_MAX_SLOTS	(1u << 20)	/* past this, rebuild from e_0 */

/* Empty the index and forget every node's part in it: the next analyse()
 * rebuilds it from e_0. */
static void ix_reset(struct dpor *d)
{
	struct obj_index *ix = &d->ix;

	if (!ix->cap) {
		ix->cap = 1024;
		ix->slot = xrealloc(NULL, ix->cap * sizeof(*ix->slot));
		memset(ix->slot, 0, ix->cap * sizeof(*ix->slot));
	}
	if (++ix->gen == 0) {	/* wrapped: really empty it */
		memset(ix->slot, 0, ix->cap * sizeof(*ix->slot));
		ix->gen = 1;
	}
	ix->used = 0;
	ix->nr_rd = 0;
	ix->nr_undo = 0;
	for (int t = 0; t < SIM_MAX_TASKS; t++)
		d->last[t] = -1;
	d->last_global = -1;
	d->ana = 0;
}

static struct obj_slot *ix_find(struct obj_index *ix, uintptr_t key)
{
	size_t h = (key * 0x9e3779b97f4a7c15ULL) >> 20;

	if (2 * (ix->used + 1) > ix->cap) {
		struct obj_slot *old = ix->slot;
		size_t n = ix->cap;

		ix->cap *= 2;
		ix->slot = xrealloc(NULL, ix->cap * sizeof(*ix->slot));
		memset(ix->slot, 0, ix->cap * sizeof(*ix->slot));
		ix->used = 0;
		for (size_t i = 0; i < n; i++)
			if (old[i].gen == ix->gen)
				*ix_find(ix, old[i].key) = old[i];
		free(old);
	}
	for (;; h++) {
		struct obj_slot *sl = &ix->slot[h & (ix->cap - 1)];

		if (sl->gen == ix->gen && sl->key == key)
			return sl;
		if (sl->gen != ix->gen) {
			sl->key = key;
			sl->gen = ix->gen;
			sl->writer = sl->reads = -1;
			sl->epoch = 0;
			ix->used++;
			return sl;
		}
	}
}

/* Remember @sl as it is, to be put back when its event is taken out. */
static void ix_log(struct obj_index *ix, const struct obj_slot *sl)
{
	if (ix->nr_undo == ix->cap_undo) {
		ix->cap_undo = ix->cap_undo ? 2 * ix->cap_undo : 1024;
		ix->undo = xrealloc(ix->undo, ix->cap_undo * sizeof(*ix->undo));
	}
	ix->undo[ix->nr_undo].key = sl->key;
	ix->undo[ix->nr_undo].writer = sl->writer;
	ix->undo[ix->nr_undo].reads = sl->reads;
	ix->undo[ix->nr_undo].epoch = sl->epoch;
	ix->nr_undo++;
}

static void ix_add_read(struct obj_index *ix, struct obj_slot *sl, int32_t ev)
{
	if (ix->nr_rd == ix->cap_rd) {
		ix->cap_rd = ix->cap_rd ? 2 * ix->cap_rd : 1024;
		ix->rd = xrealloc(ix->rd, ix->cap_rd * sizeof(*ix->rd));
	}
	ix->rd[ix->nr_rd].ev = ev;
	ix->rd[ix->nr_rd].next = sl->reads;
	sl->reads = ix->nr_rd++;
}

/*
 * Take the events e_@from onwards out of the index (they were put in by
 * an earlier analyse(): nodes @from .. ana-1), newest first.
 */
static void ix_rewind(struct dpor *d, size_t from)
{
	struct obj_index *ix = &d->ix;
	const struct ana_rec *rf = &d->rec[from];

	if (from >= d->ana)
		return;
	while (ix->nr_undo > rf->undo_at) {
		const struct ix_undo *u = &ix->undo[--ix->nr_undo];
		struct obj_slot *sl = ix_find(ix, u->key);

		sl->writer = u->writer;
		sl->reads = u->reads;
		sl->epoch = u->epoch;
	}
	ix->nr_rd = rf->rd_at;
	for (size_t j = d->ana; j-- > from;)
		d->last[d->rec[j].task] = d->rec[j].prev_last;
	d->last_global = rf->prev_global;
	d->ana = from;
}

/*
 * The events before e_j that e_j may be in a race with, into @cand
 * (deduplicated, unsorted); then record e_j's accesses in the index.
 */
static size_t candidates(struct dpor *d, size_t j, int32_t *cand)
{
	struct obj_index *ix = &d->ix;
	const struct dpor_event *ej = &d->pool[d->stack[j].ev];
	uint32_t epoch = (uint32_t)(d->last_global + 1);
	size_t n = 0;

	if (ej->global) {
		for (int t = 0; t < SIM_MAX_TASKS; t++)
			if (d->last[t] >= 0)
				cand[n++] = d->last[t];
		return n;	/* the caller starts the next epoch */
	}
	if (d->last_global >= 0)
		cand[n++] = d->last_global;
	for (int a = 0; a < ej->nr; a++) {
		const struct dpor_acc *x = &ej->acc[a];
		struct obj_slot *sl = ix_find(ix, x->addr << 1 |
						      (x->mode == 3));
		bool writes = x->mode >= 2;	/* conflicts with itself */

		ix_log(ix, sl);
		if (sl->epoch != epoch) {	/* empty since a global */
			sl->writer = sl->reads = -1;
			sl->epoch = epoch;
		}
		if (sl->writer >= 0)
			cand[n++] = sl->writer;
		if (writes)
			for (int32_t r = sl->reads; r >= 0; r = ix->rd[r].next)
				cand[n++] = ix->rd[r].ev;
		if (writes) {
			sl->writer = j;
			sl->reads = -1;
		} else {
			ix_add_read(ix, sl, j);
		}
	}
	return n;
}

/* Sort @n event indices, latest first (few: insertion sort). */
static void sort_desc(int32_t *c, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		int32_t x = c[i];
		size_t k = i;

		for (; k && c[k - 1] < x; k--)
			c[k] = c[k - 1];
		c[k] = x;
	}
}

/*
 * Line 6 for every event this execution added (e_fresh onwards; the
 * races of the replayed prefix were handled when it was new): compute
 * its vector clock and reverse each race it is in. Going through the
 * candidates from the latest back, C is what e_j is known to happen
 * after; a dependent candidate not in C is in a race with e_j, since no
 * later dependent event covers it. The index and the vector clocks of
 * the prefix are kept; the index is rebuilt from e_0 only when it has
 * grown too large.
 */
static void analyse(struct dpor *d)
{
	struct obj_index *ix = &d->ix;
	size_t from = d->fresh < d->depth ? d->fresh : d->depth;

	if (!ix->cap || ix->used > IX_MAX_SLOTS || dpor_rebuild_index)
		ix_reset(d);
	ix_rewind(d, from < d->ana ? from : d->ana);
	for (size_t j = d->ana; j < d->depth; j++) {
		struct dpor_node *nj = &d->stack[j];
		const struct dpor_event *ej = &d->pool[nj->ev];
		int p = nj->chosen;
		uint32_t *c = d->vc[j];
		int32_t *cand;
		size_t n, need = ix->nr_rd + SIM_MAX_TASKS +
				 2 * DPOR_MAX_ACC + 1;

		if (d->cap_cand < need) {
			d->cap_cand = 2 * need;
			d->cand = xrealloc(d->cand,
					   d->cap_cand * sizeof(*d->cand));
		}
		cand = d->cand;
		if (j == d->cap_rec) {
			d->cap_rec = d->cap_rec ? 2 * d->cap_rec : 256;
			d->rec = xrealloc(d->rec,
					  d->cap_rec * sizeof(*d->rec));
		}
		d->rec[j] = (struct ana_rec){ .undo_at = ix->nr_undo,
					      .rd_at = ix->nr_rd,
					      .prev_last = d->last[p],
					      .prev_global = d->last_global,
					      .task = (int8_t)p };
		if (p + 1 > d->nt)
			d->nt = p + 1;
		n = candidates(d, j, cand);
		if (ej->global)
			d->last_global = j;
		if (j < d->fresh) {
			d->last[p] = j;
			continue;	/* known: clock and races */
		}
		if (d->last[p] >= 0)
			memcpy(c, d->vc[d->last[p]], sizeof(d->vc[0]));
		else
			memset(c, 0, sizeof(d->vc[0]));
		nj->seq = d->last[p] >= 0 ? d->stack[d->last[p]].seq + 1 : 1;
		c[p] = nj->seq;
		sort_desc(cand, n);
		for (size_t k = 0; k < n; k++) {
			size_t i = cand[k];
			const struct dpor_node *ni = &d->stack[i];
			const uint32_t *ci = d->vc[i];

			if ((k && cand[k - 1] == cand[k]) || ni->chosen == p ||
			    !dependent(&d->pool[ni->ev], ej))
				continue;
			/* reverse_race reads c as vc[j]: what is known */
			if (c[ni->chosen] < ni->seq)
				reverse_race(d, i, j);
			/* columns past nt are 0 in every clock */
			for (int t = 0; t < d->nt; t++)
				if (ci[t] > c[t])
					c[t] = ci[t];
		}
		d->last[p] = j;
	}
	d->ana = d->depth;
}

/*
 * dpor_next - after an execution: handle its races, then lines 5 and 13:
 * move to the deepest node with a process in backtrack \ Sleep (within
 * the bound) and take it. False when there is none: exhausted.
 */
bool dpor_next(struct dpor *d)
{
	if (d->blocked)
		d->blocked_execs++;
	else
		d->executions++;
	/* nodes past the last event of this execution are stale */
	if (d->depth > d->pos)
		d->depth = d->pos;
	analyse(d);
	while (d->depth) {
		struct dpor_node *n = &d->stack[d->depth - 1];
		uint64_t cand;

		/* line 13: p was explored; it sleeps for its siblings */
		n->done |= 1ULL << n->chosen;
		n->sev[n->chosen] = n->ev;
		cand = n->backtrack & n->runnable & ~n->done & ~n->sleep;
		for (; cand; cand &= cand - 1) {
			int q = __builtin_ctzll(cand);

			if (!in_bound(d, n, q))
				continue;
			n->chosen = q;
			d->pool_len = n->ev + 1;
			d->fresh = d->depth - 1;
			return true;
		}
		d->depth--;
		d->pool_len = n->ev;
	}
	return false;
}

uint64_t dpor_blocked_executions(const struct dpor *d)
{
	return d->blocked_execs;
}
#endif /* !SIM_STRESS */
