// SPDX-License-Identifier: GPL-2.0
/*
 * explore/guided.c - a strategy that follows a schedule string and then
 * the non-preemptive default, like sim's replay, but lets the explorer see
 * every choice: it counts preemptions (for shrinking and reports) and
 * records a divergence instead of ending the execution.
 */
#ifndef SIM_STRESS
#include <stdlib.h>

#include "explore/explore.h"

static struct {
	const char *sched;	/* next unread character */
	int task;		/* the run being followed */
	uint64_t left;		/* choices left in it */
	unsigned preempts;
	bool diverged;
	uint64_t choices;	/* choices made in this execution */
	uint64_t defaulted;	/* of which after the string ran out */
} G;

static int letter_task(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 26;
	return -1;
}

/* The next task the string names, -1 when it has run out, -2 if bad. */
static int guided_next(void)
{
	if (!G.left) {
		char *end;

		while (*G.sched == ' ' || *G.sched == '\n')
			G.sched++;
		if (!*G.sched)
			return -1;
		G.task = letter_task(*G.sched++);
		if (G.task < 0)
			return -2;
		G.left = 1;
		if (*G.sched >= '0' && *G.sched <= '9') {
			G.left = strtoull(G.sched, &end, 10);
			G.sched = end;
		}
		if (!G.left)
			return -2;
	}
	G.left--;
	return G.task;
}

static void guided_begin(struct sim_strategy *s, uint64_t seed)
{
	G.sched = s->priv;
	G.left = 0;
	G.preempts = 0;
	G.diverged = false;
	G.choices = 0;
	G.defaulted = 0;
}

static int guided_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	int cur = v->current, t = -1;
	bool cur_ok = cur >= 0 && (v->runnable >> cur & 1);

	if (!G.diverged) {
		t = guided_next();
		if (t == -2 || (t >= 0 && !(v->runnable >> t & 1)))
			G.diverged = true;
	}
	G.choices++;
	if (t == -1 && !G.diverged)
		G.defaulted++;
	if (t < 0 || G.diverged)
		t = cur_ok ? cur : __builtin_ctzll(v->runnable);
	G.preempts += cur_ok && t != cur;
	return t;
}

struct sim_strategy *guided_strategy(const char *schedule)
{
	static struct sim_strategy s = { "guided", guided_begin, guided_pick,
					 NULL, NULL };

	s.priv = (void *)(schedule ? schedule : "");
	return &s;
}

unsigned guided_preemptions(void)
{
	return G.preempts;
}

bool guided_diverged(void)
{
	return G.diverged;
}

uint64_t guided_defaulted(uint64_t *choices)
{
	if (choices)
		*choices = G.choices;
	return G.defaulted;
}

int schedule_preemptions(const struct mmsim_program *p, const char *schedule,
			 struct sim_result *res)
{
	struct sim_config cfg = { .strategy = guided_strategy(schedule) };
	struct sim_result r;

	program_exec(p, &cfg, res ? res : &r);
	return G.diverged ? -1 : (int)G.preempts;
}
#endif /* !SIM_STRESS */
