// SPDX-License-Identifier: GPL-2.0
/*
 * scenario/validate.c - semantic checks of a scenario that parsed cleanly.
 *
 * What holds for a scenario that passes (numbered, as the runner relies on
 * them):
 *  (1) Every process is a root process (declared by "process P", or the
 *      implicit "init") or is created by exactly one fork op, and following
 *      parents from any process ends at a root.
 *  (2) Every thread has at least one op. The first declared thread of each
 *      process is its initial thread: it starts at time 0 (root process)
 *      or when the fork creating its process returns. Every other thread,
 *      and every kthread, is named by exactly one spawn op in a thread of
 *      its own process (a kthread: any thread), and every thread starts.
 *  (3) Every region, pin handle and signal an op names exists: a region is
 *      bound by an mmap (or mremap as=) in the op's process or one of its
 *      ancestors, or, from a kthread or with NAME@PROC, in that process.
 *  (4) Sizes and offsets are page aligned where the kernel needs it (word
 *      aligned for loads, stores, fills, DMA), non-zero, and inside the
 *      region (its largest size over mremaps) or the pinned range.
 *  (5) Within one thread, no op uses a region after that thread unmapped
 *      all of it or exec'd, or a handle after it unpinned it; no op
 *      follows exit; no wait waits for a signal nobody can send.
 *  (6) node= names a configured node; to=device has device memory.
 *
 * Static checks only: what depends on the interleaving (a store racing an
 * munmap in another thread) is the runner's and the oracles' business.
 */
#include <stdlib.h>
#include <string.h>

#include "scenario/internal.h"

#define ULL(x) ((unsigned long long)(x))

static bool is_root(const struct scn_proc *pr)
{
	return pr->declared || pr->implicit;
}

/* is_ancestor - @a is @p or one of its ancestors. Bounded (no cycles). */
static bool is_ancestor(const struct scenario *s, int a, int p)
{
	int n;

	for (n = 0; p >= 0 && n <= s->nr_procs; n++, p = s->procs[p].parent)
		if (p == a)
			return true;
	return false;
}

/* check_forks - (1): fork ops create processes, once, from a root. */
static void check_forks(struct parser *p)
{
	struct scenario *s = p->s;
	struct scn_proc *c;
	int i, n, q;

	for (i = 0; i < s->nr_ops; i++) {
		struct scn_op *op = &s->ops[i];

		if (op->kind != SCN_OP_FORK)
			continue;
		c = &s->procs[op->name];
		if (is_root(c)) {
			perr(p, op->name_pos,
			     "cannot fork '%s': it is a root process%s",
			     c->name,
			     c->implicit ?
				     " (the implicit process of threads without 'in')" :
				     "");
		} else if (c->fork_op >= 0) {
			perr(p, op->name_pos,
			     "process '%s' forked twice (first at %u:%u)",
			     c->name, s->ops[c->fork_op].pos.line,
			     s->ops[c->fork_op].pos.col);
		} else {
			c->fork_op = i;
			c->parent = s->threads[op->thread].proc;
			c->pos = op->name_pos;
		}
	}
	for (i = 0; i < s->nr_procs; i++) {
		c = &s->procs[i];
		if (!is_root(c) && c->fork_op < 0)
			perr(p, c->ref_pos, "undefined process '%s'", c->name);
		else if (is_root(c) && c->first_thread < 0)
			perr(p, c->pos, "process '%s' has no threads", c->name);
		if (c->fork_op < 0)
			continue;
		for (n = 0, q = c->parent; q >= 0 && n <= s->nr_procs; n++)
			q = s->procs[q].parent;
		if (q >= 0)
			perr(p, c->pos,
			     "fork cycle: process '%s' is forked by itself or its descendant",
			     c->name);
	}
}

/* check_spawn_target - one spawn operand, (2). */
static void check_spawn_target(struct parser *p, int opi, int k)
{
	struct scenario *s = p->s;
	struct scn_op *op = &s->ops[opi];
	struct scn_thread *t = &s->threads[op->spawn[k]];
	int self = s->threads[op->thread].proc;
	struct scn_pos pos = op->pos;

	if (!t->kthread && s->procs[t->proc].first_thread == op->spawn[k]) {
		perr(p, pos,
		     "'spawn %s': it is the initial thread of process '%s' and starts by itself",
		     t->name, s->procs[t->proc].name);
	} else if (!t->kthread && t->proc != self) {
		perr(p, pos,
		     "'spawn %s': it belongs to process '%s'; spawn starts threads of its own process or kthreads",
		     t->name, s->procs[t->proc].name);
	} else if (t->spawn_op >= 0) {
		perr(p, pos, "thread '%s' spawned twice (first at %u:%u)",
		     t->name, s->ops[t->spawn_op].pos.line,
		     s->ops[t->spawn_op].pos.col);
	} else {
		t->spawn_op = opi;
	}
}

/* thread_starter - the thread whose op starts @t, -1 for time 0. */
static int thread_starter(const struct scenario *s, int t)
{
	const struct scn_thread *th = &s->threads[t];
	const struct scn_proc *pr;

	if (th->spawn_op >= 0)
		return s->ops[th->spawn_op].thread;
	pr = &s->procs[th->proc];
	return pr->fork_op >= 0 ? s->ops[pr->fork_op].thread : -1;
}

/* check_threads - (2): every thread has ops, is started, and starts. */
static void check_threads(struct parser *p)
{
	struct scenario *s = p->s;
	bool run[SCN_MAX_THREADS] = { false }, more = true;
	int i, k, errs = p->nr_errs;

	for (i = 0; i < s->nr_ops; i++)
		for (k = 0;
		     s->ops[i].kind == SCN_OP_SPAWN && k < s->ops[i].nr_spawn;
		     k++)
			check_spawn_target(p, i, k);
	for (i = 0; i < s->nr_threads; i++) {
		struct scn_thread *t = &s->threads[i];

		if (!t->nr_ops)
			perr(p, t->pos, "thread '%s' has no ops", t->name);
		if (t->spawn_op < 0 &&
		    (t->kthread || s->procs[t->proc].first_thread != i))
			perr(p, t->pos, "thread '%s' is never spawned",
			     t->name);
	}
	if (p->nr_errs != errs)
		return;
	while (more) {
		more = false;
		for (i = 0; i < s->nr_threads; i++) {
			k = thread_starter(s, i);
			if (!run[i] && (k < 0 || run[k]))
				run[i] = more = true;
		}
	}
	for (i = 0; i < s->nr_threads; i++)
		if (!run[i])
			perr(p, s->threads[i].pos,
			     "thread '%s' never starts: the thread that starts it never runs",
			     s->threads[i].name);
}

/* Per-thread flow state for (5). */
struct flow {
	struct scn_pos gone[SCN_MAX_REGIONS]; /* munmap'd here, at */
	bool mapped_after_exec[SCN_MAX_REGIONS];
	struct scn_pos unpinned[SCN_MAX_HANDLES];
	struct scn_pos exec; /* exec'd here, at */
	struct scn_pos exit;
};

/* region_max - the largest size region @r has (mremap can grow it). */
static uint64_t region_max(const struct scenario *s, int r)
{
	uint64_t max = s->regions[r].size;
	int i;

	for (i = 0; i < s->nr_ops; i++) {
		const struct scn_op *op = &s->ops[i];

		if (op->kind == SCN_OP_MREMAP && op->addr.region == r &&
		    op->name < 0 && op->addr.off + op->len2 > max)
			max = op->addr.off + op->len2;
	}
	return max;
}

/* Alignment an op needs of its offset and length (0: none). */
static uint64_t op_align(enum scn_op_kind k)
{
	switch (k) {
	case SCN_OP_LOAD:
	case SCN_OP_STORE:
	case SCN_OP_DEVICE_LOAD:
	case SCN_OP_DEVICE_STORE:
	case SCN_OP_FILL:
	case SCN_OP_CHECK:
	case SCN_OP_DMA_READ:
	case SCN_OP_DMA_WRITE:
		return SCN_WORD_SIZE;
	case SCN_OP_COLLAPSE:
		return SCN_PMD_SIZE;
	default:
		return SCN_PAGE_SIZE;
	}
}

static bool len_given(const struct scn_op *op)
{
	return op->len_pos.line != 0;
}

/* check_len_align - (4) for a length that is not tied to a region. */
static int check_size(struct parser *p, struct scn_pos pos, uint64_t v,
		      const char *what)
{
	if (!v)
		return perr(p, pos, "%s must not be zero", what);
	if (v % SCN_PAGE_SIZE)
		return perr(p, pos,
			    "%s %#llx is not a multiple of the page size (4K)",
			    what, ULL(v));
	if (v > SCN_MAX_VSIZE)
		return perr(p, pos, "%s %#llx too large (limit %#llx)", what,
			    ULL(v), ULL(SCN_MAX_VSIZE));
	return 0;
}

/* check_range - (4): offset and length of @op inside region @r. */
static int check_range(struct parser *p, const struct scn_op *op, int r)
{
	const struct scenario *s = p->s;
	uint64_t max = region_max(s, r), a = op_align(op->kind);
	uint64_t off = op->addr.off, len = op->len;
	const char *name = s->regions[r].name;

	if (off % a)
		return perr(p, op->addr_pos,
			    "offset %#llx into '%s' is not %s aligned",
			    ULL(off), name,
			    a == SCN_WORD_SIZE ? "8-byte" :
			    a == SCN_PAGE_SIZE ? "page (4K)" :
						 "PMD (2M)");
	if (off >= max)
		return perr(p, op->addr_pos,
			    "offset %#llx is beyond region '%s' (size %#llx)",
			    ULL(off), name, ULL(max));
	if (op->kind == SCN_OP_COLLAPSE && off + SCN_PMD_SIZE > max)
		return perr(
			p, op->addr_pos,
			"collapse needs a whole 2M range: '%s' is %#llx bytes",
			name, ULL(max));
	if (!len_given(op) || op->kind == SCN_OP_EXEC)
		return 0;
	if (!len)
		return perr(p, op->len_pos, "length must not be zero");
	if (len % a)
		return perr(p, op->len_pos,
			    "length %#llx is not a multiple of %s", ULL(len),
			    a == SCN_WORD_SIZE ? "8 bytes" :
						 "the page size (4K)");
	if (len > max - off)
		return perr(
			p, op->len_pos,
			"range %#llx+%#llx runs past the end of region '%s' (size %#llx)",
			ULL(off), ULL(len), name, ULL(max));
	return 0;
}

/* check_region_ref - (3), (4), (5) for an op on region memory. */
static int check_region_ref(struct parser *p, const struct scn_op *op,
			    struct flow *f)
{
	const struct scenario *s = p->s;
	const struct scn_thread *t = &s->threads[op->thread];
	int r = op->addr.region, mm = op->addr.proc;
	const struct scn_region *rg = &s->regions[r];

	if (rg->op < 0)
		return perr(p, op->addr_pos, "undefined region '%s'", rg->name);
	if (mm < 0 && !t->kthread)
		mm = t->proc;
	if (mm >= 0 && !is_ancestor(s, rg->proc, mm))
		return perr(
			p, op->addr_pos,
			"region '%s' is not mapped in process '%s' (it is mapped by '%s')",
			rg->name, s->procs[mm].name, s->procs[rg->proc].name);
	if (op->addr.proc < 0 && !t->kthread) {
		if (f->gone[r].line)
			return perr(p, op->addr_pos,
				    "region '%s' used after munmap at %u:%u",
				    rg->name, f->gone[r].line, f->gone[r].col);
		if (f->exec.line && !f->mapped_after_exec[r])
			return perr(
				p, op->addr_pos,
				"region '%s' used after exec at %u:%u (exec replaces the mm)",
				rg->name, f->exec.line, f->exec.col);
	}
	return check_range(p, op, r);
}

/* check_handle_ref - (3), (4), (5) for unpin, dma-read, dma-write. */
static int check_handle_ref(struct parser *p, const struct scn_op *op,
			    struct flow *f)
{
	const struct scenario *s = p->s;
	int h = op->kind == SCN_OP_UNPIN ? op->name : op->addr.handle;
	const struct scn_handle *hd = &s->handles[h];
	struct scn_pos pos = op->kind == SCN_OP_UNPIN ? op->name_pos :
							op->addr_pos;

	if (hd->op < 0)
		return perr(p, pos, "undefined pin handle '%s'", hd->name);
	if (f->unpinned[h].line)
		return perr(p, pos, "pin handle '%s' used after unpin at %u:%u",
			    hd->name, f->unpinned[h].line, f->unpinned[h].col);
	if (op->kind == SCN_OP_UNPIN)
		return 0;
	if (op->addr.off % SCN_WORD_SIZE)
		return perr(p, pos,
			    "offset %#llx into '%s' is not 8-byte aligned",
			    ULL(op->addr.off), hd->name);
	if (op->addr.off >= hd->len)
		return perr(p, pos,
			    "offset %#llx is beyond pin '%s' (length %#llx)",
			    ULL(op->addr.off), hd->name, ULL(hd->len));
	/*
	 * A driver pins with FOLL_WRITE to let its device write: a page
	 * pinned without it may be shared (the zero page, a page COW-shared
	 * with another process), so a write would reach others and nobody
	 * could say what a program may then read.
	 */
	if (op->kind == SCN_OP_DMA_WRITE &&
	    !(s->ops[hd->op].flags & SCN_F_WRITE))
		return perr(p, pos,
			    "dma-write through pin '%s', which is read-only "
			    "(pin ... write sets FOLL_WRITE)", hd->name);
	return 0;
}

/*
 * check_wait_exit - wait-exit P: P is another process than the waiter's,
 * is created (a root or forked), and one of its threads runs `exit` (a
 * process whose threads merely end keeps its mm: the wait never ends).
 */
static int check_wait_exit(struct parser *p, const struct scn_op *op)
{
	const struct scenario *s = p->s;
	const struct scn_proc *pr = &s->procs[op->name];

	if (pr->fork_op < 0 && !pr->declared && !pr->implicit)
		return perr(p, op->name_pos, "undefined process '%s'",
			    pr->name);
	if (s->threads[op->thread].proc == op->name)
		return perr(p, op->name_pos, "a thread of '%s' cannot wait "
			    "for its own process to exit", pr->name);
	for (int i = 0; i < s->nr_ops; i++)
		if (s->ops[i].kind == SCN_OP_EXIT &&
		    s->threads[s->ops[i].thread].proc == op->name)
			return 0;
	return perr(p, op->name_pos, "wait-exit '%s' never returns: no "
		    "thread of it runs 'exit'", pr->name);
}

/* check_op_args - (4), (6): operands that are not region references. */
static int check_op_args(struct parser *p, const struct scn_op *op)
{
	const struct scn_config *c = &p->s->config;

	if (op->node >= 0 && (unsigned int)op->node >= c->nodes)
		return perr(
			p, op->node_pos,
			"node=%d but the scenario has %u node%s (config nodes=N)",
			op->node, c->nodes, c->nodes == 1 ? "" : "s");
	if (op->at_pos.line && (!op->at || op->at % SCN_PAGE_SIZE))
		return perr(p, op->at_pos,
			    "at=%#llx is not a non-zero page-aligned address",
			    ULL(op->at));
	if (op->at_pos.line) {
		uint64_t len = op->kind == SCN_OP_MREMAP ? op->len2 : op->len;

		if (op->at > SCN_TASK_SIZE || len > SCN_TASK_SIZE - op->at)
			return perr(p, op->at_pos,
				    "at=%#llx with %#llx bytes ends past the "
				    "user address space (%#llx)",
				    ULL(op->at), ULL(len), ULL(SCN_TASK_SIZE));
	}
	switch (op->kind) {
	case SCN_OP_MMAP:
		return check_size(p, op->len_pos, op->len, "mmap size");
	case SCN_OP_MREMAP:
		if ((op->at_pos.line || (op->flags & SCN_F_DONTUNMAP)) &&
		    !(op->flags & SCN_F_MAYMOVE))
			return perr(p, op->pos, "mremap %s needs 'maymove'",
				    op->at_pos.line ? "at=" : "dontunmap");
		if ((op->flags & SCN_F_DONTUNMAP) && len_given(op) &&
		    op->len != op->len2)
			return perr(
				p, op->pos,
				"mremap dontunmap needs the new size equal to the old");
		return check_size(p, op->pos, op->len2, "mremap new size");
	case SCN_OP_EXEC:
		return len_given(op) ? check_size(p, op->len_pos, op->len,
						  "args size") :
				       0;
	case SCN_OP_RECLAIM:
		return len_given(op) && !op->len ?
			       perr(p, op->len_pos,
				    "reclaim count must not be zero") :
			       0;
	case SCN_OP_LOAD:
		if (op->has_val && (op->flags & SCN_F_FAULTS))
			return perr(p, op->pos, "a load that faults returns "
				    "no value: drop '== VALUE' or 'faults'");
		return 0;
	case SCN_OP_SAME_FRAME:
	case SCN_OP_OTHER_FRAME:
		if (!p->s->marks[op->name].nr_set)
			return perr(p, op->name_pos, "frame mark '%s' is never "
				    "set (pfn-mark NAME ADDR)",
				    p->s->marks[op->name].name);
		return 0;
	case SCN_OP_WAIT_EXIT:
		return check_wait_exit(p, op);
	case SCN_OP_KSMD:
		return len_given(op) && (!op->len || op->len > 16) ?
			       perr(p, op->len_pos,
				    "ksmd scans must be 1 to 16") :
			       0;
	case SCN_OP_DEVICE_MIGRATE:
		if (op->to == SCN_TO_DEVICE && !c->device)
			return perr(
				p, op->pos,
				"device-migrate to=device needs device memory (config device=SIZE)");
		return 0;
	default:
		return 0;
	}
}

/* check_wait - (5): some thread can send what @op waits for. */
static int check_wait(struct parser *p, int opi)
{
	const struct scenario *s = p->s;
	const struct scn_op *op = &s->ops[opi];
	const struct scn_signal *sg = &s->signals[op->name];
	int i, usable = 0;

	if (!sg->nr_signal)
		return perr(p, op->name_pos,
			    "wait for '%s', which no thread signals", sg->name);
	for (i = 0; i < s->nr_ops; i++)
		if (s->ops[i].kind == SCN_OP_SIGNAL &&
		    s->ops[i].name == op->name &&
		    (s->ops[i].thread != op->thread || i < opi))
			usable++;
	if (!usable)
		return perr(
			p, op->name_pos,
			"wait for '%s' never returns: its only signal comes later in this thread",
			sg->name);
	return 0;
}

/* flow_update - record what @op ends for the rest of its thread. */
static void flow_update(struct parser *p, const struct scn_op *op,
			struct flow *f, struct scn_pos *unpin_at)
{
	const struct scenario *s = p->s;

	switch (op->kind) {
	case SCN_OP_MUNMAP:
		if (op->addr.proc < 0 && !op->addr.off && !len_given(op))
			f->gone[op->addr.region] = op->pos;
		break;
	case SCN_OP_EXEC:
		f->exec = op->pos;
		memset(f->mapped_after_exec, 0, sizeof(f->mapped_after_exec));
		break;
	case SCN_OP_MMAP:
		f->mapped_after_exec[op->name] = true;
		break;
	case SCN_OP_MREMAP:
		if (op->name >= 0)
			f->mapped_after_exec[op->name] = true;
		break;
	case SCN_OP_UNPIN:
		if (unpin_at[op->name].line)
			perr(p, op->name_pos,
			     "pin handle '%s' unpinned twice (first at %u:%u)",
			     s->handles[op->name].name, unpin_at[op->name].line,
			     unpin_at[op->name].col);
		unpin_at[op->name] = op->pos;
		f->unpinned[op->name] = op->pos;
		break;
	case SCN_OP_EXIT:
		f->exit = op->pos;
		break;
	default:
		break;
	}
}

/* check_thread_ops - (3)-(6) over one thread's ops, in order. */
static void check_thread_ops(struct parser *p, int t, struct flow *f,
			     struct scn_pos *unpin_at)
{
	const struct scenario *s = p->s;
	const struct scn_thread *th = &s->threads[t];
	int i;

	memset(f, 0, sizeof(*f));
	for (i = th->first_op; i < th->first_op + th->nr_ops; i++) {
		const struct scn_op *op = &s->ops[i];

		if (f->exit.line) {
			perr(p, op->pos, "op after exit (at %u:%u) never runs",
			     f->exit.line, f->exit.col);
			return;
		}
		if (check_op_args(p, op))
			continue;
		if (op->addr.region >= 0 && check_region_ref(p, op, f))
			continue;
		if ((op->addr.handle >= 0 || op->kind == SCN_OP_UNPIN) &&
		    check_handle_ref(p, op, f))
			continue;
		if (op->kind == SCN_OP_WAIT && check_wait(p, i))
			continue;
		flow_update(p, op, f, unpin_at);
	}
}

static void check_config(struct parser *p)
{
	const struct scn_config *c = &p->s->config;
	int i, j;

	if (c->mem % (c->nodes * SCN_PAGE_SIZE))
		perr(p, p->cfg_pos[0].line ? p->cfg_pos[0] : p->cfg_pos[1],
		     "mem=%#llx does not split into %u nodes of whole pages",
		     ULL(c->mem), c->nodes);
	else if (c->mem / SCN_PAGE_SIZE < SCN_MIN_NODE_PAGES * c->nodes)
		perr(p, p->cfg_pos[0].line ? p->cfg_pos[0] : p->cfg_pos[1],
		     "mem=%#llx is too small: the model needs at least %u "
		     "pages per node (mem=%lluK for %u node%s)",
		     ULL(c->mem), SCN_MIN_NODE_PAGES,
		     ULL(SCN_MIN_NODE_PAGES * SCN_PAGE_SIZE / 1024 * c->nodes),
		     c->nodes, c->nodes == 1 ? "" : "s");
	/* arm64 selects MMU_GATHER_RCU_TABLE_FREE: no IPI-only freeing */
	if (c->arch == SCN_ARCH_ARM64 && c->tlb_free == SCN_TLB_FREE_IPI)
		perr(p, p->cfg_pos[11],
		     "tlb_free=ipi is not possible with arch=arm64 (its TLB "
		     "flush sends no IPI: page tables are always freed "
		     "through RCU)");
	for (i = 0; i < c->nr_regress; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(c->regress[i], c->regress[j]))
				perr(p, p->cfg_pos[7],
				     "regression '%s' named twice",
				     c->regress[i]);
}

/*
 * check_files - (7): every file an op names is created by one memfd;
 * sizes within the model's limit (SCN_MAX_FILE_SIZE; truncate may grow a
 * file only within its creation size rounded up to 2 MiB: the page
 * cache's slots are fixed at creation); fallocate ranges 8-byte aligned
 * and non-empty; mmap file= is the only way to map a file.
 */
static void check_files(struct parser *p)
{
	struct scenario *s = p->s;

	for (int i = 0; i < s->nr_ops; i++) {
		struct scn_op *op = &s->ops[i];
		struct scn_file *f = op->file >= 0 ? &s->files[op->file] : NULL;
		uint64_t cap;

		if (op->kind == SCN_OP_MMAP && f && (op->flags & SCN_F_ANON)) {
			perr(p, op->pos, "file=%s conflicts with 'anon'",
			     f->name);
			continue;
		}
		if (!f)
			continue;
		if (f->op < 0) {
			perr(p, op->name_pos.line ? op->name_pos : op->pos,
			     "file '%s' is never created (memfd NAME SIZE)",
			     f->name);
			continue;
		}
		cap = (s->ops[f->op].len + SCN_PMD_SIZE - 1) &
		      ~(SCN_PMD_SIZE - 1);
		if (op->kind == SCN_OP_MEMFD &&
		    (!op->len || op->len > SCN_MAX_FILE_SIZE))
			perr(p, op->len_pos, "file size %#llx out of range "
			     "(1 .. %#llx)", ULL(op->len),
			     ULL(SCN_MAX_FILE_SIZE));
		if (op->kind == SCN_OP_TRUNCATE && op->len > cap)
			perr(p, op->len_pos, "truncate to %#llx: beyond what "
			     "'%s' can grow to (%#llx: its size rounded up to "
			     "2M)", ULL(op->len), f->name, ULL(cap));
		if (op->kind == SCN_OP_FALLOCATE &&
		    (!op->len || (op->len | op->addr.off) % SCN_WORD_SIZE ||
		     op->addr.off + op->len > cap))
			perr(p, op->len_pos, "fallocate range %#llx+%#llx: "
			     "must be non-empty, 8-byte aligned and within "
			     "%#llx", ULL(op->addr.off), ULL(op->len),
			     ULL(cap));
	}
}

int validate(struct parser *p)
{
	struct scn_pos unpin_at[SCN_MAX_HANDLES] = { { 0, 0 } };
	struct flow *f = malloc(sizeof(*f));
	int t;

	if (!f)
		return pfatal(p, (struct scn_pos){ 1, 1 }, "out of memory");
	check_config(p);
	check_files(p);
	check_forks(p);
	if (!p->nr_errs)
		check_threads(p);
	for (t = 0; t < p->s->nr_threads && !p->fatal; t++)
		check_thread_ops(p, t, f, unpin_at);
	free(f);
	return p->nr_errs ? -1 : 0;
}
