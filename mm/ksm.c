// SPDX-License-Identifier: GPL-2.0
/*
 * mm/ksm.c - kernel samepage merging of anonymous pages (kernel:
 * mm/ksm.c): ksmd's merge of identical pages of VM_MERGEABLE ranges into
 * one read-only KSM folio.
 *
 * Merging a page (try_to_merge_one_page), folio locked:
 *  (1) write_protect_page: clear the PTE and flush (from here no CPU
 *      writes through it and GUP-fast either saw it cleared or pinned
 *      before (2)), (2) check that only the mappings and our reference
 *      hold the folio (a GUP reference or pin: back off, restore the PTE),
 *      (3) share an exclusive page (folio_try_share_anon_rmap_pte: fails
 *      if pinned), (4) re-install the PTE clean and read-only;
 *  (5) replace_page: if the PTE is still what (4) installed, point it at
 *      the KSM page (read-only, not exclusive) and drop the old page.
 * A write to a KSM page faults and copies it: do_wp_page never reuses a
 * KSM folio (wp_can_reuse_anon_folio), GUP with FOLL_PIN unshares it.
 *
 * SIM: the trees are arrays searched by content (memcmp of the frames):
 *  - the stable tree holds KSM folios without a reference; a lookup
 *    validates one as ksm_get_folio does (->mapping still ours, then
 *    folio_try_get, then ->mapping again);
 *  - the unstable tree holds (mm, address) items; ksmd's full scan
 *    (ksm_do_scan) empties it first, as the kernel does; a `ksm-merge`
 *    of one range does not (it is part of a scan);
 *  - the checksum filter is the kernel's: a page is a candidate for the
 *    unstable tree only if its checksum (FNV-1a here, xxhash there) did
 *    not change since its previous scan, so a fresh pair merges at the
 *    second scan;
 *  - no rmap_walk_ksm: folio_anon_vma() of a KSM folio is NULL, so rmap
 *    walks (migration, split) find no mapping of it and give up;
 *  - no ksm_max_page_sharing chains, no zero-page merging, no break_cow
 *    of a KSM page left with one mapping (it stays read-only; a write
 *    copies it).
 * MADV_UNMERGEABLE (unmerge_ksm_pages) unshares every KSM page of the
 * range (break_ksm: an unshare fault copies it) before VM_MERGEABLE goes.
 */
#include <string.h>

#include "gup.h"
#include "huge_mm.h"
#include "ksm.h"
#include "rmap.h"

#define KSM_TREE_MAX 32

struct ksm_stable_node {
	struct folio *folio;		/* the KSM folio (no reference) */
	unsigned long kpfn;
};

struct ksm_rmap_item {
	struct mm_struct *mm;
	unsigned long address;
	unsigned int oldchecksum;	/* at the previous scan (0: none) */
};

static struct {
	struct ksm_stable_node stable[KSM_TREE_MAX];
	int nr_stable;
	struct ksm_rmap_item unstable[KSM_TREE_MAX];
	int nr_unstable;
	/* the rmap_items of every page scanned: their checksums */
	struct ksm_rmap_item items[KSM_TREE_MAX * 2];
	int nr_items;
	unsigned long pages_merged;	/* replace_page successes */
	unsigned long full_scans;	/* ksm_scan.seqnr */
} ksm;

static void ksm_exec_reset(void)
{
	memset(&ksm, 0, sizeof(ksm));
}

unsigned long ksm_pages_merged(void)
{
	return ksm.pages_merged;
}

unsigned long ksm_full_scans(void)
{
	return ksm.full_scans;
}

/* The ->mapping of a KSM folio whose stable node is @node. */
static struct address_space *stable_mapping(struct ksm_stable_node *node)
{
	return (struct address_space *)((unsigned long)node | PAGE_MAPPING_KSM);
}

/* pages_identical - compare the data of two pages: a read of both. */
static bool pages_identical(struct page *a, struct page *b)
{
	sim_yield(SIM_EV_READ, sim_data_obj(a), "ksm:memcmp_pages");
	sim_yield(SIM_EV_READ, sim_data_obj(b), "ksm:memcmp_pages");
	return !memcmp(page_address(a), page_address(b), PAGE_SIZE);
}

/*
 * write_protect_page - see the header: steps (1) to (4) for @folio
 * (order 0, locked, referenced by the caller) mapped at @addr of @vma.
 * Returns 0 with *@orig_pte the PTE now installed, or -EFAULT.
 */
static int write_protect_page(struct vm_area_struct *vma, struct folio *folio,
			      unsigned long addr, pte_t *orig_pte)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t *pmdp = mm_find_pmd(mm, addr);
	bool anon_exclusive;
	spinlock_t *ptl;
	pte_t *ptep, entry;
	int err = -EFAULT;

	if (!pmdp || pmd_trans_huge(pmdp_get_l(pmdp, "ksm:wp:pmd")))
		return err;
	ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
	if (!ptep)
		return err;
	entry = ptep_get_l(ptep, "write_protect_page:pte");
	if (!pte_present(entry) || pte_pfn(entry) != page_to_pfn(&folio->page))
		goto out_unlock;
	anon_exclusive = PageAnonExclusive(&folio->page);
	if (pte_write(entry) || pte_dirty(entry) || anon_exclusive ||
	    mm_tlb_flush_pending(mm)) {
		int swapped = 0;	/* SIM: no swap cache */

		/*
		 * (1) GUP-fast takes no lock: clear the PTE and flush the
		 * TLB before the count check, so that no pin can be taken
		 * after (or in the middle of) the check.
		 */
		entry = ptep_clear_flush(vma, addr, ptep);
		/* (2) no O_DIRECT or similar I/O in progress on the page */
		if (folio_mapcount(folio) + 1 + swapped !=
		    folio_ref_count(folio)) {
			set_pte_at_l(mm, addr, ptep, entry,
				     "write_protect_page:restore");
			goto out_unlock;
		}
		/* (3) see folio_try_share_anon_rmap_pte(): PTE cleared first */
		if (anon_exclusive &&
		    folio_try_share_anon_rmap_pte(folio, &folio->page)) {
			set_pte_at_l(mm, addr, ptep, entry,
				     "write_protect_page:restore_pinned");
			goto out_unlock;
		}
		/* (4) */
		if (pte_dirty(entry))
			folio_mark_dirty(folio);
		entry = pte_mkclean(entry);
		if (pte_write(entry))
			entry = pte_wrprotect(entry);
		set_pte_at_l(mm, addr, ptep, entry, "write_protect_page:set");
	}
	*orig_pte = entry;
	err = 0;
out_unlock:
	pte_unmap_unlock(ptep, ptl);
	return err;
}

/*
 * replace_page - step (5): the PTE at @addr, if still @orig_pte, maps
 * @kpage (read-only, shared) instead of @page, whose mapping and
 * reference are dropped. Returns 0 or -EFAULT.
 */
static int replace_page(struct vm_area_struct *vma, struct page *page,
			struct page *kpage, unsigned long addr, pte_t orig_pte)
{
	struct folio *kfolio = page_folio(kpage);
	struct folio *folio = page_folio(page);
	struct mm_struct *mm = vma->vm_mm;
	pmd_t *pmdp = mm_find_pmd(mm, addr), pmde;
	spinlock_t *ptl;
	pte_t *ptep, newpte;

	if (!pmdp)
		return -EFAULT;
	pmde = pmdp_get_l(pmdp, "replace_page:pmd");
	if (!pmd_present(pmde) || pmd_trans_huge(pmde))
		return -EFAULT;
	ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
	if (!ptep)
		return -EFAULT;
	if (!pte_same(ptep_get_l(ptep, "replace_page:pte"), orig_pte)) {
		pte_unmap_unlock(ptep, ptl);
		return -EFAULT;
	}
	VM_BUG_ON_PAGE(PageAnonExclusive(page), page);
	VM_BUG_ON_FOLIO(PageAnonExclusive(kpage), kfolio);
	folio_get(kfolio);
	folio_add_anon_rmap_pte(kfolio, kpage, vma, addr, RMAP_NONE);
	newpte = pfn_pte(page_to_pfn(kpage), vma->vm_page_prot);
	/* Read-only to read-only with the same content: one flush. */
	ptep_clear_flush(vma, addr, ptep);
	set_pte_at_l(mm, addr, ptep, newpte, "replace_page:set");
	folio_remove_rmap_pte(folio, page, vma);
	folio_put(folio);
	pte_unmap_unlock(ptep, ptl);
	ksm.pages_merged++;
	return 0;
}

/*
 * try_to_merge_one_page - merge @page (mapped at @addr of @vma,
 * referenced by the caller) with @kpage, or make it the KSM page if
 * @kpage is NULL. A large folio is split first. Returns 0 or -EFAULT.
 */
static int try_to_merge_one_page(struct vm_area_struct *vma,
				 struct page *page, struct page *kpage,
				 unsigned long addr,
				 struct ksm_stable_node *node)
{
	struct folio *folio = page_folio(page);
	pte_t orig_pte = __pte(0);
	int err = -EFAULT;

	if (page == kpage)
		return 0;
	if (!folio_test_anon(folio) || folio_test_ksm(folio))
		return err;
	/* We prefer to keep scanning than to wait for the folio lock. */
	if (!folio_trylock(folio))
		return err;
	if (folio_test_large(folio)) {
		if (split_huge_page(page))
			goto out_unlock;
		folio = page_folio(page);
	}
	if (write_protect_page(vma, folio, addr, &orig_pte) == 0) {
		if (!kpage) {
			/* folio_set_stable_node: anon becomes KSM */
			node->folio = folio;
			node->kpfn = page_to_pfn(page);
			WRITE_ONCE_L(folio->mapping, stable_mapping(node),
				     "ksm:set_stable_node");
			if (!folio_test_dirty(folio))
				folio_mark_dirty(folio);
			err = 0;
		} else if (pages_identical(page, kpage)) {
			err = replace_page(vma, page, kpage, addr, orig_pte);
		}
	}
out_unlock:
	folio_unlock(folio);
	return err;
}

/*
 * ksm_get_folio - the folio of a stable node with a reference, or NULL
 * if it was freed (or reused) since: check ->mapping, take a reference
 * if the count is not zero, check ->mapping again.
 */
static struct folio *ksm_get_folio(struct ksm_stable_node *node)
{
	struct folio *folio = node->folio;
	struct address_space *expected = stable_mapping(node);

	if (READ_ONCE_L(folio->mapping, "ksm_get_folio:mapping") != expected)
		return NULL;
	if (!folio_try_get(folio))
		return NULL;
	if (READ_ONCE_L(folio->mapping, "ksm_get_folio:recheck") != expected) {
		folio_put(folio);
		return NULL;
	}
	return folio;
}

/* The mergeable VMA at @addr of @mm, or NULL. mmap_lock held. */
static struct vm_area_struct *find_mergeable_vma(struct mm_struct *mm,
						 unsigned long addr)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	if (!vma || !(vma->vm_flags & VM_MERGEABLE) || !vma->anon_vma)
		return NULL;
	return vma;
}

/*
 * get_mergeable_page - the page mapped at @addr of @mm with a reference
 * on its folio, if it is an anon page of a mergeable VMA. mmap_lock held.
 */
static struct page *get_mergeable_page(struct mm_struct *mm,
				       unsigned long addr,
				       struct vm_area_struct **vmap)
{
	struct vm_area_struct *vma = find_mergeable_vma(mm, addr);
	pmd_t *pmdp, pmd;
	spinlock_t *ptl;
	pte_t *ptep, pte;
	struct page *page = NULL;

	*vmap = vma;
	if (!vma)
		return NULL;
	pmdp = mm_find_pmd(mm, addr);
	if (!pmdp)
		return NULL;
	if (pmd_trans_huge(pmdp_get_l(pmdp, "ksm:get_page:pmd"))) {
		ptl = pmd_lock(mm, pmdp);
		pmd = pmdp_get_l(pmdp, "ksm:get_page:pmd_recheck");
		if (pmd_trans_huge(pmd) && !is_huge_zero_pmd(pmd)) {
			page = pmd_page(pmd) + ((addr & ~HPAGE_PMD_MASK) >>
						PAGE_SHIFT);
			folio_get(page_folio(page));
		}
		spin_unlock(ptl);
		return page;
	}
	ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
	if (!ptep)
		return NULL;
	pte = ptep_get_l(ptep, "ksm:get_page:pte");
	if (pte_present(pte))
		page = vm_normal_page(vma, addr, pte);
	if (page && PageAnon(page))
		folio_get(page_folio(page));
	else
		page = NULL;
	pte_unmap_unlock(ptep, ptl);
	return page;
}

/* Try @page against every live KSM folio. 0 if merged. */
static int stable_tree_merge(struct vm_area_struct *vma, struct page *page,
			     unsigned long addr)
{
	for (int i = 0; i < ksm.nr_stable; i++) {
		struct folio *kfolio = ksm_get_folio(&ksm.stable[i]);
		int err = -EFAULT;

		if (!kfolio)
			continue;
		if (&kfolio->page != page && pages_identical(page,
							     &kfolio->page))
			err = try_to_merge_one_page(vma, page, &kfolio->page,
						    addr, NULL);
		folio_put(kfolio);
		if (!err)
			return 0;
	}
	return -EFAULT;
}

/*
 * Try @page (at @addr of @mm) against the unstable tree: an identical
 * page of another item becomes a KSM page with both mapping it. 0 if
 * merged. SIM: an item whose mm is not @mm is skipped unless its mm is
 * still alive (mmget_not_zero) and its mmap_lock can be taken for read.
 */
static int unstable_tree_merge(struct vm_area_struct *vma, struct page *page,
			       unsigned long addr)
{
	for (int i = 0; i < ksm.nr_unstable; i++) {
		struct ksm_rmap_item *it = &ksm.unstable[i];
		struct vm_area_struct *tvma;
		struct page *tpage;
		struct ksm_stable_node *node;
		bool other = it->mm != vma->vm_mm;
		int err = -EFAULT;

		if (ksm.nr_stable == KSM_TREE_MAX)
			return -EFAULT;
		if (it->mm == vma->vm_mm && it->address == addr)
			continue;
		if (other) {
			if (!atomic_inc_not_zero(&it->mm->mm_users))
				continue;
			if (!mmap_read_trylock(it->mm)) {
				mmput(it->mm);
				continue;
			}
		}
		tpage = get_mergeable_page(it->mm, it->address, &tvma);
		if (tpage && page_folio(tpage) != page_folio(page) &&
		    pages_identical(page, tpage)) {
			/* try_to_merge_two_pages */
			node = &ksm.stable[ksm.nr_stable];
			err = try_to_merge_one_page(vma, page, NULL, addr,
						    node);
			if (!err) {
				ksm.nr_stable++;
				/* SIM: no break_cow if this one fails */
				try_to_merge_one_page(tvma, tpage, page,
						      it->address, NULL);
			}
		}
		if (tpage)
			folio_put(page_folio(tpage));
		if (other) {
			mmap_read_unlock(it->mm);
			mmput(it->mm);
		}
		if (!err) {
			*it = ksm.unstable[--ksm.nr_unstable];
			return 0;
		}
	}
	return -EFAULT;
}

/*
 * get_next_rmap_item - the rmap_item of (@mm, @addr), made at its first
 * scan with no checksum. NULL when the table is full (the page is then
 * not a candidate: as the kernel's failed alloc_rmap_item).
 */
static struct ksm_rmap_item *get_next_rmap_item(struct mm_struct *mm,
						unsigned long addr)
{
	struct ksm_rmap_item *it;

	for (int i = 0; i < ksm.nr_items; i++)
		if (ksm.items[i].mm == mm && ksm.items[i].address == addr)
			return &ksm.items[i];
	if (ksm.nr_items == KSM_TREE_MAX * 2)
		return NULL;
	it = &ksm.items[ksm.nr_items++];
	*it = (struct ksm_rmap_item){ .mm = mm, .address = addr };
	return it;
}

/*
 * calc_checksum - a hash of the page's data (the kernel: xxhash of the
 * page). SIM: FNV-1a over the words; a read of the page.
 */
static unsigned int calc_checksum(struct page *page)
{
	const uint64_t *w = page_address(page);
	uint64_t h = 0xcbf29ce484222325ULL;

	sim_yield(SIM_EV_READ, sim_data_obj(page), "ksm:calc_checksum");
	for (unsigned i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		h = (h ^ w[i]) * 0x100000001b3ULL;
	return (unsigned int)(h ^ (h >> 32)) | 1;	/* never "none" */
}

/* Is (@mm, @addr) in the unstable tree of this scan already? */
static bool in_unstable_tree(struct mm_struct *mm, unsigned long addr)
{
	for (int i = 0; i < ksm.nr_unstable; i++)
		if (ksm.unstable[i].mm == mm && ksm.unstable[i].address == addr)
			return true;
	return false;
}

/*
 * cmp_and_merge_page - ksmd's work on one page (kernel: mm/ksm.c): a KSM
 * page is done; else try the stable tree; else the page must have kept
 * its checksum since the previous scan (a page that changes is not a
 * candidate: the first scan of a page only records it), then it merges
 * with an identical page of the unstable tree (both become one KSM page,
 * in the stable tree) or goes into the unstable tree. So a fresh pair
 * needs two scans: the first records both checksums, the second puts one
 * in the unstable tree and merges the other with it. mmap_lock held.
 */
static void cmp_and_merge_page(struct vm_area_struct *vma, struct page *page,
			       unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct ksm_rmap_item *item;
	unsigned int checksum;

	if (folio_test_ksm(page_folio(page)))
		return;
	if (!stable_tree_merge(vma, page, addr))
		return;
	item = get_next_rmap_item(mm, addr);
	if (!item)
		return;
	checksum = calc_checksum(page);
	if (item->oldchecksum != checksum) {
		item->oldchecksum = checksum;
		return;
	}
	if (!unstable_tree_merge(vma, page, addr))
		return;
	if (ksm.nr_unstable < KSM_TREE_MAX && !in_unstable_tree(mm, addr)) {
		ksm.unstable[ksm.nr_unstable].mm = mm;
		ksm.unstable[ksm.nr_unstable++].address = addr;
	}
}

/* One VMA's part of a scan: every page of [start, end). */
static void ksm_scan_range(struct mm_struct *mm, unsigned long start,
			   unsigned long end)
{
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		struct vm_area_struct *vma;
		struct page *page = get_mergeable_page(mm, addr, &vma);

		if (!page)
			continue;
		cmp_and_merge_page(vma, page, addr);
		folio_put(page_folio(page));
	}
}

/*
 * ksm_merge_range - see ksm.h (kernel: ksm_do_scan / cmp_and_merge_page
 * over the range). mmap_lock taken for read.
 */
unsigned long ksm_merge_range(struct mm_struct *mm, unsigned long start,
			      unsigned long len)
{
	unsigned long before;

	sim_on_reset(ksm_exec_reset);
	before = ksm.pages_merged;
	mmap_read_lock(mm);
	ksm_scan_range(mm, start, start + len);
	mmap_read_unlock(mm);
	return ksm.pages_merged - before;
}

/*
 * ksm_do_scan - see ksm.h (kernel: ksm_scan_thread's ksm_do_scan through
 * scan_get_next_rmap_item until the scan wraps): the unstable tree is
 * emptied (root_unstable_tree = RB_ROOT), then every mm's VM_MERGEABLE
 * VMAs (with an anon_vma) are scanned page by page under its mmap_lock
 * for read; an mm that is exiting (mm_users 0) is skipped (ksm_test_exit).
 * SIM: every live mm is on the list (the kernel's ksm_mm_head holds those
 * that did MADV_MERGEABLE); no ksm_mmlist_lock: stepping to the next mm
 * and taking it (mmget_not_zero) are one step; ksmd scans everything in
 * one call (the kernel: pages_to_scan per batch, then sleeps).
 */
unsigned long ksm_do_scan(int nr_scans)
{
	unsigned long before;

	sim_on_reset(ksm_exec_reset);
	before = ksm.pages_merged;
	while (nr_scans-- > 0) {
		struct mm_struct *mm, *prev_mm = NULL;

		ksm.nr_unstable = 0;
		list_for_each_entry(mm, &sim_mm_list, mm_list) {
			struct vm_area_struct *vma;

			if (mm->dead ||
			    !__atomic_load_n(&mm->mm_users.counter, SIM_MO))
				continue;
			__atomic_add_fetch(&mm->mm_users.counter, 1, SIM_MO);
			if (prev_mm)
				mmput(prev_mm);
			prev_mm = mm;
			mmap_read_lock(mm);
			vma_for_each(vma, mm)
				if ((vma->vm_flags & VM_MERGEABLE) &&
				    vma->anon_vma)
					ksm_scan_range(mm, vma->vm_start,
						       vma->vm_end);
			mmap_read_unlock(mm);
		}
		if (prev_mm)
			mmput(prev_mm);
		ksm.full_scans++;
	}
	return ksm.pages_merged - before;
}

/*
 * break_ksm - unshare the KSM page mapped at @addr of @vma, if one is
 * (kernel: walk_page_range_vma with break_ksm_ops, then handle_mm_fault
 * with FAULT_FLAG_UNSHARE | FAULT_FLAG_REMOTE, again until no KSM page is
 * mapped there: the fault may back out on a racing change). The copy is
 * exclusive and read-only (do_wp_page's unshare). 0, or -EFAULT/-ENOMEM.
 */
static int break_ksm(struct vm_area_struct *vma, unsigned long addr)
{
	for (;;) {
		struct mm_struct *mm = vma->vm_mm;
		pmd_t *pmdp = mm_find_pmd(mm, addr);
		bool ksm_page = false;
		spinlock_t *ptl;
		pte_t *ptep;
		vm_fault_t ret;

		ptep = pmdp ? pte_offset_map_lock(mm, pmdp, addr, &ptl) : NULL;
		if (ptep) {
			pte_t pte = ptep_get_l(ptep, "break_ksm:pte");
			struct page *page = pte_present(pte) ?
				vm_normal_page(vma, addr, pte) : NULL;

			ksm_page = page && folio_test_ksm(page_folio(page));
			pte_unmap_unlock(ptep, ptl);
		}
		if (!ksm_page)
			return 0;
		ret = handle_mm_fault(vma, addr,
				      FAULT_FLAG_UNSHARE | FAULT_FLAG_REMOTE,
				      NULL);
		if (ret & VM_FAULT_OOM)
			return -ENOMEM;
		if (ret & VM_FAULT_ERROR)
			return -EFAULT;
	}
}

/* unmerge_ksm_pages - see ksm.h. */
int unmerge_ksm_pages(struct vm_area_struct *vma, unsigned long start,
		      unsigned long end)
{
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		int err = break_ksm(vma, addr);

		if (err)
			return err;
	}
	return 0;
}
