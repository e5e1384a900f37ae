/*
 * feed.c - the two sources of snapshots behind include/feed.h: live
 * (collectors on netlink sockets in the chosen namespace, optionally
 * recording) and replay (a recording fed back through the same parsers).
 * Each also carries packet tracing: live runs the trace session and
 * records its messages with what a replay needs beside them (interface
 * names, the filter); replay feeds the recorded messages into its own
 * trace_state as it reaches them. Neither knows how anything is drawn.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "collect.h"
#include "conntrack.h"
#include "feed.h"
#include "collect-observe.h"
#include "iptop.h"
#include "nl.h"
#include "record.h"
#include "rule-text.h"
#include "trace.h"

/* ---- live -------------------------------------------------------------- */

/* An interface name as the recording has it (REC_META ifname.N). */
struct feed_ifname {
	uint32_t idx;
	char name[TRACE_IFNAMSIZ];
};

/* An ipset name as the recording has it (REC_META ipset.N): -m set and
 * -j SET blobs hold only the index. */
struct feed_ipset {
	uint16_t idx;
	char name[RULE_TEXT_IPSET_NAMELEN];
};

/* Set idx's name in the list; false when it already had that name. */
static bool feed_ipset_put(struct feed_ipset **v, size_t *n, uint16_t idx, const char *name)
{
	size_t i;

	for (i = 0; i < *n && (*v)[i].idx != idx; i++)
		;
	if (i < *n && strcmp((*v)[i].name, name) == 0)
		return false;
	if (i == *n) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*n)++;
		(*v)[i].idx = idx;
	}
	snprintf((*v)[i].name, sizeof((*v)[i].name), "%s", name);
	return true;
}

/* The live feed polls several sockets (ruleset events, conntrack events)
 * behind one epoll fd, so the loop has a single fd to watch. The trace
 * socket stays apart: it is polled only while tracing. */
struct live {
	struct collect_ruleset *rules;
	struct ct_collect *ct;   /* opened on first use */
	struct record *rec;
	char *netns;             /* as given (-N), or NULL: watched for deletion */
	int epfd;
	struct trace_session *trace;
	struct collect_observe *observe;
	struct feed_ifname *ifnames;   /* recorded so far */
	size_t nifnames;
	bool ct_recorded;        /* ct_acct and ct_max are in the recording */
	bool ct_acct;
	uint64_t ct_max;
	struct nlipset_cache *ipsets;   /* ipset names for -m set / -j SET text */
	struct feed_ipset *ipsets_rec;  /* recorded so far */
	size_t nipsets_rec;
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

/* nf_conntrack_acct and _max into the recording when they change: a
 * replay cannot read them from /proc. */
static void live_record_ct(struct live *l, const struct ct_table *t)
{
	char v[32];

	if (!l->rec || (l->ct_recorded && t->acct == l->ct_acct && t->max == l->ct_max))
		return;
	if (!l->ct_recorded || t->acct != l->ct_acct)
		record_meta(l->rec, "ct_acct", t->acct ? "1" : "0");
	if (!l->ct_recorded || t->max != l->ct_max) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)t->max);
		record_meta(l->rec, "ct_max", v);
	}
	l->ct_recorded = true;
	l->ct_acct = t->acct;
	l->ct_max = t->max;
}

static const struct ct_table *live_conntrack(struct feed *f, bool flows)
{
	struct live *l = f->priv;
	double now = now_s();
	int i;

	if (!l->ct) {
		l->ct = ct_collect_open(NULL);
		ct_collect_set_tap(l->ct, ct_tap, l);
		live_watch(l, ct_collect_event_fd(l->ct));
	}
	/* Everything queued, not one batch: batch mode reads events only
	 * here, and a burst must be in the next frame. The socket buffer
	 * bounds it (an overflow is a resync, then empty). */
	for (i = 0; i < 1024 && ct_collect_events(l->ct, now) > 0; i++)
		;
	/* refresh reads the count itself (it checks the mirror against it) */
	if (!flows)
		ct_collect_stats(l->ct);
	else
		ct_collect_refresh(l->ct, now, false);
	live_record_ct(l, ct_collect_table(l->ct));
	return ct_collect_table(l->ct);
}

/* Once a snapshot: is the namespace still there by the name it was given?
 * The label says so when not (the screen's status line, -b, JSON). */
static void live_netns_check(struct feed *f)
{
	struct live *l = f->priv;
	int gone = nlsock_netns_gone(l->netns);
	char *label;

	if (gone == f->netns_gone)
		return;
	f->netns_gone = gone;
	label = nlsock_netns_label(NULL);
	free(f->netns_label);
	if (!gone)
		f->netns_label = nlsock_netns_label(l->netns);
	else
		f->netns_label = xasprintf("%s (%s: %s)", label, l->netns,
					   gone == NLSOCK_NETNS_DELETED ? "deleted" : "now another namespace");
	free(label);
}

static struct snap_ruleset *live_snapshot(struct feed *f, const struct snap_ruleset *prev, feed_want_fn want,
					  void *arg)
{
	struct live *l = f->priv;
	struct snap_ruleset *rs;

	nlipset_cache_clear(l->ipsets);	/* names asked afresh each snapshot */
	rs = collect_ruleset_snapshot(l->rules, prev, want, arg);

	live_netns_check(f);

	if (l->rec && rs->status != SRC_OK)
		record_ruleset_error(l->rec, rs);
	return rs;
}

/* rule_text_ipset_names()'s resolver: the namespace's ipset names,
 * written to the recording when first seen (or renamed), before the
 * snapshot whose rules name them. */
static const char *live_ipset_name(uint16_t index, char *buf, void *arg)
{
	struct live *l = arg;
	const char *name = nlipset_cache_name(l->ipsets, index);
	char key[32];

	if (!name)
		return NULL;
	snprintf(buf, RULE_TEXT_IPSET_NAMELEN, "%s", name);
	if (l->rec && feed_ipset_put(&l->ipsets_rec, &l->nipsets_rec, index, name)) {
		snprintf(key, sizeof(key), "ipset.%u", index);
		record_meta(l->rec, key, name);
	}
	return buf;
}

/* The trace's interface names, looked up in the feed's namespace and
 * written to the recording the first time an index shows up (or when it
 * was renamed): a replay has no namespace to ask. Trace messages are
 * recorded after they are fed (collect-trace.c), so a name is in the file
 * before the message that needs it. */
static const char *live_ifname(uint32_t idx, char *buf, void *arg)
{
	struct live *l = arg;
	char key[32];
	size_t i;

	if (!idx || !if_indextoname(idx, buf)) {
		snprintf(buf, TRACE_IFNAMSIZ + 8, "if#%u", idx);
		return buf;
	}
	for (i = 0; i < l->nifnames; i++)
		if (l->ifnames[i].idx == idx)
			break;
	if (i < l->nifnames && strcmp(l->ifnames[i].name, buf) == 0)
		return buf;
	if (i == l->nifnames) {
		l->ifnames = xreallocarray(l->ifnames, l->nifnames + 1, sizeof(*l->ifnames));
		l->nifnames++;
		l->ifnames[i].idx = idx;
	}
	snprintf(l->ifnames[i].name, sizeof(l->ifnames[i].name), "%s", buf);
	snprintf(key, sizeof(key), "ifname.%u", idx);
	record_meta(l->rec, key, buf);
	return buf;
}

static void live_trace_stop(struct feed *f)
{
	struct live *l = f->priv;
	struct trace_state *st;

	if (!l->trace)
		return;
	/* Its last rate-limit count, read while the table is still there
	 * (no state: a new session took it). */
	st = collect_trace_take_state(l->trace);
	if (st)
		f->trace.skipped = trace_state_skipped(st);
	trace_state_free(st);
	collect_trace_stop(l->trace);
	l->trace = NULL;
	if (l->rec)
		record_meta(l->rec, "trace_stop", "1");
	f->trace.state = NULL;
	f->trace.active = false;
	f->trace.legacy[0] = '\0';
}

static int live_trace_start(struct feed *f, const char *filter, int rate, unsigned int flags, char **cause)
{
	struct live *l = f->priv;
	struct trace_session *s;
	struct trace_state *keep = NULL;

	/* One owned table at a time: the old session goes first; its packets
	 * stay with the new one, numbered on. */
	if (l->trace)
		keep = collect_trace_take_state(l->trace);
	live_trace_stop(f);
	f->trace.skipped = keep ? trace_state_skipped(keep) : 0;
	if (!filter)
		filter = "";
	s = collect_trace_start_keep(filter, rate, flags, keep, cause);
	if (!s) {
		trace_state_free(keep);
		return -1;
	}
	l->trace = s;
	snprintf(f->trace.legacy, sizeof(f->trace.legacy), "%s",
		 collect_trace_legacy_bindings(s) ? collect_trace_legacy_bindings(s) : "");
	f->trace.state = collect_trace_state(s);
	f->trace.active = true;
	f->trace.lost = 0;
	snprintf(f->trace.filter, sizeof(f->trace.filter), "%s", filter);
	snprintf(f->trace.rule, sizeof(f->trace.rule), "%s", collect_trace_rule_text(s));
	if (l->rec) {
		record_meta(l->rec, "trace_start", filter);
		record_meta(l->rec, "trace_rule", collect_trace_rule_text(s));
		record_meta(l->rec, "trace_late", "1"); /* late chains: how packets complete */
		trace_state_set_ifname(f->trace.state, live_ifname, l);
		collect_trace_set_record(s, l->rec);
	}
	return 0;
}

static int live_trace_fd(struct feed *f)
{
	struct live *l = f->priv;

	return l->trace ? collect_trace_fd(l->trace) : -1;
}

static int live_trace_read(struct feed *f, const struct snap_ruleset *rs)
{
	struct live *l = f->priv;
	char v[32];
	int n;

	if (!l->trace)
		return 0;
	n = collect_trace_read(l->trace, rs);
	if (trace_state_skipped(f->trace.state) != f->trace.skipped) {
		f->trace.skipped = trace_state_skipped(f->trace.state);
		snprintf(v, sizeof(v), "%llu", (unsigned long long)f->trace.skipped);
		if (l->rec)
			record_meta(l->rec, "trace_skipped", v);
	}
	if (collect_trace_lost(l->trace) != f->trace.lost) {
		f->trace.lost = collect_trace_lost(l->trace);
		snprintf(v, sizeof(v), "%llu", (unsigned long long)f->trace.lost);
		if (l->rec)
			record_meta(l->rec, "trace_lost", v);
	}
	return n;
}

static int live_trace_timeout_ms(struct feed *f)
{
	struct live *l = f->priv;

	return l->trace ? collect_trace_timeout_ms(l->trace) : -1;
}

static int live_observe(struct feed *f, bool on, char **cause)
{
	struct live *l = f->priv;

	*cause = NULL;
	free(f->observe_notice);
	f->observe_notice = NULL;
	collect_observe_stop(l->observe);
	l->observe = NULL;
	f->observing = false;
	if (!on)
		return 0;
	l->observe = collect_observe_start(cause, &f->observe_notice);
	if (!l->observe)
		return -1;
	f->observing = true;
	return 0;
}

static void live_close(struct feed *f)
{
	struct live *l = f->priv;
	char *cause;

	/* Before the recording closes: its stop is the last thing in it. */
	live_trace_stop(f);
	(void)live_observe(f, false, &cause);
	rule_text_ipset_names(NULL, NULL);
	nlipset_cache_free(l->ipsets);
	free(l->ipsets_rec);
	free(l->ifnames);
	free(l->netns);
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
	.trace_start = live_trace_start,
	.trace_stop = live_trace_stop,
	.trace_fd = live_trace_fd,
	.trace_read = live_trace_read,
	.trace_timeout_ms = live_trace_timeout_ms,
	.observe = live_observe,
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
	l->netns = netns ? xstrdup(netns) : NULL;
	f->backend = xstrdup("nf_tables");
	if (record_path) {
		l->rec = record_create(record_path, f->netns_label, interval_ms, cause);
		if (!l->rec) {
			free(l->netns);
			free(f->netns_label);
			free(f->backend);
			free(f);
			free(l);
			return NULL;
		}
	}
	l->rules = collect_ruleset_open(l->rec);
	l->ipsets = nlipset_cache_new();
	rule_text_ipset_names(live_ipset_name, l);
	/* A legacy tracer that was killed left the namespace's nf_log bound
	 * to nfnetlink_log: any later start puts it back, not just a trace. */
	(void)collect_nflog_recover(&f->notice);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	live_watch(l, collect_ruleset_event_fd(l->rules));
	return f;
}

/* ---- replay ------------------------------------------------------------ */

#define REPLAY_MAX_IFNAMES 1024
#define REPLAY_MAX_MARKS 256     /* chapter marks read from one recording */

/* A trace or fact frame read and not played yet (replay_play). */
struct replay_held {
	uint32_t type;
	uint32_t len;
	uint64_t t_ns;
	uint8_t *data;
};

struct replay {
	struct record_reader *rd;
	char *path;
	struct ct_table ct;      /* rebuilt from REC_CT_* frames */
	bool have_ct;
	char *error;          /* a read error: shown as the snapshot error */
	bool ended;
	uint64_t now_ns;         /* the recording's time: the last frame read */
	uint64_t pace_ns;        /* traces after the last snapshot play in steps this long */
	uint64_t tail_ns;        /* after the last snapshot: played up to here */
	struct replay_held *held;   /* in file order */
	size_t nheld;
	double start_wall;       /* wall clock the recording started at, 0 unknown */
	struct feed_ifname *ifnames;   /* from REC_META ifname.N */
	size_t nifnames;
	struct feed_replay_pos pos;
	struct feed_ipset *ipsets;     /* from REC_META ipset.N */
	size_t nipsets;
};

/* ---- replay: traces ---------------------------------------------------- */

/* Interface names as the recording named them; "if#N" when it did not
 * (the replaying host's interfaces are someone else's). */
static const char *replay_ifname(uint32_t idx, char *buf, void *arg)
{
	const struct replay *r = arg;
	size_t i;

	for (i = 0; i < r->nifnames; i++) {
		if (r->ifnames[i].idx == idx) {
			snprintf(buf, TRACE_IFNAMSIZ + 8, "%s", r->ifnames[i].name);
			return buf;
		}
	}
	snprintf(buf, TRACE_IFNAMSIZ + 8, "if#%u", idx);
	return buf;
}

static struct trace_state *replay_trace_state(struct feed *f)
{
	if (!f->trace.state) {
		f->trace.state = trace_state_new();
		trace_state_set_ifname(f->trace.state, replay_ifname, f->priv);
	}
	return f->trace.state;
}

static void replay_set_ifname(struct replay *r, const char *key, const char *val)
{
	char *end;
	unsigned long idx = strtoul(key, &end, 10);
	size_t i;

	if (end == key || *end || idx == 0 || idx > UINT32_MAX)
		return;
	for (i = 0; i < r->nifnames && r->ifnames[i].idx != idx; i++)
		;
	if (i == r->nifnames) {
		if (r->nifnames >= REPLAY_MAX_IFNAMES)
			return;
		r->ifnames = xreallocarray(r->ifnames, r->nifnames + 1, sizeof(*r->ifnames));
		r->nifnames++;
		r->ifnames[i].idx = (uint32_t)idx;
	}
	snprintf(r->ifnames[i].name, sizeof(r->ifnames[i].name), "%s", val);
}

/* rule_text_ipset_names()'s resolver in a replay: the recorded names. */
static const char *replay_ipset_name(uint16_t index, char *buf, void *arg)
{
	struct replay *r = arg;
	size_t i;

	for (i = 0; i < r->nipsets; i++)
		if (r->ipsets[i].idx == index) {
			snprintf(buf, RULE_TEXT_IPSET_NAMELEN, "%s", r->ipsets[i].name);
			return buf;
		}
	return NULL;
}

static void replay_set_ipset(struct replay *r, const char *key, const char *val)
{
	char *end;
	unsigned long idx = strtoul(key, &end, 10);

	if (end == key || *end || idx > UINT16_MAX || r->nipsets > UINT16_MAX)
		return;
	feed_ipset_put(&r->ipsets, &r->nipsets, (uint16_t)idx, val);
}

/* One REC_META fact (record.h lists them); unknown keys are skipped. */
static void replay_fact(struct feed *f, const char *key, const char *val)
{
	struct replay *r = f->priv;
	struct feed_trace *t = &f->trace;

	if (strcmp(key, "ct_acct") == 0) {
		r->ct.acct = strtoul(val, NULL, 10) != 0;
	} else if (strcmp(key, "ct_max") == 0) {
		r->ct.max = strtoull(val, NULL, 10);
	} else if (strncmp(key, "ifname.", 7) == 0) {
		replay_set_ifname(r, key + 7, val);
	} else if (strncmp(key, "ipset.", 6) == 0) {
		replay_set_ipset(r, key + 6, val);
	} else if (strcmp(key, "trace_start") == 0) {
		struct trace_state *st = replay_trace_state(f);
		struct trace_filter tf;
		char *why = NULL;

		/* Packets still open belonged to the last trace (live, they
		 * went with its session). */
		trace_complete_flush(st);
		t->active = true;
		t->recorded = true;
		t->lost = 0;
		snprintf(t->filter, sizeof(t->filter), "%s", val);
		t->rule[0] = '\0';
		/* -o: tracing began at the forward hook (collect-trace.c). */
		trace_state_set_forward_start(st, trace_filter_parse(val, &tf, &why) == 0 && tf.oif.set);
		free(why);
	} else if (strcmp(key, "trace_rule") == 0) {
		snprintf(t->rule, sizeof(t->rule), "%s", val);
	} else if (strcmp(key, "trace_late") == 0) {
		trace_state_set_late(replay_trace_state(f), strcmp(val, "1") == 0);
	} else if (strcmp(key, "trace_skipped") == 0) {
		t->skipped = strtoull(val, NULL, 10);
		trace_state_set_skipped(replay_trace_state(f), t->skipped);
	} else if (strcmp(key, "trace_lost") == 0) {
		t->lost = strtoull(val, NULL, 10);
	} else if (strcmp(key, "trace_stop") == 0) {
		t->active = false;
		if (t->state)
			trace_complete_flush(t->state);
	}
}

/* The facts of a REC_META frame; only_ipsets: just the ipset names. */
static void replay_meta(struct feed *f, const uint8_t *data, size_t len, bool only_ipsets)
{
	const char *p = (const char *)data, *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *eq = memchr(p, '=', ll);
		char key[32];

		if (eq && (size_t)(eq - p) < sizeof(key)) {
			char *val = xstrndup(eq + 1, ll - (size_t)(eq + 1 - p));

			memcpy(key, p, (size_t)(eq - p));
			key[eq - p] = '\0';
			if (!only_ipsets || strncmp(key, "ipset.", 6) == 0)
				replay_fact(f, key, val);
			free(val);
		}
		p += ll + (nl ? 1 : 0);
	}
}

/* Every message of a REC_TRACE frame must fit it: the writer only ever
 * wrote whole ones. -1 with *cause ("offset N: ...") when one does not. */
static int replay_check_trace(const struct record_frame *fr, char **cause)
{
	const uint8_t *p = fr->data;
	size_t left = fr->len;

	if (!left) {
		*cause = xasprintf("offset %llu: empty trace frame", (unsigned long long)fr->offset);
		return -1;
	}
	while (left) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
		size_t len;

		if (left < sizeof(*nlh)) {
			*cause = xasprintf("offset %llu: truncated trace message (%zu bytes, less than a header)",
					   (unsigned long long)fr->offset, left);
			return -1;
		}
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > left) {
			*cause = xasprintf("offset %llu: truncated trace message (%u bytes long, %zu in the frame)",
					   (unsigned long long)fr->offset, nlh->nlmsg_len, left);
			return -1;
		}
		len = NLMSG_ALIGN(nlh->nlmsg_len);
		if (len > left)
			len = left;
		p += len;
		left -= len;
	}
	return 0;
}

/* A checked REC_TRACE frame's messages into the trace, on the recording's
 * clock, with rs (the ruleset of the moment) for rule text. */
static void replay_trace(struct feed *f, const struct replay_held *h, const struct snap_ruleset *rs)
{
	struct replay *r = f->priv;
	struct trace_state *st = replay_trace_state(f);
	const uint8_t *p = h->data;
	size_t left = h->len;

	trace_state_set_clock(st, h->t_ns + 1);
	trace_state_set_wall(st, r->start_wall > 0 ? r->start_wall + (double)h->t_ns / 1e9 : 0);
	while (left >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
		size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

		trace_feed_msg(st, nlh, rs);
		if (len > left)
			len = left;
		p += len;
		left -= len;
	}
}

/* Keep a trace or fact frame until it is played. */
static void replay_hold(struct replay *r, const struct record_frame *fr)
{
	struct replay_held *h;

	r->held = xreallocarray(r->held, r->nheld + 1, sizeof(*r->held));
	h = &r->held[r->nheld++];
	h->type = fr->type;
	h->len = fr->len;
	h->t_ns = fr->t_ns;
	/* nlmsghdr-aligned, as the reader's buffer */
	h->data = xmalloc(fr->len ? fr->len : 1);
	memcpy(h->data, fr->data, fr->len);
}

/*
 * Play the held frames up to upto_ns on the recording's clock, in file
 * order, with rs the ruleset they came after; then complete the packets
 * quiet for the settle time. Held frames between two snapshots all play
 * with the second; those after the last one (a batch trace, the end of a
 * recording) play a recorded refresh at a time, as they came. done: no
 * frame will come any more, complete every packet once none is held.
 */
static void replay_play(struct feed *f, uint64_t upto_ns, const struct snap_ruleset *rs, bool done)
{
	struct replay *r = f->priv;
	size_t i;

	for (i = 0; i < r->nheld && r->held[i].t_ns <= upto_ns; i++) {
		if (r->held[i].type == REC_TRACE)
			replay_trace(f, &r->held[i], rs);
		else
			replay_meta(f, r->held[i].data, r->held[i].len, false);
		free(r->held[i].data);
	}
	if (i) {
		memmove(r->held, r->held + i, (r->nheld - i) * sizeof(*r->held));
		r->nheld -= i;
	}
	f->trace.more = r->nheld > 0;
	if (upto_ns > r->now_ns && !r->nheld && !done)
		upto_ns = r->now_ns;
	if (f->trace.state) {
		if (done && !r->nheld)
			trace_complete_flush(f->trace.state);
		else
			trace_complete_expire(f->trace.state, upto_ns + 1);
		f->trace.clock_ns = upto_ns + 1;
	}
}

/* What the recording holds, read once at open: its snapshots, length,
 * chapter marks (REC_META mark=TEXT) and whether it traced packets. A
 * damaged file is for the replay to report, where it gets there. */
static bool replay_scan(const char *path, struct feed_replay_pos *pos)
{
	struct record_reader *rd;
	struct record_frame fr;
	char *cause = NULL;
	bool traces = false;

	rd = record_reader_open(path, &cause);
	while (rd && record_reader_next(rd, &fr, &cause) == 1) {
		const char *p, *end;

		pos->len_ns = fr.t_ns > pos->len_ns ? fr.t_ns : pos->len_ns;
		if (fr.type == REC_TRACE)
			traces = true;
		if (fr.type == REC_RULESET_END || fr.type == REC_RULESET_ERROR)
			pos->nsnaps++;
		if (fr.type != REC_META)
			continue;
		for (p = (const char *)fr.data, end = p + fr.len; p < end; p++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			struct feed_mark *m;

			if (n > 5 && memcmp(p, "mark=", 5) == 0 && pos->nmarks < REPLAY_MAX_MARKS) {
				pos->marks = xreallocarray(pos->marks, pos->nmarks + 1, sizeof(*pos->marks));
				m = &pos->marks[pos->nmarks++];
				m->t_ns = fr.t_ns;
				m->snap = pos->nsnaps;
				snprintf(m->text, sizeof(m->text), "%.*s", (int)(n - 5), p + 5);
			}
			p += n;
		}
	}
	free(cause);
	record_reader_close(rd);
	return traces;
}

/* ---- replay: snapshots ------------------------------------------------- */

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
	struct nlbuf tables = { 0 }, chains = { 0 }, rules = { 0 }, legacy = { 0 }, sets = { 0 };
	struct record_ruleset_begin b;
	bool in_snap = false, have_tables = false;
	struct snap_ruleset *rs = NULL;
	struct record_frame fr;
	char *cause = NULL;
	uint64_t from = r->now_ns;
	int n;

	if (r->error)
		return replay_keep(prev, SRC_ERROR, r->error);
	if (r->ended) {
		if (r->nheld) {
			r->tail_ns += r->pace_ns;
			replay_play(f, r->tail_ns, prev, true);
		}
		return replay_keep(prev, SRC_OK, NULL);
	}
	memset(&b, 0, sizeof(b));
	while ((n = record_reader_next(r->rd, &fr, &cause)) == 1) {
		if (fr.t_ns > r->now_ns)
			r->now_ns = fr.t_ns;
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
			nlbuf_reset(&sets);
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
		case REC_NFT_SETS:
			if (!in_snap) {
				cause = xasprintf("offset %llu: ruleset data outside a snapshot",
						  (unsigned long long)fr.offset);
				goto bad;
			}
			nlbuf_append(fr.type == REC_NFT_TABLES ? &tables : fr.type == REC_NFT_CHAINS ? &chains :
				     fr.type == REC_NFT_SETS ? &sets : &rules,
				     fr.data, fr.len);
			if (fr.type == REC_NFT_TABLES)
				have_tables = true;
			break;
		case REC_RULESET_END: {
			struct collect_input in = {
				.genid = b.genid, .reuse_tables = !have_tables, .tables = &tables,
				.chains = &chains, .rules = &rules, .from_kernel = false, .sets = &sets,
			};
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
				collect_ruleset_parse_legacy(rs, legacy.data, legacy.len, prev);
			/* Older recordings count iptop's own trace table as a
			 * change: keep the one before it (assemble copied it). */
			if (!snapshot_change_is_iptop(b.change_pid, b.change_proc)) {
				rs->change_pid = b.change_pid;
				memcpy(rs->change_proc, b.change_proc, sizeof(rs->change_proc));
				/* a wall clock time from the file: NaN, infinite or
				 * past any time_t would be undefined behaviour
				 * downstream ((time_t) casts) or "inf" in the JSON */
				rs->change_wall = b.change_wall > 0 && b.change_wall < 1e11 ? b.change_wall : 0;
			}
			rs->time_ns = fr.t_ns;
			r->pos.snap++;
			r->pos.t_ns = fr.t_ns;
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
			r->pos.snap++;
			r->pos.t_ns = fr.t_ns;
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
		case REC_TRACE:
			if (replay_check_trace(&fr, &cause) < 0)
				goto bad;
			f->trace.recorded = true;
			replay_hold(r, &fr);
			break;
		case REC_META:
			/* In order with the traces: they start, stop and
			 * name interfaces. Set names now: the next snapshot's
			 * rule text needs them. */
			replay_meta(f, fr.data, fr.len, true);
			replay_hold(r, &fr);
			break;
		default:
			break; /* events for other sources */
		}
	}
	if (n < 0) {
		r->error = cause;
		cause = NULL;
		f->failed = true;
		rs = replay_keep(prev, SRC_ERROR, r->error);
		goto out;
	}
	r->ended = true;
	f->ended = true;
	rs = replay_keep(prev, prev ? SRC_OK : SRC_ERROR, prev ? NULL : "recording holds no snapshot");
	/* What came after the last snapshot: a recorded refresh per call. */
	r->tail_ns = from + r->pace_ns;
	replay_play(f, r->tail_ns, prev, true);
	goto done;
bad:
	r->error = xasprintf("%s: %s", r->path, cause ? cause : "corrupt recording");
	f->failed = true;
	free(cause);
	cause = NULL;
	rs = replay_keep(prev, SRC_ERROR, r->error);
out:
	/* The traces read before this snapshot (or the fault) happened
	 * under the last one. */
	replay_play(f, UINT64_MAX, prev, r->error != NULL);
done:
	free(cause);
	nlbuf_free(&tables);
	nlbuf_free(&chains);
	nlbuf_free(&rules);
	nlbuf_free(&legacy);
	nlbuf_free(&sets);
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
	trace_state_free(f->trace.state);
	f->trace.state = NULL;
	while (r->nheld)
		free(r->held[--r->nheld].data);
	free(r->held);
	free(r->ifnames);
	free(r->pos.marks);
	rule_text_ipset_names(NULL, NULL);
	free(r->ipsets);
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
	rule_text_ipset_names(replay_ipset_name, r);
	ns = record_reader_header(rd, "interval_ms");
	if (ns)
		f->interval_ms = atoi(ns);
	r->pace_ns = (uint64_t)(f->interval_ms >= 50 && f->interval_ms <= 3600000 ? f->interval_ms : 500) * 1000000;
	ns = record_reader_header(rd, "start");
	if (ns) {
		double w = strtod(ns, NULL);

		/* From the file: only a plausible time (as change_wall). */
		r->start_wall = isfinite(w) && w > 0 && w < 1e11 ? w : 0;
	}
	if (replay_scan(path, &r->pos)) {
		f->trace.recorded = true;
		replay_trace_state(f);
	}
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
	free(f->notice);
	free(f->observe_notice);
	free(f);
}

const struct feed_replay_pos *feed_replay_pos(const struct feed *f)
{
	return f && f->ops == &feed_replay_ops ? &((const struct replay *)f->priv)->pos : NULL;
}

int feed_replay_rewind(struct feed *f, char **cause)
{
	struct feed *n;

	if (f->ops != &feed_replay_ops) {
		*cause = xstrdup("not a replay");
		return -1;
	}
	n = feed_replay_open(((struct replay *)f->priv)->path, cause);
	if (!n)
		return -1;
	/* The fresh replay's state, in the feed the loop holds. */
	f->ops->close(f);
	f->priv = n->priv;
	f->trace = n->trace;
	f->ended = n->ended;
	f->failed = n->failed;
	free(n->netns_label);
	free(n->backend);
	free(n->notice);
	free(n);
	return 0;
}

const struct ct_table *feed_conntrack(struct feed *f, bool flows)
{
	return f->ops->conntrack ? f->ops->conntrack(f, flows) : NULL;
}

struct record *feed_record(struct feed *f)
{
	return f->ops == &feed_live_ops ? ((struct live *)f->priv)->rec : NULL;
}

int feed_trace_start(struct feed *f, const char *filter, int rate, char **cause)
{
	return feed_trace_start_flags(f, filter, rate, f->trace_flags, cause);
}

int feed_trace_start_flags(struct feed *f, const char *filter, int rate, unsigned int flags, char **cause)
{
	if (!f->ops->trace_start) {
		*cause = xstrdup(f->replay && !feed_is_demo(f)
					 ? "a replay cannot start a trace: it shows the packets traced while it was recorded"
					 : "tracing needs a live namespace (this is a demo)");
		return -1;
	}
	return f->ops->trace_start(f, filter, rate, flags, cause);
}

int feed_observe(struct feed *f, bool on, char **cause)
{
	*cause = NULL;
	if (!f->ops->observe) {
		if (!on)
			return 0;
		*cause = xstrdup(f->replay ? "a replay cannot observe hooks: it shows them when the recording was made "
					     "with --observe"
					   : "observing hooks needs a live namespace (this is a demo)");
		return -1;
	}
	return f->ops->observe(f, on, cause);
}

void feed_trace_stop(struct feed *f)
{
	if (f->ops->trace_stop)
		f->ops->trace_stop(f);
}

int feed_trace_fd(struct feed *f)
{
	return f->ops->trace_fd ? f->ops->trace_fd(f) : -1;
}

int feed_trace_read(struct feed *f, const struct snap_ruleset *rs)
{
	return f->ops->trace_read ? f->ops->trace_read(f, rs) : 0;
}

int feed_trace_timeout_ms(struct feed *f)
{
	return f->ops->trace_timeout_ms ? f->ops->trace_timeout_ms(f) : -1;
}

const struct feed_trace *feed_trace(const struct feed *f)
{
	return &f->trace;
}
