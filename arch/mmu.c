// SPDX-License-Identifier: GPL-2.0
/*
 * arch/mmu.c - the hardware page walker and user accesses.
 *
 * The walker reads each level with an atomic load (one yield point per
 * level, "walker:pgd" .. "walker:pte"), so a kernel thread may change any
 * level between two reads, as on a real machine. Accessed, and Dirty for a
 * store, are set on the leaf with compare-and-swap after a yield point
 * ("walker:set_ad"): a kernel that read the entry before may see D appear
 * before its own get-and-clear, which returns it. If the CAS fails the
 * entry changed: the walk restarts from the top (and faults if the entry
 * is gone or no longer writable).
 *
 * The fill of the TLB and the access to the frame follow the last walk
 * step with no yield point in between: on hardware they are one
 * instruction, which an IPI cannot split.
 */
#include "arch/mmu.h"

const char *hw_fault_name(int code)
{
	static const char *const names[] = {
		"ok", "not present", "write protect", "protnone", "user",
	};

	return code >= 0 && code <= HW_FAULT_USER ? names[code] : "?";
}

static const char *const level_name[] = { "?", "pte", "pmd", "pud", "pgd" };

/*
 * The table in frame @pfn must be a live page table of @level: anything
 * else means an upper entry still points at a table that was freed (or was
 * never one): a page-table use-after-free.
 */
static void check_table(unsigned long pfn, int level, unsigned long va)
{
	struct page *page;

	if (unlikely(!pfn_valid(pfn) || pfn == 0)) {
		sim_violation("hardware walker: va %#lx: %s table pfn %lu is "
			      "not a valid frame",
			      va, level_name[level], pfn);
		return;
	}
	page = pfn_to_page(pfn);
	if (unlikely(!__test_bit(PG_table, &page->flags) ||
		     page->pt_level != (unsigned long)level))
		sim_violation("hardware walker: va %#lx: pfn %lu is not a live "
			      "%s table (freed page table still reachable?)",
			      va, pfn, level_name[level]);
}

static int fault(struct hw_fault *f, int code, int level, unsigned long va,
		 bool write)
{
	if (f) {
		f->code = code;
		f->level = level;
		f->va = va;
		f->write = write;
	}
	return code;
}

/*
 * What the explorer is told (DESIGN.md "The explorer sees the future"):
 * a user access names, at each of its yield points, the page-table entry
 * it reads next (by simulated physical address, as kernel code names the
 * entries it changes) and the data it reaches (sim_data_obj(): the folio's
 * first byte, as kernel copies name it), written by a store, read by a
 * load. The names are read without a yield when the task stops; when
 * another task changes the tables before this one runs they may be stale
 * (an over-approximation of what it touches, never a yield of its own).
 */

/* The data a present leaf entry @e of @level maps; 0 if none. */
static uintptr_t leaf_data_obj(unsigned long e, int level)
{
	unsigned long pfn = (e & PTE_PFN_MASK) >> PAGE_SHIFT;

	if (!(e & _PAGE_PRESENT) ||
	    (level != PT_PTE && !(level == PT_PMD && (e & _PAGE_PSE))))
		return 0;
	if (!pfn || !pfn_valid(pfn))
		return 0;
	return sim_data_obj(pfn_to_page(pfn));
}

/*
 * user_access_names - for a user access at @va on @cpu: *@entry, the leaf
 * entry it translates through (or the non-present entry it faults on),
 * and *@data, the data it reaches through a cached translation or that
 * entry (0: none). A peek: no yield, no side effect.
 */
static void user_access_names(int cpu, mm_context_t *ctx, unsigned long va,
			      uintptr_t *entry, uintptr_t *data)
{
	struct tlb_entry *te = __tlb_find(cpu, ctx->id, va);
	unsigned long table = ctx->pgd_pfn;

	*entry = 0;
	*data = 0;
	if (te && te->pfn && pfn_valid(te->pfn))
		*data = sim_data_obj(pfn_to_page(te->pfn));
	for (int level = PT_PGD; level >= PT_PTE; level--) {
		unsigned long *entryp, e;

		if (!table || !pfn_valid(table))
			return;
		entryp = (unsigned long *)__pfn_va(table) +
			 ((va >> (PAGE_SHIFT + 9 * (level - 1))) & 511);
		e = __atomic_load_n(entryp, __ATOMIC_RELAXED);
		*entry = __pa_host(entryp);
		if (!(e & _PAGE_PRESENT))
			return;
		if (level == PT_PTE || (level == PT_PMD && (e & _PAGE_PSE))) {
			if (!*data)
				*data = leaf_data_obj(e, level);
			return;
		}
		table = (e & PTE_PFN_MASK) >> PAGE_SHIFT;
	}
}

/*
 * Load one level's entry: a yield point labelled with the level. The
 * access after it reaches the data when the entry is a present leaf that
 * needs no A/D update, so the yield names the data too.
 */
static unsigned long walk_load(unsigned long *entryp, int level,
			       bool is_store, const struct sim_site *site)
{
	uintptr_t data = leaf_data_obj(__atomic_load_n(entryp,
						       __ATOMIC_RELAXED),
				       level);

	sim_yield_at2(SIM_EV_READ, __pa_host(entryp),
		      is_store ? SIM_EV_WRITE : SIM_EV_READ, data, site);
	/* the walker sees what is visible: not the stores still pending */
	return SIM_LOAD(entryp);
}

/*
 * hw_walk - translate @va for a user access, setting A (and D if
 * @is_store) on the leaf, and cache the translation on @cpu. Returns
 * HW_OK with *pfn_out, or a fault code.
 */
static int hw_walk(int cpu, mm_context_t *ctx, unsigned long va, bool is_store,
		   unsigned long *pfn_out, struct hw_fault *f)
{
	static const struct sim_site sites[] = {
		{ "walker:?", __FILE__, "hw_walk", __LINE__ },
		{ "walker:pte", __FILE__, "hw_walk", __LINE__ },
		{ "walker:pmd", __FILE__, "hw_walk", __LINE__ },
		{ "walker:pud", __FILE__, "hw_walk", __LINE__ },
		{ "walker:pgd", __FILE__, "hw_walk", __LINE__ },
	};
	unsigned long need = _PAGE_ACCESSED | (is_store ? _PAGE_DIRTY : 0);
	unsigned long table, e, *leafp, gen;
	struct tlb_entry te;
	int level;
	bool rw, user;

retry:
	gen = tlb_flush_gen(cpu);
	table = ctx->pgd_pfn;
	rw = user = true;
	for (level = PT_PGD;; level--) {
		unsigned long *entryp;

		check_table(table, level, va);
		entryp = (unsigned long *)__pfn_va(table) +
			 ((va >> (PAGE_SHIFT + 9 * (level - 1))) & 511);
		e = walk_load(entryp, level, is_store, &sites[level]);
		/*
		 * A flush reached this CPU while the walk waited at that
		 * load: the table may be unlinked and freed already (a
		 * retracted PTE table, pte_free_defer). The hardware never
		 * reads it (see below): start again before using @e.
		 */
		if (tlb_flush_gen(cpu) != gen)
			goto retry;
		if (!(e & _PAGE_PRESENT))
			return fault(f,
				     (e & _PAGE_PROTNONE) && (level == PT_PTE ||
							      level == PT_PMD) ?
					     HW_FAULT_PROTNONE :
					     HW_FAULT_NOT_PRESENT,
				     level, va, is_store);
		rw = rw && (e & _PAGE_RW);
		user = user && (e & _PAGE_USER);
		if (level == PT_PTE || (level == PT_PMD && (e & _PAGE_PSE))) {
			leafp = entryp;
			break;
		}
		VM_BUG_ON(level == PT_PUD && (e & _PAGE_PSE)); /* no 1G */
		table = (e & PTE_PFN_MASK) >> PAGE_SHIFT;
	}
	if (!user)
		return fault(f, HW_FAULT_USER, level, va, is_store);
	if (is_store && !rw)
		return fault(f, HW_FAULT_WRITE_PROTECT, level, va, is_store);
	if ((e & need) != need) {
		/* Race window: the kernel may change or clear the entry
		 * between our load and this CAS; the CAS then fails and we
		 * walk again. A kernel that read the entry before the CAS
		 * sees A/D appear; its get-and-clear returns them. */
		sim_yield2(SIM_EV_RMW, __pa_host(leafp),
			   is_store ? SIM_EV_WRITE : SIM_EV_READ,
			   leaf_data_obj(e, level), "walker:set_ad");
		/* the CAS is coherent: pending stores to the entry land first
		 * (then it fails, and we walk again) */
		if (__builtin_expect(sim_sb_live, 0))
			sim_sb_flush_addr(leafp);
		if (!__atomic_compare_exchange_n(leafp, &e, e | need, 0,
						 __ATOMIC_SEQ_CST,
						 __ATOMIC_SEQ_CST))
			goto retry;
		e |= need;
	}
	/*
	 * A flush reached this CPU during the walk (between its yield
	 * points): the walk may have used an entry the flusher has since
	 * unlinked (a PTE table collapse took away with its PTEs still
	 * present). The hardware cannot do that: on x86 the walk, the fill
	 * and the access are one instruction and the IPI waits for it to
	 * end; on arm64 the TLBI's DSB completes the walks in progress. So
	 * the walk starts again rather than cache what it found.
	 */
	if (tlb_flush_gen(cpu) != gen)
		goto retry;
	te = (struct tlb_entry){
		.huge = level == PT_PMD,
		.vpn = va >> (level == PT_PMD ? PMD_SHIFT : PAGE_SHIFT),
		.pfn = (e & PTE_PFN_MASK) >> PAGE_SHIFT,
		.ctx_id = ctx->id,
		.write = rw,
		.dirty = e & _PAGE_DIRTY,
		.user = user,
	};
	__tlb_fill(cpu, &te);
	*pfn_out = te.pfn + (te.huge ? (va >> PAGE_SHIFT) & 511 : 0);
	return HW_OK;
}

/* The frame a translation reached must be ordinary, allocated memory. */
static void check_frame(unsigned long pfn, unsigned long va, bool is_store,
			bool from_tlb)
{
	const char *how = from_tlb ? "a cached TLB entry" : "the page table";

	if (unlikely(!pfn_valid(pfn) || pfn == 0))
		sim_violation("user %s at va %#lx through %s reached invalid "
			      "pfn %lu",
			      is_store ? "store" : "load", va, how, pfn);
	else if (unlikely(physmem_frame_is_free(pfn)))
		sim_violation("user %s at va %#lx through %s reached pfn %lu, "
			      "which is free (use after free: stale TLB "
			      "entry or PTE)",
			      is_store ? "store" : "load", va, how, pfn);
	else if (unlikely(is_device_private_page(pfn_to_page(pfn))))
		sim_violation("user %s at va %#lx through %s reached "
			      "device-private pfn %lu (not CPU-addressable)",
			      is_store ? "store" : "load", va, how, pfn);
}

int hw_access(mm_context_t *ctx, unsigned long va, bool is_store, uint64_t *val,
	      struct hw_fault *f)
{
	int cpu = smp_processor_id();
	struct tlb_entry *e;
	unsigned long pfn;
	bool hit = false;
	int ret;

	VM_BUG_ON(va & 7);
	VM_BUG_ON(cpu_current_ctx(cpu) != ctx);
	{
		uintptr_t entry, data;

		user_access_names(cpu, ctx, va, &entry, &data);
		if (is_store)
			sim_yield2(SIM_EV_USER, entry, SIM_EV_WRITE, data,
				   "user:store");
		else
			sim_yield2(SIM_EV_USER, entry, SIM_EV_READ, data,
				   "user:load");
	}
	/*
	 * SIM: returning to user space makes this CPU's kernel stores
	 * visible (x86's IRET is serializing; on arm64 the buffer drains by
	 * itself, but a walk that kept missing the CPU's own pending PTE
	 * would spin here). User loads and stores themselves are SC.
	 */
	sim_sb_mb();
	e = __tlb_find(cpu, ctx->id, va);
	if (e) {
		int level = e->huge ? PT_PMD : PT_PTE;

		/* A fault caused by a cached entry drops it (x86 does). */
		if (!e->user) {
			__tlb_invalidate(e);
			return fault(f, HW_FAULT_USER, level, va, is_store);
		}
		if (is_store && !e->write) {
			__tlb_invalidate(e);
			return fault(f, HW_FAULT_WRITE_PROTECT, level, va,
				     is_store);
		}
		if (is_store && !e->dirty) {
			/* x86: a locked re-walk sets D, or faults */
			__tlb_invalidate(e);
		} else {
			hit = true;
			pfn = e->pfn + (e->huge ? (va >> PAGE_SHIFT) & 511 : 0);
		}
	}
	if (!hit) {
		ret = hw_walk(cpu, ctx, va, is_store, &pfn, f);
		if (ret != HW_OK)
			return ret;
	}
	check_frame(pfn, va, is_store, hit);
	/* a frame's words may be a mark (arch/physmem.c, "Contents") */
	if (is_store)
		physmem_store_word(pfn, (va & ~PAGE_MASK) >> 3, *val);
	else
		*val = physmem_load_word(pfn, (va & ~PAGE_MASK) >> 3);
	return HW_OK;
}
