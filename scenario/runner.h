/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario/runner.h - turns a parsed scenario into a program the explorer
 * runs: one task per thread, ops as calls into mm/, every user-visible
 * result judged by the value oracle (check/oracle.h), the structural
 * invariants checked at the end.
 */
#ifndef SCENARIO_RUNNER_H
#define SCENARIO_RUNNER_H

#include <stddef.h>

struct scenario;
struct mmsim_program;

/*
 * scenario_program - a program running @s (which it keeps). NULL, with a
 * "file:line:col: error: ..." message in @err, if @s uses an op or a
 * config the model does not have yet.
 */
struct mmsim_program *scenario_program(struct scenario *s, char *err,
				       size_t errlen);

/* scenario_program_free - free a program made by scenario_program(), and
 * its scenario. Not while it runs. */
void scenario_program_free(struct mmsim_program *p);

/* scenario_program_load - parse @path and build its program (the loader
 * the explorer calls for .mms files). */
struct mmsim_program *scenario_program_load(const char *path, char *err,
					    size_t errlen);

/* Register scenario_program_load with the explorer. */
void scenario_runner_register(void);

#endif /* SCENARIO_RUNNER_H */
