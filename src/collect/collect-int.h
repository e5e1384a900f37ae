/*
 * collect-int.h - internals shared by the ruleset collector's parts:
 * collect-ruleset-parse.c (messages -> snapshot, pure),
 * collect-ruleset-assemble.c (parsed parts -> a whole snapshot) and
 * collect-ruleset.c (the live netlink side). Not for other modules.
 */
#ifndef COLLECT_INT_H
#define COLLECT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include "collect.h"
#include "hashmap.h"
#include "snapshot.h"

struct rule_text_sets;

static inline bool collect_is_nft_msg(const struct nlmsghdr *nlh, int msg)
{
	return NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_NFTABLES &&
	       NFNL_MSG_TYPE(nlh->nlmsg_type) == msg;
}

/* A snapshot's chains by (family, table, name): the chain's index. */
struct chain_index {
	struct hashmap map;
};

void collect_chain_index_build(struct chain_index *ix, const struct snap_ruleset *rs);
/* rs's chain (family, table, name) by ix (built on rs), or NULL. */
struct snap_chain *collect_chain_index_find(const struct chain_index *ix, const struct snap_ruleset *rs,
					    uint8_t family, const char *table, const char *name);
void collect_chain_index_free(struct chain_index *ix);

/* prev's rendered rules by (family, table, handle): handles are unique in
 * a table and never reused, but `nft replace rule` keeps the handle and
 * changes the rule, so a hit counts only when the content hash agrees. */
struct rule_index {
	struct hashmap map;   /* chain index << 32 | rule index in rs */
	const struct snap_ruleset *rs;
};

/* Rules arrive in one buffer (a recording) or chain by chain (live, so a
 * 50,000-rule dump never sits in memory whole): the parser keeps its
 * indexes across feeds. */
struct rules_parser {
	struct snap_ruleset *rs;
	const struct snap_ruleset *prev;
	struct chain_index ix;
	struct chain_index pcix;      /* prev's chains (same generation only) */
	struct rule_index pix;        /* prev's rules, built on the first miss */
	bool pix_built;
	struct snap_chain *last;
	const struct snap_chain *last_prev;
	bool from_kernel;
	bool same_gen;        /* prev is of this generation: same handle, same rule */
	const struct rule_text_sets *sets;  /* this generation's anonymous sets, or NULL */
	/* Which chains' rules get their text now (NULL: all). The others get
	 * counters, content hash and jump target, text NULL until a later
	 * snapshot of the generation reads their chain for a view that wants
	 * it: the dashboard's first frame needs no rule text. */
	bool (*text_want)(const struct snap_chain *ch, void *arg);
	void *text_arg;
	bool text_now;        /* text_want of the chain being parsed */
};

void collect_rules_parser_init(struct rules_parser *p, struct snap_ruleset *rs, const struct snap_ruleset *prev,
			       bool from_kernel);
/* Parse the NEWRULE messages of b into p->rs; -1 with *cause on a
 * malformed message. */
int collect_rules_parser_feed(struct rules_parser *p, const struct nlbuf *b, char **cause);
void collect_rules_parser_done(struct rules_parser *p);
/* init, feed b, done: all of b's rules at once, with sets for rule text. */
int collect_rules_parser_run(struct snap_ruleset *rs, const struct nlbuf *b, const struct snap_ruleset *prev,
			     bool from_kernel, const struct rule_text_sets *sets, char **cause);
/* Tables and chains of a snapshot (tables reused from prev within a
 * generation); NULL with *cause. */
struct snap_ruleset *collect_ruleset_assemble_begin(const struct collect_input *in, const struct snap_ruleset *prev,
					    char **cause);
/* After the rules: chains not dumped keep prev's rules (same generation),
 * built-in chains iptables lists are added, chains are sorted. */
void collect_ruleset_assemble_finish(struct snap_ruleset *rs, const struct snap_ruleset *prev);

#endif
