// SPDX-License-Identifier: GPL-2.0
/*
 * scenario/parser.c - statements of the .mms language into the AST.
 *
 *	file	= { line } ;
 *	line	= [ config | process | header | op | expect ] EOL ;
 *
 * One line is one statement, so an error costs the rest of its line and
 * parsing goes on with the next one: up to SCN_MAX_ERRORS errors are
 * collected. Limits and allocation failures stop the parse at once.
 * Semantic checks (validate.c) run only when the text parsed cleanly, so
 * their messages never follow from an earlier syntax error.
 *
 * Names are interned as they are met: a region, handle, signal or process
 * gets its table slot at its first mention, in source order, and the op
 * that binds it fills it in. Spawn operands name threads, which get slots
 * only from their headers, so they are resolved after the last line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/internal.h"
#include "sim/regress.h"

#define TOK_MAX (SCN_MAX_LINE + 2) /* tokens of a line, and EOL */

/* ---- errors ---- */

static void vrecord(struct parser *p, struct scn_pos pos, const char *fmt,
		    va_list ap)
{
	if (p->nr_errs >= SCN_MAX_ERRORS)
		return;
	p->errs[p->nr_errs].pos = pos;
	vsnprintf(p->errs[p->nr_errs].msg, SCN_MSG_MAX, fmt, ap);
	if (++p->nr_errs >= SCN_MAX_ERRORS)
		p->fatal = true;
}

static int pos_cmp(const void *a, const void *b)
{
	const struct perror *x = a, *y = b;

	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * report_errors - the collected errors, in source order (gcc's), into
 * p->err: the first in line/col/msg, all of them in text.
 */
static void report_errors(struct parser *p)
{
	struct scenario_error *e = p->err;
	size_t used = 0;
	int i;

	qsort(p->errs, p->nr_errs, sizeof(p->errs[0]), pos_cmp);
	e->nr_errors = p->nr_errs;
	if (!p->nr_errs)
		return;
	e->line = p->errs[0].pos.line;
	e->col = p->errs[0].pos.col;
	snprintf(e->msg, sizeof(e->msg), "%s", p->errs[0].msg);
	for (i = 0; i < p->nr_errs && used < sizeof(e->text); i++)
		used += snprintf(e->text + used, sizeof(e->text) - used,
				 "%.64s:%u:%u: error: %s\n", p->file,
				 p->errs[i].pos.line, p->errs[i].pos.col,
				 p->errs[i].msg);
}

int perr(struct parser *p, struct scn_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(p, pos, fmt, ap);
	va_end(ap);
	return -1;
}

int pfatal(struct parser *p, struct scn_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(p, pos, fmt, ap);
	va_end(ap);
	p->fatal = true;
	return -1;
}

/* ---- tables ---- */

/*
 * grow - make room for one more element in *@arr (holding @n of @cap).
 * Returns 0, or -1 (fatal error reported) on ENOMEM.
 */
int grow(struct parser *p, void **arr, int *cap, int n, size_t size)
{
	void *a;
	int ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	a = realloc(*arr, (size_t)ncap * size);
	if (!a)
		return pfatal(p, (struct scn_pos){ p->line, 1 },
			      "out of memory");
	memset((char *)a + (size_t)*cap * size, 0,
	       (size_t)(ncap - *cap) * size);
	*arr = a;
	*cap = ncap;
	return 0;
}

char *tok_strdup(struct parser *p, const struct token *t)
{
	char *s = malloc(t->len + 1);

	if (!s) {
		pfatal(p, t->pos, "out of memory");
		return NULL;
	}
	memcpy(s, t->s, t->len);
	s[t->len] = 0;
	return s;
}

static bool name_eq(const char *name, const struct token *t)
{
	return strlen(name) == t->len && !memcmp(name, t->s, t->len);
}

/*
 * INTERN - the slot of the object named @t in table @arr, made at its
 * first mention. Returns the index, or -1 on a limit or ENOMEM (reported).
 */
#define INTERN(p, arr, nr, cap, limit, what, t, init)                       \
	({                                                                  \
		int __i, __r = -1;                                          \
		for (__i = 0; __i < (nr); __i++)                            \
			if (name_eq((arr)[__i].name, t))                    \
				break;                                      \
		if (__i < (nr))                                             \
			__r = __i;                                          \
		else if ((nr) >= (limit))                                   \
			pfatal(p, (t)->pos, "too many %s (limit %d)", what, \
			       limit);                                      \
		else if (!GROW(p, arr, cap, nr) &&                          \
			 ((arr)[nr].name = tok_strdup(p, t))) {             \
			(arr)[nr].pos = (t)->pos;                           \
			init;                                               \
			__r = (nr)++;                                       \
		}                                                           \
		__r;                                                        \
	})

int intern_proc(struct parser *p, const struct token *t)
{
	struct scenario *s = p->s;

	return INTERN(p, s->procs, s->nr_procs, p->cap_procs, SCN_MAX_PROCS,
		      "processes", t, ({
			      s->procs[s->nr_procs].parent = -1;
			      s->procs[s->nr_procs].fork_op = -1;
			      s->procs[s->nr_procs].first_thread = -1;
			      s->procs[s->nr_procs].ref_pos = t->pos;
		      }));
}

int intern_region(struct parser *p, const struct token *t)
{
	struct scenario *s = p->s;

	return INTERN(p, s->regions, s->nr_regions, p->cap_regions,
		      SCN_MAX_REGIONS, "regions", t, ({
			      s->regions[s->nr_regions].proc = -1;
			      s->regions[s->nr_regions].op = -1;
		      }));
}

int intern_handle(struct parser *p, const struct token *t)
{
	struct scenario *s = p->s;

	return INTERN(p, s->handles, s->nr_handles, p->cap_handles,
		      SCN_MAX_HANDLES, "pin handles", t,
		      ({ s->handles[s->nr_handles].op = -1; }));
}

int intern_signal(struct parser *p, const struct token *t)
{
	struct scenario *s = p->s;

	return INTERN(p, s->signals, s->nr_signals, p->cap_signals,
		      SCN_MAX_SIGNALS, "signals", t, ({}));
}

int intern_file(struct parser *p, const struct token *t)
{
	struct scenario *s = p->s;

	return INTERN(p, s->files, s->nr_files, p->cap_files, SCN_MAX_FILES,
		      "files", t, ({ s->files[s->nr_files].op = -1; }));
}

int intern_mark(struct parser *p, const struct token *t)
{
	struct scenario *s = p->s;

	return INTERN(p, s->marks, s->nr_marks, p->cap_marks, SCN_MAX_MARKS,
		      "frame marks", t, ({}));
}

int find_thread(const struct scenario *s, const char *name)
{
	int i;

	for (i = 0; i < s->nr_threads; i++)
		if (!strcmp(s->threads[i].name, name))
			return i;
	return -1;
}

/* ---- tokens ---- */

/* expected - "expected @what, got <the next token>". Returns -1. */
int expected(struct parser *p, const char *what)
{
	char buf[64];
	struct token *t = peek(p);

	return perr(p, t->pos, "expected %s, got %s", what,
		    tok_desc(t, buf, sizeof(buf)));
}

int expect_eol(struct parser *p)
{
	return peek(p)->type == TOK_EOL ? 0 : expected(p, "end of line");
}

/* parse_name - a name token (a word of at most SCN_MAX_NAME bytes). */
struct token *parse_name(struct parser *p, const char *what)
{
	struct token *t = peek(p);
	char buf[64];

	if (t->type != TOK_WORD) {
		snprintf(buf, sizeof(buf), "a %s name", what);
		expected(p, buf);
		return NULL;
	}
	if (t->len > SCN_MAX_NAME) {
		perr(p, t->pos, "%s name too long (limit %d bytes)", what,
		     SCN_MAX_NAME);
		return NULL;
	}
	return next(p);
}

int parse_num(struct parser *p, const char *what, uint64_t *v,
	      struct scn_pos *pos)
{
	struct token *t = peek(p);

	if (t->type != TOK_NUM)
		return expected(p, what);
	next(p);
	*v = t->num;
	if (pos)
		*pos = t->pos;
	return 0;
}

/* ---- top-level statements ---- */

enum cfg_type {
	CFG_SIZE,
	CFG_COUNT,
	CFG_NUM,
	CFG_THP,
	CFG_THP_NUMA,
	CFG_LIST,
	CFG_ARCH,
	CFG_TLB_FREE,
	CFG_MEMORY,
	CFG_SHMEM,
	CFG_SWAP_IO,
};

static const struct cfg_key {
	const char *name;
	unsigned int bit;
	enum cfg_type type;
	uint64_t min, max;
} cfg_keys[] = {
	{ "mem", SCN_CFG_MEM, CFG_SIZE, SCN_PAGE_SIZE, SCN_MAX_MEM },
	{ "nodes", SCN_CFG_NODES, CFG_COUNT, 1, SCN_MAX_NODES },
	{ "cpus", SCN_CFG_CPUS, CFG_COUNT, 1, SCN_MAX_CPUS },
	{ "swap", SCN_CFG_SWAP, CFG_SIZE, 0, SCN_MAX_MEM },
	{ "device", SCN_CFG_DEVICE, CFG_SIZE, 0, SCN_MAX_MEM },
	{ "thp", SCN_CFG_THP, CFG_THP },
	{ "thp_numa", SCN_CFG_THP_NUMA, CFG_THP_NUMA },
	{ "regress", SCN_CFG_REGRESS, CFG_LIST },
	{ "steps", SCN_CFG_STEPS, CFG_NUM, 1, UINT64_MAX },
	{ "seed", SCN_CFG_SEED, CFG_NUM, 0, UINT64_MAX },
	{ "arch", SCN_CFG_ARCH, CFG_ARCH },
	{ "tlb_free", SCN_CFG_TLB_FREE, CFG_TLB_FREE },
	/* validate.c names the positions of the keys above by index */
	{ "memory", SCN_CFG_MEMORY, CFG_MEMORY },
	{ "shmem_enabled", SCN_CFG_SHMEM, CFG_SHMEM },
	{ "swap_io", SCN_CFG_SWAP_IO, CFG_SWAP_IO },
};

#define NR_CFG_KEYS (int)(sizeof(cfg_keys) / sizeof(cfg_keys[0]))

/* cfg_number - a size or count value of key @k, range checked. */
static int cfg_number(struct parser *p, const struct cfg_key *k, uint64_t *v)
{
	struct scn_pos pos;

	if (parse_num(p, k->type == CFG_SIZE ? "a size" : "a number", v, &pos))
		return -1;
	if (*v < k->min || *v > k->max)
		return perr(p, pos, "%s=%llu out of range (limit %llu..%llu)",
			    k->name, (unsigned long long)*v,
			    (unsigned long long)k->min,
			    (unsigned long long)k->max);
	if (k->type == CFG_SIZE && *v % SCN_PAGE_SIZE)
		return perr(p, pos,
			    "%s=%#llx is not a multiple of the page size (4K)",
			    k->name, (unsigned long long)*v);
	return 0;
}

/* Is the name @t an entry of the catalogue (sim/regress.c)? */
static bool known_regress(const struct token *t)
{
	for (int i = 0; i < SIM_REGRESS__NR; i++)
		if (strlen(sim_regress_table[i].name) == t->len &&
		    !memcmp(sim_regress_table[i].name, t->s, t->len))
			return true;
	return false;
}

static int cfg_regress(struct parser *p, struct scn_config *c)
{
	struct token *t;

	do {
		t = parse_name(p, "regression");
		if (!t)
			return -1;
		if (!known_regress(t))
			return perr(p, t->pos,
				    "unknown regression '%.*s' (mmsim bugs "
				    "lists the catalogue)", (int)t->len, t->s);
		if (c->nr_regress >= SCN_MAX_REGRESS)
			return perr(p, t->pos,
				    "too many regressions (limit %d)",
				    SCN_MAX_REGRESS);
		c->regress[c->nr_regress] = tok_strdup(p, t);
		if (!c->regress[c->nr_regress])
			return -1;
		c->nr_regress++;
	} while (accept(p, TOK_COMMA));
	return 0;
}

/* cfg_enum - one of the words @names (NULL-terminated) into *@v. */
static int cfg_enum(struct parser *p, const char *what,
		    const char *const *names, unsigned int *v)
{
	struct token *t = peek(p);
	int i;

	for (i = 0; names[i]; i++) {
		if (tok_is(t, names[i])) {
			next(p);
			*v = i;
			return 0;
		}
	}
	return expected(p, what);
}

static int cfg_value(struct parser *p, const struct cfg_key *k)
{
	static const char *const thp[] = { "madvise", "always", "never", NULL };
	static const char *const thp_numa[] = { "current", "legacy", NULL };
	static const char *const arch[] = { "x86", "arm64", NULL };
	static const char *const tlb_free[] = { "ipi", "rcu", NULL };
	static const char *const memory[] = { "sc", "tso", "arm64", NULL };
	static const char *const shmem[] = { "never", "always", "within_size",
					     "advise", "deny", "force", NULL };
	static const char *const swap_io[] = { "async", "sync", NULL };
	struct scn_config *c = &p->s->config;
	unsigned int e;
	uint64_t v = 0;

	switch (k->type) {
	case CFG_THP:
		if (cfg_enum(p, "always, madvise or never", thp, &e))
			return -1;
		c->thp = e;
		return 0;
	case CFG_THP_NUMA:
		if (cfg_enum(p, "legacy or current", thp_numa, &e))
			return -1;
		c->thp_numa = e;
		return 0;
	case CFG_ARCH:
		if (cfg_enum(p, "x86 or arm64", arch, &e))
			return -1;
		c->arch = e;
		return 0;
	case CFG_TLB_FREE:
		if (cfg_enum(p, "ipi or rcu", tlb_free, &e))
			return -1;
		c->tlb_free = e + 1;
		return 0;
	case CFG_SHMEM:
		if (cfg_enum(p, "never, always, within_size, advise, deny or "
			     "force", shmem, &e))
			return -1;
		c->shmem_enabled = e;
		return 0;
	case CFG_MEMORY:
		if (cfg_enum(p, "sc, tso or arm64", memory, &e))
			return -1;
		c->memory = e;
		return 0;
	case CFG_SWAP_IO:
		if (cfg_enum(p, "async or sync", swap_io, &e))
			return -1;
		c->swap_io = e;
		return 0;
	case CFG_LIST:
		return cfg_regress(p, c);
	default:
		break;
	}
	if (cfg_number(p, k, &v))
		return -1;
	switch (k->bit) {
	case SCN_CFG_MEM:
		c->mem = v;
		break;
	case SCN_CFG_NODES:
		c->nodes = v;
		break;
	case SCN_CFG_CPUS:
		c->cpus = v;
		break;
	case SCN_CFG_SWAP:
		c->swap = v;
		break;
	case SCN_CFG_DEVICE:
		c->device = v;
		break;
	case SCN_CFG_STEPS:
		c->steps = v;
		break;
	case SCN_CFG_SEED:
		c->seed = v;
		break;
	}
	return 0;
}

/*
 * parse_config - "config KEY=VALUE ...": at least one pair; each key at
 * most once per file; only before the first thread header.
 */
static int parse_config(struct parser *p)
{
	struct token *kw = next(p), *t;
	int i;

	if (p->seen_thread)
		return perr(p, kw->pos,
			    "'config' must come before the first thread");
	if (peek(p)->type == TOK_EOL)
		return expected(
			p,
			"a config key (mem, nodes, cpus, swap, device, thp, thp_numa, regress, steps, seed, arch, tlb_free, memory, shmem_enabled, swap_io)");
	while (peek(p)->type != TOK_EOL) {
		t = peek(p);
		for (i = 0; i < NR_CFG_KEYS; i++)
			if (tok_is(t, cfg_keys[i].name))
				break;
		if (i == NR_CFG_KEYS)
			return expected(
				p,
				"a config key (mem, nodes, cpus, swap, device, thp, thp_numa, regress, steps, seed, arch, tlb_free, memory, shmem_enabled, swap_io)");
		if (p->s->config.set & cfg_keys[i].bit)
			return perr(
				p, t->pos,
				"duplicate config key '%s' (first set at %u:%u)",
				cfg_keys[i].name, p->cfg_pos[i].line,
				p->cfg_pos[i].col);
		next(p);
		if (!accept(p, TOK_EQ))
			return expected(p, "'=' after the config key");
		if (cfg_value(p, &cfg_keys[i]))
			return -1;
		p->s->config.set |= cfg_keys[i].bit;
		p->cfg_pos[i] = t->pos;
	}
	return 0;
}

/* parse_process - "process NAME": declare a root process. */
static int parse_process(struct parser *p)
{
	struct token *kw = next(p), *t;
	struct scn_proc *pr;
	int i;

	if (p->seen_thread)
		return perr(p, kw->pos,
			    "'process' must come before the first thread");
	t = parse_name(p, "process");
	if (!t)
		return -1;
	if (peek(p)->type == TOK_COLON)
		return expected(
			p,
			"end of line ('process P' declares a root process; its threads say 'thread T in P:')");
	if (expect_eol(p))
		return -1;
	if (tok_is(t, "init"))
		return perr(p, t->pos,
			    "process 'init' is implicit; do not declare it");
	i = intern_proc(p, t);
	if (i < 0)
		return -1;
	pr = &p->s->procs[i];
	if (pr->declared)
		return perr(p, t->pos,
			    "duplicate process '%s' (first declared at %u:%u)",
			    pr->name, pr->pos.line, pr->pos.col);
	pr->declared = true;
	pr->pos = t->pos;
	return 0;
}

/* header_proc - the process of a "thread" header: "in PROC", or init. */
static int header_proc(struct parser *p)
{
	static const struct token init = { TOK_WORD, { 0, 0 }, "init", 4 };
	struct token *t, it;
	int i;

	if (!tok_is(peek(p), "in")) {
		it = init;
		it.pos = p->tok[0].pos;
		t = &it;
	} else {
		next(p);
		t = parse_name(p, "process");
		if (!t)
			return -1;
	}
	i = intern_proc(p, t);
	if (i >= 0 && tok_is(t, "init") && !p->s->procs[i].implicit) {
		p->s->procs[i].implicit = true;
		p->s->procs[i].pos = t->pos;
	}
	return i;
}

/*
 * parse_header - "thread NAME [in PROC]:" or "kthread NAME:". Opens the
 * block the following op lines belong to.
 */
static int parse_header(struct parser *p)
{
	struct scenario *s = p->s;
	bool kthread = tok_is(next(p), "kthread");
	struct scn_thread *th;
	struct token *t;
	int i, proc = -1;

	p->cur_thread = -1;
	p->seen_thread = true;
	t = parse_name(p, "thread");
	if (!t)
		return -1;
	if (!kthread) {
		proc = header_proc(p);
		if (proc < 0)
			return -1;
	} else if (tok_is(peek(p), "in")) {
		return expected(p, "':' (a kthread belongs to no process)");
	}
	if (!accept(p, TOK_COLON))
		return expected(p, kthread ? "':'" : "'in PROCESS' or ':'");
	if (expect_eol(p))
		return -1;
	for (i = 0; i < s->nr_threads; i++)
		if (name_eq(s->threads[i].name, t))
			return perr(
				p, t->pos,
				"duplicate thread '%s' (first declared at %u:%u)",
				s->threads[i].name, s->threads[i].pos.line,
				s->threads[i].pos.col);
	if (s->nr_threads >= SCN_MAX_THREADS)
		return pfatal(p, t->pos, "too many threads (limit %d)",
			      SCN_MAX_THREADS);
	if (GROW(p, s->threads, p->cap_threads, s->nr_threads))
		return -1;
	th = &s->threads[s->nr_threads];
	th->name = tok_strdup(p, t);
	if (!th->name)
		return -1;
	th->pos = t->pos;
	th->kthread = kthread;
	th->proc = proc;
	th->first_op = s->nr_ops;
	th->spawn_op = -1;
	if (proc >= 0 && s->procs[proc].first_thread < 0)
		s->procs[proc].first_thread = s->nr_threads;
	p->cur_thread = s->nr_threads++;
	return 0;
}

/* parse_expect - "expect ok|deadlock|livelock|violation [KIND]". */
static int parse_expect(struct parser *p)
{
	static const char *const verdicts[] = { "ok", "violation", "deadlock",
						"livelock", NULL };
	struct scn_expect *e = &p->s->expect;
	struct token *kw = next(p), *t;
	const char *near;
	unsigned int v;
	int i;

	p->cur_thread = -1;
	if (p->seen_expect)
		return perr(p, kw->pos, "duplicate 'expect' (first at %u:%u)",
			    e->pos.line, e->pos.col);
	if (cfg_enum(p, "ok, violation, deadlock or livelock", verdicts, &v))
		return -1;
	e->verdict = v;
	e->pos = kw->pos;
	p->seen_expect = true;
	if (v == SCN_EXPECT_VIOLATION && peek(p)->type == TOK_WORD) {
		t = peek(p);
		for (i = 0; scenario_violation_kinds[i]; i++)
			if (tok_is(t, scenario_violation_kinds[i]))
				break;
		if (!scenario_violation_kinds[i]) {
			near = nearest(t->s, t->len, scenario_violation_kinds,
				       -1);
			if (near)
				return perr(
					p, t->pos,
					"expected a violation kind, got '%.*s' (did you mean '%s'?)",
					t->len > 40 ? 40 : (int)t->len, t->s,
					near);
			return expected(
				p,
				"a violation kind (lost-store, wrong-value, pin-incoherent, ...; see docs/scenario-language.md)");
		}
		e->kind = tok_strdup(p, next(p));
		if (!e->kind)
			return -1;
	}
	return expect_eol(p);
}

/* close_repeat_missing - a thread or the file ends inside "repeat". */
static int close_repeat_missing(struct parser *p, struct scn_pos pos)
{
	if (p->rep_start < 0)
		return 0;
	p->rep_start = -1;
	return perr(p, pos, "'repeat' at %u:%u is not closed (expected 'end')",
		    p->rep_pos.line, p->rep_pos.col);
}

/*
 * parse_repeat - "repeat N:" opens a block of the current thread's ops
 * that "end" closes; at "end" the body is written N times in all
 * (SCN_MAX_OPS bounds the result). Blocks do not nest, and a spawn in a
 * body would start its threads N times, so neither is accepted.
 */
static int parse_repeat(struct parser *p)
{
	struct token *kw = next(p);

	if (p->rep_start >= 0)
		return perr(p, kw->pos,
			    "nested 'repeat' (the block at %u:%u is still open)",
			    p->rep_pos.line, p->rep_pos.col);
	if (parse_num(p, "a repeat count", &p->rep_n, NULL))
		return -1;
	if (p->rep_n < 1 || p->rep_n > SCN_MAX_OPS)
		return perr(p, kw->pos, "repeat count %llu out of range (1..%d)",
			    (unsigned long long)p->rep_n, SCN_MAX_OPS);
	if (peek(p)->type != TOK_COLON)
		return expected(p, "':' after the repeat count");
	next(p);
	if (expect_eol(p))
		return -1;
	p->rep_start = p->s->nr_ops;
	p->rep_pos = kw->pos;
	return 0;
}

static int parse_end(struct parser *p)
{
	struct scenario *s = p->s;
	struct token *kw = next(p);
	int start = p->rep_start, len = s->nr_ops - start;

	if (expect_eol(p))
		return -1;
	if (start < 0)
		return perr(p, kw->pos, "'end' without 'repeat'");
	p->rep_start = -1;
	if (!len)
		return perr(p, kw->pos, "empty 'repeat' block");
	for (int i = start; i < s->nr_ops; i++)
		if (s->ops[i].kind == SCN_OP_SPAWN)
			return perr(p, s->ops[i].pos,
				    "spawn inside 'repeat' would start its "
				    "threads more than once");
	if ((uint64_t)len * p->rep_n > (uint64_t)(SCN_MAX_OPS - start))
		return pfatal(p, p->rep_pos,
			      "too many ops (limit %d) once 'repeat %llu' is "
			      "written out",
			      SCN_MAX_OPS, (unsigned long long)p->rep_n);
	s->ops[start].repeat = (unsigned int)p->rep_n;
	s->ops[start].repeat_len = len;
	for (uint64_t c = 1; c < p->rep_n; c++) {
		for (int i = 0; i < len; i++) {
			if (GROW(p, s->ops, p->cap_ops, s->nr_ops))
				return -1;
			s->ops[s->nr_ops] = s->ops[start + i];
			s->ops[s->nr_ops].repeat = 0;
			s->ops[s->nr_ops].repeat_len = 0;
			s->ops[s->nr_ops].repeat_copy = true;
			s->nr_ops++;
			s->threads[p->cur_thread].nr_ops++;
		}
	}
	return 0;
}

/* parse_statement - one line: dispatch on its first word. */
static int parse_statement(struct parser *p)
{
	struct token *t = peek(p);
	const struct op_spec *spec;
	const char *near;

	if (t->type == TOK_EOL)
		return 0;
	if (t->type == TOK_WORD) {
		if (p->rep_start >= 0 && !op_lookup(t->s, t->len) &&
		    !tok_is(t, "end") && !tok_is(t, "repeat"))
			close_repeat_missing(p, t->pos);
		if (p->cur_thread >= 0 && tok_is(t, "repeat"))
			return parse_repeat(p);
		if (p->cur_thread >= 0 && tok_is(t, "end"))
			return parse_end(p);
		if (tok_is(t, "config"))
			return parse_config(p);
		if (tok_is(t, "process"))
			return parse_process(p);
		if (tok_is(t, "thread") || tok_is(t, "kthread"))
			return parse_header(p);
		if (tok_is(t, "expect"))
			return parse_expect(p);
		spec = op_lookup(t->s, t->len);
		if (spec && p->cur_thread >= 0)
			return parse_op(p, spec);
		if (spec)
			return perr(
				p, t->pos,
				"op '%s' outside a thread block (expected 'thread NAME:' before it)",
				spec->name);
		if (p->cur_thread >= 0) {
			near = nearest_op(t->s, t->len);
			return perr(p, t->pos, "unknown op '%.*s'%s%s%s",
				    t->len > 40 ? 40 : (int)t->len, t->s,
				    near ? " (did you mean '" : "",
				    near ? near : "", near ? "'?)" : "");
		}
	}
	return expected(p,
			p->cur_thread >= 0 ?
				"an op" :
				"config, process, thread, kthread or expect");
}

/* ---- the whole file ---- */

static void config_defaults(struct scn_config *c)
{
	c->mem = 16ULL << 20;
	c->nodes = 1;
	c->thp = SCN_THP_MADVISE;
	c->thp_numa = SCN_THP_NUMA_CURRENT;
}

/* resolve_spawns - spawn operands to thread indices. */
static int resolve_spawns(struct parser *p)
{
	struct spawn_ref *r;
	int i, t, ret = 0;

	for (i = 0; i < p->nr_srefs && !p->fatal; i++) {
		r = &p->srefs[i];
		t = find_thread(p->s, r->name);
		if (t < 0)
			ret = perr(p, r->pos, "undefined thread '%s'", r->name);
		p->s->ops[r->op].spawn[r->idx] = t;
	}
	return ret;
}

/* eof_pos - where "end of file" is, for the missing-expect error. */
static struct scn_pos eof_pos(const struct parser *p)
{
	const char *nl;
	size_t i;

	if (!p->len || p->buf[p->len - 1] == '\n')
		return (struct scn_pos){ p->line + 1, 1 };
	for (i = p->len; i > 0 && p->buf[i - 1] != '\n'; i--)
		;
	nl = p->buf + i;
	return (struct scn_pos){ p->line ? p->line : 1,
				 (unsigned int)(p->buf + p->len - nl) + 1 };
}

static void parse_lines(struct parser *p)
{
	int r;

	/* An error costs the rest of its line only: go on for more. */
	while (!p->fatal && (r = lex_line(p)) != 0)
		if (r > 0)
			parse_statement(p);
}

static int parse_finish(struct parser *p)
{
	close_repeat_missing(p, eof_pos(p));
	if (p->nr_errs)
		return -1;
	if (!p->seen_expect)
		return perr(
			p, eof_pos(p),
			"expected an 'expect' line (expect ok, expect violation, ...), got end of file");
	if (!p->s->nr_threads)
		return perr(
			p, eof_pos(p),
			"expected a thread ('thread NAME:'), got end of file");
	if (resolve_spawns(p))
		return -1;
	return validate(p);
}

struct scenario *scenario_parse(const char *text, size_t len,
				const char *filename,
				struct scenario_error *err)
{
	struct scenario_error local;
	struct parser p = { .buf = text, .len = len, .cur_thread = -1,
			    .rep_start = -1 };
	int r = -1;

	p.err = err ? err : &local;
	memset(p.err, 0, sizeof(*p.err));
	p.file = filename ? filename : "<input>";
	p.s = calloc(1, sizeof(*p.s));
	p.tok = malloc(TOK_MAX * sizeof(*p.tok));
	if (!p.s || !p.tok || !(p.s->filename = strdup(p.file))) {
		pfatal(&p, (struct scn_pos){ 1, 1 }, "out of memory");
	} else if (len > SCN_MAX_INPUT) {
		pfatal(&p, (struct scn_pos){ 1, 1 },
		       "input too large (limit %d bytes)", SCN_MAX_INPUT);
	} else {
		config_defaults(&p.s->config);
		parse_lines(&p);
		r = parse_finish(&p);
	}
	free(p.tok);
	free(p.srefs);
	report_errors(&p);
	if (r) {
		scenario_free(p.s);
		return NULL;
	}
	return p.s;
}

/* load_error - an I/O error for @path in @err. Returns NULL. */
static struct scenario *load_error(const char *path,
				   struct scenario_error *err, const char *why)
{
	memset(err, 0, sizeof(*err));
	err->nr_errors = 1;
	snprintf(err->msg, sizeof(err->msg), "cannot read: %s", why);
	snprintf(err->text, sizeof(err->text), "%.200s: error: %s\n", path,
		 err->msg);
	return NULL;
}

struct scenario *scenario_load_file(const char *path,
				    struct scenario_error *err)
{
	struct scenario_error local;
	struct scenario *s;
	char *buf;
	size_t n;
	FILE *f;
	int e;

	err = err ? err : &local;
	f = fopen(path, "rb");
	if (!f)
		return load_error(path, err, strerror(errno));
	buf = malloc(SCN_MAX_INPUT + 1);
	if (!buf) {
		fclose(f);
		return load_error(path, err, "out of memory");
	}
	/* one byte more than the limit, so that scenario_parse sees it */
	n = fread(buf, 1, SCN_MAX_INPUT + 1, f);
	e = ferror(f) ? errno : 0;
	fclose(f);
	s = e ? load_error(path, err, strerror(e)) :
		scenario_parse(buf, n, path, err);
	free(buf);
	return s;
}
