// SPDX-License-Identifier: GPL-2.0
/*
 * tests/stress_ipi.c - stress-mode IPIs reach every CPU, exactly once, and
 * a CPU with interrupts disabled holds the sender up (the TLB-shootdown
 * property GUP-fast relies on).
 *
 * Properties:
 *  - every task sends rounds of smp_call_function_many to all the others
 *    at once: each CPU runs each call exactly once, never its own, and
 *    nobody deadlocks (waiting senders take IPIs);
 *  - a running CPU runs the handler itself; a CPU whose task has ended, or
 *    that has no task, is serviced by the sender, with the cpu argument
 *    and smp_processor_id() naming the target;
 *  - with the target's interrupts disabled, the order is: target enables,
 *    then the handler runs, then smp_call_function_many returns;
 *  - a target spinning on a spinlock the sender holds still answers;
 *  - smp_call_function_many with interrupts disabled is a violation.
 * Well under a second, also under TSan.
 */
#include "tests/stress_util.h"

#define NCPUS 5
#define ROUNDS 300

static int hits[SIM_MAX_CPUS], wrong_cpu, barrier, senders_done;

static void count_hit(int cpu, void *info)
{
	if (cpu != smp_processor_id() || !irqs_disabled())
		__atomic_store_n(&wrong_cpu, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&hits[cpu], 1, __ATOMIC_SEQ_CST);
}

static void all_to_all(void *arg)
{
	cpumask_t mask = { (1ULL << NCPUS) - 1 };

	start_barrier(&barrier, NCPUS);
	for (int r = 0; r < ROUNDS; r++)
		smp_call_function_many(&mask, count_hit, NULL);
	/* Keep answering until every sender is finished. */
	__atomic_add_fetch(&senders_done, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&senders_done, __ATOMIC_SEQ_CST) < NCPUS)
		sim_stress_delay();
}

/* Who ran the handler, for which cpu. */
static int ran_by[SIM_MAX_CPUS], ran_cpu[SIM_MAX_CPUS];
static int early_end;

static void record_runner(int cpu, void *info)
{
	ran_by[cpu] = sim_task_id() + 1;
	ran_cpu[cpu] = smp_processor_id() + 1;
}

static void ends_early(void *arg)
{
	__atomic_store_n(&early_end, 1, __ATOMIC_SEQ_CST);
}

static int spin_target_go, spin_target_stop;

static void spins_on_yield_points(void *arg)
{
	__atomic_store_n(&spin_target_go, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&spin_target_stop, __ATOMIC_SEQ_CST))
		sim_stress_delay();
}

static void who_serves(void *arg)
{
	cpumask_t mask = { 0 };

	/* CPU 1 ended, CPU 2 runs, CPU 7 has no task. */
	while (sim_task_state(1) != SIM_TASK_DONE)
		sched_yield();
	await_flag(&spin_target_go);
	cpumask_set_cpu(1, &mask);
	cpumask_set_cpu(2, &mask);
	cpumask_set_cpu(7, &mask);
	smp_call_function_many(&mask, record_runner, NULL);
	__atomic_store_n(&spin_target_stop, 1, __ATOMIC_SEQ_CST);
}

/* ---- ordering with interrupts disabled ---- */

static uint64_t seqno, at_enable, at_handler, at_return;
static int target_irqs_off, handler_cpu = -1;

static void order_handler(int cpu, void *info)
{
	at_handler = __atomic_add_fetch(&seqno, 1, __ATOMIC_SEQ_CST);
	handler_cpu = sim_task_id();
}

static void irqoff_target(void *arg)
{
	local_irq_disable();
	__atomic_store_n(&target_irqs_off, 1, __ATOMIC_SEQ_CST);
	/* Yield points with irqs off must not take the IPI. */
	for (int i = 0; i < 2000; i++) {
		sim_stress_delay();
		if (i % 100 == 0)
			sleep_us(1000);
	}
	at_enable = __atomic_add_fetch(&seqno, 1, __ATOMIC_SEQ_CST);
	local_irq_enable();
}

static void order_sender(void *arg)
{
	cpumask_t mask = { 0 };

	await_flag(&target_irqs_off);
	cpumask_set_cpu(0, &mask);
	smp_call_function_many(&mask, order_handler, NULL);
	at_return = __atomic_add_fetch(&seqno, 1, __ATOMIC_SEQ_CST);
}

/* ---- target spinning on a lock the sender holds ---- */

static spinlock_t lk;
static int lk_taken, lk_target_ran;

static void lk_handler(int cpu, void *info)
{
	__atomic_store_n(&lk_target_ran, sim_task_id() == cpu,
			 __ATOMIC_SEQ_CST);
}

static void lk_sender(void *arg)
{
	cpumask_t mask = { 0 };

	spin_lock(&lk);
	__atomic_store_n(&lk_taken, 1, __ATOMIC_SEQ_CST);
	sleep_us(2000); /* let the target start spinning */
	cpumask_set_cpu(1, &mask);
	smp_call_function_many(&mask, lk_handler, NULL);
	spin_unlock(&lk);
}

static void lk_target(void *arg)
{
	await_flag(&lk_taken);
	spin_lock(&lk);
	spin_unlock(&lk);
}

static void ipi_irqs_off(void *arg)
{
	cpumask_t mask = { 1ULL << 9 };

	local_irq_disable();
	smp_call_function_many(&mask, count_hit, NULL);
	local_irq_enable();
}

int main(void)
{
	struct sim_result res;
	int exact = 1;

	plan(9);
	sim_init();

	run_n(NCPUS, "cpu", all_to_all, NULL, &res);
	for (int c = 0; c < NCPUS; c++)
		exact &= hits[c] == ROUNDS * (NCPUS - 1);
	ok(exact,
	   "every CPU runs every call sent to it exactly once, never its own");
	ok(!wrong_cpu,
	   "handlers run with irqs off, on the CPU they were sent to");
	is_int(res.outcome, SIM_OK,
	       "concurrent senders finish without violations");

	exec_begin(2);
	sim_task_create("server", who_serves, NULL);
	sim_task_create("early", ends_early, NULL);
	sim_task_create("spinner", spins_on_yield_points, NULL);
	sim_exec_run(&res);
	ok(ran_by[2] == 3 && ran_cpu[2] == 3,
	   "a running CPU runs its IPI itself (at a yield point)");
	ok(ran_by[1] == 1 && ran_cpu[1] == 2 && ran_by[7] == 1 &&
		   ran_cpu[7] == 8,
	   "an ended or task-less CPU is serviced by the sender, as that CPU");

	exec_begin(3);
	sim_task_create("target", irqoff_target, NULL);
	sim_task_create("sender", order_sender, NULL);
	sim_exec_run(&res);
	ok(at_enable && at_enable < at_handler && at_handler < at_return &&
		   handler_cpu == 0,
	   "irqs off delays the IPI: enable (%llu) < handler (%llu) < return (%llu)",
	   (unsigned long long)at_enable, (unsigned long long)at_handler,
	   (unsigned long long)at_return);

	spin_lock_init(&lk);
	exec_begin(4);
	sim_task_create("sender", lk_sender, NULL);
	sim_task_create("target", lk_target, NULL);
	sim_exec_run(&res);
	ok(lk_target_ran && res.outcome == SIM_OK,
	   "a CPU spinning on a lock with irqs on answers IPIs from the holder");

	exec_begin(5);
	sim_task_create("bad", ipi_irqs_off, NULL);
	sim_exec_run(&res);
	is_int(res.outcome, SIM_VIOLATION,
	       "smp_call_function_many with irqs off is a violation");
	is_int(hits[9], 1, "and the call still completes");

	return done_testing();
}
