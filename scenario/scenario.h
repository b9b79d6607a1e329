/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario/scenario.h - the .mms scenario language: parse, validate, dump.
 *
 * A scenario is a short, line-based file (docs/scenario-language.md):
 * a config line, thread blocks of ops, an expected verdict. This header is
 * the whole API of the front end; the runner consumes the AST below and
 * never sees text. The AST is read-only for everyone but the parser.
 *
 * Names are resolved at parse time: every reference to a process, thread,
 * region, pin handle or signal is an index into the matching table of
 * struct scenario, and every op keeps the source position of its keyword
 * so the runner can report "file:line: store A+0x2000 0x55".
 *
 * Positions are 1-based; columns count bytes (a tab is one column).
 */
#ifndef SCENARIO_SCENARIO_H
#define SCENARIO_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- limits (each reported as an error naming the limit) ---- */

#define SCN_MAX_INPUT (1 << 20) /* bytes in one file */
#define SCN_MAX_LINE 1024 /* bytes in one line */
#define SCN_MAX_NAME 32 /* bytes in one name */
#define SCN_MAX_OPS 4096 /* ops in one scenario */
#define SCN_MAX_THREADS 48 /* threads + kthreads (sim: 52 tasks) */
#define SCN_MAX_PROCS 32 /* processes */
#define SCN_MAX_REGIONS 256
#define SCN_MAX_HANDLES 256
#define SCN_MAX_SIGNALS 256
#define SCN_MAX_FILES 64 /* tmpfs files (memfd) */
#define SCN_MAX_MARKS 64 /* frame marks (pfn-mark) */
#define SCN_MAX_FILE_SIZE (64ULL << 20) /* one tmpfs file (mm/shmem.c) */
#define SCN_MAX_REGRESS 16 /* names in config regress= */
#define SCN_MAX_NODES 64 /* MAX_NUMNODES (arch/physmem.h; runner.c asserts) */
#define SCN_MIN_NODE_PAGES 2 /* pages per node physmem needs at least */
#define SCN_MAX_CPUS 256
#define SCN_MAX_MEM (64ULL << 30) /* config mem, swap, device */
#define SCN_MAX_VSIZE (1ULL << 40) /* one region, one offset */
#define SCN_MAX_ERRORS 8 /* errors collected per parse */

#define SCN_PAGE_SIZE 4096ULL
#define SCN_TASK_SIZE ((1ULL << 47) - 4096) /* TASK_SIZE (arch/pgtable.h) */
#define SCN_PMD_SIZE (2ULL << 20)
#define SCN_WORD_SIZE 8ULL /* loads, stores, fills: u64 words */

/* ---- errors ---- */

struct scn_pos {
	unsigned int line; /* 1-based; 0: no position */
	unsigned int col; /* 1-based byte column */
};

#define SCN_MSG_MAX 256

/*
 * What went wrong. The first error is in line/col/msg; text holds every
 * collected error, one gcc-style line each:
 *	file:line:col: error: expected a size, got 'foo'
 */
struct scenario_error {
	unsigned int line, col;
	char msg[SCN_MSG_MAX]; /* first error, without the prefix */
	int nr_errors; /* collected (at most SCN_MAX_ERRORS) */
	char text[SCN_MAX_ERRORS * (SCN_MSG_MAX + 64)];
};

/* ---- config ---- */

enum scn_thp { SCN_THP_MADVISE, SCN_THP_ALWAYS, SCN_THP_NEVER };
enum scn_thp_numa { SCN_THP_NUMA_CURRENT, SCN_THP_NUMA_LEGACY };
enum scn_arch { SCN_ARCH_X86, SCN_ARCH_ARM64 };
/* how page tables are freed: after the flush's IPI, or after RCU */
enum scn_tlb_free { SCN_TLB_FREE_DEFAULT, SCN_TLB_FREE_IPI, SCN_TLB_FREE_RCU };
/* the memory model (sim/storebuf.h): the same order as enum sim_memory */
enum scn_memory { SCN_MEMORY_SC, SCN_MEMORY_TSO, SCN_MEMORY_ARM64 };
/* /sys/kernel/mm/transparent_hugepage/shmem_enabled */
enum scn_shmem {
	SCN_SHMEM_NEVER, SCN_SHMEM_ALWAYS, SCN_SHMEM_WITHIN_SIZE,
	SCN_SHMEM_ADVISE, SCN_SHMEM_DENY, SCN_SHMEM_FORCE,
};

/* Bits of scn_config.set: which keys the file gave (dump prints those). */
enum {
	SCN_CFG_MEM = 1 << 0,
	SCN_CFG_NODES = 1 << 1,
	SCN_CFG_CPUS = 1 << 2,
	SCN_CFG_SWAP = 1 << 3,
	SCN_CFG_DEVICE = 1 << 4,
	SCN_CFG_THP = 1 << 5,
	SCN_CFG_THP_NUMA = 1 << 6,
	SCN_CFG_REGRESS = 1 << 7,
	SCN_CFG_STEPS = 1 << 8,
	SCN_CFG_SEED = 1 << 9,
	SCN_CFG_ARCH = 1 << 11,
	SCN_CFG_TLB_FREE = 1 << 12,
	SCN_CFG_MEMORY = 1 << 10,
	SCN_CFG_SHMEM = 1 << 13,
	SCN_CFG_SWAP_IO = 1 << 14,
};

/* the swap device: a normal one, or SWP_SYNCHRONOUS_IO (zram-like) */
enum scn_swap_io { SCN_SWAP_IO_ASYNC, SCN_SWAP_IO_SYNC };

struct scn_config {
	uint64_t mem; /* physical memory; default 16M */
	unsigned int nodes; /* NUMA nodes; default 1 */
	unsigned int cpus; /* 0: one per task (runner decides) */
	uint64_t swap; /* swap device size; default 0 */
	uint64_t device; /* device-private memory; default 0 */
	enum scn_thp thp; /* default madvise */
	enum scn_thp_numa thp_numa; /* default current */
	enum scn_arch arch; /* default x86 */
	/* default: the arch's (x86: ipi, arm64: rcu) */
	enum scn_tlb_free tlb_free;
	enum scn_memory memory; /* default sc */
	/* shmem_enabled: enum scn_shmem; default never */
	int shmem_enabled;
	enum scn_swap_io swap_io; /* default async */
	uint64_t steps; /* step bound; 0: runner default */
	uint64_t seed; /* default seed; valid if set */
	int nr_regress;
	char *regress[SCN_MAX_REGRESS]; /* regression switches, in order */
	unsigned int set; /* SCN_CFG_* given explicitly */
};

/* ---- ops ---- */

enum scn_op_kind {
	SCN_OP_MMAP, /* name=region, len=size, flags, prot, node, at */
	SCN_OP_MUNMAP, /* addr, len (0: to end of region) */
	SCN_OP_MPROTECT, /* addr, len (0: to end), prot */
	SCN_OP_MADVISE, /* addr, len (0: to end), advice */
	/* addr, len=old (0: to end), len2=new size, flags, at, name=as= */
	SCN_OP_MREMAP,
	SCN_OP_FORK, /* name=child process */
	SCN_OP_EXIT, /* - */
	SCN_OP_EXEC, /* len=argument pages size (args=), 0 dflt */
	SCN_OP_LOAD, /* addr; val if has_val (expected) */
	SCN_OP_STORE, /* addr, val */
	SCN_OP_FILL, /* addr, len, val */
	SCN_OP_CHECK, /* addr, len, val */
	SCN_OP_PIN, /* name=new handle, addr, len, flags */
	SCN_OP_UNPIN, /* name=handle, flags DIRTY */
	SCN_OP_DMA_READ, /* addr (handle + offset); val if has_val */
	SCN_OP_DMA_WRITE, /* addr (handle + offset), val */
	SCN_OP_MOVE_PAGES, /* addr, len (0: to end), node */
	SCN_OP_NUMA_MIGRATE, /* addr, len (0: to end), node */
	SCN_OP_NUMA_SCAN, /* addr, len (0: to end) */
	SCN_OP_PAGEOUT, /* addr, len (0: to end) */
	SCN_OP_RECLAIM, /* len=pages to reclaim (0: all it can) */
	SCN_OP_SWAPIN, /* addr, len (0: to end) */
	SCN_OP_SWAPOFF, /* no operands: swapoff(2) of the swap device */
	SCN_OP_COMPACT, /* node (-1: every node) */
	SCN_OP_COLLAPSE, /* addr (PMD-aligned offset) */
	SCN_OP_SPLIT, /* addr, flags PMD or FOLIO */
	SCN_OP_SPLIT_DEFERRED, /* no operands: deferred_split_scan */
	SCN_OP_KSM_MERGE, /* addr, len (0: to end) */
	SCN_OP_KSMD, /* len = full scans (0: 2, a fresh pair's two) */
	SCN_OP_DEVICE_MIGRATE, /* addr, len (0: to end), to */
	/* the dmirror device's access through its mirror: addr; load: val if
	 * has_val (expected); store: val */
	SCN_OP_DEVICE_LOAD,
	SCN_OP_DEVICE_STORE,
	SCN_OP_SIGNAL, /* name=signal */
	SCN_OP_WAIT, /* name=signal */
	SCN_OP_SPAWN, /* spawn[0..nr_spawn) = threads */
	SCN_OP_PFN_GET, /* addr, len (0: to end): a speculative PFN walker
			   takes and drops a ref on each frame there */
	/* tmpfs files: file, len = size, huge (memfd); truncate: file, len;
	 * fallocate (punch a hole, keep the size): file, addr.off, len */
	SCN_OP_MEMFD,
	SCN_OP_TRUNCATE,
	SCN_OP_FALLOCATE,
	/*
	 * Observations (docs/scenario-language.md, "Observations"):
	 * pagemap: addr, len (0: to end), pm_set/pm_clear (SCN_PM_*);
	 * pfn-mark: name=mark, addr (one page); same-frame, other-frame:
	 * name=mark, addr; wait-exit: name=process.
	 */
	SCN_OP_PAGEMAP,
	SCN_OP_PFN_MARK,
	SCN_OP_SAME_FRAME,
	SCN_OP_OTHER_FRAME,
	SCN_OP_WAIT_EXIT,
	SCN_OP_NR,
};

/* Op flags: one namespace for all ops; each op accepts a subset. */
enum {
	SCN_F_ANON = 1 << 0, /* mmap: anonymous (default) */
	SCN_F_FILE = 1 << 1, /* mmap: file-backed (page cache) */
	SCN_F_SHARED = 1 << 2, /* mmap: MAP_SHARED */
	SCN_F_PRIVATE = 1 << 3, /* mmap: MAP_PRIVATE (default) */
	SCN_F_THP = 1 << 4, /* mmap: VM_HUGEPAGE */
	SCN_F_NOTHP = 1 << 5, /* mmap: VM_NOHUGEPAGE */
	SCN_F_GROWSDOWN = 1 << 6, /* mmap: stack (VM_GROWSDOWN) */
	SCN_F_POPULATE = 1 << 7, /* mmap: MAP_POPULATE */
	SCN_F_LOCKED = 1 << 8, /* mmap: MAP_LOCKED */
	SCN_F_MAYMOVE = 1 << 9, /* mremap: MREMAP_MAYMOVE */
	SCN_F_DONTUNMAP = 1 << 10, /* mremap: MREMAP_DONTUNMAP */
	SCN_F_READ = 1 << 11, /* pin: read-only pin */
	SCN_F_WRITE = 1 << 12, /* pin: FOLL_WRITE */
	SCN_F_FAST = 1 << 13, /* pin: GUP-fast (irqs off walk) */
	SCN_F_SLOW = 1 << 14, /* pin: slow GUP (default) */
	SCN_F_LONGTERM = 1 << 15, /* pin: FOLL_LONGTERM */
	SCN_F_GET = 1 << 16, /* pin: FOLL_GET, not FOLL_PIN */
	SCN_F_DIRTY = 1 << 17, /* unpin: unpin_user_pages_dirty */
	SCN_F_PMD = 1 << 18, /* split: split_huge_pmd only */
	SCN_F_FOLIO = 1 << 19, /* split: split the folio (default) */
	/* load, store, fill, check: the access must fault (SIGSEGV/SIGBUS) */
	SCN_F_FAULTS = 1 << 20,
	SCN_F_NR = 21,
};

/*
 * What `pagemap ADDR [LEN] == FLAGS` states of every page of the range:
 * /proc/self/pagemap's bits, and /proc/kpageflags' for the frame.
 */
enum {
	SCN_PM_PRESENT = 1 << 0, /* bit 63 */
	SCN_PM_SWAPPED = 1 << 1, /* bit 62 */
	SCN_PM_SOFT_DIRTY = 1 << 2, /* bit 55 */
	SCN_PM_EXCLUSIVE = 1 << 3, /* bit 56: PM_MMAP_EXCLUSIVE */
	SCN_PM_THP = 1 << 4, /* kpageflags KPF_THP: part of a large folio */
	SCN_PM_PMD = 1 << 5, /* mapped by a PMD (the model's view) */
	SCN_PM_ANON = 1 << 6, /* KPF_ANON */
	SCN_PM_KSM = 1 << 7, /* KPF_KSM */
	SCN_PM_ZERO = 1 << 8, /* KPF_ZERO_PAGE: the shared zero page */
	SCN_PM_NR = 9,
};

/* Protections (mprotect, mmap prot=): a set of these bits, 0 = none. */
enum { SCN_PROT_R = 1, SCN_PROT_W = 2, SCN_PROT_X = 4 };

enum scn_advice {
	SCN_MADV_NORMAL,
	SCN_MADV_RANDOM,
	SCN_MADV_SEQUENTIAL,
	SCN_MADV_WILLNEED,
	SCN_MADV_DONTNEED,
	SCN_MADV_FREE,
	SCN_MADV_REMOVE,
	SCN_MADV_DONTFORK,
	SCN_MADV_DOFORK,
	SCN_MADV_MERGEABLE,
	SCN_MADV_UNMERGEABLE,
	SCN_MADV_HUGEPAGE,
	SCN_MADV_NOHUGEPAGE,
	SCN_MADV_DONTDUMP,
	SCN_MADV_DODUMP,
	SCN_MADV_WIPEONFORK,
	SCN_MADV_KEEPONFORK,
	SCN_MADV_COLD,
	SCN_MADV_PAGEOUT,
	SCN_MADV_POPULATE_READ,
	SCN_MADV_POPULATE_WRITE,
	SCN_MADV_DONTNEED_LOCKED,
	SCN_MADV_COLLAPSE,
	SCN_MADV_NR,
};

enum scn_dir { SCN_TO_DEVICE, SCN_TO_SYSTEM };

/*
 * An address operand. For ops on memory it is region + offset; for
 * dma-read/dma-write it is pin handle + offset into the pinned range.
 */
struct scn_addr {
	int region; /* scenario.regions[] index, or -1 */
	int handle; /* scenario.handles[] index, or -1 */
	/*
	 * NAME@PROC: the mm of that process. -1: a user thread's own mm; for
	 * a kthread, the mm of the process that mapped the region.
	 */
	int proc;
	uint64_t off; /* bytes from the start */
};

struct scn_op {
	enum scn_op_kind kind;
	struct scn_pos pos; /* of the op keyword */
	int thread; /* scenario.threads[] index */
	/* the region/handle/process/signal it binds or names, or -1 */
	int name;
	struct scn_addr addr; /* valid for ops that take an address */
	uint64_t len; /* length or size (see the kind) */
	uint64_t len2; /* mremap: new size */
	uint64_t val; /* value stored / expected */
	bool has_val; /* load, dma-read: "== VAL" given */
	unsigned int flags; /* SCN_F_* */
	unsigned int prot; /* SCN_PROT_* (mprotect; mmap: default rw) */
	enum scn_advice advice; /* madvise */
	enum scn_dir to; /* device-migrate */
	int node; /* node=N, -1 if not given */
	uint64_t at; /* at=VADDR (mmap, mremap), 0 if not given */
	int file; /* scenario.files[] index (memfd, truncate, fallocate,
		     mmap file=), or -1 */
	int huge; /* memfd huge=: enum scn_shmem (0..3), -1: not given */
	unsigned int pm_set, pm_clear; /* pagemap: SCN_PM_* set / clear */
	int nr_spawn; /* spawn: thread indices */
	int *spawn;
	/*
	 * "repeat N:" ... "end": the parser writes the body N times. The
	 * body's first op of the first copy carries repeat = N and
	 * repeat_len = the body's ops; every op of copies 2..N has
	 * repeat_copy set (the dump prints the block once).
	 */
	unsigned int repeat;
	int repeat_len;
	bool repeat_copy;
	/* private: operand positions, for validation messages */
	struct scn_pos name_pos, addr_pos, len_pos, node_pos, at_pos;
};

/* ---- processes, threads and named objects ---- */

struct scn_proc {
	char *name;
	struct scn_pos pos; /* declaration, or first mention */
	int parent; /* forking process; -1: a root process */
	int fork_op; /* the fork op creating it, -1: root */
	int first_thread; /* initial thread, -1 if none declared */
	bool implicit; /* "init", created by a thread without "in" */
	bool declared; /* by a "process NAME" line */
	/* private: */
	struct scn_pos ref_pos; /* first mention */
};

struct scn_thread {
	char *name;
	struct scn_pos pos; /* of the header */
	bool kthread;
	int proc; /* -1 for kthreads */
	int first_op; /* its ops: ops[first_op .. + nr_ops) */
	int nr_ops;
	int spawn_op; /* -1: initial thread of its process */
};

struct scn_region {
	char *name;
	struct scn_pos pos; /* of the name in the binding op */
	int proc; /* the process that mapped it */
	int op; /* the mmap (or mremap as=) binding it */
	uint64_t size;
};

struct scn_handle {
	char *name;
	struct scn_pos pos;
	int op; /* the pin op */
	uint64_t len; /* pinned length */
};

/* A tmpfs file, created by one memfd op; global (any process maps it). */
struct scn_file {
	char *name;
	struct scn_pos pos; /* first mention */
	int op; /* the memfd op, -1 if none (an error) */
	uint64_t size; /* at creation */
};

/* A frame mark: pfn-mark NAME ADDR remembers the frame mapped there. */
struct scn_mark {
	char *name;
	struct scn_pos pos; /* first mention */
	int nr_set; /* pfn-mark ops naming it */
};

struct scn_signal {
	char *name;
	struct scn_pos pos; /* first mention */
	int nr_signal; /* signal ops naming it */
	int nr_wait; /* wait ops naming it */
};

enum scn_verdict {
	SCN_EXPECT_OK,
	SCN_EXPECT_VIOLATION,
	SCN_EXPECT_DEADLOCK,
	SCN_EXPECT_LIVELOCK
};

struct scn_expect {
	enum scn_verdict verdict;
	char *kind; /* violation kind, or NULL: any violation */
	struct scn_pos pos;
};

struct scenario {
	char *filename;
	struct scn_config config;
	struct scn_proc *procs;
	int nr_procs;
	struct scn_thread *threads; /* in source order */
	int nr_threads;
	struct scn_op *ops; /* grouped by thread, source order */
	int nr_ops;
	struct scn_region *regions;
	int nr_regions;
	struct scn_handle *handles;
	int nr_handles;
	struct scn_signal *signals;
	int nr_signals;
	struct scn_file *files;
	int nr_files;
	struct scn_mark *marks;
	int nr_marks;
	struct scn_expect expect;
};

/* ---- API ---- */

/*
 * scenario_parse - parse and validate @len bytes of @text (NUL bytes are
 * errors, not terminators). @filename is used in messages only (NULL:
 * "<input>"). Returns a scenario to free with scenario_free(), or NULL
 * with @err filled in (if @err is not NULL). Never aborts.
 */
struct scenario *scenario_parse(const char *text, size_t len,
				const char *filename,
				struct scenario_error *err);

/* scenario_load_file - read @path and parse it; I/O errors go to @err. */
struct scenario *scenario_load_file(const char *path,
				    struct scenario_error *err);

/* scenario_free - free @s and everything it owns. NULL is fine. */
void scenario_free(struct scenario *s);

/*
 * scenario_list_files - the scenario files (names ending in ".mms") of
 * directory @dir, as "@dir/NAME" paths sorted by strcmp, in a
 * NULL-terminated array; *@n (if @n is not NULL) counts them. A directory
 * that cannot be opened gives an empty list. Returns NULL only if host
 * memory runs out. Free with scenario_list_free().
 */
char **scenario_list_files(const char *dir, size_t *n);
void scenario_list_free(char **files);
/* The file name of @path: what follows its last '/'. */
const char *scenario_file_name(const char *path);

/*
 * scenario_dump - write @s in canonical form: parse(dump(s)) equals s
 * (scenario_equal). Returns 0, or -1 on a write error.
 */
int scenario_dump(const struct scenario *s, FILE *f);

/* scenario_dump_op - one op in canonical form, no newline. */
int scenario_dump_op(const struct scenario *s, const struct scn_op *op,
		     FILE *f);

/* scenario_dump_str - scenario_dump into a malloc'd string (NULL: ENOMEM). */
char *scenario_dump_str(const struct scenario *s);

/* scenario_equal - same scenario, ignoring source positions and filename. */
bool scenario_equal(const struct scenario *a, const struct scenario *b);

/* Names: op keyword ("dma-write"), advice ("dontneed"), verdict ("ok"). */
const char *scenario_op_name(enum scn_op_kind kind);
const char *scenario_advice_name(enum scn_advice advice);
const char *scenario_verdict_name(enum scn_verdict v);

/* The words of pagemap flags, indexed by bit number of SCN_PM_*. */
extern const char *const scenario_pagemap_flags[SCN_PM_NR];

/* Known violation kinds for "expect violation KIND", NULL-terminated. */
extern const char *const scenario_violation_kinds[];

/* ---- accessors ---- */

static inline const struct scn_thread *scenario_thread(const struct scenario *s,
						       int i)
{
	return i >= 0 && i < s->nr_threads ? &s->threads[i] : NULL;
}

/* scenario_thread_op - the @i-th op of thread @t, or NULL past its end. */
static inline const struct scn_op *
scenario_thread_op(const struct scenario *s, const struct scn_thread *t, int i)
{
	return i >= 0 && i < t->nr_ops ? &s->ops[t->first_op + i] : NULL;
}

static inline const struct scn_proc *scenario_proc(const struct scenario *s,
						   int i)
{
	return i >= 0 && i < s->nr_procs ? &s->procs[i] : NULL;
}

static inline const struct scn_region *scenario_region(const struct scenario *s,
						       int i)
{
	return i >= 0 && i < s->nr_regions ? &s->regions[i] : NULL;
}

static inline const struct scn_handle *scenario_handle(const struct scenario *s,
						       int i)
{
	return i >= 0 && i < s->nr_handles ? &s->handles[i] : NULL;
}

static inline const struct scn_signal *scenario_signal(const struct scenario *s,
						       int i)
{
	return i >= 0 && i < s->nr_signals ? &s->signals[i] : NULL;
}

#endif /* SCENARIO_SCENARIO_H */
