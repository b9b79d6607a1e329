/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check/pt_scan.h - the checkers' scan for the used entries of a page
 * table (check/invariants.c, check/migration.c).
 *
 * A checker walks every table of every live mm at the end of an
 * execution; most of a table's 512 entries are empty, so what a walk costs
 * is the scan for the few that are not. chk_next_used() answers exactly
 * what pt_next_used() (arch/pgtable.h) answers - the first non-zero entry
 * at or after @i - but reads only the table's dirty blocks of 8 entries
 * (arch/physmem.h, "Dirty blocks"): every store of an entry notes its
 * block, so a block whose bit is clear is zero. The ASan build checks
 * that promise at the start of every scan (physmem_zmask_check()).
 *
 * SIM_STRESS (real threads): pt_next_used() itself, whose loads are
 * relaxed atomics (ThreadSanitizer must see them as such).
 */
#ifndef CHECK_PT_SCAN_H
#define CHECK_PT_SCAN_H

#include "arch/pgtable.h"

#define CHK_BLOCK 8	/* entries per dirty bit: 64 bytes */

/*
 * chk_next_used_mask - the first index >= @i of a non-zero entry of the
 * table at host address @t whose blocks outside @mask are zero, or 512 if
 * none. No yield point.
 */
static inline int chk_next_used_mask(const unsigned long *t, int i,
				     uint64_t mask)
{
	if (i >= PTRS_PER_PTE)
		return PTRS_PER_PTE;
	for (mask &= ~0ULL << (i / CHK_BLOCK); mask; mask &= mask - 1) {
		int b = __builtin_ctzll(mask) * CHK_BLOCK;

		for (int j = b > i ? b : i; j < b + CHK_BLOCK; j++)
			if (t[j])
				return j;
	}
	return PTRS_PER_PTE;
}

/*
 * chk_next_used - the first index >= @i of a non-zero entry of the table
 * at host address @table (512 entries, any level, in the arena), or 512
 * if none. No yield point: for checkers only, as pt_next_used().
 */
static inline int chk_next_used(const void *table, int i)
{
#ifdef SIM_STRESS
	return pt_next_used(table, i);
#else
#ifdef SIM_ASAN
	if (i == 0)
		physmem_zmask_check(table, "scanning a page table");
#endif
	return chk_next_used_mask(table, i,
				  physmem_zmask[__pa_host(table) >> PAGE_SHIFT]);
#endif
}

#endif /* CHECK_PT_SCAN_H */
