/*
 * rule-text-expr.c - the ground floor every renderer of an nf_tables rule
 * walks on: its expressions one by one, its userdata TLVs (the comment
 * iptables-nft 1.8.0-1.8.2 and nft keep there), and the two words the
 * iptables, arptables and ebtables renderers share: an interface compare
 * ("eth0", "eth+") and an immediate verdict (" -j ACCEPT", " -g CHAIN").
 * It calls nothing of rule-text*.c above it.
 */
#include <stdio.h>
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
const uint8_t *rule_text_expr_udata_tlv(const struct nftnl_rule *r, uint8_t type, uint8_t *tlen)
{
	const uint8_t *p;
	uint32_t len = 0, off = 0;

	if (!nftnl_rule_is_set(r, NFTNL_RULE_USERDATA))
		return NULL;
	p = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
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

/* libnftnl's NFTNL_UDATA_RULE_COMMENT: type 0, NUL-terminated. */
char *rule_text_expr_comment(const struct nftnl_rule *r)
{
	uint8_t l = 0;
	const uint8_t *c = rule_text_expr_udata_tlv(r, 0, &l);

	if (!c || l == 0)
		return NULL;
	return xstrndup((const char *)c, strnlen((const char *)c, l));
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

int rule_text_expr_verdict_word(struct strbuf *sb, const struct nftnl_expr *e, bool gotos,
			   const char **chain, bool *is_goto)
{
	int32_t v = (int32_t)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);

	switch (v) {
	case NFT_CONTINUE:
		return 0;
	case NF_ACCEPT:
	case NF_DROP:
	case NFT_RETURN:
		strbuf_add(sb, " -j ");
		strbuf_add(sb, names_verdict_ipt(v));
		return 1;
	case NFT_JUMP:
	case NFT_GOTO:
		*chain = nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN);
		if (!*chain || (v == NFT_GOTO && !gotos))
			return -1;
		*is_goto = v == NFT_GOTO;
		strbuf_add(sb, *is_goto ? " -g " : " -j ");
		strbuf_add(sb, *chain);
		return 1;
	}
	return -1;
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
