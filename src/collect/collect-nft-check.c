/*
 * collect-nft-check.c - checks a NEWTABLE / NEWCHAIN / NEWRULE message
 * before libnftnl parses it (collect_nft_msg_ok). The kernel never sends
 * what these checks refuse; corrupt recordings and fuzzers do. Does not
 * build snapshots (collect-ruleset.c does).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>

#include "collect.h"
#include "collect-int.h"
#include "iptop.h"
#include "nlattr.h"

/* ---- checks before libnftnl ----------------------------------------------
 * libnftnl 1.2.4 trusts what it parses: an attribute it knows with the
 * wrong size makes it exit() ("nf_tables kernel ABI is broken", from
 * abi_breakage()), it strdup()s strings without looking for a NUL, and it
 * reads a NULL or uninitialised attribute when an expression has no name
 * or a verdict no code. The kernel never sends such messages; a corrupt
 * recording can (fuzz/regress/ has examples). So every NEWTABLE, NEWCHAIN
 * and NEWRULE is checked here first, with libnftnl's own size rules (its
 * *_cb() functions), plus NUL-terminated strings and the attributes it
 * reads without a check. Types a spec does not list pass unchecked, as
 * libnftnl ignores them. */

static bool nv_verdict(const struct nlattr *nest, int depth);
static bool nv_expr(const struct nlattr *elem, int depth);
static bool nv_exprs_ok(const struct nlattr *list, int depth);
static bool nv_devs(const struct nlattr *list, int depth);

/* The rules of include/nlattr.h, in libnftnl's words. */
#define NV_U8 { NLATTR_U8, 0, NULL, NULL }
#define NV_U16 { NLATTR_U16, 0, NULL, NULL }
#define NV_U32 { NLATTR_U32, 0, NULL, NULL }
#define NV_U64 { NLATTR_U64, 0, NULL, NULL }
#define NV_STR { NLATTR_STR, 0, NULL, NULL }
#define NV_NEST(spec) { NLATTR_NEST, 0, (spec), NULL }
#define NV_DATA { NLATTR_ANY, 0, &nv_data, NULL }     /* nft_data: VALUE or VERDICT */
/* 1 to NFT_DATA_VALUE_MAXLEN bytes (libnftnl refuses others) */
#define NV_VALUE { NLATTR_MAXLEN, NFT_DATA_VALUE_MAXLEN, NULL, NULL }
#define NV_VERDICT { NLATTR_FN, 0, NULL, nv_verdict }  /* CODE; CHAIN for jump and goto */
#define NV_EXPR { NLATTR_FN, 0, NULL, nv_expr }        /* NAME; DATA by the expression's table */
#define NV_EXPRS { NLATTR_FN, 0, NULL, nv_exprs_ok }   /* NFTA_LIST_ELEM expressions */
#define NV_DEVS { NLATTR_FN, 0, NULL, nv_devs }        /* device names */

/* A table; an expression's (NV_XSPEC) counts as a level of nesting. */
#define NV_SPEC(name, maxtype, ...) \
	static const struct nlattr_rule name##_r[(maxtype) + 1] = { __VA_ARGS__ }; \
	static const struct nlattr_spec name = { (maxtype), false, 0, 0, name##_r }
#define NV_XSPEC(name, maxtype, ...) \
	static const struct nlattr_rule name##_r[(maxtype) + 1] = { __VA_ARGS__ }; \
	static const struct nlattr_spec name = { (maxtype), false, 1, 0, name##_r }

NV_SPEC(nv_table, NFTA_TABLE_MAX,
	[NFTA_TABLE_NAME] = NV_STR, [NFTA_TABLE_HANDLE] = NV_U64,
	[NFTA_TABLE_FLAGS] = NV_U32, [NFTA_TABLE_USE] = NV_U32,
	[NFTA_TABLE_OWNER] = NV_U32);
NV_SPEC(nv_hook, NFTA_HOOK_MAX,
	[NFTA_HOOK_HOOKNUM] = NV_U32, [NFTA_HOOK_PRIORITY] = NV_U32,
	[NFTA_HOOK_DEV] = NV_STR, [NFTA_HOOK_DEVS] = NV_DEVS);
NV_SPEC(nv_counters, NFTA_COUNTER_MAX,
	[NFTA_COUNTER_BYTES] = NV_U64, [NFTA_COUNTER_PACKETS] = NV_U64);
NV_SPEC(nv_chain, NFTA_CHAIN_MAX,
	[NFTA_CHAIN_NAME] = NV_STR, [NFTA_CHAIN_TABLE] = NV_STR,
	[NFTA_CHAIN_TYPE] = NV_STR, [NFTA_CHAIN_HOOK] = NV_NEST(&nv_hook),
	[NFTA_CHAIN_COUNTERS] = NV_NEST(&nv_counters), [NFTA_CHAIN_POLICY] = NV_U32,
	[NFTA_CHAIN_USE] = NV_U32, [NFTA_CHAIN_FLAGS] = NV_U32,
	[NFTA_CHAIN_ID] = NV_U32, [NFTA_CHAIN_HANDLE] = NV_U64);
NV_SPEC(nv_compat, NFTA_RULE_COMPAT_MAX,
	[NFTA_RULE_COMPAT_PROTO] = NV_U32, [NFTA_RULE_COMPAT_FLAGS] = NV_U32);
NV_SPEC(nv_rule, NFTA_RULE_MAX,
	[NFTA_RULE_TABLE] = NV_STR, [NFTA_RULE_CHAIN] = NV_STR,
	[NFTA_RULE_HANDLE] = NV_U64, [NFTA_RULE_EXPRESSIONS] = NV_EXPRS,
	[NFTA_RULE_COMPAT] = NV_NEST(&nv_compat), [NFTA_RULE_POSITION] = NV_U64,
	[NFTA_RULE_ID] = NV_U32, [NFTA_RULE_POSITION_ID] = NV_U32);
NV_SPEC(nv_verd, NFTA_VERDICT_MAX,
	[NFTA_VERDICT_CODE] = NV_U32, [NFTA_VERDICT_CHAIN] = NV_STR,
	[NFTA_VERDICT_CHAIN_ID] = NV_U32);
NV_SPEC(nv_data, NFTA_DATA_MAX,
	[NFTA_DATA_VALUE] = NV_VALUE, [NFTA_DATA_VERDICT] = NV_VERDICT);

/* The expressions, as libnftnl 1.2.4 checks them. */
NV_XSPEC(nv_bitwise, NFTA_BITWISE_MAX,
	[NFTA_BITWISE_SREG] = NV_U32, [NFTA_BITWISE_DREG] = NV_U32,
	[NFTA_BITWISE_OP] = NV_U32, [NFTA_BITWISE_LEN] = NV_U32,
	[NFTA_BITWISE_MASK] = NV_DATA, [NFTA_BITWISE_XOR] = NV_DATA,
	[NFTA_BITWISE_DATA] = NV_DATA);
NV_XSPEC(nv_byteorder, NFTA_BYTEORDER_MAX,
	[NFTA_BYTEORDER_SREG] = NV_U32, [NFTA_BYTEORDER_DREG] = NV_U32,
	[NFTA_BYTEORDER_OP] = NV_U32, [NFTA_BYTEORDER_LEN] = NV_U32,
	[NFTA_BYTEORDER_SIZE] = NV_U32);
NV_XSPEC(nv_cmp, NFTA_CMP_MAX,
	[NFTA_CMP_SREG] = NV_U32, [NFTA_CMP_OP] = NV_U32,
	[NFTA_CMP_DATA] = NV_DATA);
NV_XSPEC(nv_connlimit, NFTA_CONNLIMIT_MAX,
	[NFTA_CONNLIMIT_COUNT] = NV_U32, [NFTA_CONNLIMIT_FLAGS] = NV_U32);
NV_XSPEC(nv_ct, NFTA_CT_MAX,
	[NFTA_CT_KEY] = NV_U32, [NFTA_CT_DREG] = NV_U32,
	[NFTA_CT_SREG] = NV_U32, [NFTA_CT_DIRECTION] = NV_U8);
NV_XSPEC(nv_dup, NFTA_DUP_MAX,
	[NFTA_DUP_SREG_ADDR] = NV_U32, [NFTA_DUP_SREG_DEV] = NV_U32);
NV_XSPEC(nv_dynset, NFTA_DYNSET_MAX,
	[NFTA_DYNSET_SREG_KEY] = NV_U32, [NFTA_DYNSET_SREG_DATA] = NV_U32,
	[NFTA_DYNSET_SET_ID] = NV_U32, [NFTA_DYNSET_OP] = NV_U32,
	[NFTA_DYNSET_FLAGS] = NV_U32, [NFTA_DYNSET_TIMEOUT] = NV_U64,
	[NFTA_DYNSET_SET_NAME] = NV_STR, [NFTA_DYNSET_EXPR] = NV_EXPR,
	[NFTA_DYNSET_EXPRESSIONS] = NV_EXPRS);
NV_XSPEC(nv_exthdr, NFTA_EXTHDR_MAX,
	[NFTA_EXTHDR_TYPE] = NV_U8, [NFTA_EXTHDR_DREG] = NV_U32,
	[NFTA_EXTHDR_SREG] = NV_U32, [NFTA_EXTHDR_OFFSET] = NV_U32,
	[NFTA_EXTHDR_LEN] = NV_U32, [NFTA_EXTHDR_OP] = NV_U32,
	[NFTA_EXTHDR_FLAGS] = NV_U32);
NV_XSPEC(nv_fib, NFTA_FIB_MAX,
	[NFTA_FIB_RESULT] = NV_U32, [NFTA_FIB_DREG] = NV_U32,
	[NFTA_FIB_FLAGS] = NV_U32);
NV_XSPEC(nv_flow, NFTA_FLOW_MAX, [NFTA_FLOW_TABLE_NAME] = NV_STR);
NV_XSPEC(nv_fwd, NFTA_FWD_MAX,
	[NFTA_FWD_SREG_DEV] = NV_U32, [NFTA_FWD_SREG_ADDR] = NV_U32,
	[NFTA_FWD_NFPROTO] = NV_U32);
NV_XSPEC(nv_hash, NFTA_HASH_MAX,
	[NFTA_HASH_SREG] = NV_U32, [NFTA_HASH_DREG] = NV_U32,
	[NFTA_HASH_LEN] = NV_U32, [NFTA_HASH_MODULUS] = NV_U32,
	[NFTA_HASH_SEED] = NV_U32, [NFTA_HASH_OFFSET] = NV_U32,
	[NFTA_HASH_TYPE] = NV_U32);
NV_XSPEC(nv_immediate, NFTA_IMMEDIATE_MAX,
	[NFTA_IMMEDIATE_DREG] = NV_U32, [NFTA_IMMEDIATE_DATA] = NV_DATA);
NV_XSPEC(nv_last, NFTA_LAST_MAX,
	[NFTA_LAST_MSECS] = NV_U64, [NFTA_LAST_SET] = NV_U32);
NV_XSPEC(nv_limit, NFTA_LIMIT_MAX,
	[NFTA_LIMIT_RATE] = NV_U64, [NFTA_LIMIT_UNIT] = NV_U64,
	[NFTA_LIMIT_BURST] = NV_U32, [NFTA_LIMIT_TYPE] = NV_U32,
	[NFTA_LIMIT_FLAGS] = NV_U32);
NV_XSPEC(nv_log, NFTA_LOG_MAX,
	[NFTA_LOG_PREFIX] = NV_STR, [NFTA_LOG_GROUP] = NV_U16,
	[NFTA_LOG_QTHRESHOLD] = NV_U16, [NFTA_LOG_SNAPLEN] = NV_U32,
	[NFTA_LOG_LEVEL] = NV_U32, [NFTA_LOG_FLAGS] = NV_U32);
NV_XSPEC(nv_lookup, NFTA_LOOKUP_MAX,
	[NFTA_LOOKUP_SREG] = NV_U32, [NFTA_LOOKUP_DREG] = NV_U32,
	[NFTA_LOOKUP_SET_ID] = NV_U32, [NFTA_LOOKUP_FLAGS] = NV_U32,
	[NFTA_LOOKUP_SET] = NV_STR);
NV_XSPEC(nv_masq, NFTA_MASQ_MAX,
	[NFTA_MASQ_REG_PROTO_MIN] = NV_U32, [NFTA_MASQ_REG_PROTO_MAX] = NV_U32,
	[NFTA_MASQ_FLAGS] = NV_U32);
NV_XSPEC(nv_match, NFTA_MATCH_MAX,
	[NFTA_MATCH_NAME] = NV_STR, [NFTA_MATCH_REV] = NV_U32);
NV_XSPEC(nv_meta, NFTA_META_MAX,
	[NFTA_META_KEY] = NV_U32, [NFTA_META_DREG] = NV_U32,
	[NFTA_META_SREG] = NV_U32);
NV_XSPEC(nv_nat, NFTA_NAT_MAX,
	[NFTA_NAT_TYPE] = NV_U32, [NFTA_NAT_FAMILY] = NV_U32,
	[NFTA_NAT_REG_ADDR_MIN] = NV_U32, [NFTA_NAT_REG_ADDR_MAX] = NV_U32,
	[NFTA_NAT_REG_PROTO_MIN] = NV_U32, [NFTA_NAT_REG_PROTO_MAX] = NV_U32,
	[NFTA_NAT_FLAGS] = NV_U32);
NV_XSPEC(nv_numgen, NFTA_NG_MAX,
	[NFTA_NG_DREG] = NV_U32, [NFTA_NG_MODULUS] = NV_U32,
	[NFTA_NG_TYPE] = NV_U32, [NFTA_NG_OFFSET] = NV_U32);
NV_XSPEC(nv_objref, NFTA_OBJREF_MAX,
	[NFTA_OBJREF_IMM_TYPE] = NV_U32, [NFTA_OBJREF_IMM_NAME] = NV_STR,
	[NFTA_OBJREF_SET_SREG] = NV_U32, [NFTA_OBJREF_SET_NAME] = NV_STR,
	[NFTA_OBJREF_SET_ID] = NV_U32);
NV_XSPEC(nv_osf, NFTA_OSF_MAX,
	[NFTA_OSF_DREG] = NV_U32, [NFTA_OSF_TTL] = NV_U8,
	[NFTA_OSF_FLAGS] = NV_U32);
NV_XSPEC(nv_payload, NFTA_PAYLOAD_MAX,
	[NFTA_PAYLOAD_SREG] = NV_U32, [NFTA_PAYLOAD_DREG] = NV_U32,
	[NFTA_PAYLOAD_BASE] = NV_U32, [NFTA_PAYLOAD_OFFSET] = NV_U32,
	[NFTA_PAYLOAD_LEN] = NV_U32, [NFTA_PAYLOAD_CSUM_TYPE] = NV_U32,
	[NFTA_PAYLOAD_CSUM_OFFSET] = NV_U32, [NFTA_PAYLOAD_CSUM_FLAGS] = NV_U32);
NV_XSPEC(nv_queue, NFTA_QUEUE_MAX,
	[NFTA_QUEUE_NUM] = NV_U16, [NFTA_QUEUE_TOTAL] = NV_U16,
	[NFTA_QUEUE_FLAGS] = NV_U16, [NFTA_QUEUE_SREG_QNUM] = NV_U32);
NV_XSPEC(nv_quota, NFTA_QUOTA_MAX,
	[NFTA_QUOTA_BYTES] = NV_U64, [NFTA_QUOTA_CONSUMED] = NV_U64,
	[NFTA_QUOTA_FLAGS] = NV_U32);
NV_XSPEC(nv_range, NFTA_RANGE_MAX,
	[NFTA_RANGE_SREG] = NV_U32, [NFTA_RANGE_OP] = NV_U32,
	[NFTA_RANGE_FROM_DATA] = NV_DATA, [NFTA_RANGE_TO_DATA] = NV_DATA);
NV_XSPEC(nv_redir, NFTA_REDIR_MAX,
	[NFTA_REDIR_REG_PROTO_MIN] = NV_U32, [NFTA_REDIR_REG_PROTO_MAX] = NV_U32,
	[NFTA_REDIR_FLAGS] = NV_U32);
NV_XSPEC(nv_reject, NFTA_REJECT_MAX,
	[NFTA_REJECT_TYPE] = NV_U32, [NFTA_REJECT_ICMP_CODE] = NV_U8);
NV_XSPEC(nv_rt, NFTA_RT_MAX, [NFTA_RT_KEY] = NV_U32, [NFTA_RT_DREG] = NV_U32);
NV_XSPEC(nv_socket, NFTA_SOCKET_MAX,
	[NFTA_SOCKET_KEY] = NV_U32, [NFTA_SOCKET_DREG] = NV_U32,
	[NFTA_SOCKET_LEVEL] = NV_U32);
NV_XSPEC(nv_synproxy, NFTA_SYNPROXY_MAX,
	[NFTA_SYNPROXY_MSS] = NV_U16, [NFTA_SYNPROXY_WSCALE] = NV_U8,
	[NFTA_SYNPROXY_FLAGS] = NV_U32);
NV_XSPEC(nv_target, NFTA_TARGET_MAX,
	[NFTA_TARGET_NAME] = NV_STR, [NFTA_TARGET_REV] = NV_U32);
NV_XSPEC(nv_tproxy, NFTA_TPROXY_MAX,
	[NFTA_TPROXY_FAMILY] = NV_U32, [NFTA_TPROXY_REG_ADDR] = NV_U32,
	[NFTA_TPROXY_REG_PORT] = NV_U32);
NV_XSPEC(nv_tunnel, NFTA_TUNNEL_MAX,
	[NFTA_TUNNEL_KEY] = NV_U32, [NFTA_TUNNEL_DREG] = NV_U32);
NV_XSPEC(nv_xfrm, NFTA_XFRM_MAX,
	[NFTA_XFRM_DREG] = NV_U32, [NFTA_XFRM_KEY] = NV_U32,
	[NFTA_XFRM_SPNUM] = NV_U32, [NFTA_XFRM_DIR] = NV_U8);

static const struct {
	const char *name;
	const struct nlattr_spec *spec;
} nv_exprs[] = {
	{ "bitwise", &nv_bitwise }, { "byteorder", &nv_byteorder }, { "cmp", &nv_cmp },
	{ "connlimit", &nv_connlimit }, { "counter", &nv_counters }, { "ct", &nv_ct },
	{ "dup", &nv_dup }, { "dynset", &nv_dynset }, { "exthdr", &nv_exthdr }, { "fib", &nv_fib },
	{ "flow_offload", &nv_flow }, { "fwd", &nv_fwd }, { "hash", &nv_hash },
	{ "immediate", &nv_immediate }, { "last", &nv_last }, { "limit", &nv_limit },
	{ "log", &nv_log }, { "lookup", &nv_lookup }, { "masq", &nv_masq }, { "match", &nv_match },
	{ "meta", &nv_meta }, { "nat", &nv_nat }, { "numgen", &nv_numgen }, { "objref", &nv_objref },
	{ "osf", &nv_osf }, { "payload", &nv_payload }, { "queue", &nv_queue },
	{ "quota", &nv_quota }, { "range", &nv_range }, { "redir", &nv_redir },
	{ "reject", &nv_reject }, { "rt", &nv_rt }, { "socket", &nv_socket },
	{ "synproxy", &nv_synproxy }, { "target", &nv_target }, { "tproxy", &nv_tproxy },
	{ "tunnel", &nv_tunnel }, { "xfrm", &nv_xfrm },
};

#define NV_DEPTH 8   /* dynset expressions nest; the kernel allows one level */

static bool nv_verdict(const struct nlattr *nest, int depth)
{
	const struct nlattr *a, *code = NULL, *chain = NULL;
	uint32_t v;

	if (!nlattr_nested_len_ok(nest) || !nlattr_check_nested(nest, &nv_verd, 0))
		return false;
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == NFTA_VERDICT_CODE)
			code = a;
		else if (mnl_attr_get_type(a) == NFTA_VERDICT_CHAIN)
			chain = a;
	}
	/* libnftnl's table of these attributes is not initialised */
	if (!code)
		return false;
	switch ((int32_t)(v = ntohl(mnl_attr_get_u32(code)))) {
	case NF_ACCEPT:
	case NF_DROP:
	case NF_QUEUE:
	case NFT_CONTINUE:
	case NFT_BREAK:
	case NFT_RETURN:
		return true;
	case NFT_JUMP:
	case NFT_GOTO:
		return chain != NULL;
	default:
		return false;   /* libnftnl refuses it (after parsing the rest) */
	}
}

static bool nv_expr(const struct nlattr *elem, int depth)
{
	const struct nlattr *a, *name = NULL, *data = NULL;
	size_t lo, hi;

	if (depth > NV_DEPTH || !nlattr_nested_len_ok(elem))
		return false;
	/* libnftnl checks every NAME and DATA, and uses the last of each */
	mnl_attr_for_each_nested(a, elem) {
		if (mnl_attr_get_type(a) == NFTA_EXPR_NAME) {
			if (!nlattr_str_ok(a))
				return false;
			name = a;
		} else if (mnl_attr_get_type(a) == NFTA_EXPR_DATA) {
			if (!nlattr_nested_len_ok(a))
				return false;
			data = a;
		}
	}
	if (!name)
		return false;   /* libnftnl would look up a NULL name */
	if (strcmp(mnl_attr_get_str(name), "notrack") == 0)
		return true;    /* no attributes */
	/* A name libnftnl does not know fails its parse anyway, and a parse
	 * that fails half-way leaks (it frees the expression, not its strings). */
	lo = 0;
	hi = ARRAY_SIZE(nv_exprs);
	while (lo < hi) {   /* nv_exprs is sorted by name */
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(mnl_attr_get_str(name), nv_exprs[mid].name);

		if (cmp == 0)
			return !data || nlattr_check_nested(data, nv_exprs[mid].spec, depth);
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static bool nv_exprs_ok(const struct nlattr *list, int depth)
{
	const struct nlattr *c;

	mnl_attr_for_each_nested(c, list)
		if (mnl_attr_get_type(c) == NFTA_LIST_ELEM && !nv_expr(c, depth))
			return false;
	return true;
}

static bool nv_devs(const struct nlattr *list, int depth)
{
	const struct nlattr *c;

	mnl_attr_for_each_nested(c, list)
		if (mnl_attr_get_type(c) == NFTA_DEVICE_NAME && !nlattr_str_ok(c))
			return false;
	return true;
}

bool collect_nft_msg_ok(const struct nlmsghdr *nlh)
{
	const struct nlattr_spec *spec;

	if (collect_is_nft_msg(nlh, NFT_MSG_NEWTABLE))
		spec = &nv_table;
	else if (collect_is_nft_msg(nlh, NFT_MSG_NEWCHAIN))
		spec = &nv_chain;
	else if (collect_is_nft_msg(nlh, NFT_MSG_NEWRULE))
		spec = &nv_rule;
	else
		return true;
	/* libmnl walks attributes up to the aligned end of the message */
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)) || nlh->nlmsg_len % NLMSG_ALIGNTO)
		return false;
	return nlattr_check_msg(nlh, sizeof(struct nfgenmsg), spec);
}
