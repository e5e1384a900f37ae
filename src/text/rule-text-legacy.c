/*
 * rule-text-legacy.c - one x_tables entry of an iptables-legacy table
 * (struct ipt_entry / ip6t_entry + match blobs + target) to the line
 * `iptables-legacy -S` / `ip6tables-legacy -S` prints for it. The words
 * follow iptables 1.8.9 print_rule4()/print_rule6(): addresses
 * (save_ipv4_addr/save_ipv6_addr), -i/-o from the interface masks
 * (save_iface), -p, -f, then each match's save() and the target. The match
 * and target blobs are the same structs iptables-nft puts in compat
 * expressions, so they go through the decoders of rule-text-xt-*.c.
 *
 * It does not walk a table: which chain a standard target's offset lands
 * in is the caller's (collect-legacy.c) business, asked through a
 * callback. It does not copy one iptables 1.8.9 mistake: `! -i +` (an
 * empty mask, inverted: matches nothing) is printed, where 1.8.9 prints
 * nothing at all; 1.8.10+ and iptables-nft print `! -i +` too.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#include "iptop.h"
#include "names.h"
#include "rule-text.h"
#include "rule-text-int.h"

/* The family-independent view of an entry's fixed part. */
struct xt_entry_view {
	size_t head;            /* sizeof(struct ipt_entry) or ip6t_entry */
	uint16_t target_offset;
	uint16_t next_offset;
	const char *iniface, *outiface;
	const unsigned char *iniface_mask, *outiface_mask;
	uint16_t proto;
	uint8_t flags, invflags;
	uint64_t pcnt, bcnt;
	bool goto_flag;
};

/* ipt_entry and ip6t_entry name their fields alike; ip is the member
 * holding the addresses (ip / ipv6), gotobit its goto flag. */
#define VIEW_ENTRY(v, e, ip, gotobit)                          \
	do {                                                   \
		(v)->head = sizeof(*(e));                      \
		(v)->target_offset = (e)->target_offset;       \
		(v)->next_offset = (e)->next_offset;           \
		(v)->iniface = (e)->ip.iniface;                \
		(v)->outiface = (e)->ip.outiface;              \
		(v)->iniface_mask = (e)->ip.iniface_mask;      \
		(v)->outiface_mask = (e)->ip.outiface_mask;    \
		(v)->proto = (e)->ip.proto;                    \
		(v)->flags = (e)->ip.flags;                    \
		(v)->invflags = (e)->ip.invflags;              \
		(v)->pcnt = (e)->counters.pcnt;                \
		(v)->bcnt = (e)->counters.bcnt;                \
		(v)->goto_flag = (e)->ip.flags & (gotobit);    \
	} while (0)

static void view_entry(const void *entry, uint8_t family, struct xt_entry_view *v)
{
	const struct ipt_entry *e4 = entry;
	const struct ip6t_entry *e6 = entry;

	if (family == NFPROTO_IPV6)
		VIEW_ENTRY(v, e6, ipv6, IP6T_F_GOTO);
	else
		VIEW_ENTRY(v, e4, ip, IPT_F_GOTO);
}

/* save_ipv4_addr() / save_ipv6_addr(): "ADDR/PREFIX" always, "/MASK" for
 * masks with holes; nothing for an unset address that is not inverted. */
static void add_addr(struct strbuf *sb, uint8_t family, char letter, const void *a, const void *m, bool inv)
{
	int af = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	int l = rule_text_xt_mask_cidr(family, m);

	if (!inv && l == 0 &&
	    (family == NFPROTO_IPV6 || ((const struct in_addr *)a)->s_addr == 0))
		return;
	strbuf_addf(sb, "%s -%c ", inv ? " !" : "", letter);
	rule_text_xt_addr(sb, af, a);
	if (l == -1) {
		strbuf_addc(sb, '/');
		rule_text_xt_addr(sb, af, m);
	} else {
		strbuf_addf(sb, "/%d", l);
	}
}

/* save_iface() of 1.8.9: the masked characters, "+" when the mask ends
 * before the name does. */
static void add_iface(struct strbuf *sb, char letter, const char *iface, const unsigned char *mask,
		      bool inv)
{
	unsigned int i;

	if (mask[0] == 0) {
		if (inv)
			strbuf_addf(sb, " ! -%c +", letter);	/* see the file comment */
		return;
	}
	strbuf_addf(sb, "%s -%c ", inv ? " !" : "", letter);
	for (i = 0; i < IFNAMSIZ; i++) {
		if (mask[i] != 0) {
			if (iface[i] != '\0')
				strbuf_addc(sb, iface[i]);
		} else {
			if (iface[i - 1] != '\0')
				strbuf_addc(sb, '+');
			break;
		}
	}
}

/* libiptc's standard_target_map(): the names of negative verdicts. */
static const char *verdict_name(int v)
{
	if (v == XT_RETURN)
		return names_verdict_ipt(NFT_RETURN);
	if (v == -NF_ACCEPT - 1 || v == -NF_DROP - 1 || v == -NF_QUEUE - 1)
		return names_verdict_ipt(-v - 1);
	return NULL;
}

/* The target part: " -j ACCEPT", " -g CHAIN", " -j DNAT --to ...". */
static void add_target(struct strbuf *sb, const struct xt_entry_target *t, uint32_t tlen,
		       uint8_t family, const struct xt_entry_view *v,
		       const char *(*jump_name)(uint32_t, void *), void *arg, struct rule_text *out)
{
	char name[XT_EXTENSION_MAXNAMELEN + 1];
	const void *data = t->data;
	uint32_t dlen = tlen - sizeof(*t);
	const char *dest;
	int verdict;

	rule_text_xt_field(name, sizeof(name), t->u.user.name, sizeof(t->u.user.name));
	if (name[0]) {
		rule_text_xt_target(sb, family, name, t->u.user.revision, data, dlen);
		return;
	}
	/* XT_STANDARD_TARGET is "" */
	if (dlen < sizeof(int)) {
		strbuf_add(sb, " -j [?]");
		return;
	}
	memcpy(&verdict, data, sizeof(verdict));
	if (verdict < 0) {
		const char *vn = verdict_name(verdict);

		if (vn)
			strbuf_addf(sb, " -j %s", vn);
		else
			strbuf_addf(sb, " -j [verdict %d]", verdict);
		return;
	}
	dest = jump_name ? jump_name((uint32_t)verdict, arg) : NULL;
	if (!dest) {
		strbuf_addf(sb, " -j [offset %d]", verdict);
		return;
	}
	if (!dest[0])
		return;		/* fallthrough: a rule without -j */
	strbuf_addf(sb, " -%c %s", v->goto_flag ? 'g' : 'j', dest);
	out->target_chain = xstrdup(dest);
	out->is_goto = v->goto_flag;
}

void rule_text_render_xt_entry(const void *entry, size_t len, uint8_t family, const char *chain,
			       const char *(*jump_name)(uint32_t verdict, void *arg), void *arg,
			       struct rule_text *out)
{
	struct xt_entry_view v;
	struct strbuf sb;
	const uint8_t *base = entry;
	const char *pname;
	size_t off;

	memset(out, 0, sizeof(*out));
	out->syntax = RULE_SYNTAX_IPT;
	strbuf_init(&sb);
	strbuf_addf(&sb, "-A %s", chain);
	view_entry(entry, family, &v);
	out->counted = true;
	out->packets = v.pcnt;
	out->bytes = v.bcnt;
	if (len < v.head || v.next_offset > len || v.target_offset < v.head ||
	    (size_t)v.target_offset + sizeof(struct xt_entry_target) > v.next_offset ||
	    v.target_offset != XT_ALIGN(v.target_offset)) {
		strbuf_add(&sb, " [malformed entry]");
		out->text = strbuf_steal(&sb);
		return;
	}
	if (family == NFPROTO_IPV6) {
		const struct ip6t_ip6 *ip = &((const struct ip6t_entry *)entry)->ipv6;

		add_addr(&sb, NFPROTO_IPV6, 's', &ip->src, &ip->smsk, ip->invflags & IP6T_INV_SRCIP);
		add_addr(&sb, NFPROTO_IPV6, 'd', &ip->dst, &ip->dmsk, ip->invflags & IP6T_INV_DSTIP);
	} else {
		const struct ipt_ip *ip = &((const struct ipt_entry *)entry)->ip;

		add_addr(&sb, NFPROTO_IPV4, 's', &ip->src, &ip->smsk, ip->invflags & IPT_INV_SRCIP);
		add_addr(&sb, NFPROTO_IPV4, 'd', &ip->dst, &ip->dmsk, ip->invflags & IPT_INV_DSTIP);
	}
	/* save_rule_details() */
	add_iface(&sb, 'i', v.iniface, v.iniface_mask, v.invflags & IPT_INV_VIA_IN);
	add_iface(&sb, 'o', v.outiface, v.outiface_mask, v.invflags & IPT_INV_VIA_OUT);
	if (v.proto > 0) {
		if (v.invflags & XT_INV_PROTO)
			strbuf_add(&sb, " !");
		pname = v.proto < 256 ? rule_text_xt_proto_name((uint8_t)v.proto) : NULL;
		if (pname)
			strbuf_addf(&sb, " -p %s", pname);
		else
			strbuf_addf(&sb, " -p %u", v.proto);
	}
	/* -f exists for IPv4 only (ip6tables' print_rule6 has it under #if 0) */
	if (family == NFPROTO_IPV4 && (v.flags & IPT_F_FRAG))
		strbuf_add(&sb, (v.invflags & IPT_INV_FRAG) ? " ! -f" : " -f");
	/* matches: print_match_save() for each, in order */
	for (off = v.head; off + sizeof(struct xt_entry_match) <= v.target_offset;) {
		const struct xt_entry_match *m = (const void *)(base + off);
		char name[XT_EXTENSION_MAXNAMELEN + 1];
		uint16_t msize = m->u.user.match_size;

		if (msize < sizeof(*m) || off + msize > v.target_offset || msize != XT_ALIGN(msize)) {
			strbuf_add(&sb, " -m [malformed]");
			break;
		}
		rule_text_xt_field(name, sizeof(name), m->u.user.name, sizeof(m->u.user.name));
		rule_text_xt_match(&sb, family, name, m->u.user.revision, m->data,
				   msize - sizeof(*m), &out->comment);
		off += msize;
	}
	{
		const struct xt_entry_target *t = (const void *)(base + v.target_offset);
		uint32_t tlen = t->u.user.target_size;

		if (tlen < sizeof(*t) || v.target_offset + tlen > v.next_offset)
			strbuf_add(&sb, " -j [malformed]");
		else
			add_target(&sb, t, tlen, family, &v, jump_name, arg, out);
	}
	out->text = strbuf_steal(&sb);
}
