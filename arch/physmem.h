/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch/physmem.h - simulated physical memory: frames, NUMA nodes, the
 * device-private region, struct page per frame, a buddy allocator per node.
 *
 * Memory is one arena of frames: node 0 .. nr_nodes-1 split the normal
 * frames evenly and in pfn order; device-private frames come after them.
 * pfn 0 is never handed out (so a zero pfn is always a bug).
 *
 * Cost model: an execution pays for what it touches. Frame contents are
 * marks until written (below, "frame_data"); struct pages are built when
 * first looked at; sim_exec_begin() (through a reset hook) restores only
 * the struct pages and frames the execution touched. Host memory follows
 * the same rule: a 64 GiB configuration costs megabytes.
 */
#ifndef ARCH_PHYSMEM_H
#define ARCH_PHYSMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "mm_types.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define HPAGE_PMD_ORDER	9
#define HPAGE_PMD_NR	(1UL << HPAGE_PMD_ORDER)
#define MAX_PAGE_ORDER	10	/* orders 0 .. MAX_PAGE_ORDER */
#define MAX_NUMNODES	64
#define NUMA_NO_NODE	(-1)

/* Bytes 0x6b of a freed frame (slab's POISON_FREE). */
#define PAGE_POISON	0x6b6b6b6b6b6b6b6bULL

typedef unsigned int gfp_t;
#define __GFP_ZERO	0x1u	/* zero the frames */
#define __GFP_COMP	0x2u	/* make a compound page (large folio) */
#define __GFP_THISNODE	0x4u	/* no fallback to other nodes */
#define __GFP_NOWARN	0x8u
#define GFP_KERNEL	0u
#define GFP_HIGHUSER_MOVABLE 0u

struct physmem_config {
	unsigned long mem_bytes;	/* normal memory, all nodes; default 64M */
	int nr_nodes;			/* default 1 */
	unsigned long device_bytes;	/* device-private memory; default 0 */
};

/*
 * physmem_init - (re)build physical memory with @cfg (NULL: defaults).
 * Costs the number of nodes, not the size of memory (struct pages and
 * frames are built when first used); call it when the configuration
 * changes, not per execution. Registers the per-execution reset hook once.
 * Limits: 1..MAX_NUMNODES nodes; mem a whole number of pages, at least
 * PHYSMEM_MIN_PAGES_PER_NODE per node; at most PHYSMEM_MAX_BYTES of
 * memory and of device memory. Returns 0, or -1 with a message on stderr
 * naming the limit broken.
 */
#define PHYSMEM_MIN_PAGES_PER_NODE	2
#define PHYSMEM_MAX_BYTES		(64UL << 30)
int physmem_init(const struct physmem_config *cfg);
const struct physmem_config *physmem_config(void);

extern struct page *mem_map;	/* struct page of pfn i: mem_map[i] */
extern unsigned long max_pfn;	/* first pfn past all frames */
extern unsigned char *physmem_base;	/* host address of pfn 0 */

/*
 * Frame contents are lazy (see arch/physmem.c, "Contents"): a frame's
 * words live in host memory only once the frame is "real"; until then
 * they are a mark: every word one value (FD_UNIFORM), the same but for
 * one word (FD_UNIFORM1), or poison (FD_POISON: free, or allocated
 * without __GFP_ZERO). Private to physmem; inline for the MMU's loads
 * and stores.
 */
enum frame_data_state {
	FD_POISON = 0,	/* every word PAGE_POISON (zeroed memory = this) */
	FD_UNIFORM,	/* every word ->val */
	FD_UNIFORM1,	/* every word ->val, but word ->idx is ->exc */
	FD_REAL,	/* the words are in host memory at __pfn_va() */
	FD_LAZY,	/* free, every word PAGE_POISON; in host memory only
			 * its dirty blocks hold poison (below) */
};

struct frame_data {
	uint64_t val;
	uint64_t exc;
	uint16_t idx;
	uint8_t state;	/* enum frame_data_state */
};

extern struct frame_data *physmem_fdata;	/* per pfn */

/*
 * Dirty blocks. physmem_zmask[pfn] has a bit for each 64-byte block (8
 * words) of the frame's host memory that may be non-zero; a clear bit
 * promises the block is zero. ~0: nothing known (page_address() handed
 * out a pointer, which may write anywhere). It describes host memory, so
 * it outlives the execution: a mark never writes host memory.
 * It lets a frame be zeroed, poisoned, checked for poison and scanned
 * (check/pt_scan.h) at the cost of its dirty blocks instead of 4 KiB:
 *  - a page table is written only through the entry stores of
 *    arch/pgtable.h (physmem_zmask_note() of the entry), the walker's CAS
 *    of a present entry (its block is dirty already) and store-buffer
 *    drains (sim_sb_set_store_hook());
 *  - a user page is written through physmem_store_word(), which notes it,
 *    until page_address() hands out a pointer.
 * A real frame such a mask knows is poisoned lazily when freed (FD_LAZY):
 * its dirty blocks get poison and the rest stays zero in host memory,
 * while every reader sees PAGE_POISON (physmem_load_word(); page_address()
 * writes the poison out in full); the poison check reads the dirty blocks.
 * A write the mask misses would hide an entry from the checkers' scans:
 * the ASan build checks every promise it relies on (arch/physmem.c).
 * SIM_STRESS: not kept; every fill and check is of the whole frame.
 */
extern uint64_t *physmem_zmask;	/* per pfn */

/* A store through host pointer @p into the arena may make its block
 * non-zero (kept as a bit, below any yield point: no cost worth one). */
static inline void physmem_zmask_note(const void *p)
{
#ifndef SIM_STRESS
	unsigned long off = (unsigned long)((const unsigned char *)p -
					    physmem_base);

	physmem_zmask[off >> 12] |= 1ULL << ((off >> 6) & 63);
#endif
}

/* Blocks of words [@from, @to) (@from < @to) of frame @pfn: dirty. */
static inline void physmem_zmask_words(unsigned long pfn, unsigned from,
				       unsigned to)
{
#ifndef SIM_STRESS
	unsigned a = from >> 3, b = (to - 1) >> 3;

	physmem_zmask[pfn] |= (b == 63 ? ~0ULL : (2ULL << b) - 1) &
			      (~0ULL << a);
#endif
}

/* physmem.c's page-table frames: made real and zeroed (dirty blocks
 * only), with the mask kept; page_address() would give the mask up. */
void physmem_table_real(unsigned long pfn);
/* ASan build: abort naming @where unless the table at host address
 * @table is zero in every block its mask calls clean; else nothing. */
void physmem_zmask_check(const void *table, const char *where);

/*
 * Host address of a frame, raw: only for frames that are real (page
 * tables are made real when allocated). Anything else uses
 * page_address()/pfn_to_virt(), which make the frame real first.
 */
static inline void *__pfn_va(unsigned long pfn)
{
	return physmem_base + (pfn << PAGE_SHIFT);
}

/* Word @idx (0..511) of the page a mark that is not FD_REAL stands for
 * (a frame's, or a copy of one: a swap slot keeps its page's mark). */
static inline uint64_t physmem_mark_word(const struct frame_data *fd,
					 unsigned idx)
{
	switch (fd->state) {
	case FD_UNIFORM1:
		if (fd->idx == idx)
			return fd->exc;
		/* fall through */
	case FD_UNIFORM:
		return fd->val;
	default:	/* FD_POISON, FD_LAZY */
		return PAGE_POISON;
	}
}

/* The frame's word @idx (0..511) without making the frame real. */
static inline uint64_t physmem_load_word(unsigned long pfn, unsigned idx)
{
	const struct frame_data *fd = &physmem_fdata[pfn];

	if (fd->state == FD_REAL)
		return __atomic_load_n((uint64_t *)__pfn_va(pfn) + idx,
				       __ATOMIC_SEQ_CST);
	return physmem_mark_word(fd, idx);
}

/* Does the frame's mark say every word holds @v (FD_UNIFORM)? No read. */
static inline bool physmem_frame_all(unsigned long pfn, uint64_t v)
{
	const struct frame_data *fd = &physmem_fdata[pfn];

	return fd->state == FD_UNIFORM && fd->val == v;
}

void __physmem_store_word(unsigned long pfn, unsigned idx, uint64_t v);

/* Store @v into word @idx of the real frame @pfn (its block noted). */
static inline void physmem_store_word_real(unsigned long pfn, unsigned idx,
					   uint64_t v)
{
#ifndef SIM_STRESS
	physmem_zmask[pfn] |= 1ULL << (idx >> 3);
#endif
	__atomic_store_n((uint64_t *)__pfn_va(pfn) + idx, v, __ATOMIC_SEQ_CST);
}

/* Store @v into word @idx of the frame: a mark while it can stay one. */
static inline void physmem_store_word(unsigned long pfn, unsigned idx,
				      uint64_t v)
{
	if (__builtin_expect(physmem_fdata[pfn].state == FD_REAL, 1))
		physmem_store_word_real(pfn, idx, v);
	else
		__physmem_store_word(pfn, idx, v);
}

/*
 * physmem_fill_words - words [@from, @to) of frame @pfn become @v (a
 * store of each, no yield point). A frame left with one value, or one
 * value but one word, stays a mark: filling a whole frame costs O(1).
 */
void physmem_fill_words(unsigned long pfn, unsigned from, unsigned to,
			uint64_t v);

/*
 * physmem_copy_frames - copy the contents of @nr frames from @src to @dst
 * (copy_user_highpage, folio_copy, a THP copy). A source frame that is
 * a mark makes its destination the same mark: only real frames cost
 * their 4 KiB. No yield point (callers put theirs before the copy).
 */
void physmem_copy_frames(struct page *dst, const struct page *src,
			 unsigned long nr);

/* Simulated physical address of a host pointer into the arena. */
static inline unsigned long __pa_host(const void *p)
{
	return (unsigned long)((const unsigned char *)p - physmem_base);
}

/*
 * Struct pages are built lazily, a section of 2^PHYSMEM_SECTION_SHIFT
 * frames at a time, the first time one of them is looked at: host memory
 * follows what executions touch, not `mem` (arch/physmem.c, "Host
 * memory"). A block never straddles two sections.
 */
#define PHYSMEM_SECTION_SHIFT	12
extern uint8_t *physmem_section_ready;
void physmem_init_section(unsigned long pfn);

static inline struct page *pfn_to_page(unsigned long pfn)
{
	if (__builtin_expect(pfn < max_pfn &&
			     !physmem_section_ready[pfn >>
						    PHYSMEM_SECTION_SHIFT], 0))
		physmem_init_section(pfn);
	return &mem_map[pfn];
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

/* Is @pfn a frame (normal or device-private)? Inline: every walk asks. */
static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

/*
 * sim_data_obj - the explorer's name for the data of the frame @page
 * belongs to: the simulated physical address of its folio's first byte
 * (a tail page of a THP names its head). Every access to user data - a
 * user load or store, a kernel copy, DMA through a pin - names this, so
 * sim_access_conflict() sees them race (DESIGN.md "The explorer sees the
 * future"). Pure arithmetic, no yield.
 */
static inline uintptr_t sim_data_obj(const struct page *page)
{
	if (page->compound_head & 1)
		page = (const struct page *)(page->compound_head - 1);
	return (uintptr_t)page_to_pfn(page) << PAGE_SHIFT;
}
/*
 * Host address of the frame's 4 KiB of data (kernel: page_address()). It
 * makes the frame real (its mark written out, 4 KiB) and it stays real
 * until the end of the execution, so the pointer stays good; it covers
 * this one frame only: never reach another frame of a folio by pointer
 * arithmetic (use physmem_copy_frames, or page_address of that page).
 * A free frame made real reads poison, and a store into it is reported.
 */
void *page_address(const struct page *page);
void *pfn_to_virt(unsigned long pfn);
int page_to_nid(const struct page *page);
int pfn_to_nid(unsigned long pfn);
int nr_online_nodes(void);
/* CPU @cpu sits on node cpu % nr_nodes. numa_node_id(): the running CPU's. */
int cpu_to_node(int cpu);
int numa_node_id(void);
/* The first device-private pfn (normal frames are below it). */
extern unsigned long physmem_dev_start;

/* Is @page in the device-private region? */
static inline bool is_device_private_page(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	return pfn >= physmem_dev_start && pfn < max_pfn;
}

/*
 * alloc_pages_node - 2^@order contiguous frames from node @nid (falling
 * back to other nodes unless __GFP_THISNODE), refcount 1, poison checked.
 * Returns NULL when no block is free: never a crash. With __GFP_COMP the
 * block is a compound page (PG_head, tails point at the head, order set).
 * @nid NUMA_NO_NODE: the running CPU's node (node 0 outside tasks).
 */
struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
static inline struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_node(NUMA_NO_NODE, gfp, order);
}
/*
 * __free_pages - drop a reference (a yield point, as put_page); when it was
 * the last, give the 2^@order frames back: they are poisoned.
 */
void __free_pages(struct page *page, unsigned int order);
static inline void __free_page(struct page *page)
{
	__free_pages(page, 0);
}
/*
 * free_frozen_pages - give back a block whose refcount is already 0 (what
 * mm's folio_put calls after folio_put_testzero). @page must head a block
 * allocated with @order (or made one by split_page/physmem_split_block);
 * anything else (double free, wrong order) is a violation, as is a dirty
 * struct page ("Bad page state": mapped, locked, on the LRU, ...).
 */
void free_frozen_pages(struct page *page, unsigned int order);
/* free_frozen_pages(@page + i, 0) for every i < @nr, as one pass. */
void free_frozen_pages_run(struct page *page, unsigned long nr);
/* split_page - a non-compound block of @order becomes 2^order pages, ref 1. */
void split_page(struct page *page, unsigned int order);
/*
 * physmem_split_block - allocator bookkeeping only: the allocated block of
 * @order at @page is now blocks of @new_order, freed one by one (call it
 * when splitting a large folio; struct pages are the caller's business).
 */
void physmem_split_block(struct page *page, unsigned int order,
			 unsigned int new_order);
/* Device-private frames: one at a time, no poison check (device memory). */
struct page *alloc_device_private_page(void);
void free_device_private_page(struct page *page);

/* Is frame @pfn free (in the buddy allocator or never allocated)? */
bool physmem_frame_is_free(unsigned long pfn);

unsigned long nr_free_pages_node(int nid);
unsigned long nr_free_pages(void);
/* Frames allocated and not freed in this execution (leak checks). */
unsigned long nr_allocated_pages(void);
/* Call @fn for every allocated (not free) head-of-block pfn. */
void physmem_for_each_allocated(void (*fn)(struct page *page, unsigned order,
					   void *arg),
				void *arg);

/*
 * physmem_check_free_poison - every free frame this execution made real
 * still holds poison in every word; if not, false with the first bad
 * frame, word index and value. Costs the frames the execution wrote; the
 * end-of-execution invariants call it.
 */
bool physmem_check_free_poison(unsigned long *pfn, unsigned *word,
			       uint64_t *val);

/* Frames whose contents were made real in this execution (their cost). */
unsigned long physmem_nr_real(void);

/* Struct pages restored by the last reset (its cost). */
unsigned long physmem_reset_cost(void);
/* Check the allocator's invariants; false (and a violation) if broken. */
bool assert_physmem_state(void);
/* Bit-identical to the state physmem_init() built? Costs memory size. */
bool physmem_is_pristine(void);

/*
 * physmem_frame_is_zero - does every word of frame @pfn (allocated) read
 * 0? No scheduling point and the frame stays as it is (a mark is not made
 * real): a mark answers at once, a real frame costs its dirty blocks.
 */
bool physmem_frame_is_zero(unsigned long pfn);

#endif /* ARCH_PHYSMEM_H */
