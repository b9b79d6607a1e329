// SPDX-License-Identifier: GPL-2.0
/*
 * t_mm_fault - anonymous faults, munmap and exit, sequentially (one task
 * per process, round-robin). After each execution every structural
 * invariant holds and no frame is leaked. Runs in well under a second.
 */
#include "mm_test.h"

#define N 16

static void read_fault_zero_page(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a;
	pte_t pte;
	pmd_t pmd;

	transparent_hugepage_mode = THP_NEVER;
	a = mt_mmap(mm, N * PAGE_SIZE);
	for (int i = 0; i < N; i++)
		expect(mt_load(mm, a + i * PAGE_SIZE) == 0, "not zero");
	pt_lookup(mm, a, &pte, &pmd);
	expect(is_zero_pfn(pte_pfn(pte)) && !pte_write(pte),
	       "read fault did not map the zero page read-only");
	expect(get_mm_counter(mm, MM_ANONPAGES) == 0, "zero page counted");
	mmput(mm);
	transparent_hugepage_mode = THP_ALWAYS;
}

static void write_fault_exclusive(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, N * PAGE_SIZE);
	pte_t pte;
	pmd_t pmd;

	for (int i = 0; i < N; i++)
		mt_store(mm, a + i * PAGE_SIZE + 8, 100 + i);
	for (int i = 0; i < N; i++)
		expect(mt_load(mm, a + i * PAGE_SIZE + 8) == 100 + i,
		       "page %d lost its value", i);
	pt_lookup(mm, a, &pte, &pmd);
	expect(pte_write(pte) && PageAnonExclusive(pte_page(pte)),
	       "write fault did not map an exclusive writable page");
	expect(get_mm_counter(mm, MM_ANONPAGES) == N, "rss %ld",
	       get_mm_counter(mm, MM_ANONPAGES));
	mt_quiescent();
	mmput(mm);
}

static void read_then_write(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, PAGE_SIZE);

	expect(mt_load(mm, a) == 0, "not zero");
	mt_store(mm, a, 42);
	expect(mt_load(mm, a) == 42, "store lost");
	expect(!is_zero_pfn(pt_pfn(mm, a)), "still the zero page");
	expect(mt_load(mm, a + 8) == 0, "rest of the copy not zero");
	mmput(mm);
}

static void segv(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = vm_mmap(mm, 0, PAGE_SIZE, PROT_READ,
				  MAP_PRIVATE | MAP_ANONYMOUS, 0);
	uint64_t v;

	expect(mm_user_load(mm, a + PAGE_SIZE, &v) == -EFAULT,
	       "load outside any VMA did not fault");
	expect(mm_user_store(mm, a, 1) == -EFAULT,
	       "store to a read-only VMA did not fault");
	expect(mm_user_load(mm, a, &v) == 0 && v == 0, "read-only load");
	mmput(mm);
}

static void munmap_middle(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, N * PAGE_SIZE);
	uint64_t v;

	for (int i = 0; i < N; i++)
		mt_store(mm, a + i * PAGE_SIZE, i + 1);
	expect(vm_munmap(mm, a + 4 * PAGE_SIZE, 4 * PAGE_SIZE) == 0, "munmap");
	expect(mm->map_count == 2, "map_count %d", mm->map_count);
	expect(mm_user_load(mm, a + 5 * PAGE_SIZE, &v) == -EFAULT,
	       "unmapped page still accessible");
	for (int i = 0; i < N; i++)
		if (i < 4 || i >= 8)
			expect(mt_load(mm, a + i * PAGE_SIZE) == i + 1,
			       "page %d changed", i);
	expect(get_mm_counter(mm, MM_ANONPAGES) == N - 4, "rss");
	mt_quiescent();
	/* Unmap everything: every table but the PGD goes. */
	expect(vm_munmap(mm, a, N * PAGE_SIZE) == 0, "munmap all");
	expect(mm->pgtables_bytes.counter == 0, "PTE tables left");
	mmput(mm);
}

static void exit_frees_everything(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, 3 * HPAGE_PMD_SIZE);
	unsigned long b = mt_mmap(mm, 5 * PAGE_SIZE);

	for (unsigned long off = 0; off < 3 * HPAGE_PMD_SIZE;
	     off += 64 * PAGE_SIZE)
		mt_store(mm, a + off, off);
	mt_store(mm, b, 1);
	mt_load(mm, b + PAGE_SIZE);
	mt_quiescent();
	mmput(mm);	/* the invariant check verifies nothing leaked */
}

static void fixed_and_merge(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, 4 * PAGE_SIZE), b;

	mt_store(mm, a, 7);
	b = vm_mmap(mm, a, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	expect(b == a, "MAP_FIXED at %#lx gave %#lx", a, b);
	expect(mt_load(mm, a) == 0, "MAP_FIXED did not replace the page");
	b = vm_mmap(mm, a + 4 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	expect(mm->map_count <= 3, "adjacent mapping not merged (%d)",
	       mm->map_count);
	mt_quiescent();
	mmput(mm);
}

/* Lock order: ptl then mmap_lock is an inversion of mm/rmap.c's tree. */
static spinlock_t fake_ptl;
static struct rw_semaphore fake_mmap_lock;

static void lock_inversion(void *arg)
{
	spin_lock_init_class(&fake_ptl, "ptl");
	init_rwsem_class(&fake_mmap_lock, "mmap_lock");
	spin_lock(&fake_ptl);
	down_read(&fake_mmap_lock);
	up_read(&fake_mmap_lock);
	spin_unlock(&fake_ptl);
}

static void test_lockdep(void)
{
	struct sim_result r = mt_run_with(lock_inversion, NULL, NULL, 0);

	ok(r.outcome == SIM_VIOLATION && strstr(r.msg, "mmap_lock") &&
		   strstr(r.msg, "holding ptl"),
	   "Lock order: taking mmap_lock under a PTL is reported, naming "
	   "both locks");
	diag("  %s", r.msg);
}

/* Negative control: a reference leaked on purpose must be caught. */
static void leak_a_reference(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = mt_mmap(mm, PAGE_SIZE);

	mt_store(mm, a, 1);
	folio_get(page_folio(pfn_to_page(pt_pfn(mm, a))));
	mmput(mm);
}

static void test_checker_catches_leak(void)
{
	struct sim_result r = mt_run_with(leak_a_reference, NULL, NULL, 0);

	ok(r.outcome == SIM_VIOLATION && strstr(r.msg, "refcount"),
	   "The invariant checker catches a leaked folio reference");
	diag("  %s", r.msg);
}

static const struct mm_test tests[] = {
	{ "Read fault maps the shared zero page read-only", read_fault_zero_page },
	{ "Write fault maps a new exclusive writable page", write_fault_exclusive },
	{ "Write after read replaces the zero page with a zeroed copy", read_then_write },
	{ "Access outside a VMA or against its protection is SIGSEGV", segv },
	{ "munmap of the middle keeps both sides; unmapping all frees the tables", munmap_middle },
	{ "Exit frees every page and page table", exit_frees_everything },
	{ "MAP_FIXED replaces a mapping; adjacent mappings merge", fixed_and_merge },
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
	test_lockdep();
	test_checker_catches_leak();
	return done_testing();
}
