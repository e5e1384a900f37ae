/*
 * collect-conntrack-text.c - conntrack flows as words: protocol and state
 * names as conntrack -L prints them, tuples, one-line flows for batch mode,
 * the "conntrack" JSON object, and a flow's routing decision. Pure (apart
 * from ct_flow_route(), which asks the kernel through route.h); no curses.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "conntrack.h"
#include "route.h"

const char *ct_nat_name(enum ct_nat nat)
{
	switch (nat) {
	case CT_NAT_SNAT: return "snat";
	case CT_NAT_DNAT: return "dnat";
	case CT_NAT_BOTH: return "both";
	default: return NULL;
	}
}

/* Same names as libnetfilter_conntrack's __proto2str(), which conntrack -L
 * prints. */
const char *ct_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_UDPLITE: return "udplite";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_GRE: return "gre";
	case IPPROTO_DCCP: return "dccp";
	default: return "unknown";
	}
}

/* Indexed by the kernel's TCP_CONNTRACK_*, SCTP_CONNTRACK_*,
 * DCCP_CONNTRACK_* values (uapi, stable). */
static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};
static const char *const sctp_states[] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT",
	"SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};
static const char *const dccp_states[] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING",
	"TIMEWAIT", "IGNORE", "INVALID",
};

const char *ct_state_name(const struct ct_flow *f)
{
	const char *const *names;
	size_t n;

	if (!f->has_state)
		return NULL;
	switch (f->proto) {
	case IPPROTO_TCP: names = tcp_states; n = ARRAY_SIZE(tcp_states); break;
	case IPPROTO_SCTP: names = sctp_states; n = ARRAY_SIZE(sctp_states); break;
	case IPPROTO_DCCP: names = dccp_states; n = ARRAY_SIZE(dccp_states); break;
	default: return NULL;
	}
	return f->state < n ? names[f->state] : names[0];
}

const char *ct_flag_name(const struct ct_flow *f)
{
	if (f->status & IPS_HW_OFFLOAD)
		return "[HW_OFFLOAD]";
	if (f->status & IPS_OFFLOAD)
		return "[OFFLOAD]";
	if (f->status & IPS_ASSURED)
		return "[ASSURED]";
	return "";
}

const char *ct_addr_text(uint8_t family, const void *addr, char *buf, size_t len)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static bool has_ports(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: case IPPROTO_UDP: case IPPROTO_UDPLITE:
	case IPPROTO_SCTP: case IPPROTO_DCCP:
		return true;
	default:
		return false;
	}
}

void ct_tuple_text(const struct ct_flow *f, const struct ct_tuple *t, struct strbuf *sb)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	strbuf_addf(sb, "src=%s dst=%s", ct_addr_text(f->family, &t->src, a, sizeof(a)),
		    ct_addr_text(f->family, &t->dst, b, sizeof(b)));
	if (is_icmp(f->proto))
		strbuf_addf(sb, " type=%u code=%u id=%u", t->icmp_type, t->icmp_code, t->icmp_id);
	else if (has_ports(f->proto))
		strbuf_addf(sb, " sport=%u dport=%u", t->sport, t->dport);
}

static void counters_text(const struct ct_flow *f, int dir, struct strbuf *sb)
{
	if (f->has_acct)
		strbuf_addf(sb, " packets=%llu bytes=%llu",
			    (unsigned long long)f->packets[dir], (unsigned long long)f->bytes[dir]);
}

/* conntrack -L order: proto, num, timeout, state, orig tuple, counters,
 * [UNREPLIED], reply tuple, counters, [ASSURED], mark, zone; then ours. */
void ct_flow_text(const struct ct_flow *f, struct strbuf *sb)
{
	const char *state = ct_state_name(f);
	const char *flag = ct_flag_name(f);
	const char *nat = ct_nat_name(f->nat);

	strbuf_addf(sb, "%-8s %u ", ct_proto_name(f->proto), f->proto);
	if (f->has_timeout)
		strbuf_addf(sb, "%u ", f->timeout);
	if (state)
		strbuf_addf(sb, "%s ", state);
	ct_tuple_text(f, &f->orig, sb);
	counters_text(f, CT_DIR_ORIG, sb);
	if (!(f->status & IPS_SEEN_REPLY))
		strbuf_add(sb, " [UNREPLIED]");
	strbuf_addc(sb, ' ');
	ct_tuple_text(f, &f->reply, sb);
	counters_text(f, CT_DIR_REPLY, sb);
	if (*flag)
		strbuf_addf(sb, " %s", flag);
	strbuf_addf(sb, " mark=%u", f->mark);
	if (f->zone)
		strbuf_addf(sb, " zone=%u", f->zone);
	strbuf_addf(sb, " nat=%s id=%u", nat ? nat : "none", f->id);
}

static void tuple_json(const struct ct_flow *f, const struct ct_tuple *t, struct strbuf *sb)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	strbuf_addf(sb, "{\"src\":\"%s\",\"dst\":\"%s\"",
		    ct_addr_text(f->family, &t->src, a, sizeof(a)),
		    ct_addr_text(f->family, &t->dst, b, sizeof(b)));
	if (is_icmp(f->proto))
		strbuf_addf(sb, ",\"type\":%u,\"code\":%u,\"id\":%u", t->icmp_type, t->icmp_code,
			    t->icmp_id);
	else if (has_ports(f->proto))
		strbuf_addf(sb, ",\"sport\":%u,\"dport\":%u", t->sport, t->dport);
	strbuf_addc(sb, '}');
}

static void flow_json(const struct ct_flow *f, struct strbuf *sb)
{
	const char *state = ct_state_name(f);
	const char *nat = ct_nat_name(f->nat);

	strbuf_addf(sb, "{\"id\":%u,\"family\":\"%s\",\"proto\":", f->id,
		    f->family == AF_INET6 ? "ipv6" : "ipv4");
	if (strcmp(ct_proto_name(f->proto), "unknown") == 0)
		strbuf_addf(sb, "%u", f->proto);
	else
		strbuf_addf(sb, "\"%s\"", ct_proto_name(f->proto));
	strbuf_add(sb, ",\"state\":");
	if (state)
		strbuf_addf(sb, "\"%s\"", state);
	else
		strbuf_add(sb, "null");
	strbuf_addf(sb, ",\"assured\":%s,\"seen_reply\":%s",
		    f->status & IPS_ASSURED ? "true" : "false",
		    f->status & IPS_SEEN_REPLY ? "true" : "false");
	strbuf_add(sb, ",\"orig\":");
	tuple_json(f, &f->orig, sb);
	strbuf_add(sb, ",\"reply\":");
	tuple_json(f, &f->reply, sb);
	strbuf_add(sb, ",\"nat\":");
	if (nat)
		strbuf_addf(sb, "\"%s\"", nat);
	else
		strbuf_add(sb, "null");
	strbuf_addf(sb, ",\"mark\":%u,\"zone\":%u,\"timeout\":", f->mark, f->zone);
	if (f->has_timeout)
		strbuf_addf(sb, "%u", f->timeout);
	else
		strbuf_add(sb, "null");
	if (f->has_acct)
		strbuf_addf(sb, ",\"packets\":{\"orig\":%llu,\"reply\":%llu}"
			    ",\"bytes\":{\"orig\":%llu,\"reply\":%llu}",
			    (unsigned long long)f->packets[0], (unsigned long long)f->packets[1],
			    (unsigned long long)f->bytes[0], (unsigned long long)f->bytes[1]);
	else
		strbuf_add(sb, ",\"packets\":null,\"bytes\":null");
	strbuf_addf(sb, ",\"new\":%s}", f->is_new ? "true" : "false");
}

void ct_table_json(const struct ct_table *t, struct strbuf *sb, size_t limit)
{
	const struct ct_flow **v;
	size_t n, i;

	strbuf_addf(sb, "\"conntrack\":{\"count\":%zu,\"kernel_count\":", t->count);
	if (t->has_kernel_count)
		strbuf_addf(sb, "%llu", (unsigned long long)t->kernel_count);
	else
		strbuf_add(sb, "null");
	strbuf_add(sb, ",\"max\":");
	if (t->max)
		strbuf_addf(sb, "%llu", (unsigned long long)t->max);
	else
		strbuf_add(sb, "null");
	strbuf_addf(sb, ",\"acct\":%s,\"status\":", t->acct ? "true" : "false");
	strbuf_add_json(sb, snapshot_status_name(t->status));
	strbuf_add(sb, ",\"error\":");
	if (t->error)
		strbuf_add_json(sb, t->error);
	else
		strbuf_add(sb, "null");
	strbuf_addf(sb, ",\"resyncs\":%llu,\"events_lost\":%llu,\"flows\":[",
		    (unsigned long long)t->resyncs, (unsigned long long)t->events_lost);
	v = ct_table_sorted(t, CT_SORT_RATE, false, &n);
	if (limit && n > limit)
		n = limit;
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addc(sb, ',');
		flow_json(v[i], sb);
		strbuf_spill(sb);   /* batch: 100k flows never sit in memory as text */
	}
	free(v);
	strbuf_add(sb, "]}");
}

void ct_table_text(const struct ct_table *t, struct strbuf *sb, size_t limit)
{
	const struct ct_flow **v;
	size_t n, i, shown;

	strbuf_addf(sb, "conntrack: %zu flows", t->count);
	if (t->max)
		strbuf_addf(sb, " (max %llu)", (unsigned long long)t->max);
	strbuf_addf(sb, ", accounting %s", t->acct ? "on" : "off");
	if (t->resyncs)
		strbuf_addf(sb, ", %llu resyncs (~%llu events lost)",
			    (unsigned long long)t->resyncs, (unsigned long long)t->events_lost);
	if (t->status != SRC_OK)
		strbuf_addf(sb, " [%s%s%s]", snapshot_status_name(t->status),
			    t->error ? ": " : "", t->error ? t->error : "");
	strbuf_addc(sb, '\n');
	v = ct_table_sorted(t, CT_SORT_RATE, false, &n);
	shown = limit && n > limit ? limit : n;
	for (i = 0; i < shown; i++) {
		ct_flow_text(v[i], sb);
		strbuf_addc(sb, '\n');
		strbuf_spill(sb);
	}
	if (shown < n)
		strbuf_addf(sb, "... %zu more\n", n - shown);
	free(v);
}

/* ---- routing decision ------------------------------------------------------ */

int ct_flow_route(struct nlroute *r, const struct ct_flow *f, struct route_result *res)
{
	struct route_query q = { .family = f->family };
	struct route_result back;
	size_t alen = f->family == AF_INET6 ? 16 : 4;
	bool local_src;

	memset(res, 0, sizeof(*res));
	if (f->family != AF_INET && f->family != AF_INET6) {
		res->error = EAFNOSUPPORT;
		errno = EAFNOSUPPORT;
		return -1;
	}
	/* Is the original source one of our addresses? Then the flow was
	 * started here and its first packet went through OUTPUT. */
	memcpy(q.dst, f->orig.src.b, alen);
	local_src = nlroute_get(r, &q, &back) == 0 && back.rtm_type == RTN_LOCAL;

	/* post-DNAT destination: where the kernel really sends it */
	memset(&q, 0, sizeof(q));
	q.family = f->family;
	memcpy(q.dst, f->reply.src.b, alen);
	q.has_mark = f->mark != 0;
	q.mark = f->mark;
	if (!local_src && back.error == 0 && back.oif > 0) {
		/* received: it came in where the route back to the source goes
		 * out (reverse path). Without an iif the source must stay unset:
		 * an output lookup from a foreign address is EINVAL. */
		q.has_src = true;
		memcpy(q.src, f->orig.src.b, alen);
		q.iif = back.oif;
	}
	if (nlroute_get(r, &q, res) < 0)
		return -1;
	if (!local_src && res->path == ROUTE_PATH_OUTPUT)
		res->path = ROUTE_PATH_FORWARD;   /* no iif known, but not from us */
	return 0;
}
