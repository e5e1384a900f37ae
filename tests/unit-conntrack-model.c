/*
 * unit-conntrack-model.c - the model's part for conntrack
 * (model-conntrack.c) over synthetic tables: growth between dumps and
 * rates, flows that appear by dump or by event, a counter reset, a flow
 * that dies and fades out (the table moves its last flow into its place),
 * a resync dump after lost events, the id reused, lookups by key and the
 * master of a RELATED flow, a dump whose order is not the mirror's. No root.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter/nf_conntrack_common.h>

#include "conntrack.h"
#include "model-conntrack.h"
#include "unit.h"

/* A TCP flow 10.0.0.n:1000+n -> 198.51.100.10:443 with counters. */
static struct ct_flow flow(uint32_t n, uint64_t packets, uint64_t bytes)
{
	struct ct_flow f;

	memset(&f, 0, sizeof(f));
	f.id = 1000 + n;
	f.family = AF_INET;
	f.proto = IPPROTO_TCP;
	f.orig.src.v4 = htonl(0x0a000000u + n);
	f.orig.dst.v4 = htonl(0xc633640au);
	f.orig.sport = (uint16_t)(1000 + n);
	f.orig.dport = 443;
	f.reply.src = f.orig.dst;
	f.reply.dst = f.orig.src;
	f.reply.sport = 443;
	f.reply.dport = f.orig.sport;
	f.status = IPS_CONFIRMED | IPS_SEEN_REPLY;
	f.has_acct = true;
	f.packets[CT_DIR_ORIG] = packets;
	f.packets[CT_DIR_REPLY] = packets / 2;
	f.bytes[CT_DIR_ORIG] = bytes;
	f.bytes[CT_DIR_REPLY] = bytes / 2;
	return f;
}

static void dump(struct ct_table *t, const struct ct_flow *v, size_t n, double now, bool resync)
{
	size_t i;

	ct_table_dump_begin(t, resync);
	for (i = 0; i < n; i++)
		ct_table_dump_flow(t, &v[i], now);
	ct_table_dump_end(t, true, now);
}

static uint64_t d_packets(const struct model_ct *m, const struct ct_table *t, const struct ct_flow *key, int dir)
{
	uint64_t p[2], b[2];
	const struct ct_flow *f = model_ct_find(t, key);

	if (!f || !model_ct_delta(m, t, f, p, b))
		return UINT64_MAX;
	return p[dir];
}

static double rate(const struct model_ct *m, const struct ct_table *t, const struct ct_flow *key)
{
	const struct ct_flow *f = model_ct_find(t, key);

	return f ? model_ct_rate(m, t, f, -1) : -1;
}

static void test_growth(void)
{
	struct ct_table t;
	struct model_ct m;
	struct ct_flow v[3] = { flow(1, 100, 10000), flow(2, 50, 5000), flow(3, 7, 700) };
	uint64_t p[2], b[2];

	ct_table_init(&t);
	memset(&m, 0, sizeof(m));
	t.acct = true;
	/* The first dump: no growth, no rate. */
	dump(&t, v, 2, 1.0, false);
	model_ct_update(&m, &t);
	CHECK_INT(d_packets(&m, &t, &v[0], CT_DIR_ORIG), 0);
	CHECK(rate(&m, &t, &v[0]) == 0);
	CHECK(m.interval == 0);
	/* Nothing changed: the same again. */
	model_ct_update(&m, &t);
	CHECK_INT(d_packets(&m, &t, &v[0], CT_DIR_ORIG), 0);

	/* Two seconds later: flow 1 grew, flow 2 did not, flow 3 is new
	 * (all of its traffic is growth). */
	v[0] = flow(1, 120, 12000);
	dump(&t, v, 3, 3.0, false);
	model_ct_update(&m, &t);
	CHECK(m.interval == 2.0);
	CHECK_INT(d_packets(&m, &t, &v[0], CT_DIR_ORIG), 20);
	CHECK_INT(d_packets(&m, &t, &v[0], CT_DIR_REPLY), 10);
	CHECK(rate(&m, &t, &v[0]) == 15.0);
	CHECK(model_ct_rate(&m, &t, model_ct_find(&t, &v[0]), CT_DIR_REPLY) == 5.0);
	CHECK_INT(d_packets(&m, &t, &v[1], CT_DIR_ORIG), 0);
	CHECK_INT(d_packets(&m, &t, &v[2], CT_DIR_ORIG), 7);
	CHECK(model_ct_delta(&m, &t, model_ct_find(&t, &v[0]), p, b));
	CHECK_INT(b[CT_DIR_ORIG], 2000);
	CHECK_INT(b[CT_DIR_REPLY], 1000);

	/* A counter that went down is a reset: the growth is the new value. */
	v[1] = flow(2, 4, 400);
	dump(&t, v, 3, 4.0, false);
	model_ct_update(&m, &t);
	CHECK_INT(d_packets(&m, &t, &v[1], CT_DIR_ORIG), 4);
	CHECK_INT(d_packets(&m, &t, &v[0], CT_DIR_ORIG), 0);
	CHECK(m.interval == 1.0);

	/* Every flow of the synced table is known. */
	{
		size_t i;

		for (i = 0; i < t.nflows; i++)
			CHECK(model_ct_delta(&m, &t, &t.flows[i], p, b));
	}
	/* Without a table nothing is known; a stranger neither. */
	{
		struct ct_flow x = flow(9, 1, 1);

		CHECK(model_ct_find(NULL, &x) == NULL);
		CHECK(!model_ct_delta(&m, &t, &x, p, b));
		CHECK(model_ct_rate(&m, &t, &x, -1) == 0);
	}
	model_ct_free(&m);
	ct_table_free(&t);
}

static void test_events_and_death(void)
{
	struct ct_table t;
	struct model_ct m;
	struct ct_flow v[4] = { flow(1, 10, 1000), flow(2, 20, 2000), flow(3, 30, 3000), flow(4, 0, 0) };
	struct ct_flow ev;

	ct_table_init(&t);
	memset(&m, 0, sizeof(m));
	dump(&t, v, 3, 1.0, false);
	model_ct_update(&m, &t);

	/* A NEW event between dumps: known, no growth until the next dump,
	 * which counts all of its traffic. */
	ev = flow(4, 0, 0);
	ev.has_acct = false;
	ct_table_apply_event(&t, &ev, CT_MSG_NEW, 1.5);
	model_ct_update(&m, &t);
	CHECK_INT(d_packets(&m, &t, &ev, CT_DIR_ORIG), 0);
	v[3] = flow(4, 6, 600);
	v[0] = flow(1, 16, 1600);
	dump(&t, v, 4, 2.0, false);
	model_ct_update(&m, &t);
	CHECK_INT(d_packets(&m, &t, &v[3], CT_DIR_ORIG), 6);
	CHECK_INT(d_packets(&m, &t, &v[0], CT_DIR_ORIG), 6);

	/* Flow 1 dies with its final counters: a dying flow has no rate; its
	 * last growth counts at the next dump, which no longer lists it. */
	ev = flow(1, 19, 1900);
	ct_table_apply_event(&t, &ev, CT_MSG_DESTROY, 2.5);
	model_ct_update(&m, &t);
	CHECK(model_ct_find(&t, &ev)->dying);
	CHECK(rate(&m, &t, &ev) == 0);
	dump(&t, v + 1, 3, 3.0, false);
	model_ct_update(&m, &t);
	CHECK_INT(d_packets(&m, &t, &ev, CT_DIR_ORIG), 3);
	CHECK(rate(&m, &t, &ev) == 0);
	CHECK_INT(d_packets(&m, &t, &v[3], CT_DIR_ORIG), 0);

	/* It fades out: the table moves its last flow (4) into its place;
	 * the model follows the key, not the index. */
	v[3] = flow(4, 16, 1600);
	v[2] = flow(3, 33, 3300);
	dump(&t, v + 1, 3, 4.0, false);
	model_ct_update(&m, &t);
	CHECK_INT(d_packets(&m, &t, &v[3], CT_DIR_ORIG), 10);
	ct_table_expire(&t, 10.0);
	CHECK(model_ct_find(&t, &ev) == NULL);
	CHECK_INT(t.nflows, 3);
	model_ct_update(&m, &t);
	CHECK_INT(m.nflows, 3);
	CHECK_INT(d_packets(&m, &t, &v[3], CT_DIR_ORIG), 10);
	CHECK_INT(d_packets(&m, &t, &v[2], CT_DIR_ORIG), 3);
	CHECK_INT(d_packets(&m, &t, &v[1], CT_DIR_ORIG), 0);

	/* The id comes back with the same tuple: a new conntrack, counted
	 * from the dump after the one that brought it back. */
	ev = flow(1, 5, 500);
	v[0] = ev;
	dump(&t, v, 4, 11.0, false);
	model_ct_update(&m, &t);
	CHECK_INT(d_packets(&m, &t, &ev, CT_DIR_ORIG), 5);
	model_ct_free(&m);
	ct_table_free(&t);
}

static void test_resync(void)
{
	struct ct_table t;
	struct model_ct m;
	struct ct_flow v[3] = { flow(1, 10, 1000), flow(2, 20, 2000), flow(3, 30, 3000) };
	struct ct_flow w[2];

	ct_table_init(&t);
	memset(&m, 0, sizeof(m));
	dump(&t, v, 2, 1.0, false);
	model_ct_update(&m, &t);
	/* Events were lost: flow 2 is gone without a DESTROY, flow 3 came
	 * without a NEW. The resync dump says so. */
	w[0] = flow(1, 14, 1400);
	w[1] = v[2];
	dump(&t, w, 2, 2.0, true);
	CHECK_INT(t.events_lost, 2);
	model_ct_update(&m, &t);
	CHECK_INT(d_packets(&m, &t, &w[0], CT_DIR_ORIG), 4);
	CHECK_INT(d_packets(&m, &t, &w[1], CT_DIR_ORIG), 30);
	CHECK(model_ct_find(&t, &v[1])->dying);
	CHECK(rate(&m, &t, &v[1]) == 0);
	CHECK(rate(&m, &t, &w[0]) == 6.0);

	/* A fresh model (a replay rewound) over the same table starts over. */
	model_ct_free(&m);
	model_ct_update(&m, &t);
	CHECK_INT(d_packets(&m, &t, &w[0], CT_DIR_ORIG), 0);
	CHECK(m.interval == 0);
	model_ct_update(&m, NULL);
	model_ct_free(&m);
	ct_table_free(&t);
}

static void test_lookups(void)
{
	struct ct_table t;
	struct ct_flow v[2] = { flow(1, 1, 100), flow(2, 1, 100) };
	const struct ct_flow **s;
	size_t n;

	ct_table_init(&t);
	/* Flow 2 is RELATED to flow 1 (FTP data to its control connection). */
	v[1].has_master = true;
	v[1].master_proto = IPPROTO_TCP;
	v[1].master = v[0].orig;
	dump(&t, v, 2, 1.0, false);
	CHECK(model_ct_master(&t, model_ct_find(&t, &v[1])) == model_ct_find(&t, &v[0]));
	CHECK(model_ct_master(&t, model_ct_find(&t, &v[0])) == NULL);
	ct_table_apply_event(&t, &v[0], CT_MSG_DESTROY, 1.5);
	s = model_ct_sorted(&t, false, &n);
	CHECK_INT(n, 1);
	CHECK(n == 1 && s[0]->id == v[1].id);
	free(s);
	s = model_ct_sorted(&t, true, &n);
	CHECK_INT(n, 2);
	CHECK(n == 2 && s[0]->id < s[1]->id);
	free(s);
	ct_table_free(&t);
}

/* A dump first looks at the flow after the last one it matched: one in
 * another order (events appended, holes filled by the last flow) still
 * finds every flow once. */
static void test_dump_order(void)
{
	enum { N = 300, NEW = 40 };
	static struct ct_flow v[N + NEW];
	struct ct_table t;
	char *why = NULL;
	size_t i, bad = 0;

	ct_table_init(&t);
	for (i = 0; i < N + NEW; i++)
		v[i] = flow((uint32_t)i, 1, 100);
	dump(&t, v, N, 1.0, false);
	for (i = N; i < N + NEW; i++)
		ct_table_apply_event(&t, &v[i], CT_MSG_NEW, 1.5);
	for (i = 0; i < N; i += 3)
		ct_table_apply_event(&t, &v[i], CT_MSG_DESTROY, 1.5);
	ct_table_expire(&t, 1.5 + CT_FADE_SECONDS);
	CHECK_INT(t.nflows, N + NEW - N / 3);
	/* the live ones, in a stride the mirror never had */
	ct_table_dump_begin(&t, false);
	for (i = 0; i < N + NEW; i++) {
		size_t k = (i * 7) % (N + NEW);

		v[k].packets[CT_DIR_ORIG] = 2 + k;
		if (k >= N || k % 3)
			ct_table_dump_flow(&t, &v[k], 2.0);
	}
	ct_table_dump_end(&t, true, 2.0);
	CHECK_INT(t.dump_added, 0);
	CHECK_INT(t.nflows, N + NEW - N / 3);
	CHECK_INT(t.count, N + NEW - N / 3);
	for (i = 0; i < N + NEW; i++) {
		const struct ct_flow *f = model_ct_find(&t, &v[i]);

		bad += (i < N && i % 3 == 0) ? f != NULL : !f || f->packets[CT_DIR_ORIG] != 2 + i;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(ct_table_check(&t, &why), 0);
	free(why);
	ct_table_free(&t);
}

/* The rate order (batch, JSON, the flows view's default): growth in bytes
 * down, then bytes down, then id up, flows with one key in the table's
 * order. Checked against a plain insertion sort on tables of 1 to 3,000
 * flows, where few keys differ (ids reused, equal counters): the merge
 * sort's runs and their edges. */
static bool rate_before(const struct ct_flow *a, uint64_t da, const struct ct_flow *b, uint64_t db)
{
	uint64_t ba = a->bytes[0] + a->bytes[1], bb = b->bytes[0] + b->bytes[1];

	if (da != db)
		return da > db;
	if (ba != bb)
		return ba > bb;
	return a->id < b->id;
}

static void test_rate_order(void)
{
	static const size_t sizes[] = { 1, 2, 15, 16, 17, 33, 100, 1000, 3000 };
	size_t z;

	srand(18);
	for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		size_t n = sizes[z], i, j, k, got, bad = 0;
		struct ct_flow *v = calloc(n, sizeof(*v));
		const struct ct_flow **want = calloc(n, sizeof(*want)), **r;
		uint64_t *d = calloc(n, sizeof(*d)), *dw = calloc(n, sizeof(*dw));
		struct ct_table t;
		struct model_ct m;

		ct_table_init(&t);
		memset(&m, 0, sizeof(m));
		/* ids from a set of 7 (32-bit hashes collide) */
		for (i = 0; i < n; i++) {
			v[i] = flow((uint32_t)i, 1, 100);
			v[i].id = (uint32_t)(rand() % 7);
		}
		dump(&t, v, n, 1.0, false);
		model_ct_update(&m, &t);
		/* a second dump: growth of 0, 100 or 200 bytes, equal totals */
		for (i = 0; i < n; i++) {
			v[i].bytes[CT_DIR_ORIG] += (uint64_t)(rand() % 3) * 100;
			v[i].bytes[CT_DIR_REPLY] = (uint64_t)(rand() % 2) * 50;
		}
		dump(&t, v, n, 2.0, false);
		model_ct_update(&m, &t);
		/* the reference: insertion sort, stable by construction */
		for (i = 0; i < n; i++) {
			uint64_t p[2], b[2];

			CHECK(model_ct_delta(&m, &t, &t.flows[i], p, b));
			d[i] = b[0] + b[1];
			for (j = i; j > 0 && rate_before(&t.flows[i], d[i], want[j - 1], dw[j - 1]); j--) {
				want[j] = want[j - 1];
				dw[j] = dw[j - 1];
			}
			want[j] = &t.flows[i];
			dw[j] = d[i];
		}
		r = model_ct_by_rate(&m, &t, &got);
		CHECK_INT(got, n);
		for (k = 0; k < n && k < got; k++)
			bad += r[k] != want[k];
		CHECK_INT(bad, 0);
		free(r);
		free(v);
		free(want);
		free(d);
		free(dw);
		model_ct_free(&m);
		ct_table_free(&t);
	}
}

int main(void)
{
	test_growth();
	test_events_and_death();
	test_resync();
	test_lookups();
	test_dump_order();
	test_rate_order();
	return unit_status("unit-conntrack-model");
}
