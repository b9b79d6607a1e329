/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explore/story.h - a failing execution told the way a kernel developer
 * thinks about it: per step the task, the scenario op it runs, the kernel
 * function that acted and its race window, and what changed in the page
 * tables and folios (explore/story.c). The same record draws the picture
 * (explore/svg.c).
 */
#ifndef EXPLORE_STORY_H
#define EXPLORE_STORY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "check/describe.h"
#include "explore/program.h"
#include "sim/sim.h"

#define STORY_CHAIN 8

/* One event of the execution, with what the story knows about it. */
struct story_ev {
	uint32_t step;
	uint8_t task, kind, kind2;
	uintptr_t addr, addr2;
	const struct sim_site *site;
	const char *op;		/* the task's scenario op then, or NULL */
	const char *chain[STORY_CHAIN];	/* callers, outermost first, then
					 * the site's function */
	uint8_t nchain;
	int obj1, obj2;		/* story objects of addr, addr2; -1 none */
	int ch0, nch;		/* changes its access made: ch[ch0..+nch) */
	int writer;		/* read: the other task's write it saw, -1 */
	char *seen;		/* read of an object: its state then */
	bool saw_none;		/* read an empty entry (a walk that missed) */
	int preempt;		/* > 0: preemption number before this event */
	bool done;		/* the access was performed (task went on) */
	int at;			/* event before which it was performed: the
				 * task's next one (itself if none) */
	bool rel;		/* in the slice */
	int num;		/* story step number; 0: summarised */
};

enum story_obj_type { SO_ENTRY, SO_FOLIO, SO_TABLE };

/* A page-table entry (PGD, PUD, PMD or PTE), a folio or a page table
 * followed over time. */
struct story_obj {
	uint8_t type;
	uint8_t level;		/* SO_ENTRY: enum pstate_level now */
	struct mm_struct *mm;
	int mm_id;
	unsigned long va;	/* SO_ENTRY */
	uintptr_t slot;		/* SO_ENTRY: host address of the entry */
	unsigned long pfn;	/* SO_ENTRY: folio now; else its own pfn */
	unsigned long val;	/* SO_ENTRY: raw entry now */
	struct pstate_folio f;	/* SO_FOLIO: state now */
	bool valid;		/* SO_FOLIO: f describes a folio now */
	char proc[24], where[48];
	unsigned long pfns[8];	/* SO_ENTRY: folios it pointed to */
	int nr_pfns;
	unsigned gen;		/* last snapshot it was seen in */
	char *first;		/* state when first seen */
	int first_ev;		/* event it was first seen at */
	bool involved;
};

struct story_change {
	int ev, obj;
	char *before, *after;
};

struct story {
	const struct mmsim_program *p;
	char *schedule;
	struct sim_result res;
	int preempts;
	struct story_ev *ev;
	int nr_ev, cap_ev;
	struct story_obj *obj;
	int nr_obj, cap_obj;
	struct story_change *ch;
	int nr_ch, cap_ch;
	int viol;		/* the violating event, -1 none */
	int nr_steps;		/* story steps numbered */
	int *order;		/* the steps' events, in the order their
				 * accesses were performed */
	int nr_tasks;
	char task_name[SIM_MAX_TASKS][24];
	bool truncated;		/* more events than STORY_MAX_EVENTS */
	bool no_pages;		/* no page involved: sliced to the shared
				 * addresses instead */
};

/*
 * story_build - replay @schedule of @p with a trace hook that records
 * every event and every change of page-table entries and folios, then
 * slice it to what the violation depends on. NULL if out of memory.
 */
struct story *story_build(const struct mmsim_program *p,
			  const char *schedule);
void story_free(struct story *s);
/* The numbered story, then the page-state timelines. */
void story_print(FILE *out, const struct story *s);
/* Only the numbered story (the part docs/bugs.md quotes). */
void story_print_steps(FILE *out, const struct story *s);
/* Only the page-state timelines. */
void story_print_pages(FILE *out, const struct story *s);
/* "PTE of parent:A+0x2000", "folio 0x6", "PTL of page table 0x12" */
void story_obj_name(const struct story *s, int obj, char *buf, size_t len);
/* The function and race-window label of event @i, "do_wp_page
 * [wp_page_reuse:after]"; the label is left out when it only repeats the
 * function's name. */
void story_ev_what(const struct story *s, int i, char *buf, size_t len);

/* The story as one SVG picture (explore/svg.c). 0 on success. */
int story_svg(FILE *out, const struct story *s);

#endif /* EXPLORE_STORY_H */
