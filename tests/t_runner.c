// SPDX-License-Identifier: GPL-2.0
/*
 * t_runner - the scenario runner reports what the kernel could do and
 * nothing else, at a cost proportional to what a scenario touches:
 *
 *  - out of simulated memory in a fault is a LIMIT of the run (the kernel
 *    would OOM-kill), never a violation, and explore() says so (3);
 *  - sizes ordinary scenarios use hit no fixed table: a `check` of 1 MiB
 *    (the oracle used to stop at 4,096 accesses), 40 pins made ghosts in
 *    one process (it used to stop at 32 processes);
 *  - the text picture of a 1 TiB region costs what is mapped;
 *  - `mmap ... at=` is honoured and the runner's own placement avoids it;
 *    the region name follows `mremap ... maymove`;
 *  - what the kernel cannot do is still reported through the runner: a
 *    store surviving an unraced fill, a child seeing its parent's value in
 *    a wipe-on-fork range, a DMA read through a discarded page seeing the
 *    process's new page (the oracle's own rules are tested both ways in
 *    t_oracle);
 *  - a pin of a private file mapping's COW copy is followed: the device's
 *    write through it that the process never sees is reported (a model
 *    bug switched on), where the runner used to judge nothing.
 *
 * A few seconds under ASan.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explore/explore.h"
#include "sim/regress.h"
#include "explore/program.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "explore_test.h"
#include "tap.h"


/* Explore @text with @runs random executions; the explore() status. */
static int explore_text(const char *name, const char *text, uint64_t runs,
			struct explore_result *r)
{
	struct mmsim_program *p = test_program_load(name, text);
	struct explore_opts o = { .strategy = "random", .runs = runs };
	int rc;

	memset(r, 0, sizeof(*r));
	if (!p)
		return -1;
	rc = explore(p, &o, r);
	if (r->nr_fail)
		diag("%s: %s: %s", name, sim_outcome_name(r->fail[0].outcome),
		     r->fail[0].msg);
	scenario_program_free(p);
	return rc;
}

static bool first_is(const struct explore_result *r, enum sim_outcome o,
		     const char *kind)
{
	return r->nr_fail && r->fail[0].outcome == o &&
	       (!kind || !strncmp(r->fail[0].msg, kind, strlen(kind)));
}

static void test_oom_is_a_limit(void)
{
	struct explore_result r;
	int rc = explore_text("oom.mms",
			      "config mem=16K\n"
			      "thread main:\n"
			      "\tmmap A 64K\n"
			      "\tfill A 64K 0x1\n"
			      "expect ok\n", 10, &r);

	ok(rc == 3 && first_is(&r, SIM_LIMIT, NULL) &&
	   explore_nr_limits(&r) == r.failures &&
	   strstr(r.fail[0].msg, "out of simulated memory"),
	   "OOM in a fault is a limit of the run (explore returns 3), not a "
	   "violation");
	explore_result_free(&r);
}

static void test_no_fixed_tables(void)
{
	struct explore_result r;
	char text[4096];
	size_t n;
	int rc;

	rc = explore_text("check-1m.mms",
			  "config mem=16M\n"
			  "thread main:\n"
			  "\tmmap A 1M\n"
			  "\tfill A 1M 0x5\n"
			  "\tcheck A 1M 0x5\n"
			  "expect ok\n", 2, &r);
	ok(rc == 0 && r.executions == 2, "a check of 1 MiB (131,072 "
					 "loads) runs clean");
	explore_result_free(&r);

	n = snprintf(text, sizeof(text), "config mem=16M\nthread main:\n"
					 "\tmmap A 160K\n\tfill A 160K 0x9\n");
	for (int i = 0; i < 40; i++)
		n += snprintf(text + n, sizeof(text) - n,
			      "\tpin P%d A+%#x 4K read\n", i, i * 4096);
	n += snprintf(text + n, sizeof(text) - n, "\tmunmap A\n");
	for (int i = 0; i < 40; i++)
		n += snprintf(text + n, sizeof(text) - n,
			      "\tdma-read P%d == 0x9\n\tunpin P%d\n", i, i);
	snprintf(text + n, sizeof(text) - n, "expect ok\n");
	rc = explore_text("ghosts.mms", text, 2, &r);
	ok(rc == 0 && r.executions == 2,
	   "40 pins made ghosts by munmap, one page each: no limit, each "
	   "still reads its page");
	explore_result_free(&r);
}

static void test_describe_cost(void)
{
	struct mmsim_program *p = test_program_load("big.mms",
					    "config mem=16M\n"
					    "thread main:\n"
					    "\tmmap A 1024G\n"
					    "\tstore A+0x123000 0x1\n"
					    "\tstore A+0xfff0000000 0x2\n"
					    "\tload A == 0x3\n"
					    "expect violation\n");
	struct sim_config cfg = { 0 };
	struct sim_result res;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	clock_t t0 = clock();
	double secs;

	if (!p || !out) {
		ok(0, "the 1 TiB scenario loads");
		if (out)
			fclose(out);
		free(buf);
		return;
	}
	program_exec(p, &cfg, &res);
	t0 = clock();
	p->describe(p->arg, out);
	fclose(out);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	/* a failing execution: its processes are alive for the picture */
	ok(res.outcome == SIM_VIOLATION && secs < 0.25 &&
	   strstr(buf, "0x010000123000 present") &&
	   strstr(buf, "0x01fff0000000 present"),
	   "the picture of a 1 TiB region with two pages costs what is "
	   "mapped (%.3fs)", secs);
	free(buf);
	scenario_program_free(p);
}

static void test_addresses(void)
{
	struct explore_result r;
	int rc;

	rc = explore_text("at.mms",
			  "config mem=8M\n"
			  "thread main:\n"
			  "\tmmap B 4K\n"
			  "\tmmap A 4K at=0x10000000000\n"
			  "\tstore A 0x1\n"
			  "\tstore B 0x2\n"
			  "\tload A == 0x1\n"
			  "\tload B == 0x2\n"
			  "\tmremap A 4K 4K maymove at=0x20000000000\n"
			  "\tload A == 0x1\n"
			  "\tmmap C 4K at=0x10000000000\n"
			  "\tload C == 0x0\n"
			  "\tload A == 0x1\n"
			  "expect ok\n", 1, &r);
	ok(rc == 0, "at= is honoured, the runner places other regions "
		    "around it, and a name follows its region");
	explore_result_free(&r);
}

/* The oracle is not inert through the runner. */
static void test_still_catches(void)
{
	struct explore_result r;
	int rc;

	rc = explore_text("fill-lost.mms",
			  "config mem=8M\n"
			  "thread main:\n"
			  "\tmmap A 8K\n"
			  "\tstore A+0x1000 0x22\n"
			  "\tfill A 8K 0x11\n"
			  "\tload A+0x1000 == 0x22\n"
			  "expect ok\n", 10, &r);
	ok(rc == 1 && first_is(&r, SIM_VIOLATION, "wrong-value"),
	   "a store before an unraced fill is overwritten: claiming it "
	   "survives is reported");
	explore_result_free(&r);
	rc = explore_text("wipe-claim.mms",
			  "config mem=8M\n"
			  "thread main:\n"
			  "\tmmap A 4K\n"
			  "\tstore A 0x11\n"
			  "\tmadvise A 4K wipeonfork\n"
			  "\tfork child\n"
			  "thread c in child:\n"
			  "\tload A == 0x11\n"
			  "expect ok\n", 10, &r);
	ok(rc == 1 && first_is(&r, SIM_VIOLATION, "wrong-value"),
	   "a child claiming its parent's value in a wipe-on-fork range is "
	   "reported");
	explore_result_free(&r);
	rc = explore_text("ghost-claim.mms",
			  "config mem=8M\n"
			  "thread main:\n"
			  "\tmmap A 4K\n"
			  "\tstore A 0x11\n"
			  "\tpin R A 4K write\n"
			  "\tmadvise A 4K dontneed\n"
			  "\tstore A 0x22\n"
			  "\tdma-read R == 0x22\n"
			  "\tunpin R\n"
			  "expect ok\n", 10, &r);
	ok(rc == 1 && first_is(&r, SIM_VIOLATION, "wrong-value"),
	   "a DMA read through a discarded pinned page never sees the "
	   "process's new page");
	explore_result_free(&r);
}

/*
 * A device write through a pin the program releases clean (`unpin`, not
 * `unpin dirty`) may be lost to reclaim, as in the kernel: a read fault
 * swaps the page in writable and clean and keeps it in the swap cache, a
 * GUP-fast pin of it dirties nothing, and reclaim drops it clean; the
 * next load reads the swap copy (fuzz runner, racy seed 190530). Not a
 * lost store then; released dirty, the device's value must stay.
 */
static void test_dma_clean_release(void)
{
	static const char head[] =
		"config mem=16M swap=64K\n"
		"thread main:\n"
		"\tmmap A 4K anon\n"
		"\tstore A 0x1\n"
		"\tpageout A\n"
		"\tload A == 0x1\n"
		"\tpin R A 4K write fast longterm\n"
		"\tdma-write R 0x2\n";
	char text[512];
	struct explore_result r;
	int rc;

	snprintf(text, sizeof(text), "%s\tunpin R\n\treclaim\n\tload A\n"
		 "expect ok\n", head);
	rc = explore_text("dma-clean.mms", text, 1, &r);
	ok(rc == 0 && r.executions == 1,
	   "a DMA write through a pin released clean and then reclaimed may "
	   "be lost (the swap copy reads back): not a lost store");
	explore_result_free(&r);
	snprintf(text, sizeof(text), "%s\tunpin R dirty\n\treclaim\n"
		 "\tload A == 0x2\nexpect ok\n", head);
	rc = explore_text("dma-dirty.mms", text, 1, &r);
	ok(rc == 0 && r.executions == 1,
	   "released dirty, the device's value survives reclaim");
	explore_result_free(&r);
	snprintf(text, sizeof(text), "%s\tunpin R dirty\n\treclaim\n"
		 "\tload A == 0x1\nexpect ok\n", head);
	rc = explore_text("dma-dirty-claim.mms", text, 1, &r);
	ok(rc == 1 && first_is(&r, SIM_VIOLATION, "wrong-value"),
	   "released dirty, claiming the swap copy's old value is reported");
	explore_result_free(&r);
}

/*
 * tests/scenarios/pin-private-file-vs-fork.mms: the device writes through
 * a GUP-fast pin of a private file mapping's COW copy taken while the
 * process forks. Clean in every schedule of up to 2 preemptions; with
 * GUP-fast's write_protect_seq check removed (gup-fast-no-wp-seq) fork
 * shares the pinned page with the child, the parent's next store copies
 * it away, and the runner reports what the parent then misses: its load
 * (lost-store) or the DMA read of its store (pin-incoherent). Before
 * session 12 the runner followed no pinned private file page
 * (runner_pin_unfollow): that search found nothing.
 */
static void test_pin_private_file(void)
{
	static const char path[] =
		"tests/scenarios/pin-private-file-vs-fork.mms";
	struct mmsim_program *p = test_program_load(path, NULL);
	struct explore_result r;

	if (!ok(p != NULL, "%s loads", path))
		return;
	r = explore_for(p, "dpor:2", 0, 0);
	ok(r.failures == 0 && r.exhausted,
	   "a DMA write through a pin of a private file page's copy reaches "
	   "the process: dpor:2 exhausts %llu executions clean",
	   (unsigned long long)r.executions);
	explore_result_free(&r);
	sim_regress_set(SIM_REGRESS_GUP_FAST_NO_WP_SEQ, true);
	r = explore_for(p, "dpor:2", 0, 0);
	sim_regress_clear();
	ok(first_is(&r, SIM_VIOLATION, "lost-store") ||
	   first_is(&r, SIM_VIOLATION, "pin-incoherent"),
	   "with gup-fast-no-wp-seq the pinned copy leaves the parent: "
	   "reported (%llu executions: %s)",
	   (unsigned long long)r.executions,
	   r.nr_fail ? r.fail[0].msg : "none failed");
	explore_result_free(&r);
	scenario_program_free(p);
}

int main(void)
{
	plan(14);
	scenario_runner_register();
	test_oom_is_a_limit();
	test_no_fixed_tables();
	test_describe_cost();
	test_addresses();
	test_still_catches();
	test_dma_clean_release();
	test_pin_private_file();
	return done_testing();
}
