/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/storebuf.h - per-CPU store buffers: the memory models sc, tso, arm64.
 *
 * memory=sc (the default) is sequential consistency: every store is seen by
 * every CPU at once, and nothing here runs (each hook below is behind one
 * predictable branch on sim_sb_live).
 *
 * memory=tso / memory=arm64: a store of model code made through the
 * kernel-named primitives (WRITE_ONCE, atomic_set, smp_store_release,
 * set_pte_at, set_pmd_at, ...; sim/atomic.h, arch/pgtable.h) is pending
 * until the explorer drains it: the storing CPU sees its own value at once,
 * every other CPU (and every hardware page walker) sees the old value until
 * then. A drain is a scheduling choice (see sim_sb_mask), so random, PCT,
 * dfs and replay cover the moment a store becomes visible.
 *
 *  tso:   a CPU's pending stores become visible in program order; every
 *	   atomic read-modify-write (locked instruction) and smp_mb() drains
 *	   the CPU's buffer first.
 *  arm64: pending stores to different addresses may become visible in any
 *	   order, except that smp_wmb() orders the stores before it before the
 *	   stores after it, and a release store (smp_store_release,
 *	   atomic_set_release, unlock) becomes visible only after every
 *	   earlier store of its CPU. Value-returning atomics and smp_mb() are
 *	   full barriers (drain); non-value-returning atomics (atomic_add,
 *	   set_bit, clear_bit, ...) and _relaxed ones order nothing: their
 *	   write is itself pending (Documentation/atomic_t.txt).
 *
 * How it is kept (sim/storebuf.c): host memory always holds the value the
 * *storing* CPU sees (its newest store), and each pending store records the
 * value it replaced. Other CPUs' loads through the primitives see the value
 * before the oldest pending store of that address. At most one CPU has
 * pending stores to an address at a time: a store or RMW by another CPU
 * first makes the owner's stores to it visible (a drain the explorer could
 * have chosen at that moment), so the coherence order of an address is the
 * order of its stores. Draining a store thus never writes memory; it only
 * forgets the old value.
 *
 * SIM: loads are performed in program order (no load-load reordering);
 * plain C loads (not through a primitive) of another CPU see pending
 * stores early; see docs/deviations.md.
 */
#ifndef SIM_STOREBUF_H
#define SIM_STOREBUF_H

#include <stdbool.h>
#include <stdint.h>

enum sim_memory {
	SIM_MEM_SC,
	SIM_MEM_TSO,
	SIM_MEM_ARM64,
};

/* Pseudo task ids SIM_SB_ID_BASE.. name the drainable stores. */
#define SIM_SB_ID_BASE	26
#define SIM_SB_MAX_IDS	26	/* letters A-Z in a schedule string */
#define SIM_SB_MAX_CPUS	SIM_SB_ID_BASE

/* Pending stores per CPU; a full buffer drains its oldest first. */
#define SIM_SB_CAP	16

/*
 * A store pending this many steps becomes visible (SIM): hardware drains
 * a store buffer in bounded time, while a strategy that keeps choosing
 * the CPUs over the drain (PCT's priorities) would hold a store back for
 * ever, and a retry loop that waits to see it (swap_cache_get_folio's
 * recheck) would be reported as a livelock the kernel cannot have.
 */
#define SIM_SB_MAX_AGE	10000

/* Flags of a buffered store. */
#define SIM_SB_RELEASE	0x1	/* visible only after every earlier store */

#ifdef SIM_STRESS
#define sim_sb_live 0
static inline void sim_sb_mb(void) { }
static inline void sim_sb_wmb(void) { }
static inline void sim_sb_acquire(void) { }
static inline void sim_sb_flush_addr(const void *p) { }
static inline bool sim_sb_pending(void) { return false; }
/* Stress mode runs on the host's own memory model: memory= is ignored. */
static inline void sim_set_memory_model(enum sim_memory m) { }
static inline enum sim_memory sim_memory_model(void) { return SIM_MEM_SC; }
#else
/* Nonzero while the execution runs with store buffers (tso, arm64). */
extern int sim_sb_live;
/* The drainable stores as pseudo task ids (bits >= SIM_SB_ID_BASE). */
extern uint64_t sim_sb_mask;

/*
 * sim_set_memory_model - the memory model of the execution being set up:
 * call after sim_exec_begin() (which resets it to sc) and before
 * sim_exec_run().
 */
void sim_set_memory_model(enum sim_memory m);
enum sim_memory sim_memory_model(void);
const char *sim_memory_name(enum sim_memory m);

/* The CPUs with pending stores (bit c: CPU c); 0 most of the time. */
extern uint64_t sim_sb_nonempty;

/*
 * sim_sb_store - the running CPU stores @val (@size bytes) at @p, pending.
 * Outside a task: a plain store. @flags: SIM_SB_RELEASE.
 */
void sim_sb_store(void *p, unsigned size, uint64_t val, unsigned flags);
/*
 * sim_sb_visible - what the running CPU reads at @p, given that host
 * memory holds @mem: @mem, unless another CPU's store is pending there.
 * (The test for "nothing pending anywhere" is inline: the common case.)
 */
uint64_t sim_sb_visible_slow(const void *p, unsigned size, uint64_t mem);
static inline uint64_t sim_sb_visible(const void *p, unsigned size,
				      uint64_t mem)
{
	if (!sim_sb_nonempty)
		return mem;	/* nothing pending anywhere */
	return sim_sb_visible_slow(p, size, mem);
}

/* The value of the @size-byte object at @p, read from host memory. */
static inline uint64_t sim_sb_raw_load(const void *p, unsigned size)
{
	switch (size) {
	case 1:
		return __atomic_load_n((const uint8_t *)p, __ATOMIC_SEQ_CST);
	case 2:
		return __atomic_load_n((const uint16_t *)p, __ATOMIC_SEQ_CST);
	case 4:
		return __atomic_load_n((const uint32_t *)p, __ATOMIC_SEQ_CST);
	default:
		return __atomic_load_n((const uint64_t *)p, __ATOMIC_SEQ_CST);
	}
}

/*
 * sim_sb_rmw_begin / sim_sb_rmw_end - around an atomic read-modify-write
 * of @p. @full: a full barrier (value-returning atomics; every RMW under
 * tso). begin returns the value before the RMW; end records a relaxed
 * RMW's write as pending (arm64). The common cases are inline: nothing
 * pending anywhere (begin), a full barrier or a write of the old value
 * (end); the rest is out of line.
 */
uint64_t sim_sb_rmw_begin_slow(void *p, unsigned size, bool full);
void sim_sb_rmw_end_slow(void *p, unsigned size, uint64_t old);
static inline uint64_t sim_sb_rmw_begin(void *p, unsigned size, bool full)
{
	if (!sim_sb_nonempty)
		return sim_sb_raw_load(p, size);	/* nothing pending */
	return sim_sb_rmw_begin_slow(p, size, full);
}

static inline void sim_sb_rmw_end(void *p, unsigned size, uint64_t old,
				  bool full)
{
	if (full || sim_sb_raw_load(p, size) == old)
		return;	/* drained at begin, or wrote nothing new */
	sim_sb_rmw_end_slow(p, size, old);
}

/* smp_mb(): the running CPU's stores all become visible now. */
void sim_sb_mb_slow(void);
/* smp_wmb(): order the stores before it before those after it (arm64). */
void sim_sb_wmb_slow(void);
/* The stores of CPU @cpu all become visible now (in order). */
void sim_sb_flush(int cpu);
/* Has the running CPU stores still pending? */
bool sim_sb_pending_slow(void);
/* The walker's compare-and-swap on @p: every pending store to it first. */
void sim_sb_flush_addr(const void *p);

/*
 * Called with the address of every buffered store as it becomes visible,
 * before it is written (physmem: a store into a frame notes its block,
 * arch/physmem.h "Dirty blocks"). Must be set before a store can pend.
 */
extern void (*sim_sb_store_hook)(void *p);

static inline void sim_sb_note_store(void *p)
{
	if (sim_sb_store_hook)
		sim_sb_store_hook(p);
}

/* For the scheduler (sched.c) only. */
void sim_sb_reset(void);
/* sched.c: a pending store of CPU @cpu became visible (sim_wait_visible) */
void sim_sched_drained(int cpu);
void sim_sb_drain_id(int id);
/* A drainable store pending more than SIM_SB_MAX_AGE steps at step @now:
 * its pseudo id (the oldest first in id order), or -1. */
int sim_sb_overdue(uint64_t now);
struct sim_access;
void sim_sb_describe(struct sim_access *next);
int sim_sb_owner(int id);

static inline void sim_sb_mb(void)
{
	/* nothing pending anywhere: nothing to make visible */
	if (__builtin_expect(sim_sb_live, 0) && sim_sb_nonempty)
		sim_sb_mb_slow();
}

static inline void sim_sb_wmb(void)
{
	if (__builtin_expect(sim_sb_live, 0))
		sim_sb_wmb_slow();
}

static inline bool sim_sb_pending(void)
{
	return __builtin_expect(sim_sb_live, 0) && sim_sb_pending_slow();
}

/* A lock was taken: under tso a locked instruction (drains); an acquire
 * orders no earlier store on arm64. */
static inline void sim_sb_acquire(void)
{
	if (__builtin_expect(sim_sb_live, 0) &&
	    sim_memory_model() == SIM_MEM_TSO)
		sim_sb_mb_slow();
}
#endif /* SIM_STRESS */

#endif /* SIM_STOREBUF_H */
