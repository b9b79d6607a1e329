// SPDX-License-Identifier: GPL-2.0
/*
 * scenario/runner.c - run a parsed scenario under the controlled scheduler.
 *
 * Every thread of the scenario is a task; a user thread runs bound to its
 * process's mm (each process is an mm_struct, forked ones by dup_mm), a
 * kthread runs in no mm and acts on the mm that owns the region it names.
 * Each op is a call into mm/ bracketed by the value oracle:
 *
 *	store:	oracle_store_begin ... mm_user_store ... oracle_store_end
 *	load:	oracle_load_begin ... mm_user_load ... oracle_load_end
 *
 * so the oracle knows only what the programs did. DMA through a pin is a
 * store (or load) by the pinning process while it still maps the range;
 * once it unmaps it or exits (a file: once the file loses the page), the
 * pin is a "ghost": a frozen snapshot of that memory at that moment (an
 * oracle fork), which the device alone may change. That is exactly what
 * makes the CVE-2020-29374 leak (parent's later write seen through the
 * child's R/O pin) a violation. Regions get fixed virtual addresses at
 * load time, 2 MiB aligned with a gap between them, the same in every
 * process (fork copies them): THP regions are aligned, runs reproducible.
 *
 * Violation messages start with a kind ("lost-store: ...") that
 * `expect violation KIND` names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/mmu.h"
#include "arch/physmem.h"
#include "check/describe.h"
#include "check/mm_check.h"
#include "check/oracle.h"
#include "explore/program.h"
#include "gup.h"
#include "huge_mm.h"
#include "ksm.h"
#include "migrate.h"
#include "mm.h"
#include "pagemap.h"
#include "memremap.h"
#include "pfn_walker.h"
#include "proc_pagemap.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "sim/sim.h"
#include "sim/storebuf.h"
#include "sim/sync.h"
#include "swap.h"

/* The parser's limits are the model's (scenario/scenario.h says so). */
_Static_assert(SCN_MAX_NODES == MAX_NUMNODES, "config nodes= limit");
_Static_assert(SCN_TASK_SIZE == TASK_SIZE, "at= limit");

#define REGION_BASE 0x10000000000UL	/* 1 TiB: away from mmap_base */
#define REGION_GAP HPAGE_PMD_SIZE

/* What a loaded scenario keeps across executions. */
struct runner {
	struct scenario *s;
	unsigned long *region_va;	/* fixed address of each region */
	struct physmem_config mem;
	struct mmsim_program prog;
	char name[256];
	char **op_text;		/* per op, for stories: made when asked */
};

/* Per-execution state (in the sim arena). */
struct rproc {
	struct mm_struct *mm;	/* NULL: not forked yet, or exited */
	int opid;		/* oracle process */
	int live_threads;
	bool exit_requested;	/* a thread ran `exit` */
	bool exited;
	bool gone;		/* exited and its mm torn down */
	struct sim_waitq exit_wq;	/* wait-exit waiters */
	/* unmapping ops a pin in flight may have raced (R5) */
	struct runmaps *unmaps;
};

/* What judges DMA through one pinned page. */
struct rpage {
	int opid;		/* oracle process: the pinner's, or a ghost */
	unsigned long va;	/* the page's address there (mremap moves it) */
	bool zero;		/* may be the shared zero page (oracle R4) */
	int ghosting;		/* 1 + its ghost when the unmap ends; 0: none */
	bool unjudged;		/* unmapped, its ghost still being taken */
	int alt;		/* pinned racing an unmap: 1 + its ghost (at
				 * alt_va) may be the page too; -1: two did */
	unsigned long alt_va;
	bool alt_moved;		/* alt is the process: an mremap raced */
};

struct rhandle {
	struct page **pages;
	struct rpage *pg;	/* per page */
	int npages;
	int proc;
	unsigned long va;	/* where the pin began */
	uint64_t len;
	bool pinned;
	bool coherent;		/* FOLL_PIN: DMA is judged by the oracle */
	/* its pin in flight: began at race_now (0: none), of what */
	uint64_t pin_began, pin_ended;
	unsigned long pin_va, pin_len;	/* in pin_opid's memory */
	int pin_opid;		/* the process's, or a shared file's */
};

/* A tmpfs file: its memory is an oracle process of its own (file offsets). */
struct rfile {
	struct file *file;	/* NULL: its memfd has not run yet */
	int opid;
	unsigned long size;	/* after the last truncate that ended */
	unsigned long inflight_min;	/* smallest target in flight */
	int inflight;		/* truncates in flight */
	int nr_targets;		/* truncates begun */
	unsigned long targets[64];	/* their sizes, in order (SIM) */
	/* the read-back (R9): its page cache (NULL: none or not known) */
	struct address_space *mapping;
	int region;		/* anon shmem: the region it was mapped as */
	struct runmaps *unmaps;	/* zaps a pin may race (R5) */
};

/* A region's file mapping in one process. */
struct rmapf {
	int file;		/* 1 + RT.files index; 0: not a file mapping */
	bool shared;
	/* private: what the oracle knows of each page (below) */
	struct rcow *cow;
};

/*
 * A page of a private file mapping, for the oracle: it reads the file
 * until a store, fill or COW-breaking pin copies it (COW); from then on
 * the page is a ghost of the file page - a snapshot of it taken over that
 * op (oracle_ghost_begin/end, at file offsets; runner.c's end has how
 * pins and fills do it) - changed by the process's stores and DMA.
 */
struct rcow {
	int ghost;	/* 0: the file; > 0: 1 + the snapshot's id; -1: not
			 * followed (fork, DONTNEED, truncated, faulted) */
	int gen;	/* COWing ops begun: a load overlapping one is
			 * not judged (it may see the copy or the file) */
	int inflight;	/* COWing stores, fills, pins in flight */
};

struct rsig {
	int count;
	struct sim_waitq wq;
};

static struct {
	struct runner *r;
	const struct scenario *s;
	struct rproc *procs;
	unsigned long *va;	/* [proc * nr_regions + region]: its address */
	/* [proc * nr_regions + region]: what a file mapping maps */
	struct rmapf *rfile;
	struct rfile *files;	/* named (memfd) files, then anon shmem */
	int nr_files;
	struct rhandle *handles;
	struct rsig *sigs;
	unsigned long *marks;	/* pfn-mark: 1 + the frame; 0: not set */
	struct scenario_op_result res;	/* of the op running (observer) */
	const struct scn_op *cur_op[SIM_MAX_TASKS];	/* for stories */
} RT;
/* A zap of a file's pages (truncate, punch): pins there become ghosts. */
static struct oracle_op *file_zap_begin(int fopid, unsigned long off,
					unsigned long len);
static void file_zap_end(struct oracle_op *h);

/* The observer of every op (mmsim kernel), NULL: none. */
static scenario_op_hook op_hook;
static void *op_hook_arg;

/* ---- reporting ---- */

/* op_where - "file:line: keyword" for messages about @op. */
static const char *op_where(const struct scn_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u: %s", RT.s->filename, op->pos.line,
		 scenario_op_name(op->kind));
	return buf;
}

#define op_fail(op, kind, fmt, ...)                                        \
	do {                                                               \
		char __w[300];                                             \
		sim_violation(kind ": %s: " fmt,                           \
			      op_where((op), __w, sizeof(__w)),            \
			      ##__VA_ARGS__);                              \
	} while (0)

/* ---- addresses ---- */

/* The process whose mm an op acts on. */
static int op_proc(const struct scn_op *op)
{
	const struct scn_thread *t = &RT.s->threads[op->thread];

	if (op->addr.proc >= 0)
		return op->addr.proc;
	if (t->proc >= 0)
		return t->proc;
	if (op->addr.region >= 0)
		return RT.s->regions[op->addr.region].proc;
	return -1;
}

/*
 * The address of region @g in process @p: where it was mapped, or where
 * the last mremap of its start moved it (the name follows the region).
 */
static unsigned long *region_va(int p, int g)
{
	return &RT.va[(size_t)p * RT.s->nr_regions + g];
}

/*
 * op_rmapf - the file mapping of @op's region in process @p, or NULL.
 */
static struct rmapf *op_rmapf(const struct scn_op *op, int p)
{
	int g = op->addr.region;
	struct rmapf *m;

	if (g < 0 || p < 0)
		return NULL;
	m = &RT.rfile[(size_t)p * RT.s->nr_regions + g];
	return m->file ? m : NULL;
}

/*
 * oracle_target - whose memory the oracle judges an access of @va by
 * process @p through @op's region: a file's (a store through one
 * MAP_SHARED mapping is seen through every other mapping of the file, in
 * every process; a private mapping reads the file until it writes the
 * page), at the file offset, or the process's own. -1: not judged.
 */
static int oracle_target(const struct scn_op *op, int p, unsigned long va,
			 unsigned long *ova)
{
	struct rmapf *m = op_rmapf(op, p);
	unsigned long off;

	*ova = va;
	if (!m)
		return RT.procs[p].opid;
	off = va - RT.va[(size_t)p * RT.s->nr_regions + op->addr.region];
	*ova = off;
	if (!m->shared) {
		struct rcow *c = &m->cow[off >> PAGE_SHIFT];

		if (c->ghost < 0 || c->inflight)
			return -1;
		if (c->ghost > 0)
			return c->ghost - 1;
	}
	return RT.files[m->file - 1].opid;
}

static bool op_shared(const struct scn_op *op, int p)
{
	struct rmapf *m = op_rmapf(op, p);

	return m && m->shared;
}

/* eof_lo - the lowest EOF (page-rounded) @f may have had since the
 * access that saw @targets0 truncates begun started. */
static unsigned long eof_lo(struct rfile *f, int targets0, unsigned long lo)
{
	if (f->size < lo)
		lo = f->size;
	if (f->inflight && f->inflight_min < lo)
		lo = f->inflight_min;
	for (int i = targets0; i < f->nr_targets; i++)
		if (f->targets[i] < lo)
			lo = f->targets[i];
	return ALIGN(lo, PAGE_SIZE);
}

/*
 * file_access_check - judge the fault (or its absence) of an access by
 * @op at @va of a file mapping, begun when @f had @targets0 truncates and
 * EOF at least @lo0 (page-rounded): SIGBUS (-EIO) is right only at or past
 * an EOF the file had during the access; success past an EOF that held
 * for the whole access means a mapping outlived truncation. Returns
 * true if the access is accounted for (the caller stops), false if the
 * caller goes on as for an ordinary access.
 */
static bool file_access_check(const struct scn_op *op, int p,
			      unsigned long va, int err, int targets0,
			      unsigned long lo0);

static void file_access_begin(const struct scn_op *op, int p, int *targets0,
			      unsigned long *lo0)
{
	struct rmapf *m = op_rmapf(op, p);
	struct rfile *f;

	*targets0 = 0;
	*lo0 = -1UL;
	if (!m)
		return;
	f = &RT.files[m->file - 1];
	*targets0 = f->nr_targets;
	*lo0 = eof_lo(f, f->nr_targets, -1UL);
}

static unsigned long op_va(const struct scn_op *op)
{
	if (op->addr.region >= 0)
		return *region_va(op_proc(op), op->addr.region) +
		       op->addr.off;
	return 0;
}

/* Length of an op on a region: 0 means "to the end of the region". */
static unsigned long op_len(const struct scn_op *op)
{
	const struct scn_region *rg = &RT.s->regions[op->addr.region];

	if (op->len)
		return op->len;
	return rg->size > op->addr.off ? rg->size - op->addr.off : 0;
}

static struct mm_struct *proc_mm(int p)
{
	return p >= 0 ? RT.procs[p].mm : NULL;
}

/* ---- tasks ---- */

static void thread_main(void *arg);

static void start_thread(int ti)
{
	const struct scn_thread *t = &RT.s->threads[ti];

	if (t->proc >= 0)
		RT.procs[t->proc].live_threads++;
	sim_task_create(t->name, thread_main, (void *)(intptr_t)ti);
}

/*
 * Pins racing unmaps (R5). GUP takes its reference under the PTL (GUP-fast
 * locklessly, rechecking the PTE once); MADV_DONTNEED zaps under the PTL
 * holding mmap_lock (or the VMA lock) for read, a punch the inode lock:
 * the pin may hold the page the zap took away (a ghost) or one faulted in
 * after it. Each unmap of a process's range or zap of a file's is recorded
 * (struct runmap) while a pin may race it; a page whose pin overlapped one
 * is judged against both. GUP-fast racing an mremap's move: both addresses.
 * Two such races of one page: its DMA reads are not judged (SIM).
 */
struct runmap {
	unsigned long va, len;
	unsigned long from, to, mlen;	/* an mremap's move, mlen 0: none */
	int g;			/* its snapshot (-1: none); a pin racing
				 * it starts one (pin_race_begin) */
	uint64_t begin, end;	/* race_now; end 0: in flight, -1: free */
};

/* The records of one memory: a process's, or a tmpfs file's. */
struct runmaps {
	struct runmap *u;
	int nr;
};

/* The clock of pins and unmaps (only their order matters). */
static uint64_t race_now;

/*
 * ghost_begin - @p is about to stop mapping [@va, @va + @len) (munmap,
 * MADV_DONTNEED, exit, exec, an mremap cutting a tail off): its pinned
 * pages there become ghosts (oracle R5), judged against a snapshot of
 * that range taken over the op, which nobody but the device writes to.
 * Until the op ends the page may still be mapped: DMA is judged against
 * the process, whose view already allows the unmap's effects. A pin of
 * the range in flight gets the snapshot taken too (it may race).
 * Returns the unmap's record for ghost_end() (-1: none).
 */
static int ghost_begin(int p, unsigned long va, unsigned long len);

/*
 * ghost_end - the op that unmapped [@va, @va + @len) of @p (record @u)
 * ended: its pages marked by ghost_begin become its ghost - unless an
 * mremap moved one out of the range meanwhile. mmap_lock orders the two
 * in the kernel, and the runner ends each op with no yield point after
 * its kernel call, so a page already moved was moved before this op
 * unmapped the range: it is still mapped, at its new place, and stays
 * the process's.
 */
static void ghost_end(int p, int u, unsigned long va, unsigned long len);

/*
 * pin_race_begin - a pin of @n pages from @start by @p begins (@shared:
 * of a MAP_SHARED mapping, judged at file offsets: no unmap races it).
 * pin_race_end - it succeeded: each page that an unmap of @p overlapped
 * in time gets that unmap's ghost as its alternative (rpage.alt).
 */
static void pin_race_begin(struct rhandle *rh, const struct scn_op *op,
			   int p, unsigned long start, int n);
static void pin_race_end(struct rhandle *rh, int p);

/*
 * dma_write, dma_read - DMA through pinned page @pg at @va (@w: the
 * word): a store or load by the process or by its ghost (R5), by both
 * when the pin raced an unmap; a FOLL_GET pin's write may not show.
 */
static void dma_write(const struct rhandle *rh, const struct rpage *pg,
		      unsigned long va, uint64_t *w, uint64_t val);
static uint64_t dma_read(const struct rpage *pg, bool judged,
			 unsigned long va, const uint64_t *w, char *why,
			 size_t whylen, bool *ok);

/*
 * mremap (record @u) moved [@from, @from + @len) of @p to @to: pins follow
 * pages; a pin that overlapped the mremap in time may have got its page
 * before the move (it moved) or after it (the old range, with dontunmap):
 * the old address is its alternative (rpage.alt_moved). Only mremap
 * moves pages under a pin; the oracle's values moved in oracle_move().
 */
static void pins_move(int p, int u, unsigned long from, unsigned long to,
		      unsigned long len);

/* A process ends: its memory leaves the oracle, its pins become ghosts. */
static void process_exit(int p)
{
	struct rproc *rp = &RT.procs[p];
	struct mm_struct *mm = rp->mm;
	int g;

	if (!mm || rp->exited)
		return;
	g = ghost_begin(p, 0, TASK_SIZE);
	ghost_end(p, g, 0, TASK_SIZE);
	oracle_unmap(rp->opid, 0, TASK_SIZE);
	rp->exited = true;
	rp->mm = NULL;
	if (mm_current() == mm)
		mm_task_bind(NULL);
	mmput(mm);
	/* wait-exit returns once the address space is torn down */
	rp->gone = true;
	sim_wake_all(&rp->exit_wq);
}

/* ---- ops ---- */

/*
 * access_failed - a user access of @va by @op returned @err. Out of
 * simulated memory (-ENOMEM: the kernel would OOM-kill, the fault handler
 * returned VM_FAULT_OOM) is a limit of the run, not a finding about the
 * model; anything else (SIGSEGV/SIGBUS) is a `fault` violation.
 */
static void access_failed(const struct scn_op *op, int err, unsigned long va,
			  const char *what)
{
	if (err == -ENOMEM)
		sim_limit("%s:%u: %s: %s of 0x%lx: out of simulated memory "
			  "(config mem=)", RT.s->filename, op->pos.line,
			  scenario_op_name(op->kind), what, va);
	else
		op_fail(op, "fault", "%s of 0x%lx faulted", what, va);
}

static bool file_access_check(const struct scn_op *op, int p,
			      unsigned long va, int err, int targets0,
			      unsigned long lo0)
{
	struct rmapf *m = op_rmapf(op, p);
	struct rfile *f;
	unsigned long off, lo;

	if (!m)
		return false;
	f = &RT.files[m->file - 1];
	off = va - RT.va[(size_t)p * RT.s->nr_regions + op->addr.region];
	lo = eof_lo(f, targets0, lo0);
	if (err == -EIO) {
		if (off >= lo)
			return true;	/* SIGBUS past EOF: as the kernel */
		op_fail(op, "fault", "SIGBUS at file offset %#lx, below every "
			"EOF the file had during the access (%#lx)", off, lo);
		return true;
	}
	if (!err && off >= ALIGN(f->size, PAGE_SIZE) && off >= lo &&
	    f->nr_targets == targets0 && !f->inflight && lo0 == lo) {
		op_fail(op, "fault", "access at file offset %#lx succeeded, "
			"past EOF %#lx for the whole access: a mapping "
			"outlived truncation", off, f->size);
		return true;
	}
	return false;
}

/* The rcow of @va's page if @op's region is a private file mapping. */
static struct rcow *op_cow(const struct scn_op *op, int p, unsigned long va)
{
	struct rmapf *m = op_rmapf(op, p);
	unsigned long base;

	if (!m || m->shared)
		return NULL;
	base = RT.va[(size_t)p * RT.s->nr_regions + op->addr.region];
	return &m->cow[(va - base) >> PAGE_SHIFT];
}

/*
 * file_store_begin - a store to [@va, +@len) of a private file mapping:
 * the first one to a page makes it a ghost of the file page, snapshot
 * over this store (returns the snapshot's id, for file_store_end). A fill
 * goes through runner_fill_begin (the same, per page). -1: nothing to end.
 */
static int file_store_begin(const struct scn_op *op, int p, unsigned long va,
			    unsigned long len)
{
	struct rmapf *m = op_rmapf(op, p);
	unsigned long base, off;
	struct rcow *c;

	if (!m || m->shared)
		return -1;
	base = RT.va[(size_t)p * RT.s->nr_regions + op->addr.region];
	/*
	 * One word only: a fill's pages are runner_fill_begin's, a pin's
	 * runner_pin_begin's (both COW a page as this store does).
	 */
	if (len > 8)
		return -1;
	off = (va - base) & PAGE_MASK;
	c = &m->cow[off >> PAGE_SHIFT];
	if (c->ghost)
		return -1;
	c->gen++;
	c->inflight++;
	c->ghost = 1 + oracle_ghost_begin(RT.files[m->file - 1].opid, off,
					  PAGE_SIZE);
	return c->ghost - 1;
}

/* The COWing store of @va ended (@ok: it did not fault). */
static void file_store_end(const struct scn_op *op, int p, unsigned long va,
			   int ghost, bool ok)
{
	struct rmapf *m = op_rmapf(op, p);
	struct rcow *c = op_cow(op, p, va);

	if (ghost < 0 || !c)
		return;
	oracle_ghost_end(RT.files[m->file - 1].opid, ghost);
	c->inflight--;
	if (!ok)
		c->ghost = -1;	/* no copy was made: not followed */
}

/*
 * must_fault - @op (`... faults`) accessed @va and got @err: it must have
 * faulted (SIGSEGV -EFAULT, or SIGBUS -EIO); running out of simulated
 * memory is a limit; an access that went through is a `fault` violation
 * naming the expectation. A faulting store changed nothing.
 */
static void must_fault(const struct scn_op *op, int err, unsigned long va,
		       const char *what)
{
	RT.res.faulted = err && err != -ENOMEM;
	if (err == -ENOMEM)
		sim_limit("%s:%u: %s: %s of 0x%lx: out of simulated memory "
			  "(config mem=)", RT.s->filename, op->pos.line,
			  scenario_op_name(op->kind), what, va);
	else if (!err)
		op_fail(op, "fault", "%s of 0x%lx did not fault; the scenario "
			"expects it to ('faults')", what, va);
}

/* fill/check ... faults: the first word of every page must fault. */
static void fault_every_page(const struct scn_op *op, int p,
			     unsigned long va, unsigned long end, bool store)
{
	for (; va < end; va = (va & PAGE_MASK) + PAGE_SIZE) {
		uint64_t v = op->val;
		int err = store ? mm_user_store(proc_mm(p), va, v) :
				  mm_user_load(proc_mm(p), va, &v);

		must_fault(op, err, va, store ? "store" : "load");
		if (!RT.res.faulted)
			return;
	}
}

static void do_load(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op), ova, lo0;
	int targets0, opid;
	char why[256];
	uint64_t v = 0;
	struct oracle_op *h;
	int err;

	struct rcow *c = op_cow(op, p, va);
	int gen0 = c ? c->gen : 0;

	if (op->flags & SCN_F_FAULTS) {
		must_fault(op, mm_user_load(proc_mm(p), va, &v), va, "load");
		return;
	}
	file_access_begin(op, p, &targets0, &lo0);
	opid = oracle_target(op, p, va, &ova);
	h = opid >= 0 ? oracle_load_begin(opid, ova) : NULL;
	err = mm_user_load(proc_mm(p), va, &v);
	if (file_access_check(op, p, va, err, targets0, lo0))
		return;
	if (err) {
		access_failed(op, err, va, "load");
		return;
	}
	/* a COWing store overlapped the load: file or copy, not judged */
	if (c && (c->gen != gen0 || c->inflight))
		h = NULL;
	RT.res.has_value = true;
	RT.res.value = v;
	if (!oracle_load_end(h, v, why, sizeof(why)))
		op_fail(op, "lost-store", "%s", why);
	if (op->has_val && v != op->val)
		op_fail(op, "wrong-value", "load of 0x%lx returned 0x%llx, the "
					 "scenario expects 0x%llx",
			va, (unsigned long long)v,
			(unsigned long long)op->val);
}

static void do_store(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op), ova, lo0;
	int targets0, opid;
	struct oracle_op *h;
	int err;

	int ghost;

	/* a store that must fault: the oracle hears of no store */
	if (op->flags & SCN_F_FAULTS) {
		must_fault(op, mm_user_store(proc_mm(p), va, op->val), va,
			   "store");
		return;
	}
	file_access_begin(op, p, &targets0, &lo0);
	ghost = file_store_begin(op, p, va, 8);
	/* the COWing store itself writes the copy */
	if (ghost >= 0) {
		opid = ghost;
		ova = (va - RT.va[(size_t)p * RT.s->nr_regions +
				  op->addr.region]);
	} else {	/* a COW in flight: into the copy (runner.c end) */
		opid = runner_store_target(op, p, va, &ova);
	}
	h = opid >= 0 ? oracle_store_begin(opid, ova, 8, op->val) : NULL;
	err = mm_user_store(proc_mm(p), va, op->val);
	file_store_end(op, p, va, ghost, !err);
	if (file_access_check(op, p, va, err, targets0, lo0)) {
		err ? oracle_cancel(h) : oracle_end(h);	/* SIGBUS: none */
		return;
	}
	if (err) {
		access_failed(op, err, va, "store");
		return;
	}
	oracle_end(h);
}

/*
 * fill: every 8-byte word of the range. The first word of each page goes
 * through the MMU (faulting as needed); the rest of that page is written
 * through the same translation with no yield point in between.
 * SIM: a page of a fill is one atomic step. A fill of a file mapping
 * stays within one mapping of it (the oracle's file offsets are linear).
 */
static void do_fill(const struct scn_op *op, int p)
{
	struct mm_struct *mm = proc_mm(p);
	unsigned long va = op_va(op), end = va + op_len(op);
	int err;
	struct oracle_op *h;

	if (op->flags & SCN_F_FAULTS) {
		fault_every_page(op, p, va, end, true);
		return;
	}
	/* a store of every word; of a private file mapping, a store of
	 * each page's part to its copy, whose first store COWs it as a
	 * store does (runner_fill_begin, at the end of this file) */
	h = runner_fill_begin(op, p, va, end - va);
	while (va < end) {
		unsigned long pend = (va & PAGE_MASK) + PAGE_SIZE;
		struct tlb_entry e;

		if (pend > end)
			pend = end;
		err = mm_user_store(mm, va, op->val);
		if (err) {
			access_failed(op, err, va, "store");
			return;
		}
		va += 8;
		if (va < pend &&
		    tlb_lookup(smp_processor_id(), &mm->context, va - 8, &e) &&
		    e.write && e.dirty) {
			unsigned long pfn = e.pfn;
			unsigned from = (va & ~PAGE_MASK) / 8;
			unsigned n = (pend - va + 7) / 8;

			if (e.huge)
				pfn += (va >> PAGE_SHIFT) & (HPAGE_PMD_NR - 1);
			/* a whole-frame fill stays a mark (arch/physmem.c) */
			physmem_fill_words(pfn, from, from + n, op->val);
			va += 8UL * n;
		}
		for (; va < pend; va += 8) {
			err = mm_user_store(mm, va, op->val);
			if (err) {
				access_failed(op, err, va, "store");
				return;
			}
		}
	}
	runner_fill_end(op, h);
}

/* check: every word of the range holds what the oracle allows. */
static void do_check(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op), end = va + op_len(op);
	char why[256];

	if (op->flags & SCN_F_FAULTS) {
		fault_every_page(op, p, va, end, false);
		return;
	}
	for (; va < end; va += 8) {
		unsigned long ova;
		int opid = oracle_target(op, p, va, &ova);
		struct oracle_op *h = opid >= 0 ? oracle_load_begin(opid, ova) :
						  NULL;
		uint64_t v;
		int err = mm_user_load(proc_mm(p), va, &v);

		if (err) {
			access_failed(op, err, va, "load");
			return;
		}
		if (!oracle_load_end(h, v, why, sizeof(why))) {
			op_fail(op, "lost-store", "%s", why);
			return;
		}
		if (v != op->val) {
			op_fail(op, "wrong-value", "word 0x%lx holds 0x%llx, the "
						 "scenario expects 0x%llx",
				va, (unsigned long long)v,
				(unsigned long long)op->val);
			return;
		}
	}
}

static void do_mmap_op(const struct scn_op *op, int p)
{
	const struct scn_region *rg = &RT.s->regions[op->name];
	unsigned long va = *region_va(p, op->name), ret;
	unsigned long prot = 0, flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	struct mm_struct *mm = proc_mm(p);

	prot |= op->prot & SCN_PROT_R ? PROT_READ : 0;
	prot |= op->prot & SCN_PROT_W ? PROT_WRITE : 0;
	prot |= op->prot & SCN_PROT_X ? PROT_EXEC : 0;
	if (op->flags & SCN_F_GROWSDOWN)
		flags |= MAP_GROWSDOWN;
	if (op->flags & SCN_F_SHARED)
		flags = (flags & ~MAP_PRIVATE) | MAP_SHARED;
	if (op->file >= 0) {
		/* a tmpfs file (memfd), from offset 0 */
		struct rfile *f = &RT.files[op->file];
		struct rmapf *m = &RT.rfile[(size_t)p * RT.s->nr_regions +
					    op->name];

		if (!f->file) {
			sim_limit("%s:%u: mmap: file '%s' mapped before its "
				  "memfd ran", RT.s->filename, op->pos.line,
				  RT.s->files[op->file].name);
			return;
		}
		*m = (struct rmapf){ .file = 1 + op->file,
				     .shared = op->flags & SCN_F_SHARED };
		if (!m->shared)
			m->cow = sim_zalloc(sizeof(*m->cow) *
					    (rg->size / PAGE_SIZE + 1));
		mmap_write_lock(mm);
		ret = do_mmap_file(mm, f->file, va, rg->size, prot,
				   (flags & ~MAP_ANONYMOUS) | MAP_FIXED, 0);
		mmap_write_unlock(mm);
	} else {
		int i = op->flags & SCN_F_SHARED ? RT.nr_files++ : -1;
		struct vm_area_struct *vma;

		if (i >= 0) {	/* MAP_SHARED|MAP_ANONYMOUS: shmem, a file */
			RT.files[i] = (struct rfile){ .size = rg->size,
				.opid = oracle_process_new(), .region = op->name };
			RT.rfile[(size_t)p * RT.s->nr_regions + op->name] =
				(struct rmapf){ .file = 1 + i, .shared = true };
		}
		ret = vm_mmap(mm, va, rg->size, prot, flags, 0);
		vma = i >= 0 && ret == va ? vma_lookup(mm, va) : NULL;
		if (vma && vma->vm_file)	/* R9 reads its page cache */
			RT.files[i].mapping = vma->vm_file->f_mapping;
	}
	if (IS_ERR_VALUE(ret) || ret != va) {
		op_fail(op, "fault", "mmap of %llu bytes at 0x%lx failed (%ld)",
			(unsigned long long)rg->size, va, (long)ret);
		return;
	}
	if (op->flags & (SCN_F_THP | SCN_F_NOTHP))
		do_madvise(mm, va, rg->size,
			   op->flags & SCN_F_THP ? MADV_HUGEPAGE :
						   MADV_NOHUGEPAGE);
}

static void do_munmap_op(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op), len = op_len(op);
	/* pins of this range become ghosts: the device keeps the pages */
	int g = ghost_begin(p, va, len);

	if (vm_munmap(proc_mm(p), va, len))
		op_fail(op, "fault", "munmap of 0x%lx+0x%lx failed", va,
			len);
	ghost_end(p, g, va, len);
	/* a shared file's data outlives this mapping of it */
	if (!op_shared(op, p))
		oracle_unmap(RT.procs[p].opid, va, len);
}

static const int madv_map[SCN_MADV_NR] = {
	[SCN_MADV_DONTNEED] = MADV_DONTNEED,
	[SCN_MADV_DONTFORK] = MADV_DONTFORK,
	[SCN_MADV_DOFORK] = MADV_DOFORK,
	[SCN_MADV_HUGEPAGE] = MADV_HUGEPAGE,
	[SCN_MADV_NOHUGEPAGE] = MADV_NOHUGEPAGE,
	[SCN_MADV_WIPEONFORK] = MADV_WIPEONFORK,
	[SCN_MADV_KEEPONFORK] = MADV_KEEPONFORK,
	[SCN_MADV_REMOVE] = MADV_REMOVE,
	[SCN_MADV_MERGEABLE] = MADV_MERGEABLE,
	[SCN_MADV_UNMERGEABLE] = MADV_UNMERGEABLE,
	/* swap and reclaim (mm/madvise_reclaim.c) */
	[SCN_MADV_WILLNEED] = MADV_WILLNEED,
	[SCN_MADV_FREE] = MADV_FREE,
	[SCN_MADV_COLD] = MADV_COLD,
	[SCN_MADV_PAGEOUT] = MADV_PAGEOUT,
	/* khugepaged (mm/khugepaged.c) */
	[SCN_MADV_COLLAPSE] = MADV_COLLAPSE,
};

/*
 * madvise: what the oracle hears of it. MADV_DONTNEED on private anon: the
 * range reads zero afterwards (a zap, oracle R2) and pinned pages there
 * are no longer the process's (R5); wipeonfork/keeponfork set and clear
 * VM_WIPEONFORK (R3). The rest change no value a program can see.
 */
static void do_madvise_op(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op), len = op_len(op);
	int opid = RT.procs[p].opid, g = -1;
	struct oracle_op *h = NULL;

	/* DONTNEED drops a private file mapping's COW copies (a pin keeps
	 * its own): the pages read the file again - or, racing, the copy */
	if (op_rmapf(op, p) && !op_shared(op, p) &&
	    op->advice == SCN_MADV_DONTNEED)
		for (unsigned long a = va & PAGE_MASK; a < va + len;
		     a += PAGE_SIZE)
			runner_cow_unfollow(op, p, a);
	if (op_shared(op, p)) {
		unsigned long ova;
		int fid = oracle_target(op, p, va, &ova);

		/* DONTNEED drops only the mapping: the data stays in the
		 * page cache; REMOVE punches the file: it reads zero */
		if (op->advice == SCN_MADV_REMOVE)
			h = file_zap_begin(fid, ova, len);
	} else if (op->advice == SCN_MADV_DONTNEED) {
		g = ghost_begin(p, va, len);
		h = oracle_zap_begin(opid, va, len);
	} else if (op->advice == SCN_MADV_FREE) {
		/* R8: the range may read zero until it is written again */
		h = oracle_free_begin(opid, va, len);
	} else if (op->advice == SCN_MADV_WIPEONFORK ||
		   op->advice == SCN_MADV_KEEPONFORK) {
		h = oracle_wipeonfork_begin(opid, va, len,
					    op->advice == SCN_MADV_WIPEONFORK);
	}
	if (do_madvise(proc_mm(p), va, len, madv_map[op->advice]))
		op_fail(op, "fault", "madvise %s failed",
			scenario_advice_name(op->advice));
	file_zap_end(h);	/* oracle_end(h), and a file's pins' ghost */
	ghost_end(p, g, va, len);
}

static void do_mprotect_op(const struct scn_op *op, int p)
{
	unsigned long prot = 0;

	prot |= op->prot & SCN_PROT_R ? PROT_READ : 0;
	prot |= op->prot & SCN_PROT_W ? PROT_WRITE : 0;
	prot |= op->prot & SCN_PROT_X ? PROT_EXEC : 0;
	if (do_mprotect_pkey(proc_mm(p), op_va(op), op_len(op), prot, -1))
		op_fail(op, "fault", "mprotect failed");
}

/*
 * fork: the child's memory is a snapshot of the parent's at some point
 * during dup_mm; stores racing with it may land on either side.
 */
static void do_fork_op(const struct scn_op *op, int p)
{
	int c = op->name, oc;
	const struct scn_proc *cp = &RT.s->procs[c];
	struct mm_struct *mm;

	oc = oracle_fork_begin(RT.procs[p].opid);
	mm = dup_mm(proc_mm(p));
	oracle_fork_end(RT.procs[p].opid, oc);
	if (!mm) {
		sim_limit("%s:%u: fork: out of simulated memory",
			  RT.s->filename, op->pos.line);
		return;
	}
	RT.procs[c] = (struct rproc){ .mm = mm, .opid = oc };
	/* fork copies the address space: every region is where it was */
	memcpy(region_va(c, 0), region_va(p, 0),
	       sizeof(*RT.va) * RT.s->nr_regions);
	/* file mappings are inherited; a private one's COW state too */
	for (int g = 0; g < RT.s->nr_regions; g++) {
		struct rmapf *pm = &RT.rfile[(size_t)p * RT.s->nr_regions + g];
		struct rmapf *cm = &RT.rfile[(size_t)c * RT.s->nr_regions + g];
		size_t n = RT.s->regions[g].size / PAGE_SIZE + 1;

		*cm = *pm;
		if (pm->cow) {
			/* the child's copies of the parent's COW pages are
			 * not followed; its other pages read the file */
			cm->cow = sim_zalloc(sizeof(*cm->cow) * n);
			for (size_t i = 0; i < n; i++)
				cm->cow[i].ghost = pm->cow[i].ghost ? -1 : 0;
		}
	}
	if (cp->first_thread >= 0)
		start_thread(cp->first_thread);
}

static unsigned int gup_flags_of(const struct scn_op *op)
{
	unsigned int f = op->flags & SCN_F_GET ? FOLL_GET : FOLL_PIN;

	if (op->flags & SCN_F_WRITE)
		f |= FOLL_WRITE;
	if (op->flags & SCN_F_LONGTERM)
		f |= FOLL_LONGTERM;
	return f;
}

static void do_pin_op(const struct scn_op *op, int p)
{
	struct rhandle *rh = &RT.handles[op->name];
	unsigned long va = op_va(op), start = va & PAGE_MASK;
	int n = (int)((PAGE_ALIGN(va + op->len) - start) >> PAGE_SHIFT);
	unsigned int f = gup_flags_of(op);
	int opid = RT.procs[p].opid;
	bool shared = op_shared(op, p);
	struct oracle_op *o = NULL;
	bool *zero = sim_zalloc(sizeof(*zero) * n);
	long got;

	/* R4: only a short-term R/O FOLL_PIN of anon may keep zero */
	if ((f & (FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM)) == FOLL_PIN &&
	    !op_rmapf(op, p))
		o = oracle_pin_begin(opid, start, n);
	rh->pages = sim_zalloc(sizeof(*rh->pages) * n);
	rh->pg = sim_zalloc(sizeof(*rh->pg) * n);
	runner_pin_begin(rh, op, p, start, n);
	if (op->flags & SCN_F_FAST)
		got = gup_fast_user_pages(proc_mm(p), start, n, f, rh->pages);
	else
		got = get_user_pages_remote(proc_mm(p), start, n, f,
					    rh->pages);
	if (got != n) {
		if (got > 0)
			for (long i = 0; i < got; i++)
				gup_put_page(rh->pages[i], f);
		if (got == -ENOMEM)
			sim_limit("%s:%u: pin: out of simulated memory "
				  "(config mem=)", RT.s->filename,
				  op->pos.line);
		op_fail(op, "pin", "pinned %ld of %d pages", got, n);
		return;
	}
	if (o)
		oracle_pin_end(o, zero);
	for (int i = 0; i < n; i++) {
		unsigned long pva = start + i * PAGE_SIZE, ova = pva;
		int alt, id;	/* a file's page or copy: at the file offset */

		id = runner_pin_page(op, p, i, pva, shared, &ova, &alt);
		rh->pg[i] = (struct rpage){ .opid = id, .va = ova, .zero =
			zero[i], .alt = alt };
	}
	runner_pin_end(rh, op, p);
	sim_free(zero);
	rh->npages = n;
	rh->proc = p;
	rh->va = va;
	rh->len = op->len;
	rh->pinned = true;
	rh->coherent = !(op->flags & SCN_F_GET);
}

static void do_unpin_op(const struct scn_op *op, int p)
{
	struct rhandle *rh = &RT.handles[op->name];
	const struct scn_op *pin = &RT.s->ops[RT.s->handles[op->name].op];

	if (!rh->pinned) {
		op_fail(op, "pin", "handle %s is not pinned",
			RT.s->handles[op->name].name);
		return;
	}
	for (int i = 0; i < rh->npages; i++) {
		if (op->flags & SCN_F_DIRTY)
			folio_mark_dirty(page_folio(rh->pages[i]));
		gup_put_page(rh->pages[i], gup_flags_of(pin));
	}
	rh->pinned = false;
}

/* The pinned page a DMA through @rh at offset @off touches. */
static unsigned long dma_page(const struct rhandle *rh, uint64_t off)
{
	unsigned long va = rh->va + off;

	return (va >> PAGE_SHIFT) - (rh->va >> PAGE_SHIFT);
}

/* The word a DMA through @rh at offset @off touches. */
static uint64_t *dma_word(struct rhandle *rh, uint64_t off)
{
	unsigned long va = rh->va + off;

	return (uint64_t *)((char *)page_address(rh->pages[dma_page(rh, off)]) +
			    (va & ~PAGE_MASK));
}

/*
 * DMA: a store or load by the pinning process at the pinned page's address
 * there (or by its ghost, oracle R5). A read through a page that may be
 * the shared zero page may also return 0 (R4).
 */
static void do_dma_op(const struct scn_op *op, bool write)
{
	struct rhandle *rh = &RT.handles[op->addr.handle];
	const struct rpage *pg;
	unsigned long va;
	uint64_t *w, v;
	uintptr_t data;
	char why[256];
	bool judged, ok;
	/* R5: the process's page, its ghost, or either after a race */

	if (!rh->pinned) {
		op_fail(op, "pin", "DMA through handle %s, which is not "
				   "pinned",
			RT.s->handles[op->addr.handle].name);
		return;
	}
	pg = &rh->pg[dma_page(rh, op->addr.off)];
	judged = rh->coherent && !pg->unjudged;
	va = pg->va + ((rh->va + op->addr.off) & ~PAGE_MASK);
	w = dma_word(rh, op->addr.off);
	/* the explorer sees DMA touch the pinned folio's data */
	data = sim_data_obj(rh->pages[dma_page(rh, op->addr.off)]);
	if (write) {
		sim_yield2(SIM_EV_USER, 0, SIM_EV_WRITE, data, "dma:write");
		/*
		 * into the ghost being taken, if the page is between; a
		 * FOLL_GET reference promises nothing: the word may or may
		 * not show the device's value to the process; a pin that
		 * raced an unmap writes the page the unmap took away (its
		 * ghost) or the one the process faulted in after it: the
		 * ghost gets the value, the process may (dma_write). Only
		 * the device writes a ghost, so its snapshot plus this
		 * value is what a later DMA read of it may see; the
		 * read-back takes the process's word as maybe written
		 */
		dma_write(rh, pg, va, w, op->val);
		return;
	}
	sim_yield2(SIM_EV_USER, 0, SIM_EV_READ, data, "dma:read");
	/* after a race, either page may be the pin's: either judges */
	v = dma_read(pg, judged, va, w, why, sizeof(why), &ok);
	if (!ok && !(pg->zero && !v))
		op_fail(op, "pin-incoherent", "%s", why);
	if (op->has_val && v != op->val)
		op_fail(op, "wrong-value", "DMA read of 0x%lx returned 0x%llx, "
					 "the scenario expects 0x%llx",
			rh->va + op->addr.off, (unsigned long long)v,
			(unsigned long long)op->val);
}

/*
 * The new program's first act: read its arguments, a word of each page of
 * the stack exec built ([EXEC_STACK_TOP - @size, EXEC_STACK_TOP), word at
 * offset off holding exec_arg_value(off)). This is the access that met the
 * migration entry left behind in seed 002 (the kernel BUG'd there).
 */
static void exec_read_args(const struct scn_op *op, struct mm_struct *mm,
			   unsigned long size)
{
	unsigned long base = EXEC_STACK_TOP - size;

	for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
		uint64_t v = 0;
		int err = mm_user_load(mm, base + off, &v);

		if (err) {
			access_failed(op, err, base + off,
				      "the new program's read of its "
				      "argument page");
			return;
		}
		if (v != exec_arg_value(off)) {
			op_fail(op, "wrong-value", "argument word at 0x%lx "
						   "holds 0x%llx, exec wrote "
						   "0x%llx",
				base + off, (unsigned long long)v,
				(unsigned long long)exec_arg_value(off));
			return;
		}
	}
}

/*
 * exec: the process gets a new mm (a temporary stack set up, then shifted
 * down by shift_arg_pages) and drops the old one. Its pins become ghosts.
 * SIM: only a process with one live thread may exec (no de_thread).
 */
static void do_exec_op(const struct scn_op *op, int p)
{
	struct rproc *rp = &RT.procs[p];
	struct mm_struct *old = rp->mm, *new;

	if (rp->live_threads > 1) {
		sim_limit("%s:%u: exec with other threads alive is not "
			  "modelled (no de_thread)",
			  RT.s->filename, op->pos.line);
		return;
	}
	ghost_end(p, ghost_begin(p, 0, TASK_SIZE), 0, TASK_SIZE);
	oracle_unmap(rp->opid, 0, TASK_SIZE);
	new = do_exec_mm(old, op->len ? op->len : 4 * PAGE_SIZE);
	if (!new) {
		sim_limit("%s:%u: exec: out of simulated memory",
			  RT.s->filename, op->pos.line);
		return;
	}
	rp->mm = new;
	mm_task_bind(new);
	mmput(old);
	exec_read_args(op, new, PAGE_ALIGN(op->len ? op->len : 4 * PAGE_SIZE));
}

/*
 * mremap: the values move with the pages (oracle_move), and so do pins of
 * the moved pages; a tail cut off by a shrink is unmapped (its pinned
 * pages become ghosts). When the range starts at the region's start, the
 * region's name follows it to its new place (as=NAME names the new place
 * instead).
 */
static void do_mremap_op(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op), old_len = op_len(op), flags = 0, ret;
	unsigned long new_addr = op->at, keep;
	int opid = RT.procs[p].opid, g = -1;

	if (op_shared(op, p) && (op->addr.off || op->len2 != old_len)) {
		/* SIM: the oracle follows a shared mapping's region only
		 * when the whole of it moves unresized */
		sim_limit("%s:%u: mremap: a shared mapping moves only whole "
			  "and unresized here", RT.s->filename, op->pos.line);
		return;
	}
	if (op->flags & SCN_F_MAYMOVE)
		flags |= MREMAP_MAYMOVE;
	if (op->flags & SCN_F_DONTUNMAP)
		flags |= MREMAP_DONTUNMAP;
	if (op->name >= 0)
		new_addr = *region_va(p, op->name);
	if (new_addr)
		flags |= MREMAP_FIXED | MREMAP_MAYMOVE;
	keep = old_len < op->len2 ? old_len : op->len2;
	/* a record even with no tail cut off: a pin may race the move */
	g = ghost_begin(p, va + keep, old_len - keep);
	ret = do_mremap(proc_mm(p), va, old_len, op->len2, flags, new_addr);
	ghost_end(p, g, va + keep, old_len - keep);
	if (IS_ERR_VALUE(ret)) {
		op_fail(op, "fault", "mremap failed (%ld)", (long)ret);
		return;
	}
	if (keep < old_len)
		oracle_unmap(opid, va + keep, old_len - keep);
	if (ret == va)
		return;
	if (op_shared(op, p)) {
		/* the data stays at its file offsets; the region moves */
		if (op->name >= 0)
			RT.rfile[(size_t)p * RT.s->nr_regions + op->name] =
				*op_rmapf(op, p);
	} else {
		oracle_move(opid, va, ret, keep);
	}
	pins_move(p, g, va, ret, keep);
	if (op->name < 0 && !op->addr.off)
		*region_va(p, op->addr.region) = ret;
}

/* The migration ops; their results are not judged (a pinned page may
 * legitimately refuse to move): the oracle judges what users then see. */
static void do_migration_op(const struct scn_op *op, struct mm_struct *mm)
{
	unsigned long va = op_va(op);

	switch (op->kind) {
	case SCN_OP_MOVE_PAGES:
		do_move_pages(mm, va, op_len(op) >> PAGE_SHIFT, op->node);
		break;
	case SCN_OP_NUMA_MIGRATE:
		numa_migrate_range(mm, va, op_len(op), op->node);
		break;
	case SCN_OP_NUMA_SCAN:
		numa_scan_range(mm, va, op_len(op));
		break;
	case SCN_OP_COMPACT:
		compact_memory(op->node);
		break;
	case SCN_OP_PFN_GET:
		pfn_walker_get_range(mm, va, op_len(op));
		break;
	case SCN_OP_SPLIT:
		split_huge_pages_addr(mm, va, op->flags & SCN_F_PMD);
		break;
	case SCN_OP_SPLIT_DEFERRED:
		deferred_split_scan();
		break;
	case SCN_OP_KSM_MERGE:
		ksm_merge_range(mm, va, op_len(op));
		break;
	case SCN_OP_KSMD:
		ksm_do_scan(op->len ? (int)op->len : 2);
		break;
	case SCN_OP_COLLAPSE:
		khugepaged_collapse_addr(mm, va);
		break;
	default:
		break;
	}
}

/*
 * memfd, truncate, fallocate: tmpfs files. What the oracle hears: the
 * file's memory starts zero; a truncate zeroes everything past the new
 * size (a later grow reads zero there), a hole punch its range; faults
 * past EOF are judged by file_access_check.
 */
static void do_file_op(const struct scn_op *op)
{
	struct rfile *f = &RT.files[op->file];
	struct oracle_op *h;
	int huge;

	if (op->kind == SCN_OP_MEMFD) {
		huge = op->huge >= 0 ? (int[]){ SHMEM_HUGE_NEVER,
						SHMEM_HUGE_ALWAYS,
						SHMEM_HUGE_WITHIN_SIZE,
						SHMEM_HUGE_ADVISE }[op->huge] :
				       shmem_huge;
		f->file = shmem_file_setup(op->len, huge);
		f->opid = oracle_process_new();
		f->size = op->len;
		return;
	}
	if (!f->file) {
		sim_limit("%s:%u: %s: file '%s' used before its memfd ran",
			  RT.s->filename, op->pos.line,
			  scenario_op_name(op->kind),
			  RT.s->files[op->file].name);
		return;
	}
	if (op->kind == SCN_OP_FALLOCATE) {
		h = file_zap_begin(f->opid, op->addr.off, op->len);
		shmem_punch_hole(f->file->f_mapping, op->addr.off, op->len);
		file_zap_end(h);
		return;
	}
	/* truncate: COW copies past the new EOF are zapped too (even_cows):
	 * a private mapping's page there is no longer followed */
	for (int i = 0; i < RT.s->nr_procs * RT.s->nr_regions; i++) {
		struct rmapf *m = &RT.rfile[i];
		size_t n;

		if (m->file != 1 + op->file || m->shared)
			continue;
		n = RT.s->regions[i % RT.s->nr_regions].size / PAGE_SIZE;
		for (size_t pg = ALIGN(op->len, PAGE_SIZE) / PAGE_SIZE;
		     pg < n; pg++)
			m->cow[pg].ghost = -1;
	}
	if (f->nr_targets < (int)(sizeof(f->targets) / sizeof(f->targets[0])))
		f->targets[f->nr_targets++] = op->len;
	if (!f->inflight || op->len < f->inflight_min)
		f->inflight_min = op->len;
	f->inflight++;
	h = file_zap_begin(f->opid, op->len & ~7UL,
			   f->file->f_mapping->nr_slots * PAGE_SIZE -
			   (op->len & ~7UL));
	shmem_truncate(f->file->f_mapping, op->len);
	file_zap_end(h);
	f->inflight--;
	f->size = op->len;
}

/*
 * The swap and device ops. Their results are not judged (a pinned page
 * may refuse to go, swap may be full): swap is invisible to the programs,
 * and the oracle judges what they see afterwards.
 *	pageout A	MADV_PAGEOUT of the range (skips pages another
 *			process maps too)
 *	reclaim [N]	kernel reclaim (shrink_node): every mapping, through
 *			rmap; N pages at most (0: all it can)
 *	swapin A	MADV_WILLNEED: read-ahead into the swap cache, no
 *			mapping (the fault is a load or a store)
 *	swapoff		swapoff(2): every swapped-out page back, mapped
 *	device-load/store A	the dmirror device's access to A (judged)
 *	device-migrate	the dmirror driver's migrate_vma, to the device or
 *			back to system memory
 */
/*
 * device-load / device-store: the dmirror device reads or writes a word of
 * the region through its mirror (dmirror_access: the page in system
 * memory or on the device, faulted in or back as needed). To the value
 * oracle, a load or a store by the process owning the region, as a DMA
 * through a pin is.
 */
static void do_device_access(const struct scn_op *op, int target,
			     struct mm_struct *mm)
{
	bool write = op->kind == SCN_OP_DEVICE_STORE;
	unsigned long va = op_va(op), ova;
	int opid = oracle_target(op, target, va, &ova);
	uint64_t v = op->val;
	struct oracle_op *h = NULL;
	char why[256];
	int err;

	if (opid >= 0)
		h = write ? oracle_store_begin(opid, ova, 8, v) :
			    oracle_load_begin(opid, ova);
	err = dmirror_access(mm, va, write, &v);
	if (err) {
		access_failed(op, err, va, write ? "device-store" :
						   "device-load");
		return;
	}
	if (write) {
		oracle_end(h);
		return;
	}
	if (!oracle_load_end(h, v, why, sizeof(why)))
		op_fail(op, "lost-store", "%s", why);
	if (op->has_val && v != op->val)
		op_fail(op, "wrong-value", "device load of 0x%lx returned "
					 "0x%llx, the scenario expects 0x%llx",
			va, (unsigned long long)v,
			(unsigned long long)op->val);
}

static void do_swap_op(const struct scn_op *op, int target,
		       struct mm_struct *mm)
{
	unsigned long va = op_va(op);

	switch (op->kind) {
	case SCN_OP_PAGEOUT:
		do_madvise(mm, va, op_len(op), MADV_PAGEOUT);
		break;
	case SCN_OP_SWAPIN:
		do_madvise(mm, va, op_len(op), MADV_WILLNEED);
		break;
	case SCN_OP_RECLAIM:
		shrink_node(op->len);
		break;
	case SCN_OP_SWAPOFF:
		swapoff();
		break;
	case SCN_OP_DEVICE_MIGRATE:
		dmirror_migrate(mm, va, op_len(op), op->to == SCN_TO_DEVICE);
		break;
	case SCN_OP_DEVICE_LOAD:
	case SCN_OP_DEVICE_STORE:
		do_device_access(op, target, mm);
		break;
	default:
		break;
	}
}

static void do_signal(const struct scn_op *op)
{
	struct rsig *sg = &RT.sigs[op->name];

	sim_yield(SIM_EV_WRITE, sg, "scenario:signal");
	sg->count++;
	sim_wake_all(&sg->wq);
}

static void do_wait(const struct scn_op *op)
{
	struct rsig *sg = &RT.sigs[op->name];

	sim_yield(SIM_EV_READ, sg, "scenario:wait");
	while (!sg->count)
		sim_wait(&sg->wq, RT.s->signals[op->name].name, sg,
			 SIM_SITE("scenario:wait"));
	sg->count--;
}

/* ---- observations ---- */

unsigned int scenario_pagemap_bits(uint64_t pme, uint64_t kflags,
				   bool pmd_mapped)
{
	unsigned int b = 0;

	b |= pme & PM_PRESENT ? SCN_PM_PRESENT : 0;
	b |= pme & PM_SWAP ? SCN_PM_SWAPPED : 0;
	b |= pme & PM_SOFT_DIRTY ? SCN_PM_SOFT_DIRTY : 0;
	b |= pme & PM_MMAP_EXCLUSIVE ? SCN_PM_EXCLUSIVE : 0;
	b |= kflags & (1ULL << KPF_THP) ? SCN_PM_THP : 0;
	b |= pmd_mapped ? SCN_PM_PMD : 0;
	b |= kflags & (1ULL << KPF_ANON) ? SCN_PM_ANON : 0;
	b |= kflags & (1ULL << KPF_KSM) ? SCN_PM_KSM : 0;
	b |= kflags & (1ULL << KPF_ZERO_PAGE) ? SCN_PM_ZERO : 0;
	return b;
}

/* pm_names - "present,!exclusive" for the bits of @mask in @bits. */
static const char *pm_names(unsigned int bits, unsigned int mask, char *buf,
			    size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < SCN_PM_NR && n < len; i++)
		if (mask & (1u << i))
			n += snprintf(buf + n, len - n, "%s%s%s",
				      n ? "," : "", bits & (1u << i) ? "" : "!",
				      scenario_pagemap_flags[i]);
	return buf;
}

/* pagemap ADDR [LEN] == FLAGS: every page of the range, as pagemap shows
 * it to the process, has the flags set and the !flags clear. */
static void do_pagemap_op(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op), nr = op_len(op) >> PAGE_SHIFT;
	unsigned int mask = op->pm_set | op->pm_clear;
	struct proc_page_state st;
	char want[160], got[160];

	for (unsigned long i = 0; i < nr; i++, va += PAGE_SIZE) {
		unsigned int b;

		pagemap_read(proc_mm(p), va, 1, &st);
		b = scenario_pagemap_bits(st.pme, st.kflags, st.pmd_mapped);
		if ((b & mask) == op->pm_set)
			continue;
		op_fail(op, "pagemap", "page 0x%lx is %s, the scenario expects "
			"%s", va, pm_names(b, mask, got, sizeof(got)),
			pm_names(op->pm_set, mask, want, sizeof(want)));
		return;
	}
}

/* the frame mapped at @op's address in @p, or -1UL (with a violation) */
static unsigned long op_frame(const struct scn_op *op, int p)
{
	struct proc_page_state st;
	unsigned long va = op_va(op);

	pagemap_read(proc_mm(p), va, 1, &st);
	if (!(st.pme & PM_PRESENT))
		op_fail(op, "frame", "no frame is mapped at 0x%lx", va);
	return st.pme & PM_PRESENT ? st.pfn : -1UL;
}

/* pfn-mark, same-frame, other-frame */
static void do_frame_op(const struct scn_op *op, int p)
{
	unsigned long pfn = op_frame(op, p), mark = RT.marks[op->name];
	const char *name = RT.s->marks[op->name].name;

	if (pfn == -1UL)
		return;
	if (op->kind == SCN_OP_PFN_MARK) {
		RT.marks[op->name] = pfn + 1;
		return;
	}
	if (!mark) {
		op_fail(op, "scenario", "frame mark '%s' was not set in this "
			"execution", name);
		return;
	}
	if ((op->kind == SCN_OP_SAME_FRAME) != (pfn == mark - 1))
		op_fail(op, "frame", "0x%lx maps frame %#lx, mark '%s' frame "
			"%#lx: the scenario expects the %s frame", op_va(op),
			pfn, name, mark - 1,
			op->kind == SCN_OP_SAME_FRAME ? "same" : "other");
}

/* wait-exit P: block until process P has exited (its mm is gone). */
static void do_wait_exit(const struct scn_op *op)
{
	struct rproc *rp = &RT.procs[op->name];

	sim_yield(SIM_EV_READ, rp, "scenario:wait-exit");
	while (!rp->gone)
		sim_wait(&rp->exit_wq, RT.s->procs[op->name].name, rp,
			 SIM_SITE("scenario:wait-exit"));
}

void scenario_set_op_hook(scenario_op_hook fn, void *arg)
{
	op_hook = fn;
	op_hook_arg = arg;
}

struct mm_struct *scenario_proc_mm(int p)
{
	return RT.procs && p >= 0 && p < RT.s->nr_procs ? RT.procs[p].mm :
							    NULL;
}

unsigned long scenario_region_addr(int p, int g)
{
	return *region_va(p, g);
}

static void run_op_in(const struct scn_op *op, int p, int target,
		      struct mm_struct *mm);

/*
 * get_task_mm - an mm_users reference on process @p's mm. In the kernel
 * task_lock() makes reading task->mm and taking the reference atomic with
 * exit_mm(); here the two are done with no yield point in between.
 * SIM: the runner's own bookkeeping, not a modelled race window.
 */
static struct mm_struct *get_task_mm(int p)
{
	struct mm_struct *mm = RT.procs[p].mm;

	if (mm)
		__atomic_add_fetch(&mm->mm_users.counter, 1, __ATOMIC_SEQ_CST);
	return mm;
}

/* run_op - one op of the running thread, @p its process (-1: kthread). */
static void run_op(const struct scn_op *op, int p)
{
	int target = op_proc(op);
	struct mm_struct *pinned_mm = NULL;

	if (op->addr.region >= 0 && (target < 0 || !RT.procs[target].mm)) {
		/* a kthread racing with the owner's exit: nothing to do */
		if (p < 0)
			return;
		op_fail(op, "scenario", "the process owning the region is "
					"gone");
		return;
	}
	/*
	 * A kthread working on another process's mm holds an mm_users
	 * reference for the op (mmget_not_zero in the kernel), so the
	 * owner's exit cannot tear the address space down under it.
	 */
	if (p < 0 && target >= 0)
		pinned_mm = get_task_mm(target);
	run_op_in(op, p, target, pinned_mm ? pinned_mm : proc_mm(target));
	if (pinned_mm)
		mmput(pinned_mm);
}

/*
 * run_op_in - @op of a thread of @p (-1: kthread) acting on @target,
 * whose mm is @mm (held by the caller for a kthread).
 */
static void run_op_in(const struct scn_op *op, int p, int target,
		      struct mm_struct *mm)
{
	switch (op->kind) {
	case SCN_OP_MMAP:	do_mmap_op(op, target); break;
	case SCN_OP_MUNMAP:	do_munmap_op(op, target); break;
	case SCN_OP_MPROTECT:	do_mprotect_op(op, target); break;
	case SCN_OP_MADVISE:	do_madvise_op(op, target); break;
	case SCN_OP_FORK:	do_fork_op(op, p); break;
	case SCN_OP_EXIT:	RT.procs[p].exit_requested = true; break;
	case SCN_OP_LOAD:	do_load(op, target); break;
	case SCN_OP_STORE:	do_store(op, target); break;
	case SCN_OP_FILL:	do_fill(op, target); break;
	case SCN_OP_CHECK:	do_check(op, target); break;
	case SCN_OP_PIN:	do_pin_op(op, target); break;
	case SCN_OP_UNPIN:	do_unpin_op(op, p); break;
	case SCN_OP_DMA_READ:	do_dma_op(op, false); break;
	case SCN_OP_DMA_WRITE:	do_dma_op(op, true); break;
	case SCN_OP_EXEC:	do_exec_op(op, p); break;
	case SCN_OP_MREMAP:	do_mremap_op(op, target); break;
	case SCN_OP_MOVE_PAGES:
	case SCN_OP_NUMA_MIGRATE:
	case SCN_OP_NUMA_SCAN:
	case SCN_OP_COMPACT:
	case SCN_OP_PFN_GET:
	case SCN_OP_SPLIT:
	case SCN_OP_SPLIT_DEFERRED:
	case SCN_OP_KSM_MERGE:
	case SCN_OP_KSMD:
	case SCN_OP_COLLAPSE:	do_migration_op(op, mm); break;
	case SCN_OP_PAGEOUT:
	case SCN_OP_SWAPIN:
	case SCN_OP_RECLAIM:
	case SCN_OP_SWAPOFF:
	case SCN_OP_DEVICE_LOAD:
	case SCN_OP_DEVICE_STORE:
	case SCN_OP_DEVICE_MIGRATE: do_swap_op(op, target, mm); break;
	case SCN_OP_SIGNAL:	do_signal(op); break;
	case SCN_OP_WAIT:	do_wait(op); break;
	case SCN_OP_MEMFD:
	case SCN_OP_TRUNCATE:
	case SCN_OP_FALLOCATE:	do_file_op(op); break;
	case SCN_OP_SPAWN:
		for (int i = 0; i < op->nr_spawn; i++)
			start_thread(op->spawn[i]);
		break;
	case SCN_OP_PAGEMAP:	do_pagemap_op(op, target); break;
	case SCN_OP_PFN_MARK:
	case SCN_OP_SAME_FRAME:
	case SCN_OP_OTHER_FRAME: do_frame_op(op, target); break;
	case SCN_OP_WAIT_EXIT:	do_wait_exit(op); break;
	default:
		/* scenario_program() refused these at load time */
		op_fail(op, "scenario", "op not modelled");
	}
}

static void thread_main(void *arg)
{
	int ti = (int)(intptr_t)arg;
	const struct scn_thread *t = &RT.s->threads[ti];
	int p = t->proc;

	if (p >= 0)
		mm_task_bind(RT.procs[p].mm);
	for (int i = 0; i < t->nr_ops; i++) {
		const struct scn_op *op = scenario_thread_op(RT.s, t, i);

		if (p >= 0 && RT.procs[p].exited)
			break;	/* the process exited under us */
		RT.res = (struct scenario_op_result){ 0 };
		if (op_hook)
			op_hook(op_hook_arg, op, p, NULL);
		RT.cur_op[sim_task_id()] = op;
		run_op(op, p);
		if (op->kind == SCN_OP_EXIT)
			break;
		if (op_hook)
			op_hook(op_hook_arg, op, p, &RT.res);
	}
	/*
	 * The address space goes when the last thread has gone after an
	 * `exit`; otherwise it lives to the end of the execution, where the
	 * end checks still see it (docs/scenario-language.md).
	 */
	if (p >= 0 && --RT.procs[p].live_threads == 0 &&
	    RT.procs[p].exit_requested)
		process_exit(p);
	mm_task_bind(NULL);
	/* the observer sees an exit once the mm is gone */
	if (op_hook && t->nr_ops &&
	    scenario_thread_op(RT.s, t, t->nr_ops - 1)->kind == SCN_OP_EXIT &&
	    p >= 0 && RT.procs[p].gone)
		op_hook(op_hook_arg, scenario_thread_op(RT.s, t, t->nr_ops - 1),
			p, &RT.res);
}

/* ---- the program ---- */

static void runner_setup(void *arg)
{
	struct runner *r = arg;
	const struct scenario *s = r->s;

	RT.r = r;
	RT.s = s;
	memset(RT.cur_op, 0, sizeof(RT.cur_op));
	RT.procs = sim_zalloc(sizeof(*RT.procs) * (s->nr_procs + 1));
	RT.handles = sim_zalloc(sizeof(*RT.handles) * (s->nr_handles + 1));
	RT.sigs = sim_zalloc(sizeof(*RT.sigs) * (s->nr_signals + 1));
	RT.marks = sim_zalloc(sizeof(*RT.marks) * (s->nr_marks + 1));
	RT.va = sim_zalloc(sizeof(*RT.va) * (s->nr_procs * s->nr_regions + 1));
	RT.rfile = sim_zalloc(sizeof(*RT.rfile) *
			      (s->nr_procs * s->nr_regions + 1));
	RT.files = sim_zalloc(sizeof(*RT.files) *
			      (s->nr_files + s->nr_procs * s->nr_regions + 1));
	RT.nr_files = s->nr_files;
	shmem_huge = (int[]){ SHMEM_HUGE_NEVER, SHMEM_HUGE_ALWAYS,
			      SHMEM_HUGE_WITHIN_SIZE, SHMEM_HUGE_ADVISE,
			      SHMEM_HUGE_DENY, SHMEM_HUGE_FORCE }
		[s->config.shmem_enabled];
	transparent_hugepage_mode =
		s->config.thp == SCN_THP_ALWAYS ? THP_ALWAYS :
		s->config.thp == SCN_THP_NEVER	? THP_NEVER :
						  THP_MADVISE;
	thp_numa_mode = s->config.thp_numa == SCN_THP_NUMA_LEGACY ?
				THP_NUMA_LEGACY :
				THP_NUMA_CURRENT;
	mmu_arch_set(s->config.arch == SCN_ARCH_ARM64 ? MMU_ARCH_ARM64 :
							MMU_ARCH_X86,
		     s->config.tlb_free == SCN_TLB_FREE_RCU);
	/* before any task exists: the model of this execution's memory */
	sim_set_memory_model((enum sim_memory)s->config.memory);
	oracle_reset();
	swap_config_bytes = s->config.swap;	/* mm/swapfile.c */
	swap_config_sync = s->config.swap_io == SCN_SWAP_IO_SYNC;
	swap_config_swapoff = false;
	for (int t = 0; t < s->nr_threads; t++)
		for (int i = 0; i < s->threads[t].nr_ops; i++)
			if (scenario_thread_op(s, &s->threads[t], i)->kind ==
			    SCN_OP_SWAPOFF)
				swap_config_swapoff = true;
	for (int p = 0; p < s->nr_procs; p++) {
		if (s->procs[p].parent >= 0)
			continue;
		RT.procs[p].mm = mm_alloc();
		RT.procs[p].opid = oracle_process_new();
		memcpy(region_va(p, 0), r->region_va,
		       sizeof(*RT.va) * s->nr_regions);
		if (!RT.procs[p].mm) {
			sim_limit("out of simulated memory creating process "
				  "%s", s->procs[p].name);
			return;
		}
	}
	for (int t = 0; t < s->nr_threads; t++) {
		const struct scn_thread *th = &s->threads[t];

		if (th->spawn_op >= 0)
			continue;
		if (th->proc >= 0 && s->procs[th->proc].parent >= 0)
			continue;	/* a forked process's: at fork */
		start_thread(t);
	}
}

static void runner_name_va(void *arg, struct mm_struct *mm, unsigned long va,
			   char *proc, size_t plen, char *where, size_t wlen);
static const char *read_back_src(int src);

/* The read-back (R9) of a process's memory, a file's, or a COW page. */
struct read_back {
	int p;			/* the process, or -1: a file */
	struct rfile *f;	/* a file, or the file of a COW page */
	unsigned long base;	/* a COW page: its region's address */
	struct mm_peek c;
	bool bad;
};

/* Report word @va of process @rb->p holding @v, none of @vals. */
static void read_back_bad(struct read_back *rb, unsigned long va, uint64_t v,
			  int nvals, const uint64_t *vals)
{
	char seen[160], proc[64], where[96];

	oracle_format_vals(seen, sizeof(seen), nvals, vals);
	runner_name_va(RT.r, rb->c.mm, va, proc, sizeof(proc), where,
		       sizeof(where));
	sim_violation("lost-store: %s: read-back at the end of the "
		      "execution: %s's %s holds 0x%llx %s; the program could "
		      "only have seen %s", RT.s->filename, proc, where,
		      (unsigned long long)v, read_back_src(rb->c.src), seen);
	rb->bad = true;
}

static void read_back_bad_file(struct read_back *rb, unsigned long off,
			       uint64_t v, int nvals, const uint64_t *vals);

static inline bool allowed(uint64_t v, int nvals, const uint64_t *vals)
{
	for (int i = 0; i < nvals; i++)
		if (vals[i] == v)
			return true;
	return false;
}

/*
 * Judge words @va and @last (@last >= @va, one page; addresses, or file
 * offsets) against @vals, read where the peek's answer @got (with @pfn)
 * says. False after a report.
 */
static bool read_back_page(struct read_back *rb, int got, unsigned long pfn,
			   unsigned long va, unsigned long last, int nvals,
			   const uint64_t *vals)
{
	unsigned long at = va;
	uint64_t v = 0;

	switch (got) {
	case MM_PEEK_FRAME:
		/* a frame of one value (a fill): one test */
		if (nvals == 1 && physmem_frame_all(pfn, vals[0]))
			return true;
		/* fall through */
	case MM_PEEK_SWAP:
		v = mm_peek_word(&rb->c, got, pfn, (va & ~PAGE_MASK) / 8);
		if (allowed(v, nvals, vals) && last > va) {
			at = last;
			v = mm_peek_word(&rb->c, got, pfn,
					 (last & ~PAGE_MASK) / 8);
		}
		/* fall through */
	case MM_PEEK_ZERO:
		if (allowed(v, nvals, vals))
			return true;
		if (rb->p < 0)
			read_back_bad_file(rb, at, v, nvals, vals);
		else
			read_back_bad(rb, at, v, nvals, vals);
		return false;
	default:
		return true;
	}
}

static bool read_back_range(void *arg, unsigned long start, unsigned long end,
			    int nvals, const uint64_t *vals);
static bool read_back_files(void);

/*
 * read_back - R9: every word of a live process's private anonymous memory
 * the program wrote (or zapped) must hold a value the oracle allows when
 * the execution ends, read where a load would get it (mm_peek_user_pfn:
 * the frame, the swap cache or slot, the device page): a store the model
 * lost shows even when no load follows it. Then tmpfs memory
 * (read_back_files). Two words per page of each range of equal knowledge
 * (its first and last in the page): a store to a word of its own is a
 * range of its own, a page replaced by another frame shows at any of its
 * words, a copy that missed the end of a fill at its last word. Nothing
 * is in flight at the end (else nothing is judged).
 *
 * What is left unjudged, because a load could not be judged either or
 * the oracle cannot say (docs/scenario-language.md R9):
 *  - a migration entry (none is left: mm_check_migration_entries runs
 *    first), a non-present PMD, a PTE marker;
 *  - a hole of a private file mapping (the fault would read the file);
 *  - COW pages of private file mappings the oracle does not follow (R6);
 *  - file words at or past the smallest size the file had: a store that
 *    met SIGBUS there is in the oracle as if it had landed;
 *  - a file a pin may have reached through a MAP_SHARED mapping if the
 *    file may have been truncated, punched or MADV_REMOVEd, or if the
 *    scenario reclaims (DMA into a page the file no longer holds, or
 *    that reclaim wrote out before it);
 *  - value sets that overflowed.
 */
static bool read_back(void)
{
	for (int p = 0; p < RT.s->nr_procs; p++) {
		struct read_back rb = { .p = p };

		if (!RT.procs[p].mm || RT.procs[p].exited)
			continue;
		rb.c = MM_PEEK_INIT(RT.procs[p].mm);
		if (!oracle_for_each_written(RT.procs[p].opid,
					     read_back_range, &rb))
			return true;
		if (rb.bad)
			return false;
	}
	return RT.nr_files ? read_back_files() : true;
}

/* End of an execution that ran clean: pins, teardown, invariants. */
static void runner_check(void *arg)
{
	const struct scenario *s = RT.s;

	for (int h = 0; h < s->nr_handles; h++) {
		if (!RT.handles[h].pinned)
			continue;
		sim_violation("pin-leak: %s:%u: pin %s is never unpinned",
			      s->filename,
			      s->ops[s->handles[h].op].pos.line,
			      s->handles[h].name);
		return;
	}
	if (!mm_check_invariants(0, NULL) || mm_check_migration_entries() ||
	    !read_back())
		return;
	for (int p = 0; p < s->nr_procs; p++)
		process_exit(p);
	/* the scenario's memfds are closed last: their inodes go */
	for (int i = 0; i < s->nr_files; i++)
		if (RT.files[i].file)
			shmem_evict_exited(RT.files[i].file->f_mapping);
	/* zap freed every swap PTE's slot (mm/swapfile.c invariant 3) */
	if (swap_check_leaks()) {
		sim_violation("swap-leak: %s: slot %#lx is still in use after "
			      "every process exited", s->filename,
			      swap_check_leaks());
		return;
	}
	mm_check_invariants(MM_INV_ALL_EXITED, NULL);
}

/* The timeline of every page the scenario's regions cover. */
static void runner_describe(void *arg, FILE *out)
{
	const struct scenario *s = RT.s;

	if (!s)
		return;
	for (int p = 0; p < s->nr_procs; p++) {
		struct mm_struct *mm = RT.procs ? RT.procs[p].mm : NULL;

		if (!mm)
			continue;
		fprintf(out, "process %s:\n", s->procs[p].name);
		for (int g = 0; g < s->nr_regions; g++) {
			unsigned long va = *region_va(p, g);

			fprintf(out, "  region %s at 0x%lx (%llu bytes)\n",
				s->regions[g].name, va,
				(unsigned long long)s->regions[g].size);
			describe_range(mm, va, va + s->regions[g].size, out);
		}
	}
}

/* runner_task_op - the op @task runs, "op operands (file:line)". */
static const char *runner_task_op(void *arg, int task)
{
	struct runner *r = arg;
	const struct scn_op *op;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	if (task < 0 || task >= SIM_MAX_TASKS || RT.r != r ||
	    !(op = RT.cur_op[task]))
		return NULL;
	i = (int)(op - r->s->ops);
	if (!r->op_text)
		r->op_text = calloc(r->s->nr_ops + 1, sizeof(*r->op_text));
	if (!r->op_text)
		return NULL;
	if (r->op_text[i])
		return r->op_text[i];
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	scenario_dump_op(r->s, op, f);
	fprintf(f, " (%s:%u)", scenario_file_name(r->s->filename),
		op->pos.line);
	fclose(f);
	return r->op_text[i] = buf;
}

/*
 * runner_name_va - the process whose mm @mm is (else "mm<id>", an mm
 * not yet or no longer a process's: exec's new one) and @va as "region+
 * offset" when a region of that process covers it.
 */
static void runner_name_va(void *arg, struct mm_struct *mm, unsigned long va,
			   char *proc, size_t plen, char *where, size_t wlen)
{
	const struct scenario *s = RT.s;
	int p;

	snprintf(proc, plen, "mm%d", mm->id);
	snprintf(where, wlen, "%#lx", va);
	if (!s || !RT.procs || RT.r != arg)
		return;
	for (p = 0; p < s->nr_procs; p++)
		if (RT.procs[p].mm == mm)
			break;
	if (p == s->nr_procs)
		return;
	snprintf(proc, plen, "%s", s->procs[p].name);
	for (int g = 0; g < s->nr_regions; g++) {
		unsigned long lo = *region_va(p, g);

		if (va >= lo && va < lo + s->regions[g].size) {
			snprintf(where, wlen, "%s+%#lx", s->regions[g].name,
				 va - lo);
			return;
		}
	}
}

/* Is @op something the model can run? NULL if yes, else why not. */
static const char *unsupported(const struct scenario *s,
			       const struct scn_op *op)
{
	switch (op->kind) {
	case SCN_OP_MMAP:
		if ((op->flags & SCN_F_FILE) && op->file < 0)
			return "a file mapping names its file: file=NAME (a "
			       "memfd)";
		if (op->flags & (SCN_F_POPULATE | SCN_F_LOCKED))
			return "populate and locked mappings are not modelled "
			       "yet";
		return NULL;
	case SCN_OP_MADVISE:
		if (!madv_map[op->advice])
			return "this madvise advice is not modelled yet";
		return NULL;
	case SCN_OP_MUNMAP: case SCN_OP_MPROTECT: case SCN_OP_FORK:
	case SCN_OP_EXIT: case SCN_OP_LOAD: case SCN_OP_STORE:
	case SCN_OP_FILL: case SCN_OP_CHECK: case SCN_OP_PIN:
	case SCN_OP_UNPIN: case SCN_OP_DMA_READ: case SCN_OP_DMA_WRITE:
	case SCN_OP_SIGNAL: case SCN_OP_WAIT: case SCN_OP_SPAWN:
	case SCN_OP_EXEC: case SCN_OP_MREMAP: case SCN_OP_MOVE_PAGES:
	case SCN_OP_NUMA_SCAN: case SCN_OP_COMPACT: case SCN_OP_PFN_GET:
	case SCN_OP_MEMFD: case SCN_OP_TRUNCATE: case SCN_OP_FALLOCATE:
	case SCN_OP_SPLIT: case SCN_OP_SPLIT_DEFERRED: case SCN_OP_KSM_MERGE:
	case SCN_OP_KSMD:
	case SCN_OP_COLLAPSE: case SCN_OP_PAGEMAP: case SCN_OP_PFN_MARK:
	case SCN_OP_SAME_FRAME: case SCN_OP_OTHER_FRAME: case SCN_OP_WAIT_EXIT:
		return NULL;
	case SCN_OP_PAGEOUT: case SCN_OP_SWAPIN: case SCN_OP_RECLAIM:
	case SCN_OP_SWAPOFF:
		return NULL;
	case SCN_OP_DEVICE_MIGRATE:
		if (!s->config.device)
			return "device-migrate needs config device= (device "
			       "memory)";
		return NULL;
	case SCN_OP_DEVICE_LOAD:
	case SCN_OP_DEVICE_STORE:
		if (s->ops[s->regions[op->addr.region].op].flags &
		    (SCN_F_FILE | SCN_F_SHARED))
			return "device-load and device-store need a private "
			       "anon region (the dmirror device mirrors "
			       "anonymous memory here)";
		return NULL;
	case SCN_OP_NUMA_MIGRATE:
		if (op->node < 0)
			return "numa-migrate needs node=N (the faulting CPU's "
			       "node)";
		return NULL;
	default:
		return "this op is not modelled yet";
	}
}

/* The address range region @g is bound at, with @g's 2 MiB of gap. */
static unsigned long region_span(const struct scenario *s, int g)
{
	return ALIGN(s->regions[g].size, HPAGE_PMD_SIZE) + REGION_GAP;
}

/* The at= address region @g's binding op (mmap or mremap as=) gives, or 0. */
static unsigned long region_at(const struct scenario *s, int g)
{
	return s->ops[s->regions[g].op].at;
}

/*
 * layout_regions - each region's address in every process: its binding
 * op's at= if it has one (honoured: MAP_FIXED / MREMAP_FIXED there), else
 * the next 2 MiB-aligned place from REGION_BASE with a 2 MiB gap after the
 * previous region, skipping the ranges the at= regions take. Returns 0, or
 * -1 with @err naming the region that does not fit below TASK_SIZE.
 */
static int layout_regions(const struct scenario *s, unsigned long *va,
			  char *err, size_t errlen)
{
	unsigned long next = REGION_BASE;

	for (int g = 0; g < s->nr_regions; g++) {
		bool moved = true;

		if (region_at(s, g)) {
			va[g] = region_at(s, g);
			continue;
		}
		while (moved) {
			moved = false;
			for (int f = 0; f < s->nr_regions; f++) {
				unsigned long at = region_at(s, f);

				if (at && at < next + region_span(s, g) &&
				    next < at + region_span(s, f)) {
					next = ALIGN(at + region_span(s, f),
						     HPAGE_PMD_SIZE);
					moved = true;
				}
			}
		}
		va[g] = next;
		next += region_span(s, g);
		if (next - REGION_GAP > TASK_SIZE || next < REGION_BASE) {
			snprintf(err, errlen, "%s:%u:%u: error: region '%s' "
				 "does not fit in the user address space "
				 "(the runner places regions from %#lx, "
				 "2 MiB-aligned with a 2 MiB gap, below "
				 "%#lx)", s->filename, s->regions[g].pos.line,
				 s->regions[g].pos.col, s->regions[g].name,
				 REGION_BASE, TASK_SIZE);
			return -1;
		}
	}
	return 0;
}

struct mmsim_program *scenario_program(struct scenario *s, char *err,
				       size_t errlen)
{
	struct runner *r = calloc(1, sizeof(*r));

	if (!r) {
		snprintf(err, errlen, "out of host memory");
		return NULL;
	}
	for (int i = 0; i < s->nr_ops; i++) {
		const char *why = unsupported(s, &s->ops[i]);

		if (why) {
			snprintf(err, errlen, "%s:%u:%u: error: %s: %s",
				 s->filename, s->ops[i].pos.line,
				 s->ops[i].pos.col,
				 scenario_op_name(s->ops[i].kind), why);
			free(r);
			return NULL;
		}
	}
	for (int i = 0; i < s->config.nr_regress; i++) {
		if (sim_regress_by_name(s->config.regress[i]) < 0) {
			snprintf(err, errlen,
				 "%s: error: unknown regression '%s' "
				 "(mmsim bugs lists them)",
				 s->filename, s->config.regress[i]);
			free(r);
			return NULL;
		}
		sim_regress_set(sim_regress_by_name(s->config.regress[i]),
				true);
	}
	r->s = s;
	r->region_va = calloc(s->nr_regions + 1, sizeof(*r->region_va));
	if (!r->region_va)
		snprintf(err, errlen, "out of host memory");
	if (!r->region_va || layout_regions(s, r->region_va, err, errlen)) {
		free(r->region_va);
		free(r);
		return NULL;
	}
	r->mem.mem_bytes = s->config.mem;
	r->mem.nr_nodes = s->config.nodes ? s->config.nodes : 1;
	r->mem.device_bytes = s->config.device;
	if (physmem_init(&r->mem) == 0)
		mm_sim_init();
	else {
		snprintf(err, errlen, "%s: error: memory configuration "
				      "refused (see above)",
			 s->filename);
		free(r->region_va);
		free(r);
		return NULL;
	}
	snprintf(r->name, sizeof(r->name), "%s", s->filename);
	r->prog = (struct mmsim_program){
		.name = r->name,
		.path = r->name,
		.setup = runner_setup,
		.check = runner_check,
		.describe = runner_describe,
		.task_op = runner_task_op,
		.name_va = runner_name_va,
		.arg = r,
		.max_steps = s->config.steps,
	};
	return &r->prog;
}

void scenario_program_free(struct mmsim_program *p)
{
	struct runner *r;

	if (!p)
		return;
	r = p->arg;
	if (RT.r == r)
		memset(&RT, 0, sizeof(RT));
	if (r->op_text)
		for (int i = 0; i < r->s->nr_ops; i++)
			free(r->op_text[i]);
	free(r->op_text);
	scenario_free(r->s);
	free(r->region_va);
	free(r);
}

struct mmsim_program *scenario_program_load(const char *path, char *err,
					    size_t errlen)
{
	struct scenario_error e;
	struct scenario *s = scenario_load_file(path, &e);
	struct mmsim_program *p;

	if (!s) {
		snprintf(err, errlen, "%s", e.text);
		/* one line: the first error */
		err[strcspn(err, "\n")] = 0;
		return NULL;
	}
	p = scenario_program(s, err, errlen);
	if (!p)
		scenario_free(s);
	return p;
}

void scenario_runner_register(void)
{
	program_set_scenario_loader(scenario_program_load);
}

/* ---- the read-back of tmpfs memory and private file COW pages (R9) ---- */

/* Where an answer of the peek was read from, for the report. */
static const char *read_back_src(int src)
{
	switch (src) {
	case MM_PEEK_SRC_DEVICE:
		return "in device memory (a device-private entry)";
	case MM_PEEK_SRC_SWAP_CACHE:
		return "in the swap cache (its page is swapped out)";
	case MM_PEEK_SRC_SWAP_SLOT:
		return "in its swap slot";
	case MM_PEEK_SRC_CACHE:
		return "in the page cache";
	default:
		return "in its page tables";
	}
}

/* Report word @off of file @rb->f holding @v, none of @vals. */
static void read_back_bad_file(struct read_back *rb, unsigned long off,
			       uint64_t v, int nvals, const uint64_t *vals)
{
	char seen[160], where[96];
	int i = (int)(rb->f - RT.files);

	oracle_format_vals(seen, sizeof(seen), nvals, vals);
	if (i < RT.s->nr_files)
		snprintf(where, sizeof(where), "memfd %s", RT.s->files[i].name);
	else
		snprintf(where, sizeof(where), "the shared memory of region %s "
			 "(MAP_SHARED|MAP_ANONYMOUS)",
			 RT.s->regions[rb->f->region].name);
	sim_violation("lost-store: %s: read-back at the end of the "
		      "execution: %s at offset 0x%lx holds 0x%llx %s; the "
		      "program could only have seen %s", RT.s->filename, where,
		      off, (unsigned long long)v, read_back_src(rb->c.src),
		      seen);
	rb->bad = true;
}

/*
 * The first and last word of each page's piece of [@start, @end), each
 * one of the @nvals values @vals (what a load could return with nothing
 * in flight): a walk per page, two reads.
 */
static bool read_back_range(void *arg, unsigned long start, unsigned long end,
			    int nvals, const uint64_t *vals)
{
	struct read_back *rb = arg;
	unsigned long huge_end = 0, pfn = 0;

	for (unsigned long va = start, next; va < end; va = next) {
		int got;

		next = (va & PAGE_MASK) + PAGE_SIZE;
		if (next > end)
			next = end;
		/* the next page of the same huge PMD: the next frame */
		if (va < huge_end) {
			pfn++;
			got = MM_PEEK_FRAME;
		} else {
			got = mm_peek_user_pfn(&rb->c, va, &pfn);
			huge_end = got == MM_PEEK_FRAME &&
				   rb->c.src == MM_PEEK_SRC_TABLES &&
				   rb->c.state == MM_PEEK_PMD_HUGE ?
				   (va & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE : 0;
		}
		if (!read_back_page(rb, got, pfn, va, next - 8, nvals, vals))
			return false;
	}
	return true;
}

/*
 * What the scenario's text says of tmpfs file @i (RT.files index), from
 * its ops whether they ran or not (a superset of what the execution did):
 * the smallest size it may have had (its memfd's, every truncate's);
 * whether it may have been zapped (a truncate or fallocate of it, any
 * MADV_REMOVE); whether a pin may have reached it through a MAP_SHARED
 * mapping (a pin of a region some mmap maps it as). A pin through a
 * MAP_PRIVATE one writes only copies the oracle follows (or none it reads
 * back): R/O pins of the file's pages cannot be written through
 * (validate.c), a pin that breaks COW holds a copy (runner_pin_begin).
 */
struct rb_file_text {
	unsigned long min_size;
	bool zapped, pinned_shared;
};

/* A file's read-back: words at or past @limit are not judged. */
struct read_back_f {
	struct read_back rb;
	unsigned long limit;
};

static void read_back_file_text(int i, struct rb_file_text *t)
{
	const struct scenario *s = RT.s;
	bool memfd = i < s->nr_files;

	*t = (struct rb_file_text){ .min_size = RT.files[i].size };
	for (int k = 0; k < s->nr_ops; k++) {
		const struct scn_op *op = &s->ops[k];

		if (memfd && op->file == i &&
		    (op->kind == SCN_OP_MEMFD || op->kind == SCN_OP_TRUNCATE) &&
		    op->len < t->min_size)
			t->min_size = op->len;
		if ((memfd && op->file == i && (op->kind == SCN_OP_TRUNCATE ||
						op->kind == SCN_OP_FALLOCATE)) ||
		    (op->kind == SCN_OP_MADVISE &&
		     op->advice == SCN_MADV_REMOVE))
			t->zapped = true;
		if (op->kind != SCN_OP_PIN || op->addr.region < 0)
			continue;
		for (int m = 0; m < s->nr_ops; m++) {
			const struct scn_op *mm = &s->ops[m];
			bool shared = mm->flags & SCN_F_SHARED;

			if (mm->kind != SCN_OP_MMAP || mm->name != op->addr.region)
				continue;
			if (memfd ? mm->file == i :
				    mm->file < 0 && shared &&
				    mm->name == RT.files[i].region) {
				t->pinned_shared |= shared;
			}
		}
	}
}

/*
 * The same for a tmpfs file's memory, at file offsets, read from its
 * page cache (mm_peek_file_pfn): words past the smallest size the file
 * ever had are not judged (a store that met SIGBUS there is in the
 * oracle as if it had landed; the file may have grown again since).
 */
static bool read_back_file_range(void *arg, unsigned long start,
				 unsigned long end, int nvals,
				 const uint64_t *vals)
{
	struct read_back_f *rf = arg;
	struct read_back *rb = &rf->rb;
	unsigned long pfn = 0;

	if (end > rf->limit)
		end = rf->limit;
	for (unsigned long off = start, next; off < end; off = next) {
		int got;

		next = (off & PAGE_MASK) + PAGE_SIZE;
		if (next > end)
			next = end;
		got = mm_peek_file_pfn(&rb->c, rb->f->mapping,
				       off >> PAGE_SHIFT, &pfn);
		if (!read_back_page(rb, got, pfn, off, next - 8, nvals, vals))
			return false;
	}
	return true;
}

/*
 * The same for a COW page of a private file mapping (rcow: a ghost of the
 * file page, at file offsets), read through the process's tables where
 * its VMA still maps that file offset there: the copy, present or on
 * swap; a hole is not judged (the fault would read the file).
 */
static bool read_back_cow_range(void *arg, unsigned long start,
				unsigned long end, int nvals,
				const uint64_t *vals)
{
	struct read_back_f *rf = arg;
	struct read_back *rb = &rf->rb;
	unsigned long limit = rf->limit, va = rb->base + start;
	struct vm_area_struct *vma = vma_lookup(rb->c.mm, va);
	unsigned long pfn = 0;
	int got;

	if (end > limit)
		end = limit;
	if (start >= end || !vma || !vma->vm_file ||
	    vma->vm_file->f_mapping != rb->f->mapping ||
	    (vma->vm_flags & VM_SHARED) ||
	    va - vma->vm_start + (vma->vm_pgoff << PAGE_SHIFT) != start ||
	    rb->base + end > vma->vm_end ||
	    (start & PAGE_MASK) != ((end - 8) & PAGE_MASK))
		return true;
	got = mm_peek_user_pfn(&rb->c, va, &pfn);
	return read_back_page(rb, got, pfn, va, rb->base + end - 8, nvals,
			      vals);
}

/*
 * read_back_files - R6 memory at the end: every tmpfs file still alive (a
 * memfd; an anon shmem file some VMA maps) judged once per file page, in
 * its page cache or on swap, whoever maps it or not; then each COW page
 * of a private file mapping the oracle follows, in the process's tables.
 * Not judged: words at or past the smallest size the file had; a file a
 * pin may have reached through a shared mapping if the file may have
 * been truncated or punched (the pinned page left the file; DMA goes on
 * into it) or the scenario reclaims (a pinned page written out, or
 * dropped clean, before a DMA write that does not dirty it).
 */
static bool read_back_files(void)
{
	const struct scenario *s = RT.s;
	/*
	 * Whether the scenario's text reclaims: the same question
	 * runner_dma_may_be_lost asks of a DMA write (its ops, run or
	 * not; at the end of this file).
	 */
	bool reclaims = runner_text_reclaims();

	for (int i = 0; i < RT.nr_files; i++) {
		struct rfile *f = &RT.files[i];
		struct read_back_f rf = { .rb = { .p = -1, .f = f } };
		struct rb_file_text t;

		if (i < s->nr_files)
			f->mapping = f->file ? f->file->f_mapping : NULL;
		if (!f->mapping ||
		    (f->mapping->anon && list_empty(&f->mapping->i_mmap)))
			continue;
		read_back_file_text(i, &t);
		if (t.pinned_shared && (t.zapped || reclaims))
			continue;
		rf.limit = t.min_size & ~7UL;
		if (!oracle_for_each_written(f->opid, read_back_file_range,
					     &rf))
			return true;
		if (rf.rb.bad)
			return false;
	}
	for (int p = 0; p < s->nr_procs; p++) {
		if (!RT.procs[p].mm || RT.procs[p].exited)
			continue;
		for (int g = 0; g < s->nr_regions; g++) {
			struct rmapf *m = &RT.rfile[(size_t)p * s->nr_regions +
						    g];
			size_t n = s->regions[g].size / PAGE_SIZE;
			struct read_back_f rf = { .rb = { .p = p } };
			struct rb_file_text t;

			if (!m->file || m->shared || !m->cow)
				continue;
			rf.rb.f = &RT.files[m->file - 1];
			if (!rf.rb.f->mapping)
				continue;
			read_back_file_text(m->file - 1, &t);
			rf.limit = t.min_size & ~7UL;
			rf.rb.base = *region_va(p, g);
			rf.rb.c = MM_PEEK_INIT(RT.procs[p].mm);
			rf.rb.c.file_private = true;
			for (size_t pg = 0; pg < n; pg++) {
				if (m->cow[pg].ghost <= 0 || m->cow[pg].inflight)
					continue;
				if (!oracle_for_each_written(
					    m->cow[pg].ghost - 1,
					    read_back_cow_range, &rf))
					return true;
				if (rf.rb.bad)
					return false;
			}
		}
	}
	return true;
}

/* ---- a file's pinned pages when the file loses them ---- */

/*
 * A pin of a MAP_SHARED file page reaches the file's page (its DMA is
 * judged at the file offset). When a truncate, a hole punch or
 * MADV_REMOVE takes the page out of the file, the page itself lives on
 * for the pin, holding what it held, and the file reads zero there: from
 * then on the pin's page is a ghost of the file's range (as a process's
 * pinned page is when the process unmaps it, ghost_begin()), snapshot
 * over the zap. Until session 9 the DMA kept landing in the file's
 * oracle: a later load of the file there was a false lost-store.
 * One zap in flight per task (each op is one task's).
 */
static struct {
	bool on;
	int fopid, g;
	unsigned long lo, hi;
	int u;			/* its record (R5: pins racing it) */
} fzap[SIM_MAX_TASKS];

static struct runmaps *race_list(int opid);
static int unmap_record(int opid, unsigned long va, unsigned long len,
			int g);
static void unmap_record_end(int opid, int u);
static bool pin_in_flight(int opid, unsigned long va, unsigned long len);

/*
 * file_zap_begin - oracle_zap_begin(@fopid, @off, @len) of a file's
 * memory; the pinned pages whose file page goes (the whole pages of the
 * range: a partial first or last one is zeroed in place, not removed)
 * are marked to become ghosts.
 */
static struct oracle_op *file_zap_begin(int fopid, unsigned long off,
					unsigned long len)
{
	int t = sim_task_id();
	unsigned long lo = ALIGN(off, PAGE_SIZE), hi = (off + len) & PAGE_MASK;
	int g = -1;

	for (int h = 0; h < RT.s->nr_handles && lo < hi; h++) {
		struct rhandle *rh = &RT.handles[h];

		for (int i = 0; rh->pinned && i < rh->npages; i++) {
			struct rpage *pg = &rh->pg[i];

			if (pg->opid != fopid || pg->ghosting ||
			    pg->va < lo || pg->va >= hi)
				continue;
			if (g < 0)
				g = oracle_ghost_begin(fopid, lo, hi - lo);
			pg->ghosting = 1 + g;
		}
	}
	/* a pin in flight may get the page this zap takes away */
	if (g < 0 && lo < hi && pin_in_flight(fopid, lo, hi - lo))
		g = oracle_ghost_begin(fopid, lo, hi - lo);
	if (t >= 0 && t < SIM_MAX_TASKS)
		fzap[t] = (typeof(fzap[t])){ true, fopid, g, lo, hi,
					     lo < hi ? unmap_record(fopid, lo,
						    hi - lo, g) : -1 };
	return oracle_zap_begin(fopid, off, len);
}

/* file_zap_end - oracle_end(@h); the marked pinned pages are ghosts now. */
static void file_zap_end(struct oracle_op *h)
{
	int t = sim_task_id();

	oracle_end(h);
	if (t < 0 || t >= SIM_MAX_TASKS || !fzap[t].on)
		return;
	fzap[t].on = false;
	/* a pin that began meanwhile may have made the snapshot */
	if (fzap[t].u >= 0)
		fzap[t].g = race_list(fzap[t].fopid)->u[fzap[t].u].g;
	unmap_record_end(fzap[t].fopid, fzap[t].u);
	if (fzap[t].g < 0)
		return;
	oracle_ghost_end(fzap[t].fopid, fzap[t].g);
	for (int k = 0; k < RT.s->nr_handles; k++) {
		struct rhandle *rh = &RT.handles[k];

		for (int i = 0; rh->pinned && i < rh->npages; i++) {
			struct rpage *pg = &rh->pg[i];

			if (pg->ghosting != 1 + fzap[t].g ||
			    pg->opid != fzap[t].fopid)
				continue;
			pg->opid = fzap[t].g;
			pg->ghosting = 0;
			pg->unjudged = false;
		}
	}
}

/* ---- pins racing unmaps (R5; declared above ghost_begin) ---- */

/* Does [@va, @va + @len) meet [@va2, @va2 + @len2)? */
static bool ranges_meet(unsigned long va, unsigned long len,
			unsigned long va2, unsigned long len2)
{
	return va < va2 + len2 && va2 < va + len;
}

/* The records of the memory oracle process @opid is (made on first use). */
static struct runmaps *race_list(int opid)
{
	struct runmaps **l = NULL;

	for (int p = 0; p < RT.s->nr_procs && !l; p++)
		if (RT.procs[p].mm && RT.procs[p].opid == opid)
			l = &RT.procs[p].unmaps;
	for (int f = 0; f < RT.nr_files && !l; f++)
		if (RT.files[f].file && RT.files[f].opid == opid)
			l = &RT.files[f].unmaps;
	if (!l)
		return NULL;
	if (!*l)
		*l = sim_zalloc(sizeof(**l));
	return *l;
}

/* Is a pin of [@va, @va + @len) of @opid's memory in flight? */
static bool pin_in_flight(int opid, unsigned long va, unsigned long len)
{
	for (int h = 0; h < RT.s->nr_handles; h++) {
		const struct rhandle *rh = &RT.handles[h];

		if (rh->pin_began && !rh->pin_ended && rh->pin_opid == opid &&
		    ranges_meet(va, len, rh->pin_va, rh->pin_len))
			return true;
	}
	return false;
}

/*
 * unmaps_prune - free @opid's records no pin can race any more: ended
 * before every pin of its memory in flight began (all ended ones, if
 * none is).
 */
static void unmaps_prune(int opid)
{
	struct runmaps *l = race_list(opid);
	uint64_t first = UINT64_MAX;

	if (!l)
		return;
	for (int h = 0; h < RT.s->nr_handles; h++) {
		const struct rhandle *rh = &RT.handles[h];

		if (rh->pin_began && !rh->pin_ended && rh->pin_opid == opid &&
		    rh->pin_began < first)
			first = rh->pin_began;
	}
	for (int u = 0; u < l->nr; u++)
		if (l->u[u].end && l->u[u].end < first)
			l->u[u].end = UINT64_MAX;
}

/*
 * unmap_record - an op that unmaps [@va, @va + @len) of @opid's memory
 * begins (snapshot @g, -1: none yet). Returns its record (-1: none).
 */
static int unmap_record(int opid, unsigned long va, unsigned long len,
			int g)
{
	struct runmaps *l = race_list(opid);
	int u;

	if (!l)
		return -1;
	for (u = 0; u < l->nr; u++)
		if (l->u[u].end == UINT64_MAX)
			break;
	if (u == l->nr) {
		/* sized by doubling: the arena frees it at the end */
		if (!(u & (u - 1))) {
			struct runmap *n = sim_zalloc(sizeof(*n) *
						      (u ? 2 * u : 4));

			if (u)
				memcpy(n, l->u, sizeof(*n) * u);
			sim_free(l->u);
			l->u = n;
		}
		l->nr++;
	}
	l->u[u] = (struct runmap){ .va = va, .len = len, .g = g,
				   .begin = ++race_now };
	return u;
}

/* The op of record @u of @opid's memory ended. */
static void unmap_record_end(int opid, int u)
{
	if (u < 0)
		return;
	race_list(opid)->u[u].end = ++race_now;
	unmaps_prune(opid);
}

static int ghost_begin(int p, unsigned long va, unsigned long len)
{
	int opid = RT.procs[p].opid, g = -1;

	for (int h = 0; h < RT.s->nr_handles; h++) {
		struct rhandle *rh = &RT.handles[h];

		if (!rh->pinned || rh->proc != p)
			continue;
		for (int i = 0; i < rh->npages; i++) {
			struct rpage *pg = &rh->pg[i];

			/* the first op to unmap it does (see ghost_end) */
			if (pg->opid != opid || pg->ghosting || pg->va < va ||
			    pg->va >= va + len)
				continue;
			if (g < 0)
				g = oracle_ghost_begin(opid, va, len);
			pg->ghosting = 1 + g;
		}
	}
	/* a pin in flight may get the page this op takes away */
	if (g < 0 && pin_in_flight(opid, va, len))
		g = oracle_ghost_begin(opid, va, len);
	return unmap_record(opid, va, len, g);
}

static void ghost_end(int p, int u, unsigned long va, unsigned long len)
{
	int g = u >= 0 ? race_list(RT.procs[p].opid)->u[u].g : -1;

	if (g >= 0)
		oracle_ghost_end(RT.procs[p].opid, g);
	for (int h = 0; h < RT.s->nr_handles; h++) {
		struct rhandle *rh = &RT.handles[h];

		for (int i = 0; rh->pinned && rh->proc == p && i < rh->npages;
		     i++) {
			struct rpage *pg = &rh->pg[i];
			bool inside = pg->va >= va && pg->va < va + len;

			/*
			 * Another op that unmaps it began first (and took
			 * the snapshot) and is still running: the page is
			 * unmapped now (by this op or that one), and its
			 * ghost is not ready until that one ends. Judge
			 * nothing meanwhile.
			 */
			if (pg->ghosting && pg->ghosting != 1 + g && inside &&
			    pg->opid == RT.procs[p].opid)
				pg->unjudged = true;
			if (g < 0 || pg->ghosting != 1 + g)
				continue;
			if (inside)
				pg->opid = g;
			pg->ghosting = 0;
			pg->unjudged = false;
		}
	}
	unmap_record_end(RT.procs[p].opid, u);
}

/* The pin races the unmaps of [@ova, +@n pages) of @opid's memory. */
static void pin_race_begin_at(struct rhandle *rh, int opid, unsigned long ova,
			      int n)
{
	struct runmaps *l = opid >= 0 ? race_list(opid) : NULL;

	rh->pin_began = rh->pin_ended = 0;
	if (!l)
		return;
	rh->pin_began = ++race_now;
	rh->pin_opid = opid;
	rh->pin_va = ova;
	rh->pin_len = (unsigned long)n * PAGE_SIZE;
	/* an unmap in flight may take the page GUP is about to get */
	for (int u = 0; u < l->nr; u++) {
		struct runmap *m = &l->u[u];

		if (!m->end && m->g < 0 && m->len &&
		    ranges_meet(m->va, m->len, ova, rh->pin_len))
			m->g = oracle_ghost_begin(opid, m->va, m->len);
	}
}

static void pin_race_begin(struct rhandle *rh, const struct scn_op *op,
			   int p, unsigned long start, int n)
{
	unsigned long ova = start;
	/* a shared mapping's pin races zaps of the file's page */
	int opid = op_shared(op, p) ? oracle_target(op, p, start, &ova) :
				      RT.procs[p].opid;

	pin_race_begin_at(rh, opid, ova, n);
}

static void pin_race_end(struct rhandle *rh, int p)
{
	struct runmaps *l = race_list(rh->pin_opid);
	int n = (int)(rh->pin_len / PAGE_SIZE);

	if (!rh->pin_began || rh->pin_ended || !l)
		return;
	for (int i = 0; i < n; i++) {
		unsigned long pva = rh->pin_va + i * PAGE_SIZE;
		struct rpage *pg = &rh->pg[i];

		/* every unmap of the page that overlapped the pin in time */
		for (int u = 0; u < l->nr; u++) {
			const struct runmap *m = &l->u[u];

			if (m->end == UINT64_MAX ||
			    (m->end && m->end < rh->pin_began))
				continue;
			/* an mremap that moved it and ended meanwhile: the
			 * pin may have got it before the move */
			if (m->mlen && pva >= m->from &&
			    pva < m->from + m->mlen) {
				pg->alt = pg->alt ? -1 : 1 + rh->pin_opid;
				pg->alt_va = pva - m->from + m->to;
				pg->alt_moved = true;
			}
			if (m->g < 0 ||
			    !ranges_meet(m->va, m->len, pva, PAGE_SIZE))
				continue;
			pg->alt = pg->alt ? -1 : 1 + m->g;
			pg->alt_va = pva;
		}
	}
	rh->pin_ended = ++race_now;
	unmaps_prune(rh->pin_opid);
}

static void dma_write(const struct rhandle *rh, const struct rpage *pg,
		      unsigned long va, uint64_t *w, uint64_t val)
{
	int to = pg->unjudged ? pg->ghosting - 1 : pg->opid;
	struct oracle_op *h, *alt = NULL;

	/* where the page is now: an mremap may have moved it meanwhile */
	va = pg->va + (va & ~PAGE_MASK);
	/* a FOLL_GET write, or one that may have gone to the ghost */
	if (!rh->coherent || pg->alt || runner_dma_may_be_lost(rh - RT.handles))
		h = oracle_maybe_store_begin(to, va, 8, val);
	else
		h = oracle_store_begin(to, va, 8, val);
	/* the ghost: only the device writes it; a moved page: maybe */
	if (pg->alt > 0 && pg->alt_moved)
		alt = oracle_maybe_store_begin(pg->alt - 1, pg->alt_va +
					       (va & ~PAGE_MASK), 8, val);
	else if (pg->alt > 0)
		alt = oracle_store_begin(pg->alt - 1, pg->alt_va +
						      (va & ~PAGE_MASK), 8, val);
	__atomic_store_n(w, val, __ATOMIC_SEQ_CST);
	oracle_end(h);
	oracle_end(alt);
}

static uint64_t dma_read(const struct rpage *pg, bool judged,
			 unsigned long va, const uint64_t *w, char *why,
			 size_t whylen, bool *ok)
{
	struct oracle_op *h = NULL, *alt = NULL, *taking = NULL;
	uint64_t v;

	/* as the page is now: an mremap or an unmap may have run since
	 * the caller looked; two races of the pin: not judged (SIM) */
	va = pg->va + (va & ~PAGE_MASK);
	if (judged && !pg->unjudged && pg->alt >= 0)
		h = oracle_load_begin(pg->opid, va);
	if (h && pg->alt > 0)
		alt = oracle_load_begin(pg->alt - 1,
					pg->alt_va + (va & ~PAGE_MASK));
	/*
	 * An op unmapping the page is running: it may have zapped it
	 * already, and the process may have stored to the fresh page since;
	 * the pin still reads the old one - the snapshot being taken.
	 */
	if (h && pg->ghosting)
		taking = oracle_load_begin(pg->ghosting - 1, va);
	v = __atomic_load_n(w, __ATOMIC_SEQ_CST);
	*ok = oracle_load_end(h, v, why, whylen);
	if (alt && oracle_load_end(alt, v, NULL, 0))
		*ok = true;
	if (taking && oracle_load_end(taking, v, NULL, 0))
		*ok = true;
	return v;
}

static void pins_move(int p, int u, unsigned long from, unsigned long to,
		      unsigned long len)
{
	struct runmap *m = u >= 0 ? &race_list(RT.procs[p].opid)->u[u] : NULL;

	/* still recorded: a pin in flight began before it ended */
	if (m && m->end != UINT64_MAX) {
		m->from = from;
		m->to = to;
		m->mlen = len;
	}
	for (int h = 0; h < RT.s->nr_handles; h++) {
		struct rhandle *rh = &RT.handles[h];
		/* its pin ended after the mremap began: it raced the move */
		bool raced = m && rh->pin_ended > m->begin;

		if (!rh->pinned || rh->proc != p)
			continue;
		for (int i = 0; i < rh->npages; i++) {
			struct rpage *pg = &rh->pg[i];

			if (pg->opid != RT.procs[p].opid || pg->va < from ||
			    pg->va >= from + len)
				continue;
			if (raced) {
				pg->alt = pg->alt ? -1 : 1 + pg->opid;
				pg->alt_va = pg->va;
				pg->alt_moved = true;
			}
			pg->va = pg->va - from + to;
		}
	}
}

/* ---- private file pages under pins, fills and DONTNEED ---- */

/*
 * A page of a private file mapping reads the file until it is copied
 * (COW); from then on it is a ghost of the file page (struct rcow), a
 * snapshot taken over the op whose fault copied it, at file offsets. What
 * copies it: a CPU store (file_store_begin), a fill (runner_fill_begin,
 * page by page) and a pin that breaks COW (runner_pin_begin): FOLL_WRITE
 * faults the page in for write, and a R/O FOLL_LONGTERM FOLL_PIN
 * unshares it - gup_must_unshare (mm/internal.h) is true for a non-anon
 * page under FOLL_LONGTERM in a COW mapping (is_cow_mapping: VM_MAYWRITE
 * without VM_SHARED, which a memfd's private mapping is, whatever its
 * protection). The copy's ghost then takes the process's stores and
 * fills and the device's writes; loads and DMA reads are judged by it.
 *
 * A pinned page is judged at its file offset against: the copy's ghost
 * (the pin broke COW, or the page was a copy already: GUP takes the
 * process's anon page, or unshares a shared one into an equal copy); or,
 * for a pin that does not break COW (a short-term R/O FOLL_PIN, a R/O
 * FOLL_GET) of pages that all still read the file, the file itself, as a
 * MAP_SHARED mapping's pin is (its unmaps are the file's zaps: a
 * truncate or punch makes it a ghost, file_zap_begin). shmem_fault
 * allocates a hole's page (SGP_CACHE): a file's page is never the zero
 * page (no R4).
 *
 * What stays unjudged (rpage.alt -1; DMA writes a maybe-store to an
 * oracle process nothing reads), and why it cannot be judged:
 *  - a page the oracle does not follow (rcow.ghost -1) when the pin
 *    begins: a fork child's copy of its parent's copy (the oracle follows
 *    the child's private file pages from the file only; a COW copy is
 *    the parent's ghost at an instant of dup_mmap, which no snapshot at
 *    file offsets was taken over), a page after DONTNEED (it reads the
 *    file again, or a copy a racing store faulted in: either), past a
 *    truncate (even_cows zaps the copy; a grow reads zero or the racing
 *    store's copy), after a store that faulted (copied or not): the pin
 *    holds a page whose contents the oracle does not know;
 *  - a page whose COW raced a pin that does not break COW (in flight when
 *    it began, or begun during it): GUP got the file's page or the copy;
 *  - a page an unmap of the process raced (pin_race_end): for anon memory
 *    the runner judges against the unmap's snapshot too, but that is a
 *    snapshot of the process's oracle, which holds no private file page;
 *  - a pin that does not break COW of pages some of which read the file
 *    and some are copies: one pin races one memory's unmaps (the file's
 *    zaps or the process's), so its file pages are not judged;
 *  - a pinned copy whose page DONTNEED drops while another thread may
 *    store to it (runner_cow_unfollow).
 */
struct rpin_pg {
	struct rcow *c;	/* NULL: past the region */
	int was;	/* rcow.ghost when the pin began */
	int gen;	/* rcow.gen then */
	int took;	/* 1 + the snapshot this pin's COW takes; 0: none */
	bool busy;	/* a COW of it was in flight then */
};

/* The pin of a private file mapping each task runs (one op at a time). */
static struct rpin {
	const struct scn_op *op;	/* NULL: none */
	bool cow;	/* it breaks COW */
	bool file;	/* every page read the file: it races the file's zaps */
	int n, fopid;
	int dummy;	/* what unjudged DMA writes go to (-1: none yet) */
	unsigned long base;	/* the region's address when it began */
	struct rpin_pg *pg;
} rpin[SIM_MAX_TASKS];

/* The state of @op's pin if it is one of a private file mapping. */
static struct rpin *rpin_of(const struct scn_op *op)
{
	int t = sim_task_id();

	if (t < 0 || t >= SIM_MAX_TASKS || rpin[t].op != op)
		return NULL;
	return &rpin[t];
}

/*
 * runner_pin_begin - a pin by @op of @n pages from @start in @p begins:
 * pin_race_begin; for a private file mapping, what each page was, and
 * the COW a pin that breaks it makes: each page still reading the file
 * becomes a ghost of it, snapshot over the pin (as over a COWing store).
 */
void runner_pin_begin(struct rhandle *rh, const struct scn_op *op, int p,
		      unsigned long start, int n)
{
	struct rmapf *m = op_rmapf(op, p);
	unsigned int f = gup_flags_of(op);
	int t = sim_task_id();
	unsigned long size;
	struct rpin *pc;

	if (t >= 0 && t < SIM_MAX_TASKS)
		rpin[t].op = NULL;
	if (!m || m->shared || t < 0 || t >= SIM_MAX_TASKS) {
		pin_race_begin(rh, op, p, start, n);
		return;
	}
	pc = &rpin[t];
	*pc = (struct rpin){ .op = op, .n = n, .dummy = -1,
		.fopid = RT.files[m->file - 1].opid,
		.base = *region_va(p, op->addr.region),
		.cow = (f & FOLL_WRITE) ||
		       (f & (FOLL_PIN | FOLL_LONGTERM)) ==
			       (FOLL_PIN | FOLL_LONGTERM),
		.pg = sim_zalloc(sizeof(*pc->pg) * n) };
	pc->file = !pc->cow;
	size = RT.s->regions[op->addr.region].size;
	for (int i = 0; i < n; i++) {
		unsigned long off = start - pc->base + i * PAGE_SIZE;
		struct rpin_pg *pp = &pc->pg[i];
		struct rcow *c = off < size ? &m->cow[off >> PAGE_SHIFT] : NULL;

		if (!c) {
			pp->was = -1;
			pc->file = false;
			continue;
		}
		*pp = (struct rpin_pg){ .c = c, .was = c->ghost,
					.gen = c->gen, .busy = c->inflight };
		if (c->ghost || c->inflight)
			pc->file = false;
		if (!pc->cow || c->ghost || c->inflight)
			continue;
		/* GUP's fault copies it (a COW in flight: loads not judged) */
		c->gen++;
		c->inflight++;
		c->ghost = 1 + oracle_ghost_begin(pc->fopid, off, PAGE_SIZE);
		pp->took = c->ghost;
	}
	if (pc->file)
		pin_race_begin_at(rh, pc->fopid, start - pc->base, n);
	else
		pin_race_begin(rh, op, p, start, n);
}

/*
 * runner_pin_page - page @i (at @pva) of @op's pin succeeded: whose
 * memory judges DMA through it (the return), at *@ova; *@alt -1: not
 * judged. A shared mapping's page: the file's; anon: @p's.
 */
int runner_pin_page(const struct scn_op *op, int p, int i, unsigned long pva,
		    bool shared, unsigned long *ova, int *alt)
{
	struct rpin *pc = rpin_of(op);
	struct rpin_pg *pp;

	*alt = 0;
	*ova = pva;
	if (!pc)
		return shared ? oracle_target(op, p, pva, ova) :
				RT.procs[p].opid;
	pp = &pc->pg[i];
	*ova = pva - pc->base;
	if (pp->took)
		return pp->took - 1;	/* the copy this pin made */
	/* the copy: a pin that breaks COW gets it even from a COW in
	 * flight (it waits for it, or copies first at an instant of it) */
	if (pp->was > 0 && (pc->cow || !pp->busy))
		return pp->was - 1;
	/* the file's page, if no COW began meanwhile */
	if (!pp->was && pc->file && pp->c->gen == pp->gen)
		return pc->fopid;
	*alt = -1;
	if (pc->dummy < 0)
		pc->dummy = oracle_process_new();
	return pc->dummy;
}

/*
 * runner_pin_end - @op's pin of @p ended (after runner_pin_page of every
 * page): pin_race_end; the snapshots its COW took are taken; a private
 * file page an unmap of @p raced is not judged (see above).
 */
void runner_pin_end(struct rhandle *rh, const struct scn_op *op, int p)
{
	struct rpin *pc = rpin_of(op);

	pin_race_end(rh, p);
	if (!pc)
		return;
	for (int i = 0; i < pc->n; i++) {
		struct rpin_pg *pp = &pc->pg[i];

		if (pp->took) {
			oracle_ghost_end(pc->fopid, pp->took - 1);
			pp->c->inflight--;
		}
		if (!pc->file && rh->pg[i].alt > 0)
			rh->pg[i].alt = -1;
	}
	sim_free(pc->pg);
	pc->op = NULL;
}

/* The fill of a private file mapping each task runs. */
struct rfill_pg {
	struct rcow *c;
	int took;		/* 1 + the snapshot its COW takes; 0: none */
	struct oracle_op *h;	/* the store of the page's part */
};

static struct {
	const struct scn_op *op;	/* NULL: none */
	int n, fopid;
	struct rfill_pg *pg;
} rfill[SIM_MAX_TASKS];

/*
 * runner_fill_begin - @op fills [@va, +@len) of @p: a store of every
 * word (returned, for runner_fill_end). Of a private file mapping, a
 * store of each page's part to the page's copy, the first one to a page
 * still reading the file copying it (a ghost of the file page, snapshot
 * over the fill, as over a COWing store); a page not followed stays so.
 * Until session 12 a fill made its pages not followed: a DMA read
 * through a pin of the copy was judged against a ghost without the fill
 * (t_kdiff seed 164, then runner_pin_unfollow).
 */
struct oracle_op *runner_fill_begin(const struct scn_op *op, int p,
				    unsigned long va, unsigned long len)
{
	struct rmapf *m = op_rmapf(op, p);
	int t = sim_task_id(), opid, i = 0;
	unsigned long ova, base, a;

	if (t >= 0 && t < SIM_MAX_TASKS)
		rfill[t].op = NULL;
	if (!m || m->shared) {
		opid = oracle_target(op, p, va, &ova);
		return opid >= 0 ? oracle_store_begin(opid, ova, len, op->val) :
				   NULL;
	}
	base = *region_va(p, op->addr.region);
	if (t < 0 || t >= SIM_MAX_TASKS) {	/* not followed */
		for (a = va & PAGE_MASK; a < va + len; a += PAGE_SIZE)
			m->cow[(a - base) >> PAGE_SHIFT].ghost = -1;
		return NULL;
	}
	rfill[t].op = op;
	rfill[t].fopid = RT.files[m->file - 1].opid;
	rfill[t].n = (int)((PAGE_ALIGN(va + len) - (va & PAGE_MASK)) >>
			   PAGE_SHIFT);
	rfill[t].pg = sim_zalloc(sizeof(*rfill[t].pg) * rfill[t].n);
	for (a = va & PAGE_MASK; a < va + len; a += PAGE_SIZE, i++) {
		unsigned long lo = a > va ? a : va;
		unsigned long hi = a + PAGE_SIZE < va + len ? a + PAGE_SIZE :
							      va + len;
		struct rfill_pg *fp = &rfill[t].pg[i];
		struct rcow *c = &m->cow[(a - base) >> PAGE_SHIFT];

		fp->c = c;
		if (c->ghost < 0)
			continue;
		if (!c->ghost) {
			c->gen++;
			c->inflight++;
			c->ghost = 1 + oracle_ghost_begin(rfill[t].fopid,
							  a - base, PAGE_SIZE);
			fp->took = c->ghost;
		}
		fp->h = oracle_store_begin(c->ghost - 1, lo - base, hi - lo,
					   op->val);
	}
	return NULL;
}

/* runner_fill_end - the fill @op (store @h) ended: as file_store_end. */
void runner_fill_end(const struct scn_op *op, struct oracle_op *h)
{
	int t = sim_task_id();

	oracle_end(h);
	if (t < 0 || t >= SIM_MAX_TASKS || rfill[t].op != op)
		return;
	for (int i = 0; i < rfill[t].n; i++) {
		struct rfill_pg *fp = &rfill[t].pg[i];

		if (fp->took) {
			oracle_ghost_end(rfill[t].fopid, fp->took - 1);
			fp->c->inflight--;
		}
	}
	for (int i = 0; i < rfill[t].n; i++)
		oracle_end(rfill[t].pg[i].h);
	sim_free(rfill[t].pg);
	rfill[t].op = NULL;
}

/*
 * runner_store_target - whose memory a store by @op to @va of @p that
 * does not COW itself lands in: for a private file page whose COW is in
 * flight (a store's, fill's or pin's), the copy - the store waits for
 * it, or faults first and copies at an instant within that COW's op
 * (which began before it and copies before it ends); else
 * oracle_target (an unfollowed page: -1, the store is not followed).
 */
int runner_store_target(const struct scn_op *op, int p, unsigned long va,
			unsigned long *ova)
{
	struct rcow *c = op_cow(op, p, va);

	if (c && c->ghost > 0) {
		*ova = va - *region_va(p, op->addr.region);
		return c->ghost - 1;
	}
	return oracle_target(op, p, va, ova);
}

/*
 * runner_cow_unfollow - MADV_DONTNEED of @va (a private file page of @p)
 * begins: the page is no longer followed (it reads the file again, or a
 * racing store's new copy). A pin of its copy keeps that page, judged
 * against its ghost, which only the device changes from now on - unless
 * another thread may store to the page meanwhile (a store racing the
 * zap lands in the pinned copy or in a new one; one that begins after
 * this is followed nowhere) or a COW of it is in flight: then DMA
 * through the pin is not judged.
 */
void runner_cow_unfollow(const struct scn_op *op, int p, unsigned long va)
{
	struct rcow *c = op_cow(op, p, va);

	if (c->ghost > 0 && (c->inflight || RT.s->nr_threads > 1))
		for (int h = 0; h < RT.s->nr_handles; h++) {
			struct rhandle *rh = &RT.handles[h];

			for (int i = 0; rh->pinned && i < rh->npages; i++)
				if (rh->pg[i].opid == c->ghost - 1)
					rh->pg[i].alt = -1;
		}
	c->ghost = -1;
}

/*
 * runner_dma_may_be_lost - may a DMA write through pin handle @h be lost
 * as the kernel would lose it? The kernel's contract is that whoever
 * writes through a pin dirties the pages (unpin_user_pages_dirty_lock,
 * set_page_dirty_lock); a GUP-fast pin of a writable but clean PTE (an
 * exclusive page swapped in by a read fault: do_swap_page maps it
 * writable and clean, and keeps it in the swap cache) dirties nothing.
 * Released clean (`unpin` without `dirty`), such a page is dropped by
 * reclaim as a clean swap-cache page, and the device's write goes with
 * it: the process later reads the swap copy. So when every `unpin` of
 * the handle in the scenario's text is clean and the scenario reclaims
 * (`pageout`, `reclaim`, `madvise pageout`), the oracle takes the write
 * as one that may or may not show (fuzz runner, racy seed 190530: a
 * false lost-store at the read-back; with `unpin dirty` it is clean).
 * Read from the text, whether the ops ran or not, as read_back_files()
 * does for files.
 */
bool runner_dma_may_be_lost(long h)
{
	const struct scenario *s = RT.s;

	for (int k = 0; k < s->nr_ops; k++)
		if (s->ops[k].kind == SCN_OP_UNPIN && s->ops[k].name == h &&
		    (s->ops[k].flags & SCN_F_DIRTY))
			return false;
	return runner_text_reclaims();
}

/*
 * runner_text_reclaims - does the scenario's text reclaim (`pageout`,
 * `reclaim`, `madvise pageout`), whether the op runs or not? Then a page
 * may be written out or dropped clean at any time (read_back_files,
 * runner_dma_may_be_lost).
 */
bool runner_text_reclaims(void)
{
	const struct scenario *s = RT.s;

	for (int k = 0; k < s->nr_ops; k++)
		if (s->ops[k].kind == SCN_OP_PAGEOUT ||
		    s->ops[k].kind == SCN_OP_RECLAIM ||
		    (s->ops[k].kind == SCN_OP_MADVISE &&
		     s->ops[k].advice == SCN_MADV_PAGEOUT))
			return true;
	return false;
}
