/*
 * collect.h - collectors: turn netlink replies (live or recorded) into
 * snapshots. The ruleset collector does the GETGEN / GETTABLE / GETCHAIN /
 * (GETSET, GETSETELEM) / per-chain GETRULE / GETGEN walk with retries; the
 * parse half is pure and is what the unit tests and replays drive.
 */
#ifndef COLLECT_H
#define COLLECT_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "snapshot.h"

struct record;

/* ---- pure parsing (no socket) ------------------------------------------ */

/* Parse NFT_MSG_NEWTABLE / NEWCHAIN / NEWRULE messages into rs. Rules are
 * attached to their chains in dump order; rule text is rendered unless a
 * previous snapshot with the same genid is given, in which case text is
 * reused by (family, table, handle). Messages of other types are ignored.
 * Returns 0, or -1 with *cause set for malformed input. */
int collect_parse_tables(struct snap_ruleset *rs, const struct nlbuf *b, char **cause);
int collect_parse_chains(struct snap_ruleset *rs, const struct nlbuf *b, char **cause);
int collect_parse_rules(struct snap_ruleset *rs, const struct nlbuf *b,
			const struct snap_ruleset *prev, char **cause);

/* Can libnftnl parse nlh (NEWTABLE, NEWCHAIN, NEWRULE; other messages
 * pass) without harm? libnftnl 1.2.4 exit()s on an attribute of the wrong
 * size and trusts strings; the kernel never sends such messages, a
 * corrupt recording can. The parsers above check every message with it. */
bool collect_nft_msg_ok(const struct nlmsghdr *nlh);

/*
 * What one snapshot read from the kernel, as bytes: the live collector
 * fills it, recordings store it, replay feeds it back through
 * collect_ruleset_assemble(), so both run the same parser.
 * tables == NULL (or empty with reuse_tables) means "unchanged: take the
 * tables from prev". Chains whose rules are absent from rules are copied
 * from prev when the generation is the same (same generation = same rules).
 */
struct collect_input {
	uint32_t genid;
	bool reuse_tables;
	const struct nlbuf *tables;
	const struct nlbuf *chains;
	const struct nlbuf *rules;
	/* Read from the kernel just now: rule messages go to libnftnl
	 * without the structural check that recordings (untrusted files)
	 * get first. */
	bool from_kernel;
	/* NEWSET and NEWSETELEM messages of the anonymous sets (read when
	 * the generation changed), written inline in rule text; NULL or
	 * empty: none read (same generation, or an older recording), rules
	 * show "@__set0". */
	const struct nlbuf *sets;
	/* The chains whose rules get their text (NULL: all); the others' text
	 * is NULL (feed_ops.snapshot's want, for a new generation). */
	bool (*text_want)(const struct snap_chain *ch, void *arg);
	void *text_arg;
};
struct snap_ruleset *collect_ruleset_assemble(const struct collect_input *in,
					      const struct snap_ruleset *prev, char **cause);
/* Append the iptables-legacy chains: live (raw gets the blobs read, for
 * recordings) or from a recorded raw buffer. Failures are a status in
 * rs->legacy_status/legacy_error, never fatal. Re-sorts the chains. Rules
 * keep the handles they had in prev (the last snapshot, or NULL). */
void collect_ruleset_add_legacy(struct snap_ruleset *rs, struct nlbuf *raw, const struct snap_ruleset *prev);
void collect_ruleset_parse_legacy(struct snap_ruleset *rs, const void *raw, size_t len,
				  const struct snap_ruleset *prev);
/* Deep copy (for "keep the last good snapshot"). */
struct snap_ruleset *collect_ruleset_dup(const struct snap_ruleset *rs);
/* Parse an NFT_MSG_NEWGEN message (reply or event): genid, pid, name. */
int collect_parse_gen(const struct nlmsghdr *nlh, uint32_t *genid, uint32_t *pid,
		      char *name, size_t namelen);

/* ---- live collector ---------------------------------------------------- */

struct collect_ruleset;

/* Opens the sockets (requests, and NFNLGRP_NFTABLES for change events).
 * Never fails: a source that cannot open is a status in every snapshot. */
struct collect_ruleset *collect_ruleset_open(struct record *rec);
void collect_ruleset_close(struct collect_ruleset *c);
/* fd to poll for change events, or -1. */
int collect_ruleset_event_fd(struct collect_ruleset *c);
/* Read pending NEWGEN events (non-blocking). Returns true when the ruleset
 * changed since the last snapshot. */
bool collect_ruleset_events(struct collect_ruleset *c);

/*
 * Take a snapshot. want: when non-NULL, says which chains' rules to dump
 * (base chains and the chains on screen, typically); the other chains'
 * rules are copied from prev (counters not refreshed) when the generation
 * is unchanged. prev may be NULL. Never returns NULL; on failure the
 * snapshot's status and error say why, and prev's content is kept when
 * there was one (status SRC_CHANGING / SRC_STALE).
 */
struct snap_ruleset *collect_ruleset_snapshot(struct collect_ruleset *c,
					      const struct snap_ruleset *prev,
					      bool (*want)(const struct snap_chain *ch, void *arg),
					      void *want_arg);

#endif
