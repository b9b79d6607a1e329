// SPDX-License-Identifier: GPL-2.0
/*
 * t_cow - the COW tests of kselftest's mm/cow.c, on the model, for every
 * backing the model has: a base page, a THP, a PTE-mapped THP, a single
 * PTE of a THP, and a THP partially shared through MADV_DONTFORK.
 *
 * Each case is one execution in one task: the "child" is a dup_mm() of
 * the parent's mm, and the task switches between the two. A pin's view of
 * memory is the first word of each pinned frame (what a device DMAs); a
 * process's view is mm_user_load(). The properties are cow.c's:
 *	No leak from child into parent / from parent into child
 *	Longterm R/O pin is reliable / Longterm R/W pin is reliable
 * vmsplice() is a FOLL_GET R/O GUP (what the kernel's vmsplice does);
 * the CVE-2020-29374 cases check that the parent's write after fork is
 * not visible through the child's reference. Runs in about a second.
 */
#include "gup_test.h"

struct cow_mem {
	struct mm_struct *mm;
	unsigned long a;	/* start of the range under test */
	unsigned long size;
	bool ok;		/* the backing could be set up */
};

/* ---- values ---- */

static uint64_t val(int gen, unsigned long i)
{
	return (uint64_t)gen << 32 | i;
}

static void fill(struct mm_struct *mm, struct cow_mem *m, int gen)
{
	for (unsigned long i = 0; i < m->size / PAGE_SIZE; i++)
		gt_store(mm, m->a + i * PAGE_SIZE, val(gen, i));
}

/* Does @mm see generation @gen everywhere? */
static bool sees(struct mm_struct *mm, struct cow_mem *m, int gen)
{
	for (unsigned long i = 0; i < m->size / PAGE_SIZE; i++)
		if (gt_load(mm, m->a + i * PAGE_SIZE) != val(gen, i))
			return false;
	return true;
}

/* Does the pin see generation @gen everywhere? */
static bool pin_sees(struct page **pages, struct cow_mem *m, int gen)
{
	for (unsigned long i = 0; i < m->size / PAGE_SIZE; i++)
		if (gt_dma_read(pages[i]) != val(gen, i))
			return false;
	return true;
}

static struct page **pin(struct mm_struct *mm, struct cow_mem *m,
			 unsigned int flags, bool fast)
{
	unsigned long n = m->size / PAGE_SIZE;
	struct page **pages = sim_zalloc(sizeof(*pages) * n);
	long got;

	mm_task_bind(mm);
	got = fast ? gup_fast_user_pages(mm, m->a, n, flags, pages)
		   : get_user_pages_remote(mm, m->a, n, flags, pages);
	expect(got == (long)n, "GUP took %ld of %lu pages", got, n);
	if (got == (long)n)
		return pages;
	for (long i = 0; i < got; i++)
		gup_put_page(pages[i], flags);
	return NULL;
}

static void unpin(struct page **pages, struct cow_mem *m, unsigned int flags)
{
	for (unsigned long i = 0; i < m->size / PAGE_SIZE; i++)
		gup_put_page(pages[i], flags);
}

static void mprotect_ro_rw(struct mm_struct *mm, struct cow_mem *m)
{
	do_mprotect_pkey(mm, m->a, m->size, PROT_READ, -1);
	do_mprotect_pkey(mm, m->a, m->size, PROT_READ | PROT_WRITE, -1);
}

/* ---- backings ---- */

static void setup_base(struct cow_mem *m)
{
	m->size = PAGE_SIZE;
	m->a = gt_mmap(m->mm, PAGE_SIZE);
	do_madvise(m->mm, m->a, PAGE_SIZE, MADV_NOHUGEPAGE);
	fill(m->mm, m, 1);
	m->ok = true;
}

static void setup_thp(struct cow_mem *m)
{
	m->size = HPAGE_PMD_SIZE;
	m->a = gt_mmap(m->mm, HPAGE_PMD_SIZE);
	gt_store(m->mm, m->a, 0);
	m->ok = pt_is_huge(m->mm, m->a);
	fill(m->mm, m, 1);
}

/* cow.c: mprotect one page R/O and back: the PMD is split, the THP not */
static void setup_pte_thp(struct cow_mem *m)
{
	setup_thp(m);
	do_mprotect_pkey(m->mm, m->a + PAGE_SIZE, PAGE_SIZE, PROT_READ, -1);
	do_mprotect_pkey(m->mm, m->a + PAGE_SIZE, PAGE_SIZE,
			 PROT_READ | PROT_WRITE, -1);
	m->ok = m->ok && !pt_is_huge(m->mm, m->a) &&
		folio_test_large(page_folio(pfn_to_page(pt_pfn(m->mm, m->a))));
}

static void setup_single_pte_thp(struct cow_mem *m)
{
	setup_pte_thp(m);
	do_madvise(m->mm, m->a + PAGE_SIZE, HPAGE_PMD_SIZE - PAGE_SIZE,
		   MADV_DONTNEED);
	m->size = PAGE_SIZE;
}

/* cow.c: share the first page with a child that quits at once */
static void setup_partial_shared_thp(struct cow_mem *m)
{
	struct mm_struct *child;

	setup_thp(m);
	do_madvise(m->mm, m->a + PAGE_SIZE, HPAGE_PMD_SIZE - PAGE_SIZE,
		   MADV_DONTFORK);
	child = dup_mm(m->mm);
	mmput(child);
	mm_task_bind(m->mm);
	do_madvise(m->mm, m->a + PAGE_SIZE, HPAGE_PMD_SIZE - PAGE_SIZE,
		   MADV_DOFORK);
}

/* ---- the tests: @m is set up and filled with generation 1 ---- */

static void cow_in_child(struct cow_mem *m, bool mprotect)
{
	struct mm_struct *child = dup_mm(m->mm);

	if (mprotect)
		mprotect_ro_rw(child, m);
	fill(child, m, 2);
	expect(sees(m->mm, m, 1), "Leak from child into parent");
	fill(m->mm, m, 3);
	expect(sees(child, m, 2), "Leak from parent into child");
	mmput(child);
}

static void test_cow_in_child(struct cow_mem *m)
{
	cow_in_child(m, false);
}

static void test_cow_in_child_mprotect(struct cow_mem *m)
{
	cow_in_child(m, true);
}

/*
 * CVE-2020-29374: the child takes a R/O reference (vmsplice: FOLL_GET;
 * or a R/O pin), unmaps, and must not see what the parent writes later.
 */
static void ref_in_child(struct cow_mem *m, unsigned int flags,
			 bool mprotect)
{
	struct mm_struct *child = dup_mm(m->mm);
	struct page **pages = pin(child, m, flags, true);

	if (pages)
		vm_munmap(child, m->a, m->size);
	if (mprotect)
		mprotect_ro_rw(m->mm, m);
	fill(m->mm, m, 2);
	if (pages) {
		expect(pin_sees(pages, m, 1), "Leak from parent into child");
		unpin(pages, m, flags);
	}
	mmput(child);
}

static void test_vmsplice_in_child(struct cow_mem *m)
{
	ref_in_child(m, FOLL_GET, false);
}

static void test_vmsplice_in_child_mprotect(struct cow_mem *m)
{
	ref_in_child(m, FOLL_GET, true);
}

static void test_ro_pin_in_child(struct cow_mem *m)
{
	ref_in_child(m, FOLL_PIN | FOLL_LONGTERM, false);
}

/* The parent takes a reference before/after fork, then unmaps. */
static void ref_in_parent(struct cow_mem *m, unsigned int flags,
			  bool before_fork)
{
	struct page **pages = NULL;
	struct mm_struct *child;

	if (before_fork)
		pages = pin(m->mm, m, flags, true);
	child = dup_mm(m->mm);
	if (!before_fork)
		pages = pin(m->mm, m, flags, true);
	vm_munmap(m->mm, m->a, m->size);
	fill(child, m, 2);
	if (pages) {
		expect(pin_sees(pages, m, 1), "Leak from child into parent");
		unpin(pages, m, flags);
	}
	mmput(child);
	mm_task_bind(m->mm);
}

static void test_vmsplice_before_fork(struct cow_mem *m)
{
	ref_in_parent(m, FOLL_GET, true);
}

static void test_vmsplice_after_fork(struct cow_mem *m)
{
	ref_in_parent(m, FOLL_GET, false);
}

static void test_pin_before_fork_unmap(struct cow_mem *m)
{
	ref_in_parent(m, FOLL_PIN | FOLL_LONGTERM, true);
}

/* io_uring fixed buffer: a R/W longterm pin, then fork. */
static void test_pinned_buffer_fork(struct cow_mem *m)
{
	unsigned int flags = FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM;
	struct page **pages = pin(m->mm, m, flags, true);
	struct mm_struct *child;

	if (!pages)
		return;
	child = dup_mm(m->mm);
	fill(m->mm, m, 2);
	expect(pin_sees(pages, m, 2), "Longterm R/W pin is not reliable");
	expect(sees(child, m, 1), "Leak from parent into child");
	mmput(child);
	unpin(pages, m, flags);
}

enum ro_pin_kind { RO_SHARED, RO_PREV_SHARED, RO_EXCLUSIVE };

/* cow.c do_test_ro_pin: R/O pin, then the process writes. */
static void ro_pin(struct cow_mem *m, enum ro_pin_kind kind, bool fast)
{
	unsigned int flags = FOLL_PIN | FOLL_LONGTERM;
	struct mm_struct *child = NULL;
	struct page **pages;

	if (kind != RO_EXCLUSIVE)
		child = dup_mm(m->mm);
	if (kind == RO_PREV_SHARED) {
		mmput(child);
		child = NULL;
	}
	if (kind != RO_SHARED)
		do_mprotect_pkey(m->mm, m->a, m->size, PROT_READ, -1);
	pages = pin(m->mm, m, flags, fast);
	if (kind != RO_SHARED)
		do_mprotect_pkey(m->mm, m->a, m->size,
				 PROT_READ | PROT_WRITE, -1);
	fill(m->mm, m, 2);
	if (pages) {
		expect(pin_sees(pages, m, 2), "Longterm R/O pin is not reliable");
		unpin(pages, m, flags);
	}
	if (child) {
		expect(sees(child, m, 1), "Leak from parent into child");
		mmput(child);
	}
	mm_task_bind(m->mm);
}

static void test_ro_pin_shared(struct cow_mem *m)
{
	ro_pin(m, RO_SHARED, false);
}

static void test_ro_fast_pin_shared(struct cow_mem *m)
{
	ro_pin(m, RO_SHARED, true);
}

static void test_ro_pin_prev_shared(struct cow_mem *m)
{
	ro_pin(m, RO_PREV_SHARED, false);
}

static void test_ro_fast_pin_prev_shared(struct cow_mem *m)
{
	ro_pin(m, RO_PREV_SHARED, true);
}

static void test_ro_pin_exclusive(struct cow_mem *m)
{
	ro_pin(m, RO_EXCLUSIVE, false);
}

static void test_ro_fast_pin_exclusive(struct cow_mem *m)
{
	ro_pin(m, RO_EXCLUSIVE, true);
}

/* ---- tables ---- */

struct cow_test {
	const char *description;
	void (*fn)(struct cow_mem *m);
};

static const struct cow_test anon_test_cases[] = {
	{ "Basic COW after fork()", test_cow_in_child },
	{ "Basic COW after fork() with mprotect() optimization",
	  test_cow_in_child_mprotect },
	{ "vmsplice() + unmap in child (CVE-2020-29374)",
	  test_vmsplice_in_child },
	{ "vmsplice() + unmap in child with mprotect() optimization",
	  test_vmsplice_in_child_mprotect },
	{ "R/O pin + unmap in child", test_ro_pin_in_child },
	{ "vmsplice() before fork(), unmap in parent after fork()",
	  test_vmsplice_before_fork },
	{ "vmsplice() + unmap in parent after fork()",
	  test_vmsplice_after_fork },
	{ "R/O pin before fork(), unmap in parent after fork()",
	  test_pin_before_fork_unmap },
	{ "fork() with a R/W longterm-pinned buffer",
	  test_pinned_buffer_fork },
	{ "R/O GUP pin on R/O-mapped shared page", test_ro_pin_shared },
	{ "R/O GUP-fast pin on R/O-mapped shared page",
	  test_ro_fast_pin_shared },
	{ "R/O GUP pin on R/O-mapped previously-shared page",
	  test_ro_pin_prev_shared },
	{ "R/O GUP-fast pin on R/O-mapped previously-shared page",
	  test_ro_fast_pin_prev_shared },
	{ "R/O GUP pin on R/O-mapped exclusive page", test_ro_pin_exclusive },
	{ "R/O GUP-fast pin on R/O-mapped exclusive page",
	  test_ro_fast_pin_exclusive },
};

struct backing {
	const char *name;
	void (*setup)(struct cow_mem *m);
};

static const struct backing backings[] = {
	{ "base page", setup_base },
	{ "THP", setup_thp },
	{ "PTE-mapped THP", setup_pte_thp },
	{ "single PTE-mapped THP", setup_single_pte_thp },
	{ "partially shared THP", setup_partial_shared_thp },
};

#define NCASES (sizeof(anon_test_cases) / sizeof(anon_test_cases[0]))
#define NBACKINGS (sizeof(backings) / sizeof(backings[0]))

struct cow_run {
	const struct backing *b;
	const struct cow_test *t;
	bool skipped;
};

static void run_case(void *arg)
{
	struct cow_run *r = arg;
	struct cow_mem m = { .mm = gt_new_mm() };

	r->b->setup(&m);
	if (!m.ok)
		r->skipped = true;
	else
		r->t->fn(&m);
	mm_task_bind(m.mm);
	mmput(m.mm);
}

int main(void)
{
	char desc[256];

	gt_setup(64UL << 20);
	plan(NCASES * NBACKINGS);
	for (unsigned b = 0; b < NBACKINGS; b++) {
		for (unsigned t = 0; t < NCASES; t++) {
			struct cow_run r = { &backings[b],
					     &anon_test_cases[t], false };
			struct sim_result res;

			snprintf(desc, sizeof(desc), "%s ... with %s",
				 anon_test_cases[t].description,
				 backings[b].name);
			res = gt_run(run_case, &r, NULL, 0);
			if (r.skipped && res.outcome == SIM_OK)
				skip(desc, "backing not available");
			else
				gt_report(desc, &res);
		}
	}
	return done_testing();
}
