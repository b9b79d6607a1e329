// SPDX-License-Identifier: GPL-2.0
/*
 * t_explore - the explorer's promises.
 *
 *  - dfs:P visits exactly the schedules with at most P preemptions, a
 *    number counted by hand below, each once, and says it is exhausted.
 *  - dfs:0 visits exactly one schedule per order in which the tasks can
 *    run to completion: n! for n tasks that never block.
 *  - The shards of a dfs run partition it (N = 2, 3): the union of their
 *    schedule sets is the unsharded set, and no two shards share one.
 *    The shards of a random or PCT run partition it too.
 *  - --jobs 2 finds the same failures as --jobs 1 over the same seeds
 *    (random and dfs, keep-going), and the same first failure otherwise.
 *  - Replaying the schedule of every failure found reproduces its trace
 *    hash and outcome.
 *  - Shrinking never loses the failure and never grows the schedule.
 *
 * Counting the schedules of two tasks A and B that never block, with a
 * and b yield points (each has a task_start yield, then one per access).
 * A task with k yield points is picked k + 1 times: once to start, once
 * after each yield (the last pick runs it to its exit). An execution is
 * an interleaving of A's a + 1 picks with B's b + 1 picks, and every
 * interleaving is a distinct execution: C(a + b + 2, a + 1) in all. An
 * interleaving made of r maximal runs switches r - 1 times; exactly one
 * switch is free (when the first task to finish exits), the others are
 * preemptions, so it has r - 2 preemptions:
 *	P = 0: r = 2, AA..BB.. or BB..AA..			2
 *	P = 1: r = 3, A^i B^(b+1) A^(a+1-i), i = 1..a, or the
 *	       mirror image: a + b				a + b
 *	P = 2: r = 4, A^i B^j A^k B^l with i + k = a + 1, j + l = b + 1,
 *	       all >= 1: a * b, and b * a for B first		2ab
 * For a = b = 3 (start, read, write): dfs:0 = 2, dfs:1 = 8, dfs:2 = 26,
 * unbounded C(8, 4) = 70.
 * Runs in about a second.
 */
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/json.h"
#include "sim/atomic.h"
#include "explore_test.h"
#include "tap.h"

/* ---- a test program: n tasks, each k private writes ---- */

static int nr_tasks = 2, nr_writes = 2;
static int cells[SIM_MAX_TASKS];

static void writer(void *arg)
{
	int *c = arg;

	for (int i = 0; i < nr_writes; i++)
		WRITE_ONCE(*c, i);
}

static void writers_setup(void *arg)
{
	static const char *const names[] = { "A", "B", "C", "D" };

	for (int t = 0; t < nr_tasks; t++)
		sim_task_create(names[t], writer, &cells[t]);
}

static struct mmsim_program writers = { "test:writers", NULL, NULL,
					writers_setup };

/* ---- collecting the schedules of owned executions ---- */

struct sched_set {
	char **s;
	size_t n, cap;
};

static void on_exec(void *ctx, uint64_t index, const char *sched,
		    const struct sim_result *r)
{
	struct sched_set *set = ctx;
	char buf[4096];

	if (set->n == set->cap) {
		set->cap = set->cap ? 2 * set->cap : 64;
		set->s = realloc(set->s, set->cap * sizeof(char *));
	}
	/* the index names the execution in the unsharded order */
	snprintf(buf, sizeof(buf), "%llu:%s", (unsigned long long)index,
		 sched);
	set->s[set->n++] = strdup(buf);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_sort(struct sched_set *s)
{
	qsort(s->s, s->n, sizeof(char *), cmp_str);
}

static size_t set_distinct(struct sched_set *s)
{
	size_t d = 0;

	set_sort(s);
	for (size_t i = 0; i < s->n; i++)
		d += !i || strcmp(s->s[i], s->s[i - 1]);
	return d;
}

static void set_free(struct sched_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->s[i]);
	free(s->s);
	memset(s, 0, sizeof(*s));
}

/* Explore @p with @strategy (shard I/N), schedules into @set. */
static int run_into(const struct mmsim_program *p, const char *strategy,
		    unsigned shard, unsigned n, uint64_t runs,
		    struct sched_set *set, struct explore_result *r)
{
	struct explore_opts o = { .strategy = strategy, .shard = shard,
				  .nr_shards = n, .runs = runs,
				  .keep_going = true, .on_exec = on_exec,
				  .ctx = set, .max_failures = 100000 };

	return explore(p, &o, r);
}

static uint64_t count_dfs(const struct mmsim_program *p, const char *st,
			  bool *exhausted, size_t *distinct)
{
	struct sched_set set = { 0 };
	struct explore_result r;

	run_into(p, st, 0, 1, 0, &set, &r);
	*exhausted = r.exhausted;
	*distinct = set_distinct(&set);
	set_free(&set);
	explore_result_free(&r);
	return r.executions;
}

static void test_dfs_counts(void)
{
	static const struct { const char *st; uint64_t want; } c[] = {
		{ "dfs:0", 2 }, { "dfs:1", 8 }, { "dfs:2", 26 },
		{ "dfs:100", 70 },
	};
	bool ex;
	size_t distinct;

	nr_tasks = 2;
	nr_writes = 2;	/* yields per task: start + 2 writes = 3 */
	for (size_t i = 0; i < 4; i++) {
		uint64_t got = count_dfs(&writers, c[i].st, &ex, &distinct);

		is_int(got, c[i].want, "%s of 2 tasks with 3 yield points "
		       "each visits the %llu schedules counted by hand",
		       c[i].st, (unsigned long long)c[i].want);
		ok(ex && distinct == got, "%s says it is exhausted and "
		   "visits each schedule once", c[i].st);
	}
	for (int n = 1; n <= 4; n++) {
		uint64_t fact = 1;

		for (int k = 2; k <= n; k++)
			fact *= k;
		nr_tasks = n;
		is_int(count_dfs(&writers, "dfs:0", &ex, &distinct), fact,
		       "dfs:0 visits one schedule per completion order: "
		       "%d! for %d tasks", n, n);
	}
	/*
	 * Executions longer than dfs's first stack (256 choices) make it
	 * grow the stack while it holds a pointer to its top node (a
	 * use-after-free, SIGSEGV in long explorations before the fix;
	 * ASan sees it at once).
	 */
	nr_tasks = 2;
	nr_writes = 400;
	is_int(count_dfs(&writers, "dfs:1", &ex, &distinct), 2 + 2 * 401,
	       "dfs:1 of 2 tasks with 401 yield points each: 2 + (a + b) "
	       "schedules; its stack grows past 256 choices safely");
	nr_writes = 2;
}

/* The shards' sets are disjoint and their union is the whole. */
static bool partitions(const struct mmsim_program *p, const char *st,
		       unsigned n, uint64_t runs, uint64_t *total)
{
	struct sched_set all = { 0 }, parts = { 0 };
	struct explore_result r;
	bool same = true;

	run_into(p, st, 0, 1, runs, &all, &r);
	explore_result_free(&r);
	for (unsigned i = 0; i < n; i++) {
		run_into(p, st, i, n, runs, &parts, &r);
		explore_result_free(&r);
	}
	same = set_distinct(&all) == all.n && all.n == parts.n;
	set_sort(&parts);
	for (size_t i = 0; same && i < all.n; i++)
		same = !strcmp(all.s[i], parts.s[i]);
	*total = all.n;
	set_free(&all);
	set_free(&parts);
	return same;
}

static void test_shards(void)
{
	static const struct { const char *st; int tasks, writes; } c[] = {
		{ "dfs:1", 3, 2 }, { "dfs:2", 3, 2 }, { "dfs:3", 2, 3 },
	};
	uint64_t total;

	for (size_t i = 0; i < 3; i++) {
		nr_tasks = c[i].tasks;
		nr_writes = c[i].writes;
		for (unsigned n = 2; n <= 3; n++) {
			bool part = partitions(&writers, c[i].st, n, 0,
					       &total);

			ok(part, "%s shards 0..%u of %u partition the %llu "
			   "schedules (union equal, disjoint)", c[i].st,
			   n - 1, n, (unsigned long long)total);
		}
	}
	nr_tasks = 3;
	nr_writes = 3;
	ok(partitions(&writers, "random", 3, 300, &total) && total == 300,
	   "random shards of 3 partition 300 executions");
	ok(partitions(&writers, "pct:3", 2, 300, &total) && total == 300,
	   "pct:3 shards of 2 partition 300 executions");
	nr_tasks = 2;
	nr_writes = 2;
}

/* ---- jobs ---- */

static bool same_failures(const struct explore_result *a,
			  const struct explore_result *b)
{
	if (a->nr_fail != b->nr_fail || a->failures != b->failures)
		return false;
	for (size_t i = 0; i < a->nr_fail; i++)
		if (a->fail[i].index != b->fail[i].index ||
		    strcmp(a->fail[i].schedule, b->fail[i].schedule) ||
		    a->fail[i].trace_hash != b->fail[i].trace_hash)
			return false;
	return true;
}

static void test_jobs(void)
{
	const struct mmsim_program *p = builtin_program("builtin:lost-update");
	static const struct { const char *st; bool keep; } c[] = {
		{ "random", true }, { "dfs:2", true }, { "random", false },
		{ "pct:2", false }, { "dfs:3", false },
	};

	for (size_t i = 0; i < 5; i++) {
		struct explore_opts o = { .strategy = c[i].st, .runs = 400,
					  .seed = 7, .keep_going = c[i].keep,
					  .max_failures = 100000 };
		struct explore_result one, two;

		if (!strncmp(c[i].st, "dfs", 3))
			o.runs = 0;
		explore(p, &o, &one);
		o.jobs = 2;
		explore(p, &o, &two);
		ok(one.failures > 0 && same_failures(&one, &two),
		   "--jobs 2 finds the same %s as --jobs 1 (%s, %llu "
		   "failures)", c[i].keep ? "failures" : "first failure",
		   c[i].st, (unsigned long long)one.failures);
		explore_result_free(&one);
		explore_result_free(&two);
	}
}

/* ---- replay and shrink ---- */

static const char *const failing[] = { "builtin:lost-update", "builtin:abba",
				       "builtin:rcu-nogp" };

static void test_replay(void)
{
	int checked = 0, bad = 0;

	for (size_t i = 0; i < 3; i++) {
		const struct mmsim_program *p = builtin_program(failing[i]);
		struct explore_opts o = { .strategy = "random", .runs = 300,
					  .keep_going = true,
					  .max_failures = 100000 };
		struct explore_result r;

		explore(p, &o, &r);
		for (size_t k = 0; k < r.nr_fail; k++) {
			struct sim_config cfg = {
				.replay = r.fail[k].schedule };
			struct sim_result res;

			program_exec(p, &cfg, &res);
			checked++;
			bad += res.trace_hash != r.fail[k].trace_hash ||
			       res.outcome != r.fail[k].outcome;
		}
		explore_result_free(&r);
	}
	ok(checked > 50 && !bad, "Replay reproduces the trace hash and "
	   "outcome of every failure found (%d failures, %d differ)",
	   checked, bad);
}

static void test_shrink(void)
{
	int tried = 0, lost = 0, grew = 0, shorter = 0;

	for (size_t i = 0; i < 3; i++) {
		const struct mmsim_program *p = builtin_program(failing[i]);
		struct explore_opts o = { .strategy = "random", .runs = 200,
					  .keep_going = true,
					  .max_failures = 25 };
		struct explore_result r;

		explore(p, &o, &r);
		for (size_t k = 0; k < r.nr_fail; k++) {
			struct shrink_stats st;
			struct sim_config cfg = { 0 };
			struct sim_result before, after;
			char *s = shrink_schedule(p, r.fail[k].schedule, 0,
						  &st);

			tried++;
			if (!s) {
				lost++;
				continue;
			}
			cfg.replay = r.fail[k].schedule;
			program_exec(p, &cfg, &before);
			cfg.replay = s;
			program_exec(p, &cfg, &after);
			lost += !same_failure(&before, &after);
			grew += strlen(s) > strlen(r.fail[k].schedule) ||
				st.preempts_after > st.preempts_before;
			shorter += strlen(s) < strlen(r.fail[k].schedule);
			free(s);
		}
		explore_result_free(&r);
	}
	ok(tried > 20 && !lost, "Shrinking never loses the failure (%d "
	   "schedules)", tried);
	ok(!grew, "Shrinking never grows a schedule or adds preemptions "
	   "(%d of %d got shorter)", shorter, tried);
}

/* ---- the JSON round trip that merge and jobs rely on ---- */

static void test_json_roundtrip(void)
{
	const struct mmsim_program *p = builtin_program("builtin:lost-update");
	struct explore_opts o = { .strategy = "random", .runs = 100,
				  .keep_going = true };
	struct explore_result r, back = { 0 };
	char *buf = NULL, err[200];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json *j;

	explore(p, &o, &r);
	report_explore_json(f, p, &o, &r);
	fclose(f);
	j = json_parse(buf, err, sizeof(err));
	ok(j && !explore_result_add_json(&back, j, 64, err, sizeof(err)) &&
	   back.executions == r.executions && back.failures == r.failures &&
	   same_failures(&r, &back),
	   "An explore result survives its JSON form");
	json_free(j);
	free(buf);
	explore_result_free(&r);
	explore_result_free(&back);
}

int main(void)
{
	plan(8 + 4 + 1 + 8 + 5 + 1 + 2 + 1);
	test_dfs_counts();
	test_shards();
	test_jobs();
	test_replay();
	test_shrink();
	test_json_roundtrip();
	return done_testing();
}
