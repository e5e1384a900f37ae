/*
 * fuzz-legacy.c - the iptables-legacy reader's pure half: the input is a
 * raw buffer as collect_legacy_read() records it (per table a struct
 * collect_legacy_info, the x_tables entries, padding), parsed with
 * collect_legacy_parse() into a snapshot that already holds an
 * iptables-nft chain (so the both-backends check has something to
 * compare), then sorted, copied, run through the model twice and printed
 * as text and JSON (which must parse). Recordings carry these bytes
 * (REC_LEGACY), so a corrupt file reaches this parser.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "batch.h"
#include "collect-legacy.h"
#include "collect.h"
#include "feed.h"
#include "fuzz.h"
#include "iptop.h"
#include "model.h"

static struct snap_ruleset *nft_snapshot(void)
{
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	struct snap_chain *ch;

	rs->status = SRC_OK;
	rs->ntables = 1;
	rs->tables = xcalloc(1, sizeof(*rs->tables));
	rs->tables[0].family = NFPROTO_IPV4;
	rs->tables[0].name = xstrdup("filter");
	rs->tables[0].iptables = true;
	rs->nchains = 1;
	rs->chains = ch = xcalloc(1, sizeof(*rs->chains));
	ch->family = NFPROTO_IPV4;
	ch->table = xstrdup("filter");
	ch->name = xstrdup("INPUT");
	ch->base = true;
	ch->hook = NF_INET_LOCAL_IN;
	ch->type = xstrdup("filter");
	ch->policy = NF_DROP;
	ch->instantiated = true;
	ch->nrules = 1;
	ch->rules = xcalloc(1, sizeof(*ch->rules));
	ch->rules[0].handle = 2;
	ch->rules[0].counted = true;
	ch->rules[0].text = xstrdup("-A INPUT -j ACCEPT");
	return rs;
}

/* The same bytes parsed twice: the second tick of the model sees the same
 * synthesized handles, so deltas and rates are computed against them. */
static struct snap_ruleset *parse(const uint8_t *data, size_t size, uint64_t t_ns)
{
	struct snap_ruleset *rs = nft_snapshot();
	char *cause = NULL;

	if (collect_legacy_parse(rs, data, size, &cause) < 0) {
		if (!cause)
			fuzz_fail("collect_legacy_parse", "-1 without a cause");
		free(cause);
		if (rs->nchains != 1)
			fuzz_fail("collect_legacy_parse", "failed but changed the snapshot");
	}
	collect_legacy_both(rs);
	collect_legacy_present(rs);
	snapshot_sort_chains(rs);
	rs->time_ns = t_ns;
	return rs;
}

int fuzz_legacy(const uint8_t *data, size_t size)
{
	struct snap_ruleset *rs, *dup;
	struct feed feed;
	struct model m;
	struct strbuf sb;

	memset(&feed, 0, sizeof(feed));
	feed.netns_label = (char *)"net:[4026531840] (fuzz)";
	feed.backend = (char *)"nf_tables";
	feed.replay = true;

	model_init(&m);
	rs = parse(data, size, 1000000000ull);
	dup = collect_ruleset_dup(rs);
	snapshot_ruleset_free(dup);
	model_update(&m, rs);
	model_update(&m, parse(data, size, 2000000000ull));
	strbuf_init(&sb);
	batch_text_frame(&m, &feed, 0, &sb);
	strbuf_reset(&sb);
	batch_json_frame(&m, &feed, 0, &sb);
	fuzz_check_json(sb.s, sb.len, "batch_json_frame (legacy)");
	strbuf_free(&sb);
	model_free(&m);
	return 0;
}

#ifndef FUZZ_REGRESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_legacy(data, size);
}
#endif
