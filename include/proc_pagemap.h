/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/proc_pagemap.h - what a process reads from /proc/self/pagemap
 * and /proc/kpageflags (fs/proc/task_mmu.c, fs/proc/page.c of the kernel;
 * here fs/proc/task_mmu.c). Documentation/admin-guide/mm/pagemap.rst
 * gives the bits.
 */
#ifndef MMSIM_PROC_PAGEMAP_H
#define MMSIM_PROC_PAGEMAP_H

#include <stdbool.h>
#include <stdint.h>

struct mm_struct;

/* /proc/PID/pagemap: one 64-bit entry per virtual page */
#define PM_PFRAME_BITS 55
#define PM_PFRAME_MASK ((1ULL << PM_PFRAME_BITS) - 1)
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_UFFD_WP (1ULL << 57)
#define PM_FILE (1ULL << 61)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)

/* /proc/kpageflags: bit numbers (include/uapi/linux/kernel-page-flags.h) */
#define KPF_ANON 12
#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16
#define KPF_THP 22
#define KPF_KSM 21
#define KPF_ZERO_PAGE 24

/*
 * What the model says of one virtual page: its pagemap entry, and (if
 * present) the /proc/kpageflags word of its frame and whether a PMD
 * maps it. pfn is the model's frame number (the kernel shows it to
 * CAP_SYS_ADMIN only; a comparison with the host never compares it).
 */
struct proc_page_state {
	uint64_t pme;		/* pagemap entry */
	uint64_t kflags;	/* kpageflags of the frame; 0 if none */
	unsigned long pfn;	/* -1UL: no frame */
	bool pmd_mapped;
};

/*
 * pagemap_read - the state of @nr pages from @start in @mm, as
 * pagemap_read() (fs/proc/task_mmu.c) and stable_page_flags()
 * (fs/proc/page.c) report them, into @out[0 .. @nr). Plain loads of the
 * page tables, no lock and no yield point: the caller is between two ops
 * (or is the op). Returns 0.
 */
int pagemap_read(struct mm_struct *mm, unsigned long start, unsigned long nr,
		 struct proc_page_state *out);

#endif /* MMSIM_PROC_PAGEMAP_H */
