/*
 * view-trace-keys.c - the tracing keys every view shares: t (a trace
 * filter prompt, or the packets while tracing), T (the packets), L
 * (trace iptables-legacy rules too: the loop reads the plan, then y/n)
 * and x (stop). A view only asks: starting, stopping and the plan are
 * view actions the loop does (VIEW_ACT_TRACE_*). A replay shows what it
 * recorded and never opens the kernel.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "feed.h"
#include "iptop.h"
#include "view.h"

static bool trace_on_top(const struct view_stack *st)
{
	const struct view *top = view_stack_top(st);

	return top && top->ops == &view_trace_ops;
}

int view_trace_keys_global(struct view_stack *st, enum ui_action a)
{
	struct view_trace *tr = &st->ctx.trace;

	switch (a) {
	case UI_ACT_TRACE:
		/* A replay shows what it recorded; it never opens the kernel. */
		if (!tr->live && tr->feed->recorded) {
			if (!trace_on_top(st))
				view_stack_push(st, view_trace_new());
			else
				view_stack_flash(st, SLOT_HINT, "%s", "a replay shows the packets traced while recording");
			return REACT_REDRAW;
		}
		if (!tr->live) {
			view_stack_flash(st, SLOT_WARN, "%s", tr->replay ? "this recording holds no traced packets "
									  "(tracing needs a live namespace)"
								       : "tracing needs a live namespace (not a demo or a replay)");
			return REACT_REDRAW;
		}
		/* Tracing already: t shows the packets; t there changes the filter. */
		if (tr->feed->active && !trace_on_top(st)) {
			view_stack_push(st, view_trace_new());
			return REACT_REDRAW;
		}
		view_stack_prompt(st, tr->feed->filter);
		st->ctx.prompt_kind = VIEW_PROMPT_TRACE;
		return REACT_REDRAW;
	case UI_ACT_TRACE_VIEW:
		if (!trace_on_top(st))
			view_stack_push(st, view_trace_new());
		return REACT_REDRAW;
	case UI_ACT_TRACE_LEGACY:
		if (tr->replay) {
			view_stack_flash(st, SLOT_WARN, "%s", "a replay cannot change tracing: it shows the packets as "
							      "they were traced while recording");
			return REACT_REDRAW;
		}
		if (!tr->live) {
			view_stack_flash(st, SLOT_WARN, "%s", "tracing needs a live namespace (this is a demo)");
			return REACT_REDRAW;
		}
		if (tr->feed->legacy[0]) {
			view_stack_flash(st, SLOT_HINT, "legacy rules are traced already (%s = nfnetlink_log until x "
					 "stops the trace)", tr->feed->legacy);
			return REACT_REDRAW;
		}
		if (tr->legacy_opt) {
			view_stack_flash(st, SLOT_HINT, "%s", "--trace-legacy: every trace covers legacy rules");
			return REACT_REDRAW;
		}
		if (!view_trace_legacy_untraced(st)) {
			view_stack_flash(st, SLOT_HINT, "%s", "no iptables-legacy tables here: nothing more to trace");
			return REACT_REDRAW;
		}
		/* The loop reads what would change (the namespace's nf_log) and asks. */
		return view_stack_act(st, &(struct view_act){ .kind = VIEW_ACT_TRACE_PLAN });
	case UI_ACT_TRACE_STOP:
		if (tr->replay) {
			view_stack_flash(st, SLOT_WARN, "%s", "a replay shows the trace as it was recorded");
			return REACT_REDRAW;
		}
		if (!tr->feed->active) {
			view_stack_flash(st, SLOT_WARN, "%s", "not tracing (t starts)");
			return REACT_REDRAW;
		}
		return view_stack_act(st, &(struct view_act){ .kind = VIEW_ACT_TRACE_STOP });
	default:
		return REACT_NONE;
	}
}

static void legacy_answered(struct view_stack *st)
{
	st->ctx.prompting = false;
	free(st->ctx.trace.plan);
	st->ctx.trace.plan = NULL;
}

/* y/n after L: only y changes anything. */
int view_trace_keys_legacy(struct view_stack *st, const struct ui_event *ev)
{
	struct view_trace *tr = &st->ctx.trace;

	switch (ev->action) {
	case UI_ACT_TEXT:
		if (ev->ch == 'y' || ev->ch == 'Y') {
			struct view_act a = { .kind = VIEW_ACT_TRACE_START, .on = true };

			legacy_answered(st);
			/* The running (or last) filter, now with legacy rules. */
			snprintf(a.text, sizeof(a.text), "%s", tr->feed->filter);
			return view_stack_act(st, &a);
		}
		if (ev->ch == 'n' || ev->ch == 'N')
			break;
		view_stack_flash(st, SLOT_WARN, "%s", "y traces legacy rules too, n leaves everything as it is");
		return REACT_REDRAW;
	case UI_ACT_CANCEL:
		break;
	case UI_ACT_ACCEPT:
		view_stack_flash(st, SLOT_WARN, "%s", "y traces legacy rules too, n leaves everything as it is");
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
	legacy_answered(st);
	view_stack_flash(st, SLOT_HINT, "%s", "legacy rules stay untraced; nf_log unchanged");
	return REACT_REDRAW;
}
