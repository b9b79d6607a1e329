/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/regress.h - historical kernel bugs as named runtime switches.
 *
 * Every catalogued bug keeps its old code path next to the fixed one, at
 * the exact place in mm/, guarded by sim_regress_on(SIM_REGRESS_xxx):
 *
 *	if (sim_regress_on(SIM_REGRESS_FOO)) {
 *		old code: kernel commit, date, what went wrong
 *	} else {
 *		fixed code
 *	}
 *
 * `mmsim ... --regress NAME` switches one on; `mmsim bugs` proves both
 * directions for each entry (on: the explorer finds a violation in the
 * entry's scenario; off: the same budget finds none).
 *
 * To add a bug: an enum value below, an entry in sim_regress_table[] in
 * sim/regress.c, the guarded old path in mm/, and scenarios/<name>.mms.
 */
#ifndef SIM_REGRESS_H
#define SIM_REGRESS_H

#include <stdbool.h>
#include <stdint.h>

enum sim_regress_id {
	/*
	 * PLACEHOLDER, not a kernel bug: drops the lock around the counter
	 * of the explorer's builtin:regress-demo program, so that the
	 * switch mechanism and `mmsim bugs --placeholder` can be tested
	 * before mm/ catalogues its first real race. Real bugs go below.
	 */
	SIM_REGRESS_PLACEHOLDER_DEMO,
	/* do_wp_page reuses an anon page mapped once, ignoring GUP refs */
	SIM_REGRESS_COW_REUSE_MAPCOUNT,
	/* mm/numa.c: migrate_misplaced_transhuge_page (seed 000) */
	SIM_REGRESS_THP_NUMA_COUNT_RECHECK,
	/* mm/migrate.c: invalid_migration_vma (seed 002) */
	SIM_REGRESS_EXEC_STACK_RMAP_MISS,
	/* mm/mremap.c: move_ptes / move_huge_pmd rmap locks */
	SIM_REGRESS_MREMAP_NO_RMAP_LOCKS,
	/* mm/gup.c: gup_fast_pte_range without the re-check (arm64) */
	SIM_REGRESS_GUP_FAST_NO_RECHECK,
	/* mm/numa.c: the legacy THP hinting fault waits without a ref */
	SIM_REGRESS_NUMA_WAIT_ON_FREED_PAGE,
	/* mm/pgtable-generic.c: pte_accessible ignores tlb_flush_pending */
	SIM_REGRESS_NUMA_PROTNONE_NO_FLUSH,
	/* include/page_ref.h: folio_ref_unfreeze (seed 000, patch 2/3) */
	SIM_REGRESS_PAGE_REF_UNFREEZE_RELAXED,
	/* mm/rmap.c + mm/gup.c: the smp_mb() pair of PG_anon_exclusive */
	SIM_REGRESS_ANON_EXCLUSIVE_CLEAR_NO_BARRIER,
	/* mm/rmap.c: flush_tlb_batched_pending (deferred unmap flushes) */
	SIM_REGRESS_TLB_BATCHED_PENDING_MISSING,
	/* mm/memory.c: finish_fault trusts a PMD read once (seed 003) */
	SIM_REGRESS_FINISH_FAULT_PMD_NO_RECHECK,
	/* mm/memory.c: zap_pmd_range's second PMD read (CVE-2012-1179) */
	SIM_REGRESS_DONTNEED_VS_THP_FAULT,
	/* mm/huge_memory.c: THP COW by mapcount vs __split_huge_pmd_locked */
	SIM_REGRESS_THP_SPLIT_PMD_MAPCOUNT,
	/* mm/migrate_device.c: migrate_vma_collect drops the dirty bit */
	SIM_REGRESS_MIGRATE_VMA_DIRTY_LOSS,
	/* mm/vmscan.c: try_to_unmap_one drops a lazyfree page GUP holds */
	SIM_REGRESS_MADV_FREE_VS_GUP,
	/* mm/memory.c: do_swap_page skips the swap cache unclaimed */
	SIM_REGRESS_SWAPIN_SKIP_SWAPCACHE_ABA,
	/* mm/memory.c: do_swap_page calls migrate_to_ram without a ref */
	SIM_REGRESS_DEVICE_PRIVATE_FAULT_NO_REF,
	/* mm/khugepaged.c: collapse_huge_page without the GUP-fast IPI */
	SIM_REGRESS_KHUGEPAGED_PT_FREE_VS_GUP_FAST,
	/* mm/gup.c: GUP-fast's write_protect_seq check against fork */
	SIM_REGRESS_GUP_FAST_NO_WP_SEQ,
	/* mm/gup.c: GUP-fast re-checks the PTE, not the PMD (collapse) */
	SIM_REGRESS_GUP_FAST_VS_COLLAPSE,
	/* mm/mremap.c: move_normal_pmd trusts a PMD read before the locks */
	SIM_REGRESS_MREMAP_MOVE_PMD_VS_RETRACT,
	/* mm/mremap.c: move_ptes flushes after dropping the PTL */
	SIM_REGRESS_MREMAP_FLUSH_AFTER_UNLOCK,
	/* mm/swapfile.c: swap-ins without get_swap_device vs swapoff */
	SIM_REGRESS_SWAPOFF_VS_SWAPIN,
	/* mm/huge_memory.c: a file PMD split forgets migration entries */
	SIM_REGRESS_SHMEM_PMD_MIGRATION_SPLIT,
	/* mm/filemap.c: faultaround reads EOF after its folio lookup */
	SIM_REGRESS_FILEMAP_MAP_PAGES_EOF,
	SIM_REGRESS__NR
};

/* One catalogued bug. */
struct sim_regress {
	const char *name;	/* --regress NAME, e.g. "thp-numa-lost-write" */
	const char *commit;	/* the kernel commit that fixed it (12 hex) */
	const char *date;	/* of that commit, YYYY-MM-DD */
	const char *what;	/* one line: what went wrong */
	const char *scenario;	/* the scenario that exposes it */
	bool placeholder;	/* a mechanism test, not a kernel bug */
	/*
	 * NULL: the default search (no strategy, no budget chosen for the
	 * bug) finds it in the suite's budget. Else why it does not: a
	 * known gap of the search, said in docs/explorer.md, never a
	 * strategy or budget picked for the bug.
	 */
	const char *default_search_misses;
	/*
	 * Non-NULL: the machine this bug needs is not modelled yet (what is
	 * missing). Hunts and the suite skip the entry with this reason; the
	 * switch itself works (--regress NAME).
	 */
	const char *needs;
};

extern const struct sim_regress sim_regress_table[SIM_REGRESS__NR];

/* The switches that are on: bit i for enum value i. Read by model code. */
extern uint64_t sim_regress_mask;

/* Is regression @id switched on? Cheap: one load and a test. */
static inline bool sim_regress_on(enum sim_regress_id id)
{
	return sim_regress_mask >> id & 1;
}

/* Switch @id on or off (before sim_exec_begin; it persists). */
void sim_regress_set(enum sim_regress_id id, bool on);
/* Switch every regression off. */
void sim_regress_clear(void);
/* The id named @name, or -1 if the catalogue has no such entry. */
int sim_regress_by_name(const char *name);
/* Number of entries that are real kernel bugs (not placeholders). */
int sim_regress_nr_real(void);

#endif /* SIM_REGRESS_H */
