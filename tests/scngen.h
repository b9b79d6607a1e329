/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/scngen.h - a generator of random valid scenarios (.mms text) for
 * t_gen (the suite's run and `make fuzz-runner`).
 *
 * scngen(seed, class, mix) writes a scenario that passes the front end's
 * validation (scenario/validate.c) and uses only ops the runner models,
 * as a pure function of its arguments. Three classes:
 *
 *   SCNGEN_SEQ       one user thread (and children it forks, each with
 *                    at most one thread of its own: another mm, so no
 *                    race on values). The generator tracks every page's
 *                    mapping and protection so no access faults and every
 *                    pin is released: the oracle can state the outcome,
 *                    and any violation is the model's or the oracle's.
 *   SCNGEN_DISJOINT  several user threads and kthreads of one process,
 *                    each on pages of its own (page ownership tracked as
 *                    above), plus signal/wait hand-overs. Values are again
 *                    a function of the program order: no violation allowed.
 *                    Ops that act on every page (compact, reclaim,
 *                    swapoff, KSM merges, collapse, truncate and hole
 *                    punch of a memfd) are left out here.
 *   SCNGEN_RACY      the same ops on shared pages: anything the language
 *                    can say, races included. Only "no crash, no sanitizer
 *                    report, no LIMIT" is required of these.
 *
 * @mix is a bit mask of GEN_* behaviours the generator may use; the suite
 * leaves out those with known open findings (t_gen.c says which and why).
 */
#ifndef TESTS_SCNGEN_H
#define TESTS_SCNGEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum scngen_class { SCNGEN_SEQ, SCNGEN_DISJOINT, SCNGEN_RACY };

/* Behaviours the generator may use (bits of @mix). */
enum {
	GEN_FORK = 1 << 0,	/* fork, children with their own thread */
	GEN_PIN = 1 << 1,	/* pin/unpin/dma-read/dma-write */
	GEN_PIN_RO_ZERO = 1 << 2, /* R/O short-term pin of untouched pages */
	GEN_MPROTECT = 1 << 3,
	GEN_MUNMAP = 1 << 4,	/* partial munmap */
	GEN_MREMAP = 1 << 5,	/* mremap grow/shrink in place */
	GEN_MREMAP_MOVE = 1 << 6, /* mremap ... maymove */
	GEN_DONTNEED = 1 << 7,	/* madvise dontneed */
	GEN_DONTNEED_PINNED = 1 << 8, /* ... of pinned pages */
	GEN_MADV_FLAGS = 1 << 9, /* hugepage, nohugepage, dontfork, dofork */
	GEN_WIPEONFORK = 1 << 10, /* wipeonfork, keeponfork */
	GEN_EXEC = 1 << 11,
	GEN_MIGRATE = 1 << 12,	/* move-pages, numa-migrate, numa-scan */
	GEN_COMPACT = 1 << 13,
	GEN_PFN_GET = 1 << 14,
	GEN_THP = 1 << 15,	/* 2M regions, thp=always/madvise */
	GEN_FILL = 1 << 16,	/* fill and check */
	GEN_KTHREAD = 1 << 17,	/* kthreads (DISJOINT, RACY) */
	GEN_EXIT = 1 << 18,	/* exit as a thread's last op */
	GEN_NUMA_THP = 1 << 19,	/* migrate ops on THP regions */
	GEN_MPROTECT_SPAN = 1 << 20, /* mprotect over several pages */
	GEN_MANY_WORDS = 1 << 21, /* fills and checks of > 3072 words */
	GEN_SWAP = 1 << 22,	/* a swap device: pageout, swapin; reclaim and
				 * swapoff (not DISJOINT: every page) */
	GEN_KSM = 1 << 23,	/* madvise mergeable, ksm-merge (not
				 * DISJOINT: a merge write-protects the
				 * partner page, anyone's) */
	GEN_COLLAPSE = 1 << 24,	/* collapse of a 2M region (not DISJOINT) */
	GEN_MEMORY = 1 << 25,	/* memory=tso|arm64, arch=arm64 */
	GEN_SHMEM = 1 << 26,	/* a memfd mapped shared; truncate and
				 * fallocate (not DISJOINT) */
	GEN_ALL = (1 << 27) - 1,
};

#define GEN_MAX_REGIONS 4
#define GEN_SMALL_PAGES 16	/* pages of a small region at most */
#define GEN_THP_PAGES 512
#define GEN_MAX_THREADS 8
#define GEN_MAX_PROCS 3

struct gen_page {
	unsigned char mapped, prot;	/* prot: 1 read, 2 write */
	unsigned char touched;		/* written: not the zero page */
	unsigned short word;		/* the word written last */
	unsigned char pinned;		/* pins on it now */
	unsigned char dontfork, wipe;
	signed char owner;		/* thread index; -1: anyone (RACY) */
};

struct gen_region {
	char name[8];
	bool live, thp, split;	/* split: not one VMA any more */
	bool file;		/* a MAP_SHARED mapping of memfd F<name> */
	unsigned pages, max_pages;
	struct gen_page pg[GEN_THP_PAGES];
};

/* One process's view of the regions. */
struct gen_mm {
	struct gen_region r[GEN_MAX_REGIONS];
};

struct gen_thread {
	char name[8];
	char header[48];
	int proc;		/* index into procs; -1: kthread */
	char *ops;		/* text of its ops */
	size_t len, cap;
	int nr_ops;
};

struct gen_pin {
	int thread, region, first, n;
	bool write;
	char name[8];
};

struct gen {
	uint64_t rng;
	enum scngen_class cls;
	unsigned mix;
	int nodes;
	bool thp_always;
	struct gen_mm mm[GEN_MAX_PROCS];
	int nr_procs;
	char proc_name[GEN_MAX_PROCS][8];
	struct gen_thread th[GEN_MAX_THREADS];
	int nr_threads;
	struct gen_pin pins[16];
	int nr_pins, pin_seq, sig_seq, nr_regions;
	bool swap, swapped_off;	/* a swap device; swapoff done */
	const char *machine;	/* memory=/arch= config, or "" */
	unsigned words;		/* words filled and checked so far */
	char *out;
	size_t out_len, out_cap;
};

static inline uint64_t gen_rand(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline unsigned gen_below(struct gen *g, unsigned n)
{
	return n ? gen_rand(g) % n : 0;
}

static inline bool gen_chance(struct gen *g, unsigned pct)
{
	return gen_below(g, 100) < pct;
}

/* Append printf text to *@buf (grown as needed). */
__attribute__((format(printf, 4, 5)))
static void gen_append(char **buf, size_t *len, size_t *cap,
		       const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(*buf + *len, n + 1, fmt, ap);
	va_end(ap);
	*len += n;
}

/* One op line of thread @t. */
#define gen_op(g, t, ...)                                                  \
	do {                                                               \
		struct gen_thread *th_ = &(g)->th[t];                      \
		gen_append(&th_->ops, &th_->len, &th_->cap, "\t");         \
		gen_append(&th_->ops, &th_->len, &th_->cap, __VA_ARGS__);  \
		gen_append(&th_->ops, &th_->len, &th_->cap, "\n");         \
		th_->nr_ops++;                                             \
	} while (0)

#define GEN_PAGE 4096u

/* The mm thread @t acts on (kthreads: init's). */
static struct gen_mm *gen_mm_of(struct gen *g, int t)
{
	return &g->mm[g->th[t].proc < 0 ? 0 : g->th[t].proc];
}

static bool gen_is_kthread(struct gen *g, int t)
{
	return g->th[t].proc < 0;
}

/* May thread @t use page @i of @r (with protection bits @need)? */
static bool gen_ok(struct gen *g, int t, const struct gen_region *r,
		   unsigned i, unsigned need)
{
	const struct gen_page *pg = &r->pg[i];

	if (!r->live || i >= r->pages || !pg->mapped)
		return false;
	if (g->cls != SCNGEN_RACY && pg->owner != t)
		return false;
	return (pg->prot & need) == need;
}

/*
 * A run of pages of one region that thread @t may use with @need: region
 * index in *@ri, first page in *@first, count (1..@max) in *@n. False if
 * none was found in a few tries.
 */
static bool gen_pick(struct gen *g, int t, unsigned need, unsigned max,
		     int *ri, unsigned *first, unsigned *n)
{
	struct gen_mm *m = gen_mm_of(g, t);

	for (int tries = 0; tries < 24; tries++) {
		struct gen_region *r = &m->r[gen_below(g, g->nr_regions)];
		unsigned span = r->pages < 24 ? r->pages : 24;
		unsigned i = gen_chance(g, 85) ? gen_below(g, span) :
						  gen_below(g, r->pages);
		unsigned k = 1;

		if (!gen_ok(g, t, r, i, need))
			continue;
		while (k < max && gen_chance(g, 50) &&
		       gen_ok(g, t, r, i + k, need))
			k++;
		*ri = r - m->r;
		*first = i;
		*n = k;
		return true;
	}
	return false;
}

static uint64_t gen_val(struct gen *g)
{
	return 1 + gen_below(g, 0xfffe);
}

/* "A+0x3000" */
static const char *gen_addr(struct gen *g, int t, int ri, unsigned page,
			    unsigned word)
{
	static char buf[4][32];
	static int k;
	char *b = buf[k++ & 3];

	snprintf(b, sizeof(buf[0]), "%s+%#x", gen_mm_of(g, t)->r[ri].name,
		 page * GEN_PAGE + word * 8);
	return b;
}

static bool gen_any_pinned(const struct gen_region *r, unsigned first,
			   unsigned n)
{
	for (unsigned i = first; i < first + n && i < r->pages; i++)
		if (r->pg[i].pinned)
			return true;
	return false;
}

static bool gen_all_touched(const struct gen_region *r, unsigned first,
			    unsigned n)
{
	for (unsigned i = first; i < first + n; i++)
		if (!r->pg[i].touched)
			return false;
	return true;
}

static void gen_pin(struct gen *g, int t)
{
	struct gen_mm *m = gen_mm_of(g, t);
	bool write = gen_chance(g, 60);
	struct gen_pin *p;
	struct gen_region *r;
	unsigned first, n, live = 0;
	int ri;

	for (int i = 0; i < g->nr_pins; i++)
		live += g->pins[i].thread == t;
	if (live >= 2 || g->nr_pins == 16 ||
	    !gen_pick(g, t, write ? 3 : 1, 2, &ri, &first, &n))
		return;
	r = &m->r[ri];
	if (!write && !(g->mix & GEN_PIN_RO_ZERO) &&
	    !gen_all_touched(r, first, n)) {
		/* a R/O pin of the zero page: see GEN_PIN_RO_ZERO */
		if (!gen_ok(g, t, r, first, 3))
			return;
		for (unsigned i = first; i < first + n; i++) {
			if (!gen_ok(g, t, r, i, 3))
				return;
		}
		for (unsigned i = first; i < first + n; i++) {
			gen_op(g, t, "store %s %#llx",
			       gen_addr(g, t, ri, i, 0),
			       (unsigned long long)gen_val(g));
			r->pg[i].touched = 1;
		}
	}
	p = &g->pins[g->nr_pins++];
	*p = (struct gen_pin){ t, ri, first, n, write };
	snprintf(p->name, sizeof(p->name), "R%d", ++g->pin_seq);
	gen_op(g, t, "pin %s %s %#x %s%s%s%s", p->name,
	       gen_addr(g, t, ri, first, 0), n * GEN_PAGE,
	       write ? "write" : "read", gen_chance(g, 50) ? " fast" : "",
	       gen_chance(g, 30) ? " longterm" : "",
	       gen_chance(g, 15) ? " get" : "");
	for (unsigned i = first; i < first + n; i++)
		r->pg[i].pinned++;
}

static void gen_unpin(struct gen *g, int t, int k)
{
	struct gen_pin *p = &g->pins[k];
	struct gen_region *r = &gen_mm_of(g, t)->r[p->region];

	gen_op(g, t, "unpin %s%s", p->name, gen_chance(g, 30) ? " dirty" :
								  "");
	for (int i = p->first; i < p->first + p->n; i++)
		r->pg[i].pinned--;
	g->pins[k] = g->pins[--g->nr_pins];
}

/* One of @t's pins, at random (its index); -1 if it has none. */
static int gen_pick_pin(struct gen *g, int t)
{
	int mine[16], n = 0;

	for (int i = 0; i < g->nr_pins; i++)
		if (g->pins[i].thread == t)
			mine[n++] = i;
	return n ? mine[gen_below(g, n)] : -1;
}

/* A DMA op or an unpin on one of @t's pins; false if it has none. */
static bool gen_pin_op(struct gen *g, int t)
{
	int k = gen_pick_pin(g, t);
	struct gen_pin *p;

	if (k < 0)
		return false;
	p = &g->pins[k];
	switch (gen_below(g, 3)) {
	case 0:
		gen_op(g, t, "dma-read %s+%#x", p->name,
		       gen_below(g, p->n * GEN_PAGE / 8) * 8);
		break;
	case 1:
		if (p->write) {
			unsigned off = gen_below(g, p->n * GEN_PAGE / 8) * 8;

			gen_op(g, t, "dma-write %s+%#x %#llx", p->name, off,
			       (unsigned long long)gen_val(g));
			gen_mm_of(g, t)->r[p->region]
				.pg[p->first + off / GEN_PAGE].touched = 1;
			break;
		}
		/* fall through */
	default:
		gen_unpin(g, t, k);
	}
	return true;
}

static const char *const gen_prots[] = { "none", "r", "", "rw" };

/* One random op of thread @t (user or kernel); may emit nothing. */
static void gen_one(struct gen *g, int t)
{
	struct gen_mm *m = gen_mm_of(g, t);
	bool kt = gen_is_kthread(g, t);
	unsigned first, n, kind = gen_below(g, 24);
	struct gen_region *r;
	int ri;

	if (kt && kind < 12)
		kind = 12 + gen_below(g, 12);
	switch (kind) {
	case 0: case 1: case 2:		/* store */
		if (!gen_pick(g, t, 3, 1, &ri, &first, &n))
			return;
		m->r[ri].pg[first].word = gen_below(g, 512);
		gen_op(g, t, "store %s %#llx",
		       gen_addr(g, t, ri, first, m->r[ri].pg[first].word),
		       (unsigned long long)gen_val(g));
		m->r[ri].pg[first].touched = 1;
		return;
	case 3: case 4:			/* load */
		if (!gen_pick(g, t, 1, 1, &ri, &first, &n))
			return;
		gen_op(g, t, "load %s", gen_addr(g, t, ri, first,
						 gen_below(g, 512)));
		return;
	case 5:				/* fill (and check) */
		if (!(g->mix & GEN_FILL) ||
		    !gen_pick(g, t, 3, 3, &ri, &first, &n))
			return;
		if (!(g->mix & GEN_MANY_WORDS) &&
		    g->words + 2 * n * 512 > 3072)
			return;
		g->words += 2 * n * 512;
		{
			uint64_t v = gen_val(g);

			gen_op(g, t, "fill %s %#x %#llx",
			       gen_addr(g, t, ri, first, 0), n * GEN_PAGE,
			       (unsigned long long)v);
			for (unsigned i = first; i < first + n; i++) {
				m->r[ri].pg[i].touched = 1;
				m->r[ri].pg[i].word = 0;
			}
			if (g->cls != SCNGEN_RACY && gen_chance(g, 50))
				gen_op(g, t, "check %s %#x %#llx",
				       gen_addr(g, t, ri, first, 0),
				       n * GEN_PAGE, (unsigned long long)v);
		}
		return;
	case 6:				/* mprotect */
		if (!(g->mix & GEN_MPROTECT) ||
		    !gen_pick(g, t, 0, (g->mix & GEN_MPROTECT_SPAN) ? 3 : 1,
			      &ri, &first, &n))
			return;
		{
			static const unsigned prots[] = { 0, 1, 3, 3 };
			unsigned pr = prots[gen_below(g, 4)];

			gen_op(g, t, "mprotect %s %#x %s",
			       gen_addr(g, t, ri, first, 0), n * GEN_PAGE,
			       gen_prots[pr]);
			for (unsigned i = first; i < first + n; i++)
				m->r[ri].pg[i].prot = pr;
			m->r[ri].split = true;
		}
		return;
	case 7:				/* munmap part */
		if (!(g->mix & GEN_MUNMAP) ||
		    !gen_pick(g, t, 0, 2, &ri, &first, &n))
			return;
		r = &m->r[ri];
		{
			unsigned left = 0;

			for (unsigned i = 0; i < r->pages; i++)
				left += r->pg[i].mapped;
			if (left <= n)
				return;
		}
		gen_op(g, t, "munmap %s %#x", gen_addr(g, t, ri, first, 0),
		       n * GEN_PAGE);
		for (unsigned i = first; i < first + n; i++)
			r->pg[i].mapped = 0;
		r->split = true;
		return;
	case 8:				/* mremap in place */
		if (!(g->mix & GEN_MREMAP) ||
		    !gen_pick(g, t, 0, 1, &ri, &first, &n))
			return;
		r = &m->r[ri];
		if (r->split || r->thp || r->file ||
		    gen_any_pinned(r, 0, r->pages))
			return;
		for (unsigned i = 0; i < r->pages; i++)
			if (!gen_ok(g, t, r, i, 0))
				return;
		{
			unsigned np = gen_chance(g, 50) && r->pages > 1 ?
				      1 + gen_below(g, r->pages - 1) :
				      r->pages + 1 + gen_below(g, 4);
			bool move = (g->mix & GEN_MREMAP_MOVE) &&
				    gen_chance(g, 40);

			if (np > r->max_pages)
				return;
			gen_op(g, t, "mremap %s %#x %#x%s", r->name,
			       r->pages * GEN_PAGE, np * GEN_PAGE,
			       move ? " maymove" : "");
			for (unsigned i = r->pages; i < np; i++)
				r->pg[i] = (struct gen_page){
					.mapped = 1,
					.prot = r->pg[r->pages - 1].prot,
					.owner = r->pg[0].owner };
			for (unsigned i = np; i < r->pages; i++)
				r->pg[i].mapped = 0;
			r->pages = np;
		}
		return;
	case 9:				/* madvise */
		if (!gen_pick(g, t, 0, 3, &ri, &first, &n))
			return;
		r = &m->r[ri];
		{
			static const char *const flags[] = {
				"hugepage", "nohugepage", "dontfork", "dofork",
			};
			unsigned w = gen_below(g, 10);

			if (w < 4 && (g->mix & GEN_DONTNEED)) {
				if (gen_any_pinned(r, first, n) &&
				    !(g->mix & GEN_DONTNEED_PINNED))
					return;
				gen_op(g, t, "madvise %s %#x dontneed",
				       gen_addr(g, t, ri, first, 0),
				       n * GEN_PAGE);
				for (unsigned i = first; i < first + n; i++)
					r->pg[i].touched = 0;
			} else if (w < 8 && (g->mix & GEN_MADV_FLAGS)) {
				const char *f = flags[gen_below(g, 4)];

				gen_op(g, t, "madvise %s %#x %s",
				       gen_addr(g, t, ri, first, 0),
				       n * GEN_PAGE, f);
				for (unsigned i = first; i < first + n; i++)
					if (f[0] == 'd')
						r->pg[i].dontfork = f[2] == 'n';
				r->split = true;
			} else if (w >= 8 && (g->mix & GEN_WIPEONFORK)) {
				bool wipe = gen_chance(g, 60);

				gen_op(g, t, "madvise %s %#x %s",
				       gen_addr(g, t, ri, first, 0),
				       n * GEN_PAGE,
				       wipe ? "wipeonfork" : "keeponfork");
				for (unsigned i = first; i < first + n; i++)
					r->pg[i].wipe = wipe;
				r->split = true;
			}
		}
		return;
	case 10: case 11:		/* pins */
		if (!(g->mix & GEN_PIN))
			return;
		if (!gen_pin_op(g, t) || gen_chance(g, 30))
			gen_pin(g, t);
		return;
	case 12: case 13: case 14:	/* migration */
		if (!(g->mix & GEN_MIGRATE) ||
		    !gen_pick(g, t, 0, 3, &ri, &first, &n))
			return;
		r = &m->r[ri];
		if (r->thp && !(g->mix & GEN_NUMA_THP))
			return;
		if (kind == 12)
			gen_op(g, t, "move-pages %s %#x node=%u",
			       gen_addr(g, t, ri, first, 0), n * GEN_PAGE,
			       gen_below(g, g->nodes));
		else if (kind == 13)
			gen_op(g, t, "numa-migrate %s %#x node=%u",
			       gen_addr(g, t, ri, first, 0), n * GEN_PAGE,
			       gen_below(g, g->nodes));
		else
			gen_op(g, t, "numa-scan %s %#x",
			       gen_addr(g, t, ri, first, 0), n * GEN_PAGE);
		return;
	case 15:			/* compact: every page, any owner */
		if (!(g->mix & GEN_COMPACT) || g->cls == SCNGEN_DISJOINT)
			return;
		if (gen_chance(g, 50))
			gen_op(g, t, "compact");
		else
			gen_op(g, t, "compact node=%u",
			       gen_below(g, g->nodes));
		return;
	case 16:			/* speculative reference */
		if (!(g->mix & GEN_PFN_GET) ||
		    !gen_pick(g, t, 0, 3, &ri, &first, &n))
			return;
		gen_op(g, t, "pfn-get %s %#x", gen_addr(g, t, ri, first, 0),
		       n * GEN_PAGE);
		return;
	case 19: case 20:		/* swap: own pages out, or back */
		if (!g->swap || !gen_pick(g, t, 0, 3, &ri, &first, &n))
			return;
		gen_op(g, t, "%s %s %#x", gen_chance(g, 70) ? "pageout" :
		       "swapin", gen_addr(g, t, ri, first, 0), n * GEN_PAGE);
		return;
	case 21:			/* reclaim, swapoff: every page */
		if (!g->swap || g->cls == SCNGEN_DISJOINT)
			return;
		if (!g->swapped_off && gen_chance(g, 25)) {
			gen_op(g, t, "swapoff");
			g->swapped_off = true;
		} else {
			gen_op(g, t, "reclaim");
		}
		return;
	case 22:			/* KSM, collapse */
		if (g->cls == SCNGEN_DISJOINT ||
		    !gen_pick(g, t, 0, 3, &ri, &first, &n))
			return;
		r = &m->r[ri];
		if ((g->mix & GEN_COLLAPSE) && r->thp && !r->split &&
		    gen_chance(g, 50)) {
			gen_op(g, t, "collapse %s", r->name);
			return;
		}
		if (!(g->mix & GEN_KSM))
			return;
		if (!kt && gen_chance(g, 40))
			gen_op(g, t, "madvise %s %#x mergeable",
			       gen_addr(g, t, ri, first, 0), n * GEN_PAGE);
		else
			gen_op(g, t, "ksm-merge %s %#x",
			       gen_addr(g, t, ri, first, 0), n * GEN_PAGE);
		r->split = true;
		return;
	case 23:			/* truncate, hole punch of a memfd */
		if (g->cls == SCNGEN_DISJOINT ||
		    !gen_pick(g, t, 0, 3, &ri, &first, &n))
			return;
		r = &m->r[ri];
		if (!r->file || gen_any_pinned(r, first, r->pages - first))
			return;
		if (gen_chance(g, 40) && first > 0) {
			/* pages past the new end: SIGBUS, so never used
			 * again, in any process */
			gen_op(g, t, "truncate F%s %#x", r->name,
			       first * GEN_PAGE);
			for (int p = 0; p < g->nr_procs; p++)
				for (unsigned i = first; i < r->pages; i++)
					g->mm[p].r[ri].pg[i].mapped = 0;
		} else {
			gen_op(g, t, "fallocate F%s %#x %#x", r->name,
			       first * GEN_PAGE, n * GEN_PAGE);
			for (int p = 0; p < g->nr_procs; p++)
				for (unsigned i = first; i < first + n; i++)
					g->mm[p].r[ri].pg[i].touched = 0;
		}
		return;
	default:
		if (kt)
			return;
		if ((g->mix & GEN_PIN) && gen_pin_op(g, t))
			return;
		if (gen_pick(g, t, 1, 1, &ri, &first, &n))
			gen_op(g, t, "load %s", gen_addr(g, t, ri, first, 0));
	}
}

/* @n ops of thread @t; then it releases its pins. */
static void gen_ops(struct gen *g, int t, int n)
{
	for (int i = 0; i < n; i++)
		gen_one(g, t);
}

static void gen_release_pins(struct gen *g, int t)
{
	for (int i = g->nr_pins - 1; i >= 0; i--)
		if (g->pins[i].thread == t)
			gen_unpin(g, t, i);
}

/* The child's view of @parent's mm after fork. */
static void gen_fork_mm(struct gen_mm *child, const struct gen_mm *parent,
			int nr, int owner)
{
	*child = *parent;
	for (int ri = 0; ri < nr; ri++) {
		struct gen_region *r = &child->r[ri];

		for (unsigned i = 0; i < r->pages; i++) {
			struct gen_page *pg = &r->pg[i];

			/* a shared file page: the child would race the
			 * parent on it, so it leaves it alone */
			if (pg->dontfork || r->file)
				pg->mapped = 0;
			if (pg->wipe)
				pg->touched = 0;
			pg->pinned = 0;
			pg->owner = owner;
		}
	}
}

static int gen_thread(struct gen *g, const char *name, int proc)
{
	struct gen_thread *th = &g->th[g->nr_threads];
	char hdr[sizeof(th->header)];

	memset(th, 0, sizeof(*th));
	snprintf(th->name, sizeof(th->name), "%s", name);
	th->proc = proc;
	if (proc < 0)
		snprintf(hdr, sizeof(hdr), "kthread %s:", name);
	else if (proc == 0)
		snprintf(hdr, sizeof(hdr), "thread %s:", name);
	else
		snprintf(hdr, sizeof(hdr), "thread %s in %s:", name,
			 g->proc_name[proc]);
	memcpy(th->header, hdr, sizeof(hdr));
	return g->nr_threads++;
}

/* Give the pages of init's regions to the threads @t0..@t1 in chunks. */
static void gen_share_out(struct gen *g, int t0, int t1)
{
	for (int ri = 0; ri < g->nr_regions; ri++) {
		struct gen_region *r = &g->mm[0].r[ri];
		unsigned chunk = 1 + gen_below(g, 4);

		for (unsigned i = 0; i < r->max_pages; i++)
			r->pg[i].owner = t0 + (i / chunk + ri) %
					      (t1 - t0 + 1);
	}
}

/*
 * scngen - the scenario of (@seed, @cls, @mix) as malloc'd text.
 */
/* The program's threads after its config: each header and its ops
 * (freed), then the promise. Returns the text (g->out). */
static char *gen_emit(struct gen *g)
{
	for (int t = 0; t < g->nr_threads; t++) {
		gen_append(&g->out, &g->out_len, &g->out_cap, "%s\n%s",
			   g->th[t].header, g->th[t].ops);
		free(g->th[t].ops);
	}
	gen_append(&g->out, &g->out_len, &g->out_cap, "expect ok\n");
	return g->out;
}

static char *scngen(uint64_t seed, enum scngen_class cls, unsigned mix)
{
	struct gen *g = calloc(1, sizeof(*g));
	int main_t, child_t = -1, nr_user = 0, nr_k = 0, users[4];
	char *text;

	g->rng = seed * 0x2545f4914f6cdd1dULL + cls;
	g->cls = cls;
	g->mix = mix;
	g->nodes = (mix & (GEN_MIGRATE | GEN_COMPACT)) ? 2 : 1;
	g->thp_always = (mix & GEN_THP) && gen_chance(g, 30);
	g->swap = (mix & GEN_SWAP) && gen_chance(g, 40);
	g->machine = "";
	if ((mix & GEN_MEMORY) && gen_chance(g, 30)) {
		static const char *const m[] = {
			" memory=tso", " memory=arm64 arch=arm64",
			" arch=arm64", " arch=arm64 tlb_free=rcu",
		};

		g->machine = m[gen_below(g, 4)];
	}
	g->nr_procs = 1;
	snprintf(g->proc_name[0], 8, "init");
	main_t = gen_thread(g, "main", 0);
	if (cls != SCNGEN_SEQ) {
		nr_user = gen_below(g, 3) + (cls == SCNGEN_DISJOINT);
		if (mix & GEN_KTHREAD)
			nr_k = gen_below(g, 3);
		if (!nr_user && !nr_k)
			nr_user = 1;
	}
	for (int i = 0; i < nr_user; i++) {
		char n[16];

		snprintf(n, sizeof(n), "t%d", i + 1);
		users[i] = gen_thread(g, n, 0);
	}
	for (int i = 0; i < nr_k; i++) {
		char n[16];

		snprintf(n, sizeof(n), "k%d", i + 1);
		gen_thread(g, n, -1);
	}

	/* regions, mapped by main */
	g->nr_regions = 1 + gen_below(g, 3);
	for (int ri = 0; ri < g->nr_regions; ri++) {
		struct gen_region *r = &g->mm[0].r[ri];
		bool thp = (mix & GEN_THP) && gen_chance(g, 25);

		snprintf(r->name, sizeof(r->name), "%c", 'A' + ri);
		r->live = true;
		r->thp = thp;
		r->file = !thp && (mix & GEN_SHMEM) && gen_chance(g, 25);
		r->pages = thp ? GEN_THP_PAGES : 1 + gen_below(g, 8);
		r->max_pages = thp ? GEN_THP_PAGES : GEN_SMALL_PAGES;
		for (unsigned i = 0; i < r->max_pages; i++)
			r->pg[i] = (struct gen_page){
				.mapped = i < r->pages, .prot = 3,
				.owner = main_t };
		if (r->file) {
			gen_op(g, main_t, "memfd F%s %#x", r->name,
			       r->pages * GEN_PAGE);
			gen_op(g, main_t, "mmap %s %#x file=F%s shared",
			       r->name, r->pages * GEN_PAGE, r->name);
			continue;
		}
		gen_op(g, main_t, "mmap %s %#x anon%s", r->name,
		       r->pages * GEN_PAGE,
		       thp && !g->thp_always ? " thp" :
		       !thp && gen_chance(g, 20) ? " nothp" : "");
	}
	gen_ops(g, main_t, 3 + gen_below(g, 8));

	/* a fork, with a thread of its own in its own mm */
	if ((mix & GEN_FORK) && gen_chance(g, 50)) {
		int c = g->nr_procs++;

		snprintf(g->proc_name[c], 8, "c%d", c);
		/* the parent writes, then forks: the COW set-up */
		for (int k = gen_below(g, 4); k > 0; k--) {
			int ri;
			unsigned first, n;
			struct gen_page *pg;

			if (!gen_pick(g, main_t, 3, 1, &ri, &first, &n))
				break;
			pg = &g->mm[0].r[ri].pg[first];
			pg->word = gen_below(g, 512);
			pg->touched = 1;
			gen_op(g, main_t, "store %s %#llx",
			       gen_addr(g, main_t, ri, first, pg->word),
			       (unsigned long long)gen_val(g));
		}
		gen_op(g, main_t, "fork %s", g->proc_name[c]);
		if (gen_chance(g, 70)) {
			child_t = gen_thread(g, "c", c);
			gen_fork_mm(&g->mm[c], &g->mm[0], g->nr_regions,
				    child_t);
			/* the child first looks at what the parent wrote */
			for (int ri = 0; ri < g->nr_regions; ri++) {
				const struct gen_region *pr = &g->mm[0].r[ri];

				for (unsigned i = 0; i < pr->pages; i++)
					if (pr->pg[i].touched &&
					    gen_ok(g, child_t, &g->mm[c].r[ri],
						   i, 1) &&
					    gen_chance(g, 30))
						gen_op(g, child_t, "load %s",
						       gen_addr(g, child_t, ri,
								i,
								pr->pg[i].word));
			}
		} else {
			gen_fork_mm(&g->mm[c], &g->mm[0], g->nr_regions,
				    -2);
		}
	}

	if (nr_user || nr_k) {
		char line[128] = "spawn";

		for (int t = 0; t < g->nr_threads; t++)
			if (t != main_t && t != child_t) {
				strcat(line, " ");
				strcat(line, g->th[t].name);
			}
		gen_release_pins(g, main_t);
		if (cls == SCNGEN_DISJOINT)
			gen_share_out(g, main_t, g->nr_threads - 1 -
					 (child_t >= 0));
		gen_op(g, main_t, "%s", line);
	}
	for (int t = 0; t < g->nr_threads; t++) {
		if (t == child_t) {
			gen_ops(g, t, 2 + gen_below(g, 6));
			gen_release_pins(g, t);
			continue;
		}
		gen_ops(g, t, 2 + gen_below(g, 10));
		if (t != main_t)
			gen_release_pins(g, t);
	}
	/* DISJOINT: hand a thread's pages over to main */
	for (int i = 0; i < nr_user && cls == SCNGEN_DISJOINT; i++) {
		int t = users[i];

		if (!gen_chance(g, 50))
			continue;
		gen_op(g, t, "signal h%d", ++g->sig_seq);
		gen_op(g, main_t, "wait h%d", g->sig_seq);
		for (int ri = 0; ri < g->nr_regions; ri++)
			for (unsigned k = 0; k < GEN_THP_PAGES; k++)
				if (g->mm[0].r[ri].pg[k].owner == t)
					g->mm[0].r[ri].pg[k].owner = main_t;
		gen_ops(g, main_t, 1 + gen_below(g, 3));
	}
	gen_release_pins(g, main_t);
	if ((mix & GEN_EXEC) && cls == SCNGEN_SEQ && gen_chance(g, 15)) {
		struct gen_region *r = &g->mm[0].r[g->nr_regions];

		gen_op(g, main_t, "exec%s", gen_chance(g, 50) ? "" :
		       " args=8K");
		for (int ri = 0; ri < g->nr_regions; ri++)
			g->mm[0].r[ri].live = false;
		snprintf(r->name, sizeof(r->name), "E");
		r->live = true;
		r->pages = 1 + gen_below(g, 4);
		r->max_pages = r->pages;
		for (unsigned i = 0; i < r->pages; i++)
			r->pg[i] = (struct gen_page){ .mapped = 1, .prot = 3,
						      .owner = main_t };
		gen_op(g, main_t, "mmap E %#x anon", r->pages * GEN_PAGE);
		g->nr_regions++;
		gen_ops(g, main_t, 1 + gen_below(g, 4));
		gen_release_pins(g, main_t);
	}
	/* every thread needs an op */
	for (int t = 0; t < g->nr_threads; t++) {
		if (!g->th[t].nr_ops)
			gen_op(g, t, "signal idle%d", t);
		if ((mix & GEN_EXIT) && g->th[t].proc >= 0 &&
		    gen_chance(g, 15))
			gen_op(g, t, "exit");
	}

	gen_append(&g->out, &g->out_len, &g->out_cap,
		   "# tests/scngen.h: seed %llu, class %s, mix %#x\n"
		   "config mem=%s nodes=%d thp=%s%s%s\n",
		   (unsigned long long)seed,
		   cls == SCNGEN_SEQ ? "seq" : cls == SCNGEN_DISJOINT ?
		   "disjoint" : "racy", mix, (mix & GEN_THP) ? "32M" : "8M",
		   g->nodes, !(mix & GEN_THP) ? "never" :
		   g->thp_always ? "always" : "madvise",
		   g->swap ? " swap=256K" : "", g->machine);
	text = gen_emit(g);
	free(g);
	return text;
}

#endif /* TESTS_SCNGEN_H */
