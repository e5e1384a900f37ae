/*
 * feed-replay.c - the replay feed: a recording (record.c) fed back through
 * the live parsers, one recorded snapshot per call, with the conntrack
 * frames applied to a table of its own and the recorded trace messages
 * played into a trace_state of its own as the replay reaches them.
 * It knows nothing of how anything is drawn.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "conntrack.h"
#include "feed-int.h"
#include "iptop.h"
#include "nl.h"
#include "record.h"
#include "rule-text.h"
#include "trace.h"

#define REPLAY_MAX_IFNAMES 1024
#define REPLAY_MAX_MARKS 256     /* chapter marks read from one recording */

/* A trace or fact frame read and not played yet (replay_play). */
struct replay_held {
	uint32_t type;
	uint32_t len;
	uint64_t t_ns;
	uint8_t *data;
};

struct replay {
	struct record_reader *rd;
	char *path;
	struct ct_table ct;      /* rebuilt from REC_CT_* frames */
	bool have_ct;
	char *error;          /* a read error: shown as the snapshot error */
	bool ended;
	uint64_t now_ns;         /* the recording's time: the last frame read */
	uint64_t pace_ns;        /* traces after the last snapshot play in steps this long */
	uint64_t tail_ns;        /* after the last snapshot: played up to here */
	struct replay_held *held;   /* in file order */
	size_t nheld;
	double start_wall;       /* wall clock the recording started at, 0 unknown */
	struct feed_ifname *ifnames;   /* from REC_META ifname.N */
	size_t nifnames;
	struct feed_replay_pos pos;
	struct feed_ipset *ipsets;     /* from REC_META ipset.N */
	size_t nipsets;
};

/* ---- replay: traces ---------------------------------------------------- */

/* Interface names as the recording named them; "if#N" when it did not
 * (the replaying host's interfaces are someone else's). */
static const char *replay_ifname(uint32_t idx, char *buf, void *arg)
{
	const struct replay *r = arg;
	size_t i;

	for (i = 0; i < r->nifnames; i++) {
		if (r->ifnames[i].idx == idx) {
			snprintf(buf, TRACE_IFNAMSIZ + 8, "%s", r->ifnames[i].name);
			return buf;
		}
	}
	snprintf(buf, TRACE_IFNAMSIZ + 8, "if#%u", idx);
	return buf;
}

static struct trace_state *replay_trace_state(struct feed *f)
{
	if (!f->trace.state) {
		f->trace.state = trace_state_new();
		trace_state_set_ifname(f->trace.state, replay_ifname, f->priv);
	}
	return f->trace.state;
}

static void replay_set_ifname(struct replay *r, const char *key, const char *val)
{
	char *end;
	unsigned long idx = strtoul(key, &end, 10);
	size_t i;

	if (end == key || *end || idx == 0 || idx > UINT32_MAX)
		return;
	for (i = 0; i < r->nifnames && r->ifnames[i].idx != idx; i++)
		;
	if (i == r->nifnames) {
		if (r->nifnames >= REPLAY_MAX_IFNAMES)
			return;
		r->ifnames = xreallocarray(r->ifnames, r->nifnames + 1, sizeof(*r->ifnames));
		r->nifnames++;
		r->ifnames[i].idx = (uint32_t)idx;
	}
	snprintf(r->ifnames[i].name, sizeof(r->ifnames[i].name), "%s", val);
}

/* rule_text_ipset_names()'s resolver in a replay: the recorded names. */
static const char *replay_ipset_name(uint16_t index, char *buf, void *arg)
{
	struct replay *r = arg;
	size_t i;

	for (i = 0; i < r->nipsets; i++)
		if (r->ipsets[i].idx == index) {
			snprintf(buf, RULE_TEXT_IPSET_NAMELEN, "%s", r->ipsets[i].name);
			return buf;
		}
	return NULL;
}

static void replay_set_ipset(struct replay *r, const char *key, const char *val)
{
	char *end;
	unsigned long idx = strtoul(key, &end, 10);

	if (end == key || *end || idx > UINT16_MAX || r->nipsets > UINT16_MAX)
		return;
	feed_ipset_put(&r->ipsets, &r->nipsets, (uint16_t)idx, val);
}

/* One REC_META fact (record.h lists them); unknown keys are skipped. */
static void replay_fact(struct feed *f, const char *key, const char *val)
{
	struct replay *r = f->priv;
	struct feed_trace *t = &f->trace;

	if (strcmp(key, "ct_acct") == 0) {
		r->ct.acct = strtoul(val, NULL, 10) != 0;
	} else if (strcmp(key, "ct_max") == 0) {
		r->ct.max = strtoull(val, NULL, 10);
	} else if (strncmp(key, "ifname.", 7) == 0) {
		replay_set_ifname(r, key + 7, val);
	} else if (strncmp(key, "ipset.", 6) == 0) {
		replay_set_ipset(r, key + 6, val);
	} else if (strcmp(key, "trace_start") == 0) {
		struct trace_state *st = replay_trace_state(f);
		struct trace_filter tf;
		char *why = NULL;

		/* Packets still open belonged to the last trace (live, they
		 * went with its session). */
		trace_complete_flush(st);
		t->active = true;
		t->recorded = true;
		t->lost = 0;
		snprintf(t->filter, sizeof(t->filter), "%s", val);
		t->rule[0] = '\0';
		/* -o: tracing began at the forward hook (collect-trace.c). */
		trace_state_set_forward_start(st, trace_filter_parse(val, &tf, &why) == 0 && tf.oif.set);
		free(why);
	} else if (strcmp(key, "trace_rule") == 0) {
		snprintf(t->rule, sizeof(t->rule), "%s", val);
	} else if (strcmp(key, "trace_late") == 0) {
		trace_state_set_late(replay_trace_state(f), strcmp(val, "1") == 0);
	} else if (strcmp(key, "trace_skipped") == 0) {
		t->skipped = strtoull(val, NULL, 10);
		trace_state_set_skipped(replay_trace_state(f), t->skipped);
	} else if (strcmp(key, "trace_lost") == 0) {
		t->lost = strtoull(val, NULL, 10);
	} else if (strcmp(key, "trace_stop") == 0) {
		t->active = false;
		if (t->state)
			trace_complete_flush(t->state);
	}
}

/* The facts of a REC_META frame; only_ipsets: just the ipset names. */
static void replay_meta(struct feed *f, const uint8_t *data, size_t len, bool only_ipsets)
{
	const char *p = (const char *)data, *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *eq = memchr(p, '=', ll);
		char key[32];

		if (eq && (size_t)(eq - p) < sizeof(key)) {
			char *val = xstrndup(eq + 1, ll - (size_t)(eq + 1 - p));

			memcpy(key, p, (size_t)(eq - p));
			key[eq - p] = '\0';
			if (!only_ipsets || strncmp(key, "ipset.", 6) == 0)
				replay_fact(f, key, val);
			free(val);
		}
		p += ll + (nl ? 1 : 0);
	}
}

/* Every message of a REC_TRACE frame must fit it: the writer only ever
 * wrote whole ones. -1 with *cause ("offset N: ...") when one does not. */
static int replay_check_trace(const struct record_frame *fr, char **cause)
{
	const uint8_t *p = fr->data;
	size_t left = fr->len;

	if (!left) {
		*cause = xasprintf("offset %llu: empty trace frame", (unsigned long long)fr->offset);
		return -1;
	}
	while (left) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
		size_t len;

		if (left < sizeof(*nlh)) {
			*cause = xasprintf("offset %llu: truncated trace message (%zu bytes, less than a header)",
					   (unsigned long long)fr->offset, left);
			return -1;
		}
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > left) {
			*cause = xasprintf("offset %llu: truncated trace message (%u bytes long, %zu in the frame)",
					   (unsigned long long)fr->offset, nlh->nlmsg_len, left);
			return -1;
		}
		len = NLMSG_ALIGN(nlh->nlmsg_len);
		if (len > left)
			len = left;
		p += len;
		left -= len;
	}
	return 0;
}

/* A checked REC_TRACE frame's messages into the trace, on the recording's
 * clock, with rs (the ruleset of the moment) for rule text. */
static void replay_trace(struct feed *f, const struct replay_held *h, const struct snap_ruleset *rs)
{
	struct replay *r = f->priv;
	struct trace_state *st = replay_trace_state(f);
	const uint8_t *p = h->data;
	size_t left = h->len;

	trace_state_set_clock(st, h->t_ns + 1);
	trace_state_set_wall(st, r->start_wall > 0 ? r->start_wall + (double)h->t_ns / 1e9 : 0);
	while (left >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
		size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

		trace_feed_msg(st, nlh, rs);
		if (len > left)
			len = left;
		p += len;
		left -= len;
	}
}

/* Keep a trace or fact frame until it is played. */
static void replay_hold(struct replay *r, const struct record_frame *fr)
{
	struct replay_held *h;

	r->held = xreallocarray(r->held, r->nheld + 1, sizeof(*r->held));
	h = &r->held[r->nheld++];
	h->type = fr->type;
	h->len = fr->len;
	h->t_ns = fr->t_ns;
	/* nlmsghdr-aligned, as the reader's buffer */
	h->data = xmalloc(fr->len ? fr->len : 1);
	memcpy(h->data, fr->data, fr->len);
}

/*
 * Play the held frames up to upto_ns on the recording's clock, in file
 * order, with rs the ruleset they came after; then complete the packets
 * quiet for the settle time. Held frames between two snapshots all play
 * with the second; those after the last one (a batch trace, the end of a
 * recording) play a recorded refresh at a time, as they came. done: no
 * frame will come any more, complete every packet once none is held.
 */
static void replay_play(struct feed *f, uint64_t upto_ns, const struct snap_ruleset *rs, bool done)
{
	struct replay *r = f->priv;
	size_t i;

	for (i = 0; i < r->nheld && r->held[i].t_ns <= upto_ns; i++) {
		if (r->held[i].type == REC_TRACE)
			replay_trace(f, &r->held[i], rs);
		else
			replay_meta(f, r->held[i].data, r->held[i].len, false);
		free(r->held[i].data);
	}
	if (i) {
		memmove(r->held, r->held + i, (r->nheld - i) * sizeof(*r->held));
		r->nheld -= i;
	}
	f->trace.more = r->nheld > 0;
	if (upto_ns > r->now_ns && !r->nheld && !done)
		upto_ns = r->now_ns;
	if (f->trace.state) {
		if (done && !r->nheld)
			trace_complete_flush(f->trace.state);
		else
			trace_complete_expire(f->trace.state, upto_ns + 1);
		f->trace.clock_ns = upto_ns + 1;
	}
}

/* What the recording holds, read once at open: its snapshots, length,
 * chapter marks (REC_META mark=TEXT) and whether it traced packets. A
 * damaged file is for the replay to report, where it gets there. */
static bool replay_scan(const char *path, struct feed_replay_pos *pos)
{
	struct record_reader *rd;
	struct record_frame fr;
	char *cause = NULL;
	bool traces = false;

	rd = record_reader_open(path, &cause);
	while (rd && record_reader_next(rd, &fr, &cause) == 1) {
		const char *p, *end;

		pos->len_ns = fr.t_ns > pos->len_ns ? fr.t_ns : pos->len_ns;
		if (fr.type == REC_TRACE)
			traces = true;
		if (fr.type == REC_RULESET_END || fr.type == REC_RULESET_ERROR)
			pos->nsnaps++;
		if (fr.type != REC_META)
			continue;
		for (p = (const char *)fr.data, end = p + fr.len; p < end; p++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			struct feed_mark *m;

			if (n > 5 && memcmp(p, "mark=", 5) == 0 && pos->nmarks < REPLAY_MAX_MARKS) {
				pos->marks = xreallocarray(pos->marks, pos->nmarks + 1, sizeof(*pos->marks));
				m = &pos->marks[pos->nmarks++];
				m->t_ns = fr.t_ns;
				m->snap = pos->nsnaps;
				snprintf(m->text, sizeof(m->text), "%.*s", (int)(n - 5), p + 5);
			}
			p += n;
		}
	}
	free(cause);
	record_reader_close(rd);
	return traces;
}

/* ---- replay: snapshots ------------------------------------------------- */

static int replay_fd(struct feed *f)
{
	return -1;
}

static bool replay_event(struct feed *f)
{
	return false;
}

static struct snap_ruleset *replay_keep(const struct snap_ruleset *prev, enum src_status st, const char *msg)
{
	struct snap_ruleset *rs = prev ? collect_ruleset_dup(prev) : xcalloc(1, sizeof(*rs));

	free(rs->error);
	rs->error = msg ? xstrdup(msg) : NULL;
	if (st != SRC_OK || !prev)
		rs->status = st;
	return rs;
}

/* A recorded snapshot being read: its frames' bytes, until its end. */
struct replay_snap {
	struct record_ruleset_begin b;
	bool in_snap;          /* between REC_RULESET_BEGIN and _END */
	bool have_tables;      /* tables recorded (else: the previous snapshot's) */
	struct nlbuf tables, chains, rules, legacy, sets;
};

/* How far one frame took the replay (replay_frame). */
enum replay_step {
	REPLAY_NEXT,   /* read on */
	REPLAY_DONE,   /* a snapshot (or a recorded error) is ready */
	REPLAY_BAD,    /* the recording is damaged: *cause says how */
};

static void replay_snap_free(struct replay_snap *s)
{
	nlbuf_free(&s->tables);
	nlbuf_free(&s->chains);
	nlbuf_free(&s->rules);
	nlbuf_free(&s->legacy);
	nlbuf_free(&s->sets);
}

/* REC_RULESET_BEGIN: a snapshot starts (what was read of one before it
 * is dropped). */
static int replay_snap_begin(struct replay_snap *s, const struct record_frame *fr, char **cause)
{
	if (fr->len != sizeof(s->b)) {
		*cause = xasprintf("offset %llu: ruleset frame of %u bytes, expected %zu",
				   (unsigned long long)fr->offset, fr->len, sizeof(s->b));
		return -1;
	}
	memcpy(&s->b, fr->data, sizeof(s->b));
	s->b.change_proc[sizeof(s->b.change_proc) - 1] = '\0';
	s->in_snap = true;
	s->have_tables = false;
	nlbuf_reset(&s->tables);
	nlbuf_reset(&s->chains);
	nlbuf_reset(&s->rules);
	nlbuf_reset(&s->legacy);
	nlbuf_reset(&s->sets);
	return 0;
}

/* REC_NFT_* and REC_LEGACY: the snapshot's netlink or x_tables bytes. */
static int replay_snap_data(struct replay_snap *s, const struct record_frame *fr, char **cause)
{
	struct nlbuf *to;

	if (!s->in_snap) {
		*cause = xasprintf("offset %llu: %s data outside a snapshot", (unsigned long long)fr->offset,
				   fr->type == REC_LEGACY ? "legacy" : "ruleset");
		return -1;
	}
	switch (fr->type) {
	case REC_LEGACY:
		to = &s->legacy;
		break;
	case REC_NFT_TABLES:
		to = &s->tables;
		s->have_tables = true;
		break;
	case REC_NFT_CHAINS:
		to = &s->chains;
		break;
	case REC_NFT_SETS:
		to = &s->sets;
		break;
	default:
		to = &s->rules;
		break;
	}
	nlbuf_append(to, fr->data, fr->len);
	return 0;
}

/* REC_RULESET_END: the snapshot's bytes through the live parsers; NULL
 * with *cause when they do not make one. */
static struct snap_ruleset *replay_snap_end(struct replay *r, struct replay_snap *s, const struct record_frame *fr,
					    const struct snap_ruleset *prev, char **cause)
{
	struct collect_input in = {
		.genid = s->b.genid, .reuse_tables = !s->have_tables, .tables = &s->tables,
		.chains = &s->chains, .rules = &s->rules, .from_kernel = false, .sets = &s->sets,
	};
	struct snap_ruleset *rs;
	char *why = NULL;

	if (!s->in_snap) {
		*cause = xasprintf("offset %llu: snapshot end without a beginning", (unsigned long long)fr->offset);
		return NULL;
	}
	rs = collect_ruleset_assemble(&in, prev, &why);
	if (!rs) {
		*cause = xasprintf("offset %llu: %s", (unsigned long long)fr->offset, why);
		free(why);
		return NULL;
	}
	if (s->legacy.len)
		collect_ruleset_parse_legacy(rs, s->legacy.data, s->legacy.len, prev);
	/* Older recordings count iptop's own trace table as a change: keep
	 * the one before it (assemble copied it). */
	if (!snapshot_change_is_iptop(s->b.change_pid, s->b.change_proc)) {
		rs->change_pid = s->b.change_pid;
		memcpy(rs->change_proc, s->b.change_proc, sizeof(rs->change_proc));
		/* a wall clock time from the file: NaN, infinite or past any
		 * time_t would be undefined behaviour downstream ((time_t)
		 * casts) or "inf" in the JSON */
		rs->change_wall = s->b.change_wall > 0 && s->b.change_wall < 1e11 ? s->b.change_wall : 0;
	}
	rs->time_ns = fr->t_ns;
	r->pos.snap++;
	r->pos.t_ns = fr->t_ns;
	return rs;
}

/* REC_RULESET_ERROR: the source failed when recorded; prev stays, with
 * the recorded status and message. */
static struct snap_ruleset *replay_snap_error(struct replay *r, const struct record_frame *fr,
					      const struct snap_ruleset *prev)
{
	struct snap_ruleset *rs;
	uint32_t st = SRC_ERROR;
	char *msg;

	if (fr->len >= 4)
		memcpy(&st, fr->data, 4);
	if (st > SRC_OFF)
		st = SRC_ERROR;
	msg = xstrndup(fr->len > 4 ? (const char *)fr->data + 4 : "", fr->len > 4 ? fr->len - 4 : 0);
	rs = replay_keep(prev, (enum src_status)st, msg);
	rs->time_ns = fr->t_ns;
	r->pos.snap++;
	r->pos.t_ns = fr->t_ns;
	free(msg);
	return rs;
}

/* One frame read: into the snapshot being read, the conntrack table, or
 * held to play (traces, facts). *rs is set when it is REPLAY_DONE. */
static enum replay_step replay_frame(struct feed *f, struct replay_snap *s, const struct record_frame *fr,
				     const struct snap_ruleset *prev, struct snap_ruleset **rs, char **cause)
{
	struct replay *r = f->priv;

	if (fr->t_ns > r->now_ns)
		r->now_ns = fr->t_ns;
	switch (fr->type) {
	case REC_RULESET_BEGIN:
		return replay_snap_begin(s, fr, cause) < 0 ? REPLAY_BAD : REPLAY_NEXT;
	case REC_LEGACY:
	case REC_NFT_TABLES:
	case REC_NFT_CHAINS:
	case REC_NFT_RULES:
	case REC_NFT_SETS:
		return replay_snap_data(s, fr, cause) < 0 ? REPLAY_BAD : REPLAY_NEXT;
	case REC_RULESET_END:
		*rs = replay_snap_end(r, s, fr, prev, cause);
		return *rs ? REPLAY_DONE : REPLAY_BAD;
	case REC_RULESET_ERROR:
		*rs = replay_snap_error(r, fr, prev);
		return REPLAY_DONE;
	case REC_CT_DUMP:
		r->have_ct = true;
		ct_table_apply_dump(&r->ct, fr->data, fr->len, (double)fr->t_ns / 1e9);
		break;
	case REC_CT_EVENT:
		r->have_ct = true;
		ct_table_apply_events(&r->ct, fr->data, fr->len, (double)fr->t_ns / 1e9);
		break;
	case REC_TRACE:
		if (replay_check_trace(fr, cause) < 0)
			return REPLAY_BAD;
		f->trace.recorded = true;
		replay_hold(r, fr);
		break;
	case REC_META:
		/* In order with the traces: they start, stop and name
		 * interfaces. Set names now: the next snapshot's rule text
		 * needs them. */
		replay_meta(f, fr->data, fr->len, true);
		replay_hold(r, fr);
		break;
	default:
		break; /* events for other sources */
	}
	return REPLAY_NEXT;
}

/* Past the recording's end: prev again, and the traces held after the
 * last snapshot play on, a recorded refresh per call. */
static struct snap_ruleset *replay_past_end(struct feed *f, const struct snap_ruleset *prev)
{
	struct replay *r = f->priv;

	if (r->nheld) {
		r->tail_ns += r->pace_ns;
		replay_play(f, r->tail_ns, prev, true);
	}
	return replay_keep(prev, SRC_OK, NULL);
}

/* The recording just ended (from: its time before this call): prev
 * stays, and what came after the last snapshot starts playing. */
static struct snap_ruleset *replay_at_end(struct feed *f, const struct snap_ruleset *prev, uint64_t from)
{
	struct replay *r = f->priv;
	struct snap_ruleset *rs;

	r->ended = true;
	f->ended = true;
	rs = replay_keep(prev, prev ? SRC_OK : SRC_ERROR, prev ? NULL : "recording holds no snapshot");
	r->tail_ns = from + r->pace_ns;
	replay_play(f, r->tail_ns, prev, true);
	return rs;
}

/* The recording is damaged or unreadable (error, taken): the replay
 * stops there, prev stays with the error. */
static struct snap_ruleset *replay_fail(struct feed *f, const struct snap_ruleset *prev, char *error)
{
	struct replay *r = f->priv;

	r->error = error;
	f->failed = true;
	return replay_keep(prev, SRC_ERROR, r->error);
}

static struct snap_ruleset *replay_snapshot(struct feed *f, const struct snap_ruleset *prev, feed_want_fn want,
					    void *arg)
{
	struct replay *r = f->priv;
	struct replay_snap s = { 0 };
	enum replay_step step = REPLAY_NEXT;
	struct snap_ruleset *rs = NULL;
	struct record_frame fr;
	char *cause = NULL;
	uint64_t from = r->now_ns;
	int n = 0;

	if (r->error)
		return replay_keep(prev, SRC_ERROR, r->error);
	if (r->ended)
		return replay_past_end(f, prev);
	while (step == REPLAY_NEXT && (n = record_reader_next(r->rd, &fr, &cause)) == 1)
		step = replay_frame(f, &s, &fr, prev, &rs, &cause);
	replay_snap_free(&s);
	if (step == REPLAY_NEXT && n == 0) {
		free(cause);
		return replay_at_end(f, prev, from);
	}
	if (step == REPLAY_NEXT) { /* a read error */
		rs = replay_fail(f, prev, cause);
		cause = NULL;
	} else if (step == REPLAY_BAD) {
		rs = replay_fail(f, prev, xasprintf("%s: %s", r->path, cause ? cause : "corrupt recording"));
	}
	free(cause);
	/* The traces read before this snapshot (or the fault) happened
	 * under the last one. */
	replay_play(f, UINT64_MAX, prev, r->error != NULL);
	return rs;
}

static const struct ct_table *replay_conntrack(struct feed *f, bool flows)
{
	struct replay *r = f->priv;

	return r->have_ct ? &r->ct : NULL;
}

static void replay_close(struct feed *f)
{
	struct replay *r = f->priv;

	ct_table_free(&r->ct);
	trace_state_free(f->trace.state);
	f->trace.state = NULL;
	while (r->nheld)
		free(r->held[--r->nheld].data);
	free(r->held);
	free(r->ifnames);
	free(r->pos.marks);
	rule_text_ipset_names(NULL, NULL);
	free(r->ipsets);
	record_reader_close(r->rd);
	free(r->path);
	free(r->error);
	free(r);
}

const struct feed_ops feed_replay_ops = {
	.fd = replay_fd,
	.event = replay_event,
	.snapshot = replay_snapshot,
	.conntrack = replay_conntrack,
	.close = replay_close,
};

struct feed *feed_replay_open(const char *path, char **cause)
{
	struct record_reader *rd = record_reader_open(path, cause);
	struct feed *f;
	struct replay *r;
	const char *ns;

	if (!rd)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->rd = rd;
	r->path = xstrdup(path);
	ct_table_init(&r->ct);
	f = xcalloc(1, sizeof(*f));
	f->ops = &feed_replay_ops;
	f->priv = r;
	f->replay = true;
	rule_text_ipset_names(replay_ipset_name, r);
	ns = record_reader_header(rd, "interval_ms");
	if (ns)
		f->interval_ms = atoi(ns);
	r->pace_ns = (uint64_t)(f->interval_ms >= 50 && f->interval_ms <= 3600000 ? f->interval_ms : 500) * 1000000;
	ns = record_reader_header(rd, "start");
	if (ns) {
		double w = strtod(ns, NULL);

		/* From the file: only a plausible time (as change_wall). */
		r->start_wall = isfinite(w) && w > 0 && w < 1e11 ? w : 0;
	}
	if (replay_scan(path, &r->pos)) {
		f->trace.recorded = true;
		replay_trace_state(f);
	}
	ns = record_reader_header(rd, "netns");
	f->netns_label = xasprintf("replay of %s (%s)", path, ns && *ns ? ns : "unknown namespace");
	f->backend = xstrdup("nf_tables");
	return f;
}

const struct feed_replay_pos *feed_replay_pos(const struct feed *f)
{
	return f && f->ops == &feed_replay_ops ? &((const struct replay *)f->priv)->pos : NULL;
}

int feed_replay_rewind(struct feed *f, char **cause)
{
	struct feed *n;

	if (f->ops != &feed_replay_ops) {
		*cause = xstrdup("not a replay");
		return -1;
	}
	n = feed_replay_open(((struct replay *)f->priv)->path, cause);
	if (!n)
		return -1;
	/* The fresh replay's state, in the feed the loop holds. */
	f->ops->close(f);
	f->priv = n->priv;
	f->trace = n->trace;
	f->ended = n->ended;
	f->failed = n->failed;
	free(n->netns_label);
	free(n->backend);
	free(n->notice);
	free(n);
	return 0;
}
