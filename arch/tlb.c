// SPDX-License-Identifier: GPL-2.0
/*
 * arch/tlb.c - per-CPU TLBs, contexts and TLB shootdown.
 *
 * Each CPU has TLB_ENTRIES fully associative entries tagged by context id.
 * Replacement is deterministic: the first invalid slot, else a per-CPU
 * round-robin victim. The TLB is CPU-local state: only its own CPU fills
 * it, and invalidations arrive from its own CPU or through an IPI handler
 * that the scheduler runs on its behalf, so no yield point guards it.
 *
 * Reset: only CPUs that were used in the execution are cleared.
 *
 * SIM: paging-structure caches (cached upper-level entries) are not
 * modelled: the walker always reads every level from memory.
 * SIM: a context's cpumask bits are never cleared (x86 keeps lazy CPUs in
 * it and tracks tlb_gen): flushes reach every CPU that ever ran the
 * context, which is never fewer CPUs than x86 must reach.
 */
#include <string.h>

#include "arch/mmu.h"

struct cpu_tlb {
	struct tlb_entry e[TLB_ENTRIES];
	uint64_t valid; /* bit i: e[i].valid (TLB_ENTRIES <= 64) */
	unsigned int victim; /* next round-robin victim */
	mm_context_t *cur; /* context this CPU runs */
	/* its flush count: tlb_flush_gens[cpu] (mmu.h reads it inline) */
};

enum mmu_arch mmu_arch = MMU_ARCH_X86;
bool mmu_rcu_table_free;

/*
 * SIM: x86 with tlb_free=rcu (paravirt) keeps the IPI flush that waits
 * for every target: a paravirt flush skips only preempted vCPUs, which
 * mmsim does not model; only the freeing of tables changes.
 */
void mmu_arch_set(enum mmu_arch arch, bool rcu_table_free)
{
	mmu_arch = arch;
	mmu_rcu_table_free = arch == MMU_ARCH_ARM64 || rcu_table_free;
}

_Static_assert(TLB_ENTRIES <= 64, "cpu_tlb.valid is one word");
#define TLB_ALL_SLOTS \
	(TLB_ENTRIES == 64 ? ~0ULL : (1ULL << (TLB_ENTRIES % 64)) - 1)

static struct cpu_tlb tlbs[SIM_MAX_CPUS];
static uint64_t tlb_used; /* CPUs touched this execution */
static uint32_t next_ctx_id;

/*
 * tlb_reset - the per-execution reset. It lives at the end of this file,
 * below every yield point here (traces name those by line); it writes
 * only the slots still valid (every reader goes through ->valid and a
 * fill writes its whole slot), not each used CPU's 1.5 KiB of entries.
 * (This block keeps the lines below where they were: the same number of
 * lines as the function it replaced, so the yield points' lines in traces
 * stay the same.)
 */
static void tlb_reset(void);

void init_new_context(mm_context_t *ctx, unsigned long pgd_pfn)
{
	sim_on_reset(tlb_reset); /* idempotent */
	ctx->pgd_pfn = pgd_pfn;
	ctx->cpumask.bits = 0;
	ctx->id = ++next_ctx_id;
}

void destroy_context(mm_context_t *ctx)
{
	for (uint64_t m = tlb_used; m; m &= m - 1) {
		struct cpu_tlb *t = &tlbs[__builtin_ctzll(m)];

		for (uint64_t v = t->valid; v; v &= v - 1) {
			int i = __builtin_ctzll(v);

			if (t->e[i].ctx_id == ctx->id) {
				t->e[i].valid = false;
				t->valid &= ~(1ULL << i);
			}
		}
		if (t->cur == ctx)
			t->cur = NULL;
	}
}

/*
 * switch_mm - the running CPU joins @ctx's cpumask, then runs it.
 * Race window: a flusher that read the cpumask before the bit was set
 * does not IPI us; we cannot hold stale entries of @ctx from before,
 * since the bit, once set, stays set (see the SIM note above).
 */
void switch_mm(mm_context_t *ctx)
{
	int cpu = smp_processor_id();

	sim_yield(SIM_EV_TLB, ctx->id, "switch_mm");
	cpumask_set_cpu(cpu, &ctx->cpumask);
	tlbs[cpu].cur = ctx;
	tlb_used |= 1ULL << cpu;
}

mm_context_t *cpu_current_ctx(int cpu)
{
	return tlbs[cpu].cur;
}

static inline bool entry_covers(const struct tlb_entry *e, uint32_t id,
				unsigned long va)
{
	return e->valid && e->ctx_id == id &&
	       e->vpn == (va >> (e->huge ? PMD_SHIFT : PAGE_SHIFT));
}

/* flushes that reached each CPU (tlb_flush_gen(), inline in mmu.h) */
unsigned long tlb_flush_gens[SIM_MAX_CPUS];
/* (reset with the CPU's TLB, tlb_reset) */


struct tlb_entry *__tlb_find(int cpu, uint32_t id, unsigned long va)
{
	struct cpu_tlb *t = &tlbs[cpu];

	for (uint64_t v = t->valid; v; v &= v - 1) {
		int i = __builtin_ctzll(v);

		if (entry_covers(&t->e[i], id, va))
			return &t->e[i];
	}
	return NULL;
}

/* Cache @e on @cpu; the caller has checked no entry covers its va. */
void __tlb_fill(int cpu, const struct tlb_entry *e)
{
	struct cpu_tlb *t = &tlbs[cpu];
	int slot = -1;

	if (~t->valid & TLB_ALL_SLOTS)
		slot = __builtin_ctzll(~t->valid & TLB_ALL_SLOTS);
	else {
		slot = t->victim;
		t->victim = (t->victim + 1) % TLB_ENTRIES;
	}
	t->e[slot] = *e;
	t->e[slot].valid = true;
	t->valid |= 1ULL << slot;
	tlb_used |= 1ULL << cpu;
}

/* The CPU whose TLB holds @e, and @e's slot in it. */
static void tlb_entry_slot(const struct tlb_entry *e, int *cpu, int *slot)
{
	size_t off = (size_t)((const char *)e - (const char *)tlbs);

	*cpu = (int)(off / sizeof(struct cpu_tlb));
	*slot = (int)(e - tlbs[*cpu].e);
}

void __tlb_invalidate(struct tlb_entry *e)
{
	int cpu, slot;

	tlb_entry_slot(e, &cpu, &slot);
	e->valid = false;
	tlbs[cpu].valid &= ~(1ULL << slot);
}

struct flush_info {
	uint32_t id;
	unsigned long start, end;
};

/* Drop @cpu's entries of the context that overlap [start, end). */
static void flush_tlb_func(int cpu, void *info)
{
	const struct flush_info *f = info;
	struct cpu_tlb *t = &tlbs[cpu];

	tlb_flush_gens[cpu]++;
	for (uint64_t v = t->valid; v; v &= v - 1) {
		int i = __builtin_ctzll(v);
		struct tlb_entry *e = &t->e[i];
		unsigned shift = e->huge ? PMD_SHIFT : PAGE_SHIFT;
		unsigned long lo, hi;

		if (e->ctx_id != f->id)
			continue;
		lo = e->vpn << shift;
		hi = lo + (1UL << shift);
		if (lo < f->end && hi > f->start) {
			e->valid = false;
			t->valid &= ~(1ULL << i);
		}
	}
}

/*
 * flush_tlb_broadcast - arm64's __flush_tlb_range: DSB ISHST, TLBI ... IS
 * per page (or ASIDE1IS for the whole mm), DSB ISH. The hardware
 * invalidates every CPU's entries; no CPU takes an interrupt, so one with
 * interrupts off (GUP-fast) does not delay it, and we do not wait for it.
 * SIM: the invalidations between the TLBI and the DSB are not split: every
 * CPU loses its entries at once, at the yield point (the latest moment the
 * architecture allows, which is the adversarial one: a target losing its
 * entry earlier only re-walks).
 */
static void flush_tlb_broadcast(mm_context_t *ctx, struct flush_info *fi)
{
	uint64_t m;

	/* DSB ISHST: the entry changes (relaxed xchg/cmpxchg, plain
	 * set_pte_at: pending on arm64) are visible before the TLBI */
	sim_sb_mb();
	sim_yield(SIM_EV_TLB, ctx->id, "flush_tlb:tlbi");
	m = __atomic_load_n(&ctx->cpumask.bits, __ATOMIC_SEQ_CST) |
	    1ULL << smp_processor_id();
	for (; m; m &= m - 1)
		flush_tlb_func(__builtin_ctzll(m), fi);
	sim_mark(ctx->id, "flush_tlb:dsb");
}

/*
 * flush_tlb_mm_range - see mmu.h. arm64: flush_tlb_broadcast(). x86: the
 * protocol, as x86's
 * flush_tlb_mm_range: (1) the caller changed the entries, (2) flush here,
 * (3) read the cpumask and IPI the others, (4) wait for every ack. A CPU
 * that walks after (1) sees the new entries; one that cached the old ones
 * loses them at (2) or when it takes the IPI.
 */
void flush_tlb_mm_range(mm_context_t *ctx, unsigned long start,
			unsigned long end)
{
	struct flush_info fi = { ctx->id, start, end };
	int me = smp_processor_id();
	cpumask_t mask;

	if (tlb_flush_is_broadcast()) {
		flush_tlb_broadcast(ctx, &fi);
		return;
	}
	sim_yield(SIM_EV_TLB, ctx->id, "flush_tlb:local");
	flush_tlb_func(me, &fi);
	mask.bits = __atomic_load_n(&ctx->cpumask.bits, __ATOMIC_SEQ_CST) &
		    ~(1ULL << me);
	if (!mask.bits)
		return;
	sim_mark(ctx->id, "flush_tlb:ipi_sent");
	/* Race window: a target with irqs off holds its entries until it
	 * enables them; we stay parked in here until then. */
	smp_call_function_many(&mask, flush_tlb_func, &fi);
	sim_mark(ctx->id, "flush_tlb:ipi_acked");
}

void flush_tlb_page(mm_context_t *ctx, unsigned long va)
{
	va &= PAGE_MASK;
	flush_tlb_mm_range(ctx, va, va + PAGE_SIZE);
}

void flush_tlb_mm(mm_context_t *ctx)
{
	flush_tlb_mm_range(ctx, 0, ~0UL);
}

void flush_tlb_local(mm_context_t *ctx)
{
	struct flush_info fi = { ctx->id, 0, ~0UL };

	sim_yield(SIM_EV_TLB, ctx->id, "flush_tlb:local");
	flush_tlb_func(smp_processor_id(), &fi);
}

/* ---- deferred unmap flushes (the kernel's tlb_ubc->arch) ---- */

bool arch_tlbbatch_should_defer(mm_context_t *ctx)
{
	uint64_t others;

	if (tlb_flush_is_broadcast())
		return true;
	/* x86: cpumask_any_but(mm_cpumask(mm), get_cpu()) < nr_cpu_ids */
	others = __atomic_load_n(&ctx->cpumask.bits, __ATOMIC_SEQ_CST) &
		 ~(1ULL << smp_processor_id());
	return others != 0;
}

void arch_tlbbatch_add_pending(struct arch_tlbflush_unmap_batch *b,
			       mm_context_t *ctx, unsigned long start,
			       unsigned long end)
{
	if (b->nr == ARCH_TLBBATCH_MAX)
		arch_tlbbatch_flush(b);		/* SIM: a full batch */
	/* arm64's __flush_tlb_range_nosync starts with DSB ISHST */
	if (tlb_flush_is_broadcast())
		sim_sb_mb();
	b->cpumask.bits |= __atomic_load_n(&ctx->cpumask.bits,
					   __ATOMIC_SEQ_CST);
	b->r[b->nr].id = ctx->id;
	b->r[b->nr].start = start;
	b->r[b->nr].end = end;
	b->nr++;
	sim_mark(ctx->id, "tlbbatch:add_pending");
}

/* Drop @cpu's entries of every range of the batch (@info). */
static void tlbbatch_flush_func(int cpu, void *info)
{
	const struct arch_tlbflush_unmap_batch *b = info;

	for (int i = 0; i < b->nr; i++) {
		struct flush_info fi = { b->r[i].id, b->r[i].start,
					 b->r[i].end };

		flush_tlb_func(cpu, &fi);
	}
}

/*
 * arch_tlbbatch_flush - x86: this CPU, then an IPI to every CPU of the
 * batch's cpumask, waiting for each (a CPU with interrupts off delays
 * us); SIM: the ranges, where x86 flushes the whole TLB. arm64: the DSB
 * that completes the TLBIs issued at each add: every CPU loses the
 * entries at once, nobody is waited for.
 */
void arch_tlbbatch_flush(struct arch_tlbflush_unmap_batch *b)
{
	int me = smp_processor_id();
	cpumask_t mask;

	if (!b->nr)
		return;
	sim_yield(SIM_EV_TLB, b->r[0].id, "try_to_unmap_flush");
	if (tlb_flush_is_broadcast()) {
		uint64_t m = b->cpumask.bits | 1ULL << me;

		for (; m; m &= m - 1)
			tlbbatch_flush_func(__builtin_ctzll(m), b);
		sim_mark(b->r[0].id, "tlbbatch:dsb");
	} else {
		tlbbatch_flush_func(me, b);
		mask.bits = b->cpumask.bits & ~(1ULL << me);
		if (mask.bits) {
			sim_mark(b->r[0].id, "tlbbatch:ipi_sent");
			smp_call_function_many(&mask, tlbbatch_flush_func, b);
			sim_mark(b->r[0].id, "tlbbatch:ipi_acked");
		}
	}
	b->cpumask.bits = 0;
	b->nr = 0;
}

bool tlb_lookup(int cpu, const mm_context_t *ctx, unsigned long va,
		struct tlb_entry *out)
{
	struct tlb_entry *e = __tlb_find(cpu, ctx->id, va);

	if (e && out)
		*out = *e;
	return e != NULL;
}

int tlb_nr_entries(int cpu, const mm_context_t *ctx)
{
	int n = 0;

	for (uint64_t v = tlbs[cpu].valid; v; v &= v - 1)
		n += tlbs[cpu].e[__builtin_ctzll(v)].ctx_id == ctx->id;
	return n;
}

void tlb_for_each(void (*fn)(int cpu, const struct tlb_entry *e, void *arg),
		  void *arg)
{
	for (uint64_t m = tlb_used; m; m &= m - 1) {
		int cpu = __builtin_ctzll(m);

		for (uint64_t v = tlbs[cpu].valid; v; v &= v - 1)
			fn(cpu, &tlbs[cpu].e[__builtin_ctzll(v)], arg);
	}
}

static void tlb_reset(void)
{
	while (tlb_used) {
		int cpu = __builtin_ctzll(tlb_used);
		struct cpu_tlb *t = &tlbs[cpu];

		tlb_used &= tlb_used - 1;
		for (uint64_t v = t->valid; v; v &= v - 1)
			t->e[__builtin_ctzll(v)].valid = false;
		t->valid = 0;
		t->victim = 0;
		t->cur = NULL;
		tlb_flush_gens[cpu] = 0;
	}
	next_ctx_id = 0;
}
