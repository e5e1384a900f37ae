/*
 * unit-screen-legacy.c - both backends on the diagram, without root: the
 * demo firewall (iptables-nft and nftables) plus iptables-legacy tables
 * made by hand the way collect-legacy.c hands them over (legacy chains,
 * x_tables priorities, synthesized handles), with both_backends set. The
 * legacy tables sit at their hooks next to the nf_tables ones, labelled
 * "(legacy)" or "L", in kernel order; the backends line warns; legacy and
 * nf_tables chains of the same name are separate boxes.
 */
#include "config.h"

#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "iptop.h"
#include "scene.h"
#include "screen-harness.h"
#include "unit.h"

#define LEGACY_BIT (1ULL << 63)

static const struct {
	const char *table, *name;
	int hook;
	int32_t prio;
	int policy;
	const char *rule;         /* one rule, or NULL */
	unsigned pps;             /* its packets per tick */
} legacy_chains[] = {
	{ "raw", "PREROUTING", NF_INET_PRE_ROUTING, -300, NF_ACCEPT, "-A PREROUTING -p icmp", 3 },
	{ "filter", "INPUT", NF_INET_LOCAL_IN, 0, NF_ACCEPT, "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT", 1 },
	{ "filter", "FORWARD", NF_INET_FORWARD, 0, NF_DROP, "-A FORWARD -j LEGACY-FWD", 20 },
	{ "filter", "OUTPUT", NF_INET_LOCAL_OUT, 0, NF_ACCEPT, NULL, 0 },
	{ "filter", "LEGACY-FWD", -1, 0, -1, "-A LEGACY-FWD -s 192.0.2.0/24 -j DROP", 2 },
};

/* The demo ruleset of a tick with the legacy tables added. */
static struct snap_ruleset *with_legacy(uint64_t tick)
{
	struct snap_ruleset *rs = feed_demo_ruleset(tick, tick * TICK_NS);
	size_t i, n = ARRAY_SIZE(legacy_chains);

	rs->chains = xreallocarray(rs->chains, rs->nchains + n, sizeof(*rs->chains));
	for (i = 0; i < n; i++) {
		struct snap_chain *ch = &rs->chains[rs->nchains++];

		memset(ch, 0, sizeof(*ch));
		ch->family = NFPROTO_IPV4;
		ch->table = xstrdup(legacy_chains[i].table);
		ch->name = xstrdup(legacy_chains[i].name);
		ch->handle = LEGACY_BIT | (i + 1);
		ch->base = legacy_chains[i].hook >= 0;
		ch->hook = legacy_chains[i].hook;
		ch->prio = legacy_chains[i].prio;
		ch->policy = legacy_chains[i].policy;
		ch->policy_counted = ch->base;
		ch->policy_packets = tick * 5;
		ch->policy_bytes = tick * 420;
		ch->instantiated = true;
		ch->legacy = true;
		if (legacy_chains[i].rule) {
			struct snap_rule *r = xcalloc(1, sizeof(*r));

			r->handle = LEGACY_BIT | (0x1000 + i);
			r->counted = true;
			r->packets = tick * legacy_chains[i].pps;
			r->bytes = r->packets * 84;
			r->text = xstrdup(legacy_chains[i].rule);
			if (strstr(r->text, "-j LEGACY-FWD"))
				r->target_chain = xstrdup("LEGACY-FWD");
			ch->rules = r;
			ch->nrules = 1;
		}
	}
	rs->legacy_status = SRC_OK;
	rs->both_backends = true;
	snapshot_sort_chains(rs);
	return rs;
}

static void legacy_ticks(int n)
{
	while (n-- > 0) {
		feed_demo_conntrack(&ct, ticks, (double)ticks * TICK_NS / 1e9);
		st.ctx.ct = &ct;
		model_update(&model, with_legacy(ticks));
		view_stack_tick(&st);
		ticks++;
	}
}

static long find_item(const struct scene *s, const char *table, int hook, bool legacy)
{
	const struct snap_ruleset *rs = model.cur;
	size_t i;

	for (i = 0; i < s->nitems; i++) {
		const struct snap_chain *ch = &rs->chains[s->items[i].chain];

		if (ch->family == NFPROTO_IPV4 && ch->hook == hook && ch->legacy == legacy &&
		    strcmp(ch->table, table) == 0)
			return (long)i;
	}
	return -1;
}

struct screen_count test_screen_legacy(void)
{
	static const int sizes[][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 } };
	struct canvas c;
	struct scene s;
	char name[64], *d;
	long nft, leg;
	size_t i;

	setup(0);
	legacy_ticks(8);

	/* Order in a hook: priority; at the same priority nf_tables first. */
	scene_layout_init(&s);
	scene_layout_update(&s, model.cur, 0, 200, 60);
	nft = find_item(&s, "filter", NF_INET_FORWARD, false);
	leg = find_item(&s, "filter", NF_INET_FORWARD, true);
	CHECK(nft >= 0 && leg >= 0);
	CHECK(leg == nft + 1);
	CHECK_STR(s.items[leg].label, "filter\xe2\x82\x84 (legacy)");
	CHECK_STR(s.items[leg].short_label, "filter\xe2\x82\x84 L");
	CHECK(s.items[leg].legacy && !s.items[nft].legacy);
	CHECK_STR(s.items[nft].label, "filter\xe2\x82\x84");
	leg = find_item(&s, "raw", NF_INET_PRE_ROUTING, true);
	CHECK(leg >= 0 && leg == (long)s.hooks[NF_INET_PRE_ROUTING].first + 1); /* after nft raw, same -300 */
	CHECK(s.both_backends && s.legacy && s.banner.w > 0);
	/* Regular chains are not on the diagram. */
	CHECK_INT(find_item(&s, "filter", -1, true), -1);
	/* One family: no subscript. */
	scene_layout_update(&s, model.cur, 4, 200, 60);
	leg = find_item(&s, "filter", NF_INET_LOCAL_IN, true);
	CHECK(leg >= 0);
	CHECK_STR(s.items[leg].label, "filter (legacy)");
	/* IPv6 only: no legacy table shows, but both backends still warn. */
	scene_layout_update(&s, model.cur, 6, 200, 60);
	CHECK(s.banner.w > 0 && s.both_backends);
	/* The list: the backends line is its first row. */
	scene_layout_update(&s, model.cur, 0, 44, 12);
	CHECK_INT(s.style, SCENE_LIST);
	CHECK_INT(s.banner.y, 0);
	CHECK_INT(s.hooks[NF_INET_PRE_ROUTING].r.y, 1);
	scene_layout_free(&s);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "diagram-legacy-%dx%d", sizes[i][0], sizes[i][1]);
		d = draw(&c, sizes[i][0], sizes[i][1], false);
		golden(name, &c);
		CHECK(has(d, "both"));
		free(d);
		canvas_free(&c);
	}
	d = draw(&c, 120, 40, true);
	golden("diagram-legacy-120x40-ascii", &c);
	CHECK(!has(d, "\xe2"));
	CHECK(has(d, "! iptables-legacy and nf_tables both hold rules (L: legacy)"));
	CHECK(has(d, "filter4 (legacy)") || has(d, "filter4 L"));
	free(d);
	canvas_free(&c);
	d = draw(&c, 44, 16, false);
	golden("diagram-legacy-44x16", &c);
	CHECK(has(d, "! both backends hold rules"));
	free(d);
	canvas_free(&c);

	/* Legacy and nf_tables filter FORWARD are two boxes, hit apart. (The
	 * chain view still opens chains by family, table and name, i.e. the
	 * nf_tables one: model_find_chain.) */
	free(draw(&c, 120, 40, false));
	canvas_free(&c);
	leg = find_item(&st.ctx.scene, "filter", NF_INET_FORWARD, true);
	nft = find_item(&st.ctx.scene, "filter", NF_INET_FORWARD, false);
	CHECK(leg >= 0 && nft >= 0 && st.ctx.scene.items[leg].r.w > 0);
	if (leg >= 0 && nft >= 0) {
		const struct canvas_rect *r = &st.ctx.scene.items[leg].r;

		CHECK_INT(scene_layout_hit(&st.ctx.scene, r->x + 1, r->y), leg);
		r = &st.ctx.scene.items[nft].r;
		CHECK_INT(scene_layout_hit(&st.ctx.scene, r->x + 1, r->y), nft);
	}

	{
		struct screen_count r = { unit_checks, unit_failures };

		return r;
	}
}
