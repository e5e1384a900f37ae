/*
 * unit-trace.c - packet tracing without root: the filter parser (good and
 * bad filters, never a crash), the trace message parser on hand-made and
 * broken messages, and a recorded lab run (tests/fixtures/trace-lab.nlmsg:
 * c1 pings the internet, c1 pings c2 (dropped), the internet fetches the
 * published port 8080 (DNAT), the host pings out) replayed against a
 * hand-made snapshot of the lab's ruleset.
 *
 * To record the fixture again (root): `tools/iptop-lab up --prefix P`,
 * add `iptables -t raw|mangle -A PREROUTING -p icmp` in P-host, run
 * `tests/trace-drv -N P-host -n 0 -t 6 -r 50 --record
 * tests/fixtures/trace-lab.nlmsg -4` and meanwhile: c1 `ping -c1
 * 203.0.113.1`, c1 `ping -c1 -W1 172.17.0.2`, net `curl
 * http://203.0.113.10:8080/`, host `ping -c1 203.0.113.1`.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "record.h"
#include "snapshot.h"
#include "trace.h"
#include "unit.h"

/* ---- filter ------------------------------------------------------------- */

static char *nft_of(const char *text)
{
	struct trace_filter f;
	struct strbuf sb;
	char *cause = NULL;

	if (trace_filter_parse(text, &f, &cause) < 0) {
		char *r = xasprintf("ERROR %s", cause);

		free(cause);
		return r;
	}
	strbuf_init(&sb);
	trace_filter_nft(&f, &sb);
	return strbuf_steal(&sb);
}

#define CHECK_NFT(text, want) do { \
	char *got_ = nft_of(text); \
	CHECK_STR(got_, want); \
	free(got_); \
} while (0)

static void test_filter_good(void)
{
	struct trace_filter f;
	char *cause = NULL;

	CHECK_INT(trace_filter_parse("", &f, &cause), 0);
	CHECK(!f.proto_set && !f.src.set && !f.nfproto);
	CHECK_INT(trace_filter_parse(NULL, &f, &cause), 0);

	CHECK_INT(trace_filter_parse("-p icmp", &f, &cause), 0);
	CHECK(f.proto_set && f.proto == IPPROTO_ICMP && !f.proto_inv);
	CHECK_NFT("-p icmp", "meta l4proto icmp");

	CHECK_INT(trace_filter_parse("-p tcp --dport 8080", &f, &cause), 0);
	CHECK(f.dport.set && f.dport.lo == 8080 && f.dport.hi == 8080);
	CHECK_NFT("-p tcp --dport 8080", "meta l4proto tcp tcp dport 8080");

	CHECK_INT(trace_filter_parse("-s 172.20.0.2", &f, &cause), 0);
	CHECK(f.src.set && f.src.plen == 32 && f.nfproto == NFPROTO_IPV4);
	CHECK_NFT("-s 172.20.0.2", "meta nfproto ipv4 ip saddr 172.20.0.2");

	CHECK_NFT("-d 203.0.113.0/24", "meta nfproto ipv4 ip daddr 203.0.113.0/24");
	CHECK_NFT("-d 203.0.113.77/24", "meta nfproto ipv4 ip daddr 203.0.113.0/24");
	CHECK_NFT("-s 10.1.2.3/255.0.0.0", "meta nfproto ipv4 ip saddr 10.0.0.0/8");
	CHECK_NFT("-s 0.0.0.0/0", "meta nfproto ipv4 ip saddr 0.0.0.0/0");
	CHECK_NFT("-6 -d 2001:db8::1/64", "meta nfproto ipv6 ip6 daddr 2001:db8::/64");
	CHECK_NFT("-p udp --sport 1000:2000", "meta l4proto udp udp sport 1000-2000");
	CHECK_NFT("-p tcp --dport :80", "meta l4proto tcp tcp dport 0-80");
	CHECK_NFT("-p tcp --dport 1024:", "meta l4proto tcp tcp dport 1024-65535");
	CHECK_NFT("-p tcp ! --dport 22", "meta l4proto tcp tcp dport != 22");
	CHECK_NFT("! -s 1.2.3.4", "meta nfproto ipv4 ip saddr != 1.2.3.4");
	CHECK_NFT("-s ! 1.2.3.4", "meta nfproto ipv4 ip saddr != 1.2.3.4");
	CHECK_NFT("! -p tcp", "meta l4proto != tcp");
	CHECK_NFT("-i br-5e1f0c3a9b2d", "iifname \"br-5e1f0c3a9b2d\"");
	CHECK_NFT("-i veth+", "iifname \"veth*\"");
	CHECK_NFT("! -o docker0", "oifname != \"docker0\"");
	CHECK_NFT("-4", "meta nfproto ipv4");
	CHECK_NFT("--ipv6", "meta nfproto ipv6");
	CHECK_NFT("-p icmp --icmp-type echo-request", "meta l4proto icmp icmp type echo-request");
	CHECK_NFT("-p icmp --icmp-type 3/1", "meta l4proto icmp icmp type destination-unreachable icmp code 1");
	CHECK_NFT("-6 -p icmpv6 --icmpv6-type echo-request", "meta nfproto ipv6 meta l4proto icmpv6 icmpv6 type echo-request");
	CHECK_NFT("-m tcp -p tcp --dport 22", "meta l4proto tcp tcp dport 22");
	CHECK_NFT("  -p   tcp\t--dport  443 ", "meta l4proto tcp tcp dport 443");
	CHECK_NFT("'-p' \"udp\"", "meta l4proto udp");
	CHECK_NFT("-p 47", "meta l4proto gre");
	CHECK_NFT("-p all", "");
	{
		struct strbuf many;
		int i;

		strbuf_init(&many);
		for (i = 0; i < 70; i++)
			strbuf_add(&many, "-4 ");
		CHECK_NFT(many.s, "ERROR trace filter: too many words (at most 64)");
		strbuf_free(&many);
	}
	CHECK_NFT("-p tcp -s 172.20.0.0/16 -d 203.0.113.1 --sport 1024:65535 --dport 80 -i br-5e1f0c3a9b2d -o ens160",
		  "meta nfproto ipv4 iifname \"br-5e1f0c3a9b2d\" oifname \"ens160\" meta l4proto tcp "
		  "ip saddr 172.20.0.0/16 ip daddr 203.0.113.1 tcp sport 1024-65535 tcp dport 80");

	CHECK_INT(trace_filter_parse("-i eth+", &f, &cause), 0);
	CHECK(f.iif.wildcard && strcmp(f.iif.name, "eth") == 0);
}

static void test_filter_bad(void)
{
	static const struct {
		const char *text;
		const char *cause;
	} bad[] = {
		{ "--foo", "trace filter: unknown option '--foo'" },
		{ "-p tcp --foo 1", "trace filter: unknown option '--foo'" },
		{ "-p", "trace filter: -p needs an argument" },
		{ "-s", "trace filter: -s needs an argument" },
		{ "-p -s 1.2.3.4", "trace filter: -p needs an argument" },
		{ "tcp", "trace filter: unexpected word 'tcp' (options start with -)" },
		{ "--dport 80", "trace filter: --dport needs -p tcp, udp, sctp or udplite before it" },
		{ "-p icmp --dport 80", "trace filter: --dport needs -p tcp, udp, sctp or udplite before it" },
		{ "! -p tcp --dport 80", "trace filter: --dport needs -p tcp, udp, sctp or udplite before it" },
		{ "-p tcp --dport 99999", "trace filter: --dport: bad port '99999' (PORT or FIRST:LAST)" },
		{ "-p tcp --dport 90:80", "trace filter: --dport: bad port '90:80' (PORT or FIRST:LAST)" },
		{ "-p bogus", NULL },
		{ "-s foo.example", "trace filter: -s: 'foo.example' is not an IP address (host names are not resolved)" },
		{ "-s 1.2.3.4/33", "trace filter: -s: bad address '1.2.3.4/33'" },
		{ "-s 1.2.3.4/255.0.255.0", "trace filter: -s: bad address '1.2.3.4/255.0.255.0'" },
		{ "-4 -d 2001:db8::1", NULL },
		{ "-s 1.2.3.4 -d ::1", NULL },
		{ "-p tcp -p udp", "trace filter: -p given twice" },
		{ "-i averyveryverylongname0", NULL },
		{ "-p icmp -6", "trace filter: -p icmp is IPv4; with IPv6 use -p icmpv6" },
		{ "-p icmpv6 -4", "trace filter: -p icmpv6 is IPv6; with IPv4 use -p icmp" },
		{ "! -4", "trace filter: -4 cannot be negated with '!'" },
		{ "! ! -s 1.2.3.4", "trace filter: '!' given twice" },
		{ "-s 1.2.3.4 !", "trace filter: '!' at the end, with nothing to negate" },
		{ "-m conntrack --ctstate NEW", NULL },
		{ "--icmp-type 8", "trace filter: --icmp-type needs -p icmp or -p icmpv6 before it" },
		{ "-p icmp --icmp-type bogus", NULL },
		{ "-p icmp ! --icmp-type 3/1", NULL },
		{ "-s '1.2.3.4", "trace filter: unterminated quote '" },
		{ "! -p all", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct trace_filter f;
		char *cause = NULL;
		int rc = trace_filter_parse(bad[i].text, &f, &cause);

		CHECK_INT(rc, -1);
		CHECK(cause != NULL);
		if (!cause) {
			fprintf(stderr, "  filter: %s\n", bad[i].text);
			continue;
		}
		CHECK(strncmp(cause, "trace filter: ", 14) == 0);
		if (bad[i].cause)
			CHECK_STR(cause, bad[i].cause);
		free(cause);
	}
}

/* Junk never crashes the parser and always yields 0 or an error. */
static void test_filter_junk(void)
{
	static const char alphabet[] = "-!ps dio4:6/.'\"+0123456789tcpudpicmp";
	unsigned int seed = 12345;
	int n;

	for (n = 0; n < 3000; n++) {
		char text[40];
		struct trace_filter f;
		char *cause = NULL;
		size_t len, i;
		int rc;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % (sizeof(text) - 1);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		text[len] = '\0';
		rc = trace_filter_parse(text, &f, &cause);
		CHECK(rc == 0 || (rc == -1 && cause && strncmp(cause, "trace filter: ", 14) == 0));
		free(cause);
	}
}

/* ---- hand-made messages --------------------------------------------------- */

struct msg {
	char buf[2048];
	struct nlmsghdr *nlh;
};

static void msg_start(struct msg *m, uint8_t family)
{
	struct nfgenmsg *nfg;

	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = mnl_nlmsg_put_header(m->buf);
	m->nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE;
	nfg = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
}

static void msg_basic(struct msg *m, uint8_t family, const char *table, const char *chain, uint32_t type,
		      uint32_t id)
{
	msg_start(m, family);
	mnl_attr_put_strz(m->nlh, NFTA_TRACE_TABLE, table);
	mnl_attr_put_strz(m->nlh, NFTA_TRACE_CHAIN, chain);
	mnl_attr_put_u32(m->nlh, NFTA_TRACE_TYPE, htonl(type));
	mnl_attr_put_u32(m->nlh, NFTA_TRACE_ID, htonl(id));
}

static void msg_verdict(struct msg *m, int32_t code, const char *chain)
{
	struct nlattr *nest = mnl_attr_nest_start(m->nlh, NFTA_TRACE_VERDICT);

	mnl_attr_put_u32(m->nlh, NFTA_VERDICT_CODE, htonl((uint32_t)code));
	if (chain)
		mnl_attr_put_strz(m->nlh, NFTA_VERDICT_CHAIN, chain);
	mnl_attr_nest_end(m->nlh, nest);
}

static void msg_ipv4(struct msg *m, const char *src, const char *dst, uint8_t proto)
{
	uint8_t nh[20] = { 0x45, 0, 0, 84, 0, 0, 0x40, 0, 64, proto };
	uint8_t th[8] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1 };

	inet_pton(AF_INET, src, nh + 12);
	inet_pton(AF_INET, dst, nh + 16);
	mnl_attr_put(m->nlh, NFTA_TRACE_NETWORK_HEADER, sizeof(nh), nh);
	mnl_attr_put(m->nlh, NFTA_TRACE_TRANSPORT_HEADER, sizeof(th), th);
	mnl_attr_put_u32(m->nlh, NFTA_TRACE_NFPROTO, htonl(NFPROTO_IPV4));
}

static void test_msg_parse(void)
{
	struct trace_state *st = trace_state_new();
	const struct trace_packet *p;
	struct msg m;

	trace_state_set_clock(st, 1000000000ull);

	/* Not a trace message: ignored. */
	msg_start(&m, NFPROTO_IPV4);
	m.nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 0);

	/* Missing the chain: malformed. */
	msg_start(&m, NFPROTO_IPV4);
	mnl_attr_put_strz(m.nlh, NFTA_TRACE_TABLE, "filter");
	mnl_attr_put_u32(m.nlh, NFTA_TRACE_TYPE, htonl(NFT_TRACETYPE_RULE));
	mnl_attr_put_u32(m.nlh, NFTA_TRACE_ID, htonl(1));
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), -1);

	/* A short type attribute: malformed. */
	msg_start(&m, NFPROTO_IPV4);
	mnl_attr_put_strz(m.nlh, NFTA_TRACE_TABLE, "filter");
	mnl_attr_put_strz(m.nlh, NFTA_TRACE_CHAIN, "INPUT");
	mnl_attr_put_u8(m.nlh, NFTA_TRACE_TYPE, 3);
	mnl_attr_put_u32(m.nlh, NFTA_TRACE_ID, htonl(1));
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), -1);

	/* Truncated header. */
	msg_start(&m, NFPROTO_IPV4);
	m.nlh->nlmsg_len = sizeof(struct nlmsghdr) + 1;
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), -1);

	/* The table attribute's length runs past the message. */
	msg_start(&m, NFPROTO_IPV4);
	{
		struct nlattr *a = (struct nlattr *)((char *)m.nlh + m.nlh->nlmsg_len);

		a->nla_type = NFTA_TRACE_TABLE;
		a->nla_len = 200;
		memcpy(a + 1, "filter", 7);
		m.nlh->nlmsg_len += 12;
	}
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), -1);
	CHECK_INT(trace_state_bad(st), 4);
	CHECK_INT(trace_state_timeout_ms(st, 0), -1);   /* nothing open */

	/* A verdict nest without a code (libnftnl would exit here): kept,
	 * verdict unknown -> continue. Unknown attribute 30 is skipped. */
	msg_basic(&m, NFPROTO_IPV4, "filter", "INPUT", NFT_TRACETYPE_RULE, 9);
	mnl_attr_put_u64(m.nlh, NFTA_TRACE_RULE_HANDLE, htobe64(3));
	{
		struct nlattr *nest = mnl_attr_nest_start(m.nlh, NFTA_TRACE_VERDICT);

		mnl_attr_nest_end(m.nlh, nest);
	}
	mnl_attr_put_u32(m.nlh, 30, 0xdeadbeef);
	msg_ipv4(&m, "192.0.2.1", "192.0.2.2", IPPROTO_ICMP);
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 0);

	/* Policy drop of the same packet ends it at once. */
	msg_basic(&m, NFPROTO_IPV4, "filter", "INPUT", NFT_TRACETYPE_POLICY, 9);
	mnl_attr_put_u32(m.nlh, NFTA_TRACE_POLICY, htonl(NF_DROP));
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 1);
	p = trace_state_packet(st, 0);
	CHECK(p != NULL);
	if (p) {
		CHECK_STR(p->pkt.src, "192.0.2.1");
		CHECK_STR(p->pkt.dst, "192.0.2.2");
		CHECK(p->pkt.has_icmp && p->pkt.icmp_type == 8 && p->pkt.icmp_id == 0x1234);
		CHECK_INT(p->nsteps, 2);
		CHECK_INT(p->verdict, NF_DROP);
		CHECK_INT(p->verdict_step, 1);
		CHECK_INT(p->route, TRACE_ROUTE_INPUT);
		CHECK(!p->ct.valid);   /* no conntrack attributes: fine */
	}

	/* An event from the tracer's own table is no step. */
	msg_basic(&m, NFPROTO_INET, "iptop_trace", "pre", NFT_TRACETYPE_RULE, 11);
	msg_verdict(&m, NFT_CONTINUE, NULL);
	msg_ipv4(&m, "198.51.100.1", "198.51.100.2", IPPROTO_ICMP);
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 0);
	msg_basic(&m, NFPROTO_IPV4, "filter", "FORWARD", NFT_TRACETYPE_RULE, 11);
	mnl_attr_put_u64(m.nlh, NFTA_TRACE_RULE_HANDLE, htobe64(5));
	msg_verdict(&m, NFT_JUMP, "DOCKER-USER");
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 0);
	/* Settles after 200 ms without events. */
	CHECK(trace_state_timeout_ms(st, 1000000000ull) > 0);
	CHECK_INT(trace_complete_expire(st, 1300000000ull), 1);
	p = trace_state_packet(st, 1);
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(p->nsteps, 1);
		CHECK_STR(p->steps[0].target, "DOCKER-USER");
		CHECK_INT(p->steps[0].verdict, NFT_JUMP);
		CHECK_INT(p->steps[0].handle, 5);
		CHECK_INT(p->steps[0].hook, NF_INET_FORWARD);
	}
	CHECK_INT(trace_state_timeout_ms(st, 0), -1);
	trace_state_free(st);
}

/* ---- the recorded lab run -------------------------------------------------- */

struct rdef {
	uint64_t handle;
	const char *text;
};

struct cdef {
	const char *table, *name;
	int hook;       /* -1: regular chain */
	int prio;
	const char *type;
	struct rdef rules[8];
};

#define BR "br-5e1f0c3a9b2d"

/* The lab's classic ruleset as the kernel numbered it (fresh namespace),
 * plus the icmp counting rules the live test adds to raw and mangle. */
static const struct cdef lab_chains[] = {
	{ "raw", "PREROUTING", NF_INET_PRE_ROUTING, -300, "filter", { { 2, "-A PREROUTING -p icmp" } } },
	{ "mangle", "PREROUTING", NF_INET_PRE_ROUTING, -150, "filter", { { 2, "-A PREROUTING -p icmp" } } },
	{ "nat", "PREROUTING", NF_INET_PRE_ROUTING, -100, "nat",
	  { { 6, "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER" } } },
	{ "nat", "INPUT", NF_INET_LOCAL_IN, 100, "nat", { { 0, NULL } } },
	{ "nat", "OUTPUT", NF_INET_LOCAL_OUT, -100, "nat",
	  { { 7, "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER" } } },
	{ "nat", "POSTROUTING", NF_INET_POST_ROUTING, 100, "nat",
	  { { 8, "-A POSTROUTING -s 172.20.0.0/16 ! -o " BR " -j MASQUERADE" },
	    { 9, "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE" },
	    { 10, "-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE" } } },
	{ "nat", "DOCKER", -1, 0, NULL,
	  { { 11, "-A DOCKER -i " BR " -j RETURN" }, { 12, "-A DOCKER -i docker0 -j RETURN" },
	    { 13, "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80" } } },
	{ "filter", "INPUT", NF_INET_LOCAL_IN, 0, "filter", { { 0, NULL } } },
	{ "filter", "FORWARD", NF_INET_FORWARD, 0, "filter",
	  { { 8, "-A FORWARD -j DOCKER-USER" }, { 9, "-A FORWARD -j DOCKER-ISOLATION-STAGE-1" },
	    { 10, "-A FORWARD -o " BR " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT" },
	    { 11, "-A FORWARD -o " BR " -j DOCKER" },
	    { 12, "-A FORWARD -i " BR " ! -o " BR " -j ACCEPT" },
	    { 14, "-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT" },
	    { 15, "-A FORWARD -o docker0 -j DOCKER" },
	    { 16, "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT" } } },
	{ "filter", "OUTPUT", NF_INET_LOCAL_OUT, 0, "filter", { { 0, NULL } } },
	{ "filter", "DOCKER", -1, 0, NULL,
	  { { 18, "-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT" } } },
	{ "filter", "DOCKER-ISOLATION-STAGE-1", -1, 0, NULL,
	  { { 19, "-A DOCKER-ISOLATION-STAGE-1 -i " BR " ! -o " BR " -j DOCKER-ISOLATION-STAGE-2" },
	    { 20, "-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2" },
	    { 21, "-A DOCKER-ISOLATION-STAGE-1 -j RETURN" } } },
	{ "filter", "DOCKER-ISOLATION-STAGE-2", -1, 0, NULL,
	  { { 22, "-A DOCKER-ISOLATION-STAGE-2 -o " BR " -j DROP" },
	    { 23, "-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP" },
	    { 24, "-A DOCKER-ISOLATION-STAGE-2 -j RETURN" } } },
	{ "filter", "DOCKER-USER", -1, 0, NULL, { { 25, "-A DOCKER-USER -j RETURN" } } },
};

static struct snap_ruleset *lab_snapshot(void)
{
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	static const char *const tables[] = { "raw", "mangle", "nat", "filter" };
	size_t i, j;

	rs->ntables = ARRAY_SIZE(tables);
	rs->tables = xcalloc(rs->ntables, sizeof(*rs->tables));
	for (i = 0; i < rs->ntables; i++) {
		rs->tables[i].family = NFPROTO_IPV4;
		rs->tables[i].name = xstrdup(tables[i]);
		rs->tables[i].iptables = true;
	}
	rs->nchains = ARRAY_SIZE(lab_chains);
	rs->chains = xcalloc(rs->nchains, sizeof(*rs->chains));
	for (i = 0; i < rs->nchains; i++) {
		const struct cdef *d = &lab_chains[i];
		struct snap_chain *ch = &rs->chains[i];

		ch->family = NFPROTO_IPV4;
		ch->table = xstrdup(d->table);
		ch->name = xstrdup(d->name);
		ch->base = d->hook >= 0;
		ch->hook = d->hook;
		ch->prio = d->prio;
		ch->type = d->type ? xstrdup(d->type) : NULL;
		ch->policy = ch->base ? NF_ACCEPT : -1;
		ch->instantiated = true;
		for (j = 0; j < ARRAY_SIZE(d->rules) && d->rules[j].text; j++)
			;
		ch->nrules = j;
		ch->rules = xcalloc(j ? j : 1, sizeof(*ch->rules));
		for (j = 0; j < ch->nrules; j++) {
			ch->rules[j].handle = d->rules[j].handle;
			ch->rules[j].text = xstrdup(d->rules[j].text);
		}
	}
	rs->status = SRC_OK;
	return rs;
}

static const char *fixture_ifname(uint32_t idx, char *buf, void *arg)
{
	snprintf(buf, TRACE_IFNAMSIZ + 8, "if%u", idx);
	return buf;
}

static struct trace_state *replay_fixture(const struct snap_ruleset *rs, size_t *nmsgs, size_t limit)
{
	const char *srcdir = getenv("top_srcdir");
	char *path = xasprintf("%s/tests/fixtures/trace-lab.nlmsg", srcdir ? srcdir : ".");
	struct trace_state *st = trace_state_new();
	struct record_reader *rd;
	struct record_frame fr;
	char *cause = NULL;
	int n;

	*nmsgs = 0;
	if (limit)
		trace_state_set_limit(st, limit);
	trace_state_set_ifname(st, fixture_ifname, NULL);
	rd = record_reader_open(path, &cause);
	CHECK(rd != NULL);
	if (!rd) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		free(path);
		return st;
	}
	while ((n = record_reader_next(rd, &fr, &cause)) == 1) {
		if (fr.type != REC_TRACE || fr.len < sizeof(struct nlmsghdr) ||
		    ((const struct nlmsghdr *)fr.data)->nlmsg_len > fr.len)
			continue;
		trace_state_set_clock(st, fr.t_ns + 1);
		CHECK(trace_feed_msg(st, (const struct nlmsghdr *)fr.data, rs) >= 0);
		(*nmsgs)++;
	}
	CHECK_INT(n, 0);
	trace_complete_flush(st);
	record_reader_close(rd);
	free(path);
	return st;
}

static const struct trace_packet *find_pkt(const struct trace_state *st, const char *src, const char *dst,
					   uint8_t proto, int icmp_type, int tcp_flags)
{
	size_t i;

	for (i = 0; i < trace_state_count(st); i++) {
		const struct trace_packet *p = trace_state_packet(st, i);

		if (!p->pkt.valid || strcmp(p->pkt.src, src) || strcmp(p->pkt.dst, dst) || p->pkt.proto != proto)
			continue;
		if (icmp_type >= 0 && (!p->pkt.has_icmp || p->pkt.icmp_type != icmp_type))
			continue;
		if (tcp_flags >= 0 && p->pkt.tcp_flags != tcp_flags)
			continue;
		return p;
	}
	return NULL;
}

/* Index of the step (table, chain, handle) at or after from, -1 if none. */
static int step_at(const struct trace_packet *p, int from, const char *table, const char *chain, uint64_t handle)
{
	size_t i;

	for (i = (size_t)from; i < p->nsteps; i++)
		if (strcmp(p->steps[i].table, table) == 0 && strcmp(p->steps[i].chain, chain) == 0 &&
		    p->steps[i].handle == handle)
			return (int)i;
	return -1;
}

static bool has_table_steps(const struct trace_packet *p, const char *table)
{
	size_t i;

	for (i = 0; i < p->nsteps; i++)
		if (strcmp(p->steps[i].table, table) == 0)
			return true;
	return false;
}

static void test_fixture(void)
{
	struct snap_ruleset *rs = lab_snapshot();
	const struct trace_packet *req, *rep, *drop, *syn, *synack, *hreq, *hrep;
	struct trace_state *st;
	struct strbuf sb;
	size_t nmsgs, n_with, i;
	int k;

	st = replay_fixture(rs, &nmsgs, 0);
	CHECK(nmsgs > 100);
	CHECK_INT(trace_state_bad(st), 0);
	n_with = trace_state_count(st);
	CHECK(n_with >= 15);

	/* c1 -> internet: the whole path of the first packet. */
	req = find_pkt(st, "172.20.0.2", "203.0.113.1", IPPROTO_ICMP, 8, -1);
	CHECK(req != NULL);
	if (req) {
		k = step_at(req, 0, "raw", "PREROUTING", 2);
		CHECK(k >= 0);
		CHECK(req->steps[k].hook == NF_INET_PRE_ROUTING);
		CHECK_STR(req->steps[k].rule, "-A PREROUTING -p icmp");
		CHECK_INT(req->steps[k].verdict, NFT_CONTINUE);
		k = step_at(req, k, "raw", "PREROUTING", 0);
		CHECK(k >= 0 && req->steps[k].type == TRACE_STEP_POLICY && req->steps[k].policy == NF_ACCEPT);
		k = step_at(req, k, "mangle", "PREROUTING", 0);
		CHECK(k >= 0);
		k = step_at(req, k, "nat", "PREROUTING", 0);
		CHECK(k >= 0 && req->steps[k].type == TRACE_STEP_POLICY);
		k = step_at(req, k, "filter", "FORWARD", 8);
		CHECK(k >= 0 && req->steps[k].verdict == NFT_JUMP && req->steps[k].hook == NF_INET_FORWARD);
		k = step_at(req, k, "filter", "DOCKER-USER", 25);
		CHECK(k >= 0 && req->steps[k].verdict == NFT_RETURN && req->steps[k].hook == NF_INET_FORWARD);
		k = step_at(req, k, "filter", "DOCKER-ISOLATION-STAGE-1", 19);
		CHECK(k >= 0);
		k = step_at(req, k, "filter", "DOCKER-ISOLATION-STAGE-2", 24);
		CHECK(k >= 0 && req->steps[k].verdict == NFT_RETURN);
		k = step_at(req, k, "filter", "DOCKER-ISOLATION-STAGE-1", 21);
		CHECK(k >= 0 && req->steps[k].verdict == NFT_RETURN);
		k = step_at(req, k, "filter", "FORWARD", 12);
		CHECK(k >= 0 && req->steps[k].verdict == NF_ACCEPT);
		CHECK_STR(k >= 0 ? req->steps[k].rule : NULL, "-A FORWARD -i " BR " ! -o " BR " -j ACCEPT");
		k = step_at(req, k, "nat", "POSTROUTING", 8);
		CHECK(k >= 0 && req->steps[k].hook == NF_INET_POST_ROUTING);
		CHECK_INT(req->verdict, NF_ACCEPT);
		CHECK_INT(req->verdict_step, k);
		CHECK_INT(req->route, TRACE_ROUTE_FORWARD);
		CHECK(req->ct.valid && req->ct.has_id && req->ct.dir == 0 && req->ct_new);
		CHECK(req->nat_src);
		CHECK_STR(req->nat_src_to, "203.0.113.10");
		CHECK(!req->nat_dst);
		CHECK(req->reply != 0);
		CHECK(req->iif[0] && req->oif[0]);
	}

	/* Its reply: linked, RELATED,ESTABLISHED accept, no nat hop, de-NAT. */
	rep = find_pkt(st, "203.0.113.1", "203.0.113.10", IPPROTO_ICMP, 0, -1);
	CHECK(rep != NULL);
	if (rep && req) {
		CHECK_INT(rep->reply_of, req->id);
		CHECK_INT(req->reply, rep->id);
		CHECK(rep->ct.dir == 1 && rep->ct.id == req->ct.id);
		CHECK(!has_table_steps(rep, "nat"));
		CHECK(rep->note && strstr(rep->note, "conntrack de-NATs replies") != NULL);
		k = step_at(rep, 0, "filter", "FORWARD", 10);
		CHECK(k >= 0 && rep->verdict_step == k && rep->verdict == NF_ACCEPT);
		CHECK(rep->nat_dst);
		CHECK_STR(rep->nat_dst_to, "172.20.0.2");
		CHECK_INT(rep->route, TRACE_ROUTE_FORWARD);
	}

	/* c1 -> c2: dropped by isolation. */
	drop = find_pkt(st, "172.20.0.2", "172.17.0.2", IPPROTO_ICMP, 8, -1);
	CHECK(drop != NULL);
	if (drop) {
		k = step_at(drop, 0, "filter", "DOCKER-ISOLATION-STAGE-2", 23);
		CHECK(k >= 0);
		CHECK_INT(drop->verdict, NF_DROP);
		CHECK_INT(drop->verdict_step, k);
		CHECK_INT((int)drop->nsteps, k + 1);
		CHECK_STR(k >= 0 ? drop->steps[k].rule : NULL, "-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP");
		CHECK(!drop->reply);
	}

	/* internet -> host:8080, DNAT to c2:80; the SYN/ACK is its reply. */
	syn = find_pkt(st, "203.0.113.1", "203.0.113.10", IPPROTO_TCP, -1, 0x02);
	CHECK(syn != NULL);
	if (syn) {
		CHECK(syn->pkt.has_ports && syn->pkt.dport == 8080);
		k = step_at(syn, 0, "nat", "DOCKER", 13);
		CHECK(k >= 0 && syn->steps[k].verdict == NF_ACCEPT && syn->steps[k].hook == NF_INET_PRE_ROUTING);
		CHECK(step_at(syn, 0, "filter", "DOCKER", 18) >= 0);
		CHECK(syn->nat_dst);
		CHECK_STR(syn->nat_dst_to, "172.17.0.2");
		CHECK(syn->last.has_ports && syn->last.dport == 80);
		CHECK_INT(syn->nat_dport_to, 80);
		strbuf_init(&sb);
		trace_path_text(syn, &sb);
		CHECK(strstr(sb.s, "  nat          destination 203.0.113.10:8080 \xe2\x86\x92 172.17.0.2:80\n"));
		strbuf_free(&sb);
		strbuf_init(&sb);
		trace_path_json(syn, &sb);
		CHECK(strstr(sb.s, "\"nat\":{\"dst\":{\"before\":\"203.0.113.10\",\"after\":\"172.17.0.2\","
				   "\"before_port\":8080,\"after_port\":80}}"));
		strbuf_free(&sb);
		CHECK_INT(syn->route, TRACE_ROUTE_FORWARD);
	}
	synack = find_pkt(st, "172.17.0.2", "203.0.113.1", IPPROTO_TCP, -1, 0x12);
	CHECK(synack != NULL);
	if (synack && syn) {
		CHECK_INT(synack->reply_of, syn->id);
		CHECK(synack->nat_src);
		CHECK_STR(synack->nat_src_to, "203.0.113.10");
		CHECK_INT(synack->nat_sport_to, 8080);
		CHECK(step_at(synack, 0, "filter", "FORWARD", 16) >= 0);
	}

	/* The host's own ping: OUTPUT, and its reply comes back to INPUT. */
	hreq = find_pkt(st, "203.0.113.10", "203.0.113.1", IPPROTO_ICMP, 8, -1);
	CHECK(hreq != NULL);
	if (hreq) {
		CHECK_INT(hreq->route, TRACE_ROUTE_OUTPUT);
		CHECK(hreq->local_out);
		CHECK(step_at(hreq, 0, "filter", "OUTPUT", 0) >= 0);
	}
	hrep = find_pkt(st, "203.0.113.1", "203.0.113.10", IPPROTO_ICMP, 0, -1);
	/* (the first echo-reply to .10 is c1's, before de-NAT; find the host's) */
	for (i = 0; i < trace_state_count(st); i++) {
		const struct trace_packet *p = trace_state_packet(st, i);

		if (hreq && p->reply_of == hreq->id)
			hrep = p;
	}
	CHECK(hrep != NULL && hreq != NULL && hrep->reply_of == hreq->id);
	if (hrep)
		CHECK_INT(hrep->route, TRACE_ROUTE_INPUT);

	/* Text and JSON of the first packet. */
	if (req) {
		strbuf_init(&sb);
		trace_path_text(req, &sb);
		CHECK(strncmp(sb.s, "packet #", 8) == 0);
		CHECK(strstr(sb.s, "  prerouting   raw:PREROUTING                 -A PREROUTING -p icmp \xe2\x86\x92 continue\n"));
		CHECK(strstr(sb.s, "  routing      FORWARD"));
		CHECK(strstr(sb.s, "filter:DOCKER-USER             -A DOCKER-USER -j RETURN \xe2\x86\x92 return\n"));
		CHECK(strstr(sb.s, "-j MASQUERADE \xe2\x86\x92 accept\n"));
		CHECK(strstr(sb.s, "  nat          source 172.20.0.2 \xe2\x86\x92 203.0.113.10\n"));
		CHECK(strstr(sb.s, "  verdict      ACCEPT at nat:POSTROUTING handle 8\n"));
		strbuf_free(&sb);

		strbuf_init(&sb);
		trace_path_json(req, &sb);
		CHECK(sb.s[0] == '{' && sb.s[sb.len - 1] == '}');
		CHECK(strstr(sb.s, "\"packet\":{\"family\":\"ip\",\"src\":\"172.20.0.2\",\"dst\":\"203.0.113.1\",\"proto\":\"icmp\""));
		CHECK(strstr(sb.s, "\"route\":\"forward\""));
		CHECK(strstr(sb.s, "\"direction\":\"original\""));
		CHECK(strstr(sb.s, "\"nat\":{\"src\":{\"before\":\"172.20.0.2\",\"after\":\"203.0.113.10\"}}"));
		CHECK(strstr(sb.s, "{\"hook\":\"forward\",\"family\":\"ip\",\"table\":\"filter\",\"chain\":\"DOCKER-USER\","
				   "\"handle\":25,\"type\":\"rule\",\"rule\":\"-A DOCKER-USER -j RETURN\",\"verdict\":\"return\""));
		strbuf_free(&sb);
	}
	if (drop) {
		strbuf_init(&sb);
		trace_path_text(drop, &sb);
		CHECK(strstr(sb.s, "  verdict      DROP at filter:DOCKER-ISOLATION-STAGE-2 handle 23\n"));
		strbuf_free(&sb);
	}
	trace_state_free(st);

	/* Without a snapshot: the same packets, no rule text, no crash. */
	st = replay_fixture(NULL, &nmsgs, 0);
	CHECK_INT(trace_state_count(st), n_with);
	req = find_pkt(st, "172.20.0.2", "203.0.113.1", IPPROTO_ICMP, 8, -1);
	CHECK(req && req->route == TRACE_ROUTE_FORWARD && req->reply);
	if (req) {
		strbuf_init(&sb);
		trace_path_text(req, &sb);
		CHECK(strstr(sb.s, "(rule handle 12) \xe2\x86\x92 accept"));
		strbuf_free(&sb);
	}
	trace_state_free(st);

	/* A small ring keeps the newest. */
	st = replay_fixture(rs, &nmsgs, 3);
	CHECK_INT(trace_state_count(st), 3);
	CHECK_INT(trace_state_total(st), n_with);
	CHECK(trace_state_packet(st, 2) && trace_state_packet(st, 3) == NULL);
	CHECK(trace_state_find(st, 1) == NULL);
	trace_state_set_limit(st, 2);
	CHECK_INT(trace_state_count(st), 2);
	trace_state_free(st);
	snapshot_ruleset_free(rs);
}

/* Truncating every message of the fixture at every length never crashes. */
static void test_fixture_truncated(void)
{
	const char *srcdir = getenv("top_srcdir");
	char *path = xasprintf("%s/tests/fixtures/trace-lab.nlmsg", srcdir ? srcdir : ".");
	struct trace_state *st = trace_state_new();
	struct record_reader *rd;
	struct record_frame fr;
	char *cause = NULL;
	uint32_t buf[1024];   /* aligned for struct nlmsghdr */
	int frames = 0;

	trace_state_set_limit(st, 5);
	rd = record_reader_open(path, &cause);
	free(path);
	if (!rd) {
		free(cause);
		trace_state_free(st);
		return;
	}
	while (record_reader_next(rd, &fr, &cause) == 1 && frames < 40) {
		uint32_t cut;

		if (fr.type != REC_TRACE || fr.len > sizeof(buf) || fr.len < sizeof(struct nlmsghdr))
			continue;
		frames++;
		for (cut = sizeof(struct nlmsghdr); cut <= fr.len; cut += 3) {
			struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

			memcpy(buf, fr.data, cut);
			nlh->nlmsg_len = cut;
			(void)trace_feed_msg(st, nlh, NULL);
		}
	}
	CHECK(frames > 0);
	record_reader_close(rd);
	trace_complete_flush(st);
	trace_state_free(st);
}

/* Conntrack attributes (kernel 6.16+: 18 id, 19 direction, 20 status, 21 state). */
static void msg_ct(struct msg *m, uint32_t id, uint8_t dir, uint32_t status, uint32_t state)
{
	mnl_attr_put_u32(m->nlh, 18, htonl(id));
	mnl_attr_put_u8(m->nlh, 19, dir);
	mnl_attr_put_u32(m->nlh, 20, htonl(status));
	mnl_attr_put_u32(m->nlh, 21, htonl(state));
}

/* A CT target's template is not the connection; the end of a regular
 * chain is a return; an untracked packet has no ct status. */
static void test_ct_template_return(void)
{
	struct trace_state *st = trace_state_new();
	const struct trace_packet *p;
	struct strbuf sb;
	struct msg m;

	trace_state_set_clock(st, 1000000000ull);
	/* raw: the CT rule's template (TEMPLATE status, state new). */
	msg_basic(&m, NFPROTO_IPV4, "raw", "PREROUTING", NFT_TRACETYPE_RULE, 5);
	mnl_attr_put_u64(m.nlh, NFTA_TRACE_RULE_HANDLE, htobe64(2));
	msg_verdict(&m, NFT_CONTINUE, NULL);
	msg_ipv4(&m, "192.0.2.1", "198.51.100.2", IPPROTO_ICMP);
	msg_ct(&m, 111, 0, 0x800, 0x8);
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 0);
	/* mangle: the connection, established. */
	msg_basic(&m, NFPROTO_IPV4, "mangle", "PREROUTING", NFT_TRACETYPE_POLICY, 5);
	mnl_attr_put_u32(m.nlh, NFTA_TRACE_POLICY, htonl(NF_ACCEPT));
	msg_ipv4(&m, "192.0.2.1", "198.51.100.2", IPPROTO_ICMP);
	msg_ct(&m, 222, 0, 0xa, 0x2);
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 0);
	/* filter FORWARD jumps to SUB, which ends without a verdict. */
	msg_basic(&m, NFPROTO_IPV4, "filter", "FORWARD", NFT_TRACETYPE_RULE, 5);
	mnl_attr_put_u64(m.nlh, NFTA_TRACE_RULE_HANDLE, htobe64(4));
	msg_verdict(&m, NFT_JUMP, "SUB");
	msg_ipv4(&m, "192.0.2.1", "198.51.100.2", IPPROTO_ICMP);
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 0);
	msg_basic(&m, NFPROTO_IPV4, "filter", "SUB", NFT_TRACETYPE_RULE, 5);
	msg_verdict(&m, NFT_CONTINUE, NULL);
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 0);
	msg_basic(&m, NFPROTO_IPV4, "filter", "FORWARD", NFT_TRACETYPE_POLICY, 5);
	mnl_attr_put_u32(m.nlh, NFTA_TRACE_POLICY, htonl(NF_ACCEPT));
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 0);
	/* Another packet, untracked (state alone). */
	msg_basic(&m, NFPROTO_IPV4, "filter", "INPUT", NFT_TRACETYPE_POLICY, 6);
	mnl_attr_put_u32(m.nlh, NFTA_TRACE_POLICY, htonl(NF_DROP));
	msg_ipv4(&m, "192.0.2.9", "192.0.2.1", IPPROTO_ICMP);
	mnl_attr_put_u32(m.nlh, 21, htonl(0x40));
	CHECK_INT(trace_feed_msg(st, m.nlh, NULL), 1);
	trace_complete_flush(st);
	CHECK_INT(trace_state_count(st), 2);

	p = trace_state_find(st, 1);
	CHECK(p != NULL);
	if (p) {
		CHECK(p->ct.has_id && p->ct.id == 222);
		CHECK(!p->ct_new);
		CHECK_INT(p->nsteps, 5);
		if (p->nsteps == 5) {
			CHECK_INT(p->steps[3].type, TRACE_STEP_RETURN);
			CHECK_STR(p->steps[3].chain, "SUB");
		}
		strbuf_init(&sb);
		trace_path_json(p, &sb);
		CHECK(strstr(sb.s, "\"ct\":{\"id\":222,\"direction\":\"original\",\"state\":\"established\","
				   "\"new\":false,") != NULL);
		CHECK(strstr(sb.s, "\"chain\":\"SUB\",\"handle\":null,\"type\":\"return\"") != NULL);
		strbuf_reset(&sb);
		trace_path_text(p, &sb);
		CHECK(strstr(sb.s, "ct 222 original established\n") != NULL);
		CHECK(strstr(sb.s, "filter:SUB                     (end of chain: return)") != NULL);
		strbuf_free(&sb);
	}
	p = trace_state_find(st, 2);
	CHECK(p != NULL);
	if (p) {
		strbuf_init(&sb);
		trace_path_json(p, &sb);
		CHECK(strstr(sb.s, "\"state\":\"untracked\",\"new\":false,\"status\":null}") != NULL);
		strbuf_free(&sb);
	}
	trace_state_free(st);
}

int main(void)
{
	test_filter_good();
	test_filter_bad();
	test_filter_junk();
	test_msg_parse();
	test_ct_template_return();
	test_fixture();
	test_fixture_truncated();
	return unit_status("unit-trace");
}
