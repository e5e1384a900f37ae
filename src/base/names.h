/*
 * names.h - the words netfilter's numbers are written in, kept in one
 * place: verdicts (nft's "accept", iptables' "ACCEPT") and ICMP/ICMPv6
 * types and codes as nft names them. Pure lookups, no state; NULL for a
 * number without a name (the caller writes the number).
 */
#ifndef NAMES_H
#define NAMES_H

#include <stdbool.h>
#include <stdint.h>

/* nft's word for a verdict code: NF_DROP..NF_STOP ("drop", "accept",
 * "stolen", "queue", "repeat", "stop") and NFT_CONTINUE, NFT_BREAK,
 * NFT_JUMP, NFT_GOTO, NFT_RETURN ("continue" ... "return"), else NULL. */
const char *names_verdict(int32_t v);
/* The same in iptables' upper-case words ("ACCEPT", "DROP", "QUEUE",
 * "STOLEN", "REPEAT", "STOP", "RETURN"); NULL for the others (continue,
 * break, jump and goto have no iptables word). */
const char *names_verdict_ipt(int32_t v);

/* An ICMP (v6 false) or ICMPv6 type as nft names it ("echo-request",
 * "nd-neighbor-solicit"), or NULL. */
const char *names_icmp_type(bool v6, uint8_t type);
/* An ICMP / ICMPv6 destination-unreachable code as nft names it
 * ("port-unreachable", "admin-prohibited"), or NULL. */
const char *names_icmp_code(bool v6, uint8_t code);
/* nft's family-neutral reject code (icmpx: "no-route", "port-unreachable",
 * "host-unreachable", "admin-prohibited"), or NULL. */
const char *names_icmpx_code(uint8_t code);

/* A layer-4 protocol in the packet lines of traces ("tcp", "udp", "icmp",
 * "icmpv6", "sctp", "udplite", "gre", "esp", "ah", "igmp"), or NULL. */
const char *names_ip_proto(uint8_t proto);

#endif
