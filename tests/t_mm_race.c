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
		r = mt_run_with(race_main, NULL, sim_strategy_random(), seed);
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
	ok(bad == 0, "MADV_DONTNEED (%s) racing a write fault on one THP: no "
		     "violation in %d random executions", name, runs);
	if (bad)
		diag("  %d bad; first at seed %d: %s: %s", bad, first,
		     sim_outcome_name(fr.outcome), fr.msg);
	diag("  %.0f executions/s, %.0f yield points/execution, %.2f s",
	     runs / secs, (double)steps / runs, secs);
}

int main(void)
{
	mt_setup(64UL << 20);
	plan(2);
	run_scenario("16 pages", 16, RUNS);
	run_scenario("the whole THP", HPAGE_PMD_NR, RUNS_WHOLE);
	return done_testing();
}
