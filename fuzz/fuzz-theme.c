/*
 * fuzz-theme.c - the theme file parser, ui_theme_parse(), which takes the
 * text (ui_theme_load() only reads the file). A theme that parses must
 * format back to text that parses to the same styles; every slot is then
 * resolved and downgraded for each terminal depth. ui_theme_parse_color()
 * gets the input's first line as a word.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "iptop.h"
#include "ui.h"

static const int depths[] = { 1, 8, 16, 88, 256, 1 << 24 };

int fuzz_theme(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *cause = NULL, *fmt, *word;
	struct theme t, back;
	size_t d;
	int s;

	word = xstrndup(text, strcspn(text, "\n"));
	ui_theme_parse_color(word);
	free(word);
	memset(&t, 0, sizeof(t));
	if (ui_theme_parse(&t, text, "fuzz", &cause) < 0) {
		if (!cause)
			fuzz_fail("ui_theme_parse", "-1 without a cause");
		free(cause);
		free(text);
		return 0;
	}
	fmt = ui_theme_format(&t);
	memset(&back, 0, sizeof(back));
	if (ui_theme_parse(&back, fmt, "formatted", &cause) < 0)
		fuzz_fail("ui_theme_format output does not parse", cause);
	for (s = 0; s < SLOT_COUNT; s++) {
		if (t.slot[s].fg != back.slot[s].fg || t.slot[s].bg != back.slot[s].bg ||
		    t.slot[s].attrs != back.slot[s].attrs)
			fuzz_fail("ui_theme_format round trip", fmt);
		ui_theme_resolve(&t, (enum slot)s, true);
		ui_theme_resolve(&t, (enum slot)s, false);
		for (d = 0; d < ARRAY_SIZE(depths); d++) {
			ui_theme_downgrade(t.slot[s].fg, depths[d]);
			ui_theme_downgrade(t.slot[s].bg, depths[d]);
		}
	}
	free(fmt);
	free(text);
	return 0;
}

#ifndef FUZZ_REGRESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_theme(data, size);
}
#endif
