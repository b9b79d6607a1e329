// SPDX-License-Identifier: GPL-2.0
/*
 * tools/cli_promise.c - the verdict is the scenario's: `explore` and `run`
 * judge a scenario's `expect` line.
 *
 *   expect ok               held when no execution failed
 *   expect violation [K]    held when an execution violated (of kind K:
 *                           its message starts "K:")
 *   expect deadlock         held when an execution deadlocked
 *   expect livelock         held when one ran out of steps
 *
 * A file that promises a failure exists to show a bug: it names its
 * switch (`config regress=NAME`, switched on by the runner when it loads
 * the file), or the catalogue names the file as the scenario of one of
 * its entries (sim/regress.c); that switch is then turned on here, unless
 * the command line chose switches itself (--regress). Either way the text
 * report ends with what the file promised and whether it held, and the
 * exit status is 0 when it held and 1 when it did not.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "sim/regress.h"
#include "tools/cli.h"

/* Are @a and @b the same file (same real path, or else same name)? */
static bool same_file(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX], ca[PATH_MAX], cb[PATH_MAX];

	if (realpath(a, ra) && realpath(b, rb))
		return !strcmp(ra, rb);
	snprintf(ca, sizeof(ca), "%s", a);
	snprintf(cb, sizeof(cb), "%s", b);
	return !strcmp(basename(ca), basename(cb));
}

int promise_load(struct cli *c, struct promise *pr)
{
	struct scenario_error err;
	struct scenario *s;
	size_t len;

	memset(pr, 0, sizeof(*pr));
	len = c->file ? strlen(c->file) : 0;
	if (len < 4 || strcmp(c->file + len - 4, ".mms"))
		return 0;	/* a builtin program: no expect line */
	s = scenario_load_file(c->file, &err);
	if (!s)
		return 0;	/* load() has reported it */
	pr->has = true;
	pr->verdict = s->expect.verdict;
	snprintf(pr->kind, sizeof(pr->kind), "%s",
		 s->expect.kind ? s->expect.kind : "");
	snprintf(pr->where, sizeof(pr->where), "%s:%u:%u", c->file,
		 s->expect.pos.line, s->expect.pos.col);
	if (s->config.nr_regress) {
		snprintf(pr->regress, sizeof(pr->regress), "%s",
			 s->config.regress[0]);
		pr->regress_from = "its config line";
	} else if (pr->verdict != SCN_EXPECT_OK) {
		for (int i = 0; i < SIM_REGRESS__NR; i++) {
			const struct sim_regress *b = &sim_regress_table[i];

			if (!b->scenario || !same_file(c->file, b->scenario))
				continue;
			snprintf(pr->regress, sizeof(pr->regress), "%s",
				 b->name);
			pr->regress_from = "the catalogue";
			if (!c->regress_given) {
				sim_regress_set(i, true);
				pr->switched = true;
			} else if (sim_regress_on(i)) {
				pr->by_flag = true;	/* --regress named it */
			}
			break;
		}
	}
	scenario_free(s);
	return 0;
}

/* "violation lost-store", "ok", ... */
static void promise_name(const struct promise *pr, char *buf, size_t len)
{
	snprintf(buf, len, "expect %s%s%s", scenario_verdict_name(pr->verdict),
		 pr->kind[0] ? " " : "", pr->kind);
}

/* Does failure @f keep the promise? */
static bool keeps(const struct promise *pr, const struct explore_failure *f)
{
	size_t n = strlen(pr->kind);

	switch (pr->verdict) {
	case SCN_EXPECT_VIOLATION:
		return f->outcome == SIM_VIOLATION &&
		       (!n || (!strncmp(f->msg, pr->kind, n) &&
			       f->msg[n] == ':'));
	case SCN_EXPECT_DEADLOCK:
		return f->outcome == SIM_DEADLOCK;
	case SCN_EXPECT_LIVELOCK:
		return f->outcome == SIM_LIVELOCK;
	default:
		return false;
	}
}

/*
 * How strong a clean result is, as the promise line says it: "; proved
 * to 2 preemptions" (with @ok false, a promised violation: "; proved
 * absent to 2 preemptions") or "; sampled, no bound proved" after the proof
 * `explore` tries (mmsim.c), "" when it tried none.
 */
static void proof_said(const struct explore_result *r, bool ok, char *buf,
		       size_t n)
{
	char claim[48];

	if (!r->proof_tried || r->failures)
		snprintf(buf, n, "%s", "");
	else if (r->proof)
		snprintf(buf, n, "; %s %s", ok ? "proved" : "proved absent",
			 proof_claim(r->proof, claim, sizeof(claim)));
	else
		snprintf(buf, n, "; sampled, no bound proved");
}

int promise_judge(struct cli *c, const struct promise *pr,
		  const struct explore_result *r, int rc)
{
	bool text = !c->json && !c->tap, held;
	const struct explore_failure *hit = NULL;
	char name[80], sw[256] = "", strength[96];

	if (!pr->has || rc == EXIT_USAGE)
		return rc;
	if (r->outcomes[SIM_LIMIT]) {
		if (text)
			printf("promise undecided: a model limit was hit "
			       "(%s)\n", pr->where);
		return rc;
	}
	promise_name(pr, name, sizeof(name));
	if (pr->regress[0])
		snprintf(sw, sizeof(sw), ", regression %s %s %s", pr->regress,
			 pr->by_flag ? "named by" :
			 pr->switched || pr->regress_from[0] == 'i' ?
			 "switched on by" :
			 "not switched on (--regress names others), named by",
			 pr->by_flag ? "the catalogue, switched on by --regress" :
			 pr->regress_from);
	if (pr->verdict == SCN_EXPECT_OK) {
		held = !r->failures;
	} else {
		for (size_t i = 0; i < r->nr_fail && !hit; i++)
			if (keeps(pr, &r->fail[i]))
				hit = &r->fail[i];
		held = hit != NULL;
	}
	proof_said(r, pr->verdict == SCN_EXPECT_OK, strength, sizeof(strength));
	if (text && held)
		printf("promise held: %s (%s%s): %s%s\n", name, pr->where, sw,
		       pr->verdict == SCN_EXPECT_OK ?
		       "no execution failed" : "found, as the file says",
		       pr->verdict == SCN_EXPECT_OK ? strength : "");
	else if (text && !r->failures)
		printf("promise broken: %s (%s%s): not found in %llu "
		       "executions%s\n", name, pr->where, sw,
		       (unsigned long long)r->executions, strength);
	else if (text)
		printf("promise broken: %s (%s%s): found %s instead: %s\n",
		       name, pr->where, sw,
		       sim_outcome_name(r->fail[0].outcome), r->fail[0].msg);
	if (!held && !text)
		fprintf(stderr, "mmsim: promise broken: %s (%s)\n", name,
			pr->where);
	return held ? EXIT_CLEAN : EXIT_FOUND;
}
