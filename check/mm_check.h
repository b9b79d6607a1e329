/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check/mm_check.h - the second line of oracles for mm/: structural
 * invariants of page tables, folios and rmap (check/invariants.c) and the
 * lock-order checker (check/lockdep.c).
 */
#ifndef CHECK_MM_CHECK_H
#define CHECK_MM_CHECK_H

#include "mm.h"
#include "check/pt_scan.h"
#include "swapops.h"

/* mm_check_invariants() flags */
#define MM_INV_ALL_EXITED	0x1	/* every mm is gone: check for leaks */

/*
 * mm_check_invariants - walk every live mm's page tables and every
 * allocated frame; check the rules listed in check/invariants.c. At the
 * end of an execution or at a quiescent point (no task inside mm code).
 * Returns true if all hold. The first broken rule is reported through
 * sim_violation() and, if @res is given and still SIM_OK, written into
 * it (outcome SIM_VIOLATION, msg).
 */
bool mm_check_invariants(unsigned int flags, struct sim_result *res);

/*
 * mm_check_migration_entries - check_no_migration_entries() (migrate.h),
 * answered from the last mm_check_invariants() walk, which visits every
 * entry that check reads and notes the migration entries it meets (same
 * walk order, same conditions: live mms, present PGD and PUD entries).
 * For the end of an execution, right after mm_check_invariants() with
 * nothing run in between: the tables are walked once for both checks.
 * The first entry noted is reported with sim_violation(), worded as
 * check_no_migration_entries() words it; returns the number noted.
 */
int mm_check_migration_entries(void);
/* The invariant walk's side of it (check/invariants.c). */
void mm_note_migration_reset(void);
void mm_note_migration_entry(struct mm_struct *mm, unsigned long addr,
			     bool pmd, unsigned long val);

/*
 * mm_peek_user_word - what a load of the word at @va (8-byte aligned) by
 * @c->mm's process would read, from the page tables alone
 * (check/readback.c says which mappings that covers): true with *@val
 * set, or false when the tables do not decide it. No yield point, no
 * fault, no A/D bit. @c (MM_PEEK_INIT(mm)) remembers the VMA and PMD of
 * the last word, so a run of words costs a PTE read each: nothing may
 * change the tables between calls. For the end of an execution (the
 * runner's read-back, R9).
 */
struct mm_peek {
	struct mm_struct *mm;
	/* a cursor: what the walk of the last word found */
	struct vm_area_struct *vma;
	unsigned long pmd_lo;	/* the 2 MiB block of pmd/state; 1: none */
	int state;		/* that block's PMD: MM_PEEK_PMD_* */
	pmd_t pmd;
	/* set by the caller: answer a private file VMA's word too (its
	 * COW copy, present or on swap; a hole is not answered) */
	bool file_private;
	/* where the last answer was read: MM_PEEK_SRC_* */
	int src;
	swp_entry_t swp;	/* MM_PEEK_SWAP: the slot */
};
enum { MM_PEEK_PMD_HOLE, MM_PEEK_PMD_HUGE, MM_PEEK_PMD_TABLE,
       MM_PEEK_PMD_UNDECIDED };
enum { MM_PEEK_SRC_TABLES, MM_PEEK_SRC_DEVICE, MM_PEEK_SRC_SWAP_CACHE,
       MM_PEEK_SRC_SWAP_SLOT, MM_PEEK_SRC_CACHE };
#define MM_PEEK_INIT(m) ((struct mm_peek){ .mm = (m), .pmd_lo = 1 })
bool mm_peek_user_word(struct mm_peek *c, unsigned long va, uint64_t *val);
/*
 * The same for the page of @va: MM_PEEK_FRAME with *@pfn the frame the
 * word is read from (mapped, a device page, the swap cache's page),
 * MM_PEEK_ZERO (a hole: it reads zero), MM_PEEK_SWAP (the swap slot
 * c->swp holds it: mm_peek_word) or MM_PEEK_UNDECIDED. c->src says
 * where.
 */
enum { MM_PEEK_UNDECIDED, MM_PEEK_ZERO, MM_PEEK_FRAME, MM_PEEK_SWAP };
int mm_peek_user_pfn(struct mm_peek *c, unsigned long va, unsigned long *pfn);
/*
 * mm_peek_file_pfn - the same for page @index of the tmpfs file
 * @mapping, from its page cache slot: the folio's page, a hole (zero:
 * shmem would allocate a zeroed folio), or the swap entry that stands
 * for the page. No yield point; for the end of an execution.
 */
struct address_space;
int mm_peek_file_pfn(struct mm_peek *c, struct address_space *mapping,
		     unsigned long index, unsigned long *pfn);
/* Word @idx of the page an answer @got (with @pfn) names; zero: ZERO. */
uint64_t mm_peek_word(const struct mm_peek *c, int got, unsigned long pfn,
		      unsigned idx);

/*
 * References the invariant checker cannot see in page tables (GUP pins,
 * references held by a scenario): a hook returning how many @folio has.
 * NULL (the default): none. GUP registers one.
 */
typedef long (*mm_extra_refs_fn)(struct folio *folio, void *arg);
void mm_invariants_set_extra_refs(mm_extra_refs_fn fn, void *arg);

/*
 * mm_lockdep_install - enforce the lock-order tree written at the top of
 * mm/rmap.c (sim_set_lockdep_hook). Idempotent; stays installed.
 */
void mm_lockdep_install(void);
/* The tree position of lock class @class: depth, or -1 if unknown. */
int mm_lockdep_depth(const char *class);

#endif /* CHECK_MM_CHECK_H */
