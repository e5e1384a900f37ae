/*
 * trace-event.c - one nf_tables trace message (NFT_MSG_TRACE) parsed into
 * a struct trace_event, and the packet headers it carries decoded (IPv4,
 * IPv6, ports, ICMP; the same decoder serves nfnetlink_log payloads for
 * trace-nflog.c). Pure; the correlation into packet paths is in
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

#include "nlattr.h"
#include "trace.h"
#include "trace-int.h"

struct attr_tb {
	const struct nlattr *a[TRACE_ATTR_MAX + 1];
};

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
	if (mnl_attr_parse(nlh, sizeof(*nfg), nlattr_tb_cb, &(struct nlattr_tb){ tb.a, TRACE_ATTR_MAX }) < 0)
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
		    mnl_attr_parse_nested(tb.a[NFTA_TRACE_VERDICT], nlattr_tb_cb,
					  &(struct nlattr_tb){ vt, NFTA_VERDICT_MAX }) < 0)
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

/* Decode a network header and, when th is set, the transport header. */
static void decode_hdr(const uint8_t *nh, size_t nhlen, const uint8_t *th, size_t thlen, struct trace_hdr *h)
{
	int version;

	memset(h, 0, sizeof(*h));
	if (!nh || nhlen < 1)
		return;
	version = nh[0] >> 4;
	if (version == 4 && nhlen >= 20) {
		h->nfproto = NFPROTO_IPV4;
		h->len = (uint16_t)(nh[2] << 8 | nh[3]);
		h->has_ipid = true;
		h->ipid = (uint16_t)(nh[4] << 8 | nh[5]);
		h->ttl = nh[8];
		h->proto = nh[9];
		inet_ntop(AF_INET, nh + 12, h->src, sizeof(h->src));
		inet_ntop(AF_INET, nh + 16, h->dst, sizeof(h->dst));
	} else if (version == 6 && nhlen >= 40) {
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
		if (thlen >= 4) {
			h->has_ports = true;
			h->sport = (uint16_t)(th[0] << 8 | th[1]);
			h->dport = (uint16_t)(th[2] << 8 | th[3]);
		}
		if (h->proto == IPPROTO_TCP && thlen >= 12) {
			h->has_seq = true;
			h->seq = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 | (uint32_t)th[6] << 8 | th[7];
			h->ack = (uint32_t)th[8] << 24 | (uint32_t)th[9] << 16 | (uint32_t)th[10] << 8 | th[11];
		}
		if (h->proto == IPPROTO_TCP && thlen >= 14)
			h->tcp_flags = th[13];
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (thlen >= 2) {
			h->has_icmp = true;
			h->icmp_type = th[0];
			h->icmp_code = th[1];
		}
		if (thlen >= 8 && (h->proto == IPPROTO_ICMP ? (th[0] == 0 || th[0] == 8)
							 : (th[0] == 128 || th[0] == 129))) {
			h->has_icmp_id = true;
			h->icmp_id = (uint16_t)(th[4] << 8 | th[5]);
			h->has_seq = true;
			h->seq = (uint32_t)(th[6] << 8 | th[7]);
		} else if (thlen >= 6 && (h->proto == IPPROTO_ICMP ? (th[0] == 0 || th[0] == 8)
								  : (th[0] == 128 || th[0] == 129))) {
			h->has_icmp_id = true;
			h->icmp_id = (uint16_t)(th[4] << 8 | th[5]);
		}
		break;
	}
}

/* Decode the network and transport headers the kernel copied (at most 40
 * and 20 bytes). */
void trace_event_hdr(const struct trace_event *ev, struct trace_hdr *h)
{
	decode_hdr(ev->nh, ev->nhlen, ev->th, ev->thlen, h);
}

/* The transport header follows the IPv4 options, or the IPv6 extension
 * headers (walked like ipv6_skip_exthdr; a non-first fragment has none).
 * The IPv6 protocol stays the first next header, as in trace events. */
void trace_event_hdr_from_packet(const uint8_t *nh, size_t len, struct trace_hdr *h)
{
	size_t off = 0;

	decode_hdr(nh, len, NULL, 0, h);
	if (!h->valid)
		return;
	if (h->nfproto == NFPROTO_IPV4) {
		off = (size_t)(nh[0] & 0x0f) * 4;
		if (off < 20 || (((nh[6] & 0x1f) << 8) | nh[7]) != 0)
			return;
	} else {
		uint8_t next = nh[6];

		off = 40;
		for (;;) {
			if (next == 0 || next == 43 || next == 60) {       /* hop-by-hop, routing, dest */
				if (off + 2 > len)
					return;
				next = nh[off];
				off += ((size_t)nh[off + 1] + 1) * 8;
			} else if (next == 44) {                           /* fragment */
				if (off + 8 > len || ((nh[off + 2] << 8 | nh[off + 3]) & 0xfff8))
					return;
				next = nh[off];
				off += 8;
			} else if (next == 51) {                           /* AH */
				if (off + 2 > len)
					return;
				next = nh[off];
				off += ((size_t)nh[off + 1] + 2) * 4;
			} else {
				break;
			}
		}
	}
	if (off >= len)
		return;
	decode_hdr(nh, len, nh + off, len - off, h);
}
