// SPDX-License-Identifier: GPL-2.0
/*
 * bench_mprotect - mprotect R/O then R/W of 64 MiB of populated private
 * anon memory (base pages: MADV_NOHUGEPAGE on both sides), in the model
 * (controlled mode, one task) and on the host kernel in the same run;
 * medians of 7 rounds:
 *   mprotect_model_64m   one R/O + R/W round in the model (ms)
 *   mprotect_host_64m    the same round on the host kernel (ms)
 *   mprotect_model_vs_host  model time / host time (x)
 *   mprotect_model_pte   model cost per PTE changed (ns)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#undef MAP_GROWSDOWN	/* the model spells it 0x0100 */
#include "bench/bench.h"
#include "gup.h"

#define REPS	7
#define LEN	(64UL << 20)

static double model_ms[REPS];
static int model_failed;

static void model_task(void *arg)
{
	struct mm_struct *mm = mm_alloc();
	unsigned long a;

	mm_task_bind(mm);
	a = vm_mmap(mm, 0, LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, 0);
	do_madvise(mm, a, LEN, MADV_NOHUGEPAGE);
	for (unsigned long off = 0; off < LEN; off += PAGE_SIZE)
		model_failed |= mm_user_store(mm, a + off, off);
	for (int r = 0; r < REPS; r++) {
		double t0 = bench_now();

		model_failed |= do_mprotect_pkey(mm, a, LEN, PROT_READ, -1);
		model_failed |= do_mprotect_pkey(mm, a, LEN,
						 PROT_READ | PROT_WRITE, -1);
		model_ms[r] = (bench_now() - t0) * 1e3;
	}
	model_failed |= mm_user_store(mm, a, 1);
	mmput(mm);
}

static double host_round_ms(void)
{
	double v[REPS];
	char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	madvise(p, LEN, MADV_NOHUGEPAGE);
	memset(p, 1, LEN);
	for (int r = 0; r < REPS; r++) {
		double t0 = bench_now();

		mprotect(p, LEN, PROT_READ);
		mprotect(p, LEN, PROT_READ | PROT_WRITE);
		v[r] = (bench_now() - t0) * 1e3;
	}
	p[0] = 2;
	munmap(p, LEN);
	return bench_median(v, REPS);
}

int main(void)
{
	struct physmem_config cfg = { .mem_bytes = 256UL << 20,
				      .nr_nodes = 1 };
	struct sim_config sc = { .max_steps = 1ULL << 40 };
	struct sim_result res;
	double model, host;

	if (physmem_init(&cfg))
		return 1;
	mm_sim_init();
	sim_exec_begin(&sc);
	sim_task_create("main", model_task, NULL);
	if (sim_exec_run(&res) != SIM_OK || model_failed) {
		fprintf(stderr, "bench_mprotect: model run failed: %s\n",
			res.msg);
		return 1;
	}
	model = bench_median(model_ms, REPS);
	host = host_round_ms();
	printf("bench: mprotect_model_64m %.2f ms\n", model);
	printf("bench: mprotect_host_64m %.3f ms\n", host);
	/* model time over host time: lower is better */
	printf("bench: mprotect_64m_time_ratio_lower_better %.2f x\n",
	       model / host);
	printf("bench: mprotect_model_pte %.1f ns\n",
	       model * 1e6 / (2.0 * (LEN / PAGE_SIZE)));
	return 0;
}
