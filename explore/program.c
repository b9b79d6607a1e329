// SPDX-License-Identifier: GPL-2.0
/*
 * explore/program.c - loading programs and running one execution of one.
 */
#ifndef SIM_STRESS
#include <string.h>
#include <sys/stat.h>

#include "explore/program.h"

static program_loader_fn scenario_loader;

void program_set_scenario_loader(program_loader_fn fn)
{
	scenario_loader = fn;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* A builtin by its NAME (after "builtin:"); the list on failure. */
static struct mmsim_program *load_builtin(const char *name, char *err,
					  size_t errlen)
{
	const struct mmsim_program *p;
	size_t n = 0;

	for (int i = 0; (p = program_builtin(i)); i++)
		if (!strcmp(p->name + strlen("builtin:"), name))
			return (struct mmsim_program *)p;
	n += snprintf(err, errlen, "unknown builtin program '%s' (have:",
		      name);
	for (int i = 0; (p = program_builtin(i)) && n < errlen; i++)
		n += snprintf(err + n, errlen - n, " %s", p->name);
	if (n < errlen)
		snprintf(err + n, errlen - n, ")");
	return NULL;
}

struct mmsim_program *program_load(const char *path, char *err,
				   size_t errlen)
{
	struct stat st;

	if (!strncmp(path, "builtin:", 8))
		return load_builtin(path + 8, err, errlen);
	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: no such file (programs are "
			 "builtin:NAME or .mms scenarios; see `mmsim list`)",
			 path);
		return NULL;
	}
	if (!ends_with(path, ".mms")) {
		snprintf(err, errlen, "%s: not a scenario (.mms) file", path);
		return NULL;
	}
	if (!scenario_loader) {
		snprintf(err, errlen, "%s: scenario runner not available yet "
			 "(only builtin:NAME programs can run; see `mmsim "
			 "list`)", path);
		return NULL;
	}
	return scenario_loader(path, err, errlen);
}

enum sim_outcome program_exec(const struct mmsim_program *p,
			      const struct sim_config *cfg,
			      struct sim_result *res)
{
	struct sim_config c = *cfg;
	struct sim_strategy quiet, *s = cfg->strategy;

	/* hold the strategy's end() back until the check has run */
	if (s && s->end) {
		quiet = *s;
		quiet.end = NULL;
		c.strategy = &quiet;
	}
	if (!c.max_steps)
		c.max_steps = p->max_steps;
	sim_exec_begin(&c);
	p->setup(p->arg);
	if (sim_exec_run(res) == SIM_OK && p->check) {
		p->check(p->arg);
		sim_exec_result(res);
	}
	if (s && s->end)
		s->end(s, res);
	return res->outcome;
}
#endif /* !SIM_STRESS */
