/*
 * legacy-print.h - the text the iptables-legacy tools print, made from
 * snapshot chains, for tests/unit-legacy.c and tests/legacy-drv.c:
 *   legacy_print_save()  `iptables-legacy-save [-c]` without the "#" lines
 *   legacy_print_rules() `iptables-legacy -t TABLE -S`
 * Header-only (static functions): test code, not part of libiptop.
 */
#ifndef LEGACY_PRINT_H
#define LEGACY_PRINT_H

#include <inttypes.h>
#include <string.h>

#include <linux/netfilter.h>

#include "iptop.h"
#include "snapshot.h"

static const char *legacy_policy_name(int policy)
{
	return policy == NF_ACCEPT ? "ACCEPT" : policy == NF_DROP ? "DROP" : "?";
}

/* Has an earlier legacy chain of family the same table? */
static bool legacy_table_seen(const struct snap_ruleset *rs, size_t upto, uint8_t family,
			      const char *table)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (rs->chains[i].legacy && rs->chains[i].family == family &&
		    !strcmp(rs->chains[i].table, table))
			return true;
	return false;
}

/* `iptables-legacy -t TABLE -S`: -P and -N lines, then every rule. */
static void legacy_print_rules(struct strbuf *sb, const struct snap_ruleset *rs, uint8_t family,
			       const char *table, bool handles)
{
	size_t i, j;

	for (i = 0; i < rs->nchains; i++) {
		const struct snap_chain *ch = &rs->chains[i];

		if (!ch->legacy || ch->family != family || strcmp(ch->table, table))
			continue;
		if (ch->base)
			strbuf_addf(sb, "-P %s %s\n", ch->name, legacy_policy_name(ch->policy));
		else
			strbuf_addf(sb, "-N %s\n", ch->name);
	}
	for (i = 0; i < rs->nchains; i++) {
		const struct snap_chain *ch = &rs->chains[i];

		if (!ch->legacy || ch->family != family || strcmp(ch->table, table))
			continue;
		for (j = 0; j < ch->nrules; j++) {
			if (handles)
				strbuf_addf(sb, "%016" PRIx64 " ", ch->rules[j].handle);
			strbuf_addf(sb, "%s\n", ch->rules[j].text);
		}
	}
}

/* `iptables-legacy-save [-c]` (family NFPROTO_IPV4) or ip6tables-legacy-save,
 * tables in the order they were read, without the "# Generated" lines. */
static void legacy_print_save(struct strbuf *sb, const struct snap_ruleset *rs, uint8_t family,
			      bool counters)
{
	size_t t, i, j;

	for (t = 0; t < rs->nchains; t++) {
		const char *table = rs->chains[t].table;

		if (!rs->chains[t].legacy || rs->chains[t].family != family ||
		    legacy_table_seen(rs, t, family, table))
			continue;
		strbuf_addf(sb, "*%s\n", table);
		for (i = t; i < rs->nchains; i++) {
			const struct snap_chain *ch = &rs->chains[i];

			if (!ch->legacy || ch->family != family || strcmp(ch->table, table))
				continue;
			if (ch->base)
				strbuf_addf(sb, ":%s %s [%" PRIu64 ":%" PRIu64 "]\n", ch->name,
					    legacy_policy_name(ch->policy),
					    counters ? ch->policy_packets : 0,
					    counters ? ch->policy_bytes : 0);
			else
				strbuf_addf(sb, ":%s - [0:0]\n", ch->name);
		}
		for (i = t; i < rs->nchains; i++) {
			const struct snap_chain *ch = &rs->chains[i];

			if (!ch->legacy || ch->family != family || strcmp(ch->table, table))
				continue;
			for (j = 0; j < ch->nrules; j++) {
				if (counters)
					strbuf_addf(sb, "[%" PRIu64 ":%" PRIu64 "] ",
						    ch->rules[j].packets, ch->rules[j].bytes);
				strbuf_addf(sb, "%s\n", ch->rules[j].text);
			}
		}
		strbuf_add(sb, "COMMIT\n");
	}
}

#endif
