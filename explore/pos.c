// SPDX-License-Identifier: GPL-2.0
/*
 * explore/pos.c - POS, partial order sampling: X. Yuan, J. Yang and R. Gu,
 * "Partial Order Aware Concurrency Sampling", CAV 2018, LNCS 10982,
 * pp. 317-335 (the paper's BasicPOS assigns each event one priority; its
 * POS adds the reassignment of step (3) below).
 *
 * The paper's vocabulary, in mmsim's terms:
 *  - an *event* is a task's next access: the yield point it stands at,
 *    sim_sched_view.next[t] (kind, objects, race-window label);
 *  - two events *race* when they conflict: sim_access_conflict() (same
 *    object, at least one writes; or the same lock);
 *  - every enabled event carries a random *priority*; the scheduler runs
 *    the enabled event of highest priority.
 *
 * The algorithm (the paper's POS, its steps numbered as here):
 *  (1) an event that is new - a task reached a new yield point - gets a
 *      fresh random priority;
 *  (2) the enabled event of highest priority runs;
 *  (3) after it ran, every enabled event that races with it gets a fresh
 *      random priority (the *priority reassignment*); no other does.
 * Plain random walk (sim_strategy_random) picks uniformly at every choice,
 * so two racing events far apart in their tasks are reordered with a
 * probability that falls exponentially with the distance; PCT fixes a
 * priority per task and changes it d-1 times. POS keeps each event's
 * priority until it runs or a racing event runs: an event waiting for a
 * race is ordered before or after it with probability about 1/2 however
 * many unrelated events pass, which is what finds a store that must land
 * inside a window of another task (seed 000).
 *
 * SIM: the scheduler calls pick() only where more than one task can run;
 * an event that runs where it alone could run reassigns nothing (no
 * other event was enabled to race with it), and a task that ran there
 * gets its fresh priority at the next choice, by (1).
 */
#ifndef SIM_STRESS
#include "explore/explore.h"

static struct {
	struct sim_rng rng;
	uint64_t prio[SIM_MAX_TASKS];	/* the priority of t's event */
	uint64_t stamp[SIM_MAX_TASKS];	/* which event prio[t] belongs to */
	uint64_t known;			/* tasks whose event has a prio */
	uint64_t reassigned;		/* (3) reassignments, for tests */
	/*
	 * Of 64: how often a new event that races with no pending event of
	 * another task gets a fresh priority (64: always, the paper's POS);
	 * otherwise it keeps its task's priority, so a task runs a stretch
	 * of events nobody else is waiting to race with as one unit.
	 */
	unsigned fresh64;
} P = { .fresh64 = 64 };

static void pos_begin(struct sim_strategy *s, uint64_t seed)
{
	sim_rng_seed(&P.rng, seed);
	P.known = 0;
	P.reassigned = 0;
}

/* A fresh priority; ties (probability 2^-64) go to the lower task id. */
static inline void draw(int t)
{
	P.prio[t] = sim_rng_next(&P.rng);
}

/* Does t's next event race with the next event of another enabled task? */
bool pos_racing_pending(const struct sim_sched_view *v, int t)
{
	for (uint64_t m = v->runnable & ~(1ULL << t); m; m &= m - 1)
		if (sim_access_conflict(&v->next[t],
					&v->next[__builtin_ctzll(m)]))
			return true;
	return false;
}

static int pos_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	uint64_t run = v->runnable, m;
	int best = -1;

	/* (3) the event just run: re-draw every enabled event racing it */
	if (v->current >= 0 && v->last->kind != SIM_EV__NR) {
		for (m = run & ~(1ULL << v->current); m; m &= m - 1) {
			int t = __builtin_ctzll(m);

			if ((P.known >> t & 1) &&
			    sim_access_conflict(&v->next[t], v->last)) {
				draw(t);
				P.reassigned++;
			}
		}
	}
	for (m = run; m; m &= m - 1) {
		int t = __builtin_ctzll(m);

		/* (1) a new event: a fresh priority */
		if (!(P.known >> t & 1)) {
			draw(t);
			P.stamp[t] = v->next[t].stamp;
			P.known |= 1ULL << t;
		} else if (P.stamp[t] != v->next[t].stamp) {
			P.stamp[t] = v->next[t].stamp;
			if (P.fresh64 >= 64 || pos_racing_pending(v, t) ||
			    sim_rng_below(&P.rng, 64) < P.fresh64)
				draw(t);
		}
		/* (2) the highest priority runs */
		if (best < 0 || P.prio[t] > P.prio[best])
			best = t;
	}
	return best;
}

/* POS whose non-racing new events keep their task's priority but with
 * probability @fresh64/64 (64: the paper's POS). */
struct sim_strategy *pos_strategy_fresh(unsigned fresh64)
{
	struct sim_strategy *s = pos_strategy();

	P.fresh64 = fresh64;
	return s;
}

struct sim_strategy *pos_strategy(void)
{
	static struct sim_strategy s = { "pos", pos_begin, pos_pick, NULL,
					 NULL };

	P.fresh64 = 64;	/* the paper's POS, whatever pos:F ran before */
	return &s;
}

uint64_t pos_reassignments(void)
{
	return P.reassigned;
}

uint64_t pos_priority(int t)
{
	return t >= 0 && t < SIM_MAX_TASKS && (P.known >> t & 1) ? P.prio[t] :
								  0;
}
#endif /* !SIM_STRESS */
