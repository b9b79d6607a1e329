// SPDX-License-Identifier: GPL-2.0
/*
 * t_tlb - the hardware model: walker, A/D bits, TLBs and shootdown.
 *
 * The races mmsim looks for rest on three hardware facts; each is checked
 * here so that the mm layer can rely on them:
 *
 * (a) An unflushed TLB keeps working. CPU B caches a writable, dirty
 *     translation of va -> P1. The kernel (1) clears the PTE (or points it
 *     at P2) and, before (2) the flush, B stores again: the store lands in
 *     P1, not P2, and does not touch the PTE. After the flush B's store
 *     faults (or reaches P2). This is why every PTE change that removes
 *     access must be followed by a flush before the old page is freed.
 *
 * (b) A CPU with interrupts disabled delays a flush. A disables irqs
 *     (GUP-fast does); B clears a PTE and flushes: B's flush cannot
 *     complete while A's irqs stay off, and when it completes A's entry
 *     is gone. Explored over random and PCT schedules. GUP-fast's safety
 *     against concurrent page-table freeing rests on this.
 *
 * (c) The walker sets Dirty with compare-and-swap, so D can appear between
 *     a kernel's read of a PTE and its later get-and-clear; the
 *     get-and-clear returns it. Explored over 1,000 random schedules: at
 *     least one shows D landing in the window, none loses it (a lost
 *     dirty bit is lost user data on reclaim).
 *
 * Plus: protnone and write-protect faults, the spurious-fault rule, the
 * locked re-walk for a clean cached entry, huge PMD translations, and the
 * immediate report of a store through a stale entry to a freed frame.
 * Runs in about a second.
 */
#include <string.h>

#include "arch/mmu.h"
#include "page_ref.h"
#include "tap.h"
#include "unit_test.h"

#define VA 0x7f0000200010UL /* a word inside a 4 KiB page */
#define HVA 0x7f0000400000UL /* a 2 MiB-aligned huge mapping */

static mm_context_t ctx;
static pte_t *ptep;
static pmd_t *hpmdp;
static struct page *P1, *P2, *H;

static uint64_t word(struct page *p, unsigned long va)
{
	return *((uint64_t *)page_address(p) + ((va & ~PAGE_MASK) >> 3));
}

/*
 * Build pgd -> pud -> pmd -> pte for VA mapping P1 writable (clean,
 * young), and a PMD slot for HVA. Called outside tasks after
 * sim_exec_begin (accessors do not yield there).
 */
static void setup(struct sim_strategy *s, uint64_t seed)
{
	struct sim_config cfg = { .strategy = s, .seed = seed };
	struct page *pgd, *pud, *pmd, *pte;

	sim_exec_begin(&cfg);
	pgd = pagetable_alloc_level(PT_PGD);
	pud = pagetable_alloc_level(PT_PUD);
	pmd = pagetable_alloc_level(PT_PMD);
	pte = pagetable_alloc_level(PT_PTE);
	pgd_populate(NULL, pgd_offset_pfn(page_to_pfn(pgd), VA), pud);
	pud_populate(NULL, pud_offset_pfn(page_to_pfn(pud), VA), pmd);
	pmd_populate(NULL, pmd_offset_pfn(page_to_pfn(pmd), VA), pte);
	ptep = pte_offset_pfn(page_to_pfn(pte), VA);
	hpmdp = pmd_offset_pfn(page_to_pfn(pmd), HVA);
	P1 = alloc_pages(__GFP_ZERO, 0);
	P2 = alloc_pages(__GFP_ZERO, 0);
	H = NULL;
	set_pte_at(NULL, VA, ptep, pfn_pte(page_to_pfn(P1), PAGE_SHARED));
	init_new_context(&ctx, page_to_pfn(pgd));
}

static struct sim_result run(void)
{
	struct sim_result r;

	sim_exec_run(&r);
	if (r.outcome != SIM_OK)
		diag("%s: %s", sim_outcome_name(r.outcome), r.msg);
	return r;
}

/* ---- (a) stale TLB, one CPU ---- */

static bool a_ok;

static void stale_one_cpu(void *arg)
{
	struct hw_fault f;
	bool good;

	switch_mm(&ctx);
	good = hw_store(&ctx, VA, 1, NULL) == HW_OK && word(P1, VA) == 1 &&
	       pte_dirty(ptep_get(ptep));
	/* (1) clear the PTE, no flush: the cached dirty entry still works */
	ptep_get_and_clear(NULL, VA, ptep);
	good = good && hw_store(&ctx, VA, 2, NULL) == HW_OK &&
	       word(P1, VA) == 2 && pte_none(ptep_get(ptep));
	/* point it at P2, still no flush: the old frame keeps the stores */
	set_pte_at(NULL, VA, ptep, pfn_pte(page_to_pfn(P2), PAGE_SHARED));
	good = good && hw_store(&ctx, VA, 3, NULL) == HW_OK &&
	       word(P1, VA) == 3 && word(P2, VA) == 0 &&
	       !pte_dirty(ptep_get(ptep));
	/* (2) flush: now the store walks and reaches P2 */
	flush_tlb_page(&ctx, VA);
	good = good && hw_store(&ctx, VA, 4, NULL) == HW_OK &&
	       word(P2, VA) == 4 && word(P1, VA) == 3;
	/* cleared and flushed: the store faults */
	ptep_get_and_clear(NULL, VA, ptep);
	flush_tlb_page(&ctx, VA);
	good = good && hw_store(&ctx, VA, 5, &f) == HW_FAULT_NOT_PRESENT &&
	       f.level == PT_PTE && f.write && word(P2, VA) == 4;
	a_ok = good;
}

static bool t_stale_one_cpu(void)
{
	setup(NULL, 0);
	sim_task_create("cpu0", stale_one_cpu, NULL);
	return run().outcome == SIM_OK && a_ok;
}

/* ---- (a) stale TLB on another CPU, flushed by IPI ---- */

static int phase;
static bool b_ok[3];

static void wait_phase(int n)
{
	while (READ_ONCE(phase) < n)
		;
}

static void kernel_side(void *arg)
{
	wait_phase(1);
	ptep_get_and_clear(NULL, VA, ptep); /* (1) clear */
	WRITE_ONCE(phase, 2);
	wait_phase(3);
	flush_tlb_page(&ctx, VA); /* (2) flush by IPI */
	WRITE_ONCE(phase, 4);
}

static void user_side(void *arg)
{
	struct hw_fault f;

	switch_mm(&ctx);
	b_ok[0] = hw_store(&ctx, VA, 1, NULL) == HW_OK;
	WRITE_ONCE(phase, 1);
	wait_phase(2);
	b_ok[1] = hw_store(&ctx, VA, 2, NULL) == HW_OK && word(P1, VA) == 2;
	WRITE_ONCE(phase, 3);
	wait_phase(4);
	b_ok[2] = hw_store(&ctx, VA, 3, &f) == HW_FAULT_NOT_PRESENT &&
		  word(P1, VA) == 2;
}

static bool t_stale_other_cpu(void)
{
	phase = 0;
	setup(NULL, 0);
	sim_task_create("kernel", kernel_side, NULL);
	sim_task_create("user", user_side, NULL);
	return run().outcome == SIM_OK && b_ok[0] && b_ok[1] && b_ok[2];
}

/* ---- (b) an irq-disabled CPU delays the flush ---- */

static int seq, a_dis, a_en, b_start, b_done;
static bool b_saw_clean;

static void irqs_off_cpu(void *arg)
{
	switch_mm(&ctx);
	hw_store(&ctx, VA, 1, NULL); /* cache the translation */
	local_irq_disable();
	a_dis = ++seq;
	for (int i = 0; i < 4; i++)
		sim_yield(SIM_EV_USER, 0, "gup_fast-like work, irqs off");
	a_en = ++seq;
	local_irq_enable();
}

static void flusher_cpu(void *arg)
{
	b_start = ++seq;
	ptep_get_and_clear(NULL, VA, ptep);
	flush_tlb_page(&ctx, VA);
	b_done = ++seq;
	b_saw_clean = !tlb_lookup(0, &ctx, VA, NULL);
}

static int irq_bad, irq_delayed, irq_runs;

static void irq_one(struct sim_strategy *s, uint64_t seed)
{
	struct sim_result r;

	seq = a_dis = a_en = b_start = b_done = 0;
	setup(s, seed);
	sim_task_create("irqs_off", irqs_off_cpu, NULL);
	sim_task_create("flusher", flusher_cpu, NULL);
	r = run();
	irq_runs++;
	/* forbidden: the whole flush inside A's irq-off window */
	if (r.outcome != SIM_OK || !b_saw_clean ||
	    (a_dis < b_start && b_done < a_en))
		irq_bad++;
	if (a_dis < b_start && b_start < a_en && b_done > a_en)
		irq_delayed++;
}

static bool t_irq_delay(void)
{
	irq_one(NULL, 0);
	for (uint64_t seed = 0; seed < 300; seed++) {
		irq_one(sim_strategy_random(), seed);
		irq_one(sim_strategy_pct(2), seed);
	}
	diag("%d executions, %d with the flush delayed by irqs-off", irq_runs,
	     irq_delayed);
	return irq_bad == 0 && irq_delayed > 0;
}

/*
 * (b') arm64: the broadcast TLBI needs no action of the target. The same
 * two CPUs: some schedule runs B's whole flush inside A's irq-off
 * window, and in every schedule A's entry is gone once B's flush is done.
 */
static bool t_irq_broadcast(void)
{
	int inside = 0, bad = 0;

	mmu_arch_set(MMU_ARCH_ARM64, false);
	for (uint64_t seed = 0; seed < 300; seed++) {
		struct sim_result r;

		seq = a_dis = a_en = b_start = b_done = 0;
		setup(sim_strategy_random(), seed);
		sim_task_create("irqs_off", irqs_off_cpu, NULL);
		sim_task_create("flusher", flusher_cpu, NULL);
		r = run();
		if (r.outcome != SIM_OK || !b_saw_clean)
			bad++;
		if (a_dis < b_start && b_done < a_en)
			inside++;
	}
	mmu_arch_set(MMU_ARCH_X86, false);
	diag("arm64: %d of 300 executions flushed inside the irq-off window",
	     inside);
	return bad == 0 && inside > 0;
}

/* ---- (c) Dirty lands between a kernel read and get-and-clear ---- */

static bool w_ok, read_dirty, old_dirty;

static void writer_cpu(void *arg)
{
	switch_mm(&ctx);
	w_ok = hw_store(&ctx, VA, 7, NULL) == HW_OK;
}

static void reader_cpu(void *arg)
{
	pte_t old;

	read_dirty = pte_dirty(ptep_get(ptep));
	old = ptep_get_and_clear(NULL, VA, ptep);
	old_dirty = pte_dirty(old);
}

static bool t_dirty_race(void)
{
	int lost = 0, window = 0, bad = 0;

	for (uint64_t seed = 0; seed < 1000; seed++) {
		setup(sim_strategy_random(), seed);
		w_ok = read_dirty = old_dirty = false;
		sim_task_create("writer", writer_cpu, NULL);
		sim_task_create("reader", reader_cpu, NULL);
		if (run().outcome != SIM_OK)
			bad++;
		/* the store completed before the clear: D must be returned */
		if (w_ok && !old_dirty)
			lost++;
		if (!read_dirty && old_dirty)
			window++;
	}
	diag("1000 executions: %d with D set between read and "
	     "get-and-clear, %d lost",
	     window, lost);
	return !bad && !lost && window > 0;
}

/* ---- faults and cached-entry rules ---- */

static bool f_ok[6];

static void faults(void *arg)
{
	struct hw_fault f;
	uint64_t v = 0;
	pte_t p1 = pfn_pte(page_to_pfn(P1), PAGE_SHARED);

	switch_mm(&ctx);
	/* protnone: a NUMA hinting fault */
	set_pte_at(NULL, VA, ptep, pte_modify(p1, PAGE_NONE));
	f_ok[0] = hw_load(&ctx, VA, &v, &f) == HW_FAULT_PROTNONE &&
		  f.level == PT_PTE;
	/* read-only: load fills a clean read-only entry, store faults */
	set_pte_at(NULL, VA, ptep, pte_wrprotect(p1));
	f_ok[1] = hw_load(&ctx, VA, &v, NULL) == HW_OK &&
		  hw_store(&ctx, VA, 1, &f) == HW_FAULT_WRITE_PROTECT;
	/* spurious: made writable without flush; the cached read-only entry
	 * faults once, the fault drops it, the retry walks */
	hw_load(&ctx, VA, &v, NULL);
	set_pte_at(NULL, VA, ptep, p1);
	f_ok[2] = hw_store(&ctx, VA, 1, NULL) == HW_FAULT_WRITE_PROTECT &&
		  hw_store(&ctx, VA, 2, NULL) == HW_OK && word(P1, VA) == 2;
	/* a clean writable cached entry: the store re-walks to set D ... */
	flush_tlb_page(&ctx, VA);
	set_pte_at(NULL, VA, ptep, p1);
	f_ok[3] = hw_load(&ctx, VA, &v, NULL) == HW_OK &&
		  !pte_dirty(ptep_get(ptep)) &&
		  hw_store(&ctx, VA, 3, NULL) == HW_OK &&
		  pte_dirty(ptep_get(ptep));
	/* ... and faults if the PTE was write-protected meanwhile */
	flush_tlb_page(&ctx, VA);
	set_pte_at(NULL, VA, ptep, p1);
	hw_load(&ctx, VA, &v, NULL);
	ptep_set_wrprotect(NULL, VA, ptep);
	f_ok[4] = hw_store(&ctx, VA, 4, NULL) == HW_FAULT_WRITE_PROTECT &&
		  word(P1, VA) == 3;
	/* a huge PMD: the store to the second subpage lands in frame + 1 */
	set_pmd_at(NULL, HVA, hpmdp,
		   pmd_mkhuge(pfn_pmd(page_to_pfn(H), PAGE_SHARED)));
	f_ok[5] = hw_store(&ctx, HVA + PAGE_SIZE + 8, 9, NULL) == HW_OK &&
		  word(H + 1, 8) == 9 && pmd_dirty(pmdp_get(hpmdp)) &&
		  tlb_lookup(0, &ctx, HVA + 5 * PAGE_SIZE, NULL);
}

static bool t_faults(void)
{
	bool good = true;

	setup(NULL, 0);
	H = alloc_pages(__GFP_COMP | __GFP_ZERO, HPAGE_PMD_ORDER);
	sim_task_create("cpu0", faults, NULL);
	good = run().outcome == SIM_OK;
	for (int i = 0; i < 6; i++) {
		if (!f_ok[i])
			diag("fault check %d failed", i);
		good = good && f_ok[i];
	}
	return good;
}

/* ---- use after free through a stale entry ---- */

static void stale_after_free(void *arg)
{
	switch_mm(&ctx);
	hw_store(&ctx, VA, 1, NULL);
	ptep_get_and_clear(NULL, VA, ptep);
	__free_pages(P1, 0); /* BUG: freed before the flush */
	hw_store(&ctx, VA, 2, NULL); /* stale entry reaches a free frame */
}

static bool t_uaf(void)
{
	struct sim_result r;
	char want[64];

	setup(NULL, 0);
	snprintf(want, sizeof(want), "pfn %lu, which is free", page_to_pfn(P1));
	sim_task_create("cpu0", stale_after_free, NULL);
	sim_exec_run(&r);
	return r.outcome == SIM_VIOLATION && strstr(r.msg, want);
}

static const struct unit_test tests[] = {
	{ "Unflushed dirty TLB entry keeps writing the old frame; after the "
	  "flush the store faults or reaches the new frame",
	  t_stale_one_cpu },
	{ "Another CPU's stale entry survives until the flush IPI, then "
	  "faults",
	  t_stale_other_cpu },
	{ "A flush cannot complete while a target CPU has irqs disabled",
	  t_irq_delay },
	{ "arm64: a broadcast flush completes while a target CPU has irqs "
	  "disabled, and removes its entry",
	  t_irq_broadcast },
	{ "Walker's Dirty set between kernel read and get-and-clear is "
	  "returned, never lost",
	  t_dirty_race },
	{ "Protnone, write-protect, spurious and locked-re-walk faults; huge "
	  "PMD translation",
	  t_faults },
	{ "A store through a stale entry to a freed frame is reported at "
	  "once",
	  t_uaf },
};

UNIT_TESTS_MAIN(tests)
