// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mmu_gather.c - batched TLB flushing for unmaps (kernel:
 * mm/mmu_gather.c). Pages and page tables an unmap removed are queued and
 * only freed after the TLB flush: (1) clear the entries, (2) flush every
 * CPU's TLB, (3) free. Between tlb_gather_mmu() and tlb_finish_mmu() the
 * mm's tlb_flush_pending count is raised: entries may be cleared but still
 * cached in some TLB (see mm_tlb_flush_pending()).
 *
 * Page tables, two schemes (arch/mmu.h):
 *  - IPI (x86): tables are freed right after the flush. A GUP-fast walker
 *    reading a table has interrupts off, so the flush's IPI waits for it.
 *  - RCU (arm64, x86 paravirt: MMU_GATHER_RCU_TABLE_FREE): the flush does
 *    not wait for anyone, so tables are freed after an RCU grace period
 *    (tlb_remove_table_rcu); GUP-fast's interrupts-off section is an
 *    RCU-sched reader and holds the free off. When no batch can be had,
 *    tlb_remove_table_one() sends the IPI of tlb_remove_table_sync_one()
 *    (which GUP-fast's irq-off section delays) and frees at once.
 */
#include "swap.h"
#include "tlb.h"

/*
 * A batch of tables waiting for a grace period (kernel: struct
 * mmu_table_batch in a page from __get_free_page(GFP_NOWAIT)).
 * SIM: batches come from a small per-execution pool; when it is used up,
 * the allocation "fails" and the kernel's fallback runs.
 */
struct mmu_table_batch {
	struct rcu_head rcu;
	int nr;
	struct page *tables[MMU_GATHER_TABLES];
};

#define MMU_TABLE_BATCHES 16

static struct mmu_table_batch table_batches[MMU_TABLE_BATCHES];
static uint32_t table_batches_busy;	/* bit i: batch i is queued */

static void table_batches_reset(void)
{
	table_batches_busy = 0;
}

static struct mmu_table_batch *table_batch_alloc(void)
{
	uint32_t free = ~table_batches_busy & ((1U << MMU_TABLE_BATCHES) - 1);
	int i;

	if (!free)
		return NULL;
	i = __builtin_ctz(free);
	table_batches_busy |= 1U << i;
	table_batches[i].nr = 0;
	return &table_batches[i];
}

/*
 * __tlb_remove_table_free - free one page table from an RCU callback.
 * SIM: a callback runs like a softirq inside some task's yield point, so
 * it frees without a yield point of its own (pagetable_free's
 * __free_pages would yield); nobody else holds a table's reference.
 */
static void __tlb_remove_table_free(struct page *table)
{
	VM_BUG_ON_PAGE(!PageTable(table), table);
	__ClearPageTable(table);
	table->pt_level = PT_NONE;
	table->pt_mm = NULL;
	if (__atomic_sub_fetch(&table->_refcount.counter, 1,
			       __ATOMIC_SEQ_CST) == 0)
		free_frozen_pages(table, 0);
}

/* tlb_remove_table_rcu - the grace period is over: no walker is left. */
static void tlb_remove_table_rcu(struct rcu_head *head)
{
	struct mmu_table_batch *batch =
		container_of(head, struct mmu_table_batch, rcu);

	for (int i = 0; i < batch->nr; i++)
		__tlb_remove_table_free(batch->tables[i]);
	table_batches_busy &= ~(1U << (batch - table_batches));
}

static void tlb_remove_table_smp_sync(int cpu, void *info)
{
	/* Simply deliver the interrupt */
}

/*
 * tlb_remove_table_sync_one - see tlb.h. An IPI to every CPU: returns
 * once each has taken it, i.e. once no CPU is still inside an
 * interrupts-off section (GUP-fast) that began before. Only the RCU
 * scheme needs it: under the IPI scheme the flush itself did this.
 */
void tlb_remove_table_sync_one(void)
{
	/* every CPU there is (bits past SIM_MAX_CPUS name none) */
	cpumask_t all = { (1ULL << SIM_MAX_CPUS) - 1 };

	if (!mmu_rcu_table_free)
		return;
	smp_call_function_many(&all, tlb_remove_table_smp_sync, NULL);
}

/*
 * pte_free_defer - see tlb.h (kernel: mm/pgtable-generic.c). A PTE table
 * that retract_page_tables / collapse_pte_mapped_thp unlinked (PMD
 * cleared and flushed) is freed after an RCU grace period: a lockless
 * walker (GUP-fast, interrupts off) that read the old PMD may still be
 * reading it. SIM: the table rides in a batch of one from the pool
 * above; with no batch left the kernel's tlb_remove_table_one fallback
 * runs (IPI, then free at once).
 */
void pte_free_defer(struct mm_struct *mm, struct page *table)
{
	struct mmu_table_batch *batch;

	sim_on_reset(table_batches_reset);	/* idempotent */
	if (sim_task_id() < 0) {
		pagetable_free(table);
		return;
	}
	batch = table_batch_alloc();
	if (!batch) {
		tlb_remove_table_sync_one();
		pagetable_free(table);
		return;
	}
	batch->nr = 1;
	batch->tables[0] = table;
	sim_mark(mm, "pte_free_defer:call_rcu");
	call_rcu(&batch->rcu, tlb_remove_table_rcu);
}

static void __tlb_reset_range(struct mmu_gather *tlb)
{
	tlb->start = ~0UL;
	tlb->end = 0;
	tlb->freed_tables = false;
}

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm)
{
	sim_on_reset(table_batches_reset);	/* idempotent */
	tlb->mm = mm;
	tlb->fullmm = false;
	tlb->nr_pages = 0;
	tlb->nr_tables = 0;
	__tlb_reset_range(tlb);
	inc_tlb_flush_pending(mm);
}

void tlb_gather_mmu_fullmm(struct mmu_gather *tlb, struct mm_struct *mm)
{
	tlb_gather_mmu(tlb, mm);
	tlb->fullmm = true;
}

void tlb_flush_mmu_tlbonly(struct mmu_gather *tlb)
{
	if (tlb->end <= tlb->start && !tlb->freed_tables)
		return;
	if (tlb->fullmm || tlb->freed_tables)
		flush_tlb_mm(&tlb->mm->context);
	else
		flush_tlb_mm_range(&tlb->mm->context, tlb->start, tlb->end);
	__tlb_reset_range(tlb);
}

/*
 * tlb_batch_pages_flush - drop the queued references: one folio_put_refs
 * per queued run (the kernel's free_pages_and_swap_cache: a folio that
 * is no longer mapped leaves the swap cache first, mm/swap_state.c).
 */
static void tlb_batch_pages_flush(struct mmu_gather *tlb)
{
	/* tlb_batch_pages_put(), at the end of the file (every site line
	 * above it stays where it was): in the teardown after an
	 * execution, the frames freed go back in runs of consecutive pfns,
	 * as the kernel's folios_put_refs() batches them */
	tlb_batch_pages_put(tlb);
	tlb->nr_pages = 0;
}

/*
 * tlb_table_flush - free the tables gathered (the TLB was flushed). IPI
 * scheme: at once. RCU scheme: after a grace period, or, without a batch,
 * after tlb_remove_table_sync_one() (the kernel's tlb_remove_table_one).
 */
static void tlb_table_flush(struct mmu_gather *tlb)
{
	struct mmu_table_batch *batch;

	if (!tlb->nr_tables)
		return;
	/* No task runs (teardown after the execution): no walker either. */
	if (!mmu_rcu_table_free || sim_task_id() < 0) {
		for (int i = 0; i < tlb->nr_tables; i++)
			pagetable_free(tlb->tables[i]);
		tlb->nr_tables = 0;
		return;
	}
	batch = table_batch_alloc();
	if (!batch) {
		tlb_remove_table_sync_one();
		for (int i = 0; i < tlb->nr_tables; i++)
			pagetable_free(tlb->tables[i]);
		tlb->nr_tables = 0;
		return;
	}
	/* race window: a GUP-fast walker may still be reading these */
	batch->nr = tlb->nr_tables;
	memcpy(batch->tables, tlb->tables,
	       tlb->nr_tables * sizeof(tlb->tables[0]));
	tlb->nr_tables = 0;
	sim_mark(tlb->mm, "tlb_remove_table:call_rcu");
	call_rcu(&batch->rcu, tlb_remove_table_rcu);
}

void tlb_flush_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu_tlbonly(tlb);
	tlb_table_flush(tlb);
	tlb_batch_pages_flush(tlb);
}

/*
 * tlb_finish_mmu - flush, free, and leave. Two zaps of one range under
 * mmap_lock read (MADV_DONTNEED in two threads): (1) A clears the PTE and
 * batches its flush, (2) B finds the PTE empty, flushes nothing and
 * returns to user space, (3) B's CPU still has the stale TLB entry and
 * reads the zapped page. So a gather that saw another one in progress
 * flushes the whole mm (kernel commit 99baac21e458, "mm: fix
 * MADV_[FREE|DONTNEED] TLB flush miss problem"; mainline sets fullmm).
 */
void tlb_finish_mmu(struct mmu_gather *tlb)
{
	if (mm_tlb_flush_nested(tlb->mm)) {
		tlb->fullmm = true;
		__tlb_reset_range(tlb);
		tlb->freed_tables = true;
	}
	tlb_flush_mmu(tlb);
	dec_tlb_flush_pending(tlb->mm);
}

bool __tlb_remove_folio_pages(struct mmu_gather *tlb, struct page *page,
			      int nr)
{
	int n = tlb->nr_pages;

	/* Extend the previous run if it is the same folio. */
	if (n && page_folio(tlb->pages[n - 1].page) == page_folio(page)) {
		tlb->pages[n - 1].nr += nr;
		return false;
	}
	VM_BUG_ON(n >= MMU_GATHER_BATCH);
	tlb->pages[n].page = page;
	tlb->pages[n].nr = nr;
	tlb->nr_pages = n + 1;
	return tlb->nr_pages == MMU_GATHER_BATCH;
}

bool __tlb_remove_page(struct mmu_gather *tlb, struct page *page)
{
	return __tlb_remove_folio_pages(tlb, page, 1);
}

void tlb_remove_page_size(struct mmu_gather *tlb, struct page *page,
			  unsigned long size)
{
	if (__tlb_remove_page(tlb, page))
		tlb_flush_mmu(tlb);
}

void tlb_remove_table(struct mmu_gather *tlb, struct page *table)
{
	tlb->freed_tables = true;
	tlb->tables[tlb->nr_tables++] = table;
	if (tlb->nr_tables == MMU_GATHER_TABLES)
		tlb_flush_mmu(tlb);
}

/* A run of @nr freed folios from @run: one of them freed alone. */
static void free_folio_run(struct folio *run, unsigned long nr)
{
	if (nr == 1)
		folio_free_frozen(run);
	else
		folios_free_run(run, nr);
}

/*
 * tlb_batch_pages_put - tlb_batch_pages_flush()'s work: each queued run's
 * folio leaves the swap cache if it is no longer mapped, then loses the
 * run's references (the kernel's free_pages_and_swap_cache). With no task
 * running - the teardown after an execution, which nothing observes and
 * which has no yield point - the order-0 folios whose last reference
 * goes are freed in runs of consecutive pfns (folios_free_run), as the
 * kernel's folios_put_refs() frees a batch (that it hands them to
 * free_unref_folios() is not verified); the buddy lists end as single
 * frees would leave them. A PTE-mapped THP
 * split in the execution is 512 such folios: one pass instead of 512
 * frees merging pair by pair.
 */
void tlb_batch_pages_put(struct mmu_gather *tlb)
{
	struct folio *run = NULL;
	unsigned long nr_run = 0;
	bool running = sim_task_id() >= 0;

	for (int i = 0; i < tlb->nr_pages; i++) {
		struct folio *folio = page_folio(tlb->pages[i].page);
		int refs = tlb->pages[i].nr;

		free_swap_cache(folio);
		if (running || folio_test_large(folio) ||
		    is_device_private_page(&folio->page)) {
			folio_put_refs(folio, refs);
			continue;
		}
		if (!folio_ref_sub_and_test(folio, refs))
			continue;
		if (run && &run->page + nr_run == &folio->page) {
			nr_run++;
			continue;
		}
		if (run)
			free_folio_run(run, nr_run);
		run = folio;
		nr_run = 1;
	}
	if (run)
		free_folio_run(run, nr_run);
}
