/*
 * ui.h - the dashboard: the entry point main.c calls (loop_run), themes,
 * the keymap, and the terminal side (tty input, rendering the canvas).
 * Declarations only; nothing here pulls in curses, which only src/ui-*.c
 * include. Also the synthetic --demo feed.
 */
#ifndef UI_H
#define UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"

struct ct_flow;
struct ct_table;
struct feed;
struct route_result;
struct snap_ruleset;
struct strbuf;

/* ---- entry points (main.c) ---------------------------------------------- */

struct ui_opts {
	int interval_ms;       /* refresh, default 500 */
	const char *theme;     /* name or path, NULL: "default" */
	bool no_color;         /* --no-color or NO_COLOR */
	int family_mode;       /* 0 both, 4, 6 */
	bool ascii;            /* force ASCII line drawing */
	double glow_time;      /* seconds a hit stays lit; 0: no afterglow */
	/* A snapshot main.c already took (to say what privilege is missing
	 * before the screen starts), or NULL: the model starts from it, so
	 * the first frame reads only the chains on screen again. loop_run
	 * takes it over. */
	struct snap_ruleset *first;
};

/* Run the dashboard on feed until the user quits or INT/TERM/HUP arrives.
 * Does not close the feed. 0 ok, -1 with *cause (allocated). */
int loop_run(struct feed *feed, const struct ui_opts *opts, char **cause);
/* Load and validate a theme name or path without a terminal: for --theme
 * errors before curses starts. */
int ui_theme_check(const char *name_or_path, char **cause);

/* ---- actions and keymap (ui-keymap.c) ----------------------------------- */

/* X(ID, "name"): what a key or a mouse event asks for. */
#define UI_ACTIONS(X) \
	X(NONE, "none") \
	X(QUIT, "quit") \
	X(HELP, "help") \
	X(BACK, "back") \
	X(UP, "up") \
	X(DOWN, "down") \
	X(LEFT, "left") \
	X(RIGHT, "right") \
	X(NEXT, "next") \
	X(PREV, "prev") \
	X(PGUP, "page-up") \
	X(PGDN, "page-down") \
	X(HOME, "home") \
	X(END, "end") \
	X(ENTER, "enter") \
	X(PAUSE, "pause") \
	X(STEP, "step") \
	X(FASTER, "faster") \
	X(SLOWER, "slower") \
	X(FAMILY4, "ipv4") \
	X(FAMILY6, "ipv6") \
	X(FAMILYB, "both") \
	X(CHAINS, "chains") \
	X(DIAGRAM, "diagram") \
	X(FILTER, "filter") \
	X(FIND_NEXT, "find-next") \
	X(FIND_PREV, "find-prev") \
	X(SORT, "sort") \
	X(SORT_PREV, "sort-prev") \
	X(SORT_NEXT, "sort-next") \
	X(BASELINE, "baseline") \
	X(THEME, "theme") \
	X(REPAINT, "repaint") \
	X(CLICK, "click") \
	X(SCROLL_UP, "scroll-up") \
	X(SCROLL_DOWN, "scroll-down") \
	X(TEXT, "text") \
	X(TEXT_DEL, "text-delete") \
	X(ACCEPT, "accept") \
	X(CANCEL, "cancel") \
	X(RESIZE, "resize") \
	X(FLOWS, "flows") \
	X(TRACE, "trace") \
	X(TRACE_STOP, "trace-stop") \
	X(TRACE_VIEW, "trace-view") \
	X(TRACE_LEGACY, "trace-legacy") \
	X(STEP_PREV, "step-back") \
	X(STEP_NEXT, "step") \
	X(EXPLAIN, "explain") \
	X(ZOOM, "zoom") \
	X(BARE, "diagram-only") \
	X(TOTALS, "totals") \
	X(OWN, "own-tables") \
	X(REPLAY_RESTART, "restart") \
	X(SEEK_BACK, "seek-back") \
	X(SEEK_FWD, "seek-forward") \
	X(CHAPTERS, "chapters") \
	X(MARK, "mark") \
	X(OBSERVE, "observe") \
	X(PLAY, "play")

enum ui_action {
#define UI_ACTION_ENUM(id, name) UI_ACT_##id,
	UI_ACTIONS(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
	UI_ACT_COUNT
};

/* Where a key binding applies. */
enum ui_ctx {
	UI_CTX_GLOBAL = 1,
	UI_CTX_DIAGRAM = 2,
	UI_CTX_CHAIN = 4,
	UI_CTX_CHAINS = 8,
	UI_CTX_HELP = 16,
	UI_CTX_PROMPT = 32,
	UI_CTX_FLOWS = 64,
	UI_CTX_FLOW = 128,
	UI_CTX_TRACE = 256,
	UI_CTX_EXPLAIN = 512,
	UI_CTX_CHAPTERS = 1024,
};

struct ui_event {
	enum ui_action action;
	int x, y;          /* CLICK / SCROLL_*: screen cell */
	bool double_click;
	uint32_t ch;       /* TEXT: the character typed */
};

/* Function keys are (KEY_xxx | UI_KEY_FN), so they never clash with a
 * typed character of the same number. */
#define UI_KEY_FN 0x1000000
#define UI_KEY_CTRL(c) ((c) & 0x1f)

struct ui_key {
	int key;
	const char *label;     /* as shown in help: "Tab", "↑", "q" */
	enum ui_action action;
	unsigned ctx;          /* UI_CTX_* bits */
	const char *help;      /* one line for the help screen */
	const char *hint;      /* short word for the key bar, or NULL */
};

const struct ui_key *ui_keymap_table(size_t *n);
/* Action for key in a context (the top view's and UI_CTX_GLOBAL). */
enum ui_action ui_keymap_lookup(int key, unsigned ctx);
const char *ui_keymap_action_name(enum ui_action a);

/* Help lines generated from the table: one section title line per context
 * (keys NULL), then keys merged per action ("↑ k", "move up"). */
struct ui_help_line {
	const char *section;   /* non-NULL: a heading */
	char keys[48];
	const char *text;
};
size_t ui_keymap_help(struct ui_help_line **out);
/* The key bar of a context: up to max (keys, hint) pairs. */
size_t ui_keymap_hints(unsigned ctx, struct ui_help_line *out, size_t max);

/* ---- themes (ui-theme.c, pure: no terminal) ------------------------------ */

#define THEME_DEFAULT_COLOR (-1)
#define THEME_RGB 0x1000000          /* colour | THEME_RGB: 24-bit 0xrrggbb */

struct theme_style {
	int32_t fg, bg;     /* THEME_DEFAULT_COLOR, 0..255, or THEME_RGB | 0xrrggbb */
	uint8_t attrs;      /* CANVAS_BOLD ... */
};

struct theme {
	char name[64];
	struct theme_style slot[SLOT_COUNT];
};

/* The built-in default (from CANVAS_SLOTS). */
void ui_theme_builtin(struct theme *t);
/* Parse theme text over the built-in default; applied to *t only when the
 * whole text is valid. Errors: "file:line: message". */
int ui_theme_parse(struct theme *t, const char *text, const char *file, char **cause);
/* Where themes are looked up by name: $IPTOP_THEMES_DIR, else the
 * source tree's themes/ (an uninstalled iptop), else PKGDATADIR/themes. */
char *ui_theme_dir(void);
/* A name without '/' is looked up in ui_theme_dir() ("default" is also
 * built in); anything with '/' is a path. */
int ui_theme_load(struct theme *t, const char *name_or_path, char **cause);
/* The theme after name in the T cycle (default, light, projector, mono). */
const char *ui_theme_next(const char *name);
/* Theme text in file syntax (what ui_theme_parse reads back). */
char *ui_theme_format(const struct theme *t);
/* Colour for a terminal with ncolors colours (8, 16, 256, or 1 << 24 for
 * direct colour): a palette index, 0xrrggbb when direct, or -1 (default). */
int32_t ui_theme_downgrade(int32_t color, int ncolors);
/* The style drawn: with colour off, a slot that relies on colour takes
 * its built-in monochrome style. */
struct theme_style ui_theme_resolve(const struct theme *t, enum slot s, bool color);
/* Parse one colour word; -2 when invalid. */
int32_t ui_theme_parse_color(const char *word);
/* 0xrrggbb a colour shows as (xterm's palette), THEME_DEFAULT_COLOR for the
 * terminal's own: what the contrast check of the shipped themes measures. */
int32_t ui_theme_rgb(int32_t color);

/* ---- terminal (ui-tty.c, ui-render.c) ------------------------------------ */

struct ui_tty_opts {
	bool ascii;
	bool no_color;
};
/* Start curses on the terminal (cbreak, keypad, mouse, no cursor). */
int ui_tty_init(const struct ui_tty_opts *o, char **cause);
void ui_tty_fini(void);
bool ui_tty_active(void);
/* Decided once from the locale's codeset. */
bool ui_tty_utf8(void);
void ui_tty_size(int *w, int *h);
/* Next pending input without blocking: true and *ev filled (keys are
 * translated with ctx), false when nothing is pending. */
bool ui_tty_read(unsigned ctx, struct ui_event *ev);

struct ui_render;
struct ui_render *ui_render_new(bool color);
void ui_render_free(struct ui_render *r);
/* Map theme slots to curses colour pairs and attributes. */
void ui_render_theme(struct ui_render *r, const struct theme *t);
/* Write the cells that differ from the last frame, then one doupdate().
 * full: repaint everything (Ctrl-L, after a resize). */
void ui_render_frame(struct ui_render *r, const struct canvas *c, bool full);

#endif
