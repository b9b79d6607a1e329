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

#endif /* MMSIM_KSM_H */
