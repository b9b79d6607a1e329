/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check/oracle.h - the value oracle: what a load may return, from what the
 * simulated programs did and nothing else.
 *
 * It never reads model internals. It knows processes (fork takes a
 * snapshot), 8-byte-word stores and loads as intervals of time (begin ..
 * end, since a store may fault and retry before it lands), ranges that are
 * zapped (MADV_DONTNEED: reads give zero afterwards) or unmapped, and DMA
 * writes through a pin (a store by the pinning process).
 *
 * What a load of word @va in process @p may return: the values @p's memory
 * could hold when the load began (one value normally; several after a fork
 * raced with stores), plus the value of every store to @va by @p that
 * overlapped the load in time. Memory never written reads zero.
 *
 * All state lives in the per-execution arena: call oracle_reset() at the
 * start of every execution.
 */
#ifndef CHECK_ORACLE_H
#define CHECK_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ORACLE_MAX_PROCS 32

/* Forget everything; process 0 does not exist yet. */
void oracle_reset(void);
/* A new process with all memory zero. Returns its id (>= 0) or -1. */
int oracle_process_new(void);

/*
 * fork: the child's memory is the parent's at some instant between
 * begin and end; stores by the parent racing with the fork may or may not
 * be in the child. Returns the child's id or -1.
 */
int oracle_fork_begin(int parent);
void oracle_fork_end(int parent, int child);

/*
 * A store of @val to every 8-byte word in [@va, @va + @len) by process @p
 * (a plain store: len 8; fill: a range; a DMA write through a pin; a zap:
 * val 0). Returns a handle for oracle_store_end().
 */
int oracle_store_begin(int p, unsigned long va, unsigned long len,
		       uint64_t val);
void oracle_store_end(int handle);

/* A load by @p of the word at @va. Returns a handle for oracle_load_end. */
int oracle_load_begin(int p, unsigned long va);
/*
 * oracle_load_end - was @got a value the load could return? If not, @why
 * gets a sentence naming the allowed values.
 */
bool oracle_load_end(int handle, uint64_t got, char *why, size_t whylen);

/*
 * The range is gone from @p (munmap, exit): a later mapping there starts
 * from zero. (Loads of an unmapped range fault; the runner reports that.)
 */
void oracle_unmap(int p, unsigned long va, unsigned long len);

/* Imprecision counters: value sets that overflowed (every value allowed). */
unsigned long oracle_overflows(void);

#endif /* CHECK_ORACLE_H */
