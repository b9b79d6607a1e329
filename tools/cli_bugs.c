// SPDX-License-Identifier: GPL-2.0
/*
 * tools/cli_bugs.c - `mmsim bugs`: hunt every catalogued regression both
 * ways. With its switch on the explorer must find a violation in the
 * entry's scenario; the schedule found is shrunk (explore/shrink.c) to
 * the fewest preemptions it can, and that one is the replay printed.
 * With it off none may be found: proved where bounded DPOR exhausts
 * within PROOF_EXECS executions and PROOF_STEPS events (dpor:1, dpor:2,
 * dpor:3, then unbounded, while each exhausts and the next is likely to
 * fit: a rung costs several times the one below; the largest bound is
 * the claim), by bounded dfs the same way where DPOR cannot run (store
 * buffers: dfs:1, dfs:2, dfs:3), sampled with the budget otherwise. A
 * progress line on stderr when it is a terminal
 * (bug, on/off, executions, rate), then a table (name, kernel commit and
 * date, found?, time and executions to the first violation, how the
 * clean direction was established, replay command). Exit 0 iff every bug
 * behaves; an empty catalogue is said plainly and is not a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "explore/story.h"
#include "sim/regress.h"
#include "tools/cli.h"

/* The proof ladder's budget, per bug: PROOF_EXECS, PROOF_STEPS (cli.h). */
/*
 * Without --runs/--time: executions to find a bug (the slowest, seed
 * 000's thp-numa-count-recheck, takes 50,000-65,000 with the default
 * search), and to sample the clean direction where no proof fits (the
 * issue's floor for `make hunt`: 100,000).
 */
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

/* A rung of the clean direction's proof (cli_proof.c), switch off. */
struct rung_ctx {
	struct cli *c;
	const struct mmsim_program *p;
	struct hunt *h;
	struct progress *pr;
	char phase[32];
};

static void bug_rung(void *ctx, const struct explore_opts *o,
		     const char *rung, struct explore_result *r)
{
	struct rung_ctx *rc = ctx;

	snprintf(rc->phase, sizeof(rc->phase), "off, %s", rung);
	hunt_one(rc->c, rc->p, rc->h->id, false, *o, rc->pr, rc->phase, r);
}

/*
 * The clean direction: the proof ladder (cli_proof.c) within PROOF_EXECS
 * executions and PROOF_STEPS events; the largest exhausted bound is kept.
 * Returns false if a rung found a violation (the bug is not clean).
 */
static bool prove_clean(struct cli *c, const struct mmsim_program *p,
			struct hunt *h, struct progress *pr)
{
	struct rung_ctx rc = { c, p, h, pr, "" };
	struct explore_opts o = { 0 };
	struct proof pf;

	proof_ladder(bug_rung, &rc, &o, PROOF_EXECS, PROOF_STEPS, &pf);
	if (pf.failed) {
		explore_result_free(&pf.found);
		return false;
	}
	if (pf.proved) {
		h->proved = pf.proved;
		h->execs_off = pf.proved_execs;
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
	if (!st) {
		sim_regress_clear();
		return;
	}
	for (int svg = 0; svg < 2; svg++) {	/* NAME.txt, then NAME.svg */
		snprintf(path, sizeof(path), "%s/%s.%s", c->stories, name,
			 svg ? "svg" : "txt");
		f = fopen(path, "w");
		if (!f) {
			cli_error("%s: cannot write", path);
			continue;
		}
		if (svg)
			story_svg(f, st);
		else
			story_print(f, st);
		fclose(f);
	}
	/* (the switch stays on until here: the picture's replay command
	 * names it) */
	sim_regress_clear();
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
	else {
		char claim[48];

		snprintf(buf, n, "proved %s",
			 proof_claim(h->proved, claim, sizeof(claim)));
	}
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
		printf("\"clean_by\": \"%s\", \"proved_by\": %s, "
		       "\"proved_bound\": ",
		       h->proved ? "proof" : "sample",
		       !h->proved ? "null" :
		       strncmp(h->proved, "dfs", 3) ? "\"dpor\"" : "\"dfs\"");
		if (h->proved && strcmp(h->proved, "dpor"))
			printf("%s, ", strchr(h->proved, ':') + 1);
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
	int w = 3;	/* the widest bug name */

	for (int i = 0; i < n; i++) {
		int l = (int)strlen(sim_regress_table[hs[i].id].name);

		w = l > w ? l : w;
	}
	printf("%-*s %-14s %-12s %-6s %-9s %-10s %-30s %s\n", w, "bug",
	       "kernel commit", "date", "found", "time (s)", "execs",
	       "clean with it off", "replay (shrunk)");
	for (int i = 0; i < n; i++) {
		const struct hunt *h = &hs[i];
		const struct sim_regress *e = &sim_regress_table[h->id];
		struct mmsim_program p = { .name = e->scenario };
		char how[48];

		printf("%-*s %-14.14s %-12s %-6s %-9.3f %-10llu %-30s ",
		       w, e->name, e->commit, e->date, h->found ? "yes" : "NO",
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

/* ---- the hunt in several processes ---- */

/* One hunt's result as a worker sends it (then the two strings). */
struct hunt_wire {
	int idx;		/* in the parent's hs[] */
	bool loaded, found, clean;
	int proved;		/* index in ladder[], -1: none */
	uint64_t execs_to_find, execs_off;
	double time_to_find;
	uint32_t sched_len, err_len;
};

static bool write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static bool read_all(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

static void hunt_send(int fd, int idx, const struct hunt *h)
{
	struct hunt_wire w = {
		.idx = idx, .loaded = h->loaded, .found = h->found,
		.clean = h->clean, .proved = -1,
		.execs_to_find = h->execs_to_find, .execs_off = h->execs_off,
		.time_to_find = h->time_to_find,
		.sched_len = h->schedule ? (uint32_t)strlen(h->schedule) : 0,
		.err_len = (uint32_t)strlen(h->err),
	};

	w.proved = proof_rung_index(h->proved);
	if (!write_all(fd, &w, sizeof(w)) ||
	    !write_all(fd, h->schedule ? h->schedule : "", w.sched_len) ||
	    !write_all(fd, h->err, w.err_len))
		_exit(3);
}

/* One result into @hs; false at the end of the stream (or a bad one). */
static bool hunt_recv(int fd, struct hunt *hs, int n)
{
	struct hunt_wire w;
	struct hunt *h;

	if (!read_all(fd, &w, sizeof(w)) || w.idx < 0 || w.idx >= n ||
	    w.err_len >= sizeof(h->err))
		return false;
	h = &hs[w.idx];
	h->loaded = w.loaded;
	h->found = w.found;
	h->clean = w.clean;
	h->proved = proof_rung(w.proved);
	h->execs_to_find = w.execs_to_find;
	h->execs_off = w.execs_off;
	h->time_to_find = w.time_to_find;
	h->schedule = NULL;
	if (w.sched_len) {
		h->schedule = malloc(w.sched_len + 1);
		if (!h->schedule || !read_all(fd, h->schedule, w.sched_len))
			return false;
		h->schedule[w.sched_len] = 0;
	}
	if (!read_all(fd, h->err, w.err_len))
		return false;
	h->err[w.err_len] = 0;
	return true;
}

/*
 * Hunt hs[0..n) in @nr_workers processes: each worker takes the next
 * entry nobody has taken (a counter in shared memory), hunts it and
 * sends the result back, until none is left - a long hunt does not hold
 * up entries queued behind it on the same worker. Each hunt is a
 * function of its entry alone, so the table is the one a single process
 * prints. The progress line counts the results.
 * False if a worker could not be started or died: the caller hunts in
 * process instead.
 */
static bool hunt_parallel(struct cli *c, struct hunt *hs, int n,
			  int nr_workers, struct progress *pr)
{
	int fds[2], got = 0;
	pid_t pids[16];
	bool ok = true;
	int *next = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (next == MAP_FAILED)
		return false;
	*next = 0;
	if (pipe(fds)) {
		munmap(next, sizeof(int));
		return false;
	}
	for (int k = 0; k < nr_workers; k++) {
		pids[k] = fork();
		if (pids[k] < 0) {
			nr_workers = k;
			ok = false;
			break;
		}
		if (!pids[k]) {
			struct progress quiet = { .on = false };

			close(fds[0]);
			c->o.jobs = 1;
			for (;;) {
				int i = __atomic_fetch_add(next, 1,
							   __ATOMIC_SEQ_CST);

				if (i >= n)
					break;
				hunt(c, &hs[i], &quiet);
				hunt_send(fds[1], i, &hs[i]);
			}
			_exit(0);
		}
	}
	close(fds[1]);
	while (ok && got < n && hunt_recv(fds[0], hs, n)) {
		got++;
		if (pr->on)
			fprintf(stderr, "\r\033[Kbugs: %d of %d hunted (%d "
				"workers)", got, n, nr_workers);
	}
	close(fds[0]);
	for (int k = 0; k < nr_workers; k++) {
		int st;

		if (waitpid(pids[k], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			ok = false;
	}
	munmap(next, sizeof(int));
	if (got < n)
		ok = false;
	if (!ok) {
		for (int i = 0; i < n; i++) {
			free(hs[i].schedule);
			hs[i] = (struct hunt){ .id = hs[i].id };
		}
	}
	return ok;
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
		hs[n++].id = id;
	}
	/*
	 * --jobs J: J processes hunt the entries (each explore in one);
	 * default: one per CPU, at most 4. One entry: in process.
	 */
	{
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		int workers = c->o.jobs ? (int)c->o.jobs :
					  (cpus > 4 ? 4 : cpus < 1 ? 1 : (int)cpus);

		if (workers > n)
			workers = n;
		if (workers > 16)
			workers = 16;
		if (workers < 2 || !hunt_parallel(c, hs, n, workers, &pr))
			for (int i = 0; i < n; i++)
				hunt(c, &hs[i], &pr);
	}
	for (int i = 0; i < n; i++)
		bad += !hs[i].found || !hs[i].clean;
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
