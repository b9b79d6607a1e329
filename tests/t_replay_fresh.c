// SPDX-License-Identifier: GPL-2.0
/*
 * t_replay_fresh - the replay command mmsim prints reproduces the
 * violation in a new process, for every catalogued bug.
 *
 * For each hunted entry of the catalogue: `mmsim explore SCENARIO
 * --regress NAME` (the default search, shrinking on), then the "replay:"
 * command it printed, run as a user would paste it. The replay must say
 * VIOLATION. An execution that depends on anything but the scenario, the
 * switches and the schedule - state an earlier execution of the exploring
 * process left behind, a static whose first-execution value differs from
 * what the per-execution reset sets (numa_target_override did), an
 * address ASLR chose (the bit-wait queues were a table hashed by host
 * address: a replay diverged in about one layout in three) - makes the
 * pasted command diverge here even though the exploring process replayed
 * it fine. Each replay runs in three processes (three layouts).
 *
 * Runs ./mmsim (or $MMSIM); a few seconds.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/regress.h"
#include "cli_test.h"
#include "tap.h"

/* The arguments of the first "replay:   mmsim replay ..." line of @out
 * (after "mmsim "), in a malloc'd string; NULL if none. */
static char *replay_args(const char *out)
{
	const char *p = out ? strstr(out, "replay:   mmsim ") : NULL;
	const char *e;
	char *a;

	if (!p)
		return NULL;
	p += strlen("replay:   mmsim ");
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	a = malloc((size_t)(e - p) + 1);
	if (!a)
		return NULL;
	memcpy(a, p, (size_t)(e - p));
	a[e - p] = 0;
	return a;
}

int main(void)
{
	int n = 0;

	if (getenv("MMSIM"))
		mmsim = getenv("MMSIM");
	if (access(mmsim, X_OK)) {
		printf("Bail out! no %s (run make first)\n", mmsim);
		return 1;
	}
	for (int id = 0; id < SIM_REGRESS__NR; id++) {
		const struct sim_regress *b = &sim_regress_table[id];
		char args[512], *out = NULL, *rep, *rout = NULL;
		int rc;

		if (b->placeholder || b->needs || !b->scenario)
			continue;
		n++;
		snprintf(args, sizeof(args), "explore %s --regress %s",
			 b->scenario, b->name);
		rc = run(&out, args);
		rep = replay_args(out);
		if (!rep) {
			ok(0, "%s: the explorer prints a replay command "
			   "(exit %d)", b->name, rc);
			diag("%s", out ? out : "");
			free(out);
			continue;
		}
		/* three processes: three address-space layouts (ASLR) */
		for (int k = 0; k < 3; k++) {
			free(rout);
			rout = NULL;
			rc = run(&rout, rep);
			if (rc != 1 || !rout || strncmp(rout, "VIOLATION", 9))
				break;
		}
		if (!ok(rc == 1 && rout && !strncmp(rout, "VIOLATION", 9),
			"%s: `mmsim %s` reproduces the violation in three new "
			"processes", b->name, rep))
			diag("exit %d:\n%.400s", rc, rout ? rout : "");
		free(rep);
		free(rout);
		free(out);
	}
	if (!n)
		ok(1, "# SKIP the catalogue hunts nothing");
	return done_testing();
}
