/*
 * model-conntrack.h - the model's part for conntrack: what changed between
 * the conntrack tables of two ticks. The collector (conntrack.h) mirrors
 * the kernel (counters, timeouts, new and dying flows); this part keeps,
 * per flow, only its key (id, original tuple, zone) and the counters it
 * had at the previous sync, and from them the growth since the previous
 * dump and the rates. Views read flows through it: the list, a flow by
 * key, a RELATED flow's master, an expectation's master.
 *
 * The table is the feed's, valid for one tick (the view context's ct):
 * every function takes it, the model keeps no pointer into it. Its
 * per-flow state sits in an array parallel to the table's flows, so 100k
 * flows cost no copy and no lookup per tick when nothing moved.
 * Pure: no socket, no curses.
 */
#ifndef MODEL_CONNTRACK_H
#define MODEL_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ct_table;
struct ct_flow;
struct ct_expect;
/* One flow as the model knows it: its key and its counters (private). */
struct model_ct_flow;

struct model_ct {
	struct model_ct_flow *flows; /* flows[i] is the synced table's flows[i] */
	size_t nflows, cap;
	double interval;         /* seconds between the last two dumps seen (for rates) */
	/* private: what the last sync saw */
	bool dumped;             /* a complete dump was seen */
	double last_dump;
	uint32_t gen;
	uint64_t events, resyncs, removed;
	size_t table_nflows;
	const struct ct_table *table;
	/* The z baseline: each counted flow's counters when it was set. */
	struct model_ct_base *base;
	size_t nbase;
	unsigned base_gen;       /* moves with every new baseline (or none) */
};

struct model_ct_base;

/* A zeroed struct model_ct is an empty one. */
void model_ct_free(struct model_ct *m);
/*
 * Once per tick, with the table the feed gives (NULL: none): a new
 * complete dump (t->gen moved) computes every flow's growth against the
 * counters of the previous one (a flow that appeared since: all its
 * counters; the first dump: none). Between dumps only the flows events
 * added are new to it (a DESTROY's final counters count at the next
 * dump): O(new flows), O(flows) only when the table dropped some.
 */
void model_ct_update(struct model_ct *m, const struct ct_table *t);
/* f's growth over the last dump (a flow of t): false, and zeros, when the
 * model has not seen it yet. */
bool model_ct_delta(const struct model_ct *m, const struct ct_table *t, const struct ct_flow *f,
		    uint64_t d_packets[2], uint64_t d_bytes[2]);
/* Packets per second of f over the last dump, both directions (dir -1)
 * or one (CT_DIR_ORIG, CT_DIR_REPLY); 0 for a dying or uncounted flow
 * only when both directions are asked. */
double model_ct_rate(const struct model_ct *m, const struct ct_table *t, const struct ct_flow *f, int dir);
/* Set (on) or drop the baseline: every counted flow of the last synced
 * table keeps its counters, which model_ct_counts then subtracts (called
 * by model_set_baseline). */
void model_ct_baseline(struct model_ct *m, bool on);
/* f's counters since the baseline (its kernel totals without one, or when
 * it came after it; a flow whose counters went below the baseline's is
 * another conntrack with the same key: its totals). */
void model_ct_counts(const struct model_ct *m, const struct ct_flow *f, uint64_t packets[2], uint64_t bytes[2]);
/* Allocated array of the flows of t (live and, with_dying, dying) by id;
 * *n its length. Free the array only. */
const struct ct_flow **model_ct_sorted(const struct ct_table *t, bool with_dying, size_t *n);
/* Allocated array of the live flows of t, fastest first: growth in bytes
 * over the last dump (both directions), then bytes, then id (the batch
 * text and JSON order); m synced with t. *n its length. Free the array only. */
const struct ct_flow **model_ct_by_rate(const struct model_ct *m, const struct ct_table *t, size_t *n);
/* The flow of t (live or dying) with key's id, original tuple and zone, or NULL. */
const struct ct_flow *model_ct_find(const struct ct_table *t, const struct ct_flow *key);
/* The master of a RELATED flow (a live one before a dying one), or NULL. */
const struct ct_flow *model_ct_master(const struct ct_table *t, const struct ct_flow *f);
/* The live flow an expectation belongs to, or NULL. */
const struct ct_flow *model_ct_expect_master(const struct ct_table *t, const struct ct_expect *e);

#endif
