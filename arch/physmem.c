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
 * Contents. An execution pays for the frames it writes, not for the size
 * of the folios it allocates. Each frame's contents are either a mark
 * (struct frame_data, physmem.h) or real:
 *  - FD_POISON: every word PAGE_POISON. A free frame, or one allocated
 *    without __GFP_ZERO (the kernel gives no promise; poison shows it);
 *  - FD_UNIFORM: every word ->val (__GFP_ZERO: 0; a whole-frame fill);
 *  - FD_UNIFORM1: every word ->val but word ->idx, which is ->exc (one
 *    user store into a fresh THP subpage costs no 4 KiB);
 *  - FD_REAL: the 4 KiB are in the host arena at __pfn_va().
 * User loads and stores (arch/mmu.c) read and update marks in place; a
 * second differing word makes the frame real (written out once, 4 KiB).
 * page_address()/pfn_to_virt() make a frame real, so every host pointer
 * into a frame points at real memory, which stays real until the reset.
 * Copies (physmem_copy_frames) copy marks as marks. So zeroing, poisoning
 * and copying a 2 MiB folio cost 512 marks plus the frames actually
 * written, and allocation and reset touch no frame data.
 *
 * Poison. A freed frame that is real holds PAGE_POISON (FD_LAZY when its
 * dirty blocks are known, physmem.h; its mark becomes FD_POISON if not
 * real: nothing can hold a pointer into a frame never real). Every real
 * free frame is checked (every word poison) when it is handed out again,
 * and at the end of every execution (physmem_check_free_poison(), from
 * the invariants), so a store into a freed frame through a pointer (a
 * model bug writing through a stale page_address(), a DMA through a
 * dropped pin) is reported naming the pfn; page_address() of a free
 * frame writes its poison out first, so such a store cannot land in a
 * frame nobody checks. The MMU (arch/mmu.c) refuses user loads and stores
 * to a free frame at once: a stale-TLB access is caught when it happens.
 * SIM_STRESS (real threads) makes every frame real when it is allocated
 * (zeroed or poisoned in full, as the kernel's clear_page): the marks are
 * not thread-safe.
 *
 * Reset. Every struct page the allocator modifies (allocation, free,
 * split, merge, and free-list neighbours whose ->lru links change) is
 * recorded once in a touched list; the frames of a block of order >=
 * CHUNK_ORDER are recorded a chunk of 64 at a time (touch_block()).
 * physmem_reset() rewrites exactly those struct pages to their pristine
 * value (a chunk in one tight loop, physmem_reset_chunk()), makes their
 * frames free poison marks again (no frame data written) and restores
 * the free-list heads: the cost is what the execution touched, and the
 * allocator state afterwards is bit-identical to the initial one, so
 * identical executions get identical pfns. Every touched struct page is
 * rewritten, free ones included: a model bug that writes a free struct
 * page cannot leak into the next execution.
 *
 * Host memory. Nothing is built up front: the arena, mem_map, the marks
 * and the per-pfn arrays are MAP_NORESERVE mappings that cost host memory
 * only where touched. Struct pages are built a section (4096 frames) at a
 * time the first time pfn_to_page() or the allocator looks at one; the
 * pristine value of a struct page is computed (page_pristine()) from
 * where physmem_init() carved the free blocks (struct zone_geom: one run
 * of MAX_PAGE_ORDER blocks per zone plus at most NR_SMALL smaller ones),
 * so there is no pristine copy either. physmem_init() costs the number of
 * nodes; 64 GiB costs what the executions use.
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

/*
 * The zone lock. Controlled mode: none (one task runs at a time and the
 * allocator has no yield points). Stress mode: one mutex for all nodes.
 * SIM: the kernel has a lock per zone; one suffices for the model.
 */
#ifdef SIM_STRESS
#include <pthread.h>
static pthread_mutex_t zone_mutex = PTHREAD_MUTEX_INITIALIZER;
static inline void zone_lock(void)
{
	pthread_mutex_lock(&zone_mutex);
}

static inline void zone_unlock(void)
{
	pthread_mutex_unlock(&zone_mutex);
}
#else
static inline void zone_lock(void)
{
}

static inline void zone_unlock(void)
{
}
#endif

#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1)
#define WORDS_PER_FRAME (PAGE_SIZE / sizeof(uint64_t))

/* Per-frame state, private to this file (fstate[]). */
enum frame_state {
	FRAME_VIRGIN, /* free since physmem_init() */
	FRAME_FREE, /* free (handed out and freed since init) */
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

/*
 * Where physmem_init() carved a zone into free blocks (maximal aligned
 * blocks, ascending): the MAX_PAGE_ORDER blocks form one run, the few
 * smaller ones (where the zone is not aligned) are listed. The pristine
 * struct pages and free lists are computed from this, never stored.
 */
#define NR_SMALL (2 * NR_PAGE_ORDERS)
struct zone_geom {
	unsigned long run_start, run_end; /* MAX_PAGE_ORDER blocks */
	int nr_small;
	unsigned long small_pfn[NR_SMALL]; /* ascending */
	uint8_t small_order[NR_SMALL];
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
	/* the first device-private pfn: physmem_dev_start */
	unsigned long per_node; /* frames per node (last gets more) */
	unsigned per_node_shift; /* log2(per_node) if a power of 2, else 0 */
	struct physmem_dyn dyn, dyn_pristine;
	struct zone_geom geom[MAX_NUMNODES];
	size_t map_bytes; /* of mem_map */
	uint64_t *small_heads; /* bit per pfn: in some zone_geom.small_pfn */
	unsigned long nr_sections;
	uint8_t *fstate; /* enum frame_state per pfn */
	uint8_t *touched; /* T_* bits: in which of the lists below */
	unsigned long *touched_list;
	unsigned long nr_touched;
	unsigned long *heads_list; /* pfns made a block head */
	unsigned long nr_heads;
	unsigned long *real_list; /* pfns whose contents were made real */
	unsigned long nr_real;
	uint8_t *chunk_touched; /* per chunk: on chunk_list */
	unsigned long *chunk_list; /* chunks touched whole (touch_block) */
	unsigned long nr_chunks;
	unsigned long last_reset_cost;
	bool hook_registered;
} P;

struct page *mem_map;
unsigned long max_pfn;
unsigned char *physmem_base;
struct frame_data *physmem_fdata;
uint8_t *physmem_section_ready;

static inline void ensure_section(unsigned long pfn)
{
	if (unlikely(!physmem_section_ready[pfn >> PHYSMEM_SECTION_SHIFT]))
		physmem_init_section(pfn);
}

static const struct physmem_config physmem_defaults = {
	.mem_bytes = 64UL << 20,
	.nr_nodes = 1,
	.device_bytes = 0,
};

/* ---- touched tracking ---- */

/* P.touched[] bits; every pfn on any list is on touched_list. */
#define T_TOUCHED 1
#define T_HEAD 2
#define T_REAL 4

static inline void touch(unsigned long pfn)
{
	if (!P.touched[pfn]) { /* touched: its section is built already */
		ensure_section(pfn);
		P.touched[pfn] = T_TOUCHED;
		P.touched_list[P.nr_touched++] = pfn;
	}
}

/* @pfn heads an allocated block (for physmem_for_each_allocated). */
static inline void touch_head(unsigned long pfn)
{
	touch(pfn);
	if (!(P.touched[pfn] & T_HEAD)) {
		P.touched[pfn] |= T_HEAD;
		P.heads_list[P.nr_heads++] = pfn;
	}
}

/* @pfn's contents are real (for physmem_check_free_poison). */
static inline void touch_real(unsigned long pfn)
{
	touch(pfn);
	if (!(P.touched[pfn] & T_REAL)) {
		P.touched[pfn] |= T_REAL;
		P.real_list[P.nr_real++] = pfn;
	}
}

/*
 * Chunks. A block of order >= CHUNK_ORDER (a THP: 8 chunks) is recorded
 * a chunk of 64 frames at a time instead of frame by frame, and the reset
 * restores a chunk in one tight loop (physmem_reset_chunk). A chunk is
 * 64-aligned, so it is one word of small_heads; it lies inside one zone
 * (a block does: blocks never cross a zone) and never holds pfn 0. A
 * frame on both lists is restored twice, to the same value.
 */
#define CHUNK_ORDER 6
#define CHUNK_FRAMES (1UL << CHUNK_ORDER)

/* Record every frame of the block [@pfn, @pfn + 2^@order) as touched. */
static inline void touch_block(unsigned long pfn, unsigned order)
{
	unsigned long nr = 1UL << order;

	if (order < CHUNK_ORDER || pfn >= physmem_dev_start) {
		for (unsigned long i = 0; i < nr; i++)
			touch(pfn + i);
		return;
	}
	ensure_section(pfn); /* an aligned block lies in one section */
	for (unsigned long c = pfn >> CHUNK_ORDER;
	     c < (pfn + nr) >> CHUNK_ORDER; c++) {
		uint8_t *t = &P.touched[c << CHUNK_ORDER];

		if (P.chunk_touched[c])
			continue;
		P.chunk_touched[c] = 1;
		P.chunk_list[P.nr_chunks++] = c;
		/* touch() of a frame in it is then a no-op */
		for (unsigned i = 0; i < CHUNK_FRAMES; i++)
			t[i] |= T_TOUCHED;
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

/* pfn_valid() is inline in physmem.h (the lines keep the sites below). */
static void *pointer_out(unsigned long pfn, void *w);	/* end of file */

static inline void *pfn_to_virt_raw(unsigned long pfn)
{
	return physmem_base + (pfn << PAGE_SHIFT);
}

static uint64_t *frame_make_real(unsigned long pfn);
/* See physmem.h: the frame becomes real (zone lock: its mark changes). */
void *pfn_to_virt(unsigned long pfn)
{
	void *w = pfn_to_virt_raw(pfn);

	if (unlikely(physmem_fdata[pfn].state != FD_REAL)) {
		zone_lock();
		w = frame_make_real(pfn);
		zone_unlock();
	}
	return pointer_out(pfn, w);	/* the dirty blocks unknown */
}

void *page_address(const struct page *page)
{
	return pfn_to_virt(page_to_pfn(page));
}

int pfn_to_nid(unsigned long pfn)
{
	unsigned long n;

	if (pfn >= physmem_dev_start)
		return 0; /* SIM: device memory sits on node 0 */
	if (P.cfg.nr_nodes == 1)
		return 0;
	n = P.per_node_shift ? pfn >> P.per_node_shift : pfn / P.per_node;
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

/*
 * The first device-private pfn (physmem_init()); global for
 * is_device_private_page(), inline in physmem.h, which every mm/ path
 * that frees or maps a page asks.
 */
unsigned long physmem_dev_start;

const struct physmem_config *physmem_config(void)
{
	return &P.cfg;
}

bool physmem_frame_is_free(unsigned long pfn)
{
	return pfn < max_pfn && P.fstate[pfn] <= FRAME_FREE;
}

/* ---- contents and poison ---- */

static inline bool frame_allocated(unsigned long pfn)
{
	return P.fstate[pfn] > FRAME_FREE;
}

/* A frame of poison, for memcpy and memcmp (libc's are vectorized). */
static uint64_t poison_page[WORDS_PER_FRAME] __attribute__((aligned(64)));

static void fill_frame(uint64_t *w, uint64_t v)
{
	if (v == 0) {
		memset(w, 0, PAGE_SIZE);
	} else if (v == PAGE_POISON) {
		memcpy(w, poison_page, PAGE_SIZE);
	} else {
		for (unsigned i = 0; i < WORDS_PER_FRAME; i++)
			w[i] = v;
	}
}

/* Fills, poison and checks that know the dirty blocks (end of file). */
static void frame_fill(unsigned long pfn, uint64_t v);
static void poison_frame(unsigned long pfn);
static long check_poison(unsigned long pfn);
static void frame_copy(unsigned long d, unsigned long s);
static void copy_lazy(unsigned long d, unsigned long s);
static struct frame_data *fdata_alloc(void);
static void fdata_free(void);

/* Check every word of a real frame for poison: first bad index, or -1. */
static long check_poison_full(unsigned long pfn)
{
	const uint64_t *w = pfn_to_virt_raw(pfn);

	if (likely(!memcmp(w, poison_page, PAGE_SIZE)))
		return -1;
	for (unsigned i = 0; i < WORDS_PER_FRAME; i++)
		if (w[i] != PAGE_POISON)
			return i;
	return -1;
}

/*
 * frame_make_real - write frame @pfn's mark out to host memory (a free
 * frame: its poison) unless it is real already; from now on until the
 * reset its words live in host memory. Returns the frame's host address.
 */
static uint64_t *frame_make_real(unsigned long pfn)
{
	struct frame_data *fd = &physmem_fdata[pfn];
	uint64_t *w = pfn_to_virt_raw(pfn);

	if (likely(fd->state == FD_REAL))
		return w;
	touch_real(pfn);
	if (fd->state == FD_POISON || !frame_allocated(pfn)) {
		frame_fill(pfn, PAGE_POISON);	/* FD_LAZY too: written out */
	} else {
		frame_fill(pfn, fd->val);
		if (fd->state == FD_UNIFORM1)
			physmem_store_word_real(pfn, fd->idx, fd->exc);
	}
	fd->state = FD_REAL;
	return w;
}

/* A mark for frame @pfn (not real), recorded for the reset. */
static inline void frame_set_mark(unsigned long pfn, uint8_t state,
				  uint64_t val)
{
	struct frame_data *fd = &physmem_fdata[pfn];

	touch(pfn);
	fd->state = state;
	fd->val = val;
	fd->exc = 0;
	fd->idx = 0;
}

/* The slow path of physmem_store_word(): the frame is a mark (or
 * FD_LAZY: free, which the MMU refuses; written out, then stored). */
void __physmem_store_word(unsigned long pfn, unsigned idx, uint64_t v)
{
	struct frame_data *fd = &physmem_fdata[pfn];

	switch (fd->state) {
	case FD_POISON:
		frame_set_mark(pfn, FD_UNIFORM, PAGE_POISON);
		/* fall through */
	case FD_UNIFORM:
		if (v == fd->val)
			return;
		touch(pfn);
		fd->state = FD_UNIFORM1;
		fd->idx = idx;
		fd->exc = v;
		return;
	case FD_UNIFORM1:
		if (fd->idx == idx) {
			fd->exc = v;
			if (v == fd->val)
				fd->state = FD_UNIFORM;
			return;
		}
		if (v == fd->val)
			return;
		break;
	}
	(void)frame_make_real(pfn);	/* a second word differs */
	physmem_store_word_real(pfn, idx, v);
}

void physmem_fill_words(unsigned long pfn, unsigned from, unsigned to,
			uint64_t v)
{
	struct frame_data *fd = &physmem_fdata[pfn];
	unsigned outside = WORDS_PER_FRAME - (to - from);
	bool idx_in = fd->idx >= from && fd->idx < to;
	bool rest_is_v = false;

	if (from >= to)
		return;
	switch (fd->state) {
	case FD_POISON:
		rest_is_v = v == PAGE_POISON || !outside;
		break;
	case FD_UNIFORM:
		rest_is_v = v == fd->val || !outside;
		break;
	case FD_UNIFORM1:
		/* the words outside [from, to): val, but ->idx is ->exc */
		rest_is_v = !outside ||
			    (fd->val == v && (idx_in || fd->exc == v)) ||
			    (outside == 1 && !idx_in && fd->exc == v);
		break;
	}
	if (fd->state != FD_REAL && rest_is_v) {
		frame_set_mark(pfn, FD_UNIFORM, v);
		return;
	}
	if (fd->state != FD_REAL && to - from == 1) {
		__physmem_store_word(pfn, from, v);
		return;
	}
	uint64_t *w = frame_make_real(pfn);
	physmem_zmask_words(pfn, from, to);
	for (unsigned i = from; i < to; i++)
		w[i] = v;
}

void physmem_copy_frames(struct page *dst, const struct page *src,
			 unsigned long nr)
{
	unsigned long d = page_to_pfn(dst), s = page_to_pfn(src);
	const struct frame_data *sfd = &physmem_fdata[s];
	struct frame_data *dfd = &physmem_fdata[d];

	for (unsigned long i = 0; i < nr; i++) {
		const struct frame_data *sd = &sfd[i];

		copy_lazy(d + i, s + i);	/* FD_LAZY: written out */
		if (sd->state == FD_REAL) {
			struct frame_data *dd = &dfd[i];

			if (dd->state != FD_REAL) {
				touch_real(d + i);
				dd->state = FD_REAL;
			}
			frame_copy(d + i, s + i);
		} else if (dfd[i].state == FD_REAL) {
			/* a real frame stays real: pointers into it live */
			frame_fill(d + i, sd->state == FD_POISON ? PAGE_POISON :
								   sd->val);
			if (sd->state == FD_UNIFORM1)
				physmem_store_word_real(d + i, sd->idx,
							sd->exc);
		} else {
			touch(d + i);
			dfd[i] = *sd;
		}
	}
}

/*
 * Make the @nr frames from @pfn of a block being handed out ready: a real
 * frame (freed after it was written or made real) is checked for poison
 * in full; each frame becomes a mark: zero for __GFP_ZERO, poison
 * otherwise. The frames are already touched (touch_block); ->fstate is
 * the caller's. SIM_STRESS: real at once (see the file comment).
 */
static void prep_frames(unsigned long pfn, unsigned long nr, bool zero)
{
	struct frame_data *fd = &physmem_fdata[pfn];
	const struct frame_data mark = {
		.state = zero ? FD_UNIFORM : FD_POISON
	};

	for (unsigned long i = 0; i < nr; i++) {
		unsigned long p = pfn + i;

		if (unlikely(fd[i].state >= FD_REAL)) {	/* or FD_LAZY */
			long bad = check_poison(p);

			if (unlikely(bad >= 0))
				sim_violation("page allocator: pfn %lu was "
					      "written after it was freed "
					      "(word %ld = %#llx, poison "
					      "expected)", p, bad,
					      (unsigned long long)((uint64_t *)
						pfn_to_virt_raw(p))[bad]);
		}
#ifdef SIM_STRESS
		fill_frame(pfn_to_virt_raw(p), zero ? 0 : PAGE_POISON);
		touch_real(p);
		fd[i].state = FD_REAL;
#else
		fd[i] = mark;
#endif
	}
}

/*
 * Free frame @p: poison it if real, else its mark becomes poison. The
 * frame is already touched (touch_block).
 */
static inline void free_frame_data(unsigned long p)
{
	struct frame_data *fd = &physmem_fdata[p];

	if (unlikely(fd->state == FD_REAL))
		poison_frame(p);
	else
		*fd = (struct frame_data){ .state = FD_POISON };
}

/*
 * The passes over a block's frames and struct pages are fused, at the end
 * of this file (below every site): free_block_pages(), free_run_pages().
 */
static void free_block_pages(struct page *page, unsigned long nr, int nid,
			     bool comp);

/*
 * physmem_check_free_poison - every real free frame the execution touched
 * still holds its poison in every word; else a violation naming the pfn.
 * Costs the frames written in this execution.
 */
bool physmem_check_free_poison(unsigned long *pfnp, unsigned *wordp,
			       uint64_t *valp)
{
	for (unsigned long i = 0; i < P.nr_real; i++) {
		unsigned long pfn = P.real_list[i];
		long bad;

		if (frame_allocated(pfn) ||
		    physmem_fdata[pfn].state < FD_REAL ||	/* or FD_LAZY */
		    pfn >= physmem_dev_start)
			continue;
		bad = check_poison(pfn);
		if (bad >= 0) {
			*pfnp = pfn;
			*wordp = bad;
			*valp = ((uint64_t *)pfn_to_virt_raw(pfn))[bad];
			return false;
		}
	}
	return true;
}

/* ---- struct page states ---- */

/* A free frame's struct page that is not the head of a free block. */
/*
 * Not const: the compiler then copies it with vector moves instead of
 * folding it into a `rep stos`, whose start-up cost dominated resets.
 */
static struct page clean_page = {
	._mapcount = { -1 },
	._entire_mapcount = { -1 },
	._large_mapcount = { -1 },
};

static inline void page_set_clean(struct page *page, int nid)
{
	memcpy(page, &clean_page, sizeof(*page));
	INIT_LIST_HEAD(&page->lru);
	page->nid = nid;
}

/*
 * page_set_clean() of @nr struct pages from @page (vector stores, at the
 * end of the file), and the other fused passes defined there.
 */
static void pages_set_clean(struct page *page, unsigned long nr, int nid);
static void prep_block_pages(struct page *page, unsigned long nr, bool zero,
			     bool comp);
static bool free_run_bad(unsigned long pfn, unsigned long end);
static void free_run_pages(struct page *page, unsigned long nr, int nid);
static void split_block_heads(unsigned long pfn, unsigned order,
			      unsigned new_order);
/*
 * page_counts(), PAGE_COUNTS_NONE: both counts in one load (mm_types.h).
 */

static void bad_page(struct page *page, const char *reason)
{
	sim_violation("BUG: Bad page state: pfn %lu: %s (flags %#lx, "
		      "refcount %d, mapcount %d)",
		      page_to_pfn(page), reason, page->flags,
		      page->_refcount.counter, page->_mapcount.counter);
}

/*
 * A free frame's struct page must be as free_pages_prepare() left it:
 * the test, in one branch (check_new_page() says what is wrong).
 */
static inline bool new_page_bad(const struct page *page)
{
	/* refcount 0, mapcount -1, no mapping, no flag but PG_buddy */
	return ((page_counts(page) ^ PAGE_COUNTS_NONE) |
		(unsigned long)page->mapping |
		(page->flags & ~BIT(PG_buddy))) != 0;
}

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
		ensure_section(bpfn);
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
	bool zero = gfp & __GFP_ZERO, comp = (gfp & __GFP_COMP) && order;

	touch_block(pfn, order);
	touch_head(pfn);
	/*
	 * One pass over the block: struct page check (check_new_page()),
	 * frame (prep_frames()), tail link. What is wrong is reported as
	 * the separate passes reported it, in their order: see
	 * prep_block_pages(), at the end of the file (below every site,
	 * so that each site keeps its line: trace hashes and the
	 * reads-from fuzzer name sites by line).
	 */
	prep_block_pages(page, nr, zero, comp);
	P.fstate[pfn] = FRAME_HEAD;
	if (nr > 1)
		memset(&P.fstate[pfn + 1], FRAME_TAIL, nr - 1);
	page->buddy_order = order; /* allocated block's order */
	page->_refcount.counter = 1;
	if (comp) {
		page->flags |= BIT(PG_head);
		page->_folio_order = order;
		page->_entire_mapcount.counter = -1;
		page->_large_mapcount.counter = -1;
		page->_nr_pages_mapped.counter = 0;
		page->_pincount.counter = 0;
	}
	P.dyn.nr_allocated += nr;
}

/*
 * alloc_pages_node - see physmem.h. SIM: no yield point (zone lock not
 * modelled). Fallback order from node n: n+1, n+2, ... (mod nr_nodes).
 */
static struct page *__alloc_pages_node_zone(int nid, gfp_t gfp,
					    unsigned int order)
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
 * The test of free_pages_check() for a tail page of a folio headed by
 * @head, in one branch.
 */
static inline bool free_tail_bad(const struct page *page,
				 unsigned long head)
{
	unsigned long m = (unsigned long)page->mapping;

	/* refcount 0, mapcount -1, no flag checked at free, its head */
	return ((page_counts(page) ^ PAGE_COUNTS_NONE) |
		(page->flags & PAGE_FLAGS_CHECK_AT_FREE) |
		(page->compound_head ^ head)) != 0 ||
	       (m && !(m & PAGE_MAPPING_FLAGS));
}

/* The same for a page that is not a tail (no compound_head test). */
static inline bool free_page_bad(const struct page *page)
{
	return free_tail_bad(page, page->compound_head);
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
static void __free_frozen_pages_zone(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), nr = 1UL << order;
	bool comp;
	int nid;

	if (unlikely(pfn >= physmem_dev_start || pfn == 0 ||
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
	nid = pfn_to_nid(pfn);
	touch_block(pfn, order);
	if (nr == 1) {	/* no loops, no calls */
		free_frame_data(pfn);
		page_set_clean(page, nid);
		P.fstate[pfn] = FRAME_FREE;
	} else {
		/*
		 * One pass: tail check (free_pages_check()), frame data,
		 * clean struct page; what is wrong is reported as the
		 * separate passes reported it, in their order (see
		 * free_block_pages(), at the end of the file).
		 */
		free_block_pages(page, nr, nid, comp);
		memset(&P.fstate[pfn], FRAME_FREE, nr);
	}
	P.dyn.nr_allocated -= nr;
	__free_one_block(pfn, order);
}

/*
 * free_frozen_pages_run - free_frozen_pages(@page + i, 0) for each i <
 * @nr (each an allocated order-0 block at refcount 0), in one pass: the
 * run goes to the buddy lists as maximal aligned blocks. The lists end
 * as the single frees would leave them (merging depends only on which
 * frames are free), without the 2 * nr list operations of merging pair
 * by pair.
 */
static void __free_frozen_pages_run(struct page *page, unsigned long nr)
{
	unsigned long pfn = page_to_pfn(page), end = pfn + nr;
	int nid = pfn_to_nid(pfn);
	const struct zone *z = &P.dyn.zones[nid];
	const uint8_t *fstate = P.fstate;

	/* a run inside normal memory and one zone (else: its first pfn) */
	bool inside = end <= physmem_dev_start && end <= z->zone_end_pfn;
	/* one pass: have the checks below (they report) anything to say? */
	bool check = !inside ||
		     free_run_bad(pfn, end);

	for (unsigned long p = pfn; check && p < end; p++) {
		struct page *pg = &mem_map[p];

		if (unlikely(!inside || p == 0 || fstate[p] != FRAME_HEAD ||
			     pg->buddy_order || (pg->flags & BIT(PG_head)))) {
			sim_violation("page allocator: freeing pfn %lu order 0, "
				      "which is not an allocated block of that "
				      "order (double free? split_page() not "
				      "called?)", p);
			return;
		}
	}
	for (unsigned long p = pfn; check && p < end; p++)
		if (unlikely(free_page_bad(&mem_map[p])))
			free_pages_check(&mem_map[p], &mem_map[p], false);
	/*
	 * One pass: touch (pfn order), free frame data, clean struct page.
	 */
	free_run_pages(page, nr, nid);
	memset(&P.fstate[pfn], FRAME_FREE, nr);
	P.dyn.nr_allocated -= nr;
	while (pfn < end) {
		unsigned order = pfn ? (unsigned)__builtin_ctzl(pfn) : 0;

		if (order > MAX_PAGE_ORDER)
			order = MAX_PAGE_ORDER;
		while ((1UL << order) > end - pfn)
			order--;
		__free_one_block(pfn, order);
		pfn += 1UL << order;
	}
}

void free_frozen_pages_run(struct page *page, unsigned long nr)
{
	zone_lock();
	__free_frozen_pages_run(page, nr);
	zone_unlock();
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
	/*
	 * Each new block a head (touch_head, fstate, order), in one loop
	 * at the end of the file that holds the heads list and the arrays
	 * in registers.
	 */
	split_block_heads(pfn, order, new_order);
}

/* ---- device-private memory ---- */

static struct page *__alloc_device_private_page_zone(void)
{
	struct page *page;
	unsigned long pfn;

	if (list_empty(&P.dyn.dev_free))
		return NULL;
	page = list_first_entry(&P.dyn.dev_free, struct page, lru);
	pfn = page_to_pfn(page);
	touch_head(pfn);
	buddy_list_del(page);
	P.dyn.dev_nr_free--;
	page->flags &= ~BIT(PG_buddy);
	check_new_page(page);
	/* device memory: no poison check; its contents start as poison */
	if (physmem_fdata[pfn].state != FD_REAL)
		frame_set_mark(pfn, FD_POISON, 0);
	P.fstate[pfn] = FRAME_HEAD;
	page->_refcount.counter = 1;
	P.dyn.nr_allocated++;
	return page;
}

/* Refcount must be 0 (the driver's page_free callback). */
static void __free_device_private_page_zone(struct page *page)
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
	free_frame_data(pfn);
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
	for (unsigned long i = 0; i < P.nr_heads; i++) {
		unsigned long pfn = P.heads_list[i];

		if (P.fstate[pfn] == FRAME_HEAD)
			fn(&mem_map[pfn], mem_map[pfn].buddy_order, arg);
	}
}

unsigned long physmem_nr_real(void)
{
	return P.nr_real;
}

unsigned long physmem_reset_cost(void)
{
	return P.last_reset_cost;
}

/* ---- pristine state, computed ---- */

/* The order of the free block pristine @pfn heads in zone @n, or -1. */
static int pristine_head_order(int n, unsigned long pfn)
{
	const struct zone_geom *g = &P.geom[n];

	if (pfn >= g->run_start && pfn < g->run_end)
		return (pfn - g->run_start) % (1UL << MAX_PAGE_ORDER) ? -1 :
			MAX_PAGE_ORDER;
	if (!(P.small_heads[pfn / 64] & (1ULL << (pfn % 64))))
		return -1; /* the common case: one bit, no search */
	for (int i = 0; i < g->nr_small && g->small_pfn[i] <= pfn; i++)
		if (g->small_pfn[i] == pfn)
			return g->small_order[i];
	return -1;
}

/*
 * The neighbours of pristine head @pfn of order @o on its free list (list
 * order is pfn order): the previous (@dir -1) or next (@dir 1) head's
 * ->lru, or the list head.
 */
static struct list_head *pristine_link(int n, unsigned long pfn, unsigned o,
				       int dir)
{
	const struct zone_geom *g = &P.geom[n];
	struct list_head *head = &P.dyn.zones[n].free_area[o].free_list;

	if (o == MAX_PAGE_ORDER) {
		unsigned long q = pfn + dir * (1L << MAX_PAGE_ORDER);

		if (q < g->run_start || q >= g->run_end)
			return head;
		return &mem_map[q].lru;
	}
	for (int i = 0; i < g->nr_small; i++) {
		if (g->small_pfn[i] != pfn)
			continue;
		for (int k = i + dir; k >= 0 && k < g->nr_small; k += dir)
			if (g->small_order[k] == o)
				return &mem_map[g->small_pfn[k]].lru;
		return head;
	}
	return head;
}

/* Write the struct page physmem_init() stands for at @pfn into @page. */
static void page_pristine(unsigned long pfn, struct page *page)
{
	int nid = pfn_to_nid(pfn), o;

	page_set_clean(page, nid);
	if (pfn == 0) {
		page->flags = BIT(PG_reserved);
		return;
	}
	if (pfn >= physmem_dev_start) {
		/* every device frame free, on dev_free in pfn order */
		page->flags = BIT(PG_buddy);
		page->lru.prev = pfn == physmem_dev_start ? &P.dyn.dev_free :
						      &mem_map[pfn - 1].lru;
		page->lru.next = pfn == max_pfn - 1 ? &P.dyn.dev_free :
						      &mem_map[pfn + 1].lru;
		return;
	}
	o = pristine_head_order(nid, pfn);
	if (o < 0)
		return;
	page->flags |= BIT(PG_buddy);
	page->buddy_order = o;
	page->lru.prev = pristine_link(nid, pfn, o, -1);
	page->lru.next = pristine_link(nid, pfn, o, 1);
}

/*
 * physmem_init_section - build the struct pages of @pfn's section (all
 * pristine). Not part of any execution's state: the section is as
 * physmem_init() would have left it, and stays built.
 */
void physmem_init_section(unsigned long pfn)
{
	unsigned long s = pfn >> PHYSMEM_SECTION_SHIFT;
	unsigned long lo = s << PHYSMEM_SECTION_SHIFT;
	unsigned long hi = lo + (1UL << PHYSMEM_SECTION_SHIFT);

	if (pfn >= max_pfn || physmem_section_ready[s])
		return;
	if (hi > max_pfn)
		hi = max_pfn;
	for (unsigned long p = lo; p < hi; p++)
		page_pristine(p, &mem_map[p]);
	physmem_section_ready[s] = 1;
}

/* The part of P.dyn the nodes in use have: what a reset restores. */
static void dyn_restore(void)
{
	memcpy(P.dyn.zones, P.dyn_pristine.zones,
	       P.cfg.nr_nodes * sizeof(struct zone));
	P.dyn.dev_free = P.dyn_pristine.dev_free;
	P.dyn.dev_nr_free = P.dyn_pristine.dev_nr_free;
	P.dyn.nr_allocated = P.dyn_pristine.nr_allocated;
}

/* ---- reset ---- */

/*
 * physmem_reset - the per-execution reset hook: restore every touched
 * struct page from the pristine copy, make every touched frame free with
 * the poison mark again (no frame data is written: the next execution
 * writes out what it makes real), restore the free-list heads. Costs
 * what the last execution touched.
 */
/*
 * physmem_reset_chunk - page_pristine() and the rest of the reset of one
 * frame, for the 64 frames of chunk @c: every frame a clean struct page
 * of the chunk's node, then the few pristine free-block heads in it (the
 * chunk's start if it starts a MAX_PAGE_ORDER block of the run, the bits
 * of its small_heads word) written in full.
 */
static void physmem_reset_chunk(unsigned long c)
{
	unsigned long lo = c << CHUNK_ORDER;
	int nid = pfn_to_nid(lo);
	const struct zone_geom *g = &P.geom[nid];
	uint64_t heads = P.small_heads[lo / 64];

	memset(&P.fstate[lo], FRAME_FREE, CHUNK_FRAMES);
	memset(&physmem_fdata[lo], 0, CHUNK_FRAMES * sizeof(struct frame_data));
	memset(&P.touched[lo], 0, CHUNK_FRAMES);
	pages_set_clean(&mem_map[lo], CHUNK_FRAMES, nid);
	if (lo >= g->run_start && lo < g->run_end &&
	    !((lo - g->run_start) % (1UL << MAX_PAGE_ORDER)))
		page_pristine(lo, &mem_map[lo]);
	while (heads) {
		unsigned b = __builtin_ctzll(heads);

		page_pristine(lo + b, &mem_map[lo + b]);
		heads &= heads - 1;
	}
	P.chunk_touched[c] = 0;
}

static void physmem_reset(void)
{
	for (unsigned long i = 0; i < P.nr_touched; i++) {
		unsigned long pfn = P.touched_list[i];

		if (P.fstate[pfn] != FRAME_VIRGIN)
			P.fstate[pfn] = FRAME_FREE;
		memset(&physmem_fdata[pfn], 0, sizeof(struct frame_data));
		page_pristine(pfn, &mem_map[pfn]);
		P.touched[pfn] = 0;
	}
	for (unsigned long i = 0; i < P.nr_chunks; i++)
		physmem_reset_chunk(P.chunk_list[i]);
	P.last_reset_cost = P.nr_touched + P.nr_chunks * CHUNK_FRAMES;
	P.nr_touched = 0;
	P.nr_chunks = 0;
	P.nr_heads = 0;
	P.nr_real = 0;
	dyn_restore();
}

/* ---- init ---- */

/* Anonymous memory that costs nothing until touched; NULL on failure. */
static void *lazy_alloc(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void lazy_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

static void physmem_free_arrays(void)
{
	lazy_free(physmem_base, P.arena_bytes);
	/* the frame data and its dirty blocks (end of file) */
	fdata_free();
	lazy_free(mem_map, P.map_bytes);
	lazy_free(physmem_section_ready, P.nr_sections);
	lazy_free(P.fstate, max_pfn);
	lazy_free(P.small_heads, max_pfn / 8 + 8);
	P.small_heads = NULL;
	lazy_free(P.touched, max_pfn);
	lazy_free(P.touched_list, max_pfn * sizeof(unsigned long));
	lazy_free(P.heads_list, max_pfn * sizeof(unsigned long));
	lazy_free(P.real_list, max_pfn * sizeof(unsigned long));
	lazy_free(P.chunk_touched, max_pfn / CHUNK_FRAMES + 1);
	lazy_free(P.chunk_list,
		  (max_pfn / CHUNK_FRAMES + 1) * sizeof(unsigned long));
	P.chunk_touched = NULL;
	P.chunk_list = NULL;
	physmem_base = NULL;
	mem_map = NULL;
	physmem_section_ready = NULL;
	P.fstate = P.touched = NULL;
	P.touched_list = P.heads_list = P.real_list = NULL;
}

/*
 * Carve [start, end) of zone @n into maximal aligned free blocks: record
 * where they are (P.geom[n]) and set the pristine free-list heads and
 * counts. Costs the number of orders, not the size of the zone.
 */
static void zone_init_free(int n, unsigned long start, unsigned long end)
{
	struct zone *z = &P.dyn.zones[n];
	struct zone_geom *g = &P.geom[n];
	unsigned long pfn = start;
	const unsigned long maxb = 1UL << MAX_PAGE_ORDER;

	memset(g, 0, sizeof(*g));
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		INIT_LIST_HEAD(&z->free_area[o].free_list);
	while (pfn < end) {
		unsigned o = MAX_PAGE_ORDER;
		struct free_area *a;

		while (o &&
		       ((pfn & ((1UL << o) - 1)) || pfn + (1UL << o) > end))
			o--;
		a = &z->free_area[o];
		if (o == MAX_PAGE_ORDER) {
			unsigned long k = (end - pfn) / maxb;

			/* one run of k blocks: the list is first .. last */
			g->run_start = pfn;
			g->run_end = pfn + k * maxb;
			a->free_list.next = &mem_map[pfn].lru;
			a->free_list.prev = &mem_map[g->run_end - maxb].lru;
			a->nr_free = k;
			z->nr_free_pages += k * maxb;
			pfn = g->run_end;
			continue;
		}
		if (list_empty(&a->free_list))
			a->free_list.next = &mem_map[pfn].lru;
		a->free_list.prev = &mem_map[pfn].lru;
		a->nr_free++;
		z->nr_free_pages += 1UL << o;
		P.small_heads[pfn / 64] |= 1ULL << (pfn % 64);
		g->small_pfn[g->nr_small] = pfn;
		g->small_order[g->nr_small++] = o;
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
	if (c.nr_nodes < 1 || c.nr_nodes > MAX_NUMNODES) {
		fprintf(stderr, "physmem: %d nodes: the limit is 1 to %d\n",
			c.nr_nodes, MAX_NUMNODES);
		return -1;
	}
	if (c.mem_bytes % PAGE_SIZE || c.device_bytes % PAGE_SIZE) {
		fprintf(stderr, "physmem: memory (%lu bytes) and device memory "
			"(%lu bytes) must be whole pages of %lu bytes\n",
			c.mem_bytes, c.device_bytes, PAGE_SIZE);
		return -1;
	}
	if (c.mem_bytes / PAGE_SIZE <
	    (unsigned long)PHYSMEM_MIN_PAGES_PER_NODE * c.nr_nodes) {
		fprintf(stderr, "physmem: %lu bytes of memory for %d node%s: "
			"the limit is at least %d pages (%lu bytes) per node\n",
			c.mem_bytes, c.nr_nodes, c.nr_nodes == 1 ? "" : "s",
			PHYSMEM_MIN_PAGES_PER_NODE,
			PHYSMEM_MIN_PAGES_PER_NODE * PAGE_SIZE);
		return -1;
	}
	if (c.mem_bytes > PHYSMEM_MAX_BYTES ||
	    c.device_bytes > PHYSMEM_MAX_BYTES) {
		fprintf(stderr, "physmem: memory (%lu bytes) and device memory "
			"(%lu bytes): the limit is %lu bytes each\n",
			c.mem_bytes, c.device_bytes, PHYSMEM_MAX_BYTES);
		return -1;
	}
	physmem_free_arrays();
	for (unsigned i = 0; i < WORDS_PER_FRAME; i++)
		poison_page[i] = PAGE_POISON;
	memset(&P.dyn, 0, sizeof(P.dyn));
	P.cfg = c;
	P.nr_normal = c.mem_bytes / PAGE_SIZE;
	nr_dev = c.device_bytes / PAGE_SIZE;
	physmem_dev_start = P.nr_normal;
	max_pfn = P.nr_normal + nr_dev;
	P.per_node = P.nr_normal / c.nr_nodes;
	P.per_node_shift = 0;
	if (!(P.per_node & (P.per_node - 1)))
		P.per_node_shift = __builtin_ctzl(P.per_node);
	P.arena_bytes = max_pfn * PAGE_SIZE;
	P.map_bytes = max_pfn * sizeof(struct page);
	P.nr_sections = (max_pfn >> PHYSMEM_SECTION_SHIFT) + 1;
	/* all lazy: host memory follows what executions touch */
	physmem_base = lazy_alloc(P.arena_bytes);
	physmem_fdata = fdata_alloc();	/* and the dirty blocks */
	mem_map = lazy_alloc(P.map_bytes);
	physmem_section_ready = lazy_alloc(P.nr_sections);
	P.fstate = lazy_alloc(max_pfn);
	P.small_heads = lazy_alloc(max_pfn / 8 + 8);
	P.touched = lazy_alloc(max_pfn);
	P.touched_list = lazy_alloc(max_pfn * sizeof(unsigned long));
	P.heads_list = lazy_alloc(max_pfn * sizeof(unsigned long));
	P.real_list = lazy_alloc(max_pfn * sizeof(unsigned long));
	P.chunk_touched = lazy_alloc(max_pfn / CHUNK_FRAMES + 1);
	P.chunk_list = lazy_alloc((max_pfn / CHUNK_FRAMES + 1) *
				  sizeof(unsigned long));
	if (!physmem_base || !physmem_fdata || !mem_map ||
	    !physmem_section_ready || !P.fstate || !P.small_heads ||
	    !P.touched || !P.chunk_touched || !P.chunk_list ||
	    !P.touched_list || !P.heads_list || !P.real_list) {
		fprintf(stderr, "physmem: out of host address space for %lu "
			"frames\n", max_pfn);
		physmem_free_arrays();
		return -1;
	}
	P.nr_touched = P.nr_heads = P.nr_real = P.nr_chunks = 0;
	for (int n = 0; n < c.nr_nodes; n++) {
		struct zone *z = &P.dyn.zones[n];

		z->zone_start_pfn = n * P.per_node;
		z->zone_end_pfn = n == c.nr_nodes - 1 ? P.nr_normal :
							(n + 1) * P.per_node;
		zone_init_free(n, n ? z->zone_start_pfn : 1, z->zone_end_pfn);
	}
	P.fstate[0] = FRAME_HEAD; /* never free, never touched */
	INIT_LIST_HEAD(&P.dyn.dev_free);
	if (nr_dev) {
		P.dyn.dev_free.next = &mem_map[physmem_dev_start].lru;
		P.dyn.dev_free.prev = &mem_map[max_pfn - 1].lru;
		P.dyn.dev_nr_free = nr_dev;
	}
	P.dyn_pristine = P.dyn;
#ifdef SIM_STRESS
	/* real threads: no lazy building under them */
	for (unsigned long pfn = 0; pfn < max_pfn;
	     pfn += 1UL << PHYSMEM_SECTION_SHIFT)
		physmem_init_section(pfn);
#endif
	if (!P.hook_registered) {
		sim_on_reset(physmem_reset);
		P.hook_registered = true;
	}
	return 0;
}

/* ---- debugging ---- */

/* The struct page of @pfn, or its pristine value in @tmp if not built. */
static const struct page *peek_page(unsigned long pfn, struct page *tmp)
{
	if (physmem_section_ready[pfn >> PHYSMEM_SECTION_SHIFT])
		return &mem_map[pfn];
	page_pristine(pfn, tmp);
	return tmp;
}


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
			const struct page *page;
			struct page tmp;

			/* a section not built yet is read as computed */
			for (struct list_head *l = a->free_list.next;
			     l != &a->free_list; l = page->lru.next) {
				unsigned long pfn = page_to_pfn(
					container_of(l, struct page, lru));

				page = peek_page(pfn, &tmp);
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
	struct page tmp;

	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		if (!physmem_section_ready[pfn >> PHYSMEM_SECTION_SHIFT])
			continue; /* not built: pristine by construction */
		memset(&tmp, 0, sizeof(tmp));
		page_pristine(pfn, &tmp);
		if (tmp.lru.next == &tmp.lru) /* an empty list head: itself */
			tmp.lru.next = tmp.lru.prev = &mem_map[pfn].lru;
		if (memcmp(&mem_map[pfn], &tmp, sizeof(tmp)))
			return false;
	}
	if (memcmp(P.dyn.zones, P.dyn_pristine.zones,
		   P.cfg.nr_nodes * sizeof(struct zone)) ||
	    memcmp(&P.dyn.dev_free, &P.dyn_pristine.dev_free,
		   sizeof(P.dyn.dev_free)) ||
	    P.dyn.dev_nr_free != P.dyn_pristine.dev_nr_free ||
	    P.dyn.nr_allocated != P.dyn_pristine.nr_allocated)
		return false;
	for (unsigned long pfn = 1; pfn < max_pfn; pfn++)
		if (P.fstate[pfn] > FRAME_FREE || P.touched[pfn] ||
		    P.chunk_touched[pfn / CHUNK_FRAMES] ||
		    physmem_fdata[pfn].state != FD_POISON ||
		    physmem_fdata[pfn].val || physmem_fdata[pfn].exc ||
		    physmem_fdata[pfn].idx)
			return false;
	return P.nr_touched == 0 && P.nr_chunks == 0;
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	struct page *page;

	zone_lock();
	page = __alloc_pages_node_zone(nid, gfp, order);
	zone_unlock();
	return page;
}

void free_frozen_pages(struct page *page, unsigned int order)
{
	zone_lock();
	__free_frozen_pages_zone(page, order);
	zone_unlock();
}

struct page *alloc_device_private_page(void)
{
	struct page *page;

	zone_lock();
	page = __alloc_device_private_page_zone();
	zone_unlock();
	return page;
}

void free_device_private_page(struct page *page)
{
	zone_lock();
	__free_device_private_page_zone(page);
	zone_unlock();
}

/*
 * ---- the per-page passes over a block, fused ----
 *
 * Placed last, below every yield and violation site of this file (trace
 * hashes name sites by line). Each pass does what the separate passes it
 * replaces did, checks in the same order with the same messages: a check
 * reads only its own struct page, which nothing earlier in the pass wrote.
 */

/*
 * 16 bytes of a struct page: page_vec_clean() writes page_set_clean()'s
 * image as 8 vector stores, then the ->lru self-links over them.
 */
typedef uint64_t page_vec
	__attribute__((vector_size(16), aligned(8), __may_alias__));

_Static_assert(sizeof(struct page) == 8 * sizeof(page_vec),
	       "page_vec_clean() writes 8 vectors");
_Static_assert(offsetof(struct page, flags) == 0 &&
		       offsetof(struct page, lru) == 8 &&
		       offsetof(struct page, mapping) == 24,
	       "page_vec_clean(): ->flags, ->lru, ->mapping in vectors 0, 1");

/* The clean image of node @nid (vectors 2..7 of it are used). */
static inline void clean_image(page_vec img[8], int nid)
{
	struct page c = clean_page;

	c.nid = nid;
	memcpy(img, &c, sizeof(c));
}

/*
 * page_set_clean() from the image's vectors 2..7: clean_page has no flags
 * and no mapping (vectors 0 and 1 are those zeros and the self-links).
 */
static inline void page_vec_clean(struct page *page, page_vec v2,
				  page_vec v3, page_vec v4, page_vec v5,
				  page_vec v6, page_vec v7)
{
	page_vec *d = (page_vec *)page;

	d[0] = (page_vec){ 0, 0 };	/* ->flags, ->lru.next */
	d[1] = (page_vec){ 0, 0 };	/* ->lru.prev, ->mapping */
	INIT_LIST_HEAD(&page->lru);
	d[2] = v2;
	d[3] = v3;
	d[4] = v4;
	d[5] = v5;
	d[6] = v6;
	d[7] = v7;
}

#define PAGE_VEC_ARGS(img) img[2], img[3], img[4], img[5], img[6], img[7]

/* page_set_clean() of @nr struct pages from @page (node @nid). */
static void pages_set_clean(struct page *page, unsigned long nr, int nid)
{
	page_vec img[8];

	clean_image(img, nid);
	for (unsigned long i = 0; i < nr; i++)
		page_vec_clean(page + i, PAGE_VEC_ARGS(img));
}

/*
 * prep_block_pages - prep_new_page()'s per-page work on the block of @nr
 * frames at @page: each struct page checked (check_new_page()), each
 * frame made ready (prep_frames()), each tail of a compound block (@comp)
 * linked to its head. One pass when all is well; if a struct page is bad
 * the separate passes run again, in their order, and report (what the
 * pass wrote - marks of frames that were not real, tail links - is what
 * they write, and no check reads it); a real frame (rare: freed after it
 * was written, in this execution) gets prep_frames() after the pass, in
 * pfn order, as before.
 */
static __attribute__((always_inline)) inline void
prep_block_pass(struct page *page, unsigned long nr, bool zero, bool comp)
{
	unsigned long pfn = page_to_pfn(page), head = (unsigned long)page | 1;
	struct frame_data *fd = &physmem_fdata[pfn];
	const struct frame_data mark = {
		.state = zero ? FD_UNIFORM : FD_POISON
	};
	bool bad = new_page_bad(page), real = fd[0].state >= FD_REAL;

	if (!real)
		fd[0] = mark;
	for (unsigned long i = 1; i < nr; i++) {
		bad |= new_page_bad(page + i);
		if (unlikely(fd[i].state >= FD_REAL))	/* or FD_LAZY */
			real = true;
		else
			fd[i] = mark;
		if (comp)
			page[i].compound_head = head;
	}
	if (unlikely(bad)) {
		for (unsigned long i = 0; i < nr; i++)
			if (unlikely(new_page_bad(page + i)))
				check_new_page(page + i);
		prep_frames(pfn, nr, zero);
		return;
	}
	if (unlikely(real))
		for (unsigned long i = 0; i < nr; i++)
			if (fd[i].state >= FD_REAL)
				prep_frames(pfn + i, 1, zero);
}

static void prep_block_pages(struct page *page, unsigned long nr, bool zero,
			     bool comp)
{
#ifdef SIM_STRESS
	/* every frame made real (prep_frames): the passes as they were */
	unsigned long head = (unsigned long)page | 1;

	for (unsigned long i = 0; i < nr; i++)
		if (unlikely(new_page_bad(page + i)))
			check_new_page(page + i);
	prep_frames(page_to_pfn(page), nr, zero);
	if (comp)
		for (unsigned long i = 1; i < nr; i++)
			page[i].compound_head = head;
#else
	if (comp)
		prep_block_pass(page, nr, zero, true);
	else
		prep_block_pass(page, nr, zero, false);
#endif
}

/*
 * Free the frame data of @pfn (free_frame_data()) and check @page, a tail
 * of the compound block at @head when @tail (free_pages_check()): the
 * slow path of free_block_pass(), out of line so that the pass keeps the
 * clean image in registers.
 */
static __attribute__((noinline)) void free_block_page_slow(struct page *page,
							   struct page *head,
							   bool tail)
{
	if (tail && unlikely(free_tail_bad(page, (unsigned long)head | 1)))
		free_pages_check(page, head, true);
	free_frame_data(page_to_pfn(page));
}

/*
 * free_block_pages - the per-page part of freeing the block of @nr > 1
 * frames at @page (its head checked by the caller): each tail of a
 * compound block (@comp) checked (free_pages_check()), each frame's data
 * freed (free_frame_data()), each struct page made clean (node @nid), in
 * one pass.
 */
static __attribute__((always_inline)) inline void
free_block_pass(struct page *page, unsigned long nr, int nid, bool comp)
{
	unsigned long pfn = page_to_pfn(page), head = (unsigned long)page | 1;
	struct frame_data *fd = &physmem_fdata[pfn];
	page_vec img[8];

	clean_image(img, nid);
	if (unlikely(fd[0].state == FD_REAL))
		free_block_page_slow(page, page, false);
	else
		fd[0] = (struct frame_data){ .state = FD_POISON };
	page_vec_clean(page, PAGE_VEC_ARGS(img));
	for (unsigned long i = 1; i < nr; i++) {
		if (unlikely((comp && free_tail_bad(page + i, head)) ||
			     fd[i].state == FD_REAL))
			free_block_page_slow(page + i, page, comp);
		else
			fd[i] = (struct frame_data){ .state = FD_POISON };
		page_vec_clean(page + i, PAGE_VEC_ARGS(img));
	}
}

static void free_block_pages(struct page *page, unsigned long nr, int nid,
			     bool comp)
{
	if (comp)
		free_block_pass(page, nr, nid, true);
	else
		free_block_pass(page, nr, nid, false);
}

/*
 * free_run_bad - would the checks of __free_frozen_pages_run() find
 * anything wrong with the run [@pfn, @end) inside one zone? One pass
 * that reports nothing: the caller runs the checks that report if so.
 */
static bool free_run_bad(unsigned long pfn, unsigned long end)
{
	const uint8_t *fstate = P.fstate;
	unsigned long bad = pfn == 0;

	for (unsigned long p = pfn; p < end; p++) {
		const struct page *pg = &mem_map[p];

		bad |= (unsigned long)(fstate[p] ^ FRAME_HEAD) |
		       pg->buddy_order | (pg->flags & BIT(PG_head));
		if (unlikely(free_page_bad(pg)))
			bad = 1;
	}
	return bad;
}

/*
 * free_run_pages - the rest of __free_frozen_pages_run()'s per-page work
 * on the checked run of @nr frames at @page, in one pass: each frame
 * touched (in pfn order, as before), its data freed, its struct page made
 * clean (node @nid).
 */
static void free_run_pages(struct page *page, unsigned long nr, int nid)
{
	unsigned long pfn = page_to_pfn(page);
	struct frame_data *fd = &physmem_fdata[pfn];
	page_vec img[8];

	clean_image(img, nid);
	for (unsigned long i = 0; i < nr; i++) {
		touch(pfn + i);
		if (unlikely(fd[i].state == FD_REAL))
			free_block_page_slow(page + i, page + i, false);
		else
			fd[i] = (struct frame_data){ .state = FD_POISON };
		page_vec_clean(page + i, PAGE_VEC_ARGS(img));
	}
}

/*
 * split_block_heads - physmem_split_block()'s loop: every 2^@new_order
 * frames of the block of @order at @pfn head a block (touch_head(), its
 * fstate, its order). The heads list and the arrays are locals: stores
 * through them cannot move them (the build does not assume strict
 * aliasing, so it would reload them each time).
 */
static void split_block_heads(unsigned long pfn, unsigned order,
			      unsigned new_order)
{
	unsigned long *heads = P.heads_list, n = P.nr_heads;
	uint8_t *touched = P.touched, *fstate = P.fstate;
	struct page *map = mem_map;

	for (unsigned long p = pfn; p < pfn + (1UL << order);
	     p += 1UL << new_order) {
		touch(p);	/* touch_head(), its list count in n */
		if (!(touched[p] & T_HEAD)) {
			touched[p] |= T_HEAD;
			heads[n++] = p;
		}
		fstate[p] = FRAME_HEAD;
		map[p].buddy_order = new_order;
	}
	P.nr_heads = n;
}

/* ---- dirty blocks (physmem.h, "Dirty blocks") ---- */

uint64_t *physmem_zmask;

static void sb_store(void *p);

/* Allocated and freed with the frame data: one lifetime, one NULL test. */
static struct frame_data *fdata_alloc(void)
{
	struct frame_data *fd = lazy_alloc(max_pfn * sizeof(*fd));

#ifndef SIM_STRESS
	sim_sb_store_hook = sb_store;
#endif

	/* host memory starts zero (MAP_ANONYMOUS): no block dirty */
	physmem_zmask = lazy_alloc(max_pfn * sizeof(uint64_t));
	if (fd && !physmem_zmask) {
		lazy_free(fd, max_pfn * sizeof(*fd));
		fd = NULL;
	}
	return fd;
}

static void fdata_free(void)
{
	lazy_free(physmem_fdata, max_pfn * sizeof(struct frame_data));
	lazy_free(physmem_zmask, max_pfn * sizeof(uint64_t));
	physmem_fdata = NULL;
	physmem_zmask = NULL;
}

#define BLOCK_WORDS 8	/* a dirty bit's block: 64 bytes */

static const uint64_t zero_block[BLOCK_WORDS];

/* Each block of frame @pfn in @m gets the block at @src (zero, poison). */
static void fill_blocks(unsigned long pfn, uint64_t m, const uint64_t *src)
{
	uint64_t *w = pfn_to_virt_raw(pfn);

	for (; m; m &= m - 1)
		memcpy(w + BLOCK_WORDS * __builtin_ctzll(m), src,
		       BLOCK_WORDS * sizeof(*w));
}

/*
 * The ASan build checks what a mask promises wherever a fill, poison,
 * check or scan relies on it: every block of @pfn outside @m is zero in
 * host memory. A failure is a model (or test) bug: a store into a frame
 * that did not note its block (physmem_zmask_note()).
 */
static void zmask_promise(unsigned long pfn, uint64_t m, const char *where)
{
#if defined(SIM_ASAN) && !defined(SIM_STRESS)
	const uint64_t *w = pfn_to_virt_raw(pfn);

	for (unsigned i = 0; i < WORDS_PER_FRAME; i++)
		if (!(m >> (i / BLOCK_WORDS) & 1) && w[i]) {
			fprintf(stderr, "physmem: %s: pfn %lu word %u holds "
				"%#llx, but its block is not dirty: a store "
				"into the frame was not noted "
				"(physmem_zmask_note)\n", where, pfn, i,
				(unsigned long long)w[i]);
			abort();
		}
#endif
}

void physmem_zmask_check(const void *table, const char *where)
{
	zmask_promise(__pa_host(table) >> PAGE_SHIFT,
		      physmem_zmask[__pa_host(table) >> PAGE_SHIFT], where);
}

/*
 * frame_fill - every word of frame @pfn's host memory becomes @v (the
 * frame is, or is being made, real). Zero costs the dirty blocks when
 * the mask knows them; anything else the 4 KiB (every block dirty).
 */
static void frame_fill(unsigned long pfn, uint64_t v)
{
	uint64_t *w = pfn_to_virt_raw(pfn);
#ifndef SIM_STRESS
	uint64_t m = physmem_zmask[pfn];

	if (v == 0 && m != ~0ULL) {
		zmask_promise(pfn, m, "zeroing a frame");
		fill_blocks(pfn, m, zero_block);
		physmem_zmask[pfn] = 0;
		return;
	}
	physmem_zmask[pfn] = v ? ~0ULL : 0;
#endif
	fill_frame(w, v);
}

/*
 * poison_frame - the real frame @pfn is being freed: it holds poison
 * from now on. With a known mask (a page table, a user page no pointer
 * reached) only the dirty blocks are written and the frame becomes
 * FD_LAZY; else the 4 KiB. Device-private frames: always the 4 KiB.
 */
static void poison_frame(unsigned long pfn)
{
	uint64_t *w = pfn_to_virt_raw(pfn);
#ifndef SIM_STRESS
	uint64_t m = physmem_zmask[pfn];

	if (m != ~0ULL && pfn < physmem_dev_start) {
		zmask_promise(pfn, m, "freeing a frame");
		fill_blocks(pfn, m, poison_page);
		physmem_fdata[pfn].state = FD_LAZY;
		return;
	}
	physmem_zmask[pfn] = ~0ULL;
#endif
	fill_frame(w, PAGE_POISON);
}

/* check_poison - check_poison_full(), of an FD_LAZY frame's dirty blocks
 * (the others are poison to every reader): the same first bad word. */
static long check_poison(unsigned long pfn)
{
	const uint64_t *w = pfn_to_virt_raw(pfn);
	uint64_t m = physmem_zmask[pfn];

	if (physmem_fdata[pfn].state != FD_LAZY)
		return check_poison_full(pfn);
	zmask_promise(pfn, m, "checking a free frame's poison");
	for (; m; m &= m - 1) {
		unsigned b = BLOCK_WORDS * __builtin_ctzll(m);

		if (likely(!memcmp(w + b, poison_page,
				   BLOCK_WORDS * sizeof(*w))))
			continue;
		for (unsigned i = b; i < b + BLOCK_WORDS; i++)
			if (w[i] != PAGE_POISON)
				return i;
	}
	return -1;
}

/*
 * sb_store - a buffered store to @p becomes visible (sim/storebuf.c): in
 * a frame, its block becomes dirty. It may land in a table freed (or
 * zeroed again) since it was issued and noted: into a lazily poisoned
 * frame, its block gets its poison first, as the 4 KiB fill left it.
 */
static void sb_store(void *p)
{
#ifndef SIM_STRESS
	unsigned long off = (unsigned long)((unsigned char *)p - physmem_base);
	unsigned long pfn = off >> PAGE_SHIFT;
	uint64_t bit = 1ULL << ((off >> 6) & 63);

	if ((unsigned char *)p < physmem_base || pfn >= max_pfn)
		return;
	if (physmem_fdata[pfn].state == FD_LAZY && !(physmem_zmask[pfn] & bit))
		fill_blocks(pfn, bit, poison_page);
	physmem_zmask_note(p);
#endif
}

/* frame_copy - the real frame @s's host memory into the real frame @d. */
static void frame_copy(unsigned long d, unsigned long s)
{
	memcpy(pfn_to_virt_raw(d), pfn_to_virt_raw(s), PAGE_SIZE);
#ifndef SIM_STRESS
	physmem_zmask[d] = physmem_zmask[s];
#endif
}

/* copy_lazy - a copy from or into an FD_LAZY (free) frame: its poison is
 * written out first, so the copy sees and makes what it did before. */
static void copy_lazy(unsigned long d, unsigned long s)
{
	if (unlikely(physmem_fdata[s].state == FD_LAZY))
		frame_make_real(s);
	if (unlikely(physmem_fdata[d].state == FD_LAZY))
		frame_make_real(d);
}

/* pointer_out - @w, frame @pfn's host address, is handed out: what is
 * written through it is not noted, so the mask gives up (a page table's
 * pointers only reach the entry stores, which note). */
static void *pointer_out(unsigned long pfn, void *w)
{
#ifndef SIM_STRESS
	if (!__test_bit(PG_table, &pfn_to_page(pfn)->flags))
		physmem_zmask[pfn] = ~0ULL;
#endif
	return w;
}

void physmem_table_real(unsigned long pfn)
{
	zone_lock();
	(void)frame_make_real(pfn);
	zone_unlock();
}

/* physmem_frame_is_zero - see physmem.h. */
bool physmem_frame_is_zero(unsigned long pfn)
{
	const struct frame_data *fd = &physmem_fdata[pfn];
	const uint64_t *w;
	uint64_t mask = ~0ULL;

	switch (fd->state) {
	case FD_UNIFORM:
		return fd->val == 0;
	case FD_UNIFORM1:
		return fd->val == 0 && fd->exc == 0;
	case FD_REAL:
		break;
	default:	/* FD_POISON, FD_LAZY: PAGE_POISON */
		return false;
	}
	w = pfn_to_virt_raw(pfn);
#ifndef SIM_STRESS
	mask = physmem_zmask[pfn];	/* a clear bit: the block is zero */
	zmask_promise(pfn, mask, "comparing a frame with zero");
#endif
	/* the dirty blocks, as check_poison() reads them */
	for (; mask; mask &= mask - 1)
		if (memcmp(w + BLOCK_WORDS * __builtin_ctzll(mask), zero_block,
			   BLOCK_WORDS * sizeof(*w)))
			return false;
	return true;
}
