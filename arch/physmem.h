/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch/physmem.h - simulated physical memory: frames, NUMA nodes, the
 * device-private region, struct page per frame, a buddy allocator per node.
 *
 * Memory is one arena of frames: node 0 .. nr_nodes-1 split the normal
 * frames evenly and in pfn order; device-private frames come after them.
 * pfn 0 is never handed out (so a zero pfn is always a bug).
 *
 * Cost model: sim_exec_begin() (through a reset hook) restores only the
 * struct pages and frames the execution touched.
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
#define MAX_NUMNODES	8
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
 * Costs the size of memory: call when the configuration changes, not per
 * execution. Registers the per-execution reset hook once.
 * Returns 0, or -1 with a message on stderr if @cfg is impossible.
 */
int physmem_init(const struct physmem_config *cfg);
const struct physmem_config *physmem_config(void);

extern struct page *mem_map;	/* struct page of pfn i: mem_map[i] */
extern unsigned long max_pfn;	/* first pfn past all frames */
extern unsigned char *physmem_base;	/* host address of pfn 0 */

/* Host address of a frame, inline (pfn_to_virt is the same). */
static inline void *__pfn_va(unsigned long pfn)
{
	return physmem_base + (pfn << PAGE_SHIFT);
}

/* Simulated physical address of a host pointer into the arena. */
static inline unsigned long __pa_host(const void *p)
{
	return (unsigned long)((const unsigned char *)p - physmem_base);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return &mem_map[pfn];
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

bool pfn_valid(unsigned long pfn);

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
/* Host address of the frame's 4 KiB of data (kernel: page_address()). */
void *page_address(const struct page *page);
void *pfn_to_virt(unsigned long pfn);
int page_to_nid(const struct page *page);
int pfn_to_nid(unsigned long pfn);
int nr_online_nodes(void);
/* CPU @cpu sits on node cpu % nr_nodes. numa_node_id(): the running CPU's. */
int cpu_to_node(int cpu);
int numa_node_id(void);
/* Is @page in the device-private region? */
bool is_device_private_page(const struct page *page);

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

/* Struct pages restored by the last reset (its cost). */
unsigned long physmem_reset_cost(void);
/* Check the allocator's invariants; false (and a violation) if broken. */
bool assert_physmem_state(void);
/* Bit-identical to the state physmem_init() built? Costs memory size. */
bool physmem_is_pristine(void);

#endif /* ARCH_PHYSMEM_H */
