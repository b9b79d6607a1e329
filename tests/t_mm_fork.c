// SPDX-License-Identifier: GPL-2.0
/*
 * t_mm_fork - fork and COW with PG_anon_exclusive, sequentially (the
 * parent and the child are two tasks; completions order them). Names
 * follow tools/testing/selftests/mm/cow.c. After each execution the
 * invariants hold and nothing leaked. Runs in about a second.
 */
#include "mm_test.h"

#define N 8

struct fork_ctx {
	struct mm_struct *child_mm;
	unsigned long a, len;
	struct completion child_done;
	bool child_stores;
	int expect_child;	/* 0: own values, 1: zeros, 2: SIGSEGV */
};

static struct fork_ctx fc;

static void child_task(void *arg)
{
	struct mm_struct *mm = fc.child_mm;
	uint64_t v;

	mm_task_bind(mm);
	for (unsigned long off = 0; off < fc.len; off += PAGE_SIZE) {
		int err = mm_user_load(mm, fc.a + off, &v);

		if (fc.expect_child == 2) {
			expect(err == -EFAULT, "DONTFORK page mapped in child");
			continue;
		}
		expect(!err && v == (fc.expect_child ? 0 : off + 1),
		       "child sees %#lx at +%#lx", (unsigned long)v, off);
		if (fc.child_stores)
			mt_store(mm, fc.a + off, 0xc000 + off);
	}
	if (fc.child_stores)
		for (unsigned long off = 0; off < fc.len; off += PAGE_SIZE)
			expect(mt_load(mm, fc.a + off) == 0xc000 + off,
			       "child lost its store at +%#lx", off);
	mmput(mm);
	complete(&fc.child_done);
}

/* Map @len, fill, fork a child task running child_task. */
static struct mm_struct *setup_and_fork(unsigned long len, bool child_stores,
					int madv)
{
	struct mm_struct *mm = mt_new_mm();

	fc.len = len;
	fc.a = mt_mmap(mm, len);
	fc.child_stores = child_stores;
	fc.expect_child = madv == MADV_WIPEONFORK ? 1 :
			  madv == MADV_DONTFORK ? 2 : 0;
	init_completion(&fc.child_done);
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		mt_store(mm, fc.a + off, off + 1);
	if (madv)
		do_madvise(mm, fc.a, len, madv);
	fc.child_mm = dup_mm(mm);
	expect(fc.child_mm, "fork failed");
	sim_task_create("child", child_task, NULL);
	return mm;
}

static void parent_cow(struct mm_struct *mm)
{
	for (unsigned long off = 0; off < fc.len; off += PAGE_SIZE)
		mt_store(mm, fc.a + off, 0xa000 + off);
	wait_for_completion(&fc.child_done);
	mt_quiescent();
	for (unsigned long off = 0; off < fc.len; off += PAGE_SIZE)
		expect(mt_load(mm, fc.a + off) == 0xa000 + off,
		       "parent lost its store at +%#lx", off);
}

static void cow_small(void *arg)
{
	struct mm_struct *mm = setup_and_fork(N * PAGE_SIZE, true, 0);

	parent_cow(mm);
	mmput(mm);
}

static void cow_thp(void *arg)
{
	struct mm_struct *mm = setup_and_fork(HPAGE_PMD_SIZE, true, 0);

	expect(pt_is_huge(mm, fc.a) && pt_is_huge(fc.child_mm, fc.a),
	       "THP not shared by PMD after fork");
	parent_cow(mm);
	mmput(mm);
}

/* After the child exits, a COW fault reuses the page: no copy. */
static void reuse_after_child_exit(void *arg)
{
	unsigned long len = (unsigned long)arg;
	struct mm_struct *mm = setup_and_fork(len, false, 0);
	unsigned long pfn = pt_pfn(mm, fc.a);

	wait_for_completion(&fc.child_done);
	expect(!PageAnonExclusive(pfn_to_page(pfn)),
	       "still exclusive after fork");
	mt_store(mm, fc.a, 77);
	expect(pt_pfn(mm, fc.a) == pfn, "COW copied instead of reusing");
	expect(PageAnonExclusive(pfn_to_page(pfn)), "reused page not "
						    "marked exclusive");
	mmput(mm);
}

static void reuse_small(void *arg)
{
	reuse_after_child_exit((void *)(N * PAGE_SIZE));
}

static void reuse_thp(void *arg)
{
	reuse_after_child_exit((void *)HPAGE_PMD_SIZE);
}

static void wipeonfork(void *arg)
{
	struct mm_struct *mm = setup_and_fork(N * PAGE_SIZE, false,
					      MADV_WIPEONFORK);

	wait_for_completion(&fc.child_done);
	for (unsigned long off = 0; off < fc.len; off += PAGE_SIZE)
		expect(mt_load(mm, fc.a + off) == off + 1, "parent changed");
	mmput(mm);
}

static void dontfork(void *arg)
{
	struct mm_struct *mm = setup_and_fork(N * PAGE_SIZE, false,
					      MADV_DONTFORK);

	parent_cow(mm);
	mmput(mm);
}

/* ---- pinned pages: fork copies them at once ---- */

static struct folio *pinned;
static long pin_refs(struct folio *folio, void *arg)
{
	if (folio != pinned)
		return 0;
	return folio_test_large(folio) ? 1 : GUP_PIN_COUNTING_BIAS;
}

/* SIM: what FOLL_PIN does to the counts (GUP proper comes later). */
static void fake_pin(struct mm_struct *mm, struct folio *folio)
{
	set_bit(MMF_HAS_PINNED, &mm->flags);
	pinned = folio;
	if (folio_test_large(folio)) {
		atomic_inc(&folio->_pincount);
		folio_ref_add(folio, 1);
	} else {
		folio_ref_add(folio, GUP_PIN_COUNTING_BIAS);
	}
}

static void fake_unpin(struct folio *folio)
{
	if (folio_test_large(folio)) {
		atomic_dec(&folio->_pincount);
		folio_put(folio);
	} else {
		folio_put_refs(folio, GUP_PIN_COUNTING_BIAS);
	}
	pinned = NULL;
}

static void pinned_fork(void *arg)
{
	unsigned long len = (unsigned long)arg;
	struct mm_struct *mm = mt_new_mm();
	struct folio *folio;
	unsigned long a = mt_mmap(mm, len), pfn;
	struct mm_struct *child;
	pte_t pte;
	pmd_t pmd;

	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		mt_store(mm, a + off, off + 1);
	pfn = pt_pfn(mm, a);
	folio = page_folio(pfn_to_page(pfn));
	fake_pin(mm, folio);
	child = dup_mm(mm);
	pt_lookup(mm, a, &pte, &pmd);
	expect(pmd_trans_huge(pmd) ? pmd_write(pmd) : pte_write(pte),
	       "pinned page write-protected in the parent");
	expect(pt_pfn(child, a) != pfn, "child shares the pinned page");
	expect(pt_pfn(mm, a) == pfn, "parent lost the pinned page");
	/* The child's copy has the contents; the parent writes in place. */
	mm_task_bind(child);
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		expect(mt_load(child, a + off) == off + 1, "copy differs");
	mm_task_bind(mm);
	mt_store(mm, a, 99);
	expect(pt_pfn(mm, a) == pfn, "parent's write moved the pinned page");
	mt_quiescent();
	fake_unpin(folio);
	mmput(child);
	mmput(mm);
}

static void pinned_small(void *arg)
{
	pinned_fork((void *)(N * PAGE_SIZE));
}

static void pinned_thp(void *arg)
{
	pinned_fork((void *)HPAGE_PMD_SIZE);
}

/* ---- unshare (what a R/O FOLL_PIN of a shared page triggers) ---- */

static vm_fault_t unshare_fault(struct mm_struct *mm, unsigned long va)
{
	vm_fault_t ret;

	mmap_read_lock(mm);
	ret = handle_mm_fault(find_vma(mm, va), va, FAULT_FLAG_UNSHARE, NULL);
	mmap_read_unlock(mm);
	return ret;
}

static void unshare(void *arg)
{
	unsigned long len = (unsigned long)arg;
	struct mm_struct *mm = mt_new_mm(), *child;
	unsigned long a = mt_mmap(mm, len), pfn;
	pte_t pte;
	pmd_t pmd;

	mt_store(mm, a, 5);
	child = dup_mm(mm);
	pfn = pt_pfn(mm, a);
	expect(unshare_fault(mm, a) == 0, "unshare fault failed");
	pt_lookup(mm, a, &pte, &pmd);
	expect(pte_present(pte) && !pte_write(pte) && pte_pfn(pte) != pfn &&
		       PageAnonExclusive(pte_page(pte)),
	       "unshare did not map an exclusive read-only copy");
	expect(mt_load(mm, a) == 5, "copy differs");
	/* Exclusive now: a second unshare has nothing to do. */
	expect(unshare_fault(mm, a) == 0 && pt_pfn(mm, a) == pte_pfn(pte),
	       "unshare of an exclusive page changed it");
	mt_quiescent();
	mmput(child);
	mmput(mm);
}

static void unshare_small(void *arg)
{
	unshare((void *)PAGE_SIZE);
}

static void unshare_thp(void *arg)
{
	unshare((void *)HPAGE_PMD_SIZE);
}

/* ---- rmap ---- */

static int rmap_hits;
static struct mm_struct *rmap_seen[4];

/* rmap_one: count the PTEs page_vma_mapped_walk finds for the folio. */
static bool count_one(struct folio *folio, struct vm_area_struct *vma,
		      unsigned long addr, void *arg)
{
	DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr, 0);

	while (page_vma_mapped_walk(&pvmw))
		if (pvmw.address == *(unsigned long *)arg && rmap_hits < 4)
			rmap_seen[rmap_hits++] = vma->vm_mm;
	return true;
}

static int walk(struct mm_struct *mm, unsigned long a)
{
	struct folio *folio = page_folio(pfn_to_page(pt_pfn(mm, a)));
	struct rmap_walk_control rwc = { .arg = &a, .rmap_one = count_one };

	rmap_hits = 0;
	folio_lock(folio);
	rmap_walk(folio, &rwc);
	folio_unlock(folio);
	return rmap_hits;
}

static void rmap_finds_all(void *arg)
{
	struct mm_struct *mm = mt_new_mm(), *child;
	unsigned long a = mt_mmap(mm, 4 * PAGE_SIZE);

	mt_store(mm, a, 1);
	expect(walk(mm, a) == 1 && rmap_seen[0] == mm, "rmap before fork");
	child = dup_mm(mm);
	expect(walk(mm, a) == 2, "rmap_walk found %d mappings after fork, "
				 "want 2", rmap_hits);
	mm_task_bind(child);
	mt_store(child, a, 2);	/* COW: the child's copy is its own */
	expect(walk(child, a) == 1 && rmap_seen[0] == child,
	       "the child's copy is visible to other rmap walks");
	mm_task_bind(mm);
	expect(walk(mm, a) >= 1, "parent's page lost from rmap");
	mt_quiescent();
	mmput(child);
	mmput(mm);
}

static int pvmw_count(struct mm_struct *mm, unsigned long a, int *huge)
{
	struct folio *folio = page_folio(pfn_to_page(pt_pfn(mm, a)));
	DEFINE_FOLIO_VMA_WALK(pvmw, folio, find_vma(mm, a), a, 0);
	int n = 0;

	*huge = 0;
	folio_lock(folio);
	while (page_vma_mapped_walk(&pvmw)) {
		n++;
		*huge += !pvmw.pte;
	}
	folio_unlock(folio);
	return n;
}

static void pvmw_thp(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HPAGE_PMD_SIZE);
	int huge, n;

	mt_store(mm, a, 1);
	mmap_read_lock(mm);
	n = pvmw_count(mm, a, &huge);
	expect(n == 1 && huge == 1, "PMD-mapped THP: %d hits, %d huge", n,
	       huge);
	mmap_read_unlock(mm);
	do_madvise(mm, a + 10 * PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED);
	mmap_read_lock(mm);
	n = pvmw_count(mm, a, &huge);
	expect(n == HPAGE_PMD_NR - 2 && huge == 0,
	       "PTE-mapped THP: %d hits (want %lu), %d huge", n,
	       HPAGE_PMD_NR - 2, huge);
	mmap_read_unlock(mm);
	mmput(mm);
}

static const struct mm_test tests[] = {
	{ "No leak from parent into child, nor back (4 KiB COW)", cow_small },
	{ "No leak from parent into child, nor back (THP COW)", cow_thp },
	{ "COW reuses the page once the child exited (4 KiB)", reuse_small },
	{ "COW reuses the THP once the child exited", reuse_thp },
	{ "MADV_WIPEONFORK: the child sees zeroes", wipeonfork },
	{ "MADV_DONTFORK: the child has no mapping", dontfork },
	{ "Pinned page is copied at fork, stays writable in the parent", pinned_small },
	{ "Pinned THP: fork splits and copies, parent keeps it", pinned_thp },
	{ "Unshare fault maps an exclusive R/O copy of a shared page", unshare_small },
	{ "Unshare fault on a shared THP copies one page", unshare_thp },
	{ "rmap_walk + page_vma_mapped_walk find every mapping of a forked page", rmap_finds_all },
	{ "page_vma_mapped_walk finds a THP's PMD, then its PTEs after a split", pvmw_thp },
};

int main(void)
{
	mm_invariants_set_extra_refs(pin_refs, NULL);
	return mm_test_main(tests, sizeof(tests) / sizeof(tests[0]),
			    64UL << 20);
}
