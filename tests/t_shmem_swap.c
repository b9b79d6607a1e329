// SPDX-License-Identifier: GPL-2.0
/*
 * t_shmem_swap - tmpfs pages reclaimed to swap and faulted back
 * (mm/shmem.c shmem_writeout, shmem_swapin_folio, shmem_free_swap,
 * shmem_unuse; mm/vmscan.c for the clean ones):
 *
 *  - a page written through one shared mapping is paged out and read
 *    back through another (the value oracle and the explicit `== VAL`
 *    judge it), counted as one write and one read of the swap device;
 *  - a never-written (clean) page is dropped from the page cache without
 *    a write and reads zero again;
 *  - kernel reclaim (shrink_node) swaps pages mapped by two mappings;
 *  - a MAP_PRIVATE mapping reads the swapped file page, its COW copy
 *    stays its own;
 *  - hole punch and truncate free swap entries (no swap-leak at the end),
 *    swapoff brings the rest back into the page cache;
 *  - scenarios/shmem-swapout-vs-fault.mms (pageout racing a store and
 *    loads through two mappings) is exhausted clean by dpor:1; its
 *    larger proofs are quoted in docs/swap.md.
 * Each test would fail if the page stayed in memory (the swap counters)
 * or came back wrong (the oracle). A few seconds under ASan.
 */
#include "include/swap.h"
#include "swap_test.h"

static const char *two_mappings =
	"config mem=16M swap=1M\n"
	"thread main:\n"
	"\tmemfd F 8K\n"
	"\tmmap A 8K file=F shared\n"
	"\tmmap B 8K file=F shared\n"
	"\tstore A+0x10 0x5\n"
	"\tpageout A 8K\n"
	"\tload B+0x10 == 0x5\n"
	"\tload A+0x10 == 0x5\n"
	"expect ok\n";

static const char *clean_page =
	"config mem=16M swap=1M\n"
	"thread main:\n"
	"\tmemfd F 4K\n"
	"\tmmap A 4K file=F shared\n"
	"\tload A+0 == 0\n"
	"\tpageout A 4K\n"
	"\tload A+0 == 0\n"
	"expect ok\n";

static const char *kernel_reclaim =
	"config mem=16M swap=1M\n"
	"thread main:\n"
	"\tmemfd F 8K\n"
	"\tmmap A 8K file=F shared\n"
	"\tmmap B 8K file=F shared\n"
	"\tstore A+0 0x1\n"
	"\tstore B+0x1008 0x2\n"
	"\tload B+0\n"
	"\treclaim\n"
	"\treclaim\n"
	"\tload A+0x1008 == 0x2\n"
	"\tload B+0 == 0x1\n"
	"expect ok\n";

static const char *private_cow =
	"config mem=16M swap=1M\n"
	"thread main:\n"
	"\tmemfd F 4K\n"
	"\tmmap A 4K file=F shared\n"
	"\tmmap P 4K file=F private\n"
	"\tstore A+0 0x7\n"
	"\tpageout A 4K\n"
	"\tload P+0 == 0x7\n"
	"\tstore P+0 0x8\n"
	"\tload A+0 == 0x7\n"
	"\tpageout A 4K\n"
	"\tload A+0 == 0x7\n"
	"\tload P+0 == 0x8\n"
	"expect ok\n";

static const char *punch_truncate_swapoff =
	"config mem=16M swap=1M\n"
	"thread main:\n"
	"\tmemfd F 16K\n"
	"\tmmap A 16K file=F shared\n"
	"\tstore A+0 0x5\n"
	"\tstore A+0x1000 0x6\n"
	"\tstore A+0x2000 0x7\n"
	"\tstore A+0x3000 0x8\n"
	"\tpageout A 16K\n"
	"\tfallocate F 0x3000 4K\n"
	"\tload A+0x3000 == 0\n"
	"\ttruncate F 8K\n"
	"\ttruncate F 16K\n"
	"\tload A+0x2000 == 0\n"
	"\tswapoff\n"
	"\tload A+0x1000 == 0x6\n"
	"\tload A+0 == 0x5\n"
	"expect ok\n";

int main(void)
{
	struct mmsim_program *p;
	struct explore_result r;
	bool clean;

	plan(6);

	clean = st_run_text("two-mappings.mms", two_mappings);
	ok(clean && swap_stats.writes == 1 && swap_stats.reads == 1,
	   "a page stored through one mapping is swapped out and read back "
	   "through the other (writes %lu, reads %lu)", swap_stats.writes,
	   swap_stats.reads);

	clean = st_run_text("clean-page.mms", clean_page);
	ok(clean && swap_stats.writes == 0 && swap_stats.reads == 0,
	   "a clean tmpfs page leaves the page cache unwritten and reads "
	   "zero (writes %lu)", swap_stats.writes);

	clean = st_run_text("kernel-reclaim.mms", kernel_reclaim);
	ok(clean && swap_stats.writes == 2 && swap_stats.reads == 2,
	   "kernel reclaim swaps out pages two mappings map (writes %lu, "
	   "reads %lu)", swap_stats.writes, swap_stats.reads);

	clean = st_run_text("private-cow.mms", private_cow);
	ok(clean && swap_stats.writes == 2 && swap_stats.reads == 2,
	   "a private mapping reads the swapped file page; its COW copy "
	   "stays its own (writes %lu, reads %lu)", swap_stats.writes,
	   swap_stats.reads);

	clean = st_run_text("punch-truncate-swapoff.mms",
			    punch_truncate_swapoff);
	ok(clean && swap_stats.writes == 4 && swap_stats.swapoffs == 1 &&
		   swap_stats.reads == 2,
	   "punch and truncate free swap entries, swapoff reads back the "
	   "rest (writes %lu, reads %lu, swapoffs %lu)", swap_stats.writes,
	   swap_stats.reads, swap_stats.swapoffs);

	p = test_program_load("scenarios/shmem-swapout-vs-fault.mms", NULL);
	if (p) {
		r = st_explore(p, "dpor:1", 0);
		ok(r.exhausted && r.failures == 0 && r.executions > 100,
		   "shmem-swapout-vs-fault: dpor:1 exhausts %llu executions "
		   "clean", (unsigned long long)r.executions);
		explore_result_free(&r);
		scenario_program_free(p);
	} else {
		ok(0, "scenarios/shmem-swapout-vs-fault.mms loads");
	}
	(void)st_proof;
	return done_testing();
}
