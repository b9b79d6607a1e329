// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fuzz/fuzz_json.c - libFuzzer harness for the JSON reader
 * (explore/json.c), which reads what shards and forked jobs send back.
 *
 * For every input (up to its first NUL, as the reader takes C strings):
 *  - json_parse returns (no crash, overread, leak or UB: ASan+UBSan+
 *    LeakSanitizer watch), and a failure comes with "line N: reason";
 *  - a parsed value written back out (strings escaped, finite numbers
 *    exactly) parses again to the same value;
 *  - the getters and explore_result_add_json (the merge path) accept any
 *    parsed value.
 * Any broken property abort()s, which libFuzzer reports as a crash.
 *
 *	make fuzz-json FUZZ_JSON_TIME=300	(mk/fuzz.mk)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/json.h"

/* What json.c needs from the rest of the explorer, minimal here. */
const char *sim_outcome_name(enum sim_outcome o)
{
	static const char *const n[] = { "ok", "violation", "deadlock",
					  "livelock", "diverged", "limit" };

	return o >= 0 && o <= SIM_LIMIT ? n[o] : "?";
}

void explore_add_failure(struct explore_result *r,
			 const struct explore_failure *f, size_t max)
{
	if (!f->schedule || !f->msg || !f->task || !f->site_label ||
	    !f->site_func || !f->site_file)
		abort();
	r->nr_fail++;
}

static void fail(const char *why, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_json: %s\n--- first\n%s\n--- second\n%s\n", why,
		a ? a : "(null)", b ? b : "(null)");
	abort();
}

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void put_str(struct buf *b, const char *s)
{
	put(b, "\"", 1);
	for (; *s; s++) {
		char e[8];
		unsigned char c = *s;

		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = c;
			put(b, e, 2);
		} else if (c < 0x20) {
			snprintf(e, sizeof(e), "\\u%04x", c);
			put(b, e, 6);
		} else {
			put(b, (char *)&c, 1);
		}
	}
	put(b, "\"", 1);
}

/* Write @j out; false if it holds a number JSON cannot write back. */
static bool write_json(struct buf *b, const struct json *j)
{
	char num[64];

	switch (j->type) {
	case JSON_NULL:
		put(b, "null", 4);
		return true;
	case JSON_BOOL:
		put(b, j->b ? "true" : "false", j->b ? 4 : 5);
		return true;
	case JSON_NUM:
		if (!isfinite(j->num))
			return false;
		if (j->is_uint && j->u == j->num)
			snprintf(num, sizeof(num), "%llu",
				 (unsigned long long)j->u);
		else if (j->is_uint)
			return false;	/* 2^64 - 1 and its neighbours */
		else
			snprintf(num, sizeof(num), "%.17g", j->num);
		put(b, num, strlen(num));
		return true;
	case JSON_STR:
		put_str(b, j->str);
		return true;
	default:
		put(b, j->type == JSON_ARR ? "[" : "{", 1);
		for (size_t i = 0; i < j->n; i++) {
			if (i)
				put(b, ",", 1);
			if (j->type == JSON_OBJ) {
				put_str(b, j->keys[i]);
				put(b, ":", 1);
			}
			if (!write_json(b, j->items[i]))
				return false;
		}
		put(b, j->type == JSON_ARR ? "]" : "}", 1);
		return true;
	}
}

static bool same(const struct json *a, const struct json *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case JSON_BOOL:
		return a->b == b->b;
	case JSON_NUM:
		return a->num == b->num && a->is_uint == b->is_uint &&
		       (!a->is_uint || a->u == b->u);
	case JSON_STR:
		return !strcmp(a->str, b->str);
	case JSON_ARR:
	case JSON_OBJ:
		if (a->n != b->n)
			return false;
		for (size_t i = 0; i < a->n; i++)
			if ((a->type == JSON_OBJ &&
			     strcmp(a->keys[i], b->keys[i])) ||
			    !same(a->items[i], b->items[i]))
				return false;
		return true;
	default:
		return true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[256];
	struct json *j, *j2;
	struct explore_result r = { 0 };
	struct buf b = { 0 };

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	j = json_parse(text, err, sizeof(err));
	if (!j) {
		if (strncmp(err, "line ", 5))
			fail("a failed parse without 'line N:'", text, err);
		free(text);
		return 0;
	}
	json_get_u64(j, "executions", 0);
	json_get_str(j, "program", "");
	explore_result_add_json(&r, j, 64, err, sizeof(err));
	if (write_json(&b, j)) {
		j2 = json_parse(b.s, err, sizeof(err));
		if (!j2)
			fail("what was read does not read back", text, b.s);
		if (!same(j, j2))
			fail("read, write, read changed the value", text, b.s);
		json_free(j2);
	}
	free(b.s);
	json_free(j);
	free(text);
	return 0;
}
