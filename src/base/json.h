/*
 * json.h - one streaming JSON writer over a struct strbuf: objects,
 * arrays, strings, numbers, booleans and null, with the commas between
 * members put in by the writer. It spills the buffer (strbuf_spill) as
 * containers close, so a 50,000-rule frame never sits in memory whole.
 * It writes what it is told in that order: no pretty printing, no
 * checking that keys are unique.
 */
#ifndef IPTOP_JSON_H
#define IPTOP_JSON_H

#include <stdbool.h>
#include <stdint.h>

struct strbuf;

#define JSON_MAX_DEPTH 32

struct json {
	struct strbuf *sb;
	unsigned depth;  /* containers open */
	uint32_t more;   /* bit d: the container at depth d holds a value already */
	uint32_t array;  /* bit d: the container at depth d is an array */
};

/* Every value call takes its member name as key inside an object, NULL
 * inside an array or at the top. */

/* Writes into sb from here on, at the top level. */
void json_init(struct json *j, struct strbuf *sb);
/* Writes more members into an object whose opening brace and earlier
 * members are already in sb; json_end() then closes it. */
void json_init_member(struct json *j, struct strbuf *sb);
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
/* Closes the innermost object or array. */
void json_end(struct json *j);
/* A string literal (escaped by strbuf_add_json), or null for NULL. */
void json_str(struct json *j, const char *key, const char *s);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_u64_or_null(struct json *j, const char *key, bool have, uint64_t v);
void json_int(struct json *j, const char *key, long long v);
/* v with decimals digits after the point ("%.*f"). */
void json_fixed(struct json *j, const char *key, double v, int decimals);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

#endif
