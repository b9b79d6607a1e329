// SPDX-License-Identifier: GPL-2.0
/*
 * t_cli - the command line refuses what it cannot honour, and the readers
 * of its inputs survive any input (runs ./mmsim, or $MMSIM).
 *
 *  - Every malformed number (--shard, --runs, --time, --jobs) is refused
 *    with one line on stderr and exit 2, before any execution: wrapped
 *    values (2^32 + 1), negative ones behind a blank, nan and inf, shard
 *    counts that overflow when multiplied by --jobs.
 *  - `run` refuses --runs and the other budget options of explore.
 *  - `merge` refuses a directory and an endless device with a reason, and
 *    exit 2, without growing.
 *  - The JSON reader (in process, under ASan+UBSan): a string ending in
 *    a backslash, a \u at the end of input, 1e300, every truncation of
 *    a valid document, are errors or values, never a read past the end.
 *  - `list` is sorted and `list --json` is valid JSON whatever the file
 *    names hold (quotes, backslashes).
 *  - The verdict is the scenario's: an expected violation (of its kind) is
 *    success, a missing one a failure naming the expect line; a catalogued
 *    bug's scenario gets its switch from the catalogue; config regress=
 *    names only catalogued bugs (file:line:col otherwise).
 *  - docs/scale-out.md: GNU parallel over 4 shards, merged, equals one
 *    process's result (skipped, with the reason, without parallel).
 *  - --jobs workers die when their parent is killed.
 * Runs in about three seconds.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "explore/json.h"
#include "cli_test.h"
#include "tap.h"


static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* "mmsim @args" is refused: exit 2, one line naming @needle, no run. */
static void refused(const char *args, const char *needle)
{
	char *out;
	int rc = run(&out, args);

	if (!ok(rc == 2 && lines(out) == 1 && strstr(out, needle) &&
		!strstr(out, "executions"),
		"mmsim %s: refused in one line naming %s", args, needle))
		diag("exit %d, output:\n%s", rc, out);
	free(out);
}

static void test_numbers(void)
{
	static const struct {
		const char *args, *needle;
	} bad[] = {
		{ "explore builtin:abba --shard 0/2147483648 --jobs 2",
		  "--shard" },
		{ "explore builtin:abba --shard 0/4294967297", "--shard" },
		{ "explore builtin:abba --shard 1/-1", "--shard" },
		{ "explore builtin:abba --shard 2/2", "--shard" },
		{ "explore builtin:abba --shard ' 0/2'", "--shard" },
		{ "explore builtin:abba --shard 0/2x", "--shard" },
		{ "explore builtin:abba --shard /2", "--shard" },
		{ "explore builtin:abba --runs ' -1'", "--runs" },
		{ "explore builtin:abba --runs -1", "--runs" },
		{ "explore builtin:abba --runs 18446744073709551616",
		  "--runs" },
		{ "explore builtin:abba --runs 0", "--runs" },
		{ "explore builtin:abba --runs 5k", "--runs" },
		{ "explore builtin:abba --time nan", "--time" },
		{ "explore builtin:abba --time inf", "--time" },
		{ "explore builtin:abba --time -1", "--time" },
		{ "explore builtin:abba --time ' 1'", "--time" },
		{ "explore builtin:abba --time 0x10", "--time" },
		{ "explore builtin:abba --time 1e300", "--time" },
		{ "explore builtin:abba --jobs 0", "--jobs" },
		{ "explore builtin:abba --jobs 257", "--jobs" },
		{ "explore builtin:abba --jobs ' 2'", "--jobs" },
		{ "explore builtin:abba --seed -3", "--seed" },
		{ "run builtin:abba --runs 5", "run is one execution" },
		{ "run builtin:abba --time 1", "run is one execution" },
		{ "run builtin:abba --jobs 2", "run is one execution" },
		{ "run builtin:abba --shard 0/2", "run is one execution" },
		{ "list builtin:abba", "list takes no FILE" },
	};
	char *out;
	int rc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(bad[i].args, bad[i].needle);
	rc = run(&out, "explore builtin:locked-counter --shard 65535/65536 "
		 "--jobs 256 --runs 100000");
	if (!ok(rc == 0 && strstr(out, "shard 65535/65536"),
		"the largest shard count with the most jobs runs"))
		diag("exit %d:\n%s", rc, out);
	free(out);
}

/* A file @name in @dir with @text. */
static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_merge(const char *tmp)
{
	char args[512], *out;
	int rc;

	refused("merge /dev/zero", "not a regular file");
	snprintf(args, sizeof(args), "merge %s", tmp);
	refused(args, "is a directory");
	put(tmp, "nul.json", "{\"executions\": 1}\n");
	snprintf(args, sizeof(args), "merge %s/nul.json %s/nul.json", tmp,
		 tmp);
	rc = run(&out, args);
	ok(rc == 2 && strstr(out, "given twice"),
	   "merge: the same shard twice is refused");
	free(out);
	put(tmp, "bad.json", "{\"executions\": 1, \"shard\": [1e300, 2]}");
	snprintf(args, sizeof(args), "merge %s/bad.json", tmp);
	refused(args, "\"shard\" is not [I, N]");
	put(tmp, "esc.json", "{\"executions\": 1, \"program\": \"a\\");
	snprintf(args, sizeof(args), "merge %s/esc.json", tmp);
	refused(args, "unterminated string");
}

/* json_parse of exactly @n bytes in their own allocation (ASan bounds). */
static struct json *parse_n(const char *text, size_t n, char *err,
			    size_t errlen)
{
	char *buf = malloc(n + 1);
	struct json *j;

	memcpy(buf, text, n);
	buf[n] = 0;
	j = json_parse(buf, err, errlen);
	free(buf);
	return j;
}

static void test_json(void)
{
	static const char *const bad[] = {
		"\"abc\\", "\"\\u", "\"\\u12", "\"\\u12g4\"", "\"\\ud800\"",
		"\"\\udc00\"", "\"\\u0000\"", "\"\\x\"", "\"a\nb\"", "[1,",
		"{\"a\"", "{\"a\":", "-", "1.", "1e", "01", "nan", "inf",
		"0x10", "+1", "[1 2]", "{\"a\" 1}", "tru", "",
	};
	static const char doc[] =
		"{\"verb\": \"explore\", \"program\": \"a\\\"b\\\\c\\u00e9"
		"\\ud83d\\ude00\", \"seed\": 18446744073709551615, "
		"\"shard\": [1, 4], \"x\": [1e300, -1e300, 2.5, 3e2, -0, "
		"true, false, null, {}], \"elapsed\": 0.25}";
	char err[200];
	struct json *j;
	const struct json *x;
	int failures = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = parse_n(bad[i], strlen(bad[i]), err, sizeof(err));
		if (j || !strstr(err, "line ")) {
			diag("'%s' parsed (or no reason: %s)", bad[i], err);
			failures++;
		}
		json_free(j);
	}
	ok(!failures, "the JSON reader rejects %zu malformed inputs, each "
	   "with a line and reason", sizeof(bad) / sizeof(bad[0]));

	j = parse_n(doc, strlen(doc), err, sizeof(err));
	x = json_get(j, "x");
	ok(j && !strcmp(json_get_str(j, "program", ""),
			"a\"b\\c\xc3\xa9\xf0\x9f\x98\x80") &&
	   json_get_u64(j, "seed", 0) == UINT64_MAX &&
	   x && x->n == 9 && !json_is_uint(x->items[0]) &&
	   x->items[0]->num > 1e299 && !json_is_uint(x->items[1]) &&
	   !json_is_uint(x->items[2]) && json_is_uint(x->items[3]) &&
	   x->items[3]->u == 300 && json_get_num(j, "elapsed", 0) == 0.25,
	   "the JSON reader reads escapes as UTF-8, 2^64-1 exactly, 1e300 "
	   "as a non-integer");
	if (!j)
		diag("%s", err);
	json_free(j);

	failures = 0;
	for (size_t n = 0; n < strlen(doc); n++) {
		j = parse_n(doc, n, err, sizeof(err));
		failures += j != NULL;
		json_free(j);
	}
	ok(!failures, "every proper prefix of a document is an error (and "
	   "no read past its end)");
}

/* "mmsim @verb @tmp/@name @extra": exit @code, output has @needle. */
static void verdict(const char *tmp, const char *verb, const char *name,
		    const char *extra, int code, const char *needle,
		    const char *what)
{
	char args[512], *out;
	int rc;

	snprintf(args, sizeof(args), "%s %s/%s %s", verb, tmp, name, extra);
	rc = run(&out, args);
	if (!ok(rc == code && strstr(out, needle), "%s (exit %d, says '%s')",
		what, code, needle))
		diag("mmsim %s: exit %d:\n%s", args, rc, out);
	free(out);
}

/* The expect line is the verdict (issue 9 item 6). */
static void test_promise(const char *tmp)
{
#define BODY "config mem=4M\nthread main:\n\tmmap A 4K anon\n" \
	     "\tstore A 0x1\n"
	char *out;
	int rc;

	put(tmp, "wv.mms", BODY "\tload A == 0x2\nexpect violation wrong-value\n");
	put(tmp, "ls.mms", BODY "\tload A == 0x2\nexpect violation lost-store\n");
	put(tmp, "nov.mms", BODY "\tload A == 0x1\nexpect violation\n");
	put(tmp, "ok.mms", BODY "\tload A == 0x1\nexpect ok\n");
	put(tmp, "bad.mms", BODY "\tload A == 0x2\nexpect ok\n");
	put(tmp, "unk.mms", "config mem=4M regress=placeholder-demo,"
	    "nope\nthread main:\n\tmmap A 4K anon\nexpect ok\n");
	verdict(tmp, "explore", "wv.mms", "--runs 10", 0,
		"promise held: expect violation wrong-value",
		"an expected violation of that kind is success");
	verdict(tmp, "run", "wv.mms", "", 0,
		"promise held: expect violation wrong-value",
		"run judges the expect line too");
	verdict(tmp, "explore", "ls.mms", "--runs 10", 1,
		"promise broken: expect violation lost-store",
		"a violation of another kind breaks the promise");
	verdict(tmp, "explore", "nov.mms", "--runs 10", 1,
		"promise broken: expect violation (",
		"a missing expected violation is a failure naming it");
	verdict(tmp, "explore", "nov.mms", "--runs 10", 1,
		"nov.mms:6:1", "... with the expect line's file:line:col");
	verdict(tmp, "explore", "ok.mms", "--runs 10", 0,
		"promise held: expect ok", "expect ok, clean: held");
	verdict(tmp, "explore", "bad.mms", "--runs 10", 1,
		"promise broken: expect ok", "expect ok, violated: broken");
	verdict(tmp, "explore", "unk.mms", "", 2,
		"unk.mms:1:40: error: unknown regression 'nope'",
		"config regress= names only catalogued bugs, with file:line:col");
	rc = run(&out, "explore scenarios/cve-2020-29374-vmsplice.mms "
		 "--runs 2000");
	if (!ok(rc == 0 && strstr(out, "switched on by the catalogue") &&
		strstr(out, "promise held: expect violation wrong-value"),
		"a catalogued bug's scenario: the catalogue's switch goes on, "
		"the promise holds"))
		diag("exit %d:\n%s", rc, out);
	free(out);
	rc = run(&out, "explore scenarios/cve-2020-29374-vmsplice.mms "
		 "--runs 200 --regress placeholder-demo");
	if (!ok(rc == 1 && strstr(out, "not switched on") &&
		strstr(out, "promise broken"),
		"... unless --regress chose other switches: then it is "
		"broken, and says why"))
		diag("exit %d:\n%s", rc, out);
	free(out);
#undef BODY
}

/* The totals and failures of two explore results agree? */
static bool same_result(const struct json *a, const struct json *b)
{
	const struct json *fa = json_get(a, "failures"),
			  *fb = json_get(b, "failures");
	size_t n;

	if (!a || !b || !fa || !fb ||
	    json_get_u64(a, "executions", 0) !=
		    json_get_u64(b, "executions", 1) ||
	    json_get_u64(a, "violations", 0) !=
		    json_get_u64(b, "violations", 1) ||
	    json_get_bool(a, "exhausted", 0) !=
		    json_get_bool(b, "exhausted", 1))
		return false;
	n = fa->n < fb->n ? fa->n : fb->n;
	if (!n && (fa->n || fb->n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (json_get_u64(fa->items[i], "index", 0) !=
			    json_get_u64(fb->items[i], "index", 1) ||
		    strcmp(json_get_str(fa->items[i], "schedule", "a"),
			   json_get_str(fb->items[i], "schedule", "b")))
			return false;
	return true;
}

/*
 * docs/scale-out.md: GNU parallel runs 4 shards, mmsim merge joins them,
 * and the result is one process's (random and dfs).
 */
static void test_parallel(const char *tmp)
{
	static const char *const runs[] = {
		"builtin:lost-update --strategy random --runs 400 --keep-going",
		"builtin:lost-update --strategy dfs:2 --keep-going",
	};

	if (system("command -v parallel >/dev/null 2>&1")) {
		for (int i = 0; i < 2; i++)
			skip("GNU parallel over 4 shards",
			     "no GNU parallel (make check installs Debian's "
			     "'parallel' as root; else apt-get install "
			     "parallel)");
		return;
	}
	for (int i = 0; i < 2; i++) {
		char cmd[1024], *one, *merged, err[200];
		struct json *a, *b;
		int rc;

		snprintf(cmd, sizeof(cmd), "rm -f %s/shard-*.json; parallel "
			 "--will-cite -j 4 '%s explore %s --shard {}/4 --json "
			 "> %s/shard-{}.json' ::: 0 1 2 3 >/dev/null 2>&1",
			 tmp, mmsim, runs[i], tmp);
		rc = system(cmd);	/* exit 1 per shard that found one */
		snprintf(cmd, sizeof(cmd), "explore %s --json", runs[i]);
		run(&one, cmd);
		snprintf(cmd, sizeof(cmd), "merge %s/shard-0.json "
			 "%s/shard-1.json %s/shard-2.json %s/shard-3.json "
			 "--json", tmp, tmp, tmp, tmp);
		run(&merged, cmd);
		a = json_parse(one, err, sizeof(err));
		b = json_parse(merged, err, sizeof(err));
		if (!ok(rc >= 0 && same_result(a, b), "GNU parallel, 4 shards "
			"of %s, merged: the result of one process", runs[i]))
			diag("one:\n%.400s\nmerged:\n%.400s", one, merged);
		json_free(a);
		json_free(b);
		free(one);
		free(merged);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_list(const char *tmp)
{
	static const char *const names[] = {
		"zeta.mms", "alpha.mms", "q\"uote.mms", "back\\slash.mms",
		"mid.mms", "tab\there.mms",
	};
	char dir[256], args[512], *out, *want[6];
	char err[200];
	struct json *j;
	int rc;

	snprintf(dir, sizeof(dir), "%s/scn", tmp);
	mkdir(dir, 0700);
	for (int i = 0; i < 6; i++)
		put(dir, names[i], "");
	snprintf(args, sizeof(args), "list --json");
	setenv("MMSIM_SCENARIOS", dir, 1);
	rc = run(&out, args);
	j = json_parse(out, err, sizeof(err));
	for (int i = 0; i < 6; i++)
		asprintf(&want[i], "%s/%s", dir, names[i]);
	qsort(want, 6, sizeof(*want), cmp_str);
	{
		bool same = j && j->type == JSON_ARR && j->n >= 6;

		for (int i = 0; same && i < 6; i++) {
			const char *got = json_get_str(
				j->items[j->n - 6 + i], "name", "");

			same = !strcmp(got, want[i]);
			if (!same)
				diag("entry %d: '%s', want '%s'", i, got,
				     want[i]);
		}
		ok(rc == 0 && same, "list --json: valid JSON with quotes, "
		   "backslashes and tabs in file names, sorted");
	}
	json_free(j);
	free(out);
	rc = run(&out, "list");
	{
		char *p = strstr(out, want[0]);
		bool sorted = p != NULL;

		for (int i = 1; sorted && i < 6; i++) {
			char *q = strstr(p, want[i]);

			sorted = q && q > p;
			p = q;
		}
		ok(rc == 0 && sorted, "list: scenarios in sorted order");
	}
	free(out);
	for (int i = 0; i < 6; i++)
		free(want[i]);
	unsetenv("MMSIM_SCENARIOS");
}

/* The pids whose parent is @ppid (from /proc); how many, at most @max. */
static int children_of(pid_t ppid, pid_t *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) && n < max) {
		char path[300], buf[512], *p;
		FILE *f;
		int pp;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		/* pid (comm) state ppid: comm may hold blanks */
		if (p && (p = strrchr(buf, ')')) &&
		    sscanf(p + 2, "%*c %d", &pp) == 1 && pp == ppid)
			out[n++] = atoi(de->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

static bool alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	/* a zombie (reaped soon by init) has stopped running */
	return p && (p = strrchr(buf, ')')) && p[2] != 'Z';
}

static void sleep_ms(int ms)
{
	nanosleep(&(struct timespec){ ms / 1000, ms % 1000 * 1000000L },
		  NULL);
}

static void test_pdeathsig(void)
{
	pid_t parent = fork(), kids[8];
	int n = 0, left = 0;

	if (parent == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(mmsim, mmsim, "explore", "builtin:locked-counter",
		      "--jobs", "2", "--time", "60", (char *)NULL);
		_exit(127);
	}
	for (int t = 0; t < 100 && n < 2; t++) {
		sleep_ms(20);
		n = children_of(parent, kids, 8);
	}
	kill(parent, SIGKILL);
	waitpid(parent, NULL, 0);
	for (int t = 0; t < 100; t++) {
		left = 0;
		for (int i = 0; i < n; i++)
			left += alive(kids[i]);
		if (!left)
			break;
		sleep_ms(20);
	}
	ok(n == 2 && !left, "--jobs 2: %d workers seen; %d still run 2s "
	   "after the parent was killed", n, left);
	for (int i = 0; i < n; i++)
		if (alive(kids[i]))
			kill(kids[i], SIGKILL);
}

int main(void)
{
	char tmp[64] = "/tmp/t_cli.XXXXXX";

	if (getenv("MMSIM"))
		mmsim = getenv("MMSIM");
	plan(27 + 1 + 5 + 3 + 2 + 10 + 2 + 1);
	if (access(mmsim, X_OK) || !mkdtemp(tmp)) {
		printf("Bail out! no %s (run make first) or no temp dir\n",
		       mmsim);
		return 1;
	}
	test_numbers();
	test_merge(tmp);
	test_json();
	test_list(tmp);
	test_promise(tmp);
	test_parallel(tmp);
	test_pdeathsig();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
		if (system(cmd))
			diag("could not remove %s", tmp);
	}
	return done_testing();
}
