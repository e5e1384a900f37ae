/*
 * unit-theme.c - every shipped theme is legible: the WCAG contrast ratio
 * between each slot's foreground and background, with the terminal's own
 * colours ("default") taken once as black on white and once as white on
 * black. A slot whose two colours are both the theme's own needs 4.5:1
 * (WCAG AA for text); a slot that shows on the terminal's own background
 * (or in its own foreground) needs 3:1 on both terminals, the most one
 * colour can give against white and black alike (4.5:1 on both would
 * need a luminance of 0.175-0.183). Attributes other than reverse are
 * not measured. doc/iptop.8 (THEMES) states the rule.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "iptop.h"
#include "ui.h"
#include "unit.h"

#define TEXT_MIN 4.5
#define ON_TERMINAL_MIN 3.0

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s && *s ? s : ".";
}

static double channel(uint32_t rgb, int shift)
{
	double c = (double)((rgb >> shift) & 0xff) / 255.0;

	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(uint32_t rgb)
{
	return 0.2126 * channel(rgb, 16) + 0.7152 * channel(rgb, 8) + 0.0722 * channel(rgb, 0);
}

static double contrast(uint32_t a, uint32_t b)
{
	double la = luminance(a), lb = luminance(b);

	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* The colours a slot shows on a terminal whose own colours are fg on bg. */
static double slot_contrast(struct theme_style st, uint32_t term_fg, uint32_t term_bg)
{
	uint32_t fg = st.fg < 0 ? term_fg : (uint32_t)ui_theme_rgb(st.fg);
	uint32_t bg = st.bg < 0 ? term_bg : (uint32_t)ui_theme_rgb(st.bg);

	return contrast(fg, bg); /* reverse swaps them: the ratio is the same */
}

static void test_contrast_math(void)
{
	CHECK(fabs(contrast(0x000000, 0xffffff) - 21.0) < 0.01);
	CHECK(fabs(contrast(0x777777, 0xffffff) - 4.48) < 0.01);
	CHECK(fabs(contrast(0xffffff, 0xffffff) - 1.0) < 0.01);
	CHECK_INT(ui_theme_rgb(ui_theme_parse_color("bright-black")), 0x7f7f7f);
	CHECK_INT(ui_theme_rgb(ui_theme_parse_color("#d75f00")), 0xd75f00);
	CHECK_INT(ui_theme_rgb(ui_theme_parse_color("16")), 0x000000);
	CHECK_INT(ui_theme_rgb(ui_theme_parse_color("244")), 0x808080);
	CHECK_INT(ui_theme_rgb(THEME_DEFAULT_COLOR), THEME_DEFAULT_COLOR);
}

static void check_theme(const char *name)
{
	char *path = xasprintf("%s/themes/%s", srcdir(), name), *cause = NULL;
	struct theme t;
	int s;

	memset(&t, 0, sizeof(t));
	CHECK_INT(ui_theme_load(&t, path, &cause), 0);
	if (cause) {
		fprintf(stderr, "  %s\n", cause);
		free(cause);
	}
	for (s = 0; s < SLOT_COUNT; s++) {
		struct theme_style st = t.slot[s];
		bool own = st.fg >= 0 && st.bg >= 0;
		double on_white = slot_contrast(st, 0x000000, 0xffffff);
		double on_black = slot_contrast(st, 0xffffff, 0x000000);
		double want = own ? TEXT_MIN : ON_TERMINAL_MIN;
		double got = on_white < on_black ? on_white : on_black;

		unit_checks++;
		if (got < want) {
			unit_failures++;
			fprintf(stderr, "themes/%s: %s: contrast %.2f on a white terminal, %.2f on a black one (want %.1f)\n",
				name, canvas_slot_name(s), on_white, on_black, want);
		}
		if (getenv("THEME_CONTRAST_VERBOSE"))
			printf("%-10s %-8s %5.2f %5.2f\n", name, canvas_slot_name(s), on_white, on_black);
	}
	free(path);
}

int main(void)
{
	static const char *const themes[] = { "default", "light", "projector", "mono" };
	size_t i;

	test_contrast_math();
	for (i = 0; i < ARRAY_SIZE(themes); i++)
		check_theme(themes[i]);
	return unit_status("unit-theme");
}
