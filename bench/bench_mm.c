// SPDX-License-Identifier: GPL-2.0
/*
 * bench_mm - the anonymous-memory model against the host kernel doing the
 * same work in the same run (real mmap/fork/stores), medians of 5:
 *   mm_fault_4k    fault in 64 MiB with 4 KiB pages (one store per page)
 *   mm_fault_thp   the same with THPs (MADV_HUGEPAGE on the host)
 *   mm_fork_cow    fork a process with 64 MiB of 4 KiB pages, then COW
 *                  every page in the parent (the child stays alive)
 * Each prints "bench: <name>_sim <ms> ms", "<name>_host <ms> ms" and
 * "<name>_time_ratio_lower_better <sim/host> x" (model time over host
 * time: 1 would be the host's speed). The model runs one task under round-robin
 * (no scheduling choices: the cost of the model itself).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "check/mm_check.h"
#include "huge_mm.h"

#define REPS 5
#define SIZE (64UL << 20)

/* ---- the model ---- */

static int which;	/* 0: 4k, 1: thp, 2: fork+cow */
static double sim_secs;

static void touch_all(struct mm_struct *mm, unsigned long a, uint64_t v)
{
	for (unsigned long off = 0; off < SIZE; off += PAGE_SIZE)
		if (mm_user_store(mm, a + off, v + off))
			sim_violation("bench: store failed");
}

static void sim_prog(void *arg)
{
	struct mm_struct *mm = mm_alloc(), *child = NULL;
	unsigned long a;
	double t0;

	mm_task_bind(mm);
	transparent_hugepage_mode = which == 1 ? THP_ALWAYS : THP_NEVER;
	a = vm_mmap(mm, 0, SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, 0);
	t0 = bench_now();
	touch_all(mm, a, 1);
	if (which == 2) {
		t0 = bench_now();
		child = dup_mm(mm);
		touch_all(mm, a, 2);
	}
	sim_secs = bench_now() - t0;
	if (child)
		mmput(child);
	mmput(mm);
	transparent_hugepage_mode = THP_ALWAYS;
}

static double sim_run(int w)
{
	struct sim_config cfg = { .strategy = sim_strategy_rr(),
				  .max_steps = ~0ULL >> 1 };
	struct sim_result r;

	which = w;
	sim_exec_begin(&cfg);
	sim_task_create("bench", sim_prog, NULL);
	sim_exec_run(&r);
	if (r.outcome == SIM_OK)
		mm_check_invariants(MM_INV_ALL_EXITED, &r);
	if (r.outcome != SIM_OK) {
		fprintf(stderr, "bench_mm: %s: %s\n",
			sim_outcome_name(r.outcome), r.msg);
		exit(1);
	}
	return sim_secs;
}

/* ---- the host ---- */

static void host_touch(char *p, char v)
{
	for (unsigned long off = 0; off < SIZE; off += 4096)
		((volatile char *)p)[off] = v;
}

static double host_run(int w)
{
	char *p = mmap(NULL, SIZE + (2UL << 20), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a = (char *)(((unsigned long)p + (2UL << 20) - 1) &
			   ~((2UL << 20) - 1));
	double t0, t;
	pid_t pid;

	if (p == MAP_FAILED)
		exit(1);
	madvise(a, SIZE, w == 1 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	t0 = bench_now();
	host_touch(a, 1);
	t = bench_now() - t0;
	if (w == 2) {
		t0 = bench_now();
		pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		host_touch(a, 2);
		t = bench_now() - t0;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	munmap(p, SIZE + (2UL << 20));
	return t;
}

int main(void)
{
	static const char *names[] = { "mm_fault_4k", "mm_fault_thp",
				       "mm_fork_cow" };
	struct physmem_config cfg = { .mem_bytes = 512UL << 20,
				      .nr_nodes = 1 };

	if (physmem_init(&cfg))
		return 1;
	mm_sim_init();
	mm_lockdep_install();
	for (int w = 0; w < 3; w++) {
		double s[REPS], h[REPS], sm, hm;

		for (int i = 0; i < REPS; i++) {
			s[i] = sim_run(w);
			h[i] = host_run(w);
		}
		sm = bench_median(s, REPS);
		hm = bench_median(h, REPS);
		printf("bench: %s_sim %.1f ms\n", names[w], sm * 1e3);
		printf("bench: %s_host %.1f ms\n", names[w], hm * 1e3);
		printf("bench: %s_time_ratio_lower_better %.1f x\n", names[w],
		       sm / hm);
		fflush(stdout);
	}
	return 0;
}
