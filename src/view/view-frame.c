/*
 * view-frame.c - the frame around the top view: the title bar with the
 * breadcrumb, the status line (source state, namespace, backend, flows in
 * conntrack, ruleset generation and last change), the key bar generated
 * from the keymap, the filter or trace prompt (saying when legacy rules
 * will not be traced), the y/n of L, and short messages; "need
 * at least W×H" below the minimum size; D (bare) leaves only the body.
 * Draws into a canvas only: no curses, no clock (the loop passes the
 * time in ctx).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conntrack.h"
#include "feed.h"
#include "iptop.h"
#include "view.h"

static const char *family_text(int mode)
{
	return mode == 4 ? "IPv4" : mode == 6 ? "IPv6" : "IPv4+IPv6";
}

static void draw_too_small(struct canvas *c)
{
	char need[48], now[48];
	const char *lines[3];
	int i, y;

	snprintf(need, sizeof(need), "need at least %d\xc3\x97%d", VIEW_MIN_W, VIEW_MIN_H);
	snprintf(now, sizeof(now), "(now %d\xc3\x97%d)", c->w, c->h);
	lines[0] = "iptop";
	lines[1] = need;
	lines[2] = now;
	y = (c->h - 3) / 2;
	if (y < 0)
		y = 0;
	for (i = 0; i < 3 && y + i < c->h; i++) {
		int w = canvas_width(lines[i]);

		canvas_text(c, w < c->w ? (c->w - w) / 2 : 0, y + i, c->w, lines[i], i == 1 ? SLOT_WARN : SLOT_NORMAL,
			    0);
	}
}

void view_frame_title(struct view_stack *st, struct canvas *c)
{
	struct view_ctx *ctx = &st->ctx;
	struct strbuf crumbs, right;
	int x, rw;
	size_t i;

	canvas_fill(c, 0, 0, c->w, 1, ' ', SLOT_TITLE, 0);
	x = canvas_text(c, 1, 0, -1, "iptop", SLOT_TITLE, CANVAS_BOLD) + 2;

	strbuf_init(&crumbs);
	for (i = 0; i < st->n; i++) {
		if (i)
			strbuf_add(&crumbs, " \xe2\x80\xba "); /* › */
		if (st->v[i]->ops->crumb)
			st->v[i]->ops->crumb(st->v[i], &crumbs, i ? st->v[i - 1] : NULL);
		else
			strbuf_add(&crumbs, st->v[i]->ops->title);
	}
	/* The right side gives way to the breadcrumb: the interval goes first,
	 * then the family; PAUSED and the baseline stay. */
	strbuf_init(&right);
	for (i = 0; i < 3; i++) {
		strbuf_reset(&right);
		strbuf_add(&right, "");
		if (ctx->paused)
			strbuf_add(&right, "PAUSED  ");
		if (ctx->trace.feed->active)
			strbuf_add(&right, "TRACING  ");
		if (ctx->model->baseline_set) {
			time_t t = (time_t)ctx->baseline_wall;
			struct tm tm;
			char when[16];

			strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
			strbuf_addf(&right, "since %s (K: totals)  ", when);
		}
		if (i < 2)
			strbuf_addf(&right, "%s  ", family_text(ctx->family_mode));
		if (i < 1)
			strbuf_addf(&right, "every %.1fs ", ctx->interval_ms / 1000.0);
		rw = canvas_width(right.s);
		if (c->w - x - rw - 1 >= canvas_width(crumbs.s))
			break;
	}
	{
		/* Too long: keep the end of the trail, where the user is. */
		int room = c->w - x - rw - 1;
		const char *p = crumbs.s;
		uint32_t ch;

		if (room < 8) {
			rw = 0;
			room = c->w - x - 1;
		}
		if (canvas_width(p) > room && room > 2) {
			while (*p && canvas_width(p) > room - 2)
				p += canvas_utf8_decode(p, &ch);
			canvas_text(c, x, 0, room, "\xe2\x80\xa6 ", SLOT_TITLE, 0);
			canvas_text(c, x + 2, 0, room - 2, p, SLOT_TITLE, CANVAS_BOLD);
		} else {
			canvas_text(c, x, 0, room, p, SLOT_TITLE, CANVAS_BOLD);
		}
	}
	if (rw)
		canvas_text(c, c->w - rw, 0, rw, right.s, SLOT_TITLE, 0);
	if (rw && ctx->paused)
		canvas_paint(c, c->w - rw, 0, 6, SLOT_WARN, CANVAS_BOLD);
	if (rw && ctx->trace.feed->active)
		canvas_paint(c, c->w - rw + (ctx->paused ? 8 : 0), 0, 7, SLOT_WARN, CANVAS_BOLD);
	strbuf_free(&crumbs);
	strbuf_free(&right);
}

static enum slot status_slot(enum src_status s)
{
	switch (s) {
	case SRC_OK: return SLOT_OK;
	case SRC_CHANGING:
	case SRC_STALE:
	case SRC_OFF: return SLOT_WARN;
	default: return SLOT_ERROR;
	}
}

/* "7/262K flows", or why there are none (a replay: the recording holds
 * none, which says nothing of the kernel's). */
static void ct_text(const struct ct_table *t, bool replay, struct strbuf *sb, enum slot *slot)
{
	char n[16], m[16];

	strbuf_init(sb);
	strbuf_add(sb, "");
	*slot = SLOT_STATUS;
	if (!t) {
		strbuf_add(sb, replay ? "conntrack not recorded" : "conntrack unavailable");
		return;
	}
	if (t->status != SRC_OK && t->status != SRC_CHANGING && !t->gen) {
		strbuf_addf(sb, "conntrack: %s", t->error && *t->error ? t->error : snapshot_status_name(t->status));
		*slot = SLOT_WARN;
		return;
	}
	view_fmt_count(n, sizeof(n), t->has_kernel_count ? t->kernel_count : t->count);
	if (t->max) {
		view_fmt_count(m, sizeof(m), t->max);
		strbuf_addf(sb, "%s/%s flows", n, m);
	} else {
		strbuf_addf(sb, "%s flows", n);
	}
	/* Near the limit new connections get dropped: say so early. */
	if (t->max && (t->has_kernel_count ? t->kernel_count : t->count) * 10 >= t->max * 9)
		*slot = SLOT_WARN;
}

/* The namespace as the user named it: "lab-host" of "net:[4026532…] (lab-host)"
 * ("replay of F (net:[7] (lab))" keeps its whole parenthesis); the whole
 * label when it names none. */
static void ns_short(const char *label, char *buf, size_t n)
{
	const char *open = strchr(label, '(');
	size_t len = strlen(label);

	if (open && len && label[len - 1] == ')' && strncmp(label, "net:[", 5) == 0) {
		snprintf(buf, n, "%.*s", (int)(label + len - 1 - (open + 1)), open + 1);
	} else if (strncmp(label, "replay of ", 10) == 0) {
		/* "replay of DIR/x.rec (net:[7] (lab))": the file's name */
		const char *end = strstr(label, " ("), *base = label + 10, *p;

		end = end ? end : label + len;
		for (p = base; p < end; p++)
			if (*p == '/')
				base = p + 1;
		snprintf(buf, n, "%.*s", (int)(end - base), base);
	} else {
		snprintf(buf, n, "%s", label);
	}
}

/* A replay's place: "replay 0:03/0:06" ("replay ended 0:06/0:06"), and
 * the chapter it is in; both empty when it is not a replay. */
static void replay_text(const struct view_replay *r, struct strbuf *pos, struct strbuf *chap)
{
	char now[16], len[16];
	long c = view_replay_chapter(r);

	strbuf_init(pos);
	strbuf_add(pos, "");
	strbuf_init(chap);
	strbuf_add(chap, "");
	if (!r->pos)
		return;
	view_replay_fmt_clock(now, sizeof(now), r->ended ? r->pos->len_ns : r->pos->t_ns);
	view_replay_fmt_clock(len, sizeof(len), r->pos->len_ns);
	strbuf_addf(pos, "replay %s%s/%s", r->ended ? "ended " : "", now, len);
	if (c >= 0)
		strbuf_addf(chap, "\xc2\xa7 %s", r->pos->marks[c].text); /* § */
}

/* "gen 42, changed 09:30:00 by dockerd[812]", with less at each level:
 * 0 all, 1 no pid, 2 no process, 3 the generation only. */
static void gen_text(const struct snap_ruleset *rs, int level, struct strbuf *sb)
{
	strbuf_reset(sb);
	strbuf_add(sb, ""); /* never NULL */
	if (!rs)
		return;
	strbuf_addf(sb, "gen %u", rs->genid);
	if (rs->change_wall > 0 && level < 3) {
		time_t t = (time_t)rs->change_wall;
		struct tm tm;
		char when[16];

		strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
		strbuf_addf(sb, ", changed %s", when);
		if (rs->change_proc[0] && level < 2)
			strbuf_addf(sb, " by %s", rs->change_proc);
		if (rs->change_pid && level < 1)
			strbuf_addf(sb, "[%u]", rs->change_pid);
	}
}

/* One part of the status line and its bar; returns the new x. */
static int status_part(struct canvas *c, int x, int y, const char *text, enum slot slot)
{
	x += canvas_text(c, x, y, -1, text, slot, 0);
	return x + canvas_text(c, x, y, -1, " \xe2\x94\x82 ", SLOT_STATUS, 0); /* │ */
}

/* After the source state: a replay's place │ namespace │ backend │
 * chapter │ flows │ generation and last change. Too wide, the least
 * useful goes first: the namespace's inode (its name stays), the backend,
 * the changer's pid, its name, the change time, the flow count, the
 * chapter; the namespace name is cut last. */
static void status_rest(struct view_stack *st, struct canvas *c, int x, int y, const struct snap_ruleset *rs)
{
	const char *label = st->ctx.netns_label;
	struct strbuf gen, cts, rp, chap;
	enum slot ct_slot;
	char ns[128] = "";
	int level, keep, room = c->w - x - 1;
	bool backend = false, ct = false, ch = false, obs = false;
	struct model_hook hooks[MODEL_MAX_HOOKS];
	/* iptop's observation table in the snapshot (live, or recorded) */
	bool observed = model_hooks(st->ctx.model, hooks, ARRAY_SIZE(hooks)) > 0;

	strbuf_init(&gen);
	ct_text(st->ctx.ct, st->ctx.trace.replay, &cts, &ct_slot);
	replay_text(&st->ctx.replay, &rp, &chap);
	for (level = 0; level < 9; level++) {
		if (label)
			snprintf(ns, sizeof(ns), "%s", label);
		if (label && level >= 1)
			ns_short(label, ns, sizeof(ns));
		backend = st->ctx.backend && level < 2;
		obs = observed && level < 5;
		gen_text(rs, level < 3 ? 0 : level - 2, &gen);
		ct = cts.len && level < 6;
		ch = chap.len && level < 7;
		keep = room - canvas_width(gen.s) - (rp.len ? canvas_width(rp.s) + 3 : 0) -
		       (backend ? canvas_width(st->ctx.backend) + 3 : 0) - (ch ? canvas_width(chap.s) + 3 : 0) -
		       (obs ? 17 : 0) -
		       (ct ? canvas_width(cts.s) + 3 : 0);
		/* From the flow count on, the namespace is cut (or goes) first. */
		if (!label || keep >= canvas_width(ns) + 3 || (level >= 6 && keep >= 0))
			break;
	}
	x++;
	if (rp.len)
		x = status_part(c, x, y, rp.s, st->ctx.replay.ended ? SLOT_WARN : SLOT_STATUS);
	if (label && keep - 3 >= 6) {
		x += canvas_text_fit(c, x, y, keep - 3, ns, SLOT_STATUS, 0);
		x = status_part(c, x, y, "", SLOT_STATUS);
	}
	if (backend)
		x = status_part(c, x, y, st->ctx.backend, SLOT_STATUS);
	if (obs)
		x = status_part(c, x, y, "hooks observed", SLOT_STATUS);
	if (ch)
		x = status_part(c, x, y, chap.s, SLOT_STATUS);
	if (ct)
		x = status_part(c, x, y, cts.s, ct_slot);
	canvas_text_fit(c, x, y, c->w - x, gen.s, SLOT_STATUS, 0);
	strbuf_free(&gen);
	strbuf_free(&cts);
	strbuf_free(&rp);
	strbuf_free(&chap);
}

void view_frame_status(struct view_stack *st, struct canvas *c, int y)
{
	const struct snap_ruleset *rs = st->ctx.model->cur;
	struct strbuf sb;
	int x;

	canvas_fill(c, 0, y, c->w, 1, ' ', SLOT_STATUS, 0);
	strbuf_init(&sb);
	if (!rs) {
		strbuf_add(&sb, " waiting for the first snapshot ");
		x = canvas_text(c, 0, y, c->w, sb.s, SLOT_WARN, 0);
	} else {
		strbuf_addf(&sb, " \xe2\x97\x8f %s", snapshot_status_name(rs->status)); /* ● */
		if (rs->status != SRC_OK && rs->error && *rs->error)
			strbuf_addf(&sb, ": %s", rs->error);
		strbuf_addc(&sb, ' ');
		x = canvas_text_fit(c, 0, y, c->w, sb.s, status_slot(rs->status), 0);
	}
	status_rest(st, c, x, y, rs);
	strbuf_free(&sb);
}

void view_frame_keybar(struct view_stack *st, struct canvas *c, int y)
{
	struct view_ctx *ctx = &st->ctx;
	struct ui_help_line hints[16];
	size_t n, i;
	int x = 0;

	canvas_fill(c, 0, y, c->w, 1, ' ', SLOT_HINT, 0);
	if (ctx->prompting && ctx->prompt_kind == VIEW_PROMPT_LEGACY) {
		/* A question, not text: its own keys. */
		x = canvas_text(c, 0, y, c->w, "trace iptables-legacy rules too (see above)?", SLOT_KEY, 0) + 2;
		x += canvas_text(c, x, y, c->w - x, "y", SLOT_KEY, CANVAS_BOLD) + 1;
		x += canvas_text(c, x, y, c->w - x, "yes", SLOT_HINT, 0) + 2;
		x += canvas_text(c, x, y, c->w - x, "n/Esc", SLOT_KEY, CANVAS_BOLD) + 1;
		canvas_text(c, x, y, c->w - x, "no", SLOT_HINT, 0);
		return;
	}
	if (ctx->prompting) {
		x = canvas_text(c, 0, y, c->w,
				ctx->prompt_kind == VIEW_PROMPT_TRACE  ? "trace: "
				: ctx->prompt_kind == VIEW_PROMPT_MARK ? "chapter mark: "
								       : "filter: ",
				SLOT_KEY, 0);
		x += canvas_text(c, x, y, c->w - x - 1, ctx->prompt, SLOT_HINT, 0);
		canvas_put(c, x, y, ' ', SLOT_SELECT, 0);
		x += 2;
	} else if (ctx->flash[0] && ctx->now_ns < ctx->flash_until) {
		canvas_text_fit(c, 1, y, c->w - 1, ctx->flash, ctx->flash_slot, 0);
		return;
	}
	n = ui_keymap_hints(view_stack_keyctx(st), hints, ARRAY_SIZE(hints));
	/* "back" means nothing on the diagram. */
	for (i = 0; i < n; i++)
		if (st->n == 1 && strcmp(hints[i].text, "back") == 0) {
			memmove(&hints[i], &hints[i + 1], (n - i - 1) * sizeof(hints[0]));
			n--;
		}
	/* Too wide: drop from the end (the global keys), never help or quit. */
	for (;;) {
		int total = x;

		for (i = 0; i < n; i++)
			total += canvas_width(hints[i].keys) + 1 + canvas_width(hints[i].text) + 2;
		if (total - 2 <= c->w)
			break;
		for (i = n; i-- > 0;)
			if (strcmp(hints[i].text, "help") != 0 && strcmp(hints[i].text, "quit") != 0)
				break;
		if (i == (size_t)-1)
			break;
		memmove(&hints[i], &hints[i + 1], (n - i - 1) * sizeof(hints[0]));
		n--;
	}
	for (i = 0; i < n; i++) {
		int kw = canvas_width(hints[i].keys), tw = canvas_width(hints[i].text);

		if (x + kw + 1 + tw > c->w)
			break;
		canvas_text(c, x, y, kw, hints[i].keys, SLOT_KEY, 0);
		canvas_text(c, x + kw + 1, y, tw, hints[i].text, SLOT_HINT, 0);
		x += kw + 1 + tw + 2;
	}
	/* Before Enter: what this trace will not see. */
	if (ctx->prompting && ctx->prompt_kind == VIEW_PROMPT_TRACE && view_trace_legacy_untraced(st) &&
	    x + 12 < c->w)
		canvas_text_fit(c, x, y, c->w - x, "legacy rules not traced (L in the trace view)", SLOT_WARN, 0);
}

/* At VIEW_SPLIT_W columns and more, a chain or the trace list opened over
 * the diagram goes beside it instead: the diagram keeps the left half
 * (drawn as it is, no keys), the top view the right; a line between. */
static bool split_view(const struct view_stack *st, const struct canvas *c)
{
	const struct view *top = view_stack_top(st);

	return c->w >= VIEW_SPLIT_W && st->n > 1 && st->v[0]->ops == &view_diagram_ops &&
	       (top->ops == &view_chain_ops || top->ops == &view_trace_ops);
}

void view_frame_draw(struct view_stack *st, struct canvas *c)
{
	struct view *top = view_stack_top(st);
	struct canvas_rect body;
	bool bare = st->ctx.bare;

	canvas_clear(c, SLOT_NORMAL);
	if (c->w < VIEW_MIN_W || c->h < (bare ? VIEW_MIN_H - 3 : VIEW_MIN_H) || !top) {
		draw_too_small(c);
		return;
	}
	if (!bare)
		view_frame_title(st, c);
	body.x = 0;
	body.y = bare ? 0 : 1;
	body.w = c->w;
	body.h = bare ? c->h : c->h - 3;
	st->ctx.split = split_view(st, c);
	if (st->ctx.split) {
		struct view *d = st->v[0];
		struct canvas_rect left = { body.x, body.y, body.w / 2, body.h };

		d->body = left;
		canvas_set_clip(c, left.x, left.y, left.w, left.h);
		d->ops->draw(d, c, left, st);
		canvas_reset_clip(c);
		canvas_vline(c, left.w, body.y, body.h, SLOT_DIM);
		body.x = left.w + 1;
		body.w -= left.w + 1;
	}
	top->body = body;
	canvas_set_clip(c, body.x, body.y, body.w, body.h);
	top->ops->draw(top, c, body, st);
	canvas_reset_clip(c);
	if (!bare) {
		view_frame_status(st, c, c->h - 2);
		view_frame_keybar(st, c, c->h - 1);
	} else if (st->ctx.prompting || (st->ctx.flash[0] && st->ctx.now_ns < st->ctx.flash_until)) {
		/* Bare: a prompt or a message still needs its line, over the body. */
		view_frame_keybar(st, c, c->h - 1);
	}
}
