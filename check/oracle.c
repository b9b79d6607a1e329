// SPDX-License-Identifier: GPL-2.0
/*
 * check/oracle.c - the value oracle (see oracle.h).
 *
 * Each process's memory is a sorted list of segments [start, end) with the
 * set of values every word in it may hold (at most ORACLE_VALS; more is an
 * overflow: anything goes, counted). Time is a counter that ticks at every
 * begin and end. Every store is logged with its interval, so "stores that
 * overlapped this load" and "stores that raced with this fork" are scans of
 * the log — executions are short.
 *
 * Invariants:
 *  1. A process's segments are sorted, disjoint, and non-empty.
 *  2. A store's effect on the segments is applied at its end (a load that
 *     overlaps it accepts its value through the log instead).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/oracle.h"
#include "sim/sim.h"

#define ORACLE_VALS 4
#define ORACLE_MAX_OPS 4096

struct seg {
	unsigned long start, end;
	int nvals;		/* 0: never written (zero); -1: overflow */
	uint64_t vals[ORACLE_VALS];
	struct seg *next;
};

struct op {
	int p;
	unsigned long va, len;
	uint64_t val;
	uint64_t begin, end;	/* end 0: still in flight */
	bool is_load;
	/* loads: the values the memory held when the load began */
	int nvals;
	uint64_t vals[ORACLE_VALS];
};

static struct {
	int nr_procs;
	struct seg *mem[ORACLE_MAX_PROCS];
	struct op *ops;
	int nr_ops;
	uint64_t now;
	unsigned long overflows;
} O;

/*
 * The op table lives across executions (host memory, grown on demand):
 * a reset costs nothing, an op costs its own zeroing, not the table's.
 */
static struct op *ops_table;
static int ops_cap;
/* Indices of the store ops, in order: what a load's end scans. */
static int *stores;
static int nr_stores, stores_cap;

void oracle_reset(void)
{
	memset(&O, 0, sizeof(O));
	O.ops = ops_table;
	nr_stores = 0;
}

unsigned long oracle_overflows(void)
{
	return O.overflows;
}

int oracle_process_new(void)
{
	if (O.nr_procs == ORACLE_MAX_PROCS) {
		sim_limit("value oracle: more than %d processes",
			  ORACLE_MAX_PROCS);
		return -1;
	}
	O.mem[O.nr_procs] = NULL;
	return O.nr_procs++;
}

static struct seg *seg_new(unsigned long start, unsigned long end,
			   const struct seg *like)
{
	struct seg *s = sim_zalloc(sizeof(*s));

	if (like)
		*s = *like;
	s->start = start;
	s->end = end;
	s->next = NULL;
	return s;
}

/* Split @p's segments so that @va and @va+@len fall on boundaries, and
 * make the range fully covered (never-written parts get zero segments). */
static void carve(int p, unsigned long va, unsigned long len)
{
	unsigned long end = va + len, cur = va;
	struct seg **pp = &O.mem[p];

	while (cur < end) {
		struct seg *s = *pp;

		if (!s || s->start >= end || (s->start > cur)) {
			/* a hole [cur, min(s->start, end)) */
			unsigned long hend = s && s->start < end ? s->start :
								   end;
			struct seg *n = seg_new(cur, hend, NULL);

			n->next = s;
			*pp = n;
			cur = hend;
			pp = &n->next;
			continue;
		}
		if (s->end <= cur) {
			pp = &s->next;
			continue;
		}
		if (s->start < cur) {
			struct seg *n = seg_new(cur, s->end, s);

			n->next = s->next;
			s->end = cur;
			s->next = n;
			pp = &s->next;
			continue;
		}
		if (s->end > end) {
			struct seg *n = seg_new(end, s->end, s);

			n->next = s->next;
			s->end = end;
			s->next = n;
		}
		cur = s->end;
		pp = &s->next;
	}
}

static struct seg *seg_at(int p, unsigned long va)
{
	for (struct seg *s = O.mem[p]; s && s->start <= va; s = s->next)
		if (va < s->end)
			return s;
	return NULL;
}

static void set_add(int *n, uint64_t *vals, uint64_t v)
{
	if (*n < 0)
		return;
	for (int i = 0; i < *n; i++)
		if (vals[i] == v)
			return;
	if (*n == ORACLE_VALS) {
		*n = -1;
		O.overflows++;
		return;
	}
	vals[(*n)++] = v;
}

/* The values word @va of @p may hold now. */
static int values_at(int p, unsigned long va, uint64_t *vals)
{
	struct seg *s = seg_at(p, va);

	if (!s || s->nvals == 0) {
		vals[0] = 0;
		return 1;
	}
	memcpy(vals, s->vals, sizeof(s->vals));
	return s->nvals;
}

static struct op *op_new(void)
{
	if (O.nr_ops == ORACLE_MAX_OPS) {
		sim_limit("value oracle: more than %d loads and stores in one "
			  "execution",
			  ORACLE_MAX_OPS);
		return NULL;
	}
	if (O.nr_ops == ops_cap) {
		int cap = ops_cap ? 2 * ops_cap : 64;
		struct op *t = realloc(ops_table, sizeof(*t) * cap);

		if (!t) {
			fprintf(stderr, "mmsim: out of host memory\n");
			exit(2);
		}
		ops_table = O.ops = t;
		ops_cap = cap;
	}
	memset(&O.ops[O.nr_ops], 0, sizeof(O.ops[0]));
	return &O.ops[O.nr_ops++];
}

int oracle_store_begin(int p, unsigned long va, unsigned long len,
		       uint64_t val)
{
	struct op *o = op_new();

	if (!o)
		return -1;
	*o = (struct op){ .p = p, .va = va, .len = len, .val = val,
			  .begin = ++O.now };
	if (nr_stores == stores_cap) {
		int cap = stores_cap ? 2 * stores_cap : 64;
		int *t = realloc(stores, sizeof(*t) * cap);

		if (!t) {
			fprintf(stderr, "mmsim: out of host memory\n");
			exit(2);
		}
		stores = t;
		stores_cap = cap;
	}
	stores[nr_stores++] = (int)(o - O.ops);
	return (int)(o - O.ops);
}

void oracle_store_end(int h)
{
	struct op *o;

	if (h < 0)
		return;
	o = &O.ops[h];
	o->end = ++O.now;
	carve(o->p, o->va, o->len);
	for (struct seg *s = O.mem[o->p]; s && s->start < o->va + o->len;
	     s = s->next) {
		if (s->end <= o->va)
			continue;
		s->nvals = 1;
		s->vals[0] = o->val;
	}
}

int oracle_load_begin(int p, unsigned long va)
{
	struct op *o = op_new();

	if (!o)
		return -1;
	*o = (struct op){ .p = p, .va = va, .len = 8, .is_load = true,
			  .begin = ++O.now };
	o->nvals = values_at(p, va, o->vals);
	return (int)(o - O.ops);
}

static bool covers(const struct op *o, int p, unsigned long va)
{
	return !o->is_load && o->p == p && va >= o->va && va < o->va + o->len;
}

bool oracle_load_end(int h, uint64_t got, char *why, size_t whylen)
{
	struct op *l;
	int n;
	uint64_t vals[ORACLE_VALS];
	size_t off = 0;

	if (h < 0)
		return true;
	l = &O.ops[h];
	l->end = ++O.now;
	n = l->nvals;
	memcpy(vals, l->vals, sizeof(vals));
	/* stores that overlapped the load in time (loads cost the stores) */
	for (int i = 0; i < nr_stores; i++) {
		struct op *s = &O.ops[stores[i]];

		if (covers(s, l->p, l->va) && s->begin < l->end &&
		    (s->end == 0 || s->end > l->begin))
			set_add(&n, vals, s->val);
	}
	if (n < 0)
		return true;
	for (int i = 0; i < n; i++)
		if (vals[i] == got)
			return true;
	if (why && whylen) {
		off += snprintf(why + off, whylen - off,
				"load of 0x%lx returned 0x%llx; the program "
				"could only have seen ",
				l->va, (unsigned long long)got);
		for (int i = 0; i < n && off < whylen; i++)
			off += snprintf(why + off, whylen - off, "%s0x%llx",
					i ? (i == n - 1 ? " or " : ", ") : "",
					(unsigned long long)vals[i]);
	}
	return false;
}

int oracle_fork_begin(int parent)
{
	int c = oracle_process_new();

	if (c < 0)
		return -1;
	for (struct seg *s = O.mem[parent], **pp = &O.mem[c]; s;
	     s = s->next) {
		*pp = seg_new(s->start, s->end, s);
		pp = &(*pp)->next;
	}
	/* remember when the fork began: in an op slot of its own */
	{
		struct op *o = op_new();

		if (o)
			*o = (struct op){ .p = -1, .va = (unsigned long)c,
					  .begin = ++O.now, .is_load = true };
	}
	return c;
}

/*
 * A store by @parent that was in flight at any moment of the fork may or
 * may not have reached the child: add its value to the child's sets.
 */
void oracle_fork_end(int parent, int child)
{
	uint64_t fbegin = 0, fend = ++O.now;

	for (int i = O.nr_ops - 1; i >= 0; i--)
		if (O.ops[i].p == -1 && O.ops[i].va == (unsigned long)child) {
			fbegin = O.ops[i].begin;
			O.ops[i].end = fend;
			break;
		}
	for (int i = 0; i < O.nr_ops; i++) {
		struct op *s = &O.ops[i];

		if (s->is_load || s->p != parent || s->begin > fend ||
		    (s->end && s->end < fbegin))
			continue;
		carve(child, s->va, s->len);
		for (struct seg *g = O.mem[child]; g && g->start < s->va + s->len;
		     g = g->next) {
			if (g->end <= s->va)
				continue;
			if (g->nvals == 0) {
				g->nvals = 1;
				g->vals[0] = 0;
			}
			set_add(&g->nvals, g->vals, s->val);
		}
	}
}

void oracle_unmap(int p, unsigned long va, unsigned long len)
{
	carve(p, va, len);
	for (struct seg **pp = &O.mem[p]; *pp;) {
		struct seg *s = *pp;

		if (s->start >= va && s->end <= va + len) {
			*pp = s->next;
			continue;
		}
		pp = &s->next;
	}
}

void oracle_move(int p, unsigned long from, unsigned long to,
		 unsigned long len)
{
	struct seg *moved = NULL, **tail = &moved;

	carve(p, from, len);
	for (struct seg *s = O.mem[p]; s && s->start < from + len;
	     s = s->next) {
		if (s->end <= from)
			continue;
		*tail = seg_new(s->start - from + to, s->end - from + to, s);
		tail = &(*tail)->next;
	}
	oracle_unmap(p, from, len);
	oracle_unmap(p, to, len);
	for (struct seg *m = moved; m; m = m->next) {
		carve(p, m->start, m->end - m->start);
		for (struct seg *s = O.mem[p]; s && s->start < m->end;
		     s = s->next) {
			if (s->end <= m->start)
				continue;
			s->nvals = m->nvals;
			memcpy(s->vals, m->vals, sizeof(s->vals));
		}
	}
}
