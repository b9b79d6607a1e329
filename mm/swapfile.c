// SPDX-License-Identifier: GPL-2.0
/*
 * mm/swapfile.c - the swap device: slots and their counts (kernel:
 * mm/swapfile.c, and the I/O of mm/page_io.c).
 *
 * swap_map[offset] holds the number of swap PTEs that refer to the slot,
 * plus SWAP_HAS_CACHE while a folio stands for it in the swap cache (or a
 * swap-in has claimed it with swapcache_prepare()). All changes are made
 * under si->lock (the kernel's per-cluster ci->lock; a leaf lock, taken
 * under the PTL by zap and fork).
 *
 * Invariants (checked by swap_check_leaks at the end of an execution and
 * by VM_BUG_ONs):
 *  (1) a slot with SWAP_HAS_CACHE and no claimant has a folio in the swap
 *      cache whose ->private is that entry;
 *  (2) a free slot (swap_map 0) has no cache folio and is referred to by
 *      no swap PTE;
 *  (3) after every mm exited, every slot is free.
 *
 * SIM: one swap device, no clusters, no per-CPU slot caches: a slot is the
 * first free one from the bottom. Writes and reads are synchronous and one
 * step each (no PG_writeback); the data lives in the execution's arena.
 */
#include "swap.h"

unsigned long swap_config_bytes;
bool swap_config_sync;

struct swap_info_struct {
	unsigned long flags;		/* SWP_SYNCHRONOUS_IO */
	unsigned long max;		/* slots, including the header */
	unsigned long inuse_pages;
	spinlock_t lock;
	struct sim_waitq wq;		/* swapcache_wait() sleepers */
	unsigned char *swap_map;	/* counts | SWAP_HAS_CACHE */
	struct folio **cache;		/* the swap cache: slot -> folio */
	uint64_t **data;		/* the written pages */
};

static struct swap_info_struct *swap_info;
struct swap_stats swap_stats;

static void swap_exec_reset(void)
{
	swap_info = NULL;
	memset(&swap_stats, 0, sizeof(swap_stats));
}

/* get_swap_device - this execution's device (made on first use), or NULL
 * when the scenario has no swap. SIM: swapon happens at first use. */
static struct swap_info_struct *get_swap_device(void)
{
	struct swap_info_struct *si;

	sim_on_reset(swap_exec_reset);
	if (swap_info || swap_config_bytes < 2 * PAGE_SIZE)
		return swap_info;
	si = sim_zalloc(sizeof(*si));
	si->max = swap_config_bytes >> PAGE_SHIFT;
	si->flags = swap_config_sync ? SWP_SYNCHRONOUS_IO : 0;
	spin_lock_init_class(&si->lock, "swap_info");
	si->swap_map = sim_zalloc(si->max);
	si->cache = sim_zalloc(sizeof(*si->cache) * si->max);
	si->data = sim_zalloc(sizeof(*si->data) * si->max);
	swap_info = si;
	return si;
}

/* The slot of @entry, or NULL for a bad entry (reported). */
static unsigned char *swap_slot(struct swap_info_struct *si,
				swp_entry_t entry)
{
	unsigned long off = swp_offset(entry);

	if (!si || swp_type(entry) != 0 || !off || off >= si->max) {
		sim_violation("swap: bad swap entry %#lx (type %u offset "
			      "%#lx)", entry.val, swp_type(entry), off);
		return NULL;
	}
	return &si->swap_map[off];
}

/*
 * swap_cache_lock / swap_cache_unlock - the lock the swap cache's slots
 * change under (the kernel's xa_lock / cluster lock): si->lock here.
 */
void swap_cache_lock(void)
{
	spin_lock(&get_swap_device()->lock);
}

void swap_cache_unlock(void)
{
	spin_unlock(&get_swap_device()->lock);
}

/* Exposed to mm/swap_state.c: the cache slot of @entry. */
struct folio **swap_cache_slot(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device();

	if (!swap_slot(si, entry))
		return NULL;
	return &si->cache[swp_offset(entry)];
}

/*
 * folio_alloc_swap - see swap.h. (kernel: folio_alloc_swap ->
 * cluster_alloc_swap_entry, then swap_cache_add_folio.) The slot starts
 * with SWAP_HAS_CACHE only: no swap PTE refers to it yet.
 */
int folio_alloc_swap(struct folio *folio)
{
	struct swap_info_struct *si = get_swap_device();
	unsigned long off;

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	if (!si)
		return -ENOMEM;
	/* SIM: THP_SWAP (a cluster of 512 slots) is not modelled */
	if (folio_test_large(folio))
		return -ENOMEM;
	spin_lock(&si->lock);
	for (off = 1; off < si->max; off++)
		if (!si->swap_map[off])
			break;
	if (off == si->max) {
		spin_unlock(&si->lock);
		return -ENOMEM;	/* full: reclaim keeps the folio */
	}
	si->swap_map[off] = SWAP_HAS_CACHE;
	si->inuse_pages++;
	spin_unlock(&si->lock);
	add_to_swap_cache(folio, swp_entry(0, off));
	return 0;
}

/* swap_entry_free - the slot's last user went (si->lock held). */
static void swap_entry_free(struct swap_info_struct *si, unsigned long off)
{
	VM_BUG_ON(si->cache[off]);
	si->data[off] = NULL;	/* SIM: arena memory, reused after reset */
	si->inuse_pages--;
}

int swap_duplicate(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device();
	unsigned char *p = swap_slot(si, entry);
	int ret = 0;

	if (!p)
		return -ENOENT;
	spin_lock(&si->lock);
	if (!*p)
		ret = -ENOENT;
	else if ((*p & ~SWAP_HAS_CACHE) >= SWAP_MAP_MAX)
		ret = -ENOMEM;	/* SIM: no swap count continuation */
	else
		(*p)++;
	spin_unlock(&si->lock);
	return ret;
}

void swap_free(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device();
	unsigned char *p = swap_slot(si, entry);

	if (!p)
		return;
	spin_lock(&si->lock);
	if (!(*p & ~SWAP_HAS_CACHE)) {
		spin_unlock(&si->lock);
		sim_violation("swap_free: slot %#lx has no swap PTE left "
			      "(count %#x)", swp_offset(entry), *p);
		return;
	}
	if (!--(*p))
		swap_entry_free(si, swp_offset(entry));
	spin_unlock(&si->lock);
}

int swapcache_prepare(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device();
	unsigned char *p = swap_slot(si, entry);
	int ret = 0;

	if (!p)
		return -ENOENT;
	spin_lock(&si->lock);
	if (!(*p & ~SWAP_HAS_CACHE))
		ret = -ENOENT;
	else if (*p & SWAP_HAS_CACHE)
		ret = -EEXIST;
	else
		*p |= SWAP_HAS_CACHE;
	spin_unlock(&si->lock);
	return ret;
}

void swapcache_clear(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device();
	unsigned char *p = swap_slot(si, entry);

	if (!p)
		return;
	spin_lock(&si->lock);
	VM_BUG_ON(!(*p & SWAP_HAS_CACHE));
	*p &= ~SWAP_HAS_CACHE;
	if (!*p)
		swap_entry_free(si, swp_offset(entry));
	spin_unlock(&si->lock);
	swapcache_wake();
}

void swapcache_wake(void)
{
	if (swap_info)
		sim_wake_all(&swap_info->wq);
}

/*
 * swapcache_wait - a swapcache_prepare() of @entry returned -EEXIST:
 * someone holds SWAP_HAS_CACHE and has not put its folio in the cache
 * yet (a racing swap-in, the skip-swapcache path, or reclaim between
 * dropping the folio and clearing the flag). Sleep until that changes.
 * 13ddaf26be32 slept a jiffy (schedule_timeout_uninterruptible(1)) and
 * looked again; "mm: avoid unconditional one-tick sleep when
 * swapcache_prepare fails" (01626a1823, hash as cited in a later patch,
 * not verified) made it a wait queue woken when the flag goes, as here.
 * SIM: the model also sleeps for reclaim's frozen folio (the kernel's
 * lookup spins on it) and is woken by add_to_swap_cache too.
 */
void swapcache_wait(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device();
	unsigned long off = swp_offset(entry);

	if (!swap_slot(si, entry))
		return;
	for (;;) {
		struct folio *folio;

		if (!(READ_ONCE_L(si->swap_map[off], "swapcache_wait") &
		      SWAP_HAS_CACHE))
			return;
		folio = READ_ONCE(si->cache[off]);
		/* in the cache and not frozen: the lookup will get it */
		if (folio && folio_ref_count(folio))
			return;
		/*
		 * Look again with plain loads (no yield point) right before
		 * parking: a swapcache_clear() and its wakeup between the
		 * reads above and the sleep would be lost otherwise.
		 */
		folio = __atomic_load_n(&si->cache[off], SIM_MO);
		if (!(__atomic_load_n(&si->swap_map[off], SIM_MO) &
		      SWAP_HAS_CACHE) ||
		    (folio && __atomic_load_n(&folio->_refcount.counter,
					      SIM_MO)))
			continue;
		sim_wait(&si->wq, "swapcache", &si->swap_map[off],
			 SIM_SITE("swapcache_wait"));
	}
}

int __swap_count(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device();
	unsigned char *p = swap_slot(si, entry);

	if (!p)
		return 0;
	sim_yield(SIM_EV_READ, p, "__swap_count");
	return *p & ~SWAP_HAS_CACHE;
}

bool folio_swapped(struct folio *folio)
{
	swp_entry_t entry = { .val = folio->private };

	return folio_test_swapcache(folio) && __swap_count(entry) > 0;
}

bool swap_entry_synchronous(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device();

	return si && (si->flags & SWP_SYNCHRONOUS_IO);
}

/*
 * free_swap_and_cache - zap met a swap PTE of @entry (PTL held). Drop the
 * PTE's count; if the slot is then held only by its cache folio, and that
 * folio can be locked and is unmapped, drop it from the cache too
 * (__try_to_reclaim_swap with TTRS_UNMAPPED | TTRS_FULL). A folio we
 * cannot lock stays; reclaim drops it later.
 */
void free_swap_and_cache(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device();
	unsigned char *p = swap_slot(si, entry);
	struct folio *folio;
	bool only_cache;

	if (!p)
		return;
	spin_lock(&si->lock);
	if (!(*p & ~SWAP_HAS_CACHE)) {
		spin_unlock(&si->lock);
		sim_violation("free_swap_and_cache: slot %#lx has no swap PTE "
			      "left (count %#x)", swp_offset(entry), *p);
		return;
	}
	if (!--(*p))
		swap_entry_free(si, swp_offset(entry));
	only_cache = *p == SWAP_HAS_CACHE;
	spin_unlock(&si->lock);
	if (!only_cache)
		return;
	folio = swap_cache_get_folio(entry);
	if (!folio)
		return;
	if (folio_trylock(folio)) {
		if (folio_test_swapcache(folio) &&
		    folio->private == entry.val && !folio_mapcount(folio) &&
		    !folio_swapped(folio))
			delete_from_swap_cache(folio);
		folio_unlock(folio);
	}
	folio_put(folio);
}

bool vm_swap_full(void)
{
	struct swap_info_struct *si = get_swap_device();

	return si && si->inuse_pages * 2 > si->max;
}

/*
 * swap_reap_orphans - at the end of an execution (no task runs): drop
 * the swap-cache folios that nothing maps or holds and whose slot no swap
 * PTE refers to. SIM: the kernel leaves them to reclaim, which finds them
 * on the LRU sooner or later (a COW that could not drop the cache copy, a
 * zap whose trylock failed); the model runs no reclaim after the
 * scenario, so the end-of-execution checks do it here.
 */
static void swap_reap_orphans(struct swap_info_struct *si)
{
	for (unsigned long off = 1; off < si->max; off++) {
		struct folio *folio = si->cache[off];

		if (!folio || si->swap_map[off] != SWAP_HAS_CACHE ||
		    folio_mapcount(folio) || folio_ref_count(folio) != 1 ||
		    !folio_trylock(folio))
			continue;
		delete_from_swap_cache(folio);
		folio_unlock(folio);
	}
}

unsigned long swap_check_leaks(void)
{
	struct swap_info_struct *si = swap_info;

	if (!si)
		return 0;
	swap_reap_orphans(si);
	for (unsigned long off = 1; off < si->max; off++)
		if (si->swap_map[off] || si->cache[off])
			return off;
	return 0;
}

/* ---- I/O (kernel: mm/page_io.c) ---- */

#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(uint64_t))

/*
 * swap_write_folio - write @folio (locked, in the swap cache, unmapped:
 * no CPU can store to it) to its slot. One step, like folio_copy.
 */
void swap_write_folio(struct folio *folio)
{
	struct swap_info_struct *si = get_swap_device();
	unsigned long off = swp_offset((swp_entry_t){ folio->private });
	unsigned long pfn = page_to_pfn(&folio->page);
	uint64_t *buf;

	VM_BUG_ON_FOLIO(!folio_test_swapcache(folio), folio);
	sim_yield(SIM_EV_READ, sim_data_obj(&folio->page), "swap_writepage");
	swap_stats.writes++;
	buf = si->data[off];
	if (!buf)
		buf = si->data[off] = sim_zalloc(PAGE_SIZE);
	for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
		buf[i] = physmem_load_word(pfn, i);
}

/*
 * swap_read_folio - fill @folio (locked, not yet visible to users) from
 * @entry's slot. A slot never written reads as zeroes.
 * SIM: the kernel's zeromap would make such a slot read zeroes too.
 */
void swap_read_folio(struct folio *folio, swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device();
	unsigned long pfn = page_to_pfn(&folio->page);
	uint64_t *buf = si ? si->data[swp_offset(entry)] : NULL;

	sim_yield(SIM_EV_WRITE, sim_data_obj(&folio->page), "swap_read_folio");
	if (folio_test_swapcache(folio))
		swap_stats.reads++;
	else
		swap_stats.reads_nocache++;
	if (!buf) {
		physmem_fill_words(pfn, 0, WORDS_PER_PAGE, 0);
		return;
	}
	for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
		physmem_store_word(pfn, i, buf[i]);
}
