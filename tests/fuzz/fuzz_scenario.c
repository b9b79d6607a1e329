// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fuzz/fuzz_scenario.c - libFuzzer harness for the .mms front end.
 *
 * For every input: scenario_parse() must return (no crash, hang, leak or
 * UB: ASan+UBSan+LeakSanitizer watch). If it fails, the error must carry
 * a position and a gcc-style line. If it succeeds, the canonical dump
 * must parse again to an equal scenario whose dump is the same text.
 * Any broken property abort()s, which libFuzzer reports as a crash.
 *
 *	make fuzz-scenario FUZZ_TIME=300	(mk/scenario.mk)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"

static void fail(const char *why, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_scenario: %s\n--- first\n%s\n--- second\n%s\n",
		why, a ? a : "(null)", b ? b : "(null)");
	abort();
}

static void check_error(const struct scenario_error *e)
{
	if (e->nr_errors < 1 || e->nr_errors > SCN_MAX_ERRORS || !e->line ||
	    !e->col || !e->msg[0] || strncmp(e->text, "fuzz:", 5) ||
	    !strstr(e->text, ": error: "))
		fail("failed parse without a proper error", e->text, e->msg);
}

/*
 * Most mutations of a whole file are invalid somewhere, which would leave
 * the dumper and the validator's deeper checks rarely reached. So each
 * input is also run as the body of a thread inside this valid context,
 * where a single mutated op line is often a valid scenario.
 */
static const char prelude[] =
	"config mem=64M nodes=2 swap=16M device=16M thp=always\n"
	"process other\n"
	"thread main:\n"
	"\tmmap A 4M anon thp\n"
	"\tmmap B 64K\n"
	"\tpin R A 8K write\n"
	"\tsignal go\n"
	"\tfork child\n"
	"\tspawn k u\n"
	"kthread k:\n"
	"\twait go\n"
	"thread c in child:\n"
	"\tload A\n"
	"thread o in other:\n"
	"\tmmap O 8K\n"
	"thread u:\n"
	"\tload B\n";
static const char postlude[] = "\nexpect ok\n";

/* one - the properties above for one text. */
static void one(const char *text, size_t size)
{
	struct scenario_error e, e2;
	struct scenario *s, *s2;
	char *d1, *d2;

	s = scenario_parse(text, size, "fuzz", &e);
	if (!s) {
		check_error(&e);
		return;
	}
	d1 = scenario_dump_str(s);
	if (!d1)
		fail("dump failed", NULL, NULL);
	s2 = scenario_parse(d1, strlen(d1), "dump", &e2);
	if (!s2)
		fail("the dump does not parse", d1, e2.text);
	if (!scenario_equal(s, s2))
		fail("parse(dump(s)) != s", d1, NULL);
	d2 = scenario_dump_str(s2);
	if (!d2 || strcmp(d1, d2))
		fail("dump is not a fixed point", d1, d2);
	free(d1);
	free(d2);
	scenario_free(s);
	scenario_free(s2);
}

/*
 * salvage - build a valid scenario from the input's lines: starting from
 * the prelude, keep each of the first SALVAGE_LINES lines whose addition
 * still parses. Valid multi-op scenarios then reach the dumper far more
 * often than whole-file mutations do. Returns the final text (malloc'd),
 * which always parses.
 */
#define SALVAGE_LINES 16

static char *salvage(const char *data, size_t size, size_t *len)
{
	size_t np = sizeof(prelude) - 1, nq = sizeof(postlude) - 1, used = np;
	char *buf = malloc(np + size + nq + 1);
	const char *line = data, *end = data + size, *nl;
	struct scenario *s;
	int n;

	if (!buf)
		return NULL;
	memcpy(buf, prelude, np);
	for (n = 0; n < SALVAGE_LINES && line < end; n++, line = nl + 1) {
		nl = memchr(line, '\n', end - line);
		if (!nl)
			nl = end;
		memcpy(buf + used, line, nl - line);
		buf[used + (nl - line)] = '\n';
		memcpy(buf + used + (nl - line) + 1, postlude + 1, nq - 1);
		s = scenario_parse(buf, used + (nl - line) + nq, "salvage",
				   NULL);
		if (s)
			used += (nl - line) + 1;
		scenario_free(s);
	}
	memcpy(buf + used, postlude + 1, nq - 1);
	*len = used + nq - 1;
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t np = sizeof(prelude) - 1, nq = sizeof(postlude) - 1;
	char *buf;

	one((const char *)data, size);
	if (size > 4096)
		return 0;
	buf = malloc(np + size + nq);
	if (!buf)
		return 0;
	memcpy(buf, prelude, np);
	memcpy(buf + np, data, size);
	memcpy(buf + np + size, postlude, nq);
	one(buf, np + size + nq);
	free(buf);
	buf = salvage((const char *)data, size, &np);
	if (buf)
		one(buf, np);
	free(buf);
	return 0;
}
