/*
 * batch-trace.c - `iptop --trace FILTER -b|--json`: follow matching packets
 * and print each one's path (hook by hook, rule by rule, with verdicts) as
 * text or JSON lines. Live, the feed runs the trace (collect-trace.c: the
 * owned table, NFNLGRP_NFTRACE; into the recording with --record). With
 * --replay the packets are those the recording traced, narrowed to FILTER
 * here and printed as fast as the file is read: no kernel, no root. This
 * is only the loop and the narrowing; the stitching is trace-*.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>

#include "batch.h"
#include "iptop.h"
#include "model-trace.h"
#include "record.h"
#include "trace.h"

/* A replay keeps every packet of a snapshot's stretch until printed. */
#define REPLAY_RING 100000

static volatile sig_atomic_t trace_quit;

static void on_quit(int sig)
{
	(void)sig;
	trace_quit = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_quit;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* ---- narrowing a replay ------------------------------------------------------ */

static bool addr_matches(const struct trace_addr *a, const struct trace_hdr *h, const char *text)
{
	uint8_t got[16];
	unsigned i;
	bool eq = true;

	if (a->nfproto != h->nfproto ||
	    inet_pton(h->nfproto == NFPROTO_IPV6 ? AF_INET6 : AF_INET, text, got) != 1)
		return false; /* the kernel rule checks the family first too */
	for (i = 0; i < a->plen && eq; i++)
		eq = ((got[i / 8] ^ a->addr[i / 8]) & (0x80 >> (i % 8))) == 0;
	return eq != a->inv;
}

static bool ports_match(const struct trace_ports *p, uint16_t port)
{
	return (port >= p->lo && port <= p->hi) != p->inv;
}

static bool ifname_matches(const struct trace_ifname *f, const char *name)
{
	size_t n = strlen(f->name);
	bool eq = f->wildcard ? strncmp(name, f->name, n) == 0 : strcmp(name, f->name) == 0;

	return eq != f->inv;
}

/* Would the kernel have marked this packet for filter f? Asked of the
 * headers it was first seen with, as the trace rule saw them (before
 * NAT). An unparsed packet matches only an empty filter. */
static bool packet_matches(const struct trace_filter *f, const struct trace_packet *p)
{
	const struct trace_hdr *h = &p->pkt;

	if (!h->valid)
		return !f->nfproto && !f->proto_set && !f->src.set && !f->dst.set && !f->sport.set &&
		       !f->dport.set && !f->icmp_type_set && !f->iif.set && !f->oif.set;
	if (f->nfproto && h->nfproto != f->nfproto)
		return false;
	if (f->proto_set && (h->proto == f->proto) == f->proto_inv)
		return false;
	if (f->src.set && !addr_matches(&f->src, h, h->src))
		return false;
	if (f->dst.set && !addr_matches(&f->dst, h, h->dst))
		return false;
	if ((f->sport.set || f->dport.set) && !h->has_ports)
		return false;
	if (f->sport.set && !ports_match(&f->sport, h->sport))
		return false;
	if (f->dport.set && !ports_match(&f->dport, h->dport))
		return false;
	if (f->icmp_type_set) {
		if (!h->has_icmp || (h->icmp_type == f->icmp_type) == f->icmp_type_inv)
			return false;
		if (f->icmp_code >= 0 && h->icmp_code != f->icmp_code)
			return false;
	}
	if (f->iif.set && !ifname_matches(&f->iif, p->iif))
		return false;
	if (f->oif.set && !ifname_matches(&f->oif, p->oif))
		return false;
	return true;
}

/* ---- printing -------------------------------------------------------------------- */

/* A packet rendered, waiting for the packets numbered before it. */
struct held {
	uint64_t id;
	char *text;
};

struct printer {
	bool json;
	int want;                 /* stop after this many (0: no limit) */
	int printed;
	struct model_trace m;     /* the packets, through the model as the views read them */
	const struct trace_filter *only;   /* replay: narrow to this, or NULL */
	FILE *out;
	struct held *held;        /* completed, not printed yet (ascending ids) */
	size_t nheld;
};

static int held_cmp(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Print what completed since the last call, in id order: a packet waits
 * until every packet numbered before it is complete (an original lingers
 * for its reply, so the reply would otherwise come first). all: the end,
 * print everything held.
 */
static void print_new(struct printer *pr, const struct trace_state *st, bool all)
{
	uint64_t oldest = all ? UINT64_MAX : trace_state_oldest_open(st);
	size_t i, k;
	struct strbuf sb;

	model_trace_update(&pr->m, st);
	strbuf_init(&sb);
	for (i = 0; i < pr->m.fresh; i++) {
		const struct trace_packet *p = model_trace_fresh(&pr->m, i);

		if (pr->only && !packet_matches(pr->only, p))
			continue;
		strbuf_reset(&sb);
		if (pr->json) {
			trace_path_json(p, &sb);
			strbuf_addc(&sb, '\n');
		} else {
			trace_path_text(p, &sb);
		}
		pr->held = xreallocarray(pr->held, pr->nheld + 1, sizeof(*pr->held));
		pr->held[pr->nheld++] = (struct held){ p->id, strbuf_steal(&sb) };
	}
	strbuf_free(&sb);
	if (pr->nheld)
		qsort(pr->held, pr->nheld, sizeof(*pr->held), held_cmp);
	for (k = 0; k < pr->nheld && pr->held[k].id < oldest; k++) {
		if (pr->want <= 0 || pr->printed < pr->want) {
			fputs(pr->held[k].text, pr->out);
			pr->printed++;
		}
		free(pr->held[k].text);
	}
	if (k && k < pr->nheld)
		memmove(pr->held, pr->held + k, (pr->nheld - k) * sizeof(*pr->held));
	pr->nheld -= k;
	fflush(pr->out);
}

static void printer_free(struct printer *pr)
{
	size_t k;

	for (k = 0; k < pr->nheld; k++)
		free(pr->held[k].text);
	free(pr->held);
	model_trace_free(&pr->m);
}

/* The packets the rate limit kept from tracing (text output's last line;
 * JSON has each packet's rate_skipped). */
static void print_skipped(struct printer *pr, uint64_t skipped)
{
	struct strbuf sb;

	if (pr->json)
		return;
	strbuf_init(&sb);
	trace_skipped_text(skipped, &sb);
	if (sb.len)
		fprintf(pr->out, "%s\n", sb.s);
	strbuf_free(&sb);
}

/* ---- live ------------------------------------------------------------------------ */

static int run_live(struct feed *feed, const char *filter, int rate, struct printer *pr, char **cause)
{
	const struct feed_trace *ft = feed_trace(feed);
	struct snap_ruleset *rs = feed->ops->snapshot(feed, NULL, NULL, NULL);

	if (rs->status == SRC_EPERM) {
		*cause = xstrdup(rs->error);
		snapshot_ruleset_free(rs);
		return 1;
	}
	if (feed_trace_start(feed, filter, rate, cause) < 0) {
		snapshot_ruleset_free(rs);
		return 1;
	}
	if (ft->state && trace_state_notice(ft->state)) {
		/* nf_log changed or recovered, legacy rules not traced (trace.h) */
		const char *n = trace_state_notice(ft->state);

		for (; *n; n += strcspn(n, "\n"), n += *n == '\n')
			fprintf(stderr, "iptop: %.*s\n", (int)strcspn(n, "\n"), n);
	}
	/* From here on the owned table exists: leave through
	 * feed_trace_stop() on every signal a user sends (SIGKILL is covered
	 * by the owner flag). */
	catch_signals();
	if (!pr->json)
		fprintf(pr->out, "tracing %s in %s (Ctrl-C stops)\n", ft->rule, feed->netns_label);
	fflush(pr->out);

	while (!trace_quit && (pr->want <= 0 || pr->printed < pr->want)) {
		struct pollfd pfd[2] = { { .fd = feed_trace_fd(feed), .events = POLLIN },
					 { .fd = feed->ops->fd(feed), .events = POLLIN } };
		int to = feed_trace_timeout_ms(feed), n;

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
		n = feed_trace_read(feed, rs);
		if (n < 0) {
			*cause = xasprintf("reading trace events: %s", strerror(errno));
			break;
		}
		print_new(pr, ft->state, false);
		if (record_check(feed_record(feed), cause) < 0)
			break;
	}
	if (pr->want <= 0 || pr->printed < pr->want) {
		trace_complete_flush(ft->state);
		print_new(pr, ft->state, true);
	}
	feed_trace_stop(feed); /* reads the rate-limit count a last time */
	print_skipped(pr, ft->skipped);
	if (ft->lost)
		fprintf(stderr, "iptop: %" PRIu64 " trace overflow(s): some events were lost\n", ft->lost);
	snapshot_ruleset_free(rs);
	return *cause ? 1 : 0;
}

/* ---- replay ---------------------------------------------------------------------- */

static int run_replay(struct feed *feed, const char *filter, struct printer *pr, char **cause)
{
	const struct feed_trace *ft = feed_trace(feed);
	struct snap_ruleset *rs = NULL;
	struct trace_filter only;
	uint64_t lost = 0;

	if (trace_filter_parse(filter, &only, cause) < 0)
		return 1;
	pr->only = &only;
	/* Without traces (by a look at the frame headers) it is played
	 * through all the same: a damaged file says where it is damaged. */
	if (ft->recorded) {
		trace_state_set_limit(ft->state, REPLAY_RING);
		if (!pr->json)
			fprintf(pr->out, "packets traced in the %s%s%s\n", feed->netns_label,
				*filter ? " that match " : "", filter);
	}
	catch_signals();
	/* To the end of the file, then the traces after its last snapshot. */
	while (!trace_quit && (!feed->ended || ft->more) && !feed->failed &&
	       (pr->want <= 0 || pr->printed < pr->want)) {
		struct snap_ruleset *next = feed->ops->snapshot(feed, rs, NULL, NULL);

		snapshot_ruleset_free(rs);
		rs = next;
		if (ft->lost > lost)
			lost = ft->lost;
		if (ft->state)
			print_new(pr, ft->state, !ft->more && feed->ended);
	}
	if (ft->state)
		print_new(pr, ft->state, true);
	print_skipped(pr, ft->skipped);
	if (feed->failed)
		*cause = xstrdup(rs && rs->error ? rs->error : "corrupt recording");
	else if (!ft->recorded)
		*cause = xstrdup("this recording holds no traced packets (record them with --record FILE "
				 "--trace FILTER, or press t in the dashboard while recording)");
	else if (!pr->printed && !trace_quit && ft->state)
		fprintf(stderr, "iptop: none of the %" PRIu64 " packet(s) traced in the recording match '%s'\n",
			pr->m.total, filter);
	if (lost)
		fprintf(stderr, "iptop: the recording lost trace events (%" PRIu64 " overflow(s))\n", lost);
	snapshot_ruleset_free(rs);
	return *cause ? 1 : 0;
}

int batch_trace_run(struct feed *feed, const char *filter, int rate, const struct batch_opts *opts, FILE *out,
		    char **cause)
{
	struct printer pr = { .json = opts->json, .want = opts->iterations, .out = out };

	if (feed_is_demo(feed)) {
		*cause = xstrdup("--trace needs a live namespace or a recording, not the demo");
		return 1;
	}
	int rc = feed->replay ? run_replay(feed, filter ? filter : "", &pr, cause)
			      : run_live(feed, filter, rate, &pr, cause);

	printer_free(&pr);
	return rc;
}
