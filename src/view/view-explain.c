/*
 * view-explain.c - the note 'e' shows: a box over the view it explains,
 * with the notes (from the notes file, explain.c) for the keys that view
 * gave, most specific first, each a title and wrapped paragraphs. ↑↓
 * scroll a long one; q, e, Esc close it. Knows nothing of what it
 * explains beyond the keys.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptop.h"
#include "view.h"

#define BOX_MAX_W 76
#define MAX_NOTES 6

struct explainv {
	struct view base;
	struct explain_keys keys;
	size_t top;
	int rows;
};

struct wline {
	char *text;
	enum slot slot;
	int attr;
};

struct wrapped {
	struct wline *v;
	size_t n;
};

static void add(struct wrapped *w, const char *text, size_t n, enum slot slot, int attr)
{
	w->v = xreallocarray(w->v, w->n + 1, sizeof(*w->v));
	w->v[w->n].text = xstrndup(text, n);
	w->v[w->n].slot = slot;
	w->v[w->n].attr = attr;
	w->n++;
}

/* Word-wrap one paragraph to width columns. */
static void wrap(struct wrapped *w, const char *s, int width, enum slot slot, int attr)
{
	while (*s) {
		const char *p = s, *brk = NULL;
		int cols = 0;
		uint32_t ch;

		while (*p && cols < width) {
			if (*p == ' ')
				brk = p;
			p += canvas_utf8_decode(p, &ch);
			cols += canvas_glyph_width(ch);
		}
		if (*p && brk && brk > s)
			p = brk;
		add(w, s, (size_t)(p - s), slot, attr);
		s = p;
		while (*s == ' ')
			s++;
	}
}

static void build(struct wrapped *w, const struct explainv *v, const struct view_stack *st, int width)
{
	const struct explain_note *seen[MAX_NOTES];
	size_t i, n = 0;

	if (v->keys.subject[0])
		wrap(w, v->keys.subject, width, SLOT_LABEL, CANVAS_BOLD);
	for (i = 0; i < v->keys.n && n < MAX_NOTES; i++) {
		const struct explain_note *note = explain_find(st->ctx.notes, v->keys.keys[i]);
		const char *p;
		size_t k;

		for (k = 0; k < n && note; k++)
			if (seen[k] == note)
				note = NULL;
		if (!note)
			continue;
		seen[n++] = note;
		add(w, "", 0, SLOT_NORMAL, 0);
		wrap(w, note->title, width, SLOT_HOOK, CANVAS_BOLD);
		for (p = note->text; *p;) {
			const char *e = strchr(p, '\n');
			char *para = xstrndup(p, e ? (size_t)(e - p) : strlen(p));

			wrap(w, para, width, SLOT_NORMAL, 0);
			free(para);
			if (!e)
				break;
			add(w, "", 0, SLOT_NORMAL, 0);
			p = e + 1;
		}
	}
}

static void explain_draw(struct view *vv, struct canvas *c, struct canvas_rect body, struct view_stack *st)
{
	struct explainv *v = (struct explainv *)vv;
	struct view *below = st->n >= 2 ? st->v[st->n - 2] : NULL;
	struct wrapped w = { NULL, 0 };
	int bw = body.w - 4 > BOX_MAX_W ? BOX_MAX_W : body.w - 4, bh, bx, by, i;
	size_t k;

	/* What is being explained stays visible around the box. */
	if (below && below != vv) {
		below->body = body;
		below->ops->draw(below, c, body, st);
	}
	build(&w, v, st, bw - 4);
	bh = (int)w.n + 2;
	if (bh > body.h - 2)
		bh = body.h - 2;
	if (bh < 3)
		bh = 3;
	v->rows = bh - 2;
	if (w.n <= (size_t)v->rows)
		v->top = 0;
	else if (v->top > w.n - (size_t)v->rows)
		v->top = w.n - (size_t)v->rows;
	bx = body.x + (body.w - bw) / 2;
	by = body.y + (body.h - bh) / 2;
	canvas_fill(c, bx, by, bw, bh, ' ', SLOT_NORMAL, 0);
	canvas_box(c, bx, by, bw, bh, SLOT_HOOK, CANVAS_BOX_ROUND);
	canvas_text(c, bx + 2, by, bw - 4, " explain ", SLOT_HOOK, CANVAS_BOLD);
	for (k = v->top, i = 0; k < w.n && i < v->rows; k++, i++)
		canvas_text_fit(c, bx + 2, by + 1 + i, bw - 4, w.v[k].text, w.v[k].slot, w.v[k].attr);
	{
		char more[64];

		if (w.n > (size_t)v->rows)
			snprintf(more, sizeof(more), " %zu-%zu/%zu \xe2\x86\x91\xe2\x86\x93 ", v->top + 1,
				 v->top + (size_t)v->rows, w.n);
		else
			snprintf(more, sizeof(more), " q closes ");
		canvas_text_right(c, bx + 1, by + bh - 1, bw - 3, more, SLOT_DIM, 0);
	}
	for (k = 0; k < w.n; k++)
		free(w.v[k].text);
	free(w.v);
}

static int explain_action(struct view *vv, const struct ui_event *ev, struct view_stack *st)
{
	struct explainv *v = (struct explainv *)vv;
	size_t page = v->rows > 1 ? (size_t)v->rows - 1 : 1;

	switch (ev->action) {
	case UI_ACT_UP:
	case UI_ACT_SCROLL_UP: v->top = v->top ? v->top - 1 : 0; break;
	case UI_ACT_DOWN:
	case UI_ACT_SCROLL_DOWN: v->top++; break;
	case UI_ACT_PGUP: v->top = v->top > page ? v->top - page : 0; break;
	case UI_ACT_PGDN: v->top += page; break;
	case UI_ACT_HOME: v->top = 0; break;
	case UI_ACT_END: v->top = (size_t)-1 / 2; break;
	case UI_ACT_EXPLAIN: return REACT_NONE;
	default: return REACT_PASS;
	}
	return REACT_REDRAW;
}

const struct view_ops view_explain_ops = {
	.keyctx = UI_CTX_EXPLAIN,
	.draw = explain_draw,
	.action = explain_action,
	.title = "explain",
};

struct view *view_explain_new(const struct explain_keys *ex)
{
	struct explainv *v = view_alloc(sizeof(*v), &view_explain_ops);

	v->keys = *ex;
	return &v->base;
}
