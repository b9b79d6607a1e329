/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check/describe.h - a page-by-page picture of an address range in mm
 * vocabulary, for reports: none / present (pfn, W D A, protnone) /
 * migration (readable, readable-exclusive, writable) / swap /
 * device-private / PMD-huge, and the folio behind it (refcount, mapcount,
 * pins, PG_anon_exclusive, locked). Reads the tables without locks or
 * yield points: call it between executions or from a report.
 */
#ifndef CHECK_DESCRIBE_H
#define CHECK_DESCRIBE_H

#include <stdio.h>

struct mm_struct;

/* Describe [@start, @end) of @mm on @out, runs of empty pages folded. */
void describe_range(struct mm_struct *mm, unsigned long start,
		    unsigned long end, FILE *out);

#endif /* CHECK_DESCRIBE_H */

/* ---- page states for stories (explore/story.c) ---- */

#include <stdbool.h>
#include <stdint.h>

/* What a page-state entry is: a PTE, a leaf (or non-present) PMD, a PMD
 * pointing to a PTE table, a PUD entry or a PGD entry (those two always
 * point to a table: the model has no 1 GiB pages). */
enum pstate_level { PSTATE_PTE, PSTATE_PMD, PSTATE_TABLE, PSTATE_PUD,
		    PSTATE_PGD };

/* One non-empty table entry of an mm. */
struct pstate_entry {
	struct mm_struct *mm;
	unsigned long va;		/* page (or 2 MiB) address */
	uint8_t level;			/* enum pstate_level */
	uintptr_t slot;			/* host address of the entry */
	uintptr_t table;		/* host address of the table's struct page */
	unsigned long val;		/* the raw entry */
	unsigned long pfn;		/* folio behind it (head), ~0UL if none */
};

/* A folio's bookkeeping at one moment. */
struct pstate_folio {
	unsigned long pfn;		/* head */
	unsigned int order;
	int ref, map, pin;		/* pin: -1 when not counted apart */
	unsigned long flags;		/* the head's PG_* bits */
	bool anon_excl;			/* PG_anon_exclusive of the head page */
};

/*
 * describe_walk - call @fn for every non-empty entry of @mm's tables (PGD,
 * PUD, PTE, leaf or swap PMD, and PMDs pointing to tables), in address
 * order, each table's entry before the entries of the table it points to.
 * Reads
 * plain values: no yield point, no lock, so a trace hook may call it.
 */
void describe_walk(struct mm_struct *mm,
		   void (*fn)(void *ctx, const struct pstate_entry *e),
		   void *ctx);
/* The entry's mapping as the kernel names it ("present RW A D excl",
 * "migration entry (writable)", "PMD-mapped RO", "page table 0x12"). */
void describe_entry_state(const struct pstate_entry *e, char *buf,
			  size_t len);
/* The folio state of the folio at @pfn (its head); false if @pfn is not
 * a folio (a page table, a free page). No yield point. */
bool describe_folio_state(unsigned long pfn, struct pstate_folio *f);
/* "ref 2 map 1 pin 0 locked anon-excl dirty swapcache" */
void describe_folio_text(const struct pstate_folio *f, char *buf,
			 size_t len);
/* Folio head pfn of the struct page at host address @addr, ~0UL if
 * @addr is not inside mem_map (or is a page table's). No yield point. */
unsigned long describe_struct_page_pfn(uintptr_t addr);
