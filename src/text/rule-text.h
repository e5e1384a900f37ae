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
struct nlattr;
struct nlmsghdr;
struct rule_text_sets;

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
 * in place of its options ("-m bpf [?]", "-m sctp [?]"). ipt for
 * the arp filter table gives `arptables -S` words; for a bridge table
 * `ebtables-save` words for what ebtables-nft writes natively.
 * sets (may be NULL) holds the anonymous sets of the rule's generation:
 * a lookup of one is written inline as nft does ("tcp dport { 22, 80 }"),
 * any other set as "@name".
 */
void rule_text_render(const struct nftnl_rule *r, uint8_t family, bool ipt,
		      const struct rule_text_sets *sets, struct rule_text *out);
void rule_text_free(struct rule_text *rt);
/*
 * The same straight from the rule's NEWRULE message (family, ipt as
 * above), without libnftnl, for the rules iptables-nft writes in ip and
 * ip6 tables: payload, meta, cmp, bitwise, range, immediate, counter and
 * x_tables match/target expressions. True with *out exactly as
 * rule_text_render() would fill it from the same message; false (out
 * empty) for anything else or anything in doubt: then parse the message
 * with libnftnl and call rule_text_render(). nlh must have passed the
 * checks libnftnl's parse needs (the kernel's, or collect_nft_msg_ok()).
 */
bool rule_text_render_msg(const struct nlmsghdr *nlh, uint8_t family, bool ipt, struct rule_text *out);
/* (rule-text-msg.c) The chain an immediate expression (its NFTA_EXPR_DATA)
 * jumps or goes to, *is_goto saying which; NULL for any other verdict,
 * data, or a malformed nest. */
const char *rule_text_msg_jump(const struct nlattr *data, bool *is_goto);
/* Every field of a and b equal (the fast path's test and fuzz oracle). */
bool rule_text_same(const struct rule_text *a, const struct rule_text *b);

/*
 * (rule-text-set.c) The anonymous sets of one ruleset generation, from
 * NFT_MSG_NEWSET and NFT_MSG_NEWSETELEM messages (len bytes of
 * concatenated netlink messages, as dumped or recorded; other messages
 * and named sets are skipped, malformed ones ignored: never fails). The
 * messages are copied. Elements of a set no NEWSET announced are dropped.
 */
struct rule_text_sets *rule_text_sets_parse(const void *msgs, size_t len);
void rule_text_sets_free(struct rule_text_sets *s);
/* One NFT_MSG_NEWSET message's attributes (strings point into it). The
 * one NEWSET parser: the anonymous sets above and /metrics (metrics.c)
 * read sets with it. */
struct rule_text_newset {
	uint8_t family;
	const char *table, *name;
	uint32_t flags, key_type, key_len, data_type, data_len, obj_type;
	uint32_t size;       /* NFTA_SET_DESC_SIZE, 0 when not given */
};
/* Fill *out from nlh: false when it is no NEWSET or has no table or name. */
bool rule_text_set_newset(const struct nlmsghdr *nlh, struct rule_text_newset *out);
/* A hash of the elements of anonymous set name (0: not known), for rule
 * content hashes: same hash, same text. */
uint64_t rule_text_sets_hash(const struct rule_text_sets *s, uint8_t family, const char *table,
			     const char *name);

/*
 * (rule-text-ipset.c) How `-m set` / `-j SET` name their sets: the blobs
 * hold only the kernel's index, so name(index, buf, arg) is asked (buf
 * holds RULE_TEXT_IPSET_NAMELEN bytes; it returns the name or NULL). Without a resolver, or
 * when it returns NULL, the text shows "[ipset N]" where the name goes.
 * One per process: the live feed sets it for the namespace it watches
 * (before any rule is rendered), replays leave it unset. NULL removes it.
 */
#define RULE_TEXT_IPSET_NAMELEN 33
void rule_text_ipset_names(const char *(*name)(uint16_t index, char *buf, void *arg), void *arg);

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
