// SPDX-License-Identifier: GPL-2.0
/*
 * scenario/scenario.c - freeing a scenario.
 *
 * A scenario owns: its filename, every name string of its tables, the
 * regress names, the expect kind, and each spawn op's thread array.
 * Partially built scenarios (a failed parse) are freed the same way: every
 * pointer is either valid or NULL.
 *
 * Also: listing a directory's scenario files (scenario_list_files).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/internal.h"

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **scenario_list_files(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t nr = 0, cap = 8;
	char **v = malloc(cap * sizeof(*v));
	bool oom = !v;

	while (!oom && d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".mms"))
			continue;
		if (nr + 1 == cap) {
			char **w = realloc(v, 2 * cap * sizeof(*v));

			oom = !w;
			if (oom)
				break;
			v = w;
			cap *= 2;
		}
		v[nr] = malloc(strlen(dir) + len + 2);
		oom = !v[nr];
		if (oom)
			break;
		sprintf(v[nr], "%s/%s", dir, de->d_name);
		nr++;
	}
	if (d)
		closedir(d);
	if (v)
		v[nr] = NULL;
	if (oom) {
		scenario_list_free(v);
		return NULL;
	}
	qsort(v, nr, sizeof(*v), cmp_path);
	if (n)
		*n = nr;
	return v;
}

void scenario_list_free(char **files)
{
	if (!files)
		return;
	for (char **f = files; *f; f++)
		free(*f);
	free(files);
}

const char *scenario_file_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

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
	for (i = 0; i < s->nr_marks; i++)
		free(s->marks[i].name);
	free(s->marks);
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
