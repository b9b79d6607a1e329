// SPDX-License-Identifier: GPL-2.0
/*
 * mm/madvise_reclaim.c - MADV_PAGEOUT, MADV_COLD, MADV_FREE and the swap
 * side of MADV_WILLNEED (kernel: mm/madvise.c; a file of its own here so
 * that the model's mm/madvise.c, which other work changes too, stays as
 * it is). All run under mmap_lock for read, PTE by PTE under the PTL.
 *
 * MADV_PAGEOUT/COLD split a large folio (PMD- or PTE-mapped) no single
 * batch of PTEs in the range maps whole, unless another process may map
 * it, and take one a batch maps whole as one folio (reclaim splits it),
 * as the kernel does. MADV_FREE splits a large folio (SIM:
 * even one it covers whole, which the kernel makes lazyfree as it is).
 */
#include "gup.h"
#include "huge_mm.h"
#include "migrate.h"
#include "pagemap.h"
#include "rmap.h"
#include "swap.h"

static bool folio_maybe_mapped_shared(struct folio *folio);

/* The PTE table covering @addr, or NULL (none, or a huge PMD). */
static pte_t *madvise_pte_lock(struct mm_struct *mm, unsigned long addr,
			       spinlock_t **ptl)
{
	pmd_t *pmd = mm_find_pmd(mm, addr);

	if (!pmd)
		return NULL;
	return pte_offset_map_lock(mm, pmd, addr, ptl);
}

/* The end of the PTE table's range from @addr, capped at @end. */
static unsigned long pte_table_end(unsigned long addr, unsigned long end)
{
	unsigned long next = (addr + PMD_SIZE) & PMD_MASK;

	return next < end && next > addr ? next : end;
}

/*
 * madvise_folio_pte_batch - how many PTEs from @pte (value @ptent, at
 * @addr, below @end) map consecutive pages of @folio from @ptent's on,
 * alike but for the dirty, Accessed, soft-dirty and write bits (kernel:
 * folio_pte_batch; which bits it ignores is not verified). It reaches
 * folio_nr_pages only if this PTE maps the folio's first page and the
 * next ones map all the others in order. SIM: raw reads under the PTL,
 * no yield point per entry (every writer of these entries holds the PTL;
 * the MMU's A/D updates are ignored here).
 */
static unsigned long madvise_folio_pte_batch(pte_t *pte, pte_t ptent,
					     unsigned long addr,
					     unsigned long end,
					     struct folio *folio)
{
	const unsigned long ign = PTE_PFN_MASK | _PAGE_DIRTY |
				  _PAGE_ACCESSED | _PAGE_SOFT_DIRTY | _PAGE_RW;
	unsigned long pfn = pte_pfn(ptent);
	unsigned long left = page_to_pfn(&folio->page) +
			     folio_nr_pages(folio) - pfn;
	unsigned long max = (end - addr) >> PAGE_SHIFT, n = 1;

	if (left < max)
		max = left;
	while (n < max) {
		pte_t t = __pte(__atomic_load_n(&pte[n].pte, __ATOMIC_RELAXED));

		if (!pte_present(t) || pte_pfn(t) != pfn + n ||
		    ((t.pte ^ ptent.pte) & ~ign))
			break;
		n++;
	}
	return n;
}

/* The PTEs of @folio from @addr on, within @end (the batch to skip). */
static unsigned long large_batch(struct folio *folio, struct page *page,
				 unsigned long addr, unsigned long end)
{
	unsigned long first = addr - (page - &folio->page) * PAGE_SIZE;
	unsigned long last = first + folio_nr_pages(folio) * PAGE_SIZE;

	return ((last < end ? last : end) - addr) >> PAGE_SHIFT;
}

/*
 * madvise_split_large - the PTE loops' split of a large folio (kernel:
 * madvise_cold_or_pageout_pte_range and madvise_free_pte_range, for one
 * the range covers in part): (1) trylock it (a locked one is left
 * alone: returns -EBUSY with the PTL held), (2) a reference, (3) drop the
 * PTL, (4) split_folio, (5) unlock and put. Otherwise returns the split's
 * result with the PTL dropped: the caller takes it again and, on success,
 * looks at the same PTE once more (a small folio now).
 */
static int madvise_split_large(struct folio *folio, pte_t *pte,
			       spinlock_t *ptl)
{
	int err;

	if (!folio_trylock(folio))				/* (1) */
		return -EBUSY;
	folio_get(folio);					/* (2) */
	pte_unmap_unlock(pte, ptl);				/* (3) */
	err = split_folio(folio);				/* (4) */
	folio_unlock(folio);					/* (5) */
	folio_put(folio);
	return err ? err : 0;
}

/*
 * One folio of the range, its Accessed bit already dealt with: both clear
 * PG_referenced and the young flag; pageout isolates it onto @list, cold
 * deactivates it (folio_deactivate).
 */
static void cold_or_pageout_folio(struct folio *folio, bool pageout,
				  struct list_head *list)
{
	folio_clear_referenced(folio);
	folio_test_clear_young(folio);
	if (pageout) {
		if (folio_isolate_lru(folio))
			list_add_tail(&folio->lru, list);
	} else {
		folio_clear_active(folio);	/* folio_deactivate */
	}
}

/*
 * madvise_cold_or_pageout_huge_pmd - the PMD-mapped THP part of the
 * kernel's madvise_cold_or_pageout_pte_range. Under the PMD lock: the
 * huge zero page, a PMD migration entry and a folio another process maps
 * are left alone. A range that covers only part of the THP splits it:
 * (1) trylock the folio (a locked one is left alone), (2) a reference,
 * (3) drop the PMD lock, (4) split_folio, (5) unlock and put; on success
 * the caller goes on with the PTEs (returns true). A range that covers it
 * whole: cold clears the PMD's Accessed bit, both clear PG_referenced;
 * pageout isolates the whole folio onto @list (reclaim splits it: see
 * shrink_large_folio in mm/vmscan.c), cold deactivates it. Returns false
 * when the PMD was handled (or left alone).
 */
static bool madvise_cold_or_pageout_huge_pmd(struct vm_area_struct *vma,
					     pmd_t *pmd, unsigned long addr,
					     unsigned long next, bool pageout,
					     struct list_head *list)
{
	spinlock_t *ptl = __pmd_trans_huge_lock(pmd, vma);
	pmd_t orig_pmd;
	struct folio *folio;
	int err;

	if (!ptl)
		return true;	/* not huge any more: the PTE table */
	orig_pmd = pmdp_get_l(pmd, "madvise_cold_or_pageout:pmd");
	if (is_huge_zero_pmd(orig_pmd) || !pmd_present(orig_pmd))
		goto huge_unlock;
	folio = page_folio(pmd_page(orig_pmd));
	/* folio_maybe_mapped_shared */
	if (!folio_test_anon(folio) || folio_mapcount(folio) != 1)
		goto huge_unlock;
	if (next - addr != HPAGE_PMD_SIZE) {
		if (!folio_trylock(folio))		/* (1) */
			goto huge_unlock;
		folio_get(folio);			/* (2) */
		spin_unlock(ptl);			/* (3) */
		err = split_folio(folio);		/* (4) */
		folio_unlock(folio);			/* (5) */
		folio_put(folio);
		return !err;
	}
	/* SIM: test-and-clear of the Accessed bit, flushed by the caller
	 * (kernel: pmdp_invalidate + set_pmd_at + the mmu_gather) */
	if (!pageout && pmd_young(orig_pmd))
		(void)pmdp_test_and_clear_young(vma, addr, pmd);
	cold_or_pageout_folio(folio, pageout, list);
huge_unlock:
	spin_unlock(ptl);
	return false;
}

/*
 * madvise_cold_or_pageout_pte_range - one PTE table's part of the range.
 * A folio another process maps too is left alone (folio_maybe_mapped_
 * shared: "do not interfere with other mappings of this folio"). The
 * Accessed bit and PG_referenced are cleared so reclaim takes the folio;
 * pageout isolates it onto @list, cold deactivates it.
 */
static void cold_or_pageout_range(struct vm_area_struct *vma,
				  unsigned long addr, unsigned long end,
				  bool pageout, struct list_head *list)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long start = addr;
	pmd_t *pmd = mm_find_pmd(mm, addr);
	spinlock_t *ptl;
	pte_t *pte;

	if (pmd && pmd_trans_huge(pmdp_get_l(pmd, "madvise_cold_or_pageout:"
						  "pmd_lockless"))) {
		if (!madvise_cold_or_pageout_huge_pmd(vma, pmd, addr, end,
						      pageout, list))
			goto flush;
	}
	pte = madvise_pte_lock(mm, addr, &ptl);
	if (!pte)
		return;
	for (unsigned long step; addr < end;
	     addr += step * PAGE_SIZE, pte += step) {
		pte_t ptent = ptep_get_l(pte, "madvise_cold_or_pageout:pte");
		struct page *page;
		struct folio *folio;
		unsigned long nr;
		int err;

		step = 1;
		if (!pte_present(ptent))
			continue;
		page = vm_normal_page(vma, addr, ptent);
		if (!page || is_device_private_page(page))
			continue;
		folio = page_folio(page);
		/* a tmpfs folio too (can_do_file_pageout: the model's
		 * processes own their files); SIM: not a large one */
		if (!folio_test_anon(folio) &&
		    (folio_test_large(folio) || !folio_is_shmem_cache(folio)))
			continue;
		if (folio_test_large(folio)) {
			/*
			 * One batch of PTEs maps it whole: reclaim takes (and
			 * splits) it as one folio, cold deactivates it, if
			 * this process alone maps it (the mapcount is then the
			 * number of pages). Else split it first, unless
			 * another process may map it: "do not interfere".
			 */
			nr = madvise_folio_pte_batch(pte, ptent, addr, end,
						     folio);
			if (nr < folio_nr_pages(folio)) {
				step = nr;
				if (folio_maybe_mapped_shared(folio))
					continue;
				goto split;
			}
			if (folio_mapcount(folio) != folio_nr_pages(folio)) {
				step = nr;
				continue;
			}
		} else if (folio_mapcount(folio) != 1) {
			continue;
		} else {
			nr = 1;
		}
		/* the batch's Accessed bits (kernel: clear_young_dirty_ptes) */
		for (unsigned long i = 0; !pageout && i < nr; i++)
			if (pte_young(__pte(__atomic_load_n(&pte[i].pte,
							    __ATOMIC_RELAXED))))
				(void)ptep_test_and_clear_young(
					vma, addr + i * PAGE_SIZE, pte + i);
		cold_or_pageout_folio(folio, pageout, list);
		step = nr;
		continue;
split:
		err = madvise_split_large(folio, pte, ptl);
		if (err != -EBUSY) {
			pte = madvise_pte_lock(mm, addr, &ptl);
			if (!pte)
				goto flush;
		}
		/* split: the same PTE again; not: skip the folio's batch */
		step = err ? nr : 0;
	}
	pte_unmap_unlock(pte, ptl);
flush:
	/* the mmu_gather's flush of the cleared Accessed bits */
	if (!pageout)
		flush_tlb_mm_range(&mm->context, start, end);
}

/* madvise_pageout - see swap.h: MADV_PAGEOUT (@pageout) or MADV_COLD. */
struct cold_walk {
	bool pageout;
	struct list_head *list;
};

static void cold_or_pageout_vma(struct vm_area_struct *vma, unsigned long s,
				unsigned long e, void *arg)
{
	struct cold_walk *w = arg;

	for (unsigned long a = s; a < e; a = pte_table_end(a, e))
		cold_or_pageout_range(vma, a, pte_table_end(a, e), w->pageout,
				      w->list);
}

int madvise_pageout(struct mm_struct *mm, unsigned long start,
		    unsigned long end, bool pageout)
{
	LIST_HEAD(list);
	struct cold_walk w = { .pageout = pageout, .list = &list };

	mmap_read_lock(mm);
	madvise_walk_vmas(mm, start, end, cold_or_pageout_vma, &w);
	mmap_read_unlock(mm);
	if (pageout && !list_empty(&list))
		reclaim_pages(&list);
	return 0;
}

/*
 * madvise_free_pte_range - one PTE table. Swap entries are zapped (the
 * next touch reads zero); a present exclusive anon folio is dropped from
 * the swap cache, made clean (folio and PTE) and lazyfree: reclaim may
 * discard it until it is written again. The TLB is flushed at the end,
 * before madvise returns (mmu_gather).
 */
static void madvise_free_pte_range(struct vm_area_struct *vma,
				   unsigned long addr, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long start = addr;
	long nr_swap = 0;
	pmd_t *pmd = mm_find_pmd(mm, addr);
	spinlock_t *ptl;
	pte_t *pte;

	/*
	 * A PMD-mapped THP: SIM, its PMD is split and the PTE loop below
	 * splits the folio (the kernel's madvise_free_huge_pmd splits one
	 * the range covers in part, and makes one it covers whole lazyfree
	 * as it is).
	 */
	if (pmd && pmd_trans_huge(pmdp_get_l(pmd, "madvise_free:pmd")))
		__split_huge_pmd(vma, pmd, addr, false, NULL);
	pte = madvise_pte_lock(mm, addr, &ptl);
	if (!pte)
		return;
	flush_tlb_batched_pending(mm);
	for (unsigned long step; addr < end;
	     addr += step * PAGE_SIZE, pte += step) {
		pte_t ptent = ptep_get_l(pte, "madvise_free:pte");
		struct page *page;
		struct folio *folio;
		int err;

		step = 1;
		if (pte_none(ptent))
			continue;
		if (!pte_present(ptent)) {
			swp_entry_t entry = pte_to_swp_entry(ptent);

			if (non_swap_entry(entry))
				continue;
			nr_swap--;
			free_swap_and_cache(entry);
			pte_clear(mm, addr, pte);
			continue;
		}
		page = vm_normal_page(vma, addr, ptent);
		if (!page || is_device_private_page(page))
			continue;
		folio = page_folio(page);
		if (!folio_test_anon(folio))
			continue;
		if (folio_test_large(folio)) {
			unsigned long nr = large_batch(folio, page, addr, end);

			/*
			 * Split it (the kernel: one the range covers in part;
			 * SIM: also one it covers whole, which the kernel
			 * makes lazyfree as it is), then the same PTE again;
			 * a folio that may be shared, is locked or does not
			 * split is left alone (its batch skipped).
			 */
			step = nr;
			if (folio_mapcount(folio) > folio_nr_pages(folio))
				continue;
			err = madvise_split_large(folio, pte, ptl);
			if (err == -EBUSY)
				continue;
			pte = madvise_pte_lock(mm, addr, &ptl);
			if (!pte)
				goto out;
			flush_tlb_batched_pending(mm);
			if (!err)
				step = 0;
			continue;
		}
		if (folio_test_swapcache(folio) || folio_test_dirty(folio)) {
			if (!folio_trylock(folio))
				continue;
			if (folio_mapcount(folio) != 1 ||
			    (folio_test_swapcache(folio) &&
			     !folio_free_swap(folio))) {
				folio_unlock(folio);
				continue;
			}
			folio_clear_dirty(folio);
			folio_unlock(folio);
		}
		if (pte_young(ptent) || pte_dirty(ptent)) {
			/* clear_young_dirty_ptes: one RMW, the walker may
			 * set A/D meanwhile */
			ptent = ptep_get_and_clear_l(mm, addr, pte,
						     "madvise_free:clear");
			ptent = pte_mkclean(pte_mkold(ptent));
			set_pte_at_l(mm, addr, pte, ptent, "madvise_free:set");
		}
		/* folio_mark_lazyfree: off the anon LRU, not swap-backed */
		if (folio_test_swapbacked(folio) && !folio_test_swapcache(folio)) {
			folio_clear_active(folio);
			folio_clear_referenced(folio);
			folio_clear_swapbacked(folio);
		}
	}
	pte_unmap_unlock(pte, ptl);
out:
	if (nr_swap)
		add_mm_counter(mm, MM_SWAPENTS, nr_swap);
	flush_tlb_mm_range(&mm->context, start, end);
}

static void madvise_free_vma(struct vm_area_struct *vma, unsigned long s,
			     unsigned long e, void *arg)
{
	for (unsigned long a = s; a < e; a = pte_table_end(a, e))
		madvise_free_pte_range(vma, a, pte_table_end(a, e));
}

int madvise_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	mmap_read_lock(mm);
	madvise_walk_vmas(mm, start, end, madvise_free_vma, NULL);
	mmap_read_unlock(mm);
	return 0;
}

/*
 * madvise_willneed - the swap entries of the range are read into the swap
 * cache (swapin_readahead via swapin_walk_pmd_entry); nothing is mapped.
 * The PTE is read under the PTL, the read happens without it.
 */
int madvise_willneed(struct mm_struct *mm, unsigned long start,
		     unsigned long end)
{
	mmap_read_lock(mm);
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		spinlock_t *ptl;
		pte_t *pte = vma_lookup(mm, addr) ?
			     madvise_pte_lock(mm, addr, &ptl) : NULL;
		pte_t ptent;
		struct folio *folio;

		if (!pte)
			continue;
		ptent = ptep_get_l(pte, "swapin_walk:pte");
		pte_unmap_unlock(pte, ptl);
		if (!is_swap_pte(ptent) ||
		    non_swap_entry(pte_to_swp_entry(ptent)))
			continue;
		folio = swapin_readahead(pte_to_swp_entry(ptent));
		if (folio)
			folio_put(folio);
	}
	mmap_read_unlock(mm);
	return 0;
}

/*
 * mm_maps_folio_at - does @mm map a page of @folio at [@addr, @addr +
 * @nr pages)? Raw reads of its page tables, no yield point.
 */
static bool mm_maps_folio_at(struct mm_struct *mm, unsigned long addr,
			     unsigned long nr, const struct folio *folio)
{
	unsigned long lo = page_to_pfn(&folio->page);
	unsigned long hi = lo + folio_nr_pages(folio);

	for (unsigned long i = 0; i < nr; i++) {
		unsigned long va = addr + i * PAGE_SIZE, pfn;
		pgd_t g = { __atomic_load_n(&pgd_offset(mm, va)->pgd,
					    __ATOMIC_RELAXED) };
		pud_t u;
		pmd_t d;
		pte_t t;

		if (!pgd_present(g))
			continue;
		u.pud = __atomic_load_n(&pud_offset_pfn(pgd_pfn(g), va)->pud,
					__ATOMIC_RELAXED);
		if (!pud_present(u))
			continue;
		d.pmd = __atomic_load_n(&pmd_offset_pfn(pud_pfn(u), va)->pmd,
					__ATOMIC_RELAXED);
		if (pmd_trans_huge(d)) {
			pfn = pmd_pfn(d);
			if (pmd_present(d) && pfn < hi &&
			    pfn + HPAGE_PMD_NR > lo)
				return true;
			continue;
		}
		if (!pmd_present(d))
			continue;
		t.pte = __atomic_load_n(&pte_offset_pfn(pmd_pfn(d), va)->pte,
					__ATOMIC_RELAXED);
		pfn = pte_pfn(t);
		if (pte_present(t) && pfn >= lo && pfn < hi)
			return true;
	}
	return false;
}

/*
 * folio_maybe_mapped_shared - is @folio (mapped by this process) mapped
 * into another MM too? 6.18 (CONFIG_MM_ID): a small folio, mapcount > 1;
 * a large one, false when mapped at most once, else a bit the rmap keeps
 * in the folio from the (at most two) MMs it tracks per folio: "shared"
 * while two MMs map it (and, a false positive, after more than two MMs
 * mapped it at one time). Read in the patch that renamed
 * folio_likely_mapped_shared to it (date not verified) and its callers.
 * SIM: the model keeps no MM ids; a large anon folio's answer is worked
 * out exactly by an rmap walk of raw page-table reads (no yield point:
 * the kernel reads one bit of the folio), so the false positive is lost.
 * A large file folio is taken as shared (the callers skip those).
 */
static bool folio_maybe_mapped_shared(struct folio *folio)
{
	unsigned long pgoff = folio->index, nr = folio_nr_pages(folio);
	struct mm_struct *first = NULL;
	struct anon_vma_chain *avc;
	struct anon_vma *anon_vma;
	int mapcount = folio_mapcount(folio);

	if (!folio_test_large(folio))
		return mapcount > 1;
	if (mapcount <= 1)
		return false;
#ifdef SIM_STRESS
	/* real threads may change the anon_vma's list under us */
	return mapcount > (int)nr;
#endif
	anon_vma = folio_test_anon(folio) ? folio_anon_vma(folio) : NULL;
	if (!anon_vma)
		return true;
	list_for_each_entry(avc, &anon_vma->rb_root, same_anon_vma) {
		struct vm_area_struct *vma = avc->vma;
		unsigned long addr = vma_address(vma, pgoff, nr), n;

		if (IS_ERR_VALUE(addr) || vma->vm_mm == first)
			continue;
		n = (vma->vm_end - addr) >> PAGE_SHIFT;
		if (!mm_maps_folio_at(vma->vm_mm, addr, n < nr ? n : nr, folio))
			continue;
		if (first)
			return true;
		first = vma->vm_mm;
	}
	return false;
}
