/*
 * explain.h - the plain-language notes 'e' shows: a data file
 * (doc/explain.txt, installed as $(pkgdatadir)/explain.txt) of notes
 * under keys like hook:prerouting, table:nat, target:MASQUERADE, parsed
 * strictly; and which keys a rule, a base chain or a flow calls for.
 * Pure: reads a file when asked, knows no screen and no socket.
 *
 * File format (lines; '#' at the start of a line is a comment):
 *     [KEY KEY ...] Title
 *     text lines; a blank line starts a new paragraph
 * A key is KIND:NAME (letters, digits and - _ . / , : +); each key once
 * in a file; every note has a title and some text.
 */
#ifndef EXPLAIN_H
#define EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

struct ct_flow;
struct snap_chain;

#define EXPLAIN_FILE "explain.txt"
#define EXPLAIN_KEYS_MAX 12
#define EXPLAIN_KEY_LEN 64

struct explain_note {
	char **keys;
	size_t nkeys;
	char *title;
	char *text;          /* paragraphs separated by "\n"; lines of one joined by ' ' */
	int line;            /* where its heading is */
};

struct explain {
	char *file;
	struct explain_note *notes;
	size_t n;
};

/* Parse text (named file in errors) into e, which is replaced only when
 * the whole text is valid. 0, or -1 with *cause "file:line: message". */
int explain_parse(struct explain *e, const char *text, const char *file, char **cause);
/* Where the notes are: $IPTOP_DATA_DIR, else the source tree's doc/ (an
 * uninstalled iptop, util_data_source_tree()), else PKGDATADIR. */
char *explain_dir(void);
/* Load EXPLAIN_FILE from explain_dir(). A missing file: -1 with *cause
 * "no notes installed (looked for ...)". */
int explain_load(struct explain *e, char **cause);
void explain_free(struct explain *e);
/* The note under key (case does not matter), or NULL. */
const struct explain_note *explain_find(const struct explain *e, const char *key);

/* What 'e' looks up for a selection: keys, most specific first. */
struct explain_keys {
	char subject[160];   /* what is explained: "ip filter FORWARD, rule 3" */
	char keys[EXPLAIN_KEYS_MAX][EXPLAIN_KEY_LEN];
	size_t n;
};

/* Add a key (ignored when full or already there). */
void explain_keys_add(struct explain_keys *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keys for a rule in iptables -S or nft words: its target or verdict
 * (target:MASQUERADE, chain:DOCKER-USER), matches (match:ctstate-related-
 * established, match:addrtype-local), rule:uncounted without a counter. */
void explain_keys_rule(struct explain_keys *k, const char *text, bool counted);
/* Keys for a chain: state:not-instantiated; a regular chain by name
 * (chain:DOCKER-USER); a base chain's policy:n/a, table and hook. */
void explain_keys_chain(struct explain_keys *k, const struct snap_chain *ch);
/* Keys for a flow: flow:snat|dnat|both, state:unreplied, state:assured,
 * state:<tcp state>, flow:acct-off when acct is off or it has no counters. */
void explain_keys_flow(struct explain_keys *k, const struct ct_flow *f, bool acct);

#endif
