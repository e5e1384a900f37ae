/*
 * collect-observe.h - hook observation (`--observe`): iptop's own owned
 * table `inet iptop_observe` with one counter-only base chain per protocol
 * family and hook at the first priority, so the packets entering each hook
 * can be counted (rule counters count rule evaluations, not packets).
 * The counters arrive with the ruleset snapshot like any other table; this
 * file installs the table and names its chains. Never touches the user's
 * tables.
 */
#ifndef COLLECT_OBSERVE_H
#define COLLECT_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

#define OBSERVE_TABLE "iptop_observe"

struct collect_observe;

/* Install the table in the current namespace on a socket kept open: the
 * kernel deletes the table when the socket closes (NFT_TABLE_F_OWNER), so
 * nothing survives iptop, even after SIGKILL. When another process (another
 * iptop) already owns it, its counters are used as they are and *notice
 * says so. NULL with *cause when it cannot (no CAP_NET_ADMIN, a kernel
 * without owned tables). */
struct collect_observe *collect_observe_start(char **cause, char **notice);
void collect_observe_stop(struct collect_observe *o);

/* Is ch one of the observation chains? Then its family (NFPROTO_IPV4 /
 * NFPROTO_IPV6) and hook (NF_INET_*). */
bool collect_observe_chain(const struct snap_chain *ch, uint8_t *nfproto, int *hook);

#endif
