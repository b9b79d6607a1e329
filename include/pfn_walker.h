/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/pfn_walker.h - a speculative PFN walker (mm/pfn_walker.c): the
 * kernel's sources of transient references on folios they do not own.
 */
#ifndef MMSIM_PFN_WALKER_H
#define MMSIM_PFN_WALKER_H

struct mm_struct;

/*
 * pfn_walker_get_range - for each frame mapped in [@start, @start+@len) of
 * @mm (found as /proc/PID/pagemap does, under mmap_lock for read): take a
 * speculative reference (folio_try_get), look at the folio, drop it.
 * Returns the number of references taken.
 */
int pfn_walker_get_range(struct mm_struct *mm, unsigned long start,
			 unsigned long len);

#endif /* MMSIM_PFN_WALKER_H */
