/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explore/program.h - what the explorer runs: a program is a setup that
 * creates tasks, an optional end-of-execution check, and an optional
 * timeline for reports. Scenarios (.mms files, through the runner that
 * registers itself with program_set_scenario_loader) and C programs (the
 * builtin:NAME demos, tests) plug in the same way.
 */
#ifndef EXPLORE_PROGRAM_H
#define EXPLORE_PROGRAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/sim.h"

struct mm_struct;

struct mmsim_program {
	const char *name;	/* shown in reports; a scenario's file name */
	const char *path;	/* file to name in replay commands, or NULL */
	const char *what;	/* one line for `mmsim list`, or NULL */
	/* After sim_exec_begin: create tasks, set up state. */
	void (*setup)(void *arg);
	/* After sim_exec_run returned OK: oracles, through sim_violation. */
	void (*check)(void *arg);
	/* Optional: timeline of what the program touched, for reports. */
	void (*describe)(void *arg, FILE *out);
	/*
	 * Optional, for stories (explore/story.c): the op task @task is
	 * running, as "store A+0x2000 0x4 (file.mms:12)", a string that
	 * lives as long as the program; NULL if none. No yield point.
	 */
	const char *(*task_op)(void *arg, int task);
	/* Optional, for stories: the process owning @mm ("parent") and a
	 * name for @va in it ("A+0x2000"). No yield point. */
	void (*name_va)(void *arg, struct mm_struct *mm, unsigned long va,
			char *proc, size_t plen, char *where, size_t wlen);
	void *arg;
	uint64_t max_steps;	/* 0: the scheduler's default */
};

/* A loader for files the explorer does not know (.mms): NULL + @err. */
typedef struct mmsim_program *(*program_loader_fn)(const char *path,
						    char *err, size_t errlen);

/*
 * program_load - the program at @path: "builtin:NAME", or a scenario file
 * handed to the registered scenario loader. Returns NULL and a one-line
 * reason in @err when it cannot. The program lives until process exit.
 */
struct mmsim_program *program_load(const char *path, char *err,
				   size_t errlen);
/* The scenario runner registers itself here (NULL: none). */
void program_set_scenario_loader(program_loader_fn fn);

/* The builtin demo programs, for `mmsim list`: NULL past the end. */
const struct mmsim_program *program_builtin(int i);

/*
 * program_exec - one execution of @p under @cfg: sim_exec_begin, setup,
 * sim_exec_run, then check if it ran clean. The strategy's end() is called
 * once, after the check, with the final result. Returns res->outcome.
 */
enum sim_outcome program_exec(const struct mmsim_program *p,
			      const struct sim_config *cfg,
			      struct sim_result *res);

#endif /* EXPLORE_PROGRAM_H */
