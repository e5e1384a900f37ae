/*
 * rule-text-nft.c - one nf_tables rule in nft words, close to what
 * `nft list ruleset` (nftables 1.0.x) prints for it: relations (with nft's
 * dependency elision: `meta l4proto tcp` before `tcp dport` is not shown),
 * prefixes, ranges, flag masks, set lookups and maps, verdicts and the
 * common statements. What each operand is called and how its values are
 * written is rule-text-nft-expr.c's part. A counter is shown as `counter` only: the numbers
 * live in their own columns.
 *
 * Anonymous sets are written inline when the caller read them
 * (rule-text-set.c), else named as the kernel names them (`@__set0`). It
 * does not resolve port or user names (nft does not either by default).
 * Compat blobs print as
 * `xt match NAME OPTIONS` with the iptables words rule-text-xt.c decodes.
 * An expression it does not know is shown as `[NAME]`, never dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_synproxy.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "iptop.h"
#include "rule-text-int.h"

/* Append a statement (takes text); its index, or -1 when full. A
 * statement built from a raw form carries the "[?]" marker. */
static int stmt_add(struct rt_nctx *c, char *text)
{
	if (c->undecoded) {
		char *t = xasprintf("%s [?]", text);

		free(text);
		text = t;
		c->undecoded = false;
	}
	if (c->n == RT_MAX_STMTS) {
		free(text);
		return -1;
	}
	c->st[c->n].text = text;
	c->st[c->n].dead = false;
	return (int)c->n++;
}

/* --- relational statements ----------------------------------------------- */

static const char *op_str(uint32_t op)
{
	switch (op) {
	case NFT_CMP_EQ:
		return "";
	case NFT_CMP_NEQ:
		return "!= ";
	case NFT_CMP_LT:
		return "< ";
	case NFT_CMP_LTE:
		return "<= ";
	case NFT_CMP_GT:
		return "> ";
	case NFT_CMP_GTE:
		return ">= ";
	}
	return "?? ";
}

/* Prefix length of a contiguous mask, or -1. */
static int mask_prefix(const uint8_t *m, uint32_t len)
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

/* Record protocol context from `X == value` compares nft uses as
 * dependencies. */
static void note_dependency(struct rt_nctx *c, const struct rt_reg *r, const uint8_t *d,
			    uint32_t len, int idx)
{
	if (r->bitwise)
		return;
	if (r->src == RT_SRC_META) {
		uint64_t v = rule_text_nft_value_host(d, len);

		if (r->key == NFT_META_NFPROTO) {
			c->nh = (int)v;
			c->nh_dep = idx;
		} else if (r->key == NFT_META_PROTOCOL) {
			v = rule_text_nft_value_be(d, len);
			c->nh = v == 0x0800 ? NFPROTO_IPV4 : v == 0x86dd ? NFPROTO_IPV6 :
				v == 0x0806 ? NFPROTO_ARP : 0;
			c->nh_dep = idx;
		} else if (r->key == NFT_META_L4PROTO) {
			c->l4 = (int)v;
			c->l4_dep = idx;
		} else if (r->key == NFT_META_IIFTYPE && v == 1) {
			c->ll_dep = idx;
		}
		return;
	}
	if (r->src != RT_SRC_PAYLOAD)
		return;
	if (r->base == NFT_PAYLOAD_LL_HEADER && len == 2 &&
	    (r->offset == 12 || (r->offset == 16 && c->vlan))) {
		uint64_t v = rule_text_nft_value_be(d, len);

		c->nh = v == 0x0800 ? NFPROTO_IPV4 : v == 0x86dd ? NFPROTO_IPV6 :
			v == 0x0806 ? NFPROTO_ARP : 0;
		/* a network header field implies `vlan type` too; `vlan id`
		 * implies only `ether type 8021q` */
		c->nh_dep = idx;
		if (r->offset == 12 && (v == 0x8100 || v == 0x88a8)) {
			c->vlan = true;
			c->vlan_dep = idx;
		}
	} else if (r->base == NFT_PAYLOAD_TRANSPORT_HEADER && r->offset == 0 && len == 1 &&
		   (c->l4 == IPPROTO_ICMP || c->l4 == IPPROTO_ICMPV6)) {
		c->icmp_type = d[0];
		c->icmp_dep = idx;
	} else if (r->base == NFT_PAYLOAD_NETWORK_HEADER && len == 1 &&
		   ((c->nh == NFPROTO_IPV4 && r->offset == 9) ||
		    (c->nh == NFPROTO_IPV6 && r->offset == 6))) {
		c->l4 = d[0];
		c->l4_dep = idx;
	}
}

/* `tcp sport 5 tcp dport 80` from one 4-byte compare (iptables writes
 * that), as nft splits it. */
static bool cmp_split(struct rt_nctx *c, const struct rt_reg *r, const uint8_t *d, uint32_t len)
{
	enum rt_hdr h = rule_text_nft_expr_hdr(c, r);
	uint32_t off = 0;
	struct strbuf sb;

	if (h == H_NONE || h == H_TH)
		return false;
	while (off < len) {	/* all pieces must be known fields */
		const struct rt_pfield *f = rule_text_nft_expr_field(c, h, r->offset + off, len - off);

		if (!f || off + f->len > len)
			return false;
		off += f->len;
	}
	rule_text_nft_expr_used(c, r, h);
	for (off = 0; off < len;) {
		const struct rt_pfield *f = rule_text_nft_expr_field(c, h, r->offset + off, len - off);

		strbuf_init(&sb);
		strbuf_addf(&sb, "%s %s ", rule_text_nft_expr_hdr_name(h), f->name);
		rule_text_nft_value_write(&sb, f->type, d + off, f->len);
		stmt_add(c, strbuf_steal(&sb));
		off += f->len;
	}
	return true;
}

/* Undo a byteorder hton() on each size-byte element of d. */
static void swap_elems(uint8_t *d, uint32_t len, uint8_t size)
{
	uint32_t i, j;

	if (size < 2)
		return;
	for (i = 0; i + size <= len; i += size)
		for (j = 0; j < size / 2u; j++) {
			uint8_t t = d[i + j];

			d[i + j] = d[i + size - 1 - j];
			d[i + size - 1 - j] = t;
		}
}

/* cmp: "LHS [op] VALUE", prefixes, flag tests, masks, ranges from >=/<=. */
static void do_cmp(struct rt_nctx *c, const struct nftnl_expr *e)
{
	struct rt_reg *r = rule_text_reg_use(&c->rs, e, NFTNL_EXPR_CMP_SREG);
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), len = 0;
	const uint8_t *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	uint8_t v[16] = { 0 }, m[16];
	struct strbuf sb;
	struct rt_lhs l;
	int idx, slot = rule_text_reg_slot(nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG));

	if (!r || !d || len > sizeof(v)) {
		c->undecoded = true;
		stmt_add(c, xstrdup("[cmp]"));
		return;
	}
	memcpy(v, d, len);
	memcpy(m, r->mask, sizeof(m));
	if (r->src == RT_SRC_PAYLOAD && !r->bitwise && op == NFT_CMP_EQ && len == r->len) {
		const struct rt_pfield *f =
			rule_text_nft_expr_field(c, rule_text_nft_expr_hdr(c, r), r->offset, len);

		if (f && f->len < len && cmp_split(c, r, v, len))
			return;
	}
	rule_text_nft_expr_name(c, r, &l);
	if (r->hton && rule_text_nft_value_host_order(l.type)) {
		swap_elems(v, len, r->hton);	/* back to host order */
		swap_elems(m, len, r->hton);
	}
	strbuf_init(&sb);
	if (r->bitwise && l.bits) {		/* ip dscp cs1, vlan id 100 */
		uint8_t fv[8];

		strbuf_addf(&sb, "%s %s", l.name, op_str(op));
		rule_text_nft_value_write(&sb, l.type, fv,
					 rule_text_nft_value_bits(v, m, len, l.vshift, l.vlen, fv));
	} else if (r->bitwise) {
		int plen = l.addr ? mask_prefix(m, len) : -1;
		bool zero = true;
		uint32_t i;

		for (i = 0; i < len; i++)
			zero = zero && !v[i];
		if (plen >= 0 && (op == NFT_CMP_EQ || op == NFT_CMP_NEQ)) {
			strbuf_addf(&sb, "%s %s", l.name, op_str(op));
			rule_text_nft_value_write(&sb, l.type, v, len);
			strbuf_addf(&sb, "/%d", plen);
		} else if ((l.type == VT_CT_STATE || l.type == VT_CT_STATUS || l.type == VT_TCP_FLAGS ||
			    l.type == VT_CT_LABEL) && zero && op == NFT_CMP_NEQ) {
			strbuf_addf(&sb, "%s ", l.name);	/* ct state established,related */
			rule_text_nft_value_write(&sb, l.type, m, len);
		} else if ((l.type == VT_CT_STATE || l.type == VT_CT_STATUS || l.type == VT_TCP_FLAGS) &&
			   !zero && (op == NFT_CMP_EQ || op == NFT_CMP_NEQ)) {
			strbuf_addf(&sb, "%s %s", l.name, op_str(op));	/* tcp flags syn / fin,syn */
			rule_text_nft_value_write(&sb, l.type, v, len);
			strbuf_add(&sb, " / ");
			rule_text_nft_value_write(&sb, l.type, m, len);
		} else {
			strbuf_addf(&sb, "%s & ", l.name);
			rule_text_nft_value_write(&sb, l.type == VT_IFNAME ? VT_RAW : l.type, m, len);
			strbuf_addf(&sb, " %s", op == NFT_CMP_EQ ? "== " : op_str(op));
			rule_text_nft_value_write(&sb, l.type, v, len);
		}
	} else if (l.addr && l.flen > len) {	/* short load = prefix */
		strbuf_addf(&sb, "%s %s", l.name, op_str(op));
		rule_text_nft_value_write(&sb, l.type, v, l.flen);
		strbuf_addf(&sb, "/%u", len * 8);
	} else {
		strbuf_addf(&sb, "%s %s", l.name, op_str(op));
		rule_text_nft_value_write(&sb, l.type, v, len);
	}
	/* nft writes `X a-b` as X >= a, X <= b: join them back */
	if (op == NFT_CMP_LTE && c->gte_stmt == (int)c->n - 1 && c->gte_slot == slot &&
	    c->gte_seq == r->seq && c->gte_lhs && !strcmp(c->gte_lhs, l.name)) {
		struct strbuf rng;

		strbuf_init(&rng);
		strbuf_addf(&rng, "%s %s-%s", l.name, c->gte_val, sb.s + strlen(l.name) + 4);
		free(c->st[c->gte_stmt].text);
		c->st[c->gte_stmt].text = strbuf_steal(&rng);
		strbuf_free(&sb);
		c->gte_stmt = -1;
		return;
	}
	idx = stmt_add(c, strbuf_steal(&sb));
	if (op == NFT_CMP_EQ)
		note_dependency(c, r, v, len, idx);
	if (op == NFT_CMP_GTE && idx >= 0) {
		free(c->gte_lhs);
		free(c->gte_val);
		c->gte_lhs = xstrdup(l.name);
		c->gte_val = xstrdup(c->st[idx].text + strlen(l.name) + 4);
		c->gte_stmt = idx;
		c->gte_slot = slot;
		c->gte_seq = r->seq;
	}
}

/* range: "LHS [!=] A-B". */
static void do_range(struct rt_nctx *c, const struct nftnl_expr *e)
{
	struct rt_reg *r = rule_text_reg_use(&c->rs, e, NFTNL_EXPR_RANGE_SREG);
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP), flen = 0, tlen = 0;
	const uint8_t *from = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &flen);
	const uint8_t *to = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &tlen);
	uint8_t lo[16], hi[16];
	struct strbuf sb;
	struct rt_lhs l;

	if (!r || !from || !to) {
		c->undecoded = true;
		stmt_add(c, xstrdup("[range]"));
		return;
	}
	rule_text_nft_expr_name(c, r, &l);
	if (flen > sizeof(lo) || tlen > sizeof(hi)) {
		c->undecoded = true;
		stmt_add(c, xstrdup("[range]"));
		return;
	}
	memcpy(lo, from, flen);
	memcpy(hi, to, tlen);
	if (r->hton && rule_text_nft_value_host_order(l.type)) {
		swap_elems(lo, flen, r->hton);
		swap_elems(hi, tlen, r->hton);
	}
	strbuf_init(&sb);
	strbuf_addf(&sb, "%s %s", l.name, op == NFT_RANGE_NEQ ? "!= " : "");
	rule_text_nft_value_write(&sb, l.type, lo, flen);
	strbuf_addc(&sb, '-');
	rule_text_nft_value_write(&sb, l.type, hi, tlen);
	stmt_add(c, strbuf_steal(&sb));
}

/* lookup: "KEY [!=] @set", "KEY vmap @map", or a map result in a register;
 * an anonymous set is written inline ("tcp dport { 22, 80 }"). */
static void do_lookup(struct rt_nctx *c, const struct nftnl_expr *e)
{
	const char *set = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS);
	struct rt_keyspec ks;
	struct strbuf sb;

	strbuf_init(&sb);
	rule_text_nft_expr_key(c, &sb, nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG), &ks);
	if (!nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG)) {
		strbuf_add(&sb, (flags & NFT_LOOKUP_F_INV) ? " != " : " ");
		rule_text_set_ref(&sb, c->sets, c->family, c->table, set, &ks);
		stmt_add(c, strbuf_steal(&sb));
	} else if (nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) == NFT_REG_VERDICT) {
		strbuf_add(&sb, " vmap ");
		rule_text_set_ref(&sb, c->sets, c->family, c->table, set, &ks);
		stmt_add(c, strbuf_steal(&sb));
	} else {
		uint32_t dlen = rule_text_set_data_len(c->sets, c->family, c->table, set);

		strbuf_add(&sb, " map ");
		rule_text_set_ref(&sb, c->sets, c->family, c->table, set, &ks);
		/* a concatenated result (address . port) fills several registers */
		rule_text_reg_set_desc(&c->rs, nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG),
				       strbuf_steal(&sb), dlen > 4 && dlen <= 64 ? dlen : 4, VT_HOST);
	}
}

/* --- statements ---------------------------------------------------------- */

static void add_rate(struct strbuf *sb, uint64_t bytes)
{
	static const char *const units[] = { "bytes", "kbytes", "mbytes" };
	size_t i = 0;

	while (bytes && i + 1 < ARRAY_SIZE(units) && bytes % 1024 == 0) {
		bytes /= 1024;
		i++;
	}
	strbuf_addf(sb, "%llu %s", (unsigned long long)bytes, units[i]);
}

/* limit units as nft names them. */
static const char *time_unit(uint64_t u)
{
	switch (u) {
	case 1:
		return "second";
	case 60:
		return "minute";
	case 3600:
		return "hour";
	case 86400:
		return "day";
	case 604800:
		return "week";
	}
	return "error";
}

/* limit_stmt_print(): packets or bytes per unit, burst when not default. */
static void add_limit(struct strbuf *sb, const struct nftnl_expr *e)
{
	bool over = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_FLAGS) & NFT_LIMIT_F_INV;
	uint64_t rate = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE);
	const char *unit = time_unit(nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT));
	uint32_t burst = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_BURST);

	strbuf_addf(sb, "limit rate %s", over ? "over " : "");
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_TYPE) == NFT_LIMIT_PKT_BYTES) {
		add_rate(sb, rate);
		strbuf_addf(sb, "/%s", unit);
		if (burst) {
			strbuf_add(sb, " burst ");
			add_rate(sb, burst);
		}
		return;
	}
	strbuf_addf(sb, "%llu/%s", (unsigned long long)rate, unit);
	if (burst && burst != 5)
		strbuf_addf(sb, " burst %u packets", burst);
}

/* log_stmt_print(): prefix, group, snaplen, threshold, level, flags. */
static void add_log(struct strbuf *sb, const struct nftnl_expr *e)
{
	static const char *const levels[] = {
		"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit",
	};
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_FLAGS), level;

	strbuf_add(sb, "log");
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_PREFIX) && nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX))
		strbuf_addf(sb, " prefix \"%s\"", nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_GROUP))
		strbuf_addf(sb, " group %u", nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_GROUP));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_SNAPLEN) && nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_SNAPLEN))
		strbuf_addf(sb, " snaplen %u", nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_SNAPLEN));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_QTHRESHOLD) &&
	    nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD))
		strbuf_addf(sb, " queue-threshold %u", nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_LEVEL)) {
		level = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_LEVEL);
		if (level != 4)
			strbuf_addf(sb, " level %s", level < ARRAY_SIZE(levels) ? levels[level] : "?");
	}
	if ((flags & 0x2f) == 0x2f) {
		strbuf_add(sb, " flags all");
		return;
	}
	if (flags & 0x03)
		strbuf_addf(sb, " flags tcp%s%s%s", (flags & 1) ? " sequence" : "",
			    (flags & 3) == 3 ? "," : (flags & 2) ? " " : "", (flags & 2) ? "options" : "");
	if (flags & 0x04)
		strbuf_add(sb, " flags ip options");
	if (flags & 0x08)
		strbuf_add(sb, " flags skuid");
	if (flags & 0x20)
		strbuf_add(sb, " flags ether");
}

/* reject_stmt_print(): the family's default code is left out. */
static void add_reject(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	static const struct rt_sym icmp_codes[] = {
		{ 0, "net-unreachable" }, { 1, "host-unreachable" }, { 2, "prot-unreachable" },
		{ 3, "port-unreachable" }, { 4, "frag-needed" }, { 9, "net-prohibited" },
		{ 10, "host-prohibited" }, { 13, "admin-prohibited" },
	};
	static const struct rt_sym icmp6_codes[] = {
		{ 0, "no-route" }, { 1, "admin-prohibited" }, { 3, "addr-unreachable" },
		{ 4, "port-unreachable" }, { 5, "policy-fail" }, { 6, "reject-route" },
	};
	static const struct rt_sym icmpx_codes[] = {
		{ 0, "no-route" }, { 1, "port-unreachable" }, { 2, "host-unreachable" },
		{ 3, "admin-prohibited" },
	};
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_REJECT_TYPE);
	uint8_t code = nftnl_expr_get_u8(e, NFTNL_EXPR_REJECT_CODE);
	bool ipfam = c->family == NFPROTO_IPV4 || c->family == NFPROTO_IPV6;
	int fam = ipfam ? c->family : c->nh;

	strbuf_add(sb, "reject");
	if (type == NFT_REJECT_TCP_RST) {
		strbuf_add(sb, " with tcp reset");
		return;
	}
	if (type == NFT_REJECT_ICMPX_UNREACH) {
		if (code != NFT_REJECT_ICMPX_PORT_UNREACH) {
			strbuf_add(sb, " with icmpx ");
			rule_text_nft_value_sym(sb, icmpx_codes, ARRAY_SIZE(icmpx_codes), code);
		}
		return;
	}
	/* an icmp/icmpv6 type outside ip/ip6 tables is always written (the
	 * family's default is icmpx), and implies the `meta nfproto` before it */
	if (!ipfam)
		rule_text_nft_expr_kill(c, &c->nh_dep);
	if (fam == NFPROTO_IPV6) {
		if (code != 4 || !ipfam) {
			strbuf_add(sb, " with icmpv6 ");
			rule_text_nft_value_sym(sb, icmp6_codes, ARRAY_SIZE(icmp6_codes), code);
		}
	} else if (code != 3 || !ipfam) {
		strbuf_add(sb, " with icmp ");
		rule_text_nft_value_sym(sb, icmp_codes, ARRAY_SIZE(icmp_codes), code);
	}
}

/* snat/dnat/masquerade/redirect, as nat_stmt_print() writes them. */
static void add_nat(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e,
		    const char *kind)
{
	uint16_t amin_a = NFTNL_EXPR_NAT_REG_ADDR_MIN, amax_a = NFTNL_EXPR_NAT_REG_ADDR_MAX;
	uint16_t pmin_a = NFTNL_EXPR_NAT_REG_PROTO_MIN, pmax_a = NFTNL_EXPR_NAT_REG_PROTO_MAX;
	uint16_t flags_a = NFTNL_EXPR_NAT_FLAGS;
	uint32_t flags, fam = NFPROTO_UNSPEC;
	struct rt_reg *amin = NULL, *amax = NULL, *pmin = NULL, *pmax = NULL;
	enum rt_vt at;
	bool brackets;

	if (!strcmp(kind, "masquerade")) {
		pmin_a = NFTNL_EXPR_MASQ_REG_PROTO_MIN;
		pmax_a = NFTNL_EXPR_MASQ_REG_PROTO_MAX;
		flags_a = NFTNL_EXPR_MASQ_FLAGS;
	} else if (!strcmp(kind, "redirect")) {
		pmin_a = NFTNL_EXPR_REDIR_REG_PROTO_MIN;
		pmax_a = NFTNL_EXPR_REDIR_REG_PROTO_MAX;
		flags_a = NFTNL_EXPR_REDIR_FLAGS;
	} else {
		fam = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_FAMILY);
		if (nftnl_expr_is_set(e, amin_a))
			amin = rule_text_reg_use(&c->rs, e, amin_a);
		if (nftnl_expr_is_set(e, amax_a))
			amax = rule_text_reg_use(&c->rs, e, amax_a);
	}
	if (nftnl_expr_is_set(e, pmin_a))
		pmin = rule_text_reg_use(&c->rs, e, pmin_a);
	if (nftnl_expr_is_set(e, pmax_a))
		pmax = rule_text_reg_use(&c->rs, e, pmax_a);
	flags = nftnl_expr_get_u32(e, flags_a);
	strbuf_add(sb, kind);
	at = fam == NFPROTO_IPV6 || (fam == NFPROTO_UNSPEC && c->family == NFPROTO_IPV6) ?
	     VT_IPV6 : VT_IPV4;
	/* address and port from one map ("ip daddr . tcp dport map { K :
	 * 192.0.2.1 . 8080 }"): the map's result spans both registers, nft
	 * names the family and writes the map alone */
	if (amin && amin->src == RT_SRC_OTHER && amin->len > (at == VT_IPV6 ? 16u : 4u) &&
	    nftnl_expr_is_set(e, pmin_a) && !pmin) {
		strbuf_addf(sb, "%s to ", fam == NFPROTO_IPV6 ? " ip6" : fam == NFPROTO_IPV4 ? " ip" : "");
		rule_text_nft_expr_reg_value(c, sb, amin, at);
		amin = NULL;
	}
	if (amin || pmin) {
		if (c->family == NFPROTO_INET && (fam == NFPROTO_IPV4 || fam == NFPROTO_IPV6))
			strbuf_add(sb, fam == NFPROTO_IPV4 ? " ip" : " ip6");
		if (flags & NF_NAT_RANGE_NETMAP)
			strbuf_add(sb, " prefix");
		strbuf_add(sb, " to");
	}
	if (amin) {
		brackets = at == VT_IPV6 && pmin;
		strbuf_add(sb, brackets ? " [" : " ");
		rule_text_nft_expr_reg_value(c, sb, amin, at);
		if (amax && amax != amin && !(amax->src == RT_SRC_IMM && amin->src == RT_SRC_IMM &&
					      !memcmp(amax->data, amin->data, sizeof(amin->data)))) {
			strbuf_add(sb, brackets ? "]-[" : "-");
			rule_text_nft_expr_reg_value(c, sb, amax, at);
		}
		strbuf_add(sb, brackets ? "]" : "");
	}
	if (pmin) {
		strbuf_add(sb, amin ? ":" : " :");
		rule_text_nft_expr_reg_value(c, sb, pmin, VT_PORT);
		if (pmax && pmax != pmin && !(pmax->src == RT_SRC_IMM && pmin->src == RT_SRC_IMM &&
					      !memcmp(pmax->data, pmin->data, 2))) {
			strbuf_addc(sb, '-');
			rule_text_nft_expr_reg_value(c, sb, pmax, VT_PORT);
		}
	}
	if (flags & NF_NAT_RANGE_PROTO_RANDOM)
		strbuf_add(sb, " random");
	if (flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		strbuf_add(sb, (flags & NF_NAT_RANGE_PROTO_RANDOM) ? ",fully-random" : " fully-random");
	if (flags & NF_NAT_RANGE_PERSISTENT)
		strbuf_add(sb, (flags & (NF_NAT_RANGE_PROTO_RANDOM | NF_NAT_RANGE_PROTO_RANDOM_FULLY)) ?
			   ",persistent" : " persistent");
}

/* meta/ct/payload "set" statements. */
static void add_set_stmt(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e,
			 const char *name)
{
	struct rt_reg *s;
	struct rt_lhs l;

	memset(&l, 0, sizeof(l));
	if (!strcmp(name, "meta")) {
		uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);

		s = rule_text_reg_use(&c->rs, e, NFTNL_EXPR_META_SREG);
		rule_text_nft_expr_setter(false, key, &l);
	} else if (!strcmp(name, "ct")) {
		uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);

		s = rule_text_reg_use(&c->rs, e, NFTNL_EXPR_CT_SREG);
		rule_text_nft_expr_setter(true, key, &l);
	} else {
		struct rt_reg p;
		bool pl = !strcmp(name, "payload");

		memset(&p, 0, sizeof(p));
		p.src = pl ? RT_SRC_PAYLOAD : RT_SRC_EXTHDR;
		p.base = nftnl_expr_get_u32(e, pl ? NFTNL_EXPR_PAYLOAD_BASE : NFTNL_EXPR_EXTHDR_OP);
		p.offset = nftnl_expr_get_u32(e, pl ? NFTNL_EXPR_PAYLOAD_OFFSET :
						       NFTNL_EXPR_EXTHDR_OFFSET);
		p.len = nftnl_expr_get_u32(e, pl ? NFTNL_EXPR_PAYLOAD_LEN : NFTNL_EXPR_EXTHDR_LEN);
		if (!pl)
			p.key = nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE);
		s = rule_text_reg_use(&c->rs, e, pl ? NFTNL_EXPR_PAYLOAD_SREG : NFTNL_EXPR_EXTHDR_SREG);
		/* a field narrower than the write: the rest of the bytes are
		 * kept by a mask (ip dscp set af41) */
		if (rule_text_nft_expr_rewrite(c, sb, &p, s))
			return;
		rule_text_nft_expr_name(c, &p, &l);
	}
	strbuf_addf(sb, "%s set ", l.name);
	rule_text_nft_expr_reg_value(c, sb, s, l.type);
}


/* An immediate verdict: accept, drop, jump CHAIN ... */
static void add_verdict(struct strbuf *sb, const struct nftnl_expr *e)
{
	rule_text_nft_value_verdict(sb, (int32_t)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT),
			      nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
}

/* A compat blob inside an nft-syntax rule: "xt match NAME OPTIONS". */
static void add_xt(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e, bool match)
{
	struct strbuf tmp;
	uint32_t len = 0;
	const void *info;

	strbuf_init(&tmp);
	if (match) {
		info = nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len);
		rule_text_xt_match(&tmp, c->family, nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME),
				   nftnl_expr_get_u32(e, NFTNL_EXPR_MT_REV), info, len, NULL);
	} else {
		info = nftnl_expr_get(e, NFTNL_EXPR_TG_INFO, &len);
		rule_text_xt_target(&tmp, c->family, nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME),
				    nftnl_expr_get_u32(e, NFTNL_EXPR_TG_REV), info, len);
	}
	/* " -m NAME words" -> "xt match NAME words" */
	strbuf_addf(sb, "xt %s %s", match ? "match" : "target", tmp.len > 4 ? tmp.s + 4 : "?");
	strbuf_free(&tmp);
}

static void add_expr(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e,
		     const char *name);

/* Statements attached to a dynset element (limit, counter ...). */
static int dynset_expr_cb(struct nftnl_expr *e, void *data)
{
	void **args = data;
	struct strbuf *sb = args[1];

	strbuf_addc(sb, ' ');
	add_expr(args[0], sb, e, nftnl_expr_get_str(e, NFTNL_EXPR_NAME));
	return 0;
}

/* dynset: "add|update|delete @set { KEY [timeout T] [stmts] [: DATA] }". */
static void add_dynset(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	static const char *const ops[] = { "add", "update", "delete" };
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_DYNSET_OP);
	const char *set = nftnl_expr_get_str(e, NFTNL_EXPR_DYNSET_SET_NAME);
	uint64_t timeout = nftnl_expr_get_u64(e, NFTNL_EXPR_DYNSET_TIMEOUT);
	void *args[2] = { c, sb };

	strbuf_addf(sb, "%s @%s { ", op < 3 ? ops[op] : "?", set ? set : "?");
	rule_text_nft_expr_key(c, sb, nftnl_expr_get_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY), NULL);
	if (timeout) {
		strbuf_add(sb, " timeout ");
		rule_text_nft_value_time(sb, timeout);
	}
	nftnl_expr_expr_foreach(e, dynset_expr_cb, args);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_DYNSET_SREG_DATA)) {
		strbuf_add(sb, " : ");
		rule_text_nft_expr_key(c, sb, nftnl_expr_get_u32(e, NFTNL_EXPR_DYNSET_SREG_DATA), NULL);
	}
	strbuf_add(sb, " }");
}

/* objref: "counter name \"x\"", "ct helper set \"ftp\"", or by map. */
static void add_objref(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	static const char *const types[] = {
		"unspec", "counter", "quota", "ct helper", "limit", "ct count", "tunnel",
		"ct timeout", "secmark", "ct expectation", "synproxy",
	};
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE);
	const char *tname;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_OBJREF_IMM_TYPE))	/* by map: the map's type */
		type = rule_text_set_obj_type(c->sets, c->family, c->table,
					      nftnl_expr_get_str(e, NFTNL_EXPR_OBJREF_SET_NAME));
	tname = type < ARRAY_SIZE(types) ? types[type] : "object";
	if (type == 0 || type >= ARRAY_SIZE(types))
		c->undecoded = true;	/* the object's kind is not known */

	if (type == NFT_OBJECT_CT_HELPER || type == NFT_OBJECT_CT_TIMEOUT ||
	    type == NFT_OBJECT_CT_EXPECT)
		strbuf_addf(sb, "%s set ", tname);
	else if (type == NFT_OBJECT_SECMARK)
		strbuf_add(sb, "meta secmark set ");
	else
		strbuf_addf(sb, "%s name ", tname);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_OBJREF_IMM_NAME)) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_OBJREF_IMM_NAME);

		strbuf_addf(sb, "\"%s\"", name ? name : "?");
	} else {
		const char *set = nftnl_expr_get_str(e, NFTNL_EXPR_OBJREF_SET_NAME);
		struct rt_keyspec ks;

		rule_text_nft_expr_key(c, sb, nftnl_expr_get_u32(e, NFTNL_EXPR_OBJREF_SET_SREG), &ks);
		strbuf_add(sb, " map ");
		rule_text_set_ref(sb, c->sets, c->family, c->table, set, &ks);
	}
}

/* synproxy_stmt_print(): only the options the rule sets. */
static void add_synproxy(struct strbuf *sb, const struct nftnl_expr *e)
{
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_SYNPROXY_FLAGS);

	strbuf_add(sb, "synproxy");
	if (flags & NF_SYNPROXY_OPT_MSS)
		strbuf_addf(sb, " mss %u", nftnl_expr_get_u16(e, NFTNL_EXPR_SYNPROXY_MSS));
	if (flags & NF_SYNPROXY_OPT_WSCALE)
		strbuf_addf(sb, " wscale %u", nftnl_expr_get_u8(e, NFTNL_EXPR_SYNPROXY_WSCALE));
	if (flags & NF_SYNPROXY_OPT_TIMESTAMP)
		strbuf_add(sb, " timestamp");
	if (flags & NF_SYNPROXY_OPT_SACK_PERM)
		strbuf_add(sb, " sack-perm");
}

/* A statement operand held in the register attribute attr names. */
static void add_operand(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e,
			uint16_t attr, enum rt_vt t)
{
	rule_text_nft_expr_reg_value(c, sb, rule_text_reg_use(&c->rs, e, attr), t);
}

/* A statement expression (not a load, compare or lookup). */
static void add_expr(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e,
		     const char *name)
{
	if (!strcmp(name, "counter")) {
		strbuf_add(sb, "counter");
	} else if (!strcmp(name, "immediate")) {
		add_verdict(sb, e);
	} else if (!strcmp(name, "limit")) {
		add_limit(sb, e);
	} else if (!strcmp(name, "log")) {
		add_log(sb, e);
	} else if (!strcmp(name, "nat")) {
		add_nat(c, sb, e, nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) == NFT_NAT_SNAT ?
			"snat" : "dnat");
	} else if (!strcmp(name, "masq")) {
		add_nat(c, sb, e, "masquerade");
	} else if (!strcmp(name, "redir")) {
		add_nat(c, sb, e, "redirect");
	} else if (!strcmp(name, "reject")) {
		add_reject(c, sb, e);
	} else if (!strcmp(name, "notrack")) {
		strbuf_add(sb, "notrack");
	} else if (!strcmp(name, "meta") || !strcmp(name, "ct") || !strcmp(name, "payload") ||
		   !strcmp(name, "exthdr")) {
		add_set_stmt(c, sb, e, name);
	} else if (!strcmp(name, "queue")) {
		uint32_t flags = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_FLAGS);
		uint16_t num = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_NUM);
		uint16_t total = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_TOTAL);

		strbuf_add(sb, "queue");
		if (flags & NFT_QUEUE_FLAG_BYPASS)
			strbuf_add(sb, " flags bypass");
		if (flags & NFT_QUEUE_FLAG_CPU_FANOUT)
			strbuf_add(sb, (flags & NFT_QUEUE_FLAG_BYPASS) ? ",fanout" : " flags fanout");
		if (nftnl_expr_is_set(e, NFTNL_EXPR_QUEUE_SREG_QNUM)) {
			strbuf_add(sb, " to ");
			add_operand(c, sb, e, NFTNL_EXPR_QUEUE_SREG_QNUM, VT_HOST);
		} else if (total > 1) {
			strbuf_addf(sb, " to %u-%u", num, num + total - 1);
		} else {
			strbuf_addf(sb, " to %u", num);
		}
	} else if (!strcmp(name, "quota")) {
		strbuf_addf(sb, "quota %s",
			    (nftnl_expr_get_u32(e, NFTNL_EXPR_QUOTA_FLAGS) & NFT_QUOTA_F_INV) ? "over " : "");
		add_rate(sb, nftnl_expr_get_u64(e, NFTNL_EXPR_QUOTA_BYTES));
		/* as nft: what is used so far */
		if (nftnl_expr_get_u64(e, NFTNL_EXPR_QUOTA_CONSUMED)) {
			strbuf_add(sb, " used ");
			add_rate(sb, nftnl_expr_get_u64(e, NFTNL_EXPR_QUOTA_CONSUMED));
		}
	} else if (!strcmp(name, "connlimit")) {
		strbuf_addf(sb, "ct count %s%u",
			    nftnl_expr_get_u32(e, NFTNL_EXPR_CONNLIMIT_FLAGS) ? "over " : "",
			    nftnl_expr_get_u32(e, NFTNL_EXPR_CONNLIMIT_COUNT));
	} else if (!strcmp(name, "dynset")) {
		add_dynset(c, sb, e);
	} else if (!strcmp(name, "objref")) {
		add_objref(c, sb, e);
	} else if (!strcmp(name, "match") || !strcmp(name, "target")) {
		add_xt(c, sb, e, !strcmp(name, "match"));
	} else if (!strcmp(name, "fwd")) {
		strbuf_add(sb, "fwd to ");
		add_operand(c, sb, e, NFTNL_EXPR_FWD_SREG_DEV, VT_IFINDEX);
	} else if (!strcmp(name, "dup")) {
		/* netdev's dup has a device only: nft writes it as the target */
		bool addr = nftnl_expr_is_set(e, NFTNL_EXPR_DUP_SREG_ADDR);

		strbuf_add(sb, "dup to ");
		if (addr)
			add_operand(c, sb, e, NFTNL_EXPR_DUP_SREG_ADDR,
				    c->family == NFPROTO_IPV6 ? VT_IPV6 : VT_IPV4);
		if (nftnl_expr_is_set(e, NFTNL_EXPR_DUP_SREG_DEV)) {
			strbuf_add(sb, addr ? " device " : "");
			add_operand(c, sb, e, NFTNL_EXPR_DUP_SREG_DEV, VT_IFINDEX);
		}
	} else if (!strcmp(name, "flow_offload")) {
		const char *ft = nftnl_expr_get_str(e, NFTNL_EXPR_FLOW_TABLE_NAME);

		strbuf_addf(sb, "flow add @%s", ft ? ft : "?");
	} else if (!strcmp(name, "synproxy")) {
		add_synproxy(sb, e);
	} else if (!strcmp(name, "tproxy")) {
		uint32_t fam = nftnl_expr_get_u32(e, NFTNL_EXPR_TPROXY_FAMILY);

		strbuf_add(sb, "tproxy");
		if (c->family == NFPROTO_INET && fam != NFPROTO_UNSPEC)
			strbuf_add(sb, fam == NFPROTO_IPV6 ? " ip6" : " ip");
		strbuf_add(sb, " to");
		if (nftnl_expr_is_set(e, NFTNL_EXPR_TPROXY_REG_ADDR)) {
			struct rt_reg *a = rule_text_reg_use(&c->rs, e, NFTNL_EXPR_TPROXY_REG_ADDR);
			bool v6 = fam == NFPROTO_IPV6 ||
				  (fam == NFPROTO_UNSPEC && c->family == NFPROTO_IPV6);
			/* an IPv6 literal is bracketed, port or not */
			bool brackets = v6 && a && a->src == RT_SRC_IMM;

			strbuf_add(sb, brackets ? " [" : " ");
			rule_text_nft_expr_reg_value(c, sb, a, v6 ? VT_IPV6 : VT_IPV4);
			strbuf_add(sb, brackets ? "]" : "");
		}
		if (nftnl_expr_is_set(e, NFTNL_EXPR_TPROXY_REG_PORT)) {
			strbuf_add(sb, nftnl_expr_is_set(e, NFTNL_EXPR_TPROXY_REG_ADDR) ? ":" : " :");
			add_operand(c, sb, e, NFTNL_EXPR_TPROXY_REG_PORT, VT_PORT);
		}
	} else if (!strcmp(name, "last")) {
		strbuf_add(sb, "last");
	} else {
		strbuf_addf(sb, "[%s]", name);	/* its own marker: "[tunnel]" */
	}
}

/* Loads nft shows as named values: numgen, hash, osf, xfrm. */
static bool track_named_load(struct rt_nctx *c, const struct nftnl_expr *e, const char *name)
{
	struct strbuf sb;
	uint32_t dreg, off = 0, len = 4;
	uint8_t vt = VT_HOST;

	strbuf_init(&sb);
	if (!strcmp(name, "numgen")) {
		dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_NG_DREG);
		strbuf_addf(&sb, "numgen %s mod %u",
			    nftnl_expr_get_u32(e, NFTNL_EXPR_NG_TYPE) == NFT_NG_RANDOM ? "random" : "inc",
			    nftnl_expr_get_u32(e, NFTNL_EXPR_NG_MODULUS));
		off = nftnl_expr_get_u32(e, NFTNL_EXPR_NG_OFFSET);
	} else if (!strcmp(name, "hash")) {
		dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_DREG);
		if (nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_TYPE) == NFT_HASH_SYM) {
			strbuf_addf(&sb, "symhash mod %u", nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_MODULUS));
		} else {
			strbuf_add(&sb, "jhash ");
			rule_text_nft_expr_key(c, &sb, nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_SREG), NULL);
			strbuf_addf(&sb, " mod %u", nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_MODULUS));
			if (nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_SEED))
				strbuf_addf(&sb, " seed 0x%x", nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_SEED));
		}
		off = nftnl_expr_get_u32(e, NFTNL_EXPR_HASH_OFFSET);
	} else if (!strcmp(name, "osf")) {
		/* osf_expr_print(): a ttl mode, then the genre (or genre:version) */
		static const char *const ttls[] = { "", "ttl loose ", "ttl skip " };
		uint8_t ttl = nftnl_expr_get_u8(e, NFTNL_EXPR_OSF_TTL);

		dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_OSF_DREG);
		strbuf_addf(&sb, "osf %s%s", ttl < ARRAY_SIZE(ttls) ? ttls[ttl] : "",
			    (nftnl_expr_get_u32(e, NFTNL_EXPR_OSF_FLAGS) & NFT_OSF_F_VERSION) ? "version" : "name");
		len = NFT_OSF_MAXGENRELEN;
		vt = VT_STRING;
	} else if (!strcmp(name, "xfrm")) {
		/* enum nft_xfrm_keys: the address family, then the field */
		static const struct { const char *name; uint8_t vt; } keys[] = {
			{ "?", VT_HOST }, { "ip daddr", VT_IPV4 }, { "ip6 daddr", VT_IPV6 },
			{ "ip saddr", VT_IPV4 }, { "ip6 saddr", VT_IPV6 }, { "reqid", VT_HOST },
			{ "spi", VT_BE },
		};
		uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_XFRM_KEY);

		dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_XFRM_DREG);
		strbuf_addf(&sb, "ipsec %s", nftnl_expr_get_u8(e, NFTNL_EXPR_XFRM_DIR) ? "out" : "in");
		if (nftnl_expr_get_u32(e, NFTNL_EXPR_XFRM_SPNUM))
			strbuf_addf(&sb, " spnum %u", nftnl_expr_get_u32(e, NFTNL_EXPR_XFRM_SPNUM));
		strbuf_addf(&sb, " %s", key < ARRAY_SIZE(keys) ? keys[key].name : "?");
		vt = key < ARRAY_SIZE(keys) ? keys[key].vt : VT_HOST;
		len = vt == VT_IPV6 ? 16 : 4;
	} else {
		strbuf_free(&sb);
		return false;
	}
	if (off)
		strbuf_addf(&sb, " offset %u", off);
	rule_text_reg_set_desc(&c->rs, dreg, strbuf_steal(&sb), len, vt);
	return true;
}

void rule_text_nft(struct strbuf *sb, const struct nftnl_rule *r, uint8_t family,
		   const struct rule_text_sets *sets, char **comment)
{
	struct rt_nctx c;
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	char *cmt;
	size_t i;
	bool first = true;

	memset(&c, 0, sizeof(c));
	c.family = family;
	c.sets = sets;
	c.table = nftnl_rule_is_set(r, NFTNL_RULE_TABLE) ? nftnl_rule_get_str(r, NFTNL_RULE_TABLE) : NULL;
	c.nh = family == NFPROTO_IPV4 || family == NFPROTO_IPV6 || family == NFPROTO_ARP ? family : 0;
	c.l4 = -1;
	c.nh_dep = c.l4_dep = c.ll_dep = c.gte_stmt = -1;
	c.vlan_dep = c.icmp_dep = c.icmp_type = -1;
	rule_text_reg_init(&c.rs);
	it = nftnl_expr_iter_create(r);
	while (it && (e = nftnl_expr_iter_next(it)) != NULL) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
		struct strbuf st;

		if (rule_text_reg_track(&c.rs, e, name) || track_named_load(&c, e, name))
			continue;
		if (!strcmp(name, "cmp")) {
			do_cmp(&c, e);
			continue;
		}
		if (!strcmp(name, "range")) {
			do_range(&c, e);
			continue;
		}
		if (!strcmp(name, "lookup")) {
			do_lookup(&c, e);
			continue;
		}
		strbuf_init(&st);
		add_expr(&c, &st, e, name);
		stmt_add(&c, strbuf_steal(&st));
	}
	if (it)
		nftnl_expr_iter_destroy(it);
	for (i = 0; i < c.n; i++) {
		if (!c.st[i].dead) {
			strbuf_addf(sb, "%s%s", first ? "" : " ", c.st[i].text);
			first = false;
		}
		free(c.st[i].text);
	}
	cmt = rule_text_expr_comment(r);
	if (cmt) {
		strbuf_addf(sb, "%scomment \"%s\"", first ? "" : " ", cmt);
		if (comment && !*comment)
			*comment = cmt;
		else
			free(cmt);
	}
	free(c.gte_lhs);
	free(c.gte_val);
	rule_text_reg_free(&c.rs);
}
