/*
 * collect-trace.c - live packet tracing: a listener on NFNLGRP_NFTRACE and
 * a private `table inet iptop_trace` whose base chains (priority -350,
 * before raw at -300 and conntrack at -200) set nftrace on the packets the
 * filter matches, rate-limited; packets over the rate are counted by a
 * rule of their own. Replies of the connections the filter matched are
 * marked right after conntrack (-199, by the connection's original tuple),
 * and empty late chains (+300, after conntrack and NAT) make the kernel
 * report every traced packet's final addresses, interfaces and conntrack
 * state. The table carries NFT_TABLE_F_OWNER and is
 * created in one batch on a socket kept open for the session: the kernel
 * deletes it the moment that socket closes, so a crash (even SIGKILL)
 * leaves no tracing rule behind. The user's tables are never touched.
 *
 * With TRACE_LEGACY the same event socket also receives the legacy
 * "TRACE:" lines nfnetlink_log sends for iptables-legacy rules (the
 * nf_log binding and its restore are collect-nflog.c's).
 *
 * The filter's nf_tables expressions are collect-trace-rule.c's. Does not
 * parse events itself (trace-feed.c does, for live and replay alike) and
 * knows no screen.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "nl.h"
#include "record.h"
#include "collect-legacy.h"
#include "trace.h"
#include "trace-int.h"

#define TRACE_TABLE "iptop_trace"
#define TRACE_PRIO (-350)
#define TRACE_REPLY_PRIO (-199)   /* just after conntrack (-200): ct is known */
#define TRACE_LATE_PRIO 300       /* after conntrack, NAT and filter; before confirm */
#define SKIPPED_EVERY_NS (250ull * 1000000ull)
#define TRACE_RCVBUF (4 << 20)
#define ACK_TIMEOUT_MS 3000

struct trace_session {
	struct nlsock *events;    /* NFNLGRP_NFTRACE listener (and nfnetlink_log group 0) */
	struct nlsock *owner;     /* owns the table: closing it removes the table */
	struct trace_nflog *nflog;/* TRACE_LEGACY: the nf_log binding, or NULL */
	struct collect_trace_ct *ct; /* conntrack lookups (SNAT of untraced replies), or NULL */
	char *notice;
	struct trace_state *st;
	struct record *rec;
	struct trace_filter filter;
	char *rule_text;
	uint64_t lost;
	uint64_t skipped_read_ns; /* when the rate-limit counters were last read */
	uint64_t skipped_base;    /* skipped by the sessions before, when the state was kept */
	uint8_t *buf;
	size_t bufsize;
};

/* ---- batches -------------------------------------------------------------- */


enum trace_chain_kind {
	CHAIN_MARK,               /* marks packets by their headers (-350) */
	CHAIN_REPLY,              /* marks replies of matched connections (-199) */
	CHAIN_LATE,               /* empty: reports final addresses and ct (+300) */
};

struct trace_chain_def {
	const char *name;
	int hook;
	int prio;
	enum trace_chain_kind kind;
};

static void add_rule(struct nlbatch *bt, const char *chain, void (*build)(struct nftnl_rule *, const void *),
		     const void *arg)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, TRACE_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	build(r, arg);
	nlh = nlbatch_msg(bt, NFT_MSG_NEWRULE, NFPROTO_INET, NLM_F_CREATE | NLM_F_APPEND, "add the trace rule");
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	nlbatch_next(bt);
}

struct rule_args {
	const struct trace_filter *f;
	const struct trace_chain_def *def;
	int rate;
};

static void skip_rule(struct nftnl_rule *r, const void *arg)
{
	const struct rule_args *a = arg;

	collect_trace_rule_skip(r, a->f, a->def->hook, a->def->kind == CHAIN_REPLY, a->rate);
}

static void mark_rule(struct nftnl_rule *r, const void *arg)
{
	const struct rule_args *a = arg;

	collect_trace_rule_mark(r, a->f, a->def->hook, a->def->kind == CHAIN_REPLY);
}

static int install_table(struct trace_session *s, const struct trace_chain_def *chains, size_t nchains,
			 int rate, const char **what)
{
	struct nlbatch bt;
	struct nftnl_table *t;
	struct nlmsghdr *nlh;
	size_t i;
	int rc;

	nlbatch_init(&bt, s->owner);
	t = nftnl_table_alloc();
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, TRACE_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);
	nlh = nlbatch_msg(&bt, NFT_MSG_NEWTABLE, NFPROTO_INET, NLM_F_CREATE | NLM_F_EXCL, "create table inet " TRACE_TABLE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	nlbatch_next(&bt);

	for (i = 0; i < nchains; i++) {
		struct nftnl_chain *c = nftnl_chain_alloc();
		struct rule_args a = { &s->filter, &chains[i], rate };

		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, TRACE_TABLE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chains[i].name);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)chains[i].hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, chains[i].prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
		nlh = nlbatch_msg(&bt, NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE | NLM_F_EXCL, "create a trace chain");
		nftnl_chain_nlmsg_build_payload(nlh, c);
		nftnl_chain_free(c);
		nlbatch_next(&bt);
		if (chains[i].kind == CHAIN_LATE)
			continue;
		add_rule(&bt, chains[i].name, skip_rule, &a);
		add_rule(&bt, chains[i].name, mark_rule, &a);
	}
	rc = nlbatch_send(&bt, s->owner, what);
	nlbatch_free(&bt);
	return rc;
}

/* A GET about iptop's table (GETTABLE: the table; GETRULE: its rules). */
static int own_table_request(struct nlsock *s, uint16_t type, uint16_t flags, int single, struct nlbuf *out)
{
	char buf[512];
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET, flags, 0);

	/* NFTA_TABLE_NAME and NFTA_RULE_TABLE are both attribute 1. */
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, TRACE_TABLE);
	return nlsock_request(s, nlh, single, out);
}

/* Packets the filter matched over the rate limit: the sum of the
 * counters in iptop's table (only the skip rules have one). -1 if the
 * table cannot be read. */
static int64_t read_skipped(struct trace_session *s)
{
	struct nlbuf out = { 0 };
	const struct nlmsghdr *m;
	int64_t sum = 0;

	if (own_table_request(s->owner, NFT_MSG_GETRULE, NLM_F_DUMP, 0, &out) < 0) {
		nlbuf_free(&out);
		return -1;
	}
	for (m = nlbuf_first(&out); m; m = nlbuf_next(&out, m)) {
		struct nftnl_rule *got = nftnl_rule_alloc();
		struct nftnl_expr_iter *it;
		struct nftnl_expr *e;

		if (nftnl_rule_nlmsg_parse(m, got) == 0 && (it = nftnl_expr_iter_create(got))) {
			while ((e = nftnl_expr_iter_next(it)))
				if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter") == 0)
					sum += (int64_t)nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
			nftnl_expr_iter_destroy(it);
		}
		nftnl_rule_free(got);
	}
	nlbuf_free(&out);
	return sum;
}

/* Refresh the state's count of packets skipped by the rate limit (at
 * most every 250 ms, or now when force). */
static void update_skipped(struct trace_session *s, bool force)
{
	uint64_t now = time_mono_ns();
	int64_t n;

	if (!force && now - s->skipped_read_ns < SKIPPED_EVERY_NS)
		return;
	s->skipped_read_ns = now;
	n = read_skipped(s);
	if (n >= 0)
		trace_state_set_skipped(s->st, s->skipped_base + (uint64_t)n);
}

static void delete_table(struct trace_session *s)
{
	struct nlbatch bt;
	struct nftnl_table *t;
	struct nlmsghdr *nlh;
	const char *what;

	nlbatch_init(&bt, s->owner);
	t = nftnl_table_alloc();
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, TRACE_TABLE);
	nlh = nlbatch_msg(&bt, NFT_MSG_DELTABLE, NFPROTO_INET, 0, "delete table");
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	nlbatch_next(&bt);
	/* Failure is harmless: closing the owner socket removes it anyway. */
	(void)nlbatch_send(&bt, s->owner, &what);
	nlbatch_free(&bt);
}

/* Does our table already exist (another iptop tracing, or a leftover)?
 * 1 yes and owned by another socket, 2 yes and not owned, 0 no. */
static int table_exists(struct nlsock *s)
{
	return nlbatch_table_state(s, TRACE_TABLE);
}

/* ---- session -------------------------------------------------------------- */

static char *install_error(struct trace_session *s, int err, const char *what)
{
	switch (err) {
	case EPERM:
	case EACCES: {
		int ex = table_exists(s->events);

		if (ex == 1)
			return xasprintf("packet tracing is already running in this network namespace "
					 "(table inet %s is owned by another process, probably another iptop)",
					 TRACE_TABLE);
		return xasprintf("tracing needs CAP_NET_ADMIN: cannot install the trace table: %s "
				 "(run as root)", strerror(err));
	}
	case EEXIST:
		if (table_exists(s->events) == 1)
			return xasprintf("packet tracing is already running in this network namespace "
					 "(table inet %s is owned by another process, probably another iptop)",
					 TRACE_TABLE);
		return xasprintf("table inet %s already exists and is not iptop's live table "
				 "(left by something else?); remove it with `nft delete table inet %s`",
				 TRACE_TABLE, TRACE_TABLE);
	case EOPNOTSUPP:
	case EINVAL:
	case ENOENT:
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
		if (what && strncmp(what, "create table", 12) == 0 && err == EOPNOTSUPP)
			return xasprintf("packet tracing unavailable on this kernel: owned tables "
					 "(NFT_TABLE_F_OWNER, Linux 5.12) are not supported");
		return xasprintf("packet tracing unavailable on this kernel: cannot %s: %s",
				 what ? what : "install the trace table", strerror(err));
	}
	return xasprintf("cannot install the trace table (%s): %s", what ? what : "batch", strerror(err));
}

static void make_rule_text(struct trace_session *s, const struct trace_chain_def *chains, size_t n, int rate)
{
	struct strbuf sb, hooks;
	bool replies = false;
	size_t i;

	strbuf_init(&sb);
	strbuf_init(&hooks);
	for (i = 0; i < n; i++) {
		if (chains[i].kind == CHAIN_MARK)
			strbuf_addf(&hooks, "%s%s", hooks.len ? ", " : "", snapshot_hook_name(NFPROTO_INET, chains[i].hook));
		replies |= chains[i].kind == CHAIN_REPLY;
	}
	if (!hooks.len)
		strbuf_add(&sb, "replies of the connections of: ");
	trace_filter_nft(&s->filter, &sb);
	if (sb.len)
		strbuf_addc(&sb, ' ');
	strbuf_addf(&sb, "limit rate %d/second meta nftrace set 1", rate);
	if (hooks.len)
		strbuf_addf(&sb, " (%s)%s", hooks.s, replies ? " and their replies (ct original)" : "");
	strbuf_free(&hooks);
	s->rule_text = strbuf_steal(&sb);
}

struct trace_session *collect_trace_start(const char *filter, int rate_per_s, char **cause)
{
	return collect_trace_start_flags(filter, rate_per_s, 0, cause);
}

/* Legacy tables here that this session will not trace: "filter, nat" of
 * the filter's families, or NULL. Only /proc is read (opening a table
 * would create it). */
static char *untraced_legacy_tables(uint8_t nfproto)
{
	static const uint8_t fams[] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	struct strbuf sb;
	size_t f, i;

	strbuf_init(&sb);
	for (f = 0; f < ARRAY_SIZE(fams); f++) {
		char **names = NULL;
		size_t n = 0;

		if ((nfproto && nfproto != fams[f]) || collect_legacy_table_names(fams[f], &names, &n) < 0)
			continue;
		for (i = 0; i < n; i++) {
			strbuf_addf(&sb, "%s%s %s", sb.len ? ", " : "", snapshot_family_name(fams[f]), names[i]);
			free(names[i]);
		}
		free(names);
	}
	if (sb.len)
		return strbuf_steal(&sb);
	strbuf_free(&sb);
	return NULL;
}

static void add_notice(struct trace_session *s, const char *text)
{
	char *n;

	if (!text || !*text)
		return;
	n = s->notice ? xasprintf("%s\n%s", s->notice, text) : xstrdup(text);
	free(s->notice);
	s->notice = n;
}

struct trace_session *collect_trace_start_flags(const char *filter, int rate_per_s, unsigned int flags, char **cause)
{
	return collect_trace_start_keep(filter, rate_per_s, flags, NULL, cause);
}

struct trace_session *collect_trace_start_keep(const char *filter, int rate_per_s, unsigned int flags,
				       struct trace_state *keep, char **cause)
{
	struct trace_session *s = xcalloc(1, sizeof(*s));
	char *recovered = NULL;
	struct trace_chain_def chains[8];
	size_t nchains = 0;
	const char *what = NULL;

	*cause = NULL;
	if (rate_per_s <= 0)
		rate_per_s = 10;
	if (trace_filter_parse(filter, &s->filter, cause) < 0)
		goto fail;
	if ((flags & TRACE_REPLY_ONLY) && !trace_filter_has_tuple(&s->filter)) {
		*cause = xstrdup("trace filter: tracing replies only needs addresses or ports to match "
				 "connections on (-s, -d, --sport, --dport)");
		goto fail;
	}
	/*
	 * Where to mark packets. The output interface is only known after the
	 * routing decision, so with -o forwarded packets are marked at the
	 * forward hook (their prerouting steps are not seen); -i never matches
	 * a locally generated packet, so then there is no output chain.
	 */
	if (flags & TRACE_REPLY_ONLY)
		; /* only the reply chains mark */
	else if (!s->filter.oif.set)
		chains[nchains++] = (struct trace_chain_def){ "pre", NF_INET_PRE_ROUTING, TRACE_PRIO, CHAIN_MARK };
	else
		chains[nchains++] = (struct trace_chain_def){ "fwd", NF_INET_FORWARD, TRACE_PRIO, CHAIN_MARK };
	if (!s->filter.iif.set && !(flags & TRACE_REPLY_ONLY))
		chains[nchains++] = (struct trace_chain_def){ "out", NF_INET_LOCAL_OUT, TRACE_PRIO, CHAIN_MARK };
	/* Replies of the connections a filter on the tuple matched: after
	 * conntrack has found their connection. */
	if (trace_filter_has_tuple(&s->filter) && !(flags & TRACE_ORIG_ONLY)) {
		chains[nchains++] = (struct trace_chain_def){ "reply-pre", NF_INET_PRE_ROUTING, TRACE_REPLY_PRIO,
							       CHAIN_REPLY };
		chains[nchains++] = (struct trace_chain_def){ "reply-out", NF_INET_LOCAL_OUT, TRACE_REPLY_PRIO,
							       CHAIN_REPLY };
	}
	chains[nchains++] = (struct trace_chain_def){ "late-in", NF_INET_LOCAL_IN, TRACE_LATE_PRIO, CHAIN_LATE };
	chains[nchains++] = (struct trace_chain_def){ "late-fwd", NF_INET_FORWARD, TRACE_LATE_PRIO, CHAIN_LATE };
	chains[nchains++] = (struct trace_chain_def){ "late-out", NF_INET_LOCAL_OUT, TRACE_LATE_PRIO, CHAIN_LATE };
	chains[nchains++] = (struct trace_chain_def){ "late-post", NF_INET_POST_ROUTING, TRACE_LATE_PRIO,
						       CHAIN_LATE };

	/* Listen first: the kernel only traces when someone listens, and the
	 * first packets must not be missed. */
	s->events = nlsock_open(NETLINK_NETFILTER);
	if (!s->events) {
		*cause = xasprintf("cannot open a netlink socket: %s", strerror(errno));
		goto fail;
	}
	if (nlsock_join(s->events, NFNLGRP_NFTRACE) < 0) {
		int e = errno;

		if (e == EPERM || e == EACCES)
			*cause = xasprintf("tracing needs CAP_NET_ADMIN: cannot listen to trace events: %s "
					   "(run as root)", strerror(e));
		else
			*cause = xasprintf("packet tracing unavailable on this kernel: "
					   "cannot join the nf_tables trace group: %s", strerror(e));
		goto fail;
	}
	nlsock_set_rcvbuf(s->events, TRACE_RCVBUF);

	/* A legacy tracer that died left nf_log bound to nfnetlink_log. */
	if (collect_nflog_recover(&recovered) != 0)
		add_notice(s, recovered);
	free(recovered);
	if (flags & TRACE_LEGACY) {
		s->nflog = collect_nflog_start(s->events, s->filter.nfproto, cause);
		if (!s->nflog)
			goto fail;
		add_notice(s, collect_nflog_notice(s->nflog));
	}

	s->owner = nlsock_open(NETLINK_NETFILTER);
	if (!s->owner) {
		*cause = xasprintf("cannot open a netlink socket: %s", strerror(errno));
		goto fail;
	}
	if (install_table(s, chains, nchains, rate_per_s, &what) < 0) {
		*cause = install_error(s, errno, what);
		goto fail;
	}
	make_rule_text(s, chains, nchains, rate_per_s);
	if (keep) {
		/* The packets of the last trace stay, numbered on. */
		trace_complete_flush(keep);
		s->st = keep;
		s->skipped_base = trace_state_skipped(keep);
	} else {
		s->st = trace_state_new();
	}
	trace_state_set_late(s->st, true);
	s->ct = collect_trace_ct_open();
	trace_state_set_ct_lookup(s->st, s->ct ? collect_trace_ct_lookup : NULL, s->ct);
	trace_state_set_own_table(s->st, TRACE_TABLE);
	trace_state_set_forward_start(s->st, s->filter.oif.set);
	trace_state_set_legacy_untraced(s->st, !s->nflog);
	if (!s->nflog) {
		char *names = untraced_legacy_tables(s->filter.nfproto);

		if (names) {
			char *m = xasprintf("iptables-legacy tables exist here (%s): their rules are not traced "
					    "(--trace-legacy traces them)", names);

			add_notice(s, m);
			free(m);
			free(names);
		}
	}
	trace_state_set_notice(s->st, s->notice);
	s->bufsize = 256 * 1024;
	s->buf = xmalloc(s->bufsize);
	return s;
fail:
	collect_nflog_stop(s->nflog);
	nlsock_close(s->owner);
	nlsock_close(s->events);
	free(s->notice);
	free(s);
	return NULL;
}

const char *collect_trace_notice(const struct trace_session *s)
{
	return s->notice;
}

bool collect_trace_legacy_active(const struct trace_session *s)
{
	return s->nflog != NULL;
}

const char *collect_trace_legacy_bindings(const struct trace_session *s)
{
	return collect_nflog_bindings(s->nflog);
}

void collect_trace_set_record(struct trace_session *s, struct record *rec)
{
	s->rec = rec;
}

int collect_trace_fd(const struct trace_session *s)
{
	return nlsock_fd(s->events);
}

int collect_trace_read(struct trace_session *s, const struct snap_ruleset *rs)
{
	int fd = nlsock_fd(s->events), done = 0;

	for (;;) {
		ssize_t n = recv(fd, s->buf, s->bufsize, MSG_DONTWAIT);
		const struct nlmsghdr *nlh;
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* The kernel dropped events: paths in flight may lack
				 * steps; they settle by time as usual. */
				s->lost++;
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		if (n == 0)
			break;
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)s->buf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			int r;

			if (nlh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE) &&
			    nlh->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
				continue;
			r = trace_feed_msg(s->st, nlh, rs);
			if (r > 0)
				done += r;
			/* After feeding: the interface names it looked up went
			 * into the recording first (feed.c), where a replay
			 * needs them. */
			if (s->rec)
				record_frame(s->rec, REC_TRACE, nlh, nlh->nlmsg_len);
		}
	}
	update_skipped(s, false);
	done += trace_complete_expire(s->st, 0);
	return done;
}

int collect_trace_timeout_ms(const struct trace_session *s)
{
	return trace_state_timeout_ms(s->st, 0);
}

struct trace_state *collect_trace_state(struct trace_session *s)
{
	return s->st;
}

uint64_t collect_trace_lost(const struct trace_session *s)
{
	return s->lost;
}

const char *collect_trace_rule_text(const struct trace_session *s)
{
	return s->rule_text;
}

struct trace_state *collect_trace_take_state(struct trace_session *s)
{
	struct trace_state *st = s->st;

	if (st)
		update_skipped(s, true);
	s->st = NULL;
	if (st)
		trace_state_set_ct_lookup(st, NULL, NULL); /* the socket goes with the session */
	return st;
}

void collect_trace_stop(struct trace_session *s)
{
	if (!s)
		return;
	if (s->st)
		update_skipped(s, true); /* the last count, before the table goes */
	delete_table(s);
	collect_nflog_stop(s->nflog);
	nlsock_close(s->owner);
	nlsock_close(s->events);
	trace_state_free(s->st);
	collect_trace_ct_close(s->ct);
	free(s->notice);
	free(s->rule_text);
	free(s->buf);
	free(s);
}
