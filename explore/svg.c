// SPDX-License-Identifier: GPL-2.0
/*
 * explore/svg.c - the story of an execution (explore/story.c) as one
 * picture: time flows down; one lane per task, showing the functions it
 * was in as labelled nested boxes (each caller a box around its callees,
 * the acting function and its race window as the step's line), the locks
 * it held as bars on the lane's right edge; one lane per page-table entry
 * and folio involved, its state as coloured segments with the state
 * written in them; an arrow from each write to the read of another task
 * that observed it; preemptions as dashed rules; the violating step framed
 * in red and explained in the header. Standalone SVG 1.1 (no script, no
 * external resource); hovering a step shows its file:line, whole call
 * chain and changes.
 * The HTML form wraps the same picture and the story's text in one file.
 *
 * Legibility rules the layout keeps (tests/t_story.c checks the output):
 * the whole story in one picture that fits a laptop screen at 100 %
 * (MAX_W x MAX_H: lanes narrowed, page lanes merged or left out, the steps
 * that matter least summarised into "...N steps" rows, caller boxes made
 * shallower, until it fits, the race always kept); every text is at least
 * 11 px, and no two texts overlap: every label has a line of its own
 * inside its lane, and a text longer than its lane is cut (with an
 * ellipsis; the whole of it in the element's tooltip) or, a page state,
 * wrapped. Widths are estimated for a monospace font (0.6 em per
 * character).
 */
#ifndef SIM_STRESS
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/story.h"

#define FS 11			/* font size of every text but the title */
#define LH 14			/* line height */
#define CW (FS * 0.6)		/* character width (monospace estimate) */
#define LEFT 92			/* the time column: preemptions, summaries */
#define TASK_CH 56		/* characters in a task lane, at most */
#define TASK_FIT 40		/* ... when the picture is too wide */
#define TASK_MID 30		/* ... when it is still too wide */
#define TASK_MIN 22		/* ... at the very least */
#define PAGE_CH 30		/* characters in a page lane, at most */
#define PAGE_WRAP 17		/* ... when too wide (the state wraps) */
#define PAGE_MID 14		/* ... when it is still too wide */
#define PAGE_MIN 13		/* ... at the very least */
#define INDENT 6		/* a nested box's inset */
#define MAX_DEPTH 3		/* nested caller boxes drawn: the innermost */
#define MAX_PAGES 8		/* page lanes */
#define GAP 8			/* between two lanes */
#define MAX_W 1366		/* a laptop screen's width */
#define MAX_H 1600		/* the picture's height, at most */
#define MIN_W 900		/* room for the header */

static void xml_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\n': fputs(" / ", out); break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, out);
		}
	}
}

/* A text at (@x, @y) cut to @maxw pixels; its whole in a tooltip. */
static void text(FILE *out, double x, double y, double maxw, const char *fill,
		 const char *weight, const char *s)
{
	int room = (int)(maxw / CW);
	int len = (int)strlen(s);

	if (room < 2)
		return;
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\"", x, y,
		FS);
	if (fill)
		fprintf(out, " fill=\"%s\"", fill);
	if (weight)
		fprintf(out, " font-weight=\"%s\"", weight);
	fputs(" xml:space=\"preserve\">", out);
	if (len > room) {
		char *cut = strndup(s, room - 1);

		fputs("<title>", out);
		xml_text(out, s);
		fputs("</title>", out);
		xml_text(out, cut);
		fputs("\xe2\x80\xa6", out);	/* ellipsis */
		free(cut);
	} else {
		xml_text(out, s);
	}
	fputs("</text>\n", out);
}

static void wrapped(FILE *out, double x, double y0, double y1, double maxw,
		    const char *weight, const char *st);

/* ---- layout ---- */

enum item_type { IT_STEP, IT_PREEMPT, IT_SUMMARY };

struct item {
	int type;
	int ev;			/* the step's (or preemption's) event */
	int count;		/* summary: events and hidden steps */
	int from, to;		/* summary: event range */
	int nlabels;		/* step: box labels starting here */
	int pre;		/* step: events summarised just before it */
	int wrap;		/* step: its window on a second line */
	double y0, y1;		/* rows it occupies */
};

/* A page lane: one entry or folio, or entries that changed alike. */
struct plane {
	int obj;		/* the first of them */
	int n;			/* how many */
};

struct lay {
	const struct story *s;
	struct item *it;
	int n;
	int depth;		/* caller boxes drawn: the innermost */
	int nhide;		/* the steps summarised: rank under it */
	int *rank;		/* per event: steps by score, then time */
	bool wrap;		/* a step's window may take a second line */
	int *score;		/* per event (steps only) */
	int lane_of_task[SIM_MAX_TASKS];	/* -1: no lane */
	int tasks[SIM_MAX_TASKS], nr_tasks;
	struct plane pages[MAX_PAGES];
	int nr_pages;
	double task_x[SIM_MAX_TASKS], task_wl[SIM_MAX_TASKS];
	double page_x[MAX_PAGES], page_wl[MAX_PAGES];
	double top, bottom, width;
	int hidden_pages, hidden_steps;
};

/* The callers drawn as boxes: the innermost L->depth of the chain. */
static int depth_of(const struct lay *L, const struct story_ev *e)
{
	int d = e->nchain - 1;

	return d > L->depth ? L->depth : d < 0 ? 0 : d;
}

static const char *boxname(const struct lay *L, const struct story_ev *e,
			   int d)
{
	return e->chain[e->nchain - 1 - depth_of(L, e) + d];
}

/* Depth of the common prefix of two events' boxes. */
static int common(const struct lay *L, const struct story_ev *a,
		  const struct story_ev *b)
{
	int d = 0;

	while (d < depth_of(L, a) && d < depth_of(L, b) &&
	       boxname(L, a, d) == boxname(L, b, d))
		d++;
	return d;
}

static void add_item(struct lay *L, struct item it)
{
	L->it = realloc(L->it, (L->n + 1) * sizeof(*L->it));
	if (!L->it)
		abort();
	L->it[L->n++] = it;
}

static bool hidden(const struct lay *L, int i)
{
	return L->s->ev[i].num > 0 && L->rank[i] < L->nhide;
}

static int unshown(const struct lay *L, int from, int to)
{
	const struct story *s = L->s;
	int n = 0;

	for (int i = from; i < to; i++)
		n += (!s->ev[i].num && s->ev[i].kind != SIM_EV_MARK) ||
		     hidden(L, i);
	return n;
}

static int hidden_in(const struct lay *L, int from, int to)
{
	int n = 0;

	for (int i = from; i < to; i++)
		n += hidden(L, i);
	return n;
}

/* The items in time order, as story_print_steps prints them; the steps
 * ranked under L->nhide join the summary rows. */
static void make_items(struct lay *L)
{
	const struct story *s = L->s;
	int from = 0, prev_of[SIM_MAX_TASKS];

	L->n = 0;
	L->hidden_steps = 0;
	for (int t = 0; t < SIM_MAX_TASKS; t++)
		prev_of[t] = -1;
	for (int pos = 0, k = 0; pos < s->nr_ev; pos++) {
		if (s->ev[pos].preempt) {
			int n = unshown(L, from, pos);

			if (n)
				add_item(L, (struct item){ IT_SUMMARY, -1, n,
							   from, pos });
			from = pos;
			add_item(L, (struct item){ IT_PREEMPT, pos });
		}
		for (; k < s->nr_steps && s->ev[s->order[k]].at == pos; k++) {
			int i = s->order[k], n;
			const struct story_ev *e = &s->ev[i];
			struct item it = { IT_STEP, i };
			int p = e->task < SIM_MAX_TASKS ? prev_of[e->task] : -1;

			if (hidden(L, i)) {
				L->hidden_steps++;
				continue;
			}
			n = unshown(L, from, pos + 1);
			/* events no step stands for: counted on the step's
			 * row; hidden steps: a row of their own */
			if (n && !hidden_in(L, from, pos + 1))
				it.pre = n;
			else if (n)
				add_item(L, (struct item){ IT_SUMMARY, -1, n,
							   from, pos + 1 });
			from = pos + 1;
			it.nlabels = depth_of(L, e) - (p >= 0 ?
				(common(L, &s->ev[p], e) < depth_of(L, e) ?
					 common(L, &s->ev[p], e) :
					 depth_of(L, e)) : 0);
			if (e->task < SIM_MAX_TASKS)
				prev_of[e->task] = i;
			add_item(L, it);
		}
	}
	if (unshown(L, from, s->nr_ev))
		add_item(L, (struct item){ IT_SUMMARY, -1,
					   unshown(L, from, s->nr_ev), from,
					   s->nr_ev });
}

/* The changes of object @o at numbered steps, as (event, state) pairs. */
static bool same_changes(const struct story *s, int a, int b)
{
	int ca = 0, cb = 0;

	if (strcmp(s->obj[a].first, s->obj[b].first))
		return false;
	for (;;) {
		while (ca < s->nr_ch && (s->ch[ca].obj != a ||
					 s->ev[s->ch[ca].ev].num <= 0))
			ca++;
		while (cb < s->nr_ch && (s->ch[cb].obj != b ||
					 s->ev[s->ch[cb].ev].num <= 0))
			cb++;
		if (ca == s->nr_ch || cb == s->nr_ch)
			return ca == s->nr_ch && cb == s->nr_ch;
		if (s->ch[ca].ev != s->ch[cb].ev ||
		    strcmp(s->ch[ca].after, s->ch[cb].after))
			return false;
		ca++;
		cb++;
	}
}

/* Entries first (in the order first seen), then folios; entries of one
 * mm and level that changed at the same steps to the same states share a
 * lane (a split's 512 PTEs). */
static void pick_pages(struct lay *L)
{
	const struct story *s = L->s;

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < s->nr_obj; i++) {
			const struct story_obj *o = &s->obj[i];
			int nch = 0, l;

			if (!o->involved || o->type == SO_TABLE ||
			    (pass == 0) != (o->type == SO_ENTRY))
				continue;
			/* a PMD (PUD, PGD) that only ever pointed to a
			 * page table */
			if (o->type == SO_ENTRY && o->level != PSTATE_PTE &&
			    !o->nr_pfns)
				continue;
			for (int c = 0; c < s->nr_ch; c++)
				nch += s->ch[c].obj == i &&
				       s->ev[s->ch[c].ev].num > 0;
			if (!nch)
				continue;
			for (l = 0; l < L->nr_pages; l++) {
				const struct story_obj *q =
					&s->obj[L->pages[l].obj];

				if (o->type == SO_ENTRY && q->type == SO_ENTRY &&
				    q->mm == o->mm && q->level == o->level &&
				    same_changes(s, L->pages[l].obj, i))
					break;
			}
			if (l < L->nr_pages) {
				L->pages[l].n++;
				continue;
			}
			if (L->nr_pages == MAX_PAGES) {
				L->hidden_pages++;
				continue;
			}
			L->pages[L->nr_pages++] = (struct plane){ i, 1 };
		}
}

/* "folio_put", "move_ptes [:clear]", "map_pte [spin_lock]" */
static void step_text(const struct story_ev *e, char *buf, size_t len)
{
	const char *f = e->site->func, *l = e->site->label;
	size_t fl = strlen(f);

	if (!strcmp(l, f))
		snprintf(buf, len, "%s", f);
	else if (!strncmp(l, f, fl) && l[fl] == ':')
		snprintf(buf, len, "%s [%s]", f, l + fl);
	else
		snprintf(buf, len, "%s [%s]", f, l);
}

static int step_chars(const struct lay *L, const struct story_ev *e)
{
	char what[200];
	int n;

	step_text(e, what, sizeof(what));
	n = snprintf(NULL, 0, "%d. %s", e->num, what);

	return n + (int)(2 * depth_of(L, e) * INDENT / CW + 1);
}

/* Characters task @t's lane would like (its widest line). */
static double lane_chars(const struct lay *L, int t)
{
	const struct story *s = L->s;
	double n = 16;

	for (int k = 0; k < s->nr_steps; k++) {
		const struct story_ev *e = &s->ev[s->order[k]];

		if (e->task != t)
			continue;
		if (step_chars(L, e) > n)
			n = step_chars(L, e);
		for (int d = 0; d < depth_of(L, e); d++)
			if (strlen(boxname(L, e, d)) + 2 * d * INDENT / CW + 2 >
			    n)
				n = strlen(boxname(L, e, d)) +
				    2 * d * INDENT / CW + 2;
	}
	return n > TASK_CH ? TASK_CH : n;
}

/* "PTE of c:A+0x2000", "PTEs of c:A+0x2000.. (510)" */
static void lane_name(const struct lay *L, int l, char *buf, size_t len)
{
	const struct story *s = L->s;
	const struct story_obj *o = &s->obj[L->pages[l].obj];

	story_obj_name(s, L->pages[l].obj, buf, len);
	if (L->pages[l].n > 1)
		snprintf(buf, len, "%ss of %s:%s.. (%d)",
			 o->level == PSTATE_PTE ? "PTE" : "PMD", o->proc,
			 o->where, L->pages[l].n);
}

/* Characters page lane @l would like. */
static double page_chars(const struct lay *L, int l)
{
	const struct story *s = L->s;
	int o = L->pages[l].obj;
	char name[160];
	double n;

	lane_name(L, l, name, sizeof(name));
	n = strlen(name);
	if (strlen(s->obj[o].first) > n)
		n = strlen(s->obj[o].first);
	for (int c = 0; c < s->nr_ch; c++)
		if (s->ch[c].obj == o && strlen(s->ch[c].after) > n)
			n = strlen(s->ch[c].after);
	n += 1;
	return n > PAGE_CH ? PAGE_CH : n < 14 ? 14 : n;
}

static double task_px(double chars)
{
	return chars * CW + 14;
}

static double page_px(double chars)
{
	return chars * CW + 12;
}

/* What page lane @l is worth: its changes in the story, and most if the
 * violating step touched it (or its folio). */
static int page_value(const struct lay *L, int l)
{
	const struct story *s = L->s;
	int o = L->pages[l].obj, v = 0;

	for (int c = 0; c < s->nr_ch; c++)
		v += s->ch[c].obj == o && s->ev[s->ch[c].ev].num > 0;
	if (s->viol >= 0) {
		const struct story_ev *e = &s->ev[s->viol];

		for (int k = 0; k < 2; k++) {
			int x = k ? e->obj2 : e->obj1;

			if (x == o || (x >= 0 && s->obj[x].type == SO_ENTRY &&
				       s->obj[o].type == SO_FOLIO &&
				       s->obj[x].pfn == s->obj[o].pfn))
				v += 1000;
		}
	}
	return v;
}

/* Leave out the page lane worth least (the last of equals). */
static void drop_page(struct lay *L, double *want)
{
	int worst = L->nr_pages - 1;

	for (int l = L->nr_pages - 2; l >= 0; l--)
		if (page_value(L, l) < page_value(L, worst))
			worst = l;
	L->hidden_pages += L->pages[worst].n;
	memmove(&L->pages[worst], &L->pages[worst + 1],
		(L->nr_pages - worst - 1) * sizeof(L->pages[0]));
	memmove(&want[worst], &want[worst + 1],
		(L->nr_pages - worst - 1) * sizeof(want[0]));
	L->nr_pages--;
}

/*
 * The lanes and their widths: each as wide as its longest line, then, if
 * the picture would be wider than MAX_W, task lanes (their lines cut,
 * whole in the tooltip) and page lanes (their state text wraps) narrowed
 * in turns, page lanes beyond five, then four left out (those the
 * violation touched last), then narrower still, then more left out.
 */
static void lanes(struct lay *L)
{
	const struct story *s = L->s;
	double want_t[SIM_MAX_TASKS], want_p[MAX_PAGES];
	double cap_t = TASK_CH, cap_p = PAGE_CH, x = LEFT;

	for (int t = 0; t < SIM_MAX_TASKS; t++)
		L->lane_of_task[t] = -1;
	for (int k = 0; k < s->nr_steps; k++) {
		int t = s->ev[s->order[k]].task;

		if (t < SIM_MAX_TASKS && L->lane_of_task[t] < 0)
			L->lane_of_task[t] = 0;
	}
	for (int t = 0; t < s->nr_tasks; t++)
		if (!L->lane_of_task[t]) {
			L->lane_of_task[t] = L->nr_tasks;
			L->tasks[L->nr_tasks++] = t;
		}
	for (int l = 0; l < L->nr_tasks; l++)
		want_t[l] = lane_chars(L, L->tasks[l]);
	pick_pages(L);
	for (int l = 0; l < L->nr_pages; l++)
		want_p[l] = page_chars(L, l);
	for (;;) {
		double w = LEFT + 10;

		for (int l = 0; l < L->nr_tasks; l++)
			w += task_px(want_t[l] < cap_t ? want_t[l] : cap_t) +
			     GAP;
		for (int l = 0; l < L->nr_pages; l++)
			w += page_px(want_p[l] < cap_p ? want_p[l] : cap_p) +
			     GAP;
		if (w <= MAX_W)
			break;
		if (cap_t > TASK_FIT)
			cap_t--;
		else if (cap_p > PAGE_WRAP)
			cap_p--;
		else if (L->nr_pages > 5)
			drop_page(L, want_p);
		else if (cap_t > TASK_MID)
			cap_t--;
		else if (cap_p > PAGE_MID)
			cap_p--;
		else if (L->nr_pages > 4)
			drop_page(L, want_p);
		else if (cap_t > TASK_MIN)
			cap_t--;
		else if (cap_p > PAGE_MIN)
			cap_p--;
		else if (L->nr_pages)
			drop_page(L, want_p);
		else
			break;
	}
	for (int l = 0; l < L->nr_tasks; l++) {
		L->task_x[l] = x;
		L->task_wl[l] = task_px(want_t[l] < cap_t ? want_t[l] : cap_t);
		x += L->task_wl[l] + GAP;
	}
	for (int l = 0; l < L->nr_pages; l++) {
		L->page_x[l] = x;
		L->page_wl[l] = page_px(want_p[l] < cap_p ? want_p[l] : cap_p);
		x += L->page_wl[l] + GAP;
	}
	L->width = x + 10 < MIN_W ? MIN_W : x + 10;
}

/* The rows: each item's y range from @top (below the lane heads). */
static void rows(struct lay *L, double top)
{
	const struct story *s = L->s;
	double y = top + 2 * LH + 6;	/* lane headers */

	L->top = top;
	for (int i = 0; i < L->n; i++) {
		struct item *it = &L->it[i];

		it->y0 = y;
		it->wrap = 0;
		if (it->type == IT_STEP && L->wrap) {
			const struct story_ev *e = &s->ev[it->ev];
			int l = L->lane_of_task[e->task];
			double w = L->task_wl[l] - 14 -
				   2 * depth_of(L, e) * INDENT;
			char what[200], line[300];

			step_text(e, what, sizeof(what));
			snprintf(line, sizeof(line), "%d. %s", e->num, what);
			it->wrap = strlen(line) * CW > w &&
				   strcmp(e->site->label, e->site->func);
		}
		y += it->type == IT_STEP ?
			     (it->nlabels + 1 + it->wrap) * LH + 4 : LH;
		it->y1 = y;
	}
	L->bottom = y + 6;
}

/* The first preemption's event (the end of the set-up), or nr_ev. */
static int first_preemption(const struct story *s)
{
	for (int i = 0; i < s->nr_ev; i++)
		if (s->ev[i].preempt)
			return i;
	return s->nr_ev;
}

/* A read of a table pointer (a PGD, PUD or PMD entry pointing to a page
 * table) that the set-up before the first preemption wrote: no race, and
 * no arrow either. */
static bool setup_table_read(const struct lay *L, const struct story_ev *e)
{
	const struct story *s = L->s;

	return e->writer >= 0 && e->seen &&
	       !strncmp(e->seen, "page table", 10) &&
	       s->ev[e->writer].at < first_preemption(s);
}

/*
 * How much a step matters to the picture: the violation most, then the
 * steps around a preemption, the two ends of a cross-task read (the
 * race's arrows), a task blocking or woken, a change of a drawn entry, of
 * a drawn folio; steps after the first preemption a little more than the
 * set-up before it. Steps are summarised lowest first until the picture
 * fits MAX_H.
 */
static void score_steps(struct lay *L)
{
	const struct story *s = L->s;
	int first_pre = first_preemption(s), last = -1;
	bool after_pre = false;

	L->score = calloc(s->nr_ev + 1, sizeof(*L->score));
	if (!L->score)
		abort();
	for (int k = 0; k < s->nr_steps; k++) {
		int i = s->order[k];
		const struct story_ev *e = &s->ev[i];
		int sc = 10;

		for (int c = e->ch0; c < e->ch0 + e->nch; c++)
			for (int l = 0; l < L->nr_pages; l++) {
				const struct story_obj *o =
					&s->obj[s->ch[c].obj];
				const struct story_obj *q =
					&s->obj[L->pages[l].obj];

				if (s->ch[c].obj == L->pages[l].obj ||
				    (L->pages[l].n > 1 &&
				     o->type == SO_ENTRY && o->mm == q->mm &&
				     o->level == q->level))
					sc = o->type == SO_ENTRY ?
						(sc > 50 ? sc : 50) :
						(sc > 30 ? sc : 30);
			}
		if (e->kind == SIM_EV_BLOCK || e->kind == SIM_EV_WAKE)
			sc = sc > 70 ? sc : 70;
		if (e->writer >= 0 && s->ev[e->writer].num > 0 &&
		    s->ev[e->writer].task != e->task &&
		    !setup_table_read(L, e)) {
			sc = sc > 80 ? sc : 80;
			if (L->score[e->writer] < 80)
				L->score[e->writer] = 80;
		}
		if (e->at >= first_pre)
			sc += 5;
		if (sc > L->score[i])
			L->score[i] = sc;
	}
	/* the last step before each preemption and the first after it */
	for (int pos = 0, k = 0; pos < s->nr_ev; pos++) {
		if (s->ev[pos].preempt) {
			if (last >= 0)
				L->score[last] = 90;
			after_pre = true;
		}
		for (; k < s->nr_steps && s->ev[s->order[k]].at == pos; k++) {
			last = s->order[k];
			if (after_pre)
				L->score[last] = 90;
			after_pre = false;
		}
	}
	if (s->viol >= 0) {
		int w = s->ev[s->viol].writer;

		L->score[s->viol] = 1000;
		/* the write the violating read saw: never summarised */
		if (w >= 0 && s->ev[w].num > 0 && L->score[w] < 95)
			L->score[w] = 95;
	}
}

static const struct lay *rank_lay;

static int by_score(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	const int *sc = rank_lay->score;

	if (sc[x] != sc[y])
		return sc[x] < sc[y] ? -1 : 1;
	return rank_lay->s->ev[x].num < rank_lay->s->ev[y].num ? -1 : 1;
}

/* Rank the steps: lowest score first, earliest first among equals (the
 * set-up goes first, and in runs). */
static void rank_steps(struct lay *L)
{
	const struct story *s = L->s;
	int *v = malloc((s->nr_steps + 1) * sizeof(*v));

	L->rank = malloc((s->nr_ev + 1) * sizeof(*L->rank));
	if (!v || !L->rank)
		abort();
	memcpy(v, s->order, s->nr_steps * sizeof(*v));
	rank_lay = L;
	qsort(v, s->nr_steps, sizeof(*v), by_score);
	for (int i = 0; i < s->nr_ev; i++)
		L->rank[i] = s->nr_ev;
	for (int k = 0; k < s->nr_steps; k++)
		L->rank[v[k]] = k;
	free(v);
}

/* How many steps, lowest ranked first, score under @limit. */
static int steps_under(const struct lay *L, int limit)
{
	int n = 0;

	for (int k = 0; k < L->s->nr_steps; k++)
		n += L->score[L->s->order[k]] < limit;
	return n;
}

/*
 * Lay the picture out below a header of height @top: the lanes, then the
 * least summarised rows that fit MAX_H: every step with its caller boxes
 * 3 deep (a long window on a second line), then 2 deep; then, the boxes 2
 * deep, the steps summarised one by one in rank order while they score
 * under 36 (a folio's change, a step of no drawn page); then, 1 deep and
 * then none, under 76 (an entry's change, a task blocking). The race
 * stays: the violation, the steps around each preemption and both ends
 * of every arrow score 80 or more - unless even that does not fit (a
 * faultaround after the race maps 16 folios the racing task wrote: 16
 * arrows): then, last, the arrows' steps are summarised too, earliest
 * first, but never the violation, the write it read, or a preemption's
 * steps (90 and more); the SVG's layout comment says how many.
 */
static void layout(struct lay *L, double top)
{
	static const struct { int depth, limit; bool wrap; } try[] = {
		{ 3, 0, true }, { 2, 0, false }, { 2, 36, false },
		{ 1, 76, false }, { 0, 76, false }, { 0, 90, false },
	};
	int n = sizeof(try) / sizeof(try[0]);

	rank_steps(L);
	for (int k = 0; k < n; k++) {
		int most = steps_under(L, try[k].limit);

		L->depth = try[k].depth;
		L->wrap = try[k].wrap;
		for (L->nhide = 0; L->nhide <= most; L->nhide++) {
			make_items(L);
			rows(L, top);
			if (L->bottom + (L->hidden_pages ? LH + 10 : 10) <=
			    MAX_H)
				return;
		}
		L->nhide = most;
	}
	make_items(L);
	rows(L, top);
}

/* ---- drawing ---- */

static const char *state_colour(const struct story_obj *o, const char *st)
{
	if (o->type == SO_FOLIO) {
		if (strstr(st, "free") || strstr(st, "not a folio"))
			return "#dee2e6";
		if (strstr(st, "locked"))
			return "#fff1a8";
		return "#dbeafe";
	}
	if (!strncmp(st, "none", 4))
		return "#f3f4f6";
	if (strstr(st, "migration"))
		return "#fdba74";
	if (strstr(st, "protnone"))
		return "#d8b4fe";
	if (strstr(st, "invalidated"))
		return "#fca5a5";
	if (strstr(st, "swap"))
		return "#93c5fd";
	if (strstr(st, "device-private"))
		return "#c4b5fd";
	if (strstr(st, "page table"))
		return "#e5e7eb";
	if (strstr(st, " RW"))
		return strstr(st, "PMD") ? "#6ee7b7" : "#86efac";
	return strstr(st, "PMD") ? "#a7f3d0" : "#bbf7d0";
}

/* The y of the row where event @ev's access shows (its step, or the
 * first item after it). */
static double y_of_event(const struct lay *L, int ev, bool end)
{
	for (int i = 0; i < L->n; i++) {
		const struct item *it = &L->it[i];

		if (it->type == IT_STEP && it->ev == ev)
			return end ? it->y1 : it->y0;
	}
	for (int i = 0; i < L->n; i++) {
		const struct item *it = &L->it[i];
		int pos = it->type == IT_STEP ? L->s->ev[it->ev].at :
			  it->type == IT_PREEMPT ? it->ev : it->to;

		if (pos >= ev)
			return it->y0;
	}
	return L->bottom;
}

static void draw_lane_heads(FILE *out, const struct lay *L)
{
	const struct story *s = L->s;
	char name[120];

	for (int l = 0; l < L->nr_tasks; l++) {
		snprintf(name, sizeof(name), "task %s",
			 s->task_name[L->tasks[l]]);
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"#f8fafc\" stroke=\"#cbd5e1\"/>\n",
			L->task_x[l], L->top, L->task_wl[l], L->bottom - L->top);
		text(out, L->task_x[l] + 4, L->top + LH - 3, L->task_wl[l] - 8,
		     NULL, "bold", name);
	}
	for (int l = 0; l < L->nr_pages; l++) {
		lane_name(L, l, name, sizeof(name));
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"#fff\" stroke=\"#cbd5e1\"/>\n",
			L->page_x[l], L->top, L->page_wl[l], L->bottom - L->top);
		/* "PTE of" / "proc:where" on two lines if need be */
		wrapped(out, L->page_x[l] + 4, L->top, L->top + 2 * LH,
			L->page_wl[l] - 8, "bold", name);
	}
	text(out, 6, L->top + LH - 3, LEFT - 10, NULL, "bold", "time");
}

struct box {
	int l, d;
	double x, y0, y1, w;
	const char *name;
};

/* The caller boxes of each task lane: rectangles outermost first, then
 * their labels (each on a line of its own at the box's top). */
static void draw_boxes(FILE *out, const struct lay *L)
{
	const struct story *s = L->s;
	struct box *bx = NULL;
	int nb = 0;

	for (int l = 0; l < L->nr_tasks; l++) {
		int t = L->tasks[l];
		/* per depth: the item where the open box began, -1 none */
		int open[MAX_DEPTH + 1], last = -1, lab[MAX_DEPTH + 1];

		for (int d = 0; d <= MAX_DEPTH; d++)
			open[d] = -1;
		for (int i = 0; i <= L->n; i++) {
			const struct story_ev *e = NULL;
			int keep = 0, d;

			if (i < L->n) {
				if (L->it[i].type != IT_STEP ||
				    s->ev[L->it[i].ev].task != t)
					continue;
				e = &s->ev[L->it[i].ev];
				keep = last >= 0 ?
					common(L, &s->ev[L->it[last].ev], e) :
					0;
				if (keep > depth_of(L, e))
					keep = depth_of(L, e);
			}
			/* close the boxes deeper than what stays */
			for (d = MAX_DEPTH; d >= keep; d--) {
				struct box *b;

				if (open[d] < 0)
					continue;
				bx = realloc(bx, (nb + 1) * sizeof(*bx));
				if (!bx)
					abort();
				b = &bx[nb++];
				b->l = l;
				b->d = d;
				b->x = L->task_x[l] + 3 + d * INDENT;
				b->y0 = L->it[open[d]].y0 + lab[d] * LH + 1;
				b->y1 = L->it[last].y1 - 2;
				b->w = L->task_wl[l] - 6 - 2 * d * INDENT;
				b->name = boxname(L, &s->ev[L->it[open[d]].ev],
						  d);
				open[d] = -1;
			}
			if (!e)
				break;
			/* open the new ones, one label line each */
			for (d = keep; d < depth_of(L, e); d++) {
				open[d] = i;
				lab[d] = d - keep;
			}
			last = i;
		}
	}
	for (int d = 0; d <= MAX_DEPTH; d++)
		for (int k = 0; k < nb; k++)
			if (bx[k].d == d)
				fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" "
					"width=\"%.1f\" height=\"%.1f\" "
					"rx=\"3\" fill=\"hsl(%d,55%%,%d%%)\" "
					"stroke=\"#94a3b8\"/>\n", bx[k].x,
					bx[k].y0, bx[k].w, bx[k].y1 - bx[k].y0,
					210 + 20 * d, 96 - 3 * d);
	for (int k = 0; k < nb; k++)
		text(out, bx[k].x + 4, bx[k].y0 + LH - 4, bx[k].w - 8,
		     "#334155", NULL, bx[k].name);
	free(bx);
}

static void draw_steps(FILE *out, const struct lay *L)
{
	const struct story *s = L->s;

	for (int i = 0; i < L->n; i++) {
		const struct item *it = &L->it[i];
		const struct story_ev *e;
		double x, y, w;
		int l, d;
		char line[300], what[200];

		if (it->type != IT_STEP)
			continue;
		e = &s->ev[it->ev];
		l = L->lane_of_task[e->task];
		d = depth_of(L, e);
		x = L->task_x[l] + 3 + d * INDENT;
		w = L->task_wl[l] - 6 - 2 * d * INDENT;
		y = it->y0 + it->nlabels * LH;
		step_text(e, what, sizeof(what));
		if (it->wrap)	/* "N. function" / "   [window]" */
			snprintf(line, sizeof(line), "%d. %s", e->num,
				 e->site->func);
		else
			snprintf(line, sizeof(line), "%d. %s", e->num, what);
		fprintf(out, "<g><title>step %d: %s at %s:%d / ", e->num,
			s->task_name[e->task], e->site->file, e->site->line);
		for (int k = 0; k < e->nchain; k++) {
			fputs(k ? " &gt; " : "", out);
			xml_text(out, e->chain[k]);
		}
		if (e->op)
			fputs(" / ", out);
		xml_text(out, e->op);
		for (int c = e->ch0; c < e->ch0 + e->nch; c++) {
			fputs(" / ", out);
			xml_text(out, s->ch[c].before);
			fputs(" -&gt; ", out);
			xml_text(out, s->ch[c].after);
		}
		fprintf(out, "</title><rect x=\"%.1f\" y=\"%.1f\" "
			"width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\" "
			"stroke=\"%s\" stroke-width=\"%s\"/>\n", x, y + 1, w,
			(1 + it->wrap) * LH + 2,
			it->ev == s->viol ? "#fee2e2" : "#ffffff",
			it->ev == s->viol ? "#dc2626" : "#64748b",
			it->ev == s->viol ? "2.5" : "1");
		text(out, x + 4, y + LH - 2, w - 8,
		     it->ev == s->viol ? "#b91c1c" : "#0f172a",
		     it->ev == s->viol || e->nch ? "bold" : NULL, line);
		if (it->wrap) {
			snprintf(line, sizeof(line), "   %s",
				 strchr(what, '[') ? strchr(what, '[') : what);
			text(out, x + 4, y + 2 * LH - 2, w - 8,
			     it->ev == s->viol ? "#b91c1c" : "#0f172a", NULL,
			     line);
		}
		fputs("</g>\n", out);
	}
}

/* The summary rows: "... N steps" in the time column, and in each task
 * lane that had numbered steps there the range of their numbers (the text
 * story tells them). */
static void draw_summary(FILE *out, const struct lay *L, const struct item *it)
{
	const struct story *s = L->s;
	char buf[160];

	snprintf(buf, sizeof(buf), "\xe2\x80\xa6%d step%s", it->count,
		 it->count == 1 ? "" : "s");
	text(out, 6, it->y1 - 3, LEFT - 8, "#64748b", NULL, buf);
	for (int l = 0; l < L->nr_tasks; l++) {
		int lo = 0, hi = 0, n = 0;

		for (int k = 0; k < s->nr_steps; k++) {
			int i = s->order[k];

			if (s->ev[i].task != L->tasks[l] || !hidden(L, i) ||
			    i < it->from || i >= it->to)
				continue;
			if (!n++)
				lo = s->ev[i].num;
			hi = s->ev[i].num;
		}
		if (!n)
			continue;
		if (lo == hi)
			snprintf(buf, sizeof(buf), "(step %d)", lo);
		else
			snprintf(buf, sizeof(buf), "(%d steps, %d-%d)", n, lo,
				 hi);
		text(out, L->task_x[l] + L->task_wl[l] / 2 - 40, it->y1 - 3,
		     L->task_wl[l] / 2 + 30, "#64748b", NULL, buf);
	}
}

static void draw_time_column(FILE *out, const struct lay *L)
{
	const struct story *s = L->s;
	char buf[160];

	for (int i = 0; i < L->n; i++) {
		const struct item *it = &L->it[i];

		if (it->type == IT_PREEMPT) {
			fprintf(out, "<line x1=\"4\" y1=\"%.1f\" x2=\"%.1f\" "
				"y2=\"%.1f\" stroke=\"#7c3aed\" "
				"stroke-dasharray=\"6,4\"/>\n", it->y0 + 2,
				L->width - 10, it->y0 + 2);
			snprintf(buf, sizeof(buf), "preemption %d",
				 s->ev[it->ev].preempt);
			text(out, 6, it->y1 - 1, LEFT - 8, "#6d28d9", "bold",
			     buf);
		} else if (it->type == IT_SUMMARY) {
			draw_summary(out, L, it);
		} else if (it->pre) {
			snprintf(buf, sizeof(buf), "\xe2\x80\xa6%d step%s",
				 it->pre, it->pre == 1 ? "" : "s");
			text(out, 6, it->y0 + LH - 3, LEFT - 8, "#64748b",
			     NULL, buf);
		}
	}
}

/* @st wrapped at spaces into the lines of [@y0, @y1) at @x, @maxw wide;
 * what does not fit is cut (the whole in the tooltip). */
static void wrapped(FILE *out, double x, double y0, double y1, double maxw,
		    const char *weight, const char *st)
{
	int room = (int)(maxw / CW), lines = (int)((y1 - y0) / LH);
	const char *p = st;

	for (int k = 0; k < lines && *p; k++) {
		int len = (int)strlen(p), cut = len;
		char *line;

		if (len > room && k < lines - 1) {
			/* the last space (or after a ':') that keeps it
			 * in room */
			for (cut = room; cut > 0 && p[cut] != ' ' &&
					 p[cut - 1] != ':'; cut--)
				;
			if (!cut)
				cut = room;
		}
		if (k == lines - 1 || cut == len) {
			/* the rest: text() cuts it with its tooltip */
			if (k && len > room) {
				char *whole = NULL;
				size_t n = 0;
				FILE *f = open_memstream(&whole, &n);

				if (!f)
					return;
				fputs(st, f);
				fclose(f);
				line = strndup(p, room - 1);
				fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" "
					"font-size=\"%d\" fill=\"#111827\"%s "
					"xml:space=\"preserve\"><title>", x,
					y0 + (k + 1) * LH - 3, FS, weight ?
					" font-weight=\"bold\"" : "");
				xml_text(out, whole);
				fputs("</title>", out);
				xml_text(out, line);
				fputs("\xe2\x80\xa6</text>\n", out);
				free(line);
				free(whole);
			} else {
				text(out, x, y0 + (k + 1) * LH - 3, maxw,
				     "#111827", weight, p);
			}
			return;
		}
		line = strndup(p, cut);
		text(out, x, y0 + (k + 1) * LH - 3, maxw, "#111827", weight,
		     line);
		free(line);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

/* Each page lane's states as segments from the step that made each to
 * the next change; a state written again unchanged extends its segment. */
static void draw_pages(FILE *out, const struct lay *L)
{
	const struct story *s = L->s;

	for (int l = 0; l < L->nr_pages; l++) {
		int o = L->pages[l].obj;
		const struct story_obj *ob = &s->obj[o];
		const char *state = ob->first;
		double y = L->top + 2 * LH + 2;

		for (int c = 0; c <= s->nr_ch; c++) {
			double y1;

			if (c < s->nr_ch && (s->ch[c].obj != o ||
					     s->ev[s->ch[c].ev].num <= 0 ||
					     !strcmp(s->ch[c].after, state)))
				continue;
			y1 = c < s->nr_ch ? y_of_event(L, s->ch[c].ev, false) :
					    L->bottom;
			if (y1 > y) {
				fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" "
					"width=\"%.1f\" height=\"%.1f\" "
					"fill=\"%s\" stroke=\"#fff\"><title>",
					L->page_x[l] + 2, y, L->page_wl[l] - 4,
					y1 - y, state_colour(ob, state));
				xml_text(out, state);
				fputs("</title></rect>\n", out);
				wrapped(out, L->page_x[l] + 6, y, y1,
					L->page_wl[l] - 12, NULL, state);
			}
			if (c == s->nr_ch)
				break;
			state = s->ch[c].after;
			/* (a change recorded later may show on an earlier
			 * row: steps are drawn in the order their accesses
			 * were performed) */
			y = y1 > y ? y1 : y;
		}
	}
}

/* Writes observed by another task's read: an arrow, writer to reader. */
static void draw_arrows(FILE *out, const struct lay *L)
{
	const struct story *s = L->s;

	fputs("<defs><marker id=\"ah\" viewBox=\"0 0 10 10\" refX=\"9\" "
	      "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
	      "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
	      "fill=\"#dc2626\"/></marker></defs>\n", out);
	for (int i = 0; i < L->n; i++) {
		const struct item *it = &L->it[i];
		const struct story_ev *r, *w;
		double x0, y0, x1, y1;
		int lw, lr;

		if (it->type != IT_STEP)
			continue;
		r = &s->ev[it->ev];
		if (r->writer < 0 || s->ev[r->writer].num <= 0 ||
		    setup_table_read(L, r))
			continue;
		w = &s->ev[r->writer];
		lw = L->lane_of_task[w->task];
		lr = L->lane_of_task[r->task];
		if (lw < 0 || lr < 0 || lw == lr)
			continue;
		y0 = y_of_event(L, r->writer, true) - LH / 2.0;
		y1 = it->y0 + it->nlabels * LH + LH / 2.0;
		x0 = lw < lr ? L->task_x[lw] + L->task_wl[lw] - 4 :
			       L->task_x[lw] + 4;
		x1 = lw < lr ? L->task_x[lr] + 4 :
			       L->task_x[lr] + L->task_wl[lr] - 4;
		fprintf(out, "<path d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f "
			"%.1f,%.1f\" fill=\"none\" stroke=\"#dc2626\" "
			"stroke-width=\"1.5\" stroke-opacity=\"0.8\" "
			"marker-end=\"url(#ah)\"><title>step %d reads what "
			"step %d wrote</title></path>\n", x0, y0,
			(x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1, y1, r->num,
			w->num);
	}
}

/* Lock holds: a bar on the lane's right edge from acquire to release. */
static void draw_locks(FILE *out, const struct lay *L)
{
	const struct story *s = L->s;

	for (int l = 0; l < L->nr_tasks; l++) {
		int t = L->tasks[l];
		struct { uintptr_t a; int at; const char *lbl; } open[8];
		int n = 0;

		for (int i = 0; i <= s->nr_ev; i++) {
			const struct story_ev *e = i < s->nr_ev ? &s->ev[i] :
								  NULL;

			if (e && e->task != t)
				continue;
			if (e && e->kind == SIM_EV_LOCK && n < 8) {
				open[n].a = e->addr;
				open[n].at = i;
				open[n++].lbl = e->site->func;
				continue;
			}
			for (int k = n - 1; k >= 0; k--) {
				double y0, y1, x;

				if (e && (e->kind != SIM_EV_UNLOCK ||
					  open[k].a != e->addr))
					continue;
				y0 = y_of_event(L, open[k].at, false);
				y1 = e ? y_of_event(L, i, false) : L->bottom;
				x = L->task_x[l] + L->task_wl[l] - 5 - k * 4;
				if (y1 - y0 >= 4)
					fprintf(out, "<rect x=\"%.1f\" "
						"y=\"%.1f\" width=\"3\" "
						"height=\"%.1f\" "
						"fill=\"#0369a1\"><title>"
						"holds the lock taken in "
						"%s</title></rect>\n", x, y0,
						y1 - y0, open[k].lbl);
				memmove(&open[k], &open[k + 1],
					(n - k - 1) * sizeof(open[0]));
				n--;
				if (e)
					break;
			}
		}
	}
}

/* Title, violation and replay lines; returns the y below them. */
static double draw_header(FILE *out, const struct story *s, double width)
{
	const char *m = s->res.msg[0] ? s->res.msg : "no violation";
	char *buf = strdup(m), *line, *save = NULL, *cmd = NULL, head[300];
	size_t len = 0;
	FILE *f;
	double y = 22;

	snprintf(head, sizeof(head), "%s: %s (schedule %s, %d preemption%s)",
		 s->p->name, sim_outcome_name(s->res.outcome), s->schedule,
		 s->preempts, s->preempts == 1 ? "" : "s");
	fprintf(out, "<text x=\"8\" y=\"%.1f\" font-size=\"15\" "
		"font-weight=\"bold\" xml:space=\"preserve\">", y);
	xml_text(out, head);
	fputs("</text>\n", out);
	y += LH + 4;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* wrap long messages at the picture's width */
		int room = (int)((width - 16) / CW);

		while ((int)strlen(line) > room && room > 10) {
			char *cut = strndup(line, room);

			text(out, 8, y, width - 16, "#b91c1c", "bold", cut);
			free(cut);
			line += room;
			y += LH;
		}
		text(out, 8, y, width - 16, "#b91c1c", "bold", line);
		y += LH;
	}
	free(buf);
	f = open_memstream(&cmd, &len);
	if (f) {
		report_replay_cmd(f, s->p, s->schedule);
		fclose(f);
		text(out, 8, y, width - 16, "#475569", NULL, cmd);
		free(cmd);
		y += LH;
	}
	text(out, 8, y, width - 16, "#475569", NULL,
	     "red arrows: a write another task's read observed; dashed "
	     "rules: preemptions; blue bars: locks held; \"... N steps\": "
	     "steps summarised (the text story has them all)");
	return y + 8;
}

/* story_svg - the picture of @s on @out. 0 on success. */
static int svg(FILE *out, const struct story *s, bool inline_)
{
	struct lay L = { .s = s, .depth = MAX_DEPTH };
	FILE *nul = fopen("/dev/null", "w");
	double top = 80, h;

	lanes(&L);
	score_steps(&L);
	/* the header's height depends on the width */
	if (nul) {
		top = draw_header(nul, s, L.width);
		fclose(nul);
	}
	layout(&L, top + 6);
	h = L.bottom + (L.hidden_pages ? LH + 10 : 10);
	if (!inline_)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"DejaVu Sans Mono, monospace\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
		L.width, h, L.width, h);
	{
		int arrows = 0;

		for (int j = 0; j < s->nr_steps; j++)
			arrows += L.rank[s->order[j]] < L.nhide &&
				  L.score[s->order[j]] >= 80;
		fprintf(out, "<!-- layout: caller boxes %d deep, %d of %d "
			"steps summarised (%d of them arrow ends), %d "
			"entries and folios not drawn -->\n",
			L.depth, L.hidden_steps, s->nr_steps, arrows,
			L.hidden_pages);
	}
	draw_header(out, s, L.width);
	draw_lane_heads(out, &L);
	draw_pages(out, &L);
	draw_boxes(out, &L);
	draw_locks(out, &L);
	draw_steps(out, &L);
	draw_time_column(out, &L);
	draw_arrows(out, &L);
	if (L.hidden_pages) {
		char buf[120];

		snprintf(buf, sizeof(buf), "(%d more entr%s and folios "
			 "involved: the text story lists them)",
			 L.hidden_pages, L.hidden_pages == 1 ? "y" : "ies");
		text(out, 8, L.bottom + LH, L.width - 16, "#475569", NULL,
		     buf);
	}
	fputs("</svg>\n", out);
	free(L.it);
	free(L.score);
	free(L.rank);
	return ferror(out) ? -1 : 0;
}

int story_svg(FILE *out, const struct story *s)
{
	return svg(out, s, false);
}

int report_svg(FILE *out, const struct mmsim_program *p,
	       const char *schedule, const struct sim_result *res)
{
	struct story *s = story_build(p, schedule);
	int rc;

	(void)res;
	if (!s)
		return -1;
	rc = story_svg(out, s);
	story_free(s);
	return rc;
}

int report_html(FILE *out, const struct mmsim_program *p,
		const char *schedule)
{
	struct story *s = story_build(p, schedule);
	char *txt = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (!s)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\"><title>", out);
	xml_text(out, s->p->name);
	fprintf(out, ": %s</title>\n<style>body{font-family:DejaVu Sans "
		"Mono,monospace;margin:12px;background:#fff;color:#111}"
		"pre{font-size:12px;line-height:1.35}svg text{pointer-events:"
		"all}</style></head><body>\n", sim_outcome_name(s->res.outcome));
	rc = svg(out, s, true);
	f = open_memstream(&txt, &len);
	if (f) {
		story_print(f, s);
		fclose(f);
		fputs("<details open><summary>the story as text</summary>"
		      "<pre>", out);
		for (char *c = txt; c && *c; c++)
			if (*c == '\n')
				fputc('\n', out);
			else
				xml_text(out, (char[2]){ *c, 0 });
		fputs("</pre></details>\n", out);
		free(txt);
	}
	fputs("</body></html>\n", out);
	story_free(s);
	return rc || ferror(out) ? -1 : 0;
}
#endif /* !SIM_STRESS */
