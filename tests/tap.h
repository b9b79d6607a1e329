/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/tap.h - TAP 13 for C tests, kselftest style.
 *
 *	plan(3);
 *	ok(cond, "Property that holds");
 *	is_int(got, want, "What must be equal");
 *	skip("reason"); xfail(cond, "name", "reason");
 *	return done_testing();
 */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed, tap_planned;

static inline void plan(int n)
{
	tap_planned = n;
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
}

/* diag - a comment line; every line of a multi-line message gets "# ". */
static inline void diag(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (char *line = buf, *nl; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = 0;
		printf("# %s\n", line);
	}
	fflush(stdout);
}

static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define is_int(got, want, ...)                                             \
	({                                                                 \
		long long __g = (long long)(got), __w = (long long)(want); \
		int __r = ok(__g == __w, __VA_ARGS__);                     \
		if (!__r)                                                  \
			diag("  got %lld, want %lld", __g, __w);           \
		__r;                                                       \
	})

static inline void skip(const char *name, const char *reason)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_n, name, reason);
}

/* done_testing - the exit status; prints a trailing plan if none was given. */
static inline int done_testing(void)
{
	if (!tap_planned)
		printf("1..%d\n", tap_n);
	if (tap_planned && tap_n != tap_planned)
		diag("planned %d tests, ran %d", tap_planned, tap_n);
	fflush(stdout);
	return tap_failed || (tap_planned && tap_n != tap_planned);
}

#endif /* TESTS_TAP_H */
