/*
 * view-common.c - what every view uses and nothing below calls back:
 * number formatting, filter matching and painting, scrolling, the heat
 * slots, list keys and the view stack's primitives (push, pop, top, flash,
 * prompt). It calls no view: views sit above it, view.c (the stack's keys
 * and the views it opens) on top.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed.h"
#include "iptop.h"
#include "trace.h"
#include "view.h"

#define FLASH_NS 2500000000ull

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

/* ---- the stack's primitives ------------------------------------------------------ */

void view_stack_push(struct view_stack *st, struct view *v)
{
	if (st->n == VIEW_STACK_MAX) {
		/* A very long jump trail: forget the oldest chain view, keep the diagram. */
		view_free(st->v[1]);
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
	view_free(st->v[st->n]);
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

void view_list_matched(struct canvas *c, int x, int y, int w, const struct view_list *l, size_t matched,
		       size_t of, const char *what)
{
	char buf[200];
	int n;

	if (!l->filter[0])
		return;
	snprintf(buf, sizeof(buf), " /%s: %zu of %zu%s%s ", l->filter, matched, of, what[0] ? " " : "", what);
	n = canvas_width(buf);
	if (n < w / 2)
		canvas_text(c, x + w - n, y, n, buf, SLOT_MATCH, 0);
}

static int header_hit(int x, const int *col_x, int count, int slack)
{
	int i;

	for (i = count - 1; i >= 0; i--)
		if (col_x[i] >= 0 && x >= col_x[i] - slack)
			return i;
	return -1;
}

enum view_click view_list_click(const struct view_list *l, const struct ui_event *ev, const int *col_x, int ncols,
				int slack, int *sort, size_t *row)
{
	long i;
	int col;

	if (ev->y == l->list_y - 1) {
		if ((col = header_hit(ev->x, col_x, ncols, slack)) >= 0)
			*sort = col;
		return VIEW_CLICK_SORTED;
	}
	if (ev->y < l->list_y || ev->y >= l->list_y + l->list_h)
		return VIEW_CLICK_MISS;
	i = ev->y - l->list_y + (long)l->top;
	if (i < 0 || (size_t)i >= l->nrows)
		return VIEW_CLICK_MISS;
	*row = (size_t)i;
	return *row == l->sel || ev->double_click ? VIEW_CLICK_OPEN : VIEW_CLICK_ROW;
}

int view_list_place(struct view_list *l, int y, int h)
{
	l->list_y = y;
	l->list_h = h < 1 ? 1 : h;
	l->top = view_scroll(l->top, l->sel, l->nrows, (size_t)l->list_h);
	return l->list_h;
}

bool view_list_next(struct view_stack *st, const struct view_list *l, int dir, long *to)
{
	if (!l->filter[0]) {
		view_stack_flash(st, SLOT_WARN, "%s", "no filter: / sets one");
		return false;
	}
	if (!l->nrows)
		return false;
	*to = (long)((l->sel + l->nrows + (size_t)dir) % l->nrows);
	return true;
}

size_t view_list_clamp(long to, size_t nrows)
{
	if (to < 0)
		return 0;
	return (size_t)to >= nrows ? nrows - 1 : (size_t)to;
}

int view_sort_step(struct view_stack *st, int cur, int count, enum ui_action action, const char *const *names)
{
	int next = (cur + (action == UI_ACT_SORT_PREV ? count - 1 : 1)) % count;

	view_stack_flash(st, SLOT_HINT, "sorted by %s", names[next]);
	return next;
}

int view_list_keys(struct view_stack *st, enum ui_action action, const char *filter, int *sort, int count,
		   const char *const *names)
{
	switch (action) {
	case UI_ACT_FILTER:
		view_stack_prompt(st, filter);
		return REACT_REDRAW;
	case UI_ACT_SORT:
	case UI_ACT_SORT_NEXT:
	case UI_ACT_SORT_PREV:
		*sort = view_sort_step(st, *sort, count, action, names);
		return REACT_REDRAW;
	default:
		return REACT_PASS;
	}
}

void view_list_filter(struct view *v, const char *text, struct view_stack *st)
{
	struct view_list *l = (struct view_list *)v;

	snprintf(l->filter, sizeof(l->filter), "%s", text);
	l->top = 0;
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

int view_stack_act(struct view_stack *st, const struct view_act *act)
{
	st->act = *act;
	return REACT_ACT | REACT_REDRAW;
}

void *view_alloc(size_t size, const struct view_ops *ops)
{
	struct view *v = xcalloc(1, size);

	v->ops = ops;
	return v;
}

void view_free(struct view *v)
{
	if (v->ops->release)
		v->ops->release(v);
	free(v);
}

/* The trace view's selected packet (view-trace.c, view-trace-play.c). */
const struct trace_packet *view_trace_selected(const struct view_stack *st)
{
	const struct view_trace *tr = &st->ctx.trace;

	return model_trace_find(&st->ctx.model->trace, tr->sel);
}
