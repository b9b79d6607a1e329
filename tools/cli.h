/* SPDX-License-Identifier: GPL-2.0 */
/* tools/cli.h - shared between the files of the mmsim command. */
#ifndef TOOLS_CLI_H
#define TOOLS_CLI_H

#include <stdbool.h>

#include "explore/explore.h"

#define EXIT_CLEAN 0		/* nothing found / every bug behaved */
#define EXIT_FOUND 1		/* a violation (or a misbehaving bug) */
#define EXIT_USAGE 2		/* bad usage or input */

/* Everything any verb may be given. */
struct cli {
	const char *verb;
	const char *file;
	const char **files;	/* merge: every positional argument */
	int nr_files;
	struct explore_opts o;
	const char *schedule;
	const char *svg;
	bool trace, shrink, no_shrink, json, tap, placeholder, coverage;
	bool runs_given, time_given;
};

/* Print "mmsim: <msg>" to stderr; returns EXIT_USAGE. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cmd_merge(struct cli *c);
int cmd_bugs(struct cli *c);

#endif /* TOOLS_CLI_H */
