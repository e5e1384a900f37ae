/*
 * rule-text-nft.c - one nf_tables rule in nft words, close to what
 * `nft list ruleset` (nftables 1.0.x) prints for it: relations (with nft's
 * dependency elision: `meta l4proto tcp` before `tcp dport` is not shown),
 * prefixes, ranges, flag masks, set lookups and maps, verdicts and the
 * statements (rule-text-nft-stmt.c). What each operand is called and how its values are
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
		int plen = l.addr ? rule_text_expr_mask_prefix(m, len) : -1;
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
		rule_text_nft_stmt(&c, &st, e, name);
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
