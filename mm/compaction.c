// SPDX-License-Identifier: GPL-2.0
/*
 * mm/compaction.c - a compaction pass (kernel: mm/compaction.c,
 * isolate_migratepages_block and compact_zone, reduced to migration).
 *
 * The migration scanner walks physical memory, not page tables: it may
 * look at any frame at any time, with no lock that the frame's owner
 * holds. So its protocol is speculative:
 *  (1) lockless look: an anon folio, not already isolated;
 *  (2) folio_try_get(): fails if the frame is free (or frozen);
 *  (3) re-check that the frame still heads that anon folio (it may have
 *      been freed and reused between (1) and (2)), then claim it
 *      (PG_isolated); if someone else has, drop the reference.
 * The reference of (2)..(3) is a transient one a folio's owner may see:
 * the count checks of migration (and the pre-2017 THP NUMA code, seed
 * 000) must tolerate it.
 * Large folios of pageblock order or more (every PMD THP) are skipped, as
 * the kernel's scanner does (skip_isolation_on_order).
 * SIM: no free scanner and no zones: the pass migrates what it isolated on
 * @node to the next node (the same node if there is only one).
 */
#include "huge_mm.h"
#include "migrate.h"
#include "rmap.h"

#define COMPACT_CLUSTER_MAX	256	/* candidates per pass */

struct compact_candidates {
	int node;
	int nr;
	unsigned long pfn[COMPACT_CLUSTER_MAX];
};

/* Snapshot of allocated block heads on the node (the pfn scan). */
static void compact_collect(struct page *page, unsigned order, void *arg)
{
	struct compact_candidates *cc = arg;

	if (cc->nr < COMPACT_CLUSTER_MAX && page_to_nid(page) == cc->node)
		cc->pfn[cc->nr++] = page_to_pfn(page);
}

/* pageblock_order: on x86-64 with THP, HPAGE_PMD_ORDER (9). */
#define pageblock_order	HPAGE_PMD_ORDER

/*
 * skip_isolation_on_order - compaction leaves a large folio alone when it
 * is at least as large as the target order (unless the compaction is the
 * global one of /proc/sys/vm/compact_memory or a node's compact file:
 * @target_order -1), or at least a pageblock: moving it would not make a
 * larger free block (kernel: isolate_migratepages_block; the
 * !cc->alloc_contig case). So a PMD-sized THP is never compacted.
 */
static bool skip_isolation_on_order(unsigned int order, int target_order)
{
	if (target_order != -1 && order >= (unsigned int)target_order)
		return true;
	return order >= pageblock_order;
}

/* isolate_migratepages - (1)..(3) for every candidate; onto @list. */
static void isolate_migratepages(struct compact_candidates *cc,
				 struct list_head *list)
{
	for (int i = 0; i < cc->nr; i++) {
		struct page *page = pfn_to_page(cc->pfn[i]);
		struct folio *folio = page_folio(page);

		/* (1) lockless: anon, mapped, not isolated */
		if (!folio_test_anon(folio) || is_huge_zero_folio(folio) ||
		    PageTail(page) || folio_test_isolated(folio))
			continue;
		/* compound pages of a pageblock or more: skipped (racy) */
		if (folio_test_large(folio) &&
		    skip_isolation_on_order(folio_order(folio), -1))
			continue;
		/* (2) the speculative reference */
		if (!folio_try_get(folio))
			continue;
		/* (3) still the same anon folio, still small enough (the
		 * kernel re-checks the order under the LRU lock)? then claim
		 * it */
		if (page_folio(page) != folio || !folio_test_anon(folio) ||
		    (folio_test_large(folio) &&
		     skip_isolation_on_order(folio_order(folio), -1)) ||
		    folio_test_set_isolated(folio)) {
			folio_put(folio);
			continue;
		}
		list_add_tail(&folio->lru, list);
	}
}

/* compact_node - one pass over @node. Returns folios migrated. */
static int compact_node(int node)
{
	struct compact_candidates *cc = sim_zalloc(sizeof(*cc));
	unsigned int nr_succeeded = 0;
	int target = (node + 1) % nr_online_nodes();
	LIST_HEAD(migratepages);
	int before = (int)migrate_nr_succeeded();

	cc->node = node;
	physmem_for_each_allocated(compact_collect, cc);
	isolate_migratepages(cc, &migratepages);
	sim_free(cc);
	if (list_empty(&migratepages))
		return 0;
	migrate_pages(&migratepages, target, MIGRATE_SYNC, MR_COMPACTION,
		      &nr_succeeded);
	putback_movable_pages(&migratepages);
	return (int)migrate_nr_succeeded() - before;
}

/* compact_memory - see migrate.h. Returns base pages migrated. */
int compact_memory(int node)
{
	int n = 0;

	if (node >= nr_online_nodes())
		return -EINVAL;
	if (node >= 0)
		return compact_node(node);
	for (int nid = 0; nid < nr_online_nodes(); nid++)
		n += compact_node(nid);
	return n;
}
