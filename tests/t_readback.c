// SPDX-License-Identifier: GPL-2.0
/*
 * t_readback - the end-of-execution read-back (R9, scenario/runner.c
 * read_back(), check/readback.c mm_peek_user_word()): a store the model
 * lost is a `lost-store` violation even when no load follows it; what the
 * page tables alone cannot decide is not judged.
 *
 * The "lost" store is made by the test: an op hook rewrites the word in
 * the frame behind the oracle's back after an op of the scenario with no
 * load of the word after it (the negative control runs the same scenario
 * without it). Where the frame then goes (a swap slot, the swap cache, a
 * tmpfs page cache nobody maps) is the scenario's doing.
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
	unsigned long off;	/* word of region @region to look at */
	int region;
	bool corrupt;		/* write 0xbad into its frame */
	bool corrupted;		/* ... and it did (a present mapping) */
	int peek_ok;		/* mm_peek_user_word's answer, -1: not asked */
	uint64_t peek_val;
	int peek_src;		/* where it read it (MM_PEEK_SRC_*) */
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
	va = scenario_region_addr(0, H.region) + H.off;
	struct mm_peek c = MM_PEEK_INIT(mm);

	H.peek_ok = mm_peek_user_word(&c, va, &v);
	H.peek_val = v;
	H.peek_src = c.src;
	if (H.corrupt) {
		/*
		 * the frame the tables map, written without the oracle; found
		 * by a walk of the test's own, not the peek under test
		 */
		pgd_t *pgd = pgd_offset_pfn(mm->context.pgd_pfn, va);
		pud_t *pud = pud_offset_pfn(pgd_pfn(*pgd), va);
		pmd_t *pmd = pmd_offset_pfn(pud_pfn(*pud), va);
		unsigned long pfn;
		pte_t *pte;

		if (!pgd_present(*pgd) || !pud_present(*pud) ||
		    !pmd_present(*pmd))
			return;
		if (pmd_trans_huge(*pmd)) {
			pfn = pmd_pfn(*pmd) + ((va & ~HPAGE_PMD_MASK) >>
					       PAGE_SHIFT);
		} else {
			pte = pte_offset_pfn(pmd_pfn(*pmd), va);
			if (!pte_present(*pte))
				return;
			pfn = pte_pfn(*pte);
		}
		physmem_store_word(pfn, (va & ~PAGE_MASK) / 8, 0xbad);
		H.corrupted = true;
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

/* A page stored to, then swapped out (and maybe read back into the
 * swap cache, not mapped): line 4 is the store. */
static const char *swapped_out =
	"config mem=8M swap=1M\n"
	"thread main:\n"
	"    mmap A 8K anon\n"
	"    store A+0x1008 0x50\n"
	"    pageout A+0x1000 4K\n"
	"    load A\n"
	"expect ok\n";

static const char *swapped_cache =
	"config mem=8M swap=1M\n"
	"thread main:\n"
	"    mmap A 8K anon\n"
	"    store A+0x1008 0x50\n"
	"    pageout A+0x1000 4K\n"
	"    swapin A+0x1000 4K\n"
	"    load A\n"
	"expect ok\n";

/* A page migrated to device-private memory (line 4: the store) */
static const char *on_device =
	"config mem=16M device=8M\n"
	"thread main:\n"
	"    mmap A 8K anon\n"
	"    store A+0x1008 0x50\n"
	"    device-migrate A+0x1000 4K to=device\n"
	"    load A\n"
	"expect ok\n";

/* A memfd's page stored through a shared mapping nobody maps at the end:
 * line 5 is the store. */
static const char *memfd_unmapped =
	"config mem=8M\n"
	"thread main:\n"
	"    memfd F 8K\n"
	"    mmap A 8K file=F shared\n"
	"    store A+0x1008 0x50\n"
	"    munmap A\n"
	"expect ok\n";

/* ... and swapped out (line 5: the store) */
static const char *memfd_swapped =
	"config mem=8M swap=1M\n"
	"thread main:\n"
	"    memfd F 8K\n"
	"    mmap A 8K file=F shared\n"
	"    store A+0x1008 0x50\n"
	"    pageout A 8K\n"
	"    munmap A\n"
	"expect ok\n";

/* MAP_SHARED|MAP_ANONYMOUS, a child's store seen by its parent (line 4:
 * the parent's last op) */
static const char *shared_anon =
	"config mem=8M\n"
	"thread main:\n"
	"    mmap A 8K anon shared\n"
	"    store A+0x1008 0x50\n"
	"    fork child\n"
	"    wait-exit child\n"
	"thread c in child:\n"
	"    store A+0x10 0x60\n"
	"    exit\n"
	"expect ok\n";

/* A private file mapping's COW copy (line 6: the store that copies; the
 * file changes through the shared mapping afterwards) */
static const char *cow_private =
	"config mem=8M\n"
	"thread main:\n"
	"    memfd F 8K\n"
	"    mmap P 8K file=F private\n"
	"    mmap S 8K file=F shared\n"
	"    store P+0x1008 0x50\n"
	"    store S+0x1008 0x70\n"
	"    load P+0x1000\n"
	"expect ok\n";

/* A DMA write through a pin into a page a hole punch took out of the
 * file: the oracle hears of it at the file offset, the file reads zero
 * there. Not judged (the read-back would be a false alarm). */
static const char *pin_punch =
	"config mem=8M\n"
	"thread main:\n"
	"    memfd F 8K\n"
	"    mmap A 8K file=F shared\n"
	"    store A 0x1\n"
	"    pin R A 4K write\n"
	"    fallocate F 0 4K\n"
	"    dma-write R+8 0x5\n"
	"    unpin R\n"
	"expect ok\n";

/* A DMA write into a pinned tmpfs page after reclaim wrote it out: the
 * unpin does not dirty it, so reclaim later drops it clean and the slot's
 * older data is the file's. Not judged (pinned, and the scenario
 * reclaims). */
static const char *pin_reclaim =
	"config mem=8M swap=1M\n"
	"thread main:\n"
	"    memfd F 8K\n"
	"    mmap A 8K file=F shared\n"
	"    store A 0x1\n"
	"    pin R A 4K write\n"
	"    pageout A 8K\n"
	"    dma-write R+8 0x5\n"
	"    unpin R\n"
	"    reclaim\n"
	"expect ok\n";

/* A store past EOF meets SIGBUS (accepted: the file was truncated), then
 * the file grows again: that offset reads zero, while the oracle took the
 * store as landed. Not judged past the smallest size the file had. */
static const char *sigbus_regrow =
	"config mem=8M\n"
	"thread main:\n"
	"    memfd F 8K\n"
	"    mmap A 8K file=F shared\n"
	"    store A+0x1008 0x1\n"
	"    truncate F 4K\n"
	"    store A+0x1008 0x2\n"
	"    truncate F 8K\n"
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

/*
 * A store lost behind the oracle's back: 0xbad written into the frame of
 * word @off after line @line of @text, with no load after it. Was the
 * word there (a present mapping) and the loss reported as lost-store?
 * @msg has the report, for the caller's checks of where it was found.
 */
static bool lost_found(const char *text, unsigned line, unsigned long off,
		       char *msg, size_t len)
{
	enum sim_outcome o;

	H = (typeof(H)){ .line = line, .off = off, .corrupt = true };
	o = run(text, msg, len);
	return H.corrupted && o == SIM_VIOLATION && strstr(msg, "lost-store");
}

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
	ok(lost_found(small, 7, 0x1008, msg, sizeof(msg)) &&
	   strstr(msg, "read-back") && strstr(msg, "A+0x1008"),
	   "a store lost behind the oracle's back, with no load after it: "
	   "lost-store at A+0x1008 (%s)", msg);
	H = (typeof(H)){ .line = 7, .off = 0x2800, .corrupt = true };
	o = run(small, msg, sizeof(msg));
	ok(o == SIM_OK,
	   "a fill is read back at the first and last word of each page: a "
	   "change in the middle is not seen (%s)", msg);
	ok(lost_found(small, 7, 0x2ff8, msg, sizeof(msg)) &&
	   strstr(msg, "A+0x2ff8"),
	   "... and a change to its last word is (%s)", msg);
	ok(lost_found(small, 7, 0x2000, msg, sizeof(msg)) &&
	   strstr(msg, "A+0x2000"),
	   "a page of a fill that lost it: lost-store at A+0x2000 (%s)", msg);

	/* a THP: the word is read through the huge PMD */
	H = (typeof(H)){ .line = 5, .off = 0x1ff008 };
	o = run(huge, msg, sizeof(msg));
	ok(o == SIM_OK && H.peek_ok == 1 && H.peek_val == 0x50,
	   "THP: clean, peek reads the word through the PMD (%s)", msg);
	ok(lost_found(huge, 5, 0x1ff008, msg, sizeof(msg)) &&
	   strstr(msg, "A+0x1ff008"),
	   "THP: the lost store is found by the read-back (%s)", msg);

	/* a swap entry: the word is read from its slot */
	H = (typeof(H)){ .line = 6, .off = 0x1000 };
	o = run(swapped, msg, sizeof(msg));
	ok(o == SIM_OK && H.peek_ok == 1 && H.peek_val == 0x50 &&
	   H.peek_src == MM_PEEK_SRC_SWAP_SLOT,
	   "a swapped-out page: the peek reads the word from its swap slot "
	   "(%d, %#llx, src %d) and the run is clean (%s)", H.peek_ok,
	   (unsigned long long)H.peek_val, H.peek_src, msg);
	ok(lost_found(swapped_out, 4, 0x1008, msg, sizeof(msg)) &&
	   strstr(msg, "A+0x1008 holds 0xbad in its swap slot"),
	   "a store lost before the page was swapped out, no load after: "
	   "found in its swap slot (%s)", msg);
	H = (typeof(H)){ .line = 4, .off = 0x1008 };
	o = run(swapped_out, msg, sizeof(msg));
	ok(o == SIM_OK, "... the same scenario, nothing lost: clean (%s)",
	   msg);
	ok(lost_found(swapped_cache, 4, 0x1008, msg, sizeof(msg)) &&
	   strstr(msg, "A+0x1008 holds 0xbad in the swap cache"),
	   "... read back into the swap cache (swapin), not mapped: found in "
	   "the swap cache's folio (%s)", msg);
	H = (typeof(H)){ .line = 7, .off = 0x1008 };
	o = run(swapped_cache, msg, sizeof(msg));
	ok(o == SIM_OK && H.peek_ok == 1 && H.peek_val == 0x50 &&
	   H.peek_src == MM_PEEK_SRC_SWAP_CACHE,
	   "... nothing lost: clean, the peek reads the swap cache (%d, "
	   "%#llx, src %d; %s)", H.peek_ok, (unsigned long long)H.peek_val,
	   H.peek_src, msg);

	/* device-private: the device page */
	ok(lost_found(on_device, 4, 0x1008, msg, sizeof(msg)) &&
	   strstr(msg, "A+0x1008 holds 0xbad in device memory"),
	   "a store lost before the page moved to the device: found in the "
	   "device page (%s)", msg);
	H = (typeof(H)){ .line = 6, .off = 0x1008 };
	o = run(on_device, msg, sizeof(msg));
	ok(o == SIM_OK && H.peek_ok == 1 && H.peek_val == 0x50 &&
	   H.peek_src == MM_PEEK_SRC_DEVICE,
	   "... nothing lost: clean, the peek reads the device page (%d, "
	   "%#llx, src %d; %s)", H.peek_ok, (unsigned long long)H.peek_val,
	   H.peek_src, msg);

	/* tmpfs: the file's memory, once per page, in its page cache */
	ok(lost_found(memfd_unmapped, 5, 0x1008, msg, sizeof(msg)) &&
	   strstr(msg, "memfd F at offset 0x1008 holds 0xbad in the page "
		       "cache"),
	   "a memfd page nobody maps any more: the lost store is found in "
	   "its page cache (%s)", msg);
	H = (typeof(H)){ .line = 5, .off = 0x1008 };
	o = run(memfd_unmapped, msg, sizeof(msg));
	ok(o == SIM_OK && H.peek_ok == 0,
	   "... nothing lost: clean; the peek leaves shared VMAs to the file "
	   "(%d; %s)", H.peek_ok, msg);
	ok(lost_found(memfd_swapped, 5, 0x1008, msg, sizeof(msg)) &&
	   strstr(msg, "memfd F at offset 0x1008 holds 0xbad in its swap "
		       "slot"),
	   "a memfd page swapped out (shmem_writeout): found in its swap "
	   "slot (%s)", msg);
	H = (typeof(H)){ .line = 5, .off = 0x1008 };
	o = run(memfd_swapped, msg, sizeof(msg));
	ok(o == SIM_OK, "... nothing lost: clean (%s)", msg);
	ok(lost_found(shared_anon, 4, 0x1008, msg, sizeof(msg)) &&
	   strstr(msg, "shared memory of region A") &&
	   strstr(msg, "offset 0x1008 holds 0xbad"),
	   "MAP_SHARED|MAP_ANONYMOUS: found in its page cache (%s)", msg);
	H = (typeof(H)){ 0 };
	o = run(shared_anon, msg, sizeof(msg));
	ok(o == SIM_OK, "... nothing lost (a child's store seen by the "
			"parent's memory): clean (%s)", msg);
	ok(lost_found(cow_private, 8, 0x1008, msg, sizeof(msg)) &&
	   strstr(msg, "P+0x1008 holds 0xbad in its page tables"),
	   "a private file mapping's COW copy: found in the process's page "
	   "(%s)", msg);
	H = (typeof(H)){ .line = 8, .off = 0x1008 };
	o = run(cow_private, msg, sizeof(msg));
	ok(o == SIM_OK, "... nothing lost: clean, the copy and the file "
			"differ (%s)", msg);
	H = (typeof(H)){ 0 };
	o = run(pin_punch, msg, sizeof(msg));
	ok(o == SIM_OK, "a DMA write into a pinned page a hole punch took "
			"out of the file: not judged (%s)", msg);
	H = (typeof(H)){ 0 };
	o = run(pin_reclaim, msg, sizeof(msg));
	ok(o == SIM_OK, "a DMA write into a pinned tmpfs page reclaim wrote "
			"out, dropped clean after the unpin: not judged (%s)",
	   msg);
	H = (typeof(H)){ 0 };
	o = run(sigbus_regrow, msg, sizeof(msg));
	ok(o == SIM_OK, "a store that met SIGBUS, then the file grew back: "
			"not judged past the smallest size (%s)", msg);

	/* the device's write through a get reference may show: not lost */
	H = (typeof(H)){ 0 };
	o = run(get_pin, msg, sizeof(msg));
	ok(o == SIM_OK,
	   "a FOLL_GET DMA write the process sees is not a lost store (%s)",
	   msg);
	return done_testing();
}
