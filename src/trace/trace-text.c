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
#include "json.h"
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

static void tcp_flags_text(uint32_t f, struct strbuf *sb)
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
		const char *pn = names_ip_proto(h->proto);

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

/* NULL for an empty string: such fields are null in JSON. */
static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static const char *step_hook(const struct trace_step *s)
{
	return s->hook >= 0 ? hook_name(s->hook) : NULL;
}

/* A text helper's output as a string member. */
static void json_text(struct json *j, const char *key, void (*text)(uint32_t, struct strbuf *), uint32_t v)
{
	struct strbuf t;

	strbuf_init(&t);
	text(v, &t);
	json_str(j, key, t.s ? t.s : "");
	strbuf_free(&t);
}

/* The header's members (the object is open). */
static void json_hdr(const struct trace_hdr *h, struct json *j)
{
	const char *pn = names_ip_proto(h->proto);

	json_str(j, "family", h->nfproto == NFPROTO_IPV6 ? "ip6" : "ip");
	json_str(j, "src", h->src);
	json_str(j, "dst", h->dst);
	if (pn)
		json_str(j, "proto", pn);
	else
		json_u64(j, "proto", h->proto);
	if (h->has_ports) {
		json_u64(j, "sport", h->sport);
		json_u64(j, "dport", h->dport);
		if (h->proto == IPPROTO_TCP)
			json_text(j, "tcp_flags", tcp_flags_text, h->tcp_flags);
	}
	if (h->has_icmp) {
		json_u64(j, "icmp_type", h->icmp_type);
		json_u64(j, "icmp_code", h->icmp_code);
		json_str(j, "icmp_name", nonempty(icmp_name(h->proto, h->icmp_type)));
		if (h->has_icmp_id)
			json_u64(j, "icmp_id", h->icmp_id);
	}
	json_u64(j, "len", h->len);
	json_u64(j, "ttl", h->ttl);
}

static void json_step(const struct trace_step *s, struct json *j)
{
	char id[16];

	json_object(j, NULL);
	json_str(j, "hook", step_hook(s));
	json_str(j, "family", snapshot_family_name(s->family));
	json_str(j, "table", s->table);
	json_str(j, "chain", s->chain);
	json_u64_or_null(j, "handle", s->handle, s->handle);
	json_str(j, "type", s->type == TRACE_STEP_POLICY ? "policy" : s->type == TRACE_STEP_RETURN ? "return" : "rule");
	json_str(j, "rule", nonempty(s->rule));
	json_str(j, "verdict", trace_verdict_name(s->type == TRACE_STEP_POLICY ? s->policy : s->verdict));
	json_str(j, "target", nonempty(s->target));
	json_bool(j, "loop", s->loop);
	snprintf(id, sizeof(id), "%08x", s->trace_id);
	json_str(j, "trace_id", s->legacy ? NULL : id);
	json_str(j, "backend", s->legacy ? "legacy" : "nf_tables");
	json_u64_or_null(j, "rulenum", s->legacy && s->rulenum, s->rulenum);
	json_end(j);
}

static void json_ct(const struct trace_packet *p, struct json *j)
{
	if (!p->ct.valid) {
		json_null(j, "ct");
		return;
	}
	json_object(j, "ct");
	json_u64_or_null(j, "id", p->ct.has_id, p->ct.id);
	json_str(j, "direction", !p->ct.has_id ? NULL : p->ct.dir ? "reply" : "original");
	json_text(j, "state", trace_ct_state_text, p->ct.state);
	json_bool(j, "new", p->ct_new);
	if (p->ct.has_id)
		json_text(j, "status", trace_ct_status_text, p->ct.status);
	else
		json_null(j, "status"); /* untracked: no connection, no status */
	json_end(j);
}

/* One side of a NAT: addresses before and after, ports when rewritten. */
static void json_nat_side(struct json *j, const char *key, const char *before, const char *after, bool ports,
			  unsigned before_port, unsigned after_port)
{
	json_object(j, key);
	json_str(j, "before", before);
	json_str(j, "after", after);
	if (ports) {
		json_u64(j, "before_port", before_port);
		json_u64(j, "after_port", after_port);
	}
	json_end(j);
}

static void json_nat(const struct trace_packet *p, struct json *j)
{
	if (!p->nat_src && !p->nat_dst && !p->snat_pending) {
		json_null(j, "nat");
		return;
	}
	json_object(j, "nat");
	if (p->nat_src || p->snat_pending)
		json_nat_side(j, "src", p->pkt.src, nonempty(p->nat_src ? p->nat_src_to : NULL),
			      p->pkt.has_ports && p->nat_src && p->nat_sport_to, p->pkt.sport, p->nat_sport_to);
	if (p->nat_dst)
		json_nat_side(j, "dst", p->pkt.dst, p->nat_dst_to, p->pkt.has_ports, p->pkt.dport, p->nat_dport_to);
	json_end(j);
}

static void json_verdict(const struct trace_packet *p, struct json *j)
{
	const struct trace_step *s;

	if (p->verdict_step < 0 || (size_t)p->verdict_step >= p->nsteps) {
		json_null(j, "verdict");
		return;
	}
	s = &p->steps[p->verdict_step];
	json_object(j, "verdict");
	json_str(j, "verdict", trace_verdict_name(p->verdict));
	json_str(j, "hook", step_hook(s));
	json_str(j, "table", s->table);
	json_str(j, "chain", s->chain);
	json_u64_or_null(j, "handle", s->handle, s->handle);
	json_bool(j, "policy", s->type == TRACE_STEP_POLICY);
	json_str(j, "rule", nonempty(s->rule));
	json_str(j, "backend", s->legacy ? "legacy" : "nf_tables");
	json_end(j);
}

void trace_path_json(const struct trace_packet *p, struct strbuf *sb)
{
	struct json j;
	size_t i;

	json_init(&j, sb);
	json_object(&j, NULL);
	json_u64(&j, "id", p->id);
	json_fixed(&j, "time", p->wall, 6);
	json_object(&j, "packet");
	if (p->pkt.valid)
		json_hdr(&p->pkt, &j);
	json_str(&j, "iif", nonempty(p->iif));
	json_str(&j, "oif", nonempty(p->oif));
	json_str(&j, "oif_before", nonempty(p->oif_before));
	json_u64_or_null(&j, "mark", p->has_mark, p->mark);
	json_end(&j);
	json_str(&j, "direction", p->ct.valid && p->ct.has_id ? (p->ct.dir ? "reply" : "original") : NULL);
	json_ct(p, &j);
	json_str(&j, "route", trace_route_name(p->route));
	json_bool(&j, "loop", p->looped);
	json_u64(&j, "rate_skipped", p->skipped);
	json_nat(p, &j);
	json_verdict(p, &j);
	json_u64_or_null(&j, "reply_of", p->reply_of, p->reply_of);
	json_u64_or_null(&j, "reply", p->reply, p->reply);
	json_str(&j, "note", nonempty(p->note));
	json_array(&j, "steps");
	for (i = 0; i < p->nsteps; i++)
		json_step(&p->steps[i], &j);
	json_end(&j);
	json_end(&j);
}
