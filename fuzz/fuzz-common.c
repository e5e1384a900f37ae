/*
 * fuzz-common.c - what the fuzz targets share: walking netlink messages of
 * an input without trusting a length, an input as a file path (memfd), and
 * a strict JSON syntax check for the --json outputs. Does not call any
 * module: each fuzz-NAME.c drives its own.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "iptop.h"

void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, detail ? detail : "");
	abort();
}

/* ---- netlink messages ------------------------------------------------------ */

static bool msg_ok(const struct nlmsghdr *nlh, size_t left)
{
	return left >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= left;
}

const struct nlmsghdr *fuzz_msg_first(const void *buf, size_t len, size_t *left)
{
	const struct nlmsghdr *nlh = buf;

	*left = len;
	return buf && msg_ok(nlh, len) ? nlh : NULL;
}

const struct nlmsghdr *fuzz_msg_next(const struct nlmsghdr *nlh, size_t *left)
{
	size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

	if (step >= *left)
		return NULL;
	*left -= step;
	nlh = (const struct nlmsghdr *)((const char *)nlh + step);
	return msg_ok(nlh, *left) ? nlh : NULL;
}

/* ---- an input as a file ----------------------------------------------------- */

static int file_fd = -1;
static char file_path[64];
static char *tmp_path;

static void tmp_cleanup(void)
{
	if (tmp_path)
		unlink(tmp_path);
}

const char *fuzz_file(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (file_fd < 0) {
		/* memfd: no disk, and fopen() of /proc/self/fd/N gives the
		 * reader its own offset, as a real file would */
		file_fd = memfd_create("iptop-fuzz", MFD_CLOEXEC);
		if (file_fd >= 0) {
			snprintf(file_path, sizeof(file_path), "/proc/self/fd/%d", file_fd);
		} else {
			const char *dir = getenv("TMPDIR");

			tmp_path = xasprintf("%s/iptop-fuzz-XXXXXX", dir && *dir ? dir : "/tmp");
			file_fd = mkstemp(tmp_path);
			if (file_fd < 0)
				return NULL;
			atexit(tmp_cleanup);
			snprintf(file_path, sizeof(file_path), "%s", tmp_path);
		}
	}
	if (ftruncate(file_fd, 0) < 0)
		return NULL;
	while (off < size) {
		ssize_t n = pwrite(file_fd, data + off, size - off, (off_t)off);

		if (n <= 0)
			return NULL;
		off += (size_t)n;
	}
	return file_path;
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* ---- JSON ----------------------------------------------------------------- */

struct json {
	const char *p, *end;
	int depth;
};

static bool j_value(struct json *j);

static void j_ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool j_lit(struct json *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

static bool j_digits(struct json *j)
{
	const char *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}

static bool j_number(struct json *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!j_digits(j))
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!j_digits(j))
			return false;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!j_digits(j))
			return false;
	}
	return true;
}

static bool j_string(struct json *j)
{
	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p++;

		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (j->p >= j->end)
			return false;
		c = (unsigned char)*j->p++;
		if (c == 'u') {
			int i;

			for (i = 0; i < 4; i++, j->p++)
				if (j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p) || !*j->p)
					return false;
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return false;
		}
	}
	return false;
}

static bool j_container(struct json *j, char close)
{
	j->p++;
	if (++j->depth > 64)
		return false;
	j_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		if (close == '}') {
			if (!j_string(j))
				return false;
			j_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return false;
		}
		if (!j_value(j))
			return false;
		j_ws(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == ',') {
			j->p++;
			j_ws(j);
			continue;
		}
		if (*j->p++ != close)
			return false;
		j->depth--;
		return true;
	}
}

static bool j_value(struct json *j)
{
	j_ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
		return j_container(j, '}');
	case '[':
		return j_container(j, ']');
	case '"':
		return j_string(j);
	case 't':
		return j_lit(j, "true");
	case 'f':
		return j_lit(j, "false");
	case 'n':
		return j_lit(j, "null");
	default:
		return j_number(j);
	}
}

void fuzz_check_json(const char *s, size_t len, const char *what)
{
	struct json j = { s, s + len, 0 };

	if (len && s[len - 1] == '\n')
		j.end--;
	if (!j_value(&j) || (j_ws(&j), j.p != j.end)) {
		size_t at = (size_t)(j.p - s);

		fprintf(stderr, "fuzz: %s: invalid JSON at byte %zu of %zu: %.*s\n", what, at, len,
			(int)(len < 4000 ? len : 4000), s);
		fuzz_fail(what, "invalid JSON");
	}
}
