// SPDX-License-Identifier: GPL-2.0
/*
 * scenario/scenario.c - freeing a scenario.
 *
 * A scenario owns: its filename, every name string of its tables, the
 * regress names, the expect kind, and each spawn op's thread array.
 * Partially built scenarios (a failed parse) are freed the same way: every
 * pointer is either valid or NULL.
 */
#include <stdlib.h>

#include "scenario/internal.h"

void scenario_free(struct scenario *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->nr_procs; i++)
		free(s->procs[i].name);
	for (i = 0; i < s->nr_threads; i++)
		free(s->threads[i].name);
	for (i = 0; i < s->nr_ops; i++)
		free(s->ops[i].spawn);
	for (i = 0; i < s->nr_regions; i++)
		free(s->regions[i].name);
	for (i = 0; i < s->nr_handles; i++)
		free(s->handles[i].name);
	for (i = 0; i < s->nr_signals; i++)
		free(s->signals[i].name);
	for (i = 0; i < s->nr_files; i++)
		free(s->files[i].name);
	free(s->files);
	for (i = 0; i < s->config.nr_regress; i++)
		free(s->config.regress[i]);
	free(s->procs);
	free(s->threads);
	free(s->ops);
	free(s->regions);
	free(s->handles);
	free(s->signals);
	free(s->expect.kind);
	free(s->filename);
	free(s);
}
