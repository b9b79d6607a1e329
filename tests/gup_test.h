/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/gup_test.h - harness for the GUP, mprotect and COW tests: one
 * execution per property, run in simulated tasks, followed by the core's
 * invariant checker when it is built in (check/mm_check.h).
 *
 *	static const struct gup_test tests[] = {
 *		{ "Property that holds", fn },
 *	};
 *	return gt_main(tests, N, 0);
 *
 * A test function runs in task "main"; it reports a failed expectation
 * with expect(). Every test unpins what it pinned and mmput()s every mm,
 * so the invariants are checked with the leak check.
 */
#ifndef TESTS_GUP_TEST_H
#define TESTS_GUP_TEST_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#if __has_include("check/mm_check.h")
#include "check/mm_check.h"
#define GT_HAVE_CHECK 1
#endif
#include "gup.h"
#include "huge_mm.h"
#include "rmap.h"
#include "swapops.h"
#include "pt_peek.h"
#include "tap.h"

struct gup_test {
	const char *description;
	void (*fn)(void *arg);
};

static char gt_err[512];
static int gt_errors;

/* expect - a user-visible expectation inside a task. */
#define expect(cond, ...)                                                  \
	do {                                                               \
		if (!(cond) && !gt_errors++)                               \
			snprintf(gt_err, sizeof(gt_err), __VA_ARGS__);     \
	} while (0)

static inline void gt_setup(unsigned long mem_bytes)
{
	struct physmem_config cfg = { .mem_bytes = mem_bytes, .nr_nodes = 1 };

	if (physmem_init(&cfg)) {
		fprintf(stderr, "physmem_init failed\n");
		exit(2);
	}
	mm_sim_init();
#ifdef GT_HAVE_CHECK
	mm_lockdep_install();
#endif
}

/* gt_run - one execution of @fn in task "main", then the invariants. */
static inline struct sim_result gt_run(void (*fn)(void *), void *arg,
				       struct sim_strategy *s, uint64_t seed)
{
	struct sim_config cfg = { .strategy = s, .seed = seed };
	struct sim_result r;

	gt_errors = 0;
	gt_err[0] = 0;
	sim_exec_begin(&cfg);
	sim_task_create("main", fn, arg);
	sim_exec_run(&r);
#ifdef GT_HAVE_CHECK
	if (r.outcome == SIM_OK)
		mm_check_invariants(MM_INV_ALL_EXITED, &r);
#endif
	return r;
}

static inline int gt_report(const char *desc, struct sim_result *r)
{
	if (r->outcome != SIM_OK) {
		ok(0, "%s", desc);
		diag("  %s: %s", sim_outcome_name(r->outcome), r->msg);
		diag("  schedule: %s", sim_schedule());
		return 0;
	}
	if (gt_errors) {
		ok(0, "%s", desc);
		diag("  %s", gt_err);
		return 0;
	}
	return ok(1, "%s", desc);
}

/*
 * gt_explore - @n executions of @fn with the random strategy; stops at
 * the first failure. Reports the rate as a diag line.
 */
static inline int gt_explore(const char *desc, void (*fn)(void *), void *arg,
			     int n)
{
	struct timespec t0, t1;
	struct sim_result r;
	double secs;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		r = gt_run(fn, arg, sim_strategy_random(), sim_exec_seed(1, i));
		if (r.outcome != SIM_OK || gt_errors) {
			diag("  execution %d (seed %llu) failed", i,
			     (unsigned long long)sim_exec_seed(1, i));
			return gt_report(desc, &r);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	diag("  %d executions in %.2f s: %.0f executions/s", n, secs,
	     n / secs);
	return gt_report(desc, &r);
}

static inline int gt_main(const struct gup_test *t, int n,
			  unsigned long mem_bytes)
{
	gt_setup(mem_bytes);
	plan(n);
	for (int i = 0; i < n; i++) {
		struct sim_result r = gt_run(t[i].fn, NULL, NULL, 0);

		gt_report(t[i].description, &r);
	}
	return done_testing();
}

/* ---- helpers for tasks ---- */

/* A new mm bound to the running task. */
static inline struct mm_struct *gt_new_mm(void)
{
	struct mm_struct *mm = mm_alloc();

	mm_task_bind(mm);
	return mm;
}

static inline uint64_t gt_load(struct mm_struct *mm, unsigned long va)
{
	uint64_t v = 0xdeadbeef;
	int err;

	mm_task_bind(mm);
	err = mm_user_load(mm, va, &v);
	expect(!err, "load at %#lx: %d", va, err);
	return v;
}

static inline void gt_store(struct mm_struct *mm, unsigned long va,
			    uint64_t v)
{
	int err;

	mm_task_bind(mm);
	err = mm_user_store(mm, va, v);
	expect(!err, "store at %#lx: %d", va, err);
}

/* Is the entry mapping @va writable (PTE or huge PMD)? */
static inline bool gt_writable(struct mm_struct *mm, unsigned long va)
{
	pte_t pte;
	pmd_t pmd;

	pt_lookup(mm, va, &pte, &pmd);
	if (pmd_trans_huge(pmd))
		return pmd_write(pmd);
	return pte_present(pte) && pte_write(pte);
}

static inline unsigned long gt_mmap(struct mm_struct *mm, unsigned long len)
{
	unsigned long a = vm_mmap(mm, 0, len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, 0);

	expect(!IS_ERR_VALUE(a), "mmap of %lu bytes: %ld", len, (long)a);
	return a;
}

/* The first word of the frame of @page: what a DMA through a pin sees. */
static inline uint64_t *gt_dma(struct page *page)
{
	return (uint64_t *)page_address(page);
}

static inline uint64_t gt_dma_read(struct page *page)
{
	return __atomic_load_n(gt_dma(page), SIM_MO);
}

static inline int gt_refcount(unsigned long pfn)
{
	return __atomic_load_n(&pfn_to_page(pfn)->_refcount.counter, SIM_MO);
}

static inline int gt_map_count(struct mm_struct *mm)
{
	return mm->map_count;
}

#endif /* TESTS_GUP_TEST_H */
