/*
 * collect-legacy.h - the iptables-legacy (x_tables) collector. Legacy
 * tables are not netlink: the kernel hands out a whole table as one blob
 * (IPT_SO_GET_INFO + IPT_SO_GET_ENTRIES on a raw socket, what libiptc
 * does). The live half reads only tables the namespace already has
 * (/proc/net/ip_tables_names, ip6_tables_names: asking for any other
 * table would create it) and keeps the bytes it read; the pure half turns
 * those bytes into snapshot chains, so recordings replay through the same
 * parser. Legacy chains carry snap_chain.legacy = true; their rule handles
 * are synthesized (see collect_legacy_parse_table).
 */
#ifndef COLLECT_LEGACY_H
#define COLLECT_LEGACY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"
#include "snapshot.h"

#define COLLECT_LEGACY_MAGIC 0x31627478u  /* "xtb1" in host byte order */
#define COLLECT_LEGACY_NHOOKS 5           /* NF_INET_NUMHOOKS */

/* High bit of every synthesized rule and chain handle: nf_tables handles
 * count up from 1 per table and never get there, so a legacy rule and an
 * nft rule of a same-named table never share a handle. */
#define COLLECT_LEGACY_HANDLE_BIT (1ULL << 63)

/*
 * What IPT_SO_GET_INFO / IP6T_SO_GET_INFO answered for one table (the
 * kernel's struct ipt_getinfo, which ip6t_getinfo equals), plus the family
 * and a magic so a recording is checked. In the raw buffer each table is
 * this header, then size bytes of entries (the entrytable of
 * IPT_SO_GET_ENTRIES), then zero padding to 8 bytes. Host byte order and
 * host struct layout, like the kernel's own blob: a recording replays on
 * the architecture it was made on.
 */
struct collect_legacy_info {
	uint32_t magic;            /* COLLECT_LEGACY_MAGIC */
	uint8_t family;            /* NFPROTO_IPV4 or NFPROTO_IPV6 */
	uint8_t pad[3];
	char name[32];             /* XT_TABLE_MAXNAMELEN, NUL-terminated */
	uint32_t valid_hooks;      /* bit h: built-in chain for hook h */
	uint32_t hook_entry[COLLECT_LEGACY_NHOOKS];  /* offset of its first entry */
	uint32_t underflow[COLLECT_LEGACY_NHOOKS];   /* offset of its policy entry */
	uint32_t num_entries;
	uint32_t size;             /* bytes of entries */
	uint32_t reserved;
};

/* ---- pure parsing (no socket) ------------------------------------------ */

/*
 * Append the chains of one legacy table to rs: built-in chains (base,
 * hook, the x_tables priority, policy with counters), then user chains,
 * each with its rules rendered as `iptables-legacy -S` lines with their
 * counters. Every chain gets legacy = true, instantiated = true, the
 * table name as the kernel has it ("filter") and the family.
 *
 * Rule handles: the rule's content key (snap_rule.content: a 64-bit hash
 * of chain name, rule text without counters[, the raw match/target bytes
 * when a blob is not decoded]) mixed with the rule's occurrence index
 * among identical rules of the chain (collect_legacy_handle). Inserting or
 * deleting other rules leaves a rule's handle alone; an identical rule
 * above would shift it, which collect_legacy_align() then corrects against
 * the previous snapshot. position is the handle of the rule above (0 for
 * the first), as for nf_tables.
 *
 * The blob is checked entry by entry (sizes, alignment, offsets of hooks,
 * policies and jumps); on malformed input nothing is appended and -1 is
 * returned with *cause. chains are not sorted (the caller sorts rs).
 */
int collect_legacy_parse_table(struct snap_ruleset *rs, const struct collect_legacy_info *info,
			       const void *entries, size_t len, char **cause);

/* Parse a raw buffer as collect_legacy_read() fills it (any number of
 * tables, see struct collect_legacy_info). All or nothing: on error rs is
 * unchanged. */
int collect_legacy_parse(struct snap_ruleset *rs, const void *raw, size_t len, char **cause);

/* The synthesized handle of the occurrence-th rule (0 first) with content
 * key key in its chain: COLLECT_LEGACY_HANDLE_BIT is set. */
uint64_t collect_legacy_handle(uint64_t key, uint32_t occurrence);

/* ---- identity across snapshots (collect-legacy-align.c) ---------------- */

/* Give the legacy rules of rs the handles the same rules had in prev (NULL:
 * nothing to do): per chain, a sequence alignment of the old and new rules
 * of each content key in which a rule's counters never decrease (see the
 * file's comment). Rules with no match keep a fresh handle that no rule of
 * the chain in prev or rs has; positions follow. */
void collect_legacy_align(struct snap_ruleset *rs, const struct snap_ruleset *prev);
/* The same for one chain against its previous self (rules need content). */
void collect_legacy_align_chain(struct snap_chain *ch, const struct snap_chain *prev);

/* Both backends hold rules: a legacy chain and a chain of an iptables-nft
 * table (ip/ip6 filter, nat, mangle, raw, security) have rules or a DROP
 * policy. Then `iptables -L` shows only half of what packets go through. */
bool collect_legacy_both(const struct snap_ruleset *rs);
/* Any legacy chain in rs. */
bool collect_legacy_present(const struct snap_ruleset *rs);

/* The x_tables priority of a built-in chain (NF_IP_PRI_*: raw -300,
 * mangle -150, nat -100 before routing / 100 after, filter 0, security
 * 50), 0 for a table iptables does not know. */
int32_t collect_legacy_prio(const char *table, int hook);

/* ---- live (the current network namespace) ------------------------------ */

/*
 * Read every legacy table (IPv4 and IPv6) the current network namespace
 * has and append their chains to rs. Opens only tables listed in
 * /proc/net/ip_tables_names and ip6_tables_names; never writes anything.
 * prev (NULL: none) is the previous snapshot: a table that counted
 * something there and reads all zero now is read again a few times over
 * ~250 ms, in case an iptables-legacy commit was caught between its
 * SET_REPLACE and SET_ADD_COUNTERS. raw, when not NULL, gets the bytes
 * read (appended), for recordings;
 * replay them with collect_legacy_parse().
 *
 * Returns 0 with *status SRC_OK (also when there are no legacy tables),
 * or -1 with *status and *cause (allocated), rs unchanged:
 *   SRC_EPERM        "reading iptables-legacy tables needs CAP_NET_ADMIN
 *                    and CAP_NET_RAW"
 *   SRC_UNAVAILABLE  "iptables-legacy unavailable on this kernel" (no
 *                    /proc file, ENOPROTOOPT, EINVAL)
 *   SRC_CHANGING     a table kept changing between GET_INFO and
 *                    GET_ENTRIES (EAGAIN, retried)
 *   SRC_ERROR        anything else
 */
int collect_legacy_read(struct snap_ruleset *rs, const struct snap_ruleset *prev, struct nlbuf *raw,
			enum src_status *status, char **cause);

/* The legacy tables of one family (NFPROTO_IPV4 / NFPROTO_IPV6) the
 * current namespace has, from /proc: *names is an allocated array of n
 * allocated strings. Returns 0, or -1 with errno (ENOENT: no such /proc
 * file, i.e. no x_tables for that family on this kernel; EACCES). */
int collect_legacy_table_names(uint8_t family, char ***names, size_t *n);

#endif
