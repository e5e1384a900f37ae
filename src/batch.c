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
#include "conntrack.h"
#include "iptop.h"
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

/* ,"hooks":[...] when the hooks are observed (--observe); nothing otherwise. */
static void batch_json_hooks(const struct model *m, int family_mode, struct strbuf *sb)
{
	struct model_hook h[MODEL_MAX_HOOKS];
	size_t i, n = model_hooks(m, h, ARRAY_SIZE(h));
	bool first = true;

	if (!n)
		return;
	strbuf_add(sb, ",\"hooks\":[");
	for (i = 0; i < n; i++) {
		if (!hook_shown(&h[i], family_mode))
			continue;
		strbuf_add(sb, first ? "{\"family\":" : ",{\"family\":");
		first = false;
		strbuf_add_json(sb, snapshot_family_name(h[i].nfproto));
		strbuf_add(sb, ",\"hook\":");
		strbuf_add_json(sb, snapshot_hook_name(h[i].nfproto, h[i].hook));
		strbuf_add(sb, ",\"packets\":");
		strbuf_add_u64(sb, h[i].packets);
		strbuf_add(sb, ",\"bytes\":");
		strbuf_add_u64(sb, h[i].bytes);
		strbuf_add(sb, ",\"delta_packets\":");
		strbuf_add_u64(sb, h[i].d_packets);
		strbuf_add(sb, ",\"delta_bytes\":");
		strbuf_add_u64(sb, h[i].d_bytes);
		strbuf_addc(sb, '}');
	}
	strbuf_addc(sb, ']');
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
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n')
			strbuf_add(sb, "\\n");
		else if (*p == '\t')
			strbuf_add(sb, "\\t");
		else if (*p == '\r')
			strbuf_add(sb, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(sb, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			strbuf_addf(sb, "\\xc2\\x%02x", p[1]);
			p++;
		} else
			strbuf_addc(sb, (char)*p);
	}
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

			if (r->counted)
				strbuf_addf(sb, "  %12llu %14llu %+8lld %+10lld  ", (unsigned long long)model_rule_packets(mr),
					    (unsigned long long)model_rule_bytes(mr), (long long)mr->d_packets,
					    (long long)mr->d_bytes);
			else
				strbuf_addf(sb, "  %12s %14s %8s %10s  ", "uncounted", "-", "-", "-");
			strbuf_add(sb, r->syntax == RULE_SYNTAX_NFT ? "[nft] " : "");
			add_text(sb, r->text);
			strbuf_addc(sb, '\n');
		}
		strbuf_spill(sb);
	}
}

static void json_u64_or_null(struct strbuf *sb, bool have, uint64_t v)
{
	if (have)
		strbuf_add_u64(sb, v);
	else
		strbuf_add(sb, "null");
}

void batch_json_frame(const struct model *m, const struct feed *feed, int family_mode, struct strbuf *sb)
{
	const struct snap_ruleset *rs = m->cur;
	bool first = true;
	size_t i, j;

	strbuf_addf(sb, "{\"time\":%.3f,\"netns\":", time_wall());
	strbuf_add_json(sb, feed->netns_label);
	strbuf_add(sb, ",\"netns_status\":");
	strbuf_add_json(sb, feed->netns_gone == NLSOCK_NETNS_DELETED	? "deleted"
			    : feed->netns_gone == NLSOCK_NETNS_REPLACED ? "replaced"
									: "ok");
	strbuf_add(sb, ",\"backend\":");
	strbuf_add_json(sb, feed->backend);
	strbuf_addf(sb, ",\"generation\":%u,\"status\":", rs->genid);
	strbuf_add_json(sb, snapshot_status_name(rs->status));
	strbuf_add(sb, ",\"error\":");
	strbuf_add_json(sb, rs->error);
	strbuf_add(sb, ",\"legacy_status\":");
	strbuf_add_json(sb, snapshot_status_name(rs->legacy_status));
	strbuf_add(sb, ",\"legacy_error\":");
	strbuf_add_json(sb, rs->legacy_error);
	strbuf_addf(sb, ",\"both_backends\":%s", rs->both_backends ? "true" : "false");
	strbuf_add(sb, ",\"interval\":");
	strbuf_addf(sb, "%.3f", m->interval);
	strbuf_add(sb, ",\"last_change\":");
	if (rs->change_wall > 0) {
		strbuf_addf(sb, "{\"time\":%.3f,\"pid\":%u,\"process\":", rs->change_wall, rs->change_pid);
		strbuf_add_json(sb, rs->change_proc);
		strbuf_add(sb, "}");
	} else {
		strbuf_add(sb, "null");
	}
	batch_json_hooks(m, family_mode, sb);
	strbuf_add(sb, ",\"chains\":[");
	for (i = 0; i < m->nchains; i++) {
		const struct model_chain *mc = &m->chains[i];
		const struct snap_chain *ch = mc->snap;
		const struct snap_table *t = snapshot_find_table(rs, ch->family, ch->table);

		if (!batch_family_shown(ch->family, family_mode) || snapshot_own_table(rs, ch->family, ch->table))
			continue;
		if (!first)
			strbuf_addc(sb, ',');
		first = false;
		strbuf_add(sb, "{\"family\":");
		strbuf_add_json(sb, snapshot_family_name(ch->family));
		strbuf_add(sb, ",\"table\":");
		strbuf_add_json(sb, ch->table);
		strbuf_add(sb, ",\"chain\":");
		strbuf_add_json(sb, ch->name);
		strbuf_add(sb, ",\"backend\":");
		strbuf_add_json(sb, ch->legacy ? "legacy" : "nf_tables");
		strbuf_add(sb, ",\"syntax\":");
		strbuf_add_json(sb, ch->legacy || (t && t->iptables) ? "iptables" : "nft");
		strbuf_add(sb, ",\"hook\":");
		strbuf_add_json(sb, ch->base ? snapshot_hook_name(ch->family, ch->hook) : NULL);
		strbuf_add(sb, ",\"priority\":");
		if (ch->base)
			strbuf_addf(sb, "%d", ch->prio);
		else
			strbuf_add(sb, "null");
		strbuf_add(sb, ",\"type\":");
		strbuf_add_json(sb, ch->type);
		strbuf_add(sb, ",\"policy\":");
		strbuf_add_json(sb, policy_name(ch->policy));
		strbuf_addf(sb, ",\"instantiated\":%s,\"references\":%u", ch->instantiated ? "true" : "false", ch->use);
		strbuf_add(sb, ",\"policy_packets\":");
		json_u64_or_null(sb, ch->policy_counted, ch->policy_packets - mc->base_policy_packets);
		strbuf_add(sb, ",\"policy_bytes\":");
		json_u64_or_null(sb, ch->policy_counted, ch->policy_bytes - mc->base_policy_bytes);
		strbuf_add(sb, ",\"entered_packets\":");
		json_u64_or_null(sb, mc->entered_known, mc->entered_packets);
		strbuf_add(sb, ",\"rules\":[");
		for (j = 0; j < ch->nrules; j++) {
			const struct model_rule *mr = &mc->rules[j];
			const struct snap_rule *r = &ch->rules[j];

			if (j)
				strbuf_addc(sb, ',');
			strbuf_add(sb, "{\"handle\":");
			strbuf_add_u64(sb, r->handle);
			strbuf_add(sb, ",\"text\":");
			strbuf_add_json(sb, r->text);
			strbuf_add(sb, ",\"syntax\":");
			strbuf_add_json(sb, r->syntax == RULE_SYNTAX_NFT ? "nft" : "iptables");
			strbuf_add(sb, ",\"target_chain\":");
			strbuf_add_json(sb, r->target_chain);
			strbuf_add(sb, ",\"packets\":");
			json_u64_or_null(sb, r->counted, model_rule_packets(mr));
			strbuf_add(sb, ",\"bytes\":");
			json_u64_or_null(sb, r->counted, model_rule_bytes(mr));
			strbuf_add(sb, ",\"delta_packets\":");
			json_u64_or_null(sb, r->counted, mr->d_packets);
			strbuf_add(sb, ",\"delta_bytes\":");
			json_u64_or_null(sb, r->counted, mr->d_bytes);
			strbuf_addc(sb, '}');
		}
		strbuf_add(sb, "]}");
		strbuf_spill(sb);
	}
	strbuf_add(sb, "]}\n");
}

void batch_text_conntrack(const struct ct_table *ct, size_t limit, struct strbuf *sb)
{
	strbuf_add(sb, "\nconntrack\n");
	if (!ct) {
		strbuf_add(sb, "  unavailable\n");
		return;
	}
	ct_table_text(ct, sb, limit);
}

void batch_json_conntrack(const struct ct_table *ct, size_t limit, struct strbuf *sb)
{
	/* The frame ends in "}\n": put the conntrack object before that brace. */
	if (sb->len >= 2 && sb->s[sb->len - 1] == '\n' && sb->s[sb->len - 2] == '}') {
		sb->len -= 2;
		sb->s[sb->len] = '\0';
	}
	strbuf_addc(sb, ',');
	if (ct)
		ct_table_json(ct, sb, limit);
	else
		strbuf_add(sb, "\"conntrack\":null");
	strbuf_add(sb, "}\n");
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
		strbuf_reset(&sb);
		if (opts->json) {
			batch_json_frame(&m, feed, opts->family_mode, &sb);
			if (opts->conntrack)
				batch_json_conntrack(feed->replay ? feed_conntrack(feed, true) : ct, opts->flows_limit, &sb);
		} else {
			if (i)
				strbuf_addc(&sb, '\n');
			batch_text_frame(&m, feed, opts->family_mode, &sb);
			if (opts->conntrack)
				batch_text_conntrack(feed->replay ? feed_conntrack(feed, true) : ct, opts->flows_limit, &sb);
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
