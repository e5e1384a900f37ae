/*
 * ui-theme.c - themes: the built-in default (from the CANVAS_SLOTS
 * X-macro), the strict parser of theme files, the search for a theme by
 * name, and colour downgrading 24-bit -> 256 -> 16 -> 8 -> monochrome.
 * Pure: no curses here (ui-render.c turns a theme into colour pairs), so
 * the tests and main.c's --theme check run without a terminal.
 *
 * File format, one slot per line, '#' starts a comment line:
 *     slot = fg=COLOR,bg=COLOR,bold,underline,reverse,dim
 * COLOR: black red green yellow blue magenta cyan white, bright-NAME,
 * default, 0-255, or #rrggbb. A line gives the slot's whole style; slots
 * a file does not name keep the built-in style.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iptop.h"
#include "ui.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/iptop"
#endif

#define THEME_MAX_SIZE (64 * 1024)

static const char *const color_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright-black", "bright-red", "bright-green", "bright-yellow",
	"bright-blue", "bright-magenta", "bright-cyan", "bright-white",
};

static const char *const cycle[] = { "default", "light", "projector", "mono" };

static const struct {
	const char *name;
	uint8_t bit;
} attr_names[] = {
	{ "bold", CANVAS_BOLD },
	{ "underline", CANVAS_UNDERLINE },
	{ "reverse", CANVAS_REVERSE },
	{ "dim", CANVAS_DIM },
};

static const struct {
	const char *name;
	const char *style;
	const char *mono;
} slot_defaults[SLOT_COUNT] = {
#define THEME_SLOT_DEFAULT(id, name, dump, style, mono) { name, style, mono },
	CANVAS_SLOTS(THEME_SLOT_DEFAULT)
#undef THEME_SLOT_DEFAULT
};

/* ---- colours --------------------------------------------------------------- */

int32_t ui_theme_parse_color(const char *w)
{
	char *end;
	long v;
	int i;

	if (strcmp(w, "default") == 0)
		return THEME_DEFAULT_COLOR;
	for (i = 0; i < 16; i++)
		if (strcmp(w, color_names[i]) == 0)
			return i;
	if (w[0] == '#') {
		if (strlen(w) != 7)
			return -2;
		for (i = 1; i < 7; i++)
			if (!isxdigit((unsigned char)w[i]))
				return -2;
		return THEME_RGB | (int32_t)strtol(w + 1, NULL, 16);
	}
	if (!isdigit((unsigned char)w[0]))
		return -2;
	errno = 0;
	v = strtol(w, &end, 10);
	if (*end || errno || v < 0 || v > 255)
		return -2;
	return (int32_t)v;
}

/* xterm's palette, to measure distances between colours. */
static uint32_t palette_rgb(int i)
{
	static const uint32_t base[16] = {
		0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
		0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
	};
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (i < 16)
		return base[i];
	if (i < 232) {
		i -= 16;
		return (uint32_t)(level[i / 36] << 16 | level[(i / 6) % 6] << 8 | level[i % 6]);
	}
	i = 8 + (i - 232) * 10;
	return (uint32_t)(i << 16 | i << 8 | i);
}

int32_t ui_theme_rgb(int32_t color)
{
	if (color < 0)
		return THEME_DEFAULT_COLOR;
	return (int32_t)(color & THEME_RGB ? (uint32_t)color & 0xffffff : palette_rgb(color));
}

static long rgb_distance(uint32_t a, uint32_t b)
{
	long dr = (long)((a >> 16) & 0xff) - (long)((b >> 16) & 0xff);
	long dg = (long)((a >> 8) & 0xff) - (long)((b >> 8) & 0xff);
	long db = (long)(a & 0xff) - (long)(b & 0xff);

	/* Weighted a little towards green, as eyes are. */
	return 3 * dr * dr + 4 * dg * dg + 2 * db * db;
}

static int nearest(uint32_t rgb, int from, int to)
{
	long best = -1, d;
	int i, bi = from;

	for (i = from; i < to; i++) {
		d = rgb_distance(rgb, palette_rgb(i));
		if (best < 0 || d < best) {
			best = d;
			bi = i;
		}
	}
	return bi;
}

/* Greys have no near hue in 8 or 16 colours: pick by lightness, or a
 * mid grey would become yellow. */
static int grey_index(uint32_t rgb, int ncolors)
{
	int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
	int hi = r > g ? (r > b ? r : b) : (g > b ? g : b), lo = r < g ? (r < b ? r : b) : (g < b ? g : b);
	int lum = (r + g + b) / 3;

	if (hi - lo > 24)
		return -1;
	if (ncolors < 16)
		return lum < 0x40 ? 0 : 7;
	return lum < 0x40 ? 0 : lum < 0xa0 ? 8 : lum < 0xd8 ? 7 : 15;
}

int32_t ui_theme_downgrade(int32_t color, int ncolors)
{
	uint32_t rgb;
	int grey;

	if (color < 0 || ncolors < 8)
		return THEME_DEFAULT_COLOR;
	rgb = color & THEME_RGB ? (uint32_t)color & 0xffffff : palette_rgb(color);
	if (ncolors >= 0x1000000) {
		/* Direct colour: values below 8 still mean the ANSI colours. */
		if (!(color & THEME_RGB) && color < 8)
			return color;
		return rgb < 8 ? 8 : (int32_t)rgb;
	}
	if (!(color & THEME_RGB) && color < ncolors)
		return color;
	if (ncolors >= 256)
		return nearest(rgb, 16, 256);
	grey = grey_index(rgb, ncolors);
	if (grey >= 0)
		return grey;
	if (ncolors >= 16)
		return nearest(rgb, 0, 16);
	return nearest(rgb, 0, 8);
}

/* ---- parsing --------------------------------------------------------------- */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Parse "fg=red,bg=#102030,bold" into *st; message in err on failure. */
static bool parse_style(char *s, struct theme_style *st, char *err, size_t errlen)
{
	bool fg_set = false, bg_set = false;
	char *item, *save;

	st->fg = st->bg = THEME_DEFAULT_COLOR;
	st->attrs = 0;
	for (item = s; item; item = save) {
		char *w, *eq;
		size_t i;

		/* Split by hand: strtok would skip an empty item ("bold,,dim"). */
		save = strchr(item, ',');
		if (save)
			*save++ = '\0';
		w = trim(item);
		eq = strchr(w, '=');

		if (!*w) {
			snprintf(err, errlen, "empty item in style");
			return false;
		}
		if (eq) {
			char *key, *val;
			int32_t c;

			*eq = '\0';
			key = trim(w);
			val = trim(eq + 1);
			if (strcmp(key, "fg") != 0 && strcmp(key, "bg") != 0) {
				snprintf(err, errlen, "unknown key '%s' (want fg or bg)", key);
				return false;
			}
			c = ui_theme_parse_color(val);
			if (c == -2) {
				if (val[0] == '#')
					snprintf(err, errlen, "bad colour '%s' (want #rrggbb)", val);
				else if (isdigit((unsigned char)val[0]))
					snprintf(err, errlen, "colour '%s' out of range (0-255)", val);
				else
					snprintf(err, errlen, "unknown colour '%s'", val);
				return false;
			}
			if (key[0] == 'f') {
				if (fg_set) {
					snprintf(err, errlen, "fg given twice");
					return false;
				}
				fg_set = true;
				st->fg = c;
			} else {
				if (bg_set) {
					snprintf(err, errlen, "bg given twice");
					return false;
				}
				bg_set = true;
				st->bg = c;
			}
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(attr_names); i++)
			if (strcmp(w, attr_names[i].name) == 0)
				break;
		if (i == ARRAY_SIZE(attr_names)) {
			snprintf(err, errlen, "unknown attribute '%s'", w);
			return false;
		}
		st->attrs |= attr_names[i].bit;
	}
	return true;
}

/* Parse lines over *t (which holds the starting styles). */
static int parse_into(struct theme *t, const char *text, const char *file, char **cause)
{
	bool seen[SLOT_COUNT] = { false };
	const char *p = text;
	char err[160];
	int line = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *buf = xstrndup(p, len), *s = trim(buf), *eq, *name, *style;
		int slot;

		line++;
		p += len + (nl ? 1 : 0);
		if (!*s || *s == '#') {
			free(buf);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			*cause = xasprintf("%s:%d: expected 'slot = style'", file, line);
			free(buf);
			return -1;
		}
		*eq = '\0';
		name = trim(s);
		style = trim(eq + 1);
		slot = canvas_slot_by_name(name);
		if (name[strcspn(name, " \t")]) {
			*cause = xasprintf("%s:%d: expected 'slot = style'", file, line);
			free(buf);
			return -1;
		}
		if (slot < 0)
			*cause = xasprintf("%s:%d: unknown slot '%s'", file, line, name);
		else if (seen[slot])
			*cause = xasprintf("%s:%d: slot '%s' set twice", file, line, name);
		else if (!*style)
			*cause = xasprintf("%s:%d: empty style for '%s'", file, line, name);
		else if (!parse_style(style, &t->slot[slot], err, sizeof(err)))
			*cause = xasprintf("%s:%d: %s", file, line, err);
		else {
			seen[slot] = true;
			free(buf);
			continue;
		}
		free(buf);
		return -1;
	}
	return 0;
}

static void parse_builtin_column(struct theme_style *out, bool mono)
{
	char err[160];
	int i;

	for (i = 0; i < SLOT_COUNT; i++) {
		char *s = xstrdup(mono ? slot_defaults[i].mono : slot_defaults[i].style);

		if (!*s) {
			out[i].fg = out[i].bg = THEME_DEFAULT_COLOR;
			out[i].attrs = 0;
		} else if (!parse_style(s, &out[i], err, sizeof(err))) {
			/* A typo in CANVAS_SLOTS; unit-screen catches it. */
			out[i].fg = out[i].bg = THEME_DEFAULT_COLOR;
			out[i].attrs = 0;
		}
		free(s);
	}
}

void ui_theme_builtin(struct theme *t)
{
	static struct theme cache;
	static bool done;

	if (!done) {
		memset(&cache, 0, sizeof(cache));
		snprintf(cache.name, sizeof(cache.name), "default");
		parse_builtin_column(cache.slot, false);
		done = true;
	}
	*t = cache;
}

int ui_theme_parse(struct theme *t, const char *text, const char *file, char **cause)
{
	struct theme tmp;

	ui_theme_builtin(&tmp);
	if (parse_into(&tmp, text, file, cause) < 0)
		return -1;
	snprintf(tmp.name, sizeof(tmp.name), "%s", t->name[0] ? t->name : file);
	*t = tmp;
	return 0;
}

static char *read_file(const char *path, char **cause)
{
	struct strbuf sb;
	char buf[4096];
	size_t n;
	int fd = util_open_regular_file(path, "a theme file", cause);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r");
	if (!f) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		strbuf_addn(&sb, buf, n);
		if (sb.len > THEME_MAX_SIZE) {
			*cause = xasprintf("%s: larger than %d bytes, not a theme", path, THEME_MAX_SIZE);
			fclose(f);
			strbuf_free(&sb);
			return NULL;
		}
	}
	if (ferror(f)) {
		*cause = xasprintf("%s: %s", path, strerror(errno ? errno : EIO));
		fclose(f);
		strbuf_free(&sb);
		return NULL;
	}
	fclose(f);
	if (memchr(sb.s ? sb.s : "", '\0', sb.len)) {
		*cause = xasprintf("%s: binary file, not a theme", path);
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_steal(&sb);
}

static int load_path(struct theme *t, const char *path, const char *name, char **cause)
{
	char *text = read_file(path, cause);
	int r;

	if (!text)
		return -1;
	snprintf(t->name, sizeof(t->name), "%s", name);
	r = ui_theme_parse(t, text, path, cause);
	free(text);
	return r;
}

char *ui_theme_dir(void)
{
	const char *env = getenv("IPTOP_THEMES_DIR"), *tree = util_data_source_tree();

	if (env && *env)
		return xstrdup(env);
	return tree ? xasprintf("%s/themes", tree) : xstrdup(PKGDATADIR "/themes");
}

int ui_theme_load(struct theme *t, const char *name, char **cause)
{
	char *dir, *path;
	int r;

	if (!name || !*name)
		name = "default";
	if (strchr(name, '/'))
		return load_path(t, name, name, cause);
	dir = ui_theme_dir();
	path = xasprintf("%s/%s", dir, name);
	if (access(path, R_OK) == 0) {
		r = load_path(t, path, name, cause);
	} else if (strcmp(name, "default") == 0) {
		ui_theme_builtin(t);
		r = 0;
	} else {
		*cause = xasprintf("theme '%s' not found (looked in %s)", name, dir);
		r = -1;
	}
	free(path);
	free(dir);
	return r;
}

int ui_theme_check(const char *name, char **cause)
{
	struct theme t;

	memset(&t, 0, sizeof(t));
	return ui_theme_load(&t, name, cause);
}

const char *ui_theme_next(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cycle); i++)
		if (name && strcmp(name, cycle[i]) == 0)
			return cycle[(i + 1) % ARRAY_SIZE(cycle)];
	return cycle[0];
}

static void format_color(struct strbuf *sb, int32_t c)
{
	if (c < 0)
		strbuf_add(sb, "default");
	else if (c & THEME_RGB)
		strbuf_addf(sb, "#%06x", (unsigned)(c & 0xffffff));
	else if (c < 16)
		strbuf_add(sb, color_names[c]);
	else
		strbuf_addf(sb, "%d", c);
}

char *ui_theme_format(const struct theme *t)
{
	struct strbuf sb;
	size_t a;
	int i;

	strbuf_init(&sb);
	strbuf_addf(&sb, "# iptop theme: %s\n", t->name);
	for (i = 0; i < SLOT_COUNT; i++) {
		strbuf_addf(&sb, "%-8s = fg=", canvas_slot_name(i));
		format_color(&sb, t->slot[i].fg);
		strbuf_add(&sb, ",bg=");
		format_color(&sb, t->slot[i].bg);
		for (a = 0; a < ARRAY_SIZE(attr_names); a++)
			if (t->slot[i].attrs & attr_names[a].bit)
				strbuf_addf(&sb, ",%s", attr_names[a].name);
		strbuf_addc(&sb, '\n');
	}
	return strbuf_steal(&sb);
}

struct theme_style ui_theme_resolve(const struct theme *t, enum slot s, bool color)
{
	static struct theme_style mono[SLOT_COUNT];
	static bool done;
	struct theme_style st = t->slot[s];

	if (color)
		return st;
	if (!done) {
		parse_builtin_column(mono, true);
		done = true;
	}
	if (st.fg != THEME_DEFAULT_COLOR || st.bg != THEME_DEFAULT_COLOR)
		return mono[s];
	return st;
}
