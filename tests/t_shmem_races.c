// SPDX-License-Identifier: GPL-2.0
/*
 * t_shmem_races - the concurrency scenarios of issue 12 that must stay
 * clean, each exhausted by bounded source-DPOR (every schedule with at
 * most the bound's preemptions; SC memory):
 *
 *  - collapse-file-vs-store: MADV_COLLAPSE of a tmpfs range vs stores
 *    through two shared mappings (one filling a hole);
 *  - collapse-file-vs-gup-fast: the same vs a GUP-fast write pin and DMA
 *    and a store to a hole;
 *  - shmem-truncate-vs-fault-vs-gup-fast: truncate of a huge tmpfs file
 *    vs a fault and a GUP-fast pin;
 *  - shmem-faultaround-vs-truncate: faultaround vs truncate;
 *  - mremap-thp-vs-migration: mremap of a THP vs move_pages.
 *
 * Larger bounds and 100,000-execution default searches are measured in
 * docs/mm.md (too long for the suite). A few seconds under ASan.
 */
#include "explore_test.h"

static void t_exhausted(const char *path, const char *bound, uint64_t min)
{
	check_scenario_exhausted(path, bound, min, 120);
}

int main(void)
{
	plan(5);
	t_exhausted("scenarios/collapse-file-vs-store.mms", "dpor:1", 100);
	t_exhausted("scenarios/collapse-file-vs-gup-fast.mms", "dpor:1", 100);
	t_exhausted("scenarios/shmem-truncate-vs-fault-vs-gup-fast.mms",
		    "dpor:1", 100);
	t_exhausted("scenarios/shmem-faultaround-vs-truncate.mms", "dpor:1",
		    100);
	t_exhausted("scenarios/mremap-thp-vs-migration.mms", "dpor:3", 100);
	return done_testing();
}
