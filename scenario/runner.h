/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario/runner.h - turns a parsed scenario into a program the explorer
 * runs: one task per thread, ops as calls into mm/, every user-visible
 * result judged by the value oracle (check/oracle.h), the structural
 * invariants checked at the end.
 */
#ifndef SCENARIO_RUNNER_H
#define SCENARIO_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scenario;
struct scn_op;
struct mm_struct;
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

/*
 * Observing an execution (mmsim kernel, tools/kernel_host.c): before each
 * op a thread runs, the hook is called with @r NULL; after it (after an
 * `exit` op: once the process is gone), with what the op saw. Both calls
 * run in that thread, with no yield point of their own.
 */
struct scenario_op_result {
	bool faulted;		/* a `faults` access faulted */
	bool has_value;		/* a load: the value it read */
	uint64_t value;
};
typedef void (*scenario_op_hook)(void *arg, const struct scn_op *op,
				 int proc, const struct scenario_op_result *r);
/* scenario_set_op_hook - observe every op of later executions (NULL: stop) */
void scenario_set_op_hook(scenario_op_hook fn, void *arg);
/* During an execution: process @p's mm (NULL: not created yet, or gone),
 * and where region @g is in it. */
struct mm_struct *scenario_proc_mm(int p);
unsigned long scenario_region_addr(int p, int g);
/* The SCN_PM_* bits of a pagemap entry, kpageflags word, PMD mapping. */
unsigned int scenario_pagemap_bits(uint64_t pme, uint64_t kflags,
				   bool pmd_mapped);

/*
 * runner.c's own, declared here so that its trace-keyed lines stay put:
 * what the oracle follows of a private file mapping's pages under pins,
 * fills and stores (runner.c, "private file pages").
 */
struct oracle_op;
struct rhandle;
void runner_pin_begin(struct rhandle *rh, const struct scn_op *op, int p,
		      unsigned long start, int n);
int runner_pin_page(const struct scn_op *op, int p, int i, unsigned long pva,
		    bool shared, unsigned long *ova, int *alt);
void runner_pin_end(struct rhandle *rh, const struct scn_op *op, int p);
struct oracle_op *runner_fill_begin(const struct scn_op *op, int p,
				    unsigned long va, unsigned long len);
void runner_fill_end(const struct scn_op *op, struct oracle_op *h);
int runner_store_target(const struct scn_op *op, int p, unsigned long va,
			unsigned long *ova);
void runner_cow_unfollow(const struct scn_op *op, int p, unsigned long va);

/* May a DMA write through pin handle @h be lost to reclaim? (runner.c) */
bool runner_dma_may_be_lost(long h);
/* Does the scenario's text reclaim? (runner.c) */
bool runner_text_reclaims(void);

#endif /* SCENARIO_RUNNER_H */
