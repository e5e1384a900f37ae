/*
 * trace-path.c - nf_tables trace events (NFT_MSG_TRACE, parsed by
 * trace-event.c) tied together into one path per packet: steps with hooks
 * and rule text, route, NAT, conntrack; and when a packet is done. Pure:
 * messages come in as bytes (live socket or recording); nothing here opens
 * a socket or installs a rule (collect-trace.c), nor formats
 * (trace-text.c). trace-feed.c hands it the NFT_MSG_TRACE messages;
 * legacy nfnetlink_log hops are joined in trace-path-legacy.c (which
 * uses this file's path helpers), a finished path is completed
 * (verdict, route, NAT, reply link, notes) in trace-complete.c, the
 * state and its ring are trace-state.c's. Calls go one way: trace-feed
 * -> trace-path-legacy -> trace-path -> trace-complete -> trace-state.
 *
 * Correlation, and the kernel quirks behind it:
 * - the trace id is the same for the events of one packet only while its
 *   skb->hash is unchanged: on 6.18 a forwarded packet gets a new id
 *   between prerouting and forward (the hash is computed by then). Events
 *   with a known id join their packet; a new id that starts at a later hook
 *   joins the open packet with the same conntrack id and direction (or,
 *   without conntrack info, the same addresses/ports seen within 50 ms);
 * - the first event of each base chain invocation carries the headers
 *   (and the ct info); an id seen again entering a base chain the packet
 *   already went through is a new packet (skb addresses are recycled);
 * - a RULE event without a handle means "fell off the end of the rule
 *   list"; in a base chain the POLICY event follows and replaces it.
 * A packet is complete when it is dropped, when it is accepted and no base
 * chain can see it later (by the snapshot's hooks and priorities; nat
 * chains only see a connection's first packet), or after 200 ms without
 * events.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "snapshot.h"
#include "trace.h"
#include "trace-int.h"


#define LINGER_NS (100ull * 1000000ull)
#define MAX_OPEN 256

/* ---- hooks and the snapshot ---------------------------------------------- */

static int hook_from_name(const char *name)
{
	static const struct {
		const char *name;
		int hook;
	} names[] = {
		{ "PREROUTING", NF_INET_PRE_ROUTING }, { "prerouting", NF_INET_PRE_ROUTING },
		{ "pre", NF_INET_PRE_ROUTING }, { "INPUT", NF_INET_LOCAL_IN }, { "input", NF_INET_LOCAL_IN },
		{ "FORWARD", NF_INET_FORWARD }, { "forward", NF_INET_FORWARD }, { "fwd", NF_INET_FORWARD },
		{ "OUTPUT", NF_INET_LOCAL_OUT }, { "output", NF_INET_LOCAL_OUT }, { "out", NF_INET_LOCAL_OUT },
		{ "POSTROUTING", NF_INET_POST_ROUTING }, { "postrouting", NF_INET_POST_ROUTING },
		{ "post", NF_INET_POST_ROUTING },
		/* the tracer's reply-marking and late chains (collect-trace.c) */
		{ "reply-pre", NF_INET_PRE_ROUTING }, { "reply-out", NF_INET_LOCAL_OUT },
		{ "late-in", NF_INET_LOCAL_IN }, { "late-fwd", NF_INET_FORWARD },
		{ "late-out", NF_INET_LOCAL_OUT }, { "late-post", NF_INET_POST_ROUTING },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].hook;
	return -1;
}

static const struct snap_chain *find_chain(const struct snap_ruleset *rs, const struct trace_event *ev)
{
	if (!rs)
		return NULL;
	return snapshot_find_chain(rs, ev->family, ev->table, ev->chain);
}

/* Is the event's chain a base chain, and at which hook? -1: not base or
 * unknown. Without a snapshot, chain names decide (iptables and the
 * tracer name base chains after their hook). */
static int event_base_hook(const struct trace_state *st, const struct snap_ruleset *rs,
			   const struct trace_event *ev, int32_t *prio, bool *prio_known)
{
	const struct snap_chain *ch = find_chain(rs, ev);

	*prio_known = false;
	if (ch) {
		if (!ch->base)
			return -1;
		*prio = ch->prio;
		*prio_known = true;
		return ch->hook;
	}
	if (strcmp(ev->table, st->own_table) == 0 || !rs || !snapshot_find_table(rs, ev->family, ev->table))
		return hook_from_name(ev->chain);
	return -1;
}

enum own_kind {
	OWN_NONE,                 /* a user's chain */
	OWN_MARK,                 /* the tracer's marking chain: a packet's path starts */
	OWN_REPLY,                /* its reply-marking chain (after conntrack) */
	OWN_LATE,                 /* its late chain: final addresses and ct */
};

static enum own_kind own_kind(const struct trace_state *st, const struct trace_event *ev)
{
	if (!st->own_table[0] || strcmp(ev->table, st->own_table) != 0)
		return OWN_NONE;
	if (strncmp(ev->chain, "late-", 5) == 0)
		return OWN_LATE;
	if (strncmp(ev->chain, "reply-", 6) == 0)
		return OWN_REPLY;
	return OWN_MARK;
}

static unsigned int *own_mask(struct tpath *tp, enum own_kind k)
{
	return k == OWN_LATE ? &tp->own_late_hooks : k == OWN_REPLY ? &tp->own_reply_hooks : &tp->own_hooks;
}

/* ---- open paths ----------------------------------------------------------- */

static bool path_has_id(const struct tpath *tp, uint32_t id)
{
	size_t i;

	for (i = 0; i < tp->nids; i++)
		if (tp->ids[i] == id)
			return true;
	return false;
}

static void path_add_id(struct tpath *tp, uint32_t id)
{
	if (path_has_id(tp, id))
		return;
	if (tp->nids == ARRAY_SIZE(tp->ids)) {
		memmove(tp->ids, tp->ids + 1, sizeof(tp->ids) - sizeof(tp->ids[0]));
		tp->nids--;
	}
	tp->ids[tp->nids++] = id;
}

static struct tpath *find_by_id(struct trace_state *st, uint32_t id)
{
	size_t i;

	for (i = st->nopen; i-- > 0;)
		if (path_has_id(st->open[i], id))
			return st->open[i];
	return NULL;
}

bool trace_path_hdr_compatible(const struct trace_hdr *a, const struct trace_hdr *b)
{
	bool same_src, same_dst;

	if (!a->valid || !b->valid || a->nfproto != b->nfproto || a->proto != b->proto)
		return false;
	if (a->has_icmp_id && b->has_icmp_id && a->icmp_id != b->icmp_id)
		return false;
	same_src = strcmp(a->src, b->src) == 0 && (!a->has_ports || a->sport == b->sport);
	same_dst = strcmp(a->dst, b->dst) == 0 && (!a->has_ports || a->dport == b->dport);
	/* DNAT changes the destination, SNAT the source (after the last hook):
	 * one side staying put is enough within the short join window. */
	return same_src || same_dst;
}

/* A new trace id at a later hook: find the packet it continues. */
static struct tpath *find_continuation(struct trace_state *st, const struct trace_event *ev,
				       const struct trace_hdr *h, int hook, uint64_t now)
{
	size_t i;

	if (hook < 0 || trace_hook_stage(hook) <= 1)
		return NULL;
	for (i = st->nopen; i-- > 0;) {
		struct tpath *tp = st->open[i];

		if (tp->done || tp->hook < 0 || trace_hook_stage(tp->hook) >= trace_hook_stage(hook))
			continue;
		if (ev->ct.has_id && tp->p.ct.has_id) {
			if (tp->p.ct.id == ev->ct.id && tp->p.ct.dir == ev->ct.dir)
				return tp;
			continue;
		}
		if (now - tp->p.t_last_ns <= TRACE_JOIN_WINDOW_NS &&
		    trace_path_hdr_compatible(&tp->p.last, h))
			return tp;
	}
	return NULL;
}

/* The same packet, seen again on its way back in through lo: it left
 * through lo at postrouting and now enters prerouting from lo with the
 * headers it left with. */
static bool is_loop(const struct tpath *tp, const struct trace_event *ev, const struct trace_hdr *h, int hook)
{
	const struct trace_hdr *l = &tp->p.last;

	if (hook != NF_INET_PRE_ROUTING || tp->hook != NF_INET_POST_ROUTING || !ev->has_iif ||
	    ev->iif != TRACE_LOOPBACK_IFINDEX || tp->last_oif != TRACE_LOOPBACK_IFINDEX || !h->valid || !l->valid)
		return false;
	return l->nfproto == h->nfproto && l->proto == h->proto && strcmp(l->src, h->src) == 0 &&
	       strcmp(l->dst, h->dst) == 0 && l->has_ipid == h->has_ipid && l->ipid == h->ipid &&
	       l->has_seq == h->has_seq && l->seq == h->seq && l->sport == h->sport && l->dport == h->dport;
}

static struct tpath *find_loop(struct trace_state *st, const struct trace_event *ev, const struct trace_hdr *h,
			       int hook)
{
	size_t i;

	for (i = st->nopen; i-- > 0;)
		if (is_loop(st->open[i], ev, h, hook))
			return st->open[i];
	return NULL;
}

/* Back in through lo: the path goes on from prerouting. */
static void loop_back(struct tpath *tp)
{
	tp->done = false;
	tp->linger_until = 0;
	tp->loop_pending = true;
	tp->p.looped = true;
}

struct tpath *trace_path_new(struct trace_state *st, uint64_t now)
{
	struct tpath *tp;

	if (st->nopen >= MAX_OPEN)
		trace_complete_at(st, 0);
	tp = xcalloc(1, sizeof(*tp));
	tp->p.id = st->next_id++;
	tp->p.t_first_ns = tp->p.t_last_ns = now;
	tp->p.wall = st->wall > 0 ? st->wall : time_wall();
	tp->p.verdict = -1;
	tp->p.verdict_step = -1;
	tp->p.from_forward_hook = st->forward_start;
	tp->hook = -1;
	tp->legacy_hook = -1;
	strbuf_init(&tp->visited);
	st->open = xreallocarray(st->open, st->nopen + 1, sizeof(*st->open));
	st->open[st->nopen++] = tp;
	return tp;
}

/* ---- the chains ahead ----------------------------------------------------- */

static bool chain_is_nat(const struct snap_chain *ch)
{
	return ch->type && strcmp(ch->type, "nat") == 0;
}

static bool chain_is_legacy(const struct snap_chain *ch)
{
	return ch->legacy;
}

/* Hooks (bit mask) where a base chain of a kind (nat, legacy) would see a
 * packet of nfproto. */
static unsigned int ruleset_hooks(const struct snap_ruleset *rs, uint8_t nfproto,
				  bool (*kind)(const struct snap_chain *))
{
	unsigned int m = 0;
	size_t i;

	if (!rs)
		return 0;
	for (i = 0; i < rs->nchains; i++) {
		const struct snap_chain *ch = &rs->chains[i];

		if (!ch->base || !kind(ch) || ch->hook < 0 || ch->hook >= 32)
			continue;
		if (ch->family == NFPROTO_INET || !nfproto || ch->family == nfproto)
			m |= 1u << ch->hook;
	}
	return m;
}

void trace_path_set_hooks(struct tpath *tp, const struct snap_ruleset *rs, uint8_t nat_nfproto,
			  uint8_t legacy_nfproto)
{
	if (!rs)
		return;
	tp->nat_hooks = ruleset_hooks(rs, nat_nfproto, chain_is_nat);
	tp->legacy_hooks = ruleset_hooks(rs, legacy_nfproto, chain_is_legacy);
}

/* Base chains a packet entered: visited holds "\nkey\nkey\n", a key
 * being "family|table|chain" (legacy ones end in "|L"). */
static void visited_key(struct strbuf *sb, uint8_t family, const char *table, const char *chain, bool legacy)
{
	strbuf_addf(sb, "%u|%s|%s%s\n", family, table, chain, legacy ? "|L" : "");
}

static bool visited_has(const struct tpath *tp, uint8_t family, const char *table, const char *chain,
			bool legacy)
{
	struct strbuf k;
	bool r;

	if (!tp->visited.s)
		return false;
	strbuf_init(&k);
	strbuf_addc(&k, '\n');
	visited_key(&k, family, table, chain, legacy);
	r = strstr(tp->visited.s, k.s) != NULL;
	strbuf_free(&k);
	return r;
}

void trace_path_visit(struct tpath *tp, uint8_t family, const char *table, const char *chain, bool legacy)
{
	if (visited_has(tp, family, table, chain, legacy))
		return;
	if (!tp->visited.len)
		strbuf_addc(&tp->visited, '\n');
	visited_key(&tp->visited, family, table, chain, legacy);
}

/* Could a base chain still see this packet after an accept in the current
 * base chain? Unknown (no snapshot) counts as yes: the settle time ends it. */
bool trace_path_more_chains(const struct trace_state *st, const struct tpath *tp,
			    const struct snap_ruleset *rs)
{
	const struct trace_packet *p = &tp->p;
	uint8_t nfproto = p->pkt.valid ? p->pkt.nfproto : 0;
	bool skip_nat = p->ct.valid && !(p->ct.state & TRACE_CT_STATE_NEW);
	size_t i;

	if (!rs || tp->hook < 0 || !tp->base_prio_known)
		return true;
	for (i = 0; i < rs->nchains; i++) {
		const struct snap_chain *ch = &rs->chains[i];
		bool later;

		if (!ch->base || !ch->instantiated)
			continue;
		if (strcmp(ch->table, st->own_table) == 0)
			continue;
		if (ch->family != NFPROTO_INET && nfproto && ch->family != nfproto)
			continue;
		if (ch->family != NFPROTO_INET && ch->family != NFPROTO_IPV4 && ch->family != NFPROTO_IPV6)
			continue;
		if (skip_nat && ch->type && strcmp(ch->type, "nat") == 0)
			continue;
		if (ch->hook == tp->hook && visited_has(tp, ch->family, ch->table, ch->name, ch->legacy))
			continue; /* it already ran (legacy hops show the order at equal priority) */
		switch (tp->hook) {
		case NF_INET_PRE_ROUTING:
			later = ch->hook == NF_INET_LOCAL_IN || ch->hook == NF_INET_FORWARD ||
				ch->hook == NF_INET_POST_ROUTING;
			break;
		case NF_INET_FORWARD:
		case NF_INET_LOCAL_OUT:
			later = ch->hook == NF_INET_POST_ROUTING;
			break;
		default:
			later = false;
		}
		if (ch->hook == tp->hook) {
			if (ch->prio > tp->base_prio)
				later = true;
			else if (ch->prio == tp->base_prio &&
				 !(ch->family == tp->base_family && ch->legacy == tp->base_legacy && tp->base_table &&
				   tp->base_chain && strcmp(ch->table, tp->base_table) == 0 &&
				   strcmp(ch->name, tp->base_chain) == 0))
				later = true; /* same priority: order unknown */
		}
		if (later)
			return true;
	}
	return false;
}

/* ---- feeding -------------------------------------------------------------- */

static char *rule_text(const struct snap_ruleset *rs, const struct trace_event *ev)
{
	const struct snap_chain *ch = find_chain(rs, ev);
	size_t i;

	if (!ch || !ev->has_handle)
		return NULL;
	for (i = 0; i < ch->nrules; i++)
		if (ch->rules[i].handle == ev->handle)
			return ch->rules[i].text ? xstrdup(ch->rules[i].text) : NULL;
	return NULL;
}

static bool path_visited(const struct tpath *tp, const struct trace_event *ev)
{
	return visited_has(tp, ev->family, ev->table, ev->chain, false);
}

void trace_path_update(struct trace_state *st, struct tpath *tp, const struct trace_event *ev,
		       const struct trace_hdr *h)
{
	struct trace_packet *p = &tp->p;
	char buf[TRACE_IFNAMSIZ + 8];

	if (h->valid) {
		if (!p->pkt.valid)
			p->pkt = *h;
		p->last = *h;
	}
	if (ev->has_iif && ev->iif && !p->iif[0])
		snprintf(p->iif, sizeof(p->iif), "%s", st->ifname(ev->iif, buf, st->ifname_arg));
	if (ev->has_oif && ev->oif) {
		const char *name = st->ifname(ev->oif, buf, st->ifname_arg);

		/* Re-routed after an earlier event (nat OUTPUT DNAT, a mark). */
		if (p->oif[0] && strcmp(p->oif, name) != 0 && !tp->loop_pending && !p->looped)
			snprintf(p->oif_before, sizeof(p->oif_before), "%s", p->oif);
		snprintf(p->oif, sizeof(p->oif), "%s", name);
		tp->last_oif = ev->oif;
	}
	if (ev->has_mark) {
		p->has_mark = true;
		p->mark = ev->mark;
	}
	/* A CT target (zones, helpers) hangs a template on the packet before
	 * conntrack: its id, state (always new) and direction are not the
	 * connection's. */
	if (ev->ct.valid && !(ev->ct.has_id && (ev->ct.status & TRACE_CT_STATUS_TEMPLATE))) {
		bool changed = p->ct.has_id != ev->ct.has_id || p->ct.id != ev->ct.id || p->ct.dir != ev->ct.dir;

		p->ct = ev->ct;
		p->ct_new = (ev->ct.state & TRACE_CT_STATE_NEW) != 0;
		if (changed && p->ct.has_id)
			trace_complete_link_reply(st, tp);
	}
}

/* After an event joined tp: count it, complete what is done (or let an
 * accepted original wait for its reply), expire the quiet; packets
 * completed. */
int trace_path_fed(struct trace_state *st, struct tpath *tp, uint64_t now)
{
	int n;

	st->events++;
	tp->touch = st->events;
	if (tp->done && !tp->linger_until) {
		const struct trace_packet *p = &tp->p;
		int32_t v = p->nsteps ? trace_step_final(&p->steps[p->nsteps - 1]) : -1;
		bool dropped = trace_verdict_is(v, NF_DROP) || trace_verdict_is(v, NF_STOLEN);

		/* An accepted original-direction packet waits a little for its
		 * reply, so both carry the link (and the SNAT address the reply
		 * reveals) when they are printed. */
		if (tp->last_oif == TRACE_LOOPBACK_IFINDEX && tp->hook == NF_INET_POST_ROUTING && !dropped)
			tp->linger_until = now + LINGER_NS; /* it may come back in through lo */
		else if (dropped || !p->ct.has_id || p->ct.dir != 0 || p->reply)
			trace_complete_path(st, tp);
		else
			tp->linger_until = now + LINGER_NS;
	}
	trace_complete_expire(st, now);
	n = st->completed;
	st->completed = 0;
	return n;
}

int trace_path_feed(struct trace_state *st, const struct nlmsghdr *nlh, const struct snap_ruleset *rs)
{
	struct trace_event ev;
	struct trace_hdr h;
	struct tpath *tp;
	uint64_t now = trace_state_now(st);
	int32_t prio = 0;
	bool prio_known = false, own;
	enum own_kind kind;
	int hook;

	if (trace_event_parse(nlh, &ev) < 0) {
		st->bad++;
		return -1;
	}
	/* iptop's other tables (inet iptop_observe, at the first priority,
	 * counting packets) are not part of the user's path. */
	if (strncmp(ev.table, "iptop_", 6) == 0 && strcmp(ev.table, st->own_table) != 0 && ev.family == NFPROTO_INET)
		return 0;
	trace_event_hdr(&ev, &h);
	kind = own_kind(st, &ev);
	own = kind != OWN_NONE;
	hook = event_base_hook(st, rs, &ev, &prio, &prio_known);

	tp = find_by_id(st, ev.id);
	if (tp && h.valid && hook >= 0) {
		/* Entering a base chain: same packet unless it already went through
		 * this chain or an earlier stage (then the id was recycled), or it
		 * looped back in through lo. */
		bool again = own ? (*own_mask(tp, kind) & (1u << hook)) != 0 : path_visited(tp, &ev);

		if (is_loop(tp, &ev, &h, hook)) {
			loop_back(tp);
		} else if (again || (tp->hook >= 0 && trace_hook_stage(hook) < trace_hook_stage(tp->hook))) {
			trace_complete_path(st, tp);
			tp = NULL;
		}
	}
	if (!tp && h.valid && (tp = find_loop(st, &ev, &h, hook)))
		loop_back(tp);
	if (!tp && kind != OWN_MARK && kind != OWN_REPLY && h.valid)
		tp = find_continuation(st, &ev, &h, hook, now);
	if (!tp && kind == OWN_LATE) {
		/* The late chain of a packet already complete (or never seen):
		 * nothing to add, and no path of its own. */
		int n = st->completed;

		st->completed = 0;
		return n;
	}
	if (!tp)
		tp = trace_path_new(st, now);
	path_add_id(tp, ev.id);
	tp->p.t_last_ns = now;
	if (rs) {
		uint8_t nfproto = h.valid ? h.nfproto : tp->p.pkt.nfproto;

		trace_path_set_hooks(tp, rs, nfproto, nfproto);
	}
	if (hook >= 0) {
		tp->hook = hook;
		if (!own) {
			tp->base_legacy = false;
			tp->base_prio = prio;
			tp->base_prio_known = prio_known;
			tp->base_family = ev.family;
			free(tp->base_table);
			free(tp->base_chain);
			tp->base_table = xstrdup(ev.table);
			tp->base_chain = xstrdup(ev.chain);
			if (h.valid)
				trace_path_visit(tp, ev.family, ev.table, ev.chain, false);
		} else if (hook < 32) {
			*own_mask(tp, kind) |= 1u << hook;
		}
	}
	trace_path_update(st, tp, &ev, &h);
	if (kind == OWN_LATE && (hook == NF_INET_LOCAL_IN || hook == NF_INET_POST_ROUTING) &&
	    ev.type == NFT_TRACETYPE_POLICY) {
		/* Past every chain of this hook but those after +300. */
		tp->base_prio = prio_known ? prio : 300;
		tp->base_prio_known = true;
		if (!rs || !trace_path_more_chains(st, tp, rs))
			tp->done = true;
	}
	trace_path_update(st, tp, &ev, &h);
	if (own)
		goto out;

	{
		struct trace_packet *p = &tp->p;
		struct trace_step *s;
		bool merged = false;

		if (ev.type == NFT_TRACETYPE_POLICY && p->nsteps) {
			s = &p->steps[p->nsteps - 1];
			if (!s->legacy && s->type != TRACE_STEP_POLICY && s->handle == 0 && s->family == ev.family &&
			    strcmp(s->table, ev.table) == 0 && strcmp(s->chain, ev.chain) == 0)
				merged = true;
		}
		if (!merged) {
			p->steps = xreallocarray(p->steps, p->nsteps + 1, sizeof(*p->steps));
			s = &p->steps[p->nsteps++];
			memset(s, 0, sizeof(*s));
			s->table = xstrdup(ev.table);
			s->chain = xstrdup(ev.chain);
			s->family = ev.family;
			s->loop = tp->loop_pending;
			tp->loop_pending = false;
		}
		s->hook = tp->hook;
		s->handle = ev.has_handle ? ev.handle : 0;
		s->type = ev.type == NFT_TRACETYPE_POLICY ? TRACE_STEP_POLICY
			: ev.type == NFT_TRACETYPE_RETURN ? TRACE_STEP_RETURN : TRACE_STEP_RULE;
		s->verdict = ev.has_verdict ? ev.verdict : NFT_CONTINUE;
		/* The kernel reports the end of a regular chain as a rule event
		 * without a handle that continues: the chain returns. */
		if (s->type == TRACE_STEP_RULE && !ev.has_handle && s->verdict == NFT_CONTINUE && hook < 0)
			s->type = TRACE_STEP_RETURN;
		free(s->target);
		s->target = ev.target[0] ? xstrdup(ev.target) : NULL;
		s->policy = ev.has_policy ? (int)ev.policy : (ev.has_verdict ? ev.verdict : NF_ACCEPT);
		if (s->type == TRACE_STEP_POLICY)
			s->verdict = s->policy;
		free(s->rule);
		s->rule = rule_text(rs, &ev);
		s->trace_id = ev.id;
		{
			const struct snap_chain *ch = find_chain(rs, &ev);

			s->nat_chain = ch ? (ch->type && strcmp(ch->type, "nat") == 0)
					  : strcmp(ev.table, "nat") == 0;
		}
		s->t_ns = now;
		if (h.valid)
			s->hdr = h;

		{
			int32_t v = trace_step_final(s);

			if (trace_verdict_is(v, NF_DROP) || trace_verdict_is(v, NF_STOLEN))
				tp->done = true;
			else if (trace_verdict_is(v, NF_ACCEPT) && !st->late && !trace_path_more_chains(st, tp, rs))
				tp->done = true; /* with late chains, their event ends it */
		}
	}
out:
	return trace_path_fed(st, tp, now);
}
