/*
 * json.c - the streaming JSON writer (include/json.h) that every JSON
 * emitter uses: batch.c's frames, trace-text.c's packets,
 * conntrack-text.c's flows. It owns the commas and the quoting of
 * keys; strings are escaped by strbuf_add_json (util.c). It does not
 * parse JSON.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "iptop.h"
#include "json.h"

void json_init(struct json *j, struct strbuf *sb)
{
	j->sb = sb;
	j->depth = 0;
	j->more = 0;
	j->array = 0;
}

void json_init_member(struct json *j, struct strbuf *sb)
{
	json_init(j, sb);
	j->depth = 1;
	j->more = 1u << 1;
}

/* The comma before a value that is not its container's first, and the
 * member name, written into room for them and extra bytes more: returns
 * where the value goes (strbuf_commit() takes it). Keys are iptop's own
 * words: no escaping needed. A member of every flow of a 100k-flow frame
 * comes through here, so no call per piece. */
static char *sep_room(struct json *j, const char *key, size_t extra)
{
	uint32_t bit = 1u << j->depth;
	size_t k = key ? strlen(key) : 0;
	char *p = strbuf_room(j->sb, k + 4 + extra);

	if (j->more & bit)
		*p++ = ',';
	j->more |= bit;
	if (key) {
		*p++ = '"';
		p = put_mem(p, key, k);
		*p++ = '"';
		*p++ = ':';
	}
	return p;
}

static void json_sep(struct json *j, const char *key)
{
	strbuf_commit(j->sb, sep_room(j, key, 0));
}

static void json_open(struct json *j, const char *key, char c)
{
	uint32_t bit;

	char *p = sep_room(j, key, 1);

	*p++ = c;
	strbuf_commit(j->sb, p);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		return; /* deeper than iptop writes: commas may go wrong, never memory */
	j->depth++;
	bit = 1u << j->depth;
	j->more &= ~bit;
	if (c == '[')
		j->array |= bit;
	else
		j->array &= ~bit;
}

void json_object(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_array(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_end(struct json *j)
{
	uint32_t bit = 1u << j->depth;

	/* Before the closing character, so a caller that reopens the last
	 * object (batch_json_conntrack) still finds it in the buffer. */
	strbuf_spill(j->sb);
	strbuf_addc(j->sb, j->array & bit ? ']' : '}');
	if (j->depth)
		j->depth--;
}

void json_str(struct json *j, const char *key, const char *s)
{
	json_sep(j, key);
	strbuf_add_json(j->sb, s);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	strbuf_commit(j->sb, util_put_u64(sep_room(j, key, 20), v));
}

void json_u64_or_null(struct json *j, const char *key, bool have, uint64_t v)
{
	char *p = sep_room(j, key, 20);

	strbuf_commit(j->sb, have ? util_put_u64(p, v) : PUT_LIT(p, "null"));
}

void json_int(struct json *j, const char *key, long long v)
{
	json_sep(j, key);
	if (v < 0) {
		strbuf_addc(j->sb, '-');
		strbuf_add_u64(j->sb, (uint64_t)0 - (uint64_t)v);
	} else {
		strbuf_add_u64(j->sb, (uint64_t)v);
	}
}

void json_fixed(struct json *j, const char *key, double v, int decimals)
{
	json_sep(j, key);
	strbuf_addf(j->sb, "%.*f", decimals, v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	char *p = sep_room(j, key, 5);

	strbuf_commit(j->sb, v ? PUT_LIT(p, "true") : PUT_LIT(p, "false"));
}

void json_null(struct json *j, const char *key)
{
	strbuf_commit(j->sb, PUT_LIT(sep_room(j, key, 4), "null"));
}
