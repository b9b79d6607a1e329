// SPDX-License-Identifier: GPL-2.0
/*
 * t_oracle - the value oracle accepts exactly what user-visible semantics
 * allow, and rejects a lost store. No model code is involved: the oracle is
 * fed the user-level events directly, as the scenario runner does. Each
 * rule of check/oracle.h (R1-R5) is tested both ways: the kernel-allowed
 * outcome is accepted, an outcome the kernel cannot have is rejected.
 * Then the cost: 1 MiB of words checked and a thousand processes, which
 * the old fixed tables refused (4,096 accesses, 32 processes). < 1 s.
 */
#include <time.h>

#include "check/oracle.h"
#include "sim/sim.h"
#include "tap.h"

static bool load(int p, unsigned long va, uint64_t got)
{
	char why[256];
	struct oracle_op *h = oracle_load_begin(p, va);
	bool r = oracle_load_end(h, got, why, sizeof(why));

	if (!r)
		diag("%s", why);
	return r;
}

static void store(int p, unsigned long va, uint64_t v)
{
	oracle_end(oracle_store_begin(p, va, 8, v));
}

/* R2: a fill or a zap racing a store; a store that did not race. */
static void test_racing_writes(void)
{
	int p;
	struct oracle_op *f, *h;

	oracle_reset();
	p = oracle_process_new();
	f = oracle_store_begin(p, 0x10000, 0x3000, 0x11);	/* fill */
	h = oracle_store_begin(p, 0x10000, 8, 0x22);
	oracle_end(h);
	oracle_end(f);
	ok(load(p, 0x10000, 0x22) && load(p, 0x10000, 0x11),
	   "R2: a store racing a fill may land before or after the fill's "
	   "word");
	ok(!load(p, 0x10000, 0) && load(p, 0x12000, 0x11) &&
	   !load(p, 0x12000, 0x22),
	   "R2: ... and nothing else; other words hold the fill");
	store(p, 0x10000, 0x33);
	f = oracle_store_begin(p, 0x10000, 0x3000, 0x44);
	oracle_end(f);
	ok(!load(p, 0x10000, 0x33),
	   "R2: a store that ended before the fill began is overwritten");

	store(p, 0x20000, 0x55);
	f = oracle_zap_begin(p, 0x20000, 0x1000);
	h = oracle_store_begin(p, 0x20000, 8, 0x66);
	oracle_end(f);
	oracle_end(h);
	ok(load(p, 0x20000, 0) && load(p, 0x20000, 0x66) &&
	   !load(p, 0x20000, 0x55),
	   "R2: a store racing MADV_DONTNEED survives or is zapped; the old "
	   "value is gone");
	f = oracle_zap_begin(p, 0x20000, 0x1000);
	oracle_end(f);
	ok(!load(p, 0x20000, 0x66), "R2: a zap after the store reads zero");
}

/* R3: VM_WIPEONFORK. */
static void test_wipeonfork(void)
{
	int p, c, g;
	struct oracle_op *w;

	oracle_reset();
	p = oracle_process_new();
	store(p, 0x1000, 0x11);
	store(p, 0x2000, 0x22);
	oracle_end(oracle_wipeonfork_begin(p, 0x2000, 0x1000, true));
	c = oracle_fork_begin(p);
	oracle_fork_end(p, c);
	ok(load(c, 0x2000, 0) && !load(c, 0x2000, 0x22),
	   "R3: the child reads zero in a wipe-on-fork range, never the "
	   "parent's value");
	ok(load(c, 0x1000, 0x11) && !load(c, 0x1000, 0),
	   "R3: ... and the parent's value elsewhere");
	ok(load(p, 0x2000, 0x22), "R3: the parent keeps its memory");
	store(c, 0x2000, 0x33);
	g = oracle_fork_begin(c);
	oracle_fork_end(c, g);
	ok(load(g, 0x2000, 0) && !load(g, 0x2000, 0x33),
	   "R3: the child keeps VM_WIPEONFORK: a grandchild is wiped too");
	oracle_end(oracle_wipeonfork_begin(p, 0x2000, 0x1000, false));
	c = oracle_fork_begin(p);
	oracle_fork_end(p, c);
	ok(load(c, 0x2000, 0x22) && !load(c, 0x2000, 0),
	   "R3: after keeponfork the range is copied");
	w = oracle_wipeonfork_begin(p, 0x2000, 0x1000, true);
	c = oracle_fork_begin(p);
	oracle_end(w);
	oracle_fork_end(p, c);
	ok(load(c, 0x2000, 0x22) && load(c, 0x2000, 0) &&
	   !load(c, 0x2000, 0x33),
	   "R3: a wipeonfork racing the fork: wiped or copied");
}

/* R4: which pins may be left on the shared zero page. */
static void test_zero_page_pins(void)
{
	int p;
	bool zero[2];
	struct oracle_op *o, *z;

	oracle_reset();
	p = oracle_process_new();
	store(p, 0x2000, 0x11);
	o = oracle_pin_begin(p, 0x1000, 2);
	oracle_pin_end(o, zero);
	ok(zero[0] && !zero[1],
	   "R4: a never-written page may be the zero page, a written one "
	   "may not");
	store(p, 0x1ff8, 0);
	o = oracle_pin_begin(p, 0x1000, 1);
	oracle_pin_end(o, zero);
	ok(!zero[0], "R4: a store of 0 populates the page too");
	oracle_end(oracle_zap_begin(p, 0x1000, 0x2000));
	o = oracle_pin_begin(p, 0x1000, 2);
	oracle_pin_end(o, zero);
	ok(zero[0] && zero[1], "R4: after MADV_DONTNEED a page may be the "
			       "zero page again");
	store(p, 0x1000, 0x22);
	o = oracle_pin_begin(p, 0x1000, 1);
	z = oracle_zap_begin(p, 0x1000, 0x1000);
	oracle_end(z);
	oracle_pin_end(o, zero);
	ok(zero[0], "R4: a zap racing the pin: GUP may fault in the zero "
		    "page after it");
}

/* R5: ghosts. */
static void test_ghosts(void)
{
	int p, g;
	struct oracle_op *h;

	oracle_reset();
	p = oracle_process_new();
	store(p, 0x1000, 0x11);
	store(p, 0x5000, 0x55);
	g = oracle_ghost_begin(p, 0x1000, 0x1000);
	h = oracle_store_begin(p, 0x1008, 8, 0x22);
	oracle_end(oracle_zap_begin(p, 0x1000, 0x1000));
	oracle_ghost_end(p, g);
	oracle_end(h);
	ok(load(g, 0x1000, 0x11) && !load(g, 0x1000, 0),
	   "R5: a ghost keeps the discarded page's contents (the zap does "
	   "not reach it)");
	ok(load(g, 0x1008, 0x22) && load(g, 0x1008, 0),
	   "R5: a store racing the discard may be in the ghost or not");
	store(p, 0x1000, 0x33);
	ok(!load(g, 0x1000, 0x33) && load(p, 0x1000, 0x33),
	   "R5: the process's later stores do not reach the ghost");
	store(g, 0x1000, 0x44);
	ok(!load(p, 0x1000, 0x44), "R5: DMA into the ghost does not reach "
				   "the process");
	ok(load(g, 0x5000, 0), "R5: a ghost holds only its range");
}

/* mremap racing a store to the moved range through the old address. */
static void test_move_race(void)
{
	int p;
	struct oracle_op *h;

	oracle_reset();
	p = oracle_process_new();
	store(p, 0x1000, 0x11);
	h = oracle_store_begin(p, 0x1000, 8, 0x22);
	oracle_move(p, 0x1000, 0x9000, 0x1000);
	oracle_end(h);
	ok(load(p, 0x9000, 0x11) && load(p, 0x9000, 0x22) &&
	   !load(p, 0x9000, 0x33),
	   "a store racing mremap may have moved with the page or not");
	ok(load(p, 0x1000, 0x22) && load(p, 0x1000, 0),
	   "... and may have hit the old (MREMAP_DONTUNMAP) range or not");
	store(p, 0x2000, 0x44);
	oracle_move(p, 0x2000, 0xa000, 0x1000);
	ok(!load(p, 0xa000, 0) && !load(p, 0x2000, 0x44),
	   "an mremap nothing raced moves exactly the values");
}

/* Cost: proportional to what is in flight, no fixed tables. */
static void test_cost(void)
{
	int p, last = -1;
	bool all = true;
	clock_t t0 = clock();
	double secs;

	oracle_reset();
	p = oracle_process_new();
	oracle_end(oracle_store_begin(p, 0x100000, 1UL << 20, 0x77));
	for (unsigned long va = 0x100000; va < 0x200000; va += 8)
		all &= load(p, va, 0x77);
	for (int i = 0; i < 1000; i++)
		store(p, 0x400000 + 8UL * i, i);
	for (int i = 0; i < 1000; i++)
		all &= load(p, 0x400000 + 8UL * i, i);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	ok(all && secs < 5, "1 MiB of loads and 2,000 single-word accesses "
			    "in one execution: no limit (%.2fs)", secs);
	for (int i = 0; i < 1000; i++) {
		last = oracle_ghost_begin(p, 0x400000, 0x1000);
		oracle_ghost_end(p, last);
	}
	ok(last >= 1000 && load(last, 0x400008, 1),
	   "a thousand snapshots (ghost pins): no process limit");
}

int main(void)
{
	int p, c;
	struct oracle_op *h, *l;

	plan(44);
	sim_exec_begin(NULL);
	oracle_reset();
	p = oracle_process_new();
	ok(load(p, 0x1000, 0), "Never-written memory reads zero");
	ok(!load(p, 0x1000, 5), "A value nobody stored is rejected");
	store(p, 0x1000, 0x55);
	ok(load(p, 0x1000, 0x55), "A load returns the last store");
	ok(!load(p, 0x1000, 0), "A lost store (old value) is rejected");
	oracle_end(oracle_store_begin(p, 0x200000, 0x200000, 0x11));
	ok(load(p, 0x3ffff8, 0x11) && load(p, 0x1000, 0x55),
	   "fill covers its range and leaves others alone");

	/* a load overlapping a store may see either value */
	l = oracle_load_begin(p, 0x1000);
	h = oracle_store_begin(p, 0x1000, 8, 0x66);
	ok(oracle_load_end(l, 0x55, NULL, 0), "A racing load may see the old "
					      "value");
	l = oracle_load_begin(p, 0x1000);
	ok(oracle_load_end(l, 0x66, NULL, 0), "... or the new one");
	oracle_end(h);
	ok(!load(p, 0x1000, 0x55), "Once the store is done only it is seen");

	/* a FOLL_GET DMA write: the word may or may not show it */
	oracle_end(oracle_maybe_store_begin(p, 0x1000, 8, 0x99));
	ok(load(p, 0x1000, 0x66) && load(p, 0x1000, 0x99) &&
	   !load(p, 0x1000, 0x55),
	   "A maybe-store adds its value to what the word may hold");
	store(p, 0x1000, 0x66);
	ok(!load(p, 0x1000, 0x99), "... until the process stores again");

	/* a store that faulted (SIGBUS past a racing truncate's EOF) */
	h = oracle_store_begin(p, 0x1000, 8, 0x88);
	l = oracle_load_begin(p, 0x1000);
	ok(oracle_load_end(l, 0x88, NULL, 0),
	   "A load racing a store that will fault may see its value");
	oracle_cancel(h);
	ok(load(p, 0x1000, 0x66) && !load(p, 0x1000, 0x88),
	   "A store cancelled (it faulted) leaves the word as it was");
	h = oracle_store_begin(p, 0x1000, 8, 0x89);
	oracle_cancel(h);
	store(p, 0x1000, 0x66);
	ok(!load(p, 0x1000, 0x89), "... and a later store is not raced by it");

	/* fork: snapshot, racing stores land on either side */
	c = oracle_fork_begin(p);
	h = oracle_store_begin(p, 0x2000, 8, 0x77);
	oracle_fork_end(p, c);
	oracle_end(h);
	ok(load(c, 0x1000, 0x66), "The child sees the parent's memory");
	ok(load(c, 0x2000, 0) && load(c, 0x2000, 0x77),
	   "A store racing with fork may or may not reach the child");
	store(p, 0x1000, 0x99);
	ok(!load(c, 0x1000, 0x99) && load(c, 0x1000, 0x66),
	   "No leak from parent into child after fork");
	store(c, 0x1000, 0xaa);
	ok(load(p, 0x1000, 0x99), "No leak from child into parent");

	store(p, 0x5000, 0xbb);
	oracle_move(p, 0x5000, 0x9000, 0x1000);
	ok(load(p, 0x9000, 0xbb) && load(p, 0x5000, 0),
	   "mremap moves the values and leaves the old range empty");
	oracle_unmap(p, 0x200000, 0x200000);
	ok(load(p, 0x200000, 0), "A range mapped again after munmap reads "
				  "zero");
	test_racing_writes();
	test_wipeonfork();
	test_zero_page_pins();
	test_ghosts();
	test_move_race();
	test_cost();
	return done_testing();
}
