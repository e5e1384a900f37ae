/*
 * view-flows.h - words for a conntrack flow as the connections view and
 * its columns show them (view-flows-words.c): tuples with arrows, the NAT
 * kind with its address, state, zone, timeout, the '/' filter.
 */
#ifndef VIEW_FLOWS_H
#define VIEW_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conntrack.h"

/* "src:port→dst:port" (ICMP: " id N", GRE: " keys 0xS→0xD"); *split (may
 * be NULL): bytes before the arrow, *end (may be NULL): where the
 * destination ends. */
void view_flows_words_tuple_at(const struct ct_flow *f, const struct ct_tuple *t, char *buf, size_t n,
			       size_t *split, size_t *end);
void view_flows_words_tuple(const struct ct_flow *f, const struct ct_tuple *t, char *buf, size_t n, size_t *split);
/* conntrack -L's protocol name, or "proto N". */
const char *view_flows_words_proto(uint8_t proto, char *buf, size_t n);
/* "SNAT", "DNAT", "BOTH" or "". */
const char *view_flows_words_nat(enum ct_nat nat);
/* The NAT kind with the address it rewrote to: "SNAT 203.0.113.10". */
void view_flows_words_nat_long(const struct ct_flow *f, char *buf, size_t n);
/* TCP state, "closed", or UNREPLIED / seen reply / ASSURED. */
const char *view_flows_words_state(const struct ct_flow *f);
/* The zone, or "orig/reply" with directional zones. */
void view_flows_words_zone(const struct ct_flow *f, char *buf, size_t n);
/* Sort key: the original direction's zone, then the reply's. */
uint32_t view_flows_words_zone_key(const struct ct_flow *f);
bool view_flows_words_any_zone(const struct ct_flow *f);
/* Seconds left as a person reads them; "—" for a closed flow. */
void view_flows_words_timeout(const struct ct_flow *f, char *buf, size_t n);
/* "12/3K": two counts. */
void view_flows_words_pair(char *buf, size_t n, uint64_t a, uint64_t b);
/* Does '/' pattern match the flow's words (as shown and as conntrack -L
 * prints them)? An empty pattern matches. */
bool view_flows_words_match(const struct ct_flow *f, const char *pattern);

#endif
