/*
 * metrics-source.c - what one scrape reads from one network namespace for
 * iptop --serve: a fresh ruleset snapshot through the live feed (every
 * chain's counters re-read; rule text reused from the last read, as the
 * collector shares it across snapshots), the named nf_tables sets
 * (GETSET, then GETSETELEM per set) and ipsets (one header-only LIST
 * dump, when the ip_set module is loaded: asking would load it), and conntrack: the count and max,
 * entries by protocol and state from the feed's mirror, and the kernel's
 * per-CPU statistics (IPCTNL_MSG_CT_GET_STATS_CPU).
 *
 * Everything here runs in the thread that opened the source: its sockets
 * and /proc reads belong to that thread's namespace, and the rule text's
 * reference counts are only ever touched there. It writes no exposition
 * text (metrics.c) and knows no HTTP (serve.c).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/ipset/ip_set.h>

#include "conntrack-text.h"
#include "conntrack.h"
#include "feed.h"
#include "metrics.h"
#include "nl.h"

#define DUMP_RETRIES 3

struct metrics_source {
	struct feed *feed;
	char *label;
	bool flows;
	struct nlsock *sock;       /* GETSET, GETSETELEM, CT_GET_STATS_CPU */
	struct nlbuf buf;
	struct metrics_ns *last;   /* its snapshot is the next read's prev */
};

/* A result lives while the caller holds it and while it is `last`. */
struct ns_priv {
	int refs;
};

struct metrics_source *metrics_source_open(const char *netns, const char *label, bool flows, bool observe,
					   char **cause)
{
	struct metrics_source *s;
	struct feed *f = feed_live_open(netns, NULL, 0, 0, cause);
	char *why = NULL;

	if (!f)
		return NULL;
	if (observe && feed_observe(f, true, &why) < 0)
		free(why); /* no hook series: iptop_up and the rest say the namespace is read */
	s = xcalloc(1, sizeof(*s));
	s->feed = f;
	s->label = xstrdup(label ? label : "");
	s->flows = flows;
	s->sock = nlsock_open(NETLINK_NETFILTER);
	/* conntrack opens on first use: open it now, in this namespace */
	(void)feed_conntrack(f, false);
	return s;
}

int metrics_source_fd(struct metrics_source *s)
{
	return s->feed->ops->fd(s->feed);
}

void metrics_source_events(struct metrics_source *s)
{
	(void)s->feed->ops->event(s->feed);
}

static void ns_free(struct metrics_ns *ns)
{
	free(ns->netns);
	snapshot_ruleset_free(ns->rs);
	metrics_sets_free(ns->sets, ns->nsets);
	free(ns->ct_buckets);
	free(ns->priv);
	free(ns);
}

static void ns_unref(struct metrics_ns *ns)
{
	struct ns_priv *p = ns->priv;

	if (--p->refs == 0)
		ns_free(ns);
}

void metrics_source_release(struct metrics_source *s, struct metrics_ns *ns)
{
	if (ns)
		ns_unref(ns);
}

static struct nlmsghdr *nf_req(uint8_t *buf, size_t size, uint16_t type, uint8_t family, uint16_t res_id)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(res_id);
	return nlh;
}

/* A dump, again while the kernel says it was interrupted. */
static int request(struct metrics_source *s, struct nlmsghdr *nlh)
{
	int i, r = -1;

	for (i = 0; i < DUMP_RETRIES; i++) {
		nlbuf_reset(&s->buf);
		r = nlsock_request(s->sock, nlh, 0, &s->buf);
		if (r == 0 || errno != EINTR)
			break;
	}
	return r;
}

static enum src_status errno_status(int e)
{
	return e == EPERM ? SRC_EPERM : e == EINVAL || e == EOPNOTSUPP || e == EPROTONOSUPPORT ? SRC_UNAVAILABLE
											     : SRC_ERROR;
}

static void read_sets(struct metrics_source *s, struct metrics_ns *ns)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh = nf_req(buf, sizeof(buf), (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETSET,
				      NFPROTO_UNSPEC, 0);
	size_t i;

	if (!s->sock || request(s, nlh) < 0) {
		ns->sets_status = errno_status(s->sock ? errno : EPROTONOSUPPORT);
		return;
	}
	metrics_sets_parse(s->buf.data, s->buf.len, &ns->sets, &ns->nsets);
	for (i = 0; i < ns->nsets; i++) {
		struct metrics_set *set = &ns->sets[i];

		nlh = nf_req(buf, sizeof(buf), (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETSETELEM, set->family, 0);
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, set->table);
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set->name);
		if (request(s, nlh) == 0)
			set->elements = metrics_set_count_elems(s->buf.data, s->buf.len);
		else if (errno != ENOENT)   /* gone since GETSET: counts as empty */
			ns->sets_status = errno_status(errno);
	}
}

/* ipsets: one LIST dump of the headers (name, family, maxelem, element
 * count). Only when the module is there: nfnetlink would load it to answer,
 * and iptop changes nothing on the host. */
static void read_ipsets(struct metrics_source *s, struct metrics_ns *ns)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh;

	if (!s->sock || access("/sys/module/ip_set", F_OK) != 0)
		return;
	nlh = nf_req(buf, sizeof(buf), (NFNL_SUBSYS_IPSET << 8) | IPSET_CMD_LIST, NFPROTO_IPV4, 0);
	mnl_attr_put_u8(nlh, IPSET_ATTR_PROTOCOL, IPSET_PROTOCOL);
	mnl_attr_put_u32(nlh, IPSET_ATTR_FLAGS | NLA_F_NET_BYTEORDER, htonl(IPSET_FLAG_LIST_HEADER));
	if (request(s, nlh) == 0)
		metrics_ipsets_parse(s->buf.data, s->buf.len, &ns->sets, &ns->nsets);
	else if (!ns->sets_status)
		ns->sets_status = errno_status(errno);
}

static int bucket_cmp(const void *a, const void *b)
{
	const struct metrics_ct_bucket *x = a, *y = b;
	int c = strcmp(x->proto, y->proto);

	return c ? c : strcmp(x->state, y->state);
}

static void ct_buckets(const struct ct_table *t, struct metrics_ns *ns)
{
	size_t i, j, cap = 0;

	for (i = 0; i < t->nflows; i++) {
		const struct ct_flow *f = &t->flows[i];
		const char *state = conntrack_text_state(f);
		struct metrics_ct_bucket *bk;

		if (f->dying)
			continue;
		if (!state)
			state = "none";
		for (j = 0; j < ns->ct_nbuckets; j++)
			if (strcmp(ns->ct_buckets[j].proto, conntrack_text_proto(f->proto)) == 0 &&
			    strcmp(ns->ct_buckets[j].state, state) == 0)
				break;
		if (j == ns->ct_nbuckets) {
			if (j == cap) {
				cap = cap ? cap * 2 : 16;
				ns->ct_buckets = xreallocarray(ns->ct_buckets, cap, sizeof(*ns->ct_buckets));
			}
			bk = &ns->ct_buckets[ns->ct_nbuckets++];
			memset(bk, 0, sizeof(*bk));
			snprintf(bk->proto, sizeof(bk->proto), "%s", conntrack_text_proto(f->proto));
			snprintf(bk->state, sizeof(bk->state), "%s", state);
		}
		ns->ct_buckets[j].entries++;
	}
	if (ns->ct_nbuckets)
		qsort(ns->ct_buckets, ns->ct_nbuckets, sizeof(*ns->ct_buckets), bucket_cmp);
}

static void read_conntrack(struct metrics_source *s, struct metrics_ns *ns)
{
	const struct ct_table *t = feed_conntrack(s->feed, s->flows);
	uint8_t buf[64];

	if (!t) {
		ns->ct_status = SRC_UNAVAILABLE;
		return;
	}
	ns->ct_status = t->status;
	ns->ct_max = t->max;
	if (t->has_kernel_count) {
		ns->ct_have_count = true;
		ns->ct_entries = t->kernel_count;
	} else if (s->flows && t->status == SRC_OK) {
		ns->ct_have_count = true;
		ns->ct_entries = t->count;
	}
	if (s->flows && t->status == SRC_OK) {
		ns->ct_have_buckets = true;
		ct_buckets(t, ns);
	}
	if (s->sock &&
	    request(s, nf_req(buf, sizeof(buf), (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET_STATS_CPU,
			      AF_UNSPEC, 0)) == 0)
		ns->ct_have_cpu = metrics_ct_cpu_parse(s->buf.data, s->buf.len, &ns->ct_cpu) == 0;
}

struct metrics_ns *metrics_source_read(struct metrics_source *s)
{
	uint64_t t0 = time_mono_ns();
	struct metrics_ns *ns = xcalloc(1, sizeof(*ns));
	struct ns_priv *p = xcalloc(1, sizeof(*p));

	ns->priv = p;
	p->refs = 2;   /* the caller's, and ours as `last` */
	ns->netns = xstrdup(s->label);
	ns->rs = s->feed->ops->snapshot(s->feed, s->last ? s->last->rs : NULL, NULL, NULL);
	if (s->last)
		ns_unref(s->last);
	s->last = ns;
	read_sets(s, ns);
	read_ipsets(s, ns);
	read_conntrack(s, ns);
	ns->duration = (double)(time_mono_ns() - t0) / 1e9;
	return ns;
}

void metrics_source_close(struct metrics_source *s)
{
	if (!s)
		return;
	if (s->last)
		ns_unref(s->last);
	nlsock_close(s->sock);
	nlbuf_free(&s->buf);
	feed_close(s->feed);
	free(s->label);
	free(s);
}
