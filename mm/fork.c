// SPDX-License-Identifier: GPL-2.0
/*
 * mm/fork.c - the parts of kernel/fork.c that touch mm: mm_struct
 * lifetime (mm_alloc, mmput, mmdrop), fork's dup_mm/dup_mmap, and binding
 * a simulated task to an mm.
 *
 * mm_users counts the tasks using the address space (the last mmput
 * tears it down: exit_mmap); mm_count counts references to the struct
 * (mm_users together hold one; the last mmdrop frees the PGD and the
 * struct).
 */
#include "huge_mm.h"
#include "pagemap.h"
#include "rmap.h"

struct list_head sim_mm_list = LIST_HEAD_INIT(sim_mm_list);
static struct mm_struct *task_mm[SIM_MAX_TASKS];
static int next_mm_id;

static void fork_exec_reset(void)
{
	memset(task_mm, 0, sizeof(task_mm));
	next_mm_id = 0;
}

/* mm_alloc - see mm.h. */
struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm;
	struct page *pgd;

	sim_on_reset(fork_exec_reset);	/* idempotent */
	pgd = pagetable_alloc_level(PT_PGD);
	if (!pgd)
		return NULL;
	mm = sim_zalloc(sizeof(*mm));
	pgd->pt_mm = mm;
	mm->pgd = (pgd_t *)page_address(pgd);
	init_new_context(&mm->context, page_to_pfn(pgd));
	init_rwsem_class(&mm->mmap_lock, "mmap_lock");
	spin_lock_init_class(&mm->page_table_lock, "page_table_lock");
	INIT_LIST_HEAD(&mm->mmap);
	mm->mm_users.counter = 1;
	mm->mm_count.counter = 1;
	seqcount_init(&mm->write_protect_seq);
	mm->id = ++next_mm_id;
	list_add_tail(&mm->mm_list, &sim_mm_list);
	return mm;
}

void mmgrab(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_count);
}

/* __mmdrop - the struct goes: free the PGD, forget the TLB tag. */
static void __mmdrop(struct mm_struct *mm)
{
	struct page *pgd = pfn_to_page(mm->context.pgd_pfn);

	VM_BUG_ON(!list_empty(&mm->mmap));
	VM_BUG_ON(mm->pgtables_bytes.counter != 0);
	destroy_context(&mm->context);
	pagetable_free(pgd);
	mm->dead = true;
	list_del(&mm->mm_list);
}

void mmdrop(struct mm_struct *mm)
{
	if (atomic_dec_and_test(&mm->mm_count))
		__mmdrop(mm);
}

/* mmput - see mm.h. */
void mmput(struct mm_struct *mm)
{
	if (!atomic_dec_and_test(&mm->mm_users))
		return;
	exit_mmap(mm);
	mmdrop(mm);
}

/*
 * dup_mmap - copy @oldmm's VMAs and page tables into the new @mm.
 * Holds both mmap_locks for write (the child's nested). VM_DONTCOPY
 * VMAs are left out; VM_WIPEONFORK VMAs are copied empty (no anon_vma,
 * no pages). After the copy every CPU's TLB of the parent is flushed, so
 * no CPU keeps writing through a PTE fork write-protected.
 * Returns 0 or -ENOMEM (what was copied stays for exit_mmap to free).
 */
static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *mpnt, *tmp;
	int retval = 0;

	mmap_write_lock(oldmm);
	down_write_nested(&mm->mmap_lock, SINGLE_DEPTH_NESTING);
	mm->total_vm = oldmm->total_vm;
	mm->stack_vm = oldmm->stack_vm;
	vma_for_each(mpnt, oldmm) {
		if (mpnt->vm_flags & VM_DONTCOPY) {
			mm->total_vm -= vma_pages(mpnt);
			if (mpnt->vm_flags & VM_STACK)
				mm->stack_vm -= vma_pages(mpnt);
			continue;
		}
		tmp = vm_area_dup(mpnt);
		tmp->vm_mm = mm;
		if (tmp->vm_flags & VM_WIPEONFORK)
			tmp->anon_vma = NULL;
		else
			anon_vma_fork(tmp, mpnt);
		list_add_tail(&tmp->vm_list, &mm->mmap);
		mm->map_count++;
		if (tmp->vm_file)
			vma_link_file(tmp);	/* after mpnt, same pgoff */
		if (!(tmp->vm_flags & VM_WIPEONFORK))
			retval = copy_page_range(tmp, mpnt);
		if (retval)
			break;
	}
	flush_tlb_mm(&oldmm->context);
	up_write(&mm->mmap_lock);
	mmap_write_unlock(oldmm);
	return retval;
}

/* dup_mm - see mm.h. */
struct mm_struct *dup_mm(struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	mm->flags = oldmm->flags;
	if (dup_mmap(mm, oldmm)) {
		mmput(mm);
		return NULL;
	}
	return mm;
}

/* mm_task_bind - see mm.h. A yield point (switch_mm). */
void mm_task_bind(struct mm_struct *mm)
{
	int me = sim_task_id();

	VM_BUG_ON(me < 0);
	task_mm[me] = mm;
	if (mm)
		switch_mm(&mm->context);
}

struct mm_struct *mm_current(void)
{
	int me = sim_task_id();

	return me < 0 ? NULL : task_mm[me];
}
