/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/page_ref.h - page and folio reference counts.
 *
 * Tiny wrappers with one assertion each. Every operation is one atomic on
 * page->_refcount and one yield point (the race window is the moment the
 * count changes). The assertions use the value the atomic returned, never a
 * second read, so they add no yield point.
 *
 * Rules: a free page (in the buddy allocator) has refcount 0; a page
 * handed out has 1. A count of 0 on an allocated folio means "frozen"
 * (folio_ref_freeze): speculative getters (folio_try_get) fail on it.
 * folio_put() lives in mm/ (freeing is mm's business).
 */
#ifndef MMSIM_PAGE_REF_H
#define MMSIM_PAGE_REF_H

#include "mm_types.h"
#include "mmdebug.h"
#include "sim/atomic.h"
#include "sim/regress.h"

#define __PR_AT(kind, p, lbl) sim_yield(kind, &(p)->_refcount, lbl)

static inline int page_ref_count(const struct page *page)
{
	__PR_AT(SIM_EV_READ, page, "page_ref_count");
	return SIM_LOAD(&page->_refcount.counter);
}

static inline int folio_ref_count(const struct folio *folio)
{
	return page_ref_count(&folio->page);
}

/* Initialise a count no other task can see yet. Not a yield point. */
static inline void set_page_count(struct page *page, int v)
{
	__atomic_store_n(&page->_refcount.counter, v, SIM_MO);
}

/* Add @nr references; the caller already holds one (never from 0). */
static inline void page_ref_add(struct page *page, int nr)
{
	int v;

	__PR_AT(SIM_EV_RMW, page, "page_ref_add");
	/* atomic_add: returns nothing, orders nothing */
	v = SIM_RMW(&page->_refcount.counter, false,
		    __atomic_add_fetch(&page->_refcount.counter, nr, SIM_MO));
	VM_BUG_ON_PAGE(v - nr <= 0, page);
}

static inline void page_ref_sub(struct page *page, int nr)
{
	int v;

	__PR_AT(SIM_EV_RMW, page, "page_ref_sub");
	/* atomic_sub: returns nothing, orders nothing */
	v = SIM_RMW(&page->_refcount.counter, false,
		    __atomic_sub_fetch(&page->_refcount.counter, nr, SIM_MO));
	VM_BUG_ON_PAGE(v < 0, page);
}

static inline void page_ref_inc(struct page *page)
{
	page_ref_add(page, 1);
}

static inline void page_ref_dec(struct page *page)
{
	page_ref_sub(page, 1);
}

/* Drop @nr references; true if the count reached 0 (caller frees). */
static inline bool page_ref_sub_and_test(struct page *page, int nr)
{
	int v;

	__PR_AT(SIM_EV_RMW, page, "page_ref_sub_and_test");
	/* atomic_sub_and_test: value-returning, a full barrier */
	v = SIM_RMW(&page->_refcount.counter, true,
		    __atomic_sub_fetch(&page->_refcount.counter, nr, SIM_MO));
	VM_BUG_ON_PAGE(v < 0, page);
	return v == 0;
}

static inline bool page_ref_dec_and_test(struct page *page)
{
	return page_ref_sub_and_test(page, 1);
}

static inline void folio_ref_add(struct folio *folio, int nr)
{
	page_ref_add(&folio->page, nr);
}

static inline void folio_ref_sub(struct folio *folio, int nr)
{
	page_ref_sub(&folio->page, nr);
}

static inline void folio_ref_inc(struct folio *folio)
{
	page_ref_add(&folio->page, 1);
}

static inline void folio_ref_dec(struct folio *folio)
{
	page_ref_sub(&folio->page, 1);
}

static inline bool folio_ref_sub_and_test(struct folio *folio, int nr)
{
	return page_ref_sub_and_test(&folio->page, nr);
}

/* folio_put_testzero - drop one reference; true if it was the last. */
static inline bool folio_put_testzero(struct folio *folio)
{
	return page_ref_sub_and_test(&folio->page, 1);
}

/* folio_get - take a reference; the caller must already hold one. */
static inline void folio_get(struct folio *folio)
{
	page_ref_add(&folio->page, 1);
}

static inline void get_page(struct page *page)
{
	folio_get((struct folio *)compound_head(page));
}

/*
 * folio_ref_try_add - add @nr unless the count is 0 (free or frozen).
 * One atomic step. Returns true if the references were taken.
 */
static inline bool folio_ref_try_add(struct folio *folio, int nr)
{
	int c;

	__PR_AT(SIM_EV_RMW, &folio->page, "folio_ref_try_add");
	/* atomic_add_unless: value-returning, a full barrier */
	SIM_RMW(&folio->_refcount.counter, true, ({
		c = __atomic_load_n(&folio->_refcount.counter, SIM_MO);
		while (c != 0 &&
		       !__atomic_compare_exchange_n(&folio->_refcount.counter,
						    &c, c + nr, 0, SIM_MO,
						    SIM_MO))
			;
		0; }));
	VM_BUG_ON_FOLIO(c < 0, folio);
	return c != 0;
}

/*
 * folio_try_get - the speculative reference (GUP-fast, rmap walkers,
 * compaction): fails on a free or frozen folio. The caller must then
 * re-check that the folio is still the one it looked up.
 */
static inline bool folio_try_get(struct folio *folio)
{
	return folio_ref_try_add(folio, 1);
}

static inline bool get_page_unless_zero(struct page *page)
{
	return folio_try_get((struct folio *)page);
}

/*
 * folio_ref_freeze - if the count is exactly @count, make it 0 (frozen),
 * so that no new reference can be taken. Returns true on success.
 */
static inline bool folio_ref_freeze(struct folio *folio, int count)
{
	int old = count;

	VM_BUG_ON_FOLIO(count <= 0, folio);
	__PR_AT(SIM_EV_RMW, &folio->page, "folio_ref_freeze");
	/* atomic_cmpxchg: a full barrier */
	return SIM_RMW(&folio->_refcount.counter, true,
		       __atomic_compare_exchange_n(&folio->_refcount.counter,
						   &old, 0, 0, SIM_MO,
						   SIM_MO));
}

static inline bool page_ref_freeze(struct page *page, int count)
{
	return folio_ref_freeze((struct folio *)page, count);
}

/*
 * __folio_ref_unfreeze - folio_ref_unfreeze without its yield point, for
 * a batch of unfreezes under one yield the caller makes (a THP split's
 * tails). The same store, ordered the same way.
 */
static inline void __folio_ref_unfreeze(struct folio *folio, int count)
{
	VM_BUG_ON_FOLIO(count <= 0, folio);
	VM_BUG_ON_FOLIO(__atomic_load_n(&folio->_refcount.counter,
					SIM_MO) != 0, folio);
	if (sim_regress_on(SIM_REGRESS_PAGE_REF_UNFREEZE_RELAXED))
		SIM_STORE(&folio->_refcount.counter, count, 0);
	else
		SIM_STORE(&folio->_refcount.counter, count, SIM_SB_RELEASE);
}

/*
 * folio_ref_unfreeze - set a frozen (0) count to @count, with release
 * semantics: whatever the freezer wrote to the folio, its mapping and the
 * page tables while the count was frozen is visible before the count is
 * (a speculative folio_try_get() that succeeds sees it).
 */
static inline void folio_ref_unfreeze(struct folio *folio, int count)
{
	VM_BUG_ON_FOLIO(count <= 0, folio);
	VM_BUG_ON_FOLIO(__atomic_load_n(&folio->_refcount.counter,
					SIM_MO) != 0, folio);
	if (sim_regress_on(SIM_REGRESS_PAGE_REF_UNFREEZE_RELAXED)) {
		/*
		 * Old code (before "mm/page_ref: Ensure page_ref_unfreeze is
		 * ordered against prior accesses", Will Deacon, 2017): a
		 * plain atomic_set, which orders nothing; on arm64 the count
		 * may become visible before the critical section's stores.
		 */
		atomic_set(&folio->_refcount, count);
	} else {
		atomic_set_release(&folio->_refcount, count);
	}
}

static inline void page_ref_unfreeze(struct page *page, int count)
{
	folio_ref_unfreeze((struct folio *)page, count);
}

#endif /* MMSIM_PAGE_REF_H */
