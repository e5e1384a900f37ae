/*
 * conntrack-text.c - conntrack flows as words: protocol and state names as
 * conntrack -L prints them, tuples, one-line flows for batch mode, the
 * "conntrack" JSON object (in the model's rate order), and a flow's routing
 * decision. Pure (apart from conntrack_text_route(), which asks the kernel
 * through route.h); no curses.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "conntrack-text.h"
#include "json.h"
#include "model-conntrack.h"
#include "route.h"

const char *conntrack_text_nat(enum ct_nat nat)
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
const char *conntrack_text_proto(uint8_t proto)
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

const char *conntrack_text_proto_word(uint8_t proto, char *buf, size_t len)
{
	const char *s = conntrack_text_proto(proto);

	if (strcmp(s, "unknown") != 0)
		return s;
	snprintf(buf, len, "%u", proto);
	return buf;
}

void conntrack_text_duration(uint32_t secs, char *buf, size_t len)
{
	static const struct { uint32_t secs; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	size_t i;

	/* The two biggest units, cut (not rounded): a countdown never shows
	 * more time than is left. */
	for (i = 0; i + 1 < ARRAY_SIZE(units) && secs < units[i].secs; i++)
		;
	if (i + 1 == ARRAY_SIZE(units) || secs % units[i].secs < units[i + 1].secs)
		snprintf(buf, len, "%u%c", secs / units[i].secs, units[i].unit);
	else
		snprintf(buf, len, "%u%c%u%c", secs / units[i].secs, units[i].unit,
			 secs % units[i].secs / units[i + 1].secs, units[i + 1].unit);
}

bool conntrack_text_has_labels(const struct ct_flow *f)
{
	return f->labels[0] || f->labels[1];
}

void conntrack_text_labels(const struct ct_flow *f, struct strbuf *sb)
{
	unsigned int i;
	bool first = true;

	for (i = 0; i < 128; i++) {
		if (!(f->labels[i / 64] >> (i % 64) & 1))
			continue;
		strbuf_addf(sb, "%s%u", first ? "" : ",", i);
		first = false;
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

const char *conntrack_text_state(const struct ct_flow *f)
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

const char *conntrack_text_flag(const struct ct_flow *f)
{
	if (f->status & IPS_HW_OFFLOAD)
		return "[HW_OFFLOAD]";
	if (f->status & IPS_OFFLOAD)
		return "[OFFLOAD]";
	if (f->status & IPS_ASSURED)
		return "[ASSURED]";
	return "";
}

const char *conntrack_text_addr(uint8_t family, const void *addr, char *buf, size_t len)
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

/* An address as inet_ntop() writes it; IPv4 by hand (glibc's inet_ntop
 * calls sprintf once per octet). At most INET6_ADDRSTRLEN - 1 bytes. */
static char *put_addr(char *p, uint8_t family, const union ct_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (family == AF_INET6)
		return put_str(p, conntrack_text_addr(family, a, buf, sizeof(buf)));
	return util_put_ipv4(p, a->b);
}

/* More than put_tuple() writes at most: two keys of 11 with their '=',
 * two addresses of 45, a space and " type=255 code=255 id=65535" (27). */
#define TUPLE_MAX 160

/* "SRC=a DST=b" and the protocol's words, as conntrack prints a tuple
 * (src/dst, mask-src/mask-dst, master-src/master-dst): written through a
 * pointer, as every flow of a 100k-flow listing comes through here twice. */
static char *put_tuple(char *p, uint8_t family, uint8_t proto, const struct ct_tuple *t, const char *src,
		       const char *dst)
{
	char hex[40];

	p = put_str(p, src);
	*p++ = '=';
	p = put_addr(p, family, &t->src);
	*p++ = ' ';
	p = put_str(p, dst);
	*p++ = '=';
	p = put_addr(p, family, &t->dst);
	if (is_icmp(proto)) {
		p = util_put_u64(PUT_LIT(p, " type="), t->icmp_type);
		p = util_put_u64(PUT_LIT(p, " code="), t->icmp_code);
		p = util_put_u64(PUT_LIT(p, " id="), t->icmp_id);
	} else if (has_ports(proto)) {
		p = util_put_u64(PUT_LIT(p, " sport="), t->sport);
		p = util_put_u64(PUT_LIT(p, " dport="), t->dport);
	} else if (proto == IPPROTO_GRE) {
		snprintf(hex, sizeof(hex), " srckey=0x%x dstkey=0x%x", t->sport, t->dport);
		p = put_str(p, hex);
	}
	return p;
}

static void tuple_words(uint8_t family, uint8_t proto, const struct ct_tuple *t, const char *src,
			const char *dst, struct strbuf *sb)
{
	strbuf_commit(sb, put_tuple(strbuf_room(sb, TUPLE_MAX), family, proto, t, src, dst));
}

void conntrack_text_tuple(const struct ct_flow *f, const struct ct_tuple *t, struct strbuf *sb)
{
	tuple_words(f->family, f->proto, t, "src", "dst", sb);
}

/* conntrack -L expect's order: timeout, proto, tuple, mask, master, zone,
 * flags, class, helper. */
void conntrack_text_expect(const struct ct_expect *e, struct strbuf *sb)
{
	static const struct { uint32_t bit; const char *name; } flags[] = {
		{ NF_CT_EXPECT_PERMANENT, "PERMANENT" },
		{ NF_CT_EXPECT_INACTIVE, "INACTIVE" },
		{ NF_CT_EXPECT_USERSPACE, "USERSPACE" },
	};
	const char *sep = " ";
	size_t i;

	if (e->has_timeout)
		strbuf_addf(sb, "%u ", e->timeout);
	strbuf_addf(sb, "proto=%u ", e->proto);
	tuple_words(e->family, e->proto, &e->tuple, "src", "dst", sb);
	strbuf_addc(sb, ' ');
	tuple_words(e->family, e->proto, &e->mask, "mask-src", "mask-dst", sb);
	strbuf_addc(sb, ' ');
	tuple_words(e->family, e->master_proto, &e->master, "master-src", "master-dst", sb);
	if (e->zone)
		strbuf_addf(sb, " zone=%u", e->zone);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		if (e->flags & flags[i].bit) {
			strbuf_addf(sb, "%s%s", sep, flags[i].name);
			sep = ",";
		}
	}
	if (e->has_class)
		strbuf_addf(sb, " class=%u", e->class);
	if (e->helper[0])
		strbuf_addf(sb, " helper=%s", e->helper);
}

static char *put_counters(char *p, const struct ct_flow *f, int dir)
{
	if (f->has_acct) {
		p = util_put_u64(PUT_LIT(p, " packets="), f->packets[dir]);
		p = util_put_u64(PUT_LIT(p, " bytes="), f->bytes[dir]);
	}
	return p;
}

/* More than the first part of a flow's line takes (about 560 bytes at
 * most): the protocol and its number, timeout, state, two tuples, zones,
 * counters, flags, mark and zone. */
#define FLOW_HEAD_MAX 1024

/* conntrack -L order: proto, num, timeout, state, orig tuple, zone-orig,
 * counters, [UNREPLIED], reply tuple, zone-reply, counters, [ASSURED],
 * mark, zone, helper; then ours: labels (bit numbers: conntrack prints
 * names, and only with a connlabel.conf), the master of a RELATED flow
 * (in conntrack -L expect's words), nat, id. Written through a pointer:
 * a 100k-flow listing is 20 MB of these. */
void conntrack_text_flow(const struct ct_flow *f, struct strbuf *sb)
{
	const char *state = conntrack_text_state(f);
	const char *flag = conntrack_text_flag(f);
	const char *nat = conntrack_text_nat(f->nat);
	const char *pname = conntrack_text_proto(f->proto);
	size_t plen = strlen(pname);
	char *p = strbuf_room(sb, FLOW_HEAD_MAX);

	p = put_mem(p, pname, plen);
	if (plen < 8)
		p = put_mem(p, "        ", 8 - plen);   /* "%-8s" */
	*p++ = ' ';
	p = util_put_u64(p, f->proto);
	*p++ = ' ';
	if (f->has_timeout) {
		p = util_put_u64(p, f->timeout);
		*p++ = ' ';
	}
	if (state) {
		p = put_str(p, state);
		*p++ = ' ';
	}
	p = put_tuple(p, f->family, f->proto, &f->orig, "src", "dst");
	if (f->has_zone_orig)
		p = util_put_u64(PUT_LIT(p, " zone-orig="), f->zone_orig);
	p = put_counters(p, f, CT_DIR_ORIG);
	if (!(f->status & IPS_SEEN_REPLY))
		p = PUT_LIT(p, " [UNREPLIED]");
	*p++ = ' ';
	p = put_tuple(p, f->family, f->proto, &f->reply, "src", "dst");
	if (f->has_zone_reply)
		p = util_put_u64(PUT_LIT(p, " zone-reply="), f->zone_reply);
	p = put_counters(p, f, CT_DIR_REPLY);
	if (*flag) {
		*p++ = ' ';
		p = put_str(p, flag);
	}
	p = util_put_u64(PUT_LIT(p, " mark="), f->mark);
	if (f->zone)
		p = util_put_u64(PUT_LIT(p, " zone="), f->zone);
	strbuf_commit(sb, p);
	if (f->helper[0])
		strbuf_addf(sb, " helper=%s", f->helper);
	if (conntrack_text_has_labels(f)) {
		strbuf_add(sb, " labels=");
		conntrack_text_labels(f, sb);
	}
	if (f->has_master) {
		strbuf_addc(sb, ' ');
		tuple_words(f->family, f->master_proto, &f->master, "master-src", "master-dst", sb);
	}
	p = PUT_LIT(strbuf_room(sb, 64), " nat=");
	p = put_str(p, nat ? nat : "none");
	strbuf_commit(sb, util_put_u64(PUT_LIT(p, " id="), f->id));
}

/* A tuple's members: src, dst, and sport/dport, type/code/id or
 * srckey/dstkey (no braces). */
static void tuple_fields_json(uint8_t family, uint8_t proto, const struct ct_tuple *t, struct json *j)
{
	char a[INET6_ADDRSTRLEN];

	*put_addr(a, family, &t->src) = '\0';
	json_str(j, "src", a);
	*put_addr(a, family, &t->dst) = '\0';
	json_str(j, "dst", a);
	if (is_icmp(proto)) {
		json_u64(j, "type", t->icmp_type);
		json_u64(j, "code", t->icmp_code);
		json_u64(j, "id", t->icmp_id);
	} else if (has_ports(proto)) {
		json_u64(j, "sport", t->sport);
		json_u64(j, "dport", t->dport);
	} else if (proto == IPPROTO_GRE) {
		json_u64(j, "srckey", t->sport);
		json_u64(j, "dstkey", t->dport);
	}
}

static void tuple_json(uint8_t family, uint8_t proto, const struct ct_tuple *t, const char *key, struct json *j)
{
	json_object(j, key);
	tuple_fields_json(family, proto, t, j);
	json_end(j);
}

/* A master connection: {proto, its original tuple, id in the mirror or null}. */
static void master_json(uint8_t family, uint8_t proto, const struct ct_tuple *t, const struct ct_flow *m,
			struct json *j)
{
	char p[8];

	json_object(j, "master");
	json_str(j, "proto", conntrack_text_proto_word(proto, p, sizeof(p)));
	tuple_fields_json(family, proto, t, j);
	json_u64_or_null(j, "id", m != NULL, m ? m->id : 0);
	json_end(j);
}

/* id, family, proto: the head of a flow and of an expectation. The
 * protocol is always a string: the name, or the number for one conntrack
 * has no name for ("99"; conntrack -L prints "unknown 99"). */
static void head_json(uint32_t id, uint8_t family, uint8_t proto, struct json *j)
{
	char p[8];

	json_object(j, NULL);
	json_u64(j, "id", id);
	json_str(j, "family", family == AF_INET6 ? "ipv6" : "ipv4");
	json_str(j, "proto", conntrack_text_proto_word(proto, p, sizeof(p)));
}

/* helper, labels, master: what helpers and ct label rules add. */
static void extras_json(const struct ct_table *t, const struct ct_flow *f, struct json *j)
{
	unsigned int i;

	json_str(j, "helper", f->helper[0] ? f->helper : NULL);
	json_array(j, "labels");
	for (i = 0; i < 128; i++)
		if (f->labels[i / 64] >> (i % 64) & 1)
			json_u64(j, NULL, i);
	json_end(j);
	if (f->has_master)
		master_json(f->family, f->master_proto, &f->master, model_ct_master(t, f), j);
	else
		json_null(j, "master");
}

static void expect_json(const struct ct_table *t, const struct ct_expect *e, struct json *j)
{
	head_json(e->id, e->family, e->proto, j);
	tuple_json(e->family, e->proto, &e->tuple, "expected", j);
	tuple_json(e->family, e->proto, &e->mask, "mask", j);
	master_json(e->family, e->master_proto, &e->master, model_ct_expect_master(t, e), j);
	json_u64_or_null(j, "timeout", e->has_timeout, e->timeout);
	json_u64(j, "zone", e->zone);
	json_u64_or_null(j, "class", e->has_class, e->class);
	json_str(j, "helper", e->helper[0] ? e->helper : NULL);
	json_bool(j, "permanent", e->flags & NF_CT_EXPECT_PERMANENT);
	json_bool(j, "inactive", e->flags & NF_CT_EXPECT_INACTIVE);
	json_bool(j, "userspace", e->flags & NF_CT_EXPECT_USERSPACE);
	json_end(j);
}

/* {"orig":N,"reply":N} or null without accounting. */
static void dirs_json(const char *key, bool have, const uint64_t v[2], struct json *j)
{
	if (!have) {
		json_null(j, key);
		return;
	}
	json_object(j, key);
	json_u64(j, "orig", v[0]);
	json_u64(j, "reply", v[1]);
	json_end(j);
}

static void flow_json(const struct ct_table *t, const struct ct_flow *f, struct json *j)
{
	head_json(f->id, f->family, f->proto, j);
	json_str(j, "state", conntrack_text_state(f));
	json_bool(j, "assured", f->status & IPS_ASSURED);
	json_bool(j, "seen_reply", f->status & IPS_SEEN_REPLY);
	tuple_json(f->family, f->proto, &f->orig, "orig", j);
	tuple_json(f->family, f->proto, &f->reply, "reply", j);
	json_str(j, "nat", conntrack_text_nat(f->nat));
	json_u64(j, "mark", f->mark);
	json_u64(j, "zone", f->zone);
	json_u64_or_null(j, "zone_orig", f->has_zone_orig, f->zone_orig);
	json_u64_or_null(j, "zone_reply", f->has_zone_reply, f->zone_reply);
	extras_json(t, f, j);
	json_u64_or_null(j, "timeout", f->has_timeout, f->timeout);
	dirs_json("packets", f->has_acct, f->packets, j);
	dirs_json("bytes", f->has_acct, f->bytes, j);
	json_bool(j, "new", f->is_new);
	json_end(j);
}

/* The rate order visits the mirror at random, and a flow's line reads
 * all of it: its cache lines are asked for a few flows ahead (at 100k
 * flows, 8% of `iptop -b -n 1`'s CPU on this VM). */
#define PREFETCH_AHEAD 8

static void prefetch_flow(const struct ct_flow *f)
{
	const char *p = (const char *)f;
	size_t off;

	for (off = 0; off < sizeof(*f); off += 64)
		__builtin_prefetch(p + off);
}

void conntrack_text_json_write(const struct model_ct *m, const struct ct_table *t, struct json *j, size_t limit)
{
	const struct ct_flow **v;
	size_t n, i;

	json_object(j, "conntrack");
	json_u64(j, "count", t->count);
	json_u64_or_null(j, "kernel_count", t->has_kernel_count, t->kernel_count);
	json_u64_or_null(j, "max", t->max, t->max);
	json_bool(j, "acct", t->acct);
	json_str(j, "status", snapshot_status_name(t->status));
	json_str(j, "error", t->error);
	json_u64(j, "resyncs", t->resyncs);
	json_u64(j, "events_lost", t->events_lost);
	json_array(j, "flows");
	v = model_ct_by_rate(m, t, &n);
	if (limit && n > limit)
		n = limit;
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			prefetch_flow(v[i + PREFETCH_AHEAD]);
		flow_json(t, v[i], j);   /* each spills: 100k flows never sit in memory as text */
	}
	free(v);
	json_end(j);
	if (t->has_expects) {
		json_array(j, "expectations");
		for (i = 0; i < t->nexpects; i++)
			expect_json(t, &t->expects[i], j);
		json_end(j);
	} else {
		json_null(j, "expectations");
	}
	json_end(j);
}

void conntrack_text_json(const struct model_ct *m, const struct ct_table *t, struct strbuf *sb, size_t limit)
{
	struct json j;

	json_init(&j, sb);
	conntrack_text_json_write(m, t, &j, limit);
}

void conntrack_text_table(const struct model_ct *m, const struct ct_table *t, struct strbuf *sb, size_t limit)
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
	v = model_ct_by_rate(m, t, &n);
	shown = limit && n > limit ? limit : n;
	for (i = 0; i < shown; i++) {
		if (i + PREFETCH_AHEAD < shown)
			prefetch_flow(v[i + PREFETCH_AHEAD]);
		conntrack_text_flow(v[i], sb);
		strbuf_addc(sb, '\n');
		strbuf_spill(sb);
	}
	if (shown < n)
		strbuf_addf(sb, "... %zu more\n", n - shown);
	free(v);
	if (!t->has_expects)
		return;
	strbuf_addf(sb, "expectations: %zu\n", t->nexpects);
	for (i = 0; i < t->nexpects; i++) {
		const struct ct_flow *master = model_ct_expect_master(t, &t->expects[i]);

		strbuf_add(sb, "expect ");
		conntrack_text_expect(&t->expects[i], sb);
		if (master)
			strbuf_addf(sb, " master_id=%u", master->id);
		strbuf_addc(sb, '\n');
	}
}

/* ---- routing decision ------------------------------------------------------ */

int conntrack_text_route(struct nlroute *r, const struct ct_flow *f, struct route_result *res)
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
