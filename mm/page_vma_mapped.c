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
 *
 * Locking, as the kernel's (6.x): a huge PMD or PMD migration entry is
 * always checked under the PMD lock. At the PTE level, a PVMW_SYNC walk
 * (remove_migration_ptes; try_to_migrate/try_to_unmap with TTU_SYNC)
 * takes the PTL before it looks at any PTE; any other walk (migration's
 * try_to_migrate) peeks at the PTEs without it, skips the none ones and
 * the ones of the wrong kind locklessly, and takes the PTL only at a
 * candidate. A PVMW_SYNC walk that meets a none PMD where a THP could be
 * takes and drops its lock: it cannot pass a huge PMD that a PMD-lock
 * holder (zap_huge_pmd, move_huge_pmd) has cleared but not finished with.
 */
#include <limits.h>

#include "rmap.h"

/* Does @pfn fall in the folio the walk is looking for? */
static bool pfn_in_walk(const struct page_vma_mapped_walk *pvmw,
			unsigned long pfn)
{
	return pfn >= pvmw->pfn && pfn - pvmw->pfn < pvmw->nr_pages;
}

/*
 * check_pte - does *pvmw->pte map the folio (as the flags ask)? PTL held.
 */
static bool check_pte(struct page_vma_mapped_walk *pvmw)
{
	pte_t pte = ptep_get_l(pvmw->pte, "page_vma_mapped_walk:pte");

	if (pvmw->flags & PVMW_MIGRATION) {
		swp_entry_t entry;

		if (!is_swap_pte(pte))
			return false;
		entry = pte_to_swp_entry(pte);
		return is_migration_entry(entry) &&
		       pfn_in_walk(pvmw, swp_offset_pfn(entry));
	}
	/* un-addressable device memory: a device-private entry maps it */
	if (is_swap_pte(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);

		return is_device_private_entry(entry) &&
		       pfn_in_walk(pvmw, swp_offset_pfn(entry));
	}
	return pte_present(pte) && pfn_in_walk(pvmw, pte_pfn(pte));
}

/* check_pmd - does the huge PMD of @pfn overlap the folio? */
static bool check_pmd(unsigned long pfn,
		      const struct page_vma_mapped_walk *pvmw)
{
	return pfn + HPAGE_PMD_NR - 1 >= pvmw->pfn &&
	       pfn <= pvmw->pfn + pvmw->nr_pages - 1;
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

static void step_forward(struct page_vma_mapped_walk *pvmw, unsigned long size)
{
	pvmw->address = (pvmw->address + size) & ~(size - 1);
	if (!pvmw->address)
		pvmw->address = ULONG_MAX;
}

/*
 * thp_vma_suitable_order - could a PMD-sized folio be mapped at @addr in
 * @vma (the aligned 2 MiB around it inside the VMA)? For anonymous VMAs
 * the kernel checks only that.
 */
static bool thp_vma_suitable_order(const struct vm_area_struct *vma,
				   unsigned long addr)
{
	unsigned long haddr = addr & HPAGE_PMD_MASK;

	return haddr >= vma->vm_start && haddr + HPAGE_PMD_SIZE <= vma->vm_end;
}

/*
 * map_pte - the PTE at pvmw->address. PVMW_SYNC: mapped and locked
 * (pte_offset_map_lock), true unless there is no PTE table. Otherwise:
 * (1) map it without the lock, remembering the PMD value and its PTL in
 * *@pmdvalp, *@ptlp; (2) peek at the PTE: not the kind looked for, return
 * false with pvmw->pte set and nothing held; (3) else lock, and re-check
 * the PMD (the table may have gone meanwhile: start again).
 */
static bool map_pte(struct page_vma_mapped_walk *pvmw, pmd_t *pmdvalp,
		    spinlock_t **ptlp)
{
	struct mm_struct *mm = pvmw->vma->vm_mm;
	pte_t ptent;

	if (pvmw->flags & PVMW_SYNC) {
		pvmw->pte = pte_offset_map_lock(mm, pvmw->pmd, pvmw->address,
						&pvmw->ptl);
		*ptlp = pvmw->ptl;
		return pvmw->pte != NULL;
	}
again:
	pvmw->pte = pte_offset_map(pvmw->pmd, pvmw->address, pmdvalp);
	if (!pvmw->pte)
		return false;
	*ptlp = &pmd_page(*pmdvalp)->ptl;
	/* (2) race window: a lockless look, under nobody's lock */
	ptent = ptep_get_l(pvmw->pte, "page_vma_mapped_walk:peek");
	if (pvmw->flags & PVMW_MIGRATION) {
		if (!is_swap_pte(ptent))
			return false;
	} else if (!pte_present(ptent) &&
		   !(is_swap_pte(ptent) &&
		     is_device_private_entry(pte_to_swp_entry(ptent)))) {
		return false;	/* (a device-private entry maps a page) */
	}
	spin_lock(*ptlp);
	if (unlikely(!pmd_same(*pmdvalp,
			       pmdp_get_l(pvmw->pmd,
					  "page_vma_mapped_walk:pmd_same")))) {
		spin_unlock(*ptlp);
		goto again;
	}
	pvmw->ptl = *ptlp;
	return true;
}

/*
 * page_vma_mapped_walk - see rmap.h. Returns true on each mapping of the
 * folio in pvmw->vma, with pvmw->ptl held (pvmw->pte set for a PTE,
 * NULL for a huge PMD); false at the end (nothing held).
 * SIM: the upper levels come from mm_find_pmd() (mmap_lock or the rmap
 * lock keeps them); a missing one skips one PMD extent, not a PUD's.
 */
bool page_vma_mapped_walk(struct page_vma_mapped_walk *pvmw)
{
	struct vm_area_struct *vma = pvmw->vma;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long end = walk_end(pvmw);
	spinlock_t *ptl = NULL;
	pmd_t pmde;

	/* The only possible PMD mapping was handled on the last call. */
	if (pvmw->pmd && !pvmw->pte)
		return not_found(pvmw);
	if (pvmw->pte)
		goto next_pte;
restart:
	do {
		pvmw->pmd = mm_find_pmd(mm, pvmw->address);
		if (!pvmw->pmd) {
			step_forward(pvmw, PMD_SIZE);
			continue;
		}
		pmde = pmdp_get_lockless(pvmw->pmd);
		if (pmd_trans_huge(pmde) || is_pmd_migration_entry(pmde)) {
			pvmw->ptl = pmd_lock(mm, pvmw->pmd);
			pmde = pmdp_get_l(pvmw->pmd, "page_vma_mapped_walk:pmd");
			if (is_pmd_migration_entry(pmde)) {
				if (!(pvmw->flags & PVMW_MIGRATION) ||
				    !check_pmd(swp_offset_pfn(
						       pmd_to_swp_entry(pmde)),
					       pvmw))
					return not_found(pvmw);
				return true;
			}
			if (pmd_trans_huge(pmde)) {
				if ((pvmw->flags & PVMW_MIGRATION) ||
				    !check_pmd(pmd_pfn(pmde), pvmw))
					return not_found(pvmw);
				return true;
			}
			/* THP PMD was split under us: the PTE level */
			spin_unlock(pvmw->ptl);
			pvmw->ptl = NULL;
		} else if (!pmd_present(pmde)) {
			/*
			 * PVMW_SYNC: take and drop the PMD lock, so as not to
			 * pass a huge PMD that its lock holder has cleared and
			 * not yet finished with (zap_huge_pmd before the rmap
			 * goes; move_huge_pmd before the new PMD is set).
			 */
			if ((pvmw->flags & PVMW_SYNC) &&
			    thp_vma_suitable_order(vma, pvmw->address) &&
			    pvmw->nr_pages >= HPAGE_PMD_NR)
				spin_unlock(pmd_lock(mm, pvmw->pmd));
			step_forward(pvmw, PMD_SIZE);
			continue;
		}
		if (!map_pte(pvmw, &pmde, &ptl)) {
			if (!pvmw->pte)
				goto restart;
			goto next_pte;
		}
this_pte:
		if (check_pte(pvmw))
			return true;
next_pte:
		do {
			pvmw->address += PAGE_SIZE;
			if (pvmw->address >= end)
				return not_found(pvmw);
			/* Did we cross a page-table boundary? */
			if (!(pvmw->address & ~PMD_MASK)) {
				if (pvmw->ptl) {
					spin_unlock(pvmw->ptl);
					pvmw->ptl = NULL;
				}
				pvmw->pte = NULL;
				goto restart;
			}
			pvmw->pte++;
			/* lockless unless a PTL is held (PVMW_SYNC, a hit) */
		} while (pte_none(ptep_get_l(pvmw->pte,
					     "page_vma_mapped_walk:next")));
		if (!pvmw->ptl) {
			spin_lock(ptl);
			if (unlikely(!pmd_same(pmde, pmdp_get_l(pvmw->pmd,
					"page_vma_mapped_walk:pmd_same")))) {
				spin_unlock(ptl);
				pvmw->pte = NULL;
				goto restart;
			}
			pvmw->ptl = ptl;
		}
		goto this_pte;
	} while (pvmw->address < end);
	return false;
}

void page_vma_mapped_walk_done(struct page_vma_mapped_walk *pvmw)
{
	if (pvmw->ptl)
		spin_unlock(pvmw->ptl);
	pvmw->ptl = NULL;
	pvmw->pte = NULL;
}
