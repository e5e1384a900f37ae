/*
 * util.c - allocation wrappers, the growable string buffer, clocks and
 * opening a file that must be a regular one, and where iptop's data
 * (themes, notes) is. Does not know about netlink or the screen.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "iptop.h"

static void oom(void)
{
	static const char msg[] = "iptop: out of memory\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	_exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void util_huge_pages(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = 2u << 20;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	uintptr_t b = ((uintptr_t)p + len) & ~(huge - 1);

	if (b > a)
		(void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

/*
 * The heap on huge pages. A first snapshot makes a few small allocations
 * per rule (its text, its place in a chain's array, the model's state) and
 * the heap grows a 4 KiB page fault at a time: on this project's 2-core VM,
 * where a fault costs several microseconds, a quarter of `iptop -b -n 1`
 * at 10k rules and of the dashboard's first frame at 50k (bench/README.md).
 * glibc does this itself under GLIBC_TUNABLES=glibc.malloc.hugetlb=1 with
 * a top_pad, which a program cannot set for itself once started; this is
 * the same by hand, once: the heap is made to grow by pad in one step
 * (blocks under the mmap threshold until the break moves, then freed; the
 * top keeps pad: M_TOP_PAD) and that part is advised for huge pages. Pages
 * are still taken only when first touched. If anything is not as expected
 * (another allocator, under ASan or valgrind) malloc is left as it was.
 */
void util_heap_huge(size_t pad)
{
#if defined(M_TOP_PAD) && defined(MADV_HUGEPAGE)
	enum { STEP = 64 << 10, MAX = 64 };
	void *blocks[MAX];
	char *start, *end;
	int n = 0;

	if (pad > INT_MAX || mallopt(M_TOP_PAD, (int)pad) != 1)
		return;
	start = sbrk(0);
	while (n < MAX && (char *)sbrk(0) == start && (blocks[n] = malloc(STEP)) != NULL)
		n++;
	end = sbrk(0);
	while (n > 0)
		free(blocks[--n]);
	if (start != (char *)-1 && end > start)
		util_huge_pages(start, (size_t)(end - start));
#else
	(void)pad;
#endif
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		oom();
	return xrealloc(p, n * size);
}

char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		oom();
	return d;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		oom();
	return d;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_vaddf(&sb, fmt, ap);
	return strbuf_steal(&sb);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void strbuf_init(struct strbuf *sb)
{
	sb->s = NULL;
	sb->len = 0;
	sb->cap = 0;
	sb->spill = NULL;
	sb->spill_failed = false;
}

static void strbuf_grow(struct strbuf *sb, size_t more)
{
	size_t need = sb->len + more + 1;

	if (need <= sb->cap)
		return;
	if (sb->cap < 64)
		sb->cap = 64;
	while (sb->cap < need)
		sb->cap *= 2;
	sb->s = xrealloc(sb->s, sb->cap);
}

void strbuf_addn(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_grow(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void strbuf_add(struct strbuf *sb, const char *s)
{
	strbuf_addn(sb, s, strlen(s));
}

/* Called per character by the text frame: no call down when there is room. */
void strbuf_addc(struct strbuf *sb, char c)
{
	if (sb->len + 2 <= sb->cap) {
		sb->s[sb->len++] = c;
		sb->s[sb->len] = '\0';
		return;
	}
	strbuf_addn(sb, &c, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t room;
	int n;

	/* One pass when it fits (the common case: rule text is short). */
	strbuf_grow(sb, 32);
	room = sb->cap - sb->len;
	va_copy(ap2, ap);
	n = vsnprintf(sb->s + sb->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		sb->s[sb->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		strbuf_grow(sb, (size_t)n);
		vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* The bytes JSON takes as they are: printable ASCII but the quote and
 * the backslash (NUL is not plain: it ends the string). A table, as the
 * text of every rule of a --json frame is scanned here byte by byte. */
static const bool json_plain_byte[256] = {
	[0x20 ... 0x21] = true, [0x23 ... 0x5b] = true, [0x5d ... 0x7f] = true,	/* not 0x22 ", 0x5c \\ */
};

static bool json_plain(unsigned char c)
{
	return json_plain_byte[c];
}

void strbuf_add_json(struct strbuf *sb, const char *s)
{
	const unsigned char *p, *run;

	if (!s) {
		strbuf_add(sb, "null");
		return;
	}
	/* Most strings are plain through and through: one copy. */
	for (p = (const unsigned char *)s; json_plain(*p); p++)
		;
	if (!*p) {
		size_t n = (size_t)(p - (const unsigned char *)s);
		char *o = strbuf_room(sb, n + 2);

		*o++ = '"';
		o = put_mem(o, s, n);
		*o++ = '"';
		strbuf_commit(sb, o);
		return;
	}
	strbuf_addc(sb, '"');
	/* Copy runs of plain characters at once (the first is already
	 * scanned: p is where it ends); escape the rest. Bytes that are not
	 * valid UTF-8 (a comment can hold anything) become U+FFFD so strict
	 * parsers accept the line. */
	for (run = (const unsigned char *)s; *p;) {
		size_t n;

		while (json_plain(*p))	/* the text of every rule of a frame runs here */
			p++;
		if (!*p)
			break;
		if (*p >= 0x80 && (n = utf8_len(p)) > 0) {
			p += n;
			continue;
		}
		strbuf_addn(sb, (const char *)run, (size_t)(p - run));
		switch (*p) {
		case '"': strbuf_add(sb, "\\\""); break;
		case '\\': strbuf_add(sb, "\\\\"); break;
		case '\n': strbuf_add(sb, "\\n"); break;
		case '\r': strbuf_add(sb, "\\r"); break;
		case '\t': strbuf_add(sb, "\\t"); break;
		default:
			if (*p >= 0x80)
				strbuf_add(sb, "\\ufffd");
			else
				strbuf_addf(sb, "\\u%04x", *p);
			break;
		}
		run = ++p;
	}
	strbuf_addn(sb, (const char *)run, (size_t)(p - run));
	strbuf_addc(sb, '"');
}

void strbuf_spill(struct strbuf *sb)
{
	if (!sb->spill || sb->len < 65536)
		return;
	if (!sb->spill_failed && fwrite(sb->s, 1, sb->len, sb->spill) != sb->len)
		sb->spill_failed = true;
	sb->len = 0;
	sb->s[0] = '\0';
}

/* Written in place, two digits a step (a division by 100 per pair, not
 * by 10 per digit): every number of a 100k-flow conntrack listing and
 * every counter of a 50k-rule frame goes through here. */
char *util_put_u64(char *p, uint64_t v)
{
	static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
				       "25262728293031323334353637383940414243444546474849"
				       "50515253545556575859606162636465666768697071727374"
				       "75767778798081828384858687888990919293949596979899";
	size_t n = 1;
	uint64_t t;
	char *end;

	for (t = v; t >= 10; t /= 10)
		n++;
	end = p += n;
	while (v >= 100) {
		unsigned k = (unsigned)(v % 100) * 2;

		v /= 100;
		*--p = pairs[k + 1];
		*--p = pairs[k];
	}
	if (v >= 10) {
		*--p = pairs[v * 2 + 1];
		*--p = pairs[v * 2];
	} else {
		*--p = (char)('0' + v);
	}
	return end;
}

char *util_put_ipv4(char *p, const void *addr)
{
	const uint8_t *a = addr;
	int i;

	for (i = 0; i < 4; i++) {
		if (a[i] >= 100)
			*p++ = (char)('0' + a[i] / 100);
		if (a[i] >= 10)
			*p++ = (char)('0' + a[i] / 10 % 10);
		*p++ = (char)('0' + a[i] % 10);
		*p++ = '.';
	}
	return p - 1;
}

char *strbuf_room(struct strbuf *sb, size_t n)
{
	strbuf_grow(sb, n);
	return sb->s + sb->len;
}

void strbuf_commit(struct strbuf *sb, char *end)
{
	sb->len = (size_t)(end - sb->s);
	sb->s[sb->len] = '\0';
}

void strbuf_add_u64(struct strbuf *sb, uint64_t v)
{
	strbuf_commit(sb, util_put_u64(strbuf_room(sb, 20), v));
}

void strbuf_add_ipv4(struct strbuf *sb, const void *addr)
{
	strbuf_commit(sb, util_put_ipv4(strbuf_room(sb, 15), addr));
}

void strbuf_reserve(struct strbuf *sb, size_t more)
{
	strbuf_grow(sb, more);
	sb->s[sb->len] = '\0';
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
}

char *strbuf_steal(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");

	strbuf_init(sb);
	return s;
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->s);
	strbuf_init(sb);
}

uint64_t time_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

double time_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

char *util_read_whole_file(const char *path, size_t *len)
{
	struct strbuf sb;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");
	int err;

	if (!f)
		return NULL;
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_addn(&sb, buf, n);
	if (ferror(f)) {
		err = errno;
		fclose(f);
		strbuf_free(&sb);
		errno = err ? err : EIO;
		return NULL;
	}
	fclose(f);
	if (len)
		*len = sb.len;
	return strbuf_steal(&sb);
}

/* What a file that is not a regular file is, for the error message. */
static const char *file_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int util_open_regular_file(const char *path, const char *want, char **cause)
{
	/* O_NONBLOCK: opening a FIFO for reading waits for a writer, and
	 * nothing could interrupt it; then refuse what is not a file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	int fl;

	if (fd < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0)
		st.st_mode = 0;
	if (!S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: %s, not %s", path, file_kind(st.st_mode), want);
		close(fd);
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

/* A source tree holds the data iptop ships: themes/ and doc/explain.txt. */
static bool is_source_tree(const char *dir)
{
	char *t = xasprintf("%s/themes/default", dir), *n = xasprintf("%s/doc/explain.txt", dir);
	bool ok = access(t, R_OK) == 0 && access(n, R_OK) == 0;

	free(t);
	free(n);
	return ok;
}

const char *util_data_source_tree(void)
{
	static char tree[PATH_MAX];
	static bool done;
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (done)
		return tree[0] ? tree : NULL;
	done = true;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	/* Built in the source tree: beside the binary. Built elsewhere
	 * (VPATH): the source tree configure recorded, from that build
	 * tree's binary only, and only while it is there. */
	if (is_source_tree(self))
		snprintf(tree, sizeof(tree), "%s", self);
#if defined(ABS_TOP_SRCDIR) && defined(ABS_TOP_BUILDDIR)
	else if (strcmp(self, ABS_TOP_BUILDDIR) == 0 && is_source_tree(ABS_TOP_SRCDIR))
		snprintf(tree, sizeof(tree), "%s", ABS_TOP_SRCDIR);
#endif
	return tree[0] ? tree : NULL;
}
