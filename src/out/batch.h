/*
 * batch.h - non-interactive output: plain-text frames (`iptop -b`, like
 * top -b) and JSON lines (`iptop --json`), from any feed.
 */
#ifndef BATCH_H
#define BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "feed.h"
#include "iptop.h"
#include "model.h"

struct batch_opts {
	int iterations;     /* 0: until interrupted */
	int interval_ms;
	bool json;
	int family_mode;    /* 0 all, 4 IPv4 (ip + inet), 6 IPv6 (ip6 + inet) */
	bool conntrack;     /* add the conntrack table to each frame */
	size_t flows_limit; /* at most this many flows per frame (0: all) */
};

/* Runs the frames. Returns the exit status: 0, or 1 when the very first
 * snapshot could not be read (message in *cause). */
int batch_run(struct feed *feed, const struct batch_opts *opts, FILE *out, char **cause);

/* `--trace FILTER`: print each traced packet's path (text or JSON lines)
 * until opts->iterations packets (0: until interrupted). Live, installs
 * iptop's own owned trace table for the duration; never touches the
 * user's. A replay prints the packets its recording traced that FILTER
 * matches, and fails when it holds none. */
int batch_trace_run(struct feed *feed, const char *filter, int rate, const struct batch_opts *opts, FILE *out,
		    char **cause);

/* One frame of each kind, for tests and for batch_run. */
struct ct_table;
void batch_text_frame(const struct model *m, const struct feed *feed, int family_mode, struct strbuf *sb);
void batch_json_frame(const struct model *m, const struct feed *feed, int family_mode, struct strbuf *sb);
/* Append the conntrack part (text: a section; JSON: ,"conntrack":{...}
 * before the closing brace of a frame built by batch_json_frame), the
 * flows in m's order (m->ct synced with ct: model_ct_update). */
void batch_text_conntrack(const struct model *m, const struct ct_table *ct, size_t limit, struct strbuf *sb);
void batch_json_conntrack(const struct model *m, const struct ct_table *ct, size_t limit, struct strbuf *sb);
/* Does the family pass the -4/-6 filter? */
bool batch_family_shown(unsigned family, int family_mode);
/* What a frame says when the watched namespace's name is gone
 * (feed->netns_gone: NLSOCK_NETNS_DELETED or _REPLACED). */
const char *batch_netns_gone_text(int gone);

#endif
