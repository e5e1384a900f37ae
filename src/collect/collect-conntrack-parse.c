/*
 * collect-conntrack-parse.c - one ctnetlink message (dump reply or event,
 * live or recorded) into a struct ct_flow: validated first against the
 * rules libnetfilter_conntrack's parser applies, then read straight from
 * the attributes; the NAT kind derived from the tuples. Pure: no socket,
 * no table.
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "conntrack.h"
#include "nlattr.h"

/* ---- validation ------------------------------------------------------------
 * The readers below take every attribute at its size (a u32 is 4 bytes, a
 * string NUL-terminated), so a recording or a fuzzer's message is checked
 * here first, with libnetfilter_conntrack's own rules (its parser calls
 * __abi_breakage() -> exit() on a wrong size, so a message it would refuse
 * is refused here too) plus NUL termination (nlattr.c, the tables below).
 * Unknown (newer) attribute types are skipped, as the library does. */

/* Every table: entering it from a nest is a level, at most 4 deep. */
#define CT_SPEC(name, maxtype, strict) \
	static const struct nlattr_spec name = { (maxtype), (strict), 1, 4, name##_r }

static const struct nlattr_rule v_ip_r[CTA_IP_MAX + 1] = {
	[CTA_IP_V4_SRC] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_IP_V4_DST] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_IP_V6_SRC] = { NLATTR_LEN, 16, NULL, NULL },
	[CTA_IP_V6_DST] = { NLATTR_LEN, 16, NULL, NULL },
};
CT_SPEC(v_ip, CTA_IP_MAX, false);

static const struct nlattr_rule v_proto_r[CTA_PROTO_MAX + 1] = {
	[CTA_PROTO_NUM] = { NLATTR_U8, 0, NULL, NULL },
	[CTA_PROTO_SRC_PORT] = { NLATTR_U16, 0, NULL, NULL },
	[CTA_PROTO_DST_PORT] = { NLATTR_U16, 0, NULL, NULL },
	[CTA_PROTO_ICMP_ID] = { NLATTR_U16, 0, NULL, NULL },
	[CTA_PROTO_ICMP_TYPE] = { NLATTR_U8, 0, NULL, NULL },
	[CTA_PROTO_ICMP_CODE] = { NLATTR_U8, 0, NULL, NULL },
	[CTA_PROTO_ICMPV6_ID] = { NLATTR_U16, 0, NULL, NULL },
	[CTA_PROTO_ICMPV6_TYPE] = { NLATTR_U8, 0, NULL, NULL },
	[CTA_PROTO_ICMPV6_CODE] = { NLATTR_U8, 0, NULL, NULL },
};
CT_SPEC(v_proto, CTA_PROTO_MAX, false);

static const struct nlattr_rule v_tuple_r[CTA_TUPLE_MAX + 1] = {
	[CTA_TUPLE_IP] = { NLATTR_NEST, 0, &v_ip, NULL },
	[CTA_TUPLE_PROTO] = { NLATTR_NEST, 0, &v_proto, NULL },
	[CTA_TUPLE_ZONE] = { NLATTR_U16, 0, NULL, NULL },
};
CT_SPEC(v_tuple, CTA_TUPLE_MAX, false);

static const struct nlattr_rule v_tcp_r[CTA_PROTOINFO_TCP_MAX + 1] = {
	[CTA_PROTOINFO_TCP_STATE] = { NLATTR_U8, 0, NULL, NULL },
	[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] = { NLATTR_U8, 0, NULL, NULL },
	[CTA_PROTOINFO_TCP_WSCALE_REPLY] = { NLATTR_U8, 0, NULL, NULL },
	[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] = { NLATTR_LEN, 2, NULL, NULL },
	[CTA_PROTOINFO_TCP_FLAGS_REPLY] = { NLATTR_LEN, 2, NULL, NULL },
};
CT_SPEC(v_tcp, CTA_PROTOINFO_TCP_MAX, false);

static const struct nlattr_rule v_sctp_r[CTA_PROTOINFO_SCTP_MAX + 1] = {
	[CTA_PROTOINFO_SCTP_STATE] = { NLATTR_U8, 0, NULL, NULL },
	[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_PROTOINFO_SCTP_VTAG_REPLY] = { NLATTR_U32, 0, NULL, NULL },
};
CT_SPEC(v_sctp, CTA_PROTOINFO_SCTP_MAX, false);

static const struct nlattr_rule v_dccp_r[CTA_PROTOINFO_DCCP_MAX + 1] = {
	[CTA_PROTOINFO_DCCP_STATE] = { NLATTR_U8, 0, NULL, NULL },
	[CTA_PROTOINFO_DCCP_ROLE] = { NLATTR_U8, 0, NULL, NULL },
	[CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ] = { NLATTR_U64, 0, NULL, NULL },
};
CT_SPEC(v_dccp, CTA_PROTOINFO_DCCP_MAX, false);

static const struct nlattr_rule v_pinfo_r[CTA_PROTOINFO_MAX + 1] = {
	[CTA_PROTOINFO_TCP] = { NLATTR_NEST, 0, &v_tcp, NULL },
	[CTA_PROTOINFO_SCTP] = { NLATTR_NEST, 0, &v_sctp, NULL },
	[CTA_PROTOINFO_DCCP] = { NLATTR_NEST, 0, &v_dccp, NULL },
};
CT_SPEC(v_pinfo, CTA_PROTOINFO_MAX, true);

static const struct nlattr_rule v_counters_r[CTA_COUNTERS_MAX + 1] = {
	[CTA_COUNTERS_PACKETS] = { NLATTR_U64, 0, NULL, NULL },
	[CTA_COUNTERS_BYTES] = { NLATTR_U64, 0, NULL, NULL },
	[CTA_COUNTERS32_PACKETS] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_COUNTERS32_BYTES] = { NLATTR_U32, 0, NULL, NULL },
};
CT_SPEC(v_counters, CTA_COUNTERS_MAX, false);

static const struct nlattr_rule v_natseq_r[CTA_NAT_SEQ_MAX + 1] = {
	[CTA_NAT_SEQ_CORRECTION_POS] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_NAT_SEQ_OFFSET_BEFORE] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_NAT_SEQ_OFFSET_AFTER] = { NLATTR_U32, 0, NULL, NULL },
};
CT_SPEC(v_natseq, CTA_NAT_SEQ_MAX, false);

static const struct nlattr_rule v_help_r[CTA_HELP_MAX + 1] = {
	[CTA_HELP_NAME] = { NLATTR_STR, 0, NULL, NULL },
};
CT_SPEC(v_help, CTA_HELP_MAX, false);

static const struct nlattr_rule v_secctx_r[CTA_SECCTX_MAX + 1] = {
	[CTA_SECCTX_NAME] = { NLATTR_STR, 0, NULL, NULL },
};
CT_SPEC(v_secctx, CTA_SECCTX_MAX, false);

static const struct nlattr_rule v_tstamp_r[CTA_TIMESTAMP_MAX + 1] = {
	[CTA_TIMESTAMP_START] = { NLATTR_U64, 0, NULL, NULL },
	[CTA_TIMESTAMP_STOP] = { NLATTR_U64, 0, NULL, NULL },
};
CT_SPEC(v_tstamp, CTA_TIMESTAMP_MAX, false);

static const struct nlattr_rule v_synproxy_r[CTA_SYNPROXY_MAX + 1] = {
	[CTA_SYNPROXY_ISN] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_SYNPROXY_ITS] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_SYNPROXY_TSOFF] = { NLATTR_U32, 0, NULL, NULL },
};
CT_SPEC(v_synproxy, CTA_SYNPROXY_MAX, false);

static const struct nlattr_rule v_ct_r[CTA_MAX + 1] = {
	[CTA_TUPLE_ORIG] = { NLATTR_NEST, 0, &v_tuple, NULL },
	[CTA_TUPLE_REPLY] = { NLATTR_NEST, 0, &v_tuple, NULL },
	[CTA_TUPLE_MASTER] = { NLATTR_NEST, 0, &v_tuple, NULL },
	[CTA_NAT_SEQ_ADJ_ORIG] = { NLATTR_NEST, 0, &v_natseq, NULL },
	[CTA_NAT_SEQ_ADJ_REPLY] = { NLATTR_NEST, 0, &v_natseq, NULL },
	[CTA_PROTOINFO] = { NLATTR_NEST, 0, &v_pinfo, NULL },
	[CTA_COUNTERS_ORIG] = { NLATTR_NEST, 0, &v_counters, NULL },
	[CTA_COUNTERS_REPLY] = { NLATTR_NEST, 0, &v_counters, NULL },
	[CTA_HELP] = { NLATTR_NEST, 0, &v_help, NULL },
	[CTA_SECCTX] = { NLATTR_NEST, 0, &v_secctx, NULL },
	[CTA_TIMESTAMP] = { NLATTR_NEST, 0, &v_tstamp, NULL },
	[CTA_STATUS] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_TIMEOUT] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_MARK] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_SECMARK] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_USE] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_ID] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_ZONE] = { NLATTR_U16, 0, NULL, NULL },
	/* a bitmap: the library copies any length (rounded up to words) */
	[CTA_LABELS] = { NLATTR_ANY, 0, NULL, NULL },
	/* not type-checked by the library, but its members are */
	[CTA_SYNPROXY] = { NLATTR_ANY, 0, &v_synproxy, NULL },
#ifdef CTA_TIMESTAMP_EVENT
	[CTA_TIMESTAMP_EVENT] = { NLATTR_U64, 0, NULL, NULL },
#endif
};
CT_SPEC(v_ct, CTA_MAX, false);

static const struct nlattr_rule v_exp_r[CTA_EXPECT_MAX + 1] = {
	[CTA_EXPECT_MASTER] = { NLATTR_NEST, 0, &v_tuple, NULL },
	[CTA_EXPECT_TUPLE] = { NLATTR_NEST, 0, &v_tuple, NULL },
	[CTA_EXPECT_MASK] = { NLATTR_NEST, 0, &v_tuple, NULL },
	[CTA_EXPECT_TIMEOUT] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_EXPECT_ID] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_EXPECT_HELP_NAME] = { NLATTR_STR, 0, NULL, NULL },
	[CTA_EXPECT_ZONE] = { NLATTR_U16, 0, NULL, NULL },
	[CTA_EXPECT_FLAGS] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_EXPECT_CLASS] = { NLATTR_U32, 0, NULL, NULL },
	[CTA_EXPECT_NAT] = { NLATTR_NEST, 0, NULL, NULL },
	[CTA_EXPECT_FN] = { NLATTR_STR, 0, NULL, NULL },
};
CT_SPEC(v_exp, CTA_EXPECT_MAX, false);

/* First attribute of type in a nest (or payload), or NULL. */
static const struct nlattr *attr_find(const void *p, size_t len, uint16_t type)
{
	const struct nlattr *a;

	for (a = p; mnl_attr_ok(a, (int)((const char *)p + len - (const char *)a));
	     a = mnl_attr_next(a)) {
		if (mnl_attr_get_type(a) == type)
			return a;
	}
	return NULL;
}

/* The attributes after the nfgenmsg of an IPv4/IPv6 message, validated
 * against spec: 0, or -1 with errno EINVAL (malformed) or ENOMSG (another
 * family). */
static int checked_payload(const struct nlmsghdr *nlh, const struct nlattr_spec *spec,
			   const struct nfgenmsg **nfg, const void **p, size_t *len)
{
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct nfgenmsg)) {
		errno = EINVAL;
		return -1;
	}
	*nfg = mnl_nlmsg_get_payload(nlh);
	*p = (const char *)*nfg + sizeof(**nfg);
	*len = nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(**nfg);
	if ((*nfg)->nfgen_family != AF_INET && (*nfg)->nfgen_family != AF_INET6) {
		errno = ENOMSG;
		return -1;
	}
	if (!nlattr_check_payload(*p, *len, spec, 0)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* ---- parsing ----------------------------------------------------------------- */

static enum ct_msg msg_kind(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type >> 8 != NFNL_SUBSYS_CTNETLINK)
		return CT_MSG_OTHER;
	switch (nlh->nlmsg_type & 0xff) {
	case IPCTNL_MSG_CT_NEW:
		if (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL))
			return CT_MSG_NEW;
		return CT_MSG_UPDATE;
	case IPCTNL_MSG_CT_DELETE:
		return CT_MSG_DESTROY;
	default:
		return CT_MSG_OTHER;
	}
}

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/* ---- reading ------------------------------------------------------------------
 * Straight from the attributes checked above, one walk per nest, the last
 * of a repeated type winning as in the library's tables: no per-flow object
 * (libnetfilter_conntrack's nfct_new()/nfct_nlmsg_parse() cost half of a
 * dump's userspace time at 100k flows). Values are read as the library's
 * getters return them: addresses in network order, the rest in host order,
 * 0 when absent. */

/* The nests are walked with nlattr.h's inline nlattr_each_nested(): no
 * call into libmnl per attribute of a 100k-flow dump. */

static void read_addrs(const struct nlattr *ip, uint8_t family, struct ct_tuple *t)
{
	const struct nlattr *a;
	const void *end;
	size_t n = family == AF_INET6 ? 16 : 4;

	nlattr_each_nested(a, ip, end) {
		switch (nlattr_type(a)) {
		case CTA_IP_V4_SRC:
		case CTA_IP_V6_SRC:
			if (nlattr_len(a) == n)
				memcpy(t->src.b, nlattr_data(a), n);
			break;
		case CTA_IP_V4_DST:
		case CTA_IP_V6_DST:
			if (nlattr_len(a) == n)
				memcpy(t->dst.b, nlattr_data(a), n);
			break;
		}
	}
}

static void read_ports(const struct nlattr *pr, struct ct_tuple *t, uint8_t *proto, bool *has_proto)
{
	const struct nlattr *a;
	const void *end;

	nlattr_each_nested(a, pr, end) {
		switch (nlattr_type(a)) {
		case CTA_PROTO_NUM:
			*proto = nlattr_u8(a);
			*has_proto = true;
			break;
		case CTA_PROTO_SRC_PORT:
			t->sport = ntohs(nlattr_u16(a));
			break;
		case CTA_PROTO_DST_PORT:
			t->dport = ntohs(nlattr_u16(a));
			break;
		case CTA_PROTO_ICMP_ID:
		case CTA_PROTO_ICMPV6_ID:
			t->icmp_id = ntohs(nlattr_u16(a));
			break;
		case CTA_PROTO_ICMP_TYPE:
		case CTA_PROTO_ICMPV6_TYPE:
			t->icmp_type = nlattr_u8(a);
			break;
		case CTA_PROTO_ICMP_CODE:
		case CTA_PROTO_ICMPV6_CODE:
			t->icmp_code = nlattr_u8(a);
			break;
		}
	}
}

/* A CTA_TUPLE_* nest: addresses of family, ports or ICMP fields, the
 * protocol number (*has_proto when present) and the tuple's zone. */
static void read_tuple(const struct nlattr *tup, uint8_t family, struct ct_tuple *t,
		       uint8_t *proto, bool *has_proto, uint16_t *zone, bool *has_zone)
{
	const struct nlattr *a;
	const void *end;

	if (!tup)
		return;
	nlattr_each_nested(a, tup, end) {
		switch (nlattr_type(a)) {
		case CTA_TUPLE_IP:
			read_addrs(a, family, t);
			break;
		case CTA_TUPLE_PROTO:
			read_ports(a, t, proto, has_proto);
			break;
		case CTA_TUPLE_ZONE:
			*zone = ntohs(nlattr_u16(a));
			*has_zone = true;
			break;
		}
	}
}

/* A flow's tuple keeps ports or ICMP fields, never both. */
static void tuple_for(uint8_t proto, struct ct_tuple *t)
{
	if (is_icmp(proto)) {
		t->sport = t->dport = 0;
	} else {
		t->icmp_type = t->icmp_code = 0;
		t->icmp_id = 0;
	}
}

/* CTA_PROTOINFO: the TCP, SCTP or DCCP state, in that order of preference. */
static void read_state(const struct nlattr *pinfo, struct ct_flow *f)
{
	static const uint16_t state_of[] = {
		[CTA_PROTOINFO_TCP] = CTA_PROTOINFO_TCP_STATE,
		[CTA_PROTOINFO_DCCP] = CTA_PROTOINFO_DCCP_STATE,
		[CTA_PROTOINFO_SCTP] = CTA_PROTOINFO_SCTP_STATE,
	};
	const struct nlattr *p, *a;
	const void *pend, *aend;
	int best = 0, rank;

	nlattr_each_nested(p, pinfo, pend) {
		switch (nlattr_type(p)) {
		case CTA_PROTOINFO_TCP: rank = 3; break;
		case CTA_PROTOINFO_SCTP: rank = 2; break;
		case CTA_PROTOINFO_DCCP: rank = 1; break;
		default: continue;
		}
		nlattr_each_nested(a, p, aend) {
			if (nlattr_type(a) == state_of[nlattr_type(p)] && rank >= best) {
				best = rank;
				f->has_state = true;
				f->state = nlattr_u8(a);
			}
		}
	}
}

/* CTA_COUNTERS_*: 64-bit counters over 32-bit ones; false without packets. */
static bool read_counters(const struct nlattr *nest, uint64_t *packets, uint64_t *bytes)
{
	const struct nlattr *a;
	const void *end;
	bool p32 = false, p64 = false, b64 = false;

	nlattr_each_nested(a, nest, end) {
		switch (nlattr_type(a)) {
		case CTA_COUNTERS_PACKETS:
			*packets = be64toh(nlattr_u64(a));
			p64 = true;
			break;
		case CTA_COUNTERS_BYTES:
			*bytes = be64toh(nlattr_u64(a));
			b64 = true;
			break;
		case CTA_COUNTERS32_PACKETS:
			if (!p64)
				*packets = ntohl(nlattr_u32(a));
			p32 = true;
			break;
		case CTA_COUNTERS32_BYTES:
			if (!b64)
				*bytes = ntohl(nlattr_u32(a));
			break;
		}
	}
	return p32 || p64;
}

/* CTA_HELP: the helper's name, cut to 15 bytes as the library does. */
static void read_helper(const struct nlattr *nest, char *out, size_t size)
{
	const struct nlattr *a;
	const void *end;

	nlattr_each_nested(a, nest, end) {
		if (nlattr_type(a) == CTA_HELP_NAME)
			snprintf(out, size, "%s", (const char *)nlattr_data(a));
	}
}

/* CTA_LABELS is the kernel's unsigned long bitmap (bit n = label n), sent
 * only when a bit is set; up to 128 bits. */
static void read_labels(const struct nlattr *a, uint64_t labels[2])
{
	size_t n = nlattr_len(a);

	memset(labels, 0, 2 * sizeof(*labels));
	memcpy(labels, nlattr_data(a), n < 16 ? n : 16);
}

int ct_parse_msg(const struct nlmsghdr *nlh, struct ct_flow *f, enum ct_msg *kindp)
{
	enum ct_msg kind;
	const struct nfgenmsg *nfg;
	const void *payload;
	size_t plen;
	const struct nlattr *a;
	bool has_id = false, has_proto = false, has_reply_proto = false, pk[2] = { false, false };
	uint8_t reply_proto = 0;
	uint16_t master_zone = 0;
	bool master_has_zone = false;

	memset(f, 0, sizeof(*f));
	kind = msg_kind(nlh);
	if (kindp)
		*kindp = kind;
	if (kind == CT_MSG_OTHER) {
		errno = ENOMSG;
		return -1;
	}
	if (checked_payload(nlh, &v_ct, &nfg, &payload, &plen) < 0)
		return -1;
	f->family = nfg->nfgen_family;

	for (a = payload; nlattr_ok(a, (const char *)payload + plen); a = nlattr_next(a)) {
		switch (nlattr_type(a)) {
		case CTA_TUPLE_ORIG:
			read_tuple(a, f->family, &f->orig, &f->proto, &has_proto,
				   &f->zone_orig, &f->has_zone_orig);
			break;
		case CTA_TUPLE_REPLY:
			read_tuple(a, f->family, &f->reply, &reply_proto, &has_reply_proto,
				   &f->zone_reply, &f->has_zone_reply);
			break;
		case CTA_TUPLE_MASTER:
			read_tuple(a, f->family, &f->master, &f->master_proto, &f->has_master,
				   &master_zone, &master_has_zone);
			break;
		case CTA_PROTOINFO:
			read_state(a, f);
			break;
		case CTA_STATUS:
			f->status = ntohl(nlattr_u32(a));
			break;
		case CTA_TIMEOUT:
			f->timeout = ntohl(nlattr_u32(a));
			f->has_timeout = true;
			break;
		case CTA_MARK:
			f->mark = ntohl(nlattr_u32(a));
			break;
		case CTA_ID:
			f->id = ntohl(nlattr_u32(a));
			has_id = true;
			break;
		case CTA_ZONE:
			f->zone = ntohs(nlattr_u16(a));
			break;
		case CTA_COUNTERS_ORIG:
			pk[CT_DIR_ORIG] = read_counters(a, &f->packets[CT_DIR_ORIG], &f->bytes[CT_DIR_ORIG]);
			break;
		case CTA_COUNTERS_REPLY:
			pk[CT_DIR_REPLY] = read_counters(a, &f->packets[CT_DIR_REPLY], &f->bytes[CT_DIR_REPLY]);
			break;
		case CTA_HELP:
			read_helper(a, f->helper, sizeof(f->helper));
			break;
		case CTA_LABELS:
			read_labels(a, f->labels);
			break;
		}
	}
	if (!has_id || !has_proto) {
		errno = EINVAL;
		return -1;
	}
	tuple_for(f->proto, &f->orig);
	tuple_for(f->proto, &f->reply);
	if (f->has_master) {
		f->master.icmp_type = f->master.icmp_code = 0;
		f->master.icmp_id = 0;
	} else {
		memset(&f->master, 0, sizeof(f->master));
	}
	/* Counters exist only when nf_conntrack_acct was 1 as the flow was
	 * created, and never in NEW/UPDATE events. */
	f->has_acct = pk[CT_DIR_ORIG] && pk[CT_DIR_REPLY];
	if (!f->has_acct) {
		memset(f->packets, 0, sizeof(f->packets));
		memset(f->bytes, 0, sizeof(f->bytes));
	}
	f->nat = ct_nat_kind(f);
	return 0;
}

static bool addr_eq(uint8_t family, const union ct_addr *a, const union ct_addr *b)
{
	if (family == AF_INET)
		return a->v4 == b->v4;
	return memcmp(a->b, b->b, 16) == 0;
}

/* ---- expectations ------------------------------------------------------------
 * Read straight from the validated attributes: the library's expectation
 * parser takes the same exit()ing paths, and a tuple is four nests. */

static uint32_t be32_attr(const void *p, size_t len, uint16_t type, bool *has)
{
	const struct nlattr *a = attr_find(p, len, type);

	if (has)
		*has = a != NULL;
	return a ? ntohl(mnl_attr_get_u32(a)) : 0;
}

int ct_parse_expect(const struct nlmsghdr *nlh, struct ct_expect *e)
{
	const struct nfgenmsg *nfg;
	const void *p;
	size_t len;
	const struct nlattr *a;
	uint8_t mask_proto = 0;
	uint16_t zone = 0;
	bool has = false;

	memset(e, 0, sizeof(*e));
	if (nlh->nlmsg_type != ((NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_EXP_NEW)) {
		errno = ENOMSG;
		return -1;
	}
	if (checked_payload(nlh, &v_exp, &nfg, &p, &len) < 0)
		return -1;
	if (!attr_find(p, len, CTA_EXPECT_TUPLE) || !attr_find(p, len, CTA_EXPECT_MASTER)) {
		errno = EINVAL;
		return -1;
	}
	e->family = nfg->nfgen_family;
	read_tuple(attr_find(p, len, CTA_EXPECT_TUPLE), e->family, &e->tuple, &e->proto, &has,
		   &zone, &has);
	read_tuple(attr_find(p, len, CTA_EXPECT_MASK), e->family, &e->mask, &mask_proto, &has,
		   &zone, &has);
	read_tuple(attr_find(p, len, CTA_EXPECT_MASTER), e->family, &e->master, &e->master_proto,
		   &has, &zone, &has);
	e->id = be32_attr(p, len, CTA_EXPECT_ID, NULL);
	e->timeout = be32_attr(p, len, CTA_EXPECT_TIMEOUT, &e->has_timeout);
	e->flags = be32_attr(p, len, CTA_EXPECT_FLAGS, NULL);
	e->class = be32_attr(p, len, CTA_EXPECT_CLASS, &e->has_class);
	if ((a = attr_find(p, len, CTA_EXPECT_ZONE)))
		e->zone = ntohs(mnl_attr_get_u16(a));
	if ((a = attr_find(p, len, CTA_EXPECT_HELP_NAME)))
		snprintf(e->helper, sizeof(e->helper), "%s", mnl_attr_get_str(a));
	return 0;
}

/* NAT = the reply tuple is not the inverted original (reply src != orig
 * dst: DNAT; reply dst != orig src: SNAT), or the kernel's IPS_*_NAT bits.
 * Not libnetfilter_conntrack's NFCT_GOPT_IS_SPAT/DPAT: those compare the
 * port slots, which hold ICMP type/id, and flag a plain ping as NAT. The
 * ICMP id is the source "port" (SNAT may rewrite it); type and code always
 * differ between request and reply. */
enum ct_nat ct_nat_kind(const struct ct_flow *f)
{
	bool snat = f->status & IPS_SRC_NAT;
	bool dnat = f->status & IPS_DST_NAT;

	if (!addr_eq(f->family, &f->reply.dst, &f->orig.src))
		snat = true;
	if (!addr_eq(f->family, &f->reply.src, &f->orig.dst))
		dnat = true;
	if (is_icmp(f->proto)) {
		if (f->reply.icmp_id != f->orig.icmp_id)
			snat = true;
	} else {
		if (f->reply.dport != f->orig.sport)
			snat = true;
		if (f->reply.sport != f->orig.dport)
			dnat = true;
	}
	if (snat && dnat)
		return CT_NAT_BOTH;
	return snat ? CT_NAT_SNAT : dnat ? CT_NAT_DNAT : CT_NAT_NONE;
}
