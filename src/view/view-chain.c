/*
 * view-chain.c - one chain's rules as the user wrote them (iptables -S or
 * nft words) with packets, bytes and rate columns, the rules that matched
 * this tick marked, the policy right after the last rule; Enter follows a jump, the
 * filter prompt hides rules that do not match, 's' sorts. The chain is
 * found again by (family, table, name, backend) on every tick, the
 * selection by rule handle, so neither jumps when rules are inserted
 * above. An iptables-legacy chain says "(legacy)": nf_tables can hold a
 * chain of the same name, and a jump from it goes to the legacy table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptop.h"
#include "names.h"
#include "view.h"

enum chain_sort { SORT_POS, SORT_PACKETS, SORT_BYTES, SORT_RATE, SORT_COUNT };

static const char *const sort_names[SORT_COUNT] = { "position", "packets", "bytes", "rate" };

struct chainv {
	struct view_list l;      /* filter, rows, selection, where drawn */
	uint8_t family;
	char *table;
	char *name;
	bool legacy;             /* an iptables-legacy (x_tables) chain */
	uint64_t sel_handle;
	size_t hscroll;          /* columns of rule text scrolled off to the left */
	int sort;                /* enum chain_sort */
	size_t *rows;            /* rule indices, filtered and sorted */
	int col_x[4];            /* header columns: #, pkts, bytes, rate (for clicks) */
};

static struct model_chain *find(const struct chainv *v, const struct view_stack *st)
{
	return model_find_chain(st->ctx.model, v->family, v->table, v->name, v->legacy);
}

/* The rule text without the "-A CHAIN " every line of a chain would repeat
 * ("…" until it is rendered: the snapshot the view asked for when it
 * opened brings it). */
static const char *rule_text(const struct chainv *v, const struct snap_rule *r)
{
	size_t n = strlen(v->name);

	if (!r->text)
		return "\xe2\x80\xa6";
	if (r->syntax == RULE_SYNTAX_IPT && strncmp(r->text, "-A ", 3) == 0 && strncmp(r->text + 3, v->name, n) == 0 &&
	    r->text[3 + n] == ' ')
		return r->text + 4 + n;
	return r->text;
}

/* ---- rows ---------------------------------------------------------------------------- */

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct model_chain *mc = ((void **)arg)[0];
	int sort = *(const int *)((void **)arg)[1];
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct model_rule *x = &mc->rules[i], *y = &mc->rules[j];
	double kx = 0, ky = 0;

	if (sort != SORT_POS && x->snap->counted != y->snap->counted)
		return x->snap->counted ? -1 : 1; /* uncounted rules last */
	switch (sort) {
	case SORT_PACKETS: kx = (double)model_rule_packets(x); ky = (double)model_rule_packets(y); break;
	case SORT_BYTES: kx = (double)model_rule_bytes(x); ky = (double)model_rule_bytes(y); break;
	case SORT_RATE: kx = x->pps; ky = y->pps; break;
	default: break;
	}
	if (kx != ky)
		return kx > ky ? -1 : 1;
	return i < j ? -1 : i > j;
}

static void build_rows(struct chainv *v, const struct model_chain *mc)
{
	const struct snap_chain *ch = mc ? mc->snap : NULL;
	size_t i;
	void *arg[2];

	v->l.nrows = 0;
	if (!ch || !mc->rules)
		return;
	v->rows = xreallocarray(v->rows, ch->nrules + 1, sizeof(*v->rows));
	for (i = 0; i < ch->nrules; i++)
		if (view_match(rule_text(v, &ch->rules[i]), v->l.filter))
			v->rows[v->l.nrows++] = i;
	arg[0] = (void *)mc;
	arg[1] = &v->sort;
	if (v->sort != SORT_POS)
		qsort_r(v->rows, v->l.nrows, sizeof(*v->rows), cmp_rows, arg);
	/* Follow the selected rule by handle. */
	for (i = 0; i < v->l.nrows; i++)
		if (ch->rules[v->rows[i]].handle == v->sel_handle) {
			v->l.sel = i;
			return;
		}
	if (v->l.sel >= v->l.nrows)
		v->l.sel = v->l.nrows ? v->l.nrows - 1 : 0;
	if (v->l.nrows)
		v->sel_handle = ch->rules[v->rows[v->l.sel]].handle;
}

static void move_to(struct chainv *v, const struct model_chain *mc, long to)
{
	if (!v->l.nrows)
		return;
	v->l.sel = view_list_clamp(to, v->l.nrows);
	v->sel_handle = mc->snap->rules[v->rows[v->l.sel]].handle;
}

/* ---- drawing ---------------------------------------------------------------------------- */

struct cols {
	bool wide;
	int num, pkts, bytes, rate, text; /* x of each column (right edge for numbers) */
	int pw, bw, rw;                   /* number widths */
};

static void layout_cols(struct cols *k, int x, int w)
{
	k->wide = w >= 120;
	k->pw = k->wide ? 12 : 5;
	k->bw = k->wide ? 14 : 5;
	k->rw = k->wide ? 9 : 5;
	k->num = x;                      /* "   #" 4 wide, then the hit mark */
	k->pkts = x + 7;
	k->bytes = k->pkts + k->pw + 1;
	k->rate = k->bytes + k->bw + 1;
	k->text = k->rate + k->rw + 2;
}

static void fmt_num(char *buf, size_t n, uint64_t v, bool wide)
{
	if (wide)
		snprintf(buf, n, "%llu", (unsigned long long)v);
	else
		view_fmt_count(buf, n, v);
}

static void draw_header(struct canvas *c, struct chainv *v, const struct cols *k, int y, int w)
{
	static const char *const label[SORT_COUNT] = { "#", "pkts", "bytes", "pkt/s" };
	const int x[SORT_COUNT] = { k->num, k->pkts, k->bytes, k->rate };
	const int cw[SORT_COUNT] = { 4, k->pw, k->bw, k->rw };
	int i;

	canvas_fill(c, k->num, y, w, 1, ' ', SLOT_HEADER, 0);
	for (i = 0; i < SORT_COUNT; i++) {
		/* ▼ marks a sort by counters; position order needs no mark. */
		view_sort_header(c, x[i], y, cw[i], label[i], i && (int)v->sort == i,
				 (int)v->sort == i ? CANVAS_BOLD : 0);
		v->col_x[i] = x[i];
	}
	canvas_text(c, k->text, y, -1, "rule", SLOT_HEADER, 0);
}

/* Colour the verdict or jump at the end of a rule. */
static void paint_target(struct canvas *c, int x, int y, int drawn, const char *text, size_t skip,
			 const struct snap_rule *r)
{
	static const struct {
		const char *word;
		enum slot slot;
	} verdicts[] = {
		{ "-j ACCEPT", SLOT_ACCEPT }, { "-j DROP", SLOT_DROP }, { "-j REJECT", SLOT_DROP },
		{ "accept", SLOT_ACCEPT }, { "drop", SLOT_DROP }, { "reject", SLOT_DROP },
	};
	size_t len = strlen(text), i;
	const char *p;

	if (r->target_chain) {
		size_t n = strlen(r->target_chain);

		for (p = text + len; p >= text + n && p - n >= text; p--)
			if (strncmp(p - n, r->target_chain, n) == 0) {
				view_paint_span(c, x, y, drawn, text, skip, (size_t)(p - n - text), n, SLOT_JUMP,
						CANVAS_BOLD);
				return;
			}
	}
	for (i = 0; i < ARRAY_SIZE(verdicts); i++) {
		size_t n = strlen(verdicts[i].word);

		p = text;
		while ((p = strstr(p, verdicts[i].word)) != NULL) {
			const char *e = p + n;

			/* a whole word at the end, or before a trailing comment */
			if ((p == text || p[-1] == ' ') && (*e == '\0' || *e == ' ')) {
				view_paint_span(c, x, y, drawn, text, skip, (size_t)(p - text), n, verdicts[i].slot, 0);
				return;
			}
			p = e;
		}
	}
}

static void draw_rule(struct canvas *c, struct chainv *v, const struct model_chain *mc, size_t row,
		      const struct cols *k, int y, int w, const char *pattern)
{
	size_t ri = v->rows[row];
	const struct model_rule *mr = &mc->rules[ri];
	const struct snap_rule *r = &mc->snap->rules[ri];
	bool sel = row == v->l.sel;
	enum slot ns = sel ? SLOT_SELECT : mr->hit ? SLOT_HIT : SLOT_NUMBER;
	enum slot ts = sel ? SLOT_SELECT : SLOT_LABEL;
	char a[32], b[32], rt[32];
	const char *text = rule_text(v, r);
	int drawn;

	if (sel)
		canvas_fill(c, k->num, y, w, 1, ' ', SLOT_SELECT, 0);
	canvas_printf(c, k->num, y, 4, sel ? SLOT_SELECT : SLOT_DIM, 0, "%4zu", ri + 1);
	if (mr->hit)
		canvas_put(c, k->num + 5, y, 0x25cf, sel ? SLOT_SELECT : SLOT_HIT, 0); /* ● */
	if (!r->counted) {
		/* No counter expression: not zero, unknown. */
		canvas_text_right(c, k->pkts, y, k->pw, "\xe2\x80\x94", sel ? SLOT_SELECT : SLOT_DIM, 0);
		canvas_text_right(c, k->bytes, y, k->bw, "\xe2\x80\x94", sel ? SLOT_SELECT : SLOT_DIM, 0);
		canvas_text_right(c, k->rate, y, k->rw, "\xe2\x80\x94", sel ? SLOT_SELECT : SLOT_DIM, 0);
	} else {
		fmt_num(a, sizeof(a), model_rule_packets(mr), k->wide);
		fmt_num(b, sizeof(b), model_rule_bytes(mr), k->wide);
		view_fmt_rate(rt, sizeof(rt), mr->pps);
		canvas_text_right(c, k->pkts, y, k->pw, a, ns, 0);
		canvas_text_right(c, k->bytes, y, k->bw, b, ns, 0);
		canvas_text_right(c, k->rate, y, k->rw, rt, mr->pps > 0 || sel ? ns : SLOT_DIM, 0);
	}
	drawn = view_text_match(c, k->text, y, k->num + w - k->text, text, v->hscroll, NULL, ts, 0);
	if (!sel)
		paint_target(c, k->text, y, drawn, text, v->hscroll, r);
	view_paint_matches(c, k->text, y, drawn, text, v->hscroll, pattern);
}

static void draw_policy(struct canvas *c, const struct view_stack *st, const struct model_chain *mc,
			const struct cols *k, int y, int w)
{
	const struct snap_chain *ch = mc->snap;
	char a[32], b[32], rt[32];
	bool accept = ch->policy == 1; /* NF_ACCEPT */

	canvas_fill(c, k->num, y, w, 1, ' ', SLOT_NORMAL, 0);
	if (!ch->base) {
		canvas_text(c, k->text, y, -1, "end of chain: back to the calling rule", SLOT_DIM, 0);
		return;
	}
	if (!ch->policy_counted) {
		canvas_text_right(c, k->pkts, y, k->pw, "n/a", SLOT_DIM, 0);
		canvas_text_right(c, k->bytes, y, k->bw, "n/a", SLOT_DIM, 0);
		canvas_text_right(c, k->rate, y, k->rw, "n/a", SLOT_DIM, 0);
	} else {
		double pps = mc->policy_pps;

		if (mc->d_policy_packets)
			canvas_put(c, k->num + 5, y, 0x25cf, SLOT_HIT, 0);
		fmt_num(a, sizeof(a), ch->policy_packets - mc->base_policy_packets, k->wide);
		fmt_num(b, sizeof(b), ch->policy_bytes - mc->base_policy_bytes, k->wide);
		view_fmt_rate(rt, sizeof(rt), pps);
		canvas_text_right(c, k->pkts, y, k->pw, a, mc->d_policy_packets ? SLOT_HIT : SLOT_NUMBER, 0);
		canvas_text_right(c, k->bytes, y, k->bw, b, mc->d_policy_packets ? SLOT_HIT : SLOT_NUMBER, 0);
		canvas_text_right(c, k->rate, y, k->rw, rt, pps > 0 ? SLOT_HIT : SLOT_DIM, 0);
	}
	{
		int x = canvas_text(c, k->text, y, -1, "policy ", SLOT_LABEL, CANVAS_BOLD);

		x += canvas_text(c, k->text + x, y, -1, ch->policy == 0 || accept ? names_verdict_ipt(ch->policy) : "?",
				 accept ? SLOT_ACCEPT : SLOT_DROP, CANVAS_BOLD);
		if (!ch->policy_counted)
			canvas_text(c, k->text + x, y, -1, "  (no policy counter on this chain)", SLOT_DIM, 0);
	}
}

static void draw_summary(struct canvas *c, const struct chainv *v, const struct model_chain *mc, int x, int y,
			 int w)
{
	const struct snap_chain *ch = mc->snap;
	struct strbuf sb;
	int n;

	n = canvas_printf(c, x + 1, y, w - 1, SLOT_LABEL, CANVAS_BOLD, "%s %s %s%s", snapshot_family_name(ch->family),
			  ch->table, ch->name, ch->legacy ? " (legacy)" : "");
	strbuf_init(&sb);
	if (ch->base)
		strbuf_addf(&sb, "  %s hook, priority %d%s%s", snapshot_hook_name(ch->family, ch->hook), ch->prio,
			    ch->type ? ", " : "", ch->type ? ch->type : "");
	else
		strbuf_addf(&sb, "  user chain, %u reference%s", ch->use, ch->use == 1 ? "" : "s");
	strbuf_addf(&sb, ", %zu rule%s", ch->nrules, ch->nrules == 1 ? "" : "s");
	if (!ch->instantiated)
		strbuf_add(&sb, ", not instantiated");
	canvas_text_fit(c, x + 1 + n, y, w - 1 - n, sb.s, SLOT_DIM, 0);
	view_list_matched(c, x, y, w, &v->l, v->l.nrows, ch->nrules, "");
	strbuf_free(&sb);
}

static void chain_draw(struct view *vv, struct canvas *c, struct canvas_rect body, struct view_stack *st)
{
	struct chainv *v = (struct chainv *)vv;
	struct model_chain *mc = find(v, st);
	struct cols k;
	int rows, y;
	size_t i;

	if (!mc) {
		canvas_printf(c, body.x + 1, body.y + 1, body.w - 2, SLOT_WARN, 0,
			      "%s %s %s%s is not in the ruleset (any more)", snapshot_family_name(v->family), v->table,
			      v->name, v->legacy ? " (legacy)" : "");
		canvas_text(c, body.x + 1, body.y + 3, body.w - 2, "Backspace goes back.", SLOT_DIM, 0);
		v->l.nrows = 0;
		return;
	}
	build_rows(v, mc);
	layout_cols(&k, body.x, body.w);
	draw_summary(c, v, mc, body.x, body.y, body.w);
	draw_header(c, v, &k, body.y + 1, body.w);
	if (!mc->snap->instantiated) {
		canvas_text(c, k.text, body.y + 3, -1, "not instantiated: iptables lists this chain,", SLOT_DIM, 0);
		canvas_text(c, k.text, body.y + 4, -1, "the kernel never created it (no packet can reach it).",
			    SLOT_DIM, 0);
		v->l.list_h = 0;
		return;
	}
	rows = view_list_place(&v->l, body.y + 2, body.h - 3); /* summary, header, policy */
	for (i = v->l.top, y = v->l.list_y; i < v->l.nrows && y < v->l.list_y + rows; i++, y++)
		draw_rule(c, v, mc, i, &k, y, body.w, v->l.filter);
	if (!v->l.nrows)
		canvas_text(c, k.text, y++, -1, mc->snap->nrules ? "no rule matches the filter" : "no rules",
			    SLOT_DIM, 0);
	if (v->l.nrows > (size_t)rows) {
		/* Where we are, in the header's free end: "7-26/140". */
		char pos[48];
		int pw;

		snprintf(pos, sizeof(pos), " %zu-%zu/%zu ", v->l.top + 1,
			 v->l.top + (size_t)rows < v->l.nrows ? v->l.top + (size_t)rows : v->l.nrows, v->l.nrows);
		pw = canvas_width(pos);
		if (k.text + 5 + pw <= body.x + body.w)
			canvas_text(c, body.x + body.w - pw, body.y + 1, pw, pos, SLOT_HEADER, 0);
	}
	/* Right after the last rule, where the packet goes when none matched
	 * (the last line when the list scrolls). */
	draw_policy(c, st, mc, &k, y < body.y + body.h - 1 ? y : body.y + body.h - 1, body.w);
}

/* ---- actions ---------------------------------------------------------------------------------- */

static int follow(struct chainv *v, struct view_stack *st, const struct model_chain *mc)
{
	const struct snap_rule *r;
	const struct snap_chain *to;

	if (!v->l.nrows)
		return REACT_NONE;
	r = &mc->snap->rules[v->rows[v->l.sel]];
	if (!r->target_chain) {
		view_stack_flash(st, SLOT_WARN, "%s", "this rule jumps nowhere (Enter follows -j / -g CHAIN)");
		return REACT_REDRAW;
	}
	to = snapshot_find_sibling(st->ctx.model->cur, mc->snap, r->target_chain);
	if (!to) {
		view_stack_flash(st, SLOT_WARN, "chain %s is not in table %s%s", r->target_chain, v->table,
				 v->legacy ? " (legacy)" : "");
		return REACT_REDRAW;
	}
	view_open_chain(st, to);
	return REACT_REDRAW | REACT_SNAPSHOT;
}

static int find_next(struct chainv *v, struct view_stack *st, const struct model_chain *mc, int dir)
{
	size_t n = v->l.nrows, i, k;

	if (!v->l.filter[0]) {
		view_stack_flash(st, SLOT_WARN, "%s", "no filter: / sets one");
		return REACT_REDRAW;
	}
	for (k = 1; k <= n; k++) {
		i = (v->l.sel + n + (size_t)dir * k) % n;
		if (view_match(rule_text(v, &mc->snap->rules[v->rows[i]]), v->l.filter)) {
			if (dir > 0 ? i <= v->l.sel : i >= v->l.sel)
				view_stack_flash(st, SLOT_HINT, "%s", "search wrapped");
			move_to(v, mc, (long)i);
			break;
		}
	}
	return REACT_REDRAW;
}

static int click(struct chainv *v, struct view_stack *st, const struct model_chain *mc, const struct ui_event *ev)
{
	size_t row;

	switch (view_list_click(&v->l, ev, v->col_x, SORT_COUNT, 5, &v->sort, &row)) {
	case VIEW_CLICK_OPEN: return follow(v, st, mc);
	case VIEW_CLICK_ROW: move_to(v, mc, (long)row); return REACT_REDRAW;
	case VIEW_CLICK_SORTED: return REACT_REDRAW;
	default: return REACT_NONE;
	}
}

static int chain_action(struct view *vv, const struct ui_event *ev, struct view_stack *st)
{
	struct chainv *v = (struct chainv *)vv;
	struct model_chain *mc = find(v, st);
	long to;

	if (!mc)
		return REACT_PASS;
	build_rows(v, mc);
	if (view_list_move(ev->action, v->l.sel, v->l.nrows, v->l.list_h, &to)) {
		move_to(v, mc, to);
		return REACT_REDRAW;
	}
	switch (ev->action) {
	case UI_ACT_LEFT: v->hscroll = v->hscroll > 8 ? v->hscroll - 8 : 0; break;
	case UI_ACT_RIGHT: v->hscroll += 8; break;
	case UI_ACT_ENTER: return follow(v, st, mc);
	case UI_ACT_CLICK: return click(v, st, mc, ev);
	case UI_ACT_FIND_NEXT: return find_next(v, st, mc, 1);
	case UI_ACT_FIND_PREV: return find_next(v, st, mc, -1);
	default:
		return view_list_keys(st, ev->action, v->l.filter, &v->sort, SORT_COUNT, sort_names);
	}
	return REACT_REDRAW;
}

static bool chain_wants(struct view *vv, const struct snap_chain *ch)
{
	const struct chainv *v = (const struct chainv *)vv;

	return ch->legacy == v->legacy && ch->family == v->family && strcmp(ch->table, v->table) == 0 &&
	       strcmp(ch->name, v->name) == 0;
}

static void chain_explain(struct view *vv, struct view_stack *st, struct explain_keys *ex)
{
	struct chainv *v = (struct chainv *)vv;
	struct model_chain *mc = find(v, st);

	if (!mc)
		return;
	build_rows(v, mc);
	snprintf(ex->subject, sizeof(ex->subject), "%s %s %s%s", snapshot_family_name(v->family), v->table, v->name,
		 v->legacy ? " (legacy)" : "");
	if (v->l.nrows && mc->snap->instantiated) {
		const struct snap_rule *r = &mc->snap->rules[v->rows[v->l.sel]];
		size_t n = strlen(ex->subject);

		snprintf(ex->subject + n, sizeof(ex->subject) - n, ", rule %zu: %s", v->rows[v->l.sel] + 1, rule_text(v, r));
		explain_keys_rule(ex, r->text, r->counted);
	}
	/* A rule in nat runs for the first packet of a connection only. */
	if (strcmp(v->table, "nat") == 0)
		explain_keys_add(ex, "table:nat");
	explain_keys_chain(ex, mc->snap);
}

static void chain_crumb(struct view *vv, struct strbuf *sb, const struct view *below)
{
	const struct chainv *v = (const struct chainv *)vv;
	const struct chainv *b = below && below->ops == &view_chain_ops ? (const struct chainv *)below : NULL;

	/* Within one table of one backend the name says enough. */
	if (b && b->family == v->family && b->legacy == v->legacy && strcmp(b->table, v->table) == 0)
		strbuf_add(sb, v->name);
	else
		strbuf_addf(sb, "%s %s %s%s", snapshot_family_name(v->family), v->table, v->name,
			    v->legacy ? " (legacy)" : "");
}

static void chain_release(struct view *vv)
{
	struct chainv *v = (struct chainv *)vv;

	free(v->table);
	free(v->name);
	free(v->rows);
}

const struct view_ops view_chain_ops = {
	.keyctx = UI_CTX_CHAIN,
	.draw = chain_draw,
	.action = chain_action,
	.wants = chain_wants,
	.crumb = chain_crumb,
	.filter = view_list_filter,
	.explain = chain_explain,
	.release = chain_release,
};

struct view *view_chain_new(uint8_t family, const char *table, const char *name, bool legacy)
{
	struct chainv *v = view_alloc(sizeof(*v), &view_chain_ops);

	v->family = family;
	v->table = xstrdup(table);
	v->name = xstrdup(name);
	v->legacy = legacy;
	return &v->l.base;
}

void view_open_chain(struct view_stack *st, const struct snap_chain *ch)
{
	view_stack_push(st, view_chain_new(ch->family, ch->table, ch->name, ch->legacy));
}
