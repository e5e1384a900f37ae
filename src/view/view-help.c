/*
 * view-help.c - the help screen: every key binding, generated from the
 * keymap table (ui-keymap.c) so it always says what the keys do, then
 * what the numbers and marks mean. Scrolls; q, ?, h, Esc close it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptop.h"
#include "view.h"

struct help {
	struct view base;
	struct ui_help_line *lines;
	size_t nlines;
	size_t top;
	int rows;
};

static const char *const notes[][2] = {
	{ "pkt/s", "packets per second over the last refresh interval" },
	{ "total", "packets since the rules were loaded (or since z)" },
	{ "\xe2\x97\x8f", "the rule matched during the last interval" },
	{ "\xe2\x80\x94", "the rule has no counter: unknown, not zero" },
	{ "n/a", "the kernel keeps no policy counter for this chain" },
	{ "heat", "boxes and arrows light up as packets pass, then cool" },
	{ "\xe2\x82\x84 \xe2\x82\x86", "ip (IPv4) or ip6 (IPv6) table, when both are shown" },
	{ "+ \xc3\x97", "a connection that is new / that conntrack closed" },
	{ "SNAT DNAT", "what NAT rewrote on a connection (coloured: the new address)" },
	{ "1 2 3", "a traced packet's path: the tables in the order it passed them" },
	{ "\xe2\x96\xb6 \xe2\x9c\x97 r", "the current step / the table that dropped it / its reply" },
};

static size_t total_lines(const struct help *h)
{
	return h->nlines + 2 + ARRAY_SIZE(notes) + 2;
}

/* Line i of the whole help: a key binding, then the notes on the numbers. */
static void draw_line(struct canvas *c, const struct help *h, size_t i, int x, int y, int w,
		      const struct view_stack *st)
{
	int kx = x + 2, tx = x + 18;

	if (i < h->nlines) {
		const struct ui_help_line *l = &h->lines[i];

		if (l->section) {
			canvas_text(c, x, y, w, l->section, SLOT_HOOK, CANVAS_BOLD);
			return;
		}
		canvas_text(c, kx, y, tx - kx - 1, l->keys, SLOT_KEY, 0);
		canvas_text_fit(c, tx, y, x + w - tx, l->text, SLOT_NORMAL, 0);
		return;
	}
	i -= h->nlines;
	if (i == 1) {
		canvas_text(c, x, y, w, "What the screen shows", SLOT_HOOK, CANVAS_BOLD);
	} else if (i >= 2 && i - 2 < ARRAY_SIZE(notes)) {
		canvas_text(c, kx, y, tx - kx - 1, notes[i - 2][0], SLOT_NUMBER, CANVAS_BOLD);
		canvas_text_fit(c, tx, y, x + w - tx, notes[i - 2][1], SLOT_NORMAL, 0);
	} else if (i == ARRAY_SIZE(notes) + 3) {
		canvas_printf(c, kx, y, w - 2, SLOT_DIM, 0, "theme: %s (T cycles, --theme NAME|FILE)", st->ctx.theme_name);
	}
}

static void help_draw(struct view *v, struct canvas *c, struct canvas_rect body, struct view_stack *st)
{
	struct help *h = (struct help *)v;
	int w = body.w > 78 ? 78 : body.w, x = body.x + (body.w - w) / 2, y;
	size_t n = total_lines(h), i;

	/* Taller than the screen: the last row says how far down we are. */
	h->rows = n > (size_t)body.h ? body.h - 1 : body.h;
	if (h->rows < 1)
		h->rows = 1;
	if (n <= (size_t)h->rows)
		h->top = 0;
	else if (h->top > n - (size_t)h->rows)
		h->top = n - (size_t)h->rows;
	for (i = h->top, y = body.y; i < n && y < body.y + h->rows; i++, y++)
		draw_line(c, h, i, x, y, w, st);
	if (n > (size_t)h->rows)
		canvas_printf(c, x, body.y + body.h - 1, w, SLOT_DIM, 0, "%zu-%zu of %zu lines, \xe2\x86\x91\xe2\x86\x93 PgUp PgDn",
			      h->top + 1, h->top + (size_t)h->rows, n);
}

static int help_action(struct view *v, const struct ui_event *ev, struct view_stack *st)
{
	struct help *h = (struct help *)v;
	size_t page = h->rows > 1 ? (size_t)h->rows - 1 : 1;

	switch (ev->action) {
	case UI_ACT_UP:
	case UI_ACT_SCROLL_UP:
		h->top = h->top ? h->top - 1 : 0;
		break;
	case UI_ACT_DOWN:
	case UI_ACT_SCROLL_DOWN:
		h->top++;
		break;
	case UI_ACT_PGUP:
		h->top = h->top > page ? h->top - page : 0;
		break;
	case UI_ACT_PGDN:
		h->top += page;
		break;
	case UI_ACT_HOME:
		h->top = 0;
		break;
	case UI_ACT_END:
		h->top = total_lines(h);
		break;
	case UI_ACT_HELP:
		return REACT_NONE;
	default:
		return REACT_PASS;
	}
	return REACT_REDRAW;
}

static void help_release(struct view *v)
{
	struct help *h = (struct help *)v;

	free(h->lines);
}

const struct view_ops view_help_ops = {
	.keyctx = UI_CTX_HELP,
	.draw = help_draw,
	.action = help_action,
	.title = "help",
	.release = help_release,
};

struct view *view_help_new(void)
{
	struct help *h = view_alloc(sizeof(*h), &view_help_ops);

	h->nlines = ui_keymap_help(&h->lines);
	return &h->base;
}
