// SPDX-License-Identifier: GPL-2.0
/*
 * arch/physmem.c - simulated physical memory and the buddy allocator.
 *
 * One mmap'd arena holds every frame: pfns [0, nr_normal) are normal memory
 * split evenly into nodes (one zone each, in pfn order), pfns [dev_start,
 * max_pfn) are device-private memory. pfn 0 is reserved and never handed
 * out, so a zero pfn in a PTE is always a bug.
 *
 * Free memory is kept per node in buddy free lists (orders 0..MAX_PAGE_ORDER)
 * threaded through page->lru of each free block's first page, which has
 * PG_buddy set and its order in ->buddy_order.
 *
 * Poison. A freed frame is filled with PAGE_POISON; when it is handed out
 * again the poison is checked, so a store into a freed frame (a stale TLB
 * entry, a model bug writing through a stale pointer) is reported naming
 * the pfn. Cost choice, since THP-sized blocks are allocated often:
 *  - __GFP_ZERO: every word is checked in the same pass that zeroes it
 *    (one read+write sweep: no dearer than the zeroing alone);
 *  - no __GFP_ZERO, order < HPAGE_PMD_ORDER: every word is checked;
 *  - no __GFP_ZERO, order >= HPAGE_PMD_ORDER: SAMPLE_WORDS words per frame
 *    (first, last and pseudo-random ones fixed per pfn) are checked.
 * The hardware model (arch/mmu.c) also refuses user loads and stores to a
 * free frame at once, so a stale-TLB store is caught even where sampling
 * would miss it.
 * Frames never handed out since physmem_init() are "virgin": the arena is
 * mmap'd zero and is not poisoned up front (that would cost the size of
 * memory); a virgin frame is poisoned (or left zero for __GFP_ZERO) the
 * first time it is allocated, which yields the same contents.
 *
 * Reset. Every struct page the allocator modifies (allocation, free,
 * split, merge, and free-list neighbours whose ->lru links change) is
 * recorded once in a touched list. physmem_reset() restores exactly those
 * struct pages from a pristine copy taken at init, re-poisons frames left
 * allocated and restores the free-list heads: the cost is what the
 * execution touched, and the allocator state afterwards is bit-identical to
 * the initial one, so identical executions get identical pfns.
 *
 * SIM: the allocator has no yield points (the zone lock is not modelled):
 * an allocation or free is atomic with respect to other tasks. Races on
 * refcounts happen in page_ref.h, before __free_pages() gets here.
 *
 * Invariants (checked by assert_physmem_state()):
 *  (1) a page on free_area[o] of node n has PG_buddy, buddy_order o,
 *      refcount 0, pfn aligned to 2^o, and the block lies inside node n;
 *  (2) free_area[o].nr_free is the length of its list;
 *  (3) zone->nr_free_pages = sum over o of nr_free * 2^o;
 *  (4) free frames (normal and device) + nr_allocated = max_pfn - 1
 *      (pfn 0 is reserved).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/physmem.h"
#include "mmdebug.h"
#include "page-flags.h"

#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1)
#define WORDS_PER_FRAME (PAGE_SIZE / sizeof(uint64_t))
#define SAMPLE_WORDS 8

/* Per-frame state, private to this file (fstate[]). */
enum frame_state {
	FRAME_VIRGIN, /* free, never handed out: contents all zero */
	FRAME_FREE, /* free, contents PAGE_POISON */
	FRAME_HEAD, /* first frame of an allocated block */
	FRAME_TAIL, /* other frames of an allocated block */
};

struct free_area {
	struct list_head free_list;
	unsigned long nr_free; /* blocks on free_list */
};

/* One zone per node. */
struct zone {
	unsigned long zone_start_pfn;
	unsigned long zone_end_pfn; /* first pfn past the zone */
	unsigned long nr_free_pages; /* frames */
	struct free_area free_area[NR_PAGE_ORDERS];
};

/* The allocator state that is not in struct pages (saved at init). */
struct physmem_dyn {
	struct zone zones[MAX_NUMNODES];
	struct list_head dev_free; /* free device-private frames */
	unsigned long dev_nr_free;
	unsigned long nr_allocated; /* frames, normal + device */
};

static struct {
	struct physmem_config cfg;
	size_t arena_bytes;
	unsigned long nr_normal; /* normal frames, pfn 0 included */
	unsigned long dev_start; /* first device-private pfn */
	unsigned long per_node; /* frames per node (last gets more) */
	struct physmem_dyn dyn, dyn_pristine;
	struct page *pristine; /* mem_map as physmem_init left it */
	uint8_t *fstate; /* enum frame_state per pfn */
	uint8_t *touched; /* pfn recorded in touched_list? */
	unsigned long *touched_list;
	unsigned long nr_touched;
	unsigned long last_reset_cost;
	bool hook_registered;
} P;

struct page *mem_map;
unsigned long max_pfn;
unsigned char *physmem_base;

static const struct physmem_config physmem_defaults = {
	.mem_bytes = 64UL << 20,
	.nr_nodes = 1,
	.device_bytes = 0,
};

/* ---- touched tracking ---- */

static inline void touch(unsigned long pfn)
{
	if (!P.touched[pfn]) {
		P.touched[pfn] = 1;
		P.touched_list[P.nr_touched++] = pfn;
	}
}

/* The struct page an lru link is embedded in, if any (else a list head). */
static inline void touch_lru_owner(struct list_head *l)
{
	if ((char *)l >= (char *)mem_map &&
	    (char *)l < (char *)(mem_map + max_pfn))
		touch(page_to_pfn(container_of(l, struct page, lru)));
}

/* Free-list insertion and removal also change the neighbours' links. */
static void buddy_list_add(struct page *page, struct list_head *head)
{
	touch_lru_owner(head->next);
	list_add(&page->lru, head);
}

static void buddy_list_del(struct page *page)
{
	touch_lru_owner(page->lru.prev);
	touch_lru_owner(page->lru.next);
	list_del(&page->lru);
}

/* ---- geometry ---- */

bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

void *pfn_to_virt(unsigned long pfn)
{
	return physmem_base + (pfn << PAGE_SHIFT);
}

void *page_address(const struct page *page)
{
	return pfn_to_virt(page_to_pfn(page));
}

int pfn_to_nid(unsigned long pfn)
{
	unsigned long n;

	if (pfn >= P.dev_start)
		return 0; /* SIM: device memory sits on node 0 */
	n = pfn / P.per_node;
	return n >= (unsigned long)P.cfg.nr_nodes ? P.cfg.nr_nodes - 1 : (int)n;
}

int page_to_nid(const struct page *page)
{
	return pfn_to_nid(page_to_pfn(page));
}

int nr_online_nodes(void)
{
	return P.cfg.nr_nodes;
}

int cpu_to_node(int cpu)
{
	return cpu % P.cfg.nr_nodes;
}

int numa_node_id(void)
{
	return cpu_to_node(smp_processor_id());
}

bool is_device_private_page(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	return pfn >= P.dev_start && pfn < max_pfn;
}

const struct physmem_config *physmem_config(void)
{
	return &P.cfg;
}

bool physmem_frame_is_free(unsigned long pfn)
{
	return pfn < max_pfn && P.fstate[pfn] <= FRAME_FREE;
}

/* ---- poison ---- */

static void poison_frame(unsigned long pfn)
{
	uint64_t *w = pfn_to_virt(pfn);

	for (unsigned i = 0; i < WORDS_PER_FRAME; i++)
		w[i] = PAGE_POISON;
}

/* Word indices checked for pfn in a sampled check: fixed per pfn. */
static inline unsigned sample_word(unsigned long pfn, unsigned k)
{
	if (k == 0)
		return 0;
	if (k == 1)
		return WORDS_PER_FRAME - 1;
	return (unsigned)((pfn * 0x9E3779B97F4A7C15ULL + k * 0x632BE5ABULL) >>
			  40) %
	       WORDS_PER_FRAME;
}

/* Returns the index of a non-poison word among the samples, or -1. */
static long check_poison_sampled(unsigned long pfn)
{
	const uint64_t *w = pfn_to_virt(pfn);

	for (unsigned k = 0; k < SAMPLE_WORDS; k++) {
		unsigned i = sample_word(pfn, k);

		if (w[i] != PAGE_POISON)
			return i;
	}
	return -1;
}

/*
 * Check every word of the frame for poison, zeroing it in the same sweep
 * if @zero. Returns the index of the first bad word, or -1.
 */
static long check_poison_full(unsigned long pfn, bool zero)
{
	uint64_t *w = pfn_to_virt(pfn);
	uint64_t acc = 0;

	if (zero) {
		for (unsigned i = 0; i < WORDS_PER_FRAME; i++) {
			acc |= w[i] ^ PAGE_POISON;
			w[i] = 0;
		}
	} else {
		for (unsigned i = 0; i < WORDS_PER_FRAME; i++)
			acc |= w[i] ^ PAGE_POISON;
	}
	if (!acc)
		return -1;
	if (zero) /* contents are gone; we know it was bad somewhere */
		return 0;
	for (unsigned i = 0; i < WORDS_PER_FRAME; i++)
		if (w[i] != PAGE_POISON)
			return i;
	return -1;
}

/*
 * Make the frames of a block being handed out ready: check their poison
 * (see the file comment for what is checked), zero them if asked.
 */
static void prep_frames(unsigned long pfn, unsigned order, gfp_t gfp)
{
	bool zero = gfp & __GFP_ZERO;
	unsigned long nr = 1UL << order;

	for (unsigned long p = pfn; p < pfn + nr; p++) {
		uint64_t *w = pfn_to_virt(p);
		long bad = -1;

		if (P.fstate[p] == FRAME_VIRGIN) {
			if (!zero)
				poison_frame(p);
		} else if (zero || order < HPAGE_PMD_ORDER) {
			bad = check_poison_full(p, zero);
		} else {
			bad = check_poison_sampled(p);
		}
		P.fstate[p] = p == pfn ? FRAME_HEAD : FRAME_TAIL;
		if (unlikely(bad >= 0))
			sim_violation(
				"page allocator: pfn %lu was written after "
				"it was freed (word %ld = %#llx, poison "
				"expected%s)",
				p, bad, (unsigned long long)w[bad],
				zero ? "; zeroed since" : "");
	}
}

/* ---- struct page states ---- */

/* A free frame's struct page that is not the head of a free block. */
static void page_set_clean(struct page *page, int nid)
{
	memset(page, 0, sizeof(*page));
	INIT_LIST_HEAD(&page->lru);
	page->_mapcount.counter = -1;
	page->_entire_mapcount.counter = -1;
	page->nid = nid;
}

static void bad_page(struct page *page, const char *reason)
{
	sim_violation("BUG: Bad page state: pfn %lu: %s (flags %#lx, "
		      "refcount %d, mapcount %d)",
		      page_to_pfn(page), reason, page->flags,
		      page->_refcount.counter, page->_mapcount.counter);
}

/* A free frame's struct page must be as free_pages_prepare() left it. */
static void check_new_page(struct page *page)
{
	if (unlikely(page->_refcount.counter != 0))
		bad_page(page, "nonzero refcount in a free page");
	else if (unlikely(page->_mapcount.counter != -1))
		bad_page(page, "nonzero mapcount in a free page");
	else if (unlikely(page->mapping != NULL))
		bad_page(page, "non-NULL mapping in a free page");
	else if (unlikely(page->flags & ~BIT(PG_buddy)))
		bad_page(page, "flags set in a free page");
}

/* ---- buddy ---- */

/*
 * Take a block of @order from @z, splitting a larger one if needed.
 * Returns its first page, still with the free-state struct pages, or NULL.
 */
static struct page *rmqueue(struct zone *z, unsigned order)
{
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &z->free_area[o];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, lru);
		touch(page_to_pfn(page));
		buddy_list_del(page);
		area->nr_free--;
		page->flags &= ~BIT(PG_buddy);
		page->buddy_order = 0;
		/* expand(): give back the upper halves */
		while (o > order) {
			struct page *buddy;

			o--;
			buddy = page + (1UL << o);
			touch(page_to_pfn(buddy));
			buddy->flags |= BIT(PG_buddy);
			buddy->buddy_order = o;
			buddy_list_add(buddy, &z->free_area[o].free_list);
			z->free_area[o].nr_free++;
		}
		z->nr_free_pages -= 1UL << order;
		return page;
	}
	return NULL;
}

/* Give a block back to its zone, merging it with free buddies. */
static void __free_one_block(unsigned long pfn, unsigned order)
{
	struct zone *z = &P.dyn.zones[pfn_to_nid(pfn)];
	struct page *page;

	z->nr_free_pages += 1UL << order;
	while (order < MAX_PAGE_ORDER) {
		unsigned long bpfn = pfn ^ (1UL << order);
		struct page *buddy = &mem_map[bpfn];

		if (bpfn < z->zone_start_pfn ||
		    bpfn + (1UL << order) > z->zone_end_pfn)
			break;
		if (!(buddy->flags & BIT(PG_buddy)) ||
		    buddy->buddy_order != order)
			break;
		touch(bpfn);
		buddy_list_del(buddy);
		z->free_area[order].nr_free--;
		buddy->flags &= ~BIT(PG_buddy);
		buddy->buddy_order = 0;
		pfn &= ~(1UL << order);
		order++;
	}
	page = &mem_map[pfn];
	touch(pfn);
	page->flags |= BIT(PG_buddy);
	page->buddy_order = order;
	buddy_list_add(page, &z->free_area[order].free_list);
	z->free_area[order].nr_free++;
}

/* ---- allocation ---- */

/* prep_new_page: struct pages of a block being handed out. */
static void prep_new_page(struct page *page, unsigned order, gfp_t gfp)
{
	unsigned long pfn = page_to_pfn(page), nr = 1UL << order;

	for (unsigned long i = 0; i < nr; i++) {
		touch(pfn + i);
		check_new_page(page + i);
	}
	prep_frames(pfn, order, gfp);
	page->buddy_order = order; /* allocated block's order */
	page->_refcount.counter = 1;
	if ((gfp & __GFP_COMP) && order) {
		page->flags |= BIT(PG_head);
		page->_folio_order = order;
		page->_entire_mapcount.counter = -1;
		page->_nr_pages_mapped.counter = 0;
		page->_pincount.counter = 0;
		for (unsigned long i = 1; i < nr; i++)
			page[i].compound_head = (unsigned long)page | 1;
	}
	P.dyn.nr_allocated += nr;
}

/*
 * alloc_pages_node - see physmem.h. SIM: no yield point (zone lock not
 * modelled). Fallback order from node n: n+1, n+2, ... (mod nr_nodes).
 */
struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	struct page *page = NULL;
	int nr = P.cfg.nr_nodes;

	if (order > MAX_PAGE_ORDER)
		return NULL;
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	VM_BUG_ON(nid < 0 || nid >= nr);
	if (nid < 0 || nid >= nr)
		return NULL;
	for (int i = 0; i < nr && !page; i++) {
		page = rmqueue(&P.dyn.zones[(nid + i) % nr], order);
		if (gfp & __GFP_THISNODE)
			break;
	}
	if (!page)
		return NULL;
	prep_new_page(page, order, gfp);
	return page;
}

/*
 * free_pages_check: the struct page of a page being freed must be clean.
 * Clears what the kernel's free_pages_prepare() clears (anon ->mapping).
 */
static void free_pages_check(struct page *page, struct page *head, bool tail)
{
	unsigned long m = (unsigned long)page->mapping;

	if (unlikely(page->_mapcount.counter != -1))
		bad_page(page, "nonzero mapcount");
	else if (unlikely(!tail && page->_refcount.counter != 0))
		bad_page(page, "nonzero _refcount");
	else if (unlikely(tail && page->_refcount.counter != 0))
		bad_page(page, "nonzero _refcount in a tail page");
	else if (unlikely(m && !(m & PAGE_MAPPING_FLAGS)))
		bad_page(page, "non-NULL mapping");
	else if (unlikely(page->flags & PAGE_FLAGS_CHECK_AT_FREE))
		bad_page(page, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
	else if (unlikely(tail &&
			  page->compound_head != ((unsigned long)head | 1)))
		bad_page(page, "corrupted compound_head");
}

/*
 * free_frozen_pages - free a block whose refcount is already 0. @page must
 * be the first page of a block handed out with @order (or made one by
 * split_page()/physmem_split_block()). A double free or a wrong order is a
 * violation. Frames are poisoned; struct pages reset to the free state.
 */
void free_frozen_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), nr = 1UL << order;
	bool comp;
	int nid;

	if (unlikely(pfn >= P.dev_start || pfn == 0 ||
		     P.fstate[pfn] != FRAME_HEAD ||
		     page->buddy_order != order)) {
		sim_violation("page allocator: freeing pfn %lu order %u, which "
			      "is not an allocated block of that order (double "
			      "free? split_page() not called?)",
			      pfn, order);
		return;
	}
	comp = page->flags & BIT(PG_head);
	if (comp && unlikely(page->_folio_order != order))
		bad_page(page, "freeing a folio with the wrong order");
	if (comp && unlikely(page->_entire_mapcount.counter != -1 ||
			     page->_nr_pages_mapped.counter != 0))
		bad_page(page, "freeing a folio that is still mapped");
	if (comp && unlikely(page->_pincount.counter != 0))
		bad_page(page, "freeing a folio with nonzero _pincount");
	page->flags &= ~BIT(PG_head);
	free_pages_check(page, page, false);
	for (unsigned long i = 1; i < nr; i++)
		if (comp)
			free_pages_check(page + i, page, true);

	nid = pfn_to_nid(pfn);
	for (unsigned long p = pfn; p < pfn + nr; p++) {
		touch(p);
		poison_frame(p);
		P.fstate[p] = FRAME_FREE;
		page_set_clean(&mem_map[p], nid);
	}
	P.dyn.nr_allocated -= nr;
	__free_one_block(pfn, order);
}

/* __free_pages - drop a reference; free the block if it was the last. */
void __free_pages(struct page *page, unsigned int order)
{
	int v;

	sim_yield(SIM_EV_RMW, &page->_refcount, "__free_pages:put");
	v = __atomic_sub_fetch(&page->_refcount.counter, 1, __ATOMIC_SEQ_CST);
	VM_BUG_ON_PAGE(v < 0, page);
	if (v == 0)
		free_frozen_pages(page, order);
}

/*
 * split_page - turn an allocated non-compound block of @order into 2^order
 * order-0 pages, each with refcount 1 (the head keeps its count).
 */
void split_page(struct page *page, unsigned int order)
{
	VM_BUG_ON_PAGE(PageHead(page), page);
	physmem_split_block(page, order, 0);
	for (unsigned long i = 1; i < (1UL << order); i++)
		page[i]._refcount.counter = 1;
}

/*
 * physmem_split_block - the allocator's bookkeeping of an allocated block
 * of @order becoming blocks of @new_order (each freed separately later).
 * Struct pages are the caller's business (split_huge_page sets refcounts,
 * flags and compound heads). Not a yield point.
 */
void physmem_split_block(struct page *page, unsigned int order,
			 unsigned int new_order)
{
	unsigned long pfn = page_to_pfn(page);

	VM_BUG_ON_PAGE(P.fstate[pfn] != FRAME_HEAD ||
			       page->buddy_order != order,
		       page);
	VM_BUG_ON_PAGE(new_order > order, page);
	for (unsigned long p = pfn; p < pfn + (1UL << order);
	     p += 1UL << new_order) {
		touch(p);
		P.fstate[p] = FRAME_HEAD;
		mem_map[p].buddy_order = new_order;
	}
}

/* ---- device-private memory ---- */

struct page *alloc_device_private_page(void)
{
	struct page *page;
	unsigned long pfn;

	if (list_empty(&P.dyn.dev_free))
		return NULL;
	page = list_first_entry(&P.dyn.dev_free, struct page, lru);
	pfn = page_to_pfn(page);
	touch(pfn);
	buddy_list_del(page);
	P.dyn.dev_nr_free--;
	page->flags &= ~BIT(PG_buddy);
	check_new_page(page);
	if (P.fstate[pfn] == FRAME_VIRGIN)
		poison_frame(pfn);
	P.fstate[pfn] = FRAME_HEAD;
	page->_refcount.counter = 1;
	P.dyn.nr_allocated++;
	return page;
}

/* Refcount must be 0 (the driver's page_free callback). */
void free_device_private_page(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	if (unlikely(!is_device_private_page(page) ||
		     P.fstate[pfn] != FRAME_HEAD)) {
		sim_violation("freeing device-private pfn %lu that is not "
			      "allocated",
			      pfn);
		return;
	}
	free_pages_check(page, page, false);
	touch(pfn);
	poison_frame(pfn);
	P.fstate[pfn] = FRAME_FREE;
	page_set_clean(page, 0);
	page->flags = BIT(PG_buddy);
	buddy_list_add(page, &P.dyn.dev_free);
	P.dyn.dev_nr_free++;
	P.dyn.nr_allocated--;
}

/* ---- statistics ---- */

unsigned long nr_free_pages_node(int nid)
{
	if (nid < 0 || nid >= P.cfg.nr_nodes)
		return 0;
	return P.dyn.zones[nid].nr_free_pages;
}

unsigned long nr_free_pages(void)
{
	unsigned long n = 0;

	for (int i = 0; i < P.cfg.nr_nodes; i++)
		n += P.dyn.zones[i].nr_free_pages;
	return n;
}

unsigned long nr_allocated_pages(void)
{
	return P.dyn.nr_allocated;
}

/*
 * Every allocated block was allocated in this execution, so it is on the
 * touched list: the walk costs what the execution touched.
 */
void physmem_for_each_allocated(void (*fn)(struct page *page, unsigned order,
					   void *arg),
				void *arg)
{
	for (unsigned long i = 0; i < P.nr_touched; i++) {
		unsigned long pfn = P.touched_list[i];

		if (P.fstate[pfn] == FRAME_HEAD)
			fn(&mem_map[pfn], mem_map[pfn].buddy_order, arg);
	}
}

unsigned long physmem_reset_cost(void)
{
	return P.last_reset_cost;
}

/* ---- reset ---- */

/*
 * physmem_reset - the per-execution reset hook: restore every touched
 * struct page from the pristine copy, re-poison frames left allocated,
 * restore the free-list heads. Costs what the last execution touched.
 */
static void physmem_reset(void)
{
	for (unsigned long i = 0; i < P.nr_touched; i++) {
		unsigned long pfn = P.touched_list[i];

		switch (P.fstate[pfn]) {
		case FRAME_HEAD:
		case FRAME_TAIL:
			poison_frame(pfn);
			P.fstate[pfn] = FRAME_FREE;
			break;
		case FRAME_FREE:
			/* heal a store into a free frame no allocation saw */
			if (check_poison_sampled(pfn) >= 0)
				poison_frame(pfn);
			break;
		}
		memcpy(&mem_map[pfn], &P.pristine[pfn], sizeof(struct page));
		P.touched[pfn] = 0;
	}
	P.last_reset_cost = P.nr_touched;
	P.nr_touched = 0;
	P.dyn = P.dyn_pristine;
}

/* ---- init ---- */

static void physmem_free_arrays(void)
{
	if (physmem_base)
		munmap(physmem_base, P.arena_bytes);
	free(mem_map);
	free(P.pristine);
	free(P.fstate);
	free(P.touched);
	free(P.touched_list);
	physmem_base = NULL;
	mem_map = NULL;
}

/* Carve [start, end) of a zone into maximal aligned free blocks. */
static void zone_init_free(struct zone *z, unsigned long start,
			   unsigned long end)
{
	unsigned long pfn = start;

	while (pfn < end) {
		unsigned o = MAX_PAGE_ORDER;
		struct page *page;

		while (o &&
		       ((pfn & ((1UL << o) - 1)) || pfn + (1UL << o) > end))
			o--;
		page = &mem_map[pfn];
		page->flags |= BIT(PG_buddy);
		page->buddy_order = o;
		list_add_tail(&page->lru, &z->free_area[o].free_list);
		z->free_area[o].nr_free++;
		z->nr_free_pages += 1UL << o;
		pfn += 1UL << o;
	}
}

int physmem_init(const struct physmem_config *cfg)
{
	struct physmem_config c = cfg ? *cfg : physmem_defaults;
	unsigned long nr_dev;

	if (!c.mem_bytes)
		c.mem_bytes = physmem_defaults.mem_bytes;
	if (!c.nr_nodes)
		c.nr_nodes = 1;
	if (c.nr_nodes < 1 || c.nr_nodes > MAX_NUMNODES ||
	    c.mem_bytes % PAGE_SIZE || c.device_bytes % PAGE_SIZE ||
	    c.mem_bytes / PAGE_SIZE < 2UL * c.nr_nodes) {
		fprintf(stderr,
			"physmem: impossible configuration (%lu bytes, "
			"%d nodes, %lu device bytes)\n",
			c.mem_bytes, c.nr_nodes, c.device_bytes);
		return -1;
	}
	physmem_free_arrays();
	memset(&P.dyn, 0, sizeof(P.dyn));
	P.cfg = c;
	P.nr_normal = c.mem_bytes / PAGE_SIZE;
	nr_dev = c.device_bytes / PAGE_SIZE;
	P.dev_start = P.nr_normal;
	max_pfn = P.nr_normal + nr_dev;
	P.per_node = P.nr_normal / c.nr_nodes;
	P.arena_bytes = max_pfn * PAGE_SIZE;
	physmem_base = mmap(NULL, P.arena_bytes, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	mem_map = calloc(max_pfn, sizeof(struct page));
	P.pristine = malloc(max_pfn * sizeof(struct page));
	P.fstate = calloc(max_pfn, 1);
	P.touched = calloc(max_pfn, 1);
	P.touched_list = malloc(max_pfn * sizeof(unsigned long));
	if (physmem_base == MAP_FAILED || !mem_map || !P.pristine ||
	    !P.fstate || !P.touched || !P.touched_list) {
		if (physmem_base == MAP_FAILED)
			physmem_base = NULL;
		fprintf(stderr, "physmem: out of host memory\n");
		physmem_free_arrays();
		return -1;
	}
	P.nr_touched = 0;
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		page_set_clean(&mem_map[pfn], pfn_to_nid(pfn));
	for (int n = 0; n < c.nr_nodes; n++) {
		struct zone *z = &P.dyn.zones[n];

		z->zone_start_pfn = n * P.per_node;
		z->zone_end_pfn = n == c.nr_nodes - 1 ? P.nr_normal :
							(n + 1) * P.per_node;
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			INIT_LIST_HEAD(&z->free_area[o].free_list);
		zone_init_free(z, n ? z->zone_start_pfn : 1, z->zone_end_pfn);
	}
	mem_map[0].flags = BIT(PG_reserved);
	P.fstate[0] = FRAME_HEAD; /* never free, never touched */
	INIT_LIST_HEAD(&P.dyn.dev_free);
	for (unsigned long pfn = P.dev_start; pfn < max_pfn; pfn++) {
		mem_map[pfn].flags = BIT(PG_buddy);
		list_add_tail(&mem_map[pfn].lru, &P.dyn.dev_free);
		P.dyn.dev_nr_free++;
	}
	memcpy(P.pristine, mem_map, max_pfn * sizeof(struct page));
	P.dyn_pristine = P.dyn;
	if (!P.hook_registered) {
		sim_on_reset(physmem_reset);
		P.hook_registered = true;
	}
	return 0;
}

/* ---- debugging ---- */

/*
 * assert_physmem_state - check invariants (1)-(4) of the file comment.
 * Costs the number of free blocks. Returns true if they hold; a broken
 * one is reported through sim_violation().
 */
bool assert_physmem_state(void)
{
	unsigned long free_total = 0;

	for (int n = 0; n < P.cfg.nr_nodes; n++) {
		struct zone *z = &P.dyn.zones[n];
		unsigned long zfree = 0;

		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
			struct free_area *a = &z->free_area[o];
			unsigned long len = 0;
			struct page *page;

			list_for_each_entry(page, &a->free_list, lru) {
				unsigned long pfn = page_to_pfn(page);

				len++;
				if (!(page->flags & BIT(PG_buddy)) ||
				    page->buddy_order != o ||
				    page->_refcount.counter != 0 ||
				    (pfn & ((1UL << o) - 1)) ||
				    pfn < z->zone_start_pfn ||
				    pfn + (1UL << o) > z->zone_end_pfn) {
					sim_violation("physmem invariant (1): "
						      "bad free block pfn %lu "
						      "order %u node %d",
						      pfn, o, n);
					return false;
				}
			}
			if (len != a->nr_free) {
				sim_violation("physmem invariant (2): node %d "
					      "order %u: %lu blocks listed, "
					      "nr_free %lu",
					      n, o, len, a->nr_free);
				return false;
			}
			zfree += a->nr_free << o;
		}
		if (zfree != z->nr_free_pages) {
			sim_violation(
				"physmem invariant (3): node %d: %lu free "
				"frames listed, nr_free_pages %lu",
				n, zfree, z->nr_free_pages);
			return false;
		}
		free_total += zfree;
	}
	free_total += P.dyn.dev_nr_free;
	if (free_total + P.dyn.nr_allocated != max_pfn - 1) {
		sim_violation("physmem invariant (4): %lu free + %lu allocated "
			      "!= %lu frames",
			      free_total, P.dyn.nr_allocated, max_pfn - 1);
		return false;
	}
	return true;
}

/*
 * physmem_is_pristine - is the allocator state bit-identical to the one
 * physmem_init() built? Costs the size of memory: for tests.
 */
bool physmem_is_pristine(void)
{
	if (memcmp(mem_map, P.pristine, max_pfn * sizeof(struct page)))
		return false;
	if (memcmp(&P.dyn, &P.dyn_pristine, sizeof(P.dyn)))
		return false;
	for (unsigned long pfn = 1; pfn < max_pfn; pfn++)
		if (P.fstate[pfn] > FRAME_FREE || P.touched[pfn])
			return false;
	return P.nr_touched == 0;
}
