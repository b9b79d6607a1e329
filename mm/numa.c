// SPDX-License-Identifier: GPL-2.0
/*
 * mm/numa.c - NUMA balancing: the scanner (kernel: task_numa_work in
 * kernel/sched/fair.c) and the hinting faults do_numa_page (mm/memory.c)
 * and do_huge_pmd_numa_page (mm/huge_memory.c), with migration of the
 * misplaced folio (mm/migrate.c: migrate_misplaced_folio, and the legacy
 * migrate_misplaced_transhuge_page removed in Linux 5.13).
 *
 * The scanner makes entries PROTNONE (change_prot_numa, mm/mprotect.c);
 * the next access faults; the fault maps the entry back and, when the
 * folio sits on another node than the faulting CPU, migrates it there.
 *
 * THP hinting faults come in two historical shapes (thp_numa_mode):
 *  - current: generic migration, the PMD becomes a PMD migration entry;
 *  - legacy (3.8 .. 5.12): migrate_misplaced_transhuge_page copies the
 *    THP while the PMD is PROTNONE, then swaps the PMD to the new page
 *    under the PMD lock. Its guard against a concurrent reference is the
 *    refcount: before 2017 it checked count == 2 before and after
 *    installing the new PMD and put the old one back on a change (seed
 *    000: a store through the new PMD in between is lost); since 2017 it
 *    freezes the count at 2 while the new PMD goes in.
 */
#include "gup.h"
#include "huge_mm.h"
#include "migrate.h"
#include "rmap.h"
#include "sim/regress.h"

enum thp_numa_mode thp_numa_mode = THP_NUMA_CURRENT;

/*
 * numa_migrate_range's "as if on node N" (per task), as N + 1; 0: none.
 * Zero is "none" so that the first execution of a process, which runs
 * before the reset hook is registered (at the first numa scan), starts
 * as every later one does: with -1 as "none" its static zeroes said
 * "node 0", and a replay in a fresh process diverged from the exploring
 * process's execution (numa-protnone-no-flush's printed replay).
 */
static int numa_target_override[SIM_MAX_TASKS];

static void numa_exec_reset(void)
{
	memset(numa_target_override, 0, sizeof(numa_target_override));
}

int numa_fault_target_node(void)
{
	int me = sim_task_id();

	if (me >= 0 && numa_target_override[me] > 0)
		return numa_target_override[me] - 1;
	return numa_node_id();
}

/*
 * numa_migrate_check - where should @folio go? NUMA_NO_NODE if it is
 * already on the faulting CPU's node (SIM: no memory policy, no
 * two-fault filter: every misplaced folio migrates at the first fault).
 */
static int numa_migrate_check(struct folio *folio)
{
	int target = numa_fault_target_node();

	if (page_to_nid(&folio->page) == target)
		return NUMA_NO_NODE;
	return target;
}

/*
 * migrate_misplaced_folio_prepare - isolate @folio for a hinting-fault
 * migration. Called with the PTL held: the mapping's reference keeps the
 * folio alive while we take ours. 0 or -EAGAIN.
 */
static int migrate_misplaced_folio_prepare(struct folio *folio,
					   struct vm_area_struct *vma,
					   int node)
{
	if (folio_maybe_dma_pinned(folio))
		return -EAGAIN;	/* it would fail at unmap anyway */
	if (!folio_isolate_lru(folio))
		return -EAGAIN;
	return 0;
}

/* migrate_misplaced_folio - migrate the isolated @folio to @node. 0 if done. */
static int migrate_misplaced_folio(struct folio *folio, int node)
{
	unsigned int nr_succeeded = 0;
	LIST_HEAD(migratepages);
	int nr_remaining;

	list_add_tail(&folio->lru, &migratepages);
	nr_remaining = migrate_pages(&migratepages, node, MIGRATE_ASYNC,
				     MR_NUMA_MISPLACED, &nr_succeeded);
	if (nr_remaining && !list_empty(&migratepages))
		putback_movable_pages(&migratepages);
	return nr_remaining ? -EAGAIN : 0;
}

/* numa_rebuild_single_mapping - the PTE maps the page again. PTL held. */
static void numa_rebuild_single_mapping(struct vm_fault *vmf, bool writable)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t old_pte, pte;

	old_pte = ptep_modify_prot_start(vma, vmf->address, vmf->pte);
	pte = pte_modify(old_pte, vma->vm_page_prot);
	pte = pte_mkyoung(pte);
	if (writable)
		pte = pte_mkwrite(pte, vma);
	ptep_modify_prot_commit(vma, vmf->address, vmf->pte, old_pte, pte);
}

/*
 * do_numa_page - a hinting fault on the PROTNONE PTE vmf->orig_pte (read
 * without the PTL). Migrates a misplaced folio, else maps it back.
 * Returns 0 (the access is retried). mmap_lock held for read.
 * SIM: a PTE-mapped large folio migrates whole; the kernel rebuilds the
 * neighbouring PTEs of the folio too (numa_rebuild_large_mapping), here
 * only the faulting one is rebuilt.
 */
vm_fault_t do_numa_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct folio *folio = NULL;
	struct page *page;
	bool writable;
	int target;
	pte_t pte;

	vmf->ptl = &pmd_page(vmf->orig_pmd)->ptl;
	spin_lock(vmf->ptl);
	if (unlikely(!pte_same(ptep_get_l(vmf->pte, "do_numa_page:recheck"),
			       vmf->orig_pte))) {
		pte_unmap_unlock(vmf->pte, vmf->ptl);
		return 0;
	}
	pte = pte_modify(vmf->orig_pte, vma->vm_page_prot);
	/* Could the PTE be writable? Only valid while holding the PTL. */
	writable = pte_write(pte);
	if (!writable && vma_wants_manual_pte_write_upgrade(vma) &&
	    can_change_pte_writable(vma, vmf->address, pte))
		writable = true;
	page = vm_normal_page(vma, vmf->address, pte);
	if (!page)
		goto out_map;
	folio = page_folio(page);
	target = numa_migrate_check(folio);
	if (target == NUMA_NO_NODE)
		goto out_map;
	if (migrate_misplaced_folio_prepare(folio, vma, target))
		goto out_map;
	/* The folio is isolated: our reference keeps it. Drop the PTL. */
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	if (!migrate_misplaced_folio(folio, target))
		return 0;
	/* Migration failed: map it back if nothing changed meanwhile. */
	vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address,
				       &vmf->ptl);
	if (unlikely(!vmf->pte))
		return 0;
	if (unlikely(!pte_same(ptep_get_l(vmf->pte, "do_numa_page:recheck2"),
			       vmf->orig_pte))) {
		pte_unmap_unlock(vmf->pte, vmf->ptl);
		return 0;
	}
	writable = false;
out_map:
	numa_rebuild_single_mapping(vmf, writable);
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	return 0;
}

/* The huge PMD mapped again (PMD lock held). */
static void numa_restore_pmd(struct vm_fault *vmf, unsigned long haddr,
			     bool writable)
{
	struct vm_area_struct *vma = vmf->vma;
	pmd_t pmd;

	pmd = pmd_modify(pmdp_get_l(vmf->pmd, "do_huge_pmd_numa_page:restore"),
			 vma->vm_page_prot);
	pmd = pmd_mkyoung(pmd);
	if (writable)
		pmd = pmd_mkwrite(pmd, vma);
	set_pmd_at(vma->vm_mm, haddr, vmf->pmd, pmd);
}

static vm_fault_t do_huge_pmd_numa_page_legacy(struct vm_fault *vmf);

/*
 * do_huge_pmd_numa_page - a hinting fault on the PROTNONE huge PMD
 * vmf->orig_pmd. Current shape: as do_numa_page, the THP migrates through
 * migrate_pages() with a PMD migration entry. Returns 0.
 */
vm_fault_t do_huge_pmd_numa_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long haddr = vmf->address & HPAGE_PMD_MASK;
	struct folio *folio;
	struct page *page;
	bool writable;
	int target;
	pmd_t pmd;

	if (thp_numa_mode == THP_NUMA_LEGACY)
		return do_huge_pmd_numa_page_legacy(vmf);
	vmf->ptl = pmd_lock(vma->vm_mm, vmf->pmd);
	if (unlikely(!pmd_same(pmdp_get_l(vmf->pmd,
					  "do_huge_pmd_numa_page:recheck"),
			       vmf->orig_pmd))) {
		spin_unlock(vmf->ptl);
		return 0;
	}
	pmd = pmd_modify(vmf->orig_pmd, vma->vm_page_prot);
	writable = pmd_write(pmd);
	if (!writable && vma_wants_manual_pte_write_upgrade(vma) &&
	    can_change_pmd_writable(vma, vmf->address, pmd))
		writable = true;
	page = vm_normal_page_pmd(vma, haddr, pmd);
	if (!page)
		goto out_map;
	folio = page_folio(page);
	target = numa_migrate_check(folio);
	if (target == NUMA_NO_NODE)
		goto out_map;
	if (migrate_misplaced_folio_prepare(folio, vma, target))
		goto out_map;
	spin_unlock(vmf->ptl);
	if (!migrate_misplaced_folio(folio, target))
		return 0;
	vmf->ptl = pmd_lock(vma->vm_mm, vmf->pmd);
	if (unlikely(!pmd_same(pmdp_get_l(vmf->pmd,
					  "do_huge_pmd_numa_page:recheck2"),
			       vmf->orig_pmd))) {
		spin_unlock(vmf->ptl);
		return 0;
	}
	writable = false;
out_map:
	numa_restore_pmd(vmf, haddr, writable);
	spin_unlock(vmf->ptl);
	return 0;
}

/* ---- the legacy THP path (Linux 3.8 .. 5.12) ---- */

/*
 * numamigrate_isolate_page - isolate the THP; the legacy path skips the
 * generic count check, so it is done here: 3 expected (the PMD mapping,
 * the caller's reference, the isolation's). The caller's reference is then
 * dropped: the isolation reference keeps the page.
 */
static bool numamigrate_isolate_page(struct folio *folio)
{
	if (!folio_isolate_lru(folio))
		return false;
	if (folio_ref_count(folio) != 3) {
		folio_putback_lru(folio);
		return false;
	}
	folio_put(folio);
	return true;
}

/*
 * migrate_misplaced_transhuge_page - the legacy THP NUMA migration. @entry
 * is the PROTNONE PMD the fault saw; @folio is locked, and the caller's
 * reference on it is ours. Returns true if migrated. In every case the
 * folio is unlocked and our reference dropped on return.
 *
 *  (1) isolate (count 2: PMD mapping + isolation) and copy to a new THP
 *      while the PMD is PROTNONE: neither user space nor GUP-fast can
 *      write the old page meanwhile;
 *  (2) under the PMD lock: the PMD is still @entry and the count is 2 -
 *      fixed: freeze it at 2, so nobody can take a reference while
 *      (3) the new PMD (writable, dirty) is installed;
 *  (4) unfreeze, unmap the old page, unlock; its last references go.
 */
static bool migrate_misplaced_transhuge_page(struct vm_fault *vmf,
					     pmd_t entry,
					     struct folio *folio, int node)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long start = vmf->address & HPAGE_PMD_MASK;
	struct folio *new_folio;
	struct page *new_page;
	spinlock_t *ptl;
	pmd_t orig_entry;

	new_page = alloc_pages_node(node, __GFP_THISNODE | __GFP_COMP,
				    HPAGE_PMD_ORDER);
	if (!new_page)
		goto out_fail;
	new_folio = (struct folio *)new_page;
	if (!numamigrate_isolate_page(folio)) {
		folio_put(new_folio);
		goto out_fail;
	}
	/* (1) prepare the new page and copy, the old PMD being PROTNONE */
	__folio_set_locked(new_folio);
	__folio_set_swapbacked(new_folio);
	new_folio->mapping = folio->mapping;
	new_folio->index = folio->index;
	sim_yield(SIM_EV_READ, sim_data_obj(&folio->page),
		  "migrate_misplaced_transhuge:copy");
	physmem_copy_frames(new_page, &folio->page, HPAGE_PMD_NR);
	__folio_set_uptodate(new_folio);

	/* (2) recheck the PMD, and the count */
	ptl = pmd_lock(mm, vmf->pmd);
	if (sim_regress_on(SIM_REGRESS_THP_NUMA_COUNT_RECHECK)) {
		/*
		 * Before "mm/migrate.c: stabilise page count when migrating transparent hugepages" (2017, Will Deacon, seed 000; hash not verified): the
		 * count was only compared, here and again after the new PMD
		 * was installed; a reference taken and dropped by someone
		 * else in between (GUP-fast, a speculative get) made the
		 * second check fail, and the old PMD was put back after
		 * user space may have stored through the new one.
		 */
		if (unlikely(!pmd_same(pmdp_get_l(vmf->pmd,
						  "mmtp:recheck_pmd"),
				       entry) ||
			     folio_ref_count(folio) != 2))
			goto fail_putback;
		orig_entry = pmdp_get_l(vmf->pmd, "mmtp:orig_entry");
	} else {
		if (unlikely(!pmd_same(pmdp_get_l(vmf->pmd,
						  "mmtp:recheck_pmd"),
				       entry) ||
			     !folio_ref_freeze(folio, 2)))
			goto fail_putback;
	}
	/* (3) the new PMD: the copy is complete and visible before it */
	entry = mk_huge_pmd(new_page, vma->vm_page_prot);
	entry = maybe_pmd_mkwrite(pmd_mkdirty(entry), vma);
	folio_add_anon_rmap_pmd(new_folio, new_page, vma, start,
				RMAP_EXCLUSIVE);
	folio_get(new_folio);	/* the new PMD mapping's reference */
	if (sim_regress_on(SIM_REGRESS_THP_NUMA_COUNT_RECHECK)) {
		pmdp_huge_clear_flush(vma, start, vmf->pmd);
		set_pmd_at(mm, start, vmf->pmd, entry);
		/* race window: user space may store through the new PMD */
		if (folio_ref_count(folio) != 2) {
			/* ... and the store is lost when the old PMD returns */
			set_pmd_at(mm, start, vmf->pmd, orig_entry);
			flush_tlb_mm_range(&mm->context, start,
					   start + HPAGE_PMD_SIZE);
			folio_remove_rmap_pmd(new_folio, new_page, vma);
			folio_put(new_folio);
			goto fail_putback;
		}
	} else {
		/*
		 * The PMD is PROTNONE and was flushed when it became so: no
		 * TLB caches it, so no clear + flush before the store (which
		 * would also let MADV_DONTNEED skip a none PMD).
		 */
		set_pmd_at(mm, start, vmf->pmd, entry);
		folio_ref_unfreeze(folio, 2);
	}
	/* (4) the old page loses its mapping; the new one is the THP */
	folio_remove_rmap_pmd(folio, &folio->page, vma);
	spin_unlock(ptl);
	folio_unlock(new_folio);
	folio_put(new_folio);	/* the allocation's reference */
	folio_clear_isolated(folio);
	folio_unlock(folio);
	folio_put(folio);	/* the PMD mapping's reference */
	folio_put(folio);	/* the isolation reference: frees it */
	migrate_account_success(HPAGE_PMD_NR);
	return true;

fail_putback:
	spin_unlock(ptl);
	__folio_clear_locked(new_folio);
	folio_put(new_folio);	/* frees it */
	/* Retake the caller's reference and put the folio back. */
	folio_get(folio);
	folio_putback_lru(folio);
	folio_unlock(folio);
	folio_put(folio);
	return false;

out_fail:
	/* Not migrated: map the page back if the PMD is unchanged. */
	ptl = pmd_lock(mm, vmf->pmd);
	if (pmd_same(pmdp_get_l(vmf->pmd, "mmtp:out_fail"), entry))
		numa_restore_pmd(vmf, start, false);
	spin_unlock(ptl);
	folio_unlock(folio);
	folio_put(folio);
	return false;
}

/*
 * numa_wait_on_folio_noref - the hinting fault's wait before 3c226c637b69
 * ("mm: numa: avoid waiting on freed migrated pages", Mark Rutland, seed
 * 000's series, patch 1/3): it waited for the migration's page lock
 * holding no reference. PMD lock held on entry, dropped here.
 *  1. we see the folio locked by a migration, drop the PMD lock;
 *  2. the migration installs the new PMD, unlocks and frees the old THP
 *     (its last two references were the PMD's and the isolation's);
 *  3. we wait on PG_locked of a free page: the kernel sets PG_waiters in
 *     it, and the allocator later reports a bad page (seen on arm64 KVM
 *     guests). The fix takes a reference before dropping the lock; the
 *     migration then sees the count and backs off.
 */
static void numa_wait_on_folio_noref(struct vm_fault *vmf,
				     struct folio *folio)
{
	spin_unlock(vmf->ptl);
	/* race window: the migration may complete and free the folio */
	sim_yield(SIM_EV_READ, &folio->flags, "wait_on_page_locked:noref");
	if (physmem_frame_is_free(page_to_pfn(&folio->page))) {
		sim_violation("use-after-free: do_huge_pmd_numa_page waits on "
			      "PG_locked of pfn %lu, a THP the migration "
			      "already freed (PG_waiters set in a free page)",
			      page_to_pfn(&folio->page));
		return;
	}
	wait_on_bit(&folio->flags, PG_locked);
}

/*
 * do_huge_pmd_numa_page_legacy - the 4.x hinting fault on a huge PMD. The
 * folio lock serialises migrations: a fault that cannot take it waits for
 * the migration in progress (holding a reference) and retries.
 */
static vm_fault_t do_huge_pmd_numa_page_legacy(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long haddr = vmf->address & HPAGE_PMD_MASK;
	pmd_t pmd = vmf->orig_pmd;
	struct folio *folio;
	int target;

	vmf->ptl = pmd_lock(vma->vm_mm, vmf->pmd);
	if (unlikely(!pmd_same(pmd, pmdp_get_l(vmf->pmd,
					       "huge_numa_legacy:recheck"))))
		goto out_unlock;
	folio = page_folio(pmd_page(pmd));
	if (!folio_trylock(folio)) {
		if (sim_regress_on(SIM_REGRESS_NUMA_WAIT_ON_FREED_PAGE)) {
			numa_wait_on_folio_noref(vmf, folio);
			return 0;
		}
		/* A migration is in progress: wait for it, then retry. */
		if (!folio_try_get(folio))
			goto out_unlock;
		spin_unlock(vmf->ptl);
		wait_on_bit(&folio->flags, PG_locked);
		folio_put(folio);
		return 0;
	}
	target = numa_migrate_check(folio);
	if (target == NUMA_NO_NODE)
		goto clear_pmdnuma;
	/*
	 * We saw the PROTNONE entry, but change_prot_numa's flush may still
	 * be pending: another CPU may store through its old writable entry
	 * into the page we are about to copy. Make every CPU agree (4.x
	 * do_huge_pmd_numa_page, under the PMD lock so the scanner's
	 * inc_tlb_flush_pending() is seen). The current path needs no such
	 * check: its PMD migration entry is installed with a flush.
	 */
	if (mm_tlb_flush_pending(vma->vm_mm))
		flush_tlb_mm_range(&vma->vm_mm->context, haddr,
				   haddr + HPAGE_PMD_SIZE);
	/* Misplaced: the folio lock serialises migrations. */
	folio_get(folio);
	spin_unlock(vmf->ptl);
	migrate_misplaced_transhuge_page(vmf, pmd, folio, target);
	return 0;
clear_pmdnuma:
	numa_restore_pmd(vmf, haddr,
			 vma_wants_manual_pte_write_upgrade(vma) &&
			 PageAnonExclusive(&folio->page));
	folio_unlock(folio);
out_unlock:
	spin_unlock(vmf->ptl);
	return 0;
}

/* ---- the scanner and the range operation ---- */

/* numa_scan_range - see migrate.h. */
int numa_scan_range(struct mm_struct *mm, unsigned long start,
		    unsigned long len)
{
	unsigned long end = start + len;
	struct vm_area_struct *vma;
	long pages = 0;

	sim_on_reset(numa_exec_reset);
	mmap_read_lock(mm);
	vma_for_each(vma, mm) {
		unsigned long s = vma->vm_start > start ? vma->vm_start : start;
		unsigned long e = vma->vm_end < end ? vma->vm_end : end;

		if (s >= e || !vma->anon_vma)
			continue;
		/* task_numa_work skips VMAs migration cannot handle. */
		if (!vma_is_accessible(vma))
			continue;
		pages += change_prot_numa(vma, s, e);
	}
	mmap_read_unlock(mm);
	return pages;
}

/*
 * numa_hint_pending - would a user access to @addr in @vma take a NUMA
 * hinting fault? The entry is PROTNONE and the VMA accessible (a PROTNONE
 * entry of a PROT_NONE VMA is an access error, never a hint: the kernel's
 * handle_pte_fault and __handle_mm_fault check vma_is_accessible()).
 * mmap_lock held for read and @addr inside @vma: that is what keeps the
 * tables walked here from being freed (free_pgtables runs under the write
 * lock, on ranges no VMA covers any longer). *@whole_pmd is set when the
 * answer holds for the whole PMD range of @addr (a PMD-mapped THP, or no
 * page table there at all): the caller's next access is past it.
 */
static bool numa_hint_pending(struct vm_area_struct *vma, unsigned long addr,
			      bool *whole_pmd)
{
	pmd_t *pmdp = mm_find_pmd(vma->vm_mm, addr);
	pmd_t pmd;
	pte_t *ptep;

	mmap_assert_locked(vma->vm_mm);
	*whole_pmd = !pmdp;
	if (!vma_is_accessible(vma) || !pmdp)
		return false;
	pmd = pmdp_get_l(pmdp, "numa_migrate_range:pmd");
	*whole_pmd = pmd_trans_huge(pmd) || pmd_none(pmd);
	if (pmd_trans_huge(pmd))
		return pmd_protnone(pmd);
	ptep = pte_offset_map(pmdp, addr, NULL);
	return ptep && pte_protnone(ptep_get_l(ptep, "numa_migrate_range:pte"));
}

/* numa_migrate_range - see migrate.h. */
int numa_migrate_range(struct mm_struct *mm, unsigned long start,
		       unsigned long len, int node)
{
	unsigned long before = migrate_nr_succeeded();
	int me = sim_task_id();

	if (node < 0 || node >= nr_online_nodes())
		return -EINVAL;
	numa_scan_range(mm, start, len);
	if (me >= 0)
		numa_target_override[me] = node + 1;
	for (unsigned long addr = start & PAGE_MASK, next; addr < start + len;
	     addr = next) {
		struct vm_area_struct *vma;
		bool whole_pmd = false;

		/*
		 * The access of a task on @node: its fault finds the VMA and
		 * walks the tables under mmap_lock (do_user_addr_fault), and
		 * only a PROTNONE entry of an accessible VMA is a hint.
		 */
		mmap_read_lock(mm);
		vma = vma_lookup(mm, addr);
		if (vma && numa_hint_pending(vma, addr, &whole_pmd))
			handle_mm_fault(vma, addr, FAULT_FLAG_REMOTE, NULL);
		mmap_read_unlock(mm);
		/*
		 * A PMD-mapped THP takes one hinting fault for its 2 MiB, as
		 * a task touching it does: after the fault its accesses go
		 * through the (new or restored) PMD; no table, no hint.
		 */
		next = whole_pmd ? (addr & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE :
				   addr + PAGE_SIZE;
	}
	if (me >= 0)
		numa_target_override[me] = 0;
	return (int)(migrate_nr_succeeded() - before);
}
