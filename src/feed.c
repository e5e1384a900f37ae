/*
 * feed.c - the two sources of snapshots behind include/feed.h: live
 * (collectors on netlink sockets in the chosen namespace, optionally
 * recording) and replay (a recording fed back through the same parsers).
 * Neither knows how snapshots are drawn.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "collect.h"
#include "conntrack.h"
#include "feed.h"
#include "iptop.h"
#include "nl.h"
#include "record.h"

/* ---- live -------------------------------------------------------------- */

/* The live feed polls several sockets (ruleset events, conntrack events)
 * behind one epoll fd, so the loop has a single fd to watch. */
struct live {
	struct collect_ruleset *rules;
	struct ct_collect *ct;   /* opened on first use */
	struct record *rec;
	int epfd;
};

static double now_s(void)
{
	return (double)time_mono_ns() / 1e9;
}

static void live_watch(struct live *l, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (l->epfd >= 0 && fd >= 0)
		epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int live_fd(struct feed *f)
{
	struct live *l = f->priv;

	return l->epfd >= 0 ? l->epfd : collect_ruleset_event_fd(l->rules);
}

static bool live_event(struct feed *f)
{
	struct live *l = f->priv;
	struct epoll_event ev[4];

	/* Level-triggered: one look clears nothing, it only says who is
	 * ready; the sources below read their own sockets. */
	if (l->epfd >= 0)
		(void)epoll_wait(l->epfd, ev, ARRAY_SIZE(ev), 0);
	if (l->ct)
		ct_collect_events(l->ct, now_s());
	return collect_ruleset_events(l->rules);
}

static void ct_tap(void *arg, enum ct_tap_what what, const void *buf, size_t len)
{
	struct live *l = arg;

	if (l->rec)
		record_frame(l->rec, what == CT_TAP_DUMP ? REC_CT_DUMP : REC_CT_EVENT, buf, len);
}

static const struct ct_table *live_conntrack(struct feed *f, bool flows)
{
	struct live *l = f->priv;
	double now = now_s();

	if (!l->ct) {
		l->ct = ct_collect_open(NULL);
		ct_collect_set_tap(l->ct, ct_tap, l);
		live_watch(l, ct_collect_event_fd(l->ct));
	}
	ct_collect_events(l->ct, now);
	if (flows)
		ct_collect_refresh(l->ct, now, false);
	else
		ct_collect_stats(l->ct);
	return ct_collect_table(l->ct);
}

static struct snap_ruleset *live_snapshot(struct feed *f, const struct snap_ruleset *prev, feed_want_fn want,
					  void *arg)
{
	struct live *l = f->priv;
	struct snap_ruleset *rs = collect_ruleset_snapshot(l->rules, prev, want, arg);

	if (l->rec && rs->status != SRC_OK)
		record_ruleset_error(l->rec, rs);
	return rs;
}

static void live_close(struct feed *f)
{
	struct live *l = f->priv;

	collect_ruleset_close(l->rules);
	ct_collect_close(l->ct);
	record_close(l->rec, NULL);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l);
}

static const struct feed_ops feed_live_ops = {
	.name = "live",
	.fd = live_fd,
	.event = live_event,
	.snapshot = live_snapshot,
	.conntrack = live_conntrack,
	.close = live_close,
};

struct feed *feed_live_open(const char *netns, const char *record_path, int interval_ms, char **cause)
{
	struct feed *f;
	struct live *l;

	if (netns && nlsock_enter_netns(netns, cause) < 0)
		return NULL;
	l = xcalloc(1, sizeof(*l));
	f = xcalloc(1, sizeof(*f));
	f->ops = &feed_live_ops;
	f->priv = l;
	f->netns_label = nlsock_netns_label(netns);
	f->backend = xstrdup("nf_tables");
	if (record_path) {
		l->rec = record_create(record_path, f->netns_label, interval_ms, cause);
		if (!l->rec) {
			free(f->netns_label);
			free(f->backend);
			free(f);
			free(l);
			return NULL;
		}
	}
	l->rules = collect_ruleset_open(l->rec);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	live_watch(l, collect_ruleset_event_fd(l->rules));
	return f;
}

/* ---- replay ------------------------------------------------------------ */

struct replay {
	struct record_reader *rd;
	char *path;
	struct ct_table ct;      /* rebuilt from REC_CT_* frames */
	bool have_ct;
	char *error;          /* a read error: shown as the snapshot error */
	bool ended;
};

static int replay_fd(struct feed *f)
{
	return -1;
}

static bool replay_event(struct feed *f)
{
	return false;
}

static struct snap_ruleset *replay_keep(const struct snap_ruleset *prev, enum src_status st, const char *msg)
{
	struct snap_ruleset *rs = prev ? collect_ruleset_dup(prev) : xcalloc(1, sizeof(*rs));

	free(rs->error);
	rs->error = msg ? xstrdup(msg) : NULL;
	if (st != SRC_OK || !prev)
		rs->status = st;
	return rs;
}

static struct snap_ruleset *replay_snapshot(struct feed *f, const struct snap_ruleset *prev, feed_want_fn want,
					    void *arg)
{
	struct replay *r = f->priv;
	struct nlbuf tables = { 0 }, chains = { 0 }, rules = { 0 }, legacy = { 0 };
	struct record_ruleset_begin b;
	bool in_snap = false, have_tables = false;
	struct snap_ruleset *rs = NULL;
	struct record_frame fr;
	char *cause = NULL;
	int n;

	if (r->error)
		return replay_keep(prev, SRC_ERROR, r->error);
	if (r->ended)
		return replay_keep(prev, SRC_OK, NULL);
	memset(&b, 0, sizeof(b));
	while ((n = record_reader_next(r->rd, &fr, &cause)) == 1) {
		switch (fr.type) {
		case REC_RULESET_BEGIN:
			if (fr.len != sizeof(b)) {
				cause = xasprintf("offset %llu: ruleset frame of %u bytes, expected %zu",
						  (unsigned long long)fr.offset, fr.len, sizeof(b));
				goto bad;
			}
			memcpy(&b, fr.data, sizeof(b));
			b.change_proc[sizeof(b.change_proc) - 1] = '\0';
			in_snap = true;
			have_tables = false;
			nlbuf_reset(&tables);
			nlbuf_reset(&chains);
			nlbuf_reset(&rules);
			nlbuf_reset(&legacy);
			break;
		case REC_LEGACY:
			if (!in_snap) {
				cause = xasprintf("offset %llu: legacy data outside a snapshot",
						  (unsigned long long)fr.offset);
				goto bad;
			}
			nlbuf_append(&legacy, fr.data, fr.len);
			break;
		case REC_NFT_TABLES:
		case REC_NFT_CHAINS:
		case REC_NFT_RULES:
			if (!in_snap) {
				cause = xasprintf("offset %llu: ruleset data outside a snapshot",
						  (unsigned long long)fr.offset);
				goto bad;
			}
			nlbuf_append(fr.type == REC_NFT_TABLES ? &tables : fr.type == REC_NFT_CHAINS ? &chains : &rules,
				     fr.data, fr.len);
			if (fr.type == REC_NFT_TABLES)
				have_tables = true;
			break;
		case REC_RULESET_END: {
			struct collect_input in = { b.genid, !have_tables, &tables, &chains, &rules, false };
			char *why = NULL;

			if (!in_snap) {
				cause = xasprintf("offset %llu: snapshot end without a beginning",
						  (unsigned long long)fr.offset);
				goto bad;
			}
			rs = collect_ruleset_assemble(&in, prev, &why);
			if (!rs) {
				cause = xasprintf("offset %llu: %s", (unsigned long long)fr.offset, why);
				free(why);
				goto bad;
			}
			if (legacy.len)
				collect_ruleset_parse_legacy(rs, legacy.data, legacy.len);
			rs->change_pid = b.change_pid;
			memcpy(rs->change_proc, b.change_proc, sizeof(rs->change_proc));
			/* a wall clock time from the file: NaN, infinite or past
			 * any time_t would be undefined behaviour downstream
			 * ((time_t) casts) or "inf" in the JSON */
			rs->change_wall = b.change_wall > 0 && b.change_wall < 1e11 ? b.change_wall : 0;
			rs->time_ns = fr.t_ns;
			goto out;
		}
		case REC_RULESET_ERROR: {
			uint32_t st = SRC_ERROR;
			char *msg;

			if (fr.len >= 4)
				memcpy(&st, fr.data, 4);
			if (st > SRC_OFF)
				st = SRC_ERROR;
			msg = xstrndup(fr.len > 4 ? (const char *)fr.data + 4 : "", fr.len > 4 ? fr.len - 4 : 0);
			rs = replay_keep(prev, (enum src_status)st, msg);
			rs->time_ns = fr.t_ns;
			free(msg);
			goto out;
		}
		case REC_CT_DUMP:
			r->have_ct = true;
			ct_table_apply_dump(&r->ct, fr.data, fr.len, (double)fr.t_ns / 1e9);
			break;
		case REC_CT_EVENT:
			r->have_ct = true;
			ct_table_apply_events(&r->ct, fr.data, fr.len, (double)fr.t_ns / 1e9);
			break;
		default:
			break; /* events for other sources */
		}
	}
	if (n < 0) {
		r->error = cause;
		cause = NULL;
		rs = replay_keep(prev, SRC_ERROR, r->error);
		goto out;
	}
	r->ended = true;
	f->ended = true;
	rs = replay_keep(prev, prev ? SRC_OK : SRC_ERROR, prev ? NULL : "recording holds no snapshot");
	goto out;
bad:
	r->error = xasprintf("%s: %s", r->path, cause ? cause : "corrupt recording");
	free(cause);
	cause = NULL;
	rs = replay_keep(prev, SRC_ERROR, r->error);
out:
	free(cause);
	nlbuf_free(&tables);
	nlbuf_free(&chains);
	nlbuf_free(&rules);
	nlbuf_free(&legacy);
	return rs;
}

static const struct ct_table *replay_conntrack(struct feed *f, bool flows)
{
	struct replay *r = f->priv;

	return r->have_ct ? &r->ct : NULL;
}

static void replay_close(struct feed *f)
{
	struct replay *r = f->priv;

	ct_table_free(&r->ct);
	record_reader_close(r->rd);
	free(r->path);
	free(r->error);
	free(r);
}

static const struct feed_ops feed_replay_ops = {
	.name = "replay",
	.fd = replay_fd,
	.event = replay_event,
	.snapshot = replay_snapshot,
	.conntrack = replay_conntrack,
	.close = replay_close,
};

struct feed *feed_replay_open(const char *path, char **cause)
{
	struct record_reader *rd = record_reader_open(path, cause);
	struct feed *f;
	struct replay *r;
	const char *ns;

	if (!rd)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->rd = rd;
	r->path = xstrdup(path);
	ct_table_init(&r->ct);
	f = xcalloc(1, sizeof(*f));
	f->ops = &feed_replay_ops;
	f->priv = r;
	f->replay = true;
	ns = record_reader_header(rd, "interval_ms");
	if (ns)
		f->interval_ms = atoi(ns);
	ns = record_reader_header(rd, "netns");
	f->netns_label = xasprintf("replay of %s (%s)", path, ns && *ns ? ns : "unknown namespace");
	f->backend = xstrdup("nf_tables");
	return f;
}

void feed_close(struct feed *f)
{
	if (!f)
		return;
	f->ops->close(f);
	free(f->netns_label);
	free(f->backend);
	free(f);
}

const struct ct_table *feed_conntrack(struct feed *f, bool flows)
{
	return f->ops->conntrack ? f->ops->conntrack(f, flows) : NULL;
}
