/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/migrate.h - page migration of anonymous folios (small and
 * PMD-mapped THP), NUMA balancing, compaction, exec's stack shift and
 * mremap (kernel: include/linux/migrate.h, mm/migrate.c, mm/mempolicy.c,
 * mm/compaction.c, fs/exec.c, mm/mremap.c).
 *
 * The header is the API, one line of contract per function; details above
 * each function in mm/migrate.c, mm/numa.c, mm/compaction.c, mm/exec.c,
 * mm/mremap.c. docs/migration.md describes the protocol as a whole.
 */
#ifndef MMSIM_MIGRATE_H
#define MMSIM_MIGRATE_H

#include "mm.h"
#include "rmap.h"

#ifndef LIST_HEAD
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
#endif

struct vm_fault;

/* Why a folio migrates (the kernel's enum migrate_reason, a subset). */
enum migrate_reason {
	MR_COMPACTION,
	MR_SYSCALL,		/* move_pages(2) */
	MR_NUMA_MISPLACED,
	MR_TYPES
};

/* MIGRATE_ASYNC never sleeps on a folio lock; MIGRATE_SYNC does. */
enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC };

/*
 * Bits the kernel sets on exec's temporary stack until it sits in its final
 * place (include/linux/mm.h: VM_RAND_READ | VM_SEQ_READ). Migration skips
 * such VMAs (vma_is_temporary_stack): seed 002.
 */
#define VM_SEQ_READ		0x00008000UL
#define VM_RAND_READ		0x00010000UL
#define VM_STACK_INCOMPLETE_SETUP (VM_RAND_READ | VM_SEQ_READ)

static inline bool vma_is_temporary_stack(const struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return false;
	return (vma->vm_flags & VM_STACK_INCOMPLETE_SETUP) ==
	       VM_STACK_INCOMPLETE_SETUP;
}

/* ---- the migration core (mm/migrate.c) ---- */

/*
 * folio_isolate_lru - take @folio off the (SIM: notional) LRU for
 * migration: one reference and PG_isolated. False if someone else (another
 * migration) has it isolated or it is being freed.
 */
bool folio_isolate_lru(struct folio *folio);
/* folio_putback_lru - undo folio_isolate_lru (drops its reference). */
void folio_putback_lru(struct folio *folio);
/* folio_migrate_mapping - the point of no return of a migration (count
 * frozen at 1 + @extra_count); -EAGAIN if someone else holds @src. */
int folio_migrate_mapping(struct folio *dst, struct folio *src,
			  int extra_count);
/* folio_migrate_flags - the page state that follows the data. */
void folio_migrate_flags(struct folio *dst, struct folio *src);
/* putback_movable_pages - folio_putback_lru every folio on @l. */
void putback_movable_pages(struct list_head *l);

/*
 * migrate_pages - migrate every isolated folio on @from (linked through
 * folio->lru) to node @node. Migrated folios leave the list and are freed;
 * the ones that failed stay on it for putback_movable_pages(). Returns the
 * number of folios that were not migrated, or -ENOMEM. No locks held
 * (NUMA hinting faults hold mmap_lock for read: that is allowed).
 */
int migrate_pages(struct list_head *from, int node, enum migrate_mode mode,
		  enum migrate_reason reason, unsigned int *nr_succeeded);

/*
 * try_to_migrate - replace every mapping of @folio (locked) by migration
 * entries, through rmap_walk. The folio may stay mapped (pinned page,
 * raced fault): the caller checks folio_mapped(). @flags: TTU_BATCH_FLUSH
 * leaves the PTEs' flush to the caller's try_to_unmap_flush() (rmap.h).
 */
void try_to_migrate(struct folio *folio, enum ttu_flags flags);
/*
 * remove_migration_ptes - replace the migration entries pointing at @src
 * by mappings of @dst (src == dst: migration failed, restore). Both
 * locked. @flags: RMP_LOCKED, the caller holds the anon_vma lock;
 * RMP_USE_SHARED_ZEROPAGE (a split anon folio, src == dst), a page that
 * holds only zeros is mapped as the shared zero page instead.
 */
enum rmp_flags {
	RMP_LOCKED		= 1 << 0,
	RMP_USE_SHARED_ZEROPAGE	= 1 << 1,
};
void remove_migration_ptes(struct folio *src, struct folio *dst, int flags);
/*
 * folio_get_anon_vma - a reference on @folio's anon_vma, or NULL if it is
 * not mapped any more. Keeps the anon_vma alive while the folio's
 * mappings are migration entries (mapcount 0).
 */
struct anon_vma *folio_get_anon_vma(struct folio *folio);

/* PMD migration entries (mm/migrate.c; kernel: mm/huge_memory.c). */
struct page_vma_mapped_walk;
/*
 * set_pmd_migration_entry - the huge PMD at @pmd (lock held) mapping
 * @folio becomes a migration entry. 0, or -EBUSY (pinned: PMD restored).
 */
int set_pmd_migration_entry(struct vm_area_struct *vma, unsigned long addr,
			    pmd_t *pmd, struct folio *folio);
/* remove_migration_pmd - the entry at @pmd (lock held) maps @new. */
void remove_migration_pmd(struct vm_area_struct *vma, unsigned long addr,
			  pmd_t *pmd, pmd_t pmdval, struct folio *new);
/*
 * Hooks for mm/huge_memory.c: a split of a PMD migration entry fills the
 * deposited table with PTE migration entries; fork copies the entry.
 * PMD lock(s) held.
 */
void __split_huge_pmd_migration_entry(struct vm_area_struct *vma,
				      pmd_t *pmd, unsigned long haddr);
void copy_huge_pmd_migration_entry(struct mm_struct *dst_mm,
				   struct mm_struct *src_mm, pmd_t *dst_pmd,
				   pmd_t *src_pmd, pmd_t pmd,
				   unsigned long addr,
				   struct vm_area_struct *src_vma,
				   pgtable_t pgtable);

/* Base pages migrated in this execution (all paths). */
unsigned long migrate_nr_succeeded(void);
void migrate_account_success(unsigned long nr_pages);

/* ---- operations (the scenario runner's entry points) ---- */

/*
 * do_move_pages - move_pages(2) of every page of [start, start +
 * nr_pages * PAGE_SIZE) of @mm to @node. Returns the number of base pages
 * now on @node that were moved, or -errno (-EINVAL: bad node).
 */
long do_move_pages(struct mm_struct *mm, unsigned long start,
		   unsigned long nr_pages, int node);

/* ---- NUMA balancing (mm/numa.c) ---- */

/* Which THP NUMA migration the model runs (config thp_numa=). */
enum thp_numa_mode {
	THP_NUMA_CURRENT,	/* generic migration, PMD migration entries */
	THP_NUMA_LEGACY,	/* migrate_misplaced_transhuge_page (< 5.13) */
};
extern enum thp_numa_mode thp_numa_mode;

/*
 * numa_scan_range - task_numa_work for [start, start+len) of @mm: under
 * mmap_lock for read, change_prot_numa makes the entries PROTNONE.
 * Returns base pages changed.
 */
int numa_scan_range(struct mm_struct *mm, unsigned long start,
		    unsigned long len);
/*
 * numa_migrate_range - scan, then a NUMA hinting fault on every page of the
 * range as if taken by a CPU on @node: misplaced folios migrate there.
 * Returns the number of base pages migrated, or -errno.
 */
int numa_migrate_range(struct mm_struct *mm, unsigned long start,
		       unsigned long len, int node);
/* The hinting-fault handlers (the core's fault path calls them). */
vm_fault_t do_numa_page(struct vm_fault *vmf);
vm_fault_t do_huge_pmd_numa_page(struct vm_fault *vmf);
/*
 * numa_fault_target_node - the node hinting faults migrate to: the
 * faulting CPU's, unless numa_migrate_range overrides it.
 */
int numa_fault_target_node(void);

/* ---- compaction (mm/compaction.c) ---- */

/*
 * compact_memory - one compaction pass over node @node (-1: every node):
 * every movable anon folio found by the physical scan migrates to another
 * node. Returns the number of base pages migrated.
 */
int compact_memory(int node);

/* ---- exec (mm/exec.c) ---- */

/*
 * do_exec_mm - exec's mm part: a new mm with a temporary stack near the
 * top holding @arg_bytes of arguments, shifted down into place
 * (setup_arg_pages). Returns the new mm (the caller rebinds its tasks and
 * drops @old), or NULL. The running task is bound to the new mm from
 * exec_mmap on.
 */
struct mm_struct *do_exec_mm(struct mm_struct *old, unsigned long arg_bytes);
/* SIM: the temporary stack ends here (STACK_TOP_MAX). */
#define EXEC_STACK_TOP_MAX	(TASK_SIZE & PMD_MASK)
/* Where do_exec_mm puts the final stack (its top, exclusive): 1 MiB
 * lower, in the same PTE table (arguments up to 1 MiB). */
#define EXEC_STACK_TOP		(EXEC_STACK_TOP_MAX - 0x100000UL)
/* The value exec writes at byte offset @off of the arguments. */
static inline uint64_t exec_arg_value(unsigned long off)
{
	return 0xa9a9000000000000ULL | off;
}
/* The mm an exec in progress is building (NULL: none), for observers. */
extern struct mm_struct *exec_mm_in_progress;

/* ---- mremap (mm/mremap.c) ---- */

#define MREMAP_MAYMOVE		1
#define MREMAP_FIXED		2
#define MREMAP_DONTUNMAP	4

/*
 * do_mremap - mremap(2) of [addr, addr+old_len) to @new_len (at @new_addr
 * with MREMAP_FIXED). Takes mmap_lock for write. Returns the new address
 * or -errno.
 */
unsigned long do_mremap(struct mm_struct *mm, unsigned long addr,
			unsigned long old_len, unsigned long new_len,
			unsigned long flags, unsigned long new_addr);
/*
 * move_page_tables - move the entries of [old_addr, +len) of @vma to
 * @new_addr of @new_vma. Returns bytes moved. mmap_lock held for write.
 * @need_rmap_locks: an rmap walk could visit @new_vma before @vma.
 */
unsigned long move_page_tables(struct vm_area_struct *vma,
			       unsigned long old_addr,
			       struct vm_area_struct *new_vma,
			       unsigned long new_addr, unsigned long len,
			       bool need_rmap_locks);

/* ---- checks (check/migration.c) ---- */

/*
 * check_no_migration_entries - no live mm holds a migration entry (PTE or
 * PMD) once every migration has finished; each left behind is reported
 * with sim_violation(). Returns the number found. Outside tasks or from a
 * task that knows migrations are over.
 */
int check_no_migration_entries(void);

/* move_to_new_folio's refcount check, copy and commit (mm/migrate.c). */
int migrate_copy_and_map(struct folio *dst, struct folio *src);

#endif /* MMSIM_MIGRATE_H */
