/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/pagemap.h - the page cache and tmpfs files (kernel:
 * include/linux/pagemap.h, include/linux/fs.h, include/linux/shmem_fs.h).
 *
 * A tmpfs file is an address_space: its page cache (index -> folio), its
 * size, its huge= policy, and the VMAs that map it (i_mmap). Lock rules:
 *
 *	i_mmap_rwsem	 protects i_mmap (write to link/unlink a VMA, read to
 *			 walk: rmap, unmap_mapping_range);
 *	i_pages_lock	 (the xarray's xa_lock) protects the i_pages slots
 *			 against writers; readers look up locklessly (RCU)
 *			 and re-check with folio_try_get + a slot reload;
 *	folio_lock	 keeps a folio in the cache (truncate takes it before
 *			 removing the folio) and keeps ->mapping stable.
 *
 * SIM: i_pages is a flat array of slots sized at the file's creation
 * (the kernel's xarray grows); a large folio fills every slot it covers
 * with its head (the kernel's multi-index entry). Every access to a slot
 * goes through xa_load_slot / xa_store_slots / xa_find_slot below, whose
 * yields name the slot and the xarray itself (i_pages_head): a store of
 * any slot conflicts with every lookup and scan of the file, as a store
 * into an xarray node would with a walk through it. A scan over empty
 * slots (xa_find, the kernel's find_get_entries/xas_find) is one step.
 *
 * A slot holds NULL, a folio, or - for a tmpfs page swapped out - a value
 * entry (xa_mk_value) carrying the swap entry (swp_to_radix_entry), as
 * the kernel's xarray does. Readers that want folios check xa_is_value
 * before they touch the pointer.
 */
#ifndef MMSIM_PAGEMAP_H
#define MMSIM_PAGEMAP_H

#include "mm.h"

#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#endif

/* huge= of a tmpfs mount or memfd (kernel: SHMEM_HUGE_*). */
enum shmem_huge {
	SHMEM_HUGE_NEVER,
	SHMEM_HUGE_ALWAYS,
	SHMEM_HUGE_WITHIN_SIZE,
	SHMEM_HUGE_ADVISE,
	SHMEM_HUGE_DENY = -1,	/* sysfs only: no huge anywhere */
	SHMEM_HUGE_FORCE = -2,	/* sysfs only: huge everywhere */
};

/* /sys/kernel/mm/transparent_hugepage/shmem_enabled (config key). */
extern int shmem_huge;

struct address_space {
	struct rw_semaphore i_mmap_rwsem;
	/* i_mmap_rwsem: VMAs mapping the file, by vm_pgoff (interval tree
	 * order; SIM: a sorted list, see deviations.md) */
	struct list_head i_mmap;
	spinlock_t i_pages_lock;	/* xa_lock */
	struct folio **i_pages;		/* SIM: flat slots (see above) */
	unsigned long i_pages_head;	/* SIM: names the xarray (above) */
	unsigned long nr_slots;
	unsigned long i_size;		/* bytes; i_size_read/write */
	unsigned long nrpages;		/* i_pages_lock */
	int huge;			/* enum shmem_huge of the file */
	bool anon;			/* SIM: MAP_SHARED|MAP_ANONYMOUS */
	int id;				/* SIM: for reports */
	/* shmem_swaplist_lock: on shmem_swaplist (it has swapped pages) */
	struct list_head swaplist;
	unsigned long swapped;		/* i_pages_lock: swap entries held */
};

/* An open file: what a VMA holds (vm_file). */
struct file {
	struct address_space *f_mapping;
};

/* Value entries of the xarray (kernel: include/linux/xarray.h). */
static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

static inline void *xa_mk_value(unsigned long v)
{
	return (void *)((v << 1) | 1);
}

static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}

/* A swap entry in a tmpfs file's page cache (include/linux/swapops.h). */
static inline struct folio *swp_to_radix_entry(swp_entry_t entry)
{
	return xa_mk_value(entry.val);
}

static inline swp_entry_t radix_to_swp_entry(const void *arg)
{
	return (swp_entry_t){ .val = xa_to_value(arg) };
}

static inline unsigned long i_size_read(struct address_space *mapping)
{
	return READ_ONCE_L(mapping->i_size, "i_size_read");
}

static inline void i_size_write(struct address_space *mapping,
				unsigned long size)
{
	WRITE_ONCE_L(mapping->i_size, size, "i_size_write");
}

static inline void i_mmap_lock_read(struct address_space *mapping)
{
	down_read(&mapping->i_mmap_rwsem);
}

static inline void i_mmap_unlock_read(struct address_space *mapping)
{
	up_read(&mapping->i_mmap_rwsem);
}

static inline void i_mmap_lock_write(struct address_space *mapping)
{
	down_write(&mapping->i_mmap_rwsem);
}

static inline void i_mmap_unlock_write(struct address_space *mapping)
{
	up_write(&mapping->i_mmap_rwsem);
}

/*
 * xa_load_slot - an RCU lookup of the slot at @index (xas_load): one
 * step that reads the slot and the xarray.
 */
#define xa_load_slot(mapping, index, lbl)                                  \
	({ struct address_space *__m = (mapping);                          \
	   unsigned long __i = (index);                                    \
	   sim_yield2(SIM_EV_READ, &__m->i_pages[__i], SIM_EV_READ,        \
		      &__m->i_pages_head, lbl);                            \
	   SIM_LOAD(&__m->i_pages[__i]); })

/*
 * xa_store_slots - store @entry into the @nr slots from @index (xas_store
 * of a single or multi-index entry), under the xa_lock: one step. @fl is
 * the store's ordering for the store buffer (0: plain; rcu_assign_pointer
 * is a release).
 */
#define xa_store_slots(mapping, index, nr, entry, fl, lbl)                 \
	do {                                                               \
		struct address_space *__m = (mapping);                     \
		unsigned long __i = (index), __n = (nr);                   \
		struct folio *__f = (entry);                               \
		sim_yield2(SIM_EV_WRITE, &__m->i_pages[__i], SIM_EV_WRITE, \
			   &__m->i_pages_head, lbl);                       \
		for (unsigned long __k = 0; __k < __n; __k++)              \
			SIM_STORE(&__m->i_pages[__i + __k], __f, (fl));    \
	} while (0)

/*
 * xa_find_slot - the first cached folio at or after *@index and below
 * @max (xas_find under RCU, as find_get_entries and filemap_map_pages
 * walk): *@index moves to it; NULL (and *@index = @max) if none. One
 * step: SIM: the kernel reads the empty slots one node at a time; here a
 * racing store into a slot the walk has not reached yet is seen or not
 * as a whole with the step (see docs/deviations.md).
 */
#define xa_find_slot(mapping, indexp, max, lbl)                            \
	({ struct address_space *__m = (mapping);                          \
	   unsigned long *__ip = (indexp), __max = (max);                  \
	   struct folio *__f = NULL;                                       \
	   if (*__ip < __max) {                                            \
		   sim_yield2(SIM_EV_READ, &__m->i_pages[*__ip],           \
			      SIM_EV_READ, &__m->i_pages_head, lbl);       \
		   for (; *__ip < __max; (*__ip)++) {                      \
			   __f = SIM_LOAD(&__m->i_pages[*__ip]);           \
			   if (__f)                                        \
				   break;                                  \
		   }                                                       \
	   }                                                               \
	   __f; })

/* folio_file_page - the page of @folio at file index @index. */
static inline struct page *folio_file_page(struct folio *folio,
					   unsigned long index)
{
	return folio_page(folio, index & (folio_nr_pages(folio) - 1));
}

static inline unsigned long folio_next_index(struct folio *folio)
{
	return folio->index + folio_nr_pages(folio);
}

/* folio_mapping - the file a page-cache folio belongs to, or NULL. */
static inline struct address_space *folio_mapping(const struct folio *folio)
{
	unsigned long m = (unsigned long)__atomic_load_n(&folio->mapping,
							 SIM_MO);

	if (m & PAGE_MAPPING_FLAGS)
		return NULL;
	return (struct address_space *)m;
}

/* mm_counter_file - the rss counter of a file folio (shmem: SHMEMPAGES). */
static inline int mm_counter_file(struct folio *folio)
{
	return folio_test_swapbacked(folio) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

static inline int mm_counter(struct folio *folio)
{
	return folio_test_anon(folio) ? MM_ANONPAGES : mm_counter_file(folio);
}

/* ---- tmpfs (mm/shmem.c) ---- */

/* shmem_file_setup - a new tmpfs file of @size bytes (memfd_create +
 * ftruncate). NULL if the size is beyond the model's limit. */
struct file *shmem_file_setup(unsigned long size, int huge);
/* shmem_zero_setup - MAP_SHARED|MAP_ANONYMOUS: @vma gets its own file. */
int shmem_zero_setup(struct vm_area_struct *vma);
/* shmem_fault - vm_ops->fault: the locked folio at vmf->pgoff in
 * vmf->page (a reference held), VM_FAULT_SIGBUS past EOF, or OOM. */
vm_fault_t shmem_fault(struct vm_fault *vmf);
/* shmem_truncate - ftruncate(2) to @newsize (shrink or grow). */
void shmem_truncate(struct address_space *mapping, unsigned long newsize);
/* shmem_punch_hole - fallocate(PUNCH_HOLE|KEEP_SIZE) of [off, off+len). */
void shmem_punch_hole(struct address_space *mapping, unsigned long off,
		      unsigned long len);
/* shmem_evict - the last reference is gone: free the whole cache. */
void shmem_evict(struct address_space *mapping);
/* shmem_evict_exited - the same when no task can run any more (the end
 * of an execution): a folio only the cache holds leaves in one step. */
void shmem_evict_exited(struct address_space *mapping);
/* folio_is_shmem_cache - is @folio in a tmpfs file's page cache? (Every
 * file of the model is tmpfs: the kernel's shmem_mapping(folio->mapping).) */
static inline bool folio_is_shmem_cache(const struct folio *folio)
{
	return folio_mapping(folio) && folio_test_swapbacked(folio);
}
/* shmem_writeout - reclaim's pageout of the locked, unmapped, clean-for-
 * I/O tmpfs @folio: a swap slot, the page-cache slot becomes its swap
 * entry, the folio leaves the page cache for the swap cache, written.
 * 0, or -ENOSPC: no slot (the caller redirties and keeps it). */
int shmem_writeout(struct folio *folio);
/* shmem_unuse - swapoff: bring every tmpfs page on swap back into its
 * page cache. 0, or -ENOMEM. */
int shmem_unuse(void);

/* ---- page cache (mm/filemap.c) ---- */

/*
 * __xa_store - xa_lock held: the slot of @index points at @folio, with no
 * yield point (the caller makes one for a batch, as __folio_split does;
 * a single store with its own is xa_store_slots(..., SIM_SB_RELEASE, ...)).
 * The kernel publishes an xarray entry with rcu_assign_pointer(), a
 * release store: what was written to @folio before (its ->mapping,
 * ->index, its count) is visible to a lockless lookup that sees the slot.
 * Under memory=arm64 a later plain store may still become visible first.
 */
#define __xa_store(mapping, index, folio)                                  \
	SIM_STORE(&(mapping)->i_pages[(index)], (folio), SIM_SB_RELEASE)

/* filemap_get_entry - lockless lookup: the folio at @index with a
 * reference, a value entry (a tmpfs page on swap: no reference), or
 * NULL. */
struct folio *filemap_get_entry(struct address_space *mapping,
				unsigned long index);
/* filemap_map_pages - vm_ops->map_pages: faultaround over the cached,
 * uptodate, unlocked folios of [start_pgoff, end_pgoff]. */
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
			     unsigned long end_pgoff);
/* filemap_remove_folio - take a locked folio out of the cache; drops the
 * cache's references. */
void filemap_remove_folio(struct folio *folio);
/* i_mmap: link/unlink a VMA (vma_interval_tree_insert/remove). */
void vma_link_file(struct vm_area_struct *vma);
void unlink_file_vma(struct vm_area_struct *vma);
/* vma_file_update - @vma's range or pgoff changes (split): re-sort it. */
void vma_file_update(struct vm_area_struct *vma);

/* ---- truncation (mm/truncate.c, mm/memory.c) ---- */

/* unmap_mapping_range - zap every mapping of file bytes [holebegin,
 * +holelen) (0: to the end) in every VMA; @even_cows: private COWed
 * anon pages too (truncate), not for hole punch. */
void unmap_mapping_range(struct address_space *mapping,
			 unsigned long holebegin, unsigned long holelen,
			 int even_cows);
/* unmap_mapping_folio - zap the mappings of one locked folio. */
void unmap_mapping_folio(struct folio *folio);
/* truncate_inode_folio - unmap and remove a locked cache folio. */
void truncate_inode_folio(struct address_space *mapping, struct folio *folio);

/* ---- faults on file VMAs (mm/memory.c) ---- */

/* do_set_pmd - map a PMD-mappable @folio by one huge PMD. 0, or
 * VM_FAULT_FALLBACK (use PTEs), or VM_FAULT_OOM. */
vm_fault_t do_set_pmd(struct vm_fault *vmf, struct folio *folio,
		      struct page *page);
/* set_pte_range - map @nr pages of @folio from @page at @addr. PTL held. */
void set_pte_range(struct vm_fault *vmf, struct folio *folio,
		   struct page *page, unsigned int nr, unsigned long addr);
/* pmd_install - make *@pmd point at *@pte unless populated meanwhile. */
void pmd_install(struct mm_struct *mm, pmd_t *pmd, pgtable_t *pte);
/* Pages faultaround maps at most (kernel: fault_around_bytes / 4K). */
extern unsigned long fault_around_pages;

/* Faultaround's end of file, and its page count (mm/filemap.c). */
unsigned long filemap_clamp_eof(struct address_space *mapping,
				unsigned long end_pgoff);
unsigned long filemap_eof_first(struct address_space *mapping,
				unsigned long end_pgoff);
unsigned int filemap_range_nr(struct folio *folio, unsigned long index,
			      unsigned int nr);

#endif /* MMSIM_PAGEMAP_H */
