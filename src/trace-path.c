/*
 * trace-path.c - nf_tables trace events (NFT_MSG_TRACE, parsed by
 * trace-event.c) tied together into one path per packet: steps with hooks
 * and rule text, route, NAT, conntrack, the final verdict, the link between
 * a packet and its reply; and the bounded list of completed packets. Pure:
 * messages come in as bytes (live socket or recording); nothing here opens
 * a socket or installs a rule (collect-trace.c), nor formats (trace-text.c).
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
 *
 * Legacy hops (iptables-legacy rules, nfnetlink_log "TRACE:" messages
 * parsed by trace-nflog.c) carry no trace id. The live session reads them
 * from the same socket as the nf_tables events, so they come in the order
 * the kernel ran the chains; a hop joins the open packet whose headers it
 * shows (IPv4 id, TCP seq/ack, ICMP echo id and sequence, addresses with
 * one side allowed to change by NAT; conntrack id when the kernel sends
 * one), at the same or a later hook stage, the most recently active one
 * when several fit.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "iptop.h"
#include "snapshot.h"
#include "trace.h"
#include "trace-int.h"

#define CT_STATE_NEW 0x8
#define CT_STATUS_SRC_NAT 0x10
#define CT_STATUS_DST_NAT 0x20

#define SETTLE_NS (200ull * 1000000ull)
#define LINGER_NS (100ull * 1000000ull)
#define JOIN_WINDOW_NS (50ull * 1000000ull)
#define MAX_OPEN 256
#define DEFAULT_LIMIT 200

/* ---- state -------------------------------------------------------------- */

struct tpath {
	struct trace_packet p;
	uint32_t ids[8];          /* trace ids seen, most recent last */
	size_t nids;
	int hook;                 /* current hook, -1 unknown */
	int32_t base_prio;        /* priority of the current base chain */
	bool base_prio_known;
	uint8_t base_family;
	char *base_table, *base_chain;
	struct strbuf visited;    /* "family|table|chain\n" base chains entered */
	unsigned int own_hooks;   /* hooks where the tracer's own chain was seen */
	bool done;                /* terminal verdict seen */
	uint64_t linger_until;    /* done, waiting for its reply to link until then */
	unsigned int nat_hooks;   /* hooks with a nat base chain for this packet's family */
	unsigned int legacy_hooks;/* hooks with an iptables-legacy base chain (family) */
	bool base_legacy;         /* the current base chain is a legacy one */
	int legacy_hook;          /* hook of the last legacy hop, -1 none */
	uint64_t touch;           /* st->events when it last had an event */
};

struct trace_state {
	struct tpath **open;
	size_t nopen;
	struct trace_packet **ring;
	size_t limit, count, head;    /* ring: count items from head */
	uint64_t next_id;
	uint64_t total;
	uint64_t bad;
	uint64_t clock_ns;
	double wall;              /* wall clock of the next messages, 0: now */
	char *own_table;
	bool forward_start;
	bool legacy_untraced;     /* note legacy chains on the way as not traced */
	char *notice;
	uint64_t events;          /* messages fed (orders paths by activity) */
	bool nflog_seq_known;
	uint32_t nflog_seq;       /* last NFULA_SEQ seen */
	uint64_t legacy_lost;
	const char *(*ifname)(uint32_t, char *, void *);
	void *ifname_arg;
	int completed;            /* completed during the current call */
};

static const char *default_ifname(uint32_t idx, char *buf, void *arg)
{
	if (idx && if_indextoname(idx, buf))
		return buf;
	snprintf(buf, TRACE_IFNAMSIZ + 8, "if#%u", idx);
	return buf;
}

struct trace_state *trace_state_new(void)
{
	struct trace_state *st = xcalloc(1, sizeof(*st));

	st->limit = DEFAULT_LIMIT;
	st->ring = xcalloc(st->limit, sizeof(*st->ring));
	st->next_id = 1;
	st->own_table = xstrdup("iptop_trace");
	st->ifname = default_ifname;
	return st;
}

static void packet_free(struct trace_packet *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nsteps; i++) {
		free(p->steps[i].table);
		free(p->steps[i].chain);
		free(p->steps[i].target);
		free(p->steps[i].rule);
	}
	free(p->steps);
	free(p->note);
}

static void tpath_free(struct tpath *tp)
{
	packet_free(&tp->p);
	free(tp->base_table);
	free(tp->base_chain);
	strbuf_free(&tp->visited);
	free(tp);
}

void trace_state_free(struct trace_state *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nopen; i++)
		tpath_free(st->open[i]);
	free(st->open);
	for (i = 0; i < st->count; i++) {
		struct trace_packet *p = st->ring[(st->head + i) % st->limit];

		packet_free(p);
		free(p);
	}
	free(st->ring);
	free(st->own_table);
	free(st->notice);
	free(st);
}

void trace_state_set_limit(struct trace_state *st, size_t max)
{
	struct trace_packet **ring;
	size_t i, keep;

	if (max < 1)
		max = 1;
	keep = st->count < max ? st->count : max;
	ring = xcalloc(max, sizeof(*ring));
	for (i = 0; i < st->count; i++) {
		struct trace_packet *p = st->ring[(st->head + i) % st->limit];

		if (i < st->count - keep) {
			packet_free(p);
			free(p);
		} else {
			ring[i - (st->count - keep)] = p;
		}
	}
	free(st->ring);
	st->ring = ring;
	st->limit = max;
	st->count = keep;
	st->head = 0;
}

void trace_state_set_clock(struct trace_state *st, uint64_t now_ns)
{
	st->clock_ns = now_ns;
}

void trace_state_set_wall(struct trace_state *st, double wall)
{
	st->wall = wall;
}

void trace_state_set_ifname(struct trace_state *st, const char *(*fn)(uint32_t, char *, void *), void *arg)
{
	st->ifname = fn ? fn : default_ifname;
	st->ifname_arg = arg;
}

void trace_state_set_own_table(struct trace_state *st, const char *name)
{
	free(st->own_table);
	st->own_table = xstrdup(name ? name : "");
}

void trace_state_set_forward_start(struct trace_state *st, bool on)
{
	st->forward_start = on;
}

void trace_state_set_legacy_untraced(struct trace_state *st, bool on)
{
	st->legacy_untraced = on;
}

uint64_t trace_state_legacy_lost(const struct trace_state *st)
{
	return st->legacy_lost;
}

void trace_state_set_notice(struct trace_state *st, const char *text)
{
	free(st->notice);
	st->notice = text && *text ? xstrdup(text) : NULL;
}

const char *trace_state_notice(const struct trace_state *st)
{
	return st->notice;
}

static uint64_t now_of(const struct trace_state *st)
{
	return st->clock_ns ? st->clock_ns : time_mono_ns();
}

size_t trace_state_count(const struct trace_state *st)
{
	return st->count;
}

const struct trace_packet *trace_state_packet(const struct trace_state *st, size_t i)
{
	if (i >= st->count)
		return NULL;
	return st->ring[(st->head + i) % st->limit];
}

const struct trace_packet *trace_state_find(const struct trace_state *st, uint64_t id)
{
	size_t i;

	for (i = st->count; i-- > 0;) {
		const struct trace_packet *p = st->ring[(st->head + i) % st->limit];

		if (p->id == id)
			return p;
	}
	return NULL;
}

uint64_t trace_state_total(const struct trace_state *st)
{
	return st->total;
}

uint64_t trace_state_bad(const struct trace_state *st)
{
	return st->bad;
}

/* ---- hooks and the snapshot ---------------------------------------------- */

/* Stage of a hook: a packet only moves to a later stage. */
static int hook_stage(int hook)
{
	switch (hook) {
	case NF_INET_PRE_ROUTING:
	case NF_INET_LOCAL_OUT:
		return 1;
	case NF_INET_LOCAL_IN:
	case NF_INET_FORWARD:
		return 2;
	case NF_INET_POST_ROUTING:
		return 3;
	}
	return 0;
}

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

static bool is_own(const struct trace_state *st, const struct trace_event *ev)
{
	return st->own_table[0] && strcmp(ev->table, st->own_table) == 0;
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

static bool hdr_compatible(const struct trace_hdr *a, const struct trace_hdr *b)
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

	if (hook < 0 || hook_stage(hook) <= 1)
		return NULL;
	for (i = st->nopen; i-- > 0;) {
		struct tpath *tp = st->open[i];

		if (tp->done || tp->hook < 0 || hook_stage(tp->hook) >= hook_stage(hook))
			continue;
		if (ev->ct.has_id && tp->p.ct.has_id) {
			if (tp->p.ct.id == ev->ct.id && tp->p.ct.dir == ev->ct.dir)
				return tp;
			continue;
		}
		if (now - tp->p.t_last_ns <= JOIN_WINDOW_NS && hdr_compatible(&tp->p.last, h))
			return tp;
	}
	return NULL;
}

static struct tpath *path_new(struct trace_state *st, uint64_t now)
{
	struct tpath *tp = xcalloc(1, sizeof(*tp));

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

/* ---- completion ----------------------------------------------------------- */

static bool verdict_is(int32_t v, int code)
{
	return v >= 0 && (v & NF_VERDICT_MASK) == code;
}

static int32_t step_final(const struct trace_step *s)
{
	if (s->type == TRACE_STEP_POLICY)
		return s->policy;
	return s->verdict;
}

static bool path_has_nat_step(const struct trace_packet *p)
{
	size_t i;

	for (i = 0; i < p->nsteps; i++)
		if (p->steps[i].nat_chain)
			return true;
	return false;
}

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
static void note_legacy_untraced(const struct tpath *tp, struct trace_packet *p)
{
	unsigned int hooks = tp->own_hooks, hit;
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
	if (verdict_is(p->verdict, NF_DROP) && p->verdict_step >= 0) {
		/* Nothing after the dropping hook saw it. */
		int dh = p->steps[p->verdict_step].hook;

		if (dh >= 0 && hook_stage(dh) < 3)
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

static void complete_at(struct trace_state *st, size_t idx);

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
 * original as it arrived. */
static void infer_reply_denat(struct trace_packet *reply, const struct trace_packet *orig)
{
	bool ports = orig->pkt.has_ports && reply->pkt.has_ports;

	if (reply->nat_src || !orig->nat_dst || !reply->pkt.valid || !orig->pkt.valid)
		return;
	if (strcmp(reply->pkt.src, orig->nat_dst_to) != 0 || (ports && reply->pkt.sport != orig->nat_dport_to))
		return;
	reply->nat_src = true;
	snprintf(reply->nat_src_to, sizeof(reply->nat_src_to), "%s", orig->pkt.dst);
	reply->nat_sport_to = ports ? orig->pkt.dport : 0;
}

/* A reply (ct direction 1): link it with the original-direction packet of
 * the same connection (newest first). */
static void link_reply(struct trace_state *st, struct tpath *tp)
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
			complete_at(st, i);
			break;
		}
}

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
	if (tp->own_hooks & (1u << NF_INET_LOCAL_OUT))
		out = true;
	if (tp->own_hooks & (1u << NF_INET_PRE_ROUTING))
		pre = true;
	if (tp->own_hooks & (1u << NF_INET_FORWARD))
		fwd = true;
	p->local_out = out && !pre;

	/* The final verdict: the first drop ends the packet; otherwise the last
	 * accept (a later base chain could still have dropped it). */
	p->verdict = -1;
	p->verdict_step = -1;
	for (i = 0; i < p->nsteps; i++) {
		int32_t v = step_final(&p->steps[i]);

		if (verdict_is(v, NF_DROP) || verdict_is(v, NF_STOLEN) || verdict_is(v, NF_QUEUE)) {
			p->verdict = v;
			p->verdict_step = (int)i;
			break;
		}
		if (verdict_is(v, NF_ACCEPT)) {
			p->verdict = v;
			p->verdict_step = (int)i;
		}
	}

	if (in)
		p->route = TRACE_ROUTE_INPUT;
	else if (fwd || (pre && post))
		p->route = TRACE_ROUTE_FORWARD;
	else if (p->local_out)
		p->route = TRACE_ROUTE_OUTPUT;
	else if (pre && verdict_is(p->verdict, NF_DROP))
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
	    !verdict_is(p->verdict, NF_DROP))
		p->snat_pending = true;
	if (p->reply) {
		struct trace_packet *r = find_packet_any(st, p->reply);

		if (r)
			infer_snat(p, r);
	}
	if (p->reply_of) {
		const struct trace_packet *o = find_packet_any(st, p->reply_of);

		if (o)
			infer_reply_denat(p, o);
	}

	if (!p->note && p->ct.valid && p->ct.has_id && !p->ct_new && !path_has_nat_step(p)) {
		unsigned int hooks = tp->own_hooks;
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

static void ring_push(struct trace_state *st, struct trace_packet *p)
{
	if (st->count == st->limit) {
		struct trace_packet *old = st->ring[st->head];

		packet_free(old);
		free(old);
		st->ring[st->head] = p;
		st->head = (st->head + 1) % st->limit;
	} else {
		st->ring[(st->head + st->count) % st->limit] = p;
		st->count++;
	}
}

static void complete_at(struct trace_state *st, size_t idx)
{
	struct tpath *tp = st->open[idx];
	struct trace_packet *p = xmalloc(sizeof(*p));

	finalize(st, tp);
	memmove(st->open + idx, st->open + idx + 1, (st->nopen - idx - 1) * sizeof(*st->open));
	st->nopen--;
	/* Move the packet out of its tpath; the rest is bookkeeping. */
	*p = tp->p;
	memset(&tp->p, 0, sizeof(tp->p));
	tpath_free(tp);
	ring_push(st, p);
	st->total++;
	st->completed++;
}

static void complete_path(struct trace_state *st, struct tpath *tp)
{
	size_t i;

	for (i = 0; i < st->nopen; i++)
		if (st->open[i] == tp) {
			complete_at(st, i);
			return;
		}
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

static void visited_add(struct tpath *tp, uint8_t family, const char *table, const char *chain, bool legacy)
{
	if (visited_has(tp, family, table, chain, legacy))
		return;
	if (!tp->visited.len)
		strbuf_addc(&tp->visited, '\n');
	visited_key(&tp->visited, family, table, chain, legacy);
}

/* Could a base chain still see this packet after an accept in the current
 * base chain? Unknown (no snapshot) counts as yes: the settle time ends it. */
static bool more_chains_expected(const struct trace_state *st, const struct tpath *tp,
				 const struct snap_ruleset *rs)
{
	const struct trace_packet *p = &tp->p;
	uint8_t nfproto = p->pkt.valid ? p->pkt.nfproto : 0;
	bool skip_nat = p->ct.valid && !(p->ct.state & CT_STATE_NEW);
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

static void update_packet_info(struct trace_state *st, struct tpath *tp, const struct trace_event *ev,
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
	if (ev->has_oif && ev->oif)
		snprintf(p->oif, sizeof(p->oif), "%s", st->ifname(ev->oif, buf, st->ifname_arg));
	if (ev->has_mark) {
		p->has_mark = true;
		p->mark = ev->mark;
	}
	if (ev->ct.valid) {
		bool had_id = p->ct.has_id;

		p->ct = ev->ct;
		if (ev->ct.state & CT_STATE_NEW)
			p->ct_new = true;
		if (!had_id && p->ct.has_id)
			link_reply(st, tp);
	}
}

/* After an event joined tp: complete what is done (or let an accepted
 * original wait for its reply), expire the quiet; packets completed. */
static int feed_done(struct trace_state *st, struct tpath *tp, uint64_t now)
{
	int n;

	if (tp->done && !tp->linger_until) {
		const struct trace_packet *p = &tp->p;
		bool dropped = p->nsteps && (verdict_is(step_final(&p->steps[p->nsteps - 1]), NF_DROP) ||
					     verdict_is(step_final(&p->steps[p->nsteps - 1]), NF_STOLEN));

		/* An accepted original-direction packet waits a little for its
		 * reply, so both carry the link (and the SNAT address the reply
		 * reveals) when they are printed. */
		if (dropped || !p->ct.has_id || p->ct.dir != 0 || p->reply)
			complete_path(st, tp);
		else
			tp->linger_until = now + LINGER_NS;
	}
	trace_state_expire(st, now);
	n = st->completed;
	st->completed = 0;
	return n;
}

/* ---- legacy hops ----------------------------------------------------------- */

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
	return hdr_compatible(l, h) || hdr_compatible(&p->pkt, h);
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

		if (tp->done || now - tp->p.t_last_ns > SETTLE_NS)
			continue;
		if (tp->hook >= 0)
			reached = hook_stage(tp->hook);
		if (tp->legacy_hook >= 0 && hook_stage(tp->legacy_hook) > reached)
			reached = hook_stage(tp->legacy_hook);
		if (ev->hook >= 0 && hook_stage(ev->hook) < reached)
			continue;
		if (ev->ct.has_id && tp->p.ct.has_id) {
			if (ev->ct.id != tp->p.ct.id || ev->ct.dir != tp->p.ct.dir)
				continue;
		} else if (h->valid) {
			if (!legacy_hdr_match(&tp->p, h))
				continue;
		} else if (now - tp->p.t_last_ns > JOIN_WINDOW_NS) {
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

static int feed_legacy(struct trace_state *st, const struct nlmsghdr *nlh, const struct snap_ruleset *rs)
{
	struct trace_nflog_event ev;
	struct trace_event tev;
	struct trace_hdr h;
	struct trace_step *s;
	struct trace_packet *p;
	struct tpath *tp;
	uint64_t now = now_of(st);
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
	trace_hdr_from_packet(ev.payload, ev.plen, &h);
	tp = find_for_legacy(st, &ev, &h, now);
	if (!tp) {
		if (st->nopen >= MAX_OPEN)
			complete_at(st, 0);
		tp = path_new(st, now);
	}
	tp->p.t_last_ns = now;
	if (rs) {
		tp->nat_hooks = ruleset_hooks(rs, h.valid ? h.nfproto : tp->p.pkt.nfproto, chain_is_nat);
		tp->legacy_hooks = ruleset_hooks(rs, ev.family, chain_is_legacy);
	}
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
		visited_add(tp, ev.family, tp->base_table, tp->base_chain, true);
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
	update_packet_info(st, tp, &tev, &h);

	p = &tp->p;
	p->steps = xreallocarray(p->steps, p->nsteps + 1, sizeof(*p->steps));
	s = &p->steps[p->nsteps++];
	trace_nflog_step(rs, &ev, s);
	s->t_ns = now;
	if (h.valid)
		s->hdr = h;
	{
		int32_t v = step_final(s);

		if (verdict_is(v, NF_DROP) || verdict_is(v, NF_STOLEN)) {
			tp->done = true;
		} else if (verdict_is(v, NF_ACCEPT) && ev.hook >= 0) {
			int nft_hook = tp->hook;

			tp->hook = ev.hook;
			if (!more_chains_expected(st, tp, rs))
				tp->done = true;
			tp->hook = nft_hook;
		}
	}
	st->events++;
	tp->touch = st->events;
	return feed_done(st, tp, now);
}

int trace_feed_msg(struct trace_state *st, const struct nlmsghdr *nlh, const struct snap_ruleset *rs)
{
	struct trace_event ev;
	struct trace_hdr h;
	struct tpath *tp;
	uint64_t now = now_of(st);
	int32_t prio = 0;
	bool prio_known = false, own;
	int hook;

	st->completed = 0;
	if (nlh->nlmsg_type == ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
		return feed_legacy(st, nlh, rs);
	if (nlh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE))
		return 0;
	if (trace_event_parse(nlh, &ev) < 0) {
		st->bad++;
		return -1;
	}
	trace_event_hdr(&ev, &h);
	own = is_own(st, &ev);
	hook = event_base_hook(st, rs, &ev, &prio, &prio_known);

	tp = find_by_id(st, ev.id);
	if (tp && h.valid && hook >= 0) {
		/* Entering a base chain: same packet unless it already went through
		 * this chain or an earlier stage (then the id was recycled). */
		bool again = own ? (tp->own_hooks & (1u << hook)) != 0 : path_visited(tp, &ev);

		if (again || (tp->hook >= 0 && hook_stage(hook) < hook_stage(tp->hook))) {
			complete_path(st, tp);
			tp = NULL;
		}
	}
	if (!tp && !own && h.valid)
		tp = find_continuation(st, &ev, &h, hook, now);
	if (!tp) {
		if (st->nopen >= MAX_OPEN)
			complete_at(st, 0);
		tp = path_new(st, now);
	}
	path_add_id(tp, ev.id);
	tp->p.t_last_ns = now;
	if (rs) {
		uint8_t nfproto = h.valid ? h.nfproto : tp->p.pkt.nfproto;

		tp->nat_hooks = ruleset_hooks(rs, nfproto, chain_is_nat);
		tp->legacy_hooks = ruleset_hooks(rs, nfproto, chain_is_legacy);
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
				visited_add(tp, ev.family, ev.table, ev.chain, false);
		} else if (hook < 32) {
			tp->own_hooks |= 1u << hook;
		}
	}
	update_packet_info(st, tp, &ev, &h);
	if (own)
		goto out;

	{
		struct trace_packet *p = &tp->p;
		struct trace_step *s;
		bool merged = false;

		if (ev.type == NFT_TRACETYPE_POLICY && p->nsteps) {
			s = &p->steps[p->nsteps - 1];
			if (!s->legacy && s->type == TRACE_STEP_RULE && s->handle == 0 && s->family == ev.family &&
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
		}
		s->hook = tp->hook;
		s->handle = ev.has_handle ? ev.handle : 0;
		s->type = ev.type == NFT_TRACETYPE_POLICY ? TRACE_STEP_POLICY
			: ev.type == NFT_TRACETYPE_RETURN ? TRACE_STEP_RETURN : TRACE_STEP_RULE;
		s->verdict = ev.has_verdict ? ev.verdict : NFT_CONTINUE;
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
			int32_t v = step_final(s);

			if (verdict_is(v, NF_DROP) || verdict_is(v, NF_STOLEN))
				tp->done = true;
			else if (verdict_is(v, NF_ACCEPT) && !more_chains_expected(st, tp, rs))
				tp->done = true;
		}
	}
out:
	st->events++;
	tp->touch = st->events;
	return feed_done(st, tp, now);
}

static uint64_t path_deadline(const struct tpath *tp)
{
	if (tp->done && tp->linger_until)
		return tp->linger_until;
	return tp->p.t_last_ns + SETTLE_NS;
}

int trace_state_expire(struct trace_state *st, uint64_t now_ns)
{
	int before = st->completed;
	size_t i = 0;

	if (!now_ns)
		now_ns = now_of(st);
	while (i < st->nopen) {
		if (now_ns >= path_deadline(st->open[i]))
			complete_at(st, i);
		else
			i++;
	}
	return st->completed - before;
}

int trace_state_flush(struct trace_state *st)
{
	int n = 0;

	while (st->nopen) {
		complete_at(st, 0);
		n++;
	}
	st->completed = 0;
	return n;
}

int trace_state_timeout_ms(const struct trace_state *st, uint64_t now_ns)
{
	uint64_t first = UINT64_MAX;
	size_t i;

	if (!st->nopen)
		return -1;
	if (!now_ns)
		now_ns = now_of(st);
	for (i = 0; i < st->nopen; i++)
		if (path_deadline(st->open[i]) < first)
			first = path_deadline(st->open[i]);
	if (first <= now_ns)
		return 0;
	return (int)((first - now_ns + 999999) / 1000000);
}
