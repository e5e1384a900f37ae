/*
 * rule-text-nft-expr.c - nft's names for what a register holds and how
 * its values are written: payload fields by protocol header (ip saddr,
 * tcp dport, icmpv6 type, ether type, arp operation, ah spi), bit fields
 * under a mask (ip dscp, ip6 flowlabel, vlan id), fields an icmp type
 * selects (icmp mtu), meta and ct keys, fib, rt, socket, IPv6 extension
 * headers and tcp options by nft's templates (srh sid[1], frag frag-off,
 * tcp option maxseg size), header rewrites (ip dscp set af41),
 * concatenations, and the value types nft prints symbolically (protocols,
 * ct state flags, icmp types, interface names, marks as 0x%08x, hours in
 * local time ...). nftables 1.0.x words. What no template names comes out
 * raw (@nh,96,32) and marks its statement "[?]".
 *
 * It knows expressions, not statements: relations, verdicts and actions
 * are built from these in rule-text-nft.c. Interface indexes are named
 * with if_indextoname() in the current namespace, as nft does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>

#include "iptop.h"
#include "rule-text-int.h"

/* Protocol header names, by enum rt_hdr. */
static const char *const hdr_names[] = {
	[H_IP] = "ip", [H_IP6] = "ip6", [H_TCP] = "tcp", [H_UDP] = "udp",
	[H_UDPLITE] = "udplite", [H_SCTP] = "sctp", [H_DCCP] = "dccp", [H_ICMP] = "icmp",
	[H_ICMP6] = "icmpv6", [H_TH] = "th", [H_ETHER] = "ether", [H_AH] = "ah", [H_ESP] = "esp",
	[H_COMP] = "comp", [H_ARP] = "arp", [H_VLAN] = "vlan",
};

static const struct rt_pfield pfields[] = {
	{ H_IP, 2, 2, "length", VT_BE }, { H_IP, 4, 2, "id", VT_BE },
	{ H_IP, 6, 2, "frag-off", VT_BE }, { H_IP, 8, 1, "ttl", VT_BE },
	{ H_IP, 9, 1, "protocol", VT_PROTO }, { H_IP, 10, 2, "checksum", VT_BE },
	{ H_IP, 12, 4, "saddr", VT_IPV4 }, { H_IP, 16, 4, "daddr", VT_IPV4 },
	{ H_IP6, 4, 2, "length", VT_BE }, { H_IP6, 6, 1, "nexthdr", VT_PROTO },
	{ H_IP6, 7, 1, "hoplimit", VT_BE }, { H_IP6, 8, 16, "saddr", VT_IPV6 },
	{ H_IP6, 24, 16, "daddr", VT_IPV6 },
	{ H_TCP, 0, 2, "sport", VT_PORT }, { H_TCP, 2, 2, "dport", VT_PORT },
	{ H_TCP, 4, 4, "sequence", VT_BE }, { H_TCP, 8, 4, "ackseq", VT_BE },
	{ H_TCP, 13, 1, "flags", VT_TCP_FLAGS }, { H_TCP, 14, 2, "window", VT_BE },
	{ H_TCP, 16, 2, "checksum", VT_BE }, { H_TCP, 18, 2, "urgptr", VT_BE },
	{ H_UDP, 0, 2, "sport", VT_PORT }, { H_UDP, 2, 2, "dport", VT_PORT },
	{ H_UDP, 4, 2, "length", VT_BE }, { H_UDP, 6, 2, "checksum", VT_BE },
	{ H_UDPLITE, 0, 2, "sport", VT_PORT }, { H_UDPLITE, 2, 2, "dport", VT_PORT },
	{ H_SCTP, 0, 2, "sport", VT_PORT }, { H_SCTP, 2, 2, "dport", VT_PORT },
	{ H_SCTP, 4, 4, "vtag", VT_BE },
	{ H_DCCP, 0, 2, "sport", VT_PORT }, { H_DCCP, 2, 2, "dport", VT_PORT },
	{ H_ICMP, 0, 1, "type", VT_ICMP_TYPE }, { H_ICMP, 1, 1, "code", VT_ICMP_CODE },
	{ H_ICMP, 2, 2, "checksum", VT_BE }, { H_ICMP, 4, 2, "id", VT_BE },
	{ H_ICMP, 6, 2, "sequence", VT_BE },
	{ H_ICMP6, 0, 1, "type", VT_ICMP6_TYPE }, { H_ICMP6, 1, 1, "code", VT_ICMP6_CODE },
	{ H_ICMP6, 2, 2, "checksum", VT_BE }, { H_ICMP6, 4, 2, "id", VT_BE },
	{ H_ICMP6, 6, 2, "sequence", VT_BE },
	{ H_TH, 0, 2, "sport", VT_PORT }, { H_TH, 2, 2, "dport", VT_PORT },
	{ H_ETHER, 0, 6, "daddr", VT_ETHER }, { H_ETHER, 6, 6, "saddr", VT_ETHER },
	{ H_ETHER, 12, 2, "type", VT_ETHERTYPE },
	{ H_UDPLITE, 4, 2, "csumcov", VT_BE }, { H_UDPLITE, 6, 2, "checksum", VT_BE },
	{ H_SCTP, 8, 4, "checksum", VT_BE },
	{ H_AH, 0, 1, "nexthdr", VT_PROTO }, { H_AH, 1, 1, "hdrlength", VT_BE },
	{ H_AH, 2, 2, "reserved", VT_BE }, { H_AH, 4, 4, "spi", VT_BE },
	{ H_AH, 8, 4, "sequence", VT_BE },
	{ H_ESP, 0, 4, "spi", VT_BE }, { H_ESP, 4, 4, "sequence", VT_BE },
	{ H_COMP, 0, 1, "nexthdr", VT_PROTO }, { H_COMP, 1, 1, "flags", VT_BE_HEX },
	{ H_COMP, 2, 2, "cpi", VT_BE },
	{ H_ARP, 0, 2, "htype", VT_BE }, { H_ARP, 2, 2, "ptype", VT_ETHERTYPE },
	{ H_ARP, 4, 1, "hlen", VT_BE }, { H_ARP, 5, 1, "plen", VT_BE },
	{ H_ARP, 6, 2, "operation", VT_ARPOP }, { H_ARP, 8, 6, "saddr ether", VT_ETHER },
	{ H_ARP, 14, 4, "saddr ip", VT_IPV4 }, { H_ARP, 18, 6, "daddr ether", VT_ETHER },
	{ H_ARP, 24, 4, "daddr ip", VT_IPV4 },
	{ H_VLAN, 16, 2, "type", VT_ETHERTYPE },	/* link layer offsets */
};

/* Fields that share an offset with the echo id/sequence: nft names them
 * after an `icmp type` compare that selects them, and drops that compare. */
static const struct {
	uint8_t icmp_type;
	struct rt_pfield f;
} icmp_dep_fields[] = {
	{ 5, { H_ICMP, 4, 4, "gateway", VT_BE } }, { 3, { H_ICMP, 6, 2, "mtu", VT_BE } },
	{ 2, { H_ICMP6, 4, 4, "mtu", VT_BE } }, { 130, { H_ICMP6, 4, 2, "max-delay", VT_BE } },
	{ 4, { H_ICMP6, 4, 4, "parameter-problem", VT_BE } },
};

/* Fields that are not whole bytes (nft's HDR_BITFIELD templates): bit
 * offset and length in the header (vlan: in the link layer). */
struct rt_bfield {
	uint8_t hdr;
	uint16_t off, len;
	const char *name;
	uint8_t type;
};

static const struct rt_bfield bfields[] = {
	{ H_IP, 0, 4, "version", VT_BE }, { H_IP, 4, 4, "hdrlength", VT_BE },
	{ H_IP, 8, 6, "dscp", VT_DSCP }, { H_IP, 14, 2, "ecn", VT_ECN },
	{ H_IP6, 0, 4, "version", VT_BE }, { H_IP6, 4, 6, "dscp", VT_DSCP },
	{ H_IP6, 10, 2, "ecn", VT_ECN }, { H_IP6, 12, 20, "flowlabel", VT_BE },
	{ H_TCP, 96, 4, "doff", VT_BE }, { H_TCP, 100, 4, "reserved", VT_BE },
	{ H_DCCP, 67, 4, "type", VT_DCCP_TYPE },
	{ H_VLAN, 112, 3, "pcp", VT_BE }, { H_VLAN, 115, 1, "dei", VT_BE },
	{ H_VLAN, 116, 12, "id", VT_BE },
};

/* enum nft_meta_keys, by number (newer kernels may add keys: [meta N]). */
static const struct rt_kname meta_keys[] = {
	{ "length", VT_HOST, 0 }, { "protocol", VT_ETHERTYPE, 0 }, { "priority", VT_PRIO, 0 },
	{ "mark", VT_MARK, 0 }, { "iif", VT_IFINDEX, 1 }, { "oif", VT_IFINDEX, 1 },
	{ "iifname", VT_IFNAME, 1 }, { "oifname", VT_IFNAME, 1 }, { "iiftype", VT_IFTYPE, 0 },
	{ "oiftype", VT_IFTYPE, 0 }, { "skuid", VT_HOST, 0 }, { "skgid", VT_HOST, 0 },
	{ "nftrace", VT_HOST, 0 }, { "rtclassid", VT_HOST, 0 }, { "secmark", VT_HOST, 0 },
	{ "nfproto", VT_NFPROTO, 0 }, { "l4proto", VT_PROTO, 0 }, { "ibrname", VT_IFNAME, 0 },
	{ "obrname", VT_IFNAME, 0 }, { "pkttype", VT_PKTTYPE, 0 }, { "cpu", VT_HOST, 0 },
	{ "iifgroup", VT_HOST, 1 }, { "oifgroup", VT_HOST, 1 }, { "cgroup", VT_HOST, 0 },
	{ "random", VT_BE, 0 }, { "secpath", VT_BOOL, 0 }, { "iifkind", VT_STRING, 0 },
	{ "oifkind", VT_STRING, 0 }, { "ibrpvid", VT_HOST, 0 }, { "ibrvproto", VT_ETHERTYPE, 0 },
	{ "time", VT_DATE, 0 }, { "day", VT_DAY, 0 }, { "hour", VT_HOUR, 0 },
	{ "sdif", VT_IFINDEX, 0 }, { "sdifname", VT_IFNAME, 0 }, { "broute", VT_HOST, 0 },
};

/* enum nft_ct_keys */
static const struct rt_kname ct_keys[] = {
	{ "state", VT_CT_STATE, 0 }, { "direction", VT_CT_DIR, 0 }, { "status", VT_CT_STATUS, 0 },
	{ "mark", VT_MARK, 0 }, { "secmark", VT_HOST, 0 }, { "expiration", VT_TIME_MS, 0 },
	{ "helper", VT_STRING, 0 }, { "l3proto", VT_NFPROTO, 0 }, { "saddr", VT_CT_ADDR, 0 },
	{ "daddr", VT_CT_ADDR, 0 }, { "protocol", VT_PROTO, 0 }, { "proto-src", VT_PORT, 0 },
	{ "proto-dst", VT_PORT, 0 }, { "label", VT_CT_LABEL, 0 }, { "packets", VT_HOST, 0 },
	{ "bytes", VT_HOST, 0 }, { "avgpkt", VT_HOST, 0 }, { "zone", VT_HOST, 0 },
	{ "event", VT_CT_EVENT, 0 }, { "ip saddr", VT_IPV4, 0 }, { "ip daddr", VT_IPV4, 0 },
	{ "ip6 saddr", VT_IPV6, 0 }, { "ip6 daddr", VT_IPV6, 0 }, { "id", VT_BE, 0 },
};

#define SYM_FIND(tbl, v) rule_text_nft_value_find(tbl, ARRAY_SIZE(tbl), v)

/* Mark the dependency statement *dep elided (nft does not print it). */
void rule_text_nft_expr_kill(struct rt_nctx *c, int *dep)
{
	if (*dep >= 0 && (size_t)*dep < c->n)
		c->st[*dep].dead = true;
	*dep = -1;
}

/* --- left-hand sides ---------------------------------------------------- */

static enum rt_hdr nh_hdr(const struct rt_nctx *c)
{
	if (c->nh == NFPROTO_IPV4)
		return H_IP;
	if (c->nh == NFPROTO_IPV6)
		return H_IP6;
	if (c->nh == NFPROTO_ARP)
		return H_ARP;
	return H_NONE;
}

/* The transport header a `meta l4proto`/`ip protocol` compare announced. */
static enum rt_hdr th_hdr(const struct rt_nctx *c)
{
	switch (c->l4) {
	case IPPROTO_TCP:
		return H_TCP;
	case IPPROTO_UDP:
		return H_UDP;
	case IPPROTO_UDPLITE:
		return H_UDPLITE;
	case IPPROTO_SCTP:
		return H_SCTP;
	case IPPROTO_DCCP:
		return H_DCCP;
	case IPPROTO_ICMP:
		return H_ICMP;
	case IPPROTO_ICMPV6:
		return H_ICMP6;
	case IPPROTO_AH:
		return H_AH;
	case IPPROTO_ESP:
		return H_ESP;
	case IPPROTO_COMP:
		return H_COMP;
	}
	return H_TH;
}

enum rt_hdr rule_text_nft_expr_hdr(const struct rt_nctx *c, const struct rt_reg *r)
{
	switch (r->base) {
	case NFT_PAYLOAD_LL_HEADER:
		return c->vlan && r->offset >= 14 ? H_VLAN : H_ETHER;
	case NFT_PAYLOAD_NETWORK_HEADER:
		return nh_hdr(c);
	case NFT_PAYLOAD_TRANSPORT_HEADER:
		return th_hdr(c);
	}
	return H_NONE;
}

/* The icmp field an earlier `icmp type` compare selects at off, or NULL. */
static const struct rt_pfield *icmp_dep_field(const struct rt_nctx *c, enum rt_hdr h, uint32_t off,
					      uint32_t len)
{
	size_t i;

	if (c->icmp_dep < 0)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(icmp_dep_fields); i++) {
		const struct rt_pfield *f = &icmp_dep_fields[i].f;

		if (f->hdr == h && f->off == off && icmp_dep_fields[i].icmp_type == c->icmp_type &&
		    (!len || len >= f->len))
			return f;
	}
	return NULL;
}

const struct rt_pfield *rule_text_nft_expr_field(const struct rt_nctx *c, enum rt_hdr h, uint32_t off,
						 uint32_t len)
{
	const struct rt_pfield *dep = icmp_dep_field(c, h, off, len);
	size_t i;

	if (dep)
		return dep;
	for (i = 0; i < ARRAY_SIZE(pfields); i++)
		if (pfields[i].hdr == h && pfields[i].off == off)
			return &pfields[i];
	return NULL;
}

/* A payload field named in its header: kills the dependency that only
 * established the header. */
void rule_text_nft_expr_used(struct rt_nctx *c, const struct rt_reg *r, enum rt_hdr h)
{
	if (r->base == NFT_PAYLOAD_NETWORK_HEADER && h != H_NONE)
		rule_text_nft_expr_kill(c, &c->nh_dep);
	if (r->base == NFT_PAYLOAD_TRANSPORT_HEADER && h != H_TH) {
		rule_text_nft_expr_kill(c, &c->l4_dep);
		if (h == H_ICMP || h == H_ICMP6)
			rule_text_nft_expr_kill(c, &c->nh_dep);	/* the protocol implies the family */
	}
	if (r->base == NFT_PAYLOAD_LL_HEADER)
		rule_text_nft_expr_kill(c, &c->ll_dep);
	/* `vlan id` implies `ether type 8021q`; `vlan type` never drops it */
	if (h == H_VLAN && r->offset < 16)
		rule_text_nft_expr_kill(c, &c->vlan_dep);
	if (icmp_dep_field(c, h, r->offset, r->len))
		rule_text_nft_expr_kill(c, &c->icmp_dep);
}

/* Name a bit field: what it is called, its type, the shift and width of
 * its values. */
static void set_bits(struct rt_lhs *l, const char *hdr, const char *name, uint8_t type,
		     const struct rt_reg *r, uint32_t first, uint32_t n)
{
	snprintf(l->name, sizeof(l->name), "%s %s", hdr, name);
	l->type = type;
	l->bits = true;
	l->vshift = (int)(r->len * 8 - first - n);
	l->vlen = (n + 7) / 8;
}

/* A bit field of header h under r's mask, or NULL. */
static const struct rt_bfield *bfield_find(enum rt_hdr h, const struct rt_reg *r, uint32_t *first,
					   uint32_t *n)
{
	size_t i;

	if (!rule_text_reg_mask_bits(r, first, n))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(bfields); i++)
		if (bfields[i].hdr == h && bfields[i].off == r->offset * 8 + *first &&
		    bfields[i].len == *n)
			return &bfields[i];
	return NULL;
}

/* nft's name for a payload load: "hdr field", a bit field, or @base,off,len. */
static bool payload_lhs(struct rt_nctx *c, const struct rt_reg *r, struct rt_lhs *l)
{
	static const char *const bases[] = { "ll", "nh", "th", "ih" };
	enum rt_hdr h = rule_text_nft_expr_hdr(c, r);
	const struct rt_pfield *f = rule_text_nft_expr_field(c, h, r->offset, r->len);
	const struct rt_bfield *bf;
	uint32_t first = 0, n = 0;

	bf = bfield_find(h, r, &first, &n);
	if (bf) {
		set_bits(l, hdr_names[h], bf->name, bf->type, r, first, n);
		rule_text_nft_expr_used(c, r, h);
		return true;
	}
	if (f && (f->len == r->len || (f->len > r->len && (f->type == VT_IPV4 || f->type == VT_IPV6)))) {
		snprintf(l->name, sizeof(l->name), "%s %s", hdr_names[h], f->name);
		l->type = f->type;
		l->flen = f->len;
		/* a masked address is a prefix: ip saddr 10.0.0.0/8, ether saddr 02:00:00:00:00:00/24 */
		l->addr = f->type == VT_IPV4 || f->type == VT_IPV6 || f->type == VT_ETHER;
		rule_text_nft_expr_used(c, r, h);
		return true;
	}
	snprintf(l->name, sizeof(l->name), "@%s,%u,%u", r->base < 4 ? bases[r->base] : "?",
		 r->offset * 8, r->len * 8);
	l->type = VT_RAW;
	c->undecoded = true;
	return true;
}

/* "fib saddr . iif oif" as fib_expr_print() writes it; false for a
 * result it does not know. */
static bool fib_name(char *buf, size_t n, uint32_t flags, uint32_t result)
{
	static const struct { uint32_t f; const char *s; } parts[] = {
		{ NFTA_FIB_F_SADDR, "saddr" }, { NFTA_FIB_F_DADDR, "daddr" },
		{ NFTA_FIB_F_MARK, "mark" }, { NFTA_FIB_F_IIF, "iif" }, { NFTA_FIB_F_OIF, "oif" },
	};
	static const char *const results[] = { "unspec", "oif", "oifname", "type" };
	size_t i, off;

	off = (size_t)snprintf(buf, n, "fib");
	for (i = 0; i < ARRAY_SIZE(parts) && off < n; i++)
		if (flags & parts[i].f)
			off += (size_t)snprintf(buf + off, n - off, "%s%s",
						off > 3 ? " . " : " ", parts[i].s);
	if (off < n)
		snprintf(buf + off, n - off, " %s", result < 4 ? results[result] : "?");
	return result > 0 && result < 4;
}

/* Name an exthdr load; the header the option lives in is implied: its
 * dependency goes. */
static void exthdr_name(struct rt_nctx *c, const struct rt_reg *r, struct rt_lhs *l)
{
	if (r->base == NFT_EXTHDR_OP_TCPOPT || r->base == NFT_EXTHDR_OP_SCTP)
		rule_text_nft_expr_kill(c, &c->l4_dep);
	else if ((r->base == NFT_EXTHDR_OP_IPV6 && c->nh == NFPROTO_IPV6) ||
		 (r->base == NFT_EXTHDR_OP_IPV4 && c->nh == NFPROTO_IPV4))
		rule_text_nft_expr_kill(c, &c->nh_dep);
	if (!rule_text_nft_exthdr_name(r, l))
		c->undecoded = true;
}

/* Name the value a register holds. */
void rule_text_nft_expr_name(struct rt_nctx *c, const struct rt_reg *r, struct rt_lhs *l)
{
	static const char *const rt_keys[] = { "classid", "nexthop", "nexthop", "mtu", "ipsec" };
	static const char *const sock_keys[] = { "transparent", "mark", "wildcard", "cgroupv2" };

	memset(l, 0, sizeof(*l));
	l->type = VT_HOST;
	switch (r->src) {
	case RT_SRC_PAYLOAD:
		payload_lhs(c, r, l);
		return;
	case RT_SRC_META:
		if (r->key < ARRAY_SIZE(meta_keys)) {
			snprintf(l->name, sizeof(l->name), "%s%s", meta_keys[r->key].bare ? "" : "meta ",
				 meta_keys[r->key].name);
			l->type = meta_keys[r->key].type;
		} else {
			snprintf(l->name, sizeof(l->name), "meta %u", r->key);
		}
		return;
	case RT_SRC_CT:
		if (r->key < ARRAY_SIZE(ct_keys)) {
			snprintf(l->name, sizeof(l->name), "ct %s%s",
				 r->dir == 0 ? "original " : r->dir == 1 ? "reply " : "",
				 ct_keys[r->key].name);
			l->type = ct_keys[r->key].type;
		} else {
			snprintf(l->name, sizeof(l->name), "ct %u", r->key);
		}
		return;
	case RT_SRC_RT:
		snprintf(l->name, sizeof(l->name), "rt %s", r->key < 5 ? rt_keys[r->key] : "?");
		l->type = r->key == 1 ? VT_IPV4 : r->key == 2 ? VT_IPV6 : r->key == 4 ? VT_BOOL : VT_HOST;
		return;
	case RT_SRC_SOCKET:
		if (r->key == 3)
			snprintf(l->name, sizeof(l->name), "socket cgroupv2 level %u", r->flags);
		else
			snprintf(l->name, sizeof(l->name), "socket %s", r->key < 4 ? sock_keys[r->key] : "?");
		l->type = r->key == 1 ? VT_MARK : VT_HOST;
		return;
	case RT_SRC_FIB:
		if (!fib_name(l->name, sizeof(l->name), r->flags, r->key))
			c->undecoded = true;
		l->type = (r->flags & NFTA_FIB_F_PRESENT) ? VT_BOOL :
			  r->key == NFT_FIB_RESULT_ADDRTYPE ? VT_FIB_ADDRTYPE :
			  r->key == NFT_FIB_RESULT_OIFNAME ? VT_IFNAME : VT_FIB_OIF;
		return;
	case RT_SRC_EXTHDR:
		exthdr_name(c, r, l);
		return;
	case RT_SRC_IMM: {
		struct strbuf sb;

		strbuf_init(&sb);
		rule_text_nft_value_write(&sb, VT_RAW, r->data, r->len);
		snprintf(l->name, sizeof(l->name), "%s", sb.s);
		strbuf_free(&sb);
		l->type = VT_RAW;
		c->undecoded = true;
		return;
	}
	case RT_SRC_OTHER:
		snprintf(l->name, sizeof(l->name), "%s", r->desc ? r->desc : "?");
		l->type = r->vt;
		return;
	case RT_SRC_NONE:
		break;
	}
	snprintf(l->name, sizeof(l->name), "[reg]");
	c->undecoded = true;
}

/* The value a statement takes from a register: an immediate written in
 * the destination's type, else the source's name (`ct mark set meta mark`). */
void rule_text_nft_expr_reg_value(struct rt_nctx *c, struct strbuf *sb, const struct rt_reg *r,
				  enum rt_vt type)
{
	struct rt_lhs l;

	if (!r) {
		strbuf_add(sb, "[reg]");
		c->undecoded = true;
		return;
	}
	if (r->src == RT_SRC_IMM) {
		rule_text_nft_value_write(sb, type, r->data, r->len);
		return;
	}
	rule_text_nft_expr_name(c, r, &l);
	strbuf_add(sb, l.name);
	if (r->bitwise && r->len <= 8) {
		uint64_t m = rule_text_nft_value_host(r->mask, r->len);
		uint64_t x = rule_text_nft_value_host(r->xor, r->len);
		uint64_t all = r->len == 8 ? ~0ull : (1ull << (r->len * 8)) - 1;

		/* nft's binop folding: (v & ~x) ^ x is v | x */
		if (x && (m | x) == all && !(m & x)) {
			strbuf_add(sb, " | ");
			rule_text_nft_value_write(sb, type, r->xor, r->len);
			return;
		}
		if (m != all) {
			strbuf_add(sb, " & ");
			rule_text_nft_value_write(sb, type, r->mask, r->len);
		}
		if (x) {
			strbuf_add(sb, " ^ ");
			rule_text_nft_value_write(sb, type, r->xor, r->len);
		}
	}
}

/* The key of a lookup/dynset: loads from sreg on, joined by " . "
 * (concatenations occupy consecutive 4-byte slots). */
void rule_text_nft_expr_key(struct rt_nctx *c, struct strbuf *sb, uint32_t sreg,
			    struct rt_keyspec *ks)
{
	int slot = rule_text_reg_slot(sreg), n = 0;
	unsigned int seq = 0;
	struct rt_lhs l;

	if (ks)
		memset(ks, 0, sizeof(*ks));
	while (slot >= 0 && slot < RT_NSLOTS) {
		struct rt_reg *r = &c->rs.r[slot];

		if (r->src == RT_SRC_NONE || !r->head || (n > 0 && (!r->pending || r->seq < seq)))
			break;
		rule_text_nft_expr_name(c, r, &l);
		strbuf_addf(sb, "%s%s", n ? " . " : "", l.name);
		if (ks && ks->n < RT_NSLOTS) {
			struct rt_keypart *p = &ks->p[ks->n++];

			p->type = (uint8_t)l.type;
			p->hton = r->hton;
			p->len = r->len;
			p->vshift = l.vshift;
			p->vlen = l.bits ? l.vlen : 0;
		}
		r->pending = false;
		seq = r->seq;
		slot += r->len ? (int)((r->len + 3) / 4) : 1;
		n++;
	}
	if (n == 0) {
		strbuf_add(sb, "[reg]");
		c->undecoded = true;
	}
}

const char *rule_text_nft_expr_hdr_name(enum rt_hdr h)
{
	return h < ARRAY_SIZE(hdr_names) && hdr_names[h] ? hdr_names[h] : "?";
}

bool rule_text_nft_expr_rewrite(struct rt_nctx *c, struct strbuf *sb, const struct rt_reg *dst,
				const struct rt_reg *src)
{
	struct rt_reg f = *dst;
	struct rt_lhs l;
	uint32_t first = 0, n = 0, i;
	uint8_t v[16], fv[8];

	if (!src || src->src != dst->src || src->base != dst->base || src->offset != dst->offset ||
	    src->len != dst->len || src->key != dst->key || !src->bitwise || src->shift ||
	    !dst->len || dst->len > sizeof(f.mask))
		return false;
	/* the bits the write changes are those the mask clears */
	f.bitwise = true;
	f.desc = NULL;
	memset(f.xor, 0, sizeof(f.xor));
	for (i = 0; i < dst->len; i++) {
		f.mask[i] = (uint8_t)~src->mask[i];
		v[i] = src->xor[i] & f.mask[i];
	}
	if (!rule_text_reg_mask_bits(&f, &first, &n))
		return false;
	if (first % 8 == 0 && n % 8 == 0) {	/* whole bytes: ip ttl set 64 */
		f.bitwise = false;
		f.offset = dst->offset + first / 8;
		f.len = n / 8;
		rule_text_nft_expr_name(c, &f, &l);
		if (l.type == VT_RAW)
			return false;
		strbuf_addf(sb, "%s set ", l.name);
		rule_text_nft_value_write(sb, l.type, v + first / 8, n / 8);
		return true;
	}
	rule_text_nft_expr_name(c, &f, &l);
	if (!l.bits)
		return false;
	strbuf_addf(sb, "%s set ", l.name);
	rule_text_nft_value_write(sb, l.type, fv,
				 rule_text_nft_value_bits(v, NULL, dst->len, l.vshift, l.vlen, fv));
	return true;
}

/* The destination of `meta KEY set` / `ct KEY set`. */
void rule_text_nft_expr_setter(bool ct, uint32_t key, struct rt_lhs *l)
{
	const struct rt_kname *k = ct ? ct_keys : meta_keys;
	size_t n = ct ? ARRAY_SIZE(ct_keys) : ARRAY_SIZE(meta_keys);

	memset(l, 0, sizeof(*l));
	l->type = VT_HOST;
	if (key < n) {
		snprintf(l->name, sizeof(l->name), "%s %s", ct ? "ct" : "meta", k[key].name);
		l->type = k[key].type;
	} else {
		snprintf(l->name, sizeof(l->name), "%s %u", ct ? "ct" : "meta", key);
	}
}
