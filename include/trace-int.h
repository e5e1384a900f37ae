/*
 * trace-int.h - inside the trace collector: one NFT_MSG_TRACE message as
 * parsed by trace-event.c, one nfnetlink_log legacy "TRACE:" message as
 * parsed by trace-nflog.c, for the correlation in trace-path.c. Not for
 * other rooms (they use trace.h).
 */
#ifndef TRACE_INT_H
#define TRACE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

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
void trace_hdr_from_packet(const uint8_t *nh, size_t len, struct trace_hdr *h);

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

/* ---- the live nfnetlink_log binding (collect-nflog.c) ---- */

struct nlsock;
struct trace_nflog;

/* Save nf_log.2/.10 (nfproto 0 both, or the one family) in the state
 * file, bind group 0 on sock (which must outlive the session), set them
 * to nfnetlink_log. NULL with *cause. */
struct trace_nflog *trace_nflog_start(struct nlsock *sock, uint8_t nfproto, char **cause);
/* Lines for the user (what was restored or changed), or NULL. */
const char *trace_nflog_notice(const struct trace_nflog *t);
/* Restore the bindings, unbind, remove the state file. NULL is fine. */
void trace_nflog_stop(struct trace_nflog *t);

#endif
