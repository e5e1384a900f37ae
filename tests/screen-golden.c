/*
 * screen-golden.c - golden screen files for the test programs: a canvas
 * dumped as text (then slots) against tests/golden/NAME.txt; on a
 * difference the dump goes to $top_builddir/tests/NAME.got and the first
 * differing line is named. UPDATE_GOLDEN=1 rewrites the golden instead.
 * Counting checks is the caller's (each test file has its own unit.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "iptop.h"
#include "screen-golden.h"

const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s && *s ? s : ".";
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return;
	}
	fputs(text, f);
	fclose(f);
}

bool golden_matches(const char *name, const struct canvas *c)
{
	char *got = canvas_dump(c, CANVAS_DUMP_SLOTS);
	char *path = xasprintf("%s/tests/golden/%s.txt", srcdir(), name);
	char *want;
	bool ok = true;

	if (getenv("UPDATE_GOLDEN")) {
		spit(path, got);
		fprintf(stderr, "golden: wrote %s\n", path);
	} else if (!(want = util_read_whole_file(path, NULL))) {
		ok = false;
		fprintf(stderr, "golden %s: cannot read %s (UPDATE_GOLDEN=1 writes it)\n", name, path);
	} else {
		if (strcmp(want, got) != 0) {
			const char *bd = getenv("top_builddir");
			char *out = xasprintf("%s/tests/%s.got", bd && *bd ? bd : ".", name);
			const char *a = want, *b = got;
			int line = 1;

			while (*a && *a == *b) {
				if (*a == '\n')
					line++;
				a++;
				b++;
			}
			ok = false;
			spit(out, got);
			fprintf(stderr, "golden %s: differs from line %d; got: %s (diff it against %s)\n", name, line,
				out, path);
			free(out);
		}
		free(want);
	}
	free(path);
	free(got);
	return ok;
}
