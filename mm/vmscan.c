// SPDX-License-Identifier: GPL-2.0
/*
 * mm/vmscan.c - reclaim of anonymous folios to swap (kernel: mm/vmscan.c,
 * and try_to_unmap / folio_referenced of mm/rmap.c, kept here so that the
 * model's mm/rmap.c, which other work changes too, stays as it is).
 *
 * One folio's reclaim (shrink_folio_list):
 *  (1) isolate it (a reference and PG_isolated) and lock it;
 *  (2) references: folio_referenced() clears and counts the Accessed bits
 *      of its PTEs; a folio used since the last pass is kept or activated
 *      (MADV_PAGEOUT ignores references);
 *  (3) add_to_swap: a slot, the swap cache, PG_dirty; a large folio
 *      cannot have one (no THP_SWAP) and is split first, its other pages
 *      going onto the list (shrink_large_folio);
 *  (4) try_to_unmap: every PTE becomes a swap entry (exclusive marker kept
 *      in the entry); the PTE is cleared first and the flush is batched
 *      (TTU_BATCH_FLUSH); an exclusive page that may be pinned cannot be
 *      shared (folio_try_share_anon_rmap_pte) and the walk stops: the
 *      folio stays mapped and is kept;
 *  (5) pageout: flush the batch, then write a dirty folio to its slot;
 *      a clean one is already there and is not written;
 *  (6) __remove_mapping: freeze the count at isolation + swap cache, check
 *      PG_dirty again, drop it from the swap cache; the folio is freed
 *      after the batched TLB flush.
 * A lazyfree folio (MADV_FREE: anon, not PG_swapbacked) skips (3) and (5):
 * try_to_unmap drops its PTEs if it is clean and nobody else holds a
 * reference, else puts the PTE back (and makes it swap-backed again if it
 * was re-dirtied).
 *
 * SIM: there are no LRU lists. The candidates of a pass are the anon
 * folios physical memory holds, in pfn order; PG_active tells the two
 * lists apart, PG_referenced is the second-chance bit. New folios start
 * inactive. docs/deviations.md lists the rest.
 */
#include "gup.h"
#include "huge_mm.h"
#include "migrate.h"
#include "pagemap.h"
#include "rmap.h"
#include "swap.h"
#include "sim/regress.h"

#define RECLAIM_CLUSTER_MAX	256	/* candidates per pass */
#define RECLAIM_PASSES		3	/* SIM: the kernel's priorities 12..0 */
/* ---- folio_referenced ---- */

static bool folio_referenced_one(struct folio *folio,
				 struct vm_area_struct *vma,
				 unsigned long addr, void *arg)
{
	DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr, 0);
	int *referenced = arg;

	while (page_vma_mapped_walk(&pvmw)) {
		if (pvmw.pte) {
			if (ptep_test_and_clear_young(vma, pvmw.address,
						      pvmw.pte))
				(*referenced)++;
		} else if (pmdp_test_and_clear_young(vma, pvmw.address,
						     pvmw.pmd)) {
			(*referenced)++;
		}
	}
	return true;
}

/*
 * __folio_referenced - folio_referenced with @is_locked saying whether the
 * caller holds the folio lock. A tmpfs folio's rmap walk needs it (its
 * ->mapping must not change under the walk): trylocked, and a folio that
 * cannot be locked counts as referenced, as the kernel's.
 * SIM: x86's ptep_clear_flush_young does not flush either; a CPU with a
 * cached entry keeps using it without setting the bit again until its
 * TLB entry goes.
 */
static int __folio_referenced(struct folio *folio, bool is_locked)
{
	int referenced = 0;
	bool we_locked = false;
	struct rmap_walk_control rwc = {
		.arg = &referenced,
		.rmap_one = folio_referenced_one,
		.anon_lock = folio_lock_anon_vma_read,
	};

	if (!folio_mapcount(folio))
		return 0;
	if (!folio_test_anon(folio)) {
		if (!is_locked) {
			if (!folio_trylock(folio))
				return 1;
			we_locked = true;
		}
		if (!folio_mapping(folio))
			goto out;	/* truncated, or off to swap */
	}
	rmap_walk(folio, &rwc);
out:
	if (we_locked)
		folio_unlock(folio);
	return referenced;
}

/* folio_referenced - see swap.h. */
int folio_referenced(struct folio *folio)
{
	return __folio_referenced(folio, true);
}

/* ---- try_to_unmap ---- */

struct ttu_arg {
	enum ttu_flags flags;
};

/*
 * try_to_unmap_pte - one present PTE of @folio (small; anon, or a tmpfs
 * folio khugepaged's collapse_file unmaps) at @addr.
 * PTL held. Returns false to stop the rmap walk (the folio stays mapped).
 * The pin protocol is try_to_migrate's: (1) clear the PTE, then (2)
 * check for pins; GUP-fast (1) pins, then (2) re-checks the PTE.
 */
static bool try_to_unmap_pte(struct folio *folio, struct vm_area_struct *vma,
			     unsigned long addr, pte_t *ptep,
			     struct ttu_arg *ta)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t pte = ptep_get_l(ptep, "try_to_unmap_one:pte");
	struct page *subpage = pte_page(pte);
	bool anon_exclusive = PageAnonExclusive(subpage);
	swp_entry_t entry = { .val = folio->private };
	pte_t pteval, swp_pte;

	/*
	 * (1) nuke the PTE. Batched: a CPU may still use a cached entry
	 * until the batch is flushed; a store through a clean cached entry
	 * must set the dirty bit, which makes the walker see the cleared
	 * PTE and fault (the arch guarantee should_defer_flush relies on).
	 */
	if (should_defer_flush(mm, ta->flags)) {
		pteval = ptep_get_and_clear_l(mm, addr, ptep,
					      "try_to_unmap_one:clear");
		set_tlb_ubc_flush_pending(mm, pteval, addr, addr + PAGE_SIZE);
	} else {
		pteval = ptep_clear_flush(vma, addr, ptep);
	}
	if (pte_dirty(pteval))
		folio_mark_dirty(folio);

	/* a page-cache folio: the mapping goes, the page stays cached */
	if (!folio_test_anon(folio)) {
		add_mm_counter(mm, mm_counter_file(folio), -1);
		goto discard;
	}

	/* MADV_FREE: a lazyfree folio is dropped, not swapped */
	if (!folio_test_swapbacked(folio) &&
	    sim_regress_on(SIM_REGRESS_MADV_FREE_VS_GUP)) {
		/*
		 * Before 6c8e2a256915 (2022): only PG_dirty was looked at.
		 * A direct IO read holds GUP-fast references to the clean
		 * page and marks it dirty only when the IO completes:
		 *  (1) MADV_FREE cleaned the page; (2) the IO pins it;
		 *  (3) reclaim discards the PTE (clean); (4) the IO writes
		 *  the data into the page nothing maps any more; (5) the
		 *  process faults in a zero page: its read() data is lost.
		 */
		if (!folio_test_dirty(folio)) {
			add_mm_counter(mm, MM_ANONPAGES, -1);
			goto discard;
		}
		set_pte_at_l(mm, addr, ptep, pteval,
			     "try_to_unmap_one:lazyfree_redirtied");
		folio_set_swapbacked(folio);
		return false;
	}
	if (!folio_test_swapbacked(folio)) {
		int ref_count, map_count;

		/* clear PTE; barrier; read refcount (GUP-fast: inc refcount;
		 * barrier; read PTE) */
		smp_mb();
		ref_count = folio_ref_count(folio);
		map_count = folio_mapcount(folio);
		smp_rmb();
		if (folio_test_dirty(folio)) {
			/* re-dirtied through the PTE or a GUP reference */
			set_pte_at_l(mm, addr, ptep, pteval,
				     "try_to_unmap_one:lazyfree_redirtied");
			folio_set_swapbacked(folio);
			return false;
		}
		if (ref_count != 1 + map_count) {
			/* a GUP or speculative reference: not now */
			set_pte_at_l(mm, addr, ptep, pteval,
				     "try_to_unmap_one:lazyfree_ref");
			return false;
		}
		add_mm_counter(mm, MM_ANONPAGES, -1);
		goto discard;
	}
	if (swap_duplicate(entry) < 0) {
		set_pte_at_l(mm, addr, ptep, pteval,
			     "try_to_unmap_one:swap_dup_failed");
		return false;
	}
	/* (2) an exclusive page that may be pinned cannot be shared */
	if (anon_exclusive && folio_try_share_anon_rmap_pte(folio, subpage)) {
		swap_free(entry);
		set_pte_at_l(mm, addr, ptep, pteval,
			     "try_to_unmap_one:restore_pinned");
		return false;
	}
	add_mm_counter(mm, MM_ANONPAGES, -1);
	add_mm_counter(mm, MM_SWAPENTS, 1);
	swp_pte = swp_entry_to_pte(entry);
	if (anon_exclusive)
		swp_pte = pte_swp_mkexclusive(swp_pte);
	if (pte_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	if (pte_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	set_pte_at_l(mm, addr, ptep, swp_pte, "try_to_unmap_one:set_swp");
discard:
	folio_remove_rmap_pte(folio, subpage, vma);
	folio_put(folio);	/* the mapping's reference */
	return true;
}

static bool try_to_unmap_one(struct folio *folio, struct vm_area_struct *vma,
			     unsigned long addr, void *arg)
{
	struct ttu_arg *ta = arg;
	DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr,
			      (ta->flags & TTU_SYNC) ? PVMW_SYNC : 0);

	/*
	 * split_huge_page's unmap_folio of a file THP: its PMD mapping is
	 * zapped (__split_huge_pmd_locked of a file VMA); the pages refault
	 * from the page cache. SIM: split before the walk, as
	 * try_to_migrate_one does (mm/migrate.c).
	 */
	if (ta->flags & TTU_SPLIT_HUGE_PMD)
		split_huge_pmd_address(vma, addr, false, folio);
	while (page_vma_mapped_walk(&pvmw)) {
		/* SIM: PMD-mapped folios are never passed here (no split) */
		if (!pvmw.pte ||
		    !try_to_unmap_pte(folio, vma, pvmw.address, pvmw.pte,
				      arg)) {
			page_vma_mapped_walk_done(&pvmw);
			return false;
		}
	}
	return true;
}

static bool folio_not_mapped(struct folio *folio)
{
	return !folio_mapcount(folio);
}

void try_to_unmap(struct folio *folio, enum ttu_flags flags)
{
	struct ttu_arg ta = { .flags = flags };
	struct rmap_walk_control rwc = {
		.arg = &ta,
		.rmap_one = try_to_unmap_one,
		.done = folio_not_mapped,
		.anon_lock = folio_lock_anon_vma_read,
	};

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	if (flags & TTU_RMAP_LOCKED)
		rmap_walk_locked(folio, &rwc);
	else
		rmap_walk(folio, &rwc);
}

/* ---- shrink_folio_list ---- */

enum folio_references {
	FOLIOREF_RECLAIM,
	FOLIOREF_KEEP,
	FOLIOREF_ACTIVATE,
};

/*
 * folio_check_references - mapped folios start with an Accessed bit from
 * the fault that made them, so a folio needs a second look: referenced
 * once, it gets PG_referenced and another trip; referenced again (or by
 * two PTEs), it is activated.
 */
static enum folio_references folio_check_references(struct folio *folio)
{
	int referenced_ptes = folio_referenced(folio);
	bool referenced_folio = folio_test_clear_referenced(folio);

	if (referenced_ptes) {
		folio_set_referenced(folio);
		if (referenced_folio || referenced_ptes > 1)
			return FOLIOREF_ACTIVATE;
		return FOLIOREF_KEEP;
	}
	return FOLIOREF_RECLAIM;
}

/*
 * __remove_mapping_shmem - a clean tmpfs folio (locked, unmapped, never
 * written since it was zero-filled: nothing on it that a new zeroed folio
 * would not have) leaves the page cache, as __remove_mapping does for a
 * file folio: under the xa_lock (1) freeze the count at the isolation's
 * and the cache's references, (2) re-check PG_dirty, (3) empty the slots
 * (no shadow entry: the folio is swap-backed) and clear ->mapping. A
 * later fault there allocates a new zeroed folio.
 */
static bool __remove_mapping_shmem(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	long nr = folio_nr_pages(folio);
	int refcount = 1 + nr;

	spin_lock(&mapping->i_pages_lock);
	if (!folio_ref_freeze(folio, refcount))			/* (1) */
		goto cannot_free;
	if (unlikely(folio_test_dirty(folio))) {		/* (2) */
		folio_ref_unfreeze(folio, refcount);
		goto cannot_free;
	}
	xa_store_slots(mapping, folio->index, nr, NULL, 0,	/* (3) */
		       "__remove_mapping:slot");
	mapping->nrpages -= nr;
	WRITE_ONCE_L(folio->mapping, NULL, "__remove_mapping:mapping");
	spin_unlock(&mapping->i_pages_lock);
	return true;
cannot_free:
	spin_unlock(&mapping->i_pages_lock);
	return false;
}

/*
 * __remove_mapping - the folio (locked, unmapped, clean) leaves the swap
 * cache. (1) freeze the count at what we expect (the isolation reference
 * and the cache's): a GUP or speculative reference makes it fail; (2)
 * re-check PG_dirty after the freeze (a GUP user that wrote marks it dirty
 * before dropping its reference). Returns true when the folio may be freed.
 */
static bool __remove_mapping(struct folio *folio)
{
	int refcount = 1 + folio_nr_pages(folio);
	swp_entry_t entry;

	/* (from here until swapcache_clear, lookups see it frozen and a
	 * swap-in sleeps in swapcache_wait) */
	if (!folio_ref_freeze(folio, refcount))
		return false;
	if (unlikely(folio_test_dirty(folio))) {
		folio_ref_unfreeze(folio, refcount);
		swapcache_wake();	/* lookups waiting for the freeze */
		return false;
	}
	entry.val = folio->private;
	__delete_from_swap_cache(folio, entry);
	swapcache_clear(entry);		/* put_swap_folio */
	/* the count stays frozen: the folio is freed as it is */
	return true;
}

/* What pageout did (kernel: pageout_t). */
typedef enum {
	PAGE_ACTIVATE,	/* not written: keep it (activated) */
	PAGE_SUCCESS,	/* written */
	PAGE_CLEAN,	/* nothing to write */
} pageout_t;

/*
 * pageout - write the dirty @folio (locked, unmapped): an anon folio is
 * in the swap cache and goes to its slot; a tmpfs folio goes to
 * shmem_writeout, which moves it from the page cache to the swap cache
 * (or fails: no slot). PG_dirty is cleared before the write
 * (folio_clear_dirty_for_io): a store after the clear would set it again.
 * SIM: the write completes at once (no PG_writeback, no async end).
 */
static pageout_t pageout(struct folio *folio)
{
	if (!folio_test_clear_dirty(folio))
		return PAGE_CLEAN;
	if (folio_is_shmem_cache(folio)) {
		if (shmem_writeout(folio))
			return PAGE_ACTIVATE;	/* redirtied */
		return PAGE_SUCCESS;
	}
	swap_write_folio(folio);
	return PAGE_SUCCESS;
}

/*
 * shrink_large_folio - step (3) for a large anon folio (locked, isolated,
 * not in the swap cache), as the kernel's shrink_folio_list does when
 * folio_alloc_swap cannot give it a cluster of slots (here: always, THP_SWAP
 * is not modelled): (a) a folio that may be pinned is kept; (b) one with
 * references beyond its mappings and ours cannot be split: activated;
 * (c) a partially mapped one (on the deferred split queue) is split right
 * away; (d) otherwise the swap allocation fails and the fallback splits
 * it (THP_SWPOUT_FALLBACK). The split leaves @folio as the head, order 0,
 * locked and isolated; the other 511 pages are isolated folios of their
 * own at the tail of @folio_list, reclaimed later in the same call. A
 * split that fails (a reference taken since (b): GUP, a racing fault's
 * speculative look) activates the folio, whole and mapped as before.
 */
static enum folio_references shrink_large_folio(struct folio *folio,
						struct list_head *folio_list)
{
	/* (a) SIM: the kernel checks every anon folio here; a small pinned
	 * one is refused by try_to_unmap instead (same outcome) */
	if (folio_maybe_dma_pinned(folio))
		return FOLIOREF_KEEP;
	/* (b) */
	if (!can_split_folio(folio, 1, NULL))
		return FOLIOREF_ACTIVATE;
	/* (c) and (d): one split either way, as folio_alloc_swap fails */
	if (split_folio_to_list(folio, folio_list))
		return FOLIOREF_ACTIVATE;
	return FOLIOREF_RECLAIM;
}

/*
 * shrink_folio_list - see the file comment. @folio_list holds isolated
 * folios; every folio leaves it: freed (counted), or put back.
 * @ignore_references: MADV_PAGEOUT. Returns base pages reclaimed.
 */
static unsigned long shrink_folio_list(struct list_head *folio_list,
				       bool ignore_references)
{
	unsigned long nr_reclaimed = 0;
	LIST_HEAD(free_folios);
	LIST_HEAD(ret_folios);

	while (!list_empty(folio_list)) {
		struct folio *folio = list_first_entry(folio_list,
						       struct folio, lru);
		unsigned long nr = folio_nr_pages(folio);

		list_del(&folio->lru);
		if (!folio_trylock(folio))
			goto keep;
		if (!folio_test_anon(folio) && !folio_test_swapcache(folio) &&
		    !folio_is_shmem_cache(folio))
			goto keep_locked;	/* freed and reused meanwhile */
		/* SIM: a large tmpfs folio is not swapped (not split) */
		if (folio_is_shmem_cache(folio) && folio_test_large(folio))
			goto keep_locked;
		if (!ignore_references) {
			switch (folio_check_references(folio)) {
			case FOLIOREF_ACTIVATE:
				goto activate_locked;
			case FOLIOREF_KEEP:
				goto keep_locked;
			case FOLIOREF_RECLAIM:
				break;
			}
		}
		/* (3) a slot; swap full: keep it. A large folio is split */
		if (folio_test_anon(folio) && folio_test_swapbacked(folio) &&
		    !folio_test_swapcache(folio)) {
			if (folio_test_large(folio)) {
				switch (shrink_large_folio(folio, folio_list)) {
				case FOLIOREF_KEEP:
					goto keep_locked;
				case FOLIOREF_ACTIVATE:
					goto activate_locked;
				case FOLIOREF_RECLAIM:
					break;
				}
				nr = folio_nr_pages(folio);
			}
			if (!add_to_swap(folio))
				goto activate_locked;
		}
		/* (4) */
		if (folio_mapcount(folio)) {
			try_to_unmap(folio, TTU_BATCH_FLUSH);
			if (folio_mapcount(folio))
				goto activate_locked;
		}
		/* (5) try_to_unmap_flush_dirty, then write */
		if (folio_test_dirty(folio) && folio_test_swapbacked(folio)) {
			try_to_unmap_flush_dirty();
			if (pageout(folio) == PAGE_ACTIVATE)
				goto activate_locked;
		}
		/* a lazyfree folio: only our reference may be left */
		if (!folio_test_swapbacked(folio)) {
			if (!folio_ref_freeze(folio, 1))
				goto keep_locked;
			if (folio_test_dirty(folio)) {
				folio_ref_unfreeze(folio, 1);
				goto keep_locked;
			}
			goto free_it;	/* frozen: freed as it is */
		}
		/* (6) a clean tmpfs folio still in the page cache leaves it;
		 * a written one leaves the swap cache */
		if (folio_is_shmem_cache(folio)) {
			if (!__remove_mapping_shmem(folio))
				goto keep_locked;
		} else if (!folio_test_swapcache(folio) ||
			   !__remove_mapping(folio)) {
			goto keep_locked;
		}
free_it:
		nr_reclaimed += nr;
		folio_clear_active(folio);
		folio_clear_referenced(folio);
		folio_unlock(folio);
		list_add_tail(&folio->lru, &free_folios);
		continue;
activate_locked:
		folio_set_active(folio);
keep_locked:
		folio_unlock(folio);
keep:
		list_add_tail(&folio->lru, &ret_folios);
	}
	/* no CPU may still write to a folio we free */
	try_to_unmap_flush();
	while (!list_empty(&free_folios)) {
		struct folio *folio = list_first_entry(&free_folios,
						       struct folio, lru);

		list_del(&folio->lru);
		folio_clear_isolated(folio);
		folio_free_frozen(folio);	/* count frozen at 0 */
	}
	while (!list_empty(&ret_folios)) {
		struct folio *folio = list_first_entry(&ret_folios,
						       struct folio, lru);

		list_del(&folio->lru);
		folio_putback_lru(folio);
	}
	return nr_reclaimed;
}

unsigned long reclaim_pages(struct list_head *list)
{
	return shrink_folio_list(list, true);
}

/* ---- the LRU scan (SIM: physical memory in pfn order) ---- */

struct reclaim_candidates {
	int nr;
	unsigned long pfn[RECLAIM_CLUSTER_MAX];
};

static void reclaim_collect(struct page *page, unsigned order, void *arg)
{
	struct reclaim_candidates *rc = arg;

	if (rc->nr < RECLAIM_CLUSTER_MAX && !PageTable(page) &&
	    !is_device_private_page(page))
		rc->pfn[rc->nr++] = page_to_pfn(page);
}

/*
 * isolate_lru_folios - the anon folios among the candidates, isolated:
 * active ones onto @active, inactive ones onto @inactive. Lockless look
 * first, then the speculative reference, then the look again.
 */
static void isolate_lru_folios(struct reclaim_candidates *rc,
			       struct list_head *active,
			       struct list_head *inactive)
{
	for (int i = 0; i < rc->nr; i++) {
		struct page *page = pfn_to_page(rc->pfn[i]);
		struct folio *folio = page_folio(page);

		if (PageTail(page) || is_huge_zero_folio(folio) ||
		    page == ZERO_PAGE(0) ||
		    (!folio_test_anon(folio) && !folio_test_swapcache(folio) &&
		     !folio_is_shmem_cache(folio)))
			continue;
		if (!folio_isolate_lru(folio))
			continue;
		if (page_folio(page) != folio ||
		    (!folio_test_anon(folio) && !folio_test_swapcache(folio) &&
		     !folio_is_shmem_cache(folio))) {
			folio_putback_lru(folio);
			continue;
		}
		list_add_tail(&folio->lru,
			      folio_test_active(folio) ? active : inactive);
	}
}

/*
 * shrink_active_list - every active anon folio goes inactive; its
 * Accessed bits are cleared on the way (the kernel keeps only executable
 * file folios active).
 */
static void shrink_active_list(struct list_head *active)
{
	while (!list_empty(active)) {
		struct folio *folio = list_first_entry(active, struct folio,
						       lru);

		list_del(&folio->lru);
		__folio_referenced(folio, false);
		folio_clear_active(folio);
		folio_putback_lru(folio);
	}
}

unsigned long shrink_node(unsigned long nr)
{
	unsigned long reclaimed = 0;

	for (int pass = 0; pass < RECLAIM_PASSES; pass++) {
		struct reclaim_candidates *rc = sim_zalloc(sizeof(*rc));
		LIST_HEAD(active);
		LIST_HEAD(inactive);

		physmem_for_each_allocated(reclaim_collect, rc);
		isolate_lru_folios(rc, &active, &inactive);
		sim_free(rc);
		shrink_active_list(&active);
		reclaimed += shrink_folio_list(&inactive, false);
		if (nr && reclaimed >= nr)
			break;
	}
	return reclaimed;
}
