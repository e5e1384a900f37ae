/*
 * view-flows.c - the connections ('f'): one row per conntrack flow with
 * protocol, state, original and reply tuples, the NAT kind (the rewritten
 * address painted, so MASQUERADE shows), mark, zone, timeout, packets and
 * bytes both ways and the rate; columns give way on narrow screens. New
 * flows flash in, closed ones fade out; 's' '<' '>' sort by any column,
 * '/' filters on addresses, ports, protocol, state and NAT kind, Enter
 * opens the flow's details. The table belongs to the feed and lives for
 * one tick: the selection is kept as a flow key, never a pointer. The
 * words for a flow are in view-flows-words.c.
 */
#include "config.h"

#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netfilter/nf_conntrack_common.h>

#include "conntrack-text.h"
#include "conntrack.h"
#include "iptop.h"
#include "model.h"
#include "view.h"
#include "view-flows.h"

enum fcol {
	FC_PROTO, FC_STATE, FC_ORIG, FC_REPLY, FC_NAT, FC_MARK, FC_ZONE, FC_TIMEOUT, FC_PACKETS, FC_BYTES,
	FC_RATE, FC_COUNT
};

static const char *const col_names[FC_COUNT] = {
	"proto", "state", "original", "reply", "nat", "mark", "zone", "timeout", "packets", "bytes", "pkt/s",
};

/* Which columns get room first when the screen is narrow. */
static const enum fcol priority[FC_COUNT] = {
	FC_PROTO, FC_STATE, FC_ORIG, FC_NAT, FC_RATE, FC_TIMEOUT, FC_REPLY, FC_PACKETS, FC_BYTES, FC_MARK, FC_ZONE,
};

struct flowsv {
	struct view_list l;        /* filter, rows, selection, where drawn */
	struct ct_flow key;        /* the selected flow (id, original tuple, zone) */
	bool have_key;
	int sort;                  /* enum fcol */
	const struct ct_flow **rows;
	size_t total, matched;     /* live flows, and those the filter matches */
	int col_x[FC_COUNT];       /* where each column starts (-1: hidden), for clicks */
	/* What rows was built from: rebuilding (two sorts of every flow) only
	 * when the table changed keeps a 100,000-flow table cheap to draw. */
	const struct ct_table *built_t;
	uint32_t built_gen;
	uint64_t built_events, built_resyncs;
	size_t built_nflows;
	int built_sort;
	char built_filter[128];
	unsigned built_base_gen;
	const struct view_ctx *ctx; /* the stack's, for the baseline */
	double *rates;             /* sorting by rate: by a flow's place in the table */
	size_t nrates;
};

/* Packets per second both ways, as the model counts them (0: closed or uncounted). */
static double flow_rate(const struct ct_flow *f, const struct view_ctx *ctx)
{
	return model_ct_rate(&ctx->model->ct, ctx->ct, f, -1);
}

/* ---- the baseline (z) ---------------------------------------------------------------- */

/* "since 10:42:07" of the baseline, or "" without one. */
static void since_text(const struct view_ctx *ctx, char *buf, size_t n)
{
	time_t w = (time_t)ctx->baseline_wall;
	struct tm tm;
	char when[16];

	buf[0] = '\0';
	if (!ctx->model->baseline_set)
		return;
	strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&w, &tm));
	snprintf(buf, n, "since %s", when);
}

/* ---- rows --------------------------------------------------------------------------- */

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct ct_flow *a = *(const struct ct_flow *const *)pa, *b = *(const struct ct_flow *const *)pb;
	int sort = *(const int *)((void **)arg)[0];
	const struct view_ctx *ctx = ((void **)arg)[1];
	uint64_t ap[2], abytes[2], bp[2], bbytes[2];
	char x[160], y[160];
	int c = 0;

	switch (sort) {
	case FC_PROTO:
		c = strcmp(view_flows_words_proto(a->proto, x, sizeof(x)), view_flows_words_proto(b->proto, y, sizeof(y)));
		break;
	case FC_STATE: c = strcmp(view_flows_words_state(a), view_flows_words_state(b)); break;
	case FC_ORIG:
	case FC_REPLY:
		view_flows_words_tuple(a, sort == FC_ORIG ? &a->orig : &a->reply, x, sizeof(x), NULL);
		view_flows_words_tuple(b, sort == FC_ORIG ? &b->orig : &b->reply, y, sizeof(y), NULL);
		c = strcmp(x, y);
		break;
	case FC_NAT: c = CMP(b->nat, a->nat); break;
	case FC_MARK: c = CMP(b->mark, a->mark); break;
	case FC_ZONE: c = CMP(view_flows_words_zone_key(b), view_flows_words_zone_key(a)); break;
	case FC_TIMEOUT: c = CMP(b->timeout, a->timeout); break;
	case FC_PACKETS:
	case FC_BYTES:
		model_ct_counts(&ctx->model->ct, a, ap, abytes);
		model_ct_counts(&ctx->model->ct, b, bp, bbytes);
		c = sort == FC_PACKETS ? CMP(bp[0] + bp[1], ap[0] + ap[1])
				       : CMP(bbytes[0] + bbytes[1], abytes[0] + abytes[1]);
		break;
	default: break;
	}
	if (!c)
		c = CMP(a->id, b->id);
	if (!c)
		c = memcmp(&a->orig, &b->orig, sizeof(a->orig));
	return c;
}

/* Rows by rate: each rate asked of the model once (into rates[], by the
 * flow's place in the table), not at every comparison. */
struct by_rate {
	const struct ct_flow *base;
	const double *rates;
};

static int cmp_rate(const void *pa, const void *pb, void *arg)
{
	const struct ct_flow *a = *(const struct ct_flow *const *)pa, *b = *(const struct ct_flow *const *)pb;
	const struct by_rate *r = arg;
	int c = CMP(r->rates[b - r->base], r->rates[a - r->base]);

	if (!c)
		c = CMP(a->id, b->id);
	if (!c)
		c = memcmp(&a->orig, &b->orig, sizeof(a->orig));
	return c;
}

static void sort_by_rate(struct flowsv *v, const struct view_ctx *ctx)
{
	const struct ct_table *t = ctx->ct;
	struct by_rate r = { t->flows, NULL };
	size_t i;

	if (t->nflows > v->nrates) {
		free(v->rates);
		v->nrates = t->nflows;
		v->rates = xcalloc(v->nrates, sizeof(*v->rates));
	}
	for (i = 0; i < v->l.nrows; i++)
		v->rates[v->rows[i] - t->flows] = flow_rate(v->rows[i], ctx);
	r.rates = v->rates;
	qsort_r(v->rows, v->l.nrows, sizeof(*v->rows), cmp_rate, &r);
}

static bool same(const struct ct_flow *a, const struct ct_flow *b)
{
	return a->id == b->id && a->zone == b->zone && memcmp(&a->orig, &b->orig, sizeof(a->orig)) == 0;
}

static void build_rows(struct flowsv *v, const struct view_stack *st, bool force)
{
	const struct ct_table *t = st->ctx.ct;
	const struct ct_flow **all;
	size_t n, i;
	void *arg[2];

	v->ctx = &st->ctx;
	if (!force && t && v->rows && t == v->built_t && t->gen == v->built_gen && t->events == v->built_events &&
	    t->resyncs == v->built_resyncs && t->nflows == v->built_nflows && v->sort == v->built_sort &&
	    st->ctx.model->ct.base_gen == v->built_base_gen && strcmp(v->l.filter, v->built_filter) == 0)
		return;
	v->built_t = t;
	v->built_sort = v->sort;
	v->built_base_gen = st->ctx.model->ct.base_gen;
	memcpy(v->built_filter, v->l.filter, sizeof(v->built_filter));
	if (t) {
		v->built_gen = t->gen;
		v->built_events = t->events;
		v->built_resyncs = t->resyncs;
		v->built_nflows = t->nflows;
	}
	free(v->rows);
	v->rows = NULL;
	v->l.nrows = v->total = v->matched = 0;
	if (!t)
		return;
	all = model_ct_sorted(t, true, &n);
	for (i = 0; i < n; i++) {
		if (!all[i]->dying)
			v->total++;
		if (view_flows_words_match(all[i], v->l.filter)) {
			v->matched += !all[i]->dying;
			all[v->l.nrows++] = all[i];
		}
	}
	arg[0] = &v->sort;
	arg[1] = (void *)&st->ctx;
	v->rows = all;
	if (v->sort == FC_RATE)
		sort_by_rate(v, &st->ctx);
	else
		qsort_r(all, v->l.nrows, sizeof(*all), cmp_rows, arg);
	for (i = 0; v->have_key && i < v->l.nrows; i++)
		if (same(v->rows[i], &v->key)) {
			v->l.sel = i;
			return;
		}
	if (v->l.sel >= v->l.nrows)
		v->l.sel = v->l.nrows ? v->l.nrows - 1 : 0;
	if (v->l.nrows) {
		v->key = *v->rows[v->l.sel];
		v->have_key = true;
	}
}

static void move_to(struct flowsv *v, long to)
{
	if (!v->l.nrows)
		return;
	v->l.sel = view_list_clamp(to, v->l.nrows);
	v->key = *v->rows[v->l.sel];
	v->have_key = true;
}

/* ---- columns ------------------------------------------------------------------------ */

struct cols {
	int w[FC_COUNT];          /* 0: hidden */
	int x[FC_COUNT];
	bool nat_long;            /* no reply column: the NAT column shows the new address */
};

static int col_width(const struct flowsv *v, const struct ct_table *t, enum fcol c, bool with_addr)
{
	int w = canvas_width(col_names[c]) + 1, k; /* room for the sort mark */
	size_t i, from, to;
	char buf[160];

	/* Only the rows around the window: formatting all of a 100,000-flow
	 * table for every frame cost most of a core. */
	from = v->l.top > 64 ? v->l.top - 64 : 0;
	to = v->l.top + (v->l.list_h > 0 ? (size_t)v->l.list_h : 50) + 64;
	if (to > v->l.nrows)
		to = v->l.nrows;
	for (i = from; i < to; i++) {
		const struct ct_flow *f = v->rows[i];

		switch (c) {
		case FC_PROTO: {
			char pb[16];

			snprintf(buf, sizeof(buf), "%s", view_flows_words_proto(f->proto, pb, sizeof(pb)));
			break;
		}
		case FC_STATE: snprintf(buf, sizeof(buf), "%s", view_flows_words_state(f)); break;
		case FC_ORIG: view_flows_words_tuple(f, &f->orig, buf, sizeof(buf), NULL); break;
		case FC_REPLY: view_flows_words_tuple(f, &f->reply, buf, sizeof(buf), NULL); break;
		case FC_NAT:
			if (with_addr)
				view_flows_words_nat_long(f, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "%s", view_flows_words_nat(f->nat));
			break;
		case FC_MARK: snprintf(buf, sizeof(buf), "%u", f->mark); break;
		case FC_ZONE: view_flows_words_zone(f, buf, sizeof(buf)); break;
		case FC_TIMEOUT: view_flows_words_timeout(f, buf, sizeof(buf)); break;
		case FC_PACKETS:
		case FC_BYTES: {
			uint64_t p[2], b[2];

			model_ct_counts(&v->ctx->model->ct, f, p, b);
			if (c == FC_PACKETS)
				view_flows_words_pair(buf, sizeof(buf), p[0], p[1]);
			else
				view_flows_words_pair(buf, sizeof(buf), b[0], b[1]);
			break;
		}
		case FC_RATE: view_fmt_rate(buf, sizeof(buf), flow_rate(f, v->ctx)); break;
		default: buf[0] = '\0';
		}
		k = canvas_width(buf);
		if (k > w)
			w = k;
	}
	return w > 48 ? 48 : w;
}

static bool window_has_zone(const struct flowsv *v)
{
	size_t i, to = v->l.top + (v->l.list_h > 0 ? (size_t)v->l.list_h : 50);

	for (i = v->l.top; i < to && i < v->l.nrows; i++)
		if (view_flows_words_any_zone(v->rows[i]))
			return true;
	return false;
}

/* Wide enough for both tuples (shortened if need be): the NAT column
 * names the kind only. Narrower: no reply tuple, the NAT column shows the
 * address NAT rewrote. Then the other columns, while they fit. */
static void layout(struct cols *k, const struct flowsv *v, const struct ct_table *t, int x, int width)
{
	int natl = col_width(v, t, FC_NAT, true), nats = col_width(v, t, FC_NAT, false);
	int orig = col_width(v, t, FC_ORIG, false), reply = col_width(v, t, FC_REPLY, false);
	int base = 2 + col_width(v, t, FC_PROTO, false) + 2 + col_width(v, t, FC_STATE, false) + 2 +
		   col_width(v, t, FC_RATE, false) + 2;
	int used, i, room;
	int zone = window_has_zone(v) ? col_width(v, t, FC_ZONE, false) + 2 : 0;

	memset(k, 0, sizeof(*k));
	/* Zones matter when a flow has one (two flows alike but for the zone
	 * are two connections): wide enough for both tuples, their column
	 * comes before the tuples' room. */
	if (width - base - zone - (nats + 2) - 4 >= 2 * 30) {
		base += zone;
		k->w[FC_ZONE] = zone ? zone - 2 : 0;
	}
	room = width - base - (nats + 2) - 4;
	if (room >= 2 * 30) {
		k->nat_long = false;
		if (orig + reply > room) {
			orig = orig < room / 2 ? orig : reply < room / 2 ? room - reply : room / 2;
			reply = room - orig < reply ? room - orig : reply;
		}
		k->w[FC_REPLY] = reply;
		k->w[FC_NAT] = nats;
	} else {
		k->nat_long = true;
		room = width - base - (natl + 2) - 2;
		if (orig > room)
			orig = room > 16 ? room : 16;
		k->w[FC_NAT] = natl;
	}
	k->w[FC_ORIG] = orig;
	k->w[FC_PROTO] = col_width(v, t, FC_PROTO, false);
	k->w[FC_STATE] = col_width(v, t, FC_STATE, false);
	k->w[FC_RATE] = col_width(v, t, FC_RATE, false);
	for (used = 0, i = 0; i < FC_COUNT; i++)
		used += k->w[i] ? k->w[i] + 2 : 0;
	used += 2;
	for (i = 0; i < FC_COUNT; i++) {
		enum fcol c = priority[i];
		int w;

		if (k->w[c] || c == FC_REPLY)
			continue;
		w = col_width(v, t, c, false);
		if (used + w + 2 > width)
			continue;
		k->w[c] = w;
		used += w + 2;
	}
	for (i = 0; i < FC_COUNT; i++) {
		k->x[i] = k->w[i] ? x + 2 : -1;
		if (k->w[i])
			x += k->w[i] + 2;
	}
}

static bool numeric(enum fcol c)
{
	return c >= FC_MARK;
}

/* ---- drawing ------------------------------------------------------------------------- */

static void draw_header(struct canvas *c, struct flowsv *v, const struct cols *k, int x, int y, int w)
{
	int i;

	canvas_fill(c, x, y, w, 1, ' ', SLOT_HEADER, 0);
	for (i = 0; i < FC_COUNT; i++) {
		char buf[32];
		int attr = (int)v->sort == i ? CANVAS_BOLD : 0;

		v->col_x[i] = k->x[i];
		if (!k->w[i])
			continue;
		if (numeric((enum fcol)i)) {
			view_sort_header(c, k->x[i], y, k->w[i], col_names[i], (int)v->sort == i, attr);
			continue;
		}
		snprintf(buf, sizeof(buf), "%s%s", (int)v->sort != i ? "" : c->ascii ? "*" : "\xe2\x96\xbc",
			 col_names[i]);
		canvas_text(c, k->x[i], y, k->w[i], buf, SLOT_HEADER, attr);
	}
}

static void cell(struct canvas *c, const struct cols *k, enum fcol col, int y, const char *text, enum slot s,
		 int attr)
{
	if (!k->w[col])
		return;
	if (numeric(col))
		canvas_text_right(c, k->x[col], y, k->w[col], text, s, attr);
	else
		canvas_text_fit(c, k->x[col], y, k->w[col], text, s, attr);
}

static void draw_row(struct canvas *c, const struct flowsv *v, const struct ct_table *t, const struct cols *k,
		     size_t row, int x, int y, int w)
{
	const struct ct_flow *f = v->rows[row];
	bool sel = row == v->l.sel;
	enum slot base = sel ? SLOT_SELECT : f->dying ? SLOT_DIM : SLOT_LABEL;
	enum slot num = sel ? SLOT_SELECT : f->dying ? SLOT_DIM : SLOT_NUMBER;
	uint64_t packets[2], bytes[2];
	char buf[160];
	size_t split;

	if (sel)
		canvas_fill(c, x, y, w, 1, ' ', SLOT_SELECT, 0);
	if (f->dying)
		canvas_put(c, x, y, 0xd7, sel ? SLOT_SELECT : SLOT_DIM, 0); /* × */
	else if (f->is_new)
		canvas_put(c, x, y, '+', sel ? SLOT_SELECT : SLOT_NEW, CANVAS_BOLD);
	cell(c, k, FC_PROTO, y, view_flows_words_proto(f->proto, buf, sizeof(buf)),
	     f->is_new && !sel && !f->dying ? SLOT_NEW : base, 0);
	cell(c, k, FC_STATE, y, view_flows_words_state(f),
	     sel || f->dying ? base : !(f->status & IPS_SEEN_REPLY) ? SLOT_WARN : f->is_new ? SLOT_NEW : base, 0);
	view_flows_words_tuple(f, &f->orig, buf, sizeof(buf), NULL);
	cell(c, k, FC_ORIG, y, buf, base, 0);
	if (k->w[FC_REPLY]) {
		size_t end;
		int drawn;

		view_flows_words_tuple_at(f, &f->reply, buf, sizeof(buf), &split, &end);
		drawn = canvas_text_fit(c, k->x[FC_REPLY], y, k->w[FC_REPLY], buf, base, 0);
		/* The rewritten end: the reply's destination after SNAT, its source after DNAT. */
		if (!sel && !f->dying && (f->nat == CT_NAT_SNAT || f->nat == CT_NAT_BOTH))
			view_paint_span(c, k->x[FC_REPLY], y, drawn, buf, 0, split + 3, end - split - 3, SLOT_NAT, 0);
		if (!sel && !f->dying && (f->nat == CT_NAT_DNAT || f->nat == CT_NAT_BOTH))
			view_paint_span(c, k->x[FC_REPLY], y, drawn, buf, 0, 0, split, SLOT_NAT, 0);
	}
	if (k->nat_long)
		view_flows_words_nat_long(f, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%s", view_flows_words_nat(f->nat));
	cell(c, k, FC_NAT, y, buf, sel || f->dying ? base : SLOT_NAT, CANVAS_BOLD);
	snprintf(buf, sizeof(buf), "%u", f->mark);
	cell(c, k, FC_MARK, y, buf, f->mark || sel ? num : SLOT_DIM, 0);
	view_flows_words_zone(f, buf, sizeof(buf));
	cell(c, k, FC_ZONE, y, buf, view_flows_words_any_zone(f) || sel ? num : SLOT_DIM, 0);
	view_flows_words_timeout(f, buf, sizeof(buf));
	cell(c, k, FC_TIMEOUT, y, buf, f->has_timeout && !f->dying ? num : sel ? base : SLOT_DIM, 0);
	if (!f->has_acct) {
		/* No counters (accounting off when it was made): unknown, not 0. */
		cell(c, k, FC_PACKETS, y, "\xe2\x80\x94", sel ? base : SLOT_DIM, 0);
		cell(c, k, FC_BYTES, y, "\xe2\x80\x94", sel ? base : SLOT_DIM, 0);
		cell(c, k, FC_RATE, y, "\xe2\x80\x94", sel ? base : SLOT_DIM, 0);
		return;
	}
	model_ct_counts(&v->ctx->model->ct, f, packets, bytes);
	view_flows_words_pair(buf, sizeof(buf), packets[0], packets[1]);
	cell(c, k, FC_PACKETS, y, buf, num, 0);
	view_flows_words_pair(buf, sizeof(buf), bytes[0], bytes[1]);
	cell(c, k, FC_BYTES, y, buf, num, 0);
	view_fmt_rate(buf, sizeof(buf), flow_rate(f, v->ctx));
	cell(c, k, FC_RATE, y, buf, sel ? base : flow_rate(f, v->ctx) > 0 ? (f->dying ? SLOT_DIM : SLOT_HIT) : SLOT_DIM, 0);
}

static void draw_summary(struct canvas *c, const struct flowsv *v, const struct ct_table *t, int x, int y, int w)
{
	size_t i, nat[4] = { 0 }, closed = 0;
	struct strbuf sb;
	char when[24];
	int n;

	for (i = 0; i < t->nflows; i++) {
		if (!t->flows[i].dying)
			nat[t->flows[i].nat]++;
		else
			closed++;
	}
	strbuf_init(&sb);
	strbuf_addf(&sb, "%zu flow%s", v->total, v->total == 1 ? "" : "s");
	if (t->max)
		strbuf_addf(&sb, " of %llu", (unsigned long long)t->max);
	n = canvas_text(c, x + 1, y, w - 1, sb.s, SLOT_LABEL, CANVAS_BOLD);
	since_text(v->ctx, when, sizeof(when));
	if (when[0]) { /* the counts: since z */
		n += canvas_text(c, x + 1 + n, y, w - 1 - n, "  counts ", SLOT_DIM, 0);
		n += canvas_text(c, x + 1 + n, y, w - 1 - n, when, SLOT_HINT, CANVAS_BOLD);
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "  SNAT %zu  DNAT %zu  both %zu", nat[CT_NAT_SNAT], nat[CT_NAT_DNAT], nat[CT_NAT_BOTH]);
	if (closed)
		strbuf_addf(&sb, "  (+%zu closed)", closed);
	if (t->resyncs)
		strbuf_addf(&sb, "  %llu resync%s", (unsigned long long)t->resyncs, t->resyncs == 1 ? "" : "s");
	if (t->status != SRC_OK)
		strbuf_addf(&sb, "  %s", t->error && *t->error ? t->error : snapshot_status_name(t->status));
	canvas_text_fit(c, x + 1 + n, y, w - 1 - n, sb.s, t->status != SRC_OK ? SLOT_WARN : SLOT_DIM, 0);
	/* live flows, as the count on the left */
	view_list_matched(c, x, y, w, &v->l, v->matched, v->total, "flows");
	strbuf_free(&sb);
}

static void draw_centered(struct canvas *c, struct canvas_rect body, int dy, const char *msg, enum slot s)
{
	int w = canvas_width(msg);

	canvas_text(c, body.x + (w < body.w ? (body.w - w) / 2 : 0), body.y + body.h / 2 + dy, body.w, msg, s, 0);
}

static void flows_draw(struct view *vv, struct canvas *c, struct canvas_rect body, struct view_stack *st)
{
	struct flowsv *v = (struct flowsv *)vv;
	const struct ct_table *t = st->ctx.ct;
	struct cols k;
	int rows, y;
	size_t i;

	build_rows(v, st, false);
	v->l.list_h = 0;
	if (!t) {
		draw_centered(c, body, 0, "conntrack unavailable", SLOT_WARN);
		draw_centered(c, body, 1, "this feed has no connection tracking (a live namespace has)", SLOT_DIM);
		return;
	}
	draw_summary(c, v, t, body.x, body.y, body.w);
	layout(&k, v, t, body.x, body.w);
	draw_header(c, v, &k, body.x, body.y + 1, body.w);
	rows = view_list_place(&v->l, body.y + 2, body.h - 3); /* summary, header, footer */
	for (i = v->l.top, y = v->l.list_y; i < v->l.nrows && y < v->l.list_y + rows; i++, y++)
		draw_row(c, v, t, &k, i, body.x, y, body.w);
	if (!v->l.nrows)
		canvas_text(c, body.x + 2, v->l.list_y, body.w - 2,
			    t->nflows ? "no flow matches the filter"
			    : t->status == SRC_OK ? "no connections tracked" : "no flows: see above", SLOT_DIM, 0);
	y = body.y + body.h - 1;
	for (i = 0; i < t->nflows && !t->flows[i].has_acct; i++)
		;
	/* Off, as far as we know: a replay does not say, its flows do. */
	if (!t->acct && i == t->nflows)
		canvas_text_fit(c, body.x + 1, y, body.w - 1,
				"per-flow counters are off: sysctl -w net.netfilter.nf_conntrack_acct=1 "
				"(counts new connections only)", SLOT_WARN, 0);
	else
		canvas_text_fit(c, body.x + 1, y, body.w - 1,
				"+ new  \xc3\x97 closed  packets/bytes: original/reply  coloured: the address NAT rewrote",
				SLOT_DIM, 0);
}

/* ---- actions -------------------------------------------------------------------------- */

static int open_flow(struct flowsv *v, struct view_stack *st)
{
	if (!v->l.nrows)
		return REACT_NONE;
	view_stack_push(st, view_flow_new(v->rows[v->l.sel]));
	return REACT_REDRAW;
}

static int find_next(struct flowsv *v, struct view_stack *st, int dir)
{
	long to;

	/* Every row matches the filter: n/N just walk the list. */
	if (view_list_next(st, &v->l, dir, &to))
		move_to(v, to);
	return REACT_REDRAW;
}

static int click(struct flowsv *v, struct view_stack *st, const struct ui_event *ev)
{
	size_t row;
	enum view_click r = view_list_click(&v->l, ev, v->col_x, FC_COUNT, 0, &v->sort, &row);

	if (r == VIEW_CLICK_OPEN)
		return open_flow(v, st);
	if (r == VIEW_CLICK_ROW)
		move_to(v, (long)row);
	return r == VIEW_CLICK_MISS ? REACT_NONE : REACT_REDRAW;
}

static int flows_action(struct view *vv, const struct ui_event *ev, struct view_stack *st)
{
	struct flowsv *v = (struct flowsv *)vv;
	long to;

	build_rows(v, st, true);
	if (view_list_move(ev->action, v->l.sel, v->l.nrows, v->l.list_h, &to)) {
		move_to(v, to);
		return REACT_REDRAW;
	}
	switch (ev->action) {
	case UI_ACT_ENTER: return open_flow(v, st);
	case UI_ACT_CLICK: return click(v, st, ev);
	case UI_ACT_FIND_NEXT: return find_next(v, st, 1);
	case UI_ACT_FIND_PREV: return find_next(v, st, -1);
	default:
		return view_list_keys(st, ev->action, v->l.filter, &v->sort, FC_COUNT, col_names);
	}
}

static void flows_explain(struct view *vv, struct view_stack *st, struct explain_keys *ex)
{
	struct flowsv *v = (struct flowsv *)vv;
	char buf[120];

	build_rows(v, st, true);
	if (!v->l.nrows)
		return;
	view_flows_words_tuple(v->rows[v->l.sel], &v->rows[v->l.sel]->orig, buf, sizeof(buf), NULL);
	snprintf(ex->subject, sizeof(ex->subject), "%.8s %s", conntrack_text_proto(v->rows[v->l.sel]->proto), buf);
	explain_keys_flow(ex, v->rows[v->l.sel], st->ctx.ct->acct);
}

static void flows_release(struct view *vv)
{
	struct flowsv *v = (struct flowsv *)vv;

	free(v->rows);
	free(v->rates);
}

const struct view_ops view_flows_ops = {
	.keyctx = UI_CTX_FLOWS,
	.draw = flows_draw,
	.action = flows_action,
	.title = "flows",
	.filter = view_list_filter,
	.explain = flows_explain,
	.release = flows_release,
	.flows = true,
};

struct view *view_flows_new(void)
{
	struct flowsv *v = view_alloc(sizeof(*v), &view_flows_ops);

	v->sort = FC_RATE;
	return &v->l.base;
}
