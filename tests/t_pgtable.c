// SPDX-License-Identifier: GPL-2.0
/*
 * t_pgtable - page-table entry encodings and accessors.
 *
 * Every layer above reads state back out of entries: a migration entry
 * must give back its pfn, whether it was writable or exclusive, and the
 * young/dirty bits of the PTE it replaced (losing dirty loses data; losing
 * exclusive breaks GUP pins after migration); a swap PTE must keep its
 * exclusive marker; PROTNONE entries must stay pte_present() with their
 * pfn; an invalidated huge PMD must stay pmd_present(). So every encoding
 * is round-tripped, over edge values (pfn 1 and the largest pfn, every swap
 * type, the largest offset), and the accessors are checked on a real table
 * frame, and a read of a freed table frame is a use-after-free violation.
 * Runs in milliseconds.
 */
#include <string.h>

#include "arch/pgtable.h"
#include "page_ref.h"
#include "swapops.h"
#include "tap.h"
#include "unit_test.h"

#define MAXPFN ((1UL << SWP_PFN_BITS) - 1)

static const unsigned long pfns[] = { 1, 2, 511, 512, 0x12345, MAXPFN };
#define NPFNS (sizeof(pfns) / sizeof(pfns[0]))

static bool t_pte_pfn(void)
{
	bool good = true;

	for (unsigned i = 0; i < NPFNS; i++) {
		pte_t p = pfn_pte(pfns[i], PAGE_SHARED);
		pte_t ro = pfn_pte(pfns[i], PAGE_READONLY);

		good = good && pte_pfn(p) == pfns[i] && pte_present(p) &&
		       !pte_none(p) && !pte_protnone(p) && pte_write(p) &&
		       !pte_write(ro) && pte_pfn(ro) == pfns[i] &&
		       !is_swap_pte(p) && !pte_dirty(p) && pte_young(p);
	}
	return good;
}

static bool t_pte_bits(void)
{
	pte_t p = pfn_pte(0x777, PAGE_COPY);
	bool good;

	good = pte_write(pte_mkwrite(p, NULL)) &&
	       !pte_write(pte_wrprotect(pte_mkwrite_novma(p))) &&
	       pte_dirty(pte_mkdirty(p)) && pte_soft_dirty(pte_mkdirty(p)) &&
	       !pte_dirty(pte_mkclean(pte_mkdirty(p))) &&
	       pte_young(pte_mkyoung(pte_mkold(p))) &&
	       !pte_young(pte_mkold(p)) && pte_special(pte_mkspecial(p)) &&
	       pte_huge(pte_mkhuge(p)) &&
	       !pte_soft_dirty(pte_clear_soft_dirty(pte_mksoft_dirty(p))) &&
	       pte_uffd_wp(pte_mkuffd_wp(p)) &&
	       !pte_write(pte_mkuffd_wp(pte_mkwrite_novma(p))) &&
	       pte_same(pte_clear_soft_dirty(pte_mkclean(pte_mkdirty(p))), p);
	/* all of them keep the pfn */
	good = good &&
	       pte_pfn(pte_mkold(pte_mkdirty(pte_mkwrite(p, NULL)))) == 0x777;
	return good;
}

static bool t_protnone(void)
{
	pte_t p = pte_mkdirty(pte_mkyoung(pfn_pte(0x4242, PAGE_SHARED)));
	pte_t n = pte_modify(p, PAGE_NONE);
	pte_t back = pte_modify(n, PAGE_SHARED);
	pmd_t h = pmd_mkhuge(pfn_pmd(0x400, PAGE_SHARED));
	pmd_t hn = pmd_modify(h, PAGE_NONE);

	return pte_present(n) && pte_protnone(n) && !(n.pte & _PAGE_PRESENT) &&
	       pte_pfn(n) == 0x4242 && pte_dirty(n) && pte_young(n) &&
	       !pte_write(n) && !is_swap_pte(n) && !pte_protnone(back) &&
	       pte_write(back) && pte_same(back, p) && pmd_present(hn) &&
	       pmd_protnone(hn) && pmd_trans_huge(hn) && pmd_pfn(hn) == 0x400;
}

static bool t_pmd(void)
{
	bool good = true;

	for (unsigned i = 0; i < NPFNS; i++) {
		unsigned long pfn = pfns[i] & ~511UL;
		pmd_t h = pmd_mkhuge(pfn_pmd(pfn, PAGE_SHARED));
		pmd_t inv = pmd_mkinvalid(pmd_mkdirty(h));
		pmd_t t = pmd_mktable(pfns[i]);

		good = good && pmd_trans_huge(h) && pmd_leaf(h) &&
		       pmd_present(h) && pmd_pfn(h) == pfn && pmd_write(h) &&
		       !pmd_write(pmd_wrprotect(h)) &&
		       pmd_dirty(pmd_mkdirty(h)) && !pmd_young(pmd_mkold(h)) &&
		       /* invalidated: not present for the walker, still
			* present and huge for the kernel, pfn and dirty kept */
		       !(inv.pmd & _PAGE_PRESENT) && pmd_present(inv) &&
		       pmd_trans_huge(inv) && pmd_dirty(inv) &&
		       pmd_pfn(inv) == pfn && !is_swap_pmd(inv) &&
		       /* a table entry */
		       !pmd_trans_huge(t) && pmd_present(t) && !pmd_bad(t) &&
		       pmd_pfn(t) == pfns[i] &&
		       pud_pfn(pud_mktable(pfns[i])) == pfns[i] &&
		       pgd_pfn(pgd_mktable(pfns[i])) == pfns[i] &&
		       pud_present(pud_mktable(1)) &&
		       pgd_present(pgd_mktable(1));
	}
	return good;
}

static bool t_swap(void)
{
	static const unsigned long offs[] = { 1, 2, 0xabcdef,
					      __SWP_OFFSET_MAX };
	bool good = true;

	for (unsigned type = 0; type < (1u << MAX_SWAPFILES_SHIFT); type++) {
		for (unsigned i = 0; i < 4; i++) {
			swp_entry_t e = swp_entry(type, offs[i]);
			pte_t p = swp_entry_to_pte(e);
			swp_entry_t b = pte_to_swp_entry(p);
			pmd_t m = swp_entry_to_pmd(e);

			good = good && swp_type(e) == type &&
			       swp_offset(e) == offs[i] && is_swap_pte(p) &&
			       !pte_present(p) && !pte_none(p) &&
			       b.val == e.val && is_swap_pmd(m) &&
			       !pmd_present(m) && !pmd_trans_huge(m) &&
			       pmd_to_swp_entry(m).val == e.val &&
			       non_swap_entry(e) == (type >= MAX_SWAPFILES);
		}
	}
	return good;
}

static bool t_swap_flags(void)
{
	pte_t p = swp_entry_to_pte(swp_entry(3, 0x1234));
	pte_t x = pte_swp_mkexclusive(p);
	pte_t s = pte_swp_mksoft_dirty(x);
	pte_t u = pte_swp_mkuffd_wp(s);

	return !pte_swp_exclusive(p) && pte_swp_exclusive(x) &&
	       pte_swp_exclusive(u) && pte_swp_soft_dirty(u) &&
	       pte_swp_uffd_wp(u) && is_swap_pte(u) &&
	       /* the entry reads back the same whatever the markers */
	       pte_to_swp_entry(u).val == pte_to_swp_entry(p).val &&
	       !pte_swp_exclusive(pte_swp_clear_exclusive(u)) &&
	       pte_swp_soft_dirty(pte_swp_clear_exclusive(u)) &&
	       !pte_swp_soft_dirty(pte_swp_clear_soft_dirty(u)) &&
	       !pte_swp_uffd_wp(pte_swp_clear_uffd_wp(u)) &&
	       pmd_swp_soft_dirty(pmd_swp_mksoft_dirty(__pmd(p.pte))) &&
	       !pmd_swp_soft_dirty(pmd_swp_clear_soft_dirty(
		       pmd_swp_mksoft_dirty(__pmd(p.pte))));
}

static bool t_migration(void)
{
	swp_entry_t (*mk[3])(unsigned long) = {
		make_readable_migration_entry,
		make_readable_exclusive_migration_entry,
		make_writable_migration_entry,
	};
	bool good = true;

	for (unsigned i = 0; i < NPFNS; i++) {
		for (int k = 0; k < 3; k++) {
			for (int ad = 0; ad < 4; ad++) {
				swp_entry_t e = mk[k](pfns[i]), b;
				pmd_t m;

				if (ad & 1)
					e = make_migration_entry_young(e);
				if (ad & 2)
					e = make_migration_entry_dirty(e);
				b = pte_to_swp_entry(pte_swp_mksoft_dirty(
					swp_entry_to_pte(e)));
				m = swp_entry_to_pmd(e);
				good = good && b.val == e.val &&
				       is_migration_entry(b) &&
				       !is_device_private_entry(b) &&
				       non_swap_entry(b) &&
				       is_pfn_swap_entry(b) &&
				       swp_offset_pfn(b) == pfns[i] &&
				       is_readable_migration_entry(b) ==
					       (k == 0) &&
				       is_readable_exclusive_migration_entry(
					       b) == (k == 1) &&
				       is_writable_migration_entry(b) ==
					       (k == 2) &&
				       is_migration_entry_young(b) ==
					       !!(ad & 1) &&
				       is_migration_entry_dirty(b) ==
					       !!(ad & 2) &&
				       is_pmd_migration_entry(m) &&
				       pmd_to_swp_entry(m).val == e.val;
			}
		}
	}
	return good && !is_pmd_migration_entry(__pmd(0)) &&
	       !is_pmd_migration_entry(pmd_mkhuge(pfn_pmd(512, PAGE_SHARED)));
}

static bool t_device(void)
{
	bool good = true;

	for (unsigned i = 0; i < NPFNS; i++) {
		swp_entry_t r = make_readable_device_private_entry(pfns[i]);
		swp_entry_t w = make_writable_device_private_entry(pfns[i]);
		swp_entry_t x = make_device_exclusive_entry(pfns[i]);
		swp_entry_t rb = pte_to_swp_entry(swp_entry_to_pte(r));
		swp_entry_t wb = pte_to_swp_entry(swp_entry_to_pte(w));

		good = good && is_device_private_entry(rb) &&
		       !is_writable_device_private_entry(rb) &&
		       is_device_private_entry(wb) &&
		       is_writable_device_private_entry(wb) &&
		       !is_migration_entry(wb) && is_pfn_swap_entry(wb) &&
		       swp_offset_pfn(rb) == pfns[i] &&
		       swp_offset_pfn(wb) == pfns[i] &&
		       is_device_exclusive_entry(x) &&
		       !is_device_private_entry(x);
	}
	return good && is_hwpoison_entry(swp_entry(SWP_HWPOISON, 5)) &&
	       is_pte_marker_entry(make_pte_marker_entry(PTE_MARKER_GUARD)) &&
	       pte_marker_get(make_pte_marker_entry(PTE_MARKER_GUARD)) ==
		       PTE_MARKER_GUARD;
}

/* ---- accessors on a real table, inside an execution ---- */

static bool acc_ok;

static void accessors(void *arg)
{
	struct page *t = pagetable_alloc_level(PT_PTE);
	struct page *d = alloc_pages(0, 0), *l;
	unsigned long va = 0x7f0000123000UL;
	pte_t *ptep = pte_offset_pfn(page_to_pfn(t), va), old;
	pte_t p = pfn_pte(page_to_pfn(d), PAGE_SHARED);
	pmd_t *pmdp;
	bool good = PageTable(t) && t->pt_level == PT_PTE &&
		    pte_none(ptep_get(ptep)) && pt_page_of(ptep) == t;

	set_pte_at(NULL, va, ptep, pte_mkdirty(p));
	good = good && pte_same(ptep_get(ptep), pte_mkdirty(p));
	ptep_set_wrprotect(NULL, va, ptep);
	good = good && !pte_write(ptep_get(ptep));
	good = good && ptep_test_and_clear_young(NULL, va, ptep) &&
	       !ptep_test_and_clear_young(NULL, va, ptep);
	good = good &&
	       ptep_set_access_flags(NULL, va, ptep,
				     pte_mkyoung(ptep_get(ptep)), 1) &&
	       pte_young(ptep_get(ptep));
	old = ptep_get_and_clear(NULL, va, ptep);
	good = good && pte_dirty(old) && pte_pfn(old) == page_to_pfn(d) &&
	       pte_none(ptep_get(ptep));
	set_ptes(NULL, va, ptep, p, 3);
	good = good && pte_pfn(ptep_get(ptep + 2)) == page_to_pfn(d) + 2;

	l = pagetable_alloc_level(PT_PMD);
	pmdp = pmd_offset_pfn(page_to_pfn(l), va);
	pmd_populate(NULL, pmdp, t);
	good = good && pmd_pfn(pmdp_get(pmdp)) == page_to_pfn(t) &&
	       !pmd_trans_huge(pmdp_get(pmdp));
	set_pmd_at(NULL, va, pmdp, pmd_mkhuge(pfn_pmd(512, PAGE_SHARED)));
	pmdp_set_wrprotect(NULL, va, pmdp);
	good = good && !pmd_write(pmdp_get(pmdp)) &&
	       pmdp_test_and_clear_young(NULL, va, pmdp);
	good = good && pmd_trans_huge(pmdp_establish(
			       NULL, va, pmdp, pmd_mkinvalid(pmdp_get(pmdp))));
	good = good && pmd_present(pmdp_huge_get_and_clear(NULL, va, pmdp)) &&
	       pmd_none(pmdp_get(pmdp));
	for (int i = 0; i < 3; i++)
		pte_clear(NULL, va, ptep + i);
	pagetable_free(t);
	pagetable_free(l);
	__free_pages(d, 0);
	acc_ok = good && nr_allocated_pages() == 0;
}

static struct sim_result run(sim_task_fn fn)
{
	struct sim_config cfg = { 0 };
	struct sim_result r;

	sim_exec_begin(&cfg);
	sim_task_create("t", fn, NULL);
	sim_exec_run(&r);
	return r;
}

static bool t_accessors(void)
{
	struct sim_result r = run(accessors);

	if (r.outcome != SIM_OK)
		diag("%s", r.msg);
	return r.outcome == SIM_OK && acc_ok;
}

static void follow_unlocked(void *arg)
{
	struct page *d = alloc_pages(0, 0);
	swp_entry_t e = make_writable_migration_entry(page_to_pfn(d));

	pfn_swap_entry_to_page(e); /* folio not locked: BUG */
}

static bool t_migration_needs_lock(void)
{
	struct sim_result r = run(follow_unlocked);

	return r.outcome == SIM_VIOLATION && strstr(r.msg, "PageLocked");
}

/* A walker that kept a pointer into a PMD table freed meanwhile. */
static void read_freed_table(void *arg)
{
	struct page *l = pagetable_alloc_level(PT_PMD);
	pmd_t *pmdp = pmd_offset_pfn(page_to_pfn(l), 0x7f0000200000UL);

	set_pmd(pmdp, pmd_mktable(12345));
	pmd_clear(pmdp);
	pagetable_free(l);	/* the frame is poisoned */
	/* must be reported, never return the poison to follow */
	if (!pmd_none(pmdp_get(pmdp)))
		sim_violation("poison returned");
}

static bool t_freed_table_read(void)
{
	struct sim_result r = run(read_freed_table);

	return r.outcome == SIM_VIOLATION &&
	       !strncmp(r.msg, "use-after-free:", 15) &&
	       strstr(r.msg, "free, poisoned") && r.fail_site;
}

static const struct unit_test tests[] = {
	{ "pfn_pte/pte_pfn round-trip, pfn 1 .. 2^40-1", t_pte_pfn },
	{ "PTE bit helpers set and clear exactly their bit, keep the pfn",
	  t_pte_bits },
	{ "PROTNONE entries stay pte_present with pfn and A/D; pte_modify "
	  "round-trips",
	  t_protnone },
	{ "Huge PMDs: invalidated stays pmd_present and trans_huge; table "
	  "entries are not huge",
	  t_pmd },
	{ "Every swap type and offset round-trips through PTE and PMD",
	  t_swap },
	{ "Swap-PTE exclusive/soft-dirty/uffd markers are independent of the "
	  "entry",
	  t_swap_flags },
	{ "Migration entries keep pfn, kind and young/dirty, in PTEs and "
	  "PMDs",
	  t_migration },
	{ "Device-private entries keep pfn and writability", t_device },
	{ "Entry accessors on a table frame read back what was written",
	  t_accessors },
	{ "Following a migration entry of an unlocked folio is a BUG",
	  t_migration_needs_lock },
	{ "Reading an entry of a freed page table is a reported "
	  "use-after-free, not poison handed to the caller",
	  t_freed_table_read },
};

UNIT_TESTS_MAIN(tests)
