/*
 * unit-regress.c - the fuzz targets without libFuzzer: every input kept in
 * fuzz/regress/NAME/ (inputs that once crashed a module) and the seeds in
 * fuzz/corpus/NAME/ go through the same fuzz_NAME() entry point the
 * fuzzer runs (fuzz/fuzz-NAME.c built with FUZZ_REGRESS). Built and run by
 * every `make check`, so a build without clang still guards the fixes. A
 * crash or a broken invariant aborts, and a loop runs into alarm(): either
 * fails the test.
 *
 * usage: unit-regress                 everything under $top_srcdir/fuzz
 *        unit-regress NAME FILE...    replay FILEs through fuzz_NAME
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "iptop.h"
#include "unit.h"

static const struct {
	const char *name;
	int (*fn)(const uint8_t *data, size_t size);
} targets[] = {
	{ "ruleset", fuzz_ruleset },
	{ "rule-text", fuzz_rule_text },
	{ "conntrack", fuzz_conntrack },
	{ "trace", fuzz_trace },
	{ "theme", fuzz_theme },
	{ "record", fuzz_record },
	{ "legacy", fuzz_legacy },
};

/* The whole file in an exact-size buffer, as libFuzzer hands it over. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[8192];
	uint8_t *data;
	size_t n;

	if (!f)
		return NULL;
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_addn(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	data = xmalloc(sb.len ? sb.len : 1);
	memcpy(data, sb.s ? sb.s : "", sb.len);
	strbuf_free(&sb);
	return data;
}

static void replay_file(size_t t, const char *path)
{
	size_t len;
	uint8_t *data = slurp(path, &len);

	unit_checks++;
	if (!data) {
		unit_failures++;
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(stderr, "%s %s\n", targets[t].name, path);
	targets[t].fn(data, len);
	free(data);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order; how many. */
static size_t replay_dir(size_t t, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			replay_file(t, names[i]);
		free(names[i]);
	}
	free(names);
	return n;
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("top_srcdir");
	size_t t, nregress = 0, ncorpus = 0;
	int i;

	/* Some kept inputs once looped forever: fail, don't hang. */
	alarm(300);
	if (argc > 1) {
		for (t = 0; t < ARRAY_SIZE(targets); t++)
			if (strcmp(argv[1], targets[t].name) == 0)
				break;
		if (t == ARRAY_SIZE(targets)) {
			fprintf(stderr, "usage: unit-regress [NAME FILE...]\n");
			return 2;
		}
		for (i = 2; i < argc; i++)
			replay_file(t, argv[i]);
		return unit_status("unit-regress");
	}
	if (!srcdir)
		srcdir = ".";
	for (t = 0; t < ARRAY_SIZE(targets); t++) {
		char *dir = xasprintf("%s/fuzz/regress/%s", srcdir, targets[t].name);

		nregress += replay_dir(t, dir);
		free(dir);
		dir = xasprintf("%s/fuzz/corpus/%s", srcdir, targets[t].name);
		ncorpus += replay_dir(t, dir);
		free(dir);
	}
	fprintf(stderr, "unit-regress: %zu regression inputs, %zu seeds\n", nregress, ncorpus);
	/* The seeds are checked in: none found means a wrong top_srcdir. */
	CHECK(ncorpus > 0);
	return unit_status("unit-regress");
}
