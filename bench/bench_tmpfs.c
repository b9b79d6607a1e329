// SPDX-License-Identifier: GPL-2.0
/*
 * bench_tmpfs - tmpfs read-fault throughput, the model against the host
 * kernel doing the same work in the same run, medians of 5: a 16 MiB
 * memfd (small pages) is filled through one shared mapping, then read
 * one word per page through a second, fresh shared mapping - read faults
 * on a hot page cache, the case faultaround is for:
 *   tmpfs_read_fault_around  fault_around_pages = 16 (the kernel's 64K)
 *   tmpfs_read_fault_single  fault_around_pages = 1 (no faultaround: the
 *                            model only; the host's fault_around_bytes
 *                            is a debugfs knob, left alone)
 * It prints the model's times, the host's (faultaround, as the host
 * runs), the model's faultaround speedup and the model-over-host time
 * ratio. The model runs one task under round-robin.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/bench.h"
#include "check/mm_check.h"
#include "pagemap.h"

#define REPS 5
#define SIZE (16UL << 20)

static double sim_secs;

static void sim_prog(void *arg)
{
	struct mm_struct *mm = mm_alloc();
	struct file *f = shmem_file_setup(SIZE, SHMEM_HUGE_NEVER);
	unsigned long a, b;
	uint64_t v;
	double t0;

	mm_task_bind(mm);
	mmap_write_lock(mm);
	a = do_mmap_file(mm, f, 0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 0);
	b = do_mmap_file(mm, f, 0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 0);
	mmap_write_unlock(mm);
	for (unsigned long off = 0; off < SIZE; off += PAGE_SIZE)
		if (mm_user_store(mm, a + off, off))
			sim_violation("bench: store failed");
	t0 = bench_now();
	for (unsigned long off = 0; off < SIZE; off += PAGE_SIZE)
		if (mm_user_load(mm, b + off, &v) || v != off)
			sim_violation("bench: load failed");
	sim_secs = bench_now() - t0;
	vm_munmap(mm, a, SIZE);
	vm_munmap(mm, b, SIZE);
	shmem_evict(f->f_mapping);
	mm_task_bind(NULL);
	mmput(mm);
}

static double sim_run(unsigned long around)
{
	struct sim_config cfg = { .strategy = sim_strategy_rr(),
				  .max_steps = ~0ULL >> 1 };
	struct sim_result r;

	fault_around_pages = around;
	sim_exec_begin(&cfg);
	sim_task_create("bench", sim_prog, NULL);
	sim_exec_run(&r);
	if (r.outcome == SIM_OK)
		mm_check_invariants(MM_INV_ALL_EXITED, &r);
	fault_around_pages = 16;
	if (r.outcome != SIM_OK) {
		fprintf(stderr, "bench_tmpfs: %s: %s\n",
			sim_outcome_name(r.outcome), r.msg);
		exit(1);
	}
	return sim_secs;
}

/* The host: the same on a real memfd (tmpfs). */
static double host_run(void)
{
	int fd = memfd_create("bench_tmpfs", 0);
	volatile char *a, *b;
	double t0, t;
	long sum = 0;

	if (fd < 0 || ftruncate(fd, SIZE))
		exit(1);
	a = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (a == MAP_FAILED || b == MAP_FAILED)
		exit(1);
	for (unsigned long off = 0; off < SIZE; off += 4096)
		a[off] = 1;
	t0 = bench_now();
	for (unsigned long off = 0; off < SIZE; off += 4096)
		sum += b[off];
	t = bench_now() - t0;
	if (sum != (long)(SIZE / 4096))
		exit(1);
	munmap((void *)a, SIZE);
	munmap((void *)b, SIZE);
	close(fd);
	return t;
}

int main(void)
{
	struct physmem_config cfg = { .mem_bytes = 128UL << 20,
				      .nr_nodes = 1 };
	double s[REPS], n[REPS], h[REPS], sm, nm, hm;

	if (physmem_init(&cfg))
		return 1;
	mm_sim_init();
	mm_lockdep_install();
	for (int i = 0; i < REPS; i++) {
		s[i] = sim_run(16);
		n[i] = sim_run(1);
		h[i] = host_run();
	}
	sm = bench_median(s, REPS);
	nm = bench_median(n, REPS);
	hm = bench_median(h, REPS);
	printf("bench: tmpfs_read_fault_around_sim %.1f ms\n", sm * 1e3);
	printf("bench: tmpfs_read_fault_single_sim %.1f ms\n", nm * 1e3);
	printf("bench: tmpfs_read_fault_around_host %.1f ms\n", hm * 1e3);
	printf("bench: tmpfs_faultaround_speedup_ratio_higher_better %.2f x\n",
	       nm / sm);
	printf("bench: tmpfs_read_fault_around_time_ratio_lower_better %.1f x\n",
	       sm / hm);
	return 0;
}
