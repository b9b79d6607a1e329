// SPDX-License-Identifier: GPL-2.0
/*
 * t_mprotect - mprotect(2) and change_protection() on private anon
 * memory: VMA split and merge, PTE and huge-PMD protection changes, the
 * rule for mapping an entry writable without a fault
 * (can_change_pte_writable), pins across mprotect, migration entries,
 * and NUMA hinting (change_prot_numa). One execution per property; runs
 * in well under a second.
 */
#include "gup_test.h"

/* mprotect R/O: a store faults (SIGSEGV); R/W again: it works. */
static void t_ro_then_rw(void *arg)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, 4 * PAGE_SIZE);
	int err;

	gt_store(mm, a, 1);
	expect(gt_writable(mm, a), "not writable after the write fault");
	expect(do_mprotect_pkey(mm, a, 4 * PAGE_SIZE, PROT_READ, -1) == 0,
	       "mprotect R/O failed");
	expect(!gt_writable(mm, a), "still writable after mprotect R/O");
	err = mm_user_store(mm, a, 2);
	expect(err == -EFAULT, "store to R/O memory returned %d", err);
	expect(gt_load(mm, a) == 1, "contents changed");
	expect(do_mprotect_pkey(mm, a, 4 * PAGE_SIZE,
				PROT_READ | PROT_WRITE, -1) == 0,
	       "mprotect R/W failed");
	/* exclusive anon page: writable at once, no fault needed */
	expect(gt_writable(mm, a), "exclusive page not made writable");
	gt_store(mm, a, 3);
	expect(gt_load(mm, a) == 3, "store after mprotect R/W lost");
	mmput(mm);
}

/* A shared (COW) page stays R/O after mprotect R/W: COW on write. */
static void t_rw_keeps_cow(void *arg)
{
	struct mm_struct *mm = gt_new_mm(), *child;
	unsigned long a = gt_mmap(mm, PAGE_SIZE);

	gt_store(mm, a, 1);
	child = dup_mm(mm);
	mm_task_bind(mm);
	do_mprotect_pkey(mm, a, PAGE_SIZE, PROT_READ, -1);
	do_mprotect_pkey(mm, a, PAGE_SIZE, PROT_READ | PROT_WRITE, -1);
	expect(!gt_writable(mm, a), "shared page mapped writable");
	gt_store(mm, a, 2);
	expect(gt_load(child, a) == 1, "No leak from parent into child");
	expect(gt_load(mm, a) == 2, "parent write lost");
	mmput(child);
	mm_task_bind(mm);
	mmput(mm);
}

/* R/W longterm pin stays coherent across mprotect R/O -> R/W. */
static void t_pin_across_mprotect(void *arg)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, PAGE_SIZE);
	struct page *page = NULL;

	gt_store(mm, a, 1);
	if (pin_user_pages_fast(mm, a, 1, FOLL_WRITE | FOLL_LONGTERM,
				&page) != 1) {
		expect(0, "pin failed");
		goto out;
	}
	do_mprotect_pkey(mm, a, PAGE_SIZE, PROT_READ, -1);
	*gt_dma(page) = 2;	/* the device writes while R/O */
	expect(gt_load(mm, a) == 2, "device write not seen while R/O");
	do_mprotect_pkey(mm, a, PAGE_SIZE, PROT_READ | PROT_WRITE, -1);
	expect(pt_pfn(mm, a) == page_to_pfn(page),
	       "mprotect broke COW on the pinned page");
	gt_store(mm, a, 3);
	expect(gt_dma_read(page) == 3 && pt_pfn(mm, a) == page_to_pfn(page),
	       "R/W longterm pin is not coherent after mprotect R/O->R/W");
	unpin_user_page(page);
out:
	mmput(mm);
}

/* mprotect of a range splits the VMA in three and merges back. */
static void t_split_merge(void *arg)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, 8 * PAGE_SIZE);
	int n0;

	for (int i = 0; i < 8; i++)
		gt_store(mm, a + i * PAGE_SIZE, i);
	n0 = gt_map_count(mm);
	do_mprotect_pkey(mm, a + 2 * PAGE_SIZE, 3 * PAGE_SIZE, PROT_READ, -1);
	expect(gt_map_count(mm) == n0 + 2, "map_count %d, want %d",
	       gt_map_count(mm), n0 + 2);
	expect(gt_writable(mm, a + PAGE_SIZE) &&
	       !gt_writable(mm, a + 2 * PAGE_SIZE) &&
	       !gt_writable(mm, a + 4 * PAGE_SIZE) &&
	       gt_writable(mm, a + 5 * PAGE_SIZE), "wrong protections");
	do_mprotect_pkey(mm, a + 2 * PAGE_SIZE, 3 * PAGE_SIZE,
			 PROT_READ | PROT_WRITE, -1);
	expect(gt_map_count(mm) == n0, "not merged back: map_count %d",
	       gt_map_count(mm));
	for (int i = 0; i < 8; i++)
		expect(gt_load(mm, a + i * PAGE_SIZE) == (uint64_t)i,
		       "page %d lost its contents", i);
	mmput(mm);
}

/* Errors: unaligned, hole, PROT_* junk. */
static void t_errors(void *arg)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, 2 * PAGE_SIZE);

	expect(do_mprotect_pkey(mm, a + 1, PAGE_SIZE, PROT_READ, -1) ==
	       -EINVAL, "unaligned start accepted");
	expect(do_mprotect_pkey(mm, a, 4 * PAGE_SIZE, PROT_READ, -1) ==
	       -ENOMEM, "range with a hole accepted");
	expect(do_mprotect_pkey(mm, a, PAGE_SIZE, 0x100, -1) == -EINVAL,
	       "unknown PROT bit accepted");
	expect(do_mprotect_pkey(mm, a, 0, PROT_READ, -1) == 0,
	       "empty range failed");
	mmput(mm);
}

/* PROT_NONE: loads fault, the contents survive. */
static void t_prot_none(void *arg)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, PAGE_SIZE);
	uint64_t v;

	gt_store(mm, a, 11);
	do_mprotect_pkey(mm, a, PAGE_SIZE, PROT_NONE, -1);
	expect(mm_user_load(mm, a, &v) == -EFAULT, "PROT_NONE load worked");
	do_mprotect_pkey(mm, a, PAGE_SIZE, PROT_READ, -1);
	expect(gt_load(mm, a) == 11, "contents lost across PROT_NONE");
	mmput(mm);
}

/* mprotect of part of a THP splits the PMD; of all of it keeps it. */
static void t_thp(void *arg)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, 2 * HPAGE_PMD_SIZE), b;
	int err;

	b = a + HPAGE_PMD_SIZE;
	gt_store(mm, a, 1);
	gt_store(mm, b + 7 * PAGE_SIZE, 2);
	if (!pt_is_huge(mm, a) || !pt_is_huge(mm, b)) {
		expect(0, "no THPs");
		goto out;
	}
	/* the whole first THP: the huge PMD is changed in place */
	do_mprotect_pkey(mm, a, HPAGE_PMD_SIZE, PROT_READ, -1);
	expect(pt_is_huge(mm, a) && !gt_writable(mm, a),
	       "whole-THP mprotect R/O: split or still writable");
	err = mm_user_store(mm, a, 5);
	expect(err == -EFAULT, "store to R/O THP returned %d", err);
	do_mprotect_pkey(mm, a, HPAGE_PMD_SIZE, PROT_READ | PROT_WRITE, -1);
	expect(pt_is_huge(mm, a) && gt_writable(mm, a),
	       "whole-THP mprotect R/W: split or not writable");
	/* one page of the second THP: the PMD is split */
	do_mprotect_pkey(mm, b + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ, -1);
	expect(!pt_is_huge(mm, b), "partial mprotect did not split the PMD");
	expect(!gt_writable(mm, b + 3 * PAGE_SIZE) &&
	       gt_writable(mm, b + 7 * PAGE_SIZE), "wrong PTE protections");
	expect(gt_load(mm, b + 7 * PAGE_SIZE) == 2 && gt_load(mm, a) == 1,
	       "THP contents lost");
	gt_store(mm, b + 8 * PAGE_SIZE, 9);
	expect(gt_load(mm, b + 8 * PAGE_SIZE) == 9, "store after split lost");
out:
	mmput(mm);
}

/*
 * A writable migration entry becomes readable-exclusive on mprotect R/O
 * (anon), never plain readable: the PG_anon_exclusive information must
 * survive (seed 001, change_pte_range and Miaohe Lin's question).
 */
static void t_migration_entry(void *arg)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, PAGE_SIZE), pfn;
	struct folio *folio;
	spinlock_t *ptl;
	pte_t *ptep, pte, orig;
	swp_entry_t entry;

	do_madvise(mm, a, PAGE_SIZE, MADV_NOHUGEPAGE);
	gt_store(mm, a, 1);
	pfn = pt_pfn(mm, a);
	folio = page_folio(pfn_to_page(pfn));
	folio_lock(folio);
	/* what try_to_migrate_one would leave: a writable entry */
	ptep = pte_offset_map_lock(mm, mm_find_pmd(mm, a), a, &ptl);
	orig = ptep_get_and_clear(mm, a, ptep);
	set_pte_at(mm, a, ptep,
		   swp_entry_to_pte(make_writable_migration_entry(pfn)));
	pte_unmap_unlock(ptep, ptl);
	flush_tlb_mm_range(&mm->context, a, a + PAGE_SIZE);

	do_mprotect_pkey(mm, a, PAGE_SIZE, PROT_READ, -1);
	pt_lookup(mm, a, &pte, &(pmd_t){ 0 });
	entry = pte_to_swp_entry(pte);
	expect(is_swap_pte(pte) && swp_type(entry) ==
	       SWP_MIGRATION_READ_EXCLUSIVE && swp_offset_pfn(entry) == pfn,
	       "writable migration entry did not become readable-exclusive");
	/* a readable-exclusive entry is left alone by mprotect R/W */
	do_mprotect_pkey(mm, a, PAGE_SIZE, PROT_READ | PROT_WRITE, -1);
	pt_lookup(mm, a, &pte, &(pmd_t){ 0 });
	expect(swp_type(pte_to_swp_entry(pte)) ==
	       SWP_MIGRATION_READ_EXCLUSIVE, "readable-exclusive changed");
	/* restore what remove_migration_pte would: R/O, still exclusive */
	ptep = pte_offset_map_lock(mm, mm_find_pmd(mm, a), a, &ptl);
	set_pte_at(mm, a, ptep, pte_wrprotect(orig));
	pte_unmap_unlock(ptep, ptl);
	folio_unlock(folio);
	gt_store(mm, a, 2);
	expect(pt_pfn(mm, a) == pfn, "exclusive page was copied on write");
	mmput(mm);
}

/* NUMA hinting: exclusive entries become PROTNONE, shared ones stay. */
static void t_prot_numa(void *arg)
{
	struct mm_struct *mm = gt_new_mm(), *child;
	unsigned long a = gt_mmap(mm, 2 * PAGE_SIZE);
	struct vm_area_struct *vma;
	unsigned long n;
	pte_t pte;

	do_madvise(mm, a, 2 * PAGE_SIZE, MADV_NOHUGEPAGE);
	gt_store(mm, a, 1);
	child = dup_mm(mm);	/* page 0 shared */
	mm_task_bind(mm);
	gt_store(mm, a + PAGE_SIZE, 2);	/* page 1 exclusive */
	/* a second thread: no "already on the task's node" short cut */
	atomic_inc(&mm->mm_users);
	mmap_read_lock(mm);
	vma = vma_lookup(mm, a);
	n = change_prot_numa(vma, a, a + 2 * PAGE_SIZE);
	mmap_read_unlock(mm);
	atomic_dec(&mm->mm_users);
	expect(n == 1, "change_prot_numa changed %lu entries, want 1", n);
	pt_lookup(mm, a + PAGE_SIZE, &pte, &(pmd_t){ 0 });
	expect(pte_protnone(pte) && pte_pfn(pte), "exclusive PTE not hinted");
	pt_lookup(mm, a, &pte, &(pmd_t){ 0 });
	expect(!pte_protnone(pte), "shared COW PTE was hinted");
	/* SIM: no NUMA hinting fault yet; mprotect restores the entry */
	do_mprotect_pkey(mm, a, 2 * PAGE_SIZE, PROT_READ, -1);
	do_mprotect_pkey(mm, a, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, -1);
	expect(gt_writable(mm, a + PAGE_SIZE) && gt_load(mm, a + PAGE_SIZE) == 2,
	       "hinted entry not restored by mprotect");
	mmput(child);
	mm_task_bind(mm);
	mmput(mm);
}

static const struct gup_test tests[] = {
	{ "mprotect R/O: writes fault (SIGSEGV); R/W: writes work",
	  t_ro_then_rw },
	{ "mprotect R/W keeps a shared page R/O: No leak from parent into child",
	  t_rw_keeps_cow },
	{ "R/W longterm pin stays coherent across mprotect R/O->R/W",
	  t_pin_across_mprotect },
	{ "mprotect of a range splits VMAs and merges them back",
	  t_split_merge },
	{ "mprotect errors: unaligned, hole, bad PROT", t_errors },
	{ "PROT_NONE: accesses fault, contents survive", t_prot_none },
	{ "mprotect of a whole THP keeps the PMD; of part splits it", t_thp },
	{ "Writable migration entry becomes readable-exclusive, not readable",
	  t_migration_entry },
	{ "change_prot_numa hints exclusive entries, skips shared COW pages",
	  t_prot_numa },
};

int main(void)
{
	return gt_main(tests, sizeof(tests) / sizeof(tests[0]), 64UL << 20);
}
