// SPDX-License-Identifier: GPL-2.0
/*
 * mm/swap_state.c - the swap cache: which folio stands for a swap slot
 * (kernel: mm/swap_state.c, the swap table of 6.18).
 *
 * A folio in the swap cache has PG_swapcache, its entry in ->private, and
 * one reference held by the cache (folio_nr_pages references for a large
 * folio; only small ones are modelled). It enters locked and leaves
 * locked (or with its count frozen by __remove_mapping).
 *
 * Lookups are lockless, as the kernel's: (1) read the slot's folio, (2)
 * take a speculative reference (folio_try_get), (3) re-check that the
 * slot still holds it: between (1) and (2) it may have been dropped from
 * the cache, freed and reused.
 */
#include "gup.h"
#include "swap.h"

/* mm/swapfile.c */
struct folio **swap_cache_slot(swp_entry_t entry, const char *who);
bool swap_cache_freed(const char *who);
void swap_cache_lock(void);
void swap_cache_unlock(void);
/* and swap_cache_changed(): swap.h */

struct folio *swap_cache_get_folio(swp_entry_t entry)
{
	struct folio **slot = swap_cache_slot(entry, "swap_cache_get_folio");
	struct folio *folio;

	if (!slot)
		return NULL;
	for (;;) {
		folio = READ_ONCE_L(*slot, "swap_cache_get_folio:lookup");
		/* the caller holds swapoff off; else this read may be of
		 * the swap cache swapoff freed meanwhile */
		if (swap_cache_freed("swap_cache_get_folio"))
			return NULL;
		if (!folio)
			return NULL;
		/*
		 * Frozen by __remove_mapping: on its way out of the cache.
		 * SIM: the kernel looks again (a spin until the freeze
		 * ends); here it is absent at once, and a swap-in then waits
		 * on SWAP_HAS_CACHE (swapcache_wait) until reclaim let go.
		 */
		if (!folio_try_get(folio))
			return NULL;
		if (likely(READ_ONCE_L(*slot, "swap_cache_get_folio:recheck") ==
			   folio && folio_test_swapcache(folio) &&
			   folio->private == entry.val))
			return folio;
		folio_put(folio);
	}
}

void add_to_swap_cache(struct folio *folio, swp_entry_t entry)
{
	struct folio **slot = swap_cache_slot(entry, "add_to_swap_cache");

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	VM_BUG_ON_FOLIO(folio_test_swapcache(folio), folio);
	folio_ref_add(folio, folio_nr_pages(folio));
	folio->private = entry.val;
	folio_set_swapcache(folio);
	folio_set_swapbacked(folio);
	swap_cache_lock();
	WRITE_ONCE_L(*slot, folio, "add_to_swap_cache");
	swap_cache_changed();	/* swapoff's try_to_unuse looks again */
	swap_cache_unlock();
	swapcache_wake();
}

/*
 * swap_cache_replace - migration: @entry's slot, which holds @old (frozen),
 * holds @new from now on. The swap cache's lock held.
 */
void swap_cache_replace(swp_entry_t entry, struct folio *old,
			struct folio *new)
{
	struct folio **slot = swap_cache_slot(entry, "swap_cache_replace");

	VM_BUG_ON_FOLIO(*slot != old, old);
	WRITE_ONCE_L(*slot, new, "folio_migrate_mapping:swap_slot");
}

void __delete_from_swap_cache(struct folio *folio, swp_entry_t entry)
{
	struct folio **slot = swap_cache_slot(entry, "delete_from_swap_cache");

	VM_BUG_ON_FOLIO(!folio_test_swapcache(folio), folio);
	VM_BUG_ON_FOLIO(*slot != folio, folio);
	swap_cache_lock();
	WRITE_ONCE_L(*slot, NULL, "delete_from_swap_cache");
	swap_cache_unlock();
	folio_clear_swapcache(folio);
	folio->private = 0;
}

void delete_from_swap_cache(struct folio *folio)
{
	swp_entry_t entry = { .val = folio->private };

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	__delete_from_swap_cache(folio, entry);
	swapcache_clear(entry);
	folio_ref_sub(folio, folio_nr_pages(folio));
}

/*
 * add_to_swap - see swap.h. The folio is dirtied: it is normally dirty
 * through its PTEs already, but a folio that was lazyfree (MADV_FREE) and
 * re-dirtied through a GUP reference may not be; its only copy is here.
 */
bool add_to_swap(struct folio *folio)
{
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	if (folio_alloc_swap(folio))
		return false;
	folio_mark_dirty(folio);
	return true;
}

bool folio_free_swap(struct folio *folio)
{
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	if (!folio_test_swapcache(folio) || folio_test_writeback(folio) ||
	    folio_swapped(folio))
		return false;
	delete_from_swap_cache(folio);
	folio_mark_dirty(folio);
	return true;
}

void free_swap_cache(struct folio *folio)
{
	if (folio_test_swapcache(folio) && !folio_mapcount(folio) &&
	    folio_trylock(folio)) {
		folio_free_swap(folio);
		folio_unlock(folio);
	}
}

/*
 * read_swap_cache_async - the kernel's __read_swap_cache_async: look the
 * entry up; if absent, (1) allocate a folio, (2) claim the slot with
 * swapcache_prepare (-EEXIST: another swap-in raced us and is adding its
 * folio: look again), (3) add ours, locked, and read it. Returns the
 * folio with a reference, unlocked and uptodate, or NULL if the slot was
 * freed (the swap PTE was zapped meanwhile) or memory is out.
 */
struct folio *__read_swap_cache_async(swp_entry_t entry, bool *oom)
{
	struct swap_info_struct *si;
	struct folio *folio, *new;
	int err;

	*oom = false;
	/* swapoff may have freed the slot's maps since the PTE was read */
	si = get_swap_device(entry);
	if (!si)
		return NULL;
	for (;;) {
		folio = swap_cache_get_folio(entry);
		if (folio) {
			/* a racing reader may still be reading it */
			folio_lock(folio);
			folio_unlock(folio);
			put_swap_device(si);
			return folio;
		}
		new = folio_alloc(0, 0);
		if (!new) {
			*oom = true;
			put_swap_device(si);
			return NULL;
		}
		err = swapcache_prepare(entry);
		if (!err)
			break;
		folio_put(new);
		if (err == -ENOENT) {
			put_swap_device(si);
			return NULL;
		}
		/* -EEXIST: the winner adds its folio soon */
		swapcache_wait(entry);
	}
	__folio_set_locked(new);
	__folio_set_swapbacked(new);
	add_to_swap_cache(new, entry);
	swap_read_folio(new, entry);
	__folio_set_uptodate(new);
	folio_unlock(new);
	put_swap_device(si);
	return new;
}

struct folio *read_swap_cache_async(swp_entry_t entry)
{
	bool oom;

	return __read_swap_cache_async(entry, &oom);
}

struct folio *swapin_readahead(swp_entry_t entry)
{
	return read_swap_cache_async(entry);
}
