/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/swapops.h - swap entries and the special entries that share
 * their encoding: migration, device-private, device-exclusive, hwpoison,
 * PTE markers.
 *
 * swp_entry_t is the arch-independent form: type in the top
 * MAX_SWAPFILES_SHIFT bits, offset below. The arch form in a non-present
 * PTE or PMD (present, PROTNONE and PSE bits clear, so neither pte_present
 * nor pmd_present):
 *	bit 1 soft-dirty   bit 2 uffd-wp   bit 3 exclusive (PG_anon_exclusive
 *	of a swapped-out page)   bits 9..58 offset   bits 59..63 type
 * For pfn entries (migration, device) the offset is the pfn (40 bits);
 * migration entries also carry the young and dirty bits of the PTE they
 * replaced in offset bits 40 and 41.
 */
#ifndef MMSIM_SWAPOPS_H
#define MMSIM_SWAPOPS_H

#include "arch/pgtable.h"
#include "page-flags.h"

typedef struct {
	unsigned long val;
} swp_entry_t;

#define MAX_SWAPFILES_SHIFT 5
#define SWP_DEVICE_NUM 3
#define SWP_MIGRATION_NUM 3
#define SWP_HWPOISON_NUM 1
#define SWP_PTE_MARKER_NUM 1
#define MAX_SWAPFILES                                                      \
	((1 << MAX_SWAPFILES_SHIFT) - SWP_DEVICE_NUM - SWP_MIGRATION_NUM - \
	 SWP_HWPOISON_NUM - SWP_PTE_MARKER_NUM)
#define SWP_DEVICE_WRITE (MAX_SWAPFILES)
#define SWP_DEVICE_READ (MAX_SWAPFILES + 1)
#define SWP_DEVICE_EXCLUSIVE (MAX_SWAPFILES + 2)
#define SWP_MIGRATION_READ (MAX_SWAPFILES + SWP_DEVICE_NUM)
#define SWP_MIGRATION_READ_EXCLUSIVE (SWP_MIGRATION_READ + 1)
#define SWP_MIGRATION_WRITE (SWP_MIGRATION_READ + 2)
#define SWP_HWPOISON (MAX_SWAPFILES + SWP_DEVICE_NUM + SWP_MIGRATION_NUM)
#define SWP_PTE_MARKER (SWP_HWPOISON + SWP_HWPOISON_NUM)

#define SWP_TYPE_SHIFT (BITS_PER_LONG - MAX_SWAPFILES_SHIFT)
#define SWP_OFFSET_MASK ((1UL << SWP_TYPE_SHIFT) - 1)
#define SWP_PFN_BITS (52 - PAGE_SHIFT)
#define SWP_PFN_MASK ((1UL << SWP_PFN_BITS) - 1)
#define SWP_MIG_YOUNG_BIT (SWP_PFN_BITS)
#define SWP_MIG_DIRTY_BIT (SWP_PFN_BITS + 1)
#define SWP_MIG_YOUNG (1UL << SWP_MIG_YOUNG_BIT)
#define SWP_MIG_DIRTY (1UL << SWP_MIG_DIRTY_BIT)

/* ---- arch encoding ---- */

#define __SWP_OFFSET_SHIFT 9
#define __SWP_OFFSET_BITS (SWP_TYPE_SHIFT - __SWP_OFFSET_SHIFT)
#define __SWP_OFFSET_MAX ((1UL << __SWP_OFFSET_BITS) - 1)
#define _PAGE_SWP_SOFT_DIRTY _PAGE_RW
#define _PAGE_SWP_UFFD_WP _PAGE_USER
#define _PAGE_SWP_EXCLUSIVE _PAGE_PWT
#define _PAGE_SWP_FLAGS \
	(_PAGE_SWP_SOFT_DIRTY | _PAGE_SWP_UFFD_WP | _PAGE_SWP_EXCLUSIVE)

/* ---- the arch-independent entry ---- */

static inline swp_entry_t swp_entry(unsigned long type, unsigned long offset)
{
	VM_BUG_ON(type >= (1UL << MAX_SWAPFILES_SHIFT));
	VM_BUG_ON(offset > __SWP_OFFSET_MAX);
	return (swp_entry_t){ (type << SWP_TYPE_SHIFT) |
			      (offset & SWP_OFFSET_MASK) };
}

static inline unsigned swp_type(swp_entry_t entry)
{
	return entry.val >> SWP_TYPE_SHIFT;
}

static inline unsigned long swp_offset(swp_entry_t entry)
{
	return entry.val & SWP_OFFSET_MASK;
}

/* The pfn of a pfn swap entry (migration, device): no A/D bits. */
static inline unsigned long swp_offset_pfn(swp_entry_t entry)
{
	return swp_offset(entry) & SWP_PFN_MASK;
}

static inline bool non_swap_entry(swp_entry_t entry)
{
	return swp_type(entry) >= MAX_SWAPFILES;
}

/* ---- PTEs ---- */

static inline bool is_swap_pte(pte_t pte)
{
	return !pte_none(pte) && !pte_present(pte);
}

/* The entry of a swap PTE; the soft-dirty/uffd/exclusive bits are dropped. */
static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	unsigned long v = pte.pte & ~_PAGE_SWP_FLAGS;

	return swp_entry(v >> SWP_TYPE_SHIFT,
			 (v >> __SWP_OFFSET_SHIFT) & __SWP_OFFSET_MAX);
}

static inline pte_t swp_entry_to_pte(swp_entry_t entry)
{
	return __pte(((unsigned long)swp_type(entry) << SWP_TYPE_SHIFT) |
		     (swp_offset(entry) << __SWP_OFFSET_SHIFT));
}

static inline bool pte_swp_exclusive(pte_t pte)
{
	return pte.pte & _PAGE_SWP_EXCLUSIVE;
}

static inline pte_t pte_swp_mkexclusive(pte_t pte)
{
	return pte_set_flags(pte, _PAGE_SWP_EXCLUSIVE);
}

static inline pte_t pte_swp_clear_exclusive(pte_t pte)
{
	return pte_clear_flags(pte, _PAGE_SWP_EXCLUSIVE);
}

static inline bool pte_swp_soft_dirty(pte_t pte)
{
	return pte.pte & _PAGE_SWP_SOFT_DIRTY;
}

static inline pte_t pte_swp_mksoft_dirty(pte_t pte)
{
	return pte_set_flags(pte, _PAGE_SWP_SOFT_DIRTY);
}

static inline pte_t pte_swp_clear_soft_dirty(pte_t pte)
{
	return pte_clear_flags(pte, _PAGE_SWP_SOFT_DIRTY);
}

static inline bool pte_swp_uffd_wp(pte_t pte)
{
	return pte.pte & _PAGE_SWP_UFFD_WP;
}

static inline pte_t pte_swp_mkuffd_wp(pte_t pte)
{
	return pte_set_flags(pte, _PAGE_SWP_UFFD_WP);
}

static inline pte_t pte_swp_clear_uffd_wp(pte_t pte)
{
	return pte_clear_flags(pte, _PAGE_SWP_UFFD_WP);
}

/* ---- PMDs (THP migration entries) ---- */

static inline bool is_swap_pmd(pmd_t pmd)
{
	return !pmd_none(pmd) && !pmd_present(pmd);
}

static inline swp_entry_t pmd_to_swp_entry(pmd_t pmd)
{
	return pte_to_swp_entry(__pte(pmd.pmd));
}

static inline pmd_t swp_entry_to_pmd(swp_entry_t entry)
{
	return __pmd(swp_entry_to_pte(entry).pte);
}

static inline bool pmd_swp_soft_dirty(pmd_t pmd)
{
	return pmd.pmd & _PAGE_SWP_SOFT_DIRTY;
}

static inline pmd_t pmd_swp_mksoft_dirty(pmd_t pmd)
{
	return pmd_set_flags(pmd, _PAGE_SWP_SOFT_DIRTY);
}

static inline pmd_t pmd_swp_clear_soft_dirty(pmd_t pmd)
{
	return pmd_clear_flags(pmd, _PAGE_SWP_SOFT_DIRTY);
}

static inline bool pmd_swp_uffd_wp(pmd_t pmd)
{
	return pmd.pmd & _PAGE_SWP_UFFD_WP;
}

static inline pmd_t pmd_swp_mkuffd_wp(pmd_t pmd)
{
	return pmd_set_flags(pmd, _PAGE_SWP_UFFD_WP);
}

/* ---- device-private and device-exclusive entries ---- */

static inline swp_entry_t make_readable_device_private_entry(unsigned long off)
{
	return swp_entry(SWP_DEVICE_READ, off);
}

static inline swp_entry_t make_writable_device_private_entry(unsigned long off)
{
	return swp_entry(SWP_DEVICE_WRITE, off);
}

static inline bool is_device_private_entry(swp_entry_t entry)
{
	unsigned t = swp_type(entry);

	return t == SWP_DEVICE_READ || t == SWP_DEVICE_WRITE;
}

static inline bool is_writable_device_private_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_DEVICE_WRITE;
}

static inline swp_entry_t make_device_exclusive_entry(unsigned long offset)
{
	return swp_entry(SWP_DEVICE_EXCLUSIVE, offset);
}

static inline bool is_device_exclusive_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_DEVICE_EXCLUSIVE;
}

/* ---- migration entries ---- */

static inline swp_entry_t make_readable_migration_entry(unsigned long offset)
{
	return swp_entry(SWP_MIGRATION_READ, offset);
}

/* Read-only, but the page was PG_anon_exclusive: restore it so. */
static inline swp_entry_t
make_readable_exclusive_migration_entry(unsigned long offset)
{
	return swp_entry(SWP_MIGRATION_READ_EXCLUSIVE, offset);
}

static inline swp_entry_t make_writable_migration_entry(unsigned long offset)
{
	return swp_entry(SWP_MIGRATION_WRITE, offset);
}

static inline bool is_migration_entry(swp_entry_t entry)
{
	unsigned t = swp_type(entry);

	return t == SWP_MIGRATION_READ || t == SWP_MIGRATION_READ_EXCLUSIVE ||
	       t == SWP_MIGRATION_WRITE;
}

static inline bool is_writable_migration_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_MIGRATION_WRITE;
}

static inline bool is_readable_migration_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_MIGRATION_READ;
}

static inline bool is_readable_exclusive_migration_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_MIGRATION_READ_EXCLUSIVE;
}

/* Migration entries here always have room for A/D (x86-64 does too). */
static inline bool migration_entry_supports_ad(void)
{
	return true;
}

static inline swp_entry_t make_migration_entry_young(swp_entry_t entry)
{
	return (swp_entry_t){ entry.val | SWP_MIG_YOUNG };
}

static inline bool is_migration_entry_young(swp_entry_t entry)
{
	return entry.val & SWP_MIG_YOUNG;
}

static inline swp_entry_t make_migration_entry_dirty(swp_entry_t entry)
{
	return (swp_entry_t){ entry.val | SWP_MIG_DIRTY };
}

static inline bool is_migration_entry_dirty(swp_entry_t entry)
{
	return entry.val & SWP_MIG_DIRTY;
}

static inline bool is_pmd_migration_entry(pmd_t pmd)
{
	return is_swap_pmd(pmd) && is_migration_entry(pmd_to_swp_entry(pmd));
}

/* ---- hwpoison and PTE markers ---- */

static inline swp_entry_t make_hwpoison_entry(struct page *page)
{
	return swp_entry(SWP_HWPOISON, page_to_pfn(page));
}

static inline bool is_hwpoison_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_HWPOISON;
}

#define PTE_MARKER_UFFD_WP 0x1UL
#define PTE_MARKER_POISONED 0x2UL
#define PTE_MARKER_GUARD 0x4UL

static inline swp_entry_t make_pte_marker_entry(unsigned long marker)
{
	return swp_entry(SWP_PTE_MARKER, marker);
}

static inline bool is_pte_marker_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_PTE_MARKER;
}

static inline unsigned long pte_marker_get(swp_entry_t entry)
{
	return swp_offset(entry);
}

/* ---- pfn entries ---- */

static inline bool is_pfn_swap_entry(swp_entry_t entry)
{
	return is_migration_entry(entry) || is_device_private_entry(entry) ||
	       is_device_exclusive_entry(entry) || is_hwpoison_entry(entry);
}

/*
 * pfn_swap_entry_to_page - the page a pfn entry names. As in the kernel,
 * a migration entry may only be followed while its folio is locked (the
 * migration holds the lock until it removes every entry): checked.
 */
static inline struct page *pfn_swap_entry_to_page(swp_entry_t entry)
{
	struct page *p = pfn_to_page(swp_offset_pfn(entry));

	VM_BUG_ON(!is_pfn_swap_entry(entry));
	BUG_ON(is_migration_entry(entry) && !PageLocked(p));
	return p;
}

static inline struct folio *pfn_swap_entry_folio(swp_entry_t entry)
{
	struct folio *folio = page_folio(pfn_to_page(swp_offset_pfn(entry)));

	BUG_ON(is_migration_entry(entry) && !folio_test_locked(folio));
	return folio;
}

#endif /* MMSIM_SWAPOPS_H */
