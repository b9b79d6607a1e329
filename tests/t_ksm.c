// SPDX-License-Identifier: GPL-2.0
/*
 * t_ksm - KSM merging (mm/ksm.c), sequentially, in the spirit of the
 * kernel's ksm_functional_tests.c: identical pages of a mergeable range
 * share one read-only KSM page; a write copies it (never reused); a
 * range that is not mergeable, or a page with different data, is left
 * alone; a pinned page is not merged and its pin stays reliable; pages
 * of two processes merge; a THP is split to merge its pages; a freed KSM
 * page is not used again. After each execution the invariants (with the
 * leak check) hold. ksmd's full scans need two to merge a fresh pair (the
 * checksum filter); MADV_UNMERGEABLE unshares every KSM page of the range
 * (ksm_functional_tests.c's test_unmerge and test_unmerge_discarded).
 * Runs in well under a second.
 */
#include "gup.h"
#include "ksm.h"
#include "mm_test.h"

static unsigned long mergeable_mmap(struct mm_struct *mm, unsigned long len)
{
	unsigned long a = mt_mmap(mm, len);

	expect(do_madvise(mm, a, len, MADV_MERGEABLE) == 0, "madvise");
	return a;
}

static struct folio *folio_at(struct mm_struct *mm, unsigned long va)
{
	return page_folio(pfn_to_page(pt_pfn(mm, va)));
}

static void merge_two(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mergeable_mmap(mm, 3 * PAGE_SIZE);
	unsigned long before;
	struct folio *k;

	mt_store(mm, a, 0x7);
	mt_store(mm, a + PAGE_SIZE, 0x7);
	mt_store(mm, a + 2 * PAGE_SIZE, 0x9);
	before = nr_allocated_pages();
	/* the first scan only records the checksums */
	expect(ksm_merge_range(mm, a, 3 * PAGE_SIZE) == 0,
	       "merged at the first scan");
	expect(ksm_merge_range(mm, a, 3 * PAGE_SIZE) == 1, "not merged");
	expect(pt_pfn(mm, a) == pt_pfn(mm, a + PAGE_SIZE),
	       "identical pages map different frames");
	expect(pt_pfn(mm, a + 2 * PAGE_SIZE) != pt_pfn(mm, a),
	       "a different page was merged");
	k = folio_at(mm, a);
	expect(folio_test_ksm(k), "not a KSM folio");
	expect(!PageAnonExclusive(&k->page), "KSM page exclusive");
	expect(folio_mapcount(k) == 2 && folio_ref_count(k) == 2,
	       "KSM folio mapcount %d refcount %d", folio_mapcount(k),
	       folio_ref_count(k));
	{
		pte_t pte;
		pmd_t pmd;

		pt_lookup(mm, a, &pte, &pmd);
		expect(!pte_write(pte), "KSM page mapped writable");
	}
	expect(nr_allocated_pages() == before - 1, "no page freed");
	expect(mt_load(mm, a) == 0x7 && mt_load(mm, a + PAGE_SIZE) == 0x7,
	       "values changed");
	mt_quiescent();
	mmput(mm);
}

static void write_copies(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mergeable_mmap(mm, 2 * PAGE_SIZE);
	unsigned long kpfn;

	mt_store(mm, a, 0x7);
	mt_store(mm, a + PAGE_SIZE, 0x7);
	ksm_merge_range(mm, a, 2 * PAGE_SIZE);
	ksm_merge_range(mm, a, 2 * PAGE_SIZE);
	kpfn = pt_pfn(mm, a);
	expect(kpfn == pt_pfn(mm, a + PAGE_SIZE), "not merged");
	mt_store(mm, a + PAGE_SIZE, 0x8);
	expect(pt_pfn(mm, a + PAGE_SIZE) != kpfn,
	       "a write reused the KSM page");
	expect(mt_load(mm, a) == 0x7 && mt_load(mm, a + PAGE_SIZE) == 0x8,
	       "values after the COW");
	/* The last mapper's write copies too: a KSM page is never reused. */
	mt_store(mm, a, 0x9);
	expect(pt_pfn(mm, a) != kpfn, "the last mapping reused the KSM page");
	mt_quiescent();
	mmput(mm);
}

static void not_mergeable(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, 2 * PAGE_SIZE);

	mt_store(mm, a, 0x7);
	mt_store(mm, a + PAGE_SIZE, 0x7);
	expect(ksm_merge_range(mm, a, 2 * PAGE_SIZE) == 0,
	       "merged without MADV_MERGEABLE");
	expect(pt_pfn(mm, a) != pt_pfn(mm, a + PAGE_SIZE), "shared a frame");
	mmput(mm);
}

static void pinned_not_merged(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mergeable_mmap(mm, 2 * PAGE_SIZE);
	struct page *page;

	mt_store(mm, a, 0x7);
	mt_store(mm, a + PAGE_SIZE, 0x7);
	expect(pin_user_pages_fast(mm, a + PAGE_SIZE, 1, FOLL_LONGTERM,
				   &page) == 1, "pin");
	ksm_merge_range(mm, a, 2 * PAGE_SIZE);
	expect(ksm_merge_range(mm, a, 2 * PAGE_SIZE) == 0,
	       "a pinned page was merged");
	expect(pt_pfn(mm, a + PAGE_SIZE) == page_to_pfn(page),
	       "the pinned page is no longer mapped");
	mt_store(mm, a + PAGE_SIZE, 0x8);
	expect(__atomic_load_n((uint64_t *)page_address(page), SIM_MO) == 0x8,
	       "R/O pin does not see the process's write");
	unpin_user_page(page);
	mmput(mm);
}

static void two_processes(void *arg)
{
	struct mm_struct *m1 = mt_new_mm();
	unsigned long a = mergeable_mmap(m1, PAGE_SIZE);
	struct mm_struct *m2 = mt_new_mm();
	unsigned long b = mergeable_mmap(m2, PAGE_SIZE);

	mm_task_bind(m1);
	mt_store(m1, a, 0x5);
	mm_task_bind(m2);
	mt_store(m2, b, 0x5);
	ksm_merge_range(m1, a, PAGE_SIZE);
	ksm_merge_range(m2, b, PAGE_SIZE);
	expect(ksm_merge_range(m1, a, PAGE_SIZE) == 0, "merged alone");
	expect(ksm_merge_range(m2, b, PAGE_SIZE) == 1, "not merged");
	expect(pt_pfn(m1, a) == pt_pfn(m2, b), "not one frame");
	expect(mt_load(m2, b) == 0x5, "value");
	mmput(m2);
	mm_task_bind(m1);
	expect(mt_load(m1, a) == 0x5, "value after the other exited");
	mt_quiescent();
	mmput(m1);
}

static void thp_is_split(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mergeable_mmap(mm, 2 * HPAGE_PMD_SIZE);
	unsigned long b = a + HPAGE_PMD_SIZE + 5 * PAGE_SIZE;

	/* Two THPs; page 0 of one and page 5 of the other are identical. */
	mt_store(mm, a, 0x3);
	mt_store(mm, b, 0x3);
	expect(pt_is_huge(mm, a) && pt_is_huge(mm, b), "no THPs");
	ksm_merge_range(mm, a, PAGE_SIZE);
	ksm_merge_range(mm, b, PAGE_SIZE);
	expect(ksm_merge_range(mm, a, PAGE_SIZE) == 0, "merged alone");
	expect(ksm_merge_range(mm, b, PAGE_SIZE) == 1, "not merged");
	expect(!pt_is_huge(mm, a) && !pt_is_huge(mm, b), "THPs not split");
	expect(pt_pfn(mm, a) == pt_pfn(mm, b),
	       "the two pages do not share a frame");
	expect(mt_load(mm, b) == 0x3 && mt_load(mm, a + PAGE_SIZE) == 0 &&
		       mt_load(mm, b + PAGE_SIZE) == 0,
	       "values");
	mt_quiescent();
	mmput(mm);
}

static void freed_ksm_page_not_reused(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mergeable_mmap(mm, 4 * PAGE_SIZE);

	mt_store(mm, a, 0x7);
	mt_store(mm, a + PAGE_SIZE, 0x7);
	ksm_merge_range(mm, a, 2 * PAGE_SIZE);
	ksm_merge_range(mm, a, 2 * PAGE_SIZE);
	expect(folio_test_ksm(folio_at(mm, a)), "not merged");
	expect(vm_munmap(mm, a, 2 * PAGE_SIZE) == 0, "munmap");
	/* The KSM folio is freed; its stable node must not match again. */
	mt_store(mm, a + 2 * PAGE_SIZE, 0x7);
	ksm_merge_range(mm, a + 2 * PAGE_SIZE, PAGE_SIZE);
	expect(ksm_merge_range(mm, a + 2 * PAGE_SIZE, PAGE_SIZE) == 0,
	       "merged with a freed KSM page");
	expect(!folio_test_ksm(folio_at(mm, a + 2 * PAGE_SIZE)),
	       "mapped a freed KSM page");
	expect(mt_load(mm, a + 2 * PAGE_SIZE) == 0x7, "value");
	mmput(mm);
}

/* ksmd: a fresh pair merges at the second full scan, not the first. */
static void ksmd_two_scans(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mergeable_mmap(mm, 2 * PAGE_SIZE);
	unsigned long scans = ksm_full_scans();

	mt_store(mm, a, 0x7);
	mt_store(mm, a + PAGE_SIZE, 0x7);
	expect(ksm_do_scan(1) == 0, "merged at the first full scan");
	expect(pt_pfn(mm, a) != pt_pfn(mm, a + PAGE_SIZE), "shared a frame");
	expect(ksm_do_scan(1) == 1, "not merged at the second full scan");
	expect(pt_pfn(mm, a) == pt_pfn(mm, a + PAGE_SIZE), "not one frame");
	expect(ksm_full_scans() == scans + 2, "full scans %lu",
	       ksm_full_scans() - scans);
	mt_quiescent();
	mmput(mm);
}

/* A page whose content changed since the previous scan is not a
 * candidate: it merges one scan after it stopped changing. */
static void volatile_page_waits(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mergeable_mmap(mm, 2 * PAGE_SIZE);

	mt_store(mm, a, 0x7);
	mt_store(mm, a + PAGE_SIZE, 0x6);
	expect(ksm_do_scan(1) == 0, "merged different pages");
	mt_store(mm, a + PAGE_SIZE, 0x7);
	expect(ksm_do_scan(1) == 0, "merged a page that just changed");
	expect(ksm_do_scan(1) == 1, "not merged once stable");
	expect(mt_load(mm, a + PAGE_SIZE) == 0x7, "value");
	mt_quiescent();
	mmput(mm);
}

/* Does any frame back two pages of [a, a + n pages)? */
static bool maps_duplicates(struct mm_struct *mm, unsigned long a, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			unsigned long pi = pt_pfn(mm, a + i * PAGE_SIZE);

			if (pi && pi == pt_pfn(mm, a + j * PAGE_SIZE))
				return true;
		}
	return false;
}

/* ksm_functional_tests.c test_unmerge: MADV_UNMERGEABLE unshares every
 * KSM page of the range; the data stays. */
static void unmerge(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mergeable_mmap(mm, 4 * PAGE_SIZE);

	for (int i = 0; i < 4; i++)
		mt_store(mm, a + i * PAGE_SIZE, 0xcf);
	ksm_do_scan(2);
	expect(maps_duplicates(mm, a, 4), "nothing merged");
	expect(do_madvise(mm, a, 4 * PAGE_SIZE, MADV_UNMERGEABLE) == 0,
	       "MADV_UNMERGEABLE");
	expect(!maps_duplicates(mm, a, 4), "pages were not unmerged");
	for (int i = 0; i < 4; i++) {
		expect(!folio_test_ksm(folio_at(mm, a + i * PAGE_SIZE)),
		       "a KSM page is still mapped");
		expect(mt_load(mm, a + i * PAGE_SIZE) == 0xcf, "value");
	}
	/* no longer mergeable: another scan merges nothing */
	expect(ksm_do_scan(2) == 0, "merged after MADV_UNMERGEABLE");
	mt_quiescent();
	mmput(mm);
}

/* test_unmerge_discarded: half the range discarded (pte_none) first. */
static void unmerge_discarded(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mergeable_mmap(mm, 4 * PAGE_SIZE);

	for (int i = 0; i < 4; i++)
		mt_store(mm, a + i * PAGE_SIZE, 0xcf);
	ksm_do_scan(2);
	expect(do_madvise(mm, a, 2 * PAGE_SIZE, MADV_DONTNEED) == 0,
	       "MADV_DONTNEED");
	expect(do_madvise(mm, a, 4 * PAGE_SIZE, MADV_UNMERGEABLE) == 0,
	       "MADV_UNMERGEABLE");
	expect(!maps_duplicates(mm, a, 4), "pages were not unmerged");
	expect(mt_load(mm, a) == 0 && mt_load(mm, a + 3 * PAGE_SIZE) == 0xcf,
	       "values");
	mt_quiescent();
	mmput(mm);
}

static const struct mm_test tests[] = {
	{ "Identical pages of a mergeable range share one read-only, "
	  "non-exclusive KSM page; the other page is freed", merge_two },
	{ "A write to a KSM page copies it, even from its last mapping",
	  write_copies },
	{ "Nothing is merged without MADV_MERGEABLE", not_mergeable },
	{ "A R/O pinned page is not merged; the pin sees later writes",
	  pinned_not_merged },
	{ "Identical pages of two processes merge", two_processes },
	{ "THPs are split so that their pages can merge", thp_is_split },
	{ "A freed KSM page is not merged with again",
	  freed_ksm_page_not_reused },
	{ "ksmd needs two full scans to merge a fresh pair (checksum, then "
	  "the unstable tree)", ksmd_two_scans },
	{ "A page that changed since the previous scan is not merged",
	  volatile_page_waits },
	{ "Pages were unmerged (MADV_UNMERGEABLE)", unmerge },
	{ "Pages were unmerged with half the range discarded",
	  unmerge_discarded },
};

int main(void)
{
	return mm_test_main(tests, sizeof(tests) / sizeof(tests[0]),
			    16UL << 20);
}
