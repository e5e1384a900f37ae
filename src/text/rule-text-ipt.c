/*
 * rule-text-ipt.c - the line `iptables -S` / `ip6tables -S` prints for an
 * nf_tables rule, from its expressions as plain values (struct rt_xval:
 * libnftnl's expressions or the message's attributes, read by the files
 * below). It mirrors iptables' own reverse translation (1.8.9
 * nft-shared.c / nft-ipv4.c / nft-ipv6.c, 1.8.10+ nft-ruleparse*.c) for
 * every encoding iptables-nft has used; see rule-text.c. A rule it cannot
 * say comes back NULL, and the caller writes nft words instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "iptop.h"
#include "rule-text.h"
#include "rule-text-int.h"

/* --- iptables words ------------------------------------------------------ */

/* What `iptables -S` would print for the rule, gathered in the order
 * iptables' parser fills its iptables_command_state. */
struct ipsave_state {
	uint8_t family;
	char iface[2][IFNAMSIZ + 2];  /* [0] -i, [1] -o; "eth+" for prefixes */
	bool iface_inv[2];
	uint8_t addr[2][16], mask[2][16];  /* [0] -s, [1] -d */
	bool addr_inv[2];
	uint8_t proto;
	bool proto_inv, frag, frag_inv;
	struct strbuf matches;
	bool have_tu;            /* the native tcp/udp match, at tu_pos */
	size_t tu_pos;
	bool tu_tcp;
	uint16_t spts[2], dpts[2];
	uint8_t tu_inv, flg_mask, flg_cmp;
	struct strbuf target;
	int ntargets;
	int32_t verdict;         /* with has_verdict: the target, written last */
	const char *vchain;
	bool has_verdict;
	const char *jump;        /* -j/-g user chain (points into the rule) */
	bool is_goto;
	char *comment;
};

/* The only compare operators iptables writes for most options. */
static bool is_eq_or_neq(uint32_t op)
{
	return op == NFT_CMP_EQ || op == NFT_CMP_NEQ;
}

/* parse_ifname() + parse_invalid_iface(): "INVAL/D" is `! -o +`. */
static bool ipsave_iface(struct ipsave_state *st, int dir, const uint8_t *data, uint32_t len,
			 uint32_t op)
{
	char *dst = st->iface[dir];

	if (!is_eq_or_neq(op) || !rule_text_expr_iface_word(dst, data, len))
		return false;
	st->iface_inv[dir] = op == NFT_CMP_NEQ;
	if (!st->iface_inv[dir] && !strcmp(dst, "INVAL/D")) {
		strcpy(dst, "+");
		st->iface_inv[dir] = true;
	}
	return dst[0] != '\0';
}

/* Create the native tcp/udp match where iptables would: at first use. */
static void ipsave_tcpudp_start(struct ipsave_state *st, bool tcp)
{
	if (st->have_tu)
		return;
	st->have_tu = true;
	st->tu_tcp = tcp;
	st->tu_pos = st->matches.len;
	st->spts[0] = st->dpts[0] = 0;
	st->spts[1] = st->dpts[1] = 0xffff;
}

/* port_match_single_to_range(): iptables folds <, <=, >, >= into ranges
 * (and prints `! --dport 0:1023`, stored as "> 1023", as 1024:65535). */
static void ipsave_port(uint16_t *pts, uint8_t *inv, uint8_t invbit, uint32_t op, int port)
{
	if (port < 0)
		return;
	switch (op) {
	case NFT_CMP_NEQ:
		*inv |= invbit;
		/* fall through */
	case NFT_CMP_EQ:
		pts[0] = pts[1] = port;
		break;
	case NFT_CMP_LT:
		pts[1] = port - 1 > 1 ? port - 1 : 1;
		break;
	case NFT_CMP_LTE:
		pts[1] = port;
		break;
	case NFT_CMP_GT:
		pts[0] = port + 1 < 0xffff ? port + 1 : 0xffff;
		break;
	case NFT_CMP_GTE:
		pts[0] = port;
		break;
	}
}

/* A compare on the transport header: tcp/udp ports and flags, icmp. */
static bool ipsave_transport(struct ipsave_state *st, const struct rt_reg *reg, const uint8_t *d,
			     uint32_t len, uint32_t op)
{
	bool v6 = st->family == NFPROTO_IPV6;

	if (st->proto_inv)
		return false;
	if ((st->proto == IPPROTO_ICMP && !v6) || (st->proto == IPPROTO_ICMPV6 && v6)) {
		/* nft_parse_icmp(): type, or type+code */
		if (op != NFT_CMP_EQ || reg->offset != 0 || reg->bitwise || len < 1 || len > 2)
			return false;
		rule_text_xt_icmp(&st->matches, v6, d[0], len == 2 ? d[1] : 0,
				  len == 2 ? d[1] : 0xff, false);
		return true;
	}
	if (st->proto != IPPROTO_TCP && st->proto != IPPROTO_UDP)
		return false;
	if (reg->offset == 13 && len == 1 && st->proto == IPPROTO_TCP) {
		if (!is_eq_or_neq(op))
			return false;
		ipsave_tcpudp_start(st, true);
		if (!st->tu_tcp)
			return false;
		if (op == NFT_CMP_NEQ)
			st->tu_inv |= XT_TCP_INV_FLAGS;
		st->flg_cmp = d[0];
		st->flg_mask = reg->bitwise ? reg->mask[0] : 0xff;
		return true;
	}
	if (reg->bitwise)
		return false;
	ipsave_tcpudp_start(st, st->proto == IPPROTO_TCP);
	if (st->tu_tcp != (st->proto == IPPROTO_TCP))
		return false;
	if (reg->offset == 0 && len == 2) {
		ipsave_port(st->spts, &st->tu_inv, XT_TCP_INV_SRCPT, op, d[0] << 8 | d[1]);
		return true;
	}
	if (reg->offset == 0 && len == 4 && is_eq_or_neq(op)) {
		ipsave_port(st->spts, &st->tu_inv, XT_TCP_INV_SRCPT, op, d[0] << 8 | d[1]);
		ipsave_port(st->dpts, &st->tu_inv, XT_TCP_INV_DSTPT, op, d[2] << 8 | d[3]);
		return true;
	}
	if (reg->offset == 2 && len == 2) {
		ipsave_port(st->dpts, &st->tu_inv, XT_TCP_INV_DSTPT, op, d[0] << 8 | d[1]);
		return true;
	}
	return false;
}

/* nft_parse_hl(): ttl / hop limit compares become -m ttl / -m hl. */
static bool ipsave_ttl(struct ipsave_state *st, uint8_t v, uint32_t op)
{
	uint8_t mode;

	switch (op) {
	case NFT_CMP_EQ:
		mode = 0;
		break;
	case NFT_CMP_NEQ:
		mode = 1;
		break;
	case NFT_CMP_LT:
		mode = 2;
		break;
	case NFT_CMP_GT:
		mode = 3;
		break;
	case NFT_CMP_LTE:
		if (v == 255)
			return false;
		mode = 2;
		v++;
		break;
	case NFT_CMP_GTE:
		if (v == 0)
			return false;
		mode = 3;
		v--;
		break;
	default:
		return false;
	}
	rule_text_xt_ttl(&st->matches, st->family == NFPROTO_IPV6, mode, v);
	return true;
}

/* -s/-d: a load of the first len bytes is a prefix; a full load with a
 * bitwise mask carries the mask. */
static bool ipsave_addr(struct ipsave_state *st, int which, const struct rt_reg *reg, const uint8_t *d,
			uint32_t len, uint32_t op, uint32_t alen)
{
	uint32_t i;

	if (!is_eq_or_neq(op) || len != reg->len || len == 0 || len > alen)
		return false;
	for (i = 0; reg->bitwise && i < len; i++)
		if (reg->xor[i])
			return false;
	memset(st->addr[which], 0, sizeof(st->addr[which]));
	memset(st->mask[which], 0, sizeof(st->mask[which]));
	memcpy(st->addr[which], d, len);
	if (reg->bitwise)
		memcpy(st->mask[which], reg->mask, len);
	else
		memset(st->mask[which], 0xff, len);
	st->addr_inv[which] = op == NFT_CMP_NEQ;
	return true;
}

/* Network header compares: -s, -d, -p (1.8.10+), -f, ttl/hl, at their
 * IPv4 or IPv6 header offsets. */
static bool ipsave_network(struct ipsave_state *st, const struct rt_reg *reg, const uint8_t *d,
			   uint32_t len, uint32_t op)
{
	bool v4 = st->family == NFPROTO_IPV4;
	uint32_t alen = v4 ? 4 : 16;

	if (reg->offset == (v4 ? 12u : 8u))
		return ipsave_addr(st, 0, reg, d, len, op, alen);
	if (reg->offset == (v4 ? 16u : 24u))
		return ipsave_addr(st, 1, reg, d, len, op, alen);
	if (reg->offset == (v4 ? 9u : 6u)) {	/* protocol, next header: -p since 1.8.10 */
		if (len != 1 || reg->len != 1 || reg->bitwise || !is_eq_or_neq(op))
			return false;
		st->proto = d[0];
		st->proto_inv = op == NFT_CMP_NEQ;
		return true;
	}
	if (reg->offset == (v4 ? 8u : 7u)) {	/* ttl, hop limit */
		if (len != 1 || reg->len != 1 || reg->bitwise)
			return false;
		return ipsave_ttl(st, d[0], op);
	}
	if (v4 && reg->offset == 6) {		/* -f: frag-off & 0x1fff != 0 */
		if (reg->len != 2 || !reg->bitwise || reg->mask[0] != 0x1f || reg->mask[1] != 0xff || len != 2 ||
		    d[0] || d[1] || !is_eq_or_neq(op))
			return false;
		st->frag = true;
		st->frag_inv = op == NFT_CMP_EQ;
		return true;
	}
	return false;
}

/* meta compares: -p (l4proto), -i/-o, iif/oif, mark, pkttype. */
static bool ipsave_meta(struct ipsave_state *st, const struct rt_reg *reg, const uint8_t *d,
			uint32_t len, uint32_t op)
{
	uint32_t v = 0;
	char name[IF_NAMESIZE];

	if (len >= 4)
		memcpy(&v, d, 4);
	switch (reg->key) {
	case NFT_META_L4PROTO:
		if (len != 1 || reg->bitwise || !is_eq_or_neq(op))
			return false;
		st->proto = d[0];
		st->proto_inv = op == NFT_CMP_NEQ;
		return true;
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
		if (reg->bitwise)
			return false;
		return ipsave_iface(st, reg->key == NFT_META_OIFNAME, d, len, op);
	case NFT_META_IIF:
	case NFT_META_OIF:
		/* iptables itself asks the kernel for the name */
		if (reg->bitwise || len != 4 || !if_indextoname(v, name))
			return false;
		return ipsave_iface(st, reg->key == NFT_META_OIF, (const uint8_t *)name,
				 strlen(name) + 1, op);
	case NFT_META_MARK:
		if (len != 4 || !is_eq_or_neq(op))
			return false;
		if (reg->bitwise) {
			uint32_t m, x;

			memcpy(&m, reg->mask, 4);
			memcpy(&x, reg->xor, 4);
			if (x)
				return false;
			rule_text_xt_mark(&st->matches, v, m, op == NFT_CMP_NEQ);
		} else {
			rule_text_xt_mark(&st->matches, v, 0xffffffffu, op == NFT_CMP_NEQ);
		}
		return true;
	case NFT_META_PKTTYPE:
		if (len != 1 || reg->bitwise || !is_eq_or_neq(op))
			return false;
		rule_text_xt_pkttype(&st->matches, d[0], op == NFT_CMP_NEQ);
		return true;
	}
	return false;
}

/* One cmp expression, by what its register holds. */
static bool ipsave_cmp(struct ipsave_state *st, struct rt_regs *rs, const struct rt_xval *x)
{
	const struct rt_reg *reg = rule_text_reg_use_num(rs, x->sreg);
	const uint8_t *d = x->data;

	if (!reg || !d || reg->shift)
		return false;
	if (reg->src == RT_SRC_META)
		return ipsave_meta(st, reg, d, x->dlen, x->op);
	if (reg->src != RT_SRC_PAYLOAD)
		return false;
	if (reg->base == NFT_PAYLOAD_NETWORK_HEADER)
		return ipsave_network(st, reg, d, x->dlen, x->op);
	if (reg->base == NFT_PAYLOAD_TRANSPORT_HEADER)
		return ipsave_transport(st, reg, d, x->dlen, x->op);
	return false;
}

/* nft_parse_transport_range(): --sport/--dport A:B */
static bool ipsave_range(struct ipsave_state *st, struct rt_regs *rs, const struct rt_xval *x)
{
	const struct rt_reg *reg = rule_text_reg_use_num(rs, x->sreg);
	uint32_t op = x->op, flen = x->dlen, tlen = x->dlen2;
	const uint8_t *from = x->data, *to = x->data2;
	uint16_t *pts;
	uint8_t invbit;

	if (!reg || reg->src != RT_SRC_PAYLOAD || reg->base != NFT_PAYLOAD_TRANSPORT_HEADER ||
	    reg->bitwise || !from || !to || flen != 2 || tlen != 2 || reg->len != 2 ||
	    st->proto_inv || (st->proto != IPPROTO_TCP && st->proto != IPPROTO_UDP))
		return false;
	ipsave_tcpudp_start(st, st->proto == IPPROTO_TCP);
	if (st->tu_tcp != (st->proto == IPPROTO_TCP))
		return false;
	if (reg->offset == 0) {
		pts = st->spts;
		invbit = XT_TCP_INV_SRCPT;
	} else if (reg->offset == 2) {
		pts = st->dpts;
		invbit = XT_TCP_INV_DSTPT;
	} else {
		return false;
	}
	if (op == NFT_RANGE_NEQ)
		st->tu_inv |= invbit;
	pts[0] = from[0] << 8 | from[1];
	pts[1] = to[0] << 8 | to[1];
	return true;
}

/* A verdict: -j/-g; `continue` is left out (iptables ignores it). */
static bool ipsave_verdict(struct ipsave_state *st, const struct rt_xval *x)
{
	int w = rule_text_expr_verdict_words(NULL, x->verdict, x->chain, true, &st->jump, &st->is_goto);

	/* written by ipsave_text(): a rule with a second target has no text */
	if (w > 0) {
		st->verdict = x->verdict;
		st->vchain = x->chain;
		st->has_verdict = true;
		st->ntargets++;
	}
	return w >= 0;
}

/* nft_parse_log(): iptables writes NFLOG as a native log with a group;
 * a groupless log (syslog) or one with level/flags is nft's own. */
static bool ipsave_log(struct ipsave_state *st, const struct rt_xval *x)
{
	if (!(x->has & RTX_HAS_GROUP) || (x->has & (RTX_HAS_LEVEL | RTX_HAS_FLAGS)))
		return false;
	rule_text_xt_nflog(&st->target, x->has & RTX_HAS_PREFIX ? x->name : NULL, x->group,
			   x->snaplen, x->has & RTX_HAS_SNAPLEN, x->qthreshold);
	st->ntargets++;
	return true;
}

/* nft_parse_limit(): packet limits only; iptables' avg is 1/10000 s. */
static bool ipsave_limit(struct ipsave_state *st, const struct rt_xval *x)
{
	if (x->rate == 0 || x->type != NFT_LIMIT_PKTS || x->flags != 0)
		return false;
	rule_text_xt_limit(&st->matches, (uint32_t)(10000 * x->unit / x->rate), x->burst);
	return true;
}

/* One expression; false when iptables cannot say it. */
static bool ipsave_expr(struct ipsave_state *st, struct rt_regs *rs, const struct rt_xval *x)
{
	switch (x->kind) {
	case RTX_COUNTER:
		return true;
	case RTX_CMP:
		return ipsave_cmp(st, rs, x);
	case RTX_RANGE:
		return ipsave_range(st, rs, x);
	case RTX_IMM:
		if (!(x->has & RTX_HAS_DATA))
			return ipsave_verdict(st, x);
		/* iptables loads only these */
		return rule_text_reg_track_values(rs, x);
	case RTX_META:
		if (x->has & RTX_HAS_SREG) {
			/* -j TRACE: immediate 1 + meta nftrace set */
			const struct rt_reg *s = rule_text_reg_use_num(rs, x->sreg);

			if (x->key != NFT_META_NFTRACE || !s || s->src != RT_SRC_IMM || s->data[0] == 0)
				return false;
			strbuf_add(&st->target, " -j TRACE");
			st->ntargets++;
			return true;
		}
		return rule_text_reg_track_values(rs, x);
	case RTX_PAYLOAD:
	case RTX_BITWISE:
		return rule_text_reg_track_values(rs, x);
	case RTX_MATCH:
		rule_text_xt_match(&st->matches, st->family, x->name, x->rev, x->data, x->dlen,
				   &st->comment);
		return true;
	case RTX_TARGET:
		rule_text_xt_target(&st->target, st->family, x->name, x->rev, x->data, x->dlen);
		st->ntargets++;
		return true;
	case RTX_LIMIT:
		return ipsave_limit(st, x);
	case RTX_LOG:
		return ipsave_log(st, x);
	default:
		return false;
	}
}

/* save_ipv4_addr() / save_ipv6_addr() */
static void ipsave_add_addr(struct strbuf *sb, const struct ipsave_state *st, int which)
{
	const uint8_t *a = st->addr[which], *m = st->mask[which];
	bool inv = st->addr_inv[which];
	char buf[INET6_ADDRSTRLEN];
	char letter = which ? 'd' : 's';
	int cidr = 0, i;
	bool zero_a = true, zero_m = true;
	uint64_t w[4];

	/* no -s / -d: most rules have one of them at most */
	memcpy(w, a, 16);
	memcpy(w + 2, m, 16);
	if (!inv && !(w[0] | w[1] | w[2] | w[3]))
		return;
	for (i = 0; i < 16; i++) {
		zero_a = zero_a && !a[i];
		zero_m = zero_m && !m[i];
	}
	/* prefix length, or -1 for a mask with holes */
	for (i = 0; i < (st->family == NFPROTO_IPV6 ? 16 : 4); i++) {
		uint8_t b = m[i];

		if (b == 0xff) {
			cidr += 8;
			continue;
		}
		while (b & 0x80) {
			cidr++;
			b <<= 1;
		}
		if (b)
			cidr = -1;
		for (i++; cidr >= 0 && i < (st->family == NFPROTO_IPV6 ? 16 : 4); i++)
			if (m[i])
				cidr = -1;
		break;
	}
	if (st->family == NFPROTO_IPV6) {
		if (!inv && cidr == 0)
			return;
		strbuf_addf(sb, "%s -%c %s", inv ? " !" : "", letter,
			    inet_ntop(AF_INET6, a, buf, sizeof(buf)));
		if (cidr == -1)
			strbuf_addf(sb, "/%s", inet_ntop(AF_INET6, m, buf, sizeof(buf)));
		else
			strbuf_addf(sb, "/%d", cidr);
		return;
	}
	if (zero_m && !inv && zero_a)
		return;
	strbuf_add(sb, inv ? " ! -" : " -");
	strbuf_addc(sb, letter);
	strbuf_addc(sb, ' ');
	strbuf_add_ipv4(sb, a);
	strbuf_addc(sb, '/');
	if (cidr >= 0)
		strbuf_add_u64(sb, (uint64_t)cidr);
	else
		strbuf_add_ipv4(sb, m);
}

/* Assemble "-A CHAIN" + addresses + -i/-o/-p/-f + matches + target. */
static char *ipsave_text(struct ipsave_state *st, const char *chain)
{
	struct strbuf sb;
	const char *pname;
	size_t len;
	int i;

	strbuf_init(&sb);
	strbuf_reserve(&sb, 96 + strlen(chain) + st->matches.len + st->target.len);
	strbuf_add(&sb, "-A ");
	strbuf_add(&sb, chain);
	ipsave_add_addr(&sb, st, 0);
	ipsave_add_addr(&sb, st, 1);
	for (i = 0; i < 2; i++)
		if (st->iface[i][0])
			strbuf_addf(&sb, "%s -%c %s", st->iface_inv[i] ? " !" : "", i ? 'o' : 'i',
				    st->iface[i]);
	if (st->proto) {
		pname = rule_text_xt_proto_name(st->proto);
		strbuf_add(&sb, st->proto_inv ? " !" : "");
		strbuf_add(&sb, " -p ");
		if (pname)
			strbuf_add(&sb, pname);
		else
			strbuf_add_u64(&sb, st->proto);
	}
	if (st->frag)
		strbuf_add(&sb, st->frag_inv ? " ! -f" : " -f");
	if (st->matches.len) {
		if (st->have_tu) {
			struct strbuf tu;

			strbuf_init(&tu);
			rule_text_xt_tcpudp(&tu, st->tu_tcp, st->spts, st->dpts, st->tu_inv, -1,
					    st->flg_mask, st->flg_cmp);
			strbuf_addn(&sb, st->matches.s, st->tu_pos);
			strbuf_add(&sb, tu.s);
			strbuf_add(&sb, st->matches.s + st->tu_pos);
			strbuf_free(&tu);
		} else {
			strbuf_add(&sb, st->matches.s);
		}
	} else if (st->have_tu) {
		rule_text_xt_tcpudp(&sb, st->tu_tcp, st->spts, st->dpts, st->tu_inv, -1,
				    st->flg_mask, st->flg_cmp);
	}
	if (st->target.len)
		strbuf_add(&sb, st->target.s);
	else if (st->has_verdict)
		rule_text_expr_verdict_words(&sb, st->verdict, st->vchain, true, &st->jump, &st->is_goto);
	/* the exact size: a first snapshot keeps thousands of these */
	len = sb.len;
	return xrealloc(strbuf_steal(&sb), len + 1);
}

char *rule_text_ipt(const struct rt_xval *xs, size_t n, uint8_t family, const char *chain,
		    const uint8_t *udata, uint32_t udlen, struct rule_text *out)
{
	struct ipsave_state st;
	struct rt_regs rs;
	char *text = NULL, *cmt;
	bool ok = chain != NULL;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.family = family;
	strbuf_init(&st.matches);
	strbuf_init(&st.target);
	rule_text_reg_init(&rs);
	for (i = 0; ok && i < n; i++)
		ok = ipsave_expr(&st, &rs, &xs[i]);
	if (ok && st.ntargets <= 1) {
		/* 1.8.0-1.8.2 comments: appended after the other matches */
		cmt = udata ? rule_text_expr_udata_comment(udata, udlen) : NULL;
		if (cmt) {
			strbuf_add(&st.matches, " -m comment --comment");
			rule_text_xt_quote(&st.matches, cmt);
			if (!st.comment)
				st.comment = cmt;
			else
				free(cmt);
		}
		text = ipsave_text(&st, chain);
		if (st.jump) {
			out->target_chain = xstrdup(st.jump);
			out->is_goto = st.is_goto;
		}
		out->comment = st.comment;
		st.comment = NULL;
	}
	free(st.comment);
	strbuf_free(&st.matches);
	strbuf_free(&st.target);
	rule_text_reg_free(&rs);
	return text;
}
