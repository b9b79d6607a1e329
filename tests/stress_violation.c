// SPDX-License-Identifier: GPL-2.0
/*
 * tests/stress_violation.c - violations from many threads: the first one is
 * recorded whole, the others are counted out, nothing crashes.
 *
 * Properties:
 *  - when task 0 reports first and the others pile in afterwards, the
 *    result carries task 0's message, task and site;
 *  - a storm of simultaneous reports yields one coherent record (its
 *    message names the task the result names);
 *  - a limit after a violation does not replace it; a limit alone gives
 *    SIM_LIMIT;
 *  - reporting outside any task works, and a new execution starts clean.
 * Well under a second.
 */
#include <stdio.h>
#include <string.h>

#include "tests/stress_util.h"

#define NTASKS 8

static int first_done, barrier;

static void reporter(void *arg)
{
	int id = sim_task_id();

	if (id == 0) {
		sim_violation("first from task %d", id);
		__atomic_store_n(&first_done, 1, __ATOMIC_SEQ_CST);
	} else {
		await_flag(&first_done);
		for (int i = 0; i < 100; i++)
			sim_violation("later from task %d (%d)", id, i);
	}
	sim_limit("limit from task %d", id);
}

static void storm(void *arg)
{
	start_barrier(&barrier, NTASKS);
	for (int i = 0; i < 200; i++)
		sim_violation("storm from task %d", sim_task_id());
}

static void limit_only(void *arg)
{
	sim_limit("out of frames in task %d", sim_task_id());
}

int main(void)
{
	struct sim_result res;
	char want[64];
	int task;

	plan(8);
	sim_init();

	run_n(NTASKS, "reporter", reporter, NULL, &res);
	is_int(res.outcome, SIM_VIOLATION,
	       "several reporters, limits after: the outcome stays a violation");
	ok(!strcmp(res.msg, "first from task 0") && res.fail_task == 0,
	   "the first violation is the one recorded: %s", res.msg);
	ok(res.fail_site && !strcmp(res.fail_site->func, "reporter"),
	   "the recorded site is the reporter's");

	barrier = 0;
	run_n(NTASKS, "storm", storm, NULL, &res);
	task = res.fail_task;
	snprintf(want, sizeof(want), "storm from task %d", task);
	ok(res.outcome == SIM_VIOLATION && !strcmp(res.msg, want),
	   "a storm of reports leaves one coherent record: %s", res.msg);

	run_n(2, "limit", limit_only, NULL, &res);
	is_int(res.outcome, SIM_LIMIT, "a limit alone ends as SIM_LIMIT");
	ok(!strncmp(res.msg, "out of frames", 13), "with its message: %s",
	   res.msg);

	exec_begin(9);
	sim_violation("outside any task");
	sim_exec_run(&res);
	ok(res.outcome == SIM_VIOLATION && res.fail_task == -1,
	   "a violation outside any task is recorded with task -1");

	exec_begin(10);
	sim_exec_run(&res);
	ok(res.outcome == SIM_OK && res.fail_task == -1 && !res.msg[0],
	   "a new execution starts clean");

	return done_testing();
}
