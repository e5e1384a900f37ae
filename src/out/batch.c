/*
 * batch.c - batch output: text frames for people and pipes, JSON lines
 * for scripts (keys documented in doc/json.md and kept stable). Reads the
 * model only; never touches the kernel itself (the feed does).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netinet/in.h>
#include <linux/netfilter.h>

#include "batch.h"
#include "conntrack-text.h"
#include "iptop.h"
#include "json.h"
#include "names.h"
#include "nl.h"
#include "record.h"

static volatile sig_atomic_t batch_stop;
static volatile sig_atomic_t batch_now;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		batch_now = 1; /* take the next frame now */
	else
		batch_stop = 1;
}

bool batch_family_shown(unsigned family, int mode)
{
	if (mode == 4)
		return family == NFPROTO_IPV4 || family == NFPROTO_INET;
	if (mode == 6)
		return family == NFPROTO_IPV6 || family == NFPROTO_INET;
	return true;
}

static const char *policy_name(int policy)
{
	switch (policy) {
	case NF_ACCEPT: case NF_DROP: return names_verdict_ipt(policy);
	case -1: return NULL;
	}
	return "?";
}

static void wall_str(double t, char *buf, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

static bool hook_shown(const struct model_hook *h, int family_mode)
{
	return batch_family_shown(h->nfproto, family_mode);
}

/* Packets entering each hook (--observe): a line per family. */
static void batch_text_hooks(const struct model *m, int family_mode, struct strbuf *sb)
{
	struct model_hook h[MODEL_MAX_HOOKS];
	size_t i, n = model_hooks(m, h, ARRAY_SIZE(h));

	for (i = 0; i < n; i++) {
		if (!hook_shown(&h[i], family_mode))
			continue;
		if (i == 0 || h[i - 1].nfproto != h[i].nfproto)
			strbuf_addf(sb, "hooks %s (packets entering, counted by table inet iptop_observe):",
				    snapshot_family_name(h[i].nfproto));
		strbuf_addf(sb, "  %s %llu +%llu", snapshot_hook_name(h[i].nfproto, h[i].hook),
			    (unsigned long long)h[i].packets, (unsigned long long)h[i].d_packets);
		if (i + 1 == n || h[i + 1].nfproto != h[i].nfproto)
			strbuf_addc(sb, '\n');
	}
}

/* "hooks":[...] when the hooks are observed (--observe); nothing otherwise. */
static void batch_json_hooks(const struct model *m, int family_mode, struct json *j)
{
	struct model_hook h[MODEL_MAX_HOOKS];
	size_t i, n = model_hooks(m, h, ARRAY_SIZE(h));

	if (!n)
		return;
	json_array(j, "hooks");
	for (i = 0; i < n; i++) {
		if (!hook_shown(&h[i], family_mode))
			continue;
		json_object(j, NULL);
		json_str(j, "family", snapshot_family_name(h[i].nfproto));
		json_str(j, "hook", snapshot_hook_name(h[i].nfproto, h[i].hook));
		json_u64(j, "packets", h[i].packets);
		json_u64(j, "bytes", h[i].bytes);
		json_u64(j, "delta_packets", h[i].d_packets);
		json_u64(j, "delta_bytes", h[i].d_bytes);
		json_end(j);
	}
	json_end(j);
}

/*
 * Names and rule text as -b prints them. iptables -S (1.8.9) quotes a
 * comment and escapes only '"' and '\' in it; it writes control
 * characters raw, so an ESC sequence in a comment or chain name reaches the
 * terminal and a newline splits a rule. Here they are escaped, C style
 * (\n \t \r, else \xHH), and so are the C1 controls U+0080..U+009F
 * (UTF-8 c2 80..c2 9f), which some terminals also obey. JSON escapes on
 * its own.
 */
static void add_text(struct strbuf *sb, const char *s)
{
	const unsigned char *p, *run;

	/* runs of plain characters at once: every rule's text goes through here */
	for (p = run = (const unsigned char *)s; *p; p++) {
		while (*p >= 0x20 && *p != 0x7f && *p != 0xc2)
			p++;
		if (!*p)
			break;
		if (*p == 0xc2 && !(p[1] >= 0x80 && p[1] <= 0x9f))
			continue;
		strbuf_addn(sb, (const char *)run, (size_t)(p - run));
		if (*p == '\n')
			strbuf_add(sb, "\\n");
		else if (*p == '\t')
			strbuf_add(sb, "\\t");
		else if (*p == '\r')
			strbuf_add(sb, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(sb, "\\x%02x", *p);
		else {
			strbuf_addf(sb, "\\xc2\\x%02x", p[1]);
			p++;
		}
		run = p + 1;
	}
	strbuf_addn(sb, (const char *)run, (size_t)(p - run));
}

/* printf's "%*llu" (sign 0) or "%+*lld" (sign 1) without printf: a row
 * of the text frame has four of them. */
static void add_num(struct strbuf *sb, uint64_t v, bool neg, bool sign, int width)
{
	static const char spaces[] = "                    ";
	int n = 1 + (neg || sign);
	uint64_t t;

	for (t = v; t >= 10; t /= 10)
		n++;
	if (n < width)
		strbuf_addn(sb, spaces, (size_t)(width - n));
	if (neg || sign)
		strbuf_addc(sb, neg ? '-' : '+');
	strbuf_add_u64(sb, v);
}

static void add_signed(struct strbuf *sb, long long v, int width)
{
	add_num(sb, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, true, width);
}

const char *batch_netns_gone_text(int gone)
{
	if (gone == NLSOCK_NETNS_DELETED)
		return "the network namespace was deleted (ip netns del, or its process exited): "
		       "this is what is left of it, which iptop still holds";
	return "the namespace's name now belongs to another network namespace: this is the old one "
	       "(start iptop again to watch the new one)";
}

void batch_text_frame(const struct model *m, const struct feed *feed, int family_mode, struct strbuf *sb)
{
	const struct snap_ruleset *rs = m->cur;
	const char *last_table = NULL;
	uint8_t last_family = 0;
	bool last_legacy = false;
	char when[32];
	size_t i, j;

	wall_str(time_wall(), when, sizeof(when));
	strbuf_addf(sb, "iptop %s  %s  netns %s  backend %s  generation %u  ruleset %s\n", PACKAGE_VERSION, when,
		    feed->netns_label, feed->backend, rs->genid, snapshot_status_name(rs->status));
	if (feed->netns_gone)
		strbuf_addf(sb, "! %s\n", batch_netns_gone_text(feed->netns_gone));
	if (rs->error)
		strbuf_addf(sb, "! %s\n", rs->error);
	if (rs->legacy_status != SRC_OK && rs->legacy_status != SRC_OFF)
		strbuf_addf(sb, "! iptables-legacy: %s\n", rs->legacy_error ? rs->legacy_error
							 : snapshot_status_name(rs->legacy_status));
	if (rs->both_backends)
		strbuf_add(sb, "! both backends hold rules: iptables-legacy and iptables-nft tables are both "
			       "active (iptables -L shows only one of them)\n");
	if (rs->change_wall > 0) {
		wall_str(rs->change_wall, when, sizeof(when));
		strbuf_addf(sb, "last change: %s by ", when);
		add_text(sb, rs->change_proc[0] ? rs->change_proc : "?");
		strbuf_addf(sb, "[%u]\n", rs->change_pid);
	}
	batch_text_hooks(m, family_mode, sb);
	for (i = 0; i < m->nchains; i++) {
		const struct model_chain *mc = &m->chains[i];
		const struct snap_chain *ch = mc->snap;

		if (!batch_family_shown(ch->family, family_mode) || snapshot_own_table(rs, ch->family, ch->table))
			continue;
		if (!last_table || last_family != ch->family || last_legacy != ch->legacy ||
		    strcmp(last_table, ch->table) != 0) {
			const struct snap_table *t = snapshot_find_table(rs, ch->family, ch->table);

			strbuf_addf(sb, "\ntable %s ", snapshot_family_name(ch->family));
			add_text(sb, ch->table);
			strbuf_add(sb, ch->legacy		? " (iptables-legacy)\n"
				       : t && t->iptables ? " (iptables-nft)\n"
							  : " (nftables)\n");
			last_table = ch->table;
			last_family = ch->family;
			last_legacy = ch->legacy;
		}
		strbuf_add(sb, "chain ");
		add_text(sb, ch->name);
		if (ch->base) {
			strbuf_addf(sb, "  hook %s  priority %d  policy %s  ", snapshot_hook_name(ch->family, ch->hook),
				    ch->prio, policy_name(ch->policy));
			if (!ch->instantiated)
				strbuf_add(sb, "(not instantiated: implicit ACCEPT)\n");
			else if (ch->policy_counted)
				strbuf_addf(sb, "policy-packets %llu  policy-bytes %llu  +%llu\n",
					    (unsigned long long)(ch->policy_packets - mc->base_policy_packets),
					    (unsigned long long)(ch->policy_bytes - mc->base_policy_bytes),
					    (unsigned long long)mc->d_policy_packets);
			else
				strbuf_add(sb, "policy-counters n/a\n");
		} else {
			strbuf_addf(sb, "  (user chain, %u reference%s)\n", ch->use, ch->use == 1 ? "" : "s");
		}
		for (j = 0; j < ch->nrules; j++) {
			const struct model_rule *mr = &mc->rules[j];
			const struct snap_rule *r = &ch->rules[j];

			if (r->counted) {
				/* "  %12llu %14llu %+8lld %+10lld  " */
				strbuf_add(sb, "  ");
				add_num(sb, model_rule_packets(mr), false, false, 12);
				strbuf_addc(sb, ' ');
				add_num(sb, model_rule_bytes(mr), false, false, 14);
				strbuf_addc(sb, ' ');
				add_signed(sb, (long long)mr->d_packets, 8);
				strbuf_addc(sb, ' ');
				add_signed(sb, (long long)mr->d_bytes, 10);
				strbuf_add(sb, "  ");
			} else {
				strbuf_addf(sb, "  %12s %14s %8s %10s  ", "uncounted", "-", "-", "-");
			}
			strbuf_add(sb, r->syntax == RULE_SYNTAX_NFT ? "[nft] " : "");
			add_text(sb, r->text);
			strbuf_addc(sb, '\n');
		}
		strbuf_spill(sb);
	}
}

static void batch_json_chain(const struct model_chain *mc, const struct snap_table *t, struct json *j)
{
	const struct snap_chain *ch = mc->snap;
	size_t i;

	json_object(j, NULL);
	json_str(j, "family", snapshot_family_name(ch->family));
	json_str(j, "table", ch->table);
	json_str(j, "chain", ch->name);
	json_str(j, "backend", ch->legacy ? "legacy" : "nf_tables");
	json_str(j, "syntax", ch->legacy || (t && t->iptables) ? "iptables" : "nft");
	json_str(j, "hook", ch->base ? snapshot_hook_name(ch->family, ch->hook) : NULL);
	if (ch->base)
		json_int(j, "priority", ch->prio);
	else
		json_null(j, "priority");
	json_str(j, "type", ch->type);
	json_str(j, "policy", policy_name(ch->policy));
	json_bool(j, "instantiated", ch->instantiated);
	json_u64(j, "references", ch->use);
	json_u64_or_null(j, "policy_packets", ch->policy_counted, ch->policy_packets - mc->base_policy_packets);
	json_u64_or_null(j, "policy_bytes", ch->policy_counted, ch->policy_bytes - mc->base_policy_bytes);
	json_u64_or_null(j, "entered_packets", mc->entered_known, mc->entered_packets);
	json_array(j, "rules");
	for (i = 0; i < ch->nrules; i++) {
		const struct model_rule *mr = &mc->rules[i];
		const struct snap_rule *r = &ch->rules[i];

		json_object(j, NULL);
		json_u64(j, "handle", r->handle);
		json_str(j, "text", r->text);
		json_str(j, "syntax", r->syntax == RULE_SYNTAX_NFT ? "nft" : "iptables");
		json_str(j, "target_chain", r->target_chain);
		json_u64_or_null(j, "packets", r->counted, model_rule_packets(mr));
		json_u64_or_null(j, "bytes", r->counted, model_rule_bytes(mr));
		json_u64_or_null(j, "delta_packets", r->counted, mr->d_packets);
		json_u64_or_null(j, "delta_bytes", r->counted, mr->d_bytes);
		json_end(j);
	}
	json_end(j);
	json_end(j);
}

void batch_json_frame(const struct model *m, const struct feed *feed, int family_mode, struct strbuf *sb)
{
	const struct snap_ruleset *rs = m->cur;
	struct json j;
	size_t i;

	json_init(&j, sb);
	json_object(&j, NULL);
	json_fixed(&j, "time", time_wall(), 3);
	json_str(&j, "netns", feed->netns_label);
	json_str(&j, "netns_status", feed->netns_gone == NLSOCK_NETNS_DELETED	? "deleted"
				     : feed->netns_gone == NLSOCK_NETNS_REPLACED ? "replaced"
										 : "ok");
	json_str(&j, "backend", feed->backend);
	json_u64(&j, "generation", rs->genid);
	json_str(&j, "status", snapshot_status_name(rs->status));
	json_str(&j, "error", rs->error);
	json_str(&j, "legacy_status", snapshot_status_name(rs->legacy_status));
	json_str(&j, "legacy_error", rs->legacy_error);
	json_bool(&j, "both_backends", rs->both_backends);
	json_fixed(&j, "interval", m->interval, 3);
	if (rs->change_wall > 0) {
		json_object(&j, "last_change");
		json_fixed(&j, "time", rs->change_wall, 3);
		json_u64(&j, "pid", rs->change_pid);
		json_str(&j, "process", rs->change_proc);
		json_end(&j);
	} else {
		json_null(&j, "last_change");
	}
	batch_json_hooks(m, family_mode, &j);
	json_array(&j, "chains");
	for (i = 0; i < m->nchains; i++) {
		const struct snap_chain *ch = m->chains[i].snap;

		if (!batch_family_shown(ch->family, family_mode) || snapshot_own_table(rs, ch->family, ch->table))
			continue;
		batch_json_chain(&m->chains[i], snapshot_find_table(rs, ch->family, ch->table), &j);
	}
	json_end(&j);
	json_end(&j);
	strbuf_addc(sb, '\n');
}

void batch_text_conntrack(const struct model *m, const struct ct_table *ct, size_t limit, struct strbuf *sb)
{
	strbuf_add(sb, "\nconntrack\n");
	if (!ct) {
		strbuf_add(sb, "  unavailable\n");
		return;
	}
	conntrack_text_table(&m->ct, ct, sb, limit);
}

void batch_json_conntrack(const struct model *m, const struct ct_table *ct, size_t limit, struct strbuf *sb)
{
	struct json j;

	/* The frame ends in "}\n" (json_end spills before it writes a closing
	 * brace, so that is still here): reopen it for the conntrack member. */
	if (sb->len >= 2 && sb->s[sb->len - 1] == '\n' && sb->s[sb->len - 2] == '}') {
		sb->len -= 2;
		sb->s[sb->len] = '\0';
	}
	json_init_member(&j, sb);
	if (ct)
		conntrack_text_json_write(&m->ct, ct, &j, limit);
	else
		json_null(&j, "conntrack");
	json_end(&j);
	strbuf_addc(sb, '\n');
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (!batch_stop && !batch_now && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	batch_now = 0;
}

int batch_run(struct feed *feed, const struct batch_opts *opts, FILE *out, char **cause)
{
	struct sigaction sa;
	struct model m;
	struct strbuf sb;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	model_init(&m);
	strbuf_init(&sb);
	sb.spill = out;
	for (i = 0; !batch_stop && (opts->iterations == 0 || i < opts->iterations); i++) {
		const struct ct_table *ct;
		struct snap_ruleset *rs;

		if (i)
			sleep_ms(opts->interval_ms);
		if (batch_stop)
			break;
		/* Conntrack first: a recording then holds each frame's flows
		 * before its ruleset, which is the order replay reads them in. */
		ct = opts->conntrack ? feed_conntrack(feed, true) : NULL;
		rs = feed->ops->snapshot(feed, m.cur, NULL, NULL);
		if (i == 0 && (rs->status == SRC_EPERM || rs->status == SRC_UNAVAILABLE ||
			       (feed->replay && rs->status == SRC_ERROR))) {
			*cause = xstrdup(rs->error ? rs->error : snapshot_status_name(rs->status));
			snapshot_ruleset_free(rs);
			model_free(&m);
			return 1;
		}
		if (feed->replay && (feed->ended || rs->status == SRC_ERROR)) {
			int bad = rs->status == SRC_ERROR;

			if (bad)
				*cause = xstrdup(rs->error ? rs->error : "corrupt recording");
			snapshot_ruleset_free(rs);
			strbuf_free(&sb);
			model_free(&m);
			return bad;
		}
		model_update(&m, rs);
		/* A replay reads a frame's flows with its ruleset: the table
		 * as it stands after the snapshot. */
		if (opts->conntrack && feed->replay)
			ct = feed_conntrack(feed, true);
		model_ct_update(&m.ct, ct);
		strbuf_reset(&sb);
		if (opts->json) {
			batch_json_frame(&m, feed, opts->family_mode, &sb);
			if (opts->conntrack)
				batch_json_conntrack(&m, ct, opts->flows_limit, &sb);
		} else {
			if (i)
				strbuf_addc(&sb, '\n');
			batch_text_frame(&m, feed, opts->family_mode, &sb);
			if (opts->conntrack)
				batch_text_conntrack(&m, ct, opts->flows_limit, &sb);
		}
		if (sb.spill_failed || fwrite(sb.s, 1, sb.len, out) != sb.len || fflush(out) != 0)
			break; /* reader went away */
		if (record_check(feed_record(feed), cause) < 0) {
			strbuf_free(&sb);
			model_free(&m);
			return 1;
		}
	}
	strbuf_free(&sb);
	model_free(&m);
	return 0;
}
