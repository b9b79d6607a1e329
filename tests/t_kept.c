// SPDX-License-Identifier: GPL-2.0
/*
 * t_kept - sim_zkept (sim/common.c): a kept buffer is handed out all
 * zero every time, whatever the last execution wrote into it and
 * wherever (first byte, last byte, a block boundary, beyond the part a
 * smaller request covered), and keeps its place while its size allows.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "tap.h"

static size_t nonzero(const unsigned char *p, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += p[i] != 0;
	return bad;
}

int main(void)
{
	const size_t sizes[] = { 4096, 32768, 100, 32768, 40000, 511, 40000 };
	const size_t spots[] = { 0, 1, 511, 512, 513, 4095, 4096, 32767,
				 39999 };
	unsigned long rng = 12345;
	size_t bad = 0, moved = 0;
	unsigned char *prev = NULL;
	size_t largest = 0;

	sim_init();
	plan(3);
	for (int round = 0; round < 200; round++) {
		struct sim_config cfg = { 0 };
		size_t n = sizes[round % 7];
		unsigned char *p;

		sim_exec_begin(&cfg);
		p = sim_zkept(SIM_KEPT_SWAP_CACHE, n);
		bad += nonzero(p, n);
		if (prev && p != prev && n <= largest)
			moved++;
		prev = p;
		largest = n > largest ? n : largest;
		/* what an execution (or a model bug) may leave behind */
		for (size_t k = 0; k < sizeof(spots) / sizeof(spots[0]); k++)
			if (spots[k] < n)
				p[spots[k]] = 0xa5;
		for (int k = 0; k < 4; k++) {
			rng = rng * 6364136223846793005UL + 1;
			p[(rng >> 33) % n] = (unsigned char)(rng >> 20) | 1;
		}
	}
	ok(!bad, "every buffer handed out is all zero, after writes anywhere "
	   "in the last one (%zu bytes were not)", bad);
	ok(!moved, "the buffer keeps its place while it is large enough");
	{
		unsigned char *a = sim_zkept(SIM_KEPT_SWAP_MAP, 8192);
		unsigned char *b = sim_zkept(SIM_KEPT_SWAP_CACHE, 8192);

		memset(a, 0xff, 8192);
		ok(a != b && !nonzero(b, 8192),
		   "two keys are two buffers: writing one leaves the other "
		   "zero");
	}
	return done_testing();
}
