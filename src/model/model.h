/*
 * model.h - what changed between two ruleset snapshots: per-rule and
 * per-chain deltas and rates keyed by (family, table, handle), never by
 * position; counter resets; heat that lights a box and cools it down; a
 * view baseline ("zero the counters" without touching the kernel).
 * Pure: no socket, no curses.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "model-conntrack.h"
#include "model-trace.h"
#include "snapshot.h"

/* Afterglow: a rule or chain that counted stays lit for the model's
 * glow_time after its last hit, with what it counted since it lit, so a
 * single ping can still be pointed at seconds later. */
struct model_glow {
	uint64_t lit_ns;       /* snapshot time of the last hit; 0: not lit */
	uint64_t packets;      /* counted since it lit ("+N") */
};

/* Counters and snapshot time where the current rate window began. */
struct model_rate {
	uint64_t packets;
	uint64_t bytes;
	uint64_t ns;
	bool set;              /* false: none yet */
};

struct model_rule {
	const struct snap_rule *snap;
	bool known;            /* the rule existed in the previous snapshot */
	bool reset;            /* counter went down: treated as a reset */
	uint64_t d_packets;    /* delta since previous snapshot (0 if uncounted) */
	uint64_t d_bytes;
	double pps;            /* packets per second over the last rate window */
	double bps;            /* bytes per second */
	struct model_rate rate;
	bool hit;              /* d_packets > 0 this tick */
	uint64_t base_packets; /* counters at the baseline (z); shown = snap - base */
	uint64_t base_bytes;
	struct model_glow glow;
};

struct model_chain {
	const struct snap_chain *snap;
	struct model_rule *rules;     /* parallel to snap->rules */
	uint64_t d_packets;           /* sum of rule deltas + policy delta */
	uint64_t d_bytes;
	uint64_t d_policy_packets;
	uint64_t d_policy_bytes;
	double pps;                   /* its rules' pps + policy_pps */
	double bps;
	double policy_pps;            /* the policy's packets per second */
	double policy_bps;
	struct model_rate rate_policy;
	bool hit;
	double heat;                  /* 0..1: 1 when hit, decays to 0 over ~2 s */
	uint64_t total_packets;       /* sum of rule counters + policy (since baseline) */
	uint64_t base_policy_packets;
	uint64_t base_policy_bytes;
	struct model_glow glow;
	/* Packets that entered this user chain: the sum of the counters of the
	 * rules that jump or go to it (entered_known false when one of them
	 * is uncounted, or nothing leads here). Base chains: see model_hooks. */
	bool entered_known;
	uint64_t entered_packets;     /* since the baseline */
	uint64_t d_entered_packets;   /* since the previous snapshot */
	double entered_pps;           /* the pps of the rules that lead here */
};

struct model {
	struct snap_ruleset *cur;     /* owned */
	struct snap_ruleset *prev;    /* owned; NULL before the second update */
	struct model_chain *chains;   /* parallel to cur->chains */
	size_t nchains;
	struct model_rule *rules;     /* every chain's rules, one allocation (chains[i].rules
	                               * point into it) */
	double interval;              /* seconds between prev and cur */
	uint64_t ticks;
	bool baseline_set;
	double glow_time;             /* seconds a hit stays lit (0: MODEL_GLOW_DEFAULT, <0: none) */
	uint64_t now_ns;              /* the current snapshot's time, moved on by model_cool */
	/* Rates are counted over windows of at least this many seconds (0:
	 * between two snapshots), so snapshots taken more often than the
	 * refresh (the dashboard's fast tick) light and count at once but
	 * rates do not turn into noise. A chain whose rules were not read
	 * (rules_kept) keeps its rates; read again, its rate is over the
	 * whole time since it was last read. */
	double rate_window;
	struct model_ct ct;           /* conntrack (model-conntrack.h), fed by model_ct_update */
	struct model_trace trace;     /* traced packets (model-trace.h), fed by model_trace_update */
};
#define MODEL_GLOW_DEFAULT 5.0

/* 1 when just hit, fading to 0 at the model's glow time (at m->now_ns);
 * 0 when out. */
double model_glow_level(const struct model *m, const struct model_glow *g);
/* How lit a chain is: its heat, or its fading afterglow (0..1). */
double model_chain_light(const struct model *m, const struct model_chain *mc);

void model_init(struct model *m);
void model_free(struct model *m);
/* Take ownership of next; compute deltas against the current snapshot. */
void model_update(struct model *m, struct snap_ruleset *next);
/* on: the view baseline is the current counters ('z', again: a new one);
 * off: the kernel's totals ('K'). */
void model_set_baseline(struct model *m, bool on);
/* Counters as shown (minus baseline). */
uint64_t model_rule_packets(const struct model_rule *r);
uint64_t model_rule_bytes(const struct model_rule *r);
/* One backend: legacy finds an iptables-legacy (x_tables) chain, else an
 * nf_tables one (the two can share family, table and name). */
struct model_chain *model_find_chain(const struct model *m, uint8_t family,
				     const char *table, const char *name, bool legacy);
/* Packets entering one hook, counted by iptop's observation table
 * (--observe, collect-observe.h): what a packet count at a hook means,
 * unlike rule counters, which count rule evaluations. */
struct model_hook {
	uint8_t nfproto;       /* NFPROTO_IPV4 / NFPROTO_IPV6 */
	int hook;              /* NF_INET_PRE_ROUTING .. NF_INET_POST_ROUTING */
	uint64_t packets;      /* since the baseline */
	uint64_t bytes;
	uint64_t d_packets;    /* since the previous snapshot */
	uint64_t d_bytes;
	double pps;
	double heat;
};
#define MODEL_MAX_HOOKS 10
/* The hooks the current snapshot observes (none without --observe), in
 * family then hook order; returns how many were written. */
size_t model_hooks(const struct model *m, struct model_hook *out, size_t max);
/* Decay heat by dt seconds without new data (for animation between ticks). */
void model_cool(struct model *m, double dt);

#endif
