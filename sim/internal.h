/* SPDX-License-Identifier: GPL-2.0 */
/* sim/internal.h - shared between the files of sim/ only. */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include "sim/sim.h"
#include "sim/sync.h"

/* common.c */
void sim_arena_reset(void);

#ifndef SIM_STRESS
/* sched.c: the lock bookkeeping sync.c needs. */
void sim_held_push(const void *lock, const char *class, int mode,
		   const struct sim_site *site);
/* Returns false if the running task does not hold @lock. */
bool sim_held_pop(const void *lock);
void sim_lockdep_check(const void *lock, const char *class, int mode,
		       const struct sim_site *site);
/* Record an event that is not a scheduling point. */
void sim_trace_event(int kind, uintptr_t addr, const struct sim_site *site);
/* The same, recorded as an event of task/CPU @task (a store draining). */
void sim_trace_event_as(int task, int kind, uintptr_t addr,
			const struct sim_site *site);
#endif

#endif /* SIM_INTERNAL_H */
