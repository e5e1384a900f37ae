/*
 * feed-int.h - what the feed's sources (feed-live.c, feed-replay.c,
 * feed-demo.c) share behind include/feed.h: their ops tables, by which a
 * feed's mode is told (compare the pointer), and the name lists a
 * recording carries. Not for use outside src/feed*.c.
 */
#ifndef FEED_INT_H
#define FEED_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed.h"
#include "rule-text.h"
#include "trace.h"

/* An interface name as the recording has it (REC_META ifname.N). */
struct feed_ifname {
	uint32_t idx;
	char name[TRACE_IFNAMSIZ];
};

/* An ipset name as the recording has it (REC_META ipset.N): -m set and
 * -j SET blobs hold only the index. */
struct feed_ipset {
	uint16_t idx;
	char name[RULE_TEXT_IPSET_NAMELEN];
};

/* Set idx's name in the list; false when it already had that name. */
bool feed_ipset_put(struct feed_ipset **v, size_t *n, uint16_t idx, const char *name);

extern const struct feed_ops feed_live_ops;
extern const struct feed_ops feed_replay_ops;
extern const struct feed_ops feed_demo_ops;

/* The live feed's recording (NULL: not recording). f must be live. */
struct record *feed_live_record(struct feed *f);

#endif
