/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/rmap.h - reverse mapping of anonymous folios: anon_vma,
 * anon_vma_chain, map/unmap accounting, PG_anon_exclusive sharing rules.
 * Lock order: the tree at the top of mm/rmap.c.
 */
#ifndef MMSIM_RMAP_H
#define MMSIM_RMAP_H

#include "mm.h"

/*
 * An anon_vma: the set of VMAs a family of anonymous folios may be mapped
 * in. A folio points at the anon_vma of the VMA that faulted it in; forked
 * children link their VMAs into every ancestor's anon_vma (anon_vma_fork).
 * The root's rwsem protects every anon_vma of the family.
 */
struct anon_vma {
	struct anon_vma *root;		/* root of this family */
	struct rw_semaphore rwsem;	/* meaningful in the root only */
	atomic_t refcount;		/* vmas linked + folios' holders */
	unsigned int degree;		/* children + vmas (reuse rule) */
	struct anon_vma *parent;
	struct list_head rb_root;	/* SIM: list of avc->same_anon_vma
					 * sorted as the kernel's interval
					 * tree: by vm_pgoff, then by
					 * (re)insertion */
	bool freed;			/* SIM: put_anon_vma freed it */
};

/* Links one VMA and one anon_vma. */
struct anon_vma_chain {
	struct vm_area_struct *vma;
	struct anon_vma *anon_vma;
	struct list_head same_vma;	/* mmap_lock & page_table_lock */
	struct list_head same_anon_vma;	/* anon_vma->rwsem */
};

typedef int rmap_t;
#define RMAP_NONE	0x0
#define RMAP_EXCLUSIVE	0x1	/* the page is exclusive to the mapping */

static inline void anon_vma_lock_write(struct anon_vma *anon_vma)
{
	down_write(&anon_vma->root->rwsem);
}

static inline void anon_vma_unlock_write(struct anon_vma *anon_vma)
{
	up_write(&anon_vma->root->rwsem);
}

static inline void anon_vma_lock_read(struct anon_vma *anon_vma)
{
	down_read(&anon_vma->root->rwsem);
}

static inline void anon_vma_unlock_read(struct anon_vma *anon_vma)
{
	up_read(&anon_vma->root->rwsem);
}

/* anon_vma_prepare - give @vma an anon_vma. 0 or -ENOMEM. mmap_lock held. */
int anon_vma_prepare(struct vm_area_struct *vma);
/* anon_vma_clone - link @dst into every anon_vma of @src. 0 / -ENOMEM. */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src);
/* anon_vma_fork - clone, plus a new anon_vma for the child @vma. */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma);
/*
 * anon_vma_interval_tree_update_vma - re-sort @vma's links after its
 * vm_start/vm_end/vm_pgoff changed (they go after links of equal pgoff).
 * Call with vma->anon_vma write-locked (anon_vma_lock_vma_update()).
 */
void anon_vma_interval_tree_update_vma(struct vm_area_struct *vma);
/* unlink_anon_vmas - drop @vma's links; mmap_lock held for write. */
void unlink_anon_vmas(struct vm_area_struct *vma);
void get_anon_vma(struct anon_vma *anon_vma);
void put_anon_vma(struct anon_vma *anon_vma);
/* folio_anon_vma - the folio's anon_vma (NULL if not anon). */
struct anon_vma *folio_anon_vma(const struct folio *folio);
/*
 * folio_lock_anon_vma_read - the folio's anon_vma, read-locked, or NULL if
 * the folio is no longer mapped. Caller holds a folio reference.
 */
struct anon_vma *folio_lock_anon_vma_read(struct folio *folio);

/* ---- map / unmap accounting: caller holds the PTL of the mapping ---- */

/* A brand-new folio mapped for the first time (the fault paths). */
void folio_add_new_anon_rmap(struct folio *folio, struct vm_area_struct *vma,
			     unsigned long address, rmap_t flags);
void folio_add_anon_rmap_ptes(struct folio *folio, struct page *page,
			      int nr_pages, struct vm_area_struct *vma,
			      unsigned long address, rmap_t flags);
#define folio_add_anon_rmap_pte(folio, page, vma, address, flags)          \
	folio_add_anon_rmap_ptes(folio, page, 1, vma, address, flags)
/* File (page-cache) folios: mapcounts only; the caller holds the ref. */
void folio_add_file_rmap_ptes(struct folio *folio, struct page *page,
			      int nr, struct vm_area_struct *vma);
void folio_add_file_rmap_pmd(struct folio *folio, struct page *page,
			     struct vm_area_struct *vma);
void folio_dup_file_rmap_ptes(struct folio *folio, struct page *page, int nr);
void folio_add_anon_rmap_pmd(struct folio *folio, struct page *page,
			     struct vm_area_struct *vma, unsigned long address,
			     rmap_t flags);
void folio_remove_rmap_ptes(struct folio *folio, struct page *page,
			    int nr_pages, struct vm_area_struct *vma);
#define folio_remove_rmap_pte(folio, page, vma)                            \
	folio_remove_rmap_ptes(folio, page, 1, vma)
void folio_remove_rmap_pmd(struct folio *folio, struct page *page,
			   struct vm_area_struct *vma);
/* folio_move_anon_rmap - make @vma's anon_vma the folio's (reuse). */
void folio_move_anon_rmap(struct folio *folio, struct vm_area_struct *vma);

/*
 * folio_try_dup_anon_rmap_ptes/_pmd - fork: account the child's mapping
 * and mark the page(s) possibly shared. -EBUSY (nothing changed) if a page
 * is exclusive and the folio may be pinned: the caller must copy instead.
 * Caller holds the src PTL, with the src mm's write_protect_seq odd.
 */
int folio_try_dup_anon_rmap_ptes(struct folio *folio, struct page *page,
				 int nr_pages, struct vm_area_struct *src_vma);
#define folio_try_dup_anon_rmap_pte(folio, page, vma)                      \
	folio_try_dup_anon_rmap_ptes(folio, page, 1, vma)
int folio_try_dup_anon_rmap_pmd(struct folio *folio, struct page *page,
				struct vm_area_struct *src_vma);

/*
 * folio_try_share_anon_rmap_pte/_pmd - an exclusive page is about to be
 * unmapped temporarily (migration, swap): clear PG_anon_exclusive unless
 * the folio may be pinned (-EBUSY). The PTE/PMD must already be cleared
 * and flushed: (1) clear+flush the entry, then (2) check for pins, the
 * order GUP-fast's (1) pin, then (2) re-check the entry pairs with.
 */
int folio_try_share_anon_rmap_pte(struct folio *folio, struct page *page);
int folio_try_share_anon_rmap_pmd(struct folio *folio, struct page *page);

/* ---- rmap walk ---- */

struct rmap_walk_control {
	void *arg;
	/* Return false to stop the walk. */
	bool (*rmap_one)(struct folio *folio, struct vm_area_struct *vma,
			 unsigned long addr, void *arg);
	bool (*done)(struct folio *folio);
	struct anon_vma *(*anon_lock)(struct folio *folio);
	bool (*invalid_vma)(struct vm_area_struct *vma, void *arg);
};

/*
 * rmap_walk - call rwc->rmap_one for every VMA @folio may be mapped in,
 * under the anon_vma lock (read). Folio locked by the caller.
 */
void rmap_walk(struct folio *folio, struct rmap_walk_control *rwc);
/* rmap_walk_locked - the same; the caller holds the anon_vma lock. */
void rmap_walk_locked(struct folio *folio, struct rmap_walk_control *rwc);
/* vma_address - where @folio's page @pgoff would sit in @vma, or -EFAULT. */
unsigned long vma_address(const struct vm_area_struct *vma,
			  unsigned long pgoff, unsigned long nr_pages);

/* ---- page_vma_mapped_walk (mm/page_vma_mapped.c) ---- */

#define PVMW_SYNC	0x1	/* lock before looking; wait on a cleared PMD */
#define PVMW_MIGRATION	0x2	/* look for migration entries, not PTEs */

struct page_vma_mapped_walk {
	unsigned long pfn;		/* first pfn of the folio */
	unsigned long nr_pages;
	unsigned long pgoff;		/* the folio's index */
	struct vm_area_struct *vma;
	unsigned long address;		/* start; then the current hit */
	pmd_t *pmd;
	pte_t *pte;			/* NULL on a huge-PMD hit */
	spinlock_t *ptl;		/* held on a hit */
	unsigned int flags;
};

#define DEFINE_FOLIO_VMA_WALK(name, _folio, _vma, _address, _flags)        \
	struct page_vma_mapped_walk name = {                               \
		.pfn = page_to_pfn(&(_folio)->page),                       \
		.nr_pages = folio_nr_pages(_folio),                        \
		.pgoff = (_folio)->index,                                  \
		.vma = (_vma),                                             \
		.address = (_address),                                     \
		.flags = (_flags),                                         \
	}

/*
 * page_vma_mapped_walk - the next PTE (or huge PMD) of pvmw->vma mapping
 * the folio, from pvmw->address on: true with pvmw->ptl held, false when
 * there is none left (nothing held). Folio locked (or anon_vma locked).
 */
bool page_vma_mapped_walk(struct page_vma_mapped_walk *pvmw);
/* Stop a walk early: drop the lock of the current hit. */
void page_vma_mapped_walk_done(struct page_vma_mapped_walk *pvmw);

/* ---- deferred unmap TLB flushes (kernel: mm/rmap.c, tlb_ubc) ---- */

/* try_to_migrate() flags (kernel: enum ttu_flags, the kernel's values) */
enum ttu_flags {
	TTU_SPLIT_HUGE_PMD = 0x4,	/* split a huge PMD (freeze) first */
	TTU_SYNC = 0x10,		/* PVMW_SYNC: read every PTE locked */
	TTU_BATCH_FLUSH = 0x40,		/* flush at try_to_unmap_flush() */
	TTU_RMAP_LOCKED = 0x80,		/* the caller holds the anon_vma lock */
};

/*
 * should_defer_flush - may the unmap of an entry of @mm leave its flush to
 * the batch (@flags has TTU_BATCH_FLUSH and the arch agrees)?
 */
bool should_defer_flush(struct mm_struct *mm, enum ttu_flags flags);
/*
 * set_tlb_ubc_flush_pending - the entry @pteval of [@start, @end) was
 * cleared but not flushed: add it to this task's batch and count it in
 * mm->tlb_flush_batched. Nothing to do if no TLB can hold it. PTL held.
 */
void set_tlb_ubc_flush_pending(struct mm_struct *mm, pte_t pteval,
			       unsigned long start, unsigned long end);
/* try_to_unmap_flush - flush this task's batch, if anything is in it. */
void try_to_unmap_flush(void);
/* try_to_unmap_flush_dirty - the same, if a batched PTE was dirty (a CPU
 * may still write through it): before reclaim writes a folio out. */
void try_to_unmap_flush_dirty(void);
/*
 * flush_tlb_batched_pending - someone cleared entries of @mm and has not
 * flushed them yet (or we have not seen that they did): flush the whole
 * mm before we change entries and rely on our own, narrower flush. PTL
 * held (it orders us after the batcher's clear).
 */
void flush_tlb_batched_pending(struct mm_struct *mm);

/*
 * folio_large_mapcount_add - a large @folio gained (@diff > 0) or lost
 * mappings by PTE or PMD: its _large_mapcount follows, in the step of
 * the page or PMD counts' change (kernel: the rmap functions' atomic
 * add to _large_mapcount). Nothing for an order-0 folio.
 */
static inline void folio_large_mapcount_add(struct folio *folio, int diff)
{
	if (folio_test_large(folio))
		__atomic_add_fetch(&folio->_large_mapcount.counter, diff,
				   SIM_MO);
}

#endif /* MMSIM_RMAP_H */
