/*
 * trace-text.c - a traced packet path as readable text (one line per
 * step) and as a JSON object, plus the names of verdicts, conntrack states
 * and statuses. Pure formatting of struct trace_packet: no parsing, no
 * sockets, no screen (the trace view draws its own layout).
 */
#include "config.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "names.h"
#include "snapshot.h"
#include "trace.h"

const char *trace_verdict_name(int32_t v)
{
	const char *n = names_verdict(v < 0 ? v : (int32_t)(v & NF_VERDICT_MASK));

	return n ? n : "unknown";
}

const char *trace_route_name(enum trace_route r)
{
	switch (r) {
	case TRACE_ROUTE_INPUT: return "input";
	case TRACE_ROUTE_FORWARD: return "forward";
	case TRACE_ROUTE_OUTPUT: return "output";
	case TRACE_ROUTE_NONE: return "none";
	case TRACE_ROUTE_UNKNOWN: break;
	}
	return "unknown";
}

void trace_ct_state_text(uint32_t state, struct strbuf *sb)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{ 0x8, "new" }, { 0x2, "established" }, { 0x4, "related" }, { 0x1, "invalid" },
		{ 0x40, "untracked" },
	};
	size_t i, start = sb->len;

	for (i = 0; i < ARRAY_SIZE(bits); i++)
		if (state & bits[i].bit) {
			if (sb->len > start)
				strbuf_addc(sb, ',');
			strbuf_add(sb, bits[i].name);
		}
	if (sb->len == start)
		strbuf_addf(sb, "0x%x", state);
}

void trace_ct_status_text(uint32_t status, struct strbuf *sb)
{
	static const char *const names[] = {
		"EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT", "DST_NAT", "SEQ_ADJUST",
		"SRC_NAT_DONE", "DST_NAT_DONE", "DYING", "FIXED_TIMEOUT", "TEMPLATE", "UNTRACKED",
		"HELPER", "OFFLOAD", "HW_OFFLOAD",
	};
	size_t i, start = sb->len;

	for (i = 0; i < 32; i++) {
		if (!(status & (1u << i)))
			continue;
		if (sb->len > start)
			strbuf_addc(sb, ',');
		if (i < ARRAY_SIZE(names))
			strbuf_add(sb, names[i]);
		else
			strbuf_addf(sb, "0x%x", 1u << i);
	}
	if (sb->len == start)
		strbuf_add(sb, "0");
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_UDPLITE: return "udplite";
	case IPPROTO_GRE: return "gre";
	case IPPROTO_ESP: return "esp";
	case IPPROTO_AH: return "ah";
	}
	return NULL;
}

static const char *icmp_name(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_ICMP) {
		switch (type) {
		case 0: return "echo-reply";
		case 3: return "destination-unreachable";
		case 5: return "redirect";
		case 8: return "echo-request";
		case 11: return "time-exceeded";
		case 12: return "parameter-problem";
		}
	} else {
		switch (type) {
		case 1: return "destination-unreachable";
		case 2: return "packet-too-big";
		case 3: return "time-exceeded";
		case 128: return "echo-request";
		case 129: return "echo-reply";
		case 133: return "router-solicitation";
		case 134: return "router-advertisement";
		case 135: return "neighbour-solicitation";
		case 136: return "neighbour-advertisement";
		}
	}
	return NULL;
}

static void tcp_flags_text(uint8_t f, struct strbuf *sb)
{
	static const char letters[] = "FSRPAUEC";
	int i;

	for (i = 0; i < 8; i++)
		if (f & (1 << i))
			strbuf_addc(sb, letters[i]);
}

/* "filter:FORWARD", "filter:FORWARD (legacy)" for an x_tables chain. */
static void step_where(const struct trace_step *s, struct strbuf *sb)
{
	strbuf_addf(sb, "%s:%s%s", s->table, s->chain, s->legacy ? " (legacy)" : "");
}

/* "accept", "jump DOCKER-USER" */
static void step_verdict_text(const struct trace_step *s, struct strbuf *sb)
{
	int32_t v = s->type == TRACE_STEP_POLICY ? s->policy : s->verdict;

	strbuf_add(sb, trace_verdict_name(v));
	if ((v == NFT_JUMP || v == NFT_GOTO) && s->target)
		strbuf_addf(sb, " %s", s->target);
}

static void step_rule_text(const struct trace_step *s, struct strbuf *sb)
{
	if (s->type == TRACE_STEP_POLICY)
		strbuf_add(sb, "(policy)");
	else if (s->type == TRACE_STEP_RETURN)
		strbuf_add(sb, "(end of chain: return)");
	else if (!s->handle && s->verdict == NFT_CONTINUE)
		strbuf_add(sb, "(end of rule list: back to the calling chain)");
	else if (!s->handle && !(s->legacy && s->rulenum))
		strbuf_add(sb, "(end of rule list)");
	else if (s->rule)
		strbuf_add(sb, s->rule);
	else if (s->legacy)
		strbuf_addf(sb, "(rule %u: not in iptop's snapshot)", s->rulenum);
	else
		strbuf_addf(sb, "(rule handle %" PRIu64 ")", s->handle);
}

static const char *hook_name(int hook)
{
	return hook >= 0 ? snapshot_hook_name(NFPROTO_INET, hook) : "?";
}

static void packet_line(const struct trace_packet *p, struct strbuf *sb)
{
	const struct trace_hdr *h = &p->pkt;

	strbuf_addf(sb, "packet #%" PRIu64, p->id);
	if (!h->valid) {
		strbuf_add(sb, " (headers not seen)");
	} else {
		const char *pn = proto_name(h->proto);

		strbuf_addf(sb, " %s ", h->nfproto == NFPROTO_IPV6 ? "ip6" : "ip");
		if (pn)
			strbuf_add(sb, pn);
		else
			strbuf_addf(sb, "proto %u", h->proto);
		strbuf_addf(sb, " %s", h->src);
		if (h->has_ports)
			strbuf_addf(sb, ":%u", h->sport);
		strbuf_addf(sb, " > %s", h->dst);
		if (h->has_ports)
			strbuf_addf(sb, ":%u", h->dport);
		if (h->has_icmp) {
			const char *in = icmp_name(h->proto, h->icmp_type);

			if (in)
				strbuf_addf(sb, " %s", in);
			else
				strbuf_addf(sb, " type %u code %u", h->icmp_type, h->icmp_code);
			if (h->has_icmp_id)
				strbuf_addf(sb, " id %u", h->icmp_id);
		}
		if (h->proto == IPPROTO_TCP && h->has_ports && h->tcp_flags) {
			strbuf_add(sb, " [");
			tcp_flags_text(h->tcp_flags, sb);
			strbuf_addc(sb, ']');
		}
		strbuf_addf(sb, " len %u", h->len);
	}
	if (p->iif[0])
		strbuf_addf(sb, " in %s", p->iif);
	if (p->oif[0])
		strbuf_addf(sb, " out %s", p->oif);
	if (p->has_mark && p->mark)
		strbuf_addf(sb, " mark 0x%x", p->mark);
	if (p->ct.valid) {
		strbuf_add(sb, "  ct");
		if (p->ct.has_id)
			strbuf_addf(sb, " %u %s", p->ct.id, p->ct.dir ? "reply" : "original");
		strbuf_addc(sb, ' ');
		trace_ct_state_text(p->ct_new && !(p->ct.state & 0x8) ? (p->ct.state | 0x8) : p->ct.state, sb);
	}
	if (p->reply_of)
		strbuf_addf(sb, "  (reply to #%" PRIu64 ")", p->reply_of);
	else if (p->reply)
		strbuf_addf(sb, "  (reply: #%" PRIu64 ")", p->reply);
	strbuf_addc(sb, '\n');
}

static void route_kind(const struct trace_packet *p, struct strbuf *sb);

static void route_line(const struct trace_packet *p, struct strbuf *sb)
{
	strbuf_add(sb, "  routing      ");
	if (p->looped) {
		strbuf_add(sb, "OUTPUT (locally generated) via lo, back in through lo: ");
		strbuf_add(sb, p->route == TRACE_ROUTE_INPUT ? "INPUT (to this host)" : trace_route_name(p->route));
	} else {
		route_kind(p, sb);
	}
	if (p->oif_before[0])
		strbuf_addf(sb, " (re-routed: %s before, after its destination was rewritten)", p->oif_before);
	strbuf_addc(sb, '\n');
}

/* The routing decision in words (route_line's). */
static void route_kind(const struct trace_packet *p, struct strbuf *sb)
{
	switch (p->route) {
	case TRACE_ROUTE_INPUT:
		strbuf_add(sb, "INPUT (to this host)");
		break;
	case TRACE_ROUTE_FORWARD:
		strbuf_add(sb, "FORWARD");
		if (p->iif[0] || p->oif[0])
			strbuf_addf(sb, " (%s -> %s)", p->iif[0] ? p->iif : "?", p->oif[0] ? p->oif : "?");
		break;
	case TRACE_ROUTE_OUTPUT:
		strbuf_add(sb, "OUTPUT (locally generated)");
		if (p->oif[0])
			strbuf_addf(sb, " via %s", p->oif);
		break;
	case TRACE_ROUTE_NONE:
		strbuf_add(sb, "none (dropped before the routing decision)");
		break;
	case TRACE_ROUTE_UNKNOWN:
		strbuf_add(sb, "unknown (no chain after prerouting saw the packet)");
		break;
	}
}

static void addr_port(struct strbuf *sb, const char *addr, bool port, uint16_t n)
{
	if (!port)
		strbuf_add(sb, addr);
	else if (strchr(addr, ':'))
		strbuf_addf(sb, "[%s]:%u", addr, n);
	else
		strbuf_addf(sb, "%s:%u", addr, n);
}

void trace_path_text(const struct trace_packet *p, struct strbuf *sb)
{
	bool routed = false;
	size_t i;

	packet_line(p, sb);
	if (p->route == TRACE_ROUTE_OUTPUT) {
		route_line(p, sb);
		routed = true;
	}
	for (i = 0; i < p->nsteps; i++) {
		const struct trace_step *s = &p->steps[i];
		struct strbuf where;

		if (!routed && s->hook >= 0 && s->hook != NF_INET_PRE_ROUTING) {
			route_line(p, sb);
			routed = true;
		}
		if (s->loop)
			strbuf_add(sb, "  loop         out through lo and back in: the same packet\n");
		strbuf_init(&where);
		step_where(s, &where);
		strbuf_addf(sb, "  %-12s %-30s ", hook_name(s->hook), where.s);
		strbuf_free(&where);
		step_rule_text(s, sb);
		strbuf_add(sb, " \xe2\x86\x92 ");
		step_verdict_text(s, sb);
		strbuf_addc(sb, '\n');
	}
	if (!routed)
		route_line(p, sb);
	if (p->nat_dst) {
		strbuf_add(sb, "  nat          destination ");
		addr_port(sb, p->pkt.dst, p->pkt.has_ports, p->pkt.dport);
		strbuf_add(sb, " \xe2\x86\x92 ");
		addr_port(sb, p->nat_dst_to, p->pkt.has_ports, p->nat_dport_to);
		strbuf_addc(sb, '\n');
	}
	if (p->nat_src) {
		strbuf_add(sb, "  nat          source ");
		addr_port(sb, p->pkt.src, p->pkt.has_ports, p->pkt.sport);
		strbuf_add(sb, " \xe2\x86\x92 ");
		addr_port(sb, p->nat_src_to, p->pkt.has_ports && p->nat_sport_to, p->nat_sport_to);
		strbuf_addc(sb, '\n');
	} else if (p->snat_pending) {
		strbuf_addf(sb, "  nat          source %s \xe2\x86\x92 (rewritten after postrouting; "
			    "the reply was not traced)\n", p->pkt.src);
	}
	strbuf_add(sb, "  verdict      ");
	if (p->verdict_step >= 0 && (size_t)p->verdict_step < p->nsteps) {
		const struct trace_step *s = &p->steps[p->verdict_step];
		const char *v = trace_verdict_name(p->verdict);
		size_t k;

		for (k = 0; v[k]; k++)
			strbuf_addc(sb, (char)(v[k] >= 'a' && v[k] <= 'z' ? v[k] - 32 : v[k]));
		strbuf_add(sb, " at ");
		step_where(s, sb);
		if (s->type == TRACE_STEP_POLICY)
			strbuf_add(sb, " (policy)");
		else if (s->legacy && s->rulenum)
			strbuf_addf(sb, " rule %u", s->rulenum);
		else if (s->handle)
			strbuf_addf(sb, " handle %" PRIu64, s->handle);
	} else {
		strbuf_add(sb, "unknown (no chain decided)");
	}
	strbuf_addc(sb, '\n');
	if (p->note)
		strbuf_addf(sb, "  note         %s\n", p->note);
}

void trace_skipped_text(uint64_t skipped, struct strbuf *sb)
{
	if (skipped)
		strbuf_addf(sb, "%" PRIu64 " packet%s matched but not traced (rate limit)", skipped,
			    skipped == 1 ? "" : "s");
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_key(struct strbuf *sb, bool *first, const char *key)
{
	if (!*first)
		strbuf_addc(sb, ',');
	*first = false;
	strbuf_add_json(sb, key);
	strbuf_addc(sb, ':');
}

static void json_str_or_null(struct strbuf *sb, const char *s)
{
	if (s && *s)
		strbuf_add_json(sb, s);
	else
		strbuf_add(sb, "null");
}

static void json_hdr(const struct trace_hdr *h, struct strbuf *sb)
{
	bool f = true;
	const char *pn = proto_name(h->proto);

	strbuf_addc(sb, '{');
	json_key(sb, &f, "family");
	strbuf_add_json(sb, h->nfproto == NFPROTO_IPV6 ? "ip6" : "ip");
	json_key(sb, &f, "src");
	strbuf_add_json(sb, h->src);
	json_key(sb, &f, "dst");
	strbuf_add_json(sb, h->dst);
	json_key(sb, &f, "proto");
	if (pn)
		strbuf_add_json(sb, pn);
	else
		strbuf_addf(sb, "%u", h->proto);
	if (h->has_ports) {
		json_key(sb, &f, "sport");
		strbuf_addf(sb, "%u", h->sport);
		json_key(sb, &f, "dport");
		strbuf_addf(sb, "%u", h->dport);
		if (h->proto == IPPROTO_TCP) {
			struct strbuf fl;

			strbuf_init(&fl);
			tcp_flags_text(h->tcp_flags, &fl);
			json_key(sb, &f, "tcp_flags");
			strbuf_add_json(sb, fl.s ? fl.s : "");
			strbuf_free(&fl);
		}
	}
	if (h->has_icmp) {
		const char *in = icmp_name(h->proto, h->icmp_type);

		json_key(sb, &f, "icmp_type");
		strbuf_addf(sb, "%u", h->icmp_type);
		json_key(sb, &f, "icmp_code");
		strbuf_addf(sb, "%u", h->icmp_code);
		json_key(sb, &f, "icmp_name");
		json_str_or_null(sb, in);
		if (h->has_icmp_id) {
			json_key(sb, &f, "icmp_id");
			strbuf_addf(sb, "%u", h->icmp_id);
		}
	}
	json_key(sb, &f, "len");
	strbuf_addf(sb, "%u", h->len);
	json_key(sb, &f, "ttl");
	strbuf_addf(sb, "%u", h->ttl);
}

static void json_step(const struct trace_step *s, struct strbuf *sb)
{
	bool f = true;

	strbuf_addc(sb, '{');
	json_key(sb, &f, "hook");
	if (s->hook >= 0)
		strbuf_add_json(sb, hook_name(s->hook));
	else
		strbuf_add(sb, "null");
	json_key(sb, &f, "family");
	strbuf_add_json(sb, snapshot_family_name(s->family));
	json_key(sb, &f, "table");
	strbuf_add_json(sb, s->table);
	json_key(sb, &f, "chain");
	strbuf_add_json(sb, s->chain);
	json_key(sb, &f, "handle");
	if (s->handle)
		strbuf_addf(sb, "%" PRIu64, s->handle);
	else
		strbuf_add(sb, "null");
	json_key(sb, &f, "type");
	strbuf_add_json(sb, s->type == TRACE_STEP_POLICY ? "policy"
			    : s->type == TRACE_STEP_RETURN ? "return" : "rule");
	json_key(sb, &f, "rule");
	json_str_or_null(sb, s->rule);
	json_key(sb, &f, "verdict");
	strbuf_add_json(sb, trace_verdict_name(s->type == TRACE_STEP_POLICY ? s->policy : s->verdict));
	json_key(sb, &f, "target");
	json_str_or_null(sb, s->target);
	json_key(sb, &f, "loop");
	strbuf_add(sb, s->loop ? "true" : "false");
	json_key(sb, &f, "trace_id");
	if (s->legacy)
		strbuf_add(sb, "null");
	else
		strbuf_addf(sb, "\"%08x\"", s->trace_id);
	json_key(sb, &f, "backend");
	strbuf_add_json(sb, s->legacy ? "legacy" : "nf_tables");
	json_key(sb, &f, "rulenum");
	if (s->legacy && s->rulenum)
		strbuf_addf(sb, "%u", s->rulenum);
	else
		strbuf_add(sb, "null");
	strbuf_addc(sb, '}');
}

void trace_path_json(const struct trace_packet *p, struct strbuf *sb)
{
	bool f = true;
	size_t i;

	strbuf_addc(sb, '{');
	json_key(sb, &f, "id");
	strbuf_addf(sb, "%" PRIu64, p->id);
	json_key(sb, &f, "time");
	strbuf_addf(sb, "%.6f", p->wall);
	json_key(sb, &f, "packet");
	if (p->pkt.valid) {
		json_hdr(&p->pkt, sb);
		strbuf_addc(sb, ',');
	} else {
		strbuf_addc(sb, '{');
	}
	{
		bool g = true;

		json_key(sb, &g, "iif");
		json_str_or_null(sb, p->iif);
		json_key(sb, &g, "oif");
		json_str_or_null(sb, p->oif);
		json_key(sb, &g, "oif_before");
		json_str_or_null(sb, p->oif_before);
		json_key(sb, &g, "mark");
		if (p->has_mark)
			strbuf_addf(sb, "%u", p->mark);
		else
			strbuf_add(sb, "null");
		strbuf_addc(sb, '}');
	}
	json_key(sb, &f, "direction");
	if (p->ct.valid && p->ct.has_id)
		strbuf_add_json(sb, p->ct.dir ? "reply" : "original");
	else
		strbuf_add(sb, "null");
	json_key(sb, &f, "ct");
	if (p->ct.valid) {
		struct strbuf t;
		bool g = true;

		strbuf_addc(sb, '{');
		json_key(sb, &g, "id");
		if (p->ct.has_id)
			strbuf_addf(sb, "%u", p->ct.id);
		else
			strbuf_add(sb, "null");
		json_key(sb, &g, "direction");
		if (p->ct.has_id)
			strbuf_add_json(sb, p->ct.dir ? "reply" : "original");
		else
			strbuf_add(sb, "null");
		strbuf_init(&t);
		trace_ct_state_text(p->ct.state, &t);
		json_key(sb, &g, "state");
		strbuf_add_json(sb, t.s);
		strbuf_reset(&t);
		json_key(sb, &g, "new");
		strbuf_add(sb, p->ct_new ? "true" : "false");
		json_key(sb, &g, "status");
		if (p->ct.has_id) {
			trace_ct_status_text(p->ct.status, &t);
			strbuf_add_json(sb, t.s);
		} else {
			strbuf_add(sb, "null"); /* untracked: no connection, no status */
		}
		strbuf_free(&t);
		strbuf_addc(sb, '}');
	} else {
		strbuf_add(sb, "null");
	}
	json_key(sb, &f, "route");
	strbuf_add_json(sb, trace_route_name(p->route));
	json_key(sb, &f, "loop");
	strbuf_add(sb, p->looped ? "true" : "false");
	json_key(sb, &f, "rate_skipped");
	strbuf_addf(sb, "%" PRIu64, p->skipped);
	json_key(sb, &f, "nat");
	if (p->nat_src || p->nat_dst || p->snat_pending) {
		bool g = true;

		strbuf_addc(sb, '{');
		if (p->nat_src || p->snat_pending) {
			json_key(sb, &g, "src");
			strbuf_addc(sb, '{');
			strbuf_add(sb, "\"before\":");
			strbuf_add_json(sb, p->pkt.src);
			strbuf_add(sb, ",\"after\":");
			json_str_or_null(sb, p->nat_src ? p->nat_src_to : NULL);
			if (p->pkt.has_ports && p->nat_src && p->nat_sport_to)
				strbuf_addf(sb, ",\"before_port\":%u,\"after_port\":%u", p->pkt.sport, p->nat_sport_to);
			strbuf_addc(sb, '}');
		}
		if (p->nat_dst) {
			json_key(sb, &g, "dst");
			strbuf_addc(sb, '{');
			strbuf_add(sb, "\"before\":");
			strbuf_add_json(sb, p->pkt.dst);
			strbuf_add(sb, ",\"after\":");
			strbuf_add_json(sb, p->nat_dst_to);
			if (p->pkt.has_ports)
				strbuf_addf(sb, ",\"before_port\":%u,\"after_port\":%u", p->pkt.dport, p->nat_dport_to);
			strbuf_addc(sb, '}');
		}
		strbuf_addc(sb, '}');
	} else {
		strbuf_add(sb, "null");
	}
	json_key(sb, &f, "verdict");
	if (p->verdict_step >= 0 && (size_t)p->verdict_step < p->nsteps) {
		const struct trace_step *s = &p->steps[p->verdict_step];
		bool g = true;

		strbuf_addc(sb, '{');
		json_key(sb, &g, "verdict");
		strbuf_add_json(sb, trace_verdict_name(p->verdict));
		json_key(sb, &g, "hook");
		if (s->hook >= 0)
			strbuf_add_json(sb, hook_name(s->hook));
		else
			strbuf_add(sb, "null");
		json_key(sb, &g, "table");
		strbuf_add_json(sb, s->table);
		json_key(sb, &g, "chain");
		strbuf_add_json(sb, s->chain);
		json_key(sb, &g, "handle");
		if (s->handle)
			strbuf_addf(sb, "%" PRIu64, s->handle);
		else
			strbuf_add(sb, "null");
		json_key(sb, &g, "policy");
		strbuf_add(sb, s->type == TRACE_STEP_POLICY ? "true" : "false");
		json_key(sb, &g, "rule");
		json_str_or_null(sb, s->rule);
		json_key(sb, &g, "backend");
		strbuf_add_json(sb, s->legacy ? "legacy" : "nf_tables");
		strbuf_addc(sb, '}');
	} else {
		strbuf_add(sb, "null");
	}
	json_key(sb, &f, "reply_of");
	if (p->reply_of)
		strbuf_addf(sb, "%" PRIu64, p->reply_of);
	else
		strbuf_add(sb, "null");
	json_key(sb, &f, "reply");
	if (p->reply)
		strbuf_addf(sb, "%" PRIu64, p->reply);
	else
		strbuf_add(sb, "null");
	json_key(sb, &f, "note");
	json_str_or_null(sb, p->note);
	json_key(sb, &f, "steps");
	strbuf_addc(sb, '[');
	for (i = 0; i < p->nsteps; i++) {
		if (i)
			strbuf_addc(sb, ',');
		json_step(&p->steps[i], sb);
	}
	strbuf_add(sb, "]}");
}
