// SPDX-License-Identifier: GPL-2.0
/*
 * check/oracle.c - the value oracle (see oracle.h for the rules R1-R5 and
 * R8; R6-R7, shared memory and EOF, and R9, the read-back at the end of
 * an execution, are the runner's:
 * docs/scenario-language.md).
 *
 * Each process's memory is a sorted list of segments [start, end) with the
 * set of values every word in it may hold (at most ORACLE_VALS; more is an
 * overflow: anything goes, counted), whether a store surely landed there
 * since it was last zeroed (else it may be the shared zero page, R4), and
 * the VM_WIPEONFORK flag (R3). Time is a counter that ticks at every begin
 * and end. Ops sit in a log ordered by begin time while in flight, and
 * stores, zaps and madvises stay after their end while an op in flight may
 * still overlap them (R1, R2, R3 scan the log for those).
 *
 * Invariants:
 *  1. A process's segments are sorted, disjoint, and non-empty; a range no
 *     segment covers reads zero, unpopulated, without VM_WIPEONFORK.
 *  2. A store's effect on the segments is applied at its end (a load that
 *     overlaps it accepts its value through the log instead).
 *  3. The log is ordered by begin; an ended op is in it only if some op
 *     in flight began before it ended (prune()).
 *  4. A process's finger segment ends at or before its finger key, and
 *     so does every segment before it.
 */
#include <stdio.h>
#include <string.h>

#include "check/oracle.h"
#include "sim/sim.h"

#define ORACLE_VALS 4

struct seg {
	unsigned long start, end;
	int nvals;		/* 0: zero (never written); -1: overflow */
	uint64_t vals[ORACLE_VALS];
	bool populated;		/* a store surely landed since zeroing (R4) */
	bool wipe;		/* VM_WIPEONFORK (R3) */
	bool wipe_unknown;	/* a madvise raced the fork that copied it */
	struct seg *next;
};

struct proc {
	struct seg *head;
	struct seg *finger;	/* a segment ending at or before finger_key */
	unsigned long finger_key;
};

enum okind { OP_STORE, OP_ZAP, OP_WIPE, OP_LOAD, OP_COPY, OP_PIN, OP_FREE,
	     OP_MAYBE };

struct oracle_op {
	struct oracle_op *next;	/* the log, by begin time */
	enum okind kind;
	int p;
	unsigned long va, len;
	uint64_t val;		/* store: the value; wipe: 1 on, 0 off */
	uint64_t begin, end;	/* end 0: still in flight */
	/* load: the values the word could hold when the load began */
	int nvals;
	uint64_t vals[ORACLE_VALS];
	/* copy: the new process; a fork (R3 applies) or a ghost */
	int child;
	bool fork;
	/* pin: page i was unpopulated when the pin began */
	bool *unpopulated;
	/* store, zap: an mremap moved its range while it was in flight */
	bool straddled;
};

static struct {
	struct proc *procs;
	int nr_procs, cap_procs;
	struct oracle_op *log, **log_tail, *free_ops;
	struct seg *free_segs;
	uint64_t now;
	unsigned long overflows;
} O;

void oracle_reset(void)
{
	memset(&O, 0, sizeof(O));
	O.log_tail = &O.log;
}

unsigned long oracle_overflows(void)
{
	return O.overflows;
}

int oracle_process_new(void)
{
	if (O.nr_procs == O.cap_procs) {
		int cap = O.cap_procs ? 2 * O.cap_procs : 16;
		struct proc *n = sim_zalloc(sizeof(*n) * cap);

		if (O.procs)
			memcpy(n, O.procs, sizeof(*n) * O.nr_procs);
		sim_free(O.procs);
		O.procs = n;
		O.cap_procs = cap;
	}
	O.procs[O.nr_procs] = (struct proc){ 0 };
	return O.nr_procs++;
}

/* ---- segments ---- */

static struct seg *seg_new(unsigned long start, unsigned long end,
			   const struct seg *like)
{
	struct seg *s = O.free_segs;

	if (s)
		O.free_segs = s->next;
	else
		s = sim_zalloc(sizeof(*s));
	*s = (struct seg){ 0 };
	if (like)
		*s = *like;
	s->start = start;
	s->end = end;
	s->next = NULL;
	return s;
}

static void seg_free(struct seg *s)
{
	s->next = O.free_segs;
	O.free_segs = s;
}

/*
 * link_at - the link to the first segment of @p ending after @va (or to
 * the NULL at the end). Starts from the finger when it lies before @va, so
 * a run of increasing addresses (check, fill) costs O(1) per access.
 */
static struct seg **link_at(int p, unsigned long va)
{
	struct proc *pr = &O.procs[p];
	struct seg **pp = &pr->head, *prev = NULL;

	if (pr->finger && pr->finger_key <= va) {
		prev = pr->finger;
		pp = &prev->next;
	}
	while (*pp && (*pp)->end <= va) {
		prev = *pp;
		pp = &prev->next;
	}
	pr->finger = prev;
	pr->finger_key = va;
	return pp;
}

/* Split @p's segments so that @va and @va+@len fall on boundaries, and
 * make the range fully covered (uncovered parts get zero segments). */
static void carve(int p, unsigned long va, unsigned long len)
{
	unsigned long end = va + len, cur = va;
	struct seg **pp = link_at(p, va);

	while (cur < end) {
		struct seg *s = *pp, *n;

		if (!s || s->start > cur) {
			/* a hole [cur, min(s->start, end)) */
			unsigned long hend = s && s->start < end ? s->start :
								   end;

			n = seg_new(cur, hend, NULL);
			n->next = s;
			*pp = n;
			cur = hend;
			pp = &n->next;
			continue;
		}
		if (s->start < cur) {
			n = seg_new(cur, s->end, s);
			n->next = s->next;
			s->end = cur;
			s->next = n;
			pp = &s->next;
			continue;
		}
		if (s->end > end) {
			n = seg_new(end, s->end, s);
			n->next = s->next;
			s->end = end;
			s->next = n;
		}
		cur = s->end;
		pp = &s->next;
	}
}

/* The first segment of the carved range [@va, ...) of @p. */
#define for_each_seg(s, p, va, len)                                        \
	for (struct seg *s = *link_at((p), (va)); s && s->start < (va) + (len); \
	     s = s->next)

static struct seg *seg_at(int p, unsigned long va)
{
	struct seg *s = *link_at(p, va);

	return s && s->start <= va ? s : NULL;
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

/* Add @v to what @s may hold (0 stays a member when it was the value). */
static void seg_add(struct seg *s, uint64_t v)
{
	if (s->nvals == 0) {
		s->nvals = 1;
		s->vals[0] = 0;
	}
	set_add(&s->nvals, s->vals, v);
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

static void prune(void);

bool oracle_for_each_written(int p,
			     bool (*fn)(void *ctx, unsigned long start,
					unsigned long end, int nvals,
					const uint64_t *vals),
			     void *ctx)
{
	prune();
	if (O.log)
		return false;	/* an op in flight: R1 needs the log */
	if (p < 0 || p >= O.nr_procs)
		return true;
	for (const struct seg *s = O.procs[p].head; s; s = s->next)
		if (s->nvals > 0 && !fn(ctx, s->start, s->end, s->nvals,
					 s->vals))
			break;
	return true;
}

/* Remove @p's segments inside the carved range [@va, @va + @len). */
static void drop_range(int p, unsigned long va, unsigned long len)
{
	struct proc *pr = &O.procs[p];

	carve(p, va, len);
	pr->finger = NULL;
	for (struct seg **pp = &pr->head; *pp && (*pp)->start < va + len;) {
		struct seg *s = *pp;

		if (s->start >= va) {
			*pp = s->next;
			seg_free(s);
			continue;
		}
		pp = &s->next;
	}
}

/* ---- the log ---- */

static struct oracle_op *op_new(enum okind kind, int p, unsigned long va,
				unsigned long len)
{
	struct oracle_op *o = O.free_ops;

	if (o)
		O.free_ops = o->next;
	else
		o = sim_zalloc(sizeof(*o));
	*o = (struct oracle_op){ .kind = kind, .p = p, .va = va, .len = len,
				 .begin = ++O.now };
	*O.log_tail = o;
	O.log_tail = &o->next;
	return o;
}

/* Does @o (a store or a zap) write words of [@va, @va + @len)? */
static bool writes(const struct oracle_op *o, int p, unsigned long va,
		   unsigned long len)
{
	return (o->kind == OP_STORE || o->kind == OP_ZAP ||
		o->kind == OP_FREE || o->kind == OP_MAYBE) && o->p == p &&
	       o->va < va + len && va < o->va + o->len;
}

/* Did @o overlap the interval [@begin, @end] in time (@end 0: now)? */
static bool overlapped(const struct oracle_op *o, uint64_t begin,
		       uint64_t end)
{
	return (!end || o->begin < end) && (!o->end || o->end > begin);
}

/*
 * prune - drop ended ops that no op in flight can overlap any more (they
 * ended before the earliest in-flight op began), and ended ops nothing
 * scans after their end (loads, copies, pins).
 */
static void prune(void)
{
	uint64_t first = 0;
	struct oracle_op **pp;

	for (struct oracle_op *o = O.log; o; o = o->next)
		if (!o->end) {
			first = o->begin;
			break;
		}
	O.log_tail = &O.log;
	for (pp = &O.log; *pp;) {
		struct oracle_op *o = *pp;

		if (o->end && (o->kind == OP_LOAD || o->kind == OP_COPY ||
			       o->kind == OP_PIN || !first || o->end < first)) {
			*pp = o->next;
			o->next = O.free_ops;
			O.free_ops = o;
			continue;
		}
		O.log_tail = &o->next;
		pp = &o->next;
	}
}

/* ---- stores, zaps, madvise ---- */

struct oracle_op *oracle_store_begin(int p, unsigned long va,
				     unsigned long len, uint64_t val)
{
	struct oracle_op *o = op_new(OP_STORE, p, va, len);

	o->val = val;
	return o;
}

struct oracle_op *oracle_zap_begin(int p, unsigned long va,
				   unsigned long len)
{
	return op_new(OP_ZAP, p, va, len);
}

/* A store that may or may not reach @p's memory (a FOLL_GET DMA). */
struct oracle_op *oracle_maybe_store_begin(int p, unsigned long va,
					   unsigned long len, uint64_t val)
{
	struct oracle_op *o = op_new(OP_MAYBE, p, va, len);

	o->val = val;
	return o;
}

/* R8: MADV_FREE of the range. */
struct oracle_op *oracle_free_begin(int p, unsigned long va,
				    unsigned long len)
{
	return op_new(OP_FREE, p, va, len);
}

struct oracle_op *oracle_wipeonfork_begin(int p, unsigned long va,
					  unsigned long len, bool on)
{
	struct oracle_op *o = op_new(OP_WIPE, p, va, len);

	o->val = on;
	return o;
}

/*
 * A store or zap @o ended (R2): its range holds its value, or that of an
 * ended store or zap that overlapped it in time and may have landed after.
 */
static void write_end(struct oracle_op *o)
{
	bool zap = o->kind == OP_ZAP;

	carve(o->p, o->va, o->len);
	/* R8: MADV_FREE adds zero to what each word may hold */
	if (o->kind == OP_FREE) {
		for_each_seg(s, o->p, o->va, o->len) {
			seg_add(s, 0);
			s->populated = false;
		}
		return;
	}
	/* a store that may not have landed adds its value */
	if (o->kind == OP_MAYBE) {
		for_each_seg(s, o->p, o->va, o->len)
			seg_add(s, o->val);
		return;
	}
	for_each_seg(s, o->p, o->va, o->len) {
		s->nvals = zap ? 0 : 1;
		s->vals[0] = zap ? 0 : o->val;
		s->populated = !zap;
		/* it may have landed before the move: the range is empty */
		if (o->straddled) {
			seg_add(s, 0);
			s->populated = false;
		}
	}
	for (struct oracle_op *t = O.log; t; t = t->next) {
		unsigned long lo, hi;

		if (t == o || !t->end || !writes(t, o->p, o->va, o->len) ||
		    t->end < o->begin)
			continue;
		lo = t->va > o->va ? t->va : o->va;
		hi = t->va + t->len < o->va + o->len ? t->va + t->len :
						       o->va + o->len;
		carve(o->p, lo, hi - lo);
		for_each_seg(s, o->p, lo, hi - lo) {
			bool val = t->kind == OP_STORE || t->kind == OP_MAYBE;

			seg_add(s, val ? t->val : 0);
			if (!val)
				s->populated = false;
		}
	}
}

void oracle_end(struct oracle_op *o)
{
	if (!o)
		return;
	o->end = ++O.now;
	if (o->kind == OP_WIPE) {
		carve(o->p, o->va, o->len);
		for_each_seg(s, o->p, o->va, o->len) {
			s->wipe = o->val;
			s->wipe_unknown = false;
		}
	} else {
		write_end(o);
	}
	prune();
}

void oracle_cancel(struct oracle_op *o)
{
	if (!o)
		return;
	/* an empty range: no word to write now, none for a later end */
	o->len = 0;
	o->end = ++O.now;
	prune();
}

/* ---- loads ---- */

struct oracle_op *oracle_load_begin(int p, unsigned long va)
{
	struct oracle_op *o = op_new(OP_LOAD, p, va, 8);

	o->nvals = values_at(p, va, o->vals);
	return o;
}

bool oracle_load_end(struct oracle_op *l, uint64_t got, char *why,
		     size_t whylen)
{
	int n;
	uint64_t vals[ORACLE_VALS];
	size_t off = 0;
	bool ok = false;

	if (!l)
		return true;
	l->end = ++O.now;
	n = l->nvals;
	memcpy(vals, l->vals, sizeof(vals));
	/* R1: stores and zaps that overlapped the load in time */
	for (struct oracle_op *s = O.log; s; s = s->next)
		if (writes(s, l->p, l->va, 8) && overlapped(s, l->begin,
							     l->end))
			set_add(&n, vals, s->kind == OP_STORE ||
					  s->kind == OP_MAYBE ? s->val : 0);
	for (int i = 0; i < n && !ok; i++)
		ok = vals[i] == got;
	if (n < 0)
		ok = true;
	if (!ok && why && whylen) {
		off += snprintf(why + off, whylen - off,
				"load of 0x%lx returned 0x%llx; the program "
				"could only have seen ",
				l->va, (unsigned long long)got);
		if (off < whylen)
			oracle_format_vals(why + off, whylen - off, n, vals);
	}
	prune();
	return ok;
}

void oracle_format_vals(char *s, size_t n, int nvals, const uint64_t *vals)
{
	size_t off = 0;

	s[0] = 0;
	for (int i = 0; i < nvals && off < n; i++)
		off += snprintf(s + off, n - off, "%s0x%llx",
				i ? (i == nvals - 1 ? " or " : ", ") : "",
				(unsigned long long)vals[i]);
}

/* ---- fork and ghosts ---- */

/* A copy of [@va, @va + @len) of @parent as a new process. */
static int copy_begin(int parent, unsigned long va, unsigned long len,
		      bool fork)
{
	int c = oracle_process_new();
	struct seg **tail = &O.procs[c].head;
	struct oracle_op *o;

	for (struct seg *s = O.procs[parent].head; s && s->start < va + len;
	     s = s->next) {
		if (s->end <= va)
			continue;
		*tail = seg_new(s->start > va ? s->start : va,
				s->end < va + len ? s->end : va + len, s);
		tail = &(*tail)->next;
	}
	o = op_new(OP_COPY, parent, va, len);
	o->child = c;
	o->fork = fork;
	return c;
}

/*
 * For a fork (R3), the wipe-on-fork part: carve the child at every
 * madvise wipeonfork/keeponfork by @parent that overlapped the fork
 * [@begin, @end] in time and mark those segments unknown.
 */
static void mark_wipe_races(int parent, int child, uint64_t begin,
			    uint64_t end)
{
	for (struct oracle_op *t = O.log; t; t = t->next) {
		if (t->kind != OP_WIPE || t->p != parent ||
		    !overlapped(t, begin, end))
			continue;
		carve(child, t->va, t->len);
		for_each_seg(s, child, t->va, t->len)
			s->wipe_unknown = true;
	}
}

static void copy_end(int parent, int child)
{
	struct oracle_op *c = NULL;

	for (struct oracle_op *o = O.log; o; o = o->next)
		if (o->kind == OP_COPY && o->child == child && !o->end)
			c = o;
	if (!c)
		return;
	c->end = ++O.now;
	if (c->fork)
		mark_wipe_races(parent, child, c->begin, c->end);
	/* a store or zap by the parent in flight during the copy: maybe */
	for (struct oracle_op *t = O.log; t; t = t->next) {
		unsigned long lo, hi;

		if (!writes(t, parent, c->va, c->len) ||
		    !overlapped(t, c->begin, c->end))
			continue;
		if (!c->fork && t->kind != OP_STORE)
			continue;	/* a zap unmaps a ghost, never writes it */
		lo = t->va > c->va ? t->va : c->va;
		hi = t->va + t->len < c->va + c->len ? t->va + t->len :
						       c->va + c->len;
		carve(child, lo, hi - lo);
		for_each_seg(s, child, lo, hi - lo) {
			if (c->fork && s->wipe && !s->wipe_unknown)
				continue;	/* wiped: nothing reaches it */
			seg_add(s, t->kind == OP_STORE ? t->val : 0);
			if (t->kind != OP_STORE)
				s->populated = false;
		}
	}
	if (c->fork) {
		for (struct seg *s = O.procs[child].head; s; s = s->next) {
			if (s->wipe_unknown) {
				seg_add(s, 0);
				s->populated = false;
			} else if (s->wipe) {
				s->nvals = 0;
				s->populated = false;
			}
		}
	}
	prune();
}

int oracle_fork_begin(int parent)
{
	return copy_begin(parent, 0, ~0UL, true);
}

void oracle_fork_end(int parent, int child)
{
	copy_end(parent, child);
}

int oracle_ghost_begin(int p, unsigned long va, unsigned long len)
{
	return copy_begin(p, va, len, false);
}

void oracle_ghost_end(int p, int ghost)
{
	copy_end(p, ghost);
}

/* ---- pins ---- */

/* May page @va of @p be unpopulated (no store surely landed, R4)? */
static bool page_unpopulated(int p, unsigned long va)
{
	for (struct seg *s = *link_at(p, va); s && s->start < va + 4096;
	     s = s->next)
		if (s->populated)
			return false;
	return true;
}

struct oracle_op *oracle_pin_begin(int p, unsigned long va, int npages)
{
	struct oracle_op *o = op_new(OP_PIN, p, va, (unsigned long)npages *
							 4096);

	o->unpopulated = sim_zalloc(sizeof(bool) * (npages ? npages : 1));
	for (int i = 0; i < npages; i++)
		o->unpopulated[i] = page_unpopulated(p, va + i * 4096UL);
	return o;
}

/*
 * R4: page i may be the zero page if it was unpopulated when the pin
 * began or is now, or a zap of it overlapped the pin (GUP may have faulted
 * the zero page in after the zap).
 */
void oracle_pin_end(struct oracle_op *o, bool *zero)
{
	int n = (int)(o->len / 4096);

	o->end = ++O.now;
	for (int i = 0; i < n; i++) {
		unsigned long va = o->va + i * 4096UL;

		zero[i] = o->unpopulated[i] || page_unpopulated(o->p, va);
		for (struct oracle_op *t = O.log; t && !zero[i]; t = t->next)
			zero[i] = t->kind != OP_STORE &&
				  writes(t, o->p, va, 4096) &&
				  overlapped(t, o->begin, o->end);
	}
	sim_free(o->unpopulated);
	prune();
}

/* ---- unmap, mremap ---- */

void oracle_unmap(int p, unsigned long va, unsigned long len)
{
	drop_range(p, va, len);
}

void oracle_move(int p, unsigned long from, unsigned long to,
		 unsigned long len)
{
	struct seg *moved = NULL, **tail = &moved;

	carve(p, from, len);
	for_each_seg(s, p, from, len) {
		*tail = seg_new(s->start - from + to, s->end - from + to, s);
		tail = &(*tail)->next;
	}
	drop_range(p, from, len);
	drop_range(p, to, len);
	for (struct seg *m = moved, *next; m; m = next) {
		next = m->next;
		carve(p, m->start, m->end - m->start);
		for_each_seg(s, p, m->start, m->end - m->start) {
			struct seg *keep = s->next;

			*s = *m;
			s->start = m->start;
			s->end = m->end;
			s->next = keep;
		}
		seg_free(m);
	}
	/*
	 * A store or zap of the old range still in flight may have landed
	 * before the move (then it moved with the page) or after (then it
	 * hit the old range: the runner's end of it records that).
	 */
	for (struct oracle_op *t = O.log; t; t = t->next) {
		unsigned long lo, hi;

		/* a load of the old range may read it emptied (dontunmap) */
		if (!t->end && t->kind == OP_LOAD && t->p == p &&
		    t->va >= from && t->va < from + len)
			set_add(&t->nvals, t->vals, 0);
		if (t->end || !writes(t, p, from, len))
			continue;
		t->straddled = true;
		lo = t->va > from ? t->va : from;
		hi = t->va + t->len < from + len ? t->va + t->len : from + len;
		carve(p, lo - from + to, hi - lo);
		for_each_seg(s, p, lo - from + to, hi - lo) {
			seg_add(s, t->kind == OP_STORE ? t->val : 0);
			if (t->kind != OP_STORE)
				s->populated = false;
		}
	}
}
