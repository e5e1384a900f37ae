/*
 * trace-complete.c - completing a packet path: the final verdict (the
 * first drop, else the last accept), the route (input, forward, output),
 * NAT seen in the headers or inferred from the reply (source NAT and a
 * reply's de-NAT happen after the last trace event), the link between a
 * packet and its reply, and the notes that explain what the path cannot
 * show (nat chains skipped by established connections, the forward-hook
 * start, untraced iptables-legacy rules); then into the ring.
 *
 * Does not decide when a packet is complete (trace-path.c,
 * trace-path-legacy.c, the settle clock: trace_complete_expire below) nor keep the
 * ring (trace-state.c). Pure: no socket, no formatting.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "iptop.h"
#include "snapshot.h"
#include "trace.h"
#include "trace-int.h"

#define CT_STATUS_SRC_NAT 0x10
#define CT_STATUS_DST_NAT 0x20

static bool path_has_nat_step(const struct trace_packet *p)
{
	size_t i;

	for (i = 0; i < p->nsteps; i++)
		if (p->steps[i].nat_chain)
			return true;
	return false;
}

static void add_note(struct trace_packet *p, const char *text)
{
	char *n;

	if (!p->note) {
		p->note = xstrdup(text);
		return;
	}
	n = xasprintf("%s; %s", p->note, text);
	free(p->note);
	p->note = n;
}

/* Without --trace-legacy: say which hooks had legacy rules the path does
 * not show. The hooks a packet passed: those seen, and those its route
 * implies (a forwarded packet also crosses postrouting). */
static unsigned int own_all(const struct tpath *tp)
{
	return tp->own_hooks | tp->own_reply_hooks | tp->own_late_hooks;
}

static void note_legacy_untraced(const struct tpath *tp, struct trace_packet *p)
{
	unsigned int hooks = own_all(tp), hit;
	struct strbuf sb;
	bool first = true;
	size_t i;
	int h;

	for (i = 0; i < p->nsteps; i++) {
		if (p->steps[i].legacy)
			return; /* legacy hops came in: it was traced after all */
		if (p->steps[i].hook >= 0 && p->steps[i].hook < 32)
			hooks |= 1u << p->steps[i].hook;
	}
	switch (p->route) {
	case TRACE_ROUTE_INPUT: hooks |= 1u << NF_INET_PRE_ROUTING | 1u << NF_INET_LOCAL_IN; break;
	case TRACE_ROUTE_FORWARD: hooks |= 1u << NF_INET_FORWARD | 1u << NF_INET_POST_ROUTING; break;
	case TRACE_ROUTE_OUTPUT: hooks |= 1u << NF_INET_LOCAL_OUT | 1u << NF_INET_POST_ROUTING; break;
	default: break;
	}
	if (trace_verdict_is(p->verdict, NF_DROP) && p->verdict_step >= 0) {
		/* Nothing after the dropping hook saw it. */
		int dh = p->steps[p->verdict_step].hook;

		if (dh >= 0 && trace_hook_stage(dh) < 3)
			hooks &= ~(1u << NF_INET_POST_ROUTING);
		if (dh == NF_INET_PRE_ROUTING)
			hooks &= ~(1u << NF_INET_LOCAL_IN | 1u << NF_INET_FORWARD);
	}
	hit = hooks & tp->legacy_hooks;
	if (!hit)
		return;
	strbuf_init(&sb);
	strbuf_add(&sb, "iptables-legacy rules at");
	for (h = 0; h < 5; h++)
		if (hit & (1u << h)) {
			strbuf_addf(&sb, "%s %s", first ? "" : ",", snapshot_hook_name(NFPROTO_INET, h));
			first = false;
		}
	strbuf_add(&sb, " were not traced (iptop --trace-legacy traces them)");
	add_note(p, sb.s);
	strbuf_free(&sb);
}

static struct trace_packet *find_packet_any(struct trace_state *st, uint64_t id)
{
	size_t i;

	for (i = 0; i < st->nopen; i++)
		if (st->open[i]->p.id == id)
			return &st->open[i]->p;
	return (struct trace_packet *)trace_state_find(st, id);
}

/* The original's source NAT happens after its last trace event; the
 * reply shows the translated address as its destination before de-NAT. */
static void infer_snat(struct trace_packet *orig, const struct trace_packet *reply)
{
	bool ports = orig->pkt.has_ports && reply->pkt.has_ports;

	if (!orig->pkt.valid || !reply->pkt.valid || orig->nat_src)
		return;
	if (!(orig->ct.status & CT_STATUS_SRC_NAT) && !orig->snat_pending)
		return;
	if (strcmp(reply->pkt.dst, orig->pkt.src) == 0 && (!ports || reply->pkt.dport == orig->pkt.sport))
		return;
	orig->nat_src = true;
	snprintf(orig->nat_src_to, sizeof(orig->nat_src_to), "%s", reply->pkt.dst);
	orig->nat_sport_to = ports ? reply->pkt.dport : 0;
	orig->snat_pending = false;
}

/* The reply of a DNATed connection gets its source rewritten back at
 * postrouting, after its last trace event: take the address from the
 * original as it arrived. The original's headers, not its NAT fields: it
 * may not be complete yet (a hairpin's SYN-ACK comes while it lingers). */
static void infer_reply_denat(struct trace_packet *reply, const struct trace_packet *orig)
{
	bool ports = orig->pkt.has_ports && reply->pkt.has_ports;
	const char *to = orig->nat_dst ? orig->nat_dst_to : orig->last.dst;
	uint16_t to_port = orig->nat_dst ? orig->nat_dport_to : orig->last.dport;

	if (reply->nat_src || !reply->pkt.valid || !orig->pkt.valid || !orig->last.valid)
		return;
	if (strcmp(to, orig->pkt.dst) == 0 && (!ports || to_port == orig->pkt.dport))
		return; /* the original was not DNATed */
	if (strcmp(reply->pkt.src, to) != 0 || (ports && reply->pkt.sport != to_port))
		return;
	reply->nat_src = true;
	snprintf(reply->nat_src_to, sizeof(reply->nat_src_to), "%s", orig->pkt.dst);
	reply->nat_sport_to = ports ? orig->pkt.dport : 0;
}

/* A reply (ct direction 1): link it with the original-direction packet of
 * the same connection (newest first). */
void trace_complete_link_reply(struct trace_state *st, struct tpath *tp)
{
	struct trace_packet *p = &tp->p, *o = NULL;
	size_t i;

	if (p->reply_of || !p->ct.has_id || p->ct.dir != 1)
		return;
	for (i = st->nopen; i-- > 0 && !o;) {
		struct trace_packet *q = &st->open[i]->p;

		if (q != p && q->ct.has_id && q->ct.id == p->ct.id && q->ct.dir == 0 && q->id < p->id)
			o = q;
	}
	for (i = st->count; i-- > 0 && !o;) {
		struct trace_packet *q = st->ring[(st->head + i) % st->limit];

		if (q->ct.has_id && q->ct.id == p->ct.id && q->ct.dir == 0)
			o = q;
	}
	if (!o)
		return;
	p->reply_of = o->id;
	if (!o->reply)
		o->reply = p->id;
	infer_snat(o, p);
	/* The original waited (lingered) for this: it is complete now. */
	for (i = 0; i < st->nopen; i++)
		if (&st->open[i]->p == o && st->open[i]->done) {
			trace_complete_at(st, i);
			break;
		}
}

/* What the whole path says: route, final verdict, NAT, the notes. */
static void finalize(struct trace_state *st, struct tpath *tp)
{
	struct trace_packet *p = &tp->p;
	bool in = false, fwd = false, pre = false, post = false, out = false;
	size_t i;

	for (i = 0; i < p->nsteps; i++) {
		switch (p->steps[i].hook) {
		case NF_INET_PRE_ROUTING: pre = true; break;
		case NF_INET_LOCAL_IN: in = true; break;
		case NF_INET_FORWARD: fwd = true; break;
		case NF_INET_LOCAL_OUT: out = true; break;
		case NF_INET_POST_ROUTING: post = true; break;
		}
	}
	{
		unsigned int own = own_all(tp);

		out |= (own & (1u << NF_INET_LOCAL_OUT)) != 0;
		pre |= (own & (1u << NF_INET_PRE_ROUTING)) != 0;
		fwd |= (own & (1u << NF_INET_FORWARD)) != 0;
		in |= (own & (1u << NF_INET_LOCAL_IN)) != 0;
		post |= (own & (1u << NF_INET_POST_ROUTING)) != 0;
	}
	/* Looped through lo: generated here, and back in from prerouting. */
	p->local_out = out && (!pre || p->looped);

	/* The final verdict: the first drop ends the packet; otherwise the last
	 * accept (a later base chain could still have dropped it). */
	p->verdict = -1;
	p->verdict_step = -1;
	for (i = 0; i < p->nsteps; i++) {
		int32_t v = trace_step_final(&p->steps[i]);

		if (trace_verdict_is(v, NF_DROP) || trace_verdict_is(v, NF_STOLEN) ||
		    trace_verdict_is(v, NF_QUEUE)) {
			p->verdict = v;
			p->verdict_step = (int)i;
			break;
		}
		if (trace_verdict_is(v, NF_ACCEPT)) {
			p->verdict = v;
			p->verdict_step = (int)i;
		}
	}

	if (in)
		p->route = TRACE_ROUTE_INPUT;
	else if (fwd || (pre && post && !p->local_out))
		p->route = TRACE_ROUTE_FORWARD;
	else if (p->local_out)
		p->route = TRACE_ROUTE_OUTPUT;
	else if (pre && trace_verdict_is(p->verdict, NF_DROP))
		p->route = TRACE_ROUTE_NONE;
	else
		p->route = TRACE_ROUTE_UNKNOWN;

	if (p->pkt.valid && p->last.valid) {
		bool ports = p->pkt.has_ports && p->last.has_ports;

		if (!p->nat_src && (strcmp(p->pkt.src, p->last.src) != 0 ||
				    (ports && p->pkt.sport != p->last.sport))) {
			p->nat_src = true;
			snprintf(p->nat_src_to, sizeof(p->nat_src_to), "%s", p->last.src);
			p->nat_sport_to = ports ? p->last.sport : 0;
		}
		if (strcmp(p->pkt.dst, p->last.dst) != 0 || (ports && p->pkt.dport != p->last.dport)) {
			p->nat_dst = true;
			snprintf(p->nat_dst_to, sizeof(p->nat_dst_to), "%s", p->last.dst);
			p->nat_dport_to = ports ? p->last.dport : 0;
		}
	}
	if (!p->nat_src && p->ct.valid && p->ct.dir == 0 && (p->ct.status & CT_STATUS_SRC_NAT) &&
	    !trace_verdict_is(p->verdict, NF_DROP))
		p->snat_pending = true;
	if (p->reply) {
		struct trace_packet *r = find_packet_any(st, p->reply);

		if (r)
			infer_snat(p, r);
	}
	if (p->snat_pending && st->ct_lookup) {
		/* The reply did not show the new source: conntrack has it. */
		struct trace_ct_tuples t;

		if (st->ct_lookup(p, &t, st->ct_lookup_arg) == 0 && t.valid &&
		    (strcmp(t.repl_dst, t.orig_src) != 0 || (t.ports && t.repl_dport != t.orig_sport))) {
			p->nat_src = true;
			p->snat_pending = false;
			snprintf(p->nat_src_to, sizeof(p->nat_src_to), "%s", t.repl_dst);
			p->nat_sport_to = t.ports ? t.repl_dport : 0;
		}
	}
	if (p->reply_of) {
		const struct trace_packet *o = find_packet_any(st, p->reply_of);

		if (o)
			infer_reply_denat(p, o);
	}

	if (!p->note && p->ct.valid && p->ct.has_id && !p->ct_new && !path_has_nat_step(p)) {
		unsigned int hooks = own_all(tp);
		bool natted = (p->ct.status & (CT_STATUS_SRC_NAT | CT_STATUS_DST_NAT)) != 0;

		for (i = 0; i < p->nsteps; i++)
			if (p->steps[i].hook >= 0 && p->steps[i].hook < 32)
				hooks |= 1u << p->steps[i].hook;
		/* Only when a nat chain sat on the way and was skipped. */
		if (hooks & tp->nat_hooks) {
			if (p->ct.dir == 1 && natted)
				p->note = xstrdup("conntrack de-NATs replies: nat chains see only the first packet "
						  "of a connection");
			else if (natted)
				p->note = xstrdup("nat chains see only the first packet of a connection; "
						  "conntrack applies its NAT to the rest");
			else
				p->note = xstrdup("nat chains see only the first packet of a connection "
						  "(this one belongs to an established connection)");
		}
	}
	if (!p->note && p->from_forward_hook)
		p->note = xstrdup("traced from the forward hook: -o is known only after the routing decision");
	if (st->legacy_untraced)
		note_legacy_untraced(tp, p);
	p->complete = true;
}

void trace_complete_at(struct trace_state *st, size_t idx)
{
	finalize(st, st->open[idx]);
	trace_state_retire(st, idx);
}

void trace_complete_path(struct trace_state *st, struct tpath *tp)
{
	size_t i;

	for (i = 0; i < st->nopen; i++)
		if (st->open[i] == tp) {
			trace_complete_at(st, i);
			return;
		}
}

int trace_complete_expire(struct trace_state *st, uint64_t now_ns)
{
	int before = st->completed;
	size_t i = 0;

	if (!now_ns)
		now_ns = trace_state_now(st);
	while (i < st->nopen) {
		if (now_ns >= trace_state_deadline(st->open[i]))
			trace_complete_at(st, i);
		else
			i++;
	}
	return st->completed - before;
}

int trace_complete_flush(struct trace_state *st)
{
	int n = 0;

	while (st->nopen) {
		trace_complete_at(st, 0);
		n++;
	}
	st->completed = 0;
	return n;
}
