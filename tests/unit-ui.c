/*
 * unit-ui.c - the pieces of the screen that need no model: the canvas
 * (text, widths, clipping, junctions, dumps), number formatting, theme
 * files (the shipped ones, a good one, each kind of error as file:line:
 * message, search by name, colour downgrading, monochrome fallback) and
 * the keymap with the help and key bar generated from it; the chain
 * tree's collapse (the least active subtree goes first).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <linux/netfilter.h>

#include "canvas.h"
#include "explain.h"
#include "iptop.h"
#include "scene.h"
#include "ui.h"
#include "unit.h"
#include "view.h"

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s && *s ? s : ".";
}

static bool has(const char *text, const char *needle)
{
	return strstr(text, needle) != NULL;
}

/* ---- canvas ---------------------------------------------------------------------- */

static void test_canvas(void)
{
	struct canvas c;
	char *d;

	canvas_init(&c, 12, 4, false);
	CHECK_INT(canvas_text(&c, 0, 0, -1, "hello", SLOT_LABEL, 0), 5);
	CHECK_INT(canvas_text_fit(&c, 0, 1, 6, "overflowing", SLOT_LABEL, 0), 6);
	canvas_text_right(&c, 0, 2, 12, "right", SLOT_NUMBER, 0);
	canvas_text(&c, 0, 3, -1, "ab\xe4\xb8\xad" "cd", SLOT_NORMAL, 0); /* a wide glyph takes two cells */
	d = canvas_dump(&c, 0);
	CHECK_STR(d, "hello\noverf\xe2\x80\xa6\n       right\nab\xe4\xb8\xad" "cd\n");
	free(d);
	/* Overwriting half of a wide glyph blanks the other half. */
	canvas_put(&c, 3, 3, 'x', SLOT_NORMAL, 0);
	d = canvas_dump(&c, 0);
	CHECK(has(d, "ab xcd"));
	free(d);

	/* Lines join into junctions; a line end stays an end. */
	canvas_resize(&c, 12, 6);
	canvas_box(&c, 0, 0, 8, 3, SLOT_BORDER, CANVAS_BOX_ROUND);
	canvas_vline(&c, 4, 2, 3, SLOT_ARROW);
	canvas_hline(&c, 4, 4, 6, SLOT_ARROW);
	d = canvas_dump(&c, CANVAS_DUMP_SLOTS);
	CHECK_STR(d, "\xe2\x95\xad\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x95\xae\n"
		     "\xe2\x94\x82      \xe2\x94\x82\n"
		     "\xe2\x95\xb0\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\xac\xe2\x94\x80\xe2\x94\x80\xe2\x95\xaf\n"
		     "    \xe2\x94\x82\n"
		     "    \xe2\x94\x94\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\n"
		     "\n--- slots\nbbbbbbbb\nb      b\nbbbbabbb\n    a\n    aaaaaa\n\n");
	free(d);
	c.ascii = true;
	d = canvas_dump(&c, 0);
	CHECK_STR(d, "+------+\n|      |\n+---+--+\n    |\n    +-----\n\n");
	free(d);

	/* Clipping. */
	canvas_clear(&c, SLOT_NORMAL);
	canvas_set_clip(&c, 2, 1, 3, 1);
	canvas_text(&c, 0, 1, -1, "abcdefgh", SLOT_LABEL, 0);
	canvas_text(&c, 0, 0, -1, "outside", SLOT_LABEL, 0);
	canvas_reset_clip(&c);
	d = canvas_dump(&c, 0);
	CHECK_STR(d, "\n  cde\n\n\n\n\n");
	free(d);
	CHECK_INT(canvas_width("a\xe2\x96\xb6\xe4\xb8\xad"), 4);
	CHECK_INT(canvas_ascii(0x25b6), '>');
	CHECK_INT(canvas_ascii(0x2084), '4');
	canvas_free(&c);
}

static void test_format(void)
{
	char b[16];

	view_fmt_count(b, sizeof(b), 0);
	CHECK_STR(b, "0");
	view_fmt_count(b, sizeof(b), 9999);
	CHECK_STR(b, "9999");
	view_fmt_count(b, sizeof(b), 10000);
	CHECK_STR(b, "10K");
	view_fmt_count(b, sizeof(b), 999499);
	CHECK_STR(b, "999K");
	view_fmt_count(b, sizeof(b), 999500);
	CHECK_STR(b, "1.0M");
	view_fmt_count(b, sizeof(b), 1234567);
	CHECK_STR(b, "1.2M");
	view_fmt_count(b, sizeof(b), 18446744073709551615ull);
	CHECK(strlen(b) <= 4);
	view_fmt_rate(b, sizeof(b), 0);
	CHECK_STR(b, "0");
	view_fmt_rate(b, sizeof(b), 0.5);
	CHECK_STR(b, "0.5");
	view_fmt_rate(b, sizeof(b), 2.0);
	CHECK_STR(b, "2");
	view_fmt_rate(b, sizeof(b), 12.4);
	CHECK_STR(b, "12");
	view_fmt_rate(b, sizeof(b), 123456);
	CHECK_STR(b, "123K");
	CHECK_INT(view_heat_slot(1.0, SLOT_BORDER), SLOT_HEAT4);
	CHECK_INT(view_heat_slot(0.6, SLOT_BORDER), SLOT_HEAT3);
	CHECK_INT(view_heat_slot(0.3, SLOT_BORDER), SLOT_HEAT2);
	CHECK_INT(view_heat_slot(0.1, SLOT_BORDER), SLOT_HEAT1);
	CHECK_INT(view_heat_slot(0.01, SLOT_BORDER), SLOT_BORDER);
	CHECK(view_match("-A INPUT -j DOCKER", "docker"));
	CHECK(!view_match("-A INPUT -j ACCEPT", "docker"));
	CHECK(view_match("anything", ""));
}

/* ---- themes ------------------------------------------------------------------------ */

static void check_theme_error(const char *text, const char *want)
{
	struct theme t;
	char *cause = NULL;

	ui_theme_builtin(&t);
	t.slot[SLOT_TITLE].fg = 5;
	CHECK_INT(ui_theme_parse(&t, text, "bad.theme", &cause), -1);
	CHECK_STR(cause, want);
	if (!cause)
		fprintf(stderr, "  for: %s", text);
	CHECK_INT(t.slot[SLOT_TITLE].fg, 5); /* untouched on error */
	free(cause);
}

static bool same_theme(const struct theme *a, const struct theme *b)
{
	int i;

	for (i = 0; i < SLOT_COUNT; i++)
		if (a->slot[i].fg != b->slot[i].fg || a->slot[i].bg != b->slot[i].bg || a->slot[i].attrs != b->slot[i].attrs) {
			fprintf(stderr, "  slot %s differs\n", canvas_slot_name(i));
			return false;
		}
	return true;
}

static void test_theme(void)
{
	static const char *const files[] = { "default", "mono", "light", "projector" };
	struct theme t, b, u;
	char *cause = NULL, *text, *path;
	size_t i;
	int s;

	/* The built-in styles all parse: each X-macro line is a valid file line. */
	ui_theme_builtin(&b);
	CHECK_STR(b.name, "default");
	CHECK_INT(b.slot[SLOT_TITLE].fg, 0);
	CHECK_INT(b.slot[SLOT_TITLE].bg, 6);
	CHECK_INT(b.slot[SLOT_HEAT4].attrs, CANVAS_BOLD);
	text = ui_theme_format(&b);
	memset(&t, 0, sizeof(t));
	CHECK_INT(ui_theme_parse(&t, text, "formatted", &cause), 0);
	CHECK(same_theme(&t, &b));
	free(text);

	/* The shipped files parse; themes/default is the built-in one. */
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		path = xasprintf("%s/themes/%s", srcdir(), files[i]);
		memset(&t, 0, sizeof(t));
		CHECK_INT(ui_theme_load(&t, path, &cause), 0);
		if (cause) {
			fprintf(stderr, "  %s\n", cause);
			free(cause);
			cause = NULL;
		}
		if (i == 0)
			CHECK(same_theme(&t, &b));
		free(path);
	}
	/* themes/mono is what no colour gives for a colour theme. */
	path = xasprintf("%s/themes/mono", srcdir());
	memset(&t, 0, sizeof(t));
	CHECK_INT(ui_theme_load(&t, path, &cause), 0);
	for (s = 0; s < SLOT_COUNT; s++) {
		struct theme_style a = ui_theme_resolve(&b, (enum slot)s, false), m = ui_theme_resolve(&t, (enum slot)s, false);

		CHECK_INT(m.fg, THEME_DEFAULT_COLOR);
		CHECK_INT(a.attrs, m.attrs);
	}
	free(path);

	/* By name: $IPTOP_THEMES_DIR, then PKGDATADIR; "default" is built in. */
	path = xasprintf("%s/themes", srcdir());
	setenv("IPTOP_THEMES_DIR", path, 1);
	CHECK_INT(ui_theme_check("projector", &cause), 0);
	CHECK_INT(ui_theme_check("nosuchtheme", &cause), -1);
	CHECK(cause && has(cause, "theme 'nosuchtheme' not found"));
	free(cause);
	cause = NULL;
	setenv("IPTOP_THEMES_DIR", "/nonexistent", 1);
	memset(&t, 0, sizeof(t));
	CHECK_INT(ui_theme_load(&t, "default", &cause), 0);
	CHECK(same_theme(&t, &b));
	CHECK_INT(ui_theme_check("/nonexistent/file", &cause), -1);
	CHECK(cause && has(cause, "/nonexistent/file: No such file"));
	free(cause);
	cause = NULL;
	setenv("IPTOP_THEMES_DIR", path, 1);
	free(path);
	CHECK_STR(ui_theme_next("default"), "light");
	CHECK_STR(ui_theme_next("mono"), "default");
	CHECK_STR(ui_theme_next("./my.theme"), "default");

	/* A good file: comments, blank lines, every kind of colour. */
	memset(&u, 0, sizeof(u));
	CHECK_INT(ui_theme_parse(&u,
				 "# comment\n\n  title = fg=#ff8000 , bg=236,bold,underline\n"
				 "heat4=fg=bright-magenta,bg=default,reverse,dim\n"
				 "normal = fg=default\n",
				 "good.theme", &cause),
		  0);
	CHECK_INT(u.slot[SLOT_TITLE].fg, THEME_RGB | 0xff8000);
	CHECK_INT(u.slot[SLOT_TITLE].bg, 236);
	CHECK_INT(u.slot[SLOT_TITLE].attrs, CANVAS_BOLD | CANVAS_UNDERLINE);
	CHECK_INT(u.slot[SLOT_HEAT4].fg, 13);
	CHECK_INT(u.slot[SLOT_HEAT4].attrs, CANVAS_REVERSE | CANVAS_DIM);
	CHECK_INT(u.slot[SLOT_STATUS].bg, b.slot[SLOT_STATUS].bg); /* unnamed slots keep the built-in */

	/* Each kind of error, with file and line. */
	check_theme_error("# ok\ntitle fg=red\n", "bad.theme:2: expected 'slot = style'");
	check_theme_error("titel = fg=red\n", "bad.theme:1: unknown slot 'titel'");
	check_theme_error("title = fg=red\n\ntitle = bold\n", "bad.theme:3: slot 'title' set twice");
	check_theme_error("title =\n", "bad.theme:1: empty style for 'title'");
	check_theme_error("title = fg=pink\n", "bad.theme:1: unknown colour 'pink'");
	check_theme_error("title = fg=#12345\n", "bad.theme:1: bad colour '#12345' (want #rrggbb)");
	check_theme_error("title = bg=#12345g\n", "bad.theme:1: bad colour '#12345g' (want #rrggbb)");
	check_theme_error("title = fg=256\n", "bad.theme:1: colour '256' out of range (0-255)");
	check_theme_error("title = blink\n", "bad.theme:1: unknown attribute 'blink'");
	check_theme_error("title = color=red\n", "bad.theme:1: unknown key 'color' (want fg or bg)");
	check_theme_error("title = fg=red,fg=blue\n", "bad.theme:1: fg given twice");
	check_theme_error("title = fg=red,,bold\n", "bad.theme:1: empty item in style");

	/* Downgrading: 24-bit -> 256 -> 16 -> 8 -> none. */
	CHECK_INT(ui_theme_downgrade(THEME_RGB | 0xff0000, 256), 196);
	CHECK_INT(ui_theme_downgrade(THEME_RGB | 0xff0000, 16), 9);
	CHECK_INT(ui_theme_downgrade(THEME_RGB | 0xff0000, 8), 1);
	CHECK_INT(ui_theme_downgrade(THEME_RGB | 0x123456, 0x1000000), 0x123456);
	CHECK_INT(ui_theme_downgrade(196, 0x1000000), 0xff0000);
	CHECK_INT(ui_theme_downgrade(3, 0x1000000), 3);
	CHECK_INT(ui_theme_downgrade(196, 256), 196);
	CHECK_INT(ui_theme_downgrade(196, 8), 1);
	CHECK_INT(ui_theme_downgrade(8, 8), 7);       /* bright-black is grey, not black */
	CHECK_INT(ui_theme_downgrade(11, 8), 3);
	CHECK_INT(ui_theme_downgrade(244, 16), 8);
	CHECK_INT(ui_theme_downgrade(THEME_DEFAULT_COLOR, 256), THEME_DEFAULT_COLOR);
	CHECK_INT(ui_theme_downgrade(4, 0), THEME_DEFAULT_COLOR);
	/* Without colour a coloured slot takes its monochrome style. */
	CHECK_INT(ui_theme_resolve(&b, SLOT_TITLE, false).attrs, CANVAS_REVERSE);
	CHECK_INT(ui_theme_resolve(&b, SLOT_HEAT4, false).attrs, CANVAS_BOLD | CANVAS_REVERSE);
	CHECK_INT(ui_theme_resolve(&b, SLOT_TITLE, false).fg, THEME_DEFAULT_COLOR);
	CHECK_INT(ui_theme_resolve(&b, SLOT_TITLE, true).bg, 6);
}

/* ---- keymap and help ---------------------------------------------------------------- */

static void test_keymap(void)
{
	const unsigned ctxs[] = { UI_CTX_DIAGRAM, UI_CTX_CHAIN, UI_CTX_CHAINS, UI_CTX_HELP, UI_CTX_PROMPT,
				  UI_CTX_FLOWS, UI_CTX_FLOW, UI_CTX_TRACE, UI_CTX_EXPLAIN };
	struct ui_help_line *lines, hints[16];
	const struct ui_key *k;
	size_t n, nl, i, j, c;

	CHECK_INT(ui_keymap_lookup('q', UI_CTX_GLOBAL | UI_CTX_DIAGRAM), UI_ACT_QUIT);
	CHECK_INT(ui_keymap_lookup('q', UI_CTX_GLOBAL | UI_CTX_HELP), UI_ACT_BACK);
	CHECK_INT(ui_keymap_lookup('\t', UI_CTX_GLOBAL | UI_CTX_DIAGRAM), UI_ACT_NEXT);
	CHECK_INT(ui_keymap_lookup('\r', UI_CTX_GLOBAL | UI_CTX_CHAIN), UI_ACT_ENTER);
	/* Enter whatever the terminal sends: '\n', '\r', the keypad's (KEY_ENTER) */
	CHECK_INT(ui_keymap_lookup('\n', UI_CTX_GLOBAL | UI_CTX_FLOWS), UI_ACT_ENTER);
	CHECK_INT(ui_keymap_lookup(UI_KEY_FN | 0527, UI_CTX_GLOBAL | UI_CTX_TRACE), UI_ACT_ENTER);
	CHECK_INT(ui_keymap_lookup('\r', UI_CTX_GLOBAL | UI_CTX_PROMPT), UI_ACT_ACCEPT);
	CHECK_INT(ui_keymap_lookup('j', UI_CTX_GLOBAL | UI_CTX_CHAIN), UI_ACT_DOWN);
	CHECK_INT(ui_keymap_lookup('/', UI_CTX_GLOBAL | UI_CTX_CHAINS), UI_ACT_FILTER);
	CHECK_INT(ui_keymap_lookup('/', UI_CTX_GLOBAL | UI_CTX_DIAGRAM), UI_ACT_NONE);
	CHECK_INT(ui_keymap_lookup(27, UI_CTX_PROMPT), UI_ACT_CANCEL);
	CHECK_INT(ui_keymap_lookup(27, UI_CTX_GLOBAL | UI_CTX_CHAIN), UI_ACT_BACK);
	CHECK_INT(ui_keymap_lookup('z', UI_CTX_GLOBAL), UI_ACT_BASELINE);
	CHECK_INT(ui_keymap_lookup('T', UI_CTX_GLOBAL), UI_ACT_THEME);
	CHECK_INT(ui_keymap_lookup(UI_KEY_CTRL('l'), UI_CTX_GLOBAL), UI_ACT_REPAINT);
	CHECK_INT(ui_keymap_lookup('x', UI_CTX_GLOBAL), UI_ACT_TRACE_STOP);
	CHECK_INT(ui_keymap_lookup('X', UI_CTX_GLOBAL), UI_ACT_NONE);
	CHECK_INT(ui_keymap_lookup('f', UI_CTX_GLOBAL | UI_CTX_DIAGRAM), UI_ACT_FLOWS);
	CHECK_INT(ui_keymap_lookup('t', UI_CTX_GLOBAL | UI_CTX_CHAIN), UI_ACT_TRACE);
	CHECK_INT(ui_keymap_lookup('e', UI_CTX_GLOBAL | UI_CTX_FLOWS), UI_ACT_EXPLAIN);
	CHECK_INT(ui_keymap_lookup('e', UI_CTX_GLOBAL | UI_CTX_EXPLAIN), UI_ACT_BACK);
	CHECK_INT(ui_keymap_lookup('Z', UI_CTX_GLOBAL), UI_ACT_ZOOM);
	CHECK_INT(ui_keymap_lookup('D', UI_CTX_GLOBAL), UI_ACT_BARE);
	CHECK_INT(ui_keymap_lookup('\r', UI_CTX_GLOBAL | UI_CTX_FLOWS), UI_ACT_ENTER);
	CHECK_INT(ui_keymap_lookup(UI_KEY_FN | 0405, UI_CTX_GLOBAL | UI_CTX_TRACE), UI_ACT_STEP_NEXT); /* KEY_RIGHT */
	CHECK_INT(ui_keymap_lookup(UI_KEY_FN | 0405, UI_CTX_GLOBAL | UI_CTX_DIAGRAM), UI_ACT_RIGHT);
	CHECK_INT(ui_keymap_lookup(']', UI_CTX_GLOBAL | UI_CTX_DIAGRAM), UI_ACT_STEP_NEXT);
	CHECK_INT(ui_keymap_lookup('s', UI_CTX_GLOBAL | UI_CTX_FLOWS), UI_ACT_SORT);
	CHECK_INT(ui_keymap_lookup('/', UI_CTX_GLOBAL | UI_CTX_FLOWS), UI_ACT_FILTER);
	CHECK_STR(ui_keymap_action_name(UI_ACT_BASELINE), "baseline");

	/* Within one context a key means one thing. */
	k = ui_keymap_table(&n);
	for (c = 0; c < ARRAY_SIZE(ctxs); c++) {
		unsigned ctx = ctxs[c] | (ctxs[c] == UI_CTX_PROMPT ? 0 : UI_CTX_GLOBAL);

		for (i = 0; i < n; i++) {
			if (!k[i].key || !(k[i].ctx & ctx))
				continue;
			for (j = i + 1; j < n; j++)
				if (k[j].key == k[i].key && (k[j].ctx & ctxs[c]) && (k[i].ctx & ctxs[c]) &&
				    k[j].action != k[i].action) {
					fprintf(stderr, "  key %s bound twice in context %u\n", k[i].label, ctxs[c]);
					unit_failures++;
				}
		}
	}

	/* The help has every binding: each key's label next to its help text. */
	nl = ui_keymap_help(&lines);
	for (i = 0; i < n; i++) {
		bool found = false;

		for (j = 0; j < nl && !found; j++)
			found = !lines[j].section && lines[j].text == k[i].help && has(lines[j].keys, k[i].label);
		CHECK(found);
		if (!found)
			fprintf(stderr, "  help lacks %s (%s)\n", k[i].label, k[i].help);
	}
	CHECK_STR(lines[0].section, "Everywhere");
	free(lines);

	/* The key bar of the diagram offers help and quit. */
	n = ui_keymap_hints(UI_CTX_GLOBAL | UI_CTX_DIAGRAM, hints, ARRAY_SIZE(hints));
	CHECK(n >= 4);
	CHECK_STR(hints[0].keys, "Tab");
	for (i = 0, j = 0; i < n; i++)
		j += strcmp(hints[i].text, "help") == 0 || strcmp(hints[i].text, "quit") == 0;
	CHECK_INT(j, 2);
	n = ui_keymap_hints(UI_CTX_GLOBAL | UI_CTX_DIAGRAM, hints, ARRAY_SIZE(hints));
	for (i = 0; i < n; i++)
		if (strcmp(hints[i].text, "family") == 0)
			CHECK_STR(hints[i].keys, "4/6/b");
}

/* ---- notes (explain.c) ------------------------------------------------------------- */

static void check_notes_error(const char *text, const char *want)
{
	struct explain e;
	char *cause = NULL;

	memset(&e, 0, sizeof(e));
	CHECK_INT(explain_parse(&e, text, "bad.txt", &cause), -1);
	CHECK_STR(cause, want);
	CHECK_INT(e.n, 0);
	free(cause);
}

/* The keys a rule calls for, joined by spaces. */
static char *rule_keys(const char *text, bool counted)
{
	struct explain_keys k;
	struct strbuf sb;
	size_t i;

	memset(&k, 0, sizeof(k));
	explain_keys_rule(&k, text, counted);
	strbuf_init(&sb);
	strbuf_add(&sb, "");
	for (i = 0; i < k.n; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", k.keys[i]);
	return strbuf_steal(&sb);
}

#define CHECK_KEYS(text, counted, want) do { \
	char *got_ = rule_keys(text, counted); \
	CHECK_STR(got_, want); \
	free(got_); \
} while (0)

static void test_notes(void)
{
	static const char *const required[] = {
		"hook:prerouting", "hook:input", "hook:forward", "hook:output", "hook:postrouting", "table:raw",
		"table:mangle", "table:nat", "table:filter", "chain:DOCKER-USER", "chain:DOCKER-ISOLATION-STAGE-1",
		"chain:DOCKER-ISOLATION-STAGE-2", "target:MASQUERADE", "match:ctstate-related-established",
		"policy:n/a", "state:not-instantiated", "rule:uncounted", "flow:snat", "flow:dnat", "flow:both",
		"state:unreplied", "state:assured", "trace:nat-first-packet", "flow:acct-off",
	};
	struct explain e, keep;
	const struct explain_note *n;
	char *cause = NULL, *path;
	size_t i;

	memset(&e, 0, sizeof(e));
	CHECK_INT(explain_parse(&e,
				"# notes\n\n[hook:input table:x] Input\nfirst line\n  second line  \n\nnext para\n"
				"[chain:DOCKER-USER] Yours\r\ntext\n",
				"good.txt", &cause),
		  0);
	CHECK_INT(e.n, 2);
	n = explain_find(&e, "TABLE:X");
	CHECK(n && n == explain_find(&e, "hook:input"));
	CHECK_STR(n ? n->title : NULL, "Input");
	CHECK_STR(n ? n->text : NULL, "first line second line\nnext para");
	CHECK_INT(n ? n->line : 0, 3);
	CHECK_STR(explain_find(&e, "chain:DOCKER-USER")->text, "text");
	CHECK(!explain_find(&e, "chain:DOCKER"));

	/* Each kind of error, with file and line; the old notes stay. */
	keep = e;
	check_notes_error("text first\n", "bad.txt:1: text before the first [KIND:NAME] heading");
	check_notes_error("[hook:input Title\n", "bad.txt:1: unterminated heading (missing ']')");
	check_notes_error("[] Title\ntext\n", "bad.txt:1: empty heading: [KIND:NAME ...] Title");
	check_notes_error("[hook] Title\ntext\n",
			  "bad.txt:1: bad key 'hook' (want KIND:NAME of letters, digits and - _ . / , : +)");
	check_notes_error("[hook:in$put] Title\ntext\n",
			  "bad.txt:1: bad key 'hook:in$put' (want KIND:NAME of letters, digits and - _ . / , : +)");
	check_notes_error("[a:b]\ntext\n", "bad.txt:1: no title after [a:b]");
	check_notes_error("[a:b] T\ntext\n\n[c:d A:B] U\ntext\n", "bad.txt:4: key 'A:B' given twice (first at line 1)");
	check_notes_error("[a:b] T\n\n# nothing\n[c:d] U\ntext\n", "bad.txt:1: note [a:b] has no text");
	check_notes_error("[a:b] T\ntext\n[c:d] U\n", "bad.txt:3: note [c:d] has no text");
	check_notes_error("# only comments\n", "bad.txt:1: no notes in this file");
	check_notes_error("[a:b] T\n  [c:d] U\n", "bad.txt:2: a heading starts in the first column");
	check_notes_error("[a:b] T\nbell\a\n", "bad.txt:2: control character 0x07 in text");
	CHECK_INT(explain_parse(&e, "oops\n", "bad.txt", &cause), -1);
	free(cause);
	cause = NULL;
	CHECK(e.notes == keep.notes && e.n == 2);
	explain_free(&e);

	/* The shipped notes: valid, and there is a note for each thing 'e' explains. */
	path = xasprintf("%s/doc", srcdir());
	setenv("IPTOP_DATA_DIR", path, 1);
	free(path);
	CHECK_INT(explain_load(&e, &cause), 0);
	if (cause)
		fprintf(stderr, "  %s\n", cause);
	for (i = 0; i < ARRAY_SIZE(required); i++) {
		CHECK(explain_find(&e, required[i]) != NULL);
		if (!explain_find(&e, required[i]))
			fprintf(stderr, "  no note for %s\n", required[i]);
	}
	CHECK(has(explain_find(&e, "target:MASQUERADE")->text, "once per connection"));
	explain_free(&e);
	/* Missing: a message, not a crash. */
	setenv("IPTOP_DATA_DIR", "/nonexistent", 1);
	free(cause);
	cause = NULL;
	if (access(PKGDATADIR "/" EXPLAIN_FILE, F_OK) != 0) {
		CHECK_INT(explain_load(&e, &cause), -1);
		CHECK(cause && has(cause, "no notes installed"));
	}
	free(cause);

	/* The right note for a rule. */
	CHECK_KEYS("-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", true,
		   "match:ctstate-related-established target:ACCEPT");
	CHECK_KEYS("-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT", true,
		   "match:ctstate-related-established target:ACCEPT");
	CHECK_KEYS("ct state { established, related } accept", false,
		   "match:ctstate-related-established rule:uncounted target:ACCEPT");
	CHECK_KEYS("ct state established,related counter accept", true, "match:ctstate-related-established target:ACCEPT");
	CHECK_KEYS("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", true, "target:MASQUERADE");
	CHECK_KEYS("-A FORWARD -j DOCKER-USER", true, "chain:DOCKER-USER target:jump");
	CHECK_KEYS("-A FORWARD -g DOCKER-FORWARD", true, "chain:DOCKER-FORWARD target:goto");
	CHECK_KEYS("-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", true,
		   "match:addrtype-local chain:DOCKER target:jump");
	CHECK_KEYS("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80", true,
		   "target:DNAT");
	CHECK_KEYS("iifname \"eth0\" counter goto filter_IN_public", true, "chain:filter_IN_public target:goto");
	CHECK_KEYS("-A INPUT -m comment --comment \"-j DROP here\" -j ACCEPT", true, "target:ACCEPT");
	CHECK_KEYS("meta l4proto tcp masquerade", false, "target:MASQUERADE rule:uncounted");
	CHECK_KEYS("fib daddr type local counter jump DOCKER", true, "match:addrtype-local chain:DOCKER target:jump");
	CHECK_KEYS("", true, "");
}

/* A chain and its one rule, jumping to `to` (NULL: none). */
static void mk_chain(struct snap_chain *ch, const char *name, bool base, const char *to)
{
	ch->family = NFPROTO_IPV4;
	ch->table = xstrdup("filter");
	ch->name = xstrdup(name);
	ch->base = base;
	ch->hook = base ? NF_INET_FORWARD : -1;
	ch->policy = base ? NF_ACCEPT : -1;
	ch->type = base ? xstrdup("filter") : NULL;
	ch->instantiated = true;
	if (!to)
		return;
	ch->nrules = 1;
	ch->rules = xcalloc(1, sizeof(*ch->rules));
	ch->rules[0].handle = 1;
	ch->rules[0].target_chain = xstrdup(to);
}

/* Is chain c's row on the diagram? */
static bool sub_shown(const struct scene *s, size_t c)
{
	size_t i;

	for (i = 0; i < s->nsubs; i++)
		if (s->subs[i].chain == c && s->subs[i].r.w > 0)
			return true;
	return false;
}

/* FORWARD jumps to A and B, each jumping on to one more chain: four tree
 * rows. Where only three fit, one subtree collapses into "+2 more": the
 * one whose chains were hit least recently, whichever comes first. */
static void test_collapse(void)
{
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	/* 0 FORWARD, 1 A, 2 A2, 3 B, 4 B2 */
	uint64_t b_hot[5] = { 9, 0, 0, 5, 0 }, a_hot[5] = { 9, 0, 7, 0, 0 };
	struct scene s;
	bool found = false;
	int h;

	rs->nchains = 5;
	rs->chains = xcalloc(rs->nchains, sizeof(*rs->chains));
	mk_chain(&rs->chains[0], "FORWARD", true, NULL);
	rs->chains[0].nrules = 2;
	rs->chains[0].rules = xcalloc(2, sizeof(struct snap_rule));
	rs->chains[0].rules[0].handle = 1;
	rs->chains[0].rules[0].target_chain = xstrdup("A");
	rs->chains[0].rules[1].handle = 2;
	rs->chains[0].rules[1].target_chain = xstrdup("B");
	mk_chain(&rs->chains[1], "A", false, "A2");
	mk_chain(&rs->chains[2], "A2", false, NULL);
	mk_chain(&rs->chains[3], "B", false, "B2");
	mk_chain(&rs->chains[4], "B2", false, NULL);
	rs->genid = 1;

	scene_layout_init(&s);
	for (h = 12; h < 40 && !found; h++) {
		scene_layout_update_active(&s, rs, 0, 100, h, false, b_hot, 5);
		if (s.style == SCENE_LIST || s.collapsed != 1)
			continue;
		found = true;
		/* B was hit, A not: A and A2 go, B and B2 stay. */
		CHECK(!sub_shown(&s, 1) && !sub_shown(&s, 2));
		CHECK(sub_shown(&s, 3) && sub_shown(&s, 4));
		CHECK(s.items[0].shown_subs == 3);
		/* A2 is hit now (a chain deeper in A's subtree counts for it):
		 * the choice turns over without any change of topology. */
		CHECK(scene_layout_update_active(&s, rs, 0, 100, h, false, a_hot, 5));
		CHECK(sub_shown(&s, 1) && sub_shown(&s, 2));
		CHECK(!sub_shown(&s, 3) && !sub_shown(&s, 4));
		/* The same activity again: nothing to redo. */
		CHECK(!scene_layout_update_active(&s, rs, 0, 100, h, false, a_hot, 5));
	}
	CHECK(found);
	/* Tall enough: every chain open, nothing collapsed. */
	scene_layout_update_active(&s, rs, 0, 100, 60, false, b_hot, 5);
	CHECK(s.collapsed == 0 && sub_shown(&s, 1) && sub_shown(&s, 2) && sub_shown(&s, 3) && sub_shown(&s, 4));
	scene_layout_free(&s);
	snapshot_ruleset_free(rs);
}

int main(void)
{
	test_canvas();
	test_format();
	test_theme();
	test_keymap();
	test_notes();
	test_collapse();
	return unit_status("unit-ui");
}
