/*
 * model.c - deltas, rates, heat and the view baseline between two ruleset
 * snapshots. Rules are matched by (family, table, handle) only: a rule
 * inserted above others never shifts a delta onto its neighbour. A counter
 * that went down is a reset (iptables -Z), shown as a delta from zero.
 * No socket, no screen.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "iptop.h"
#include "hashmap.h"
#include "model.h"
#include "collect-observe.h"

#define HEAT_HALF_LIFE 0.5 /* seconds: a hit box is cold again after ~2 s */

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

static double glow_time(const struct model *m)
{
	return m->glow_time > 0 ? m->glow_time : MODEL_GLOW_DEFAULT;
}

/* A glow at the snapshot taken at now: lit again when d packets were
 * counted, gone out (and its +N forgotten) past the glow time. */
static void glow_step(const struct model *m, struct model_glow *g, const struct model_glow *old, uint64_t now,
		      uint64_t d)
{
	*g = old ? *old : (struct model_glow){ 0, 0 };
	if (m->glow_time < 0)
		d = 0, *g = (struct model_glow){ 0, 0 };
	if (g->lit_ns && (double)(now - g->lit_ns) / 1e9 >= glow_time(m))
		*g = (struct model_glow){ 0, 0 };
	if (d) {
		g->packets += d;
		g->lit_ns = now;
	}
}

double model_chain_light(const struct model *m, const struct model_chain *mc)
{
	double g = 0.7 * model_glow_level(m, &mc->glow);

	return mc->heat > g ? mc->heat : g;
}

double model_glow_level(const struct model *m, const struct model_glow *g)
{
	double age;

	if (!g->lit_ns || m->now_ns < g->lit_ns)
		return g->lit_ns ? 1.0 : 0;
	age = (double)(m->now_ns - g->lit_ns) / 1e9;
	return age >= glow_time(m) ? 0 : 1.0 - age / glow_time(m);
}

void model_free(struct model *m)
{
	free(m->chains);
	free(m->rules);
	snapshot_ruleset_free(m->cur);
	snapshot_ruleset_free(m->prev);
	model_ct_free(&m->ct);
	model_trace_free(&m->trace);
	memset(m, 0, sizeof(*m));
}

/* Handle lookup in the previous snapshot: a map from (table, handle) to
 * the rule's place. Rules can move between chains only by delete+add (a
 * new handle), so the handle alone identifies a rule in its table. */
struct rule_ref {
	size_t chain;
	size_t rule;
};

static uint64_t table_hash(uint8_t family, const char *table)
{
	return hash_fnv1a_str(HASH_FNV1A_INIT ^ family, table);
}

static bool same_table(const struct snap_chain *a, const struct snap_chain *b)
{
	return a->family == b->family && a->legacy == b->legacy && strcmp(a->table, b->table) == 0;
}

/* Values: chain index << 32 | rule index. */
static void handle_map_build(struct hashmap *hm, const struct snap_ruleset *rs)
{
	size_t n = 0, i, j;

	for (i = 0; i < rs->nchains; i++)
		n += rs->chains[i].nrules;
	hashmap_init(hm, n);
	for (i = 0; i < rs->nchains; i++) {
		const struct snap_chain *ch = &rs->chains[i];
		uint64_t th = table_hash(ch->family, ch->table);

		for (j = 0; j < ch->nrules; j++)
			*hashmap_add(hm, hash_mix(th ^ ch->rules[j].handle)) = (uint64_t)i << 32 | j;
	}
}

/* The rule with this handle in ch's table of rs (th: its table_hash). */
static bool handle_map_find(const struct hashmap *hm, const struct snap_ruleset *rs, const struct snap_chain *ch,
			    uint64_t th, uint64_t handle, struct rule_ref *ref)
{
	uint64_t h = hash_mix(th ^ handle);
	const uint64_t *v;
	size_t pos;

	for (v = hashmap_find(hm, h, &pos); v; v = hashmap_find_next(hm, h, &pos)) {
		const struct snap_chain *oc = &rs->chains[*v >> 32];
		size_t r = (size_t)(*v & 0xffffffffu);

		if (oc->rules[r].handle == handle && same_table(oc, ch)) {
			ref->chain = (size_t)(*v >> 32);
			ref->rule = r;
			return true;
		}
	}
	return false;
}

static uint64_t delta(uint64_t now, uint64_t before, bool *reset)
{
	if (now >= before)
		return now - before;
	*reset = true;
	return now; /* counters were zeroed in between: count from zero */
}

/* A rate window that began at w and is at least m->rate_window long (with
 * some slack for timer jitter) gives the rates and begins the next one;
 * shorter, the rates stay. The first call only begins one. */
static void rate_step(const struct model *m, struct model_rate *w, uint64_t now, uint64_t packets, uint64_t bytes,
		      double *pps, double *bps)
{
	bool rst = false;
	double el;

	if (w->set) {
		if (now <= w->ns)
			return;
		el = (double)(now - w->ns) / 1e9;
		if (el < 0.8 * m->rate_window)
			return;
		*pps = delta(packets, w->packets, &rst) / el;
		*bps = delta(bytes, w->bytes, &rst) / el;
	}
	w->packets = packets;
	w->bytes = bytes;
	w->ns = now;
	w->set = true;
}

/* Previous model chains by (family, backend, table, name): a hash, since
 * rulesets with thousands of chains make a linear search per chain slow.
 * Values: indexes into mc. */
struct chain_map {
	struct hashmap map;
	const struct model_chain *mc;
};

static uint64_t chain_key(const struct snap_chain *c)
{
	uint64_t h = table_hash(c->family, c->table) ^ (c->legacy ? 0x9e3779b97f4a7c15ULL : 0);

	return hash_mix(hash_fnv1a_str(h, c->name));
}

static bool same_chain(const struct snap_chain *a, const struct snap_chain *b)
{
	return same_table(a, b) && strcmp(a->name, b->name) == 0;
}

static void chain_map_build(struct chain_map *cm, const struct model_chain *mc, size_t n)
{
	size_t i;

	hashmap_init(&cm->map, n);
	cm->mc = mc;
	for (i = 0; i < n; i++)
		*hashmap_add(&cm->map, chain_key(mc[i].snap)) = i;
}

static const struct model_chain *find_model_chain(const struct chain_map *cm, const struct snap_chain *ch)
{
	uint64_t h = chain_key(ch);
	const uint64_t *v;
	size_t pos;

	for (v = hashmap_find(&cm->map, h, &pos); v; v = hashmap_find_next(&cm->map, h, &pos))
		if (same_chain(cm->mc[*v].snap, ch))
			return &cm->mc[*v];
	return NULL;
}

/* The previous glow of a rule found by handle, or NULL. */
static const struct model_glow *omr_glow(const struct model *m, const struct rule_ref *hs)
{
	if (!hs || hs->chain >= m->nchains || !m->chains[hs->chain].rules)
		return NULL;
	return &m->chains[hs->chain].rules[hs->rule].glow;
}

/* Packets into each user chain: the counters of the rules leading there
 * (known only when every one of them counts). */
static void model_entered(const struct model *m, struct model_chain *mc, size_t n, uint64_t now)
{
	struct chain_map cm;
	size_t i, j;

	chain_map_build(&cm, mc, n);
	for (i = 0; i < n; i++) {
		const struct snap_chain *ch = mc[i].snap;

		for (j = 0; j < ch->nrules; j++) {
			const struct snap_rule *r = &ch->rules[j];
			struct snap_chain key = *ch;
			struct model_chain *to;

			if (!r->target_chain)
				continue;
			key.name = r->target_chain;
			to = (struct model_chain *)find_model_chain(&cm, &key);
			if (!to || to->snap->base)
				continue;
			to->entered_known = true;
			if (!r->counted)
				to->d_entered_packets = UINT64_MAX;  /* marks "unknown" until the end */
			else if (to->d_entered_packets != UINT64_MAX) {
				to->entered_packets += model_rule_packets(&mc[i].rules[j]);
				to->d_entered_packets += mc[i].rules[j].d_packets;
				to->entered_pps += mc[i].rules[j].pps;
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (mc[i].d_entered_packets == UINT64_MAX) {
			mc[i].entered_known = false;
			mc[i].entered_packets = mc[i].d_entered_packets = 0;
			mc[i].entered_pps = 0;
		}
		if (!mc[i].snap->base)
			glow_step(m, &mc[i].glow, &mc[i].glow, now,
				  mc[i].entered_known ? mc[i].d_entered_packets : mc[i].d_packets);
	}
	hashmap_free(&cm.map);
}

void model_update(struct model *m, struct snap_ruleset *next)
{
	struct model_chain *nc = next->nchains ? xcalloc(next->nchains, sizeof(*nc)) : NULL;
	struct model_rule *rules, *block;
	size_t nrules = 0;
	const struct snap_ruleset *old = m->cur;
	struct hashmap hm = { NULL, 0, 0 };
	struct chain_map cm = { { NULL, 0, 0 }, NULL };
	double dt = 0;
	size_t i, j;

	if (old && next->time_ns > old->time_ns)
		dt = (double)(next->time_ns - old->time_ns) / 1e9;
	if (old) {
		handle_map_build(&hm, old);
		chain_map_build(&cm, m->chains, m->nchains);
	}

	/* One block for every rule (50k rules: 6 MB, first touched here), on
	 * huge pages where the system gives them: a few faults, not 1,500. */
	for (i = 0; i < next->nchains; i++)
		nrules += next->chains[i].nrules;
	rules = block = xcalloc(nrules ? nrules : 1, sizeof(*rules));
	util_huge_pages(block, nrules * sizeof(*block));
	for (i = 0; i < next->nchains; i++) {
		const struct snap_chain *ch = &next->chains[i];
		struct model_chain *mc = &nc[i];
		const struct model_chain *om = old ? find_model_chain(&cm, ch) : NULL;
		uint64_t th = table_hash(ch->family, ch->table);
		double old_heat = om ? om->heat : 0;

		mc->snap = ch;
		mc->rules = ch->nrules ? rules : NULL;
		rules += ch->nrules;
		for (j = 0; j < ch->nrules; j++) {
			const struct snap_rule *r = &ch->rules[j];
			struct model_rule *mr = &mc->rules[j];
			struct rule_ref ref;
			const struct rule_ref *hs = old && handle_map_find(&hm, old, ch, th, r->handle, &ref) ? &ref : NULL;

			mr->snap = r;
			if (hs) {
				const struct snap_rule *o = &old->chains[hs->chain].rules[hs->rule];
				const struct model_rule *omr = NULL;
				const struct model_chain *ocm = &m->chains[hs->chain];

				if (hs->chain < m->nchains && ocm->rules)
					omr = &ocm->rules[hs->rule];
				mr->known = true;
				if (r->counted && o->counted) {
					mr->d_packets = delta(r->packets, o->packets, &mr->reset);
					mr->d_bytes = delta(r->bytes, o->bytes, &mr->reset);
				}
				if (omr) {
					mr->base_packets = omr->base_packets;
					mr->base_bytes = omr->base_bytes;
					mr->rate = omr->rate;
					mr->pps = omr->pps;
					mr->bps = omr->bps;
				}
				if (mr->reset) {
					mr->base_packets = 0;
					mr->base_bytes = 0;
				}
			} else if (m->baseline_set) {
				/* A rule added after the baseline counts from its creation. */
				mr->base_packets = 0;
				mr->base_bytes = 0;
			}
			if (!ch->rules_kept)
				rate_step(m, &mr->rate, next->time_ns, r->packets, r->bytes, &mr->pps, &mr->bps);
			if (dt <= 0)
				mr->pps = mr->bps = 0;
			mr->hit = mr->d_packets > 0;
			glow_step(m, &mr->glow, omr_glow(m, hs), next->time_ns, mr->d_packets);
			mc->d_packets += mr->d_packets;
			mc->d_bytes += mr->d_bytes;
			if (r->counted)
				mc->total_packets += model_rule_packets(mr);
		}
		if (om) {
			const struct snap_chain *oc = om->snap;
			bool rst = false;

			if (ch->policy_counted && oc->policy_counted) {
				mc->d_policy_packets = delta(ch->policy_packets, oc->policy_packets, &rst);
				mc->d_policy_bytes = delta(ch->policy_bytes, oc->policy_bytes, &rst);
			}
			mc->base_policy_packets = rst ? 0 : om->base_policy_packets;
			mc->base_policy_bytes = rst ? 0 : om->base_policy_bytes;
			mc->rate_policy = om->rate_policy;
			mc->policy_pps = om->policy_pps;
			mc->policy_bps = om->policy_bps;
		}
		rate_step(m, &mc->rate_policy, next->time_ns, ch->policy_counted ? ch->policy_packets : 0,
			  ch->policy_counted ? ch->policy_bytes : 0, &mc->policy_pps, &mc->policy_bps);
		if (dt <= 0)
			mc->policy_pps = mc->policy_bps = 0;
		if (ch->policy_counted)
			mc->total_packets += ch->policy_packets - mc->base_policy_packets;
		mc->d_packets += mc->d_policy_packets;
		mc->d_bytes += mc->d_policy_bytes;
		/* kept rules keep their rates: the chain's is theirs plus the policy's */
		mc->pps = mc->policy_pps;
		mc->bps = mc->policy_bps;
		for (j = 0; j < ch->nrules; j++) {
			mc->pps += mc->rules[j].pps;
			mc->bps += mc->rules[j].bps;
		}
		mc->hit = mc->d_packets > 0;
		/* user chains glow with the packets that entered them (model_entered) */
		if (ch->base)
			glow_step(m, &mc->glow, om ? &om->glow : NULL, next->time_ns, mc->d_packets);
		else if (om)
			mc->glow = om->glow;
		mc->heat = old_heat * (dt > 0 ? pow(0.5, dt / HEAT_HALF_LIFE) : 1.0);
		if (mc->hit) {
			/* Hotter for more traffic: 1 packet lights, ~1000/s saturates. */
			double h = 0.55 + 0.15 * log10(1.0 + mc->pps);

			if (h > 1.0)
				h = 1.0;
			if (h > mc->heat)
				mc->heat = h;
		}
	}
	hashmap_free(&hm);
	hashmap_free(&cm.map);
	model_entered(m, nc, next->nchains, next->time_ns);
	free(m->chains);
	free(m->rules);
	m->rules = block;
	snapshot_ruleset_free(m->prev);
	m->prev = m->cur;
	m->cur = next;
	m->chains = nc;
	m->nchains = next->nchains;
	m->interval = dt;
	m->now_ns = next->time_ns;
	m->ticks++;
	/* Keep only one previous snapshot's worth of memory: the old "prev"
	 * is no longer referenced by any model_chain. */
}

void model_set_baseline(struct model *m, bool on)
{
	size_t i, j;

	m->baseline_set = on;
	model_ct_baseline(&m->ct, on);
	for (i = 0; i < m->nchains; i++) {
		struct model_chain *mc = &m->chains[i];
		const struct snap_chain *ch = mc->snap;

		mc->base_policy_packets = on && ch->policy_counted ? ch->policy_packets : 0;
		mc->base_policy_bytes = on && ch->policy_counted ? ch->policy_bytes : 0;
		mc->total_packets = 0;
		for (j = 0; j < ch->nrules; j++) {
			struct model_rule *mr = &mc->rules[j];

			mr->base_packets = on ? ch->rules[j].packets : 0;
			mr->base_bytes = on ? ch->rules[j].bytes : 0;
			if (ch->rules[j].counted)
				mc->total_packets += model_rule_packets(mr);
		}
		if (ch->policy_counted)
			mc->total_packets += ch->policy_packets - mc->base_policy_packets;
	}
}

uint64_t model_rule_packets(const struct model_rule *r)
{
	return r->snap->packets >= r->base_packets ? r->snap->packets - r->base_packets : r->snap->packets;
}

uint64_t model_rule_bytes(const struct model_rule *r)
{
	return r->snap->bytes >= r->base_bytes ? r->snap->bytes - r->base_bytes : r->snap->bytes;
}

struct model_chain *model_find_chain(const struct model *m, uint8_t family, const char *table, const char *name,
				     bool legacy)
{
	size_t i;

	for (i = 0; i < m->nchains; i++) {
		const struct snap_chain *c = m->chains[i].snap;

		if (c->legacy == legacy && c->family == family && strcmp(c->table, table) == 0 &&
		    strcmp(c->name, name) == 0)
			return &m->chains[i];
	}
	return NULL;
}

void model_cool(struct model *m, double dt)
{
	size_t i;

	if (dt <= 0)
		return;
	for (i = 0; i < m->nchains; i++) {
		struct model_chain *mc = &m->chains[i];

		mc->heat *= pow(0.5, dt / HEAT_HALF_LIFE);
	}
	m->now_ns += (uint64_t)(dt * 1e9);
}

size_t model_hooks(const struct model *m, struct model_hook *out, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < m->nchains && n < max; i++) {
		const struct model_chain *mc = &m->chains[i];
		struct model_hook *h = &out[n];

		if (!collect_observe_chain(mc->snap, &h->nfproto, &h->hook))
			continue;
		h->packets = h->bytes = 0;
		for (j = 0; j < mc->snap->nrules; j++) {
			h->packets += model_rule_packets(&mc->rules[j]);
			h->bytes += model_rule_bytes(&mc->rules[j]);
		}
		h->d_packets = mc->d_packets;
		h->d_bytes = mc->d_bytes;
		h->pps = mc->pps;
		h->heat = mc->heat;
		n++;
	}
	/* chains are sorted by hook within the table: ip and ip6 interleave */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && (out[j - 1].nfproto > out[j].nfproto ||
				      (out[j - 1].nfproto == out[j].nfproto && out[j - 1].hook > out[j].hook)); j--) {
			struct model_hook t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}
