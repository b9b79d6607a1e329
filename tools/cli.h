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
	bool no_proof;		/* explore: no bounded proof after a clean run */
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
/*
 * The proof ladder's budget (cli_proof.c): per bug in `mmsim bugs`, and
 * after a clean default `mmsim explore` without --runs/--time (with them,
 * at most the sampling's own executions and events again). In executions
 * and events, not seconds: the claims are then the same on every
 * machine, loaded or idle. Every DPOR proof of the catalogue fits (the
 * largest, swapin-skip-swapcache-aba's dpor:3, is 34 million events);
 * page-ref-unfreeze-relaxed's dfs:3 (136,078 executions of 1,478 events,
 * 19 s) does not.
 */
#define PROOF_EXECS	200000
#define PROOF_STEPS	60000000ULL

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


/*
 * The bounded proof of a clean result (cli_proof.c): the DPOR ladder
 * (else the dfs one) within @execs executions and @steps events (no
 * execution starts past them; a rung the next one would not fit is not
 * started).
 */
struct proof {
	const char *proved;	/* the largest rung exhausted clean, or NULL */
	uint64_t proved_execs;	/* its executions */
	const char *unfinished;	/* the rung the budget ended unexhausted */
	const char *failed;	/* the rung that found a failure: in found */
	struct explore_result found;	/* (the caller frees it) */
	uint64_t execs, steps;	/* of every rung run */
};
/* Run one rung: explore under @o (its strategy is @rung) into @r. */
typedef void (*proof_rung_fn)(void *ctx, const struct explore_opts *o,
			      const char *rung, struct explore_result *r);
void proof_ladder(proof_rung_fn run, void *ctx, const struct explore_opts *o,
		  uint64_t execs, uint64_t steps, struct proof *pf);
/* "to 2 preemptions", "to 3 preemptions (dfs)", "every schedule" for a
 * proved rung; NULL for none. */
const char *proof_claim(const char *proved, char *buf, size_t n);
/* A rung as a small number (for a pipe) and back: -1 and NULL for none. */
int proof_rung_index(const char *rung);
const char *proof_rung(int i);
#endif /* TOOLS_CLI_H */
