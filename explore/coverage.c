// SPDX-License-Identifier: GPL-2.0
/*
 * explore/coverage.c - race-window coverage: which labelled yield points
 * ("race windows") the executions reached, and how often another task
 * made a conflicting access while a task stood in one.
 *
 * A task stands in a window from the moment it reaches the yield point
 * until it is picked to run past it (sim_sched_view.next[t]). Whenever
 * more than one task can run, the scheduler consults the strategy after
 * every event, so a strategy that wraps the real one sees every event
 * made while another task stood somewhere (sim_sched_view.last) and can
 * test it against each standing access with sim_access_conflict(): no
 * knowledge of mm, only the relation.
 *
 * "reached" counts arrivals (one per task per arrival, seen at a choice);
 * "raced" counts conflicting accesses by other tasks during a stay. A
 * window reached but never raced is one the run never exercised as a
 * race: a reviewer reads those first.
 */
#ifndef SIM_STRESS
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/json.h"

#define COV_SLOTS 8192		/* power of two; sites in the model: ~1000 */

struct cov_slot {
	const struct sim_site *site;
	uint64_t reached, raced;
};

struct coverage {
	struct cov_slot slot[COV_SLOTS];
	size_t used;
	bool full;		/* a site did not fit (reported) */
	/* per execution */
	struct sim_strategy *inner;
	uint64_t stamp[SIM_MAX_TASKS];	/* arrival already counted */
	uint64_t seen;
};

static struct cov_slot *cov_slot(struct coverage *c, const struct sim_site *s)
{
	size_t h = ((uintptr_t)s >> 4) * 0x9e3779b97f4a7c15ULL >> 51;

	for (size_t i = 0; i < COV_SLOTS; i++) {
		struct cov_slot *sl = &c->slot[(h + i) & (COV_SLOTS - 1)];

		if (sl->site == s)
			return sl;
		if (!sl->site) {
			if (c->used * 4 >= COV_SLOTS * 3) {
				c->full = true;
				return NULL;
			}
			sl->site = s;
			c->used++;
			return sl;
		}
	}
	return NULL;
}

struct coverage *coverage_new(void)
{
	struct coverage *c = calloc(1, sizeof(*c));

	if (!c) {
		fprintf(stderr, "mmsim: out of host memory\n");
		exit(2);
	}
	return c;
}

void coverage_free(struct coverage *c)
{
	free(c);
}

/* The wrapper strategy: one at a time (coverage is in-process only). */
static struct coverage *cur;

static void cov_begin(struct sim_strategy *s, uint64_t seed)
{
	cur->seen = 0;
	cur->inner->begin(cur->inner, seed);
}

/* Count what task @v->current's last access did to the windows. */
static void cov_observe(struct sim_strategy *s, const struct sim_sched_view *v)
{
	struct coverage *c = cur;
	uint64_t m;

	for (m = v->runnable; m; m &= m - 1) {
		int t = __builtin_ctzll(m);
		const struct sim_access *a = &v->next[t];
		struct cov_slot *sl;

		if (!a->site)
			continue;
		sl = cov_slot(c, a->site);
		if (!sl)
			continue;
		if (!(c->seen >> t & 1) || c->stamp[t] != a->stamp) {
			c->seen |= 1ULL << t;
			c->stamp[t] = a->stamp;
			sl->reached++;
		}
		if (t != v->current && v->current >= 0 &&
		    v->last->kind != SIM_EV__NR &&
		    sim_access_conflict(a, v->last))
			sl->raced++;
	}
	if (c->inner->observe)
		c->inner->observe(c->inner, v);
}

static int cov_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	cov_observe(s, v);
	return cur->inner->pick(cur->inner, v);
}

static void cov_end(struct sim_strategy *s, const struct sim_result *r)
{
	if (cur->inner->end)
		cur->inner->end(cur->inner, r);
}

struct sim_strategy *coverage_wrap(struct coverage *c,
				   struct sim_strategy *inner)
{
	static struct sim_strategy w = { "coverage", cov_begin, cov_pick,
					 cov_end, NULL, cov_observe };

	cur = c;
	c->inner = inner;
	w.name = inner->name;
	return &w;
}

/* Slots in report order: most raced first, then by label. */
static int cmp_slot(const void *a, const void *b)
{
	const struct cov_slot *x = a, *y = b;
	int r;

	if (x->raced != y->raced)
		return x->raced < y->raced ? 1 : -1;
	r = strcmp(x->site->label, y->site->label);
	if (r)
		return r;
	r = strcmp(x->site->file, y->site->file);
	return r ? r : x->site->line - y->site->line;
}

static struct cov_slot *sorted(const struct coverage *c, size_t *n)
{
	struct cov_slot *v = malloc((c->used ? c->used : 1) * sizeof(*v));
	size_t k = 0;

	if (!v) {
		fprintf(stderr, "mmsim: out of host memory\n");
		exit(2);
	}
	for (size_t i = 0; i < COV_SLOTS; i++)
		if (c->slot[i].site)
			v[k++] = c->slot[i];
	qsort(v, k, sizeof(*v), cmp_slot);
	*n = k;
	return v;
}

void coverage_print(FILE *out, const struct coverage *c)
{
	size_t n, raced = 0;
	struct cov_slot *v = sorted(c, &n);

	for (size_t i = 0; i < n; i++)
		raced += v[i].raced > 0;
	fprintf(out, "coverage: %zu race windows reached, %zu raced, %zu "
		"never raced%s\n", n, raced, n - raced,
		c->full ? " (table full: some windows not counted)" : "");
	fprintf(out, "  %10s %10s  %-36s %s\n", "raced", "reached", "window",
		"site");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %10llu %10llu  %-36s %s:%d\n",
			(unsigned long long)v[i].raced,
			(unsigned long long)v[i].reached, v[i].site->label,
			v[i].site->file, v[i].site->line);
	if (raced < n) {
		fputs("  never raced:", out);
		for (size_t i = raced; i < n; i++)
			fprintf(out, "%s %s", i > raced ? "," : "",
				v[i].site->label);
		fputc('\n', out);
	}
	free(v);
}

void coverage_json(FILE *out, const struct coverage *c)
{
	size_t n;
	struct cov_slot *v = sorted(c, &n);

	fputs("[", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		fputs("{\"label\": ", out);
		json_str(out, v[i].site->label);
		fputs(", \"file\": ", out);
		json_str(out, v[i].site->file);
		fprintf(out, ", \"line\": %d, \"reached\": %llu, \"raced\": "
			"%llu}", v[i].site->line,
			(unsigned long long)v[i].reached,
			(unsigned long long)v[i].raced);
	}
	fputs("]", out);
	free(v);
}

uint64_t coverage_count(const struct coverage *c, const char *label,
			bool raced)
{
	uint64_t n = 0;

	for (size_t i = 0; i < COV_SLOTS; i++)
		if (c->slot[i].site && !strcmp(c->slot[i].site->label, label))
			n += raced ? c->slot[i].raced : c->slot[i].reached;
	return n;
}
#endif /* !SIM_STRESS */
