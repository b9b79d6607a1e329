// SPDX-License-Identifier: GPL-2.0
/*
 * tools/kernel_host.c - `mmsim kernel FILE`: the live kernel as the
 * reference (issue 13, docs/fidelity.md).
 *
 * A sequential scenario runs twice:
 *
 *  1. In the model, one execution in the order the file fixes: the
 *     running thread keeps running until it blocks (wait, wait-exit) or
 *     ends, then the lowest-numbered runnable one (sim's replay of an
 *     empty schedule). The runner's observer hook records each op as it
 *     runs (which thread, what a load read, whether a `faults` access
 *     faulted) and, after it, what /proc/PID/pagemap and /proc/kpageflags
 *     would show of every page of every region in every process
 *     (fs/proc/task_mmu.c).
 *  2. On the host, through real system calls in real processes, in the
 *     same order: one worker process per scenario process, forked by the
 *     real fork(2) of its parent's worker, each executing its ops at the
 *     addresses the model used (MAP_FIXED_NOREPLACE); this process drives
 *     them over pipes and reads their /proc/PID/pagemap after every op.
 *     Pins are what a user can take: vmsplice(2) (a R/O reference) and
 *     io_uring fixed buffers (a R/W longterm FOLL_PIN), through raw
 *     system calls.
 *
 * Every load's value, every `faults` outcome, every statement (load ==,
 * check, pagemap, same-frame/other-frame) and, after every op, the page
 * state of every region page are compared; each disagreement is printed
 * with the op that caused it. Exit 0: agree; 1: a disagreement; 2: bad
 * usage or a host error; 77: skipped (the reason is printed: the host
 * cannot do what the scenario needs, or it is not sequential).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/io_uring.h>

#include "cli.h"
#include "explore/program.h"
#include "proc_pagemap.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "sim/sim.h"

#define EXIT_SKIP 77
#define KPAGE 4096UL
#define MAX_DIFF_PAGES 4	/* page disagreements printed per op */

/* The bits compared after every op (pmd: the host cannot show it). */
#define CMP_PAGEMAP (SCN_PM_PRESENT | SCN_PM_SWAPPED | SCN_PM_SOFT_DIRTY | \
		     SCN_PM_EXCLUSIVE)
#define CMP_KPF (SCN_PM_THP | SCN_PM_ANON | SCN_PM_KSM | SCN_PM_ZERO)

/* What the host offers (probe_host). */
static struct host {
	char release[200];
	char thp[32], shmem[32], defrag[32];
	bool swap, ksm, ksmd_running, io_uring, soft_dirty, pfns, kpageflags;
	bool split_debugfs;	/* debugfs split_huge_pages writable */
	int nodes;
} H;

/* One op as the model ran it. */
struct step {
	int op;			/* s->ops index */
	int proc;		/* the running thread's process (-1: kthread) */
	int target;		/* the process it acts on */
	unsigned long va;	/* its address in the target (before the op) */
	unsigned long va_after;	/* mmap/mremap: the region's address after */
	bool done;		/* the after-hook ran (no violation in it) */
	struct scenario_op_result res;
	uint16_t *bits;		/* after: SCN_PM_* of every compared page */
	unsigned long *pfns;	/* after: the frame of each (-1UL: none) */
};

/* The pages compared: every region in every process. */
static struct layout {
	const struct scenario *s;
	unsigned long *npages;	/* [region]: its largest size, in pages */
	size_t per_proc;	/* pages of all regions */
	size_t total;		/* per_proc * nr_procs */
} L;

static struct model_run {
	struct step *steps;
	int nr, cap;
	int *cur;		/* [thread]: its running step */
	int *order;		/* steps in the order they completed */
	int nr_done;
	double ms;
	struct sim_result res;
} M;

static int verbose;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- host probe ---- */

static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok = f && fgets(buf, len, f);

	if (f)
		fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	return ok;
}

/* the [selected] word of a sysfs choice file, or "?" */
static void sysfs_choice(const char *path, char *out, size_t len)
{
	char buf[256], *a, *b;

	snprintf(out, len, "?");
	if (!read_line(path, buf, sizeof(buf)))
		return;
	a = strchr(buf, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b)
		snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
}

static uint64_t self_pagemap(void *va)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd >= 0 && pread(fd, &e, 8, (uintptr_t)va / KPAGE * 8) != 8)
		e = 0;
	if (fd >= 0)
		close(fd);
	return e;
}

/* The kernel's debugfs file that splits the THPs of a range (what the
 * scenario's `split ADDR` does for one address). */
#define SPLIT_HUGE_PAGES "/sys/kernel/debug/split_huge_pages"

static void probe_host(void)
{
	struct utsname u;
	char buf[256];
	FILE *f;
	int lines = 0, fd;
	void *p;

	uname(&u);
	snprintf(H.release, sizeof(H.release), "%s %s", u.sysname, u.release);
	sysfs_choice("/sys/kernel/mm/transparent_hugepage/enabled", H.thp,
		     sizeof(H.thp));
	sysfs_choice("/sys/kernel/mm/transparent_hugepage/shmem_enabled",
		     H.shmem, sizeof(H.shmem));
	sysfs_choice("/sys/kernel/mm/transparent_hugepage/defrag", H.defrag,
		     sizeof(H.defrag));
	f = fopen("/proc/swaps", "r");
	while (f && fgets(buf, sizeof(buf), f))
		lines++;
	if (f)
		fclose(f);
	H.swap = lines > 1;
	H.ksm = !access("/sys/kernel/mm/ksm/run", R_OK);
	/* open(), not access(): kernel lockdown refuses debugfs to root */
	fd = open(SPLIT_HUGE_PAGES, O_WRONLY);
	H.split_debugfs = fd >= 0;
	if (fd >= 0)
		close(fd);
	H.ksmd_running = read_line("/sys/kernel/mm/ksm/run", buf, sizeof(buf)) &&
			 strcmp(buf, "0");
	H.nodes = 1;
	if (read_line("/sys/devices/system/node/online", buf, sizeof(buf))) {
		char *dash = strrchr(buf, '-');

		H.nodes = dash ? atoi(dash + 1) + 1 : 1;
	}
#ifdef __NR_io_uring_setup
	{
		char params[120] = { 0 };
		long fd = syscall(__NR_io_uring_setup, 1, params);

		H.io_uring = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
#endif
	p = mmap(NULL, KPAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		uint64_t e;

		*(volatile char *)p = 1;
		e = self_pagemap(p);
		H.soft_dirty = e & PM_SOFT_DIRTY;
		H.pfns = (e & PM_PRESENT) && (e & PM_PFRAME_MASK);
		if (H.pfns) {
			int fd = open("/proc/kpageflags", O_RDONLY);
			uint64_t k = 0;

			H.kpageflags = fd >= 0 &&
				       pread(fd, &k, 8,
					     (e & PM_PFRAME_MASK) * 8) == 8 &&
				       (k & (1ULL << KPF_ANON));
			if (fd >= 0)
				close(fd);
		}
		munmap(p, KPAGE);
	}
}

static void print_probe(void)
{
	printf("host: %s; THP enabled=%s defrag=%s shmem_enabled=%s; "
	       "swap %s; NUMA nodes %d; io_uring %s; KSM %s\n",
	       H.release, H.thp, H.defrag, H.shmem,
	       H.swap ? "on" : "none", H.nodes,
	       H.io_uring ? "yes (fixed buffers: raw syscalls)" : "no",
	       !H.ksm ? "no" : H.ksmd_running ? "yes, ksmd running" :
						"yes, ksmd stopped");
	printf("host: pagemap soft-dirty %s; PFNs %s; kpageflags %s; "
	       "split_huge_pages %s\n",
	       H.soft_dirty ? "yes" : "no (CONFIG_MEM_SOFT_DIRTY off?)",
	       H.pfns ? "yes" : "no (needs CAP_SYS_ADMIN)",
	       H.kpageflags ? "yes" : "no (needs root)",
	       H.split_debugfs ? "yes" :
	       "no (debugfs not mounted, or kernel lockdown)");
}

/* ---- what can run here ---- */

static const char *thp_word(enum scn_thp t)
{
	return t == SCN_THP_ALWAYS ? "always" : t == SCN_THP_NEVER ? "never" :
								     "madvise";
}

/* op_target - the process an op acts on (the runner's op_proc). */
static int op_target(const struct scenario *s, const struct scn_op *op)
{
	const struct scn_thread *t = &s->threads[op->thread];

	if (op->addr.proc >= 0)
		return op->addr.proc;
	if (t->proc >= 0)
		return t->proc;
	if (op->addr.region >= 0)
		return s->regions[op->addr.region].proc;
	return -1;
}

/* would a mapping of @flags get THPs under sysfs mode @mode? */
static bool thp_eligible(const char *mode, unsigned int flags)
{
	if (!strcmp(mode, "always"))
		return !(flags & SCN_F_NOTHP);
	if (!strcmp(mode, "madvise"))
		return flags & SCN_F_THP;
	return false;
}

/*
 * thp_matters - the scenario's config thp= differs from the host's
 * setting in a way the scenario can see: a mapping of 2M or more (the
 * only ones that can hold a PMD-sized THP) that one side would give THPs
 * and the other not, or a MADV_HUGEPAGE/COLLAPSE advice.
 */
static bool thp_matters(const struct scenario *s)
{
	const char *mode = thp_word(s->config.thp);

	if (!strcmp(mode, H.thp))
		return false;
	for (int i = 0; i < s->nr_ops; i++) {
		const struct scn_op *op = &s->ops[i];

		if (op->kind == SCN_OP_MMAP && op->len >= (2UL << 20) &&
		    thp_eligible(mode, op->flags) !=
			    thp_eligible(H.thp, op->flags))
			return true;
		if ((op->kind == SCN_OP_MADVISE &&
		     (op->advice == SCN_MADV_HUGEPAGE ||
		      op->advice == SCN_MADV_COLLAPSE)) ||
		    op->kind == SCN_OP_COLLAPSE ||
		    (op->kind == SCN_OP_MREMAP && op->len2 >= (2UL << 20)))
			return true;
	}
	return false;
}

/* `pin ... write longterm` (FOLL_PIN): an io_uring fixed buffer */
static bool pin_is_uring(const struct scn_op *op)
{
	return (op->flags & (SCN_F_WRITE | SCN_F_LONGTERM)) ==
		       (SCN_F_WRITE | SCN_F_LONGTERM) &&
	       !(op->flags & SCN_F_GET);
}

/* the ops of thread-ordered @s: is @a before @b in one thread? */
static bool op_before(const struct scenario *s, int a, int b)
{
	return s->ops[a].thread == s->ops[b].thread && a < b;
}

/*
 * file_reaches - does the process running @op hold the memfd @op names?
 * Its creator does; so does a process forked (at any depth) after the
 * memfd op by the creating thread. Another root process does not (the
 * host runner passes no fds between processes).
 */
static bool file_reaches(const struct scenario *s, const struct scn_op *op)
{
	int mk = s->files[op->file].op, q = s->threads[op->thread].proc;
	int owner = s->threads[s->ops[mk].thread].proc;

	while (q != owner) {
		int fork_op = s->procs[q].fork_op;

		if (fork_op < 0)
			return false;
		if (s->procs[q].parent == owner)
			return op_before(s, mk, fork_op);
		q = s->procs[q].parent;
	}
	return true;
}

/* does @s map shared memory or files (shmem_enabled matters)? */
static bool uses_shmem(const struct scenario *s)
{
	for (int i = 0; i < s->nr_ops; i++)
		if ((s->ops[i].kind == SCN_OP_MMAP &&
		     ((s->ops[i].flags & SCN_F_SHARED) || s->ops[i].file >= 0)) ||
		    s->ops[i].kind == SCN_OP_MEMFD)
			return true;
	return false;
}

static const char *shmem_word(int v)
{
	static const char *const w[] = { "never", "always", "within_size",
					 "advise", "deny", "force" };

	return v >= 0 && v < 6 ? w[v] : "?";
}

/*
 * host_cannot - why the host cannot run @s as a comparison, or NULL.
 * @why has room for a message naming the op.
 */
static const char *host_cannot(const struct scenario *s, char *why,
			       size_t len)
{
	const struct scn_config *c = &s->config;
	int threads_of[SCN_MAX_PROCS] = { 0 };

	for (int t = 0; t < s->nr_threads; t++) {
		if (s->threads[t].kthread)
			return "not sequential: it has a kthread (no user "
			       "interface runs its ops in a process)";
		if (++threads_of[s->threads[t].proc] > 1)
			return "not sequential: a process with two threads "
			       "(the host runner has one thread per process)";
	}
	if (thp_matters(s)) {
		snprintf(why, len, "config thp=%s, the host's is %s "
			 "(/sys/kernel/mm/transparent_hugepage/enabled), and "
			 "a mapping of 2M or more would get THPs on one side "
			 "only", thp_word(c->thp), H.thp);
		return why;
	}
	if (uses_shmem(s) && strcmp(shmem_word(c->shmem_enabled), H.shmem)) {
		snprintf(why, len, "config shmem_enabled=%s, the host's is %s",
			 shmem_word(c->shmem_enabled), H.shmem);
		return why;
	}
	for (int i = 0; i < s->nr_ops; i++) {
		const struct scn_op *op = &s->ops[i];
		const char *r = NULL;

		switch (op->kind) {
		case SCN_OP_MMAP:
			if (op->file >= 0 && !file_reaches(s, op))
				r = "the memfd is not inherited by this "
				    "process (created after its fork, or in "
				    "another root process)";
			else if (op->node >= 0)
				r = "mmap node= (mbind) is not run on the host "
				    "yet";
			break;
		case SCN_OP_MUNMAP: case SCN_OP_MPROTECT: case SCN_OP_MREMAP:
		case SCN_OP_FORK: case SCN_OP_EXIT: case SCN_OP_LOAD:
		case SCN_OP_STORE: case SCN_OP_FILL: case SCN_OP_CHECK:
		case SCN_OP_SIGNAL: case SCN_OP_WAIT: case SCN_OP_WAIT_EXIT:
		case SCN_OP_PAGEMAP: case SCN_OP_COLLAPSE:
			break;
		case SCN_OP_UNPIN:
			/* unpin_user_pages_dirty_lock marks the folios dirty
			 * (a clean tmpfs page is then kept by reclaim, not
			 * dropped); closing a vmsplice pipe or unregistering
			 * an io_uring buffer releases them clean */
			if (op->flags & SCN_F_DIRTY)
				r = "no user interface releases a pin "
				    "dirty: 'unpin dirty' is "
				    "unpin_user_pages_dirty_lock; a vmsplice "
				    "pipe or an io_uring buffer is released "
				    "clean";
			break;
		case SCN_OP_MEMFD:
			if (op->huge > 0)
				r = "memfd huge= is a tmpfs mount option; "
				    "memfd_create(2) has no such flag";
			break;
		case SCN_OP_TRUNCATE: case SCN_OP_FALLOCATE:
			if (!file_reaches(s, op))
				r = "the memfd is not inherited by this "
				    "process";
			break;
		case SCN_OP_PFN_MARK: case SCN_OP_SAME_FRAME:
		case SCN_OP_OTHER_FRAME:
			if (!H.pfns)
				r = "frame marks need PFNs in pagemap "
				    "(CAP_SYS_ADMIN)";
			break;
		case SCN_OP_MADVISE:
			if (op->advice == SCN_MADV_MERGEABLE && !H.ksm)
				r = "the host has no KSM";
			if (op->advice == SCN_MADV_MERGEABLE && H.ksmd_running)
				r = "ksmd runs on the host: its merging is "
				    "asynchronous, not an op of the scenario";
			if ((op->advice == SCN_MADV_PAGEOUT ||
			     op->advice == SCN_MADV_COLD) &&
			    H.swap != (c->swap > 0))
				r = "pageout behaves with swap as the model's "
				    "config swap= says; the host differs";
			break;
		case SCN_OP_PAGEOUT: case SCN_OP_SWAPIN:
			if (H.swap != (c->swap > 0))
				r = "swap: the scenario's config swap= and "
				    "the host's swap differ";
			break;
		case SCN_OP_PIN:
			if (pin_is_uring(op) && !H.io_uring)
				r = "a R/W longterm pin is an io_uring fixed "
				    "buffer; the host has no io_uring";
			else if (!pin_is_uring(op) &&
				 (op->flags & (SCN_F_READ | SCN_F_GET)) !=
					 (SCN_F_READ | SCN_F_GET))
				r = "no user interface takes this pin: "
				    "'read get' is vmsplice, 'write "
				    "longterm' an io_uring fixed buffer; a "
				    "FOLL_PIN R/O or short-term pin has none "
				    "here";
			break;
		case SCN_OP_DMA_READ:
			break;
		case SCN_OP_DMA_WRITE:
			if (!pin_is_uring(&s->ops[s->handles[
					op->addr.handle].op]))
				r = "the device writes only through a R/W "
				    "pin (an io_uring fixed buffer here)";
			break;
		case SCN_OP_MOVE_PAGES:
			if (op->node >= H.nodes)
				r = "move_pages to a NUMA node the host lacks";
			break;
		case SCN_OP_SPLIT:
			if (op->flags & SCN_F_PMD)
				r = "split pmd: no user interface splits only "
				    "the PMD of a THP";
			else if (!H.split_debugfs)
				r = "split needs " SPLIT_HUGE_PAGES " (root, "
				    "debugfs mounted, no kernel lockdown)";
			break;
		default:
			r = "no user interface runs this op on the host "
			    "(a kernel-internal event)";
		}
		if (!r && op->addr.region >= 0 &&
		    op->kind != SCN_OP_PAGEMAP && op->kind != SCN_OP_PFN_MARK &&
		    op->kind != SCN_OP_SAME_FRAME &&
		    op->kind != SCN_OP_OTHER_FRAME &&
		    op_target(s, op) != s->threads[op->thread].proc)
			r = "an op on another process's memory (NAME@PROC)";
		if (r) {
			snprintf(why, len, "%s:%u: %s: %s", s->filename,
				 op->pos.line, scenario_op_name(op->kind), r);
			return why;
		}
	}
	return NULL;
}

/* ---- the model's run ---- */

static unsigned long region_pages(const struct scenario *s, int g)
{
	uint64_t max = s->regions[g].size;

	for (int i = 0; i < s->nr_ops; i++) {
		const struct scn_op *op = &s->ops[i];

		if (op->kind == SCN_OP_MREMAP && op->addr.region == g &&
		    op->name < 0 && op->addr.off + op->len2 > max)
			max = op->addr.off + op->len2;
	}
	return max / KPAGE;
}

/* the model's view of every compared page, now */
static void model_snapshot(uint16_t *bits, unsigned long *pfns)
{
	const struct scenario *s = L.s;
	static struct proc_page_state st[512];	/* off the task's stack */
	size_t k = 0;

	for (int p = 0; p < s->nr_procs; p++) {
		struct mm_struct *mm = scenario_proc_mm(p);

		for (int g = 0; g < s->nr_regions; g++) {
			unsigned long va = scenario_region_addr(p, g);

			for (unsigned long i = 0; i < L.npages[g]; i += 512) {
				unsigned long n = L.npages[g] - i;

				if (n > 512)
					n = 512;
				pagemap_read(mm, va + i * KPAGE, n, st);
				for (unsigned long j = 0; j < n; j++, k++) {
					bits[k] = scenario_pagemap_bits(
						st[j].pme, st[j].kflags,
						st[j].pmd_mapped);
					pfns[k] = st[j].pfn;
				}
			}
		}
	}
}

static unsigned long op_addr(int p, const struct scn_op *op)
{
	if (op->addr.region < 0 || p < 0)
		return 0;
	return scenario_region_addr(p, op->addr.region) + op->addr.off;
}

static void model_hook(void *arg, const struct scn_op *op, int proc,
		       const struct scenario_op_result *r)
{
	const struct scenario *s = L.s;
	struct step *st;

	if (!r) {
		if (M.nr == M.cap) {
			M.cap = M.cap ? 2 * M.cap : 64;
			M.steps = realloc(M.steps, M.cap * sizeof(*M.steps));
		}
		M.cur[op->thread] = M.nr;
		st = &M.steps[M.nr++];
		*st = (struct step){ .op = op - s->ops, .proc = proc };
		st->target = op_target(s, op);
		st->va = op_addr(st->target, op);
		return;
	}
	/* a blocking op (wait, wait-exit) lets other threads' ops in */
	st = &M.steps[M.cur[op->thread]];
	st->done = true;
	M.order = realloc(M.order, (M.nr_done + 1) * sizeof(*M.order));
	M.order[M.nr_done++] = M.cur[op->thread];
	st->res = *r;
	if (op->kind == SCN_OP_MMAP)
		st->va_after = scenario_region_addr(proc, op->name);
	else if (op->kind == SCN_OP_MREMAP)
		st->va_after = scenario_region_addr(
			proc, op->name >= 0 ? op->name : op->addr.region);
	st->bits = malloc(L.total * sizeof(*st->bits) + 1);
	st->pfns = malloc(L.total * sizeof(*st->pfns) + 1);
	model_snapshot(st->bits, st->pfns);
}

static int run_model(struct mmsim_program *prog)
{
	struct sim_config cfg = { .replay = "" };
	double t0 = now_ms();

	M.cur = calloc(L.s->nr_threads + 1, sizeof(*M.cur));
	scenario_set_op_hook(model_hook, NULL);
	program_exec(prog, &cfg, &M.res);
	scenario_set_op_hook(NULL, NULL);
	M.ms = now_ms() - t0;
	return 0;
}

/* ---- the host's run: workers ---- */

struct cmd {
	int step;		/* M.steps index; -1: quit */
};

struct reply {
	int err;		/* errno of a failed call, 0 */
	bool faulted;		/* the access faulted */
	bool has_value;
	uint64_t value;
	bool check_bad;		/* check: a word differed */
	uint64_t bad_va, bad_val;
	pid_t child;		/* fork: the child's pid */
	char msg[160];
};

static struct hostrun {
	int (*cmd)[2], (*rep)[2];	/* per process */
	pid_t *pid;			/* 0: none */
	int *pidfd;
	int *pagemap_fd;
	int kpf_fd;
	unsigned long *mark_pfn;	/* 1 + pfn */
	double ms;
} W;

static sigjmp_buf fault_jb;
/* the driver keeps the write end: a worker sees EOF when it is gone */
static int alive[2] = { -1, -1 };

static void on_fault(int sig)
{
	siglongjmp(fault_jb, sig);
}

/* the handle's vmsplice pipe, each memfd's fd (worker-local; a forked
 * worker inherits both) */
static int (*pin_pipe)[2];
static int *file_fd;

/*
 * An io_uring with the pinned range registered as fixed buffer 0
 * (IORING_REGISTER_BUFFERS: FOLL_WRITE | FOLL_PIN | FOLL_LONGTERM), and a
 * scratch file: the device reads the pinned page with WRITE_FIXED into
 * the file, writes it with READ_FIXED from the file. Raw system calls
 * (linux/io_uring.h), no liburing.
 */
struct uring {
	int fd, tmp;
	unsigned int *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail,
		*cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};
static struct uring *rings;
static unsigned long *pin_base;	/* [handle]: where the pin began */

static int uring_setup(struct uring *u, void *va, size_t len)
{
	struct io_uring_params pr = { 0 };
	struct iovec iov = { va, len };
	size_t sq_sz, cq_sz;
	char *sq, *cq;

	u->fd = (int)syscall(__NR_io_uring_setup, 2, &pr);
	if (u->fd < 0)
		return -1;
	sq_sz = pr.sq_off.array + pr.sq_entries * sizeof(unsigned int);
	cq_sz = pr.cq_off.cqes + pr.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED |
		  MAP_POPULATE, u->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_sz, PROT_READ | PROT_WRITE, MAP_SHARED |
		  MAP_POPULATE, u->fd, IORING_OFF_CQ_RING);
	u->sqes = mmap(NULL, pr.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       u->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || u->sqes == MAP_FAILED)
		return -1;
	u->sq_tail = (unsigned int *)(sq + pr.sq_off.tail);
	u->sq_mask = (unsigned int *)(sq + pr.sq_off.ring_mask);
	u->sq_array = (unsigned int *)(sq + pr.sq_off.array);
	u->cq_head = (unsigned int *)(cq + pr.cq_off.head);
	u->cq_tail = (unsigned int *)(cq + pr.cq_off.tail);
	u->cq_mask = (unsigned int *)(cq + pr.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)(cq + pr.cq_off.cqes);
	u->tmp = memfd_create("mmsim-dma", 0);
	if (u->tmp < 0 || ftruncate(u->tmp, KPAGE))
		return -1;
	return (int)syscall(__NR_io_uring_register, u->fd,
			    IORING_REGISTER_BUFFERS, &iov, 1);
}

/* one fixed-buffer I/O of 8 bytes at @va with the scratch file; 0 or -1 */
static int uring_rw(struct uring *u, int opcode, void *va)
{
	unsigned int tail = *u->sq_tail, idx = tail & *u->sq_mask, head;
	struct io_uring_sqe *sqe = &u->sqes[idx];
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = opcode;
	sqe->fd = u->tmp;
	sqe->addr = (uintptr_t)va;
	sqe->len = 8;
	sqe->off = 0;
	sqe->buf_index = 0;
	u->sq_array[idx] = idx;
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, u->fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0)
		return -1;
	head = *u->cq_head;
	if (head == __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE))
		return -1;
	res = u->cqes[head & *u->cq_mask].res;
	__atomic_store_n(u->cq_head, head + 1, __ATOMIC_RELEASE);
	return res == 8 ? 0 : -1;
}

static int try_access(unsigned long va, bool store, uint64_t *v)
{
	if (sigsetjmp(fault_jb, 1))
		return -EFAULT;
	if (store)
		*(volatile uint64_t *)va = *v;
	else
		*v = *(volatile uint64_t *)va;
	return 0;
}

static const int host_madv[SCN_MADV_NR] = {
	[SCN_MADV_NORMAL] = MADV_NORMAL,
	[SCN_MADV_RANDOM] = MADV_RANDOM,
	[SCN_MADV_SEQUENTIAL] = MADV_SEQUENTIAL,
	[SCN_MADV_WILLNEED] = MADV_WILLNEED,
	[SCN_MADV_DONTNEED] = MADV_DONTNEED,
	[SCN_MADV_FREE] = MADV_FREE,
	[SCN_MADV_REMOVE] = MADV_REMOVE,
	[SCN_MADV_DONTFORK] = MADV_DONTFORK,
	[SCN_MADV_DOFORK] = MADV_DOFORK,
	[SCN_MADV_MERGEABLE] = MADV_MERGEABLE,
	[SCN_MADV_UNMERGEABLE] = MADV_UNMERGEABLE,
	[SCN_MADV_HUGEPAGE] = MADV_HUGEPAGE,
	[SCN_MADV_NOHUGEPAGE] = MADV_NOHUGEPAGE,
	[SCN_MADV_DONTDUMP] = MADV_DONTDUMP,
	[SCN_MADV_DODUMP] = MADV_DODUMP,
	[SCN_MADV_WIPEONFORK] = MADV_WIPEONFORK,
	[SCN_MADV_KEEPONFORK] = MADV_KEEPONFORK,
	[SCN_MADV_COLD] = 20,			/* MADV_COLD */
	[SCN_MADV_PAGEOUT] = 21,		/* MADV_PAGEOUT */
	[SCN_MADV_POPULATE_READ] = 22,		/* MADV_POPULATE_READ */
	[SCN_MADV_POPULATE_WRITE] = 23,		/* MADV_POPULATE_WRITE */
	[SCN_MADV_DONTNEED_LOCKED] = 24,	/* MADV_DONTNEED_LOCKED */
	[SCN_MADV_COLLAPSE] = 25,		/* MADV_COLLAPSE */
};

static unsigned long op_length(const struct scenario *s,
			       const struct scn_op *op)
{
	uint64_t size = s->regions[op->addr.region].size;

	if (op->len)
		return op->len;
	return size > op->addr.off ? size - op->addr.off : 0;
}

static int prot_of(unsigned int p)
{
	return (p & SCN_PROT_R ? PROT_READ : 0) |
	       (p & SCN_PROT_W ? PROT_WRITE : 0) |
	       (p & SCN_PROT_X ? PROT_EXEC : 0);
}

/* dma-read/dma-write through an io_uring fixed buffer */
static void uring_dma(const struct scn_op *op, struct reply *r)
{
	struct uring *u = &rings[op->addr.handle];
	void *at = (void *)(pin_base[op->addr.handle] + op->addr.off);
	uint64_t w = op->val;

	if (op->kind == SCN_OP_DMA_WRITE) {
		if (pwrite(u->tmp, &w, 8, 0) != 8 ||
		    uring_rw(u, IORING_OP_READ_FIXED, at))
			r->err = errno ? errno : EIO;
		return;
	}
	if (uring_rw(u, IORING_OP_WRITE_FIXED, at) ||
	    pread(u->tmp, &w, 8, 0) != 8) {
		r->err = errno ? errno : EIO;
		return;
	}
	r->value = w;
	r->has_value = true;
}

/* dma-read through a vmsplice reference: tee the pipe, read the copy */
static void vmsplice_peek(const struct scenario *s, const struct scn_op *op,
			  struct reply *r)
{
	int *pp = pin_pipe[op->addr.handle], t[2] = { -1, -1 };
	size_t hl = s->handles[op->addr.handle].len;
	char *buf = malloc(hl);

	if (!buf || pipe(t) ||
	    fcntl(t[1], F_SETPIPE_SZ, (int)(hl + KPAGE)) < 0 ||
	    tee(pp[0], t[1], hl, 0) != (ssize_t)hl ||
	    read(t[0], buf, hl) != (ssize_t)hl) {
		r->err = errno ? errno : EIO;
	} else {
		memcpy(&r->value, buf + op->addr.off, 8);
		r->has_value = true;
	}
	if (t[0] >= 0) {
		close(t[0]);
		close(t[1]);
	}
	free(buf);
}

static void worker_loop(const struct scenario *s, int p);

/*
 * In a forked worker: close the pins' pipes and rings it inherited. In
 * the model a pin belongs to the process that took it; on the host a
 * child's copy of a vmsplice pipe would keep the page references until
 * the child exits, and the parent's next write fault would copy where
 * the model reuses.
 */
static void drop_inherited_pins(const struct scenario *s)
{
	for (int h = 0; h < s->nr_handles; h++) {
		if (rings[h].fd > 0) {
			close(rings[h].fd);
			close(rings[h].tmp);
			rings[h].fd = 0;
		}
		if (pin_pipe[h][0] > 0) {
			close(pin_pipe[h][0]);
			close(pin_pipe[h][1]);
			pin_pipe[h][0] = pin_pipe[h][1] = 0;
		}
	}
}

/* host_op - run step @st in this worker (process @p); fill @r. */
static void host_op(const struct scenario *s, int p, const struct step *st,
		    struct reply *r)
{
	const struct scn_op *op = &s->ops[st->op];
	unsigned long va = st->va, len, end;
	uint64_t v;
	void *ret;

	switch (op->kind) {
	case SCN_OP_MMAP: {
		int flags = MAP_FIXED_NOREPLACE, fd = -1;

		flags |= op->flags & SCN_F_SHARED ? MAP_SHARED : MAP_PRIVATE;
		if (op->file >= 0)
			fd = file_fd[op->file];
		else
			flags |= MAP_ANONYMOUS;
		if (op->flags & SCN_F_GROWSDOWN)
			flags |= MAP_GROWSDOWN;
		ret = mmap((void *)st->va_after, op->len, prot_of(op->prot),
			   flags, fd, 0);
		if (ret != (void *)st->va_after) {
			r->err = ret == MAP_FAILED ? errno : EEXIST;
			snprintf(r->msg, sizeof(r->msg), "mmap at %#lx: %s",
				 st->va_after, strerror(r->err));
			if (ret != MAP_FAILED)
				munmap(ret, op->len);
			return;
		}
		if ((op->flags & (SCN_F_THP | SCN_F_NOTHP)) &&
		    madvise(ret, op->len, op->flags & SCN_F_THP ?
				    MADV_HUGEPAGE : MADV_NOHUGEPAGE))
			r->err = errno;
		return;
	}
	case SCN_OP_MUNMAP:
		if (munmap((void *)va, op_length(s, op)))
			r->err = errno;
		return;
	case SCN_OP_MPROTECT:
		if (mprotect((void *)va, op_length(s, op), prot_of(op->prot)))
			r->err = errno;
		return;
	case SCN_OP_MADVISE:
		if (madvise((void *)va, op_length(s, op), host_madv[op->advice]))
			r->err = errno;
		return;
	case SCN_OP_SPLIT: {
		/* debugfs: "pid,start,end" splits every THP mapped in the
		 * range; the result is not judged (as in the model) */
		int fd = open(SPLIT_HUGE_PAGES, O_WRONLY);

		if (fd >= 0) {
			dprintf(fd, "%d,%#lx,%#lx", (int)getpid(), va,
				va + KPAGE);
			close(fd);
		}
		r->err = 0;
		return;
	}
	case SCN_OP_COLLAPSE:
		if (madvise((void *)va, 2UL << 20, host_madv[SCN_MADV_COLLAPSE]))
			r->err = errno;	/* not judged (as in the model) */
		r->err = 0;
		return;
	case SCN_OP_MREMAP: {
		int flags = 0;
		unsigned long old = op->len ? op->len : op_length(s, op);

		if (op->flags & SCN_F_MAYMOVE)
			flags |= MREMAP_MAYMOVE;
		if (op->flags & SCN_F_DONTUNMAP)
			flags |= MREMAP_DONTUNMAP;
		if ((flags & MREMAP_MAYMOVE) && st->va_after != va)
			flags |= MREMAP_FIXED;
		ret = mremap((void *)va, old, op->len2, flags,
			     (void *)st->va_after);
		if (ret == MAP_FAILED)
			r->err = errno;
		else if (ret != (void *)st->va_after)
			snprintf(r->msg, sizeof(r->msg), "mremap moved to %p, "
				 "the model to %#lx", ret, st->va_after);
		return;
	}
	case SCN_OP_FORK: {
		int c = op->name;
		pid_t pid = fork();

		if (pid < 0) {
			r->err = errno;
			return;
		}
		if (!pid) {
			drop_inherited_pins(s);
			worker_loop(s, c);	/* never returns */
		}
		r->child = pid;
		return;
	}
	case SCN_OP_LOAD:
		r->faulted = try_access(va, false, &v) != 0;
		r->has_value = !r->faulted;
		r->value = v;
		return;
	case SCN_OP_STORE:
		v = op->val;
		r->faulted = try_access(va, true, &v) != 0;
		return;
	case SCN_OP_FILL:
	case SCN_OP_CHECK:
		end = va + op->len;
		for (; va < end; va += 8) {
			bool first = !(va & (KPAGE - 1)) || va == st->va;

			v = op->val;
			if (op->flags & SCN_F_FAULTS) {
				if (!first)
					continue;
				r->faulted = try_access(va, op->kind ==
							SCN_OP_FILL, &v);
				if (!r->faulted)
					return;
				continue;
			}
			if (try_access(va, op->kind == SCN_OP_FILL, &v)) {
				r->faulted = true;
				return;
			}
			if (op->kind == SCN_OP_CHECK && v != op->val &&
			    !r->check_bad) {
				r->check_bad = true;
				r->bad_va = va;
				r->bad_val = v;
			}
		}
		return;
	case SCN_OP_PIN: {
		int *pp = pin_pipe[op->name];

		pin_base[op->name] = va;
		if (pin_is_uring(op)) {
			if (uring_setup(&rings[op->name], (void *)va, op->len))
				r->err = errno ? errno : EIO;
			return;
		}
		struct iovec iov = { (void *)va, op->len };

		len = op->len;
		if (pipe(pp) || fcntl(pp[1], F_SETPIPE_SZ, (int)(len + KPAGE)) < 0 ||
		    vmsplice(pp[1], &iov, 1, 0) != (ssize_t)len)
			r->err = errno ? errno : EIO;
		return;
	}
	case SCN_OP_UNPIN:
		if (rings[op->name].fd > 0) {
			/*
			 * Unregister first: closing the ring alone unpins
			 * the buffer only when the ring's context is torn
			 * down, in a workqueue (io_ring_exit_work), and not
			 * while a forked child or the ring's mmaps still
			 * hold the file - a fork soon after would see the
			 * page pinned and copy it (docs/fidelity.md).
			 */
			syscall(__NR_io_uring_register, rings[op->name].fd,
				IORING_UNREGISTER_BUFFERS, NULL, 0);
			close(rings[op->name].fd);
			close(rings[op->name].tmp);
			rings[op->name].fd = 0;
			return;
		}
		close(pin_pipe[op->name][0]);
		close(pin_pipe[op->name][1]);
		pin_pipe[op->name][0] = pin_pipe[op->name][1] = 0;
		return;
	case SCN_OP_DMA_WRITE:
	case SCN_OP_DMA_READ:
		if (rings[op->addr.handle].fd > 0)
			uring_dma(op, r);
		else if (op->kind == SCN_OP_DMA_READ)
			vmsplice_peek(s, op, r);
		return;
	case SCN_OP_MOVE_PAGES: {
		/* move_pages(2) of our own pages (pid 0) */
		unsigned long n = op_length(s, op) / KPAGE;
		void **pages = calloc(n, sizeof(*pages));
		int *nodes = calloc(n, sizeof(int)), *status = calloc(n,
								       sizeof(int));

		for (unsigned long i = 0; pages && nodes && i < n; i++) {
			pages[i] = (void *)(va + i * KPAGE);
			nodes[i] = op->node;
		}
		if (!pages || !nodes || !status ||
		    syscall(SYS_move_pages, 0, n, pages, nodes, status,
			    2 /* MPOL_MF_MOVE */) < 0)
			r->err = errno ? errno : ENOMEM;
		free(pages);
		free(nodes);
		free(status);
		return;
	}
	case SCN_OP_MEMFD: {
		int fd = memfd_create(s->files[op->file].name, 0);

		if (fd < 0 || ftruncate(fd, op->len))
			r->err = errno;
		file_fd[op->file] = fd;
		return;
	}
	case SCN_OP_TRUNCATE:
		if (ftruncate(file_fd[op->file], op->len))
			r->err = errno;
		return;
	case SCN_OP_FALLOCATE:
		if (fallocate(file_fd[op->file],
			      FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      op->addr.off, op->len))
			r->err = errno;
		return;
	case SCN_OP_EXIT:
		return;
	default:
		return;	/* signal, wait, observations: nothing here */
	}
}

static void worker_loop(const struct scenario *s, int p)
{
	struct sigaction sa = { .sa_handler = on_fault,
				.sa_flags = SA_NODEFER };
	struct cmd c;

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGCHLD, SIG_IGN);	/* children reap themselves */
	for (;;) {
		struct pollfd pfd[2] = { { W.cmd[p][0], POLLIN, 0 },
					 { alive[0], POLLIN, 0 } };
		struct reply r = { 0 };
		const struct scn_op *op;

		if (poll(pfd, 2, -1) < 0 || (pfd[1].revents & POLLHUP) ||
		    !(pfd[0].revents & POLLIN) ||
		    read(W.cmd[p][0], &c, sizeof(c)) != sizeof(c) ||
		    c.step < 0)
			_exit(0);
		op = &s->ops[M.steps[c.step].op];
		errno = 0;
		host_op(s, p, &M.steps[c.step], &r);
		if (write(W.rep[p][1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		if (op->kind == SCN_OP_EXIT)
			_exit(0);
	}
}

/* start_worker - a worker for root process @p, forked from here */
static int start_worker(const struct scenario *s, int p)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		close(alive[1]);	/* its children inherit it closed */
		worker_loop(s, p);
	}
	W.pid[p] = pid;
	return 0;
}

static void host_attach(int p, pid_t pid)
{
	char path[64];

	W.pid[p] = pid;
	W.pidfd[p] = (int)syscall(SYS_pidfd_open, pid, 0);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	W.pagemap_fd[p] = open(path, O_RDONLY);
}

/* wait until process @p has exited (its mm torn down) */
static void host_wait_gone(int p)
{
	struct pollfd pfd = { W.pidfd[p], POLLIN, 0 };

	if (W.pidfd[p] >= 0)
		poll(&pfd, 1, 5000);
	else
		while (!kill(W.pid[p], 0))
			usleep(1000);
	if (W.pagemap_fd[p] >= 0)
		close(W.pagemap_fd[p]);
	if (W.pidfd[p] >= 0)
		close(W.pidfd[p]);
	W.pagemap_fd[p] = W.pidfd[p] = -1;
	W.pid[p] = 0;
}

/* host_page - the SCN_PM_* bits the host shows of @va in process @p */
static uint16_t host_page(int p, unsigned long va, unsigned long *pfn)
{
	uint64_t e = 0, k = 0;

	*pfn = -1UL;
	if (!W.pid[p] || W.pagemap_fd[p] < 0 ||
	    pread(W.pagemap_fd[p], &e, 8, va / KPAGE * 8) != 8)
		return 0;
	if ((e & PM_PRESENT) && (e & PM_PFRAME_MASK)) {
		*pfn = e & PM_PFRAME_MASK;
		if (W.kpf_fd >= 0 &&
		    pread(W.kpf_fd, &k, 8, *pfn * 8) != 8)
			k = 0;
	}
	return scenario_pagemap_bits(e, k, false);
}

/* ---- comparing ---- */

static int disagreements;

static void op_text(const struct scenario *s, const struct scn_op *op,
		    char *buf, size_t len)
{
	char *d = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&d, &n);

	if (f) {
		scenario_dump_op(s, op, f);
		fclose(f);
	}
	snprintf(buf, len, "%s:%u: %s", s->filename, op->pos.line,
		 d ? d : scenario_op_name(op->kind));
	free(d);
}

static void disagree(const struct scenario *s, const struct scn_op *op,
		     const char *fmt, ...)
{
	char where[400];
	va_list ap;

	op_text(s, op, where, sizeof(where));
	printf("DISAGREE %s: ", where);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	disagreements++;
}

static const char *bits_str(unsigned int b, unsigned int mask, char *buf,
			    size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < SCN_PM_NR && n < len; i++)
		if (mask & (1u << i))
			n += snprintf(buf + n, len - n, "%s%s%s", n ? "," : "",
				      b & (1u << i) ? "" : "!",
				      scenario_pagemap_flags[i]);
	return buf;
}

static unsigned int compare_mask(void)
{
	unsigned int m = CMP_PAGEMAP;

	if (!H.soft_dirty)
		m &= ~SCN_PM_SOFT_DIRTY;
	if (H.kpageflags)
		m |= CMP_KPF;
	return m;
}

/*
 * Frame identity, beyond the bits (with PFNs only): after each op, every
 * page present before and after it on both sides either kept its frame
 * on both (a write fault reused it, nothing migrated) or got another one
 * on both (a copy, a refault, a migration); and every page of a forked
 * process present on both sides maps the frame init maps at that address
 * (COW sharing) on both or on neither. Frames are never compared across
 * a free and a reallocation: only "the same as just before" and "the
 * same as init's now".
 */
#define CMP_KEPT (1u << 14)	/* the frame it had before this op */
#define CMP_INIT (1u << 15)	/* init's frame at this address */
static unsigned long *model_prev, *host_prev, *host_now;
static uint16_t *host_bits;

static const char *frame_str(unsigned int b, unsigned int diff, char *buf,
			     size_t len)
{
	snprintf(buf, len, "%s%s%s",
		 diff & CMP_KEPT ? (b & CMP_KEPT ? "kept its frame" :
			 "another frame") : "",
		 (diff & CMP_KEPT) && (diff & CMP_INIT) ? ", " : "",
		 diff & CMP_INIT ? (b & CMP_INIT ? "init's frame" :
			 "not init's frame") : "");
	return buf;
}

/* the CMP_KEPT/CMP_INIT bits of page @k of process @p, region page @pi */
static unsigned int frame_bits(const unsigned long *now,
			       const unsigned long *prev, size_t k, int p,
			       size_t pi, bool *known_kept, bool *known_init)
{
	unsigned int b = 0;

	*known_kept = now[k] != -1UL && prev[k] != -1UL;
	if (*known_kept && now[k] == prev[k])
		b |= CMP_KEPT;
	*known_init = p > 0 && now[k] != -1UL && now[pi] != -1UL;
	if (*known_init && now[k] == now[pi])
		b |= CMP_INIT;
	return b;
}

/* after step @i: every page of every region in every process */
static void compare_pages(const struct scenario *s, const struct step *st)
{
	const struct scn_op *op = &s->ops[st->op];
	unsigned int mask = compare_mask();
	size_t k = 0;
	int shown = 0, diff = 0;

	if (!host_now) {
		model_prev = malloc(L.total * sizeof(*model_prev) + 1);
		host_prev = malloc(L.total * sizeof(*host_prev) + 1);
		host_now = malloc(L.total * sizeof(*host_now) + 1);
		host_bits = malloc(L.total * sizeof(*host_bits) + 1);
		for (size_t j = 0; j < L.total; j++)
			model_prev[j] = host_prev[j] = -1UL;
	}
	/* the host's frames first: init's are needed for every process */
	for (int p = 0; p < s->nr_procs; p++)
		for (int g = 0; g < s->nr_regions; g++) {
			unsigned long base = scenario_region_addr(p, g);

			for (unsigned long i = 0; i < L.npages[g]; i++, k++)
				host_bits[k] = host_page(p, base + i * KPAGE,
							 &host_now[k]);
		}
	k = 0;

	for (int p = 0; p < s->nr_procs; p++) {
		for (int g = 0; g < s->nr_regions; g++) {
			for (unsigned long i = 0; i < L.npages[g]; i++, k++) {
				unsigned int m = st->bits[k] & mask;
				unsigned int h = host_bits[k] & mask;
				size_t pi = k % L.per_proc;
				bool mk, mi, hk, hi;
				unsigned int mf = frame_bits(st->pfns, model_prev,
							     k, p, pi, &mk, &mi);
				unsigned int hf = frame_bits(host_now, host_prev,
							     k, p, pi, &hk, &hi);
				unsigned int fd = (mf ^ hf) &
					((mk && hk ? CMP_KEPT : 0) |
					 (mi && hi ? CMP_INIT : 0));
				char a[160], b[160];

				if (H.pfns && fd && m == h) {
					diff++;
					if (shown++ >= MAX_DIFF_PAGES)
						continue;
					disagree(s, op, "process %s, %s+%#lx: "
						 "model %s, host %s",
						 s->procs[p].name,
						 s->regions[g].name, i * KPAGE,
						 frame_str(mf, fd, a, sizeof(a)),
						 frame_str(hf, fd, b, sizeof(b)));
					continue;
				}
				if (m == h)
					continue;
				diff++;
				if (shown++ >= MAX_DIFF_PAGES)
					continue;
				disagree(s, op, "process %s, %s+%#lx: model "
					 "%s, host %s", s->procs[p].name,
					 s->regions[g].name, i * KPAGE,
					 bits_str(m, m ^ h, a, sizeof(a)),
					 bits_str(h, m ^ h, b, sizeof(b)));
			}
		}
	}
	if (diff > MAX_DIFF_PAGES) {
		printf("  ... %d more pages differ after this op\n",
		       diff - MAX_DIFF_PAGES);
		disagreements++;
	}
	memcpy(model_prev, st->pfns, L.total * sizeof(*model_prev));
	memcpy(host_prev, host_now, L.total * sizeof(*host_prev));
}

/*
 * host_statement - evaluate the statement of @op (pagemap, frame marks)
 * on the host; true if it holds. Marks are remembered here.
 */
static bool host_statement(const struct scenario *s, const struct step *st,
			   char *why, size_t len)
{
	const struct scn_op *op = &s->ops[st->op];
	int p = st->target;
	unsigned long pfn;
	unsigned int mask = compare_mask();

	if (op->kind == SCN_OP_PAGEMAP) {
		unsigned int want = op->pm_set & mask;
		unsigned int m = (op->pm_set | op->pm_clear) & mask;

		for (unsigned long a = st->va; a < st->va + op_length(s, op);
		     a += KPAGE) {
			unsigned int h = host_page(p, a, &pfn);

			if ((h & m) != want) {
				char x[160];

				snprintf(why, len, "host page %#lx is %s", a,
					 bits_str(h, m, x, sizeof(x)));
				return false;
			}
		}
		return true;
	}
	host_page(p, st->va, &pfn);
	if (pfn == -1UL) {
		snprintf(why, len, "host: no frame at %#lx", st->va);
		return false;
	}
	if (op->kind == SCN_OP_PFN_MARK) {
		W.mark_pfn[op->name] = pfn + 1;
		return true;
	}
	if ((op->kind == SCN_OP_SAME_FRAME) ==
	    (W.mark_pfn[op->name] == pfn + 1))
		return true;
	snprintf(why, len, "host: frame %s the mark's",
		 op->kind == SCN_OP_SAME_FRAME ? "differs from" : "is");
	return false;
}

/* ask worker @p to run step @i; its reply */
static int host_call(int p, int i, struct reply *r)
{
	struct cmd c = { i };

	if (!W.pid[p])
		return -1;
	if (write(W.cmd[p][1], &c, sizeof(c)) != sizeof(c) ||
	    read(W.rep[p][0], r, sizeof(*r)) != sizeof(*r))
		return -1;
	return 0;
}

/* does the model's violation message name @op's statement? */
static bool model_failed_statement(const struct scn_op *op)
{
	const char *m = M.res.msg;

	return !strncmp(m, "pagemap:", 8) || !strncmp(m, "frame:", 6) ||
	       !strncmp(m, "wrong-value:", 12) || !strncmp(m, "fault:", 6) ||
	       (op->kind == SCN_OP_CHECK && !strncmp(m, "lost-store:", 11));
}

static void compare_step(const struct scenario *s, int i)
{
	struct step *st = &M.steps[i];
	const struct scn_op *op = &s->ops[st->op];
	struct reply r = { 0 };
	bool stmt = false, host_ok = true;
	char why[200] = "";

	switch (op->kind) {
	case SCN_OP_PAGEMAP: case SCN_OP_PFN_MARK: case SCN_OP_SAME_FRAME:
	case SCN_OP_OTHER_FRAME:
		stmt = true;
		host_ok = host_statement(s, st, why, sizeof(why));
		break;
	case SCN_OP_WAIT_EXIT:
		if (W.pid[op->name])
			host_wait_gone(op->name);
		break;
	case SCN_OP_SIGNAL: case SCN_OP_WAIT:
		break;
	default:
		if (host_call(st->proc, i, &r)) {
			disagree(s, op, "host worker of process %s is gone",
				 s->procs[st->proc].name);
			return;
		}
		if ((r.err || r.msg[0]) && !st->done &&
		    !strncmp(M.res.msg, "fault:", 6)) {
			/* the call failed on both sides (the model's
			 * execution ends in it): as a failed statement */
			printf("agree %s:%u: the call fails on both (model: "
			       "%s; host: %s)\n", s->filename, op->pos.line,
			       M.res.msg, r.msg[0] ? r.msg : strerror(r.err));
			return;
		}
		if (r.err || r.msg[0])
			disagree(s, op, "host: %s", r.msg[0] ? r.msg :
				 strerror(r.err));
		if (op->kind == SCN_OP_FORK)
			host_attach(op->name, r.child);
		if (op->kind == SCN_OP_EXIT)
			host_wait_gone(st->proc);
		if (op->kind == SCN_OP_LOAD || op->kind == SCN_OP_DMA_READ) {
			stmt = op->has_val;
			host_ok = !op->has_val ||
				  (r.has_value && r.value == op->val);
		}
		if (op->kind == SCN_OP_CHECK && !(op->flags & SCN_F_FAULTS)) {
			stmt = true;
			host_ok = !r.check_bad && !r.faulted;
			if (r.check_bad)
				snprintf(why, sizeof(why), "host word %#llx "
					 "holds %#llx",
					 (unsigned long long)r.bad_va,
					 (unsigned long long)r.bad_val);
		}
		if (op->flags & SCN_F_FAULTS) {
			stmt = true;
			host_ok = r.faulted;
			if (!r.faulted)
				snprintf(why, sizeof(why), "host: no fault");
		} else if (r.faulted) {
			stmt = true;
			host_ok = false;
			snprintf(why, sizeof(why), "host: the access faulted");
		}
		break;
	}
	if (!st->done) {
		/* the model's execution ended in this op with a violation */
		if (stmt && !host_ok && model_failed_statement(op))
			printf("agree %s:%u: the statement fails on both "
			       "(model: %s; %s)\n", s->filename, op->pos.line,
			       M.res.msg, why);
		else
			disagree(s, op, "model: %s; host: %s", M.res.msg,
				 stmt && host_ok ? "the statement holds" :
				 why[0] ? why : "no such failure");
		return;
	}
	if (stmt && !host_ok)
		disagree(s, op, "the model's statement holds; %s", why);
	if ((op->kind == SCN_OP_LOAD || op->kind == SCN_OP_DMA_READ) &&
	    st->res.has_value && r.has_value && st->res.value != r.value)
		disagree(s, op, "model read %#llx, host %#llx",
			 (unsigned long long)st->res.value,
			 (unsigned long long)r.value);
	if ((op->flags & SCN_F_FAULTS) && st->res.faulted != r.faulted)
		disagree(s, op, "model %s, host %s",
			 st->res.faulted ? "faulted" : "did not fault",
			 r.faulted ? "faulted" : "did not fault");
	compare_pages(s, st);
}

/*
 * Every host process on the CPU this one runs on (the workers inherit
 * it): the kernel's per-CPU LRU batches hold a reference on a folio
 * until drained, and a write fault's reuse check drains only its own
 * CPU's (wp_can_reuse_anon_folio: lru_add_drain()), so a worker that ran
 * on another CPU than the one that faulted the page in may see an extra
 * reference and copy where it would reuse on one CPU. The model has no
 * per-CPU batches; on one CPU the host agrees with it (same-frame after
 * a child's exit flaked without this: 2 runs in 5 copied).
 */
static void pin_to_one_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	CPU_ZERO(&set);
	CPU_SET(cpu >= 0 ? cpu : 0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "mmsim kernel: sched_setaffinity: %s (runs "
			"unpinned: reuse checks may copy)\n",
			strerror(errno));
}

static int run_host(const struct scenario *s)
{
	int np = s->nr_procs;
	double t0 = now_ms();

	pin_to_one_cpu();

	W.cmd = calloc(np, sizeof(*W.cmd));
	W.rep = calloc(np, sizeof(*W.rep));
	W.pid = calloc(np, sizeof(*W.pid));
	W.pidfd = calloc(np, sizeof(int));
	W.pagemap_fd = calloc(np, sizeof(int));
	W.mark_pfn = calloc(s->nr_marks + 1, sizeof(*W.mark_pfn));
	pin_pipe = calloc(s->nr_handles + 1, sizeof(*pin_pipe));
	file_fd = calloc(s->nr_files + 1, sizeof(*file_fd));
	rings = calloc(s->nr_handles + 1, sizeof(*rings));
	pin_base = calloc(s->nr_handles + 1, sizeof(*pin_base));
	W.kpf_fd = H.kpageflags ? open("/proc/kpageflags", O_RDONLY) : -1;
	if (pipe(alive))
		return -1;
	for (int p = 0; p < np; p++) {
		W.pidfd[p] = W.pagemap_fd[p] = -1;
		if (pipe(W.cmd[p]) || pipe(W.rep[p])) {
			fprintf(stderr, "mmsim kernel: pipe: %s\n",
				strerror(errno));
			return -1;
		}
	}
	fflush(stdout);
	for (int p = 0; p < np; p++) {
		if (s->procs[p].parent >= 0)
			continue;
		if (start_worker(s, p))
			return -1;
		host_attach(p, W.pid[p]);
	}
	/*
	 * In the order the ops completed: an op that blocked (wait,
	 * wait-exit) did nothing until the ops it waited for were done. Then
	 * the op the model's execution ended in, if one did not complete.
	 */
	for (int i = 0; i < M.nr_done; i++)
		compare_step(s, M.order[i]);
	/* the running thread keeps running: the last op begun is the one */
	if (M.nr && !M.steps[M.nr - 1].done && M.res.outcome != SIM_OK)
		compare_step(s, M.nr - 1);
	else if (M.res.outcome != SIM_OK)
		printf("model: the execution ended: %s (after the last op)\n",
		       M.res.msg);
	for (int p = 0; p < np; p++) {
		struct cmd c = { -1 };

		if (!W.pid[p])
			continue;
		if (write(W.cmd[p][1], &c, sizeof(c)) == sizeof(c))
			host_wait_gone(p);
	}
	close(alive[1]);	/* any worker left ends now */
	close(alive[0]);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (W.kpf_fd >= 0)
		close(W.kpf_fd);
	W.ms = now_ms() - t0;
	return 0;
}

/* ---- the command ---- */

static int kernel_usage(void)
{
	fprintf(stderr, "usage: mmsim kernel FILE [--regress NAME] [-v]\n"
		"  run a sequential scenario in the model and on this "
		"host's kernel; compare.\n  exit 0 agree, 1 disagree, 2 "
		"usage or host error, 77 skipped (reason printed)\n");
	return EXIT_USAGE;
}

int cmd_kernel(int argc, char **argv)
{
	const char *file = NULL, *regress = NULL;
	struct mmsim_program *prog;
	struct scenario_error e;
	struct scenario *s;
	char err[512], why[512];
	const char *cannot;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--regress") && i + 1 < argc)
			regress = argv[++i];
		else if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (argv[i][0] == '-' || file)
			return kernel_usage();
		else
			file = argv[i];
	}
	if (!file)
		return kernel_usage();
	probe_host();
	print_probe();
	if (access("/proc/self/pagemap", R_OK)) {
		printf("SKIP %s: /proc/self/pagemap is not readable here: %s\n",
		       file, strerror(errno));
		return EXIT_SKIP;
	}
	s = scenario_load_file(file, &e);
	if (!s) {
		fprintf(stderr, "%s", e.text);
		return EXIT_USAGE;
	}
	prog = scenario_program(s, err, sizeof(err));
	if (!prog) {
		fprintf(stderr, "mmsim: %s\n", err);
		scenario_free(s);
		return EXIT_USAGE;
	}
	if (regress) {
		int id = sim_regress_by_name(regress);

		if (id < 0) {
			fprintf(stderr, "mmsim: unknown regression '%s'\n",
				regress);
			return EXIT_USAGE;
		}
		sim_regress_set(id, true);
	}
	cannot = host_cannot(s, why, sizeof(why));
	if (cannot) {
		printf("SKIP %s: %s\n", file, cannot);
		return EXIT_SKIP;
	}
	L.s = s;
	L.npages = calloc(s->nr_regions + 1, sizeof(*L.npages));
	for (int g = 0; g < s->nr_regions; g++) {
		L.npages[g] = region_pages(s, g);
		L.per_proc += L.npages[g];
	}
	L.total = L.per_proc * s->nr_procs;
	run_model(prog);
	if (verbose)
		printf("model: %d ops, %s%s%s\n", M.nr,
		       sim_outcome_name(M.res.outcome),
		       M.res.msg[0] ? ": " : "", M.res.msg);
	if (M.res.outcome == SIM_LIMIT) {
		printf("SKIP %s: the model hit a limit: %s\n", file,
		       M.res.msg);
		return EXIT_SKIP;
	}
	if (run_host(s)) {
		fprintf(stderr, "mmsim kernel: host run failed\n");
		return EXIT_USAGE;
	}
	if (!H.soft_dirty)
		printf("SKIP soft-dirty: the host's pagemap shows none\n");
	if (!H.kpageflags)
		printf("SKIP thp/anon/ksm/zero: /proc/kpageflags is not "
		       "readable here (needs root)\n");
	printf("time: model %.3f ms, host %.3f ms, model/host %.3f\n", M.ms,
	       W.ms, W.ms > 0 ? M.ms / W.ms : 0);
	printf("%s %s: %d ops compared, %d disagreement%s\n",
	       disagreements ? "DISAGREE" : "AGREE", file, M.nr, disagreements,
	       disagreements == 1 ? "" : "s");
	return disagreements ? EXIT_FOUND : EXIT_CLEAN;
}
