// SPDX-License-Identifier: GPL-2.0
/*
 * t_readback - the end-of-execution read-back (R9, scenario/runner.c
 * read_back(), check/readback.c mm_peek_user_word()): a store the model
 * lost is a `lost-store` violation even when no load follows it; what the
 * page tables alone cannot decide is not judged.
 *
 * The "lost" store is made by the test: an op hook rewrites the word in
 * the frame behind the oracle's back after the scenario's last op (the
 * negative control runs the same scenario without it).
 */
#include <stdio.h>
#include <string.h>

#include "arch/physmem.h"
#include "check/mm_check.h"
#include "explore/explore.h"
#include "explore/program.h"
#include "mm.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "tap.h"

/* What the hook does after the op on line @line of the scenario. */
static struct {
	unsigned line;		/* 0: nothing */
	unsigned long off;	/* word of region 0 to look at */
	bool corrupt;		/* write 0xbad into its frame */
	int peek_ok;		/* mm_peek_user_word's answer, -1: not asked */
	uint64_t peek_val;
} H;

static void hook(void *arg, const struct scn_op *op, int proc,
		 const struct scenario_op_result *r)
{
	struct mm_struct *mm;
	unsigned long va;
	uint64_t v;

	if (!r || op->pos.line != H.line)
		return;
	mm = scenario_proc_mm(0);
	va = scenario_region_addr(0, 0) + H.off;
	struct mm_peek c = MM_PEEK_INIT(mm);

	H.peek_ok = mm_peek_user_word(&c, va, &v);
	H.peek_val = v;
	if (H.corrupt && H.peek_ok) {
		/*
		 * the frame the tables map, written without the oracle; found
		 * by a walk of the test's own, not the peek under test
		 */
		pgd_t *pgd = pgd_offset_pfn(mm->context.pgd_pfn, va);
		pud_t *pud = pud_offset_pfn(pgd_pfn(*pgd), va);
		pmd_t *pmd = pmd_offset_pfn(pud_pfn(*pud), va);
		unsigned long pfn;

		if (pmd_trans_huge(*pmd))
			pfn = pmd_pfn(*pmd) + ((va & ~HPAGE_PMD_MASK) >>
					       PAGE_SHIFT);
		else
			pfn = pte_pfn(*pte_offset_pfn(pmd_pfn(*pmd), va));
		physmem_store_word(pfn, (va & ~PAGE_MASK) / 8, 0xbad);
	}
}

/* Run @text once (round-robin: one execution); the result's message. */
static enum sim_outcome run(const char *text, char *msg, size_t len)
{
	struct scenario_error err;
	struct scenario *s = scenario_parse(text, strlen(text), "rb.mms",
					    &err);
	struct mmsim_program *p;
	struct explore_result r;
	struct explore_opts o = { .strategy = "rr", .runs = 1 };
	enum sim_outcome out;
	char e[256];

	msg[0] = 0;
	if (!s) {
		snprintf(msg, len, "parse: %s", err.text);
		return SIM_LIMIT;
	}
	p = scenario_program(s, e, sizeof(e));
	if (!p) {
		snprintf(msg, len, "program: %s", e);
		return SIM_LIMIT;
	}
	H.peek_ok = -1;
	scenario_set_op_hook(hook, NULL);
	explore(p, &o, &r);
	scenario_set_op_hook(NULL, NULL);
	out = r.nr_fail ? r.fail[0].outcome : SIM_OK;
	if (r.nr_fail)
		snprintf(msg, len, "%s", r.fail[0].msg);
	explore_result_free(&r);
	scenario_program_free(p);
	return out;
}

static const char *small =
	"config mem=8M\n"
	"thread main:\n"
	"    mmap A 16K anon\n"
	"    store A+0x1008 0x50\n"
	"    fill A+0x2000 0x2000 0x7\n"
	"    madvise A+0x3000 0x1000 dontneed\n"
	"    load A\n"
	"expect ok\n";

static const char *huge =
	"config mem=32M thp=always\n"
	"thread main:\n"
	"    mmap A 2M anon thp\n"
	"    store A+0x1ff008 0x50\n"
	"    load A\n"
	"expect ok\n";

static const char *swapped =
	"config mem=8M swap=1M\n"
	"thread main:\n"
	"    mmap A 8K anon\n"
	"    store A+0x1000 0x50\n"
	"    pageout A+0x1000 4K\n"
	"    load A\n"
	"expect ok\n";

/* A device write through a FOLL_GET reference: no coherence promised. */
static const char *get_pin =
	"config mem=8M\n"
	"thread main:\n"
	"    mmap A 4K anon\n"
	"    store A 0x1\n"
	"    pin R A 4K write get\n"
	"    dma-write R+0 0x5\n"
	"    unpin R\n"
	"expect ok\n";

int main(void)
{
	char msg[512];
	enum sim_outcome o;

	scenario_runner_register();

	/* 4 KiB pages: the store's word, a filled page, a zapped page */
	H = (typeof(H)){ .line = 7, .off = 0x1008 };
	o = run(small, msg, sizeof(msg));
	ok(o == SIM_OK, "clean run, 4K pages: no violation (%s)", msg);
	ok(H.peek_ok == 1 && H.peek_val == 0x50,
	   "peek reads the stored word through the PTE (%d, %#llx)",
	   H.peek_ok, (unsigned long long)H.peek_val);
	H = (typeof(H)){ .line = 7, .off = 0x3000 };
	run(small, msg, sizeof(msg));
	ok(H.peek_ok == 1 && H.peek_val == 0,
	   "peek of a zapped page reads zero (the fault maps a zero page)");
	H = (typeof(H)){ .line = 7, .off = 0x1008, .corrupt = true };
	o = run(small, msg, sizeof(msg));
	ok(o == SIM_VIOLATION && strstr(msg, "lost-store") &&
	   strstr(msg, "read-back") && strstr(msg, "A+0x1008"),
	   "a store lost behind the oracle's back, with no load after it: "
	   "lost-store at A+0x1008 (%s)", msg);
	H = (typeof(H)){ .line = 7, .off = 0x2800, .corrupt = true };
	o = run(small, msg, sizeof(msg));
	ok(o == SIM_OK,
	   "a fill is read back at the first and last word of each page: a "
	   "change in the middle is not seen (%s)", msg);
	H = (typeof(H)){ .line = 7, .off = 0x2ff8, .corrupt = true };
	o = run(small, msg, sizeof(msg));
	ok(o == SIM_VIOLATION && strstr(msg, "A+0x2ff8"),
	   "... and a change to its last word is (%s)", msg);
	H = (typeof(H)){ .line = 7, .off = 0x2000, .corrupt = true };
	o = run(small, msg, sizeof(msg));
	ok(o == SIM_VIOLATION && strstr(msg, "A+0x2000"),
	   "a page of a fill that lost it: lost-store at A+0x2000 (%s)", msg);

	/* a THP: the word is read through the huge PMD */
	H = (typeof(H)){ .line = 5, .off = 0x1ff008 };
	o = run(huge, msg, sizeof(msg));
	ok(o == SIM_OK && H.peek_ok == 1 && H.peek_val == 0x50,
	   "THP: clean, peek reads the word through the PMD (%s)", msg);
	H = (typeof(H)){ .line = 5, .off = 0x1ff008, .corrupt = true };
	o = run(huge, msg, sizeof(msg));
	ok(o == SIM_VIOLATION && strstr(msg, "A+0x1ff008"),
	   "THP: the lost store is found by the read-back (%s)", msg);

	/* a swap entry: the tables do not decide it, nothing judged */
	H = (typeof(H)){ .line = 6, .off = 0x1000 };
	o = run(swapped, msg, sizeof(msg));
	ok(o == SIM_OK && H.peek_ok == 0,
	   "a swapped-out page is not answered by the peek (%d) and the run "
	   "is clean (%s)", H.peek_ok, msg);

	/* the device's write through a get reference may show: not lost */
	H = (typeof(H)){ 0 };
	o = run(get_pin, msg, sizeof(msg));
	ok(o == SIM_OK,
	   "a FOLL_GET DMA write the process sees is not a lost store (%s)",
	   msg);
	return done_testing();
}
