// SPDX-License-Identifier: GPL-2.0
/*
 * tools/mmsim.c - the mmsim command line.
 */
#include <stdio.h>
#include <string.h>

#include "sim/sim.h"

static int usage(FILE *f)
{
	fprintf(f,
		"usage: mmsim <command> [args]\n"
		"  bugs            hunt the catalogue of historical kernel races\n"
		"  version         print the version\n");
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))
		return usage(stdout);
	if (!strcmp(argv[1], "bugs")) {
		/* the catalogue fills in as the mm layers land (docs/bugs.md) */
		printf("mmsim bugs: 0 regressions catalogued so far; nothing "
		       "to hunt\n");
		return 0;
	}
	if (!strcmp(argv[1], "version")) {
		printf("mmsim 0.1\n");
		return 0;
	}
	fprintf(stderr, "mmsim: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
