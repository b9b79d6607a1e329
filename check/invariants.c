// SPDX-License-Identifier: GPL-2.0
/*
 * check/invariants.c - structural invariants of mm/ (kernel counterparts:
 * check_mm(), bad_page(), page_table_check, DEBUG_VM assertions).
 *
 * The checker walks every live mm's page tables with plain loads (no
 * yield points) and compares what it finds with what the folios, page
 * tables and counters claim:
 *
 *  (1) mapcount: page->_mapcount + 1 equals the present PTEs mapping the
 *      page; folio->_entire_mapcount + 1 the huge PMDs mapping the folio;
 *      _nr_pages_mapped the pages with a PTE mapping (mm/rmap.c rules);
 *  (2) refcount: folio_ref_count equals its PTE + PMD mappings plus the
 *      references the extra-refs hook reports (pins, holders): a mapping
 *      holds one reference (mm/page_alloc.c rule (2));
 *  (3) PG_anon_exclusive: a writable PTE/PMD maps an exclusive page
 *      (seed 001: "If a writable, present page table entry points at an
 *      anonymous (sub)page, that (sub)page must be PG_anon_exclusive");
 *  (4) rmap: every anon folio mapped at addr of a VMA has its anon_vma
 *      among the VMA's anon_vmas and index == linear_page_index (else
 *      rmap_walk misses the mapping: seed 002's bug class); KSM folios
 *      (found through their stable node) are exempt;
 *  (5) page tables: every reachable table is allocated, PG_table, of the
 *      right level ("no page table freed while reachable"); every
 *      allocated table is reachable or deposited (no table leak); each
 *      PMD table holds one deposit per huge PMD;
 *  (6) counters: MM_ANONPAGES and pgtables_bytes of each mm match what
 *      its tables map and hold (check_mm: "Bad rss-counter state");
 *  (7) no folio left locked;
 *  (8) with MM_INV_ALL_EXITED: nr_allocated_pages() is back to the
 *      baseline of the execution (no page leaked);
 *  (9) each mm's VMAs are sorted, non-empty, page-aligned and do not
 *      overlap; map_count and total_vm agree (kernel: validate_mm);
 *  (10) every free frame the execution wrote (made real) still holds
 *      its poison: nothing stored into it after it was freed
 *      (physmem_check_free_poison, arch/physmem.c);
 *  (11) compound pages: every tail of a large folio points at its head
 *      and holds no reference and no pin of its own (the head's count is
 *      the folio's); an order-0 folio, such as one left by a split, is
 *      neither head nor tail (split_huge_page gave it its own count);
 *  (12) the deferred split queue holds only allocated large anon folios
 *      marked partially mapped (a folio freed while queued would be a
 *      use after free of the shrinker's list: the free path unqueues).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "check/mm_check.h"
#include "pagemap.h"
#include "huge_mm.h"
#include "rmap.h"

struct pfn_info {
	int pte_maps;		/* present PTEs mapping this page */
	int pmd_maps;		/* huge PMDs mapping this (head) page */
	int deposits;		/* PMD table: deposits found */
	int huge_pmds;		/* PMD table: huge PMDs in it */
	bool table_seen;	/* reachable or deposited table */
};

static struct pfn_info *info;
static long file_pages;	/* shmem pages mapped in the mm being walked */
static unsigned long info_size;
static unsigned long *touched;
static unsigned long nr_touched;
static mm_extra_refs_fn extra_refs;
static void *extra_refs_arg;
static bool failed;
static struct sim_result *fail_res;

void mm_invariants_set_extra_refs(mm_extra_refs_fn fn, void *arg)
{
	extra_refs = fn;
	extra_refs_arg = arg;
}

static struct pfn_info *pi(unsigned long pfn)
{
	struct pfn_info *p = &info[pfn];

	if (!p->pte_maps && !p->pmd_maps && !p->table_seen &&
	    !p->deposits && !p->huge_pmds)
		touched[nr_touched++] = pfn;
	return p;
}

static void reset_info(void)
{
	if (info_size != max_pfn) {
		free(info);
		free(touched);
		info_size = max_pfn;
		info = calloc(max_pfn, sizeof(*info));
		/* each pfn is recorded at most once per field set; bound: */
		touched = calloc(max_pfn * 5 + 1, sizeof(*touched));
		nr_touched = 0;
		return;
	}
	for (unsigned long i = 0; i < nr_touched; i++)
		info[touched[i]] = (struct pfn_info){ 0 };
	nr_touched = 0;
}

/* inv_fail - report the first broken rule. */
static void __attribute__((format(printf, 1, 2))) inv_fail(const char *fmt,
							   ...)
{
	char msg[SIM_MSG_MAX];
	va_list ap;

	if (failed)
		return;
	failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fail_res && fail_res->outcome == SIM_OK) {
		fail_res->outcome = SIM_VIOLATION;
		snprintf(fail_res->msg, sizeof(fail_res->msg), "%s", msg);
	}
	sim_violation("%s", msg);
}

static unsigned long ld(const void *p)
{
	return __atomic_load_n((const unsigned long *)p, __ATOMIC_SEQ_CST);
}

/* The lowest and highest pfn a PTE maps in this check (lo > hi: none). */
static unsigned long pte_lo, pte_hi;

/* A present PTE (or a device entry) maps @pfn. */
static void pte_mapped(unsigned long pfn)
{
	pi(pfn)->pte_maps++;
	if (pfn < pte_lo)
		pte_lo = pfn;
	if (pfn > pte_hi)
		pte_hi = pfn;
}

/* (5) a table reached from @mm must be live and of @level. */
static void check_table(struct mm_struct *mm, unsigned long pfn, int level,
			unsigned long va)
{
	struct page *t = pfn_to_page(pfn);

	if (!pfn_valid(pfn) || physmem_frame_is_free(pfn) || !PageTable(t) ||
	    t->pt_level != level)
		inv_fail("invariant (5) page table: mm %d reaches pfn %lu as a "
			 "level-%d table at %#lx, but it is %s "
			 "(free_pgtables rule: no table freed while reachable)",
			 mm->id, pfn, level, va,
			 physmem_frame_is_free(pfn) ? "free" :
						      "not that table");
	pi(pfn)->table_seen = true;
}

/*
 * The VMA check_rmap() last looked up and the anon_vma it last found
 * linked to it: the PTEs of one walk come in address order, so most
 * share both (a split THP's 512). Forgotten at the start of each mm's
 * walk (walk_mm): VMAs are not reused within one.
 */
static struct {
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	struct anon_vma *av;
} rmap_memo;

/* (4) the rmap of @folio's page @page mapped at @addr can find it. */
static void check_rmap(struct mm_struct *mm, struct folio *folio,
		       struct page *page, unsigned long addr)
{
	struct vm_area_struct *vma = rmap_memo.vma;
	struct anon_vma *av = folio_anon_vma(folio);
	struct anon_vma_chain *avc;
	unsigned long idx = folio->index + (page - &folio->page);

	if (rmap_memo.mm != mm || !vma || addr < vma->vm_start ||
	    addr >= vma->vm_end) {
		vma = vma_lookup(mm, addr);
		rmap_memo.mm = mm;
		rmap_memo.vma = vma;
		rmap_memo.av = NULL;
	}
	if (!vma) {
		inv_fail("invariant (4) rmap: mm %d maps pfn %lu at %#lx, "
			 "outside every VMA", mm->id, page_to_pfn(page), addr);
		return;
	}
	/* A KSM folio is found through its stable node, not an anon_vma. */
	if (!av && folio_test_ksm(folio) && folio_test_anon(folio))
		return;
	if (!av && vma->vm_file && folio_mapping(folio)) {
		/* a page-cache folio: rmap_walk_file must find @vma */
		struct vm_area_struct *v;

		if (folio_mapping(folio) != vma->vm_file->f_mapping ||
		    idx != linear_page_index(vma, addr))
			inv_fail("invariant (4) rmap: file pfn %lu at %#lx "
				 "of mm %d: other file or index %lu, vma "
				 "says %lu", page_to_pfn(page), addr, mm->id,
				 idx, linear_page_index(vma, addr));
		list_for_each_entry(v, &vma->vm_file->f_mapping->i_mmap,
				    shared)
			if (v == vma)
				return;
		inv_fail("invariant (4) rmap: mm %d VMA at %#lx is not on its "
			 "file's i_mmap (rmap_walk_file would miss it)",
			 mm->id, vma->vm_start);
		return;
	}
	if (!av) {
		inv_fail("invariant (4) rmap: pfn %lu mapped at %#lx of mm %d "
			 "is not an anon folio", page_to_pfn(page), addr,
			 mm->id);
		return;
	}
	if (idx != linear_page_index(vma, addr))
		inv_fail("invariant (4) rmap: pfn %lu at %#lx of mm %d has "
			 "index %lu, vma says %lu (rmap_walk would miss it)",
			 page_to_pfn(page), addr, mm->id, idx,
			 linear_page_index(vma, addr));
	if (av == rmap_memo.av)
		return;
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		if (avc->anon_vma == av) {
			rmap_memo.av = av;
			return;
		}
	inv_fail("invariant (4) rmap: pfn %lu at %#lx of mm %d: its anon_vma "
		 "is not linked to the VMA (rmap_walk would miss it)",
		 page_to_pfn(page), addr, mm->id);
}

/* (3)+(4) and counting, for one present PTE. */
static long walk_pte(struct mm_struct *mm, pte_t pte, unsigned long va)
{
	struct page *page;

	if (pte_none(pte))
		return 0;
	if (!pte_present(pte)) {
		swp_entry_t e = pte_to_swp_entry(pte);

		if (!non_swap_entry(e))
			return 0;	/* swap: MM_SWAPENTS, not a page */
		/* a device page is mapped by its entry (rmap + a ref) */
		if (is_device_private_entry(e)) {
			pte_mapped(swp_offset_pfn(e));
			return 1;
		}
		/* SIM: migration entries count as mapped */
		if (is_migration_entry(e) &&
		    !folio_test_anon(page_folio(pfn_swap_entry_to_page(e)))) {
			file_pages++;
			return 0;
		}
		return 1;
	}
	if (pte_special(pte) || is_zero_pfn(pte_pfn(pte)))
		return 0;
	page = pte_page(pte);
	pte_mapped(pte_pfn(pte));
	if (!folio_test_anon(page_folio(page))) {
		check_rmap(mm, page_folio(page), page, va);
		file_pages++;
		return 0;
	}
	if (pte_write(pte) && !__test_bit(PG_anon_exclusive, &page->flags))
		inv_fail("invariant (3) PG_anon_exclusive: writable PTE at "
			 "%#lx of mm %d maps pfn %lu, which is not exclusive",
			 va, mm->id, pte_pfn(pte));
	check_rmap(mm, page_folio(page), page, va);
	return 1;
}

/* A huge PMD: (3)+(4), counting; returns pages mapped. */
static long walk_huge_pmd(struct mm_struct *mm, pmd_t pmd, unsigned long va)
{
	struct page *head = pmd_page(pmd);

	if (is_huge_zero_pmd(pmd) ||
	    (huge_zero_folio && head == &huge_zero_folio->page))
		return 0;
	pi(pmd_pfn(pmd))->pmd_maps++;
	if (!folio_test_anon(page_folio(head))) {
		check_rmap(mm, page_folio(head), head, va);
		file_pages += HPAGE_PMD_NR;
		return 0;
	}
	if (pmd_write(pmd) && !__test_bit(PG_anon_exclusive, &head->flags))
		inv_fail("invariant (3) PG_anon_exclusive: writable huge PMD "
			 "at %#lx of mm %d maps pfn %lu, head not exclusive",
			 va, mm->id, pmd_pfn(pmd));
	check_rmap(mm, page_folio(head), head, va);
	return HPAGE_PMD_NR;
}

/* Mark the deposits hanging off PMD table @t (see pgtable-generic.c). */
static void walk_deposits(struct mm_struct *mm, struct page *t)
{
	struct page *dep = (struct page *)t->private, *p;

	if (!dep)
		return;
	check_table(mm, page_to_pfn(dep), PT_PTE, 0);
	pi(page_to_pfn(t))->deposits++;
	list_for_each_entry(p, &dep->lru, lru) {
		check_table(mm, page_to_pfn(p), PT_PTE, 0);
		pi(page_to_pfn(t))->deposits++;
	}
}

/*
 * @mig: the walk is one check_no_migration_entries() makes (a live mm,
 * present PGD and PUD entries): note the migration entries it meets, for
 * mm_check_migration_entries() (check/migration.c), so the end of an
 * execution walks the tables once for both checks.
 */
static void walk_pmd_table(struct mm_struct *mm, unsigned long pfn,
			   unsigned long base, long *pages, long *tables,
			   bool mig)
{
	pmd_t *pmd = (pmd_t *)__pfn_va(pfn);

	check_table(mm, pfn, PT_PMD, base);
	for (int i = chk_next_used(pmd, 0); i < PTRS_PER_PMD;
	     i = chk_next_used(pmd, i + 1)) {
		pmd_t v = __pmd(ld(&pmd[i]));
		unsigned long va = base + ((unsigned long)i << PMD_SHIFT);

		if (pmd_none(v))
			continue;
		if (mig && is_pmd_migration_entry(v))
			mm_note_migration_entry(mm, va, true, pmd_val(v));
		if (pmd_trans_huge(v) || !pmd_present(v)) {
			/* a file THP has no deposit (x86, arm64) */
			if (!pmd_present(v) || is_huge_zero_pmd(v) ||
			    folio_test_anon(page_folio(pmd_page(v))))
				pi(pfn)->huge_pmds++;
			if (pmd_trans_huge(v))
				*pages += walk_huge_pmd(mm, v, va);
			continue;
		}
		check_table(mm, pmd_pfn(v), PT_PTE, va);
		(*tables)++;
		for (int j = chk_next_used(__pfn_va(pmd_pfn(v)), 0);
		     j < PTRS_PER_PTE;
		     j = chk_next_used(__pfn_va(pmd_pfn(v)), j + 1)) {
			pte_t *pte = (pte_t *)__pfn_va(pmd_pfn(v)) + j;
			unsigned long pva = va + ((unsigned long)j << 12);
			pte_t pv = __pte(ld(pte));

			if (mig && is_swap_pte(pv) &&
			    is_migration_entry(pte_to_swp_entry(pv)))
				mm_note_migration_entry(mm, pva, false,
							pte_val(pv));
			*pages += walk_pte(mm, pv, pva);
		}
	}
	walk_deposits(mm, pfn_to_page(pfn));
	*tables += pi(pfn)->deposits;
	if (pi(pfn)->deposits != pi(pfn)->huge_pmds)
		inv_fail("invariant (5) deposit: PMD table pfn %lu of mm %d "
			 "has %d huge PMDs but %d deposited tables",
			 pfn, mm->id, pi(pfn)->huge_pmds, pi(pfn)->deposits);
}

/* (9): the VMA list (kernel: validate_mm). */
static void check_vmas(struct mm_struct *mm)
{
	unsigned long prev_end = 0, pages = 0;
	struct vm_area_struct *vma;
	int n = 0;

	vma_for_each(vma, mm) {
		if (vma->vm_start >= vma->vm_end || vma->vm_start < prev_end ||
		    (vma->vm_start | vma->vm_end) & ~PAGE_MASK ||
		    vma->vm_mm != mm)
			inv_fail("invariant (9) validate_mm: mm %d VMA "
				 "[%#lx, %#lx) is empty, unaligned, foreign "
				 "or overlaps the one below (ending %#lx)",
				 mm->id, vma->vm_start, vma->vm_end, prev_end);
		prev_end = vma->vm_end;
		pages += vma_pages(vma);
		n++;
	}
	if (n != mm->map_count || pages != mm->total_vm)
		inv_fail("invariant (9) validate_mm: mm %d has %d VMAs of %lu "
			 "pages, map_count %d, total_vm %lu", mm->id, n,
			 pages, mm->map_count, mm->total_vm);
}

/* (6): one mm's tables against its counters. */
static void walk_mm(struct mm_struct *mm)
{
	long pages = 0, tables = 0;
	pgd_t *pgd = (pgd_t *)__pfn_va(mm->context.pgd_pfn);

	file_pages = 0;
	rmap_memo.mm = NULL;
	check_table(mm, mm->context.pgd_pfn, PT_PGD, 0);
	for (int i = chk_next_used(pgd, 0); i < PTRS_PER_PGD;
	     i = chk_next_used(pgd, i + 1)) {
		pgd_t g = __pgd(ld(&pgd[i]));
		pud_t *pud;

		if (pgd_none(g))
			continue;
		check_table(mm, pgd_pfn(g), PT_PUD, (unsigned long)i << 39);
		pud = (pud_t *)__pfn_va(pgd_pfn(g));
		for (int j = chk_next_used(pud, 0); j < PTRS_PER_PUD;
		     j = chk_next_used(pud, j + 1)) {
			pud_t u = __pud(ld(&pud[j]));

			if (pud_none(u))
				continue;
			walk_pmd_table(mm, pud_pfn(u),
				       ((unsigned long)i << PGDIR_SHIFT) |
				       ((unsigned long)j << PUD_SHIFT),
				       &pages, &tables,
				       !mm->dead && pgd_present(g) &&
				       pud_present(u));
		}
	}
	if (get_mm_counter(mm, MM_ANONPAGES) != pages)
		inv_fail("invariant (6) rss: mm %d MM_ANONPAGES is %ld, its "
			 "tables map %ld anon pages (check_mm: Bad "
			 "rss-counter state)", mm->id,
			 get_mm_counter(mm, MM_ANONPAGES), pages);
	if (get_mm_counter(mm, MM_SHMEMPAGES) != file_pages)
		inv_fail("invariant (6) rss: mm %d MM_SHMEMPAGES is %ld, its "
			 "tables map %ld shmem pages", mm->id,
			 get_mm_counter(mm, MM_SHMEMPAGES), file_pages);
	if (mm->pgtables_bytes.counter != tables * (long)PAGE_SIZE)
		inv_fail("invariant (6) pgtables_bytes: mm %d says %ld, it "
			 "holds %ld PTE tables (check_mm: non-zero "
			 "pgtables_bytes)", mm->id,
			 mm->pgtables_bytes.counter / (long)PAGE_SIZE, tables);
}

/* (1), (2), (7) for the folio headed by @page. */
static __attribute__((noinline)) void check_folio(struct page *page,
						  unsigned int order)
{
	struct folio *folio = (struct folio *)page;
	unsigned long pfn = page_to_pfn(page);
	long maps = 0, extra = 0, nr_mapped = 0;
	int ref = folio->_refcount.counter;

	const struct pfn_info *in = &info[pfn];
	unsigned long head = (unsigned long)page | 1;
	bool bad = false;

	if (__test_bit(PG_locked, &folio->flags))
		inv_fail("invariant (7) folio lock: pfn %lu left locked", pfn);
	/*
	 * One tight pass over the struct pages for the per-page rules of (1)
	 * and (11); the loops below say what is wrong, and only run then.
	 * When no PTE maps a page of the folio (none between pte_lo and
	 * pte_hi), every page wants _mapcount -1 and adds nothing to maps.
	 */
	if (pfn + (1UL << order) <= pte_lo || pfn > pte_hi) {
		uint64_t b = page->_mapcount.counter != -1;

		for (unsigned long i = 1; i < (1UL << order); i++)
			b |= (page_counts(&page[i]) ^ PAGE_COUNTS_NONE) |
			     (page[i].compound_head ^ head);
		bad = b != 0;
	} else {
		for (unsigned long i = 0; i < (1UL << order); i++) {
			int want = in[i].pte_maps;

			bad |= page[i]._mapcount.counter + 1 != want;
			bad |= i && (page[i].compound_head != head ||
				     page[i]._refcount.counter != 0);
			maps += want;
			nr_mapped += want > 0;
		}
	}
	for (unsigned long i = 0; bad && i < (1UL << order); i++) {
		int want = info[pfn + i].pte_maps;
		int have = folio_page(folio, i)->_mapcount.counter + 1;

		if (have != want)
			inv_fail("invariant (1) mapcount: pfn %lu has "
				 "_mapcount+1 = %d, %d PTEs map it", pfn + i,
				 have, want);
	}
	if (folio_test_large(folio)) {
		int have = folio->_entire_mapcount.counter + 1;

		if (have != info[pfn].pmd_maps)
			inv_fail("invariant (1) entire mapcount: folio pfn %lu "
				 "has %d, %d huge PMDs map it", pfn, have,
				 info[pfn].pmd_maps);
		if (folio->_nr_pages_mapped.counter != nr_mapped)
			inv_fail("invariant (1) _nr_pages_mapped: folio pfn "
				 "%lu has %d, %ld pages are PTE-mapped", pfn,
				 folio->_nr_pages_mapped.counter, nr_mapped);
		maps += info[pfn].pmd_maps;
		if (folio->_large_mapcount.counter + 1 != maps)
			inv_fail("invariant (1) large mapcount: folio pfn %lu "
				 "has %d, %ld PTEs and PMDs map it", pfn,
				 folio->_large_mapcount.counter + 1,
				 (long)maps);
	}
	/* (11) */
	if (!folio_test_large(folio) &&
	    (folio->compound_head || __test_bit(PG_head, &folio->flags)))
		inv_fail("invariant (11) compound: order-0 folio pfn %lu is "
			 "marked as a tail or a head", pfn);
	for (unsigned long i = 1; bad && i < (1UL << order); i++) {
		struct page *tail = folio_page(folio, i);

		if (tail->compound_head != ((unsigned long)page | 1) ||
		    tail->_refcount.counter != 0)
			inv_fail("invariant (11) compound: tail pfn %lu of "
				 "folio pfn %lu has compound_head %#lx, "
				 "refcount %d (want its head, 0)", pfn + i, pfn,
				 tail->compound_head,
				 tail->_refcount.counter);
	}
	if (extra_refs)
		extra = extra_refs(folio, extra_refs_arg);
	/* a page-cache folio: the cache holds a reference per page */
	if (folio_mapping(folio))
		extra += folio_nr_pages(folio);
	/* the swap cache holds a reference per page (mm/swap_state.c) */
	if (__test_bit(PG_swapcache, &folio->flags))
		extra += 1L << order;
	if (ref != maps + extra)
		inv_fail("invariant (2) refcount: folio pfn %lu order %u has "
			 "refcount %d, mappings %ld + other references %ld "
			 "(a leaked or a missing reference)",
			 pfn, order, ref, maps, extra);
}

/*
 * Would check_folio() find nothing wrong with the order-0 folio @page at
 * @pfn? The same tests, in a few instructions (no report: check_folio()
 * reports when this says no). A page with PG_head set is left to
 * check_folio(), as is everything when an extra_refs hook is set.
 */
static bool small_folio_ok(const struct page *page, unsigned long pfn)
{
	unsigned long f = page->flags;
	unsigned long m = (unsigned long)__atomic_load_n(&page->mapping,
							 __ATOMIC_SEQ_CST);
	int want = info[pfn].pte_maps;
	long extra;

	if (extra_refs || (f & (BIT(PG_locked) | BIT(PG_head))) ||
	    page->compound_head || page->_mapcount.counter + 1 != want)
		return false;
	/* folio_mapping(): the page cache's reference; the swap cache's */
	extra = (m && !(m & PAGE_MAPPING_FLAGS)) + !!(f & BIT(PG_swapcache));
	return page->_refcount.counter == want + extra;
}

static void check_frame(struct page *page, unsigned order, void *arg)
{
	unsigned long pfn = page_to_pfn(page);

	if (page == ZERO_PAGE(0) ||
	    (huge_zero_folio && page == &huge_zero_folio->page))
		return;
	if (PageTable(page)) {
		if (!info[pfn].table_seen)
			inv_fail("invariant (5) page table: pfn %lu (level "
				 "%u) is allocated but neither reachable nor "
				 "deposited (a leaked page table)", pfn,
				 page->pt_level);
		return;
	}
	if (!order && small_folio_ok(page, pfn))
		return;
	check_folio(page, order);
}

/* (12) for one queued folio. */
static void check_queued(struct folio *folio, void *arg)
{
	unsigned long pfn = page_to_pfn(&folio->page);

	if (physmem_frame_is_free(pfn) || !folio_test_large(folio) ||
	    !folio_test_anon(folio) || !folio_test_partially_mapped(folio))
		inv_fail("invariant (12) deferred split queue: pfn %lu is "
			 "queued but is %s", pfn,
			 physmem_frame_is_free(pfn) ? "free" :
			 !folio_test_large(folio) ? "not a large folio" :
			 !folio_test_anon(folio) ? "not anonymous" :
						  "not partially mapped");
}

bool mm_check_invariants(unsigned int flags, struct sim_result *res)
{
	unsigned long bad_pfn;
	unsigned bad_word;
	uint64_t bad_val;
	struct mm_struct *mm;

	failed = false;
	fail_res = res;
	reset_info();
	pte_lo = ~0UL;
	pte_hi = 0;
	mm_note_migration_reset();
	list_for_each_entry(mm, &sim_mm_list, mm_list) {
		check_vmas(mm);
		walk_mm(mm);
	}
	physmem_for_each_allocated(check_frame, NULL);
	deferred_split_for_each(check_queued, NULL);
	if (!physmem_check_free_poison(&bad_pfn, &bad_word, &bad_val))
		inv_fail("invariant (10) use after free: pfn %lu was written "
			 "after it was freed (word %u = %#llx, poison "
			 "expected; found at the end of the execution)",
			 bad_pfn, bad_word, (unsigned long long)bad_val);
	if ((flags & MM_INV_ALL_EXITED) &&
	    nr_allocated_pages() != mm_baseline_pages())
		inv_fail("invariant (8) leak: %lu frames allocated after every "
			 "mm exited, %lu at the start of the execution",
			 nr_allocated_pages(), mm_baseline_pages());
	fail_res = NULL;
	return !failed;
}
