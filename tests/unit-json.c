/*
 * unit-json.c - the JSON writer (commas, nesting, null for a missing
 * string or number, reopening a finished object, spilling a big array at
 * 64 KiB) and the hash map (colliding hashes, growth, hash 0, FNV-1a).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "iptop.h"
#include "json.h"
#include "unit.h"

static void test_writer(void)
{
	struct strbuf sb;
	struct json j;

	strbuf_init(&sb);
	json_init(&j, &sb);
	json_object(&j, NULL);
	json_str(&j, "s", "a\"b");
	json_str(&j, "n", NULL);
	json_u64(&j, "u", 18446744073709551615ULL);
	json_u64_or_null(&j, "o", false, 1);
	json_int(&j, "i", -300);
	json_fixed(&j, "f", 1.5, 3);
	json_bool(&j, "b", true);
	json_array(&j, "a");
	json_u64(&j, NULL, 1);
	json_object(&j, NULL);
	json_end(&j);
	json_array(&j, NULL);
	json_end(&j);
	json_null(&j, NULL);
	json_end(&j);
	json_null(&j, "z");
	json_end(&j);
	CHECK_STR(sb.s, "{\"s\":\"a\\\"b\",\"n\":null,\"u\":18446744073709551615,\"o\":null,\"i\":-300,"
			"\"f\":1.500,\"b\":true,\"a\":[1,{},[],null],\"z\":null}");
	/* a member added to the finished object, as batch_json_conntrack does */
	sb.len--;
	json_init_member(&j, &sb);
	json_object(&j, "c");
	json_u64(&j, "k", 2);
	json_end(&j);
	json_end(&j);
	{
		static const char tail[] = ",\"c\":{\"k\":2}}";

		CHECK(sb.len > strlen(tail) && strcmp(sb.s + sb.len - strlen(tail), tail) == 0);
	}
	/* a top-level member (conntrack_text_json's "conntrack":{...}) */
	strbuf_reset(&sb);
	json_init(&j, &sb);
	json_object(&j, "conntrack");
	json_end(&j);
	CHECK_STR(sb.s, "\"conntrack\":{}");
	strbuf_free(&sb);
}

/* A 200 KiB array spills while it is written; what is left ends the
 * text, and the pieces together are the whole. */
static void test_spill(void)
{
	struct strbuf sb;
	struct json j;
	char *out = NULL;
	size_t outlen = 0, i;
	FILE *f = open_memstream(&out, &outlen);

	CHECK(f != NULL);
	if (!f)
		return;
	strbuf_init(&sb);
	sb.spill = f;
	json_init(&j, &sb);
	json_array(&j, NULL);
	for (i = 0; i < 20000; i++) {
		json_object(&j, NULL);
		json_u64(&j, "rule", 1000000 + i);
		json_end(&j);
		CHECK(sb.len < 65536 + 64);
	}
	json_end(&j);
	fflush(f);
	CHECK(outlen >= 65536);
	CHECK_INT(outlen + sb.len, 1 + 20000 * 17 - 1 + 1);
	CHECK(sb.len && sb.s[sb.len - 1] == ']');
	fclose(f);
	free(out);
	strbuf_free(&sb);
}

static void test_hashmap(void)
{
	struct hashmap m = { NULL, 0, 0 };
	uint64_t *v, seen = 0;
	size_t pos, i;
	bool added;

	/* equal hashes are kept apart and all found */
	for (i = 0; i < 3; i++)
		*hashmap_add(&m, 42) = i + 1;
	for (v = hashmap_find(&m, 42, &pos); v; v = hashmap_find_next(&m, 42, &pos))
		seen |= 1u << *v;
	CHECK_INT(seen, 0xe);
	CHECK(hashmap_find(&m, 43, &pos) == NULL);
	/* growth keeps every entry */
	for (i = 1; i <= 1000; i++)
		*hashmap_add(&m, hash_mix(i)) = i;
	CHECK_INT(m.count, 1003);
	CHECK(m.size >= 2 * m.count);
	for (i = 1; i <= 1000; i++) {
		v = hashmap_find(&m, hash_mix(i), &pos);
		CHECK(v && *v == i);
	}
	/* get: a count per key, hash 0 included */
	(*hashmap_get(&m, 0, &added))++;
	CHECK(added);
	(*hashmap_get(&m, 0, &added))++;
	CHECK(!added);
	CHECK_INT(*hashmap_get(&m, 0, &added), 2);
	hashmap_free(&m);
	CHECK(m.slot == NULL);
	/* FNV-1a's published test vectors */
	CHECK(hash_fnv1a(HASH_FNV1A_INIT, "", 0) == 0xcbf29ce484222325ULL);
	CHECK(hash_fnv1a(HASH_FNV1A_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
	CHECK(hash_fnv1a_str(HASH_FNV1A_INIT, "foobar") == 0x85944171f73967e8ULL);
}

int main(void)
{
	test_writer();
	test_spill();
	test_hashmap();
	return unit_status("unit-json");
}
