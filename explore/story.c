// SPDX-License-Identifier: GPL-2.0
/*
 * explore/story.c - the story of a failing execution (explore/story.h).
 *
 * Recording. The schedule is replayed under a guided strategy that notes
 * every preemption, with a trace hook that sees each event as it is
 * recorded. A task stops *before* the access its event names and performs
 * it when it runs again, so when task T records event j, T's previous
 * event p is done: its reads saw the writes that were done before (the
 * write events of other tasks whose next event came earlier), and every
 * change since the previous event's hook is T's, made by p's access and
 * the code after it. The hook then walks every live mm's tables
 * (describe_walk: plain loads, no yield point) and every folio seen so
 * far, and diffs them against the last walk: those are p's changes.
 * SIM: a store-buffer drain (memory=tso|arm64) done between two events is
 * charged to the task of the second.
 *
 * Slicing. The objects of the violating event (and of the failing task's
 * events in the same scenario op) are involved; so is every folio an
 * involved entry pointed to and every entry that pointed to an involved
 * folio, the entry above an involved entry (the PMD above a PTE, the PUD
 * above a PMD, the PGD above a PUD) and the page table holding it (its
 * PTL). An event is in the slice when it touches an involved object
 * or changed one; then, transitively, the reads whose values another task
 * wrote, made by a sliced event's task in the same function just before
 * it (the same op, for the violating task), and those writes. The story
 * shows the sliced events that changed something, wrote, or read another
 * task's write; the rest is summarised per task and function.
 */
#ifndef SIM_STRESS
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/story.h"
#include <execinfo.h>

#include "explore/symbols.h"
#include "mm.h"

#define STORY_MAX_EVENTS 200000
#define STORY_MAX_CHANGES 6		/* per step, then "... and N more" */
#define STORY_MAX_PAGES 12		/* entries in the timelines */
#define HBITS 14			/* hash buckets: 1 << HBITS */

/* ---- a small open-addressing map: uint64 key -> int ---- */

struct hmap {
	uint64_t *key;
	int *val;
	size_t cap, n;
};

static uint64_t hmix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static int hmap_get(const struct hmap *m, uint64_t k)
{
	if (!m->cap)
		return -1;
	for (size_t i = hmix(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->val[i] < 0)
			return -1;
		if (m->key[i] == k)
			return m->val[i];
	}
}

static void hmap_put(struct hmap *m, uint64_t k, int v);

static void hmap_grow(struct hmap *m)
{
	struct hmap o = *m;

	m->cap = o.cap ? o.cap * 2 : 1 << HBITS;
	m->key = calloc(m->cap, sizeof(*m->key));
	m->val = malloc(m->cap * sizeof(*m->val));
	m->n = 0;
	if (!m->key || !m->val)
		abort();
	memset(m->val, 0xff, m->cap * sizeof(*m->val));
	for (size_t i = 0; i < o.cap; i++)
		if (o.val[i] >= 0)
			hmap_put(m, o.key[i], o.val[i]);
	free(o.key);
	free(o.val);
}

static void hmap_put(struct hmap *m, uint64_t k, int v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		hmap_grow(m);
	for (i = hmix(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->val[i] < 0) {
			m->n++;
			break;
		}
		if (m->key[i] == k)
			break;
	}
	m->key[i] = k;
	m->val[i] = v;
}

static void hmap_free(struct hmap *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* ---- recording state (one story at a time) ---- */

static struct {
	struct story *s;
	struct hmap entries;	/* (mm id, va, level) -> obj */
	struct hmap slots;	/* slot address -> obj */
	struct hmap folios;	/* pfn -> obj */
	struct hmap tables;	/* table frame pfn -> obj (SO_TABLE) */
	struct hmap tbase;	/* table frame pfn -> index into tb[] */
	struct { struct mm_struct *mm; unsigned long base; int lvl; } *tb;
	int nr_tb, cap_tb;
	struct hmap lastw;	/* address -> last write event done */
	int last[SIM_MAX_TASKS];	/* each task's last event */
	unsigned gen;
	bool oom, in_hook;
	struct sim_strategy *inner;
	int next_preempt;	/* preemption number for the next event */
} R;

static void *grow(void *p, int *cap, int need, size_t size)
{
	void *n;

	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 256;
	if (*cap < need)
		*cap = need;
	n = realloc(p, (size_t)*cap * size);
	if (!n)
		abort();
	return n;
}

/* Entry levels the story follows: 0 PTE, 1 PMD, 2 PUD, 3 PGD. */
static int lvl_of(int level)
{
	return level == PSTATE_PTE ? 0 : level == PSTATE_PUD ? 2 :
	       level == PSTATE_PGD ? 3 : 1;
}

/* The span of address space one entry of level @lvl maps. */
static unsigned long lvl_span(int lvl)
{
	static const unsigned long span[4] = { PAGE_SIZE, PMD_SIZE,
					       PUD_SIZE, PGDIR_SIZE };

	return span[lvl];
}

static uint64_t entry_key(const struct mm_struct *mm, unsigned long va,
			  int lvl)
{
	return ((uint64_t)mm->id << 52) ^ (va >> PAGE_SHIFT << 2) ^ lvl;
}

static int new_obj(int type)
{
	struct story *s = R.s;
	struct story_obj *o;

	s->obj = grow(s->obj, &s->cap_obj, s->nr_obj + 1, sizeof(*s->obj));
	o = &s->obj[s->nr_obj];
	memset(o, 0, sizeof(*o));
	o->type = type;
	o->pfn = ~0UL;
	o->first_ev = s->nr_ev - 1;
	return s->nr_obj++;
}

static void name_entry(struct story_obj *o)
{
	const struct mmsim_program *p = R.s->p;

	if (p->name_va) {
		p->name_va(p->arg, o->mm, o->va, o->proc, sizeof(o->proc),
			   o->where, sizeof(o->where));
	} else {
		snprintf(o->proc, sizeof(o->proc), "mm%d", o->mm_id);
		snprintf(o->where, sizeof(o->where), "%#lx", o->va);
	}
}

static void entry_text(const struct story_obj *o, char *buf, size_t len)
{
	struct pstate_entry e = { o->mm, o->va, o->level, o->slot, 0,
				  o->val, o->pfn };
	size_t n;

	describe_entry_state(&e, buf, len);
	n = strlen(buf);
	if (o->pfn != ~0UL && o->level != PSTATE_TABLE &&
	    o->level != PSTATE_PUD && o->level != PSTATE_PGD && n < len)
		snprintf(buf + n, len - n, ", folio %#lx", o->pfn);
}

static void folio_text(const struct story_obj *o, char *buf, size_t len)
{
	if (!o->valid)
		snprintf(buf, len, "not a folio (freed)");
	else
		describe_folio_text(&o->f, buf, len);
}

static void add_change(int ev, int obj, const char *before, const char *after)
{
	struct story *s = R.s;

	s->ch = grow(s->ch, &s->cap_ch, s->nr_ch + 1, sizeof(*s->ch));
	s->ch[s->nr_ch++] = (struct story_change){
		ev, obj, strdup(before), strdup(after) };
}

static int folio_obj(unsigned long pfn, bool create);

/* The table frame holding entries of @mm at @base (level @lvl). */
static void note_table(uintptr_t slot, struct mm_struct *mm, unsigned long va,
		       int lvl)
{
	unsigned long tpfn = __pa_host((void *)slot) >> PAGE_SHIFT;
	unsigned long span = lvl_span(lvl);
	unsigned long idx = (slot & (PAGE_SIZE - 1)) / sizeof(unsigned long);
	unsigned long base = va - idx * span;
	int i = hmap_get(&R.tbase, tpfn);

	if (i >= 0 && R.tb[i].mm == mm && R.tb[i].base == base &&
	    R.tb[i].lvl == lvl)
		return;
	if (i < 0) {
		R.tb = grow(R.tb, &R.cap_tb, R.nr_tb + 1, sizeof(*R.tb));
		i = R.nr_tb++;
		hmap_put(&R.tbase, tpfn, i);
	}
	R.tb[i].mm = mm;
	R.tb[i].base = base;
	R.tb[i].lvl = lvl;
}

static int entry_obj(struct mm_struct *mm, unsigned long va, int lvl,
		     uintptr_t slot)
{
	static const uint8_t level[4] = { PSTATE_PTE, PSTATE_PMD, PSTATE_PUD,
					  PSTATE_PGD };
	uint64_t k = entry_key(mm, va, lvl);
	int i = hmap_get(&R.entries, k);
	struct story_obj *o;

	if (i >= 0) {
		if (R.s->obj[i].slot != slot) {
			R.s->obj[i].slot = slot;
			hmap_put(&R.slots, __pa_host((void *)slot), i);
		}
		return i;
	}
	i = new_obj(SO_ENTRY);
	o = &R.s->obj[i];
	o->mm = mm;
	o->mm_id = mm->id;
	o->va = va;
	o->level = level[lvl];
	o->slot = slot;
	o->gen = R.gen;
	name_entry(o);
	o->first = strdup("none");
	hmap_put(&R.entries, k, i);
	hmap_put(&R.slots, __pa_host((void *)slot), i);
	return i;
}

static void note_pfn(struct story_obj *o, unsigned long pfn)
{
	for (int k = 0; k < o->nr_pfns; k++)
		if (o->pfns[k] == pfn)
			return;
	if (o->nr_pfns < 8)
		o->pfns[o->nr_pfns++] = pfn;
}

/* A snapshot's entry: create or update its object, noting changes. */
static void see_entry(void *ctx, const struct pstate_entry *e)
{
	int attr = *(int *)ctx;
	int i = entry_obj(e->mm, e->va, lvl_of(e->level), e->slot);
	struct story_obj *o = &R.s->obj[i];
	char before[128], after[128];

	note_table(e->slot, e->mm, e->va, lvl_of(e->level));
	o->gen = R.gen;
	if (o->val == e->val && o->level == e->level)
		return;
	entry_text(o, before, sizeof(before));
	o->val = e->val;
	o->level = e->level;
	o->pfn = e->level >= PSTATE_TABLE ? ~0UL : e->pfn;
	if (o->pfn != ~0UL) {
		note_pfn(o, o->pfn);
		folio_obj(o->pfn, true);
	}
	entry_text(o, after, sizeof(after));
	if (attr >= 0 && strcmp(before, after))
		add_change(attr, i, before, after);
}

static int folio_obj(unsigned long pfn, bool create)
{
	int i = hmap_get(&R.folios, pfn);
	struct story_obj *o;

	if (i >= 0 || !create)
		return i;
	i = new_obj(SO_FOLIO);
	o = &R.s->obj[i];
	o->pfn = pfn;
	o->gen = R.gen;
	o->valid = describe_folio_state(pfn, &o->f);
	hmap_put(&R.folios, pfn, i);
	{
		char buf[128];

		folio_text(o, buf, sizeof(buf));
		o->first = strdup(buf);
	}
	return i;
}

static int table_obj(unsigned long pfn)
{
	int i = hmap_get(&R.tables, pfn);

	if (i >= 0)
		return i;
	i = new_obj(SO_TABLE);
	R.s->obj[i].pfn = pfn;
	R.s->obj[i].first = strdup("");
	hmap_put(&R.tables, pfn, i);
	return i;
}

/*
 * The story object an event's address names, created if need be: page
 * tables are named by the simulated physical address of the entry, user
 * data by that of its folio's first byte, struct pages (refcount, flags,
 * a table's PTL) by their host address.
 */
static int obj_of(uintptr_t a)
{
	unsigned long pfn;
	int i;

	if (!a)
		return -1;
	if (a < (max_pfn << PAGE_SHIFT)) {
		unsigned long tpfn = a >> PAGE_SHIFT;
		unsigned long idx = (a & (PAGE_SIZE - 1)) /
				    sizeof(unsigned long);
		int t;

		i = hmap_get(&R.slots, a);
		if (i >= 0)
			return i;
		t = hmap_get(&R.tbase, tpfn);
		if (t >= 0 && describe_struct_page_pfn(
				      (uintptr_t)&mem_map[tpfn]) == ~0UL)
			return entry_obj(R.tb[t].mm, R.tb[t].base + idx *
					 lvl_span(R.tb[t].lvl), R.tb[t].lvl,
					 (uintptr_t)__pfn_va(tpfn) +
						 idx * sizeof(unsigned long));
		pfn = describe_struct_page_pfn((uintptr_t)&mem_map[tpfn]);
		if (pfn == ~0UL)
			return -1;	/* a table not installed yet */
		return folio_obj(pfn, true);
	}
	/* a struct page: a folio's, or a page table's (its PTL) */
	pfn = describe_struct_page_pfn(a);
	if (pfn != ~0UL)
		return folio_obj(pfn, true);
	if (a >= (uintptr_t)mem_map &&
	    a < (uintptr_t)mem_map + max_pfn * sizeof(struct page))
		return table_obj((a - (uintptr_t)mem_map) /
				 sizeof(struct page));
	return -1;
}

/* Walk every live mm and every folio seen; changes are @attr's. */
static void snapshot(int attr)
{
	struct mm_struct *mm;
	struct story *s = R.s;
	char before[128], after[128];

	R.gen++;
	list_for_each_entry(mm, &sim_mm_list, mm_list) {
		/* the PGD itself, even with no entry set yet */
		note_table((uintptr_t)pgd_offset_pfn(mm->context.pgd_pfn, 0),
			   mm, 0, 3);
		describe_walk(mm, see_entry, &attr);
	}
	for (int i = 0; i < s->nr_obj; i++) {
		struct story_obj *o = &s->obj[i];

		if (o->type == SO_ENTRY && o->gen != R.gen && o->val) {
			/* gone from the tables: none (or its mm is gone) */
			entry_text(o, before, sizeof(before));
			o->val = 0;
			o->pfn = ~0UL;
			if (attr >= 0)
				add_change(attr, i, before, "none");
		} else if (o->type == SO_FOLIO) {
			struct pstate_folio f = { 0 };
			bool valid = describe_folio_state(o->pfn, &f);

			if (valid == o->valid && (!valid ||
			    !memcmp(&f, &o->f, sizeof(f))))
				continue;
			folio_text(o, before, sizeof(before));
			o->valid = valid;
			o->f = f;
			folio_text(o, after, sizeof(after));
			if (attr >= 0 && strcmp(before, after))
				add_change(attr, i, before, after);
		}
	}
}

static void describe_obj_now(int obj, char *buf, size_t len)
{
	const struct story_obj *o = &R.s->obj[obj];

	if (o->type == SO_ENTRY)
		entry_text(o, buf, len);
	else if (o->type == SO_FOLIO)
		folio_text(o, buf, len);
	else
		buf[0] = 0;
}

/* Event @p's access is done (its task recorded its next event). */
static void ev_done(int p)
{
	struct story_ev *e = &R.s->ev[p];
	int m1 = sim_access_mode(e->kind);
	int m2 = e->kind2 < SIM_EV__NR ? sim_access_mode(e->kind2) : 0;
	int w;

	e->done = true;
	if (m1 == 1 || (m1 == 2 && e->kind == SIM_EV_RMW)) {
		w = hmap_get(&R.lastw, e->addr);
		if (w >= 0 && R.s->ev[w].task != e->task)
			e->writer = w;
	}
	if (m2 == 1 && e->writer < 0) {
		w = hmap_get(&R.lastw, e->addr2);
		if (w >= 0 && R.s->ev[w].task != e->task)
			e->writer = w;
	}
	if (e->writer >= 0 && (e->obj1 >= 0 || e->obj2 >= 0)) {
		char buf[128];

		describe_obj_now(e->obj1 >= 0 ? e->obj1 : e->obj2, buf,
				 sizeof(buf));
		e->seen = strdup(buf);
	} else if (m1 == 1 && e->obj1 >= 0 &&
		   R.s->obj[e->obj1].type == SO_ENTRY &&
		   !R.s->obj[e->obj1].val) {
		/* a walk that finds nothing (an rmap walk missing a PTE) */
		e->saw_none = true;
		e->seen = strdup("none");
	}
	if (m1 == 2)
		hmap_put(&R.lastw, e->addr, p);
	if (m2 == 2)
		hmap_put(&R.lastw, e->addr2, p);
}

/*
 * The kernel functions the event's task is in, outermost first: its
 * frames below the scenario runner (or the task's entry), without the
 * scheduler's and the story's own, each with the functions the compiler
 * inlined into it at the call (explore/symbols.c), then the yield site's
 * function if it is not the innermost already.
 */
static void call_chain(struct story_ev *e)
{
	void *bt[32];
	const char *v[32];
	int n = backtrace(bt, 32), k = 0;

	for (int i = 1; i < n && k < 32; i++) {
		const char *file = NULL, *name = sym_name(bt[i], &file);
		const char *in[8];
		int m;

		if (!name)
			continue;
		if (file && !strcmp(file, "runner.c"))
			break;
		if (!strncmp(name, "sim_", 4) || !strcmp(name, "hook") ||
		    !strcmp(name, "call_chain") ||
		    (file && (!strcmp(file, "sched.c") ||
			      !strcmp(file, "story.c") ||
			      !strcmp(file, "program.c"))))
			continue;
		/* innermost first: the inlined ones, then the frame's own
		 * (its symbol's name: foo.isra.0 is foo) */
		m = sym_inlined(bt[i], in, 7);
		if (!m || strcmp(in[m - 1], name))
			in[m++] = name;
		/* the yield's caller: the site is in e->site->func, whatever
		 * the optimised code's line table says about the call */
		for (int j = 0; !k && j < m; j++)
			if (!strcmp(in[j], e->site->func)) {
				memmove(in, &in[j], (m - j) * sizeof(in[0]));
				m -= j;
				break;
			}
		for (int j = 0; j < m && k < 32; j++)
			if (strncmp(in[j], "sim_", 4) &&
			    (!k || strcmp(v[k - 1], in[j])))
				v[k++] = in[j];
	}
	/* v[] is innermost first */
	if (!k || strcmp(v[0], e->site->func)) {
		memmove(&v[1], &v[0], (k < 31 ? k : 31) * sizeof(v[0]));
		v[0] = e->site->func;
		k += k < 31;
	}
	if (k > STORY_CHAIN)
		k = STORY_CHAIN;
	e->nchain = k;
	for (int i = 0; i < k; i++)
		e->chain[i] = v[k - 1 - i];
}

static void hook(const struct sim_event *se)
{
	struct story *s = R.s;
	struct story_ev *e;
	int kind2, prev, t = se->task;
	uintptr_t a2;

	if (R.in_hook || s->nr_ev >= STORY_MAX_EVENTS) {
		s->truncated |= s->nr_ev >= STORY_MAX_EVENTS;
		return;
	}
	R.in_hook = true;
	a2 = sim_trace_second(&kind2);
	s->ev = grow(s->ev, &s->cap_ev, s->nr_ev + 1, sizeof(*s->ev));
	e = &s->ev[s->nr_ev++];
	*e = (struct story_ev){
		.step = se->step, .task = se->task, .kind = se->kind,
		.kind2 = (uint8_t)kind2, .addr = se->addr, .addr2 = a2,
		.site = se->site, .obj1 = -1, .obj2 = -1, .writer = -1,
	};
	call_chain(e);
	if (R.next_preempt && se->kind != SIM_EV_MARK) {
		e->preempt = R.next_preempt;
		R.next_preempt = 0;
	}
	if (t < SIM_MAX_TASKS) {
		if (s->p->task_op)
			e->op = s->p->task_op(s->p->arg, t);
		if (t >= s->nr_tasks) {
			for (int k = s->nr_tasks; k <= t; k++)
				snprintf(s->task_name[k],
					 sizeof(s->task_name[k]), "%s",
					 sim_task_name(k));
			s->nr_tasks = t + 1;
		}
	}
	prev = t < SIM_MAX_TASKS ? R.last[t] : -1;
	if (prev >= 0)
		ev_done(prev);
	{
		int attr = prev >= 0 ? prev : s->nr_ev - 1, c0 = s->nr_ch;

		snapshot(attr);
		if (s->nr_ch > c0) {
			s->ev[attr].ch0 = c0;
			s->ev[attr].nch = s->nr_ch - c0;
		}
	}
	e = &s->ev[s->nr_ev - 1];
	e->obj1 = obj_of(e->addr);
	e->obj2 = e->addr2 ? obj_of(e->addr2) : -1;
	if (t < SIM_MAX_TASKS)
		R.last[t] = s->nr_ev - 1;
	R.in_hook = false;
}

/* ---- the strategy: guided, noting preemptions ---- */

static int nr_preempt;

static void wrap_begin(struct sim_strategy *st, uint64_t seed)
{
	R.inner->begin(R.inner, seed);
}

static int wrap_pick(struct sim_strategy *st, const struct sim_sched_view *v)
{
	int t = R.inner->pick(R.inner, v);
	int cur = v->current;

	if (cur >= 0 && (v->runnable >> cur & 1) && t != cur &&
	    t < SIM_MAX_TASKS)
		R.next_preempt = ++nr_preempt;
	return t;
}

/* ---- slicing ---- */

static bool writes(const struct story_ev *e)
{
	return sim_access_mode(e->kind) == 2 ||
	       (e->kind2 < SIM_EV__NR && sim_access_mode(e->kind2) == 2);
}

static void involve(struct story *s, int i, bool *changed)
{
	if (i >= 0 && !s->obj[i].involved) {
		s->obj[i].involved = true;
		*changed = true;
	}
}

/* Entries <-> folios, PMD above a PTE, table under an entry. */
static void close_objects(struct story *s)
{
	bool changed = true;

	for (int round = 0; changed && round < 8; round++) {
		changed = false;
		for (int i = 0; i < s->nr_obj; i++) {
			struct story_obj *o = &s->obj[i];

			if (o->type != SO_ENTRY)
				continue;
			for (int k = 0; k < o->nr_pfns; k++) {
				int f = hmap_get(&R.folios, o->pfns[k]);

				if (f < 0)
					continue;
				if (o->involved)
					involve(s, f, &changed);
				else if (s->obj[f].involved)
					involve(s, i, &changed);
			}
			if (!o->involved)
				continue;
			/* the entry above it: PMD, PUD, PGD */
			if (o->level != PSTATE_PGD) {
				int up = lvl_of(o->level) + 1;

				involve(s, hmap_get(&R.entries,
						    entry_key(o->mm, o->va &
							      ~(lvl_span(up) - 1),
							      up)),
					&changed);
			}
			involve(s, hmap_get(&R.tables,
					    __pa_host((void *)o->slot) >>
						    PAGE_SHIFT),
				&changed);
		}
	}
}

static bool ev_changes_involved(const struct story *s, const struct story_ev *e)
{
	for (int c = e->ch0; c < e->ch0 + e->nch; c++)
		if (s->obj[s->ch[c].obj].involved)
			return true;
	return false;
}

static bool ev_touches(const struct story *s, const struct story_ev *e,
		       const struct hmap *addrs)
{
	return (e->obj1 >= 0 && s->obj[e->obj1].involved) ||
	       (e->obj2 >= 0 && s->obj[e->obj2].involved) ||
	       hmap_get(addrs, e->addr) >= 0 ||
	       (e->addr2 && hmap_get(addrs, e->addr2) >= 0);
}

/*
 * Mark the reads before sliced event @i of its task (same function run;
 * the same op for the violating event) that saw another task's write;
 * their addresses become involved.
 */
static bool pull_reads(struct story *s, int i, struct hmap *addrs)
{
	const struct story_ev *e = &s->ev[i];
	bool more = false;

	for (int j = i; j >= 0; j--) {
		struct story_ev *r = &s->ev[j];

		if (r->task != e->task)
			continue;
		if (i == s->viol ? r->op != e->op :
				   r->site->func != e->site->func)
			break;
		if (r->writer < 0)
			continue;
		if (!r->rel || !s->ev[r->writer].rel) {
			r->rel = true;
			s->ev[r->writer].rel = true;
			more = true;
		}
		if (hmap_get(addrs, r->addr) < 0) {
			hmap_put(addrs, r->addr, 1);
			more = true;
		}
	}
	return more;
}

static void slice(struct story *s)
{
	struct hmap addrs = { 0 };
	bool changed = false;
	int v = s->viol;

	if (v >= 0 && s->res.fail_task >= 0) {
		const char *op = s->ev[v].op;

		for (int j = v; j >= 0; j--) {
			if (s->ev[j].task != s->ev[v].task)
				continue;
			if (s->ev[j].op != op)
				break;
			involve(s, s->ev[j].obj1, &changed);
			involve(s, s->ev[j].obj2, &changed);
		}
	}
	if (!changed)	/* an end check, or nothing to go on: all changes */
		for (int c = 0; c < s->nr_ch; c++)
			s->obj[s->ch[c].obj].involved = changed = true;
	if (!changed) {
		/* no page at all (a C program): what two tasks accessed,
		 * one of them writing */
		struct hmap tasks = { 0 }, wrote = { 0 };

		s->no_pages = true;
		for (int i = 0; i < s->nr_ev; i++) {
			const struct story_ev *e = &s->ev[i];
			int m = sim_access_mode(e->kind), t;

			if (m != 1 && m != 2)
				continue;
			t = hmap_get(&tasks, e->addr);
			if (t >= 0 && t != e->task)
				t = SIM_MAX_TASKS;	/* shared */
			hmap_put(&tasks, e->addr, t >= 0 ? t : e->task);
			if (m == 2)
				hmap_put(&wrote, e->addr, 1);
		}
		for (int i = 0; i < s->nr_ev; i++)
			if (hmap_get(&tasks, s->ev[i].addr) == SIM_MAX_TASKS &&
			    hmap_get(&wrote, s->ev[i].addr) >= 0)
				hmap_put(&addrs, s->ev[i].addr, 1);
		hmap_free(&tasks);
		hmap_free(&wrote);
	}
	close_objects(s);
	if (v >= 0)
		s->ev[v].rel = true;
	for (int round = 0; round < 6; round++) {
		bool more = false;

		for (int i = 0; i < s->nr_ev; i++) {
			struct story_ev *e = &s->ev[i];

			if (!e->rel && (ev_changes_involved(s, e) ||
					ev_touches(s, e, &addrs)))
				e->rel = more = true;
		}
		for (int i = 0; i < s->nr_ev; i++)
			if (s->ev[i].rel && (writes(&s->ev[i]) ||
					     s->ev[i].nch || i == v))
				more |= pull_reads(s, i, &addrs);
		if (!more)
			break;
	}
	hmap_free(&addrs);
}

/* Is sliced event @e worth a numbered step? */
static bool shown(const struct story *s, int i)
{
	const struct story_ev *e = &s->ev[i];

	if (!e->rel)
		return false;
	if (i == s->viol || ev_changes_involved(s, e))
		return true;
	if (e->kind == SIM_EV_BLOCK || e->kind == SIM_EV_WAKE)
		return true;
	if (s->no_pages)	/* every access to what the tasks shared */
		return sim_access_mode(e->kind) == 1 ||
		       sim_access_mode(e->kind) == 2;
	if (e->saw_none && s->obj[e->obj1].involved) {
		/* once per (task, entry, op) */
		for (int j = i - 1; j >= 0 && j >= i - 400; j--)
			if (s->ev[j].task == e->task && s->ev[j].num &&
			    s->ev[j].saw_none && s->ev[j].obj1 == e->obj1 &&
			    s->ev[j].op == e->op)
				return false;
		return true;
	}
	if (e->writer >= 0) {
		/* once per (task, object, write) */
		for (int j = i - 1; j >= 0 && j >= i - 400; j--)
			if (s->ev[j].task == e->task && s->ev[j].num &&
			    s->ev[j].writer == e->writer &&
			    s->ev[j].obj1 == e->obj1 &&
			    s->ev[j].addr == e->addr)
				return false;
		return true;
	}
	/* a write whose effect no change shows: an object other than an
	 * entry, a folio or a table (a sequence count, a flush counter) */
	return writes(e) && e->kind != SIM_EV_UNLOCK &&
	       e->kind != SIM_EV_LOCK && e->obj1 < 0;
}

static const struct story *sort_story;

static int by_at(const void *a, const void *b)
{
	const struct story_ev *x = &sort_story->ev[*(const int *)a];
	const struct story_ev *y = &sort_story->ev[*(const int *)b];

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return *(const int *)a < *(const int *)b ? -1 : 1;
}

/*
 * Number the shown events in the order their accesses were performed: a
 * task stopped at a yield point (preempted) makes its access only when it
 * runs again, after what the other tasks did meanwhile.
 */
static void number_steps(struct story *s)
{
	int next[SIM_MAX_TASKS];

	for (int t = 0; t < SIM_MAX_TASKS; t++)
		next[t] = -1;
	for (int i = s->nr_ev - 1; i >= 0; i--) {
		struct story_ev *e = &s->ev[i];

		e->at = i;
		if (e->task >= SIM_MAX_TASKS)
			continue;
		if (next[e->task] >= 0 && e->kind != SIM_EV_MARK &&
		    i != s->viol)
			e->at = next[e->task];
		next[e->task] = i;
	}
	s->order = calloc(s->nr_ev + 1, sizeof(*s->order));
	if (!s->order)
		return;
	for (int i = 0; i < s->nr_ev; i++)
		if (shown(s, i)) {
			s->order[s->nr_steps++] = i;
			s->ev[i].num = -1;	/* for shown()'s dedup */
		}
	sort_story = s;
	qsort(s->order, s->nr_steps, sizeof(*s->order), by_at);
	for (int k = 0; k < s->nr_steps; k++)
		s->ev[s->order[k]].num = k + 1;
}

struct story *story_build(const struct mmsim_program *p, const char *schedule)
{
	static struct sim_strategy wrap = { "story", wrap_begin, wrap_pick,
					    NULL, NULL };
	struct sim_config cfg = { .strategy = &wrap };
	struct story *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->p = p;
	s->schedule = strdup(schedule);
	s->viol = -1;
	memset(&R, 0, sizeof(R));
	R.s = s;
	R.inner = guided_strategy(schedule);
	for (int t = 0; t < SIM_MAX_TASKS; t++)
		R.last[t] = -1;
	nr_preempt = 0;
	sim_set_trace_hook(hook);
	program_exec(p, &cfg, &s->res);
	sim_set_trace_hook(NULL);
	s->preempts = nr_preempt;
	/* names may have settled (exec's mm became its process's) */
	for (int i = 0; i < s->nr_obj; i++) {
		struct story_obj *o = &s->obj[i];
		struct mm_struct *mm;

		if (o->type != SO_ENTRY)
			continue;
		list_for_each_entry(mm, &sim_mm_list, mm_list)
			if (mm == o->mm && mm->id == o->mm_id)
				name_entry(o);
	}
	/* the violating event: the failing task's last (none for a check
	 * at the end of the execution) */
	if (s->res.outcome != SIM_OK && s->res.fail_task >= 0)
		for (int i = s->nr_ev - 1; i >= 0 && s->viol < 0; i--)
			if (s->ev[i].task == s->res.fail_task)
				s->viol = i;
	slice(s);
	number_steps(s);
	hmap_free(&R.entries);
	hmap_free(&R.slots);
	hmap_free(&R.folios);
	hmap_free(&R.tables);
	hmap_free(&R.tbase);
	hmap_free(&R.lastw);
	free(R.tb);
	memset(&R, 0, sizeof(R));
	return s;
}

void story_free(struct story *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nr_ev; i++)
		free(s->ev[i].seen);
	for (int i = 0; i < s->nr_obj; i++)
		free(s->obj[i].first);
	for (int i = 0; i < s->nr_ch; i++) {
		free(s->ch[i].before);
		free(s->ch[i].after);
	}
	free(s->order);
	free(s->ev);
	free(s->obj);
	free(s->ch);
	free(s->schedule);
	free(s);
}

/* ---- printing ---- */

void story_obj_name(const struct story *s, int i, char *buf, size_t len)
{
	const struct story_obj *o = &s->obj[i];

	switch (o->type) {
	case SO_ENTRY:
		snprintf(buf, len, "%s of %s:%s",
			 o->level == PSTATE_PTE ? "PTE" :
			 o->level == PSTATE_PUD ? "PUD" :
			 o->level == PSTATE_PGD ? "PGD" : "PMD", o->proc,
			 o->where);
		break;
	case SO_FOLIO:
		snprintf(buf, len, "folio %#lx%s", o->pfn,
			 o->f.order ? " (THP)" : "");
		break;
	default:
		snprintf(buf, len, "page table %#lx (PTL)", o->pfn);
	}
}

void story_ev_what(const struct story *s, int i, char *buf, size_t len)
{
	const struct story_ev *e = &s->ev[i];
	const char *l = e->site->label;
	int from = e->nchain > 3 ? e->nchain - 3 : 0;
	size_t n = 0;

	buf[0] = 0;
	for (int k = from; k < e->nchain && n < len; k++)
		n += snprintf(buf + n, len - n, "%s%s", k > from ? " > " : "",
			      e->chain[k]);
	if (!e->nchain)
		n += snprintf(buf, len, "%s", e->site->func);
	if (strcmp(l, e->site->func) && n < len)
		snprintf(buf + n, len - n, " [%s]", l);
}

/*
 * The flags among the @nx words @x that are not among the @ny words @y,
 * appended to @buf (@n used of @len) as "<sign>flag"; the counts' words
 * are not flags. Returns the new length.
 */
static size_t flags_not_in(char (*x)[24], int nx, char (*y)[24], int ny,
			   char sign, char *buf, size_t n, size_t len)
{
	for (int i = 0; i < nx; i++) {
		bool in = false;

		if (strchr("0123456789(", x[i][0]) ||
		    !strcmp(x[i], "ref") || !strcmp(x[i], "map") ||
		    !strcmp(x[i], "pin") || !strcmp(x[i], "pinned)"))
			continue;
		for (int k = 0; k < ny; k++)
			in |= !strcmp(y[k], x[i]);
		if (!in && n < len)
			n += snprintf(buf + n, len - n, "%s%c%s",
				      n ? ", " : "", sign, x[i]);
	}
	return n;
}

/* Folio states differ in a few fields: "ref 2 -> 3, +locked". */
static void folio_delta(const char *a, const char *b, char *buf, size_t len)
{
	char wa[16][24], wb[16][24];
	int na = 0, nb = 0;
	size_t n = 0;
	char *sa = strdup(a), *sb = strdup(b), *tok, *save;

	for (tok = strtok_r(sa, " ", &save); tok && na < 16;
	     tok = strtok_r(NULL, " ", &save))
		snprintf(wa[na++], 24, "%s", tok);
	for (tok = strtok_r(sb, " ", &save); tok && nb < 16;
	     tok = strtok_r(NULL, " ", &save))
		snprintf(wb[nb++], 24, "%s", tok);
	free(sa);
	free(sb);
	buf[0] = 0;
	if (strncmp(a, "ref ", 4) || strncmp(b, "ref ", 4)) {
		snprintf(buf, len, "%s -> %s", a, b);
		return;
	}
	/* numeric fields: ref N [(P pinned)] map N [pin N] */
	for (int i = 0; i + 1 < na && i + 1 < nb; i++) {
		const char *k = wa[i];

		if ((!strcmp(k, "ref") || !strcmp(k, "map") ||
		     !strcmp(k, "pin")) && !strcmp(k, wb[i]) &&
		    strcmp(wa[i + 1], wb[i + 1]) && n < len)
			n += snprintf(buf + n, len - n, "%s%s %s -> %s",
				      n ? ", " : "",
				      !strcmp(k, "ref") ? "refcount" :
				      !strcmp(k, "map") ? "mapcount" :
							  "pincount",
				      wa[i + 1], wb[i + 1]);
	}
	n = flags_not_in(wb, nb, wa, na, '+', buf, n, len);	/* gained */
	n = flags_not_in(wa, na, wb, nb, '-', buf, n, len);	/* lost */
	if (!n)
		snprintf(buf, len, "%s -> %s", a, b);
}

/* The change @c as a line: "PTE of p:A+0x0: present RW -> none". */
static void change_text(const struct story *s, const struct story_change *c,
			char *buf, size_t len)
{
	char name[96], d[200];

	story_obj_name(s, c->obj, name, sizeof(name));
	if (s->obj[c->obj].type == SO_FOLIO) {
		folio_delta(c->before, c->after, d, sizeof(d));
		snprintf(buf, len, "%s: %s", name, d);
	} else {
		snprintf(buf, len, "%s: %s -> %s", name, c->before, c->after);
	}
}

/* "main 30 (hw_walk 12, copy_pte_range 8), c 10 (...)" */
static void summary(FILE *out, const struct story *s, int from, int to)
{
	int per_task[SIM_MAX_TASKS] = { 0 }, total = 0;

	for (int i = from; i < to; i++)
		if (!s->ev[i].num && s->ev[i].kind != SIM_EV_MARK &&
		    s->ev[i].task < SIM_MAX_TASKS) {
			per_task[s->ev[i].task]++;
			total++;
		}
	if (!total)
		return;
	fprintf(out, "        ... %d step%s:", total, total == 1 ? "" : "s");
	for (int t = 0, first = 1; t < s->nr_tasks; t++) {
		const char *fn[3] = { 0 };
		int cnt[3] = { 0 };

		if (!per_task[t])
			continue;
		/* the three functions that ran most */
		for (int i = from; i < to; i++) {
			const char *f;
			int n = 0;

			if (s->ev[i].num || s->ev[i].task != t ||
			    s->ev[i].kind == SIM_EV_MARK)
				continue;
			f = s->ev[i].site->func;
			if (fn[0] == f || fn[1] == f || fn[2] == f)
				continue;
			for (int j = from; j < to; j++)
				n += !s->ev[j].num && s->ev[j].task == t &&
				     s->ev[j].kind != SIM_EV_MARK &&
				     s->ev[j].site->func == f;
			for (int k = 0; k < 3; k++) {
				if (n <= cnt[k])
					continue;
				memmove(&fn[k + 1], &fn[k],
					(2 - k) * sizeof(fn[0]));
				memmove(&cnt[k + 1], &cnt[k],
					(2 - k) * sizeof(cnt[0]));
				fn[k] = f;
				cnt[k] = n;
				break;
			}
		}
		fprintf(out, "%s %s %d (", first ? "" : ";", s->task_name[t],
			per_task[t]);
		for (int k = 0; k < 3 && fn[k]; k++)
			fprintf(out, "%s%s %d", k ? ", " : "",
				!strcmp(fn[k], "hw_walk") ? "walker" : fn[k],
				cnt[k]);
		fputs(per_task[t] > cnt[0] + cnt[1] + cnt[2] ? ", ...)" : ")",
		      out);
		first = 0;
	}
	fputc('\n', out);
}

static void print_preempt(FILE *out, const struct story *s, int i)
{
	int prev = -1;

	for (int j = i - 1; j >= 0; j--)
		if (s->ev[j].kind != SIM_EV_MARK) {
			prev = j;
			break;
		}
	fprintf(out, "        -- preemption %d: ", s->ev[i].preempt);
	if (prev >= 0) {
		char what[160];

		story_ev_what(s, prev, what, sizeof(what));
		fprintf(out, "%s stops before %s; ",
			s->task_name[s->ev[prev].task], what);
	}
	fprintf(out, "%s runs --\n", s->task_name[s->ev[i].task]);
}

static void print_step(FILE *out, const struct story *s, int i,
		       const char **last_op)
{
	const struct story_ev *e = &s->ev[i];
	char what[200], line[400];

	if (e->op && e->op != last_op[e->task]) {
		fprintf(out, "      %s: %s\n", s->task_name[e->task], e->op);
		last_op[e->task] = e->op;
	}
	story_ev_what(s, i, what, sizeof(what));
	fprintf(out, "  %3d. %-8s %s  %s:%d\n", e->num, s->task_name[e->task],
		what, e->site->file, e->site->line);
	if (e->kind == SIM_EV_BLOCK || e->kind == SIM_EV_WAKE) {
		char name[96];

		if (e->obj1 >= 0)
			story_obj_name(s, e->obj1, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "%s", e->site->label);
		fprintf(out, "              %s %s\n", e->kind == SIM_EV_BLOCK ?
			"waits for" : "woken, retries", name);
	}
	for (int c = e->ch0, shown_ch = 0, more = 0; c < e->ch0 + e->nch;
	     c++) {
		if (!s->obj[s->ch[c].obj].involved)
			continue;
		/* a split or a collapse changes 512 entries: the first few */
		if (shown_ch == STORY_MAX_CHANGES) {
			for (int k = c; k < e->ch0 + e->nch; k++)
				more += s->obj[s->ch[k].obj].involved;
			fprintf(out, "              ... and %d more changes "
				"like these\n", more);
			break;
		}
		change_text(s, &s->ch[c], line, sizeof(line));
		fprintf(out, "              %s\n", line);
		shown_ch++;
	}
	if (e->saw_none) {
		char name[96];

		story_obj_name(s, e->obj1, name, sizeof(name));
		fprintf(out, "              reads %s = none: finds nothing "
			"there\n", name);
	}
	if (e->writer >= 0) {
		const struct story_ev *w = &s->ev[e->writer];
		char name[96];

		if (e->obj1 >= 0)
			story_obj_name(s, e->obj1, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "what %s wrote",
				 w->site->label);
		if (w->num)
			snprintf(line, sizeof(line), "step %d", w->num);
		else if (w->op)
			snprintf(line, sizeof(line), "%s", w->op);
		else
			story_ev_what(s, e->writer, line, sizeof(line));
		fprintf(out, "              reads %s%s%s, written by %s (%s)\n",
			name, e->seen && e->seen[0] ? " = " : "",
			e->seen ? e->seen : "", s->task_name[w->task], line);
	}
	if (i == s->viol) {
		const char *m = s->res.msg;

		if (strncmp(m, sim_outcome_name(s->res.outcome),
			    strlen(sim_outcome_name(s->res.outcome))))
			fprintf(out, "              %s: ",
				sim_outcome_name(s->res.outcome));
		else
			fputs("              ", out);
		for (; *m; m++)
			fputs(*m == '\n' ? "\n              " :
					   (char[2]){ *m, 0 }, out);
		fputc('\n', out);
	}
}

void story_print_steps(FILE *out, const struct story *s)
{
	const char *last_op[SIM_MAX_TASKS] = { 0 };
	int from = 0;

	fprintf(out, "STORY of %s, schedule %s (%d preemption%s): %d "
		"steps of %d events, sliced to what the %s depends on\n",
		s->p->name, s->schedule, s->preempts,
		s->preempts == 1 ? "" : "s", s->nr_steps, s->nr_ev,
		s->viol >= 0 ? "violation" : "end state");
	for (int pos = 0, k = 0; pos < s->nr_ev; pos++) {
		if (s->ev[pos].preempt) {
			summary(out, s, from, pos);
			from = pos;
			print_preempt(out, s, pos);
		}
		for (; k < s->nr_steps && s->ev[s->order[k]].at == pos; k++) {
			int i = s->order[k];

			summary(out, s, from, pos + 1);
			from = pos + 1;
			print_step(out, s, i, last_op);
		}
	}
	summary(out, s, from, s->nr_ev);
	if (s->viol < 0 && s->res.outcome != SIM_OK)
		fprintf(out, "  at the end of the execution (a check): %s\n",
			s->res.msg);
	if (s->truncated)
		fprintf(out, "  (the trace was cut at %d events)\n",
			STORY_MAX_EVENTS);
}

void story_print_pages(FILE *out, const struct story *s)
{
	char name[96], state[200];
	bool any = false;
	int entries = 0, hidden = 0;

	fputs("PAGES (state when first seen, then after each step that "
	      "changed it)\n", out);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < s->nr_obj; i++) {
			const struct story_obj *o = &s->obj[i];

			if (!o->involved || o->type == SO_TABLE ||
			    (pass == 0) != (o->type == SO_ENTRY))
				continue;
			/* an address that only looked like a folio's */
			if (o->type == SO_FOLIO && !o->valid &&
			    !strncmp(o->first, "not a folio", 11))
				continue;
			any = true;
			if (pass == 0 && ++entries > STORY_MAX_PAGES) {
				hidden++;
				continue;
			}
			story_obj_name(s, i, name, sizeof(name));
			fprintf(out, "  %s\n", name);
			fprintf(out, "        start  %s\n", o->first);
			for (int c = 0; c < s->nr_ch; c++) {
				const struct story_change *ch = &s->ch[c];

				if (ch->obj != i)
					continue;
				snprintf(state, sizeof(state), "%s", ch->after);
				if (s->ev[ch->ev].num)
					fprintf(out, "     %6d  %s  (%s)\n",
						s->ev[ch->ev].num, state,
						s->task_name[s->ev[ch->ev]
								     .task]);
				else
					fprintf(out, "     @%-5u  %s  (%s)\n",
						s->ev[ch->ev].step, state,
						s->task_name[s->ev[ch->ev]
								     .task]);
			}
		}
	if (hidden)
		fprintf(out, "  ... and %d more entries (their changes are in "
			"the steps)\n", hidden);
	if (!any)
		fputs("  (no page-table entry or folio involved)\n", out);
}

void story_print(FILE *out, const struct story *s)
{
	story_print_steps(out, s);
	if (!s->no_pages)
		story_print_pages(out, s);
}
#endif /* !SIM_STRESS */
