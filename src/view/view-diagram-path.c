/*
 * view-diagram-path.c - a traced packet's path on the diagram: the tables
 * it passed light up in order (numbered, theme slot "path"), the one that
 * dropped it in red, the current step (when stepping with [ ]) marked,
 * the arrows it followed lit, the routing decision written on its arrow
 * (FORWARD or INPUT); its reply's tables in the "reply" slot, and a
 * caption with why the reply skips the nat chains. Paints over what
 * view-diagram.c drew; the geometry is the scene's.
 */
#include "config.h"

#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "feed.h"
#include "iptop.h"
#include "names.h"
#include "trace.h"
#include "view.h"

struct lit {
	int *order;              /* per item: 1.. in the order first reached, 0 not */
	bool *reply;             /* per item: its reply passed it */
	long drop, cur;          /* items: where it was dropped, the current step's */
	bool hook[SCENE_NHOOKS]; /* hooks it passed (up to the current step) */
	bool dropped;
	bool whole;              /* the whole path, not stepping */
	bool as_reply;           /* the packet drawn is a reply being played: the reply's colour */
	int *sub_order;          /* per chain-tree row: 1.. in the order reached, 0 not */
	long cur_sub;            /* the tree row of the current step, -1 */
	enum trace_route route;
};

/* The chain-tree row of a step in a user chain under table item it, or -1. */
static long step_sub(const struct view_stack *st, const struct scene *s, long it, const struct trace_step *t)
{
	const struct snap_ruleset *rs = st->ctx.model->cur;
	const struct scene_item *item;
	size_t j;

	if (!rs || it < 0)
		return -1;
	item = &s->items[it];
	for (j = 0; j < item->nsub; j++) {
		const struct scene_sub *sb = &s->subs[item->first_sub + j];

		if (sb->chain < rs->nchains && sb->r.w && strcmp(rs->chains[sb->chain].name, t->chain) == 0)
			return (long)(item->first_sub + j);
	}
	return -1;
}

/* The scene item of the base chain a step ran under (a regular chain's
 * step belongs to the base chain of its table on that hook). */
static long step_item(const struct view_stack *st, const struct scene *s, const struct trace_step *t)
{
	const struct snap_ruleset *rs = st->ctx.model->cur;
	size_t i;

	if (!rs)
		return -1;
	for (i = 0; i < s->nitems; i++) {
		const struct snap_chain *ch;

		if (s->items[i].chain >= rs->nchains)
			continue;
		ch = &rs->chains[s->items[i].chain];
		if (ch->family != t->family || ch->legacy != t->legacy || strcmp(ch->table, t->table) != 0)
			continue;
		if (t->hook >= 0 ? ch->hook == t->hook : strcmp(ch->name, t->chain) == 0)
			return (long)i;
	}
	return -1;
}

static bool is_drop(int32_t v)
{
	return v >= 0 && (v & NF_VERDICT_MASK) == NF_DROP;
}

static void compute(struct lit *l, const struct view_stack *st, const struct scene *s, const struct trace_packet *p,
		    const struct trace_packet *rep)
{
	int step = st->ctx.trace.step, last = step >= 0 && step < (int)p->nsteps ? step : (int)p->nsteps - 1, k = 0;
	bool whole = step < 0;
	int i;

	l->order = xcalloc(s->nitems + 1, sizeof(*l->order));
	l->reply = xcalloc(s->nitems + 1, sizeof(*l->reply));
	l->sub_order = xcalloc(s->nsubs + 1, sizeof(*l->sub_order));
	l->drop = l->cur = l->cur_sub = -1;
	l->as_reply = st->ctx.trace.play_reply;
	l->route = p->route;
	l->whole = whole;
	for (i = 0; i <= last; i++) {
		long it = step_item(st, s, &p->steps[i]);

		if (p->steps[i].hook >= 0 && p->steps[i].hook < SCENE_NHOOKS)
			l->hook[p->steps[i].hook] = true;
		if (it < 0)
			continue;
		if (!l->order[it])
			l->order[it] = ++k;
		if (i == last && !whole)
			l->cur = it;
		{
			long sb = step_sub(st, s, it, &p->steps[i]);

			if (sb >= 0 && !l->sub_order[sb])
				l->sub_order[sb] = k;
			if (sb >= 0 && i == last && !whole)
				l->cur_sub = sb;
		}
	}
	l->dropped = is_drop(p->verdict) && p->verdict_step >= 0 && p->verdict_step <= last;
	if (l->dropped)
		l->drop = step_item(st, s, &p->steps[p->verdict_step]);
	/* The whole path: hooks without a traced table count too. */
	if (whole && !l->dropped) {
		if (p->route == TRACE_ROUTE_FORWARD)
			l->hook[NF_INET_PRE_ROUTING] = l->hook[NF_INET_FORWARD] = l->hook[NF_INET_POST_ROUTING] = true;
		else if (p->route == TRACE_ROUTE_INPUT)
			l->hook[NF_INET_PRE_ROUTING] = l->hook[NF_INET_LOCAL_IN] = true;
		else if (p->route == TRACE_ROUTE_OUTPUT)
			l->hook[NF_INET_LOCAL_OUT] = l->hook[NF_INET_POST_ROUTING] = true;
	}
	for (i = 0; whole && rep && i < (int)rep->nsteps; i++) {
		long it = step_item(st, s, &rep->steps[i]);

		if (it >= 0)
			l->reply[it] = true;
	}
}

static bool arrow_lit(const struct lit *l, const struct scene_arrow *a)
{
	if (a->item >= 0)
		return l->order[a->item] != 0;
	if ((a->from >= 0 && !l->hook[a->from]) || (a->to >= 0 && !l->hook[a->to]))
		return false;
	if (a->from < 0 && a->to == NF_INET_FORWARD)
		return l->route == TRACE_ROUTE_FORWARD;
	if (a->from < 0 && a->to == NF_INET_LOCAL_IN)
		return l->route == TRACE_ROUTE_INPUT;
	if (a->from < 0 && a->to == NF_INET_PRE_ROUTING)
		return l->route != TRACE_ROUTE_OUTPUT;
	if (a->from == NF_INET_PRE_ROUTING && a->to < 0)
		return l->route == TRACE_ROUTE_FORWARD || l->route == TRACE_ROUTE_INPUT;
	if (a->to < 0)    /* into the local process, out of the NIC: once through */
		return l->whole && !l->dropped;
	return true;
}

/* Light a cell of an arrow: lines and heads only, not a label it passes
 * under (NIC in's arrow starts beneath its text). */
static void paint_cell(struct canvas *c, int x, int y)
{
	const struct canvas_cell *cell = canvas_cell(c, x, y);

	if (cell && ((cell->ch >= 0x2500 && cell->ch < 0x2600) ||
		     (cell->ch && cell->ch < 0x80 && strchr("-|+<>^v", (int)cell->ch))))
		canvas_paint(c, x, y, 1, SLOT_PATH, 0);
}

static void paint_arrow(struct canvas *c, int ox, int oy, const struct scene_arrow *a)
{
	int i, k;

	for (i = 0; i + 1 < a->n; i++) {
		int x0 = a->pt[i].x, y0 = a->pt[i].y, x1 = a->pt[i + 1].x, y1 = a->pt[i + 1].y;

		if (y0 == y1)
			for (k = x0 < x1 ? x0 : x1; k <= (x0 < x1 ? x1 : x0); k++)
				paint_cell(c, ox + k, oy + y0);
		else
			for (k = y0 < y1 ? y0 : y1; k <= (y0 < y1 ? y1 : y0); k++)
				paint_cell(c, ox + x0, oy + k);
	}
}

static uint32_t order_glyph(int n)
{
	return n < 10 ? (uint32_t)('0' + n) : n < 36 ? (uint32_t)('a' + n - 10) : '+';
}

static void paint_item(struct canvas *c, const struct scene *s, const struct lit *l, long it, int ox, int oy)
{
	const struct canvas_rect *r = &s->items[it].r;
	enum slot slot = it == l->drop ? SLOT_ERROR : l->order[it] && !l->as_reply ? SLOT_PATH : SLOT_REPLY;
	int attr = it == l->cur ? CANVAS_BOLD | CANVAS_UNDERLINE : CANVAS_BOLD;
	uint32_t mark = it == l->drop ? 0x2717 : it == l->cur ? 0x25b6 : l->order[it] ? order_glyph(l->order[it]) : 'r';
	int y, mx = s->style == SCENE_BOXES ? ox + r->x + 1 : ox + r->x;
	int tree = (int)s->items[it].shown_subs;

	if (!r->w)
		return;
	/* the table's own rows (a box: its border and numbers), not its tree */
	for (y = 0; y < r->h; y++)
		if (s->style != SCENE_BOXES || y < 2 || y >= 2 + tree)
			canvas_paint(c, ox + r->x, oy + r->y + y, r->w, slot, attr);
	canvas_put(c, mx, oy + r->y, mark, slot, CANVAS_BOLD);
	/* Passed by both: the reply's mark at the other end. */
	if (l->order[it] && l->reply[it])
		canvas_put(c, ox + r->x + r->w - (s->style == SCENE_BOXES ? 2 : 1), oy + r->y, 'r', SLOT_REPLY,
			   CANVAS_BOLD);
}

/* A user chain the packet went through, lit in its tree row. */
static void paint_sub(struct canvas *c, const struct scene *s, const struct lit *l, long j, int ox, int oy)
{
	const struct canvas_rect *r = &s->subs[j].r;
	enum slot slot = l->as_reply ? SLOT_REPLY : SLOT_PATH;

	if (!r->w)
		return;
	canvas_paint(c, ox + r->x, oy + r->y, r->w, slot, j == l->cur_sub ? CANVAS_BOLD | CANVAS_UNDERLINE : CANVAS_BOLD);
	canvas_put(c, ox + r->x, oy + r->y, j == l->cur_sub ? 0x25b6 : order_glyph(l->sub_order[j]), slot,
		   CANVAS_BOLD);
}

/* The routing decision, written on the arrow it took. */
static void route_label(struct canvas *c, const struct scene *s, const struct lit *l, int ox, int oy)
{
	size_t i;

	for (i = 0; i < s->narrows; i++) {
		const struct scene_arrow *a = &s->arrows[i];
		const char *t = NULL;
		int x, y, w;

		if (a->from >= 0 || a->item >= 0 || a->n < 2)
			continue;
		if (a->to == NF_INET_FORWARD && l->route == TRACE_ROUTE_FORWARD)
			t = " FORWARD ";
		else if (a->to == NF_INET_LOCAL_IN && l->route == TRACE_ROUTE_INPUT)
			t = " INPUT";
		if (!t)
			continue;
		w = canvas_width(t);
		if (a->pt[0].y == a->pt[1].y) {
			int len = abs(a->pt[1].x - a->pt[0].x) + 1;

			if (len < w + 2)
				continue;
			x = (a->pt[0].x < a->pt[1].x ? a->pt[0].x : a->pt[1].x) + (len - w) / 2;
			y = a->pt[0].y;
		} else {
			x = a->pt[0].x + 1;
			y = (a->pt[0].y + a->pt[1].y) / 2;
		}
		canvas_text(c, ox + x, oy + y, w, t, SLOT_PATH, CANVAS_BOLD);
	}
}

/* Text wrapped at spaces into rows y.. end (exclusive); returns the next row. */
static int wrap_text(struct canvas *c, int x, int y, int end, int w, const char *text, enum slot slot, int attr)
{
	const char *q = text;
	struct strbuf sb;

	strbuf_init(&sb);
	while (*q && y < end) {
		int n = 0, last_space = -1, len = (int)strlen(q);

		while (n < len && n < w) {
			if (q[n] == ' ')
				last_space = n;
			n++;
		}
		if (n < len && last_space > 0)
			n = last_space;
		strbuf_reset(&sb);
		strbuf_addn(&sb, q, (size_t)n);
		canvas_text_fit(c, x, y++, w, sb.s, slot, attr);
		q += n;
		while (*q == ' ')
			q++;
	}
	strbuf_free(&sb);
	return y;
}

/* What the packet did, in the legend's place. */
static void caption(struct canvas *c, const struct view_stack *st, const struct scene *s,
		    const struct trace_packet *p, const struct trace_packet *rep, int ox, int oy)
{
	const struct canvas_rect *r = &s->legend;
	int x = ox + r->x + (s->style == SCENE_BOXES ? 2 : 0), w = r->w - (s->style == SCENE_BOXES ? 4 : 0);
	int y = oy + r->y, end = oy + r->y + r->h, step = st->ctx.trace.step;
	const char *note = rep && rep->note ? rep->note : p->note;
	struct strbuf sb;

	if (r->w < 16 || r->h < 2)
		return;
	canvas_fill(c, ox + r->x, oy + r->y, r->w, r->h, ' ', SLOT_NORMAL, 0);
	strbuf_init(&sb);
	if (st->ctx.trace.play_reply)
		strbuf_addf(&sb, "reply #%llu to #%llu", (unsigned long long)p->id, (unsigned long long)p->reply_of);
	else
		strbuf_addf(&sb, "packet #%llu", (unsigned long long)p->id);
	if (p->pkt.valid)
		strbuf_addf(&sb, " %s\xe2\x86\x92%s", p->pkt.src, p->pkt.dst);
	canvas_text_fit(c, x, y++, w, sb.s, st->ctx.trace.play_reply ? SLOT_REPLY : SLOT_PATH, CANVAS_BOLD);
	strbuf_reset(&sb);
	if (step >= 0 && step < (int)p->nsteps) {
		const struct trace_step *t = &p->steps[step];

		strbuf_addf(&sb, "step %d/%zu %s:%s", step + 1, p->nsteps, t->table, t->chain);
		canvas_text_fit(c, x, y++, w, sb.s, SLOT_LABEL, 0);
		if (y < end && t->rule)
			canvas_text_fit(c, x, y++, w, t->rule, SLOT_DIM, 0);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "\xe2\x86\x92 %s", trace_verdict_name(t->type == TRACE_STEP_POLICY ? t->policy
									: t->verdict));
		if (y < end)
			canvas_text_fit(c, x, y++, w, sb.s, SLOT_LABEL, CANVAS_BOLD);
	} else {
		strbuf_addf(&sb, "%s", names_verdict_ipt(is_drop(p->verdict) ? NF_DROP : NF_ACCEPT));
		if (p->verdict_step >= 0 && (size_t)p->verdict_step < p->nsteps)
			strbuf_addf(&sb, " at %s:%s", p->steps[p->verdict_step].table, p->steps[p->verdict_step].chain);
		y = wrap_text(c, x, y, end, w, sb.s, is_drop(p->verdict) ? SLOT_DROP : SLOT_ACCEPT, CANVAS_BOLD);
		if (y < end && p->nat_src) {
			strbuf_reset(&sb);
			strbuf_addf(&sb, "SNAT \xe2\x86\x92 %s", p->nat_src_to);
			canvas_text_fit(c, x, y++, w, sb.s, SLOT_NAT, CANVAS_BOLD);
		}
		if (y < end && rep) {
			strbuf_reset(&sb);
			strbuf_addf(&sb, "r: its reply #%llu", (unsigned long long)rep->id);
			canvas_text_fit(c, x, y++, w, sb.s, SLOT_REPLY, 0);
		}
	}
	/* The note (why nat was skipped), wrapped into what is left. */
	if (note)
		wrap_text(c, x, y, end, w, note, SLOT_DIM, 0);
	strbuf_free(&sb);
}

void view_diagram_path_draw(struct canvas *c, const struct view_stack *st, const struct scene *s,
			    struct canvas_rect body)
{
	const struct view_trace *tr = &st->ctx.trace;
	/* The trace view's selection, read here, not asked of view-trace.c (which calls this file). */
	const struct trace_packet *p = model_trace_find(&st->ctx.model->trace, tr->sel), *rep = NULL;
	struct lit l;
	size_t i;

	if (!p || !s->nitems)
		return;
	if (p->reply)
		rep = model_trace_find(&st->ctx.model->trace, p->reply);
	memset(&l, 0, sizeof(l));
	compute(&l, st, s, p, rep);
	if (s->style != SCENE_LIST) {
		for (i = 0; i < s->narrows; i++)
			if (arrow_lit(&l, &s->arrows[i]))
				paint_arrow(c, body.x, body.y, &s->arrows[i]);
		route_label(c, s, &l, body.x, body.y);
		caption(c, st, s, p, rep, body.x, body.y);
	}
	for (i = 0; i < s->nitems; i++)
		if (l.order[i] || l.reply[i] || (long)i == l.drop)
			paint_item(c, s, &l, (long)i, body.x, body.y);
	for (i = 0; i < s->nsubs; i++)
		if (l.sub_order[i])
			paint_sub(c, s, &l, (long)i, body.x, body.y);
	free(l.order);
	free(l.reply);
	free(l.sub_order);
}
