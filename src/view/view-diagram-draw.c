/*
 * view-diagram-draw.c - the diagram's picture: hook frames, tables as rows
 * or boxes with their rate, total and rate history, the chain tree under
 * them, arrows, nodes, legend and the backends line, all on the cached
 * scene. Used by the diagram view (with its selection and history) and by
 * the trace view (bare, beside its list). Knows no keys and no other view.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "iptop.h"
#include "view.h"
#include "view-diagram-int.h"

struct view_diagram_hist {
	uint8_t family;
	bool legacy;
	char *table;
	char *name;
	float v[VIEW_DIAGRAM_HIST_N];   /* packets/s, ring */
	unsigned pos;      /* next slot */
	unsigned count;
};

static const char *const hook_titles[SCENE_NHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

/* ---- items ---------------------------------------------------------------------- */

const struct snap_chain *view_diagram_draw_chain(const struct view_stack *st, const struct scene *s, long i)
{
	const struct snap_ruleset *rs = st->ctx.model->cur;

	if (!rs || i < 0 || (size_t)i >= s->nitems || s->items[i].chain >= rs->nchains)
		return NULL;
	return &rs->chains[s->items[i].chain];
}

const struct model_chain *view_diagram_draw_model(const struct view_stack *st, const struct scene *s, long i)
{
	const struct model *m = st->ctx.model;

	if (i < 0 || (size_t)i >= s->nitems || s->items[i].chain >= m->nchains)
		return NULL;
	return &m->chains[s->items[i].chain];
}

/* ---- history ------------------------------------------------------------------------- */

static struct view_diagram_hist *find_hist(struct view_diagram_marks *d, const struct snap_chain *ch, bool create)
{
	struct view_diagram_hist *h;
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < d->nhist; i++)
		if (d->hist[i].family == ch->family && d->hist[i].legacy == ch->legacy &&
		    strcmp(d->hist[i].table, ch->table) == 0 && strcmp(d->hist[i].name, ch->name) == 0)
			return &d->hist[i];
	if (!create)
		return NULL;
	d->hist = xreallocarray(d->hist, d->nhist + 1, sizeof(*d->hist));
	h = &d->hist[d->nhist++];
	memset(h, 0, sizeof(*h));
	h->family = ch->family;
	h->legacy = ch->legacy;
	h->table = xstrdup(ch->table);
	h->name = xstrdup(ch->name);
	return h;
}

void view_diagram_draw_tick(struct view_diagram_marks *d, const struct model *m)
{
	size_t i;

	for (i = 0; i < m->nchains; i++) {
		const struct model_chain *mc = &m->chains[i];
		struct view_diagram_hist *h;

		if (!scene_layout_shows(mc->snap, SCENE_OWN))
			continue;
		h = find_hist(d, mc->snap, true);
		h->v[h->pos] = (float)mc->pps;
		h->pos = (h->pos + 1) % VIEW_DIAGRAM_HIST_N;
		if (h->count < VIEW_DIAGRAM_HIST_N)
			h->count++;
	}
}

void view_diagram_draw_free(struct view_diagram_marks *d)
{
	size_t i;

	for (i = 0; i < d->nhist; i++) {
		free(d->hist[i].table);
		free(d->hist[i].name);
	}
	free(d->hist);
	d->hist = NULL;
	d->nhist = 0;
}

/* History on a log scale shared by all tables, so a quiet chain looks
 * quiet next to a busy one, yet a few packets still show. */
static void draw_spark(struct canvas *c, int x, int y, int w, const struct view_diagram_hist *h, double top,
		       enum slot slot)
{
	int n, i;

	if (!h || w <= 0 || top <= 0)
		return;
	n = (int)h->count < w ? (int)h->count : w;
	for (i = 0; i < n; i++) {
		float v = h->v[(h->pos + VIEW_DIAGRAM_HIST_N - n + i) % VIEW_DIAGRAM_HIST_N];
		int lvl;

		if (v <= 0)
			continue;
		lvl = (int)(8.0 * log1p(v) / log1p(top) + 0.999);
		if (lvl < 1)
			lvl = 1;
		if (lvl > 8)
			lvl = 8;
		canvas_put(c, x + w - n + i, y, 0x2580 + (uint32_t)lvl, slot, 0);
	}
}

static double hist_top(const struct view_diagram_marks *d)
{
	double top = 0;
	size_t i;
	int k;

	if (!d)
		return 0;
	for (i = 0; i < d->nhist; i++)
		for (k = 0; k < (int)d->hist[i].count; k++)
			if (d->hist[i].v[k] > top)
				top = d->hist[i].v[k];
	return top;
}

/* ---- drawing ------------------------------------------------------------------------- */

static double hook_heat(const struct view_stack *st, const struct scene *s, int hook)
{
	const struct scene_hook *hk;
	double heat = 0;
	size_t k;

	if (hook < 0)
		return 1.0;
	hk = &s->hooks[hook];
	for (k = 0; k < hk->n; k++) {
		const struct model_chain *mc = view_diagram_draw_model(st, s, (long)(hk->first + k));

		if (mc && model_chain_light(st->ctx.model, mc) > heat)
			heat = model_chain_light(st->ctx.model, mc);
	}
	return heat;
}

/* One table's numbers in a row: label, [prio,] rate, total (columns 5 wide). */
static void draw_cols(struct canvas *c, int x, int y, int w, const char *label, const char *short_label,
		      const char *prio, const char *rate, const char *total, enum slot lslot, enum slot nslot,
		      enum slot rslot, int attr)
{
	int right = x + w - 1; /* one blank column on the right */
	int lw = prio ? w - 19 : w - 13;

	canvas_text_right(c, right - 5, y, 5, total, nslot, attr);
	canvas_text_right(c, right - 11, y, 5, rate, rslot, attr);
	if (prio)
		canvas_text_right(c, right - 17, y, 5, prio, SLOT_DIM, attr);
	/* "firewalld filter_INPUT" that does not fit becomes "firewalld". */
	if (short_label && canvas_width(label) > lw)
		label = short_label;
	canvas_text_fit(c, x + 1, y, lw, label, lslot, attr);
}

static void draw_item_row(struct canvas *c, const struct view_stack *st, const struct scene *s,
			  const struct view_diagram_marks *d, long i, int x, int y, int w, bool with_prio)
{
	const struct scene_item *it = &s->items[i];
	const struct model_chain *mc = view_diagram_draw_model(st, s, i);
	const struct snap_chain *ch = view_diagram_draw_chain(st, s, i);
	char rate[16], total[16], prio[16];
	enum slot heat, lslot, nslot, rslot;
	bool sel = d && i == d->sel;
	int attr = s->zoom ? CANVAS_BOLD : 0;

	if (!mc || !ch)
		return;
	snprintf(prio, sizeof(prio), "%d", ch->prio);
	heat = view_heat_slot(model_chain_light(st->ctx.model, mc), SLOT_NORMAL);
	if (!view_chain_counted(ch)) {
		/* Not instantiated, or nothing in it has a counter: unknown, not 0. */
		snprintf(rate, sizeof(rate), "\xe2\x80\x94"); /* — */
		snprintf(total, sizeof(total), "\xe2\x80\x94");
		lslot = ch->instantiated ? SLOT_LABEL : SLOT_DIM;
		nslot = rslot = SLOT_DIM;
	} else {
		view_fmt_rate(rate, sizeof(rate), mc->pps);
		view_fmt_count(total, sizeof(total), mc->total_packets);
		lslot = heat != SLOT_NORMAL ? heat : SLOT_LABEL;
		nslot = heat != SLOT_NORMAL ? heat : SLOT_NUMBER;
		rslot = heat != SLOT_NORMAL ? heat : mc->pps > 0 ? SLOT_NUMBER : SLOT_DIM;
	}
	if (it->own)
		lslot = nslot = rslot = SLOT_DIM; /* iptop's, not the user's */
	if (sel) {
		/* Selection is reverse video of the row's heat, so heat still shows. */
		enum slot ss = heat != SLOT_NORMAL ? heat : SLOT_SELECT;

		attr = heat != SLOT_NORMAL ? CANVAS_REVERSE : 0;
		lslot = nslot = rslot = ss;
		canvas_fill(c, x, y, w, 1, ' ', ss, attr);
	}
	draw_cols(c, x, y, w, it->label, it->short_label, with_prio ? prio : NULL, rate, total, lslot, nslot, rslot,
		  attr);
}

/* A table as its own box: name and priority in the top border, the
 * history, rate and total inside. */
static void draw_item_box(struct canvas *c, const struct view_stack *st, const struct scene *s,
			  struct view_diagram_marks *d, long i, int ox, int oy, double top)
{
	const struct scene_item *it = &s->items[i];
	const struct canvas_rect *r = &it->r;
	const struct model_chain *mc = view_diagram_draw_model(st, s, i);
	const struct snap_chain *ch = view_diagram_draw_chain(st, s, i);
	enum slot heat = view_heat_slot(model_chain_light(st->ctx.model, mc), SLOT_NORMAL), bs = heat != SLOT_NORMAL ? heat : SLOT_BORDER;
	enum slot ls = heat != SLOT_NORMAL ? heat : SLOT_LABEL, ns = ls;
	int x = ox + r->x, y = oy + r->y, inner = r->w - 2, pw, attr = 0;
	char rate[24], total[16], prio[16];
	bool sel = d && i == d->sel;

	if (it->own)
		bs = ls = ns = SLOT_DIM; /* iptop's, not the user's */
	if (sel) {
		ls = ns = heat != SLOT_NORMAL ? heat : SLOT_SELECT;
		attr = heat != SLOT_NORMAL ? CANVAS_REVERSE : 0;
		canvas_fill(c, x + 1, y + 1, inner, 1, ' ', ls, attr);
	}
	canvas_box(c, x, y, r->w, r->h, sel ? SLOT_SELECT : bs, sel ? CANVAS_BOX_HEAVY : CANVAS_BOX_LIGHT);
	snprintf(prio, sizeof(prio), " %d ", ch->prio);
	pw = canvas_width(prio);
	canvas_text(c, x + r->w - 2 - pw, y, pw, prio, SLOT_DIM, 0);
	canvas_text(c, x + 1, y, 1, " ", bs, 0);
	{
		const char *label = canvas_width(it->label) + 2 > r->w - 5 - pw ? it->short_label : it->label;
		int lw = canvas_text_fit(c, x + 2, y, r->w - 5 - pw, label, sel ? SLOT_SELECT : ls, CANVAS_BOLD);

		canvas_put(c, x + 2 + lw, y, ' ', sel ? SLOT_SELECT : bs, 0);
	}
	if (!ch->instantiated) {
		canvas_text(c, x + 2, y + 1, inner - 2, "not instantiated", sel ? ls : SLOT_DIM, attr);
		return;
	}
	if (view_chain_counted(ch)) {
		view_fmt_rate(rate, sizeof(rate), mc->pps); /* bare, as every rate: the legend says /s */
		view_fmt_count(total, sizeof(total), mc->total_packets);
	} else {
		snprintf(rate, sizeof(rate), "\xe2\x80\x94");
		snprintf(total, sizeof(total), "\xe2\x80\x94");
	}
	canvas_text_right(c, x + inner - 6, y + 1, 6, total, ns, attr);
	canvas_text_right(c, x + inner - 14, y + 1, 7, rate, sel || mc->pps > 0 ? ns : SLOT_DIM, attr);
	draw_spark(c, x + 2, y + 1, inner - 17, find_hist(d, ch, false), top,
		   sel ? ls : heat != SLOT_NORMAL ? heat : SLOT_DIM);
}

/* A chain name in at most w columns. Long words give way first, cut and
 * marked with a dot, never the last one (it tells STAGE-1 from STAGE-2):
 * "DOCKER-ISOLATION-STAGE-1" becomes "DOCKER-ISOL.-STAGE-1"; what still does
 * not fit loses its middle ("DOCK…GE-1"). */
static void elide_middle(char *out, size_t n, const char *name, int w)
{
	struct { const char *p; int len, cut; } word[16];
	int nw = 0, total, i, head, tail;
	const char *p = name, *q;
	struct strbuf sb;

	total = (int)strlen(name);
	if (total <= w || w < 5) {
		snprintf(out, n, "%s", name);
		return;
	}
	for (q = name;; q++)
		if (*q == '-' || *q == '_' || !*q) {
			if (nw == (int)ARRAY_SIZE(word))
				break;
			word[nw].p = p;
			word[nw].len = (int)(q - p);
			word[nw++].cut = 0;
			if (!*q)
				break;
			p = q + 1;
		}
	/* each step shortens the name by one column: a word's first cut
	 * takes two letters and adds the dot, later ones a letter */
	while (total > w) {
		int best = -1;

		for (i = 0; i + 1 < nw; i++)
			if (word[i].len - word[i].cut > 4 &&
			    (best < 0 || word[i].len - word[i].cut > word[best].len - word[best].cut))
				best = i;
		if (best < 0)
			break;
		word[best].cut += word[best].cut ? 1 : 2;
		total--;
	}
	strbuf_init(&sb);
	for (i = 0; i < nw; i++) {
		strbuf_addf(&sb, "%.*s%s", word[i].len - word[i].cut, word[i].p, word[i].cut ? "." : "");
		if (i + 1 < nw)
			strbuf_addc(&sb, word[i].p[word[i].len]);
	}
	if ((int)sb.len <= w) {
		snprintf(out, n, "%s", sb.s);
	} else {
		tail = (w - 1) / 2;
		head = w - 1 - tail;
		snprintf(out, n, "%.*s\xe2\x80\xa6%s", head, sb.s, sb.s + sb.len - tail);
	}
	strbuf_free(&sb);
}

/* A user chain under its table: "└ NAME +N" (+N while it glows: packets
 * since it lit), packets per second into it and in all. Its packets are
 * what the rules jumping to it counted. */
static void draw_sub(struct canvas *c, const struct view_stack *st, const struct scene_sub *sb, int ox, int oy,
		     int attr)
{
	const struct model *m = st->ctx.model;
	const struct model_chain *mc;
	int x = ox + sb->r.x, y = oy + sb->r.y, indent = 2 * (sb->depth - 1);
	char label[160], rate[16], total[16], name[96], badge[24] = "";
	enum slot heat, ls, ns;
	int room;
	bool narrow;

	if (!sb->r.w)
		return;
	if (sb->chain == SCENE_SUB_MORE) {
		snprintf(label, sizeof(label), "\xe2\x94\x94 +%zu more chain%s, c lists all", sb->more,
			 sb->more == 1 ? "" : "s");
		if (canvas_width(label) > sb->r.w - 2)
			snprintf(label, sizeof(label), "\xe2\x94\x94 +%zu more", sb->more);
		canvas_text_fit(c, x + 1, y, sb->r.w - 2, label, SLOT_DIM, 0);
		return;
	}
	if (sb->chain >= m->nchains)
		return;
	mc = &m->chains[sb->chain];
	heat = view_heat_slot(model_chain_light(m, mc), SLOT_NORMAL);
	ls = heat != SLOT_NORMAL ? heat : SLOT_LABEL;
	ns = heat != SLOT_NORMAL ? heat : SLOT_NUMBER;
	if (mc->glow.lit_ns && mc->glow.packets)
		snprintf(badge, sizeof(badge), " +%llu", (unsigned long long)mc->glow.packets);
	/* draw_cols keeps w - 13 columns for the label, from x + 1; narrow
	 * frames give the rate column to the name */
	narrow = sb->r.w < 30;
	room = sb->r.w - (narrow ? 8 : 13) - indent - 2;
	/* The name before the badge: "+N" only where the whole name still fits */
	if (!narrow && canvas_width(mc->snap->name) + (int)strlen(badge) > room)
		badge[0] = '\0';
	elide_middle(name, sizeof(name), mc->snap->name, room);
	snprintf(label, sizeof(label), "%*s\xe2\x94\x94 %s%s", indent, "", name, narrow ? "" : badge);
	if (mc->entered_known) {
		view_fmt_rate(rate, sizeof(rate), mc->entered_pps);
		view_fmt_count(total, sizeof(total), mc->entered_packets);
	} else {
		snprintf(rate, sizeof(rate), "\xe2\x80\x94"); /* — : a jump without a counter */
		snprintf(total, sizeof(total), "\xe2\x80\x94");
		ns = SLOT_DIM;
	}
	if (narrow) {
		/* one number: "+N" while it glows, else the total */
		canvas_text_right(c, x + sb->r.w - 6, y, 5, badge[0] ? badge + 1 : total, ns, attr);
		canvas_text_fit(c, x + 1, y, sb->r.w - 8, label, ls, attr);
		return;
	}
	draw_cols(c, x, y, sb->r.w, label, NULL, NULL, rate, total, ls, ns,
		  heat != SLOT_NORMAL ? heat : mc->entered_known && mc->d_entered_packets ? SLOT_NUMBER : SLOT_DIM,
		  attr);
}

static void draw_subs(struct canvas *c, const struct view_stack *st, const struct scene *s, long item, int ox,
		      int oy)
{
	const struct scene_item *it = &s->items[item];
	size_t j;

	for (j = 0; j < it->nsub; j++)
		draw_sub(c, st, &s->subs[it->first_sub + j], ox, oy, s->zoom ? CANVAS_BOLD : 0);
}

/* Columns for a frame's title before an arrow crosses its top border. */
static int title_room(const struct scene *s, const struct scene_hook *hk)
{
	int room = hk->r.w - 4;
	size_t i;
	int k;

	for (i = 0; i < s->narrows; i++)
		for (k = 0; k < s->arrows[i].n; k++) {
			const struct scene_point *p = &s->arrows[i].pt[k];

			if (p->y == hk->r.y && p->x > hk->r.x && p->x - hk->r.x - 3 < room)
				room = p->x - hk->r.x - 3;
		}
	return room;
}

/* Packets that entered a hook (both families), when iptop observes them. */
static bool hook_packets(const struct view_stack *st, int hook, uint64_t *packets)
{
	struct model_hook h[MODEL_MAX_HOOKS];
	size_t i, n = model_hooks(st->ctx.model, h, ARRAY_SIZE(h));
	bool any = false;

	*packets = 0;
	for (i = 0; i < n; i++)
		if (h[i].hook == hook && (st->ctx.family_mode == 0 ||
					  h[i].nfproto == (st->ctx.family_mode == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6))) {
			*packets += h[i].packets;
			any = true;
		}
	return any;
}

static void draw_arrow(struct canvas *c, int ox, int oy, const struct scene_arrow *a, enum slot slot)
{
	int i;

	for (i = 0; i + 1 < a->n; i++) {
		int x0 = a->pt[i].x, y0 = a->pt[i].y, x1 = a->pt[i + 1].x, y1 = a->pt[i + 1].y;

		if (y0 == y1)
			canvas_hline(c, ox + (x0 < x1 ? x0 : x1), oy + y0, abs(x1 - x0) + 1, slot);
		else
			canvas_vline(c, ox + x0, oy + (y0 < y1 ? y0 : y1), abs(y1 - y0) + 1, slot);
	}
	if (a->head && a->n >= 2) {
		const struct scene_point *p = &a->pt[a->n - 1], *q = &a->pt[a->n - 2];
		uint32_t g = p->x > q->x ? 0x25b6 : p->x < q->x ? 0x25c0 : p->y > q->y ? 0x25bc : 0x25b2;

		canvas_put(c, ox + p->x, oy + p->y, g, slot, 0);
	}
}

/* An arrow is as hot as the box it leads into, or the cooler of the two
 * hooks it joins. */
static enum slot arrow_slot(const struct view_stack *st, const struct scene *s, const struct scene_arrow *a)
{
	double heat;

	if (a->item >= 0) {
		const struct model_chain *mc = view_diagram_draw_model(st, s, a->item);

		heat = mc ? model_chain_light(st->ctx.model, mc) : 0;
	} else {
		double f = hook_heat(st, s, a->from), t = hook_heat(st, s, a->to);

		heat = f < t ? f : t;
	}
	return view_heat_slot(heat, SLOT_ARROW);
}

static void draw_legend(struct canvas *c, const struct scene *s, int ox, int oy)
{
	const struct canvas_rect *r = &s->legend;
	bool prio = !s->zoom && (s->style == SCENE_BOXES || r->w >= 30);
	int y = oy + r->y + 1, x = ox + r->x, i, rampx;

	if (r->w <= 0 || r->h < 3)
		return;
	if (s->style == SCENE_BOXES)
		x += 2;
	/* A table's numbers are rule hits (a packet counts at every rule it
	 * meets); a chain's under it, and a hook's, are packets. */
	draw_cols(c, x, y, s->style == SCENE_BOXES ? r->w - 4 : r->w, "table", NULL, prio ? "prio" : NULL, "hit/s", "hits",
		  SLOT_DIM, SLOT_DIM, SLOT_DIM, CANVAS_UNDERLINE);
	/* The ramp as the boxes draw their numbers: the same slots on text, so
	 * a theme that colours the background shows it here too. */
	rampx = ox + r->x + (r->w - 13) / 2;
	canvas_text(c, rampx, y + 1, 5, "cold ", SLOT_DIM, 0);
	for (i = 0; i < 4; i++)
		canvas_put(c, rampx + 5 + i, y + 1, (uint32_t)('1' + i), (enum slot)(SLOT_HEAT1 + i), CANVAS_BOLD);
	canvas_text(c, rampx + 9, y + 1, 4, " hot", SLOT_DIM, 0);
	if (s->style != SCENE_ROWS && !s->zoom && r->h >= 4)
		canvas_text(c, ox + r->x + (r->w - 19) / 2, y + 2, 19,
			    "\xe2\x96\x81\xe2\x96\x83\xe2\x96\x85\xe2\x96\x87 rate history", SLOT_DIM, 0); /* ▁▃▅▇ */
	if (s->nsubs && r->h >= 5) {
		const char *t = r->w >= 34 ? "\xe2\x94\x94 chain, hook: packets in" : "\xe2\x94\x94 chain: packets";
		int tw = canvas_width(t);

		canvas_text(c, ox + r->x + (r->w - tw) / 2, y + (s->style != SCENE_ROWS && !s->zoom ? 3 : 2), tw, t,
			    SLOT_DIM, 0);
	}
}

/* The backends line: a warning when both hold rules (`iptables -L` then
 * shows only part of what packets go through), else what "L" means. The
 * longest text that fits, centred. */
static void draw_banner(struct canvas *c, const struct scene *s, int ox, int oy)
{
	static const char *const both[] = {
		"! iptables-legacy and nf_tables both hold rules (L: legacy)",
		"! both backends hold rules (L: legacy)",
		"! both backends hold rules",
		"! 2 backends",
	};
	static const char *const legacy[] = {
		"L: iptables-legacy (x_tables) table",
		"L: iptables-legacy",
		"L: legacy",
	};
	const char *const *texts = s->both_backends ? both : legacy;
	size_t n = s->both_backends ? ARRAY_SIZE(both) : ARRAY_SIZE(legacy), i;
	const struct canvas_rect *r = &s->banner;

	if (r->w <= 0)
		return;
	for (i = 0; i < n; i++) {
		int w = canvas_width(texts[i]);

		if (w <= r->w || i + 1 == n) {
			int x = w < r->w ? (r->w - w) / 2 : 0;

			canvas_text(c, ox + r->x + x, oy + r->y, r->w - x, texts[i],
				    s->both_backends ? SLOT_WARN : SLOT_DIM, 0);
			return;
		}
	}
}

static void draw_columns(struct canvas *c, const struct view_stack *st, const struct scene *s,
			 struct view_diagram_marks *d, struct canvas_rect body)
{
	int ox = body.x, oy = body.y, h;
	double top = hist_top(d);
	size_t i, k;

	for (h = 0; h < SCENE_NHOOKS; h++) {
		const struct scene_hook *hk = &s->hooks[h];
		enum slot fs = view_heat_slot(hook_heat(st, s, h), SLOT_BORDER);

		canvas_box(c, ox + hk->r.x, oy + hk->r.y, hk->r.w, hk->r.h, fs, CANVAS_BOX_ROUND);
		{
			uint64_t pk;
			char n[16];
			int tw = canvas_printf(c, ox + hk->r.x + 2, oy + hk->r.y, hk->r.w - 4, SLOT_HOOK, CANVAS_BOLD,
					       " %s ", hook_titles[h]);

			if (hook_packets(st, h, &pk)) {
				int room = title_room(s, hk) - tw;
				char t[32];

				view_fmt_count(n, sizeof(n), pk);
				snprintf(t, sizeof(t), "%s packets ", n);
				if (canvas_width(t) > room)
					snprintf(t, sizeof(t), "%s pkts ", n);
				if (canvas_width(t) > room)
					snprintf(t, sizeof(t), "%s ", n);
				if (canvas_width(t) <= room)
					canvas_text(c, ox + hk->r.x + 2 + tw, oy + hk->r.y, room, t, SLOT_NUMBER, 0);
			}
		}
		if (!hk->n)
			canvas_text(c, ox + hk->r.x + 2, oy + hk->r.y + 1, hk->r.w - 4, "no chains", SLOT_DIM, 0);
		if (hk->hidden) {
			char more[64];

			snprintf(more, sizeof(more), "+%zu more, c lists all", hk->hidden);
			if (canvas_width(more) > hk->more.w - 2)
				snprintf(more, sizeof(more), "+%zu more", hk->hidden);
			canvas_text(c, ox + hk->more.x + 1, oy + hk->more.y, hk->more.w - 2, more, SLOT_DIM, 0);
		}
		/* Connectors first: a heavy (selected) border drawn over them wins. */
		for (i = 0; i < s->narrows; i++)
			if (s->arrows[i].item >= 0 && s->items[s->arrows[i].item].hook == h)
				draw_arrow(c, ox, oy, &s->arrows[i], arrow_slot(st, s, &s->arrows[i]));
		for (k = 0; k < hk->n; k++) {
			long it = (long)(hk->first + k);
			const struct canvas_rect *r = &s->items[it].r;
			const struct model_chain *mc = view_diagram_draw_model(st, s, it);
			const struct snap_chain *ch = view_diagram_draw_chain(st, s, it);
			enum slot hs = mc ? view_heat_slot(model_chain_light(st->ctx.model, mc), SLOT_BORDER) : SLOT_BORDER;

			if (!r->w || !mc || !ch)
				continue;
			if (s->style == SCENE_BOXES) {
				draw_item_box(c, st, s, d, it, ox, oy, top);
			} else {
				draw_item_row(c, st, s, d, it, ox + r->x, oy + r->y, r->w, s->col_w - 2 >= 30 && !s->zoom);
				if (r->h > 1 && !s->zoom)
					draw_spark(c, ox + r->x + 1, oy + r->y + 1, r->w - 2, find_hist(d, ch, false), top,
						   hs == SLOT_BORDER ? SLOT_DIM : hs);
			}
			draw_subs(c, st, s, it, ox, oy);
		}
	}
	for (i = 0; i < s->narrows; i++)
		if (s->arrows[i].item < 0)
			draw_arrow(c, ox, oy, &s->arrows[i], arrow_slot(st, s, &s->arrows[i]));
	/* Ghost slots: dim, over the arrow that passes them. */
	for (i = 0; i < s->nghosts; i++)
		if (s->ghosts[i].r.w > 0)
			canvas_text_fit(c, ox + s->ghosts[i].r.x, oy + s->ghosts[i].r.y, s->ghosts[i].r.w,
					s->ghosts[i].label, SLOT_DIM, 0);
	for (i = 0; i < s->nnodes; i++) {
		const struct scene_node *n = &s->nodes[i];
		int x = canvas_text(c, ox + n->x, oy + n->y, -1, n->text, SLOT_NODE, 0);

		if (n->kind == SCENE_NODE_ROUTE)
			canvas_put(c, ox + n->x + x + 1, oy + n->y, 0x25c6, SLOT_NODE, 0); /* ◆ */
	}
	draw_legend(c, s, ox, oy);
	draw_banner(c, s, ox, oy);
}

static void draw_list(struct canvas *c, const struct view_stack *st, const struct scene *s,
		      struct view_diagram_marks *d, struct canvas_rect body)
{
	int h, scroll = 0;
	size_t k;

	if (d && d->sel >= 0)
		d->scroll = (int)view_scroll((size_t)d->scroll, (size_t)s->items[d->sel].r.y, (size_t)s->content_h,
					     (size_t)body.h);
	if (d)
		scroll = d->scroll;
	draw_banner(c, s, body.x, body.y - scroll);
	for (h = 0; h < SCENE_NHOOKS; h++) {
		const struct scene_hook *hk = &s->hooks[h];
		int y = body.y + hk->r.y - scroll;

		canvas_put(c, body.x, y, 0x25bc, view_heat_slot(hook_heat(st, s, h), SLOT_ARROW), 0);
		canvas_text(c, body.x + 2, y, body.w - 2, hook_titles[h], SLOT_HOOK, CANVAS_BOLD);
		if (h == 0 && body.w - 2 >= 30)
			draw_cols(c, body.x + 2 + 12, y, body.w - 2 - 12, "", NULL, "prio", "pkt/s", "total", SLOT_DIM,
				  SLOT_DIM, SLOT_DIM, 0);
		else if (h == 0)
			draw_cols(c, body.x + 2 + 12, y, body.w - 2 - 12, "", NULL, NULL, "pkt/s", "total", SLOT_DIM,
				  SLOT_DIM, SLOT_DIM, 0);
		if (!hk->n) {
			canvas_text(c, body.x + 15, y, body.w - 15, "no chains", SLOT_DIM, 0);
			continue;
		}
		for (k = 0; k < hk->n; k++) {
			long it = (long)(hk->first + k);
			const struct canvas_rect *r = &s->items[it].r;

			draw_item_row(c, st, s, d, it, body.x + r->x, body.y + r->y - scroll, r->w, s->col_w - 2 >= 30 && !s->zoom);
			draw_subs(c, st, s, it, body.x, body.y - scroll);
		}
	}
}

void view_diagram_draw_marked(struct canvas *c, const struct view_stack *st, const struct scene *s,
			      struct view_diagram_marks *d, struct canvas_rect body)
{
	if (s->style == SCENE_LIST)
		draw_list(c, st, s, d, body);
	else
		draw_columns(c, st, s, d, body);
}

void view_diagram_draw_scene(struct canvas *c, const struct view_stack *st, const struct scene *s,
			     struct canvas_rect body)
{
	view_diagram_draw_marked(c, st, s, NULL, body);
}
