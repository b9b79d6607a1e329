// SPDX-License-Identifier: GPL-2.0
/*
 * t_split_file - the split of a huge tmpfs folio (mm/huge_memory.c
 * __folio_split with a mapping) and the race it carries on arm64,
 * page-ref-unfreeze-relaxed (docs/bugs.md):
 *  1. sequentially, the `split` op on a PMD-mapped huge memfd page splits
 *     it (the split counter moves), every page keeps its data, and two
 *     mappings of the file still see each other's stores afterwards (each
 *     index's slot holds its own folio);
 *  2. with the switch on, the schedule the default search found (shrunk)
 *     replays to the lost store: the write fault's lookup took the head
 *     for index 0x1ff and the store landed in page 0;
 *  3. with the fix (atomic_set_release) that schedule cannot be replayed
 *     (the head's count cannot become visible before the slot store), and
 *     the default search finds nothing in a small sampled budget.
 * ~5 s under ASan.
 */
#include <string.h>

#include "huge_mm.h"
#include "sim/regress.h"
#include "explore_test.h"

#define SCENARIO "scenarios/page-ref-unfreeze-relaxed.mms"
/* seed 0 of the default search, shrunk (6 preemptions); the same in
 * every process since the bit-wait queues stopped depending on host
 * addresses (session 5) */
#define FOUND_SCHEDULE "a8b39E5c17b2c35"
#define CLEAN_RUNS 5000

static const char split_text[] =
	"config mem=32M thp=always\n"
	"thread main:\n"
	"\tmemfd F 2M huge=always\n"
	"\tmmap A 2M file=F shared\n"
	"\tmmap B 2M file=F shared\n"
	"\tstore A+0 0x11\n"
	"\tstore A+0x1ff000 0x22\n"
	"\tsplit A\n"
	"\tload A+0 == 0x11\n"
	"\tload A+0x1ff000 == 0x22\n"
	"\tload B+0x1ff000 == 0x22\n"
	"\tstore B+0x1000 0x33\n"
	"\tload A+0x1000 == 0x33\n"
	"\tstore A+0x1fe000 0x44\n"
	"\tload B+0x1fe000 == 0x44\n"
	"expect ok\n";

static void t_split_tmpfs_thp(void)
{
	struct mmsim_program *p = test_program_load("split.mms", split_text);
	struct sim_config cfg = { 0 };
	struct sim_result r;
	unsigned long split_ok = 0, split_failed = 0;
	struct explore_result e;

	if (!ok(p != NULL, "the tmpfs split scenario loads"))
		return;
	program_exec(p, &cfg, &r);
	thp_split_stats(&split_ok, &split_failed);
	ok(r.outcome == SIM_OK && split_ok == 1 && split_failed == 0,
	   "split of a PMD-mapped huge memfd folio: split (%lu ok, %lu "
	   "failed), every page keeps its data, both mappings agree after",
	   split_ok, split_failed);
	if (r.outcome != SIM_OK)
		diag("%s", r.msg);
	e = explore_for(p, "random", 30, 0);
	ok(e.failures == 0 && e.executions == 30,
	   "... and in 30 random executions (the invariants and leak check "
	   "after each)");
	if (e.nr_fail)
		diag("%s", e.fail[0].msg);
	explore_result_free(&e);
	scenario_program_free(p);
}

static void t_unfreeze_relaxed(void)
{
	int id = sim_regress_by_name("page-ref-unfreeze-relaxed");
	struct mmsim_program *p = test_program_load(SCENARIO, NULL);
	struct sim_config cfg = { .replay = FOUND_SCHEDULE };
	struct sim_result r;
	struct explore_result e;

	if (!ok(p && id >= 0 && !sim_regress_table[id].needs,
		"%s loads; the catalogue hunts it (no .needs)", SCENARIO))
		return;
	sim_regress_set(id, true);
	program_exec(p, &cfg, &r);
	ok(r.outcome == SIM_VIOLATION && strstr(r.msg, "lost-store") &&
		   strstr(r.msg, "returned 0x33"),
	   "switch on: schedule %s loses t's store into page 0 (the head "
	   "unfrozen before slot 0x1ff moved)", FOUND_SCHEDULE);
	if (r.outcome != SIM_VIOLATION)
		diag("outcome %d: %s", r.outcome, r.msg);
	sim_regress_set(id, false);
	program_exec(p, &cfg, &r);
	ok(r.outcome == SIM_DIVERGED,
	   "switch off: the same schedule cannot run (the release keeps the "
	   "head's count behind the slot store)");
	e = explore_for(p, NULL, CLEAN_RUNS, 0);
	ok(e.failures == 0 && e.executions == CLEAN_RUNS,
	   "switch off: no violation in %d default executions (sampled)",
	   CLEAN_RUNS);
	if (e.nr_fail)
		diag("%s", e.fail[0].msg);
	explore_result_free(&e);
	scenario_program_free(p);
}

int main(void)
{
	scenario_runner_register();
	t_split_tmpfs_thp();
	t_unfreeze_relaxed();
	return done_testing();
}
