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
 * SIM: no swap (shmem folios are never reclaimed: the swap helper's
 * machinery is not wired to tmpfs), no xattrs, no quotas, no writes by
 * write(2): every byte of a file comes from a mapping.
 */
#include "huge_mm.h"
#include "pagemap.h"
#include "rmap.h"

int shmem_huge = SHMEM_HUGE_NEVER;
static int nr_files;	/* SIM: ids for reports (not reset: cosmetic) */

#define SHMEM_MAX_SIZE (64UL << 20)	/* SIM: slots are a flat array */

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
 * shmem_add_to_page_cache - insert the new locked @folio at its index:
 * every slot it covers must still be empty (-EEXIST: a racing fault won;
 * the caller frees its folio and looks again). The cache takes one
 * reference per page.
 */
static int shmem_add_to_page_cache(struct folio *folio,
				   struct address_space *mapping,
				   unsigned long index)
{
	long nr = folio_nr_pages(folio);

	folio->index = index;
	folio->mapping = mapping;	/* not visible yet: plain store */
	folio_ref_add(folio, nr);
	spin_lock(&mapping->i_pages_lock);
	{
		unsigned long i = index;

		if (xa_find_slot(mapping, &i, index + nr,
				 "shmem_add_to_page_cache:slot")) {
			spin_unlock(&mapping->i_pages_lock);
			folio->mapping = NULL;
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
	spin_unlock(&mapping->i_pages_lock);
	return 0;
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
				       ALIGN_DOWN(index, 1UL << order));
	if (*err) {
		__folio_clear_locked(folio);
		folio_put(folio);
		return NULL;
	}
	return folio;
}

/*
 * shmem_get_folio - the locked folio holding @index, with a reference, in
 * *@foliop; allocated (huge if allowed) if missing. Returns 0, -EINVAL
 * (at or past EOF: the fault's SIGBUS) or -ENOMEM. (1) look up
 * locklessly, (2) lock, (3) a ->mapping that changed means truncation
 * won: retry; a new folio is checked against i_size again after it is
 * in the cache ("Perhaps the file has been truncated since we checked").
 */
static int shmem_get_folio(struct address_space *mapping, unsigned long index,
			   struct vm_area_struct *vma, struct folio **foliop)
{
	struct folio *folio;
	int err;

repeat:
	if (index >= DIV_ROUND_UP(i_size_read(mapping), PAGE_SIZE))
		return -EINVAL;
	folio = filemap_get_entry(mapping, index);
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
	int err = shmem_get_folio(mapping, vmf->pgoff, vmf->vma, &folio);

	if (err == -ENOMEM)
		return VM_FAULT_OOM;
	if (err)
		return VM_FAULT_SIGBUS;
	vmf->page = folio_file_page(folio, vmf->pgoff);
	return 0;
}

/*
 * shmem_zero_partial - zero bytes [from, to) of the file inside one page
 * (truncate and punch of a partial page: the kernel's folio_zero_range).
 * The folio, if cached, is locked around it; a store racing through a
 * mapping lands before or after the one step.
 */
static void shmem_zero_partial(struct address_space *mapping,
			       unsigned long from, unsigned long to)
{
	unsigned long index = from >> PAGE_SHIFT;
	struct folio *folio;
	struct page *page;

	if (from >= to || index >= mapping->nr_slots)
		return;
	folio = filemap_get_entry(mapping, index);
	if (!folio)
		return;
	folio_lock(folio);
	if (READ_ONCE(folio->mapping) == mapping) {
		page = folio_file_page(folio, index);
		sim_yield(SIM_EV_WRITE, sim_data_obj(page), "folio_zero_range");
		physmem_fill_words(page_to_pfn(page),
				   (from & ~PAGE_MASK) / 8,
				   ((to - 1) & ~PAGE_MASK) / 8 + 1, 0);
	}
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
