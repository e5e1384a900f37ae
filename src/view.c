/*
 * view.c - the view stack (the frame around it: view-frame.c), the text
 * prompt (a filter, a trace filter handed to the loop, or y/n to trace
 * iptables-legacy rules too), the keys that
 * mean the same everywhere (quit, help, views, tracing, notes, family,
 * pause, speed, baseline, theme, zoom, bare); number formatting and
 * filter matching shared by the views. No curses, no clock, no sockets:
 * tracing, observing and replays are asked of the loop with a view action
 * (view_stack_act).
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "feed.h"
#include "iptop.h"
#include "trace.h"
#include "view.h"

#define FLASH_NS 2500000000ull

static const int intervals_ms[] = { 100, 200, 250, 500, 1000, 2000, 3000, 5000, 10000 };

/* ---- formatting ------------------------------------------------------------------ */

static void fmt_scaled(char *buf, size_t n, double v)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	while (v >= 9999.5 || (u >= 0 && v >= 999.5)) {
		v /= 1000.0;
		u++;
		if (u == (int)sizeof(units) - 2)
			break;
	}
	if (u < 0)
		snprintf(buf, n, "%.0f", v);
	else if (v < 9.95)
		snprintf(buf, n, "%.1f%c", v, units[u]);
	else
		snprintf(buf, n, "%.0f%c", v, units[u]);
}

void view_fmt_count(char *buf, size_t n, uint64_t v)
{
	if (v < 10000)
		snprintf(buf, n, "%llu", (unsigned long long)v);
	else
		fmt_scaled(buf, n, (double)v);
}

void view_fmt_rate(char *buf, size_t n, double v)
{
	if (v <= 0 || !isfinite(v))
		snprintf(buf, n, "0");
	else if (v < 9.95 && fabs(v - round(v)) >= 0.05)
		snprintf(buf, n, "%.1f", v);
	else
		fmt_scaled(buf, n, round(v));
}

bool view_chain_counted(const struct snap_chain *ch)
{
	size_t i;

	if (!ch->instantiated)
		return false;
	if (ch->policy_counted)
		return true;
	for (i = 0; i < ch->nrules; i++)
		if (ch->rules[i].counted)
			return true;
	return false;
}

int view_scene_mode(const struct view_ctx *ctx)
{
	return ctx->family_mode | (ctx->own ? SCENE_OWN : 0);
}

void view_sort_header(struct canvas *c, int x, int y, int w, const char *label, bool sorted, int attr)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%s%s", !sorted ? "" : c->ascii ? "*" : "\xe2\x96\xbc", label);
	canvas_text_right(c, x, y, w, buf, SLOT_HEADER, attr);
}

enum slot view_heat_slot(double heat, enum slot cold)
{
	if (heat >= 0.75)
		return SLOT_HEAT4;
	if (heat >= 0.5)
		return SLOT_HEAT3;
	if (heat >= 0.25)
		return SLOT_HEAT2;
	if (heat >= 0.05)
		return SLOT_HEAT1;
	return cold;
}

size_t view_scroll(size_t top, size_t sel, size_t count, size_t rows)
{
	if (rows == 0 || count == 0)
		return 0;
	if (sel < top)
		top = sel;
	if (sel >= top + rows)
		top = sel - rows + 1;
	if (count > rows && top > count - rows)
		top = count - rows;
	if (count <= rows)
		top = 0;
	return top;
}

static const char *find_ci(const char *text, const char *pat)
{
	size_t n = strlen(pat);

	for (; *text; text++)
		if (strncasecmp(text, pat, n) == 0)
			return text;
	return NULL;
}

bool view_match(const char *text, const char *pattern)
{
	return !pattern || !*pattern || (text && find_ci(text, pattern));
}

/* Columns of the first n bytes of s. */
static int width_n(const char *s, size_t n)
{
	char *t = xstrndup(s, n);
	int w = canvas_width(t);

	free(t);
	return w;
}

void view_paint_span(struct canvas *c, int x, int y, int drawn, const char *text, size_t skip, size_t from,
		     size_t n, enum slot slot, int attr)
{
	int start = width_n(text, from) - (int)skip;
	int len = width_n(text + from, n);

	if (start < 0) {
		len += start;
		start = 0;
	}
	if (start + len > drawn)
		len = drawn - start;
	if (len > 0)
		canvas_paint(c, x + start, y, len, slot, attr);
}

int view_text_match(struct canvas *c, int x, int y, int w, const char *text, size_t skip, const char *pattern,
		    enum slot slot, int attr)
{
	const char *p = text;
	size_t cols = 0;
	uint32_t ch;
	int drawn;

	if (w <= 0)
		return 0;
	while (*p && cols < skip) {
		int n = canvas_utf8_decode(p, &ch);

		cols += (size_t)canvas_glyph_width(ch < 0x20 ? '?' : ch);
		p += n;
	}
	drawn = canvas_text_fit(c, x, y, w, p, slot, attr);
	/* An ellipsis in the last column is not part of a match. */
	if (canvas_width(p) > w)
		drawn--;
	view_paint_matches(c, x, y, drawn, text, cols, pattern);
	return drawn;
}

void view_paint_matches(struct canvas *c, int x, int y, int drawn, const char *text, size_t skip,
			const char *pattern)
{
	const char *m;

	if (!pattern || !*pattern)
		return;
	for (m = find_ci(text, pattern); m; m = find_ci(m + 1, pattern))
		view_paint_span(c, x, y, drawn, text, skip, (size_t)(m - text), strlen(pattern), SLOT_MATCH, 0);
}

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
	view_flows_baseline(st, false);
	free(st->ctx.trace.plan);
	st->ctx.trace.plan = NULL;
}

void view_stack_push(struct view_stack *st, struct view *v)
{
	if (st->n == VIEW_STACK_MAX) {
		/* A very long jump trail: forget the oldest chain view, keep the diagram. */
		st->v[1]->ops->free(st->v[1]);
		memmove(&st->v[1], &st->v[2], (st->n - 2) * sizeof(st->v[0]));
		st->n--;
	}
	st->v[st->n++] = v;
}

void view_stack_pop(struct view_stack *st)
{
	if (!st->n)
		return;
	st->n--;
	st->v[st->n]->ops->free(st->v[st->n]);
	st->ctx.prompting = false;
}

struct view *view_stack_top(const struct view_stack *st)
{
	return st->n ? st->v[st->n - 1] : NULL;
}

void view_stack_flash(struct view_stack *st, enum slot slot, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->ctx.flash, sizeof(st->ctx.flash), fmt, ap);
	va_end(ap);
	st->ctx.flash_slot = slot;
	st->ctx.flash_until = st->ctx.now_ns + FLASH_NS;
}

bool view_list_move(enum ui_action action, size_t sel, size_t nrows, int list_h, long *to)
{
	long page = list_h > 1 ? list_h - 1 : 1, s = (long)sel;

	switch (action) {
	case UI_ACT_UP: *to = s - 1; return true;
	case UI_ACT_DOWN: *to = s + 1; return true;
	case UI_ACT_SCROLL_UP: *to = s - 3; return true;
	case UI_ACT_SCROLL_DOWN: *to = s + 3; return true;
	case UI_ACT_PGUP: *to = s - page; return true;
	case UI_ACT_PGDN: *to = s + page; return true;
	case UI_ACT_HOME: *to = 0; return true;
	case UI_ACT_END: *to = (long)nrows - 1; return true;
	default: return false;
	}
}

int view_sort_step(struct view_stack *st, int cur, int count, enum ui_action action, const char *const *names)
{
	int next = (cur + (action == UI_ACT_SORT_PREV ? count - 1 : 1)) % count;

	view_stack_flash(st, SLOT_HINT, "sorted by %s", names[next]);
	return next;
}

void view_stack_prompt(struct view_stack *st, const char *initial)
{
	st->ctx.prompting = true;
	st->ctx.prompt_kind = VIEW_PROMPT_FILTER;
	snprintf(st->ctx.prompt, sizeof(st->ctx.prompt), "%s", initial ? initial : "");
}

unsigned view_stack_keyctx(const struct view_stack *st)
{
	const struct view *top = view_stack_top(st);

	if (st->ctx.prompting)
		return UI_CTX_PROMPT;
	return UI_CTX_GLOBAL | (top ? top->ops->keyctx : 0);
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
		view_flows_baseline(st, true);
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
		view_flows_baseline(st, false);
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

int view_stack_act(struct view_stack *st, const struct view_act *act)
{
	st->act = *act;
	return REACT_ACT | REACT_REDRAW;
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

