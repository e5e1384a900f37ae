/*
 * trace-nflog.c - legacy trace hops: ip_tables and ip6_tables call
 * nf_log_trace() for every rule a packet with nf_trace set walks, with the
 * prefix "TRACE: TABLE:CHAIN:TYPE:RULENUM " (TYPE rule, return or policy).
 * When the namespace's nf_log binding for the family is nfnetlink_log the
 * line arrives as an NFULNL_MSG_PACKET for group 0, with the packet's
 * hook and (copy mode) its headers. This parses such a message, and maps
 * the rule number onto the snapshot's legacy chain: the rule (its
 * synthesized handle and text) and the verdict its target gives.
 *
 * Pure: no socket, no sysctl (collect-nflog.c), no correlation into packet
 * paths (trace-path-legacy.c), no formatting (trace-text.c).
 *
 * Kernel facts behind it (net/ipv4/netfilter/ip_tables.c, trace_packet()
 * and get_chainname_rulenum()): the number counts the entries of the
 * chain from 1; the tail entry (the policy of a built-in chain, the
 * implicit return of a user chain) is number nrules + 1; and any
 * unconditional rule with a standard verdict (`-j ACCEPT`, `-j DROP`,
 * `-j RETURN` without matches) is also reported as "policy" (built-in
 * chain) or "return" (user chain) with its own number. Only rules whose
 * matches matched are reported.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "snapshot.h"
#include "nlattr.h"
#include "trace.h"
#include "trace-int.h"

/* enum ip_conntrack_info, as NFULA_CT_INFO carries it. */
#define CTINFO_IS_REPLY 3
#define CTINFO_UNTRACKED 7

/* ---- the prefix ------------------------------------------------------------ */

static bool copy_part(const char *from, size_t n, char *out, size_t outsz)
{
	if (n == 0 || outsz == 0)
		return false;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, from, n);
	out[n] = '\0';
	return true;
}

int trace_nflog_prefix(const char *prefix, char *table, size_t tablesz, char *chain, size_t chainsz,
		       enum trace_step_type *type, unsigned int *rulenum)
{
	static const char head[] = "TRACE: ";
	const char *p, *end, *c1, *c3, *c2;
	unsigned long n = 0;
	const char *d;

	if (!prefix || strncmp(prefix, head, sizeof(head) - 1) != 0)
		return -1;
	p = prefix + sizeof(head) - 1;
	end = p + strlen(p);
	while (end > p && end[-1] == ' ')
		end--;
	/* TABLE has no ':'; CHAIN might (iptables does not forbid it): take
	 * TYPE and RULENUM from the right. */
	c1 = memchr(p, ':', (size_t)(end - p));
	if (!c1)
		return -1;
	for (c3 = end; c3 > c1 && c3[-1] != ':'; c3--)
		;
	if (c3 <= c1 + 1)
		return -1;
	c3--;                      /* the ':' before RULENUM */
	for (c2 = c3; c2 > c1 && c2[-1] != ':'; c2--)
		;
	if (c2 <= c1 + 1)
		return -1;
	c2--;                      /* the ':' before TYPE */
	if (c3 + 1 == end)
		return -1;
	for (d = c3 + 1; d < end; d++) {
		if (*d < '0' || *d > '9' || n > 100000000)
			return -1;
		n = n * 10 + (unsigned long)(*d - '0');
	}
	if ((size_t)(c3 - c2 - 1) == 4 && strncmp(c2 + 1, "rule", 4) == 0)
		*type = TRACE_STEP_RULE;
	else if ((size_t)(c3 - c2 - 1) == 6 && strncmp(c2 + 1, "return", 6) == 0)
		*type = TRACE_STEP_RETURN;
	else if ((size_t)(c3 - c2 - 1) == 6 && strncmp(c2 + 1, "policy", 6) == 0)
		*type = TRACE_STEP_POLICY;
	else
		return -1;
	if (!copy_part(p, (size_t)(c1 - p), table, tablesz) ||
	    !copy_part(c1 + 1, (size_t)(c2 - c1 - 1), chain, chainsz))
		return -1;
	*rulenum = (unsigned int)n;
	return 0;
}

/* ---- the message ----------------------------------------------------------- */

struct nflog_tb {
	const struct nlattr *a[NFULA_MAX + 1];
};

/* NFULA_CT (only with NFULNL_CFG_F_CONNTRACK, which needs the kernel's
 * nfnetlink glue): the same conntrack id nf_tables trace events carry. */
static void parse_ct(const struct nflog_tb *tb, struct trace_ct *ct)
{
	const struct nlattr *cta[CTA_MAX + 1] = { 0 };

	if (tb->a[NFULA_CT_INFO] && mnl_attr_get_payload_len(tb->a[NFULA_CT_INFO]) >= 4) {
		uint32_t info = ntohl(mnl_attr_get_u32(tb->a[NFULA_CT_INFO]));

		ct->valid = true;
		if (info == CTINFO_UNTRACKED) {
			ct->state = 0x40;
		} else {
			ct->dir = info >= CTINFO_IS_REPLY;
			ct->state = 1u << (info % CTINFO_IS_REPLY + 1);
		}
	}
	if (!tb->a[NFULA_CT] || mnl_attr_parse_nested(tb->a[NFULA_CT], nlattr_tb_cb, &(struct nlattr_tb){ cta, CTA_MAX }) < 0)
		return;
	if (cta[CTA_ID] && mnl_attr_get_payload_len(cta[CTA_ID]) >= 4) {
		ct->valid = true;
		ct->has_id = true;
		ct->id = ntohl(mnl_attr_get_u32(cta[CTA_ID]));
	}
	if (cta[CTA_STATUS] && mnl_attr_get_payload_len(cta[CTA_STATUS]) >= 4)
		ct->status = ntohl(mnl_attr_get_u32(cta[CTA_STATUS]));
}

static bool get_u32(const struct nflog_tb *tb, int type, uint32_t *v)
{
	if (!tb->a[type] || mnl_attr_get_payload_len(tb->a[type]) < 4)
		return false;
	*v = ntohl(mnl_attr_get_u32(tb->a[type]));
	return true;
}

int trace_nflog_parse(const struct nlmsghdr *nlh, struct trace_nflog_event *ev)
{
	char prefix[TRACE_NFLOG_PREFIX_MAX];
	const struct nfgenmsg *nfg;
	struct nflog_tb tb;
	size_t n;

	memset(ev, 0, sizeof(*ev));
	memset(&tb, 0, sizeof(tb));
	ev->hook = -1;
	if (nlh->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
		return 0;
	/* libmnl walks attributes up to the aligned end of the message: an
	 * unaligned length (never sent by the kernel) would let it read past. */
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)) || nlh->nlmsg_len != NLMSG_ALIGN(nlh->nlmsg_len))
		return -1;
	nfg = mnl_nlmsg_get_payload(nlh);
	ev->family = nfg->nfgen_family;
	if (mnl_attr_parse(nlh, sizeof(*nfg), nlattr_tb_cb, &(struct nlattr_tb){ tb.a, NFULA_MAX }) < 0)
		return -1;
	if (!tb.a[NFULA_PREFIX])
		return 0;
	n = mnl_attr_get_payload_len(tb.a[NFULA_PREFIX]);
	if (n >= sizeof(prefix))
		n = sizeof(prefix) - 1;
	memcpy(prefix, mnl_attr_get_payload(tb.a[NFULA_PREFIX]), n);
	prefix[n] = '\0';
	if (trace_nflog_prefix(prefix, ev->table, sizeof(ev->table), ev->chain, sizeof(ev->chain), &ev->type,
			       &ev->rulenum) < 0)
		return 0;
	if (ev->family != NFPROTO_IPV4 && ev->family != NFPROTO_IPV6)
		return -1;
	if (tb.a[NFULA_PACKET_HDR]) {
		const struct nfulnl_msg_packet_hdr *ph;

		if (mnl_attr_get_payload_len(tb.a[NFULA_PACKET_HDR]) < sizeof(*ph))
			return -1;
		ph = mnl_attr_get_payload(tb.a[NFULA_PACKET_HDR]);
		ev->hook = ph->hook < 5 ? ph->hook : -1;
	}
	ev->has_iif = get_u32(&tb, NFULA_IFINDEX_INDEV, &ev->iif);
	ev->has_oif = get_u32(&tb, NFULA_IFINDEX_OUTDEV, &ev->oif);
	ev->has_mark = get_u32(&tb, NFULA_MARK, &ev->mark);
	ev->has_seq = get_u32(&tb, NFULA_SEQ, &ev->seq);
	if (tb.a[NFULA_PAYLOAD]) {
		ev->payload = mnl_attr_get_payload(tb.a[NFULA_PAYLOAD]);
		ev->plen = mnl_attr_get_payload_len(tb.a[NFULA_PAYLOAD]);
	}
	parse_ct(&tb, &ev->ct);
	return 1;
}

/* ---- rule number -> rule and verdict ------------------------------------------ */

/* The word after the last " -j " or " -g " of an `iptables -S` line, in
 * word (NUL-terminated); *is_goto for -g. False if there is none. */
static bool rule_target(const char *text, char *word, size_t wordsz, bool *is_goto)
{
	const char *j = NULL, *p;
	size_t n;

	for (p = text; p && (p = strstr(p, " -")) != NULL; p += 2)
		if ((p[2] == 'j' || p[2] == 'g') && p[3] == ' ')
			j = p;
	if (!j)
		return false;
	*is_goto = j[2] == 'g';
	j += 4;
	n = strcspn(j, " ");
	if (!n || n >= wordsz)
		return false;
	memcpy(word, j, n);
	word[n] = '\0';
	return true;
}

/* What a legacy rule's target does to the packet. Extension targets that
 * always give the packet back (XT_CONTINUE) continue; NAT targets accept;
 * REJECT drops; others the kernel decides at run time: unknown. */
static int32_t target_verdict(const char *t)
{
	static const char *const cont[] = {
		"LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "TRACE", "CT", "NOTRACK", "TCPMSS", "CHECKSUM",
		"CLASSIFY", "DSCP", "TOS", "TTL", "HL", "ECN", "SET", "AUDIT", "CONNSECMARK", "SECMARK",
		"IDLETIMER", "LED", "TEE", "HMARK", "RATEEST", "TCPOPTSTRIP",
	};
	static const char *const nat[] = { "DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP" };
	size_t i;

	if (strcmp(t, "ACCEPT") == 0)
		return NF_ACCEPT;
	if (strcmp(t, "DROP") == 0 || strcmp(t, "REJECT") == 0)
		return NF_DROP;
	if (strcmp(t, "RETURN") == 0)
		return NFT_RETURN;
	if (strcmp(t, "QUEUE") == 0 || strcmp(t, "NFQUEUE") == 0)
		return NF_QUEUE;
	for (i = 0; i < ARRAY_SIZE(nat); i++)
		if (strcmp(t, nat[i]) == 0)
			return NF_ACCEPT;
	for (i = 0; i < ARRAY_SIZE(cont); i++)
		if (strcmp(t, cont[i]) == 0)
			return NFT_CONTINUE;
	return TRACE_VERDICT_UNKNOWN;
}

static void rule_verdict(const struct snap_rule *r, struct trace_step *s)
{
	char word[TRACE_XT_NAME_MAX];
	bool is_goto = false;

	if (r->target_chain) {
		s->verdict = r->is_goto ? NFT_GOTO : NFT_JUMP;
		s->target = xstrdup(r->target_chain);
		return;
	}
	if (!r->text || !rule_target(r->text, word, sizeof(word), &is_goto)) {
		s->verdict = NFT_CONTINUE;       /* no target: a counting rule */
		return;
	}
	s->verdict = target_verdict(word);
}

void trace_nflog_step(const struct snap_ruleset *rs, const struct trace_nflog_event *ev, struct trace_step *s)
{
	const struct snap_chain *ch = NULL;

	memset(s, 0, sizeof(*s));
	s->legacy = true;
	s->hook = ev->hook;
	s->family = ev->family;
	s->table = xstrdup(ev->table);
	s->chain = xstrdup(ev->chain);
	s->rulenum = ev->rulenum;
	s->type = ev->type;
	s->nat_chain = strcmp(ev->table, "nat") == 0;
	if (rs)
		ch = snapshot_find_chain_in(rs, ev->family, ev->table, ev->chain, true);
	if (ch && ev->rulenum >= 1 && ev->rulenum <= ch->nrules) {
		const struct snap_rule *r = &ch->rules[ev->rulenum - 1];

		/* A rule, also when the kernel called it policy/return (an
		 * unconditional -j ACCEPT/DROP/RETURN). */
		s->type = TRACE_STEP_RULE;
		s->handle = r->handle;
		s->rule = r->text ? xstrdup(r->text) : NULL;
		rule_verdict(r, s);
		return;
	}
	switch (ev->type) {
	case TRACE_STEP_POLICY:
		s->policy = ch && ch->policy >= 0 ? ch->policy : TRACE_VERDICT_UNKNOWN;
		s->verdict = s->policy;
		break;
	case TRACE_STEP_RETURN:
		s->verdict = NFT_RETURN;
		break;
	case TRACE_STEP_RULE:
		/* A rule the snapshot does not have (it changed since): unknown. */
		s->verdict = TRACE_VERDICT_UNKNOWN;
		break;
	}
}
