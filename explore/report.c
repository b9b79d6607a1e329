// SPDX-License-Identifier: GPL-2.0
/*
 * explore/report.c - what a failure looks like to a human (text), to a
 * program (JSON), to a test harness (TAP) and to a reviewer on a mailing
 * list (SVG swimlanes).
 *
 * Every report of a failure replays its schedule first, so the trace, the
 * timeline and the picture are those of exactly the execution named by
 * the schedule string printed with them.
 */
#ifndef SIM_STRESS
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/story.h"
#include "sim/regress.h"

void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

const char *report_regress_flags(void)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < SIM_REGRESS__NR && n < sizeof(buf); i++)
		if (sim_regress_on(i))
			n += snprintf(buf + n, sizeof(buf) - n,
				      " --regress %s",
				      sim_regress_table[i].name);
	return buf;
}

/* @s for a shell: as is when it is plain, else in single quotes. */
static void shell_word(FILE *out, const char *s)
{
	if (s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789_-./:+=,@")] == 0 && *s) {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	fputc('\'', out);
}

void report_replay_cmd(FILE *out, const struct mmsim_program *p,
		       const char *schedule)
{
	fputs("mmsim replay ", out);
	shell_word(out, p->path ? p->path : p->name);
	fputs(" --schedule ", out);
	shell_word(out, schedule);
	fputs(report_regress_flags(), out);
}

/* The replay command as a malloc'd string. */
static char *replay_cmd_str(const struct mmsim_program *p,
			    const char *schedule)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		return strdup("");
	report_replay_cmd(f, p, schedule);
	fclose(f);
	return s;
}

void report_trace(FILE *out, size_t n)
{
	struct sim_event *ev = calloc(n ? n : 1, sizeof(*ev));
	size_t got = sim_trace_tail(ev, n);

	fprintf(out, "  %6s  %-10s %-7s %-28s %-22s %s\n", "step", "task",
		"event", "label", "func", "file:line");
	for (size_t i = 0; i < got; i++) {
		const struct sim_site *s = ev[i].site;

		fprintf(out, "  %6u  %-10s %-7s %-28s %-22s %s:%d\n",
			ev[i].step, sim_task_name(ev[i].task),
			sim_ev_kind_name(ev[i].kind), s ? s->label : "",
			s ? s->func : "", s ? s->file : "", s ? s->line : 0);
	}
	free(ev);
}

/* Replay @schedule of @p (sim's own replay); the result in @res. */
static void replay(const struct mmsim_program *p, const char *schedule,
		   struct sim_result *res)
{
	struct sim_config cfg = { .replay = schedule };

	program_exec(p, &cfg, res);
}

void report_failure(FILE *out, const struct mmsim_program *p,
		    const char *schedule, const char *how, size_t tail)
{
	struct sim_result res;
	const struct sim_site *s;
	struct story *st;
	int pre = schedule_preemptions(p, schedule, NULL);

	for (const char *n = sim_outcome_name(
		     (st = story_build(p, schedule)) ? st->res.outcome :
						       SIM_OK);
	     *n; n++)
		fputc(*n - 'a' + 'A', out);
	fprintf(out, " in %s%s%s%s\n", p->name, how ? " (" : "",
		how ? how : "", how ? ")" : "");
	if (st)
		story_print(out, st);
	story_free(st);
	replay(p, schedule, &res);
	s = res.fail_site;
	fputs("  what:     ", out);
	for (const char *m = res.msg; *m; m++)
		fputs(*m == '\n' ? "\n            " : (char[2]){ *m, 0 }, out);
	fputc('\n', out);
	fprintf(out, "  task:     %s%s\n", sim_task_name(res.fail_task),
		res.fail_task < 0 ? " (end-of-execution check)" : "");
	if (s)
		fprintf(out, "  site:     %s in %s() at %s:%d\n", s->label,
			s->func, s->file, s->line);
	fprintf(out, "  schedule: %s (%d preemption%s, %llu steps, trace "
		"hash %016llx)\n", schedule, pre, pre == 1 ? "" : "s",
		(unsigned long long)res.steps,
		(unsigned long long)res.trace_hash);
	if (tail) {
		fprintf(out, "  trace (last %zu of %llu events):\n",
			tail < sim_trace_count() ? tail :
						   (size_t)sim_trace_count(),
			(unsigned long long)sim_trace_count());
		report_trace(out, tail);
	}
	if (p->describe) {
		fputs("  end state:\n", out);
		p->describe(p->arg, out);
	}
	fputs("  replay:   ", out);
	report_replay_cmd(out, p, schedule);
	fputc('\n', out);
}

static void failure_json(FILE *out, const struct mmsim_program *p,
			 const char *strategy, const struct explore_failure *f)
{
	char *cmd = replay_cmd_str(p, f->schedule);

	fprintf(out, "{\"index\": %llu, \"seed\": %llu, \"found_by\": ",
		(unsigned long long)f->index, (unsigned long long)f->seed);
	json_str(out, f->member ? f->member :
				  explore_member(strategy, f->index));
	fputs(", \"outcome\": ", out);
	json_str(out, sim_outcome_name(f->outcome));
	fputs(", \"msg\": ", out);
	json_str(out, f->msg);
	fputs(", \"task\": ", out);
	json_str(out, f->task);
	fputs(", \"site\": {\"label\": ", out);
	json_str(out, f->site_label);
	fputs(", \"func\": ", out);
	json_str(out, f->site_func);
	fputs(", \"file\": ", out);
	json_str(out, f->site_file);
	fprintf(out, ", \"line\": %d}, \"schedule\": ", f->site_line);
	json_str(out, f->schedule);
	fprintf(out, ", \"trace_hash\": \"0x%016llx\", \"steps\": %llu, "
		"\"replay\": ", (unsigned long long)f->trace_hash,
		(unsigned long long)f->steps);
	json_str(out, cmd);
	free(cmd);
	if (f->shrunk) {
		cmd = replay_cmd_str(p, f->shrunk);
		fputs(", \"shrunk\": ", out);
		json_str(out, f->shrunk);
		fputs(", \"shrunk_replay\": ", out);
		json_str(out, cmd);
		free(cmd);
	}
	fputc('}', out);
}

/* @s as a JSON string, or null. */
static void json_str_or_null(FILE *out, const char *s)
{
	if (s)
		json_str(out, s);
	else
		fputs("null", out);
}

void report_explore_json(FILE *out, const struct mmsim_program *p,
			 const struct explore_opts *o,
			 const struct explore_result *r)
{
	fputs("{\"verb\": \"explore\", \"program\": ", out);
	json_str(out, p->name);
	fputs(", \"strategy\": ", out);
	json_str(out, explore_strategy_name(o->strategy));
	fprintf(out, ", \"seed\": %llu, \"shard\": [%u, %u], \"jobs\": %u, "
		"\"regress\": [", (unsigned long long)o->seed, o->shard,
		o->nr_shards ? o->nr_shards : 1, o->jobs ? o->jobs : 1);
	for (int i = 0, n = 0; i < SIM_REGRESS__NR; i++) {
		if (!sim_regress_on(i))
			continue;
		fputs(n++ ? ", " : "", out);
		json_str(out, sim_regress_table[i].name);
	}
	fputc(']', out);
	fprintf(out, ", \"executions\": %llu, \"steps\": %llu, "
		"\"violations\": %llu, \"limits\": %llu, \"outcomes\": {",
		(unsigned long long)r->executions,
		(unsigned long long)r->steps,
		(unsigned long long)(r->failures - explore_nr_limits(r)),
		(unsigned long long)explore_nr_limits(r));
	for (int i = SIM_OK; i <= SIM_LIMIT; i++)
		fprintf(out, "%s\"%s\": %llu", i ? ", " : "",
			sim_outcome_name(i),
			(unsigned long long)r->outcomes[i]);
	fprintf(out, "}, \"exhausted\": %s, \"timed_out\": %s, "
		"\"elapsed\": %.6f, ", r->exhausted ? "true" : "false",
		r->timed_out ? "true" : "false", r->elapsed);
	if (o->strategy && !strncmp(o->strategy, "dpor", 4))
		fprintf(out, "\"sleep_blocked\": %llu, ",
			(unsigned long long)r->sleep_blocked);
	if (report_coverage(o->strategy, r)) {
		fputs("\"coverage\": ", out);
		json_str(out, report_coverage(o->strategy, r));
		fputs(", ", out);
	}
	if (r->error[0]) {
		fputs("\"error\": ", out);
		json_str(out, r->error);
		fputs(", ", out);
	}
	if (o->coverage) {
		fputs("\"coverage\": ", out);
		coverage_json(out, o->coverage);
		fputs(", ", out);
	}
	if (r->proof_tried) {
		fputs("\"proof\": {\"proved\": ", out);
		json_str_or_null(out, r->proof);
		fprintf(out, ", \"executions\": %llu, \"unfinished\": ",
			(unsigned long long)r->proof_execs);
		json_str_or_null(out, r->proof_unfinished);
		fprintf(out, ", \"total_executions\": %llu, "
			"\"total_steps\": %llu}, ",
			(unsigned long long)r->proof_total,
			(unsigned long long)r->proof_steps);
	}
	fputs("\"failures\": [", out);
	for (size_t i = 0; i < r->nr_fail; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		failure_json(out, p, o->strategy, &r->fail[i]);
	}
	fputs("]}\n", out);
}

const char *report_coverage(const char *strategy,
			    const struct explore_result *r)
{
	static char buf[96];
	const char *bound;

	if (!r->exhausted || !strategy || (strncmp(strategy, "dfs", 3) &&
					   strncmp(strategy, "dpor", 4)))
		return NULL;
	bound = strchr(strategy, ':');
	if (!bound && !strcmp(strategy, "dfs"))
		bound = ":2";	/* dfs's default bound */
	if (!bound)
		return "every schedule covered";
	snprintf(buf, sizeof(buf), "every schedule (up to %s preemption%s) "
		 "covered", bound + 1, strcmp(bound + 1, "1") ? "s" : "");
	return buf;
}

void report_explore_tap(FILE *out, const struct mmsim_program *p,
			const struct explore_opts *o,
			const struct explore_result *r)
{
	const char *st = explore_strategy_name(o->strategy);

	fprintf(out, "TAP version 13\n1..%zu\n", r->nr_fail ? r->nr_fail : 1);
	if (!r->nr_fail)
		fprintf(out, "ok 1 - %s: no violation in %llu executions "
			"(%s, seed %llu%s)\n", p->name,
			(unsigned long long)r->executions, st,
			(unsigned long long)o->seed,
			r->exhausted ? ", exhausted" : "");
	for (size_t i = 0; i < r->nr_fail; i++) {
		const struct explore_failure *f = &r->fail[i];
		char *cmd = replay_cmd_str(p, f->schedule);
		char *nl = strchr(f->msg, '\n');

		fprintf(out, "not ok %zu - %s: %s at execution %llu: %.*s\n",
			i + 1, p->name, sim_outcome_name(f->outcome),
			(unsigned long long)f->index,
			nl ? (int)(nl - f->msg) : (int)strlen(f->msg), f->msg);
		fprintf(out, "# replay: %s\n", cmd);
		free(cmd);
	}
}
#endif /* !SIM_STRESS */
