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
#include "pagemap.h"
#include "swap.h"

unsigned long swap_config_bytes;
bool swap_config_sync;
bool swap_config_swapoff;

struct swap_info_struct {
	unsigned long flags;		/* SWP_WRITEOK, SWP_SYNCHRONOUS_IO */
	unsigned long max;		/* slots, including the header */
	/* SIM: one past the highest slot ever allocated (slots are taken
	 * first-fit, so scans of every slot stop here) */
	unsigned long highest;
	unsigned long inuse_pages;
	spinlock_t lock;
	struct sim_waitq wq;		/* swapcache_wait() sleepers */
	struct sim_waitq unuse_wq;	/* try_to_unuse() waiting for a change */
	/*
	 * users: the kernel's percpu_ref si->users. get_swap_device() takes
	 * one unless swapoff killed it (users_dead); the initial reference
	 * is swapon's, dropped by swapoff after the kill; the last put then
	 * completes comp, which swapoff waits for before it frees the maps.
	 * SIM: one counter; tryget_live checks and increments in one step.
	 */
	long users;
	bool users_dead;
	struct completion comp;
	/* SIM: bumped by every swap_map change, for try_to_unuse's retry */
	unsigned long map_gen;
	unsigned char *swap_map;	/* counts | SWAP_HAS_CACHE; NULL after
					 * swapoff (vfree) */
	struct folio **cache;		/* the swap cache: slot -> folio; NULL
					 * after swapoff */
	/* the written pages, by slot; SIM: grown on demand to data_cap
	 * slots (most executions write a few slots of a large device) */
	struct swap_page **data;
	unsigned long data_cap;
};

/*
 * A written slot: the page's contents as physmem keeps them - a mark
 * (every word one value, or one but for one word) costs no page.
 */
struct swap_page {
	struct frame_data mark;		/* state FD_REAL: words[] hold it */
	uint64_t words[];
};

static struct swap_info_struct *swap_info;
struct swap_stats swap_stats;

static void swap_exec_reset(void)
{
	swap_info = NULL;
	memset(&swap_stats, 0, sizeof(swap_stats));
}

/*
 * swap_type_to_swap_info - this execution's device (made on first use:
 * SIM, swapon happens at first use), or NULL when the scenario has no
 * swap. The struct stays after swapoff (the kernel never frees a
 * swap_info_struct); its maps do not.
 */
static struct swap_info_struct *swap_type_to_swap_info(void)
{
	struct swap_info_struct *si;

	sim_on_reset(swap_exec_reset);
	if (swap_info || swap_config_bytes < 2 * PAGE_SIZE)
		return swap_info;
	si = sim_zalloc(sizeof(*si));
	si->max = swap_config_bytes >> PAGE_SHIFT;
	si->flags = SWP_WRITEOK | (swap_config_sync ? SWP_SYNCHRONOUS_IO : 0);
	spin_lock_init_class(&si->lock, "swap_info");
	si->users = 1;		/* enable_swap_info: percpu_ref_resurrect */
	init_completion(&si->comp);
	si->swap_map = sim_zkept(SIM_KEPT_SWAP_MAP, si->max);
	si->cache = sim_zkept(SIM_KEPT_SWAP_CACHE, sizeof(*si->cache) * si->max);
	swap_info = si;
	return si;
}

/*
 * swap_map_freed - swapoff freed the maps: whoever reads them now reads
 * freed memory (the old kernel's NULL swap_map, its vfree'd array or the
 * freed swap cache). Plain loads, no yield: called right after the access
 * whose yield point came before it, so a free seen here came first.
 */
static bool swap_map_freed(struct swap_info_struct *si, const char *who)
{
	if (__atomic_load_n(&si->swap_map, SIM_MO))
		return false;
	sim_violation("use-after-free: %s: the swap_map of a swapped-off "
		      "device (swapoff freed it)", who);
	return true;
}

/*
 * get_swap_device - see swap.h (kernel: mm/swapfile.c, since eb085574a752
 * "mm, swap: fix race between swapoff and some swap operations"; the
 * percpu_ref form since 63d8620ecf93 "mm/swapfile: use percpu_ref to
 * serialize against concurrent swapoff", posted in April 2021; hashes and
 * titles read in a mainline commit list). Returns @entry's device with a reference
 * that keeps swapoff from freeing its maps until put_swap_device(), or
 * NULL if swapoff has begun to free them (percpu_ref_kill) or the offset
 * is out of range.
 */
struct swap_info_struct *get_swap_device(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_type_to_swap_info();

	if (!si || swp_type(entry) != 0)
		return NULL;
	if (sim_regress_on(SIM_REGRESS_SWAPOFF_VS_SWAPIN)) {
		/*
		 * Before eb085574a752 (2019): only the bounds check of
		 * __swap_duplicate and friends; nothing holds swapoff off.
		 * (1) do_swap_page reads the swap PTE; (2) it checks the
		 * offset against si->max; (3) swapoff unuses every entry
		 * and frees swap_map and the swap cache; (4) the swap-in
		 * reads them: use-after-free (NULL swap_map).
		 */
		if (swp_offset(entry) >= READ_ONCE_L(si->max,
						     "get_swap_device:max"))
			return NULL;
		return si;
	}
	/* percpu_ref_tryget_live(&si->users): one atomic step; SIM: no
	 * yield point when no swapoff can run in this execution */
	if (swap_config_swapoff)
		SIM_AT(SIM_EV_RMW, &si->users, "get_swap_device:tryget_live");
	if (si->users_dead)
		return NULL;
	si->users++;
	/* smp_rmb(): users before the other fields (SC here) */
	if (swp_offset(entry) >= si->max) {
		put_swap_device(si);
		return NULL;
	}
	return si;
}

/* put_swap_device - drop get_swap_device()'s reference. */
void put_swap_device(struct swap_info_struct *si)
{
	if (sim_regress_on(SIM_REGRESS_SWAPOFF_VS_SWAPIN))
		return;
	/* percpu_ref_put: the last one after the kill completes si->comp
	 * (swap_users_ref_free) */
	if (swap_config_swapoff)
		SIM_AT(SIM_EV_RMW, &si->users, "put_swap_device");
	if (!--si->users)
		complete(&si->comp);
}

/*
 * The slot of @entry, or NULL for a bad entry or freed maps (reported).
 * @who names the reader for the report.
 */
static unsigned char *swap_slot(struct swap_info_struct *si,
				swp_entry_t entry, const char *who)
{
	unsigned long off = swp_offset(entry);

	if (si && swap_map_freed(si, who))
		return NULL;
	if (!si || swp_type(entry) != 0 || !off || off >= si->max) {
		sim_violation("swap: bad swap entry %#lx (type %u offset "
			      "%#lx)", entry.val, swp_type(entry), off);
		return NULL;
	}
	return &si->swap_map[off];
}

/* A swap_map change: try_to_unuse() may have to look again. */
static void swap_map_changed(struct swap_info_struct *si)
{
	si->map_gen++;
	sim_wake_all(&si->unuse_wq);
}

/*
 * swap_cache_changed - a folio entered the swap cache (under
 * swap_cache_lock): try_to_unuse's pass may have missed it (a swap-in
 * between its swapcache_prepare and add_to_swap_cache whose entry a
 * truncation or zap freed meanwhile leaves the folio to the cache alone),
 * so it must look again, as the kernel's busy retry would.
 */
void swap_cache_changed(void)
{
	if (swap_info)
		swap_map_changed(swap_info);
}

/*
 * swap_cache_lock / swap_cache_unlock - the lock the swap cache's slots
 * change under (the kernel's xa_lock / cluster lock): si->lock here.
 */
void swap_cache_lock(void)
{
	spin_lock(&swap_type_to_swap_info()->lock);
}

void swap_cache_unlock(void)
{
	spin_unlock(&swap_type_to_swap_info()->lock);
}

/* Exposed to mm/swap_state.c: the cache slot of @entry. */
struct folio **swap_cache_slot(swp_entry_t entry, const char *who)
{
	struct swap_info_struct *si = swap_type_to_swap_info();

	if (!swap_slot(si, entry, who))
		return NULL;
	return &si->cache[swp_offset(entry)];
}

/* Exposed to mm/swap_state.c: did swapoff free the swap cache before a
 * lockless read of it (whose yield point came just before)? */
bool swap_cache_freed(const char *who)
{
	struct swap_info_struct *si = swap_type_to_swap_info();

	return si && swap_map_freed(si, who);
}

/*
 * folio_alloc_swap - see swap.h. (kernel: folio_alloc_swap ->
 * cluster_alloc_swap_entry, then swap_cache_add_folio.) The slot starts
 * with SWAP_HAS_CACHE only: no swap PTE refers to it yet.
 */
int folio_alloc_swap(struct folio *folio)
{
	struct swap_info_struct *si = swap_type_to_swap_info();
	unsigned long off;

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	if (!si)
		return -ENOMEM;
	/* SIM: THP_SWAP (a cluster of 512 slots) is not modelled */
	if (folio_test_large(folio))
		return -ENOMEM;
	spin_lock(&si->lock);
	/* swapoff cleared SWP_WRITEOK: nothing is allocated from it */
	if (!(si->flags & SWP_WRITEOK)) {
		spin_unlock(&si->lock);
		return -ENOMEM;
	}
	for (off = 1; off < si->max; off++)
		if (!si->swap_map[off])
			break;
	if (off == si->max) {
		spin_unlock(&si->lock);
		return -ENOMEM;	/* full: reclaim keeps the folio */
	}
	si->swap_map[off] = SWAP_HAS_CACHE;
	if (off >= si->highest)
		si->highest = off + 1;
	si->inuse_pages++;
	swap_map_changed(si);
	spin_unlock(&si->lock);
	add_to_swap_cache(folio, swp_entry(0, off));
	return 0;
}

/* swap_entry_free - the slot's last user went (si->lock held). */
static void swap_entry_free(struct swap_info_struct *si, unsigned long off)
{
	VM_BUG_ON(si->cache[off]);
	if (off < si->data_cap)
		si->data[off] = NULL;	/* SIM: arena memory, reused after reset */
	si->inuse_pages--;
}

/*
 * The callers below hold something that keeps swapoff from freeing the
 * maps under them: the PTL over a swap PTE that refers to the slot
 * (swapoff cannot finish while one does), the folio lock of a swap-cache
 * folio, a SWAP_HAS_CACHE claim, or get_swap_device()'s reference. The
 * maps are read after si->lock is taken (swapoff frees them under it).
 */
int swap_duplicate(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_type_to_swap_info();
	unsigned char *p;
	int ret = 0;

	if (!si)
		return -ENOENT;
	spin_lock(&si->lock);
	p = swap_slot(si, entry, "swap_duplicate");
	if (!p)
		ret = -ENOENT;
	else if (!*p)
		ret = -ENOENT;
	else if ((*p & ~SWAP_HAS_CACHE) >= SWAP_MAP_MAX)
		ret = -ENOMEM;	/* SIM: no swap count continuation */
	else
		(*p)++;
	if (!ret)
		swap_map_changed(si);
	spin_unlock(&si->lock);
	return ret;
}

void swap_free(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_type_to_swap_info();
	unsigned char *p;

	if (!si)
		return;
	spin_lock(&si->lock);
	p = swap_slot(si, entry, "swap_free");
	if (p && !(*p & ~SWAP_HAS_CACHE)) {
		spin_unlock(&si->lock);
		sim_violation("swap_free: slot %#lx has no swap PTE left "
			      "(count %#x)", swp_offset(entry), *p);
		return;
	}
	if (p && !--(*p))
		swap_entry_free(si, swp_offset(entry));
	swap_map_changed(si);
	spin_unlock(&si->lock);
}

int swapcache_prepare(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_type_to_swap_info();
	unsigned char *p;
	int ret = 0;

	if (!si)
		return -ENOENT;
	spin_lock(&si->lock);
	p = swap_slot(si, entry, "swapcache_prepare");
	if (!p || !(*p & ~SWAP_HAS_CACHE))
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
	struct swap_info_struct *si = swap_type_to_swap_info();
	unsigned char *p;

	if (!si)
		return;
	spin_lock(&si->lock);
	p = swap_slot(si, entry, "swapcache_clear");
	if (p) {
		VM_BUG_ON(!(*p & SWAP_HAS_CACHE));
		*p &= ~SWAP_HAS_CACHE;
		if (!*p)
			swap_entry_free(si, swp_offset(entry));
		swap_map_changed(si);
	}
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
	struct swap_info_struct *si = swap_type_to_swap_info();
	unsigned long off = swp_offset(entry);
	unsigned char *map;
	struct folio **cache;

	if (!swap_slot(si, entry, "swapcache_wait"))
		return;
	map = si->swap_map;
	cache = si->cache;
	for (;;) {
		struct folio *folio;
		unsigned char v;

		v = READ_ONCE_L(map[off], "swapcache_wait");
		if (swap_map_freed(si, "swapcache_wait") ||
		    !(v & SWAP_HAS_CACHE))
			return;
		folio = READ_ONCE(cache[off]);
		/* in the cache and not frozen: the lookup will get it */
		if (folio && folio_ref_count(folio))
			return;
		/*
		 * Look again with plain loads (no yield point) right before
		 * parking: a swapcache_clear() and its wakeup between the
		 * reads above and the sleep would be lost otherwise.
		 */
		folio = __atomic_load_n(&cache[off], SIM_MO);
		if (!(__atomic_load_n(&map[off], SIM_MO) & SWAP_HAS_CACHE) ||
		    (folio && __atomic_load_n(&folio->_refcount.counter,
					      SIM_MO))) {
			/*
			 * SIM: memory changed, but maybe only in another
			 * CPU's store buffer (memory=tso|arm64): make those
			 * stores visible now - one order the hardware allows
			 * - or the loads above would see the old values and
			 * this loop spin without end (found by t_memory_models
			 * on migrate-swapcache-vs-swapin under tso).
			 */
			sim_sb_flush_addr(&map[off]);
			sim_sb_flush_addr(&cache[off]);
			if (folio)
				sim_sb_flush_addr(&folio->_refcount.counter);
			continue;
		}
		sim_wait(&si->wq, "swapcache", &map[off],
			 SIM_SITE("swapcache_wait"));
	}
}

/*
 * __swap_count - the swap PTEs referring to @entry. The caller keeps
 * swapoff off (do_swap_page holds get_swap_device's reference; since
 * "mm: swap: remove get/put_swap_device() in __swap_count()", 2023, per
 * its posting, the function itself takes none).
 */
int __swap_count(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_type_to_swap_info();
	unsigned char *p = swap_slot(si, entry, "__swap_count");
	unsigned char v;

	if (!p)
		return 0;
	v = READ_ONCE_L(*p, "__swap_count");
	if (swap_map_freed(si, "__swap_count"))
		return 0;
	return v & ~SWAP_HAS_CACHE;
}

bool folio_swapped(struct folio *folio)
{
	swp_entry_t entry = { .val = folio->private };

	return folio_test_swapcache(folio) && __swap_count(entry) > 0;
}

bool swap_entry_synchronous(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_type_to_swap_info();

	return si && (si->flags & SWP_SYNCHRONOUS_IO);
}

/*
 * free_swap_and_cache - zap met a swap PTE of @entry (PTL held). Drop the
 * PTE's count; if the slot is then held only by its cache folio, and that
 * folio can be locked and is unmapped, drop it from the cache too
 * (__try_to_reclaim_swap with TTRS_UNMAPPED | TTRS_FULL). A folio we
 * cannot lock stays; reclaim drops it later. Once the count is dropped
 * the PTL no longer keeps swapoff off: get_swap_device()'s reference
 * does ("mm: swap: fix race between free_swap_and_cache() and swapoff()",
 * Ryan Roberts; title read in its stable backports of April 2024; the
 * mainline hash not verified).
 */
void free_swap_and_cache(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device(entry);
	unsigned char *p;
	struct folio *folio;
	bool only_cache;

	if (!si)
		return;
	spin_lock(&si->lock);
	p = swap_slot(si, entry, "free_swap_and_cache");
	if (!p) {
		spin_unlock(&si->lock);
		goto out;
	}
	if (!(*p & ~SWAP_HAS_CACHE)) {
		spin_unlock(&si->lock);
		sim_violation("free_swap_and_cache: slot %#lx has no swap PTE "
			      "left (count %#x)", swp_offset(entry), *p);
		goto out;
	}
	if (!--(*p))
		swap_entry_free(si, swp_offset(entry));
	swap_map_changed(si);
	only_cache = *p == SWAP_HAS_CACHE;
	spin_unlock(&si->lock);
	if (!only_cache)
		goto out;
	folio = swap_cache_get_folio(entry);
	if (!folio)
		goto out;
	if (folio_trylock(folio)) {
		if (folio_test_swapcache(folio) &&
		    folio->private == entry.val && !folio_mapcount(folio) &&
		    !folio_swapped(folio))
			delete_from_swap_cache(folio);
		folio_unlock(folio);
	}
	folio_put(folio);
out:
	put_swap_device(si);
}

bool vm_swap_full(void)
{
	struct swap_info_struct *si = swap_type_to_swap_info();

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
	for (unsigned long off = 1; off < si->highest; off++) {
		struct folio *folio = si->cache[off];

		if (!folio || si->swap_map[off] != SWAP_HAS_CACHE ||
		    folio_mapcount(folio) || folio_ref_count(folio) != 1 ||
		    !folio_trylock(folio))
			continue;
		/* the cache's reference is the last: ours frees it */
		folio_get(folio);
		delete_from_swap_cache(folio);
		folio_unlock(folio);
		folio_put(folio);
	}
}

unsigned long swap_check_leaks(void)
{
	struct swap_info_struct *si = swap_info;

	if (!si || !si->swap_map)
		return 0;	/* no swap, or swapoff emptied it */
	swap_reap_orphans(si);
	for (unsigned long off = 1; off < si->highest; off++)
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
	struct swap_info_struct *si = swap_type_to_swap_info();
	unsigned long off = swp_offset((swp_entry_t){ folio->private });
	unsigned long pfn = page_to_pfn(&folio->page);
	const struct frame_data *fd = &physmem_fdata[pfn];
	struct swap_page *sp;

	VM_BUG_ON_FOLIO(!folio_test_swapcache(folio), folio);
	sim_yield(SIM_EV_READ, sim_data_obj(&folio->page), "swap_writepage");
	swap_stats.writes++;
	if (off >= si->data_cap) {
		unsigned long cap = 2 * off > 64 ? 2 * off : 64;
		struct swap_page **d;

		if (cap > si->max)
			cap = si->max;
		d = sim_zalloc(sizeof(*d) * cap);
		if (si->data_cap)
			memcpy(d, si->data, sizeof(*d) * si->data_cap);
		si->data = d;
		si->data_cap = cap;
	}
	/* SIM: arena memory: a rewrite of the slot takes a new page */
	if (fd->state < FD_REAL) {	/* a mark (not FD_REAL, not FD_LAZY) */
		sp = sim_zalloc(sizeof(*sp));
		sp->mark = *fd;
	} else {
		sp = sim_zalloc(sizeof(*sp) + PAGE_SIZE);
		sp->mark.state = FD_REAL;
		for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
			sp->words[i] = physmem_load_word(pfn, i);
	}
	si->data[off] = sp;
}

/*
 * swap_read_folio - fill @folio (locked, not yet visible to users) from
 * @entry's slot. A slot never written reads as zeroes.
 * SIM: the kernel's zeromap would make such a slot read zeroes too.
 */
void swap_read_folio(struct folio *folio, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_type_to_swap_info();
	unsigned long pfn = page_to_pfn(&folio->page);
	unsigned long off = swp_offset(entry);
	const struct swap_page *sp = si && off < si->data_cap ?
					     si->data[off] : NULL;

	sim_yield(SIM_EV_WRITE, sim_data_obj(&folio->page), "swap_read_folio");
	if (folio_test_swapcache(folio))
		swap_stats.reads++;
	else
		swap_stats.reads_nocache++;
	if (!sp) {
		physmem_fill_words(pfn, 0, WORDS_PER_PAGE, 0);
		return;
	}
	switch (sp->mark.state) {
	case FD_REAL:
		for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
			physmem_store_word(pfn, i, sp->words[i]);
		break;
	case FD_POISON:
		physmem_fill_words(pfn, 0, WORDS_PER_PAGE, PAGE_POISON);
		break;
	case FD_UNIFORM1:
		physmem_fill_words(pfn, 0, WORDS_PER_PAGE, sp->mark.val);
		physmem_store_word(pfn, sp->mark.idx, sp->mark.exc);
		break;
	default:
		physmem_fill_words(pfn, 0, WORDS_PER_PAGE, sp->mark.val);
		break;
	}
}

/* ---- swapoff (kernel: mm/swapfile.c) ---- */

/* Is @pte a swap PTE of @entry (its soft-dirty/uffd/exclusive bits
 * aside)? (pte_same_as_swp) */
static bool pte_same_as_swp(pte_t pte, swp_entry_t entry)
{
	return is_swap_pte(pte) && pte_to_swp_entry(pte).val == entry.val;
}

/*
 * unuse_pte - map @folio (locked, the swap cache's folio of @entry, read
 * in) at @addr in place of the swap PTE of @entry, if it is still there
 * under the PTL. Read-only unless the entry says the page was exclusive
 * (do_wp_page reuses it then); the swap PTE's soft-dirty and uffd-wp
 * bits carry over. Returns 1 if it mapped, 0 if the PTE changed.
 * SIM: ksm_might_need_to_copy is not modelled (no KSM folio is swapped
 * out); a swap-in error entry neither (reads do not fail).
 */
static int unuse_pte(struct vm_area_struct *vma, pmd_t *pmd,
		     unsigned long addr, swp_entry_t entry,
		     struct folio *folio)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = &folio->page;
	rmap_t rmap_flags = RMAP_NONE;
	spinlock_t *ptl;
	pte_t *pte, old_pte, new_pte;

	pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
	if (!pte)
		return 0;
	old_pte = ptep_get_l(pte, "unuse_pte:recheck");
	if (unlikely(!pte_same_as_swp(old_pte, entry))) {
		pte_unmap_unlock(pte, ptl);
		return 0;
	}
	VM_BUG_ON_FOLIO(folio_test_anon(folio) && PageAnonExclusive(page),
			folio);
	add_mm_counter(mm, MM_SWAPENTS, -1);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	folio_get(folio);
	if (pte_swp_exclusive(old_pte))
		rmap_flags |= RMAP_EXCLUSIVE;
	if (!folio_test_anon(folio))
		folio_add_new_anon_rmap(folio, vma, addr, rmap_flags);
	else
		folio_add_anon_rmap_pte(folio, page, vma, addr, rmap_flags);
	new_pte = pte_mkold(pfn_pte(page_to_pfn(page), vma->vm_page_prot));
	if (pte_swp_soft_dirty(old_pte))
		new_pte = pte_mksoft_dirty(new_pte);
	if (pte_swp_uffd_wp(old_pte))
		new_pte = pte_mkuffd_wp(new_pte);
	set_pte_at_l(mm, addr, pte, new_pte, "unuse_pte:set");
	swap_free(entry);
	pte_unmap_unlock(pte, ptl);
	return 1;
}

/*
 * unuse_one - the swap PTE of @entry at @addr: find its folio in the
 * swap cache or read it in (swapin_readahead), lock it, unuse_pte(), and
 * drop it from the swap cache if nothing refers to the slot any more
 * (folio_free_swap). Returns -ENOMEM if the folio could not be had while
 * the slot is still in use.
 */
static int unuse_one(struct vm_area_struct *vma, pmd_t *pmd,
		     unsigned long addr, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_type_to_swap_info();
	struct folio *folio;

	folio = swap_cache_get_folio(entry);
	if (!folio)
		folio = swapin_readahead(entry);
	if (!folio) {
		unsigned char v = READ_ONCE_L(si->swap_map[swp_offset(entry)],
					      "unuse_pte_range:swap_map");

		/* freed meanwhile (a zap): nothing to do */
		return v ? -ENOMEM : 0;
	}
	folio_lock(folio);
	/* folio_wait_writeback: SIM, writes are synchronous */
	/*
	 * SIM: the kernel goes on without this check (a folio it holds a
	 * reference on stays in the swap cache: reclaim's freeze fails);
	 * the model's lookup can return a folio a racing zap's
	 * folio_free_swap then dropped, and unuse_pte's pte_same would
	 * then not match anyway.
	 */
	if (folio_test_swapcache(folio) && folio->private == entry.val) {
		unuse_pte(vma, pmd, addr, entry, folio);
		folio_free_swap(folio);
	}
	folio_unlock(folio);
	folio_put(folio);
	return 0;
}

/*
 * unuse_pte_range - every swap PTE of [addr, end) (one PTE table) of
 * @vma. The PTE is read under the PTL, which is dropped for the swap-in
 * (it sleeps) and taken again by unuse_pte.
 */
static int unuse_pte_range(struct vm_area_struct *vma, unsigned long addr,
			   unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;

	for (; addr < end; addr += PAGE_SIZE) {
		pmd_t *pmd = mm_find_pmd(mm, addr);
		spinlock_t *ptl;
		pte_t *pte, ptent;
		swp_entry_t entry;
		int ret;

		if (!pmd)
			return 0;
		pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
		if (!pte)
			return 0;	/* none, or a huge PMD */
		/* the rest of this table without dropping the lock */
		for (;;) {
			ptent = ptep_get_l(pte, "unuse_pte_range:pte");
			if (is_swap_pte(ptent) &&
			    !non_swap_entry(pte_to_swp_entry(ptent)))
				break;
			addr += PAGE_SIZE;
			if (addr >= end)
				break;
			pte++;
		}
		pte_unmap_unlock(pte, ptl);
		if (addr >= end)
			return 0;
		entry = pte_to_swp_entry(ptent);
		ret = unuse_one(vma, pmd, addr, entry);
		if (ret)
			return ret;
	}
	return 0;
}

/* The end of the PTE table's range from @addr, capped at @end. */
static unsigned long unuse_table_end(unsigned long addr, unsigned long end)
{
	unsigned long next = (addr + PMD_SIZE) & PMD_MASK;

	return next < end && next > addr ? next : end;
}

/* unuse_mm - every anon VMA of @mm, under its mmap_lock for read. */
static int unuse_mm(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	int ret = 0;

	mmap_read_lock(mm);
	vma_for_each(vma, mm) {
		unsigned long a;

		if (!vma->anon_vma)
			continue;
		for (a = vma->vm_start; a < vma->vm_end && !ret;
		     a = unuse_table_end(a, vma->vm_end))
			ret = unuse_pte_range(vma, a,
					      unuse_table_end(a, vma->vm_end));
		if (ret)
			break;
	}
	mmap_read_unlock(mm);
	return ret;
}

/*
 * try_to_unuse - bring every page of the device back into memory: first
 * the tmpfs pages (shmem_unuse: back into their page caches), then walk
 * every mm (the kernel's mmlist, from init_mm, each held by
 * mmget_not_zero while it is worked on), then drop what is left in the
 * swap cache, and start again while any slot is still in use (a fork
 * copied a swap PTE behind the walk; reclaim that had its slot before
 * SWP_WRITEOK went unmapped into it; a swap-in holds SWAP_HAS_CACHE).
 * SIM: every mm is on the list. A pass that changed nothing waits (the
 * kernel's retry spins, with cond_resched) for a swap_map change or, under
 * store buffers, another CPU's store to become visible; a pass that saw
 * either happen meanwhile begins again at once (docs/deviations.md).
 */
static int try_to_unuse(struct swap_info_struct *si)
{
	while (READ_ONCE_L(si->inuse_pages, "try_to_unuse:inuse")) {
		uint64_t gen = si->map_gen, seen = sim_others_visible();
		struct mm_struct *mm, *prev_mm = NULL;
		int ret;

		/* tmpfs pages on swap first (mm/shmem.c) */
		ret = shmem_unuse();
		if (ret)
			return ret;

		/*
		 * SIM: no mmlist_lock: stepping to the next mm and its
		 * mmget_not_zero are one step (plain atomics, no yield), so
		 * no mm leaves the list between the two; the one being
		 * worked on is held.
		 */
		list_for_each_entry(mm, &sim_mm_list, mm_list) {
			int users = __atomic_load_n(&mm->mm_users.counter,
						    SIM_MO);

			if (mm->dead || !users)
				continue;
			__atomic_add_fetch(&mm->mm_users.counter, 1, SIM_MO);
			if (prev_mm)
				mmput(prev_mm);
			prev_mm = mm;
			ret = unuse_mm(mm);
			if (ret)
				break;
		}
		if (prev_mm)
			mmput(prev_mm);
		if (ret)
			return ret;
		for (unsigned long i = 1; i < si->highest; i++) {
			swp_entry_t entry = swp_entry(0, i);
			struct folio *folio;

			/* find_next_to_unuse: a racy scan (false hits are
			 * fine); SIM: plain loads, one step */
			if (!__atomic_load_n(&si->swap_map[i], SIM_MO))
				continue;
			folio = swap_cache_get_folio(entry);
			if (!folio)
				continue;
			folio_lock(folio);
			folio_free_swap(folio);
			folio_unlock(folio);
			folio_put(folio);
		}
		if (!READ_ONCE_L(si->inuse_pages, "try_to_unuse:inuse"))
			break;
		while (__atomic_load_n(&si->map_gen, SIM_MO) == gen &&
		       sim_others_visible() == seen &&	/* SIM: see above */
		       __atomic_load_n(&si->inuse_pages, SIM_MO))
			sim_wait_visible(&si->unuse_wq, "try_to_unuse",
				&si->map_gen, SIM_SITE("try_to_unuse:retry"));
	}
	return 0;
}

/*
 * swapoff - see swap.h (kernel: SYSCALL_DEFINE1(swapoff)):
 *  1. SWP_WRITEOK goes (under si->lock): nothing new is allocated;
 *  2. try_to_unuse: every swapped-out page back in memory, mapped;
 *  3. percpu_ref_kill(&si->users), synchronize_rcu(), then wait for the
 *     last get_swap_device() reference (wait_for_completion(&si->comp));
 *  4. under si->lock: max = 0, swap_map = NULL; free swap_map and the
 *     swap cache (exit_swap_address_space).
 * A swap-in that read its swap PTE before 2 and had not taken a
 * reference before 3 gets none: its get_swap_device() fails and the
 * fault retries (finding the PTE unuse_pte made). One that had goes on
 * with maps that 4 waits for. Returns 0, or -EINVAL if there is no swap.
 */
int swapoff(void)
{
	struct swap_info_struct *si = swap_type_to_swap_info();
	unsigned char *swap_map;
	struct folio **cache;
	unsigned long max;
	int err;

	if (!si)
		return -EINVAL;
	spin_lock(&si->lock);
	if (!(si->flags & SWP_WRITEOK)) {
		spin_unlock(&si->lock);
		return -EINVAL;			/* swapped off already */
	}
	si->flags &= ~SWP_WRITEOK;		/* (1) */
	spin_unlock(&si->lock);

	err = try_to_unuse(si);			/* (2) */
	if (err) {
		/* reinsert_swap_info */
		spin_lock(&si->lock);
		si->flags |= SWP_WRITEOK;
		spin_unlock(&si->lock);
		return err;
	}

	if (!sim_regress_on(SIM_REGRESS_SWAPOFF_VS_SWAPIN)) {
		/* (3) percpu_ref_kill: no new reference, the initial
		 * one dropped */
		SIM_AT(SIM_EV_RMW, &si->users, "swapoff:percpu_ref_kill");
		si->users_dead = true;
		if (!--si->users)
			complete(&si->comp);
		synchronize_rcu();
		wait_for_completion(&si->comp);
	}

	spin_lock(&si->lock);			/* (4) */
	max = si->max;
	WRITE_ONCE_L(si->max, 0, "swapoff:max");
	swap_map = si->swap_map;
	cache = si->cache;
	WRITE_ONCE_L(si->swap_map, NULL, "swapoff:free swap_map");
	WRITE_ONCE_L(si->cache, NULL, "swapoff:exit_swap_address_space");
	spin_unlock(&si->lock);
	for (unsigned long i = 1; i < max; i++)
		VM_BUG_ON(swap_map[i] || cache[i]);
	swap_stats.swapoffs++;
	return 0;
}

/* ---- the end-of-execution read-back (R9, check/readback.c) ---- */

/*
 * swap_peek - where a swap-in of @entry would get its page from, with
 * nothing running (the end of an execution): 1 and *@pfn, the page of the
 * swap cache's folio that stands for the slot (do_swap_page and
 * shmem_swapin_folio look there first); 2, the slot's written data
 * (swap_peek_slot_word); 0 when that is not decided here: no device, maps
 * freed by swapoff, a bad or free slot, a cache folio that is not the
 * slot's. A plain read: no yield point, no lock, no state changed.
 */
int swap_peek(swp_entry_t entry, unsigned long *pfn)
{
	struct swap_info_struct *si = swap_info;
	unsigned long off = swp_offset(entry), first;
	struct folio *folio;

	if (!si || !si->swap_map || !si->cache || swp_type(entry) != 0 ||
	    !off || off >= si->max || !si->swap_map[off])
		return 0;
	folio = si->cache[off];
	if (!folio)
		return 2;
	first = swp_offset((swp_entry_t){ folio->private });
	if (!__test_bit(PG_swapcache, &folio->flags) || off < first ||
	    off - first >= (unsigned long)folio_nr_pages(folio) ||
	    swp_type((swp_entry_t){ folio->private }) != 0)
		return 0;
	*pfn = page_to_pfn(folio_page(folio, off - first));
	return 1;
}

/*
 * swap_peek_slot_word - word @idx of the page in @entry's slot, as
 * swap_read_folio would fill it in (a slot never written reads zero).
 * For swap_peek()'s answer 2 only.
 */
uint64_t swap_peek_slot_word(swp_entry_t entry, unsigned idx)
{
	struct swap_info_struct *si = swap_info;
	unsigned long off = swp_offset(entry);
	const struct swap_page *sp = si && off < si->data_cap ?
					     si->data[off] : NULL;

	if (!sp)
		return 0;
	return sp->mark.state == FD_REAL ? sp->words[idx] :
					   physmem_mark_word(&sp->mark, idx);
}

/*
 * swapcache_migrated - folio_migrate_swapcache moved a swap cache slot to
 * the new folio: swap-ins waiting on the slot (swapcache_wait) look again,
 * and so does swapoff's try_to_unuse. Its pass may have met the old folio
 * frozen (swap_cache_get_folio found nothing), and the kernel's busy retry
 * would find the new one; the model's sleep until a swap_map change
 * (try_to_unuse) slept for ever: a false deadlock (fuzz runner, racy seed
 * 7699: compaction migrating a swapped-in folio of a fork's child during
 * swapoff).
 */
void swapcache_migrated(void)
{
	swapcache_wake();
	swap_cache_changed();
}
