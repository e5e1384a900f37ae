/*
 * collect-ruleset-assemble.c - a snapshot put together from parsed
 * messages (collect-ruleset-parse.c): tables (or prev's, within a
 * generation), chains, rules; then what the kernel does not say: rules of
 * chains not dumped this time (prev's, same generation), references, the
 * built-in chains iptables lists. Also the deep copy of a snapshot. No
 * sockets here (collect-ruleset.c), no message parsing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "collect.h"
#include "collect-int.h"
#include "iptop.h"
#include "rule-text.h"

/* iptables' built-in chains per table, with the priorities iptables-nft
 * gives them (iptables/nft.c builtin tables). */
struct ipt_builtin {
	const char *table;
	int hook;
	int32_t prio;
	const char *type;
};

static const struct ipt_builtin ipt_builtins[] = {
	{ "raw", NF_INET_PRE_ROUTING, -300, "filter" },
	{ "raw", NF_INET_LOCAL_OUT, -300, "filter" },
	{ "mangle", NF_INET_PRE_ROUTING, -150, "filter" },
	{ "mangle", NF_INET_LOCAL_IN, -150, "filter" },
	{ "mangle", NF_INET_FORWARD, -150, "filter" },
	{ "mangle", NF_INET_LOCAL_OUT, -150, "route" },
	{ "mangle", NF_INET_POST_ROUTING, -150, "filter" },
	{ "nat", NF_INET_PRE_ROUTING, -100, "nat" },
	{ "nat", NF_INET_LOCAL_IN, 100, "nat" },
	{ "nat", NF_INET_LOCAL_OUT, -100, "nat" },
	{ "nat", NF_INET_POST_ROUTING, 100, "nat" },
	{ "filter", NF_INET_LOCAL_IN, 0, "filter" },
	{ "filter", NF_INET_FORWARD, 0, "filter" },
	{ "filter", NF_INET_LOCAL_OUT, 0, "filter" },
	{ "security", NF_INET_LOCAL_IN, 150, "filter" },
	{ "security", NF_INET_FORWARD, 150, "filter" },
	{ "security", NF_INET_LOCAL_OUT, 150, "filter" },
};

/* After parsing: add chains iptables lists but the kernel lacks (the
 * built-in chains of each iptables table, as not instantiated), sort. */
static void add_ipt_builtins(struct snap_ruleset *rs)
{
	size_t t, i;

	for (t = 0; t < rs->ntables; t++) {
		const struct snap_table *tb = &rs->tables[t];

		if (!tb->iptables || (tb->family != NFPROTO_IPV4 && tb->family != NFPROTO_IPV6))
			continue;
		for (i = 0; i < ARRAY_SIZE(ipt_builtins); i++) {
			const struct ipt_builtin *b = &ipt_builtins[i];
			const char *name = snapshot_hook_ipt_name(b->hook);
			struct snap_chain *ch;

			if (strcmp(b->table, tb->name) != 0 || snapshot_find_chain(rs, tb->family, tb->name, name))
				continue;
			rs->chains = xreallocarray(rs->chains, rs->nchains + 1, sizeof(*rs->chains));
			tb = &rs->tables[t];
			ch = &rs->chains[rs->nchains++];
			memset(ch, 0, sizeof(*ch));
			ch->family = tb->family;
			ch->table = xstrdup(tb->name);
			ch->name = xstrdup(name);
			ch->base = true;
			ch->hook = b->hook;
			ch->prio = b->prio;
			ch->type = xstrdup(b->type);
			ch->policy = NF_ACCEPT;
			ch->instantiated = false;
		}
	}
	snapshot_sort_chains(rs);
}

static void copy_chain_rules(struct snap_chain *d, const struct snap_chain *s)
{
	size_t i;

	d->nrules = s->nrules;
	d->rules = s->nrules ? xcalloc(s->nrules, sizeof(*d->rules)) : NULL;
	for (i = 0; i < s->nrules; i++)
		snapshot_rule_copy(&d->rules[i], &s->rules[i]);
}

struct snap_ruleset *collect_ruleset_dup(const struct snap_ruleset *s)
{
	struct snap_ruleset *d = xcalloc(1, sizeof(*d));
	size_t i;

	*d = *s;
	d->error = s->error ? xstrdup(s->error) : NULL;
	d->legacy_error = s->legacy_error ? xstrdup(s->legacy_error) : NULL;
	d->tables = s->ntables ? xcalloc(s->ntables, sizeof(*d->tables)) : NULL;
	for (i = 0; i < s->ntables; i++) {
		d->tables[i] = s->tables[i];
		d->tables[i].name = xstrdup(s->tables[i].name);
	}
	d->chains = s->nchains ? xcalloc(s->nchains, sizeof(*d->chains)) : NULL;
	for (i = 0; i < s->nchains; i++) {
		const struct snap_chain *sc = &s->chains[i];
		struct snap_chain *dc = &d->chains[i];

		*dc = *sc;
		dc->table = xstrdup(sc->table);
		dc->name = xstrdup(sc->name);
		dc->type = sc->type ? xstrdup(sc->type) : NULL;
		dc->dev = sc->dev ? xstrdup(sc->dev) : NULL;
		copy_chain_rules(dc, sc);
	}
	return d;
}

/* Tables and chains (tables reused from prev within a generation). */
struct snap_ruleset *collect_ruleset_assemble_begin(const struct collect_input *in, const struct snap_ruleset *prev,
						    char **cause)
{
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	bool same_gen = prev && prev->status == SRC_OK && prev->genid == in->genid;
	size_t i;

	rs->genid = in->genid;
	rs->status = SRC_OK;
	if (prev) {
		rs->change_pid = prev->change_pid;
		rs->change_wall = prev->change_wall;
		memcpy(rs->change_proc, prev->change_proc, sizeof(rs->change_proc));
	}
	if (in->reuse_tables || !in->tables) {
		if (!same_gen) {
			*cause = xstrdup("table dump missing for a new generation");
			goto fail;
		}
		rs->tables = prev->ntables ? xcalloc(prev->ntables, sizeof(*rs->tables)) : NULL;
		rs->ntables = prev->ntables;
		for (i = 0; i < prev->ntables; i++) {
			rs->tables[i] = prev->tables[i];
			rs->tables[i].name = xstrdup(prev->tables[i].name);
		}
	} else if (collect_parse_tables(rs, in->tables, cause) < 0) {
		goto fail;
	}
	if (collect_parse_chains(rs, in->chains, cause) < 0)
		goto fail;
	return rs;
fail:
	snapshot_ruleset_free(rs);
	return NULL;
}

/* NFTA_CHAIN_USE counts every holder of the chain (kernel nf_tables_api.c):
 * each of its own rules, and each jump or goto verdict that leads to it,
 * in a rule or in an element of a verdict map, anonymous or named.
 * References are the second part, what `iptables -L` prints as
 * "(N references)": it subtracts the rules the same way (iptables nft.c,
 * __nft_print_header). */
static void chain_references(struct snap_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->nchains; i++) {
		struct snap_chain *ch = &rs->chains[i];

		if (!ch->legacy)
			ch->use = ch->use > ch->nrules ? ch->use - (uint32_t)ch->nrules : 0;
	}
}

void collect_ruleset_assemble_finish(struct snap_ruleset *rs, const struct snap_ruleset *prev)
{
	size_t i;

	if (prev && prev->status == SRC_OK && prev->genid == rs->genid) {
		/* Chains not dumped this time keep prev's rules (same generation,
		 * same rules; their counters are as of the last dump). */
		struct chain_index pix;

		collect_chain_index_build(&pix, prev);
		for (i = 0; i < rs->nchains; i++) {
			struct snap_chain *ch = &rs->chains[i];
			const struct snap_chain *pch;

			if (ch->nrules)
				continue;
			pch = collect_chain_index_find(&pix, prev, ch->family, ch->table, ch->name);
			if (pch && pch->nrules) {
				copy_chain_rules(ch, pch);
				ch->rules_kept = true;
			}
		}
		collect_chain_index_free(&pix);
	}
	chain_references(rs);
	add_ipt_builtins(rs);
}

struct snap_ruleset *collect_ruleset_assemble(const struct collect_input *in, const struct snap_ruleset *prev,
					      char **cause)
{
	struct snap_ruleset *rs = collect_ruleset_assemble_begin(in, prev, cause);
	struct rule_text_sets *sets = NULL;
	struct rules_parser p;
	int ret;

	if (!rs)
		return NULL;
	if (in->sets && in->sets->len)
		sets = rule_text_sets_parse(in->sets->data, in->sets->len);
	/* prev of any generation lends the text of rules that did not change */
	collect_rules_parser_init(&p, rs, prev, in->from_kernel);
	p.sets = sets;
	p.text_want = in->text_want;
	p.text_arg = in->text_arg;
	ret = collect_rules_parser_feed(&p, in->rules, cause);
	collect_rules_parser_done(&p);
	rule_text_sets_free(sets);
	if (ret < 0) {
		snapshot_ruleset_free(rs);
		return NULL;
	}
	collect_ruleset_assemble_finish(rs, prev);
	return rs;
}
