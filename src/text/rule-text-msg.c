/*
 * rule-text-msg.c - a NEWRULE message's expressions read straight from
 * its netlink attributes into plain values (struct rt_xval), without
 * libnftnl's object model (an allocation per rule and per expression, a
 * strcmp per expression name). Only what iptables-nft writes is read:
 * counter, cmp, range, payload and meta loads, bitwise, immediate, limit,
 * log (with a group: NFLOG) and the x_tables match/target. The values are
 * exactly those libnftnl 1.2's parsers give for the same attributes;
 * anything else (an attribute or expression not listed, a duplicate, a
 * length libnftnl would read or reject otherwise) is refused, and the
 * caller lets libnftnl read the rule. It calls nothing of rule-text*.c.
 */
#include <endian.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/x_tables.h>
#include <libmnl/libmnl.h>

#include "iptop.h"
#include "nlattr.h"
#include "rule-text.h"
#include "rule-text-int.h"

_Static_assert((int)NFTA_RANGE_SREG == (int)NFTA_CMP_SREG && (int)NFTA_RANGE_OP == (int)NFTA_CMP_OP &&
	       (int)NFTA_RANGE_FROM_DATA == (int)NFTA_CMP_DATA, "range attributes are cmp's");
_Static_assert((int)NFTA_TARGET_NAME == (int)NFTA_MATCH_NAME && (int)NFTA_TARGET_REV == (int)NFTA_MATCH_REV &&
	       (int)NFTA_TARGET_INFO == (int)NFTA_MATCH_INFO, "target attributes are match's");

/* The bytes nftnl's data registers hold (NFT_DATA_VALUE_MAXLEN). */
#define MSG_VALUE_MAX 64

/* Where xt blobs are copied to (aligned for the decoders' structs). */
struct msg_scratch {
	uint8_t *p;
	size_t used, len;
};

static bool get_u32(const struct nlattr *a, uint32_t *v)
{
	uint32_t be;

	if (nlattr_len(a) != sizeof(be))
		return false;
	memcpy(&be, nlattr_data(a), sizeof(be));
	*v = ntohl(be);
	return true;
}

static bool get_u64(const struct nlattr *a, uint64_t *v)
{
	uint64_t be;

	if (nlattr_len(a) != sizeof(be))
		return false;
	memcpy(&be, nlattr_data(a), sizeof(be));
	*v = be64toh(be);
	return true;
}

static bool get_u16(const struct nlattr *a, uint16_t *v)
{
	uint16_t be;

	if (nlattr_len(a) != sizeof(be))
		return false;
	memcpy(&be, nlattr_data(a), sizeof(be));
	*v = ntohs(be);
	return true;
}

/* A NUL-terminated string attribute (MNL_TYPE_NUL_STRING), or NULL. */
static const char *get_str(const struct nlattr *a)
{
	uint16_t len = nlattr_len(a);

	return len && ((const char *)nlattr_data(a))[len - 1] == '\0' ? nlattr_data(a) : NULL;
}

/* Each attribute type once: false for a second one (libnftnl keeps the
 * last, this reader would keep either: refuse). */
static bool first_time(uint32_t *seen, uint16_t type)
{
	if (type >= 32 || (*seen & (1u << type)))
		return false;
	*seen |= 1u << type;
	return true;
}

/* A data nest holding one NFTA_DATA_VALUE of 1..64 bytes. */
static bool get_value(const struct nlattr *nest, const uint8_t **d, uint32_t *len)
{
	const void *end;
	const struct nlattr *a;
	bool seen = false;

	if (nlattr_len(nest) < MNL_ATTR_HDRLEN)
		return false;
	nlattr_each_nested(a, nest, end) {
		if (nlattr_type(a) != NFTA_DATA_VALUE || seen)
			return false;
		seen = true;
		*len = nlattr_len(a);
		*d = nlattr_data(a);
	}
	return seen && *len > 0 && *len <= MSG_VALUE_MAX;
}

/* A data nest (NFTA_IMMEDIATE_DATA) holding one NFTA_DATA_VERDICT: its
 * code, and its chain (NULL when none). False for anything else, a
 * duplicate or an unknown attribute. */
static bool read_verdict(const struct nlattr *nest, int32_t *verdict, const char **chain)
{
	const void *end;
	const struct nlattr *a, *v = NULL;
	bool have_code = false;
	uint32_t seen = 0;

	*chain = NULL;
	nlattr_each_nested(a, nest, end) {
		if (nlattr_type(a) != NFTA_DATA_VERDICT || v)
			return false;
		v = a;
	}
	if (!v || nlattr_len(v) < MNL_ATTR_HDRLEN)
		return false;
	nlattr_each_nested(a, v, end) {
		uint16_t type = nlattr_type(a);
		uint32_t code;

		if (!first_time(&seen, type))
			return false;
		if (type == NFTA_VERDICT_CODE) {
			if (!get_u32(a, &code))
				return false;
			*verdict = (int32_t)code;
			have_code = true;
		} else if (type == NFTA_VERDICT_CHAIN) {
			if (!(*chain = get_str(a)))
				return false;
		} else {
			return false;
		}
	}
	return have_code;
}

const char *rule_text_msg_jump(const struct nlattr *data, bool *is_goto)
{
	const void *end;
	const struct nlattr *a;
	const char *chain = NULL;
	int32_t verdict = 0;

	nlattr_each_nested(a, data, end)
		if (nlattr_type(a) == NFTA_IMMEDIATE_DATA && nlattr_len(a) >= MNL_ATTR_HDRLEN &&
		    read_verdict(a, &verdict, &chain) && (verdict == NFT_JUMP || verdict == NFT_GOTO) && chain) {
			*is_goto = verdict == NFT_GOTO;
			return chain;
		}
	return NULL;
}

/* A verdict nest as iptables words can say it: a chain exactly when the
 * code is a jump or goto. */
static bool get_verdict(const struct nlattr *nest, struct rt_xval *x)
{
	if (!read_verdict(nest, &x->verdict, &x->chain))
		return false;
	/* what the iptables words can say (others: libnftnl's path) */
	if (x->verdict == NFT_JUMP || x->verdict == NFT_GOTO)
		return x->chain != NULL;
	return !x->chain && (x->verdict == NF_ACCEPT || x->verdict == NF_DROP ||
			     x->verdict == NFT_RETURN || x->verdict == NFT_CONTINUE);
}

static bool log_attr(struct rt_xval *x, const struct nlattr *a, uint16_t type)
{
	switch (type) {
	case NFTA_LOG_GROUP:
		x->has |= RTX_HAS_GROUP;
		return get_u16(a, &x->group);
	case NFTA_LOG_PREFIX:
		x->has |= RTX_HAS_PREFIX;
		return (x->name = get_str(a)) != NULL;
	case NFTA_LOG_SNAPLEN:
		x->has |= RTX_HAS_SNAPLEN;
		return get_u32(a, &x->snaplen);
	case NFTA_LOG_QTHRESHOLD:
		return get_u16(a, &x->qthreshold);
	case NFTA_LOG_LEVEL:
		x->has |= RTX_HAS_LEVEL;
		return false;	/* a syslog level: nft words */
	case NFTA_LOG_FLAGS:
		x->has |= RTX_HAS_FLAGS;
		return false;
	}
	return false;
}

/* One attribute of expression x's data nest; false refuses the rule. */
static bool expr_attr(struct rt_xval *x, const struct nlattr *a, struct msg_scratch *sc)
{
	uint16_t type = nlattr_type(a);

	switch (x->kind) {
	case RTX_COUNTER:
		if (type == NFTA_COUNTER_BYTES)
			return get_u64(a, &x->bytes);
		if (type == NFTA_COUNTER_PACKETS)
			return get_u64(a, &x->packets);
		return type == NFTA_COUNTER_PAD;
	case RTX_CMP:
	case RTX_RANGE:
		/* NFTA_CMP_SREG/OP/DATA and NFTA_RANGE_SREG/OP/FROM_DATA
		 * share 1, 2, 3 */
		if (type == NFTA_CMP_SREG)
			return get_u32(a, &x->sreg);
		if (type == NFTA_CMP_OP)
			return get_u32(a, &x->op);
		if (type == NFTA_CMP_DATA)
			return get_value(a, &x->data, &x->dlen);
		if (type == NFTA_RANGE_TO_DATA && x->kind == RTX_RANGE)
			return get_value(a, &x->data2, &x->dlen2);
		return false;
	case RTX_PAYLOAD:
		switch (type) {
		case NFTA_PAYLOAD_DREG:
			x->has |= RTX_HAS_DREG;
			return get_u32(a, &x->dreg);
		case NFTA_PAYLOAD_BASE:
			return get_u32(a, &x->base);
		case NFTA_PAYLOAD_OFFSET:
			return get_u32(a, &x->offset);
		case NFTA_PAYLOAD_LEN:
			return get_u32(a, &x->len);
		}
		return false;	/* a payload write, checksums */
	case RTX_META:
		if (type == NFTA_META_KEY)
			return get_u32(a, &x->key);
		if (type == NFTA_META_DREG) {
			x->has |= RTX_HAS_DREG;
			return get_u32(a, &x->dreg);
		}
		if (type == NFTA_META_SREG) {
			x->has |= RTX_HAS_SREG;
			return get_u32(a, &x->sreg);
		}
		return false;
	case RTX_BITWISE:
		switch (type) {
		case NFTA_BITWISE_SREG:
			return get_u32(a, &x->sreg);
		case NFTA_BITWISE_DREG:
			return get_u32(a, &x->dreg);
		case NFTA_BITWISE_LEN:
			return get_u32(a, &x->len);
		case NFTA_BITWISE_OP:
			x->has |= RTX_HAS_OP;
			return get_u32(a, &x->op);
		case NFTA_BITWISE_MASK:
			return get_value(a, &x->data, &x->dlen);
		case NFTA_BITWISE_XOR:
			return get_value(a, &x->data2, &x->dlen2);
		case NFTA_BITWISE_DATA:
			return get_value(a, &x->data3, &x->dlen3);
		}
		return false;
	case RTX_IMM:
		if (type == NFTA_IMMEDIATE_DREG)
			return get_u32(a, &x->dreg);
		if (type != NFTA_IMMEDIATE_DATA || nlattr_len(a) < MNL_ATTR_HDRLEN)
			return false;
		if (nlattr_type(nlattr_data(a)) == NFTA_DATA_VALUE) {
			x->has |= RTX_HAS_DATA;
			return get_value(a, &x->data, &x->dlen);
		}
		return get_verdict(a, x);
	case RTX_MATCH:
	case RTX_TARGET:
		/* NFTA_MATCH_* and NFTA_TARGET_* are both NAME, REV, INFO */
		if (type == NFTA_MATCH_NAME) {
			x->name = get_str(a);
			return x->name && strlen(x->name) < XT_EXTENSION_MAXNAMELEN;
		}
		if (type == NFTA_MATCH_REV)
			return get_u32(a, &x->rev);
		if (type == NFTA_MATCH_INFO) {
			size_t len = nlattr_len(a), room = (len + 7) & ~(size_t)7;

			if (len == 0 || room > sc->len - sc->used)
				return false;
			memcpy(sc->p + sc->used, nlattr_data(a), len);
			x->data = sc->p + sc->used;
			x->dlen = (uint32_t)len;
			sc->used += room;
			return true;
		}
		return false;
	case RTX_LIMIT:
		switch (type) {
		case NFTA_LIMIT_RATE:
			return get_u64(a, &x->rate);
		case NFTA_LIMIT_UNIT:
			return get_u64(a, &x->unit);
		case NFTA_LIMIT_BURST:
			return get_u32(a, &x->burst);
		case NFTA_LIMIT_TYPE:
			return get_u32(a, &x->type);
		case NFTA_LIMIT_FLAGS:
			return get_u32(a, &x->flags);
		}
		return type == NFTA_LIMIT_PAD;
	case RTX_LOG:
		return log_attr(x, a, type);
	default:
		return false;
	}
}

/* The kind of expression name (len bytes with its NUL), RTX_OTHER for
 * one this reader does not know: by length, then one compare. */
static enum rt_xkind msg_kind(const char *name, uint16_t len)
{
#define IS(word) (memcmp(name, word, sizeof(word)) == 0)
	switch (len) {
	case sizeof("cmp"):
		return IS("cmp") ? RTX_CMP : IS("log") ? RTX_LOG : RTX_OTHER;
	case sizeof("meta"):
		return IS("meta") ? RTX_META : RTX_OTHER;
	case sizeof("range"):
		return IS("range") ? RTX_RANGE : IS("match") ? RTX_MATCH : IS("limit") ? RTX_LIMIT : RTX_OTHER;
	case sizeof("target"):
		return IS("target") ? RTX_TARGET : RTX_OTHER;
	case sizeof("payload"):
		return IS("payload") ? RTX_PAYLOAD : IS("counter") ? RTX_COUNTER : IS("bitwise") ? RTX_BITWISE
												: RTX_OTHER;
	case sizeof("immediate"):
		return IS("immediate") ? RTX_IMM : RTX_OTHER;
	}
	return RTX_OTHER;
#undef IS
}

/* One NFTA_LIST_ELEM into x. */
static bool msg_expr(const struct nlattr *elem, struct rt_xval *x, struct msg_scratch *sc)
{
	const void *end;
	const struct nlattr *a, *data = NULL;
	uint32_t seen = 0;

	memset(x, 0, sizeof(*x));
	if (nlattr_type(elem) != NFTA_LIST_ELEM || nlattr_len(elem) < MNL_ATTR_HDRLEN)
		return false;
	nlattr_each_nested(a, elem, end) {
		uint16_t type = nlattr_type(a);

		if (!first_time(&seen, type))
			return false;
		if (type == NFTA_EXPR_NAME) {
			if (!get_str(a))
				return false;
			x->kind = msg_kind(nlattr_data(a), nlattr_len(a));
			if (x->kind == RTX_OTHER)
				return false;
		} else if (type == NFTA_EXPR_DATA) {
			data = a;
		} else {
			return false;
		}
	}
	if (x->kind == RTX_OTHER)
		return false;
	seen = 0;
	if (data && nlattr_len(data) != 0) {
		if (nlattr_len(data) < MNL_ATTR_HDRLEN)
			return false;
		nlattr_each_nested(a, data, end)
			if (!first_time(&seen, nlattr_type(a)) || !expr_attr(x, a, sc))
				return false;
	}
	/* an immediate without data would read as a drop */
	if (x->kind == RTX_IMM && !(seen & (1u << NFTA_IMMEDIATE_DATA)))
		return false;
	return true;
}

bool rule_text_msg_rule(const struct nlmsghdr *nlh, const char **chain, const uint8_t **udata,
			uint32_t *udlen, struct rt_xval *xs, size_t cap, size_t *n, void *scratch,
			size_t scratch_len)
{
	const void *end, *eend;
	struct msg_scratch sc = { scratch, 0, scratch_len };
	const struct nlattr *a, *e;
	uint32_t seen = 0;
	uint64_t u64;
	uint32_t u32;

	*chain = NULL;
	*udata = NULL;
	*udlen = 0;
	*n = 0;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return false;
	nlattr_each_msg(a, nlh, sizeof(struct nfgenmsg), end) {
		uint16_t type = nlattr_type(a);

		if (!first_time(&seen, type))
			return false;
		switch (type) {
		case NFTA_RULE_TABLE:
			if (!get_str(a))
				return false;
			break;
		case NFTA_RULE_CHAIN:
			if (!(*chain = get_str(a)))
				return false;
			break;
		case NFTA_RULE_HANDLE:
		case NFTA_RULE_POSITION:
			if (!get_u64(a, &u64))
				return false;
			break;
		case NFTA_RULE_ID:
		case NFTA_RULE_POSITION_ID:
			if (!get_u32(a, &u32))
				return false;
			break;
		case NFTA_RULE_USERDATA:
			*udata = nlattr_data(a);
			*udlen = nlattr_len(a);
			break;
		case NFTA_RULE_PAD:
			break;
		case NFTA_RULE_EXPRESSIONS:
			if (nlattr_len(a) != 0 && nlattr_len(a) < MNL_ATTR_HDRLEN)
				return false;
			nlattr_each_nested(e, a, eend) {
				if (*n == cap || !msg_expr(e, &xs[*n], &sc))
					return false;
				(*n)++;
			}
			break;
		default:
			return false;	/* compat, or newer than this reader */
		}
	}
	return *chain != NULL;
}
