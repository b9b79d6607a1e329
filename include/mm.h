/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/mm.h - the memory manager's core types and API: mm_struct,
 * vm_area_struct, vm_flags, faults, page-table allocation and locks,
 * folio allocation and freeing, zapping, fork, user accesses.
 *
 * The header is the API, one line of contract per function; details are
 * above each function in mm/<file>.c, which names the kernel file it
 * models. Locks named in a contract are the caller's business.
 */
#ifndef MMSIM_MM_H
#define MMSIM_MM_H

#include <errno.h>
#include <string.h>

#include "arch/mmu.h"
#include "arch/pgtable.h"
#include "arch/physmem.h"
#include "mm_types.h"
#include "mmdebug.h"
#include "page-flags.h"
#include "page_ref.h"
#include "seqlock.h"
#include "swapops.h"
#include "sim/sync.h"

struct anon_vma;
struct mmu_gather;


/* A PTE table, as deposited for a huge PMD: its struct page. */
typedef struct page *pgtable_t;

/* ---- vm_flags ---- */

#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL
#define VM_LOCKED	0x00002000UL
#define VM_DONTCOPY	0x00020000UL	/* MADV_DONTFORK */
#define VM_DONTEXPAND	0x00040000UL
#define VM_ACCOUNT	0x00100000UL
#define VM_NORESERVE	0x00200000UL
#define VM_WIPEONFORK	0x02000000UL	/* MADV_WIPEONFORK */
#define VM_HUGEPAGE	0x20000000UL	/* MADV_HUGEPAGE */
#define VM_NOHUGEPAGE	0x40000000UL	/* MADV_NOHUGEPAGE */
#define VM_MERGEABLE	0x80000000UL	/* MADV_MERGEABLE: KSM may merge */
#define VM_STACK	VM_GROWSDOWN
#define VM_ACCESS_FLAGS	(VM_READ | VM_WRITE | VM_EXEC)

/* vma_is_accessible - may user space access @vma at all (not PROT_NONE)? */
#define vma_is_accessible(vma) (((vma)->vm_flags & VM_ACCESS_FLAGS) != 0)

/* mmap(2) arguments (the Linux values; <sys/mman.h> may define them). */
#ifndef PROT_NONE
#define PROT_NONE	0x0
#endif
#ifndef PROT_READ
#define PROT_READ	0x1
#endif
#ifndef PROT_WRITE
#define PROT_WRITE	0x2
#endif
#ifndef PROT_EXEC
#define PROT_EXEC	0x4
#endif
#ifndef MAP_SHARED
#define MAP_SHARED	0x01
#endif
#ifndef MAP_PRIVATE
#define MAP_PRIVATE	0x02
#endif
#ifndef MAP_FIXED
#define MAP_FIXED	0x10
#endif
#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS	0x20
#endif
#ifndef MAP_GROWSDOWN
#define MAP_GROWSDOWN	0x0100
#endif
#ifndef MAP_STACK
#define MAP_STACK	0x20000
#endif

/* madvise(2) behaviours modelled. */
#ifndef MADV_DONTNEED
#define MADV_DONTNEED	4
#endif
#ifndef MADV_DONTFORK
#define MADV_DONTFORK	10
#endif
#ifndef MADV_DOFORK
#define MADV_DOFORK	11
#endif
#ifndef MADV_REMOVE
#define MADV_REMOVE	9
#endif
#ifndef MADV_MERGEABLE
#define MADV_MERGEABLE	12
#endif
#ifndef MADV_UNMERGEABLE
#define MADV_UNMERGEABLE 13
#endif
#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE	14
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif
#ifndef MADV_NOHUGEPAGE
#define MADV_NOHUGEPAGE	15
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK	18
#endif
#ifndef MADV_KEEPONFORK
#define MADV_KEEPONFORK	19
#endif

#define MMAP_BASE	0x10000000UL	/* SIM: bottom-up search start */

#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define ALIGN_DOWN(x, a) ((x) & ~((a) - 1))
#define ALIGN(x, a)	(((x) + (a) - 1) & ~((a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((a) - 1)) == 0)
#define IS_ERR_VALUE(x)	((unsigned long)(x) >= (unsigned long)-4095)

/* ---- mm_struct ---- */

enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES,
       NR_MM_COUNTERS };

/* mm->flags bits. */
#define MMF_HAS_PINNED	27	/* FOLL_PIN has run, never cleared */

struct mm_struct {
	mm_context_t context;		/* arch: pgd pfn, cpumask */
	pgd_t *pgd;			/* host address of the pgd frame */
	/* mmap_lock protects the VMA list and every vma's fields: */
	struct rw_semaphore mmap_lock;
	struct list_head mmap;		/* SIM: VMAs sorted by vm_start */
	int map_count;
	unsigned long total_vm;		/* pages mapped */
	unsigned long stack_vm;		/* pages in VM_STACK vmas */
	/* page_table_lock protects upper-level tables and vma->anon_vma: */
	spinlock_t page_table_lock;
	atomic_t mm_users;		/* address-space users (tasks) */
	atomic_t mm_count;		/* references to the struct */
	atomic_long_t rss_stat[NR_MM_COUNTERS];
	atomic_long_t pgtables_bytes;
	/*
	 * write_protect_seq: odd while fork write-protects anon PTEs of
	 * this mm (under mmap_lock write); GUP-fast reads it to detect that.
	 */
	seqcount_t write_protect_seq;
	/*
	 * tlb_flush_pending: batchers (mmu_gather users, change_protection)
	 * that changed entries of this mm and have not flushed yet.
	 * Raised before the first entry changes, lowered after the flush;
	 * read under a PTL by whoever must not trust a non-present entry
	 * to be absent from every TLB (pte_accessible, the hinting faults).
	 * More than one at once: a parallel zap may have cleared a PTE that
	 * this one then found empty and did not flush (mm_tlb_flush_nested).
	 */
	atomic_t tlb_flush_pending;
	/*
	 * tlb_flush_batched: bits 0-14 count the deferred unmap flushes
	 * begun (set_tlb_ubc_flush_pending), bits 16-30 the count last seen
	 * flushed by flush_tlb_batched_pending() (mm/rmap.c).
	 */
	atomic_t tlb_flush_batched;
	unsigned long flags;		/* MMF_* bits */
	int id;				/* SIM: for traces and reports */
	bool dead;			/* SIM: __mmdrop ran */
	struct list_head mm_list;	/* SIM: all live mms (invariants) */
};

/*
 * The deferred-flush counter (kernel: include/linux/mm_types.h).
 * SIM: plain atomics without a yield point of their own: the kernel
 * orders the increment before the entry changes with the PTL the batcher
 * takes next, and every reader reads it under a PTL, so with sequentially
 * consistent memory no interleaving around them is observable.
 */
static inline void inc_tlb_flush_pending(struct mm_struct *mm)
{
	__atomic_add_fetch(&mm->tlb_flush_pending.counter, 1, __ATOMIC_SEQ_CST);
}

static inline void dec_tlb_flush_pending(struct mm_struct *mm)
{
	__atomic_sub_fetch(&mm->tlb_flush_pending.counter, 1, __ATOMIC_SEQ_CST);
}

/* pte_accessible - may some TLB still hold a translation from @pte?
 * (mm/pgtable-generic.c) */
bool pte_accessible(struct mm_struct *mm, pte_t pte);

/* Has someone changed entries of @mm without flushing them yet? */
static inline bool mm_tlb_flush_pending(struct mm_struct *mm)
{
	return __atomic_load_n(&mm->tlb_flush_pending.counter,
			       __ATOMIC_SEQ_CST) > 0;
}

/* More than one batcher at once (tlb_finish_mmu then flushes it all). */
static inline bool mm_tlb_flush_nested(struct mm_struct *mm)
{
	return __atomic_load_n(&mm->tlb_flush_pending.counter,
			       __ATOMIC_SEQ_CST) > 1;
}

/* ---- vm_area_struct ---- */

/*
 * A VMA. All fields are protected by mm->mmap_lock (write to change, read
 * to look) except anon_vma, which is set once under page_table_lock with
 * mmap_lock held for read (anon_vma_prepare).
 */
struct vm_area_struct {
	unsigned long vm_start;		/* first byte */
	unsigned long vm_end;		/* first byte after */
	struct mm_struct *vm_mm;
	pgprot_t vm_page_prot;
	unsigned long vm_flags;
	unsigned long vm_pgoff;		/* anon: vm_start >> PAGE_SHIFT */
	struct anon_vma *anon_vma;
	struct list_head anon_vma_chain;	/* avc->same_vma */
	struct list_head vm_list;	/* SIM: entry in mm->mmap */
	/* file VMAs (tmpfs: include/pagemap.h): */
	struct file *vm_file;		/* NULL: anonymous */
	struct list_head shared;	/* i_mmap link, by vm_pgoff */
};

/* vma_is_anonymous - no file behind it (kernel: no vm_ops). */
static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_file;
}

/* vma_is_shmem - a tmpfs file or MAP_SHARED|MAP_ANONYMOUS (all files are
 * tmpfs in the model). */
static inline bool vma_is_shmem(const struct vm_area_struct *vma)
{
	return vma->vm_file != NULL;
}

static inline bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* linear_page_index - the anon index of @address in @vma (folio->index). */
static inline unsigned long linear_page_index(const struct vm_area_struct *vma,
					      unsigned long address)
{
	return ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

#define vma_for_each(vma, mm) list_for_each_entry(vma, &(mm)->mmap, vm_list)

/* ---- faults ---- */

typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM		0x0001
#define VM_FAULT_SIGBUS		0x0002
#define VM_FAULT_MAJOR		0x0004
#define VM_FAULT_SIGSEGV	0x0040
#define VM_FAULT_NOPAGE		0x0100
#define VM_FAULT_RETRY		0x0400
#define VM_FAULT_FALLBACK	0x0800
#define VM_FAULT_ERROR	(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

#define FAULT_FLAG_WRITE	0x01
#define FAULT_FLAG_ALLOW_RETRY	0x04
#define FAULT_FLAG_USER		0x40
#define FAULT_FLAG_REMOTE	0x80
#define FAULT_FLAG_UNSHARE	0x400	/* break COW for a R/O pin */

/* What a fault handler works on; the kernel's struct vm_fault. */
struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address;		/* page-aligned */
	unsigned long real_address;
	unsigned int flags;		/* FAULT_FLAG_* */
	pmd_t *pmd;
	pud_t *pud;
	pmd_t orig_pmd;
	pte_t orig_pte;
	pte_t *pte;			/* mapped PTE, or NULL */
	spinlock_t *ptl;		/* the PTL of *pte or *pmd */
	struct page *page;
	pgtable_t prealloc_pte;
	unsigned long pgoff;		/* file index of address */
	struct page *cow_page;		/* do_cow_fault's new page */
};

/* handle_mm_fault - resolve a fault; mmap_lock held for read. */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags, void *regs);
/* The user's fault path (SIM: arch's handler, in mm/fault.c). */
int do_user_addr_fault(struct mm_struct *mm, unsigned long address,
		       unsigned int flags);
/* Hook for migration: wait until a migration entry is gone. */
void migration_entry_wait(struct mm_struct *mm, pmd_t *pmd,
			  unsigned long address);
void pmd_migration_entry_wait(struct mm_struct *mm, pmd_t *pmd);

/* ---- user accesses (the scenario layer) ---- */

/*
 * mm_user_load/mm_user_store - an 8-byte user access at @va (8-aligned) on
 * the running task's CPU, which must be bound to @mm: the hardware walk,
 * a fault and a retry as often as needed. 0, or -EFAULT (SIGSEGV).
 */
int mm_user_load(struct mm_struct *mm, unsigned long va, uint64_t *val);
int mm_user_store(struct mm_struct *mm, unsigned long va, uint64_t val);
/* mm_task_bind - run the current task in @mm (switch_mm), NULL: none. */
void mm_task_bind(struct mm_struct *mm);
/* The mm the current task runs in, or NULL. */
struct mm_struct *mm_current(void);

/* ---- mm lifetime and fork (mm/fork.c) ---- */

/* mm_alloc - a new empty mm: users 1, count 1, pgd allocated. NULL: OOM. */
struct mm_struct *mm_alloc(void);
/* mmput - drop a user; the last one tears the address space down. */
void mmput(struct mm_struct *mm);
void mmgrab(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);
/* dup_mm - fork(): a copy of @oldmm's address space. NULL: OOM. */
struct mm_struct *dup_mm(struct mm_struct *oldmm);
/* exit_mmap - unmap everything, free every page table (mm/mmap.c). */
void exit_mmap(struct mm_struct *mm);
/* SIM: every live mm, for the invariant checker. */
extern struct list_head sim_mm_list;

/* ---- VMAs (mm/mmap.c) ---- */

/*
 * get_unmapped_area - the lowest free gap of @len at or above MMAP_BASE,
 * PMD-aligned for lengths of at least a PMD (THP-friendly, as 6.7+), or
 * -ENOMEM. mmap_lock held (mmap, and mremap's move).
 */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len);
/* find_vma - the first VMA with vm_end > @addr, or NULL. mmap_lock held. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* vma_lookup - the VMA containing @addr, or NULL. mmap_lock held. */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
/* split_vma - split @vma at @addr; @new_below: the new one is below. */
int split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below);
/* do_mmap - map private anonymous memory; mmap_lock held for write. */
unsigned long do_mmap(struct mm_struct *mm, unsigned long addr,
		      unsigned long len, unsigned long prot,
		      unsigned long flags, unsigned long pgoff);
/* do_mmap_file - map a tmpfs file (NULL: MAP_SHARED|MAP_ANONYMOUS). */
unsigned long do_mmap_file(struct mm_struct *mm, struct file *file,
			   unsigned long addr, unsigned long len,
			   unsigned long prot, unsigned long flags,
			   unsigned long pgoff);
/* do_munmap - unmap [start, start+len); mmap_lock held for write. */
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
/* vm_mmap/vm_munmap - the same, taking mmap_lock (SIM: @mm explicit). */
unsigned long vm_mmap(struct mm_struct *mm, unsigned long addr,
		      unsigned long len, unsigned long prot,
		      unsigned long flags, unsigned long pgoff);
int vm_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
/*
 * madvise_walk_vmas - @visit(vma, s, e, @arg) for the part [s, e) of each
 * VMA that [@start, @end) covers, in address order (kernel: the VMA loop
 * of madvise_walk_vmas). mmap_lock held by the caller.
 */
void madvise_walk_vmas(struct mm_struct *mm, unsigned long start,
		       unsigned long end,
		       void (*visit)(struct vm_area_struct *vma,
				     unsigned long s, unsigned long e,
				     void *arg),
		       void *arg);
/* do_madvise - madvise(2) for the behaviours above (mm/madvise.c). */
int do_madvise(struct mm_struct *mm, unsigned long start, size_t len,
	       int behavior);
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);
/* insert_vm_struct - link @vma into @mm's list; mmap_lock held for write. */
void insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma);
pgprot_t vm_get_page_prot(unsigned long vm_flags);

static inline void mmap_read_lock(struct mm_struct *mm)
{
	down_read(&mm->mmap_lock);
}

static inline bool mmap_read_trylock(struct mm_struct *mm)
{
	return down_read_trylock(&mm->mmap_lock);
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_lock);
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	down_write(&mm->mmap_lock);
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	up_write(&mm->mmap_lock);
}

static inline void mmap_assert_locked(struct mm_struct *mm)
{
	VM_BUG_ON(!rwsem_is_locked(&mm->mmap_lock));
}

static inline void mmap_assert_write_locked(struct mm_struct *mm)
{
	VM_BUG_ON(!rwsem_is_write_locked(&mm->mmap_lock));
}

/* ---- counters ---- */

static inline void add_mm_counter(struct mm_struct *mm, int member, long v)
{
	__atomic_add_fetch(&mm->rss_stat[member].counter, v, SIM_MO);
}

static inline long get_mm_counter(struct mm_struct *mm, int member)
{
	return __atomic_load_n(&mm->rss_stat[member].counter, SIM_MO);
}

static inline void mm_inc_nr_ptes(struct mm_struct *mm)
{
	__atomic_add_fetch(&mm->pgtables_bytes.counter, PAGE_SIZE, SIM_MO);
}

static inline void mm_dec_nr_ptes(struct mm_struct *mm)
{
	__atomic_sub_fetch(&mm->pgtables_bytes.counter, PAGE_SIZE, SIM_MO);
}

/* ---- page tables (mm/memory.c) ---- */

/* __pte_alloc - make *@pmd point at a PTE table. 0, or -ENOMEM. */
int __pte_alloc(struct mm_struct *mm, pmd_t *pmd);
int __pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long address);
int __pud_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long address);
pud_t *pud_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long address);
pmd_t *pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long address);
/* pte_alloc - true on failure (the kernel's convention). */
bool pte_alloc(struct mm_struct *mm, pmd_t *pmd);
/* A page-table page, zeroed, PG_table, ptl initialised. NULL: OOM. */
struct page *pte_alloc_one(struct mm_struct *mm);
struct page *pmd_alloc_one_page(struct mm_struct *mm, int level);
void pte_free(struct mm_struct *mm, struct page *table);
/* The PTE table's lock (split PTE lock in its struct page). */
spinlock_t *pte_lockptr(struct mm_struct *mm, pmd_t *pmd);
/* The PMD lock: split, in the PMD table's struct page. */
spinlock_t *pmd_lockptr(struct mm_struct *mm, pmd_t *pmd);
spinlock_t *pmd_lock(struct mm_struct *mm, pmd_t *pmd);
/*
 * pte_offset_map_lock - map and lock the PTE for @addr under *@pmd. NULL if
 * *@pmd is none, huge, or changed under us (the caller retries or skips).
 */
pte_t *pte_offset_map_lock(struct mm_struct *mm, pmd_t *pmd,
			   unsigned long addr, spinlock_t **ptlp);
/* pte_offset_map - the same without the lock (pmd value re-checked). */
pte_t *pte_offset_map(pmd_t *pmd, unsigned long addr, pmd_t *pmdvalp);
static inline void pte_unmap(pte_t *pte)
{
}
void pte_unmap_unlock(pte_t *pte, spinlock_t *ptl);
/* REGRESSION finish-fault-pmd-no-recheck: the PMD read once, trusted. */
pte_t *pte_offset_map_lock_norecheck(struct mm_struct *mm, pmd_t *pmd,
				     unsigned long addr, spinlock_t **ptlp);
/* mm_find_pmd - the PMD entry for @address, or NULL if not allocated. */
pmd_t *mm_find_pmd(struct mm_struct *mm, unsigned long address);
/* vm_normal_page - the page a present PTE maps; NULL for the zero page. */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr,
			    pte_t pte);
struct page *vm_normal_page_pmd(struct vm_area_struct *vma,
				unsigned long addr, pmd_t pmd);

/* ---- folios (mm/page_alloc.c, mm/swap.c) ---- */

/* folio_alloc - a folio of @order, refcount 1. NULL: OOM. */
struct folio *folio_alloc(gfp_t gfp, unsigned int order);
/* vma_alloc_folio - for user memory at @addr in @vma, zeroed if asked. */
struct folio *vma_alloc_folio(gfp_t gfp, int order,
			      struct vm_area_struct *vma, unsigned long addr,
			      bool hugepage);
/* folio_put - drop a reference; the last one frees the whole folio. */
void folio_put(struct folio *folio);
void folio_put_unobserved(struct folio *folio);
void folios_free_run(struct folio *first, unsigned long nr);
void folio_put_refs(struct folio *folio, int refs);
static inline void put_page(struct page *page)
{
	folio_put(page_folio(page));
}
/* The shared zero page and huge zero page (never freed; not refcounted
 * by mappings: vm_normal_page() returns NULL for them). */
extern struct page *ZERO_PAGE_PTR;
extern struct folio *huge_zero_folio;
#define ZERO_PAGE(vaddr) (ZERO_PAGE_PTR)
static inline bool is_zero_pfn(unsigned long pfn)
{
	return ZERO_PAGE_PTR && pfn == page_to_pfn(ZERO_PAGE_PTR);
}
static inline bool is_huge_zero_folio(const struct folio *folio)
{
	return folio == huge_zero_folio;
}
bool is_huge_zero_pmd(pmd_t pmd);
/* The huge zero folio (allocated on first use); NULL: no memory. */
struct folio *mm_get_huge_zero_folio(void);
/* Pages allocated by mm_exec_setup (zero pages): the leak baseline. */
unsigned long mm_baseline_pages(void);

/*
 * folio_maybe_dma_pinned - may @folio be pinned (FOLL_PIN)? Small folios:
 * refcount >= GUP_PIN_COUNTING_BIAS; large ones: _pincount. May be a
 * false positive; never a false negative.
 */
#define GUP_PIN_COUNTING_BIAS (1U << 10)
static inline bool folio_maybe_dma_pinned(struct folio *folio)
{
	if (folio_test_large(folio))
		return atomic_read(&folio->_pincount) > 0;
	return (unsigned)folio_ref_count(folio) >= GUP_PIN_COUNTING_BIAS;
}

/* folio_needs_cow_for_dma - fork must copy, not share, a pinned folio. */
static inline bool folio_needs_cow_for_dma(struct vm_area_struct *vma,
					   struct folio *folio)
{
	if (!__test_bit(MMF_HAS_PINNED, &vma->vm_mm->flags))
		return false;
	return folio_maybe_dma_pinned(folio);
}

/* folio_mapcount - PTE + PMD mappings of the folio (no yield point). */
static inline int folio_mapcount(const struct folio *folio); /* below */
static inline int page_mapcount_raw(const struct page *page)
{
	return __atomic_load_n(&page->_mapcount.counter, SIM_MO) + 1;
}

/* ---- folio lock (include/linux/pagemap.h) ---- */

/* folio_lock - sleep until we own PG_locked of @folio. */
static inline void folio_lock(struct folio *folio)
{
	wait_on_bit_lock(&folio->flags, PG_locked);
}

static inline bool folio_trylock(struct folio *folio)
{
	return !test_and_set_bit_lock(PG_locked, &folio->flags);
}

static inline void folio_unlock(struct folio *folio)
{
	VM_BUG_ON_FOLIO(!__test_bit(PG_locked, &folio->flags), folio);
	clear_bit_unlock_wake(&folio->flags, PG_locked);
}

/* ---- zapping (mm/memory.c, mm/mmu_gather.c) ---- */

struct zap_details {
	bool even_cows;			/* zap private COWed pages too */
	struct folio *single_folio;	/* only this folio's mappings */
};

void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
		      unsigned long addr, unsigned long end,
		      struct zap_details *details);
void unmap_vmas(struct mmu_gather *tlb, struct vm_area_struct *first,
		unsigned long start, unsigned long end);
/* zap_page_range_single - MADV_DONTNEED of [address, +size) in @vma. */
void zap_page_range_single(struct vm_area_struct *vma, unsigned long address,
			   unsigned long size, struct zap_details *details);
/* free_pgtables - free tables of [addr, end) not shared with neighbours. */
void free_pgd_range(struct mmu_gather *tlb, unsigned long addr,
		    unsigned long end, unsigned long floor,
		    unsigned long ceiling);

/* ---- fork (mm/memory.c) ---- */

/* copy_page_range - fork's copy of @src_vma's tables. 0 or -ENOMEM. */
int copy_page_range(struct vm_area_struct *dst_vma,
		    struct vm_area_struct *src_vma);

/* ---- THP global setting (mm/huge_memory.c) ---- */

enum transparent_hugepage_mode {
	THP_NEVER,
	THP_MADVISE,
	THP_ALWAYS,
};
extern enum transparent_hugepage_mode transparent_hugepage_mode;

/* ---- the per-execution model state ---- */

/*
 * mm_sim_init - once per process, after physmem_init(): registers the
 * reset hook that (re)creates the zero pages at every sim_exec_begin().
 */
void mm_sim_init(void);
/* pgd_offset - the PGD entry of @address in @mm. */
static inline pgd_t *pgd_offset(struct mm_struct *mm, unsigned long address)
{
	return pgd_offset_pfn(mm->context.pgd_pfn, address);
}
/* The *_addr_end helpers: the next boundary of a level, capped at @end. */
#define __LEVEL_ADDR_END(addr, end, size)                                  \
	({                                                                 \
		unsigned long __b = ((addr) + (size)) & ~((size) - 1);     \
		(__b - 1 < (end) - 1) ? __b : (end);                       \
	})
#define pgd_addr_end(a, e) __LEVEL_ADDR_END(a, e, PGDIR_SIZE)
#define pud_addr_end(a, e) __LEVEL_ADDR_END(a, e, PUD_SIZE)
#define pmd_addr_end(a, e) __LEVEL_ADDR_END(a, e, PMD_SIZE)

/*
 * folio_mapcount(): an order-0 folio's page's _mapcount + 1; a large
 * one's _large_mapcount + 1, its PTE and PMD mappings (kernel 6.18:
 * folio_large_mapcount()), one load. mm/rmap.c changes it with every
 * page's and the PMDs' counts, in the same step; check/invariants.c
 * checks it is their sum. Defined last: the yield sites above keep
 * their lines.
 */
static inline int folio_mapcount(const struct folio *folio)
{
	if (!folio_test_large(folio))
		return page_mapcount_raw(&folio->page);
	return __atomic_load_n(&folio->_large_mapcount.counter, SIM_MO) + 1;
}

#endif /* MMSIM_MM_H */
