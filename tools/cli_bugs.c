// SPDX-License-Identifier: GPL-2.0
/*
 * tools/cli_bugs.c - `mmsim bugs`: hunt every catalogued regression both
 * ways. With its switch on the explorer must find a violation in the
 * entry's scenario; the schedule found is shrunk (explore/shrink.c) to
 * the fewest preemptions it can, and that one is the replay printed.
 * With it off none may be found: proved where bounded DPOR exhausts
 * within PROOF_SECONDS (dpor:1, dpor:2, dpor:3, then unbounded, while
 * each exhausts and the next is likely to fit: a rung costs several
 * times the one below; the largest bound is the claim), sampled with the
 * budget otherwise. A progress line on stderr when it is a terminal
 * (bug, on/off, executions, rate), then a table (name, kernel commit and
 * date, found?, time and executions to the first violation, how the
 * clean direction was established, replay command). Exit 0 iff every bug
 * behaves; an empty catalogue is said plainly and is not a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "explore/story.h"
#include "sim/regress.h"
#include "tools/cli.h"

#define PROOF_SECONDS 10.0	/* the DPOR ladder's budget, per bug */
/*
 * Without --runs/--time: executions to find a bug (the slowest, seed
 * 000's thp-numa-count-recheck, takes 50,000-65,000 with the default
 * search), and to sample the clean direction where no proof fits (the
 * issue's floor for `make hunt`: 100,000).
 */
#define HUNT_RUNS	400000
#define SAMPLE_RUNS	100000

struct hunt {
	int id;
	bool loaded, found, clean;
	uint64_t execs_to_find, execs_off;
	double time_to_find;
	char *schedule;		/* the shrunk one */
	const char *proved;	/* "dpor:2"...: the clean direction's proof */
	char err[512];
};

/* The progress line (stderr, a terminal only): what runs, how fast. */
struct progress {
	bool on;
	const char *bug, *phase;
	double start, last;
	uint64_t execs;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void progress_show(struct progress *pr, bool force)
{
	double t = now();

	if (!pr->on || (!force && t - pr->last < 0.2))
		return;
	pr->last = t;
	fprintf(stderr, "\r\033[Kbugs: %-24s %-22s %10llu executions "
		"%8.0f/s", pr->bug, pr->phase, (unsigned long long)pr->execs,
		t > pr->start ? pr->execs / (t - pr->start) : 0.0);
}

static void on_exec(void *ctx, uint64_t index, const char *schedule,
		    const struct sim_result *r)
{
	struct progress *pr = ctx;

	pr->execs++;
	progress_show(pr, false);
}

/*
 * Explore @p with regression @id on or off under @o; result in @r. In
 * process (one job) when a progress line is drawn, so it can count.
 */
static int hunt_one(struct cli *c, const struct mmsim_program *p, int id,
		    bool on, struct explore_opts o, struct progress *pr,
		    const char *phase, struct explore_result *r)
{
	int rc;

	sim_regress_clear();
	sim_regress_set(id, on);
	o.keep_going = false;
	o.progress = false;
	pr->phase = phase;
	pr->execs = 0;
	pr->start = now();
	if (pr->on && (!o.jobs || o.jobs == 1)) {
		o.on_exec = on_exec;
		o.ctx = pr;
	}
	progress_show(pr, true);
	rc = explore(p, &o, r);
	if (!o.on_exec)
		pr->execs = r->executions;
	progress_show(pr, true);
	sim_regress_clear();
	return rc;
}

/*
 * The clean direction: the DPOR ladder, each rung only if the one below
 * exhausted, within PROOF_SECONDS; the largest exhausted bound is kept.
 * Returns false if a rung found a violation (the bug is not clean).
 */
static bool prove_clean(struct cli *c, const struct mmsim_program *p,
			struct hunt *h, struct progress *pr)
{
	static const char *const ladder[] = { "dpor:1", "dpor:2", "dpor:3",
					      "dpor" };
	double left = PROOF_SECONDS;
	uint64_t prev_execs = 0;

	for (size_t i = 0; i < 4 && left > 0.05; i++) {
		struct explore_opts o = { .strategy = ladder[i],
					  .time_limit = left };

		/* unbounded: at most 20 times the last rung's executions */
		if (i == 3)
			o.runs = 20 * prev_execs > 1000 ? 20 * prev_execs :
							  1000;
		struct explore_result r;
		char phase[32];
		bool bad;

		snprintf(phase, sizeof(phase), "off, %s", ladder[i]);
		hunt_one(c, p, h->id, false, o, pr, phase, &r);
		left -= r.elapsed;
		if (r.error[0] && !r.failures) {
			/* dpor cannot run here (store buffers): sample */
			explore_result_free(&r);
			break;
		}
		bad = r.failures || r.error[0];
		if (r.exhausted && !bad) {
			h->proved = ladder[i];
			h->execs_off = r.executions;
		}
		explore_result_free(&r);
		if (bad)
			return false;
		/*
		 * The next rung costs many times this one: as many as this
		 * one cost the one below it (at least 4), by the count of
		 * executions. A rung that cannot fit is not started, so a
		 * hunt does not spend the budget on a proof it cannot end.
		 */
		if (!r.exhausted)
			break;
		{
			double growth = prev_execs ? (double)r.executions /
							     prev_execs :
						     4.0;

			if (growth < 4.0)
				growth = 4.0;
			if (growth * r.elapsed > left)
				break;
			/* unbounded only where bounded DPOR stays small:
			 * elsewhere it rarely ends within the budget */
			if (i == 2 && r.executions > 2000)
				break;
		}
		prev_execs = r.executions ? r.executions : 1;
	}
	return true;
}

/* Shrink @schedule of @p (switch @id on) to the fewest preemptions. */
static char *shrunk(const struct mmsim_program *p, int id,
		    const char *schedule)
{
	struct shrink_stats st;
	char *s;

	sim_regress_clear();
	sim_regress_set(id, true);
	s = shrink_schedule(p, schedule, 0, &st);
	sim_regress_clear();
	return s ? s : strdup(schedule);
}

/*
 * --stories DIR: the story of the shrunk schedule (switch @id on) as
 * DIR/NAME.txt and its picture as DIR/NAME.svg (docs/bugs.md shows them;
 * make stories regenerates them, tests/t_story.c checks they are current).
 */
static void write_story(struct cli *c, const struct mmsim_program *p, int id,
			const char *schedule)
{
	const char *name = sim_regress_table[id].name;
	char path[4096];
	struct story *st;
	FILE *f;

	sim_regress_clear();
	sim_regress_set(id, true);
	st = story_build(p, schedule);
	sim_regress_clear();
	if (!st)
		return;
	snprintf(path, sizeof(path), "%s/%s.txt", c->stories, name);
	f = fopen(path, "w");
	if (f) {
		story_print(f, st);
		fclose(f);
	} else {
		cli_error("%s: cannot write", path);
	}
	snprintf(path, sizeof(path), "%s/%s.svg", c->stories, name);
	f = fopen(path, "w");
	if (f) {
		story_svg(f, st);
		fclose(f);
	} else {
		cli_error("%s: cannot write", path);
	}
	story_free(st);
}

static void hunt(struct cli *c, struct hunt *h, struct progress *pr)
{
	const struct sim_regress *e = &sim_regress_table[h->id];
	struct mmsim_program *p = program_load(e->scenario, h->err,
					       sizeof(h->err));
	struct explore_opts o = c->o;
	struct explore_result r;

	if (!p)
		return;
	h->loaded = true;
	pr->bug = e->name;
	if (hunt_one(c, p, h->id, true, o, pr, "on", &r) == EXIT_FOUND &&
	    r.nr_fail) {
		h->found = true;
		h->execs_to_find = r.executions;
		h->time_to_find = r.elapsed;
		pr->phase = "on, shrinking";
		progress_show(pr, true);
		h->schedule = shrunk(p, h->id, r.fail[0].schedule);
		if (c->stories)
			write_story(c, p, h->id, h->schedule);
	} else if (r.error[0]) {
		snprintf(h->err, sizeof(h->err), "%s", r.error);
	} else if (e->default_search_misses) {
		snprintf(h->err, sizeof(h->err), "a known gap of the default "
			 "search: %s", e->default_search_misses);
	}
	explore_result_free(&r);
	if (!prove_clean(c, p, h, pr))
		return;		/* a violation with the switch off */
	if (h->proved) {
		h->clean = true;
		return;
	}
	if (!c->runs_given && !c->time_given)
		o.runs = SAMPLE_RUNS;
	hunt_one(c, p, h->id, false, o, pr, "off, sampling", &r);
	h->clean = r.failures == 0 && !r.error[0];
	h->execs_off = r.executions;
	explore_result_free(&r);
}

/* How the clean direction was established, for the table. */
static const char *clean_how(const struct hunt *h, char *buf, size_t n)
{
	if (!h->clean)
		return "NO";
	if (!h->proved)
		snprintf(buf, n, "sampled %llu",
			 (unsigned long long)h->execs_off);
	else if (!strcmp(h->proved, "dpor"))
		snprintf(buf, n, "proved (every schedule)");
	else
		snprintf(buf, n, "proved to %s preemption%s", h->proved + 5,
			 strcmp(h->proved + 5, "1") ? "s" : "");
	return buf;
}

static void bugs_json(const struct hunt *hs, int n)
{
	printf("{\"verb\": \"bugs\", \"catalogue\": %d, \"bugs\": [",
	       sim_regress_nr_real());
	for (int i = 0; i < n; i++) {
		const struct hunt *h = &hs[i];
		const struct sim_regress *e = &sim_regress_table[h->id];

		printf("%s\n  {\"name\": ", i ? "," : "");
		json_str(stdout, e->name);
		printf(", \"commit\": ");
		json_str(stdout, e->commit);
		printf(", \"date\": ");
		json_str(stdout, e->date);
		printf(", \"placeholder\": %s, \"found\": %s, \"clean_off\": "
		       "%s, \"executions_to_find\": %llu, \"seconds_to_find\":"
		       " %.6f, \"executions_off\": %llu, ",
		       e->placeholder ? "true" : "false",
		       h->found ? "true" : "false", h->clean ? "true" : "false",
		       (unsigned long long)h->execs_to_find, h->time_to_find,
		       (unsigned long long)h->execs_off);
		printf("\"clean_by\": \"%s\", \"proved_bound\": ",
		       h->proved ? "proof" : "sample");
		if (h->proved && strcmp(h->proved, "dpor"))
			printf("%s, ", h->proved + 5);
		else
			printf("%s, ", h->proved ? "\"none\"" : "null");
		printf("\"schedule\": ");
		json_str(stdout, h->schedule ? h->schedule : "");
		printf(", \"error\": ");
		json_str(stdout, h->err);
		printf("}");
	}
	printf("]}\n");
}

static void bugs_tap(const struct hunt *hs, int n)
{
	printf("TAP version 13\n1..%d\n", 2 * n);
	for (int i = 0; i < n; i++) {
		const struct hunt *h = &hs[i];
		const char *name = sim_regress_table[h->id].name;
		char how[48];

		printf("%sok %d - %s: found with the switch on%s%s\n",
		       h->found ? "" : "not ", 2 * i + 1, name,
		       h->err[0] ? " # " : "", h->err);
		printf("%sok %d - %s: clean with the switch off (%s)\n",
		       h->clean && h->loaded ? "" : "not ", 2 * i + 2, name,
		       clean_how(h, how, sizeof(how)));
	}
}

static void bugs_table(const struct hunt *hs, int n)
{
	printf("%-24s %-14s %-10s %-6s %-10s %-10s %-26s %s\n", "bug",
	       "kernel commit", "date", "found", "time", "execs",
	       "clean with it off", "replay (shrunk)");
	for (int i = 0; i < n; i++) {
		const struct hunt *h = &hs[i];
		const struct sim_regress *e = &sim_regress_table[h->id];
		struct mmsim_program p = { .name = e->scenario };
		char how[48];

		printf("%-24s %-14.14s %-10s %-6s %-10.3f %-10llu %-26s ",
		       e->name, e->commit, e->date, h->found ? "yes" : "NO",
		       h->time_to_find, (unsigned long long)h->execs_to_find,
		       clean_how(h, how, sizeof(how)));
		if (h->found) {
			report_replay_cmd(stdout, &p, h->schedule);
			printf(" --regress %s", e->name);
		} else if (h->err[0]) {
			printf("(%s)", h->err);
		}
		putchar('\n');
	}
}

int cmd_bugs(struct cli *c)
{
	struct hunt hs[SIM_REGRESS__NR] = { 0 };
	struct progress pr = { .on = isatty(2) };
	int n = 0, bad = 0;

	bool named[SIM_REGRESS__NR] = { false };

	/* `mmsim bugs NAME...` hunts only those entries */
	for (int i = 0; i < c->nr_files; i++) {
		int id = sim_regress_by_name(c->files[i]);

		if (id < 0)
			return cli_error("bugs: no catalogued bug named '%s' "
					 "(mmsim bugs lists them)",
					 c->files[i]);
		named[id] = true;
	}
	if (!c->runs_given && !c->time_given)
		c->o.runs = HUNT_RUNS;
	for (int id = 0; id < SIM_REGRESS__NR; id++) {
		if (c->nr_files ? !named[id] :
				  (sim_regress_table[id].placeholder &&
				   !c->placeholder) ||
					  sim_regress_table[id].needs)
			continue;	/* a pending entry: only by name */
		hs[n].id = id;
		hunt(c, &hs[n], &pr);
		bad += !hs[n].found || !hs[n].clean;
		n++;
	}
	if (pr.on)
		fputs("\r\033[K", stderr);
	if (!n && !c->json && !c->tap) {
		printf("The bug catalogue is empty: no kernel bugs are "
		       "catalogued yet (sim/regress.c).\n`mmsim bugs "
		       "--placeholder` exercises the mechanism with its "
		       "placeholder entry.\n");
	} else if (c->json) {
		bugs_json(hs, n);
	} else if (c->tap) {
		bugs_tap(hs, n);
	} else {
		bugs_table(hs, n);
		printf("%d of %d bug%s behave%s\n", n - bad, n,
		       n == 1 ? "" : "s", n - bad == 1 ? "s" : "");
	}
	for (int i = 0; i < n; i++)
		free(hs[i].schedule);
	return bad ? EXIT_FOUND : EXIT_CLEAN;
}
