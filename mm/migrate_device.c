// SPDX-License-Identifier: GPL-2.0
/*
 * mm/migrate_device.c - migrate_vma: moving anonymous pages to and from
 * device-private memory (kernel: mm/migrate_device.c; the driver side is
 * lib/test_hmm.c's dmirror; the CPU fault is do_swap_page's).
 *
 *  (1) migrate_vma_collect: under the PTL, each present page is locked
 *      (trylock: best effort) and its PTE replaced at once by a migration
 *      entry (anon-exclusive: clear + flush, then try to share it - a
 *      pinned page gets its PTE back; otherwise a clear whose flush is
 *      batched to the end of the table). The cleared PTE's dirty bit goes
 *      to the folio: from now on the PTE is gone (seed 004);
 *  (2) migrate_vma_unmap: isolate, try_to_migrate what is still mapped,
 *      and check the references (migrate_vma_check_page): a folio
 *      someone else holds is restored (remove_migration_ptes);
 *  (3) the driver allocates and copies;
 *  (4) migrate_vma_pages: the point of no return per page (the count is
 *      frozen in folio_migrate_mapping);
 *  (5) migrate_vma_finalize: the migration entries map the new pages (a
 *      device-private entry for a device page), or the old ones again.
 *
 * SIM: no THP (a large folio is skipped, not split), holes and the zero
 * page are not migrated (the kernel may allocate device pages for them),
 * no mmu notifiers, one device (no pgmap owner). A device page's refcount
 * counts its mappings and holders only (the kernel's check adds one for
 * ZONE_DEVICE pages).
 */
#include "gup.h"
#include "huge_mm.h"
#include "memremap.h"
#include "migrate.h"
#include "rmap.h"
#include "swap.h"
#include "sim/regress.h"

/*
 * migrate_vma_collect_pte - step (1) for the PTE at @ptep (PTL held).
 * Returns the src entry; *@unmapped counts present PTEs cleared without a
 * flush.
 */
static unsigned long migrate_vma_collect_pte(struct migrate_vma *migrate,
					     unsigned long addr, pte_t *ptep,
					     int *unmapped)
{
	struct vm_area_struct *vma = migrate->vma;
	struct folio *fault_folio = migrate->fault_page ?
				    page_folio(migrate->fault_page) : NULL;
	pte_t pte = ptep_get_l(ptep, "migrate_vma_collect_pmd:pte");
	unsigned long mpfn;
	struct folio *folio;
	struct page *page;
	bool anon_exclusive;
	swp_entry_t entry;
	pte_t swp_pte;

	if (pte_none(pte))
		return 0;	/* SIM: holes are not filled */
	if (!pte_present(pte)) {
		entry = pte_to_swp_entry(pte);
		if (!is_device_private_entry(entry) ||
		    !(migrate->flags & MIGRATE_VMA_SELECT_DEVICE_PRIVATE))
			return 0;
		page = pfn_swap_entry_to_page(entry);
		mpfn = migrate_pfn(page_to_pfn(page)) | MIGRATE_PFN_MIGRATE;
		if (is_writable_device_private_entry(entry))
			mpfn |= MIGRATE_PFN_WRITE;
	} else {
		if (!(migrate->flags & MIGRATE_VMA_SELECT_SYSTEM))
			return 0;
		page = vm_normal_page(vma, addr, pte);
		if (!page)
			return 0;	/* SIM: the zero page stays */
		mpfn = migrate_pfn(page_to_pfn(page)) | MIGRATE_PFN_MIGRATE;
		mpfn |= pte_write(pte) ? MIGRATE_PFN_WRITE : 0;
	}
	folio = page_folio(page);
	if (!folio->mapping || folio_test_large(folio))
		return 0;
	/* the reference "freezes" the PTE: no other migration takes it */
	folio_get(folio);
	if (fault_folio != folio && !folio_trylock(folio)) {
		folio_put(folio);
		return 0;
	}
	anon_exclusive = folio_test_anon(folio) && PageAnonExclusive(page);
	if (sim_regress_on(SIM_REGRESS_MIGRATE_VMA_DIRTY_LOSS)) {
		/*
		 * Before "mm/migrate_device.c: Copy pte dirty bit to page"
		 * (2022; introduced by 8c3328f1f36a): the cleared PTE was
		 * dropped; the value read above, before the clear, was used
		 * for everything after. A dirty bit the walker set between
		 * the read and the clear, and every dirty bit at all, never
		 * reached the folio: if the migration then fails and the
		 * PTE comes back clean, reclaim drops a swap-cache folio as
		 * clean and the data is lost (seed 004).
		 */
		if (anon_exclusive) {
			ptep_clear_flush(vma, addr, ptep);
			if (folio_try_share_anon_rmap_pte(folio, page))
				goto restore;
		} else {
			ptep_get_and_clear_l(mm, addr, ptep,
					     "migrate_vma_collect_pmd:clear");
		}
		pte = pte_mkclean(pte);
	} else {
		if (anon_exclusive) {
			pte = ptep_clear_flush(vma, addr, ptep);
			if (folio_try_share_anon_rmap_pte(folio, page))
				goto restore;
		} else {
			pte = ptep_get_and_clear_l(mm, addr, ptep,
					"migrate_vma_collect_pmd:clear");
		}
		/* Set the dirty flag on the folio now the PTE is gone. */
		if (pte_present(pte) && pte_dirty(pte))
			folio_mark_dirty(folio);
	}
	migrate->cpages++;
	if (mpfn & MIGRATE_PFN_WRITE)
		entry = make_writable_migration_entry(page_to_pfn(page));
	else if (anon_exclusive)
		entry = make_readable_exclusive_migration_entry(
			page_to_pfn(page));
	else
		entry = make_readable_migration_entry(page_to_pfn(page));
	if (pte_present(pte)) {
		if (pte_young(pte))
			entry = make_migration_entry_young(entry);
		if (pte_dirty(pte))
			entry = make_migration_entry_dirty(entry);
	}
	swp_pte = swp_entry_to_pte(entry);
	if (pte_present(pte) ? pte_soft_dirty(pte) : pte_swp_soft_dirty(pte))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	set_pte_at_l(mm, addr, ptep, swp_pte, "migrate_vma_collect_pmd:set");
	/* like an unmap: the mapping's reference goes (ours stays) */
	folio_remove_rmap_pte(folio, page, vma);
	folio_put(folio);
	if (pte_present(pte))
		(*unmapped)++;
	return mpfn;
restore:
	/* pinned: it cannot be shared; put the PTE back */
	set_pte_at_l(mm, addr, ptep, pte, "migrate_vma_collect_pmd:restore");
	if (fault_folio != folio)
		folio_unlock(folio);
	folio_put(folio);
	return 0;
}

/* migrate_vma_collect - step (1) over the range, PTE table by table. */
static void migrate_vma_collect(struct migrate_vma *migrate)
{
	struct mm_struct *mm = migrate->vma->vm_mm;
	unsigned long addr = migrate->start;

	while (addr < migrate->end) {
		unsigned long next = (addr + PMD_SIZE) & PMD_MASK;
		pmd_t *pmd = mm_find_pmd(mm, addr);
		spinlock_t *ptl;
		pte_t *ptep = NULL;
		int unmapped = 0;

		if (next > migrate->end || next <= addr)
			next = migrate->end;
		if (pmd)
			ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);
		for (unsigned long a = addr; a < next; a += PAGE_SIZE) {
			unsigned long mpfn = 0;

			if (ptep)
				mpfn = migrate_vma_collect_pte(migrate, a,
							       ptep++,
							       &unmapped);
			migrate->dst[migrate->npages] = 0;
			migrate->src[migrate->npages++] = mpfn;
		}
		/* the batched flush of the non-exclusive clears */
		if (unmapped)
			flush_tlb_mm_range(&mm->context, addr, next);
		if (ptep)
			pte_unmap_unlock(ptep, ptl);
		addr = next;
	}
}

/*
 * migrate_vma_check_page - nobody but us holds @folio: its references are
 * our one (+1 for the faulting path's, +1 for the swap cache) and its
 * mappings.
 */
static bool migrate_vma_check_page(struct folio *folio,
				   struct page *fault_page)
{
	int extra = 1 + (fault_page && page_folio(fault_page) == folio);

	if (folio_test_large(folio))
		return false;
	if (folio_test_swapcache(folio))
		extra++;
	return folio_ref_count(folio) - extra <= folio_mapcount(folio);
}

/* migrate_device_unmap - step (2). Returns the pages still migrating. */
static unsigned long migrate_device_unmap(unsigned long *src,
					  unsigned long npages,
					  struct page *fault_page)
{
	struct folio *fault_folio = fault_page ? page_folio(fault_page) :
						 NULL;
	unsigned long unmapped = 0, restore = 0;

	for (unsigned long i = 0; i < npages; i++) {
		struct page *page = migrate_pfn_to_page(src[i]);
		struct folio *folio;

		if (!page)
			continue;
		folio = page_folio(page);
		if (!is_device_private_page(page)) {
			if (!folio_isolate_lru(folio)) {
				src[i] &= ~MIGRATE_PFN_MIGRATE;
				restore++;
				continue;
			}
			folio_put(folio);	/* collect's reference */
		}
		if (folio_mapcount(folio))
			try_to_migrate(folio, 0);
		if (folio_mapcount(folio) ||
		    !migrate_vma_check_page(folio, fault_page)) {
			if (!is_device_private_page(page)) {
				folio_get(folio);
				folio_putback_lru(folio);
			}
			src[i] &= ~MIGRATE_PFN_MIGRATE;
			restore++;
			continue;
		}
		unmapped++;
	}
	for (unsigned long i = 0; i < npages && restore; i++) {
		struct page *page = migrate_pfn_to_page(src[i]);
		struct folio *folio;

		if (!page || (src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		folio = page_folio(page);
		remove_migration_ptes(folio, folio, 0);
		src[i] = 0;
		if (fault_folio != folio)
			folio_unlock(folio);
		folio_put(folio);
		restore--;
	}
	return unmapped;
}

int migrate_vma_setup(struct migrate_vma *args)
{
	long nr_pages = (args->end - args->start) >> PAGE_SHIFT;

	args->start &= PAGE_MASK;
	args->end &= PAGE_MASK;
	if (!args->vma || nr_pages <= 0 || args->start < args->vma->vm_start ||
	    args->end > args->vma->vm_end || !args->src || !args->dst)
		return -EINVAL;
	if (args->fault_page && !is_device_private_page(args->fault_page))
		return -EINVAL;
	memset(args->src, 0, sizeof(*args->src) * nr_pages);
	args->cpages = 0;
	args->npages = 0;
	migrate_vma_collect(args);
	if (args->cpages)
		args->cpages = migrate_device_unmap(args->src, args->npages,
						    args->fault_page);
	return 0;
}

/* migrate_vma_pages - step (4), see memremap.h. */
void migrate_vma_pages(struct migrate_vma *migrate)
{
	for (unsigned long i = 0; i < migrate->npages; i++) {
		struct page *newpage = migrate_pfn_to_page(migrate->dst[i]);
		struct page *page = migrate_pfn_to_page(migrate->src[i]);
		struct folio *folio, *newfolio;
		int extra = 0;

		if (!newpage || !page) {
			migrate->src[i] &= ~MIGRATE_PFN_MIGRATE;
			continue;
		}
		if (!(migrate->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		folio = page_folio(page);
		newfolio = page_folio(newpage);
		/* to the device: the swap cache copy must go first */
		if (is_device_private_page(newpage) &&
		    folio_test_swapcache(folio) && !folio_free_swap(folio)) {
			migrate->src[i] &= ~MIGRATE_PFN_MIGRATE;
			continue;
		}
		if (migrate->fault_page == page)
			extra = 1;
		if (folio_migrate_mapping(newfolio, folio, extra))
			migrate->src[i] &= ~MIGRATE_PFN_MIGRATE;
		else
			folio_migrate_flags(newfolio, folio);
	}
}

/*
 * folio_put_unless_last - drop a reference unless it is the last one (an
 * atomic_add_unless(-1, 1)). Returns true if it was dropped.
 */
static bool folio_put_unless_last(struct folio *folio)
{
	int c;

	__PR_AT(SIM_EV_RMW, &folio->page, "folio_put_unless_last");
	SIM_RMW(&folio->_refcount.counter, true, ({
		c = __atomic_load_n(&folio->_refcount.counter, SIM_MO);
		while (c > 1 &&
		       !__atomic_compare_exchange_n(&folio->_refcount.counter,
						    &c, c - 1, 0, SIM_MO,
						    SIM_MO))
			;
		0; }));
	return c > 1;
}

/*
 * release_new_folio - the driver is done with the new page @dst: unlock
 * it and drop the allocation's reference.
 * SIM: the kernel unlocks, then puts. A CPU fault on a new device page in
 * between takes the lock, finds the driver's reference, fails its
 * migration back and retries the fault: a spin until the driver's put,
 * which a controlled scheduler (one that may never preempt the spinner)
 * reports as a livelock. Here the reference goes first when it is not the
 * last (the mapping holds another), so that window is closed; if it is
 * the last, the order is the kernel's.
 */
static void release_new_folio(struct folio *dst)
{
	bool put = folio_put_unless_last(dst);

	folio_unlock(dst);
	if (!put)
		folio_put(dst);
}

/* migrate_vma_finalize - step (5), see memremap.h. */
void migrate_vma_finalize(struct migrate_vma *migrate)
{
	struct folio *fault_folio = migrate->fault_page ?
				    page_folio(migrate->fault_page) : NULL;

	for (unsigned long i = 0; i < migrate->npages; i++) {
		struct page *newpage = migrate_pfn_to_page(migrate->dst[i]);
		struct page *page = migrate_pfn_to_page(migrate->src[i]);
		struct folio *dst = newpage ? page_folio(newpage) : NULL;
		struct folio *src;

		if (!page) {
			if (dst) {
				folio_unlock(dst);
				folio_put(dst);
			}
			continue;
		}
		src = page_folio(page);
		if (!(migrate->src[i] & MIGRATE_PFN_MIGRATE) || !dst) {
			if (dst) {
				folio_unlock(dst);
				folio_put(dst);
			}
			dst = src;
		}
		remove_migration_ptes(src, dst, 0);
		if (!is_device_private_page(page))
			folio_clear_isolated(src);	/* back on the LRU */
		if (fault_folio != src)
			folio_unlock(src);
		folio_put(src);
		if (dst != src)
			release_new_folio(dst);
	}
}

/* ---- the driver (lib/test_hmm.c, dmirror) ---- */

struct dmirror_stats dmirror_stats;

static void dmirror_exec_reset(void)
{
	memset(&dmirror_stats, 0, sizeof(dmirror_stats));
}

/* count the pages that moved, for the tests */
static void dmirror_account(struct migrate_vma *args, bool to_device)
{
	sim_on_reset(dmirror_exec_reset);
	for (unsigned long i = 0; i < args->npages; i++)
		if (args->src[i] & MIGRATE_PFN_MIGRATE) {
			if (to_device)
				dmirror_stats.to_device++;
			else
				dmirror_stats.to_system++;
		}
}

/*
 * dmirror_alloc_and_copy - step (3): a locked destination page for every
 * page still migrating, with the source's data (one step, like
 * folio_copy: nobody can store to a locked, unmapped source).
 */
static void dmirror_alloc_and_copy(struct migrate_vma *args, bool to_device)
{
	for (unsigned long i = 0; i < args->npages; i++) {
		struct page *spage = migrate_pfn_to_page(args->src[i]);
		struct page *dpage;

		if (!spage || !(args->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		if (to_device) {
			dpage = alloc_device_private_page();
		} else {
			struct folio *f = folio_alloc(0, 0);

			dpage = f ? &f->page : NULL;
		}
		if (!dpage)
			continue;	/* out of memory: it stays */
		__folio_set_locked(page_folio(dpage));
		sim_yield(SIM_EV_READ, sim_data_obj(spage), "dmirror:copy");
		physmem_copy_frames(dpage, spage, 1);
		args->dst[i] = migrate_pfn(page_to_pfn(dpage));
	}
}

/* dmirror_migrate - see memremap.h. mmap_lock held for read throughout. */
long dmirror_migrate(struct mm_struct *mm, unsigned long start,
		     unsigned long len, bool to_device)
{
	unsigned long end = start + len, addr;
	long moved = 0;

	mmap_read_lock(mm);
	for (addr = start; addr < end;) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);
		unsigned long next, n;
		struct migrate_vma args = { 0 };

		if (!vma)
			break;
		next = vma->vm_end < end ? vma->vm_end : end;
		n = (next - addr) >> PAGE_SHIFT;
		args.vma = vma;
		args.start = addr;
		args.end = next;
		args.src = sim_zalloc(sizeof(*args.src) * n);
		args.dst = sim_zalloc(sizeof(*args.dst) * n);
		args.flags = to_device ? MIGRATE_VMA_SELECT_SYSTEM :
					 MIGRATE_VMA_SELECT_DEVICE_PRIVATE;
		if (!migrate_vma_setup(&args)) {
			dmirror_alloc_and_copy(&args, to_device);
			migrate_vma_pages(&args);
			for (unsigned long i = 0; i < args.npages; i++)
				moved += !!(args.src[i] & MIGRATE_PFN_MIGRATE);
			dmirror_account(&args, to_device);
			migrate_vma_finalize(&args);
		}
		addr = next;
	}
	mmap_read_unlock(mm);
	return moved;
}

/*
 * dmirror_devmem_fault - the driver's migrate_to_ram: the faulting page
 * (locked and referenced by the fault) goes back to system memory.
 */
static vm_fault_t dmirror_devmem_fault(struct vm_fault *vmf)
{
	unsigned long src = 0, dst = 0;
	struct migrate_vma args = {
		.vma = vmf->vma,
		.start = vmf->address,
		.end = vmf->address + PAGE_SIZE,
		.src = &src,
		.dst = &dst,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		/* before 16ce101db85d migrate_vma had no fault_page: the
		 * faulting page was neither locked nor referenced */
		.fault_page = sim_regress_on(
				SIM_REGRESS_DEVICE_PRIVATE_FAULT_NO_REF) ?
			      NULL : vmf->page,
	};

	if (migrate_vma_setup(&args))
		return VM_FAULT_SIGBUS;
	dmirror_alloc_and_copy(&args, false);
	migrate_vma_pages(&args);
	dmirror_account(&args, false);
	dmirror_stats.faults++;
	migrate_vma_finalize(&args);
	return 0;
}

/*
 * do_device_private_fault_noref - the device-private case before
 * 16ce101db85d ("mm/memory.c: fix race when faulting a device private
 * page"): the entry read without the PTL gives the page, whose pgmap's
 * migrate_to_ram is called at once, with no lock and no reference:
 *  (1) the fault reads the device-private entry: vmf->page;
 *  (2) the driver migrates the page back to system memory
 *      (migrate_vma_finalize drops the last reference) and the device
 *      page is freed;
 *  (3) the fault follows vmf->page->pgmap to the driver's callback: a
 *      struct page that is free (and a pgmap that may be gone with it).
 */
static vm_fault_t do_device_private_fault_noref(struct vm_fault *vmf)
{
	struct page *page;

	page = pfn_swap_entry_to_page(pte_to_swp_entry(vmf->orig_pte));
	vmf->page = page;					/* (1) */
	sim_yield(SIM_EV_READ, &page->flags, "do_swap_page:page_pgmap");
	if (physmem_frame_is_free(page_to_pfn(page))) {		/* (3) */
		sim_violation("use-after-free: do_swap_page calls "
			      "migrate_to_ram through the pgmap of device "
			      "page pfn %lu, which a migration back to system "
			      "memory already freed (no reference held)",
			      page_to_pfn(page));
		return 0;
	}
	return dmirror_devmem_fault(vmf);
}

/*
 * do_device_private_fault - do_swap_page's device-private case (since
 * 16ce101db85d): (1) under the PTL check the entry is still there and
 * lock the page, (2) take a reference while it cannot be freed, (3) drop
 * the PTL and call the driver with the page as migrate_vma's fault_page.
 * A page we cannot lock is being migrated: wait for its lock, then retry
 * the fault.
 */
vm_fault_t do_device_private_fault(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	vm_fault_t ret = 0;

	if (sim_regress_on(SIM_REGRESS_DEVICE_PRIVATE_FAULT_NO_REF))
		return do_device_private_fault_noref(vmf);
	vmf->page = pfn_swap_entry_to_page(pte_to_swp_entry(vmf->orig_pte));
	vmf->pte = pte_offset_map_lock(mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (!vmf->pte)
		return 0;
	if (!pte_same(ptep_get_l(vmf->pte, "do_swap_page:device_recheck"),
		      vmf->orig_pte)) {
		pte_unmap_unlock(vmf->pte, vmf->ptl);
		return 0;
	}
	if (folio_trylock(page_folio(vmf->page))) {
		folio_get(page_folio(vmf->page));
		pte_unmap_unlock(vmf->pte, vmf->ptl);
		ret = dmirror_devmem_fault(vmf);
		folio_unlock(page_folio(vmf->page));
		folio_put(page_folio(vmf->page));
	} else {
		/*
		 * SIM: 6.18 drops the PTL and returns, and the fault is
		 * retried: a spin until the migration holding the lock is
		 * done. Later kernels sleep on the lock instead, queued under
		 * the PTL (migration_entry_wait_on_locked); so does the model.
		 */
		bit_wait_prepare(&page_folio(vmf->page)->flags, PG_locked);
		pte_unmap_unlock(vmf->pte, vmf->ptl);
		bit_wait_finish(&page_folio(vmf->page)->flags, PG_locked);
	}
	return ret;
}

/*
 * dmirror_access - see memremap.h (kernel: lib/test_hmm.c dmirror_read /
 * dmirror_write: dmirror_do_read/do_write through the mirror's page
 * table, and on -ENOENT dmirror_fault: hmm_range_fault, with
 * HMM_PFN_REQ_WRITE for a write, then try again).
 *  (1) under the PTL, the CPU's entry for @addr: a present page (writable
 *      if @write) or this device's device-private page (writable entry
 *      if @write) is the mirror's entry;
 *  (2) the device reads or writes the word in that page, the PTL still
 *      held: no unmap (migration, reclaim, zap) can come between the
 *      lookup and the access;
 *  (3) anything else (none, swapped out, a migration entry, read-only
 *      for a write) is faulted as hmm_range_fault does
 *      (handle_mm_fault, FAULT_FLAG_WRITE for a write: a read-only
 *      device-private entry goes back to system memory through the
 *      driver's migrate_to_ram first), and (1) again.
 * SIM: the mirror is the CPU page table itself, read under the PTL: the
 * kernel's dmirror->pt is filled by hmm_range_fault and cleared by the mmu
 * interval notifier before any of those unmaps changes the PTE, which
 * comes to the same moments of validity. The device dirties a system
 * page it writes (folio_mark_dirty): test_hmm's dmirror_do_write copies
 * into the page and marks nothing, relying on the write fault's dirty
 * PTE, which a writable clean PTE (mapped by a read swap-in) lacks.
 * Returns 0, or -EFAULT (no VMA, or the fault failed).
 */
int dmirror_access(struct mm_struct *mm, unsigned long addr, bool write,
		   uint64_t *val)
{
	unsigned idx = (addr & ~PAGE_MASK) / sizeof(uint64_t);

	VM_BUG_ON(addr & 7);
	for (;;) {
		struct vm_area_struct *vma;
		struct page *page = NULL;
		spinlock_t *ptl;
		pte_t *pte = NULL, ptent;
		pmd_t *pmd;
		vm_fault_t fault;

		mmap_read_lock(mm);
		vma = vma_lookup(mm, addr);
		if (!vma || !(vma->vm_flags & (write ? VM_WRITE : VM_READ))) {
			mmap_read_unlock(mm);
			return -EFAULT;
		}
		pmd = mm_find_pmd(mm, addr);
		/* a PMD-mapped THP: the mirror maps its subpage */
		if (pmd && (ptl = __pmd_trans_huge_lock(pmd, vma))) {
			pmd_t pmdval = pmdp_get_l(pmd, "dmirror:mirror_pmd");

			if (pmd_present(pmdval) && !is_huge_zero_pmd(pmdval) &&
			    (!write || pmd_write(pmdval)))
				page = pmd_page(pmdval) +
				       ((addr & ~PMD_MASK) >> PAGE_SHIFT);
			if (page)
				goto access;
			spin_unlock(ptl);
			goto fault;
		}
		if (pmd)
			pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
		if (pte) {					/* (1) */
			ptent = ptep_get_l(pte, "dmirror:mirror");
			if (pte_present(ptent)) {
				if (!write || pte_write(ptent))
					page = vm_normal_page(vma, addr, ptent);
			} else if (is_swap_pte(ptent)) {
				swp_entry_t e = pte_to_swp_entry(ptent);

				if (is_device_private_entry(e) &&
				    (!write ||
				     is_writable_device_private_entry(e)))
					page = pfn_swap_entry_to_page(e);
			}
		}
		if (page) {
			unsigned long pfn;
access:								/* (2) */
			pfn = page_to_pfn(page);

			if (write) {
				sim_yield(SIM_EV_WRITE, sim_data_obj(page),
					  "dmirror:write");
				physmem_store_word(pfn, idx, *val);
				if (!is_device_private_page(page))
					folio_mark_dirty(page_folio(page));
			} else {
				sim_yield(SIM_EV_READ, sim_data_obj(page),
					  "dmirror:read");
				*val = physmem_load_word(pfn, idx);
			}
			spin_unlock(ptl);	/* the PTL or the PMD lock */
			mmap_read_unlock(mm);
			return 0;
		}
		if (pte)
			pte_unmap_unlock(pte, ptl);
fault:
		fault = handle_mm_fault(vma, addr,		/* (3) */
					FAULT_FLAG_REMOTE |
					(write ? FAULT_FLAG_WRITE : 0), NULL);
		mmap_read_unlock(mm);
		if (fault & VM_FAULT_ERROR)
			return -EFAULT;
	}
}
