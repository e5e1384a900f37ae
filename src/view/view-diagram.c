/*
 * view-diagram.c - the home screen: the packet flow from NIC in to NIC
 * out with each hook's tables in kernel order, their packet rate and
 * total; frames, boxes and the arrows into them light up with heat and
 * cool down. Selection by arrows, Tab or mouse; Enter opens the chain.
 * Geometry comes from the cached scene (scene-layout.c), the picture from
 * view-diagram-draw.c; this file keeps the selection across relayouts,
 * the keys, and the traced path on top (view-diagram-path.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "iptop.h"
#include "view.h"
#include "view-diagram-int.h"

struct diagram {
	struct view base;
	struct view_diagram_marks m; /* selection, list scroll, rate history */
	uint64_t sel_gen;          /* scene generation sel belongs to */
	bool have_id;              /* the selected chain, to find it again after relayout */
	uint8_t id_family;
	bool id_legacy;
	char id_table[64];
	char id_name[64];
	uint64_t *act;             /* each chain's last hit, for the tree's collapse */
	size_t nact;
};

/* ---- selection ------------------------------------------------------------------- */

static void remember(struct diagram *d, const struct view_stack *st)
{
	const struct snap_chain *ch = view_diagram_draw_chain(st, &st->ctx.scene, d->m.sel);

	if (!ch)
		return;
	d->have_id = true;
	d->id_family = ch->family;
	d->id_legacy = ch->legacy;
	snprintf(d->id_table, sizeof(d->id_table), "%s", ch->table);
	snprintf(d->id_name, sizeof(d->id_name), "%s", ch->name);
}

static void select_item(struct diagram *d, const struct view_stack *st, long i)
{
	if (!scene_layout_visible(&st->ctx.scene, i))
		return;
	d->m.sel = i;
	remember(d, st);
}

/* Bring the scene up to date; after a relayout find the selected chain again. */
static void sync(struct diagram *d, struct view_stack *st, int w, int h)
{
	struct scene *s = &st->ctx.scene;
	const struct model *m = st->ctx.model;
	size_t i;

	/* The chain tree keeps the subtrees hit most recently open. */
	if (d->nact < m->nchains) {
		d->act = xreallocarray(d->act, m->nchains, sizeof(*d->act));
		d->nact = m->nchains;
	}
	for (i = 0; i < m->nchains; i++)
		d->act[i] = m->chains[i].glow.lit_ns;
	scene_layout_update_active(s, m->cur, view_scene_mode(&st->ctx), w, h, st->ctx.zoom, d->act, m->nchains);
	if (d->sel_gen == s->generation)
		return;
	d->sel_gen = s->generation;
	d->m.sel = -1;
	for (i = 0; d->have_id && i < s->nitems; i++) {
		const struct snap_chain *ch = view_diagram_draw_chain(st, s, (long)i);

		if (ch && ch->family == d->id_family && ch->legacy == d->id_legacy &&
		    strcmp(ch->table, d->id_table) == 0 && strcmp(ch->name, d->id_name) == 0 &&
		    scene_layout_visible(s, (long)i)) {
			d->m.sel = (long)i;
			break;
		}
	}
	/* Not found (or nothing chosen yet): the first table of the flow. */
	for (i = 0; d->m.sel < 0 && i < s->nitems; i++)
		if (scene_layout_visible(s, (long)i))
			d->m.sel = (long)i;
	if (d->m.sel >= 0)
		remember(d, st);
}

/* ---- history ------------------------------------------------------------------------- */

static void diagram_tick(struct view *v, struct view_stack *st)
{
	view_diagram_draw_tick(&((struct diagram *)v)->m, st->ctx.model);
}

static void diagram_draw(struct view *v, struct canvas *c, struct canvas_rect body, struct view_stack *st)
{
	struct diagram *d = (struct diagram *)v;
	const struct snap_ruleset *rs = st->ctx.model->cur;
	const struct scene *s = &st->ctx.scene;

	sync(d, st, body.w, body.h);
	if (!rs || !s->nitems) {
		const char *msg = !rs ? "waiting for the first snapshot"
			: rs->status != SRC_OK ? "no ruleset: see the status line below"
			: st->ctx.family_mode ? "no base chains for this family (b shows both)"
			: "no base chains: the firewall is empty";
		int w = canvas_width(msg);

		canvas_text(c, body.x + (w < body.w ? (body.w - w) / 2 : 0), body.y + body.h / 2, body.w, msg,
			    SLOT_DIM, 0);
		if (!rs || !s->nitems)
			return;
	}
	view_diagram_draw_marked(c, st, s, &d->m, body);
	if (st->ctx.trace.sel) {
		struct canvas_rect b = body;

		if (s->style == SCENE_LIST)
			b.y -= d->m.scroll;
		view_diagram_path_draw(c, st, s, b);
	}
}


/* ---- actions --------------------------------------------------------------------------- */

static long step(const struct scene *s, long from, int dir)
{
	long n = (long)s->nitems, i = from, k;

	for (k = 0; k < n; k++) {
		i = ((i < 0 ? (dir > 0 ? -1 : 0) : i) + dir + n) % n;
		if (scene_layout_visible(s, i))
			return i;
	}
	return from;
}

static int open_selected(struct diagram *d, struct view_stack *st)
{
	const struct snap_chain *ch = view_diagram_draw_chain(st, &st->ctx.scene, d->m.sel);

	if (!ch)
		return REACT_NONE;
	view_open_chain(st, ch);
	return REACT_REDRAW | REACT_SNAPSHOT;
}

static int diagram_action(struct view *v, const struct ui_event *ev, struct view_stack *st)
{
	struct diagram *d = (struct diagram *)v;
	const struct scene *s = &st->ctx.scene;
	long to = -1, hit;
	bool list;

	if (v->body.w > 0)
		sync(d, st, v->body.w, v->body.h);
	list = s->style == SCENE_LIST;
	switch (ev->action) {
	case UI_ACT_NEXT:
	case UI_ACT_SCROLL_DOWN:
		to = step(s, d->m.sel, 1);
		break;
	case UI_ACT_PREV:
	case UI_ACT_SCROLL_UP:
		to = step(s, d->m.sel, -1);
		break;
	case UI_ACT_UP:
		to = list ? step(s, d->m.sel, -1) : scene_layout_neighbour(s, d->m.sel, 0, -1);
		break;
	case UI_ACT_DOWN:
		to = list ? step(s, d->m.sel, 1) : scene_layout_neighbour(s, d->m.sel, 0, 1);
		break;
	case UI_ACT_LEFT:
		to = list ? -1 : scene_layout_neighbour(s, d->m.sel, -1, 0);
		break;
	case UI_ACT_RIGHT:
		to = list ? -1 : scene_layout_neighbour(s, d->m.sel, 1, 0);
		break;
	case UI_ACT_ENTER:
		return open_selected(d, st);
	case UI_ACT_STEP_PREV:
	case UI_ACT_STEP_NEXT:
		st->ctx.trace.playing = false;
		return view_trace_step(st, ev->action == UI_ACT_STEP_NEXT ? 1 : -1);
	case UI_ACT_PLAY:
		return view_trace_play(st);
	case UI_ACT_FASTER:
	case UI_ACT_SLOWER:
		if (!st->ctx.trace.playing)
			return REACT_PASS;
		return view_trace_play_speed(st, ev->action == UI_ACT_FASTER ? 1 : -1);
	case UI_ACT_BACK:
		/* Esc on the diagram takes a traced path off it. */
		if (!st->ctx.trace.sel)
			return REACT_PASS;
		st->ctx.trace.sel = 0;
		st->ctx.trace.step = -1;
		return REACT_REDRAW;
	case UI_ACT_CLICK:
		hit = scene_layout_hit(s, ev->x - v->body.x, ev->y - v->body.y + (list ? d->m.scroll : 0));
		if (hit < 0)
			return REACT_NONE;
		select_item(d, st, hit);
		return open_selected(d, st);
	default:
		return REACT_PASS;
	}
	if (to >= 0)
		select_item(d, st, to);
	return REACT_REDRAW;
}

/* ---- the rest ------------------------------------------------------------------------------ */

static void diagram_explain(struct view *v, struct view_stack *st, struct explain_keys *ex)
{
	struct diagram *d = (struct diagram *)v;
	const struct snap_chain *ch = view_diagram_draw_chain(st, &st->ctx.scene, d->m.sel);

	if (!ch)
		return;
	snprintf(ex->subject, sizeof(ex->subject), "%s %s %s%s", snapshot_family_name(ch->family), ch->table, ch->name,
		 ch->legacy ? " (legacy)" : "");
	explain_keys_chain(ex, ch);
	if (ch->type && strcmp(ch->type, "nat") == 0)
		explain_keys_add(ex, "table:nat");
}

static void diagram_release(struct view *v)
{
	struct diagram *d = (struct diagram *)v;

	view_diagram_draw_free(&d->m);
	free(d->act);
}

const struct view_ops view_diagram_ops = {
	.keyctx = UI_CTX_DIAGRAM,
	.draw = diagram_draw,
	.action = diagram_action,
	.tick = diagram_tick,
	.title = "diagram",
	.explain = diagram_explain,
	.release = diagram_release,
};

struct view *view_diagram_new(void)
{
	struct diagram *d = view_alloc(sizeof(*d), &view_diagram_ops);

	d->m.sel = -1;
	return &d->base;
}
