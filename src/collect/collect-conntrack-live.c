/*
 * collect-conntrack-live.c - the conntrack collector's sockets: a request
 * socket for dumps and CT_GET_STATS, an event socket on NFNLGRP_CONNTRACK_NEW
 * and _DESTROY (UPDATE optional) with a big forced receive buffer, and the
 * ENOBUFS recovery: drain, then dump and reconcile (netlink.md 5.3); a
 * kernel count that stays apart from the mirror's triggers a dump too.
 * Everything read goes through ct_table_apply_buf(), the path replays take.
 *
 * Does not parse (collect-conntrack-parse.c does), never exits, never blocks on
 * the event socket. A dump is synchronous: ~35 ms CPU per 10k flows, ~320 ms
 * per 100k here (bench/ct-bench.sh).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "conntrack.h"
#include "nl.h"

#define CT_RCVBUF_DEFAULT (8 << 20)
#define CT_RCVBUF_MAX_DEFAULT (64 << 20)
/* recv() calls per ct_collect_events(): bounds the time away from the UI
 * during a storm (the next poll() returns at once if more is queued) */
#define CT_EVENT_BATCH 2048

struct ct_collect {
	struct nlsock *req;      /* dumps, stats */
	struct nlsock *ev;       /* events; NULL if they could not be had */
	struct ct_table t;
	struct ct_collect_opts o;
	int rcvbuf;
	uint8_t *buf;
	size_t bufsize;
	double last_try;
	bool tried;
	unsigned int mismatches; /* stats checks in a row where the kernel's
				  * count differed from the mirror's */
	ct_tap_fn tap;
	void *tap_arg;
	struct nlbuf tapbuf;     /* one dump's bytes, when tapped */
};

static bool unavailable_errno(int e)
{
	return e == EOPNOTSUPP || e == EPROTONOSUPPORT || e == EAFNOSUPPORT ||
	       e == EINVAL || e == ENOENT;
}

/* Map an errno from socket(), bind or a request to a source status. */
static void fail(struct ct_collect *c, int e, const char *what)
{
	struct ct_table *t = &c->t;

	if (e == EPERM || e == EACCES)
		ct_table_set_status(t, SRC_EPERM, "needs CAP_NET_ADMIN (%s: %s)", what, strerror(e));
	else if (unavailable_errno(e))
		ct_table_set_status(t, SRC_UNAVAILABLE,
				    "conntrack netlink unavailable on this kernel (%s: %s)",
				    what, strerror(e));
	else
		ct_table_set_status(t, t->gen ? SRC_STALE : SRC_ERROR, "%s: %s", what, strerror(e));
}

static int read_u64_file(const char *path, uint64_t *v)
{
	FILE *fp = fopen(path, "re");
	unsigned long long x;
	int ok;

	if (!fp)
		return -1;
	ok = fscanf(fp, "%llu", &x) == 1;
	fclose(fp);
	if (!ok)
		return -1;
	*v = x;
	return 0;
}

static struct nlsock *open_events(struct ct_collect *c, int *err)
{
	static const unsigned int groups[] = { NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_DESTROY };
	struct nlsock *s = nlsock_open(NETLINK_NETFILTER);
	unsigned int i;
	int fd, fl;

	if (!s) {
		*err = errno;
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		if (nlsock_join(s, groups[i]) < 0)
			goto fail;
	}
	if (c->o.updates && nlsock_join(s, NFNLGRP_CONNTRACK_UPDATE) < 0)
		goto fail;
	fd = nlsock_fd(s);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		goto fail;
	/* SO_RCVBUFFORCE (CAP_NET_ADMIN) passes net.core.rmem_max */
	nlsock_set_rcvbuf(s, c->rcvbuf);
	return s;
fail:
	*err = errno;
	nlsock_close(s);
	return NULL;
}

struct ct_collect *ct_collect_open(const struct ct_collect_opts *opts)
{
	struct ct_collect *c = xcalloc(1, sizeof(*c));
	int err = 0;

	if (opts)
		c->o = *opts;
	if (c->o.rcvbuf <= 0)
		c->o.rcvbuf = CT_RCVBUF_DEFAULT;
	if (c->o.rcvbuf_max == 0)
		c->o.rcvbuf_max = CT_RCVBUF_MAX_DEFAULT;
	if (c->o.min_interval <= 0)
		c->o.min_interval = 1.0;
	c->rcvbuf = c->o.rcvbuf;
	c->bufsize = NLSOCK_DUMP_SIZE;
	c->buf = xmalloc(c->bufsize);
	ct_table_init(&c->t);

	c->req = nlsock_open(NETLINK_NETFILTER);
	if (!c->req) {
		fail(c, errno, "netlink socket");
		return c;
	}
	c->ev = open_events(c, &err);
	if (!c->ev)
		fail(c, err, "conntrack events");
	return c;
}

void ct_collect_close(struct ct_collect *c)
{
	if (!c)
		return;
	nlsock_close(c->req);
	nlsock_close(c->ev);
	ct_table_free(&c->t);
	nlbuf_free(&c->tapbuf);
	free(c->buf);
	free(c);
}

int ct_collect_event_fd(const struct ct_collect *c)
{
	return c->ev ? nlsock_fd(c->ev) : -1;
}

const struct ct_table *ct_collect_table(const struct ct_collect *c)
{
	return &c->t;
}

void ct_collect_set_tap(struct ct_collect *c, ct_tap_fn fn, void *arg)
{
	c->tap = fn;
	c->tap_arg = arg;
}

static struct nlmsghdr *put_request(void *buf, struct nlsock *s, uint8_t msg, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = nlsock_next_seq(s);
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;   /* every l3 family */
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

static int stats_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, CTA_STATS_GLOBAL_MAX) < 0)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* IPCTNL_MSG_CT_GET_STATS: this netns's entry count and the global max
 * (what `conntrack -C` prints), cheap enough for every tick. */
static int get_stats(struct ct_collect *c)
{
	char req[64];
	/* NLM_F_ACK: the kernel flags this single reply NLM_F_MULTI and sends
	 * no NLMSG_DONE, so only the ACK tells the reply is complete */
	struct nlmsghdr *nlh = put_request(req, c->req, IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK);
	const struct nlattr *tb[CTA_STATS_GLOBAL_MAX + 1] = { NULL };
	struct nlbuf out = { NULL, 0, 0 };
	const struct nlmsghdr *m;
	int ret = -1;

	if (nlsock_request(c->req, nlh, 1, &out) < 0)
		goto done;
	m = nlbuf_first(&out);
	if (!m || m->nlmsg_len < NLMSG_HDRLEN + sizeof(struct nfgenmsg))
		goto done;
	mnl_attr_parse(m, sizeof(struct nfgenmsg), stats_attr_cb, tb);
	if (tb[CTA_STATS_GLOBAL_ENTRIES]) {
		c->t.has_kernel_count = true;
		c->t.kernel_count = ntohl(mnl_attr_get_u32(tb[CTA_STATS_GLOBAL_ENTRIES]));
	}
	if (tb[CTA_STATS_GLOBAL_MAX_ENTRIES])
		c->t.max = ntohl(mnl_attr_get_u32(tb[CTA_STATS_GLOBAL_MAX_ENTRIES]));
	ret = 0;
done:
	nlbuf_free(&out);
	return ret;
}

/* The request socket after a failed dump may hold the rest of it: start
 * over with a fresh one rather than read stale replies. */
static void reopen_req(struct ct_collect *c)
{
	nlsock_close(c->req);
	c->req = nlsock_open(NETLINK_NETFILTER);
}

/* IPCTNL_MSG_EXP_GET dump: the helpers' expectations (conntrack -L
 * expect), a short list (each helper caps its own), buffered whole. A
 * failure leaves the flows alone: expectations become unknown (null). */
static void dump_expects(struct ct_collect *c)
{
	char req[64];
	struct nlmsghdr *nlh = put_request(req, c->req, IPCTNL_MSG_EXP_GET, NLM_F_DUMP);
	struct nlbuf out = { NULL, 0, 0 };

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_EXP_GET;
	if (nlsock_request(c->req, nlh, 0, &out) < 0) {
		c->t.has_expects = false;
		c->t.nexpects = 0;
		reopen_req(c);
	} else {
		ct_table_set_expects(&c->t, out.data, out.len);
	}
	nlbuf_free(&out);
}

static int dump(struct ct_collect *c, double now, bool resync)
{
	char req[64];
	struct nlmsghdr *nlh;
	unsigned int seq, portid;
	uint64_t t0 = time_mono_ns();
	int fd, ret, e = 0;
	ssize_t n;

	if (!c->req)
		reopen_req(c);
	if (!c->req) {
		fail(c, errno, "netlink socket");
		return -1;
	}
	fd = nlsock_fd(c->req);
	portid = nlsock_portid(c->req);
	nlh = put_request(req, c->req, IPCTNL_MSG_CT_GET, NLM_F_DUMP);
	seq = nlh->nlmsg_seq;
	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0) {
		fail(c, errno, "conntrack dump");
		return -1;
	}
	if (c->tap)
		nlbuf_reset(&c->tapbuf);
	/* one allocation and no rehash for a table of the kernel's count
	 * (plus some churn), not a doubling per power of two */
	if (c->t.has_kernel_count)
		ct_table_reserve(&c->t, c->t.kernel_count + c->t.kernel_count / 16 + 64);
	ct_table_dump_begin(&c->t, resync);
	/* Streamed, one recv() at a time: 100k flows are ~30 MB of messages,
	 * which nlsock_request() would buffer whole. */
	for (;;) {
		n = recv(fd, c->buf, c->bufsize, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		if (n == 0) {
			e = EPIPE;
			break;
		}
		if (c->tap)
			nlbuf_append(&c->tapbuf, c->buf, (size_t)n);
		ret = ct_table_apply_buf(&c->t, c->buf, (size_t)n, now, true, seq, portid, NULL);
		if (ret == MNL_CB_STOP)
			break;
		if (ret < 0) {
			e = errno ? errno : EBADMSG;
			break;
		}
	}
	ct_table_dump_end(&c->t, e == 0, now);
	c->t.dump_ms = (double)(time_mono_ns() - t0) / 1e6;
	if (e) {
		fail(c, e, "conntrack dump");
		reopen_req(c);
		return -1;
	}
	if (c->tap)
		c->tap(c->tap_arg, CT_TAP_DUMP, c->tapbuf.data, c->tapbuf.len);
	if (!c->ev) {
		/* dumps work: try the events again (lost privilege, or the
		 * subsystem came up since) */
		int err = 0;

		c->ev = open_events(c, &err);
	}
	ct_table_set_status(&c->t, SRC_OK, c->ev ? NULL : "no conntrack events: dumps only");
	return 0;
}

/* One non-blocking read: >0 bytes read and applied, 0 nothing queued, -1
 * error (errno; ENOBUFS = events were lost). */
static ssize_t read_events(struct ct_collect *c, double now, size_t *applied)
{
	ssize_t n;
	size_t k = 0;

	do
		n = recv(nlsock_fd(c->ev), c->buf, c->bufsize, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
	if (n == 0)
		return 0;
	if (c->tap)
		c->tap(c->tap_arg, CT_TAP_EVENT, c->buf, (size_t)n);
	ct_table_apply_buf(&c->t, c->buf, (size_t)n, now, false, 0, 0, &k);
	*applied += k;
	return n;
}

/*
 * After ENOBUFS the kernel drops every event until our queue is empty
 * (netlink "congested" state), silently. A dump taken right away misses
 * what is dropped between the dump and the moment the queue drains, so:
 * drain until EAGAIN first (applying what is there), then dump and
 * reconcile by id; events queued during the dump are applied afterwards.
 */
static size_t resync(struct ct_collect *c, double now)
{
	size_t applied = 0;
	ssize_t n;
	int want;

	c->t.resyncs++;
	for (;;) {
		n = read_events(c, now, &applied);
		if (n > 0 || (n < 0 && errno == ENOBUFS))
			continue;
		break;   /* EAGAIN: the queue is empty, the kernel delivers again */
	}
	/* conntrackd's answer too: a bigger buffer makes the next storm
	 * less likely to overflow */
	want = c->rcvbuf * 2;
	if (c->o.rcvbuf_max >= c->rcvbuf && want <= c->o.rcvbuf_max && want > c->rcvbuf) {
		c->rcvbuf = want;
		nlsock_set_rcvbuf(c->ev, c->rcvbuf);
	}
	dump(c, now, true);
	(void)get_stats(c);   /* the count as of the dump, not of before the storm */
	c->last_try = now;
	c->tried = true;
	return applied;
}

int ct_collect_events(struct ct_collect *c, double now)
{
	size_t applied = 0;
	ssize_t n;
	int i;

	if (!c->ev)
		return 0;
	for (i = 0; i < CT_EVENT_BATCH; i++) {
		n = read_events(c, now, &applied);
		if (n > 0)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			applied += resync(c, now);
			break;
		}
		if (n < 0) {
			fail(c, errno, "conntrack events");
			return -1;
		}
		break;
	}
	ct_table_expire(&c->t, now);
	return (int)(applied > INT32_MAX ? INT32_MAX : applied);
}

int ct_collect_stats(struct ct_collect *c)
{
	uint64_t v;
	int r = 0;

	/* per netns; /proc/sys/net/netfilter is this netns's view */
	if (read_u64_file("/proc/sys/net/netfilter/nf_conntrack_acct", &v) == 0)
		c->t.acct = v != 0;
	if (!c->req || get_stats(c) < 0) {
		r = -1;
		if (read_u64_file("/proc/sys/net/netfilter/nf_conntrack_max", &v) == 0)
			c->t.max = v;
		if (read_u64_file("/proc/sys/net/netfilter/nf_conntrack_count", &v) == 0) {
			c->t.has_kernel_count = true;
			c->t.kernel_count = v;
			r = 0;
		}
	}
	return r;
}

/* Stats checks in a row that must find the kernel's count different from
 * the mirror's before it is trusted as lost events: one check can fall
 * between a flow's creation and its NEW event reaching us. */
#define CT_MISMATCH_CHECKS 3

/*
 * With events the mirror's list is kept by the event socket; a full dump
 * is needed only when events were lost. ENOBUFS says so (ct_collect_events
 * resyncs then); the kernel's count (CT_GET_STATS, ~µs) differing from the
 * mirror's for CT_MISMATCH_CHECKS checks in a row says so too (an event
 * dropped without ENOBUFS, a socket that joined late). Counters and timeouts
 * come only with dumps, so they are still refreshed, but on a CPU budget:
 * one dump per CT_COUNTER_GAP times its own duration (~1% of a core).
 */
#define CT_COUNTER_GAP 100
#define CT_MISMATCH_GAP 15

static bool count_says_lost(struct ct_collect *c, double now)
{
	if (!c->t.has_kernel_count || c->t.kernel_count == c->t.count) {
		c->mismatches = 0;
		return false;
	}
	if (++c->mismatches < CT_MISMATCH_CHECKS)
		return false;
	/* churn can keep the two apart without a loss: never more often
	 * than the old periodic dump did */
	return now - c->last_try >= c->t.dump_ms / 1000.0 * CT_MISMATCH_GAP;
}

int ct_collect_refresh(struct ct_collect *c, double now, bool force)
{
	double gap = c->o.min_interval;
	bool lost = false;
	int r;

	if (c->ev && c->t.dump_ms / 1000.0 * CT_COUNTER_GAP > gap)
		gap = c->t.dump_ms / 1000.0 * CT_COUNTER_GAP;
	else if (!c->ev && c->t.dump_ms / 1000.0 * CT_MISMATCH_GAP > gap)
		gap = c->t.dump_ms / 1000.0 * CT_MISMATCH_GAP;   /* dumps only */
	if (!force && c->tried && now - c->last_try < gap) {
		ct_collect_stats(c);
		lost = c->ev && count_says_lost(c, now);
		if (!lost)
			return 0;
		c->t.resyncs++;
	}
	c->last_try = now;
	c->tried = true;
	c->mismatches = 0;
	ct_collect_stats(c);
	r = dump(c, now, lost);
	if (r == 0 && c->req)
		dump_expects(c);
	ct_table_expire(&c->t, now);
	if (lost)
		(void)get_stats(c);   /* the count as of the dump */
	return r < 0 ? -1 : 1;
}
