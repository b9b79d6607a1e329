// SPDX-License-Identifier: GPL-2.0
/*
 * t_arm64 - the arm64 machine (config arch=arm64, docs/arch.md): races
 * that only it allows are found on it and not on x86, and nothing that
 * is clean on x86 breaks on it.
 *
 * gup-fast-no-recheck (scenarios/gup-fast-no-recheck.mms), "passes on
 * x86, fails on arm64" - until migration batched its flushes:
 *  1. t: GUP-fast reads A's PTE, interrupts off;
 *  2. k: move_pages installs a migration entry and flushes - on x86 the
 *     IPI waits for t, on arm64 the broadcast TLBI does not - freezes the
 *     count, copies, maps the new page, releases the old one's count;
 *  3. t: grabs the old page and, without the re-check, keeps the pin;
 *  4. the device's write through the pin is lost to the process.
 * Since 7e12beb8ca2a ("migrate_pages: batch flushing TLB") move_pages'
 * first pass defers the flush to try_to_unmap_flush(), after the pin
 * check: on x86 too t can grab the page between the PTE clear and the
 * flush, and without the re-check it keeps a pin on a page no longer
 * exclusive (sanity_check_pinned_pages warns). Both arches find it now;
 * the re-check is what keeps GUP-fast right on both.
 *
 * Every shipped `expect ok` scenario stays clean with arch=arm64 (2,000
 * random + 1,000 PCT depth 3, or 1.5 s each: the THP scenarios run ~50
 * executions/s under ASan; `bench_arch` runs them longer at -O2); bad
 * arch/tlb_free values are reported at their column. About 30 s under
 * ASan.
 */
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/program.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "sim/regress.h"
#include "explore_test.h"
#include "tap.h"

/* Load @path with its arch replaced by @arch; NULL (and a failed test)
 * if it does not load. */
static struct scenario *load_as(const char *path, enum scn_arch arch)
{
	struct scenario_error e;
	struct scenario *s = scenario_load_file(path, &e);

	if (!s) {
		ok(0, "%s loads (%s)", path, e.text);
		return NULL;
	}
	s->config.arch = arch;
	s->config.set |= SCN_CFG_ARCH;
	return s;
}

static void t_gup_fast_no_recheck(void)
{
	static const char path[] = "scenarios/gup-fast-no-recheck.mms";
	int id = sim_regress_by_name("gup-fast-no-recheck");
	struct scenario *arm = load_as(path, SCN_ARCH_ARM64);
	struct scenario *x86 = load_as(path, SCN_ARCH_X86);
	struct mmsim_program *pa, *px;
	struct explore_result r;
	char err[512];

	if (!arm || !x86 || id < 0)
		return;
	pa = scenario_program(arm, err, sizeof(err));
	px = scenario_program(x86, err, sizeof(err));
	if (!ok(pa && px, "gup-fast-no-recheck's scenario runs (%s)",
		pa && px ? "" : err))
		return;
	sim_regress_set(id, true);
	r = explore_for(pa, "random", 20000, 0);
	ok(r.failures > 0,
	   "gup-fast-no-recheck: found on arm64 by random after %llu "
	   "executions",
	   (unsigned long long)r.executions);
	if (r.nr_fail)
		diag("%s", r.fail[0].msg);
	explore_result_free(&r);
	r = explore_for(px, "random", 20000, 0);
	ok(r.failures > 0,
	   "gup-fast-no-recheck: found on x86 too by random after %llu "
	   "executions: migration's deferred flush (TTU_BATCH_FLUSH) comes "
	   "after its pin check, so the IPI no longer waits for GUP-fast "
	   "there", (unsigned long long)r.executions);
	if (r.nr_fail)
		diag("%s", r.fail[0].msg);
	explore_result_free(&r);
	sim_regress_clear();
	r = explore_for(pa, "random", 20000, 0);
	ok(r.failures == 0,
	   "GUP-fast with its re-check: clean on arm64 (%llu executions)",
	   (unsigned long long)r.executions);
	explore_result_free(&r);
	r = explore_for(px, "random", 20000, 0);
	ok(r.failures == 0,
	   "GUP-fast with its re-check: clean on x86 (%llu executions)",
	   (unsigned long long)r.executions);
	explore_result_free(&r);
	scenario_program_free(pa);
	scenario_program_free(px);
}

/*
 * gup-fast-no-wp-seq (scenarios/gup-fast-no-wp-seq.mms): GUP-fast without
 * its write_protect_seq check against fork is found on arm64 (as on x86,
 * where t_scenarios finds it) by the default search; with the check, the
 * bounded DPOR exhausts clean on arm64.
 */
static void t_gup_fast_no_wp_seq(void)
{
	static const char path[] = "scenarios/gup-fast-no-wp-seq.mms";
	int id = sim_regress_by_name("gup-fast-no-wp-seq");
	struct scenario *arm = load_as(path, SCN_ARCH_ARM64);
	struct mmsim_program *pa;
	struct explore_result r;
	char err[512];

	if (!arm || id < 0) {
		ok(0, "gup-fast-no-wp-seq: catalogued, its scenario loads");
		return;
	}
	pa = scenario_program(arm, err, sizeof(err));
	if (!ok(pa != NULL, "gup-fast-no-wp-seq's scenario runs as arm64 (%s)",
		pa ? "" : err))
		return;
	sim_regress_set(id, true);
	r = explore_for(pa, NULL, 20000, 0);
	ok(r.failures > 0,
	   "gup-fast-no-wp-seq: found on arm64 by the default search after "
	   "%llu executions", (unsigned long long)r.executions);
	explore_result_free(&r);
	sim_regress_clear();
	r = explore_for(pa, "dpor:2", 0, 0);
	ok(r.failures == 0 && r.exhausted,
	   "GUP-fast with write_protect_seq: dpor:2 exhausts clean on arm64 "
	   "(%llu executions)", (unsigned long long)r.executions);
	explore_result_free(&r);
	scenario_program_free(pa);
}

/*
 * numa-wait-on-freed-page (seed 000 patch 1/3), too slow for
 * t_scenarios' budget under ASan (a THP copy per execution): found by
 * its catalogue strategy (PCT depth 3) within 5,000 executions with the
 * switch on; with it off, 1,500 PCT and 500 random executions (or 20 s)
 * find nothing.
 */
static void t_numa_wait_on_freed_page(void)
{
	int id = sim_regress_by_name("numa-wait-on-freed-page");
	struct scenario_error e;
	struct scenario *s;
	struct mmsim_program *p;
	struct explore_result r, q;
	char err[512];

	if (id < 0)
		return;
	s = scenario_load_file(sim_regress_table[id].scenario, &e);
	p = s ? scenario_program(s, err, sizeof(err)) : NULL;
	if (!ok(p != NULL, "numa-wait-on-freed-page's scenario runs")) {
		diag("%s", s ? err : e.text);
		return;
	}
	sim_regress_set(id, true);
	r = explore_for(p, "pct:3", 5000, 0);
	sim_regress_clear();
	ok(r.failures > 0 && r.nr_fail &&
		   !strncmp(r.fail[0].msg, "use-after-free:", 15),
	   "numa-wait-on-freed-page: found with the switch on (pct:3) after "
	   "%llu executions",
	   (unsigned long long)r.executions);
	explore_result_free(&r);
	r = explore_for(p, "pct:3", 1500, 15);
	q = explore_for(p, "random", 500, 5);
	ok(r.failures == 0 && q.failures == 0 &&
		   r.executions + q.executions >= 100,
	   "numa-wait-on-freed-page: not found with the switch off in %llu "
	   "PCT + %llu random executions",
	   (unsigned long long)r.executions,
	   (unsigned long long)q.executions);
	if (r.nr_fail)
		diag("%s", r.fail[0].msg);
	explore_result_free(&r);
	explore_result_free(&q);
	scenario_program_free(p);
}

/*
 * A retry loop that waits for another CPU's pending store (the swap-in's
 * recheck of PG_swapcache) is no livelock: a store pending SIM_SB_MAX_AGE
 * steps becomes visible. Before that bound pct:2 (seed 0) reported a
 * livelock after 3,786 executions of this scenario; here 8,000 run clean.
 */
static void t_pending_store_becomes_visible(void)
{
	const char *f = "scenarios/swapin-arm64-store-visible.mms";
	struct scenario_error e;
	struct scenario *s = scenario_load_file(f, &e);
	char err[512];
	struct mmsim_program *p = s ? scenario_program(s, err, sizeof(err)) :
				      NULL;
	struct explore_result r;

	if (!ok(p != NULL, "%s runs", f)) {
		diag("%s", s ? err : e.text);
		return;
	}
	r = explore_for(p, "pct:2", 8000, 0);
	ok(r.failures == 0 && r.executions == 8000,
	   "a retry waiting for another CPU's pending store: no livelock in "
	   "%llu pct:2 executions (%s)", (unsigned long long)r.executions,
	   r.nr_fail ? r.fail[0].msg : "clean");
	explore_result_free(&r);
	scenario_program_free(p);
}

/* Every shipped `expect ok` scenario, run as arm64. */
static void t_shipped_on_arm64(void)
{
	char **files = scenario_list_files("scenarios", NULL);

	for (char **f = files; f && *f; f++) {
		char what[600];
		struct scenario *s = load_as(*f, SCN_ARCH_ARM64);

		if (!s)
			continue;
		if (s->expect.verdict != SCN_EXPECT_OK) {
			scenario_free(s);
			continue;
		}
		snprintf(what, sizeof(what), "%s as arch=arm64", *f);
		check_scenario_clean(what, s, 2000, 1000, 1.5, 50);
	}
	scenario_list_free(files);
}

static void t_config_errors(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "config arch=sparc\nthread main:\n\tmmap A 4K anon\n"
		  "expect ok\n",
		  "1:13: error: expected x86 or arm64" },
		{ "config arch=arm64 tlb_free=ipi\nthread main:\n"
		  "\tmmap A 4K anon\nexpect ok\n",
		  "1:19: error: tlb_free=ipi is not possible with arch=arm64" },
		{ "config tlb_free=never\nthread main:\n\tmmap A 4K anon\n"
		  "expect ok\n",
		  "1:17: error: expected ipi or rcu" },
	};

	for (int i = 0; i < 3; i++) {
		struct scenario_error e;
		struct scenario *s = scenario_parse(
			cases[i].text, strlen(cases[i].text), "c.mms", &e);

		ok(!s && strstr(e.text, cases[i].want),
		   "bad config is reported at its column: %s", cases[i].want);
		if (s)
			scenario_free(s);
		else if (!strstr(e.text, cases[i].want))
			diag("got: %s", e.text);
	}
}

/*
 * Seed 000's own trigger (scenarios/seed000-thp-numa-gup-arm64.mms) is in
 * the model: the schedule its comment gives (g stops after reading the
 * huge PMD; k scans, copies and installs the new PMD; g grabs the old
 * THP; t2 stores through the new PMD; k sees count 3 and puts the old
 * PMD back) replays to the lost store with the switch on, and to a clean
 * run with the fix (the freeze makes g's grab fail). Three preemptions:
 * t2 has no load after its store (the read-back at the end, R9, sees the
 * loss), so nothing has to run after k puts the old PMD back. The default
 * search finds it too (tests/t_rff.c); this pins the shortest schedule.
 */
static void t_seed000_arm64_reachable(void)
{
	static const char path[] = "scenarios/seed000-thp-numa-gup-arm64.mms";
	static const char sched[] = "d9b40d3c7b";
	int id = sim_regress_by_name("thp-numa-count-recheck");
	char err[512];
	struct mmsim_program *p = scenario_program_load(path, err, sizeof(err));
	struct sim_result res;
	int pre;

	if (!ok(p && id >= 0, "%s loads (%s)", path, p ? "" : err))
		return;
	for (int on = 1; on >= 0; on--) {
		sim_regress_set(id, on);
		pre = schedule_preemptions(p, sched, &res);
		if (on)
			ok(pre == 3 && res.outcome == SIM_VIOLATION &&
				   strstr(res.msg, "lost-store"),
			   "seed 000 on arm64: schedule %s (%d preemptions) "
			   "loses t2's store with thp-numa-count-recheck on",
			   sched, pre);
		else
			ok(pre >= 0 && res.outcome == SIM_OK,
			   "seed 000 on arm64: the same schedule is clean with "
			   "the fix (the frozen count refuses g's grab)");
		if (res.outcome != (on ? SIM_VIOLATION : SIM_OK))
			diag("outcome %d: %s", res.outcome, res.msg);
	}
	sim_regress_set(id, false);
	scenario_program_free(p);
}

int main(void)
{
	scenario_runner_register();
	t_config_errors();
	t_gup_fast_no_recheck();
	t_gup_fast_no_wp_seq();
	t_numa_wait_on_freed_page();
	t_seed000_arm64_reachable();
	t_pending_store_becomes_visible();
	t_shipped_on_arm64();
	return done_testing();
}
