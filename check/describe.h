/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check/describe.h - a page-by-page picture of an address range in mm
 * vocabulary, for reports: none / present (pfn, W D A, protnone) /
 * migration (readable, readable-exclusive, writable) / swap /
 * device-private / PMD-huge, and the folio behind it (refcount, mapcount,
 * pins, PG_anon_exclusive, locked). Reads the tables without locks or
 * yield points: call it between executions or from a report.
 */
#ifndef CHECK_DESCRIBE_H
#define CHECK_DESCRIBE_H

#include <stdio.h>

struct mm_struct;

/* Describe [@start, @end) of @mm on @out, runs of empty pages folded. */
void describe_range(struct mm_struct *mm, unsigned long start,
		    unsigned long end, FILE *out);

#endif /* CHECK_DESCRIBE_H */
