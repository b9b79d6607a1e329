// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mmu_gather.c - batched TLB flushing for unmaps (kernel:
 * mm/mmu_gather.c). Pages and page tables an unmap removed are queued and
 * only freed after the TLB flush: (1) clear the entries, (2) flush every
 * CPU's TLB (IPIs, which an irq-disabled GUP-fast delays), (3) free.
 * SIM: page tables are freed after the IPI flush (x86 without
 * CONFIG_MMU_GATHER_RCU_TABLE_FREE): GUP-fast is held off by its irq-off
 * section, which delays the IPI acknowledgement.
 */
#include "tlb.h"

static void __tlb_reset_range(struct mmu_gather *tlb)
{
	tlb->start = ~0UL;
	tlb->end = 0;
	tlb->freed_tables = false;
}

/* The kernel's include/linux/mm_types.h helpers, on mm->tlb_flush_pending. */
static inline void inc_tlb_flush_pending(struct mm_struct *mm)
{
	atomic_inc(&mm->tlb_flush_pending);
}

static inline void dec_tlb_flush_pending(struct mm_struct *mm)
{
	atomic_dec(&mm->tlb_flush_pending);
}

static inline bool mm_tlb_flush_nested(struct mm_struct *mm)
{
	return atomic_read(&mm->tlb_flush_pending) > 1;
}

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm)
{
	tlb->mm = mm;
	inc_tlb_flush_pending(mm);
	tlb->fullmm = false;
	tlb->nr_pages = 0;
	tlb->nr_tables = 0;
	__tlb_reset_range(tlb);
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
 * per queued run (the kernel's folios_put_refs).
 */
static void tlb_batch_pages_flush(struct mmu_gather *tlb)
{
	for (int i = 0; i < tlb->nr_pages; i++)
		folio_put_refs(page_folio(tlb->pages[i].page),
			       tlb->pages[i].nr);
	tlb->nr_pages = 0;
}

static void tlb_table_flush(struct mmu_gather *tlb)
{
	for (int i = 0; i < tlb->nr_tables; i++)
		pagetable_free(tlb->tables[i]);
	tlb->nr_tables = 0;
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
