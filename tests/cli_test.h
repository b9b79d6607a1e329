/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/cli_test.h - what t_cli and t_explore_cli share: run the mmsim
 * binary as a user does (./mmsim, or $MMSIM) and capture what it says.
 */
#ifndef MMSIM_TESTS_CLI_TEST_H
#define MMSIM_TESTS_CLI_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static const char *mmsim = "./mmsim";

/* Run "mmsim @args" (stderr too); output in a malloc'd *out; exit code. */
static int run(char **out, const char *args)
{
	char cmd[4096], *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", mmsim, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	do {
		if (len + 4096 > cap)
			buf = realloc(buf, cap = cap ? 2 * cap : 8192);
		n = fread(buf + len, 1, cap - len - 1, p);
		len += n;
	} while (n);
	buf[len] = 0;
	st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif /* MMSIM_TESTS_CLI_TEST_H */
