/*
 * view-replay.c - moving through a replay and its chapters: r starts it
 * again, { and } go back and forward a tenth of it, m lists its chapter
 * marks (the mark=TEXT facts of the recording) and Enter there jumps to
 * one; while recording, M asks for a chapter mark's text. Views only ask
 * (VIEW_ACT_SEEK, VIEW_ACT_MARK): the loop rewinds the feed, plays snapshots
 * up to the point asked for, or writes the mark.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "iptop.h"
#include "view.h"

struct chapters {
	struct view base;
	size_t sel, top;
	bool placed;             /* sel starts on the chapter the replay is in */
	int list_y, list_h;
};

void view_replay_fmt_clock(char *buf, size_t n, uint64_t ns)
{
	uint64_t s = ns / 1000000000ull;

	if (s >= 3600)
		snprintf(buf, n, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
	else
		snprintf(buf, n, "%llu:%02llu", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
}

long view_replay_chapter(const struct view_replay *r)
{
	long cur = -1;
	size_t i;

	/* A mark names the snapshots after it. */
	for (i = 0; r->pos && i < r->pos->nmarks; i++)
		if (r->pos->marks[i].snap < r->pos->snap)
			cur = (long)i;
	return cur;
}

static int seek(struct view_stack *st, size_t to, const char *what)
{
	const struct feed_replay_pos *p = st->ctx.replay.pos;

	view_stack_flash(st, SLOT_HINT, "%s", what);
	return view_stack_act(st, &(struct view_act){ .kind = VIEW_ACT_SEEK,
						      .seek = to < 1 ? 1 : to > p->nsnaps ? p->nsnaps : to });
}

static void chapters_draw(struct view *vv, struct canvas *c, struct canvas_rect body, struct view_stack *st)
{
	struct chapters *v = (struct chapters *)vv;
	const struct feed_replay_pos *p = st->ctx.replay.pos;
	long cur = view_replay_chapter(&st->ctx.replay);
	char len[16];
	size_t i, n = p ? p->nmarks : 0;
	int y;

	if (!v->placed && cur >= 0)
		v->sel = (size_t)cur;
	v->placed = true;
	if (n && v->sel >= n)
		v->sel = n - 1;
	view_replay_fmt_clock(len, sizeof(len), p ? p->len_ns : 0);
	canvas_fill(c, body.x, body.y, body.w, 1, ' ', SLOT_HEADER, 0);
	canvas_printf(c, body.x + 1, body.y, body.w - 2, SLOT_HEADER, 0, "%3s %7s  chapter (of a %s recording)", "#",
		      "at", len);
	v->list_y = body.y + 1;
	v->list_h = body.h - 2 > 0 ? body.h - 2 : 1;
	v->top = view_scroll(v->top, v->sel, n, (size_t)v->list_h);
	for (i = v->top, y = v->list_y; i < n && y < v->list_y + v->list_h; i++, y++) {
		bool sel = i == v->sel;
		char at[16];

		view_replay_fmt_clock(at, sizeof(at), p->marks[i].t_ns);
		if (sel)
			canvas_fill(c, body.x, y, body.w, 1, ' ', SLOT_SELECT, 0);
		canvas_printf(c, body.x + 1, y, body.w - 2, sel ? SLOT_SELECT : SLOT_LABEL, (long)i == cur ? CANVAS_BOLD : 0,
			      "%3zu %7s  %s%s", i + 1, at, p->marks[i].text, (long)i == cur ? "  \xe2\x97\x80 now" : "");
	}
	canvas_text(c, body.x + 1, body.y + body.h - 1, body.w - 2,
		    n ? "Enter jumps to the chapter; r starts again, { } go back / forward" : "no chapter marks",
		    SLOT_DIM, 0);
}

static int chapters_action(struct view *vv, const struct ui_event *ev, struct view_stack *st)
{
	struct chapters *v = (struct chapters *)vv;
	const struct feed_replay_pos *p = st->ctx.replay.pos;
	size_t n = p ? p->nmarks : 0;
	long to;

	if (view_list_move(ev->action, v->sel, n, v->list_h, &to)) {
		v->sel = to < 0 ? 0 : n && (size_t)to >= n ? n - 1 : (size_t)to;
		return REACT_REDRAW;
	}
	if (ev->action == UI_ACT_CLICK && ev->y >= v->list_y && ev->y < v->list_y + v->list_h) {
		to = ev->y - v->list_y + (long)v->top;
		if (to >= 0 && (size_t)to < n)
			v->sel = (size_t)to;
		return REACT_REDRAW;
	}
	if (ev->action != UI_ACT_ENTER || !n)
		return REACT_PASS;
	{
		char what[160];
		size_t i = v->sel;

		snprintf(what, sizeof(what), "chapter %zu: %s", i + 1, p->marks[i].text);
		view_stack_pop(st);
		/* The first snapshot after the mark. */
		return seek(st, p->marks[i].snap + 1, what);
	}
}

const struct view_ops view_chapters_ops = {
	.keyctx = UI_CTX_CHAPTERS,
	.draw = chapters_draw,
	.action = chapters_action,
	.title = "chapters",
};

struct view *view_replay_chapters_new(void)
{
	return view_alloc(sizeof(struct chapters), &view_chapters_ops);
}

int view_replay_action(struct view_stack *st, const struct ui_event *ev)
{
	struct view_replay *r = &st->ctx.replay;
	const struct view *top = view_stack_top(st);
	size_t tenth;

	switch (ev->action) {
	case UI_ACT_REPLAY_RESTART:
	case UI_ACT_SEEK_BACK:
	case UI_ACT_SEEK_FWD:
	case UI_ACT_CHAPTERS:
		if (!r->pos) {
			view_stack_flash(st, SLOT_WARN, "%s", "only a replay (--replay FILE) can start again, seek "
							      "or list chapters");
			return REACT_REDRAW;
		}
		break;
	case UI_ACT_MARK:
		if (!r->recording) {
			view_stack_flash(st, SLOT_WARN, "%s", "M marks a chapter while recording (--record FILE)");
			return REACT_REDRAW;
		}
		view_stack_prompt(st, "");
		st->ctx.prompt_kind = VIEW_PROMPT_MARK;
		return REACT_REDRAW;
	default:
		return REACT_PASS;
	}
	tenth = r->pos->nsnaps / 10 ? r->pos->nsnaps / 10 : 1;
	switch (ev->action) {
	case UI_ACT_REPLAY_RESTART:
		return seek(st, 1, "the replay starts again");
	case UI_ACT_SEEK_BACK:
		return seek(st, r->pos->snap > tenth ? r->pos->snap - tenth : 1, "back a tenth of the recording");
	case UI_ACT_SEEK_FWD:
		return seek(st, r->pos->snap + tenth, "forward a tenth of the recording");
	default:
		if (!r->pos->nmarks) {
			view_stack_flash(st, SLOT_WARN, "%s", "this recording has no chapter marks (M marks them while "
							      "recording)");
			return REACT_REDRAW;
		}
		if (top->ops != &view_chapters_ops)
			view_stack_push(st, view_replay_chapters_new());
		return REACT_REDRAW;
	}
}
