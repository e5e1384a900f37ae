/*
 * conntrack.h - the conntrack collector: a mirror of the kernel's connection
 * tracking table for the current network namespace, kept current by
 * NEW/DESTROY events and refreshed by full dumps (counters, timeouts, TCP
 * states) at most once a second. The pure half turns ctnetlink messages
 * (live or recorded) into struct ct_flow and applies them to a struct
 * ct_table; the live half owns the sockets. No curses, no screen.
 *
 * Clock: every `now` here is the caller's monotonic clock in seconds
 * (time_mono_ns() / 1e9); first_seen and dying_since use it too.
 */
#ifndef CONNTRACK_H
#define CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/netlink.h>

#include "hashmap.h"
#include "iptop.h"
#include "snapshot.h"

/* How the reply tuple differs from the inverted original tuple. */
enum ct_nat {
	CT_NAT_NONE,
	CT_NAT_SNAT,   /* source rewritten: SNAT or MASQUERADE */
	CT_NAT_DNAT,   /* destination rewritten: DNAT, REDIRECT */
	CT_NAT_BOTH,
};

enum ct_dir { CT_DIR_ORIG, CT_DIR_REPLY };

/* What a ctnetlink message says about a flow. Dump replies are UPDATEs. */
enum ct_msg {
	CT_MSG_OTHER,    /* not a conntrack message (DONE, ERROR, expectation...) */
	CT_MSG_NEW,      /* IPCTNL_MSG_CT_NEW with NLM_F_CREATE|NLM_F_EXCL */
	CT_MSG_UPDATE,   /* IPCTNL_MSG_CT_NEW otherwise (event or dump entry) */
	CT_MSG_DESTROY,  /* IPCTNL_MSG_CT_DELETE */
};

/* An address of either family; IPv4 sits in v4 (network order). */
union ct_addr {
	uint32_t v4;
	struct in6_addr v6;
	uint8_t b[16];
};

struct ct_tuple {
	union ct_addr src;
	union ct_addr dst;
	uint16_t sport;      /* host order; 0 for ICMP; GRE: the keys */
	uint16_t dport;      /* (PPTP call ids, conntrack's srckey/dstkey) */
	uint8_t icmp_type;   /* ICMP / ICMPv6 only */
	uint8_t icmp_code;
	uint16_t icmp_id;    /* host order */
};

struct ct_flow {
	uint32_t id;          /* CTA_ID; the mirror's key is id + orig + zone, as
			       * ids are 32-bit hashes that collide */
	uint8_t family;       /* AF_INET, AF_INET6 */
	uint8_t proto;        /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, _SCTP, ... */
	bool has_state;       /* TCP, SCTP or DCCP protoinfo present */
	uint8_t state;        /* TCP_CONNTRACK_* (SCTP_/DCCP_ for those) */
	uint32_t status;      /* IPS_* bits */
	struct ct_tuple orig;
	struct ct_tuple reply;
	enum ct_nat nat;      /* from tuples and IPS_SRC_NAT/IPS_DST_NAT */
	uint32_t mark;
	uint16_t zone;        /* CTA_ZONE: both directions (CT --zone) */
	bool has_zone_orig;   /* directional zones (CT --zone-orig/--zone-reply): */
	bool has_zone_reply;  /* the tuples' CTA_TUPLE_ZONE, printed by */
	uint16_t zone_orig;   /* conntrack -L as zone-orig=N, zone-reply=N */
	uint16_t zone_reply;
	char helper[16];      /* CTA_HELP_NAME ("ftp"), "" without a helper */
	uint64_t labels[2];   /* CTA_LABELS: ct label bits 0..127 (host order words) */
	bool has_master;      /* a RELATED flow: CTA_TUPLE_MASTER is its master's */
	uint8_t master_proto; /* original tuple (addresses, ports, protocol) */
	struct ct_tuple master;
	bool has_timeout;     /* DESTROY events carry none */
	uint32_t timeout;     /* seconds left when the message was sent */
	bool has_acct;        /* per-direction counters present (nf_conntrack_acct=1
			       * when the flow was created; dumps and DESTROY only) */
	uint64_t packets[2];  /* [CT_DIR_ORIG], [CT_DIR_REPLY] */
	uint64_t bytes[2];
	/* Set by the table, not by the parser (growth and rates: model-conntrack.h): */
	double first_seen;    /* when the mirror first saw it */
	double dying_since;   /* when it was destroyed (dying only) */
	bool is_new;          /* appeared since the previous snapshot (refresh) */
	bool dying;           /* destroyed; kept CT_FADE_SECONDS for a fade */
	uint32_t seen_dump;   /* internal: last dump generation that listed it */
	uint32_t added_gen;   /* internal: snapshot generation it appeared in */
};

#define CT_FADE_SECONDS 2.0

/* An expectation (conntrack -L expect): a connection a helper (ftp, sip,
 * ...) saw announced in its master's traffic; when it comes, it is
 * RELATED to the master. Parsed from IPCTNL_MSG_EXP_NEW dump entries. */
struct ct_expect {
	uint32_t id;
	uint8_t family;
	uint8_t proto;          /* of the expected connection */
	uint8_t master_proto;
	struct ct_tuple tuple;  /* the expected original tuple ... */
	struct ct_tuple mask;   /* ... where mask bits are set (sport 0: any) */
	struct ct_tuple master; /* the master's original tuple */
	bool has_timeout;
	uint32_t timeout;       /* seconds left */
	uint16_t zone;
	uint32_t flags;         /* NF_CT_EXPECT_PERMANENT, _INACTIVE, _USERSPACE */
	bool has_class;
	uint32_t class;
	char helper[16];
};

/*
 * The mirror, keyed by (id, original tuple, zone). flows is unordered (use ct_table_sorted() to display) and
 * holds the dying flows too; count is the live ones. Everything is
 * readable; change it only through the functions below.
 */
struct ct_table {
	struct ct_flow *flows;
	size_t nflows;          /* entries in flows, live + dying */
	size_t count;           /* live flows in the mirror */
	uint64_t max;           /* nf_conntrack_max, 0 if unknown */
	bool has_kernel_count;
	uint64_t kernel_count;  /* the kernel's own count (CTA_STATS_GLOBAL_ENTRIES) */
	bool acct;              /* nf_conntrack_acct in this netns */
	enum src_status status;
	char *error;            /* why status != SRC_OK, or NULL */
	uint64_t resyncs;       /* events lost (ENOBUFS or the kernel's count), re-dumped */
	uint64_t events_lost;   /* flows the resync dumps found wrong (estimate) */
	uint64_t events;        /* events applied */
	uint64_t removed;       /* flows dropped (faded out); the last flow took each one's place */
	uint32_t gen;           /* snapshots taken (complete dumps) */
	double last_dump;       /* now of the last complete dump, 0 never */
	double dump_ms;         /* wall time of the last dump */
	double fade;            /* seconds a dying flow stays (CT_FADE_SECONDS) */
	bool has_expects;       /* expectations were read (live dumps only: a
				 * recording does not carry them) */
	struct ct_expect *expects;
	size_t nexpects;
	/* private */
	size_t cap;
	struct hashmap index;   /* hash_mix64(id) -> position in flows */
	uint32_t dump_gen;
	bool in_dump;
	bool dump_resync;
	size_t dump_added;
	size_t dump_next;       /* where the flow after the last dumped one sits */
};

/* ---- pure: parsing (the words for people: conntrack-text.h) -------------- */

/*
 * Parse one ctnetlink message (a dump reply or an event) into f (zeroed
 * first). Malformed messages are refused with -1/EINVAL before they reach
 * libnetfilter_conntrack (whose parser exit()s on some malformations);
 * messages that are not conntrack entries give -1/ENOMSG. kind may be NULL.
 */
int ct_parse_msg(const struct nlmsghdr *nlh, struct ct_flow *f, enum ct_msg *kind);
/* Parse one expectation dump entry (IPCTNL_MSG_EXP_NEW) into e (zeroed
 * first): -1/ENOMSG when it is not one, -1/EINVAL when malformed. */
int ct_parse_expect(const struct nlmsghdr *nlh, struct ct_expect *e);
/* The live flow an expectation belongs to (its master), or NULL. */
const struct ct_flow *ct_table_expect_master(const struct ct_table *t, const struct ct_expect *e);
/* Replace the expectations with those of a dump's messages (malformed
 * entries skipped); has_expects becomes true. Returns how many. */
size_t ct_table_set_expects(struct ct_table *t, const void *buf, size_t len);
/* NAT kind from the tuples and status bits of a parsed flow. */
enum ct_nat ct_nat_kind(const struct ct_flow *f);

/* ---- pure: the mirror ------------------------------------------------------ */

void ct_table_init(struct ct_table *t);
void ct_table_free(struct ct_table *t);
/* The flow (live or dying) that is the same conntrack as key: same id,
 * original tuple and zone. NULL if none. Pointers into the table are valid
 * until it next changes. */
struct ct_flow *ct_table_find_flow(const struct ct_table *t, const struct ct_flow *key);
/* A flow with this id, or NULL. CTA_ID is a 32-bit hash and two live flows
 * can share one (~25 % chance at 50,000 flows): for a UI selection, fine;
 * for exactness use ct_table_find_flow(). */
struct ct_flow *ct_table_find(const struct ct_table *t, uint32_t id);
/* Is m the master connection of the RELATED flow f (its CTA_TUPLE_MASTER
 * is m's original tuple)? */
bool ct_is_master_of(const struct ct_flow *m, const struct ct_flow *f);
/* The master of a RELATED flow in the mirror (a live one before a dying
 * one), or NULL: none, or gone. A scan: O(flows) per call, and only flows
 * opened through a helper (FTP data, ...) have a master. */
const struct ct_flow *ct_table_master(const struct ct_table *t, const struct ct_flow *f);
/* Set status and error text (fmt NULL clears the error). */
void ct_table_set_status(struct ct_table *t, enum src_status st, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

/* Apply an event (NEW, UPDATE or DESTROY) to the mirror. */
void ct_table_apply_event(struct ct_table *t, const struct ct_flow *f, enum ct_msg kind,
			  double now);
/* Apply every conntrack message of a buffer as events; returns how many. */
size_t ct_table_apply_events(struct ct_table *t, const void *buf, size_t len, double now);
/*
 * The path every buffer takes, live or replayed: run one recv()'d buffer
 * through mnl_cb_run() (seq and portid 0 skip libmnl's checks), applying
 * conntrack entries as dump entries (dump=true, between dump_begin and
 * dump_end) or as events; malformed entries are skipped. Returns
 * mnl_cb_run()'s result (MNL_CB_STOP at NLMSG_DONE, -1/errno for an
 * NLMSG_ERROR); *n (may be NULL) gets the entries applied.
 */
int ct_table_apply_buf(struct ct_table *t, const void *buf, size_t len, double now,
		       bool dump, unsigned int seq, unsigned int portid, size_t *n);

/*
 * A full dump, in three steps (the live collector and a replay both use
 * them): begin, one flow() per dump entry, end. end(complete=true)
 * reconciles by id: flows the dump did not list are marked dying, is_new
 * is computed, gen advances. complete=false (the
 * dump failed) keeps the mirror as it was. resync: the dump follows lost
 * events; differences are added to events_lost.
 */
void ct_table_dump_begin(struct ct_table *t, bool resync);
/* Room for n flows without growing (a dump of the kernel's count). */
void ct_table_reserve(struct ct_table *t, size_t n);
void ct_table_dump_flow(struct ct_table *t, const struct ct_flow *f, double now);
void ct_table_dump_end(struct ct_table *t, bool complete, double now);
/* begin + every message of buf + end(true): a recorded dump. Returns the
 * number of entries. */
size_t ct_table_apply_dump(struct ct_table *t, const void *buf, size_t len, double now);
/* Drop dying flows older than t->fade. */
void ct_table_expire(struct ct_table *t, double now);
/* For tests: index and count consistent? 0, or -1 with *why allocated. */
int ct_table_check(const struct ct_table *t, char **why);

enum ct_sort {
	CT_SORT_BYTES,   /* bytes (both directions), then id */
	CT_SORT_AGE,     /* first_seen, newest first, then id */
	CT_SORT_ID,
};
/* Allocated array of pointers to the live flows (and the dying ones when
 * with_dying), sorted; *n set to its length. Free the array only. */
const struct ct_flow **ct_table_sorted(const struct ct_table *t, enum ct_sort key,
				       bool with_dying, size_t *n);


/* ---- live collector -------------------------------------------------------- */

struct ct_collect_opts {
	int rcvbuf;            /* event socket buffer in bytes (0: 8 MiB) */
	int rcvbuf_max;        /* grow up to this on ENOBUFS (0: 64 MiB; < rcvbuf: never) */
	bool updates;          /* also subscribe to UPDATE events (chatty) */
	double min_interval;   /* seconds between periodic dumps (0: 1.0) */
};

/* Raw bytes the collector read, for a recorder (record.h): CT_TAP_DUMP is
 * one complete dump's messages in one call (-> REC_CT_DUMP, replay with
 * ct_table_apply_dump()), CT_TAP_EVENT one recv()'d event buffer
 * (-> REC_CT_EVENT, replay with ct_table_apply_events()). A resync dump
 * comes as a CT_TAP_DUMP like any other. */
enum ct_tap_what { CT_TAP_DUMP, CT_TAP_EVENT };
typedef void (*ct_tap_fn)(void *arg, enum ct_tap_what what, const void *buf, size_t len);

struct ct_collect;

/* Opens the dump and event sockets in the current netns. Never fails: a
 * source that cannot open is a status (SRC_EPERM "needs CAP_NET_ADMIN",
 * SRC_UNAVAILABLE) in the table. opts may be NULL. */
struct ct_collect *ct_collect_open(const struct ct_collect_opts *opts);
void ct_collect_close(struct ct_collect *c);
/* fd to poll (POLLIN) for events, or -1 when there is no event socket. */
int ct_collect_event_fd(const struct ct_collect *c);
/*
 * Read the pending events (non-blocking) and apply them. On ENOBUFS: count
 * a resync, drain the socket until EAGAIN, grow the buffer, dump and
 * reconcile (the kernel drops events silently until its queue is empty, so
 * a dump taken before draining misses some). Returns the number of events
 * applied, or -1 when the socket failed (status says why).
 */
int ct_collect_events(struct ct_collect *c, double now);
/*
 * Reads the kernel's count (ct_collect_stats) and dumps when force, when
 * that count has differed from the mirror's for 3 calls in a row (events
 * were lost: counted as a resync), or for counters and timeouts when
 * opts.min_interval and 100 times the last dump's duration (~1% of a core)
 * have passed (15 times without an event socket, where dumps are all there
 * is). A dump refreshes counters, states and timeouts; flows the kernel no
 * longer has become dying. Returns 1 dumped, 0 not due, -1 failed (status
 * and error say why; data kept).
 */
int ct_collect_refresh(struct ct_collect *c, double now, bool force);
/* Cheap (no dump; ~2 ms as `conntrack -C`, mostly its exec): the kernel's
 * entry count and max (CT_GET_STATS, or /proc), and nf_conntrack_acct.
 * For every tick; refresh() calls it too. 0, or -1 when nothing could be
 * read. */
int ct_collect_stats(struct ct_collect *c);
/* The mirror (valid until the next call on c). */
const struct ct_table *ct_collect_table(const struct ct_collect *c);
void ct_collect_set_tap(struct ct_collect *c, ct_tap_fn fn, void *arg);

#endif
