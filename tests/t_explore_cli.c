// SPDX-License-Identifier: GPL-2.0
/*
 * t_explore_cli - the mmsim command as a user meets it (runs ./mmsim, or
 * $MMSIM, which `make check` builds first).
 *
 *  - Exit status: 0 when nothing is found, 1 when a violation is, 2 for
 *    bad usage or input, each bad usage with a message saying what is
 *    wrong.
 *  - The report of a violation ends with a replay command that, run as
 *    printed, reproduces the violation.
 *  - dfs says "exhausted" when it has run every schedule in its bound.
 *  - --json is valid JSON for every verb; merging the JSON of the shards
 *    of a run gives the totals of the unsharded run.
 *  - `mmsim bugs NAME` hunts a catalogued bug and exits 0 when it behaves
 *    (with an empty catalogue it says so plainly);
 *    with --placeholder it finds the placeholder bug with its switch on
 *    and not with it off.
 *  - rff finds a race at the same execution in two processes (ASLR).
 *  - A clean default explore says how strong it is: the bounded proof
 *    after the sampling (dpor:1, dpor:2, ... within a budget) and the
 *    largest bound it exhausted, or that the result is a sample; none
 *    with --no-proof, an explicit strategy or a shard; a proof rung that
 *    finds what the sampling missed is reported with a replay command
 *    that reproduces it.
 *  - --svg writes a standalone SVG that rsvg-convert renders.
 * Runs in about a second.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explore/json.h"
#include "sim/regress.h"
#include "cli_test.h"
#include "tap.h"

static char tmp[64];

static void expect(const char *args, int code, const char *needle,
		   const char *what)
{
	char *out;
	int rc = run(&out, args);

	if (!ok(rc == code && (!needle || strstr(out, needle)),
		"%s (mmsim %s: exit %d%s%s)", what, args, code,
		needle ? ", says " : "", needle ? needle : ""))
		diag("exit %d, output:\n%s", rc, out);
	free(out);
}

static void test_usage(void)
{
	char path[128];
	FILE *f;

	expect("", 2, "usage:", "No command is a usage error");
	expect("frobnicate", 2, "unknown command", "Unknown command");
	expect("explore", 2, "exactly one FILE", "explore needs a FILE");
	expect("explore builtin:nope", 2, "unknown builtin program",
	       "An unknown builtin is named as such");
	expect("explore /nonexistent.mms", 2, "no such file",
	       "A missing file is named as such");
	snprintf(path, sizeof(path), "explore %s/x.mms", tmp);
	f = fopen(path + 8, "w");
	if (f) {
		fputs("thread main:\n\tstore A+0x10 1\n", f);
		fclose(f);
	}
	expect(path, 2, "x.mms:3:1: error:",
	       "A bad .mms file is refused with its file:line:column");
	expect("explore builtin:abba --strategy dfs:x", 2, "bad strategy",
	       "A bad strategy is rejected");
	expect("explore builtin:abba --shard 3/2", 2, "--shard wants I/N",
	       "A bad shard is rejected");
	expect("explore builtin:abba --runs 5 --time 1", 2, "one budget",
	       "Two budgets are rejected");
	expect("explore builtin:abba --regress nope", 2,
	       "unknown regression", "An unknown regression is rejected");
	expect("explore builtin:abba --frob", 2, "unknown option",
	       "An unknown option is rejected");
	expect("replay builtin:abba", 2, "needs --schedule",
	       "replay needs a schedule");
	expect("replay builtin:abba --schedule 'a;b'", 2, "bad schedule",
	       "A malformed schedule is rejected");
	expect("replay builtin:abba --schedule z9", 2, "diverged",
	       "A schedule naming a task that cannot run is bad input");
	expect("merge", 2, "merge wants", "merge needs files");
}

static void test_verdicts(void)
{
	char *out, *cmd, *nl;
	int rc;

	expect("explore builtin:locked-counter --runs 200", 0,
	       "0 violations", "A clean program exits 0");
	expect("explore builtin:locked-counter --strategy dfs:2", 0,
	       "exhausted: ", "dfs says when it has exhausted its bound");
	expect("run builtin:rcu", 0, "1 executions", "run is one execution");
	rc = run(&out, "explore builtin:lost-update --shrink");
	ok(rc == 1 && strstr(out, "VIOLATION in builtin:lost-update") &&
	   strstr(out, "lost update: counter is 1") &&
	   strstr(out, "counter_check") && strstr(out, "shrunk "),
	   "A violation exits 1 and says what, where, and the shrunk "
	   "schedule");
	cmd = strstr(out, "replay:   mmsim ");
	if (cmd) {
		cmd += strlen("replay:   mmsim ");
		nl = strchr(cmd, '\n');
		if (nl)
			*nl = 0;
		cmd = strdup(cmd);
	}
	free(out);
	if (cmd) {
		rc = run(&out, cmd);
		ok(rc == 1 && strstr(out, "lost update: counter is 1"),
		   "The printed replay command reproduces the violation "
		   "(mmsim %s)", cmd);
		free(out);
		free(cmd);
	} else {
		ok(0, "The report prints a replay command");
	}
	expect("explore builtin:abba --strategy dfs:1", 1, "DEADLOCK",
	       "A deadlock found by dfs exits 1");
	expect("explore builtin:lost-update --tap --keep-going --runs 50",
	       1, "not ok 1 - builtin:lost-update", "--tap reports failures");
}

static struct json *json_of(const char *args, int *rc)
{
	char *out, err[200];
	struct json *j;

	*rc = run(&out, args);
	j = json_parse(out, err, sizeof(err));
	if (!j)
		diag("mmsim %s: %s\n%s", args, err, out);
	free(out);
	return j;
}

static void test_json(void)
{
	static const char *const verbs[] = {
		"explore builtin:lost-update --json --runs 100",
		"run builtin:abba --json",
		"replay builtin:lost-update --schedule a3b --json",
		"list --json",
		"bugs cow-reuse-mapcount --json",
	};
	int rc, good = 0;

	for (size_t i = 0; i < 5; i++) {
		struct json *j = json_of(verbs[i], &rc);

		good += j != NULL;
		json_free(j);
	}
	is_int(good, 5, "--json is valid JSON for explore, run, replay, "
			"list and bugs");
}

/* The bounded proof after a clean default explore (tools/cli_proof.c). */
static void test_proof(void)
{
	char *out, *cmd = NULL, *nl, args[160];
	const struct json *pf;
	struct json *j;
	int rc, seed = -1;

	expect("explore builtin:locked-counter --runs 200", 0,
	       "a bounded proof after it: dpor exhausted in ",
	       "A clean default explore proves what it can: every schedule "
	       "of a small program");
	j = json_of("explore builtin:writers3 --runs 100 --json", &rc);
	pf = j ? json_get(j, "proof") : NULL;
	ok(rc == 0 && pf && json_get_str(pf, "proved", NULL) &&
	   !strncmp(json_get_str(pf, "proved", ""), "dpor", 4) &&
	   json_get_u64(pf, "executions", 0) > 0,
	   "--json says which rung the proof exhausted, in how many "
	   "executions");
	json_free(j);
	j = json_of("explore scenarios/split-deferred-vs-fork.mms --runs 20 "
		    "--json", &rc);
	pf = j ? json_get(j, "proof") : NULL;
	/* events: the sampling's again, and the execution that passes them */
	ok(rc == 0 && pf &&
	   json_get_u64(pf, "total_executions", ~0ULL) <=
		   json_get_u64(j, "executions", 0) &&
	   json_get_u64(pf, "total_steps", ~0ULL) <=
		   json_get_u64(j, "steps", 0) + 40000,
	   "With --runs the proof costs at most the sampling's executions "
	   "and events again (a THP split: 20 of 21,000 events each)");
	json_free(j);
	expect("explore builtin:writers3 --runs 1", 0,
	       "no bounded proof: the executions above are a sample",
	       "A proof that does not fit its budget says the result is a "
	       "sample");
	rc = run(&out, "explore builtin:locked-counter --runs 200 --no-proof");
	ok(rc == 0 && !strstr(out, "proof"), "--no-proof: no proof");
	free(out);
	rc = run(&out, "explore builtin:locked-counter --strategy random "
		       "--runs 200");
	ok(rc == 0 && !strstr(out, "proof"),
	   "An explicit strategy: no proof (the user chose what runs)");
	free(out);
	/* a seed whose 3 sampled executions miss the lost update */
	for (int s = 0; s < 40 && seed < 0; s++) {
		snprintf(args, sizeof(args), "explore builtin:lost-update "
			 "--runs 3 --seed %d --no-proof", s);
		if (run(&out, args) == 0)
			seed = s;
		free(out);
	}
	snprintf(args, sizeof(args), "explore builtin:lost-update --runs 3 "
		 "--seed %d", seed);
	rc = run(&out, args);
	ok(seed >= 0 && rc == 1 &&
	   strstr(out, "the bounded proof after it (dpor:1) found one") &&
	   strstr(out, "lost update: counter is 1"),
	   "The proof finds what the sampling missed (seed %d) and exits 1",
	   seed);
	if ((cmd = strstr(out, "replay:   mmsim "))) {
		cmd += strlen("replay:   mmsim ");
		if ((nl = strchr(cmd, '\n')))
			*nl = 0;
		cmd = strdup(cmd);
	}
	free(out);
	rc = cmd ? run(&out, cmd) : -1;
	ok(cmd && rc == 1 && strstr(out, "lost update: counter is 1"),
	   "... and its replay command reproduces it (mmsim %s)",
	   cmd ? cmd : "none printed");
	if (cmd)
		free(out);
	free(cmd);
}

static void test_merge(void)
{
	char args[512];
	int rc, code = 0;
	struct json *whole, *merged;

	for (int i = 0; i < 3; i++) {
		snprintf(args, sizeof(args), "explore builtin:lost-update "
			 "--strategy dfs:3 --keep-going --shard %d/3 --json "
			 "> %s/s%d.json", i, tmp, i);
		code |= run(NULL, args) == 2;
	}
	whole = json_of("explore builtin:lost-update --strategy dfs:3 "
			"--keep-going --json", &rc);
	snprintf(args, sizeof(args), "merge %s/s0.json %s/s1.json "
		 "%s/s2.json --json", tmp, tmp, tmp);
	merged = json_of(args, &rc);
	ok(!code && whole && merged && rc == 1 &&
	   json_get_u64(whole, "executions", 0) ==
		   json_get_u64(merged, "executions", 1) &&
	   json_get_u64(whole, "violations", 0) ==
		   json_get_u64(merged, "violations", 1) &&
	   json_get_bool(merged, "exhausted", false),
	   "Merging the 3 shards of a dfs run gives the unsharded totals "
	   "(%llu executions, %llu violations, exhausted)",
	   (unsigned long long)json_get_u64(whole, "executions", 0),
	   (unsigned long long)json_get_u64(whole, "violations", 0));
	json_free(whole);
	json_free(merged);
	snprintf(args, sizeof(args), "merge %s/s0.json %s/s2.json", tmp,
		 tmp);
	expect(args, 1, "1 of 3 shards missing: 1",
	       "merge names the missing shards");
}

static void test_bugs(void)
{
	/*
	 * The whole catalogue takes a minute or two (`make hunt`); here one
	 * real bug and the placeholder, each hunted by name.
	 */
	expect("bugs cow-reuse-mapcount", 0, "1 of 1 bug behaves",
	       "mmsim bugs NAME hunts that catalogued bug, exit 0 when it "
	       "behaves");
	expect("bugs placeholder-demo --runs 2000", 0, "1 of 1 bug behaves",
	       "The placeholder bug is found when on, clean when off");
	/* two entries: hunted by two worker processes; the table is the
	 * one a single process prints (but for the seconds) */
	{
		char *par = NULL, *seq = NULL;
		int rp = run(&par, "bugs cow-reuse-mapcount "
				   "dontneed-vs-thp-fault --jobs 2 --tap");
		int rs = run(&seq, "bugs cow-reuse-mapcount "
				   "dontneed-vs-thp-fault --jobs 1 --tap");

		ok(rp == 0 && rs == 0 && par && seq && !strcmp(par, seq) &&
			   strstr(par, "ok 4 - dontneed-vs-thp-fault: clean"),
		   "mmsim bugs in two worker processes reports what one "
		   "process does (exit %d/%d)", rp, rs);
		if (par && seq && strcmp(par, seq))
			diag("--jobs 2:\n%s--jobs 1:\n%s", par, seq);
		free(par);
		free(seq);
	}
	expect("bugs no-such-bug", 2, "no catalogued bug named",
	       "An unknown bug name is a usage error");
	expect("explore builtin:regress-demo --regress placeholder-demo", 1,
	       "--regress placeholder-demo",
	       "--regress switches the bug on and the replay command "
	       "carries it");
	expect("explore builtin:regress-demo --strategy dfs:3", 0,
	       "exhausted", "With the switch off, dfs:3 proves it clean");
	/* store buffers: no DPOR; the ladders are bounded dfs */
	expect("bugs anon-exclusive-clear-no-barrier", 0,
	       "proved to 2 preemptions (dfs)",
	       "Where DPOR cannot run (memory=arm64), mmsim bugs proves the "
	       "clean direction by bounded dfs");
	expect("explore scenarios/page-ref-unfreeze-relaxed.mms --keep-going "
	       "--no-shrink --runs 6000 --json", 0, "\"found_by\": \"dfs:2\"",
	       "Where DPOR cannot run, the default search's ladder is bounded "
	       "dfs (page-ref-unfreeze-relaxed: dfs:2 finds it too)");
}

/*
 * Two processes running the same rff search find the race at the same
 * execution: rff's feedback (which read-from pairs are new) must not
 * depend on where ASLR put the code or the data.
 */
static void test_rff_determinism(void)
{
	const char *args = "explore scenarios/seed000-thp-numa-gup-arm64.mms "
			   "--strategy rff --seed 0 --runs 20000 --no-shrink";
	char *out[3] = { NULL };
	size_t len[3] = { 0 };
	bool same = true;
	int rc[3];

	for (int i = 0; i < 3; i++) {
		char *e;

		rc[i] = run(&out[i], args);
		e = out[i] ? strstr(out[i], " executions,") : NULL;
		len[i] = e ? (size_t)(e - out[i]) : 0;
		same = same && rc[i] == 0 && len[i] && len[i] == len[0] &&
		       !strncmp(out[i], out[0], len[0]);
	}
	/* found, as the file promises: exit 0 */
	ok(same, "rff finds seed 000 (arm64) at the same execution in three "
	   "processes (exit %d/%d/%d)", rc[0], rc[1], rc[2]);
	for (int i = 0; i < 3; i++) {
		if (!same)
			diag("run %d:\n%s", i, out[i] ? out[i] : "");
		free(out[i]);
	}
}

static void test_svg(void)
{
	char args[512], png[160];
	struct stat st;
	int rc;

	snprintf(args, sizeof(args), "replay builtin:abba --schedule b3a "
		 "--svg %s/abba.svg", tmp);
	rc = run(NULL, args);
	snprintf(png, sizeof(png), "%s/abba.svg", tmp);
	ok(rc == 1 && !stat(png, &st) && st.st_size > 500,
	   "replay --svg writes the picture of a deadlock");
	if (system("command -v rsvg-convert >/dev/null 2>&1")) {
		skip("The SVG renders with rsvg-convert",
		     "rsvg-convert not installed (apt-get install "
		     "librsvg2-bin)");
		return;
	}
	snprintf(args, sizeof(args), "rsvg-convert %s/abba.svg -o "
		 "%s/abba.png 2>&1", tmp, tmp);
	rc = system(args);
	snprintf(png, sizeof(png), "%s/abba.png", tmp);
	ok(rc == 0 && !stat(png, &st) && st.st_size > 1000,
	   "The SVG renders with rsvg-convert");
}

int main(void)
{
	char cmd[128];

	if (getenv("MMSIM"))
		mmsim = getenv("MMSIM");
	plan(15 + 7 + 1 + 8 + 2 + 8 + 1 + 2);
	snprintf(tmp, sizeof(tmp), "/tmp/t_explore_cli.XXXXXX");
	if (access(mmsim, X_OK) || !mkdtemp(tmp)) {
		printf("Bail out! no %s (run make first) or no temp dir\n",
		       mmsim);
		return 1;
	}
	test_usage();
	test_verdicts();
	test_json();
	test_proof();
	test_merge();
	test_bugs();
	test_rff_determinism();
	test_svg();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd))
		diag("could not remove %s", tmp);
	return done_testing();
}
