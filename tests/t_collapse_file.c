// SPDX-License-Identifier: GPL-2.0
/*
 * t_collapse_file - MADV_COLLAPSE of tmpfs ranges (mm/khugepaged.c:
 * collapse_file, retract_page_tables, collapse_pte_mapped_thp):
 * sequentially, the small folios of a file are replaced in the page cache
 * by one PMD-sized folio that keeps their data (holes zero), the caller's
 * range ends PMD-mapped, every other shared mapping of the file loses its
 * (empty) PTE table and refaults the huge folio by a PMD, a MAP_PRIVATE
 * mapping with COWed pages keeps its table and its own data; a pinned page
 * makes the collapse fail with the pin still coherent; a second collapse
 * is a success that does nothing. (The concurrent scenarios are
 * t_shmem_races'.) Well under a second under ASan.
 */
#include "gup.h"
#include "mm_test.h"
#include "pagemap.h"

#define HSZ HPAGE_PMD_SIZE

static const int used[] = { 1, 5, 300 };
#define NUSED (sizeof(used) / sizeof(used[0]))

static unsigned long map_file(struct mm_struct *mm, struct file *f,
			      unsigned long flags)
{
	unsigned long a;

	mmap_write_lock(mm);
	a = do_mmap_file(mm, f, 0, HSZ, PROT_READ | PROT_WRITE, flags, 0);
	mmap_write_unlock(mm);
	expect(!IS_ERR_VALUE(a), "mmap of the file: %ld", (long)a);
	return a;
}

static struct folio *cached(struct file *f, unsigned long index)
{
	return f->f_mapping->i_pages[index];
}

/* Two shared mappings: one collapses, both see one THP. */
static void file_collapse_basic(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	struct file *f = shmem_file_setup(HSZ, SHMEM_HUGE_NEVER);
	unsigned long a = map_file(mm, f, MAP_SHARED);
	unsigned long b = map_file(mm, f, MAP_SHARED);
	struct folio *folio;

	for (unsigned i = 0; i < NUSED; i++)
		mt_store(mm, (i ? b : a) + used[i] * PAGE_SIZE,
			 0x1000 + used[i]);
	expect(!folio_test_large(cached(f, 1)), "huge=never made a THP");
	expect(!pt_is_huge(mm, b) && pt_pfn(mm, b + 5 * PAGE_SIZE),
	       "b's page not PTE-mapped");
	expect(do_madvise(mm, a, HSZ, MADV_COLLAPSE) == 0, "collapse failed");
	folio = cached(f, 0);
	expect(folio && folio_order(folio) == HPAGE_PMD_ORDER &&
	       folio->index == 0 && folio->mapping == f->f_mapping,
	       "the page cache does not hold one PMD-order folio");
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		expect(cached(f, i) == folio, "slot %lu not the THP", i);
	expect(f->f_mapping->nrpages == HPAGE_PMD_NR, "nrpages %lu",
	       f->f_mapping->nrpages);
	expect(pt_is_huge(mm, a), "the caller's range is not PMD-mapped");
	/* the other mapping's table was retracted: nothing mapped there */
	expect(!pt_pfn(mm, b + 5 * PAGE_SIZE), "b's PTE table survived");
	expect(folio_ref_count(folio) == HPAGE_PMD_NR + 1 &&
	       folio_mapcount(folio) == 1,
	       "THP ref %d map %d", folio_ref_count(folio),
	       folio_mapcount(folio));
	for (unsigned i = 0; i < NUSED; i++) {
		expect(mt_load(mm, a + used[i] * PAGE_SIZE) ==
		       0x1000 + used[i], "page %d lost its data", used[i]);
		expect(mt_load(mm, b + used[i] * PAGE_SIZE) ==
		       0x1000 + used[i], "b: page %d lost its data", used[i]);
	}
	expect(pt_is_huge(mm, b), "b refaulted without a PMD");
	expect(mt_load(mm, a + 7 * PAGE_SIZE) == 0, "a hole is not zero");
	mt_store(mm, b + 7 * PAGE_SIZE, 0x77);
	expect(mt_load(mm, a + 7 * PAGE_SIZE) == 0x77, "sharing lost");
	expect(do_madvise(mm, a, HSZ, MADV_COLLAPSE) == 0,
	       "a second collapse is not a success");
	expect(cached(f, 0) == folio, "a second collapse replaced the THP");
	mt_quiescent();
	mmput(mm);
	shmem_evict(f->f_mapping);
}


/* A private mapping with a COWed page keeps its table and its copy. */
static void file_collapse_private_cow(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	struct file *f = shmem_file_setup(HSZ, SHMEM_HUGE_NEVER);
	unsigned long a = map_file(mm, f, MAP_SHARED);
	unsigned long p = map_file(mm, f, MAP_PRIVATE);

	mt_store(mm, a + PAGE_SIZE, 0x11);
	expect(mt_load(mm, p + PAGE_SIZE) == 0x11, "private sees the file");
	mt_store(mm, p + 2 * PAGE_SIZE, 0x22);	/* COW: an anon page */
	expect(do_madvise(mm, a, HSZ, MADV_COLLAPSE) == 0, "collapse failed");
	expect(folio_order(cached(f, 0)) == HPAGE_PMD_ORDER, "no THP");
	expect(!pt_is_huge(mm, p), "the private range got a PMD");
	expect(mt_load(mm, p + 2 * PAGE_SIZE) == 0x22, "the COW copy is lost");
	expect(mt_load(mm, p + PAGE_SIZE) == 0x11, "private lost the file");
	mt_store(mm, a + PAGE_SIZE, 0x33);
	expect(mt_load(mm, p + PAGE_SIZE) == 0x33,
	       "the private mapping still maps the old page");
	mt_quiescent();
	mmput(mm);
	shmem_evict(f->f_mapping);
}

/* A pinned page: the collapse fails, the pin stays coherent. */
static void file_collapse_pinned(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	struct file *f = shmem_file_setup(HSZ, SHMEM_HUGE_NEVER);
	unsigned long a = map_file(mm, f, MAP_SHARED);
	struct page *page;

	mt_store(mm, a + 5 * PAGE_SIZE, 0x55);
	expect(pin_user_pages_fast(mm, a + 5 * PAGE_SIZE, 1,
				   FOLL_WRITE | FOLL_LONGTERM, &page) == 1,
	       "pin");
	expect(do_madvise(mm, a, HSZ, MADV_COLLAPSE) == -EAGAIN,
	       "collapse of a range with a pinned page succeeded");
	expect(!folio_test_large(cached(f, 5)) && cached(f, 5) ==
	       page_folio(page), "the pinned page left the page cache");
	__atomic_store_n((uint64_t *)page_address(page), 0x77, SIM_MO);
	expect(mt_load(mm, a + 5 * PAGE_SIZE) == 0x77, "pin incoherent");
	unpin_user_page(page);
	expect(do_madvise(mm, a, HSZ, MADV_COLLAPSE) == 0,
	       "collapse after unpin failed");
	expect(mt_load(mm, a + 5 * PAGE_SIZE) == 0x77, "data lost");
	mt_quiescent();
	mmput(mm);
	shmem_evict(f->f_mapping);
}

static const struct mm_test tests[] = {
	{ "file collapse: one THP in the page cache, data kept, every shared "
	  "mapping refaults it by a PMD", file_collapse_basic },
	{ "file collapse: a private mapping with a COW copy keeps it",
	  file_collapse_private_cow },
	{ "file collapse: a pinned page makes it fail, the pin stays coherent",
	  file_collapse_pinned },
};

int main(void)
{
	int n = sizeof(tests) / sizeof(tests[0]);

	mt_setup(32UL << 20);
	plan(n);
	for (int i = 0; i < n; i++) {
		struct sim_result r = mt_run_with(tests[i].fn, NULL, NULL, 0);

		mt_report(tests[i].description, &r);
	}
	return done_testing();
}
