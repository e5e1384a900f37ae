/*
 * snap-cost.c - iptop's ruleset snapshot alone, the way nft-floor is the
 * bare dump alone: the same collector iptop runs (GETGEN, GETTABLE,
 * GETCHAIN, one GETRULE per chain, GETGEN), no model, no output. The first
 * snapshot renders every rule's text; later ones (same generation) read
 * counters and reuse it. Prints "rules first_ms steady_ms" in CPU time of
 * this process (CLOCK_PROCESS_CPUTIME_ID), steady as the median of N.
 * -b: steady snapshots refresh the base chains' rules only (the diagram
 * alone); without it every chain's (the chain list 'c', batch mode).
 *
 *   snap-cost [-b] [-n N]    N steady snapshots after the first (default 20)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect.h"
#include "feed.h"
#include "iptop.h"
#include "snapshot.h"

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool base_only(const struct snap_chain *ch, void *arg)
{
	return ch->base;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct collect_ruleset *c;
	struct snap_ruleset *rs, *next;
	double t0, first, *steady;
	size_t rules = 0, i;
	int n = 20, k;

	feed_want_fn want = NULL;
	int a = 1;

	if (a < argc && strcmp(argv[a], "-b") == 0) {
		want = base_only;
		a++;
	}
	if (a + 1 < argc && strcmp(argv[a], "-n") == 0) {
		n = atoi(argv[a + 1]);
		a += 2;
	}
	if (n < 1 || a != argc) {
		fprintf(stderr, "usage: snap-cost [-b] [-n N]\n");
		return 2;
	}
	steady = calloc((size_t)n, sizeof(*steady));
	c = collect_ruleset_open(NULL);
	t0 = cpu_ms();
	rs = collect_ruleset_snapshot(c, NULL, NULL, NULL);
	first = cpu_ms() - t0;
	if (rs->status != SRC_OK) {
		fprintf(stderr, "snap-cost: %s\n", rs->error ? rs->error : snapshot_status_name(rs->status));
		return 1;
	}
	for (k = 0; k < n; k++) {
		t0 = cpu_ms();
		next = collect_ruleset_snapshot(c, rs, want, NULL);
		snapshot_ruleset_free(rs);
		rs = next;
		steady[k] = cpu_ms() - t0;
	}
	for (i = 0; i < rs->nchains; i++)
		rules += rs->chains[i].nrules;
	qsort(steady, (size_t)n, sizeof(*steady), cmp_double);
	printf("%zu %.2f %.2f\n", rules, first, steady[n / 2]);
	snapshot_ruleset_free(rs);
	collect_ruleset_close(c);
	free(steady);
	return 0;
}
