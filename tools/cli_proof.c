// SPDX-License-Identifier: GPL-2.0
/*
 * tools/cli_proof.c - the bounded proof of a clean result, shared by
 * `mmsim bugs` (the clean direction of every catalogued bug) and by a
 * default `mmsim explore` that found nothing (issue 9: "a clean claim is
 * only as strong as the search behind it").
 *
 * The ladder: dpor:1, dpor:2, dpor:3, then unbounded DPOR, each rung
 * only if the one below exhausted and the next is likely to fit the
 * budget; where DPOR cannot run (memory=tso|arm64: store-buffer drains
 * are choices it does not model) bounded dfs instead (dfs:1, dfs:2,
 * dfs:3), which reduces nothing but covers the drains (each drain taken
 * early is a preemption there). The claim is the largest bound whose rung
 * exhausted with no failure. These rungs are the proof strategies
 * (dpor:P keeps no sleep sets under a bound, docs/explorer.md), not the
 * finder rungs the default search interleaves with its sampling, which
 * prove nothing.
 */
#include <string.h>

#include "tools/cli.h"

static const char *const ladder[] = { "dpor:1", "dpor:2", "dpor:3", "dpor",
				      "dfs:1", "dfs:2", "dfs:3" };
#define NR_LADDER	(sizeof(ladder) / sizeof(ladder[0]))
#define DFS_RUNG	4	/* ladder[DFS_RUNG] is dfs:1 */

void proof_ladder(proof_rung_fn run, void *ctx, const struct explore_opts *o,
		  uint64_t execs, uint64_t steps, struct proof *pf)
{
	uint64_t left = execs, steps_left = steps, prev_execs = 0;

	memset(pf, 0, sizeof(*pf));
	for (size_t i = 0; i < NR_LADDER && left > 0 && steps_left > 0; i++) {
		struct explore_opts ro = *o;
		struct explore_result r;
		bool bad;

		ro.strategy = ladder[i];
		ro.runs = left;
		ro.time_limit = 0;
		/* unbounded: at most 20 times the last rung's executions */
		if (i == 3 && 20 * prev_execs < left)
			ro.runs = 20 * prev_execs > 1000 ? 20 * prev_execs :
							   1000;
		/* and no execution starts past the events left */
		ro.max_steps = steps_left;
		run(ctx, &ro, ladder[i], &r);
		pf->execs += r.executions;
		pf->steps += r.steps;
		left -= r.executions < left ? r.executions : left;
		steps_left -= r.steps < steps_left ? r.steps : steps_left;
		if (r.error[0] && !r.failures) {
			explore_result_free(&r);
			if (i >= DFS_RUNG)
				break;
			/* dpor cannot run here (store buffers): dfs */
			i = DFS_RUNG - 1;
			prev_execs = 0;
			continue;
		}
		bad = r.failures || r.error[0];
		if (r.exhausted && !bad) {
			pf->proved = ladder[i];
			pf->proved_execs = r.executions;
		}
		if (bad) {
			pf->failed = ladder[i];
			pf->found = r;	/* the caller's to report and free */
			return;
		}
		explore_result_free(&r);
		/*
		 * The next rung costs many times this one: as many as this
		 * one cost the one below it (at least 4), by the count of
		 * executions. A rung that cannot fit is not started, so the
		 * budget is not spent on a proof that cannot end.
		 */
		if (!r.exhausted) {
			pf->unfinished = ladder[i];
			return;
		}
		{
			double growth = prev_execs ? (double)r.executions /
							     prev_execs :
						     4.0;

			if (growth < 4.0)
				growth = 4.0;
			if (growth * r.executions > left ||
			    growth * r.steps > steps_left)
				break;
			/* unbounded only where bounded DPOR stays small:
			 * elsewhere it rarely ends within the budget */
			if (i == 2 && r.executions > 2000)
				break;
			if (i == 3)
				break;	/* the DPOR ladder's top */
		}
		prev_execs = r.executions ? r.executions : 1;
	}
}

const char *proof_claim(const char *proved, char *buf, size_t n)
{
	const char *bound;

	if (!proved)
		return NULL;
	if (!strcmp(proved, "dpor")) {
		snprintf(buf, n, "every schedule");
		return buf;
	}
	bound = strchr(proved, ':') + 1;
	snprintf(buf, n, "to %s preemption%s%s", bound,
		 strcmp(bound, "1") ? "s" : "",
		 strncmp(proved, "dfs", 3) ? "" : " (dfs)");
	return buf;
}

int proof_rung_index(const char *rung)
{
	for (size_t i = 0; rung && i < NR_LADDER; i++)
		if (!strcmp(rung, ladder[i]))
			return (int)i;
	return -1;
}

const char *proof_rung(int i)
{
	return i >= 0 && i < (int)NR_LADDER ? ladder[i] : NULL;
}
