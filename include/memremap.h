/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/memremap.h - device-private memory and migrate_vma (kernel:
 * include/linux/memremap.h, include/linux/migrate.h, mm/migrate_device.c,
 * and the test driver lib/test_hmm.c, "dmirror", for the driver side).
 *
 * The device's memory is the device-private frames of arch/physmem.c. A
 * page that lives there is mapped in CPU page tables by a device-private
 * swap entry (readable or writable); a CPU access faults and the driver's
 * migrate_to_ram brings the page back.
 */
#ifndef MMSIM_MEMREMAP_H
#define MMSIM_MEMREMAP_H

#include "mm.h"

#define MIGRATE_PFN_VALID	(1UL << 0)
#define MIGRATE_PFN_MIGRATE	(1UL << 1)
#define MIGRATE_PFN_WRITE	(1UL << 3)
#define MIGRATE_PFN_SHIFT	6

#define MIGRATE_VMA_SELECT_SYSTEM		(1 << 0)
#define MIGRATE_VMA_SELECT_DEVICE_PRIVATE	(1 << 1)

struct migrate_vma {
	struct vm_area_struct *vma;
	unsigned long *dst;
	unsigned long *src;
	unsigned long cpages;	/* collected */
	unsigned long npages;
	unsigned long start, end;
	unsigned long flags;	/* MIGRATE_VMA_SELECT_* */
	struct page *fault_page;	/* locked, referenced by the fault */
};

static inline unsigned long migrate_pfn(unsigned long pfn)
{
	return (pfn << MIGRATE_PFN_SHIFT) | MIGRATE_PFN_VALID;
}

static inline struct page *migrate_pfn_to_page(unsigned long mpfn)
{
	if (!(mpfn & MIGRATE_PFN_VALID))
		return NULL;
	return pfn_to_page(mpfn >> MIGRATE_PFN_SHIFT);
}

/* migrate_vma_setup - collect, lock and unmap the range. 0 or -EINVAL. */
int migrate_vma_setup(struct migrate_vma *args);
/* migrate_vma_pages - move the struct page state to the dst pages. */
void migrate_vma_pages(struct migrate_vma *migrate);
/* migrate_vma_finalize - map the new pages (or restore the old ones). */
void migrate_vma_finalize(struct migrate_vma *migrate);

/* The dmirror driver: migrate [start, start + len) of @mm to the device
 * (@to_device) or back. Returns pages migrated. */
long dmirror_migrate(struct mm_struct *mm, unsigned long start,
		     unsigned long len, bool to_device);
/* dmirror_access - the device's load (into *@val) or store (of *@val)
 * of the word at @addr of @mm, through its mirror of the CPU page table,
 * faulting the page in (or back from the device) as needed. The page may
 * be system memory or this device's. 0 or -EFAULT. mmap_lock not held. */
int dmirror_access(struct mm_struct *mm, unsigned long addr, bool write,
		   uint64_t *val);
/* Pages this execution moved to the device and back (tests read it). */
struct dmirror_stats {
	unsigned long to_device, to_system, faults;
};
extern struct dmirror_stats dmirror_stats;

/* do_device_private_fault - do_swap_page on a device-private entry. */
struct vm_fault;
vm_fault_t do_device_private_fault(struct vm_fault *vmf);

#endif /* MMSIM_MEMREMAP_H */
