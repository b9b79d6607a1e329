// SPDX-License-Identifier: GPL-2.0
/*
 * t_gup - get_user_pages, slow and fast, FOLL_GET and FOLL_PIN, on base
 * pages and THPs; the unshare rule for R/O pins; pins against fork.
 *
 * The sequential tests each run one execution (round-robin, one task) and
 * check the page the pin got, the counts it took, and that unpinning puts
 * every count back. The two races run 10,000 random executions each:
 *
 *  fork vs GUP-fast: task b pins (R/W, then R/O) a page with GUP-fast
 *  while task a forks the same mm. The race (mm/gup.c protocol B): b reads
 *  the writable PTE, fork checks "maybe pinned?" (no) and shares the page,
 *  b pins and re-checks the PTE before fork write-protects it. Without the
 *  write_protect_seq check b would hold a pin on a page now shared with
 *  the child, and the parent's next write would COW away from the pin.
 *  Forbidden: a pinned page that is not PageAnonExclusive, not the page
 *  the parent maps, or mapped by the child; a parent write not seen
 *  through the pin.
 *
 *  COW fault vs R/O pin: after fork, task a writes (COW: a new page) while
 *  task b R/O-pins the same address (unshare). Forbidden: the pin on a
 *  page the parent no longer maps, or not seeing the parent's last value.
 *
 * Runs in a few seconds under ASan.
 */
#include "gup_test.h"

#define RACE_EXECUTIONS 10000

/* ---- sequential ---- */

/* pin one base page of a fresh mapping; check what the pin took */
static void pin_base_page(unsigned int flags, bool fast, bool populate)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, PAGE_SIZE), pfn;
	struct page *page = NULL;
	long got;
	int ref;

	if (populate)
		gt_store(mm, a, 42);
	got = fast ? gup_fast_user_pages(mm, a, 1, flags, &page)
		   : get_user_pages_remote(mm, a, 1, flags, &page);
	expect(got == 1, "gup returned %ld", got);
	if (got != 1)
		goto out;
	pfn = pt_pfn(mm, a);
	expect(page_to_pfn(page) == pfn, "pinned pfn %lu, mapped %lu",
	       page_to_pfn(page), pfn);
	ref = gt_refcount(pfn);
	if (flags & FOLL_PIN) {
		expect(ref == 1 + (int)GUP_PIN_COUNTING_BIAS,
		       "refcount %d after a pin", ref);
		expect(PageAnonExclusive(page), "pinned page not exclusive");
		expect(test_bit(MMF_HAS_PINNED, &mm->flags),
		       "MMF_HAS_PINNED not set");
	} else {
		expect(ref == 2, "refcount %d after FOLL_GET", ref);
	}
	gt_store(mm, a, 7);
	expect(gt_dma_read(page) == 7, "store not seen through the pin");
	gup_put_page(page, flags);
	expect(gt_refcount(pfn) == 1, "refcount %d after unpin",
	       gt_refcount(pfn));
out:
	mmput(mm);
}

static void t_ro_pin_slow(void *arg)
{
	pin_base_page(FOLL_PIN | FOLL_LONGTERM, false, true);
}

static void t_rw_pin_slow(void *arg)
{
	pin_base_page(FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM, false, false);
}

static void t_ro_pin_fast(void *arg)
{
	pin_base_page(FOLL_PIN | FOLL_LONGTERM, true, true);
}

static void t_rw_pin_fast(void *arg)
{
	pin_base_page(FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM, true, true);
}

static void t_get_fast(void *arg)
{
	pin_base_page(FOLL_GET, true, true);
}

static void t_get_slow_unpopulated(void *arg)
{
	pin_base_page(FOLL_GET | FOLL_WRITE, false, false);
}

/* pin all 512 pages of a THP; _pincount and refcount must count them */
static void pin_thp(unsigned int flags, bool fast)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, HPAGE_PMD_SIZE);
	struct page **pages = sim_zalloc(sizeof(*pages) * HPAGE_PMD_NR);
	struct folio *folio;
	long got;

	gt_store(mm, a, 1);
	if (!pt_is_huge(mm, a)) {
		expect(0, "no THP at %#lx", a);
		goto out;
	}
	folio = page_folio(pfn_to_page(pt_pfn(mm, a)));
	got = fast ? gup_fast_user_pages(mm, a, HPAGE_PMD_NR, flags, pages)
		   : get_user_pages_remote(mm, a, HPAGE_PMD_NR, flags, pages);
	expect(got == HPAGE_PMD_NR, "gup returned %ld", got);
	if (got != HPAGE_PMD_NR)
		goto out;
	expect(pages[0] == &folio->page && pages[511] == &folio->page + 511,
	       "wrong subpages");
	expect(folio->_pincount.counter == HPAGE_PMD_NR,
	       "_pincount %d, want 512", folio->_pincount.counter);
	expect(folio->_refcount.counter == 1 + HPAGE_PMD_NR,
	       "refcount %d, want 513", folio->_refcount.counter);
	expect(folio_maybe_dma_pinned(folio), "not maybe-pinned");
	gt_store(mm, a + 5 * PAGE_SIZE, 55);
	expect(gt_dma_read(pages[5]) == 55, "store not seen through pin");
	unpin_user_pages(pages, got);
	expect(folio->_pincount.counter == 0 && folio->_refcount.counter == 1,
	       "after unpin: pincount %d refcount %d",
	       folio->_pincount.counter, folio->_refcount.counter);
out:
	mmput(mm);
}

static void t_thp_ro_slow(void *arg)
{
	pin_thp(FOLL_PIN, false);
}

static void t_thp_rw_fast(void *arg)
{
	pin_thp(FOLL_PIN | FOLL_WRITE, true);
}

static void t_thp_ro_fast(void *arg)
{
	pin_thp(FOLL_PIN | FOLL_LONGTERM, true);
}

/*
 * R/O pin of a page shared after fork: the pin must unshare first. The
 * pinned page is exclusive and mapped by the parent; the child keeps the
 * old page.
 */
static void ro_pin_after_fork(bool fast)
{
	struct mm_struct *mm = gt_new_mm(), *child;
	unsigned long a = gt_mmap(mm, PAGE_SIZE), old;
	unsigned int flags = FOLL_PIN | FOLL_LONGTERM;
	struct page *page = NULL;
	long got;

	gt_store(mm, a, 1);
	old = pt_pfn(mm, a);
	child = dup_mm(mm);
	mm_task_bind(mm);
	got = fast ? gup_fast_user_pages(mm, a, 1, flags, &page)
		   : get_user_pages_remote(mm, a, 1, flags, &page);
	expect(got == 1, "pin returned %ld", got);
	if (got == 1) {
		expect(page_to_pfn(page) != old, "pinned the shared page");
		expect(page_to_pfn(page) == pt_pfn(mm, a),
		       "parent does not map the pinned page");
		expect(pt_pfn(child, a) == old, "child lost its page");
		expect(PageAnonExclusive(page), "pinned page not exclusive");
		/* Longterm R/O pin is reliable */
		gt_store(mm, a, 2);
		expect(gt_dma_read(page) == 2, "parent write not in the pin");
		expect(gt_load(child, a) == 1, "child sees the parent write");
		unpin_user_page(page);
	}
	mmput(child);
	mm_task_bind(mm);
	mmput(mm);
}

static void t_ro_pin_after_fork_slow(void *arg)
{
	ro_pin_after_fork(false);
}

static void t_ro_pin_after_fork_fast(void *arg)
{
	ro_pin_after_fork(true);
}

/* Pin before fork: fork copies the pinned page for the child. */
static void t_pin_before_fork(void *arg)
{
	struct mm_struct *mm = gt_new_mm(), *child;
	unsigned long a = gt_mmap(mm, PAGE_SIZE);
	unsigned int flags = FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM;
	struct page *page = NULL;

	gt_store(mm, a, 1);
	if (gup_fast_user_pages(mm, a, 1, flags, &page) != 1) {
		expect(0, "pin failed");
		mmput(mm);
		return;
	}
	child = dup_mm(mm);
	expect(pt_pfn(child, a) && pt_pfn(child, a) != page_to_pfn(page),
	       "child shares the pinned page");
	expect(pt_pfn(mm, a) == page_to_pfn(page), "parent lost the page");
	gt_store(mm, a, 2);
	expect(gt_dma_read(page) == 2, "parent write not seen via the pin");
	expect(gt_load(child, a) == 1, "child sees the parent's write");
	*gt_dma(page) = 3;	/* the device writes */
	expect(gt_load(mm, a) == 3, "device write not seen by the parent");
	expect(gt_load(child, a) == 1, "device write seen by the child");
	unpin_user_page(page);
	mmput(child);
	mm_task_bind(mm);
	mmput(mm);
}

/* The zero page: R/O pins take no reference; longterm ones unshare. */
static void t_zero_page(void *arg)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, 2 * PAGE_SIZE);
	struct page *page = NULL;
	int zref;

	do_madvise(mm, a, 2 * PAGE_SIZE, MADV_NOHUGEPAGE);
	expect(gt_load(mm, a) == 0, "fresh memory not zero");
	expect(is_zero_pfn(pt_pfn(mm, a)), "read fault did not map zero");
	zref = page_ref_count(ZERO_PAGE(0));
	expect(get_user_pages_remote(mm, a, 1, FOLL_PIN, &page) == 1,
	       "R/O pin of the zero page failed");
	expect(page == ZERO_PAGE(0), "short-term R/O pin did not pin zero");
	expect(page_ref_count(ZERO_PAGE(0)) == zref, "zero page refcounted");
	unpin_user_page(page);
	expect(get_user_pages_remote(mm, a, 1, FOLL_PIN | FOLL_LONGTERM,
				     &page) == 1, "longterm pin failed");
	expect(page != ZERO_PAGE(0) && page_to_pfn(page) == pt_pfn(mm, a),
	       "longterm R/O pin did not unshare the zero page");
	expect(gt_dma_read(page) == 0, "unshared page not zero");
	gt_store(mm, a, 9);
	expect(gt_dma_read(page) == 9, "Longterm R/O pin is not reliable");
	unpin_user_page(page);
	mmput(mm);
}

/* Access rules: holes, R/O VMAs, FOLL_FORCE. */
static void t_access(void *arg)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, PAGE_SIZE);
	struct page *page = NULL;
	long got;

	gt_store(mm, a, 5);
	got = get_user_pages_remote(mm, a + 16 * PAGE_SIZE, 1, FOLL_GET,
				    &page);
	expect(got == -EFAULT, "GUP of a hole returned %ld", got);
	expect(do_mprotect_pkey(mm, a, PAGE_SIZE, PROT_READ, -1) == 0,
	       "mprotect failed");
	got = gup_fast_user_pages(mm, a, 1, FOLL_PIN | FOLL_WRITE, &page);
	expect(got == -EFAULT, "R/W pin of a R/O VMA returned %ld", got);
	got = get_user_pages_remote(mm, a, 1, FOLL_GET | FOLL_WRITE |
				    FOLL_FORCE, &page);
	expect(got == 1, "FOLL_FORCE write GUP returned %ld", got);
	if (got == 1) {
		expect(page_to_pfn(page) == pt_pfn(mm, a) &&
		       !gt_writable(mm, a), "FOLL_FORCE: wrong page or W");
		put_page(page);
	}
	mmput(mm);
}

/* A range across two VMAs and a THP boundary, then exact unpin. */
static void t_range(void *arg)
{
	struct mm_struct *mm = gt_new_mm();
	unsigned long a = gt_mmap(mm, 2 * HPAGE_PMD_SIZE);
	unsigned long start = a + HPAGE_PMD_SIZE - 4 * PAGE_SIZE;
	struct page *pages[8];
	int before[8];
	long got;

	for (int i = 0; i < 8; i++)
		gt_store(mm, start + i * PAGE_SIZE, i);
	do_mprotect_pkey(mm, start + 2 * PAGE_SIZE, PAGE_SIZE,
			 PROT_READ, -1);
	for (int i = 0; i < 8; i++)
		before[i] = gt_refcount(pt_pfn(mm, start + i * PAGE_SIZE));
	got = gup_fast_user_pages(mm, start, 8, FOLL_PIN, pages);
	expect(got == 8, "pinned %ld of 8", got);
	for (int i = 0; i < got; i++)
		expect(page_to_pfn(pages[i]) ==
			       pt_pfn(mm, start + i * PAGE_SIZE) &&
		       gt_dma_read(pages[i]) == (uint64_t)i,
		       "page %d wrong", i);
	if (got > 0)
		unpin_user_pages_dirty_lock(pages, got, true);
	for (int i = 0; i < 8; i++)
		expect(gt_refcount(pt_pfn(mm, start + i * PAGE_SIZE)) ==
			       before[i], "refcount of page %d not restored", i);
	mmput(mm);
}

/* ---- races ---- */

struct race {
	int delay;		/* yields before the pin: spreads it over fork */
	int spin;
	struct mm_struct *mm, *child;
	unsigned long a;
	struct page *page;
	long got;
	unsigned int flags;
	struct completion done;
};

static void race_pinner(void *arg)
{
	struct race *r = arg;

	mm_task_bind(r->mm);
	for (int i = 0; i < r->delay; i++)
		(void)READ_ONCE_L(r->spin, "test:delay");
	r->got = gup_fast_user_pages(r->mm, r->a, 1, r->flags, &r->page);
	mm_task_bind(NULL);
	complete(&r->done);
}

/* The pin must be on the page the parent maps, never on the child's. */
static void race_check_pin(struct race *r)
{
	unsigned long pfn;

	expect(r->got == 1, "pin returned %ld", r->got);
	if (r->got != 1)
		return;
	pfn = page_to_pfn(r->page);
	expect(PageAnonExclusive(r->page), "pinned page is not exclusive");
	expect(pt_pfn(r->child, r->a) != pfn,
	       "child maps the pinned page (pinned page shared)");
	gt_store(r->mm, r->a, 77);
	expect(pt_pfn(r->mm, r->a) == pfn && gt_dma_read(r->page) == 77,
	       "parent write not seen through the pin");
	expect(gt_load(r->child, r->a) == 1, "child sees the parent write");
	unpin_user_page(r->page);
}

static unsigned int race_nr;	/* executions so far: varies the delay */

static void race_fork_vs_gup_fast(void *arg)
{
	struct race *r = sim_zalloc(sizeof(*r));

	r->delay = (race_nr++ * 13) % 97;
	r->mm = gt_new_mm();
	r->a = gt_mmap(r->mm, PAGE_SIZE);
	r->flags = *(unsigned int *)arg;
	gt_store(r->mm, r->a, 1);
	init_completion(&r->done);
	sim_task_create("pinner", race_pinner, r);
	r->child = dup_mm(r->mm);
	wait_for_completion(&r->done);
	race_check_pin(r);
	mmput(r->child);
	mm_task_bind(r->mm);
	mmput(r->mm);
}

struct cow_race {
	struct race r;
	struct completion wrote;
};

static void cow_writer(void *arg)
{
	struct cow_race *c = arg;

	gt_store(c->r.mm, c->r.a, 2);
	mm_task_bind(NULL);
	complete(&c->wrote);
}

static void race_cow_vs_pin(void *arg)
{
	struct cow_race *c = sim_zalloc(sizeof(*c));
	struct race *r = &c->r;

	r->delay = (race_nr++ * 13) % 29;

	r->mm = gt_new_mm();
	r->a = gt_mmap(r->mm, PAGE_SIZE);
	r->flags = FOLL_PIN | FOLL_LONGTERM;
	gt_store(r->mm, r->a, 1);
	r->child = dup_mm(r->mm);
	mm_task_bind(NULL);
	init_completion(&r->done);
	init_completion(&c->wrote);
	sim_task_create("writer", cow_writer, c);
	sim_task_create("pinner", race_pinner, r);
	wait_for_completion(&c->wrote);
	wait_for_completion(&r->done);
	expect(r->got == 1, "pin returned %ld", r->got);
	if (r->got == 1) {
		expect(pt_pfn(r->mm, r->a) == page_to_pfn(r->page),
		       "parent does not map the pinned page");
		expect(gt_dma_read(r->page) == 2,
		       "Longterm R/O pin is not reliable: pin sees %lu",
		       (unsigned long)gt_dma_read(r->page));
		unpin_user_page(r->page);
	}
	expect(gt_load(r->child, r->a) == 1, "child sees the parent write");
	mmput(r->child);
	mm_task_bind(r->mm);
	mmput(r->mm);
}

static const struct gup_test tests[] = {
	{ "R/O longterm pin (slow) of a base page: exclusive, +1024 refs",
	  t_ro_pin_slow },
	{ "R/W longterm pin (slow) faults the page in and pins it",
	  t_rw_pin_slow },
	{ "R/O longterm pin (fast) of a base page", t_ro_pin_fast },
	{ "R/W longterm pin (fast) of a base page", t_rw_pin_fast },
	{ "FOLL_GET (fast) takes one reference", t_get_fast },
	{ "FOLL_GET|FOLL_WRITE (slow) faults the page in",
	  t_get_slow_unpopulated },
	{ "R/O pin (slow) of a THP: _pincount and refcount count 512",
	  t_thp_ro_slow },
	{ "R/W pin (fast) of a THP", t_thp_rw_fast },
	{ "R/O longterm pin (fast) of a THP", t_thp_ro_fast },
	{ "R/O pin (slow) after fork unshares: Longterm R/O pin is reliable",
	  t_ro_pin_after_fork_slow },
	{ "R/O pin (fast) after fork unshares: Longterm R/O pin is reliable",
	  t_ro_pin_after_fork_fast },
	{ "Pin before fork: the child gets a copy, the pin stays coherent",
	  t_pin_before_fork },
	{ "Zero page: R/O pin takes no ref, longterm R/O pin unshares",
	  t_zero_page },
	{ "GUP access rules: hole, R/O VMA, FOLL_FORCE",
	  t_access },
	{ "Range over a THP boundary and a split VMA; unpin restores refs",
	  t_range },
};

#define NTESTS ((int)(sizeof(tests) / sizeof(tests[0])))

int main(void)
{
	static unsigned int rw = FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM;
	static unsigned int ro = FOLL_PIN | FOLL_LONGTERM;

	gt_setup(64UL << 20);
	plan(NTESTS + 3);
	for (int i = 0; i < NTESTS; i++) {
		struct sim_result r = gt_run(tests[i].fn, NULL, NULL, 0);

		gt_report(tests[i].description, &r);
	}
	gt_explore("fork racing a R/W GUP-fast pin: pinned page never shared",
		   race_fork_vs_gup_fast, &rw, RACE_EXECUTIONS);
	gt_explore("fork racing a R/O GUP-fast pin: pinned page never shared",
		   race_fork_vs_gup_fast, &ro, RACE_EXECUTIONS);
	gt_explore("COW write fault racing a R/O pin: the pin is reliable",
		   race_cow_vs_pin, NULL, RACE_EXECUTIONS);
	return done_testing();
}
