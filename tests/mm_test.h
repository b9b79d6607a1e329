/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/mm_test.h - harness for the mm tests: one execution per property,
 * run in simulated tasks, followed by the invariant checker.
 *
 *	static const struct mm_test tests[] = {
 *		{ "Property that holds", fn },
 *	};
 *	return mm_test_main(tests, N);
 *
 * A test function runs in task "main" of a fresh execution; it reports a
 * failed expectation with expect(). After the execution the invariants
 * (with the leak check: every test tears its mms down) must hold.
 */
#ifndef TESTS_MM_TEST_H
#define TESTS_MM_TEST_H

#include <stdio.h>
#include <string.h>

#include "check/mm_check.h"
#include "huge_mm.h"
#include "rmap.h"
#include "pt_peek.h"
#include "tap.h"

struct mm_test {
	const char *description;
	void (*fn)(void *arg);
};

static char mt_err[512];
static int mt_errors;

/* expect - a user-visible expectation inside a task. */
#define expect(cond, ...)                                                  \
	do {                                                               \
		if (!(cond) && !mt_errors++)                               \
			snprintf(mt_err, sizeof(mt_err), __VA_ARGS__);     \
	} while (0)

static inline void mt_setup(unsigned long mem_bytes)
{
	struct physmem_config cfg = { .mem_bytes = mem_bytes, .nr_nodes = 1 };

	if (physmem_init(&cfg)) {
		fprintf(stderr, "physmem_init failed\n");
		exit(2);
	}
	mm_sim_init();
	mm_lockdep_install();
}

/* mt_run - one execution of @fn (in task "main") and the invariants. */
static inline struct sim_result mt_run_with(void (*fn)(void *), void *arg,
					    struct sim_strategy *s,
					    uint64_t seed)
{
	struct sim_config cfg = { .strategy = s, .seed = seed };
	struct sim_result r;

	mt_errors = 0;
	mt_err[0] = 0;
	sim_exec_begin(&cfg);
	sim_task_create("main", fn, arg);
	sim_exec_run(&r);
	if (r.outcome == SIM_OK)
		mm_check_invariants(MM_INV_ALL_EXITED, &r);
	return r;
}

static inline int mt_report(const char *desc, struct sim_result *r)
{
	if (r->outcome != SIM_OK) {
		ok(0, "%s", desc);
		diag("  %s: %s", sim_outcome_name(r->outcome), r->msg);
		return 0;
	}
	if (mt_errors) {
		ok(0, "%s", desc);
		diag("  %s", mt_err);
		return 0;
	}
	return ok(1, "%s", desc);
}

static inline int mm_test_main(const struct mm_test *t, int n,
			       unsigned long mem_bytes)
{
	mt_setup(mem_bytes);
	plan(n);
	for (int i = 0; i < n; i++) {
		struct sim_result r = mt_run_with(t[i].fn, NULL, NULL, 0);

		mt_report(t[i].description, &r);
	}
	return done_testing();
}

/* ---- helpers for tasks ---- */

/*
 * mt_quiescent - check every invariant now, with the mms alive (call it
 * where no other task is inside mm code). A broken one ends the
 * execution with the violation.
 */
static inline void mt_quiescent(void)
{
	mm_check_invariants(0, NULL);
}

/* A new mm bound to the running task. */
static inline struct mm_struct *mt_new_mm(void)
{
	struct mm_struct *mm = mm_alloc();

	mm_task_bind(mm);
	return mm;
}

static inline uint64_t mt_load(struct mm_struct *mm, unsigned long va)
{
	uint64_t v = 0xdeadbeef;
	int err = mm_user_load(mm, va, &v);

	expect(!err, "load at %#lx: %d", va, err);
	return v;
}

static inline void mt_store(struct mm_struct *mm, unsigned long va,
			    uint64_t v)
{
	int err = mm_user_store(mm, va, v);

	expect(!err, "store at %#lx: %d", va, err);
}

static inline unsigned long mt_mmap(struct mm_struct *mm, unsigned long len)
{
	unsigned long a = vm_mmap(mm, 0, len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, 0);

	expect(!IS_ERR_VALUE(a), "mmap of %lu bytes: %ld", len, (long)a);
	return a;
}

#endif /* TESTS_MM_TEST_H */
