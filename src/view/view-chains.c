/*
 * view-chains.c - the list of every chain ('c'): family, table, name,
 * hook and priority of base chains, rules, references (snap_chain.use),
 * rate and packets; filter with '/', sort with 's', Enter opens one.
 * Follows the family filter of the diagram (4, 6, b); other families
 * (arp, bridge, netdev) show with b. iptables-legacy chains say
 * "(legacy)" after the name (the filter finds them by that word too).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "iptop.h"
#include "view.h"

enum list_sort { LS_ORDER, LS_REFS, LS_RULES, LS_RATE, LS_PACKETS, LS_COUNT };

static const char *const sort_names[LS_COUNT] = { "ruleset order", "references", "rules", "rate", "packets" };

struct chains {
	struct view_list l;      /* filter, rows, selection, where drawn */
	size_t *rows;          /* indices into model chains */
	bool have_id;          /* the selected chain, followed across ticks */
	uint8_t id_family;
	bool id_legacy;
	char id_table[64];
	char id_name[64];
	int sort;                /* enum list_sort */
};

static bool family_passes(uint8_t f, int mode)
{
	if (mode == 4)
		return f == NFPROTO_IPV4 || f == NFPROTO_INET;
	if (mode == 6)
		return f == NFPROTO_IPV6 || f == NFPROTO_INET;
	return true;
}

static const char *short_hook(const struct snap_chain *ch)
{
	static const char *const n[] = { "pre", "in", "fwd", "out", "post", "ingress" };

	if (ch->family == NFPROTO_INET || ch->family == NFPROTO_IPV4 || ch->family == NFPROTO_IPV6 ||
	    ch->family == NFPROTO_BRIDGE)
		return ch->hook >= 0 && ch->hook < 6 ? n[ch->hook] : "?";
	return snapshot_hook_name(ch->family, ch->hook);
}

static void match_text(const struct snap_chain *ch, char *buf, size_t n)
{
	snprintf(buf, n, "%s %s %s%s", snapshot_family_name(ch->family), ch->table, ch->name,
		 ch->legacy ? " (legacy)" : "");
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct chains *v = ((void **)arg)[0];
	const struct model *m = ((void **)arg)[1];
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct model_chain *x = &m->chains[i], *y = &m->chains[j];
	double kx = 0, ky = 0;

	switch (v->sort) {
	case LS_REFS: kx = x->snap->use; ky = y->snap->use; break;
	case LS_RULES: kx = (double)x->snap->nrules; ky = (double)y->snap->nrules; break;
	case LS_RATE: kx = x->pps; ky = y->pps; break;
	case LS_PACKETS: kx = (double)x->total_packets; ky = (double)y->total_packets; break;
	default: break;
	}
	if (kx != ky)
		return kx > ky ? -1 : 1;
	return i < j ? -1 : i > j;
}

static void build_rows(struct chains *v, const struct view_stack *st)
{
	const struct model *m = st->ctx.model;
	char text[256];
	void *arg[2];
	size_t i;

	v->rows = xreallocarray(v->rows, m->nchains + 1, sizeof(*v->rows));
	v->l.nrows = 0;
	for (i = 0; i < m->nchains; i++) {
		const struct snap_chain *ch = m->chains[i].snap;

		if (!family_passes(ch->family, st->ctx.family_mode))
			continue;
		match_text(ch, text, sizeof(text));
		if (view_match(text, v->l.filter))
			v->rows[v->l.nrows++] = i;
	}
	arg[0] = v;
	arg[1] = (void *)m;
	if (v->sort != LS_ORDER)
		qsort_r(v->rows, v->l.nrows, sizeof(*v->rows), cmp_rows, arg);
	for (i = 0; v->have_id && i < v->l.nrows; i++) {
		const struct snap_chain *ch = m->chains[v->rows[i]].snap;

		if (ch->family == v->id_family && ch->legacy == v->id_legacy && strcmp(ch->table, v->id_table) == 0 &&
		    strcmp(ch->name, v->id_name) == 0) {
			v->l.sel = i;
			return;
		}
	}
	if (v->l.sel >= v->l.nrows)
		v->l.sel = v->l.nrows ? v->l.nrows - 1 : 0;
}

static void move_to(struct chains *v, const struct view_stack *st, long to)
{
	const struct snap_chain *ch;

	if (!v->l.nrows)
		return;
	v->l.sel = view_list_clamp(to, v->l.nrows);
	ch = st->ctx.model->chains[v->rows[v->l.sel]].snap;
	v->have_id = true;
	v->id_family = ch->family;
	v->id_legacy = ch->legacy;
	snprintf(v->id_table, sizeof(v->id_table), "%s", ch->table);
	snprintf(v->id_name, sizeof(v->id_name), "%s", ch->name);
}

/* Column layout: fam table chain hook | rules refs pkt/s packets */
struct lcols {
	int fam, table, chain, hook, rules, refs, rate, pkts; /* x (right edge - 1 for numbers) */
	int tw, cw;
};

static void layout(struct lcols *k, int x, int w)
{
	int right = x + w - 1;

	k->pkts = right - 6;
	k->rate = k->pkts - 6;
	k->refs = k->rate - 5;
	k->rules = k->refs - 6;
	k->fam = x + 1;
	k->table = k->fam + 5;
	k->tw = w >= 100 ? 16 : 11;
	k->chain = k->table + k->tw + 1;
	k->hook = k->rules - 10;
	k->cw = k->hook - k->chain - 1;
}

static void chains_draw(struct view *vv, struct canvas *c, struct canvas_rect body, struct view_stack *st)
{
	struct chains *v = (struct chains *)vv;
	const struct model *m = st->ctx.model;
	struct lcols k;
	size_t i, nbase = 0, nlegacy = 0;
	char legacy[32] = "";
	int y, rows;

	build_rows(v, st);
	layout(&k, body.x, body.w);
	canvas_fill(c, body.x, body.y, body.w, 1, ' ', SLOT_HEADER, 0);
	canvas_text(c, k.fam, body.y, 4, "fam", SLOT_HEADER, 0);
	canvas_text(c, k.table, body.y, k.tw, "table", SLOT_HEADER, 0);
	canvas_text(c, k.chain, body.y, k.cw, "chain", SLOT_HEADER, 0);
	canvas_text(c, k.hook, body.y, 9, "hook prio", SLOT_HEADER, 0);
	view_sort_header(c, k.rules, body.y, 5, "rules", v->sort == LS_RULES, 0);
	view_sort_header(c, k.refs, body.y, 4, "refs", v->sort == LS_REFS, 0);
	view_sort_header(c, k.rate, body.y, 5, "pkt/s", v->sort == LS_RATE, 0);
	view_sort_header(c, k.pkts, body.y, 5, "pkts", v->sort == LS_PACKETS, 0);

	rows = body.h - 2;
	v->l.list_y = body.y + 1;
	v->l.list_h = rows;
	v->l.top = view_scroll(v->l.top, v->l.sel, v->l.nrows, (size_t)(rows > 0 ? rows : 1));
	for (i = v->l.top, y = v->l.list_y; i < v->l.nrows && y < v->l.list_y + rows; i++, y++) {
		const struct model_chain *mc = &m->chains[v->rows[i]];
		const struct snap_chain *ch = mc->snap;
		bool sel = i == v->l.sel;
		enum slot heat = view_heat_slot(mc->heat, SLOT_NUMBER);
		enum slot ls = sel ? SLOT_SELECT : ch->instantiated ? SLOT_LABEL : SLOT_DIM;
		char a[16], b[16];
		int n;

		if (sel)
			canvas_fill(c, body.x, y, body.w, 1, ' ', SLOT_SELECT, 0);
		canvas_text(c, k.fam, y, 4, snapshot_family_name(ch->family), sel ? SLOT_SELECT : SLOT_DIM, 0);
		canvas_text_fit(c, k.table, y, k.tw, ch->table, ls, 0);
		n = canvas_text_fit(c, k.chain, y, k.cw, ch->name, ls, ch->base ? CANVAS_BOLD : 0);
		view_paint_matches(c, k.chain, y, n, ch->name, 0, sel ? NULL : v->l.filter);
		if (ch->legacy && n + 1 < k.cw)
			canvas_text_fit(c, k.chain + n + 1, y, k.cw - n - 1, "(legacy)", sel ? SLOT_SELECT : SLOT_WARN,
					0);
		if (ch->base)
			canvas_printf(c, k.hook, y, 9, sel ? SLOT_SELECT : SLOT_HOOK, 0, "%s %d", short_hook(ch), ch->prio);
		else if (!ch->instantiated)
			canvas_text(c, k.hook, y, 9, "not inst.", sel ? SLOT_SELECT : SLOT_DIM, 0);
		canvas_printf(c, k.rules, y, 5, sel ? SLOT_SELECT : SLOT_NUMBER, 0, "%5zu", ch->nrules);
		if (!ch->base)
			canvas_printf(c, k.refs, y, 4, sel ? SLOT_SELECT : ch->use ? SLOT_NUMBER : SLOT_WARN, 0, "%4u",
				      ch->use);
		if (view_chain_counted(ch)) {
			view_fmt_rate(a, sizeof(a), mc->pps);
			view_fmt_count(b, sizeof(b), mc->total_packets);
		} else {
			snprintf(a, sizeof(a), "\xe2\x80\x94");
			snprintf(b, sizeof(b), "\xe2\x80\x94");
		}
		canvas_text_right(c, k.rate, y, 5, a, sel ? SLOT_SELECT : mc->pps > 0 ? heat : SLOT_DIM, 0);
		canvas_text_right(c, k.pkts, y, 5, b, sel ? SLOT_SELECT : SLOT_NUMBER, 0);
	}
	for (i = 0; i < m->nchains; i++) {
		nbase += m->chains[i].snap->base;
		nlegacy += m->chains[i].snap->legacy;
	}
	if (nlegacy)
		snprintf(legacy, sizeof(legacy), ", %zu legacy", nlegacy);
	canvas_printf(c, body.x + 1, body.y + body.h - 1, body.w - 2, SLOT_DIM, 0,
		      "%zu chains (%zu base%s), sorted by %s%s%s%s", m->nchains, nbase, legacy, sort_names[v->sort],
		      v->l.filter[0] ? "; filter /" : "", v->l.filter,
		      v->l.nrows > (size_t)rows ? "; \xe2\x86\x91\xe2\x86\x93 scroll" : "");
}

static int open_sel(struct chains *v, struct view_stack *st)
{
	if (!v->l.nrows)
		return REACT_NONE;
	view_open_chain(st, st->ctx.model->chains[v->rows[v->l.sel]].snap);
	return REACT_REDRAW | REACT_SNAPSHOT;
}

static int chains_action(struct view *vv, const struct ui_event *ev, struct view_stack *st)
{
	struct chains *v = (struct chains *)vv;
	enum view_click r;
	size_t row;
	long i;

	build_rows(v, st);
	if (view_list_move(ev->action, v->l.sel, v->l.nrows, v->l.list_h, &i)) {
		move_to(v, st, i);
		return REACT_REDRAW;
	}
	switch (ev->action) {
	case UI_ACT_ENTER: return open_sel(v, st);
	case UI_ACT_FIND_NEXT:
	case UI_ACT_FIND_PREV:
		/* Every listed row matches the filter: next/previous row, wrapping. */
		if (view_list_next(st, &v->l, ev->action == UI_ACT_FIND_NEXT ? 1 : -1, &i))
			move_to(v, st, i);
		break;
	case UI_ACT_CLICK: /* no header to click: view_sort_header draws it */
		r = view_list_click(&v->l, ev, NULL, 0, 0, &v->sort, &row);
		if (r == VIEW_CLICK_OPEN)
			return open_sel(v, st);
		if (r != VIEW_CLICK_ROW)
			return REACT_NONE;
		move_to(v, st, (long)row);
		break;
	default:
		return view_list_keys(st, ev->action, v->l.filter, &v->sort, LS_COUNT, sort_names);
	}
	return REACT_REDRAW;
}

static void chains_explain(struct view *vv, struct view_stack *st, struct explain_keys *ex)
{
	struct chains *v = (struct chains *)vv;
	const struct snap_chain *ch;

	build_rows(v, st);
	if (!v->l.nrows)
		return;
	ch = st->ctx.model->chains[v->rows[v->l.sel]].snap;
	snprintf(ex->subject, sizeof(ex->subject), "%s %s %s%s", snapshot_family_name(ch->family), ch->table, ch->name,
		 ch->legacy ? " (legacy)" : "");
	explain_keys_chain(ex, ch);
}

static void chains_release(struct view *vv)
{
	struct chains *v = (struct chains *)vv;

	free(v->rows);
}

/* The list shows every chain's counts and sorts by them: all of them
 * fresh at each refresh, not only the chains on the diagram. */
static bool chains_wants(struct view *v, const struct snap_chain *ch)
{
	return true;
}

const struct view_ops view_chains_ops = {
	.keyctx = UI_CTX_CHAINS,
	.draw = chains_draw,
	.action = chains_action,
	.title = "chains",
	.wants = chains_wants,
	.explain = chains_explain,
	.filter = view_list_filter,
	.release = chains_release,
};

struct view *view_chains_new(void)
{
	return view_alloc(sizeof(struct chains), &view_chains_ops);
}
