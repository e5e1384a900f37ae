/*
 * fuzz-trace.c - packet tracing's pure layers. The input, as a buffer of
 * NFT_MSG_TRACE messages, is fed to trace_feed_msg() twice: without a
 * snapshot, and with a small iptables-nft snapshot (base chains, a nat
 * chain, rules by handle) like the lab's, so hook, NAT and rule-text
 * lookups find something. Each completed packet is printed as text and as
 * JSON (which must parse). The same bytes, NUL-terminated, are also a
 * trace filter for trace_filter_parse() and trace_filter_nft().
 * The clock comes from the input (nlmsg_seq: milliseconds to advance), so
 * the 200 ms settle and the expiry paths are reachable and repeatable.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "fuzz.h"
#include "iptop.h"
#include "snapshot.h"
#include "trace.h"

struct cdef {
	const char *table, *name;
	int hook;
	int32_t prio;
	const char *type;
	uint64_t h0;       /* first rule handle; rules h0, h0 + 1, ... */
	unsigned nrules;
};

/* The lab's iptables-nft layout (tests/unit-trace.c), shortened. */
static const struct cdef chains[] = {
	{ "raw", "PREROUTING", NF_INET_PRE_ROUTING, -300, "filter", 2, 1 },
	{ "mangle", "PREROUTING", NF_INET_PRE_ROUTING, -150, "filter", 2, 1 },
	{ "nat", "PREROUTING", NF_INET_PRE_ROUTING, -100, "nat", 6, 1 },
	{ "nat", "INPUT", NF_INET_LOCAL_IN, 100, "nat", 0, 0 },
	{ "nat", "OUTPUT", NF_INET_LOCAL_OUT, -100, "nat", 7, 1 },
	{ "nat", "POSTROUTING", NF_INET_POST_ROUTING, 100, "nat", 8, 3 },
	{ "nat", "DOCKER", -1, 0, NULL, 11, 3 },
	{ "filter", "INPUT", NF_INET_LOCAL_IN, 0, "filter", 0, 0 },
	{ "filter", "FORWARD", NF_INET_FORWARD, 0, "filter", 8, 9 },
	{ "filter", "OUTPUT", NF_INET_LOCAL_OUT, 0, "filter", 0, 0 },
	{ "filter", "DOCKER", -1, 0, NULL, 18, 1 },
	{ "filter", "DOCKER-ISOLATION-STAGE-1", -1, 0, NULL, 19, 3 },
	{ "filter", "DOCKER-ISOLATION-STAGE-2", -1, 0, NULL, 22, 3 },
	{ "filter", "DOCKER-USER", -1, 0, NULL, 25, 1 },
};

static struct snap_ruleset *lab_snapshot(void)
{
	static const char *const tables[] = { "raw", "mangle", "nat", "filter" };
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	size_t i, j;

	rs->ntables = ARRAY_SIZE(tables);
	rs->tables = xcalloc(rs->ntables, sizeof(*rs->tables));
	for (i = 0; i < rs->ntables; i++) {
		rs->tables[i].family = NFPROTO_IPV4;
		rs->tables[i].name = xstrdup(tables[i]);
		rs->tables[i].iptables = true;
	}
	rs->nchains = ARRAY_SIZE(chains);
	rs->chains = xcalloc(rs->nchains, sizeof(*rs->chains));
	for (i = 0; i < rs->nchains; i++) {
		const struct cdef *d = &chains[i];
		struct snap_chain *ch = &rs->chains[i];

		ch->family = NFPROTO_IPV4;
		ch->table = xstrdup(d->table);
		ch->name = xstrdup(d->name);
		ch->base = d->hook >= 0;
		ch->hook = d->hook;
		ch->prio = d->prio;
		ch->type = d->type ? xstrdup(d->type) : NULL;
		ch->policy = ch->base ? NF_ACCEPT : -1;
		ch->instantiated = true;
		ch->nrules = d->nrules;
		ch->rules = xcalloc(d->nrules ? d->nrules : 1, sizeof(*ch->rules));
		for (j = 0; j < d->nrules; j++) {
			ch->rules[j].handle = d->h0 + j;
			ch->rules[j].text = xasprintf("-A %s -m comment --comment \"rule %zu\" -j ACCEPT", d->name, j);
		}
	}
	rs->status = SRC_OK;
	return rs;
}

static const char *fixed_ifname(uint32_t idx, char *buf, void *arg)
{
	snprintf(buf, TRACE_IFNAMSIZ + 8, "if%u", idx);
	return buf;
}

static void print_last(const struct trace_state *st, int n, struct strbuf *sb)
{
	size_t count = trace_state_count(st), i;

	if (n <= 0)
		return;
	for (i = (size_t)n > count ? 0 : count - (size_t)n; i < count; i++) {
		const struct trace_packet *p = trace_state_packet(st, i);

		if (!p)
			fuzz_fail("trace_state_packet", "NULL for an index below the count");
		strbuf_reset(sb);
		trace_path_text(p, sb);
		strbuf_reset(sb);
		trace_path_json(p, sb);
		fuzz_check_json(sb->s, sb->len, "trace_path_json");
	}
}

static void feed_all(const uint8_t *data, size_t size, const struct snap_ruleset *rs, bool forward_start)
{
	struct trace_state *st = trace_state_new();
	const struct nlmsghdr *nlh;
	uint64_t now = 1000000000ull;
	struct strbuf sb;
	size_t left;
	uint64_t id;

	strbuf_init(&sb);
	trace_state_set_limit(st, 4);
	trace_state_set_ifname(st, fixed_ifname, NULL);
	trace_state_set_forward_start(st, forward_start);
	for (nlh = fuzz_msg_first(data, size, &left); nlh; nlh = fuzz_msg_next(nlh, &left)) {
		now += 1000 + (uint64_t)(nlh->nlmsg_seq & 0x3ff) * 1000000ull;
		trace_state_set_clock(st, now);
		print_last(st, trace_complete_expire(st, now), &sb);
		print_last(st, trace_feed_msg(st, nlh, rs), &sb);
		trace_state_timeout_ms(st, now);
	}
	print_last(st, trace_complete_flush(st), &sb);
	for (id = 1; id < 4; id++)
		trace_state_find(st, id);
	trace_state_total(st);
	trace_state_bad(st);
	strbuf_free(&sb);
	trace_state_free(st);
}

static void filter(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *cause = NULL;
	struct trace_filter f;
	struct strbuf sb;

	if (trace_filter_parse(text, &f, &cause) == 0) {
		strbuf_init(&sb);
		trace_filter_nft(&f, &sb);
		strbuf_free(&sb);
	} else if (!cause) {
		fuzz_fail("trace_filter_parse", "-1 without a cause");
	}
	free(cause);
	free(text);
}

int fuzz_trace(const uint8_t *data, size_t size)
{
	static struct snap_ruleset *rs;

	if (!rs)
		rs = lab_snapshot();    /* kept for the whole run */
	feed_all(data, size, NULL, true);
	feed_all(data, size, rs, false);
	filter(data, size);
	return 0;
}

#ifndef FUZZ_REGRESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_trace(data, size);
}
#endif
