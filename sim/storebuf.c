// SPDX-License-Identifier: GPL-2.0
/*
 * sim/storebuf.c - per-CPU store buffers for memory=tso and memory=arm64
 * (see sim/storebuf.h for the models and how memory is kept).
 *
 * Each CPU (== task) has a buffer of pending stores, oldest first. Host
 * memory holds the storing CPU's newest value; an entry remembers the value
 * its store replaced (what every other CPU still reads). Draining an entry
 * forgets it. Invariants:
 *  1. At most one CPU has entries for a given address (the owner); its
 *     entries for that address are chained: each entry's old value is the
 *     previous one's new value, the oldest one's old value is what every
 *     other CPU reads.
 *  2. sim_sb_mask has bit SIM_SB_ID_BASE + k set iff ids[k] names an entry
 *     that may become visible now: under tso the oldest entry of its CPU;
 *     under arm64 one with no older entry of its CPU to the same address,
 *     none before an smp_wmb() that precedes it, and (a release) no older
 *     entry at all. Recomputed after every change of a buffer.
 *  3. sim_sb_live == (model != sc); sc never reaches this file.
 *
 * Not in the stress build: there the primitives are real C11 atomics.
 */
#ifndef SIM_STRESS
#include <stdio.h>
#include <string.h>

#include "sim/internal.h"
#include "sim/storebuf.h"

#define SB_CAP	SIM_SB_CAP

struct sb_entry {
	void *p;		/* host address of the stored object */
	uint8_t size;
	uint8_t flags;		/* SIM_SB_RELEASE */
	uint32_t epoch;		/* smp_wmb()s of its CPU before it */
	uint64_t step;		/* when it was stored (sim_trace_count()) */
	uint64_t old;		/* the value it replaced */
	uintptr_t ev_addr;	/* the object as the yield point named it */
	const struct sim_site *site;	/* where it was stored */
};

struct sb_cpu {
	int n;
	uint32_t epoch;
	struct sb_entry e[SB_CAP];
};

int sim_sb_live;
uint64_t sim_sb_mask;

static enum sim_memory model;
static struct sb_cpu cpus[SIM_SB_MAX_CPUS];
uint64_t sim_sb_nonempty;	/* CPUs with pending stores */
static struct {
	int8_t cpu, idx;
} ids[SIM_SB_MAX_IDS];

static const char *const model_names[] = { "sc", "tso", "arm64" };

const char *sim_memory_name(enum sim_memory m)
{
	return (unsigned)m < 3 ? model_names[m] : "?";
}

enum sim_memory sim_memory_model(void)
{
	return model;
}

void sim_set_memory_model(enum sim_memory m)
{
	model = m;
	sim_sb_live = m != SIM_MEM_SC;
}

void sim_sb_reset(void)
{
	while (sim_sb_nonempty) {
		int c = __builtin_ctzll(sim_sb_nonempty);

		sim_sb_nonempty &= sim_sb_nonempty - 1;
		cpus[c].n = 0;
	}
	for (int c = 0; c < SIM_SB_MAX_CPUS; c++)
		cpus[c].epoch = 0;
	sim_sb_mask = 0;
	sim_set_memory_model(SIM_MEM_SC);
}

/*
 * The common cases are inline in storebuf.h, so that a model built with
 * store buffers pays no call for them: nothing pending anywhere (a load,
 * an RMW's begin, smp_mb()), and an RMW that is a full barrier or wrote
 * the value it read (its end). What reaches the *_slow functions below
 * is exactly what used to fall through those tests here: the result of
 * every primitive is unchanged, and so is each execution.
 * Keep the SIM_SITE line of drain_entry() where it is: the trace hash
 * and the reads-from fuzzer key events by file and line, so moving it
 * would change every recorded trace of memory=tso|arm64 (and figure).
 */

static void raw_store(void *p, unsigned size, uint64_t v)
{
	sim_sb_note_store(p);
	switch (size) {
	case 1:
		__atomic_store_n((uint8_t *)p, (uint8_t)v, __ATOMIC_SEQ_CST);
		break;
	case 2:
		__atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_SEQ_CST);
		break;
	case 4:
		__atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_SEQ_CST);
		break;
	default:
		__atomic_store_n((uint64_t *)p, v, __ATOMIC_SEQ_CST);
		break;
	}
}

/* May entry @i of CPU @c become visible now? (invariant 2) */
static bool drainable(const struct sb_cpu *b, int i)
{
	const struct sb_entry *e = &b->e[i];

	if (model == SIM_MEM_TSO || i == 0)
		return i == 0;
	if (e->flags & SIM_SB_RELEASE)
		return false;
	for (int j = 0; j < i; j++)
		if (b->e[j].p == e->p || b->e[j].epoch < e->epoch)
			return false;
	return true;
}

static void recompute(void)
{
	uint64_t m = sim_sb_nonempty, mask = 0;
	int k = 0;

	while (m && k < SIM_SB_MAX_IDS) {
		int c = __builtin_ctzll(m);
		const struct sb_cpu *b = &cpus[c];

		m &= m - 1;
		for (int i = 0; i < b->n && k < SIM_SB_MAX_IDS; i++) {
			if (!drainable(b, i))
				continue;
			ids[k].cpu = (int8_t)c;
			ids[k].idx = (int8_t)i;
			mask |= 1ULL << (SIM_SB_ID_BASE + k);
			k++;
		}
	}
	sim_sb_mask = mask;
}

/* Entry @i of CPU @c becomes visible: a trace event on its CPU. */
static void drain_entry(int c, int i)
{
	struct sb_cpu *b = &cpus[c];

	sim_trace_event_as(c, SIM_EV_WRITE, b->e[i].ev_addr,
			   SIM_SITE("storebuf:drain"));
	memmove(&b->e[i], &b->e[i + 1], (b->n - i - 1) * sizeof(b->e[0]));
	if (--b->n == 0)
		sim_sb_nonempty &= ~(1ULL << c);
	sim_sched_drained(c);
}

/* CPU @c's entries up to its last one for @p (all if @p is NULL), in
 * order: always a legal sequence of drains. Returns how many. */
static int drain_upto(int c, const void *p)
{
	struct sb_cpu *b = &cpus[c];
	int last = b->n - 1;

	if (p)
		while (last >= 0 && b->e[last].p != p)
			last--;
	for (int i = 0; i <= last; i++)
		drain_entry(c, 0);
	return last + 1;
}

/* Every CPU but @me makes its pending stores to @p visible (invariant 1:
 * a store or RMW of @me to @p comes after them in coherence order).
 * Returns whether any did. */
static bool others_drain(const void *p, int me)
{
	uint64_t m = sim_sb_nonempty & ~(me >= 0 ? 1ULL << me : 0);
	bool any = false;

	while (m) {
		int c = __builtin_ctzll(m);

		m &= m - 1;
		for (int i = 0; i < cpus[c].n; i++) {
			if (cpus[c].e[i].p == p) {
				drain_upto(c, p);
				any = true;
				break;
			}
		}
	}
	return any;
}

static void append(int me, void *p, unsigned size, uint64_t old,
		   unsigned flags)
{
	struct sb_cpu *b = &cpus[me];
	const struct sim_access *a = sim_task_next(me);

	if (b->n == SB_CAP)
		drain_entry(me, 0);	/* SIM: a full buffer stalls */
	b->e[b->n++] = (struct sb_entry){
		.p = p,
		.size = (uint8_t)size,
		.flags = (uint8_t)flags,
		.epoch = b->epoch,
		.step = sim_trace_count(),
		.old = old,
		.ev_addr = a->addr,
		.site = a->site,
	};
	sim_sb_nonempty |= 1ULL << me;
}

void sim_sb_store(void *p, unsigned size, uint64_t val, unsigned flags)
{
	int me = sim_task_id();
	uint64_t old;

	if (me < 0) {
		raw_store(p, size, val);
		return;
	}
	others_drain(p, me);
	old = sim_sb_raw_load(p, size);
	raw_store(p, size, val);
	append(me, p, size, old, flags);
	recompute();
}

uint64_t sim_sb_visible_slow(const void *p, unsigned size, uint64_t mem)
{
	int me;
	uint64_t m;

	/* stores are pending (sim_sb_visible tested it) */
	me = sim_task_id();
	m = sim_sb_nonempty & ~(me >= 0 ? 1ULL << me : 0);

	while (m) {
		int c = __builtin_ctzll(m);
		const struct sb_cpu *b = &cpus[c];

		m &= m - 1;
		for (int i = 0; i < b->n; i++)
			if (b->e[i].p == p && b->e[i].size == size)
				return b->e[i].old;
	}
	return mem;
}

uint64_t sim_sb_rmw_begin_slow(void *p, unsigned size, bool full)
{
	int me;
	bool changed;

	/* stores are pending (sim_sb_rmw_begin tested it) */
	me = sim_task_id();
	if (me >= 0) {
		changed = others_drain(p, me);
		if (full || model == SIM_MEM_TSO)
			changed |= drain_upto(me, NULL) > 0;
		if (changed)
			recompute();
	}
	return sim_sb_raw_load(p, size);
}

/* A relaxed RMW wrote a new value (the inline part checked both). */
void sim_sb_rmw_end_slow(void *p, unsigned size, uint64_t old)
{
	int me = sim_task_id();

	if (me < 0 || model == SIM_MEM_TSO)
		return;
	append(me, p, size, old, 0);
	recompute();
}

void sim_sb_flush(int cpu)
{
	if (cpu < 0 || cpu >= SIM_SB_MAX_CPUS || !cpus[cpu].n)
		return;
	drain_upto(cpu, NULL);
	recompute();
}

bool sim_sb_pending_slow(void)
{
	int me = sim_task_id();

	return me >= 0 && me < SIM_SB_MAX_CPUS && cpus[me].n;
}

void sim_sb_mb_slow(void)
{
	sim_sb_flush(sim_task_id());
}

void sim_sb_wmb_slow(void)
{
	int me = sim_task_id();

	if (me >= 0 && model == SIM_MEM_ARM64 && cpus[me].n)
		cpus[me].epoch++;
}

void sim_sb_flush_addr(const void *p)
{
	if (!sim_sb_nonempty)
		return;
	others_drain(p, -1);
	recompute();
}

void sim_sb_drain_id(int id)
{
	int k = id - SIM_SB_ID_BASE;

	drain_entry(ids[k].cpu, ids[k].idx);
	recompute();
}

int sim_sb_owner(int id)
{
	return ids[id - SIM_SB_ID_BASE].cpu;
}

void sim_sb_describe(struct sim_access *next)
{
	uint64_t m = sim_sb_mask;

	while (m) {
		int id = __builtin_ctzll(m), k = id - SIM_SB_ID_BASE;
		const struct sb_entry *e = &cpus[ids[k].cpu].e[ids[k].idx];

		m &= m - 1;
		next[id] = (struct sim_access){ .kind = SIM_EV_WRITE, .addr = e->ev_addr,
						.site = e->site };
	}
}

void (*sim_sb_store_hook)(void *p);

int sim_sb_overdue(uint64_t now)
{
	for (int k = 0; k < SIM_SB_MAX_IDS; k++) {
		const struct sb_entry *e;

		if (!(sim_sb_mask >> (SIM_SB_ID_BASE + k) & 1))
			continue;
		e = &cpus[ids[k].cpu].e[ids[k].idx];
		if (now - e->step > SIM_SB_MAX_AGE)
			return SIM_SB_ID_BASE + k;
	}
	return -1;
}
#endif /* !SIM_STRESS */
