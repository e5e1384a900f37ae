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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "feed.h"
#include "iptop.h"
#include "ui.h"

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

static void demo_close(struct feed *f)
{
	free(f->priv);
}

static const struct feed_ops feed_demo_ops = {
	.name = "demo",
	.fd = demo_fd,
	.event = demo_event,
	.snapshot = demo_snapshot,
	.close = demo_close,
};

struct feed *feed_demo_open(void)
{
	struct feed *f = xcalloc(1, sizeof(*f));

	f->ops = &feed_demo_ops;
	f->priv = xcalloc(1, sizeof(struct demo));
	f->netns_label = xstrdup("demo: a made-up Docker host");
	f->backend = xstrdup("nf_tables");
	f->replay = true;
	return f;
}
