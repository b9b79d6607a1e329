// SPDX-License-Identifier: GPL-2.0
/*
 * mm/migrate.c - migration of anonymous folios, small and PMD-mapped THP
 * (kernel: mm/migrate.c, the migration parts of mm/rmap.c and
 * mm/huge_memory.c).
 *
 * One folio's migration, as the kernel does it (migrate_pages_batch with
 * a batch of one):
 *
 *  (1) isolate: a reference and PG_isolated (folio_isolate_lru);
 *  (2) lock the folio, take a reference on its anon_vma;
 *  (3) unmap: try_to_migrate() walks the rmap and replaces every PTE/PMD
 *      by a migration entry (readable / readable-exclusive / writable,
 *      with young, dirty, soft-dirty); each entry replaced drops the
 *      mapping's reference; an exclusive page that may be pinned cannot
 *      be shared (folio_try_share_anon_rmap_*) and the walk stops: the
 *      folio stays mapped and the migration fails early;
 *  (4) copy the data, then freeze the count at its expected value: the
 *      point of no return; ->mapping/->index move to the new folio and
 *      the flags follow (folio_migrate_flags);
 *  (5) remove_migration_ptes(): every migration entry becomes a mapping
 *      of the new folio, write and exclusivity restored from the kind of
 *      entry;
 *  (6) unlock both, drop the isolation reference: the old folio is freed.
 * A failure in (3) or (4) restores the entries to the old folio (5 with
 * src == dst) and the folio is retried, then put back.
 *
 * While a migration entry exists its folio is locked: a fault or GUP that
 * meets one sleeps on the folio lock (migration_entry_wait) and retries.
 * A migration entry whose folio is not locked was left behind by a
 * migration that could not find it: the kernel BUG()s there
 * (migration_entry_to_page), so does pfn_swap_entry_folio() here.
 *
 * SIM: there are no LRU lists. Every mapped anon folio counts as being on
 * the LRU; isolation is the PG_isolated bit plus a reference.
 */
#include "gup.h"
#include "huge_mm.h"
#include "migrate.h"
#include "pagemap.h"
#include "rmap.h"
#include "swap.h"
#include "sim/regress.h"

/* Passes over a list of folios before giving up on -EAGAIN (kernel: 10). */
#define NR_MAX_MIGRATE_PAGES_RETRY	10

static unsigned long nr_migrate_succeeded;

static void migrate_exec_reset(void)
{
	nr_migrate_succeeded = 0;
}

unsigned long migrate_nr_succeeded(void)
{
	return nr_migrate_succeeded;
}

void migrate_account_success(unsigned long nr_pages)
{
	sim_on_reset(migrate_exec_reset);
	nr_migrate_succeeded += nr_pages;
}

static inline unsigned long folio_pfn(const struct folio *folio)
{
	return page_to_pfn(&folio->page);
}

static inline bool folio_mapped(const struct folio *folio)
{
	return folio_mapcount(folio) > 0;
}

/* ---- isolation ---- */

/*
 * folio_isolate_lru - see migrate.h. (1) take a reference, so the folio
 * cannot be freed under us, then (2) claim it: only one migration may own
 * a folio. A folio freed and reused between a lockless look and (1) is the
 * caller's to re-check (compaction does).
 */
bool folio_isolate_lru(struct folio *folio)
{
	if (!folio_try_get(folio))
		return false;
	if (folio_test_set_isolated(folio)) {
		folio_put(folio);
		return false;
	}
	return true;
}

void folio_putback_lru(struct folio *folio)
{
	folio_clear_isolated(folio);
	folio_put(folio);
}

void putback_movable_pages(struct list_head *l)
{
	struct folio *folio, *next;

	list_for_each_entry_safe(folio, next, l, lru) {
		list_del(&folio->lru);
		folio_putback_lru(folio);
	}
}

/* ---- the anon_vma across the unmapped phase ---- */

struct anon_vma *folio_get_anon_vma(struct folio *folio)
{
	struct anon_vma *anon_vma;

	rcu_read_lock();
	anon_vma = folio_anon_vma(folio);
	if (!anon_vma || !folio_mapped(folio))
		goto out_null;
	if (!atomic_inc_not_zero(&anon_vma->refcount))
		goto out_null;
	/*
	 * Still mapped after we took the reference: the anon_vma was alive
	 * when we did (a mapped folio keeps its anon_vma).
	 */
	if (!folio_mapped(folio)) {
		rcu_read_unlock();
		put_anon_vma(anon_vma);
		return NULL;
	}
	rcu_read_unlock();
	return anon_vma;
out_null:
	rcu_read_unlock();
	return NULL;
}

/*
 * The remove walk's anon_lock: the folio has no mappings left (mapcount
 * 0), so folio_lock_anon_vma_read() would give up; the migration's
 * reference keeps ->mapping's anon_vma alive.
 */
static struct anon_vma *migration_anon_lock(struct folio *folio)
{
	struct anon_vma *anon_vma = folio_anon_vma(folio);

	if (anon_vma)
		anon_vma_lock_read(anon_vma);
	return anon_vma;
}

/* ---- unmap: try_to_migrate ---- */

/*
 * try_to_migrate_pte - one present PTE mapping @subpage becomes a
 * migration entry. PTL held. The pin protocol with GUP-fast:
 *   migration: (1) clear the PTE (and flush, or defer the flush), then
 *	(2) check for pins (folio_try_share_anon_rmap_pte) and give up if
 *	pinned;
 *   GUP-fast:  (1) pin, then (2) re-check the PTE and unpin if it changed.
 * Either GUP-fast sees the cleared PTE, or we see its pin.
 * With TTU_BATCH_FLUSH the flush waits for try_to_unmap_flush(): until
 * then a CPU may still store to the folio through its TLB, which is why
 * migrate_pages_batch() flushes before it copies anything.
 */
/*
 * try_to_migrate_device_pte - a device-private entry of @folio (a device
 * page, which nobody can pin or write through a TLB) becomes a migration
 * entry of the same kind (migrate_vma back to system memory). PTL held.
 */
static bool try_to_migrate_device_pte(struct folio *folio,
				      struct vm_area_struct *vma,
				      unsigned long addr, pte_t *ptep,
				      pte_t pteval)
{
	swp_entry_t dev = pte_to_swp_entry(pteval), entry;
	struct page *subpage = pfn_swap_entry_to_page(dev);
	bool anon_exclusive = PageAnonExclusive(subpage);
	pte_t swp_pte;

	ptep_get_and_clear_l(vma->vm_mm, addr, ptep,
			     "try_to_migrate_one:device_clear");
	if (anon_exclusive)
		WARN_ON_ONCE(folio_try_share_anon_rmap_pte(folio, subpage));
	if (is_writable_device_private_entry(dev))
		entry = make_writable_migration_entry(page_to_pfn(subpage));
	else if (anon_exclusive)
		entry = make_readable_exclusive_migration_entry(
			page_to_pfn(subpage));
	else
		entry = make_readable_migration_entry(page_to_pfn(subpage));
	swp_pte = swp_entry_to_pte(entry);
	if (pte_swp_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	if (pte_swp_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	set_pte_at_l(vma->vm_mm, addr, ptep, swp_pte,
		     "try_to_migrate_one:device_entry");
	folio_remove_rmap_pte(folio, subpage, vma);
	folio_put(folio);	/* the mapping's reference */
	return true;
}

static bool try_to_migrate_pte(struct folio *folio, struct vm_area_struct *vma,
			       unsigned long addr, pte_t *ptep,
			       enum ttu_flags flags)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t pte = ptep_get_l(ptep, "try_to_migrate_one:pte");
	struct page *subpage;
	bool anon_exclusive;
	swp_entry_t entry;
	pte_t pteval, swp_pte;

	if (!pte_present(pte))
		return try_to_migrate_device_pte(folio, vma, addr, ptep, pte);
	subpage = pte_page(pte);
	anon_exclusive = PageAnonExclusive(subpage);
	/* (1) nuke the PTE: from the flush on no CPU can store through it */
	if (should_defer_flush(mm, flags)) {
		pteval = ptep_get_and_clear_l(mm, addr, ptep,
					      "try_to_migrate_one:clear");
		set_tlb_ubc_flush_pending(mm, pteval, addr, addr + PAGE_SIZE);
	} else {
		pteval = ptep_clear_flush(vma, addr, ptep);
	}
	/* A dirty PTE dirties the folio, now that the PTE is gone. */
	if (pte_dirty(pteval))
		folio_set_dirty(folio);
	/* (2) an exclusive page that may be pinned cannot be shared */
	if (anon_exclusive &&
	    folio_try_share_anon_rmap_pte(folio, subpage)) {
		set_pte_at_l(vma->vm_mm, addr, ptep, pteval,
			     "try_to_migrate_one:restore_pinned");
		return false;
	}
	VM_BUG_ON_PAGE(pte_write(pteval) && !anon_exclusive &&
		       folio_test_anon(folio), subpage);
	if (pte_write(pteval))
		entry = make_writable_migration_entry(page_to_pfn(subpage));
	else if (anon_exclusive)
		entry = make_readable_exclusive_migration_entry(
			page_to_pfn(subpage));
	else
		entry = make_readable_migration_entry(page_to_pfn(subpage));
	if (pte_young(pteval))
		entry = make_migration_entry_young(entry);
	if (pte_dirty(pteval))
		entry = make_migration_entry_dirty(entry);
	swp_pte = swp_entry_to_pte(entry);
	if (pte_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	if (pte_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	/* No flush needed: faults on the entry wait for the folio lock. */
	set_pte_at_l(vma->vm_mm, addr, ptep, swp_pte,
		     "try_to_migrate_one:set_entry");
	folio_remove_rmap_pte(folio, subpage, vma);
	folio_put(folio);	/* the mapping's reference */
	return true;
}

/*
 * set_pmd_migration_entry - see migrate.h. (1) invalidate the PMD and
 * flush (it stays pmd_present for the kernel), (2) check for pins, as for
 * PTEs, then (3) install the entry.
 */
int set_pmd_migration_entry(struct vm_area_struct *vma, unsigned long addr,
			    pmd_t *pmd, struct folio *folio)
{
	struct page *page = &folio->page;
	bool anon_exclusive;
	swp_entry_t entry;
	pmd_t pmdval, pmdswp;

	pmdval = pmdp_invalidate(vma, addr, pmd);
	anon_exclusive = PageAnonExclusive(page);
	if (anon_exclusive && folio_try_share_anon_rmap_pmd(folio, page)) {
		set_pmd_at(vma->vm_mm, addr, pmd, pmdval);
		return -EBUSY;
	}
	if (pmd_dirty(pmdval))
		folio_set_dirty(folio);
	if (pmd_write(pmdval))
		entry = make_writable_migration_entry(page_to_pfn(page));
	else if (anon_exclusive)
		entry = make_readable_exclusive_migration_entry(
			page_to_pfn(page));
	else
		entry = make_readable_migration_entry(page_to_pfn(page));
	if (pmd_young(pmdval))
		entry = make_migration_entry_young(entry);
	if (pmd_dirty(pmdval))
		entry = make_migration_entry_dirty(entry);
	pmdswp = swp_entry_to_pmd(entry);
	if (pmd_soft_dirty(pmdval))
		pmdswp = pmd_swp_mksoft_dirty(pmdswp);
	set_pmd_at(vma->vm_mm, addr, pmd, pmdswp);
	folio_remove_rmap_pmd(folio, page, vma);
	folio_put(folio);
	return 0;
}

/*
 * invalid_migration_vma - exec's temporary stack is skipped: its PTEs move
 * under the rmap's feet (shift_arg_pages) without the rmap locks, so a
 * migration entry installed there could be missed on removal (seed 002).
 */
static bool invalid_migration_vma(struct vm_area_struct *vma, void *arg)
{
	if (sim_regress_on(SIM_REGRESS_EXEC_STACK_RMAP_MISS)) {
		/*
		 * Before a8bef8ff6ea1 (2010-05-24): migration did not skip the
		 * temporary stack. shift_arg_pages() moves vm_start down (under
		 * the anon_vma lock) before it moves the PTEs (without it): an
		 * rmap walk in between computes the new address, finds no PTE
		 * and leaves the migration entry it installed at the old one,
		 * which move_page_tables() then carries along. The fault that
		 * meets it finds an unlocked page: BUG in
		 * migration_entry_to_page().
		 */
		return false;
	}
	return vma_is_temporary_stack(vma);
}

/*
 * try_to_migrate_one - rmap_one of try_to_migrate: every mapping of
 * @folio in @vma, from @addr (where the rmap says its first page would
 * be: a PTE elsewhere, being moved by mremap or exec, is not found),
 * becomes a migration entry. The walk is not PVMW_SYNC (migrate_pages
 * passes no TTU_SYNC): it peeks at PTEs without the PTL; missing one only
 * leaves the folio mapped, and the migration fails at the count check.
 * Returns false (stop the rmap walk) when a pinned page cannot be shared.
 */
static bool try_to_migrate_one(struct folio *folio, struct vm_area_struct *vma,
			       unsigned long addr, void *arg)
{
	enum ttu_flags flags = (enum ttu_flags)(uintptr_t)arg;
	DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr,
			      (flags & TTU_SYNC) ? PVMW_SYNC : 0);

	/*
	 * split_huge_page's unmap_folio: a PMD mapping becomes 512 PTE
	 * migration entries (__split_huge_pmd with freeze), which the walk
	 * below then has nothing left to do for.
	 * SIM: the kernel (since the rmap walk learnt to split PMDs inside
	 * the page walk; not verified for 6.18) splits when the walk meets
	 * the PMD; splitting first, as older kernels did, installs the same
	 * entries under the same PMD lock.
	 */
	if (flags & TTU_SPLIT_HUGE_PMD)
		split_huge_pmd_address(vma, addr, true, folio);
	while (page_vma_mapped_walk(&pvmw)) {
		bool ok;

		if (!pvmw.pte) {
			/* a PMD-mapped THP: a PMD migration entry */
			ok = !set_pmd_migration_entry(vma,
						      pvmw.address & HPAGE_PMD_MASK,
						      pvmw.pmd, folio);
		} else {
			ok = try_to_migrate_pte(folio, vma, pvmw.address,
						pvmw.pte, flags);
		}
		if (!ok) {
			page_vma_mapped_walk_done(&pvmw);
			return false;
		}
	}
	return true;
}

static bool folio_not_mapped(struct folio *folio)
{
	return !folio_mapped(folio);
}

void try_to_migrate(struct folio *folio, enum ttu_flags flags)
{
	struct rmap_walk_control rwc = {
		.rmap_one = try_to_migrate_one,
		.arg = (void *)(uintptr_t)flags,
		.done = folio_not_mapped,
		.anon_lock = folio_lock_anon_vma_read,
		.invalid_vma = invalid_migration_vma,
	};

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	if (flags & TTU_RMAP_LOCKED)
		rmap_walk_locked(folio, &rwc);
	else
		rmap_walk(folio, &rwc);
}

/* ---- remove_migration_ptes ---- */

static bool try_to_map_unused_to_zeropage(struct vm_area_struct *vma,
					  unsigned long addr, pte_t *ptep,
					  pte_t old_pte, struct page *page);

/*
 * remove_migration_pte - the migration entry at @ptep (PTL held) maps the
 * corresponding page of the new folio (w->arg): young and dirty from the
 * entry, write from a writable entry, exclusivity from any entry that is
 * not plain readable. No flush: the entry was not present.
 */
static void remove_migration_pte_one(struct folio *src, struct folio *folio,
				     struct vm_area_struct *vma,
				     unsigned long addr, pte_t *ptep,
				     bool map_unused_to_zeropage)
{
	pte_t old_pte = ptep_get_l(ptep, "remove_migration_pte:pte");
	swp_entry_t entry = pte_to_swp_entry(old_pte);
	unsigned long idx = swp_offset_pfn(entry) - folio_pfn(src);
	struct page *new = folio_page(folio, idx);
	rmap_t rmap_flags = RMAP_NONE;
	pte_t pte;

	if (map_unused_to_zeropage &&
	    try_to_map_unused_to_zeropage(vma, addr, ptep, old_pte, new))
		return;
	folio_get(folio);
	pte = pfn_pte(page_to_pfn(new), vma->vm_page_prot);
	if (!is_migration_entry_young(entry))
		pte = pte_mkold(pte);
	if (folio_test_dirty(folio) && is_migration_entry_dirty(entry))
		pte = pte_mkdirty(pte);
	if (pte_swp_soft_dirty(old_pte))
		pte = pte_mksoft_dirty(pte);
	else
		pte = pte_clear_soft_dirty(pte);
	if (is_writable_migration_entry(entry))
		pte = pte_mkwrite(pte, vma);
	else if (pte_swp_uffd_wp(old_pte))
		pte = pte_mkuffd_wp(pte);
	if (!is_readable_migration_entry(entry))
		rmap_flags |= RMAP_EXCLUSIVE;
	if (!folio_test_anon(folio)) {
		/* a tmpfs page: no exclusivity to restore */
		folio_add_file_rmap_ptes(folio, new, 1, vma);
		set_pte_at_l(vma->vm_mm, addr, ptep, pte,
			     "remove_migration_pte:set");
		return;
	}
	VM_BUG_ON_PAGE(pte_write(pte) && !(rmap_flags & RMAP_EXCLUSIVE), new);
	/* a page now on the device: a device-private entry (migrate_vma) */
	if (unlikely(is_device_private_page(new))) {
		swp_entry_t dev = pte_write(pte) ?
			make_writable_device_private_entry(page_to_pfn(new)) :
			make_readable_device_private_entry(page_to_pfn(new));

		pte = swp_entry_to_pte(dev);
		if (pte_swp_soft_dirty(old_pte))
			pte = pte_swp_mksoft_dirty(pte);
		if (pte_swp_uffd_wp(old_pte))
			pte = pte_swp_mkuffd_wp(pte);
	}
	folio_add_anon_rmap_pte(folio, new, vma, addr, rmap_flags);
	set_pte_at_l(vma->vm_mm, addr, ptep, pte, "remove_migration_pte:set");
}

/* remove_migration_pmd - see migrate.h. */
void remove_migration_pmd(struct vm_area_struct *vma, unsigned long haddr,
			  pmd_t *pmd, pmd_t pmdval, struct folio *folio)
{
	swp_entry_t entry = pmd_to_swp_entry(pmdval);
	rmap_t rmap_flags = RMAP_NONE;
	pmd_t pmde;

	folio_get(folio);
	pmde = mk_huge_pmd(&folio->page, vma->vm_page_prot);
	if (pmd_swp_soft_dirty(pmdval))
		pmde = pmd_mksoft_dirty(pmde);
	if (is_writable_migration_entry(entry))
		pmde = pmd_mkwrite(pmde, vma);
	if (!is_migration_entry_young(entry))
		pmde = pmd_mkold(pmde);
	if (folio_test_dirty(folio) && is_migration_entry_dirty(entry))
		pmde = pmd_mkdirty(pmde);
	if (!is_readable_migration_entry(entry))
		rmap_flags |= RMAP_EXCLUSIVE;
	if (!folio_test_anon(folio)) {
		/* a tmpfs THP: no exclusivity to restore */
		folio_add_file_rmap_pmd(folio, &folio->page, vma);
		set_pmd_at(vma->vm_mm, haddr, pmd, pmde);
		return;
	}
	folio_add_anon_rmap_pmd(folio, &folio->page, vma, haddr, rmap_flags);
	VM_BUG_ON(pmd_write(pmde) && !PageAnonExclusive(&folio->page));
	set_pmd_at(vma->vm_mm, haddr, pmd, pmde);
}

struct rmap_walk_arg {
	struct folio *src;	/* whose migration entries are looked for */
	struct folio *dst;	/* what they map afterwards */
	bool map_unused_to_zeropage;	/* RMP_USE_SHARED_ZEROPAGE */
};

/*
 * remove_migration_pte - rmap_one of remove_migration_ptes: every
 * migration entry to a page of src in @vma maps dst again. The walk is
 * PVMW_SYNC | PVMW_MIGRATION, as the kernel's: each PTE is read under its
 * PTL, and a none PMD where a THP could be waits for its PMD lock, so an
 * entry that move_ptes / move_huge_pmd carries from the old VMA to the
 * new one (under those locks) is found at one place or the other.
 */
static bool remove_migration_pte(struct folio *folio,
				 struct vm_area_struct *vma,
				 unsigned long addr, void *arg)
{
	struct rmap_walk_arg *a = arg;
	DEFINE_FOLIO_VMA_WALK(pvmw, a->src, vma, addr,
			      PVMW_SYNC | PVMW_MIGRATION);

	while (page_vma_mapped_walk(&pvmw)) {
		if (!pvmw.pte) {
			remove_migration_pmd(vma,
					     pvmw.address & HPAGE_PMD_MASK,
					     pvmw.pmd,
					     pmdp_get_l(pvmw.pmd,
							"remove_migration_pmd:pmd"),
					     a->dst);
			continue;
		}
		remove_migration_pte_one(a->src, a->dst, vma, pvmw.address,
					 pvmw.pte, a->map_unused_to_zeropage);
	}
	return true;
}

void remove_migration_ptes(struct folio *src, struct folio *dst, int flags)
{
	struct rmap_walk_arg a = {
		.src = src, .dst = dst,
		.map_unused_to_zeropage = flags & RMP_USE_SHARED_ZEROPAGE,
	};
	struct rmap_walk_control rwc = {
		.arg = &a,
		.rmap_one = remove_migration_pte,
		.anon_lock = migration_anon_lock,
	};

	VM_BUG_ON_FOLIO(!folio_test_locked(src), src);
	VM_BUG_ON_FOLIO((flags & RMP_USE_SHARED_ZEROPAGE) && src != dst, src);
	if (flags & RMP_LOCKED)
		rmap_walk_locked(dst, &rwc);
	else
		rmap_walk(dst, &rwc);
}

/* ---- waiting for a migration entry ---- */

/*
 * migration_entry_wait_on_locked - sleep until the folio of @entry is
 * unlocked; entered with @ptl held, returns with it dropped. The folio of
 * a migration entry read under the PTL must be locked: migration removes
 * its entries under the PTL before it unlocks (pfn_swap_entry_folio()
 * checks it: the kernel's BUG in migration_entry_to_page()). Queued before
 * the PTL is dropped, holding no reference: the unlock ending the migration
 * wakes it even if the folio is then freed, reused and locked again.
 */
static void migration_entry_wait_on_locked(swp_entry_t entry, spinlock_t *ptl)
{
	struct folio *folio = pfn_swap_entry_folio(entry);

	bit_wait_prepare(&folio->flags, PG_locked);
	spin_unlock(ptl);
	bit_wait_finish(&folio->flags, PG_locked);
}

/*
 * migration_entry_wait - hook of the core's fault path (do_swap_page):
 * the PTE of @address under @pmd was a migration entry when read
 * locklessly; if it still is, sleep until the migration is done. The
 * caller retries the fault. mmap_lock held for read.
 */
void migration_entry_wait(struct mm_struct *mm, pmd_t *pmd,
			  unsigned long address)
{
	spinlock_t *ptl;
	pte_t *ptep, pte;
	swp_entry_t entry;

	ptep = pte_offset_map_lock(mm, pmd, address, &ptl);
	if (!ptep)
		return;
	pte = ptep_get_l(ptep, "migration_entry_wait:pte");
	if (!is_swap_pte(pte))
		goto out;
	entry = pte_to_swp_entry(pte);
	if (!is_migration_entry(entry))
		goto out;
	migration_entry_wait_on_locked(entry, ptl);
	return;
out:
	pte_unmap_unlock(ptep, ptl);
}

/* pmd_migration_entry_wait - the same for a PMD migration entry. */
void pmd_migration_entry_wait(struct mm_struct *mm, pmd_t *pmd)
{
	spinlock_t *ptl = pmd_lock(mm, pmd);
	pmd_t pmdval = pmdp_get_l(pmd, "pmd_migration_entry_wait:pmd");

	if (!is_pmd_migration_entry(pmdval)) {
		spin_unlock(ptl);
		return;
	}
	migration_entry_wait_on_locked(pmd_to_swp_entry(pmdval), ptl);
}

/* ---- hooks for mm/huge_memory.c ---- */

/*
 * __split_huge_pmd_migration_entry - a PMD migration entry becomes 512
 * PTE migration entries of the same kind in the deposited table (the
 * kernel's __split_huge_pmd_locked() for pmd_is_migration_entry()). The
 * folio has no mapping to account: its PMD mapping went when the entry
 * was installed. PMD lock held.
 */
void __split_huge_pmd_migration_entry(struct vm_area_struct *vma,
				      pmd_t *pmd, unsigned long haddr)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t old_pmd = pmdp_get_l(pmd, "split_huge_pmd:migration");
	swp_entry_t entry = pmd_to_swp_entry(old_pmd);
	unsigned long pfn = swp_offset_pfn(entry);
	bool soft_dirty = pmd_swp_soft_dirty(old_pmd);
	pgtable_t pgtable;
	pte_t *pte;

	pgtable = pgtable_trans_huge_withdraw(mm, pmd);
	pte = pte_offset_pfn(page_to_pfn(pgtable), haddr);
	for (int i = 0; i < HPAGE_PMD_NR; i++) {
		swp_entry_t e;
		pte_t ptent;

		if (is_writable_migration_entry(entry))
			e = make_writable_migration_entry(pfn + i);
		else if (is_readable_exclusive_migration_entry(entry))
			e = make_readable_exclusive_migration_entry(pfn + i);
		else
			e = make_readable_migration_entry(pfn + i);
		if (is_migration_entry_young(entry))
			e = make_migration_entry_young(e);
		if (is_migration_entry_dirty(entry))
			e = make_migration_entry_dirty(e);
		ptent = swp_entry_to_pte(e);
		if (soft_dirty)
			ptent = pte_swp_mksoft_dirty(ptent);
		/* Not reachable until pmd_populate: plain stores. */
		set_pte_unreachable(&pte[i], ptent);
	}
	pmd_populate(mm, pmd, pgtable);
}

/*
 * copy_huge_pmd_migration_entry - fork meets a PMD migration entry: the
 * child gets one too; a writable (or exclusive) one becomes readable on
 * both sides (COW: the page is shared from now on). Both PMD locks held;
 * @pgtable is the child's deposit.
 */
void copy_huge_pmd_migration_entry(struct mm_struct *dst_mm,
				   struct mm_struct *src_mm, pmd_t *dst_pmd,
				   pmd_t *src_pmd, pmd_t pmd,
				   unsigned long addr,
				   struct vm_area_struct *src_vma,
				   pgtable_t pgtable)
{
	swp_entry_t entry = pmd_to_swp_entry(pmd);

	if (!is_readable_migration_entry(entry)) {
		swp_entry_t e = make_readable_migration_entry(
			swp_offset(entry));
		pmd_t npmd = swp_entry_to_pmd(e);

		if (pmd_swp_soft_dirty(pmd))
			npmd = pmd_swp_mksoft_dirty(npmd);
		set_pmd_at(src_mm, addr, src_pmd, npmd);
		pmd = npmd;
	}
	add_mm_counter(dst_mm, MM_ANONPAGES, HPAGE_PMD_NR);
	mm_inc_nr_ptes(dst_mm);
	pgtable_trans_huge_deposit(dst_mm, dst_pmd, pgtable);
	set_pmd_at(dst_mm, addr, dst_pmd, pmd);
}

/* ---- moving the folio ---- */

/*
 * folio_expected_refs - the references a folio being migrated holds when
 * nothing else uses it:
 *	1	the isolation reference (folio_isolate_lru), held by us
 *	+0	mappings: all replaced by migration entries, which hold none
 *	+nr	the page cache's or the swap cache's, one per page
 */
static int folio_expected_refs(struct folio *folio)
{
	/* a page-cache folio, or an anon one in the swap cache */
	if (folio_mapping(folio) || folio_test_swapcache(folio))
		return 1 + folio_nr_pages(folio);
	return 1;
}

/*
 * folio_migrate_swapcache - folio_migrate_mapping of an anon folio in the
 * swap cache (the kernel's __folio_migrate_mapping with the swap cache as
 * the mapping): under the swap cache's lock (1) freeze @src's count, (2)
 * @dst gets PG_swapcache, the entry and the cache's references, (3) the
 * cache's slot points at @dst, (4) @src leaves the cache and is unfrozen
 * without the cache's references. A lookup that took @src before (1)
 * makes the freeze fail; one that tries after fails folio_try_get, or
 * sees the slot or @src's PG_swapcache changed on its re-check, and
 * retries; a swap-in asleep in swapcache_wait is woken to find @dst.
 */
static int folio_migrate_swapcache(struct folio *dst, struct folio *src,
				   int expected_count)
{
	swp_entry_t entry = { .val = src->private };
	long nr = folio_nr_pages(src);

	swap_cache_lock();
	if (!folio_ref_freeze(src, expected_count)) {		/* (1) */
		swap_cache_unlock();
		return -EAGAIN;
	}
	/* Point of no return: from here on the new folio is the folio. */
	dst->index = src->index;
	__atomic_store_n(&dst->mapping, src->mapping, SIM_MO);
	__folio_set_swapbacked(dst);
	dst->private = src->private;				/* (2) */
	folio_set_swapcache(dst);
	folio_ref_add(dst, nr);
	swap_cache_replace(entry, src, dst);			/* (3) */
	folio_clear_swapcache(src);				/* (4) */
	src->private = 0;
	folio_ref_unfreeze(src, expected_count - nr);
	swap_cache_unlock();
	swapcache_migrated();
	swap_stats.migrated++;
	return 0;
}

/*
 * folio_migrate_mapping - hand ->mapping and ->index to @dst, under a
 * frozen count of @src: the point of no return. -EAGAIN if @src has more
 * references than expected: a GUP pin or get, or a speculative reference
 * (compaction's scan, GUP-fast before its re-check); the caller restores
 * the mappings and retries.
 * SIM: for an anon folio without swap cache the kernel compares the count
 * (and freezes it only for large folios, to take them off the deferred
 * split queue); the model always freezes, which makes a concurrent
 * folio_try_get() fail instead of succeed-then-drop.
 */
int folio_migrate_mapping(struct folio *dst, struct folio *src,
			  int extra_count)
{
	int expected_count = folio_expected_refs(src) + extra_count;

	struct address_space *mapping = folio_mapping(src);
	long nr = folio_nr_pages(src);

	if (mapping) {
		/*
		 * A tmpfs folio: under the xa_lock (1) freeze the count (a
		 * lookup racing us fails folio_try_get, or took its
		 * reference before and the freeze fails), (2) the slots
		 * point at @dst, which takes the cache's references,
		 * (3) unfreeze @src without them: a lookup that gets it now
		 * sees the slot changed on its reload and retries.
		 */
		spin_lock(&mapping->i_pages_lock);
		if (!folio_ref_freeze(src, expected_count)) {
			spin_unlock(&mapping->i_pages_lock);
			return -EAGAIN;
		}
		dst->index = src->index;
		__atomic_store_n(&dst->mapping, src->mapping, SIM_MO);
		__folio_set_swapbacked(dst);
		folio_ref_add(dst, nr);
		/* xas_store: rcu_assign_pointer, a release store */
		xa_store_slots(mapping, src->index, nr, dst, SIM_SB_RELEASE,
			       "folio_migrate_mapping:slot");
		folio_ref_unfreeze(src, expected_count - nr);
		spin_unlock(&mapping->i_pages_lock);
		return 0;
	}
	if (folio_test_swapcache(src))
		return folio_migrate_swapcache(dst, src, expected_count);
	if (!folio_ref_freeze(src, expected_count))
		return -EAGAIN;
	/* Point of no return: from here on the new folio is the folio. */
	dst->index = src->index;
	__atomic_store_n(&dst->mapping, src->mapping, SIM_MO);
	if (folio_test_swapbacked(src))
		__folio_set_swapbacked(dst);
	folio_ref_unfreeze(src, expected_count);
	return 0;
}

/*
 * folio_migrate_flags - the page state that follows the data. Exclusivity
 * (PG_anon_exclusive) does not: unmapping cleared it on every page it
 * unmapped and the migration entries carry it (readable-exclusive /
 * writable), restored by remove_migration_pte(). (A folio a racing munmap
 * unmapped keeps a stale bit; it is about to be freed.)
 */
void folio_migrate_flags(struct folio *dst, struct folio *src)
{
	if (folio_test_uptodate(src))
		__folio_set_uptodate(dst);
	if (folio_test_referenced(src))
		folio_set_referenced(dst);
	if (folio_test_clear_dirty(src))
		folio_set_dirty(dst);
	if (folio_test_young(src))
		folio_set_young(dst);
	if (folio_test_idle(src))
		folio_set_idle(dst);
	/* the LRU list follows too (reclaim's PG_active, mm/vmscan.c) */
	if (folio_test_clear_active(src) && !is_device_private_page(&dst->page))
		folio_set_active(dst);
}

/*
 * folio_copy - the data. One yield point: nobody can store to @src while
 * every mapping is a migration entry (the TLBs were flushed when the PTEs
 * were cleared), and DMA through a pin was ruled out at unmap.
 * SIM: a real copy runs word by word.
 */
static void folio_copy(struct folio *dst, struct folio *src)
{
	sim_yield(SIM_EV_READ, sim_data_obj(&src->page), "folio_copy");
	physmem_copy_frames(&dst->page, &src->page, folio_nr_pages(src));
}

/* move_to_new_folio - copy, commit, flags (kernel: __migrate_folio). */
static int move_to_new_folio(struct folio *dst, struct folio *src)
{
	int rc;

	/* the refcount check, copy, commit: at the end of the file */
	rc = migrate_copy_and_map(dst, src);
	if (rc)
		return rc;
	folio_migrate_flags(dst, src);
	/*
	 * A page-cache folio's ->mapping goes before @src is unlocked (the
	 * kernel's move_to_new_folio): a lookup that got @src before the
	 * slot changed and then waited for its lock sees the change in its
	 * mapping re-check (shmem_get_folio) and retries. An anon folio
	 * stays anon until it is freed.
	 */
	if (!folio_test_anon(src))
		WRITE_ONCE_L(src->mapping, NULL, "move_to_new_folio:mapping");
	return 0;
}

/* The state migrate_folio_unmap hands to migrate_folio_move. */
struct migrate_state {
	struct folio *dst;
	struct anon_vma *anon_vma;
	bool was_mapped;
};

/* migrate_folio_done - @src has migrated (or was freed): drop it. */
static void migrate_folio_done(struct folio *src)
{
	list_del(&src->lru);
	folio_clear_isolated(src);
	folio_put(src);		/* the isolation reference: frees it */
}

/*
 * migrate_folio_unmap - steps (2) and (3) for @src. Returns 0 with the
 * folio unmapped (st filled), 1 if the folio was freed under us (done),
 * or -EAGAIN / -ENOMEM with everything restored.
 */
static int migrate_folio_unmap(struct folio *src, int node,
			       enum migrate_mode mode,
			       struct migrate_state *st)
{
	unsigned int order = folio_order(src);
	struct page *page;
	struct folio *dst;
	int rc = -EAGAIN;

	/* Only our isolation reference left: it was unmapped and freed. */
	if (folio_ref_count(src) == 1) {
		migrate_folio_done(src);
		return 1;
	}
	page = alloc_pages_node(node, __GFP_THISNODE |
				(order ? __GFP_COMP : 0), order);
	if (!page)
		return -ENOMEM;
	dst = (struct folio *)page;
	if (!folio_trylock(src)) {
		if (mode == MIGRATE_ASYNC)
			goto out;
		folio_lock(src);
	}
	st->anon_vma = folio_get_anon_vma(src);
	/* Nobody can see @dst yet: the lock is ours without a yield. */
	__folio_set_locked(dst);
	st->dst = dst;
	st->was_mapped = false;
	if (folio_mapped(src)) {
		VM_BUG_ON_FOLIO(!st->anon_vma && folio_test_anon(src), src);
		try_to_migrate(src, mode == MIGRATE_ASYNC ? TTU_BATCH_FLUSH : 0);
		st->was_mapped = true;
	}
	if (!folio_mapped(src))
		return 0;
	/* Still mapped (pinned, or a fault raced the walk): restore. */
	if (st->was_mapped)
		remove_migration_ptes(src, src, 0);
	__folio_clear_locked(dst);
	if (st->anon_vma)
		put_anon_vma(st->anon_vma);
	folio_unlock(src);
out:
	folio_put(dst);
	return rc;
}

/*
 * migrate_folio_move - steps (4) to (6). 0 on success (@src freed), or
 * -EAGAIN with the old mappings restored.
 */
static int migrate_folio_move(struct folio *src, struct migrate_state *st)
{
	struct folio *dst = st->dst;
	int rc;

	rc = move_to_new_folio(dst, src);
	if (rc) {
		if (st->was_mapped)
			remove_migration_ptes(src, src, 0);
		__folio_clear_locked(dst);
		folio_put(dst);
		if (st->anon_vma)
			put_anon_vma(st->anon_vma);
		folio_unlock(src);
		return rc;
	}
	if (st->was_mapped)
		remove_migration_ptes(src, dst, 0);
	folio_unlock(dst);
	/* The mappings hold @dst now; drop the allocation's reference. */
	folio_put(dst);
	if (st->anon_vma)
		put_anon_vma(st->anon_vma);
	folio_unlock(src);
	migrate_account_success(folio_nr_pages(dst));
	migrate_folio_done(src);
	return 0;
}

/*
 * Batches (kernel: migrate_pages_batch, 7e12beb8ca2a "migrate_pages: batch
 * flushing TLB"): unmap every folio of the batch, flush the TLBs once
 * (try_to_unmap_flush), then move each. SIM: a batch is at most
 * NR_MAX_BATCHED_MIGRATION folios (kernel: NR_MAX_BATCHED_MIGRATION
 * pages); a folio whose move fails with -EAGAIN is mapped back and goes
 * round again from the unmap (the kernel retries the move alone).
 */
#define NR_MAX_BATCHED_MIGRATION	16
/* SIM: the async passes of a sync migration; the kernel's
 * NR_MAX_MIGRATE_ASYNC_RETRY (its value not verified) */
#define NR_MAX_MIGRATE_ASYNC_RETRY	3

struct migrate_unmapped {
	struct folio *src;
	struct migrate_state st;
};

/*
 * migrate_pages_batch - up to @nr_pass passes over @from in @mode. Each
 * pass: (1) migrate_folio_unmap() every folio (migration entries; with
 * MIGRATE_ASYNC their flushes deferred: TTU_BATCH_FLUSH), (2) one
 * try_to_unmap_flush() - from here no CPU stores to an unmapped folio -
 * (3) migrate_folio_move() each: copy, commit, map the new folio. Folios
 * that failed for good go to @ret_folios; the ones still to retry stay on
 * @from. Returns the number of folios that failed (retries included).
 */
static int migrate_pages_batch(struct list_head *from, int node,
			       enum migrate_mode mode,
			       struct list_head *ret_folios,
			       unsigned int *succeeded, int nr_pass)
{
	struct migrate_unmapped batch[NR_MAX_BATCHED_MIGRATION];
	struct folio *folio, *next;
	int nr_failed = 0, retry = 1;

	for (int pass = 0; pass < nr_pass && retry; pass++) {
		int n = 0;

		retry = 0;
		list_for_each_entry_safe(folio, next, from, lru) {
			struct migrate_state st = { 0 };
			int rc;

			if (n == NR_MAX_BATCHED_MIGRATION) {
				retry++;	/* the next pass takes it */
				continue;
			}
			rc = migrate_folio_unmap(folio, node, mode, &st);
			if (rc == 1)
				continue;	/* freed under us: done */
			if (rc == 0) {
				batch[n].src = folio;
				batch[n++].st = st;
			} else if (rc == -EAGAIN) {
				retry++;
			} else {
				nr_failed++;
				list_move_tail(&folio->lru, ret_folios);
			}
		}
		/* Flush TLBs for all unmapped folios */
		try_to_unmap_flush();
		for (int i = 0; i < n; i++) {
			long nr = folio_nr_pages(batch[i].src);
			int rc = migrate_folio_move(batch[i].src,
						    &batch[i].st);

			if (rc == 0)
				*succeeded += nr;
			else
				retry++;	/* mapped back: again */
		}
	}
	return nr_failed + retry;
}

/*
 * migrate_pages - see migrate.h. MIGRATE_ASYNC: batches. MIGRATE_SYNC
 * (kernel: migrate_pages_sync): first the whole list as an async batch
 * (trylock, deferred flushes), then every folio left one by one in sync
 * mode (folio_lock, flush at once).
 */
int migrate_pages(struct list_head *from, int node, enum migrate_mode mode,
		  enum migrate_reason reason, unsigned int *nr_succeeded)
{
	struct folio *folio;
	unsigned int succeeded = 0;
	int nr_failed = 0;
	LIST_HEAD(ret_folios);

	sim_on_reset(migrate_exec_reset);
	if (mode == MIGRATE_ASYNC) {
		migrate_pages_batch(from, node, MIGRATE_ASYNC, &ret_folios,
				    &succeeded, NR_MAX_MIGRATE_PAGES_RETRY);
	} else {
		LIST_HEAD(folios);

		migrate_pages_batch(from, node, MIGRATE_ASYNC, &ret_folios,
				    &succeeded, NR_MAX_MIGRATE_ASYNC_RETRY);
		while (!list_empty(from)) {
			list_move_tail(from->next, &folios);
			migrate_pages_batch(&folios, node, mode, &ret_folios,
					    &succeeded,
					    NR_MAX_MIGRATE_PAGES_RETRY -
						    NR_MAX_MIGRATE_ASYNC_RETRY);
			/* not migrated in its passes: it failed */
			while (!list_empty(&folios))
				list_move_tail(folios.next, &ret_folios);
		}
	}
	/* Whatever is still on @from failed too. */
	list_for_each_entry(folio, from, lru)
		nr_failed++;
	list_for_each_entry(folio, &ret_folios, lru)
		nr_failed++;
	while (!list_empty(&ret_folios))
		list_move_tail(ret_folios.next, from);
	if (nr_succeeded)
		*nr_succeeded = succeeded;
	return nr_failed;
}

/* ---- move_pages(2) ---- */

/*
 * follow_and_isolate - the folio mapped at @addr of @vma, isolated onto
 * @list, unless it is already on @node (returns 1), absent (-ENOENT),
 * mapped by more than one process (-EACCES: move_pages without
 * MPOL_MF_MOVE_ALL) or busy (-EBUSY). Under the PTL (PMD lock), as the
 * kernel's folio_walk. mmap_lock held for read.
 */
static int follow_and_isolate(struct vm_area_struct *vma, unsigned long addr,
			      int node, struct list_head *list)
{
	struct mm_struct *mm = vma->vm_mm;
	struct folio *folio = NULL;
	struct page *page = NULL;
	spinlock_t *ptl;
	pmd_t *pmdp = mm_find_pmd(mm, addr), pmd;
	pte_t *ptep, pte;
	int ret = -ENOENT;

	if (!pmdp)
		return -ENOENT;
	pmd = pmdp_get_l(pmdp, "move_pages:pmd");
	if (pmd_trans_huge(pmd)) {
		ptl = pmd_lock(mm, pmdp);
		pmd = pmdp_get_l(pmdp, "move_pages:pmd_recheck");
		if (pmd_trans_huge(pmd) && pmd_present(pmd))
			page = vm_normal_page_pmd(vma, addr, pmd);
		if (pmd_trans_huge(pmd) || !pmd_present(pmd))
			goto isolate;
		spin_unlock(ptl);
	}
	ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
	if (!ptep)
		return -ENOENT;
	pte = ptep_get_l(ptep, "move_pages:pte");
	if (pte_present(pte))
		page = vm_normal_page(vma, addr, pte);
isolate:
	if (page) {
		folio = page_folio(page);
		if (page_to_nid(page) == node)
			ret = 1;
		else if (folio_mapcount(folio) > folio_nr_pages(folio))
			ret = -EACCES;
		else if (!folio_isolate_lru(folio))
			ret = -EBUSY;
		else {
			list_add_tail(&folio->lru, list);
			ret = 0;
		}
	}
	spin_unlock(ptl);
	return ret;
}

/* do_move_pages - see migrate.h (kernel: do_pages_move, one node). */
long do_move_pages(struct mm_struct *mm, unsigned long start,
		   unsigned long nr_pages, int node)
{
	unsigned int moved = 0;
	LIST_HEAD(pagelist);

	if (node < 0 || node >= nr_online_nodes())
		return -EINVAL;
	mmap_read_lock(mm);
	for (unsigned long i = 0; i < nr_pages; i++) {
		unsigned long addr = start + i * PAGE_SIZE;
		struct vm_area_struct *vma = vma_lookup(mm, addr);

		if (vma)
			follow_and_isolate(vma, addr, node, &pagelist);
	}
	mmap_read_unlock(mm);
	/* The migration itself runs without mmap_lock. */
	if (!list_empty(&pagelist)) {
		migrate_pages(&pagelist, node, MIGRATE_SYNC, MR_SYSCALL,
			      &moved);
		putback_movable_pages(&pagelist);
	}
	return moved;
}

/*
 * migrate_copy_and_map - move_to_new_folio()'s copy and commit, in the
 * order of the kernel's __migrate_folio: (1) a folio with references
 * beyond the expected ones is not copied ("Check whether src does not
 * have extra refs before we do more work": -EAGAIN); (2) the data;
 * (3) the commit, which freezes the count at the expected value. (1) is
 * what keeps a pinned tmpfs page (try_to_migrate has no pin test for a
 * file folio) from being copied while a device may still write it, then
 * committed once the pin is gone: the write lands in the old page and
 * is lost (fuzz runner, racy seed 170910, under memory=tso;
 * scenarios/migrate-vs-pinned-shmem-dma.mms). The model had (2) and (3)
 * only, and raised that lost store where the kernel refuses the copy.
 */
int migrate_copy_and_map(struct folio *dst, struct folio *src)
{
	if (folio_ref_count(src) != folio_expected_refs(src))	/* (1) */
		return -EAGAIN;
	folio_copy(dst, src);					/* (2) */
	return folio_migrate_mapping(dst, src, 0);		/* (3) */
}

/*
 * try_to_map_unused_to_zeropage - remove_migration_pte() after a split
 * (RMP_USE_SHARED_ZEROPAGE): the migration entry @old_pte at @ptep (PTL
 * held) for @page, a new order-0 folio that holds only zeros, becomes a
 * mapping of the shared zero page instead (special, vm_page_prot, its
 * soft-dirty and uffd-wp kept), and the page is not mapped again: the
 * split's put at its end frees it (Yu Zhao's "mm: remap unused subpages
 * to shared zeropage when splitting isolated thp", 2024, which release
 * not verified; 2025 fixes compare with pages_identical() instead of
 * memchr_inv() and keep the two bits, in 6.18: not verified). Refused for an mlocked page or a VM_LOCKED VMA. The data cannot
 * change under the compare: the page is locked, mapped nowhere (its
 * entries are migration entries, the TLBs flushed when they were made)
 * and the split's freeze ruled out pins; the compare is a read of it
 * all the same, a scheduling point, so that a store the model lets in
 * by a catalogued bug (a stale TLB entry, a pin) is ordered against it.
 */
static bool try_to_map_unused_to_zeropage(struct vm_area_struct *vma,
					  unsigned long addr, pte_t *ptep,
					  pte_t old_pte, struct page *page)
{
	struct folio *folio = page_folio(page);
	pte_t newpte;

	if (folio_test_large(folio))
		return false;
	VM_BUG_ON_PAGE(!folio_test_anon(folio), page);
	VM_BUG_ON_PAGE(!folio_test_locked(folio), page);
	VM_BUG_ON_PAGE(pte_present(old_pte), page);
	if (folio_test_mlocked(folio) || (vma->vm_flags & VM_LOCKED))
		return false;
	sim_yield(SIM_EV_READ, sim_data_obj(page),
		  "try_to_map_unused_to_zeropage:pages_identical");
	if (!physmem_frame_is_zero(page_to_pfn(page)))
		return false;
	newpte = pte_mkspecial(pfn_pte(page_to_pfn(ZERO_PAGE(addr)),
				       vma->vm_page_prot));
	if (pte_swp_soft_dirty(old_pte))
		newpte = pte_mksoft_dirty(newpte);
	if (pte_swp_uffd_wp(old_pte))
		newpte = pte_mkuffd_wp(newpte);
	set_pte_at_l(vma->vm_mm, addr, ptep, newpte,
		     "try_to_map_unused_to_zeropage:set");
	add_mm_counter(vma->vm_mm, mm_counter(folio), -1);
	return true;
}
