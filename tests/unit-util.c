/*
 * unit-util.c - strbuf, JSON escaping and the recording reader's checks
 * (bad magic, truncation, lengths past the end give FILE: offset N).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iptop.h"
#include "record.h"
#include "unit.h"

static char *write_tmp(const void *data, size_t len)
{
	char *path = xstrdup("/tmp/iptop-unit-XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
	return path;
}

static void test_strbuf(void)
{
	struct strbuf sb;
	char *s;

	strbuf_init(&sb);
	strbuf_add(&sb, "a");
	strbuf_addf(&sb, "%d-%s", 42, "x");
	strbuf_addc(&sb, '!');
	CHECK_STR(sb.s, "a42-x!");
	strbuf_reset(&sb);
	strbuf_add_json(&sb, "q\"b\\n\n\x01");
	CHECK_STR(sb.s, "\"q\\\"b\\\\n\\n\\u0001\"");
	/* valid UTF-8 passes; a stray byte, an overlong form, a surrogate
	 * and a truncated sequence become U+FFFD */
	strbuf_reset(&sb);
	strbuf_add_json(&sb, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5");
	CHECK_STR(sb.s, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5\"");
	strbuf_reset(&sb);
	strbuf_add_json(&sb, "a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\xe2\x82");
	CHECK_STR(sb.s, "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\"");
	strbuf_reset(&sb);
	strbuf_add_u64(&sb, 0);
	strbuf_addc(&sb, ' ');
	strbuf_add_u64(&sb, UINT64_MAX);
	CHECK_STR(sb.s, "0 18446744073709551615");
	/* every length and digit pair, against printf */
	{
		uint64_t v;
		char want[32];
		int k;

		for (v = 1, k = 0; k < 20; k++, v = v * 10 + (uint64_t)k % 10) {
			uint64_t w[] = { v, v - 1, v + 1, v * 7 / 3 };
			size_t j;

			for (j = 0; j < 4; j++) {
				strbuf_reset(&sb);
				strbuf_add_u64(&sb, w[j]);
				snprintf(want, sizeof(want), "%llu", (unsigned long long)w[j]);
				CHECK_STR(sb.s, want);
			}
		}
		for (v = 0; v < 100000; v += 7) {
			strbuf_reset(&sb);
			strbuf_add_u64(&sb, v);
			snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
			if (strcmp(sb.s, want) != 0)
				CHECK_STR(sb.s, want);
		}
	}
	s = strbuf_steal(&sb);
	CHECK(sb.s == NULL);
	free(s);
	s = xasprintf("%s=%u", "k", 7u);
	CHECK_STR(s, "k=7");
	free(s);
}

static void test_record_errors(void)
{
	char *cause = NULL, *path;
	struct record_reader *r;
	struct record_frame f;
	struct record *w;

	path = write_tmp("NOTAREC.........", 16);
	r = record_reader_open(path, &cause);
	CHECK(r == NULL);
	CHECK(cause && strstr(cause, "offset 0: not an iptop recording"));
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	/* A good file, then truncated in the middle of a frame. */
	path = xstrdup("/tmp/iptop-unit-rec-XXXXXX");
	close(mkstemp(path));
	w = record_create(path, "net:[1]", 500, &cause);
	CHECK(w != NULL);
	record_frame(w, REC_NFT_EVENT, "abcdefgh", 8);
	record_frame(w, REC_NFT_EVENT, "0123456789", 10);
	CHECK_INT(record_close(w, &cause), 0);
	r = record_reader_open(path, &cause);
	CHECK(r != NULL);
	CHECK_STR(record_reader_header(r, "netns"), "net:[1]");
	CHECK_INT(record_reader_next(r, &f, &cause), 1);
	CHECK_INT(f.len, 8);
	CHECK(memcmp(f.data, "abcdefgh", 8) == 0);
	CHECK_INT(record_reader_next(r, &f, &cause), 1);
	CHECK_INT(record_reader_next(r, &f, &cause), 0);
	record_reader_close(r);
	{
		FILE *fp = fopen(path, "r+");
		long sz;

		fseek(fp, 0, SEEK_END);
		sz = ftell(fp);
		fclose(fp);
		CHECK(truncate(path, sz - 4) == 0);
	}
	r = record_reader_open(path, &cause);
	CHECK(r != NULL);
	CHECK_INT(record_reader_next(r, &f, &cause), 1);
	CHECK_INT(record_reader_next(r, &f, &cause), -1);
	CHECK(cause && strstr(cause, path) && strstr(cause, ": offset ") && strstr(cause, "past the end"));
	free(cause);
	cause = NULL;
	record_reader_close(r);
	unlink(path);
	free(path);
}

int main(void)
{
	test_strbuf();
	test_record_errors();
	return unit_status("unit-util");
}
