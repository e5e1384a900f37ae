/*
 * record.c - writing and reading recordings (format in record.h). The
 * reader trusts nothing: magic, byte order, version, every length against
 * the file size and a cap. It does not interpret netlink payloads: replay
 * hands them to the collectors' parsers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "iptop.h"
#include "record.h"

#define BOM 0x01020304u

struct record {
	FILE *fp;
	char *path;
	uint64_t start_ns;
	int error;
	bool created;       /* this run made the file (so it may remove it) */
	bool reported;      /* record_check() said so already */
	uint64_t whole;     /* bytes up to the end of the last whole frame written */
	uint64_t kept;      /* ... of those flushed to the file (record_check) */
	unsigned snapshots; /* complete rulesets written */
};

static void wr(struct record *rec, const void *p, size_t n)
{
	if (!rec->error && n && fwrite(p, 1, n, rec->fp) != n)
		rec->error = errno ? errno : EIO;
}

/* Open for writing without blocking on a FIFO that has no reader (ENXIO),
 * creating the file if it is not there (created says so). */
static FILE *open_out(const char *path, bool *created)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	int fl;
	FILE *fp;

	*created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	fp = fdopen(fd, "wb");
	if (!fp) {
		int e = errno;

		close(fd);
		if (*created)
			unlink(path);
		errno = e;
	}
	return fp;
}

struct record *record_create_header(const char *path, const char *header, char **cause)
{
	struct record *rec;
	uint32_t v;
	bool created;
	FILE *fp = open_out(path, &created);

	if (!fp) {
		*cause = xasprintf("%s: %s", path,
				   errno == ENXIO ? "a FIFO with no reader (record to a file)" : strerror(errno));
		return NULL;
	}
	rec = xcalloc(1, sizeof(*rec));
	rec->fp = fp;
	rec->created = created;
	rec->path = xstrdup(path);
	rec->start_ns = time_mono_ns();
	wr(rec, RECORD_MAGIC, 8);
	v = BOM;
	wr(rec, &v, 4);
	v = RECORD_VERSION;
	wr(rec, &v, 4);
	v = (uint32_t)strlen(header);
	wr(rec, &v, 4);
	wr(rec, header, v);
	rec->whole = 20 + v;
	if (!rec->error && fflush(fp) != 0)
		rec->error = errno ? errno : EIO;
	rec->kept = rec->error ? 0 : rec->whole;
	return rec;
}

struct record *record_create(const char *path, const char *netns_label, int interval_ms, char **cause)
{
	struct record *rec;
	struct utsname u;
	char *hdr;

	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "unknown");
	hdr = xasprintf("kernel=%s\nnetns=%s\ninterval_ms=%d\nstart=%.3f\n", u.release,
			netns_label ? netns_label : "", interval_ms, time_wall());
	rec = record_create_header(path, hdr, cause);
	free(hdr);
	return rec;
}

void record_frame_at(struct record *rec, uint32_t type, uint64_t t_ns, const void *data, size_t len)
{
	uint32_t h[2] = { type, (uint32_t)len };

	if (len > RECORD_MAX_FRAME)
		return; /* never written, so never read back */
	wr(rec, h, sizeof(h));
	wr(rec, &t_ns, sizeof(t_ns));
	wr(rec, data, len);
	if (!rec->error) {
		rec->whole += sizeof(h) + sizeof(t_ns) + len;
		if (type == REC_RULESET_END)
			rec->snapshots++;
	}
}

void record_frame(struct record *rec, uint32_t type, const void *data, size_t len)
{
	record_frame_at(rec, type, time_mono_ns() - rec->start_ns, data, len);
}

void record_meta_at(struct record *rec, uint64_t t_ns, const char *key, const char *value)
{
	struct strbuf sb;
	const char *p;

	strbuf_init(&sb);
	strbuf_addf(&sb, "%s=", key);
	for (p = value ? value : ""; *p; p++)
		strbuf_addc(&sb, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
	strbuf_addc(&sb, '\n');
	record_frame_at(rec, REC_META, t_ns, sb.s, sb.len);
	strbuf_free(&sb);
}

void record_meta(struct record *rec, const char *key, const char *value)
{
	record_meta_at(rec, time_mono_ns() - rec->start_ns, key, value);
}

void record_ruleset(struct record *rec, const struct collect_input *in, const struct nlbuf *legacy,
		    const struct snap_ruleset *rs)
{
	struct record_ruleset_begin b;

	memset(&b, 0, sizeof(b));
	b.genid = in->genid;
	b.reuse_tables = in->reuse_tables || !in->tables;
	b.change_pid = rs->change_pid;
	memcpy(b.change_proc, rs->change_proc, sizeof(b.change_proc));
	b.change_wall = rs->change_wall;
	record_frame(rec, REC_RULESET_BEGIN, &b, sizeof(b));
	if (!b.reuse_tables)
		record_frame(rec, REC_NFT_TABLES, in->tables->data, in->tables->len);
	record_frame(rec, REC_NFT_CHAINS, in->chains->data, in->chains->len);
	if (in->sets && in->sets->len)
		record_frame(rec, REC_NFT_SETS, in->sets->data, in->sets->len);
	record_frame(rec, REC_NFT_RULES, in->rules->data, in->rules->len);
	if (legacy && legacy->len)
		record_frame(rec, REC_LEGACY, legacy->data, legacy->len);
	record_frame(rec, REC_RULESET_END, NULL, 0);
}

void record_ruleset_error(struct record *rec, const struct snap_ruleset *rs)
{
	struct strbuf sb;
	uint32_t st = rs->status;

	strbuf_init(&sb);
	strbuf_addn(&sb, (const char *)&st, 4);
	if (rs->error)
		strbuf_add(&sb, rs->error);
	record_frame(rec, REC_RULESET_ERROR, sb.s, sb.len);
	strbuf_free(&sb);
}

/* After a failed write: cut the file back to the last whole frame known
 * to be in it, so it replays up to there (a device has no length to cut:
 * ftruncate fails and nothing is lost by it). Not further: what stdio
 * still held when the write failed never reached the file. */
static void cut_to_whole(struct record *rec)
{
	(void)fflush(rec->fp);
	(void)ftruncate(fileno(rec->fp), (off_t)rec->kept);
}

static char *write_error(const struct record *rec)
{
	return xasprintf("%s: cannot write the recording: %s (recording stopped)", rec->path,
			 strerror(rec->error));
}

int record_check(struct record *rec, char **cause)
{
	if (!rec || rec->reported)
		return 0;
	if (!rec->error && fflush(rec->fp) != 0)
		rec->error = errno ? errno : EIO;
	if (!rec->error) {
		rec->kept = rec->whole;
		return 0;
	}
	cut_to_whole(rec);
	rec->reported = true;
	*cause = write_error(rec);
	return -1;
}

int record_close(struct record *rec, char **cause)
{
	int ret = 0;

	if (!rec)
		return 0;
	if (!rec->error && fflush(rec->fp) != 0)
		rec->error = errno ? errno : EIO;
	if (rec->error)
		cut_to_whole(rec);
	if (fclose(rec->fp) != 0 && !rec->error)
		rec->error = errno;
	/* A run that never got a snapshot (no privileges, say) leaves no
	 * file behind that a replay could only refuse. */
	if (rec->created && !rec->snapshots)
		unlink(rec->path);
	if (rec->error && !rec->reported) {
		if (cause)
			*cause = write_error(rec);
		ret = -1;
	}
	free(rec->path);
	free(rec);
	return ret;
}

struct record_reader {
	FILE *fp;
	char *path;
	uint64_t size;
	uint64_t off;
	char *header;
	uint8_t *buf;
	size_t cap;
};

static int rd(struct record_reader *r, void *p, size_t n)
{
	if (n && fread(p, 1, n, r->fp) != n)
		return -1;
	r->off += n;
	return 0;
}

struct record_reader *record_reader_open(const char *path, char **cause)
{
	struct record_reader *r;
	struct stat st;
	char magic[8];
	uint32_t bom, ver, hlen;
	int fd = util_open_regular_file(path, "a recording", cause);
	FILE *fp;

	if (fd < 0)
		return NULL;
	fp = fdopen(fd, "rb");
	if (!fp || fstat(fd, &st) < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		if (fp)
			fclose(fp);
		else
			close(fd);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->fp = fp;
	r->path = xstrdup(path);
	r->size = (uint64_t)st.st_size;
	if (rd(r, magic, 8) < 0 || memcmp(magic, RECORD_MAGIC, 8) != 0) {
		*cause = xasprintf("%s: offset 0: not an iptop recording (bad magic)", path);
		goto fail;
	}
	if (rd(r, &bom, 4) < 0 || bom != BOM) {
		*cause = xasprintf("%s: offset 8: %s", path,
				   bom == 0x04030201u ? "recorded on a machine of the other byte order"
						      : "truncated or corrupt header");
		goto fail;
	}
	if (rd(r, &ver, 4) < 0 || ver < RECORD_VERSION_MIN || ver > RECORD_VERSION) {
		*cause = xasprintf("%s: offset 12: unsupported format version %u (this iptop reads %d to %d)", path,
				   ver, RECORD_VERSION_MIN, RECORD_VERSION);
		goto fail;
	}
	if (rd(r, &hlen, 4) < 0 || hlen > 65536 || 20 + (uint64_t)hlen > r->size) {
		*cause = xasprintf("%s: offset 16: header length %u is past the end of the file", path, hlen);
		goto fail;
	}
	r->header = xcalloc(1, hlen + 1);
	if (rd(r, r->header, hlen) < 0) {
		*cause = xasprintf("%s: offset 20: truncated header", path);
		goto fail;
	}
	return r;
fail:
	record_reader_close(r);
	return NULL;
}

/* The frame header at r->off, checked against the type range and the file
 * size; 0 end of file, 1 read (f without data), -1 error. */
static int next_header(struct record_reader *r, struct record_frame *f, char **cause)
{
	uint32_t h[2];
	uint64_t t;
	uint64_t at = r->off;

	if (at == r->size)
		return 0;
	if (r->size - at < 16) {
		*cause = xasprintf("%s: offset %llu: truncated frame header (%llu bytes left)", r->path,
				   (unsigned long long)at, (unsigned long long)(r->size - at));
		return -1;
	}
	if (rd(r, h, 8) < 0 || rd(r, &t, 8) < 0) {
		*cause = xasprintf("%s: offset %llu: read error", r->path, (unsigned long long)at);
		return -1;
	}
	if (h[0] == 0 || h[0] > REC_TYPE_MAX) {
		*cause = xasprintf("%s: offset %llu: unknown frame type %u", r->path, (unsigned long long)at, h[0]);
		return -1;
	}
	if (h[1] > RECORD_MAX_FRAME || h[1] > r->size - r->off) {
		*cause = xasprintf("%s: offset %llu: frame length %u is past the end of the file", r->path,
				   (unsigned long long)at, h[1]);
		return -1;
	}
	f->type = h[0];
	f->len = h[1];
	f->t_ns = t;
	f->data = NULL;
	f->offset = at;
	return 1;
}

int record_reader_next(struct record_reader *r, struct record_frame *f, char **cause)
{
	int n = next_header(r, f, cause);

	if (n <= 0)
		return n;
	if (f->len + 1 > r->cap) {
		r->cap = f->len + 1;
		r->buf = xrealloc(r->buf, r->cap);
	}
	if (rd(r, r->buf, f->len) < 0) {
		*cause = xasprintf("%s: offset %llu: read error", r->path, (unsigned long long)f->offset);
		return -1;
	}
	f->data = r->buf;
	return 1;
}

int record_reader_skip(struct record_reader *r, struct record_frame *f, char **cause)
{
	int n = next_header(r, f, cause);

	if (n <= 0)
		return n;
	if (fseeko(r->fp, (off_t)f->len, SEEK_CUR) < 0) {
		*cause = xasprintf("%s: offset %llu: %s", r->path, (unsigned long long)f->offset, strerror(errno));
		return -1;
	}
	r->off += f->len;
	return 1;
}

const char *record_reader_header_text(const struct record_reader *r)
{
	return r->header;
}

const char *record_reader_header(const struct record_reader *r, const char *key)
{
	static char val[256];
	size_t kl = strlen(key);
	const char *p = r->header;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);

		if (ll > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t vl = ll - kl - 1;

			if (vl >= sizeof(val))
				vl = sizeof(val) - 1;
			memcpy(val, p + kl + 1, vl);
			val[vl] = '\0';
			return val;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

void record_reader_close(struct record_reader *r)
{
	if (!r)
		return;
	if (r->fp)
		fclose(r->fp);
	free(r->path);
	free(r->header);
	free(r->buf);
	free(r);
}
