/*
 * rule-text.h - nf_tables rule expressions to the text users write:
 * `iptables -S` words for tables iptables-nft manages, nft words for native
 * tables and for single rules iptables cannot express. Pure: works on a
 * parsed libnftnl rule, never on a socket, so recordings render the same.
 */
#ifndef RULE_TEXT_H
#define RULE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct nftnl_rule;

struct rule_text {
	enum rule_syntax syntax;
	char *text;          /* allocated; see struct snap_rule.text */
	char *target_chain;  /* jump/goto destination or NULL (allocated) */
	bool is_goto;
	char *comment;       /* allocated or NULL */
	bool counted;        /* a counter expression was present */
	uint64_t packets;
	uint64_t bytes;
};

/*
 * Render one rule. family is the table's family (NFPROTO_*); ipt says the
 * table is an iptables-nft table, so iptables syntax is tried first
 * ("-A CHAIN ..." exactly as `iptables -S` / `ip6tables -S` print it).
 * When a rule holds anything iptables cannot express, or ipt is false, the
 * text is nft syntax ("ip saddr 192.0.2.1 counter drop") and syntax says so.
 * Never fails: unknown expressions are shown by name ("[xyz]"), and an
 * x_tables extension whose blob is not decoded keeps its name with "[?]"
 * in place of its options ("-m hashlimit [?]", "-m u32 [?]"). ipt for
 * an arp or bridge table still gives nft syntax (no ebtables words).
 */
void rule_text_render(const struct nftnl_rule *r, uint8_t family, bool ipt, struct rule_text *out);
void rule_text_free(struct rule_text *rt);

/* Is (family, table) one iptables-nft writes? (ip/ip6 filter, nat, mangle,
 * raw, security; arp filter; bridge filter, nat, broute) */
bool rule_text_ipt_table(uint8_t family, const char *table);

/*
 * (rule-text-legacy.c) Render one x_tables entry of an iptables-legacy
 * table: a struct ipt_entry (family NFPROTO_IPV4) or struct ip6t_entry
 * (NFPROTO_IPV6) with its matches and target, len bytes long (at least
 * next_offset), as `iptables-legacy -S` prints it: "-A CHAIN ...". These
 * are the same xt blobs the compat expressions of iptables-nft carry.
 * A standard target's verdict >= 0 is an offset into the table blob;
 * jump_name(verdict, arg) names the chain it lands in, or returns "" for
 * a fallthrough (the next entry: a rule without -j), or NULL when the
 * offset is nowhere ("-j [offset N]"). counted is true, with the entry's
 * counters. Never fails.
 */
void rule_text_render_xt_entry(const void *entry, size_t len, uint8_t family, const char *chain,
			       const char *(*jump_name)(uint32_t verdict, void *arg), void *arg,
			       struct rule_text *out);

#endif
