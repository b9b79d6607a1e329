/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/kgen.h - random sequential scenarios that `mmsim kernel` can
 * compare with the host's kernel (t_kdiff, docs/fidelity.md "The
 * differential fuzzer").
 *
 * kgen(seed, host) is a fourth generator beside scngen.h's three classes:
 * it reuses their helpers (struct gen, gen_op, gen_pick, gen_addr...) but
 * has its own driver, so scngen()'s classes and seeds produce exactly the
 * text they did before. It emits only what tools/kernel_host.c can run on
 * the host (host_cannot() says SKIP to anything else):
 *
 *  - one thread per process (init's `main`, and up to two forked
 *    processes with one thread each, forked from any process); no
 *    kthreads, no spawn;
 *  - a fixed total order: the program is a list of turns, each a run of
 *    ops of one thread; a turn ends with `signal hN` and the next turn's
 *    thread starts with `wait hN`, where it blocked at the end of its
 *    previous turn. Every other thread is blocked on a signal nobody has
 *    sent yet, so the model's sequential execution (the running thread
 *    until it blocks, then the only runnable one) and the host's replay
 *    of it are the order the generator wrote;
 *  - on the process's own memory only (no NAME@PROC);
 *  - ops the host runs through system calls: mmap (private anon, with
 *    MADV_HUGEPAGE 2M regions, MAP_SHARED|MAP_ANONYMOUS, memfd shared and
 *    private), munmap, mprotect, mremap, madvise (the advice the runner
 *    models: dontneed free willneed cold pageout dontfork dofork
 *    wipeonfork keeponfork hugepage nohugepage mergeable unmergeable
 *    remove collapse), fork, exit, wait-exit, load, store, fill, check,
 *    accesses that must fault (`faults`: PROT_NONE, read-only, a hole,
 *    past a file's EOF), `pin read get` (vmsplice) and `pin write
 *    longterm` (an io_uring fixed buffer), dma-read, dma-write, unpin,
 *    move-pages to node 0, truncate, fallocate, collapse, pfn-mark /
 *    same-frame / other-frame;
 *  - config thp= and shmem_enabled= the host's (@host), swap none (the
 *    host has none: pageout and cold then only deactivate), nodes=1.
 *    (scngen.h's gen_unpin and gen_release_pins are not used: they may
 *    say `unpin dirty`.)
 *
 * Left out on purpose (docs/fidelity.md, "What the generator leaves
 * out"): what mmsim kernel SKIPs - kernel-internal ops (reclaim,
 * compact, numa-*, split, ksm-merge, pfn-get, exec), other pins (FOLL_PIN
 * R/O, short-term R/W), `unpin dirty`, memfd huge=, swap - and what the
 * model deliberately does otherwise (each at its place below, naming its
 * row of docs/deviations.md): VMA splits it would not merge back, MADV_FREE
 * of THPs, MADV_FREE/COLD/PAGEOUT around fork (per-CPU LRU batches),
 * collapse of PTE-mapped THPs. The frame statements go
 * at the very end (the model stops at its first failing statement, which
 * the comparison then reports as failing on both sides or not), each
 * right around one write (pfn-mark, store, same-frame/other-frame).
 */
#ifndef TESTS_KGEN_H
#define TESTS_KGEN_H

#include "scngen.h"

/* What the host's sysfs says (the generated config copies it). */
struct kgen_host {
	const char *thp;	/* transparent_hugepage/enabled */
	const char *shmem;	/* transparent_hugepage/shmem_enabled */
};

enum kgen_kind { KG_ANON, KG_THP, KG_SHANON, KG_FSHARED, KG_FPRIVATE };

struct kgen {
	struct gen g;
	enum kgen_kind kind[GEN_MAX_REGIONS];
	unsigned eof[GEN_MAX_REGIONS];	/* a memfd's size in pages */
	int thread_of[GEN_MAX_PROCS];	/* -1: the process has none */
	bool exited[GEN_MAX_PROCS];
	int turn;			/* signals sent */
	/* the region may hold a PTE-mapped THP (or, in no process, a
	 * written page): no collapse (see kgen_madvise) */
	bool no_collapse[GEN_MAX_REGIONS];
	bool forked, freed;	/* freed: free/cold/pageout done */
	/* a write in this process gave the region's VMA an anon_vma */
	bool anon_vma[GEN_MAX_PROCS][GEN_MAX_REGIONS];
};

static bool kgen_file(const struct kgen *k, int ri)
{
	return k->kind[ri] == KG_FSHARED || k->kind[ri] == KG_FPRIVATE;
}

static bool kgen_shared(const struct kgen *k, int ri)
{
	return k->kind[ri] == KG_FSHARED || k->kind[ri] == KG_SHANON;
}

/*
 * Must a VMA flag change on region @ri cover the whole region? The model
 * does not merge the VMAs it split back as the kernel does: mprotect
 * merges only anon VMAs of one anon_vma, never files (docs/deviations.md,
 * the row "mprotect merges after changing"), madvise never re-merges
 * (the row "`vma_merge` only extends the VMA below a new mapping"). A
 * user sees VMA bounds through faultaround (a read fault of a file maps
 * the cached pages around it, within its VMA) and THP eligibility (a 2M
 * VMA), so on file, shared and THP regions such changes cover the whole
 * region (all of it mapped) and nothing is split.
 */
static bool kgen_whole(const struct kgen *k, int ri)
{
	return k->kind[ri] != KG_ANON;
}

/* the run of a whole region for kgen_whole: false if it has holes */
static bool kgen_whole_run(struct kgen *k, int t, int ri, unsigned *first,
			   unsigned *n)
{
	struct gen_region *r = &gen_mm_of(&k->g, t)->r[ri];

	for (unsigned i = 0; i < r->pages; i++)
		if (!gen_ok(&k->g, t, r, i, 0))
			return false;
	*first = 0;
	*n = r->pages;
	return true;
}

/* would an access of @t to page @i of region @ri fault? -1: unknown */
static int kgen_faults(struct kgen *k, int t, int ri, unsigned i, bool store)
{
	struct gen *g = &k->g;
	const struct gen_region *r = &gen_mm_of(g, t)->r[ri];
	const struct gen_page *pg = &r->pg[i];

	if (!r->live || i >= r->pages)
		return -1;	/* past the region: what is there is unsure */
	if (!pg->mapped)
		return 1;
	if (!(pg->prot & 1) || (store && !(pg->prot & 2)))
		return 1;
	if (kgen_file(k, ri) && i >= k->eof[ri])
		return 1;	/* SIGBUS */
	return 0;
}

/*
 * A run of pages of @t that can be accessed (@need: 1 read, 3 write)
 * without a fault: gen_pick, then the file's EOF.
 */
static bool kgen_pick(struct kgen *k, int t, unsigned need, unsigned max,
		      int *ri, unsigned *first, unsigned *n)
{
	if (!gen_pick(&k->g, t, need, max, ri, first, n))
		return false;
	if (kgen_file(k, *ri)) {
		if (*first >= k->eof[*ri])
			return false;
		if (*first + *n > k->eof[*ri])
			*n = k->eof[*ri] - *first;
	}
	return true;
}

static void kgen_pin(struct kgen *k, int t)
{
	struct gen *g = &k->g;
	bool write = gen_chance(g, 50);
	struct gen_pin *p;
	unsigned first, n, live = 0;
	int ri;

	for (int i = 0; i < g->nr_pins; i++)
		live += g->pins[i].thread == t;
	if (live >= 2 || g->nr_pins == 16 ||
	    !kgen_pick(k, t, write ? 3 : 1, 2, &ri, &first, &n))
		return;
	p = &g->pins[g->nr_pins++];
	*p = (struct gen_pin){ t, ri, first, n, write };
	snprintf(p->name, sizeof(p->name), "R%d", ++g->pin_seq);
	/* the two pins a user can take: vmsplice, io_uring */
	gen_op(g, t, "pin %s %s %#x %s", p->name,
	       gen_addr(g, t, ri, first, 0), n * GEN_PAGE,
	       write ? "write longterm" : "read get");
	for (unsigned i = first; i < first + n; i++)
		gen_mm_of(g, t)->r[ri].pg[i].pinned++;
	if (write)
		k->anon_vma[g->th[t].proc][ri] = true;
}

/*
 * unpin of pin @i: never `dirty` (scngen's gen_unpin says it at times):
 * the host releases both kinds of pin clean (mmsim kernel SKIPs it)
 */
static void kgen_unpin(struct kgen *k, int t, int i)
{
	struct gen *g = &k->g;
	struct gen_pin *p = &g->pins[i];
	struct gen_region *r = &gen_mm_of(g, t)->r[p->region];

	gen_op(g, t, "unpin %s", p->name);
	for (int j = p->first; j < p->first + p->n; j++)
		r->pg[j].pinned--;
	g->pins[i] = g->pins[--g->nr_pins];
}

static void kgen_release_pins(struct kgen *k, int t)
{
	for (int i = k->g.nr_pins - 1; i >= 0; i--)
		if (k->g.pins[i].thread == t)
			kgen_unpin(k, t, i);
}

/* dma-read, dma-write (io_uring pins only) or unpin of one of @t's pins */
static bool kgen_pin_op(struct kgen *k, int t)
{
	struct gen *g = &k->g;
	int i = gen_pick_pin(g, t);
	struct gen_pin *p;

	if (i < 0)
		return false;
	p = &g->pins[i];
	switch (gen_below(g, 4)) {
	case 0:
		gen_op(g, t, "dma-read %s+%#x", p->name,
		       gen_below(g, p->n * GEN_PAGE / 8) * 8);
		return true;
	case 1: case 2:
		if (p->write) {
			gen_op(g, t, "dma-write %s+%#x %#llx", p->name,
			       gen_below(g, p->n * GEN_PAGE / 8) * 8,
			       (unsigned long long)gen_val(g));
			return true;
		}
		/* fall through */
	default:
		kgen_unpin(k, t, i);
	}
	return true;
}

/* an access that must fault (prot, a hole, past EOF); false if none */
static bool kgen_fault_op(struct kgen *k, int t)
{
	struct gen *g = &k->g;
	struct gen_mm *m = gen_mm_of(g, t);

	for (int tries = 0; tries < 16; tries++) {
		int ri = gen_below(g, g->nr_regions);
		struct gen_region *r = &m->r[ri];
		unsigned i = gen_below(g, r->pages < 24 ? r->pages : 24);
		bool store = gen_chance(g, 50);

		if (kgen_faults(k, t, ri, i, store) != 1)
			continue;
		if (store)
			gen_op(g, t, "store %s %#llx faults",
			       gen_addr(g, t, ri, i, gen_below(g, 512)),
			       (unsigned long long)gen_val(g));
		else
			gen_op(g, t, "load %s faults",
			       gen_addr(g, t, ri, i, gen_below(g, 512)));
		return true;
	}
	return false;
}

/* the child's view of its parent's memory right after fork */
static void kgen_fork_mm(struct kgen *k, int c, int parent, int owner)
{
	struct gen *g = &k->g;

	g->mm[c] = g->mm[parent];
	for (int ri = 0; ri < g->nr_regions; ri++) {
		struct gen_region *r = &g->mm[c].r[ri];

		for (unsigned i = 0; i < r->max_pages; i++) {
			struct gen_page *pg = &r->pg[i];

			if (pg->dontfork)
				pg->mapped = 0;
			if (pg->wipe)
				pg->touched = 0;
			pg->pinned = 0;
			pg->owner = owner;
		}
	}
}

static void kgen_fork(struct kgen *k, int t)
{
	struct gen *g = &k->g;
	int parent = g->th[t].proc, c = g->nr_procs++;
	char name[8];

	snprintf(g->proc_name[c], 8, "p%d", c & 7);
	gen_op(g, t, "fork %s", g->proc_name[c]);
	for (int ri = 0; ri < g->nr_regions; ri++) {
		k->no_collapse[ri] = true;	/* COW faults split PMDs */
		k->anon_vma[c][ri] = k->anon_vma[parent][ri];
	}
	k->forked = true;
	snprintf(name, sizeof(name), "c%d", c & 7);
	k->thread_of[c] = gen_thread(g, name, c);
	kgen_fork_mm(k, c, parent, k->thread_of[c]);
}

static void kgen_madvise(struct kgen *k, int t)
{
	struct gen *g = &k->g;
	struct gen_region *r;
	unsigned first, n, w = gen_below(g, 16);
	int ri;

	if (!gen_pick(g, t, 0, 3, &ri, &first, &n))
		return;
	r = &gen_mm_of(g, t)->r[ri];
	/* flag changes: whole regions where the model's unmerged VMAs
	 * could be seen (kgen_whole; and before a write, see mprotect in
	 * kgen_one: t_kdiff seed 7750) */
	if (w >= 6 && w < 12 &&
	    (kgen_whole(k, ri) || !k->anon_vma[g->th[t].proc][ri]) &&
	    !kgen_whole_run(k, t, ri, &first, &n))
		return;
	if (k->kind[ri] == KG_THP && w < 14)
		k->no_collapse[ri] = true;	/* a PMD split */
	if (w < 4) {
		/* dontneed: a private page reads zero (or the file) again */
		gen_op(g, t, "madvise %s %#x dontneed",
		       gen_addr(g, t, ri, first, 0), n * GEN_PAGE);
		for (unsigned i = first; i < first + n; i++)
			if (!kgen_shared(k, ri))
				r->pg[i].touched = 0;
		return;
	}
	if (w < 6) {
		static const char *const a[] = { "free", "willneed", "cold",
						 "pageout" };
		const char *adv = a[gen_below(g, 4)];

		/* MADV_FREE: private anon only (-EINVAL otherwise) */
		if (adv[0] == 'f' && k->kind[ri] != KG_ANON &&
		    k->kind[ri] != KG_THP)
			return;
		/*
		 * free, cold and pageout of private memory only before the
		 * first fork, and no fork after one. MADV_FREE of a page
		 * another process maps too still calls folio_mark_lazyfree
		 * (madvise_free_pte_range tests the mapcount only for dirty
		 * or swap-cache folios), MADV_COLD calls folio_deactivate:
		 * both park the folio with a reference in this CPU's
		 * lru_lazyfree / lru_deactivate batch. A COW fault after
		 * the other process is gone then sees that reference (the
		 * folio is still on the LRU, so wp_can_reuse_anon_folio
		 * does not drain) and copies. The model has no per-CPU
		 * batches (docs/deviations.md, the row "No LRU lists") and
		 * reuses: t_kdiff seeds 1839, 23231 (free), 1110670 (cold).
		 */
		if (adv[0] != 'w' && !kgen_shared(k, ri)) {
			if (k->forked)
				return;
			k->freed = true;	/* and no fork after it */
		}
		/*
		 * A THP region: cold, willneed and pageout of the whole
		 * 2M only (all of it mapped: a hole is -ENOMEM; pageout
		 * splits the folio, add_to_swap failing with no swap, and
		 * the split maps the pages that hold only zeroes to the
		 * shared zero page: scenarios/kernel/split-zero-subpages.mms).
		 * Left out: free, as the model splits every large folio it
		 * meets, the kernel makes a whole one lazyfree (docs/
		 * deviations.md, the row "THP_SWAP is not modelled").
		 */
		if (k->kind[ri] == KG_THP) {
			/*
			 * Where the THP may be PTE-mapped (a partial op, a
			 * COW fault after fork) too: 6.18 splits it unless
			 * one batch of PTEs maps all of it and skips it if
			 * another process may map it; the model does the
			 * same since session 12 (mm/madvise_reclaim.c,
			 * scenarios/kernel/cold-shared-thp.mms).
			 */
			if (adv[0] == 'f')
				return;
			for (unsigned i = 0; i < r->pages; i++)
				if (!gen_ok(g, t, r, i, 0))
					return;
			gen_op(g, t, "madvise %s %#x %s", r->name,
			       GEN_THP_PAGES * GEN_PAGE, adv);
			return;
		}

		gen_op(g, t, "madvise %s %#x %s", gen_addr(g, t, ri, first, 0),
		       n * GEN_PAGE, adv);
		return;
	}
	if (w < 8) {
		bool dontfork = gen_chance(g, 50);

		gen_op(g, t, "madvise %s %#x %s", gen_addr(g, t, ri, first, 0),
		       n * GEN_PAGE, dontfork ? "dontfork" : "dofork");
		for (unsigned i = first; i < first + n; i++)
			r->pg[i].dontfork = dontfork;
		r->split = true;
		return;
	}
	if (w < 10) {
		/* MADV_WIPEONFORK: private anon only (-EINVAL otherwise) */
		bool wipe = gen_chance(g, 60);

		if (k->kind[ri] != KG_ANON && k->kind[ri] != KG_THP)
			return;
		gen_op(g, t, "madvise %s %#x %s", gen_addr(g, t, ri, first, 0),
		       n * GEN_PAGE, wipe ? "wipeonfork" : "keeponfork");
		for (unsigned i = first; i < first + n; i++)
			r->pg[i].wipe = wipe;
		r->split = true;
		return;
	}
	if (w < 12) {
		static const char *const a[] = { "hugepage", "nohugepage",
						 "mergeable", "unmergeable" };

		gen_op(g, t, "madvise %s %#x %s", gen_addr(g, t, ri, first, 0),
		       n * GEN_PAGE, a[gen_below(g, 4)]);
		r->split = true;
		return;
	}
	if (w < 14) {
		/* MADV_REMOVE: a shared writable mapping, one VMA */
		if (!kgen_shared(k, ri) || r->split)
			return;
		for (unsigned i = first; i < first + n; i++)
			if (!gen_ok(g, t, r, i, 3))
				return;
		if (k->kind[ri] == KG_FSHARED && first + n > k->eof[ri])
			return;
		gen_op(g, t, "madvise %s %#x remove",
		       gen_addr(g, t, ri, first, 0), n * GEN_PAGE);
		return;
	}
	/*
	 * collapse: a whole 2M region, before anything may have left a
	 * PTE-mapped THP in it (a PMD split by a partial op, or a COW
	 * fault after fork): the model's collapse fails on one, the
	 * kernel's copies it (docs/deviations.md, the row "Collapse:
	 * only MADV_COLLAPSE's control"). A range never written (holes,
	 * zero pages, read-only PTEs) collapses on both sides since fix 9
	 * (docs/fidelity.md).
	 */
	if (k->kind[ri] != KG_THP || k->no_collapse[ri])
		return;
	/* `collapse` is not judged (either side); `madvise collapse`
	 * is, and it fails on an empty range or one with holes */
	if (gen_chance(g, 80))
		gen_op(g, t, "collapse %s", r->name);
	else
		gen_op(g, t, "madvise %s %#x collapse", r->name,
		       GEN_THP_PAGES * GEN_PAGE);
}

static void kgen_file_op(struct kgen *k, int t)
{
	struct gen *g = &k->g;
	int ri = gen_below(g, g->nr_regions);
	struct gen_region *r = &gen_mm_of(g, t)->r[ri];
	unsigned size = r->max_pages;

	if (!kgen_file(k, ri))
		return;
	/* ftruncate: shrink or grow back; pinned pages stay away */
	if (gen_chance(g, 40)) {
		unsigned np = 1 + gen_below(g, size);

		for (int p = 0; p < g->nr_procs; p++)
			if (gen_any_pinned(&g->mm[p].r[ri], np, size - np))
				return;
		gen_op(g, t, "truncate F%s %#x", r->name, np * GEN_PAGE);
		k->eof[ri] = np;
	} else {
		unsigned first = gen_below(g, size), n = 1 + gen_below(g, 2);

		if (first + n > size)
			n = size - first;
		for (int p = 0; p < g->nr_procs; p++)
			if (gen_any_pinned(&g->mm[p].r[ri], first, n))
				return;
		gen_op(g, t, "fallocate F%s %#x %#x", r->name,
		       first * GEN_PAGE, n * GEN_PAGE);
	}
}

/* One random op of thread @t (may emit nothing). */
static void kgen_one(struct kgen *k, int t)
{
	struct gen *g = &k->g;
	struct gen_mm *m = gen_mm_of(g, t);
	unsigned first, n, kind = gen_below(g, 100);
	struct gen_region *r;
	int ri;

	if (kind < 22) {				/* store */
		if (!kgen_pick(k, t, 3, 1, &ri, &first, &n))
			return;
		m->r[ri].pg[first].word = gen_below(g, 512);
		gen_op(g, t, "store %s %#llx",
		       gen_addr(g, t, ri, first, m->r[ri].pg[first].word),
		       (unsigned long long)gen_val(g));
		m->r[ri].pg[first].touched = 1;
		k->anon_vma[g->th[t].proc][ri] = true;
	} else if (kind < 36) {				/* load */
		if (!kgen_pick(k, t, 1, 1, &ri, &first, &n))
			return;
		gen_op(g, t, "load %s", gen_addr(g, t, ri, first,
						 gen_chance(g, 50) ?
						 m->r[ri].pg[first].word :
						 gen_below(g, 512)));
	} else if (kind < 40) {				/* fill, check */
		uint64_t v = gen_val(g);

		if (!kgen_pick(k, t, 3, 3, &ri, &first, &n))
			return;
		gen_op(g, t, "fill %s %#x %#llx", gen_addr(g, t, ri, first, 0),
		       n * GEN_PAGE, (unsigned long long)v);
		for (unsigned i = first; i < first + n; i++)
			m->r[ri].pg[i].touched = 1;
		k->anon_vma[g->th[t].proc][ri] = true;
		if (gen_chance(g, 50))
			gen_op(g, t, "check %s %#x %#llx",
			       gen_addr(g, t, ri, first, 0), n * GEN_PAGE,
			       (unsigned long long)v);
	} else if (kind < 45) {				/* faulting access */
		kgen_fault_op(k, t);
	} else if (kind < 52) {				/* mprotect */
		static const unsigned prots[] = { 0, 1, 3, 3 };
		unsigned pr = prots[gen_below(g, 4)];

		if (!gen_pick(g, t, 0, 3, &ri, &first, &n))
			return;
		r = &m->r[ri];
		/*
		 * Part of a private anon region only once a write gave its
		 * VMA an anon_vma: the kernel merges a VMA without one into
		 * a neighbour with one, the model does not (docs/
		 * deviations.md, the row "mprotect merges after
		 * changing"), and fork copies the PTEs (zero pages) of a
		 * VMA with an anon_vma only (vma_needs_copy): t_kdiff seed
		 * 5937; a THP region alike: seeds 2005243, 2046450.
		 */
		if (((kgen_whole(k, ri) && k->kind[ri] != KG_THP) ||
		     ((k->kind[ri] == KG_ANON || k->kind[ri] == KG_THP) &&
		      !k->anon_vma[g->th[t].proc][ri])) &&
		    !kgen_whole_run(k, t, ri, &first, &n))
			return;
		if (k->kind[ri] == KG_THP)
			k->no_collapse[ri] = true;
		/* a shared mapping made writable needs the file open
		 * for writing: it is (memfd, O_RDWR) */
		gen_op(g, t, "mprotect %s %#x %s",
		       gen_addr(g, t, ri, first, 0), n * GEN_PAGE,
		       gen_prots[pr]);
		for (unsigned i = first; i < first + n; i++)
			r->pg[i].prot = pr;
		r->split = true;
	} else if (kind < 55) {				/* munmap part */
		unsigned left = 0;

		if (!gen_pick(g, t, 0, 2, &ri, &first, &n))
			return;
		r = &m->r[ri];
		if (gen_any_pinned(r, first, n))
			return;
		for (unsigned i = 0; i < r->pages; i++)
			left += r->pg[i].mapped;
		if (left <= n)
			return;
		if (k->kind[ri] == KG_THP)
			k->no_collapse[ri] = true;
		gen_op(g, t, "munmap %s %#x", gen_addr(g, t, ri, first, 0),
		       n * GEN_PAGE);
		for (unsigned i = first; i < first + n; i++)
			r->pg[i].mapped = 0;
		r->split = true;
	} else if (kind < 58) {				/* mremap */
		unsigned np;
		bool move;

		if (!gen_pick(g, t, 0, 1, &ri, &first, &n))
			return;
		r = &m->r[ri];
		/* anon private, one VMA, no pins (the runner follows a
		 * shared mapping only moved whole: scenario/runner.c) */
		if (r->split || k->kind[ri] != KG_ANON ||
		    gen_any_pinned(r, 0, r->pages))
			return;
		for (unsigned i = 0; i < r->pages; i++)
			if (!gen_ok(g, t, r, i, 0))
				return;
		np = gen_chance(g, 50) && r->pages > 1 ?
		     1 + gen_below(g, r->pages - 1) :
		     r->pages + 1 + gen_below(g, 4);
		move = gen_chance(g, 40);
		if (np > r->max_pages)
			return;
		gen_op(g, t, "mremap %s %#x %#x%s", r->name,
		       r->pages * GEN_PAGE, np * GEN_PAGE,
		       move ? " maymove" : "");
		for (unsigned i = r->pages; i < np; i++)
			r->pg[i] = (struct gen_page){
				.mapped = 1, .prot = r->pg[r->pages - 1].prot,
				.owner = r->pg[0].owner };
		for (unsigned i = np; i < r->pages; i++)
			r->pg[i].mapped = 0;
		r->pages = np;
	} else if (kind < 72) {
		kgen_madvise(k, t);
	} else if (kind < 81) {				/* pins */
		if (!kgen_pin_op(k, t) || gen_chance(g, 30))
			kgen_pin(k, t);
	} else if (kind < 85) {				/* fork */
		/* not after free/cold/pageout: a per-CPU LRU batch's
		 * reference would make a COW fault copy (kgen_madvise) */
		if (g->nr_procs < GEN_MAX_PROCS && !k->freed)
			kgen_fork(k, t);
	} else if (kind < 88) {				/* move_pages */
		if (!gen_pick(g, t, 0, 3, &ri, &first, &n))
			return;
		gen_op(g, t, "move-pages %s %#x node=0",
		       gen_addr(g, t, ri, first, 0), n * GEN_PAGE);
	} else if (kind < 93) {
		kgen_file_op(k, t);
	} else {					/* a faulting op */
		if (!kgen_fault_op(k, t) &&
		    kgen_pick(k, t, 1, 1, &ri, &first, &n))
			gen_op(g, t, "load %s", gen_addr(g, t, ri, first, 0));
	}
}

/*
 * kgen - the scenario of @seed as malloc'd text, for a host with
 * @host's THP settings.
 */
static char *kgen(uint64_t seed, const struct kgen_host *host)
{
	struct kgen *k = calloc(1, sizeof(*k));
	struct gen *g = &k->g;
	bool big = false;
	int cur, turns;
	char *text;

	/* a stream of its own: not scngen's (seed, class) streams */
	g->rng = seed * 0x2545f4914f6cdd1dULL + 0x6b646966ULL;
	g->cls = SCNGEN_SEQ;
	g->mix = GEN_ALL;
	g->nodes = 1;
	g->machine = "";
	g->nr_procs = 1;
	snprintf(g->proc_name[0], 8, "init");
	for (int p = 0; p < GEN_MAX_PROCS; p++)
		k->thread_of[p] = -1;
	cur = k->thread_of[0] = gen_thread(g, "main", 0);

	g->nr_regions = 1 + gen_below(g, 3);
	for (int ri = 0; ri < g->nr_regions; ri++) {
		struct gen_region *r = &g->mm[0].r[ri];
		unsigned w = gen_below(g, 100);

		snprintf(r->name, sizeof(r->name), "%c", 'A' + ri);
		k->kind[ri] = w < 45 ? KG_ANON : w < 60 ? KG_THP :
			      w < 72 ? KG_SHANON : w < 88 ? KG_FSHARED :
			      KG_FPRIVATE;
		r->live = true;
		r->thp = k->kind[ri] == KG_THP;
		r->file = kgen_shared(k, ri);
		r->pages = r->thp ? GEN_THP_PAGES : 1 + gen_below(g, 8);
		r->max_pages = r->thp ? GEN_THP_PAGES :
			       k->kind[ri] == KG_ANON ? GEN_SMALL_PAGES :
			       r->pages;
		big |= r->thp;
		k->eof[ri] = r->pages;
		for (unsigned i = 0; i < r->max_pages; i++)
			r->pg[i] = (struct gen_page){
				.mapped = i < r->pages, .prot = 3,
				.owner = cur };
		switch (k->kind[ri]) {
		case KG_ANON:
			gen_op(g, cur, "mmap %s %#x anon%s", r->name,
			       r->pages * GEN_PAGE,
			       gen_chance(g, 15) ? " nothp" : "");
			break;
		case KG_THP:
			gen_op(g, cur, "mmap %s %#x anon thp", r->name,
			       r->pages * GEN_PAGE);
			break;
		case KG_SHANON:
			gen_op(g, cur, "mmap %s %#x anon shared", r->name,
			       r->pages * GEN_PAGE);
			break;
		default:
			gen_op(g, cur, "memfd F%s %#x", r->name,
			       r->pages * GEN_PAGE);
			gen_op(g, cur, "mmap %s %#x file=F%s %s", r->name,
			       r->pages * GEN_PAGE, r->name,
			       k->kind[ri] == KG_FSHARED ? "shared" :
			       "private");
		}
	}

	turns = 1 + gen_below(g, 8);
	for (int tn = 0; tn < turns; tn++) {
		int nops = 1 + gen_below(g, 8), cand[GEN_MAX_PROCS], nc = 0;
		int p = g->th[cur].proc;

		for (int i = 0; i < nops; i++)
			kgen_one(k, cur);
		if (tn == turns - 1)
			break;
		/* exit at the end of this turn: another process goes on */
		for (int q = 0; q < g->nr_procs; q++)
			if (q != p && k->thread_of[q] >= 0 && !k->exited[q])
				cand[nc++] = q;
		if (!nc)
			continue;	/* the same thread goes on */
		if (p && gen_chance(g, 25)) {
			kgen_release_pins(k, cur);
			gen_op(g, cur, "exit");
			k->exited[p] = true;
		} else {
			gen_op(g, cur, "signal h%d", ++k->turn);
		}
		{
			int q = cand[gen_below(g, nc)], was = cur;

			cur = k->thread_of[q];
			if (k->exited[p]) {
				gen_op(g, cur, "wait-exit %s",
				       g->proc_name[p]);
			} else {
				gen_op(g, cur, "wait h%d", k->turn);
				(void)was;
			}
		}
	}
	/*
	 * Frame statements, last (a failing one ends the model's run):
	 * does a write fault reuse the page or copy it? The mark is taken
	 * right before the store, so no free and reallocation of a frame
	 * in between can make two frames look the same (both allocators
	 * recycle freed frames, not in the same order).
	 */
	for (int i = 0; i < 2; i++) {
		unsigned first, n;
		int ri;

		if (!kgen_pick(k, cur, 3, 1, &ri, &first, &n))
			break;
		gen_op(g, cur, "load %s", gen_addr(g, cur, ri, first, 0));
		gen_op(g, cur, "pfn-mark m%d %s", i + 1,
		       gen_addr(g, cur, ri, first, 0));
		gen_op(g, cur, "store %s %#llx", gen_addr(g, cur, ri, first, 1),
		       (unsigned long long)gen_val(g));
		gen_op(g, cur, "%s m%d %s", gen_chance(g, 50) ? "same-frame" :
		       "other-frame", i + 1, gen_addr(g, cur, ri, first, 0));
	}
	/* pins held to the end are released by their threads, after
	 * their last turn (they run on before the next thread) */
	for (int t = 0; t < g->nr_threads; t++)
		kgen_release_pins(k, t);

	gen_append(&g->out, &g->out_len, &g->out_cap,
		   "# tests/kgen.h: seed %llu (t_kdiff)\n"
		   "config mem=%s nodes=1 thp=%s shmem_enabled=%s\n",
		   (unsigned long long)seed, big ? "64M" : "16M", host->thp,
		   host->shmem);
	for (int t = 0; t < g->nr_threads; t++)
		if (!g->th[t].nr_ops)
			gen_op(g, t, "signal idle%d", t);
	text = gen_emit(g);
	free(k);
	return text;
}

#endif /* TESTS_KGEN_H */
