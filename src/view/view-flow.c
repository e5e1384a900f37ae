/*
 * view-flow.c - one connection in detail (Enter on a flow): both tuples
 * with their counters and rates, what NAT rewrote and in which direction,
 * mark, zone, timeout, status, and the kernel's routing decision for it
 * (ctx.route: local destination → INPUT, else FORWARD; out interface,
 * gateway, source address) with the hooks it passes. The flow is found
 * again by id, original tuple and zone on every tick; when conntrack
 * drops it, the view says so.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_conntrack_common.h>

#include "conntrack-text.h"
#include "conntrack.h"
#include "iptop.h"
#include "model.h"
#include "route.h"
#include "view.h"

#define LABEL_W 12

struct flowv {
	struct view base;
	struct ct_flow key;
	bool routed;               /* route asked (once: it is a netlink round trip) */
	int route_rc;
	struct route_result route;
	size_t top;                /* first line shown */
	int rows;
};

static const struct ct_flow *find(const struct flowv *v, const struct view_stack *st)
{
	return model_ct_find(st->ctx.ct, &v->key);
}

static void endpoint(const struct ct_flow *f, const union ct_addr *a, uint16_t port, struct strbuf *sb)
{
	char s[INET6_ADDRSTRLEN];

	conntrack_text_addr(f->family, a, s, sizeof(s));
	if (f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6 || f->proto == IPPROTO_GRE ||
	    (!f->orig.sport && !f->orig.dport))
		strbuf_add(sb, s);
	else if (f->family == AF_INET6)
		strbuf_addf(sb, "[%s]:%u", s, port);
	else
		strbuf_addf(sb, "%s:%u", s, port);
}

static void tuple(const struct ct_flow *f, const struct ct_tuple *t, struct strbuf *sb)
{
	endpoint(f, &t->src, t->sport, sb);
	strbuf_add(sb, " \xe2\x86\x92 ");
	endpoint(f, &t->dst, t->dport, sb);
	if (f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6)
		strbuf_addf(sb, "  type %u code %u, ICMP id %u", t->icmp_type, t->icmp_code, t->icmp_id);
	else if (f->proto == IPPROTO_GRE)
		strbuf_addf(sb, "  srckey 0x%x dstkey 0x%x", t->sport, t->dport);
}

/* The lines of the page: (label, text, slot), built fresh each frame. */
struct line {
	char label[LABEL_W + 1];
	char *text;
	enum slot slot;
};

struct page {
	struct line *v;
	size_t n;
};

static void add(struct page *p, const char *label, enum slot slot, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct page *p, const char *label, enum slot slot, const char *fmt, ...)
{
	va_list ap;

	p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
	snprintf(p->v[p->n].label, sizeof(p->v[p->n].label), "%s", label ? label : "");
	va_start(ap, fmt);
	p->v[p->n].text = xvasprintf(fmt, ap);
	va_end(ap);
	p->v[p->n].slot = slot;
	p->n++;
}

static void direction(struct page *p, const struct ct_flow *f, const struct view_stack *st, int dir)
{
	const struct ct_table *t = st->ctx.ct;
	uint64_t packets[2], bytes[2];
	struct strbuf sb;
	char a[16], b[16], r[16];

	strbuf_init(&sb);
	tuple(f, dir == CT_DIR_ORIG ? &f->orig : &f->reply, &sb);
	add(p, dir == CT_DIR_ORIG ? "original" : "reply", SLOT_LABEL, "%s", sb.s);
	if (f->has_acct) {
		/* since z, as the list shows them */
		model_ct_counts(&st->ctx.model->ct, f, packets, bytes);
		view_fmt_count(a, sizeof(a), packets[dir]);
		view_fmt_count(b, sizeof(b), bytes[dir]);
		view_fmt_rate(r, sizeof(r), model_ct_rate(&st->ctx.model->ct, t, f, dir));
		add(p, NULL, SLOT_NUMBER, "%s packets, %s bytes, %s packets/s", a, b, r);
	} else {
		add(p, NULL, SLOT_DIM, "%s", t->acct ? "no counters: it began before accounting was on"
						    : "no counters: sysctl -w net.netfilter.nf_conntrack_acct=1 "
						      "(new connections only)");
	}
	strbuf_free(&sb);
}

static void nat_lines(struct page *p, const struct ct_flow *f)
{
	struct strbuf a, b;

	strbuf_init(&a);
	strbuf_init(&b);
	strbuf_add(&a, "");
	strbuf_add(&b, "");
	if (f->nat == CT_NAT_NONE) {
		add(p, "NAT", SLOT_DIM, "%s", "none: the reply tuple is the original one reversed");
	}
	if (f->nat == CT_NAT_SNAT || f->nat == CT_NAT_BOTH) {
		endpoint(f, &f->orig.src, f->orig.sport, &a);
		endpoint(f, &f->reply.dst, f->reply.dport, &b);
		add(p, "NAT", SLOT_NAT, "source NAT: %s leaves as %s", a.s, b.s);
		add(p, NULL, SLOT_DIM, "%s", "(SNAT, MASQUERADE or NETMAP in nat POSTROUTING; replies come back to "
				       "the new address and are translated back by conntrack)");
	}
	if (f->nat == CT_NAT_DNAT || f->nat == CT_NAT_BOTH) {
		strbuf_reset(&a);
		strbuf_reset(&b);
		strbuf_add(&a, "");
		strbuf_add(&b, "");
		endpoint(f, &f->orig.dst, f->orig.dport, &a);
		endpoint(f, &f->reply.src, f->reply.sport, &b);
		add(p, f->nat == CT_NAT_BOTH ? NULL : "NAT", SLOT_NAT, "DNAT: the destination %s is really %s", a.s,
		    b.s);
		add(p, NULL, SLOT_DIM, "%s", "(nat PREROUTING or OUTPUT, before routing: a published port)");
	}
	strbuf_free(&a);
	strbuf_free(&b);
}

/* "zone-orig 9  zone-reply 11" as conntrack -L says it. */
static void zone_words(const struct ct_flow *f, struct strbuf *sb)
{
	if (f->has_zone_orig)
		strbuf_addf(sb, "zone-orig %u", f->zone_orig);
	if (f->has_zone_orig && f->has_zone_reply)
		strbuf_add(sb, "  ");
	if (f->has_zone_reply)
		strbuf_addf(sb, "zone-reply %u", f->zone_reply);
}

/* The connections this flow's helper expects (conntrack -L expect);
 * returns how many lines. A port of 0 in the expected tuple is "any". */
static size_t expect_lines(struct page *p, const struct ct_flow *f, const struct ct_table *t)
{
	struct strbuf sb;
	size_t i, n = 0;

	strbuf_init(&sb);
	for (i = 0; i < t->nexpects; i++) {
		const struct ct_expect *e = &t->expects[i];
		char pw[8], d[16], a[INET6_ADDRSTRLEN];
		struct ct_flow shape = *f;

		if (model_ct_expect_master(t, e) != f)
			continue;
		shape.proto = e->proto;
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s ", conntrack_text_proto_word(e->proto, pw, sizeof(pw)));
		if (e->mask.sport)
			endpoint(&shape, &e->tuple.src, e->tuple.sport, &sb);
		else   /* any source port */
			strbuf_add(&sb, conntrack_text_addr(e->family, &e->tuple.src, a, sizeof(a)));
		strbuf_add(&sb, " \xe2\x86\x92 ");
		endpoint(&shape, &e->tuple.dst, e->tuple.dport, &sb);
		if (e->helper[0])
			strbuf_addf(&sb, "  (%s", e->helper);
		else
			strbuf_add(&sb, "  (");
		if (e->has_timeout) {
			conntrack_text_duration(e->timeout, d, sizeof(d));
			strbuf_addf(&sb, "%s%s left", e->helper[0] ? ", " : "", d);
		}
		strbuf_addc(&sb, ')');
		add(p, n ? NULL : "expects", SLOT_LABEL, "%s", sb.s);
		n++;
	}
	if (n)
		add(p, NULL, SLOT_DIM, "%s", "a helper read these in this flow's traffic: they will be RELATED");
	strbuf_free(&sb);
	return n;
}

/* What helpers and label rules added: the helper, the labels, the master
 * of a RELATED flow and the flows related to this one. */
static void helper_lines(struct page *p, const struct ct_flow *f, const struct ct_table *t)
{
	const struct ct_flow *m = model_ct_master(t, f);
	struct strbuf sb;
	size_t i, n = 0;

	strbuf_init(&sb);
	if (f->helper[0])
		add(p, "helper", SLOT_LABEL, "%s", f->helper);
	if (conntrack_text_has_labels(f)) {
		conntrack_text_labels(f, &sb);
		add(p, "labels", SLOT_LABEL, "%s", sb.s);
		strbuf_reset(&sb);
	}
	if (f->has_master) {
		char pw[8];

		strbuf_addf(&sb, "%s ", conntrack_text_proto_word(f->master_proto, pw, sizeof(pw)));
		endpoint(f, &f->master.src, f->master.sport, &sb);
		strbuf_add(&sb, " \xe2\x86\x92 ");
		endpoint(f, &f->master.dst, f->master.dport, &sb);
		add(p, "master", SLOT_LABEL, "%s", sb.s);
		strbuf_reset(&sb);
		if (m)
			strbuf_addf(&sb, "conntrack id %u%s%s: RELATED, a helper expected this connection", m->id,
				    m->helper[0] ? ", helper " : "", m->helper);
		else
			strbuf_add(&sb, "RELATED; the master is no longer in the table");
		add(p, NULL, SLOT_DIM, "%s", sb.s);
		strbuf_reset(&sb);
	}
	for (i = 0; i < t->nflows; i++) {
		if (!ct_is_master_of(f, &t->flows[i]) || t->flows[i].dying)
			continue;
		strbuf_addf(&sb, "%s%u", n ? ", " : "conntrack id ", t->flows[i].id);
		n++;
	}
	if (n)
		add(p, "related", SLOT_LABEL, "%zu flow%s: %s", n, n == 1 ? "" : "s", sb.s);
	n += expect_lines(p, f, t);
	if (f->helper[0] || conntrack_text_has_labels(f) || f->has_master || n)
		add(p, NULL, SLOT_NORMAL, "%s", "");
	strbuf_free(&sb);
}

static const char *hook_path(enum route_path r)
{
	switch (r) {
	case ROUTE_PATH_INPUT: return "PREROUTING \xe2\x86\x92 INPUT \xe2\x86\x92 local process";
	case ROUTE_PATH_FORWARD: return "PREROUTING \xe2\x86\x92 FORWARD \xe2\x86\x92 POSTROUTING";
	case ROUTE_PATH_OUTPUT: return "local process \xe2\x86\x92 OUTPUT \xe2\x86\x92 POSTROUTING";
	default: return "dropped at the routing decision";
	}
}

static void route_lines(struct page *p, struct flowv *v, const struct view_stack *st, const struct ct_flow *f)
{
	const struct route_result *r = &v->route;
	char gw[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN];
	struct strbuf sb;

	if (!st->ctx.route) {
		add(p, "routing", SLOT_DIM, "%s", "unknown here: the routing decision needs a live namespace");
		return;
	}
	if (!v->routed) {
		v->routed = true;
		memset(&v->route, 0, sizeof(v->route));
		v->route_rc = st->ctx.route(st->ctx.route_arg, f, &v->route);
	}
	if (v->route_rc < 0 && r->error) {
		add(p, "routing", SLOT_WARN, "no route: %s", strerror(r->error));
		return;
	}
	strbuf_init(&sb);
	strbuf_add(&sb, nlroute_path_name(r->path));
	if (r->rtm_type)
		strbuf_addf(&sb, " (%s)", nlroute_type_name(r->rtm_type));
	if (r->oif_name[0])
		strbuf_addf(&sb, ", out %s", r->oif_name);
	if (r->has_gateway)
		strbuf_addf(&sb, " via %s", conntrack_text_addr(r->family, r->gateway, gw, sizeof(gw)));
	else if (r->path == ROUTE_PATH_FORWARD || r->path == ROUTE_PATH_OUTPUT)
		strbuf_add(&sb, ", directly connected");
	if (r->has_prefsrc)
		strbuf_addf(&sb, ", source %s", conntrack_text_addr(r->family, r->prefsrc, src, sizeof(src)));
	add(p, "routing", SLOT_ACCEPT, "%s", sb.s);
	add(p, NULL, SLOT_DIM, "%s", hook_path(r->path));
	strbuf_free(&sb);
}

static void build(struct page *p, struct flowv *v, const struct view_stack *st, const struct ct_flow *f)
{
	const struct ct_table *t = st->ctx.ct;
	const char *state = conntrack_text_state(f);
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "%s", conntrack_text_proto(f->proto));
	if (state)
		strbuf_addf(&sb, "  %s", state);
	if (!(f->status & IPS_SEEN_REPLY))
		strbuf_add(&sb, "  [UNREPLIED]");
	if (*conntrack_text_flag(f))
		strbuf_addf(&sb, "  %s", conntrack_text_flag(f));
	if (f->dying)
		strbuf_add(&sb, "  (closed: conntrack dropped it)");
	else if (f->is_new)
		strbuf_add(&sb, "  (new)");
	add(p, "flow", f->dying ? SLOT_DIM : SLOT_LABEL, "%s", sb.s);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "conntrack id %u  ", f->id);
	if (!f->has_zone_orig && !f->has_zone_reply)
		strbuf_addf(&sb, "zone %u  ", f->zone);
	strbuf_addf(&sb, "mark %u", f->mark);
	if (f->has_timeout && !f->dying) {
		char d[16];

		conntrack_text_duration(f->timeout, d, sizeof(d));
		strbuf_addf(&sb, "  timeout %s", d);
	}
	add(p, NULL, SLOT_DIM, "%s", sb.s);
	if (f->has_zone_orig || f->has_zone_reply) {
		strbuf_reset(&sb);
		zone_words(f, &sb);
		add(p, "zones", SLOT_LABEL, "%s", sb.s);
		add(p, NULL, SLOT_DIM, "%s", "per direction (CT --zone-orig/--zone-reply); the other is zone 0");
	}
	add(p, NULL, SLOT_NORMAL, "%s", "");
	direction(p, f, st, CT_DIR_ORIG);
	direction(p, f, st, CT_DIR_REPLY);
	add(p, NULL, SLOT_NORMAL, "%s", "");
	helper_lines(p, f, t);
	nat_lines(p, f);
	route_lines(p, v, st, f);
	strbuf_free(&sb);
}

static void flow_draw(struct view *vv, struct canvas *c, struct canvas_rect body, struct view_stack *st)
{
	struct flowv *v = (struct flowv *)vv;
	const struct ct_flow *f = find(v, st);
	struct page p = { NULL, 0 };
	size_t i;
	int y;

	if (!f) {
		canvas_text(c, body.x + 1, body.y + 1, body.w - 2, "this connection is gone from conntrack", SLOT_WARN,
			    0);
		canvas_text(c, body.x + 1, body.y + 3, body.w - 2, "Backspace goes back to the flows.", SLOT_DIM, 0);
		return;
	}
	build(&p, v, st, f);
	v->rows = body.h;
	if (p.n <= (size_t)body.h)
		v->top = 0;
	else if (v->top > p.n - (size_t)body.h)
		v->top = p.n - (size_t)body.h;
	for (i = v->top, y = body.y; i < p.n && y < body.y + body.h; i++, y++) {
		canvas_text(c, body.x + 1, y, LABEL_W, p.v[i].label, SLOT_HOOK, CANVAS_BOLD);
		canvas_text_fit(c, body.x + 1 + LABEL_W, y, body.w - 2 - LABEL_W, p.v[i].text, p.v[i].slot,
				p.v[i].slot == SLOT_NAT ? CANVAS_BOLD : 0);
	}
	for (i = 0; i < p.n; i++)
		free(p.v[i].text);
	free(p.v);
}

static int flow_action(struct view *vv, const struct ui_event *ev, struct view_stack *st)
{
	struct flowv *v = (struct flowv *)vv;

	switch (ev->action) {
	case UI_ACT_UP:
	case UI_ACT_SCROLL_UP:
		v->top = v->top ? v->top - 1 : 0;
		return REACT_REDRAW;
	case UI_ACT_DOWN:
	case UI_ACT_SCROLL_DOWN:
		v->top++;
		return REACT_REDRAW;
	case UI_ACT_HOME:
		v->top = 0;
		return REACT_REDRAW;
	default:
		return REACT_PASS;
	}
}

static void flow_explain(struct view *vv, struct view_stack *st, struct explain_keys *ex)
{
	struct flowv *v = (struct flowv *)vv;
	const struct ct_flow *f = find(v, st);

	if (!f)
		return;
	snprintf(ex->subject, sizeof(ex->subject), "%s flow %u", conntrack_text_proto(f->proto), f->id);
	explain_keys_flow(ex, f, st->ctx.ct->acct);
	if (v->routed && v->route_rc == 0)
		explain_keys_add(ex, "route:%s", v->route.path == ROUTE_PATH_INPUT ? "input"
						 : v->route.path == ROUTE_PATH_OUTPUT ? "output" : "forward");
}

static void flow_crumb(struct view *vv, struct strbuf *sb, const struct view *below)
{
	const struct flowv *v = (const struct flowv *)vv;

	strbuf_addf(sb, "%s %u", conntrack_text_proto(v->key.proto), v->key.id);
}

const struct view_ops view_flow_ops = {
	.keyctx = UI_CTX_FLOW,
	.draw = flow_draw,
	.action = flow_action,
	.crumb = flow_crumb,
	.explain = flow_explain,
	.flows = true,
};

struct view *view_flow_new(const struct ct_flow *key)
{
	struct flowv *v = view_alloc(sizeof(*v), &view_flow_ops);

	v->key = *key;
	return &v->base;
}
