/*
 * trace-state.c - the trace state: its lifecycle and settings, the
 * bounded ring of completed packets (oldest dropped first) and its
 * getters, and the clock that completes quiet packets (expire, flush,
 * timeout). Holds the open paths but does not build them (trace-path.c,
 * trace-path-legacy.c) nor decide a completed packet's verdict, route and
 * NAT (trace-complete.c). Pure: no socket, no formatting.
 */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptop.h"
#include "trace.h"
#include "trace-int.h"

#define DEFAULT_LIMIT 200

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

void trace_state_set_ct_lookup(struct trace_state *st,
			       int (*fn)(const struct trace_packet *, struct trace_ct_tuples *, void *), void *arg)
{
	st->ct_lookup = fn;
	st->ct_lookup_arg = arg;
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

uint64_t trace_state_now(const struct trace_state *st)
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

void trace_state_set_skipped(struct trace_state *st, uint64_t n)
{
	st->skipped = n;
}

uint64_t trace_state_skipped(const struct trace_state *st)
{
	return st->skipped;
}

void trace_state_set_late(struct trace_state *st, bool on)
{
	st->late = on;
}

uint64_t trace_state_oldest_open(const struct trace_state *st)
{
	uint64_t id = UINT64_MAX;
	size_t i;

	for (i = 0; i < st->nopen; i++)
		if (st->open[i]->p.id < id)
			id = st->open[i]->p.id;
	return id;
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

void trace_state_retire(struct trace_state *st, size_t idx)
{
	struct tpath *tp = st->open[idx];
	struct trace_packet *p = xmalloc(sizeof(*p));

	memmove(st->open + idx, st->open + idx + 1, (st->nopen - idx - 1) * sizeof(*st->open));
	st->nopen--;
	/* Move the packet out of its tpath; the rest is bookkeeping. */
	*p = tp->p;
	p->skipped = st->skipped;
	memset(&tp->p, 0, sizeof(tp->p));
	tpath_free(tp);
	ring_push(st, p);
	st->total++;
	st->completed++;
}

/* ---- the clock ------------------------------------------------------------ */

uint64_t trace_state_deadline(const struct tpath *tp)
{
	if (tp->done && tp->linger_until)
		return tp->linger_until;
	return tp->p.t_last_ns + TRACE_SETTLE_NS;
}

int trace_state_timeout_ms(const struct trace_state *st, uint64_t now_ns)
{
	uint64_t first = UINT64_MAX;
	size_t i;

	if (!st->nopen)
		return -1;
	if (!now_ns)
		now_ns = trace_state_now(st);
	for (i = 0; i < st->nopen; i++)
		if (trace_state_deadline(st->open[i]) < first)
			first = trace_state_deadline(st->open[i]);
	if (first <= now_ns)
		return 0;
	return (int)((first - now_ns + 999999) / 1000000);
}
