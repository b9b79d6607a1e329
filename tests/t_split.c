// SPDX-License-Identifier: GPL-2.0
/*
 * t_split - split_huge_page (split_folio) and the deferred split queue,
 * sequentially: a split keeps every page's data and leaves 512 order-0
 * folios with their own refcount, mapcount and PG_anon_exclusive, the
 * pages that hold only zeros mapped as the shared zero page instead; a
 * pinned folio refuses (-EAGAIN) and stays whole and mapped; a shared
 * THP splits in both processes; a partial munmap queues the folio and
 * deferred_split_scan splits it and frees the unmapped pages; a folio
 * freed while queued leaves the queue. After each execution the
 * invariants (with the leak check) hold. Runs in well under a second.
 */
#include "gup.h"
#include "mm_test.h"

#define HSZ HPAGE_PMD_SIZE

static void fill(struct mm_struct *mm, unsigned long a, unsigned long len)
{
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		mt_store(mm, a + off, 0x1000 + (off >> PAGE_SHIFT));
}

/* Each page of [a, a+len) reads its own value; none is a large folio. */
static void verify_split(struct mm_struct *mm, unsigned long a,
			 unsigned long len, int want_maps)
{
	mt_quiescent();
	for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
		unsigned long i = off >> PAGE_SHIFT;
		struct page *page = pfn_to_page(pt_pfn(mm, a + off));
		struct folio *folio = page_folio(page);

		expect(&folio->page == page && !folio_test_large(folio),
		       "page %lu still part of a large folio", i);
		expect(page_mapcount_raw(page) == want_maps,
		       "page %lu mapcount %d, want %d", i,
		       page_mapcount_raw(page), want_maps);
		expect(folio_ref_count(folio) == want_maps,
		       "page %lu refcount %d, want %d", i,
		       folio_ref_count(folio), want_maps);
		expect(mt_load(mm, a + off) == 0x1000 + i, "page %lu value", i);
	}
}

/* Split the folio mapped at @a the way the `split` op does. */
static int do_split(struct mm_struct *mm, unsigned long a)
{
	return split_huge_pages_addr(mm, a, false);
}

static void split_pmd_mapped(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	int ret;

	fill(mm, a, HSZ);
	expect(pt_is_huge(mm, a), "not a huge PMD");
	ret = do_split(mm, a);
	expect(ret == 0, "split failed: %d", ret);
	expect(!pt_is_huge(mm, a), "still PMD-mapped");
	verify_split(mm, a, HSZ, 1);
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *p = pfn_to_page(pt_pfn(mm, a + i * PAGE_SIZE));

		expect(PageAnonExclusive(p), "page %lu lost PG_anon_exclusive",
		       i);
	}
	/* Exclusive pages are reused in place by a write: no copy. */
	{
		unsigned long pfn = pt_pfn(mm, a + 7 * PAGE_SIZE);

		mt_store(mm, a + 7 * PAGE_SIZE, 0x1007);
		expect(pt_pfn(mm, a + 7 * PAGE_SIZE) == pfn,
		       "write after split copied an exclusive page");
	}
	expect(get_mm_counter(mm, MM_ANONPAGES) == HPAGE_PMD_NR, "rss");
	mmput(mm);
}

/*
 * A split maps each page that holds only zeros to the shared zero page
 * and frees it (RMP_USE_SHARED_ZEROPAGE): never written (a mark), written
 * and put back to zero (one word: a mark; two words: a real frame, its
 * dirty blocks read). A page with data (a real frame) stays mapped and
 * exclusive. A write to one of the zero pages copies it.
 */
static void split_zero_pages(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	unsigned long free0;
	int ret;

	mt_store(mm, a + 3 * PAGE_SIZE, 0x33);
	mt_store(mm, a + 3 * PAGE_SIZE + 8, 0x34);
	mt_store(mm, a + 9 * PAGE_SIZE + 16, 0x99);
	mt_store(mm, a + 9 * PAGE_SIZE + 16, 0);
	mt_store(mm, a + 11 * PAGE_SIZE, 0x1);
	mt_store(mm, a + 11 * PAGE_SIZE + 2048, 0x2);
	mt_store(mm, a + 11 * PAGE_SIZE, 0);
	mt_store(mm, a + 11 * PAGE_SIZE + 2048, 0);
	expect(pt_is_huge(mm, a), "not a huge PMD");
	mt_quiescent();
	free0 = nr_free_pages();
	ret = do_split(mm, a);
	expect(ret == 0, "split failed: %d", ret);
	mt_quiescent();
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		unsigned long pfn = pt_pfn(mm, a + i * PAGE_SIZE);

		if (i == 3) {
			expect(!is_zero_pfn(pfn) &&
			       PageAnonExclusive(pfn_to_page(pfn)) &&
			       page_mapcount_raw(pfn_to_page(pfn)) == 1,
			       "the page with data is not mapped as it was");
			continue;
		}
		expect(is_zero_pfn(pfn), "page %lu (zeros) is not the zero "
		       "page", i);
	}
	expect(get_mm_counter(mm, MM_ANONPAGES) == 1, "rss %ld, want 1",
	       get_mm_counter(mm, MM_ANONPAGES));
	expect(nr_free_pages() == free0 + HPAGE_PMD_NR - 1,
	       "%lu pages freed by the split, want %lu",
	       nr_free_pages() - free0, HPAGE_PMD_NR - 1);
	expect(mt_load(mm, a + 3 * PAGE_SIZE + 8) == 0x34 &&
	       mt_load(mm, a + 9 * PAGE_SIZE + 16) == 0 &&
	       mt_load(mm, a + 11 * PAGE_SIZE + 2048) == 0,
	       "a value changed in the split");
	mt_store(mm, a + 5 * PAGE_SIZE, 0x55);
	expect(!is_zero_pfn(pt_pfn(mm, a + 5 * PAGE_SIZE)) &&
	       mt_load(mm, a + 5 * PAGE_SIZE) == 0x55 &&
	       get_mm_counter(mm, MM_ANONPAGES) == 2,
	       "a write to a zero page after the split did not copy it");
	mmput(mm);
}

static void split_pte_mapped(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);

	fill(mm, a, HSZ);
	expect(split_huge_pages_addr(mm, a, true) == 0, "pmd split");
	expect(!pt_is_huge(mm, a), "PMD not split");
	expect(folio_test_large(page_folio(pfn_to_page(pt_pfn(mm, a)))),
	       "split_huge_pmd split the folio");
	expect(do_split(mm, a + 5 * PAGE_SIZE) == 0, "split failed");
	verify_split(mm, a, HSZ, 1);
	mmput(mm);
}

static void split_pinned_fails(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	struct page *page;
	unsigned long ok0, failed0, ok1, failed1;
	int ret;

	fill(mm, a, HSZ);
	expect(pin_user_pages_fast(mm, a + 3 * PAGE_SIZE, 1,
				   FOLL_WRITE | FOLL_LONGTERM, &page) == 1,
	       "pin");
	thp_split_stats(&ok0, &failed0);
	ret = do_split(mm, a);
	thp_split_stats(&ok1, &failed1);
	expect(ret == -EAGAIN, "split of a pinned folio returned %d", ret);
	expect(failed1 == failed0 + 1 && ok1 == ok0, "split stats");
	expect(pt_is_huge(mm, a), "pinned THP no longer PMD-mapped");
	expect(folio_test_large(page_folio(page)), "pinned folio was split");
	expect(PageAnonExclusive(&page_folio(page)->page),
	       "pinned THP lost PG_anon_exclusive");
	/* The pin stays coherent: DMA lands in what the process reads. */
	__atomic_store_n((uint64_t *)page_address(page), 0x77, SIM_MO);
	expect(mt_load(mm, a + 3 * PAGE_SIZE) == 0x77, "pin incoherent");
	unpin_user_page(page);
	mt_store(mm, a + 3 * PAGE_SIZE, 0x1003);
	expect(do_split(mm, a) == 0, "split after unpin failed");
	verify_split(mm, a, HSZ, 1);
	mmput(mm);
}

static void split_shared_with_child(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	struct mm_struct *child;

	fill(mm, a, HSZ);
	child = dup_mm(mm);
	expect(child, "fork");
	expect(pt_is_huge(child, a), "child does not share the THP");
	expect(do_split(mm, a) == 0, "split of a shared THP failed");
	expect(!pt_is_huge(mm, a) && !pt_is_huge(child, a),
	       "a PMD survived the split");
	verify_split(mm, a, HSZ, 2);
	expect(pt_pfn(child, a + 9 * PAGE_SIZE) == pt_pfn(mm, a + 9 * PAGE_SIZE),
	       "child maps another page");
	expect(!PageAnonExclusive(pfn_to_page(pt_pfn(mm, a))),
	       "a shared page is exclusive");
	/* COW after the split: the child's write does not reach the parent. */
	mm_task_bind(child);
	mt_store(child, a + 9 * PAGE_SIZE, 0xc9);
	mm_task_bind(mm);
	expect(mt_load(mm, a + 9 * PAGE_SIZE) == 0x1009, "child's write leaked");
	mm_task_bind(child);
	expect(mt_load(child, a + 9 * PAGE_SIZE) == 0xc9, "child's write lost");
	mmput(child);
	mm_task_bind(mm);
	mmput(mm);
}

static int nr_queued;

static void count_queued(struct folio *folio, void *arg)
{
	nr_queued++;
}

static int queued(void)
{
	nr_queued = 0;
	deferred_split_for_each(count_queued, NULL);
	return nr_queued;
}

static void deferred_split_after_munmap(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	unsigned long before;

	fill(mm, a, HSZ);
	expect(queued() == 0, "queue not empty at start");
	expect(vm_munmap(mm, a + 100 * PAGE_SIZE, 3 * PAGE_SIZE) == 0,
	       "munmap");
	expect(queued() == 1, "partially unmapped THP not queued (%d)",
	       queued());
	before = nr_allocated_pages();
	expect(deferred_split_scan() == 1, "deferred_split_scan split nothing");
	expect(queued() == 0, "queue not empty after the scan");
	expect(nr_allocated_pages() == before - 3,
	       "the 3 unmapped pages were not freed (%lu -> %lu)", before,
	       nr_allocated_pages());
	verify_split(mm, a, 100 * PAGE_SIZE, 1);
	mmput(mm);
}

static void deferred_split_pinned_requeued(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	struct page *page;

	fill(mm, a, HSZ);
	expect(do_madvise(mm, a, 8 * PAGE_SIZE, MADV_DONTNEED) == 0, "madvise");
	expect(queued() == 1, "partially zapped THP not queued");
	expect(pin_user_pages_fast(mm, a + 9 * PAGE_SIZE, 1, FOLL_WRITE,
				   &page) == 1, "pin");
	expect(deferred_split_scan() == 0, "a pinned folio was split");
	expect(queued() == 1, "a folio that could not be split left the queue");
	unpin_user_page(page);
	expect(deferred_split_scan() == 1, "not split after unpin");
	mmput(mm);
}

static void freed_folio_leaves_queue(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);

	fill(mm, a, HSZ);
	expect(vm_munmap(mm, a, PAGE_SIZE) == 0, "munmap");
	expect(queued() == 1, "not queued");
	expect(vm_munmap(mm, a, HSZ) == 0, "munmap");
	expect(queued() == 0, "a freed folio is still queued");
	expect(deferred_split_scan() == 0, "split a freed folio");
	mmput(mm);
}

static const struct mm_test tests[] = {
	{ "split of a PMD-mapped THP keeps every page's data; 512 order-0 "
	  "folios with their own counts and PG_anon_exclusive",
	  split_pmd_mapped },
	{ "split maps the pages that hold only zeros (never written, or put "
	  "back to zero) to the shared zero page and frees them; a page with "
	  "data stays; a write copies a zero page", split_zero_pages },
	{ "split of a PTE-mapped THP keeps every page's data",
	  split_pte_mapped },
	{ "a pinned THP is not split (-EAGAIN), stays PMD-mapped and the pin "
	  "coherent; after unpin it splits", split_pinned_fails },
	{ "split of a THP shared with a child splits both mappings; COW "
	  "after it stays private", split_shared_with_child },
	{ "partial munmap queues the THP; deferred_split_scan splits it and "
	  "frees the unmapped pages", deferred_split_after_munmap },
	{ "deferred_split_scan keeps a pinned folio queued, splits it after "
	  "unpin", deferred_split_pinned_requeued },
	{ "a queued folio freed by munmap leaves the queue",
	  freed_folio_leaves_queue },
};

int main(void)
{
	return mm_test_main(tests, sizeof(tests) / sizeof(tests[0]),
			    16UL << 20);
}
