/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/seqlock.h - seqcount_t, the kernel's sequence counter.
 *
 * The writer makes the count odd for the duration of its critical section
 * (its own lock serialises writers); a lockless reader samples the count,
 * reads, and retries (or gives up) if the count changed or was odd.
 * Every access is one yield point: the race windows are the moment the
 * writer opens/closes the section and the reader's two samples.
 */
#ifndef MMSIM_SEQLOCK_H
#define MMSIM_SEQLOCK_H

#include "sim/atomic.h"

typedef struct seqcount {
	unsigned int sequence;
} seqcount_t;

static inline void seqcount_init(seqcount_t *s)
{
	s->sequence = 0;
}

/* Writer: the caller holds the lock that serialises writers. */
static inline void raw_write_seqcount_begin(seqcount_t *s)
{
	sim_yield(SIM_EV_RMW, s, "write_seqcount_begin");
	/* a plain increment (writers are serialised), then smp_wmb() */
	SIM_STORE(&s->sequence, __atomic_load_n(&s->sequence, SIM_MO) + 1,
		  0);
	smp_wmb();
}

static inline void raw_write_seqcount_end(seqcount_t *s)
{
	sim_yield(SIM_EV_RMW, s, "write_seqcount_end");
	smp_wmb();
	SIM_STORE(&s->sequence, __atomic_load_n(&s->sequence, SIM_MO) + 1,
		  0);
}

/* raw_read_seqcount - sample the count, odd or not (GUP-fast style). */
static inline unsigned int raw_read_seqcount(const seqcount_t *s)
{
	unsigned int seq;

	sim_yield(SIM_EV_READ, s, "read_seqcount");
	seq = SIM_LOAD(&s->sequence);
	smp_rmb();
	return seq;
}

/* read_seqcount_retry - true if a writer ran since @start was sampled. */
static inline bool read_seqcount_retry(const seqcount_t *s, unsigned start)
{
	sim_yield(SIM_EV_READ, s, "read_seqcount_retry");
	smp_rmb();
	return SIM_LOAD(&s->sequence) != start;
}

#endif /* MMSIM_SEQLOCK_H */
