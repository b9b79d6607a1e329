// SPDX-License-Identifier: GPL-2.0
/*
 * tools/cli_merge.c - `mmsim merge A.json B.json ...`: join the results of
 * the shards of one exploration (same program, strategy and seed; shards
 * I/N for one N) into totals and one list of failures. Missing or
 * duplicate shards are reported: the union is only the full run when
 * every shard 0..N-1 is there exactly once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "explore/json.h"
#include "tools/cli.h"

#define MAX_INPUT (256u << 20)	/* bytes of one shard's JSON */

/*
 * The contents of @path, NUL-terminated; NULL with a reason in @err if it
 * cannot be read, is neither a regular file nor a pipe (a directory,
 * /dev/zero) or is larger than MAX_INPUT.
 */
static char *slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct stat st;
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;

	if (!f) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) ||
	    !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
		snprintf(err, errlen, "%s", S_ISDIR(st.st_mode) ?
			 "is a directory, not a JSON result" :
			 "not a regular file or a pipe");
		goto fail;
	}
	do {
		if (len + 65536 > cap) {
			if (cap >= MAX_INPUT) {
				snprintf(err, errlen, "larger than %u MiB, "
					 "not a shard's result",
					 MAX_INPUT >> 20);
				goto fail;
			}
			cap = cap ? 2 * cap : 131072;
			nb = realloc(buf, cap);
			if (!nb) {
				snprintf(err, errlen, "out of host memory");
				goto fail;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		snprintf(err, errlen, "read error");
		goto fail;
	}
	fclose(f);
	if (memchr(buf, 0, len)) {
		snprintf(err, errlen, "a NUL byte: not a JSON result");
		free(buf);
		return NULL;
	}
	buf[len] = 0;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

struct merge {
	char program[256], strategy[64];
	uint64_t seed;
	unsigned nr_shards;
	unsigned char seen[MAX_SHARDS];
	struct explore_result r;
};

/* Check @j belongs with the ones before; record its shard. */
static int merge_check(struct merge *m, const struct json *j,
		       const char *path, bool first)
{
	const struct json *sh = json_get(j, "shard");
	const char *prog = json_get_str(j, "program", "");
	const char *st = json_get_str(j, "strategy", "");
	uint64_t i = 0, n = 1;

	if (sh && (sh->type != JSON_ARR || sh->n != 2 ||
		   !json_is_uint(sh->items[0]) || !json_is_uint(sh->items[1])))
		return cli_error("%s: \"shard\" is not [I, N]", path);
	if (sh) {
		i = sh->items[0]->u;
		n = sh->items[1]->u;
	}
	if (!n || n > MAX_SHARDS || i >= n)
		return cli_error("%s: bad shard %llu/%llu (0 <= I < N <= %d)",
				 path, (unsigned long long)i,
				 (unsigned long long)n, MAX_SHARDS);
	if (first) {
		snprintf(m->program, sizeof(m->program), "%s", prog);
		snprintf(m->strategy, sizeof(m->strategy), "%s", st);
		m->seed = json_get_u64(j, "seed", 0);
		m->nr_shards = n;
	} else if (strcmp(prog, m->program) || strcmp(st, m->strategy) ||
		   json_get_u64(j, "seed", 0) != m->seed ||
		   n != m->nr_shards) {
		return cli_error("%s: not a shard of the same run (%s %s "
				 "seed %llu, %llu shards)", path, prog, st,
				 (unsigned long long)json_get_u64(j, "seed",
								  0),
				 (unsigned long long)n);
	}
	if (m->seen[i]++)
		return cli_error("%s: shard %llu/%llu given twice", path,
				 (unsigned long long)i, (unsigned long long)n);
	return 0;
}

static int merge_file(struct merge *m, const char *path, bool first)
{
	char err[256], *text = slurp(path, err, sizeof(err));
	struct json *j;
	int rc;

	if (!text)
		return cli_error("%s: %s", path, err);
	j = json_parse(text, err, sizeof(err));
	free(text);
	if (!j)
		return cli_error("%s: %s", path, err);
	rc = merge_check(m, j, path, first);
	if (!rc && explore_result_add_json(&m->r, j, 1000, err, sizeof(err)))
		rc = cli_error("%s: %s", path, err);
	json_free(j);
	return rc;
}

static void merge_print(struct cli *c, struct merge *m, unsigned missing)
{
	struct mmsim_program p = { .name = m->program };
	struct explore_opts o = { .strategy = m->strategy, .seed = m->seed };
	uint64_t limits = explore_nr_limits(&m->r);

	if (c->json) {
		report_explore_json(stdout, &p, &o, &m->r);
		return;
	}
	if (c->tap) {
		report_explore_tap(stdout, &p, &o, &m->r);
		return;
	}
	printf("%s: %u of %u shards, %s%llu executions, %llu violations",
	       m->program, m->nr_shards - missing, m->nr_shards,
	       m->r.exhausted ? "exhausted: " : "",
	       (unsigned long long)m->r.executions,
	       (unsigned long long)(m->r.failures - limits));
	if (limits)
		printf(", %llu limit%s", (unsigned long long)limits,
		       limits == 1 ? "" : "s");
	printf(" (%s, seed %llu)\n", m->strategy, (unsigned long long)m->seed);
	for (size_t i = 0; i < m->r.nr_fail; i++) {
		printf("  %s at %llu: %s\n    ",
		       sim_outcome_name(m->r.fail[i].outcome),
		       (unsigned long long)m->r.fail[i].index,
		       m->r.fail[i].msg);
		report_replay_cmd(stdout, &p, m->r.fail[i].shrunk &&
					     m->r.fail[i].shrunk[0] ?
					     m->r.fail[i].shrunk :
					     m->r.fail[i].schedule);
		putchar('\n');
	}
}

int cmd_merge(struct cli *c)
{
	struct merge *m = calloc(1, sizeof(*m));
	unsigned missing = 0;
	int rc = 0;

	if (!c->nr_files) {
		free(m);
		return cli_error("merge wants the JSON results of the shards "
				 "(mmsim explore ... --shard I/N --json)");
	}
	for (int i = 0; i < c->nr_files && !rc; i++)
		rc = merge_file(m, c->files[i], i == 0);
	if (!rc) {
		for (unsigned i = 0; i < m->nr_shards; i++)
			missing += !m->seen[i];
		if (missing) {
			fprintf(stderr, "mmsim: merge: %u of %u shards "
				"missing:", missing, m->nr_shards);
			for (unsigned i = 0; i < m->nr_shards; i++)
				if (!m->seen[i])
					fprintf(stderr, " %u", i);
			fputc('\n', stderr);
			m->r.exhausted = false;
		}
		merge_print(c, m, missing);
		rc = !m->r.failures ? EXIT_CLEAN :
		     explore_nr_limits(&m->r) == m->r.failures ? EXIT_LIMIT :
								  EXIT_FOUND;
	}
	explore_result_free(&m->r);
	free(m);
	return rc;
}
