// SPDX-License-Identifier: GPL-2.0
/*
 * explore/vpos.c - POS over visible events ("vpos"): partial order
 * sampling (pos.c) that spends its random choices only where another task
 * can tell the difference.
 *
 * Why. POS gives every new event a fresh priority, so a task waiting for
 * a race with an event far ahead in another task (seed 000: the store
 * that must land after the migration's new PMD, 60 events into the
 * migration) must lose to every fresh draw in between: with priority p it
 * waits L events with probability (1-p)^L, 1/(L+1) over p. Most of those
 * L events touch nothing another task ever touches (the migration's own
 * locals, its private folio, page-table levels nobody changes); ordering
 * them against the waiting event is no choice at all, yet it costs.
 *
 * What. Before the executions, a deterministic probe (a round-robin
 * execution and VPOS_PROBES random ones, seeded from the run's seed, so
 * execution i stays a function of (program, seed, i)) records every
 * access each task makes, per (yield site, task). An object is *shared*
 * when two tasks touched it and one wrote it (or both used it as a lock),
 * in one probe execution. A (site, task) is *invisible* when the probes
 * saw it and it never touched a shared object; everything else is
 * *visible*: sites the probes never reached, TLB/IRQ/RCU events, a store
 * buffer's drains, and every site that touched a shared object once.
 *
 * The scheduler then (1) runs invisible events at once - the current
 * task's first, else the lowest task's - so every task stands at a
 * visible event before any choice is made; (2) among visible events runs
 * POS (pos.c: the highest priority runs, and after each event every
 * pending event racing it gets a fresh priority), except that a new
 * visible event racing with no pending event keeps its task's priority
 * but with probability VPOS_FRESH64/64 (pos:F's rule): a task that
 * reaches the end of another's window gets there as one stretch.
 * A task's START is visible: what it reads first is not named.
 *
 * What it gives up. An invisible event is one the probes never saw race;
 * if a rare interleaving makes it race, vpos does not place another
 * task's access right before it (POS, PCT, random and the DPOR ladder of
 * the default portfolio still do). A found schedule is a schedule: the
 * violation it reports is real whatever the heuristic.
 */
#ifndef SIM_STRESS
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/program.h"
#include "sim/storebuf.h"

#define VPOS_PROBES	16	/* random probe executions (plus one rr) */
/*
 * Of 64: how often a new visible event that races with no pending event
 * of another task gets a fresh priority; otherwise it keeps its task's.
 * 64 is POS's rule; 16 measured best over the catalogue (docs/explorer.md).
 */
#define VPOS_FRESH64	16
#define VIS_SLOTS	8192	/* (site, task) keys: power of two */
#define REC_MAX		(1u << 16)	/* accesses kept per probe execution */

enum { VIS_SEEN = 1, VIS_SHARED = 2 };

struct vis_slot {
	const struct sim_site *site;
	int8_t task;
	uint8_t flags;
};

struct rec {
	uintptr_t key;		/* addr << 1 | lock */
	const struct sim_site *site;
	int8_t task;
	uint8_t mode;		/* sim_access_mode(): 1 read, 2 write, 3 lock */
};

static struct {
	/* learned: (site, task) -> VIS_* */
	struct vis_slot vis[VIS_SLOTS];
	bool full;		/* a key did not fit: all unknown are visible */
	unsigned nr_shared;	/* (site, task) keys marked shared */
	unsigned nr_seen;
	/* one probe execution's accesses */
	struct rec *rec;
	size_t nr_rec;
	/* POS state of the running execution */
	struct sim_rng rng;
	uint64_t prio[SIM_MAX_TASKS];
	uint64_t stamp[SIM_MAX_TASKS];
	uint64_t known;
	unsigned fresh64;
	/* visible() of task t's event vis_stamp[t] - 1 (0: none yet) is
	 * bit t of vis_val: this execution's, see visible() */
	uint64_t vis_stamp[SIM_MAX_TASKS];
	uint64_t vis_val;
} V = { .fresh64 = VPOS_FRESH64 };


static inline size_t vis_hash(const struct sim_site *s, int t)
{
	uint64_t h = ((uintptr_t)s >> 3) * 0x9e3779b97f4a7c15ULL ^
		     (uint64_t)(t + 1) * 0xc2b2ae3d27d4eb4fULL;

	return (h >> 40) & (VIS_SLOTS - 1);
}

static struct vis_slot *vis_find(const struct sim_site *s, int t, bool add)
{
	size_t h = vis_hash(s, t);

	for (size_t i = 0; i < VIS_SLOTS / 2; i++) {
		struct vis_slot *v = &V.vis[(h + i) & (VIS_SLOTS - 1)];

		if (v->site == s && v->task == t)
			return v;
		if (!v->site) {
			if (!add)
				return NULL;
			v->site = s;
			v->task = (int8_t)t;
			V.nr_seen++;
			return v;
		}
	}
	V.full = true;
	return NULL;
}

static void rec_add(int t, int kind, uintptr_t addr,
		    const struct sim_site *site)
{
	int mode = sim_access_mode(kind);

	if (!addr || !mode || V.nr_rec >= REC_MAX)
		return;
	V.rec[V.nr_rec++] = (struct rec){ .key = addr << 1 | (mode == 3),
					  .site = site, .task = (int8_t)t,
					  .mode = (uint8_t)mode };
}

/* The trace hook of a probe execution: every yield, both objects. */
static void probe_hook(const struct sim_event *e)
{
	uintptr_t a2;
	int k2;

	if (!e->site || e->task >= SIM_MAX_TASKS)
		return;
	/* what a task does while it is the only one alive races with
	 * nothing: main's setup before its spawns, the last task's tail */
	{
		int live = 0;

		for (int t = 0; t < sim_nr_tasks() && live < 2; t++)
			live += sim_task_state(t) == SIM_TASK_RUNNABLE ||
				sim_task_state(t) == SIM_TASK_BLOCKED;
		if (live < 2)
			return;
	}
	if (V.nr_rec < REC_MAX) {
		struct vis_slot *v = vis_find(e->site, e->task, true);

		if (v)
			v->flags |= VIS_SEEN;
	}
	rec_add(e->task, e->kind, e->addr, e->site);
	a2 = sim_trace_second(&k2);
	if (a2)
		rec_add(e->task, k2, a2, e->site);
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* After a probe execution: mark the accessors of every shared object. */
static void probe_close(void)
{
	qsort(V.rec, V.nr_rec, sizeof(*V.rec), rec_cmp);
	for (size_t i = 0, j; i < V.nr_rec; i = j) {
		uint64_t tasks = 0;
		bool write = false;

		for (j = i; j < V.nr_rec && V.rec[j].key == V.rec[i].key;
		     j++) {
			tasks |= 1ULL << V.rec[j].task;
			write |= V.rec[j].mode >= 2;
		}
		if (!(tasks & (tasks - 1)) || !write)
			continue;
		for (size_t k = i; k < j; k++) {
			struct vis_slot *v = vis_find(V.rec[k].site,
						      V.rec[k].task, true);

			if (v && !(v->flags & VIS_SHARED)) {
				v->flags |= VIS_SHARED;
				V.nr_shared++;
			}
		}
	}
	V.nr_rec = 0;
}

void vpos_learn(const struct mmsim_program *p, uint64_t seed)
{
	memset(V.vis, 0, sizeof(V.vis));
	V.full = false;
	V.nr_shared = V.nr_seen = 0;
	if (!V.rec) {
		V.rec = malloc(REC_MAX * sizeof(*V.rec));
		if (!V.rec) {
			V.full = true;	/* everything visible: plain POS */
			return;
		}
	}
	for (unsigned i = 0; i <= VPOS_PROBES; i++) {
		struct sim_config cfg = {
			.strategy = i ? sim_strategy_random() :
					sim_strategy_rr(),
			.seed = sim_exec_seed(seed ^ 0x7670f5ULL, i),
		};
		struct sim_result res;

		V.nr_rec = 0;
		sim_set_trace_hook(probe_hook);
		program_exec(p, &cfg, &res);
		sim_set_trace_hook(NULL);
		probe_close();
	}
}

void vpos_stats(unsigned *seen, unsigned *shared)
{
	*seen = V.nr_seen;
	*shared = V.nr_shared;
}

/* Must task @t's next event be ordered by a choice? (Uncached.) */
static bool visible_uncached(const struct sim_access *a, int t)
{
	const struct vis_slot *s;

	switch (a->kind) {
	case SIM_EV_EXIT:
	case SIM_EV_MARK:
		return false;
	case SIM_EV_START:	/* what the task reads first is not named */
	case SIM_EV_TLB:
	case SIM_EV_IRQ:
	case SIM_EV_RCU:
	case SIM_EV__NR:
		return true;
	}
	if (V.full || !a->site)
		return true;
	s = vis_find(a->site, t, false);
	return !s || (s->flags & VIS_SHARED);
}

/*
 * Must task @t's next event be ordered by a choice? Asked of every
 * runnable task at every choice, mostly of events it was asked before: the
 * answer is kept per task with the event's stamp. Within an execution a
 * task's stamps only grow (each of its events has its own) and the learned
 * table does not change, so a kept answer is the one visible_uncached()
 * would give; vpos_begin() forgets them all.
 */
static __attribute__((noinline)) bool visible_keep(const struct sim_access *a,
						   int t)
{
	bool vis = visible_uncached(a, t);

	V.vis_stamp[t] = a->stamp + 1;
	V.vis_val = (V.vis_val & ~(1ULL << t)) | (uint64_t)vis << t;
	return vis;
}

static inline bool visible(const struct sim_sched_view *v, int t)
{
	const struct sim_access *a = &v->next[t];

	if (t >= SIM_SB_ID_BASE)
		return true;		/* a store buffer's drain */
	if (V.vis_stamp[t] == a->stamp + 1)
		return V.vis_val >> t & 1;
	return visible_keep(a, t);
}

static void vpos_begin(struct sim_strategy *s, uint64_t seed)
{

	sim_rng_seed(&V.rng, seed);
	V.known = 0;
	memset(V.vis_stamp, 0, sizeof(V.vis_stamp));
}

static int vpos_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	uint64_t run = v->runnable, m;
	int best = -1;

	/* POS (3): the event just run re-draws every pending event racing
	 * it (an invisible event races with none: nothing to do) */
	if (v->current >= 0 && v->last->kind != SIM_EV__NR) {
		for (m = run & V.known & ~(1ULL << v->current); m;
		     m &= m - 1) {
			int t = __builtin_ctzll(m);

			if (sim_access_conflict(&v->next[t], v->last))
				V.prio[t] = sim_rng_next(&V.rng);
		}
	}
	/* (1) invisible events run at once: the current task's first */
	if (v->current >= 0 && (run >> v->current & 1) &&
	    !visible(v, v->current))
		return v->current;
	for (m = run; m; m &= m - 1)
		if (!visible(v, __builtin_ctzll(m)))
			return __builtin_ctzll(m);
	/* (2) POS among the visible events */
	for (m = run; m; m &= m - 1) {
		int t = __builtin_ctzll(m);

		if (!(V.known >> t & 1)) {
			V.prio[t] = sim_rng_next(&V.rng);
			V.stamp[t] = v->next[t].stamp;
			V.known |= 1ULL << t;
		} else if (V.stamp[t] != v->next[t].stamp) {
			V.stamp[t] = v->next[t].stamp;
			if (V.fresh64 >= 64 || pos_racing_pending(v, t) ||
			    sim_rng_below(&V.rng, 64) < V.fresh64)
				V.prio[t] = sim_rng_next(&V.rng);
		}
		if (best < 0 || V.prio[t] > V.prio[best])
			best = t;
	}
	return best;
}

struct sim_strategy *vpos_strategy(void)
{
	static struct sim_strategy s = { "vpos", vpos_begin, vpos_pick, NULL,
					 NULL };

	return &s;
}
#endif /* !SIM_STRESS */
