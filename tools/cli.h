/* SPDX-License-Identifier: GPL-2.0 */
/* tools/cli.h - shared between the files of the mmsim command. */
#ifndef TOOLS_CLI_H
#define TOOLS_CLI_H

#include <stdbool.h>

#include "explore/explore.h"

#define EXIT_CLEAN 0		/* nothing found / every bug behaved */
#define EXIT_FOUND 1		/* a violation (or a misbehaving bug) */
#define EXIT_USAGE 2		/* bad usage or input */
#define EXIT_LIMIT 3		/* no violation, but a run hit a model limit */

/* --shard I/N: N at most this (merge keeps one byte per shard) */
#define MAX_SHARDS 65536

/* Everything any verb may be given. */
struct cli {
	const char *verb;
	const char *file;
	const char **files;	/* merge: every positional argument */
	int nr_files;
	struct explore_opts o;
	const char *schedule;
	const char *svg, *html;
	const char *stories;	/* bugs --stories DIR */
	bool trace, shrink, no_shrink, json, tap, placeholder, coverage;
	bool runs_given, time_given, regress_given;
};

/*
 * Budgets without --runs/--time: `explore` samples EXPLORE_RUNS
 * executions; a scenario whose expect line promises a violation, and
 * `mmsim bugs`, search up to HUNT_RUNS for it (the slowest catalogued
 * race, seed 000 on arm64, needs 2,000 - 60,000 with the default search)
 * and stop at the first.
 */
#define EXPLORE_RUNS	10000
#define HUNT_RUNS	400000

/* What a scenario file promises (its expect line); see cli_promise.c. */
struct promise {
	bool has;		/* a .mms file with an expect line */
	int verdict;		/* enum scn_verdict */
	char kind[32];		/* violation kind, or "" */
	char where[300];	/* FILE:LINE:COL of the expect line */
	char regress[64];	/* the bug switch the file shows, or "" */
	const char *regress_from;	/* "its config line", "the catalogue" */
	bool switched;		/* switched on here, from the catalogue */
	bool by_flag;		/* the catalogue's switch, given by --regress */
};

/* Print "mmsim: <msg>" to stderr; returns EXIT_USAGE. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cmd_merge(struct cli *c);
int cmd_bugs(struct cli *c);
/* mmsim kernel FILE: the model against the host kernel (kernel_host.c) */
int cmd_kernel(int argc, char **argv);
/* Read the promise of c->file; switch on the catalogue's bug it shows. */
int promise_load(struct cli *c, struct promise *pr);
/* Say whether @r kept the promise; the exit status (@rc if no promise). */
int promise_judge(struct cli *c, const struct promise *pr,
		  const struct explore_result *r, int rc);

#endif /* TOOLS_CLI_H */
