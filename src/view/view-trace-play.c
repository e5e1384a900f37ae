/*
 * view-trace-play.c - p plays the selected traced packet on the diagram
 * hop by hop (one step lit per play_ms, + and - change it), then its
 * reply in the reply's colour, then shows the whole path again. The loop
 * asks view_trace_play_tick when a hop is due; no clock is read here.
 */
#include "config.h"

#include "feed.h"
#include "iptop.h"
#include "trace.h"
#include "view.h"

/* ---- play ------------------------------------------------------------------------------------ */

#define PLAY_MS_DEFAULT 700

static int play_ms(const struct view_trace *tr)
{
	return tr->play_ms > 0 ? tr->play_ms : PLAY_MS_DEFAULT;
}

static void play_stop(struct view_trace *tr)
{
	tr->playing = false;
}

int view_trace_play(struct view_stack *st)
{
	struct view_trace *tr = &st->ctx.trace;
	const struct trace_packet *p = view_trace_selected(st);

	if (tr->playing) {
		play_stop(tr);
		view_stack_flash(st, SLOT_HINT, "%s", "stopped: [ ] step on by hand, Esc takes the path off");
		return REACT_REDRAW;
	}
	if (!p || !p->nsteps) {
		view_stack_flash(st, SLOT_WARN, "%s", "no traced packet chosen (t traces; Enter on a packet picks it)");
		return REACT_REDRAW;
	}
	/* A reply chosen: play its request first, if it was traced. */
	if (p->reply_of && model_trace_find(&st->ctx.model->trace, p->reply_of))
		tr->sel = p->reply_of;
	tr->playing = true;
	tr->play_reply = false;
	tr->step = 0;
	tr->play_next_ns = st->ctx.now_ns + (uint64_t)play_ms(tr) * 1000000;
	view_stack_flash(st, SLOT_HINT, "playing packet #%llu hop by hop (+ - speed, p stops)",
			 (unsigned long long)tr->sel);
	return REACT_REDRAW;
}

bool view_trace_play_tick(struct view_stack *st, uint64_t now_ns)
{
	struct view_trace *tr = &st->ctx.trace;
	const struct trace_packet *p;

	if (!tr->playing || now_ns < tr->play_next_ns)
		return false;
	p = view_trace_selected(st);
	if (!p) {
		play_stop(tr);
		return true;
	}
	tr->play_next_ns = now_ns + (uint64_t)play_ms(tr) * 1000000;
	if (tr->step + 1 < (int)p->nsteps) {
		tr->step++;
		return true;
	}
	/* The request is done: its reply, in the reply's colour, then stop. */
	if (!tr->play_reply && p->reply && model_trace_find(&st->ctx.model->trace, p->reply)) {
		tr->sel = p->reply;
		tr->play_reply = true;
		tr->step = 0;
		return true;
	}
	play_stop(tr);
	if (tr->play_reply)
		tr->sel = p->reply_of ? p->reply_of : tr->sel;
	tr->play_reply = false;
	tr->step = -1;
	return true;
}

int view_trace_play_timeout(const struct view_stack *st, uint64_t now_ns)
{
	const struct view_trace *tr = &st->ctx.trace;

	if (!tr->playing)
		return -1;
	return tr->play_next_ns > now_ns ? (int)((tr->play_next_ns - now_ns) / 1000000) + 1 : 0;
}

/* + and - while playing: a hop's time, not the refresh. */
int view_trace_play_speed(struct view_stack *st, int dir)
{
	struct view_trace *tr = &st->ctx.trace;
	int ms = play_ms(tr);

	ms = dir > 0 ? ms * 2 / 3 : ms * 3 / 2;
	tr->play_ms = ms < 100 ? 100 : ms > 5000 ? 5000 : ms;
	view_stack_flash(st, SLOT_HINT, "a hop every %d ms", tr->play_ms);
	return REACT_REDRAW;
}
