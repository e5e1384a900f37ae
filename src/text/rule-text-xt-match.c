/*
 * rule-text-xt-match.c - decoders for the compat match blobs
 * (NFTA_MATCH_INFO: the kernel's xt_*_info structs, padded to 8 bytes)
 * iptables-nft writes for -m conntrack/state, addrtype, comment, statistic,
 * recent, physdev, owner, helper, connlimit, connmark, quota, cpu and the
 * compat forms of mark and limit: the words each extension's save()
 * prints (iptables 1.8.9). The decoders sit in a {name, decoder} table,
 * as xtables registers its matches; the extensions registered elsewhere
 * (rule-text-xt-ext.c's lookup: the header-field matches of
 * rule-text-xt-hdr.c, set, hashlimit, policy, ...) are looked up first.
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
static bool match_addrtype(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			   uint32_t len)
{
	uint16_t src, dst;
	bool inv_src, inv_dst;
	uint32_t flags = 0;

	(void)family;
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

/* statistic: random probability (%.11f as save() prints it) or nth. */
static bool match_statistic(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			    uint32_t len)
{
	const struct xt_statistic_info *s = info;
	const char *inv;

	(void)family;
	if (rev != 0)
		return false;
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

static const struct rt_flag_word recent_words[] = {
	{ XT_RECENT_SET, " --set" },
	{ XT_RECENT_CHECK, " --rcheck" },
	{ XT_RECENT_UPDATE, " --update" },
	{ XT_RECENT_REMOVE, " --remove" },
};

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
	rule_text_expr_flag_words(sb, r->check_set, recent_words, ARRAY_SIZE(recent_words));
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
static bool match_physdev(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			  uint32_t len)
{
	const struct xt_physdev_info *p = info;
	char in[IFNAMSIZ + 1], out[IFNAMSIZ + 1];

	(void)family;
	if (rev != 0)
		return false;
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
static bool match_owner(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			uint32_t len)
{
	const struct xt_owner_match_info *o = info;

	(void)family;
	if (rev != 1)
		return false;
	if (!HAS(*o, len))
		return false;
	strbuf_add(sb, " -m owner");
	add_owner_item(sb, o, "--socket-exists", XT_OWNER_SOCKET);
	add_owner_item(sb, o, "--uid-owner", XT_OWNER_UID);
	add_owner_item(sb, o, "--gid-owner", XT_OWNER_GID);
	add_owner_item(sb, o, "--suppl-groups", XT_OWNER_SUPPL_GROUPS);
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

static bool match_mark(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		       uint32_t len)
{
	const struct xt_mark_mtinfo1 *m = info;

	(void)family;
	if (!(rev == 1 && HAS(struct xt_mark_mtinfo1, len)))
		return false;
	rule_text_xt_mark(sb, m->mark, m->mask, m->invert);
	return true;
}

static bool match_state(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			uint32_t len)
{
	const struct xt_state_info *s = info;

	(void)family;
	if (!(rev == 0 && HAS(struct xt_state_info, len)))
		return false;
	strbuf_add(sb, " -m state --state ");
	add_ct_states(sb, s->statemask, "");
	return true;
}

static bool match_limit(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			uint32_t len)
{
	const struct xt_rateinfo *r = info;

	(void)family;
	if (!(rev == 0 && HAS_UPTO(struct xt_rateinfo, prev, len)))
		return false;
	rule_text_xt_limit(sb, r->avg, r->burst);
	return true;
}

static bool match_connmark(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			   uint32_t len)
{
	const struct xt_connmark_mtinfo1 *m = info;

	(void)family;
	if (!(rev == 1 && HAS(struct xt_connmark_mtinfo1, len)))
		return false;
	strbuf_addf(sb, " -m connmark%s --mark", m->invert ? " !" : "");
	rule_text_xt_val_mask(sb, m->mark, m->mask);
	return true;
}

static bool match_helper(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			 uint32_t len)
{
	const struct xt_helper_info *h = info;
	char hname[sizeof(h->name) + 1];

	(void)family;
	if (!(rev == 0 && HAS(struct xt_helper_info, len)))
		return false;
	rule_text_xt_field(hname, sizeof(hname), h->name, sizeof(h->name));
	strbuf_addf(sb, " -m helper%s --helper", h->invert ? " !" : "");
	rule_text_xt_quote(sb, hname);
	return true;
}

static bool match_quota(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			uint32_t len)
{
	const struct xt_quota_info *q = info;

	(void)family;
	if (!(rev == 0 && HAS_UPTO(struct xt_quota_info, master, len)))
		return false;
	strbuf_addf(sb, " -m quota%s --quota %llu", (q->flags & XT_QUOTA_INVERT) ? " !" : "",
		    (unsigned long long)q->quota);
	return true;
}

static bool match_cpu(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	const struct xt_cpu_info *c = info;

	(void)family;
	if (!(rev == 0 && HAS(struct xt_cpu_info, len)))
		return false;
	strbuf_addf(sb, " -m cpu%s --cpu %u", c->invert ? " !" : "", c->cpu);
	return true;
}

/* comment: its words, and the text itself for *comment (if empty). */
static bool match_comment(struct strbuf *sb, uint32_t rev, const void *info, uint32_t len,
			  char **comment)
{
	const struct xt_comment_info *c = info;
	char text[XT_MAX_COMMENT_LEN];

	if (!(rev == 0 && HAS(struct xt_comment_info, len)))
		return false;
	rule_text_xt_field(text, sizeof(text), c->comment, sizeof(c->comment));
	strbuf_add(sb, " -m comment --comment");
	rule_text_xt_quote(sb, text);
	if (comment && !*comment)
		*comment = xstrdup(text);
	return true;
}

/* The matches of this file, by name (as xtables registers them); the
 * others are in rule-text-xt-ext.c's lookup. */
static const struct rt_xt_ext matches[] = {
	{ "conntrack", match_conntrack },
	{ "state", match_state },
	{ "addrtype", match_addrtype },
	{ "limit", match_limit },
	{ "statistic", match_statistic },
	{ "recent", match_recent },
	{ "physdev", match_physdev },
	{ "connmark", match_connmark },
	{ "owner", match_owner },
	{ "connlimit", match_connlimit },
	{ "helper", match_helper },
	{ "mark", match_mark },
	{ "quota", match_quota },
	{ "cpu", match_cpu },
};

/* Dispatch on extension name (each decoder checks the revision); false if
 * not decoded. */
static bool decode_match(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			 const void *info, uint32_t len, char **comment)
{
	const struct rt_xt_ext *ext = rule_text_xt_ext_match(name);
	size_t i;

	if (ext)
		return ext->save(sb, family, rev, info, len);
	if (!strcmp(name, "comment"))
		return match_comment(sb, rev, info, len, comment);
	for (i = 0; i < ARRAY_SIZE(matches); i++)
		if (!strcmp(name, matches[i].name))
			return matches[i].save(sb, family, rev, info, len);
	return false;
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
