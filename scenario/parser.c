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

#define TOK_MAX (SCN_MAX_LINE + 2)

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
static int grow(struct parser *p, void **arr, int *cap, int n, size_t size)
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

#define GROW(p, arr, cap, n) grow(p, (void **)&(arr), &(cap), n, sizeof(*(arr)))

static char *tok_strdup(struct parser *p, const struct token *t)
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
#define INTERN(p, arr, nr, cap, limit, what, t, init)                      \
	({                                                                 \
		int __i, __r = -1;                                         \
		for (__i = 0; __i < (nr); __i++)                           \
			if (name_eq((arr)[__i].name, t))                   \
				break;                                     \
		if (__i < (nr))                                            \
			__r = __i;                                         \
		else if ((nr) >= (limit))                                  \
			pfatal(p, (t)->pos, "too many %s (limit %d)", what, \
			       limit);                                     \
		else if (!GROW(p, arr, cap, nr) &&                         \
			 ((arr)[nr].name = tok_strdup(p, t))) {            \
			(arr)[nr].pos = (t)->pos;                          \
			init;                                              \
			__r = (nr)++;                                      \
		}                                                          \
		__r;                                                       \
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

int find_thread(const struct scenario *s, const char *name)
{
	int i;

	for (i = 0; i < s->nr_threads; i++)
		if (!strcmp(s->threads[i].name, name))
			return i;
	return -1;
}

/* ---- tokens ---- */

static struct token *peek(struct parser *p)
{
	return &p->tok[p->i];
}

static struct token *next(struct parser *p)
{
	struct token *t = &p->tok[p->i];

	if (t->type != TOK_EOL)
		p->i++;
	return t;
}

static bool accept(struct parser *p, enum tok_type type)
{
	if (peek(p)->type != type)
		return false;
	next(p);
	return true;
}

/* expected - "expected @what, got <the next token>". Returns -1. */
static int expected(struct parser *p, const char *what)
{
	char buf[64];
	struct token *t = peek(p);

	return perr(p, t->pos, "expected %s, got %s", what,
		    tok_desc(t, buf, sizeof(buf)));
}

static int expect_eol(struct parser *p)
{
	return peek(p)->type == TOK_EOL ? 0 : expected(p, "end of line");
}

/* parse_name - a name token (a word of at most SCN_MAX_NAME bytes). */
static struct token *parse_name(struct parser *p, const char *what)
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

static int parse_num(struct parser *p, const char *what, uint64_t *v,
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

enum cfg_type { CFG_SIZE, CFG_COUNT, CFG_NUM, CFG_THP, CFG_THP_NUMA,
		CFG_LIST };

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
};

#define NR_CFG_KEYS (int)(sizeof(cfg_keys) / sizeof(cfg_keys[0]))

/* cfg_number - a size or count value of key @k, range checked. */
static int cfg_number(struct parser *p, const struct cfg_key *k,
		      uint64_t *v)
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
		return perr(p, pos, "%s=%#llx is not a multiple of the page size (4K)",
			    k->name, (unsigned long long)*v);
	return 0;
}

static int cfg_regress(struct parser *p, struct scn_config *c)
{
	struct token *t;

	do {
		t = parse_name(p, "regression");
		if (!t)
			return -1;
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
	static const char *const thp[] = { "madvise", "always", "never",
					   NULL };
	static const char *const thp_numa[] = { "current", "legacy", NULL };
	struct scn_config *c = &p->s->config;
	unsigned int e;
	uint64_t v;

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
	case CFG_LIST:
		return cfg_regress(p, c);
	default:
		break;
	}
	if (cfg_number(p, k, &v))
		return -1;
	switch (k->bit) {
	case SCN_CFG_MEM: c->mem = v; break;
	case SCN_CFG_NODES: c->nodes = v; break;
	case SCN_CFG_CPUS: c->cpus = v; break;
	case SCN_CFG_SWAP: c->swap = v; break;
	case SCN_CFG_DEVICE: c->device = v; break;
	case SCN_CFG_STEPS: c->steps = v; break;
	case SCN_CFG_SEED: c->seed = v; break;
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
		return expected(p, "a config key (mem, nodes, cpus, swap, device, thp, thp_numa, regress, steps, seed)");
	while (peek(p)->type != TOK_EOL) {
		t = peek(p);
		for (i = 0; i < NR_CFG_KEYS; i++)
			if (tok_is(t, cfg_keys[i].name))
				break;
		if (i == NR_CFG_KEYS)
			return expected(p, "a config key (mem, nodes, cpus, swap, device, thp, thp_numa, regress, steps, seed)");
		if (p->s->config.set & cfg_keys[i].bit)
			return perr(p, t->pos,
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
		return expected(p, "end of line ('process P' declares a root process; its threads say 'thread T in P:')");
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
			return perr(p, t->pos,
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
		return perr(p, kw->pos,
			    "duplicate 'expect' (first at %u:%u)",
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
				return perr(p, t->pos,
					    "expected a violation kind, got '%.*s' (did you mean '%s'?)",
					    t->len > 40 ? 40 : (int)t->len,
					    t->s, near);
			return expected(p, "a violation kind (lost-store, wrong-value, pin-incoherent, ...; see docs/scenario-language.md)");
		}
		e->kind = tok_strdup(p, next(p));
		if (!e->kind)
			return -1;
	}
	return expect_eol(p);
}

/* ---- ops ---- */

/*
 * parse_addr - "NAME[@PROC][+OFF]" (a region) or, with @handle,
 * "NAME[+OFF]" (a pin handle) into op->addr.
 */
static int parse_addr(struct parser *p, struct scn_op *op, bool handle)
{
	struct token *t;
	uint64_t off;

	op->addr_pos = peek(p)->pos;
	t = parse_name(p, handle ? "pin handle" : "region");
	if (!t)
		return -1;
	if (handle)
		op->addr.handle = intern_handle(p, t);
	else
		op->addr.region = intern_region(p, t);
	if (op->addr.handle < 0 && op->addr.region < 0)
		return -1;
	if (!handle && accept(p, TOK_AT)) {
		t = parse_name(p, "process");
		if (!t || (op->addr.proc = intern_proc(p, t)) < 0)
			return -1;
	}
	if (!accept(p, TOK_PLUS))
		return 0;
	if (parse_num(p, "an offset after '+'", &off, NULL))
		return -1;
	if (off > SCN_MAX_VSIZE)
		return perr(p, op->addr_pos, "offset %#llx too large (limit %#llx)",
			    (unsigned long long)off,
			    (unsigned long long)SCN_MAX_VSIZE);
	op->addr.off = off;
	return 0;
}

/* opt_len - an optional length: a number, if one comes next. */
static int opt_len(struct parser *p, struct scn_op *op)
{
	if (peek(p)->type == TOK_NUM)
		return parse_num(p, "a length", &op->len, &op->len_pos);
	return 0;
}

/* parse_expectation - optional "== VAL" (load, dma-read). */
static int parse_expectation(struct parser *p, struct scn_op *op)
{
	if (!accept(p, TOK_EQEQ))
		return 0;
	op->has_val = true;
	return parse_num(p, "a value after '=='", &op->val, NULL);
}

/* bind_name - the region/handle an op creates; must be new. */
static int bind_name(struct parser *p, struct scn_op *op, bool handle,
		     const struct token *t, uint64_t size)
{
	struct scenario *s = p->s;
	int i = handle ? intern_handle(p, t) : intern_region(p, t);
	int opi = op - s->ops;

	if (i < 0)
		return -1;
	op->name = i;
	op->name_pos = t->pos;
	if (handle) {
		if (s->handles[i].op >= 0)
			return perr(p, t->pos,
				    "duplicate pin handle '%s' (first pinned at %u:%u)",
				    s->handles[i].name, s->handles[i].pos.line,
				    s->handles[i].pos.col);
		s->handles[i] = (struct scn_handle){ s->handles[i].name,
						     t->pos, opi, size };
		return 0;
	}
	if (s->regions[i].op >= 0)
		return perr(p, t->pos,
			    "duplicate region '%s' (first mapped at %u:%u)",
			    s->regions[i].name, s->regions[i].pos.line,
			    s->regions[i].pos.col);
	s->regions[i] = (struct scn_region){
		s->regions[i].name, t->pos,
		s->threads[op->thread].proc, opi, size };
	return 0;
}

static int ops_mmap(struct parser *p, struct scn_op *op)
{
	struct token *t = parse_name(p, "region");

	if (!t || parse_num(p, "a size", &op->len, &op->len_pos))
		return -1;
	op->prot = SCN_PROT_R | SCN_PROT_W;
	return bind_name(p, op, false, t, op->len);
}

/* ops_word_after_range - "ADDR [LEN] WORD" (mprotect, madvise). */
static int ops_word_after_range(struct parser *p, struct scn_op *op)
{
	struct token *t;
	const char *near;
	int v;

	if (parse_addr(p, op, false) || opt_len(p, op))
		return -1;
	t = peek(p);
	if (op->kind == SCN_OP_MPROTECT) {
		v = t->type == TOK_WORD ? prot_parse(t->s, t->len) : -1;
		if (v < 0)
			return expected(p, "a protection (none, r, rw, rx, rwx, ...)");
		op->prot = v;
	} else {
		v = t->type == TOK_WORD ? advice_lookup(t->s, t->len) : -1;
		if (v < 0 && t->type == TOK_WORD &&
		    (near = nearest(t->s, t->len, advice_names, SCN_MADV_NR)))
			return perr(p, t->pos,
				    "expected an advice, got '%.*s' (did you mean '%s'?)",
				    t->len > 40 ? 40 : (int)t->len, t->s,
				    near);
		if (v < 0)
			return expected(p, "an advice (dontneed, hugepage, pageout, ...)");
		op->advice = v;
	}
	next(p);
	return 0;
}

/* ops_mremap - "ADDR [OLDLEN] NEWLEN". */
static int ops_mremap(struct parser *p, struct scn_op *op)
{
	struct scn_pos pos;
	uint64_t n;

	if (parse_addr(p, op, false) ||
	    parse_num(p, "a new size", &n, &pos))
		return -1;
	if (peek(p)->type != TOK_NUM) {
		op->len2 = n;
		return 0;
	}
	op->len = n;
	op->len_pos = pos;
	return parse_num(p, "a new size", &op->len2, NULL);
}

/*
 * ops_fill - "ADDR LEN VAL", or the long form "NAME OFF LEN VAL" in which
 * OFF adds to the address (fill, check).
 */
static int ops_fill(struct parser *p, struct scn_op *op)
{
	uint64_t n[3];
	struct scn_pos pos[3];
	int k;

	if (parse_addr(p, op, false))
		return -1;
	for (k = 0; k < 3; k++) {
		if (k == 2 && peek(p)->type != TOK_NUM)
			break;
		if (parse_num(p, k ? "a value" : "a length", &n[k], &pos[k]))
			return -1;
	}
	if (k == 3) {
		op->addr.off += n[0];
		if (op->addr.off > SCN_MAX_VSIZE)
			return perr(p, pos[0], "offset too large (limit %#llx)",
				    (unsigned long long)SCN_MAX_VSIZE);
		n[0] = n[1];
		n[1] = n[2];
		pos[0] = pos[1];
	}
	op->len = n[0];
	op->len_pos = pos[0];
	op->val = n[1];
	return 0;
}

static int ops_pin(struct parser *p, struct scn_op *op)
{
	struct token *t = parse_name(p, "pin handle");
	struct token copy;

	if (!t)
		return -1;
	copy = *t;
	if (parse_addr(p, op, false) ||
	    parse_num(p, "a length", &op->len, &op->len_pos))
		return -1;
	return bind_name(p, op, true, &copy, op->len);
}

/* ops_named - "NAME": unpin HANDLE, fork PROC, signal/wait SIGNAL. */
static int ops_named(struct parser *p, struct scn_op *op)
{
	static const char *const what[SCN_OP_NR] = {
		[SCN_OP_UNPIN] = "pin handle", [SCN_OP_FORK] = "process",
		[SCN_OP_SIGNAL] = "signal", [SCN_OP_WAIT] = "signal",
	};
	struct token *t = parse_name(p, what[op->kind]);
	struct scn_signal *sg;

	if (!t)
		return -1;
	op->name_pos = t->pos;
	switch (op->kind) {
	case SCN_OP_UNPIN:
		op->name = intern_handle(p, t);
		break;
	case SCN_OP_FORK:
		op->name = intern_proc(p, t);
		break;
	default:
		op->name = intern_signal(p, t);
		if (op->name < 0)
			return -1;
		sg = &p->s->signals[op->name];
		if (op->kind == SCN_OP_SIGNAL)
			sg->nr_signal++;
		else
			sg->nr_wait++;
	}
	return op->name < 0 ? -1 : 0;
}

static int ops_spawn(struct parser *p, struct scn_op *op)
{
	struct spawn_ref *r;
	struct token *t;

	if (peek(p)->type != TOK_WORD)
		return expected(p, "a thread name");	/* at least one */
	op->spawn = calloc(SCN_MAX_THREADS, sizeof(int));
	if (!op->spawn)
		return pfatal(p, op->pos, "out of memory");
	while (peek(p)->type == TOK_WORD) {
		t = parse_name(p, "thread");
		if (!t)
			return -1;
		if (op->nr_spawn >= SCN_MAX_THREADS)
			return perr(p, t->pos,
				    "too many threads in one spawn (limit %d)",
				    SCN_MAX_THREADS);
		if (GROW(p, p->srefs, p->cap_srefs, p->nr_srefs))
			return -1;
		r = &p->srefs[p->nr_srefs++];
		r->op = op - p->s->ops;
		r->idx = op->nr_spawn;
		op->spawn[op->nr_spawn++] = -1;
		r->pos = t->pos;
		memcpy(r->name, t->s, t->len);
		r->name[t->len] = 0;
	}
	return 0;
}

/* parse_operands - the positional operands of @op, by its kind. */
static int parse_operands(struct parser *p, struct scn_op *op)
{
	switch (op->kind) {
	case SCN_OP_MMAP:
		return ops_mmap(p, op);
	case SCN_OP_MPROTECT:
	case SCN_OP_MADVISE:
		return ops_word_after_range(p, op);
	case SCN_OP_MREMAP:
		return ops_mremap(p, op);
	case SCN_OP_FORK:
	case SCN_OP_UNPIN:
	case SCN_OP_SIGNAL:
	case SCN_OP_WAIT:
		return ops_named(p, op);
	case SCN_OP_EXIT:
	case SCN_OP_EXEC:
	case SCN_OP_COMPACT:
		return 0;
	case SCN_OP_LOAD:
		return parse_addr(p, op, false) || parse_expectation(p, op);
	case SCN_OP_DMA_READ:
		return parse_addr(p, op, true) || parse_expectation(p, op);
	case SCN_OP_STORE:
	case SCN_OP_DMA_WRITE:
		return parse_addr(p, op, op->kind == SCN_OP_DMA_WRITE) ||
		       parse_num(p, "a value", &op->val, NULL);
	case SCN_OP_FILL:
	case SCN_OP_CHECK:
		return ops_fill(p, op);
	case SCN_OP_PIN:
		return ops_pin(p, op);
	case SCN_OP_RECLAIM:
		return opt_len(p, op);
	case SCN_OP_COLLAPSE:
	case SCN_OP_SPLIT:
		return parse_addr(p, op, false);
	case SCN_OP_SPAWN:
		return ops_spawn(p, op);
	default:	/* ADDR [LEN] */
		return parse_addr(p, op, false) || opt_len(p, op);
	}
}

/* Flags that exclude each other: the second one met is the error. */
static const unsigned int conflicts[][2] = {
	{ SCN_F_ANON, SCN_F_FILE },	{ SCN_F_SHARED, SCN_F_PRIVATE },
	{ SCN_F_THP, SCN_F_NOTHP },	{ SCN_F_READ, SCN_F_WRITE },
	{ SCN_F_FAST, SCN_F_SLOW },	{ SCN_F_PMD, SCN_F_FOLIO },
};

static int flag_bit_name(unsigned int f)
{
	return __builtin_ctz(f);
}

/* expected_modifier - error naming what @spec accepts after operands. */
static int expected_modifier(struct parser *p, const struct op_spec *spec)
{
	static const char *const keys[] = { "node=", "at=", "prot=", "to=",
					    "as=", "args=" };
	char buf[160];
	size_t n = 0;
	int i;

	if (!spec->flags && !spec->keys)
		return expected(p, "end of line");
	n += snprintf(buf, sizeof(buf), "end of line or one of");
	for (i = 0; i < SCN_F_NR && n < sizeof(buf); i++)
		if (spec->flags & (1u << i))
			n += snprintf(buf + n, sizeof(buf) - n, " %s",
				      flag_names[i]);
	for (i = 0; i < 6 && n < sizeof(buf); i++)
		if (spec->keys & (1u << i))
			n += snprintf(buf + n, sizeof(buf) - n, " %s",
				      keys[i]);
	return expected(p, buf);
}

static int parse_flag(struct parser *p, struct scn_op *op,
		      const struct op_spec *spec)
{
	struct token *t = peek(p);
	int b = flag_lookup(t->s, t->len), i;
	unsigned int f;

	if (b < 0 || !(spec->flags & (1u << b)))
		return expected_modifier(p, spec);
	f = 1u << b;
	if (op->flags & f)
		return perr(p, t->pos, "duplicate flag '%.*s'", (int)t->len,
			    t->s);
	for (i = 0; i < (int)(sizeof(conflicts) / sizeof(conflicts[0])); i++) {
		unsigned int other = conflicts[i][0] == f ? conflicts[i][1] :
				     conflicts[i][1] == f ? conflicts[i][0] : 0;

		if (op->flags & other)
			return perr(p, t->pos,
				    "flag '%s' conflicts with '%s'",
				    flag_names[b],
				    flag_names[flag_bit_name(other)]);
	}
	op->flags |= f;
	next(p);
	return 0;
}

/* parse_key - "KEY=VALUE" after the operands. */
static int parse_key(struct parser *p, struct scn_op *op,
		     const struct op_spec *spec, unsigned int *seen)
{
	static const char *const names[] = { "node", "at", "prot", "to",
					     "as", "args" };
	struct token *k = next(p), *t;
	uint64_t v;
	int i;

	for (i = 0; i < 6; i++)
		if (tok_is(k, names[i]) && (spec->keys & (1u << i)))
			break;
	if (i == 6) {
		p->i--;
		return expected_modifier(p, spec);
	}
	if (*seen & (1u << i))
		return perr(p, k->pos, "duplicate key '%s'", names[i]);
	*seen |= 1u << i;
	next(p);		/* '=' */
	t = peek(p);
	switch (1u << i) {
	case KEY_NODE:
		if (parse_num(p, "a node number", &v, &op->node_pos))
			return -1;
		if (v >= SCN_MAX_NODES)
			return perr(p, t->pos, "node %llu out of range (limit %d)",
				    (unsigned long long)v, SCN_MAX_NODES - 1);
		op->node = v;
		return 0;
	case KEY_AT:
		return parse_num(p, "a virtual address", &op->at, &op->at_pos);
	case KEY_ARGS:
		return parse_num(p, "a size", &op->len, &op->len_pos);
	case KEY_PROT:
		i = t->type == TOK_WORD ? prot_parse(t->s, t->len) : -1;
		if (i < 0)
			return expected(p, "a protection (none, r, rw, rx, rwx, ...)");
		op->prot = i;
		next(p);
		return 0;
	case KEY_TO:
		if (!tok_is(t, "device") && !tok_is(t, "system"))
			return expected(p, "device or system");
		op->to = tok_is(t, "device") ? SCN_TO_DEVICE : SCN_TO_SYSTEM;
		next(p);
		return 0;
	default:	/* KEY_AS */
		if (!(t = parse_name(p, "region")))
			return -1;
		return bind_name(p, op, false, t, op->len2);
	}
}

/* parse_modifiers - flags and KEY=VALUE pairs, any order, to the EOL. */
static int parse_modifiers(struct parser *p, struct scn_op *op,
			   const struct op_spec *spec)
{
	unsigned int seen = 0;
	int r;

	while (peek(p)->type != TOK_EOL) {
		if (peek(p)->type != TOK_WORD)
			return expected_modifier(p, spec);
		if (p->tok[p->i + 1].type == TOK_EQ)
			r = parse_key(p, op, spec, &seen);
		else
			r = parse_flag(p, op, spec);
		if (r)
			return -1;
	}
	if (op->kind == SCN_OP_PIN && !(op->flags & (SCN_F_READ | SCN_F_WRITE)))
		return expected(p, "'read' or 'write' (a pin says which)");
	if (op->kind == SCN_OP_DEVICE_MIGRATE && !(seen & KEY_TO))
		return expected(p, "to=device or to=system");
	return 0;
}

/* parse_op - one op line in the current thread block. */
static int parse_op(struct parser *p, const struct op_spec *spec)
{
	struct scenario *s = p->s;
	struct scn_thread *th = &s->threads[p->cur_thread];
	struct token *kw = next(p);
	struct scn_op *op;

	if (spec->where == OPW_USER && th->kthread)
		return perr(p, kw->pos,
			    "op '%s' needs a user thread; '%s' is a kthread",
			    spec->name, th->name);
	if (s->nr_ops >= SCN_MAX_OPS)
		return pfatal(p, kw->pos, "too many ops (limit %d)",
			      SCN_MAX_OPS);
	if (GROW(p, s->ops, p->cap_ops, s->nr_ops))
		return -1;
	op = &s->ops[s->nr_ops++];
	th->nr_ops++;
	*op = (struct scn_op){ .kind = spec->kind, .pos = kw->pos,
			       .thread = p->cur_thread, .name = -1,
			       .addr = { -1, -1, -1, 0 }, .node = -1 };
	if (parse_operands(p, op))
		return -1;
	return parse_modifiers(p, op, spec);
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
			return perr(p, t->pos,
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
	return expected(p, p->cur_thread >= 0 ?
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
			ret = perr(p, r->pos, "undefined thread '%s'",
				   r->name);
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
	if (p->nr_errs)
		return -1;
	if (!p->seen_expect)
		return perr(p, eof_pos(p),
			    "expected an 'expect' line (expect ok, expect violation, ...), got end of file");
	if (!p->s->nr_threads)
		return perr(p, eof_pos(p),
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
	struct parser p = { .buf = text, .len = len, .cur_thread = -1 };
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

struct scenario *scenario_load_file(const char *path,
				    struct scenario_error *err)
{
	struct scenario_error local;
	struct scenario *s = NULL;
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	err = err ? err : &local;
	memset(err, 0, sizeof(*err));
	f = fopen(path, "rb");
	if (f) {
		buf = malloc(SCN_MAX_INPUT + 1);
		if (buf)
			n = fread(buf, 1, SCN_MAX_INPUT + 1, f);
		if (buf && !ferror(f))
			s = scenario_parse(buf, n, path, err);
		else
			errno = buf ? EIO : ENOMEM;
	}
	if (!f || (!s && !err->nr_errors)) {
		err->nr_errors = 1;
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s",
			 strerror(errno));
		snprintf(err->text, sizeof(err->text), "%.200s: error: %s\n",
			 path, err->msg);
	}
	if (f)
		fclose(f);
	free(buf);
	return s;
}
