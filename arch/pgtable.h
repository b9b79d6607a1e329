/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch/pgtable.h - x86-64-like 4-level page tables living in frames.
 *
 * 48-bit virtual addresses, four levels (PGD, PUD, PMD, PTE; no P4D), 512
 * 8-byte entries per table; every table is a frame of the simulated
 * physical memory (struct page has PG_table and ->pt_level).
 *
 * Entry layout (bit: meaning), as on x86-64:
 *	0 present  1 RW  2 user  3 PWT  4 PCD  5 accessed  6 dirty
 *	7 PSE (huge leaf at PMD level)  8 global, or PROTNONE when present
 *	is clear  9 special  10 uffd-wp  11 soft-dirty  12..51 pfn  63 NX
 * pte_present() is true for PROTNONE entries (NUMA hinting), as on x86.
 * Non-present, non-zero entries are swap entries: see include/swapops.h.
 *
 * Value helpers are pure functions. Entry accessors (ptep_get, set_pte_at,
 * ptep_get_and_clear, ...) are yield points labelled with the kernel
 * function's name, recorded at the caller's line; each is one atomic access
 * to the frame memory, so the hardware walker (arch/mmu.c) and other CPUs
 * see them in a single order. "_l" variants take a race-window label.
 */
#ifndef ARCH_PGTABLE_H
#define ARCH_PGTABLE_H

#include "arch/physmem.h"
#include "mmdebug.h"
#include "page-flags.h"
#include "sim/atomic.h"
#include "sim/sim.h"

struct mm_struct;
struct vm_area_struct;

/* ---- geometry ---- */

#define PTRS_PER_PTE 512
#define PTRS_PER_PMD 512
#define PTRS_PER_PUD 512
#define PTRS_PER_PGD 512
#define PMD_SHIFT 21
#define PUD_SHIFT 30
#define PGDIR_SHIFT 39
#define PMD_SIZE (1UL << PMD_SHIFT)
#define PMD_MASK (~(PMD_SIZE - 1))
#define PUD_SIZE (1UL << PUD_SHIFT)
#define PUD_MASK (~(PUD_SIZE - 1))
#define PGDIR_SIZE (1UL << PGDIR_SHIFT)
#define PGDIR_MASK (~(PGDIR_SIZE - 1))
#define HPAGE_PMD_SIZE PMD_SIZE
#define HPAGE_PMD_MASK PMD_MASK
#define TASK_SIZE ((1UL << 47) - PAGE_SIZE)

static inline unsigned long pgd_index(unsigned long va)
{
	return (va >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1);
}

static inline unsigned long pud_index(unsigned long va)
{
	return (va >> PUD_SHIFT) & (PTRS_PER_PUD - 1);
}

static inline unsigned long pmd_index(unsigned long va)
{
	return (va >> PMD_SHIFT) & (PTRS_PER_PMD - 1);
}

static inline unsigned long pte_index(unsigned long va)
{
	return (va >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}

/*
 * pt_next_used - the first index >= @i of a non-zero entry of the table
 * (512 entries, any level) at host address @table, or 512 if none. For
 * checkers that walk whole tables: they pay for what is mapped, eight
 * empty entries per step. No yield point; not for the model's own walks.
 */
static inline int pt_next_used(const void *table, int i)
{
	const unsigned long *t = table;

#ifdef SIM_STRESS
#define PT_LD(k) __atomic_load_n(&t[k], __ATOMIC_RELAXED)
#else
#define PT_LD(k) (t[k])
#endif
	for (; i < 512 && (i & 7); i++)
		if (PT_LD(i))
			return i;
	for (; i < 512; i += 8)
		if (PT_LD(i) | PT_LD(i + 1) | PT_LD(i + 2) | PT_LD(i + 3) |
		    PT_LD(i + 4) | PT_LD(i + 5) | PT_LD(i + 6) | PT_LD(i + 7))
			break;
	for (; i < 512; i++)
		if (PT_LD(i))
			return i;
#undef PT_LD
	return 512;
}

/* Levels of page-table pages (page->pt_level). */
enum pt_level { PT_NONE, PT_PTE, PT_PMD, PT_PUD, PT_PGD };

/* ---- bits ---- */

#define _PAGE_BIT_PRESENT 0
#define _PAGE_BIT_RW 1
#define _PAGE_BIT_USER 2
#define _PAGE_BIT_PWT 3
#define _PAGE_BIT_PCD 4
#define _PAGE_BIT_ACCESSED 5
#define _PAGE_BIT_DIRTY 6
#define _PAGE_BIT_PSE 7
#define _PAGE_BIT_GLOBAL 8
#define _PAGE_BIT_SPECIAL 9
#define _PAGE_BIT_UFFD_WP 10
#define _PAGE_BIT_SOFT_DIRTY 11
#define _PAGE_BIT_NX 63
#define _PAGE_BIT_PROTNONE _PAGE_BIT_GLOBAL

#define _PAGE_PRESENT (1UL << _PAGE_BIT_PRESENT)
#define _PAGE_RW (1UL << _PAGE_BIT_RW)
#define _PAGE_USER (1UL << _PAGE_BIT_USER)
#define _PAGE_PWT (1UL << _PAGE_BIT_PWT)
#define _PAGE_PCD (1UL << _PAGE_BIT_PCD)
#define _PAGE_ACCESSED (1UL << _PAGE_BIT_ACCESSED)
#define _PAGE_DIRTY (1UL << _PAGE_BIT_DIRTY)
#define _PAGE_PSE (1UL << _PAGE_BIT_PSE)
#define _PAGE_GLOBAL (1UL << _PAGE_BIT_GLOBAL)
#define _PAGE_SPECIAL (1UL << _PAGE_BIT_SPECIAL)
#define _PAGE_UFFD_WP (1UL << _PAGE_BIT_UFFD_WP)
#define _PAGE_SOFT_DIRTY (1UL << _PAGE_BIT_SOFT_DIRTY)
#define _PAGE_NX (1UL << _PAGE_BIT_NX)
#define _PAGE_PROTNONE (1UL << _PAGE_BIT_PROTNONE)

#define PTE_PFN_MASK (((1UL << 52) - 1) & ~((1UL << PAGE_SHIFT) - 1))
#define PTE_FLAGS_MASK (~PTE_PFN_MASK)
/* Bits pte_modify() keeps; the rest come from the new protection. */
#define _PAGE_CHG_MASK                                          \
	(PTE_PFN_MASK | _PAGE_PCD | _PAGE_PWT | _PAGE_SPECIAL | \
	 _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_SOFT_DIRTY | _PAGE_UFFD_WP)
#define _HPAGE_CHG_MASK (_PAGE_CHG_MASK | _PAGE_PSE)
/* A non-leaf entry: the kernel's _PAGE_TABLE. */
#define _PAGE_TABLE \
	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)

typedef struct {
	unsigned long pgprot;
} pgprot_t;

#define __pgprot(x) ((pgprot_t){ (x) })
#define pgprot_val(p) ((p).pgprot)

#define PAGE_NONE __pgprot(_PAGE_PROTNONE | _PAGE_ACCESSED)
#define PAGE_SHARED                                                       \
	__pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
		 _PAGE_NX)
#define PAGE_COPY \
	__pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_READONLY PAGE_COPY

/* ---- entry types ---- */

typedef struct {
	unsigned long pte;
} pte_t;
typedef struct {
	unsigned long pmd;
} pmd_t;
typedef struct {
	unsigned long pud;
} pud_t;
typedef struct {
	unsigned long pgd;
} pgd_t;

#define __pte(x) ((pte_t){ (x) })
#define __pmd(x) ((pmd_t){ (x) })
#define __pud(x) ((pud_t){ (x) })
#define __pgd(x) ((pgd_t){ (x) })
#define pte_val(x) ((x).pte)
#define pmd_val(x) ((x).pmd)
#define pud_val(x) ((x).pud)
#define pgd_val(x) ((x).pgd)

/* ---- PTE values ---- */

static inline unsigned long pte_flags(pte_t pte)
{
	return pte.pte & PTE_FLAGS_MASK;
}

static inline pte_t pte_set_flags(pte_t pte, unsigned long set)
{
	return __pte(pte.pte | set);
}

static inline pte_t pte_clear_flags(pte_t pte, unsigned long clear)
{
	return __pte(pte.pte & ~clear);
}

static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte((pfn << PAGE_SHIFT) | pgprot_val(prot));
}

static inline unsigned long pte_pfn(pte_t pte)
{
	return (pte.pte & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline struct page *pte_page(pte_t pte)
{
	return pfn_to_page(pte_pfn(pte));
}

static inline pgprot_t pte_pgprot(pte_t pte)
{
	return __pgprot(pte_flags(pte));
}

static inline bool pte_none(pte_t pte)
{
	return pte.pte == 0;
}

/* Present for the kernel: the hardware bit, or PROTNONE (NUMA hinting). */
static inline bool pte_present(pte_t pte)
{
	return pte.pte & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

static inline bool pte_protnone(pte_t pte)
{
	return (pte.pte & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}

static inline bool pte_same(pte_t a, pte_t b)
{
	return a.pte == b.pte;
}

static inline bool pte_write(pte_t pte)
{
	return pte.pte & _PAGE_RW;
}

static inline bool pte_dirty(pte_t pte)
{
	return pte.pte & _PAGE_DIRTY;
}

static inline bool pte_young(pte_t pte)
{
	return pte.pte & _PAGE_ACCESSED;
}

static inline bool pte_special(pte_t pte)
{
	return pte.pte & _PAGE_SPECIAL;
}

static inline bool pte_soft_dirty(pte_t pte)
{
	return pte.pte & _PAGE_SOFT_DIRTY;
}

static inline bool pte_uffd_wp(pte_t pte)
{
	return pte.pte & _PAGE_UFFD_WP;
}

static inline bool pte_huge(pte_t pte)
{
	return pte.pte & _PAGE_PSE;
}

static inline pte_t pte_mkwrite_novma(pte_t pte)
{
	return pte_set_flags(pte, _PAGE_RW);
}

/* The vma argument (shadow stacks on x86) is unused here. */
static inline pte_t pte_mkwrite(pte_t pte, struct vm_area_struct *vma)
{
	return pte_mkwrite_novma(pte);
}

static inline pte_t pte_wrprotect(pte_t pte)
{
	return pte_clear_flags(pte, _PAGE_RW);
}

/* As on x86, making a PTE dirty makes it soft-dirty too. */
static inline pte_t pte_mkdirty(pte_t pte)
{
	return pte_set_flags(pte, _PAGE_DIRTY | _PAGE_SOFT_DIRTY);
}

static inline pte_t pte_mkclean(pte_t pte)
{
	return pte_clear_flags(pte, _PAGE_DIRTY);
}

static inline pte_t pte_mkyoung(pte_t pte)
{
	return pte_set_flags(pte, _PAGE_ACCESSED);
}

static inline pte_t pte_mkold(pte_t pte)
{
	return pte_clear_flags(pte, _PAGE_ACCESSED);
}

static inline pte_t pte_mkspecial(pte_t pte)
{
	return pte_set_flags(pte, _PAGE_SPECIAL);
}

static inline pte_t pte_mkhuge(pte_t pte)
{
	return pte_set_flags(pte, _PAGE_PSE);
}

static inline pte_t pte_mksoft_dirty(pte_t pte)
{
	return pte_set_flags(pte, _PAGE_SOFT_DIRTY);
}

static inline pte_t pte_clear_soft_dirty(pte_t pte)
{
	return pte_clear_flags(pte, _PAGE_SOFT_DIRTY);
}

static inline pte_t pte_mkuffd_wp(pte_t pte)
{
	return pte_wrprotect(pte_set_flags(pte, _PAGE_UFFD_WP));
}

static inline pte_t pte_clear_uffd_wp(pte_t pte)
{
	return pte_clear_flags(pte, _PAGE_UFFD_WP);
}

/* pte_modify - keep pfn, A/D, soft-dirty; take the rest from @newprot. */
static inline pte_t pte_modify(pte_t pte, pgprot_t newprot)
{
	return __pte((pte.pte & _PAGE_CHG_MASK) |
		     (pgprot_val(newprot) & ~_PAGE_CHG_MASK));
}

/* ---- PMD values ---- */

static inline unsigned long pmd_flags(pmd_t pmd)
{
	return pmd.pmd & PTE_FLAGS_MASK;
}

static inline pmd_t pmd_set_flags(pmd_t pmd, unsigned long set)
{
	return __pmd(pmd.pmd | set);
}

static inline pmd_t pmd_clear_flags(pmd_t pmd, unsigned long clear)
{
	return __pmd(pmd.pmd & ~clear);
}

static inline pmd_t pfn_pmd(unsigned long pfn, pgprot_t prot)
{
	return __pmd((pfn << PAGE_SHIFT) | pgprot_val(prot));
}

static inline unsigned long pmd_pfn(pmd_t pmd)
{
	return (pmd.pmd & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline struct page *pmd_page(pmd_t pmd)
{
	return pfn_to_page(pmd_pfn(pmd));
}

static inline bool pmd_none(pmd_t pmd)
{
	return pmd.pmd == 0;
}

/*
 * As on x86, PSE counts as present: pmdp_invalidate() clears the present
 * bit of a huge PMD during a split and the PMD must still look present.
 */
static inline bool pmd_present(pmd_t pmd)
{
	return pmd.pmd & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE);
}

static inline bool pmd_protnone(pmd_t pmd)
{
	return (pmd.pmd & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}

/* A huge (leaf) PMD, present or invalidated; never a swap PMD. */
static inline bool pmd_trans_huge(pmd_t pmd)
{
	return pmd.pmd & _PAGE_PSE;
}

static inline bool pmd_leaf(pmd_t pmd)
{
	return pmd_trans_huge(pmd);
}

/* A present PMD that points to a PTE table but is malformed. */
static inline bool pmd_bad(pmd_t pmd)
{
	return (pmd_flags(pmd) & ~(_PAGE_USER | _PAGE_ACCESSED |
				   _PAGE_DIRTY)) != (_PAGE_PRESENT | _PAGE_RW);
}

static inline bool pmd_same(pmd_t a, pmd_t b)
{
	return a.pmd == b.pmd;
}

static inline bool pmd_write(pmd_t pmd)
{
	return pmd.pmd & _PAGE_RW;
}

static inline bool pmd_dirty(pmd_t pmd)
{
	return pmd.pmd & _PAGE_DIRTY;
}

static inline bool pmd_young(pmd_t pmd)
{
	return pmd.pmd & _PAGE_ACCESSED;
}

static inline bool pmd_soft_dirty(pmd_t pmd)
{
	return pmd.pmd & _PAGE_SOFT_DIRTY;
}

static inline pmd_t pmd_mkwrite_novma(pmd_t pmd)
{
	return pmd_set_flags(pmd, _PAGE_RW);
}

static inline pmd_t pmd_mkwrite(pmd_t pmd, struct vm_area_struct *vma)
{
	return pmd_mkwrite_novma(pmd);
}

static inline pmd_t pmd_wrprotect(pmd_t pmd)
{
	return pmd_clear_flags(pmd, _PAGE_RW);
}

static inline pmd_t pmd_mkdirty(pmd_t pmd)
{
	return pmd_set_flags(pmd, _PAGE_DIRTY | _PAGE_SOFT_DIRTY);
}

static inline pmd_t pmd_mkclean(pmd_t pmd)
{
	return pmd_clear_flags(pmd, _PAGE_DIRTY);
}

static inline pmd_t pmd_mkyoung(pmd_t pmd)
{
	return pmd_set_flags(pmd, _PAGE_ACCESSED);
}

static inline pmd_t pmd_mkold(pmd_t pmd)
{
	return pmd_clear_flags(pmd, _PAGE_ACCESSED);
}

static inline pmd_t pmd_mkhuge(pmd_t pmd)
{
	return pmd_set_flags(pmd, _PAGE_PSE);
}

static inline pmd_t pmd_mksoft_dirty(pmd_t pmd)
{
	return pmd_set_flags(pmd, _PAGE_SOFT_DIRTY);
}

static inline pmd_t pmd_clear_soft_dirty(pmd_t pmd)
{
	return pmd_clear_flags(pmd, _PAGE_SOFT_DIRTY);
}

/* pmd_mkinvalid - not present for the hardware, still pmd_present(). */
static inline pmd_t pmd_mkinvalid(pmd_t pmd)
{
	return pmd_clear_flags(pmd, _PAGE_PRESENT | _PAGE_PROTNONE);
}

static inline pmd_t pmd_modify(pmd_t pmd, pgprot_t newprot)
{
	return __pmd((pmd.pmd & _HPAGE_CHG_MASK) |
		     (pgprot_val(newprot) & ~_HPAGE_CHG_MASK));
}

/* A non-leaf PMD pointing to the PTE table in frame @pfn. */
static inline pmd_t pmd_mktable(unsigned long pfn)
{
	return __pmd((pfn << PAGE_SHIFT) | _PAGE_TABLE);
}

/* ---- PUD and PGD values (non-leaf only: no 1 GiB pages) ---- */

static inline bool pud_none(pud_t pud)
{
	return pud.pud == 0;
}

static inline bool pud_present(pud_t pud)
{
	return pud.pud & _PAGE_PRESENT;
}

static inline unsigned long pud_pfn(pud_t pud)
{
	return (pud.pud & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline struct page *pud_page(pud_t pud)
{
	return pfn_to_page(pud_pfn(pud));
}

static inline pud_t pud_mktable(unsigned long pfn)
{
	return __pud((pfn << PAGE_SHIFT) | _PAGE_TABLE);
}

static inline bool pgd_none(pgd_t pgd)
{
	return pgd.pgd == 0;
}

static inline bool pgd_present(pgd_t pgd)
{
	return pgd.pgd & _PAGE_PRESENT;
}

static inline unsigned long pgd_pfn(pgd_t pgd)
{
	return (pgd.pgd & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline struct page *pgd_page(pgd_t pgd)
{
	return pfn_to_page(pgd_pfn(pgd));
}

static inline pgd_t pgd_mktable(unsigned long pfn)
{
	return __pgd((pfn << PAGE_SHIFT) | _PAGE_TABLE);
}

/* ---- locating entries: from a table's pfn and a virtual address ---- */

static inline pgd_t *pgd_offset_pfn(unsigned long pgd_pfn, unsigned long va)
{
	return (pgd_t *)__pfn_va(pgd_pfn) + pgd_index(va);
}

static inline pud_t *pud_offset_pfn(unsigned long pud_pfn, unsigned long va)
{
	return (pud_t *)__pfn_va(pud_pfn) + pud_index(va);
}

static inline pmd_t *pmd_offset_pfn(unsigned long pmd_pfn, unsigned long va)
{
	return (pmd_t *)__pfn_va(pmd_pfn) + pmd_index(va);
}

static inline pte_t *pte_offset_pfn(unsigned long pte_pfn, unsigned long va)
{
	return (pte_t *)__pfn_va(pte_pfn) + pte_index(va);
}

/* The table page an entry pointer lies in (its ptl, its level). */
static inline struct page *pt_page_of(const void *entryp)
{
	return pfn_to_page(__pa_host(entryp) >> PAGE_SHIFT);
}

/* ---- entry accessors: yield points ---- */

/*
 * Entry loads and stores go through the memory model (sim/storebuf.h): a
 * set_pte_at() is a plain store, pending under memory=tso|arm64. The
 * read-modify-writes of entries are relaxed on arm64 (xchg_relaxed and
 * cmpxchg_relaxed loops there; locked, so full barriers, on x86/tso).
 * A store notes its entry's block as dirty (physmem.h, "Dirty blocks"):
 * the table's zeroing, poison and scans cost what was written.
 */
/* The accessors stay inlined into their callers (so call chains in
 * stories name the kernel functions, not the accessor): forced, now
 * that a store also notes its block. */
#define __pt_accessor static inline __attribute__((always_inline))
#define __PT_LOAD(p) SIM_LOAD(p)
#define __PT_STORE(p, v)                         \
	do {                                     \
		physmem_zmask_note(p);           \
		SIM_STORE((p), (v), 0);          \
	} while (0)
#define __PT_XCHG(p, v)        \
	(physmem_zmask_note(p), \
	 SIM_RMW((p), false, __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)))
#define __PT_AT(kind, p, site) sim_yield_site((kind), __pa_host(p), (site))

void __pt_dead_table(const void *entryp, const struct sim_site *site);

/*
 * The frame an entry lies in must be a live page table when it is read or
 * written: a frame that was freed (and is poisoned) means the caller
 * walked a table that free_pgtables() (or a collapse) took away - a
 * page-table use-after-free. Reported as a violation at @site (which ends
 * the execution in controlled mode); the access is then not made (a read
 * returns a none entry), so mmsim never follows poison.
 */
static inline bool __pt_live(const void *entryp, const struct sim_site *site)
{
	if (likely(__test_bit(PG_table, &pt_page_of(entryp)->flags)))
		return true;
	__pt_dead_table(entryp, site);
	return false;
}

static inline pte_t __ptep_get(pte_t *ptep, const struct sim_site *site)
{
	__PT_AT(SIM_EV_READ, ptep, site);
	if (unlikely(!__pt_live(ptep, site)))
		return __pte(0);
	return __pte(__PT_LOAD(&ptep->pte));
}

__pt_accessor void __set_pte(pte_t *ptep, pte_t pte,
			     const struct sim_site *site)
{
	__PT_AT(SIM_EV_WRITE, ptep, site);
	if (unlikely(!__pt_live(ptep, site)))
		return;
	__PT_STORE(&ptep->pte, pte.pte);
}

__pt_accessor pte_t __ptep_xchg(pte_t *ptep, pte_t pte,
				const struct sim_site *site)
{
	__PT_AT(SIM_EV_RMW, ptep, site);
	if (unlikely(!__pt_live(ptep, site)))
		return __pte(0);
	return __pte(__PT_XCHG(&ptep->pte, pte.pte));
}

/* Atomically clear @clear in the entry; returns the old entry. */
static inline unsigned long __pt_clear_bits(unsigned long *p,
					    unsigned long clear,
					    const struct sim_site *site)
{
	sim_yield_site(SIM_EV_RMW, __pa_host(p), site);
	if (unlikely(!__pt_live(p, site)))
		return 0;
	return SIM_RMW(p, false, __atomic_fetch_and(p, ~clear, __ATOMIC_SEQ_CST));
}

#define ptep_get(ptep) __ptep_get((ptep), SIM_SITE("ptep_get"))
#define ptep_get_lockless(ptep) \
	__ptep_get((ptep), SIM_SITE("ptep_get_lockless"))
#define ptep_get_l(ptep, lbl) __ptep_get((ptep), SIM_SITE(lbl))
#define set_pte(ptep, pte) __set_pte((ptep), (pte), SIM_SITE("set_pte"))
#define set_pte_at(mm, addr, ptep, pte) \
	__set_pte((ptep), (pte), SIM_SITE("set_pte_at"))
#define set_pte_at_l(mm, addr, ptep, pte, lbl) \
	__set_pte((ptep), (pte), SIM_SITE(lbl))
#define pte_clear(mm, addr, ptep) \
	__set_pte((ptep), __pte(0), SIM_SITE("pte_clear"))
/* Returns the old entry, with whatever A/D the walker set up to now. */
#define ptep_get_and_clear(mm, addr, ptep) \
	__ptep_xchg((ptep), __pte(0), SIM_SITE("ptep_get_and_clear"))
#define ptep_get_and_clear_l(mm, addr, ptep, lbl) \
	__ptep_xchg((ptep), __pte(0), SIM_SITE(lbl))
#define ptep_set_wrprotect(mm, addr, ptep)             \
	((void)__pt_clear_bits(&(ptep)->pte, _PAGE_RW, \
			       SIM_SITE("ptep_set_wrprotect")))
#define ptep_test_and_clear_young(vma, addr, ptep)                 \
	((__pt_clear_bits(&(ptep)->pte, _PAGE_ACCESSED,            \
			  SIM_SITE("ptep_test_and_clear_young")) & \
	  _PAGE_ACCESSED) != 0)
/* mprotect's protocol: take the entry away, commit the new one. */
#define ptep_modify_prot_start(vma, addr, ptep) \
	__ptep_xchg((ptep), __pte(0), SIM_SITE("ptep_modify_prot_start"))
#define ptep_modify_prot_commit(vma, addr, ptep, old, pte) \
	__set_pte((ptep), (pte), SIM_SITE("ptep_modify_prot_commit"))

/*
 * set_ptes - map @nr consecutive pfns from @pte at consecutive entries.
 * One yield point per entry, as the kernel stores them one by one.
 */
static inline void __set_ptes(pte_t *ptep, pte_t pte, unsigned int nr,
			      const struct sim_site *site)
{
	for (unsigned int i = 0; i < nr; i++) {
		__set_pte(ptep + i, pte, site);
		pte = __pte(pte.pte + PAGE_SIZE);
	}
}
#define set_ptes(mm, addr, ptep, pte, nr) \
	__set_ptes((ptep), (pte), (nr), SIM_SITE("set_ptes"))

/*
 * set_pte_unreachable - fill an entry of a table that nothing can reach
 * yet (a deposited table before pmd_populate() publishes it): a plain
 * store, no yield point, no store buffer; its block noted dirty as every
 * entry store's is (arch/physmem.h, "Dirty blocks").
 */
static inline void set_pte_unreachable(pte_t *ptep, pte_t pte)
{
	physmem_zmask_note(ptep);
	__atomic_store_n(&ptep->pte, pte.pte, SIM_MO);
}

/*
 * ptep_set_access_flags - install @entry (the same pfn, with more
 * permissions or A/D) if it differs and @dirty. Returns whether it
 * differed. SIM: the compare and the store are one step (x86 does a load
 * and a plain store under the PTL; only the walker could race, and it
 * only sets A/D bits that @entry carries when @dirty).
 */
__pt_accessor bool __ptep_set_access_flags(pte_t *ptep, pte_t entry, bool dirty,
					   const struct sim_site *site)
{
	bool changed;

	__PT_AT(SIM_EV_RMW, ptep, site);
	if (unlikely(!__pt_live(ptep, site)))
		return false;
	physmem_zmask_note(ptep);	/* @entry may be stored */
	changed = SIM_RMW(&ptep->pte, false, ({
		bool __c = __atomic_load_n(&ptep->pte, __ATOMIC_SEQ_CST) !=
			   entry.pte;
		if (__c && dirty)
			__atomic_store_n(&ptep->pte, entry.pte,
					 __ATOMIC_SEQ_CST);
		__c; }));
	return changed;
}
#define ptep_set_access_flags(vma, addr, ptep, entry, dirty) \
	__ptep_set_access_flags((ptep), (entry), (dirty),    \
				SIM_SITE("ptep_set_access_flags"))

static inline pmd_t __pmdp_get(pmd_t *pmdp, const struct sim_site *site)
{
	__PT_AT(SIM_EV_READ, pmdp, site);
	if (unlikely(!__pt_live(pmdp, site)))
		return __pmd(0);
	return __pmd(__PT_LOAD(&pmdp->pmd));
}

__pt_accessor void __set_pmd(pmd_t *pmdp, pmd_t pmd,
			     const struct sim_site *site)
{
	__PT_AT(SIM_EV_WRITE, pmdp, site);
	if (unlikely(!__pt_live(pmdp, site)))
		return;
	__PT_STORE(&pmdp->pmd, pmd.pmd);
}

__pt_accessor pmd_t __pmdp_xchg(pmd_t *pmdp, pmd_t pmd,
				const struct sim_site *site)
{
	__PT_AT(SIM_EV_RMW, pmdp, site);
	if (unlikely(!__pt_live(pmdp, site)))
		return __pmd(0);
	return __pmd(__PT_XCHG(&pmdp->pmd, pmd.pmd));
}

#define pmdp_get(pmdp) __pmdp_get((pmdp), SIM_SITE("pmdp_get"))
#define pmdp_get_lockless(pmdp) \
	__pmdp_get((pmdp), SIM_SITE("pmdp_get_lockless"))
#define pmdp_get_l(pmdp, lbl) __pmdp_get((pmdp), SIM_SITE(lbl))
#define set_pmd(pmdp, pmd) __set_pmd((pmdp), (pmd), SIM_SITE("set_pmd"))
#define set_pmd_at(mm, addr, pmdp, pmd) \
	__set_pmd((pmdp), (pmd), SIM_SITE("set_pmd_at"))
#define pmd_clear(pmdp) __set_pmd((pmdp), __pmd(0), SIM_SITE("pmd_clear"))
#define pmdp_huge_get_and_clear(mm, addr, pmdp) \
	__pmdp_xchg((pmdp), __pmd(0), SIM_SITE("pmdp_huge_get_and_clear"))
/* pmdp_establish - install @pmd, return the old one (A/D included). */
#define pmdp_establish(vma, addr, pmdp, pmd) \
	__pmdp_xchg((pmdp), (pmd), SIM_SITE("pmdp_establish"))
#define pmdp_set_wrprotect(mm, addr, pmdp)             \
	((void)__pt_clear_bits(&(pmdp)->pmd, _PAGE_RW, \
			       SIM_SITE("pmdp_set_wrprotect")))
#define pmdp_test_and_clear_young(vma, addr, pmdp)                 \
	((__pt_clear_bits(&(pmdp)->pmd, _PAGE_ACCESSED,            \
			  SIM_SITE("pmdp_test_and_clear_young")) & \
	  _PAGE_ACCESSED) != 0)
/* pmd_populate - point the PMD at the PTE table @pte_table. */
#define pmd_populate(mm, pmdp, pte_table)                      \
	__set_pmd((pmdp), pmd_mktable(page_to_pfn(pte_table)), \
		  SIM_SITE("pmd_populate"))

static inline pud_t __pudp_get(pud_t *pudp, const struct sim_site *site)
{
	__PT_AT(SIM_EV_READ, pudp, site);
	if (unlikely(!__pt_live(pudp, site)))
		return __pud(0);
	return __pud(__PT_LOAD(&pudp->pud));
}

__pt_accessor void __set_pud(pud_t *pudp, pud_t pud,
			     const struct sim_site *site)
{
	__PT_AT(SIM_EV_WRITE, pudp, site);
	if (unlikely(!__pt_live(pudp, site)))
		return;
	__PT_STORE(&pudp->pud, pud.pud);
}

static inline pgd_t __pgdp_get(pgd_t *pgdp, const struct sim_site *site)
{
	__PT_AT(SIM_EV_READ, pgdp, site);
	if (unlikely(!__pt_live(pgdp, site)))
		return __pgd(0);
	return __pgd(__PT_LOAD(&pgdp->pgd));
}

__pt_accessor void __set_pgd(pgd_t *pgdp, pgd_t pgd,
			     const struct sim_site *site)
{
	__PT_AT(SIM_EV_WRITE, pgdp, site);
	if (unlikely(!__pt_live(pgdp, site)))
		return;
	__PT_STORE(&pgdp->pgd, pgd.pgd);
}

#define pudp_get(pudp) __pudp_get((pudp), SIM_SITE("pudp_get"))
#define set_pud(pudp, pud) __set_pud((pudp), (pud), SIM_SITE("set_pud"))
#define pud_clear(pudp) __set_pud((pudp), __pud(0), SIM_SITE("pud_clear"))
#define pud_populate(mm, pudp, pmd_table)                      \
	__set_pud((pudp), pud_mktable(page_to_pfn(pmd_table)), \
		  SIM_SITE("pud_populate"))
#define pgdp_get(pgdp) __pgdp_get((pgdp), SIM_SITE("pgdp_get"))
#define set_pgd(pgdp, pgd) __set_pgd((pgdp), (pgd), SIM_SITE("set_pgd"))
#define pgd_clear(pgdp) __set_pgd((pgdp), __pgd(0), SIM_SITE("pgd_clear"))
#define pgd_populate(mm, pgdp, pud_table)                      \
	__set_pgd((pgdp), pgd_mktable(page_to_pfn(pud_table)), \
		  SIM_SITE("pgd_populate"))

/* ---- page-table pages (arch/pgtable.c) ---- */

/*
 * pagetable_alloc_level - a zeroed page-table page for level @level
 * (enum pt_level) on the running CPU's node: PG_table set, ->pt_level set,
 * ->ptl initialised, refcount 1. NULL when memory is exhausted.
 */
struct page *pagetable_alloc_level(int level);
/* pagetable_free - clear PG_table and free the table page (refcount 1). */
void pagetable_free(struct page *table);

#endif /* ARCH_PGTABLE_H */
