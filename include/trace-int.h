/*
 * trace-int.h - inside the trace collector: one NFT_MSG_TRACE message as
 * parsed by trace-event.c, for the correlation in trace-path.c. Not for
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

#endif
