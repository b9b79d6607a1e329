// SPDX-License-Identifier: GPL-2.0
/*
 * mm/page_vma_mapped.c - page_vma_mapped_walk: find the PTEs (or the huge
 * PMD) mapping a folio in one VMA, with the page-table lock held on each
 * hit (kernel: mm/page_vma_mapped.c). The rmap_one callbacks of
 * migration, swap-out and folio_referenced use it:
 *
 *	DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, address, 0);
 *	while (page_vma_mapped_walk(&pvmw)) {
 *		... pvmw.pte (or pvmw.pmd if !pvmw.pte), under pvmw.ptl ...
 *	}
 *
 * Breaking out of the loop early requires page_vma_mapped_walk_done().
 * Caller holds the folio lock or the anon_vma lock (so the folio cannot
 * be remapped elsewhere under us) and mmap_lock or the rmap lock.
 */
#include "rmap.h"

/* Does @pfn fall in the folio the walk is looking for? */
static bool pfn_in_walk(const struct page_vma_mapped_walk *pvmw,
			unsigned long pfn)
{
	return pfn >= pvmw->pfn && pfn - pvmw->pfn < pvmw->nr_pages;
}

/* check_pte - does *pvmw->pte map the folio (as the flags ask)? PTL held. */
static bool check_pte(struct page_vma_mapped_walk *pvmw)
{
	pte_t pte = ptep_get_l(pvmw->pte, "page_vma_mapped_walk:pte");

	if (pvmw->flags & PVMW_MIGRATION) {
		swp_entry_t entry;

		if (pte_none(pte) || pte_present(pte))
			return false;
		entry = pte_to_swp_entry(pte);
		return is_migration_entry(entry) &&
		       pfn_in_walk(pvmw, swp_offset_pfn(entry));
	}
	return pte_present(pte) && pfn_in_walk(pvmw, pte_pfn(pte));
}

static bool not_found(struct page_vma_mapped_walk *pvmw)
{
	page_vma_mapped_walk_done(pvmw);
	return false;
}

/* Where the walk ends in this VMA: past the folio's last page. */
static unsigned long walk_end(const struct page_vma_mapped_walk *pvmw)
{
	const struct vm_area_struct *vma = pvmw->vma;
	unsigned long end;

	if (pvmw->pgoff + pvmw->nr_pages <= vma->vm_pgoff)
		return vma->vm_start;
	end = vma->vm_start +
	      ((pvmw->pgoff + pvmw->nr_pages - vma->vm_pgoff) << PAGE_SHIFT);
	return end < vma->vm_end ? end : vma->vm_end;
}

/*
 * The PMD level: a huge PMD (or PMD migration entry) is a hit or a miss
 * on its own; returns 1 (hit: PMD lock held), 0 (miss: done), or -1 (a
 * PTE table: go on with the PTEs).
 */
static int check_pmd_level(struct page_vma_mapped_walk *pvmw,
			   struct mm_struct *mm)
{
	pmd_t pmde = pmdp_get_lockless(pvmw->pmd);

	if (!pmd_trans_huge(pmde) && !is_pmd_migration_entry(pmde))
		return -1;
	pvmw->ptl = pmd_lock(mm, pvmw->pmd);
	pmde = pmdp_get_l(pvmw->pmd, "page_vma_mapped_walk:pmd");
	if (pmd_trans_huge(pmde))
		return !(pvmw->flags & PVMW_MIGRATION) &&
		       pfn_in_walk(pvmw, pmd_pfn(pmde));
	if (is_pmd_migration_entry(pmde))
		return (pvmw->flags & PVMW_MIGRATION) &&
		       pfn_in_walk(pvmw,
				   swp_offset_pfn(pmd_to_swp_entry(pmde)));
	/* Split under us: the PMD now points to a PTE table. */
	spin_unlock(pvmw->ptl);
	pvmw->ptl = NULL;
	return -1;
}

/*
 * page_vma_mapped_walk - see rmap.h. Returns true on each mapping of the
 * folio in pvmw->vma, with pvmw->ptl held (pvmw->pte set for a PTE,
 * NULL for a huge PMD); false at the end (nothing held).
 */
bool page_vma_mapped_walk(struct page_vma_mapped_walk *pvmw)
{
	struct mm_struct *mm = pvmw->vma->vm_mm;
	unsigned long end = walk_end(pvmw);
	int r;

	if (pvmw->pmd && !pvmw->pte)
		return not_found(pvmw);	/* the huge PMD was the one hit */
	if (pvmw->pte)
		goto next_pte;
restart:
	while (pvmw->address < end) {
		pvmw->pmd = mm_find_pmd(mm, pvmw->address);
		if (!pvmw->pmd || pmd_none(pmdp_get_lockless(pvmw->pmd))) {
			pvmw->address = (pvmw->address & PMD_MASK) + PMD_SIZE;
			continue;
		}
		r = check_pmd_level(pvmw, mm);
		if (r >= 0)
			return r ? true : not_found(pvmw);
		pvmw->pte = pte_offset_map_lock(mm, pvmw->pmd, pvmw->address,
						&pvmw->ptl);
		if (!pvmw->pte)
			continue;	/* changed under us: look again */
		for (;;) {
			if (check_pte(pvmw))
				return true;
next_pte:
			pvmw->address += PAGE_SIZE;
			if (pvmw->address >= end)
				return not_found(pvmw);
			if (!(pvmw->address & ~PMD_MASK)) {
				page_vma_mapped_walk_done(pvmw);
				goto restart;
			}
			pvmw->pte++;
		}
	}
	return not_found(pvmw);
}

void page_vma_mapped_walk_done(struct page_vma_mapped_walk *pvmw)
{
	if (pvmw->ptl)
		spin_unlock(pvmw->ptl);
	pvmw->ptl = NULL;
	pvmw->pte = NULL;
}
