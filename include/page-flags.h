/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/page-flags.h - PG_* bits of page->flags and their accessors.
 *
 * Naming follows the kernel:
 *	folio_test_X / folio_set_X / folio_clear_X	atomic, yield points
 *	folio_test_set_X / folio_test_clear_X		atomic RMW, yield points
 *	__folio_set_X / __folio_clear_X			non-atomic, no yield:
 *		only on a folio no other task can see yet (or under a lock
 *		that excludes every other writer of page->flags)
 *	PageX / SetPageX / ClearPageX / __SetPageX ...	the page variants
 *
 * Policies (which struct page holds the bit), as the kernel's PF_*:
 *	PF_HEAD	the head page; the page variants look up compound_head()
 *	PF_ANY	the page itself (PG_anon_exclusive, PG_hwpoison, PG_head)
 *
 * compound_head(), page_folio(), folio_test_large(), folio_order() and
 * folio_nr_pages() are plain atomic loads, not yield points: they are read
 * next to a yielding operation (folio_try_get, a PTE load) whose yield
 * already lets a concurrent split land between the two.
 */
#ifndef MMSIM_PAGE_FLAGS_H
#define MMSIM_PAGE_FLAGS_H

#include "mm_types.h"
#include "sim/atomic.h"

enum pageflags {
	PG_locked, /* folio lock (bit lock, see folio_lock()) */
	PG_writeback,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head, /* head of a large folio */
	PG_waiters,
	PG_active,
	PG_workingset,
	PG_owner_priv_1,
	PG_owner_2,
	PG_arch_1,
	PG_reserved, /* never allocated (pfn 0) */
	PG_private,
	PG_private_2,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_mlocked,
	PG_hwpoison,
	PG_young,
	PG_idle,
	PG_isolated, /* SIM: page_type bits are flags here: */
	PG_buddy, /* free, head of a buddy block */
	PG_table, /* a page-table page */
	PG_anon_exclusive, /* SIM: own bit (kernel: PG_mappedtodisk) */
	PG_stable_node, /* KSM page (kernel: PAGE_MAPPING_KSM) */
	PG_partially_mapped, /* SIM: own bit (kernel: in the second page) */
	__NR_PAGEFLAGS,

	PG_swapcache = PG_owner_priv_1, /* swp_entry_t in ->private */
	PG_checked = PG_owner_priv_1,
};

/* page->mapping low bits (the kernel's PAGE_MAPPING_*). */
#define PAGE_MAPPING_ANON 0x1UL
#define PAGE_MAPPING_MOVABLE 0x2UL
#define PAGE_MAPPING_KSM (PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)
#define PAGE_MAPPING_FLAGS (PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)

/*
 * Flags that must be clear when a page is freed (else "Bad page state"),
 * and that the allocator clears on every page it hands out.
 */
#define PAGE_FLAGS_CHECK_AT_FREE                                              \
	(BIT(PG_lru) | BIT(PG_locked) | BIT(PG_private) | BIT(PG_private_2) | \
	 BIT(PG_writeback) | BIT(PG_reserved) | BIT(PG_active) |              \
	 BIT(PG_unevictable) | BIT(PG_swapcache) | BIT(PG_buddy) |            \
	 BIT(PG_isolated))

/* ---- compound pages ---- */

static inline struct page *compound_head(const struct page *page)
{
	unsigned long head =
		__atomic_load_n(&page->compound_head, __ATOMIC_SEQ_CST);

	if (head & 1)
		return (struct page *)(head - 1);
	return (struct page *)page;
}

static inline bool PageTail(const struct page *page)
{
	return __atomic_load_n(&page->compound_head, __ATOMIC_SEQ_CST) & 1;
}

static inline bool PageHead(const struct page *page)
{
	return __atomic_load_n(&page->flags, __ATOMIC_SEQ_CST) & BIT(PG_head);
}

static inline bool PageCompound(const struct page *page)
{
	return PageHead(page) || PageTail(page);
}

/* page_folio: the folio @page belongs to (a cast of its head). */
static inline struct folio *page_folio(const struct page *page)
{
	return (struct folio *)compound_head(page);
}

/* folio_page: the @n'th page of @folio. */
static inline struct page *folio_page(struct folio *folio, unsigned long n)
{
	return &folio->page + n;
}

static inline bool folio_test_large(const struct folio *folio)
{
	return PageHead(&folio->page);
}

static inline unsigned int folio_order(const struct folio *folio)
{
	if (!folio_test_large(folio))
		return 0;
	return __atomic_load_n(&folio->_folio_order, __ATOMIC_SEQ_CST);
}

static inline long folio_nr_pages(const struct folio *folio)
{
	return 1L << folio_order(folio);
}

static inline unsigned int compound_order(const struct page *page)
{
	return folio_order((const struct folio *)page);
}

/* ---- generated accessors ---- */

#define __PF_HEAD(page) compound_head(page)
#define __PF_ANY(page) (page)

#define FOLIO_TEST_FLAG(name, pg)                                       \
	static inline bool folio_test_##name(const struct folio *folio) \
	{                                                               \
		return test_bit(pg, (unsigned long *)&folio->flags);    \
	}
#define FOLIO_SET_FLAG(name, pg)                                 \
	static inline void folio_set_##name(struct folio *folio) \
	{                                                        \
		set_bit(pg, &folio->flags);                      \
	}
#define FOLIO_CLEAR_FLAG(name, pg)                                 \
	static inline void folio_clear_##name(struct folio *folio) \
	{                                                          \
		clear_bit(pg, &folio->flags);                      \
	}
#define __FOLIO_SET_FLAG(name, pg)                                 \
	static inline void __folio_set_##name(struct folio *folio) \
	{                                                          \
		__set_bit(pg, &folio->flags);                      \
	}
#define __FOLIO_CLEAR_FLAG(name, pg)                                 \
	static inline void __folio_clear_##name(struct folio *folio) \
	{                                                            \
		__clear_bit(pg, &folio->flags);                      \
	}
#define FOLIO_TEST_SET_FLAG(name, pg)                                 \
	static inline bool folio_test_set_##name(struct folio *folio) \
	{                                                             \
		return test_and_set_bit(pg, &folio->flags);           \
	}
#define FOLIO_TEST_CLEAR_FLAG(name, pg)                                 \
	static inline bool folio_test_clear_##name(struct folio *folio) \
	{                                                               \
		return test_and_clear_bit(pg, &folio->flags);           \
	}

#define TESTPAGEFLAG(uname, pg, pol)                                        \
	static inline bool Page##uname(const struct page *page)             \
	{                                                                   \
		return test_bit(pg,                                         \
				(unsigned long *)&__PF_##pol(page)->flags); \
	}
#define SETPAGEFLAG(uname, pg, pol)                          \
	static inline void SetPage##uname(struct page *page) \
	{                                                    \
		set_bit(pg, &__PF_##pol(page)->flags);       \
	}
#define CLEARPAGEFLAG(uname, pg, pol)                          \
	static inline void ClearPage##uname(struct page *page) \
	{                                                      \
		clear_bit(pg, &__PF_##pol(page)->flags);       \
	}
#define __SETPAGEFLAG(uname, pg, pol)                          \
	static inline void __SetPage##uname(struct page *page) \
	{                                                      \
		__set_bit(pg, &__PF_##pol(page)->flags);       \
	}
#define __CLEARPAGEFLAG(uname, pg, pol)                          \
	static inline void __ClearPage##uname(struct page *page) \
	{                                                        \
		__clear_bit(pg, &__PF_##pol(page)->flags);       \
	}
#define TESTSETPAGEFLAG(uname, pg, pol)                                \
	static inline bool TestSetPage##uname(struct page *page)       \
	{                                                              \
		return test_and_set_bit(pg, &__PF_##pol(page)->flags); \
	}
#define TESTCLEARPAGEFLAG(uname, pg, pol)                                \
	static inline bool TestClearPage##uname(struct page *page)       \
	{                                                                \
		return test_and_clear_bit(pg, &__PF_##pol(page)->flags); \
	}

/* A flag kept on the folio (head): every accessor. */
#define PAGEFLAG(uname, lname, pg, pol)  \
	FOLIO_TEST_FLAG(lname, pg)       \
	FOLIO_SET_FLAG(lname, pg)        \
	FOLIO_CLEAR_FLAG(lname, pg)      \
	__FOLIO_SET_FLAG(lname, pg)      \
	__FOLIO_CLEAR_FLAG(lname, pg)    \
	FOLIO_TEST_SET_FLAG(lname, pg)   \
	FOLIO_TEST_CLEAR_FLAG(lname, pg) \
	TESTPAGEFLAG(uname, pg, pol)     \
	SETPAGEFLAG(uname, pg, pol)      \
	CLEARPAGEFLAG(uname, pg, pol)    \
	__SETPAGEFLAG(uname, pg, pol)    \
	__CLEARPAGEFLAG(uname, pg, pol)  \
	TESTSETPAGEFLAG(uname, pg, pol)  \
	TESTCLEARPAGEFLAG(uname, pg, pol)

/* A per-page flag with no folio variant. */
#define PAGEFLAG_PAGE(uname, pg)        \
	TESTPAGEFLAG(uname, pg, ANY)    \
	SETPAGEFLAG(uname, pg, ANY)     \
	CLEARPAGEFLAG(uname, pg, ANY)   \
	__SETPAGEFLAG(uname, pg, ANY)   \
	__CLEARPAGEFLAG(uname, pg, ANY) \
	TESTSETPAGEFLAG(uname, pg, ANY) \
	TESTCLEARPAGEFLAG(uname, pg, ANY)

PAGEFLAG(Locked, locked, PG_locked, HEAD)
PAGEFLAG(Writeback, writeback, PG_writeback, HEAD)
PAGEFLAG(Referenced, referenced, PG_referenced, HEAD)
PAGEFLAG(Uptodate, uptodate, PG_uptodate, HEAD)
PAGEFLAG(Dirty, dirty, PG_dirty, HEAD)
PAGEFLAG(LRU, lru, PG_lru, HEAD)
PAGEFLAG(Active, active, PG_active, HEAD)
PAGEFLAG(Workingset, workingset, PG_workingset, HEAD)
PAGEFLAG(Reserved, reserved, PG_reserved, ANY)
PAGEFLAG(Private, private, PG_private, HEAD)
PAGEFLAG(Reclaim, reclaim, PG_reclaim, HEAD)
PAGEFLAG(SwapBacked, swapbacked, PG_swapbacked, HEAD)
PAGEFLAG(SwapCache, swapcache, PG_swapcache, HEAD)
PAGEFLAG(Unevictable, unevictable, PG_unevictable, HEAD)
PAGEFLAG(Mlocked, mlocked, PG_mlocked, HEAD)
PAGEFLAG(Young, young, PG_young, HEAD)
PAGEFLAG(Idle, idle, PG_idle, HEAD)
PAGEFLAG(Isolated, isolated, PG_isolated, HEAD)
PAGEFLAG(Table, table, PG_table, ANY)
PAGEFLAG(Buddy, buddy, PG_buddy, ANY)
PAGEFLAG(Waiters, waiters, PG_waiters, HEAD)
PAGEFLAG(HWPoison, hwpoison, PG_hwpoison, ANY)
PAGEFLAG_PAGE(AnonExclusive, PG_anon_exclusive)
PAGEFLAG(PartiallyMapped, partially_mapped, PG_partially_mapped, HEAD)

/*
 * folio_test_anon - an anonymous folio (mapping has PAGE_MAPPING_ANON).
 * A plain load: ->mapping of a mapped folio only changes under the folio
 * lock.
 */
static inline bool folio_test_anon(const struct folio *folio)
{
	unsigned long m = (unsigned long)__atomic_load_n(&folio->mapping,
							 __ATOMIC_SEQ_CST);

	return m & PAGE_MAPPING_ANON;
}

static inline bool PageAnon(const struct page *page)
{
	return folio_test_anon(page_folio(page));
}

static inline bool folio_test_ksm(const struct folio *folio)
{
	unsigned long m = (unsigned long)__atomic_load_n(&folio->mapping,
							 __ATOMIC_SEQ_CST);

	return (m & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_KSM;
}

/* Large anon folios that are PMD-sized: the kernel's THP test. */
static inline bool folio_test_pmd_mappable(const struct folio *folio)
{
	return folio_order(folio) >= 9;
}

#endif /* MMSIM_PAGE_FLAGS_H */
