/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario/internal.h - shared between the lexer, parser, validator and
 * dumper. Not part of the API.
 */
#ifndef SCENARIO_INTERNAL_H
#define SCENARIO_INTERNAL_H

#include "scenario/scenario.h"

/* ---- tokens (scenario/lexer.c) ---- */

enum tok_type {
	TOK_EOL, /* end of line (or of input) */
	TOK_WORD, /* [A-Za-z_][A-Za-z0-9_-]* */
	TOK_NUM, /* 123, 0x7b, 4K, 2M, 1G */
	TOK_PLUS,
	TOK_COLON,
	TOK_EQ, /* = */
	TOK_EQEQ, /* == */
	TOK_COMMA,
	TOK_AT, /* @ */
	TOK_BANG, /* ! (pagemap: a flag that must be clear) */
};

struct token {
	enum tok_type type;
	struct scn_pos pos;
	const char *s; /* source text (not NUL-terminated) */
	unsigned int len;
	uint64_t num; /* TOK_NUM: value, suffix applied */
};

/* ---- parser state (scenario/parser.c, validate.c) ---- */

struct parser {
	struct scenario *s;
	const char *file;
	struct scenario_error *err;
	bool fatal; /* a limit, ENOMEM, or enough errors: stop */
	int nr_errs; /* collected so far, in detection order */
	struct perror {
		struct scn_pos pos;
		char msg[SCN_MSG_MAX];
	} errs[SCN_MAX_ERRORS];

	/* input */
	const char *buf;
	size_t len, off;
	unsigned int line;

	/* the current line's tokens */
	struct token *tok;
	int ntok, i;

	/* where we are */
	int cur_thread; /* -1: outside a thread block */
	/* an open "repeat N:" block: its first op, count, position */
	int rep_start; /* -1: none */
	uint64_t rep_n;
	struct scn_pos rep_pos;
	bool seen_thread;
	bool seen_expect;
	struct scn_pos cfg_pos[16]; /* where each config key was set */

	/* table capacities */
	int cap_procs, cap_threads, cap_ops, cap_regions, cap_handles,
		cap_signals, cap_srefs, cap_files, cap_marks;

	/* spawn operands, resolved to threads once all headers are read */
	struct spawn_ref *srefs;
	int nr_srefs;
};

struct spawn_ref {
	int op; /* scenario.ops[] index */
	int idx; /* slot in op->spawn[] */
	struct scn_pos pos;
	char name[SCN_MAX_NAME + 1];
};

/* perr - record an error at @pos. Returns -1. */
int perr(struct parser *p, struct scn_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* pfatal - record an error and stop the parse (limits, ENOMEM). */
int pfatal(struct parser *p, struct scn_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * lex_line - split the next line of input into p->tok[0 .. p->ntok), the
 * last one TOK_EOL. Returns 1 if a line was read, 0 at end of input, -1
 * after reporting a lexical error (the line is consumed).
 */
int lex_line(struct parser *p);

/* tok_desc - "'foo'", "number 0x10", "end of line", for messages. */
const char *tok_desc(const struct token *t, char *buf, size_t size);

/* tok_is - @t is the word @w. */
bool tok_is(const struct token *t, const char *w);

/* ---- tables (scenario/ops.c) ---- */

enum op_where { OPW_USER, OPW_ANY };

struct op_spec {
	const char *name;
	enum scn_op_kind kind;
	enum op_where where;
	unsigned int flags; /* SCN_F_* accepted */
	unsigned int keys; /* KEY_* accepted */
};

enum {
	KEY_NODE = 1 << 0, /* node=N */
	KEY_AT = 1 << 1, /* at=VADDR */
	KEY_PROT = 1 << 2, /* prot=rw */
	KEY_TO = 1 << 3, /* to=device|system */
	KEY_AS = 1 << 4, /* as=NAME */
	KEY_ARGS = 1 << 5, /* args=SIZE */
	KEY_FILE = 1 << 6, /* file=NAME (mmap of a tmpfs file) */
	KEY_HUGE = 1 << 7, /* huge=never|always|within_size|advise */
};
#define NR_KEYS 8

extern const struct op_spec op_specs[SCN_OP_NR];
extern const char *const flag_names[SCN_F_NR];
extern const char *const advice_names[SCN_MADV_NR];

const struct op_spec *op_lookup(const char *s, unsigned int len);
int flag_lookup(const char *s, unsigned int len); /* bit index or -1 */
int advice_lookup(const char *s, unsigned int len); /* or -1 */
/* prot_parse - "none", "r", "rw", "rx", "rwx", ... Returns mask or -1. */
int prot_parse(const char *s, unsigned int len);
const char *prot_name(unsigned int prot);
/* nearest - the entry of @names (NULL-terminated or @n long) closest to
 * @s within edit distance 2, or NULL. */
const char *nearest(const char *s, unsigned int len, const char *const *names,
		    int n);
const char *nearest_op(const char *s, unsigned int len);

/* ---- passes ---- */

/* ---- parser helpers (scenario/parser.c) ---- */

static inline struct token *peek(struct parser *p)
{
	return &p->tok[p->i];
}

/* next - consume and return the next token (EOL is never consumed). */
static inline struct token *next(struct parser *p)
{
	struct token *t = &p->tok[p->i];

	if (t->type != TOK_EOL)
		p->i++;
	return t;
}

static inline bool accept(struct parser *p, enum tok_type type)
{
	if (peek(p)->type != type)
		return false;
	next(p);
	return true;
}

/* expected - "expected @what, got <the next token>". Returns -1. */
int expected(struct parser *p, const char *what);
int expect_eol(struct parser *p);
/* parse_name - a word of at most SCN_MAX_NAME bytes, or NULL (reported). */
struct token *parse_name(struct parser *p, const char *what);
/* parse_num - a number into *@v (and its position), or -1 (reported). */
int parse_num(struct parser *p, const char *what, uint64_t *v,
	      struct scn_pos *pos);
/* tok_strdup - @t's text, NUL-terminated, or NULL (ENOMEM, reported). */
char *tok_strdup(struct parser *p, const struct token *t);
/* grow - room for one more element; -1 (fatal, reported) on ENOMEM. */
int grow(struct parser *p, void **arr, int *cap, int n, size_t size);
#define GROW(p, arr, cap, n) grow(p, (void **)&(arr), &(cap), n, sizeof(*(arr)))

/* parse_op - an op line of the current thread (scenario/parse_op.c). */
int parse_op(struct parser *p, const struct op_spec *spec);

/* validate - semantic checks after a clean parse. Returns 0 or -1. */
int validate(struct parser *p);

/* Name lookups and interning into the scenario tables; -1 on a limit. */
int intern_proc(struct parser *p, const struct token *t);
int intern_region(struct parser *p, const struct token *t);
int intern_handle(struct parser *p, const struct token *t);
int intern_signal(struct parser *p, const struct token *t);
int intern_file(struct parser *p, const struct token *t);
int intern_mark(struct parser *p, const struct token *t);
int find_thread(const struct scenario *s, const char *name);

#endif /* SCENARIO_INTERNAL_H */
