// SPDX-License-Identifier: GPL-2.0
/*
 * explore/shrink.c - make a failing schedule small enough to read.
 *
 * A schedule string is a list of runs (task, count). A truncated string is
 * still a schedule (when it runs out the current task keeps running, else
 * the lowest runnable), so every edit below yields a valid candidate:
 *	1. truncate after run k (smallest k first);
 *	2. shorten the last run;
 *	3. delete a run (its neighbours merge if they name the same task);
 *	4. stay instead of switching: give run i the task of run i-1;
 *	5. halve or decrement a run's count;
 *	6. move a run: drop it and give its count to the task's next run
 *	   (it runs later) or its previous one (earlier). The task makes the
 *	   same choices, so the execution stays close to the failing one
 *	   where a deletion would shift every later run (rff's schedules,
 *	   which interleave short runs, shrink from 21 preemptions to 15
 *	   without it).
 * A candidate is kept only if its replay ends the same way (same outcome,
 * same message with numbers ignored) and it is strictly smaller: fewer
 * preemptions, then fewer runs, then fewer choices, and never a longer
 * string. Greedy, restarting after each success; so the result never
 * loses the failure and never grows.
 */
#ifndef SIM_STRESS
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"

struct srun {
	int task;
	uint64_t count;
};

struct cand {
	struct srun *run;
	size_t n;
};

/* Size of a candidate, compared lexicographically. */
struct size {
	unsigned preempts;
	size_t runs;
	uint64_t choices;
	size_t len;
};

static int letter_task(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 26;
	return -1;
}

static char task_letter(int t)
{
	return t < 26 ? 'a' + t : 'A' + t - 26;
}

/* Parse @s into runs; -1 if it is not a schedule string. */
static int parse(const char *s, struct cand *c)
{
	size_t cap = strlen(s) + 1;

	c->run = calloc(cap, sizeof(*c->run));
	c->n = 0;
	while (*s) {
		char *end;
		int t = letter_task(*s++);

		if (t < 0)
			return -1;
		c->run[c->n].task = t;
		c->run[c->n].count = 1;
		if (*s >= '0' && *s <= '9') {
			c->run[c->n].count = strtoull(s, &end, 10);
			s = end;
		}
		c->n++;
	}
	return 0;
}

/* @c as a canonical string: zero runs dropped, equal neighbours merged. */
static char *format(const struct cand *c)
{
	char *s = malloc(c->n * 24 + 1), *p = s;
	int t = -1;
	uint64_t cnt = 0;

	for (size_t i = 0; i <= c->n; i++) {
		if (i < c->n && !c->run[i].count)
			continue;
		if (i < c->n && c->run[i].task == t) {
			cnt += c->run[i].count;
			continue;
		}
		if (t >= 0) {
			*p++ = task_letter(t);
			if (cnt > 1)
				p += sprintf(p, "%llu",
					     (unsigned long long)cnt);
		}
		if (i < c->n) {
			t = c->run[i].task;
			cnt = c->run[i].count;
		}
	}
	*p = 0;
	return s;
}

/* Replace every run of digits by '#'. */
static void normalize(const char *in, char *out, size_t n)
{
	size_t o = 0;

	for (; *in && o + 1 < n; in++) {
		if (*in >= '0' && *in <= '9') {
			if (!o || out[o - 1] != '#')
				out[o++] = '#';
			continue;
		}
		out[o++] = *in;
	}
	out[o] = 0;
}

bool same_failure(const struct sim_result *a, const struct sim_result *b)
{
	static char na[SIM_MSG_MAX], nb[SIM_MSG_MAX];

	if (a->outcome != b->outcome)
		return false;
	normalize(a->msg, na, sizeof(na));
	normalize(b->msg, nb, sizeof(nb));
	return !strcmp(na, nb);
}

static struct size size_of(const char *s, unsigned preempts)
{
	struct cand c;
	struct size z = { preempts, 0, 0, strlen(s) };

	parse(s, &c);
	z.runs = c.n;
	for (size_t i = 0; i < c.n; i++)
		z.choices += c.run[i].count;
	free(c.run);
	return z;
}

static bool smaller(struct size a, struct size b)
{
	if (a.len > b.len)
		return false;
	if (a.preempts != b.preempts)
		return a.preempts < b.preempts;
	if (a.runs != b.runs)
		return a.runs < b.runs;
	if (a.choices != b.choices)
		return a.choices < b.choices;
	return a.len < b.len;
}

struct shrinker {
	const struct mmsim_program *p;
	struct sim_result want;
	char *best;
	struct size best_size;
	unsigned attempts, max_attempts;
	uint64_t best_steps;
};

/* Try candidate @c: keep it if it fails the same way and is smaller. */
static bool try_cand(struct shrinker *sh, const struct cand *c)
{
	char *s = format(c);
	struct sim_result res;
	int pre;

	if (sh->attempts >= sh->max_attempts || !strcmp(s, sh->best)) {
		free(s);
		return false;
	}
	sh->attempts++;
	pre = schedule_preemptions(sh->p, s, &res);
	if (pre < 0 || !same_failure(&sh->want, &res) ||
	    !smaller(size_of(s, pre), sh->best_size)) {
		free(s);
		return false;
	}
	free(sh->best);
	sh->best = s;
	sh->best_size = size_of(s, pre);
	sh->best_steps = res.steps;
	return true;
}

/* Copy of @c with runs [from, to) replaced by nothing. */
static struct cand without(const struct cand *c, size_t from, size_t to)
{
	struct cand d = { calloc(c->n + 1, sizeof(*c->run)), 0 };

	for (size_t i = 0; i < c->n; i++)
		if (i < from || i >= to)
			d.run[d.n++] = c->run[i];
	return d;
}

/* One pass of edits over @c; true as soon as one is kept. */
static bool shrink_pass(struct shrinker *sh, const struct cand *c)
{
	struct cand d;
	bool ok = false;

	for (size_t k = 0; k < c->n && !ok; k++) {	/* 1. truncate */
		d = without(c, k, c->n);
		ok = try_cand(sh, &d);
		free(d.run);
	}
	for (size_t i = c->n; i-- > 0 && !ok;) {	/* 3. delete */
		d = without(c, i, i + 1);
		ok = try_cand(sh, &d);
		free(d.run);
	}
	for (size_t i = 0; i < c->n && !ok; i++) {	/* 6. move */
		for (int dir = 1; dir >= -1 && !ok; dir -= 2) {
			size_t j = i;

			do
				j += dir;
			while (j < c->n && c->run[j].task != c->run[i].task);
			if (j >= c->n)
				continue;	/* none (j wrapped below 0) */
			d = without(c, c->n, c->n);
			d.run[j].count += d.run[i].count;
			d.run[i].count = 0;
			ok = try_cand(sh, &d);
			free(d.run);
		}
	}
	for (size_t i = 1; i < c->n && !ok; i++) {	/* 4. stay */
		d = without(c, c->n, c->n);
		d.run[i].task = d.run[i - 1].task;
		ok = try_cand(sh, &d);
		free(d.run);
	}
	for (size_t i = c->n; i-- > 0 && !ok;) {	/* 2, 5. fewer */
		uint64_t n = c->run[i].count, m[2] = { n / 2, n - 1 };

		for (int k = 0; k < 2 && !ok; k++) {
			if (m[k] >= n || (k && m[1] == m[0]))
				continue;
			d = without(c, c->n, c->n);
			d.run[i].count = m[k];
			ok = try_cand(sh, &d);
			free(d.run);
		}
	}
	return ok;
}

char *shrink_schedule(const struct mmsim_program *p, const char *schedule,
		      unsigned max_attempts, struct shrink_stats *st)
{
	struct shrinker sh = { .p = p, .max_attempts = max_attempts ?
							      max_attempts :
							      5000 };
	struct cand c;
	int pre;

	if (parse(schedule, &c)) {
		free(c.run);
		return NULL;
	}
	pre = schedule_preemptions(p, schedule, &sh.want);
	if (pre < 0 || sh.want.outcome == SIM_OK) {
		free(c.run);
		return NULL;
	}
	sh.best = format(&c);
	sh.best_size = size_of(sh.best, pre);
	sh.best_steps = sh.want.steps;
	memset(st, 0, sizeof(*st));
	st->preempts_before = pre;
	st->steps_before = sh.want.steps;
	st->len_before = strlen(schedule);
	for (;;) {
		struct cand cur;

		free(c.run);
		parse(sh.best, &cur);
		c = cur;
		if (!shrink_pass(&sh, &c))
			break;
	}
	free(c.run);
	/*
	 * The smallest candidate may leave its tail to the default (the
	 * running task while it can run); the schedule handed out names
	 * every choice, so that its replay is never truncated.
	 */
	if (schedule_preemptions(p, sh.best, NULL) >= 0 &&
	    guided_defaulted(NULL)) {
		char *full = strdup(sim_schedule());

		if (full) {
			free(sh.best);
			sh.best = full;
		}
	}
	st->preempts_after = sh.best_size.preempts;
	st->steps_after = sh.best_steps;
	st->len_after = strlen(sh.best);
	st->attempts = sh.attempts;
	return sh.best;
}
#endif /* !SIM_STRESS */
