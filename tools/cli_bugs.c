// SPDX-License-Identifier: GPL-2.0
/*
 * tools/cli_bugs.c - `mmsim bugs`: hunt every catalogued regression both
 * ways. With its switch on the explorer must find a violation in the
 * entry's scenario; with it off the same budget must find none. Prints a
 * table (name, kernel commit and date, found?, time and executions to the
 * first violation, clean when off?, replay command). Exit 0 iff every bug
 * behaves; an empty catalogue is said plainly and is not a failure.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/regress.h"
#include "tools/cli.h"

struct hunt {
	int id;
	bool loaded, found, clean;
	uint64_t execs_to_find, execs_off;
	double time_to_find;
	char *schedule;
	char err[512];
};

/* Explore @p with regression @id on or off; result in @r. */
static int hunt_one(struct cli *c, const struct mmsim_program *p, int id,
		    bool on, struct explore_result *r)
{
	struct explore_opts o = c->o;
	int rc;

	/* the catalogue says which strategy finds each bug, unless told */
	if (!o.strategy && sim_regress_table[id].strategy)
		o.strategy = sim_regress_table[id].strategy;
	/* ... and its budget, unless told */
	if (!c->runs_given && !c->time_given && sim_regress_table[id].runs)
		o.runs = sim_regress_table[id].runs;

	sim_regress_clear();
	sim_regress_set(id, on);
	o.keep_going = false;
	o.progress = false;
	rc = explore(p, &o, r);
	sim_regress_clear();
	return rc;
}

static void hunt(struct cli *c, struct hunt *h)
{
	const struct sim_regress *e = &sim_regress_table[h->id];
	struct mmsim_program *p = program_load(e->scenario, h->err,
					       sizeof(h->err));
	struct explore_result r;

	if (!p)
		return;
	h->loaded = true;
	if (hunt_one(c, p, h->id, true, &r) == EXIT_FOUND && r.nr_fail) {
		h->found = true;
		h->execs_to_find = r.executions;
		h->time_to_find = r.elapsed;
		h->schedule = strdup(r.fail[0].schedule);
	} else if (r.error[0]) {
		snprintf(h->err, sizeof(h->err), "%s", r.error);
	}
	explore_result_free(&r);
	h->clean = hunt_one(c, p, h->id, false, &r) == EXIT_CLEAN;
	h->execs_off = r.executions;
	explore_result_free(&r);
}

static void bugs_json(const struct hunt *hs, int n)
{
	printf("{\"verb\": \"bugs\", \"catalogue\": %d, \"bugs\": [",
	       sim_regress_nr_real());
	for (int i = 0; i < n; i++) {
		const struct hunt *h = &hs[i];
		const struct sim_regress *e = &sim_regress_table[h->id];

		printf("%s\n  {\"name\": ", i ? "," : "");
		json_str(stdout, e->name);
		printf(", \"commit\": ");
		json_str(stdout, e->commit);
		printf(", \"date\": ");
		json_str(stdout, e->date);
		printf(", \"placeholder\": %s, \"found\": %s, \"clean_off\": "
		       "%s, \"executions_to_find\": %llu, \"seconds_to_find\":"
		       " %.6f, \"executions_off\": %llu, \"schedule\": ",
		       e->placeholder ? "true" : "false",
		       h->found ? "true" : "false", h->clean ? "true" : "false",
		       (unsigned long long)h->execs_to_find, h->time_to_find,
		       (unsigned long long)h->execs_off);
		json_str(stdout, h->schedule ? h->schedule : "");
		printf(", \"error\": ");
		json_str(stdout, h->err);
		printf("}");
	}
	printf("]}\n");
}

static void bugs_tap(const struct hunt *hs, int n)
{
	printf("TAP version 13\n1..%d\n", 2 * n);
	for (int i = 0; i < n; i++) {
		const struct hunt *h = &hs[i];
		const char *name = sim_regress_table[h->id].name;

		printf("%sok %d - %s: found with the switch on%s%s\n",
		       h->found ? "" : "not ", 2 * i + 1, name,
		       h->err[0] ? " # " : "", h->err);
		printf("%sok %d - %s: clean with the switch off\n",
		       h->clean && h->loaded ? "" : "not ", 2 * i + 2, name);
	}
}

static void bugs_table(const struct hunt *hs, int n)
{
	printf("%-24s %-14s %-10s %-6s %-10s %-10s %-6s %s\n", "bug",
	       "kernel commit", "date", "found", "time", "execs", "clean",
	       "replay");
	for (int i = 0; i < n; i++) {
		const struct hunt *h = &hs[i];
		const struct sim_regress *e = &sim_regress_table[h->id];
		struct mmsim_program p = { .name = e->scenario };

		printf("%-24s %-14.14s %-10s %-6s %-10.3f %-10llu %-6s ",
		       e->name, e->commit, e->date, h->found ? "yes" : "NO",
		       h->time_to_find, (unsigned long long)h->execs_to_find,
		       h->clean ? "yes" : "NO");
		if (h->found) {
			report_replay_cmd(stdout, &p, h->schedule);
			printf(" --regress %s", e->name);
		} else if (h->err[0]) {
			printf("(%s)", h->err);
		}
		putchar('\n');
	}
}

int cmd_bugs(struct cli *c)
{
	struct hunt hs[SIM_REGRESS__NR] = { 0 };
	int n = 0, bad = 0;

	bool named[SIM_REGRESS__NR] = { false };

	/* `mmsim bugs NAME...` hunts only those entries */
	for (int i = 0; i < c->nr_files; i++) {
		int id = sim_regress_by_name(c->files[i]);

		if (id < 0)
			return cli_error("bugs: no catalogued bug named '%s' "
					 "(mmsim bugs lists them)",
					 c->files[i]);
		named[id] = true;
	}
	if (!c->runs_given && !c->time_given)
		c->o.runs = 20000;
	for (int id = 0; id < SIM_REGRESS__NR; id++) {
		if (c->nr_files ? !named[id] :
				  (sim_regress_table[id].placeholder &&
				   !c->placeholder) ||
					  sim_regress_table[id].needs)
			continue;	/* a pending entry: only by name */
		hs[n].id = id;
		hunt(c, &hs[n]);
		bad += !hs[n].found || !hs[n].clean;
		n++;
	}
	if (!n && !c->json && !c->tap) {
		printf("The bug catalogue is empty: no kernel bugs are "
		       "catalogued yet (sim/regress.c).\n`mmsim bugs "
		       "--placeholder` exercises the mechanism with its "
		       "placeholder entry.\n");
	} else if (c->json) {
		bugs_json(hs, n);
	} else if (c->tap) {
		bugs_tap(hs, n);
	} else {
		bugs_table(hs, n);
		printf("%d of %d bug%s behave%s\n", n - bad, n,
		       n == 1 ? "" : "s", n - bad == 1 ? "s" : "");
	}
	for (int i = 0; i < n; i++)
		free(hs[i].schedule);
	return bad ? EXIT_FOUND : EXIT_CLEAN;
}
