// SPDX-License-Identifier: GPL-2.0
/*
 * explore/svg.c - an execution as an SVG swimlane picture: one lane per
 * task, events left to right in the order they happened, lock holds as
 * bars under the events, the failure marked with a red cross. Standalone
 * SVG 1.1 (no scripts, no external resources); every event has a tooltip
 * with its step, kind, label, function and file:line.
 *
 * A lock hold starts after the task's SIM_EV_LOCK (or its last SIM_EV_WAKE
 * if it had to wait) and ends at its SIM_EV_UNLOCK of the same address; a
 * hold still open at the end of the trace runs to the right edge, dashed.
 * SIM: a failed trylock is drawn as a hold until the task's next unlock of
 * that lock (the trace does not say whether a trylock succeeded).
 */
#ifndef SIM_STRESS
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "sim/sync.h"

#define MAX_EVENTS 1500		/* the last ones, if the trace is longer */
#define DX 18			/* pixels per event */
#define LANE_H 44
#define LEFT 140		/* room for task names */
#define TOP_MIN 96		/* room for the title */
#define MAX_OPEN 16		/* nested holds drawn per task */

static int top;			/* where the lanes start in this picture */

struct hold {
	uintptr_t addr;
	int start;		/* event index the hold starts after */
	int pending;		/* 1: LOCK seen, not yet acquired */
	const struct sim_site *site;
};

static void xml_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\n': fputs(" / ", out); break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, out);
		}
	}
}

static const char *kind_color(int kind)
{
	static const char *const c[SIM_EV__NR] = {
		"#3b7dd8", "#e8873a", "#9b59b6", "#c0392b", "#27ae60",
		"#7f8c8d", "#16a085", "#8e44ad", "#d35400", "#2c3e50",
		"#f1c40f", "#95a5a6", "#95a5a6", "#e74c3c",
	};

	return (unsigned)kind < SIM_EV__NR ? c[kind] : "#000";
}

static double ex(int i)
{
	return LEFT + DX / 2.0 + i * DX;
}

static double lane_y(int lane)
{
	return top + lane * LANE_H + LANE_H / 2.0;
}

/* A colour per lock address, stable within the picture. */
static int lock_hue(uintptr_t addr)
{
	uint64_t x = addr * 0x9e3779b97f4a7c15ULL;

	return (int)((x >> 40) % 360);
}

/* The lock class of @addr if some task still holds it, else NULL. */
static const char *lock_class(uintptr_t addr)
{
	for (int t = 0; t < sim_nr_tasks(); t++) {
		const struct sim_held_lock *h;
		int n = sim_held_locks(t, &h);

		for (int i = 0; i < n; i++)
			if ((uintptr_t)h[i].lock == addr)
				return h[i].class;
	}
	return NULL;
}

static void draw_hold(FILE *out, int lane, int depth, const struct hold *h,
		      int end, bool open)
{
	double x0 = ex(h->start) + DX / 2.0, x1 = ex(end);
	double y = lane_y(lane) + 8 + depth * 5;
	const char *cls = lock_class(h->addr);

	if (x1 < x0 + 4)
		x1 = x0 + 4;
	if (cls)
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
			"fill=\"#444\">%s</text>\n", x0, y + 13, cls);
	fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		"height=\"4\" fill=\"hsl(%d,70%%,45%%)\" %s><title>lock "
		"%s %#lx held (%s in %s at %s:%d)%s</title></rect>\n",
		x0, y, x1 - x0, lock_hue(h->addr),
		open ? "stroke=\"#000\" stroke-dasharray=\"3,2\"" : "",
		cls ? cls : "", (unsigned long)h->addr,
		h->site ? h->site->label : "",
		h->site ? h->site->func : "", h->site ? h->site->file : "",
		h->site ? h->site->line : 0, open ? ", never released" : "");
}

/* Lock holds of task @t over events @ev[0..n). */
static void draw_holds(FILE *out, const struct sim_event *ev, int n, int t,
		       int lane)
{
	struct hold open[MAX_OPEN];
	int nr = 0;

	for (int i = 0; i < n; i++) {
		const struct sim_event *e = &ev[i];

		if (e->task != t)
			continue;
		if (nr && open[nr - 1].pending) {
			/* waiting: the hold starts after the last wake */
			if (e->kind == SIM_EV_WAKE)
				open[nr - 1].start = i;
			else if (e->kind != SIM_EV_BLOCK)
				open[nr - 1].pending = 0;
		}
		if (e->kind == SIM_EV_LOCK && nr < MAX_OPEN) {
			open[nr++] = (struct hold){ e->addr, i, 1, e->site };
		} else if (e->kind == SIM_EV_UNLOCK) {
			for (int k = nr - 1; k >= 0; k--) {
				if (open[k].addr != e->addr)
					continue;
				draw_hold(out, lane, k, &open[k], i, false);
				memmove(&open[k], &open[k + 1],
					(nr - k - 1) * sizeof(open[0]));
				nr--;
				break;
			}
		}
	}
	for (int k = 0; k < nr; k++)
		if (!open[k].pending)
			draw_hold(out, lane, k, &open[k], n, true);
}

static void draw_event(FILE *out, const struct sim_event *e, int i,
		       int lane)
{
	const struct sim_site *s = e->site;
	double x = ex(i), y = lane_y(lane);

	if (e->kind == SIM_EV_BLOCK || e->kind == SIM_EV_WAKE)
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" "
			"height=\"8\" fill=\"%s\">", x - 4, y - 4,
			kind_color(e->kind));
	else
		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" "
			"fill=\"%s\">", x, y, kind_color(e->kind));
	fprintf(out, "<title>step %u: %s %s ", e->step,
		sim_task_name(e->task), sim_ev_kind_name(e->kind));
	xml_text(out, s ? s->label : "");
	fputs(" in ", out);
	xml_text(out, s ? s->func : "");
	fputs(" at ", out);
	xml_text(out, s ? s->file : "");
	fprintf(out, ":%d</title></%s>\n", s ? s->line : 0,
		e->kind == SIM_EV_BLOCK || e->kind == SIM_EV_WAKE ? "rect" :
								    "circle");
}

/* Lines of the failure message (each gets a line of the header). */
static int msg_lines(const char *msg)
{
	int n = 1;

	for (; *msg; msg++)
		n += *msg == '\n';
	return n;
}

static void draw_header(FILE *out, const struct mmsim_program *p,
			const char *schedule, const struct sim_result *res,
			int n, uint64_t total)
{
	const char *m = res->msg[0] ? res->msg : "no violation";
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *cmd;
	int y = 40;

	fputs("<text x=\"10\" y=\"22\" font-size=\"15\" "
	      "font-weight=\"bold\">", out);
	xml_text(out, p->name);
	fprintf(out, ": %s</text>\n", sim_outcome_name(res->outcome));
	buf = strdup(m);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), y += 15) {
		fprintf(out, "<text x=\"10\" y=\"%d\" font-size=\"12\" "
			"fill=\"#c0392b\" xml:space=\"preserve\">", y);
		xml_text(out, line);
		fputs("</text>\n", out);
	}
	free(buf);
	fprintf(out, "<text x=\"10\" y=\"%d\" font-size=\"11\">schedule "
		"%.200s%s, %llu steps, trace hash %016llx%s</text>\n", y + 3,
		schedule, strlen(schedule) > 200 ? "..." : "",
		(unsigned long long)res->steps,
		(unsigned long long)res->trace_hash,
		total > (uint64_t)n ? " (last events only)" : "");
	fprintf(out, "<text x=\"10\" y=\"%d\" font-size=\"11\" "
		"fill=\"#555\">", y + 20);
	buf = NULL;
	cmd = open_memstream(&buf, &len);
	if (cmd) {
		report_replay_cmd(cmd, p, schedule);
		fclose(cmd);
		xml_text(out, buf);
		free(buf);
	}
	fputs("</text>\n", out);
}

static void draw_legend(FILE *out, int y)
{
	static const int kinds[] = { SIM_EV_READ, SIM_EV_WRITE, SIM_EV_RMW,
				     SIM_EV_LOCK, SIM_EV_UNLOCK, SIM_EV_BLOCK,
				     SIM_EV_WAKE, SIM_EV_RCU, SIM_EV_START };
	int x = 10;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" "
			"fill=\"%s\"/><text x=\"%d\" y=\"%d\" "
			"font-size=\"11\">%s</text>\n", x + 5, y,
			kind_color(kinds[i]), x + 13, y + 4,
			sim_ev_kind_name(kinds[i]));
		x += 70;
	}
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"4\" "
		"fill=\"hsl(200,70%%,45%%)\"/><text x=\"%d\" y=\"%d\" "
		"font-size=\"11\">lock held</text>\n", x, y - 2, x + 30,
		y + 4);
}

/* The red cross on the failing event (or at the end, for a check). */
static void draw_failure(FILE *out, const struct sim_event *ev, int n,
			 const struct sim_result *res, int nr_lanes)
{
	int at = n - 1, lane = nr_lanes - 1;
	double x, y;

	if (res->outcome == SIM_OK)
		return;
	if (res->fail_task >= 0) {
		lane = res->fail_task;
		while (at > 0 && ev[at].task != res->fail_task)
			at--;
	} else {
		at = n;
	}
	x = ex(at);
	y = lane_y(lane);
	fprintf(out, "<g stroke=\"#e00\" stroke-width=\"3\"><line x1=\"%.1f\" "
		"y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><line x1=\"%.1f\" "
		"y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><title>", x - 7, y - 7,
		x + 7, y + 7, x - 7, y + 7, x + 7, y - 7);
	xml_text(out, res->msg);
	fputs("</title></g>\n", out);
}

int report_svg(FILE *out, const struct mmsim_program *p,
	       const char *schedule, const struct sim_result *res)
{
	struct sim_event *ev = calloc(MAX_EVENTS, sizeof(*ev));
	int n, tasks = sim_nr_tasks();
	int lanes = tasks + (res->outcome != SIM_OK && res->fail_task < 0);
	int w, h;

	if (!ev)
		return -1;
	n = (int)sim_trace_tail(ev, MAX_EVENTS);
	w = LEFT + (n + 2) * DX + 20;
	if (w < 760)
		w = 760;
	top = TOP_MIN + 15 * (msg_lines(res->msg) - 1);
	h = top + lanes * LANE_H + 40;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"monospace\">\n<rect width=\"100%%\" "
		"height=\"100%%\" fill=\"#fff\"/>\n", w, h, w, h);
	draw_header(out, p, schedule, res, n, sim_trace_count());
	for (int l = 0; l < lanes; l++) {
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
			" stroke=\"#ddd\"/>\n<text x=\"10\" y=\"%.1f\" "
			"font-size=\"12\">", LEFT, lane_y(l), w - 10,
			lane_y(l), lane_y(l) + 4);
		xml_text(out, l < tasks ? sim_task_name(l) : "main (check)");
		fputs("</text>\n", out);
	}
	for (int t = 0; t < tasks; t++)
		draw_holds(out, ev, n, t, t);
	for (int i = 0; i < n; i++)
		draw_event(out, &ev[i], i, ev[i].task < tasks ? ev[i].task :
							      lanes - 1);
	draw_failure(out, ev, n, res, lanes);
	draw_legend(out, h - 16);
	fputs("</svg>\n", out);
	free(ev);
	return ferror(out) ? -1 : 0;
}
#endif /* !SIM_STRESS */
