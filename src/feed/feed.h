/*
 * feed.h - where snapshots come from: the live kernel (collectors on
 * netlink sockets) or a recording being replayed. The loop and batch mode
 * only see this interface, so replay runs the same code as live. Packet
 * traces too: a live feed runs the trace session (and records it when it
 * records); a replay feeds the recorded trace messages, as it reaches them,
 * into a trace_state of its own.
 */
#ifndef FEED_H
#define FEED_H

#include <stdbool.h>

#include "snapshot.h"

struct feed;
struct ct_table;
struct record;
struct trace_state;

typedef bool (*feed_want_fn)(const struct snap_chain *ch, void *arg);

struct feed_ops {
	/* fd to poll for events, or -1 */
	int (*fd)(struct feed *f);
	/* fd became readable: consume it; true if a new snapshot is due now */
	bool (*event)(struct feed *f);
	/* Take the next snapshot (never NULL). want selects the chains whose
	 * rules must be fresh and have their text (NULL: all): within a
	 * generation the others keep prev's rules; a new generation reads
	 * every chain, the others' rules with text NULL (counters, jump
	 * targets and content, not yet their words). */
	struct snap_ruleset *(*snapshot)(struct feed *f, const struct snap_ruleset *prev,
					 feed_want_fn want, void *arg);
	/* Conntrack as of now, or NULL when this feed has none. flows=false
	 * keeps only the count, max and accounting fresh (cheap, every tick);
	 * flows=true also keeps the flow list (events + a dump at most once a
	 * second). The table stays valid until the next call. */
	const struct ct_table *(*conntrack)(struct feed *f, bool flows);
	void (*close)(struct feed *f);
	/* Packet tracing (NULL: this feed cannot start one). See feed_trace_*. */
	int (*trace_start)(struct feed *f, const char *filter, int rate, unsigned int flags, char **cause);
	void (*trace_stop)(struct feed *f);
	int (*trace_fd)(struct feed *f);
	int (*trace_read)(struct feed *f, const struct snap_ruleset *rs);
	int (*trace_timeout_ms)(struct feed *f);
	/* Hook observation (NULL: this feed cannot start one). See feed_observe. */
	int (*observe)(struct feed *f, bool on, char **cause);
};

/* Tracing as the feed has it, live or replayed: what the trace view and
 * batch output read. */
struct feed_trace {
	struct trace_state *state;  /* the packets; NULL: none (not tracing, nothing recorded yet) */
	bool active;                /* tracing now (replay: the recording was, at this point) */
	bool recorded;              /* replay: the recording holds traced packets */
	bool more;                  /* replay: recorded trace frames still to play */
	char filter[128];           /* of the running or last trace (iptables words) */
	char rule[192];             /* what the kernel matches, in nft words */
	uint64_t lost;              /* overflows: events were lost */
	uint64_t skipped;           /* packets the filter matched that the rate limit kept from
	                             * tracing (the last count, also after the trace stopped) */
	char legacy[32];            /* live, TRACE_LEGACY: the nf_log bindings it holds
	                             * ("nf_log.2, nf_log.10"), restored when it stops; "" */
	uint64_t clock_ns;          /* now on the packets' clock (replay: the recording's), 0: monotonic */
};

struct feed {
	const struct feed_ops *ops;
	void *priv;
	char *netns_label;   /* "net:[4026532xxx] (iptop-lab-host)"; may be replaced by
	                      * a snapshot (", deleted"): read it after each */
	int netns_gone;      /* live: 0, or NLSOCK_NETNS_DELETED/_REPLACED (nl.h) */
	char *backend;       /* "nf_tables" (later: "legacy", "both") */
	bool replay;         /* true: no kernel behind it */
	bool ended;          /* replay: the recording has no more snapshots */
	bool failed;         /* replay: the recording is damaged (the snapshot's error says where) */
	int interval_ms;     /* replay: the refresh it was recorded at (0 unknown) */
	char *notice;        /* done at open, for the user to know (nf_log put back after a
	                      * crashed legacy tracer), or NULL */
	struct feed_trace trace;   /* read it with feed_trace() */
	bool observing;      /* live: iptop's hook observation table is installed (or
	                      * another iptop's is used); see feed_observe */
	char *observe_notice;/* observing with another process's table, or NULL */
	unsigned int trace_flags; /* live: TRACE_* every trace of this run starts with
	                      * (--trace-dir, --trace-legacy), given to feed_live_open */
};

/* A chapter mark of a recording (REC_META mark=TEXT). */
struct feed_mark {
	uint64_t t_ns;           /* recording time of the mark */
	size_t snap;             /* snapshots recorded before it */
	char text[96];
};

/* Where a replay is: the snapshots played of the recording's, its time
 * now and its length, and its chapter marks (all read at open). */
struct feed_replay_pos {
	size_t snap, nsnaps;
	uint64_t t_ns, len_ns;
	struct feed_mark *marks;
	size_t nmarks;
};

/* Live feed on the current network namespace. rec: record what is read
 * (NULL: don't); trace_flags: what every trace starts with (TRACE_*).
 * Never fails: failures show up as snapshot status. */
struct feed *feed_live_open(const char *netns_name, const char *record_path, int interval_ms,
			    unsigned int trace_flags, char **cause);
/* Replay feed; NULL with *cause "FILE: offset N: what" on a bad file. */
struct feed *feed_replay_open(const char *path, char **cause);
void feed_close(struct feed *f);
/* The synthetic --demo feed (a replay with no recording behind it)? */
bool feed_is_demo(const struct feed *f);
/* A recording's position (NULL: f is not a replay of a file). */
const struct feed_replay_pos *feed_replay_pos(const struct feed *f);
/* Back to the recording's start, as just opened (the caller starts its
 * model afresh); -1 with *cause when the file cannot be opened again. */
int feed_replay_rewind(struct feed *f, char **cause);
/* f->ops->conntrack, or NULL when the feed has no conntrack source. */
const struct ct_table *feed_conntrack(struct feed *f, bool flows);
/* The live feed's recording (NULL: not recording, or not live). */
struct record *feed_record(struct feed *f);

/*
 * Tracing. Live: feed_trace_start() stops any trace running and starts
 * one in the feed's namespace (collect_trace_start(): iptop's own owned table;
 * -1 with *cause when it cannot), recorded when the feed records; poll
 * feed_trace_fd() and call feed_trace_read() when it is readable and at
 * feed_trace_timeout_ms() (the number of packets completed, -1 with errno
 * on a socket error). Replay: nothing to start, poll or read; the
 * recorded packets arrive with the snapshots (ops->snapshot) around them.
 */
int feed_trace_start(struct feed *f, const char *filter, int rate, char **cause);
/* The same with collect_trace_start_flags() flags (TRACE_LEGACY); feed_trace_start
 * uses the feed's trace_flags. */
int feed_trace_start_flags(struct feed *f, const char *filter, int rate, unsigned int flags, char **cause);
void feed_trace_stop(struct feed *f);
int feed_trace_fd(struct feed *f);
int feed_trace_read(struct feed *f, const struct snap_ruleset *rs);
int feed_trace_timeout_ms(struct feed *f);
const struct feed_trace *feed_trace(const struct feed *f);

/*
 * Hook observation (`--observe`, collect-observe.h): on installs iptop's
 * owned table `inet iptop_observe` in the feed's namespace, off removes it.
 * Its counters then come with every snapshot (model_hooks). 0, or -1 with
 * *cause (no privileges, an old kernel, a replay: a recording shows hooks
 * when it was made observing).
 */
int feed_observe(struct feed *f, bool on, char **cause);

/* ---- the synthetic --demo feed (feed-demo.c) ---------------------------- */

struct ct_flow;
struct ct_table;
struct route_result;

/* A synthetic firewall (a Docker host with firewalld) whose counters move
 * on every snapshot: needs no root. Closed with feed_close(). */
struct feed *feed_demo_open(void);
/* The demo ruleset as it is at snapshot number tick (0, 1, ...), stamped
 * with time_ns; deterministic, for tests. */
struct snap_ruleset *feed_demo_ruleset(uint64_t tick, uint64_t time_ns);
/* The demo's conntrack as a dump at snapshot number tick, applied to t at
 * time now (seconds): a MASQUERADE'd ping, a DNAT'd connection to the
 * published port, an UNREPLIED UDP query, flows that come and go. */
void feed_demo_conntrack(struct ct_table *t, uint64_t tick, double now);
/* A made-up routing decision for a demo flow (the demo host's routes);
 * the signature of view_ctx.route. */
int feed_demo_route(void *arg, const struct ct_flow *f, struct route_result *res);

#endif
