/*
 * rule-text-xt-target.c - decoders for the compat target blobs
 * (NFTA_TARGET_INFO) iptables-nft writes for -j MASQUERADE, SNAT, DNAT,
 * REDIRECT, REJECT, LOG, NFLOG, MARK, CONNMARK, CHECKSUM, TCPMSS, CT /
 * NOTRACK, NFQUEUE, DSCP, CLASSIFY, TTL, AUDIT, IPv4 NETMAP: the words
 * each extension's save() prints (iptables 1.8.9). Layouts are the kernel
 * UAPI structs. The targets registered by name (rule-text-xt-target-ext.c:
 * SET, TPROXY, TEE, ...) are looked up first.
 *
 * Like the match half (rule-text-xt.c), it never links libxtables: a blob
 * it does not know comes out as "-j NAME [?]".
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_LOG.h>
#include <linux/netfilter/xt_NFLOG.h>
#include <linux/netfilter/xt_MARK.h>
#include <linux/netfilter/xt_CONNMARK.h>
#include <linux/netfilter/xt_CHECKSUM.h>
#include <linux/netfilter/xt_TCPMSS.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_CT.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <linux/netfilter/xt_DSCP.h>
#include <linux/netfilter/xt_CLASSIFY.h>
#include <linux/netfilter/xt_AUDIT.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv4/ipt_TTL.h>
#include <linux/netfilter_ipv6/ip6t_REJECT.h>

#include "iptop.h"
#include "rule-text-int.h"

#define HAS(type, len) ((len) >= sizeof(type))
#define HAS_UPTO(type, field, len) ((len) >= offsetof(type, field))

/* LOG_WARNING: the LOG target's default level, not printed by save(). */
#define XT_LOG_DEFAULT_LEVEL 4

/* --reject-with word for an IPv4 or IPv6 REJECT code, or NULL. */
static const char *reject_name(bool v6, unsigned int with)
{
	static const char *const names4[] = {
		[IPT_ICMP_NET_UNREACHABLE] = "icmp-net-unreachable",
		[IPT_ICMP_HOST_UNREACHABLE] = "icmp-host-unreachable",
		[IPT_ICMP_PROT_UNREACHABLE] = "icmp-proto-unreachable",
		[IPT_ICMP_PORT_UNREACHABLE] = "icmp-port-unreachable",
		[IPT_ICMP_NET_PROHIBITED] = "icmp-net-prohibited",
		[IPT_ICMP_HOST_PROHIBITED] = "icmp-host-prohibited",
		[IPT_TCP_RESET] = "tcp-reset",
		[IPT_ICMP_ADMIN_PROHIBITED] = "icmp-admin-prohibited",
	};
	static const char *const names6[] = {
		[IP6T_ICMP6_NO_ROUTE] = "icmp6-no-route",
		[IP6T_ICMP6_ADM_PROHIBITED] = "icmp6-adm-prohibited",
		[IP6T_ICMP6_ADDR_UNREACH] = "icmp6-addr-unreachable",
		[IP6T_ICMP6_PORT_UNREACH] = "icmp6-port-unreachable",
		[IP6T_TCP_RESET] = "tcp-reset",
		[IP6T_ICMP6_POLICY_FAIL] = "icmp6-policy-fail",
		[IP6T_ICMP6_REJECT_ROUTE] = "icmp6-reject-route",
	};

	if (v6)
		return with < ARRAY_SIZE(names6) ? names6[with] : NULL;
	return with < ARRAY_SIZE(names4) ? names4[with] : NULL;
}

/* libxt_NAT sprint_range() + __NAT_print() on the widest layout. */
static void add_nat_range(struct strbuf *sb, uint8_t family, const struct nf_nat_range2 *r,
			  const char *opt, bool skip_colon)
{
	int af = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	bool brackets = af == AF_INET6 && (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED);
	struct strbuf range;

	strbuf_init(&range);
	if (r->flags & NF_NAT_RANGE_MAP_IPS) {
		strbuf_add(&range, brackets ? "[" : "");
		rule_text_xt_addr(&range, af, &r->min_addr);
		if (memcmp(&r->min_addr, &r->max_addr, sizeof(r->min_addr))) {
			strbuf_addc(&range, '-');
			rule_text_xt_addr(&range, af, &r->max_addr);
		}
		strbuf_add(&range, brackets ? "]" : "");
	}
	if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
		strbuf_addc(&range, ':');
		strbuf_add_u64(&range, ntohs(r->min_proto.tcp.port));
		if (r->max_proto.tcp.port != r->min_proto.tcp.port) {
			strbuf_addc(&range, '-');
			strbuf_add_u64(&range, ntohs(r->max_proto.tcp.port));
		}
		if (r->flags & NF_NAT_RANGE_PROTO_OFFSET)
			strbuf_addf(&range, "/%hu", ntohs(r->base_proto.tcp.port));
	}
	if (range.len) {
		const char *s = range.s;

		if (s[0] == ':' && skip_colon)
			s++;
		strbuf_addc(sb, ' ');
		strbuf_add(sb, opt);
		strbuf_add(sb, s);
	}
	strbuf_free(&range);
	if (r->flags & NF_NAT_RANGE_PROTO_RANDOM)
		strbuf_add(sb, " --random");
	if (r->flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		strbuf_add(sb, " --random-fully");
	if (r->flags & NF_NAT_RANGE_PERSISTENT)
		strbuf_add(sb, " --persistent");
}

/* Widen the three NAT blob layouts to nf_nat_range2. mrc: IPv4 rev 0 of
 * SNAT/DNAT and the IPv4 MASQUERADE/REDIRECT; range: rev 1 and the IPv6
 * MASQUERADE/REDIRECT; range2: rev 2. */
static bool nat_widen(struct nf_nat_range2 *r, int layout, const void *info, uint32_t len)
{
	memset(r, 0, sizeof(*r));
	switch (layout) {
	case 0: {
		const struct nf_nat_ipv4_multi_range_compat *m = info;

		if (!HAS(*m, len) || m->rangesize < 1)
			return false;
		r->flags = m->range[0].flags;
		r->min_addr.ip = m->range[0].min_ip;
		r->max_addr.ip = m->range[0].max_ip;
		r->min_proto = m->range[0].min;
		r->max_proto = m->range[0].max;
		return true;
	}
	case 1:
		if (!HAS(struct nf_nat_range, len))
			return false;
		memcpy(r, info, sizeof(struct nf_nat_range));
		return true;
	case 2:
		if (!HAS(struct nf_nat_range2, len))
			return false;
		memcpy(r, info, sizeof(*r));
		return true;
	}
	return false;
}

/* SNAT/DNAT/MASQUERADE/REDIRECT in their per-revision layouts. */
static bool target_nat(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
		       const void *info, uint32_t len)
{
	struct nf_nat_range2 r;
	bool v6 = family == NFPROTO_IPV6;
	int layout;

	if (!strcmp(name, "MASQUERADE") || !strcmp(name, "REDIRECT")) {
		if (rev != 0)
			return false;
		layout = v6 ? 1 : 0;
	} else {
		if (rev > 2 || (rev == 0 && v6))
			return false;
		layout = rev;
	}
	if (!nat_widen(&r, layout, info, len))
		return false;
	strbuf_addf(sb, " -j %s", name);
	if (!strcmp(name, "SNAT"))
		add_nat_range(sb, family, &r, "--to-source ", false);
	else if (!strcmp(name, "DNAT"))
		add_nat_range(sb, family, &r, "--to-destination ", false);
	else
		add_nat_range(sb, family, &r, "--to-ports ", true);
	return true;
}

static const struct rt_flag_word log_words[] = {
	{ XT_LOG_TCPSEQ, " --log-tcp-sequence" },
	{ XT_LOG_TCPOPT, " --log-tcp-options" },
	{ XT_LOG_IPOPT, " --log-ip-options" },
	{ XT_LOG_UID, " --log-uid" },
	{ XT_LOG_MACDECODE, " --log-macdecode" },
};

/* LOG revision 0. */
static bool target_log(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
		       const void *info, uint32_t len)
{
	const struct xt_log_info *l = info;
	char prefix[sizeof(l->prefix) + 1];

	(void)family;
	(void)name;
	if (rev != 0)
		return false;
	if (!HAS(*l, len))
		return false;
	rule_text_xt_field(prefix, sizeof(prefix), l->prefix, sizeof(l->prefix));
	strbuf_add(sb, " -j LOG");
	if (prefix[0]) {
		strbuf_add(sb, " --log-prefix");
		rule_text_xt_quote(sb, prefix);
	}
	if (l->level != XT_LOG_DEFAULT_LEVEL)
		strbuf_addf(sb, " --log-level %d", l->level);
	rule_text_expr_flag_words(sb, l->logflags, log_words, ARRAY_SIZE(log_words));
	return true;
}

/* MARK revision 2 (--set-xmark); 0 and 1 depend on the word size. */
static bool target_mark(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			const void *info, uint32_t len)
{
	(void)family;
	(void)name;
	if (rev == 2 && HAS(struct xt_mark_tginfo2, len)) {
		const struct xt_mark_tginfo2 *m = info;

		strbuf_addf(sb, " -j MARK --set-xmark 0x%x/0x%x", m->mark, m->mask);
		return true;
	}
	/* rev 0/1 carry an unsigned long: ABI differs across word sizes */
	return false;
}

/* CONNMARK revisions 1 and 2. */
static bool target_connmark(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			    const void *info, uint32_t len)
{
	const struct xt_connmark_tginfo2 *c = info;	/* rev 1 is its prefix */
	static const char *const shift_ops[] = { "left-shift-mark", "right-shift-mark" };

	(void)family;
	(void)name;
	if (rev == 1 ? !HAS(struct xt_connmark_tginfo1, len) : rev != 2 || !HAS(*c, len))
		return false;
	strbuf_add(sb, " -j CONNMARK");
	switch (c->mode) {
	case XT_CONNMARK_SET:
		strbuf_addf(sb, " --set-xmark 0x%x/0x%x", c->ctmark, c->ctmask);
		break;
	case XT_CONNMARK_SAVE:
		strbuf_addf(sb, " --save-mark --nfmask 0x%x --ctmask 0x%x", c->nfmask, c->ctmask);
		break;
	case XT_CONNMARK_RESTORE:
		strbuf_addf(sb, " --restore-mark --nfmask 0x%x --ctmask 0x%x", c->nfmask, c->ctmask);
		break;
	default:
		return false;
	}
	if (rev == 2 && c->shift_bits != 0 && c->shift_dir < ARRAY_SIZE(shift_ops))
		strbuf_addf(sb, " --%s %u", shift_ops[c->shift_dir], c->shift_bits);
	return true;
}

/* libxt_CT ct_print_events(): " OPT name,name" in table order. */
static void add_ct_events(struct strbuf *sb, const char *opt, uint32_t mask, bool exp)
{
	static const char *const ct_events[] = {
		[IPCT_NEW] = "new", [IPCT_RELATED] = "related", [IPCT_DESTROY] = "destroy",
		[IPCT_REPLY] = "reply", [IPCT_ASSURED] = "assured", [IPCT_PROTOINFO] = "protoinfo",
		[IPCT_HELPER] = "helper", [IPCT_MARK] = "mark", [IPCT_SEQADJ] = "natseqinfo",
		[IPCT_SECMARK] = "secmark",
	};
	static const char *const exp_events[] = { [IPEXP_NEW] = "new" };
	const char *const *names = exp ? exp_events : ct_events;
	size_t i, n = exp ? ARRAY_SIZE(exp_events) : ARRAY_SIZE(ct_events);
	const char *sep = "";

	if (!mask)
		return;
	strbuf_addf(sb, " %s ", opt);
	for (i = 0; i < n; i++)
		if (mask & (1u << i)) {
			strbuf_addf(sb, "%s%s", sep, names[i]);
			sep = ",";
		}
}

/* CT revisions 0-2 and the NOTRACK alias. */
static bool target_ct(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
		      const void *info, uint32_t len)
{
	const struct xt_ct_target_info_v1 *c1 = info;
	const struct xt_ct_target_info *c0 = info;
	uint16_t flags, zone;
	uint32_t ct_ev, exp_ev;
	char helper[17], timeout[33];

	(void)family;
	if (!strcmp(name, "NOTRACK")) {
		strbuf_add(sb, " -j NOTRACK");
		return true;
	}
	if (rev == 0) {
		if (!HAS_UPTO(struct xt_ct_target_info, ct, len))
			return false;
		flags = c0->flags;
		zone = c0->zone;
		ct_ev = c0->ct_events;
		exp_ev = c0->exp_events;
		rule_text_xt_field(helper, sizeof(helper), c0->helper, sizeof(c0->helper));
		timeout[0] = '\0';
	} else if (rev == 1 || rev == 2) {
		if (!HAS_UPTO(struct xt_ct_target_info_v1, ct, len))
			return false;
		flags = c1->flags;
		zone = c1->zone;
		ct_ev = c1->ct_events;
		exp_ev = c1->exp_events;
		rule_text_xt_field(helper, sizeof(helper), c1->helper, sizeof(c1->helper));
		rule_text_xt_field(timeout, sizeof(timeout), c1->timeout, sizeof(c1->timeout));
	} else {
		return false;
	}
	if (flags & XT_CT_NOTRACK_ALIAS) {
		strbuf_add(sb, " -j NOTRACK");
		return true;
	}
	strbuf_add(sb, " -j CT");
	if (flags & XT_CT_NOTRACK)
		strbuf_add(sb, " --notrack");
	if (helper[0])
		strbuf_addf(sb, " --helper %s", helper);
	if (timeout[0])
		strbuf_addf(sb, " --timeout %s", timeout);
	add_ct_events(sb, "--ctevents", ct_ev, false);
	add_ct_events(sb, "--expevents", exp_ev, true);
	if ((flags & XT_CT_ZONE_MARK) || zone) {
		uint16_t dir = flags & (XT_CT_ZONE_DIR_ORIG | XT_CT_ZONE_DIR_REPL);

		strbuf_add(sb, " --zone");
		if (dir == XT_CT_ZONE_DIR_ORIG)
			strbuf_add(sb, "-orig");
		if (dir == XT_CT_ZONE_DIR_REPL)
			strbuf_add(sb, "-reply");
		if (flags & XT_CT_ZONE_MARK)
			strbuf_add(sb, " mark");
		else
			strbuf_addf(sb, " %u", zone);
	}
	return true;
}

/* NFQUEUE revisions 0-3. */
static bool target_nfqueue(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			   const void *info, uint32_t len)
{
	const struct xt_NFQ_info_v3 *q = info;	/* v1, v2 are prefixes */
	unsigned int last;

	(void)family;
	(void)name;
	if (rev == 0) {
		const struct xt_NFQ_info *q0 = info;

		if (!HAS(*q0, len))
			return false;
		strbuf_addf(sb, " -j NFQUEUE --queue-num %u", q0->queuenum);
		return true;
	}
	if (rev > 3 || len < (rev == 1 ? sizeof(struct xt_NFQ_info_v1) : sizeof(*q)))
		return false;
	strbuf_add(sb, " -j NFQUEUE");
	last = q->queues_total;
	if (last > 1)
		strbuf_addf(sb, " --queue-balance %u:%u", q->queuenum, last + q->queuenum - 1);
	else
		strbuf_addf(sb, " --queue-num %u", q->queuenum);
	/* v2 calls the field "bypass", v3 "flags": same offset */
	if (rev >= 2 && (q->flags & NFQ_FLAG_BYPASS))
		strbuf_add(sb, " --queue-bypass");
	if (rev == 3 && (q->flags & NFQ_FLAG_CPU_FANOUT))
		strbuf_add(sb, " --queue-cpu-fanout");
	return true;
}

static bool target_reject(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			  const void *info, uint32_t len)
{
	const char *with;

	(void)name;
	if (rev != 0)
		return false;
	if (family == NFPROTO_IPV6 ? !HAS(struct ip6t_reject_info, len) : !HAS(struct ipt_reject_info, len))
		return false;
	with = family == NFPROTO_IPV6 ? reject_name(true, ((const struct ip6t_reject_info *)info)->with)
				      : reject_name(false, ((const struct ipt_reject_info *)info)->with);
	if (!with)
		return false;
	strbuf_addf(sb, " -j REJECT --reject-with %s", with);
	return true;
}

static bool target_nflog(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			 const void *info, uint32_t len)
{
	const struct xt_nflog_info *n = info;
	char prefix[sizeof(n->prefix) + 1];

	(void)name;
	(void)family;
	if (!(rev == 0 && HAS(struct xt_nflog_info, len)))
		return false;
	rule_text_xt_field(prefix, sizeof(prefix), n->prefix, sizeof(n->prefix));
	rule_text_xt_nflog(sb, prefix, n->group, n->len, n->flags & XT_NFLOG_F_COPY_LEN,
			   n->threshold);
	return true;
}

static bool target_checksum(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			    const void *info, uint32_t len)
{
	const struct xt_CHECKSUM_info *c = info;

	(void)name;
	(void)family;
	if (!(rev == 0 && HAS(struct xt_CHECKSUM_info, len)))
		return false;
	strbuf_add(sb, " -j CHECKSUM");
	if (c->operation & XT_CHECKSUM_OP_FILL)
		strbuf_add(sb, " --checksum-fill");
	return true;
}

static bool target_tcpmss(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			  const void *info, uint32_t len)
{
	const struct xt_tcpmss_info *m = info;

	(void)name;
	(void)family;
	if (!(rev == 0 && HAS(struct xt_tcpmss_info, len)))
		return false;
	if (m->mss == XT_TCPMSS_CLAMP_PMTU)
		strbuf_add(sb, " -j TCPMSS --clamp-mss-to-pmtu");
	else
		strbuf_addf(sb, " -j TCPMSS --set-mss %u", m->mss);
	return true;
}

static bool target_dscp(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			const void *info, uint32_t len)
{
	(void)name;
	(void)family;
	if (!(rev == 0 && HAS(struct xt_DSCP_info, len)))
		return false;
	strbuf_addf(sb, " -j DSCP --set-dscp 0x%02x", ((const struct xt_DSCP_info *)info)->dscp);
	return true;
}

static bool target_classify(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			    const void *info, uint32_t len)
{
	uint32_t prio;

	(void)name;
	(void)family;
	if (!(rev == 0 && HAS(struct xt_classify_target_info, len)))
		return false;
	prio = ((const struct xt_classify_target_info *)info)->priority;
	strbuf_addf(sb, " -j CLASSIFY --set-class %.4x:%.4x", prio >> 16, prio & 0xffff);
	return true;
}

static bool target_ttl(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
		       const void *info, uint32_t len)
{
	static const char *const modes[] = { " --ttl-set", " --ttl-inc", " --ttl-dec" };
	const struct ipt_TTL_info *t = info;

	(void)name;
	if (!(rev == 0 && family == NFPROTO_IPV4 && HAS(struct ipt_TTL_info, len)))
		return false;
	strbuf_addf(sb, " -j TTL%s %u", t->mode < ARRAY_SIZE(modes) ? modes[t->mode] : "",
		    t->ttl);
	return true;
}

static bool target_audit(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			 const void *info, uint32_t len)
{
	static const char *const types[] = { " --type accept", " --type drop", " --type reject" };
	uint8_t type;

	(void)name;
	(void)family;
	if (!(rev == 0 && HAS(struct xt_audit_info, len)))
		return false;
	type = ((const struct xt_audit_info *)info)->type;
	strbuf_addf(sb, " -j AUDIT%s", type < ARRAY_SIZE(types) ? types[type] : "");
	return true;
}

static bool target_bare(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			const void *info, uint32_t len)
{
	(void)family;
	(void)rev;
	(void)info;
	(void)len;
	strbuf_addf(sb, " -j %s", name);	/* no options */
	return true;
}

/* The targets of this file, by name (as xtables registers them); save
 * gets the name, for decoders that serve several (SNAT, DNAT ...). The
 * others are in rule-text-xt-ext.c's lookup. */
static const struct {
	const char *name;
	bool (*save)(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
		     const void *info, uint32_t len);
} targets[] = {
	{ "MASQUERADE", target_nat }, { "SNAT", target_nat }, { "DNAT", target_nat },
	{ "REDIRECT", target_nat }, { "REJECT", target_reject }, { "LOG", target_log },
	{ "NFLOG", target_nflog }, { "MARK", target_mark }, { "CONNMARK", target_connmark },
	{ "CHECKSUM", target_checksum }, { "TCPMSS", target_tcpmss }, { "CT", target_ct },
	{ "NOTRACK", target_ct }, { "NFQUEUE", target_nfqueue }, { "DSCP", target_dscp },
	{ "CLASSIFY", target_classify }, { "TTL", target_ttl }, { "AUDIT", target_audit },
	{ "TRACE", target_bare }, { "ACCEPT", target_bare }, { "DROP", target_bare },
	{ "RETURN", target_bare },
};

/* Dispatch on target name (each decoder checks the revision); false if
 * not decoded. */
static bool decode_target(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			  const void *info, uint32_t len)
{
	const struct rt_xt_ext *ext = rule_text_xt_ext_target(name);
	size_t i;

	if (ext)
		return ext->save(sb, family, rev, info, len);
	for (i = 0; i < ARRAY_SIZE(targets); i++)
		if (!strcmp(name, targets[i].name))
			return targets[i].save(sb, family, name, rev, info, len);
	return false;
}

bool rule_text_xt_target(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			 const void *info, uint32_t len)
{
	size_t mark = sb->len;

	if (!name)
		name = "?";
	if (decode_target(sb, family, name, rev, info ? info : "", info ? len : 0))
		return true;
	sb->len = mark;
	if (sb->s)
		sb->s[mark] = '\0';
	strbuf_addf(sb, " -j %s [?]", name);
	return false;
}
