/*
 * unit-trace-legacy.c - legacy tracing without root: the "TRACE:" prefix
 * parser (good and bad lines), the NFULNL message parser and the rule
 * number -> rule mapping on real recorded messages, and a recorded run
 * replayed into packet paths where legacy and nf_tables hops interleave.
 *
 * Fixtures (tests/fixtures/make-trace-legacy-fixture.sh records them, as
 * root, in a lab of its own): trace-legacy.nlmsg, every message the trace
 * socket read with --trace-legacy (NFT_MSG_TRACE and NFULNL_MSG_PACKET, in
 * arrival order), and trace-legacy-ruleset.rec, the ruleset then
 * (Docker's iptables-nft rules, plus iptables-legacy raw, mangle, filter
 * with a user chain LEG-FWD, nat). Packets: c1 -> internet and its reply,
 * c1 -> 198.51.100.7 (dropped in LEG-FWD), c1 -> host and reply, host ->
 * internet and reply.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netfilter/nf_tables.h>

#include "feed.h"
#include "iptop.h"
#include "record.h"
#include "snapshot.h"
#include "trace.h"
#include "trace-int.h"
#include "unit.h"

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s && *s ? s : ".";
}

/* ---- the prefix ----------------------------------------------------------- */

struct pfx {
	int rc;
	char table[32], chain[32];
	enum trace_step_type type;
	unsigned int num;
};

static struct pfx pfx(const char *s)
{
	struct pfx p;

	memset(&p, 0, sizeof(p));
	p.rc = trace_nflog_prefix(s, p.table, sizeof(p.table), p.chain, sizeof(p.chain), &p.type, &p.num);
	return p;
}

static void test_prefix(void)
{
	struct pfx p;
	char small[4];
	enum trace_step_type t;
	unsigned int n;

	p = pfx("TRACE: raw:PREROUTING:rule:1 ");
	CHECK_INT(p.rc, 0);
	CHECK_STR(p.table, "raw");
	CHECK_STR(p.chain, "PREROUTING");
	CHECK_INT(p.type, TRACE_STEP_RULE);
	CHECK_INT(p.num, 1);
	p = pfx("TRACE: filter:LEG-FWD:return:3 ");
	CHECK(p.rc == 0 && p.type == TRACE_STEP_RETURN && p.num == 3);
	CHECK_STR(p.chain, "LEG-FWD");
	p = pfx("TRACE: filter:INPUT:policy:12");      /* no trailing blank */
	CHECK(p.rc == 0 && p.type == TRACE_STEP_POLICY && p.num == 12);
	/* A chain name with ':' in it (iptables allows it). */
	p = pfx("TRACE: filter:a:b:rule:7 ");
	CHECK_INT(p.rc, 0);
	CHECK_STR(p.chain, "a:b");
	CHECK_INT(p.num, 7);

	/* Not trace lines: other nf_log users, broken lines. */
	CHECK_INT(pfx("nf_ct_proto_6: invalid tcp flag combination ").rc, -1);
	CHECK_INT(pfx("").rc, -1);
	CHECK_INT(pfx("TRACE: ").rc, -1);
	CHECK_INT(pfx("TRACE: raw").rc, -1);
	CHECK_INT(pfx("TRACE: raw:PREROUTING").rc, -1);
	CHECK_INT(pfx("TRACE: raw:PREROUTING:rule").rc, -1);
	CHECK_INT(pfx("TRACE: raw:PREROUTING:rule:").rc, -1);
	CHECK_INT(pfx("TRACE: raw:PREROUTING:jump:1 ").rc, -1);
	CHECK_INT(pfx("TRACE: raw:PREROUTING:rule:1x ").rc, -1);
	CHECK_INT(pfx("TRACE: raw:PREROUTING:rule:-1 ").rc, -1);
	CHECK_INT(pfx("TRACE: :PREROUTING:rule:1 ").rc, -1);
	CHECK_INT(pfx("TRACE: raw::rule:1 ").rc, -1);
	CHECK_INT(pfx("TRACE: raw:PREROUTING:rule:99999999999999999999 ").rc, -1);
	CHECK_INT(pfx("trace: raw:PREROUTING:rule:1 ").rc, -1);
	CHECK_INT(trace_nflog_prefix(NULL, small, sizeof(small), small, sizeof(small), &t, &n), -1);
	/* Names longer than the buffers are cut, never overrun. */
	CHECK_INT(trace_nflog_prefix("TRACE: security:INPUT:rule:1 ", small, sizeof(small), small, sizeof(small),
				     &t, &n), 0);
	CHECK_STR(small, "INP");
}

/* ---- the recording --------------------------------------------------------- */

#define MAXMSG 512

struct fixture {
	size_t n;
	uint8_t *msg[MAXMSG];
	uint64_t t_ns[MAXMSG];
	size_t nflog, nft;
};

static void fixture_load(struct fixture *fx)
{
	char *path = xasprintf("%s/tests/fixtures/trace-legacy.nlmsg", srcdir());
	struct record_reader *rd;
	struct record_frame fr;
	char *cause = NULL;

	memset(fx, 0, sizeof(*fx));
	rd = record_reader_open(path, &cause);
	CHECK(rd != NULL);
	if (!rd) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		free(path);
		return;
	}
	while (record_reader_next(rd, &fr, &cause) == 1 && fx->n < MAXMSG) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)fr.data;

		if (fr.type != REC_TRACE || fr.len < sizeof(*nlh) || nlh->nlmsg_len > fr.len)
			continue;
		fx->msg[fx->n] = xmalloc(nlh->nlmsg_len);
		memcpy(fx->msg[fx->n], fr.data, nlh->nlmsg_len);
		fx->t_ns[fx->n] = fr.t_ns;
		if (nlh->nlmsg_type == ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
			fx->nflog++;
		else
			fx->nft++;
		fx->n++;
	}
	record_reader_close(rd);
	free(path);
}

static void fixture_free(struct fixture *fx)
{
	size_t i;

	for (i = 0; i < fx->n; i++)
		free(fx->msg[i]);
}

static struct snap_ruleset *fixture_ruleset(void)
{
	char *path = xasprintf("%s/tests/fixtures/trace-legacy-ruleset.rec", srcdir());
	char *cause = NULL;
	struct feed *f = feed_replay_open(path, &cause);
	struct snap_ruleset *rs;

	free(path);
	CHECK(f != NULL);
	if (!f) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return NULL;
	}
	rs = f->ops->snapshot(f, NULL, NULL, NULL);
	feed_close(f);
	return rs;
}

static bool has_hop(const struct fixture *fx, const char *table, const char *chain, enum trace_step_type type,
		    unsigned int num, int hook)
{
	struct trace_nflog_event ev;
	size_t i;

	for (i = 0; i < fx->n; i++)
		if (trace_nflog_parse((const struct nlmsghdr *)fx->msg[i], &ev) == 1 && strcmp(ev.table, table) == 0 &&
		    strcmp(ev.chain, chain) == 0 && ev.type == type && ev.rulenum == num && ev.hook == hook)
			return true;
	return false;
}

static const struct nlmsghdr *find_hop(const struct fixture *fx, const char *table, const char *chain,
				       enum trace_step_type type, unsigned int num)
{
	struct trace_nflog_event ev;
	size_t i;

	for (i = 0; i < fx->n; i++)
		if (trace_nflog_parse((const struct nlmsghdr *)fx->msg[i], &ev) == 1 && strcmp(ev.table, table) == 0 &&
		    strcmp(ev.chain, chain) == 0 && ev.type == type && ev.rulenum == num)
			return (const struct nlmsghdr *)fx->msg[i];
	return NULL;
}

/* What the kernel sent, as recorded: the kernel facts this rests on. */
static void test_messages(const struct fixture *fx)
{
	struct trace_nflog_event ev;
	struct trace_hdr h;
	size_t i, hops = 0;
	const struct nlmsghdr *nlh;

	CHECK(fx->nflog >= 40);
	CHECK(fx->nft >= 20);
	for (i = 0; i < fx->n; i++) {
		const struct nlmsghdr *m = (const struct nlmsghdr *)fx->msg[i];
		int r = trace_nflog_parse(m, &ev);

		if (m->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET)) {
			CHECK_INT(r, 0); /* not ours to parse */
			continue;
		}
		CHECK_INT(r, 1);
		hops++;
		CHECK(ev.family == NFPROTO_IPV4);
		CHECK(ev.hook >= NF_INET_PRE_ROUTING && ev.hook <= NF_INET_POST_ROUTING);
		CHECK(ev.has_seq);
		trace_event_hdr_from_packet(ev.payload, ev.plen, &h);
		CHECK(h.valid && h.proto == IPPROTO_ICMP && h.has_icmp && h.has_ipid && h.has_seq);
	}
	CHECK_INT(hops, fx->nflog);

	/* A rule with matches, the built-in chain's tail ("policy", number
	 * nrules + 1), a user chain's tail ("return"), and an unconditional
	 * `-A INPUT -j ACCEPT` that the kernel calls "policy" with its own
	 * number (ip_tables.c get_chainname_rulenum). */
	CHECK(has_hop(fx, "raw", "PREROUTING", TRACE_STEP_RULE, 1, NF_INET_PRE_ROUTING));
	CHECK(has_hop(fx, "raw", "PREROUTING", TRACE_STEP_POLICY, 2, NF_INET_PRE_ROUTING));
	CHECK(has_hop(fx, "filter", "LEG-FWD", TRACE_STEP_RETURN, 3, NF_INET_FORWARD));
	CHECK(has_hop(fx, "filter", "LEG-FWD", TRACE_STEP_RULE, 2, NF_INET_FORWARD));
	CHECK(has_hop(fx, "filter", "LEG-FWD", TRACE_STEP_RULE, 1, NF_INET_FORWARD));
	CHECK(has_hop(fx, "filter", "INPUT", TRACE_STEP_POLICY, 1, NF_INET_LOCAL_IN));
	CHECK(has_hop(fx, "nat", "POSTROUTING", TRACE_STEP_RULE, 1, NF_INET_POST_ROUTING));
	CHECK(has_hop(fx, "mangle", "FORWARD", TRACE_STEP_RULE, 1, NF_INET_FORWARD));

	/* The headers: the echo request to the internet, before NAT. */
	nlh = find_hop(fx, "filter", "LEG-FWD", TRACE_STEP_RULE, 2);
	CHECK(nlh != NULL);
	if (nlh && trace_nflog_parse(nlh, &ev) == 1) {
		trace_event_hdr_from_packet(ev.payload, ev.plen, &h);
		CHECK_STR(h.src, "172.20.0.2");
		CHECK_STR(h.dst, "203.0.113.1");
		CHECK_INT(h.icmp_type, 8);
		CHECK(ev.has_iif && ev.has_oif && ev.iif != ev.oif);
		CHECK(ev.has_mark && ev.mark == 0x42); /* the legacy mangle MARK ran before */
	}
}

/* Rule numbers -> rules of the recorded ruleset, and their verdicts. */
static void test_steps(const struct fixture *fx, const struct snap_ruleset *rs)
{
	static const struct {
		const char *table, *chain;
		enum trace_step_type type;
		unsigned int num;
		enum trace_step_type want_type;
		const char *rule;
		const char *verdict;
		const char *target;
	} want[] = {
		{ "raw", "PREROUTING", TRACE_STEP_RULE, 1, TRACE_STEP_RULE, "-A PREROUTING -p icmp", "continue", NULL },
		{ "raw", "PREROUTING", TRACE_STEP_POLICY, 2, TRACE_STEP_POLICY, NULL, "accept", NULL },
		{ "mangle", "FORWARD", TRACE_STEP_RULE, 1, TRACE_STEP_RULE,
		  "-A FORWARD -p icmp -j MARK --set-xmark 0x42/0xffffffff", "continue", NULL },
		{ "filter", "FORWARD", TRACE_STEP_RULE, 1, TRACE_STEP_RULE, "-A FORWARD -j LEG-FWD", "jump", "LEG-FWD" },
		{ "filter", "LEG-FWD", TRACE_STEP_RULE, 1, TRACE_STEP_RULE,
		  "-A LEG-FWD -d 198.51.100.7/32 -p icmp -j DROP", "drop", NULL },
		{ "filter", "LEG-FWD", TRACE_STEP_RULE, 2, TRACE_STEP_RULE,
		  "-A LEG-FWD -s 172.20.0.2/32 -p icmp -j RETURN", "return", NULL },
		{ "filter", "LEG-FWD", TRACE_STEP_RETURN, 3, TRACE_STEP_RETURN, NULL, "return", NULL },
		{ "filter", "INPUT", TRACE_STEP_POLICY, 1, TRACE_STEP_RULE, "-A INPUT -j ACCEPT", "accept", NULL },
		{ "nat", "POSTROUTING", TRACE_STEP_RULE, 1, TRACE_STEP_RULE,
		  "-A POSTROUTING -o ens160 -p icmp -j ACCEPT", "accept", NULL },
	};
	struct trace_nflog_event ev;
	struct trace_step s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct nlmsghdr *nlh = find_hop(fx, want[i].table, want[i].chain, want[i].type, want[i].num);

		CHECK(nlh != NULL);
		if (!nlh || trace_nflog_parse(nlh, &ev) != 1)
			continue;
		trace_nflog_step(rs, &ev, &s);
		CHECK(s.legacy);
		CHECK_INT(s.type, want[i].want_type);
		CHECK_INT(s.rulenum, want[i].num);
		if (want[i].rule) {
			CHECK_STR(s.rule, want[i].rule);
			CHECK((s.handle & (1ULL << 63)) != 0); /* the synthesized handle */
		} else {
			CHECK(s.rule == NULL && s.handle == 0);
		}
		CHECK_STR(trace_verdict_name(s.type == TRACE_STEP_POLICY ? s.policy : s.verdict), want[i].verdict);
		if (want[i].target)
			CHECK_STR(s.target, want[i].target);
		free(s.table);
		free(s.chain);
		free(s.rule);
		free(s.target);
	}

	/* Without a snapshot: names and numbers, the verdict of a rule unknown. */
	if (trace_nflog_parse(find_hop(fx, "filter", "LEG-FWD", TRACE_STEP_RULE, 1), &ev) == 1) {
		trace_nflog_step(NULL, &ev, &s);
		CHECK_STR(s.table, "filter");
		CHECK_STR(s.chain, "LEG-FWD");
		CHECK_INT(s.rulenum, 1);
		CHECK(s.rule == NULL);
		CHECK_INT(s.verdict, TRACE_VERDICT_UNKNOWN);
		CHECK_STR(trace_verdict_name(s.verdict), "unknown");
		free(s.table);
		free(s.chain);
	}
}

/* ---- replay into packet paths ------------------------------------------------- */

static const char *fixture_ifname(uint32_t idx, char *buf, void *arg)
{
	(void)arg;
	snprintf(buf, TRACE_IFNAMSIZ + 8, "if#%u", idx);
	return buf;
}

/* Feed the fixture (skip: leave NFULNL out), flush, return the state. */
static struct trace_state *replay(const struct fixture *fx, const struct snap_ruleset *rs, bool skip_nflog,
				  size_t drop_index)
{
	struct trace_state *st = trace_state_new();
	size_t i;

	trace_state_set_ifname(st, fixture_ifname, NULL);
	for (i = 0; i < fx->n; i++) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)fx->msg[i];

		if (i == drop_index)
			continue;
		if (skip_nflog && nlh->nlmsg_type == ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
			continue;
		trace_state_set_clock(st, fx->t_ns[i] + 1);
		trace_feed_msg(st, nlh, rs);
	}
	trace_complete_flush(st);
	return st;
}

static const struct trace_packet *packet_to(const struct trace_state *st, const char *src, const char *dst,
					    uint8_t icmp_type)
{
	size_t i;

	for (i = 0; i < trace_state_count(st); i++) {
		const struct trace_packet *p = trace_state_packet(st, i);

		if (p->pkt.valid && strcmp(p->pkt.src, src) == 0 && strcmp(p->pkt.dst, dst) == 0 &&
		    p->pkt.icmp_type == icmp_type)
			return p;
	}
	return NULL;
}

/* "raw:PREROUTING L|nat:PREROUTING|..." */
static char *path_of(const struct trace_packet *p)
{
	struct strbuf sb;
	size_t i;

	strbuf_init(&sb);
	for (i = 0; p && i < p->nsteps; i++)
		strbuf_addf(&sb, "%s%s:%s%s", i ? "|" : "", p->steps[i].table, p->steps[i].chain,
			    p->steps[i].legacy ? " L" : "");
	return strbuf_steal(&sb);
}

static void test_replay(const struct fixture *fx, const struct snap_ruleset *rs)
{
	struct trace_state *st = replay(fx, rs, false, (size_t)-1);
	const struct trace_packet *p;
	struct strbuf sb;
	char *path;
	size_t i;

	/* Seven packets, each with its headers: no hop made a packet of its own. */
	CHECK_INT(trace_state_count(st), 7);
	for (i = 0; i < trace_state_count(st); i++)
		CHECK(trace_state_packet(st, i)->pkt.valid);
	CHECK_INT(trace_state_bad(st), 0);
	CHECK_INT(trace_state_legacy_lost(st), 0);

	/* c1 -> internet: legacy and nf_tables chains in the order the kernel
	 * ran them (at equal priority the later registered, legacy, first). */
	p = packet_to(st, "172.20.0.2", "203.0.113.1", 8);
	CHECK(p != NULL);
	path = path_of(p);
	CHECK_STR(path, "raw:PREROUTING L|raw:PREROUTING L|mangle:PREROUTING L|nat:PREROUTING L|nat:PREROUTING|"
			"mangle:FORWARD L|mangle:FORWARD L|filter:FORWARD L|filter:LEG-FWD L|filter:FORWARD L|"
			"filter:FORWARD|filter:DOCKER-USER|filter:FORWARD|filter:DOCKER-ISOLATION-STAGE-1|"
			"filter:DOCKER-ISOLATION-STAGE-2|filter:DOCKER-ISOLATION-STAGE-1|filter:FORWARD|"
			"mangle:POSTROUTING L|nat:POSTROUTING L|nat:POSTROUTING");
	free(path);
	if (p) {
		CHECK_INT(p->route, TRACE_ROUTE_FORWARD);
		CHECK(p->verdict_step >= 0 && !p->steps[p->verdict_step].legacy);
		CHECK_STR(trace_verdict_name(p->verdict), "accept");
		CHECK(p->reply != 0);
		CHECK(p->has_mark && p->mark == 0x42);
		CHECK(p->note == NULL);
		strbuf_init(&sb);
		trace_path_text(p, &sb);
		CHECK(strstr(sb.s, "  forward      filter:LEG-FWD (legacy)        -A LEG-FWD -s 172.20.0.2/32 -p icmp "
				   "-j RETURN \xe2\x86\x92 return\n") != NULL);
		CHECK(strstr(sb.s, "  prerouting   raw:PREROUTING (legacy)        (policy) \xe2\x86\x92 accept\n") != NULL);
		strbuf_reset(&sb);
		trace_path_json(p, &sb);
		CHECK(strstr(sb.s, "\"table\":\"filter\",\"chain\":\"LEG-FWD\",\"handle\":") != NULL);
		CHECK(strstr(sb.s, "\"trace_id\":null,\"backend\":\"legacy\",\"rulenum\":2}") != NULL);
		CHECK(strstr(sb.s, "\"backend\":\"nf_tables\",\"rulenum\":null}") != NULL);
		CHECK(strstr(sb.s, "\"policy\":false,\"rule\":\"-A POSTROUTING -s 172.20.0.0/16 ! -o "
				   "br-5e1f0c3a9b2d -j MASQUERADE\",\"backend\":\"nf_tables\"}") != NULL);
		strbuf_free(&sb);
	}

	/* Its reply: the user chain's tail is a return. */
	p = packet_to(st, "203.0.113.1", "203.0.113.10", 0);
	CHECK(p != NULL);
	if (p) {
		size_t k;
		bool tail = false;

		CHECK(p->reply_of != 0);
		for (k = 0; k < p->nsteps; k++)
			if (p->steps[k].legacy && p->steps[k].type == TRACE_STEP_RETURN &&
			    strcmp(p->steps[k].chain, "LEG-FWD") == 0 && p->steps[k].rulenum == 3)
				tail = true;
		CHECK(tail);
	}

	/* c1 -> 198.51.100.7: dropped by the legacy rule, nothing after it. */
	p = packet_to(st, "172.20.0.2", "198.51.100.7", 8);
	CHECK(p != NULL);
	if (p) {
		const struct trace_step *s = &p->steps[p->nsteps - 1];

		CHECK_STR(trace_verdict_name(p->verdict), "drop");
		CHECK_INT(p->verdict_step, (int)p->nsteps - 1);
		CHECK(s->legacy && s->rulenum == 1);
		CHECK_STR(s->chain, "LEG-FWD");
		strbuf_init(&sb);
		trace_path_text(p, &sb);
		CHECK(strstr(sb.s, "  verdict      DROP at filter:LEG-FWD (legacy) rule 1\n") != NULL);
		strbuf_free(&sb);
	}

	/* c1 -> host: the unconditional legacy INPUT rule, then nf_tables
	 * filter INPUT's policy. */
	p = packet_to(st, "172.20.0.2", "172.20.0.1", 8);
	CHECK(p != NULL);
	path = path_of(p);
	CHECK(strstr(path, "mangle:INPUT L|filter:INPUT L|filter:INPUT|nat:INPUT L|nat:INPUT") != NULL);
	free(path);
	if (p)
		CHECK_INT(p->route, TRACE_ROUTE_INPUT);

	/* The host pings out: legacy OUTPUT chains; route output. */
	p = packet_to(st, "203.0.113.10", "203.0.113.1", 8);
	CHECK(p != NULL);
	path = path_of(p);
	CHECK_STR(path, "raw:OUTPUT L|mangle:OUTPUT L|nat:OUTPUT L|nat:OUTPUT|filter:OUTPUT L|filter:OUTPUT|"
			"mangle:POSTROUTING L|nat:POSTROUTING L|nat:POSTROUTING");
	free(path);
	if (p)
		CHECK_INT(p->route, TRACE_ROUTE_OUTPUT);
	trace_state_free(st);

	/* Without the legacy messages (no --trace-legacy): the note names the
	 * hooks whose legacy rules were not traced. */
	{
		struct trace_state *u = trace_state_new();

		trace_state_set_ifname(u, fixture_ifname, NULL);
		trace_state_set_legacy_untraced(u, true);
		for (i = 0; i < fx->n; i++) {
			const struct nlmsghdr *nlh = (const struct nlmsghdr *)fx->msg[i];

			if (nlh->nlmsg_type == ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
				continue;
			trace_state_set_clock(u, fx->t_ns[i] + 1);
			trace_feed_msg(u, nlh, rs);
		}
		trace_complete_flush(u);
		p = packet_to(u, "172.20.0.2", "203.0.113.1", 8);
		CHECK(p != NULL);
		if (p) {
			CHECK(p->note != NULL);
			CHECK_STR(p->note, "iptables-legacy rules at prerouting, forward, postrouting were not traced "
					   "(iptop --trace-legacy traces them)");
		}
		p = packet_to(u, "203.0.113.10", "203.0.113.1", 8);
		CHECK(p && p->note && strstr(p->note, "rules at output, postrouting were not traced"));
		trace_state_free(u);
	}

	/* A lost nfnetlink_log message shows as a gap in its sequence. */
	for (i = 0; i < fx->n; i++)
		if (((const struct nlmsghdr *)fx->msg[i])->nlmsg_type == ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
			break;
	st = replay(fx, rs, false, i + 2);
	CHECK_INT(trace_state_legacy_lost(st), 1);
	trace_state_free(st);

	/* No snapshot at all: still seven packets, legacy steps by number. */
	st = replay(fx, NULL, false, (size_t)-1);
	CHECK_INT(trace_state_count(st), 7);
	trace_state_free(st);
}

/* An nf_log message that is not a trace line (conntrack's invalid-packet
 * log, which the same binding redirects) is ignored; so is an NFULNL
 * config message. Built by hand. */
static void test_other_messages(void)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct trace_nflog_event ev;
	struct trace_state *st = trace_state_new();
	struct nfulnl_msg_packet_hdr ph = { .hw_protocol = htons(0x0800), .hook = 0 };
	static const char line[] = "nf_ct_proto_6: invalid tcp flag combination ";

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_IPV4;
	mnl_attr_put(nlh, NFULA_PACKET_HDR, sizeof(ph), &ph);
	mnl_attr_put(nlh, NFULA_PREFIX, sizeof(line), line);
	CHECK_INT(trace_nflog_parse(nlh, &ev), 0);
	CHECK_INT(trace_feed_msg(st, nlh, NULL), 0);
	CHECK_INT(trace_state_count(st) + trace_complete_flush(st), 0);

	/* A trace line of an unknown family: malformed. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_ARP;
	mnl_attr_put_strz(nlh, NFULA_PREFIX, "TRACE: filter:INPUT:rule:1 ");
	CHECK_INT(trace_nflog_parse(nlh, &ev), -1);
	CHECK_INT(trace_feed_msg(st, nlh, NULL), -1);
	CHECK_INT(trace_state_bad(st), 1);

	/* A trace line without packet or headers still becomes a step. */
	nfg->nfgen_family = NFPROTO_IPV4;
	CHECK_INT(trace_nflog_parse(nlh, &ev), 1);
	CHECK_INT(ev.hook, -1);
	trace_feed_msg(st, nlh, NULL);
	CHECK_INT(trace_complete_flush(st), 1);
	CHECK_INT(trace_state_packet(st, 0)->nsteps, 1);
	CHECK(trace_state_packet(st, 0)->steps[0].legacy);
	trace_state_free(st);

	/* A config message: not a packet. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	CHECK_INT(trace_nflog_parse(nlh, &ev), 0);
}

/* Every recorded legacy message cut at every length: no crash, no read
 * past the end (run under ASan in CI). */
static void test_truncated(const struct fixture *fx)
{
	struct trace_nflog_event ev;
	size_t i, len;
	int done = 0;

	for (i = 0; i < fx->n && done < 12; i++) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)fx->msg[i];

		if (nlh->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
			continue;
		done++;
		for (len = sizeof(*nlh); len <= nlh->nlmsg_len; len++) {
			uint8_t *copy = xmalloc(len);
			struct trace_hdr h;

			memcpy(copy, nlh, len);
			((struct nlmsghdr *)copy)->nlmsg_len = (uint32_t)len;
			if (trace_nflog_parse((struct nlmsghdr *)copy, &ev) == 1)
				trace_event_hdr_from_packet(ev.payload, ev.plen, &h);
			free(copy);
		}
	}
	CHECK(done > 0);
}

int main(void)
{
	struct fixture fx;
	struct snap_ruleset *rs;

	test_prefix();
	fixture_load(&fx);
	rs = fixture_ruleset();
	CHECK(rs && rs->status == SRC_OK && rs->legacy_status == SRC_OK);
	CHECK(rs && rs->both_backends);
	test_messages(&fx);
	if (rs) {
		test_steps(&fx, rs);
		test_replay(&fx, rs);
	}
	test_other_messages();
	test_truncated(&fx);
	if (rs)
		snapshot_ruleset_free(rs);
	fixture_free(&fx);
	return unit_status("unit-trace-legacy");
}
