/*
 * trace-drv.c - test driver for the trace collector until `iptop --trace`
 * exists: enter a namespace, take one ruleset snapshot (live feed), start
 * tracing, print each completed packet path as text or JSON lines, stop
 * after N packets or a timeout. Can record the raw trace messages (and the
 * ruleset) for replay fixtures. Not installed.
 *
 * The filter is one argument (anything that is not an option above).
 *
 * usage: trace-drv [-N NETNS] [-n PACKETS] [-t SECONDS] [-r RATE] [-j]
 *                  [--legacy] [--record FILE] [--record-ruleset FILE]
 *                  [--replay FILE --ruleset FILE] 'FILTER'
 * (--legacy: trace iptables-legacy rules too, as iptop --trace-legacy)
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "iptop.h"
#include "record.h"
#include "trace.h"

static int usage(void)
{
	fprintf(stderr, "usage: trace-drv [-N NETNS] [-n PACKETS] [-t SECONDS] [-r RATE] [-j] [--legacy] "
			"[--record FILE] [--record-ruleset FILE] 'FILTER'\n"
			"       trace-drv --replay TRACE.nlmsg [--ruleset RULESET.rec] [-j] [-n PACKETS]\n");
	return 2;
}

static void print_packet(const struct trace_packet *p, bool json)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (json) {
		trace_path_json(p, &sb);
		strbuf_addc(&sb, '\n');
	} else {
		trace_path_text(p, &sb);
	}
	fputs(sb.s, stdout);
	fflush(stdout);
	strbuf_free(&sb);
}

/* Print the last n completed packets (the ones a call just completed). */
static long print_new(struct trace_state *st, int n, bool json, long printed, long want)
{
	size_t count = trace_state_count(st), i;

	if ((size_t)n > count)
		n = (int)count;
	for (i = count - (size_t)n; i < count && (want <= 0 || printed < want); i++, printed++)
		print_packet(trace_state_packet(st, i), json);
	return printed;
}

/* Interface names in a replay come from the recording's namespace, which
 * is gone: show them as if#N. */
static const char *replay_ifname(uint32_t idx, char *buf, void *arg)
{
	snprintf(buf, TRACE_IFNAMSIZ + 8, "if#%u", idx);
	return buf;
}

static int replay(const char *trace_path, const char *ruleset_path, bool json, long want)
{
	struct snap_ruleset *rs = NULL;
	struct record_reader *rd;
	struct record_frame fr;
	struct trace_state *st;
	char *cause = NULL;
	long printed = 0;
	int n;

	if (ruleset_path) {
		struct feed *f = feed_replay_open(ruleset_path, &cause);

		if (!f) {
			fprintf(stderr, "trace-drv: %s\n", cause);
			return 1;
		}
		rs = f->ops->snapshot(f, NULL, NULL, NULL);
		feed_close(f);
	}
	rd = record_reader_open(trace_path, &cause);
	if (!rd) {
		fprintf(stderr, "trace-drv: %s\n", cause);
		return 1;
	}
	st = trace_state_new();
	trace_state_set_ifname(st, replay_ifname, NULL);
	while ((n = record_reader_next(rd, &fr, &cause)) == 1) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)fr.data;
		int done;

		if (fr.type != REC_TRACE || fr.len < sizeof(*nlh) || nlh->nlmsg_len > fr.len)
			continue;
		trace_state_set_clock(st, fr.t_ns + 1);
		done = trace_feed_msg(st, nlh, rs);
		if (done > 0)
			printed = print_new(st, done, json, printed, want);
	}
	if (n < 0)
		fprintf(stderr, "trace-drv: %s\n", cause);
	n = trace_complete_flush(st);
	printed = print_new(st, n, json, printed, want);
	trace_state_free(st);
	record_reader_close(rd);
	if (rs)
		snapshot_ruleset_free(rs);
	return 0;
}

int main(int argc, char **argv)
{
	const char *netns = NULL, *filter = NULL, *rec_path = NULL, *rs_rec = NULL;
	const char *replay_path = NULL, *ruleset_path = NULL;
	long want = 1, printed = 0;
	double timeout_s = 10;
	int rate = 10, i, rc = 0;
	unsigned int flags = 0;
	bool json = false;
	struct feed *f;
	struct snap_ruleset *rs;
	struct trace_session *s;
	struct record *rec = NULL;
	char *cause = NULL;
	uint64_t deadline;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-N") == 0 && i + 1 < argc)
			netns = argv[++i];
		else if (strcmp(a, "-n") == 0 && i + 1 < argc)
			want = strtol(argv[++i], NULL, 10);
		else if (strcmp(a, "-t") == 0 && i + 1 < argc)
			timeout_s = strtod(argv[++i], NULL);
		else if (strcmp(a, "-r") == 0 && i + 1 < argc)
			rate = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(a, "-j") == 0 || strcmp(a, "--json") == 0)
			json = true;
		else if (strcmp(a, "--record") == 0 && i + 1 < argc)
			rec_path = argv[++i];
		else if (strcmp(a, "--legacy") == 0)
			flags |= TRACE_LEGACY;
		else if (strcmp(a, "--record-ruleset") == 0 && i + 1 < argc)
			rs_rec = argv[++i];
		else if (strcmp(a, "--replay") == 0 && i + 1 < argc)
			replay_path = argv[++i];
		else if (strcmp(a, "--ruleset") == 0 && i + 1 < argc)
			ruleset_path = argv[++i];
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return usage();
		else if (strcmp(a, "--") == 0 && i + 1 < argc)
			filter = argv[++i];
		else if (!filter)
			filter = a;
		else
			return usage();
	}
	if (replay_path)
		return replay(replay_path, ruleset_path, json, want);
	if (!filter)
		filter = "";

	f = feed_live_open(netns, rs_rec, 0, 0, &cause);
	if (!f) {
		fprintf(stderr, "trace-drv: %s\n", cause);
		free(cause);
		return 1;
	}
	rs = f->ops->snapshot(f, NULL, NULL, NULL);
	if (rs->status != SRC_OK)
		fprintf(stderr, "trace-drv: ruleset: %s (rule text will be missing)\n",
			rs->error ? rs->error : snapshot_status_name(rs->status));
	s = collect_trace_start_flags(filter, rate, flags, &cause);
	if (!s) {
		fprintf(stderr, "trace-drv: %s\n", cause);
		free(cause);
		snapshot_ruleset_free(rs);
		feed_close(f);
		return 1;
	}
	if (rec_path) {
		rec = record_create(rec_path, f->netns_label, 0, &cause);
		if (!rec) {
			fprintf(stderr, "trace-drv: %s\n", cause);
			collect_trace_stop(s);
			return 1;
		}
		collect_trace_set_record(s, rec);
	}
	fprintf(stderr, "trace-drv: tracing %s\n", collect_trace_rule_text(s));

	deadline = time_mono_ns() + (uint64_t)(timeout_s * 1e9);
	while (want <= 0 || printed < want) {
		struct pollfd pfd[2] = { { .fd = collect_trace_fd(s), .events = POLLIN },
					 { .fd = f->ops->fd(f), .events = POLLIN } };
		uint64_t now = time_mono_ns();
		int to, n, tm;

		if (now >= deadline)
			break;
		to = (int)((deadline - now) / 1000000) + 1;
		tm = collect_trace_timeout_ms(s);
		if (tm >= 0 && tm < to)
			to = tm;
		n = poll(pfd, pfd[1].fd >= 0 ? 2 : 1, to);
		if (n < 0 && errno != EINTR) {
			perror("trace-drv: poll");
			rc = 1;
			break;
		}
		if (n > 0 && pfd[1].fd >= 0 && (pfd[1].revents & POLLIN) && f->ops->event(f)) {
			struct snap_ruleset *next = f->ops->snapshot(f, rs, NULL, NULL);

			snapshot_ruleset_free(rs);
			rs = next;
		}
		n = collect_trace_read(s, rs);
		if (n < 0) {
			perror("trace-drv: read");
			rc = 1;
			break;
		}
		if (n > 0)
			printed = print_new(collect_trace_state(s), n, json, printed, want);
	}
	if (want <= 0 || printed < want) {
		int n = trace_complete_flush(collect_trace_state(s));

		printed = print_new(collect_trace_state(s), n, json, printed, want);
	}
	if (collect_trace_lost(s))
		fprintf(stderr, "trace-drv: %" PRIu64 " overflow(s): events lost\n", collect_trace_lost(s));
	collect_trace_stop(s);
	if (rec && record_close(rec, &cause) < 0) {
		fprintf(stderr, "trace-drv: %s\n", cause);
		rc = 1;
	}
	snapshot_ruleset_free(rs);
	feed_close(f);
	if (want > 0 && printed < want) {
		fprintf(stderr, "trace-drv: timeout: %ld of %ld packet(s)\n", printed, want);
		return rc ? rc : 3;
	}
	return rc;
}
