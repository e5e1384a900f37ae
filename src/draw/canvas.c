/*
 * canvas.c - the in-memory screen: cells of glyph + theme slot + attrs,
 * clipped text, boxes and lines that join into junctions, display widths,
 * ASCII stand-ins and the text dump the golden tests compare. Knows no
 * terminal: ui-render.c copies what changed to curses.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "iptop.h"

static const struct {
	const char *name;
	char dump;
} slot_info[SLOT_COUNT] = {
#define CANVAS_SLOT_INFO(id, name, dump, style, mono) { name, dump },
	CANVAS_SLOTS(CANVAS_SLOT_INFO)
#undef CANVAS_SLOT_INFO
};

const char *canvas_slot_name(enum slot slot)
{
	return slot < SLOT_COUNT ? slot_info[slot].name : "?";
}

int canvas_slot_by_name(const char *name)
{
	int i;

	for (i = 0; i < SLOT_COUNT; i++)
		if (strcmp(slot_info[i].name, name) == 0)
			return i;
	return -1;
}

void canvas_init(struct canvas *c, int w, int h, bool ascii)
{
	memset(c, 0, sizeof(*c));
	c->ascii = ascii;
	canvas_resize(c, w, h);
}

void canvas_resize(struct canvas *c, int w, int h)
{
	if (w < 0)
		w = 0;
	if (h < 0)
		h = 0;
	free(c->cells);
	c->w = w;
	c->h = h;
	c->cells = xcalloc((size_t)w * h + 1, sizeof(*c->cells));
	canvas_clear(c, SLOT_NORMAL);
}

void canvas_free(struct canvas *c)
{
	free(c->cells);
	c->cells = NULL;
	c->w = c->h = 0;
}

void canvas_reset_clip(struct canvas *c)
{
	c->clip.x = 0;
	c->clip.y = 0;
	c->clip.w = c->w;
	c->clip.h = c->h;
}

void canvas_set_clip(struct canvas *c, int x, int y, int w, int h)
{
	/* Intersect with the canvas so a clip never reaches outside it. */
	int x1 = x + w, y1 = y + h;

	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x1 > c->w)
		x1 = c->w;
	if (y1 > c->h)
		y1 = c->h;
	c->clip.x = x;
	c->clip.y = y;
	c->clip.w = x1 > x ? x1 - x : 0;
	c->clip.h = y1 > y ? y1 - y : 0;
}

void canvas_clear(struct canvas *c, enum slot slot)
{
	int i;

	for (i = 0; i < c->w * c->h; i++) {
		c->cells[i].ch = ' ';
		c->cells[i].slot = slot;
		c->cells[i].attr = 0;
		c->cells[i].join = 0;
	}
	canvas_reset_clip(c);
}

static bool inside(const struct canvas *c, int x, int y)
{
	return x >= c->clip.x && y >= c->clip.y && x < c->clip.x + c->clip.w && y < c->clip.y + c->clip.h;
}

const struct canvas_cell *canvas_cell(const struct canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return NULL;
	return &c->cells[y * c->w + x];
}

static struct canvas_cell *cell_at(struct canvas *c, int x, int y)
{
	return &c->cells[y * c->w + x];
}

/* ---- widths ------------------------------------------------------------- */

/* Our own width table (not wcwidth): the same answer in every locale, so
 * golden dumps do not depend on the machine. */
int canvas_glyph_width(uint32_t ch)
{
	static const uint32_t zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x200b, 0x200f },
		{ 0x202a, 0x202e }, { 0x2060, 0x2064 }, { 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f },
		{ 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff },
	};
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff }, { 0x3400, 0x4dbf },
		{ 0x4e00, 0x9fff }, { 0xa000, 0xa4cf }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
		{ 0xfe30, 0xfe4f }, { 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x3fffd },
	};
	size_t i;

	if (ch < 0x300)
		return ch < 0x20 || (ch >= 0x7f && ch < 0xa0) ? 0 : 1;
	for (i = 0; i < ARRAY_SIZE(zero); i++)
		if (ch >= zero[i][0] && ch <= zero[i][1])
			return 0;
	for (i = 0; i < ARRAY_SIZE(wide); i++)
		if (ch >= wide[i][0] && ch <= wide[i][1])
			return 2;
	return 1;
}

int canvas_utf8_decode(const char *s, uint32_t *ch)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	int n, i;

	if (p[0] < 0x80) {
		*ch = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		c = p[0] & 0x1f;
		n = 2;
	} else if ((p[0] & 0xf0) == 0xe0) {
		c = p[0] & 0x0f;
		n = 3;
	} else if ((p[0] & 0xf8) == 0xf0) {
		c = p[0] & 0x07;
		n = 4;
	} else {
		*ch = 0xfffd;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*ch = 0xfffd;
			return i;
		}
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and out-of-range values are invalid. */
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	*ch = c;
	return n;
}

int canvas_width(const char *s)
{
	int w = 0;
	uint32_t ch;

	while (*s) {
		s += canvas_utf8_decode(s, &ch);
		w += ch < 0x20 ? 1 : canvas_glyph_width(ch); /* controls are shown as '?' */
	}
	return w;
}

uint32_t canvas_ascii(uint32_t ch)
{
	if (ch < 0x80)
		return ch;
	switch (ch) {
	case 0x2500: case 0x2501: case 0x2504: case 0x2508: return '-';
	case 0x2502: case 0x2503: case 0x2506: case 0x250a: return '|';
	case 0x2550: return '=';
	case 0x2551: return '|';
	case 0x25b6: case 0x25b8: case 0x25ba: case 0x2192: case 0x203a: case 0xbb: return '>';
	case 0x25c0: case 0x25c2: case 0x25c4: case 0x2190: case 0x2039: case 0xab: return '<';
	case 0x25b2: case 0x25b4: case 0x2191: return '^';
	case 0x25bc: case 0x25be: case 0x2193: return 'v';
	case 0x25c6: case 0x25c7: case 0x25cf: case 0x2022: return '*';
	case 0x2026: return '~';
	case 0x2014: case 0x2013: case 0x2012: case 0x2212: return '-';
	case 0xb7: case 0x2219: return '.';
	case 0xd7: return 'x';
	case 0x2717: case 0x2718: return 'X';
	case 0x21a9: return '<';
	case 0x2588: case 0x2589: case 0x258a: case 0x258b: case 0x258c: case 0x258d: case 0x258e:
	case 0x258f: case 0x2593: return '#';
	case 0x2591: case 0x2592: return ':';
	case 0x2581: case 0x2582: case 0x2583: return '_';
	case 0x2584: case 0x2585: case 0x2586: case 0x2587: return '=';
	case 0xa0: return ' ';
	}
	if (ch >= 0x2080 && ch <= 0x2089)
		return '0' + (ch - 0x2080); /* subscript digits: filter₆ -> filter6 */
	if (ch >= 0x250c && ch <= 0x254b)
		return '+';
	if (ch >= 0x256d && ch <= 0x2570)
		return '+';
	return '?';
}

/* ---- cells and text ------------------------------------------------------ */

void canvas_put(struct canvas *c, int x, int y, uint32_t ch, enum slot slot, int attr)
{
	struct canvas_cell *cell;
	int w;

	if (!inside(c, x, y))
		return;
	if (ch < 0x20 || ch == 0x7f || ch == 0xfffd)
		ch = '?';
	w = canvas_glyph_width(ch);
	if (w == 0)
		return; /* combining marks are dropped, not stacked */
	if (w == 2 && !inside(c, x + 1, y)) {
		ch = ' ';
		w = 1;
	}
	cell = cell_at(c, x, y);
	/* Never leave half of a wide glyph behind. */
	if (cell->ch == CANVAS_WIDE_CONT && x > 0)
		cell_at(c, x - 1, y)->ch = ' ';
	if (x + 1 < c->w && cell_at(c, x + 1, y)->ch == CANVAS_WIDE_CONT && w == 1)
		cell_at(c, x + 1, y)->ch = ' ';
	cell->ch = ch;
	cell->slot = slot;
	cell->attr = attr;
	cell->join = 0;
	if (w == 2) {
		struct canvas_cell *next = cell_at(c, x + 1, y);

		if (x + 2 < c->w && cell_at(c, x + 2, y)->ch == CANVAS_WIDE_CONT)
			cell_at(c, x + 2, y)->ch = ' ';
		next->ch = CANVAS_WIDE_CONT;
		next->slot = slot;
		next->attr = attr;
		next->join = 0;
	}
}

int canvas_text(struct canvas *c, int x, int y, int maxw, const char *s, enum slot slot, int attr)
{
	int col = 0, w;
	uint32_t ch;

	if (maxw < 0)
		maxw = c->clip.x + c->clip.w - x;
	while (*s && col < maxw) {
		s += canvas_utf8_decode(s, &ch);
		if (ch < 0x20)
			ch = '?';
		w = canvas_glyph_width(ch);
		if (w == 0)
			continue;
		if (col + w > maxw)
			break;
		canvas_put(c, x + col, y, ch, slot, attr);
		col += w;
	}
	return col;
}

int canvas_text_fit(struct canvas *c, int x, int y, int maxw, const char *s, enum slot slot, int attr)
{
	int col;

	if (maxw < 0)
		maxw = c->clip.x + c->clip.w - x;
	if (maxw <= 0)
		return 0;
	if (canvas_width(s) <= maxw)
		return canvas_text(c, x, y, maxw, s, slot, attr);
	col = canvas_text(c, x, y, maxw - 1, s, slot, attr);	/* room for the ellipsis */
	canvas_put(c, x + col, y, 0x2026, slot, attr);
	return col + 1;
}

void canvas_text_right(struct canvas *c, int x, int y, int w, const char *s, enum slot slot, int attr)
{
	int sw = canvas_width(s);
	uint32_t ch;

	/* Drop leading glyphs until the rest fits. */
	while (sw > w && *s) {
		s += canvas_utf8_decode(s, &ch);
		sw -= ch < 0x20 ? 1 : canvas_glyph_width(ch);
	}
	canvas_text(c, x + w - sw, y, sw, s, slot, attr);
}

int canvas_printf(struct canvas *c, int x, int y, int maxw, enum slot slot, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return canvas_text(c, x, y, maxw, buf, slot, attr);
}

void canvas_fill(struct canvas *c, int x, int y, int w, int h, uint32_t ch, enum slot slot, int attr)
{
	int i, j;

	for (j = 0; j < h; j++)
		for (i = 0; i < w; i++)
			canvas_put(c, x + i, y + j, ch, slot, attr);
}

void canvas_paint(struct canvas *c, int x, int y, int w, enum slot slot, int attr)
{
	int i;

	for (i = 0; i < w; i++) {
		if (!inside(c, x + i, y))
			continue;
		cell_at(c, x + i, y)->slot = slot;
		cell_at(c, x + i, y)->attr = attr;
	}
}

/* ---- lines that join ----------------------------------------------------- */

enum { J_UP = 1, J_DOWN = 2, J_LEFT = 4, J_RIGHT = 8 };

/* Light line glyph for each set of directions. */
static const uint32_t join_glyph[16] = {
	' ',    0x2502, 0x2502, 0x2502, 0x2500, 0x2518, 0x2510, 0x2524,
	0x2500, 0x2514, 0x250c, 0x251c, 0x2500, 0x2534, 0x252c, 0x253c,
};

static void join_put(struct canvas *c, int x, int y, int mask, enum slot slot, bool round)
{
	const struct canvas_cell *old;
	uint32_t ch;
	int m;

	if (!inside(c, x, y))
		return;
	old = cell_at(c, x, y);
	m = old->join | mask;
	ch = join_glyph[m];
	if (round && m == mask) {
		switch (m) {
		case J_DOWN | J_RIGHT: ch = 0x256d; break;
		case J_DOWN | J_LEFT: ch = 0x256e; break;
		case J_UP | J_RIGHT: ch = 0x2570; break;
		case J_UP | J_LEFT: ch = 0x256f; break;
		}
	}
	canvas_put(c, x, y, ch, slot, 0);
	cell_at(c, x, y)->join = (uint8_t)m;
}

void canvas_hline(struct canvas *c, int x, int y, int len, enum slot slot)
{
	int i;

	for (i = 0; i < len; i++)
		join_put(c, x + i, y, (i > 0 || len == 1 ? J_LEFT : 0) | (i < len - 1 || len == 1 ? J_RIGHT : 0),
			 slot, false);
}

void canvas_vline(struct canvas *c, int x, int y, int len, enum slot slot)
{
	int i;

	for (i = 0; i < len; i++)
		join_put(c, x, y + i, (i > 0 || len == 1 ? J_UP : 0) | (i < len - 1 || len == 1 ? J_DOWN : 0),
			 slot, false);
}

void canvas_box(struct canvas *c, int x, int y, int w, int h, enum slot slot, enum canvas_box_style style)
{
	bool round = style == CANVAS_BOX_ROUND;
	int i;

	if (w < 2 || h < 2)
		return;
	if (style == CANVAS_BOX_HEAVY) {
		for (i = 1; i < w - 1; i++) {
			canvas_put(c, x + i, y, 0x2501, slot, 0);
			canvas_put(c, x + i, y + h - 1, 0x2501, slot, 0);
		}
		for (i = 1; i < h - 1; i++) {
			canvas_put(c, x, y + i, 0x2503, slot, 0);
			canvas_put(c, x + w - 1, y + i, 0x2503, slot, 0);
		}
		canvas_put(c, x, y, 0x250f, slot, 0);
		canvas_put(c, x + w - 1, y, 0x2513, slot, 0);
		canvas_put(c, x, y + h - 1, 0x2517, slot, 0);
		canvas_put(c, x + w - 1, y + h - 1, 0x251b, slot, 0);
		return;
	}
	for (i = 1; i < w - 1; i++) {
		join_put(c, x + i, y, J_LEFT | J_RIGHT, slot, false);
		join_put(c, x + i, y + h - 1, J_LEFT | J_RIGHT, slot, false);
	}
	for (i = 1; i < h - 1; i++) {
		join_put(c, x, y + i, J_UP | J_DOWN, slot, false);
		join_put(c, x + w - 1, y + i, J_UP | J_DOWN, slot, false);
	}
	join_put(c, x, y, J_DOWN | J_RIGHT, slot, round);
	join_put(c, x + w - 1, y, J_DOWN | J_LEFT, slot, round);
	join_put(c, x, y + h - 1, J_UP | J_RIGHT, slot, round);
	join_put(c, x + w - 1, y + h - 1, J_UP | J_LEFT, slot, round);
}

/* ---- dump ----------------------------------------------------------------- */

int canvas_utf8_encode(uint32_t ch, char *b)
{
	if (ch < 0x80) {
		b[0] = (char)ch;
		return 1;
	}
	if (ch < 0x800) {
		b[0] = (char)(0xc0 | (ch >> 6));
		b[1] = (char)(0x80 | (ch & 0x3f));
		return 2;
	}
	if (ch < 0x10000) {
		b[0] = (char)(0xe0 | (ch >> 12));
		b[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
		b[2] = (char)(0x80 | (ch & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | (ch >> 18));
	b[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
	b[3] = (char)(0x80 | (ch & 0x3f));
	return 4;
}

static void add_utf8(struct strbuf *sb, uint32_t ch)
{
	char b[4];

	strbuf_addn(sb, b, (size_t)canvas_utf8_encode(ch, b));
}

static void rstrip_line(struct strbuf *sb, size_t start)
{
	while (sb->len > start && sb->s[sb->len - 1] == ' ')
		sb->s[--sb->len] = '\0';
	strbuf_addc(sb, '\n');
}

char *canvas_dump(const struct canvas *c, unsigned flags)
{
	struct strbuf sb;
	int x, y;

	strbuf_init(&sb);
	for (y = 0; y < c->h; y++) {
		size_t start = sb.len;

		for (x = 0; x < c->w; x++) {
			const struct canvas_cell *cell = &c->cells[y * c->w + x];

			if (cell->ch == CANVAS_WIDE_CONT)
				continue;
			if (c->ascii) {
				add_utf8(&sb, canvas_ascii(cell->ch));
				if (canvas_glyph_width(cell->ch) == 2)
					strbuf_addc(&sb, ' ');
			} else {
				add_utf8(&sb, cell->ch);
			}
		}
		rstrip_line(&sb, start);
	}
	if (flags & CANVAS_DUMP_SLOTS) {
		strbuf_add(&sb, "--- slots\n");
		for (y = 0; y < c->h; y++) {
			size_t start = sb.len;

			for (x = 0; x < c->w; x++) {
				const struct canvas_cell *cell = &c->cells[y * c->w + x];

				strbuf_addc(&sb, cell->slot < SLOT_COUNT ? slot_info[cell->slot].dump : '?');
			}
			rstrip_line(&sb, start);
		}
	}
	return strbuf_steal(&sb);
}
