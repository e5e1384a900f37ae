/*
 * rule-text-ebt.c - a rule of a bridge table ebtables-nft manages, in the
 * words `ebtables-save` (1.8.x, nft-bridge.c) lists it with: -p, -s, -d,
 * -i, --logical-in, -o, --logical-out, then --limit, then the target,
 * which is always written ("-A FORWARD -p IPv4 -i eth0 -j CONTINUE").
 * ebtables-nft writes these as native compares, the rule's counter after
 * them and the verdict last. The policy of a user chain that is not
 * RETURN is a hidden last rule carrying an "ebtables policy" userdata
 * TLV: it reads as the command that set it ("-P CHAIN DROP").
 *
 * The x_tables blobs ebtables-nft writes for --ip-* (ip), --mark (mark_m),
 * --pkttype-type (pkttype), --arp-op/--arp-ip-* (arp) and --vlan-id/
 * --vlan-prio (vlan) are decoded; a rule ebtables could not have written
 * (no counter, or something after it but the verdict; a goto; a foreign
 * expression; a comment) or with another blob or option (--ip-icmp-type,
 * --arp-mac-src, --vlan-encap, --log, -j mark ...) or more than two
 * matches, which ebtables 1.8.9 lists with the middle ones missing,
 * returns NULL: the caller writes nft words, with the "[?]" marker where
 * a blob is not decoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_bridge/ebt_arp.h>
#include <linux/netfilter_bridge/ebt_ip.h>
#include <linux/netfilter_bridge/ebt_vlan.h>
#include <linux/netfilter_bridge/ebt_mark_m.h>
#include <linux/netfilter_bridge/ebt_pkttype.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "iptop.h"
#include "rule-text-int.h"

/* libnftnl's NFTNL_UDATA_RULE_EBTABLES_POLICY: a u32 flag (1) that marks
 * the rule; its verdict is the policy. */
#define EBTW_UDATA_POLICY 1

/* What ebtables-save prints, in its order; the interfaces are -i,
 * --logical-in, -o, --logical-out. */
enum { EBTW_IN, EBTW_LIN, EBTW_OUT, EBTW_LOUT, EBTW_NIF };
enum { EBTW_SRC, EBTW_DST };

struct ebtw_state {
	bool have_proto, proto_inv;
	uint16_t proto;
	bool have_mac[2], mac_inv[2];
	uint8_t mac[2][6], mask[2][6];
	char iface[EBTW_NIF][IFNAMSIZ + 2];
	bool iface_inv[EBTW_NIF];
	struct strbuf matches;          /* " --limit 10/sec --limit-burst 5" */
	int nmatches;
	bool counted;                   /* the counter: only the verdict may follow */
	int nverdicts;
	struct strbuf target;           /* " -j ACCEPT" */
};

/* The primary names of /etc/ethertypes (Debian netbase), which
 * ebtables looks the protocol up in. */
static const struct {
	uint16_t type;
	const char *name;
} ebtw_ethertypes[] = {
	{ 0x0800, "IPv4" }, { 0x0805, "X25" }, { 0x0806, "ARP" }, { 0x0808, "FR_ARP" },
	{ 0x08ff, "BPQ" }, { 0x22f3, "TRILL" }, { 0x22f4, "L2-IS-IS" }, { 0x6558, "TEB" },
	{ 0x6559, "RAW_FR" }, { 0x8035, "RARP" }, { 0x809b, "ATALK" }, { 0x80f3, "AARP" },
	{ 0x8100, "802_1Q" }, { 0x8137, "IPX" }, { 0x8191, "NetBEUI" }, { 0x86dd, "IPv6" },
	{ 0x880b, "PPP" }, { 0x8847, "MPLS" }, { 0x8848, "MPLS_MULTI" }, { 0x884c, "ATMMPOA" },
	{ 0x8863, "PPP_DISC" }, { 0x8864, "PPP_SES" }, { 0x8884, "ATMFATE" }, { 0x888e, "EAPOL" },
	{ 0x88a8, "S-TAG" }, { 0x88c7, "EAP_PREAUTH" }, { 0x88cc, "LLDP" }, { 0x88e5, "MACSEC" },
	{ 0x88e7, "PBB" }, { 0x88f5, "MVRP" }, { 0x88f7, "PTP" }, { 0x8906, "FCOE" },
	{ 0x8914, "FIP" }, { 0x8915, "ROCE" }, { 0xa0ed, "LoWPAN" },
};

/* The MAC address classes ebtables names: address and mask. */
static const struct {
	const char *name;
	uint8_t mac[6], mask[6];
} ebtw_macnames[] = {
	{ "Unicast", { 0 }, { 1, 0, 0, 0, 0, 0 } },
	{ "Multicast", { 1, 0, 0, 0, 0, 0 }, { 1, 0, 0, 0, 0, 0 } },
	{ "Broadcast", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	{ "BGA", { 0x01, 0x80, 0xc2, 0, 0, 0 }, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
};

static bool ebtw_iface(struct ebtw_state *st, uint32_t key, const uint8_t *d, uint32_t len, bool inv)
{
	int i;

	switch (key) {
	case NFT_META_IIFNAME:
		i = EBTW_IN;
		break;
	case NFT_META_BRI_IIFNAME:
		i = EBTW_LIN;
		break;
	case NFT_META_OIFNAME:
		i = EBTW_OUT;
		break;
	case NFT_META_BRI_OIFNAME:
		i = EBTW_LOUT;
		break;
	default:
		return false;
	}
	st->iface_inv[i] = inv;
	return rule_text_expr_iface_word(st->iface[i], d, len);
}

/* An Ethernet header field: the protocol, or a MAC address (maybe under
 * a mask, as ebtables writes -s/-d ADDR/MASK). */
static bool ebtw_ether(struct ebtw_state *st, const struct rt_reg *r, const uint8_t *d, uint32_t len,
		       bool inv)
{
	int i;

	if (r->offset == 12 && r->len == 2 && len == 2 && !r->bitwise && !st->have_proto) {
		st->have_proto = true;
		st->proto_inv = inv;
		st->proto = (uint16_t)(d[0] << 8 | d[1]);
		return true;
	}
	/* a mask of whole leading bytes is a shorter load */
	if ((r->offset != 0 && r->offset != 6) || r->len == 0 || r->len > 6 || len != r->len)
		return false;
	i = r->offset == 6 ? EBTW_SRC : EBTW_DST;
	if (st->have_mac[i])
		return false;
	memset(st->mask[i], 0, 6);
	memset(st->mac[i], 0, 6);
	if (r->bitwise) {
		static const uint8_t zero[6];

		if (memcmp(r->xor, zero, len))
			return false;
		memcpy(st->mask[i], r->mask, len);
	} else {
		memset(st->mask[i], 0xff, len);
	}
	memcpy(st->mac[i], d, len);
	st->have_mac[i] = true;
	st->mac_inv[i] = inv;
	return true;
}

static bool ebtw_cmp(struct ebtw_state *st, struct rt_regs *rs, const struct nftnl_expr *e)
{
	struct rt_reg *r = rule_text_reg_use(rs, e, NFTNL_EXPR_CMP_SREG);
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), len = 0;
	const uint8_t *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	bool inv = op == NFT_CMP_NEQ;

	if (!r || !d || (op != NFT_CMP_EQ && op != NFT_CMP_NEQ))
		return false;
	if (r->src == RT_SRC_META && !r->bitwise)
		return ebtw_iface(st, r->key, d, len, inv);
	if (r->src == RT_SRC_PAYLOAD && r->base == NFT_PAYLOAD_LL_HEADER && !r->shift)
		return ebtw_ether(st, r, d, len, inv);
	return false;
}

/* libebt_limit's print_rate(): the largest unit the average (1/10000 s
 * per packet) still divides into at least one packet. */
static void ebtw_rate(struct strbuf *sb, uint32_t period)
{
	static const struct {
		const char *name;
		uint32_t mult;
	} rates[] = { { "day", 10000u * 24 * 60 * 60 }, { "hour", 10000u * 60 * 60 },
		      { "min", 10000u * 60 }, { "sec", 10000u } };
	size_t i;

	for (i = 1; i < ARRAY_SIZE(rates); i++)
		if (period > rates[i].mult || rates[i].mult / period < rates[i].mult % period)
			break;
	strbuf_addf(sb, "%u/%s", rates[i - 1].mult / period, rates[i - 1].name);
}

/* A native packet limit, as ebtables-nft writes --limit. */
static bool ebtw_limit(struct ebtw_state *st, const struct nftnl_expr *e)
{
	uint64_t rate = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE);
	uint64_t unit = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT);
	uint64_t period;

	if (nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_TYPE) != NFT_LIMIT_PKTS ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_FLAGS) != 0 || rate == 0 || unit == 0)
		return false;
	period = 10000 * unit / rate;
	if (period == 0 || period > UINT32_MAX)
		return false;
	strbuf_add(&st->matches, " --limit ");
	ebtw_rate(&st->matches, (uint32_t)period);
	strbuf_addf(&st->matches, " --limit-burst %u", nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_BURST));
	return true;
}

/* " OPT [! ]ADDR[/MASK]" of an IPv4 address and mask (__be32 each) */
static void ebtw_addr(struct strbuf *sb, const char *opt, bool inv, const void *addr,
		      const void *mask)
{
	uint8_t a[16] = { 0 }, m[16] = { 0 };

	memcpy(a, addr, 4);
	memcpy(m, mask, 4);
	strbuf_addf(sb, " %s%s", opt, inv ? " !" : "");
	rule_text_xt_addr_mask(sb, NFPROTO_IPV4, a, m);
}

/* libebt_ip's print: " --ip-src [! ]ADDR[/MASK]" ... in bitmask order. */
static bool ebtw_ip(struct strbuf *sb, const struct ebt_ip_info *ip)
{
	static const uint8_t ports = EBT_IP_SPORT | EBT_IP_DPORT;
	const uint16_t *pt[2] = { ip->sport, ip->dport };
	const char *pname;
	int i;

	if (ip->bitmask & ~(EBT_IP_SOURCE | EBT_IP_DEST | EBT_IP_TOS | EBT_IP_PROTO | ports))
		return false;	/* --ip-icmp-type, --ip-igmp-type: not decoded */
	if (ip->bitmask & EBT_IP_SOURCE)
		ebtw_addr(sb, "--ip-src", ip->invflags & EBT_IP_SOURCE, &ip->saddr, &ip->smsk);
	if (ip->bitmask & EBT_IP_DEST)
		ebtw_addr(sb, "--ip-dst", ip->invflags & EBT_IP_DEST, &ip->daddr, &ip->dmsk);
	if (ip->bitmask & EBT_IP_TOS)
		strbuf_addf(sb, " --ip-tos%s 0x%02X", ip->invflags & EBT_IP_TOS ? " !" : "", ip->tos);
	if (ip->bitmask & EBT_IP_PROTO) {
		strbuf_addf(sb, " --ip-proto%s ", ip->invflags & EBT_IP_PROTO ? " !" : "");
		pname = rule_text_xt_proto_name(ip->protocol);
		if (pname)
			strbuf_add(sb, pname);
		else
			strbuf_addf(sb, "%u", ip->protocol);
	}
	for (i = 0; i < 2; i++) {
		uint8_t bit = i ? EBT_IP_DPORT : EBT_IP_SPORT;

		if (!(ip->bitmask & bit))
			continue;
		strbuf_addf(sb, " --ip-%s%s %u", i ? "dport" : "sport", ip->invflags & bit ? " !" : "",
			    pt[i][0]);
		if (pt[i][0] != pt[i][1])
			strbuf_addf(sb, ":%u", pt[i][1]);
	}
	return true;
}

/* libebt_vlan's print: --vlan-id, --vlan-prio (--vlan-encap is not
 * decoded). */
static bool ebtw_vlan(struct strbuf *sb, const struct ebt_vlan_info *v)
{
	if (v->bitmask & ~(EBT_VLAN_ID | EBT_VLAN_PRIO))
		return false;
	if (v->bitmask & EBT_VLAN_ID)
		strbuf_addf(sb, " --vlan-id %s%u", v->invflags & EBT_VLAN_ID ? "! " : "", v->id);
	if (v->bitmask & EBT_VLAN_PRIO)
		strbuf_addf(sb, " --vlan-prio %s%u", v->invflags & EBT_VLAN_PRIO ? "! " : "", v->prio);
	return true;
}

/* libebt_arp's print: --arp-op, --arp-ip-src, --arp-ip-dst (the
 * others are not decoded). */
static bool ebtw_arp(struct strbuf *sb, const struct ebt_arp_info *a)
{
	static const char *const ops[] = { "Request", "Reply", "Request_Reverse", "Reply_Reverse",
					   "DRARP_Request", "DRARP_Reply", "DRARP_Error",
					   "InARP_Request", "ARP_NAK" };
	uint16_t op = ntohs(a->opcode);

	if (a->bitmask & ~(EBT_ARP_OPCODE | EBT_ARP_SRC_IP | EBT_ARP_DST_IP))
		return false;
	if (a->bitmask & EBT_ARP_OPCODE) {
		strbuf_addf(sb, " --arp-op%s ", a->invflags & EBT_ARP_OPCODE ? " !" : "");
		if (op >= 1 && op <= ARRAY_SIZE(ops))
			strbuf_add(sb, ops[op - 1]);
		else
			strbuf_addf(sb, "%u", op);
	}
	if (a->bitmask & EBT_ARP_SRC_IP)
		ebtw_addr(sb, "--arp-ip-src", a->invflags & EBT_ARP_SRC_IP, &a->saddr, &a->smsk);
	if (a->bitmask & EBT_ARP_DST_IP)
		ebtw_addr(sb, "--arp-ip-dst", a->invflags & EBT_ARP_DST_IP, &a->daddr, &a->dmsk);
	return true;
}

/* libebt_mark_m's print */
static bool ebtw_mark(struct strbuf *sb, const struct ebt_mark_m_info *m)
{
	strbuf_addf(sb, " --mark%s ", m->invert ? " !" : "");
	if (m->bitmask == EBT_MARK_OR)
		strbuf_addf(sb, "/0x%lx", m->mask);
	else if (m->bitmask == EBT_MARK_AND && m->mask != 0xffffffff)
		strbuf_addf(sb, "0x%lx/0x%lx", m->mark, m->mask);
	else if (m->bitmask == EBT_MARK_AND)
		strbuf_addf(sb, "0x%lx", m->mark);
	else
		return false;
	return true;
}

/* libebt_pkttype's print, with the kernel's PACKET_* names */
static bool ebtw_pkttype(struct strbuf *sb, const struct ebt_pkttype_info *p)
{
	static const char *const names[] = { "host", "broadcast", "multicast", "otherhost",
					     "outgoing", "loopback", "fastroute" };

	strbuf_addf(sb, " --pkttype-type%s ", p->invert ? " !" : "");
	if (p->pkt_type < ARRAY_SIZE(names))
		strbuf_add(sb, names[p->pkt_type]);
	else
		strbuf_addf(sb, "%u", p->pkt_type);
	return true;
}

/* A compat match ebtables-nft writes, revision 0, its blob the size the
 * kernel's struct has. */
static bool ebtw_match(struct ebtw_state *st, const struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME);
	uint32_t len = 0;
	const void *info = nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len);

	if (!name || !info || nftnl_expr_get_u32(e, NFTNL_EXPR_MT_REV) != 0)
		return false;
	if (!strcmp(name, "ip") && len >= sizeof(struct ebt_ip_info))
		return ebtw_ip(&st->matches, info);
	if (!strcmp(name, "mark_m") && len >= sizeof(struct ebt_mark_m_info))
		return ebtw_mark(&st->matches, info);
	if (!strcmp(name, "pkttype") && len >= sizeof(struct ebt_pkttype_info))
		return ebtw_pkttype(&st->matches, info);
	if (!strcmp(name, "vlan") && len >= sizeof(struct ebt_vlan_info))
		return ebtw_vlan(&st->matches, info);
	if (!strcmp(name, "arp") && len >= sizeof(struct ebt_arp_info))
		return ebtw_arp(&st->matches, info);
	return false;
}

static bool ebtw_expr(void *arg, struct rt_regs *rs, const struct nftnl_expr *e, const char *name)
{
	struct ebtw_state *st = arg;
	const char *chain = NULL;
	bool is_goto = false;
	int w;

	if (!strcmp(name, "immediate") && !nftnl_expr_is_set(e, NFTNL_EXPR_IMM_DATA)) {
		w = rule_text_expr_verdict_word(&st->target, e, false, &chain, &is_goto);
		st->nverdicts++;
		return w >= 0 && st->counted;
	}
	if (st->counted)
		return false;	/* ebtables writes the counter after every match */
	if (!strcmp(name, "counter"))
		return st->counted = true;
	if (!strcmp(name, "cmp"))
		return ebtw_cmp(st, rs, e);
	/* ebtables 1.8.9 keeps only the first and the last of three or
	 * more matches when it lists a rule: those are not its words */
	if (!strcmp(name, "limit"))
		return ++st->nmatches <= 2 && ebtw_limit(st, e);
	if (!strcmp(name, "match"))
		return ++st->nmatches <= 2 && ebtw_match(st, e);
	if (!strcmp(name, "payload") || !strcmp(name, "meta") || !strcmp(name, "bitwise"))
		return rule_text_reg_track(rs, e, name);
	return false;
}

/* " -s [! ]ADDR[/MASK]" (ebt_print_mac_and_mask) */
static void ebtw_mac(struct strbuf *sb, const struct ebtw_state *st, int i)
{
	static const uint8_t ones[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t k;
	int j;

	strbuf_addf(sb, " -%c %s", i == EBTW_SRC ? 's' : 'd', st->mac_inv[i] ? "! " : "");
	for (k = 0; k < ARRAY_SIZE(ebtw_macnames); k++) {
		if (!memcmp(st->mac[i], ebtw_macnames[k].mac, 6) &&
		    !memcmp(st->mask[i], ebtw_macnames[k].mask, 6)) {
			strbuf_add(sb, ebtw_macnames[k].name);
			return;
		}
	}
	for (j = 0; j < 6; j++)
		strbuf_addf(sb, "%s%02x", j ? ":" : "", st->mac[i][j]);
	if (memcmp(st->mask[i], ones, 6)) {
		strbuf_add(sb, "/");
		for (j = 0; j < 6; j++)
			strbuf_addf(sb, "%s%02x", j ? ":" : "", st->mask[i][j]);
	}
}

/* nft_bridge_save_rule() */
static char *ebtw_text(const struct ebtw_state *st, const char *chain)
{
	static const char *const ifopt[EBTW_NIF] = { "-i", "--logical-in", "-o", "--logical-out" };
	struct strbuf sb;
	size_t k;
	int i;

	strbuf_init(&sb);
	strbuf_addf(&sb, "-A %s", chain);
	if (st->have_proto) {
		strbuf_addf(&sb, " -p %s", st->proto_inv ? "! " : "");
		for (k = 0; k < ARRAY_SIZE(ebtw_ethertypes); k++)
			if (ebtw_ethertypes[k].type == st->proto)
				break;
		if (k < ARRAY_SIZE(ebtw_ethertypes))
			strbuf_add(&sb, ebtw_ethertypes[k].name);
		else
			strbuf_addf(&sb, "0x%x", st->proto);
	}
	for (i = EBTW_SRC; i <= EBTW_DST; i++)
		if (st->have_mac[i])
			ebtw_mac(&sb, st, i);
	for (i = 0; i < EBTW_NIF; i++)
		if (st->iface[i][0])
			strbuf_addf(&sb, " %s%s %s", ifopt[i], st->iface_inv[i] ? " !" : "", st->iface[i]);
	if (st->matches.len)
		strbuf_add(&sb, st->matches.s);
	strbuf_add(&sb, st->target.len ? st->target.s : " -j CONTINUE");
	return strbuf_steal(&sb);
}


/* The hidden policy rule of a user chain: a counter and the verdict
 * ACCEPT or DROP (" -j DROP" in target). */
static char *ebtw_policy(const struct ebtw_state *st, const char *chain)
{
	struct strbuf sb;
	int i;

	for (i = 0; i < EBTW_NIF; i++)
		if (st->iface[i][0])
			return NULL;
	if (st->have_proto || st->have_mac[0] || st->have_mac[1] || st->matches.len ||
	    st->nverdicts != 1 || !st->target.len || (strcmp(st->target.s, " -j ACCEPT") && strcmp(st->target.s, " -j DROP")))
		return NULL;
	strbuf_init(&sb);
	strbuf_addf(&sb, "-P %s %s", chain, st->target.s + 4);
	return strbuf_steal(&sb);
}

char *rule_text_ebt(const struct nftnl_rule *r)
{
	struct ebtw_state st;
	struct rt_regs rs;
	const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	char *text = NULL;
	uint8_t l = 0;
	/* ebtables has no comments */
	bool policy = rule_text_expr_udata_tlv(r, EBTW_UDATA_POLICY, &l) != NULL,
	     ok = chain != NULL && !rule_text_expr_udata_tlv(r, 0, &l);

	memset(&st, 0, sizeof(st));
	strbuf_init(&st.matches);
	strbuf_init(&st.target);
	rule_text_reg_init(&rs);
	ok = ok && rule_text_expr_all(r, ebtw_expr, &st, &rs);
	if (ok && st.counted && st.nverdicts <= 1)
		text = policy ? ebtw_policy(&st, chain) : ebtw_text(&st, chain);
	strbuf_free(&st.matches);
	strbuf_free(&st.target);
	rule_text_reg_free(&rs);
	return text;
}
