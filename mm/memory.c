// SPDX-License-Identifier: GPL-2.0
/*
 * mm/memory.c - page tables, anonymous faults, COW, fork's copy of the
 * page tables and zapping (kernel: mm/memory.c).
 *
 * Page tables: upper levels are allocated under mm->page_table_lock, PTE
 * tables under the PMD lock; a table is freed only by free_pgd_range()
 * with mmap_lock held for write, after a TLB flush (mm/mmu_gather.c). So
 * with mmap_lock held for read, a PMD that points to a PTE table keeps
 * pointing to it; a PMD that is none may be filled (table or THP) by a
 * concurrent fault, a huge PMD may be split or zapped concurrently.
 *
 * Faults run with mmap_lock held for read; each decision taken on a value
 * read without the PTL is re-checked under it (pte_same / pmd_same), and
 * a fault that finds things changed returns 0: the access is retried.
 */
#include "huge_mm.h"
#include "pagemap.h"
#include "sim/regress.h"
#include "migrate.h"
#include "rmap.h"
#include "memremap.h"
#include "swap.h"
#include "tlb.h"

/* ---- page-table allocation and locks ---- */

struct page *pte_alloc_one(struct mm_struct *mm)
{
	struct page *table = pagetable_alloc_level(PT_PTE);

	if (table)
		table->pt_mm = mm;
	return table;
}

void pte_free(struct mm_struct *mm, struct page *table)
{
	pagetable_free(table);
}

/*
 * pmd_alloc_one_page - a table for @level (PT_PMD or PT_PUD). A PMD
 * table's ptl is the split PMD lock: its own lock class.
 */
struct page *pmd_alloc_one_page(struct mm_struct *mm, int level)
{
	struct page *table = pagetable_alloc_level(level);

	if (!table)
		return NULL;
	table->pt_mm = mm;
	if (level == PT_PMD)
		spin_lock_init_class(&table->ptl, "pmd_lock");
	return table;
}

spinlock_t *pmd_lockptr(struct mm_struct *mm, pmd_t *pmd)
{
	return &pt_page_of(pmd)->ptl;
}

/* pmd_lock - take the split PMD lock of the table holding @pmd. */
spinlock_t *pmd_lock(struct mm_struct *mm, pmd_t *pmd)
{
	spinlock_t *ptl = pmd_lockptr(mm, pmd);

	spin_lock(ptl);
	return ptl;
}

/* pte_lockptr - the PTL of the PTE table *@pmd points to (a plain read:
 * only valid where that PMD cannot change, e.g. mmap_lock held for
 * write or a PMD value already checked). */
spinlock_t *pte_lockptr(struct mm_struct *mm, pmd_t *pmd)
{
	pmd_t pmdval;

	/* A freed PMD table: reported (which ends a controlled execution);
	 * its own lock stands in, never a pointer made of poison. */
	if (unlikely(!__pt_live(pmd, SIM_SITE("pte_lockptr"))))
		return &pt_page_of(pmd)->ptl;
	pmdval = __pmd(__atomic_load_n(&pmd->pmd, SIM_MO));
	return &pmd_page(pmdval)->ptl;
}

/*
 * __pte_alloc - give *@pmd a PTE table. Returns 0 (also when a racing
 * fault installed a table or a THP first) or -ENOMEM. mmap_lock held.
 * (1) allocate outside the lock, (2) under the PMD lock install it only
 * if the PMD is still none; the loser frees its table.
 */
/*
 * pmd_install - point *@pmd at the new table *@pte unless someone filled
 * the PMD first (a table, or a huge PMD of a racing THP fault or
 * faultaround's do_set_pmd); on success *@pte becomes NULL, else the
 * caller still owns the table. mmap_lock held.
 */
void pmd_install(struct mm_struct *mm, pmd_t *pmd, pgtable_t *pte)
{
	spinlock_t *ptl = pmd_lock(mm, pmd);

	if (likely(pmd_none(pmdp_get_l(pmd, "pmd_install:recheck")))) {
		mm_inc_nr_ptes(mm);
		/*
		 * smp_wmb(): the zeroed table (and its ptl) is visible
		 * before the PMD points to it; lockless walkers (GUP-fast,
		 * the hardware) follow the pointer. SIM: tables are zeroed
		 * with plain stores, visible at once, so this orders nothing
		 * the model can reorder yet.
		 */
		smp_wmb();
		pmd_populate(mm, pmd, *pte);
		*pte = NULL;
	}
	spin_unlock(ptl);
}

int __pte_alloc(struct mm_struct *mm, pmd_t *pmd)
{
	pgtable_t new = pte_alloc_one(mm);

	if (!new)
		return -ENOMEM;
	pmd_install(mm, pmd, &new);
	if (new)
		pte_free(mm, new);
	return 0;
}

bool pte_alloc(struct mm_struct *mm, pmd_t *pmd)
{
	return pmd_none(pmdp_get_l(pmd, "pte_alloc")) && __pte_alloc(mm, pmd);
}

/* __pmd_alloc - give *@pud a PMD table; page_table_lock decides races. */
int __pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long address)
{
	struct page *new = pmd_alloc_one_page(mm, PT_PMD);

	if (!new)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (pud_none(pudp_get(pud))) {
		pud_populate(mm, pud, new);
		new = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	if (new)
		pagetable_free(new);
	return 0;
}

int __pud_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long address)
{
	struct page *new = pmd_alloc_one_page(mm, PT_PUD);

	if (!new)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (pgd_none(pgdp_get(pgd))) {
		pgd_populate(mm, pgd, new);
		new = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	if (new)
		pagetable_free(new);
	return 0;
}

/* pud_alloc - the PUD entry of @address, allocating its table. NULL: OOM. */
pud_t *pud_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long address)
{
	pgd_t v = pgdp_get(pgd);

	if (unlikely(pgd_none(v))) {
		if (__pud_alloc(mm, pgd, address))
			return NULL;
		v = pgdp_get(pgd);
	}
	return pud_offset_pfn(pgd_pfn(v), address);
}

pmd_t *pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long address)
{
	pud_t v = pudp_get(pud);

	if (unlikely(pud_none(v))) {
		if (__pmd_alloc(mm, pud, address))
			return NULL;
		v = pudp_get(pud);
	}
	return pmd_offset_pfn(pud_pfn(v), address);
}

/* mm_find_pmd - see mm.h. mmap_lock held (upper tables are stable). */
pmd_t *mm_find_pmd(struct mm_struct *mm, unsigned long address)
{
	pgd_t pgd = pgdp_get(pgd_offset(mm, address));
	pud_t pud;

	if (!pgd_present(pgd))
		return NULL;
	pud = pudp_get(pud_offset_pfn(pgd_pfn(pgd), address));
	if (!pud_present(pud))
		return NULL;
	return pmd_offset_pfn(pud_pfn(pud), address);
}

/*
 * pte_offset_map - the PTE of @addr under *@pmd if *@pmd points to a PTE
 * table, else NULL. *@pmdvalp gets the PMD value used.
 */
pte_t *pte_offset_map(pmd_t *pmd, unsigned long addr, pmd_t *pmdvalp)
{
	pmd_t pmdval = pmdp_get_l(pmd, "pte_offset_map:pmd");

	if (pmdvalp)
		*pmdvalp = pmdval;
	if (pmd_none(pmdval) || pmd_trans_huge(pmdval) || !pmd_present(pmdval))
		return NULL;
	return pte_offset_pfn(pmd_pfn(pmdval), addr);
}

/*
 * pte_offset_map_lock - see mm.h. (1) read the PMD, (2) lock the table it
 * points to, (3) re-check the PMD: had it changed between (1) and (2) we
 * would hold the lock of a table that no longer maps @addr.
 */
pte_t *pte_offset_map_lock(struct mm_struct *mm, pmd_t *pmd,
			   unsigned long addr, spinlock_t **ptlp)
{
	pmd_t pmdval;
	spinlock_t *ptl;
	pte_t *pte;

	/*
	 * __pte_offset_map_lock: from the PMD read to the lock and its
	 * re-check inside an RCU section - a table khugepaged retracts is
	 * freed after a grace period (pte_free_defer), so the lock taken
	 * through a stale PMD is still a table's. SIM: the section (a quiet
	 * one, sim/sync.h) ends once the re-check passed, not at pte_unmap:
	 * the PTL held then keeps the table (a retract takes it).
	 */
	sim_rcu_read_lock_quiet(SIM_SITE("pte_offset_map_lock:rcu"));
	for (;;) {
		pte = pte_offset_map(pmd, addr, &pmdval);
		if (!pte)
			break;
		ptl = &pmd_page(pmdval)->ptl;
		spin_lock(ptl);
		if (likely(pmd_same(pmdval, pmdp_get_l(pmd,
					"pte_offset_map_lock:recheck")))) {
			*ptlp = ptl;
			break;
		}
		spin_unlock(ptl);
	}
	sim_rcu_read_unlock_quiet(SIM_SITE("pte_offset_map_lock:rcu"));
	return pte;
}

/*
 * pte_offset_map_lock_norecheck - REGRESSION faultaround-pmd-no-recheck:
 * the PTE walk of a PMD read once and trusted, as before the re-check
 * that 7267ec008b5c ("mm: postpone page table allocation until we have
 * page to map") put in front of it (pmd_trans_unstable: "If a huge pmd
 * materialized under us just retry later"), which 6.5's failing
 * pte_offset_map_lock replaced. The race, seed 003's worry:
 *	(1) faultaround reads the PMD after installing its table, or
 *	    finding one, and takes its lock through the value read;
 *	(2) meanwhile another thread's do_set_pmd (or the PMD it read was
 *	    already huge) maps the huge tmpfs folio by that PMD;
 *	(3) the "table" walked and the "PTL" taken are a page of the huge
 *	    folio and its struct page: someone else's memory.
 * The model reports the first access to a frame that is not a page
 * table as use-after-free (the poisoned-frame check).
 */
pte_t *pte_offset_map_lock_norecheck(struct mm_struct *mm, pmd_t *pmd,
				     unsigned long addr, spinlock_t **ptlp)
{
	pmd_t pmdval = pmdp_get_l(pmd, "pte_offset_map_lock:pmd");
	pte_t *pte;

	if (pmd_none(pmdval))
		return NULL;	/* the old code BUGed in pmd_bad(); same */
	pte = pte_offset_pfn(pmd_pfn(pmdval), addr);
	/* spin_lock() of a struct page that is not a table: caught here,
	 * before the model would scribble on a data page's lock word */
	if (unlikely(!__pt_live(pte, SIM_SITE("pte_lockptr:stale-pmd"))))
		return NULL;
	*ptlp = &pmd_page(pmdval)->ptl;
	spin_lock(*ptlp);
	return pte;
}

void pte_unmap_unlock(pte_t *pte, spinlock_t *ptl)
{
	spin_unlock(ptl);
}

/* vm_normal_page - see mm.h: NULL for the zero page and special PTEs. */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr,
			    pte_t pte)
{
	if (pte_special(pte) || is_zero_pfn(pte_pfn(pte)))
		return NULL;
	return pte_page(pte);
}

struct page *vm_normal_page_pmd(struct vm_area_struct *vma,
				unsigned long addr, pmd_t pmd)
{
	if (is_huge_zero_pmd(pmd))
		return NULL;
	return pmd_page(pmd);
}

static inline pte_t maybe_mkwrite(pte_t pte, struct vm_area_struct *vma)
{
	if (likely(vma->vm_flags & VM_WRITE))
		pte = pte_mkwrite(pte, vma);
	return pte;
}

static inline pte_t mk_pte(struct page *page, pgprot_t prot)
{
	return pfn_pte(page_to_pfn(page), prot);
}

/*
 * copy_user_highpage - copy a page's contents for COW. One yield point:
 * the copy is a single step against other CPUs' stores.
 * SIM: real CPUs copy word by word, so a racing store may be half seen.
 */
static void copy_user_highpage(struct page *to, struct page *from)
{
	sim_yield(SIM_EV_READ, sim_data_obj(from), "copy_user_highpage");
	physmem_copy_frames(to, from, 1);
}

/* ---- anonymous faults ---- */

/*
 * do_anonymous_page - first touch of @vmf->address, whose PTE is none (or
 * whose PTE table does not exist). A read maps the shared zero page
 * read-only; a write maps a new zeroed exclusive folio. Returns 0 (also
 * when someone else filled the PTE first: the access is retried).
 */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct folio *folio = NULL;
	pte_t entry;

	if (pte_alloc(mm, vmf->pmd))
		return VM_FAULT_OOM;
	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		entry = pte_mkspecial(pfn_pte(page_to_pfn(ZERO_PAGE(0)),
					      vma->vm_page_prot));
	} else {
		if (anon_vma_prepare(vma))
			return VM_FAULT_OOM;
		folio = vma_alloc_folio(__GFP_ZERO, 0, vma, vmf->address,
					false);
		if (!folio)
			return VM_FAULT_OOM;
		__folio_set_uptodate(folio);
		entry = mk_pte(&folio->page, vma->vm_page_prot);
		entry = pte_mkyoung(entry);
		if (vma->vm_flags & VM_WRITE)
			entry = pte_mkwrite(pte_mkdirty(entry), vma);
	}
	vmf->pte = pte_offset_map_lock(mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (!vmf->pte)
		goto release;
	/* Another fault may have filled it since handle_pte_fault looked. */
	if (!pte_none(ptep_get_l(vmf->pte, "do_anonymous_page:recheck")))
		goto unlock;
	if (folio) {
		add_mm_counter(mm, MM_ANONPAGES, 1);
		/* The allocation's reference becomes the mapping's. */
		folio_add_new_anon_rmap(folio, vma, vmf->address,
					RMAP_EXCLUSIVE);
		folio = NULL;
	}
	set_pte_at(mm, vmf->address, vmf->pte, entry);
unlock:
	pte_unmap_unlock(vmf->pte, vmf->ptl);
release:
	if (folio)
		folio_put(folio);
	return 0;
}

/*
 * wp_can_reuse_by_mapcount - REGRESSION cow-reuse-mapcount: the reuse rule
 * before 09854ba94c6a ("mm: do_wp_page() simplification", 2020-08-21).
 * reuse_swap_page() reused an anon page whenever it was mapped once, and
 * did not look at other references. The race (CVE-2020-29374):
 *	(1) parent forks; the page is shared, mapped twice, R/O in both;
 *	(2) the child takes a R/O FOLL_GET reference (vmsplice) and unmaps:
 *	    the page is now mapped once, referenced twice;
 *	(3) the parent writes: mapcount == 1, so the page is reused in place
 *	    and the write lands in the page the child still reads through
 *	    its reference: a leak from parent into child.
 * The fix reuses only when the refcount proves exclusivity.
 */
static bool wp_can_reuse_by_mapcount(struct folio *folio,
				     struct vm_area_struct *vma)
{
	if (folio_test_large(folio) || folio_mapcount(folio) != 1)
		return false;
	if (!folio_trylock(folio))
		return false;
	folio_move_anon_rmap(folio, vma);
	folio_unlock(folio);
	return true;
}

/*
 * mapped_in_pte_table - how many PTEs of the page table @vmf->pte is in
 * map a page of @folio. PTL held: no PTE of this table changes its frame
 * under us (the MMU only sets A/D bits). Plain loads, no yield point.
 */
static long mapped_in_pte_table(struct vm_fault *vmf, struct folio *folio)
{
	pte_t *table = vmf->pte - pte_index(vmf->address);
	unsigned long first = page_to_pfn(&folio->page);
	unsigned long last = first + folio_nr_pages(folio);
	long n = 0;

	for (int i = 0; i < PTRS_PER_PTE; i++) {
		pte_t pte = { __atomic_load_n(&table[i].pte,
					      __ATOMIC_RELAXED) };

		if (pte_present(pte) && pte_pfn(pte) >= first &&
		    pte_pfn(pte) < last)
			n++;
	}
	return n;
}

/*
 * __wp_can_reuse_large_anon_folio - may a write fault reuse a page of the
 * PTE-mapped large anon @folio? Mainline since "mm: COW reuse support for
 * PTE-mapped THP with CONFIG_MM_ID" (David Hildenbrand, patch v1 10/17 of
 * 2024-08-29, read in the linux-fsdevel archive; the merged form in 6.18
 * is not verified - the index's mm/memory.c is a 2.6-era copy): yes if
 * every reference to the folio is a mapping (refcount == mapcount) and
 * every mapping is in this mm; a folio mapped once is not reused (it is
 * given back sooner by copying its last page). A swap-cache folio is
 * first dropped from the swap cache where possible.
 * SIM: the kernel knows the mms mapping a large folio (folio->_mm_id);
 * the model counts the PTEs of this page table that map it: all mappings
 * must be there (a mapping in another table of this mm reads as shared,
 * which only makes the model copy where the kernel might reuse). PTL
 * held; the kernel's folio_lock_large_mapcount_data() is the PTL here:
 * fork (copy_pte_range) takes it before adding a mapping.
 */
static bool __wp_can_reuse_large_anon_folio(struct vm_fault *vmf,
					    struct folio *folio)
{
	long mapcount = folio_mapcount(folio);

	if (mapcount <= 1 ||
	    __atomic_load_n(&folio->_entire_mapcount.counter,
			    __ATOMIC_RELAXED) >= 0)
		return false;
	if (mapped_in_pte_table(vmf, folio) != mapcount)
		return false;
	if (unlikely(folio_test_swapcache(folio))) {
		if (!folio_trylock(folio))
			return false;
		folio_free_swap(folio);
		folio_unlock(folio);
	}
	return folio_ref_count(folio) == mapcount;
}

/*
 * wp_can_reuse_anon_folio - may a write fault reuse @folio, which is not
 * known to be exclusive? Only if our mapping holds its only reference:
 * then nobody else maps or pins it. A swap-cache folio whose slot no swap
 * PTE refers to is first dropped from the cache (folio_free_swap), whose
 * reference would else force a copy. PTL held.
 * A large folio: __wp_can_reuse_large_anon_folio (6.18); before it,
 * large folios were always copied here. No catalogued race depends on
 * the old rule (mmsim bugs: 18 of 18 with the new one), so it has no
 * regression switch.
 */
static bool wp_can_reuse_anon_folio(struct vm_fault *vmf, struct folio *folio,
				    struct vm_area_struct *vma)
{
	if (sim_regress_on(SIM_REGRESS_COW_REUSE_MAPCOUNT))
		return wp_can_reuse_by_mapcount(folio, vma);
	if (folio_test_large(folio))
		return __wp_can_reuse_large_anon_folio(vmf, folio);
	/* the swap cache's reference may be dropped below */
	if (folio_test_ksm(folio) ||
	    folio_ref_count(folio) > 1 + folio_test_swapcache(folio))
		return false;
	if (!folio_trylock(folio))
		return false;
	/* no swap PTE refers to the slot any more: drop the cache copy */
	if (folio_test_swapcache(folio))
		folio_free_swap(folio);
	/* Re-check under the folio lock: the unlocked test was a hint. */
	if (folio_ref_count(folio) != 1) {
		folio_unlock(folio);
		return false;
	}
	folio_move_anon_rmap(folio, vma);
	folio_unlock(folio);
	return true;
}

/* wp_page_reuse - make the PTE writable in place. PTL held; drops it. */
static void wp_page_reuse(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t entry;

	entry = pte_mkyoung(vmf->orig_pte);
	entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	/* More permissive: no flush; a stale R/O TLB entry faults again. */
	ptep_set_access_flags(vma, vmf->address, vmf->pte, entry, 1);
	pte_unmap_unlock(vmf->pte, vmf->ptl);
}

/*
 * wp_page_copy - break COW: copy the page (or zero-fill, for the zero
 * page) into a new exclusive folio and map it in place of the old one.
 * Entered without the PTL, holding a reference on the old folio (if any),
 * which it drops. Unshare faults map the copy read-only.
 */
static vm_fault_t wp_page_copy(struct vm_fault *vmf)
{
	const bool unshare = vmf->flags & FAULT_FLAG_UNSHARE;
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct folio *old_folio = vmf->page ? page_folio(vmf->page) : NULL;
	struct folio *new_folio;
	pte_t entry;

	if (anon_vma_prepare(vma))
		goto oom;
	new_folio = vma_alloc_folio(old_folio ? 0 : __GFP_ZERO, 0, vma,
				    vmf->address, false);
	if (!new_folio)
		goto oom;
	if (old_folio)
		copy_user_highpage(&new_folio->page, vmf->page);
	__folio_set_uptodate(new_folio);

	vmf->pte = pte_offset_map_lock(mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (likely(vmf->pte &&
		   pte_same(ptep_get_l(vmf->pte, "wp_page_copy:recheck"),
			    vmf->orig_pte))) {
		if (!old_folio) {
			add_mm_counter(mm, MM_ANONPAGES, 1);
		} else if (!folio_test_anon(old_folio)) {
			add_mm_counter(mm, mm_counter_file(old_folio), -1);
			add_mm_counter(mm, MM_ANONPAGES, 1);
		}
		entry = pte_mkyoung(mk_pte(&new_folio->page,
					   vma->vm_page_prot));
		if (!unshare)
			entry = maybe_mkwrite(pte_mkdirty(entry), vma);
		/*
		 * (1) clear the old PTE and flush every TLB, then (2) map
		 * the copy: no CPU may keep storing to the old page through
		 * a stale entry once the copy is visible.
		 */
		ptep_clear_flush(vma, vmf->address, vmf->pte);
		folio_add_new_anon_rmap(new_folio, vma, vmf->address,
					RMAP_EXCLUSIVE);
		set_pte_at(mm, vmf->address, vmf->pte, entry);
		if (old_folio)
			folio_remove_rmap_pte(old_folio, vmf->page, vma);
		/* Below: drop the old mapping's reference instead. */
		new_folio = old_folio;
	}
	if (new_folio)
		folio_put(new_folio);
	if (vmf->pte)
		pte_unmap_unlock(vmf->pte, vmf->ptl);
	if (old_folio)
		folio_put(old_folio);
	return 0;
oom:
	if (old_folio)
		folio_put(old_folio);
	return VM_FAULT_OOM;
}

/*
 * do_wp_page - a write (or unshare) fault on a present read-only PTE.
 * Entered with the PTL held (released on return). The modern rule:
 *  - PageAnonExclusive(page): reuse without further checks;
 *  - else wp_can_reuse_anon_folio() proves exclusivity by the refcount
 *    under the folio lock, and marks the page exclusive;
 *  - else copy (wp_page_copy).
 * An unshare fault on an exclusive page has nothing to do.
 */
static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	const bool unshare = vmf->flags & FAULT_FLAG_UNSHARE;
	struct vm_area_struct *vma = vmf->vma;
	struct folio *folio = NULL;

	vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
	if (vmf->page)
		folio = page_folio(vmf->page);
	if (vma->vm_flags & VM_SHARED) {
		/* wp_page_shared: tmpfs has no page_mkwrite; dirty it */
		if (unlikely(unshare)) {
			pte_unmap_unlock(vmf->pte, vmf->ptl);
			return 0;
		}
		if (folio)
			folio_set_dirty(folio);
		wp_page_reuse(vmf);
		return 0;
	}
	if (folio && folio_test_anon(folio) &&
	    (PageAnonExclusive(vmf->page) ||
	     wp_can_reuse_anon_folio(vmf, folio, vma))) {
		if (!PageAnonExclusive(vmf->page))
			SetPageAnonExclusive(vmf->page);
		if (unlikely(unshare)) {
			pte_unmap_unlock(vmf->pte, vmf->ptl);
			return 0;
		}
		wp_page_reuse(vmf);
		return 0;
	}
	if (folio)
		folio_get(folio);
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	return wp_page_copy(vmf);
}

/* migration_entry_wait, pmd_migration_entry_wait: mm/migrate.c. */

/*
 * should_try_to_free_swap - after a swap-in, drop the folio from the swap
 * cache if swap is more than half full, or if a write fault would else
 * find the cache's reference and copy: then we are likely its only user.
 */
static bool should_try_to_free_swap(struct folio *folio,
				    struct vm_area_struct *vma,
				    unsigned int fault_flags)
{
	if (!folio_test_swapcache(folio))
		return false;
	if (vm_swap_full())
		return true;
	return (fault_flags & FAULT_FLAG_WRITE) && !folio_test_ksm(folio) &&
	       folio_ref_count(folio) == 1 + folio_nr_pages(folio);
}

/*
 * do_swap_page_swap - a fault on a swap entry (see swap.h). The folio
 * comes from the swap cache, or is read into it (read_swap_cache_async),
 * or - on a SWP_SYNCHRONOUS_IO device, for an entry only this PTE refers
 * to - is read into a private folio that skips the cache. The skip path
 * races another swap-in of the same entry:
 *	(1) both read the PTE, count 1; (2) A reads, maps, frees the slot;
 *	(3) the slot is reused by a new swap-out of the same page, and the
 *	PTE holds the same entry value again; (4) B's pte_same() passes and
 *	it maps its stale copy. swapcache_prepare() makes the skip path own
 *	SWAP_HAS_CACHE until it is done: B backs off and waits. (13ddaf26be32
 * "mm/swap: fix race when skipping swapcache", 2024; CVE-2024-26759 per
 * issue 11, not verified.)
 * Entered without the PTL; returns 0 (retry or done) or VM_FAULT_*.
 */
vm_fault_t do_swap_page_swap(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);
	struct folio *folio, *swapcache;
	bool need_clear_cache = false, exclusive, oom = true;
	struct swap_info_struct *si;
	rmap_t rmap_flags = RMAP_NONE;
	vm_fault_t ret = 0;
	struct page *page;
	pte_t pte;

	/*
	 * Hold swapoff off: the PTE was read without the PTL, and swapoff
	 * may have unused it and be freeing the maps. No reference: the
	 * PTE is gone already (or going); retry the fault. ("swap: fix
	 * do_swap_page() race with swapoff", 2799e77529c2, hash and title
	 * read in a mainline commit list and a later patch; eb085574a752
	 * had put it in the helpers.)
	 */
	si = get_swap_device(entry);
	if (unlikely(!si))
		return 0;
	folio = swap_cache_get_folio(entry);
	swapcache = folio;
	if (!folio) {
		if (swap_entry_synchronous(entry) && __swap_count(entry) == 1) {
			/* skip the swap cache */
			folio = folio_alloc(0, 0);
			if (folio &&
			    sim_regress_on(SIM_REGRESS_SWAPIN_SKIP_SWAPCACHE_ABA)) {
				/*
				 * Before 13ddaf26be32 (2024): nothing claimed
				 * the entry. (1) A and B read the PTE, count 1;
				 * (2) B reads the slot; (3) A maps its copy,
				 * frees the slot, writes; (4) reclaim swaps the
				 * page out to the same slot: the PTE holds the
				 * same entry again; (5) B's pte_same() passes
				 * and it maps its stale copy: A's write is lost.
				 */
				__folio_set_locked(folio);
				__folio_set_swapbacked(folio);
				swap_read_folio(folio, entry);
				__folio_set_uptodate(folio);
			} else if (folio) {
				if (swapcache_prepare(entry)) {
					/* a parallel swap-in owns it: wait,
					 * then retry the fault */
					folio_put(folio);
					swapcache_wait(entry);
					put_swap_device(si);
					return 0;
				}
				need_clear_cache = true;
				__folio_set_locked(folio);
				__folio_set_swapbacked(folio);
				swap_read_folio(folio, entry);
				__folio_set_uptodate(folio);
			}
		} else {
			folio = __read_swap_cache_async(entry, &oom);
			swapcache = folio;
		}
		if (!folio) {
			/* somebody else may have faulted it in meanwhile */
			vmf->pte = pte_offset_map_lock(mm, vmf->pmd,
						       vmf->address,
						       &vmf->ptl);
			/*
			 * SIM: only a failed allocation is VM_FAULT_OOM.
			 * The kernel returns it too when the slot was freed
			 * and the same entry is back in the PTE (reclaim gave
			 * the page the same slot again): its #PF handler's
			 * pagefault_out_of_memory() then retries the fault,
			 * which is what returning 0 does here.
			 */
			if (oom && vmf->pte &&
			    pte_same(ptep_get_l(vmf->pte, "do_swap_page:oom"),
				     vmf->orig_pte))
				ret = VM_FAULT_OOM;
			if (vmf->pte)
				pte_unmap_unlock(vmf->pte, vmf->ptl);
			goto out;
		}
	}
	if (swapcache) {
		folio_lock(folio);
		/* folio_free_swap() may have dropped it from under us */
		if (!folio_test_swapcache(folio) ||
		    folio->private != entry.val)
			goto out_page;
	}
	page = &folio->page;
	vmf->pte = pte_offset_map_lock(mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (unlikely(!vmf->pte ||
		     !pte_same(ptep_get_l(vmf->pte, "do_swap_page:recheck"),
			       vmf->orig_pte)))
		goto out_nomap;
	/*
	 * PG_anon_exclusive comes back from the entry: the page was
	 * exclusive when it was swapped out. A folio that skipped the cache
	 * was never visible to anyone else.
	 */
	exclusive = pte_swp_exclusive(vmf->orig_pte) || folio != swapcache;
	swap_free(entry);
	if (should_try_to_free_swap(folio, vma, vmf->flags))
		folio_free_swap(folio);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	add_mm_counter(mm, MM_SWAPENTS, -1);
	pte = mk_pte(page, vma->vm_page_prot);
	if (pte_swp_soft_dirty(vmf->orig_pte))
		pte = pte_mksoft_dirty(pte);
	if (pte_swp_uffd_wp(vmf->orig_pte))
		pte = pte_mkuffd_wp(pte);
	/* do_wp_page's reuse rule, for pages certainly not shared */
	if (!folio_test_ksm(folio) &&
	    (exclusive || folio_ref_count(folio) == 1)) {
		if (vma->vm_flags & VM_WRITE) {
			pte = pte_mkwrite(pte, vma);
			if (vmf->flags & FAULT_FLAG_WRITE) {
				pte = pte_mkdirty(pte);
				vmf->flags &= ~FAULT_FLAG_WRITE;
			}
		}
		rmap_flags |= RMAP_EXCLUSIVE;
	}
	pte = pte_mkyoung(pte);
	/* The lookup's (or the allocation's) reference becomes the map's. */
	if (!folio_test_anon(folio))
		folio_add_new_anon_rmap(folio, vma, vmf->address, rmap_flags);
	else
		folio_add_anon_rmap_pte(folio, page, vma, vmf->address,
					rmap_flags);
	set_pte_at_l(mm, vmf->address, vmf->pte, pte, "do_swap_page:set");
	folio_unlock(folio);
	if (vmf->flags & FAULT_FLAG_WRITE) {
		/* a shared page: break COW now (PTL held, dropped there) */
		vmf->orig_pte = pte;
		ret |= do_wp_page(vmf);
		goto out;
	}
	pte_unmap_unlock(vmf->pte, vmf->ptl);
out:
	/* the skip path's claim goes after the PTL (after the map) */
	if (need_clear_cache)
		swapcache_clear(entry);
	put_swap_device(si);
	return ret;
out_nomap:
	if (vmf->pte)
		pte_unmap_unlock(vmf->pte, vmf->ptl);
out_page:
	folio_unlock(folio);
	folio_put(folio);
	if (need_clear_cache)
		swapcache_clear(entry);
	put_swap_device(si);
	return 0;
}

/*
 * do_swap_page - a non-present, non-none PTE: a migration entry (wait), a
 * device-private entry (the driver migrates it back), or a swap entry.
 */
static vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);

	if (is_migration_entry(entry)) {
		migration_entry_wait(vmf->vma->vm_mm, vmf->pmd, vmf->address);
		return 0;
	}
	if (is_device_private_entry(entry))
		return do_device_private_fault(vmf);
	if (!non_swap_entry(entry))
		return do_swap_page_swap(vmf);
	sim_violation("do_swap_page: entry %#lx at %#lx is not modelled",
		      pte_val(vmf->orig_pte), vmf->address);
	return VM_FAULT_SIGBUS;
}

/* ---- faults on file (tmpfs) VMAs ---- */

/* Faultaround's window (kernel: fault_around_bytes 64K, debugfs). */
unsigned long fault_around_pages = 16;

/*
 * set_pte_range - see pagemap.h. A write maps the page dirty and
 * writable; a private write maps the new anon COW copy (do_cow_fault).
 */
void set_pte_range(struct vm_fault *vmf, struct folio *folio,
		   struct page *page, unsigned int nr, unsigned long addr)
{
	struct vm_area_struct *vma = vmf->vma;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	pte_t entry = pte_mkyoung(mk_pte(page, vma->vm_page_prot));

	VM_BUG_ON(nr != 1);	/* SIM: one page at a time */
	if (write)
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	if (write && !(vma->vm_flags & VM_SHARED)) {
		VM_BUG_ON_FOLIO(nr != 1, folio);
		folio_add_new_anon_rmap(folio, vma, addr, RMAP_EXCLUSIVE);
	} else {
		folio_add_file_rmap_ptes(folio, page, nr, vma);
	}
	set_pte_at(vma->vm_mm, addr, vmf->pte, entry);
}

/*
 * do_set_pmd - see pagemap.h. The folio is locked and referenced (the
 * reference becomes the PMD mapping's). (1) the VMA must cover the
 * aligned PMD at a matching offset, (2) under the PMD lock the PMD must
 * still be none, (3) map it. No table is deposited: only architectures
 * with arch_needs_pgtable_deposit() (powerpc) deposit one for file THPs,
 * and x86/arm64 do not; a split of this PMD just zaps it (the PTEs
 * refault from the page cache).
 */
vm_fault_t do_set_pmd(struct vm_fault *vmf, struct folio *folio,
		      struct page *page)
{
	struct vm_area_struct *vma = vmf->vma;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	unsigned long haddr = vmf->address & HPAGE_PMD_MASK;
	vm_fault_t ret = VM_FAULT_FALLBACK;
	pmd_t entry;

	if (haddr < vma->vm_start || haddr + HPAGE_PMD_SIZE > vma->vm_end ||
	    !IS_ALIGNED((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff,
			HPAGE_PMD_NR))
		return ret;
	if (folio_order(folio) != HPAGE_PMD_ORDER)
		return ret;
	/*
	 * SIM: the kernel splits a huge tmpfs folio that truncation leaves
	 * straddling EOF (truncate_inode_partial_folio); the model keeps it
	 * whole, so a PMD must not map its pages past EOF (as 6.18 refuses
	 * for other files: "do not populate page table entries beyond
	 * i_size", not verified).
	 */
	if (folio_next_index(folio) >
	    DIV_ROUND_UP(i_size_read(folio_mapping(folio)), PAGE_SIZE))
		return ret;
	page = &folio->page;
	vmf->ptl = pmd_lock(vma->vm_mm, vmf->pmd);
	if (unlikely(!pmd_none(pmdp_get_l(vmf->pmd, "do_set_pmd:recheck"))))
		goto out;
	entry = pmd_mkyoung(mk_huge_pmd(page, vma->vm_page_prot));
	if (write)
		entry = maybe_pmd_mkwrite(pmd_mkdirty(entry), vma);
	add_mm_counter(vma->vm_mm, mm_counter_file(folio), HPAGE_PMD_NR);
	folio_add_file_rmap_pmd(folio, page, vma);
	set_pmd_at(vma->vm_mm, haddr, vmf->pmd, entry);
	ret = 0;
out:
	spin_unlock(vmf->ptl);
	return ret;
}

/*
 * finish_fault - map vmf->page (do_read/do_shared: the cache page;
 * do_cow: vmf->cow_page) at vmf->address. Folio locked and referenced;
 * on success the reference is the mapping's. (1) a none PMD and a
 * PMD-mappable folio: do_set_pmd; (2) else install a table (the
 * faultaround's preallocated one, or a new one): a page table is exposed
 * only now that there is a page to map (seed 003); (3) map and lock the
 * PTE - which fails if the PMD became huge (or none) since we looked,
 * e.g. another thread's do_set_pmd: retry; (4) the PTE must still be
 * none. SIM: maps one page (the kernel maps a whole small-enough shmem
 * folio at once).
 */
static vm_fault_t finish_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	bool is_cow = (vmf->flags & FAULT_FLAG_WRITE) &&
		      !(vma->vm_flags & VM_SHARED);
	struct page *page = is_cow ? vmf->cow_page : vmf->page;
	struct folio *folio = page_folio(page);
	vm_fault_t ret;

	if (pmd_none(pmdp_get_l(vmf->pmd, "finish_fault:pmd"))) {
		if (folio_test_pmd_mappable(folio)) {
			ret = do_set_pmd(vmf, folio, page);
			if (ret != VM_FAULT_FALLBACK)
				return ret;
		}
		if (vmf->prealloc_pte)
			pmd_install(vma->vm_mm, vmf->pmd, &vmf->prealloc_pte);
		else if (unlikely(pte_alloc(vma->vm_mm, vmf->pmd)))
			return VM_FAULT_OOM;
	}
	if (sim_regress_on(SIM_REGRESS_FINISH_FAULT_PMD_NO_RECHECK))
		vmf->pte = pte_offset_map_lock_norecheck(vma->vm_mm, vmf->pmd,
							 vmf->address,
							 &vmf->ptl);
	else
		vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd,
					       vmf->address, &vmf->ptl);
	if (!vmf->pte)
		return VM_FAULT_NOPAGE;
	if (unlikely(!pte_none(ptep_get_l(vmf->pte, "finish_fault:recheck")))) {
		ret = VM_FAULT_NOPAGE;
		goto unlock;
	}
	set_pte_range(vmf, folio, page, 1, vmf->address);
	add_mm_counter(vma->vm_mm, is_cow ? MM_ANONPAGES :
			mm_counter_file(folio), 1);
	ret = 0;
unlock:
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	return ret;
}

/*
 * do_fault_around - map the cached pages around vmf->address that are
 * ready (filemap_map_pages), within the PTE table, the VMA and
 * fault_around_pages. A table is preallocated (not installed) if the PMD
 * is none: filemap_map_pmd installs it only if no huge PMD is chosen.
 * Returns VM_FAULT_NOPAGE if the faulting address got mapped.
 */
static vm_fault_t do_fault_around(struct vm_fault *vmf)
{
	unsigned long nr_pages = fault_around_pages;
	unsigned long pte_off = (vmf->address >> PAGE_SHIFT) &
				(PTRS_PER_PTE - 1);
	unsigned long vma_off = vmf->pgoff - vmf->vma->vm_pgoff;
	unsigned long from_pte, to_pte, lim;

	from_pte = ALIGN_DOWN(pte_off, nr_pages);
	if (from_pte < pte_off - (pte_off < vma_off ? pte_off : vma_off))
		from_pte = pte_off - (pte_off < vma_off ? pte_off : vma_off);
	to_pte = from_pte + nr_pages;
	if (to_pte > PTRS_PER_PTE)
		to_pte = PTRS_PER_PTE;
	lim = pte_off + vma_pages(vmf->vma) - vma_off;
	if (to_pte > lim)
		to_pte = lim;
	to_pte--;
	if (pmd_none(pmdp_get_l(vmf->pmd, "do_fault_around:pmd"))) {
		vmf->prealloc_pte = pte_alloc_one(vmf->vma->vm_mm);
		if (!vmf->prealloc_pte)
			return VM_FAULT_OOM;
	}
	return filemap_map_pages(vmf, vmf->pgoff + from_pte - pte_off,
				 vmf->pgoff + to_pte - pte_off);
}

/* __do_fault - vm_ops->fault (shmem_fault): vmf->page, locked. */
static vm_fault_t __do_fault(struct vm_fault *vmf)
{
	return shmem_fault(vmf);
}

/* do_read_fault - faultaround first, then the page itself. */
static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	struct folio *folio;
	vm_fault_t ret;

	if (fault_around_pages > 1) {
		ret = do_fault_around(vmf);
		if (ret)
			return ret;
	}
	ret = __do_fault(vmf);
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)))
		return ret;
	folio = page_folio(vmf->page);
	ret |= finish_fault(vmf);
	folio_unlock(folio);
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)))
		folio_put(folio);
	return ret;
}

/*
 * do_cow_fault - a write to a private file mapping's none PTE: copy the
 * cache page into a new anon folio and map the copy.
 */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct folio *folio;
	vm_fault_t ret;

	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	folio = vma_alloc_folio(0, 0, vma, vmf->address, false);
	if (!folio)
		return VM_FAULT_OOM;
	vmf->cow_page = &folio->page;
	ret = __do_fault(vmf);
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)))
		goto uncharge_out;
	copy_user_highpage(vmf->cow_page, vmf->page);
	__folio_set_uptodate(folio);
	ret |= finish_fault(vmf);
	folio_unlock(page_folio(vmf->page));
	folio_put(page_folio(vmf->page));
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)))
		goto uncharge_out;
	return ret;
uncharge_out:
	folio_put(folio);
	return ret;
}

/* do_shared_fault - a write to a shared mapping: map the cache page
 * writable and dirty it (tmpfs has no ->page_mkwrite). */
static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	struct folio *folio;
	vm_fault_t ret;

	ret = __do_fault(vmf);
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)))
		return ret;
	folio = page_folio(vmf->page);
	ret |= finish_fault(vmf);
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))) {
		folio_unlock(folio);
		folio_put(folio);
		return ret;
	}
	folio_set_dirty(folio);		/* fault_dirty_shared_page */
	folio_unlock(folio);
	return ret;
}

/*
 * do_fault - a none PTE (or no table) of a file VMA. The preallocated
 * table, if unused, is freed here.
 */
static vm_fault_t do_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	vm_fault_t ret;

	vmf->pgoff = linear_page_index(vma, vmf->address);
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		ret = do_read_fault(vmf);
	else if (!(vma->vm_flags & VM_SHARED))
		ret = do_cow_fault(vmf);
	else
		ret = do_shared_fault(vmf);
	if (vmf->prealloc_pte) {
		pte_free(vma->vm_mm, vmf->prealloc_pte);
		vmf->prealloc_pte = NULL;
	}
	return ret;
}

/*
 * handle_pte_fault - the PTE level. *@vmf->pmd pointed to a PTE table or
 * was none when read. PTL taken here for present PTEs.
 */
static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
{
	pte_t entry;

	/*
	 * pte_offset_map_rw_nolock: the table is read inside an RCU section
	 * - khugepaged's retract_page_tables unlinks an (empty) table of a
	 * file VMA without mmap_lock and frees it after a grace period
	 * (pte_free_defer). SIM: the kernel reads the PMD again inside the
	 * section; here the section begins with no yield point since
	 * __handle_mm_fault read orig_pmd, which is the same (no grace
	 * period can end in between); the section is a quiet one (no event
	 * of its own, sim/sync.h).
	 */
	bool rcu = !pmd_none(vmf->orig_pmd);

	if (pmd_none(vmf->orig_pmd)) {
		vmf->pte = NULL;
	} else {
		sim_rcu_read_lock_quiet(SIM_SITE("pte_offset_map:rcu"));
		vmf->pte = pte_offset_pfn(pmd_pfn(vmf->orig_pmd),
					  vmf->address);
		vmf->orig_pte = ptep_get_lockless(vmf->pte);
		if (pte_none(vmf->orig_pte)) {
			if (rcu)
				sim_rcu_read_unlock_quiet(SIM_SITE("pte_unmap"));
			vmf->pte = NULL;
		}
	}
	if (!vmf->pte)
		return vma_is_anonymous(vmf->vma) ? do_anonymous_page(vmf) :
						    do_fault(vmf);
	/*
	 * SIM: the kernel keeps the RCU section until pte_unmap(); here it
	 * ends once the PTL is held and the entry re-checked (a table whose
	 * entry is still not none under its PTL is linked: a retract takes
	 * the PTL and finds every entry none). The swap and NUMA paths map
	 * the table again themselves; a table they reach is never one that
	 * is retracted (those hold only none entries).
	 */
	if (!pte_present(vmf->orig_pte)) {
		if (rcu)
			sim_rcu_read_unlock_quiet(SIM_SITE("pte_unmap"));
		return do_swap_page(vmf);
	}
	/* A PROTNONE PTE of a PROT_NONE VMA is no NUMA hint. */
	if (pte_protnone(vmf->orig_pte) && vma_is_accessible(vmf->vma)) {
		if (rcu)
			sim_rcu_read_unlock_quiet(SIM_SITE("pte_unmap"));
		return do_numa_page(vmf);	/* mm/numa.c */
	}
	vmf->ptl = &pmd_page(vmf->orig_pmd)->ptl;
	spin_lock(vmf->ptl);
	entry = vmf->orig_pte;
	if (unlikely(!pte_same(ptep_get_l(vmf->pte, "handle_pte_fault:recheck"),
			       entry))) {
		if (rcu)
			sim_rcu_read_unlock_quiet(SIM_SITE("pte_unmap"));
		goto unlock;
	}
	if (rcu)
		sim_rcu_read_unlock_quiet(SIM_SITE("pte_unmap"));
	if (vmf->flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) {
		if (!pte_write(entry))
			return do_wp_page(vmf);
		if (vmf->flags & FAULT_FLAG_WRITE)
			entry = pte_mkdirty(entry);
	}
	/* Spurious (a stale TLB entry): just record the access. */
	entry = pte_mkyoung(entry);
	ptep_set_access_flags(vmf->vma, vmf->address, vmf->pte, entry,
			      vmf->flags & FAULT_FLAG_WRITE);
unlock:
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	return 0;
}

/* The PMD level of a fault on a huge (or huge, invalidated) PMD. */
static vm_fault_t handle_huge_pmd_fault(struct vm_fault *vmf)
{
	if ((vmf->flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) &&
	    !pmd_write(vmf->orig_pmd))
		return do_huge_pmd_wp_page(vmf);
	huge_pmd_set_accessed(vmf);
	return 0;
}

static vm_fault_t __handle_mm_fault(struct vm_area_struct *vma,
				    unsigned long address, unsigned int flags)
{
	struct vm_fault vmf = {
		.vma = vma,
		.address = address & PAGE_MASK,
		.real_address = address,
		.flags = flags,
	};
	struct mm_struct *mm = vma->vm_mm;
	vm_fault_t ret;

	vmf.pud = pud_alloc(mm, pgd_offset(mm, address), address);
	if (!vmf.pud)
		return VM_FAULT_OOM;
	vmf.pmd = pmd_alloc(mm, vmf.pud, address);
	if (!vmf.pmd)
		return VM_FAULT_OOM;
	vmf.orig_pmd = pmdp_get_lockless(vmf.pmd);
	if (pmd_none(vmf.orig_pmd) && vma_is_anonymous(vma) &&
	    thp_vma_allowable(vma, address)) {
		ret = do_huge_pmd_anonymous_page(&vmf);
		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
		vmf.orig_pmd = pmdp_get_lockless(vmf.pmd);
	} else if (pmd_trans_huge(vmf.orig_pmd)) {
		if (pmd_protnone(vmf.orig_pmd) && vma_is_accessible(vma))
			return do_huge_pmd_numa_page(&vmf);	/* mm/numa.c */
		ret = handle_huge_pmd_fault(&vmf);
		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
		/* Split: the PMD now points to a PTE table. */
		vmf.orig_pmd = pmdp_get_lockless(vmf.pmd);
	}
	if (is_swap_pmd(vmf.orig_pmd)) {
		pmd_migration_entry_wait(mm, vmf.pmd);
		return 0;
	}
	if (pmd_trans_huge(vmf.orig_pmd))
		return 0;	/* became huge again: retry */
	return handle_pte_fault(&vmf);
}

/*
 * handle_mm_fault - see mm.h. Returns 0 (the access may be retried: it
 * was resolved or something changed under us) or VM_FAULT_* errors.
 */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags, void *regs)
{
	mmap_assert_locked(vma->vm_mm);
	return __handle_mm_fault(vma, address, flags);
}

/* ---- fork: copy_page_range ---- */

/*
 * copy_present_page - fork meets an exclusive anon page that may be
 * pinned: give the child a copy now, so the parent keeps the page (and
 * the pin stays coherent with the parent's mapping). Uses *@prealloc;
 * -EAGAIN when there is none (the caller allocates outside the locks and
 * retries). Both PTLs held.
 */
static int copy_present_page(struct vm_area_struct *dst_vma,
			     pte_t *dst_pte, unsigned long addr, int *rss,
			     struct folio **prealloc, struct page *page)
{
	struct folio *new_folio = *prealloc;
	pte_t pte;

	if (!new_folio)
		return -EAGAIN;
	*prealloc = NULL;
	copy_user_highpage(&new_folio->page, page);
	__folio_set_uptodate(new_folio);
	folio_add_new_anon_rmap(new_folio, dst_vma, addr, RMAP_EXCLUSIVE);
	rss[MM_ANONPAGES]++;
	pte = mk_pte(&new_folio->page, dst_vma->vm_page_prot);
	pte = maybe_mkwrite(pte_mkdirty(pte), dst_vma);
	set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
	return 0;
}

/*
 * copy_present_pte - share one present PTE with the child: the page
 * becomes possibly shared (PG_anon_exclusive cleared) and both PTEs
 * read-only, or, for a possibly pinned exclusive page, the child gets a
 * copy. Returns 0 or -EAGAIN (need *@prealloc). Both PTLs held; src mm
 * write_protect_seq odd.
 */
static int copy_present_pte(struct vm_area_struct *dst_vma,
			    struct vm_area_struct *src_vma, pte_t *dst_pte,
			    pte_t *src_pte, pte_t pte, unsigned long addr,
			    int *rss, struct folio **prealloc)
{
	struct page *page = vm_normal_page(src_vma, addr, pte);
	struct folio *folio;

	if (page) {
		folio = page_folio(page);
		folio_get(folio);
		if (!folio_test_anon(folio)) {
			folio_dup_file_rmap_ptes(folio, page, 1);
			rss[mm_counter_file(folio)]++;
			goto wrprotect;
		}
		if (unlikely(folio_try_dup_anon_rmap_pte(folio, page,
							 src_vma))) {
			/* Possibly pinned and exclusive: copy it. */
			folio_put(folio);
			return copy_present_page(dst_vma, dst_pte, addr, rss,
						 prealloc, page);
		}
		rss[MM_ANONPAGES]++;
	}
wrprotect:
	/* COW: write-protect both sides (the src TLB is flushed by
	 * dup_mmap before mmap_lock is dropped). */
	if (is_cow_mapping(src_vma->vm_flags) && pte_write(pte)) {
		ptep_set_wrprotect(src_vma->vm_mm, addr, src_pte);
		pte = pte_wrprotect(pte);
	}
	pte = pte_mkold(pte);
	set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
	return 0;
}

/*
 * copy_nonpresent_pte - fork meets a non-present PTE. A swap entry: the
 * child refers to the slot too (swap_duplicate) and the page is no longer
 * exclusive to either (the exclusive marker is cleared in the parent; the
 * child never gets it). A migration entry: the child gets one too; a
 * writable one becomes readable on both sides (COW). A device-private
 * entry: the device page is mapped by both (it cannot be pinned), a
 * writable entry becomes readable. Both PTLs held.
 */
static void copy_nonpresent_pte(struct mm_struct *dst_mm,
				struct mm_struct *src_mm, pte_t *dst_pte,
				pte_t *src_pte, pte_t pte,
				struct vm_area_struct *dst_vma,
				struct vm_area_struct *src_vma,
				unsigned long addr, int *rss)
{
	swp_entry_t entry = pte_to_swp_entry(pte);

	if (!non_swap_entry(entry)) {
		if (swap_duplicate(entry) < 0) {
			sim_limit("fork: swap count of slot %#lx overflows "
				  "(no swap count continuation)",
				  swp_offset(entry));
			return;
		}
		if (pte_swp_exclusive(pte)) {
			pte = pte_swp_clear_exclusive(pte);
			set_pte_at(src_mm, addr, src_pte, pte);
		}
		rss[MM_SWAPENTS]++;
	} else if (is_migration_entry(entry)) {
		rss[mm_counter(page_folio(pfn_swap_entry_to_page(entry)))]++;
		if (!is_readable_migration_entry(entry) &&
		    is_cow_mapping(src_vma->vm_flags)) {
			entry = make_readable_migration_entry(
				swp_offset(entry));
			pte = swp_entry_to_pte(entry);
			set_pte_at(src_mm, addr, src_pte, pte);
		}
	} else if (is_device_private_entry(entry)) {
		struct page *page = pfn_swap_entry_to_page(entry);
		struct folio *folio = page_folio(page);

		folio_get(folio);
		rss[MM_ANONPAGES]++;
		/* cannot fail: device-private pages cannot be pinned */
		folio_try_dup_anon_rmap_ptes(folio, page, 1, src_vma);
		if (is_writable_device_private_entry(entry) &&
		    is_cow_mapping(src_vma->vm_flags)) {
			entry = make_readable_device_private_entry(
				swp_offset(entry));
			pte = swp_entry_to_pte(entry);
			set_pte_at(src_mm, addr, src_pte, pte);
		}
	} else {
		sim_violation("copy_nonpresent_pte: entry %#lx not modelled",
			      pte_val(pte));
		return;
	}
	set_pte_at(dst_mm, addr, dst_pte, pte);
}

static void add_mm_rss_vec(struct mm_struct *mm, int *rss)
{
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		if (rss[i])
			add_mm_counter(mm, i, rss[i]);
}

/*
 * copy_pte_range - copy the PTEs of [addr, end) (within one PMD). Holds
 * the child's PTL, then the parent's (nested, same class). Returns 0 or
 * -ENOMEM.
 */
static int copy_pte_range(struct vm_area_struct *dst_vma,
			  struct vm_area_struct *src_vma, pmd_t *dst_pmd,
			  pmd_t *src_pmd, unsigned long addr,
			  unsigned long end)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	struct folio *prealloc = NULL;
	spinlock_t *src_ptl, *dst_ptl;
	pte_t *src_pte, *dst_pte;
	int rss[NR_MM_COUNTERS];
	int ret;

again:
	ret = 0;
	memset(rss, 0, sizeof(rss));
	if (pte_alloc(dst_mm, dst_pmd))
		goto oom;
	dst_pte = pte_offset_map_lock(dst_mm, dst_pmd, addr, &dst_ptl);
	if (!dst_pte)
		goto oom;
	src_pte = pte_offset_pfn(pmd_pfn(pmdp_get(src_pmd)), addr);
	src_ptl = pte_lockptr(src_mm, src_pmd);
	spin_lock_nested(src_ptl, SINGLE_DEPTH_NESTING);
	do {
		pte_t ptent = ptep_get(src_pte);

		if (pte_none(ptent))
			continue;
		if (unlikely(!pte_present(ptent))) {
			copy_nonpresent_pte(dst_mm, src_mm, dst_pte, src_pte,
					    ptent, dst_vma, src_vma, addr, rss);
			continue;
		}
		ret = copy_present_pte(dst_vma, src_vma, dst_pte, src_pte,
				       ptent, addr, rss, &prealloc);
		if (unlikely(ret == -EAGAIN))
			break;
		if (unlikely(prealloc)) {
			folio_put(prealloc);
			prealloc = NULL;
		}
	} while (dst_pte++, src_pte++, addr += PAGE_SIZE, addr != end);
	spin_unlock(src_ptl);
	add_mm_rss_vec(dst_mm, rss);
	pte_unmap_unlock(dst_pte, dst_ptl);
	if (ret == -EAGAIN) {
		/* Allocate the copy outside the locks, then retry @addr. */
		prealloc = vma_alloc_folio(0, 0, dst_vma, addr, false);
		if (!prealloc)
			goto oom;
	}
	if (addr != end)
		goto again;
	if (prealloc)
		folio_put(prealloc);
	return 0;
oom:
	if (prealloc)
		folio_put(prealloc);
	return -ENOMEM;
}

static int copy_pmd_range(struct vm_area_struct *dst_vma,
			  struct vm_area_struct *src_vma, pud_t *dst_pud,
			  pud_t *src_pud, unsigned long addr,
			  unsigned long end)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	pmd_t *src_pmd, *dst_pmd;

	unsigned long next;

	dst_pmd = pmd_alloc(dst_mm, dst_pud, addr);
	if (!dst_pmd)
		return -ENOMEM;
	src_pmd = pmd_offset_pfn(pud_pfn(pudp_get(src_pud)), addr);
	do {
		pmd_t pmdval = pmdp_get(src_pmd);

		next = pmd_addr_end(addr, end);
		if (is_swap_pmd(pmdval) || pmd_trans_huge(pmdval)) {
			int err = copy_huge_pmd(dst_mm, src_mm, dst_pmd,
						src_pmd, addr, dst_vma,
						src_vma);

			if (err == -ENOMEM)
				return -ENOMEM;
			if (!err)
				continue;
			/* -EAGAIN: split (pinned); copy its PTEs. */
		}
		if (pmd_none(pmdp_get(src_pmd)))
			continue;
		if (copy_pte_range(dst_vma, src_vma, dst_pmd, src_pmd, addr,
				   next))
			return -ENOMEM;
	} while (dst_pmd++, src_pmd++, addr = next, addr != end);
	return 0;
}

static int copy_pud_range(struct vm_area_struct *dst_vma,
			  struct vm_area_struct *src_vma, pgd_t *dst_pgd,
			  pgd_t *src_pgd, unsigned long addr,
			  unsigned long end)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm;
	pud_t *src_pud, *dst_pud;
	unsigned long next;

	dst_pud = pud_alloc(dst_mm, dst_pgd, addr);
	if (!dst_pud)
		return -ENOMEM;
	src_pud = pud_offset_pfn(pgd_pfn(pgdp_get(src_pgd)), addr);
	do {
		next = pud_addr_end(addr, end);
		if (pud_none(pudp_get(src_pud)))
			continue;
		if (copy_pmd_range(dst_vma, src_vma, dst_pud, src_pud, addr,
				   next))
			return -ENOMEM;
	} while (dst_pud++, src_pud++, addr = next, addr != end);
	return 0;
}

/*
 * copy_page_range - see mm.h. mmap_lock of both mms held for write.
 * The parent's write_protect_seq is odd while its anon PTEs are being
 * write-protected, so GUP-fast can tell a pin it took meanwhile may be
 * on a page fork is sharing.
 */
int copy_page_range(struct vm_area_struct *dst_vma,
		    struct vm_area_struct *src_vma)
{
	struct mm_struct *src_mm = src_vma->vm_mm;
	unsigned long addr = src_vma->vm_start, end = src_vma->vm_end, next;
	bool is_cow = is_cow_mapping(src_vma->vm_flags);
	pgd_t *src_pgd, *dst_pgd;
	int ret = 0;

	/* Faults fill in what was never populated (no anon_vma: nothing). */
	if (!src_vma->anon_vma)
		return 0;
	if (is_cow) {
		mmap_assert_write_locked(src_mm);
		raw_write_seqcount_begin(&src_mm->write_protect_seq);
	}
	dst_pgd = pgd_offset(dst_vma->vm_mm, addr);
	src_pgd = pgd_offset(src_mm, addr);
	do {
		next = pgd_addr_end(addr, end);
		if (pgd_none(pgdp_get(src_pgd)))
			continue;
		ret = copy_pud_range(dst_vma, src_vma, dst_pgd, src_pgd, addr,
				     next);
		if (ret)
			break;
	} while (dst_pgd++, src_pgd++, addr = next, addr != end);
	if (is_cow)
		raw_write_seqcount_end(&src_mm->write_protect_seq);
	return ret;
}

/* ---- zapping ---- */

/*
 * zap_present_ptes - the PTE at @pte was just cleared (@ptent is what it
 * held). Clear the PTEs after it that map the following pages of the same
 * large folio too (up to @end), then unaccount the batch and queue its
 * references for after the flush. Returns how many PTEs were handled;
 * *@full: the gather is full (flush before going on). PTL held.
 * SIM: the batch peeks at the next PTEs without yield points: under the
 * PTL only the walker can change them, and only their A/D bits, which the
 * decision ignores; each clear is still a yield point.
 */
static int zap_present_ptes(struct mmu_gather *tlb,
			    struct vm_area_struct *vma, pte_t *pte,
			    pte_t ptent, unsigned long addr, unsigned long end,
			    int *rss, bool *full)
{
	struct page *page = vm_normal_page(vma, addr, ptent);
	struct folio *folio;
	long max_nr, nr = 1;

	if (!page)
		return 1;	/* the zero page: nothing to drop */
	folio = page_folio(page);
	/* A file page's Dirty bit goes to the folio (zap_present_folio_ptes) */
	if (!folio_test_anon(folio) && pte_dirty(ptent))
		folio_set_dirty(folio);
	max_nr = (end - addr) >> PAGE_SHIFT;
	if (folio_nr_pages(folio) - (page - &folio->page) < max_nr)
		max_nr = folio_nr_pages(folio) - (page - &folio->page);
	while (nr < max_nr) {
		pte_t next = __pte(__atomic_load_n(&pte[nr].pte, SIM_MO));

		if (!pte_present(next) || pte_pfn(next) != pte_pfn(ptent) + nr)
			break;
		ptep_get_and_clear_l(tlb->mm, addr + nr * PAGE_SIZE, pte + nr,
				     "zap_present_ptes:clear");
		nr++;
	}
	__tlb_adjust_range(tlb, addr, nr * PAGE_SIZE);
	rss[mm_counter(folio)] -= nr;
	folio_remove_rmap_ptes(folio, page, nr, vma);
	*full = __tlb_remove_folio_pages(tlb, page, nr);
	return nr;
}

/*
 * zap_pte_range - clear the PTEs of [addr, end) within one PMD. Returns
 * where it stopped: @end, or earlier if the gather filled up or the PMD
 * was no longer a PTE table (the caller then looks at it again).
 * (1) clear each PTE under the PTL, (2) after the loop flush the TLB,
 * (3) then drop the references (tlb_flush_mmu): a CPU may store through a
 * stale TLB entry until (2), so the page must not be freed before.
 */
/*
 * should_zap_page - unmap_mapping_range's filters: only the folio asked
 * for (single_folio), and private COWed anon pages only if even_cows.
 * No details (munmap, MADV_DONTNEED, exit): everything.
 */
static bool should_zap_page(struct zap_details *details, pte_t ptent)
{
	struct folio *folio;

	if (!details || !pte_present(ptent) || is_zero_pfn(pte_pfn(ptent)))
		return !details || details->even_cows ||
		       !pte_present(ptent);
	folio = page_folio(pte_page(ptent));
	if (details->single_folio && details->single_folio != folio)
		return false;
	return details->even_cows || !folio_test_anon(folio);
}

static unsigned long zap_pte_range(struct mmu_gather *tlb,
				   struct vm_area_struct *vma, pmd_t *pmd,
				   unsigned long addr, unsigned long end,
				   struct zap_details *details)
{
	struct mm_struct *mm = tlb->mm;
	int rss[NR_MM_COUNTERS] = { 0 };
	bool force_flush = false;
	spinlock_t *ptl;
	pte_t *pte;

	pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
	if (!pte)
		return addr;
	/* a deferred unmap flush (migration) may still be pending */
	flush_tlb_batched_pending(mm);
	do {
		/* One RMW instead of a read then a clear: the walker may
		 * set A/D between the two, and none entries stay none. */
		pte_t ptent;

		if (unlikely(details)) {
			/* SIM: filtered zaps read first (a read, then a
			 * clear: the walker may set A/D in between, which
			 * the clear's return value still carries) */
			ptent = ptep_get_l(pte, "zap_pte_range:filter");
			if (pte_none(ptent) || !should_zap_page(details, ptent))
				continue;
		}
		ptent = ptep_get_and_clear_l(mm, addr, pte,
					     "zap_pte_range:clear");
		if (pte_none(ptent))
			continue;
		if (pte_present(ptent)) {
			int nr;

			tlb_remove_tlb_entry(tlb, pte, addr);
			nr = zap_present_ptes(tlb, vma, pte, ptent, addr, end,
					      rss, &force_flush);

			pte += nr - 1;
			addr += (nr - 1) * PAGE_SIZE;
			if (force_flush) {
				addr += PAGE_SIZE;
				break;
			}
		} else if (is_migration_entry(pte_to_swp_entry(ptent))) {
			/* not present: nothing for our own flush (kernel:
			 * zap_nonpresent_ptes); a flush the migration
			 * deferred was seen to above */
			rss[mm_counter(page_folio(pfn_swap_entry_to_page(
				pte_to_swp_entry(ptent))))]--;
		} else if (is_device_private_entry(pte_to_swp_entry(ptent))) {
			struct page *page =
				pfn_swap_entry_to_page(pte_to_swp_entry(ptent));

			rss[MM_ANONPAGES]--;
			folio_remove_rmap_pte(page_folio(page), page, vma);
			folio_put(page_folio(page));
		} else if (!non_swap_entry(pte_to_swp_entry(ptent))) {
			rss[MM_SWAPENTS]--;
			free_swap_and_cache(pte_to_swp_entry(ptent));
		} else {
			sim_violation("zap_pte_range: entry %#lx not "
				      "modelled", pte_val(ptent));
		}
	} while (pte++, addr += PAGE_SIZE, addr != end);
	add_mm_rss_vec(mm, rss);
	pte_unmap_unlock(pte, ptl);
	if (force_flush)
		tlb_flush_mmu(tlb);
	return addr;
}

static void zap_pmd_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
			  pud_t *pud, unsigned long addr, unsigned long end,
			  struct zap_details *details)
{
	pmd_t *pmd = pmd_offset_pfn(pud_pfn(pudp_get(pud)), addr);
	unsigned long next, done;

	do {
		pmd_t pmdval = pmdp_get_l(pmd, "zap_pmd_range");

		next = pmd_addr_end(addr, end);
		if (is_swap_pmd(pmdval) || pmd_trans_huge(pmdval)) {
			if (next - addr != HPAGE_PMD_SIZE)
				__split_huge_pmd(vma, pmd, addr, false, NULL);
			else if (zap_huge_pmd(tlb, vma, pmd, addr))
				goto next_pmd;
			/* Split, or no longer huge: zap the PTEs. */
		} else if (pmd_none(pmdval) &&
			   !sim_regress_on(SIM_REGRESS_DONTNEED_VS_THP_FAULT)) {
			goto next_pmd;
		} else if (sim_regress_on(SIM_REGRESS_DONTNEED_VS_THP_FAULT)) {
			/*
			 * REGRESSION dontneed-vs-thp-fault (CVE-2012-1179,
			 * fixed by 1a5a9906d4e8 "mm: thp: fix pmd_bad()
			 * triggering in code paths holding mmap_sem read
			 * mode"): pmd_none_or_clear_bad() read the PMD a
			 * second time. Under MADV_DONTNEED's read mmap_lock:
			 *  (1) the first read saw a none PMD (not huge);
			 *  (2) a THP fault in another thread maps the PMD;
			 *  (3) the second read sees a huge PMD, which
			 *      pmd_bad() calls bad: pmd_clear_bad() clears
			 *      it - the THP's mapping, its rmap and its
			 *      deposited table are lost, and the stores in
			 *      it with them.
			 * The fix reads once (pmd_none_or_trans_huge_or_
			 * clear_bad); the model's single read above is it.
			 */
			pmd_t again = pmdp_get_l(pmd, "pmd_none_or_clear_bad");

			if (pmd_none(again))
				goto next_pmd;
			if (pmd_trans_huge(again)) {
				pmd_clear(pmd);		/* pmd_clear_bad */
				goto next_pmd;
			}
		}
		done = zap_pte_range(tlb, vma, pmd, addr, next, details);
		if (done != next) {
			addr = done;	/* look at this PMD again */
			continue;
		}
next_pmd:
		pmd++;
		addr = next;
	} while (addr != end);
}

static void zap_pud_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
			  pgd_t *pgd, unsigned long addr, unsigned long end,
			  struct zap_details *details)
{
	pud_t *pud = pud_offset_pfn(pgd_pfn(pgdp_get(pgd)), addr);
	unsigned long next;

	do {
		next = pud_addr_end(addr, end);
		if (pud_none(pudp_get(pud)))
			continue;
		zap_pmd_range(tlb, vma, pud, addr, next, details);
	} while (pud++, addr = next, addr != end);
}

/*
 * unmap_page_range - zap every mapping of [addr, end) in @vma into @tlb.
 * mmap_lock held (read for MADV_DONTNEED, write for munmap and exit).
 */
void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
		      unsigned long addr, unsigned long end,
		      struct zap_details *details)
{
	pgd_t *pgd = pgd_offset(vma->vm_mm, addr);
	unsigned long next;

	do {
		next = pgd_addr_end(addr, end);
		if (pgd_none(pgdp_get(pgd)))
			continue;
		zap_pud_range(tlb, vma, pgd, addr, next, details);
	} while (pgd++, addr = next, addr != end);
}

/*
 * unmap_vmas - zap [start, end) of @first and the VMAs after it on the
 * mm's list (mm/mmap.c detached them already, or exit holds mmap_lock).
 * SIM: @first's list is walked until a VMA starts at or after @end.
 */
void unmap_vmas(struct mmu_gather *tlb, struct vm_area_struct *first,
		unsigned long start, unsigned long end)
{
	struct list_head *head = &first->vm_mm->mmap;
	struct vm_area_struct *vma = first;

	for (; &vma->vm_list != head && vma->vm_start < end;
	     vma = list_entry(vma->vm_list.next, struct vm_area_struct,
			      vm_list)) {
		unsigned long s = vma->vm_start > start ? vma->vm_start : start;
		unsigned long e = vma->vm_end < end ? vma->vm_end : end;

		if (s < e)
			unmap_page_range(tlb, vma, s, e, NULL);
	}
}

/* zap_page_range_single - see mm.h. mmap_lock held for read. */
void zap_page_range_single(struct vm_area_struct *vma, unsigned long address,
			   unsigned long size, struct zap_details *details)
{
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, vma->vm_mm);
	unmap_page_range(&tlb, vma, address, address + size, details);
	tlb_finish_mmu(&tlb);
}

/* ---- freeing page tables ---- */

/* free_pte_range - detach the (empty) PTE table under *@pmd. */
static void free_pte_range(struct mmu_gather *tlb, pmd_t *pmd)
{
	struct page *table = pmd_page(pmdp_get(pmd));

	pmd_clear(pmd);
	tlb_remove_table(tlb, table);
	mm_dec_nr_ptes(tlb->mm);
}

/*
 * level_range_ok - may the table covering [start & ~(size-1), +size) go?
 * Only if it lies within [floor, ceiling) (ceiling 0: the top), i.e. no
 * neighbouring VMA can still use it.
 */
static bool level_range_ok(unsigned long start, unsigned long end,
			   unsigned long floor, unsigned long ceiling,
			   unsigned long mask)
{
	start &= mask;
	if (start < floor)
		return false;
	if (ceiling) {
		ceiling &= mask;
		if (!ceiling)
			return false;
	}
	return end - 1 <= ceiling - 1;
}

static void free_pmd_range(struct mmu_gather *tlb, pud_t *pud,
			   unsigned long addr, unsigned long end,
			   unsigned long floor, unsigned long ceiling)
{
	unsigned long start = addr, next;
	struct page *table = pud_page(pudp_get(pud));
	pmd_t *pmd = pmd_offset_pfn(page_to_pfn(table), addr);

	do {
		next = pmd_addr_end(addr, end);
		if (pmd_none(pmdp_get(pmd)))
			continue;
		free_pte_range(tlb, pmd);
	} while (pmd++, addr = next, addr != end);
	if (!level_range_ok(start, end, floor, ceiling, PUD_MASK))
		return;
	pud_clear(pud);
	tlb_remove_table(tlb, table);
}

static void free_pud_range(struct mmu_gather *tlb, pgd_t *pgd,
			   unsigned long addr, unsigned long end,
			   unsigned long floor, unsigned long ceiling)
{
	unsigned long start = addr, next;
	struct page *table = pgd_page(pgdp_get(pgd));
	pud_t *pud = pud_offset_pfn(page_to_pfn(table), addr);

	do {
		next = pud_addr_end(addr, end);
		if (pud_none(pudp_get(pud)))
			continue;
		free_pmd_range(tlb, pud, addr, next, floor, ceiling);
	} while (pud++, addr = next, addr != end);
	if (!level_range_ok(start, end, floor, ceiling, PGDIR_MASK))
		return;
	pgd_clear(pgd);
	tlb_remove_table(tlb, table);
}

/*
 * free_pgd_range - free the page tables of [addr, end) that no VMA
 * outside it can use: @floor is the end of the VMA below (0: none),
 * @ceiling the start of the one above (0: none). mmap_lock held for
 * write; the entries they map were zapped already. Tables are freed by
 * @tlb after its flush.
 */
void free_pgd_range(struct mmu_gather *tlb, unsigned long addr,
		    unsigned long end, unsigned long floor,
		    unsigned long ceiling)
{
	unsigned long next;
	pgd_t *pgd;

	addr &= PMD_MASK;
	if (addr < floor) {
		addr += PMD_SIZE;
		if (!addr)
			return;
	}
	if (ceiling) {
		ceiling &= PMD_MASK;
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		end -= PMD_SIZE;
	if (addr > end - 1)
		return;
	pgd = pgd_offset(tlb->mm, addr);
	do {
		next = pgd_addr_end(addr, end);
		if (pgd_none(pgdp_get(pgd)))
			continue;
		free_pud_range(tlb, pgd, addr, next, floor, ceiling);
	} while (pgd++, addr = next, addr != end);
}

/* ---- unmap_mapping_range: truncation's zap of every mapping ---- */

/*
 * unmap_mapping_range_tree - zap file pages [first, last] in every VMA
 * on @mapping's i_mmap that maps some of them. i_mmap_rwsem held (read).
 */
static void unmap_mapping_range_tree(struct address_space *mapping,
				     unsigned long first, unsigned long last,
				     struct zap_details *details)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mapping->i_mmap, shared) {
		unsigned long vba = vma->vm_pgoff;
		unsigned long vea = vba + vma_pages(vma) - 1;
		unsigned long zba = first > vba ? first : vba;
		unsigned long zea = last < vea ? last : vea;

		if (zba > zea)
			continue;
		zap_page_range_single(vma,
				      vma->vm_start + ((zba - vba) << PAGE_SHIFT),
				      (zea - zba + 1) << PAGE_SHIFT, details);
	}
}

/* unmap_mapping_range - see pagemap.h. */
void unmap_mapping_range(struct address_space *mapping,
			 unsigned long holebegin, unsigned long holelen,
			 int even_cows)
{
	struct zap_details details = { .even_cows = even_cows };
	unsigned long first = holebegin >> PAGE_SHIFT;
	unsigned long last = holelen ?
		first + (PAGE_ALIGN(holelen) >> PAGE_SHIFT) - 1 : -1UL;

	i_mmap_lock_read(mapping);
	unmap_mapping_range_tree(mapping, first, last, &details);
	i_mmap_unlock_read(mapping);
}

/*
 * unmap_mapping_folio - see pagemap.h: only @folio's own mappings (a
 * private COW copy of it stays). Folio locked.
 */
void unmap_mapping_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	struct zap_details details = { .single_folio = folio };

	VM_BUG_ON_FOLIO(!__test_bit(PG_locked, &folio->flags), folio);
	i_mmap_lock_read(mapping);
	unmap_mapping_range_tree(mapping, folio->index,
				 folio_next_index(folio) - 1, &details);
	i_mmap_unlock_read(mapping);
}
