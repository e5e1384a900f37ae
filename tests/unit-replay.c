/*
 * unit-replay.c - recordings with traces and facts, replayed without root:
 * REC_META written and read back (record_meta, control characters),
 * record_reader_skip, the format versions; a replay feeds REC_TRACE
 * frames into the feed's trace_state on the recording's clock and wall
 * clock, with the interface names the recording gave (if#N when it gave
 * none), keeps nf_conntrack_acct and _max, and rejects a truncated trace
 * frame or message with "FILE: offset N: what". Then the shipped traced
 * lab walk-through (tests/fixtures/trace-walkthrough.rec) in the
 * dashboard's views, as the loop hands them the feed's trace: t shows the
 * recorded packets (golden screen), and a recording without traces says
 * so.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "canvas.h"
#include "conntrack.h"
#include "feed.h"
#include "iptop.h"
#include "model.h"
#include "record.h"
#include "trace.h"
#include "screen-golden.h"
#include "unit.h"
#include "view.h"

#define BR "br-5e1f0c3a9b2d"

static bool has(const char *text, const char *needle)
{
	bool ok = text && strstr(text, needle);

	if (!ok)
		fprintf(stderr, "not found: \"%s\"\n", needle);
	return ok;
}

/* ---- writing recordings by hand (times under our control) ----------------------- */

struct w {
	FILE *fp;
	char *path;
	uint64_t off;
};

static void w_put(struct w *w, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->fp) != n)
		abort();
	w->off += n;
}

static void w_open(struct w *w, uint32_t version, const char *header)
{
	uint32_t v;

	w->path = xstrdup("/tmp/iptop-unit-replay-XXXXXX");
	close(mkstemp(w->path));
	w->fp = fopen(w->path, "wb");
	w->off = 0;
	w_put(w, RECORD_MAGIC, 8);
	v = 0x01020304u;
	w_put(w, &v, 4);
	w_put(w, &version, 4);
	v = (uint32_t)strlen(header);
	w_put(w, &v, 4);
	w_put(w, header, strlen(header));
}

/* Returns the frame's offset. */
static uint64_t w_frame(struct w *w, uint32_t type, uint64_t t_ns, const void *data, size_t len)
{
	uint32_t h[2] = { type, (uint32_t)len };
	uint64_t at = w->off;

	w_put(w, h, 8);
	w_put(w, &t_ns, 8);
	w_put(w, data, len);
	return at;
}

static void w_close(struct w *w)
{
	fclose(w->fp);
}

static void w_unlink(struct w *w)
{
	unlink(w->path);
	free(w->path);
}

/* Frames of a shipped fixture, copied: those of one type, or (type 0)
 * the first snapshot's, REC_RULESET_BEGIN to _END. */
struct msgs {
	uint8_t **v;
	uint32_t *len;
	uint32_t *type;
	size_t n;
};

static void fixture_frames(const char *name, uint32_t type, struct msgs *m)
{
	char *path = xasprintf("%s/tests/fixtures/%s", srcdir(), name);
	struct record_reader *rd;
	struct record_frame fr;
	char *cause = NULL;

	memset(m, 0, sizeof(*m));
	rd = record_reader_open(path, &cause);
	CHECK(rd != NULL);
	while (rd && record_reader_next(rd, &fr, &cause) == 1) {
		if (type ? fr.type != type : fr.type != REC_RULESET_BEGIN && !m->n)
			continue;
		m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
		m->len = xreallocarray(m->len, m->n + 1, sizeof(*m->len));
		m->type = xreallocarray(m->type, m->n + 1, sizeof(*m->type));
		m->v[m->n] = xmalloc(fr.len ? fr.len : 1);
		memcpy(m->v[m->n], fr.data, fr.len);
		m->len[m->n] = fr.len;
		m->type[m->n++] = fr.type;
		if (!type && fr.type == REC_RULESET_END)
			break;
	}
	record_reader_close(rd);
	free(cause);
	free(path);
}

/* The trace messages of the recorded lab run (trace-lab.nlmsg: REC_TRACE
 * frames only, no names). */
static void lab_msgs(struct msgs *m)
{
	fixture_frames("trace-lab.nlmsg", REC_TRACE, m);
}

static void msgs_free(struct msgs *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	free(m->len);
	free(m->type);
}

static void meta(struct w *w, uint64_t t, const char *text)
{
	w_frame(w, REC_META, t, text, strlen(text));
}

/* ---- the writer and reader ------------------------------------------------------ */

static void test_meta_written(void)
{
	char *cause = NULL, *path = xstrdup("/tmp/iptop-unit-replay-XXXXXX");
	struct record_reader *r;
	struct record_frame f;
	struct record *rec;
	uint32_t ver = 0;
	FILE *fp;

	close(mkstemp(path));
	rec = record_create(path, "net:[1]", 500, &cause);
	CHECK(rec != NULL);
	record_meta(rec, "trace_start", "-p icmp\n-s 10.0.0.1\t");
	record_frame(rec, REC_NFT_EVENT, "abcdefgh", 8);
	record_meta(rec, "ct_acct", "1");
	CHECK_INT(record_close(rec, &cause), 0);
	fp = fopen(path, "rb");
	CHECK(fp && fseek(fp, 12, SEEK_SET) == 0 && fread(&ver, 4, 1, fp) == 1);
	if (fp)
		fclose(fp);
	CHECK_INT(ver, RECORD_VERSION);

	r = record_reader_open(path, &cause);
	CHECK(r != NULL);
	CHECK_INT(record_reader_next(r, &f, &cause), 1);
	CHECK_INT(f.type, REC_META);
	CHECK(f.len == strlen("trace_start=-p icmp -s 10.0.0.1 \n") &&
	      memcmp(f.data, "trace_start=-p icmp -s 10.0.0.1 \n", f.len) == 0);
	/* Skipping: the same frames, no payload. */
	CHECK_INT(record_reader_skip(r, &f, &cause), 1);
	CHECK_INT(f.type, REC_NFT_EVENT);
	CHECK_INT(f.len, 8);
	CHECK(f.data == NULL);
	CHECK_INT(record_reader_next(r, &f, &cause), 1);
	CHECK_INT(f.type, REC_META);
	CHECK(f.len == 10 && memcmp(f.data, "ct_acct=1\n", 10) == 0);
	CHECK_INT(record_reader_skip(r, &f, &cause), 0);
	record_reader_close(r);
	unlink(path);
	free(path);
}

static void test_versions(void)
{
	struct record_reader *r;
	char *cause = NULL;
	struct w w;

	/* Version 1 files (no REC_META) still read. */
	w_open(&w, 1, "kernel=x\n");
	w_frame(&w, REC_NFT_EVENT, 1, "abcd", 4);
	w_close(&w);
	r = record_reader_open(w.path, &cause);
	CHECK(r != NULL);
	record_reader_close(r);
	w_unlink(&w);

	w_open(&w, RECORD_VERSION + 1, "kernel=x\n");
	w_close(&w);
	r = record_reader_open(w.path, &cause);
	CHECK(r == NULL);
	CHECK(cause && strstr(cause, w.path) && strstr(cause, "offset 12: unsupported format version"));
	free(cause);
	w_unlink(&w);
}

/* ---- a replay with traces and facts ------------------------------------------------ */

static void run_to_end(struct feed *f, struct snap_ruleset **rs)
{
	int i;

	/* The end of the file, then the traces after the last snapshot. */
	for (i = 0; i < 1000 && (!f->ended || feed_trace(f)->more) && !f->failed; i++) {
		struct snap_ruleset *next = f->ops->snapshot(f, *rs, NULL, NULL);

		snapshot_ruleset_free(*rs);
		*rs = next;
	}
}

static const struct trace_packet *find(const struct trace_state *ts, const char *src, const char *dst)
{
	size_t i;

	for (i = 0; ts && i < trace_state_count(ts); i++) {
		const struct trace_packet *p = trace_state_packet(ts, i);

		if (p->pkt.valid && !strcmp(p->pkt.src, src) && !strcmp(p->pkt.dst, dst))
			return p;
	}
	return NULL;
}

static void test_replay_traces(void)
{
	const struct feed_trace *ft;
	const struct trace_packet *req, *drop;
	const struct ct_table *ct;
	struct snap_ruleset *rs = NULL;
	char *cause = NULL;
	struct strbuf sb;
	struct msgs m;
	struct feed *f;
	struct w w;
	size_t i;

	lab_msgs(&m);
	CHECK(m.n > 20);
	w_open(&w, RECORD_VERSION, "kernel=x\nnetns=net:[7] (lab)\ninterval_ms=500\nstart=1700000000.000\n");
	meta(&w, 10, "ct_acct=1\nct_max=1234\nunknown_key=whatever\nno equals sign\n");
	w_frame(&w, REC_CT_DUMP, 20, NULL, 0);
	/* The bridge and the uplink named; docker0 (2) not. */
	meta(&w, 30, "trace_start=-p icmp\ntrace_rule=meta l4proto icmp (prerouting, output)\n");
	meta(&w, 40, "ifname.3=" BR "\nifname.6=ens160\n");
	for (i = 0; i < m.n; i++)
		w_frame(&w, REC_TRACE, 1000000000ull + i * 1000, m.v[i], m.len[i]);
	meta(&w, 2000000000ull, "trace_lost=2\n");
	meta(&w, 2000000001ull, "trace_stop=1\n");
	w_close(&w);

	f = feed_replay_open(w.path, &cause);
	CHECK(f != NULL);
	if (!f)
		goto out;
	ft = feed_trace(f);
	/* Known before any frame is read: t can say there are packets. */
	CHECK(ft->recorded);
	CHECK(ft->state != NULL && !ft->active);
	run_to_end(f, &rs);
	CHECK(!f->failed);
	CHECK(!ft->active);
	CHECK_STR(ft->filter, "-p icmp");
	CHECK_STR(ft->rule, "meta l4proto icmp (prerouting, output)");
	CHECK_INT(ft->lost, 2);
	CHECK(ft->clock_ns > 2000000000ull);
	ct = feed_conntrack(f, false);
	CHECK(ct != NULL);
	CHECK(ct && ct->acct);
	CHECK_INT(ct ? ct->max : 0, 1234);

	req = find(ft->state, "172.20.0.2", "203.0.113.1");
	drop = find(ft->state, "172.20.0.2", "172.17.0.2");
	CHECK(req && drop);
	if (req) {
		CHECK_STR(req->iif, BR);
		CHECK_STR(req->oif, "ens160");
		/* the recording's clock and wall clock, not the replay's */
		CHECK(req->t_first_ns >= 1000000000ull && req->t_first_ns < 1000000000ull + m.n * 1000 + 2);
		CHECK(req->wall >= 1700000001.0 && req->wall < 1700000001.1);
		strbuf_init(&sb);
		trace_path_json(req, &sb);
		CHECK(has(sb.s, "\"time\":1700000001."));
		strbuf_free(&sb);
	}
	if (drop)
		CHECK_STR(drop->oif, "if#2");
out:
	snapshot_ruleset_free(rs);
	feed_close(f);
	w_unlink(&w);
	msgs_free(&m);
}

/* Traces between two snapshots play with the second; those after the last
 * one a recorded refresh (interval_ms) per call, as they came. */
static void test_replay_pacing(void)
{
	const struct feed_trace *ft;
	struct snap_ruleset *rs = NULL;
	char *cause = NULL;
	struct msgs m, snap;
	uint64_t total;
	struct feed *f;
	size_t i, k;
	int calls;
	struct w w;

	lab_msgs(&m);
	fixture_frames("trace-walkthrough.rec", 0, &snap);
	CHECK(m.n > 20 && snap.n >= 4);
	k = m.n / 2;
	w_open(&w, RECORD_VERSION, "kernel=x\ninterval_ms=500\nstart=1700000000.000\n");
	for (i = 0; i < snap.n; i++)
		w_frame(&w, snap.type[i], 100000000ull, snap.v[i], snap.len[i]);
	meta(&w, 150000000ull, "trace_start=\n");
	for (i = 0; i < k; i++)
		w_frame(&w, REC_TRACE, 200000000ull + i * 1000, m.v[i], m.len[i]);
	for (i = 0; i < snap.n; i++)
		w_frame(&w, snap.type[i], 700000000ull, snap.v[i], snap.len[i]);
	for (i = k; i < m.n; i++)
		w_frame(&w, REC_TRACE, 3000000000ull + i * 1000, m.v[i], m.len[i]);
	meta(&w, 3100000000ull, "trace_stop=1\n");
	w_close(&w);

	f = feed_replay_open(w.path, &cause);
	CHECK(f != NULL);
	if (!f)
		goto out;
	ft = feed_trace(f);
	rs = f->ops->snapshot(f, NULL, NULL, NULL);
	CHECK(rs->status == SRC_OK && rs->time_ns == 100000000ull);
	CHECK(ft->state && !trace_state_total(ft->state) && !ft->active);
	{
		struct snap_ruleset *next = f->ops->snapshot(f, rs, NULL, NULL);

		snapshot_ruleset_free(rs);
		rs = next;
	}
	/* the second snapshot: the first stretch played, settled by 700 ms */
	CHECK(rs->status == SRC_OK && rs->time_ns == 700000000ull);
	CHECK(ft->active && !ft->more);
	total = trace_state_total(ft->state);
	CHECK(total > 0);
	CHECK_INT(ft->clock_ns, 700000001ull);
	/* the end of the file: the tail waits for its time */
	snapshot_ruleset_free(rs);
	rs = NULL;
	calls = 0;
	do {
		struct snap_ruleset *next = f->ops->snapshot(f, NULL, NULL, NULL);

		snapshot_ruleset_free(next);
		calls++;
		if (ft->more)
			CHECK_INT(trace_state_total(ft->state), total);
	} while (ft->more && calls < 100);
	CHECK(f->ended);
	/* 1.2, 1.7, 2.2, 2.7 s: nothing yet; 3.2 s: the rest, and the stop */
	CHECK_INT(calls, 5);
	CHECK_INT(ft->clock_ns, 3200000001ull);
	CHECK(trace_state_total(ft->state) > total);
	CHECK(!ft->active);
	feed_close(f);
out:
	snapshot_ruleset_free(rs);
	w_unlink(&w);
	msgs_free(&m);
	msgs_free(&snap);
}

/* A trace message longer than its frame, a frame cut by the end of the
 * file: "FILE: offset N: what", at the frame's offset. */
static void test_replay_damage(void)
{
	struct snap_ruleset *rs = NULL;
	char *cause = NULL, *want, *data;
	uint64_t at;
	size_t len;
	struct msgs m;
	struct feed *f;
	struct w w;

	lab_msgs(&m);
	CHECK(m.n > 0);
	if (!m.n)
		return;

	w_open(&w, RECORD_VERSION, "kernel=x\n");
	w_frame(&w, REC_TRACE, 1, m.v[0], m.len[0]);
	at = w_frame(&w, REC_TRACE, 2, m.v[1], m.len[1] - 8);   /* message cut short */
	w_close(&w);
	f = feed_replay_open(w.path, &cause);
	CHECK(f != NULL);
	if (f) {
		run_to_end(f, &rs);
		CHECK(f->failed);
		want = xasprintf("%s: offset %llu: truncated trace message", w.path, (unsigned long long)at);
		CHECK(rs && rs->status == SRC_ERROR && has(rs->error, want));
		free(want);
		feed_close(f);
	}
	snapshot_ruleset_free(rs);
	rs = NULL;
	w_unlink(&w);

	/* The file ends inside a trace frame. */
	w_open(&w, RECORD_VERSION, "kernel=x\n");
	w_frame(&w, REC_TRACE, 1, m.v[0], m.len[0]);
	at = w_frame(&w, REC_TRACE, 2, m.v[1], m.len[1]);
	w_close(&w);
	data = util_read_whole_file(w.path, &len);
	CHECK(data && truncate(w.path, (off_t)(len - 5)) == 0);
	free(data);
	f = feed_replay_open(w.path, &cause);
	CHECK(f != NULL);
	if (f) {
		/* the scan for traces looks, it does not judge */
		CHECK(feed_trace(f)->recorded);
		run_to_end(f, &rs);
		CHECK(f->failed);
		want = xasprintf("%s: offset %llu: frame length %u is past the end of the file", w.path,
				 (unsigned long long)at, m.len[1]);
		CHECK(rs && has(rs->error, want));
		free(want);
		feed_close(f);
	}
	snapshot_ruleset_free(rs);
	w_unlink(&w);
	msgs_free(&m);
}

/* ---- the shipped recording in the views ------------------------------------------ */

static struct model model;
static struct view_stack st;

/* What the loop does each tick (loop.c trace_sync): the model takes the
 * feed's packets; a new set of packets drops the selection. */
static void sync_trace(const struct feed *f)
{
	st.ctx.trace.feed = feed_trace(f);
	model_trace_update(&model.trace, st.ctx.trace.feed->state);
	view_trace_follow(&st.ctx.trace, &model.trace);
}

static void tick(struct feed *f)
{
	model_update(&model, f->ops->snapshot(f, model.cur, NULL, NULL));
	sync_trace(f);
	view_stack_tick(&st);
}

static int act(enum ui_action a)
{
	struct ui_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.action = a;
	st.ctx.now_ns = 1;
	return view_stack_event(&st, &ev);
}

static char *draw(struct canvas *c, int w, int h)
{
	canvas_init(c, w, h, false);
	st.ctx.now_ns = 1000ull * 1000000000ull; /* flash messages gone */
	view_frame_draw(&st, c);
	return canvas_dump(c, 0);
}

static void golden(const char *name, const struct canvas *c)
{
	unit_checks++;
	if (!golden_matches(name, c))
		unit_failures++;
}

static struct feed *open_fixture(const char *name)
{
	char *path = xasprintf("%s/tests/fixtures/%s", srcdir(), name);
	char *cause = NULL;
	struct feed *f = feed_replay_open(path, &cause);

	if (!f)
		fprintf(stderr, "%s\n", cause);
	CHECK(f != NULL);
	free(cause);
	free(path);
	if (f) {
		model_init(&model);
		/* A fixed label: the golden screen must not name the source tree. */
		view_stack_init(&st, &model, "replay of trace-walkthrough.rec", "nf_tables", 0, 500, "default");
		st.ctx.trace.replay = true;
		st.ctx.trace.step = -1;
	}
	return f;
}

static void close_fixture(struct feed *f)
{
	view_stack_free(&st);
	model_free(&model);
	memset(&st, 0, sizeof(st));
	feed_close(f);
}

static void test_fixture_screen(void)
{
	struct feed *f = open_fixture("trace-walkthrough.rec");
	struct canvas c;
	char *d;
	int i;

	if (!f)
		return;
	tick(f);
	/* t before the recording traced: the view says they come later. */
	CHECK(st.ctx.trace.feed->recorded);
	act(UI_ACT_TRACE);
	CHECK(view_stack_top(&st)->ops == &view_trace_ops);
	d = draw(&c, 100, 30);
	CHECK(has(d, "the recording traces packets later"));
	free(d);
	canvas_free(&c);
	for (i = 0; i < 100 && (!f->ended || feed_trace(f)->more); i++)
		tick(f);
	CHECK(f->ended && !f->failed);
	CHECK_INT(trace_state_count(st.ctx.trace.feed->state), 3);
	d = draw(&c, 120, 40);
	golden("replay-trace-120x40", &c);
	CHECK(has(d, "recorded (stopped) trace of -p icmp"));
	CHECK(has(d, "icmp 172.20.0.2\xe2\x86\x92" "172.17.0.2 echo-request"));
	CHECK(has(d, "DROP filter:DOCKER-ISOLATION-STAGE-2"));
	CHECK(has(d, "ACCEPT SNAT\xe2\x86\x92" "203.0.113.10"));
	CHECK(has(d, "ACCEPT de-NAT\xe2\x86\x92" "172.20.0.2"));
	CHECK(has(d, "in " BR "  out docker0"));
	CHECK(has(d, "-o docker0 -j DROP"));
	free(d);
	canvas_free(&c);
	/* iptop's own trace table: hidden on the diagram, i shows it dim;
	 * adding it is no "change by" in the status line. */
	act(UI_ACT_DIAGRAM);
	d = draw(&c, 120, 40);
	golden("replay-own-hidden-120x40", &c);
	CHECK(!has(d, "iptop_trace") && !has(d, "by iptop"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_OWN);
	d = draw(&c, 120, 40);
	golden("replay-own-shown-120x40", &c);
	CHECK(has(d, "iptop_trace"));
	free(d);
	canvas_free(&c);
	act(UI_ACT_OWN);
	act(UI_ACT_TRACE_VIEW);
	/* t again on the trace view: nothing to start in a replay. */
	act(UI_ACT_TRACE);
	CHECK(!st.ctx.prompting && (st.act.kind != VIEW_ACT_TRACE_START));
	CHECK(has(st.ctx.flash, "a replay shows the packets traced while recording"));
	/* x neither: the recording's trace is what it is. */
	CHECK(!(act(UI_ACT_TRACE_STOP) & REACT_ACT));
	CHECK(has(st.ctx.flash, "a replay shows the trace as it was recorded"));
	close_fixture(f);

	/* A recording without traces says so; nothing asks the loop to trace. */
	f = open_fixture("lab-walkthrough.rec");
	if (!f)
		return;
	tick(f);
	CHECK(!st.ctx.trace.feed->recorded && !st.ctx.trace.feed->state);
	CHECK(!(act(UI_ACT_TRACE) & REACT_ACT));
	CHECK(!st.ctx.prompting);
	CHECK(has(st.ctx.flash, "this recording holds no traced packets"));
	act(UI_ACT_TRACE_VIEW);
	d = draw(&c, 100, 30);
	CHECK(has(d, "this recording holds no traced packets"));
	free(d);
	canvas_free(&c);
	close_fixture(f);
}

int main(void)
{
	setenv("TZ", "UTC", 1); /* the status line's change time */
	test_meta_written();
	test_versions();
	test_replay_traces();
	test_replay_pacing();
	test_replay_damage();
	test_fixture_screen();
	return unit_status("unit-replay");
}
