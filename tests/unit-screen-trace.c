/*
 * unit-screen-trace.c - tracing on screen without root: the recorded lab
 * run (tests/fixtures/trace-lab.nlmsg, see unit-trace.c) replayed into a
 * trace_state the way the loop's session fills one, over the demo model:
 * the trace view (packets newest first, a packet's path, stepping), the
 * path on the diagram (boxes lit in order, the dropping one red, the
 * routing decision, the reply and why it skips nat), the trace prompt
 * and its requests to the loop; and the projector keys, Z and D.
 */
#include "config.h"

#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "iptop.h"
#include "feed.h"
#include "record.h"
#include "trace.h"
#include "screen-harness.h"
#include "unit.h"

#define BR "br-5e1f0c3a9b2d"

/* The lab's rules that the fixture's packets pass, by handle, so steps
 * carry rule text (the full lab ruleset is in unit-trace.c). */
static const struct {
	const char *table, *chain;
	int hook;
	uint64_t handle;
	const char *text;
} lab_rules[] = {
	{ "raw", "PREROUTING", NF_INET_PRE_ROUTING, 2, "-A PREROUTING -p icmp" },
	{ "mangle", "PREROUTING", NF_INET_PRE_ROUTING, 2, "-A PREROUTING -p icmp" },
	{ "nat", "PREROUTING", NF_INET_PRE_ROUTING, 6, "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER" },
	{ "nat", "POSTROUTING", NF_INET_POST_ROUTING, 8, "-A POSTROUTING -s 172.20.0.0/16 ! -o " BR " -j MASQUERADE" },
	{ "filter", "FORWARD", NF_INET_FORWARD, 8, "-A FORWARD -j DOCKER-USER" },
	{ "filter", "FORWARD", NF_INET_FORWARD, 9, "-A FORWARD -j DOCKER-ISOLATION-STAGE-1" },
	{ "filter", "FORWARD", NF_INET_FORWARD, 10,
	  "-A FORWARD -o " BR " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT" },
	{ "filter", "FORWARD", NF_INET_FORWARD, 12, "-A FORWARD -i " BR " ! -o " BR " -j ACCEPT" },
	{ "filter", "DOCKER-USER", -1, 25, "-A DOCKER-USER -j RETURN" },
	{ "filter", "DOCKER-ISOLATION-STAGE-1", -1, 19,
	  "-A DOCKER-ISOLATION-STAGE-1 -i " BR " ! -o " BR " -j DOCKER-ISOLATION-STAGE-2" },
	{ "filter", "DOCKER-ISOLATION-STAGE-1", -1, 21, "-A DOCKER-ISOLATION-STAGE-1 -j RETURN" },
	{ "filter", "DOCKER-ISOLATION-STAGE-2", -1, 23, "-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP" },
	{ "filter", "DOCKER-ISOLATION-STAGE-2", -1, 24, "-A DOCKER-ISOLATION-STAGE-2 -j RETURN" },
};

static struct snap_ruleset *lab_rules_snapshot(void)
{
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	size_t i;

	rs->status = SRC_OK;
	rs->chains = xcalloc(ARRAY_SIZE(lab_rules), sizeof(*rs->chains));
	for (i = 0; i < ARRAY_SIZE(lab_rules); i++) {
		struct snap_chain *ch = snapshot_find_chain(rs, NFPROTO_IPV4, lab_rules[i].table, lab_rules[i].chain);

		if (!ch) {
			ch = &rs->chains[rs->nchains++];
			ch->family = NFPROTO_IPV4;
			ch->table = xstrdup(lab_rules[i].table);
			ch->name = xstrdup(lab_rules[i].chain);
			ch->base = lab_rules[i].hook >= 0;
			ch->hook = lab_rules[i].hook;
			ch->type = xstrdup(strcmp(lab_rules[i].table, "nat") == 0 ? "nat" : "filter");
			ch->policy = ch->base ? NF_ACCEPT : -1;
			ch->instantiated = true;
			ch->rules = xcalloc(8, sizeof(*ch->rules));
		}
		ch->rules[ch->nrules].handle = lab_rules[i].handle;
		ch->rules[ch->nrules].text = xstrdup(lab_rules[i].text);
		ch->nrules++;
	}
	return rs;
}

/* Interface names of the lab, by the index the recording has. */
static const char *lab_ifname(uint32_t idx, char *buf, void *arg)
{
	static const char *const names[] = { NULL, "lo", "docker0", BR, "vethc1a5e1f", "vethc2b0d17", "ens160" };

	(void)arg;
	snprintf(buf, TRACE_IFNAMSIZ + 8, "%s", idx < ARRAY_SIZE(names) && names[idx] ? names[idx] : "if?");
	return buf;
}

static uint64_t last_ns;

struct trace_state *screen_trace_fixture(const char *name, const struct snap_ruleset *rs,
					 const char *(*ifname)(uint32_t, char *, void *), uint64_t *last)
{
	char *path = xasprintf("%s/tests/fixtures/%s", srcdir(), name);
	struct trace_state *ts = trace_state_new();
	struct record_reader *rd;
	struct record_frame fr;
	char *cause = NULL;

	trace_state_set_ifname(ts, ifname, NULL);
	rd = record_reader_open(path, &cause);
	CHECK(rd != NULL);
	while (rd && record_reader_next(rd, &fr, &cause) == 1) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)fr.data;

		if (fr.type != REC_TRACE || fr.len < sizeof(*nlh) || nlh->nlmsg_len > fr.len)
			continue;
		trace_state_set_clock(ts, fr.t_ns + 1);
		trace_feed_msg(ts, nlh, rs);
		*last = fr.t_ns;
	}
	trace_complete_flush(ts);
	if (rd)
		record_reader_close(rd);
	free(cause);
	free(path);
	return ts;
}

static struct trace_state *replay_fixture(void)
{
	struct snap_ruleset *rs = lab_rules_snapshot();
	struct trace_state *ts = screen_trace_fixture("trace-lab.nlmsg", rs, lab_ifname, &last_ns);

	snapshot_ruleset_free(rs);
	return ts;
}

/* Draw with the clock 1.5 s after the last traced event (ages are stable). */
static char *draw_now(struct canvas *c, int w, int h)
{
	canvas_init(c, w, h, false);
	st.ctx.now_ns = last_ns + 1500000000ull;
	st.ctx.flash_until = 0; /* messages gone */
	view_frame_draw(&st, c);
	return canvas_dump(c, 0);
}

static const struct trace_packet *find(const struct trace_state *ts, const char *src, const char *dst, int type)
{
	size_t i;

	for (i = 0; i < trace_state_count(ts); i++) {
		const struct trace_packet *p = trace_state_packet(ts, i);

		if (p->pkt.valid && !strcmp(p->pkt.src, src) && !strcmp(p->pkt.dst, dst) &&
		    (type < 0 || (p->pkt.has_icmp && p->pkt.icmp_type == type)))
			return p;
	}
	return NULL;
}

/* Move the trace view's selection to packet id. */
static bool select_packet(uint64_t id)
{
	size_t i, n = trace_state_count(trace_ft.state);

	act(UI_ACT_HOME);
	for (i = 0; i < n && st.ctx.trace.sel != id; i++)
		act(UI_ACT_DOWN);
	return st.ctx.trace.sel == id;
}

/* The slot letter of the first cell on row y whose text starts with what. */
static char slot_at(const struct canvas *c, const char *text, const char *what)
{
	const char *line = strstr(text, what);
	const struct canvas_cell *cell;
	int y = 0, x = 0;
	const char *p;
	uint32_t ch;

	if (!line)
		return '?';
	for (p = text; p < line; p++)
		if (*p == '\n')
			y++;
	for (p = line; p > text && p[-1] != '\n'; p--)
		;
	while (p < line) {
		p += canvas_utf8_decode(p, &ch);
		x += canvas_glyph_width(ch);
	}
	cell = canvas_cell(c, x, y);
	return cell ? (cell->slot == SLOT_PATH ? 'P' : cell->slot == SLOT_ERROR ? 'e'
		       : cell->slot == SLOT_REPLY ? 'R' : '.') : '?';
}

/* The model's part for traced packets (model-trace.c): newest first by
 * id, what arrived since the previous update, a generation per set. */
static void test_model_trace(struct trace_state *ts)
{
	struct model_trace mt = { 0 };
	size_t i, n = trace_state_count(ts);
	unsigned gen;
	bool sorted;

	CHECK(n >= 3);
	model_trace_update(&mt, ts);
	CHECK_INT(mt.nrows, n);
	CHECK_INT(mt.fresh, n);
	CHECK(mt.total == trace_state_total(ts));
	for (i = 1; i < mt.nrows; i++)
		CHECK(model_trace_row(&mt, i - 1)->id > model_trace_row(&mt, i)->id);
	/* completion order is not id order in this fixture (originals wait
	 * for their replies): the fresh ones come in completion order */
	for (i = 0, sorted = true; i < n; i++) {
		CHECK(model_trace_fresh(&mt, i) == trace_state_packet(ts, i));
		sorted = sorted && (i == 0 || trace_state_packet(ts, i - 1)->id < trace_state_packet(ts, i)->id);
	}
	CHECK(!sorted);
	CHECK(model_trace_fresh(&mt, n) == NULL);
	CHECK(model_trace_row(&mt, n) == NULL);
	CHECK(model_trace_find(&mt, model_trace_row(&mt, 2)->id) == model_trace_row(&mt, 2));
	CHECK_INT(model_trace_row_of(&mt, model_trace_row(&mt, 1)->id), 1);
	CHECK(model_trace_find(&mt, 0) == NULL && model_trace_row_of(&mt, UINT64_MAX) == -1);
	gen = mt.gen;
	model_trace_update(&mt, ts); /* nothing new */
	CHECK_INT(mt.fresh, 0);
	CHECK_INT(mt.gen, gen);
	model_trace_update(&mt, NULL); /* the trace gone: another set */
	CHECK(mt.gen != gen && mt.nrows == 0 && mt.fresh == 0);
	CHECK(model_trace_find(&mt, 1) == NULL);
	gen = mt.gen;
	model_trace_update(&mt, ts);
	CHECK(mt.gen != gen && mt.fresh == n);
	model_trace_free(&mt);
}

static void test_trace_view(struct trace_state *ts)
{
	const struct trace_packet *req = find(ts, "172.20.0.2", "203.0.113.1", 8);
	const struct trace_packet *drop = find(ts, "172.20.0.2", "172.17.0.2", 8);
	struct canvas c;
	char *d;

	CHECK(req && drop);
	if (!req || !drop)
		return;
	setup(8);
	st.ctx.trace.live = true;
	trace_ft.active = true;
	screen_trace_set(ts);
	snprintf(trace_ft.filter, sizeof(trace_ft.filter), "-4");
	snprintf(trace_ft.rule, sizeof(trace_ft.rule), "meta nfproto ipv4");
	act(UI_ACT_TRACE_VIEW);
	CHECK(view_stack_top(&st)->ops == &view_trace_ops);
	CHECK(select_packet(req->id));
	d = draw_now(&c, 80, 24);
	golden("trace-80x24", &c);
	CHECK(has(d, "tracing -4"));
	CHECK(has(d, "ACCEPT SNAT\xe2\x86\x92" "203.0.113.10"));
	free(d);
	canvas_free(&c);
	{
		/* One step is "1 step", not "1 steps". */
		struct trace_packet *p = (struct trace_packet *)req;
		size_t n = p->nsteps;

		p->nsteps = 1;
		d = draw_now(&c, 80, 24);
		CHECK(has(d, ", 1 step:"));
		free(d);
		canvas_free(&c);
		p->nsteps = n;
	}
	{
		/* A packet no chain saw (no table of its family at its hooks):
		 * no route or verdict to show, and the screen says why. */
		struct trace_packet *p = (struct trace_packet *)req;
		size_t n = p->nsteps;
		int32_t v = p->verdict;
		enum trace_route r = p->route;

		p->nsteps = 0;
		p->verdict = -1;
		p->route = TRACE_ROUTE_UNKNOWN;
		d = draw_now(&c, 120, 40);
		CHECK(has(d, "no rule"));
		CHECK(has(d, "verdict  none: no chain saw this packet"));
		CHECK(has(d, "no steps: no chain saw it"));
		CHECK(!has(d, "0 steps"));
		CHECK(!has(d, "verdict  ?"));
		free(d);
		canvas_free(&c);
		p->nsteps = n;
		p->verdict = v;
		p->route = r;
	}
	d = draw_now(&c, 120, 40);
	golden("trace-120x40", &c);
	CHECK(has(d, "icmp 172.20.0.2\xe2\x86\x92" "203.0.113.1 echo-request"));
	CHECK(has(d, "DROP filter:DOCKER-ISOLATION-STAGE-2"));
	CHECK(has(d, "ACCEPT de-NAT\xe2\x86\x92" "172.20.0.2"));
	/* newest first */
	CHECK(strstr(d, " #2 ") < strstr(d, " #1 "));
	CHECK(has(d, "in " BR "  out ens160"));
	CHECK(has(d, "routing decision: FORWARD (" BR " \xe2\x86\x92 ens160)"));
	CHECK(has(d, "nat:POSTROUTING"));
	CHECK(has(d, "-j MASQ"));
	CHECK(has(d, "source 172.20.0.2 \xe2\x86\x92 203.0.113.10"));
	CHECK(has(d, "verdict  ACCEPT at nat:POSTROUTING"));
	free(d);
	canvas_free(&c);

	/* Step through it: the current step is highlighted, the flash says where. */
	act(UI_ACT_STEP_NEXT);
	act(UI_ACT_STEP_NEXT);
	CHECK_INT(st.ctx.trace.step, 1);
	CHECK(has(st.ctx.flash, "step 2/"));
	while (st.ctx.trace.step + 1 < (int)req->nsteps)
		act(UI_ACT_STEP_NEXT);
	act(UI_ACT_STEP_NEXT);   /* stays on the last */
	CHECK_INT(st.ctx.trace.step, (int)req->nsteps - 1);
	CHECK(has(st.ctx.flash, "nat:POSTROUTING"));
	d = draw_now(&c, 120, 40);
	golden("trace-step-120x40", &c);
	free(d);
	canvas_free(&c);
	while (st.ctx.trace.step >= 0)
		act(UI_ACT_STEP_PREV);

	/* A tall screen shows the diagram above the path. */
	d = draw_now(&c, 200, 60);
	CHECK(has(d, "PREROUTING") && has(d, "routing decision: FORWARD"));
	CHECK(has(d, " FORWARD "));
	free(d);
	canvas_free(&c);

	/* Enter: the path on the diagram; the reply beside it; why it skips nat. */
	act(UI_ACT_ENTER);
	CHECK_INT(st.n, 1);
	CHECK_INT(st.ctx.trace.sel, req->id);
	d = draw_now(&c, 120, 40);
	golden("diagram-path-120x40", &c);
	CHECK(has(d, "packet #1 172.20.0.2\xe2\x86\x92" "203.0.113.1"));
	CHECK(has(d, "ACCEPT at nat:POSTROUTING"));
	CHECK(has(d, " FORWARD "));
	CHECK(has(d, "r: its reply #"));
	CHECK(has(d, "conntrack de-NATs replies"));
	CHECK_INT(slot_at(&c, d, "1raw"), 'P');
	free(d);
	canvas_free(&c);
	d = draw_now(&c, 80, 24);
	golden("diagram-path-80x24", &c);
	free(d);
	canvas_free(&c);
	/* [ ] step on the diagram too. */
	act(UI_ACT_STEP_NEXT);
	d = draw_now(&c, 120, 40);
	CHECK(has(d, "step 1/"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_STEP_PREV);
	/* Esc takes the path off. */
	act(UI_ACT_BACK);
	CHECK_INT(st.ctx.trace.sel, 0);
	d = draw_now(&c, 120, 40);
	CHECK(!has(d, "packet #1"));
	free(d);
	canvas_free(&c);

	/* The dropped packet: the table that dropped it is red, INPUT stays dark. */
	act(UI_ACT_TRACE_VIEW);
	CHECK(select_packet(drop->id));
	act(UI_ACT_ENTER);
	d = draw_now(&c, 120, 40);
	CHECK(has(d, "DROP at"));
	CHECK(has(d, "filter:DOCKER-ISOLATION-STAGE-2"));
	CHECK(has(d, "\xe2\x9c\x97" "filter\xe2\x82\x84"));   /* ✗filter₄ */
	CHECK_INT(slot_at(&c, d, "\xe2\x9c\x97" "filter"), 'e');
	/* INPUT stays dark. */
	CHECK(slot_at(&c, d, "filter\xe2\x82\x84             0     0   68K") != 'P');
	free(d);
	canvas_free(&c);
	act(UI_ACT_BACK);

	/* e on a step: the rule and the chain it ran in. */
	act(UI_ACT_TRACE_VIEW);
	CHECK(select_packet(req->id));
	act(UI_ACT_STEP_NEXT);
	act(UI_ACT_EXPLAIN);
	d = draw_now(&c, 120, 40);
	CHECK(has(d, "raw: before connection tracking"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_DIAGRAM);
	screen_trace_set(NULL);
	trace_ft.active = false;
	st.ctx.trace.sel = 0;
	st.ctx.trace.step = -1;
}

/* p plays a packet: each hop in turn is the step shown, then its reply in
 * the reply's colour; the hops played are the packets' steps, in order. */
static void test_play(struct trace_state *ts)
{
	const struct trace_packet *req = find(ts, "172.20.0.2", "203.0.113.1", 8), *rep;
	uint64_t now = 1000000000ull;
	struct canvas c;
	size_t hops = 0, rhops = 0;
	int last = -1, guard;
	char *d;

	CHECK(req && req->reply);
	if (!req || !req->reply)
		return;
	rep = trace_state_find(ts, req->reply);
	screen_trace_set(ts);
	act(UI_ACT_TRACE_VIEW);
	CHECK(select_packet(req->id));
	st.ctx.now_ns = now;
	act(UI_ACT_PLAY);
	CHECK(st.ctx.trace.playing);
	CHECK_INT(st.n, 1);                 /* on the diagram */
	CHECK_INT(st.ctx.trace.step, 0);
	hops = 1;
	last = 0;
	for (guard = 0; st.ctx.trace.playing && guard < 1000; guard++) {
		CHECK(view_trace_play_timeout(&st, now) >= 0);
		now += 800000000ull;            /* one default hop (700 ms) later */
		if (!view_trace_play_tick(&st, now))
			continue;
		if (!st.ctx.trace.playing)
			break;
		if (st.ctx.trace.play_reply) {
			CHECK_INT(st.ctx.trace.sel, req->reply);
			if (rhops == 0)
				CHECK_INT(st.ctx.trace.step, 0);
			rhops++;
		} else {
			CHECK_INT(st.ctx.trace.step, last + 1);
			last = st.ctx.trace.step;
			hops++;
		}
		if (st.ctx.trace.play_reply && rhops == 1) {
			d = draw_now(&c, 120, 40);
			CHECK(has(d, "reply #"));
			free(d);
			canvas_free(&c);
		}
	}
	CHECK_INT(hops, req->nsteps);
	CHECK_INT(rhops, rep ? rep->nsteps : 0);
	CHECK(!st.ctx.trace.playing);
	CHECK_INT(st.ctx.trace.sel, req->id);   /* back on the request, whole path */
	CHECK_INT(st.ctx.trace.step, -1);
	CHECK_INT(view_trace_play_timeout(&st, now), -1);
	/* p again while playing stops */
	act(UI_ACT_PLAY);
	CHECK(st.ctx.trace.playing);
	act(UI_ACT_PLAY);
	CHECK(!st.ctx.trace.playing);
	act(UI_ACT_BACK);
	screen_trace_set(NULL);
	st.ctx.trace.sel = 0;
	st.ctx.trace.step = -1;
}

static void test_trace_keys(void)
{
	struct canvas c;
	char *d;
	int r;

	/* A demo or a replay cannot trace. */
	setup(2);
	r = act(UI_ACT_TRACE);
	CHECK(!(r & REACT_ACT));
	CHECK(!st.ctx.prompting);
	CHECK(has(st.ctx.flash, "tracing needs a live namespace"));
	act(UI_ACT_TRACE_VIEW);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "tracing needs a live namespace"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_DIAGRAM);

	/* Live: t asks for a filter; Enter hands it to the loop. */
	st.ctx.trace.live = true;
	act(UI_ACT_TRACE);
	CHECK(st.ctx.prompting && st.ctx.prompt_kind == VIEW_PROMPT_TRACE);
	type("-p icmp");
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "trace: -p icmp"));
	free(d);
	canvas_free(&c);
	r = act(UI_ACT_ACCEPT);
	CHECK(r & REACT_ACT);
	CHECK_INT(st.act.kind, VIEW_ACT_TRACE_START);
	CHECK_STR(st.act.text, "-p icmp");
	CHECK(view_stack_top(&st)->ops == &view_trace_ops);
	st.act.kind = VIEW_ACT_NONE;
	/* Esc cancels; so does t on an empty prompt. */
	act(UI_ACT_TRACE);
	act(UI_ACT_CANCEL);
	CHECK(!st.ctx.prompting && st.act.kind != VIEW_ACT_TRACE_START);
	act(UI_ACT_TRACE);
	prompt_replace("t");
	CHECK(!st.ctx.prompting && st.act.kind != VIEW_ACT_TRACE_START);
	/* An error from trace_start shows, the screen goes on. */
	snprintf(st.ctx.trace.error, sizeof(st.ctx.trace.error), "tracing needs CAP_NET_ADMIN");
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "tracing needs CAP_NET_ADMIN"));
	free(d);
	canvas_free(&c);
	st.ctx.trace.error[0] = '\0';
	/* x stops (the loop runs trace_stop); not tracing, it says so. */
	r = act(UI_ACT_TRACE_STOP);
	CHECK(!(r & REACT_ACT));
	CHECK(has(st.ctx.flash, "not tracing"));
	trace_ft.active = true;
	r = act(UI_ACT_TRACE_STOP);
	CHECK(r & REACT_ACT);
	CHECK_INT(st.act.kind, VIEW_ACT_TRACE_STOP);
	/* While tracing, every chain's rules are kept fresh (steps name them). */
	CHECK(view_stack_want(snapshot_find_chain(model.cur, NFPROTO_IPV4, "filter", "DOCKER-USER"), &st));
	trace_ft.active = false;
	st.act.kind = VIEW_ACT_NONE;
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "not tracing: t starts"));
	free(d);
	canvas_free(&c);
}

/* Z and D: for a projector. */
static void test_projector(void)
{
	struct canvas c;
	char *d;

	setup(8);
	act(UI_ACT_ZOOM);
	CHECK(st.ctx.zoom);
	d = draw(&c, 120, 40, false);
	golden("diagram-zoom-120x40", &c);
	CHECK_INT(st.ctx.scene.style, SCENE_ROWS2);
	CHECK(!has(d, "prio"));
	CHECK(!has(d, "\xe2\x96\x81")); /* no history */
	free(d);
	canvas_free(&c);
	act(UI_ACT_ZOOM);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "prio"));
	free(d);
	canvas_free(&c);

	act(UI_ACT_FLOWS);
	CHECK(act(UI_ACT_BARE) & REACT_REPAINT);
	CHECK_INT(st.n, 1);
	d = draw(&c, 80, 24, false);
	CHECK(!has(d, "iptop diagram"));
	CHECK(!has(d, "gen 42"));
	CHECK(!has(d, "? help"));
	CHECK(has(d, "POSTROUTING") && has(d, "local process"));
	free(d);
	canvas_free(&c);
	/* A prompt still gets its line. */
	act(UI_ACT_CHAINS);
	act(UI_ACT_FILTER);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "filter: "));
	free(d);
	canvas_free(&c);
	act(UI_ACT_CANCEL);
	act(UI_ACT_BARE);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "gen 42"));
	free(d);
	canvas_free(&c);
}

struct screen_count test_screen_trace(void)
{
	struct trace_state *ts = replay_fixture();
	struct screen_count r;

	CHECK(trace_state_count(ts) >= 15);
	test_model_trace(ts);
	test_trace_view(ts);
	test_play(ts);
	test_trace_keys();
	test_projector();
	trace_state_free(ts);
	r.checks = unit_checks;
	r.failures = unit_failures;
	return r;
}
