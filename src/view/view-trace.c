/*
 * view-trace.c - the traced packets ('t'): what is being traced, the
 * packets newest first (route, verdict, NAT), and the selected packet's
 * path step by step: hook, table:chain, rule, verdict, with the routing
 * decision where it happens, the interfaces, addresses before and after
 * NAT and what conntrack knew. ↑↓ choose a packet, ←→ (or [ ]) step
 * through its path, one step lit at a time (on a tall screen the diagram
 * above shows it; Enter shows it on the diagram). Steps in iptables-legacy
 * chains say "(legacy)". Under the summary: the session's notices, and
 * whether legacy rules are traced (nf_log bound to nfnetlink_log until
 * the trace stops) or not (L offers to: the plan, then y/n). The packets
 * belong to the feed's trace (ctx.trace: a live session, or what a replay
 * recorded, on the recording's clock); this view only reads them.
 * Playing a packet hop by hop (p) is view-trace-play.c's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "feed.h"
#include "iptop.h"
#include "names.h"
#include "trace.h"
#include "view.h"

#define DIAGRAM_MIN_H 40    /* a body this tall shows the diagram above the path */
#define DIAGRAM_MIN_W 100
#define NOTES_MAX 4         /* lines under the summary: legacy tracing, notices */

struct tracev {
	struct view base;
	bool follow;             /* the newest packet is selected until the user moves */
	size_t top;              /* first packet row shown */
	size_t path_top;         /* first path line shown */
	int list_h, path_h;
	struct scene scene;      /* its own, for the diagram above the path */
};

/* ---- the shared selection ------------------------------------------------------------------ */

static const char *verdict_word(int32_t v)
{
	if (v < 0)
		return "?";
	return (v & NF_VERDICT_MASK) < NF_REPEAT ? names_verdict_ipt(v & NF_VERDICT_MASK) : trace_verdict_name(v);
}

static int32_t step_verdict(const struct trace_step *s)
{
	return s->type == TRACE_STEP_POLICY ? s->policy : s->verdict;
}

int view_trace_step(struct view_stack *st, int dir)
{
	const struct trace_packet *p = view_trace_selected(st);
	struct view_trace *tr = &st->ctx.trace;
	const struct trace_step *s;

	if (!p || !p->nsteps) {
		view_stack_flash(st, SLOT_WARN, "%s", "no traced packet chosen (t traces; Enter on a packet picks it)");
		return REACT_REDRAW;
	}
	if (dir > 0)
		tr->step = tr->step < 0 ? 0 : tr->step + 1 < (int)p->nsteps ? tr->step + 1 : tr->step;
	else
		tr->step = tr->step <= 0 ? -1 : tr->step - 1;
	if (tr->step < 0) {
		view_stack_flash(st, SLOT_HINT, "packet #%llu: the whole path", (unsigned long long)p->id);
		return REACT_REDRAW;
	}
	s = &p->steps[tr->step];
	view_stack_flash(st, SLOT_HINT, "step %d/%zu: %s %s:%s%s \xe2\x86\x92 %s", tr->step + 1, p->nsteps,
			 s->hook >= 0 ? snapshot_hook_name(NFPROTO_INET, s->hook) : "?", s->table, s->chain,
			 s->legacy ? " (legacy)" : "", trace_verdict_name(step_verdict(s)));
	return REACT_REDRAW;
}

/* ---- words ----------------------------------------------------------------------------------- */

static const char *icmp_word(const struct trace_hdr *h)
{
	if (!h->has_icmp)
		return NULL;
	if (h->proto == IPPROTO_ICMP)
		return h->icmp_type == 8 ? "echo-request" : h->icmp_type == 0 ? "echo-reply"
			: h->icmp_type == 3 ? "unreachable" : h->icmp_type == 11 ? "time-exceeded" : NULL;
	return h->icmp_type == 128 ? "echo-request" : h->icmp_type == 129 ? "echo-reply" : NULL;
}

/* "icmp 172.20.0.2→203.0.113.1 echo-request" */
static void packet_words(const struct trace_hdr *h, struct strbuf *sb)
{
	const char *pw, *iw;

	if (!h->valid) {
		strbuf_add(sb, "(headers not seen)");
		return;
	}
	pw = names_ip_proto(h->proto);
	if (pw)
		strbuf_addf(sb, "%s ", pw);
	else
		strbuf_addf(sb, "proto %u ", h->proto);
	strbuf_add(sb, h->src);
	if (h->has_ports)
		strbuf_addf(sb, ":%u", h->sport);
	strbuf_addf(sb, "\xe2\x86\x92%s", h->dst);
	if (h->has_ports)
		strbuf_addf(sb, ":%u", h->dport);
	iw = icmp_word(h);
	if (iw)
		strbuf_addf(sb, " %s", iw);
}

static const char *route_word(enum trace_route r)
{
	switch (r) {
	case TRACE_ROUTE_INPUT: return "INPUT";
	case TRACE_ROUTE_FORWARD: return "FORWARD";
	case TRACE_ROUTE_OUTPUT: return "OUTPUT";
	case TRACE_ROUTE_NONE: return "none";
	default: return "?";
	}
}

/* A packet no chain saw: its family has no table at the hooks it passed
 * (the lab host's IPv6 neighbour and router solicitations, when it has no
 * ip6 rules). Its trace has no steps, so no route and no verdict: say so
 * rather than "?". */
static bool unseen(const struct trace_packet *p)
{
	return p->nsteps == 0 && p->verdict < 0;
}

static const char *hook_word(int hook)
{
	return hook >= 0 ? snapshot_hook_name(NFPROTO_INET, hook) : "?";
}

/* The packets, newest first (the model orders them). */
static const struct trace_packet *row_packet(const struct view_stack *st, size_t i)
{
	return model_trace_row(&st->ctx.model->trace, i);
}

static size_t count(const struct view_stack *st)
{
	return st->ctx.model->trace.nrows;
}

static long sel_row(const struct view_stack *st)
{
	return model_trace_row_of(&st->ctx.model->trace, st->ctx.trace.sel);
}

static void select_row(struct view_stack *st, long i)
{
	const struct trace_packet *p;
	size_t n = count(st);

	if (!n)
		return;
	if (i < 0)
		i = 0;
	if ((size_t)i >= n)
		i = (long)n - 1;
	p = row_packet(st, (size_t)i);
	if (p->id != st->ctx.trace.sel)
		st->ctx.trace.step = -1;
	st->ctx.trace.sel = p->id;
}

/* ---- drawing --------------------------------------------------------------------------------- */

static void draw_summary(struct canvas *c, const struct view_stack *st, int x, int y, int w)
{
	const struct view_trace *tr = &st->ctx.trace;
	struct strbuf sb;
	int n;

	strbuf_init(&sb);
	if (tr->feed->active || (tr->replay && count(st))) {
		/* A replay: what the recording traced, still or no longer. */
		n = canvas_text(c, x + 1, y, w - 1,
				!tr->replay ? "tracing " : tr->feed->active ? "recorded trace of " : "recorded (stopped) trace of ",
				SLOT_LABEL, 0);
		n += canvas_text_fit(c, x + 1 + n, y, w / 2, *tr->feed->filter ? tr->feed->filter : "every packet", SLOT_LABEL,
				     CANVAS_BOLD);
		strbuf_addf(&sb, "  (%s)  %zu packet%s", *tr->feed->rule ? tr->feed->rule : "all", count(st), count(st) == 1 ? "" : "s");
		if (tr->feed->lost)
			strbuf_addf(&sb, ", events lost %llu times", (unsigned long long)tr->feed->lost);
		if (tr->feed->skipped)
			strbuf_addf(&sb, ", %llu more matched (rate limit)", (unsigned long long)tr->feed->skipped);
		strbuf_add(&sb, tr->replay ? "  as recorded: a replay cannot trace" : "  x stops, t changes the filter");
		canvas_text_fit(c, x + 1 + n, y, w - 1 - n, sb.s, SLOT_DIM, 0);
	} else if (tr->error[0]) {
		canvas_text_fit(c, x + 1, y, w - 1, tr->error, SLOT_ERROR, 0);
	} else if (tr->replay) {
		canvas_text_fit(c, x + 1, y, w - 1,
				tr->feed->recorded ? "the recording traces packets later: they show here when the replay gets there"
					     : "this recording holds no traced packets (record with --record FILE while tracing)",
				SLOT_DIM, 0);
	} else if (!tr->live) {
		canvas_text_fit(c, x + 1, y, w - 1, "tracing needs a live namespace (this is a demo or a replay)",
				SLOT_WARN, 0);
	} else {
		canvas_text_fit(c, x + 1, y, w - 1,
				"not tracing: t starts, with a filter in iptables words (-p icmp -s 172.20.0.2)", SLOT_DIM,
				0);
	}
	strbuf_free(&sb);
}

bool view_trace_legacy_untraced(const struct view_stack *st)
{
	const struct view_trace *tr = &st->ctx.trace;
	const struct snap_ruleset *rs = st->ctx.model->cur;
	size_t i;

	if (!tr->live || tr->legacy_opt || tr->feed->legacy[0] || !rs)
		return false;
	for (i = 0; i < rs->nchains; i++)
		if (rs->chains[i].legacy)
			return true;
	return false;
}

static bool asking_legacy(const struct view_stack *st)
{
	return st->ctx.prompting && st->ctx.prompt_kind == VIEW_PROMPT_LEGACY && st->ctx.trace.plan;
}

/* Under the summary, at most max lines: legacy rules traced (and until
 * when) or not (L), an error of the last start while a trace runs, the
 * session's notices. Returns the lines drawn. */
static int draw_notes(struct canvas *c, const struct view_stack *st, int x, int y, int w, int max)
{
	const struct view_trace *tr = &st->ctx.trace;
	const char *n = tr->feed->state ? trace_state_notice(tr->feed->state) : NULL;
	char buf[160];
	int k = 0;

	if (k < max && tr->feed->active && tr->feed->legacy[0] && !tr->replay) {
		snprintf(buf, sizeof(buf), "legacy rules traced too: %s = nfnetlink_log until the trace stops (x)",
			 tr->feed->legacy);
		canvas_text_fit(c, x + 1, y + k++, w - 1, buf, SLOT_WARN, 0);
	} else if (k < max && view_trace_legacy_untraced(st)) {
		const char *say = tr->feed->active ? "legacy rules are not traced: L traces them too "
					       "(says first what changes)"
					     : "iptables-legacy tables here: L traces their rules too "
					       "(says first what changes)";

		canvas_text_fit(c, x + 1, y + k++, w - 1, say, SLOT_WARN, 0);
	}
	if (k < max && tr->feed->active && tr->error[0])
		canvas_text_fit(c, x + 1, y + k++, w - 1, tr->error, SLOT_ERROR, 0);
	while (n && *n && k < max) {
		int len = (int)strcspn(n, "\n");

		snprintf(buf, sizeof(buf), "%.*s", len, n);
		canvas_text_fit(c, x + 1, y + k++, w - 1, buf, SLOT_DIM, 0);
		n += len;
		n += *n == '\n';
	}
	return k;
}

/* L asked: what tracing legacy rules changes, and the question. */
static void draw_plan(struct canvas *c, const struct view_stack *st, int x, int y, int w, int h)
{
	const struct view_trace *tr = &st->ctx.trace;
	const char *p = tr->plan;
	struct strbuf sb;
	int row = y + 1;

	canvas_hline(c, x, y, w, SLOT_BORDER);
	canvas_text_fit(c, x + 1, y, w - 2, "\xe2\x94\x80 Trace iptables-legacy rules too? ", SLOT_HOOK, 0);
	while (*p && row < y + h - 2) {
		int len = (int)strcspn(p, "\n");
		char *line = xstrndup(p, (size_t)len);

		canvas_text_fit(c, x + 1, row++, w - 2, line, SLOT_LABEL, 0);
		free(line);
		p += len;
		p += *p == '\n';
	}
	strbuf_init(&sb);
	strbuf_addf(&sb, "y: trace %s with legacy rules too   n or Esc: change nothing",
		    *tr->feed->filter ? tr->feed->filter : "every packet");
	canvas_text_fit(c, x + 1, row + 1 < y + h ? row + 1 : row, w - 2, sb.s, SLOT_KEY, CANVAS_BOLD);
	strbuf_free(&sb);
}

/* Where the route column starts: the verdict gets more room when wide. */
static int route_x(int x, int w)
{
	int vw = w >= 110 ? 44 : 26;

	return x + w - vw - 9 < x + 35 ? x + 35 : x + w - vw - 9;
}

static void draw_packet_row(struct canvas *c, const struct view_stack *st, const struct trace_packet *p, int x,
			    int y, int w, bool sel)
{
	/* A replay's packets are on the recording's clock. */
	uint64_t now = st->ctx.trace.feed->clock_ns ? st->ctx.trace.feed->clock_ns : st->ctx.now_ns;
	enum slot ls = sel ? SLOT_SELECT : SLOT_LABEL;
	bool drop = p->verdict >= 0 && (p->verdict & NF_VERDICT_MASK) == NF_DROP;
	struct strbuf sb;
	int cx;

	strbuf_init(&sb);
	if (sel)
		canvas_fill(c, x, y, w, 1, ' ', SLOT_SELECT, 0);
	canvas_printf(c, x + 1, y, 5, sel ? ls : SLOT_DIM, 0, "#%llu", (unsigned long long)p->id);
	canvas_printf(c, x + 6, y, 7, sel ? ls : SLOT_DIM, 0, "%6.1fs",
		      now > p->t_first_ns ? (double)(now - p->t_first_ns) / 1e9 : 0.0);
	strbuf_add(&sb, p->reply_of ? "\xe2\x86\xa9 " : ""); /* ↩ a reply */
	packet_words(&p->pkt, &sb);
	cx = route_x(x, w);
	canvas_text_fit(c, x + 14, y, cx - x - 15, sb.s, ls, 0);
	canvas_text(c, cx, y, 8, unseen(p) && p->route == TRACE_ROUTE_UNKNOWN ? "-" : route_word(p->route), sel ? ls : SLOT_JUMP, 0);
	strbuf_reset(&sb);
	strbuf_add(&sb, unseen(p) ? "no rule" : verdict_word(p->verdict));
	if (drop && p->verdict_step >= 0 && (size_t)p->verdict_step < p->nsteps)
		strbuf_addf(&sb, " %s:%s", p->steps[p->verdict_step].table, p->steps[p->verdict_step].chain);
	else if (p->nat_src || p->nat_dst)
		/* A reply is translated back (de-NAT), not NATed. */
		strbuf_addf(&sb, " %s\xe2\x86\x92%s", p->reply_of ? "de-NAT" : p->nat_src ? "SNAT" : "DNAT",
			    p->nat_src ? p->nat_src_to : p->nat_dst_to);
	canvas_text_fit(c, cx + 9, y, x + w - cx - 9, sb.s, sel ? ls : drop ? SLOT_DROP : SLOT_ACCEPT, 0);
	if (!sel && (p->nat_src || p->nat_dst) && !drop)
		canvas_paint(c, cx + 9 + canvas_width(verdict_word(p->verdict)) + 1, y,
			     x + w - cx - 10 - canvas_width(verdict_word(p->verdict)), SLOT_NAT, CANVAS_BOLD);
	strbuf_free(&sb);
}

/* A line of the path: a step (step >= 0) or text between steps. */
struct pline {
	int step;
	char *text;
	enum slot slot;
};

struct plines {
	struct pline *v;
	size_t n;
};

static void padd(struct plines *l, int step, enum slot slot, const char *text)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n].step = step;
	l->v[l->n].text = xstrdup(text);
	l->v[l->n].slot = slot;
	l->n++;
}

static void route_line(struct plines *l, const struct trace_packet *p)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "             routing decision: %s", route_word(p->route));
	if (p->route == TRACE_ROUTE_FORWARD && (p->iif[0] || p->oif[0]))
		strbuf_addf(&sb, " (%s \xe2\x86\x92 %s)", p->iif[0] ? p->iif : "?", p->oif[0] ? p->oif : "?");
	else if (p->route == TRACE_ROUTE_INPUT)
		strbuf_add(&sb, " (to this host)");
	padd(l, -1, SLOT_JUMP, sb.s);
	strbuf_free(&sb);
}

static void build_path(struct plines *l, const struct trace_packet *p)
{
	struct strbuf sb;
	bool routed = false;
	size_t i;

	strbuf_init(&sb);
	strbuf_addf(&sb, "in %s  out %s", p->iif[0] ? p->iif : "-", p->oif[0] ? p->oif : "-");
	if (p->ct.valid) {
		strbuf_add(&sb, "   conntrack");
		if (p->ct.has_id)
			strbuf_addf(&sb, " %u %s", p->ct.id, p->ct.dir ? "reply" : "original");
		strbuf_addc(&sb, ' ');
		trace_ct_state_text(p->ct_new && !(p->ct.state & 0x8) ? (p->ct.state | 0x8) : p->ct.state, &sb);
	}
	if (p->has_mark && p->mark)
		strbuf_addf(&sb, "   mark 0x%x", p->mark);
	if (p->reply_of)
		strbuf_addf(&sb, "   reply to #%llu", (unsigned long long)p->reply_of);
	else if (p->reply)
		strbuf_addf(&sb, "   its reply: #%llu", (unsigned long long)p->reply);
	padd(l, -1, SLOT_DIM, sb.s);
	if (p->nat_src || p->nat_dst) {
		strbuf_reset(&sb);
		strbuf_add(&sb, "NAT  ");
		if (p->nat_src)
			strbuf_addf(&sb, "source %s \xe2\x86\x92 %s%s  ", p->pkt.src, p->nat_src_to,
				    p->snat_pending ? " (after the last step)" : "");
		if (p->nat_dst)
			strbuf_addf(&sb, "destination %s \xe2\x86\x92 %s", p->pkt.dst, p->nat_dst_to);
		padd(l, -1, SLOT_NAT, sb.s);
	}
	if (p->route == TRACE_ROUTE_OUTPUT) {
		route_line(l, p);
		routed = true;
	}
	for (i = 0; i < p->nsteps; i++) {
		const struct trace_step *s = &p->steps[i];

		if (!routed && s->hook > NF_INET_PRE_ROUTING && (p->route == TRACE_ROUTE_FORWARD ||
								 p->route == TRACE_ROUTE_INPUT)) {
			route_line(l, p);
			routed = true;
		}
		padd(l, (int)i, SLOT_LABEL, "");
	}
	if (!routed && (p->route == TRACE_ROUTE_FORWARD || p->route == TRACE_ROUTE_INPUT))
		route_line(l, p);
	strbuf_reset(&sb);
	if (unseen(p))
		strbuf_add(&sb, "verdict  none: no chain saw this packet (no table of its family at its hooks)");
	else
		strbuf_addf(&sb, "verdict  %s", verdict_word(p->verdict));
	if (p->verdict_step >= 0 && (size_t)p->verdict_step < p->nsteps)
		strbuf_addf(&sb, " at %s:%s%s", p->steps[p->verdict_step].table, p->steps[p->verdict_step].chain,
			    p->steps[p->verdict_step].legacy ? " (legacy)" : "");
	padd(l, -1, p->verdict >= 0 && (p->verdict & NF_VERDICT_MASK) == NF_DROP ? SLOT_DROP : SLOT_ACCEPT, sb.s);
	if (p->note)
		padd(l, -1, SLOT_DIM, p->note);
	strbuf_free(&sb);
}

/* The rule without the "-A CHAIN " the table:chain column already says. */
static const char *rule_words(const struct trace_step *s)
{
	size_t n = strlen(s->chain);

	if (strncmp(s->rule, "-A ", 3) == 0 && strncmp(s->rule + 3, s->chain, n) == 0 && s->rule[3 + n] == ' ')
		return s->rule + 4 + n;
	return s->rule;
}

static void draw_step(struct canvas *c, const struct trace_step *s, int n, int x, int y, int w, bool cur)
{
	enum slot ls = cur ? SLOT_SELECT : SLOT_LABEL;
	int32_t v = step_verdict(s);
	struct strbuf sb;
	int vw, rx, tw, where_w = w >= 100 ? 32 : 24;

	strbuf_init(&sb);
	if (cur)
		canvas_fill(c, x, y, w, 1, ' ', SLOT_SELECT, 0);
	canvas_printf(c, x, y, 4, cur ? ls : SLOT_DIM, 0, "%3d", n + 1);
	canvas_text(c, x + 5, y, 12, hook_word(s->hook), cur ? ls : SLOT_HOOK, 0);
	strbuf_addf(&sb, "%s:%s", s->table, s->chain);
	/* A legacy chain keeps its "(legacy)": the name is cut first. */
	tw = canvas_text_fit(c, x + 17, y, s->legacy ? where_w - 9 : where_w, sb.s, ls, CANVAS_BOLD);
	if (s->legacy)
		canvas_text(c, x + 17 + tw + 1, y, 8, "(legacy)", cur ? ls : SLOT_WARN, 0);
	strbuf_reset(&sb);
	strbuf_add(&sb, trace_verdict_name(v));
	if ((v == NFT_JUMP || v == NFT_GOTO) && s->target)
		strbuf_addf(&sb, " %s", s->target);
	vw = canvas_width(sb.s);
	if (vw > 28)
		vw = 28;
	/* A long jump target loses its end, not its verb. */
	canvas_text_fit(c, x + w - vw - 1, y, vw, sb.s,
			cur ? ls : v == NF_DROP ? SLOT_DROP : v == NF_ACCEPT ? SLOT_ACCEPT
			: v == NFT_JUMP || v == NFT_GOTO ? SLOT_JUMP : SLOT_DIM, 0);
	strbuf_reset(&sb);
	if (s->type == TRACE_STEP_POLICY)
		strbuf_add(&sb, "(policy)");
	else if (s->type == TRACE_STEP_RETURN)
		strbuf_add(&sb, "(end of chain: return)");
	else if (!s->handle)
		strbuf_add(&sb, "(end of the rules)");
	else if (s->rule)
		strbuf_add(&sb, rule_words(s));
	else
		strbuf_addf(&sb, "(rule handle %llu)", (unsigned long long)s->handle);
	rx = x + 17 + where_w + 1;
	canvas_text_fit(c, rx, y, x + w - vw - 2 - rx, sb.s, cur ? ls : s->rule ? SLOT_LABEL : SLOT_DIM, 0);
	strbuf_free(&sb);
}

static void draw_path(struct canvas *c, struct tracev *v, const struct view_stack *st,
		      const struct trace_packet *p, int x, int y, int w, int h)
{
	struct plines l = { NULL, 0 };
	int cur = st->ctx.trace.step, row;
	size_t i, cur_line = 0;
	struct strbuf sb;

	strbuf_init(&sb);
	if (unseen(p))
		strbuf_addf(&sb, "\xe2\x94\x80 packet #%llu, no steps: no chain saw it ", (unsigned long long)p->id);
	else
		strbuf_addf(&sb, "\xe2\x94\x80 packet #%llu, %zu step%s: \xe2\x86\x90 \xe2\x86\x92 step through it, Enter "
				 "shows it on the diagram ", (unsigned long long)p->id, p->nsteps, p->nsteps == 1 ? "" : "s");
	canvas_hline(c, x, y, w, SLOT_BORDER);
	canvas_text_fit(c, x + 1, y, w - 2, sb.s, SLOT_HOOK, 0);
	strbuf_free(&sb);
	build_path(&l, p);
	for (i = 0; i < l.n; i++)
		if (l.v[i].step == cur && cur >= 0)
			cur_line = i;
	v->path_h = h - 1;
	v->path_top = view_scroll(v->path_top, cur >= 0 ? cur_line : v->path_top, l.n, (size_t)(h - 1));
	for (i = v->path_top, row = y + 1; i < l.n && row < y + h; i++, row++) {
		if (l.v[i].step >= 0)
			draw_step(c, &p->steps[l.v[i].step], l.v[i].step, x + 1, row, w - 1, l.v[i].step == cur);
		else
			canvas_text_fit(c, x + 2, row, w - 3, l.v[i].text, l.v[i].slot, 0);
	}
	for (i = 0; i < l.n; i++)
		free(l.v[i].text);
	free(l.v);
}

static void trace_draw(struct view *vv, struct canvas *c, struct canvas_rect body, struct view_stack *st)
{
	struct tracev *v = (struct tracev *)vv;
	const struct trace_packet *p;
	size_t n = count(st), i;
	long sel;
	int y, list_h, notes, x = body.x, w = body.w, top_h = 0;

	if (v->follow || sel_row(st) < 0)
		select_row(st, 0);
	p = view_trace_selected(st);
	sel = sel_row(st);
	/* A tall screen: the diagram above, the packet's path lit on it. */
	if (p && body.h >= DIAGRAM_MIN_H && body.w >= DIAGRAM_MIN_W && !st->ctx.split) {
		struct canvas_rect d = { body.x, body.y, body.w, body.h / 2 };

		top_h = d.h;
		scene_layout_update_zoom(&v->scene, st->ctx.model->cur, view_scene_mode(&st->ctx), d.w, d.h, false);
		canvas_set_clip(c, d.x, d.y, d.w, d.h);
		view_diagram_draw_scene(c, st, &v->scene, d);
		view_diagram_path_draw(c, st, &v->scene, d);
		canvas_set_clip(c, body.x, body.y, body.w, body.h);
	}
	y = body.y + top_h;
	draw_summary(c, st, x, y, w);
	notes = body.h - top_h - 8;
	y += draw_notes(c, st, x, y + 1, w, notes < NOTES_MAX ? notes : NOTES_MAX);
	if (asking_legacy(st)) {
		draw_plan(c, st, x, y + 1, w, body.y + body.h - y - 1);
		v->list_h = 0;
		return;
	}
	if (!n) {
		if (st->ctx.trace.feed->active)
			canvas_text(c, x + 2, y + 2, w - 2,
				    st->ctx.trace.replay ? "no packet traced yet at this point of the recording"
							 : "waiting for a packet that matches...",
				    SLOT_DIM, 0);
		v->list_h = 0;
		return;
	}
	list_h = (body.y + body.h - y - 2) / 3;
	if (list_h < 3)
		list_h = 3;
	if ((size_t)list_h > n)
		list_h = (int)n;
	v->list_h = list_h;
	canvas_fill(c, x, y + 1, w, 1, ' ', SLOT_HEADER, 0);
	canvas_text(c, x + 1, y + 1, w - 1, "#", SLOT_HEADER, 0);
	canvas_text(c, x + 9, y + 1, 4, "age", SLOT_HEADER, 0);
	canvas_text(c, x + 14, y + 1, 8, "packet", SLOT_HEADER, 0);
	canvas_text(c, route_x(x, w), y + 1, 30, "route    verdict", SLOT_HEADER, 0);
	v->top = view_scroll(v->top, sel < 0 ? 0 : (size_t)sel, n, (size_t)list_h);
	for (i = v->top; i < n && i < v->top + (size_t)list_h; i++)
		draw_packet_row(c, st, row_packet(st, i), x, y + 2 + (int)(i - v->top), w, (long)i == sel);
	if (p && body.y + body.h - (y + 2 + list_h) >= 3)
		draw_path(c, v, st, p, x, y + 2 + list_h, w, body.y + body.h - (y + 2 + list_h));
}

/* ---- actions --------------------------------------------------------------------------------- */

static int trace_action(struct view *vv, const struct ui_event *ev, struct view_stack *st)
{
	struct tracev *v = (struct tracev *)vv;
	long sel = sel_row(st), page = v->list_h > 1 ? v->list_h - 1 : 1;

	switch (ev->action) {
	case UI_ACT_UP:
	case UI_ACT_SCROLL_UP: select_row(st, sel - 1); break;
	case UI_ACT_DOWN:
	case UI_ACT_SCROLL_DOWN: select_row(st, sel + 1); break;
	case UI_ACT_PGUP: select_row(st, sel - page); break;
	case UI_ACT_PGDN: select_row(st, sel + page); break;
	case UI_ACT_HOME: select_row(st, 0); break;
	case UI_ACT_END: select_row(st, (long)count(st) - 1); break;
	case UI_ACT_STEP_PREV:
	case UI_ACT_STEP_NEXT:
		v->follow = false;
		st->ctx.trace.playing = false;
		return view_trace_step(st, ev->action == UI_ACT_STEP_NEXT ? 1 : -1);
	case UI_ACT_PLAY:
		if (!view_trace_selected(st))
			return view_trace_play(st);
		/* on the diagram, where the hops are */
		while (st->n > 1)
			view_stack_pop(st);
		return view_trace_play(st);
	case UI_ACT_ENTER:
		if (!view_trace_selected(st))
			return REACT_NONE;
		while (st->n > 1)
			view_stack_pop(st);
		view_stack_flash(st, SLOT_HINT, "%s", "the packet's path: [ ] step through it, Esc takes it off");
		return REACT_REDRAW;
	default:
		return REACT_PASS;
	}
	/* The newest packet stays selected only while the user leaves it there. */
	v->follow = sel_row(st) == 0;
	return REACT_REDRAW;
}

static void trace_explain(struct view *vv, struct view_stack *st, struct explain_keys *ex)
{
	const struct trace_packet *p = view_trace_selected(st);
	int k = st->ctx.trace.step;
	const struct trace_step *s;

	if (!p)
		return;
	if (k < 0)
		k = p->verdict_step;
	if (p->note && strstr(p->note, "nat"))
		explain_keys_add(ex, "trace:nat-first-packet");
	if (k >= 0 && (size_t)k < p->nsteps) {
		s = &p->steps[k];
		snprintf(ex->subject, sizeof(ex->subject), "packet #%llu, step %d: %s:%s", (unsigned long long)p->id,
			 k + 1, s->table, s->chain);
		if (s->rule)
			explain_keys_rule(ex, s->rule, true);
		explain_keys_add(ex, "chain:%s", s->chain);
		explain_keys_add(ex, "table:%s", s->table);
		if (s->hook >= 0)
			explain_keys_add(ex, "hook:%s", hook_word(s->hook));
	}
	if (p->route == TRACE_ROUTE_FORWARD || p->route == TRACE_ROUTE_INPUT || p->route == TRACE_ROUTE_OUTPUT)
		explain_keys_add(ex, "route:%s", trace_route_name(p->route));
}

static void trace_release(struct view *vv)
{
	struct tracev *v = (struct tracev *)vv;

	scene_layout_free(&v->scene);
}

const struct view_ops view_trace_ops = {
	.keyctx = UI_CTX_TRACE,
	.draw = trace_draw,
	.action = trace_action,
	.title = "trace",
	.explain = trace_explain,
	.release = trace_release,
};

struct view *view_trace_new(void)
{
	struct tracev *v = view_alloc(sizeof(*v), &view_trace_ops);

	v->follow = true;
	scene_layout_init(&v->scene);
	return &v->base;
}

void view_trace_follow(struct view_trace *tr, const struct model_trace *mt)
{
	if (tr->sel_gen != mt->gen) {
		tr->sel = 0;
		tr->step = -1;
		tr->sel_gen = mt->gen;
	}
}

void view_trace_ask_legacy(struct view_stack *st, const char *plan)
{
	struct view_ctx *ctx = &st->ctx;
	const struct view *top = view_stack_top(st);

	if (!top || top->ops != &view_trace_ops)
		view_stack_push(st, view_trace_new());
	free(ctx->trace.plan);
	ctx->trace.plan = xstrdup(plan ? plan : "");
	ctx->prompting = true;
	ctx->prompt_kind = VIEW_PROMPT_LEGACY;
	ctx->prompt[0] = '\0';
}
