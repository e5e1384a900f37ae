/*
 * unit-screen-legacy.c - both backends on the diagram, without root: the
 * demo firewall (iptables-nft and nftables) plus iptables-legacy tables
 * made by hand the way collect-legacy.c hands them over (legacy chains,
 * x_tables priorities, synthesized handles), with both_backends set. The
 * legacy tables sit at their hooks next to the nf_tables ones, labelled
 * "(legacy)" or "L", in kernel order; the backends line warns; legacy and
 * nf_tables chains of the same name are separate boxes. Enter on a legacy
 * box opens the legacy chain (not the nf_tables one of the same name), a
 * jump in it leads to the legacy target even where nf_tables has a chain
 * of that name, and the chain list labels legacy chains. Tracing: the
 * recorded --trace-legacy run (tests/fixtures/trace-legacy.nlmsg) in the
 * trace view with its "(legacy)" steps; without legacy tracing the view
 * says so and L asks first (the plan, y/n) before the loop is asked to
 * restart with legacy rules; a replay cannot.
 */
#include "config.h"

#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "feed.h"
#include "iptop.h"
#include "scene.h"
#include "screen-harness.h"
#include "trace.h"
#include "unit.h"

#define LEGACY_BIT (1ULL << 63)

static const struct {
	const char *table, *name;
	int hook;
	int32_t prio;
	int policy;
	const char *rule;         /* one rule, or NULL */
	unsigned pps;             /* its packets per tick */
	const char *rule2;        /* a second rule, or NULL (no counts) */
} legacy_chains[] = {
	{ "raw", "PREROUTING", NF_INET_PRE_ROUTING, -300, NF_ACCEPT, "-A PREROUTING -p icmp", 3, NULL },
	{ "filter", "INPUT", NF_INET_LOCAL_IN, 0, NF_ACCEPT, "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT", 1, NULL },
	{ "filter", "FORWARD", NF_INET_FORWARD, 0, NF_DROP, "-A FORWARD -j LEGACY-FWD", 20, NULL },
	{ "filter", "OUTPUT", NF_INET_LOCAL_OUT, 0, NF_ACCEPT, NULL, 0, NULL },
	{ "filter", "LEGACY-FWD", -1, 0, -1, "-A LEGACY-FWD -s 192.0.2.0/24 -j DROP", 2,
	  "-A LEGACY-FWD -j DOCKER-USER" },
	/* The name of an nf_tables chain of the demo (filter DOCKER-USER). */
	{ "filter", "DOCKER-USER", -1, 0, -1, "-A DOCKER-USER -s 198.51.100.0/24 -j DROP", 1, NULL },
};

/* "-A X ... -j CHAIN": CHAIN when it is one of the legacy chains above. */
static char *legacy_target(const char *rule)
{
	const char *j = strstr(rule, " -j ");
	size_t i;

	for (i = 0; j && i < ARRAY_SIZE(legacy_chains); i++)
		if (strcmp(j + 4, legacy_chains[i].name) == 0)
			return xstrdup(j + 4);
	return NULL;
}

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
			struct snap_rule *r = xcalloc(2, sizeof(*r));

			r->handle = LEGACY_BIT | (0x1000 + i);
			r->counted = true;
			r->packets = tick * legacy_chains[i].pps;
			r->bytes = r->packets * 84;
			r->text = xstrdup(legacy_chains[i].rule);
			r->target_chain = legacy_target(r->text);
			ch->rules = r;
			ch->nrules = 1;
			if (legacy_chains[i].rule2) {
				r[1].handle = LEGACY_BIT | (0x2000 + i);
				r[1].counted = true;
				r[1].text = xstrdup(legacy_chains[i].rule2);
				r[1].target_chain = legacy_target(r[1].text);
				ch->nrules = 2;
			}
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

/* A click on the box of item i of the diagram drawn last. */
static int click_item(long i)
{
	const struct canvas_rect *r = &st.ctx.scene.items[i].r;
	const struct view *top = view_stack_top(&st);
	struct ui_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.action = UI_ACT_CLICK;
	ev.x = top->body.x + r->x + 1;
	ev.y = top->body.y + r->y;
	return view_stack_event(&st, &ev);
}

/* The chain view opens the chain of the box's backend; jumps stay in it. */
static void test_legacy_chains(void)
{
	struct canvas c;
	long leg, nft;
	char *d;

	setup(0);
	legacy_ticks(8);
	free(draw(&c, 120, 40, false));
	canvas_free(&c);
	leg = find_item(&st.ctx.scene, "filter", NF_INET_FORWARD, true);
	nft = find_item(&st.ctx.scene, "filter", NF_INET_FORWARD, false);
	CHECK(leg >= 0 && nft >= 0);
	if (leg < 0 || nft < 0)
		return;

	/* The nf_tables box: the demo's FORWARD, no "(legacy)". */
	click_item(nft);
	CHECK(view_stack_top(&st)->ops == &view_chain_ops);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "iptop diagram \xe2\x80\xba ip filter FORWARD  "));
	CHECK(has(d, "-j DOCKER-USER") && !has(d, "LEGACY-FWD") && !has(d, "(legacy)"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_BACK);

	/* A click selected the legacy box and opened it; back, Enter opens it again. */
	click_item(leg);
	act(UI_ACT_BACK);
	CHECK(view_stack_top(&st)->ops == &view_diagram_ops);
	CHECK(act(UI_ACT_ENTER) & REACT_SNAPSHOT);
	CHECK(view_stack_top(&st)->ops == &view_chain_ops);
	d = draw(&c, 120, 40, false);
	golden("chain-legacy-120x40", &c);
	CHECK(has(d, "diagram \xe2\x80\xba ip filter FORWARD (legacy)"));
	CHECK(has(d, " ip filter FORWARD (legacy)  forward hook, priority 0"));
	CHECK(has(d, "-j LEGACY-FWD") && !has(d, "DOCKER-USER"));
	CHECK(has(d, "policy DROP"));
	free(d);
	canvas_free(&c);
	/* Only the legacy chain is kept fresh for it. */
	CHECK(!view_stack_want(snapshot_find_chain_in(model.cur, NFPROTO_IPV4, "filter", "LEGACY-FWD", true), &st));

	/* Enter follows the jump to the legacy LEGACY-FWD ... */
	CHECK(act(UI_ACT_ENTER) & REACT_SNAPSHOT);
	d = draw(&c, 80, 24, false);
	golden("chain-legacy-jump-80x24", &c);
	CHECK(has(d, "ip filter FORWARD (legacy) \xe2\x80\xba LEGACY-FWD"));
	CHECK(has(d, " ip filter LEGACY-FWD (legacy)  user chain"));
	CHECK(has(d, "-s 192.0.2.0/24 -j DROP") && has(d, "-j DOCKER-USER"));
	free(d);
	canvas_free(&c);
	CHECK(view_stack_want(snapshot_find_chain_in(model.cur, NFPROTO_IPV4, "filter", "LEGACY-FWD", true), &st));
	CHECK(!view_stack_want(snapshot_find_chain(model.cur, NFPROTO_IPV4, "filter", "DOCKER-USER"), &st));
	/* ... and from there to the legacy DOCKER-USER, not the nf_tables one. */
	act(UI_ACT_DOWN);
	act(UI_ACT_ENTER);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "FORWARD (legacy) \xe2\x80\xba LEGACY-FWD \xe2\x80\xba DOCKER-USER"));
	CHECK(has(d, " ip filter DOCKER-USER (legacy)  user chain"));
	CHECK(has(d, "-s 198.51.100.0/24 -j DROP"));
	CHECK(!has(d, "203.0.113.0/24")); /* the demo's nf_tables DOCKER-USER */
	free(d);
	canvas_free(&c);
	/* A tick later it is the same chain (found again by backend too). */
	legacy_ticks(1);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "-s 198.51.100.0/24 -j DROP") && !has(d, "203.0.113.0/24"));
	free(d);
	canvas_free(&c);

	/* The list of chains: legacy ones say so; the filter finds them by it. */
	act(UI_ACT_DIAGRAM);
	act(UI_ACT_CHAINS);
	act(UI_ACT_FILTER);
	type("legacy");
	act(UI_ACT_ACCEPT);
	d = draw(&c, 80, 24, false);
	golden("chains-legacy-80x24", &c);
	CHECK(has(d, "LEGACY-FWD (legacy)"));
	CHECK(has(d, "DOCKER-USER (legacy)"));
	CHECK(has(d, "FORWARD (legacy)"));
	CHECK(has(d, ", 6 legacy)"));
	free(d);
	canvas_free(&c);
	/* Enter on a row opens that legacy chain. */
	act(UI_ACT_HOME);
	act(UI_ACT_ENTER);
	CHECK(view_stack_top(&st)->ops == &view_chain_ops);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "chains \xe2\x80\xba ip ") && has(d, " (legacy)  "));
	free(d);
	canvas_free(&c);
	act(UI_ACT_DIAGRAM);
}

/* The recorded --trace-legacy run as the live session would hold it. */
static uint64_t fixture_last_ns;

/* Not this machine's interfaces: the same names everywhere. */
static const char *fixture_ifname(uint32_t idx, char *buf, void *arg)
{
	(void)arg;
	snprintf(buf, TRACE_IFNAMSIZ + 8, "if#%u", idx);
	return buf;
}

/* Its ruleset is in trace-legacy-ruleset.rec: legacy rule numbers map to
 * rules there. */
static struct trace_state *legacy_trace_fixture(void)
{
	char *path = xasprintf("%s/tests/fixtures/trace-legacy-ruleset.rec", srcdir());
	struct snap_ruleset *rs = NULL;
	struct trace_state *ts;
	char *cause = NULL;
	struct feed *f;

	f = feed_replay_open(path, &cause);
	free(path);
	free(cause);
	CHECK(f != NULL);
	if (f) {
		rs = f->ops->snapshot(f, NULL, NULL, NULL);
		feed_close(f);
	}
	ts = screen_trace_fixture("trace-legacy.nlmsg", rs, fixture_ifname, &fixture_last_ns);
	snapshot_ruleset_free(rs);
	return ts;
}

/* The packet with a step in a legacy chain named chain, or NULL. */
static const struct trace_packet *legacy_packet(const struct trace_state *ts, const char *chain)
{
	size_t i, k;

	for (i = 0; i < trace_state_count(ts); i++) {
		const struct trace_packet *p = trace_state_packet(ts, i);

		for (k = 0; k < p->nsteps; k++)
			if (p->steps[k].legacy && strcmp(p->steps[k].chain, chain) == 0)
				return p;
	}
	return NULL;
}

static void test_legacy_trace(void)
{
	static const char plan[] =
		"Tracing legacy rules changes this network namespace while iptop traces:\n"
		"  net.netfilter.nf_log.2 (IPv4): nf_log_ipv4 -> nfnetlink_log\n"
		"  iptop takes nfnetlink_log group 0 (ulogd must not be using it here).\n";
	struct trace_state *ts = legacy_trace_fixture();
	struct view_trace *tr = &st.ctx.trace;
	const struct trace_packet *p;
	struct canvas c;
	char *d;
	int r;

	CHECK(trace_state_count(ts) >= 4);
	setup(0);
	legacy_ticks(4);
	tr->live = true;
	trace_ft.clock_ns = fixture_last_ns + 1500000000ull;
	snprintf(trace_ft.filter, sizeof(trace_ft.filter), "-p icmp");
	snprintf(trace_ft.rule, sizeof(trace_ft.rule), "meta l4proto icmp");
	trace_state_set_notice(ts, "iptables-legacy tables exist here (ip raw, ip filter, ip nat): their rules are "
				   "not traced (--trace-legacy traces them)");

	/* The trace prompt says what this trace will not see. */
	act(UI_ACT_TRACE);
	CHECK(st.ctx.prompting && st.ctx.prompt_kind == VIEW_PROMPT_TRACE);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "trace: -p icmp"));
	CHECK(has(d, "legacy rules not traced (L in the trace view)"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_CANCEL);
	trace_ft.active = true;
	screen_trace_set(ts);

	/* Not traced: the view says so, with the session's notice. */
	act(UI_ACT_TRACE_VIEW);
	CHECK(view_trace_legacy_untraced(&st));
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "legacy rules are not traced: L traces them too"));
	CHECK(has(d, "iptables-legacy tables exist here (ip raw, ip filter, ip nat)"));
	free(d);
	canvas_free(&c);

	/* L: the loop is asked for the plan; the view shows it and asks. */
	r = act(UI_ACT_TRACE_LEGACY);
	CHECK((r & REACT_ACT) && st.act.kind == VIEW_ACT_TRACE_PLAN);
	st.act.kind = VIEW_ACT_NONE;
	view_trace_ask_legacy(&st, plan);
	CHECK(st.ctx.prompting && st.ctx.prompt_kind == VIEW_PROMPT_LEGACY);
	d = draw(&c, 80, 24, false);
	golden("trace-legacy-plan-80x24", &c);
	CHECK(has(d, "Trace iptables-legacy rules too?"));
	CHECK(has(d, "net.netfilter.nf_log.2 (IPv4): nf_log_ipv4 -> nfnetlink_log"));
	CHECK(has(d, "y: trace -p icmp with legacy rules too   n or Esc: change nothing"));
	CHECK(has(d, "trace iptables-legacy rules too (see above)?  y yes  n/Esc no"));
	free(d);
	canvas_free(&c);
	/* Other keys change nothing; n says no. */
	type("q");
	CHECK(st.ctx.prompting && view_stack_top(&st)->ops == &view_trace_ops);
	r = act(UI_ACT_ACCEPT);
	CHECK(!(r & REACT_ACT) && st.ctx.prompting);
	type("n");
	CHECK(!st.ctx.prompting && st.act.kind == VIEW_ACT_NONE && !tr->plan);
	CHECK(has(st.ctx.flash, "legacy rules stay untraced"));
	/* Esc is no too. */
	act(UI_ACT_TRACE_LEGACY);
	view_trace_ask_legacy(&st, plan);
	act(UI_ACT_CANCEL);
	CHECK(!st.ctx.prompting && st.act.kind != VIEW_ACT_TRACE_START);
	/* y: the loop restarts the trace, same filter, legacy rules too. */
	act(UI_ACT_TRACE_LEGACY);
	st.act.kind = VIEW_ACT_NONE;
	view_trace_ask_legacy(&st, plan);
	type("y");
	CHECK(!st.ctx.prompting && !tr->plan);
	CHECK(st.act.kind == VIEW_ACT_TRACE_START && st.act.on);
	CHECK_STR(st.act.text, "-p icmp");
	st.act.kind = VIEW_ACT_NONE;

	/* Traced (the feed says which bindings): the header, "(legacy)" steps. */
	snprintf(trace_ft.legacy, sizeof(trace_ft.legacy), "nf_log.2");
	trace_state_set_notice(ts, "net.netfilter.nf_log.2 (IPv4) set from nf_log_ipv4 to nfnetlink_log until the "
				   "trace stops");
	CHECK(!view_trace_legacy_untraced(&st));
	p = legacy_packet(ts, "LEG-FWD");
	CHECK(p != NULL);
	if (p) {
		size_t i, n = trace_state_count(ts);

		act(UI_ACT_HOME);
		for (i = 0; i < n && tr->sel != p->id; i++)
			act(UI_ACT_DOWN);
		CHECK(tr->sel == p->id);
	}
	d = draw(&c, 120, 40, false);
	golden("trace-legacy-120x40", &c);
	CHECK(has(d, "legacy rules traced too: nf_log.2 = nfnetlink_log until the trace stops (x)"));
	CHECK(has(d, "filter:LEG-FWD (legacy)"));
	CHECK(has(d, "filter:FORWARD (legacy)"));
	CHECK(!has(d, "L traces them"));
	free(d);
	canvas_free(&c);
	/* A legacy step's flash says so too. */
	act(UI_ACT_STEP_NEXT);
	act(UI_ACT_STEP_NEXT);
	CHECK(has(st.ctx.flash, "step 2/"));
	r = act(UI_ACT_TRACE_LEGACY);
	CHECK(!(r & REACT_ACT) && has(st.ctx.flash, "legacy rules are traced already"));
	/* t with a new filter keeps legacy rules traced. */
	act(UI_ACT_TRACE);
	d = draw(&c, 120, 40, false);
	CHECK(!has(d, "legacy rules not traced"));
	free(d);
	canvas_free(&c);
	type(" -d 203.0.113.1");
	act(UI_ACT_ACCEPT);
	CHECK(st.act.kind == VIEW_ACT_TRACE_START && st.act.on);
	CHECK_STR(st.act.text, "-p icmp -d 203.0.113.1");
	st.act.kind = VIEW_ACT_NONE;
	/* ... unless it reaches a family whose nf_log was not shown (IPv6). */
	snprintf(trace_ft.filter, sizeof(trace_ft.filter), "-4 -p icmp");
	act(UI_ACT_TRACE);
	prompt_replace("-p tcp");
	act(UI_ACT_ACCEPT);
	CHECK(st.act.kind == VIEW_ACT_TRACE_START && !st.act.on);
	st.act.kind = VIEW_ACT_NONE;
	snprintf(trace_ft.filter, sizeof(trace_ft.filter), "-p icmp");
	/* x stops (the loop: feed_trace_stop, nf_log restored). */
	r = act(UI_ACT_TRACE_STOP);
	CHECK((r & REACT_ACT) && st.act.kind == VIEW_ACT_TRACE_STOP);
	st.act.kind = VIEW_ACT_NONE;

	/* A replay cannot change tracing. */
	trace_ft.legacy[0] = '\0';
	tr->live = false;
	tr->replay = true;
	trace_ft.recorded = true;
	r = act(UI_ACT_TRACE_LEGACY);
	CHECK(!(r & REACT_ACT) && st.act.kind == VIEW_ACT_NONE && !st.ctx.prompting);
	CHECK(has(st.ctx.flash, "a replay cannot change tracing"));
	CHECK(!view_trace_legacy_untraced(&st));
	/* Nor a demo. */
	tr->replay = false;
	r = act(UI_ACT_TRACE_LEGACY);
	CHECK(!(r & REACT_ACT) && has(st.ctx.flash, "tracing needs a live namespace"));
	/* --trace-legacy: nothing to offer. */
	tr->live = true;
	tr->legacy_opt = true;
	CHECK(!view_trace_legacy_untraced(&st));
	r = act(UI_ACT_TRACE_LEGACY);
	CHECK(!(r & REACT_ACT));

	act(UI_ACT_DIAGRAM);
	memset(tr, 0, sizeof(*tr));
	tr->step = -1;
	trace_state_free(ts);
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

	/* Legacy and nf_tables filter FORWARD are two boxes, hit apart. */
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
	test_legacy_chains();
	test_legacy_trace();

	{
		struct screen_count r = { unit_checks, unit_failures };

		return r;
	}
}
