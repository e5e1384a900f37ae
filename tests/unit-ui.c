/*
 * unit-ui.c - the pieces of the screen that need no model: the canvas
 * (text, widths, clipping, junctions, dumps), number formatting, theme
 * files (the shipped ones, a good one, each kind of error as file:line:
 * message, search by name, colour downgrading, monochrome fallback) and
 * the keymap with the help and key bar generated from it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "iptop.h"
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
	const unsigned ctxs[] = { UI_CTX_DIAGRAM, UI_CTX_CHAIN, UI_CTX_CHAINS, UI_CTX_HELP, UI_CTX_PROMPT };
	struct ui_help_line *lines, hints[16];
	const struct ui_key *k;
	size_t n, nl, i, j, c;

	CHECK_INT(ui_keymap_lookup('q', UI_CTX_GLOBAL | UI_CTX_DIAGRAM), UI_ACT_QUIT);
	CHECK_INT(ui_keymap_lookup('q', UI_CTX_GLOBAL | UI_CTX_HELP), UI_ACT_BACK);
	CHECK_INT(ui_keymap_lookup('\t', UI_CTX_GLOBAL | UI_CTX_DIAGRAM), UI_ACT_NEXT);
	CHECK_INT(ui_keymap_lookup('\r', UI_CTX_GLOBAL | UI_CTX_CHAIN), UI_ACT_ENTER);
	CHECK_INT(ui_keymap_lookup('j', UI_CTX_GLOBAL | UI_CTX_CHAIN), UI_ACT_DOWN);
	CHECK_INT(ui_keymap_lookup('/', UI_CTX_GLOBAL | UI_CTX_CHAINS), UI_ACT_FILTER);
	CHECK_INT(ui_keymap_lookup('/', UI_CTX_GLOBAL | UI_CTX_DIAGRAM), UI_ACT_NONE);
	CHECK_INT(ui_keymap_lookup(27, UI_CTX_PROMPT), UI_ACT_CANCEL);
	CHECK_INT(ui_keymap_lookup(27, UI_CTX_GLOBAL | UI_CTX_CHAIN), UI_ACT_BACK);
	CHECK_INT(ui_keymap_lookup('z', UI_CTX_GLOBAL), UI_ACT_BASELINE);
	CHECK_INT(ui_keymap_lookup('T', UI_CTX_GLOBAL), UI_ACT_THEME);
	CHECK_INT(ui_keymap_lookup(UI_KEY_CTRL('l'), UI_CTX_GLOBAL), UI_ACT_REPAINT);
	CHECK_INT(ui_keymap_lookup('x', UI_CTX_GLOBAL), UI_ACT_NONE);
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

int main(void)
{
	test_canvas();
	test_format();
	test_theme();
	test_keymap();
	return unit_status("unit-ui");
}
