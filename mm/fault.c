// SPDX-License-Identifier: GPL-2.0
/*
 * mm/fault.c - the user fault path (kernel: arch/x86/mm/fault.c's
 * do_user_addr_fault). SIM: it lives in mm/ because arch/ must not call
 * upward; the arch layer's walker returns fault codes and this file turns
 * them into handle_mm_fault() calls and retries.
 */
#include "mm.h"

/* access_error - does @vma forbid this access? (SIGSEGV) */
static bool access_error(unsigned int flags, struct vm_area_struct *vma)
{
	if (flags & FAULT_FLAG_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	return !(vma->vm_flags & (VM_READ | VM_EXEC | VM_WRITE));
}

/*
 * do_user_addr_fault - see mm.h. Takes mmap_lock for read. Returns 0
 * (retry the access), -EFAULT (SIGSEGV/SIGBUS) or -ENOMEM (the kernel
 * would OOM-kill). SIM: no stack expansion below a VM_GROWSDOWN VMA.
 */
int do_user_addr_fault(struct mm_struct *mm, unsigned long address,
		       unsigned int flags)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, address);
	if (!vma || access_error(flags, vma)) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	fault = handle_mm_fault(vma, address, flags, NULL);
	mmap_read_unlock(mm);
	if (fault & VM_FAULT_OOM)
		return -ENOMEM;
	if (fault & VM_FAULT_SIGBUS)
		return -EIO;	/* SIGBUS: past EOF of a file mapping */
	if (fault & VM_FAULT_ERROR)
		return -EFAULT;
	return 0;
}

/* One user access: walk, fault, retry. */
static int mm_user_access(struct mm_struct *mm, unsigned long va,
			  bool is_store, uint64_t *val)
{
	struct hw_fault f;

	VM_BUG_ON(va & 7);
	for (;;) {
		int code = hw_access(&mm->context, va, is_store, val, &f);
		int err;

		if (code == HW_OK)
			return 0;
		if (code == HW_FAULT_USER)
			return -EFAULT;
		err = do_user_addr_fault(mm, va,
					 FAULT_FLAG_USER |
					 (is_store ? FAULT_FLAG_WRITE : 0));
		if (err)
			return err;
	}
}

int mm_user_load(struct mm_struct *mm, unsigned long va, uint64_t *val)
{
	return mm_user_access(mm, va, false, val);
}

int mm_user_store(struct mm_struct *mm, unsigned long va, uint64_t val)
{
	return mm_user_access(mm, va, true, &val);
}
