/*
 * fuzz-record.c - recordings, as a user's --replay FILE meets them: the
 * input is written to an anonymous file and read twice. First frame by
 * frame with record_reader_open/next(), each frame handed to the parser a
 * replay would use (conntrack dumps and events to the mirror, trace
 * messages to the tracer, NEWGEN events to collect_parse_gen()); then
 * through feed_replay_open() and feed snapshots until the recording ends
 * or fails (iptables-legacy blobs and conntrack frames included), into the
 * model and the batch frames with conntrack (the JSON must parse).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "collect.h"
#include "conntrack.h"
#include "feed.h"
#include "fuzz.h"
#include "iptop.h"
#include "model.h"
#include "record.h"
#include "trace.h"

/* A frame's payload is netlink: only messages it fully holds are passed
 * on, as the replays in tests/ and tools/ do. */
static const struct nlmsghdr *frame_msg(const struct record_frame *fr)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)fr->data;

	if (fr->len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > fr->len)
		return NULL;
	return nlh;
}

static const char *fixed_ifname(uint32_t idx, char *buf, void *arg)
{
	snprintf(buf, TRACE_IFNAMSIZ + 8, "if%u", idx);
	return buf;
}

static void read_frames(const char *path)
{
	struct record_reader *rd;
	struct record_frame fr;
	struct trace_state *st = NULL;
	struct ct_table ct;
	char *cause = NULL, name[64];
	uint32_t genid, pid;
	int n;

	rd = record_reader_open(path, &cause);
	if (!rd) {
		if (!cause)
			fuzz_fail("record_reader_open", "NULL without a cause");
		free(cause);
		return;
	}
	record_reader_header(rd, "kernel");
	record_reader_header(rd, "netns");
	record_reader_header(rd, "interval_ms");
	ct_table_init(&ct);
	while ((n = record_reader_next(rd, &fr, &cause)) == 1) {
		const struct nlmsghdr *nlh = frame_msg(&fr);
		double now = (double)fr.t_ns / 1e9;
		uint8_t *copy;

		switch (fr.type) {
		case REC_CT_DUMP:
		case REC_CT_EVENT:
			/* exact size: ASan sees a read past the frame */
			copy = xmalloc(fr.len ? fr.len : 1);
			memcpy(copy, fr.data, fr.len);
			if (fr.type == REC_CT_DUMP)
				ct_table_apply_dump(&ct, copy, fr.len, now);
			else
				ct_table_apply_events(&ct, copy, fr.len, now);
			free(copy);
			break;
		case REC_TRACE:
			if (!nlh)
				break;
			if (!st) {
				st = trace_state_new();
				trace_state_set_ifname(st, fixed_ifname, NULL);
			}
			trace_state_set_clock(st, fr.t_ns + 1);
			trace_feed_msg(st, nlh, NULL);
			break;
		case REC_NFT_EVENT:
			if (nlh)
				collect_parse_gen(nlh, &genid, &pid, name, sizeof(name));
			break;
		default:
			break;
		}
	}
	if (n < 0) {
		if (!cause)
			fuzz_fail("record_reader_next", "-1 without a cause");
		free(cause);
	}
	if (st) {
		trace_complete_flush(st);
		trace_state_free(st);
	}
	ct_table_free(&ct);
	record_reader_close(rd);
}

static void replay(const char *path)
{
	struct feed *feed;
	struct model m;
	struct strbuf sb;
	char *cause = NULL;
	int i, errors = 0;

	feed = feed_replay_open(path, &cause);
	if (!feed) {
		if (!cause)
			fuzz_fail("feed_replay_open", "NULL without a cause");
		free(cause);
		return;
	}
	model_init(&m);
	/* Each call reads at least one frame (16 bytes) or ends or fails;
	 * a failure repeats, so one more after it is enough. */
	for (i = 0; i < 1 << 16 && !feed->ended && errors < 2; i++) {
		struct snap_ruleset *rs = feed->ops->snapshot(feed, m.cur, NULL, NULL);

		if (!rs)
			fuzz_fail("replay snapshot", "NULL");
		if (rs->status == SRC_ERROR)
			errors++;
		model_update(&m, rs);
		model_ct_update(&m.ct, feed_conntrack(feed, false));
	}
	if (m.cur) {
		const struct ct_table *ct = feed_conntrack(feed, true);

		model_ct_update(&m.ct, ct);
		strbuf_init(&sb);
		batch_text_frame(&m, feed, 0, &sb);
		batch_text_conntrack(&m, ct, 5, &sb);
		strbuf_reset(&sb);
		batch_json_frame(&m, feed, 0, &sb);
		batch_json_conntrack(&m, ct, 5, &sb);
		fuzz_check_json(sb.s, sb.len, "batch_json_frame (replay)");
		strbuf_free(&sb);
	}
	model_free(&m);
	feed_close(feed);
}

int fuzz_record(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);

	if (!path)
		return 0;
	read_frames(path);
	replay(path);
	return 0;
}

#ifndef FUZZ_REGRESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_record(data, size);
}
#endif
