/*
 * view.h - views and the view stack: the diagram at the bottom, chain
 * views, the chain list, conntrack flows, traced packets, notes and help
 * pushed on top (the breadcrumb). A view
 * draws its body into a canvas and turns actions into REACT_* flags the
 * loop ORs together (htop's Htop_Reaction). The stack draws the frame
 * around the body: title and breadcrumb, status line, key bar or prompt.
 * Views read the model; they never touch curses, sockets or time.
 */
#ifndef VIEW_H
#define VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "explain.h"
#include "model.h"
#include "scene.h"
#include "ui.h"

#define VIEW_MIN_W 40            /* below this, "need at least W×H" */
#define VIEW_MIN_H 10
#define VIEW_STACK_MAX 32
#define VIEW_SPLIT_W 200         /* from this wide, the diagram stays beside a chain or trace */

enum react {
	REACT_NONE = 0,
	REACT_REDRAW = 1,       /* draw a new frame */
	REACT_SNAPSHOT = 2,     /* take a snapshot now (what is on screen changed) */
	REACT_TIMER = 4,        /* interval or pause changed: re-arm the tick */
	REACT_REPAINT = 8,      /* repaint every cell (Ctrl-L) */
	REACT_THEME = 16,       /* ctx.theme_name changed: load and apply it */
	REACT_QUIT = 32,
	REACT_PASS = 64,        /* the view did not handle it: the stack may */
	REACT_ACT = 128,        /* the view returned an action (view_stack_act): the loop does it */
	REACT_STEP = 256,       /* one snapshot even while paused (step a replay) */
};

/* What a view asks of the loop beyond drawing: things only the loop can do
 * (it owns the feed, the trace session and the recording). A view returns
 * one with view_stack_act(); the loop takes it after the event and does it
 * in one place (loop.c loop_act). */
enum view_act_kind {
	VIEW_ACT_NONE,
	VIEW_ACT_TRACE_START,    /* text: the filter; on: legacy rules too (TRACE_LEGACY) */
	VIEW_ACT_TRACE_STOP,
	VIEW_ACT_TRACE_PLAN,     /* L: the loop hands view_trace_ask_legacy() the plan */
	VIEW_ACT_OBSERVE,        /* on: install the observation table, or remove it */
	VIEW_ACT_SEEK,           /* seek: snapshots played, wanted (1: the first) */
	VIEW_ACT_MARK,           /* text: a chapter mark to record */
};

struct view_act {
	enum view_act_kind kind;
	bool on;
	size_t seek;
	char text[128];
};

struct view;
struct view_stack;
struct ct_flow;
struct ct_table;
struct explain;
struct route_result;
struct trace_packet;
struct trace_state;
struct feed_trace;

enum view_prompt {
	VIEW_PROMPT_FILTER,      /* the top view's filter, live as it is typed */
	VIEW_PROMPT_TRACE,       /* a trace filter: Enter asks the loop to trace */
	VIEW_PROMPT_LEGACY,      /* y/n: trace legacy rules too (trace.plan says what changes) */
	VIEW_PROMPT_MARK,        /* the text of a chapter mark (recording) */
};

struct feed_replay_pos;

/* A replay of a file as the views see it (the loop fills it in after each
 * snapshot): they ask it to move with VIEW_ACT_SEEK. While recording, M
 * asks for a chapter mark with VIEW_ACT_MARK. */
struct view_replay {
	const struct feed_replay_pos *pos;  /* NULL: not a replay of a file */
	bool ended;              /* the recording has no more snapshots */
	bool recording;          /* live, recording to a file: M marks chapters */
	unsigned marks;          /* chapter marks recorded so far */
};

/* Tracing as the views see it: the loop owns the session (the feed's
 * collect-trace) and the views read it through feed, which points at the
 * feed's trace (its packets, filter, counts: feed.h struct feed_trace),
 * never copied. They ask for a start or a stop with a view action
 * (VIEW_ACT_TRACE_START, VIEW_ACT_TRACE_STOP). */
struct view_trace {
	bool live;               /* the feed is a live namespace: tracing can run */
	bool replay;             /* a recording: it shows what was traced while recording */
	const struct feed_trace *feed; /* the feed's trace (never NULL: view_stack_init
	                          * points it at an empty one until the loop sets it) */
	unsigned sel_gen;        /* the model's trace generation sel belongs to
	                          * (model_trace.gen as of the last view_trace_follow) */
	char error[192];         /* why the last start failed, or "" */
	uint64_t sel;            /* the packet drawn on the diagram, 0: none */
	int step;                /* its path lit up to this step, -1: all of it */
	bool playing;            /* p: step on by itself, one hop per play_ms */
	bool play_reply;         /* playing the reply of the packet played first (sel is the reply) */
	int play_ms;             /* a hop's time (0: the default) */
	uint64_t play_next_ns;   /* when the next hop shows (ctx.now_ns's clock) */
	bool legacy_opt;         /* --trace-legacy: every trace covers legacy rules */
	char *plan;              /* L: what legacy tracing changes, asked about (owned) */
};

/* What every view may read (and the few things the global keys change). */
struct view_ctx {
	struct model *model;
	const char *netns_label;
	const char *backend;
	int family_mode;         /* 0 both, 4, 6 */
	int interval_ms;
	bool paused;
	char theme_name[64];
	uint64_t now_ns;         /* monotonic time of this frame (0 in tests) */
	double now_wall;         /* wall clock of this frame, for 'z' */
	double baseline_wall;    /* wall clock when 'z' was pressed */
	struct scene scene;      /* the diagram's, cached */
	char flash[160];         /* a message on the key bar until flash_until */
	enum slot flash_slot;
	uint64_t flash_until;
	bool prompting;          /* the key bar is a text prompt for the top view */
	enum view_prompt prompt_kind;
	char prompt[128];
	/* Conntrack as of this tick (the loop calls feed_conntrack), NULL: the
	 * feed has none. Flows live until the next tick: keep keys, not pointers. */
	const struct ct_table *ct;
	/* The kernel's routing decision for a flow (conntrack_text_route on a live
	 * feed); NULL when unknown (a replay). */
	int (*route)(void *arg, const struct ct_flow *f, struct route_result *res);
	void *route_arg;
	struct view_trace trace;
	const struct explain *notes; /* the notes 'e' shows, NULL: notes_error says why */
	const char *notes_error;
	bool zoom;               /* Z: the diagram bigger, with fewer details */
	bool bare;               /* D: no title, status or key bar */
	bool split;              /* the diagram is drawn beside the top view this frame */
	bool own;                /* i: iptop's own tables (iptop_trace) shown, dim */
	bool observe_live;       /* the feed can observe hooks (live) */
	bool observing;          /* iptop_observe is installed (the loop keeps it true) */
	struct view_replay replay;
	/* z: each flow's counters as of the baseline (view-flows.c owns them):
	 * the flows views show what was counted since, K drops them. */
};

/* The diagram's family_mode for scene_layout_update: the family filter,
 * with SCENE_OWN when i shows iptop's own tables. */
int view_scene_mode(const struct view_ctx *ctx);


struct view_ops {
	unsigned keyctx;         /* UI_CTX_* of its keys */
	void (*draw)(struct view *v, struct canvas *c, struct canvas_rect body, struct view_stack *st);
	int (*action)(struct view *v, const struct ui_event *ev, struct view_stack *st);
	/* After each model update (every view in the stack, top or not). */
	void (*tick)(struct view *v, struct view_stack *st);
	/* Does this view need the rules of ch refreshed? */
	bool (*wants)(struct view *v, const struct snap_chain *ch);
	/* Its part of the breadcrumb: title, or crumb when it says more
	 * (which chain, which flow). */
	const char *title;
	void (*crumb)(struct view *v, struct strbuf *sb, const struct view *below);
	/* The prompt text changed (live filter); done: Enter or Esc. */
	void (*filter)(struct view *v, const char *text, struct view_stack *st);
	/* What the selection is, for 'e' (NULL: nothing to explain). */
	void (*explain)(struct view *v, struct view_stack *st, struct explain_keys *ex);
	/* Frees what the view holds (NULL: nothing), not the view itself. */
	void (*release)(struct view *v);
	bool flows;              /* it shows conntrack flows: keep the list fresh */
};

/* The views a mode is told apart by (by pointer, never by name). */
extern const struct view_ops view_chain_ops, view_chains_ops, view_chapters_ops, view_diagram_ops, view_explain_ops,
	view_flow_ops, view_flows_ops, view_help_ops, view_trace_ops;

/* Views embed this first. body: where it was last drawn (for the mouse). */
struct view {
	const struct view_ops *ops;
	struct canvas_rect body;
};
/* A new view of size bytes (its struct, which starts with a struct view),
 * zeroed, with its ops set. */
void *view_alloc(size_t size, const struct view_ops *ops);
/* Its ops' release, then the view. */
void view_free(struct view *v);

/* The head of a list view with a filter (the chain, chains and flows
 * views): its filter callback is view_list_filter. */
struct view_list {
	struct view base;
	char filter[128];
	size_t top;              /* first row shown */
	size_t nrows;            /* rows listed (those the filter matches) */
	size_t sel;              /* the selected row */
	int list_y, list_h;      /* where the rows were drawn (for the mouse) */
};

struct view_stack {
	struct view *v[VIEW_STACK_MAX];
	size_t n;
	struct view_ctx ctx;
	struct view_act act;     /* the action the last event returned (with REACT_ACT) */
};

void view_stack_init(struct view_stack *st, struct model *m, const char *netns_label, const char *backend,
		     int family_mode, int interval_ms, const char *theme_name);
void view_stack_free(struct view_stack *st);
void view_stack_push(struct view_stack *st, struct view *v);
void view_stack_pop(struct view_stack *st);
struct view *view_stack_top(const struct view_stack *st);
/* Draw the whole screen (frame and the top view) into c. */
void view_frame_draw(struct view_stack *st, struct canvas *c);
/* Handle one event; returns REACT_* flags (REACT_ACT: st->act says what). */
int view_stack_event(struct view_stack *st, const struct ui_event *ev);
/* A view's return value for an action: act is kept in st->act for the
 * loop; returns REACT_ACT | REACT_REDRAW. */
int view_stack_act(struct view_stack *st, const struct view_act *act);
/* The model was updated. */
void view_stack_tick(struct view_stack *st);
/* Keymap context for the next key. */
unsigned view_stack_keyctx(const struct view_stack *st);
/* feed_want_fn: base chains and the chains of the views in the stack. */
bool view_stack_want(const struct snap_chain *ch, void *arg);
void view_stack_flash(struct view_stack *st, enum slot slot, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Start the prompt for the top view, with its current filter text. */
void view_stack_prompt(struct view_stack *st, const char *initial);
/* Shared by the list views: is action a movement (arrows, wheel, pages,
 * Home/End)? Then *to is the row it asks for (not clamped). */
bool view_list_move(enum ui_action action, size_t sel, size_t nrows, int list_h, long *to);
/* At the right end of a list's summary line (x, y, w wide), when it has a
 * filter: " /ssh: 3 of 40 flows " (what: "flows", or "") unless that
 * takes half the line. */
void view_list_matched(struct canvas *c, int x, int y, int w, const struct view_list *l, size_t matched,
		       size_t of, const char *what);
/* What a click (ev) on a list view hit: the header on the line above its
 * rows, whose columns start at col_x (-1: hidden; a click up to slack
 * columns left of one is on it: numbers sit right-aligned), or a row. */
enum view_click {
	VIEW_CLICK_MISS,   /* nothing there */
	VIEW_CLICK_SORTED, /* the header: *sort is the column clicked (if any) */
	VIEW_CLICK_ROW,    /* another row: *row */
	VIEW_CLICK_OPEN,   /* the selected row again, or a double click: *row */
};
enum view_click view_list_click(const struct view_list *l, const struct ui_event *ev, const int *col_x, int ncols,
				int slack, int *sort, size_t *row);
/* The list's rows are drawn from line y, h lines high (at least one):
 * keeps that for the mouse and scrolls top to the selection. Returns
 * the height. */
int view_list_place(struct view_list *l, int y, int h);
/* n / N in a list whose rows all match its filter: true and the next (dir
 * 1) or previous (-1) row, wrapping, in *to; false without rows, or
 * without a filter (said on the key bar). */
bool view_list_next(struct view_stack *st, const struct view_list *l, int dir, long *to);
/* Row `to` of a list view clamped into its nrows (> 0) rows. */
size_t view_list_clamp(long to, size_t nrows);
/* The next sort column for SORT / SORT_NEXT / SORT_PREV, of count, said on
 * the key bar ("sorted by names[next]"). */
int view_sort_step(struct view_stack *st, int cur, int count, enum ui_action action, const char *const *names);
/* The keys every list view shares, for its action's default case: / asks
 * for filter, s > < step *sort (of count, named names). REACT_REDRAW when
 * it was one of them, REACT_PASS otherwise. */
int view_list_keys(struct view_stack *st, enum ui_action action, const char *filter, int *sort, int count,
		   const char *const *names);
/* The filter callback of a view that starts with a struct view_list: the
 * new text, shown from the first row. */
void view_list_filter(struct view *v, const char *text, struct view_stack *st);
/* Does a view in the stack show flows (feed_conntrack(feed, true))? */
bool view_stack_wants_flows(const struct view_stack *st);
/* The frame (view-frame.c): title, status line, key bar or prompt. */
void view_frame_title(struct view_stack *st, struct canvas *c);
void view_frame_status(struct view_stack *st, struct canvas *c, int y);
void view_frame_keybar(struct view_stack *st, struct canvas *c, int y);

/* ---- the views ---------------------------------------------------------------- */

struct view *view_diagram_new(void);
/* legacy: the iptables-legacy (x_tables) chain, not the nf_tables one. */
struct view *view_chain_new(uint8_t family, const char *table, const char *name, bool legacy);
struct view *view_chains_new(void);
struct view *view_help_new(void);
struct view *view_flows_new(void);
/* One flow's details; key: the flow as it was selected (found again by id,
 * original tuple and zone). */
struct view *view_flow_new(const struct ct_flow *key);
struct view *view_trace_new(void);
/* view-replay.c: a replay's chapter marks (m), Enter jumps to one. */
struct view *view_replay_chapters_new(void);
/* r, {, }, m, M: move a replay, list its chapters, mark one while
 * recording. REACT_PASS for other actions. */
int view_replay_action(struct view_stack *st, const struct ui_event *ev);
/* "1:05" of a recording time. */
void view_replay_fmt_clock(char *buf, size_t n, uint64_t ns);
/* The chapter a replay is in (the last mark before its position), or -1. */
long view_replay_chapter(const struct view_replay *r);
/* The notes for ex over the view below it. */
struct view *view_explain_new(const struct explain_keys *ex);
/* Open the chain view for a chain (of its backend), on top of the stack. */
void view_open_chain(struct view_stack *st, const struct snap_chain *ch);
/* Draw the diagram's frames, tables, arrows and nodes of scene s in body
 * (no selection, no history): for views that show a path on it. */
void view_diagram_draw_scene(struct canvas *c, const struct view_stack *st, const struct scene *s,
			     struct canvas_rect body);
/* The traced packet ctx.trace.sel on the diagram of scene s in body: boxes
 * lit in order, the dropping one red, the routing decision, the reply. */
void view_diagram_path_draw(struct canvas *c, const struct view_stack *st, const struct scene *s,
			    struct canvas_rect body);
/* The selected traced packet, or NULL. */
const struct trace_packet *view_trace_selected(const struct view_stack *st);
/* The feed's trace may hold a new set of packets (a trace started or
 * stopped, a replay moved): a selection that pointed into the old set is
 * dropped. The loop calls it whenever the feed's trace may have changed. */
void view_trace_follow(struct view_trace *tr, const struct model_trace *mt);
/* Step the selected packet's path by dir (-1 back, 1 on; before the
 * first step: the whole path). */
int view_trace_step(struct view_stack *st, int dir);
/* p: play the selected packet hop by hop, then its reply (or stop). */
int view_trace_play(struct view_stack *st);
/* While playing: the next hop when it is due (true: draw again), and the
 * milliseconds until then (-1: not playing). */
bool view_trace_play_tick(struct view_stack *st, uint64_t now_ns);
int view_trace_play_timeout(const struct view_stack *st, uint64_t now_ns);
/* + (dir 1) and - while playing: a shorter or longer hop. */
int view_trace_play_speed(struct view_stack *st, int dir);
/* Are there iptables-legacy chains this trace does not follow (live, no
 * --trace-legacy, the session not tracing them)? Then L offers to. */
bool view_trace_legacy_untraced(const struct view_stack *st);
/* view-trace-keys.c: t, T, L and x from any view (REACT_NONE: not one
 * of them), and the y/n answer to L's question. */
int view_trace_keys_global(struct view_stack *st, enum ui_action a);
int view_trace_keys_legacy(struct view_stack *st, const struct ui_event *ev);
/* The loop's answer to VIEW_ACT_TRACE_PLAN: show plan (what tracing
 * legacy rules changes, collect_nflog_plan()) in the trace view and ask
 * y/n; y asks the loop to restart the trace with legacy rules
 * (VIEW_ACT_TRACE_START, on). */
void view_trace_ask_legacy(struct view_stack *st, const char *plan);


/* ---- shared drawing helpers (view.c) -------------------------------------------- */

/* Counts in at most 4 columns: 0 .. 9999, 12K, 1.2M, 123G. */
void view_fmt_count(char *buf, size_t n, uint64_t v);
/* A rate in at most 4 columns: 0, 0.5, 12, 1234, 12K, 1.2M. */
void view_fmt_rate(char *buf, size_t n, double v);
/* Does the kernel count anything in this chain (a policy counter or a
 * rule with a counter)? If not, its numbers are unknown ("—"), not 0. */
bool view_chain_counted(const struct snap_chain *ch);
/* A column's name right-aligned in w columns of the header row, marked
 * when the list is sorted by it (if there is room): "▼pkts", or "*pkts"
 * on an ASCII canvas (a 'v' would read as part of the word: "vpkt/s"). */
void view_sort_header(struct canvas *c, int x, int y, int w, const char *label, bool sorted, int attr);
/* Heat 0..1 to a slot: SLOT_HEAT1..4, or cold (fallback). */
enum slot view_heat_slot(double heat, enum slot cold);
/* A line of a scrolling list: keep sel visible in rows; returns the new top. */
size_t view_scroll(size_t top, size_t sel, size_t count, size_t rows);
/* Case-insensitive substring (the filter). */
bool view_match(const char *text, const char *pattern);
/* Draw text from column skip on (sideways scroll), at most w columns, with
 * the pattern's matches painted in SLOT_MATCH. Returns the columns drawn. */
int view_text_match(struct canvas *c, int x, int y, int w, const char *text, size_t skip, const char *pattern,
		    enum slot slot, int attr);
/* Paint the pattern's matches in a text drawn by view_text_match. */
void view_paint_matches(struct canvas *c, int x, int y, int drawn, const char *text, size_t skip,
			const char *pattern);
/* Repaint bytes [from, from + n) of a text drawn by view_text_match. */
void view_paint_span(struct canvas *c, int x, int y, int drawn, const char *text, size_t skip, size_t from,
		     size_t n, enum slot slot, int attr);

#endif
