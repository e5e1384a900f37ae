/*
 * batch-trace.c - `iptop --trace FILTER -b|--json`: follow matching packets
 * and print each one's path (hook by hook, rule by rule, with verdicts) as
 * text or JSON lines. The tracing itself (owned table, NFNLGRP_NFTRACE,
 * stitching) lives in collect-trace.c and trace-*.c; this is only the loop.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "iptop.h"
#include "trace.h"

static volatile sig_atomic_t trace_quit;

static void on_quit(int sig)
{
	(void)sig;
	trace_quit = 1;
}

/* Print the last n completed packets, up to want in all (0: no limit). */
static int print_new(struct trace_state *st, int n, bool json, int printed, int want, FILE *out)
{
	size_t count = trace_state_count(st), i;
	struct strbuf sb;

	if ((size_t)n > count)
		n = (int)count;
	strbuf_init(&sb);
	for (i = count - (size_t)n; i < count && (want <= 0 || printed < want); i++, printed++) {
		strbuf_reset(&sb);
		if (json) {
			trace_path_json(trace_state_packet(st, i), &sb);
			strbuf_addc(&sb, '\n');
		} else {
			trace_path_text(trace_state_packet(st, i), &sb);
		}
		fputs(sb.s ? sb.s : "", out);
	}
	fflush(out);
	strbuf_free(&sb);
	return printed;
}

int batch_trace_run(struct feed *feed, const char *filter, int rate, const struct batch_opts *opts, FILE *out,
		    char **cause)
{
	struct snap_ruleset *rs;
	struct trace_session *s;
	struct sigaction sa;
	int printed = 0, want = opts->iterations;

	if (feed->replay) {
		*cause = xstrdup("--trace needs a live namespace, not a replay");
		return 1;
	}
	rs = feed->ops->snapshot(feed, NULL, NULL, NULL);
	if (rs->status == SRC_EPERM) {
		*cause = xstrdup(rs->error);
		snapshot_ruleset_free(rs);
		return 1;
	}
	s = trace_start(filter, rate, cause);
	if (!s) {
		snapshot_ruleset_free(rs);
		return 1;
	}
	/* From here on the owned table exists: leave through trace_stop() on
	 * every signal a user sends (SIGKILL is covered by the owner flag). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_quit;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!opts->json)
		fprintf(out, "tracing %s in %s (Ctrl-C stops)\n", trace_rule_text(s), feed->netns_label);
	fflush(out);

	while (!trace_quit && (want <= 0 || printed < want)) {
		struct pollfd pfd[2] = { { .fd = trace_fd(s), .events = POLLIN },
					 { .fd = feed->ops->fd(feed), .events = POLLIN } };
		int to = trace_timeout_ms(s), n;

		n = poll(pfd, pfd[1].fd >= 0 ? 2 : 1, to < 0 ? 1000 : to);
		if (n < 0 && errno != EINTR) {
			*cause = xasprintf("poll: %s", strerror(errno));
			break;
		}
		if (n > 0 && pfd[1].fd >= 0 && (pfd[1].revents & POLLIN) && feed->ops->event(feed)) {
			struct snap_ruleset *next = feed->ops->snapshot(feed, rs, NULL, NULL);

			snapshot_ruleset_free(rs);
			rs = next;
		}
		n = trace_read(s, rs);
		if (n < 0) {
			*cause = xasprintf("reading trace events: %s", strerror(errno));
			break;
		}
		if (n > 0)
			printed = print_new(trace_session_state(s), n, opts->json, printed, want, out);
	}
	if (want <= 0 || printed < want)
		printed = print_new(trace_session_state(s), trace_state_flush(trace_session_state(s)), opts->json,
				    printed, want, out);
	if (trace_lost(s))
		fprintf(stderr, "iptop: %" PRIu64 " trace overflow(s): some events were lost\n", trace_lost(s));
	trace_stop(s);
	snapshot_ruleset_free(rs);
	return *cause ? 1 : 0;
}
