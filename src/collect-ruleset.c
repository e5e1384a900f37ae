/*
 * collect-ruleset.c - the nf_tables ruleset collector. The pure half turns
 * NEWTABLE/NEWCHAIN/NEWRULE messages into a snapshot (libnftnl objects for
 * structure, a raw attribute walk for counters when the generation has not
 * changed); the live half runs GETGEN, GETTABLE, GETCHAIN, per-chain GETRULE
 * and GETGEN again, retrying on NLM_F_DUMP_INTR or a generation change, and
 * keeps the last good snapshot while the ruleset keeps changing.
 * It does not render rule text (rule-text.c) or compute deltas (model.c).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "collect.h"
#include "collect-legacy.h"
#include "iptop.h"
#include "record.h"
#include "rule-text.h"

#define SNAP_RETRIES 6

/* ---- chain lookup ------------------------------------------------------ */

struct chain_index {
	size_t size;      /* power of two */
	size_t *slot;     /* chain index + 1, 0 = empty */
};

static uint32_t chain_hash(uint8_t family, const char *table, const char *name)
{
	uint32_t h = 2166136261u ^ family;
	const char *p;

	for (p = table; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h;
}

static void chain_index_build(struct chain_index *ix, const struct snap_ruleset *rs)
{
	size_t i;

	ix->size = 16;
	while (ix->size < rs->nchains * 2)
		ix->size *= 2;
	ix->slot = xcalloc(ix->size, sizeof(*ix->slot));
	for (i = 0; i < rs->nchains; i++) {
		const struct snap_chain *ch = &rs->chains[i];
		size_t h = chain_hash(ch->family, ch->table, ch->name) & (ix->size - 1);

		if (ch->legacy)
			continue; /* nf_tables chains only: legacy ones are re-read whole */
		while (ix->slot[h])
			h = (h + 1) & (ix->size - 1);
		ix->slot[h] = i + 1;
	}
}

static struct snap_chain *chain_index_find(const struct chain_index *ix, const struct snap_ruleset *rs,
					   uint8_t family, const char *table, const char *name)
{
	size_t h = chain_hash(family, table, name) & (ix->size - 1);

	while (ix->slot[h]) {
		struct snap_chain *ch = &rs->chains[ix->slot[h] - 1];

		if (ch->family == family && strcmp(ch->table, table) == 0 && strcmp(ch->name, name) == 0)
			return ch;
		h = (h + 1) & (ix->size - 1);
	}
	return NULL;
}

static void chain_index_free(struct chain_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
}

/* ---- pure parsing ------------------------------------------------------ */

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
	size_t i;

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
	for (i = 0; i < ARRAY_SIZE(nv_exprs); i++)
		if (strcmp(nv_exprs[i].name, mnl_attr_get_str(name)) == 0)
			return !data || nv_nest(data, nv_exprs[i].spec, depth + 1);
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

int collect_parse_tables(struct snap_ruleset *rs, const struct nlbuf *b, char **cause)
{
	const struct nlmsghdr *nlh;

	for (nlh = nlbuf_first(b); nlh; nlh = nlbuf_next(b, nlh)) {
		struct nftnl_table *t;
		struct snap_table *st;

		if (!is_nft_msg(nlh, NFT_MSG_NEWTABLE))
			continue;
		t = nftnl_table_alloc();
		if (!collect_nft_msg_ok(nlh) || nftnl_table_nlmsg_parse(nlh, t) < 0 ||
		    !nftnl_table_is_set(t, NFTNL_TABLE_NAME)) {
			nftnl_table_free(t);
			*cause = xstrdup("malformed NEWTABLE message");
			return -1;
		}
		rs->tables = xreallocarray(rs->tables, rs->ntables + 1, sizeof(*rs->tables));
		st = &rs->tables[rs->ntables++];
		memset(st, 0, sizeof(*st));
		st->family = (uint8_t)nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);
		st->name = xstrdup(nftnl_table_get_str(t, NFTNL_TABLE_NAME));
		if (nftnl_table_is_set(t, NFTNL_TABLE_HANDLE))
			st->handle = nftnl_table_get_u64(t, NFTNL_TABLE_HANDLE);
		if (nftnl_table_is_set(t, NFTNL_TABLE_FLAGS))
			st->flags = nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS);
		st->iptables = rule_text_ipt_table(st->family, st->name);
		nftnl_table_free(t);
	}
	return 0;
}

int collect_parse_chains(struct snap_ruleset *rs, const struct nlbuf *b, char **cause)
{
	const struct nlmsghdr *nlh;

	for (nlh = nlbuf_first(b); nlh; nlh = nlbuf_next(b, nlh)) {
		struct nftnl_chain *c;
		struct snap_chain *ch;

		if (!is_nft_msg(nlh, NFT_MSG_NEWCHAIN))
			continue;
		c = nftnl_chain_alloc();
		if (!collect_nft_msg_ok(nlh) || nftnl_chain_nlmsg_parse(nlh, c) < 0 ||
		    !nftnl_chain_is_set(c, NFTNL_CHAIN_NAME) ||
		    !nftnl_chain_is_set(c, NFTNL_CHAIN_TABLE)) {
			nftnl_chain_free(c);
			*cause = xstrdup("malformed NEWCHAIN message");
			return -1;
		}
		rs->chains = xreallocarray(rs->chains, rs->nchains + 1, sizeof(*rs->chains));
		ch = &rs->chains[rs->nchains++];
		memset(ch, 0, sizeof(*ch));
		ch->family = (uint8_t)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
		ch->table = xstrdup(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
		ch->name = xstrdup(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
		ch->instantiated = true;
		ch->hook = -1;
		ch->policy = -1;
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_HANDLE))
			ch->handle = nftnl_chain_get_u64(c, NFTNL_CHAIN_HANDLE);
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_USE))
			ch->use = nftnl_chain_get_u32(c, NFTNL_CHAIN_USE);
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
			ch->base = true;
			ch->hook = (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
			ch->prio = (int32_t)nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
			ch->policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) ?
				     (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) : NF_ACCEPT;
			if (nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE))
				ch->type = xstrdup(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE));
			if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEV))
				ch->dev = xstrdup(nftnl_chain_get_str(c, NFTNL_CHAIN_DEV));
		}
		/* Only present when the chain was created with counters
		 * (iptables-nft <= 1.8.9 creates built-ins without). */
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_PACKETS)) {
			ch->policy_counted = true;
			ch->policy_packets = nftnl_chain_get_u64(c, NFTNL_CHAIN_PACKETS);
			ch->policy_bytes = nftnl_chain_get_u64(c, NFTNL_CHAIN_BYTES);
		}
		nftnl_chain_free(c);
	}
	return 0;
}

static void add_rule(struct snap_chain *ch, const struct snap_rule *r)
{
	ch->rules = xreallocarray(ch->rules, ch->nrules + 1, sizeof(*ch->rules));
	ch->rules[ch->nrules++] = *r;
}

/* Counter of a rule by a raw walk: handle, table, chain and the first
 * counter expression. Cheap; used when the rule text is reused. */
struct raw_rule {
	const char *table;
	const char *chain;
	uint64_t handle;
	bool has_handle;
	bool counted;
	uint64_t packets;
	uint64_t bytes;
};

static void raw_counter(const struct nlattr *data, struct raw_rule *rr)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, data) {
		if (mnl_attr_get_type(a) == NFTA_COUNTER_PACKETS && mnl_attr_get_payload_len(a) == 8)
			rr->packets = be64toh(mnl_attr_get_u64(a));
		else if (mnl_attr_get_type(a) == NFTA_COUNTER_BYTES && mnl_attr_get_payload_len(a) == 8)
			rr->bytes = be64toh(mnl_attr_get_u64(a));
	}
	rr->counted = true;
}

static int raw_rule_parse(const struct nlmsghdr *nlh, struct raw_rule *rr)
{
	const struct nlattr *a;

	memset(rr, 0, sizeof(*rr));
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_RULE_TABLE:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
				return -1;
			rr->table = mnl_attr_get_str(a);
			break;
		case NFTA_RULE_CHAIN:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
				return -1;
			rr->chain = mnl_attr_get_str(a);
			break;
		case NFTA_RULE_HANDLE:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -1;
			rr->handle = be64toh(mnl_attr_get_u64(a));
			rr->has_handle = true;
			break;
		case NFTA_RULE_EXPRESSIONS: {
			const struct nlattr *e;

			mnl_attr_for_each_nested(e, a) {
				const struct nlattr *x, *name = NULL, *data = NULL;

				mnl_attr_for_each_nested(x, e) {
					if (mnl_attr_get_type(x) == NFTA_EXPR_NAME)
						name = x;
					else if (mnl_attr_get_type(x) == NFTA_EXPR_DATA)
						data = x;
				}
				if (name && data && !rr->counted &&
				    mnl_attr_validate(name, MNL_TYPE_NUL_STRING) == 0 &&
				    strcmp(mnl_attr_get_str(name), "counter") == 0)
					raw_counter(data, rr);
			}
			break;
		}
		default:
			break;
		}
	}
	return rr->table && rr->chain && rr->has_handle ? 0 : -1;
}

/* Find the same rule in prev (same generation: same order). */
static const struct snap_rule *prev_rule(const struct chain_index *pix, const struct snap_ruleset *prev,
					 uint8_t family, const char *table, const char *chain,
					 size_t pos, uint64_t handle)
{
	const struct snap_chain *pch;

	if (!prev || !pix->slot)
		return NULL;
	pch = chain_index_find(pix, prev, family, table, chain);
	if (!pch)
		return NULL;
	if (pos < pch->nrules && pch->rules[pos].handle == handle)
		return &pch->rules[pos];
	for (pos = 0; pos < pch->nrules; pos++)
		if (pch->rules[pos].handle == handle)
			return &pch->rules[pos];
	return NULL;
}

static void copy_rule(struct snap_rule *d, const struct snap_rule *s)
{
	*d = *s;
	d->text = xstrdup(s->text);
	d->target_chain = s->target_chain ? xstrdup(s->target_chain) : NULL;
	d->comment = s->comment ? xstrdup(s->comment) : NULL;
}

static int parse_rules(struct snap_ruleset *rs, const struct nlbuf *b, const struct snap_ruleset *prev,
		       char **cause)
{
	struct chain_index ix, pix = { 0, NULL };
	const struct nlmsghdr *nlh;
	struct snap_chain *last = NULL;
	bool reuse = prev && prev->genid == rs->genid && prev->status == SRC_OK;
	int ret = 0;

	chain_index_build(&ix, rs);
	if (reuse)
		chain_index_build(&pix, prev);
	for (nlh = nlbuf_first(b); nlh; nlh = nlbuf_next(b, nlh)) {
		const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
		struct raw_rule rr;
		struct snap_rule r;
		const struct snap_rule *pr;
		struct snap_chain *ch;

		if (!is_nft_msg(nlh, NFT_MSG_NEWRULE))
			continue;
		if (!collect_nft_msg_ok(nlh) || raw_rule_parse(nlh, &rr) < 0) {
			*cause = xstrdup("malformed NEWRULE message");
			ret = -1;
			break;
		}
		if (last && last->family == nfg->nfgen_family && strcmp(last->table, rr.table) == 0 &&
		    strcmp(last->name, rr.chain) == 0)
			ch = last;
		else
			ch = chain_index_find(&ix, rs, nfg->nfgen_family, rr.table, rr.chain);
		if (!ch)
			continue; /* chain appeared after the chain dump: next generation */
		last = ch;
		pr = reuse ? prev_rule(&pix, prev, ch->family, ch->table, ch->name, ch->nrules, rr.handle) : NULL;
		if (pr) {
			copy_rule(&r, pr);
			r.counted = rr.counted;
			r.packets = rr.packets;
			r.bytes = rr.bytes;
		} else {
			struct nftnl_rule *nr = nftnl_rule_alloc();
			struct rule_text rt;

			memset(&r, 0, sizeof(r));
			if (nftnl_rule_nlmsg_parse(nlh, nr) < 0) {
				nftnl_rule_free(nr);
				*cause = xstrdup("malformed NEWRULE message");
				ret = -1;
				break;
			}
			memset(&rt, 0, sizeof(rt));
			rule_text_render(nr, ch->family, rule_text_ipt_table(ch->family, ch->table), &rt);
			r.handle = rr.handle;
			if (nftnl_rule_is_set(nr, NFTNL_RULE_POSITION))
				r.position = nftnl_rule_get_u64(nr, NFTNL_RULE_POSITION);
			r.syntax = rt.syntax;
			r.text = rt.text ? rt.text : xstrdup("");
			r.target_chain = rt.target_chain;
			r.is_goto = rt.is_goto;
			r.comment = rt.comment;
			r.counted = rr.counted;
			r.packets = rr.packets;
			r.bytes = rr.bytes;
			nftnl_rule_free(nr);
		}
		add_rule(ch, &r);
	}
	chain_index_free(&ix);
	chain_index_free(&pix);
	return ret;
}

int collect_parse_rules(struct snap_ruleset *rs, const struct nlbuf *b, const struct snap_ruleset *prev,
			char **cause)
{
	return parse_rules(rs, b, prev, cause);
}

int collect_parse_gen(const struct nlmsghdr *nlh, uint32_t *genid, uint32_t *pid, char *name, size_t namelen)
{
	const struct nlattr *a;
	bool have = false;

	if (!is_nft_msg(nlh, NFT_MSG_NEWGEN) || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return -1;
	if (pid)
		*pid = 0;
	if (name && namelen)
		name[0] = '\0';
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_GEN_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -1;
			*genid = ntohl(mnl_attr_get_u32(a));
			have = true;
			break;
		case NFTA_GEN_PROC_PID:
			if (pid && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				*pid = ntohl(mnl_attr_get_u32(a));
			break;
		case NFTA_GEN_PROC_NAME:
			if (name && namelen && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(name, namelen, "%s", mnl_attr_get_str(a));
			break;
		default:
			break;
		}
	}
	return have ? 0 : -1;
}

/* iptables' built-in chains per table, with the priorities iptables-nft
 * gives them (iptables/nft.c builtin tables). */
struct ipt_builtin {
	const char *table;
	int hook;
	int32_t prio;
	const char *type;
};

static const struct ipt_builtin ipt_builtins[] = {
	{ "raw", NF_INET_PRE_ROUTING, -300, "filter" },
	{ "raw", NF_INET_LOCAL_OUT, -300, "filter" },
	{ "mangle", NF_INET_PRE_ROUTING, -150, "filter" },
	{ "mangle", NF_INET_LOCAL_IN, -150, "filter" },
	{ "mangle", NF_INET_FORWARD, -150, "filter" },
	{ "mangle", NF_INET_LOCAL_OUT, -150, "route" },
	{ "mangle", NF_INET_POST_ROUTING, -150, "filter" },
	{ "nat", NF_INET_PRE_ROUTING, -100, "nat" },
	{ "nat", NF_INET_LOCAL_IN, 100, "nat" },
	{ "nat", NF_INET_LOCAL_OUT, -100, "nat" },
	{ "nat", NF_INET_POST_ROUTING, 100, "nat" },
	{ "filter", NF_INET_LOCAL_IN, 0, "filter" },
	{ "filter", NF_INET_FORWARD, 0, "filter" },
	{ "filter", NF_INET_LOCAL_OUT, 0, "filter" },
	{ "security", NF_INET_LOCAL_IN, 150, "filter" },
	{ "security", NF_INET_FORWARD, 150, "filter" },
	{ "security", NF_INET_LOCAL_OUT, 150, "filter" },
};

void collect_finish_ruleset(struct snap_ruleset *rs)
{
	size_t t, i;

	for (t = 0; t < rs->ntables; t++) {
		const struct snap_table *tb = &rs->tables[t];

		if (!tb->iptables || (tb->family != NFPROTO_IPV4 && tb->family != NFPROTO_IPV6))
			continue;
		for (i = 0; i < ARRAY_SIZE(ipt_builtins); i++) {
			const struct ipt_builtin *b = &ipt_builtins[i];
			const char *name = snapshot_hook_ipt_name(b->hook);
			struct snap_chain *ch;

			if (strcmp(b->table, tb->name) != 0 || snapshot_find_chain(rs, tb->family, tb->name, name))
				continue;
			rs->chains = xreallocarray(rs->chains, rs->nchains + 1, sizeof(*rs->chains));
			tb = &rs->tables[t];
			ch = &rs->chains[rs->nchains++];
			memset(ch, 0, sizeof(*ch));
			ch->family = tb->family;
			ch->table = xstrdup(tb->name);
			ch->name = xstrdup(name);
			ch->base = true;
			ch->hook = b->hook;
			ch->prio = b->prio;
			ch->type = xstrdup(b->type);
			ch->policy = NF_ACCEPT;
			ch->instantiated = false;
		}
	}
	snapshot_sort_chains(rs);
}

static void copy_chain_rules(struct snap_chain *d, const struct snap_chain *s)
{
	size_t i;

	d->nrules = s->nrules;
	d->rules = s->nrules ? xcalloc(s->nrules, sizeof(*d->rules)) : NULL;
	for (i = 0; i < s->nrules; i++)
		copy_rule(&d->rules[i], &s->rules[i]);
}

struct snap_ruleset *collect_ruleset_dup(const struct snap_ruleset *s)
{
	struct snap_ruleset *d = xcalloc(1, sizeof(*d));
	size_t i;

	*d = *s;
	d->error = s->error ? xstrdup(s->error) : NULL;
	d->legacy_error = s->legacy_error ? xstrdup(s->legacy_error) : NULL;
	d->tables = s->ntables ? xcalloc(s->ntables, sizeof(*d->tables)) : NULL;
	for (i = 0; i < s->ntables; i++) {
		d->tables[i] = s->tables[i];
		d->tables[i].name = xstrdup(s->tables[i].name);
	}
	d->chains = s->nchains ? xcalloc(s->nchains, sizeof(*d->chains)) : NULL;
	for (i = 0; i < s->nchains; i++) {
		const struct snap_chain *sc = &s->chains[i];
		struct snap_chain *dc = &d->chains[i];

		*dc = *sc;
		dc->table = xstrdup(sc->table);
		dc->name = xstrdup(sc->name);
		dc->type = sc->type ? xstrdup(sc->type) : NULL;
		dc->dev = sc->dev ? xstrdup(sc->dev) : NULL;
		copy_chain_rules(dc, sc);
	}
	return d;
}

struct snap_ruleset *collect_ruleset_assemble(const struct collect_input *in, const struct snap_ruleset *prev,
					      char **cause)
{
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	bool same_gen = prev && prev->status == SRC_OK && prev->genid == in->genid;
	size_t i;

	rs->genid = in->genid;
	rs->status = SRC_OK;
	if (prev) {
		rs->change_pid = prev->change_pid;
		rs->change_wall = prev->change_wall;
		memcpy(rs->change_proc, prev->change_proc, sizeof(rs->change_proc));
	}
	if (in->reuse_tables || !in->tables) {
		if (!same_gen) {
			*cause = xstrdup("table dump missing for a new generation");
			goto fail;
		}
		rs->tables = prev->ntables ? xcalloc(prev->ntables, sizeof(*rs->tables)) : NULL;
		rs->ntables = prev->ntables;
		for (i = 0; i < prev->ntables; i++) {
			rs->tables[i] = prev->tables[i];
			rs->tables[i].name = xstrdup(prev->tables[i].name);
		}
	} else if (collect_parse_tables(rs, in->tables, cause) < 0) {
		goto fail;
	}
	if (collect_parse_chains(rs, in->chains, cause) < 0)
		goto fail;
	if (parse_rules(rs, in->rules, same_gen ? prev : NULL, cause) < 0)
		goto fail;
	if (same_gen) {
		/* Chains not dumped this time keep prev's rules (same generation,
		 * same rules; their counters are as of the last dump). */
		struct chain_index pix;

		chain_index_build(&pix, prev);
		for (i = 0; i < rs->nchains; i++) {
			struct snap_chain *ch = &rs->chains[i];
			const struct snap_chain *pch;

			if (ch->nrules)
				continue;
			pch = chain_index_find(&pix, prev, ch->family, ch->table, ch->name);
			if (pch && pch->nrules)
				copy_chain_rules(ch, pch);
		}
		chain_index_free(&pix);
	}
	collect_finish_ruleset(rs);
	return rs;
fail:
	snapshot_ruleset_free(rs);
	return NULL;
}

/* ---- live collector ---------------------------------------------------- */

struct collect_ruleset {
	struct nlsock *req;     /* requests */
	struct nlsock *ev;      /* NFNLGRP_NFTABLES events, or NULL */
	int open_errno;
	struct record *rec;
	bool changed;           /* a NEWGEN arrived since the last snapshot */
	uint32_t change_pid;
	char change_proc[64];
	double change_wall;
	struct nlbuf tables, chains, rules, scratch, legacy;
};

struct collect_ruleset *collect_ruleset_open(struct record *rec)
{
	struct collect_ruleset *c = xcalloc(1, sizeof(*c));

	c->rec = rec;
	c->req = nlsock_open(NETLINK_NETFILTER);
	if (!c->req) {
		c->open_errno = errno;
		return c;
	}
	c->ev = nlsock_open(NETLINK_NETFILTER);
	if (c->ev && nlsock_join(c->ev, NFNLGRP_NFTABLES) < 0) {
		nlsock_close(c->ev);
		c->ev = NULL;
	}
	if (c->ev)
		nlsock_set_rcvbuf(c->ev, 1 << 20);
	return c;
}

void collect_ruleset_close(struct collect_ruleset *c)
{
	if (!c)
		return;
	nlsock_close(c->req);
	nlsock_close(c->ev);
	nlbuf_free(&c->tables);
	nlbuf_free(&c->chains);
	nlbuf_free(&c->rules);
	nlbuf_free(&c->scratch);
	nlbuf_free(&c->legacy);
	free(c);
}

int collect_ruleset_event_fd(struct collect_ruleset *c)
{
	return c->ev ? nlsock_fd(c->ev) : -1;
}

bool collect_ruleset_events(struct collect_ruleset *c)
{
	uint8_t buf[NLSOCK_DUMP_SIZE];
	bool changed = false;

	if (!c->ev)
		return false;
	for (;;) {
		ssize_t n = recv(nlsock_fd(c->ev), buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh;
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) { /* events lost: a full snapshot follows anyway */
				changed = true;
				continue;
			}
			break;
		}
		if (n == 0)
			break;
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			uint32_t gen, pid;
			char name[64];

			if (collect_parse_gen(nlh, &gen, &pid, name, sizeof(name)) == 0) {
				c->change_pid = pid;
				snprintf(c->change_proc, sizeof(c->change_proc), "%s", name);
				c->change_wall = time_wall();
				if (c->rec)
					record_frame(c->rec, REC_NFT_EVENT, nlh, nlh->nlmsg_len);
				changed = true;
			}
		}
	}
	if (changed)
		c->changed = true;
	return changed;
}

/* buf must hold MNL_ALIGN'ed attributes: zeroed so padding bytes are
 * defined (the kernel never reads them, valgrind does). */
static struct nlmsghdr *nft_req(uint8_t *buf, size_t size, int msg, uint8_t family, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

static int get_genid(struct collect_ruleset *c, uint32_t *genid)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = nft_req(buf, sizeof(buf), NFT_MSG_GETGEN, AF_UNSPEC, 0);
	const struct nlmsghdr *r;

	nlbuf_reset(&c->scratch);
	if (nlsock_request(c->req, nlh, 1, &c->scratch) < 0)
		return -1;
	r = nlbuf_first(&c->scratch);
	if (!r || collect_parse_gen(r, genid, NULL, NULL, 0) < 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

static int dump(struct collect_ruleset *c, int msg, struct nlbuf *out)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = nft_req(buf, sizeof(buf), msg, NFPROTO_UNSPEC, NLM_F_DUMP);

	return nlsock_request(c->req, nlh, 0, out);
}

static int dump_chain_rules(struct collect_ruleset *c, const struct snap_chain *ch, struct nlbuf *out)
{
	uint8_t buf[1024];
	struct nlmsghdr *nlh = nft_req(buf, sizeof(buf), NFT_MSG_GETRULE, ch->family, NLM_F_DUMP);

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, ch->table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, ch->name);
	return nlsock_request(c->req, nlh, 0, out);
}

static void set_error(struct snap_ruleset *rs, int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		rs->status = SRC_EPERM;
		rs->error = xstrdup("reading the nf_tables ruleset needs CAP_NET_ADMIN "
				    "(run as root, or: setcap cap_net_admin+ep iptop)");
		break;
	case EINVAL:
	case EOPNOTSUPP:
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
		rs->status = SRC_UNAVAILABLE;
		rs->error = xstrdup("nf_tables is not available on this kernel");
		break;
	default:
		rs->status = SRC_ERROR;
		rs->error = xasprintf("reading the nf_tables ruleset failed: %s", strerror(err));
		break;
	}
}

static struct snap_ruleset *failed(const struct snap_ruleset *prev, enum src_status keep_status, int err,
				   const char *msg)
{
	struct snap_ruleset *rs;

	if (prev && prev->status != SRC_EPERM && prev->status != SRC_UNAVAILABLE && prev->nchains) {
		rs = collect_ruleset_dup(prev);
		free(rs->error);
		rs->error = NULL;
		rs->status = keep_status;
		if (msg)
			rs->error = xstrdup(msg);
		else
			set_error(rs, err), rs->status = keep_status;
	} else {
		rs = xcalloc(1, sizeof(*rs));
		if (msg) {
			rs->status = keep_status == SRC_STALE ? SRC_ERROR : keep_status;
			rs->error = xstrdup(msg);
		} else {
			set_error(rs, err);
		}
	}
	rs->time_ns = time_mono_ns();
	return rs;
}

void collect_ruleset_add_legacy(struct snap_ruleset *rs, struct nlbuf *raw)
{
	enum src_status st = SRC_OK;
	char *cause = NULL;

	nlbuf_reset(raw);
	if (collect_legacy_read(rs, raw, &st, &cause) < 0) {
		nlbuf_reset(raw);
		rs->legacy_status = st;
		rs->legacy_error = cause;
		return;
	}
	free(cause);
	rs->legacy_status = SRC_OK;
	rs->both_backends = collect_legacy_both(rs);
	snapshot_sort_chains(rs);
}

void collect_ruleset_parse_legacy(struct snap_ruleset *rs, const void *raw, size_t len)
{
	char *cause = NULL;

	if (collect_legacy_parse(rs, raw, len, &cause) < 0) {
		rs->legacy_status = SRC_ERROR;
		rs->legacy_error = cause;
		return;
	}
	rs->legacy_status = SRC_OK;
	rs->both_backends = collect_legacy_both(rs);
	snapshot_sort_chains(rs);
}

struct snap_ruleset *collect_ruleset_snapshot(struct collect_ruleset *c, const struct snap_ruleset *prev,
					      bool (*want)(const struct snap_chain *ch, void *arg), void *want_arg)
{
	int attempt;
	int err = 0;

	if (!c->req)
		return failed(NULL, SRC_ERROR, c->open_errno, NULL);
	if (c->ev)
		collect_ruleset_events(c);

	for (attempt = 0; attempt < SNAP_RETRIES; attempt++) {
		uint32_t gen1, gen2;
		bool same_gen;
		struct snap_ruleset *rs, *shape;
		char *cause = NULL;
		struct collect_input in;
		size_t i;

		if (attempt) {
			struct timespec ts = { 0, 5000000L << (attempt < 5 ? attempt : 5) };

			nanosleep(&ts, NULL); /* back off while the ruleset churns */
		}
		if (get_genid(c, &gen1) < 0) {
			err = errno;
			if (err == EINTR)
				continue;
			break;
		}
		same_gen = prev && prev->status == SRC_OK && prev->genid == gen1;
		nlbuf_reset(&c->tables);
		nlbuf_reset(&c->chains);
		nlbuf_reset(&c->rules);
		if (!same_gen && dump(c, NFT_MSG_GETTABLE, &c->tables) < 0) {
			err = errno;
			if (err == EINTR)
				continue;
			break;
		}
		if (dump(c, NFT_MSG_GETCHAIN, &c->chains) < 0) {
			err = errno;
			if (err == EINTR)
				continue;
			break;
		}
		/* The chain list decides which per-chain rule dumps to run. */
		shape = xcalloc(1, sizeof(*shape));
		if (collect_parse_chains(shape, &c->chains, &cause) < 0) {
			snapshot_ruleset_free(shape);
			err = EBADMSG;
			free(cause);
			break;
		}
		err = 0;
		for (i = 0; i < shape->nchains; i++) {
			const struct snap_chain *ch = &shape->chains[i];

			if (same_gen && want && !want(ch, want_arg))
				continue;
			if (dump_chain_rules(c, ch, &c->rules) < 0) {
				err = errno;
				break;
			}
		}
		snapshot_ruleset_free(shape);
		if (err == EINTR || err == ENOENT)
			continue; /* changed under us */
		if (err)
			break;
		if (get_genid(c, &gen2) < 0) {
			err = errno;
			if (err == EINTR)
				continue;
			break;
		}
		if (gen1 != gen2)
			continue;

		in.genid = gen1;
		in.reuse_tables = same_gen;
		in.tables = same_gen ? NULL : &c->tables;
		in.chains = &c->chains;
		in.rules = &c->rules;
		rs = collect_ruleset_assemble(&in, prev, &cause);
		if (!rs) {
			struct snap_ruleset *f = failed(prev, SRC_ERROR, 0, cause);

			free(cause);
			return f;
		}
		if (c->change_wall > 0) {
			rs->change_pid = c->change_pid;
			rs->change_wall = c->change_wall;
			memcpy(rs->change_proc, c->change_proc, sizeof(rs->change_proc));
		}
		rs->time_ns = time_mono_ns();
		collect_ruleset_add_legacy(rs, &c->legacy);
		if (c->rec)
			record_ruleset(c->rec, &in, &c->legacy, rs);
		c->changed = false;
		return rs;
	}
	if (attempt == SNAP_RETRIES || err == EINTR)
		return failed(prev, SRC_CHANGING, 0, "ruleset changing: showing the last good snapshot");
	return failed(prev, SRC_STALE, err, NULL);
}
