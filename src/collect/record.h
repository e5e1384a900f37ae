/*
 * record.h - recordings: what iptop read from the kernel (netlink replies
 * and events, timestamped) in a file that replays through the same parsers
 * with no root and no netlink. Every length is checked on read; errors
 * read "FILE: offset N: what is wrong".
 *
 * File: "IPTOPREC" | u32 byte-order mark 0x01020304 | u32 version |
 *       u32 header length | header text ("key=value\n" lines: kernel, netns,
 *       interval_ms, start) | frames.
 * Frame: u32 type | u32 payload length | u64 ns since start | payload.
 * Frames are written as they are read, so file order is time order: a
 * replay hands each to its parser at the point it was recorded.
 *
 * Version 2 adds REC_META; version 1 files read the same. REC_NFT_SETS
 * (inside a ruleset, when its generation is new) is optional: a file
 * without it replays with anonymous sets shown as "@__set0"; no version
 * change, but an iptop that predates it stops at the frame type.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"

#define RECORD_MAGIC "IPTOPREC"
#define RECORD_VERSION 2
#define RECORD_VERSION_MIN 1
#define RECORD_MAX_FRAME (64u << 20)

enum record_type {
	REC_RULESET_BEGIN = 1,   /* struct record_ruleset_begin */
	REC_NFT_TABLES = 2,      /* raw NEWTABLE messages */
	REC_NFT_CHAINS = 3,      /* raw NEWCHAIN messages */
	REC_NFT_RULES = 4,       /* raw NEWRULE messages */
	REC_RULESET_END = 5,     /* empty: assemble the snapshot now */
	REC_RULESET_ERROR = 6,   /* u32 status + message text */
	REC_NFT_EVENT = 7,       /* a NEWGEN event message */
	REC_CT_DUMP = 8,         /* raw conntrack dump replies */
	REC_CT_EVENT = 9,        /* raw conntrack event messages */
	REC_TRACE = 10,          /* raw NFT_MSG_TRACE messages (and nfnetlink_log packets: --trace-legacy) */
	REC_LEGACY = 11,         /* x_tables blobs (collect-legacy.h raw format), inside a ruleset */
	REC_META = 12,           /* "key=value\n" lines: facts read beside netlink (below) */
	REC_NFT_SETS = 13,       /* raw NEWSET + NEWSETELEM messages of the anonymous sets */
	REC_TYPE_MAX = 13,
};

/*
 * REC_META keys (a reader ignores keys it does not know; later values win):
 *   ct_acct=0|1            nf_conntrack_acct, when conntrack is read and it changes
 *   ct_max=N               nf_conntrack_max, likewise
 *   ifname.N=NAME          the interface with index N, before the first
 *                          REC_TRACE frame that names it
 *   ipset.N=NAME           the ipset with index N (-m set, -j SET), before
 *                          the first snapshot whose rules name it
 *   trace_start=FILTER     a trace started (iptables words; may be empty)
 *   trace_rule=TEXT        what the kernel matches for it, in nft words
 *   trace_lost=N           events lost so far in this trace (overflows)
 *   trace_stop=1           the trace stopped
 *   mark=TEXT              a chapter mark (M while recording, tools/recmark):
 *                          a replay lists them (m) and jumps to one
 */

struct record_ruleset_begin {
	uint32_t genid;
	uint32_t reuse_tables;
	uint32_t change_pid;
	char change_proc[64];
	double change_wall;
};

struct record;

/* Writer. NULL with *cause on failure. */
struct record *record_create(const char *path, const char *netns_label, int interval_ms, char **cause);
void record_frame(struct record *rec, uint32_t type, const void *data, size_t len);
/* The same at a time of the caller's (copying a recording: its frames' times). */
void record_frame_at(struct record *rec, uint32_t type, uint64_t t_ns, const void *data, size_t len);
/* A writer with header text as given (another recording's, unchanged). */
struct record *record_create_header(const char *path, const char *header, char **cause);
/* One REC_META frame "key=value\n" (control characters in value become ' '). */
void record_meta(struct record *rec, const char *key, const char *value);
void record_meta_at(struct record *rec, uint64_t t_ns, const char *key, const char *value);
/* legacy: the x_tables blobs read for this snapshot, or NULL */
void record_ruleset(struct record *rec, const struct collect_input *in, const struct nlbuf *legacy,
		    const struct snap_ruleset *rs);
void record_ruleset_error(struct record *rec, const struct snap_ruleset *rs);
/* Flush; -1 with *cause "FILE: cannot write ..." the first time a write
 * has failed (nothing is written after that; the file is cut back to its
 * last whole frame). 0 when all is well or rec is NULL. Once a tick. */
int record_check(struct record *rec, char **cause);
/* Flush and close; returns -1 with *cause if a write failed and
 * record_check() did not say so yet. A file this run created that holds
 * no whole snapshot is removed. */
int record_close(struct record *rec, char **cause);

/* Reader. */
struct record_reader;
struct record_frame {
	uint32_t type;
	uint32_t len;
	uint64_t t_ns;
	const uint8_t *data;     /* valid until the next call */
	uint64_t offset;         /* file offset of the frame header */
};
struct record_reader *record_reader_open(const char *path, char **cause);
/* 1 frame read, 0 end of file, -1 error (*cause "FILE: offset N: ..."). */
int record_reader_next(struct record_reader *r, struct record_frame *f, char **cause);
/* The same checks without reading the payload (f->data NULL): a quick
 * look at which frames a file holds. */
int record_reader_skip(struct record_reader *r, struct record_frame *f, char **cause);
const char *record_reader_header(const struct record_reader *r, const char *key);
/* The whole header text ("key=value\n" lines). */
const char *record_reader_header_text(const struct record_reader *r);
void record_reader_close(struct record_reader *r);

#endif
