/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/swap.h - the swap device, the swap cache, reclaim and MADV_FREE
 * (kernel: include/linux/swap.h, mm/swapfile.c, mm/swap_state.c,
 * mm/vmscan.c, the reclaim parts of mm/rmap.c and mm/madvise.c).
 *
 * One swap device (type 0) of swap_config_bytes / PAGE_SIZE slots; slot 0
 * is the header and never handed out, as in the kernel. Each slot has a
 * count in swap_map[]: the swap PTEs that refer to it, plus the flag
 * SWAP_HAS_CACHE while a folio of the swap cache stands for it. A slot
 * is free when its swap_map byte is 0. docs/swap.md describes the whole.
 *
 * Folio states of an anon folio (PG_swapbacked set unless lazyfree):
 *	mapped, no slot  --add_to_swap-->  mapped, in the swap cache (dirty)
 *	--try_to_unmap--> swap PTEs + cache --pageout--> written, clean
 *	--__remove_mapping--> slot only (the folio is freed)
 *	--do_swap_page--> in the swap cache again, mapped.
 */
#ifndef MMSIM_SWAP_H
#define MMSIM_SWAP_H

#include "mm.h"
#include "rmap.h"

#define SWAP_HAS_CACHE	0x40	/* a folio of the swap cache stands for it */
#define SWAP_MAP_MAX	0x3e	/* counts above: -ENOMEM (no continuation) */

/* SWP_SYNCHRONOUS_IO: a zram-like device; do_swap_page may skip the cache */
#define SWP_SYNCHRONOUS_IO	(1UL << 0)
/* SWP_WRITEOK: slots may be allocated (swapoff clears it first) */
#define SWP_WRITEOK		(1UL << 1)

/* Set by the runner before an execution (config swap=, swap_sync=). */
extern unsigned long swap_config_bytes;
extern bool swap_config_sync;
/* Set by the runner: may this execution run swapoff? (SIM: if not,
 * get_swap_device and put_swap_device are no yield points: nothing they
 * could race with.) */
extern bool swap_config_swapoff;

/* ---- the device (mm/swapfile.c) ---- */

struct swap_info_struct;
/* get_swap_device - @entry's device, held against swapoff freeing its
 * maps until put_swap_device(); NULL if swapoff has begun to free them
 * (the caller backs off: its swap PTE is gone or going). Every path that
 * reads a swap PTE and then works on the slot without the PTL or a
 * swap-cache folio's lock holds one (do_swap_page, swap-in read-ahead,
 * free_swap_and_cache after its decrement). */
struct swap_info_struct *get_swap_device(swp_entry_t entry);
void put_swap_device(struct swap_info_struct *si);
/* swapoff - swapoff(2) of the device: every swapped-out page is brought
 * back and mapped (try_to_unuse), then the maps are freed. 0, or
 * -EINVAL (no swap, or off already), -ENOMEM (a page could not be read
 * in: the device stays). */
int swapoff(void);

/* folio_alloc_swap - a free slot for @folio (locked, small), added to the
 * swap cache with SWAP_HAS_CACHE. -ENOMEM: no swap, or it is full. */
int folio_alloc_swap(struct folio *folio);
/* swap_duplicate - one more swap PTE for @entry. 0, or -ENOENT if the
 * slot is free, -ENOMEM if the count would overflow. */
int swap_duplicate(swp_entry_t entry);
/* swap_free - one swap PTE less; the slot is freed at count 0 without
 * a cache folio. */
void swap_free(swp_entry_t entry);
/* free_swap_and_cache - zap of a swap PTE: swap_free, and drop the cache
 * folio too if nothing maps it any more (__try_to_reclaim_swap). */
void free_swap_and_cache(swp_entry_t entry);
/* swapcache_prepare - claim SWAP_HAS_CACHE for a swap-in: 0, -EEXIST if
 * someone holds it (a racing swap-in), -ENOENT if the slot was freed. */
int swapcache_prepare(swp_entry_t entry);
/* swapcache_clear - drop SWAP_HAS_CACHE (the claim or the cache's). */
void swapcache_clear(swp_entry_t entry);
/* swapcache_wait - sleep until @entry's SWAP_HAS_CACHE holder added its
 * folio or let go (after swapcache_prepare() said -EEXIST). */
void swapcache_wait(swp_entry_t entry);
void swapcache_wake(void);
/* __swap_count - the swap PTEs referring to @entry (racy read). */
int __swap_count(swp_entry_t entry);
/* folio_swapped - does any swap PTE still refer to @folio's slot? */
bool folio_swapped(struct folio *folio);
/* Is @entry's device synchronous (skip-swapcache swap-in allowed)? */
bool swap_entry_synchronous(swp_entry_t entry);
/* vm_swap_full - more than half the slots in use. */
bool vm_swap_full(void);
/* swap_check_leaks - every slot free once every mm exited? Returns the
 * first slot still in use, or 0. */
unsigned long swap_check_leaks(void);

/* What this execution's swap device did (tests read it after a run). */
struct swap_stats {
	unsigned long writes;		/* pages written (pageout) */
	unsigned long reads;		/* pages read into the swap cache */
	unsigned long reads_nocache;	/* read by the skip-swapcache path */
	unsigned long swapoffs;		/* swapoffs completed */
	unsigned long migrated;		/* swap-cache folios migrated */
};
extern struct swap_stats swap_stats;

/* swap_write_folio / swap_read_folio - the I/O, synchronous. */
void swap_write_folio(struct folio *folio);
void swap_read_folio(struct folio *folio, swp_entry_t entry);

/* ---- the swap cache (mm/swap_state.c) ---- */

/* swap_cache_get_folio - the cache folio of @entry with a reference, or
 * NULL (lockless lookup, re-checked after the reference is taken). */
struct folio *swap_cache_get_folio(swp_entry_t entry);
/* add_to_swap_cache - @folio (locked, fresh) stands for @entry, whose
 * SWAP_HAS_CACHE the caller holds; the cache takes a reference. */
void add_to_swap_cache(struct folio *folio, swp_entry_t entry);
/* swap_cache_replace - migration: the slot of @entry holds @new instead
 * of @old (frozen). Under swap_cache_lock(). */
void swap_cache_replace(swp_entry_t entry, struct folio *old,
			struct folio *new);
/* swap_cache_lock / swap_cache_unlock - the swap cache's lock. */
void swap_cache_lock(void);
void swap_cache_unlock(void);
/* __delete_from_swap_cache - out of the cache (refcount frozen or
 * locked); the caller drops SWAP_HAS_CACHE and the cache's reference. */
void __delete_from_swap_cache(struct folio *folio, swp_entry_t entry);
/* delete_from_swap_cache - out of the cache, SWAP_HAS_CACHE and the
 * cache's reference dropped. Folio locked. */
void delete_from_swap_cache(struct folio *folio);
/* add_to_swap - reclaim's: a slot for @folio (locked), marked dirty so
 * pageout writes it. False: no slot (or a large folio: not modelled). */
bool add_to_swap(struct folio *folio);
/* folio_free_swap - drop @folio (locked) from the swap cache if no swap
 * PTE refers to its slot; it becomes dirty (its only copy). */
bool folio_free_swap(struct folio *folio);
/* free_swap_cache - @folio is being unmapped for good: if it is in the
 * swap cache, unmapped and no swap PTE refers to it, drop it (trylock). */
void free_swap_cache(struct folio *folio);
/* swapin_readahead - MADV_WILLNEED: read @entry into the swap cache
 * (no mapping). Returns the folio with a reference, or NULL. */
struct folio *swapin_readahead(swp_entry_t entry);
/* read_swap_cache_async - the cache folio of @entry, reading it in if it
 * is not there; with a reference, unlocked; NULL if the slot is gone. */
struct folio *read_swap_cache_async(swp_entry_t entry);
/* __read_swap_cache_async - the same; *@oom says whether a NULL was an
 * allocation failure (else the slot was freed meanwhile). */
struct folio *__read_swap_cache_async(swp_entry_t entry, bool *oom);

/* ---- reclaim (mm/vmscan.c) ---- */

/* folio_free_frozen - free a folio whose count was frozen at 0
 * (mm/page_alloc.c). */
void folio_free_frozen(struct folio *folio);

/* folio_referenced - clear and count the Accessed bits of @folio's PTEs
 * (rmap walk). Folio locked. */
int folio_referenced(struct folio *folio);
/* try_to_unmap - every mapping of @folio (locked) becomes a swap entry
 * (or goes, for a clean lazyfree folio), each flushed at once unless
 * @flags has TTU_BATCH_FLUSH (reclaim: the flush waits for
 * try_to_unmap_flush(), mm/rmap.c). A pinned exclusive page stops it. */
void try_to_unmap(struct folio *folio, enum ttu_flags flags);
/* reclaim_pages - MADV_PAGEOUT: reclaim the isolated folios on @list
 * ignoring references. Returns pages reclaimed. */
unsigned long reclaim_pages(struct list_head *list);
/* shrink_node - kernel reclaim: deactivate, then shrink the inactive
 * anon folios, up to @nr pages (0: all it can). Returns pages reclaimed. */
unsigned long shrink_node(unsigned long nr);

/* ---- madvise (mm/madvise.c) ---- */

#ifndef MADV_WILLNEED
#define MADV_WILLNEED	3
#endif
#ifndef MADV_FREE
#define MADV_FREE	8
#endif
#ifndef MADV_COLD
#define MADV_COLD	20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

/* MADV_PAGEOUT / MADV_COLD / MADV_FREE of [start, end) of @mm. */
int madvise_pageout(struct mm_struct *mm, unsigned long start,
		    unsigned long end, bool pageout);
int madvise_free(struct mm_struct *mm, unsigned long start,
		 unsigned long end);
/* MADV_WILLNEED of a swapped-out range: read-ahead into the swap cache. */
int madvise_willneed(struct mm_struct *mm, unsigned long start,
		     unsigned long end);

/* ---- fault side (mm/memory.c) ---- */

struct vm_fault;
/* do_swap_page_swap - the fault on a real swap entry. */
vm_fault_t do_swap_page_swap(struct vm_fault *vmf);

/* ---- the end-of-execution read-back (R9, mm/swapfile.c) ---- */

/* swap_peek - 1: *@pfn is the swap cache's page of @entry; 2: the slot's
 * data (swap_peek_slot_word); 0: not decided. No yield, no state change. */
int swap_peek(swp_entry_t entry, unsigned long *pfn);
uint64_t swap_peek_slot_word(swp_entry_t entry, unsigned idx);

/* A swap cache slot now holds a migrated folio: wake what waits on it. */
void swapcache_migrated(void);

/* A tmpfs page-cache slot now holds a swap entry (mm/shmem.c). */
void shmem_slot_swapped(struct folio *folio, long nr);
/* try_to_unuse must look again (mm/swapfile.c). */
void swap_cache_changed(void);

#endif /* MMSIM_SWAP_H */
