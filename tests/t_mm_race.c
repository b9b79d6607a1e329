// SPDX-License-Identifier: GPL-2.0
/*
 * t_mm_race - MADV_DONTNEED racing a write fault on the same THP, under
 * the random strategy, 10,000 executions per scenario.
 *
 * The race, step by step (scenario "part"):
 *	main:     write-fault a PMD THP, fill it
 *	dontneed: madvise(DONTNEED) of pages [0, 16): (1) PMD lock, split the
 *	          PMD (invalidate + flush, fill the deposited table,
 *	          populate), (2) PTL, clear 16 PTEs, (3) flush, (4) drop the
 *	          16 references
 *	writer:   store to page 8 (in the range) and page 300 (outside): a
 *	          stale TLB entry, a huge-PMD fault, or a PTE fault that finds
 *	          the PMD mid-split and retries
 * Forbidden outcomes: any violation (a lost reference, a freed frame
 * still mapped, a PTE table freed while reachable, a writable PTE to a
 * non-exclusive page), page 300 not holding the store, page 8 holding
 * neither the store nor zero, pages [0,16) other than 8 not zero.
 * Scenario "whole" zaps the entire THP (zap_huge_pmd) instead, so the
 * writer may fault in a new THP. At -O2 ~5,000 executions/s; under ASan
 * ~1,200/s (scenario "part") and ~500/s ("whole"): about 15 s in all.
 */
#include <time.h>

#include "mm_test.h"

#define RUNS 10000
/* The whole-THP zap frees and re-faults 2 MiB per execution: the
 * allocator's poisoning dominates, so fewer runs keep make check fast. */
#define RUNS_WHOLE 3000
#define RUNS_COW 2000	/* THP; 4 KiB runs RUNS */
#define W_IN	8	/* page the writer stores to inside the zap */
#define W_OUT	300	/* ... and outside */

static struct mm_struct *rmm;
static unsigned long ra;
static unsigned long zap_pages;	/* 16, or HPAGE_PMD_NR */
static struct completion done_dontneed, done_writer;

static void dontneed_task(void *arg)
{
	int err = do_madvise(rmm, ra, zap_pages * PAGE_SIZE, MADV_DONTNEED);

	expect(!err, "madvise: %d", err);
	complete(&done_dontneed);
}

static void writer_task(void *arg)
{
	mm_task_bind(rmm);
	mt_store(rmm, ra + W_IN * PAGE_SIZE, 0xbeef);
	mt_store(rmm, ra + W_OUT * PAGE_SIZE, 0xf00d);
	complete(&done_writer);
}

static void race_main(void *arg)
{
	uint64_t v;

	rmm = mt_new_mm();
	ra = mt_mmap(rmm, HPAGE_PMD_SIZE);
	mt_store(rmm, ra, 0x1000);
	for (unsigned long i = 1; i < HPAGE_PMD_NR; i += 31)
		mt_store(rmm, ra + i * PAGE_SIZE, 0x1000 + i);
	init_completion(&done_dontneed);
	init_completion(&done_writer);
	sim_task_create("dontneed", dontneed_task, NULL);
	sim_task_create("writer", writer_task, NULL);
	wait_for_completion(&done_dontneed);
	wait_for_completion(&done_writer);
	expect(mt_load(rmm, ra + W_OUT * PAGE_SIZE) == 0xf00d ||
		       (zap_pages == HPAGE_PMD_NR &&
			mt_load(rmm, ra + W_OUT * PAGE_SIZE) == 0),
	       "store outside the zapped range lost");
	v = mt_load(rmm, ra + W_IN * PAGE_SIZE);
	expect(v == 0xbeef || v == 0, "page %d holds %#lx", W_IN,
	       (unsigned long)v);
	for (unsigned long i = 1; i < zap_pages; i += 31)
		expect(mt_load(rmm, ra + i * PAGE_SIZE) == 0,
		       "zapped page %lu not zero", i);
	for (unsigned long i = 1; i < HPAGE_PMD_NR; i += 31)
		if (i >= zap_pages && i != W_OUT)
			expect(mt_load(rmm, ra + i * PAGE_SIZE) == 0x1000 + i,
			       "page %lu changed", i);
	mmput(rmm);
}

/*
 * Scenario "cow": COW faults racing the child's exit. The parent's two
 * threads write to pages the child shares while the child reads, writes
 * (COW in the child) and exits (zap): each parent fault either copies or,
 * once the child's references are gone, reuses (wp_can_reuse_anon_folio
 * / do_huge_pmd_wp_page). Forbidden: a writable PTE to a page that is not
 * exclusive (invariant 3), a lost store, a wrong refcount.
 */
static struct mm_struct *cmm;
static struct completion done_child, done_thread;
static unsigned long cow_len;

static void cow_child(void *arg)
{
	mm_task_bind(cmm);
	expect(mt_load(cmm, ra) == 0x1000, "child sees a parent store");
	mt_store(cmm, ra + PAGE_SIZE, 0xc1);
	expect(mt_load(cmm, ra + PAGE_SIZE) == 0xc1, "child lost its store");
	mmput(cmm);
	complete(&done_child);
}

static void cow_thread(void *arg)
{
	mm_task_bind(rmm);
	mt_store(rmm, ra, 0xa0);
	mt_store(rmm, ra + PAGE_SIZE, 0xa1);
	complete(&done_thread);
}

static void cow_main(void *arg)
{
	rmm = mt_new_mm();
	ra = mt_mmap(rmm, cow_len);
	for (int i = 0; i < 3; i++)
		mt_store(rmm, ra + i * PAGE_SIZE, 0x1000 + i * PAGE_SIZE);
	cmm = dup_mm(rmm);
	/* Cache read-only translations: a COW that forgot to flush would
	 * leave them pointing at the old page. */
	mt_load(rmm, ra);
	mt_load(rmm, ra + PAGE_SIZE);
	init_completion(&done_child);
	init_completion(&done_thread);
	sim_task_create("child", cow_child, NULL);
	sim_task_create("thread", cow_thread, NULL);
	mt_store(rmm, ra + 2 * PAGE_SIZE, 0xa2);
	wait_for_completion(&done_thread);
	for (int i = 0; i < 3; i++)
		expect(mt_load(rmm, ra + i * PAGE_SIZE) == 0xa0 + i,
		       "parent page %d lost its store", i);
	wait_for_completion(&done_child);
	mmput(rmm);
}

static struct sim_strategy *strategy;

static void run_scenario(const char *name, unsigned long pages, int runs)
{
	struct timespec t0, t1;
	int bad = 0, first = -1;
	uint64_t steps = 0;
	struct sim_result r, fr;
	double secs;

	zap_pages = pages;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int seed = 0; seed < runs; seed++) {
		r = mt_run_with(pages ? race_main : cow_main, NULL,
				strategy, seed);
		steps += r.steps;
		if (r.outcome != SIM_OK || mt_errors) {
			if (!bad++) {
				first = seed;
				fr = r;
				if (r.outcome == SIM_OK)
					snprintf(fr.msg, sizeof(fr.msg), "%s",
						 mt_err);
			}
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(bad == 0, "%s: no violation in %d executions (%s)", name, runs,
	   strategy->name);
	if (bad)
		diag("  %d bad; first at seed %d: %s: %s", bad, first,
		     sim_outcome_name(fr.outcome), fr.msg);
	diag("  %.0f executions/s, %.0f yield points/execution, %.2f s",
	     runs / secs, (double)steps / runs, secs);
}

int main(void)
{
	mt_setup(64UL << 20);
	strategy = sim_strategy_by_name(getenv("MM_RACE_STRATEGY") ?
					getenv("MM_RACE_STRATEGY") : "random");
	plan(4);
	run_scenario("MADV_DONTNEED of 16 pages racing a write fault on one "
		     "THP", 16, RUNS);
	run_scenario("MADV_DONTNEED of a whole THP racing a write fault",
		     HPAGE_PMD_NR, RUNS_WHOLE);
	cow_len = 4 * PAGE_SIZE;
	run_scenario("COW faults of two threads racing the child's exit "
		     "(4 KiB)", 0, RUNS);
	cow_len = HPAGE_PMD_SIZE;
	run_scenario("COW faults of two threads racing the child's exit "
		     "(THP)", 0, RUNS_COW);
	return done_testing();
}
