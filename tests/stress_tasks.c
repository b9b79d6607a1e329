// SPDX-License-Identifier: GPL-2.0
/*
 * tests/stress_tasks.c - stress-mode task lifecycle.
 *
 * Properties:
 *  - task ids follow creation order, names and task data round-trip, and
 *    each task is its own CPU;
 *  - a task created by a running task starts at once and is joined;
 *  - sim_task_exit ends a task midway; its state becomes DONE;
 *  - creating more than SIM_MAX_TASKS tasks returns -1 and is a limit;
 *  - reset hooks run at every sim_exec_begin, sim_running is true only
 *    inside sim_exec_run;
 *  - a task that ends holding a lock or with interrupts disabled is
 *    reported;
 *  - no schedule and no trace in stress mode.
 * Well under a second.
 */
#include <string.h>

#include "tests/stress_util.h"

static int ids_ok = 1, child_ran, after_exit, running_inside;
static int data_vals[4];

static void child(void *arg)
{
	__atomic_store_n(&child_ran, 1, __ATOMIC_SEQ_CST);
}

static void basic(void *arg)
{
	int id = sim_task_id();

	if (id != (int)(intptr_t)arg || smp_processor_id() != id ||
	    sim_task_data(id) != &data_vals[id])
		__atomic_store_n(&ids_ok, 0, __ATOMIC_SEQ_CST);
	if (sim_running())
		__atomic_add_fetch(&running_inside, 1, __ATOMIC_SEQ_CST);
	if (id == 0)
		sim_task_create("child", child, NULL);
	if (id == 1) {
		sim_task_exit();
		after_exit = 1; /* never reached */
	}
}

static void idle(void *arg)
{
}

static int resets;

static void reset_hook(void)
{
	resets++;
}

static spinlock_t lk;

static void ends_holding(void *arg)
{
	spin_lock(&lk);
}

static void ends_irqs_off(void *arg)
{
	local_irq_disable();
}

int main(void)
{
	struct sim_result res;
	int limit_id = 0;
	struct sim_event ev[4];

	plan(11);
	sim_init();
	sim_on_reset(reset_hook);

	exec_begin(1);
	for (int i = 0; i < 4; i++) {
		int id = sim_task_create("basic", basic, (void *)(intptr_t)i);

		sim_task_set_data(id, &data_vals[id]);
	}
	ok(!sim_running() && sim_nr_tasks() == 4 &&
		   sim_task_state(0) == SIM_TASK_RUNNABLE,
	   "tasks are registered before the run, runnable");
	sim_exec_run(&res);
	ok(ids_ok && !strcmp(sim_task_name(2), "basic"),
	   "ids follow creation order; names and data round-trip; CPU == id");
	ok(child_ran && sim_nr_tasks() == 5,
	   "a task created by a running task runs and is joined");
	ok(!after_exit && sim_task_state(1) == SIM_TASK_DONE,
	   "sim_task_exit ends the task");
	ok(running_inside == 4 && !sim_running(),
	   "sim_running is true only while tasks run");
	is_int(res.outcome, SIM_OK, "a clean run is SIM_OK");

	exec_begin(2);
	for (int i = 0; i <= SIM_MAX_TASKS && limit_id >= 0; i++)
		limit_id = sim_task_create("idle", idle, NULL);
	sim_exec_run(&res);
	ok(limit_id == -1 && res.outcome == SIM_LIMIT,
	   "task %d is one too many: -1 and a limit", SIM_MAX_TASKS);

	spin_lock_init(&lk);
	exec_begin(3);
	sim_task_create("holder", ends_holding, NULL);
	sim_exec_run(&res);
	ok(res.outcome == SIM_VIOLATION && strstr(res.msg, "holding lk"),
	   "ending with a lock held is reported: %s", res.msg);

	exec_begin(4);
	sim_task_create("irqoff", ends_irqs_off, NULL);
	sim_exec_run(&res);
	ok(res.outcome == SIM_VIOLATION && strstr(res.msg, "interrupts"),
	   "ending with interrupts disabled is reported: %s", res.msg);

	is_int(resets, 4, "reset hooks run at each sim_exec_begin");
	ok(!sim_schedule()[0] && sim_trace_tail(ev, 4) == 0,
	   "stress mode has no schedule and no trace");

	return done_testing();
}
