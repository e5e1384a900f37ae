/*
 * trace-path-legacy.c - legacy hops (iptables-legacy rules, nfnetlink_log
 * "TRACE:" messages parsed by trace-nflog.c) joined into the packet paths
 * the nf_tables trace events open (trace-path.c). Pure: no socket, no
 * nf_log binding (collect-nflog.c), no rule-number mapping
 * (trace_nflog_step() in trace-nflog.c), no formatting.
 *
 * Legacy hops carry no trace id. The live session reads them from the
 * same socket as the nf_tables events, so they come in the order the
 * kernel ran the chains; a hop joins the open packet whose headers it
 * shows (IPv4 id, TCP seq/ack, ICMP echo id and sequence, addresses with
 * one side allowed to change by NAT; conntrack id when the kernel sends
 * one), at the same or a later hook stage, the most recently active one
 * when several fit. Gaps in NFULA_SEQ count as lost hops.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "iptop.h"
#include "snapshot.h"
#include "trace.h"
#include "trace-int.h"

/* Could this legacy hop's headers be the packet of tp? */
static bool legacy_hdr_match(const struct trace_packet *p, const struct trace_hdr *h)
{
	const struct trace_hdr *l = &p->last;

	if (!l->valid || l->nfproto != h->nfproto || l->proto != h->proto)
		return false;
	if (l->has_ipid && h->has_ipid && l->ipid != h->ipid)
		return false;
	if (l->has_seq && h->has_seq && (l->seq != h->seq || l->ack != h->ack))
		return false;
	if (l->has_icmp && h->has_icmp && l->icmp_type != h->icmp_type)
		return false;
	return trace_path_hdr_compatible(l, h) || trace_path_hdr_compatible(&p->pkt, h);
}

/* The open packet a legacy hop belongs to: same conntrack entry and
 * direction when both know it, else matching headers; at the same or a
 * later hook stage than the packet has reached; recently active; the
 * most recently active of those. NULL: none. */
static struct tpath *find_for_legacy(struct trace_state *st, const struct trace_nflog_event *ev,
				     const struct trace_hdr *h, uint64_t now)
{
	struct tpath *best = NULL;
	size_t i;

	for (i = 0; i < st->nopen; i++) {
		struct tpath *tp = st->open[i];
		int reached = -1;

		if (tp->done || now - tp->p.t_last_ns > TRACE_SETTLE_NS)
			continue;
		if (tp->hook >= 0)
			reached = trace_hook_stage(tp->hook);
		if (tp->legacy_hook >= 0 && trace_hook_stage(tp->legacy_hook) > reached)
			reached = trace_hook_stage(tp->legacy_hook);
		if (ev->hook >= 0 && trace_hook_stage(ev->hook) < reached)
			continue;
		if (ev->ct.has_id && tp->p.ct.has_id) {
			if (ev->ct.id != tp->p.ct.id || ev->ct.dir != tp->p.ct.dir)
				continue;
		} else if (h->valid) {
			if (!legacy_hdr_match(&tp->p, h))
				continue;
		} else if (now - tp->p.t_last_ns > TRACE_JOIN_WINDOW_NS) {
			continue; /* no headers (copy mode meta): the last active packet */
		}
		if (!best || tp->touch > best->touch)
			best = tp;
	}
	return best;
}

/* The legacy built-in chain a hop runs under (hook and table): its
 * priority and name, for "could another chain still see the packet". */
static const struct snap_chain *legacy_base(const struct snap_ruleset *rs, const struct trace_nflog_event *ev)
{
	size_t i;

	for (i = 0; rs && i < rs->nchains; i++) {
		const struct snap_chain *ch = &rs->chains[i];

		if (ch->legacy && ch->base && ch->hook == ev->hook && ch->family == ev->family &&
		    strcmp(ch->table, ev->table) == 0)
			return ch;
	}
	return NULL;
}

int trace_path_legacy_feed(struct trace_state *st, const struct nlmsghdr *nlh, const struct snap_ruleset *rs)
{
	struct trace_nflog_event ev;
	struct trace_event tev;
	struct trace_hdr h;
	struct trace_step *s;
	struct trace_packet *p;
	struct tpath *tp;
	uint64_t now = trace_state_now(st);
	int r = trace_nflog_parse(nlh, &ev);

	if (r < 0) {
		st->bad++;
		return -1;
	}
	if (r == 0)
		return 0;
	if (ev.has_seq) {
		if (st->nflog_seq_known && ev.seq > st->nflog_seq + 1)
			st->legacy_lost += ev.seq - st->nflog_seq - 1;
		st->nflog_seq_known = true;
		st->nflog_seq = ev.seq;
	}
	trace_event_hdr_from_packet(ev.payload, ev.plen, &h);
	tp = find_for_legacy(st, &ev, &h, now);
	if (!tp)
		tp = trace_path_new(st, now);
	tp->p.t_last_ns = now;
	trace_path_set_hooks(tp, rs, h.valid ? h.nfproto : tp->p.pkt.nfproto, ev.family);
	if (ev.hook >= 0) {
		/* Where the packet is now, for "can another chain still see it";
		 * tp->hook stays nf_tables' (their trace ids join by it). */
		const struct snap_chain *base = legacy_base(rs, &ev);

		tp->legacy_hook = ev.hook;
		tp->base_legacy = true;
		tp->base_family = ev.family;
		tp->base_prio_known = base != NULL;
		tp->base_prio = base ? base->prio : 0;
		free(tp->base_table);
		free(tp->base_chain);
		tp->base_table = xstrdup(ev.table);
		tp->base_chain = xstrdup(base ? base->name : snapshot_hook_ipt_name(ev.hook));
		trace_path_visit(tp, ev.family, tp->base_table, tp->base_chain, true);
	}

	/* What a trace event would carry about the packet. */
	memset(&tev, 0, sizeof(tev));
	tev.has_iif = ev.has_iif;
	tev.iif = ev.iif;
	tev.has_oif = ev.has_oif;
	tev.oif = ev.oif;
	tev.has_mark = ev.has_mark;
	tev.mark = ev.mark;
	tev.ct = ev.ct;
	trace_path_update(st, tp, &tev, &h);

	p = &tp->p;
	p->steps = xreallocarray(p->steps, p->nsteps + 1, sizeof(*p->steps));
	s = &p->steps[p->nsteps++];
	trace_nflog_step(rs, &ev, s);
	s->t_ns = now;
	if (h.valid)
		s->hdr = h;
	{
		int32_t v = trace_step_final(s);

		if (trace_verdict_is(v, NF_DROP) || trace_verdict_is(v, NF_STOLEN)) {
			tp->done = true;
		} else if (trace_verdict_is(v, NF_ACCEPT) && ev.hook >= 0) {
			int nft_hook = tp->hook;

			tp->hook = ev.hook;
			if (!trace_path_more_chains(st, tp, rs))
				tp->done = true;
			tp->hook = nft_hook;
		}
	}
	return trace_path_fed(st, tp, now);
}
