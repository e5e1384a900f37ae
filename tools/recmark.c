/*
 * recmark.c - add chapter marks to a recording: a copy of IN with
 * "mark=TEXT" facts (REC_META) at the times given, every other frame and
 * the header unchanged. A replay lists the marks (m) and jumps to them.
 *
 *   recmark IN OUT SECONDS=TEXT...   SECONDS since the recording began
 *
 * Errors read "FILE: offset N: what" (the reader's) or name the argument.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptop.h"
#include "record.h"

struct mark {
	uint64_t t_ns;
	const char *text;
};

static int cmp_mark(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	return x->t_ns < y->t_ns ? -1 : x->t_ns > y->t_ns;
}

int main(int argc, char **argv)
{
	struct record_reader *rd;
	struct record_frame fr;
	struct record *out;
	struct mark *marks;
	char *cause = NULL;
	size_t n = 0, next = 0;
	int i, r;

	if (argc < 4) {
		fprintf(stderr, "usage: recmark IN OUT SECONDS=TEXT...\n");
		return 2;
	}
	marks = xcalloc((size_t)argc, sizeof(*marks));
	for (i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *end;
		double s = strtod(argv[i], &end);

		if (!eq || end != eq || s < 0 || s > 1e9 || !eq[1]) {
			fprintf(stderr, "recmark: '%s': want SECONDS=TEXT\n", argv[i]);
			return 2;
		}
		marks[n].t_ns = (uint64_t)(s * 1e9);
		marks[n++].text = eq + 1;
	}
	qsort(marks, n, sizeof(*marks), cmp_mark);
	rd = record_reader_open(argv[1], &cause);
	if (!rd) {
		fprintf(stderr, "recmark: %s\n", cause);
		return 1;
	}
	out = record_create_header(argv[2], record_reader_header_text(rd), &cause);
	if (!out) {
		fprintf(stderr, "recmark: %s\n", cause);
		return 1;
	}
	while ((r = record_reader_next(rd, &fr, &cause)) == 1) {
		for (; next < n && marks[next].t_ns <= fr.t_ns; next++)
			record_meta_at(out, marks[next].t_ns, "mark", marks[next].text);
		record_frame_at(out, fr.type, fr.t_ns, fr.data, fr.len);
	}
	for (; next < n; next++)
		record_meta_at(out, marks[next].t_ns, "mark", marks[next].text);
	record_reader_close(rd);
	if (r < 0) {
		fprintf(stderr, "recmark: %s\n", cause);
		record_close(out, &cause);
		return 1;
	}
	if (record_close(out, &cause) < 0) {
		fprintf(stderr, "recmark: %s\n", cause);
		return 1;
	}
	free(marks);
	return 0;
}
