/*
 * unit-json.c - the JSON writer (commas, nesting, null for a missing
 * string or number, reopening a finished object, spilling a big array at
 * 64 KiB). The hash map's tests are in unit-hashmap.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
	test_writer();
	test_spill();
	return unit_status("unit-json");
}
