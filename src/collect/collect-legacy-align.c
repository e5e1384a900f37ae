/*
 * collect-legacy-align.c - which iptables-legacy rule is which from one
 * snapshot to the next. x_tables has no rule handles: collect-legacy.c
 * synthesizes one from a rule's content key (chain and text) and its
 * occurrence among identical rules, which would let an identical rule
 * inserted or deleted above another take over its handle, its counter
 * history and its delta. Here each chain's rules are aligned with the
 * previous snapshot's, so a handle follows the rule, not its index.
 * Does not read blobs (collect-legacy.c) nor compute deltas (model.c).
 *
 * The alignment, per content key of a chain (rules of different text are
 * never the same rule, and x_tables rules never move: iptables can only
 * insert, delete and replace, so identical rules keep their order):
 *  - a rule's counters never decrease, so an old rule and a new one can be
 *    the same rule only if the new packets and bytes are >= the old ones;
 *  - of the order-keeping matchings of such pairs, the one that explains
 *    the counters with the least traffic: the most packets any one rule
 *    counted since the last snapshot (a matched rule its delta, a new
 *    rule its whole count) as small as possible; then the most pairs and
 *    the smallest sum of deltas. A rule inserted above an identical one
 *    thus never takes its history (it would have to have counted that
 *    history since the last snapshot), and a delta shown is never more
 *    than the traffic the counters prove;
 *  - a counter that went down is a new rule (new handle, its first delta
 *    not known), except when no rule of the key kept a non-zero count
 *    (`iptables -Z`, or `iptables-restore` without --counters, zeroed
 *    them all; or none had counted yet): then the k-th old rule is the
 *    k-th new one, a reset, as collect-legacy.c pairs them on its own.
 * Unmatched new rules get the first synthesized handle of their key that
 * neither the old nor the new chain uses, so a new rule never takes the
 * handle of a rule that was just deleted.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "collect-legacy.h"
#include "hashmap.h"
#include "iptop.h"

/* Above this many candidate pairs in one key group (p * q), the k-th old
 * rule is the k-th new one without a search (more than ~250 identical
 * rules in one chain: each search costs p * q * log(p * q) steps). */
#define ALIGN_MAX_CELLS (1u << 16)

struct align_ent {
	uint64_t key;
	size_t idx;
};

static int ent_cmp(const void *a, const void *b)
{
	const struct align_ent *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static struct align_ent *sorted_keys(const struct snap_chain *ch)
{
	struct align_ent *e = xcalloc(ch->nrules ? ch->nrules : 1, sizeof(*e));
	size_t i;

	for (i = 0; i < ch->nrules; i++) {
		e[i].key = ch->rules[i].content;
		e[i].idx = i;
	}
	qsort(e, ch->nrules, sizeof(*e), ent_cmp);
	return e;
}

static bool grew(const struct snap_rule *o, const struct snap_rule *n)
{
	return n->packets >= o->packets && n->bytes >= o->bytes;
}

/* One key group being aligned: old rules o[0..p), new rules n[0..q)
 * (chain indices, in chain order). */
struct group {
	const struct snap_chain *och, *nch;
	const struct align_ent *o, *n;
	size_t p, q;
	uint8_t *step;          /* p * q choices of the last align() */
	struct score *row[2];
};

struct score {
	size_t must;            /* matched new rules that counted more than tau */
	size_t pairs;
	uint64_t delta;         /* sum of the pairs' packet deltas */
};

enum { STEP_SKIP_OLD = 1, STEP_MATCH, STEP_SKIP_NEW };

static bool better(struct score a, struct score b)
{
	if (a.must != b.must)
		return a.must > b.must;
	return a.pairs != b.pairs ? a.pairs > b.pairs : a.delta < b.delta;
}

static uint64_t pkts(const struct group *g, bool old, size_t i)
{
	return old ? g->och->rules[g->o[i].idx].packets : g->nch->rules[g->n[i].idx].packets;
}

/* The best order-keeping matching in which no pair's delta exceeds tau
 * (best(i, j) for o[i..p) and n[j..q), row by row from the end; ties go
 * to a match, then to skipping the old rule). Returns best(0, 0). */
static struct score align(struct group *g, uint64_t tau)
{
	struct score *next = g->row[0], *cur = g->row[1];
	size_t i, j;

	memset(next, 0, (g->q + 1) * sizeof(*next));
	for (i = g->p; i-- > 0;) {
		struct score *t;

		cur[g->q] = next[g->q];
		for (j = g->q; j-- > 0;) {
			const struct snap_rule *ro = &g->och->rules[g->o[i].idx], *rn = &g->nch->rules[g->n[j].idx];
			struct score s = next[j];
			uint8_t st = STEP_SKIP_OLD;

			if (grew(ro, rn) && rn->packets - ro->packets <= tau) {
				struct score m = next[j + 1];

				m.must += rn->packets > tau;
				m.pairs++;
				m.delta += rn->packets - ro->packets;
				if (!better(s, m))
					s = m, st = STEP_MATCH;
			}
			if (better(cur[j + 1], s))
				s = cur[j + 1], st = STEP_SKIP_NEW;
			cur[j] = s;
			g->step[i * g->q + j] = st;
		}
		t = next, next = cur, cur = t;
	}
	return next[0];
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Can the counters be explained with at most tau packets per rule: every
 * new rule that counted more than tau matched to an old one? */
static bool feasible(struct group *g, uint64_t tau)
{
	size_t j, need = 0;

	for (j = 0; j < g->q; j++)
		need += pkts(g, false, j) > tau;
	return align(g, tau).must == need;
}

/* One key group: sets match[new index] to the old index it continues.
 * The counters are explained with the least traffic: tau, the most
 * packets any rule counted since the last snapshot (its delta, or its
 * whole count if it is new), as small as possible; then the most pairs
 * and the smallest sum of deltas. */
static void group_match(struct group *g, long *match)
{
	uint64_t *cand;
	size_t i, j, nc = 0, lo, hi;
	bool anchor = false;

	if (g->p == 1 && g->q == 1) {	/* a rule with no twin: itself, or reset */
		match[g->n[0].idx] = (long)g->o[0].idx;
		return;
	}
	if (g->p * g->q <= ALIGN_MAX_CELLS)
		for (i = 0; i < g->p && !anchor; i++)
			for (j = 0; j < g->q && !anchor; j++)
				anchor = pkts(g, true, i) > 0 &&
					 grew(&g->och->rules[g->o[i].idx], &g->nch->rules[g->n[j].idx]);
	if (!anchor) {
		for (i = 0; i < g->p && i < g->q; i++)
			match[g->n[i].idx] = (long)g->o[i].idx;
		return;
	}
	cand = xcalloc(g->p * g->q + g->q, sizeof(*cand));
	for (j = 0; j < g->q; j++) {
		cand[nc++] = pkts(g, false, j);
		for (i = 0; i < g->p; i++)
			if (grew(&g->och->rules[g->o[i].idx], &g->nch->rules[g->n[j].idx]))
				cand[nc++] = pkts(g, false, j) - pkts(g, true, i);
	}
	qsort(cand, nc, sizeof(*cand), u64_cmp);
	g->step = xcalloc(g->p * g->q, 1);
	g->row[0] = xcalloc(g->q + 1, sizeof(struct score));
	g->row[1] = xcalloc(g->q + 1, sizeof(struct score));
	/* the largest count is always enough (every rule new): search below */
	lo = 0, hi = nc - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (feasible(g, cand[mid]))
			hi = mid;
		else
			lo = mid + 1;
	}
	align(g, cand[lo]);
	for (i = 0, j = 0; i < g->p && j < g->q;) {
		switch (g->step[i * g->q + j]) {
		case STEP_MATCH:
			match[g->n[j].idx] = (long)g->o[i].idx;
			i++, j++;
			break;
		case STEP_SKIP_OLD:
			i++;
			break;
		default:
			j++;
			break;
		}
	}
	free(g->step);
	free(g->row[0]);
	free(g->row[1]);
	free(cand);
}

/* Adds h to the set of handles in use; false if it was there already. */
static bool taken_add(struct hashmap *taken, uint64_t h)
{
	bool added;

	hashmap_get(taken, h, &added);
	return added;
}

void collect_legacy_align_chain(struct snap_chain *ch, const struct snap_chain *prev)
{
	struct align_ent *o = sorted_keys(prev), *n = sorted_keys(ch);
	long *match = xcalloc(ch->nrules ? ch->nrules : 1, sizeof(*match));
	struct hashmap taken;
	size_t a = 0, b = 0, i;
	uint64_t pos = 0;
	uint32_t occ = 0;

	for (i = 0; i < ch->nrules; i++)
		match[i] = -1;
	while (a < prev->nrules && b < ch->nrules) {
		struct group g = { prev, ch, NULL, NULL, 1, 1, NULL, { NULL, NULL } };

		if (o[a].key != n[b].key) {
			if (o[a].key < n[b].key)
				a++;
			else
				b++;
			continue;
		}
		while (a + g.p < prev->nrules && o[a + g.p].key == o[a].key)
			g.p++;
		while (b + g.q < ch->nrules && n[b + g.q].key == n[b].key)
			g.q++;
		g.o = o + a;
		g.n = n + b;
		group_match(&g, match);
		a += g.p;
		b += g.q;
	}
	hashmap_init(&taken, prev->nrules + ch->nrules);
	for (i = 0; i < prev->nrules; i++)
		taken_add(&taken, prev->rules[i].handle);
	for (i = 0; i < ch->nrules; i++)
		if (match[i] >= 0)
			ch->rules[i].handle = prev->rules[match[i]].handle;
	/* new rules, each at the first free occurrence of its key, starting
	 * from its occurrence in the new chain (what a first snapshot gives) */
	for (b = 0; b < ch->nrules; b++) {
		struct snap_rule *r = &ch->rules[n[b].idx];
		uint32_t k;

		occ = b && n[b - 1].key == n[b].key ? occ + 1 : 0;
		if (match[n[b].idx] >= 0)
			continue;
		k = occ;
		r->handle = collect_legacy_handle(r->content, k);
		while (!taken_add(&taken, r->handle))
			r->handle = collect_legacy_handle(r->content, ++k);
	}
	for (i = 0; i < ch->nrules; i++) {
		ch->rules[i].position = pos;
		pos = ch->rules[i].handle;
	}
	hashmap_free(&taken);
	free(match);
	free(o);
	free(n);
}

static int chain_cmp(const void *a, const void *b)
{
	const struct snap_chain *x = *(const struct snap_chain *const *)a;
	const struct snap_chain *y = *(const struct snap_chain *const *)b;
	int c;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	c = strcmp(x->table, y->table);
	return c ? c : strcmp(x->name, y->name);
}

void collect_legacy_align(struct snap_ruleset *rs, const struct snap_ruleset *prev)
{
	const struct snap_chain **old;
	size_t n = 0, i;

	if (!prev)
		return;
	old = xcalloc(prev->nchains ? prev->nchains : 1, sizeof(*old));
	for (i = 0; i < prev->nchains; i++)
		if (prev->chains[i].legacy)
			old[n++] = &prev->chains[i];
	qsort(old, n, sizeof(*old), chain_cmp);
	for (i = 0; i < rs->nchains && n; i++) {
		struct snap_chain *ch = &rs->chains[i];
		const struct snap_chain *key = ch, **hit;

		if (!ch->legacy)
			continue;
		hit = bsearch(&key, old, n, sizeof(*old), chain_cmp);
		if (hit)
			collect_legacy_align_chain(ch, *hit);
	}
	free(old);
}
