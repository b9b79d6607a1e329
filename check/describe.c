// SPDX-License-Identifier: GPL-2.0
/*
 * check/describe.c - the timeline picture of a range (see describe.h).
 */
#include <inttypes.h>

#include "check/describe.h"
#include "mm.h"
#include "swapops.h"

/* A plain load of a table entry: no yield point, no lock. */
static unsigned long peek(const void *p)
{
	return __atomic_load_n((const unsigned long *)p, __ATOMIC_RELAXED);
}

static void describe_folio(struct page *page, FILE *out)
{
	struct folio *folio = page_folio(page);

	fprintf(out, " folio %#lx", page_to_pfn(&folio->page));
	if (folio_test_large(folio))
		fprintf(out, " order %u entire %d pincount %d",
			folio_order(folio),
			__atomic_load_n(&folio->_entire_mapcount.counter,
					__ATOMIC_RELAXED) + 1,
			__atomic_load_n(&folio->_pincount.counter,
					__ATOMIC_RELAXED));
	fprintf(out, " ref %d map %d%s%s%s",
		__atomic_load_n(&folio->_refcount.counter, __ATOMIC_RELAXED),
		page_mapcount_raw(page),
		folio_test_anon(folio) && __test_bit(PG_anon_exclusive,
						     &page->flags) ?
			" excl" : "",
		__test_bit(PG_locked, &folio->flags) ? " locked" : "",
		__test_bit(PG_dirty, &folio->flags) ? " dirty" : "");
}

static void describe_swp(swp_entry_t e, bool exclusive, FILE *out)
{
	if (is_migration_entry(e)) {
		fprintf(out, "migration-%s pfn %#lx",
			is_writable_migration_entry(e) ? "write" :
			is_readable_exclusive_migration_entry(e) ?
							 "read-excl" :
							 "read",
			swp_offset_pfn(e));
		describe_folio(pfn_to_page(swp_offset_pfn(e)), out);
	} else if (is_device_private_entry(e)) {
		fprintf(out, "device-private-%s pfn %#lx",
			is_writable_device_private_entry(e) ? "write" : "read",
			swp_offset_pfn(e));
		describe_folio(pfn_to_page(swp_offset_pfn(e)), out);
	} else {
		fprintf(out, "swap type %u offset %#lx%s", swp_type(e),
			swp_offset(e), exclusive ? " excl" : "");
	}
}

static void describe_pte(unsigned long va, pte_t pte, FILE *out)
{
	fprintf(out, "    %#014lx ", va);
	if (pte_present(pte)) {
		fprintf(out, "present pfn %#lx %s%s%s%s", pte_pfn(pte),
			pte_write(pte) ? "W" : "-", pte_dirty(pte) ? "D" : "-",
			pte_young(pte) ? "A" : "-",
			pte_protnone(pte) ? " protnone" : "");
		if (is_zero_pfn(pte_pfn(pte)))
			fprintf(out, " (zero page)");
		else
			describe_folio(pte_page(pte), out);
	} else {
		describe_swp(pte_to_swp_entry(pte), pte_swp_exclusive(pte),
			     out);
	}
	fputc('\n', out);
}

/*
 * The PMD entry for @va, or NULL if an upper level is empty; then *@skip
 * is the end of the empty upper-level entry's span (so a walk costs what
 * is mapped, not the size of the range: a 1 TiB region is two PGD entries).
 */
static pmd_t *find_pmd(struct mm_struct *mm, unsigned long va,
		       unsigned long *skip)
{
	pgd_t pgd = { peek(pgd_offset_pfn(mm->context.pgd_pfn, va)) };
	pud_t pud;

	if (!pgd_val(pgd)) {
		*skip = (va & PGDIR_MASK) + PGDIR_SIZE;
		return NULL;
	}
	pud.pud = peek(pud_offset_pfn(pgd_pfn(pgd), va));
	if (!pud_val(pud)) {
		*skip = (va & PUD_MASK) + PUD_SIZE;
		return NULL;
	}
	return pmd_offset_pfn(pud_pfn(pud), va);
}

/* describe_range - see describe.h. */
void describe_range(struct mm_struct *mm, unsigned long start,
		    unsigned long end, FILE *out)
{
	unsigned long va = start & PAGE_MASK, empty_from = 0;
	bool in_empty = false;

	while (va < end) {
		unsigned long next = va + PAGE_SIZE;
		pmd_t *pmdp = find_pmd(mm, va, &next);
		pmd_t pmd = { pmdp ? peek(pmdp) : 0 };
		pte_t pte = { 0 };

		if (pmdp && !pmd_val(pmd)) {
			next = (va & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE;
		} else if (pmd_val(pmd) && pmd_trans_huge(pmd)) {
			next = (va & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE;
		} else if (pmd_val(pmd) && !pmd_present(pmd)) {
			next = (va & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE;
		} else if (pmd_val(pmd)) {
			pte.pte = peek(pte_offset_pfn(pmd_pfn(pmd), va));
		}
		if (next > end)
			next = end;
		if (!pmd_val(pmd) || (!pmd_trans_huge(pmd) && pmd_present(pmd) &&
				      pte_none(pte))) {
			if (!in_empty)
				empty_from = va;
			in_empty = true;
			va = next;
			continue;
		}
		if (in_empty)
			fprintf(out, "    %#014lx none (%lu pages)\n", empty_from,
				(va - empty_from) >> PAGE_SHIFT);
		in_empty = false;
		if (pmd_trans_huge(pmd)) {
			fprintf(out, "    %#014lx PMD-huge pfn %#lx %s%s%s%s",
				va & HPAGE_PMD_MASK, pmd_pfn(pmd),
				pmd_write(pmd) ? "W" : "-",
				pmd_dirty(pmd) ? "D" : "-",
				pmd_young(pmd) ? "A" : "-",
				pmd_protnone(pmd) ? " protnone" : "");
			describe_folio(pmd_page(pmd), out);
			fputc('\n', out);
		} else if (!pmd_present(pmd)) {
			fprintf(out, "    %#014lx PMD ", va & HPAGE_PMD_MASK);
			describe_swp(pmd_to_swp_entry(pmd), false, out);
			fputc('\n', out);
		} else {
			describe_pte(va, pte, out);
		}
		va = next;
	}
	if (in_empty)
		fprintf(out, "    %#014lx none (%lu pages)\n", empty_from,
			(end - empty_from) >> PAGE_SHIFT);
}

/* ---- page states for stories: no yield point below ---- */

static bool flag(const struct page *page, int bit)
{
	return __atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> bit & 1;
}

/* The head of @page's folio, read without a yield point. */
static struct page *head_of(struct page *page)
{
	unsigned long h = __atomic_load_n(&page->compound_head,
					  __ATOMIC_RELAXED);

	return h & 1 ? (struct page *)(h - 1) : page;
}

unsigned long describe_struct_page_pfn(uintptr_t addr)
{
	uintptr_t lo = (uintptr_t)mem_map;
	struct page *page;

	if (addr < lo || addr >= lo + max_pfn * sizeof(struct page))
		return ~0UL;
	page = &mem_map[(addr - lo) / sizeof(struct page)];
	if (flag(page, PG_table))
		return ~0UL;
	return page_to_pfn(head_of(page));
}

bool describe_folio_state(unsigned long pfn, struct pstate_folio *f)
{
	struct page *head;
	long nr;

	if (pfn >= max_pfn)
		return false;
	head = head_of(pfn_to_page(pfn));
	if (flag(head, PG_table) || flag(head, PG_reserved))
		return false;
	f->pfn = page_to_pfn(head);
	f->order = flag(head, PG_head) ?
		__atomic_load_n(&head->_folio_order, __ATOMIC_RELAXED) : 0;
	f->ref = __atomic_load_n(&head->_refcount.counter, __ATOMIC_RELAXED);
	f->flags = __atomic_load_n(&head->flags, __ATOMIC_RELAXED);
	f->anon_excl = flag(head, PG_anon_exclusive);
	if (!f->order) {
		f->map = page_mapcount_raw(head);
		f->pin = -1;
		return true;
	}
	nr = 1L << f->order;
	f->map = __atomic_load_n(&head->_entire_mapcount.counter,
				 __ATOMIC_RELAXED) + 1;
	for (long i = 0; i < nr; i++)
		f->map += page_mapcount_raw(head + i);
	f->pin = __atomic_load_n(&head->_pincount.counter, __ATOMIC_RELAXED);
	return true;
}

void describe_folio_text(const struct pstate_folio *f, char *buf, size_t len)
{
	static const struct { int bit; const char *name; } names[] = {
		{ PG_locked, "locked" }, { PG_dirty, "dirty" },
		{ PG_swapcache, "swapcache" }, { PG_isolated, "isolated" },
		{ PG_lru, "lru" }, { PG_writeback, "writeback" },
		{ PG_buddy, "free" },
	};
	size_t n;

	if (f->pin >= 0)
		n = snprintf(buf, len, "ref %d map %d pin %d", f->ref, f->map,
			     f->pin);
	else if ((unsigned)f->ref >= GUP_PIN_COUNTING_BIAS)
		n = snprintf(buf, len, "ref %d (%d pinned) map %d",
			     f->ref % GUP_PIN_COUNTING_BIAS,
			     f->ref / GUP_PIN_COUNTING_BIAS, f->map);
	else
		n = snprintf(buf, len, "ref %d map %d", f->ref, f->map);
	if (f->anon_excl && n < len)
		n += snprintf(buf + n, len - n, " anon-excl");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((f->flags >> names[i].bit & 1) && n < len)
			n += snprintf(buf + n, len - n, " %s", names[i].name);
}

static unsigned long swp_pfn_or_none(swp_entry_t e)
{
	return is_migration_entry(e) || is_device_private_entry(e) ?
		       swp_offset_pfn(e) : ~0UL;
}

static void swp_text(swp_entry_t e, bool excl, char *buf, size_t len)
{
	if (is_migration_entry(e))
		snprintf(buf, len, "migration entry (%s)",
			 is_writable_migration_entry(e) ? "writable" :
			 is_readable_exclusive_migration_entry(e) ?
						"readable-exclusive" :
						"readable");
	else if (is_device_private_entry(e))
		snprintf(buf, len, "device-private entry (%s)",
			 is_writable_device_private_entry(e) ? "writable" :
							       "readable");
	else
		snprintf(buf, len, "swap entry %u:%#lx%s", swp_type(e),
			 swp_offset(e), excl ? " excl" : "");
}

void describe_entry_state(const struct pstate_entry *e, char *buf, size_t len)
{
	pte_t pte = { e->val };
	pmd_t pmd = { e->val };
	struct pstate_folio f;
	bool excl;

	if (!e->val) {
		snprintf(buf, len, "none");
		return;
	}
	if (e->level == PSTATE_TABLE) {
		snprintf(buf, len, "page table %#lx", pmd_pfn(pmd));
		return;
	}
	if (e->level == PSTATE_PUD) {
		snprintf(buf, len, "page table %#lx",
			 pud_pfn((pud_t){ e->val }));
		return;
	}
	if (e->level == PSTATE_PGD) {
		snprintf(buf, len, "page table %#lx",
			 pgd_pfn((pgd_t){ e->val }));
		return;
	}
	if (e->level == PSTATE_PMD) {
		if (!pmd_trans_huge(pmd)) {
			swp_text(pmd_to_swp_entry(pmd), false, buf, len);
			return;
		}
		excl = describe_folio_state(e->pfn, &f) && f.anon_excl;
		snprintf(buf, len, "PMD-mapped %s%s%s%s%s",
			 pmd_protnone(pmd) ? "protnone" :
			 !pmd_present(pmd) ? "invalidated" :
			 pmd_write(pmd) ? "RW" : "RO",
			 pmd_young(pmd) ? " A" : "", pmd_dirty(pmd) ? " D" : "",
			 excl ? " excl" : "",
			 is_huge_zero_pmd(pmd) ? " (huge zero page)" : "");
		return;
	}
	if (!pte_present(pte)) {
		swp_text(pte_to_swp_entry(pte), pte_swp_exclusive(pte), buf,
			 len);
		return;
	}
	excl = e->pfn != ~0UL && flag(pfn_to_page(pte_pfn(pte)),
				       PG_anon_exclusive);
	snprintf(buf, len, "present %s%s%s%s%s",
		 pte_protnone(pte) ? "protnone" : pte_write(pte) ? "RW" : "RO",
		 pte_young(pte) ? " A" : "", pte_dirty(pte) ? " D" : "",
		 excl ? " excl" : "",
		 is_zero_pfn(pte_pfn(pte)) ? " (zero page)" : "");
}

static void walk_ptes(struct mm_struct *mm, unsigned long base,
		      unsigned long table_pfn,
		      void (*fn)(void *, const struct pstate_entry *),
		      void *ctx)
{
	for (int i = 0; i < PTRS_PER_PTE; i++) {
		unsigned long va = base + ((unsigned long)i << PAGE_SHIFT);
		pte_t *ptep = pte_offset_pfn(table_pfn, va);
		pte_t pte = { peek(ptep) };
		struct pstate_entry e = {
			mm, va, PSTATE_PTE, (uintptr_t)ptep,
			(uintptr_t)pfn_to_page(table_pfn), pte.pte, ~0UL };

		if (pte_none(pte))
			continue;
		if (pte_present(pte)) {
			if (!is_zero_pfn(pte_pfn(pte)) &&
			    pte_pfn(pte) < max_pfn)
				e.pfn = page_to_pfn(
					head_of(pfn_to_page(pte_pfn(pte))));
		} else {
			e.pfn = swp_pfn_or_none(pte_to_swp_entry(pte));
			if (e.pfn != ~0UL && e.pfn < max_pfn)
				e.pfn = page_to_pfn(
					head_of(pfn_to_page(e.pfn)));
		}
		fn(ctx, &e);
	}
}

void describe_walk(struct mm_struct *mm,
		   void (*fn)(void *ctx, const struct pstate_entry *e),
		   void *ctx)
{
	unsigned long pgd_pfn_ = mm->context.pgd_pfn;

	for (int g = 0; g < PTRS_PER_PGD; g++) {
		unsigned long vg = (unsigned long)g << PGDIR_SHIFT;
		pgd_t *pgdp = pgd_offset_pfn(pgd_pfn_, vg);
		pgd_t pgd = { peek(pgdp) };

		if (!pgd_present(pgd))
			continue;
		fn(ctx, &(struct pstate_entry){
			mm, vg, PSTATE_PGD, (uintptr_t)pgdp,
			(uintptr_t)pfn_to_page(pgd_pfn_), pgd.pgd, ~0UL });
		for (int u = 0; u < PTRS_PER_PUD; u++) {
			unsigned long vu = vg + ((unsigned long)u << PUD_SHIFT);
			pud_t *pudp = pud_offset_pfn(pgd_pfn(pgd), vu);
			pud_t pud = { peek(pudp) };

			if (!pud_present(pud))
				continue;
			fn(ctx, &(struct pstate_entry){
				mm, vu, PSTATE_PUD, (uintptr_t)pudp,
				(uintptr_t)pfn_to_page(pgd_pfn(pgd)), pud.pud,
				~0UL });
			for (int m = 0; m < PTRS_PER_PMD; m++) {
				unsigned long vm = vu +
					((unsigned long)m << PMD_SHIFT);
				pmd_t *pmdp = pmd_offset_pfn(pud_pfn(pud), vm);
				pmd_t pmd = { peek(pmdp) };
				struct pstate_entry e = {
					mm, vm, PSTATE_PMD, (uintptr_t)pmdp,
					(uintptr_t)pfn_to_page(pud_pfn(pud)),
					pmd.pmd, ~0UL };

				if (!pmd.pmd)
					continue;
				if (pmd_trans_huge(pmd)) {
					e.pfn = pmd_pfn(pmd);
				} else if (!pmd_present(pmd)) {
					e.pfn = swp_pfn_or_none(
						pmd_to_swp_entry(pmd));
				} else {
					e.level = PSTATE_TABLE;
					fn(ctx, &e);
					walk_ptes(mm, vm, pmd_pfn(pmd), fn,
						  ctx);
					continue;
				}
				if (e.pfn != ~0UL && e.pfn < max_pfn)
					e.pfn = page_to_pfn(head_of(
						pfn_to_page(e.pfn)));
				fn(ctx, &e);
			}
		}
	}
}
