// SPDX-License-Identifier: GPL-2.0
/*
 * t_swap - the swap device, the swap cache and do_swap_page (mm/swapfile.c,
 * mm/swap_state.c, mm/memory.c): swap is invisible to the programs (data
 * written before a swap-out reads back after, through fork, mremap and
 * mprotect), every slot is free once the processes exited (the runner's
 * swap-leak check), a full device or no device makes reclaim keep the
 * page, and the two swap-in paths are the ones the device asks for:
 *  - a normal device reads into the swap cache (swapcache_prepare, then
 *    add_to_swap_cache);
 *  - a SWP_SYNCHRONOUS_IO device (config swap_io=sync) skips the cache for
 *    an entry only one PTE refers to, holding SWAP_HAS_CACHE meanwhile
 *    (13ddaf26be32 "mm/swap: fix race when skipping swapcache": two
 *    faults on one entry cannot both map).
 * The two-thread swap-in scenarios are proved clean to two preemptions,
 * and swapin-skip-swapcache-aba (the race 13ddaf26be32 closed: two
 * skip-swapcache faults, the slot reused by a swap-out between them, the
 * second maps its stale copy) is found with its switch on and proved
 * clean to three preemptions with it off. swapoff brings every page back
 * (its race with swap-ins, swapoff-vs-swapin, is t_scenarios' catalogue).
 * A few seconds under ASan.
 */
#include "include/swap.h"
#include "swap_test.h"

static const char basic[] =
	"config mem=16M swap=16M%s\n"
	"thread main:\n"
	"\tmmap A 8K anon\n"
	"\tstore A 0x11\n"
	"\tstore A+0x1000 0x22\n"
	"\tpageout A\n"
	"\tload A == 0x11\n"
	"\tload A+0x1008 == 0\n"
	"\tstore A+0x1000 0x23\n"
	"\tload A+0x1000 == 0x23\n"
	"expect ok\n";

static void t_swap_invisible(void)
{
	char text[512];

	bool clean;

	snprintf(text, sizeof(text), basic, "");
	clean = st_run_text("basic", text);
	ok(clean && swap_stats.writes == 2 &&
	   swap_stats.reads == 2 && swap_stats.reads_nocache == 0,
	   "Data written before swap-out reads back after; a normal device "
	   "swaps in through the swap cache (writes %lu, reads %lu, "
	   "uncached %lu)", swap_stats.writes, swap_stats.reads,
	   swap_stats.reads_nocache);
	snprintf(text, sizeof(text), basic, " swap_io=sync");
	clean = st_run_text("sync", text);
	ok(clean && swap_stats.writes == 2 &&
	   swap_stats.reads == 0 && swap_stats.reads_nocache == 2,
	   "A synchronous device skips the swap cache for an unshared entry "
	   "(reads %lu, uncached %lu)", swap_stats.reads,
	   swap_stats.reads_nocache);
}

static void t_swap_full(void)
{
	static const char full[] =
		"config mem=16M swap=8K\n"
		"thread main:\n"
		"\tmmap A 8K anon\n"
		"\tstore A 0x1\n"
		"\tstore A+0x1000 0x2\n"
		"\tpageout A\n"
		"\treclaim\n"
		"\tload A == 0x1\n"
		"\tload A+0x1000 == 0x2\n"
		"expect ok\n";
	static const char none[] =
		"config mem=16M\n"
		"thread main:\n"
		"\tmmap A 4K anon\n"
		"\tstore A 0x1\n"
		"\tpageout A\n"
		"\treclaim\n"
		"\tload A == 0x1\n"
		"expect ok\n";

	bool clean = st_run_text("full", full);

	ok(clean && swap_stats.writes == 1,
	   "A full device (one slot): reclaim keeps the page it has no slot "
	   "for, no crash (writes %lu)", swap_stats.writes);
	ok(st_run_text("none", none) && swap_stats.writes == 0,
	   "No swap device: pageout and reclaim leave anon pages alone");
}

static void t_swap_entries(void)
{
	static const char fork_text[] =
		"config mem=16M swap=16M\n"
		"thread main:\n"
		"\tmmap A 4K anon\n"
		"\tstore A 0x1\n"
		"\tpageout A\n"
		"\tfork child\n"
		"\tstore A 0x2\n"
		"\tload A == 0x2\n"
		"thread c in child:\n"
		"\tload A == 0x1\n"
		"\tstore A 0x3\n"
		"\tload A == 0x3\n"
		"expect ok\n";
	static const char move_text[] =
		"config mem=16M swap=16M\n"
		"thread main:\n"
		"\tmmap A 8K anon\n"
		"\tstore A 0x1\n"
		"\tstore A+0x1000 0x2\n"
		"\tpageout A\n"
		"\tmprotect A 8K r\n"
		"\tload A+0x1000 == 0x2\n"
		"\tmprotect A 8K rw\n"
		"\tmremap A 8K 8K maymove at=0x20000000000 as=B\n"
		"\tload B == 0x1\n"
		"\tstore B+0x1000 0x4\n"
		"\tload B+0x1000 == 0x4\n"
		"\tmunmap B\n"
		"expect ok\n";
	static const char willneed[] =
		"config mem=16M swap=16M\n"
		"thread main:\n"
		"\tmmap A 4K anon\n"
		"\tstore A 0x1\n"
		"\tpageout A\n"
		"\tswapin A\n"
		"\tload A == 0x1\n"
		"expect ok\n";

	ok(st_run_text("fork", fork_text),
	   "fork shares a swapped-out page through its swap entry "
	   "(swap_duplicate): each side keeps its own values, every slot "
	   "is freed at exit");
	ok(st_run_text("move", move_text),
	   "Swap entries survive mprotect and mremap, and munmap frees them");
	bool clean = st_run_text("willneed", willneed);

	ok(clean && swap_stats.reads == 1,
	   "swapin (MADV_WILLNEED) reads into the swap cache; the fault then "
	   "finds it there (reads %lu)", swap_stats.reads);
}

static void t_skip_swapcache_aba(void)
{
	static const char path[] = "scenarios/swapin-skip-swapcache-aba.mms";
	int id = sim_regress_by_name("swapin-skip-swapcache-aba");
	struct mmsim_program *p = test_program_load(path, NULL);
	struct explore_result r, d;

	if (!ok(p && id >= 0, "swapin-skip-swapcache-aba's scenario loads "
			      "and its switch is catalogued"))
		return;
	sim_regress_set(id, true);
	r = st_explore(p, NULL, 10000);
	ok(r.failures > 0 && r.nr_fail &&
	   strstr(r.fail[0].msg, "lost-store"),
	   "swapin-skip-swapcache-aba on: the stale copy is mapped and the "
	   "store lost (found after %llu executions)",
	   (unsigned long long)r.executions);
	explore_result_free(&r);
	sim_regress_clear();
	d = st_explore(p, "dpor:3", 0);
	ok(d.exhausted && d.failures == 0,
	   "swapin-skip-swapcache-aba off: swapcache_prepare makes the "
	   "second fault wait (dpor:3 exhausted in %llu executions)",
	   (unsigned long long)d.executions);
	explore_result_free(&d);
	scenario_program_free(p);
}

/*
 * swapoff (mm/swapfile.c): every swapped-out page comes back, mapped in
 * every process that refers to it (try_to_unuse through unuse_pte), the
 * data is the data, and the device is gone: a pageout afterwards keeps
 * the page (no slot), a second swapoff does nothing.
 */
static void t_swapoff(void)
{
	static const char text[] =
		"config mem=16M swap=64K\n"
		"thread main:\n"
		"\tmmap A 12K anon\n"
		"\tstore A 0x11\n"
		"\tstore A+0x1000 0x22\n"
		"\tpageout A\n"
		"\tfork child\n"
		"\tswapoff\n"
		"\tswapoff\n"
		"\tstore A+0x2000 0x33\n"
		"\tpageout A\n"
		"\tload A == 0x11\n"
		"\tstore A+0x1000 0x23\n"
		"\tload A+0x1000 == 0x23\n"
		"\tload A+0x2000 == 0x33\n"
		"\tsignal go\n"
		"thread c in child:\n"
		"\twait go\n"
		"\tload A == 0x11\n"
		"\tload A+0x1000 == 0x22\n"
		"\tload A+0x2008 == 0\n"
		"expect ok\n";
	bool clean = st_run_text("swapoff", text);

	ok(clean && swap_stats.swapoffs == 1 && swap_stats.writes == 2 &&
	   swap_stats.reads == 2,
	   "swapoff brings every page back into both processes with its data; "
	   "pageout then keeps the page and a second swapoff does nothing "
	   "(swapoffs %lu, writes %lu, reads %lu)", swap_stats.swapoffs,
	   swap_stats.writes, swap_stats.reads);
}

/*
 * Migration of a swap-cache folio (folio_migrate_mapping's swap cache
 * case): the new folio takes PG_swapcache, the entry and the slot; the
 * old one leaves the cache. The data follows, a store after the move is
 * written out by the next pageout and read back.
 */
static void t_migrate_swapcache(void)
{
	static const char text[] =
		"config mem=16M swap=64K nodes=2\n"
		"thread main:\n"
		"\tmmap A 8K anon\n"
		"\tstore A 0x1\n"
		"\tstore A+4K 0x2\n"
		"\tpageout A\n"
		"\tload A == 0x1\n"
		"\tmove-pages A 8K node=1\n"
		"\tload A == 0x1\n"
		"\tstore A 0x3\n"
		"\tpageout A\n"
		"\tload A == 0x3\n"
		"\tload A+4K == 0x2\n"
		"expect ok\n";
	bool clean = st_run_text("migrate-swapcache", text);

	ok(clean && swap_stats.migrated == 1 && swap_stats.writes == 3,
	   "A folio in the swap cache migrates (the new folio takes the slot) "
	   "and its data survives the next swap-out (migrated %lu, writes "
	   "%lu)", swap_stats.migrated, swap_stats.writes);
}

/*
 * swapoff vs compaction migrating a swap cache folio (fuzz runner, racy
 * seed 7699, reduced): the slot's move must wake try_to_unuse's wait. The
 * old model deadlocked at the 15,621st execution of the default search
 * (seed 0); dpor:2 exhausts the new one (319,747 executions, too long
 * under ASan).
 */
static void t_swapoff_vs_swapcache_migration(void)
{
	st_sample("scenarios/swapoff-vs-swapcache-migration.mms", NULL, 16000,
		  "no deadlock (the old model deadlocked at the 15,621st)");
}

int main(void)
{
	scenario_runner_register();
	t_swap_invisible();
	t_swap_full();
	t_swap_entries();
	st_proof("scenarios/swapin-two-threads.mms", 3000);
	st_proof("scenarios/swapin-skip-swapcache.mms", 3000);
	st_proof("scenarios/swapin-after-fork.mms", 2000);
	t_skip_swapcache_aba();
	t_swapoff();
	t_migrate_swapcache();
	t_swapoff_vs_swapcache_migration();
	return done_testing();
}
