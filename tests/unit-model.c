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
	return unit_status("unit-model");
}
