/*
 * rule-text-xt-target-ext.c - decoders for the targets registered by
 * name (struct rt_xt_ext): -j SET, TPROXY, TOS, HL, HMARK, TEE, SYNPROXY,
 * DNPT/SNPT, IPv6 NETMAP and ECN: the words each extension's save() prints
 * (iptables 1.8.9), from the kernel UAPI layouts. The older targets are
 * rule-text-xt-target.c's; SET is rule-text-ipset.c's.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_TPROXY.h>
#include <linux/netfilter/xt_DSCP.h>
#include <linux/netfilter/xt_HMARK.h>
#include <linux/netfilter/xt_TEE.h>
#include <linux/netfilter/xt_SYNPROXY.h>
#include <linux/netfilter_ipv4/ipt_ECN.h>
#include <linux/netfilter_ipv6/ip6t_HL.h>
#include <linux/netfilter_ipv6/ip6t_NPT.h>

#include "iptop.h"
#include "rule-text-int.h"

#define HAS(type, len) ((len) >= sizeof(type))
#define HAS_UPTO(type, field, len) ((len) >= offsetof(type, field))

/* libipt_TOS revision 0's blob (no longer in the UAPI headers). */
struct rt_ipt_tos_target_info {
	uint8_t tos;
};

/* TPROXY revision 0 (IPv4 only) and 1. */
static bool target_tproxy(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			  uint32_t len)
{
	uint32_t mark, mask;
	uint16_t port;

	strbuf_add(sb, " -j TPROXY");
	if (rev == 0 && family == NFPROTO_IPV4 && HAS(struct xt_tproxy_target_info, len)) {
		const struct xt_tproxy_target_info *t = info;

		port = t->lport;
		mark = t->mark_value;
		mask = t->mark_mask;
		strbuf_addf(sb, " --on-port %u --on-ip ", ntohs(port));
		rule_text_xt_addr(sb, AF_INET, &t->laddr);
	} else if (rev == 1 && HAS(struct xt_tproxy_target_info_v1, len)) {
		const struct xt_tproxy_target_info_v1 *t = info;

		port = t->lport;
		mark = t->mark_value;
		mask = t->mark_mask;
		strbuf_addf(sb, " --on-port %u --on-ip ", ntohs(port));
		rule_text_xt_addr(sb, family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, &t->laddr);
	} else {
		return false;
	}
	strbuf_addf(sb, " --tproxy-mark 0x%x/0x%x", mark, mask);
	return true;
}

/* TOS revision 0 (IPv4, a value) and 1 (value/mask). */
static bool target_tos(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		       uint32_t len)
{
	if (rev == 0 && family == NFPROTO_IPV4 && HAS(struct rt_ipt_tos_target_info, len)) {
		strbuf_addf(sb, " -j TOS --set-tos 0x%02x",
			    ((const struct rt_ipt_tos_target_info *)info)->tos);
		return true;
	}
	if (rev == 1 && HAS(struct xt_tos_target_info, len)) {
		const struct xt_tos_target_info *t = info;

		strbuf_addf(sb, " -j TOS --set-tos 0x%02x/0x%02x", t->tos_value, t->tos_mask);
		return true;
	}
	return false;
}

static bool target_hl(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	static const char *const modes[] = {
		[IP6T_HL_SET] = " --hl-set", [IP6T_HL_INC] = " --hl-inc", [IP6T_HL_DEC] = " --hl-dec",
	};
	const struct ip6t_HL_info *h = info;

	if (family != NFPROTO_IPV6 || rev != 0 || !HAS(*h, len))
		return false;
	strbuf_addf(sb, " -j HL%s %u", h->mode < ARRAY_SIZE(modes) ? modes[h->mode] : "",
		    h->hop_limit);
	return true;
}

static bool target_hmark(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			 uint32_t len)
{
	const struct xt_hmark_info *h = info;
	uint32_t f;

	if (rev != 0 || !HAS(*h, len))
		return false;
	f = h->flags;
	strbuf_add(sb, " -j HMARK");
	if (f & XT_HMARK_FLAG(XT_HMARK_SADDR_MASK))
		strbuf_addf(sb, " --hmark-src-prefix %d", rule_text_xt_mask_cidr(family, &h->src_mask));
	if (f & XT_HMARK_FLAG(XT_HMARK_DADDR_MASK))
		strbuf_addf(sb, " --hmark-dst-prefix %d", rule_text_xt_mask_cidr(family, &h->dst_mask));
	if (f & XT_HMARK_FLAG(XT_HMARK_SPORT_MASK))
		strbuf_addf(sb, " --hmark-sport-mask 0x%04x", htons(h->port_mask.p16.src));
	if (f & XT_HMARK_FLAG(XT_HMARK_DPORT_MASK))
		strbuf_addf(sb, " --hmark-dport-mask 0x%04x", htons(h->port_mask.p16.dst));
	if (f & XT_HMARK_FLAG(XT_HMARK_SPI_MASK))
		strbuf_addf(sb, " --hmark-spi-mask 0x%08x", htonl(h->port_mask.v32));
	if (f & XT_HMARK_FLAG(XT_HMARK_SPORT))
		strbuf_addf(sb, " --hmark-sport 0x%04x", htons(h->port_set.p16.src));
	if (f & XT_HMARK_FLAG(XT_HMARK_DPORT))
		strbuf_addf(sb, " --hmark-dport 0x%04x", htons(h->port_set.p16.dst));
	if (f & XT_HMARK_FLAG(XT_HMARK_SPI))
		strbuf_addf(sb, " --hmark-spi 0x%08x", htonl(h->port_set.v32));
	if (f & XT_HMARK_FLAG(XT_HMARK_PROTO_MASK))
		strbuf_addf(sb, " --hmark-proto-mask 0x%02x", h->proto_mask);
	if (f & XT_HMARK_FLAG(XT_HMARK_RND))
		strbuf_addf(sb, " --hmark-rnd 0x%08x", h->hashrnd);
	if (f & XT_HMARK_FLAG(XT_HMARK_MODULUS))
		strbuf_addf(sb, " --hmark-mod %u", h->hmodulus);
	if (f & XT_HMARK_FLAG(XT_HMARK_OFFSET))
		strbuf_addf(sb, " --hmark-offset %u", h->hoffset);
	if (f & XT_HMARK_FLAG(XT_HMARK_CT))
		strbuf_add(sb, " --hmark-tuple ct");
	return true;
}

/* TEE revisions 0 and 1 (same layout up to the kernel's pointer). */
static bool target_tee(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		       uint32_t len)
{
	const struct xt_tee_tginfo *t = info;
	char oif[sizeof(t->oif) + 1];

	if (rev > 1 || !HAS_UPTO(struct xt_tee_tginfo, priv, len))
		return false;
	strbuf_add(sb, " -j TEE --gateway ");
	rule_text_xt_addr(sb, family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, &t->gw);
	rule_text_xt_field(oif, sizeof(oif), t->oif, sizeof(t->oif));
	if (oif[0])
		strbuf_addf(sb, " --oif %s", oif);
	return true;
}

static bool target_synproxy(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			    uint32_t len)
{
	const struct xt_synproxy_info *s = info;

	(void)family;
	if (rev != 0 || !HAS(*s, len))
		return false;
	strbuf_add(sb, " -j SYNPROXY");
	if (s->options & XT_SYNPROXY_OPT_SACK_PERM)
		strbuf_add(sb, " --sack-perm");
	if (s->options & XT_SYNPROXY_OPT_TIMESTAMP)
		strbuf_add(sb, " --timestamp");
	if (s->options & XT_SYNPROXY_OPT_WSCALE)
		strbuf_addf(sb, " --wscale %u", s->wscale);
	if (s->options & XT_SYNPROXY_OPT_MSS)
		strbuf_addf(sb, " --mss %u", s->mss);
	if (s->options & XT_SYNPROXY_OPT_ECN)
		strbuf_add(sb, " --ecn");
	return true;
}

/* DNPT_save() / SNPT_save(): a prefix unless address and length are 0. */
static void add_npt_pfx(struct strbuf *sb, const char *opt, const union nf_inet_addr *a,
			uint8_t plen)
{
	static const union nf_inet_addr zero;

	if (!memcmp(a, &zero, sizeof(zero)) && plen == 0)
		return;
	strbuf_addf(sb, " %s ", opt);
	rule_text_xt_addr(sb, AF_INET6, &a->in6);
	strbuf_addf(sb, "/%u", plen);
}

static bool target_npt(struct strbuf *sb, const char *name, uint8_t family, uint32_t rev,
		       const void *info, uint32_t len)
{
	const struct ip6t_npt_tginfo *n = info;

	if (family != NFPROTO_IPV6 || rev != 0 || !HAS_UPTO(struct ip6t_npt_tginfo, adjustment, len))
		return false;
	strbuf_addf(sb, " -j %s", name);
	add_npt_pfx(sb, "--src-pfx", &n->src_pfx, n->src_pfx_len);
	add_npt_pfx(sb, "--dst-pfx", &n->dst_pfx, n->dst_pfx_len);
	return true;
}

static bool target_dnpt(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			uint32_t len)
{
	return target_npt(sb, "DNPT", family, rev, info, len);
}

static bool target_snpt(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			uint32_t len)
{
	return target_npt(sb, "SNPT", family, rev, info, len);
}

/* libipt_NETMAP: the prefix is where min and max agree. */
static bool target_netmap4(struct strbuf *sb, const void *info, uint32_t len)
{
	const struct nf_nat_ipv4_multi_range_compat *m = info;
	uint32_t mask, bit;
	int bits = 0;

	if (!HAS(*m, len) || m->rangesize < 1)
		return false;
	strbuf_add(sb, " -j NETMAP --to ");
	rule_text_xt_addr(sb, AF_INET, &m->range[0].min_ip);
	mask = ~(m->range[0].min_ip ^ m->range[0].max_ip);
	for (bit = 0x80000000u; ntohl(mask) & bit; bit >>= 1)
		bits++;
	if (bits < 32 && (ntohl(mask) << bits))
		strbuf_add(sb, "/"), rule_text_xt_addr(sb, AF_INET, &mask);
	else
		strbuf_addf(sb, "/%d", bits);
	return true;
}

/* libip6t_NETMAP: the prefix is where min and max agree. */
static bool target_netmap6(struct strbuf *sb, const void *info, uint32_t len)
{
	const struct nf_nat_range *r = info;
	struct in6_addr m;
	int i, bits;

	if (!HAS(*r, len))
		return false;
	for (i = 0; i < 16; i++)
		m.s6_addr[i] = (uint8_t)~(r->min_addr.in6.s6_addr[i] ^ r->max_addr.in6.s6_addr[i]);
	strbuf_add(sb, " -j NETMAP --to ");
	rule_text_xt_addr(sb, AF_INET6, &r->min_addr.in6);
	bits = rule_text_xt_mask_cidr(NFPROTO_IPV6, &m);
	if (bits < 0) {
		strbuf_addc(sb, '/');
		rule_text_xt_addr(sb, AF_INET6, &m);
	} else {
		strbuf_addf(sb, "/%d", bits);
	}
	return true;
}

static bool target_netmap(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			  uint32_t len)
{
	if (rev != 0)
		return false;
	if (family == NFPROTO_IPV6)
		return target_netmap6(sb, info, len);
	return target_netmap4(sb, info, len);
}

/* ECN (IPv4 only): "remove" when both TCP bits are set to 0. */
static bool target_ecn(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		       uint32_t len)
{
	const struct ipt_ECN_info *e = info;

	if (family != NFPROTO_IPV4 || rev != 0 || !HAS(*e, len))
		return false;
	strbuf_add(sb, " -j ECN");
	if (e->operation == (IPT_ECN_OP_SET_ECE | IPT_ECN_OP_SET_CWR) && !e->proto.tcp.ece &&
	    !e->proto.tcp.cwr) {
		strbuf_add(sb, " --ecn-tcp-remove");
		return true;
	}
	if (e->operation & IPT_ECN_OP_SET_ECE)
		strbuf_addf(sb, " --ecn-tcp-ece %d", e->proto.tcp.ece);
	if (e->operation & IPT_ECN_OP_SET_CWR)
		strbuf_addf(sb, " --ecn-tcp-cwr %d", e->proto.tcp.cwr);
	if (e->operation & IPT_ECN_OP_SET_IP)
		strbuf_addf(sb, " --ecn-ip-ect %d", e->ip_ect);
	return true;
}

const struct rt_xt_ext rule_text_xt_ext_targets[] = {
	{ "SET", rule_text_ipset_target },
	{ "TPROXY", target_tproxy },
	{ "TOS", target_tos },
	{ "HL", target_hl },
	{ "HMARK", target_hmark },
	{ "TEE", target_tee },
	{ "SYNPROXY", target_synproxy },
	{ "DNPT", target_dnpt },
	{ "SNPT", target_snpt },
	{ "NETMAP", target_netmap },
	{ "ECN", target_ecn },
};
const size_t rule_text_xt_ext_ntargets = ARRAY_SIZE(rule_text_xt_ext_targets);
