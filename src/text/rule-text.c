/*
 * rule-text.c - one nf_tables rule (a parsed libnftnl rule, or for the
 * shapes iptables-nft writes its NEWRULE message itself) to the words a
 * user knows: for iptables-nft tables exactly the line `iptables -S` /
 * `ip6tables -S` prints, else nft syntax (rule-text-nft.c). This file holds
 * the public API; the iptables renderer (rule-text-ipt.c, fed the
 * expressions as values by rule-text-expr.c from libnftnl or by
 * rule-text-msg.c from the attributes) mirrors iptables' own
 * reverse translation (1.8.9 nft-shared.c / nft-ipv4.c / nft-ipv6.c,
 * 1.8.10+ nft-ruleparse*.c) for every encoding iptables-nft has used:
 *   -p        meta l4proto (1.8.1-1.8.9) and payload nh+9 (1.8.10+);
 *   ports     native payload/cmp/range (1.8.8+) and the xt tcp/udp blob;
 *   mark      native meta mark (1.8.8+) and the xt mark blob;
 *   comment   xt comment blob (1.8.3+) and rule userdata (1.8.0-1.8.2).
 *
 * It does not copy iptables' mistakes: a rule iptables would misprint (a
 * foreign expression iptables silently skips, a verdict plus a second
 * target, a native `log` without a group shown as NFLOG) comes out in nft
 * syntax instead of iptables words that would lie. The arp filter table's
 * rules get arptables words (rule-text-arp.c), those of the bridge filter,
 * nat and broute tables ebtables words (rule-text-ebt.c). Only the rule is
 * read; sets and chains live elsewhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/rule.h>

#include "iptop.h"
#include "rule-text.h"
#include "rule-text-int.h"

/* --- public -------------------------------------------------------------- */

/* Counter and verdict chain, whatever the syntax. */
static void scan_values(const struct rt_xval *xs, size_t n, struct rule_text *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct rt_xval *x = &xs[i];

		if (x->kind == RTX_COUNTER && !out->counted) {
			out->counted = true;
			out->packets = x->packets;
			out->bytes = x->bytes;
		} else if (x->kind == RTX_IMM && !(x->has & RTX_HAS_DATA) &&
			   (x->verdict == NFT_JUMP || x->verdict == NFT_GOTO) && x->chain &&
			   !out->target_chain) {
			out->target_chain = xstrdup(x->chain);
			out->is_goto = x->verdict == NFT_GOTO;
		}
	}
}

void rule_text_render(const struct nftnl_rule *r, uint8_t family, bool ipt,
		      const struct rule_text_sets *sets, struct rule_text *out)
{
	struct rt_xval buf[32], *xs;
	size_t n = rule_text_expr_all_values(r, buf, ARRAY_SIZE(buf), &xs);
	struct strbuf sb;

	memset(out, 0, sizeof(*out));
	if (ipt && (family == NFPROTO_IPV4 || family == NFPROTO_IPV6)) {
		const uint8_t *udata = NULL;
		uint32_t udlen = 0;

		if (nftnl_rule_is_set(r, NFTNL_RULE_USERDATA))
			udata = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &udlen);
		out->text = rule_text_ipt(xs, n, family, nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), udata,
					  udlen, out);
	} else if (ipt && family == NFPROTO_ARP) {
		out->text = rule_text_arp(r);
	} else if (ipt && family == NFPROTO_BRIDGE) {
		out->text = rule_text_ebt(r);
	}
	if (out->text) {
		out->syntax = RULE_SYNTAX_IPT;
	} else {
		strbuf_init(&sb);
		rule_text_nft(&sb, r, family, sets, &out->comment);
		out->syntax = RULE_SYNTAX_NFT;
		out->text = strbuf_steal(&sb);
	}
	scan_values(xs, n, out);
	if (xs != buf)
		free(xs);
}

bool rule_text_render_msg(const struct nlmsghdr *nlh, uint8_t family, bool ipt, struct rule_text *out)
{
	struct rt_xval xs[32];
	union {
		uint64_t align;
		uint8_t b[4096];
	} scratch;
	const uint8_t *udata;
	const char *chain;
	uint32_t udlen;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!ipt || (family != NFPROTO_IPV4 && family != NFPROTO_IPV6) ||
	    !rule_text_msg_rule(nlh, &chain, &udata, &udlen, xs, ARRAY_SIZE(xs), &n, &scratch,
				sizeof(scratch)))
		return false;
	out->text = rule_text_ipt(xs, n, family, chain, udata, udlen, out);
	if (!out->text)
		return false;	/* nft words: libnftnl's path */
	out->syntax = RULE_SYNTAX_IPT;
	scan_values(xs, n, out);
	return true;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool rule_text_same(const struct rule_text *a, const struct rule_text *b)
{
	return a->syntax == b->syntax && same_str(a->text, b->text) &&
	       same_str(a->target_chain, b->target_chain) && a->is_goto == b->is_goto &&
	       same_str(a->comment, b->comment) && a->counted == b->counted &&
	       a->packets == b->packets && a->bytes == b->bytes;
}

void rule_text_free(struct rule_text *rt)
{
	free(rt->text);
	free(rt->target_chain);
	free(rt->comment);
	memset(rt, 0, sizeof(*rt));
}

bool rule_text_ipt_table(uint8_t family, const char *table)
{
	static const char *const inet[] = { "filter", "nat", "mangle", "raw", "security" };
	static const char *const bridge[] = { "filter", "nat", "broute" };
	size_t i;

	if (!table)
		return false;
	switch (family) {
	case NFPROTO_IPV4:
	case NFPROTO_IPV6:
		for (i = 0; i < ARRAY_SIZE(inet); i++)
			if (!strcmp(table, inet[i]))
				return true;
		return false;
	case NFPROTO_ARP:
		return !strcmp(table, "filter");
	case NFPROTO_BRIDGE:
		for (i = 0; i < ARRAY_SIZE(bridge); i++)
			if (!strcmp(table, bridge[i]))
				return true;
		return false;
	}
	return false;
}
