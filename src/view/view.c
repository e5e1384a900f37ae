/*
 * view.c - the view stack (the frame around it: view-frame.c), the text
 * prompt (a filter, a trace filter handed to the loop, or y/n to trace
 * iptables-legacy rules too), the keys that
 * mean the same everywhere (quit, help, views, tracing, notes, family,
 * pause, speed, baseline, theme, zoom, bare). Number formatting, filter
 * matching and the stack's primitives the views use: view-common.c.
 * No curses, no clock, no sockets: tracing, observing and replays are
 * asked of the loop with a view action (view_stack_act).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "iptop.h"
#include "trace.h"
#include "view.h"

static const int intervals_ms[] = { 100, 200, 250, 500, 1000, 2000, 3000, 5000, 10000 };

/* ---- the stack ------------------------------------------------------------------- */

void view_stack_init(struct view_stack *st, struct model *m, const char *netns_label, const char *backend,
		     int family_mode, int interval_ms, const char *theme_name)
{
	static const struct feed_trace no_trace;

	memset(st, 0, sizeof(*st));
	st->ctx.trace.feed = &no_trace;
	st->ctx.model = m;
	st->ctx.netns_label = netns_label;
	st->ctx.backend = backend;
	st->ctx.family_mode = family_mode;
	st->ctx.interval_ms = interval_ms > 0 ? interval_ms : 500;
	snprintf(st->ctx.theme_name, sizeof(st->ctx.theme_name), "%s", theme_name ? theme_name : "default");
	st->ctx.trace.step = -1;
	scene_layout_init(&st->ctx.scene);
	view_stack_push(st, view_diagram_new());
}

void view_stack_free(struct view_stack *st)
{
	while (st->n)
		view_stack_pop(st);
	scene_layout_free(&st->ctx.scene);
	free(st->ctx.trace.plan);
	st->ctx.trace.plan = NULL;
}

bool view_stack_wants_flows(const struct view_stack *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (st->v[i]->ops->flows)
			return true;
	return false;
}

bool view_stack_want(const struct snap_chain *ch, void *arg)
{
	struct view_stack *st = arg;
	size_t i;

	/* Tracing names rules in any chain a packet passes: keep them all fresh. */
	if (ch->base || st->ctx.trace.feed->active)
		return true;
	for (i = 0; i < st->n; i++)
		if (st->v[i]->ops->wants && st->v[i]->ops->wants(st->v[i], ch))
			return true;
	return false;
}

void view_stack_tick(struct view_stack *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (st->v[i]->ops->tick)
			st->v[i]->ops->tick(st->v[i], st);
}

/* ---- global keys ----------------------------------------------------------------- */

static int change_interval(struct view_stack *st, int dir)
{
	int cur = st->ctx.interval_ms, next = cur;
	size_t i;

	if (dir < 0) {
		for (i = ARRAY_SIZE(intervals_ms); i-- > 0;)
			if (intervals_ms[i] < cur) {
				next = intervals_ms[i];
				break;
			}
	} else {
		for (i = 0; i < ARRAY_SIZE(intervals_ms); i++)
			if (intervals_ms[i] > cur) {
				next = intervals_ms[i];
				break;
			}
	}
	if (next == cur) {
		view_stack_flash(st, SLOT_WARN, "refresh stays at every %.1fs", cur / 1000.0);
		return REACT_REDRAW;
	}
	st->ctx.interval_ms = next;
	view_stack_flash(st, SLOT_HINT, "refresh every %.1fs", next / 1000.0);
	return REACT_REDRAW | REACT_TIMER;
}

static const char *family_text(int mode)
{
	return mode == 4 ? "IPv4" : mode == 6 ? "IPv6" : "IPv4+IPv6";
}

static bool top_is(const struct view_stack *st, const struct view_ops *ops)
{
	const struct view *top = view_stack_top(st);

	return top && top->ops == ops;
}

static int explain(struct view_stack *st)
{
	struct view *top = view_stack_top(st);
	struct explain_keys ex;
	size_t i;

	if (!st->ctx.notes) {
		view_stack_flash(st, SLOT_WARN, "%s", st->ctx.notes_error ? st->ctx.notes_error : "no notes installed");
		return REACT_REDRAW;
	}
	memset(&ex, 0, sizeof(ex));
	if (top->ops->explain)
		top->ops->explain(top, st, &ex);
	for (i = 0; i < ex.n; i++)
		if (explain_find(st->ctx.notes, ex.keys[i]))
			break;
	if (i == ex.n) {
		view_stack_flash(st, SLOT_WARN, "%s", ex.n ? "no note on this one (doc/explain.txt has the notes)"
							   : "nothing selected to explain");
		return REACT_REDRAW;
	}
	view_stack_push(st, view_explain_new(&ex));
	return REACT_REDRAW;
}

static int global_action(struct view_stack *st, const struct ui_event *ev)
{
	struct view_ctx *ctx = &st->ctx;
	struct view *top = view_stack_top(st);
	char when[32];

	switch (ev->action) {
	case UI_ACT_QUIT:
		return REACT_QUIT;
	case UI_ACT_HELP:
		if (top->ops != &view_help_ops)
			view_stack_push(st, view_help_new());
		return REACT_REDRAW;
	case UI_ACT_BACK:
		if (st->n > 1) {
			view_stack_pop(st);
			return REACT_REDRAW;
		}
		return REACT_NONE; /* Esc at the top does nothing: q quits */
	case UI_ACT_DIAGRAM:
		while (st->n > 1)
			view_stack_pop(st);
		return REACT_REDRAW;
	case UI_ACT_FLOWS:
		/* f again, in the flows or a flow's details, goes back before them. */
		if (top_is(st, &view_flows_ops) || top_is(st, &view_flow_ops)) {
			while (st->n > 1 && (top_is(st, &view_flows_ops) || top_is(st, &view_flow_ops)))
				view_stack_pop(st);
			return REACT_REDRAW;
		}
		view_stack_push(st, view_flows_new());
		return REACT_REDRAW | REACT_SNAPSHOT;
	case UI_ACT_TRACE:
	case UI_ACT_TRACE_VIEW:
	case UI_ACT_TRACE_STOP:
	case UI_ACT_TRACE_LEGACY:
		return view_trace_keys_global(st, ev->action);
	case UI_ACT_EXPLAIN:
		return explain(st);
	case UI_ACT_ZOOM:
		ctx->zoom = !ctx->zoom;
		view_stack_flash(st, SLOT_HINT, "%s", ctx->zoom ? "zoom: bigger diagram, fewer details (Z again: normal)"
							   : "zoom off");
		return REACT_REDRAW;
	case UI_ACT_BARE:
		ctx->bare = !ctx->bare;
		if (ctx->bare)
			while (st->n > 1)
				view_stack_pop(st);
		view_stack_flash(st, SLOT_HINT, "%s", ctx->bare ? "only the diagram: D brings the bars back" : "bars back");
		return REACT_REDRAW | REACT_REPAINT;
	case UI_ACT_CHAINS:
		if (top->ops != &view_chains_ops)
			view_stack_push(st, view_chains_new());
		return REACT_REDRAW | REACT_SNAPSHOT;
	case UI_ACT_FAMILY4:
	case UI_ACT_FAMILY6:
	case UI_ACT_FAMILYB:
		ctx->family_mode = ev->action == UI_ACT_FAMILY4 ? 4 : ev->action == UI_ACT_FAMILY6 ? 6 : 0;
		view_stack_flash(st, SLOT_HINT, "showing %s chains (and inet)", family_text(ctx->family_mode));
		return REACT_REDRAW;
	case UI_ACT_PAUSE:
		ctx->paused = !ctx->paused;
		view_stack_flash(st, ctx->paused ? SLOT_WARN : SLOT_HINT, "%s",
				 ctx->paused ? "paused: space resumes" : "resumed");
		return REACT_REDRAW | REACT_TIMER | (ctx->paused ? 0 : REACT_SNAPSHOT);
	case UI_ACT_STEP:
		if (!ctx->paused) {
			ctx->paused = true;
			view_stack_flash(st, SLOT_WARN, "%s", "paused: . steps, space resumes");
			return REACT_REDRAW | REACT_TIMER;
		}
		return REACT_REDRAW | REACT_STEP;
	case UI_ACT_FASTER:
		return change_interval(st, -1);
	case UI_ACT_SLOWER:
		return change_interval(st, 1);
	case UI_ACT_BASELINE:
		if (!ctx->model->cur)
			return REACT_NONE;
		/* Always a new baseline: pressed again mid-demo, it re-zeroes
		 * (K goes back to the kernel's totals). */
		model_set_baseline(ctx->model, true);
		{
			time_t t = (time_t)ctx->now_wall;
			struct tm tm;

			ctx->baseline_wall = ctx->now_wall;
			strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
			view_stack_flash(st, SLOT_HINT, "counters from %s on (K: the kernel's totals)", when);
		}
		return REACT_REDRAW;
	case UI_ACT_REPLAY_RESTART:
	case UI_ACT_SEEK_BACK:
	case UI_ACT_SEEK_FWD:
	case UI_ACT_CHAPTERS:
	case UI_ACT_MARK:
		return view_replay_action(st, ev);
	case UI_ACT_OBSERVE:
		if (!ctx->observe_live) {
			view_stack_flash(st, SLOT_WARN, "%s", "hooks can be observed live only (a recording shows them "
							       "when it was made observing)");
			return REACT_REDRAW;
		}
		return view_stack_act(st, &(struct view_act){ .kind = VIEW_ACT_OBSERVE, .on = !ctx->observing }) |
		       REACT_SNAPSHOT;
	case UI_ACT_OWN:
		ctx->own = !ctx->own;
		view_stack_flash(st, SLOT_HINT, "%s", ctx->own ? "iptop's own tables shown (dim): i hides them"
							  : "iptop's own tables hidden: i shows them");
		return REACT_REDRAW;
	case UI_ACT_TOTALS:
		if (!ctx->model->cur)
			return REACT_NONE;
		model_set_baseline(ctx->model, false);
		view_stack_flash(st, SLOT_HINT, "%s", "counters: the kernel's totals (z sets a baseline)");
		return REACT_REDRAW;
	case UI_ACT_THEME:
		snprintf(ctx->theme_name, sizeof(ctx->theme_name), "%s", ui_theme_next(ctx->theme_name));
		return REACT_THEME | REACT_REDRAW;
	case UI_ACT_REPAINT:
		return REACT_REPAINT | REACT_REDRAW;
	case UI_ACT_RESIZE:
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

static void prompt_delete(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && ((unsigned char)s[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	s[n] = '\0';
}

static void prompt_add(char *s, size_t size, uint32_t ch)
{
	size_t n = strlen(s);
	char b[4];
	int len = canvas_utf8_encode(ch, b);

	if (n + (size_t)len < size) {
		memcpy(s + n, b, (size_t)len);
		s[n + (size_t)len] = '\0';
	}
}

/* Typing and deleting in a prompt; false for any other key. */
static bool prompt_edit(struct view_ctx *ctx, const struct ui_event *ev)
{
	if (ev->action == UI_ACT_TEXT) {
		if (ev->ch >= 0x20)
			prompt_add(ctx->prompt, sizeof(ctx->prompt), ev->ch);
		return true;
	}
	if (ev->action == UI_ACT_TEXT_DEL) {
		prompt_delete(ctx->prompt);
		return true;
	}
	return false;
}

/* Does a new trace filter stay within the families whose nf_log bindings
 * the user let legacy tracing change (L)? Then it traces legacy rules too;
 * else L asks again, with what the new filter would change. */
static bool legacy_carries(const char *old, const char *next)
{
	struct trace_filter a, b;
	char *ca = NULL, *cb = NULL;
	bool ok = trace_filter_parse(old, &a, &ca) == 0 && trace_filter_parse(next, &b, &cb) == 0 &&
		  (!a.nfproto || a.nfproto == b.nfproto);

	free(ca);
	free(cb);
	return ok;
}

/* The trace prompt: nothing happens until Enter; Esc, or t on an empty
 * prompt (no filter starts with t), cancels. */
static int trace_prompt(struct view_stack *st, const struct ui_event *ev)
{
	struct view_ctx *ctx = &st->ctx;

	if (ev->action == UI_ACT_TEXT && ev->ch == 't' && !ctx->prompt[0]) {
		ctx->prompting = false;
		view_stack_flash(st, SLOT_HINT, "%s", "no trace started");
		return REACT_REDRAW;
	}
	if (prompt_edit(ctx, ev))
		return REACT_REDRAW;
	switch (ev->action) {
	case UI_ACT_CANCEL:
		ctx->prompting = false;
		view_stack_flash(st, SLOT_HINT, "%s", "no trace started");
		return REACT_REDRAW;
	case UI_ACT_ACCEPT: {
		/* A new filter keeps what the user agreed to (L): legacy rules
		 * stay traced until x stops the trace. */
		struct view_act a = { .kind = VIEW_ACT_TRACE_START,
				      .on = ctx->trace.feed->legacy[0] && legacy_carries(ctx->trace.feed->filter, ctx->prompt) };

		ctx->prompting = false;
		snprintf(a.text, sizeof(a.text), "%s", ctx->prompt);
		if (!top_is(st, &view_trace_ops))
			view_stack_push(st, view_trace_new());
		return view_stack_act(st, &a);
	}
	default:
		return REACT_NONE;
	}
}

/* The text of a chapter mark while recording (M): Enter records it. */
static int mark_prompt(struct view_stack *st, const struct ui_event *ev)
{
	struct view_ctx *ctx = &st->ctx;

	if (prompt_edit(ctx, ev))
		return REACT_REDRAW;
	switch (ev->action) {
	case UI_ACT_CANCEL:
		ctx->prompting = false;
		view_stack_flash(st, SLOT_HINT, "%s", "no chapter marked");
		return REACT_REDRAW;
	case UI_ACT_ACCEPT: {
		struct view_act a = { .kind = VIEW_ACT_MARK };

		ctx->prompting = false;
		if (ctx->prompt[0])
			snprintf(a.text, sizeof(a.text), "%.95s", ctx->prompt);
		else
			snprintf(a.text, sizeof(a.text), "chapter %u", ctx->replay.marks + 1);
		return view_stack_act(st, &a);
	}
	default:
		return REACT_NONE;
	}
}

int view_stack_event(struct view_stack *st, const struct ui_event *ev)
{
	struct view *top = view_stack_top(st);
	struct view_ctx *ctx = &st->ctx;
	int r;

	if (!top)
		return REACT_QUIT;
	if (ctx->prompting && ctx->prompt_kind == VIEW_PROMPT_TRACE && ev->action != UI_ACT_RESIZE)
		return trace_prompt(st, ev);
	if (ctx->prompting && ctx->prompt_kind == VIEW_PROMPT_LEGACY && ev->action != UI_ACT_RESIZE)
		return view_trace_keys_legacy(st, ev);
	if (ctx->prompting && ctx->prompt_kind == VIEW_PROMPT_MARK && ev->action != UI_ACT_RESIZE)
		return mark_prompt(st, ev);
	if (ctx->prompting && ev->action != UI_ACT_RESIZE) {
		switch (prompt_edit(ctx, ev) ? UI_ACT_TEXT : ev->action) {
		case UI_ACT_TEXT:
			break;
		case UI_ACT_ACCEPT:
			ctx->prompting = false;
			break;
		case UI_ACT_CANCEL:
			/* As the help says: Esc drops the filter (old and new). */
			ctx->prompt[0] = '\0';
			ctx->prompting = false;
			view_stack_flash(st, SLOT_HINT, "%s", "filter dropped");
			break;
		default:
			return REACT_NONE;
		}
		if (top->ops->filter)
			top->ops->filter(top, ctx->prompt, st);
		return REACT_REDRAW;
	}
	r = top->ops->action ? top->ops->action(top, ev, st) : REACT_PASS;
	if (r & REACT_PASS)
		r = (r & ~REACT_PASS) | global_action(st, ev);
	return r;
}

