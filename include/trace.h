/*
 * trace.h - packet tracing with nf_tables trace events: a filter in
 * iptables words, a private owned table that marks matching packets with
 * nftrace, the NFNLGRP_NFTRACE listener, and the correlation of trace
 * events into one path per packet (hooks, rules, verdicts, NAT, conntrack).
 *
 * Three layers, each usable alone:
 *   trace_filter_*   pure: parse "-p tcp --dport 80 -s 10.0.0.0/8"
 *   trace_state_*    pure: feed NFT_MSG_TRACE messages (live or recorded),
 *                    get completed packet paths; text and JSON output
 *   trace_session    live: sockets, the owned table, non-blocking reads
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "iptop.h"
#include "snapshot.h"

struct record;

/* IFNAMSIZ, without pulling <net/if.h> (it clashes with <linux/if.h>). */
#define TRACE_IFNAMSIZ 16

/* ---- filter ------------------------------------------------------------ */

struct trace_addr {
	bool set;
	bool inv;
	uint8_t nfproto;          /* NFPROTO_IPV4 or NFPROTO_IPV6 */
	uint8_t addr[16];         /* network order, masked to plen */
	uint8_t plen;             /* prefix length */
};

struct trace_ports {
	bool set;
	bool inv;
	uint16_t lo, hi;          /* host order, lo <= hi */
};

struct trace_ifname {
	bool set;
	bool inv;
	bool wildcard;            /* "eth+": every name starting with "eth" */
	char name[TRACE_IFNAMSIZ]; /* without the '+' */
};

struct trace_filter {
	uint8_t nfproto;          /* 0 both, NFPROTO_IPV4 (-4), NFPROTO_IPV6 (-6) */
	bool proto_set;
	bool proto_inv;
	uint8_t proto;            /* IPPROTO_* */
	struct trace_addr src, dst;
	struct trace_ports sport, dport;
	bool icmp_type_set;
	bool icmp_type_inv;
	uint8_t icmp_type;
	int icmp_code;            /* -1: any */
	struct trace_ifname iif, oif;
};

/*
 * Parse a filter written in iptables words: -4 -6, [!] -p PROTO,
 * [!] -s/-d ADDR[/LEN|/MASK], [!] --sport/--dport PORT[:PORT] (needs -p
 * tcp/udp/sctp/udplite), [!] --icmp-type TYPE[/CODE], [!] -i/-o NAME[+],
 * -m tcp|udp|... (accepted, no effect). "" traces everything. Returns 0,
 * or -1 with *cause "trace filter: ..." (allocated). Never touches the
 * kernel.
 */
int trace_filter_parse(const char *text, struct trace_filter *f, char **cause);
/* The filter as nft words ("meta l4proto icmp ip saddr 172.20.0.2"), the
 * way the kernel will match it; "" for an empty filter. */
void trace_filter_nft(const struct trace_filter *f, struct strbuf *sb);

/* ---- packet paths ------------------------------------------------------ */

enum trace_step_type {
	TRACE_STEP_RULE = 1,      /* a rule's verdict (or fell off the rule list: handle 0) */
	TRACE_STEP_RETURN,        /* returned from a regular chain */
	TRACE_STEP_POLICY,        /* base chain policy decided */
};

enum trace_route {
	TRACE_ROUTE_UNKNOWN,
	TRACE_ROUTE_INPUT,        /* routed to this host */
	TRACE_ROUTE_FORWARD,      /* routed through */
	TRACE_ROUTE_OUTPUT,       /* locally generated */
	TRACE_ROUTE_NONE,         /* dropped before the routing decision */
};

/* The packet's headers as one trace event showed them. */
struct trace_hdr {
	bool valid;
	uint8_t nfproto;          /* NFPROTO_IPV4 / NFPROTO_IPV6 */
	uint8_t proto;            /* IPPROTO_* (IPv6: next header) */
	char src[46], dst[46];    /* INET6_ADDRSTRLEN */
	bool has_ports;
	uint16_t sport, dport;
	bool has_icmp;
	uint8_t icmp_type, icmp_code;
	bool has_icmp_id;
	uint16_t icmp_id;
	uint8_t tcp_flags;        /* has_ports && proto tcp */
	uint16_t len;             /* IP total length */
	uint8_t ttl;
};

struct trace_ct {
	bool valid;               /* the kernel sent conntrack info (6.16+) */
	bool has_id;
	uint32_t id;
	uint8_t dir;              /* 0 original, 1 reply */
	uint32_t state;           /* NF_CT_STATE bits: 0x8 new, 0x2 established, ... */
	uint32_t status;          /* IPS_* bits */
};

struct trace_step {
	int hook;                 /* NF_INET_*; -1 unknown */
	uint8_t family;           /* table family: NFPROTO_IPV4, _IPV6, _INET, ... */
	char *table;
	char *chain;
	uint64_t handle;          /* 0: no rule (end of the rule list, policy) */
	enum trace_step_type type;
	int32_t verdict;          /* NF_ACCEPT, NF_DROP, NFT_CONTINUE, NFT_JUMP, ... */
	char *target;             /* jump/goto target chain, or NULL */
	int policy;               /* TRACE_STEP_POLICY: NF_ACCEPT / NF_DROP */
	char *rule;               /* rule text from the snapshot, or NULL */
	bool nat_chain;           /* the chain is of type nat */
	uint32_t trace_id;        /* the kernel's id (changes between hooks) */
	uint64_t t_ns;
	struct trace_hdr hdr;     /* valid when this event carried headers */
};

struct trace_packet {
	uint64_t id;              /* 1, 2, ... in order of first event */
	uint64_t t_first_ns, t_last_ns;
	double wall;              /* wall clock of the first event */
	struct trace_hdr pkt;     /* as first seen */
	struct trace_hdr last;    /* as last seen (differs after DNAT/de-NAT) */
	char iif[TRACE_IFNAMSIZ + 8];   /* "" when none; "if#N" when unresolvable */
	char oif[TRACE_IFNAMSIZ + 8];
	bool has_mark;
	uint32_t mark;
	struct trace_ct ct;       /* latest ct info seen */
	bool ct_new;              /* ct state was NEW at some step */
	enum trace_route route;
	bool local_out;
	/* NAT: address changes between events (DNAT, de-NAT of replies), and
	 * the SNAT the kernel applies after the last event (from ct status;
	 * the new address is learnt from the reply when it was traced). */
	bool nat_src, nat_dst;
	char nat_src_to[46], nat_dst_to[46];
	uint16_t nat_sport_to, nat_dport_to;   /* when pkt.has_ports */
	bool snat_pending;        /* SRC_NAT set but the rewrite happens after tracing */
	int32_t verdict;          /* final: NF_ACCEPT, NF_DROP, ... or -1 unknown */
	int verdict_step;         /* index of the step that decided, -1 */
	uint64_t reply_of;        /* this is the reply of packet id N (0: not known) */
	uint64_t reply;           /* packet id of its traced reply (0: none yet) */
	bool complete;
	bool from_forward_hook;   /* filter had -o: tracing starts at forward */
	char *note;               /* e.g. why a reply skips the nat chains */
	size_t nsteps;
	struct trace_step *steps;
};

struct trace_state;

struct trace_state *trace_state_new(void);
void trace_state_free(struct trace_state *st);
/* Keep at most max completed packets (default 200). */
void trace_state_set_limit(struct trace_state *st, size_t max);
/* Time source for the next messages (replay); 0 = the monotonic clock. */
void trace_state_set_clock(struct trace_state *st, uint64_t now_ns);
/* Interface names: resolver for ifindex, writing into buf (TRACE_IFNAMSIZ
 * + 8 bytes). Default: if_indextoname in the current namespace, "if#N"
 * when unknown. */
void trace_state_set_ifname(struct trace_state *st,
			    const char *(*fn)(uint32_t ifindex, char *buf, void *arg), void *arg);
/* Ignore events from this table (the tracer's own). Default "iptop_trace". */
void trace_state_set_own_table(struct trace_state *st, const char *name);
void trace_state_set_forward_start(struct trace_state *st, bool on);

/* Feed one netlink message (nlmsg_len bytes must be readable: check it
 * against what you read). NFT_MSG_TRACE is parsed and correlated; other
 * messages are ignored (return 0). rs (may be NULL) gives base chain
 * hooks and rule text. Returns the number of packets completed, or -1 for
 * a malformed trace message (ignored; state unchanged). */
int trace_feed_msg(struct trace_state *st, const struct nlmsghdr *nlh, const struct snap_ruleset *rs);
/* Complete packets quiet for longer than the settle time (200 ms) at
 * now_ns (0: clock). Returns the number completed. */
int trace_state_expire(struct trace_state *st, uint64_t now_ns);
/* Complete every open packet (end of input). */
int trace_state_flush(struct trace_state *st);
/* ms until the next open packet would expire; -1 if none open. */
int trace_state_timeout_ms(const struct trace_state *st, uint64_t now_ns);

/* Completed packets in the order they completed, oldest first: index
 * 0 .. count-1. Pointers stay valid until the next feed/expire/flush. A
 * call that returned n completed packets added the last n. */
size_t trace_state_count(const struct trace_state *st);
const struct trace_packet *trace_state_packet(const struct trace_state *st, size_t i);
const struct trace_packet *trace_state_find(const struct trace_state *st, uint64_t id);
/* Total completed since the start (ring drops included). */
uint64_t trace_state_total(const struct trace_state *st);
/* Malformed messages ignored. */
uint64_t trace_state_bad(const struct trace_state *st);

/* One packet as text: a header line, one line per step, the routing
 * decision, NAT, the verdict. Lines end in '\n'. */
void trace_path_text(const struct trace_packet *p, struct strbuf *sb);
/*
 * One packet as a JSON object (no newline):
 *   {"id", "time" (wall clock s), "packet": {"family" "ip"|"ip6", "src",
 *    "dst", "proto", "sport", "dport", "tcp_flags", "icmp_type",
 *    "icmp_code", "icmp_name", "icmp_id", "len", "ttl", "iif", "oif",
 *    "mark"}, "direction": "original"|"reply"|null, "ct": {"id",
 *    "direction", "state", "new", "status"}|null, "route":
 *    "input"|"forward"|"output"|"none"|"unknown", "nat": {"src"|"dst":
 *    {"before", "after", "before_port", "after_port"}}|null, "verdict":
 *    {"verdict", "hook", "table", "chain", "handle", "policy", "rule"}|null,
 *    "reply_of", "reply" (packet ids or null), "note", "steps": [{"hook",
 *    "family", "table", "chain", "handle", "type" "rule"|"return"|"policy",
 *    "rule" (text or null), "verdict", "target", "trace_id"}]}
 * Fields that don't apply to the protocol are left out of "packet".
 */
void trace_path_json(const struct trace_packet *p, struct strbuf *sb);

/* Names: "accept", "drop", "continue", "jump", "return", ... */
const char *trace_verdict_name(int32_t verdict);
/* "new", "established,related", ... */
void trace_ct_state_text(uint32_t state, struct strbuf *sb);
/* "SEEN_REPLY,ASSURED,CONFIRMED" */
void trace_ct_status_text(uint32_t status, struct strbuf *sb);
const char *trace_route_name(enum trace_route r);

/* ---- live session ------------------------------------------------------ */

struct trace_session;

/*
 * Start tracing in the current network namespace: parse filter, join
 * NFNLGRP_NFTRACE, install `table inet iptop_trace` (flags owner: the
 * kernel deletes it when this process's socket closes, even after a
 * crash) with base chains at priority -350 whose one rule sets nftrace on
 * matching packets, at most rate_per_s per second (<= 0: 10). NULL with
 * *cause on failure ("trace filter: ...", "tracing needs CAP_NET_ADMIN",
 * "packet tracing unavailable on this kernel: ...").
 */
struct trace_session *trace_start(const char *filter, int rate_per_s, char **cause);
/* Record every trace message read as REC_TRACE frames (rec not owned). */
void trace_set_record(struct trace_session *s, struct record *rec);
/* fd to poll for trace events. */
int trace_fd(const struct trace_session *s);
/* Read what is pending (never blocks), feed it, complete quiet packets.
 * Call when trace_fd is readable and at trace_timeout_ms. Returns the
 * number of packets completed by this call, or -1 with errno on a socket
 * error. Lost events (ENOBUFS) are counted in trace_lost(). */
int trace_read(struct trace_session *s, const struct snap_ruleset *rs);
/* Poll timeout for the loop: ms until an open packet settles, -1 none. */
int trace_timeout_ms(const struct trace_session *s);
struct trace_state *trace_session_state(struct trace_session *s);
/* Times the socket overflowed (events lost). */
uint64_t trace_lost(const struct trace_session *s);
/* The compiled rule in nft words, for a status line. */
const char *trace_rule_text(const struct trace_session *s);
/* Delete the table, close the sockets, free everything. */
void trace_stop(struct trace_session *s);

#endif
