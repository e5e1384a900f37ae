/*
 * rule-text-arp.c - a rule of the arp filter table arptables-nft manages,
 * in the words `arptables -S` (1.8.x, nft-arp.c) prints: the target
 * first, then -i, -o, -s, --src-mac, -d, --dst-mac, --h-length, --opcode,
 * --h-type, --proto-type, numerically ("-A INPUT -j ACCEPT --opcode 1").
 * arptables-nft writes every option as a native compare after its
 * implicit `arp htype 1 arp hlen 6 arp plen 4`.
 *
 * It does not copy arptables' mistakes: a rule arptables would misprint
 * (a masked MAC address, which it drops; no implicit header compares; a
 * foreign expression) or a compat target (mangle) returns NULL, and the
 * caller writes nft words instead.
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
#include "rule-text-int.h"

/* The fields of the arp header arptables compares (Ethernet and IPv4
 * addresses: the only ones arptables-nft writes). */
enum { ARPW_HRD, ARPW_PRO, ARPW_HLN, ARPW_PLN, ARPW_OP, ARPW_SMAC, ARPW_SIP, ARPW_TMAC, ARPW_TIP,
       ARPW_N };

static const struct {
	uint8_t off, len;
} arpw_fields[ARPW_N] = {
	[ARPW_HRD] = { 0, 2 }, [ARPW_PRO] = { 2, 2 }, [ARPW_HLN] = { 4, 1 }, [ARPW_PLN] = { 5, 1 },
	[ARPW_OP] = { 6, 2 }, [ARPW_SMAC] = { 8, 6 }, [ARPW_SIP] = { 14, 4 }, [ARPW_TMAC] = { 18, 6 },
	[ARPW_TIP] = { 24, 4 },
};

struct arpw_state {
	char iface[2][IFNAMSIZ + 2];    /* -i, -o; "eth+" for a prefix */
	bool iface_inv[2];
	bool have[ARPW_N], inv[ARPW_N];
	uint8_t val[ARPW_N][6];
	uint8_t mask[2][4];             /* -s, -d */
	struct strbuf target;           /* " -j ACCEPT", " -j CLASSIFY" */
	struct strbuf target_opts;      /* what the target's save() adds after */
	int ntargets;
};

/* A compare of a register arptables could have loaded. */
static bool arpw_cmp(struct arpw_state *st, struct rt_regs *rs, const struct nftnl_expr *e)
{
	struct rt_reg *r = rule_text_reg_use(rs, e, NFTNL_EXPR_CMP_SREG);
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), len = 0, i;
	const uint8_t *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	bool inv = op == NFT_CMP_NEQ;

	if (!r || !d || (op != NFT_CMP_EQ && op != NFT_CMP_NEQ))
		return false;
	if (r->src == RT_SRC_META && !r->bitwise &&
	    (r->key == NFT_META_IIFNAME || r->key == NFT_META_OIFNAME)) {
		int dir = r->key == NFT_META_OIFNAME;

		st->iface_inv[dir] = inv;
		return rule_text_expr_iface_word(st->iface[dir], d, len);
	}
	if (r->src != RT_SRC_PAYLOAD || r->base != NFT_PAYLOAD_NETWORK_HEADER)
		return false;
	for (i = 0; i < ARPW_N; i++) {
		bool ip = i == ARPW_SIP || i == ARPW_TIP;
		uint32_t k;

		if (arpw_fields[i].off != r->offset || st->have[i])
			continue;
		/* an address may be a prefix: a short load or a mask */
		if (len != arpw_fields[i].len && !(ip && len < 4 && len == r->len))
			return false;
		if (r->bitwise && !ip)
			return false;	/* arptables drops a MAC mask: not its words */
		memset(st->val[i], 0, sizeof(st->val[i]));
		memcpy(st->val[i], d, len);
		if (ip) {
			uint8_t *m = st->mask[i == ARPW_TIP];

			for (k = 0; k < 4; k++)
				m[k] = k < len ? (r->bitwise ? r->mask[k] : 0xff) : 0;
		}
		st->have[i] = true;
		st->inv[i] = inv;
		return true;
	}
	return false;
}

/* The CLASSIFY target (a compat blob: struct xt_classify_target_info,
 * the priority) or the native `meta priority set 1:2` it may become. */
static bool arpw_classify(struct arpw_state *st, struct rt_regs *rs, const struct nftnl_expr *e,
			  bool native)
{
	uint32_t prio, len = 0;

	if (native) {
		struct rt_reg *s = rule_text_reg_use(rs, e, NFTNL_EXPR_META_SREG);

		if (nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY) != NFT_META_PRIORITY || !s ||
		    s->src != RT_SRC_IMM || s->len != 4)
			return false;
		memcpy(&prio, s->data, 4);
	} else {
		const void *info = nftnl_expr_get(e, NFTNL_EXPR_TG_INFO, &len);
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);

		if (!info || len < 4 || !name || strcmp(name, "CLASSIFY") ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_TG_REV) != 0)
			return false;
		memcpy(&prio, info, 4);
	}
	strbuf_add(&st->target, " -j CLASSIFY");
	strbuf_addf(&st->target_opts, " --set-class %x:%x", prio >> 16, prio & 0xffff);
	st->ntargets++;
	return true;
}

/* A verdict; arptables has no goto, and no `continue` to write. */
static bool arpw_verdict(struct arpw_state *st, const struct nftnl_expr *e)
{
	const char *chain = NULL;
	bool is_goto = false;

	if (rule_text_expr_verdict_word(&st->target, e, false, &chain, &is_goto) <= 0)
		return false;
	st->ntargets++;
	return true;
}

static bool arpw_expr(void *arg, struct rt_regs *rs, const struct nftnl_expr *e, const char *name)
{
	struct arpw_state *st = arg;

	if (!strcmp(name, "counter"))
		return true;
	if (!strcmp(name, "cmp"))
		return arpw_cmp(st, rs, e);
	if (!strcmp(name, "immediate") && !nftnl_expr_is_set(e, NFTNL_EXPR_IMM_DATA))
		return arpw_verdict(st, e);
	if (!strcmp(name, "meta") && nftnl_expr_is_set(e, NFTNL_EXPR_META_SREG))
		return arpw_classify(st, rs, e, true);
	if (!strcmp(name, "target"))
		return arpw_classify(st, rs, e, false);
	if (!strcmp(name, "payload") || !strcmp(name, "meta") || !strcmp(name, "bitwise") ||
	    !strcmp(name, "immediate"))
		return rule_text_reg_track(rs, e, name);
	return false;
}

static uint32_t be16(const uint8_t *d)
{
	return (uint32_t)d[0] << 8 | d[1];
}

/* " [! ]OPT" */
static void arpw_opt(struct strbuf *sb, bool inv, const char *opt)
{
	strbuf_addf(sb, " %s%s", inv ? "! " : "", opt);
}

/* nft_arp_print_rule_details(), numeric. */
static char *arpw_text(const struct arpw_state *st, const char *chain)
{
	static const char *const ifopt[] = { "-i", "-o" };
	struct strbuf sb;
	int i, j;

	strbuf_init(&sb);
	strbuf_addf(&sb, "-A %s%s", chain, st->target.len ? st->target.s : "");
	for (i = 0; i < 2; i++) {
		if (st->iface[i][0]) {
			arpw_opt(&sb, st->iface_inv[i], ifopt[i]);
			strbuf_addf(&sb, " %s", st->iface[i]);
		}
	}
	for (i = 0; i < 2; i++) {	/* -s --src-mac, -d --dst-mac */
		int ip = i ? ARPW_TIP : ARPW_SIP, mac = i ? ARPW_TMAC : ARPW_SMAC;

		if (st->have[ip]) {
			uint8_t a[16] = { 0 }, m[16] = { 0 };

			memcpy(a, st->val[ip], 4);
			memcpy(m, st->mask[i], 4);
			arpw_opt(&sb, st->inv[ip], i ? "-d" : "-s");
			rule_text_xt_addr_mask(&sb, NFPROTO_IPV4, a, m);
		}
		if (st->have[mac]) {
			arpw_opt(&sb, st->inv[mac], i ? "--dst-mac " : "--src-mac ");
			for (j = 0; j < 6; j++)
				strbuf_addf(&sb, "%s%02x", j ? ":" : "", st->val[mac][j]);
		}
	}
	if (st->val[ARPW_HLN][0] != 6)
		strbuf_addf(&sb, "%s --h-length %u", st->inv[ARPW_HLN] ? " !" : "", st->val[ARPW_HLN][0]);
	if (st->have[ARPW_OP]) {
		arpw_opt(&sb, st->inv[ARPW_OP], "--opcode");
		strbuf_addf(&sb, " %u", be16(st->val[ARPW_OP]));
	}
	if (be16(st->val[ARPW_HRD]) != 1) {
		arpw_opt(&sb, st->inv[ARPW_HRD], "--h-type");
		strbuf_addf(&sb, " %u", be16(st->val[ARPW_HRD]));
	}
	if (st->have[ARPW_PRO]) {
		arpw_opt(&sb, st->inv[ARPW_PRO], "--proto-type");
		strbuf_addf(&sb, " 0x%x", be16(st->val[ARPW_PRO]));
	}
	if (st->target_opts.len)
		strbuf_add(&sb, st->target_opts.s);
	return strbuf_steal(&sb);
}

/* arptables-made: the implicit htype, hlen and plen 4 compares are there,
 * none inverted where arptables would not print the inversion, no
 * comment (arptables has none). */
static bool arpw_made(const struct arpw_state *st, const struct nftnl_rule *r)
{
	char *cmt = rule_text_expr_comment(r);
	bool comment = cmt != NULL;

	free(cmt);
	return !comment && st->have[ARPW_HRD] && st->have[ARPW_HLN] && st->have[ARPW_PLN] &&
	       st->val[ARPW_PLN][0] == 4 && !st->inv[ARPW_PLN] &&
	       !(st->inv[ARPW_HRD] && be16(st->val[ARPW_HRD]) == 1) &&
	       !(st->inv[ARPW_HLN] && st->val[ARPW_HLN][0] == 6);
}

char *rule_text_arp(const struct nftnl_rule *r)
{
	struct arpw_state st;
	struct rt_regs rs;
	const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	char *text = NULL;
	bool ok;

	memset(&st, 0, sizeof(st));
	strbuf_init(&st.target);
	strbuf_init(&st.target_opts);
	rule_text_reg_init(&rs);
	ok = chain != NULL && rule_text_expr_all(r, arpw_expr, &st, &rs);
	if (ok && st.ntargets <= 1 && arpw_made(&st, r))
		text = arpw_text(&st, chain);
	strbuf_free(&st.target);
	strbuf_free(&st.target_opts);
	rule_text_reg_free(&rs);
	return text;
}
