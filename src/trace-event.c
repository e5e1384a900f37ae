/*
 * trace-event.c - one nf_tables trace message (NFT_MSG_TRACE) parsed into
 * a struct trace_event, and the packet headers it carries decoded (IPv4,
 * IPv6, ports, ICMP). Pure; the correlation into packet paths is in
 * trace-path.c.
 *
 * A raw attribute walk rather than libnftnl's nftnl_trace_nlmsg_parse():
 * libnftnl 1.2.4 exit()s on a verdict without a code ("abi_breakage"),
 * which a corrupt recording must not do to iptop, and it has no getters
 * for the conntrack attributes 18..21 (kernel 6.16+), which are optional
 * here: older kernels simply don't send them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <endian.h>
#include <netinet/in.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "trace.h"
#include "trace-int.h"

struct attr_tb {
	const struct nlattr *a[TRACE_ATTR_MAX + 1];
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attr_tb *tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Newer kernels may add attributes: skip what we don't know. */
	if (mnl_attr_type_valid(attr, TRACE_ATTR_MAX) < 0)
		return MNL_CB_OK;
	tb->a[type] = attr;
	return MNL_CB_OK;
}

static int verdict_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, NFTA_VERDICT_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static bool attr_len_ok(const struct nlattr *a, size_t want)
{
	return mnl_attr_get_payload_len(a) >= want;
}

/* Copy a string attribute; false if empty or not NUL-terminated. */
static bool attr_str(const struct nlattr *a, char *out, size_t outlen)
{
	size_t n = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);
	size_t l = strnlen(s, n);

	if (l == n || l == 0 || l >= outlen)
		return false;
	memcpy(out, s, l + 1);
	return true;
}

int trace_event_parse(const struct nlmsghdr *nlh, struct trace_event *ev)
{
	struct attr_tb tb;
	const struct nfgenmsg *nfg;

	memset(ev, 0, sizeof(*ev));
	memset(&tb, 0, sizeof(tb));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return -1;
	nfg = mnl_nlmsg_get_payload(nlh);
	ev->family = nfg->nfgen_family;
	if (mnl_attr_parse(nlh, sizeof(*nfg), attr_cb, &tb) < 0)
		return -1;
	if (!tb.a[NFTA_TRACE_TABLE] || !tb.a[NFTA_TRACE_CHAIN] || !tb.a[NFTA_TRACE_TYPE] ||
	    !tb.a[NFTA_TRACE_ID])
		return -1;
	if (!attr_str(tb.a[NFTA_TRACE_TABLE], ev->table, sizeof(ev->table)) ||
	    !attr_str(tb.a[NFTA_TRACE_CHAIN], ev->chain, sizeof(ev->chain)))
		return -1;
	if (!attr_len_ok(tb.a[NFTA_TRACE_TYPE], 4) || !attr_len_ok(tb.a[NFTA_TRACE_ID], 4))
		return -1;
	ev->type = ntohl(mnl_attr_get_u32(tb.a[NFTA_TRACE_TYPE]));
	ev->id = ntohl(mnl_attr_get_u32(tb.a[NFTA_TRACE_ID]));
	if (ev->type < NFT_TRACETYPE_POLICY || ev->type > NFT_TRACETYPE_RULE)
		return -1;
	if (tb.a[NFTA_TRACE_RULE_HANDLE]) {
		if (!attr_len_ok(tb.a[NFTA_TRACE_RULE_HANDLE], 8))
			return -1;
		ev->has_handle = true;
		ev->handle = be64toh(mnl_attr_get_u64(tb.a[NFTA_TRACE_RULE_HANDLE]));
	}
	if (tb.a[NFTA_TRACE_VERDICT]) {
		const struct nlattr *vt[NFTA_VERDICT_MAX + 1] = { 0 };

		if (mnl_attr_get_type(tb.a[NFTA_TRACE_VERDICT]) != NFTA_TRACE_VERDICT ||
		    mnl_attr_parse_nested(tb.a[NFTA_TRACE_VERDICT], verdict_cb, vt) < 0)
			return -1;
		if (vt[NFTA_VERDICT_CODE] && attr_len_ok(vt[NFTA_VERDICT_CODE], 4)) {
			ev->has_verdict = true;
			ev->verdict = (int32_t)ntohl(mnl_attr_get_u32(vt[NFTA_VERDICT_CODE]));
		}
		if (vt[NFTA_VERDICT_CHAIN] && !attr_str(vt[NFTA_VERDICT_CHAIN], ev->target, sizeof(ev->target)))
			ev->target[0] = '\0';
	}
#define U32_ATTR(attr, has, field) \
	if (tb.a[attr] && attr_len_ok(tb.a[attr], 4)) { \
		ev->has = true; \
		ev->field = ntohl(mnl_attr_get_u32(tb.a[attr])); \
	}
	U32_ATTR(NFTA_TRACE_IIF, has_iif, iif)
	U32_ATTR(NFTA_TRACE_OIF, has_oif, oif)
	U32_ATTR(NFTA_TRACE_MARK, has_mark, mark)
	U32_ATTR(NFTA_TRACE_NFPROTO, has_nfproto, nfproto)
	U32_ATTR(NFTA_TRACE_POLICY, has_policy, policy)
#undef U32_ATTR
	if (tb.a[NFTA_TRACE_NETWORK_HEADER]) {
		ev->nh = mnl_attr_get_payload(tb.a[NFTA_TRACE_NETWORK_HEADER]);
		ev->nhlen = mnl_attr_get_payload_len(tb.a[NFTA_TRACE_NETWORK_HEADER]);
	}
	if (tb.a[NFTA_TRACE_TRANSPORT_HEADER]) {
		ev->th = mnl_attr_get_payload(tb.a[NFTA_TRACE_TRANSPORT_HEADER]);
		ev->thlen = mnl_attr_get_payload_len(tb.a[NFTA_TRACE_TRANSPORT_HEADER]);
	}
	/* Conntrack (6.16+): state comes alone for untracked packets. */
	if (tb.a[TRACE_ATTR_CT_STATE] && attr_len_ok(tb.a[TRACE_ATTR_CT_STATE], 4)) {
		ev->ct.valid = true;
		ev->ct.state = ntohl(mnl_attr_get_u32(tb.a[TRACE_ATTR_CT_STATE]));
	}
	if (tb.a[TRACE_ATTR_CT_ID] && attr_len_ok(tb.a[TRACE_ATTR_CT_ID], 4)) {
		ev->ct.valid = true;
		ev->ct.has_id = true;
		ev->ct.id = ntohl(mnl_attr_get_u32(tb.a[TRACE_ATTR_CT_ID]));
	}
	if (tb.a[TRACE_ATTR_CT_DIRECTION] && attr_len_ok(tb.a[TRACE_ATTR_CT_DIRECTION], 1))
		ev->ct.dir = mnl_attr_get_u8(tb.a[TRACE_ATTR_CT_DIRECTION]);
	if (tb.a[TRACE_ATTR_CT_STATUS] && attr_len_ok(tb.a[TRACE_ATTR_CT_STATUS], 4))
		ev->ct.status = ntohl(mnl_attr_get_u32(tb.a[TRACE_ATTR_CT_STATUS]));
	return 0;
}

/* Decode the network and transport headers the kernel copied (at most 40
 * and 20 bytes). */
void trace_event_hdr(const struct trace_event *ev, struct trace_hdr *h)
{
	const uint8_t *nh = ev->nh, *th = ev->th;
	int version;

	memset(h, 0, sizeof(*h));
	if (!nh || ev->nhlen < 1)
		return;
	version = nh[0] >> 4;
	if (version == 4 && ev->nhlen >= 20) {
		h->nfproto = NFPROTO_IPV4;
		h->len = (uint16_t)(nh[2] << 8 | nh[3]);
		h->ttl = nh[8];
		h->proto = nh[9];
		inet_ntop(AF_INET, nh + 12, h->src, sizeof(h->src));
		inet_ntop(AF_INET, nh + 16, h->dst, sizeof(h->dst));
	} else if (version == 6 && ev->nhlen >= 40) {
		h->nfproto = NFPROTO_IPV6;
		h->len = (uint16_t)((nh[4] << 8 | nh[5]) + 40);
		h->proto = nh[6];
		h->ttl = nh[7];
		inet_ntop(AF_INET6, nh + 8, h->src, sizeof(h->src));
		inet_ntop(AF_INET6, nh + 24, h->dst, sizeof(h->dst));
	} else {
		return;
	}
	h->valid = true;
	if (!th)
		return;
	switch (h->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
	case IPPROTO_UDPLITE:
		if (ev->thlen >= 4) {
			h->has_ports = true;
			h->sport = (uint16_t)(th[0] << 8 | th[1]);
			h->dport = (uint16_t)(th[2] << 8 | th[3]);
		}
		if (h->proto == IPPROTO_TCP && ev->thlen >= 14)
			h->tcp_flags = th[13];
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (ev->thlen >= 2) {
			h->has_icmp = true;
			h->icmp_type = th[0];
			h->icmp_code = th[1];
		}
		if (ev->thlen >= 6 && (h->proto == IPPROTO_ICMP ? (th[0] == 0 || th[0] == 8)
								: (th[0] == 128 || th[0] == 129))) {
			h->has_icmp_id = true;
			h->icmp_id = (uint16_t)(th[4] << 8 | th[5]);
		}
		break;
	}
}
