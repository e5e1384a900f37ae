/*
 * feed-demo.c - a synthetic feed for --demo, screenshots and the screen
 * tests: a Docker host (iptables-nft raw, mangle, nat, filter; ip6 filter)
 * running firewalld (a native inet table), whose counters move on every
 * snapshot in a fixed pattern, so the same tick always gives the same
 * snapshot. Includes a rule without a counter, a chain without policy
 * counters and a chain iptables lists but the kernel never created.
 * Needs no root and no netlink; knows no screen.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/rtnetlink.h>

#include "conntrack.h"
#include "feed-int.h"
#include "iptop.h"
#include "route.h"

#define DEMO_GENID 42
#define DEMO_CHANGE_WALL 1764149400.0 /* 2025-11-26 09:30:00 UTC */
#define DEMO_UPTIME_TICKS 4000        /* counters start as if up for a while */

/* One line of the demo ruleset: a chain (C) or a rule of the last chain (R).
 * rate: packets per tick while active; on for `duty` ticks of every
 * `period` (shifted by `phase`); size: bytes per packet. */
struct demo_line {
	char kind;
	uint8_t family;
	const char *table;
	const char *name;       /* chain name, or rule text */
	const char *target;     /* rule: jump/goto target */
	int hook;               /* chain: hook or -1 */
	int prio;
	int policy;             /* NF_ACCEPT, NF_DROP, -1 */
	bool counted;           /* chain: policy counters; rule: has a counter */
	bool instantiated;
	unsigned rate, period, duty, phase, size;
};

#define IP NFPROTO_IPV4
#define IP6 NFPROTO_IPV6
#define INET NFPROTO_INET
#define BASE(f, t, n, h, p, pol, rate, per, duty) \
	{ 'C', f, t, n, NULL, h, p, pol, true, true, rate, per, duty, 0, 120 }
#define USER(f, t, n) { 'C', f, t, n, NULL, -1, 0, -1, false, true, 0, 1, 0, 0, 0 }
#define RULE(text, tgt, rate, per, duty, ph, size) \
	{ 'R', 0, NULL, text, tgt, 0, 0, 0, true, true, rate, per, duty, ph, size }
#define NOCTR(text, tgt) { 'R', 0, NULL, text, tgt, 0, 0, 0, false, true, 0, 1, 0, 0, 0 }

static const struct demo_line demo[] = {
	BASE(IP, "raw", "PREROUTING", NF_INET_PRE_ROUTING, -300, NF_ACCEPT, 60, 8, 6),
	BASE(IP, "raw", "OUTPUT", NF_INET_LOCAL_OUT, -300, NF_ACCEPT, 14, 5, 3),

	BASE(IP, "mangle", "PREROUTING", NF_INET_PRE_ROUTING, -150, NF_ACCEPT, 58, 8, 6),
	BASE(IP, "mangle", "INPUT", NF_INET_LOCAL_IN, -150, NF_ACCEPT, 30, 8, 5),
	BASE(IP, "mangle", "FORWARD", NF_INET_FORWARD, -150, NF_ACCEPT, 26, 6, 4),
	BASE(IP, "mangle", "OUTPUT", NF_INET_LOCAL_OUT, -150, NF_ACCEPT, 14, 5, 3),
	BASE(IP, "mangle", "POSTROUTING", NF_INET_POST_ROUTING, -150, NF_ACCEPT, 40, 6, 4),

	BASE(IP, "nat", "PREROUTING", NF_INET_PRE_ROUTING, -100, NF_ACCEPT, 2, 4, 2),
	RULE("-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", "DOCKER", 3, 6, 4, 1, 60),
	{ 'C', IP, "nat", "INPUT", NULL, NF_INET_LOCAL_IN, 100, NF_ACCEPT, true, false, 0, 1, 0, 0, 0 },
	BASE(IP, "nat", "OUTPUT", NF_INET_LOCAL_OUT, -100, NF_ACCEPT, 1, 7, 2),
	RULE("-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER", "DOCKER", 0, 1, 0, 0, 60),
	BASE(IP, "nat", "POSTROUTING", NF_INET_POST_ROUTING, 100, NF_ACCEPT, 1, 5, 2),
	RULE("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", NULL, 2, 5, 3, 2, 60),
	USER(IP, "nat", "DOCKER"),
	RULE("-A DOCKER -i docker0 -j RETURN", NULL, 0, 1, 0, 0, 60),
	RULE("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80", NULL, 3, 6,
	     4, 1, 60),

	BASE(IP, "filter", "INPUT", NF_INET_LOCAL_IN, 0, NF_ACCEPT, 0, 1, 0),
	RULE("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", NULL, 24, 8, 5, 0, 900),
	RULE("-A INPUT -i lo -j ACCEPT", NULL, 4, 3, 1, 1, 200),
	RULE("-A INPUT -p tcp -m tcp --dport 22 -m comment --comment \"ssh from the office\" -j ACCEPT", NULL, 2, 9, 2,
	     4, 80),
	RULE("-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT", NULL, 1, 4, 1, 2, 84),
	BASE(IP, "filter", "FORWARD", NF_INET_FORWARD, 0, NF_DROP, 0, 1, 0),
	RULE("-A FORWARD -j DOCKER-USER", "DOCKER-USER", 26, 6, 4, 0, 700),
	RULE("-A FORWARD -j DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-1", 26, 6, 4, 0, 700),
	RULE("-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", NULL, 14, 6, 4, 0, 1200),
	RULE("-A FORWARD -o docker0 -j DOCKER", "DOCKER", 3, 6, 4, 1, 60),
	RULE("-A FORWARD -i docker0 ! -o docker0 -j ACCEPT", NULL, 9, 6, 3, 2, 400),
	RULE("-A FORWARD -i docker0 -o docker0 -j ACCEPT", NULL, 0, 1, 0, 0, 60),
	BASE(IP, "filter", "OUTPUT", NF_INET_LOCAL_OUT, 0, NF_ACCEPT, 14, 5, 3),
	USER(IP, "filter", "DOCKER"),
	RULE("-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT", NULL, 3, 6, 4, 1,
	     60),
	USER(IP, "filter", "DOCKER-ISOLATION-STAGE-1"),
	RULE("-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2",
	     "DOCKER-ISOLATION-STAGE-2", 9, 6, 3, 2, 400),
	RULE("-A DOCKER-ISOLATION-STAGE-1 -j RETURN", NULL, 26, 6, 4, 0, 700),
	USER(IP, "filter", "DOCKER-ISOLATION-STAGE-2"),
	RULE("-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP", NULL, 0, 1, 0, 0, 60),
	RULE("-A DOCKER-ISOLATION-STAGE-2 -j RETURN", NULL, 9, 6, 3, 2, 400),
	USER(IP, "filter", "DOCKER-USER"),
	RULE("-A DOCKER-USER -s 203.0.113.0/24 -j DROP", NULL, 1, 10, 1, 7, 60),
	RULE("-A DOCKER-USER -j RETURN", NULL, 26, 6, 4, 0, 700),

	BASE(IP6, "filter", "INPUT", NF_INET_LOCAL_IN, 0, NF_ACCEPT, 0, 1, 0),
	RULE("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", NULL, 3, 7, 2, 3, 900),
	RULE("-A INPUT -p ipv6-icmp -j ACCEPT", NULL, 1, 3, 1, 0, 72),
	BASE(IP6, "filter", "FORWARD", NF_INET_FORWARD, 0, NF_DROP, 0, 1, 0),
	BASE(IP6, "filter", "OUTPUT", NF_INET_LOCAL_OUT, 0, NF_ACCEPT, 2, 7, 2),

	{ 'C', INET, "firewalld", "filter_INPUT", NULL, NF_INET_LOCAL_IN, 10, NF_ACCEPT, false, true, 0, 1, 0, 0, 0 },
	NOCTR("ct state { established, related } accept", NULL),
	NOCTR("iifname \"lo\" accept", NULL),
	NOCTR("jump filter_INPUT_ZONES", "filter_INPUT_ZONES"),
	RULE("ct state { invalid } counter drop", NULL, 1, 13, 1, 5, 52),
	NOCTR("reject with icmpx admin-prohibited", NULL),
	USER(INET, "firewalld", "filter_INPUT_ZONES"),
	RULE("iifname \"eth0\" counter goto filter_IN_public", "filter_IN_public", 3, 9, 3, 4, 80),
	USER(INET, "firewalld", "filter_IN_public"),
	RULE("tcp dport 22 ct state { new, untracked } counter accept", NULL, 2, 9, 2, 4, 80),
	RULE("meta l4proto { icmp, ipv6-icmp } counter accept", NULL, 1, 4, 1, 2, 84),
};

struct demo_count {
	uint64_t packets, bytes;
};

struct demo {
	uint64_t tick;
	struct demo_count c[ARRAY_SIZE(demo)];
	struct ct_table ct;
};

static uint64_t active(const struct demo_line *l, uint64_t t)
{
	if (!l->rate || !l->period)
		return 0;
	return (t + l->phase) % l->period < l->duty ? l->rate : 0;
}

/* Counters after tick t: the ticks since "boot" all add up. */
static void demo_advance(struct demo *d)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(demo); i++) {
		uint64_t p = active(&demo[i], d->tick);

		if (d->tick == 0)
			p = (uint64_t)demo[i].rate * demo[i].duty * DEMO_UPTIME_TICKS / (demo[i].period ? demo[i].period : 1);
		d->c[i].packets += p;
		d->c[i].bytes += p * demo[i].size;
	}
	d->tick++;
}

static bool is_ipt(uint8_t family)
{
	return family == NFPROTO_IPV4 || family == NFPROTO_IPV6;
}

static void add_table(struct snap_ruleset *rs, uint8_t family, const char *name)
{
	size_t i;

	for (i = 0; i < rs->ntables; i++)
		if (rs->tables[i].family == family && strcmp(rs->tables[i].name, name) == 0)
			return;
	rs->tables = xreallocarray(rs->tables, rs->ntables + 1, sizeof(*rs->tables));
	memset(&rs->tables[rs->ntables], 0, sizeof(rs->tables[0]));
	rs->tables[rs->ntables].family = family;
	rs->tables[rs->ntables].name = xstrdup(name);
	rs->tables[rs->ntables].handle = rs->ntables + 1;
	rs->tables[rs->ntables].iptables = is_ipt(family);
	rs->ntables++;
}

static struct snap_ruleset *demo_build(const struct demo *d, uint64_t time_ns)
{
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	size_t i, nch = 0, j;
	struct snap_chain *ch = NULL;
	uint64_t handle = 100;

	rs->status = SRC_OK;
	rs->genid = DEMO_GENID;
	rs->time_ns = time_ns;
	rs->change_pid = 812;
	snprintf(rs->change_proc, sizeof(rs->change_proc), "dockerd");
	rs->change_wall = DEMO_CHANGE_WALL;
	for (i = 0; i < ARRAY_SIZE(demo); i++)
		nch += demo[i].kind == 'C';
	rs->chains = xcalloc(nch, sizeof(*rs->chains));
	for (i = 0; i < ARRAY_SIZE(demo); i++) {
		const struct demo_line *l = &demo[i];

		if (l->kind == 'C') {
			ch = &rs->chains[rs->nchains++];
			ch->family = l->family;
			ch->table = xstrdup(l->table);
			ch->name = xstrdup(l->name);
			ch->handle = handle++;
			ch->base = l->hook >= 0;
			ch->hook = l->hook;
			ch->prio = l->prio;
			ch->type = ch->base ? xstrdup(strcmp(l->table, "nat") == 0 ? "nat" : "filter") : NULL;
			ch->policy = ch->base ? l->policy : -1;
			ch->policy_counted = ch->base && l->counted && l->instantiated;
			ch->policy_packets = ch->policy_counted ? d->c[i].packets : 0;
			ch->policy_bytes = ch->policy_counted ? d->c[i].bytes : 0;
			ch->instantiated = l->instantiated;
			ch->rules = xcalloc(16, sizeof(*ch->rules));
			add_table(rs, l->family, l->table);
			continue;
		}
		{
			struct snap_rule *r = &ch->rules[ch->nrules];

			r->handle = handle++;
			r->position = ch->nrules ? ch->rules[ch->nrules - 1].handle : 0;
			r->counted = l->counted;
			r->packets = l->counted ? d->c[i].packets : 0;
			r->bytes = l->counted ? d->c[i].bytes : 0;
			r->syntax = is_ipt(ch->family) ? RULE_SYNTAX_IPT : RULE_SYNTAX_NFT;
			r->text = xstrdup(l->name);
			r->target_chain = l->target ? xstrdup(l->target) : NULL;
			r->is_goto = l->target && strstr(l->name, "goto ");
			ch->nrules++;
		}
	}
	/* References: rules of the same table that jump or go to the chain. */
	for (i = 0; i < rs->nchains; i++) {
		const struct snap_chain *from = &rs->chains[i];

		for (j = 0; j < from->nrules; j++) {
			struct snap_chain *to;

			if (!from->rules[j].target_chain)
				continue;
			to = snapshot_find_chain(rs, from->family, from->table, from->rules[j].target_chain);
			if (to)
				to->use++;
		}
	}
	snapshot_sort_chains(rs);
	return rs;
}

struct snap_ruleset *feed_demo_ruleset(uint64_t tick, uint64_t time_ns)
{
	struct demo *d = xcalloc(1, sizeof(*d));
	struct snap_ruleset *rs;

	while (d->tick <= tick)
		demo_advance(d);
	rs = demo_build(d, time_ns);
	free(d);
	return rs;
}

/* ---- conntrack ------------------------------------------------------------------------ */

#define HOST "203.0.113.10"       /* the demo host's public address (eth0) */
#define GATEWAY "203.0.113.1"

/* A flow of the demo: present while (tick + phase) % period < life
 * (period 0: always); its counters grow by pkts per tick and direction. */
struct demo_flow {
	uint32_t id;
	uint8_t family, proto;
	const char *osrc, *odst;
	uint16_t osport, odport;      /* ICMP: type and id of the original */
	const char *rsrc, *rdst;
	uint16_t rsport, rdport;
	uint8_t state;                /* TCP_CONNTRACK_* (TCP only) */
	uint32_t status;
	uint32_t mark;
	uint16_t zone;
	uint32_t timeout;
	unsigned period, life, phase;
	unsigned pkts[2], size[2];
};

#define SEEN (IPS_SEEN_REPLY | IPS_CONFIRMED)
#define ASSURED (SEEN | IPS_ASSURED)
#define SNATTED (IPS_SRC_NAT | IPS_SRC_NAT_DONE)
#define DNATTED (IPS_DST_NAT | IPS_DST_NAT_DONE)

static const struct demo_flow demo_flows[] = {
	/* c2 pings the internet: MASQUERADE to the host's address */
	{ 0x51a0c301, AF_INET, IPPROTO_ICMP, "172.17.0.2", "198.51.100.20", 8, 41, "198.51.100.20", HOST, 0, 41, 0,
	  SEEN | SNATTED, 0, 0, 29, 0, 0, 0, { 2, 2 }, { 84, 84 } },
	/* the internet reaches the published port 8080: DNAT to c2:80 */
	{ 0x51a0c302, AF_INET, IPPROTO_TCP, "198.51.100.77", HOST, 51544, 8080, "172.17.0.2", "198.51.100.77", 80,
	  51544, TCP_CONNTRACK_ESTABLISHED, ASSURED | DNATTED, 0, 0, 431990, 0, 0, 0, { 6, 8 }, { 90, 1400 } },
	/* the host asks a time server that does not answer */
	{ 0x51a0c303, AF_INET, IPPROTO_UDP, HOST, "192.0.2.123", 40123, 123, "192.0.2.123", HOST, 123, 40123, 0,
	  IPS_CONFIRMED, 0, 0, 28, 0, 0, 0, { 1, 0 }, { 76, 0 } },
	/* ssh to the host itself */
	{ 0x51a0c304, AF_INET, IPPROTO_TCP, "198.51.100.9", HOST, 50022, 22, HOST, "198.51.100.9", 22, 50022,
	  TCP_CONNTRACK_ESTABLISHED, ASSURED, 0, 0, 431999, 0, 0, 0, { 3, 4 }, { 52, 180 } },
	/* c2 fetched a page: closed, waiting out TIME_WAIT */
	{ 0x51a0c305, AF_INET, IPPROTO_TCP, "172.17.0.2", "192.0.2.80", 45678, 443, "192.0.2.80", HOST, 443, 45678,
	  TCP_CONNTRACK_TIME_WAIT, ASSURED | SNATTED, 0, 0, 95, 0, 0, 0, { 0, 0 }, { 0, 0 } },
	/* c3 reaches c2 through the host's published port: DNAT and MASQUERADE */
	{ 0x51a0c306, AF_INET, IPPROTO_TCP, "172.17.0.3", HOST, 39000, 8080, "172.17.0.2", "172.17.0.1", 80, 39000,
	  TCP_CONNTRACK_ESTABLISHED, ASSURED | SNATTED | DNATTED, 7, 0, 431970, 0, 0, 0, { 2, 2 }, { 70, 300 } },
	/* c2's DNS queries come and go */
	{ 0x51a0c307, AF_INET, IPPROTO_UDP, "172.17.0.2", "192.0.2.53", 53011, 53, "192.0.2.53", HOST, 53, 53011, 0,
	  SEEN | SNATTED, 0, 0, 29, 6, 3, 0, { 1, 1 }, { 64, 180 } },
	/* an IPv6 connection in zone 1 that nobody answers */
	{ 0x51a0c308, AF_INET6, IPPROTO_TCP, "2001:db8:1::10", "2001:db8:2::1", 51000, 443, "2001:db8:2::1",
	  "2001:db8:1::10", 443, 51000, TCP_CONNTRACK_SYN_SENT, IPS_CONFIRMED, 0, 1, 110, 8, 5, 3, { 1, 0 },
	  { 80, 0 } },
};

#define DEMO_FLOW_UPTIME 600   /* ticks of traffic before the first one */

static bool flow_present(const struct demo_flow *d, uint64_t tick)
{
	return !d->period || (tick + d->phase) % d->period < d->life;
}

/* Ticks the flow has been up at tick (for its counters). */
static uint64_t flow_age(const struct demo_flow *d, uint64_t tick)
{
	return d->period ? (tick + d->phase) % d->period + 1 : tick + DEMO_FLOW_UPTIME;
}

static void demo_addr(uint8_t family, const char *text, union ct_addr *a)
{
	memset(a, 0, sizeof(*a));
	inet_pton(family, text, a);
}

static void demo_tuple(const struct demo_flow *d, bool reply, struct ct_tuple *t)
{
	demo_addr(d->family, reply ? d->rsrc : d->osrc, &t->src);
	demo_addr(d->family, reply ? d->rdst : d->odst, &t->dst);
	if (d->proto == IPPROTO_ICMP) {
		t->icmp_type = reply ? 0 : (uint8_t)d->osport;
		t->icmp_id = reply ? d->rdport : d->odport;
	} else {
		t->sport = reply ? d->rsport : d->osport;
		t->dport = reply ? d->rdport : d->odport;
	}
}

void feed_demo_conntrack(struct ct_table *t, uint64_t tick, double now)
{
	size_t i;
	int dir;

	t->max = 262144;
	t->acct = true;
	ct_table_set_status(t, SRC_OK, NULL);
	ct_table_dump_begin(t, false);
	for (i = 0; i < ARRAY_SIZE(demo_flows); i++) {
		const struct demo_flow *d = &demo_flows[i];
		uint64_t age = flow_age(d, tick);
		struct ct_flow f;

		if (!flow_present(d, tick))
			continue;
		memset(&f, 0, sizeof(f));
		/* A flow that came back is a new connection: another id and port. */
		f.id = d->id + (d->period ? (uint32_t)((tick + d->phase) / d->period) * 0x100 : 0);
		f.family = d->family;
		f.proto = d->proto;
		demo_tuple(d, false, &f.orig);
		demo_tuple(d, true, &f.reply);
		if (d->period && d->proto != IPPROTO_ICMP) {
			f.orig.sport = (uint16_t)(f.orig.sport + (tick + d->phase) / d->period);
			f.reply.dport = f.orig.sport;
		}
		f.has_state = d->proto == IPPROTO_TCP;
		f.state = d->state;
		f.status = d->status;
		f.nat = ct_nat_kind(&f);
		f.mark = d->mark;
		f.zone = d->zone;
		f.has_timeout = true;
		f.timeout = d->timeout - (uint32_t)(d->period ? age % d->timeout : tick % 7);
		f.has_acct = true;
		for (dir = 0; dir < 2; dir++) {
			/* a little unevenly, as real traffic goes */
			f.packets[dir] = d->pkts[dir] * age + (d->pkts[dir] ? age % 3 : 0);
			f.bytes[dir] = f.packets[dir] * d->size[dir];
		}
		ct_table_dump_flow(t, &f, now);
	}
	ct_table_dump_end(t, true, now);
	ct_table_expire(t, now);
}

static bool in_net(uint8_t family, const union ct_addr *a, const char *net, int plen)
{
	union ct_addr n;
	int i;

	demo_addr(family, net, &n);
	for (i = 0; i < plen; i++)
		if ((a->b[i / 8] ^ n.b[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

int feed_demo_route(void *arg, const struct ct_flow *f, struct route_result *res)
{
	union ct_addr a;
	bool v6 = f->family == AF_INET6;

	(void)arg;
	memset(res, 0, sizeof(*res));
	res->family = f->family;
	res->table = RT_TABLE_MAIN;
	res->rtm_type = RTN_UNICAST;
	if (v6 || in_net(f->family, &f->orig.src, HOST, 32)) {
		res->path = ROUTE_PATH_OUTPUT;
		snprintf(res->oif_name, sizeof(res->oif_name), "eth0");
		res->has_gateway = true;
		demo_addr(f->family, v6 ? "2001:db8:1::1" : GATEWAY, &a);
		memcpy(res->gateway, &a, sizeof(res->gateway));
		res->has_prefsrc = true;
		demo_addr(f->family, v6 ? "2001:db8:1::10" : HOST, &a);
		memcpy(res->prefsrc, &a, sizeof(res->prefsrc));
		return 0;
	}
	/* After DNAT the destination is the reply's source. */
	snprintf(res->iif_name, sizeof(res->iif_name), "%s",
		 in_net(f->family, &f->orig.src, "172.17.0.0", 16) ? "docker0" : "eth0");
	if (in_net(f->family, &f->reply.src, HOST, 32)) {
		res->path = ROUTE_PATH_INPUT;
		res->rtm_type = RTN_LOCAL;
		res->table = RT_TABLE_LOCAL;
		snprintf(res->oif_name, sizeof(res->oif_name), "lo");
		return 0;
	}
	res->path = ROUTE_PATH_FORWARD;
	res->has_prefsrc = true;
	if (in_net(f->family, &f->reply.src, "172.17.0.0", 16)) {
		snprintf(res->oif_name, sizeof(res->oif_name), "docker0");
		demo_addr(f->family, "172.17.0.1", &a);
	} else {
		snprintf(res->oif_name, sizeof(res->oif_name), "eth0");
		res->has_gateway = true;
		demo_addr(f->family, GATEWAY, &a);
		memcpy(res->gateway, &a, sizeof(res->gateway));
		demo_addr(f->family, HOST, &a);
	}
	memcpy(res->prefsrc, &a, sizeof(res->prefsrc));
	return 0;
}

/* ---- the feed ------------------------------------------------------------------------ */

static int demo_fd(struct feed *f)
{
	return -1;
}

static bool demo_event(struct feed *f)
{
	return false;
}

static struct snap_ruleset *demo_snapshot(struct feed *f, const struct snap_ruleset *prev, feed_want_fn want,
					  void *arg)
{
	struct demo *d = f->priv;

	demo_advance(d);
	return demo_build(d, time_mono_ns());
}

static const struct ct_table *demo_conntrack(struct feed *f, bool flows)
{
	struct demo *d = f->priv;

	(void)flows;
	/* A clock of its own, half a second a tick: its counters move per
	 * tick, so an early extra tick must not look like a burst. */
	feed_demo_conntrack(&d->ct, d->tick, (double)d->tick * 0.5);
	return &d->ct;
}

static void demo_close(struct feed *f)
{
	struct demo *d = f->priv;

	ct_table_free(&d->ct);
	free(d);
}

const struct feed_ops feed_demo_ops = {
	.fd = demo_fd,
	.event = demo_event,
	.snapshot = demo_snapshot,
	.conntrack = demo_conntrack,
	.close = demo_close,
};

struct feed *feed_demo_open(void)
{
	struct feed *f = xcalloc(1, sizeof(*f));

	f->ops = &feed_demo_ops;
	f->priv = xcalloc(1, sizeof(struct demo));
	ct_table_init(&((struct demo *)f->priv)->ct);
	f->netns_label = xstrdup("demo: a made-up Docker host");
	f->backend = xstrdup("nf_tables");
	f->replay = true;
	return f;
}
