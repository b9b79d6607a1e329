// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mmap.c - VMAs of private anonymous memory: lookup, mmap, munmap,
 * split, merge, and exit_mmap (kernel: mm/mmap.c, mm/vma.c).
 *
 * SIM: a sorted list of VMAs stands for the maple tree. Every function
 * here runs with mmap_lock held for write unless it says otherwise, so
 * the list itself needs no yield points.
 */
#include "huge_mm.h"
#include "pagemap.h"
#include "rmap.h"
#include "tlb.h"

/* vm_get_page_prot - the PTE protection of a private mapping: never
 * writable (COW: writes fault and make the PTE writable one by one). */
pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	unsigned long prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

	if (!(vm_flags & VM_ACCESS_FLAGS))
		return PAGE_NONE;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	if ((vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE))
		prot |= _PAGE_RW;
	return __pgprot(prot);
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = sim_zalloc(sizeof(*vma));

	vma->vm_mm = mm;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	INIT_LIST_HEAD(&vma->vm_list);
	INIT_LIST_HEAD(&vma->shared);
	return vma;
}

/* vm_area_dup - a copy of @orig, linked to nothing. */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = sim_zalloc(sizeof(*vma));

	*vma = *orig;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	INIT_LIST_HEAD(&vma->vm_list);
	INIT_LIST_HEAD(&vma->shared);	/* the caller links a file VMA */
	return vma;
}

void vm_area_free(struct vm_area_struct *vma)
{
	sim_free(vma);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	vma_for_each(vma, mm)
		if (vma->vm_end > addr)
			return vma;
	return NULL;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (vma && addr < vma->vm_start)
		return NULL;
	return vma;
}

static struct vm_area_struct *vma_prev(struct vm_area_struct *vma)
{
	if (vma->vm_list.prev == &vma->vm_mm->mmap)
		return NULL;
	return list_entry(vma->vm_list.prev, struct vm_area_struct, vm_list);
}

static struct vm_area_struct *vma_next(struct vm_area_struct *vma)
{
	if (vma->vm_list.next == &vma->vm_mm->mmap)
		return NULL;
	return list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
}

static void vm_stat_account(struct mm_struct *mm, unsigned long flags,
			    long npages)
{
	mm->total_vm += npages;
	if (flags & VM_STACK)
		mm->stack_vm += npages;
}

/* insert_vm_struct - see mm.h: keep the list sorted by vm_start. */
void insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = find_vma(mm, vma->vm_start);

	VM_BUG_ON(next && next->vm_start < vma->vm_end);
	list_add_tail(&vma->vm_list, next ? &next->vm_list : &mm->mmap);
	mm->map_count++;
}

/*
 * split_vma - see mm.h. Huge PMDs straddling @addr are split first; the
 * new VMA shares the anon_vmas. Returns 0.
 */
int split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below)
{
	struct vm_area_struct *new;

	VM_BUG_ON(addr <= vma->vm_start || addr >= vma->vm_end);
	vma_adjust_trans_huge(vma, addr, addr);
	new = vm_area_dup(vma);
	if (new_below) {
		new->vm_end = addr;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	}
	anon_vma_clone(new, vma);
	if (vma->vm_file)
		vma_link_file(new);
	/* vma_prepare .. vma_complete: @vma moves in the interval tree */
	if (vma->vm_file)
		i_mmap_lock_write(vma->vm_file->f_mapping);
	if (vma->anon_vma)
		anon_vma_lock_write(vma->anon_vma);
	if (new_below) {
		vma->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		vma->vm_start = addr;
	} else {
		vma->vm_end = addr;
	}
	if (vma->vm_file) {
		vma_file_update(vma);
		i_mmap_unlock_write(vma->vm_file->f_mapping);
	}
	if (vma->anon_vma) {
		anon_vma_interval_tree_update_vma(vma);
		anon_vma_unlock_write(vma->anon_vma);
	}
	insert_vm_struct(vma->vm_mm, new);
	return 0;
}

/* get_unmapped_area - see mm.h. mmap_lock held. */
unsigned long get_unmapped_area(struct mm_struct *mm,
				       unsigned long len)
{
	unsigned long align = len >= HPAGE_PMD_SIZE ? HPAGE_PMD_SIZE
						     : PAGE_SIZE;
	unsigned long addr = MMAP_BASE;
	struct vm_area_struct *vma;

	vma_for_each(vma, mm) {
		if (vma->vm_end <= addr)
			continue;
		if (vma->vm_start >= addr + len)
			break;
		addr = ALIGN(vma->vm_end, align);
	}
	if (addr + len > TASK_SIZE)
		return -ENOMEM;
	return addr;
}

/*
 * vma_merge_new_range - extend a compatible neighbour over [addr, end)
 * instead of making a new VMA. Returns it, or NULL.
 * SIM: only the VMA below is extended (the kernel also merges upwards).
 */
static struct vm_area_struct *vma_merge_new_range(struct mm_struct *mm,
						  unsigned long addr,
						  unsigned long end,
						  unsigned long vm_flags)
{
	struct vm_area_struct *prev = NULL, *vma;

	vma_for_each(vma, mm)
		if (vma->vm_end == addr)
			prev = vma;
	if (!prev || prev->vm_flags != vm_flags || prev->vm_file ||
	    prev->vm_pgoff + vma_pages(prev) != addr >> PAGE_SHIFT)
		return NULL;
	vma = vma_next(prev);
	if (vma && vma->vm_start < end)
		return NULL;
	/* vma_expand: the interval tree moves under the lock */
	if (prev->anon_vma)
		anon_vma_lock_write(prev->anon_vma);
	prev->vm_end = end;
	if (prev->anon_vma) {
		anon_vma_interval_tree_update_vma(prev);
		anon_vma_unlock_write(prev->anon_vma);
	}
	return prev;
}

/*
 * do_mmap - see mm.h. Private anonymous memory only (MAP_SHARED and file
 * mappings: -EINVAL). Returns the address or -errno.
 */
/*
 * Where a new mapping of @len goes: MAP_FIXED at @addr (whatever was
 * there is unmapped first), else get_unmapped_area(). An address or
 * -errno.
 */
static unsigned long mmap_region_addr(struct mm_struct *mm, unsigned long addr,
				      unsigned long len, unsigned long flags)
{
	if (flags & MAP_FIXED) {
		if (!IS_ALIGNED(addr, PAGE_SIZE) || addr + len > TASK_SIZE ||
		    addr < PAGE_SIZE)
			return -EINVAL;
		do_munmap(mm, addr, len);
		return addr;
	}
	return get_unmapped_area(mm, len);
}

/* PROT_* to VM_* (kernel: calc_vm_prot_bits; no pkeys) */
static inline unsigned long calc_vm_prot_bits(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) |
	       (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

unsigned long do_mmap(struct mm_struct *mm, unsigned long addr,
		      unsigned long len, unsigned long prot,
		      unsigned long flags, unsigned long pgoff)
{
	unsigned long vm_flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	struct vm_area_struct *vma;

	mmap_assert_write_locked(mm);
	if ((flags & MAP_SHARED) && (flags & MAP_ANONYMOUS))
		return do_mmap_file(mm, NULL, addr, len, prot, flags, 0);
	if (!len || (flags & MAP_SHARED) || !(flags & MAP_ANONYMOUS))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	addr = mmap_region_addr(mm, addr, len, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	vm_flags |= calc_vm_prot_bits(prot);
	if (flags & (MAP_GROWSDOWN | MAP_STACK))
		vm_flags |= VM_STACK;
	vm_stat_account(mm, vm_flags, len >> PAGE_SHIFT);
	if (vma_merge_new_range(mm, addr, addr + len, vm_flags))
		return addr;
	vma = vm_area_alloc(mm);
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_pgoff = addr >> PAGE_SHIFT;
	insert_vm_struct(mm, vma);
	return addr;
}

/*
 * do_mmap_file - mmap(2) of a tmpfs @file at page offset @pgoff, or with
 * @file NULL, MAP_SHARED|MAP_ANONYMOUS (shmem_zero_setup gives the VMA a
 * file of its own). MAP_SHARED: VM_SHARED|VM_MAYSHARE. The VMA goes on
 * the file's i_mmap. mmap_lock held for write. Returns the address or
 * -errno.
 */
unsigned long do_mmap_file(struct mm_struct *mm, struct file *file,
			   unsigned long addr, unsigned long len,
			   unsigned long prot, unsigned long flags,
			   unsigned long pgoff)
{
	unsigned long vm_flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	struct vm_area_struct *vma;

	mmap_assert_write_locked(mm);
	if (!len || !(flags & (MAP_SHARED | MAP_PRIVATE)) ||
	    (!file && !(flags & MAP_SHARED)))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	addr = mmap_region_addr(mm, addr, len, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	vm_flags |= calc_vm_prot_bits(prot);
	if (flags & MAP_SHARED)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	vma = vm_area_alloc(mm);
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_pgoff = pgoff;
	INIT_LIST_HEAD(&vma->shared);
	if (file) {
		vma->vm_file = file;
	} else if (shmem_zero_setup(vma)) {
		vm_area_free(vma);
		return -ENOMEM;
	}
	vm_stat_account(mm, vm_flags, len >> PAGE_SHIFT);
	insert_vm_struct(mm, vma);
	vma_link_file(vma);
	return addr;
}

/* remove_vma - a detached VMA goes away. */
static void remove_vma(struct vm_area_struct *vma)
{
	unlink_anon_vmas(vma);
	vm_area_free(vma);
}

/*
 * unmap_region - zap and free the tables of the detached VMAs on @list
 * (which spanned [start, end)), between @prev and @next (NULL: none).
 */
static void unmap_region(struct mm_struct *mm, struct list_head *list,
			 struct vm_area_struct *prev,
			 struct vm_area_struct *next)
{
	struct vm_area_struct *vma;
	unsigned long start, end;
	struct mmu_gather tlb;

	if (list_empty(list))
		return;
	vma = list_first_entry(list, struct vm_area_struct, vm_list);
	start = vma->vm_start;
	end = list_entry(list->prev, struct vm_area_struct, vm_list)->vm_end;
	tlb_gather_mmu(&tlb, mm);
	list_for_each_entry(vma, list, vm_list)
		unmap_page_range(&tlb, vma, vma->vm_start, vma->vm_end, NULL);
	/*
	 * free_pgtables(): unlink the anon_vmas before the tables go, under
	 * the anon_vma lock, so no rmap walk (migration) can still be
	 * looking at a table being freed.
	 */
	list_for_each_entry(vma, list, vm_list) {
		unlink_anon_vmas(vma);
		unlink_file_vma(vma);
	}
	free_pgd_range(&tlb, start, end, prev ? prev->vm_end : 0,
		       next ? next->vm_start : 0);
	tlb_finish_mmu(&tlb);
}

/*
 * do_munmap - see mm.h. (1) split the VMAs at @start and the end,
 * (2) detach the VMAs inside so no fault can find them, (3) zap and free
 * the tables (mmu_gather: flush before freeing), (4) free the VMAs.
 * Returns 0 or -EINVAL.
 */
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end = start + PAGE_ALIGN(len);
	struct vm_area_struct *vma, *next, *prev;
	struct list_head detached;

	mmap_assert_write_locked(mm);
	if (!IS_ALIGNED(start, PAGE_SIZE) || !len || end > TASK_SIZE ||
	    end < start)
		return -EINVAL;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return 0;
	if (start > vma->vm_start) {
		split_vma(vma, start, 0);
		vma = vma_next(vma);
	}
	next = find_vma(mm, end);
	if (next && next->vm_start < end)
		split_vma(next, end, 1);
	vma = find_vma(mm, start);	/* the split may have moved it */
	prev = vma_prev(vma);
	INIT_LIST_HEAD(&detached);
	while (vma && vma->vm_end <= end) {
		next = vma_next(vma);
		list_del(&vma->vm_list);
		list_add_tail(&vma->vm_list, &detached);
		mm->map_count--;
		vm_stat_account(mm, vma->vm_flags, -(long)vma_pages(vma));
		vma = next;
	}
	unmap_region(mm, &detached, prev, vma);
	list_for_each_entry_safe(vma, next, &detached, vm_list)
		remove_vma(vma);
	return 0;
}

unsigned long vm_mmap(struct mm_struct *mm, unsigned long addr,
		      unsigned long len, unsigned long prot,
		      unsigned long flags, unsigned long pgoff)
{
	unsigned long ret;

	mmap_write_lock(mm);
	ret = do_mmap(mm, addr, len, prot, flags, pgoff);
	mmap_write_unlock(mm);
	return ret;
}

int vm_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	int ret;

	mmap_write_lock(mm);
	ret = do_munmap(mm, start, len);
	mmap_write_unlock(mm);
	return ret;
}

/*
 * exit_mmap - see mm.h. The last user is gone; nobody can fault, but the
 * hardware walker of a CPU that ran the mm and GUP-fast still could,
 * hence the mmu_gather. Takes mmap_lock for write.
 */
void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;
	struct mmu_gather tlb;

	mmap_write_lock(mm);
	if (list_empty(&mm->mmap)) {
		mmap_write_unlock(mm);
		return;
	}
	tlb_gather_mmu_fullmm(&tlb, mm);
	vma_for_each(vma, mm)
		unmap_page_range(&tlb, vma, vma->vm_start, vma->vm_end, NULL);
	/* free_pgtables(): anon_vmas unlinked before the tables go. */
	vma_for_each(vma, mm) {
		unlink_anon_vmas(vma);
		unlink_file_vma(vma);
	}
	free_pgd_range(&tlb, list_first_entry(&mm->mmap, struct vm_area_struct,
					      vm_list)->vm_start,
		       list_entry(mm->mmap.prev, struct vm_area_struct,
				  vm_list)->vm_end,
		       0, 0);
	tlb_finish_mmu(&tlb);
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		list_del(&vma->vm_list);
		remove_vma(vma);
	}
	mm->map_count = 0;
	mm->total_vm = mm->stack_vm = 0;
	mmap_write_unlock(mm);
}
