/*
 * ui-keymap.c - the one table of key bindings: which key does what in
 * which context, with the line the help screen shows and the word the key
 * bar shows. The help screen and the key bar are generated from it, so
 * they cannot drift from what the keys do. Translates keys to actions;
 * does not act on them (views do, see view.c).
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "iptop.h"
#include "ui.h"

#define FN(k) ((k) | UI_KEY_FN)
#define G UI_CTX_GLOBAL
#define DG UI_CTX_DIAGRAM
#define CH UI_CTX_CHAIN
#define CL UI_CTX_CHAINS
#define FL UI_CTX_FLOWS
#define FD UI_CTX_FLOW
#define TR UI_CTX_TRACE
#define EX UI_CTX_EXPLAIN
#define CP UI_CTX_CHAPTERS
#define LS (UI_CTX_CHAIN | UI_CTX_CHAINS | UI_CTX_FLOWS)
#define HP UI_CTX_HELP
#define PR UI_CTX_PROMPT
#define MV (LS | HP | TR | EX | FD | CP)   /* lists and pages that move or scroll */

/* Context-specific bindings come before global ones: the first match wins. */
static const struct ui_key keymap[] = {
	/* the diagram */
	{ '\t', "Tab", UI_ACT_NEXT, DG, "select the next box, in the order packets flow", "select" },
	{ FN(KEY_BTAB), "S-Tab", UI_ACT_PREV, DG, "select the previous box", NULL },
	{ FN(KEY_UP), "↑", UI_ACT_UP, DG, "select the box above / left / right / below", NULL },
	{ FN(KEY_LEFT), "←", UI_ACT_LEFT, DG, "select the box above / left / right / below", NULL },
	{ FN(KEY_RIGHT), "→", UI_ACT_RIGHT, DG, "select the box above / left / right / below", NULL },
	{ FN(KEY_DOWN), "↓", UI_ACT_DOWN, DG, "select the box above / left / right / below", NULL },
	{ '\n', "Enter", UI_ACT_ENTER, DG, "open the selected chain", "open" },
	{ 0, "click", UI_ACT_CLICK, DG, "open the chain under the mouse", NULL },
	{ 'p', "p", UI_ACT_PLAY, DG | TR, "play the chosen traced packet hop by hop on the diagram, then its reply "
	  "(+ - speed, p again stops)", "play" },
	{ '[', "[", UI_ACT_STEP_PREV, DG | TR, "step back / forward along the traced packet's path", NULL },
	{ ']', "]", UI_ACT_STEP_NEXT, DG | TR, "step back / forward along the traced packet's path", NULL },

	/* a chain's rules */
	{ '\n', "Enter", UI_ACT_ENTER, CH, "follow the selected rule's jump or goto", "follow" },
	{ FN(KEY_LEFT), "←", UI_ACT_LEFT, CH, "scroll long rules sideways", NULL },
	{ FN(KEY_RIGHT), "→", UI_ACT_RIGHT, CH, "scroll long rules sideways", NULL },

	/* the list of chains */
	{ '\n', "Enter", UI_ACT_ENTER, CL, "open the selected chain", "open" },

	/* the flows (conntrack) */
	{ '\n', "Enter", UI_ACT_ENTER, FL, "the selected connection in detail, with its routing decision", "details" },

	/* the traced packets */
	{ FN(KEY_LEFT), "←", UI_ACT_STEP_PREV, TR, "step back / forward along the traced packet's path", NULL },
	{ FN(KEY_RIGHT), "→", UI_ACT_STEP_NEXT, TR, "step back / forward along the traced packet's path", NULL },
	{ '\n', "Enter", UI_ACT_ENTER, TR, "show the selected packet's path on the diagram", "diagram" },
	{ 'L', "L", UI_ACT_TRACE_LEGACY, TR,
	  "trace iptables-legacy rules too (says what it changes in nf_log, asks y/n)", NULL },

	/* a replay's chapters */
	{ '\n', "Enter", UI_ACT_ENTER, CP, "jump to the selected chapter", "jump" },

	/* a note */
	{ 'q', "q", UI_ACT_BACK, EX, "close the note", "close" },
	{ 'e', "e", UI_ACT_BACK, EX, "close the note", NULL },

	/* lists */
	{ FN(KEY_UP), "↑", UI_ACT_UP, MV, "move up / down", NULL },
	{ 'k', "k", UI_ACT_UP, MV, "move up / down", NULL },
	{ FN(KEY_DOWN), "↓", UI_ACT_DOWN, MV, "move up / down", NULL },
	{ 'j', "j", UI_ACT_DOWN, MV, "move up / down", NULL },
	{ FN(KEY_PPAGE), "PgUp", UI_ACT_PGUP, MV, "page up / down", NULL },
	{ FN(KEY_NPAGE), "PgDn", UI_ACT_PGDN, MV, "page up / down", NULL },
	{ FN(KEY_HOME), "Home", UI_ACT_HOME, MV, "first / last line", NULL },
	{ 'g', "g", UI_ACT_HOME, MV, "first / last line", NULL },
	{ FN(KEY_END), "End", UI_ACT_END, MV, "first / last line", NULL },
	{ 'G', "G", UI_ACT_END, MV, "first / last line", NULL },
	{ '/', "/", UI_ACT_FILTER, LS, "filter by text (Enter keeps it, Esc drops it)", "filter" },
	{ FN(KEY_F(3)), "F3", UI_ACT_FILTER, LS, "filter by text (Enter keeps it, Esc drops it)", NULL },
	{ FN(KEY_F(4)), "F4", UI_ACT_FILTER, LS, "filter by text (Enter keeps it, Esc drops it)", NULL },
	{ 'n', "n", UI_ACT_FIND_NEXT, LS, "next / previous line that matches the filter", NULL },
	{ 'N', "N", UI_ACT_FIND_PREV, LS, "next / previous line that matches the filter", NULL },
	{ 's', "s", UI_ACT_SORT, LS, "sort by the next column", "sort" },
	{ FN(KEY_F(6)), "F6", UI_ACT_SORT, LS, "sort by the next column", NULL },
	{ '>', ">", UI_ACT_SORT_NEXT, LS, "next / previous sort column", NULL },
	{ '<', "<", UI_ACT_SORT_PREV, LS, "next / previous sort column", NULL },
	{ 0, "click", UI_ACT_CLICK, LS, "select a line; click it again to open it", NULL },
	{ 0, "wheel", UI_ACT_SCROLL_DOWN, LS | HP | TR, "scroll", NULL },

	/* the help screen */
	{ 'q', "q", UI_ACT_BACK, HP, "close the help", "close" },
	{ '?', "?", UI_ACT_BACK, HP, "close the help", NULL },
	{ 'h', "h", UI_ACT_BACK, HP, "close the help", NULL },

	/* typing a filter */
	{ '\n', "Enter", UI_ACT_ACCEPT, PR, "keep the filter (at the trace prompt: start tracing)", "done" },
	{ 27, "Esc", UI_ACT_CANCEL, PR, "drop the filter (t on an empty trace prompt too)", "cancel" },
	{ FN(KEY_BACKSPACE), "Bksp", UI_ACT_TEXT_DEL, PR, "delete a character", NULL },
	{ 127, "Bksp", UI_ACT_TEXT_DEL, PR, "delete a character", NULL },
	{ 8, "Bksp", UI_ACT_TEXT_DEL, PR, "delete a character", NULL },

	/* everywhere */
	{ 27, "Esc", UI_ACT_BACK, G, "back along the breadcrumb (also closes help)", NULL },
	{ FN(KEY_BACKSPACE), "Bksp", UI_ACT_BACK, G, "back along the breadcrumb (also closes help)", "back" },
	{ 127, "Bksp", UI_ACT_BACK, G, "back along the breadcrumb (also closes help)", NULL },
	{ 8, "Bksp", UI_ACT_BACK, G, "back along the breadcrumb (also closes help)", NULL },
	{ 'f', "f", UI_ACT_FLOWS, G, "connections: the conntrack flows (f again goes back)", "flows" },
	{ FN(KEY_F(5)), "F5", UI_ACT_FLOWS, G, "connections: the conntrack flows (f again goes back)", NULL },
	{ 't', "t", UI_ACT_TRACE, G, "trace packets matching iptables words (-p icmp -s 10.0.0.2)", "trace" },
	{ FN(KEY_F(7)), "F7", UI_ACT_TRACE_VIEW, G, "the traced packets", NULL },
	{ 'x', "x", UI_ACT_TRACE_STOP, G, "stop tracing (iptop's trace table goes away)", NULL },
	{ 'e', "e", UI_ACT_EXPLAIN, G, "explain the selected hook, table, chain, rule or flow", "explain" },
	{ 'c', "c", UI_ACT_CHAINS, G, "list all chains with their references", "chains" },
	{ 'd', "d", UI_ACT_DIAGRAM, G, "back to the diagram", NULL },
	{ FN(KEY_F(2)), "F2", UI_ACT_DIAGRAM, G, "back to the diagram", NULL },
	{ 'Z', "Z", UI_ACT_ZOOM, G, "zoom: a bigger diagram with fewer details (for a projector)", NULL },
	{ 'D', "D", UI_ACT_BARE, G, "only the diagram, no bars (D again brings them back)", NULL },
	{ '4', "4", UI_ACT_FAMILY4, G, "IPv4 only / IPv6 only / both (inet chains always)", "family" },
	{ '6', "6", UI_ACT_FAMILY6, G, "IPv4 only / IPv6 only / both (inet chains always)", "family" },
	{ 'b', "b", UI_ACT_FAMILYB, G, "IPv4 only / IPv6 only / both (inet chains always)", "family" },
	{ 'z', "z", UI_ACT_BASELINE, G, "baseline: count from now on (z again: a new baseline)", "zero" },
	{ 'K', "K", UI_ACT_TOTALS, G, "drop the baseline: the kernel's totals again", NULL },
	{ 'o', "o", UI_ACT_OBSERVE, G, "observe hooks: count packets entering each hook (iptop's own table "
	  "inet iptop_observe; o again removes it)", NULL },
	{ 'i', "i", UI_ACT_OWN, G, "show / hide iptop's own tables (iptop_trace: drawn dim)", NULL },
	{ ' ', "Space", UI_ACT_PAUSE, G, "pause / resume", "pause" },
	{ '.', ".", UI_ACT_STEP, G, "one step while paused (the next frame of a replay)", NULL },
	{ '+', "+", UI_ACT_FASTER, G, "refresh faster / slower", NULL },
	{ '=', "=", UI_ACT_FASTER, G, "refresh faster / slower", NULL },
	{ '-', "-", UI_ACT_SLOWER, G, "refresh faster / slower", NULL },
	{ 'r', "r", UI_ACT_REPLAY_RESTART, G, "replay: start again from the beginning", NULL },
	{ '{', "{", UI_ACT_SEEK_BACK, G, "replay: back / forward a tenth of the recording", NULL },
	{ '}', "}", UI_ACT_SEEK_FWD, G, "replay: back / forward a tenth of the recording", NULL },
	{ 'm', "m", UI_ACT_CHAPTERS, G, "replay: its chapter marks (Enter jumps to one)", NULL },
	{ 'M', "M", UI_ACT_MARK, G, "recording (--record): mark a chapter here", NULL },
	{ 'T', "T", UI_ACT_THEME, G, "next theme: default, light, projector, mono", "theme" },
	{ UI_KEY_CTRL('l'), "^L", UI_ACT_REPAINT, G, "repaint the screen", NULL },
	{ '?', "?", UI_ACT_HELP, G, "this help", "help" },
	{ 'h', "h", UI_ACT_HELP, G, "this help", NULL },
	{ FN(KEY_F(1)), "F1", UI_ACT_HELP, G, "this help", NULL },
	{ 'q', "q", UI_ACT_QUIT, G, "quit", "quit" },
	{ 'Q', "Q", UI_ACT_QUIT, G, "quit", NULL },
	{ FN(KEY_F(10)), "F10", UI_ACT_QUIT, G, "quit", NULL },
};

static const char *const action_names[UI_ACT_COUNT] = {
#define UI_ACTION_NAME(id, name) name,
	UI_ACTIONS(UI_ACTION_NAME)
#undef UI_ACTION_NAME
};

const struct ui_key *ui_keymap_table(size_t *n)
{
	*n = ARRAY_SIZE(keymap);
	return keymap;
}

const char *ui_keymap_action_name(enum ui_action a)
{
	return a < UI_ACT_COUNT ? action_names[a] : "?";
}

enum ui_action ui_keymap_lookup(int key, unsigned ctx)
{
	size_t i;

	if (key == 0)
		return UI_ACT_NONE;
	/* Enter is '\n', '\r' or the keypad's key, depending on the terminal:
	 * the table has it once, as '\n'. */
	if (key == '\r' || key == FN(KEY_ENTER))
		key = '\n';
	for (i = 0; i < ARRAY_SIZE(keymap); i++)
		if (keymap[i].key == key && (keymap[i].ctx & ctx))
			return keymap[i].action;
	return UI_ACT_NONE;
}

static const struct {
	unsigned ctx;
	const char *title;
} sections[] = {
	{ UI_CTX_GLOBAL, "Everywhere" },
	{ UI_CTX_DIAGRAM, "The diagram" },
	{ UI_CTX_CHAIN, "A chain's rules" },
	{ UI_CTX_CHAINS, "The list of chains" },
	{ UI_CTX_FLOWS, "Connections (conntrack flows)" },
	{ UI_CTX_TRACE, "Traced packets" },
	{ UI_CTX_EXPLAIN, "A note (e)" },
	{ UI_CTX_CHAPTERS, "A replay's chapters (m)" },
	{ UI_CTX_PROMPT, "Typing a filter" },
	{ UI_CTX_HELP, "This help" },
};

/* Append label to keys unless it is there already (F3 and F4 share a line with /). */
static void add_key_label(char *keys, size_t size, const char *label)
{
	const char *p = keys;
	size_t n = strlen(label);

	while ((p = strstr(p, label)) != NULL) {
		if ((p == keys || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return;
		p += n;
	}
	if (strlen(keys) + n + 2 > size)
		return;
	if (*keys)
		strcat(keys, " ");
	strcat(keys, label);
}

size_t ui_keymap_help(struct ui_help_line **out)
{
	struct ui_help_line *v = xcalloc(ARRAY_SIZE(keymap) + ARRAY_SIZE(sections) + 1, sizeof(*v));
	size_t n = 0, s, i, j;

	for (s = 0; s < ARRAY_SIZE(sections); s++) {
		v[n++].section = sections[s].title;
		for (i = 0; i < ARRAY_SIZE(keymap); i++) {
			const struct ui_key *k = &keymap[i];
			size_t first = n;

			if (!(k->ctx & sections[s].ctx))
				continue;
			/* Lines group the keys that share a help text. */
			for (j = n; j > 0 && !v[j - 1].section; j--)
				if (strcmp(v[j - 1].text, k->help) == 0)
					break;
			if (j > 0 && !v[j - 1].section) {
				add_key_label(v[j - 1].keys, sizeof(v[j - 1].keys), k->label);
				continue;
			}
			v[first].text = k->help;
			add_key_label(v[first].keys, sizeof(v[first].keys), k->label);
			n++;
		}
	}
	*out = v;
	return n;
}

size_t ui_keymap_hints(unsigned ctx, struct ui_help_line *out, size_t max)
{
	size_t n = 0, i, j;

	for (i = 0; i < ARRAY_SIZE(keymap); i++) {
		const struct ui_key *k = &keymap[i];

		if (!k->hint || !(k->ctx & ctx))
			continue;
		/* A key the context binds to something else hides the global one. */
		if (ui_keymap_lookup(k->key, ctx) != k->action)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(out[j].text, k->hint) == 0)
				break;
		if (j < n) {
			if (strlen(out[j].keys) + strlen(k->label) + 2 < sizeof(out[j].keys)) {
				strcat(out[j].keys, "/");
				strcat(out[j].keys, k->label);
			}
			continue;
		}
		if (n == max)
			break;
		memset(&out[n], 0, sizeof(out[n]));
		snprintf(out[n].keys, sizeof(out[n].keys), "%s", k->label);
		out[n].text = k->hint;
		n++;
	}
	return n;
}
