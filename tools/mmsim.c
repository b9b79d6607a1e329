// SPDX-License-Identifier: GPL-2.0
/*
 * tools/mmsim.c - the mmsim command line.
 *
 *	mmsim explore FILE [--strategy S] [--runs N | --time T] [--seed S]
 *			   [--regress NAME]... [--jobs J] [--shard I/N]
 *			   [--keep-going] [--shrink | --no-shrink] [--coverage]
 *			   [--json | --tap]
 *	mmsim run FILE [--strategy S] [--seed S] [--regress NAME] [--json]
 *	mmsim replay FILE --schedule S [--trace] [--svg OUT.svg]
 *		     [--html OUT.html] [--json]
 *	mmsim list [--json]
 *	mmsim merge A.json B.json ... [--json]
 *	mmsim bugs [--placeholder] [--strategy S] [--runs N | --time T]
 *		   [--stories DIR] [--json | --tap]
 *
 * Exit status: 0 nothing found, 1 a violation found (bugs: a bug that
 * misbehaved), 2 bad usage or input. See docs/cli.md.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "tools/cli.h"

#define FULL_TRACE 4096		/* --trace: the whole ring */
#define DETAILED 3		/* failures reported in full */
#define MAX_TIME 31536000	/* --time: a year of seconds */
#define MAX_JOBS 256		/* --jobs (explore.c's limit) */

static int usage(FILE *f)
{
	fprintf(f,
		"usage: mmsim <command> [args]\n"
		"  explore FILE  many executions: [--strategy default|vpos|"
		"pos|rff|random|pct:D|dfs:P|dpor[:P]|rr]\n"
		"                [--runs N | --time SECONDS] [--seed S] "
		"[--regress NAME]\n"
		"                [--jobs J] [--shard I/N] [--keep-going] "
		"[--shrink|--no-shrink] [--json|--tap]\n"
		"                [--coverage]\n"
		"  run FILE      one execution [--strategy S] [--seed S] "
		"[--json]\n"
		"  replay FILE --schedule S [--trace] [--svg OUT.svg] "
		"[--html OUT.html] [--json]\n"
		"  list          the programs that can run (builtin: and "
		"scenarios/)\n"
		"  merge A.json B.json ...  join shard results\n"
		"  bugs          hunt the catalogue of historical kernel "
		"races [--placeholder] [--stories DIR]\n"
		"  kernel FILE   a sequential scenario in the model and on "
		"this host's kernel,\n"
		"                compared [--regress NAME] [-v] "
		"(docs/fidelity.md; exit 77: skipped)\n"
		"  version       print the version\n"
		"FILE is builtin:NAME or a .mms scenario. Exit: 0 clean, 1 "
		"violation found, 2 bad usage.\n");
	return f == stderr ? EXIT_USAGE : EXIT_CLEAN;
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mmsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

/*
 * A decimal (or 0x hex) unsigned number, nothing before or after it: no
 * sign, no blank, no overflow. 0 and *v, or -1 (nothing printed).
 */
static int strict_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return *end || errno ? -1 : 0;
}

/* An unsigned number option; -1 (reported) if @s is not one. */
static int parse_u64(const char *opt, const char *s, uint64_t *v)
{
	if (strict_u64(s, v))
		return cli_error("%s wants a non-negative whole number, not "
				 "'%s'", opt, s ? s : ""), -1;
	return 0;
}

/*
 * --time: seconds, a plain positive finite decimal number (no blank,
 * sign, "nan", "inf" or hex float) of at most MAX_TIME.
 */
static int parse_time(const char *s, double *t)
{
	char *end;

	errno = 0;
	if (s && (isdigit((unsigned char)*s) || *s == '.') &&
	    !strpbrk(s, "xXpP")) {
		*t = strtod(s, &end);
		if (!*end && !errno && isfinite(*t) && *t > 0 &&
		    *t <= MAX_TIME)
			return 0;
	}
	return cli_error("--time wants seconds, a number > 0 and <= %d, "
			 "not '%s'", MAX_TIME, s ? s : ""), -1;
}

/* --shard I/N: 0 <= I < N <= MAX_SHARDS, both plain numbers. */
static int parse_shard(const char *s, struct explore_opts *o)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	uint64_t i, n;
	char num[32];

	if (slash && (size_t)(slash - s) < sizeof(num)) {
		memcpy(num, s, slash - s);
		num[slash - s] = 0;
		if (!strict_u64(num, &i) && !strict_u64(slash + 1, &n) &&
		    n >= 1 && n <= MAX_SHARDS && i < n) {
			o->shard = i;
			o->nr_shards = n;
			return 0;
		}
	}
	return cli_error("--shard wants I/N with 0 <= I < N <= %d, not '%s'",
			 MAX_SHARDS, s ? s : ""), -1;
}

static int parse_regress(const char *name)
{
	int id = name ? sim_regress_by_name(name) : -1;

	if (id < 0) {
		fprintf(stderr, "mmsim: unknown regression '%s'; the "
			"catalogue has:", name ? name : "");
		for (int i = 0; i < SIM_REGRESS__NR; i++)
			fprintf(stderr, " %s", sim_regress_table[i].name);
		fputc('\n', stderr);
		return -1;
	}
	sim_regress_set(id, true);
	return 0;
}

/* A flag without a value; false if @a is none. */
static bool parse_flag(struct cli *c, const char *a)
{
	const struct {
		const char *name;
		bool *flag;
	} flags[] = {
		{ "--trace", &c->trace },	{ "--shrink", &c->shrink },
		{ "--no-shrink", &c->no_shrink },
		{ "--no-proof", &c->no_proof },
		{ "--coverage", &c->coverage },
		{ "--json", &c->json },		{ "--tap", &c->tap },
		{ "--keep-going", &c->o.keep_going },
		{ "--placeholder", &c->placeholder },
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(a, flags[i].name)) {
			*flags[i].flag = true;
			return true;
		}
	return false;
}

/* One option at argv[*i] (its value, if any, at argv[*i + 1]). */
static int parse_opt(struct cli *c, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	uint64_t n;

	static const char *const with_value[] = {
		"--strategy", "--runs", "--time", "--seed", "--regress",
		"--jobs", "--shard", "--schedule", "--svg", "--html", "--stories",
		NULL };
	for (int k = 0; with_value[k]; k++)
		if (!strcmp(a, with_value[k])) {
			if (!v)
				return cli_error("%s needs a value", a);
			++*i;
		}
	if (!strcmp(a, "--strategy")) {
		char err[200];

		if (explore_parse_strategy(v, err, sizeof(err)))
			return cli_error("%s", err);
		c->o.strategy = v;
	} else if (!strcmp(a, "--runs")) {
		if (parse_u64(a, v, &c->o.runs))
			return EXIT_USAGE;
		if (!c->o.runs)
			return cli_error("--runs must be > 0");
		c->runs_given = true;
	} else if (!strcmp(a, "--time")) {
		if (parse_time(v, &c->o.time_limit))
			return EXIT_USAGE;
		c->time_given = true;
	} else if (!strcmp(a, "--seed")) {
		if (parse_u64(a, v, &c->o.seed))
			return EXIT_USAGE;
	} else if (!strcmp(a, "--jobs")) {
		if (strict_u64(v, &n) || !n || n > MAX_JOBS)
			return cli_error("--jobs wants a number of workers, "
					 "1..%d, not '%s'", MAX_JOBS, v);
		c->o.jobs = n;
	} else if (!strcmp(a, "--shard")) {
		if (parse_shard(v, &c->o))
			return EXIT_USAGE;
	} else if (!strcmp(a, "--regress")) {
		if (parse_regress(v))
			return EXIT_USAGE;
		c->regress_given = true;
	} else if (!strcmp(a, "--schedule")) {
		c->schedule = v;
	} else if (!strcmp(a, "--svg")) {
		c->svg = v;
	} else if (!strcmp(a, "--html")) {
		c->html = v;
	} else if (!strcmp(a, "--stories")) {
		c->stories = v;
	} else if (!parse_flag(c, a)) {
		return cli_error("unknown option '%s' (see mmsim help)", a);
	}
	return 0;
}

static int parse_args(struct cli *c, int argc, char **argv)
{
	c->verb = argv[1];
	c->files = calloc(argc, sizeof(*c->files));
	c->o.progress = true;
	for (int i = 2; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] == '-') {
			if (parse_opt(c, argc, argv, &i))
				return EXIT_USAGE;
			continue;
		}
		c->files[c->nr_files++] = argv[i];
	}
	c->file = c->nr_files ? c->files[0] : NULL;
	if (c->runs_given && c->time_given)
		return cli_error("--runs and --time: give one budget");
	if (c->json && c->tap)
		return cli_error("--json and --tap: choose one output");
	return 0;
}

/* The program named on the command line; NULL (reported) if none. */
static struct mmsim_program *load(struct cli *c)
{
	struct mmsim_program *p;
	char err[512];

	if (!c->file || c->nr_files != 1) {
		cli_error("%s wants exactly one FILE (builtin:NAME or a .mms "
			  "scenario)", c->verb);
		return NULL;
	}
	p = program_load(c->file, err, sizeof(err));
	if (!p)
		cli_error("%s", err);
	return p;
}

/* ---- explore / run ---- */

/* dfs and dpor run until their tree is done, not for 1,000 executions. */
static bool is_exhaustive(const char *strategy)
{
	return strategy && (!strncmp(strategy, "dfs", 3) ||
			    !strncmp(strategy, "dpor", 4));
}

static void print_summary(struct cli *c, const struct mmsim_program *p,
			  const struct explore_result *r)
{
	const char *st = explore_strategy_name(c->o.strategy);
	double rate = r->elapsed > 0 ? r->executions / r->elapsed : 0;
	uint64_t limits = explore_nr_limits(r);

	printf("%s: ", p->name);
	if (r->exhausted && report_coverage(st, r))
		printf("exhausted: %llu executions, %s, ",
		       (unsigned long long)r->executions,
		       report_coverage(st, r));
	else if (r->exhausted)
		printf("exhausted: %llu executions, ",
		       (unsigned long long)r->executions);
	else
		printf("%llu executions, ", (unsigned long long)r->executions);
	printf("%llu violation%s", (unsigned long long)(r->failures - limits),
	       r->failures - limits == 1 ? "" : "s");
	if (limits)
		printf(", %llu limit%s", (unsigned long long)limits,
		       limits == 1 ? "" : "s");
	printf(" (%s, seed %llu", st, (unsigned long long)c->o.seed);
	if (c->o.nr_shards > 1)
		printf(", shard %u/%u", c->o.shard, c->o.nr_shards);
	printf(", %.2fs, %.0f execs/s%s)\n", r->elapsed, rate,
	       r->timed_out ? ", time limit" : "");
	if (r->exhausted && !strncmp(st, "dfs", 3))
		printf("  a bounded proof: every schedule with at most %s "
		       "preemption(s)%s was run%s\n", st[3] ? st + 4 : "2",
		       c->o.nr_shards > 1 ? " in this shard" : "",
		       r->failures ? "" : ", none failed");
	if (limits && limits == r->failures)
		printf("  no verdict: an execution hit a limit of the model "
		       "(below), not a violation; exit status 3\n");
}

/*
 * Shrink the failures worth reporting in detail: by default (at most
 * SHRINK_DEFAULT replays each, so a slow scenario costs seconds, not
 * minutes), fully with --shrink, not at all with --no-shrink.
 */
#define SHRINK_DEFAULT 1000
static void shrink_failures(struct cli *c, const struct mmsim_program *p,
			    struct explore_result *r)
{
	for (size_t i = 0; i < r->nr_fail && i < DETAILED; i++) {
		struct shrink_stats st;
		char *s = shrink_schedule(p, r->fail[i].schedule,
					  c->shrink ? 0 : SHRINK_DEFAULT, &st);

		if (!s)
			continue;
		r->fail[i].shrunk = s;
		if (!c->json && !c->tap)
			printf("shrunk %s to %s: preemptions %u -> %u, "
			       "steps %llu -> %llu (%u replays)\n",
			       r->fail[i].schedule, s, st.preempts_before,
			       st.preempts_after,
			       (unsigned long long)st.steps_before,
			       (unsigned long long)st.steps_after,
			       st.attempts);
	}
}

static void print_failures(struct cli *c, const struct mmsim_program *p,
			   const struct explore_result *r)
{
	for (size_t i = 0; i < r->nr_fail && i < DETAILED; i++) {
		const struct explore_failure *f = &r->fail[i];
		char how[160];

		if (is_exhaustive(c->o.strategy))
			snprintf(how, sizeof(how), "found by %s",
				 c->o.strategy);
		else
			snprintf(how, sizeof(how), "execution %llu of %s seed "
				 "%llu, found by %s", (unsigned long long)f->index,
				 explore_strategy_name(c->o.strategy),
				 (unsigned long long)c->o.seed,
				 f->member ? f->member :
				 explore_member(c->o.strategy, f->index));
		putchar('\n');
		report_failure(stdout, p, f->shrunk ? f->shrunk : f->schedule,
			       how, c->trace ? FULL_TRACE : 0);
	}
	if (r->nr_fail > DETAILED)
		printf("\n(%zu more failures kept; --json lists them)\n",
		       r->nr_fail - DETAILED);
}

/*
 * The bounded proof after a clean default explore (issue 9: a clean
 * claim is only as strong as the search behind it): the proof ladder of
 * cli_proof.c, in this process, within PROOF_EXECS executions and
 * PROOF_STEPS events - or, when --runs or --time set the sampling's
 * budget, at most the sampling's own executions and events again. Not
 * under --shard (a shard is part of a run; the merge has no proof), not
 * for an explicit strategy (the user chose what runs), not with
 * --no-proof.
 */
static bool proof_wanted(const struct cli *c)
{
	return !strcmp(c->verb, "explore") && !c->no_proof &&
	       (!c->o.strategy || !strcmp(c->o.strategy, "default")) &&
	       c->o.nr_shards <= 1;
}

static void proof_rung_explore(void *ctx, const struct explore_opts *o,
			       const char *rung, struct explore_result *r)
{
	explore(ctx, o, r);
}

/*
 * Run the proof for the clean result @r; record it there. A rung that
 * finds what the sampling missed replaces @r with its own result, and
 * the report names that rung as the strategy. Returns the exit status.
 */
static int prove(struct cli *c, const struct mmsim_program *p,
		 struct explore_result *r)
{
	struct explore_opts o = { .seed = c->o.seed,
				  .max_failures = c->o.max_failures,
				  .progress = c->o.progress };
	uint64_t execs = PROOF_EXECS, steps = PROOF_STEPS;
	uint64_t sampled = r->executions;
	struct proof pf;

	if (c->runs_given || c->time_given) {
		execs = r->executions < execs ? r->executions : execs;
		steps = r->steps < steps ? r->steps : steps;
	}
	proof_ladder(proof_rung_explore, (void *)p, &o, execs ? execs : 1,
		     steps ? steps : 1, &pf);
	if (pf.failed) {
		explore_result_free(r);
		*r = pf.found;
		c->o.strategy = pf.failed;
		if (!c->json && !c->tap)
			printf("%s: %llu executions of the default search, "
			       "0 violations; the bounded proof after it "
			       "(%s) found one:\n", p->name,
			       (unsigned long long)sampled, pf.failed);
	}
	r->proof_tried = true;
	r->proof = pf.proved;
	r->proof_execs = pf.proved_execs;
	r->proof_unfinished = pf.unfinished;
	r->proof_total = pf.execs;
	r->proof_steps = pf.steps;
	if (!r->failures)
		return EXIT_CLEAN;
	return explore_nr_limits(r) == r->failures ? EXIT_LIMIT : EXIT_FOUND;
}

/* "every schedule with at most 2 preemptions" for a proved rung. */
static const char *proof_scope(const char *rung, char *buf, size_t n)
{
	const char *bound = strchr(rung, ':');

	if (!bound)
		return "every schedule";
	snprintf(buf, n, "every schedule with at most %s preemption%s%s",
		 bound + 1, strcmp(bound + 1, "1") ? "s" : "",
		 strncmp(rung, "dfs", 3) ? "" :
		 " (a store-buffer drain taken early counts as one)");
	return buf;
}

/* What the proof after the sampling established (text report). */
static void print_proof(const struct explore_result *r)
{
	char scope[128];

	if (!r->proof_tried || r->failures)
		return;
	if (r->proof)
		printf("  a bounded proof after it: %s exhausted in %llu "
		       "executions, %s, none failed", r->proof,
		       (unsigned long long)r->proof_execs,
		       proof_scope(r->proof, scope, sizeof(scope)));
	else
		printf("  no bounded proof: the executions above are a "
		       "sample of the schedules, not all of them");
	if (r->proof_unfinished)
		printf("; %s did not end within the proof's budget",
		       r->proof_unfinished);
	else if (r->proof && strcmp(r->proof, "dpor"))
		printf("; a higher bound was not tried: it would not end "
		       "within the proof's budget");
	printf(" (%llu execution%s; --no-proof skips the proof)\n",
	       (unsigned long long)r->proof_total,
	       r->proof_total == 1 ? "" : "s");
}

static int cmd_explore(struct cli *c)
{
	struct mmsim_program *p = load(c);
	struct explore_result r;
	struct promise pr;
	int rc;

	if (!p)
		return EXIT_USAGE;
	promise_load(c, &pr);
	if (!strcmp(c->verb, "run")) {
		if (c->runs_given || c->time_given || c->o.jobs ||
		    c->o.nr_shards || c->o.keep_going)
			return cli_error("run is one execution: --runs, "
					 "--time, --jobs, --shard and "
					 "--keep-going belong to explore");
		c->o.runs = 1;
		c->o.time_limit = 0;
		c->o.jobs = 1;
		c->o.progress = false;
	} else if (!c->runs_given && !c->time_given &&
		   !is_exhaustive(c->o.strategy)) {
		c->o.runs = pr.has && pr.verdict != SCN_EXPECT_OK &&
					    !c->o.keep_going ?
				    HUNT_RUNS :
				    EXPLORE_RUNS;
	}
	if (c->coverage)
		c->o.coverage = coverage_new();
	rc = explore(p, &c->o, &r);
	if (rc == EXIT_USAGE) {
		cli_error("%s", r.error);
		explore_result_free(&r);
		return rc;
	}
	if (rc == EXIT_CLEAN && proof_wanted(c))
		rc = prove(c, p, &r);
	if (c->shrink || !c->no_shrink)
		shrink_failures(c, p, &r);
	if (c->json) {
		report_explore_json(stdout, p, &c->o, &r);
	} else if (c->tap) {
		report_explore_tap(stdout, p, &c->o, &r);
	} else {
		print_summary(c, p, &r);
		print_proof(&r);
		if (c->o.coverage)
			coverage_print(stdout, c->o.coverage);
		print_failures(c, p, &r);
	}
	rc = promise_judge(c, &pr, &r, rc);
	coverage_free(c->o.coverage);
	explore_result_free(&r);
	return rc;
}

/* ---- replay ---- */

static void replay_json(struct cli *c, const struct mmsim_program *p,
			const struct sim_result *res, uint64_t defaulted)
{
	const struct sim_site *s = res->fail_site;

	printf("{\"verb\": \"replay\", \"program\": ");
	json_str(stdout, p->name);
	printf(", \"schedule\": ");
	json_str(stdout, c->schedule);
	printf(", \"outcome\": \"%s\", \"msg\": ",
	       sim_outcome_name(res->outcome));
	json_str(stdout, res->msg);
	printf(", \"task\": ");
	json_str(stdout, sim_task_name(res->fail_task));
	printf(", \"site\": ");
	if (s) {
		printf("{\"label\": ");
		json_str(stdout, s->label);
		printf(", \"func\": ");
		json_str(stdout, s->func);
		printf(", \"file\": ");
		json_str(stdout, s->file);
		printf(", \"line\": %d}", s->line);
	} else {
		printf("null");
	}
	printf(", \"steps\": %llu, \"trace_hash\": \"0x%016llx\", "
	       "\"truncated\": %s, \"defaulted_choices\": %llu}\n",
	       (unsigned long long)res->steps,
	       (unsigned long long)res->trace_hash,
	       defaulted ? "true" : "false", (unsigned long long)defaulted);
}

static int write_svg(struct cli *c, const struct mmsim_program *p,
		     const struct sim_result *res)
{
	FILE *f = fopen(c->svg, "w");

	if (!f)
		return cli_error("%s: %s", c->svg, strerror(errno));
	if (report_svg(f, p, c->schedule, res) | fclose(f))
		return cli_error("%s: write failed", c->svg);
	return 0;
}

static int write_html(struct cli *c, const struct mmsim_program *p)
{
	FILE *f = fopen(c->html, "w");

	if (!f)
		return cli_error("%s: %s", c->html, strerror(errno));
	if (report_html(f, p, c->schedule) | fclose(f))
		return cli_error("%s: write failed", c->html);
	return 0;
}

/*
 * A replayed failure's smallest schedule: when shrinking finds one with
 * fewer preemptions (or runs), the command to replay that one too, so
 * every replay command mmsim prints can be the compact one.
 */
static void print_shrunk(struct cli *c, const struct mmsim_program *p)
{
	struct shrink_stats st;
	char *s = shrink_schedule(p, c->schedule, SHRINK_DEFAULT, &st);

	if (s && strcmp(s, c->schedule)) {
		printf("  shrunk:   ");
		report_replay_cmd(stdout, p, s);
		printf("  (preemptions %u -> %u)\n", st.preempts_before,
		       st.preempts_after);
	}
	free(s);
}

static int cmd_replay(struct cli *c)
{
	struct mmsim_program *p = load(c);
	struct sim_config cfg = { 0 };
	struct sim_result res;
	uint64_t defaulted, choices;

	if (!p)
		return EXIT_USAGE;
	if (!c->schedule)
		return cli_error("replay needs --schedule S (from a report)");
	if (c->schedule[strspn(c->schedule, "abcdefghijklmnopqrstuvwxyz"
			       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")])
		return cli_error("bad schedule '%s': task letters a-z, A-Z, "
				 "each with an optional count", c->schedule);
	/*
	 * Check with the guided replay first: sim's own replay aborts the
	 * process when the very first choice diverges (a sim/ bug, reported).
	 */
	if (schedule_preemptions(p, c->schedule, &res) < 0)
		return cli_error("replay diverged: schedule %s names a task "
				 "that cannot run (another program, or other "
				 "--regress switches?)", c->schedule);
	defaulted = guided_defaulted(&choices);
	cfg.replay = c->schedule;
	program_exec(p, &cfg, &res);
	if (c->svg && write_svg(c, p, &res))
		return EXIT_USAGE;
	if (c->html && write_html(c, p))
		return EXIT_USAGE;
	if (c->json)
		replay_json(c, p, &res, defaulted);
	else if (defaulted)
		printf("%s: truncated: schedule %s ran out after %llu of %llu "
		       "choices; the other %llu were the scheduler's default "
		       "(the running task while it can run)\n", p->name,
		       c->schedule, (unsigned long long)(choices - defaulted),
		       (unsigned long long)choices,
		       (unsigned long long)defaulted);
	if (c->json)
		;
	else if (res.outcome == SIM_OK || res.outcome == SIM_DIVERGED)
		printf("%s: %s: %s%s(schedule %s, %llu steps, trace hash "
		       "%016llx)\n", p->name, sim_outcome_name(res.outcome),
		       res.msg, res.msg[0] ? " " : "", c->schedule,
		       (unsigned long long)res.steps,
		       (unsigned long long)res.trace_hash);
	else {
		report_failure(stdout, p, c->schedule, "replayed", 0);
		print_shrunk(c, p);
	}
	if (c->trace && !c->json) {
		program_exec(p, &cfg, &res);
		printf("trace:\n");
		report_trace(stdout, FULL_TRACE);
	}
	if (res.outcome == SIM_DIVERGED)
		return EXIT_USAGE;
	if (res.outcome == SIM_LIMIT)
		return EXIT_LIMIT;
	return res.outcome == SIM_OK ? EXIT_CLEAN : EXIT_FOUND;
}

/* ---- list ---- */

static const char *scenario_dir(void)
{
	const char *d = getenv("MMSIM_SCENARIOS");

	return d && *d ? d : "scenarios";
}

/* The scenario files (*.mms) of scenario_dir(), sorted; *n of them. */
static char **scenario_files(size_t *n)
{
	char **v = scenario_list_files(scenario_dir(), n);

	if (!v) {
		fprintf(stderr, "mmsim: out of host memory\n");
		exit(EXIT_USAGE);
	}
	return v;
}

static int cmd_list(struct cli *c)
{
	const struct mmsim_program *p;
	size_t nr;
	char **files = scenario_files(&nr);
	int n = 0;

	if (c->nr_files)
		return cli_error("list takes no FILE");
	if (c->json)
		printf("[");
	for (int i = 0; (p = program_builtin(i)); i++, n++) {
		if (c->json) {
			printf("%s{\"name\": ", n ? ", " : "");
			json_str(stdout, p->name);
			printf(", \"what\": ");
			json_str(stdout, p->what);
			printf("}");
		} else {
			printf("%-28s %s\n", p->name, p->what);
		}
	}
	for (size_t i = 0; i < nr; i++, n++) {
		if (c->json) {
			printf("%s{\"name\": ", n ? ", " : "");
			json_str(stdout, files[i]);
			printf(", \"what\": \"scenario\"}");
		} else {
			printf("%s\n", files[i]);
		}
	}
	scenario_list_free(files);
	if (c->json)
		printf("]\n");
	return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *verb;
		int (*fn)(struct cli *c);
	} verbs[] = {
		{ "explore", cmd_explore }, { "run", cmd_explore },
		{ "replay", cmd_replay },   { "list", cmd_list },
		{ "merge", cmd_merge },	    { "bugs", cmd_bugs },
	};
	struct cli c = { 0 };
	int rc;

	scenario_runner_register();
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h"))
		return usage(stdout);
	if (!strcmp(argv[1], "kernel"))
		return cmd_kernel(argc - 2, argv + 2);
	if (!strcmp(argv[1], "version")) {
		printf("mmsim 0.1\n");
		return EXIT_CLEAN;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(argv[1], verbs[i].verb))
			continue;
		rc = parse_args(&c, argc, argv);
		if (!rc)
			rc = verbs[i].fn(&c);
		free(c.files);
		return rc;
	}
	cli_error("unknown command '%s'", argv[1]);
	return usage(stderr);
}
