/*
 * collect-conntrack-parse.c - one ctnetlink message (dump reply or event,
 * live or recorded) into a struct ct_flow: validated first, then parsed by
 * libnetfilter_conntrack's nfct_nlmsg_parse() and read with its getters;
 * the NAT kind derived from the tuples. Pure: no socket, no table.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "conntrack.h"
#include "nlattr.h"

/* ---- validation ------------------------------------------------------------
 * libnetfilter_conntrack's parser calls __abi_breakage() -> exit() when an
 * attribute has the wrong size, and its protoinfo callback accepts types up
 * to CTA_PROTOINFO_TCP_MAX into a table sized CTA_PROTOINFO_MAX + 1 (a stack
 * overrun on hostile input). A recording or a fuzzer must not kill iptop,
 * so every message is checked here first with the same rules, plus NUL
 * termination for the strings it strdup()s (nlattr.c, the tables below).
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

static const struct nlattr *nest_find(const struct nlattr *nest, uint16_t type)
{
	if (!nest)
		return NULL;
	return attr_find(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), type);
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

static void get_addr(const struct nf_conntrack *ct, uint8_t family, int a4, int a6,
		     union ct_addr *out)
{
	const void *p;

	if (family == AF_INET) {
		out->v4 = nfct_get_attr_u32(ct, a4);
	} else if (family == AF_INET6) {
		p = nfct_get_attr(ct, a6);
		if (p)
			memcpy(out->b, p, 16);
	}
}

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/* libnetfilter_conntrack keeps the reply tuple's ICMP type/code/id but has
 * no getter for them (ATTR_ICMP_* are the original's), so read them here. */
static void reply_icmp(const void *payload, size_t len, struct ct_tuple *t)
{
	const struct nlattr *tup = attr_find(payload, len, CTA_TUPLE_REPLY);
	const struct nlattr *proto = nest_find(tup, CTA_TUPLE_PROTO);
	const struct nlattr *a;

	if ((a = nest_find(proto, CTA_PROTO_ICMP_TYPE)) ||
	    (a = nest_find(proto, CTA_PROTO_ICMPV6_TYPE)))
		t->icmp_type = mnl_attr_get_u8(a);
	if ((a = nest_find(proto, CTA_PROTO_ICMP_CODE)) ||
	    (a = nest_find(proto, CTA_PROTO_ICMPV6_CODE)))
		t->icmp_code = mnl_attr_get_u8(a);
	if ((a = nest_find(proto, CTA_PROTO_ICMP_ID)) ||
	    (a = nest_find(proto, CTA_PROTO_ICMPV6_ID)))
		t->icmp_id = ntohs(mnl_attr_get_u16(a));
}

static bool has(const struct nf_conntrack *ct, int attr)
{
	return nfct_attr_is_set(ct, attr) > 0;
}

/* CTA_LABELS is the kernel's unsigned long bitmap (bit n = label n), sent
 * only when a bit is set; read straight from the message, up to 128 bits. */
static void read_labels(const void *payload, size_t len, uint64_t labels[2])
{
	const struct nlattr *a = attr_find(payload, len, CTA_LABELS);
	size_t n;

	if (!a)
		return;
	n = mnl_attr_get_payload_len(a);
	memcpy(labels, mnl_attr_get_payload(a), n < 16 ? n : 16);
}

/* The master of a RELATED flow (FTP data, ...): its original tuple. */
static void read_master(const struct nf_conntrack *ct, struct ct_flow *f)
{
	if (!has(ct, ATTR_MASTER_L4PROTO))
		return;
	f->has_master = true;
	f->master_proto = nfct_get_attr_u8(ct, ATTR_MASTER_L4PROTO);
	get_addr(ct, f->family, ATTR_MASTER_IPV4_SRC, ATTR_MASTER_IPV6_SRC, &f->master.src);
	get_addr(ct, f->family, ATTR_MASTER_IPV4_DST, ATTR_MASTER_IPV6_DST, &f->master.dst);
	f->master.sport = ntohs(nfct_get_attr_u16(ct, ATTR_MASTER_PORT_SRC));
	f->master.dport = ntohs(nfct_get_attr_u16(ct, ATTR_MASTER_PORT_DST));
}

int ct_parse_msg(const struct nlmsghdr *nlh, struct ct_flow *f, enum ct_msg *kindp)
{
	enum ct_msg kind;
	const struct nfgenmsg *nfg;
	const void *payload;
	size_t plen;
	struct nf_conntrack *ct;

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

	ct = nfct_new();
	if (!ct) {
		errno = ENOMEM;
		return -1;
	}
	if (nfct_nlmsg_parse(nlh, ct) < 0 || !has(ct, ATTR_ID) ||
	    !has(ct, ATTR_ORIG_L4PROTO)) {
		nfct_destroy(ct);
		errno = EINVAL;
		return -1;
	}

	f->id = nfct_get_attr_u32(ct, ATTR_ID);
	f->family = nfg->nfgen_family;
	f->proto = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
	get_addr(ct, f->family, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC, &f->orig.src);
	get_addr(ct, f->family, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST, &f->orig.dst);
	get_addr(ct, f->family, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC, &f->reply.src);
	get_addr(ct, f->family, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST, &f->reply.dst);
	if (is_icmp(f->proto)) {
		f->orig.icmp_type = nfct_get_attr_u8(ct, ATTR_ICMP_TYPE);
		f->orig.icmp_code = nfct_get_attr_u8(ct, ATTR_ICMP_CODE);
		f->orig.icmp_id = ntohs(nfct_get_attr_u16(ct, ATTR_ICMP_ID));
		reply_icmp(payload, plen, &f->reply);
	} else {
		f->orig.sport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC));
		f->orig.dport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
		f->reply.sport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC));
		f->reply.dport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_DST));
	}

	if (has(ct, ATTR_TCP_STATE)) {
		f->has_state = true;
		f->state = nfct_get_attr_u8(ct, ATTR_TCP_STATE);
	} else if (has(ct, ATTR_SCTP_STATE)) {
		f->has_state = true;
		f->state = nfct_get_attr_u8(ct, ATTR_SCTP_STATE);
	} else if (has(ct, ATTR_DCCP_STATE)) {
		f->has_state = true;
		f->state = nfct_get_attr_u8(ct, ATTR_DCCP_STATE);
	}
	f->status = nfct_get_attr_u32(ct, ATTR_STATUS);
	f->mark = nfct_get_attr_u32(ct, ATTR_MARK);
	f->zone = nfct_get_attr_u16(ct, ATTR_ZONE);
	/* CT --zone-orig/--zone-reply: no CTA_ZONE, a zone in each tuple */
	if (has(ct, ATTR_ORIG_ZONE)) {
		f->has_zone_orig = true;
		f->zone_orig = nfct_get_attr_u16(ct, ATTR_ORIG_ZONE);
	}
	if (has(ct, ATTR_REPL_ZONE)) {
		f->has_zone_reply = true;
		f->zone_reply = nfct_get_attr_u16(ct, ATTR_REPL_ZONE);
	}
	if (has(ct, ATTR_HELPER_NAME))
		snprintf(f->helper, sizeof(f->helper), "%s",
			 (const char *)nfct_get_attr(ct, ATTR_HELPER_NAME));
	read_labels(payload, plen, f->labels);
	read_master(ct, f);
	if (has(ct, ATTR_TIMEOUT)) {
		f->has_timeout = true;
		f->timeout = nfct_get_attr_u32(ct, ATTR_TIMEOUT);
	}
	/* Counters exist only when nf_conntrack_acct was 1 as the flow was
	 * created, and never in NEW/UPDATE events. */
	if (has(ct, ATTR_ORIG_COUNTER_PACKETS) && has(ct, ATTR_REPL_COUNTER_PACKETS)) {
		f->has_acct = true;
		f->packets[CT_DIR_ORIG] = nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_PACKETS);
		f->bytes[CT_DIR_ORIG] = nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_BYTES);
		f->packets[CT_DIR_REPLY] = nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_PACKETS);
		f->bytes[CT_DIR_REPLY] = nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_BYTES);
	}
	nfct_destroy(ct);
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

static uint16_t be16_at(const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *a = nest_find(nest, type);

	return a ? ntohs(mnl_attr_get_u16(a)) : 0;
}

static void tuple_addr(const struct nlattr *ip, uint8_t family, uint16_t t4, uint16_t t6,
		       union ct_addr *out)
{
	const struct nlattr *a = nest_find(ip, family == AF_INET6 ? t6 : t4);

	if (a)
		memcpy(out->b, mnl_attr_get_payload(a), family == AF_INET6 ? 16 : 4);
}

/* A CTA_TUPLE_* nest into t; the protocol number into *proto. */
static void read_tuple(const struct nlattr *tup, uint8_t family, struct ct_tuple *t, uint8_t *proto)
{
	const struct nlattr *ip = nest_find(tup, CTA_TUPLE_IP);
	const struct nlattr *pr = nest_find(tup, CTA_TUPLE_PROTO);
	const struct nlattr *a;

	tuple_addr(ip, family, CTA_IP_V4_SRC, CTA_IP_V6_SRC, &t->src);
	tuple_addr(ip, family, CTA_IP_V4_DST, CTA_IP_V6_DST, &t->dst);
	if ((a = nest_find(pr, CTA_PROTO_NUM)))
		*proto = mnl_attr_get_u8(a);
	t->sport = be16_at(pr, CTA_PROTO_SRC_PORT);
	t->dport = be16_at(pr, CTA_PROTO_DST_PORT);
	t->icmp_id = be16_at(pr, family == AF_INET6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID);
	if ((a = nest_find(pr, family == AF_INET6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE)))
		t->icmp_type = mnl_attr_get_u8(a);
	if ((a = nest_find(pr, family == AF_INET6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE)))
		t->icmp_code = mnl_attr_get_u8(a);
}

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
	read_tuple(attr_find(p, len, CTA_EXPECT_TUPLE), e->family, &e->tuple, &e->proto);
	read_tuple(attr_find(p, len, CTA_EXPECT_MASK), e->family, &e->mask, &mask_proto);
	read_tuple(attr_find(p, len, CTA_EXPECT_MASTER), e->family, &e->master, &e->master_proto);
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
