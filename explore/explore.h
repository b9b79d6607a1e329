/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explore/explore.h - the explorer: strategies beyond sim's (bounded-
 * preemption DFS, schedule-guided replay), the driver that runs many
 * executions of a program (shards, forked jobs, time and run budgets),
 * shrinking of failing schedules, and reports (text, JSON, TAP, SVG).
 *
 * An execution is a function of (program, strategy, seed, index): random
 * and PCT execution i is seeded sim_exec_seed(seed, i); DFS execution k is
 * the k-th leaf of the schedule tree in depth-first order. Every failure
 * carries its schedule string, which replays it exactly.
 */
#ifndef EXPLORE_EXPLORE_H
#define EXPLORE_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "explore/program.h"
#include "sim/sim.h"

/* ---- dfs.c: bounded-preemption depth-first search ---- */

struct dfs;

/*
 * dfs_new - a DFS over every schedule with at most @bound preemptions,
 * restricted to shard @shard of @nr_shards (1 shard: all of it). The
 * partition: the first execution (every choice the non-preemptive
 * default) and the subtrees that branch off it, numbered 1, 2, ... in
 * DFS order, go to shard (number mod nr_shards).
 */
struct dfs *dfs_new(unsigned bound, unsigned shard, unsigned nr_shards);
void dfs_free(struct dfs *d);
/* The strategy to put in sim_config; begin() restarts at the root path. */
struct sim_strategy *dfs_strategy(struct dfs *d);
/* After an execution: move to the next one. False when the tree is done. */
bool dfs_next(struct dfs *d);
/* Does the execution about to run (or just run) belong to our shard? */
bool dfs_owned(const struct dfs *d);
/* Its position in the unsharded DFS order (comparable across shards). */
uint64_t dfs_order_key(const struct dfs *d);
/* Non-NULL if the program behaved differently on the same choices. */
const char *dfs_error(const struct dfs *d);

/* ---- dpor.c: source-DPOR with sleep sets (Abdulla et al., POPL 2014) ---- */

struct dpor;

/*
 * dpor_new - an exploration of one execution per Mazurkiewicz trace of
 * the program under the dependence relation of dpor.c (built on
 * sim_access_conflict()), restricted to schedules with at most @bound
 * preemptions (UINT_MAX: none). One process only: its backtrack sets
 * grow as it runs, so it does not split into shards.
 */
struct dpor *dpor_new(unsigned bound);
/*
 * dpor_new_finder - the same, but under a bound it keeps its sleep sets:
 * fewer executions, and no proof (the bound makes equivalent schedules
 * unequal, so a sleeping branch may have pruned what another could take:
 * explore/dpor.c). For finding races (the default's ladder), never for a
 * clean claim. Unbounded, it is dpor_new.
 */
struct dpor *dpor_new_finder(unsigned bound);
void dpor_free(struct dpor *d);
/* The strategy to put in sim_config; begin() replays from the root. */
struct sim_strategy *dpor_strategy(struct dpor *d);
/* After an execution: races, backtrack sets, the next execution. False
 * when every trace has been explored (exhausted). */
bool dpor_next(struct dpor *d);
/* Was the execution that just ran sleep-set blocked (cut short as
 * redundant; not a complete execution, not to be counted)? */
bool dpor_blocked(const struct dpor *d);
/* Sleep-set-blocked executions so far (counted apart). */
uint64_t dpor_blocked_executions(const struct dpor *d);
/* Non-NULL if the program behaved differently on the same choices. */
const char *dpor_error(const struct dpor *d);
/*
 * Tests only: when set, each dpor_next() rebuilds its object index from
 * the first event instead of taking out and putting back only the events
 * after the replayed prefix (the schedules must be the same either way).
 */
extern bool dpor_rebuild_index;

/* ---- guided.c: follow a schedule string, then the default ---- */

/*
 * A strategy that replays @schedule exactly as sim's cfg.replay does (when
 * it runs out: the current task while it can run, else the lowest
 * runnable) and counts preemptions. Divergence (the string names a task
 * that cannot run) is recorded, not fatal: guided_diverged().
 */
struct sim_strategy *guided_strategy(const char *schedule);
unsigned guided_preemptions(void);
bool guided_diverged(void);
/* Choices the last guided execution made after its string ran out (the
 * schedule was truncated); *@choices: all its choices. */
uint64_t guided_defaulted(uint64_t *choices);

/* Preemptions in the schedule of @p replayed from @schedule; -1: diverged */
int schedule_preemptions(const struct mmsim_program *p, const char *schedule,
			 struct sim_result *res);

/* ---- pos.c: partial order sampling (Yuan, Yang & Gu, CAV 2018) ---- */

/* The POS strategy (one object; begin() seeds it per execution). */
struct sim_strategy *pos_strategy(void);
/* POS whose new events that race with no pending event keep their task's
 * priority but with probability @fresh64/64 ("pos:F"; 64 = "pos"). */
struct sim_strategy *pos_strategy_fresh(unsigned fresh64);
/* Priority reassignments (step 3) in the current execution. */
uint64_t pos_reassignments(void);
/* Task @t's current priority (0: none yet); for tests. */
uint64_t pos_priority(int t);
/* Does task @t's next event race with the next event of another runnable
 * task (pos:F's and vpos's rule for keeping a task's priority)? */
bool pos_racing_pending(const struct sim_sched_view *v, int t);

/* ---- vpos.c: POS over the events another task can see ---- */

struct mmsim_program;
/* Learn which (site, task) accesses touch shared objects: one rr and
 * a fixed number of random probe executions of @p, seeded from @seed. */
void vpos_learn(const struct mmsim_program *p, uint64_t seed);
/* The strategy (one object; uses what vpos_learn learned last). */
struct sim_strategy *vpos_strategy(void);
/* (site, task) keys the probes saw, and those marked shared. */
void vpos_stats(unsigned *seen, unsigned *shared);

/* ---- rff.c: reads-from fuzzing (feedback-guided race reversal) ---- */

/* Empty the corpus and the coverage; seed the mutations. */
void rff_reset(uint64_t seed);
/* The strategy (one object; its corpus lives across executions). */
struct sim_strategy *rff_strategy(void);
/* Executions added to the corpus, mutations run and restarts (rff.c:
 * the corpus dropped after 2,000, then 4,000, ... executions), since
 * the reset. */
void rff_stats(uint64_t *corpus, uint64_t *mutated, uint64_t *restarts);

/* ---- explore.c: the driver ---- */

struct explore_opts {
	/* "default" (NULL: the same), "pos", "random", "pct:D", "dfs:P",
	 * "dpor[:P]", "rr" */
	const char *strategy;
	uint64_t runs;		/* 0: until time, exhaustion or violation */
	double time_limit;	/* seconds; 0: none */
	uint64_t seed;
	bool keep_going;	/* do not stop at the first failure */
	unsigned shard, nr_shards;	/* I/N; nr_shards 0 means 1 */
	unsigned jobs;		/* forked workers; 0 means 1 (in-process) */
	bool progress;		/* progress line on stderr if it is a tty */
	size_t max_failures;	/* failures kept in detail (0: 64) */
	/* in-process only (jobs <= 1): called after each owned execution
	 * (which kept no trace ring: sim_config.no_trace_ring; a report
	 * replays its schedule) */
	void (*on_exec)(void *ctx, uint64_t index, const char *schedule,
			const struct sim_result *r);
	void *ctx;
	/* 0: none; else no execution starts once those run had this many
	 * events (a step budget: the last one may pass it) */
	uint64_t max_steps;
	/* in-process only (jobs <= 1): race-window coverage collected here */
	struct coverage *coverage;
};

/* One failing execution. */
struct explore_failure {
	uint64_t index;		/* random/pct: execution i; dfs: order key */
	uint64_t seed;		/* the execution's seed (random/pct) */
	enum sim_outcome outcome;
	uint64_t trace_hash, steps;
	char *schedule;
	char *msg;
	char *task;		/* failing task's name, "main" for checks */
	char *site_label, *site_func, *site_file;
	int site_line;
	char *shrunk;		/* a smaller schedule failing the same way */
	char *member;		/* the default's member that ran it, or NULL */
};

struct explore_result {
	uint64_t executions;	/* owned executions run */
	uint64_t steps;		/* their events, in all (the work done) */
	uint64_t failures;	/* of which did not end SIM_OK */
	uint64_t outcomes[SIM_LIMIT + 1];
	bool exhausted;		/* dfs: every schedule in the bound was run;
				 * dpor: every trace in the bound was */
	uint64_t sleep_blocked;	/* dpor: redundant executions cut short */
	bool timed_out;
	double elapsed;		/* seconds */
	struct explore_failure *fail;	/* in index order */
	size_t nr_fail, cap_fail;
	char error[256];	/* bad options or program, when non-empty */
	/*
	 * The bounded proof `mmsim explore` tries after a clean default run
	 * (tools/cli_proof.c); report_explore_json prints it when tried.
	 */
	bool proof_tried;
	const char *proof;	/* the largest rung exhausted clean, or NULL */
	uint64_t proof_execs;	/* that rung's executions */
	const char *proof_unfinished;	/* the rung the budget ended */
	uint64_t proof_total;	/* executions of every rung */
	uint64_t proof_steps;	/* ... and their events */
};

/*
 * explore - run executions of @p as @o says; fill @r. Returns 0 when no
 * execution failed, 1 when one found a violation (or deadlock, livelock),
 * 3 when the only failures hit a model limit (the run could not judge
 * them: SIM_LIMIT), 2 on bad options (r->error says why).
 */
int explore(const struct mmsim_program *p, const struct explore_opts *o,
	    struct explore_result *r);
/* How many of @r's failures hit a model limit (SIM_LIMIT). */
uint64_t explore_nr_limits(const struct explore_result *r);
void explore_result_free(struct explore_result *r);
/* Add @f (copied) to @r, keeping index order and at most @max entries. */
void explore_add_failure(struct explore_result *r,
			 const struct explore_failure *f, size_t max);
/* Fill @f from the execution that just ended (strings are malloc'd). */
void explore_failure_from(struct explore_failure *f, uint64_t index,
			  uint64_t seed, const struct sim_result *res);
/* Check a strategy name; 0 if valid, else -1 with a reason in @err. */
int explore_parse_strategy(const char *name, char *err, size_t errlen);
/* @strategy as printed: "default" when NULL. */
const char *explore_strategy_name(const char *strategy);
/* The strategy that ran execution @index: a portfolio member ("pos",
 * "pct:3", ...) under "default", else the strategy itself. */
const char *explore_member(const char *strategy, uint64_t index);

/* ---- coverage.c: race-window coverage ---- */

struct coverage;

struct coverage *coverage_new(void);
void coverage_free(struct coverage *c);
/* A strategy that runs @inner and counts, for every labelled window a
 * task stands in, arrivals and conflicting accesses by other tasks. */
struct sim_strategy *coverage_wrap(struct coverage *c,
				   struct sim_strategy *inner);
/* The table: each window reached, how often raced; the never raced. */
void coverage_print(FILE *out, const struct coverage *c);
/* The same as a JSON array of {label, file, line, reached, raced}. */
void coverage_json(FILE *out, const struct coverage *c);
/* Arrivals (raced false) or races (true) at windows labelled @label. */
uint64_t coverage_count(const struct coverage *c, const char *label,
			bool raced);

/* ---- shrink.c ---- */

struct shrink_stats {
	unsigned preempts_before, preempts_after;
	uint64_t steps_before, steps_after;
	size_t len_before, len_after;
	unsigned attempts;	/* replays tried */
};

/*
 * shrink_schedule - a schedule no larger than @schedule (fewer
 * preemptions, runs and choices) that still ends @p with the same outcome
 * and the same message up to numbers. Returns a malloc'd string (a copy
 * of @schedule if nothing smaller fails the same way), NULL if @schedule
 * itself does not reproduce the failure.
 */
char *shrink_schedule(const struct mmsim_program *p, const char *schedule,
		      unsigned max_attempts, struct shrink_stats *st);
/* Same outcome and the same message with every digit run ignored? */
bool same_failure(const struct sim_result *a, const struct sim_result *b);

/* ---- report.c ---- */

/* Regression switches on, as "--regress A --regress B" (for commands). */
const char *report_regress_flags(void);
/* The exact command that replays @schedule of @p. */
void report_replay_cmd(FILE *out, const struct mmsim_program *p,
		       const char *schedule);
/*
 * report_failure - replay @schedule of @p and print what was violated,
 * by whom and where, the schedule, the last @tail events of the trace,
 * the program's timeline, and the replay command. @how says how it was
 * found ("execution 17 of random seed 0"), or NULL.
 */
void report_failure(FILE *out, const struct mmsim_program *p,
		    const char *schedule, const char *how, size_t tail);
/* Print the execution's trace (the last @n events) as a table. */
void report_trace(FILE *out, size_t n);
/* Replay @schedule of @p and draw its story (explore/svg.c): one lane
 * per task and per page involved, time flowing down. 0 on success. */
int report_svg(FILE *out, const struct mmsim_program *p,
	       const char *schedule, const struct sim_result *res);
/* The same picture and the story's text in one self-contained HTML file. */
int report_html(FILE *out, const struct mmsim_program *p,
		const char *schedule);
/* The explore result as JSON (one object, newline-terminated). */
void report_explore_json(FILE *out, const struct mmsim_program *p,
			 const struct explore_opts *o,
			 const struct explore_result *r);
/* The explore result as TAP: one line per failure, or one ok line. */
void report_explore_tap(FILE *out, const struct mmsim_program *p,
			const struct explore_opts *o,
			const struct explore_result *r);
/*
 * What an exhausted exhaustive run (dfs, dpor) covered, for humans and
 * JSON: "every schedule (up to 2 preemptions) covered", "every schedule
 * covered"; NULL when @r is not exhausted or @strategy is not one.
 */
const char *report_coverage(const char *strategy,
			    const struct explore_result *r);
/* JSON string literal of @s (quoted, escaped). */
void json_str(FILE *out, const char *s);

#endif /* EXPLORE_EXPLORE_H */
