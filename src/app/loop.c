/*
 * loop.c - the dashboard's one poll() loop (loop_run): stdin, the feed's
 * event fd, a timerfd for the refresh tick, a signalfd for INT, TERM
 * and HUP (blocked, so no handler ever runs; any of them ends the loop
 * and the terminal is restored) and, while tracing, the trace socket.
 * On a tick: conntrack (counts, or flows while a flows view is open),
 * then a snapshot with only the chains on screen refreshed, the model
 * updated, a new frame. Between ticks a fast tick (live, every 100 ms)
 * reads the base chains and the open chains again, so a packet lights
 * its path at once; a frame only when something counted. Between ticks slower than a second, heat cools
 * in small steps. What the views ask of it (a view action: start or
 * stop the trace, observe, seek a replay, mark a chapter) it does in one
 * place, loop_act. It stops the trace on every way out (which restores
 * the nf_log bindings a trace of legacy rules changed); what the feed
 * traced (live, or what a replay recorded) goes to the model after every
 * change (trace_sync), and the views read the packets there; the session's
 * status stays in ctx.trace.feed. For L it reads what
 * tracing legacy rules would change (collect_nflog_plan) for the views to
 * ask about. Knows no curses: the terminal is behind ui-tty.c and
 * ui-render.c.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "conntrack-text.h"
#include "conntrack.h"
#include "explain.h"
#include "feed.h"
#include "iptop.h"
#include "model.h"
#include "record.h"
#include "route.h"
#include "trace.h"
#include "view.h"
#include "ui.h"

#define COOL_STEP_MS 200
/* Fast lighting: between refreshes, the rules of the base chains and of
 * the chains open on screen are read this often (about 1 ms at 10k rules),
 * so a packet shows at once; conntrack, the other chains and the rates
 * keep the user's refresh. */
#define FAST_MS 100

struct loop {
	struct feed *feed;
	struct model model;
	struct view_stack st;
	struct canvas canvas;
	struct ui_render *render;
	struct theme theme;
	int tfd, sfd;
	int ffd;                 /* the fast tick's timerfd */
	bool full;               /* next frame repaints every cell */
	uint64_t last_cool_ns;
	struct nlroute *route;   /* opened on the first flow detail (live only) */
	struct explain notes;
	char *notes_error;
};

/* view_ctx.route on a live feed: ask the kernel in the feed's namespace. */
static int live_route(void *arg, const struct ct_flow *f, struct route_result *res)
{
	struct loop *l = arg;

	if (!l->route)
		l->route = nlroute_open();
	if (!l->route) {
		res->error = errno;
		return -1;
	}
	return conntrack_text_route(l->route, f, res);
}

static void arm_timer(struct loop *l)
{
	struct itimerspec its;
	long ms = l->st.ctx.interval_ms;

	memset(&its, 0, sizeof(its));
	if (!l->st.ctx.paused) {
		its.it_value.tv_sec = ms / 1000;
		its.it_value.tv_nsec = (ms % 1000) * 1000000L;
		its.it_interval = its.it_value;
	}
	timerfd_settime(l->tfd, 0, &its, NULL);
	/* Live only: a recording or a replay plays one snapshot per refresh. */
	memset(&its, 0, sizeof(its));
	if (!l->st.ctx.paused && ms >= 2 * FAST_MS && !l->feed->replay && !feed_record(l->feed)) {
		its.it_value.tv_nsec = FAST_MS * 1000000L;
		its.it_interval = its.it_value;
		l->model.rate_window = ms / 1000.0;
	} else {
		l->model.rate_window = 0;
	}
	timerfd_settime(l->ffd, 0, &its, NULL);
}

/* The feed's trace (live session or replay) may hold new packets. */
static void trace_sync(struct loop *l)
{
	model_trace_update(&l->model.trace, feed_trace(l->feed)->state);
	view_trace_follow(&l->st.ctx.trace, &l->model.trace);
}

/* The views' copy of where a replay is; its end said once. */
static void replay_sync(struct loop *l)
{
	struct view_replay *r = &l->st.ctx.replay;
	bool was = r->ended;

	r->pos = feed_replay_pos(l->feed);
	r->ended = r->pos && l->feed->ended;
	if (r->ended && !was) {
		char len[16];

		view_replay_fmt_clock(len, sizeof(len), r->pos->len_ns);
		view_stack_flash(&l->st, SLOT_WARN, "the replay has ended (%s): r starts it again, { goes back%s", len,
				 r->pos->nmarks ? ", m lists its chapters" : "");
	}
}

/* The fast tick's chains: the base chains and those of the views that
 * show one chain's rules; not every chain for the chain list (it sorts by
 * all their counts: 16 ms at 10k rules) nor for a trace, which wait for
 * the refresh. */
static bool fast_want(const struct snap_chain *ch, void *arg)
{
	const struct view_stack *st = arg;
	size_t i;

	if (ch->base)
		return true;
	for (i = 0; i < st->n; i++) {
		struct view *v = st->v[i];

		if (v->ops->wants && v->ops != &view_chains_ops && v->ops->wants(v, ch))
			return true;
	}
	return false;
}

/* Same generation, same counters (most fast ticks): the model need not
 * be rebuilt (10k rules: about as much CPU as the snapshot itself). */
static bool same_counts(const struct snap_ruleset *a, const struct snap_ruleset *b)
{
	size_t i, j;

	if (!a || a->status != SRC_OK || b->status != SRC_OK || a->genid != b->genid || a->nchains != b->nchains)
		return false;
	for (i = 0; i < a->nchains; i++) {
		const struct snap_chain *x = &a->chains[i], *y = &b->chains[i];

		if (x->handle != y->handle || x->legacy != y->legacy || x->nrules != y->nrules ||
		    x->policy_packets != y->policy_packets)
			return false;
		for (j = 0; j < x->nrules; j++)
			if (x->rules[j].handle != y->rules[j].handle || x->rules[j].packets != y->rules[j].packets)
				return false;
	}
	return true;
}

/* The fast tick: the wanted chains' rules only, into the model (counts,
 * glow, heat; rates wait for their window). True when a chain counted
 * or the ruleset changed: the screen changes. */
static bool fast_snapshot(struct loop *l)
{
	struct snap_ruleset *rs;
	size_t i;

	rs = l->feed->ops->snapshot(l->feed, l->model.cur, fast_want, &l->st);
	if (same_counts(l->model.cur, rs)) {
		snapshot_ruleset_free(rs);
		return false;
	}
	model_update(&l->model, rs);
	if (rs->status != SRC_OK || !l->model.prev || l->model.prev->genid != rs->genid)
		return true;
	for (i = 0; i < l->model.nchains; i++)
		if (l->model.chains[i].hit)
			return true;
	return false;
}

static void take_snapshot(struct loop *l)
{
	struct snap_ruleset *rs;

	/* Conntrack first: a recording replays its frames in this order. */
	l->st.ctx.ct = feed_conntrack(l->feed, view_stack_wants_flows(&l->st));
	model_ct_update(&l->model.ct, l->st.ctx.ct);
	rs = l->feed->ops->snapshot(l->feed, l->model.cur, view_stack_want, &l->st);
	l->st.ctx.netns_label = l->feed->netns_label; /* "(NAME: deleted)" */

	model_update(&l->model, rs);
	/* A replay's recorded packets come with its snapshots. */
	trace_sync(l);
	replay_sync(l);
	view_stack_tick(&l->st);
	l->last_cool_ns = time_mono_ns();
}

/* Move a replay so that `to` snapshots have played (1: the first): back
 * means from the start again (a recording reads forward only), with a
 * fresh model, as if just opened. */
static void replay_seek(struct loop *l, size_t to)
{
	const struct feed_replay_pos *p = feed_replay_pos(l->feed);
	char *cause = NULL;

	if (!p)
		return;
	if (to <= p->snap) {
		if (feed_replay_rewind(l->feed, &cause) < 0) {
			view_stack_flash(&l->st, SLOT_ERROR, "%s", cause);
			free(cause);
			return;
		}
		model_free(&l->model);
		model_init(&l->model);
		l->st.ctx.trace.sel = 0;
		l->st.ctx.trace.step = -1;
		l->st.ctx.replay.ended = false;
		p = feed_replay_pos(l->feed);
	}
	while (p->snap < to && !l->feed->ended && !l->feed->failed)
		take_snapshot(l);
}

/* o: install or remove the observation table, and say what happened. */
static void observe_request(struct loop *l, bool on)
{
	struct view_ctx *ctx = &l->st.ctx;
	char *cause = NULL;

	if (feed_observe(l->feed, on, &cause) < 0)
		view_stack_flash(&l->st, SLOT_ERROR, "%s", cause);
	else if (on)
		view_stack_flash(&l->st, SLOT_HINT, "%s",
				 l->feed->observe_notice ? l->feed->observe_notice
							 : "observing hooks: packets entering each hook (o removes "
							   "table inet iptop_observe)");
	else
		view_stack_flash(&l->st, SLOT_HINT, "%s", "table inet iptop_observe removed: hooks not observed");
	free(cause);
	ctx->observing = l->feed->observing;
}

static bool anything_hot(const struct model *m)
{
	size_t i;

	for (i = 0; i < m->nchains; i++)
		if (model_chain_light(m, &m->chains[i]) >= 0.05)
			return true;
	return false;
}

/* Try the theme the view asked for; a theme that does not load is skipped. */
static void apply_theme(struct loop *l)
{
	char *cause = NULL;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		struct theme t;

		memset(&t, 0, sizeof(t));
		if (ui_theme_load(&t, l->st.ctx.theme_name, &cause) == 0) {
			l->theme = t;
			ui_render_theme(l->render, &l->theme);
			view_stack_flash(&l->st, SLOT_HINT, "theme %s", l->theme.name);
			l->full = true;
			return;
		}
		view_stack_flash(&l->st, SLOT_WARN, "%s", cause);
		free(cause);
		cause = NULL;
		snprintf(l->st.ctx.theme_name, sizeof(l->st.ctx.theme_name), "%s", ui_theme_next(l->st.ctx.theme_name));
	}
}

static void frame(struct loop *l)
{
	int w, h;

	ui_tty_size(&w, &h);
	if (w != l->canvas.w || h != l->canvas.h) {
		canvas_resize(&l->canvas, w, h);
		l->full = true;
	}
	view_frame_draw(&l->st, &l->canvas);
	ui_render_frame(l->render, &l->canvas, l->full);
	l->full = false;
}

static void trace_stop_session(struct loop *l)
{
	struct view_trace *tr = &l->st.ctx.trace;

	feed_trace_stop(l->feed);
	trace_sync(l);
	tr->sel = 0;
	tr->step = -1;
}

/* L: what tracing legacy rules would change here, for the trace view to
 * ask about (the filter's families only). */
static void legacy_plan(struct loop *l)
{
	struct view_trace *tr = &l->st.ctx.trace;
	struct trace_filter tf;
	char *ignore = NULL, *plan;

	if (trace_filter_parse(tr->feed->filter, &tf, &ignore) < 0)
		tf.nfproto = 0;
	free(ignore);
	plan = collect_nflog_plan(tf.nfproto);
	view_trace_ask_legacy(&l->st, plan);
	free(plan);
}

/* x: stop the trace, and say what is gone. */
static void trace_stop_request(struct loop *l)
{
	struct view_trace *tr = &l->st.ctx.trace;
	bool legacy = tr->feed->legacy[0] != '\0';

	tr->error[0] = '\0'; /* an L that failed while the trace ran */
	trace_stop_session(l);
	view_stack_flash(&l->st, SLOT_HINT, "%s", legacy ? "tracing stopped: iptop's trace table is gone, "
							   "nf_log is as it was"
							 : "tracing stopped: iptop's trace table is gone");
}

/* Trace filter (legacy: iptables-legacy rules too), in place of the
 * running trace. */
static void trace_start_request(struct loop *l, const char *filter, bool legacy)
{
	struct view_trace *tr = &l->st.ctx.trace;
	unsigned int flags = l->feed->trace_flags | (legacy ? TRACE_LEGACY : 0);
	char *cause = NULL;
	{
		/* A typo leaves the running trace and its packets alone. */
		struct trace_filter tf;

		if (trace_filter_parse(filter, &tf, &cause) < 0) {
			snprintf(tr->error, sizeof(tr->error), "%s", cause);
			free(cause);
			view_stack_flash(&l->st, SLOT_ERROR, "%s%s", tr->error,
					 tr->feed->active ? " (the running trace goes on)" : "");
			return;
		}
	}
	/* The feed stops the old session first: one owned table at a time. */
	if (feed_trace_start_flags(l->feed, filter, 10, flags, &cause) < 0) {
		bool again = (flags & TRACE_LEGACY) && !tr->legacy_opt;

		/* L failed (ulogd holds group 0, another iptop traces legacy
		 * rules here): trace as before, and say why not. */
		trace_stop_session(l);
		snprintf(tr->error, sizeof(tr->error), "%s", cause ? cause : "tracing failed");
		free(cause);
		cause = NULL;
		if (again && feed_trace_start_flags(l->feed, filter, 10, flags & ~TRACE_LEGACY, &cause) == 0) {
			trace_sync(l);
			tr->sel = 0;
			tr->step = -1;
		} else {
			free(cause);
			trace_stop_session(l);
		}
		/* The screen goes on; the trace view says why. */
		view_stack_flash(&l->st, SLOT_ERROR, "%s", tr->error);
		return;
	}
	tr->error[0] = '\0';
	trace_sync(l);
	tr->sel = 0;
	tr->step = -1;
	/* A hop names its rule by the snapshot's text: every chain's text
	 * now (a trace wants them all), before the first events arrive. */
	if (!l->st.ctx.paused)
		take_snapshot(l);
	if (tr->feed->legacy[0])
		view_stack_flash(&l->st, SLOT_HINT, "tracing legacy rules too: x stops and puts %s back (%s)",
				 tr->feed->legacy, *tr->feed->filter ? tr->feed->filter : "every packet");
	else
		view_stack_flash(&l->st, SLOT_HINT, "tracing %s", *tr->feed->rule ? tr->feed->rule : "every packet");
}

/* What a view asked for (REACT_ACT): the one place the loop acts for them. */
static void loop_act(struct loop *l, const struct view_act *a)
{
	switch (a->kind) {
	case VIEW_ACT_NONE:
		break;
	case VIEW_ACT_TRACE_START:
		trace_start_request(l, a->text, a->on);
		break;
	case VIEW_ACT_TRACE_STOP:
		trace_stop_request(l);
		break;
	case VIEW_ACT_TRACE_PLAN:
		legacy_plan(l);
		break;
	case VIEW_ACT_OBSERVE:
		observe_request(l, a->on);
		break;
	case VIEW_ACT_SEEK:
		replay_seek(l, a->seek);
		break;
	case VIEW_ACT_MARK:
		if (!feed_record(l->feed))
			break;
		record_meta(feed_record(l->feed), "mark", a->text);
		l->st.ctx.replay.marks++;
		view_stack_flash(&l->st, SLOT_HINT, "chapter mark %u recorded: %s", l->st.ctx.replay.marks, a->text);
		break;
	}
}

/* Read trace events; true if packets completed (the screen changes). */
static bool trace_poll(struct loop *l)
{
	int n;

	if (feed_trace_fd(l->feed) < 0)
		return false;
	n = feed_trace_read(l->feed, l->model.cur);
	if (n < 0) {
		int e = errno;

		trace_stop_session(l);
		snprintf(l->st.ctx.trace.error, sizeof(l->st.ctx.trace.error), "trace socket: %s", strerror(e));
		view_stack_flash(&l->st, SLOT_ERROR, "%s", l->st.ctx.trace.error);
		return true;
	}
	trace_sync(l);
	return n > 0;
}

/* Milliseconds until something on screen must change without input. */
static int poll_timeout(struct loop *l)
{
	struct view_ctx *ctx = &l->st.ctx;
	uint64_t now = time_mono_ns();
	int t = -1, tm;

	/* The model cools heat on every tick; only slow ticks need steps between. */
	if (!ctx->paused && ctx->interval_ms > 1000 && anything_hot(&l->model))
		t = COOL_STEP_MS;
	if (ctx->flash[0] && ctx->flash_until > now) {
		int f = (int)((ctx->flash_until - now) / 1000000) + 1;

		if (t < 0 || f < t)
			t = f;
	}
	tm = feed_trace_timeout_ms(l->feed);
	if (tm >= 0 && (t < 0 || tm < t))
		t = tm;
	tm = view_trace_play_timeout(&l->st, now);
	if (tm >= 0 && (t < 0 || tm < t))
		t = tm;
	return t;
}

static int run(struct loop *l, char **cause)
{
	for (;;) {
		struct pollfd pfd[6];
		struct ui_event ev;
		bool snap = false, redraw = false, fast = false;
		int r, react = 0;

		pfd[0].fd = STDIN_FILENO;
		pfd[1].fd = l->feed->ops->fd(l->feed);
		pfd[2].fd = l->tfd;
		pfd[3].fd = l->sfd;
		pfd[4].fd = feed_trace_fd(l->feed);
		pfd[5].fd = l->ffd;
		for (r = 0; r < 6; r++) {
			pfd[r].events = POLLIN;
			pfd[r].revents = 0;
		}
		r = poll(pfd, 6, poll_timeout(l));
		if (r < 0 && errno != EINTR) {
			*cause = xasprintf("poll: %s", strerror(errno));
			return -1;
		}
		if (r > 0 && (pfd[3].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(l->sfd, &si, sizeof(si)) > 0)
				return 0;
		}
		if (r > 0 && (pfd[2].revents & POLLIN)) {
			uint64_t n;

			if (read(l->tfd, &n, sizeof(n)) == (ssize_t)sizeof(n) && !l->st.ctx.paused)
				snap = true;
		}
		if (r > 0 && (pfd[5].revents & POLLIN)) {
			uint64_t n;

			if (read(l->ffd, &n, sizeof(n)) == (ssize_t)sizeof(n) && !l->st.ctx.paused)
				fast = true;
		}
		if (r > 0 && pfd[1].fd >= 0 && (pfd[1].revents & (POLLIN | POLLERR)))
			snap |= l->feed->ops->event(l->feed) && !l->st.ctx.paused;
		if (r == 0)
			redraw = true; /* cooling step or a message expired */
		/* Readable, or a packet may have settled (the timeout). */
		if (trace_poll(l))
			redraw = true;
		if (view_trace_play_tick(&l->st, time_mono_ns()))
			redraw = true;

		/* Keys, mouse and KEY_RESIZE (also after EINTR from SIGWINCH). */
		l->st.ctx.now_ns = time_mono_ns();
		l->st.ctx.now_wall = time_wall();
		while (ui_tty_read(view_stack_keyctx(&l->st), &ev)) {
			if (ev.action == UI_ACT_RESIZE)
				l->full = true;
			int said = view_stack_event(&l->st, &ev);

			if (said & REACT_QUIT)
				return 0;
			if (said & REACT_ACT)
				loop_act(l, &l->st.act);
			react |= said;
		}
		if (react & REACT_THEME)
			apply_theme(l);
		if (react & REACT_TIMER)
			arm_timer(l);
		if (react & REACT_REPAINT)
			l->full = true;
		if ((react & REACT_SNAPSHOT) && !l->st.ctx.paused)
			snap = true;
		if (react & REACT_STEP)
			snap = true;
		if (snap) {
			take_snapshot(l);
			/* a recording that cannot be written ends the run at once */
			if (record_check(feed_record(l->feed), cause) < 0)
				return -1;
		} else if (fast && fast_snapshot(l)) {
			redraw = true;
		} else if (redraw && !l->st.ctx.paused) {
			uint64_t now = time_mono_ns();

			model_cool(&l->model, (double)(now - l->last_cool_ns) / 1e9);
			l->last_cool_ns = now;
		}
		if (snap || redraw || react || l->full) {
			l->st.ctx.now_ns = time_mono_ns();
			l->st.ctx.now_wall = time_wall();
			frame(l);
		}
	}
}

int loop_run(struct feed *feed, const struct ui_opts *opts, char **cause)
{
	struct ui_tty_opts to;
	struct loop l;
	sigset_t mask, old;
	const char *nc = getenv("NO_COLOR");
	bool color = !opts->no_color && !(nc && *nc);
	int ret = -1, w, h;

	memset(&l, 0, sizeof(l));
	l.feed = feed;
	l.tfd = l.sfd = l.ffd = -1;
	setlocale(LC_ALL, "");
	if (ui_theme_load(&l.theme, opts->theme ? opts->theme : "default", cause) < 0) {
		snapshot_ruleset_free(opts->first);
		return -1;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old);
	l.sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	l.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	l.ffd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (l.sfd < 0 || l.tfd < 0 || l.ffd < 0) {
		*cause = xasprintf("signalfd/timerfd: %s", strerror(errno));
		snapshot_ruleset_free(opts->first);
		goto out;
	}

	model_init(&l.model);
	l.model.glow_time = opts->glow_time > 0 ? opts->glow_time : -1;
	if (opts->first) /* the model owns it from here */
		model_update(&l.model, opts->first);
	view_stack_init(&l.st, &l.model, feed->netns_label, feed->backend, opts->family_mode, opts->interval_ms,
			l.theme.name);
	l.st.ctx.trace.live = !feed->replay;
	l.st.ctx.trace.feed = feed_trace(feed);
	l.st.ctx.observe_live = feed->ops->observe != NULL;
	l.st.ctx.observing = feed->observing;
	l.st.ctx.trace.replay = feed->replay && !feed_is_demo(feed);
	l.st.ctx.trace.legacy_opt = !feed->replay && (feed->trace_flags & TRACE_LEGACY);
	l.st.ctx.trace.step = -1;
	l.st.ctx.replay.recording = feed_record(feed) != NULL;
	if (!feed->replay) {
		l.st.ctx.route = live_route;
		l.st.ctx.route_arg = &l;
	} else if (feed_is_demo(feed)) {
		l.st.ctx.route = feed_demo_route;
	}
	if (explain_load(&l.notes, &l.notes_error) == 0)
		l.st.ctx.notes = &l.notes;
	l.st.ctx.notes_error = l.notes_error;
	to.ascii = opts->ascii;
	to.no_color = !color;
	if (ui_tty_init(&to, cause) < 0)
		goto out_model;
	l.render = ui_render_new(color);
	ui_render_theme(l.render, &l.theme);
	ui_tty_size(&w, &h);
	canvas_init(&l.canvas, w, h, opts->ascii || !ui_tty_utf8());
	l.full = true;

	if (feed->notice) /* nf_log put back after a killed legacy tracer */
		view_stack_flash(&l.st, SLOT_WARN, "%s", feed->notice);
	/* Started from a snapshot (the privilege probe's): on screen at once,
	 * then the views' own (with the text of the chains they show). */
	if (opts->first) {
		l.st.ctx.ct = feed_conntrack(feed, false); /* the count on the status line */
		model_ct_update(&l.model.ct, l.st.ctx.ct);
		l.st.ctx.now_ns = time_mono_ns();
		l.st.ctx.now_wall = time_wall();
		frame(&l);
	}
	take_snapshot(&l);
	l.st.ctx.now_ns = time_mono_ns();
	l.st.ctx.now_wall = time_wall();
	frame(&l);
	arm_timer(&l);
	ret = run(&l, cause);
	/* q, a signal or an error: the trace table goes with us (the kernel
	 * would remove it when the socket closes anyway: it is owned). */
	trace_stop_session(&l);

	ui_render_free(l.render);
	ui_tty_fini();
	canvas_free(&l.canvas);
out_model:
	trace_stop_session(&l);
	view_stack_free(&l.st);
	model_free(&l.model);
	nlroute_close(l.route);
	explain_free(&l.notes);
	free(l.notes_error);
out:
	if (l.sfd >= 0)
		close(l.sfd);
	if (l.tfd >= 0)
		close(l.tfd);
	if (l.ffd >= 0)
		close(l.ffd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
