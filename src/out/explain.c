/*
 * explain.c - the notes behind 'e': a strict parser for the notes file
 * (doc/explain.txt: "[key ...] Title" headings over paragraphs of text),
 * its lookup by key, and the keys a rule's words, a chain or a flow call
 * for. The words of the notes live in the data file, not here. Pure: no
 * screen, no socket; reads a file only in explain_load().
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "conntrack-text.h"
#include "conntrack.h"
#include "explain.h"
#include "iptop.h"
#include "snapshot.h"

#define LINE_MAX_BYTES 1000

/* ---- the file ------------------------------------------------------------------- */

/* src in lower case, cut to fit low (n bytes); returns low. */
static const char *lower_word(char *low, size_t n, const char *src)
{
	size_t j;

	for (j = 0; src[j] && j < n - 1; j++)
		low[j] = (char)tolower((unsigned char)src[j]);
	low[j] = '\0';
	return low;
}

static void note_free(struct explain_note *n)
{
	size_t i;

	for (i = 0; i < n->nkeys; i++)
		free(n->keys[i]);
	free(n->keys);
	free(n->title);
	free(n->text);
}

void explain_free(struct explain *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		note_free(&e->notes[i]);
	free(e->notes);
	free(e->file);
	memset(e, 0, sizeof(*e));
}

static bool key_char(char c)
{
	return isalnum((unsigned char)c) || strchr("-_./,:+", c);
}

static bool valid_key(const char *k)
{
	const char *colon = strchr(k, ':');
	size_t n = strlen(k), i;

	if (!colon || colon == k || !colon[1] || n >= EXPLAIN_KEY_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!key_char(k[i]))
			return false;
	return true;
}

const struct explain_note *explain_find(const struct explain *e, const char *key)
{
	size_t i, j;

	for (i = 0; e && i < e->n; i++)
		for (j = 0; j < e->notes[i].nkeys; j++)
			if (strcasecmp(e->notes[i].keys[j], key) == 0)
				return &e->notes[i];
	return NULL;
}

struct parse {
	struct explain e;
	struct strbuf text;
	bool para_open;          /* the last text line was not blank */
	const char *file;
	char **cause;
};

static int fail(struct parse *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct parse *p, int line, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb);
	strbuf_addf(&sb, "%s:%d: ", p->file, line);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	*p->cause = strbuf_steal(&sb);
	return -1;
}

/* The note being read is complete: it needs some text. */
static int finish(struct parse *p)
{
	struct explain_note *n;

	if (!p->e.n)
		return 0;
	n = &p->e.notes[p->e.n - 1];
	if (!p->text.len)
		return fail(p, n->line, "note [%s] has no text", n->keys[0]);
	n->text = strbuf_steal(&p->text);
	p->para_open = false;
	return 0;
}

static int heading(struct parse *p, char *s, int line)
{
	char *end = strchr(s, ']'), *k, *save = NULL, *title;
	struct explain_note *n;
	size_t i, j;

	if (!end)
		return fail(p, line, "unterminated heading (missing ']')");
	*end = '\0';
	title = end + 1;
	while (*title == ' ' || *title == '\t')
		title++;
	if (finish(p) < 0)
		return -1;
	p->e.notes = xreallocarray(p->e.notes, p->e.n + 1, sizeof(*p->e.notes));
	n = &p->e.notes[p->e.n++];
	memset(n, 0, sizeof(*n));
	n->line = line;
	for (k = strtok_r(s + 1, " \t", &save); k; k = strtok_r(NULL, " \t", &save)) {
		if (!valid_key(k))
			return fail(p, line, "bad key '%s' (want KIND:NAME of letters, digits and - _ . / , : +)", k);
		for (i = 0; i < p->e.n; i++)
			for (j = 0; j < p->e.notes[i].nkeys; j++)
				if (strcasecmp(p->e.notes[i].keys[j], k) == 0)
					return fail(p, line, "key '%s' given twice (first at line %d)", k,
						    p->e.notes[i].line);
		n->keys = xreallocarray(n->keys, n->nkeys + 1, sizeof(*n->keys));
		n->keys[n->nkeys++] = xstrdup(k);
	}
	if (!n->nkeys)
		return fail(p, line, "empty heading: [KIND:NAME ...] Title");
	if (!*title)
		return fail(p, line, "no title after [%s]", n->keys[0]);
	n->title = xstrdup(title);
	return 0;
}

static int text_line(struct parse *p, const char *s, int line)
{
	const char *c;

	for (c = s; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return fail(p, line, "control character 0x%02x in text", (unsigned char)*c);
	if (!*s) {
		p->para_open = false;
		return 0;
	}
	if (!p->e.n)
		return fail(p, line, "text before the first [KIND:NAME] heading");
	if (p->text.len)
		strbuf_addc(&p->text, p->para_open ? ' ' : '\n');
	strbuf_add(&p->text, s);
	p->para_open = true;
	return 0;
}

int explain_parse(struct explain *e, const char *text, const char *file, char **cause)
{
	struct parse p;
	const char *s = text ? text : "";
	int line = 0, r = 0;

	memset(&p, 0, sizeof(p));
	strbuf_init(&p.text);
	p.file = file ? file : "notes";
	p.cause = cause;
	while (*s && r == 0) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *l, *b, *t;

		line++;
		if (len > LINE_MAX_BYTES) {
			r = fail(&p, line, "line longer than %d bytes", LINE_MAX_BYTES);
			break;
		}
		l = xstrndup(s, len);
		/* trailing blanks (and a CR) go; leading ones too in text */
		t = l + strlen(l);
		while (t > l && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
			*--t = '\0';
		for (b = l; *b == ' ' || *b == '\t'; b++)
			;
		if (l[0] == '#')
			; /* a comment */
		else if (l[0] == '[')
			r = heading(&p, l, line);
		else if (b != l && *b == '[')
			r = fail(&p, line, "a heading starts in the first column");
		else
			r = text_line(&p, b, line);
		free(l);
		s += len + (nl ? 1 : 0);
	}
	if (r == 0)
		r = finish(&p);
	if (r == 0 && !p.e.n)
		r = fail(&p, line ? line : 1, "no notes in this file");
	strbuf_free(&p.text);
	if (r < 0) {
		explain_free(&p.e);
		return -1;
	}
	explain_free(e);
	*e = p.e;
	e->file = xstrdup(p.file);
	return 0;
}

static char *read_all(const char *path)
{
	struct strbuf sb;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	strbuf_init(&sb);
	strbuf_add(&sb, "");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_addn(&sb, buf, n);
	fclose(f);
	return strbuf_steal(&sb);
}

char *explain_dir(void)
{
	const char *env = getenv("IPTOP_DATA_DIR"), *tree = util_data_source_tree();

	if (env && *env)
		return xstrdup(env);
	return tree ? xasprintf("%s/doc", tree) : xstrdup(PKGDATADIR);
}

int explain_load(struct explain *e, char **cause)
{
	char *dir = explain_dir(), *path = xasprintf("%s/%s", dir, EXPLAIN_FILE), *text;
	int r = -1;

	if (access(path, F_OK) != 0) {
		*cause = xasprintf("no notes installed (looked for %s in %s)", EXPLAIN_FILE, dir);
	} else if (!(text = read_all(path))) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
	} else {
		r = explain_parse(e, text, path, cause);
		free(text);
	}
	free(path);
	free(dir);
	return r;
}

/* ---- which notes a selection calls for ------------------------------------------------ */

void explain_keys_add(struct explain_keys *k, const char *fmt, ...)
{
	char key[EXPLAIN_KEY_LEN];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	if (k->n == EXPLAIN_KEYS_MAX || !*key)
		return;
	for (i = 0; i < k->n; i++)
		if (strcasecmp(k->keys[i], key) == 0)
			return;
	memcpy(k->keys[k->n++], key, sizeof(key));
}

/* Targets that are not chains, in iptables spelling. */
static bool builtin_target(const char *t)
{
	static const char *const names[] = {
		"ACCEPT", "DROP", "REJECT", "RETURN", "MASQUERADE", "SNAT", "DNAT", "REDIRECT", "LOG",
		"NFLOG", "MARK", "CONNMARK", "NOTRACK", "CT", "TPROXY", "NFQUEUE", "QUEUE", "TCPMSS",
		"CHECKSUM", "TRACE", "TTL", "DSCP", "CLASSIFY", "SET", "AUDIT", "ULOG",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(t, names[i]) == 0)
			return true;
	return false;
}

static bool trivial(const char *key)
{
	return strcmp(key, "target:ACCEPT") == 0 || strcmp(key, "target:DROP") == 0 ||
	       strcmp(key, "target:RETURN") == 0 || strcmp(key, "target:REJECT") == 0;
}

/* conntrack states in the order iptables -S prints them. */
static void ctstate_key(struct explain_keys *k, const char *const *words, size_t n)
{
	static const char *const order[] = { "invalid", "new", "related", "established", "untracked", "snat",
					     "dnat" };
	char key[EXPLAIN_KEY_LEN] = "match:ctstate";
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		for (j = 0; j < n; j++)
			if (strcasecmp(words[j], order[i]) == 0) {
				size_t len = strlen(key);

				snprintf(key + len, sizeof(key) - len, "-%s", order[i]);
				break;
			}
	explain_keys_add(k, "%s", key);
}

/* Split "RELATED,ESTABLISHED" or "{ established, related }" words. */
static size_t state_words(const char *s, char *buf, size_t size, const char **out, size_t max)
{
	size_t n = 0;
	char *p, *save = NULL;

	snprintf(buf, size, "%s", s);
	for (p = strtok_r(buf, ",{} ", &save); p && n < max; p = strtok_r(NULL, ",{} ", &save))
		out[n++] = p;
	return n;
}

void explain_keys_rule(struct explain_keys *k, const char *text, bool counted)
{
	char *copy = xstrdup(text ? text : ""), *save = NULL, *w;
	const char *tok[128];
	struct explain_keys targets;
	size_t n = 0, i;

	memset(&targets, 0, sizeof(targets));
	/* Words; a quoted comment is one word that means nothing here. */
	for (w = copy; *w; w++)
		if (*w == '"') {
			for (*w++ = '_'; *w && *w != '"'; w++)
				*w = '_';
			if (!*w)
				break;
			*w = '_';
		}
	for (w = strtok_r(copy, " \t", &save); w && n < ARRAY_SIZE(tok); w = strtok_r(NULL, " \t", &save))
		tok[n++] = w;
	for (i = 0; i < n; i++) {
		const char *t = tok[i], *next = i + 1 < n ? tok[i + 1] : NULL;

		if ((strcmp(t, "--ctstate") == 0 || strcmp(t, "--state") == 0) && next) {
			char buf[128];
			const char *sw[8];

			ctstate_key(k, sw, state_words(next, buf, sizeof(buf), sw, ARRAY_SIZE(sw)));
		} else if (strcmp(t, "ct") == 0 && next && strcmp(next, "state") == 0 && i + 2 < n) {
			/* nft: ct state established,related | ct state { established, related } */
			struct strbuf sb;
			char buf[128];
			const char *sw[8];
			size_t j = i + 2;

			strbuf_init(&sb);
			strbuf_add(&sb, "");
			if (strcmp(tok[j], "{") == 0 || tok[j][0] == '{') {
				for (; j < n; j++) {
					strbuf_addf(&sb, "%s ", tok[j]);
					if (strchr(tok[j], '}'))
						break;
				}
			} else {
				strbuf_add(&sb, tok[j]);
			}
			ctstate_key(k, sw, state_words(sb.s, buf, sizeof(buf), sw, ARRAY_SIZE(sw)));
			strbuf_free(&sb);
			i = j;
		} else if ((strcmp(t, "--dst-type") == 0 || strcmp(t, "--src-type") == 0) && next) {
			char low[32];

			explain_keys_add(k, "match:addrtype-%s", lower_word(low, sizeof(low), next));
		} else if (strcmp(t, "fib") == 0 && i + 3 < n && strcmp(tok[i + 2], "type") == 0) {
			explain_keys_add(k, "match:addrtype-%s", tok[i + 3]);
		} else if ((strcmp(t, "-j") == 0 || strcmp(t, "--jump") == 0 || strcmp(t, "-g") == 0 ||
			    strcmp(t, "--goto") == 0) && next) {
			if (builtin_target(next)) {
				explain_keys_add(&targets, "target:%s", next);
			} else {
				explain_keys_add(&targets, "chain:%s", next);
				explain_keys_add(&targets, "target:%s", t[1] == 'g' || t[2] == 'g' ? "goto" : "jump");
			}
		} else if ((strcmp(t, "jump") == 0 || strcmp(t, "goto") == 0) && next) {
			explain_keys_add(&targets, "chain:%s", next);
			explain_keys_add(&targets, "target:%s", t);
		} else {
			static const char *const verdicts[] = { "accept", "drop", "reject", "return", "masquerade",
								"snat", "dnat", "redirect" };
			size_t j;

			for (j = 0; j < ARRAY_SIZE(verdicts); j++)
				if (strcmp(t, verdicts[j]) == 0) {
					char up[16];
					size_t m;

					for (m = 0; t[m] && m < sizeof(up) - 1; m++)
						up[m] = (char)toupper((unsigned char)t[m]);
					up[m] = '\0';
					explain_keys_add(&targets, "target:%s", up);
				}
		}
	}
	/* What the rule does, then that it has no counter, then plain verdicts. */
	for (i = 0; i < targets.n; i++)
		if (!trivial(targets.keys[i]))
			explain_keys_add(k, "%s", targets.keys[i]);
	if (!counted)
		explain_keys_add(k, "rule:uncounted");
	for (i = 0; i < targets.n; i++)
		if (trivial(targets.keys[i]))
			explain_keys_add(k, "%s", targets.keys[i]);
	free(copy);
}

static bool ipt_table_name(const struct snap_chain *ch)
{
	static const char *const std[] = { "raw", "mangle", "nat", "filter", "security" };
	size_t i;

	if (ch->family != NFPROTO_IPV4 && ch->family != NFPROTO_IPV6)
		return false;
	for (i = 0; i < ARRAY_SIZE(std); i++)
		if (strcmp(ch->table, std[i]) == 0)
			return true;
	return false;
}

void explain_keys_chain(struct explain_keys *k, const struct snap_chain *ch)
{
	if (!ch->instantiated)
		explain_keys_add(k, "state:not-instantiated");
	if (!ch->base) {
		explain_keys_add(k, "chain:%s", ch->name);
		return;
	}
	if (ch->instantiated && !ch->policy_counted)
		explain_keys_add(k, "policy:n/a");
	explain_keys_add(k, "table:%s", ch->table);
	if (!ipt_table_name(ch)) {
		explain_keys_add(k, "chain:%s", ch->name);
		explain_keys_add(k, "table:nft-native");
	}
	explain_keys_add(k, "hook:%s", snapshot_hook_name(ch->family, ch->hook));
}

void explain_keys_flow(struct explain_keys *k, const struct ct_flow *f, bool acct)
{
	const char *nat = conntrack_text_nat(f->nat);
	const char *state = conntrack_text_state(f);

	if (nat)
		explain_keys_add(k, "flow:%s", nat);
	if (!(f->status & IPS_SEEN_REPLY))
		explain_keys_add(k, "state:unreplied");
	if (f->status & IPS_ASSURED)
		explain_keys_add(k, "state:assured");
	if (state) {
		char low[32];

		explain_keys_add(k, "state:%s", lower_word(low, sizeof(low), state));
	}
	if (!acct || !f->has_acct)
		explain_keys_add(k, "flow:acct-off");
	explain_keys_add(k, "flow:conntrack");
}
