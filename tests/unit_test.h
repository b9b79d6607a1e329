/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/unit_test.h - a test file made of a table of boolean tests over
 * the simulated machine (physmem initialised with its defaults), each a
 * TAP line; and one task run as an execution of its own.
 */
#ifndef MMSIM_TESTS_UNIT_TEST_H
#define MMSIM_TESTS_UNIT_TEST_H

#include <stdbool.h>

#include "arch/physmem.h"
#include "sim/sim.h"
#include "tap.h"

struct unit_test {
	const char *desc;
	bool (*fn)(void);
};

/* Run @n tests of @t, one TAP line each; the exit status. */
static inline int unit_tests_run(const struct unit_test *t, int n)
{
	sim_init();
	if (physmem_init(NULL))
		return 1;
	plan(n);
	for (int i = 0; i < n; i++)
		ok(t[i].fn(), "%s", t[i].desc);
	return done_testing();
}

#define UNIT_TESTS_MAIN(tests)                                             \
	int main(void)                                                     \
	{                                                                  \
		return unit_tests_run(tests,                               \
				      sizeof(tests) / sizeof(tests[0]));   \
	}

/* A fresh execution (no strategy: round-robin). */
static inline void begin(void)
{
	struct sim_config cfg = { 0 };

	sim_exec_begin(&cfg);
}

/* @fn(@arg) as the only task of a fresh execution, run to its end. */
static inline struct sim_result run_task(sim_task_fn fn, void *arg)
{
	struct sim_result r;

	begin();
	sim_task_create("t", fn, arg);
	sim_exec_run(&r);
	return r;
}

#endif /* MMSIM_TESTS_UNIT_TEST_H */
