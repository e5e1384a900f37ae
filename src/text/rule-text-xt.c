/*
 * rule-text-xt.c - the iptables words both halves of the rule-text room
 * share: xtables_save_string() quoting, protocol names, and the save()
 * output of the matches iptables-nft writes either natively or as a compat
 * blob (tcp, udp, icmp, icmp6, mark, limit, ttl/hl, pkttype, NFLOG), plus
 * address and mask formatting. Output follows iptables 1.8.9 (unchanged
 * in 1.8.10-1.8.13 for everything here).
 *
 * It decodes no blobs itself: match blobs are rule-text-xt-match.c's,
 * target blobs rule-text-xt-target.c's. Names are printed as numbers where
 * iptables would consult /etc/services or the password file only in
 * non-numeric listings (-S never does).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_NFLOG.h>

#include "iptop.h"
#include "rule-text-int.h"

/* libxt_limit: the burst save() leaves out. */
#define XT_LIMIT_DEFAULT_BURST 5

/* --- shared word formatters ------------------------------------------ */

/* xtables_save_string(): bare when only [-_0-9A-Za-z], else quoted with
 * \" \\ \' escaped. */
void rule_text_xt_quote(struct strbuf *sb, const char *s)
{
	static const char plain[] = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(s, plain);

	if (n > 0 && s[n] == '\0') {
		strbuf_addc(sb, ' ');
		strbuf_add(sb, s);
		return;
	}
	strbuf_add(sb, " \"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '\'')
			strbuf_addc(sb, '\\');
		strbuf_addc(sb, *s);
	}
	strbuf_addc(sb, '"');
}

/* iptables' proto_to_name(): its own table first, then /etc/protocols
 * (Debian netbase's names, built in so output does not depend on the
 * viewer's files). */
const char *rule_text_xt_proto_name(uint8_t proto)
{
	static const char *const own[256] = {
		[IPPROTO_TCP] = "tcp", [IPPROTO_SCTP] = "sctp", [IPPROTO_UDP] = "udp",
		[IPPROTO_UDPLITE] = "udplite", [IPPROTO_ICMP] = "icmp",
		[IPPROTO_ICMPV6] = "ipv6-icmp", [IPPROTO_ESP] = "esp", [IPPROTO_AH] = "ah",
		[IPPROTO_MH] = "mobility-header",
	};
	static const char *const netbase[256] = {
		[2] = "igmp", [3] = "ggp", [4] = "ipencap", [5] = "st", [8] = "egp",
		[9] = "igp", [12] = "pup", [20] = "hmp", [22] = "xns-idp", [27] = "rdp",
		[29] = "iso-tp4", [33] = "dccp", [36] = "xtp", [37] = "ddp",
		[38] = "idpr-cmtp", [41] = "ipv6", [43] = "ipv6-route", [44] = "ipv6-frag",
		[45] = "idrp", [46] = "rsvp", [47] = "gre", [57] = "skip",
		[59] = "ipv6-nonxt", [60] = "ipv6-opts", [73] = "rspf", [81] = "vmtp",
		[88] = "eigrp", [89] = "ospf", [93] = "ax.25", [94] = "ipip",
		[97] = "etherip", [98] = "encap", [103] = "pim", [108] = "ipcomp",
		[112] = "vrrp", [115] = "l2tp", [124] = "isis", [133] = "fc",
		[137] = "mpls-in-ip", [138] = "manet", [139] = "hip", [140] = "shim6",
		[141] = "wesp", [142] = "rohc", [143] = "ethernet",
	};

	if (own[proto])
		return own[proto];
	return netbase[proto];
}

/* libxt_tcp print_tcpf(): names in bit order, "NONE" for 0. */
static void add_tcp_flags(struct strbuf *sb, uint8_t flags)
{
	static const struct { const char *name; uint8_t bit; } names[] = {
		{ "FIN", 0x01 }, { "SYN", 0x02 }, { "RST", 0x04 }, { "PSH", 0x08 },
		{ "ACK", 0x10 }, { "URG", 0x20 },
	};
	bool first = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(flags & names[i].bit))
			continue;
		strbuf_add(sb, first ? "" : ",");
		strbuf_add(sb, names[i].name);
		first = false;
	}
	if (flags & 0xc0) {
		/* ECE/CWR: print_tcpf() would loop on "ALL"'s lookup; iptables
		 * cannot set them, show the bits honestly */
		strbuf_addf(sb, "%s0x%x", first ? "" : ",", flags & 0xc0);
		first = false;
	}
	if (first)
		strbuf_add(sb, "NONE");
}

/* " [!] --sport A[:B]" unless the range is everything. */
static void add_ports(struct strbuf *sb, const char *opt, const uint16_t pts[2], bool inv)
{
	if (pts[0] == 0 && pts[1] == 0xffff)
		return;
	if (inv)
		strbuf_add(sb, " !");
	strbuf_addc(sb, ' ');
	strbuf_add(sb, opt);
	strbuf_addc(sb, ' ');
	strbuf_add_u64(sb, pts[0]);
	if (pts[0] != pts[1]) {
		strbuf_addc(sb, ':');
		strbuf_add_u64(sb, pts[1]);
	}
}

/* libxt_tcp tcp_save() / libxt_udp udp_save(); option < 0: none. */
void rule_text_xt_tcpudp(struct strbuf *sb, bool tcp, const uint16_t spts[2],
			 const uint16_t dpts[2], uint8_t invflags, int option, uint8_t flg_mask,
			 uint8_t flg_cmp)
{
	strbuf_add(sb, tcp ? " -m tcp" : " -m udp");
	add_ports(sb, "--sport", spts, invflags & XT_TCP_INV_SRCPT);
	add_ports(sb, "--dport", dpts, invflags & XT_TCP_INV_DSTPT);
	if (!tcp)
		return;
	if (option > 0 || (invflags & XT_TCP_INV_OPTION))
		strbuf_addf(sb, "%s --tcp-option %d", (invflags & XT_TCP_INV_OPTION) ? " !" : "",
			    option < 0 ? 0 : option);
	if (flg_mask || (invflags & XT_TCP_INV_FLAGS)) {
		if (invflags & XT_TCP_INV_FLAGS)
			strbuf_add(sb, " !");
		strbuf_add(sb, " --tcp-flags ");
		add_tcp_flags(sb, flg_mask);
		strbuf_addc(sb, ' ');
		add_tcp_flags(sb, flg_cmp);
	}
}

void rule_text_xt_icmp(struct strbuf *sb, bool ipv6, uint8_t type, uint8_t code_min,
		       uint8_t code_max, bool invert)
{
	strbuf_add(sb, ipv6 ? " -m icmp6" : " -m icmp");
	if (invert)
		strbuf_add(sb, " !");
	if (!ipv6 && type == 0xff) {
		strbuf_add(sb, " --icmp-type any");	/* save()'s special case */
		return;
	}
	strbuf_addf(sb, ipv6 ? " --icmpv6-type %u" : " --icmp-type %u", type);
	if (code_min != 0 || code_max != 0xff)
		strbuf_addf(sb, "/%u", code_min);
}

/* xtables_print_mark_mask(): mask shown unless all ones. */
void rule_text_xt_val_mask(struct strbuf *sb, uint32_t val, uint32_t mask)
{
	if (mask != 0xffffffffu)
		strbuf_addf(sb, " 0x%x/0x%x", val, mask);
	else
		strbuf_addf(sb, " 0x%x", val);
}

void rule_text_xt_mark(struct strbuf *sb, uint32_t mark, uint32_t mask, bool invert)
{
	strbuf_add(sb, " -m mark");
	if (invert)
		strbuf_add(sb, " !");
	strbuf_add(sb, " --mark");
	rule_text_xt_val_mask(sb, mark, mask);
}

/* libxt_limit print_rate(): the largest unit that still gives an integer
 * count, as iptables-nft chose it when it wrote the rate. */
void rule_text_xt_limit(struct strbuf *sb, uint32_t avg, uint32_t burst)
{
	static const struct { const char *name; uint32_t mult; } rates[] = {
		{ "day", XT_LIMIT_SCALE * 24 * 60 * 60 }, { "hour", XT_LIMIT_SCALE * 60 * 60 },
		{ "min", XT_LIMIT_SCALE * 60 }, { "sec", XT_LIMIT_SCALE },
	};
	size_t i;

	strbuf_add(sb, " -m limit --limit");
	if (avg == 0) {
		strbuf_add(sb, " inf");	/* printf("%f", INFINITY) */
	} else {
		for (i = 1; i < ARRAY_SIZE(rates); i++)
			if (avg > rates[i].mult || rates[i].mult / avg < rates[i].mult % avg)
				break;
		strbuf_addf(sb, " %u/%s", rates[i - 1].mult / avg, rates[i - 1].name);
	}
	if (burst != XT_LIMIT_DEFAULT_BURST)
		strbuf_addf(sb, " --limit-burst %u", burst);
}

void rule_text_xt_ttl(struct strbuf *sb, bool ipv6, uint8_t mode, uint8_t value)
{
	static const char *const ttl_ops[] = { " --ttl-eq", " ! --ttl-eq", " --ttl-lt", " --ttl-gt" };
	static const char *const hl_ops[] = { " --hl-eq", " ! --hl-eq", " --hl-lt", " --hl-gt" };

	strbuf_add(sb, ipv6 ? " -m hl" : " -m ttl");
	if (mode < ARRAY_SIZE(ttl_ops))
		strbuf_add(sb, ipv6 ? hl_ops[mode] : ttl_ops[mode]);
	strbuf_addf(sb, " %u", value);
}

void rule_text_xt_pkttype(struct strbuf *sb, uint8_t pkttype, bool invert)
{
	static const char *const names[] = { "unicast", "broadcast", "multicast", "otherhost" };

	strbuf_addf(sb, " -m pkttype%s --pkt-type ", invert ? " !" : "");
	if (pkttype < ARRAY_SIZE(names))
		strbuf_add(sb, names[pkttype]);
	else
		strbuf_addf(sb, "%d", pkttype);
}

void rule_text_xt_nflog(struct strbuf *sb, const char *prefix, uint16_t group, uint32_t len,
			bool copy_len, uint16_t threshold)
{
	strbuf_add(sb, " -j NFLOG");
	if (prefix && prefix[0]) {
		strbuf_add(sb, " --nflog-prefix");
		rule_text_xt_quote(sb, prefix);
	}
	if (group)
		strbuf_addf(sb, " --nflog-group %u", group);
	if (copy_len)
		strbuf_addf(sb, " --nflog-size %u", len);
	else if (len)
		strbuf_addf(sb, " --nflog-range %u", len);
	if (threshold != XT_NFLOG_DEFAULT_THRESHOLD)
		strbuf_addf(sb, " --nflog-threshold %u", threshold);
}

/* --- addresses ------------------------------------------------------- */

static int mask4_cidr(uint32_t mask_be)
{
	uint32_t m = ntohl(mask_be), bits = 0xfffffffeu;
	int i = 32;

	if (m == 0xffffffffu)
		return 32;
	while (--i >= 0 && m != bits)
		bits <<= 1;
	return i;
}

int rule_text_xt_mask_cidr(uint8_t family, const void *mask)
{
	if (family == NFPROTO_IPV6)
		return rule_text_expr_mask_prefix(mask, 16);
	return mask4_cidr(((const struct in_addr *)mask)->s_addr);
}

void rule_text_xt_addr(struct strbuf *sb, int af, const void *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (af == AF_INET)
		strbuf_add_ipv4(sb, a);
	else
		strbuf_add(sb, inet_ntop(af, a, buf, sizeof(buf)) ? buf : "?");
}

/* " ADDR" + xtables_ip[6]mask_to_numeric(): "" for a host mask. */
void rule_text_xt_addr_mask(struct strbuf *sb, uint8_t family, const void *av, const void *mv)
{
	const union nf_inet_addr *a = av, *m = mv;
	int cidr;

	strbuf_addc(sb, ' ');
	if (family == NFPROTO_IPV6) {
		rule_text_xt_addr(sb, AF_INET6, &a->in6);
		cidr = rule_text_expr_mask_prefix((const uint8_t *)&m->in6, 16);
		if (cidr == -1) {
			strbuf_addc(sb, '/');
			rule_text_xt_addr(sb, AF_INET6, &m->in6);
		} else if (cidr != 128) {
			strbuf_addf(sb, "/%d", cidr);
		}
		return;
	}
	rule_text_xt_addr(sb, AF_INET, &a->in);
	cidr = mask4_cidr(m->ip);
	if (cidr == -1) {
		strbuf_addc(sb, '/');
		rule_text_xt_addr(sb, AF_INET, &m->in);
	} else if (cidr != 32) {
		strbuf_addf(sb, "/%d", cidr);
	}
}

/* A fixed-size char field as a C string. */
void rule_text_xt_field(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t n = strnlen(src, srclen);

	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}
