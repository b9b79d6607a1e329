/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check/oracle.h - the value oracle: what a load may return, from what the
 * simulated programs did and nothing else.
 *
 * It never reads model internals. It knows processes (fork takes a
 * snapshot), 8-byte-word stores and loads as intervals of time (begin ..
 * end: the access happens at one instant in between, after any fault and
 * retry), ranges that are zapped (MADV_DONTNEED: the next touch gets a
 * fresh zero page) or unmapped, VM_WIPEONFORK ranges, and pins.
 *
 * The rules, each with the kernel behaviour it encodes
 * (docs/scenario-language.md section 12 lists them for users):
 *
 *  R1 A load of word @va in process @p may return what @p's memory could
 *     hold when the load began, or the value of any store or zap of @va by
 *     @p that overlapped the load in time. Memory never written reads 0
 *     (anonymous memory is zero-filled: do_anonymous_page maps the zero
 *     page or a zeroed folio).
 *  R2 When a store or a zap ends, the word holds its value - or the value
 *     of any store or zap of the same word that ended earlier but
 *     overlapped it in time, since that one may have landed later. This is
 *     a fill racing a store (a fill is a store of every word, each at its
 *     own instant: the kernel gives user memset no atomicity) and a store
 *     racing MADV_DONTNEED (the store may fault in a new page after the
 *     zap, or land in the old page before it).
 *  R3 fork: the child's memory is the parent's at one instant of dup_mmap;
 *     a store by the parent in flight during the fork may or may not be in
 *     the child. A range with VM_WIPEONFORK reads zero in the child:
 *     dup_mmap (kernel/fork.c) skips copy_page_range for it and the child's
 *     VMA keeps the flag; a `madvise wipeonfork/keeponfork` overlapping the
 *     fork in time makes the range zero or copied.
 *  R4 A short-term read-only FOLL_PIN of a page that may still be the
 *     shared zero page (no store to it has surely landed since it was
 *     mapped or zapped) may keep reading zero after the process writes:
 *     gup_must_unshare (mm/internal.h) unshares non-anonymous pages (the
 *     zero page) only for FOLL_LONGTERM ("R/O short-term pinning does not
 *     have the semantics to observe successive changes"). Anonymous pages
 *     are unshared for every R/O FOLL_PIN, so such pins stay coherent.
 *  R5 A pinned page the process no longer maps (munmap, MADV_DONTNEED,
 *     exit, exec, the tail mremap cut off) is a "ghost": judged against a
 *     snapshot of the process's memory taken over the op that unmapped it
 *     (oracle_ghost_begin .. end), which only the device changes. After
 *     the user discarded the range, the kernel keeps the pinned page alive
 *     for the device and gives the process a fresh page: nothing keeps the
 *     two coherent.
 *  R8 MADV_FREE (lazyfree): until a word is written again, it may read
 *     its old value or zero - reclaim may discard a clean lazyfree folio
 *     at any time (try_to_unmap_one drops it; the next touch faults in a
 *     zero page), while a folio written again is dirty and kept. A store
 *     after the MADV_FREE makes the word hold only the new value; a store
 *     racing it may be followed by zero (R2 with the MADV_FREE as a zap
 *     of value zero that keeps the old values too).
 *
 * Cost: a process's memory is a sorted list of segments of equal
 * knowledge; ops stay in a log only while an op still in flight began
 * before they ended, so memory and time grow with what is in flight and
 * with the number of distinct segments, not with the number of accesses.
 *
 * All state lives in the per-execution arena: call oracle_reset() at the
 * start of every execution.
 */
#ifndef CHECK_ORACLE_H
#define CHECK_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An access or change in flight (private). */
struct oracle_op;

/* Forget everything; process 0 does not exist yet. */
void oracle_reset(void);
/* A new process with all memory zero. Returns its id (>= 0). */
int oracle_process_new(void);

/*
 * fork (R3): the child's memory is the parent's at some instant between
 * begin and end. Returns the child's id.
 */
int oracle_fork_begin(int parent);
void oracle_fork_end(int parent, int child);

/*
 * A ghost (R5): a snapshot of [@va, @va + @len) of @p taken at some instant
 * between begin and end (the op that unmaps the range runs in between).
 * Returns the snapshot's process id; only DMA through ghost pins reaches
 * it. No wipe-on-fork applies.
 */
int oracle_ghost_begin(int p, unsigned long va, unsigned long len);
void oracle_ghost_end(int p, int ghost);

/*
 * A store of @val to every 8-byte word in [@va, @va + @len) by process @p
 * (a plain store: len 8; fill: a range; a DMA write through a pin).
 * End it with oracle_end().
 */
struct oracle_op *oracle_store_begin(int p, unsigned long va,
				     unsigned long len, uint64_t val);
/*
 * A store of @val to [@va, @va + @len) of @p that may or may not reach
 * @p's memory: a device's write through a FOLL_GET reference (the kernel
 * promises nothing about which page it lands in). Each word may hold its
 * old values or @val afterwards. End it with oracle_end().
 */
struct oracle_op *oracle_maybe_store_begin(int p, unsigned long va,
					   unsigned long len, uint64_t val);
/* MADV_DONTNEED of [@va, @va + @len): the range reads zero afterwards. */
struct oracle_op *oracle_zap_begin(int p, unsigned long va,
				   unsigned long len);
/* MADV_FREE of the range (R8). End it with oracle_end(). */
struct oracle_op *oracle_free_begin(int p, unsigned long va,
				    unsigned long len);
/* madvise wipeonfork (@on) or keeponfork (!@on) of the range (R3). */
struct oracle_op *oracle_wipeonfork_begin(int p, unsigned long va,
					  unsigned long len, bool on);
/* The store, zap or madvise is done. NULL is ignored. */
void oracle_end(struct oracle_op *op);
/*
 * The store @op wrote nothing: it faulted (SIGBUS past an EOF a racing
 * truncate set). It ends as if it had never begun; while in flight, loads
 * were allowed its value (they could not tell). NULL is ignored.
 */
void oracle_cancel(struct oracle_op *op);

/* A load by @p of the word at @va. End it with oracle_load_end(). */
struct oracle_op *oracle_load_begin(int p, unsigned long va);
/*
 * oracle_load_end - was @got a value the load could return (R1)? If not,
 * @why gets a sentence naming the allowed values. NULL @op: true.
 */
bool oracle_load_end(struct oracle_op *op, uint64_t got, char *why,
		     size_t whylen);
/*
 * oracle_format_vals - @vals as the reports name them ("0x1, 0x2 or
 * 0x3") into @s (@n bytes, NUL-terminated): the values a word could hold.
 */
void oracle_format_vals(char *s, size_t n, int nvals, const uint64_t *vals);

/*
 * A short-term read-only FOLL_PIN of the @npages pages from page-aligned
 * @va (R4). At the end, @zero[i] says whether page i may be the shared
 * zero page: DMA reads through it may then also return 0.
 */
struct oracle_op *oracle_pin_begin(int p, unsigned long va, int npages);
void oracle_pin_end(struct oracle_op *op, bool *zero);

/*
 * The range is gone from @p (munmap, exit): a later mapping there starts
 * from zero. (Loads of an unmapped range fault; the runner reports that.)
 */
void oracle_unmap(int p, unsigned long va, unsigned long len);

/*
 * mremap moved [@from, @from + @len) of @p to @to: the values (and the
 * VM_WIPEONFORK flag) go with it, the old range is unmapped. A store or
 * zap of the old range still in flight may have landed before the move:
 * its value may be at the new place too. (Call it with nothing between
 * the kernel's mmap_write_unlock and it: then every op ended before it
 * took effect before the move, every op ending after it, after.)
 */
void oracle_move(int p, unsigned long from, unsigned long to,
		 unsigned long len);

/*
 * oracle_for_each_written - with no op in flight (the end of an
 * execution): the ranges of @p's memory that a store, fill, zap or DMA
 * write changed, in address order, each with the values every word in it
 * may hold - exactly what a load of one of its words may return (R1).
 * @fn(@ctx, start, end, nvals, vals) for each, [start, end), until it
 * returns false. Ranges never written (they read zero) and ranges whose
 * values overflowed (anything goes) are left out. Returns false, calling
 * nothing, when an op is still in flight.
 */
bool oracle_for_each_written(int p,
			     bool (*fn)(void *ctx, unsigned long start,
					unsigned long end, int nvals,
					const uint64_t *vals),
			     void *ctx);

/* Imprecision counters: value sets that overflowed (every value allowed). */
unsigned long oracle_overflows(void);

#endif /* CHECK_ORACLE_H */
