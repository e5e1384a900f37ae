/*
 * feed-live.c - the live feed: collectors on netlink sockets in the chosen
 * namespace, behind one epoll fd, optionally recording what they read.
 * It also runs packet tracing and hook observation, and records the trace
 * messages with what a replay needs beside them (interface and ipset
 * names, the filter). It knows nothing of how anything is drawn.
 */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "collect.h"
#include "collect-observe.h"
#include "conntrack.h"
#include "feed-int.h"
#include "iptop.h"
#include "nl.h"
#include "record.h"
#include "rule-text.h"
#include "trace.h"


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
		/* untapped, a dump is applied as it is read, never kept whole */
		if (l->rec)
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

const struct feed_ops feed_live_ops = {
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

struct feed *feed_live_open(const char *netns, const char *record_path, int interval_ms, unsigned int trace_flags,
			    char **cause)
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
	f->trace_flags = trace_flags;
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

struct record *feed_live_record(struct feed *f)
{
	return ((struct live *)f->priv)->rec;
}

/* Mode by ops pointer: only a live feed records. */
struct record *feed_record(struct feed *f)
{
	return f->ops == &feed_live_ops ? feed_live_record(f) : NULL;
}
