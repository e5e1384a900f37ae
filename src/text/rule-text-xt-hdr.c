/*
 * rule-text-xt-hdr.c - decoders for the compat match blobs that test
 * packet header fields: -m tcp, udp, icmp, icmp6, multiport, iprange,
 * sctp, rt, frag, esp, length, tcpmss, ttl, hl, dscp, mac and pkttype, as
 * each extension's save() prints them (iptables 1.8.9). Registered by
 * name in rule_text_xt_hdr_matches[], which rule-text-xt-ext.c's lookup
 * searches; each decoder checks the revision and the blob's length, and
 * returns false for one it cannot print faithfully (sctp's chunk types).
 * Written from the kernel UAPI layout, which is ABI; no libxtables.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_pkttype.h>
#include <linux/netfilter/xt_iprange.h>
#include <linux/netfilter/xt_length.h>
#include <linux/netfilter/xt_tcpmss.h>
#include <linux/netfilter/xt_sctp.h>
#include <linux/netfilter/xt_mac.h>
#include <linux/netfilter/xt_dscp.h>
#include <linux/netfilter/xt_esp.h>
#include <linux/netfilter_ipv6/ip6t_rt.h>
#include <linux/netfilter_ipv6/ip6t_frag.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv4/ipt_ttl.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/netfilter_ipv6/ip6t_hl.h>

#include "iptop.h"
#include "rule-text-int.h"

/* Blobs are XT_ALIGN()ed copies of these structs. */
#define HAS(type, len) ((len) >= sizeof(type))

/* multiport revision 0 (list) and 1 (ranges, invert). */
static bool match_multiport(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			    uint32_t len)
{
	const struct xt_multiport_v1 *m1 = info;
	const struct xt_multiport *m0 = info;
	uint8_t flags, count;
	unsigned int i;

	(void)family;
	if (rev == 0 ? !HAS(*m0, len) : rev != 1 || !HAS(*m1, len))
		return false;
	flags = rev == 0 ? m0->flags : m1->flags;
	count = rev == 0 ? m0->count : m1->count;
	if (count > XT_MULTI_PORTS)
		return false;
	strbuf_add(sb, " -m multiport");
	if (rev == 1 && m1->invert)
		strbuf_add(sb, " !");
	switch (flags) {
	case XT_MULTIPORT_SOURCE:
		strbuf_add(sb, " --sports ");
		break;
	case XT_MULTIPORT_DESTINATION:
		strbuf_add(sb, " --dports ");
		break;
	case XT_MULTIPORT_EITHER:
		strbuf_add(sb, " --ports ");
		break;
	}
	for (i = 0; i < count; i++) {
		strbuf_addf(sb, "%s%u", i ? "," : "", rev == 0 ? m0->ports[i] : m1->ports[i]);
		if (rev == 1 && m1->pflags[i] && i + 1 < count)
			strbuf_addf(sb, ":%u", m1->ports[++i]);
	}
	return true;
}

/* iprange revision 1 (either family). */
static bool match_iprange(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			  uint32_t len)
{
	const struct xt_iprange_mtinfo *r = info;
	int af = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;

	if (rev != 1)
		return false;
	if (!HAS(*r, len))
		return false;
	strbuf_add(sb, " -m iprange");
	if (r->flags & IPRANGE_SRC) {
		strbuf_add(sb, (r->flags & IPRANGE_SRC_INV) ? " ! --src-range " : " --src-range ");
		rule_text_xt_addr(sb, af, &r->src_min);
		strbuf_addc(sb, '-');
		rule_text_xt_addr(sb, af, &r->src_max);
	}
	if (r->flags & IPRANGE_DST) {
		strbuf_add(sb, (r->flags & IPRANGE_DST_INV) ? " ! --dst-range " : " --dst-range ");
		rule_text_xt_addr(sb, af, &r->dst_min);
		strbuf_addc(sb, '-');
		rule_text_xt_addr(sb, af, &r->dst_max);
	}
	return true;
}

/* sctp ports; chunk types are left to "[?]". */
static bool match_sctp(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		       uint32_t len)
{
	const struct xt_sctp_info *s = info;

	(void)family;
	if (rev != 0)
		return false;
	/* chunk types need libxt_sctp's chunk table: leave to "[?]" */
	if (!HAS(*s, len) || (s->flags & XT_SCTP_CHUNK_TYPES))
		return false;
	strbuf_add(sb, " -m sctp");
	if (s->flags & XT_SCTP_SRC_PORTS) {
		strbuf_add(sb, (s->invflags & XT_SCTP_SRC_PORTS) ? " !" : "");
		if (s->spts[0] != s->spts[1])
			strbuf_addf(sb, " --sport %u:%u", s->spts[0], s->spts[1]);
		else
			strbuf_addf(sb, " --sport %u", s->spts[0]);
	}
	if (s->flags & XT_SCTP_DEST_PORTS) {
		strbuf_add(sb, (s->invflags & XT_SCTP_DEST_PORTS) ? " !" : "");
		if (s->dpts[0] != s->dpts[1])
			strbuf_addf(sb, " --dport %u:%u", s->dpts[0], s->dpts[1]);
		else
			strbuf_addf(sb, " --dport %u", s->dpts[0]);
	}
	return true;
}

/* IPv6 routing header (ip6t_rt). */
static bool match_rt(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		     uint32_t len)
{
	const struct ip6t_rt *rt = info;
	unsigned int i;

	if (rev != 0 || family != NFPROTO_IPV6)
		return false;
	if (!HAS(*rt, len) || rt->addrnr > IP6T_RT_HOPS)
		return false;
	strbuf_add(sb, " -m rt");
	if (rt->flags & IP6T_RT_TYP)
		strbuf_addf(sb, "%s --rt-type %u", (rt->invflags & IP6T_RT_INV_TYP) ? " !" : "",
			    rt->rt_type);
	if (!(rt->segsleft[0] == 0 && rt->segsleft[1] == 0xffffffffu)) {
		strbuf_addf(sb, "%s --rt-segsleft ", (rt->invflags & IP6T_RT_INV_SGS) ? " !" : "");
		if (rt->segsleft[0] != rt->segsleft[1])
			strbuf_addf(sb, "%u:%u", rt->segsleft[0], rt->segsleft[1]);
		else
			strbuf_addf(sb, "%u", rt->segsleft[0]);
	}
	if (rt->flags & IP6T_RT_LEN)
		strbuf_addf(sb, "%s --rt-len %u", (rt->invflags & IP6T_RT_INV_LEN) ? " !" : "",
			    rt->hdrlen);
	if (rt->flags & IP6T_RT_RES)
		strbuf_add(sb, " --rt-0-res");
	if (rt->flags & IP6T_RT_FST)
		strbuf_add(sb, " --rt-0-addrs");
	for (i = 0; i < rt->addrnr; i++) {
		strbuf_addc(sb, i ? ',' : ' ');
		rule_text_xt_addr(sb, AF_INET6, &rt->addrs[i]);
	}
	if (rt->flags & IP6T_RT_FST_NSTRICT)
		strbuf_add(sb, " --rt-0-not-strict");
	return true;
}

static const struct rt_flag_word frag_words[] = {
	{ IP6T_FRAG_RES, " --fragres" },
	{ IP6T_FRAG_FST, " --fragfirst" },
	{ IP6T_FRAG_MF, " --fragmore" },
	{ IP6T_FRAG_NMF, " --fraglast" },
};

/* IPv6 fragment header (ip6t_frag). */
static bool match_frag(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		       uint32_t len)
{
	const struct ip6t_frag *f = info;

	if (rev != 0 || family != NFPROTO_IPV6)
		return false;
	if (!HAS(*f, len))
		return false;
	strbuf_add(sb, " -m frag");
	if (!(f->ids[0] == 0 && f->ids[1] == 0xffffffffu)) {
		strbuf_addf(sb, "%s --fragid ", (f->invflags & IP6T_FRAG_INV_IDS) ? " !" : "");
		if (f->ids[0] != f->ids[1])
			strbuf_addf(sb, "%u:%u", f->ids[0], f->ids[1]);
		else
			strbuf_addf(sb, "%u", f->ids[0]);
	}
	if (f->flags & IP6T_FRAG_LEN)
		strbuf_addf(sb, "%s --fraglen %u", (f->invflags & IP6T_FRAG_INV_LEN) ? " !" : "",
			    f->hdrlen);
	rule_text_expr_flag_words(sb, f->flags, frag_words, ARRAY_SIZE(frag_words));
	return true;
}

static bool match_tcp(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	const struct xt_tcp *t = info;

	(void)family;
	if (!(rev == 0 && HAS(struct xt_tcp, len)))
		return false;
	rule_text_xt_tcpudp(sb, true, t->spts, t->dpts, t->invflags, t->option, t->flg_mask,
		   t->flg_cmp);
	return true;
}

static bool match_udp(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	const struct xt_udp *u = info;

	(void)family;
	if (!(rev == 0 && HAS(struct xt_udp, len)))
		return false;
	rule_text_xt_tcpudp(sb, false, u->spts, u->dpts, u->invflags, -1, 0, 0);
	return true;
}

static bool match_icmp(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		       uint32_t len)
{
	const struct ipt_icmp *ic = info;

	if (!(rev == 0 && family != NFPROTO_IPV6 && HAS(struct ipt_icmp, len)))
		return false;
	rule_text_xt_icmp(sb, false, ic->type, ic->code[0], ic->code[1],
			  ic->invflags & IPT_ICMP_INV);
	return true;
}

static bool match_icmp6(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			uint32_t len)
{
	const struct ip6t_icmp *ic = info;

	if (!(rev == 0 && family == NFPROTO_IPV6 && HAS(struct ip6t_icmp, len)))
		return false;
	rule_text_xt_icmp(sb, true, ic->type, ic->code[0], ic->code[1],
			  ic->invflags & IP6T_ICMP_INV);
	return true;
}

/* " -m MATCH [!] --OPT LO[:HI]" (length, tcpmss). */
static void add_span(struct strbuf *sb, const char *match, const char *opt, bool inv, unsigned int lo,
		     unsigned int hi)
{
	strbuf_addf(sb, " -m %s%s --%s ", match, inv ? " !" : "", opt);
	if (lo == hi)
		strbuf_addf(sb, "%u", lo);
	else
		strbuf_addf(sb, "%u:%u", lo, hi);
}

static bool match_length(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			 uint32_t len)
{
	const struct xt_length_info *l = info;

	(void)family;
	if (!(rev == 0 && HAS(struct xt_length_info, len)))
		return false;
	add_span(sb, "length", "length", l->invert, l->min, l->max);
	return true;
}

static bool match_tcpmss(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			 uint32_t len)
{
	const struct xt_tcpmss_match_info *m = info;

	(void)family;
	if (!(rev == 0 && HAS(struct xt_tcpmss_match_info, len)))
		return false;
	add_span(sb, "tcpmss", "mss", m->invert, m->mss_min, m->mss_max);
	return true;
}

static bool match_ttl(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	const struct ipt_ttl_info *t = info;

	if (!(rev == 0 && family != NFPROTO_IPV6 && HAS(struct ipt_ttl_info, len)))
		return false;
	rule_text_xt_ttl(sb, false, t->mode, t->ttl);
	return true;
}

static bool match_hl(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		     uint32_t len)
{
	const struct ip6t_hl_info *h = info;

	if (!(rev == 0 && family == NFPROTO_IPV6 && HAS(struct ip6t_hl_info, len)))
		return false;
	rule_text_xt_ttl(sb, true, h->mode, h->hop_limit);
	return true;
}

static bool match_pkttype(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			  uint32_t len)
{
	const struct xt_pkttype_info *p = info;

	(void)family;
	if (!(rev == 0 && HAS(struct xt_pkttype_info, len)))
		return false;
	rule_text_xt_pkttype(sb, (uint8_t)p->pkttype, p->invert);
	return true;
}

static bool match_mac(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	const struct xt_mac_info *m = info;

	(void)family;
	if (!(rev == 0 && HAS(struct xt_mac_info, len)))
		return false;
	strbuf_addf(sb, " -m mac%s --mac-source %02x:%02x:%02x:%02x:%02x:%02x",
		    m->invert ? " !" : "", m->srcaddr[0], m->srcaddr[1], m->srcaddr[2],
		    m->srcaddr[3], m->srcaddr[4], m->srcaddr[5]);
	return true;
}

static bool match_dscp(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		       uint32_t len)
{
	const struct xt_dscp_info *d = info;

	(void)family;
	if (!(rev == 0 && HAS(struct xt_dscp_info, len)))
		return false;
	strbuf_addf(sb, " -m dscp%s --dscp 0x%02x", d->invert ? " !" : "", d->dscp);
	return true;
}

static bool match_esp(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	const struct xt_esp *e = info;

	(void)family;
	if (!(rev == 0 && HAS(struct xt_esp, len)))
		return false;
	strbuf_add(sb, " -m esp");
	if (!(e->spis[0] == 0 && e->spis[1] == 0xffffffffu)) {
		strbuf_addf(sb, "%s --espspi ", (e->invflags & XT_ESP_INV_SPI) ? " !" : "");
		if (e->spis[0] != e->spis[1])
			strbuf_addf(sb, "%u:%u", e->spis[0], e->spis[1]);
		else
			strbuf_addf(sb, "%u", e->spis[0]);
	}
	return true;
}

const struct rt_xt_ext rule_text_xt_hdr_matches[] = {
	{ "tcp", match_tcp }, { "udp", match_udp }, { "icmp", match_icmp }, { "icmp6", match_icmp6 },
	{ "multiport", match_multiport }, { "iprange", match_iprange }, { "sctp", match_sctp },
	{ "rt", match_rt }, { "frag", match_frag }, { "esp", match_esp }, { "length", match_length },
	{ "tcpmss", match_tcpmss }, { "ttl", match_ttl }, { "hl", match_hl }, { "dscp", match_dscp },
	{ "mac", match_mac }, { "pkttype", match_pkttype },
};
const size_t rule_text_xt_hdr_nmatches = ARRAY_SIZE(rule_text_xt_hdr_matches);
