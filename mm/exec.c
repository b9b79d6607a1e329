// SPDX-License-Identifier: GPL-2.0
/*
 * mm/exec.c - the mm part of execve (kernel: fs/exec.c bprm_mm_init,
 * copy_strings, exec_mmap, setup_arg_pages; mm/vma_exec.c
 * relocate_vma_down, formerly fs/exec.c shift_arg_pages).
 *
 * exec builds the new mm before it knows where the stack will end up: the
 * arguments go into a temporary stack VMA at the very top, which
 * setup_arg_pages later shifts down into place:
 *  (1) vma_expand: vm_start moves down to cover [new_start, old_end) (the
 *      anon_vma lock is held for it: the rmap's view of the VMA changes,
 *      and an rmap walk now computes the page's address at its new place);
 *  (2) move_page_tables: the PTEs follow, without the rmap locks;
 *  (3) free the page tables left empty, shrink the VMA to the new range.
 * Between (1) and the end of (2) an rmap walk looks for a PTE where it is
 * not yet (seed 002). The kernel's answer (a8bef8ff6ea1, 2010, still
 * there today as invalid_migration_vma() in mm/rmap.c): the VMA carries
 * VM_STACK_INCOMPLETE_SETUP until (3) is done, and try_to_migrate() skips
 * such VMAs, so no migration entry is ever installed in a temporary stack.
 */
#include "gup.h"
#include "huge_mm.h"
#include "migrate.h"
#include "rmap.h"
#include "tlb.h"

struct mm_struct *exec_mm_in_progress;

/*
 * __bprm_mm_init - the temporary stack: [EXEC_STACK_TOP_MAX - @size,
 * EXEC_STACK_TOP_MAX), VM_STACK_INCOMPLETE_SETUP set. SIM: the kernel
 * starts with one page and grows it as copy_strings() writes; here it has
 * the arguments' size from the start.
 */
static struct vm_area_struct *__bprm_mm_init(struct mm_struct *mm,
					     unsigned long size)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);

	mmap_write_lock(mm);
	vma->vm_end = EXEC_STACK_TOP_MAX;
	vma->vm_start = vma->vm_end - size;
	vma->vm_flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE |
			VM_MAYEXEC | VM_GROWSDOWN | VM_ACCOUNT |
			VM_STACK_INCOMPLETE_SETUP;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_pgoff = vma->vm_start >> PAGE_SHIFT;
	insert_vm_struct(mm, vma);
	mm->stack_vm = mm->total_vm = size >> PAGE_SHIFT;
	mmap_write_unlock(mm);
	return vma;
}

/*
 * copy_strings - write the arguments into the new mm, page by page,
 * through get_arg_page() (GUP on the new mm, FOLL_FORCE | FOLL_WRITE) and
 * the kernel mapping of the page. 0 or -EFAULT.
 */
static int copy_strings(struct mm_struct *mm, unsigned long start,
			unsigned long size)
{
	for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
		struct page *page;
		uint64_t *kaddr;

		if (get_user_pages_remote(mm, start + off, 1,
					  FOLL_WRITE | FOLL_FORCE | FOLL_GET,
					  &page) != 1)
			return -EFAULT;
		kaddr = page_address(page);
		sim_yield(SIM_EV_WRITE, sim_data_obj(page), "copy_strings:write");
		for (unsigned long w = 0; w < PAGE_SIZE / 8; w++)
			kaddr[w] = exec_arg_value(off + w * 8);
		put_page(page);
	}
	return 0;
}

/*
 * shift_arg_pages - (1)..(3) above: move @vma down by @shift. mmap_lock
 * held for write (which excludes faults and GUP, not migration).
 */
static int shift_arg_pages(struct vm_area_struct *vma, unsigned long shift)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long old_start = vma->vm_start, old_end = vma->vm_end;
	unsigned long length = old_end - old_start;
	unsigned long new_start = old_start - shift, new_end = old_end - shift;
	struct mmu_gather tlb;

	VM_BUG_ON(new_start > new_end);
	/* (1) cover the whole range [new_start, old_end) */
	if (vma->anon_vma)
		anon_vma_lock_write(vma->anon_vma);
	vma->vm_start = new_start;
	if (vma->anon_vma) {
		anon_vma_interval_tree_update_vma(vma);
		anon_vma_unlock_write(vma->anon_vma);
	}
	/* race window: the rmap now looks for the PTEs at their new place */
	/* (2) move the page tables down, without the rmap locks */
	if (length != move_page_tables(vma, old_start, vma, new_start, length,
				       false))
		return -ENOMEM;
	/* (3) free what is left empty above, then shrink the VMA */
	tlb_gather_mmu(&tlb, mm);
	if (new_end > old_start)
		free_pgd_range(&tlb, new_end, old_end, new_end, 0);
	else
		free_pgd_range(&tlb, old_start, old_end, new_end, 0);
	tlb_finish_mmu(&tlb);
	if (vma->anon_vma)
		anon_vma_lock_write(vma->anon_vma);
	vma->vm_end = new_end;
	if (vma->anon_vma) {
		anon_vma_interval_tree_update_vma(vma);
		anon_vma_unlock_write(vma->anon_vma);
	}
	return 0;
}

/*
 * setup_arg_pages - move the stack to end at @stack_top, then drop the
 * temporary-stack marking. The running task runs in @mm already.
 */
static int setup_arg_pages(struct mm_struct *mm, unsigned long stack_top)
{
	struct vm_area_struct *vma;
	int ret = 0;

	mmap_write_lock(mm);
	vma = find_vma(mm, EXEC_STACK_TOP_MAX - 1);
	VM_BUG_ON(!vma || !vma_is_temporary_stack(vma));
	if (vma->vm_end != stack_top)
		ret = shift_arg_pages(vma, vma->vm_end - stack_top);
	vma->vm_flags &= ~VM_STACK_INCOMPLETE_SETUP;
	mmap_write_unlock(mm);
	return ret;
}

/* do_exec_mm - see migrate.h. */
struct mm_struct *do_exec_mm(struct mm_struct *old, unsigned long arg_bytes)
{
	unsigned long size = PAGE_ALIGN(arg_bytes ? arg_bytes : PAGE_SIZE);
	struct vm_area_struct *vma;
	struct mm_struct *mm;

	if (size > EXEC_STACK_TOP_MAX - EXEC_STACK_TOP)
		return NULL;	/* SIM: the shift must clear the old range */
	mm = mm_alloc();
	if (!mm)
		return NULL;
	vma = __bprm_mm_init(mm, size);
	if (copy_strings(mm, vma->vm_start, size))
		goto fail;
	/* exec_mmap: the task runs in the new mm from here on. */
	exec_mm_in_progress = mm;
	mm_task_bind(mm);
	if (setup_arg_pages(mm, EXEC_STACK_TOP))
		goto fail;
	exec_mm_in_progress = NULL;
	return mm;
fail:
	exec_mm_in_progress = NULL;
	mm_task_bind(old);
	mmput(mm);
	return NULL;
}
