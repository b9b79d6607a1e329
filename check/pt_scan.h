/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check/pt_scan.h - the checkers' scan for the used entries of a page
 * table (check/invariants.c, check/migration.c).
 *
 * A checker walks every table of every live mm at the end of an
 * execution; most of a table's 512 entries are empty, so what a walk costs
 * is the scan for the few that are not. chk_next_used() answers exactly
 * what pt_next_used() (arch/pgtable.h) answers - the first non-zero entry
 * at or after @i - but skips an empty block of 64 entries (512 bytes) in
 * one test: the block is OR-ed together sixteen bytes at a time (GCC
 * vector extension: SSE2 on x86-64, NEON on arm64, plain words
 * elsewhere; no -m flag). It reads every entry of the table, as before:
 * nothing the checkers saw is skipped.
 *
 * SIM_STRESS (real threads): pt_next_used() itself, whose loads are
 * relaxed atomics (ThreadSanitizer must see them as such).
 */
#ifndef CHECK_PT_SCAN_H
#define CHECK_PT_SCAN_H

#include "arch/pgtable.h"

#define CHK_BLOCK 64	/* entries per block: 512 bytes, 32 vectors */

typedef unsigned long chk_v2 __attribute__((vector_size(16)));

/* Is the block of CHK_BLOCK entries at @t (512-byte aligned) all zero? */
static inline bool chk_block_empty(const unsigned long *t)
{
	const chk_v2 *v = (const chk_v2 *)t;
	chk_v2 a = v[0], b = v[1];

	/* unrolled: one load-and-OR per 16 bytes, no loop counter */
#pragma GCC unroll 16
	for (int k = 2; k < CHK_BLOCK / 2; k += 2) {
		a |= v[k];
		b |= v[k + 1];
	}
	a |= b;
	return !(a[0] | a[1]);
}

/*
 * chk_next_used - the first index >= @i of a non-zero entry of the table
 * at host address @table (512 entries, any level), or 512 if none. No
 * yield point: for checkers only, as pt_next_used().
 */
static inline int chk_next_used(const void *table, int i)
{
#ifdef SIM_STRESS
	return pt_next_used(table, i);
#else
	const unsigned long *t = table;

	while (i < PTRS_PER_PTE) {
		int end;

		if (!(i & (CHK_BLOCK - 1)) && chk_block_empty(t + i)) {
			i += CHK_BLOCK;
			continue;
		}
		/* a block with a used entry (or the rest of one): 8 at a time */
		end = (i | (CHK_BLOCK - 1)) + 1;
		for (; i < end && (i & 7); i++)
			if (t[i])
				return i;
		for (; i < end; i += 8)
			if (t[i] | t[i + 1] | t[i + 2] | t[i + 3] | t[i + 4] |
			    t[i + 5] | t[i + 6] | t[i + 7])
				break;
		for (; i < end; i++)
			if (t[i])
				return i;
	}
	return PTRS_PER_PTE;
#endif
}

#endif /* CHECK_PT_SCAN_H */
