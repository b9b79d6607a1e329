// SPDX-License-Identifier: GPL-2.0
/*
 * t_oracle - the value oracle accepts exactly what user-visible semantics
 * allow, and rejects a lost store. No model code is involved: the oracle is
 * fed the user-level events directly, as the scenario runner will.
 */
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

int main(void)
{
	int p, c;
	struct oracle_op *h, *l;

	plan(14);
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
	return done_testing();
}
