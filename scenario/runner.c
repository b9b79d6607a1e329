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
 * once it unmaps it or exits, the pin is a "ghost": a frozen snapshot of
 * the process's memory at that moment (an oracle fork), which the device
 * alone may change. That is exactly what makes the CVE-2020-29374 leak
 * (parent's later write seen through the child's R/O pin) a violation.
 *
 * Regions get fixed virtual addresses at load time, 2 MiB aligned with a
 * gap between them, the same in every process (fork copies them), so
 * THP-eligible regions are aligned and every run is reproducible.
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
#include "migrate.h"
#include "mm.h"
#include "pfn_walker.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "sim/sim.h"
#include "sim/storebuf.h"
#include "sim/sync.h"

#define REGION_BASE 0x10000000000UL	/* 1 TiB: away from mmap_base */
#define REGION_GAP HPAGE_PMD_SIZE

/* What a loaded scenario keeps across executions. */
struct runner {
	struct scenario *s;
	unsigned long *region_va;	/* fixed address of each region */
	struct physmem_config mem;
	struct mmsim_program prog;
	char name[256];
};

/* Per-execution state (in the sim arena). */
struct rproc {
	struct mm_struct *mm;	/* NULL: not forked yet, or exited */
	int opid;		/* oracle process */
	int live_threads;
	bool exit_requested;	/* a thread ran `exit` */
	bool exited;
};

struct rhandle {
	struct page **pages;
	int npages;
	int proc;
	int opid;		/* oracle process judging DMA (ghost after) */
	unsigned long va;
	uint64_t len;
	bool pinned;
	bool coherent;		/* FOLL_PIN: DMA is judged by the oracle */
};

struct rsig {
	int count;
	struct sim_waitq wq;
};

static struct {
	struct runner *r;
	const struct scenario *s;
	struct rproc *procs;
	struct rhandle *handles;
	struct rsig *sigs;
} RT;

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

static unsigned long op_va(const struct scn_op *op)
{
	if (op->addr.region >= 0)
		return RT.r->region_va[op->addr.region] + op->addr.off;
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
 * ghost_pins - @p no longer maps [@va, @va + @len): its pins there become
 * ghosts, judged against a snapshot of @p's memory taken now (an oracle
 * fork nobody but the device writes to).
 */
static void ghost_pins(int p, unsigned long va, unsigned long len)
{
	for (int h = 0; h < RT.s->nr_handles; h++) {
		struct rhandle *rh = &RT.handles[h];

		if (rh->pinned && rh->proc == p &&
		    rh->opid == RT.procs[p].opid && rh->va < va + len &&
		    va < rh->va + rh->len) {
			int g = oracle_fork_begin(RT.procs[p].opid);

			oracle_fork_end(RT.procs[p].opid, g);
			rh->opid = g;
		}
	}
}

/* A process ends: its memory leaves the oracle, its pins become ghosts. */
static void process_exit(int p)
{
	struct rproc *rp = &RT.procs[p];
	struct mm_struct *mm = rp->mm;

	if (!mm || rp->exited)
		return;
	ghost_pins(p, 0, TASK_SIZE);
	oracle_unmap(rp->opid, 0, TASK_SIZE);
	rp->exited = true;
	rp->mm = NULL;
	if (mm_current() == mm)
		mm_task_bind(NULL);
	mmput(mm);
}

/* ---- ops ---- */

static void do_load(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op);
	char why[256];
	uint64_t v = 0;
	int h = oracle_load_begin(RT.procs[p].opid, va);

	if (mm_user_load(proc_mm(p), va, &v)) {
		op_fail(op, "fault", "load of 0x%lx faulted", va);
		return;
	}
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
	unsigned long va = op_va(op);
	int h = oracle_store_begin(RT.procs[p].opid, va, 8, op->val);

	if (mm_user_store(proc_mm(p), va, op->val)) {
		op_fail(op, "fault", "store to 0x%lx faulted", va);
		return;
	}
	oracle_store_end(h);
}

/*
 * fill: every 8-byte word of the range. The first word of each page goes
 * through the MMU (faulting as needed); the rest of that page is written
 * through the same translation with no yield point in between.
 * SIM: a page of a fill is one atomic step.
 */
static void do_fill(const struct scn_op *op, int p)
{
	struct mm_struct *mm = proc_mm(p);
	unsigned long va = op_va(op), end = va + op_len(op);
	int h = oracle_store_begin(RT.procs[p].opid, va, end - va, op->val);

	while (va < end) {
		unsigned long pend = (va & PAGE_MASK) + PAGE_SIZE;
		struct tlb_entry e;

		if (pend > end)
			pend = end;
		if (mm_user_store(mm, va, op->val)) {
			op_fail(op, "fault", "store to 0x%lx faulted", va);
			return;
		}
		va += 8;
		if (va < pend &&
		    tlb_lookup(smp_processor_id(), &mm->context, va - 8, &e) &&
		    e.write && e.dirty) {
			unsigned long pfn = e.pfn;
			uint64_t *w;

			if (e.huge)
				pfn += (va >> PAGE_SHIFT) & (HPAGE_PMD_NR - 1);
			w = (uint64_t *)pfn_to_virt(pfn);
			for (; va < pend; va += 8)
				w[(va & ~PAGE_MASK) / 8] = op->val;
		}
		for (; va < pend; va += 8)
			if (mm_user_store(mm, va, op->val)) {
				op_fail(op, "fault", "store to 0x%lx "
							"faulted", va);
				return;
			}
	}
	oracle_store_end(h);
}

/* check: every word of the range holds what the oracle allows. */
static void do_check(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op), end = va + op_len(op);
	char why[256];

	for (; va < end; va += 8) {
		int h = oracle_load_begin(RT.procs[p].opid, va);
		uint64_t v;

		if (mm_user_load(proc_mm(p), va, &v)) {
			op_fail(op, "fault", "load of 0x%lx faulted", va);
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
	unsigned long va = RT.r->region_va[op->name], ret;
	unsigned long prot = 0, flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	struct mm_struct *mm = proc_mm(p);

	prot |= op->prot & SCN_PROT_R ? PROT_READ : 0;
	prot |= op->prot & SCN_PROT_W ? PROT_WRITE : 0;
	prot |= op->prot & SCN_PROT_X ? PROT_EXEC : 0;
	if (op->flags & SCN_F_GROWSDOWN)
		flags |= MAP_GROWSDOWN;
	ret = vm_mmap(mm, va, rg->size, prot, flags, 0);
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

	/* pins of this range become ghosts first: the device keeps them */
	ghost_pins(p, va, len);
	if (vm_munmap(proc_mm(p), va, len))
		op_fail(op, "fault", "munmap of 0x%lx+0x%lx failed", va,
			len);
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
};

static void do_madvise_op(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op), len = op_len(op);
	int h = -1;

	/* MADV_DONTNEED on private anon: the range reads zero afterwards */
	if (op->advice == SCN_MADV_DONTNEED)
		h = oracle_store_begin(RT.procs[p].opid, va, len, 0);
	if (do_madvise(proc_mm(p), va, len, madv_map[op->advice]))
		op_fail(op, "fault", "madvise %s failed",
			scenario_advice_name(op->advice));
	oracle_store_end(h);
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
	long got;

	rh->pages = sim_zalloc(sizeof(*rh->pages) * n);
	if (op->flags & SCN_F_FAST)
		got = gup_fast_user_pages(proc_mm(p), start, n, f, rh->pages);
	else
		got = get_user_pages_remote(proc_mm(p), start, n, f,
					    rh->pages);
	if (got != n) {
		if (got > 0)
			for (long i = 0; i < got; i++)
				gup_put_page(rh->pages[i], f);
		op_fail(op, "pin", "pinned %ld of %d pages", got, n);
		return;
	}
	rh->npages = n;
	rh->proc = p;
	rh->opid = RT.procs[p].opid;
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

/* The word a DMA through handle @h at offset @off touches. */
static uint64_t *dma_word(struct rhandle *rh, uint64_t off)
{
	unsigned long va = rh->va + off;
	unsigned long i = (va >> PAGE_SHIFT) - (rh->va >> PAGE_SHIFT);

	return (uint64_t *)((char *)page_address(rh->pages[i]) +
			    (va & ~PAGE_MASK));
}

static void do_dma_op(const struct scn_op *op, bool write)
{
	struct rhandle *rh = &RT.handles[op->addr.handle];
	unsigned long va = rh->va + op->addr.off;
	uint64_t *w;
	char why[256];
	int h;

	if (!rh->pinned) {
		op_fail(op, "pin", "DMA through handle %s, which is not "
				   "pinned",
			RT.s->handles[op->addr.handle].name);
		return;
	}
	w = dma_word(rh, op->addr.off);
	if (write) {
		sim_yield(SIM_EV_USER, w, "dma:write");
		h = rh->coherent ? oracle_store_begin(rh->opid, va, 8, op->val) :
				   -1;
		__atomic_store_n(w, op->val, __ATOMIC_SEQ_CST);
		oracle_store_end(h);
		return;
	}
	sim_yield(SIM_EV_USER, w, "dma:read");
	h = rh->coherent ? oracle_load_begin(rh->opid, va) : -1;
	{
		uint64_t v = __atomic_load_n(w, __ATOMIC_SEQ_CST);

		if (!oracle_load_end(h, v, why, sizeof(why)))
			op_fail(op, "pin-incoherent", "%s", why);
		if (op->has_val && v != op->val)
			op_fail(op, "wrong-value", "DMA read of 0x%lx returned "
						 "0x%llx, the scenario "
						 "expects 0x%llx",
				va, (unsigned long long)v,
				(unsigned long long)op->val);
	}
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

		if (mm_user_load(mm, base + off, &v)) {
			op_fail(op, "fault", "the new program's read of its "
					     "argument page at 0x%lx faulted",
				base + off);
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
	ghost_pins(p, 0, TASK_SIZE);
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

/* mremap: the values move with the pages (oracle_move). */
static void do_mremap_op(const struct scn_op *op, int p)
{
	unsigned long va = op_va(op), old_len = op_len(op), flags = 0, ret;
	unsigned long new_addr = op->at;

	if (op->flags & SCN_F_MAYMOVE)
		flags |= MREMAP_MAYMOVE;
	if (op->flags & SCN_F_DONTUNMAP)
		flags |= MREMAP_DONTUNMAP;
	if (op->name >= 0)
		new_addr = RT.r->region_va[op->name];
	if (new_addr)
		flags |= MREMAP_FIXED | MREMAP_MAYMOVE;
	ret = do_mremap(proc_mm(p), va, old_len, op->len2, flags, new_addr);
	if (IS_ERR_VALUE(ret)) {
		op_fail(op, "fault", "mremap failed (%ld)", (long)ret);
		return;
	}
	if (ret != va) {
		unsigned long keep = old_len < op->len2 ? old_len : op->len2;

		oracle_move(RT.procs[p].opid, va, ret, keep);
		if (!(flags & MREMAP_DONTUNMAP))
			oracle_unmap(RT.procs[p].opid, va, old_len);
	} else if (op->len2 < old_len) {
		oracle_unmap(RT.procs[p].opid, va + op->len2,
			     old_len - op->len2);
	}
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
	default:
		break;
	}
}

static void do_signal(const struct scn_op *op)
{
	struct rsig *sg = &RT.sigs[op->name];

	sim_yield(SIM_EV_USER, sg, "scenario:signal");
	sg->count++;
	sim_wake_all(&sg->wq);
}

static void do_wait(const struct scn_op *op)
{
	struct rsig *sg = &RT.sigs[op->name];

	sim_yield(SIM_EV_USER, sg, "scenario:wait");
	while (!sg->count)
		sim_wait(&sg->wq, RT.s->signals[op->name].name, sg,
			 SIM_SITE("scenario:wait"));
	sg->count--;
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
	case SCN_OP_PFN_GET:	do_migration_op(op, mm); break;
	case SCN_OP_SIGNAL:	do_signal(op); break;
	case SCN_OP_WAIT:	do_wait(op); break;
	case SCN_OP_SPAWN:
		for (int i = 0; i < op->nr_spawn; i++)
			start_thread(op->spawn[i]);
		break;
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
		run_op(op, p);
		if (op->kind == SCN_OP_EXIT)
			break;
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
}

/* ---- the program ---- */

static void runner_setup(void *arg)
{
	struct runner *r = arg;
	const struct scenario *s = r->s;

	RT.r = r;
	RT.s = s;
	RT.procs = sim_zalloc(sizeof(*RT.procs) * (s->nr_procs + 1));
	RT.handles = sim_zalloc(sizeof(*RT.handles) * (s->nr_handles + 1));
	RT.sigs = sim_zalloc(sizeof(*RT.sigs) * (s->nr_signals + 1));
	transparent_hugepage_mode =
		s->config.thp == SCN_THP_ALWAYS ? THP_ALWAYS :
		s->config.thp == SCN_THP_NEVER	? THP_NEVER :
						  THP_MADVISE;
	thp_numa_mode = s->config.thp_numa == SCN_THP_NUMA_LEGACY ?
				THP_NUMA_LEGACY :
				THP_NUMA_CURRENT;
	/* before any task exists: the model of this execution's memory */
	sim_set_memory_model((enum sim_memory)s->config.memory);
	oracle_reset();
	for (int p = 0; p < s->nr_procs; p++) {
		if (s->procs[p].parent >= 0)
			continue;
		RT.procs[p].mm = mm_alloc();
		RT.procs[p].opid = oracle_process_new();
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
	if (!mm_check_invariants(0, NULL) || check_no_migration_entries())
		return;
	for (int p = 0; p < s->nr_procs; p++)
		process_exit(p);
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
			unsigned long va = RT.r->region_va[g];

			fprintf(out, "  region %s at 0x%lx (%llu bytes)\n",
				s->regions[g].name, va,
				(unsigned long long)s->regions[g].size);
			describe_range(mm, va, va + s->regions[g].size, out);
		}
	}
}

/* Is @op something the model can run? NULL if yes, else why not. */
static const char *unsupported(const struct scn_op *op)
{
	switch (op->kind) {
	case SCN_OP_MMAP:
		if (op->flags & (SCN_F_FILE | SCN_F_SHARED))
			return "file and shared mappings are not modelled yet";
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

struct mmsim_program *scenario_program(struct scenario *s, char *err,
				       size_t errlen)
{
	struct runner *r = calloc(1, sizeof(*r));
	unsigned long va = REGION_BASE;

	if (!r) {
		snprintf(err, errlen, "out of host memory");
		return NULL;
	}
	for (int i = 0; i < s->nr_ops; i++) {
		const char *why = unsupported(&s->ops[i]);

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
	for (int g = 0; g < s->nr_regions; g++) {
		r->region_va[g] = va;
		va += ALIGN(s->regions[g].size, HPAGE_PMD_SIZE) + REGION_GAP;
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
