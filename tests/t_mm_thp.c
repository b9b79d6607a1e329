// SPDX-License-Identifier: GPL-2.0
/*
 * t_mm_thp - PMD-mapped THPs, sequentially: the fault, the huge zero
 * folio, split of the PMD (by a partial munmap, by MADV_DONTNEED of part,
 * by split_huge_pmd itself), and the THP modes. After each execution the
 * invariants hold and nothing leaked. Runs in about a second.
 */
#include "mm_test.h"

#define HSZ HPAGE_PMD_SIZE

/* Fill a THP range with distinct values, one word per page. */
static void fill(struct mm_struct *mm, unsigned long a, unsigned long len)
{
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		mt_store(mm, a + off, 0x1000 + (off >> PAGE_SHIFT));
}

/* Pages with index in [skip_from, skip_to) must read 0, others theirs. */
static void verify(struct mm_struct *mm, unsigned long a, unsigned long len,
		   unsigned long skip_from, unsigned long skip_to)
{
	mt_quiescent();
	for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
		unsigned long i = off >> PAGE_SHIFT;
		uint64_t want = (i >= skip_from && i < skip_to) ? 0 : 0x1000 + i;
		uint64_t got = mt_load(mm, a + off);

		expect(got == want, "page %lu: %#lx, want %#lx", i,
		       (unsigned long)got, (unsigned long)want);
	}
}

static void thp_fault(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	struct page *head;

	expect(IS_ALIGNED(a, HSZ), "mapping not PMD-aligned: %#lx", a);
	mt_store(mm, a + 5 * PAGE_SIZE, 5);
	expect(pt_is_huge(mm, a), "write fault did not map a huge PMD");
	head = pfn_to_page(pt_pfn(mm, a));
	expect(folio_test_large(page_folio(head)) && PageAnonExclusive(head),
	       "THP head not exclusive");
	expect(get_mm_counter(mm, MM_ANONPAGES) == HPAGE_PMD_NR, "rss");
	fill(mm, a, HSZ);
	verify(mm, a, HSZ, 0, 0);
	mmput(mm);
}

static void huge_zero_then_write(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	pte_t pte;
	pmd_t pmd;

	expect(mt_load(mm, a + 3 * PAGE_SIZE) == 0, "not zero");
	pt_lookup(mm, a, &pte, &pmd);
	expect(is_huge_zero_pmd(pmd), "read fault did not map the huge zero "
				      "folio");
	/* 6.18 (docs/fidelity.md): the write maps a new THP in its place */
	mt_store(mm, a + 3 * PAGE_SIZE, 33);
	pt_lookup(mm, a, &pte, &pmd);
	expect(pt_is_huge(mm, a) && !is_huge_zero_pmd(pmd),
	       "write to the huge zero PMD did not map a THP");
	expect(PageAnonExclusive(pfn_to_page(pt_pfn(mm, a))),
	       "the new THP is not exclusive");
	expect(get_mm_counter(mm, MM_ANONPAGES) == HPAGE_PMD_NR, "rss");
	expect(mt_load(mm, a + 3 * PAGE_SIZE) == 33, "store lost");
	expect(mt_load(mm, a + 4 * PAGE_SIZE) == 0, "neighbour not zero");
	mmput(mm);
}

static void partial_munmap(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	uint64_t v;

	fill(mm, a, HSZ);
	expect(vm_munmap(mm, a + 100 * PAGE_SIZE, 3 * PAGE_SIZE) == 0,
	       "munmap");
	expect(!pt_is_huge(mm, a), "PMD not split by partial munmap");
	expect(mm_user_load(mm, a + 101 * PAGE_SIZE, &v) == -EFAULT,
	       "unmapped part still accessible");
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		if (i >= 100 && i < 103)
			continue;
		expect(mt_load(mm, a + i * PAGE_SIZE) == 0x1000 + i,
		       "page %lu changed", i);
	}
	expect(get_mm_counter(mm, MM_ANONPAGES) == HPAGE_PMD_NR - 3, "rss");
	/* A write to a PTE-mapped THP page that is exclusive reuses it. */
	mt_store(mm, a + 7 * PAGE_SIZE, 0x1007);
	mmput(mm);
}

static void dontneed_part(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);

	fill(mm, a, HSZ);
	expect(do_madvise(mm, a + 16 * PAGE_SIZE, 16 * PAGE_SIZE,
			  MADV_DONTNEED) == 0, "madvise");
	expect(!pt_is_huge(mm, a), "PMD not split by partial DONTNEED");
	verify(mm, a, HSZ, 16, 32);
	/* DONTNEED of the whole range frees the (PTE-mapped) folio. */
	expect(do_madvise(mm, a, HSZ, MADV_DONTNEED) == 0, "madvise");
	expect(get_mm_counter(mm, MM_ANONPAGES) == 0, "rss %ld",
	       get_mm_counter(mm, MM_ANONPAGES));
	verify(mm, a, HSZ, 0, HPAGE_PMD_NR);
	mmput(mm);
}

static void dontneed_whole(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, 2 * HSZ);

	fill(mm, a, 2 * HSZ);
	expect(do_madvise(mm, a + HSZ, HSZ, MADV_DONTNEED) == 0, "madvise");
	expect(pt_is_huge(mm, a), "the other THP was split");
	expect(pt_pfn(mm, a + HSZ) == 0, "zapped PMD still maps");
	verify(mm, a, 2 * HSZ, HPAGE_PMD_NR, 2 * HPAGE_PMD_NR);
	mmput(mm);
}

static void split_keeps_values(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	struct page *head;
	pte_t pte;
	pmd_t pmd;

	fill(mm, a, HSZ);
	head = pfn_to_page(pt_pfn(mm, a));
	mmap_read_lock(mm);
	split_huge_pmd_address(find_vma(mm, a), a, false, NULL);
	mmap_read_unlock(mm);
	expect(!pt_is_huge(mm, a), "not split");
	pt_lookup(mm, a + 9 * PAGE_SIZE, &pte, &pmd);
	expect(pte_pfn(pte) == page_to_pfn(head) + 9 && pte_write(pte) &&
		       PageAnonExclusive(pte_page(pte)),
	       "split PTE does not map subpage 9 writable and exclusive");
	verify(mm, a, HSZ, 0, 0);
	mmput(mm);
}

static void thp_modes(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ), b = mt_mmap(mm, HSZ), c;

	do_madvise(mm, a, HSZ, MADV_NOHUGEPAGE);
	mt_store(mm, a, 1);
	expect(!pt_is_huge(mm, a), "MADV_NOHUGEPAGE got a THP");
	transparent_hugepage_mode = THP_MADVISE;
	mt_store(mm, b, 1);
	expect(!pt_is_huge(mm, b), "madvise mode without MADV_HUGEPAGE");
	/* (b keeps its PTE table: only khugepaged would collapse it) */
	c = mt_mmap(mm, HSZ);
	do_madvise(mm, c, HSZ, MADV_HUGEPAGE);
	mt_store(mm, c, 1);
	expect(pt_is_huge(mm, c), "madvise mode with MADV_HUGEPAGE: no THP");
	transparent_hugepage_mode = THP_ALWAYS;
	mmput(mm);
}

static void unaligned_vma(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, 2 * HSZ);

	/* Trim the head: the first 2 MiB no longer fits a THP. */
	vm_munmap(mm, a, PAGE_SIZE);
	mt_store(mm, a + PAGE_SIZE, 1);
	expect(!pt_is_huge(mm, a + PAGE_SIZE), "THP past the VMA start");
	mt_store(mm, a + HSZ, 2);
	expect(pt_is_huge(mm, a + HSZ), "aligned part got no THP");
	mmput(mm);
}

/*
 * Negative controls for the per-page rules of the invariant checker on a
 * THP (check_folio's one-pass fast path): a tail page's _mapcount or
 * compound_head broken on purpose must be reported, naming that page.
 */
static unsigned long broken_pfn;

static void break_tail(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, HSZ);
	struct page *head;

	mt_store(mm, a, 1);
	head = pfn_to_page(pt_pfn(mm, a));
	broken_pfn = page_to_pfn(head) + 300;
	if (arg)
		head[300]._mapcount.counter++;
	else
		head[300].compound_head = (unsigned long)&head[1] | 1;
	mt_quiescent();
}

static bool checker_catches(bool mapcount)
{
	struct sim_result r = mt_run_with(break_tail, mapcount ? "" : NULL,
					  NULL, 0);
	char want[32];

	snprintf(want, sizeof(want), "pfn %lu", broken_pfn);
	diag("  %s", r.msg);
	return r.outcome == SIM_VIOLATION && strstr(r.msg, want) &&
	       strstr(r.msg, mapcount ? "invariant (1) mapcount" :
					"invariant (11) compound");
}

static const struct mm_test tests[] = {
	{ "Write fault in an aligned VMA maps an exclusive PMD THP", thp_fault },
	{ "Read fault maps the huge zero folio; a write maps a new THP (6.18)", huge_zero_then_write },
	{ "Partial munmap of a THP splits the PMD and keeps the rest", partial_munmap },
	{ "MADV_DONTNEED of part of a THP zeroes only that part", dontneed_part },
	{ "MADV_DONTNEED of a whole THP zaps the PMD only", dontneed_whole },
	{ "Values and exclusivity survive split_huge_pmd", split_keeps_values },
	{ "THP modes and MADV_[NO]HUGEPAGE are honoured", thp_modes },
	{ "No THP where the VMA does not cover an aligned 2 MiB", unaligned_vma },
};

int main(void)
{
	int n = sizeof(tests) / sizeof(tests[0]);

	mt_setup(64UL << 20);
	plan(n + 2);
	for (int i = 0; i < n; i++) {
		struct sim_result r = mt_run_with(tests[i].fn, NULL, NULL, 0);

		mt_report(tests[i].description, &r);
	}
	ok(checker_catches(true), "The invariant checker reports a THP tail "
	   "page whose _mapcount is off, naming it");
	ok(checker_catches(false), "The invariant checker reports a THP tail "
	   "page whose compound_head names another page, naming it");
	return done_testing();
}
