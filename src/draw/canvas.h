/*
 * canvas.h - the in-memory screen the views draw into: a grid of cells,
 * each a glyph (a Unicode code point), a theme slot and a few attributes.
 * The renderer diffs two canvases onto the terminal; the tests dump one as
 * text. Also the list of theme slots (one X-macro: the enum, the names,
 * the built-in default and monochrome styles all come from it).
 * No curses here.
 */
#ifndef CANVAS_H
#define CANVAS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Theme slots: X(ID, "name", dump char, "built-in style", "monochrome style").
 * Styles use the theme-file syntax (see ui-theme.c); the built-in default
 * theme is parsed from this column, so iptop runs with no theme installed.
 * The monochrome style is what a slot falls back to when its colours
 * cannot be shown (NO_COLOR, --no-color, a terminal without colours).
 */
#define CANVAS_SLOTS(X) \
	X(NORMAL,   "normal",   ' ', "fg=default,bg=default",        "") \
	X(TITLE,    "title",    'T', "fg=black,bg=cyan",             "reverse") \
	X(STATUS,   "status",   's', "fg=white,bg=blue",             "reverse") \
	X(OK,       "ok",       'o', "fg=bright-green,bg=blue,bold", "reverse,bold") \
	X(WARN,     "warn",     'w', "fg=black,bg=yellow",           "bold,underline") \
	X(ERROR,    "error",    'e', "fg=bright-white,bg=red,bold",  "bold,underline") \
	X(HINT,     "hint",     'h', "fg=default,bg=default",        "") \
	X(KEY,      "key",      'k', "fg=black,bg=cyan",             "reverse") \
	X(BORDER,   "border",   'b', "fg=bright-black",              "") \
	X(ARROW,    "arrow",    'a', "fg=bright-black",              "") \
	X(HOOK,     "hook",     'H', "fg=#0087af,bold",              "bold") \
	X(NODE,     "node",     'N', "fg=default,bold",              "bold") \
	X(LABEL,    "label",    'l', "fg=default",                   "") \
	X(NUMBER,   "number",   'n', "fg=default",                   "") \
	X(DIM,      "dim",      'd', "fg=bright-black",              "dim") \
	X(HEAT1,    "heat1",    '1', "fg=#875f00",                   "") \
	X(HEAT2,    "heat2",    '2', "fg=#af8700",                   "bold") \
	X(HEAT3,    "heat3",    '3', "fg=#af8700,bold",              "bold,underline") \
	X(HEAT4,    "heat4",    '4', "fg=black,bg=#ffd700,bold",     "bold,reverse") \
	X(SELECT,   "select",   'S', "fg=bright-white,bg=blue,bold", "reverse") \
	X(HIT,      "hit",      '!', "fg=#af8700,bold",              "bold") \
	X(HEADER,   "header",   'C', "fg=black,bg=green",            "reverse") \
	X(CRUMB,    "crumb",    'c', "fg=#0087af",                   "underline") \
	X(JUMP,     "jump",     'j', "fg=#0087af",                   "") \
	X(MATCH,    "match",    'm', "fg=black,bg=yellow",           "reverse,underline") \
	X(ACCEPT,   "accept",   'A', "fg=#008700",                   "") \
	X(DROP,     "drop",     'D', "fg=bright-red,bold",           "bold") \
	X(PATH,     "path",     'P', "fg=black,bg=bright-green,bold","reverse,bold") \
	X(REPLY,    "reply",    'R', "fg=black,bg=bright-cyan",      "reverse,underline") \
	X(NAT,      "nat",      'x', "fg=bright-magenta,bold",       "bold,underline") \
	X(NEW,      "new",      '+', "fg=#008700,bold",              "bold")

enum slot {
#define CANVAS_SLOT_ENUM(id, name, dump, style, mono) SLOT_##id,
	CANVAS_SLOTS(CANVAS_SLOT_ENUM)
#undef CANVAS_SLOT_ENUM
	SLOT_COUNT
};

/* Attributes, shared with theme styles. */
enum canvas_attr {
	CANVAS_BOLD = 1,
	CANVAS_UNDERLINE = 2,
	CANVAS_REVERSE = 4,
	CANVAS_DIM = 8,
};

/* Right half of a double-width glyph. */
#define CANVAS_WIDE_CONT 0u

struct canvas_cell {
	uint32_t ch;
	uint8_t slot;
	uint8_t attr;
	uint8_t join;      /* directions of the light line drawn here, for junctions */
};

struct canvas_rect {
	int x, y, w, h;
};

struct canvas {
	int w, h;
	bool ascii;                /* store ASCII stand-ins for every non-ASCII glyph */
	struct canvas_rect clip;   /* drawing outside is dropped */
	struct canvas_cell *cells;
};

/* Box styles for canvas_box(). */
enum canvas_box_style {
	CANVAS_BOX_LIGHT,
	CANVAS_BOX_ROUND,
	CANVAS_BOX_HEAVY,
};

void canvas_init(struct canvas *c, int w, int h, bool ascii);
void canvas_resize(struct canvas *c, int w, int h);
void canvas_free(struct canvas *c);
/* Fill the whole canvas with blanks in slot; reset the clip. */
void canvas_clear(struct canvas *c, enum slot slot);
void canvas_set_clip(struct canvas *c, int x, int y, int w, int h);
void canvas_reset_clip(struct canvas *c);
const struct canvas_cell *canvas_cell(const struct canvas *c, int x, int y);

void canvas_put(struct canvas *c, int x, int y, uint32_t ch, enum slot slot, int attr);
/* Text (UTF-8) from (x, y), at most maxw columns (maxw < 0: to the clip
 * edge). Returns the columns written. */
int canvas_text(struct canvas *c, int x, int y, int maxw, const char *s, enum slot slot, int attr);
/* Like canvas_text but a string that does not fit ends in an ellipsis. */
int canvas_text_fit(struct canvas *c, int x, int y, int maxw, const char *s, enum slot slot, int attr);
/* Text right-aligned so its last column is x + w - 1 (truncated on the left). */
void canvas_text_right(struct canvas *c, int x, int y, int w, const char *s, enum slot slot, int attr);
int canvas_printf(struct canvas *c, int x, int y, int maxw, enum slot slot, int attr, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void canvas_fill(struct canvas *c, int x, int y, int w, int h, uint32_t ch, enum slot slot, int attr);
/* Change the slot (and attrs) of a span without touching its glyphs. */
void canvas_paint(struct canvas *c, int x, int y, int w, enum slot slot, int attr);

/* Line drawing that joins: a line crossing or touching another light line
 * turns the meeting cell into the right junction (├ ┬ ┼ ...). */
void canvas_hline(struct canvas *c, int x, int y, int len, enum slot slot);
void canvas_vline(struct canvas *c, int x, int y, int len, enum slot slot);
void canvas_box(struct canvas *c, int x, int y, int w, int h, enum slot slot, enum canvas_box_style style);

/* Display width of a UTF-8 string (columns), and of one code point. */
int canvas_width(const char *s);
int canvas_glyph_width(uint32_t ch);
/* Decode one UTF-8 sequence; returns bytes used (>= 1), U+FFFD when invalid. */
int canvas_utf8_decode(const char *s, uint32_t *ch);
/* Encode a code point into b (room for 4 bytes); returns the bytes used. */
int canvas_utf8_encode(uint32_t ch, char *b);
/* ASCII stand-in for a glyph (box drawing -> + - |, arrows -> > < ^ v, ...). */
uint32_t canvas_ascii(uint32_t ch);

/* Text of the canvas, one line per row, trailing blanks cut; with
 * CANVAS_DUMP_SLOTS a second grid follows with each cell's slot letter
 * (from CANVAS_SLOTS; blank for SLOT_NORMAL). Allocated. */
#define CANVAS_DUMP_SLOTS 1u
char *canvas_dump(const struct canvas *c, unsigned flags);
const char *canvas_slot_name(enum slot slot);
/* Slot by name, -1 if unknown. */
int canvas_slot_by_name(const char *name);

#endif
