/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/mm_types.h - struct page and struct folio.
 *
 * A struct page per frame of simulated physical memory (arch/physmem.c owns
 * the array). A folio is a head page seen whole: struct folio overlays
 * struct page field for field, as in the kernel, so page_folio() is a cast
 * of compound_head().
 *
 * SIM: the large-folio fields the kernel keeps in the first tail page
 * (_entire_mapcount, _nr_pages_mapped, _large_mapcount, _pincount, order)
 * live in every struct page here and are meaningful in the head only.
 * struct page is therefore larger than the kernel's 64 bytes; nothing
 * depends on its size.
 */
#ifndef MMSIM_MM_TYPES_H
#define MMSIM_MM_TYPES_H

#include "list.h"
#include "sim/atomic.h"
#include "sim/sync.h"

struct address_space;
struct anon_vma;

#define __PAGE_FIELDS                                                      \
	unsigned long flags;	/* PG_* bits (include/page-flags.h) */      \
	struct list_head lru;	/* buddy free list, LRU, migration list */ \
	/* anon: anon_vma | PAGE_MAPPING_ANON; file: address_space */      \
	struct address_space *mapping;                                     \
	unsigned long index;	/* anon: linear page index in the vma */   \
	unsigned long private;	/* swap entry when PG_swapcache */         \
	atomic_t _mapcount;	/* PTE mappings - 1 (-1: none) */          \
	atomic_t _refcount;                                                \
	unsigned long compound_head;	/* tail: head | 1 */               \
	/* head of a large folio only: */                                  \
	unsigned int _folio_order;                                         \
	atomic_t _entire_mapcount;	/* PMD mappings - 1 */             \
	atomic_t _nr_pages_mapped;	/* subpages mapped by PTE */        \
	atomic_t _large_mapcount;	/* PTE + PMD mappings - 1 */       \
	atomic_t _pincount;	/* FOLL_PIN pins of a large folio */        \
	/* page-table pages: */                                            \
	unsigned int pt_level;	/* which level this table is */            \
	spinlock_t ptl;		/* split PTE/PMD lock lives here */         \
	void *pt_mm;		/* owner mm of a page-table page */         \
	/* private to arch/physmem.c: */                                   \
	unsigned int buddy_order;                                          \
	int nid

struct page {
	__PAGE_FIELDS;
};

struct folio {
	union {
		struct {
			__PAGE_FIELDS;
		};
		struct page page;
	};
};

_Static_assert(sizeof(struct folio) == sizeof(struct page),
	       "folio overlays page");

/*
 * page_counts - a struct page's _mapcount and _refcount in one plain load
 * (the allocator's and the checkers' tight passes): PAGE_COUNTS_NONE when
 * no PTE maps it (-1) and it holds no reference (0).
 */
_Static_assert(__builtin_offsetof(struct page, _refcount) ==
		       __builtin_offsetof(struct page, _mapcount) +
			       sizeof(atomic_t) &&
		       __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "page_counts() reads _mapcount, _refcount as one word");
#define PAGE_COUNTS_NONE 0x00000000ffffffffULL

static inline uint64_t page_counts(const struct page *page)
{
	uint64_t w;

	__builtin_memcpy(&w, &page->_mapcount, sizeof(w));
	return w;
}

#endif /* MMSIM_MM_TYPES_H */
