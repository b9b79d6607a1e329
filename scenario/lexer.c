// SPDX-License-Identifier: GPL-2.0
/*
 * scenario/lexer.c - split .mms input into lines of tokens.
 *
 * The language is line based: the lexer hands the parser one line at a
 * time, already split into tokens, ending with TOK_EOL. '#' starts a
 * comment that runs to the end of the line. Spaces, tabs and '\r' separate
 * tokens and are otherwise ignored. Anything else that is not part of a
 * token (including NUL and non-ASCII bytes) is an error.
 *
 *	word	[A-Za-z_][A-Za-z0-9_-]*
 *	number	[0-9]+ | 0x[0-9a-fA-F]+, optionally followed by K, M or G
 *		(x 2^10, 2^20, 2^30; either case)
 *	punct	+ : = == , @
 */
#include <stdio.h>
#include <string.h>

#include "scenario/internal.h"

static bool is_word_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_word_char(int c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool tok_is(const struct token *t, const char *w)
{
	size_t n = strlen(w);

	return t->type == TOK_WORD && t->len == n && !memcmp(t->s, w, n);
}

/*
 * tok_desc - describe @t for "got ..." in a message. Long words are cut.
 * Returns @buf.
 */
const char *tok_desc(const struct token *t, char *buf, size_t size)
{
	unsigned int n = t->len > 40 ? 40 : t->len;
	const char *more = t->len > 40 ? "..." : "";

	switch (t->type) {
	case TOK_EOL:
		snprintf(buf, size, "end of line");
		break;
	case TOK_WORD:
		snprintf(buf, size, "'%.*s%s'", (int)n, t->s, more);
		break;
	case TOK_NUM:
		snprintf(buf, size, "number %.*s%s", (int)n, t->s, more);
		break;
	default:
		snprintf(buf, size, "'%.*s'", (int)t->len, t->s);
		break;
	}
	return buf;
}

/* char_desc - a byte for a message: 'x' if printable, else '\xNN'. */
static const char *char_desc(unsigned char c, char *buf, size_t size)
{
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "'\\x%02x'", c);
	return buf;
}

/*
 * lex_number - scan a number at s[*i] (a digit) up to @end into @t.
 * Returns 0, or -1 after reporting a bad or too large number.
 */
static int lex_number(struct parser *p, const char *s, unsigned int *i,
		      unsigned int end, struct token *t)
{
	unsigned int j = *i, base = 10, start = *i;
	uint64_t v = 0;
	bool digits = false, over = false;
	int d, shift = 0;

	if (s[j] == '0' && j + 1 < end &&
	    (s[j + 1] == 'x' || s[j + 1] == 'X')) {
		base = 16;
		j += 2;
	}
	for (; j < end && (d = hexval(s[j])) >= 0 && d < (int)base; j++) {
		if (v > (UINT64_MAX - d) / base)
			over = true;
		v = v * base + d;
		digits = true;
	}
	if (j < end && (s[j] == 'K' || s[j] == 'k'))
		shift = 10;
	else if (j < end && (s[j] == 'M' || s[j] == 'm'))
		shift = 20;
	else if (j < end && (s[j] == 'G' || s[j] == 'g'))
		shift = 30;
	if (shift)
		j++;
	if (!digits || (j < end && is_word_char(s[j]))) {
		while (j < end && is_word_char(s[j]))
			j++;
		return perr(
			p, t->pos,
			"expected a number (digits, 0x<hex>, then K, M or G), got '%.*s'",
			(int)(j - start > 40 ? 40 : j - start), s + start);
	}
	if (over || (shift && v > (UINT64_MAX >> shift)))
		return perr(p, t->pos,
			    "number too large: '%.*s' (limit 2^64-1)",
			    (int)(j - start > 40 ? 40 : j - start), s + start);
	t->type = TOK_NUM;
	t->num = v << shift;
	t->len = j - start;
	*i = j;
	return 0;
}

/*
 * lex_token - scan one token at s[*i] into @t (which has its pos set).
 * Returns 0, or -1 after reporting an error.
 */
static int lex_token(struct parser *p, const char *s, unsigned int *i,
		     unsigned int end, struct token *t)
{
	unsigned char c = s[*i];
	char cb[16];

	t->s = s + *i;
	t->len = 1;
	if (is_word_start(c)) {
		unsigned int j = *i + 1;

		while (j < end && is_word_char(s[j]))
			j++;
		t->type = TOK_WORD;
		t->len = j - *i;
		*i = j;
		return 0;
	}
	if (c >= '0' && c <= '9')
		return lex_number(p, s, i, end, t);
	switch (c) {
	case '+':
		t->type = TOK_PLUS;
		break;
	case ':':
		t->type = TOK_COLON;
		break;
	case ',':
		t->type = TOK_COMMA;
		break;
	case '@':
		t->type = TOK_AT;
		break;
	case '!':
		t->type = TOK_BANG;
		break;
	case '=':
		t->type = TOK_EQ;
		if (*i + 1 < end && s[*i + 1] == '=') {
			t->type = TOK_EQEQ;
			t->len = 2;
		}
		break;
	default:
		return perr(
			p, t->pos,
			"expected a word, a number or one of + : = == , @ !, got %s",
			char_desc(c, cb, sizeof(cb)));
	}
	*i += t->len;
	return 0;
}

int lex_line(struct parser *p)
{
	const char *s = p->buf + p->off, *nl;
	unsigned int i = 0, end;
	size_t rest = p->len - p->off;

	if (p->off >= p->len)
		return 0;
	p->line++;
	nl = memchr(s, '\n', rest);
	end = nl ? (unsigned int)(nl - s) : (unsigned int)rest;
	p->off += nl ? end + 1 : end;
	p->ntok = 0;
	p->i = 0;
	if (end > SCN_MAX_LINE)
		return perr(p, (struct scn_pos){ p->line, SCN_MAX_LINE + 1 },
			    "line too long (limit %d bytes)", SCN_MAX_LINE);
	while (i < end) {
		struct token *t = &p->tok[p->ntok];

		if (is_space(s[i])) {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		memset(t, 0, sizeof(*t));
		t->pos = (struct scn_pos){ p->line, i + 1 };
		if (lex_token(p, s, &i, end, t))
			return -1;
		p->ntok++;
	}
	p->tok[p->ntok] = (struct token){
		.type = TOK_EOL, .pos = { p->line, i + 1 }, .s = "", .len = 0
	};
	p->ntok++;
	return 1;
}
