/*
 * view.c - the view stack and the frame around the top view: the title
 * bar with the breadcrumb, the status line (namespace, backend, ruleset
 * generation and last change, source state), the key bar generated from
 * the keymap, the filter prompt and short messages; the keys that mean
 * the same everywhere (quit, help, family, pause, speed, baseline, theme);
 * "need at least W×H" below the minimum size; number formatting shared by
 * the views. Draws into a canvas only: no curses, no clock (the loop
 * passes the time in ctx).
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
	memset(st, 0, sizeof(*st));
	st->ctx.model = m;
	st->ctx.netns_label = netns_label;
	st->ctx.backend = backend;
	st->ctx.family_mode = family_mode;
	st->ctx.interval_ms = interval_ms > 0 ? interval_ms : 500;
	snprintf(st->ctx.theme_name, sizeof(st->ctx.theme_name), "%s", theme_name ? theme_name : "default");
	scene_layout_init(&st->ctx.scene);
	view_stack_push(st, view_diagram_new());
}

void view_stack_free(struct view_stack *st)
{
	while (st->n)
		view_stack_pop(st);
	scene_layout_free(&st->ctx.scene);
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

void view_stack_prompt(struct view_stack *st, const char *initial)
{
	st->ctx.prompting = true;
	snprintf(st->ctx.prompt, sizeof(st->ctx.prompt), "%s", initial ? initial : "");
	snprintf(st->ctx.prompt_saved, sizeof(st->ctx.prompt_saved), "%s", st->ctx.prompt);
}

unsigned view_stack_keyctx(const struct view_stack *st)
{
	const struct view *top = view_stack_top(st);

	if (st->ctx.prompting)
		return UI_CTX_PROMPT;
	return UI_CTX_GLOBAL | (top ? top->ops->keyctx : 0);
}

bool view_stack_want(const struct snap_chain *ch, void *arg)
{
	struct view_stack *st = arg;
	size_t i;

	if (ch->base)
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

static int global_action(struct view_stack *st, const struct ui_event *ev)
{
	struct view_ctx *ctx = &st->ctx;
	struct view *top = view_stack_top(st);
	char when[32];

	switch (ev->action) {
	case UI_ACT_QUIT:
		return REACT_QUIT;
	case UI_ACT_HELP:
		if (strcmp(top->ops->name, "help") != 0)
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
	case UI_ACT_CHAINS:
		if (strcmp(top->ops->name, "chains") != 0)
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
	case UI_ACT_FASTER:
		return change_interval(st, -1);
	case UI_ACT_SLOWER:
		return change_interval(st, 1);
	case UI_ACT_BASELINE:
		if (!ctx->model->cur)
			return REACT_NONE;
		model_set_baseline(ctx->model, !ctx->model->baseline_set);
		if (ctx->model->baseline_set) {
			time_t t = (time_t)ctx->now_wall;
			struct tm tm;

			ctx->baseline_wall = ctx->now_wall;
			strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
			view_stack_flash(st, SLOT_HINT, "counters from %s on (z again: the kernel's totals)", when);
		} else {
			view_stack_flash(st, SLOT_HINT, "%s", "counters: the kernel's totals");
		}
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

int view_stack_event(struct view_stack *st, const struct ui_event *ev)
{
	struct view *top = view_stack_top(st);
	struct view_ctx *ctx = &st->ctx;
	int r;

	if (!top)
		return REACT_QUIT;
	if (ctx->prompting && ev->action != UI_ACT_RESIZE) {
		switch (ev->action) {
		case UI_ACT_TEXT:
			if (ev->ch >= 0x20)
				prompt_add(ctx->prompt, sizeof(ctx->prompt), ev->ch);
			break;
		case UI_ACT_TEXT_DEL:
			prompt_delete(ctx->prompt);
			break;
		case UI_ACT_ACCEPT:
			ctx->prompting = false;
			break;
		case UI_ACT_CANCEL:
			snprintf(ctx->prompt, sizeof(ctx->prompt), "%s", ctx->prompt_saved);
			ctx->prompting = false;
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

/* ---- the frame --------------------------------------------------------------------- */

static void draw_too_small(struct canvas *c)
{
	char need[48], now[48];
	const char *lines[3];
	int i, y;

	snprintf(need, sizeof(need), "need at least %d\xc3\x97%d", VIEW_MIN_W, VIEW_MIN_H);
	snprintf(now, sizeof(now), "(now %d\xc3\x97%d)", c->w, c->h);
	lines[0] = "iptop";
	lines[1] = need;
	lines[2] = now;
	y = (c->h - 3) / 2;
	if (y < 0)
		y = 0;
	for (i = 0; i < 3 && y + i < c->h; i++) {
		int w = canvas_width(lines[i]);

		canvas_text(c, w < c->w ? (c->w - w) / 2 : 0, y + i, c->w, lines[i], i == 1 ? SLOT_WARN : SLOT_NORMAL,
			    0);
	}
}

static void draw_title(struct view_stack *st, struct canvas *c)
{
	struct view_ctx *ctx = &st->ctx;
	struct strbuf crumbs, right;
	int x, rw;
	size_t i;

	canvas_fill(c, 0, 0, c->w, 1, ' ', SLOT_TITLE, 0);
	x = canvas_text(c, 1, 0, -1, "iptop", SLOT_TITLE, CANVAS_BOLD) + 2;

	strbuf_init(&crumbs);
	for (i = 0; i < st->n; i++) {
		if (i)
			strbuf_add(&crumbs, " \xe2\x80\xba "); /* › */
		st->v[i]->ops->crumb(st->v[i], &crumbs, i ? st->v[i - 1] : NULL);
	}
	/* The right side gives way to the breadcrumb: the interval goes first,
	 * then the family; PAUSED and the baseline stay. */
	strbuf_init(&right);
	for (i = 0; i < 3; i++) {
		strbuf_reset(&right);
		strbuf_add(&right, "");
		if (ctx->paused)
			strbuf_add(&right, "PAUSED  ");
		if (ctx->model->baseline_set) {
			time_t t = (time_t)ctx->baseline_wall;
			struct tm tm;
			char when[16];

			strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
			strbuf_addf(&right, "since %s  ", when);
		}
		if (i < 2)
			strbuf_addf(&right, "%s  ", family_text(ctx->family_mode));
		if (i < 1)
			strbuf_addf(&right, "every %.1fs ", ctx->interval_ms / 1000.0);
		rw = canvas_width(right.s);
		if (c->w - x - rw - 1 >= canvas_width(crumbs.s))
			break;
	}
	{
		/* Too long: keep the end of the trail, where the user is. */
		int room = c->w - x - rw - 1;
		const char *p = crumbs.s;
		uint32_t ch;

		if (room < 8) {
			rw = 0;
			room = c->w - x - 1;
		}
		if (canvas_width(p) > room && room > 2) {
			while (*p && canvas_width(p) > room - 2)
				p += canvas_utf8_decode(p, &ch);
			canvas_text(c, x, 0, room, "\xe2\x80\xa6 ", SLOT_TITLE, 0);
			canvas_text(c, x + 2, 0, room - 2, p, SLOT_TITLE, CANVAS_BOLD);
		} else {
			canvas_text(c, x, 0, room, p, SLOT_TITLE, CANVAS_BOLD);
		}
	}
	if (rw)
		canvas_text(c, c->w - rw, 0, rw, right.s, SLOT_TITLE, 0);
	if (rw && ctx->paused)
		canvas_paint(c, c->w - rw, 0, 6, SLOT_WARN, CANVAS_BOLD);
	strbuf_free(&crumbs);
	strbuf_free(&right);
}

static enum slot status_slot(enum src_status s)
{
	switch (s) {
	case SRC_OK: return SLOT_OK;
	case SRC_CHANGING:
	case SRC_STALE:
	case SRC_OFF: return SLOT_WARN;
	default: return SLOT_ERROR;
	}
}

static void draw_status(struct view_stack *st, struct canvas *c, int y)
{
	const struct snap_ruleset *rs = st->ctx.model->cur;
	struct strbuf sb;
	int x;

	canvas_fill(c, 0, y, c->w, 1, ' ', SLOT_STATUS, 0);
	strbuf_init(&sb);
	if (!rs) {
		strbuf_add(&sb, " waiting for the first snapshot ");
		x = canvas_text(c, 0, y, c->w, sb.s, SLOT_WARN, 0);
	} else {
		strbuf_addf(&sb, " \xe2\x97\x8f %s", snapshot_status_name(rs->status)); /* ● */
		if (rs->status != SRC_OK && rs->error && *rs->error)
			strbuf_addf(&sb, ": %s", rs->error);
		strbuf_addc(&sb, ' ');
		x = canvas_text_fit(c, 0, y, c->w, sb.s, status_slot(rs->status), 0);
	}
	/* The generation and last change must show; the namespace label is
	 * cut first, then the backend dropped. */
	{
		struct strbuf gen;
		const char *bar = " \xe2\x94\x82 "; /* │ */
		int room, gw, bw;

		strbuf_init(&gen);
		strbuf_add(&gen, ""); /* never NULL */
		if (rs) {
			strbuf_addf(&gen, "gen %u", rs->genid);
			if (rs->change_wall > 0) {
				time_t t = (time_t)rs->change_wall;
				struct tm tm;
				char when[16];

				strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
				strbuf_addf(&gen, ", changed %s", when);
				if (rs->change_proc[0])
					strbuf_addf(&gen, " by %s", rs->change_proc);
				if (rs->change_pid)
					strbuf_addf(&gen, "[%u]", rs->change_pid);
			}
		}
		gw = canvas_width(gen.s);
		bw = st->ctx.backend ? canvas_width(st->ctx.backend) + 3 : 0;
		room = c->w - x - 1 - gw - (gw ? 3 : 0) - bw;
		if (room < 12) {
			room += bw;
			bw = 0;
		}
		x++;
		if (st->ctx.netns_label && room >= 6) {
			x += canvas_text_fit(c, x, y, room, st->ctx.netns_label, SLOT_STATUS, 0);
			x += canvas_text(c, x, y, -1, bar, SLOT_STATUS, 0);
		}
		if (bw) {
			x += canvas_text(c, x, y, -1, st->ctx.backend, SLOT_STATUS, 0);
			x += canvas_text(c, x, y, -1, bar, SLOT_STATUS, 0);
		}
		canvas_text_fit(c, x, y, c->w - x, gen.s, SLOT_STATUS, 0);
		strbuf_free(&gen);
	}
	strbuf_free(&sb);
}

static void draw_keybar(struct view_stack *st, struct canvas *c, int y)
{
	struct view_ctx *ctx = &st->ctx;
	struct ui_help_line hints[16];
	size_t n, i;
	int x = 0;

	canvas_fill(c, 0, y, c->w, 1, ' ', SLOT_HINT, 0);
	if (ctx->prompting) {
		x = canvas_text(c, 0, y, c->w, "filter: ", SLOT_KEY, 0);
		x += canvas_text(c, x, y, c->w - x - 1, ctx->prompt, SLOT_HINT, 0);
		canvas_put(c, x, y, ' ', SLOT_SELECT, 0);
		x += 2;
	} else if (ctx->flash[0] && ctx->now_ns < ctx->flash_until) {
		canvas_text_fit(c, 1, y, c->w - 1, ctx->flash, ctx->flash_slot, 0);
		return;
	}
	n = ui_keymap_hints(view_stack_keyctx(st), hints, ARRAY_SIZE(hints));
	/* "back" means nothing on the diagram. */
	for (i = 0; i < n; i++)
		if (st->n == 1 && strcmp(hints[i].text, "back") == 0) {
			memmove(&hints[i], &hints[i + 1], (n - i - 1) * sizeof(hints[0]));
			n--;
		}
	/* Too wide: drop from the end (the global keys), never help or quit. */
	for (;;) {
		int total = x;

		for (i = 0; i < n; i++)
			total += canvas_width(hints[i].keys) + 1 + canvas_width(hints[i].text) + 2;
		if (total - 2 <= c->w)
			break;
		for (i = n; i-- > 0;)
			if (strcmp(hints[i].text, "help") != 0 && strcmp(hints[i].text, "quit") != 0)
				break;
		if (i == (size_t)-1)
			break;
		memmove(&hints[i], &hints[i + 1], (n - i - 1) * sizeof(hints[0]));
		n--;
	}
	for (i = 0; i < n; i++) {
		int kw = canvas_width(hints[i].keys), tw = canvas_width(hints[i].text);

		if (x + kw + 1 + tw > c->w)
			break;
		canvas_text(c, x, y, kw, hints[i].keys, SLOT_KEY, 0);
		canvas_text(c, x + kw + 1, y, tw, hints[i].text, SLOT_HINT, 0);
		x += kw + 1 + tw + 2;
	}
}

void view_stack_draw(struct view_stack *st, struct canvas *c)
{
	struct view *top = view_stack_top(st);
	struct canvas_rect body;

	canvas_clear(c, SLOT_NORMAL);
	if (c->w < VIEW_MIN_W || c->h < VIEW_MIN_H || !top) {
		draw_too_small(c);
		return;
	}
	draw_title(st, c);
	body.x = 0;
	body.y = 1;
	body.w = c->w;
	body.h = c->h - 3;
	top->body = body;
	canvas_set_clip(c, body.x, body.y, body.w, body.h);
	top->ops->draw(top, c, body, st);
	canvas_reset_clip(c);
	draw_status(st, c, c->h - 2);
	draw_keybar(st, c, c->h - 1);
}
