/*
 * view-flows-words.c - a conntrack flow in the words the connections view
 * shows: "src:port→dst:port", "SNAT 203.0.113.10", the state or what
 * conntrack knows instead, zones, timeouts, and everything '/' matches.
 * Pure: no canvas, no table.
 */
#include "config.h"

#include <stdio.h>
#include <netinet/in.h>
#include <string.h>

#include <linux/netfilter/nf_conntrack_common.h>

#include "conntrack-text.h"
#include "conntrack.h"
#include "iptop.h"
#include "view.h"
#include "view-flows.h"

/* ---- words for a flow -------------------------------------------------------------- */

static bool icmp(const struct ct_flow *f)
{
	return f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6;
}

static bool ports(const struct ct_flow *f)
{
	return !icmp(f) && f->proto != IPPROTO_GRE && (f->orig.sport || f->orig.dport);
}

/* "172.17.0.2:80" or "[2001:db8::1]:80" or just the address. */
static void endpoint(const struct ct_flow *f, const union ct_addr *a, uint16_t port, bool with_port, char *buf,
		     size_t n)
{
	char s[INET6_ADDRSTRLEN];

	conntrack_text_addr(f->family, a, s, sizeof(s));
	if (!with_port)
		snprintf(buf, n, "%s", s);
	else if (f->family == AF_INET6)
		snprintf(buf, n, "[%s]:%u", s, port);
	else
		snprintf(buf, n, "%s:%u", s, port);
}

/* "src:port→dst:port" (ICMP: " id N", GRE: " keys 0xS→0xD"); *split: bytes before the arrow,
 * *end: where the destination ends. */
void view_flows_words_tuple_at(const struct ct_flow *f, const struct ct_tuple *t, char *buf, size_t n, size_t *split,
		     size_t *end)
{
	char a[64], b[64];

	endpoint(f, &t->src, t->sport, ports(f), a, sizeof(a));
	endpoint(f, &t->dst, t->dport, ports(f), b, sizeof(b));
	if (icmp(f))
		snprintf(buf, n, "%s\xe2\x86\x92%s id %u", a, b, t->icmp_id);
	else if (f->proto == IPPROTO_GRE)
		snprintf(buf, n, "%s\xe2\x86\x92%s keys 0x%x\xe2\x86\x92" "0x%x", a, b, t->sport, t->dport);
	else
		snprintf(buf, n, "%s\xe2\x86\x92%s", a, b);
	if (split)
		*split = strlen(a);
	if (end)
		*end = strlen(a) + 3 + strlen(b);
}

void view_flows_words_tuple(const struct ct_flow *f, const struct ct_tuple *t, char *buf, size_t n, size_t *split)
{
	view_flows_words_tuple_at(f, t, buf, n, split, NULL);
}

/* conntrack -L's name, or the number for protocols it has none for. */
const char *view_flows_words_proto(uint8_t proto, char *buf, size_t n)
{
	const char *s = conntrack_text_proto(proto);

	if (strcmp(s, "unknown") != 0)
		return s;
	if (proto == IPPROTO_IGMP)
		return "igmp";
	snprintf(buf, n, "proto %u", proto);
	return buf;
}

const char *view_flows_words_nat(enum ct_nat nat)
{
	switch (nat) {
	case CT_NAT_SNAT: return "SNAT";
	case CT_NAT_DNAT: return "DNAT";
	case CT_NAT_BOTH: return "BOTH";
	default: return "";
	}
}

/* The NAT kind with the address it rewrote to: "SNAT 203.0.113.10". */
void view_flows_words_nat_long(const struct ct_flow *f, char *buf, size_t n)
{
	char a[64];

	switch (f->nat) {
	case CT_NAT_SNAT:
		endpoint(f, &f->reply.dst, f->reply.dport, ports(f) && f->reply.dport != f->orig.sport, a, sizeof(a));
		snprintf(buf, n, "SNAT %s", a);
		break;
	case CT_NAT_DNAT:
	case CT_NAT_BOTH:
		endpoint(f, &f->reply.src, f->reply.sport, ports(f), a, sizeof(a));
		snprintf(buf, n, "%s \xe2\x86\x92%s", view_flows_words_nat(f->nat), a);
		break;
	default:
		buf[0] = '\0';
	}
}

/* TCP state, or for stateless protocols what conntrack knows: its
 * [UNREPLIED] and [ASSURED] flags, and between the two the status bit
 * SEEN_REPLY in words (conntrack -L prints nothing then). */
const char *view_flows_words_state(const struct ct_flow *f)
{
	const char *s = conntrack_text_state(f);

	if (f->dying)
		return "closed";
	if (s)
		return s;
	if (!(f->status & IPS_SEEN_REPLY))
		return "UNREPLIED";
	return f->status & IPS_ASSURED ? "ASSURED" : "seen reply";
}

static bool directional_zone(const struct ct_flow *f)
{
	return f->has_zone_orig || f->has_zone_reply;
}

/* The zone, or with directional zones (CT --zone-orig/--zone-reply) the
 * original/reply pair: the kernel looks the other direction up in zone 0. */
void view_flows_words_zone(const struct ct_flow *f, char *buf, size_t n)
{
	if (directional_zone(f))
		snprintf(buf, n, "%u/%u", f->has_zone_orig ? f->zone_orig : f->zone,
			 f->has_zone_reply ? f->zone_reply : f->zone);
	else
		snprintf(buf, n, "%u", f->zone);
}

/* Sort key: the original direction's zone, then the reply's. */
uint32_t view_flows_words_zone_key(const struct ct_flow *f)
{
	return (uint32_t)(f->has_zone_orig ? f->zone_orig : f->zone) << 16 |
	       (f->has_zone_reply ? f->zone_reply : f->zone);
}

bool view_flows_words_any_zone(const struct ct_flow *f)
{
	return f->zone || directional_zone(f);
}

/* Seconds left as a person reads them; a closed flow has none. */
void view_flows_words_timeout(const struct ct_flow *f, char *buf, size_t n)
{
	if (f->has_timeout && !f->dying)
		conntrack_text_duration(f->timeout, buf, n);
	else
		snprintf(buf, n, "\xe2\x80\x94");
}

void view_flows_words_pair(char *buf, size_t n, uint64_t a, uint64_t b)
{
	char x[16], y[16];

	view_fmt_count(x, sizeof(x), a);
	view_fmt_count(y, sizeof(y), b);
	snprintf(buf, n, "%s/%s", x, y);
}

/* Everything '/' matches: words as shown and as conntrack -L prints them. */
bool view_flows_words_match(const struct ct_flow *f, const char *pattern)
{
	struct strbuf sb;
	char buf[160];
	bool r;

	if (!pattern || !*pattern)
		return true;
	strbuf_init(&sb);
	strbuf_addf(&sb, "%s %s ", view_flows_words_proto(f->proto, buf, sizeof(buf)), view_flows_words_state(f));
	if (!(f->status & IPS_SEEN_REPLY))
		strbuf_add(&sb, "UNREPLIED ");
	if (f->status & IPS_ASSURED)
		strbuf_add(&sb, "ASSURED ");
	view_flows_words_tuple(f, &f->orig, buf, sizeof(buf), NULL);
	strbuf_addf(&sb, "%s ", buf);
	view_flows_words_tuple(f, &f->reply, buf, sizeof(buf), NULL);
	strbuf_addf(&sb, "%s ", buf);
	conntrack_text_tuple(f, &f->orig, &sb);
	strbuf_addc(&sb, ' ');
	conntrack_text_tuple(f, &f->reply, &sb);
	if (f->nat == CT_NAT_SNAT || f->nat == CT_NAT_BOTH)
		strbuf_add(&sb, " SNAT MASQUERADE");
	if (f->nat == CT_NAT_DNAT || f->nat == CT_NAT_BOTH)
		strbuf_add(&sb, " DNAT");
	if (f->nat)
		strbuf_add(&sb, " NAT");
	if (view_flows_words_any_zone(f)) {
		view_flows_words_zone(f, buf, sizeof(buf));
		strbuf_addf(&sb, " zone %s", buf);
	}
	if (f->helper[0])
		strbuf_addf(&sb, " helper %s", f->helper);
	r = view_match(sb.s, pattern);
	strbuf_free(&sb);
	return r;
}
