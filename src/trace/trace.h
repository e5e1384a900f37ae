/*
 * trace.h - packet tracing with nf_tables trace events: a filter in
 * iptables words, a private owned table that marks matching packets with
 * nftrace, the NFNLGRP_NFTRACE listener, and the correlation of trace
 * events into one path per packet (hooks, rules, verdicts, NAT, conntrack).
 * Optionally (--trace-legacy) the iptables-legacy (x_tables) rules the same
 * packets walk, which the kernel reports through nfnetlink_log.
 *
 * Three layers, each usable alone:
 *   trace_filter_*   pure: parse "-p tcp --dport 80 -s 10.0.0.0/8"
 *   trace_state_*    pure: feed NFT_MSG_TRACE (and NFULNL_MSG_PACKET)
 *                    messages, live or recorded, get completed packet
 *                    paths; text and JSON output
 *   trace_session    live: sockets, the owned table, the nf_log binding,
 *                    non-blocking reads
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
/* The filter names addresses or ports: the connections it matches have
 * replies worth following. */
bool trace_filter_has_tuple(const struct trace_filter *f);
/* The filter as nft words ("meta l4proto icmp ip saddr 172.20.0.2"), the
 * way the kernel will match it; "" for an empty filter. */
void trace_filter_nft(const struct trace_filter *f, struct strbuf *sb);

/* ---- packet paths ------------------------------------------------------ */

enum trace_step_type {
	TRACE_STEP_RULE = 1,      /* a rule's verdict (or fell off the rule list: handle 0) */
	TRACE_STEP_RETURN,        /* returned from a regular chain */
	TRACE_STEP_POLICY,        /* base chain policy decided */
};

/* A verdict iptop cannot know: a legacy rule whose target decides at run
 * time, or a rule the snapshot no longer has. Not a kernel value. */
#define TRACE_VERDICT_UNKNOWN (-1000)

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
	/* Tell packets with the same addresses apart (not printed). */
	bool has_ipid;            /* IPv4 identification */
	uint16_t ipid;
	bool has_seq;             /* TCP sequence and ack, ICMP echo sequence (seq) */
	uint32_t seq, ack;
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
	bool loop;                /* the first step after the packet looped back in through lo */
	bool nat_chain;           /* the chain is of type nat */
	uint32_t trace_id;        /* the kernel's id (changes between hooks); 0 legacy */
	uint64_t t_ns;
	struct trace_hdr hdr;     /* valid when this event carried headers */
	bool legacy;              /* an iptables-legacy (x_tables) chain, from nfnetlink_log */
	unsigned int rulenum;     /* legacy: the kernel's rule number in the chain (1-based;
	                           * the tail entry, policy or return, is nrules + 1) */
};

struct trace_packet {
	uint64_t id;              /* 1, 2, ... in order of first event */
	uint64_t t_first_ns, t_last_ns;
	double wall;              /* wall clock of the first event */
	struct trace_hdr pkt;     /* as first seen */
	struct trace_hdr last;    /* as last seen (differs after DNAT/de-NAT) */
	char iif[TRACE_IFNAMSIZ + 8];   /* "" when none; "if#N" when unresolvable */
	char oif[TRACE_IFNAMSIZ + 8];
	char oif_before[TRACE_IFNAMSIZ + 8]; /* the output interface an earlier event showed
	                          * when it changed (re-routed, e.g. by nat OUTPUT DNAT); "" none */
	bool looped;              /* went out through lo and came back in (one packet) */
	uint64_t skipped;         /* packets the rate limit kept from tracing, when this completed */
	bool has_mark;
	uint32_t mark;
	struct trace_ct ct;       /* latest ct info seen (a CT target's template is not) */
	bool ct_new;              /* the latest ct state is NEW */
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
/* Wall clock (s) of the next messages (replay: when they were recorded);
 * 0 = now. */
void trace_state_set_wall(struct trace_state *st, double wall);
/* Interface names: resolver for ifindex, writing into buf (TRACE_IFNAMSIZ
 * + 8 bytes). Default: if_indextoname in the current namespace, "if#N"
 * when unknown. */
void trace_state_set_ifname(struct trace_state *st,
			    const char *(*fn)(uint32_t ifindex, char *buf, void *arg), void *arg);
/* A connection's tuples, as conntrack has them. */
struct trace_ct_tuples {
	bool valid;
	bool ports;
	char orig_src[46], orig_dst[46], repl_src[46], repl_dst[46];
	uint16_t orig_sport, orig_dport, repl_sport, repl_dport;
};
/* Ask conntrack for a completed original-direction packet's connection
 * when its source NAT happened after its last event and its reply was not
 * traced (fn returns 0 and fills the tuples, -1 if unknown). Live sessions
 * set it; without it such a source NAT stays "rewritten after
 * postrouting". */
void trace_state_set_ct_lookup(struct trace_state *st,
			       int (*fn)(const struct trace_packet *p, struct trace_ct_tuples *t, void *arg),
			       void *arg);
/* Ignore events from this table (the tracer's own). Default "iptop_trace". */
void trace_state_set_own_table(struct trace_state *st, const char *name);
void trace_state_set_forward_start(struct trace_state *st, bool on);
/* Legacy rules are not being traced (no --trace-legacy): packets that
 * pass a hook where the snapshot has iptables-legacy chains get a note
 * saying so. NFULNL messages are parsed whenever they come (a recording
 * made with --trace-legacy replays with its legacy steps). */
void trace_state_set_legacy_untraced(struct trace_state *st, bool on);
/* Lines about the session for the user, kept with its packets (the live
 * session sets them at start: nf_log changed or recovered, legacy rules
 * not traced); NULL if none. */
void trace_state_set_notice(struct trace_state *st, const char *text);
const char *trace_state_notice(const struct trace_state *st);

/* Feed one netlink message (nlmsg_len bytes must be readable: check it
 * against what you read). NFT_MSG_TRACE is parsed and correlated; so is
 * an NFULNL_MSG_PACKET whose prefix is a legacy "TRACE: ..." line (a
 * step in an iptables-legacy chain, joined to the packet it belongs to by
 * its headers); other messages are ignored (return 0). rs (may be NULL)
 * gives base chain hooks and rule text, and maps legacy rule numbers to
 * rules. Returns the number of packets completed, or -1 for a malformed
 * trace message (ignored; state unchanged). */
int trace_feed_msg(struct trace_state *st, const struct nlmsghdr *nlh, const struct snap_ruleset *rs);
/* Complete packets quiet for longer than the settle time (200 ms) at
 * now_ns (0: clock). Returns the number completed. */
int trace_complete_expire(struct trace_state *st, uint64_t now_ns);
/* Complete every open packet (end of input). */
int trace_complete_flush(struct trace_state *st);
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
/* Packets the filter matched but the rate limit kept from being traced
 * (the kernel's counter in iptop's table, read by the live session), since
 * the state began; packets record the count when they complete. */
void trace_state_set_skipped(struct trace_state *st, uint64_t n);
uint64_t trace_state_skipped(const struct trace_state *st);
/* The tracer's table has late chains (+300, after conntrack and NAT;
 * "late-*"): an accepted packet is complete when it reaches the late
 * chain at input or postrouting, and the late events give its final
 * addresses, interface and conntrack state. Set for live sessions (and
 * replays of them). */
void trace_state_set_late(struct trace_state *st, bool on);
/* The lowest id of a packet still open (UINT64_MAX if none): output in id
 * order waits for it. */
uint64_t trace_state_oldest_open(const struct trace_state *st);
/* Legacy hops lost: gaps in nfnetlink_log's sequence numbers. */
uint64_t trace_state_legacy_lost(const struct trace_state *st);

/*
 * The prefix ip_tables/ip6_tables give nf_log_trace() for a packet with
 * nf_trace set: "TRACE: TABLE:CHAIN:TYPE:RULENUM " with TYPE rule, return
 * or policy. Fills table and chain (NUL-terminated, truncated to their
 * sizes), *type and *rulenum; returns 0, or -1 if prefix is not such a
 * line (another nf_log user, e.g. conntrack's invalid-packet messages).
 * Pure.
 */
int trace_nflog_prefix(const char *prefix, char *table, size_t tablesz, char *chain, size_t chainsz,
		       enum trace_step_type *type, unsigned int *rulenum);

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
 *    "rule" (text or null), "verdict", "target", "trace_id" (null for
 *    legacy), "backend" "nf_tables"|"legacy", "rulenum" (legacy) or null}]}
 * "verdict" also carries "backend".
 * Fields that don't apply to the protocol are left out of "packet".
 */
void trace_path_json(const struct trace_packet *p, struct strbuf *sb);

/* "N packets matched but not traced (rate limit)"; nothing for 0. */
void trace_skipped_text(uint64_t skipped, struct strbuf *sb);
/* Names: "accept", "drop", "continue", "jump", "return", ... */
const char *trace_verdict_name(int32_t verdict);
/* "new", "established,related", ... */
void trace_ct_state_text(uint32_t state, struct strbuf *sb);
/* "SEEN_REPLY,ASSURED,CONFIRMED" */
void trace_ct_status_text(uint32_t status, struct strbuf *sb);
const char *trace_route_name(enum trace_route r);

/* ---- live session ------------------------------------------------------ */

struct trace_session;

/* collect_trace_start_flags: also trace iptables-legacy rules (see below). */
#define TRACE_LEGACY 1u
/* A filter on addresses or ports also traces the replies of the
 * connections it matched (by their conntrack original tuple); these trace
 * one direction only (--trace-dir orig, --trace-dir reply). */
#define TRACE_ORIG_ONLY 2u
#define TRACE_REPLY_ONLY 4u


/*
 * What TRACE_LEGACY changes in the current network namespace, in words
 * for a confirmation (allocated, lines end in '\n'): the nf_log bindings
 * (net.netfilter.nf_log.2 for IPv4, .10 for IPv6; nfproto 0 both, or one
 * family) as they are now, that they become nfnetlink_log while tracing,
 * what else that redirects, and that they are restored when the trace
 * stops. For a confirmation before TRACE_LEGACY (stderr in batch mode, L
 * in the dashboard's trace view).
 */
char *collect_nflog_plan(uint8_t nfproto);
/*
 * An iptop that traced legacy rules and died without restoring nf_log
 * (SIGKILL, a crash) left its saved values in /run/iptop/nflog-*.state:
 * restore those of the current namespace now (only where the binding is
 * still nfnetlink_log, i.e. nobody changed it since). Returns 1 and *msg
 * (allocated) saying what was restored, 0 if there was nothing to do, -1
 * with *msg on failure. Called by trace_start; cheap.
 */
int collect_nflog_recover(char **msg);

/*
 * Start tracing in the current network namespace: parse filter, join
 * NFNLGRP_NFTRACE, install `table inet iptop_trace` (flags owner: the
 * kernel deletes it when this process's socket closes, even after a
 * crash) with base chains at priority -350 whose one rule sets nftrace on
 * matching packets, at most rate_per_s per second (<= 0: 10). NULL with
 * *cause on failure ("trace filter: ...", "tracing needs CAP_NET_ADMIN",
 * "packet tracing unavailable on this kernel: ...").
 */
struct trace_session *collect_trace_start(const char *filter, int rate_per_s, char **cause);
/*
 * The same with flags. TRACE_LEGACY: before the table goes in, save the
 * namespace's nf_log bindings for the filter's families (state file
 * under /run/iptop, locked while running), bind the event socket to
 * nfnetlink_log group 0 (where nf_log_trace() sends legacy "TRACE:" lines
 * when nf_log is nfnetlink_log) and set the bindings to nfnetlink_log;
 * collect_trace_stop() restores them. The same socket carries both kinds of
 * message, so they arrive in the order the kernel produced them. Errors:
 * "legacy tracing is already running in this network namespace ...",
 * "nfnetlink_log group 0 is in use ...", "cannot set
 * net.netfilter.nf_log.2: ...".
 */
struct trace_session *collect_trace_start_flags(const char *filter, int rate_per_s, unsigned int flags, char **cause);
/* The same, going on with the packets of a state taken from an earlier
 * session (collect_trace_take_state; its open packets complete, numbers
 * go on). On success the session owns keep; on failure the caller still
 * does. keep NULL: a new state. */
struct trace_session *collect_trace_start_keep(const char *filter, int rate_per_s, unsigned int flags,
				       struct trace_state *keep, char **cause);
/* Take the state out of a session (before trace_stop), to hand it to the
 * next one. */
struct trace_state *collect_trace_take_state(struct trace_session *s);
/* What happened at start the user should know (a recovered nf_log from a
 * crashed iptop; the nf_log values changed; legacy tables here are not
 * traced), one line each, or NULL. Also trace_state_notice(). */
const char *collect_trace_notice(const struct trace_session *s);
/* TRACE_LEGACY is active. */
bool collect_trace_legacy_active(const struct trace_session *s);
/* TRACE_LEGACY: the nf_log bindings the session holds ("nf_log.2,
 * nf_log.10"); NULL without it. */
const char *collect_trace_legacy_bindings(const struct trace_session *s);
/* Record every trace message read as REC_TRACE frames (rec not owned). */
void collect_trace_set_record(struct trace_session *s, struct record *rec);
/* fd to poll for trace events. */
int collect_trace_fd(const struct trace_session *s);
/* Read what is pending (never blocks), feed it, complete quiet packets.
 * Call when collect_trace_fd is readable and at collect_trace_timeout_ms. Returns the
 * number of packets completed by this call, or -1 with errno on a socket
 * error. Lost events (ENOBUFS) are counted in collect_trace_lost(). */
int collect_trace_read(struct trace_session *s, const struct snap_ruleset *rs);
/* Poll timeout for the loop: ms until an open packet settles, -1 none. */
int collect_trace_timeout_ms(const struct trace_session *s);
struct trace_state *collect_trace_state(struct trace_session *s);
/* Times the socket overflowed (events lost). */
uint64_t collect_trace_lost(const struct trace_session *s);
/* The compiled rule in nft words, for a status line. */
const char *collect_trace_rule_text(const struct trace_session *s);
/* Delete the table, close the sockets, free everything. */
void collect_trace_stop(struct trace_session *s);

#endif
