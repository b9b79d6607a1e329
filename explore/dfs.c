// SPDX-License-Identifier: GPL-2.0
/*
 * explore/dfs.c - exhaustive depth-first exploration of every schedule
 * with at most P preemptions (CHESS-style iterative context bounding,
 * Musuvathi & Qadeer, PLDI 2007), by re-execution: no state is saved,
 * each execution replays the choices on the stack from the start.
 *
 * A preemption is a choice that switches away from the current task while
 * it is still runnable. Switching when the current task blocked or ended,
 * or at the first choice (no current task), is free.
 *
 * The stack holds one node per choice of the last execution: the runnable
 * set, the current task, the child taken and the children tried. An
 * execution follows the stack, then extends it with the non-preemptive
 * default (keep the current task, else the lowest runnable). After it,
 * dfs_next() backtracks to the deepest node with an untried child within
 * the preemption budget.
 *
 * Shards. The "spine" is the first execution: every node on it took its
 * default child. The subtrees hanging off the spine (an untried child of
 * a spine node) are numbered 1, 2, ... in the order DFS reaches them, the
 * spine's own leaf is number 0; shard I of N owns the leaves of subtrees
 * numbered I mod N. Every shard walks the same spine, so the numbering is
 * the same in all of them and the shards partition the leaves exactly. A
 * shard skips a subtree it does not own without running it; the spine
 * leaf is run (uncounted) by every shard, since it discovers the spine.
 *
 * Invariants:
 *  1. stack[i].tried has stack[i].chosen set; chosen is in runnable.
 *  2. stack[i].preempts == preemptions of the choices at nodes 0..i-1,
 *     and no node's choice takes the total over the bound.
 *  3. stack[i].spine iff every node above i took its first child.
 */
#ifndef SIM_STRESS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"

struct dfs_node {
	uint64_t runnable;
	uint64_t tried;
	int8_t current;		/* -1: no task running (the first choice) */
	int8_t first;		/* the default child, explored first */
	int8_t chosen;
	bool spine;
	uint32_t preempts;	/* before this node */
};

struct dfs {
	struct sim_strategy strat;
	unsigned bound;
	unsigned shard, nr_shards;
	struct dfs_node *stack;
	size_t depth, cap;
	size_t pos;		/* next node of the running execution */
	uint64_t units;		/* spine subtrees numbered so far */
	uint64_t unit;		/* the one the current execution is in */
	uint64_t leaf;		/* executions run in this unit */
	char err[256];
};

static inline bool is_preemption(const struct dfs_node *n, int t)
{
	return n->current >= 0 && (n->runnable >> n->current & 1) &&
	       t != n->current;
}

static inline int default_choice(int current, uint64_t runnable)
{
	if (current >= 0 && (runnable >> current & 1))
		return current;
	return __builtin_ctzll(runnable);
}

static void dfs_begin(struct sim_strategy *s, uint64_t seed)
{
	struct dfs *d = s->priv;

	d->pos = 0;
}

/* A new node at the bottom of the stack, taking its default child. */
static int dfs_push(struct dfs *d, const struct sim_sched_view *v)
{
	struct dfs_node *n, *up;

	if (d->depth == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 256;
		d->stack = realloc(d->stack, d->cap * sizeof(*d->stack));
		if (!d->stack) {
			fprintf(stderr, "mmsim: out of host memory\n");
			exit(2);
		}
	}
	/* after the realloc: the parent may have moved */
	up = d->depth ? &d->stack[d->depth - 1] : NULL;
	n = &d->stack[d->depth++];
	n->runnable = v->runnable;
	n->current = v->current;
	n->first = n->chosen = default_choice(v->current, v->runnable);
	n->tried = 1ULL << n->chosen;
	n->spine = !up || (up->spine && up->chosen == up->first);
	n->preempts = up ? up->preempts + is_preemption(up, up->chosen) : 0;
	return n->chosen;
}

static int dfs_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	struct dfs *d = s->priv;
	struct dfs_node *n;

	if (d->pos >= d->depth) {
		d->pos++;
		return dfs_push(d, v);
	}
	n = &d->stack[d->pos++];
	if (n->runnable != v->runnable || n->current != v->current) {
		if (!d->err[0])
			snprintf(d->err, sizeof(d->err),
				 "the program is not deterministic: choice "
				 "%zu saw runnable %#llx (current %d), "
				 "before %#llx (current %d)",
				 d->pos - 1, (unsigned long long)v->runnable,
				 v->current, (unsigned long long)n->runnable,
				 n->current);
		return default_choice(v->current, v->runnable);
	}
	return n->chosen;
}

struct dfs *dfs_new(unsigned bound, unsigned shard, unsigned nr_shards)
{
	struct dfs *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->bound = bound;
	d->nr_shards = nr_shards ? nr_shards : 1;
	d->shard = shard % d->nr_shards;
	d->strat = (struct sim_strategy){ "dfs", dfs_begin, dfs_pick, NULL,
					  d };
	return d;
}

void dfs_free(struct dfs *d)
{
	if (!d)
		return;
	free(d->stack);
	free(d);
}

struct sim_strategy *dfs_strategy(struct dfs *d)
{
	return &d->strat;
}

/*
 * The next untried child of @n within the budget that our shard may
 * enter, marking every child it passes over as tried; -1 if none.
 */
static int next_child(struct dfs *d, struct dfs_node *n)
{
	uint64_t left = n->runnable & ~n->tried;

	while (left) {
		int t = __builtin_ctzll(left);

		left &= left - 1;
		n->tried |= 1ULL << t;
		if (n->preempts + is_preemption(n, t) > d->bound)
			continue;
		if (n->spine) {
			/* a new subtree off the spine: whose is it? */
			if (++d->units % d->nr_shards != d->shard)
				continue;
			d->unit = d->units;
			d->leaf = 0;
		} else {
			d->leaf++;
		}
		return t;
	}
	return -1;
}

bool dfs_next(struct dfs *d)
{
	/* nodes below the last choice of the execution are stale */
	if (d->depth > d->pos)
		d->depth = d->pos;
	while (d->depth) {
		struct dfs_node *n = &d->stack[d->depth - 1];
		int t = next_child(d, n);

		if (t >= 0) {
			n->chosen = t;
			return true;
		}
		d->depth--;
	}
	return false;
}

bool dfs_owned(const struct dfs *d)
{
	return d->unit % d->nr_shards == d->shard;
}

uint64_t dfs_order_key(const struct dfs *d)
{
	return d->unit << 40 | (d->leaf & ((1ULL << 40) - 1));
}

const char *dfs_error(const struct dfs *d)
{
	return d->err[0] ? d->err : NULL;
}
#endif /* !SIM_STRESS */
