// SPDX-License-Identifier: GPL-2.0
/*
 * explore/json.c - the JSON reader (see json.h). Recursive descent over
 * a NUL-terminated text: every step looks at the current byte before it
 * moves past it, so no input makes it read beyond the terminator.
 */
#ifndef SIM_STRESS
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/json.h"

struct parser {
	const char *p;
	int line;
	char *err;
	size_t errlen;
	bool failed;
};

static struct json *parse_value(struct parser *ps, int depth);

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fprintf(stderr, "mmsim: out of host memory\n");
		exit(2);
	}
	return p;
}

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		fprintf(stderr, "mmsim: out of host memory\n");
		exit(2);
	}
	return p;
}

static void *perr(struct parser *ps, const char *what)
{
	if (!ps->failed)
		snprintf(ps->err, ps->errlen, "line %d: %s", ps->line, what);
	ps->failed = true;
	return NULL;
}

static void skip_ws(struct parser *ps)
{
	for (;; ps->p++) {
		if (*ps->p == '\n')
			ps->line++;
		else if (*ps->p != ' ' && *ps->p != '\t' && *ps->p != '\r')
			return;
	}
}

/* The value of the 4 hex digits at @p, or -1 if they are not. */
static long hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int c = p[i];	/* stops at the NUL: it is no hex digit */

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Append @cp as UTF-8 to @s (room for 4 more bytes is there). */
static size_t put_utf8(char *s, size_t n, unsigned long cp)
{
	if (cp < 0x80) {
		s[n++] = cp;
	} else if (cp < 0x800) {
		s[n++] = 0xc0 | cp >> 6;
		s[n++] = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		s[n++] = 0xe0 | cp >> 12;
		s[n++] = 0x80 | (cp >> 6 & 0x3f);
		s[n++] = 0x80 | (cp & 0x3f);
	} else {
		s[n++] = 0xf0 | cp >> 18;
		s[n++] = 0x80 | (cp >> 12 & 0x3f);
		s[n++] = 0x80 | (cp >> 6 & 0x3f);
		s[n++] = 0x80 | (cp & 0x3f);
	}
	return n;
}

/*
 * A \u escape at ps->p (on the 'u'): the code point, a surrogate pair
 * taken whole; ps->p left on its last hex digit. -1 (reported) if bad.
 */
static long parse_u_escape(struct parser *ps)
{
	long hi = hex4(ps->p + 1), lo;

	if (hi < 0)
		return perr(ps, "\\u wants 4 hex digits"), -1;
	ps->p += 4;
	if (hi == 0)
		return perr(ps, "\\u0000 in a string"), -1;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return perr(ps, "lone low surrogate"), -1;
	if (hi < 0xd800 || hi > 0xdbff)
		return hi;
	if (ps->p[1] != '\\' || ps->p[2] != 'u' ||
	    (lo = hex4(ps->p + 3)) < 0xdc00 || lo > 0xdfff)
		return perr(ps, "lone high surrogate"), -1;
	ps->p += 6;
	return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
}

/* A string literal at ps->p (on the opening quote): malloc'd contents. */
static char *parse_string(struct parser *ps)
{
	size_t n = 0, cap = 32;
	char *s = xcalloc(cap, 1);

	for (ps->p++; *ps->p != '"'; ps->p++) {
		unsigned char c = *ps->p;
		long cp = c;

		if (!c) {
			free(s);
			return perr(ps, "unterminated string");
		}
		if (c < 0x20) {
			free(s);
			return perr(ps, "control character in a string");
		}
		if (c == '\\') {
			switch ((c = *++ps->p)) {
			case 'n': cp = '\n'; break;
			case 't': cp = '\t'; break;
			case 'r': cp = '\r'; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case '"': case '\\': case '/': cp = c; break;
			case 'u': cp = parse_u_escape(ps); break;
			default:
				cp = -1;
				perr(ps, c ? "bad escape in a string" :
				     "unterminated string");
			}
			if (cp < 0) {
				free(s);
				return NULL;
			}
		}
		if (n + 5 > cap)
			s = xrealloc(s, cap *= 2);
		if (c == '\\' || cp != c)
			n = put_utf8(s, n, cp);
		else
			s[n++] = c;
	}
	ps->p++;
	s[n] = 0;
	return s;
}

static void add_item(struct json *j, struct json *v, char *key)
{
	j->items = xrealloc(j->items, (j->n + 1) * sizeof(*j->items));
	j->items[j->n] = v;
	if (j->type == JSON_OBJ) {
		j->keys = xrealloc(j->keys, (j->n + 1) * sizeof(*j->keys));
		j->keys[j->n] = key;
	}
	j->n++;
}

/* An array or object at ps->p (on its opening bracket). */
static struct json *parse_container(struct parser *ps, int depth)
{
	struct json *j = xcalloc(1, sizeof(*j));
	char close = *ps->p == '[' ? ']' : '}';

	j->type = close == ']' ? JSON_ARR : JSON_OBJ;
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		struct json *v;

		skip_ws(ps);
		if (j->type == JSON_OBJ) {
			if (*ps->p != '"' || !(key = parse_string(ps)))
				break;
			skip_ws(ps);
			if (*ps->p != ':') {
				free(key);
				perr(ps, "expected ':'");
				break;
			}
			ps->p++;
		}
		v = parse_value(ps, depth + 1);
		if (!v) {
			free(key);
			break;
		}
		add_item(j, v, key);
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			return j;
		}
		break;
	}
	perr(ps, j->type == JSON_OBJ ? "bad object" : "bad array");
	json_free(j);
	return NULL;
}

static struct json *parse_scalar(struct parser *ps)
{
	struct json *j = xcalloc(1, sizeof(*j));
	static const struct {
		const char *w;
		enum json_type t;
		bool b;
	} kw[] = {
		{ "true", JSON_BOOL, true }, { "false", JSON_BOOL, false },
		{ "null", JSON_NULL, false },
	};
	char *end;

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(kw[i].w);

		if (!strncmp(ps->p, kw[i].w, n)) {
			ps->p += n;
			j->type = kw[i].t;
			j->b = kw[i].b;
			return j;
		}
	}
	/* RFC 8259: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
	end = (char *)ps->p;
	end += *end == '-';
	if (*end == '0')
		end++;
	else if (isdigit((unsigned char)*end))
		end += strspn(end, "0123456789");
	else
		end = NULL;
	if (end && *end == '.')
		end = isdigit((unsigned char)end[1]) ?
		      end + 1 + strspn(end + 1, "0123456789") : NULL;
	if (end && (*end == 'e' || *end == 'E')) {
		end += 1 + (end[1] == '+' || end[1] == '-');
		end = isdigit((unsigned char)*end) ?
		      end + strspn(end, "0123456789") : NULL;
	}
	if (!end) {
		free(j);
		return perr(ps, *ps->p ? "unexpected character" :
			    "unexpected end of input");
	}
	j->type = JSON_NUM;
	j->num = strtod(ps->p, NULL);	/* +-HUGE_VAL if out of range */
	if (*ps->p != '-' &&
	    strspn(ps->p, "0123456789") == (size_t)(end - ps->p)) {
		errno = 0;
		j->u = strtoull(ps->p, NULL, 10);
		j->is_uint = !errno;
	} else if (j->num >= 0 && j->num < 18446744073709551616.0) {
		/* 1e3, 2.0: the integer part; 1e300 stays out (UB) */
		j->u = (uint64_t)j->num;
		j->is_uint = j->u == j->num;
	}
	ps->p = end;
	return j;
}

static struct json *parse_value(struct parser *ps, int depth)
{
	struct json *j;

	if (depth > 64)
		return perr(ps, "nested too deep");
	skip_ws(ps);
	if (*ps->p == '{' || *ps->p == '[')
		return parse_container(ps, depth);
	if (*ps->p == '"') {
		char *s = parse_string(ps);

		if (!s)
			return NULL;
		j = xcalloc(1, sizeof(*j));
		j->type = JSON_STR;
		j->str = s;
		return j;
	}
	return parse_scalar(ps);
}

struct json *json_parse(const char *text, char *err, size_t errlen)
{
	struct parser ps = { text, 1, err, errlen, false };
	struct json *j = parse_value(&ps, 0);

	if (!j)
		return NULL;
	skip_ws(&ps);
	if (*ps.p) {
		json_free(j);
		return perr(&ps, "trailing characters after the value");
	}
	return j;
}

bool json_is_uint(const struct json *j)
{
	return j && j->type == JSON_NUM && j->is_uint;
}

void json_free(struct json *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		json_free(j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->str);
	free(j);
}

const struct json *json_get(const struct json *o, const char *key)
{
	if (!o || o->type != JSON_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return o->items[i];
	return NULL;
}

uint64_t json_get_u64(const struct json *o, const char *key, uint64_t def)
{
	const struct json *j = json_get(o, key);

	return j && j->type == JSON_NUM ? j->u : def;
}

double json_get_num(const struct json *o, const char *key, double def)
{
	const struct json *j = json_get(o, key);

	return j && j->type == JSON_NUM ? j->num : def;
}

bool json_get_bool(const struct json *o, const char *key, bool def)
{
	const struct json *j = json_get(o, key);

	return j && j->type == JSON_BOOL ? j->b : def;
}

const char *json_get_str(const struct json *o, const char *key,
			 const char *def)
{
	const struct json *j = json_get(o, key);

	return j && j->type == JSON_STR ? j->str : def;
}

static char *dup_or_empty(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "mmsim: out of host memory\n");
		exit(2);
	}
	return d;
}

/* One failure object into @f (strings malloc'd). */
static void failure_from_json(struct explore_failure *f, const struct json *j)
{
	const struct json *site = json_get(j, "site");
	const char *oc = json_get_str(j, "outcome", "violation");

	memset(f, 0, sizeof(*f));
	f->index = json_get_u64(j, "index", 0);
	f->seed = json_get_u64(j, "seed", 0);
	f->outcome = SIM_VIOLATION;
	for (int o = SIM_OK; o <= SIM_LIMIT; o++)
		if (!strcmp(oc, sim_outcome_name(o)))
			f->outcome = o;
	f->trace_hash = strtoull(json_get_str(j, "trace_hash", "0"), NULL, 0);
	f->steps = json_get_u64(j, "steps", 0);
	f->schedule = dup_or_empty(json_get_str(j, "schedule", ""));
	f->msg = dup_or_empty(json_get_str(j, "msg", ""));
	f->task = dup_or_empty(json_get_str(j, "task", ""));
	f->site_label = dup_or_empty(json_get_str(site, "label", ""));
	f->site_func = dup_or_empty(json_get_str(site, "func", ""));
	f->site_file = dup_or_empty(json_get_str(site, "file", ""));
	f->site_line = (int)json_get_u64(site, "line", 0);
	if (json_get_str(j, "shrunk", NULL))
		f->shrunk = dup_or_empty(json_get_str(j, "shrunk", NULL));
}

int explore_result_add_json(struct explore_result *r, const struct json *j,
			    size_t max, char *err, size_t errlen)
{
	const struct json *oc = json_get(j, "outcomes");
	const struct json *fl = json_get(j, "failures");
	bool first = !r->executions && !r->elapsed && !r->nr_fail;

	if (!j || j->type != JSON_OBJ || !json_get(j, "executions")) {
		snprintf(err, errlen, "not an explore result (no "
			 "\"executions\")");
		return -1;
	}
	r->executions += json_get_u64(j, "executions", 0);
	r->steps += json_get_u64(j, "steps", 0);
	r->failures += json_get_u64(j, "violations", 0) +
		       json_get_u64(j, "limits", 0);
	for (int o = SIM_OK; o <= SIM_LIMIT; o++)
		r->outcomes[o] += json_get_u64(oc, sim_outcome_name(o), 0);
	r->exhausted = (first || r->exhausted) &&
		       json_get_bool(j, "exhausted", false);
	r->timed_out |= json_get_bool(j, "timed_out", false);
	if (json_get_num(j, "elapsed", 0) > r->elapsed)
		r->elapsed = json_get_num(j, "elapsed", 0);
	for (size_t i = 0; fl && fl->type == JSON_ARR && i < fl->n; i++) {
		struct explore_failure f;

		failure_from_json(&f, fl->items[i]);
		explore_add_failure(r, &f, max);
		free(f.schedule);
		free(f.msg);
		free(f.task);
		free(f.site_label);
		free(f.site_func);
		free(f.site_file);
		free(f.shrunk);
	}
	return 0;
}
#endif /* !SIM_STRESS */
