/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explore/json.h - a small JSON reader, enough to read back what the
 * explorer writes (shard results for `mmsim merge`, results of forked
 * jobs). Numbers keep their exact unsigned value when they are integers.
 */
#ifndef EXPLORE_JSON_H
#define EXPLORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explore/explore.h"

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR,
		 JSON_OBJ };

struct json {
	enum json_type type;
	bool b;
	double num;
	uint64_t u;		/* exact value of a non-negative integer */
	bool is_uint;		/* ... which this number is (u is exact) */
	char *str;
	size_t n;		/* items of an array or object */
	struct json **items;
	char **keys;		/* object member names */
};

/*
 * Parse @text (strict RFC 8259 JSON, NUL-terminated, at most 64 levels
 * deep); NULL with "line L: reason" in @err on any error. Never reads
 * past the terminating NUL. \u escapes become UTF-8 (a lone surrogate
 * or \u0000 is an error: strings stay C strings).
 */
struct json *json_parse(const char *text, char *err, size_t errlen);
void json_free(struct json *j);
/* Is @j a number that is a non-negative integer below 2^64? */
bool json_is_uint(const struct json *j);
/* Member @key of object @o, or NULL. */
const struct json *json_get(const struct json *o, const char *key);
uint64_t json_get_u64(const struct json *o, const char *key, uint64_t def);
double json_get_num(const struct json *o, const char *key, double def);
bool json_get_bool(const struct json *o, const char *key, bool def);
/* The string member @key, or @def. */
const char *json_get_str(const struct json *o, const char *key,
			 const char *def);

/*
 * Add the explore result @j (as report_explore_json writes it) to @r:
 * totals add up, failures join in index order (at most @max kept),
 * "exhausted" holds only if it holds for every part. 0, or -1 with @err.
 */
int explore_result_add_json(struct explore_result *r, const struct json *j,
			    size_t max, char *err, size_t errlen);

#endif /* EXPLORE_JSON_H */
