/*
 * rule-text-xt-match.c - decoders for the compat match blobs
 * (NFTA_MATCH_INFO: the kernel's xt_*_info structs, padded to 8 bytes)
 * iptables-nft writes for -m conntrack/state, addrtype, comment, multiport,
 * statistic, recent, physdev, iprange, owner, length, tcpmss, sctp, helper,
 * connlimit, mac, dscp, quota, cpu, esp, rt, frag and the compat forms of
 * tcp, udp, icmp, mark, limit, ttl/hl: the words each extension's save()
 * prints (iptables 1.8.9). The extensions registered by name
 * (rule-text-xt-ext.c: set, hashlimit, policy, ...) are looked up first.
 *
 * It does not link libxtables: each decoder is written from the kernel
 * UAPI layout, which is ABI. A blob it does not know (unknown extension or
 * revision, too short, or options it cannot print faithfully, such as
 * sctp's chunk types) is shown as "-m NAME [?]": the rule's other words
 * stay exact and "[?]" tells the reader that options are missing.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_connmark.h>
#include <linux/netfilter/xt_statistic.h>
#include <linux/netfilter/xt_recent.h>
#include <linux/netfilter/xt_physdev.h>
#include <linux/netfilter/xt_pkttype.h>
#include <linux/netfilter/xt_iprange.h>
#include <linux/netfilter/xt_owner.h>
#include <linux/netfilter/xt_length.h>
#include <linux/netfilter/xt_tcpmss.h>
#include <linux/netfilter/xt_sctp.h>
#include <linux/netfilter/xt_helper.h>
#include <linux/netfilter/xt_mac.h>
#include <linux/netfilter/xt_dscp.h>
#include <linux/netfilter/xt_quota.h>
#include <linux/netfilter/xt_cpu.h>
#include <linux/netfilter/xt_esp.h>
#include <linux/netfilter_ipv6/ip6t_rt.h>
#include <linux/netfilter_ipv6/ip6t_frag.h>
#include <linux/netfilter/xt_connlimit.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv4/ipt_ttl.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/netfilter_ipv6/ip6t_hl.h>

#include "iptop.h"
#include "rule-text-int.h"

/* Blobs are XT_ALIGN()ed copies of these structs; some end in a kernel
 * pointer that userspace never reads, so "long enough" is up to the last
 * field we print. */
#define HAS(type, len) ((len) >= sizeof(type))
#define HAS_UPTO(type, field, len) ((len) >= offsetof(type, field))

/* libxt_conntrack print_state(): in bit order, " " before the first. */
static void add_ct_states(struct strbuf *sb, unsigned int mask, const char *first_sep)
{
	static const struct { const char *name; unsigned int bit; } states[] = {
		{ "INVALID", XT_CONNTRACK_STATE_INVALID },
		{ "NEW", XT_CONNTRACK_STATE_BIT(IP_CT_NEW) },
		{ "RELATED", XT_CONNTRACK_STATE_BIT(IP_CT_RELATED) },
		{ "ESTABLISHED", XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED) },
		{ "UNTRACKED", XT_CONNTRACK_STATE_UNTRACKED },
		{ "SNAT", XT_CONNTRACK_STATE_SNAT },
		{ "DNAT", XT_CONNTRACK_STATE_DNAT },
	};
	const char *sep = first_sep;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(states); i++) {
		if (!(mask & states[i].bit))
			continue;
		strbuf_add(sb, sep);
		strbuf_add(sb, states[i].name);
		sep = ",";
	}
}

/* --ctstatus names in bit order, NONE for 0. */
static void add_ct_status(struct strbuf *sb, unsigned int mask)
{
	static const struct { const char *name; unsigned int bit; } st[] = {
		{ "EXPECTED", IPS_EXPECTED }, { "SEEN_REPLY", IPS_SEEN_REPLY },
		{ "ASSURED", IPS_ASSURED }, { "CONFIRMED", IPS_CONFIRMED },
	};
	const char *sep = " ";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(st); i++) {
		if (!(mask & st[i].bit))
			continue;
		strbuf_add(sb, sep);
		strbuf_add(sb, st[i].name);
		sep = ",";
	}
	if (mask == 0)
		strbuf_add(sb, " NONE");
}

/* --ctXXXport N or N:M. */
static void add_ct_ports(struct strbuf *sb, const char *opt, uint16_t lo, uint16_t hi)
{
	if (hi == 0 || lo == hi)
		strbuf_addf(sb, " --%s %u", opt, lo);
	else
		strbuf_addf(sb, " --%s %u:%u", opt, lo, hi);
}

/* libxt_conntrack conntrack_dump() with the "--" prefix, on revision 3's
 * layout (revisions 1 and 2 are widened first, as cinfo_transform() does). */
static void add_conntrack(struct strbuf *sb, uint8_t family, const struct xt_conntrack_mtinfo3 *ci,
			  bool v3)
{
	uint16_t f = ci->match_flags, inv = ci->invert_flags;

	strbuf_add(sb, (f & XT_CONNTRACK_STATE_ALIAS) ? " -m state" : " -m conntrack");
	if (f & XT_CONNTRACK_STATE) {
		strbuf_add(sb, (inv & XT_CONNTRACK_STATE) ? " !" : "");
		strbuf_add(sb, (f & XT_CONNTRACK_STATE_ALIAS) ? " --state" : " --ctstate");
		add_ct_states(sb, ci->state_mask, " ");
	}
	if (f & XT_CONNTRACK_PROTO)
		strbuf_addf(sb, "%s --ctproto %u", (inv & XT_CONNTRACK_PROTO) ? " !" : "", ci->l4proto);
	if (f & XT_CONNTRACK_ORIGSRC) {
		strbuf_add(sb, (inv & XT_CONNTRACK_ORIGSRC) ? " ! --ctorigsrc" : " --ctorigsrc");
		rule_text_xt_addr_mask(sb, family, &ci->origsrc_addr, &ci->origsrc_mask);
	}
	if (f & XT_CONNTRACK_ORIGDST) {
		strbuf_add(sb, (inv & XT_CONNTRACK_ORIGDST) ? " ! --ctorigdst" : " --ctorigdst");
		rule_text_xt_addr_mask(sb, family, &ci->origdst_addr, &ci->origdst_mask);
	}
	if (f & XT_CONNTRACK_REPLSRC) {
		strbuf_add(sb, (inv & XT_CONNTRACK_REPLSRC) ? " ! --ctreplsrc" : " --ctreplsrc");
		rule_text_xt_addr_mask(sb, family, &ci->replsrc_addr, &ci->replsrc_mask);
	}
	if (f & XT_CONNTRACK_REPLDST) {
		strbuf_add(sb, (inv & XT_CONNTRACK_REPLDST) ? " ! --ctrepldst" : " --ctrepldst");
		rule_text_xt_addr_mask(sb, family, &ci->repldst_addr, &ci->repldst_mask);
	}
	if (f & XT_CONNTRACK_ORIGSRC_PORT) {
		strbuf_add(sb, (inv & XT_CONNTRACK_ORIGSRC_PORT) ? " !" : "");
/* --ctXXXport N or N:M. */
		add_ct_ports(sb, "ctorigsrcport", v3 ? ci->origsrc_port : ntohs(ci->origsrc_port),
			     v3 ? ci->origsrc_port_high : 0);
	}
	if (f & XT_CONNTRACK_ORIGDST_PORT) {
		strbuf_add(sb, (inv & XT_CONNTRACK_ORIGDST_PORT) ? " !" : "");
/* --ctXXXport N or N:M. */
		add_ct_ports(sb, "ctorigdstport", v3 ? ci->origdst_port : ntohs(ci->origdst_port),
			     v3 ? ci->origdst_port_high : 0);
	}
	if (f & XT_CONNTRACK_REPLSRC_PORT) {
		strbuf_add(sb, (inv & XT_CONNTRACK_REPLSRC_PORT) ? " !" : "");
/* --ctXXXport N or N:M. */
		add_ct_ports(sb, "ctreplsrcport", v3 ? ci->replsrc_port : ntohs(ci->replsrc_port),
			     v3 ? ci->replsrc_port_high : 0);
	}
	if (f & XT_CONNTRACK_REPLDST_PORT) {
		strbuf_add(sb, (inv & XT_CONNTRACK_REPLDST_PORT) ? " !" : "");
/* --ctXXXport N or N:M. */
		add_ct_ports(sb, "ctrepldstport", v3 ? ci->repldst_port : ntohs(ci->repldst_port),
			     v3 ? ci->repldst_port_high : 0);
	}
	if (f & XT_CONNTRACK_STATUS) {
		strbuf_add(sb, (inv & XT_CONNTRACK_STATUS) ? " ! --ctstatus" : " --ctstatus");
		add_ct_status(sb, ci->status_mask);
	}
	if (f & XT_CONNTRACK_EXPIRES) {
		strbuf_add(sb, (inv & XT_CONNTRACK_EXPIRES) ? " ! --ctexpire " : " --ctexpire ");
		if (ci->expires_max == ci->expires_min)
			strbuf_addf(sb, "%u", ci->expires_min);
		else
			strbuf_addf(sb, "%u:%u", ci->expires_min, ci->expires_max);
	}
	if (f & XT_CONNTRACK_DIRECTION)
		strbuf_add(sb, (inv & XT_CONNTRACK_DIRECTION) ? " --ctdir REPLY" : " --ctdir ORIGINAL");
}

/* conntrack revisions 1-3, widened to revision 3 first. */
static bool match_conntrack(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			    uint32_t len)
{
	struct xt_conntrack_mtinfo3 up;

	memset(&up, 0, sizeof(up));
	switch (rev) {
	case 1: {
		const struct xt_conntrack_mtinfo1 *c = info;

		if (!HAS(*c, len))
			return false;
		memcpy(&up, c, offsetof(struct xt_conntrack_mtinfo1, state_mask));
		up.state_mask = c->state_mask;
		up.status_mask = c->status_mask;
		break;
	}
	case 2:
		if (!HAS(struct xt_conntrack_mtinfo2, len))
			return false;
		memcpy(&up, info, sizeof(struct xt_conntrack_mtinfo2));
		break;
	case 3:
		if (!HAS(struct xt_conntrack_mtinfo3, len))
			return false;
		memcpy(&up, info, sizeof(up));
		break;
	default:
		return false;
	}
	add_conntrack(sb, family, &up, rev == 3);
	return true;
}

/* addrtype names in bit order, comma separated. */
static void add_addrtypes(struct strbuf *sb, uint16_t mask)
{
	static const char *const names[] = {
		"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
		"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
	};
	const char *sep = "";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(mask & (1u << i)))
			continue;
		strbuf_add(sb, sep);
		strbuf_add(sb, names[i]);
		sep = ",";
	}
}

/* addrtype revisions 0 and 1. */
static bool match_addrtype(struct strbuf *sb, uint32_t rev, const void *info, uint32_t len)
{
	uint16_t src, dst;
	bool inv_src, inv_dst;
	uint32_t flags = 0;

	if (rev == 0) {
		const struct xt_addrtype_info *a = info;

		if (!HAS(*a, len))
			return false;
		src = a->source;
		dst = a->dest;
		inv_src = a->invert_source;
		inv_dst = a->invert_dest;
	} else if (rev == 1) {
		const struct xt_addrtype_info_v1 *a = info;

		if (!HAS(*a, len))
			return false;
		src = a->source;
		dst = a->dest;
		flags = a->flags;
		inv_src = flags & XT_ADDRTYPE_INVERT_SOURCE;
		inv_dst = flags & XT_ADDRTYPE_INVERT_DEST;
	} else {
		return false;
	}
	strbuf_add(sb, " -m addrtype");
	if (src) {
		strbuf_add(sb, inv_src ? " ! --src-type " : " --src-type ");
		add_addrtypes(sb, src);
	}
	if (dst) {
		strbuf_add(sb, inv_dst ? " ! --dst-type " : " --dst-type ");
		add_addrtypes(sb, dst);
	}
	if (flags & XT_ADDRTYPE_LIMIT_IFACE_IN)
		strbuf_add(sb, " --limit-iface-in");
	if (flags & XT_ADDRTYPE_LIMIT_IFACE_OUT)
		strbuf_add(sb, " --limit-iface-out");
	return true;
}

/* multiport revision 0 (list) and 1 (ranges, invert). */
static bool match_multiport(struct strbuf *sb, uint32_t rev, const void *info, uint32_t len)
{
	const struct xt_multiport_v1 *m1 = info;
	const struct xt_multiport *m0 = info;
	uint8_t flags, count;
	unsigned int i;

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

/* statistic: random probability (%.11f as save() prints it) or nth. */
static bool match_statistic(struct strbuf *sb, const void *info, uint32_t len)
{
	const struct xt_statistic_info *s = info;
	const char *inv;

	if (!HAS_UPTO(struct xt_statistic_info, master, len))
		return false;
	inv = (s->flags & XT_STATISTIC_INVERT) ? " !" : "";
	switch (s->mode) {
	case XT_STATISTIC_MODE_RANDOM:
		strbuf_addf(sb, " -m statistic --mode random%s --probability %.11f", inv,
			    1.0 * s->u.random.probability / 0x80000000);
		return true;
	case XT_STATISTIC_MODE_NTH:
		strbuf_addf(sb, " -m statistic --mode nth%s --every %u --packet %u", inv,
			    s->u.nth.every + 1, s->u.nth.packet);
		return true;
	}
	return false;
}

/* recent revision 0 (no mask) and 1. */
static bool match_recent(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			 uint32_t len)
{
	const struct xt_recent_mtinfo_v1 *r = info;	/* rev 0 is its prefix */
	char name[XT_RECENT_NAME_LEN + 1];

	if (rev == 0 ? !HAS(struct xt_recent_mtinfo, len) : rev != 1 || !HAS(*r, len))
		return false;
	strbuf_add(sb, " -m recent");
	if (r->invert)
		strbuf_add(sb, " !");
	if (r->check_set & XT_RECENT_SET)
		strbuf_add(sb, " --set");
	if (r->check_set & XT_RECENT_CHECK)
		strbuf_add(sb, " --rcheck");
	if (r->check_set & XT_RECENT_UPDATE)
		strbuf_add(sb, " --update");
	if (r->check_set & XT_RECENT_REMOVE)
		strbuf_add(sb, " --remove");
	if (r->seconds)
		strbuf_addf(sb, " --seconds %d", (int)r->seconds);
	if (r->check_set & XT_RECENT_REAP)
		strbuf_add(sb, " --reap");
	if (r->hit_count)
		strbuf_addf(sb, " --hitcount %d", (int)r->hit_count);
	if (r->check_set & XT_RECENT_TTL)
		strbuf_add(sb, " --rttl");
	memcpy(name, r->name, XT_RECENT_NAME_LEN);
	name[XT_RECENT_NAME_LEN] = '\0';
	strbuf_addf(sb, " --name %s", name);
	if (rev == 1) {
		strbuf_add(sb, " --mask ");
		if (family == NFPROTO_IPV6)
			rule_text_xt_addr(sb, AF_INET6, &r->mask.in6);
		else
			rule_text_xt_addr(sb, AF_INET, &r->mask.in);
	}
	if (r->side == XT_RECENT_SOURCE)
		strbuf_add(sb, " --rsource");
	if (r->side == XT_RECENT_DEST)
		strbuf_add(sb, " --rdest");
	return true;
}

/* physdev: bridge port names and flags. */
static bool match_physdev(struct strbuf *sb, const void *info, uint32_t len)
{
	const struct xt_physdev_info *p = info;
	char in[IFNAMSIZ + 1], out[IFNAMSIZ + 1];

	if (!HAS(*p, len))
		return false;
	memcpy(in, p->physindev, IFNAMSIZ);
	memcpy(out, p->physoutdev, IFNAMSIZ);
	in[IFNAMSIZ] = out[IFNAMSIZ] = '\0';
	strbuf_add(sb, " -m physdev");
	if (p->bitmask & XT_PHYSDEV_OP_ISIN)
		strbuf_addf(sb, "%s --physdev-is-in", (p->invert & XT_PHYSDEV_OP_ISIN) ? " !" : "");
	if (p->bitmask & XT_PHYSDEV_OP_IN)
		strbuf_addf(sb, "%s --physdev-in %s", (p->invert & XT_PHYSDEV_OP_IN) ? " !" : "", in);
	if (p->bitmask & XT_PHYSDEV_OP_ISOUT)
		strbuf_addf(sb, "%s --physdev-is-out", (p->invert & XT_PHYSDEV_OP_ISOUT) ? " !" : "");
	if (p->bitmask & XT_PHYSDEV_OP_OUT)
		strbuf_addf(sb, "%s --physdev-out %s", (p->invert & XT_PHYSDEV_OP_OUT) ? " !" : "", out);
	if (p->bitmask & XT_PHYSDEV_OP_BRIDGED)
		strbuf_addf(sb, "%s --physdev-is-bridged",
			    (p->invert & XT_PHYSDEV_OP_BRIDGED) ? " !" : "");
	return true;
}

/* iprange revision 1 (either family). */
static bool match_iprange(struct strbuf *sb, uint8_t family, const void *info, uint32_t len)
{
	const struct xt_iprange_mtinfo *r = info;
	int af = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;

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

/* One owner option, numeric as -S prints it. */
static void add_owner_item(struct strbuf *sb, const struct xt_owner_match_info *o,
			   const char *label, uint8_t flag)
{
	if (!(o->match & flag))
		return;
	strbuf_addf(sb, "%s %s", (o->invert & flag) ? " !" : "", label);
	if (flag == XT_OWNER_UID) {
		if (o->uid_min != o->uid_max)
			strbuf_addf(sb, " %u-%u", o->uid_min, o->uid_max);
		else
			strbuf_addf(sb, " %u", o->uid_min);
	} else if (flag == XT_OWNER_GID) {
		if (o->gid_min != o->gid_max)
			strbuf_addf(sb, " %u-%u", o->gid_min, o->gid_max);
		else
			strbuf_addf(sb, " %u", o->gid_min);
	}
}

/* owner revision 1. */
static bool match_owner(struct strbuf *sb, const void *info, uint32_t len)
{
	const struct xt_owner_match_info *o = info;

	if (!HAS(*o, len))
		return false;
	strbuf_add(sb, " -m owner");
	add_owner_item(sb, o, "--socket-exists", XT_OWNER_SOCKET);
	add_owner_item(sb, o, "--uid-owner", XT_OWNER_UID);
	add_owner_item(sb, o, "--gid-owner", XT_OWNER_GID);
	add_owner_item(sb, o, "--suppl-groups", XT_OWNER_SUPPL_GROUPS);
	return true;
}

/* sctp ports; chunk types are left to "[?]". */
static bool match_sctp(struct strbuf *sb, const void *info, uint32_t len)
{
	const struct xt_sctp_info *s = info;

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
static bool match_rt(struct strbuf *sb, const void *info, uint32_t len)
{
	const struct ip6t_rt *rt = info;
	unsigned int i;

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

/* libxt_connlimit count_bits4/6(): the zero bits counted from the right
 * (a mask with holes still prints a number, as iptables does). */
static unsigned int connlimit_bits(const uint32_t *mask_be, int words)
{
	unsigned int bits = 0;
	int i;

	for (i = 0; i < words; i++) {
		uint32_t m;

		for (m = ~ntohl(mask_be[i]); m != 0; m >>= 1)
			bits++;
	}
	return 32u * (unsigned int)words - bits;
}

/* connlimit revisions 0 and 1. */
static bool match_connlimit(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			    uint32_t len)
{
	const struct xt_connlimit_info *c = info;

	if (rev > 1 || !HAS_UPTO(struct xt_connlimit_info, data, len))
		return false;
	strbuf_addf(sb, " -m connlimit --connlimit-%s %u",
		    (c->flags & XT_CONNLIMIT_INVERT) ? "upto" : "above", c->limit);
	strbuf_addf(sb, " --connlimit-mask %u",
		    family == NFPROTO_IPV6 ? connlimit_bits(c->v6_mask, 4) :
		    connlimit_bits(&c->v4_mask, 1));
	if (rev >= 1)
		strbuf_add(sb, (c->flags & XT_CONNLIMIT_DADDR) ? " --connlimit-daddr" :
			   " --connlimit-saddr");
	return true;
}

/* IPv6 fragment header (ip6t_frag). */
static bool match_frag(struct strbuf *sb, const void *info, uint32_t len)
{
	const struct ip6t_frag *f = info;

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
	if (f->flags & IP6T_FRAG_RES)
		strbuf_add(sb, " --fragres");
	if (f->flags & IP6T_FRAG_FST)
		strbuf_add(sb, " --fragfirst");
	if (f->flags & IP6T_FRAG_MF)
		strbuf_add(sb, " --fragmore");
	if (f->flags & IP6T_FRAG_NMF)
		strbuf_add(sb, " --fraglast");
	return true;
}

/* Small matches whose save() is one line. */
static bool match_misc(struct strbuf *sb, const char *name, uint32_t rev, const void *info,
		       uint32_t len)
{
	if (!strcmp(name, "mac") && rev == 0 && HAS(struct xt_mac_info, len)) {
		const struct xt_mac_info *m = info;

		strbuf_addf(sb, " -m mac%s --mac-source %02x:%02x:%02x:%02x:%02x:%02x",
			    m->invert ? " !" : "", m->srcaddr[0], m->srcaddr[1], m->srcaddr[2],
			    m->srcaddr[3], m->srcaddr[4], m->srcaddr[5]);
		return true;
	}
	if (!strcmp(name, "dscp") && rev == 0 && HAS(struct xt_dscp_info, len)) {
		const struct xt_dscp_info *d = info;

		strbuf_addf(sb, " -m dscp%s --dscp 0x%02x", d->invert ? " !" : "", d->dscp);
		return true;
	}
	if (!strcmp(name, "quota") && rev == 0 && HAS_UPTO(struct xt_quota_info, master, len)) {
		const struct xt_quota_info *q = info;

		strbuf_addf(sb, " -m quota%s --quota %llu", (q->flags & XT_QUOTA_INVERT) ? " !" : "",
			    (unsigned long long)q->quota);
		return true;
	}
	if (!strcmp(name, "cpu") && rev == 0 && HAS(struct xt_cpu_info, len)) {
		const struct xt_cpu_info *c = info;

		strbuf_addf(sb, " -m cpu%s --cpu %u", c->invert ? " !" : "", c->cpu);
		return true;
	}
	if (!strcmp(name, "esp") && rev == 0 && HAS(struct xt_esp, len)) {
		const struct xt_esp *e = info;

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
	return false;
}

/* Dispatch on extension name and revision; false if not decoded. */
static bool decode_match(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			 const void *info, uint32_t len, char **comment)
{
	const struct rt_xt_ext *ext = rule_text_xt_ext_match(name);
	bool v6 = family == NFPROTO_IPV6;

	if (ext)
		return ext->save(sb, family, rev, info, len);
	if (!strcmp(name, "tcp") && rev == 0 && HAS(struct xt_tcp, len)) {
		const struct xt_tcp *t = info;

		rule_text_xt_tcpudp(sb, true, t->spts, t->dpts, t->invflags, t->option, t->flg_mask,
			   t->flg_cmp);
		return true;
	}
	if (!strcmp(name, "udp") && rev == 0 && HAS(struct xt_udp, len)) {
		const struct xt_udp *u = info;

		rule_text_xt_tcpudp(sb, false, u->spts, u->dpts, u->invflags, -1, 0, 0);
		return true;
	}
	if (!strcmp(name, "icmp") && rev == 0 && !v6 && HAS(struct ipt_icmp, len)) {
		const struct ipt_icmp *ic = info;

		rule_text_xt_icmp(sb, false, ic->type, ic->code[0], ic->code[1],
				  ic->invflags & IPT_ICMP_INV);
		return true;
	}
	if (!strcmp(name, "icmp6") && rev == 0 && v6 && HAS(struct ip6t_icmp, len)) {
		const struct ip6t_icmp *ic = info;

		rule_text_xt_icmp(sb, true, ic->type, ic->code[0], ic->code[1],
				  ic->invflags & IP6T_ICMP_INV);
		return true;
	}
	if (!strcmp(name, "mark") && rev == 1 && HAS(struct xt_mark_mtinfo1, len)) {
		const struct xt_mark_mtinfo1 *m = info;

		rule_text_xt_mark(sb, m->mark, m->mask, m->invert);
		return true;
	}
	if (!strcmp(name, "conntrack"))
		return match_conntrack(sb, family, rev, info, len);
	if (!strcmp(name, "state") && rev == 0 && HAS(struct xt_state_info, len)) {
		const struct xt_state_info *s = info;

		strbuf_add(sb, " -m state --state ");
		add_ct_states(sb, s->statemask, "");
		return true;
	}
	if (!strcmp(name, "addrtype"))
		return match_addrtype(sb, rev, info, len);
	if (!strcmp(name, "comment") && rev == 0 && HAS(struct xt_comment_info, len)) {
		const struct xt_comment_info *c = info;
		char text[XT_MAX_COMMENT_LEN];

		rule_text_xt_field(text, sizeof(text), c->comment, sizeof(c->comment));
		strbuf_add(sb, " -m comment --comment");
		rule_text_xt_quote(sb, text);
		if (comment && !*comment)
			*comment = xstrdup(text);
		return true;
	}
	if (!strcmp(name, "multiport"))
		return match_multiport(sb, rev, info, len);
	if (!strcmp(name, "limit") && rev == 0 && HAS_UPTO(struct xt_rateinfo, prev, len)) {
		const struct xt_rateinfo *r = info;

		rule_text_xt_limit(sb, r->avg, r->burst);
		return true;
	}
	if (!strcmp(name, "statistic") && rev == 0)
		return match_statistic(sb, info, len);
	if (!strcmp(name, "recent"))
		return match_recent(sb, family, rev, info, len);
	if (!strcmp(name, "physdev") && rev == 0)
		return match_physdev(sb, info, len);
	if (!strcmp(name, "pkttype") && rev == 0 && HAS(struct xt_pkttype_info, len)) {
		const struct xt_pkttype_info *p = info;

		rule_text_xt_pkttype(sb, (uint8_t)p->pkttype, p->invert);
		return true;
	}
	if (!strcmp(name, "connmark") && rev == 1 && HAS(struct xt_connmark_mtinfo1, len)) {
		const struct xt_connmark_mtinfo1 *m = info;

		strbuf_addf(sb, " -m connmark%s --mark", m->invert ? " !" : "");
		rule_text_xt_val_mask(sb, m->mark, m->mask);
		return true;
	}
	if (!strcmp(name, "iprange") && rev == 1)
		return match_iprange(sb, family, info, len);
	if (!strcmp(name, "owner") && rev == 1)
		return match_owner(sb, info, len);
	if (!strcmp(name, "length") && rev == 0 && HAS(struct xt_length_info, len)) {
		const struct xt_length_info *l = info;

		strbuf_addf(sb, " -m length%s --length ", l->invert ? " !" : "");
		if (l->min == l->max)
			strbuf_addf(sb, "%u", l->min);
		else
			strbuf_addf(sb, "%u:%u", l->min, l->max);
		return true;
	}
	if (!strcmp(name, "tcpmss") && rev == 0 && HAS(struct xt_tcpmss_match_info, len)) {
		const struct xt_tcpmss_match_info *m = info;

		strbuf_addf(sb, " -m tcpmss%s --mss ", m->invert ? " !" : "");
		if (m->mss_min == m->mss_max)
			strbuf_addf(sb, "%u", m->mss_min);
		else
			strbuf_addf(sb, "%u:%u", m->mss_min, m->mss_max);
		return true;
	}
	if (!strcmp(name, "ttl") && rev == 0 && !v6 && HAS(struct ipt_ttl_info, len)) {
		const struct ipt_ttl_info *t = info;

		rule_text_xt_ttl(sb, false, t->mode, t->ttl);
		return true;
	}
	if (!strcmp(name, "hl") && rev == 0 && v6 && HAS(struct ip6t_hl_info, len)) {
		const struct ip6t_hl_info *h = info;

		rule_text_xt_ttl(sb, true, h->mode, h->hop_limit);
		return true;
	}
	if (!strcmp(name, "sctp") && rev == 0)
		return match_sctp(sb, info, len);
	if (!strcmp(name, "rt") && rev == 0 && v6)
		return match_rt(sb, info, len);
	if (!strcmp(name, "frag") && rev == 0 && v6)
		return match_frag(sb, info, len);
	if (!strcmp(name, "connlimit"))
		return match_connlimit(sb, family, rev, info, len);
	if (!strcmp(name, "helper") && rev == 0 && HAS(struct xt_helper_info, len)) {
		const struct xt_helper_info *h = info;
		char hname[sizeof(h->name) + 1];

		rule_text_xt_field(hname, sizeof(hname), h->name, sizeof(h->name));
		strbuf_addf(sb, " -m helper%s --helper", h->invert ? " !" : "");
		rule_text_xt_quote(sb, hname);
		return true;
	}
	return match_misc(sb, name, rev, info, len);
}

bool rule_text_xt_match(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			const void *info, uint32_t len, char **comment)
{
	size_t mark = sb->len;

	if (!name)
		name = "?";
	if (info && decode_match(sb, family, name, rev, info, len, comment))
		return true;
	sb->len = mark;		/* drop a partial decode */
	if (sb->s)
		sb->s[mark] = '\0';
	strbuf_addf(sb, " -m %s [?]", name);
	return false;
}
