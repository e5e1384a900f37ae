/*
 * unit-model.c - deltas, rates, resets, heat and baseline on synthetic
 * snapshots: a rule inserted above another must never move a delta onto its
 * neighbour (counters are keyed by handle, not position).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "iptop.h"
#include "model.h"
#include "unit.h"

struct spec {
	uint64_t handle;
	uint64_t packets;
	bool counted;
};

static struct snap_ruleset *mk(uint64_t t_ns, const struct spec *rules, size_t n, uint64_t pol)
{
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	struct snap_chain *ch;
	size_t i;

	rs->time_ns = t_ns;
	rs->nchains = 1;
	rs->chains = xcalloc(1, sizeof(*rs->chains));
	ch = &rs->chains[0];
	ch->family = NFPROTO_IPV4;
	ch->table = xstrdup("filter");
	ch->name = xstrdup("FORWARD");
	ch->base = true;
	ch->hook = NF_INET_FORWARD;
	ch->policy = NF_DROP;
	ch->policy_counted = true;
	ch->policy_packets = pol;
	ch->policy_bytes = pol * 100;
	ch->instantiated = true;
	ch->nrules = n;
	ch->rules = xcalloc(n, sizeof(*ch->rules));
	for (i = 0; i < n; i++) {
		ch->rules[i].handle = rules[i].handle;
		ch->rules[i].counted = rules[i].counted;
		ch->rules[i].packets = rules[i].packets;
		ch->rules[i].bytes = rules[i].packets * 84;
		ch->rules[i].text = xasprintf("-A FORWARD -j R%llu", (unsigned long long)rules[i].handle);
	}
	return rs;
}

/* A hit stays lit for the glow time with what it counted since it lit,
 * then goes out, and the screen is at rest (level 0, +0). */
static void test_glow(void)
{
	const uint64_t s = 1000000000ull;
	struct model m;
	struct spec a[] = { { 5, 10, true } }, b[] = { { 5, 11, true } }, c[] = { { 5, 13, true } };

	model_init(&m);
	m.glow_time = 5;
	model_update(&m, mk(1 * s, a, 1, 0));
	CHECK(model_glow_level(&m, &m.chains[0].rules[0].glow) == 0); /* history is no hit */
	model_update(&m, mk(2 * s, b, 1, 0));
	CHECK(model_glow_level(&m, &m.chains[0].rules[0].glow) == 1.0);
	CHECK_INT(m.chains[0].rules[0].glow.packets, 1);
	model_update(&m, mk(4 * s, b, 1, 0));                   /* 2 s later: still lit, +1 */
	CHECK(!m.chains[0].rules[0].hit);
	CHECK(model_glow_level(&m, &m.chains[0].rules[0].glow) > 0.5);
	CHECK_INT(m.chains[0].rules[0].glow.packets, 1);
	CHECK_INT(m.chains[0].glow.packets, 1);
	model_update(&m, mk(5 * s, c, 1, 0));                   /* lit again: +3 in all */
	CHECK_INT(m.chains[0].rules[0].glow.packets, 3);
	model_cool(&m, 3.0);                                    /* 3 s on, between ticks */
	CHECK(model_glow_level(&m, &m.chains[0].rules[0].glow) > 0.3);
	model_update(&m, mk(11 * s, c, 1, 0));                  /* 6 s after the hit: out */
	CHECK(model_glow_level(&m, &m.chains[0].rules[0].glow) == 0);
	CHECK_INT(m.chains[0].rules[0].glow.packets, 0);
	CHECK(model_glow_level(&m, &m.chains[0].glow) == 0);
	model_free(&m);
}

/* A user chain's packets are the counters of the rules that jump to it. */
static void test_entered(void)
{
	struct spec a[] = { { 5, 10, true }, { 6, 7, true } }, b[] = { { 5, 12, true }, { 6, 8, true } };
	struct snap_ruleset *rs;
	struct model m;
	size_t i;

	model_init(&m);
	for (i = 0; i < 2; i++) {
		struct snap_chain *u;

		rs = mk((i + 1) * 1000000000ull, i ? b : a, 2, 0);
		/* both rules jump to USER: -A FORWARD -j USER, -A FORWARD -g USER */
		rs->chains[0].rules[0].target_chain = xstrdup("USER");
		rs->chains[0].rules[1].target_chain = xstrdup("USER");
		rs->chains = xreallocarray(rs->chains, 2, sizeof(*rs->chains));
		u = &rs->chains[1];
		memset(u, 0, sizeof(*u));
		u->family = NFPROTO_IPV4;
		u->table = xstrdup("filter");
		u->name = xstrdup("USER");
		u->hook = -1;
		u->policy = -1;
		u->instantiated = true;
		rs->nchains = 2;
		model_update(&m, rs);
	}
	CHECK(m.chains[1].entered_known);
	CHECK_INT(m.chains[1].entered_packets, 20);
	CHECK_INT(m.chains[1].d_entered_packets, 3);
	CHECK(!m.chains[0].entered_known);   /* a base chain: hooks say that */
	model_free(&m);
}

/* FORWARD (base, read at every snapshot) and USER, whose rules a
 * snapshot may keep from the previous one (rules_kept: not wanted). */
static struct snap_ruleset *mk_fast(uint64_t t_ms, uint64_t fwd, uint64_t user, bool kept)
{
	struct spec a[] = { { 5, fwd, true } };
	struct snap_ruleset *rs = mk(t_ms * 1000000ull, a, 1, 0);
	struct snap_chain *u;

	rs->chains = xreallocarray(rs->chains, 2, sizeof(*rs->chains));
	u = &rs->chains[1];
	memset(u, 0, sizeof(*u));
	u->family = NFPROTO_IPV4;
	u->table = xstrdup("filter");
	u->name = xstrdup("USER");
	u->hook = -1;
	u->policy = -1;
	u->instantiated = true;
	u->rules_kept = kept;
	u->nrules = 1;
	u->rules = xcalloc(1, sizeof(*u->rules));
	u->rules[0].handle = 9;
	u->rules[0].counted = true;
	u->rules[0].packets = user;
	u->rules[0].bytes = user * 84;
	u->rules[0].text = xstrdup("-A USER -j ACCEPT");
	rs->nchains = 2;
	return rs;
}

/* The dashboard's fast tick (snapshots every 100 ms between refreshes of
 * 0.5 s, USER not re-read): FORWARD counts and lights at once, its rate
 * stays the refresh's; USER keeps its delta-free rate; and a chain read
 * again after several refreshes gets its rate over the whole time since
 * it was read, not all of it in one tick. */
static void test_fast_tick(void)
{
	struct model m;
	const struct model_chain *f, *u;

	model_init(&m);
	m.rate_window = 0.5;
	model_update(&m, mk_fast(0, 100, 10, false));
	model_update(&m, mk_fast(500, 150, 20, false));   /* a refresh */
	f = &m.chains[0];
	u = &m.chains[1];
	CHECK(f->pps > 99.9 && f->pps < 100.1);
	CHECK(u->pps > 19.9 && u->pps < 20.1);
	model_update(&m, mk_fast(600, 151, 20, true));    /* fast ticks */
	f = &m.chains[0];
	u = &m.chains[1];
	CHECK_INT(f->d_packets, 1);
	CHECK(f->hit);
	CHECK(f->pps > 99.9 && f->pps < 100.1);           /* not 1 packet / 0.1 s */
	CHECK_INT(u->d_packets, 0);
	CHECK(!u->hit);
	CHECK(u->pps > 19.9 && u->pps < 20.1);            /* not 0 */
	CHECK(u->rules[0].pps > 19.9 && u->rules[0].pps < 20.1);
	model_update(&m, mk_fast(700, 152, 20, true));
	u = &m.chains[1];
	CHECK_INT(u->d_packets, 0);
	CHECK(u->pps > 19.9 && u->pps < 20.1);
	model_update(&m, mk_fast(1000, 200, 30, false));  /* a refresh */
	f = &m.chains[0];
	u = &m.chains[1];
	CHECK(f->pps > 99.9 && f->pps < 100.1);           /* (200 - 150) / 0.5 s */
	CHECK_INT(u->d_packets, 10);
	CHECK(u->pps > 19.9 && u->pps < 20.1);            /* (30 - 20) / 0.5 s */
	/* USER unwanted for two refreshes, then read again: 40 packets in
	 * 1.5 s, not in 0.5 s */
	model_update(&m, mk_fast(1500, 250, 30, true));
	model_update(&m, mk_fast(2000, 300, 30, true));
	model_update(&m, mk_fast(2500, 350, 70, false));
	u = &m.chains[1];
	CHECK_INT(u->d_packets, 40);
	CHECK(u->pps > 26.6 && u->pps < 26.7);
	model_free(&m);
}

int main(void)
{
	struct model m;
	const uint64_t s = 1000000000ull;

	model_init(&m);
	{
		struct spec a[] = { { 5, 10, true }, { 6, 20, true }, { 7, 0, false } };

		model_update(&m, mk(1 * s, a, 3, 4));
	}
	CHECK_INT(m.nchains, 1);
	CHECK_INT(m.chains[0].rules[0].d_packets, 0); /* first snapshot: no deltas */
	CHECK(!m.chains[0].hit);
	CHECK_INT(m.chains[0].total_packets, 34);

	/* Insert a new rule (handle 9) above handle 5; handle 5 gets +3. */
	{
		struct spec b[] = { { 9, 100, true }, { 5, 13, true }, { 6, 20, true }, { 7, 0, false } };

		model_update(&m, mk(3 * s, b, 4, 5));
	}
	CHECK_INT(m.chains[0].rules[0].d_packets, 0);   /* new rule: no delta */
	CHECK(!m.chains[0].rules[0].known);
	CHECK_INT(m.chains[0].rules[1].d_packets, 3);   /* handle 5, now at position 2 */
	CHECK(m.chains[0].rules[1].hit);
	CHECK_INT(m.chains[0].rules[2].d_packets, 0);   /* handle 6 unchanged */
	CHECK(!m.chains[0].rules[3].snap->counted);
	CHECK_INT(m.chains[0].d_policy_packets, 1);
	CHECK_INT(m.chains[0].d_packets, 4);
	CHECK(m.interval > 1.99 && m.interval < 2.01);
	CHECK(m.chains[0].rules[1].pps > 1.49 && m.chains[0].rules[1].pps < 1.51);
	CHECK(m.chains[0].hit);
	CHECK(m.chains[0].heat > 0.5);

	/* Baseline: shown counters start from zero, kernel counters untouched. */
	model_set_baseline(&m, true);
	CHECK_INT(model_rule_packets(&m.chains[0].rules[1]), 0);
	CHECK_INT(m.chains[0].rules[1].snap->packets, 13);
	{
		struct spec c[] = { { 9, 100, true }, { 5, 15, true }, { 6, 20, true }, { 7, 0, false } };

		model_update(&m, mk(4 * s, c, 4, 5));
	}
	CHECK_INT(model_rule_packets(&m.chains[0].rules[1]), 2);
	CHECK_INT(m.chains[0].total_packets, 2);

	/* iptables -Z: counters go down -> a reset, never a negative rate. */
	{
		struct spec d[] = { { 9, 0, true }, { 5, 1, true }, { 6, 0, true }, { 7, 0, false } };

		model_update(&m, mk(5 * s, d, 4, 0));
	}
	CHECK(m.chains[0].rules[1].reset);
	CHECK_INT(m.chains[0].rules[1].d_packets, 1);
	CHECK_INT(m.chains[0].rules[0].d_packets, 0);
	CHECK(m.chains[0].rules[1].pps >= 0);
	CHECK_INT(model_rule_packets(&m.chains[0].rules[1]), 1);

	/* Delete the rule above: handle 5 moves up, its delta stays its own. */
	{
		struct spec e[] = { { 5, 4, true }, { 6, 0, true }, { 7, 0, false } };

		model_update(&m, mk(6 * s, e, 3, 0));
	}
	CHECK_INT(m.chains[0].rules[0].snap->handle, 5);
	CHECK_INT(m.chains[0].rules[0].d_packets, 3);
	CHECK_INT(m.chains[0].rules[1].d_packets, 0);

	/* Heat cools down without hits. */
	{
		struct spec f[] = { { 5, 4, true }, { 6, 0, true }, { 7, 0, false } };
		double h0 = m.chains[0].heat;

		model_update(&m, mk(8 * s, f, 3, 0));
		CHECK(m.chains[0].heat < h0 / 4);
		CHECK(!m.chains[0].hit);
	}
	model_free(&m);
	test_glow();
	test_entered();
	test_fast_tick();
	return unit_status("unit-model");
}
