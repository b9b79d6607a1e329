// SPDX-License-Identifier: GPL-2.0
/*
 * t_physmem - the simulated physical memory and its buddy allocator.
 *
 * Why these properties: every layer above trusts the allocator to
 *  - hand out well-formed frames and folios (refcount 1, clean struct
 *    pages, compound heads set up) and never crash when memory runs out;
 *  - place frames on the node asked for (NUMA balancing and migration
 *    scenarios depend on it);
 *  - catch a store into a freed frame (the signature of a missed TLB flush
 *    or a use-after-free) at the next allocation of that frame, naming it;
 *  - reset between executions to a bit-identical state at a cost that
 *    depends on what the execution touched, not on memory size (the
 *    explorer runs millions of executions; determinism needs identical
 *    pfns for identical schedules).
 *  - cost what an execution touches: a frame's contents stay a mark
 *    (zero, poison, one value, one word off) until written in two
 *    places, copies copy marks, and host memory follows the frames and
 *    struct pages used, not the configured size (64 GiB costs megabytes);
 *  - keep catching stores into freed frames, marks or not.
 * Runs in about a second (the 1 GiB configuration dominates).
 */
#include <string.h>
#include <time.h>

#include "arch/physmem.h"
#include "page-flags.h"
#include "page_ref.h"
#include "tap.h"
#include "unit_test.h"

static bool cfg_mem(unsigned long bytes, int nodes, unsigned long dev)
{
	struct physmem_config c = { .mem_bytes = bytes,
				    .nr_nodes = nodes,
				    .device_bytes = dev };

	return physmem_init(&c) == 0;
}

/* ---- tests ---- */

static bool t_order0(void)
{
	struct page *p;
	unsigned long before;
	bool good;

	begin();
	before = nr_free_pages();
	p = alloc_pages(GFP_KERNEL, 0);
	good = p && page_to_pfn(p) != 0 && p->_refcount.counter == 1 &&
	       p->_mapcount.counter == -1 && p->flags == 0 && !p->mapping &&
	       page_to_nid(p) == 0 && nr_free_pages() == before - 1 &&
	       nr_allocated_pages() == 1;
	__free_pages(p, 0);
	return good && nr_free_pages() == before && nr_allocated_pages() == 0 &&
	       assert_physmem_state();
}

static bool t_order9_folio(void)
{
	struct page *p;
	struct folio *f;
	bool good;

	begin();
	p = alloc_pages(__GFP_COMP, HPAGE_PMD_ORDER);
	if (!p)
		return false;
	f = (struct folio *)p;
	good = (page_to_pfn(p) & (HPAGE_PMD_NR - 1)) == 0 &&
	       folio_test_large(f) && folio_order(f) == HPAGE_PMD_ORDER &&
	       folio_nr_pages(f) == HPAGE_PMD_NR &&
	       f->_entire_mapcount.counter == -1 &&
	       f->_nr_pages_mapped.counter == 0 && f->_pincount.counter == 0 &&
	       folio_ref_count(f) == 1;
	for (unsigned long i = 1; i < HPAGE_PMD_NR; i++) {
		struct page *t = folio_page(f, i);

		good = good && PageTail(t) && page_folio(t) == f &&
		       compound_head(t) == p && t->_mapcount.counter == -1 &&
		       t->_refcount.counter == 0;
	}
	__free_pages(p, HPAGE_PMD_ORDER);
	return good && nr_allocated_pages() == 0 && assert_physmem_state();
}

static bool t_zero(void)
{
	struct page *p;
	const uint64_t *w;
	bool good = true;

	begin();
	/* make the frame non-virgin: allocate, dirty, free, reallocate */
	p = alloc_pages(0, 0);
	memset(page_address(p), 0x5a, PAGE_SIZE);
	__free_pages(p, 0);
	p = alloc_pages(__GFP_ZERO, 0);
	w = page_address(p);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		good = good && w[i] == 0;
	__free_pages(p, 0);
	p = alloc_pages(__GFP_ZERO | __GFP_COMP, HPAGE_PMD_ORDER);
	for (unsigned long f = 0; f < HPAGE_PMD_NR; f++) {
		w = page_address(p + f); /* one frame per pointer */
		for (unsigned long i = 0; i < PAGE_SIZE / 8; i++)
			good = good && w[i] == 0;
	}
	__free_pages(p, HPAGE_PMD_ORDER);
	return good;
}

static unsigned long victim_pfn;

/* Every word of frame @pfn is @v, but word @idx is @x; read as the MMU. */
static bool frame_is(unsigned long pfn, uint64_t v, unsigned idx, uint64_t x)
{
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		if (physmem_load_word(pfn, i) != (i == idx ? x : v))
			return false;
	return true;
}

/* The same through page_address() (which makes the frame real). */
static bool frame_mem_is(unsigned long pfn, uint64_t v, unsigned idx,
			 uint64_t x)
{
	const uint64_t *w = pfn_to_virt(pfn);

	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		if (w[i] != (i == idx ? x : v))
			return false;
	return true;
}

/*
 * A zeroed THP written in one word: that word reads back, every other
 * word of the 2 MiB reads zero, and no frame was written out to do it.
 */
static bool t_lazy_thp_word(void)
{
	struct page *p;
	unsigned long pfn;
	bool good;

	begin();
	p = alloc_pages(__GFP_ZERO | __GFP_COMP, HPAGE_PMD_ORDER);
	if (!p)
		return false;
	pfn = page_to_pfn(p);
	physmem_store_word(pfn + 300, 17, 0x1234);
	good = physmem_nr_real() == 0;
	for (unsigned long f = 0; f < HPAGE_PMD_NR; f++)
		good = good && frame_is(pfn + f, 0, 17, f == 300 ? 0x1234 : 0);
	/* a second word written makes that one frame real, no other */
	physmem_store_word(pfn + 300, 18, 0x5678);
	good = good && physmem_nr_real() == 1 &&
	       physmem_load_word(pfn + 300, 18) == 0x5678 &&
	       frame_mem_is(pfn + 299, 0, 0, 0) && physmem_nr_real() == 2;
	good = good && physmem_load_word(pfn + 300, 17) == 0x1234 &&
	       physmem_load_word(pfn + 300, 19) == 0;
	/* without __GFP_ZERO the frames read poison */
	__free_pages(p, HPAGE_PMD_ORDER);
	p = alloc_pages(__GFP_COMP, HPAGE_PMD_ORDER);
	good = good && p && frame_is(page_to_pfn(p) + 5, PAGE_POISON, 0,
				     PAGE_POISON);
	return good;
}

/* Fills and copies of marks stay marks; of real frames, real copies. */
static bool t_lazy_fill_copy(void)
{
	struct page *a, *b;
	unsigned long pa, pb;
	bool good;

	begin();
	a = alloc_pages(__GFP_ZERO | __GFP_COMP, HPAGE_PMD_ORDER);
	b = alloc_pages(__GFP_COMP, HPAGE_PMD_ORDER);
	if (!a || !b)
		return false;
	pa = page_to_pfn(a);
	pb = page_to_pfn(b);
	/* the runner's fill: word 0 stored, the rest of the frame filled */
	physmem_store_word(pa + 1, 0, 0x11);
	physmem_fill_words(pa + 1, 1, 512, 0x11);
	physmem_fill_words(pa + 2, 0, 512, 0x22);
	physmem_fill_words(pa + 3, 10, 20, 0x33); /* partial: real */
	good = physmem_nr_real() == 1 && frame_is(pa + 1, 0x11, 0, 0x11) &&
	       frame_is(pa + 2, 0x22, 0, 0x22);
	for (unsigned i = 0; i < 512; i++)
		good = good && physmem_load_word(pa + 3, i) ==
				       (i >= 10 && i < 20 ? 0x33 : 0);
	physmem_store_word(pa + 4, 7, 0x44);
	physmem_copy_frames(b, a, HPAGE_PMD_NR);
	good = good && physmem_nr_real() == 2 && /* pa+3 and its copy */
	       frame_is(pb + 1, 0x11, 0, 0x11) &&
	       frame_is(pb + 2, 0x22, 0, 0x22) &&
	       frame_is(pb + 4, 0, 7, 0x44) && frame_is(pb + 9, 0, 0, 0);
	for (unsigned i = 0; i < 512; i++)
		good = good && physmem_load_word(pb + 3, i) ==
				       (i >= 10 && i < 20 ? 0x33 : 0);
	return good && frame_mem_is(pb + 4, 0, 7, 0x44);
}

/* Free a zeroed THP never written, store into subpage 100 through a
 * pointer taken after the free, allocate it again. */
static void write_after_free_lazy(void *arg)
{
	struct page *p = alloc_pages(__GFP_ZERO | __GFP_COMP,
				     HPAGE_PMD_ORDER);

	victim_pfn = page_to_pfn(p) + 100;
	__free_pages(p, HPAGE_PMD_ORDER);
	((volatile uint64_t *)pfn_to_virt(victim_pfn))[300] = 42;
	if (arg)
		alloc_pages(__GFP_COMP, HPAGE_PMD_ORDER); /* reports */
}

static bool t_poison_lazy_subpage(void)
{
	struct sim_result r;
	char want[64];
	unsigned long pfn;
	unsigned word;
	uint64_t val;
	bool good;

	r = run_task(write_after_free_lazy, (void *)1);
	snprintf(want, sizeof(want), "pfn %lu ", victim_pfn);
	good = r.outcome == SIM_VIOLATION && strstr(r.msg, want) &&
	       strstr(r.msg, "word 300");
	if (!good)
		diag("outcome %s: %s", sim_outcome_name(r.outcome), r.msg);
	/* no reallocation: the end-of-execution check finds it */
	r = run_task(write_after_free_lazy, NULL);
	good = good && r.outcome == SIM_OK &&
	       !physmem_check_free_poison(&pfn, &word, &val) &&
	       pfn == victim_pfn && word == 300 && val == 42;
	begin();
	return good && physmem_check_free_poison(&pfn, &word, &val);
}

/* Resident set size of this process, bytes. */
static unsigned long rss_bytes(void)
{
	unsigned long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * 4096;
}

/* 64 GiB and 64 nodes: built in megabytes, allocate on the last node. */
static bool t_big_lazy(void)
{
	unsigned long before = rss_bytes(), after;
	struct page *p, *q;
	bool good;

	if (!cfg_mem(64UL << 30, 64, 1UL << 30))
		return false;
	begin();
	p = alloc_pages_node(63, __GFP_THISNODE | __GFP_COMP,
			     HPAGE_PMD_ORDER);
	q = alloc_device_private_page();
	good = p && page_to_nid(p) == 63 && q && assert_physmem_state();
	begin();
	after = rss_bytes();
	diag("64 GiB, 64 nodes, 1 GiB device: %lu KiB more resident",
	     (after - before) >> 10);
	good = good && after - before < (64UL << 20);
	cfg_mem(64UL << 20, 1, 0);
	return good;
}

/* Configurations physmem refuses, each with the limit named. */
static bool t_limits(void)
{
	bool good = !cfg_mem(64UL << 20, MAX_NUMNODES + 1, 0) &&
		    !cfg_mem(PAGE_SIZE, 1, 0) &&
		    !cfg_mem(3 * PAGE_SIZE, 2, 0) &&
		    !cfg_mem(PHYSMEM_MAX_BYTES + (1UL << 30), 1, 0) &&
		    !cfg_mem(64UL << 20, 1, 100) &&
		    cfg_mem(PHYSMEM_MIN_PAGES_PER_NODE * PAGE_SIZE * 4, 4, 0);

	return cfg_mem(64UL << 20, 1, 0) && good;
}

static struct page *held[1 << 16];
static unsigned char held_order[1 << 16];

/* Allocate @order blocks until none is left; returns how many. */
static unsigned long grab_all(unsigned long n, unsigned order, int nid,
			      gfp_t gfp)
{
	while (n < (1 << 16) && (held[n] = alloc_pages_node(nid, gfp, order)))
		held_order[n++] = order;
	return n;
}

static void free_held(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		__free_pages(held[i], held_order[i]);
}

static bool t_exhaustion(void)
{
	unsigned long n, total;
	bool good;

	cfg_mem(8UL << 20, 1, 0);
	begin();
	total = nr_free_pages();
	n = grab_all(0, HPAGE_PMD_ORDER, 0, 0);
	n = grab_all(n, 0, 0, 0);
	good = n > 1 && nr_free_pages() == 0 && !alloc_pages(0, 0) &&
	       !alloc_pages(0, MAX_PAGE_ORDER + 1) && assert_physmem_state();
	free_held(n);
	good = good && nr_free_pages() == total && assert_physmem_state();
	/* after freeing everything the buddies have merged back */
	held[0] = alloc_pages(0, MAX_PAGE_ORDER);
	good = good && held[0];
	if (held[0])
		__free_pages(held[0], MAX_PAGE_ORDER);
	return good;
}

static bool t_nodes(void)
{
	unsigned long n;
	bool good = true;
	struct page *p;

	cfg_mem(8UL << 20, 2, 0);
	begin();
	for (int nid = 0; nid < 2; nid++) {
		p = alloc_pages_node(nid, 0, 0);
		good = good && p && page_to_nid(p) == nid &&
		       pfn_to_nid(page_to_pfn(p)) == nid;
		__free_pages(p, 0);
	}
	/* fill node 1: THISNODE then fails, plain allocation falls back */
	n = grab_all(0, 0, 1, __GFP_THISNODE);
	good = good && nr_free_pages_node(1) == 0 && nr_free_pages_node(0) > 0;
	good = good && !alloc_pages_node(1, __GFP_THISNODE, 0);
	p = alloc_pages_node(1, 0, 0);
	good = good && p && page_to_nid(p) == 0;
	if (p)
		__free_pages(p, 0);
	free_held(n);
	good = good && cpu_to_node(0) == 0 && cpu_to_node(1) == 1 &&
	       cpu_to_node(2) == 0 && cpu_to_node(5) == 1;
	return good && assert_physmem_state();
}

static int local_nid;

static void alloc_local(void *arg)
{
	struct page *p = alloc_pages(0, 0);

	local_nid = p ? page_to_nid(p) : -1;
	__free_pages(p, 0);
}

static void idle_task(void *arg)
{
}

static bool t_local_node(void)
{
	struct sim_result r;

	begin();
	sim_task_create("cpu0", idle_task, NULL);
	sim_task_create("cpu1", alloc_local, NULL);
	sim_exec_run(&r);
	return r.outcome == SIM_OK && local_nid == 1;
}

/* Free a frame, store into it (a stale mapping would), allocate again. */
static void write_after_free(void *arg)
{
	unsigned order = (unsigned long)arg;
	struct page *p = alloc_pages(order ? __GFP_COMP : 0, order);
	struct page *q;

	victim_pfn = page_to_pfn(p);
	__free_pages(p, order);
	*(volatile uint64_t *)pfn_to_virt(victim_pfn) = 42;
	q = alloc_pages(order ? __GFP_COMP : 0, order);
	(void)q; /* not reached: the allocation reports */
}

static bool expect_pfn_violation(unsigned order)
{
	struct sim_result r = run_task(write_after_free, (void *)(long)order);
	char want[64];

	snprintf(want, sizeof(want), "pfn %lu ", victim_pfn);
	if (r.outcome != SIM_VIOLATION || !strstr(r.msg, want)) {
		diag("outcome %s: %s", sim_outcome_name(r.outcome), r.msg);
		return false;
	}
	return true;
}

static bool t_poison(void)
{
	return expect_pfn_violation(0);
}

static bool t_poison_thp(void)
{
	return expect_pfn_violation(HPAGE_PMD_ORDER);
}

static void double_free(void *arg)
{
	struct page *p = alloc_pages(0, 0);

	__free_pages(p, 0);
	free_frozen_pages(p, 0);
}

static bool t_double_free(void)
{
	struct sim_result r = run_task(double_free, NULL);

	return r.outcome == SIM_VIOLATION && strstr(r.msg, "double free");
}

static void free_mapped(void *arg)
{
	struct page *p = alloc_pages(0, 0);

	p->_mapcount.counter = 0; /* as if a PTE still mapped it */
	__free_pages(p, 0);
}

static bool t_bad_page(void)
{
	struct sim_result r = run_task(free_mapped, NULL);

	return r.outcome == SIM_VIOLATION && strstr(r.msg, "Bad page state");
}

/* Churn: a fixed pattern of allocations, splits, frees; records pfns. */
static unsigned long churn_pfns[64];

static void churn(void *arg)
{
	struct page *p[16];
	int k = 0;

	for (int i = 0; i < 16; i++) {
		unsigned order = (i * 7) % 11;

		p[i] = alloc_pages(i & 1 ? __GFP_COMP : __GFP_ZERO,
				   order ? order : 0);
		churn_pfns[k++] = p[i] ? page_to_pfn(p[i]) : 0;
		if (i % 3 == 2) {
			__free_pages(p[i - 1], ((i - 1) * 7) % 11);
			p[i - 1] = NULL;
		}
	}
	p[15] = NULL; /* left allocated across the reset */
	for (int i = 0; i < 15; i++)
		if (p[i] && i % 2 == 0)
			__free_pages(p[i], (i * 7) % 11);
	for (int i = 0; i < 8; i++) {
		struct page *q = alloc_pages(0, i % 4);

		churn_pfns[k++] = q ? page_to_pfn(q) : 0;
	}
}

static bool t_reset_pristine(void)
{
	struct sim_result r;

	cfg_mem(64UL << 20, 2, 1UL << 20);
	r = run_task(churn, NULL);
	if (r.outcome != SIM_OK || !assert_physmem_state())
		return false;
	begin();
	return physmem_is_pristine();
}

static bool t_same_pfns(void)
{
	unsigned long first[64];
	struct sim_result r;

	run_task(churn, NULL);
	memcpy(first, churn_pfns, sizeof(first));
	memset(churn_pfns, 0, sizeof(churn_pfns));
	r = run_task(churn, NULL);
	return r.outcome == SIM_OK &&
	       !memcmp(first, churn_pfns, sizeof(first)) && first[0];
}

/* Touch 4 frames: 2 allocated and left, 2 allocated and freed. */
static void touch4(void *arg)
{
	struct page *a = alloc_pages(0, 0), *b = alloc_pages(0, 0);

	alloc_pages(0, 0);
	alloc_pages(0, 0);
	__free_pages(a, 0);
	__free_pages(b, 0);
}

static double time_execs(int n)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++)
		run_task(touch4, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
}

static unsigned long cost_small, cost_big;
static double time_small, time_big;

static bool t_reset_cost_count(void)
{
	cfg_mem(64UL << 20, 1, 0);
	run_task(touch4, NULL);
	begin();
	cost_small = physmem_reset_cost();
	time_small = time_execs(10000);
	if (!cfg_mem(1UL << 30, 1, 0))
		return false;
	run_task(touch4, NULL);
	begin();
	cost_big = physmem_reset_cost();
	time_big = time_execs(10000);
	diag("reset restored %lu struct pages (64 MiB) and %lu (1 GiB)",
	     cost_small, cost_big);
	return cost_small == cost_big && cost_small < 64;
}

static bool t_reset_cost_time(void)
{
	diag("10,000 executions: %.3fs with 64 MiB, %.3fs with 1 GiB",
	     time_small, time_big);
	return time_big < 2 * time_small + 0.05;
}

static bool t_device(void)
{
	struct page *d;
	bool good;

	cfg_mem(8UL << 20, 1, 64UL << 10);
	begin();
	d = alloc_device_private_page();
	good = d && is_device_private_page(d) && d->_refcount.counter == 1 &&
	       !is_device_private_page(alloc_pages(0, 0));
	d->_refcount.counter = 0;
	free_device_private_page(d);
	for (int i = 0; i < 16; i++)
		good = good && alloc_device_private_page();
	good = good && !alloc_device_private_page();
	return good && assert_physmem_state();
}

/*
 * Split a 2 MiB block into order-0 pages and free them all: [lo, hi) with
 * free_frozen_pages_run() when @run, the rest (and all when !@run) one by
 * one. What the allocator hands out next goes into @out.
 */
static bool free_split(unsigned long lo, unsigned long hi, bool run,
		       unsigned long out[5])
{
	static const unsigned orders[4] = { HPAGE_PMD_ORDER, 3, 0,
					    HPAGE_PMD_ORDER };
	struct page *p;
	bool good;

	begin();
	p = alloc_pages(GFP_KERNEL, HPAGE_PMD_ORDER);
	if (!p)
		return false;
	split_page(p, HPAGE_PMD_ORDER);
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		if (run && i == lo) {
			for (unsigned long j = lo; j < hi; j++)
				p[j]._refcount.counter = 0;
			free_frozen_pages_run(p + lo, hi - lo);
			i = hi - 1;
			continue;
		}
		__free_pages(p + i, 0);
	}
	good = nr_allocated_pages() == 0 && assert_physmem_state();
	out[4] = nr_free_pages();
	for (int k = 0; k < 4; k++) {
		struct page *q = alloc_pages(GFP_KERNEL, orders[k]);

		out[k] = q ? page_to_pfn(q) : 0;
	}
	return good && assert_physmem_state();
}

static void free_run_bad(void *arg)
{
	struct page *p = alloc_pages(GFP_KERNEL, 2);

	split_page(p, 2);
	__free_pages(p + 2, 0);		/* freed: the run below frees it again */
	for (int i = 0; i < 4; i++)
		p[i]._refcount.counter = 0;
	free_frozen_pages_run(p, 4);
}

static bool t_free_run(void)
{
	static const unsigned long runs[][2] = {
		{ 0, HPAGE_PMD_NR }, { 3, 300 }, { 0, 1 }, { 511, 512 },
		{ 64, 128 },
	};
	struct sim_result r;

	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		unsigned long a[5], b[5];

		if (!free_split(runs[i][0], runs[i][1], false, a) ||
		    !free_split(runs[i][0], runs[i][1], true, b) ||
		    memcmp(a, b, sizeof(a)))
			return false;
	}
	r = run_task(free_run_bad, NULL);
	return r.outcome == SIM_VIOLATION &&
	       strstr(r.msg, "not an allocated block");
}

/*
 * Chunked resets: zones that start unaligned (3 nodes of 3,414 frames:
 * node boundaries inside 64-frame chunks, small pristine heads of every
 * order), every order from 0 to MAX_PAGE_ORDER allocated until none is
 * left on each node, compound and not, half of them freed, and a struct
 * page of a freed THP scribbled on (a model bug). The reset must undo
 * all of it bit for bit.
 */
static unsigned long chunk_pfns[3 * 64];

static void chunk_churn(void *arg)
{
	unsigned long n = 0, k = 0;
	struct page *victim = NULL;

	static const unsigned orders[] = { 10, 9, 7, 6, 4, 1, 0 };

	for (int nid = 0; nid < 3; nid++)
		for (int j = 0; j < 7; j++) {
			unsigned long from = n;
			unsigned o = orders[j];

			n = grab_all(n, o, nid, __GFP_THISNODE |
				     (o % 2 ? __GFP_COMP : __GFP_ZERO));
			if (n > from && k < 3 * 64)
				chunk_pfns[k++] = page_to_pfn(held[from]);
		}
	for (unsigned long i = 0; i < n; i += 2) {
		if (held_order[i] == HPAGE_PMD_ORDER &&
		    PageHead(held[i]) && !victim)
			victim = held[i];
		__free_pages(held[i], held_order[i]);
	}
	if (victim) {
		victim[5].private = 0xdead;	/* a write to a free page */
		victim[64].flags |= BIT(PG_dirty);
	}
	for (unsigned long i = 1; i < n && k < 3 * 64; i += 2 * 97)
		chunk_pfns[k++] = page_to_pfn(held[i]);
}

static bool t_reset_chunks(void)
{
	unsigned long first[3 * 64];
	struct sim_result r;
	bool good;

	if (!cfg_mem(3 * 3414 * PAGE_SIZE + PAGE_SIZE, 3, 64UL << 10))
		return false;
	r = run_task(chunk_churn, NULL);
	good = r.outcome == SIM_OK && chunk_pfns[0] &&
	       physmem_reset_cost() == 0;
	memcpy(first, chunk_pfns, sizeof(first));
	begin();
	good = good && physmem_is_pristine() && physmem_reset_cost() > 3000;
	memset(chunk_pfns, 0, sizeof(chunk_pfns));
	r = run_task(chunk_churn, NULL);
	good = good && r.outcome == SIM_OK &&
	       !memcmp(first, chunk_pfns, sizeof(first));
	begin();
	return good && physmem_is_pristine();
}

static const struct unit_test tests[] = {
	{ "Order-0 allocation is a clean page with refcount 1; free gives it "
	  "back",
	  t_order0 },
	{ "Order-9 __GFP_COMP allocation is a well-formed large folio",
	  t_order9_folio },
	{ "__GFP_ZERO returns zeroed frames (order 0 and 9)", t_zero },
	{ "Exhaustion returns NULL; after freeing all, buddies merge and "
	  "allocation works",
	  t_exhaustion },
	{ "Frames come from the requested node; __GFP_THISNODE does not fall "
	  "back, plain allocation does",
	  t_nodes },
	{ "NUMA_NO_NODE allocates on the running CPU's node (cpu % nodes)",
	  t_local_node },
	{ "A store to a freed frame is reported at its next allocation, "
	  "naming the pfn",
	  t_poison },
	{ "A store to a freed THP's first word is reported at its next "
	  "allocation",
	  t_poison_thp },
	{ "A double free is reported", t_double_free },
	{ "Freeing a still-mapped page is a Bad page state", t_bad_page },
	{ "Reset restores the allocator bit-identically (struct pages, free "
	  "lists, frames)",
	  t_reset_pristine },
	{ "Identical executions allocate identical pfns", t_same_pfns },
	{ "Reset of blocks a chunk of 64 frames at a time (unaligned zones, "
	  "every order, a scribbled free THP) is bit-identical, and the next "
	  "execution allocates the same pfns",
	  t_reset_chunks },
	{ "Freeing a run of order-0 pages at once leaves the allocator as "
	  "freeing them one by one does (aligned, unaligned, single); a run "
	  "over a freed page is a violation",
	  t_free_run },
	{ "Reset cost counts touched struct pages, independent of memory "
	  "size",
	  t_reset_cost_count },
	{ "Reset time does not grow with memory size (64 MiB vs 1 GiB)",
	  t_reset_cost_time },
	{ "Device-private frames are allocated apart, one at a time",
	  t_device },
	{ "A zeroed THP written in one word reads it back and zero elsewhere, "
	  "with no frame written out; a second word makes one frame real",
	  t_lazy_thp_word },
	{ "Whole-frame fills and copies of marks stay marks; partial fills and "
	  "copies of real frames are real, values exact",
	  t_lazy_fill_copy },
	{ "A store into a freed, never-written THP subpage is reported at "
	  "reallocation and by the end-of-execution poison check",
	  t_poison_lazy_subpage },
	{ "64 GiB, 64 nodes and 1 GiB of device memory cost megabytes of host "
	  "memory; allocation on node 63 works",
	  t_big_lazy },
	{ "physmem refuses 65 nodes, less than 2 pages a node, more than "
	  "64 GiB, partial pages",
	  t_limits },
};

UNIT_TESTS_MAIN(tests)
