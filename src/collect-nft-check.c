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
#include "iptop.h"

static bool is_nft_msg(const struct nlmsghdr *nlh, int msg)
{
	return NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_NFTABLES &&
	       NFNL_MSG_TYPE(nlh->nlmsg_type) == msg;
}

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

enum {
	NV_ANY, NV_U8, NV_U16, NV_U32, NV_U64, NV_STR, NV_NEST,
	NV_DATA,     /* nft_data: VALUE or VERDICT */
	NV_VALUE,    /* 1 to NFT_DATA_VALUE_MAXLEN bytes (libnftnl refuses others) */
	NV_VERDICT,  /* CODE required; CHAIN required for jump and goto */
	NV_EXPR,     /* NAME required; DATA checked by the expression's spec */
	NV_EXPRS,    /* list of NFTA_LIST_ELEM expressions */
	NV_DEVS,     /* list of device names */
};

struct nft_vspec;
struct nft_vrule {
	uint8_t kind;
	const struct nft_vspec *nest;    /* NV_NEST: the children's rules, or NULL */
};
struct nft_vspec {
	uint16_t max;
	const struct nft_vrule *r;       /* max + 1 entries */
};
#define NV_SPEC(name, maxtype, ...) \
	static const struct nft_vrule name##_r[(maxtype) + 1] = { __VA_ARGS__ }; \
	static const struct nft_vspec name = { (maxtype), name##_r }

NV_SPEC(nv_table, NFTA_TABLE_MAX,
	[NFTA_TABLE_NAME] = { NV_STR, NULL }, [NFTA_TABLE_HANDLE] = { NV_U64, NULL },
	[NFTA_TABLE_FLAGS] = { NV_U32, NULL }, [NFTA_TABLE_USE] = { NV_U32, NULL },
	[NFTA_TABLE_OWNER] = { NV_U32, NULL });
NV_SPEC(nv_hook, NFTA_HOOK_MAX,
	[NFTA_HOOK_HOOKNUM] = { NV_U32, NULL }, [NFTA_HOOK_PRIORITY] = { NV_U32, NULL },
	[NFTA_HOOK_DEV] = { NV_STR, NULL }, [NFTA_HOOK_DEVS] = { NV_DEVS, NULL });
NV_SPEC(nv_counters, NFTA_COUNTER_MAX,
	[NFTA_COUNTER_BYTES] = { NV_U64, NULL }, [NFTA_COUNTER_PACKETS] = { NV_U64, NULL });
NV_SPEC(nv_chain, NFTA_CHAIN_MAX,
	[NFTA_CHAIN_NAME] = { NV_STR, NULL }, [NFTA_CHAIN_TABLE] = { NV_STR, NULL },
	[NFTA_CHAIN_TYPE] = { NV_STR, NULL }, [NFTA_CHAIN_HOOK] = { NV_NEST, &nv_hook },
	[NFTA_CHAIN_COUNTERS] = { NV_NEST, &nv_counters }, [NFTA_CHAIN_POLICY] = { NV_U32, NULL },
	[NFTA_CHAIN_USE] = { NV_U32, NULL }, [NFTA_CHAIN_FLAGS] = { NV_U32, NULL },
	[NFTA_CHAIN_ID] = { NV_U32, NULL }, [NFTA_CHAIN_HANDLE] = { NV_U64, NULL });
NV_SPEC(nv_compat, NFTA_RULE_COMPAT_MAX,
	[NFTA_RULE_COMPAT_PROTO] = { NV_U32, NULL }, [NFTA_RULE_COMPAT_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_rule, NFTA_RULE_MAX,
	[NFTA_RULE_TABLE] = { NV_STR, NULL }, [NFTA_RULE_CHAIN] = { NV_STR, NULL },
	[NFTA_RULE_HANDLE] = { NV_U64, NULL }, [NFTA_RULE_EXPRESSIONS] = { NV_EXPRS, NULL },
	[NFTA_RULE_COMPAT] = { NV_NEST, &nv_compat }, [NFTA_RULE_POSITION] = { NV_U64, NULL },
	[NFTA_RULE_ID] = { NV_U32, NULL }, [NFTA_RULE_POSITION_ID] = { NV_U32, NULL });
NV_SPEC(nv_verd, NFTA_VERDICT_MAX,
	[NFTA_VERDICT_CODE] = { NV_U32, NULL }, [NFTA_VERDICT_CHAIN] = { NV_STR, NULL },
	[NFTA_VERDICT_CHAIN_ID] = { NV_U32, NULL });
NV_SPEC(nv_data, NFTA_DATA_MAX,
	[NFTA_DATA_VALUE] = { NV_VALUE, NULL }, [NFTA_DATA_VERDICT] = { NV_VERDICT, NULL });

/* The expressions, as libnftnl 1.2.4 checks them. */
NV_SPEC(nv_bitwise, NFTA_BITWISE_MAX,
	[NFTA_BITWISE_SREG] = { NV_U32, NULL }, [NFTA_BITWISE_DREG] = { NV_U32, NULL },
	[NFTA_BITWISE_OP] = { NV_U32, NULL }, [NFTA_BITWISE_LEN] = { NV_U32, NULL },
	[NFTA_BITWISE_MASK] = { NV_DATA, NULL }, [NFTA_BITWISE_XOR] = { NV_DATA, NULL },
	[NFTA_BITWISE_DATA] = { NV_DATA, NULL });
NV_SPEC(nv_byteorder, NFTA_BYTEORDER_MAX,
	[NFTA_BYTEORDER_SREG] = { NV_U32, NULL }, [NFTA_BYTEORDER_DREG] = { NV_U32, NULL },
	[NFTA_BYTEORDER_OP] = { NV_U32, NULL }, [NFTA_BYTEORDER_LEN] = { NV_U32, NULL },
	[NFTA_BYTEORDER_SIZE] = { NV_U32, NULL });
NV_SPEC(nv_cmp, NFTA_CMP_MAX,
	[NFTA_CMP_SREG] = { NV_U32, NULL }, [NFTA_CMP_OP] = { NV_U32, NULL },
	[NFTA_CMP_DATA] = { NV_DATA, NULL });
NV_SPEC(nv_connlimit, NFTA_CONNLIMIT_MAX,
	[NFTA_CONNLIMIT_COUNT] = { NV_U32, NULL }, [NFTA_CONNLIMIT_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_ct, NFTA_CT_MAX,
	[NFTA_CT_KEY] = { NV_U32, NULL }, [NFTA_CT_DREG] = { NV_U32, NULL },
	[NFTA_CT_SREG] = { NV_U32, NULL }, [NFTA_CT_DIRECTION] = { NV_U8, NULL });
NV_SPEC(nv_dup, NFTA_DUP_MAX,
	[NFTA_DUP_SREG_ADDR] = { NV_U32, NULL }, [NFTA_DUP_SREG_DEV] = { NV_U32, NULL });
NV_SPEC(nv_dynset, NFTA_DYNSET_MAX,
	[NFTA_DYNSET_SREG_KEY] = { NV_U32, NULL }, [NFTA_DYNSET_SREG_DATA] = { NV_U32, NULL },
	[NFTA_DYNSET_SET_ID] = { NV_U32, NULL }, [NFTA_DYNSET_OP] = { NV_U32, NULL },
	[NFTA_DYNSET_FLAGS] = { NV_U32, NULL }, [NFTA_DYNSET_TIMEOUT] = { NV_U64, NULL },
	[NFTA_DYNSET_SET_NAME] = { NV_STR, NULL }, [NFTA_DYNSET_EXPR] = { NV_EXPR, NULL },
	[NFTA_DYNSET_EXPRESSIONS] = { NV_EXPRS, NULL });
NV_SPEC(nv_exthdr, NFTA_EXTHDR_MAX,
	[NFTA_EXTHDR_TYPE] = { NV_U8, NULL }, [NFTA_EXTHDR_DREG] = { NV_U32, NULL },
	[NFTA_EXTHDR_SREG] = { NV_U32, NULL }, [NFTA_EXTHDR_OFFSET] = { NV_U32, NULL },
	[NFTA_EXTHDR_LEN] = { NV_U32, NULL }, [NFTA_EXTHDR_OP] = { NV_U32, NULL },
	[NFTA_EXTHDR_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_fib, NFTA_FIB_MAX,
	[NFTA_FIB_RESULT] = { NV_U32, NULL }, [NFTA_FIB_DREG] = { NV_U32, NULL },
	[NFTA_FIB_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_flow, NFTA_FLOW_MAX, [NFTA_FLOW_TABLE_NAME] = { NV_STR, NULL });
NV_SPEC(nv_fwd, NFTA_FWD_MAX,
	[NFTA_FWD_SREG_DEV] = { NV_U32, NULL }, [NFTA_FWD_SREG_ADDR] = { NV_U32, NULL },
	[NFTA_FWD_NFPROTO] = { NV_U32, NULL });
NV_SPEC(nv_hash, NFTA_HASH_MAX,
	[NFTA_HASH_SREG] = { NV_U32, NULL }, [NFTA_HASH_DREG] = { NV_U32, NULL },
	[NFTA_HASH_LEN] = { NV_U32, NULL }, [NFTA_HASH_MODULUS] = { NV_U32, NULL },
	[NFTA_HASH_SEED] = { NV_U32, NULL }, [NFTA_HASH_OFFSET] = { NV_U32, NULL },
	[NFTA_HASH_TYPE] = { NV_U32, NULL });
NV_SPEC(nv_immediate, NFTA_IMMEDIATE_MAX,
	[NFTA_IMMEDIATE_DREG] = { NV_U32, NULL }, [NFTA_IMMEDIATE_DATA] = { NV_DATA, NULL });
NV_SPEC(nv_last, NFTA_LAST_MAX,
	[NFTA_LAST_MSECS] = { NV_U64, NULL }, [NFTA_LAST_SET] = { NV_U32, NULL });
NV_SPEC(nv_limit, NFTA_LIMIT_MAX,
	[NFTA_LIMIT_RATE] = { NV_U64, NULL }, [NFTA_LIMIT_UNIT] = { NV_U64, NULL },
	[NFTA_LIMIT_BURST] = { NV_U32, NULL }, [NFTA_LIMIT_TYPE] = { NV_U32, NULL },
	[NFTA_LIMIT_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_log, NFTA_LOG_MAX,
	[NFTA_LOG_PREFIX] = { NV_STR, NULL }, [NFTA_LOG_GROUP] = { NV_U16, NULL },
	[NFTA_LOG_QTHRESHOLD] = { NV_U16, NULL }, [NFTA_LOG_SNAPLEN] = { NV_U32, NULL },
	[NFTA_LOG_LEVEL] = { NV_U32, NULL }, [NFTA_LOG_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_lookup, NFTA_LOOKUP_MAX,
	[NFTA_LOOKUP_SREG] = { NV_U32, NULL }, [NFTA_LOOKUP_DREG] = { NV_U32, NULL },
	[NFTA_LOOKUP_SET_ID] = { NV_U32, NULL }, [NFTA_LOOKUP_FLAGS] = { NV_U32, NULL },
	[NFTA_LOOKUP_SET] = { NV_STR, NULL });
NV_SPEC(nv_masq, NFTA_MASQ_MAX,
	[NFTA_MASQ_REG_PROTO_MIN] = { NV_U32, NULL }, [NFTA_MASQ_REG_PROTO_MAX] = { NV_U32, NULL },
	[NFTA_MASQ_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_match, NFTA_MATCH_MAX,
	[NFTA_MATCH_NAME] = { NV_STR, NULL }, [NFTA_MATCH_REV] = { NV_U32, NULL });
NV_SPEC(nv_meta, NFTA_META_MAX,
	[NFTA_META_KEY] = { NV_U32, NULL }, [NFTA_META_DREG] = { NV_U32, NULL },
	[NFTA_META_SREG] = { NV_U32, NULL });
NV_SPEC(nv_nat, NFTA_NAT_MAX,
	[NFTA_NAT_TYPE] = { NV_U32, NULL }, [NFTA_NAT_FAMILY] = { NV_U32, NULL },
	[NFTA_NAT_REG_ADDR_MIN] = { NV_U32, NULL }, [NFTA_NAT_REG_ADDR_MAX] = { NV_U32, NULL },
	[NFTA_NAT_REG_PROTO_MIN] = { NV_U32, NULL }, [NFTA_NAT_REG_PROTO_MAX] = { NV_U32, NULL },
	[NFTA_NAT_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_numgen, NFTA_NG_MAX,
	[NFTA_NG_DREG] = { NV_U32, NULL }, [NFTA_NG_MODULUS] = { NV_U32, NULL },
	[NFTA_NG_TYPE] = { NV_U32, NULL }, [NFTA_NG_OFFSET] = { NV_U32, NULL });
NV_SPEC(nv_objref, NFTA_OBJREF_MAX,
	[NFTA_OBJREF_IMM_TYPE] = { NV_U32, NULL }, [NFTA_OBJREF_IMM_NAME] = { NV_STR, NULL },
	[NFTA_OBJREF_SET_SREG] = { NV_U32, NULL }, [NFTA_OBJREF_SET_NAME] = { NV_STR, NULL },
	[NFTA_OBJREF_SET_ID] = { NV_U32, NULL });
NV_SPEC(nv_osf, NFTA_OSF_MAX,
	[NFTA_OSF_DREG] = { NV_U32, NULL }, [NFTA_OSF_TTL] = { NV_U8, NULL },
	[NFTA_OSF_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_payload, NFTA_PAYLOAD_MAX,
	[NFTA_PAYLOAD_SREG] = { NV_U32, NULL }, [NFTA_PAYLOAD_DREG] = { NV_U32, NULL },
	[NFTA_PAYLOAD_BASE] = { NV_U32, NULL }, [NFTA_PAYLOAD_OFFSET] = { NV_U32, NULL },
	[NFTA_PAYLOAD_LEN] = { NV_U32, NULL }, [NFTA_PAYLOAD_CSUM_TYPE] = { NV_U32, NULL },
	[NFTA_PAYLOAD_CSUM_OFFSET] = { NV_U32, NULL }, [NFTA_PAYLOAD_CSUM_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_queue, NFTA_QUEUE_MAX,
	[NFTA_QUEUE_NUM] = { NV_U16, NULL }, [NFTA_QUEUE_TOTAL] = { NV_U16, NULL },
	[NFTA_QUEUE_FLAGS] = { NV_U16, NULL }, [NFTA_QUEUE_SREG_QNUM] = { NV_U32, NULL });
NV_SPEC(nv_quota, NFTA_QUOTA_MAX,
	[NFTA_QUOTA_BYTES] = { NV_U64, NULL }, [NFTA_QUOTA_CONSUMED] = { NV_U64, NULL },
	[NFTA_QUOTA_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_range, NFTA_RANGE_MAX,
	[NFTA_RANGE_SREG] = { NV_U32, NULL }, [NFTA_RANGE_OP] = { NV_U32, NULL },
	[NFTA_RANGE_FROM_DATA] = { NV_DATA, NULL }, [NFTA_RANGE_TO_DATA] = { NV_DATA, NULL });
NV_SPEC(nv_redir, NFTA_REDIR_MAX,
	[NFTA_REDIR_REG_PROTO_MIN] = { NV_U32, NULL }, [NFTA_REDIR_REG_PROTO_MAX] = { NV_U32, NULL },
	[NFTA_REDIR_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_reject, NFTA_REJECT_MAX,
	[NFTA_REJECT_TYPE] = { NV_U32, NULL }, [NFTA_REJECT_ICMP_CODE] = { NV_U8, NULL });
NV_SPEC(nv_rt, NFTA_RT_MAX, [NFTA_RT_KEY] = { NV_U32, NULL }, [NFTA_RT_DREG] = { NV_U32, NULL });
NV_SPEC(nv_socket, NFTA_SOCKET_MAX,
	[NFTA_SOCKET_KEY] = { NV_U32, NULL }, [NFTA_SOCKET_DREG] = { NV_U32, NULL },
	[NFTA_SOCKET_LEVEL] = { NV_U32, NULL });
NV_SPEC(nv_synproxy, NFTA_SYNPROXY_MAX,
	[NFTA_SYNPROXY_MSS] = { NV_U16, NULL }, [NFTA_SYNPROXY_WSCALE] = { NV_U8, NULL },
	[NFTA_SYNPROXY_FLAGS] = { NV_U32, NULL });
NV_SPEC(nv_target, NFTA_TARGET_MAX,
	[NFTA_TARGET_NAME] = { NV_STR, NULL }, [NFTA_TARGET_REV] = { NV_U32, NULL });
NV_SPEC(nv_tproxy, NFTA_TPROXY_MAX,
	[NFTA_TPROXY_FAMILY] = { NV_U32, NULL }, [NFTA_TPROXY_REG_ADDR] = { NV_U32, NULL },
	[NFTA_TPROXY_REG_PORT] = { NV_U32, NULL });
NV_SPEC(nv_tunnel, NFTA_TUNNEL_MAX,
	[NFTA_TUNNEL_KEY] = { NV_U32, NULL }, [NFTA_TUNNEL_DREG] = { NV_U32, NULL });
NV_SPEC(nv_xfrm, NFTA_XFRM_MAX,
	[NFTA_XFRM_DREG] = { NV_U32, NULL }, [NFTA_XFRM_KEY] = { NV_U32, NULL },
	[NFTA_XFRM_SPNUM] = { NV_U32, NULL }, [NFTA_XFRM_DIR] = { NV_U8, NULL });

static const struct {
	const char *name;
	const struct nft_vspec *spec;
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

static bool nv_attr(const struct nlattr *a, const struct nft_vrule *r, int depth);

static bool nv_nest(const struct nlattr *nest, const struct nft_vspec *spec, int depth)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		uint16_t type = mnl_attr_get_type(a);

		if (type <= spec->max && !nv_attr(a, &spec->r[type], depth))
			return false;
	}
	return true;
}

/* A nested attribute as libmnl's MNL_TYPE_NESTED check wants it. */
static bool nv_nested_len(const struct nlattr *a)
{
	size_t len = mnl_attr_get_payload_len(a);

	return len == 0 || len >= MNL_ATTR_HDRLEN;
}

static bool nv_verdict(const struct nlattr *nest)
{
	const struct nlattr *a, *code = NULL, *chain = NULL;
	uint32_t v;

	if (!nv_nested_len(nest) || !nv_nest(nest, &nv_verd, 0))
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

/* NUL-terminated, as the kernel's nla_put_string() writes it (and as
 * libnftnl's MNL_TYPE_NUL_STRING check for match and target names wants). */
static bool nv_str(const struct nlattr *a)
{
	size_t len = mnl_attr_get_payload_len(a);

	return len > 0 && ((const char *)mnl_attr_get_payload(a))[len - 1] == '\0';
}

static bool nv_expr(const struct nlattr *elem, int depth)
{
	const struct nlattr *a, *name = NULL, *data = NULL;
	size_t lo, hi;

	if (depth > NV_DEPTH || !nv_nested_len(elem))
		return false;
	/* libnftnl checks every NAME and DATA, and uses the last of each */
	mnl_attr_for_each_nested(a, elem) {
		if (mnl_attr_get_type(a) == NFTA_EXPR_NAME) {
			if (!nv_str(a))
				return false;
			name = a;
		} else if (mnl_attr_get_type(a) == NFTA_EXPR_DATA) {
			if (!nv_nested_len(a))
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
			return !data || nv_nest(data, nv_exprs[mid].spec, depth + 1);
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static bool nv_attr(const struct nlattr *a, const struct nft_vrule *r, int depth)
{
	size_t len = mnl_attr_get_payload_len(a);
	const struct nlattr *c;

	switch (r->kind) {
	case NV_U8:
		return len == 1;
	case NV_U16:
		return len == 2;
	case NV_U32:
		return len == 4;
	case NV_U64:
		return len == 8;
	case NV_STR:
		return nv_str(a);
	case NV_NEST:
		return nv_nested_len(a) && (!r->nest || nv_nest(a, r->nest, depth));
	case NV_DATA:
		return nv_nest(a, &nv_data, depth);
	case NV_VALUE:
		return len > 0 && len <= NFT_DATA_VALUE_MAXLEN;
	case NV_VERDICT:
		return nv_verdict(a);
	case NV_EXPR:
		return nv_expr(a, depth);
	case NV_EXPRS:
		mnl_attr_for_each_nested(c, a)
			if (mnl_attr_get_type(c) == NFTA_LIST_ELEM && !nv_expr(c, depth))
				return false;
		return true;
	case NV_DEVS:
		mnl_attr_for_each_nested(c, a)
			if (mnl_attr_get_type(c) == NFTA_DEVICE_NAME && !nv_str(c))
				return false;
		return true;
	default:
		return true;
	}
}

bool collect_nft_msg_ok(const struct nlmsghdr *nlh)
{
	const struct nft_vspec *spec;
	const struct nlattr *a;

	if (is_nft_msg(nlh, NFT_MSG_NEWTABLE))
		spec = &nv_table;
	else if (is_nft_msg(nlh, NFT_MSG_NEWCHAIN))
		spec = &nv_chain;
	else if (is_nft_msg(nlh, NFT_MSG_NEWRULE))
		spec = &nv_rule;
	else
		return true;
	/* libmnl walks attributes up to the aligned end of the message */
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)) || nlh->nlmsg_len % NLMSG_ALIGNTO)
		return false;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		uint16_t type = mnl_attr_get_type(a);

		if (type <= spec->max && !nv_attr(a, &spec->r[type], 0))
			return false;
	}
	return true;
}
