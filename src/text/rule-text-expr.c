/*
 * rule-text-expr.c - the ground floor every renderer of an nf_tables rule
 * walks on: its expressions one by one, its userdata TLVs (the comment
 * iptables-nft 1.8.0-1.8.2 and nft keep there), and the two words the
 * iptables, arptables and ebtables renderers share: an interface compare
 * ("eth0", "eth+") and an immediate verdict (" -j ACCEPT", " -g CHAIN").
 * It calls nothing of rule-text*.c above it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "iptop.h"
#include "names.h"
#include "rule-text-int.h"

/* --- user comment (rule userdata TLV) ------------------------------------ */

/* Parsed by hand so unknown TLVs (newer compat data) are skipped. */
static const uint8_t *udata_tlv(const uint8_t *p, uint32_t len, uint8_t type, uint8_t *tlen)
{
	uint32_t off = 0;

	while (p && off + 2 <= len) {
		uint8_t l = p[off + 1];

		if (off + 2 + l > len)
			break;
		if (p[off] == type) {
			*tlen = l;
			return p + off + 2;
		}
		off += 2 + l;
	}
	return NULL;
}

const uint8_t *rule_text_expr_udata_tlv(const struct nftnl_rule *r, uint8_t type, uint8_t *tlen)
{
	const uint8_t *p;
	uint32_t len = 0;

	if (!nftnl_rule_is_set(r, NFTNL_RULE_USERDATA))
		return NULL;
	p = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	return udata_tlv(p, len, type, tlen);
}

/* libnftnl's NFTNL_UDATA_RULE_COMMENT: type 0, NUL-terminated. */
char *rule_text_expr_udata_comment(const uint8_t *udata, uint32_t len)
{
	uint8_t l = 0;
	const uint8_t *c = udata_tlv(udata, len, 0, &l);

	if (!c || l == 0)
		return NULL;
	return xstrndup((const char *)c, strnlen((const char *)c, l));
}

char *rule_text_expr_comment(const struct nftnl_rule *r)
{
	const uint8_t *p;
	uint32_t len = 0;

	if (!nftnl_rule_is_set(r, NFTNL_RULE_USERDATA))
		return NULL;
	p = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	return rule_text_expr_udata_comment(p, len);
}

/* --- an expression as values --------------------------------------------- */

/* The bytes of attribute a and their length; NULL when it is not set. */
static const uint8_t *expr_bytes(const struct nftnl_expr *e, uint16_t a, uint32_t *len)
{
	*len = 0;
	return nftnl_expr_get(e, a, len);
}

static void xt_values(const struct nftnl_expr *e, struct rt_xval *x, uint16_t name, uint16_t rev,
		      uint16_t info)
{
	x->name = nftnl_expr_get_str(e, name);
	x->rev = nftnl_expr_get_u32(e, rev);
	x->data = expr_bytes(e, info, &x->dlen);
}

static void log_values(const struct nftnl_expr *e, struct rt_xval *x)
{
	static const struct { uint16_t attr; uint32_t bit; } has[] = {
		{ NFTNL_EXPR_LOG_GROUP, RTX_HAS_GROUP }, { NFTNL_EXPR_LOG_LEVEL, RTX_HAS_LEVEL },
		{ NFTNL_EXPR_LOG_FLAGS, RTX_HAS_FLAGS }, { NFTNL_EXPR_LOG_PREFIX, RTX_HAS_PREFIX },
		{ NFTNL_EXPR_LOG_SNAPLEN, RTX_HAS_SNAPLEN },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(has); i++)
		if (nftnl_expr_is_set(e, has[i].attr))
			x->has |= has[i].bit;
	if (x->has & RTX_HAS_PREFIX)
		x->name = nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX);
	x->group = nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_GROUP);
	x->snaplen = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_SNAPLEN);
	x->qthreshold = nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD);
}

void rule_text_expr_values(const struct nftnl_expr *e, const char *name, struct rt_xval *x)
{
	memset(x, 0, sizeof(*x));
	if (!strcmp(name, "counter")) {
		x->kind = RTX_COUNTER;
		x->packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		x->bytes = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
	} else if (!strcmp(name, "cmp")) {
		x->kind = RTX_CMP;
		x->sreg = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG);
		x->op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP);
		x->data = expr_bytes(e, NFTNL_EXPR_CMP_DATA, &x->dlen);
	} else if (!strcmp(name, "range")) {
		x->kind = RTX_RANGE;
		x->sreg = nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_SREG);
		x->op = nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP);
		x->data = expr_bytes(e, NFTNL_EXPR_RANGE_FROM_DATA, &x->dlen);
		x->data2 = expr_bytes(e, NFTNL_EXPR_RANGE_TO_DATA, &x->dlen2);
	} else if (!strcmp(name, "payload")) {
		x->kind = RTX_PAYLOAD;
		if (nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_DREG))
			x->has |= RTX_HAS_DREG;
		x->dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG);
		x->base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
		x->offset = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
		x->len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
	} else if (!strcmp(name, "meta")) {
		x->kind = RTX_META;
		if (nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG))
			x->has |= RTX_HAS_DREG;
		if (nftnl_expr_is_set(e, NFTNL_EXPR_META_SREG))
			x->has |= RTX_HAS_SREG;
		x->key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
		x->dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG);
		x->sreg = nftnl_expr_get_u32(e, NFTNL_EXPR_META_SREG);
	} else if (!strcmp(name, "bitwise")) {
		x->kind = RTX_BITWISE;
		if (nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP))
			x->has |= RTX_HAS_OP;
		x->sreg = nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_SREG);
		x->dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_DREG);
		x->op = nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP);
		x->data = expr_bytes(e, NFTNL_EXPR_BITWISE_MASK, &x->dlen);
		x->data2 = expr_bytes(e, NFTNL_EXPR_BITWISE_XOR, &x->dlen2);
		x->data3 = expr_bytes(e, NFTNL_EXPR_BITWISE_DATA, &x->dlen3);
	} else if (!strcmp(name, "immediate")) {
		x->kind = RTX_IMM;
		x->dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG);
		if (nftnl_expr_is_set(e, NFTNL_EXPR_IMM_DATA)) {
			x->has |= RTX_HAS_DATA;
			x->data = expr_bytes(e, NFTNL_EXPR_IMM_DATA, &x->dlen);
		} else {
			x->verdict = (int32_t)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
			x->chain = nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN);
		}
	} else if (!strcmp(name, "match")) {
		x->kind = RTX_MATCH;
		xt_values(e, x, NFTNL_EXPR_MT_NAME, NFTNL_EXPR_MT_REV, NFTNL_EXPR_MT_INFO);
	} else if (!strcmp(name, "target")) {
		x->kind = RTX_TARGET;
		xt_values(e, x, NFTNL_EXPR_TG_NAME, NFTNL_EXPR_TG_REV, NFTNL_EXPR_TG_INFO);
	} else if (!strcmp(name, "limit")) {
		x->kind = RTX_LIMIT;
		x->rate = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE);
		x->unit = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT);
		x->burst = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_BURST);
		x->type = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_TYPE);
		x->flags = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_FLAGS);
	} else if (!strcmp(name, "log")) {
		x->kind = RTX_LOG;
		log_values(e, x);
	}
}

size_t rule_text_expr_all_values(const struct nftnl_rule *r, struct rt_xval *buf, size_t cap,
				 struct rt_xval **xs)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	size_t n = 0;

	*xs = buf;
	while (it && (e = nftnl_expr_iter_next(it)) != NULL) {
		if (n == cap) {
			struct rt_xval *more = xreallocarray(NULL, cap * 2, sizeof(*more));

			memcpy(more, *xs, n * sizeof(*more));
			if (*xs != buf)
				free(*xs);
			*xs = more;
			cap *= 2;
		}
		rule_text_expr_values(e, nftnl_expr_get_str(e, NFTNL_EXPR_NAME), &(*xs)[n++]);
	}
	if (it)
		nftnl_expr_iter_destroy(it);
	return n;
}

bool rule_text_expr_all(const struct nftnl_rule *r, rule_text_expr_fn fn, void *arg,
			struct rt_regs *rs)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	bool ok = it != NULL;

	while (ok && (e = nftnl_expr_iter_next(it)) != NULL)
		ok = fn(arg, rs, e, nftnl_expr_get_str(e, NFTNL_EXPR_NAME));
	if (it)
		nftnl_expr_iter_destroy(it);
	return ok;
}

void rule_text_expr_flag_words(struct strbuf *sb, uint32_t flags, const struct rt_flag_word *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (flags & t[i].flag)
			strbuf_add(sb, t[i].word);
}

bool rule_text_expr_iface_word(char *dst, const uint8_t *data, uint32_t len)
{
	if (len == 0 || len > IFNAMSIZ || dst[0])
		return false;
	if (data[len - 1] == '\0') {
		memcpy(dst, data, len);
		dst[IFNAMSIZ] = '\0';
	} else {
		if (len >= IFNAMSIZ)
			return false;
		memcpy(dst, data, len);
		dst[len] = '+';
		dst[len + 1] = '\0';
	}
	return dst[0] != '\0';
}

int rule_text_expr_verdict_words(struct strbuf *sb, int32_t v, const char *vchain, bool gotos,
				 const char **chain, bool *is_goto)
{
	switch (v) {
	case NFT_CONTINUE:
		return 0;
	case NF_ACCEPT:
	case NF_DROP:
	case NFT_RETURN:
		if (sb) {
			strbuf_add(sb, " -j ");
			strbuf_add(sb, names_verdict_ipt(v));
		}
		return 1;
	case NFT_JUMP:
	case NFT_GOTO:
		*chain = vchain;
		if (!*chain || (v == NFT_GOTO && !gotos))
			return -1;
		*is_goto = v == NFT_GOTO;
		if (sb) {
			strbuf_add(sb, *is_goto ? " -g " : " -j ");
			strbuf_add(sb, *chain);
		}
		return 1;
	}
	return -1;
}

int rule_text_expr_verdict_word(struct strbuf *sb, const struct nftnl_expr *e, bool gotos,
			   const char **chain, bool *is_goto)
{
	return rule_text_expr_verdict_words(sb, (int32_t)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT),
					    nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN), gotos, chain,
					    is_goto);
}

/* Prefix length of a contiguous mask, or -1. */
int rule_text_expr_mask_prefix(const uint8_t *m, uint32_t len)
{
	uint32_t i;
	int bits = 0;

	for (i = 0; i < len && m[i] == 0xff; i++)
		bits += 8;
	if (i < len) {
		uint8_t b = m[i];

		while (b & 0x80) {
			bits++;
			b <<= 1;
		}
		if (b)
			return -1;
		for (i++; i < len; i++)
			if (m[i])
				return -1;
	}
	return bits;
}
