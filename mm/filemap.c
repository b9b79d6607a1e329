// SPDX-License-Identifier: GPL-2.0
/*
 * mm/filemap.c - the page cache: lockless lookup, faultaround
 * (filemap_map_pages), removal; the file rmap's i_mmap (kernel:
 * mm/filemap.c, and vma_interval_tree_* of mm/interval_tree.c).
 *
 * Lockless lookups follow the kernel's speculative protocol: (1) read the
 * slot, (2) folio_try_get (fails on a freed or frozen folio), (3) reload
 * the slot: if it changed, the folio was removed (or replaced) between
 * (1) and (2), drop it and look again.
 */
#include "huge_mm.h"
#include "pagemap.h"
#include "rmap.h"
#include "sim/regress.h"

/* i_mmap ---------------------------------------------------------------- */

/*
 * vma_link_file - put @vma on its file's i_mmap, after every VMA of equal
 * or lower vm_pgoff (the interval tree's in-order sequence, equal keys in
 * insertion order). Takes i_mmap_rwsem for write.
 */
void vma_link_file(struct vm_area_struct *vma)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	struct vm_area_struct *v;
	struct list_head *pos = &mapping->i_mmap;

	i_mmap_lock_write(mapping);
	list_for_each_entry(v, &mapping->i_mmap, shared)
		if (v->vm_pgoff > vma->vm_pgoff) {
			pos = &v->shared;
			break;
		}
	list_add_tail(&vma->shared, pos);
	i_mmap_unlock_write(mapping);
}

/* unlink_file_vma - take @vma off its file's i_mmap (munmap, exit). */
void unlink_file_vma(struct vm_area_struct *vma)
{
	struct address_space *mapping;

	if (!vma->vm_file)
		return;
	mapping = vma->vm_file->f_mapping;
	i_mmap_lock_write(mapping);
	list_del(&vma->shared);
	INIT_LIST_HEAD(&vma->shared);
	i_mmap_unlock_write(mapping);
	/*
	 * SIM: files are referenced only by their VMAs (no fd table): the
	 * last unmap of a MAP_SHARED|MAP_ANONYMOUS file is its last fput,
	 * which evicts the inode and frees its page cache.
	 */
	if (mapping->anon && list_empty(&mapping->i_mmap))
		shmem_evict(mapping);
}

/*
 * vma_file_update - @vma's vm_pgoff or range changed (split_vma): re-sort
 * it, as vma_prepare/vma_complete remove and re-insert it. Caller holds
 * i_mmap_rwsem for write.
 */
void vma_file_update(struct vm_area_struct *vma)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	struct vm_area_struct *v;
	struct list_head *pos = &mapping->i_mmap;

	list_del(&vma->shared);
	list_for_each_entry(v, &mapping->i_mmap, shared)
		if (v->vm_pgoff > vma->vm_pgoff) {
			pos = &v->shared;
			break;
		}
	list_add_tail(&vma->shared, pos);
}

/* Lookup ---------------------------------------------------------------- */

/* filemap_get_entry - see pagemap.h: steps (1)-(3) above. */
struct folio *filemap_get_entry(struct address_space *mapping,
				unsigned long index)
{
	struct folio *folio;

	if (index >= mapping->nr_slots)
		return NULL;
	rcu_read_lock();
repeat:
	folio = xa_load_slot(mapping, index, "filemap_get_entry:slot");
	/* a tmpfs page on swap: the value entry, as it is (no reference) */
	if (folio && !xa_is_value(folio)) {
		if (!folio_try_get(folio)) {
			/*
			 * Frozen (migration's point of no return) or freed:
			 * the kernel spins back to the slot. SIM: park on
			 * the xa_lock the freezer holds instead of spinning
			 * (a spin the scheduler could run forever).
			 */
			spin_lock(&mapping->i_pages_lock);
			spin_unlock(&mapping->i_pages_lock);
			goto repeat;
		}
		if (unlikely(folio != xa_load_slot(mapping, index,
						   "filemap_get_entry:reload"))) {
			folio_put(folio);
			goto repeat;
		}
	}
	rcu_read_unlock();
	return folio;
}

/*
 * filemap_remove_folio - see pagemap.h. Folio locked and unmapped (the
 * kernel BUGs on a mapped one); the slots are cleared under the xa_lock,
 * ->mapping goes NULL (a locker that re-checks it sees the truncation),
 * then the cache's references are dropped.
 */
void filemap_remove_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	long nr = folio_nr_pages(folio);

	VM_BUG_ON_FOLIO(!__test_bit(PG_locked, &folio->flags), folio);
	spin_lock(&mapping->i_pages_lock);
	xa_store_slots(mapping, folio->index, nr, NULL, 0,
		       "filemap_remove_folio:slot");
	mapping->nrpages -= nr;
	WRITE_ONCE_L(folio->mapping, NULL, "filemap_remove_folio:mapping");
	spin_unlock(&mapping->i_pages_lock);
	folio_put_refs(folio, nr);
}

/* Faultaround ----------------------------------------------------------- */

/*
 * next_uptodate_folio - the next folio at or after *@index up to
 * @end_pgoff that faultaround may map: cached, not locked, referenced
 * (folio_try_get), still in its slot, uptodate, trylocked, still ours
 * and below EOF. Returns it locked with a reference and *@index at the
 * page found, or NULL.
 */
static struct folio *next_uptodate_folio(struct address_space *mapping,
					 unsigned long *index,
					 unsigned long end_pgoff)
{
	unsigned long max_idx;

	unsigned long max = end_pgoff + 1 < mapping->nr_slots ?
				    end_pgoff + 1 : mapping->nr_slots;

	for (; *index < max; (*index)++) {
		struct folio *folio = xa_find_slot(mapping, index, max,
						   "next_uptodate_folio:slot");

		if (!folio)
			return NULL;
		if (xa_is_value(folio))
			continue;
		if (test_bit(PG_locked, &folio->flags))
			continue;
		if (!folio_try_get(folio))
			continue;
		if (unlikely(folio != xa_load_slot(mapping, *index,
				"next_uptodate_folio:reload")))
			goto skip;
		if (!folio_test_uptodate(folio))
			goto skip;
		if (!folio_trylock(folio))
			goto skip;
		if (READ_ONCE(folio->mapping) != mapping)
			goto unlock;
		max_idx = DIV_ROUND_UP(i_size_read(mapping), PAGE_SIZE);
		if (*index >= max_idx)
			goto unlock;
		return folio;
unlock:
		folio_unlock(folio);
skip:
		folio_put(folio);
	}
	return NULL;
}

/*
 * filemap_map_pmd - the first folio found decides the PMD: (1) a huge PMD
 * is already there: nothing to do; (2) a PMD-mappable folio and a none
 * PMD: do_set_pmd maps it whole (the lookup's reference becomes the
 * mapping's); (3) else the preallocated table is installed if the PMD is
 * still none. Returns true when the fault is handled (folio released).
 */
static bool filemap_map_pmd(struct vm_fault *vmf, struct folio *folio,
			    unsigned long start)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	pmd_t pmdval = pmdp_get_l(vmf->pmd, "filemap_map_pmd");

	if (pmd_trans_huge(pmdval)) {
		folio_unlock(folio);
		folio_put(folio);
		return true;
	}
	if (pmd_none(pmdval) && folio_test_pmd_mappable(folio)) {
		struct page *page = folio_file_page(folio, start);

		if (!do_set_pmd(vmf, folio, page)) {
			folio_unlock(folio);
			return true;
		}
	}
	if (pmd_none(pmdp_get_l(vmf->pmd, "filemap_map_pmd:none")) &&
	    vmf->prealloc_pte)
		pmd_install(mm, vmf->pmd, &vmf->prealloc_pte);
	return false;
}

/*
 * filemap_map_folio_range - map the none PTEs among @nr pages of @folio, at
 * most to its end, from file index @index at @addr (vmf->pte: @addr's PTE),
 * a reference each; VM_FAULT_NOPAGE if it mapped the fault's. PTL held.
 */
static vm_fault_t filemap_map_folio_range(struct vm_fault *vmf,
					  struct folio *folio,
					  unsigned long index,
					  unsigned long addr, unsigned int nr,
					  int *rss)
{
	vm_fault_t ret = 0;
	unsigned int n = filemap_range_nr(folio, index, nr);

	for (unsigned int i = 0; i < n; i++) {
		pte_t *pte = vmf->pte + i;
		unsigned long a = addr + i * PAGE_SIZE;

		if (!pte_none(ptep_get_l(pte, "filemap_map_folio_range")))
			continue;
		folio_ref_inc(folio);
		vmf->pte = pte;
		set_pte_range(vmf, folio, folio_file_page(folio, index + i), 1,
			      a);
		vmf->pte = pte - i;
		(*rss)++;
		if (a == (vmf->address & PAGE_MASK))
			ret = VM_FAULT_NOPAGE;
	}
	return ret;
}

/*
 * filemap_map_pages - see pagemap.h. mmap_lock held for read; vmf->
 * prealloc_pte may hold a table for a none PMD. (0) the end below EOF
 * (see the end of the file), (1) find the first mappable folio, (2) let it
 * decide the PMD, (3) map and lock the PTE table - which may fail: the PMD
 * may have become huge, or none, meanwhile - (4) map each folio found.
 */
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
			     unsigned long end_pgoff)
{
	struct vm_area_struct *vma = vmf->vma;
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long index = start_pgoff, addr;
	struct folio *folio;
	vm_fault_t ret = 0;
	int rss = 0, type;

	end_pgoff = filemap_eof_first(mapping, end_pgoff);
	rcu_read_lock();
	folio = next_uptodate_folio(mapping, &index, end_pgoff);
	if (!folio)
		goto out;
	if (filemap_map_pmd(vmf, folio, start_pgoff)) {
		ret = VM_FAULT_NOPAGE;
		goto out;
	}
	addr = vma->vm_start + ((start_pgoff - vma->vm_pgoff) << PAGE_SHIFT);
	if (sim_regress_on(SIM_REGRESS_FINISH_FAULT_PMD_NO_RECHECK))
		vmf->pte = pte_offset_map_lock_norecheck(vma->vm_mm, vmf->pmd,
							 addr, &vmf->ptl);
	else
		vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, addr,
					       &vmf->ptl);
	if (!vmf->pte) {
		folio_unlock(folio);
		folio_put(folio);
		goto out;
	}
	/* the end read again after the lookup: the switch (see the end) */
	if (sim_regress_on(SIM_REGRESS_FILEMAP_MAP_PAGES_EOF))
		end_pgoff = filemap_clamp_eof(mapping, end_pgoff);
	type = mm_counter_file(folio);
	do {
		unsigned long end = folio_next_index(folio) - 1;
		unsigned int nr = (end < end_pgoff ? end : end_pgoff) -
				  index + 1;
		pte_t *base = vmf->pte;

		vmf->pte += index - start_pgoff;
		ret |= filemap_map_folio_range(vmf, folio, index,
					       addr + ((index - start_pgoff)
						       << PAGE_SHIFT),
					       nr, &rss);
		vmf->pte = base;
		index = end + 1;
		folio_unlock(folio);
		folio_put(folio);
	} while ((folio = next_uptodate_folio(mapping, &index, end_pgoff)));
	add_mm_counter(vma->vm_mm, type, rss);
	pte_unmap_unlock(vmf->pte, vmf->ptl);
out:
	rcu_read_unlock();
	return ret;
}

/*
 * Faultaround's end of file (kernel: f58df566524e "mm: filemap: fix
 * nr_pages calculation overflow in filemap_map_pages()", Baolin Wang;
 * date not verified). filemap_map_pages clamps @end_pgoff to the last
 * page below i_size. Since 743a2753a02e ("filemap: cap PTE range to be
 * created to allowed zero fill in folio_map_range()") it read i_size after
 * next_uptodate_folio had found and locked a folio: a truncate that
 * shrank the file in between left the folio's index above the new end,
 * and nr_pages = min(end, end_pgoff) - index + 1 wrapped around, so
 * filemap_map_folio_range mapped pages past the folio's end. The fix
 * reads the end first; the lookup then never returns a folio past it.
 * The old order is the regression switch filemap-map-pages-eof.
 */
unsigned long filemap_clamp_eof(struct address_space *mapping,
				unsigned long end_pgoff)
{
	unsigned long file_end = DIV_ROUND_UP(i_size_read(mapping),
					      PAGE_SIZE) - 1;

	return end_pgoff > file_end ? file_end : end_pgoff;
}

unsigned long filemap_eof_first(struct address_space *mapping,
				unsigned long end_pgoff)
{
	if (sim_regress_on(SIM_REGRESS_FILEMAP_MAP_PAGES_EOF))
		return end_pgoff;	/* read after the lookup */
	return filemap_clamp_eof(mapping, end_pgoff);
}

/*
 * filemap_range_nr - how many of @nr pages from file index @index
 * filemap_map_folio_range maps: never past @folio's end. An order-0 folio
 * is one page whatever @nr says (the kernel maps it with
 * filemap_map_order0_folio, which takes no count).
 * A large one asked for more is the kernel's VM_WARN_ON_FOLIO in
 * __folio_rmap_sanity_checks (page_folio(page + nr_pages - 1) != folio):
 * reported before the first page is mapped; the kernel goes on corrupting
 * the _mapcount of pages that are not the folio's.
 */
unsigned int filemap_range_nr(struct folio *folio, unsigned long index,
			      unsigned int nr)
{
	unsigned long in_folio = folio_next_index(folio) - index;

	if (!folio_test_large(folio))
		return nr ? 1 : 0;
	if (nr <= in_folio)
		return nr;
	VM_WARN_ON_FOLIO(nr > in_folio, folio);
	return (unsigned int)in_folio;
}
