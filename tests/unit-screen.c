/*
 * unit-screen.c - the screen as a user sees it, without a terminal: the
 * synthetic Docker host (feed-demo.c) through the real model, views and
 * canvas, dumped as text and compared with tests/golden/ (UPDATE_GOLDEN=1
 * rewrites them); the diagram layout at many sizes (nothing outside the
 * canvas, nothing overlapping) including sizes below the minimum; the
 * keys walked through: open, follow a jump, back, filter, sort, zero; the
 * status line for each source state. Themes and keys: unit-ui.c. The
 * flows, the trace view, notes, zoom and bare mode: unit-screen-flows.c
 * and unit-screen-trace.c (sharing this harness, screen-harness.h).
 */
#include "config.h"

#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter.h>

#include "canvas.h"
#include "conntrack.h"
#include "feed.h"
#include "iptop.h"
#include "model.h"
#include "scene.h"
#include "ui.h"
#include "screen-harness.h"
#include "unit.h"
#include "view.h"

/* Compare the canvas with tests/golden/NAME.txt (screen-golden.c). */
void golden(const char *name, const struct canvas *c)
{
	unit_checks++;
	if (!golden_matches(name, c))
		unit_failures++;
}

/* ---- a model and a view stack fed by the demo ruleset --------------------------- */

void screen_tally(struct screen_count c)
{
	unit_checks += c.checks;
	unit_failures += c.failures;
}

struct model model;
struct view_stack st;
struct feed_trace trace_ft;
struct ct_table ct;
struct explain notes;
uint64_t ticks;

/* As the live collector does within a generation: a chain no view wants
 * (view_stack_want) keeps the rules, and so the counters, it had. */
static void keep_unwanted(struct snap_ruleset *rs, const struct snap_ruleset *prev)
{
	size_t i, j, k;

	for (i = 0; prev && i < rs->nchains; i++) {
		struct snap_chain *ch = &rs->chains[i];

		if (view_stack_want(ch, &st))
			continue;
		for (j = 0; j < prev->nchains; j++) {
			const struct snap_chain *pc = &prev->chains[j];

			if (pc->family != ch->family || strcmp(pc->table, ch->table) != 0 ||
			    strcmp(pc->name, ch->name) != 0 || pc->nrules != ch->nrules)
				continue;
			for (k = 0; k < ch->nrules; k++) {
				ch->rules[k].packets = pc->rules[k].packets;
				ch->rules[k].bytes = pc->rules[k].bytes;
			}
		}
	}
}

/* The loop's tick: conntrack first, then the ruleset. */
void feed_ticks(int n)
{
	while (n-- > 0) {
		struct snap_ruleset *rs;

		feed_demo_conntrack(&ct, ticks, (double)ticks * TICK_NS / 1e9);
		st.ctx.ct = &ct;
		model_ct_update(&model.ct, &ct);
		rs = feed_demo_ruleset(ticks, ticks * TICK_NS);
		keep_unwanted(rs, model.cur);
		model_update(&model, rs);
		view_stack_tick(&st);
		ticks++;
	}
}

void setup(int n)
{
	if (st.n)
		view_stack_free(&st);
	model_free(&model);
	model_init(&model);
	ct_table_free(&ct);
	ct_table_init(&ct);
	ticks = 0;
	view_stack_init(&st, &model, "net:[4026531840] (demo)", "nf_tables", 0, 500, "default");
	st.ctx.route = feed_demo_route;
	memset(&trace_ft, 0, sizeof(trace_ft));
	st.ctx.trace.feed = &trace_ft;
	st.ctx.notes = notes.n ? &notes : NULL;
	st.ctx.notes_error = "no notes installed (test)";
	feed_ticks(n);
}

void screen_trace_set(struct trace_state *ts)
{
	trace_ft.state = ts;
	model_trace_update(&model.trace, ts);
	view_trace_follow(&st.ctx.trace, &model.trace);
}

int act(enum ui_action a)
{
	struct ui_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.action = a;
	st.ctx.now_ns = LATER_NS / 2;
	return view_stack_event(&st, &ev);
}

/* Empty the open prompt, then type s into it (Enter is the caller's). */
void prompt_replace(const char *s)
{
	while (st.ctx.prompt[0])
		act(UI_ACT_TEXT_DEL);
	type(s);
}

void type(const char *s)
{
	struct ui_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.action = UI_ACT_TEXT;
	for (; *s; s++) {
		ev.ch = (unsigned char)*s;
		view_stack_event(&st, &ev);
	}
}

char *draw(struct canvas *c, int w, int h, bool ascii)
{
	canvas_init(c, w, h, ascii);
	st.ctx.now_ns = LATER_NS;
	view_frame_draw(&st, c);
	return canvas_dump(c, 0);
}

bool has(const char *text, const char *needle)
{
	return strstr(text, needle) != NULL;
}

/* ---- layout ------------------------------------------------------------------------- */

static bool overlap(const struct canvas_rect *a, const struct canvas_rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static bool inside(const struct canvas_rect *r, int w, int h)
{
	return r->x >= 0 && r->y >= 0 && r->x + r->w <= w && r->y + r->h <= h;
}

static bool point_in(const struct canvas_rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

static int layout_errors;

#define LCHECK(cond, ...) do { \
	unit_checks++; \
	if (!(cond)) { \
		unit_failures++; \
		if (layout_errors++ < 20) { \
			fprintf(stderr, "layout %dx%d %s: ", w, h, scene_layout_style_name(s->style)); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} \
} while (0)

static void check_layout(const struct scene *s, int w, int h)
{
	size_t i, j;
	int a, b, p;

	for (i = 0; i < s->nitems; i++) {
		const struct canvas_rect *r = &s->items[i].r;

		if (!r->w)
			continue;
		if (s->style == SCENE_LIST) {
			LCHECK(r->x >= 0 && r->x + r->w <= w, "item %zu sideways out", i);
			continue;
		}
		LCHECK(inside(r, w, h), "item %zu outside", i);
		for (j = i + 1; j < s->nitems; j++)
			if (s->items[j].r.w)
				LCHECK(!overlap(r, &s->items[j].r), "items %zu and %zu overlap", i, j);
	}
	if (s->style == SCENE_LIST) {
		int subs = 0, want = 0;

		/* Every chain of the tree has its row (a ranked tree's empty
		 * "+0 more" has none). */
		for (i = 0; i < s->nitems; i++)
			subs += (int)s->items[i].shown_subs;
		for (i = 0; i < s->nsubs; i++)
			want += s->subs[i].chain != SCENE_SUB_MORE || s->subs[i].more > 0;
		LCHECK(subs == want, "list subs %d of %d", subs, want);
		LCHECK(s->content_h == SCENE_NHOOKS + (int)s->nitems + subs, "list rows %d", s->content_h);
		return;
	}
	LCHECK(s->content_h <= h, "content %d rows", s->content_h);
	/* The chain tree: each drawn row inside its table's frame (a box: inside
	 * the box), on no table row and on no other tree row. */
	for (i = 0; i < s->nsubs; i++) {
		const struct scene_sub *sb = &s->subs[i];
		const struct scene_item *it = &s->items[sb->item];
		const struct canvas_rect *f = &s->hooks[it->hook].r;

		if (!sb->r.w)
			continue;
		LCHECK(sb->r.x > f->x && sb->r.y > f->y && sb->r.x + sb->r.w < f->x + f->w && sb->r.y < f->y + f->h - 1,
		       "tree row %zu not inside its frame", i);
		if (s->style == SCENE_BOXES)
			LCHECK(sb->r.y > it->r.y && sb->r.y < it->r.y + it->r.h - 1, "tree row %zu outside its box", i);
		for (j = 0; j < s->nitems; j++)
			if (s->items[j].r.w && s->style != SCENE_BOXES)
				LCHECK(!overlap(&sb->r, &s->items[j].r), "tree row %zu on table %zu", i, j);
		for (j = i + 1; j < s->nsubs; j++)
			if (s->subs[j].r.w)
				LCHECK(!overlap(&sb->r, &s->subs[j].r), "tree rows %zu and %zu overlap", i, j);
	}
	for (a = 0; a < SCENE_NHOOKS; a++) {
		const struct canvas_rect *f = &s->hooks[a].r;
		size_t k;

		LCHECK(inside(f, w, h), "frame %d outside", a);
		for (b = a + 1; b < SCENE_NHOOKS; b++)
			LCHECK(!overlap(f, &s->hooks[b].r), "frames %d and %d overlap", a, b);
		LCHECK(!overlap(f, &s->legend), "legend overlaps frame %d", a);
		for (k = 0; k < s->hooks[a].n; k++) {
			const struct canvas_rect *r = &s->items[s->hooks[a].first + k].r;

			if (r->w)
				LCHECK(r->x > f->x && r->y > f->y && r->x + r->w < f->x + f->w && r->y + r->h < f->y + f->h,
				       "item %zu of hook %d not inside its frame", k, a);
		}
		LCHECK(s->hooks[a].hidden || s->style != SCENE_ROWS || s->hooks[a].n == 0 ||
			       s->items[s->hooks[a].first + s->hooks[a].n - 1].r.w,
		       "hook %d hides items without saying so", a);
		for (i = 0; i < s->nnodes; i++) {
			struct canvas_rect t = { s->nodes[i].x, s->nodes[i].y,
						 canvas_width(s->nodes[i].text) + (s->nodes[i].kind == SCENE_NODE_ROUTE ? 2 : 0),
						 1 };

			LCHECK(!overlap(&t, f), "node %s overlaps frame %d", s->nodes[i].text, a);
		}
	}
	for (i = 0; i < s->nnodes; i++) {
		struct canvas_rect t = { s->nodes[i].x, s->nodes[i].y, canvas_width(s->nodes[i].text), 1 };

		LCHECK(inside(&t, w, h), "node %s outside", s->nodes[i].text);
	}
	/* Arrows stay on the canvas and never run through a table. */
	for (i = 0; i < s->narrows; i++) {
		const struct scene_arrow *ar = &s->arrows[i];

		for (p = 0; p < ar->n; p++) {
			LCHECK(ar->pt[p].x >= 0 && ar->pt[p].x < w && ar->pt[p].y >= 0 && ar->pt[p].y < h,
			       "arrow %zu point %d outside", i, p);
			for (j = 0; j < s->nitems; j++) {
				const struct canvas_rect *r = &s->items[j].r;
				struct canvas_rect in = { r->x + 1, r->y + 1, r->w - 2, r->h - 2 };

				if (s->style == SCENE_BOXES && r->w)
					LCHECK(!point_in(&in, ar->pt[p].x, ar->pt[p].y), "arrow %zu enters box %zu", i, j);
			}
		}
		/* No arrow between hooks through a frame (FORWARD grows between them). */
		for (p = 0; ar->item < 0 && s->style != SCENE_LIST && p + 1 < ar->n; p++)
			for (a = 0; a < SCENE_NHOOKS; a++) {
				const struct scene_point *u = &ar->pt[p], *v = &ar->pt[p + 1];
				const struct canvas_rect *f = &s->hooks[a].r;
				struct canvas_rect seg = { u->x < v->x ? u->x : v->x, u->y < v->y ? u->y : v->y,
							   abs(v->x - u->x) + 1, abs(v->y - u->y) + 1 };

				LCHECK(!overlap(&seg, &(struct canvas_rect){ f->x + 1, f->y + 1, f->w - 2, f->h - 2 }),
				       "arrow %zu crosses frame %d", i, a);
			}
	}
}

static void test_layout(void)
{
	const int modes[] = { 0, 4, 6 };
	bool seen[4] = { false };
	struct scene s;
	size_t m, i;
	int w, h;

	setup(2);
	scene_layout_init(&s);
	for (m = 0; m < ARRAY_SIZE(modes); m++)
		for (w = 1; w <= 240; w += (w < 90 ? 3 : 11))
			for (h = 1; h <= 80; h += (h < 30 ? 1 : 5)) {
				scene_layout_update(&s, model.cur, modes[m], w, h);
				seen[s.style] = true;
				check_layout(&s, w, h);
			}
	CHECK(seen[SCENE_LIST] && seen[SCENE_ROWS] && seen[SCENE_ROWS2] && seen[SCENE_BOXES]);
	/* Ranked by the demo's activity, zoomed (frames as wide as the body) or
	 * not: the same checks. */
	{
		uint64_t *act = xcalloc(model.nchains + 1, sizeof(*act));

		for (i = 0; i < model.nchains; i++)
			act[i] = model.chains[i].glow.lit_ns;
		for (m = 0; m < 2; m++)
			for (w = 1; w <= 260; w += (w < 90 ? 3 : 11))
				for (h = 1; h <= 80; h += (h < 30 ? 1 : 5)) {
					scene_layout_update_active(&s, model.cur, 0, w, h, m, act, model.nchains);
					check_layout(&s, w, h);
				}
		free(act);
	}

	/* Cached: the same size and topology is not laid out again. */
	CHECK(scene_layout_update(&s, model.cur, 0, 78, 21));
	CHECK(!scene_layout_update(&s, model.cur, 0, 78, 21));
	CHECK(scene_layout_update(&s, model.cur, 4, 78, 21));
	CHECK(scene_layout_update(&s, model.cur, 4, 80, 21));
	CHECK(!scene_layout_update(&s, model.cur, 4, 80, 21));

	/* Kernel order in a hook: priority, then family. */
	scene_layout_update(&s, model.cur, 0, 80, 21);
	CHECK_INT(s.style, SCENE_ROWS);
	CHECK_INT(s.hooks[NF_INET_LOCAL_IN].n, 5);
	CHECK_STR(s.items[s.hooks[NF_INET_LOCAL_IN].first + 0].label, "mangle\xe2\x82\x84");
	CHECK_STR(s.items[s.hooks[NF_INET_LOCAL_IN].first + 1].label, "filter\xe2\x82\x84");
	CHECK_STR(s.items[s.hooks[NF_INET_LOCAL_IN].first + 2].label, "filter\xe2\x82\x86");
	CHECK_STR(s.items[s.hooks[NF_INET_LOCAL_IN].first + 3].label, "firewalld filter_INPUT");
	CHECK_STR(s.items[s.hooks[NF_INET_LOCAL_IN].first + 3].short_label, "firewalld");
	CHECK_STR(s.items[s.hooks[NF_INET_LOCAL_IN].first + 4].label, "nat\xe2\x82\x84");
	/* One family: no subscripts, and the other family is gone. */
	scene_layout_update(&s, model.cur, 4, 80, 21);
	CHECK_INT(s.hooks[NF_INET_LOCAL_IN].n, 4);
	CHECK_STR(s.items[s.hooks[NF_INET_LOCAL_IN].first + 1].label, "filter");
	scene_layout_update(&s, model.cur, 6, 80, 21);
	CHECK_INT(s.hooks[NF_INET_PRE_ROUTING].n, 0);
	CHECK_INT(s.hooks[NF_INET_LOCAL_IN].n, 2);

	/* Arrows: down a column, across to the next. */
	scene_layout_update(&s, model.cur, 0, 80, 21);
	i = s.hooks[NF_INET_PRE_ROUTING].first;
	CHECK_INT(scene_layout_neighbour(&s, (long)i, 0, 1), (long)i + 1);
	CHECK_INT(scene_layout_neighbour(&s, (long)i, 0, -1), -1);
	CHECK_INT(s.items[scene_layout_neighbour(&s, (long)s.hooks[NF_INET_FORWARD].first, 1, 0)].hook,
		  NF_INET_POST_ROUTING);
	CHECK_INT(s.items[scene_layout_neighbour(&s, (long)(i + 2), 0, 1)].hook, NF_INET_LOCAL_IN);
	CHECK_INT(scene_layout_hit(&s, s.items[i].r.x + 1, s.items[i].r.y), (long)i);
	CHECK_INT(scene_layout_hit(&s, 0, 0), -1);

	/* No ruleset yet: nothing to lay out, nothing breaks. */
	CHECK(scene_layout_update(&s, NULL, 0, 80, 21));
	CHECK_INT(s.nitems, 0);
	scene_layout_free(&s);
}

/* A firewall with n native base chains on the input hook (and one on
 * each other hook), more than 80x24 can show. */
static struct snap_ruleset *crowded(int n)
{
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	int i;

	rs->status = SRC_OK;
	rs->chains = xcalloc((size_t)n + 4, sizeof(*rs->chains));
	for (i = 0; i < n + 4; i++) {
		struct snap_chain *ch = &rs->chains[rs->nchains++];

		ch->family = NFPROTO_INET;
		ch->table = xasprintf("t%02d", i);
		ch->name = xstrdup("c");
		ch->base = true;
		ch->hook = i < n ? NF_INET_LOCAL_IN : i - n + (i - n >= NF_INET_LOCAL_IN ? 1 : 0);
		ch->prio = i;
		ch->policy = NF_ACCEPT;
		ch->policy_counted = true;
		ch->instantiated = true;
	}
	snapshot_sort_chains(rs);
	return rs;
}

static void test_crowded(void)
{
	struct canvas c;
	struct scene s;
	char *d;
	int w, h;

	setup(0);
	model_update(&model, crowded(16));
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "\xe2\x94\x82 +8 more, c lists all \xe2\x94\x82"));
	CHECK(has(d, "t00 c"));
	CHECK(!has(d, "t15 c"));
	free(d);
	canvas_free(&c);
	scene_layout_init(&s);
	for (w = 40; w <= 200; w += 9)
		for (h = 8; h <= 70; h += 3) {
			scene_layout_update(&s, model.cur, 0, w, h);
			check_layout(&s, w, h);
		}
	scene_layout_free(&s);

	/* An empty firewall. */
	model_update(&model, xcalloc(1, sizeof(struct snap_ruleset)));
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "no base chains: the firewall is empty"));
	free(d);
	canvas_free(&c);
}

/* ---- screens ------------------------------------------------------------------------ */

static void test_golden(void)
{
	static const int sizes[][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 }, { 250, 70 } };
	struct canvas c;
	char name[64], *d;
	size_t i;

	/* Eight ticks: rates, heat and a little history. */
	setup(8);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "diagram-%dx%d", sizes[i][0], sizes[i][1]);
		d = draw(&c, sizes[i][0], sizes[i][1], false);
		golden(name, &c);
		/* Ghost slots where there is room (at 250x70 the boxes take it),
		 * never in place of a table. */
		CHECK(has(d, "security\xe2\x82\x86 (empty)") == (sizes[i][0] == 200));
		CHECK(has(d, "raw\xe2\x82\x84"));
		free(d);
		canvas_free(&c);
	}
	d = draw(&c, 80, 24, true);
	golden("diagram-80x24-ascii", &c);
	CHECK(!has(d, "\xe2")); /* nothing but ASCII */
	free(d);
	canvas_free(&c);
	free(draw(&c, 60, 20, false));
	golden("diagram-60x20", &c);
	canvas_free(&c);
	d = draw(&c, 20, 6, false);
	golden("small-20x6", &c);
	CHECK(has(d, "need at least 40\xc3\x97" "10"));
	free(d);
	canvas_free(&c);

	/* ip filter FORWARD: jumps, a verdict policy; the second rule selected. */
	view_open_chain(&st, snapshot_find_chain(model.cur, NFPROTO_IPV4, "filter", "FORWARD"));
	act(UI_ACT_DOWN);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "chain-%dx%d", sizes[i][0], sizes[i][1]);
		d = draw(&c, sizes[i][0], sizes[i][1], false);
		golden(name, &c);
		/* From 200 columns the diagram stays beside the chain. */
		CHECK(has(d, "PREROUTING ") == (sizes[i][0] >= VIEW_SPLIT_W));
		free(d);
		canvas_free(&c);
	}

	/* The firewalld chain: rules without counters, no policy counter. */
	setup(8);
	view_open_chain(&st, snapshot_find_chain(model.cur, NFPROTO_INET, "firewalld", "filter_INPUT"));
	d = draw(&c, 80, 24, false);
	golden("chain-firewalld-80x24", &c);
	CHECK(has(d, "n/a"));
	CHECK(has(d, "\xe2\x80\x94")); /* — */
	free(d);
	canvas_free(&c);
	/* A chain the kernel never created. */
	act(UI_ACT_BACK);
	view_open_chain(&st, snapshot_find_chain(model.cur, NFPROTO_IPV4, "nat", "INPUT"));
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "not instantiated"));
	free(d);
	canvas_free(&c);

	/* The list of chains and the help. */
	setup(8);
	act(UI_ACT_CHAINS);
	feed_ticks(2); /* the snapshot it asks for (REACT_SNAPSHOT), and one refresh */
	free(draw(&c, 80, 24, false));
	golden("chains-80x24", &c);
	canvas_free(&c);
	act(UI_ACT_HELP);
	free(draw(&c, 80, 24, false));
	golden("help-80x24", &c);
	canvas_free(&c);
}

/* Walk the keys a user would press and look at what the screen says. */
static void test_walk(void)
{
	struct canvas c;
	char *d;
	int r;

	setup(3);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "PREROUTING") && has(d, "POSTROUTING") && has(d, "routing") && has(d, "local process"));
	CHECK(has(d, "gen 42, changed 09:30:00 by dockerd[812]"));
	CHECK(has(d, "\xe2\x97\x8f ok"));
	free(d);
	canvas_free(&c);
	d = draw(&c, 120, 40, false);
	CHECK(has(d, "net:[4026531840] (demo) \xe2\x94\x82 nf_tables \xe2\x94\x82 7/262K flows \xe2\x94\x82 gen 42"));
	free(d);
	canvas_free(&c);

	/* Enter on the first box opens ip raw PREROUTING. */
	r = act(UI_ACT_ENTER);
	CHECK(r & REACT_SNAPSHOT);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "diagram \xe2\x80\xba ip raw PREROUTING"));
	CHECK(has(d, "policy ACCEPT"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_BACK);
	CHECK_INT(st.n, 1);

	/* The want function: base chains, and the chains on screen. */
	view_open_chain(&st, snapshot_find_chain(model.cur, NFPROTO_IPV4, "filter", "FORWARD"));
	CHECK(view_stack_want(snapshot_find_chain(model.cur, NFPROTO_IPV4, "filter", "INPUT"), &st));
	CHECK(!view_stack_want(snapshot_find_chain(model.cur, NFPROTO_IPV4, "filter", "DOCKER-USER"), &st));
	/* Enter on a jump follows it; the breadcrumb grows; Backspace returns. */
	act(UI_ACT_ENTER);
	CHECK_INT(st.n, 3);
	CHECK(view_stack_want(snapshot_find_chain(model.cur, NFPROTO_IPV4, "filter", "DOCKER-USER"), &st));
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "ip filter FORWARD \xe2\x80\xba DOCKER-USER"));
	CHECK(has(d, "-s 203.0.113.0/24 -j DROP"));
	free(d);
	canvas_free(&c);
	feed_ticks(1); /* the screen follows the chain across ticks */
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "-s 203.0.113.0/24 -j DROP"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_BACK);
	CHECK_INT(st.n, 2);
	/* Enter on a rule that jumps nowhere says so. */
	act(UI_ACT_END);
	act(UI_ACT_ENTER);
	CHECK_INT(st.n, 2);
	d = draw(&c, 80, 24, false);
	canvas_free(&c);
	free(d);
	st.ctx.now_ns = 0;
	canvas_init(&c, 80, 24, false);
	view_frame_draw(&st, &c);
	d = canvas_dump(&c, 0);
	CHECK(has(d, "jumps nowhere"));
	free(d);
	canvas_free(&c);

	/* Filter: type, rules hide; Enter keeps it, Esc drops it. */
	act(UI_ACT_FILTER);
	CHECK(st.ctx.prompting);
	CHECK_INT(view_stack_keyctx(&st), UI_CTX_PROMPT);
	type("docker0 -j");
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "filter: docker0 -j"));
	CHECK(has(d, "-i docker0 ! -o docker0 -j ACCEPT"));
	CHECK(!has(d, "-j DOCKER-USER"));
	CHECK(has(d, "/docker0 -j: 3 of 6"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_ACCEPT);
	CHECK(!st.ctx.prompting);
	act(UI_ACT_FIND_NEXT);
	act(UI_ACT_FILTER);
	act(UI_ACT_TEXT_DEL);
	act(UI_ACT_ACCEPT);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "/docker0 -: "));
	free(d);
	canvas_free(&c);
	/* Esc drops the filter, as the help says (not the old one back). */
	act(UI_ACT_FILTER);
	type("x");
	act(UI_ACT_CANCEL);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "-j DOCKER-USER") && !has(d, "of 6"));
	CHECK_STR(st.ctx.flash, "filter dropped");
	free(d);
	canvas_free(&c);

	/* Sort cycles; by packets, the busiest rule comes first. */
	act(UI_ACT_SORT);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "\xe2\x96\xbcpkts"));
	free(d);
	canvas_free(&c);
	/* ASCII: the marker is not a letter ("vpkts" read as a word). */
	d = draw(&c, 80, 24, true);
	CHECK(has(d, "*pkts") && !has(d, "vpkts"));
	golden("chain-sorted-80x24-ascii", &c);
	free(d);
	canvas_free(&c);
	act(UI_ACT_SORT_PREV);
	act(UI_ACT_SORT_NEXT);
	act(UI_ACT_SORT_NEXT);
	act(UI_ACT_SORT_NEXT);
	act(UI_ACT_SORT_NEXT);
	d = draw(&c, 80, 24, false);
	CHECK(!has(d, "\xe2\x96\xbc"));
	free(d);
	canvas_free(&c);

	/* z: counters since now (the kernel's stay); z again: a new
	 * baseline, not the kernel's totals; K: the kernel's totals. */
	st.ctx.now_wall = 1764151200.0; /* 10:00:00 UTC */
	act(UI_ACT_BASELINE);
	CHECK(model.baseline_set);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "since 10:00:00"));
	CHECK(has(d, "0     0") && has(d, "-j DOCKER-USER"));
	free(d);
	canvas_free(&c);
	feed_ticks(1);
	st.ctx.now_wall = 1764151260.0; /* 10:01:00 UTC */
	act(UI_ACT_BASELINE);
	CHECK(model.baseline_set);
	st.ctx.now_ns = 0;
	st.ctx.flash[0] = '\0';
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "since 10:01:00 (K: totals)"));
	golden("chain-baseline-80x24", &c);
	free(d);
	canvas_free(&c);
	act(UI_ACT_TOTALS);
	CHECK(!model.baseline_set);

	/* The list of chains: references; Enter opens one. */
	act(UI_ACT_CHAINS);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "DOCKER-ISOLATION-STAGE-1"));
	CHECK(has(d, "chains \xe2\x80\xba") == false);
	free(d);
	canvas_free(&c);
	/* Every count the list shows moves with each refresh, user chains
	 * too (they are not on the diagram): the order by packets is true. */
	feed_ticks(3);
	act(UI_ACT_SORT_PREV);
	free(draw(&c, 80, 24, false));
	golden("chains-fresh-80x24", &c);
	canvas_free(&c);
	act(UI_ACT_SORT_NEXT);
	act(UI_ACT_HOME);
	act(UI_ACT_ENTER);
	CHECK(view_stack_top(&st)->ops == &view_chain_ops);
	act(UI_ACT_DIAGRAM);
	CHECK_INT(st.n, 1);

	/* Family: IPv6 only hides the ip tables; both brings them back. */
	act(UI_ACT_FAMILY6);
	d = draw(&c, 80, 24, false);
	CHECK(!has(d, "raw") && has(d, "filter") && has(d, "IPv6 "));
	free(d);
	canvas_free(&c);
	act(UI_ACT_FAMILYB);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "raw\xe2\x82\x84"));
	free(d);
	canvas_free(&c);

	/* Pause, speed, theme, repaint, help, quit. */
	CHECK(act(UI_ACT_PAUSE) & REACT_TIMER);
	CHECK(st.ctx.paused);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "PAUSED"));
	free(d);
	canvas_free(&c);
	CHECK(act(UI_ACT_PAUSE) & REACT_SNAPSHOT);
	CHECK(act(UI_ACT_FASTER) & REACT_TIMER);
	CHECK_INT(st.ctx.interval_ms, 250);
	act(UI_ACT_SLOWER);
	act(UI_ACT_SLOWER);
	CHECK_INT(st.ctx.interval_ms, 1000);
	CHECK(act(UI_ACT_THEME) & REACT_THEME);
	CHECK_STR(st.ctx.theme_name, "light");
	CHECK(act(UI_ACT_REPAINT) & REACT_REPAINT);
	act(UI_ACT_HELP);
	CHECK(view_stack_top(&st)->ops == &view_help_ops);
	CHECK_INT(ui_keymap_lookup('q', view_stack_keyctx(&st)), UI_ACT_BACK);
	act(UI_ACT_BACK);
	CHECK_INT(st.n, 1);
	CHECK_INT(act(UI_ACT_BACK), REACT_NONE); /* Esc on the diagram does nothing */
	CHECK(act(UI_ACT_QUIT) & REACT_QUIT);

	/* A click on a box opens it. */
	{
		struct ui_event ev;
		const struct scene_item *it = &st.ctx.scene.items[2];

		free(draw(&c, 80, 24, false));
		canvas_free(&c);
		memset(&ev, 0, sizeof(ev));
		ev.action = UI_ACT_CLICK;
		ev.x = it->r.x + 2;
		ev.y = it->r.y + 1; /* body starts on row 1 */
		CHECK(view_stack_event(&st, &ev) & REACT_SNAPSHOT);
		CHECK(view_stack_top(&st)->ops == &view_chain_ops);
	}
}

/* The status line says what is wrong with the source. */
static void test_status(void)
{
	struct snap_ruleset *rs;
	struct canvas c;
	char *d;

	setup(0);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "waiting for the first snapshot"));
	free(d);
	canvas_free(&c);
	rs = feed_demo_ruleset(0, 0);
	rs->status = SRC_EPERM;
	rs->error = xstrdup("needs CAP_NET_ADMIN");
	model_update(&model, rs);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "\xe2\x97\x8f permission denied: needs CAP_NET_ADMIN"));
	free(d);
	canvas_free(&c);
	rs = feed_demo_ruleset(1, TICK_NS);
	rs->status = SRC_CHANGING;
	model_update(&model, rs);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "ruleset changing"));
	free(d);
	canvas_free(&c);
	rs = xcalloc(1, sizeof(*rs));
	rs->status = SRC_UNAVAILABLE;
	rs->error = xstrdup("nf_tables missing");
	model_update(&model, rs);
	d = draw(&c, 80, 24, false);
	CHECK(has(d, "unavailable: nf_tables missing"));
	CHECK(has(d, "no ruleset: see the status line below"));
	free(d);
	canvas_free(&c);
}

int main(void)
{
	char *dir, *cause = NULL;

	setenv("TZ", "UTC", 1);
	tzset();
	dir = xasprintf("%s/doc", srcdir());
	setenv("IPTOP_DATA_DIR", dir, 1);
	free(dir);
	if (explain_load(&notes, &cause) < 0) {
		fprintf(stderr, "unit-screen: %s\n", cause);
		unit_failures++;
		free(cause);
	}
	model_init(&model);
	ct_table_init(&ct);
	test_layout();
	test_crowded();
	test_golden();
	test_walk();
	test_status();
	screen_tally(test_screen_flows());
	screen_tally(test_screen_trace());
	screen_tally(test_screen_legacy());
	view_stack_free(&st);
	model_free(&model);
	ct_table_free(&ct);
	explain_free(&notes);
	return unit_status("unit-screen");
}
