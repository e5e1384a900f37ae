/*
 * conntrack-text.h - conntrack flows as words: names as conntrack -L
 * prints them, tuples, one-line flows, the batch text and the "conntrack"
 * JSON object (their order and counters are the model's, model-conntrack.h),
 * and a flow's routing decision (asks the kernel through route.h).
 * No curses.
 */
#ifndef CONNTRACK_TEXT_H
#define CONNTRACK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conntrack.h"

struct json;
struct model_ct;
struct nlroute;
struct route_result;

/* One line as conntrack -L expect prints it ("297 proto=6 src=... helper=ftp"). */
void conntrack_text_expect(const struct ct_expect *e, struct strbuf *sb);
/* "snat", "dnat", "both", or NULL for CT_NAT_NONE. */
const char *conntrack_text_nat(enum ct_nat nat);
/* "tcp", "udp", "icmp", "icmpv6", "sctp", ... or "unknown". */
const char *conntrack_text_proto(uint8_t proto);
/* conntrack_text_proto(), or the number as text ("99") where that says
 * "unknown". buf needs 4 bytes. */
const char *conntrack_text_proto_word(uint8_t proto, char *buf, size_t len);
/* A duration as a person reads it, the two biggest units, cut: "42s",
 * "1m30s", "5h", "4d23h" (431995 s). buf needs 16 bytes. */
void conntrack_text_duration(uint32_t secs, char *buf, size_t len);
/* Any ct label set? */
bool conntrack_text_has_labels(const struct ct_flow *f);
/* The set label bits as "3,100" (nothing when none). */
void conntrack_text_labels(const struct ct_flow *f, struct strbuf *sb);
/* "ESTABLISHED", "TIME_WAIT", ... as conntrack -L prints them; NULL when
 * the protocol has no state (UDP, ICMP). */
const char *conntrack_text_state(const struct ct_flow *f);
/* "[ASSURED]", "[UNREPLIED]", "[OFFLOAD]", "[HW_OFFLOAD]" or "" (two may
 * apply: UNREPLIED goes after the original tuple, the others at the end). */
const char *conntrack_text_flag(const struct ct_flow *f);
/* Address (network order bytes: a union ct_addr or a route.h address) as
 * text. buf needs INET6_ADDRSTRLEN. */
const char *conntrack_text_addr(uint8_t family, const void *addr, char *buf, size_t len);
/* "src=A dst=B sport=N dport=M" or "src=A dst=B type=T code=C id=I". */
void conntrack_text_tuple(const struct ct_flow *f, const struct ct_tuple *t, struct strbuf *sb);
/* One line like conntrack -L, plus " nat=snat" and " id=N" (no newline). */
void conntrack_text_flow(const struct ct_flow *f, struct strbuf *sb);

/*
 * Append `"conntrack": {...}` (no surrounding braces or comma) to sb:
 * count, max, acct, status, error, resyncs, events_lost and up to limit
 * live flows (0: all) in the model's rate order (model_ct_by_rate: m is
 * synced with t). See doc/json.md.
 */
void conntrack_text_json(const struct model_ct *m, const struct ct_table *t, struct strbuf *sb, size_t limit);
/* The same member written by j (inside the object j has open). */
void conntrack_text_json_write(const struct model_ct *m, const struct ct_table *t, struct json *j, size_t limit);
/* Batch text: a summary line, then one conntrack_text_flow() line per live
 * flow (up to limit, 0: all), ordered like the JSON. Lines end with '\n'. */
void conntrack_text_table(const struct model_ct *m, const struct ct_table *t, struct strbuf *sb, size_t limit);

/*
 * Which way the kernel routes this flow's original direction: from a local
 * source → OUTPUT; else the input interface is taken as the route back to
 * the source, and the post-DNAT destination (reply source) decides INPUT
 * (local) or FORWARD. -1/errno when the kernel has no route (res->error).
 */
int conntrack_text_route(struct nlroute *r, const struct ct_flow *f, struct route_result *res);

#endif
