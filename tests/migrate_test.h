/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/migrate_test.h - harness for the migration tests: 2 NUMA nodes,
 * a "main" task (CPU 0, node 0) that builds the situation and spawns
 * helpers (task ids 1, 2, 3: nodes 1, 0, 1), many executions under a
 * strategy, and after each one the leak check (every test tears its mms
 * down) and the "no migration entry left behind" check (tests call it
 * before the teardown, while the mms live).
 *
 * A wrong user-visible value is reported with sim_violation() by the task
 * that saw it: it ends the execution with the schedule that led there.
 */
#ifndef TESTS_MIGRATE_TEST_H
#define TESTS_MIGRATE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gup.h"
#include "huge_mm.h"
#include "migrate.h"
#include "rmap.h"
#include "sim/regress.h"
#include "tap.h"

static int mt_done;
static wait_queue_head_t mt_wq;

static inline void mt_setup(void)
{
	struct physmem_config cfg = { .mem_bytes = 32UL << 20,
				      .nr_nodes = 2 };

	if (physmem_init(&cfg)) {
		fprintf(stderr, "physmem_init failed\n");
		exit(2);
	}
	mm_sim_init();
}

/* Executions per concurrency test: MMSIM_MIGRATE_RUNS or @dflt. */
static inline unsigned long mt_runs(unsigned long dflt)
{
	const char *e = getenv("MMSIM_MIGRATE_RUNS");

	return e ? strtoul(e, NULL, 0) : dflt;
}

/* mt_spawn - a helper task running @fn; main joins with mt_join(). */
static inline void mt_spawn(const char *name, void (*fn)(void *), void *arg)
{
	sim_task_create(name, fn, arg);
}

static inline void mt_exit(void)
{
	__atomic_add_fetch(&mt_done, 1, __ATOMIC_SEQ_CST);
	wake_up_all(&mt_wq);
}

static inline void mt_join(int n)
{
	wait_event(mt_wq, __atomic_load_n(&mt_done, __ATOMIC_SEQ_CST) >= n);
}

/* One execution of @fn in task "main", then the end checks. */
static inline enum sim_outcome mt_exec(void (*fn)(void *),
				       struct sim_strategy *s, uint64_t seed,
				       struct sim_result *r)
{
	struct sim_config cfg = { .strategy = s, .seed = seed };

	sim_exec_begin(&cfg);
	mt_done = 0;
	init_waitqueue_head(&mt_wq);
	sim_task_create("main", fn, NULL);
	sim_exec_run(r);
	if (r->outcome == SIM_OK &&
	    nr_allocated_pages() != mm_baseline_pages())
		sim_violation("leak: %lu pages allocated after teardown, "
			      "baseline %lu", nr_allocated_pages(),
			      mm_baseline_pages());
	sim_exec_result(r);
	return r->outcome;
}

/*
 * mt_explore - @n executions of @fn with @s; returns the index of the
 * first that did not end SIM_OK (its result in @r), or -1.
 */
static inline long mt_explore(void (*fn)(void *), struct sim_strategy *s,
			      unsigned long n, uint64_t seed,
			      struct sim_result *r)
{
	for (unsigned long i = 0; i < n; i++)
		if (mt_exec(fn, s, sim_exec_seed(seed, i), r) != SIM_OK)
			return (long)i;
	return -1;
}

/* ---- helpers for tasks ---- */

static inline unsigned long mt_mmap(struct mm_struct *mm, unsigned long len)
{
	return vm_mmap(mm, 0, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
}

static inline uint64_t mt_load(struct mm_struct *mm, unsigned long va)
{
	uint64_t v = 0xdeadbeef;

	if (mm_user_load(mm, va, &v))
		sim_violation("load at %#lx faulted", va);
	return v;
}

static inline void mt_store(struct mm_struct *mm, unsigned long va,
			    uint64_t v)
{
	if (mm_user_store(mm, va, v))
		sim_violation("store at %#lx faulted", va);
}

static inline void mt_expect(struct mm_struct *mm, unsigned long va,
			     uint64_t want, const char *what)
{
	uint64_t got = mt_load(mm, va);

	if (got != want)
		sim_violation("%s: load at %#lx returned %#llx, the last "
			      "store was %#llx", what, va,
			      (unsigned long long)got,
			      (unsigned long long)want);
}

/* The node of the page mapping @va (PTE or huge PMD), -1: none. No yield. */
static inline int mt_nid(struct mm_struct *mm, unsigned long va, bool *huge)
{
	pgd_t g = __pgd(__atomic_load_n(&pgd_offset(mm, va)->pgd, SIM_MO));
	pud_t u;
	pmd_t m;
	pte_t p;

	*huge = false;
	if (!pgd_present(g))
		return -1;
	u = __pud(__atomic_load_n(&pud_offset_pfn(pgd_pfn(g), va)->pud,
				  SIM_MO));
	if (!pud_present(u))
		return -1;
	m = __pmd(__atomic_load_n(&pmd_offset_pfn(pud_pfn(u), va)->pmd,
				  SIM_MO));
	if (pmd_trans_huge(m) && pmd_present(m)) {
		*huge = true;
		return page_to_nid(pmd_page(m));
	}
	if (pmd_none(m) || !pmd_present(m))
		return -1;
	p = __pte(__atomic_load_n(&pte_offset_pfn(pmd_pfn(m), va)->pte,
				  SIM_MO));
	return pte_present(p) ? page_to_nid(pte_page(p)) : -1;
}

/* The end of a test's main: entries check, then teardown of @mm. */
static inline void mt_teardown(struct mm_struct *mm)
{
	check_no_migration_entries();
	mm_task_bind(NULL);
	mmput(mm);
}

#endif /* TESTS_MIGRATE_TEST_H */
