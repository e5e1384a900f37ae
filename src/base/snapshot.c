/*
 * snapshot.c - freeing, finding and ordering snapshot objects, and the
 * names of families, hooks and source states. No netlink parsing here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "snapshot.h"

bool snapshot_change_is_iptop(uint32_t pid, const char *proc)
{
	/* iptop changes a ruleset only for its trace table. */
	return pid == (uint32_t)getpid() || strcmp(proc, "iptop") == 0;
}

const char *snapshot_status_name(enum src_status st)
{
	switch (st) {
	case SRC_OK: return "ok";
	case SRC_EPERM: return "permission denied";
	case SRC_UNAVAILABLE: return "unavailable";
	case SRC_CHANGING: return "ruleset changing";
	case SRC_STALE: return "stale";
	case SRC_ERROR: return "error";
	case SRC_OFF: return "off";
	}
	return "?";
}

void snapshot_strs_unref(struct snap_strs *s)
{
	if (!s || --s->refs)
		return;
	free(s->text);
	free(s->target_chain);
	free(s->comment);
	free(s);
}

void snapshot_rule_share(struct snap_rule *r)
{
	struct snap_strs *s;

	if (r->strs)
		return;
	s = xcalloc(1, sizeof(*s));
	s->refs = 1;
	s->text = r->text;
	s->target_chain = r->target_chain;
	s->comment = r->comment;
	r->strs = s;
}

void snapshot_rule_copy(struct snap_rule *d, const struct snap_rule *s)
{
	*d = *s;
	if (s->strs) {
		s->strs->refs++;
		return;
	}
	d->text = s->text ? xstrdup(s->text) : NULL;
	d->target_chain = s->target_chain ? xstrdup(s->target_chain) : NULL;
	d->comment = s->comment ? xstrdup(s->comment) : NULL;
}

static void free_chain(struct snap_chain *ch)
{
	size_t i;

	for (i = 0; i < ch->nrules; i++) {
		struct snap_rule *r = &ch->rules[i];

		if (r->strs) {
			snapshot_strs_unref(r->strs);
			continue;
		}
		free(r->text);
		free(r->target_chain);
		free(r->comment);
	}
	free(ch->rules);
	free(ch->table);
	free(ch->name);
	free(ch->type);
	free(ch->dev);
}

void snapshot_ruleset_free(struct snap_ruleset *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->nchains; i++)
		free_chain(&rs->chains[i]);
	for (i = 0; i < rs->ntables; i++)
		free(rs->tables[i].name);
	free(rs->chains);
	free(rs->tables);
	free(rs->error);
	free(rs->legacy_error);
	free(rs);
}

struct snap_chain *snapshot_find_chain(const struct snap_ruleset *rs, uint8_t family,
				       const char *table, const char *name)
{
	return snapshot_find_chain_in(rs, family, table, name, false);
}

struct snap_chain *snapshot_find_chain_in(const struct snap_ruleset *rs, uint8_t family, const char *table,
					  const char *name, bool legacy)
{
	size_t i;

	for (i = 0; i < rs->nchains; i++) {
		struct snap_chain *ch = &rs->chains[i];

		if (ch->legacy == legacy && ch->family == family && strcmp(ch->table, table) == 0 &&
		    strcmp(ch->name, name) == 0)
			return ch;
	}
	return NULL;
}

static int family_rank(uint8_t f);
static int cmp_chain(const void *a, const void *b);

struct snap_chain *snapshot_find_sibling(const struct snap_ruleset *rs, const struct snap_chain *ch,
					 const char *name)
{
	/* The key of a user chain of ch's table: chains are sorted by
	 * snapshot_sort_chains, so bisect (a chain tree at 50k rules looks
	 * up a thousand jump targets per frame). A base chain's name, or a
	 * ruleset not sorted, falls through to the scan. */
	struct snap_chain key = { .family = ch->family, .table = ch->table, .name = (char *)name,
				  .legacy = ch->legacy };
	size_t lo = 0, hi = rs->nchains, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp_chain(&key, &rs->chains[mid]);

		if (r == 0)
			return &rs->chains[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (i = 0; i < rs->nchains; i++) {
		struct snap_chain *c = &rs->chains[i];

		if (c->legacy == ch->legacy && c->family == ch->family && strcmp(c->table, ch->table) == 0 &&
		    strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

struct snap_table *snapshot_find_table(const struct snap_ruleset *rs, uint8_t family,
				       const char *name)
{
	size_t i;

	for (i = 0; i < rs->ntables; i++)
		if (rs->tables[i].family == family && strcmp(rs->tables[i].name, name) == 0)
			return &rs->tables[i];
	return NULL;
}

const char *snapshot_family_name(uint8_t family)
{
	switch (family) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET: return "inet";
	case NFPROTO_ARP: return "arp";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_NETDEV: return "netdev";
	}
	return "unknown";
}

const char *snapshot_hook_name(uint8_t family, int hook)
{
	if (family == NFPROTO_NETDEV)
		return hook == 0 ? "ingress" : hook == 1 ? "egress" : "?";
	if (family == NFPROTO_ARP)
		return hook == 0 ? "input" : hook == 1 ? "output" : hook == 2 ? "forward" : "?";
	switch (hook) {
	case NF_INET_PRE_ROUTING: return "prerouting";
	case NF_INET_LOCAL_IN: return "input";
	case NF_INET_FORWARD: return "forward";
	case NF_INET_LOCAL_OUT: return "output";
	case NF_INET_POST_ROUTING: return "postrouting";
	case 5: return "ingress"; /* NF_INET_INGRESS */
	}
	return "?";
}

bool snapshot_own_table(const struct snap_ruleset *rs, uint8_t family, const char *name)
{
	const struct snap_table *t;

	if (family != NFPROTO_INET || strncmp(name, "iptop_", 6) != 0)
		return false;
	t = snapshot_find_table(rs, family, name);
	return t && (t->flags & NFT_TABLE_F_OWNER);
}

const char *snapshot_hook_ipt_name(int hook)
{
	static const char *const names[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

	if (hook >= 0 && hook < (int)ARRAY_SIZE(names))
		return names[hook];
	return NULL;
}

static int family_rank(uint8_t f)
{
	switch (f) {
	case NFPROTO_IPV4: return 0;
	case NFPROTO_IPV6: return 1;
	case NFPROTO_INET: return 2;
	case NFPROTO_BRIDGE: return 3;
	case NFPROTO_ARP: return 4;
	case NFPROTO_NETDEV: return 5;
	}
	return 6;
}

static int cmp_chain(const void *a, const void *b)
{
	const struct snap_chain *x = a, *y = b;
	int r;

	if (x->family != y->family)
		return family_rank(x->family) - family_rank(y->family);
	r = strcmp(x->table, y->table);
	if (r)
		return r;
	if (x->legacy != y->legacy)
		return x->legacy ? 1 : -1; /* nf_tables first, then legacy */
	if (x->base != y->base)
		return x->base ? -1 : 1;
	if (x->base) {
		if (x->hook != y->hook)   /* from the message: any int, no subtraction */
			return x->hook < y->hook ? -1 : 1;
		if (x->prio != y->prio)
			return x->prio < y->prio ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

void snapshot_sort_chains(struct snap_ruleset *rs)
{
	if (rs->nchains > 1)
		qsort(rs->chains, rs->nchains, sizeof(*rs->chains), cmp_chain);
}
