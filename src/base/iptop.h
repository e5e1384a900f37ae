/*
 * iptop.h - small shared helpers: allocation that aborts cleanly on OOM,
 * a growable string buffer, time. Everything here is pure: no netlink, no
 * curses. Every module may include it.
 */
#ifndef IPTOP_H
#define IPTOP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef __has_attribute
#define __has_attribute(x) 0
#endif
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Allocation: on failure these print one line and _exit(1); an
 * out-of-memory viewer has nothing better to do. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
char *xvasprintf(const char *fmt, va_list ap) PRINTF_LIKE(1, 0);

/* A growable NUL-terminated string (like tmux's evbuffer use, but tiny). */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
	FILE *spill;          /* strbuf_spill() writes big contents here, or NULL */
	bool spill_failed;
};
void strbuf_init(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *s);
void strbuf_addn(struct strbuf *sb, const char *s, size_t n);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
/* Appends a JSON string literal (with quotes) for s. */
void strbuf_add_json(struct strbuf *sb, const char *s);
void strbuf_add_u64(struct strbuf *sb, uint64_t v);
/* Dotted quad of four bytes in network order, as inet_ntop() writes it. */
void strbuf_add_ipv4(struct strbuf *sb, const void *addr);
/* Writing through a pointer, for lines built thousands of times (a
 * 100k-flow listing): strbuf_room() makes room for at most n more bytes
 * and returns where they go; the put_*() helpers write there and return
 * the end; strbuf_commit() takes the bytes up to end. */
char *strbuf_room(struct strbuf *sb, size_t n);
void strbuf_commit(struct strbuf *sb, char *end);
char *util_put_u64(char *p, uint64_t v);    /* at most 20 bytes */
char *util_put_ipv4(char *p, const void *addr);   /* at most 15 bytes */
static inline char *put_mem(char *p, const void *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}
static inline char *put_str(char *p, const char *s)
{
	return put_mem(p, s, strlen(s));
}
/* A string literal, its length known at compile time. */
#define PUT_LIT(p, lit) put_mem((p), "" lit, sizeof(lit) - 1)
/* With sb->spill set: once 64 KiB have gathered, write them out and start
 * over, so a 50,000-rule frame never sits in memory whole. */
void strbuf_spill(struct strbuf *sb);
/* Room for more bytes without another allocation (one, for a string
 * whose size is roughly known). */
void strbuf_reserve(struct strbuf *sb, size_t more);
void strbuf_reset(struct strbuf *sb);
char *strbuf_steal(struct strbuf *sb); /* returns s (never NULL), resets sb */
/* A whole file, NUL-terminated (len without the NUL), or NULL with errno. */
char *util_read_whole_file(const char *path, size_t *len);
/* Ask for transparent huge pages over the 2 MiB-aligned part of a big
 * allocation about to be first touched (where THP is in madvise mode):
 * a few faults instead of one per 4 KiB page. */
void util_huge_pages(void *p, size_t len);
/* Once, at start: the heap grows by pad at once, on huge pages (util.c). */
void util_heap_huge(size_t pad);
/* path opened read-only if it is a regular file (never blocks on a FIFO),
 * else -1 with *cause "PATH: a FIFO, not WANT" or "PATH: strerror". */
int util_open_regular_file(const char *path, const char *want, char **cause);
void strbuf_free(struct strbuf *sb);

/* Monotonic and wall clock in nanoseconds / seconds. */
uint64_t time_mono_ns(void);
double time_wall(void);
/* The source tree an uninstalled iptop runs from (the build tree, or the
 * source tree configure recorded for it), whose themes/ and doc/ it uses;
 * NULL when installed (PKGDATADIR). IPTOP_THEMES_DIR and IPTOP_DATA_DIR
 * override both. */
const char *util_data_source_tree(void);

#endif
