// SPDX-License-Identifier: GPL-2.0
/*
 * mm/rmap.c - physical to virtual reverse mappings of anonymous folios
 * (kernel: mm/rmap.c).
 *
 * Lock ordering in mm (check/lockdep.c enforces exactly this tree: a lock
 * may be taken while holding only its ancestors; the starred classes may
 * nest in themselves, as the kernel's *_nested() annotations allow:
 * fork holds the parent's and the child's):
 *
 * mm->mmap_lock *
 *   folio_lock
 *     i_mmap_rwsem (file rmap, unmap_mapping_range)
 *       anon_vma->rwsem
 *         mm->page_table_lock
 *         pmd_lock * (split PMD lock, in the PMD table's struct page)
 *           ptl * (split PTE lock, in the PTE table's struct page)
 *
 * anon_vma->rwsem is the root's: one lock for a whole fork family.
 * SIM: folio_lock is a bit lock, which sim/ does not report to the
 * lock-order hook; its place in the tree is documentation only.
 *
 * Mapcount rules (per folio, all changed under the PTL of the mapping):
 *  - page->_mapcount: PTE mappings of the page, minus one;
 *  - folio->_entire_mapcount: PMD mappings of a large folio, minus one;
 *  - folio->_nr_pages_mapped: pages of a large folio with a PTE mapping.
 * PG_anon_exclusive rules (seed 001):
 *  - a writable PTE/PMD to an anon page implies the page is exclusive;
 *  - only clear it (share the page) when it cannot be pinned: fork copies
 *    instead (folio_try_dup_anon_rmap_*), migration/swap back off
 *    (folio_try_share_anon_rmap_*).
 */
#include "pagemap.h"
#include "huge_mm.h"
#include "rmap.h"

/* ---- anon_vma lifetime ---- */

static struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *anon_vma = sim_zalloc(sizeof(*anon_vma));

	anon_vma->root = anon_vma;
	init_rwsem_class(&anon_vma->rwsem, "anon_vma");
	anon_vma->refcount.counter = 1;	/* not visible yet */
	INIT_LIST_HEAD(&anon_vma->rb_root);
	return anon_vma;
}

static struct anon_vma_chain *anon_vma_chain_alloc(void)
{
	struct anon_vma_chain *avc = sim_zalloc(sizeof(*avc));

	INIT_LIST_HEAD(&avc->same_vma);
	INIT_LIST_HEAD(&avc->same_anon_vma);
	return avc;
}

void get_anon_vma(struct anon_vma *anon_vma)
{
	atomic_inc(&anon_vma->refcount);
}

/*
 * put_anon_vma - drop a reference; the last frees it and drops the
 * reference it held on its root. SIM: "freed" anon_vmas stay in the
 * per-execution arena (the kernel's SLAB_TYPESAFE_BY_RCU gives readers
 * the same guarantee); ->freed makes a late use visible.
 */
static void __put_anon_vma(struct anon_vma *anon_vma)
{
	struct anon_vma *root = anon_vma->root;

	VM_BUG_ON(!list_empty(&anon_vma->rb_root));
	anon_vma->freed = true;
	if (root != anon_vma)
		put_anon_vma(root);
}

void put_anon_vma(struct anon_vma *anon_vma)
{
	if (atomic_dec_and_test(&anon_vma->refcount))
		__put_anon_vma(anon_vma);
}

/*
 * anon_vma_interval_tree_insert - put @avc into its anon_vma's "tree" in
 * the kernel's order. The kernel's anon_vma->rb_root is an interval tree
 * keyed by the VMA's first pgoff (avc_start_pgoff: vm_pgoff); an insert
 * goes left of a node with a greater start, else right, and rmap walks
 * visit the tree in order: by vm_pgoff, equal keys in the order they were
 * (re)inserted. mremap relies on that order (need_rmap_locks: a new VMA
 * that comes after the old one needs no lock). SIM: a sorted list; the
 * walk scans it whole and skips the VMAs that do not cover the folio,
 * where the kernel's query visits only overlapping intervals (the same
 * VMAs, in the same order). Root anon_vma write-locked.
 */
static void anon_vma_interval_tree_insert(struct anon_vma_chain *avc,
					  struct anon_vma *anon_vma)
{
	unsigned long start = avc->vma->vm_pgoff;
	struct anon_vma_chain *pos;

	list_for_each_entry(pos, &anon_vma->rb_root, same_anon_vma) {
		if (start < pos->vma->vm_pgoff) {
			/* before the first node with a greater start */
			list_add_tail(&avc->same_anon_vma, &pos->same_anon_vma);
			return;
		}
	}
	list_add_tail(&avc->same_anon_vma, &anon_vma->rb_root);
}

/*
 * anon_vma_interval_tree_update_vma - @vma's vm_start, vm_end or vm_pgoff
 * changed: take its nodes out and put them back (the kernel's
 * anon_vma_interval_tree_pre_update_vma / _post_update_vma around every
 * VMA adjustment, in vma_prepare / vma_complete). A node put back goes
 * after the nodes of equal start. Root anon_vma write-locked.
 */
void anon_vma_interval_tree_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		list_del(&avc->same_anon_vma);
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		anon_vma_interval_tree_insert(avc, avc->anon_vma);
}

/* Link @vma and @anon_vma through @avc; anon_vma write-locked. */
static void anon_vma_chain_link(struct vm_area_struct *vma,
				struct anon_vma_chain *avc,
				struct anon_vma *anon_vma)
{
	avc->vma = vma;
	avc->anon_vma = anon_vma;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	anon_vma_interval_tree_insert(avc, anon_vma);
}

/*
 * anon_vma_prepare - make sure @vma has an anon_vma before a folio is
 * mapped into it. Returns 0 or -ENOMEM. mmap_lock held for read: two
 * faults may race here; the page_table_lock decides who installs theirs.
 * SIM: no find_mergeable_anon_vma(); a fresh anon_vma every time.
 */
int anon_vma_prepare(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct anon_vma *anon_vma;
	struct anon_vma_chain *avc;

	/* Unlocked peek: the decision is re-made under page_table_lock. */
	if (likely(__atomic_load_n(&vma->anon_vma, SIM_MO)))
		return 0;
	avc = anon_vma_chain_alloc();
	anon_vma = anon_vma_alloc();
	anon_vma_lock_write(anon_vma);
	spin_lock(&mm->page_table_lock);
	if (likely(!vma->anon_vma)) {
		__atomic_store_n(&vma->anon_vma, anon_vma, SIM_MO);
		anon_vma_chain_link(vma, avc, anon_vma);
		anon_vma->degree++;
		anon_vma = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	if (anon_vma) {
		anon_vma_unlock_write(anon_vma);
		put_anon_vma(anon_vma);
		sim_free(avc);
	} else {
		anon_vma_unlock_write(vma->anon_vma);
	}
	return 0;
}

/*
 * anon_vma_clone - link @dst into every anon_vma @src is linked into
 * (split_vma, fork). Returns 0. The caller holds mmap_lock for write of
 * @dst's mm. SIM: no reuse of an existing anon_vma for @dst.
 */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma_chain *pavc;
	struct anon_vma *root = NULL;

	list_for_each_entry(pavc, &src->anon_vma_chain, same_vma) {
		struct anon_vma_chain *avc = anon_vma_chain_alloc();

		if (!root) {
			root = pavc->anon_vma->root;
			down_write(&root->rwsem);
		}
		VM_BUG_ON(pavc->anon_vma->root != root);
		anon_vma_chain_link(dst, avc, pavc->anon_vma);
	}
	if (root)
		up_write(&root->rwsem);
	return 0;
}

/*
 * anon_vma_fork - the child's @vma gets every anon_vma of the parent's
 * @pvma, plus a new one of its own whose parent is @pvma's: folios the
 * child faults in later are invisible to the parent's rmap walks.
 * Returns 0. mmap_lock of both mms held for write.
 */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct anon_vma *anon_vma;
	struct anon_vma_chain *avc;

	if (!pvma->anon_vma)
		return 0;
	vma->anon_vma = NULL;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	anon_vma_clone(vma, pvma);
	anon_vma = anon_vma_alloc();
	avc = anon_vma_chain_alloc();
	anon_vma->root = pvma->anon_vma->root;
	anon_vma->parent = pvma->anon_vma;
	/* The child anon_vma keeps its root alive. */
	get_anon_vma(anon_vma->root);
	vma->anon_vma = anon_vma;
	anon_vma_lock_write(anon_vma);
	anon_vma_chain_link(vma, avc, anon_vma);
	anon_vma->parent->degree++;
	anon_vma_unlock_write(anon_vma);
	return 0;
}

/*
 * unlink_anon_vmas - @vma goes away: unlink it from every anon_vma and
 * drop the "has a vma" reference of each anon_vma left with none.
 * mmap_lock held for write.
 */
void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc, *next;
	struct anon_vma *root = NULL;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma) {
		if (!root) {
			root = avc->anon_vma->root;
			down_write(&root->rwsem);
		}
		list_del(&avc->same_anon_vma);
	}
	if (root)
		up_write(&root->rwsem);
	/* Outside the lock, as the kernel: the put may free the root. */
	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		struct anon_vma *anon_vma = avc->anon_vma;

		list_del(&avc->same_vma);
		if (list_empty(&anon_vma->rb_root))
			put_anon_vma(anon_vma);
		sim_free(avc);
	}
	vma->anon_vma = NULL;
}

struct anon_vma *folio_anon_vma(const struct folio *folio)
{
	unsigned long m = (unsigned long)__atomic_load_n(&folio->mapping,
							 SIM_MO);

	if ((m & PAGE_MAPPING_FLAGS) != PAGE_MAPPING_ANON)
		return NULL;
	return (struct anon_vma *)(m - PAGE_MAPPING_ANON);
}

/*
 * folio_lock_anon_vma_read - see rmap.h. (1) read ->mapping, (2) check
 * the folio is still mapped (else the anon_vma may be gone), (3) lock the
 * root, (4) re-check mapped: an unmap racing with us between (2) and (3)
 * may have let the anon_vma be freed and reused.
 */
struct anon_vma *folio_lock_anon_vma_read(struct folio *folio)
{
	struct anon_vma *anon_vma;

	rcu_read_lock();
	anon_vma = folio_anon_vma(folio);
	if (!anon_vma || folio_mapcount(folio) == 0)
		goto out_null;
	if (down_read_trylock(&anon_vma->root->rwsem)) {
		if (folio_mapcount(folio) == 0) {
			up_read(&anon_vma->root->rwsem);
			goto out_null;
		}
		rcu_read_unlock();
		return anon_vma;
	}
	/* Contended: pin the anon_vma, leave RCU, sleep on the lock. */
	if (!atomic_inc_not_zero(&anon_vma->refcount))
		goto out_null;
	rcu_read_unlock();
	if (folio_mapcount(folio) == 0) {
		put_anon_vma(anon_vma);
		return NULL;
	}
	anon_vma_lock_read(anon_vma);
	if (atomic_dec_and_test(&anon_vma->refcount)) {
		/* We were the last: nobody maps the folio any more. */
		anon_vma_unlock_read(anon_vma);
		__put_anon_vma(anon_vma);
		return NULL;
	}
	return anon_vma;
out_null:
	rcu_read_unlock();
	return NULL;
}

/* ---- mapping accounting ---- */

/*
 * __folio_set_anon - point ->mapping/->index at @vma's anon_vma; a folio
 * that is not exclusive to @vma (a swap-in of a page fork shared) gets
 * the oldest anon_vma, the root, which every process of the family's
 * VMAs is linked to: else rmap walks from another process would miss it.
 */
static void __folio_set_anon(struct folio *folio, struct vm_area_struct *vma,
			     unsigned long address, bool exclusive)
{
	struct anon_vma *anon_vma = vma->anon_vma;

	VM_BUG_ON(!anon_vma);
	if (!exclusive)
		anon_vma = anon_vma->root;
	folio->index = linear_page_index(vma, address);
	__atomic_store_n(&folio->mapping,
			 (struct address_space *)((unsigned long)anon_vma |
						  PAGE_MAPPING_ANON),
			 SIM_MO);
}

/*
 * folio_add_new_anon_rmap - @folio was just allocated and is mapped for
 * the first time, by one PTE (order 0) or one PMD (PMD order), at
 * @address of @vma. Nobody else can see it yet: plain stores, no yield.
 * RMAP_EXCLUSIVE: the mapping is exclusive (always, for a new folio).
 */
void folio_add_new_anon_rmap(struct folio *folio, struct vm_area_struct *vma,
			     unsigned long address, rmap_t flags)
{
	VM_BUG_ON(address < vma->vm_start ||
		  address + (folio_nr_pages(folio) << PAGE_SHIFT) >
			  vma->vm_end);
	__folio_set_swapbacked(folio);
	__folio_set_anon(folio, vma, address, flags & RMAP_EXCLUSIVE);
	if (!folio_test_large(folio)) {
		folio->_mapcount.counter = 0;
	} else {
		VM_BUG_ON_FOLIO(!folio_test_pmd_mappable(folio), folio);
		folio->_entire_mapcount.counter = 0;
		folio->_large_mapcount.counter = 0;
	}
	if (flags & RMAP_EXCLUSIVE)
		__SetPageAnonExclusive(&folio->page);
}

/*
 * folio_add_anon_rmap_ptes - @nr_pages pages of @folio from @page get one
 * more PTE mapping each (split, swapin, remove_migration_ptes). PTL held.
 * SIM: one yield point for the batch; each page's count is only changed
 * under the PTL of the entry that maps it, so per-page yields add no
 * interleaving an observer could tell apart.
 */
void folio_add_anon_rmap_ptes(struct folio *folio, struct page *page,
			      int nr_pages, struct vm_area_struct *vma,
			      unsigned long address, rmap_t flags)
{
	sim_yield(SIM_EV_RMW, &page->_mapcount, "folio_add_anon_rmap_ptes");
	if (unlikely(!folio_test_anon(folio))) {
		VM_BUG_ON_FOLIO(!__test_bit(PG_locked, &folio->flags), folio);
		__folio_set_anon(folio, vma, address,
				 flags & RMAP_EXCLUSIVE);
	}
	for (int i = 0; i < nr_pages; i++) {
		struct page *p = page + i;

		if (__atomic_add_fetch(&p->_mapcount.counter, 1, SIM_MO) == 0 &&
		    folio_test_large(folio))
			__atomic_add_fetch(&folio->_nr_pages_mapped.counter, 1,
					   SIM_MO);
		if (flags & RMAP_EXCLUSIVE)
			__atomic_fetch_or(&p->flags, BIT(PG_anon_exclusive),
					  SIM_MO);
	}
	folio_large_mapcount_add(folio, nr_pages);
}

/*
 * folio_add_file_rmap_ptes - @nr pages of a page-cache folio from @page
 * get a PTE mapping each (finish_fault, faultaround). PTL held. The
 * mapping's reference was taken by the caller.
 */
void folio_add_file_rmap_ptes(struct folio *folio, struct page *page,
			      int nr, struct vm_area_struct *vma)
{
	sim_yield(SIM_EV_RMW, &page->_mapcount, "folio_add_file_rmap_ptes");
	for (int i = 0; i < nr; i++)
		if (__atomic_add_fetch(&page[i]._mapcount.counter, 1,
				       SIM_MO) == 0 &&
		    folio_test_large(folio))
			__atomic_add_fetch(&folio->_nr_pages_mapped.counter, 1,
					   SIM_MO);
	folio_large_mapcount_add(folio, nr);
}

/* folio_dup_file_rmap_ptes - fork copies a file PTE (no pin rule). */
void folio_dup_file_rmap_ptes(struct folio *folio, struct page *page, int nr)
{
	for (int i = 0; i < nr; i++)
		if (atomic_inc_return(&page[i]._mapcount) == 0 &&
		    folio_test_large(folio))
			atomic_inc(&folio->_nr_pages_mapped);
	folio_large_mapcount_add(folio, nr);
}

/* folio_add_file_rmap_pmd - do_set_pmd maps the folio whole. PMD lock. */
void folio_add_file_rmap_pmd(struct folio *folio, struct page *page,
			     struct vm_area_struct *vma)
{
	atomic_inc(&folio->_entire_mapcount);
	folio_large_mapcount_add(folio, 1);
}

/* folio_add_anon_rmap_pmd - one more PMD mapping of @folio. PMD lock held. */
void folio_add_anon_rmap_pmd(struct folio *folio, struct page *page,
			     struct vm_area_struct *vma, unsigned long address,
			     rmap_t flags)
{
	atomic_inc(&folio->_entire_mapcount);
	folio_large_mapcount_add(folio, 1);
	if (flags & RMAP_EXCLUSIVE)
		SetPageAnonExclusive(page);
}

/*
 * folio_remove_rmap_ptes - @nr_pages pages from @page lose a PTE mapping
 * each. PTL held. The caller drops the mapping's references afterwards
 * (after the TLB flush, for unmaps). A large anon folio some of whose
 * pages lost their last mapping while others are still mapped is queued
 * for deferred split (mm/huge_memory.c).
 * SIM: "partially mapped" is "a page became unmapped and the folio is
 * still mapped" (kernel: the same test on _nr_pages_mapped/_large_mapcount).
 */
void folio_remove_rmap_ptes(struct folio *folio, struct page *page,
			    int nr_pages, struct vm_area_struct *vma)
{
	int nr = 0;

	sim_yield(SIM_EV_RMW, &page->_mapcount, "folio_remove_rmap_ptes");
	for (int i = 0; i < nr_pages; i++) {
		int v = __atomic_sub_fetch(&page[i]._mapcount.counter, 1,
					   SIM_MO);

		VM_BUG_ON_PAGE(v < -1, page + i);
		if (v == -1 && folio_test_large(folio)) {
			__atomic_sub_fetch(&folio->_nr_pages_mapped.counter, 1,
					   SIM_MO);
			nr++;
		}
	}
	folio_large_mapcount_add(folio, -nr_pages);
	/* still mapped: by a PTE of another page, or by a PMD */
	if (nr &&
	    (__atomic_load_n(&folio->_nr_pages_mapped.counter, SIM_MO) > 0 ||
	     __atomic_load_n(&folio->_entire_mapcount.counter, SIM_MO) >= 0) &&
	    folio_test_anon(folio) && !folio_test_partially_mapped(folio))
		deferred_split_folio(folio, true);
}

void folio_remove_rmap_pmd(struct folio *folio, struct page *page,
			   struct vm_area_struct *vma)
{
	int v = atomic_dec_return(&folio->_entire_mapcount);

	folio_large_mapcount_add(folio, -1);
	VM_BUG_ON_FOLIO(v < -1, folio);
}

/*
 * folio_move_anon_rmap - a COW fault reuses @folio: it now belongs to
 * @vma's own anon_vma, so the parent's rmap walks need not visit it.
 * Folio locked.
 */
void folio_move_anon_rmap(struct folio *folio, struct vm_area_struct *vma)
{
	unsigned long m = (unsigned long)vma->anon_vma | PAGE_MAPPING_ANON;

	VM_BUG_ON_FOLIO(!__test_bit(PG_locked, &folio->flags), folio);
	WRITE_ONCE_L(folio->mapping, (struct address_space *)m,
		     "folio_move_anon_rmap");
}

/* ---- sharing an exclusive page (fork, migration, swap) ---- */

/*
 * folio_try_dup_anon_rmap_ptes - see rmap.h. Fork's side of the pin
 * protocol: (1) write_protect_seq is odd and we hold the src PTL, then
 * (2) check whether the folio may be pinned, then (3) clear
 * PG_anon_exclusive; the caller (4) write-protects the src PTE. GUP-fast
 * (1) pins, then (2) re-checks the PTE and write_protect_seq: one of the
 * two sides sees the other.
 */
int folio_try_dup_anon_rmap_ptes(struct folio *folio, struct page *page,
				 int nr_pages, struct vm_area_struct *src_vma)
{
	bool maybe_pinned = folio_needs_cow_for_dma(src_vma, folio);

	if (unlikely(maybe_pinned)) {
		for (int i = 0; i < nr_pages; i++)
			if (PageAnonExclusive(page + i))
				return -EBUSY;
	}
	for (int i = 0; i < nr_pages; i++) {
		if (PageAnonExclusive(page + i))
			ClearPageAnonExclusive(page + i);
		if (atomic_inc_return(&page[i]._mapcount) == 0 &&
		    folio_test_large(folio))
			atomic_inc(&folio->_nr_pages_mapped);
	}
	folio_large_mapcount_add(folio, nr_pages);
	return 0;
}

int folio_try_dup_anon_rmap_pmd(struct folio *folio, struct page *page,
				struct vm_area_struct *src_vma)
{
	if (PageAnonExclusive(page)) {
		if (unlikely(folio_needs_cow_for_dma(src_vma, folio)))
			return -EBUSY;
		ClearPageAnonExclusive(page);
	}
	atomic_inc(&folio->_entire_mapcount);
	folio_large_mapcount_add(folio, 1);
	return 0;
}

/*
 * folio_try_share_anon_rmap_pte - see rmap.h: the caller (1) cleared and
 * flushed the PTE; (2) here we check for pins, (3) clear the bit.
 */
int folio_try_share_anon_rmap_pte(struct folio *folio, struct page *page)
{
	VM_WARN_ON_FOLIO(!PageAnonExclusive(page), folio);
	/*
	 * (A1) the caller cleared the PTE; (A2) check the pins; (A3) clear
	 * the bit. The smp_mb() pairs with the one after GUP-fast's pin
	 * (try_grab_folio_fast): either we see the pin, or GUP-fast's
	 * re-check sees the cleared PTE. Without it (store buffering, no
	 * barrier in a relaxed PTE clear on arm64) both can miss.
	 */
	if (!sim_regress_on(SIM_REGRESS_ANON_EXCLUSIVE_CLEAR_NO_BARRIER))
		smp_mb();
	if (unlikely(folio_maybe_dma_pinned(folio)))
		return -EBUSY;
	ClearPageAnonExclusive(page);
	/* conceptually smp_wmb(), paired with gup_must_unshare's smp_rmb() */
	smp_mb__after_atomic();
	return 0;
}

int folio_try_share_anon_rmap_pmd(struct folio *folio, struct page *page)
{
	return folio_try_share_anon_rmap_pte(folio, page);
}

/* ---- deferred unmap TLB flushes (CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH) ---- */

/*
 * The kernel keeps the batch in current->tlb_ubc; a task is a CPU here.
 * Introduced for reclaim, used by migration since 7e12beb8ca2a
 * ("migrate_pages: batch flushing TLB", Huang Ying, 2023): unmap every
 * folio of the batch, flush once (try_to_unmap_flush), then copy.
 */
struct tlbflush_unmap_batch {
	struct arch_tlbflush_unmap_batch arch;
	bool flush_required;	/* something was added since the flush */
	bool writable;		/* a dirty entry: may be written meanwhile */
};

static struct tlbflush_unmap_batch tlb_ubc[SIM_MAX_CPUS];
static uint64_t tlb_ubc_used;	/* bit per CPU whose batch was looked at */

_Static_assert(SIM_MAX_CPUS <= 64, "tlb_ubc_used is one word");

/* Clear the batches the execution used (the whole array is ~20 KiB). */
static void tlb_ubc_reset(void)
{
	for (uint64_t m = tlb_ubc_used; m; m &= m - 1)
		memset(&tlb_ubc[__builtin_ctzll(m)], 0, sizeof(tlb_ubc[0]));
	tlb_ubc_used = 0;
}

static struct tlbflush_unmap_batch *current_tlb_ubc(void)
{
	int cpu = smp_processor_id();

	sim_on_reset(tlb_ubc_reset);	/* idempotent */
	__atomic_fetch_or(&tlb_ubc_used, 1ULL << cpu, __ATOMIC_RELAXED);
	return &tlb_ubc[cpu];
}

/* Bits 0-14 of mm->tlb_flush_batched: begun; bits 16-30: flushed. */
#define TLB_FLUSH_BATCH_FLUSHED_SHIFT	16
#define TLB_FLUSH_BATCH_PENDING_MASK	\
	((1 << (TLB_FLUSH_BATCH_FLUSHED_SHIFT - 1)) - 1)
#define TLB_FLUSH_BATCH_PENDING_LARGE	(TLB_FLUSH_BATCH_PENDING_MASK / 2)

void try_to_unmap_flush(void)
{
	struct tlbflush_unmap_batch *ubc = current_tlb_ubc();

	if (!ubc->flush_required)
		return;
	arch_tlbbatch_flush(&ubc->arch);
	ubc->flush_required = false;
	ubc->writable = false;
}

void try_to_unmap_flush_dirty(void)
{
	if (current_tlb_ubc()->writable)
		try_to_unmap_flush();
}

void set_tlb_ubc_flush_pending(struct mm_struct *mm, pte_t pteval,
			       unsigned long start, unsigned long end)
{
	struct tlbflush_unmap_batch *ubc = current_tlb_ubc();
	int batch, old;

	if (!pte_accessible(mm, pteval))
		return;
	arch_tlbbatch_add_pending(&ubc->arch, &mm->context, start, end);
	ubc->flush_required = true;
	/* after the PTE was cleared (the caller's RMW, under the PTL) */
	batch = atomic_read(&mm->tlb_flush_batched);
	for (;;) {
		if ((batch & TLB_FLUSH_BATCH_PENDING_MASK) <=
		    TLB_FLUSH_BATCH_PENDING_LARGE) {
			atomic_inc(&mm->tlb_flush_batched);
			break;
		}
		/* keep `pending' from catching up with `flushed': restart */
		old = atomic_cmpxchg(&mm->tlb_flush_batched, batch, 1);
		if (old == batch)
			break;
		batch = old;
	}
	if (pte_dirty(pteval))
		ubc->writable = true;
}

bool should_defer_flush(struct mm_struct *mm, enum ttu_flags flags)
{
	if (!(flags & TTU_BATCH_FLUSH))
		return false;
	return arch_tlbbatch_should_defer(&mm->context);
}

/*
 * flush_tlb_batched_pending - see rmap.h. The race it closes (Mel
 * Gorman's "mm, mprotect: flush TLB if potentially racing with a
 * parallel reclaim leaving stale TLB entries", 2017):
 *  1. A: clears a PTE of @mm, defers its flush (a CPU may still hold the
 *     old entry);
 *  2. B: mprotect/munmap/mremap finds the PTE already none (or a
 *     migration entry) and so flushes nothing for it;
 *  3. B returns; a CPU still writes through the stale entry.
 * Both arches now flush the whole mm (arch_flush_tlb_batched_pending()):
 * arm64's was a dsb(ish) until Ryan Roberts's stable fix of 2025 (Fixes:
 * 43b3dfdd0455 "arm64: support batched/deferred tlb shootdown during page
 * reclamation/migration"): a DSB completes only the TLBIs of its own CPU.
 * The regression switch tlb-batched-pending-missing drops this call.
 */
void flush_tlb_batched_pending(struct mm_struct *mm)
{
	int batch = atomic_read(&mm->tlb_flush_batched);
	int pending = batch & TLB_FLUSH_BATCH_PENDING_MASK;
	int flushed = batch >> TLB_FLUSH_BATCH_FLUSHED_SHIFT;

	if (sim_regress_on(SIM_REGRESS_TLB_BATCHED_PENDING_MISSING))
		/*
		 * Before 3ea277194daa (Mel Gorman, 4.13): nothing here; a
		 * zap that meets an entry cleared by a batched unmap adds
		 * nothing to its own flush.
		 */
		return;
	if (pending != flushed) {
		sim_mark(mm->context.id, "flush_tlb_batched_pending");
		flush_tlb_mm(&mm->context);
		/* a new batch begun meanwhile stays pending */
		atomic_cmpxchg(&mm->tlb_flush_batched, batch,
			       pending | (pending << TLB_FLUSH_BATCH_FLUSHED_SHIFT));
	}
}

/* ---- rmap walk ---- */

/*
 * One VMA of an rmap walk: rmap_one at the folio's address in @vma, if
 * it maps pages @pgoff..+@nr there and the walk wants it. False: stop
 * the walk (rmap_one said so, or the walk is done).
 */
static bool rmap_walk_vma(struct folio *folio, struct vm_area_struct *vma,
			  unsigned long pgoff, unsigned long nr,
			  struct rmap_walk_control *rwc)
{
	unsigned long address = vma_address(vma, pgoff, nr);

	if (IS_ERR_VALUE(address))
		return true;
	if (rwc->invalid_vma && rwc->invalid_vma(vma, rwc->arg))
		return true;
	if (!rwc->rmap_one(folio, vma, address, rwc->arg))
		return false;
	return !(rwc->done && rwc->done(folio));
}

/*
 * vma_address - the address of page @pgoff (a linear page index) in
 * @vma, or -EFAULT if it lies outside. A large folio that starts before
 * the vma yields vm_start when its @nr_pages reach into the vma.
 */
unsigned long vma_address(const struct vm_area_struct *vma,
			  unsigned long pgoff, unsigned long nr_pages)
{
	unsigned long address;

	if (pgoff >= vma->vm_pgoff) {
		address = vma->vm_start +
			  ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
		if (address < vma->vm_start || address >= vma->vm_end)
			address = -EFAULT;
	} else if (pgoff + nr_pages - 1 >= vma->vm_pgoff) {
		address = vma->vm_start;
	} else {
		address = -EFAULT;
	}
	return address;
}

static void rmap_walk_anon(struct folio *folio, struct rmap_walk_control *rwc,
			   bool locked)
{
	unsigned long pgoff = folio->index, nr = folio_nr_pages(folio);
	struct anon_vma *anon_vma;
	struct anon_vma_chain *avc;

	if (locked)
		anon_vma = folio_anon_vma(folio);
	else if (rwc->anon_lock)
		anon_vma = rwc->anon_lock(folio);
	else
		anon_vma = folio_lock_anon_vma_read(folio);
	if (!anon_vma)
		return;
	/* The interval tree in order (see anon_vma_interval_tree_insert). */
	list_for_each_entry(avc, &anon_vma->rb_root, same_anon_vma) {
		if (!rmap_walk_vma(folio, avc->vma, pgoff, nr, rwc))
			break;
	}
	if (!locked)
		anon_vma_unlock_read(anon_vma);
}

/*
 * rmap_walk_file - every VMA on the folio's file's i_mmap that maps some
 * of its pages, in vm_pgoff order (the interval tree's), under
 * i_mmap_rwsem read (unless @locked). Folio locked: ->mapping is stable.
 */
static void rmap_walk_file(struct folio *folio, struct rmap_walk_control *rwc,
			   bool locked)
{
	struct address_space *mapping = folio_mapping(folio);
	unsigned long pgoff = folio->index, nr = folio_nr_pages(folio);
	struct vm_area_struct *vma;

	if (!mapping)
		return;
	if (!locked)
		i_mmap_lock_read(mapping);
	list_for_each_entry(vma, &mapping->i_mmap, shared) {
		if (!rmap_walk_vma(folio, vma, pgoff, nr, rwc))
			break;
	}
	if (!locked)
		i_mmap_unlock_read(mapping);
}

void rmap_walk(struct folio *folio, struct rmap_walk_control *rwc)
{
	if (folio_test_anon(folio))
		rmap_walk_anon(folio, rwc, false);
	else
		rmap_walk_file(folio, rwc, false);
}

void rmap_walk_locked(struct folio *folio, struct rmap_walk_control *rwc)
{
	if (folio_test_anon(folio))
		rmap_walk_anon(folio, rwc, true);
	else
		rmap_walk_file(folio, rwc, true);
}
