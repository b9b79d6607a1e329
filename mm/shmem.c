// SPDX-License-Identifier: GPL-2.0
/*
 * mm/shmem.c - tmpfs files: creation, the fault handler, truncation and
 * hole punching, the huge= policy (kernel: mm/shmem.c).
 *
 * A tmpfs folio is in the page cache with one reference per page (the
 * cache's), is PG_swapbacked and PG_uptodate from its allocation (zeroed:
 * tmpfs has no backing store to read), and is only ever removed from the
 * cache locked. Faults find it locklessly and lock it; a folio whose
 * ->mapping changed under the lock was truncated: retry.
 *
 * Swap (shmem_writeout, shmem_swapin_folio): reclaim writes a small tmpfs
 * folio to a swap slot and its page-cache slot then holds the swap entry
 * (a value entry); the folio itself leaves through the swap cache. A
 * lookup that finds the entry reads the page back through the swap cache
 * and puts the folio in place of the entry, under the xa_lock, if the
 * slot still holds that entry.
 *
 * SIM: no xattrs, no quotas, no writes by write(2): every byte of a file
 * comes from a mapping. A large tmpfs folio is not swapped (reclaim keeps
 * it; the kernel splits it in shmem_writeout).
 */
#include "gup.h"
#include "huge_mm.h"
#include "pagemap.h"
#include "rmap.h"
#include "swap.h"

int shmem_huge = SHMEM_HUGE_NEVER;
static int nr_files;	/* SIM: ids for reports (not reset: cosmetic) */

#define SHMEM_MAX_SIZE (64UL << 20)	/* SIM: slots are a flat array */

/*
 * shmem_swaplist: the files that have (had) pages on swap, for swapoff's
 * shmem_unuse. SIM: a file stays on it once added (the kernel takes it
 * off when info->swapped drops to 0); files live as long as the
 * execution, so the walk needs no reference on them.
 */
static struct {
	spinlock_t lock;		/* shmem_swaplist_lock */
	struct list_head list;
} shmem_swaplist = {
	.lock = { .class = "shmem_swaplist" },
	.list = LIST_HEAD_INIT(shmem_swaplist.list),
};

/* A new execution: empty list, lock free (an aborted one may hold it). */
static void shmem_swaplist_reset(void)
{
	spin_lock_init_class(&shmem_swaplist.lock, "shmem_swaplist");
	INIT_LIST_HEAD(&shmem_swaplist.list);
}

/*
 * shmem_file_setup - see pagemap.h. The slot array covers @size rounded
 * up to a PMD; truncation may grow the file only within it.
 */
struct file *shmem_file_setup(unsigned long size, int huge)
{
	struct address_space *mapping;
	struct file *file;

	if (size > SHMEM_MAX_SIZE)
		return NULL;
	mapping = sim_zalloc(sizeof(*mapping));
	init_rwsem_class(&mapping->i_mmap_rwsem, "i_mmap_rwsem");
	INIT_LIST_HEAD(&mapping->i_mmap);
	spin_lock_init_class(&mapping->i_pages_lock, "i_pages");
	mapping->nr_slots = ALIGN(size ? size : 1, HPAGE_PMD_SIZE) >>
			    PAGE_SHIFT;
	mapping->i_pages = sim_zalloc(sizeof(*mapping->i_pages) *
				      mapping->nr_slots);
	mapping->i_size = size;
	mapping->huge = huge;
	mapping->id = nr_files++;
	INIT_LIST_HEAD(&mapping->swaplist);
	sim_on_reset(shmem_swaplist_reset);	/* idempotent */
	file = sim_zalloc(sizeof(*file));
	file->f_mapping = mapping;
	return file;
}

/*
 * shmem_zero_setup - see pagemap.h. The kernel's anonymous shared memory
 * is a tmpfs file on the internal mount, sized like the VMA.
 * SIM: its huge policy is shmem_enabled's (6.18 asks the per-size mTHP
 * controls, whose default "inherit" reads the same knob).
 */
int shmem_zero_setup(struct vm_area_struct *vma)
{
	struct file *file = shmem_file_setup(vma->vm_end - vma->vm_start,
					     shmem_huge);

	if (!file)
		return -ENOMEM;
	file->f_mapping->anon = true;
	vma->vm_file = file;
	vma->vm_pgoff = 0;
	return 0;
}

/*
 * shmem_huge_allowed - may the folio at @index be PMD-sized? The file's
 * huge= (within_size: only if the whole PMD lies below i_size; advise:
 * only for a VM_HUGEPAGE VMA), overridden by shmem_enabled=deny/force;
 * the VMA must cover the PMD with matching alignment (as for anon THP).
 */
static bool shmem_huge_allowed(struct address_space *mapping,
			       unsigned long index, struct vm_area_struct *vma)
{
	unsigned long aligned = ALIGN_DOWN(index, HPAGE_PMD_NR);
	int huge = mapping->anon ? shmem_huge : mapping->huge;

	if (shmem_huge == SHMEM_HUGE_DENY)
		return false;
	if (vma) {
		unsigned long haddr;

		if (vma->vm_flags & VM_NOHUGEPAGE)
			return false;
		haddr = vma->vm_start +
			((aligned - vma->vm_pgoff) << PAGE_SHIFT);
		if (aligned < vma->vm_pgoff ||
		    !IS_ALIGNED(haddr, HPAGE_PMD_SIZE) ||
		    haddr + HPAGE_PMD_SIZE > vma->vm_end)
			return false;
	}
	if (aligned + HPAGE_PMD_NR > mapping->nr_slots)
		return false;
	if (shmem_huge == SHMEM_HUGE_FORCE)
		return true;
	switch (huge) {
	case SHMEM_HUGE_ALWAYS:
		return true;
	case SHMEM_HUGE_WITHIN_SIZE:
		return (aligned + HPAGE_PMD_NR) << PAGE_SHIFT <=
		       i_size_read(mapping);
	case SHMEM_HUGE_ADVISE:
		return vma && (vma->vm_flags & VM_HUGEPAGE);
	}
	return false;
}

/*
 * shmem_add_to_page_cache - insert the locked @folio at @index in place
 * of @expected: every slot it covers must still hold @expected - NULL
 * for a new folio, the swap entry for one read back from swap (-EEXIST:
 * a racing fault, swap-in or truncation won; the caller looks again).
 * The cache takes one reference per page.
 */
static int shmem_add_to_page_cache(struct folio *folio,
				   struct address_space *mapping,
				   unsigned long index, struct folio *expected)
{
	long nr = folio_nr_pages(folio);

	folio->index = index;
	/* not visible yet (a new folio), or locked by us (from swap) */
	__atomic_store_n(&folio->mapping, mapping, SIM_MO);
	folio_ref_add(folio, nr);
	spin_lock(&mapping->i_pages_lock);
	/* the occupancy check: one step over the folio's slots (xas_find
	 * under the lock), each must hold @expected */
	sim_yield2(SIM_EV_READ, &mapping->i_pages[index], SIM_EV_READ,
		   &mapping->i_pages_head, "shmem_add_to_page_cache:slot");
	for (long i = 0; i < nr; i++) {
		if (SIM_LOAD(&mapping->i_pages[index + i]) != expected) {
			spin_unlock(&mapping->i_pages_lock);
			__atomic_store_n(&folio->mapping, NULL, SIM_MO);
			folio_ref_sub(folio, nr);
			return -EEXIST;
		}
	}
	/* SIM: the slots are published with plain stores under the lock;
	 * lockless readers re-check with folio_try_get + a reload. */
	for (long i = 0; i < nr; i++)
		__atomic_store_n(&mapping->i_pages[index + i], folio, SIM_MO);
	sim_yield2(SIM_EV_WRITE, &mapping->i_pages[index], SIM_EV_WRITE,
		   &mapping->i_pages_head, "shmem_add_to_page_cache:publish");
	mapping->nrpages += nr;
	if (expected)
		mapping->swapped -= nr;
	spin_unlock(&mapping->i_pages_lock);
	return 0;
}

/* ---- swap ---- */

/*
 * shmem_confirm_swap - does the slot at @index still hold @swap? (A
 * lockless xa_load: a swap-in, truncation or hole punch may have replaced
 * it.)
 */
static bool shmem_confirm_swap(struct address_space *mapping,
			       unsigned long index, swp_entry_t swap)
{
	return xa_load_slot(mapping, index, "shmem_confirm_swap") ==
	       swp_to_radix_entry(swap);
}

/*
 * shmem_delete_from_page_cache - the locked @folio (in the swap cache
 * now) leaves the page cache: its slot holds @radswap instead, ->mapping
 * goes NULL (a locker that re-checks it sees it gone: "truncated or
 * swapped out"), then the cache's references are dropped.
 */
static void shmem_delete_from_page_cache(struct folio *folio,
					 struct folio *radswap)
{
	struct address_space *mapping = folio->mapping;
	long nr = folio_nr_pages(folio);

	spin_lock(&mapping->i_pages_lock);
	VM_BUG_ON_FOLIO(mapping->i_pages[folio->index] != folio, folio);
	xa_store_slots(mapping, folio->index, 1, radswap, 0,
		       "shmem_delete_from_page_cache:slot");
	WRITE_ONCE_L(folio->mapping, NULL,
		     "shmem_delete_from_page_cache:mapping");
	mapping->nrpages -= nr;
	mapping->swapped += nr;
	spin_unlock(&mapping->i_pages_lock);
	shmem_slot_swapped(folio, nr);	/* at the end of the file */
}

/*
 * shmem_writeout - see pagemap.h. Folio locked, unmapped (reclaim's
 * try_to_unmap; faults lock the folio before they map it, so none can
 * map it again now), PG_dirty already cleared for the I/O:
 *  (1) the file goes on shmem_swaplist first, so that swapoff finds it
 *      as soon as a page of it is on swap;
 *  (2) folio_alloc_swap: a slot, and the folio is in the swap cache
 *      (SWAP_HAS_CACHE) as well as in the page cache;
 *  (3) the slot's count for the entry the page cache will hold
 *      (swap_duplicate: the kernel's swap_duplicate_nr / folio_dup_swap);
 *  (4) shmem_delete_from_page_cache: the page-cache slot holds the swap
 *      entry; a lookup from now on finds the entry and the swap cache;
 *  (5) write the folio to its slot. Reclaim then drops it from the swap
 *      cache (__remove_mapping) unless someone took a reference.
 * No slot: redirtied and kept (the kernel's AOP_WRITEPAGE_ACTIVATE).
 */
int shmem_writeout(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	swp_entry_t swap;

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	/* SIM: reclaim passes no large folio (see the file comment) */
	VM_BUG_ON_FOLIO(folio_test_large(folio), folio);
	spin_lock(&shmem_swaplist.lock);			/* (1) */
	if (list_empty(&mapping->swaplist))
		list_add(&mapping->swaplist, &shmem_swaplist.list);
	spin_unlock(&shmem_swaplist.lock);
	if (folio_alloc_swap(folio))				/* (2) */
		goto redirty;
	swap.val = folio->private;
	if (swap_duplicate(swap)) {				/* (3) */
		/* SIM: cannot fail on a slot just allocated */
		delete_from_swap_cache(folio);
		goto redirty;
	}
	shmem_delete_from_page_cache(folio, swp_to_radix_entry(swap)); /* (4) */
	VM_BUG_ON_FOLIO(folio_mapcount(folio), folio);
	swap_write_folio(folio);				/* (5) */
	return 0;
redirty:
	folio_mark_dirty(folio);
	return -ENOSPC;
}

/*
 * shmem_swapin_folio - the slot at @index held the swap entry @radswap:
 * bring the page back. Returns 0 with the folio in *@foliop (locked, a
 * reference held, in the page cache at @index, out of the swap cache,
 * dirty: its only copy once the slot is freed), -EEXIST when the slot
 * changed meanwhile (look again), -ENOMEM, or -EINVAL (swapoff freed the
 * device and the entry is still there: cannot happen while swapoff is
 * bringing every page back first).
 *  (1) get_swap_device: swapoff cannot free the maps until we are done;
 *      shmem_confirm_swap: the slot still holds the entry;
 *  (2) the swap cache's folio, or a new one read in (the lookup's
 *      folio_try_get and re-check, swapcache_prepare against a racing
 *      swap-in: mm/swap_state.c);
 *  (3) lock it; it must still be the swap cache's folio of this entry
 *      (reclaim may have dropped it, and it may have been reused since)
 *      and the slot must still hold the entry (a racing swap-in or a
 *      truncation replaced it: "checking folio is not enough");
 *  (4) shmem_add_to_page_cache in place of the entry, under the xa_lock:
 *      the check of (3) again, where it cannot change;
 *  (5) out of the swap cache, dirty, the slot's count dropped.
 */
static int shmem_swapin_folio(struct address_space *mapping,
			      unsigned long index, struct folio *radswap,
			      struct folio **foliop)
{
	swp_entry_t swap = radix_to_swp_entry(radswap);
	struct swap_info_struct *si;
	struct folio *folio;
	bool oom;
	int error;

	*foliop = NULL;
	si = get_swap_device(swap);				/* (1) */
	if (!si)
		return shmem_confirm_swap(mapping, index, swap) ? -EINVAL :
								  -EEXIST;
	if (!shmem_confirm_swap(mapping, index, swap)) {
		put_swap_device(si);
		return -EEXIST;
	}
	folio = swap_cache_get_folio(swap);			/* (2) */
	if (!folio) {
		/* SIM: always through the swap cache (the kernel skips it
		 * for a SWP_SYNCHRONOUS_IO device: shmem_swap_alloc_folio) */
		folio = __read_swap_cache_async(swap, &oom);
		if (!folio) {
			error = oom ? -ENOMEM : -EEXIST;
			goto failed_nolock;
		}
	}
	folio_lock(folio);					/* (3) */
	if (!folio_test_swapcache(folio) || folio->private != swap.val ||
	    !shmem_confirm_swap(mapping, index, swap)) {
		error = -EEXIST;
		goto unlock;
	}
	error = shmem_add_to_page_cache(folio, mapping, index, radswap);
	if (error)						/* (4) */
		goto unlock;
	delete_from_swap_cache(folio);				/* (5) */
	folio_mark_dirty(folio);
	swap_free(swap);
	put_swap_device(si);
	*foliop = folio;
	return 0;
unlock:
	folio_unlock(folio);
	folio_put(folio);
failed_nolock:
	if (error == -ENOMEM && !shmem_confirm_swap(mapping, index, swap))
		error = -EEXIST;
	put_swap_device(si);
	return error;
}

/*
 * shmem_free_swap - truncation met the swap entry @radswap at @index:
 * take it out of the slot (a compare-and-exchange under the xa_lock: a
 * racing swap-in may have replaced it with its folio) and free the slot
 * and any swap-cache folio of it. Returns false if the slot changed.
 */
static bool shmem_free_swap(struct address_space *mapping, unsigned long index,
			    struct folio *radswap)
{
	bool ours;

	spin_lock(&mapping->i_pages_lock);
	ours = xa_load_slot(mapping, index, "shmem_free_swap:slot") ==
	       radswap;
	if (ours) {
		xa_store_slots(mapping, index, 1, NULL, 0,
			       "shmem_free_swap:clear");
		mapping->swapped--;
	}
	spin_unlock(&mapping->i_pages_lock);
	if (ours)
		free_swap_and_cache(radix_to_swp_entry(radswap));
	return ours;
}


/*
 * shmem_alloc_and_add_folio - a new zeroed, locked, uptodate folio of
 * @order at the aligned @index, in the cache, with the caller's
 * reference. ERR: NULL with *@err = -ENOMEM or -EEXIST.
 */
static struct folio *shmem_alloc_and_add_folio(struct address_space *mapping,
					       unsigned long index, int order,
					       int *err)
{
	struct folio *folio = folio_alloc(__GFP_ZERO | GFP_HIGHUSER_MOVABLE,
					  order);

	if (!folio) {
		*err = -ENOMEM;
		return NULL;
	}
	__folio_set_locked(folio);
	__folio_set_swapbacked(folio);
	__folio_set_uptodate(folio);
	*err = shmem_add_to_page_cache(folio, mapping,
				       ALIGN_DOWN(index, 1UL << order), NULL);
	if (*err) {
		__folio_clear_locked(folio);
		folio_put(folio);
		return NULL;
	}
	return folio;
}

/* What shmem_get_folio_gfp may do (kernel: enum sgp_type). */
enum sgp_type {
	SGP_READ,	/* no allocation: *foliop NULL for a hole */
	SGP_CACHE,	/* allocate a folio for a hole */
};

/*
 * shmem_get_folio_gfp - the locked folio holding @index, with a reference,
 * in *@foliop; allocated (huge if allowed) if missing and @sgp is
 * SGP_CACHE, read back if on swap. Returns 0, -EINVAL (at or past EOF:
 * the fault's SIGBUS) or -ENOMEM. (1) look up locklessly, (2) a swap
 * entry: shmem_swapin_folio (-EEXIST: the slot changed, retry), (3) lock,
 * (4) a ->mapping that changed means truncation or swap-out won: retry; a
 * new folio is checked against i_size again after it is in the cache
 * ("Perhaps the file has been truncated since we checked").
 */
static int shmem_get_folio_gfp(struct address_space *mapping,
			       unsigned long index, struct vm_area_struct *vma,
			       enum sgp_type sgp, struct folio **foliop)
{
	struct folio *folio;
	int err;

	*foliop = NULL;
repeat:
	if (index >= DIV_ROUND_UP(i_size_read(mapping), PAGE_SIZE))
		return -EINVAL;
	folio = filemap_get_entry(mapping, index);
	if (xa_is_value(folio)) {
		err = shmem_swapin_folio(mapping, index, folio, foliop);
		if (err == -EEXIST)
			goto repeat;
		return err;
	}
	if (folio) {
		folio_lock(folio);
		if (unlikely(READ_ONCE_L(folio->mapping,
					 "shmem_get_folio:mapping") !=
			     mapping)) {
			folio_unlock(folio);
			folio_put(folio);
			goto repeat;
		}
		*foliop = folio;
		return 0;
	}
	if (sgp == SGP_READ)
		return 0;
	folio = NULL;
	if (shmem_huge_allowed(mapping, index, vma))
		folio = shmem_alloc_and_add_folio(mapping, index,
						  HPAGE_PMD_ORDER, &err);
	if (!folio)
		folio = shmem_alloc_and_add_folio(mapping, index, 0, &err);
	if (!folio) {
		if (err == -EEXIST)
			goto repeat;
		return err;
	}
	if (index >= DIV_ROUND_UP(i_size_read(mapping), PAGE_SIZE)) {
		filemap_remove_folio(folio);
		folio_unlock(folio);
		folio_put(folio);
		return -EINVAL;
	}
	*foliop = folio;
	return 0;
}

/* shmem_fault - see pagemap.h. */
vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	struct folio *folio = NULL;
	int err = shmem_get_folio_gfp(mapping, vmf->pgoff, vmf->vma, SGP_CACHE,
				      &folio);

	if (err == -ENOMEM)
		return VM_FAULT_OOM;
	if (err)
		return VM_FAULT_SIGBUS;
	vmf->page = folio_file_page(folio, vmf->pgoff);
	return 0;
}

/*
 * shmem_get_partial_folio - the locked folio at @index for a partial
 * zeroing: a cached one (even past EOF), else one read back from swap
 * (shmem_get_folio_gfp with SGP_READ: not past EOF, no allocation).
 */
static struct folio *shmem_get_partial_folio(struct address_space *mapping,
					     unsigned long index)
{
	struct folio *folio = filemap_get_entry(mapping, index);

	if (folio && !xa_is_value(folio)) {
		folio_lock(folio);
		if (READ_ONCE(folio->mapping) == mapping)
			return folio;
		folio_unlock(folio);
		folio_put(folio);
	}
	if (shmem_get_folio_gfp(mapping, index, NULL, SGP_READ, &folio))
		return NULL;
	return folio;
}

/*
 * shmem_zero_partial - zero bytes [from, to) of the file inside one page
 * (truncate and punch of a partial page: the kernel's folio_zero_range,
 * then folio_mark_dirty). The folio, if cached or on swap, is locked
 * around it; a store racing through a mapping lands before or after the
 * one step.
 */
static void shmem_zero_partial(struct address_space *mapping,
			       unsigned long from, unsigned long to)
{
	unsigned long index = from >> PAGE_SHIFT;
	struct folio *folio;
	struct page *page;

	if (from >= to || index >= mapping->nr_slots)
		return;
	folio = shmem_get_partial_folio(mapping, index);
	if (!folio)
		return;
	page = folio_file_page(folio, index);
	sim_yield(SIM_EV_WRITE, sim_data_obj(page), "folio_zero_range");
	physmem_fill_words(page_to_pfn(page), (from & ~PAGE_MASK) / 8,
			   ((to - 1) & ~PAGE_MASK) / 8 + 1, 0);
	folio_mark_dirty(folio);
	folio_unlock(folio);
	folio_put(folio);
}

/*
 * shmem_undo_range - free the cached pages of file bytes [lstart, lend]
 * (inclusive; lend -1: to the end). Whole folios inside the range are
 * truncated (unmapped, removed); a page straddling either end is zeroed
 * in part; a huge folio only partly inside has its pages in the range
 * zeroed and stays (SIM: the kernel tries to split it first).
 */
static void shmem_undo_range(struct address_space *mapping,
			     unsigned long lstart, unsigned long lend)
{
	unsigned long start = DIV_ROUND_UP(lstart, PAGE_SIZE);
	unsigned long end = lend == -1UL ? mapping->nr_slots :
					    (lend + 1) >> PAGE_SHIFT;
	unsigned long index;

	if (end > mapping->nr_slots)
		end = mapping->nr_slots;
	for (index = start; index < end;) {
		struct folio *folio;

		/* find_lock_entries: the next cached index, then a lookup */
		if (!xa_find_slot(mapping, &index, end, "shmem_undo_range:find"))
			break;
		folio = filemap_get_entry(mapping, index);
		if (!folio) {
			index++;
			continue;
		}
		if (xa_is_value(folio)) {
			/* on swap: free it; replaced by a swap-in: again */
			if (shmem_free_swap(mapping, index, folio))
				index++;
			continue;
		}
		folio_lock(folio);
		if (READ_ONCE(folio->mapping) != mapping) {
			folio_unlock(folio);
			folio_put(folio);
			continue;	/* gone meanwhile: look again */
		}
		if (folio->index >= start &&
		    folio_next_index(folio) <= end) {
			truncate_inode_folio(mapping, folio);
		} else {
			/* SIM: no split; zero the pages in the range */
			unsigned long s = index, e = folio_next_index(folio);

			if (e > end)
				e = end;
			for (; s < e; s++) {
				struct page *p = folio_file_page(folio, s);

				sim_yield(SIM_EV_WRITE, sim_data_obj(p),
					  "folio_zero_range");
				physmem_fill_words(page_to_pfn(p), 0,
						   PAGE_SIZE / 8, 0);
			}
			folio_mark_dirty(folio);
		}
		index = folio_next_index(folio);
		folio_unlock(folio);
		folio_put(folio);
	}
	if (lstart & ~PAGE_MASK)
		shmem_zero_partial(mapping, lstart,
				   lend == -1UL ? ALIGN(lstart, PAGE_SIZE) :
				   (lend + 1 < ALIGN(lstart, PAGE_SIZE) ?
				    lend + 1 : ALIGN(lstart, PAGE_SIZE)));
	if (lend != -1UL && ((lend + 1) & ~PAGE_MASK) &&
	    ALIGN_DOWN(lend + 1, PAGE_SIZE) >= ALIGN(lstart, PAGE_SIZE))
		shmem_zero_partial(mapping, ALIGN_DOWN(lend + 1, PAGE_SIZE),
				   lend + 1);
}

/*
 * shmem_truncate - see pagemap.h (shmem_setattr). Shrinking: (1) the new
 * i_size, so faults past it fail from now on, (2) unmap the range from
 * every VMA (COWed private pages too), (3) free the cache pages, (4)
 * unmap again: a private COW that raced (2) copied a page (3) removed.
 */
void shmem_truncate(struct address_space *mapping, unsigned long newsize)
{
	unsigned long oldsize = i_size_read(mapping);
	unsigned long holebegin = ALIGN(newsize, PAGE_SIZE);

	i_size_write(mapping, newsize);
	if (newsize >= oldsize)
		return;
	if (oldsize > holebegin)
		unmap_mapping_range(mapping, holebegin, 0, 1);
	shmem_undo_range(mapping, newsize, -1UL);
	if (oldsize > holebegin)
		unmap_mapping_range(mapping, holebegin, 0, 1);
}

/*
 * shmem_punch_hole - see pagemap.h (shmem_fallocate). The pages of the
 * hole are unmapped from shared mappings (private COWed copies stay:
 * even_cows 0), then freed; partial pages are zeroed.
 */
void shmem_punch_hole(struct address_space *mapping, unsigned long off,
		      unsigned long len)
{
	unsigned long unmap_start = ALIGN(off, PAGE_SIZE);
	unsigned long unmap_end = ALIGN_DOWN(off + len, PAGE_SIZE);

	if (unmap_end > unmap_start)
		unmap_mapping_range(mapping, unmap_start,
				    unmap_end - unmap_start, 0);
	shmem_undo_range(mapping, off, off + len - 1);
}

/* shmem_evict - see pagemap.h. No VMA maps the file any more. */
void shmem_evict(struct address_space *mapping)
{
	VM_BUG_ON(!list_empty(&mapping->i_mmap));
	shmem_undo_range(mapping, 0, -1UL);
}

/*
 * shmem_evict_exited - see pagemap.h. SIM: the end-of-execution teardown
 * of a scenario's memfd, when every task has ended: nothing can race the
 * truncation, so a folio the cache alone holds (not locked, not mapped,
 * still ours) leaves in one step - its slots cleared, ->mapping NULL, the
 * cache's references dropped, which frees it exactly when
 * shmem_undo_range's lookup, lock, removal and put would have. Anything
 * else (a swap entry, a locked or mapped folio) and the rest of the file
 * take shmem_undo_range. A folio with a leaked reference stays allocated
 * either way, for the all-exited invariants to report. Order-0 folios
 * of consecutive pfns go back to the allocator as one run
 * (folios_free_run), as the kernel frees a batch. (A split tmpfs THP
 * left 512 folios: their protocol was half of every execution's time.)
 */
void shmem_evict_exited(struct address_space *mapping)
{
	/* order-0 folios freed, not yet given back: [run, run + nr_run) */
	struct folio *run = NULL;
	unsigned long nr_run = 0;

	VM_BUG_ON(!list_empty(&mapping->i_mmap));
	for (unsigned long index = 0; index < mapping->nr_slots; index++) {
		struct folio *folio = mapping->i_pages[index];
		bool small;
		long nr;

		if (!folio)
			continue;
		if (xa_is_value(folio) ||
		    __test_bit(PG_locked, &folio->flags) ||
		    folio_mapcount(folio) || folio->mapping != mapping ||
		    folio->index != index) {
			if (nr_run)
				folios_free_run(run, nr_run);
			shmem_undo_range(mapping, index << PAGE_SHIFT, -1UL);
			return;
		}
		nr = folio_nr_pages(folio);
		for (long i = 0; i < nr; i++)
			mapping->i_pages[index + i] = NULL;
		mapping->nrpages -= nr;
		folio->mapping = NULL;
		index += nr - 1;
		if (!folio_ref_sub_and_test(folio, nr))
			continue;	/* a leaked reference: it stays */
		small = nr == 1 && !is_device_private_page(&folio->page);
		if (small && nr_run && &run->page + nr_run == &folio->page) {
			nr_run++;	/* the next pfn: one more in the run */
			continue;
		}
		if (nr_run)
			folios_free_run(run, nr_run);
		run = small ? folio : NULL;
		nr_run = small;
		if (!small)
			folio_free_frozen(folio);	/* the last ref went */
	}
	if (nr_run)
		folios_free_run(run, nr_run);
}

/*
 * shmem_unuse_inode - swapoff: every swap entry in @mapping's page cache
 * read back in (shmem_swapin_folio), left cached and unmapped. The scan
 * of the slots is racy (SIM: plain loads, one step, as try_to_unuse's
 * find_next_to_unuse); shmem_swapin_folio re-checks each entry.
 */
static int shmem_unuse_inode(struct address_space *mapping)
{
	for (unsigned long index = 0; index < mapping->nr_slots; index++) {
		struct folio *entry, *folio;
		int err;

		entry = __atomic_load_n(&mapping->i_pages[index], SIM_MO);
		if (!xa_is_value(entry))
			continue;
		err = shmem_swapin_folio(mapping, index, entry, &folio);
		if (err == -EEXIST) {
			index--;	/* the slot changed: look again */
			continue;
		}
		if (err)
			return err;
		folio_unlock(folio);
		folio_put(folio);
	}
	return 0;
}

/*
 * shmem_unuse - see pagemap.h. Walks shmem_swaplist; the lock is dropped
 * around each file (swap-in sleeps). SIM: files never leave the list, so
 * the next one is read under the lock without pinning the current one.
 */
int shmem_unuse(void)
{
	struct list_head *pos;
	int err = 0;

	spin_lock(&shmem_swaplist.lock);
	pos = shmem_swaplist.list.next;
	while (pos != &shmem_swaplist.list) {
		struct address_space *mapping =
			list_entry(pos, struct address_space, swaplist);

		spin_unlock(&shmem_swaplist.lock);
		err = shmem_unuse_inode(mapping);
		spin_lock(&shmem_swaplist.lock);
		if (err)
			break;
		pos = pos->next;
	}
	spin_unlock(&shmem_swaplist.lock);
	return err;
}

/*
 * shmem_slot_swapped - shmem_delete_from_page_cache()'s end: the page-cache
 * slot holds a swap entry now, so swapoff's try_to_unuse must
 * look again (swap_cache_changed), then the cache's @nr references go.
 * SIM: the kernel's try_to_unuse retries at once, busy; the model's
 * sleeps until a swap_map or swap cache change, and the one swapping a
 * tmpfs page out (swap_duplicate, shmem_writeout's step (3)) comes before
 * this store: a pass that began in between found the entry neither in the
 * page cache (shmem_unuse) nor freeable in the swap cache (the page
 * cache's count), and slept for good (fuzz runner, racy seed 139797;
 * scenarios/swapoff-vs-shmem-swapout.mms). An anon swap PTE needs no such
 * wake: its swap_duplicate and PTE store share the PTL, which
 * unuse_pte_range takes.
 */
void shmem_slot_swapped(struct folio *folio, long nr)
{
	swap_cache_changed();
	folio_put_refs(folio, nr);
}
