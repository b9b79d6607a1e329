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

/*
 * A task's next access (struct sim_access) is written at every yield and
 * read back, as the "last" access, at the task's next yield, often a few
 * dozen instructions later. Both go word by word, each load the size and
 * address of one earlier store, so the load is forwarded from the store
 * buffer: a 16-byte load over narrower stores (a struct copy after a
 * field-by-field init) cannot be, and stalled the yield - about a third
 * of its time in THP splits' long walks. volatile: the compiler must not
 * merge the words into vector moves again.
 */
/* sim_access_copy() and the layout both rely on are in sim/sim.h. */

static inline void sim_access_set(struct sim_access *a, int kind, int kind2,
				  uintptr_t addr, uintptr_t addr2,
				  const struct sim_site *site, uint64_t stamp)
{
	volatile uint64_t *w = (volatile uint64_t *)a;

	/* kind, kind2, then zero padding: byte order is the host's */
	w[0] = ((union { uint8_t b[8]; uint64_t w; }){
			.b = { (uint8_t)kind, (uint8_t)kind2 } }).w;
	w[1] = addr;
	w[2] = addr2;
	w[3] = (uint64_t)(uintptr_t)site;
	w[4] = stamp;
}

#endif /* SIM_INTERNAL_H */
