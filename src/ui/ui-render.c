/*
 * ui-render.c - the canvas onto the terminal: theme slots become colour
 * pairs and attributes (colours downgraded to what the terminal has, none
 * with NO_COLOR), then each frame writes only the cells that differ from
 * the previous frame and ends with one doupdate(). Never clear() per
 * frame; a full repaint only after a resize, a theme change or Ctrl-L.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>

#include "iptop.h"
#include "ui.h"

struct ui_render {
	bool color;
	int ncolors;
	attr_t attr[SLOT_COUNT];
	int pair[SLOT_COUNT];
	struct canvas last;      /* what the terminal shows */
	bool valid;              /* last matches the terminal */
};

struct ui_render *ui_render_new(bool color)
{
	struct ui_render *r = xcalloc(1, sizeof(*r));

	r->color = color && has_colors() && COLORS >= 8;
	r->ncolors = r->color ? COLORS : 0;
	/* A direct-colour terminal (TERM=xterm-direct): colours are 0xrrggbb. */
	if (r->color && (tigetflag("RGB") > 0 || COLORS >= 0x1000000))
		r->ncolors = 0x1000000;
	return r;
}

void ui_render_free(struct ui_render *r)
{
	if (!r)
		return;
	canvas_free(&r->last);
	free(r);
}

static attr_t curses_attrs(int a)
{
	attr_t out = A_NORMAL;

	if (a & CANVAS_BOLD)
		out |= A_BOLD;
	if (a & CANVAS_UNDERLINE)
		out |= A_UNDERLINE;
	if (a & CANVAS_REVERSE)
		out |= A_REVERSE;
	if (a & CANVAS_DIM)
		out |= A_DIM;
	return out;
}

void ui_render_theme(struct ui_render *r, const struct theme *t)
{
	int i;

	for (i = 0; i < SLOT_COUNT; i++) {
		struct theme_style st = ui_theme_resolve(t, (enum slot)i, r->color);

		r->attr[i] = curses_attrs(st.attrs);
		r->pair[i] = 0;
		if (r->color && i + 1 < COLOR_PAIRS) {
			int fg = ui_theme_downgrade(st.fg, r->ncolors);
			int bg = ui_theme_downgrade(st.bg, r->ncolors);

			if (init_extended_pair(i + 1, fg, bg) == OK)
				r->pair[i] = i + 1;
		}
	}
	r->valid = false;
}

static void put_cell(struct ui_render *r, const struct canvas *c, int x, int y)
{
	const struct canvas_cell *cell = canvas_cell(c, x, y);
	wchar_t wch[2] = { 0, 0 };
	uint32_t ch = cell->ch;
	cchar_t cc;
	int pair;

	if (ch == CANVAS_WIDE_CONT) {
		if (!c->ascii)
			return; /* covered by the wide glyph on its left */
		ch = ' ';
	}
	if (c->ascii)
		ch = canvas_ascii(ch);
	wch[0] = (wchar_t)ch;
	pair = cell->slot < SLOT_COUNT ? r->pair[cell->slot] : 0;
	setcchar(&cc, wch, (cell->slot < SLOT_COUNT ? r->attr[cell->slot] : 0) | curses_attrs(cell->attr), 0, &pair);
	mvwadd_wch(stdscr, y, x, &cc);
}

static bool same(const struct canvas_cell *a, const struct canvas_cell *b)
{
	return a->ch == b->ch && a->slot == b->slot && a->attr == b->attr;
}

void ui_render_frame(struct ui_render *r, const struct canvas *c, bool full)
{
	int x, y;

	if (r->last.w != c->w || r->last.h != c->h) {
		canvas_resize(&r->last, c->w, c->h);
		r->valid = false;
	}
	if (full || !r->valid) {
		/* Redraw every cell; curscr forgets what it believed was shown. */
		clearok(curscr, TRUE);
		for (y = 0; y < c->h; y++)
			for (x = 0; x < c->w; x++)
				put_cell(r, c, x, y);
	} else {
		for (y = 0; y < c->h; y++)
			for (x = 0; x < c->w; x++) {
				const struct canvas_cell *a = canvas_cell(c, x, y), *b = canvas_cell(&r->last, x, y);

				/* A wide glyph is rewritten when its right half changed too. */
				if (!same(a, b) || (x + 1 < c->w && !same(canvas_cell(c, x + 1, y), canvas_cell(&r->last, x + 1, y)) &&
						    canvas_cell(c, x + 1, y)->ch == CANVAS_WIDE_CONT))
					put_cell(r, c, x, y);
			}
	}
	memcpy(r->last.cells, c->cells, (size_t)c->w * c->h * sizeof(*c->cells));
	r->valid = true;
	wnoutrefresh(stdscr);
	doupdate();
}
