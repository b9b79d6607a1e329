// SPDX-License-Identifier: GPL-2.0
/*
 * tests/t_story.c - the stories and pictures of the bug catalogue
 * (explore/story.c, explore/svg.c, docs/bugs.md), per catalogued bug:
 *  1. docs/pictures/NAME.txt is what mmsim prints now for the schedule it
 *     names (call chains aside: they depend on the compiler's inlining,
 *     and this test runs the -O1 ASan build);
 *  2. the story names the kernel functions of the bug's docs/bugs.md
 *     steps, in order (the table below);
 *  3. its SVG has no text under 11 px and no two texts overlapping, and
 *     fits a laptop screen: at most 1,366 px wide and 1,600 px tall,
 *     and, however much it summarises, keeps the violating step, every
 *     preemption and both steps of every cross-task read in the race;
 *     so does the committed docs/pictures/NAME.svg (size, text);
 *  4. rsvg-convert renders it (SKIP without rsvg-convert);
 *  5. its HTML opens in headless Chromium without console errors and its
 *     picture renders, not blank (SKIP without chromium). One Chromium
 *     process for every bug (a launch costs ~4 s): a page holding each
 *     bug's HTML in an iframe, whose script draws each picture on a
 *     canvas and counts the pixels that are not white;
 *  6. the slice keeps what the violation depends on: the writers of every
 *     value the violating op read from another task are in it, and the
 *     schedule of the sliced tasks alone (when the slice leaves a task
 *     out and the scenario runs without it) still fails the same way.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explore/explore.h"
#include "explore/story.h"
#include "scenario/runner.h"
#include "sim/regress.h"
#include "tests/tap.h"

/* The kernel functions of each bug's docs/bugs.md steps, in order. */
static const struct {
	const char *bug;
	const char *funcs[8];
} steps[] = {
	{ "cow-reuse-mapcount", { "copy_present_pte", "try_grab_folio",
				  "zap_pte_range", "do_wp_page",
				  "wp_page_reuse", "do_dma_op" } },
	{ "thp-numa-count-recheck", { "do_huge_pmd_numa_page",
				      "migrate_misplaced_transhuge_page",
				      "pfn_walker_get_range", "hw_access",
				      "page_ref_count",
				      "migrate_misplaced_transhuge_page" } },
	{ "exec-stack-rmap-miss", { "try_to_migrate_one", "folio_copy",
				    "remove_migration_pte", "move_ptes",
				    "migration_entry_wait",
				    "pfn_swap_entry_folio" } },
	{ "mremap-no-rmap-locks", { "try_to_migrate_one", "move_ptes",
				    "migration_entry_wait" } },
	{ "gup-fast-no-recheck", { "gup_fast_pte_range",
				   "try_to_migrate_one",
				   "sanity_check_pinned_pages" } },
	{ "numa-wait-on-freed-page", { "do_huge_pmd_numa_page",
				       "numa_wait_on_folio_noref" } },
	{ "numa-protnone-no-flush", { "change_prot_numa" } },
	{ "anon-exclusive-clear-no-barrier", { "gup_fast_pte_range",
					       "try_to_migrate_one",
					       "ClearPageAnonExclusive",
					       "sanity_check_pinned_pages" } },
	{ "tlb-batched-pending-missing", { "zap_pte_range" } },
	{ "finish-fault-pmd-no-recheck", { "do_set_pmd", "finish_fault",
					   "pte_offset_map_lock_norecheck" } },
	{ "dontneed-vs-thp-fault", { "do_huge_pmd_anonymous_page",
				     "zap_pmd_range" } },
	{ "thp-split-pmd-mapcount", { "__split_huge_pmd_locked" } },
	{ "migrate-vma-dirty-loss", { "migrate_vma_collect_pte",
				      "remove_migration_pte" } },
	{ "madv-free-vs-gup", { "try_to_unmap_one" } },
	{ "swapin-skip-swapcache-aba", { "do_swap_page" } },
	{ "device-private-fault-no-ref", { "migrate_vma_setup",
					   "do_device_private_fault" } },
	{ "khugepaged-pt-free-vs-gup-fast", { "collapse_huge_page" } },
	{ "gup-fast-no-wp-seq", { "gup_fast" } },
	{ "gup-fast-vs-collapse", { "gup_fast_pmd_range",
				    "pmdp_collapse_flush",
				    "collapse_huge_page", "do_load" } },
	{ "mremap-move-pmd-vs-retract", { "move_page_tables",
					  "find_pmd_or_thp_or_none",
					  "move_normal_pmd", "hw_access" } },
	{ "mremap-flush-after-unlock", { "move_ptes", "zap_pte_range",
					 "shmem_undo_range",
					 "check_frame" } },
	{ "page-ref-unfreeze-relaxed", { "folio_ref_freeze",
					 "filemap_get_entry",
					 "folio_ref_try_add",
					 "set_pte_range", "do_load" } },
	{ "swapoff-vs-swapin", { "try_to_unmap_one",
				 "swap_cache_get_folio", "unuse_pte",
				 "swap_map_freed" } },
	{ "shmem-pmd-migration-split", { "set_pmd_migration_entry",
					 "zap_pmd_range",
					 "__split_huge_pmd_locked" } },
	{ "filemap-map-pages-eof", { "next_uptodate_folio", "i_size_write",
				     "filemap_clamp_eof",
				     "filemap_range_nr" } },
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, 0, f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* @text with call chains "a > b > c" cut to their last function. */
static char *canonical(const char *text)
{
	char *out = strdup(text), *o = out;

	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n'), *last = NULL, *first;

		if (!eol)
			eol = p + strlen(p);
		for (const char *q = p; q + 3 <= eol; q++)
			if (!memcmp(q, " > ", 3))
				last = q;
		if (last) {
			first = strstr(p, " > ");
			while (first > p && first[-1] != ' ')
				first--;
			memcpy(o, p, first - p);
			o += first - p;
			p = last + 3;
		}
		memcpy(o, p, eol - p);
		o += eol - p;
		p = eol;
		if (*p)
			*o++ = *p++;
	}
	*o = 0;
	return out;
}

static char *story_text(const struct story *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	story_print(f, st);
	fclose(f);
	return buf;
}

/* The schedule named on the story's first line. */
static char *story_schedule(const char *text)
{
	const char *p = strstr(text, ", schedule ");

	if (!p)
		return NULL;
	p += strlen(", schedule ");
	return strndup(p, strspn(p, "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
}

static bool funcs_in_order(const char *text, const char *const *funcs,
			   char *why, size_t len)
{
	const char *p = text;

	for (int k = 0; k < 8 && funcs[k]; k++) {
		const char *hit = NULL;

		/* in a numbered step line at or after p */
		for (const char *l = p; l && *l;) {
			const char *eol = strchr(l, '\n');
			const char *q = l;

			while (*q == ' ')
				q++;
			if (*q >= '0' && *q <= '9' && strchr(q, '.') &&
			    strchr(q, '.') < (eol ? eol : q + strlen(q))) {
				const char *f = strstr(l, funcs[k]);

				if (f && (!eol || f < eol)) {
					hit = eol ? eol : l + strlen(l);
					break;
				}
			}
			l = eol ? eol + 1 : NULL;
		}
		if (!hit) {
			snprintf(why, len, "%s not found after step of %s",
				 funcs[k], k ? funcs[k - 1] : "(start)");
			return false;
		}
		p = hit;
	}
	return true;
}

struct box {
	double x0, y0, x1, y1;
};

/* Text elements: none under 11 px, no two overlapping. */
static bool svg_text_ok(const char *svg, char *why, size_t len)
{
	struct box *b = NULL;
	int n = 0;
	bool good = true;

	for (const char *p = svg; (p = strstr(p, "<text ")); p++) {
		double x = 0, y = 0, fs = 0;
		const char *a, *end = strstr(p, "</text>"), *c;
		int chars = 0;

		if (!end)
			break;
		a = strstr(p, " x=\"");
		x = a && a < end ? atof(a + 4) : 0;
		a = strstr(p, " y=\"");
		y = a && a < end ? atof(a + 4) : 0;
		a = strstr(p, "font-size=\"");
		fs = a && a < end ? atof(a + 11) : 0;
		if (fs < 11) {
			snprintf(why, len, "text at (%.0f, %.0f) is %.1f px",
				 x, y, fs);
			good = false;
			break;
		}
		c = strchr(p, '>') + 1;
		while (c < end) {
			if (!strncmp(c, "<title>", 7)) {
				c = strstr(c, "</title>") + 8;
				continue;
			}
			if (*c == '&')
				c = strchr(c, ';');
			else if ((unsigned char)*c >= 0xc0)
				while ((unsigned char)c[1] >= 0x80 &&
				       (unsigned char)c[1] < 0xc0)
					c++;
			chars++;
			c++;
		}
		b = realloc(b, (n + 1) * sizeof(*b));
		b[n++] = (struct box){ x, y - 0.8 * fs,
				       x + chars * 0.6 * fs, y + 0.2 * fs };
	}
	for (int i = 0; good && i < n; i++)
		for (int j = i + 1; good && j < n; j++)
			if (b[i].x0 < b[j].x1 - 0.5 && b[j].x0 < b[i].x1 - 0.5 &&
			    b[i].y0 < b[j].y1 - 0.5 && b[j].y0 < b[i].y1 - 0.5) {
				snprintf(why, len, "texts at (%.0f, %.0f) and "
					 "(%.0f, %.0f) overlap", b[i].x0,
					 b[i].y1, b[j].x0, b[j].y1);
				good = false;
			}
	if (good)
		snprintf(why, len, "%d texts", n);
	free(b);
	return good;
}

static bool have(const char *cmd)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "command -v %s >/dev/null 2>&1", cmd);
	return system(buf) == 0;
}

/* Write @bug's HTML to @dir/@bug.html; false if it could not. */
static bool write_html(const struct mmsim_program *p, const char *schedule,
		       const char *bug, const char *dir)
{
	char html[512];
	FILE *f;
	bool good;

	snprintf(html, sizeof(html), "%s/%s.html", dir, bug);
	f = fopen(html, "w");
	if (!f)
		return false;
	good = !report_html(f, p, schedule);
	return !fclose(f) && good;
}

static void attr_text(FILE *out, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		default: fputc(*s, out);
		}
}

/*
 * Every bug's HTML (@dir/NAME.html, @n of them) in one headless Chromium:
 * a page with each in an iframe; once loaded, its script draws each
 * iframe's picture on a canvas and writes "NAME rendered INK TEXTS" lines
 * (INK: pixels not white) into the DOM that --dump-dom prints.
 */
static void check_html_all(char names[][64], int n, const char *dir)
{
	char page[512], dom[512], log[512], cmd[2048];
	char *out, *errs;
	FILE *f;

	snprintf(page, sizeof(page), "%s/all.html", dir);
	snprintf(dom, sizeof(dom), "%s/all.dom", dir);
	snprintf(log, sizeof(log), "%s/all.log", dir);
	f = fopen(page, "w");
	if (!f) {
		ok(0, "the HTML page of every bug written");
		return;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<title>t_story</title></head><body>\n", f);
	for (int i = 0; i < n; i++) {
		char path[600];
		char *html;

		snprintf(path, sizeof(path), "%s/%s.html", dir, names[i]);
		html = slurp(path);
		fprintf(f, "<iframe data-bug=\"%s\" width=\"1400\" "
			"height=\"1700\" srcdoc=\"", names[i]);
		attr_text(f, html ? html : "");
		fputs("\"></iframe>\n", f);
		free(html);
	}
	fputs("<pre id=\"out\">PENDING</pre>\n<script>\n"
	      "window.addEventListener('load', async () => {\n"
	      "  const out = [];\n"
	      "  for (const f of document.querySelectorAll('iframe')) {\n"
	      "    const d = f.contentDocument;\n"
	      "    const svg = d && d.querySelector('svg');\n"
	      "    if (!svg) { out.push(f.dataset.bug + ' nosvg'); continue; }\n"
	      "    const img = new Image();\n"
	      "    const src = new XMLSerializer().serializeToString(svg);\n"
	      "    const ok = await new Promise(r => {\n"
	      "      img.onload = () => r(true); img.onerror = () => r(false);\n"
	      "      img.src = 'data:image/svg+xml;charset=utf-8,' +\n"
	      "                encodeURIComponent(src);\n"
	      "    });\n"
	      "    let ink = 0;\n"
	      "    if (ok) {\n"
	      "      const c = document.createElement('canvas');\n"
	      "      c.width = img.width; c.height = img.height;\n"
	      "      const g = c.getContext('2d');\n"
	      "      g.drawImage(img, 0, 0);\n"
	      "      const px = g.getImageData(0, 0, c.width, c.height).data;\n"
	      "      for (let i = 0; i < px.length; i += 4)\n"
	      "        if (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200)\n"
	      "          ink++;\n"
	      "    }\n"
	      "    out.push(f.dataset.bug + (ok ? ' rendered ' : ' failed ') +\n"
	      "             ink + ' ' + svg.querySelectorAll('text').length);\n"
	      "  }\n"
	      "  document.getElementById('out').textContent =\n"
	      "    out.join('\\n') + '\\nDONE';\n"
	      "});\n</script></body></html>\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "timeout 120 chromium --headless "
		 "--no-sandbox --disable-gpu --enable-logging=stderr --v=0 "
		 "--virtual-time-budget=20000 --dump-dom file://%s >%s 2>%s",
		 page, dom, log);
	if (system(cmd) != 0) {
		ok(0, "headless Chromium loads the page of every bug's HTML");
		return;
	}
	out = slurp(dom);
	errs = slurp(log);
	ok(out && strstr(out, "\nDONE"), "headless Chromium loads the page of "
	   "every bug's HTML (%d) and runs its script", n);
	ok(errs && !strstr(errs, "CONSOLE") && !strstr(errs, "Uncaught"),
	   "no console message or error in any bug's HTML");
	for (int i = 0; i < n; i++) {
		char key[80];
		const char *l = NULL;
		long ink = 0, texts = 0;

		snprintf(key, sizeof(key), "%s rendered ", names[i]);
		if (out)
			l = strstr(out, key);
		if (l)
			sscanf(l + strlen(key), "%ld %ld", &ink, &texts);
		ok(l && ink > 20000 && texts > 20, "%s: its HTML's picture "
		   "renders in Chromium, not blank (%ld pixels inked, %ld "
		   "texts)", names[i], ink, texts);
	}
	free(out);
	free(errs);
}

/*
 * The race stays in the picture however much it summarises: the violating
 * step, every preemption, and both steps of every cross-task read whose
 * write was made after the first preemption.
 */
static bool race_drawn(const struct story *st, const char *svg, char *why,
		       size_t len)
{
	int first = st->nr_ev, n = 0;
	/* the last resort of the layout (explore/svg.c): arrow ends
	 * summarised, said in the layout comment; the violation, the write
	 * it read and the preemptions stay */
	bool arrows_cut = !strstr(svg, "(0 of them arrow ends)");
	char key[64];

	for (int i = 0; i < st->nr_ev; i++)
		if (st->ev[i].preempt) {
			if (first == st->nr_ev)
				first = i;
			snprintf(key, sizeof(key), ">preemption %d<",
				 st->ev[i].preempt);
			if (!strstr(svg, key)) {
				snprintf(why, len, "no preemption %d",
					 st->ev[i].preempt);
				return false;
			}
		}
	for (int i = 0; i < st->nr_ev; i++) {
		const struct story_ev *e = &st->ev[i];
		int w = e->writer;
		bool need = i == st->viol && e->num > 0;

		if (e->num > 0 && w >= 0 && st->ev[w].num > 0 &&
		    st->ev[w].task != e->task && st->ev[w].at >= first &&
		    (!arrows_cut || i == st->viol)) {
			snprintf(key, sizeof(key), "<title>step %d: ",
				 st->ev[w].num);
			if (!strstr(svg, key)) {
				snprintf(why, len, "step %d (written, read by "
					 "step %d) not drawn", st->ev[w].num,
					 e->num);
				return false;
			}
			need = true;
			n++;
		}
		snprintf(key, sizeof(key), "<title>step %d: ", e->num);
		if (need && !strstr(svg, key)) {
			snprintf(why, len, "step %d not drawn", e->num);
			return false;
		}
	}
	snprintf(why, len, "%d preemption%s, %d cross-task read%s",
		 st->preempts, st->preempts == 1 ? "" : "s", n,
		 n == 1 ? "" : "s");
	return true;
}

/* The picture's size: at most a laptop screen's width, 1,600 px tall. */
static bool svg_size_ok(const char *svg, char *why, size_t len)
{
	const char *p = strstr(svg, "<svg ");
	const char *w = p ? strstr(p, " width=\"") : NULL;
	const char *h = p ? strstr(p, " height=\"") : NULL;
	double x = w ? atof(w + 8) : 0, y = h ? atof(h + 9) : 0;

	snprintf(why, len, "%.0f x %.0f px", x, y);
	return x > 0 && y > 0 && x <= 1366 && y <= 1600;
}

/*
 * Call chains name the functions the compiler inlined (explore/symbols.c
 * reads them from the debug information with addr2line -i): do_wp_page's
 * wp_can_reuse_anon_folio has no symbol of its own in this program, yet
 * the chain of the folio_move_anon_rmap step passes through it.
 */
static void check_inlined(const char *text)
{
	const char *fn = "wp_can_reuse_anon_folio";
	char cmd[256];

	if (!have("addr2line") || !have("nm")) {
		skip("call chains show inlined functions", "no addr2line/nm "
		     "(binutils)");
		return;
	}
	snprintf(cmd, sizeof(cmd), "nm /proc/%d/exe | grep -qw %s",
		 (int)getpid(), fn);
	if (!system(cmd)) {
		skip("call chains show inlined functions", "this build did "
		     "not inline wp_can_reuse_anon_folio");
		return;
	}
	ok(strstr(text, "wp_can_reuse_anon_folio > ") != NULL,
	   "cow-reuse-mapcount: a call chain passes through %s, which the "
	   "compiler inlined (no symbol)", fn);
}

/* Which tasks the slice keeps (a bit each). */
static uint64_t sliced_tasks(const struct story *st)
{
	uint64_t m = 0;

	for (int i = 0; i < st->nr_ev; i++)
		if (st->ev[i].rel && st->ev[i].task < 64)
			m |= 1ULL << st->ev[i].task;
	return m;
}

/* @schedule without the runs of tasks not in @keep. */
static char *drop_tasks(const char *schedule, uint64_t keep)
{
	char *out = calloc(strlen(schedule) + 1, 1), *o = out;
	int last = -1;

	for (const char *p = schedule; *p;) {
		char c = *p++;
		int t = c >= 'a' && c <= 'z' ? c - 'a' : c - 'A' + 26;
		long n = 1;

		if (*p >= '0' && *p <= '9')
			n = strtol(p, (char **)&p, 10);
		if (!(keep >> t & 1))
			continue;
		if (t == last && o > out) {
			/* merge with the previous run */
			char *q = o - 1;
			long m = 1;

			while (q > out && *q >= '0' && *q <= '9')
				q--;
			if (q[1] >= '0' && q[1] <= '9')
				m = strtol(q + 1, NULL, 10);
			o = q + 1;
			o += sprintf(o, "%ld", m + n);
			continue;
		}
		*o++ = c;
		if (n > 1)
			o += sprintf(o, "%ld", n);
		last = t;
	}
	*o = 0;
	return out;
}

static void check_slice(const struct mmsim_program *p, const struct story *st,
			const char *bug)
{
	uint64_t keep = sliced_tasks(st);
	bool writers_kept = true;
	int v = st->viol;

	/* the violating op's cross-task reads: their writers are sliced */
	for (int j = v; j >= 0 && v >= 0; j--) {
		const struct story_ev *e = &st->ev[j];

		if (e->task != st->ev[v].task)
			continue;
		if (e->op != st->ev[v].op)
			break;
		if (e->writer >= 0 && !st->ev[e->writer].rel) {
			writers_kept = false;
			diag("step at event %d reads what event %d (%s) wrote, "
			     "not in the slice", j, e->writer,
			     st->ev[e->writer].site->label);
		}
	}
	if (v >= 0)
		ok(writers_kept, "%s: the slice keeps the writers of what "
		   "the violating op read", bug);
	else	/* a check at the end: the slice is every page change */
		ok(st->nr_steps > 0 && st->res.fail_task < 0, "%s: an end "
		   "check's story shows the pages' changes (%d steps)", bug,
		   st->nr_steps);
	if (keep + 1 == 1ULL << st->nr_tasks || !keep) {
		ok(1, "%s: the slice keeps every task (%d)", bug,
		   st->nr_tasks);
	} else {
		char *sched = drop_tasks(st->schedule, keep);
		struct sim_config cfg = { .replay = sched };
		struct sim_result res;

		program_exec(p, &cfg, &res);
		if (res.outcome == SIM_DIVERGED)
			skip(bug, "the scenario needs the tasks the slice "
			     "leaves out (the schedule diverges)");
		else
			ok(same_failure(&res, &st->res), "%s: the sliced "
			   "tasks' schedule %s fails the same way", bug,
			   sched);
		free(sched);
	}
}

int main(void)
{
	char dir[] = "/tmp/t_story.XXXXXX";
	bool rsvg = have("rsvg-convert"), chromium = have("chromium");
	static char html_of[SIM_REGRESS__NR][64];
	int nr_html = 0;

	scenario_runner_register();
	if (!mkdtemp(dir))
		return 1;
	for (int id = 0; id < SIM_REGRESS__NR; id++) {
		const struct sim_regress *e = &sim_regress_table[id];
		char path[512], err[512], why[256];
		char *want, *sched, *got, *cw, *cg, *svg = NULL;
		struct mmsim_program *p;
		struct story *st;
		size_t len = 0;
		FILE *f;
		int row = -1;

		if (e->placeholder || e->needs)
			continue;	/* mmsim bugs does not hunt these */
		for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++)
			if (!strcmp(steps[k].bug, e->name))
				row = k;
		ok(row >= 0, "%s: the test knows its steps", e->name);
		snprintf(path, sizeof(path), "docs/pictures/%s.txt", e->name);
		want = slurp(path);
		if (!ok(want != NULL, "%s: %s exists (make stories)", e->name,
			path))
			continue;
		sched = story_schedule(want);
		p = program_load(e->scenario, err, sizeof(err));
		if (!ok(p && sched, "%s: %s loads, story names a schedule",
			e->name, e->scenario)) {
			free(want);
			free(sched);
			continue;
		}
		sim_regress_clear();
		sim_regress_set(id, true);
		st = story_build(p, sched);
		got = story_text(st);
		cw = canonical(want);
		cg = canonical(got);
		if (!ok(!strcmp(cw, cg), "%s: %s is current", e->name, path))
			diag("regenerate with: make stories\n%s", cg);
		if (row >= 0) {
			bool in = funcs_in_order(got, steps[row].funcs, why,
						 sizeof(why));

			ok(in, "%s: the story names the docs' steps in order",
			   e->name);
			if (!in)
				diag("%s", why);
		}
		f = open_memstream(&svg, &len);
		story_svg(f, st);
		fclose(f);
		ok(svg_text_ok(svg, why, sizeof(why)), "%s: SVG text >= 11 px, "
		   "no overlapping labels (%s)", e->name, why);
		ok(svg_size_ok(svg, why, sizeof(why)), "%s: the picture fits "
		   "a laptop screen, <= 1366 px wide, <= 1600 px tall (%s)",
		   e->name, why);
		ok(race_drawn(st, svg, why, sizeof(why)), "%s: the picture "
		   "keeps the race: violation, preemptions, both ends of the "
		   "reads after the first preemption (%s)", e->name, why);
		{
			/* the committed picture (the -O2 mmsim drew it) */
			char *doc, size[64] = "none";
			bool fits = false;

			snprintf(path, sizeof(path), "docs/pictures/%s.svg",
				 e->name);
			doc = slurp(path);
			snprintf(why, sizeof(why), "missing");
			if (doc)
				fits = svg_size_ok(doc, size, sizeof(size)) &
				       svg_text_ok(doc, why, sizeof(why));
			ok(fits, "%s: %s fits a laptop screen, text >= 11 px, "
			   "no overlap (%s, %s)", e->name, path, size, why);
			free(doc);
		}
		if (rsvg) {
			char svgp[600], cmd[1400];

			snprintf(svgp, sizeof(svgp), "%s/%s.svg", dir,
				 e->name);
			f = fopen(svgp, "w");
			fputs(svg, f);
			fclose(f);
			snprintf(cmd, sizeof(cmd), "rsvg-convert %s -o "
				 "%s/%s-rsvg.png", svgp, dir, e->name);
			ok(system(cmd) == 0, "%s: rsvg-convert renders the "
			   "SVG", e->name);
		} else {
			skip("rsvg-convert renders the SVG",
			     "rsvg-convert not installed (librsvg2-bin)");
		}
		if (chromium) {
			bool w = write_html(p, sched, e->name, dir);

			ok(w, "%s: HTML written", e->name);
			if (w)
				snprintf(html_of[nr_html++], 64, "%s",
					 e->name);
		} else {
			skip("the HTML opens in headless Chromium",
			     "chromium not installed (apt-get install -y "
			     "chromium)");
		}
		if (!strcmp(e->name, "cow-reuse-mapcount"))
			check_inlined(got);
		check_slice(p, st, e->name);
		sim_regress_clear();
		story_free(st);
		scenario_program_free(p);
		free(svg);
		free(want);
		free(got);
		free(cw);
		free(cg);
		free(sched);
	}
	if (nr_html)
		check_html_all(html_of, nr_html, dir);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			diag("could not remove %s", dir);
	}
	return done_testing();
}
