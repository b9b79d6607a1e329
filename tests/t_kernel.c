// SPDX-License-Identifier: GPL-2.0
/*
 * t_kernel - the live kernel as the reference (issue 13, docs/fidelity.md).
 *
 * (1) The observations of the language, in the model alone: a `faults`
 *     access that does not fault, an access that faults without
 *     `faults`, a pagemap statement and a frame statement that do not
 *     hold are each a violation of their kind; wait-exit waits for the
 *     teardown; the 6.18 reuse of an exclusive large folio holds in every
 *     explored interleaving.
 * (2) `mmsim kernel` over scenarios/kernel/ (cow.c, mkdirty.c and
 *     gup_longterm.c cases) and every shipped scenario: zero
 *     disagreements with this host's kernel, or a SKIP with the reason
 *     mmsim kernel gives (not sequential, the host lacks a feature).
 * (3) The negative control: a regression switch that changes what a user
 *     sees (cow-reuse-mapcount: the child reads the parent's write through
 *     its vmsplice reference) must be reported as disagreeing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/cli_test.h"
#include "tests/explore_test.h"

#define MAP "config mem=4M\nthread main:\n\tmmap A 4K\n"

/* the first failure of @text, or NULL if it explores clean in @runs */
static char *first_failure(const char *name, const char *text, int runs)
{
	struct mmsim_program *p = test_program_load(name, text);
	struct explore_result r;
	char *msg = NULL;

	if (!p)
		return strdup("(does not load)");
	r = explore_for(p, NULL, runs, 10);
	if (r.nr_fail)
		msg = strdup(r.fail[0].msg);
	explore_result_free(&r);
	scenario_program_free(p);
	return msg;
}

static void expect_violation(const char *what, const char *text,
			     const char *kind, const char *frag)
{
	char *m = first_failure(what, text, 50);

	ok(m && !strncmp(m, kind, strlen(kind)) && strstr(m, frag),
	   "%s: a %s violation", what, kind);
	if (m)
		diag("%s", m);
	free(m);
}

static void expect_clean(const char *what, const char *name,
			 const char *text, int runs)
{
	char *m = first_failure(name, text, runs);

	ok(!m, "%s", what);
	if (m)
		diag("%s", m);
	free(m);
}

static void test_observations(void)
{
	expect_violation("store ... faults on a writable page",
			 MAP "\tstore A 1 faults\nexpect ok\n", "fault:",
			 "did not fault");
	expect_violation("a load of PROT_NONE memory without 'faults'",
			 MAP "\tmprotect A none\n\tload A\nexpect ok\n",
			 "fault:", "faulted");
	expect_clean("a faulting store leaves the page as it was",
		     "faults-ok", MAP "\tstore A 7\n\tmprotect A r\n"
		     "\tstore A 8 faults\n\tfill A 4K 9 faults\n"
		     "\tload A == 7\nexpect ok\n", 20);
	expect_violation("pagemap: a present page stated !present",
			 MAP "\tstore A 1\n\tpagemap A == !present\n"
			 "expect ok\n", "pagemap:", "expects !present");
	expect_violation("same-frame after a COW copy",
			 MAP "\tstore A 1\n\tpfn-mark m A\n\tfork c\n"
			 "\tstore A 2\n\tsame-frame m A\nthread t in c:\n"
			 "\tload A\nexpect ok\n", "frame:",
			 "expects the same frame");
	expect_clean("wait-exit returns once the child's mm is gone: the "
		     "parent's page is exclusive again and reused in place",
		     "wait-exit", MAP "\tstore A 1\n\tpfn-mark m A\n"
		     "\tfork c\n\twait-exit c\n"
		     "\tpagemap A == present,exclusive\n\tstore A 2\n"
		     "\tsame-frame m A\nthread t in c:\n\tload A == 1\n"
		     "\texit\nexpect ok\n", 200);
	expect_clean("6.18: an exclusive PTE-mapped large folio is reused "
		     "on a write fault (every interleaving explored)",
		     "scenarios/kernel/cow-reuse-large-folio.mms", NULL, 300);
}

/* mmsim kernel FILE: ok, SKIP (with its reason) or not ok */
static void kernel_one(const char *file)
{
	char args[600], *out = NULL, *line;
	int rc;

	snprintf(args, sizeof(args), "kernel %s", file);
	rc = run(&out, args);
	line = out ? strstr(out, "\nSKIP ") : NULL;
	if (rc == 77 && line) {
		char reason[400];

		line += 6;
		snprintf(reason, sizeof(reason), "%.*s",
			 (int)strcspn(line, "\n"), line);
		skip(file, reason);
	} else {
		ok(rc == 0 && out && strstr(out, "\nAGREE "),
		   "mmsim kernel %s: the model agrees with this host", file);
		if (rc)
			diag("exit %d:\n%s", rc, out ? out : "");
	}
	free(out);
}

static void kernel_dir(const char *dir)
{
	size_t n;
	char **files = scenario_list_files(dir, &n);

	for (size_t i = 0; i < n; i++)
		kernel_one(files[i]);
	scenario_list_free(files);
}

static void test_negative_control(void)
{
	char *out = NULL;
	int rc = run(&out, "kernel scenarios/kernel/vmsplice-in-child.mms "
			   "--regress cow-reuse-mapcount");

	if (rc == 77) {
		skip("negative control", "mmsim kernel skipped the scenario");
	} else {
		/* the model's execution ends at its first failed statement:
		 * the parent's write did not copy (other-frame) */
		ok(rc == 1 && out &&
		   strstr(out, "DISAGREE scenarios/kernel/vmsplice-in-child.") &&
		   strstr(out, ": other-frame p A: model: frame: ") &&
		   strstr(out, "host: the statement holds"),
		   "negative control: --regress cow-reuse-mapcount (the "
		   "child reads the parent's write) disagrees with the host");
		if (rc != 1)
			diag("exit %d:\n%s", rc, out ? out : "");
	}
	free(out);
	rc = run(&out, "kernel scenarios/kernel/vmsplice-in-child.mms");
	ok(rc == 0 || rc == 77,
	   "and without the switch it agrees (or is skipped)");
	free(out);
}

int main(void)
{
	size_t nk, ns;
	char **k = scenario_list_files("scenarios/kernel", &nk);
	char **s = scenario_list_files("scenarios", &ns);

	scenario_list_free(k);
	scenario_list_free(s);
	plan(7 + nk + ns + 2);
	if (getenv("MMSIM"))
		mmsim = getenv("MMSIM");
	test_observations();
	kernel_dir("scenarios/kernel");
	kernel_dir("scenarios");
	test_negative_control();
	return done_testing();
}
