/*
 * scene-layout.c - geometry of the packet-flow diagram, cached per (body
 * size, family filter, topology). Three columns of hook frames:
 *
 *     NIC in                                   NIC out
 *       ▼                                         ▲
 *   PREROUTING          (legend)             POSTROUTING
 *       ▼                                      ▲     ▲
 *   routing ◆──────▶  FORWARD  ──────────────┘     │
 *       ▼                                            │
 *     INPUT  ──▶  local process  ──▶  OUTPUT ───────┘
 *
 * in three densities (a row per table, two rows with a history line,
 * a box per table), and a one-column list when that does not fit. Tables
 * in a hook are ordered as the kernel runs them: by priority, then family
 * (ip, ip6, inet), then name. iptables-legacy tables join their hook at
 * their x_tables priority, labelled "filter (legacy)" (short "filter L");
 * at a priority equal to an nf_tables chain's the kernel runs the one
 * registered last first, which no dump tells: legacy is put second. A
 * row above the frames (the NIC row) is kept for the backends line when
 * legacy tables show. Where rows are left over, the standard tables a hook
 * could hold but does not are ghost slots ("raw₄ (empty)") at their
 * priority; they are the first thing dropped for room. Knows nothing of
 * counters or colours.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "hashmap.h"
#include "iptop.h"
#include "scene.h"
#include "scene-int.h"

#define ROWS_COL_MIN 22    /* frame width: 8-column names and two numbers */
#define ROWS_COL_MAX 60
#define BOXES_COL_MIN 30
#define BOXES_COL_MAX 60
#define GAP_MIN 4
#define GAP_MAX 12

void scene_layout_init(struct scene *s)
{
	memset(s, 0, sizeof(*s));
}

void scene_layout_free(struct scene *s)
{
	free(s->items);
	free(s->subs);
	memset(s, 0, sizeof(*s));
}

const char *scene_layout_style_name(enum scene_style st)
{
	switch (st) {
	case SCENE_LIST: return "list";
	case SCENE_ROWS: return "rows";
	case SCENE_ROWS2: return "rows2";
	case SCENE_BOXES: return "boxes";
	}
	return "?";
}

bool scene_layout_own(const struct snap_chain *ch)
{
	return !ch->legacy && strncmp(ch->table, "iptop_", 6) == 0;
}

bool scene_layout_shows(const struct snap_chain *ch, int family_mode)
{
	int fam = family_mode & ~SCENE_OWN;

	if (!ch->base || ch->hook < 0 || ch->hook >= SCENE_NHOOKS)
		return false;
	if (!(family_mode & SCENE_OWN) && scene_layout_own(ch))
		return false;
	switch (ch->family) {
	case NFPROTO_INET: return true;
	case NFPROTO_IPV4: return fam != 6;
	case NFPROTO_IPV6: return fam != 4;
	}
	return false;
}

struct pick {
	size_t idx;
	const struct snap_chain *ch;
};

static int cmp_pick(const void *a, const void *b)
{
	const struct snap_chain *x = ((const struct pick *)a)->ch, *y = ((const struct pick *)b)->ch;
	int r;

	if (x->hook != y->hook)
		return x->hook - y->hook;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	if (x->family != y->family)
		return scene_ghost_family_rank(x->family) - scene_ghost_family_rank(y->family);
	if (x->legacy != y->legacy)
		return x->legacy ? 1 : -1;
	r = strcmp(x->table, y->table);
	return r ? r : strcmp(x->name, y->name);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	return hash_fnv1a(h, p, n);
}

static bool ipt_table(const struct snap_ruleset *rs, const struct snap_chain *ch)
{
	static const char *const std[] = { "raw", "mangle", "nat", "filter", "security" };
	const struct snap_table *t = snapshot_find_table(rs, ch->family, ch->table);
	size_t i;

	if (t)
		return t->iptables;
	/* Not instantiated chains may have no table entry: judge by name. */
	if (ch->family != NFPROTO_IPV4 && ch->family != NFPROTO_IPV6)
		return false;
	for (i = 0; i < ARRAY_SIZE(std); i++)
		if (strcmp(ch->table, std[i]) == 0)
			return snapshot_hook_ipt_name(ch->hook) && strcmp(ch->name, snapshot_hook_ipt_name(ch->hook)) == 0;
	return false;
}

static void make_label(struct scene_item *it, const struct snap_ruleset *rs, const struct snap_chain *ch,
		       bool both)
{
	const char *suffix = "";

	if (both && ch->family == NFPROTO_IPV4)
		suffix = "\xe2\x82\x84"; /* ₄ */
	else if (both && ch->family == NFPROTO_IPV6)
		suffix = "\xe2\x82\x86"; /* ₆ */
	it->legacy = ch->legacy;
	it->own = scene_layout_own(ch);
	if (ch->legacy) {
		/* x_tables knows only iptables' tables: the table names it. */
		snprintf(it->short_label, sizeof(it->short_label), "%s%s L", ch->table, suffix);
		snprintf(it->label, sizeof(it->label), "%s%s (legacy)", ch->table, suffix);
		return;
	}
	snprintf(it->short_label, sizeof(it->short_label), "%s%s", ch->table, suffix);
	if (ipt_table(rs, ch))
		snprintf(it->label, sizeof(it->label), "%s", it->short_label);
	else
		snprintf(it->label, sizeof(it->label), "%s%s %s", ch->table, suffix, ch->name);
}

/* ---- three columns ----------------------------------------------------------- */

struct geo {
	enum scene_style style;
	int bw, gap, margin;
	int x[3];            /* column x */
	int hh[SCENE_NHOOKS];/* frame heights */
	int shown[SCENE_NHOOKS];
	int per;             /* rows per item (ROWS/ROWS2) */
	int tree_cap;        /* tree rows per item at most */
	bool ghosts;         /* room for the ghost slots too */
	int extra[SCENE_NHOOKS]; /* tree rows in the shown items of each hook */
};

static int hook_extra(const struct scene *s, const struct geo *g, int hook)
{
	const struct scene_hook *hk = &s->hooks[hook];
	size_t k;
	int n = 0;

	for (k = 0; k < hk->n && (int)k < g->shown[hook]; k++)
		n += (int)scene_tree_rows(s, &s->items[hk->first + k], g->tree_cap);
	return n;
}

static int hook_ghosts(const struct scene *s, const struct geo *g, int hook)
{
	size_t i;
	int n = 0;

	for (i = 0; g->ghosts && i < s->nghosts; i++)
		n += s->ghosts[i].hook == hook;
	return n;
}

static int frame_height(const struct geo *g, size_t n, int extra)
{
	if (g->style == SCENE_BOXES)
		return n ? 4 * (int)n + 1 + extra : 3;
	return n ? g->per * (int)n + 2 + extra : 3;
}

static int need_height(const struct geo *g)
{
	int t = g->hh[NF_INET_PRE_ROUTING] > g->hh[NF_INET_POST_ROUTING] ? g->hh[NF_INET_PRE_ROUTING]
									     : g->hh[NF_INET_POST_ROUTING];
	int b = g->hh[NF_INET_LOCAL_IN] > g->hh[NF_INET_LOCAL_OUT] ? g->hh[NF_INET_LOCAL_IN]
								   : g->hh[NF_INET_LOCAL_OUT];

	return 2 + t + 1 + g->hh[NF_INET_FORWARD] + 1 + b;
}

/* Widths and heights for a style; false if it cannot fit. */
static bool plan(struct geo *g, const struct scene *s, enum scene_style style, int tree_cap, bool ghosts)
{
	int colmin = style == SCENE_BOXES ? BOXES_COL_MIN : ROWS_COL_MIN;
	/* Zoomed, the frames take the whole width: bigger, not just fewer. */
	int colmax = s->zoom ? s->w : style == SCENE_BOXES ? BOXES_COL_MAX : ROWS_COL_MAX;
	int h, cap, maxn = 0;

	memset(g, 0, sizeof(*g));
	g->style = style;
	g->per = style == SCENE_ROWS2 ? 2 : 1;
	g->tree_cap = tree_cap;
	g->ghosts = ghosts;
	g->bw = (s->w - 2 * GAP_MIN) / 3;
	/* Wide terminals: the columns take 30% each, not a fixed most. */
	if (colmax < 3 * s->w / 10)
		colmax = 3 * s->w / 10;
	if (g->bw > colmax)
		g->bw = colmax;
	if (g->bw < colmin)
		return false;
	g->gap = (s->w - 3 * g->bw) / 2;
	if (g->gap > GAP_MAX)
		g->gap = GAP_MAX;
	g->margin = (s->w - 3 * g->bw - 2 * g->gap) / 2;
	g->x[0] = g->margin;
	g->x[1] = g->x[0] + g->bw + g->gap;
	g->x[2] = g->x[1] + g->bw + g->gap;
	for (h = 0; h < SCENE_NHOOKS; h++) {
		g->shown[h] = (int)s->hooks[h].n;
		if (g->shown[h] > maxn)
			maxn = g->shown[h];
		g->extra[h] = hook_extra(s, g, h);
		g->hh[h] = frame_height(g, s->hooks[h].n, g->extra[h]) + hook_ghosts(s, g, h);
	}
	if (need_height(g) <= s->h)
		return true;
	if (style != SCENE_ROWS || tree_cap > 0 || ghosts)
		return false;
	/* Crowded (both families, many tables): cut the longest frames down,
	 * the last row saying "+N more", as long as two rows remain. */
	for (cap = maxn - 1; cap >= 2; cap--) {
		for (h = 0; h < SCENE_NHOOKS; h++) {
			g->shown[h] = (int)s->hooks[h].n > cap ? cap : (int)s->hooks[h].n;
			g->extra[h] = 0;
			g->hh[h] = frame_height(g, (size_t)g->shown[h], 0);
		}
		if (need_height(g) <= s->h)
			return true;
	}
	return false;
}

static void add_arrow(struct scene *s, int from, int to, long item, bool head, int n, const struct scene_point *pt)
{
	struct scene_arrow *a;
	int i;

	if (s->narrows == SCENE_MAX_ARROWS)
		return;
	a = &s->arrows[s->narrows++];
	a->n = n;
	for (i = 0; i < n; i++)
		a->pt[i] = pt[i];
	a->head = head;
	a->from = from;
	a->to = to;
	a->item = item;
}

#define P(x, y) ((struct scene_point){ (x), (y) })

static void add_node(struct scene *s, enum scene_node_kind kind, int x, int y, const char *text)
{
	struct scene_node *n = &s->nodes[s->nnodes++];

	n->kind = kind;
	n->x = x;
	n->y = y;
	n->text = text;
}

/* The ghosts that go before the hook's item k, from row *y. Between boxes
 * a ghost takes the gap row above the next box's (its arrow passes it). */
static void place_ghosts(struct scene *s, const struct geo *g, int hook, size_t k, int *y, bool after_box)
{
	const struct canvas_rect *f = &s->hooks[hook].r;
	int in = g->style == SCENE_BOXES ? 4 : 2;
	size_t i;

	for (i = 0; g->ghosts && i < s->nghosts; i++) {
		struct scene_ghost *gh = &s->ghosts[i];

		if (gh->hook != hook || gh->before != k)
			continue;
		gh->r = (struct canvas_rect){ f->x + in, after_box ? *y - 1 : *y, f->w - 2 * in, 1 };
		(*y)++;
	}
}

static void place_items(struct scene *s, const struct geo *g, int hook)
{
	struct scene_hook *hk = &s->hooks[hook];
	const struct canvas_rect *f = &hk->r;
	size_t k;
	int y = f->y + (hk->n ? 1 : 2), prev_bottom = 0; /* empty: below "no chains" */

	for (k = 0; k < hk->n; k++) {
		struct scene_item *it = &s->items[hk->first + k];
		size_t rows = scene_tree_rows(s, it, g->tree_cap);

		memset(&it->r, 0, sizeof(it->r));
		place_ghosts(s, g, hook, k, &y, g->style == SCENE_BOXES && k > 0);
		if ((int)k >= g->shown[hook]) {
			scene_tree_place(s, it, 0, 0, 0, 0);
			continue;
		}
		if (g->style == SCENE_BOXES) {
			it->r.x = f->x + 2;
			it->r.y = y;
			it->r.w = f->w - 4;
			it->r.h = 3 + (int)rows;
			scene_tree_place(s, it, rows, it->r.x + 1, it->r.y + 2, it->r.w - 2);
			y += it->r.h + 1;
			if (k > 0)
				add_arrow(s, -1, hook, (long)(hk->first + k), true, 2,
					  (struct scene_point[]){ P(it->r.x + it->r.w / 2, prev_bottom),
								  P(it->r.x + it->r.w / 2, it->r.y - 1) });
			prev_bottom = it->r.y + it->r.h - 1;
			continue;
		}
		if ((size_t)g->shown[hook] < hk->n && (int)k == g->shown[hook] - 1) {
			scene_tree_place(s, it, 0, 0, 0, 0);
			continue; /* that row says "+N more" */
		}
		it->r.x = f->x + 1;
		it->r.y = y;
		it->r.w = f->w - 2;
		it->r.h = g->per;
		scene_tree_place(s, it, rows, it->r.x, it->r.y + g->per, it->r.w);
		y += g->per + (int)rows;
	}
	place_ghosts(s, g, hook, hk->n, &y, g->style == SCENE_BOXES && hk->n > 0);
	hk->hidden = 0;
	if ((size_t)g->shown[hook] < hk->n) {
		hk->hidden = hk->n - (size_t)g->shown[hook] + 1;
		hk->more.x = f->x + 1;
		hk->more.y = y;
		hk->more.w = f->w - 2;
		hk->more.h = 1;
	}
}

/* FORWARD's frame width that shows the names of its placed rows whole. */
static int forward_want(const struct scene *s, const struct geo *g)
{
	const struct scene_hook *hk = &s->hooks[NF_INET_FORWARD];
	int in = g->style == SCENE_BOXES ? 6 : 2, w = 0;
	size_t k, j;

	for (k = 0; k < hk->n; k++) {
		const struct scene_item *it = &s->items[hk->first + k];
		/* a box's label shares its border with the priority, a row's
		 * its columns where the frames show priorities */
		int iw = it->want + (g->style == SCENE_BOXES ? 4 : g->bw - 2 >= 30 ? 8 : 2);

		if (it->r.w && iw > w)
			w = iw;
		for (j = 0; j < it->nsub; j++) {
			const struct scene_sub *sb = &s->subs[it->first_sub + j];

			if (sb->r.w && sb->chain != SCENE_SUB_MORE && sb->want + in > w)
				w = sb->want + in;
		}
	}
	return w;
}

static void stretch(struct canvas_rect *r, int dx, int dw)
{
	if (r->w) {
		r->x += dx;
		r->w += dw;
	}
}

/* FORWARD's frame grows where its names need it (a chain tree under
 * filter), as far as the arrows beside it allow: the one from routing
 * (three columns at least) and the one up to POSTROUTING; its rows, boxes
 * and the arrows between them follow. */
static void forward_widen(struct scene *s, const struct geo *g, size_t arrows_from)
{
	struct scene_hook *hk = &s->hooks[NF_INET_FORWARD];
	int bw = g->bw, lo = g->x[0] + bw / 2 + 4, hi = g->x[2] + bw / 3 - 3;
	int w = forward_want(s, g), x, dx, dw;
	size_t k, j;

	if (w > hi - lo)
		w = hi - lo;
	if (w <= bw)
		return;
	x = g->x[1] + (bw - w) / 2;
	if (x + w > hi)
		x = hi - w;
	if (x < lo)
		x = lo;
	dx = x - hk->r.x;
	dw = w - hk->r.w;
	hk->r.x = x;
	hk->r.w = w;
	stretch(&hk->more, dx, dw);
	for (k = 0; k < hk->n; k++) {
		struct scene_item *it = &s->items[hk->first + k];

		stretch(&it->r, dx, dw);
		for (j = 0; j < it->nsub; j++)
			stretch(&s->subs[it->first_sub + j].r, dx, dw);
	}
	for (k = 0; k < s->nghosts; k++)
		if (s->ghosts[k].hook == NF_INET_FORWARD)
			stretch(&s->ghosts[k].r, dx, dw);
	for (k = arrows_from; k < s->narrows; k++)
		for (j = 0; j < (size_t)s->arrows[k].n; j++)
			s->arrows[k].pt[j].x += dx + dw / 2;
}

static void layout_columns(struct scene *s, const struct geo *g)
{
	enum { PRE = NF_INET_PRE_ROUTING, IN = NF_INET_LOCAL_IN, FWD = NF_INET_FORWARD,
	       OUT = NF_INET_LOCAL_OUT, POST = NF_INET_POST_ROUTING };
	int spare = s->h - need_height(g), ga = 1, gb = 1, top, t, b, y0, ytop, yf, yr, yb, yl;
	/* The NIC arrows meet the frames right of their titles. */
	int bw = g->bw, cxa = g->x[0] + bw / 2, nxa = g->x[0] + bw - 5, nxc = g->x[2] + bw - 5, x1, x2, lx;
	const char *route;
	int h;

	/* Spare rows lengthen the arrows first (up to 3 rows), then centre. */
	while (spare > 0 && (ga < 4 || gb < 4)) {
		if (ga <= gb)
			ga++;
		else
			gb++;
		spare--;
	}
	top = spare / 2;
	t = g->hh[PRE] > g->hh[POST] ? g->hh[PRE] : g->hh[POST];
	b = g->hh[IN] > g->hh[OUT] ? g->hh[IN] : g->hh[OUT];
	y0 = top;
	ytop = y0 + 2;
	yf = ytop + t + ga;
	yr = yf + (g->hh[FWD] - 1) / 2;
	yb = yf + g->hh[FWD] + gb;
	yl = yb + ((g->hh[IN] < g->hh[OUT] ? g->hh[IN] : g->hh[OUT]) - 1) / 2;
	s->content_h = yb + b;
	s->col_w = bw;

	s->hooks[PRE].r = (struct canvas_rect){ g->x[0], ytop, bw, g->hh[PRE] };
	s->hooks[POST].r = (struct canvas_rect){ g->x[2], ytop, bw, g->hh[POST] };
	s->hooks[FWD].r = (struct canvas_rect){ g->x[1], yf, bw, g->hh[FWD] };
	s->hooks[IN].r = (struct canvas_rect){ g->x[0], yb, bw, g->hh[IN] };
	s->hooks[OUT].r = (struct canvas_rect){ g->x[2], yb, bw, g->hh[OUT] };
	s->legend = (struct canvas_rect){ g->x[1], ytop, bw, t };
	for (h = 0; h < SCENE_NHOOKS; h++) {
		size_t a = s->narrows;

		place_items(s, g, h);
		if (h == FWD)
			forward_widen(s, g, a);
	}

	/* Fixed nodes. */
	add_node(s, SCENE_NODE_NIC_IN, nxa - 3, y0, "NIC in");
	add_node(s, SCENE_NODE_NIC_OUT, nxc - 3, y0, "NIC out");
	route = cxa - 2 - 16 >= 0 ? "routing decision" : "routing";
	add_node(s, SCENE_NODE_ROUTE, cxa - 1 - (int)strlen(route), yr, route);
	lx = g->x[1] + (bw - 13) / 2;
	add_node(s, SCENE_NODE_LOCAL, lx, yl, "local process");
	/* The backends line: the NIC row between "NIC in" and "NIC out". */
	if (s->legacy && nxc - nxa - 10 >= 8)
		s->banner = (struct canvas_rect){ nxa + 5, y0, nxc - nxa - 10, 1 };

	/* Arrows: lit by the hooks at both ends (the cooler one), or the one end
	 * that is a hook. NIC in's starts under its label, which hides it. */
	x1 = g->x[2] + bw / 3;
	x2 = g->x[2] + (2 * bw) / 3;
	add_arrow(s, -1, PRE, -1, true, 2, (struct scene_point[]){ P(nxa, y0), P(nxa, y0 + 1) });
	add_arrow(s, PRE, -1, -1, true, 2, (struct scene_point[]){ P(cxa, ytop + g->hh[PRE] - 1), P(cxa, yr - 1) });
	add_arrow(s, -1, FWD, -1, true, 2,
		  (struct scene_point[]){ P(cxa + 1, yr), P(s->hooks[FWD].r.x - 1, yr) });
	add_arrow(s, -1, IN, -1, true, 2, (struct scene_point[]){ P(cxa, yr + 1), P(cxa, yb - 1) });
	add_arrow(s, IN, -1, -1, true, 2, (struct scene_point[]){ P(g->x[0] + bw - 1, yl), P(lx - 2, yl) });
	add_arrow(s, -1, OUT, -1, true, 2, (struct scene_point[]){ P(lx + 14, yl), P(g->x[2] - 1, yl) });
	add_arrow(s, FWD, POST, -1, true, 3,
		  (struct scene_point[]){ P(s->hooks[FWD].r.x + s->hooks[FWD].r.w - 1, yr), P(x1, yr),
					  P(x1, ytop + g->hh[POST]) });
	add_arrow(s, OUT, POST, -1, true, 2, (struct scene_point[]){ P(x2, yb), P(x2, ytop + g->hh[POST]) });
	add_arrow(s, POST, -1, -1, true, 2, (struct scene_point[]){ P(nxc, ytop), P(nxc, y0 + 1) });
}

/* ---- one column ------------------------------------------------------------------ */

static void layout_list(struct scene *s)
{
	static const int order[SCENE_NHOOKS] = { NF_INET_PRE_ROUTING, NF_INET_LOCAL_IN, NF_INET_FORWARD,
						  NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING };
	int y = 0, i;
	size_t k;

	s->col_w = s->w;
	if (s->legacy)
		s->banner = (struct canvas_rect){ 0, y++, s->w, 1 };
	for (i = 0; i < SCENE_NHOOKS; i++) {
		struct scene_hook *hk = &s->hooks[order[i]];

		hk->r = (struct canvas_rect){ 0, y++, s->w, 1 };
		for (k = 0; k < hk->n; k++) {
			struct scene_item *it = &s->items[hk->first + k];

			it->r = (struct canvas_rect){ 2, y++, s->w - 2, 1 };
			scene_tree_place(s, it, it->nsub, 2, y, s->w - 2);
			y += (int)it->shown_subs;
		}
	}
	s->content_h = y;
}

bool scene_layout_update(struct scene *s, const struct snap_ruleset *rs, int family_mode, int w, int h)
{
	return scene_layout_update_zoom(s, rs, family_mode, w, h, false);
}

bool scene_layout_update_zoom(struct scene *s, const struct snap_ruleset *rs, int family_mode, int w, int h,
			      bool zoom)
{
	return scene_layout_update_active(s, rs, family_mode, w, h, zoom, NULL, 0);
}

static uint64_t order_key(const size_t *order, size_t n)
{
	return fnv(1469598103934665603ULL, order, n * sizeof(*order));
}

/* Ranked and laid out before with collapsed subtrees: does this activity
 * rank them otherwise (which may collapse others)? */
static bool collapse_moves(struct scene *s, const uint64_t *activity, size_t nact)
{
	size_t *order, n;
	bool moved;

	if (!s->ranked || !s->collapsed)
		return false;
	order = xcalloc(s->nsubs + 1, sizeof(*order));
	n = scene_tree_rank(s, activity, nact, order);
	moved = order_key(order, n) != s->rank_key;
	free(order);
	return moved;
}

/* The first n subtrees of order collapsed made style fit: open again those
 * that still fit, the most active first, so only as many collapse as must;
 * a subtree too tall to open whole shows at least its root (the chain the
 * base chain jumps to), its deeper chains counted in "+N more". */
static void reopen(struct scene *s, struct geo *g, enum scene_style style, const size_t *order, size_t n)
{
	struct geo gg;
	size_t j;

	for (j = n; j-- > 0;) {
		scene_tree_fold(s, order[j], false);
		if (plan(&gg, s, style, 1, false)) {
			*g = gg;
			continue;
		}
		scene_tree_fold(s, order[j], true);
		s->subs[order[j]].hidden = false;
		if (plan(&gg, s, style, 1, false))
			*g = gg;
		else
			s->subs[order[j]].hidden = true;
	}
	for (j = 0, s->collapsed = 0; j < n; j++)
		s->collapsed += s->subs[order[j]].hidden;
}

/* Apply level l of the tree's shrinking; the tree cap it means. Cap mode:
 * the cap goes down one row a level. Ranked: one more subtree collapses a
 * level, then (last level) no tree at all. */
static int tree_level(struct scene *s, const size_t *order, size_t nrank, int maxsub, int l)
{
	if (!s->ranked)
		return maxsub - l;
	scene_tree_collapse(s, order, (size_t)l <= nrank ? (size_t)l : nrank);
	return (size_t)l <= nrank ? 1 : 0;
}

bool scene_layout_update_active(struct scene *s, const struct snap_ruleset *rs, int family_mode, int w, int h,
				bool zoom, const uint64_t *activity, size_t nact)
{
	static const enum scene_style all[] = { SCENE_BOXES, SCENE_ROWS2, SCENE_ROWS };
	/* Zoom: rows, two per table where they fit (the second left blank). */
	static const enum scene_style big[] = { SCENE_ROWS2, SCENE_ROWS };
	const enum scene_style *tries = zoom ? big : all;
	size_t ntries = zoom ? ARRAY_SIZE(big) : ARRAY_SIZE(all);
	struct pick *picks = NULL;
	size_t n = 0, i;
	uint64_t key = 1469598103934665603ULL;
	bool has4 = false, has6 = false, legacy = false, both = rs && rs->both_backends;
	struct geo g;

	if (rs && rs->nchains)
		picks = xcalloc(rs->nchains, sizeof(*picks));
	for (i = 0; rs && i < rs->nchains; i++) {
		const struct snap_chain *ch = &rs->chains[i];

		if (!scene_layout_shows(ch, family_mode))
			continue;
		picks[n].idx = i;
		picks[n].ch = ch;
		n++;
		has4 |= ch->family == NFPROTO_IPV4;
		has6 |= ch->family == NFPROTO_IPV6;
		legacy |= ch->legacy;
	}
	if (n)
		qsort(picks, n, sizeof(*picks), cmp_pick);
	key = fnv(key, &family_mode, sizeof(family_mode));
	key = fnv(key, &w, sizeof(w));
	key = fnv(key, &h, sizeof(h));
	key = fnv(key, &zoom, sizeof(zoom));
	key = fnv(key, &both, sizeof(both));
	key = fnv(key, &(bool){ activity != NULL }, sizeof(bool));
	if (rs) {
		/* The chain tree follows the rules: a new generation may move a
		 * jump (x_tables has none: its rule counts stand in). */
		uint64_t lrules = 0;

		for (i = 0; i < rs->nchains; i++)
			if (rs->chains[i].legacy)
				lrules = lrules * 31 + rs->chains[i].nrules;
		key = fnv(key, &rs->genid, sizeof(rs->genid));
		key = fnv(key, &lrules, sizeof(lrules));
	}
	for (i = 0; i < n; i++) {
		const struct snap_chain *ch = picks[i].ch;

		key = fnv(key, &picks[i].idx, sizeof(picks[i].idx));
		key = fnv(key, &ch->family, sizeof(ch->family));
		key = fnv(key, &ch->hook, sizeof(ch->hook));
		key = fnv(key, &ch->prio, sizeof(ch->prio));
		key = fnv(key, &ch->legacy, sizeof(ch->legacy));
		key = fnv(key, ch->table, strlen(ch->table) + 1);
		key = fnv(key, ch->name, strlen(ch->name) + 1);
	}
	if (s->generation && key == s->key && !collapse_moves(s, activity, nact)) {
		free(picks);
		return false;
	}

	{
		uint64_t gen = s->generation + 1;

		free(s->items);
		free(s->subs);
		memset(s, 0, sizeof(*s));
		s->generation = gen;
	}
	s->key = key;
	s->w = w;
	s->h = h;
	s->family_mode = family_mode;
	s->zoom = zoom;
	s->ranked = activity != NULL;
	s->legacy = legacy || both;
	s->both_backends = both;
	s->items = xcalloc(n + 1, sizeof(*s->items));
	s->nitems = n;
	for (i = 0; i < n; i++) {
		struct scene_item *it = &s->items[i];
		struct scene_hook *hk = &s->hooks[picks[i].ch->hook];

		it->chain = picks[i].idx;
		it->hook = picks[i].ch->hook;
		make_label(it, rs, picks[i].ch, has4 && has6);
		if (!hk->n)
			hk->first = i;
		hk->n++;
	}
	free(picks);

	if (rs) {
		scene_tree_build(s, rs);
		scene_ghost_build(s, rs, has4, has6);
	}
	s->style = SCENE_LIST;
	/* The chain tree first: the most tree rows that fit in any style,
	 * then the richest style at that. Zoomed, the double rows come first
	 * (a projector wants big, not much). */
	{
		int cap, maxsub = 0, k, ncap;
		size_t *order = xcalloc(s->nsubs + 1, sizeof(*order)), nrank = 0;

		for (i = 0; i < n; i++)
			if ((int)s->items[i].nsub > maxsub)
				maxsub = (int)s->items[i].nsub;
		ncap = maxsub + 1;
		if (s->ranked) {
			nrank = scene_tree_rank(s, activity, nact, order);
			s->rank_key = order_key(order, nrank);
			ncap = (int)nrank + 2;
		}
		for (k = 0; k < ncap * (int)ntries; k++) {
			size_t t = zoom ? (size_t)(k / ncap) : (size_t)(k % (int)ntries);
			int l = zoom ? k % ncap : k / (int)ntries;

			cap = tree_level(s, order, nrank, maxsub, l);
			if (plan(&g, s, tries[t], cap, false)) {
				struct geo gg;

				if (s->ranked && cap > 0)
					reopen(s, &g, tries[t], order, (size_t)l);

				/* Ghosts where they fit without taking a table, a tree
				 * row or the style (not zoomed: fewer things, bigger). */
				if (!zoom && plan(&gg, s, tries[t], cap, true))
					g = gg;
				s->style = tries[t];
				layout_columns(s, &g);
				free(order);
				return true;
			}
		}
		/* The list scrolls: every chain open. */
		scene_tree_collapse(s, order, 0);
		free(order);
	}
	layout_list(s);
	return true;
}

bool scene_layout_visible(const struct scene *s, long item)
{
	return item >= 0 && (size_t)item < s->nitems && s->items[item].r.w > 0;
}

long scene_layout_hit(const struct scene *s, int x, int y)
{
	size_t i;

	for (i = 0; i < s->nitems; i++) {
		const struct canvas_rect *r = &s->items[i].r;

		if (r->w > 0 && x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h)
			return (long)i;
	}
	return -1;
}

long scene_layout_neighbour(const struct scene *s, long from, int dx, int dy)
{
	long best = -1, bscore = 0;
	int fx, fy;
	size_t i;

	if (!scene_layout_visible(s, from))
		return -1;
	fx = 2 * s->items[from].r.x + s->items[from].r.w;
	fy = 2 * s->items[from].r.y + s->items[from].r.h;
	for (i = 0; i < s->nitems; i++) {
		const struct canvas_rect *r = &s->items[i].r;
		long along, across, score;
		int cx = 2 * r->x + r->w, cy = 2 * r->y + r->h;

		if ((long)i == from || r->w == 0)
			continue;
		along = dx ? (long)(cx - fx) * dx : (long)(cy - fy) * dy;
		across = dx ? labs((long)(cy - fy)) : labs((long)(cx - fx));
		if (along <= 0)
			continue;
		/* Columns are wide, rows thin: sideways distance counts more. */
		score = along + 3 * across;
		if (best < 0 || score < bscore) {
			best = (long)i;
			bscore = score;
		}
	}
	return best;
}
