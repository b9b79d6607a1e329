/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/ksm.h - kernel samepage merging (mm/ksm.c).
 */
#ifndef MMSIM_KSM_H
#define MMSIM_KSM_H

#include "mm.h"

/*
 * ksm_merge_range - one ksmd scan of [@start, @start + @len) of @mm:
 * each anon page of a VM_MERGEABLE VMA is merged with an identical KSM
 * page, or with an identical page seen earlier (both then map a new KSM
 * page), or remembered. A pinned page (or one with any extra reference)
 * is not merged. Takes mmap_lock for read. Returns pages merged
 * (replaced by a KSM page) by this call.
 */
unsigned long ksm_merge_range(struct mm_struct *mm, unsigned long start,
			      unsigned long len);
/* ksm_pages_merged - replace_page successes in this execution. */
unsigned long ksm_pages_merged(void);
/* ksm_full_scans - ksmd's completed full scans in this execution. */
unsigned long ksm_full_scans(void);
/*
 * ksm_do_scan - @nr_scans full scans by ksmd: each empties the unstable
 * tree, then scans every VM_MERGEABLE page of every live mm. A page whose
 * checksum changed since its previous scan is not a candidate, so a fresh
 * identical pair merges at the second scan. Returns pages merged.
 */
unsigned long ksm_do_scan(int nr_scans);
/*
 * unmerge_ksm_pages - MADV_UNMERGEABLE of [@start, @end) of @vma: every
 * KSM page mapped there is unshared (break_ksm: an unshare fault copies
 * it into an exclusive page). mmap_lock held. 0 or -errno.
 */
struct vm_area_struct;
int unmerge_ksm_pages(struct vm_area_struct *vma, unsigned long start,
		      unsigned long end);

#endif /* MMSIM_KSM_H */
