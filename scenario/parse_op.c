// SPDX-License-Identifier: GPL-2.0
/*
 * scenario/parse_op.c - op lines: "OPNAME operands... modifiers...".
 *
 *	op	 = OPNAME { operand } { modifier } ;
 *	modifier = FLAG | KEY "=" value ;	(any order, each at most once)
 *
 * The positional operands depend on the op (parse_operands, and the table
 * in docs/scenario-language.md); the flags and keys an op accepts are in
 * op_specs[] (ops.c). Flags that exclude each other are rejected here, at
 * the second one; everything needing the whole file is left to validate.c.
 */
#include <stdlib.h>
#include <string.h>

#include "scenario/internal.h"

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
		return perr(p, op->addr_pos,
			    "offset %#llx too large (limit %#llx)",
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
			return perr(
				p, t->pos,
				"duplicate pin handle '%s' (first pinned at %u:%u)",
				s->handles[i].name, s->handles[i].pos.line,
				s->handles[i].pos.col);
		s->handles[i] = (struct scn_handle){ s->handles[i].name, t->pos,
						     opi, size };
		return 0;
	}
	if (s->regions[i].op >= 0)
		return perr(p, t->pos,
			    "duplicate region '%s' (first mapped at %u:%u)",
			    s->regions[i].name, s->regions[i].pos.line,
			    s->regions[i].pos.col);
	s->regions[i] = (struct scn_region){ s->regions[i].name, t->pos,
					     s->threads[op->thread].proc, opi,
					     size };
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
			return expected(
				p, "a protection (none, r, rw, rx, rwx, ...)");
		op->prot = v;
	} else {
		v = t->type == TOK_WORD ? advice_lookup(t->s, t->len) : -1;
		if (v < 0 && t->type == TOK_WORD &&
		    (near = nearest(t->s, t->len, advice_names, SCN_MADV_NR)))
			return perr(
				p, t->pos,
				"expected an advice, got '%.*s' (did you mean '%s'?)",
				t->len > 40 ? 40 : (int)t->len, t->s, near);
		if (v < 0)
			return expected(
				p,
				"an advice (dontneed, hugepage, pageout, ...)");
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

	if (parse_addr(p, op, false) || parse_num(p, "a new size", &n, &pos))
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
		[SCN_OP_UNPIN] = "pin handle",
		[SCN_OP_FORK] = "process",
		[SCN_OP_SIGNAL] = "signal",
		[SCN_OP_WAIT] = "signal",
		[SCN_OP_WAIT_EXIT] = "process",
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
	case SCN_OP_WAIT_EXIT:
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
		return expected(p, "a thread name"); /* at least one */
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

/*
 * ops_file - tmpfs files: "memfd NAME SIZE", "truncate NAME SIZE",
 * "fallocate NAME OFF LEN". memfd binds NAME (a second memfd of the same
 * name is an error); the others name it (validate.c checks it exists).
 */
static int ops_file(struct parser *p, struct scn_op *op)
{
	struct token *t = parse_name(p, "file");
	struct scn_file *f;

	if (!t || (op->file = intern_file(p, t)) < 0)
		return -1;
	op->name_pos = t->pos;
	f = &p->s->files[op->file];
	if (op->kind == SCN_OP_FALLOCATE &&
	    parse_num(p, "an offset", &op->addr.off, &op->addr_pos))
		return -1;
	if (parse_num(p, op->kind == SCN_OP_FALLOCATE ? "a length" : "a size",
		      &op->len, &op->len_pos))
		return -1;
	if (op->kind != SCN_OP_MEMFD)
		return 0;
	if (f->op >= 0)
		return perr(p, t->pos, "duplicate file '%s' (first created at "
			    "%u:%u)", f->name, f->pos.line, f->pos.col);
	f->op = op - p->s->ops;
	f->pos = t->pos;
	f->size = op->len;
	return 0;
}

/*
 * ops_pagemap - "ADDR [LEN] == FLAG{,FLAG}", each FLAG a word of
 * scenario_pagemap_flags[], "!" before it: must be clear.
 */
static int ops_pagemap(struct parser *p, struct scn_op *op)
{
	if (parse_addr(p, op, false) || opt_len(p, op))
		return -1;
	if (!accept(p, TOK_EQEQ))
		return expected(p, "'==' and pagemap flags");
	do {
		bool neg = accept(p, TOK_BANG);
		struct token *t = peek(p);
		unsigned int bit = 0;
		int i;

		for (i = 0; i < SCN_PM_NR && t->type == TOK_WORD; i++)
			if (tok_is(t, scenario_pagemap_flags[i]))
				break;
		if (t->type != TOK_WORD || i == SCN_PM_NR)
			return expected(p, "a pagemap flag (present, swapped, "
					   "soft-dirty, exclusive, thp, pmd, "
					   "anon, ksm, zero)");
		bit = 1u << i;
		if ((op->pm_set | op->pm_clear) & bit)
			return perr(p, t->pos, "pagemap flag '%s' given twice",
				    scenario_pagemap_flags[i]);
		if (neg)
			op->pm_clear |= bit;
		else
			op->pm_set |= bit;
		next(p);
	} while (accept(p, TOK_COMMA));
	return 0;
}

/* ops_mark - "MARK ADDR" (pfn-mark, same-frame, other-frame). */
static int ops_mark(struct parser *p, struct scn_op *op)
{
	struct token *t = parse_name(p, "frame mark");

	if (!t || (op->name = intern_mark(p, t)) < 0)
		return -1;
	op->name_pos = t->pos;
	if (op->kind == SCN_OP_PFN_MARK)
		p->s->marks[op->name].nr_set++;
	return parse_addr(p, op, false);
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
	case SCN_OP_SPLIT_DEFERRED:
	case SCN_OP_SWAPOFF:
		return 0;
	case SCN_OP_LOAD:
	case SCN_OP_DEVICE_LOAD:
		return parse_addr(p, op, false) || parse_expectation(p, op);
	case SCN_OP_DMA_READ:
		return parse_addr(p, op, true) || parse_expectation(p, op);
	case SCN_OP_STORE:
	case SCN_OP_DEVICE_STORE:
	case SCN_OP_DMA_WRITE:
		return parse_addr(p, op, op->kind == SCN_OP_DMA_WRITE) ||
		       parse_num(p, "a value", &op->val, NULL);
	case SCN_OP_FILL:
	case SCN_OP_CHECK:
		return ops_fill(p, op);
	case SCN_OP_PIN:
		return ops_pin(p, op);
	case SCN_OP_RECLAIM:
	case SCN_OP_KSMD:
		return opt_len(p, op);
	case SCN_OP_COLLAPSE:
	case SCN_OP_SPLIT:
		return parse_addr(p, op, false);
	case SCN_OP_SPAWN:
		return ops_spawn(p, op);
	case SCN_OP_MEMFD:
	case SCN_OP_TRUNCATE:
	case SCN_OP_FALLOCATE:
		return ops_file(p, op);
	case SCN_OP_PAGEMAP:
		return ops_pagemap(p, op);
	case SCN_OP_PFN_MARK:
	case SCN_OP_SAME_FRAME:
	case SCN_OP_OTHER_FRAME:
		return ops_mark(p, op);
	case SCN_OP_WAIT_EXIT:
		return ops_named(p, op);
	default: /* ADDR [LEN] */
		return parse_addr(p, op, false) || opt_len(p, op);
	}
}

/* Flags that exclude each other: the second one met is the error. */
static const unsigned int conflicts[][2] = {
	{ SCN_F_ANON, SCN_F_FILE }, { SCN_F_SHARED, SCN_F_PRIVATE },
	{ SCN_F_THP, SCN_F_NOTHP }, { SCN_F_READ, SCN_F_WRITE },
	{ SCN_F_FAST, SCN_F_SLOW }, { SCN_F_PMD, SCN_F_FOLIO },
};

static int flag_bit_name(unsigned int f)
{
	return __builtin_ctz(f);
}

/* expected_modifier - error naming what @spec accepts after operands. */
static int expected_modifier(struct parser *p, const struct op_spec *spec)
{
	static const char *const keys[] = { "node=", "at=",   "prot=",
					    "to=",   "as=",   "args=",
					    "file=", "huge=" };
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
	for (i = 0; i < NR_KEYS && n < sizeof(buf); i++)
		if (spec->keys & (1u << i))
			n += snprintf(buf + n, sizeof(buf) - n, " %s", keys[i]);
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
				     conflicts[i][1] == f ? conflicts[i][0] :
							    0;

		if (op->flags & other)
			return perr(p, t->pos, "flag '%s' conflicts with '%s'",
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
	static const char *const names[] = { "node", "at",   "prot",
					     "to",   "as",   "args",
					     "file", "huge" };
	static const char *const huge[] = { "never", "always", "within_size",
					    "advise", NULL };
	struct token *k = next(p), *t;
	uint64_t v = 0;
	int i;

	for (i = 0; i < NR_KEYS; i++)
		if (tok_is(k, names[i]) && (spec->keys & (1u << i)))
			break;
	if (i == NR_KEYS) {
		p->i--;
		return expected_modifier(p, spec);
	}
	if (*seen & (1u << i))
		return perr(p, k->pos, "duplicate key '%s'", names[i]);
	*seen |= 1u << i;
	next(p); /* '=' */
	t = peek(p);
	switch (1u << i) {
	case KEY_NODE:
		if (parse_num(p, "a node number", &v, &op->node_pos))
			return -1;
		if (v >= SCN_MAX_NODES)
			return perr(p, t->pos,
				    "node %llu out of range (limit %d)",
				    (unsigned long long)v, SCN_MAX_NODES - 1);
		op->node = v;
		return 0;
	case KEY_AT:
		return parse_num(p, "a virtual address", &op->at, &op->at_pos);
	case KEY_ARGS:
		return parse_num(p, "a size", &op->len, &op->len_pos);
	case KEY_FILE:
		if (!(t = parse_name(p, "file")))
			return -1;
		op->file = intern_file(p, t);
		return op->file < 0 ? -1 : 0;
	case KEY_HUGE:
		for (i = 0; huge[i]; i++)
			if (tok_is(t, huge[i]))
				break;
		if (!huge[i])
			return expected(p, "never, always, within_size or "
					   "advise");
		op->huge = i;
		next(p);
		return 0;
	case KEY_PROT:
		i = t->type == TOK_WORD ? prot_parse(t->s, t->len) : -1;
		if (i < 0)
			return expected(
				p, "a protection (none, r, rw, rx, rwx, ...)");
		op->prot = i;
		next(p);
		return 0;
	case KEY_TO:
		if (!tok_is(t, "device") && !tok_is(t, "system"))
			return expected(p, "device or system");
		op->to = tok_is(t, "device") ? SCN_TO_DEVICE : SCN_TO_SYSTEM;
		next(p);
		return 0;
	default: /* KEY_AS */
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
int parse_op(struct parser *p, const struct op_spec *spec)
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
	*op = (struct scn_op){ .kind = spec->kind,
			       .pos = kw->pos,
			       .thread = p->cur_thread,
			       .name = -1,
			       .file = -1,
			       .huge = -1,
			       .addr = { -1, -1, -1, 0 },
			       .node = -1 };
	if (parse_operands(p, op))
		return -1;
	return parse_modifiers(p, op, spec);
}
