/*
 * ui-tty.c - the terminal: start and stop curses, decide once whether to
 * draw UTF-8, read keys and mouse events without blocking and translate
 * them into actions through the keymap. SIGWINCH is left to ncurses: the
 * poll() in loop.c wakes with EINTR and the next read yields KEY_RESIZE.
 * Draws nothing (ui-render.c does).
 */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "iptop.h"
#include "ui.h"

static SCREEN *screen;

bool ui_tty_utf8(void)
{
	static int utf8 = -1;

	if (utf8 < 0) {
		const char *cs = nl_langinfo(CODESET);

		utf8 = cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
	}
	return utf8 == 1;
}

bool ui_tty_active(void)
{
	return screen != NULL;
}

int ui_tty_init(const struct ui_tty_opts *o, char **cause)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = xstrdup("not a terminal (iptop -b prints text frames instead)");
		return -1;
	}
	/* Esc alone should act at once, not wait a second for a sequence. */
	set_escdelay(25);
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		const char *term = getenv("TERM");

		*cause = xasprintf("cannot use the terminal (TERM=%s)", term ? term : "unset");
		return -1;
	}
	set_term(screen);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	leaveok(stdscr, TRUE);
	mouseinterval(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	if (has_colors() && !o->no_color) {
		start_color();
		use_default_colors();
	}
	return 0;
}

void ui_tty_fini(void)
{
	if (!screen)
		return;
	mousemask(0, NULL);
	curs_set(1);
	endwin();
	delscreen(screen);
	screen = NULL;
}

void ui_tty_size(int *w, int *h)
{
	int y, x;

	getmaxyx(stdscr, y, x);
	*w = x;
	*h = y;
}

static void read_mouse(struct ui_event *ev)
{
	MEVENT me;

	if (getmouse(&me) != OK)
		return;
	ev->x = me.x;
	ev->y = me.y;
	if (me.bstate & BUTTON4_PRESSED)
		ev->action = UI_ACT_SCROLL_UP;
	else if (me.bstate & BUTTON5_PRESSED)
		ev->action = UI_ACT_SCROLL_DOWN;
	else if (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)) {
		ev->action = UI_ACT_CLICK;
		ev->double_click = (me.bstate & BUTTON1_DOUBLE_CLICKED) != 0;
	}
}

bool ui_tty_read(unsigned ctx, struct ui_event *ev)
{
	wint_t wc;
	int r, key;

	r = wget_wch(stdscr, &wc);
	if (r == ERR)
		return false;
	memset(ev, 0, sizeof(*ev));
	if (r == KEY_CODE_YES) {
		if (wc == KEY_RESIZE) {
			ev->action = UI_ACT_RESIZE;
			return true;
		}
		if (wc == KEY_MOUSE) {
			read_mouse(ev);
			return true;
		}
		key = (int)wc | UI_KEY_FN;
	} else {
		key = (int)wc;
		if ((ctx & UI_CTX_PROMPT) && wc >= 0x20 && wc != 0x7f) {
			ev->action = UI_ACT_TEXT;
			ev->ch = (uint32_t)wc;
			return true;
		}
	}
	ev->action = ui_keymap_lookup(key, ctx);
	return true;
}
