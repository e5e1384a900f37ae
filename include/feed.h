/*
 * feed.h - where snapshots come from: the live kernel (collectors on
 * netlink sockets) or a recording being replayed. The loop and batch mode
 * only see this interface, so replay runs the same code as live.
 */
#ifndef FEED_H
#define FEED_H

#include <stdbool.h>

#include "snapshot.h"

struct feed;
struct ct_table;

typedef bool (*feed_want_fn)(const struct snap_chain *ch, void *arg);

struct feed_ops {
	const char *name;  /* "live", "replay" */
	/* fd to poll for events, or -1 */
	int (*fd)(struct feed *f);
	/* fd became readable: consume it; true if a new snapshot is due now */
	bool (*event)(struct feed *f);
	/* Take the next snapshot (never NULL). want selects the chains whose
	 * rules must be fresh (NULL: all). */
	struct snap_ruleset *(*snapshot)(struct feed *f, const struct snap_ruleset *prev,
					 feed_want_fn want, void *arg);
	/* Conntrack as of now, or NULL when this feed has none. flows=false
	 * keeps only the count, max and accounting fresh (cheap, every tick);
	 * flows=true also keeps the flow list (events + a dump at most once a
	 * second). The table stays valid until the next call. */
	const struct ct_table *(*conntrack)(struct feed *f, bool flows);
	void (*close)(struct feed *f);
};

struct feed {
	const struct feed_ops *ops;
	void *priv;
	char *netns_label;   /* "net:[4026532xxx] (iptop-lab-host)" */
	char *backend;       /* "nf_tables" (later: "legacy", "both") */
	bool replay;         /* true: no kernel behind it */
	bool ended;          /* replay: the recording has no more snapshots */
	int interval_ms;     /* replay: the refresh it was recorded at (0 unknown) */
};

/* Live feed on the current network namespace. rec: record what is read
 * (NULL: don't). Never fails: failures show up as snapshot status. */
struct feed *feed_live_open(const char *netns_name, const char *record_path, int interval_ms, char **cause);
/* Replay feed; NULL with *cause "FILE: offset N: what" on a bad file. */
struct feed *feed_replay_open(const char *path, char **cause);
void feed_close(struct feed *f);
/* f->ops->conntrack, or NULL when the feed has no conntrack source. */
const struct ct_table *feed_conntrack(struct feed *f, bool flows);

#endif
