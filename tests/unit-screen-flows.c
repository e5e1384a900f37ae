/*
 * unit-screen-flows.c - the connections view on the demo's conntrack
 * table (feed-demo.c): goldens at 80x24 and 120x40, NAT visible, new and
 * closed flows marked, sort, filter, a flow's details with its routing
 * decision, accounting off, no conntrack at all, the status line's flow
 * count; and the notes 'e' shows for hooks, rules, policies and flows.
 */
#include "config.h"

#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "iptop.h"
#include "screen-harness.h"
#include "unit.h"

static void test_flows_golden(void)
{
	struct canvas c;
	char *d;

	setup(8);
	CHECK(act(UI_ACT_FLOWS) & REACT_SNAPSHOT);
	CHECK(view_stack_top(&st)->ops == &view_flows_ops);
	CHECK(view_stack_wants_flows(&st));
	d = draw(&c, 80, 24, false);
	golden("flows-80x24", &c);
	/* The MASQUERADE'd ping shows the address it leaves as. */
	CHECK(has(d, "SNAT 203.0.113.10"));
	CHECK(has(d, "DNAT \xe2\x86\x92" "172.17.0.2:80"));
	CHECK(has(d, "UNREPLIED"));
	CHECK(has(d, "diagram \xe2\x80\xba flows"));
	CHECK(has(d, "/262K flows"));
	free(d);
	canvas_free(&c);
	d = draw(&c, 120, 40, false);
	golden("flows-120x40", &c);
	/* Wide: the reply tuple, with the rewritten end painted. */
	CHECK(has(d, "198.51.100.20\xe2\x86\x92" "203.0.113.10 id 41"));
	CHECK(has(d, "172.17.0.2:80\xe2\x86\x92" "198.51.100.77:51544"));
	CHECK(has(d, "reply "));
	free(d);
	d = canvas_dump(&c, CANVAS_DUMP_SLOTS);
	CHECK(has(d, "xxxx")); /* SLOT_NAT letters in the slot grid */
	free(d);
	canvas_free(&c);
	/* f again goes back. */
	act(UI_ACT_FLOWS);
	CHECK_INT(st.n, 1);
	CHECK(!view_stack_wants_flows(&st));
}

/* The mouse (view_list_click): a header column sorts, a row selects, the
 * selected one opens, below the rows nothing. */
static void test_flows_click(void)
{
	struct ui_event ev;
	struct canvas c;
	char *d;
	const struct view *top;

	setup(8);
	act(UI_ACT_FLOWS);
	free(draw(&c, 120, 40, false));
	canvas_free(&c);
	top = view_stack_top(&st);
	memset(&ev, 0, sizeof(ev));
	ev.action = UI_ACT_CLICK;
	ev.x = top->body.x + 3;
	ev.y = top->body.y + 1; /* the header: proto */
	CHECK_INT(view_stack_event(&st, &ev), REACT_REDRAW);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "\xe2\x96\xbcproto"));
	free(d);
	canvas_free(&c);
	ev.y = top->body.y + top->body.h - 2; /* below the rows */
	CHECK_INT(view_stack_event(&st, &ev), REACT_NONE);
	act(UI_ACT_HOME);
	ev.y = top->body.y + 3; /* the second row: selected */
	CHECK_INT(view_stack_event(&st, &ev), REACT_REDRAW);
	CHECK(view_stack_top(&st)->ops == &view_flows_ops);
	view_stack_event(&st, &ev); /* again: its details */
	CHECK(view_stack_top(&st)->ops == &view_flow_ops);
}

static void test_flows_walk(void)
{
	struct canvas c;
	char *d;
	int i;

	setup(2);
	act(UI_ACT_FLOWS);
	/* Flows come and go: the DNS query appears (+) and is later closed (×). */
	for (i = 0; i < 6; i++) {
		feed_ticks(1);
		d = draw(&c, 120, 40, false);
		if (has(d, "\xc3\x97 udp") && has(d, "closed"))
			break;
		free(d);
		canvas_free(&c);
		d = NULL;
	}
	CHECK(d != NULL);
	free(d);
	canvas_free(&c);
	setup(7);
	act(UI_ACT_FLOWS);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "+ udp"));
	free(d);
	canvas_free(&c);

	/* Sort: every column in turn, the header marks it. */
	act(UI_ACT_SORT);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "\xe2\x96\xbcproto"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_SORT_PREV);
	act(UI_ACT_SORT_PREV);
	CHECK(has(st.ctx.flash, "sorted by bytes"));
	d = draw(&c, 200, 40, false);
	CHECK(has(d, "\xe2\x96\xbc" "bytes"));
	free(d);
	canvas_free(&c);

	/* Filter on a NAT kind: "masq" finds the SNAT flows only. */
	act(UI_ACT_FILTER);
	type("masq");
	act(UI_ACT_ACCEPT);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "SNAT 203.0.113.10"));
	CHECK(!has(d, "UNREPLIED"));
	CHECK(has(d, "/masq: "));
	free(d);
	canvas_free(&c);
	/* A port: the published one; Enter shows the details and the route. */
	act(UI_ACT_FILTER);
	prompt_replace(":8080");
	act(UI_ACT_ACCEPT);
	act(UI_ACT_HOME);
	act(UI_ACT_FILTER);
	prompt_replace("198.51.100.77");
	act(UI_ACT_ACCEPT);
	act(UI_ACT_ENTER);
	CHECK(view_stack_top(&st)->ops == &view_flow_ops);
	d = draw(&c, 80, 24, false);
	golden("flow-80x24", &c);
	CHECK(has(d, "DNAT: the destination 203.0.113.10:8080 is really 172.17.0.2:80"));
	CHECK(has(d, "FORWARD (unicast), out docker0, directly connected"));
	CHECK(has(d, "PREROUTING \xe2\x86\x92 FORWARD \xe2\x86\x92 POSTROUTING"));
	CHECK(has(d, "ESTABLISHED  [ASSURED]"));
	free(d);
	canvas_free(&c);
	/* The flow is followed across ticks. */
	feed_ticks(1);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "is really 172.17.0.2:80"));
	free(d);
	canvas_free(&c);
	/* The ssh flow is for this host: INPUT. */
	act(UI_ACT_BACK);
	act(UI_ACT_FILTER);
	prompt_replace(":22");
	act(UI_ACT_ACCEPT);
	act(UI_ACT_ENTER);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "INPUT (local), out lo"));
	CHECK(has(d, "none: the reply tuple is the original one reversed"));
	free(d);
	canvas_free(&c);
	/* Without a route function (a replay): said, not guessed. */
	st.ctx.route = NULL;
	act(UI_ACT_BACK);
	act(UI_ACT_ENTER);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "needs a live namespace"));
	free(d);
	canvas_free(&c);
}

static void test_flows_states(void)
{
	struct canvas c;
	size_t i;
	char *d;

	/* Accounting off: no counters, and the hint to turn it on. */
	setup(3);
	act(UI_ACT_FLOWS);
	ct.acct = false;
	for (i = 0; i < ct.nflows; i++)
		ct.flows[i].has_acct = false;
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "sysctl -w net.netfilter.nf_conntrack_acct=1"));
	CHECK(has(d, "\xe2\x80\x94"));
	free(d);
	canvas_free(&c);

	/* No conntrack in this feed: said on the view and the status line. */
	st.ctx.ct = NULL;
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "conntrack unavailable"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_DIAGRAM);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "\xe2\x94\x82 conntrack unavailable \xe2\x94\x82 gen 42"));
	free(d);
	canvas_free(&c);

	/* Not allowed: the reason, in the warning colour. */
	setup(1);
	{
		struct ct_table t;

		ct_table_init(&t);
		ct_table_set_status(&t, SRC_EPERM, "needs CAP_NET_ADMIN");
		st.ctx.ct = &t;
		d = draw(&c, 120, 40, false);
		CHECK(has(d, "conntrack: needs CAP_NET_ADMIN"));
		free(d);
		canvas_free(&c);
		act(UI_ACT_FLOWS);
		d = draw(&c, 80, 24, false);
		CHECK(has(d, "no connections tracked") || has(d, "no flows"));
		free(d);
		canvas_free(&c);
		st.ctx.ct = &ct;
		ct_table_free(&t);
	}
}

/* The demo flow whose original destination port is dport. */
static struct ct_flow *demo_flow(uint8_t proto, uint16_t dport)
{
	size_t i;

	for (i = 0; i < ct.nflows; i++)
		if (ct.flows[i].proto == proto && ct.flows[i].orig.dport == dport)
			return &ct.flows[i];
	return NULL;
}

/* Filter the list on pattern, open the first flow, draw its details
 * (80x24); Backspace goes back afterwards. */
static char *detail(struct canvas *c, const char *pattern)
{
	act(UI_ACT_FILTER);
	prompt_replace(pattern);
	act(UI_ACT_ACCEPT);
	act(UI_ACT_ENTER);
	return draw(c, 80, 24, false);
}

static void back(struct canvas *c, char *d)
{
	free(d);
	canvas_free(c);
	act(UI_ACT_BACK);
}

/* Zones, GRE keys, helpers, related flows, closed flows, the counts the
 * header and the filter give, labelled ids (issues 14 and 15). */
static void test_flows_extras(void)
{
	struct ct_flow *dns, *ssh, *web, *icmp;
	struct canvas c;
	size_t i;
	char *d;

	setup(3);
	act(UI_ACT_FLOWS);
	dns = demo_flow(IPPROTO_UDP, 53);
	ssh = demo_flow(IPPROTO_TCP, 22);
	web = demo_flow(IPPROTO_TCP, 443);
	for (i = 0, icmp = NULL; i < ct.nflows; i++)
		if (ct.flows[i].proto == IPPROTO_ICMP)
			icmp = &ct.flows[i];
	CHECK(dns && ssh && web && icmp);
	if (!dns || !ssh || !web || !icmp)
		return;
	/* a directional zone: the zone column comes before the tuples' room */
	dns->has_zone_orig = dns->has_zone_reply = true;
	dns->zone_orig = 9;
	dns->zone_reply = 11;
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "zone"));
	CHECK(has(d, "9/11"));
	CHECK(has(d, "seen reply"));
	CHECK(!has(d, "REPLIED ") || has(d, "UNREPLIED"));
	free(d);
	canvas_free(&c);
	/* timeouts as a person reads them; a closed flow has none left */
	d = draw(&c, 200, 40, false);
	CHECK(has(d, "4d23h"));
	CHECK(!has(d, "431"));
	free(d);
	canvas_free(&c);
	web->timeout = 30;
	ct_table_apply_event(&ct, web, CT_MSG_DESTROY, 1.0);
	web = demo_flow(IPPROTO_TCP, 443);
	CHECK(web && web->dying);
	if (!web)
		return;
	d = draw(&c, 200, 40, false);
	CHECK(!has(d, " 30s"));
	/* the header counts live flows, and so does the filter */
	CHECK(has(d, "6 flows of 262144"));
	CHECK(has(d, "(+2 closed)"));
	CHECK(has(d, "6/262K flows"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_FILTER);
	type("tcp");
	act(UI_ACT_ACCEPT);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "/tcp: 3 of 6 flows"));
	free(d);
	canvas_free(&c);
	/* GRE: the keys tell two tunnels apart */
	web->proto = IPPROTO_GRE;
	web->orig.sport = 0;
	web->orig.dport = 0x1234;
	d = detail(&c, "gre");
	CHECK(has(d, "srckey 0x0 dstkey 0x1234"));
	back(&c, d);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "keys 0x0\xe2\x86\x92" "0x1234"));
	free(d);
	canvas_free(&c);
	/* a helper, labels and a RELATED flow: both ends say so */
	snprintf(ssh->helper, sizeof(ssh->helper), "ftp");
	ssh->labels[1] = 1ull << 36;   /* label 100 */
	dns->has_master = true;
	dns->master_proto = ssh->proto;
	dns->master = ssh->orig;
	d = detail(&c, ":22");
	CHECK(has(d, "helper      ftp"));
	CHECK(has(d, "labels      100"));
	CHECK(has(d, "related     1 flow: conntrack id "));
	back(&c, d);
	d = detail(&c, ":53");
	CHECK(has(d, "zones       zone-orig 9  zone-reply 11"));
	CHECK(has(d, "master      tcp "));
	CHECK(has(d, ", helper ftp: RELATED"));
	back(&c, d);
	/* the ICMP id and the conntrack id, each named */
	d = detail(&c, "icmp");
	CHECK(has(d, "conntrack id "));
	CHECK(has(d, "ICMP id 41"));
	back(&c, d);
}

/* ---- notes ------------------------------------------------------------------------- */

/* Open the chain, select the rule whose text contains needle, press e. */
static char *explain_rule(uint8_t family, const char *table, const char *chain, const char *needle)
{
	struct canvas c;
	char *d = NULL;
	int i;

	act(UI_ACT_DIAGRAM);
	view_open_chain(&st, snapshot_find_chain(model.cur, family, table, chain));
	act(UI_ACT_HOME);
	for (i = 0; i < 20; i++) {
		free(d);
		d = draw(&c, 120, 40, false);
		canvas_free(&c);
		/* the selected row is the one in SLOT_SELECT; find by moving */
		if (has(d, needle)) {
			struct explain_keys ex;
			const struct view *top = view_stack_top(&st);

			memset(&ex, 0, sizeof(ex));
			top->ops->explain((struct view *)top, &st, &ex);
			if (has(ex.subject, needle))
				break;
		}
		act(UI_ACT_DOWN);
	}
	free(d);
	act(UI_ACT_EXPLAIN);
	d = draw(&c, 120, 40, false);
	canvas_free(&c);
	return d;
}

static void test_explain(void)
{
	struct canvas c;
	char *d;

	setup(4);
	CHECK(st.ctx.notes != NULL);
	if (!st.ctx.notes)
		return;
	/* A box on the diagram: its table and hook. */
	free(draw(&c, 80, 24, false));
	canvas_free(&c);
	act(UI_ACT_EXPLAIN);
	CHECK(view_stack_top(&st)->ops == &view_explain_ops);
	d = draw(&c, 80, 24, false);
	golden("explain-80x24", &c);
	CHECK(has(d, "raw: before connection tracking"));
	CHECK(has(d, "PREROUTING: every packet that arrives"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_BACK);
	CHECK_INT(st.n, 1);

	d = explain_rule(NFPROTO_IPV4, "filter", "FORWARD", "RELATED,ESTABLISHED");
	CHECK(has(d, "RELATED,ESTABLISHED: the return path"));
	free(d);
	d = explain_rule(NFPROTO_IPV4, "nat", "POSTROUTING", "MASQUERADE");
	CHECK(has(d, "once per connection"));
	CHECK(has(d, "nat: address translation, first packet only"));
	free(d);
	d = explain_rule(NFPROTO_IPV4, "filter", "FORWARD", "-j DOCKER-USER");
	CHECK(has(d, "DOCKER-USER: your rules before Docker's"));
	free(d);
	d = explain_rule(NFPROTO_IPV4, "filter", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2");
	CHECK(has(d, "DOCKER-ISOLATION-STAGE-2: entering another network"));
	free(d);
	d = explain_rule(NFPROTO_INET, "firewalld", "filter_INPUT", "iifname");
	CHECK(has(d, "An uncounted rule"));
	CHECK(has(d, "\"n/a\": no policy counter"));
	free(d);
	d = explain_rule(NFPROTO_IPV4, "nat", "INPUT", "nat INPUT");
	CHECK(has(d, "Not instantiated"));
	free(d);

	/* A flow: its NAT kind and state. */
	act(UI_ACT_DIAGRAM);
	act(UI_ACT_FLOWS);
	act(UI_ACT_FILTER);
	type("40123");
	act(UI_ACT_ACCEPT);
	act(UI_ACT_EXPLAIN);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "UNREPLIED"));
	CHECK(has(d, "Conntrack has seen packets in the original direction only"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_BACK);
	act(UI_ACT_FILTER);
	prompt_replace(":39000");
	act(UI_ACT_ACCEPT);
	act(UI_ACT_EXPLAIN);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "SNAT and DNAT on one flow"));
	CHECK(has(d, "ASSURED"));
	free(d);
	canvas_free(&c);
	/* e again closes it. */
	CHECK_INT(ui_keymap_lookup('e', view_stack_keyctx(&st)), UI_ACT_BACK);

	/* No notes installed: a message, not a crash. */
	act(UI_ACT_DIAGRAM);
	st.ctx.notes = NULL;
	act(UI_ACT_EXPLAIN);
	CHECK_INT(st.n, 1);
	CHECK(has(st.ctx.flash, "no notes installed"));
}

/* The shown pair "a/b" of a flow's packets, as draw_row formats it. */
static void packets_pair(const struct ct_flow *f, bool since_z, char *buf, size_t n)
{
	uint64_t p[2], b[2];
	char x[16], y[16];

	if (since_z) {
		model_ct_counts(&st.ctx.model->ct, f, p, b);
	} else {
		p[0] = f->packets[0];
		p[1] = f->packets[1];
	}
	view_fmt_count(x, sizeof(x), p[0]);
	view_fmt_count(y, sizeof(y), p[1]);
	snprintf(buf, n, " %s/%s ", x, y);
}

/* z: every flow's counters since then (a flow begun after it: since its
 * start), said in the header; K: the kernel's totals again (issue 15). */
static void test_flows_baseline(void)
{
	struct ct_flow *ssh, fresh;
	uint64_t base[2], p[2], b[2];
	struct canvas c;
	char want[48], *d;

	setup(6);
	act(UI_ACT_FLOWS);
	ssh = demo_flow(IPPROTO_TCP, 22);
	CHECK(ssh && ssh->has_acct && ssh->packets[0] > 0);
	if (!ssh)
		return;
	base[0] = ssh->packets[0];
	base[1] = ssh->packets[1];
	act(UI_ACT_BASELINE);
	CHECK(model.baseline_set);
	d = draw(&c, 200, 40, false);
	CHECK(has(d, "counts since "));
	CHECK(has(d, " 0/0 ")); /* nothing counted yet */
	free(d);
	canvas_free(&c);
	feed_ticks(2);
	ssh = demo_flow(IPPROTO_TCP, 22);
	CHECK(ssh && ssh->packets[0] > base[0]);
	if (!ssh)
		return;
	model_ct_counts(&st.ctx.model->ct, ssh, p, b);
	CHECK_INT(p[0], ssh->packets[0] - base[0]);
	CHECK_INT(p[1], ssh->packets[1] - base[1]);
	CHECK_INT(b[0], ssh->bytes[0] - (ssh->bytes[0] / ssh->packets[0]) * base[0]);
	packets_pair(ssh, true, want, sizeof(want));
	d = draw(&c, 200, 40, false);
	CHECK(has(d, want));
	packets_pair(ssh, false, want, sizeof(want));
	CHECK(!has(d, want));
	free(d);
	canvas_free(&c);
	/* its details say the same */
	act(UI_ACT_FILTER);
	prompt_replace(":50022");
	act(UI_ACT_ACCEPT);
	act(UI_ACT_ENTER);
	d = draw(&c, 120, 40, false);
	snprintf(want, sizeof(want), "%llu packets,", (unsigned long long)p[0]);
	CHECK(has(d, want));
	free(d);
	canvas_free(&c);
	act(UI_ACT_BACK);
	/* one id, another conntrack (ids are reused): counted from its start */
	fresh = *ssh;
	fresh.orig.sport++;
	model_ct_counts(&st.ctx.model->ct, &fresh, p, b);
	CHECK_INT(p[0], ssh->packets[0]);
	CHECK_INT(b[1], ssh->bytes[1]);
	/* z again: a new baseline, from now */
	act(UI_ACT_BASELINE);
	model_ct_counts(&st.ctx.model->ct, ssh, p, b);
	CHECK_INT(p[0] + p[1] + b[0] + b[1], 0);
	/* K: the kernel's totals */
	act(UI_ACT_TOTALS);
	CHECK(!model.baseline_set);
	d = draw(&c, 200, 40, false);
	CHECK(!has(d, "counts since"));
	packets_pair(ssh, false, want, sizeof(want));
	CHECK(has(d, want));
	free(d);
	canvas_free(&c);
	/* ASCII: the sort mark is '*', not a 'v' that reads as a letter */
	d = draw(&c, 120, 40, true);
	CHECK(has(d, "*pkt/s"));
	CHECK(!has(d, "vpkt/s"));
	free(d);
	canvas_free(&c);
}

struct screen_count test_screen_flows(void)
{
	struct screen_count r;

	test_flows_golden();
	test_flows_click();
	test_flows_walk();
	test_flows_states();
	test_flows_extras();
	test_flows_baseline();
	test_explain();
	r.checks = unit_checks;
	r.failures = unit_failures;
	return r;
}
