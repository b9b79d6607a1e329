// SPDX-License-Identifier: GPL-2.0
/*
 * t_zmask - a frame's dirty blocks (arch/physmem.h, "Dirty blocks"): what
 * they let the model skip, and that skipping hides nothing.
 *
 * Why these properties: a page table's zeroing, its poison when freed,
 * the poison check and the checkers' scans now cost the table's dirty
 * blocks of 8 words instead of 4 KiB. That is only sound if (a) every
 * store into the table notes its block, (b) a lazily poisoned free frame
 * (FD_LAZY) reads as poison to everything that reads it, and (c) a store
 * into it after the free is still found, at the word and with the value
 * a full 4 KiB check reports. Negative controls: stores into a freed
 * table - through the store buffer's drain hook, of the value 0 into a
 * clean block (poison would show it; zero memory would not), and through
 * a noted pointer before the frame is handed out again - are reported;
 * an unnoted raw store breaks the promise and the ASan build aborts
 * naming it. Runs in well under a second.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/pgtable.h"
#include "arch/physmem.h"
#include "sim/storebuf.h"
#include "tap.h"
#include "unit_test.h"

#define IDX 200			/* an entry of block 25 */
#define BLOCK (IDX / 8)

static unsigned long tpfn;	/* the table's frame */
static bool good;

/* Task: a PTE table with one entry stored, then cleared, then freed. */
static void table_life(void *arg)
{
	struct page *t = pagetable_alloc_level(PT_PTE);
	pte_t *pt;

	tpfn = page_to_pfn(t);
	pt = (pte_t *)__pfn_va(tpfn);
	good = physmem_zmask[tpfn] == 0;
	for (int i = 0; i < 512; i++)
		good &= !pt[i].pte;
	set_pte(&pt[IDX], __pte(0x1234000UL | _PAGE_PRESENT));
	good &= physmem_zmask[tpfn] == 1ULL << BLOCK;
	pte_clear(NULL, 0, &pt[IDX]);
	pagetable_free(t);
}

static bool check_word(unsigned long pfn, unsigned word, uint64_t val)
{
	unsigned long p;
	unsigned w;
	uint64_t v;

	return !physmem_check_free_poison(&p, &w, &v) && p == pfn &&
	       w == word && v == val;
}

static bool t_table_zeroed_noted(void)
{
	good = false;
	return run_task(table_life, NULL).outcome == SIM_OK && good;
}

static bool t_freed_lazy(void)
{
	const uint64_t *w;
	bool all = true;
	unsigned long p;
	unsigned word;
	uint64_t v;

	if (run_task(table_life, NULL).outcome != SIM_OK ||
	    physmem_fdata[tpfn].state != FD_LAZY)
		return false;
	for (unsigned i = 0; i < 512; i++)
		all &= physmem_load_word(tpfn, i) == PAGE_POISON;
	/* host memory: only the dirty block was written */
	w = __pfn_va(tpfn);
	for (unsigned i = 0; i < 512; i++)
		all &= w[i] == (i / 8 == BLOCK ? PAGE_POISON : 0);
	return all && physmem_check_free_poison(&p, &word, &v);
}

/* A store into a freed table becoming visible (sim/storebuf.c's drain
 * calls the hook, then stores): what the model's stores into a freed
 * table are - the entry accessors refuse a table that is not live. */
static void scribble(uint64_t *w, uint64_t v)
{
	sim_sb_store_hook(w);
	*w = v;
}

/* A buffered store drains into the freed table: a 0, into a clean block. */
static bool t_drain_into_freed(void)
{
	uint64_t *w;

	if (run_task(table_life, NULL).outcome != SIM_OK)
		return false;
	w = __pfn_va(tpfn);
	scribble(&w[300], 0);
	return check_word(tpfn, 300, 0) && w[301] == PAGE_POISON;
}

/* Two stores: the end check names the first bad word, in a dirty block or
 * a clean one, as the full check did. */
static bool t_first_bad_word(void)
{
	uint64_t *w;
	bool a;

	if (run_task(table_life, NULL).outcome != SIM_OK)
		return false;
	w = __pfn_va(tpfn);
	scribble(&w[450], 0x78);
	scribble(&w[IDX + 3], 0x77);
	a = check_word(tpfn, IDX + 3, 0x77);
	if (run_task(table_life, NULL).outcome != SIM_OK)
		return false;
	scribble(&w[450], 0x78);
	scribble(&w[100], 0x76);
	return a && check_word(tpfn, 100, 0x76);
}

static bool t_page_address_writes_poison(void)
{
	const uint64_t *w;
	bool all = true;

	if (run_task(table_life, NULL).outcome != SIM_OK)
		return false;
	w = page_address(pfn_to_page(tpfn));
	for (unsigned i = 0; i < 512; i++)
		all &= w[i] == PAGE_POISON;
	return all && physmem_fdata[tpfn].state == FD_REAL &&
	       physmem_zmask[tpfn] == ~0ULL;
}

/* Task: table_life, a store into the freed table, then the frame again. */
static void realloc_after_scribble(void *arg)
{
	uint64_t *w;
	struct page *t;

	table_life(NULL);
	w = __pfn_va(tpfn);
	scribble(&w[9], 0x99);
	t = alloc_pages(0, 0);	/* the buddy hands the same frame back */
	good = t && page_to_pfn(t) == tpfn;
}

static bool t_realloc_checks_poison(void)
{
	struct sim_result r;
	char want[128];

	good = false;
	r = run_task(realloc_after_scribble, NULL);
	snprintf(want, sizeof(want), "pfn %lu was written after it was freed "
		 "(word 9 = 0x99", tpfn);
	return r.outcome == SIM_VIOLATION && good && strstr(r.msg, want);
}

/* Task: table_life, then a table again: zero in every word. */
static void table_twice(void *arg)
{
	struct page *t;
	const pte_t *pt;

	table_life(NULL);
	t = pagetable_alloc_level(PT_PTE);
	good = t && page_to_pfn(t) == tpfn && physmem_zmask[tpfn] == 0;
	pt = __pfn_va(tpfn);
	for (int i = 0; good && i < 512; i++)
		good = !pt[i].pte;
	pagetable_free(t);
}

static bool t_table_again_zero(void)
{
	good = false;
	return run_task(table_twice, NULL).outcome == SIM_OK && good;
}

/* Task: a user page written word by word keeps its mask; a pointer to it
 * gives the mask up; a copy from a freed table copies poison. */
static void user_page(void *arg)
{
	struct page *pg = alloc_pages(__GFP_ZERO, 0), *dst;
	unsigned long pfn = page_to_pfn(pg);
	const uint64_t *w;

	physmem_store_word(pfn, 3, 5);
	physmem_store_word(pfn, 100, 6);	/* two words: real */
	good = physmem_fdata[pfn].state == FD_REAL &&
	       physmem_zmask[pfn] == (1ULL | 1ULL << 12);
	(void)page_address(pg);
	good &= physmem_zmask[pfn] == ~0ULL;
	table_life(NULL);
	dst = alloc_pages(0, 0);
	physmem_copy_frames(dst, pfn_to_page(tpfn), 1);
	w = page_address(dst);
	for (int i = 0; good && i < 512; i++)
		good = w[i] == PAGE_POISON;
}

static bool t_user_page(void)
{
	good = false;
	return run_task(user_page, NULL).outcome == SIM_OK && good;
}

/*
 * An unnoted raw store into a clean block of a table breaks the promise
 * the scans rely on: the ASan build aborts naming it (in a child).
 */
static bool t_unnoted_store_aborts(void)
{
#ifdef SIM_ASAN
	int fds[2], status;
	char buf[512] = "";
	pid_t pid;

	if (pipe(fds))
		return false;
	pid = fork();
	if (pid == 0) {
		struct page *t;
		uint64_t *w;

		dup2(fds[1], 2);
		begin();
		t = pagetable_alloc_level(PT_PTE);
		w = __pfn_va(page_to_pfn(t));
		w[77] = 0x55;	/* no physmem_zmask_note() */
		physmem_zmask_check(w, "the test's scan");
		_exit(0);
	}
	close(fds[1]);
	(void)!read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT &&
	       strstr(buf, "the test's scan") && strstr(buf, "word 77") &&
	       strstr(buf, "was not noted");
#else
	return true;	/* only the ASan build checks the promise */
#endif
}

static const struct unit_test tests[] = {
	{ "a page table is zeroed when allocated; an entry store notes its "
	  "block", t_table_zeroed_noted },
	{ "a freed table is poisoned lazily: FD_LAZY, every word reads "
	  "PAGE_POISON, only its dirty block written, the end check passes",
	  t_freed_lazy },
	{ "a 0 drained into a clean block of a freed table is found by the "
	  "end check, at its word", t_drain_into_freed },
	{ "stores into a freed table's blocks, dirty or clean: the end check "
	  "names the first bad word", t_first_bad_word },
	{ "page_address() of a freed table writes its poison out in full and "
	  "gives the mask up", t_page_address_writes_poison },
	{ "a freed table handed out again: a store after the free is "
	  "reported at allocation", t_realloc_checks_poison },
	{ "a freed table made a table again is zero in every word",
	  t_table_again_zero },
	{ "a user page keeps its mask until page_address(); a copy from a "
	  "freed table copies poison", t_user_page },
	{ "an unnoted raw store into a clean block: the ASan build aborts "
	  "naming the word", t_unnoted_store_aborts },
};

UNIT_TESTS_MAIN(tests)
