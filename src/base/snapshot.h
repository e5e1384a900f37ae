/*
 * snapshot.h - an immutable picture of the firewall at one instant, as the
 * collectors parsed it from netlink (live or replayed). Snapshots know no
 * screen and no socket; the model compares two of them.
 */
#ifndef SNAPSHOT_H
#define SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* State of one data source, drawn on the status line. */
enum src_status {
	SRC_OK,
	SRC_EPERM,        /* needs CAP_NET_ADMIN */
	SRC_UNAVAILABLE,  /* kernel lacks the feature (EINVAL/EOPNOTSUPP) */
	SRC_CHANGING,     /* ruleset kept changing; last good snapshot shown */
	SRC_STALE,        /* last read failed; older data shown */
	SRC_ERROR,        /* another error, see the message */
	SRC_OFF,          /* not requested */
};
const char *snapshot_status_name(enum src_status st);
/* Was this ruleset change (NEWGEN's pid and process name) iptop's own
 * (this process, or an iptop adding or removing its trace table)? Those
 * never count as the ruleset's last change. */
bool snapshot_change_is_iptop(uint32_t pid, const char *proc);

/* How a rule's text is written. */
enum rule_syntax {
	RULE_SYNTAX_IPT,  /* `iptables -S` words: "-A CHAIN ..." */
	RULE_SYNTAX_NFT,  /* nft words, for native rules and rules iptables can't express */
};

struct snap_rule {
	uint64_t handle;      /* unique in its table, never reused */
	uint64_t position;    /* NFTA_RULE_POSITION: handle of the previous rule, 0 first */
	bool counted;         /* false: no counter expression ("uncounted", not 0) */
	uint64_t packets;
	uint64_t bytes;
	enum rule_syntax syntax;
	char *text;           /* iptables: "-A FORWARD -j DOCKER-USER"; nft: "ip saddr 1.2.3.4 counter drop";
	                       * NULL: not rendered yet (the dashboard renders a chain's
	                       * text when a view first wants it; see feed_ops.snapshot) */
	char *target_chain;   /* jump/goto destination chain, or NULL */
	bool is_goto;
	char *comment;        /* user comment if any (also part of text), or NULL */
	struct snap_strs *strs; /* when set, owns text/target_chain/comment (shared) */
	uint64_t content;     /* nf_tables: hash of the rule's expressions and userdata
	                       * (counter values aside): same hash, same text;
	                       * legacy: the key its handle is synthesized from */
};

/* The three strings of a rendered rule, shared by every snapshot of the
 * same generation so a refresh copies pointers, not text. */
struct snap_strs {
	unsigned refs;
	char *text;
	char *target_chain;
	char *comment;
};

struct snap_chain {
	uint8_t family;       /* NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_INET, ... */
	char *table;
	char *name;
	uint64_t handle;
	bool base;            /* base chain: hook/prio/type/policy are set */
	int hook;             /* NF_INET_PRE_ROUTING.. (or NF_NETDEV_INGRESS), -1 if not base */
	int32_t prio;
	char *type;           /* "filter", "nat", "route" or NULL */
	char *dev;            /* netdev/ingress device or NULL */
	int policy;           /* NF_ACCEPT / NF_DROP, -1 if not base */
	bool policy_counted;  /* kernel keeps policy counters for this chain */
	uint64_t policy_packets;
	uint64_t policy_bytes;
	uint32_t use;         /* references: jumps, gotos and verdict map elements
	                       * that lead here, as `iptables -L` counts them
	                       * (not the kernel's use counter, which adds the
	                       * chain's own rules) */
	bool instantiated;    /* false: iptables lists it, the kernel never created it */
	bool rules_kept;      /* rules (and counters) copied from an earlier snapshot,
	                       * not read this time (a refresh that did not want them) */
	bool legacy;          /* x_tables (iptables-legacy), not nf_tables; rule
	                       * handles are synthesized from content (no kernel handles) */
	size_t nrules;
	struct snap_rule *rules;
};

struct snap_table {
	uint8_t family;
	char *name;
	uint64_t handle;
	uint32_t flags;       /* NFT_TABLE_F_* */
	bool iptables;        /* written by iptables-nft: rules shown in iptables syntax */
};

struct snap_ruleset {
	enum src_status status;
	char *error;          /* message for status != SRC_OK, or NULL */
	uint32_t genid;       /* ruleset generation */
	uint64_t time_ns;     /* monotonic time the snapshot was taken */
	size_t ntables;
	struct snap_table *tables;
	size_t nchains;
	struct snap_chain *chains;   /* sorted: family, table, base first by hook/prio, then name */
	/* iptables-legacy (x_tables) source: SRC_OK also when no legacy table
	 * exists; its chains are in chains[] with legacy set. */
	enum src_status legacy_status;
	char *legacy_error;
	bool both_backends;   /* legacy and iptables-nft tables both hold rules */
	/* Last change, from NEWGEN events (empty when unknown). */
	uint32_t change_pid;
	char change_proc[64];
	double change_wall;   /* wall clock seconds of the last NEWGEN seen, 0 if none */
};

void snapshot_ruleset_free(struct snap_ruleset *rs);
/* Give r's strings a shared owner (refs 1); copies then share them. */
void snapshot_rule_share(struct snap_rule *r);
/* Copy a rule: shared strings gain a reference, others are duplicated. */
void snapshot_rule_copy(struct snap_rule *d, const struct snap_rule *s);
void snapshot_strs_unref(struct snap_strs *s);
/* nf_tables chains only (legacy chains can share a table and chain name). */
struct snap_chain *snapshot_find_chain(const struct snap_ruleset *rs, uint8_t family,
				       const char *table, const char *name);
/* One backend: legacy true finds x_tables chains, false nf_tables ones. */
struct snap_chain *snapshot_find_chain_in(const struct snap_ruleset *rs, uint8_t family, const char *table,
					  const char *name, bool legacy);
/* Either backend: the chain named name in the same table as ch. */
struct snap_chain *snapshot_find_sibling(const struct snap_ruleset *rs, const struct snap_chain *ch,
					 const char *name);
struct snap_table *snapshot_find_table(const struct snap_ruleset *rs, uint8_t family,
				       const char *name);
/* One of iptop's own tables (iptop_trace, iptop_observe: inet, owned by
 * the iptop process that made it), not the user's ruleset. */
bool snapshot_own_table(const struct snap_ruleset *rs, uint8_t family, const char *name);
/* "ip", "ip6", "inet", "arp", "bridge", "netdev" */
const char *snapshot_family_name(uint8_t family);
/* "prerouting", "input", ... for hook numbers of the inet families */
const char *snapshot_hook_name(uint8_t family, int hook);
/* iptables name: "PREROUTING", "INPUT", ... */
const char *snapshot_hook_ipt_name(int hook);
/* Sort chains into canonical order (see snap_ruleset.chains). */
void snapshot_sort_chains(struct snap_ruleset *rs);

#endif
