// SPDX-License-Identifier: GPL-2.0
/*
 * t_fused_passes - the allocator's and the invariant checker's fused
 * per-page passes report what the separate passes reported.
 *
 * Why these properties: allocation and free of a block (arch/physmem.c
 * prep_block_pages, free_block_pages, free_run_pages) and the check of a
 * folio (check/invariants.c check_folio, small_folio_ok) look at each
 * struct page once, and fall back to the reporting passes only when that
 * look finds something. Each case below breaks one struct page or frame
 * of a block and expects the very message, naming the very pfn, the
 * separate passes gave: the first bad tail (not a later one, not the
 * head's rule when the head is fine), a bad free struct page before a
 * scribbled free frame (the struct page pass came first), a double free
 * in a run before a bad page of it; with a clean block (the negative
 * control) no report at all. A fused pass that skipped a check, checked
 * in another order, or reported a clean block fails here.
 * Runs in well under a second.
 */
#include <stdio.h>
#include <string.h>

#include "arch/physmem.h"
#include "check/mm_check.h"
#include "page-flags.h"
#include "pagemap.h"
#include "page_ref.h"
#include "tap.h"
#include "unit_test.h"

#define ORDER HPAGE_PMD_ORDER
#define NR HPAGE_PMD_NR

/* The outcome is @o and, for a violation, the message holds @a and @b. */
static bool expect(const struct sim_result *r, enum sim_outcome o,
		   const char *a, const char *b)
{
	if (r->outcome == o &&
	    (o == SIM_OK || (strstr(r->msg, a) && (!b || strstr(r->msg, b)))))
		return true;
	diag("outcome %s: %s (wanted %s: \"%s\" \"%s\")",
	     sim_outcome_name(r->outcome), r->msg, sim_outcome_name(o),
	     a ? a : "", b ? b : "");
	return false;
}

static char want[128];

static const char *pfn_str(unsigned long pfn)
{
	snprintf(want, sizeof(want), "pfn %lu:", pfn);
	return want;
}

/* ---- free of a compound block ---- */

enum breakage {
	B_NONE,
	B_TAIL_MAPCOUNT,	/* tail 300 mapped, tail 400 referenced */
	B_TAIL_REF,		/* tail 400 referenced */
	B_TAIL_HEAD,		/* tail 511 points at another head */
	B_TAIL_FLAGS,		/* tail 2 PG_locked */
	B_TAIL_MAPPING,		/* tail 1 a file mapping */
	B_HEAD_PIN,		/* head pinned, tail 300 mapped */
	B_NONCOMP,		/* no __GFP_COMP, tail 300 "mapped" */
};

static unsigned long base_pfn;

static void free_broken(void *arg)
{
	enum breakage b = (enum breakage)(long)arg;
	gfp_t gfp = b == B_NONCOMP ? 0 : __GFP_COMP;
	struct page *p = alloc_pages(gfp, ORDER);

	base_pfn = page_to_pfn(p);
	/* a written frame before the bad tail: the pass's slow path */
	*(volatile uint64_t *)page_address(p + 100) = 7;
	*(volatile uint64_t *)page_address(p + 350) = 7;
	switch (b) {
	case B_TAIL_MAPCOUNT:
		p[300]._mapcount.counter = 0;
		p[400]._refcount.counter = 2;
		break;
	case B_TAIL_REF:
		p[400]._refcount.counter = 2;
		break;
	case B_TAIL_HEAD:
		p[511].compound_head = (unsigned long)(p + 1) | 1;
		break;
	case B_TAIL_FLAGS:
		p[2].flags |= BIT(PG_locked);
		break;
	case B_TAIL_MAPPING:
		p[1].mapping = (struct address_space *)(p + 5);
		break;
	case B_HEAD_PIN:
		p->_pincount.counter = 1;
		p[300]._mapcount.counter = 0;
		break;
	case B_NONCOMP:
		p[300]._mapcount.counter = 0;	/* no tail checks */
		p[300].index = 12345;
		break;
	case B_NONE:
		break;
	}
	__free_pages(p, ORDER);
	if (b == B_NONCOMP && (p[300].index || p[300]._mapcount.counter != -1))
		sim_violation("the free left tail 300 unclean");
}

static bool t_free_tails(void)
{
	struct sim_result r;
	bool good = true;

	r = run_task(free_broken, (void *)B_NONE);
	good &= expect(&r, SIM_OK, NULL, NULL) && assert_physmem_state();
	r = run_task(free_broken, (void *)B_TAIL_MAPCOUNT);
	good &= expect(&r, SIM_VIOLATION, pfn_str(base_pfn + 300),
		       "nonzero mapcount");
	r = run_task(free_broken, (void *)B_TAIL_REF);
	good &= expect(&r, SIM_VIOLATION, pfn_str(base_pfn + 400),
		       "nonzero _refcount in a tail page");
	r = run_task(free_broken, (void *)B_TAIL_HEAD);
	good &= expect(&r, SIM_VIOLATION, pfn_str(base_pfn + 511),
		       "corrupted compound_head");
	r = run_task(free_broken, (void *)B_TAIL_FLAGS);
	good &= expect(&r, SIM_VIOLATION, pfn_str(base_pfn + 2),
		       "PAGE_FLAGS_CHECK_AT_FREE");
	r = run_task(free_broken, (void *)B_TAIL_MAPPING);
	good &= expect(&r, SIM_VIOLATION, pfn_str(base_pfn + 1),
		       "non-NULL mapping");
	r = run_task(free_broken, (void *)B_HEAD_PIN);
	good &= expect(&r, SIM_VIOLATION, pfn_str(base_pfn),
		       "nonzero _pincount");
	r = run_task(free_broken, (void *)B_NONCOMP);
	good &= expect(&r, SIM_OK, NULL, NULL) && assert_physmem_state();
	return good;
}

/* ---- allocation of a block whose free struct pages or frames broke ---- */

enum alloc_breakage {
	A_NONE,
	A_PAGE,		/* free tail 200 holds a reference */
	A_FRAME,	/* free frame 10 written */
	A_BOTH,		/* both: the struct page is reported */
	A_REAL,		/* frames 10, 20 made real (poison intact) */
};

static bool alloc_good;

static void alloc_broken(void *arg)
{
	enum alloc_breakage b = (enum alloc_breakage)(long)arg;
	struct page *p = alloc_pages(__GFP_COMP, ORDER), *q;

	base_pfn = page_to_pfn(p);
	__free_pages(p, ORDER);
	if (b == A_PAGE || b == A_BOTH)
		p[200]._refcount.counter = 3;
	if (b == A_FRAME || b == A_BOTH)
		*(volatile uint64_t *)pfn_to_virt(base_pfn + 10) = 42;
	if (b == A_REAL) {
		(void)pfn_to_virt(base_pfn + 10);
		(void)pfn_to_virt(base_pfn + 20);
	}
	q = alloc_pages(__GFP_COMP | (b == A_REAL ? __GFP_ZERO : 0), ORDER);
	alloc_good = q == p && q->_refcount.counter == 1 &&
		     folio_order((struct folio *)q) == ORDER;
	for (unsigned long i = 1; i < NR; i++)
		alloc_good = alloc_good && compound_head(q + i) == q &&
			     q[i]._refcount.counter == 0;
	if (b == A_REAL)
		for (unsigned long i = 0; i < NR; i += 5)
			alloc_good = alloc_good &&
				     physmem_load_word(base_pfn + i, 3) == 0;
	__free_pages(q, ORDER);
}

static bool t_alloc(void)
{
	struct sim_result r;
	bool good = true;
	char frame[64];

	r = run_task(alloc_broken, (void *)A_NONE);
	good &= expect(&r, SIM_OK, NULL, NULL) && alloc_good;
	r = run_task(alloc_broken, (void *)A_REAL);
	good &= expect(&r, SIM_OK, NULL, NULL) && alloc_good;
	r = run_task(alloc_broken, (void *)A_PAGE);
	good &= expect(&r, SIM_VIOLATION, pfn_str(base_pfn + 200),
		       "nonzero refcount in a free page");
	r = run_task(alloc_broken, (void *)A_FRAME);
	snprintf(frame, sizeof(frame), "pfn %lu was written after it was freed",
		 base_pfn + 10);
	good &= expect(&r, SIM_VIOLATION, frame, NULL);
	r = run_task(alloc_broken, (void *)A_BOTH);
	good &= expect(&r, SIM_VIOLATION, pfn_str(base_pfn + 200),
		       "nonzero refcount in a free page");
	return good;
}

/* ---- a run of order-0 pages freed at once ---- */

enum run_breakage { R_NONE, R_BAD_PAGE, R_DOUBLE_AND_BAD };

static void run_broken(void *arg)
{
	enum run_breakage b = (enum run_breakage)(long)arg;
	struct page *p = alloc_pages(0, 6);

	base_pfn = page_to_pfn(p);
	split_page(p, 6);
	for (int i = 0; i < 64; i++)
		p[i]._refcount.counter = 0;
	*(volatile uint64_t *)page_address(p + 3) = 9;
	if (b != R_NONE)
		p[10]._mapcount.counter = 0;
	if (b == R_DOUBLE_AND_BAD)
		free_frozen_pages(p + 20, 0);
	free_frozen_pages_run(p, 64);
}

static bool t_free_run(void)
{
	struct sim_result r;
	bool good = true;
	char dbl[80];

	r = run_task(run_broken, (void *)R_NONE);
	good &= expect(&r, SIM_OK, NULL, NULL) && assert_physmem_state() &&
		nr_allocated_pages() == 0;
	r = run_task(run_broken, (void *)R_BAD_PAGE);
	good &= expect(&r, SIM_VIOLATION, pfn_str(base_pfn + 10),
		       "nonzero mapcount");
	r = run_task(run_broken, (void *)R_DOUBLE_AND_BAD);
	snprintf(dbl, sizeof(dbl), "freeing pfn %lu order 0", base_pfn + 20);
	good &= expect(&r, SIM_VIOLATION, dbl, "double free");
	return good;
}

/* ---- the invariant checker's folio pass ---- */

/* mm_check_invariants() on an execution holding one folio, broken so. */
static bool check_one(unsigned order, void (*breakit)(struct page *p),
		      const char *a, const char *b)
{
	struct sim_result r = { 0 };
	struct page *p;
	char buf[64];

	begin();
	p = alloc_pages(order ? __GFP_COMP : 0, order);
	base_pfn = page_to_pfn(p);
	p->_refcount.counter = 0;	/* nothing maps it: no reference */
	breakit(p);
	mm_check_invariants(0, &r);
	if (a && strstr(a, "%lu")) {
		snprintf(buf, sizeof(buf), a, base_pfn + (order ? 5 : 0));
		a = buf;
	}
	return expect(&r, a ? SIM_VIOLATION : SIM_OK, a, b);
}

static void brk_none(struct page *p)
{
}

static void brk_ref(struct page *p)
{
	p->_refcount.counter = 1;	/* a leaked reference */
}

static void brk_locked(struct page *p)
{
	p->flags |= BIT(PG_locked);
}

static void brk_cache(struct page *p)
{
	static struct address_space as;

	p->mapping = &as;	/* the page cache's reference is missing */
}

static void brk_cache_ok(struct page *p)
{
	brk_cache(p);
	p->_refcount.counter = 1;
}

static void brk_mapcount(struct page *p)
{
	p->_mapcount.counter = 0;
}

static void brk_tail_ref(struct page *p)
{
	p[5]._refcount.counter = 1;
}

static void brk_tail_mapcount(struct page *p)
{
	p[5]._mapcount.counter = 0;
}

static void brk_tail_head(struct page *p)
{
	p[5].compound_head = 0;
}

static bool t_check_folio(void)
{
	bool good = true;

	good &= check_one(0, brk_none, NULL, NULL);
	good &= check_one(0, brk_cache_ok, NULL, NULL);
	good &= check_one(0, brk_ref, "invariant (2) refcount: folio pfn %lu",
			  "refcount 1, mappings 0 + other references 0");
	good &= check_one(0, brk_locked, "invariant (7) folio lock: pfn %lu",
			  NULL);
	good &= check_one(0, brk_cache, "invariant (2) refcount: folio pfn %lu",
			  "refcount 0, mappings 0 + other references 1");
	good &= check_one(0, brk_mapcount,
			  "invariant (1) mapcount: pfn %lu has _mapcount+1 = 1",
			  NULL);
	good &= check_one(ORDER, brk_none, NULL, NULL);
	good &= check_one(ORDER, brk_tail_ref,
			  "invariant (11) compound: tail pfn %lu",
			  "refcount 1");
	good &= check_one(ORDER, brk_tail_mapcount,
			  "invariant (1) mapcount: pfn %lu has _mapcount+1 = 1",
			  NULL);
	good &= check_one(ORDER, brk_tail_head,
			  "invariant (11) compound: tail pfn %lu",
			  "compound_head 0");
	return good;
}

static const struct unit_test tests[] = {
	{ "Freeing a THP reports its first bad tail (mapcount, refcount, "
	  "compound_head, flags, mapping) naming it, a bad head before any "
	  "tail; a clean THP and a non-compound block (no tail checks) free "
	  "cleanly",
	  t_free_tails },
	{ "Allocating a THP reports a bad free struct page before a written "
	  "free frame, each naming its pfn; clean and real-but-poisoned "
	  "frames allocate as a well-formed folio",
	  t_alloc },
	{ "Freeing a run of order-0 pages reports a bad page naming it, a "
	  "double free in the run before it; a clean run frees",
	  t_free_run },
	{ "The invariants report an order-0 folio's leaked or missing "
	  "reference, lock, mapcount, and a THP tail's reference, mapcount, "
	  "compound_head, naming the pfn; clean folios pass",
	  t_check_folio },
};

UNIT_TESTS_MAIN(tests)
