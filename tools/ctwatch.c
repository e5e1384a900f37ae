/*
 * ctwatch - drive the conntrack collector the way iptop's loop does, for
 * the live tests and the benchmark. Prints nothing but what is asked, then
 * a last line:
 *   resyncs=R lost=L mirror=N kernel=K status=S events=E dumps=D
 *
 *   -t SECS   run the poll loop this long (default: one dump, no loop)
 *   -i SECS   stop after SECS without events, once events were seen
 *   -n        no periodic dumps: only the first one and the resync dumps
 *   -I SECS   opts.min_interval: seconds between the periodic dumps
 *   -b BYTES  event socket receive buffer; -G: never grow it
 *   -s USEC   sleep after each batch of events (a slow consumer)
 *   -u        subscribe to UPDATE events too
 *   -E        print "new LINE" / "dying LINE" as the mirror changes
 * "# ready" goes to stderr once the first dump is in.
 *   -j / -l   print the table as JSON / text at the end (-L N: limit)
 *   -r        print each flow's routing decision at the end
 *   -B N      benchmark: N forced dumps, print "dump_us=.. cpu_us=.."
 *   -V        verify: compare the mirror with a fresh dump, print
 *             "missing LINE" / "extra LINE" and "verify: missing=N extra=M"
 *   -q        no final line
 * CTWATCH_CHECK=1 in the environment: ct_table_check() after every step.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "conntrack-text.h"
#include "conntrack.h"
#include "model-conntrack.h"
#include "route.h"

static double now_s(void)
{
	return (double)time_mono_ns() / 1e9;
}

static double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec +
	       ru.ru_stime.tv_usec;
}

/* -E: what the mirror gained and lost since the last look, by id. */
struct seen {
	uint32_t *live;
	size_t n;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool seen_has(const struct seen *s, uint32_t id)
{
	return bsearch(&id, s->live, s->n, sizeof(*s->live), cmp_u32) != NULL;
}

static void report_changes(const struct ct_table *t, struct seen *s)
{
	struct seen next = { xcalloc(t->nflows + 1, sizeof(uint32_t)), 0 };
	struct strbuf sb;
	size_t i;

	strbuf_init(&sb);
	for (i = 0; i < t->nflows; i++) {
		const struct ct_flow *f = &t->flows[i];

		if (!f->dying)
			next.live[next.n++] = f->id;
		if (!f->dying && !seen_has(s, f->id)) {
			strbuf_reset(&sb);
			conntrack_text_flow(f, &sb);
			printf("new %s\n", sb.s);
		} else if (f->dying && seen_has(s, f->id)) {
			strbuf_reset(&sb);
			conntrack_text_flow(f, &sb);
			printf("dying %s\n", sb.s);
		}
	}
	qsort(next.live, next.n, sizeof(*next.live), cmp_u32);
	free(s->live);
	*s = next;
	strbuf_free(&sb);
	fflush(stdout);
}

/* -V: compare the mirror with a fresh dump; print what differs. */
static void verify(const struct ct_table *t)
{
	struct ct_collect *c2 = ct_collect_open(NULL);
	const struct ct_table *k = ct_collect_table(c2);
	size_t i, missing = 0, extra = 0;
	struct strbuf sb;

	strbuf_init(&sb);
	ct_collect_refresh(c2, now_s(), true);
	for (i = 0; i < k->nflows; i++) {
		const struct ct_flow *m = ct_table_find_flow(t, &k->flows[i]);

		if (!m || m->dying) {
			missing++;
			strbuf_reset(&sb);
			conntrack_text_flow(&k->flows[i], &sb);
			printf("missing%s %s\n", m ? " (dying)" : "", sb.s);
		}
	}
	for (i = 0; i < t->nflows; i++) {
		if (!t->flows[i].dying && !ct_table_find_flow(k, &t->flows[i])) {
			extra++;
			strbuf_reset(&sb);
			conntrack_text_flow(&t->flows[i], &sb);
			printf("extra %s\n", sb.s);
		}
	}
	printf("verify: missing=%zu extra=%zu\n", missing, extra);
	strbuf_free(&sb);
	ct_collect_close(c2);
}

static void print_routes(const struct ct_table *t)
{
	struct nlroute *r = nlroute_open();
	const struct ct_flow **v;
	size_t n, i;
	struct strbuf sb;

	if (!r) {
		printf("route: %s\n", strerror(errno));
		return;
	}
	strbuf_init(&sb);
	v = ct_table_sorted(t, CT_SORT_ID, false, &n);
	for (i = 0; i < n; i++) {
		struct route_result res;
		char gw[INET6_ADDRSTRLEN] = "-";

		strbuf_reset(&sb);
		conntrack_text_tuple(v[i], &v[i]->orig, &sb);
		if (conntrack_text_route(r, v[i], &res) < 0) {
			printf("route %s %s: %s\n", conntrack_text_proto(v[i]->proto), sb.s,
			       strerror(res.error));
			continue;
		}
		if (res.has_gateway)
			conntrack_text_addr(res.family, res.gateway, gw, sizeof(gw));
		printf("route %s %s: path=%s type=%s iif=%s oif=%s gw=%s table=%u\n",
		       conntrack_text_proto(v[i]->proto), sb.s, nlroute_path_name(res.path),
		       nlroute_type_name(res.rtm_type), res.iif_name[0] ? res.iif_name : "-",
		       res.oif_name[0] ? res.oif_name : "-", gw, res.table);
	}
	free(v);
	strbuf_free(&sb);
	nlroute_close(r);
}

int main(int argc, char **argv)
{
	struct ct_collect_opts o = { 0 };
	struct ct_collect *c;
	const struct ct_table *t;
	double run = 0, idle = 0, start, last_event = 0;
	long sleep_us = 0, bench = 0;
	size_t limit = 0;
	bool periodic = true, json = false, text = false, changes = false, routes = false;
	bool quiet = false, got_events = false, check = false;
	struct seen seen = { NULL, 0 };
	struct model_ct m = { 0 };
	struct strbuf sb;
	int ch;

	while ((ch = getopt(argc, argv, "t:i:I:nb:Gs:uEjlL:rB:qV")) != -1) {
		switch (ch) {
		case 't': run = atof(optarg); break;
		case 'i': idle = atof(optarg); break;
		case 'I': o.min_interval = atof(optarg); break;
		case 'n': periodic = false; break;
		case 'b': o.rcvbuf = atoi(optarg); break;
		case 'G': o.rcvbuf_max = -1; break;
		case 's': sleep_us = atol(optarg); break;
		case 'u': o.updates = true; break;
		case 'E': changes = true; break;
		case 'j': json = true; break;
		case 'l': text = true; break;
		case 'L': limit = (size_t)atol(optarg); break;
		case 'r': routes = true; break;
		case 'B': bench = atol(optarg); break;
		case 'q': quiet = true; break;
		case 'V': check = true; break;
		default:
			fprintf(stderr, "usage: ctwatch [-t SECS] [-i SECS] [-I SECS] [-n] [-b BYTES] [-G] "
					"[-s USEC] [-u] [-E] [-j] [-l] [-L N] [-r] [-B N] [-q]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	c = ct_collect_open(&o);
	t = ct_collect_table(c);
	start = now_s();
	ct_collect_refresh(c, start, true);
	model_ct_update(&m, t);   /* as iptop's loop: once a round, for the rate order */
	if (changes)
		report_changes(t, &seen);
	fprintf(stderr, "# ready\n");   /* for tests: the first dump is in */

	if (bench > 0) {
		double c0 = cpu_us(), w0 = now_s();
		long i;

		for (i = 0; i < bench; i++)
			ct_collect_refresh(c, now_s(), true);
		printf("flows=%zu dumps=%ld dump_us=%.0f cpu_us=%.0f\n", t->count, bench,
		       (now_s() - w0) * 1e6 / bench, (cpu_us() - c0) / bench);
	}

	/* The loop iptop runs: poll the event fd, dump once a second. */
	while (run > 0 && now_s() - start < run) {
		struct pollfd p = { .fd = ct_collect_event_fd(c), .events = POLLIN };
		double now;
		int n;

		if (poll(&p, p.fd >= 0 ? 1 : 0, 100) < 0 && errno != EINTR)
			break;
		now = now_s();
		n = ct_collect_events(c, now);
		if (n > 0) {
			got_events = true;
			last_event = now;
			if (sleep_us)
				usleep((useconds_t)sleep_us);
		}
		if (periodic)
			ct_collect_refresh(c, now, false);
		model_ct_update(&m, t);
		if (getenv("CTWATCH_CHECK")) {
			char *why;
			if (ct_table_check(t, &why) < 0) {
				printf("CHECK after %d events: %s\n", n, why);
				exit(3);
			}
		}
		if (changes && (n > 0 || periodic))
			report_changes(t, &seen);
		if (idle > 0 && got_events && now - last_event >= idle)
			break;
	}

	ct_collect_stats(c);
	model_ct_update(&m, t);
	strbuf_init(&sb);
	if (json) {
		strbuf_addc(&sb, '{');
		conntrack_text_json(&m, t, &sb, limit);
		strbuf_add(&sb, "}\n");
	}
	if (text)
		conntrack_text_table(&m, t, &sb, limit);
	fputs(sb.s ? sb.s : "", stdout);
	strbuf_free(&sb);
	if (routes)
		print_routes(t);
	if (check)
		verify(t);
	if (!quiet)
		printf("resyncs=%llu lost=%llu mirror=%zu kernel=%lld status=%s events=%llu dumps=%u%s%s\n",
		       (unsigned long long)t->resyncs, (unsigned long long)t->events_lost, t->count,
		       t->has_kernel_count ? (long long)t->kernel_count : -1LL,
		       snapshot_status_name(t->status), (unsigned long long)t->events, t->gen,
		       t->error ? " error=" : "", t->error ? t->error : "");
	free(seen.live);
	model_ct_free(&m);
	ct_collect_close(c);
	return 0;
}
