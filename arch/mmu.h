/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch/mmu.h - the simulated MMU: address-space contexts, the hardware
 * page walker, per-CPU TLBs and TLB shootdown.
 *
 * Each task is a CPU (its id). A CPU runs one context at a time
 * (switch_mm). User loads and stores go through hw_access(): TLB lookup,
 * on a miss a 4-level walk with atomic loads that sets Accessed (and Dirty
 * for stores) with compare-and-swap, then the access to the frame. Faults
 * are returned, never handled here: mm/ handles them and retries.
 *
 * TLB rules (x86-64, see docs/arch.md):
 *  - an entry caches pfn, writability (RW at every level), user, Dirty
 *    and huge; it is tagged with the context id (PCID-like), so switching
 *    contexts flushes nothing;
 *  - a store through a cached writable entry with Dirty goes straight to
 *    the frame: the PTE is not read, so a cleared or changed PTE keeps
 *    being bypassed until the entry is flushed;
 *  - a store through a cached entry without Dirty re-walks (x86's locked
 *    walk) to set D, and faults if the PTE no longer allows it;
 *  - a fault caused by a cached entry invalidates that entry (so the
 *    retry re-walks: the kernel's spurious-fault handling works);
 *  - x86: flushes invalidate locally and IPI every other CPU in the
 *    context's cpumask; a CPU with interrupts disabled acknowledges only
 *    when it enables them, and the flusher waits;
 *  - arm64: flushes are broadcast (TLBI + DSB) and complete at once on
 *    every CPU of the cpumask, interrupts off or not; nobody waits.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/pgtable.h"
#include "sim/sim.h"

/* ---- the machine ---- */

/*
 * Which architecture's TLB-invalidation and table-freeing rules the
 * simulated machine follows (config arch=, set before an execution):
 *  - x86: a flush IPIs the other CPUs of the context and waits for every
 *    acknowledgement; a CPU with interrupts off (GUP-fast) delays it.
 *  - arm64: TLBI ... IS + DSB ISH: the invalidation is broadcast by the
 *    hardware and complete without any action of the target CPUs, whatever
 *    their interrupt state; nothing waits for GUP-fast.
 * mmu_rcu_table_free: page tables are freed after an RCU grace period
 * (MMU_GATHER_RCU_TABLE_FREE): always on arm64; on x86 with config
 * tlb_free=rcu (paravirt, whose flush may not IPI every CPU).
 */
enum mmu_arch { MMU_ARCH_X86, MMU_ARCH_ARM64 };
extern enum mmu_arch mmu_arch;
extern bool mmu_rcu_table_free;

/* Does a flush complete without the target CPUs (arm64's broadcast)? */
static inline bool tlb_flush_is_broadcast(void)
{
	return mmu_arch == MMU_ARCH_ARM64;
}

/* mmu_arch_set - select @arch; @rcu_table_free: config tlb_free=rcu (an
 * arm64 machine always frees tables through RCU). */
void mmu_arch_set(enum mmu_arch arch, bool rcu_table_free);

/* The arch part of an mm (kernel: mm->context plus mm_cpumask(mm)). */
typedef struct {
	unsigned long pgd_pfn; /* the PGD table's frame */
	cpumask_t cpumask; /* CPUs that have run it (never cleared) */
	uint32_t id; /* TLB tag, unique within an execution */
} mm_context_t;

/* init_new_context - a fresh context with top-level table @pgd_pfn. */
void init_new_context(mm_context_t *ctx, unsigned long pgd_pfn);
/* destroy_context - drop every CPU's TLB entries of @ctx (no IPI). */
void destroy_context(mm_context_t *ctx);
/* switch_mm - the running CPU runs @ctx from now on. A yield point. */
void switch_mm(mm_context_t *ctx);
/* The context CPU @cpu runs (NULL: none yet). */
mm_context_t *cpu_current_ctx(int cpu);

/* ---- user accesses ---- */

enum hw_fault_code {
	HW_OK,
	HW_FAULT_NOT_PRESENT, /* an entry on the way is not present */
	HW_FAULT_WRITE_PROTECT, /* store, and RW clear at some level */
	HW_FAULT_PROTNONE, /* leaf is PROTNONE (NUMA hinting fault) */
	HW_FAULT_USER, /* user access to a supervisor mapping */
};

struct hw_fault {
	int code; /* enum hw_fault_code */
	int level; /* enum pt_level where the walk stopped */
	unsigned long va;
	bool write;
};

/*
 * hw_access - one aligned 8-byte user load or store at @va on the running
 * CPU, which must run @ctx. @val: the value to store, or where the loaded
 * value goes. Returns HW_OK, or a fault code with @fault filled in (may be
 * NULL); nothing was accessed then. A yield point ("user:load" or
 * "user:store"), plus one per level walked and one before the A/D CAS.
 * An access that reaches a free frame, a device-private frame, or a walk
 * through something that is not a live table of the right level is a
 * violation (use-after-free of a page or a page table).
 */
int hw_access(mm_context_t *ctx, unsigned long va, bool is_store, uint64_t *val,
	      struct hw_fault *fault);

static inline int hw_load(mm_context_t *ctx, unsigned long va, uint64_t *val,
			  struct hw_fault *fault)
{
	return hw_access(ctx, va, false, val, fault);
}

static inline int hw_store(mm_context_t *ctx, unsigned long va, uint64_t val,
			   struct hw_fault *fault)
{
	return hw_access(ctx, va, true, &val, fault);
}

const char *hw_fault_name(int code);

/* ---- TLB ---- */

#define TLB_ENTRIES 64

struct tlb_entry {
	unsigned long vpn; /* va >> PAGE_SHIFT, or >> PMD_SHIFT if huge */
	unsigned long pfn; /* first pfn of the (huge) page */
	uint32_t ctx_id;
	bool valid, write, dirty, user, huge;
};

/*
 * flush_tlb_mm_range - invalidate @ctx's translations of [@start, @end)
 * on every CPU. x86: this one at once, the others in ctx->cpumask by IPI;
 * waits for every acknowledgement. arm64: one broadcast invalidation of
 * every CPU in the cpumask ("flush_tlb:tlbi"), no wait. Call with
 * interrupts enabled, after changing the entries. Yield points (x86):
 * "flush_tlb:local", the IPI send and wait.
 */
void flush_tlb_mm_range(mm_context_t *ctx, unsigned long start,
			unsigned long end);
void flush_tlb_page(mm_context_t *ctx, unsigned long va);
void flush_tlb_mm(mm_context_t *ctx);
/* flush_tlb_local - this CPU's entries of @ctx only; no IPI. */
void flush_tlb_local(mm_context_t *ctx);

/*
 * Deferred (batched) unmap flushes (kernel: struct arch_tlbflush_unmap_batch,
 * CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH; used by mm/rmap.c's tlb_ubc).
 * x86: the CPUs of every context added (mm_cpumask), flushed all at once
 * by IPI (flush_tlb_multi, TLB_FLUSH_ALL). arm64: each add issues its
 * TLBIs without waiting (__flush_tlb_page_nosync); the flush is the DSB.
 * SIM: arm64's invalidations take effect at the DSB, the latest moment
 * the architecture allows; a batch remembers at most ARCH_TLBBATCH_MAX
 * ranges (a further add flushes the batch first).
 */
#define ARCH_TLBBATCH_MAX 8

struct arch_tlbflush_unmap_batch {
	cpumask_t cpumask;
	int nr;
	struct {
		uint32_t id;
		unsigned long start, end;
	} r[ARCH_TLBBATCH_MAX];
};

/* Defer this unmap's flush? x86: if another CPU may cache @ctx; arm64:
 * always (the erratum ARM64_WORKAROUND_REPEAT_TLBI is not modelled). */
bool arch_tlbbatch_should_defer(mm_context_t *ctx);
/* Note [@start, @end) of @ctx as unmapped but not flushed. No yield. */
void arch_tlbbatch_add_pending(struct arch_tlbflush_unmap_batch *b,
			       mm_context_t *ctx, unsigned long start,
			       unsigned long end);
/* Flush everything @b holds and empty it. Yield point
 * "try_to_unmap_flush"; x86 then IPIs (and waits) like a flush. */
void arch_tlbbatch_flush(struct arch_tlbflush_unmap_batch *b);

/* Inspection (oracles, tests); not yield points. */
bool tlb_lookup(int cpu, const mm_context_t *ctx, unsigned long va,
		struct tlb_entry *out);
int tlb_nr_entries(int cpu, const mm_context_t *ctx);
/*
 * tlb_flush_gen - how many flushes reached @cpu's TLB so far: a hardware
 * walk that a flush overlapped is restarted (arch/mmu.c hw_walk).
 */
extern unsigned long tlb_flush_gens[SIM_MAX_CPUS];
static inline unsigned long tlb_flush_gen(int cpu)
{
	return tlb_flush_gens[cpu];
}
void tlb_for_each(void (*fn)(int cpu, const struct tlb_entry *e, void *arg),
		  void *arg);

/* arch-internal (arch/mmu.c <-> arch/tlb.c) */
struct tlb_entry *__tlb_find(int cpu, uint32_t id, unsigned long va);
void __tlb_fill(int cpu, const struct tlb_entry *e);
void __tlb_invalidate(struct tlb_entry *e);

#endif /* ARCH_MMU_H */
