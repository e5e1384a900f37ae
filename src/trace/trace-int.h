/*
 * trace-int.h - inside the trace collector: one NFT_MSG_TRACE message as
 * parsed by trace-event.c, one nfnetlink_log legacy "TRACE:" message as
 * parsed by trace-nflog.c, and the open packet paths they are tied into:
 * the state and its ring (trace-state.c), nf_tables events
 * (trace-path.c), legacy hops (trace-path-legacy.c), completion
 * (trace-complete.c). Not for other rooms (they use trace.h).
 */
#ifndef TRACE_INT_H
#define TRACE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>

#include "iptop.h"
#include "trace.h"

/* Kernel 6.16+ conntrack attributes; Debian 12's uapi headers lack them. */
#define TRACE_ATTR_CT_ID 18
#define TRACE_ATTR_CT_DIRECTION 19
#define TRACE_ATTR_CT_STATUS 20
#define TRACE_ATTR_CT_STATE 21
#define TRACE_ATTR_MAX 21

#define TRACE_NAME_MAX 256   /* NFT_NAME_MAXLEN */

/* One trace event. Header pointers point into the message. */
struct trace_event {
	uint8_t family;
	char table[TRACE_NAME_MAX];
	char chain[TRACE_NAME_MAX];
	bool has_handle;
	uint64_t handle;
	uint32_t type;
	bool has_verdict;
	int32_t verdict;
	char target[TRACE_NAME_MAX];
	uint32_t id;
	const uint8_t *nh, *th;
	size_t nhlen, thlen;
	bool has_iif, has_oif, has_mark, has_nfproto, has_policy;
	uint32_t iif, oif, mark, nfproto, policy;
	struct trace_ct ct;
};

/* Parse a trace message; -1 if it lacks table, chain, type or id, or an
 * attribute is malformed. Unknown attributes are skipped. */
int trace_event_parse(const struct nlmsghdr *nlh, struct trace_event *ev);
/* Decode the copied network/transport headers (h->valid false if none). */
void trace_event_hdr(const struct trace_event *ev, struct trace_hdr *h);
/* The same from the network header alone (nh points at the IP header,
 * the transport header is found after it): nfnetlink_log's payload. */
void trace_event_hdr_from_packet(const uint8_t *nh, size_t len, struct trace_hdr *h);

#define TRACE_NFLOG_PREFIX_MAX 128   /* NF_LOG_PREFIXLEN */
#define TRACE_XT_NAME_MAX 32         /* XT_TABLE_MAXNAMELEN, XT_EXTENSION_MAXNAMELEN */

/* One legacy trace hop: an NFULNL_MSG_PACKET with a "TRACE:" prefix. */
struct trace_nflog_event {
	uint8_t family;           /* nfgen_family: NFPROTO_IPV4 or NFPROTO_IPV6 */
	int hook;                 /* NF_INET_*, from NFULA_PACKET_HDR; -1 if absent */
	char table[TRACE_XT_NAME_MAX];
	char chain[TRACE_XT_NAME_MAX];
	enum trace_step_type type;
	unsigned int rulenum;
	const uint8_t *payload;   /* the packet from its network header (copy range) */
	size_t plen;
	bool has_iif, has_oif, has_mark, has_seq;
	uint32_t iif, oif, mark, seq;
	struct trace_ct ct;       /* NFULA_CT (NFULNL_CFG_F_CONNTRACK): id, status; ct info */
};

/* Parse an NFULNL_MSG_PACKET. Returns 1 for a legacy trace hop, 0 for a
 * log message of another kind (no or another prefix: ignore it), -1 if
 * malformed. Unknown attributes are skipped. */
int trace_nflog_parse(const struct nlmsghdr *nlh, struct trace_nflog_event *ev);
/* The step a hop is, against the snapshot's legacy chains: the rule at
 * rulenum (handle, text) and its verdict (from the target: ACCEPT, DROP,
 * RETURN, a jump or goto, REJECT drops, NAT targets accept, LOG, MARK and
 * the like continue), or the chain's tail (policy of a built-in chain,
 * return of a user chain). s is zeroed and filled; free its strings with
 * the packet. rs may be NULL (then only names and numbers). */
void trace_nflog_step(const struct snap_ruleset *rs, const struct trace_nflog_event *ev, struct trace_step *s);

/* ---- packet paths (trace-state.c, trace-path*.c, trace-complete.c) ---- */

#define TRACE_SETTLE_NS (200ull * 1000000ull)     /* quiet this long: complete */
#define TRACE_LOOPBACK_IFINDEX 1u                  /* lo, in every namespace */
#define TRACE_CT_STATE_NEW 0x8
#define TRACE_CT_STATUS_TEMPLATE 0x800             /* IPS_TEMPLATE: a CT target's template */
#define TRACE_JOIN_WINDOW_NS (50ull * 1000000ull) /* joining by headers alone */

/* One open packet: its path so far and how it was joined. */
struct tpath {
	struct trace_packet p;
	uint32_t ids[8];          /* trace ids seen, most recent last */
	size_t nids;
	int hook;                 /* current hook, -1 unknown */
	int32_t base_prio;        /* priority of the current base chain */
	bool base_prio_known;
	uint8_t base_family;
	char *base_table, *base_chain;
	struct strbuf visited;    /* "family|table|chain\n" base chains entered */
	unsigned int own_hooks;   /* hooks where the tracer's own marking chain was seen */
	unsigned int own_reply_hooks; /* ... its reply-marking chain (after conntrack) */
	unsigned int own_late_hooks;  /* ... its late chain (+300) */
	uint32_t last_oif;        /* ifindex of the last output interface seen, 0 none */
	bool loop_pending;        /* looped back through lo: the next step says so */
	bool done;                /* terminal verdict seen */
	uint64_t linger_until;    /* done, waiting for its reply to link until then */
	unsigned int nat_hooks;   /* hooks with a nat base chain for this packet's family */
	unsigned int legacy_hooks;/* hooks with an iptables-legacy base chain (family) */
	bool base_legacy;         /* the current base chain is a legacy one */
	int legacy_hook;          /* hook of the last legacy hop, -1 none */
	uint64_t touch;           /* st->events when it last had an event */
};

struct trace_state {
	struct tpath **open;
	size_t nopen;
	struct trace_packet **ring;
	size_t limit, count, head;    /* ring: count items from head */
	uint64_t next_id;
	uint64_t total;
	uint64_t bad;
	uint64_t clock_ns;
	double wall;              /* wall clock of the next messages, 0: now */
	char *own_table;
	bool forward_start;
	bool late;                /* the tracer has late chains (trace_state_set_late) */
	uint64_t skipped;         /* matched, not traced: the rate limit (live counter) */
	bool legacy_untraced;     /* note legacy chains on the way as not traced */
	char *notice;
	uint64_t events;          /* messages fed (orders paths by activity) */
	bool nflog_seq_known;
	uint32_t nflog_seq;       /* last NFULA_SEQ seen */
	uint64_t legacy_lost;
	const char *(*ifname)(uint32_t, char *, void *);
	void *ifname_arg;
	int (*ct_lookup)(const struct trace_packet *, struct trace_ct_tuples *, void *);
	void *ct_lookup_arg;
	int completed;            /* completed during the current call */
};

/* Stage of a hook: a packet only moves to a later stage. */
static inline int trace_hook_stage(int hook)
{
	switch (hook) {
	case NF_INET_PRE_ROUTING:
	case NF_INET_LOCAL_OUT:
		return 1;
	case NF_INET_LOCAL_IN:
	case NF_INET_FORWARD:
		return 2;
	case NF_INET_POST_ROUTING:
		return 3;
	}
	return 0;
}

static inline bool trace_verdict_is(int32_t v, int code)
{
	return v >= 0 && (v & NF_VERDICT_MASK) == code;
}

/* The verdict a step ends with: a policy step's policy. */
static inline int32_t trace_step_final(const struct trace_step *s)
{
	if (s->type == TRACE_STEP_POLICY)
		return s->policy;
	return s->verdict;
}

/* trace-state.c */
/* The time of the messages being fed: the set clock, or the monotonic one. */
uint64_t trace_state_now(const struct trace_state *st);
/* When open path tp completes unless an event comes: settled or done lingering. */
uint64_t trace_state_deadline(const struct tpath *tp);
/* Take open path idx out of st and its packet into the ring (the oldest
 * completed one makes room); counts it as completed. */
void trace_state_retire(struct trace_state *st, size_t idx);

/* trace-path.c */
/* A new open path at now; when too many are open the oldest completes. */
struct tpath *trace_path_new(struct trace_state *st, uint64_t now);
/* Could b be a later view of the packet a shows (NAT may change one side)? */
bool trace_path_hdr_compatible(const struct trace_hdr *a, const struct trace_hdr *b);
/* The hooks with nat and with legacy base chains for the packet (no-op
 * without a snapshot). */
void trace_path_set_hooks(struct tpath *tp, const struct snap_ruleset *rs, uint8_t nat_nfproto,
			  uint8_t legacy_nfproto);
/* Note that the packet entered this base chain. */
void trace_path_visit(struct tpath *tp, uint8_t family, const char *table, const char *chain, bool legacy);
/* Headers, interfaces, mark and conntrack info an event carries. */
void trace_path_update(struct trace_state *st, struct tpath *tp, const struct trace_event *ev,
		       const struct trace_hdr *h);
/* Could a base chain still see the packet after an accept at tp->hook? */
bool trace_path_more_chains(const struct trace_state *st, const struct tpath *tp,
			    const struct snap_ruleset *rs);
/* An event joined tp: count it, complete what is done, expire the quiet;
 * packets completed. */
int trace_path_fed(struct trace_state *st, struct tpath *tp, uint64_t now);

/* trace-path-legacy.c */
/* Feed an NFT_MSG_TRACE (trace-path.c) or an NFULNL_MSG_PACKET
 * (trace-path-legacy.c): trace_feed_msg()'s result. */
int trace_path_feed(struct trace_state *st, const struct nlmsghdr *nlh, const struct snap_ruleset *rs);
int trace_path_legacy_feed(struct trace_state *st, const struct nlmsghdr *nlh, const struct snap_ruleset *rs);

/* trace-complete.c */
/* Complete open path idx: final verdict, route, NAT, notes; into the ring. */
void trace_complete_at(struct trace_state *st, size_t idx);
/* The same for tp, if it is open. */
void trace_complete_path(struct trace_state *st, struct tpath *tp);
/* A reply (ct direction 1): link it with its original, which completes if
 * it lingered for it. */
void trace_complete_link_reply(struct trace_state *st, struct tpath *tp);

/* ---- the filter as nf_tables expressions (collect-trace-rule.c) ---- */

struct nftnl_rule;
/* Packets over rate per second: counted, and they leave iptop's chain
 * unmarked. reply: match the replies of the filter's connections (by the
 * original tuple) rather than the headers seen at hook. */
void collect_trace_rule_skip(struct nftnl_rule *r, const struct trace_filter *f, int hook, bool reply, int rate);
/* The marking rule: the same matches, nftrace set 1. */
void collect_trace_rule_mark(struct nftnl_rule *r, const struct trace_filter *f, int hook, bool reply);

/* ---- conntrack lookups for traced packets (collect-trace-ct.c) ---- */

struct collect_trace_ct;

/* A ctnetlink socket for lookups; NULL with errno. */
struct collect_trace_ct *collect_trace_ct_open(void);
void collect_trace_ct_close(struct collect_trace_ct *c);
/* trace_state_set_ct_lookup()'s fn, arg the collect_trace_ct: a GET by
 * the packet's original tuple, checked against its ct id. */
int collect_trace_ct_lookup(const struct trace_packet *p, struct trace_ct_tuples *t, void *arg);

/* ---- the live nfnetlink_log binding (collect-nflog.c) ---- */

struct nlsock;
struct trace_nflog;

/* Save nf_log.2/.10 (nfproto 0 both, or the one family) in the state
 * file, bind group 0 on sock (which must outlive the session), set them
 * to nfnetlink_log. NULL with *cause. */
struct trace_nflog *collect_nflog_start(struct nlsock *sock, uint8_t nfproto, char **cause);
/* Lines for the user (what was restored or changed), or NULL. */
const char *collect_nflog_notice(const struct trace_nflog *t);
/* The bindings it holds, for a status line: "nf_log.2, nf_log.10". */
const char *collect_nflog_bindings(const struct trace_nflog *t);
/* Restore the bindings, unbind, remove the state file. NULL is fine. */
void collect_nflog_stop(struct trace_nflog *t);

#endif
