// SPDX-License-Identifier: GPL-2.0
/*
 * t_device - device-private memory and migrate_vma (mm/migrate_device.c,
 * the dmirror driver), and seed 004 both ways.
 *
 * migrate-vma-dirty-loss (seed 004; fixed by fd35ca3d12cc "mm/migrate_
 * device.c: copy pte dirty bit to page", 2022):
 *  1. main: the page was swapped out and read back: it sits in the swap
 *     cache, clean, mapped writable; a store dirties only its PTE;
 *  2. drv: migrate_vma_collect clears the PTE into a migration entry -
 *     the old code dropped the cleared PTE's dirty bit;
 *  3. walker: a speculative reference (pfn-get) is held;
 *  4. drv: migrate_vma_check_page sees it: the migration is undone and
 *     the PTE comes back - clean;
 *  5. drv: pageout finds a clean swap-cache folio: freed, not written;
 *  6. main: the load reads the old value from swap: the store is lost.
 * Found by the default search in under a hundred executions with the
 * switch on; clean with it off (dpor:2 exhausted, and the default search).
 *
 * device-private-fault-no-ref (16ce101db85d), both ways: the default
 * search finds the use-after-free with the switch on; dpor:2 exhausts
 * clean with it off.
 *
 * Then: a page goes to the device and comes back on a CPU fault with its
 * data (migrate_to_ram), a device page mapped by two processes after fork
 * comes back for both, GUP migrates a device page back before pinning it,
 * the device's own loads and stores (device-load, device-store) reach the
 * page wherever it is and survive the trip back, and the device race
 * scenarios are proved clean to two preemptions.
 * A few seconds under ASan.
 */
#include "include/memremap.h"
#include "swap_test.h"

static void t_seed004(void)
{
	static const char path[] = "scenarios/seed004-device-migrate-dirty.mms";
	int id = sim_regress_by_name("migrate-vma-dirty-loss");
	struct mmsim_program *p = test_program_load(path, NULL);
	struct explore_result r;

	if (!ok(p && id >= 0, "seed 004's scenario loads and its switch "
			      "is catalogued"))
		return;
	sim_regress_set(id, true);
	r = st_explore(p, NULL, 10000);
	ok(r.failures > 0 && r.nr_fail &&
	   strstr(r.fail[0].msg, "lost-store"),
	   "migrate-vma-dirty-loss on: the default search finds the lost "
	   "store (after %llu executions)",
	   (unsigned long long)r.executions);
	explore_result_free(&r);
	sim_regress_clear();
	scenario_program_free(p);
	st_proof(path, 10000);
}

/*
 * device-private-fault-no-ref (16ce101db85d "mm/memory.c: fix race when
 * faulting a device private page"): 1. main's load reads the
 * device-private entry; 2. drv migrates the page back to system memory
 * and the device page is freed; 3. main, which took no reference, calls
 * migrate_to_ram through the freed page's pgmap.
 */
static void t_fault_no_ref(void)
{
	static const char path[] = "scenarios/device-private-fault-no-ref.mms";
	int id = sim_regress_by_name("device-private-fault-no-ref");
	struct mmsim_program *p = test_program_load(path, NULL);
	struct explore_result r;

	if (!ok(p && id >= 0, "device-private-fault-no-ref's scenario loads "
			      "and its switch is catalogued"))
		return;
	sim_regress_set(id, true);
	r = st_explore(p, NULL, 10000);
	ok(r.failures > 0 && r.nr_fail &&
	   strstr(r.fail[0].msg, "use-after-free"),
	   "device-private-fault-no-ref on: the default search finds the "
	   "fault using a freed device page (after %llu executions)",
	   (unsigned long long)r.executions);
	explore_result_free(&r);
	sim_regress_clear();
	scenario_program_free(p);
	/* off: the fault locks and references the page under the PTL */
	st_proof(path, 10000);
}

static void t_round_trip(void)
{
	static const char trip[] =
		"config mem=16M device=8M\n"
		"thread main:\n"
		"\tmmap A 8K anon\n"
		"\tstore A 0x1\n"
		"\tstore A+0x1000 0x2\n"
		"\tdevice-migrate A to=device\n"
		"\tload A == 0x1\n"
		"\tstore A 0x3\n"
		"\tdevice-migrate A to=device\n"
		"\tdevice-migrate A to=system\n"
		"\tload A == 0x3\n"
		"\tload A+0x1000 == 0x2\n"
		"expect ok\n";
	static const char gup[] =
		"config mem=16M device=8M\n"
		"thread main:\n"
		"\tmmap A 4K anon\n"
		"\tstore A 0x1\n"
		"\tdevice-migrate A to=device\n"
		"\tpin P A 4K write\n"
		"\tdma-write P 0x5\n"
		"\tload A == 0x5\n"
		"\tunpin P\n"
		"expect ok\n";
	bool clean = st_run_text("trip", trip);

	ok(clean && dmirror_stats.to_device == 3 &&
	   dmirror_stats.to_system == 3 && dmirror_stats.faults == 1,
	   "Pages go to the device and come back (a CPU fault, the driver) "
	   "with their data; device pages are freed at exit (to device %lu, "
	   "back %lu, faults %lu)", dmirror_stats.to_device,
	   dmirror_stats.to_system, dmirror_stats.faults);
	clean = st_run_text("gup", gup);
	ok(clean && dmirror_stats.faults == 1,
	   "GUP of a device-private page migrates it back first; the pin is "
	   "coherent");
}

/*
 * device-load / device-store (dmirror_access, lib/test_hmm.c's
 * dmirror_read/dmirror_write): the device reads and writes through its
 * mirror - its own page when the page is on the device, the system page
 * otherwise - and what it wrote survives the trip back to system memory
 * (a CPU fault's migrate_to_ram, the driver's migration). A device write
 * to a page fork shared faults it back and breaks COW first: the child
 * keeps the old value.
 */
static void t_device_access(void)
{
	static const char trip[] =
		"config mem=16M device=64K\n"
		"thread main:\n"
		"\tmmap A 8K anon\n"
		"\tstore A 0x1\n"
		"\tstore A+4K 0x2\n"
		"\tdevice-migrate A to=device\n"
		"\tdevice-store A 0x5\n"
		"\tdevice-load A == 0x5\n"
		"\tdevice-load A+4K == 0x2\n"
		"\tload A == 0x5\n"
		"\tdevice-store A+4K 0x6\n"
		"\tdevice-migrate A to=system\n"
		"\tload A+4K == 0x6\n"
		"\tdevice-store A 0x7\n"
		"\tload A == 0x7\n"
		"expect ok\n";
	static const char fork_text[] =
		"config mem=16M device=64K\n"
		"thread main:\n"
		"\tmmap A 4K anon\n"
		"\tstore A 0x1\n"
		"\tdevice-migrate A to=device\n"
		"\tfork child\n"
		"\tdevice-store A 0x9\n"
		"\tdevice-load A == 0x9\n"
		"\tload A == 0x9\n"
		"\tsignal go\n"
		"thread c in child:\n"
		"\twait go\n"
		"\tload A == 0x1\n"
		"\tdevice-load A == 0x1\n"
		"expect ok\n";
	bool clean = st_run_text("device-access", trip);

	ok(clean && dmirror_stats.to_device == 2 &&
	   dmirror_stats.to_system == 2 && dmirror_stats.faults == 1,
	   "A device store survives the trip back to system memory (a CPU "
	   "fault and the driver's migration); the device reads its own "
	   "page and system pages alike (to device %lu, back %lu, faults "
	   "%lu)", dmirror_stats.to_device, dmirror_stats.to_system,
	   dmirror_stats.faults);
	clean = st_run_text("device-access-fork", fork_text);
	ok(clean && dmirror_stats.faults == 1,
	   "A device store to a page fork shared brings it back and breaks "
	   "COW: no leak into the child (faults %lu)", dmirror_stats.faults);
}

int main(void)
{
	scenario_runner_register();
	t_seed004();
	t_fault_no_ref();
	t_round_trip();
	t_device_access();
	st_proof("scenarios/device-fork.mms", 3000);
	st_proof("scenarios/device-fault-vs-migrate.mms", 3000);
	st_proof("scenarios/device-migrate-vs-store-reclaim.mms", 3000);
	st_proof("scenarios/device-load-vs-fault.mms", 3000);
	return done_testing();
}
