/*
 * metrics.c - the exposition writer of iptop --serve: metric families in
 * the Prometheus text format (0.0.4) or OpenMetrics 1.0, written a few
 * samples at a time from a cursor, so a scrape of 50,000 rules goes out in
 * chunks as the client reads them. Also the pure parsers of the replies
 * metrics-source.c reads (named sets, per-CPU conntrack statistics).
 * It reads snapshots and numbers only: no sockets, no threads.
 *
 * Series identity follows the rule, not its place: counters are keyed by
 * handle (legacy: the synthesized one), and the position goes only into
 * iptop_rule_info, so inserting a rule above another moves no counter
 * series.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/ipset/ip_set.h>

#include "metrics.h"
#include "rule-text.h"
#include "collect-observe.h"

int metrics_rules_parse(const char *s, enum metrics_rules *out)
{
	static const char *const names[] = { "all", "counted", "commented" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum metrics_rules)i;
			return 0;
		}
	}
	return -1;
}

enum metrics_format metrics_format_accept(const char *accept)
{
	const char *p = accept ? strstr(accept, "application/openmetrics-text") : NULL;
	size_t n;

	if (!p)
		return METRICS_PROMETHEUS;
	/* parameters of this media range, up to the next comma */
	n = strcspn(p, ",");
	for (const char *q = p; q < p + n; q++) {
		if (strncmp(q, "q=0", 3) == 0 && (q + 3 == p + n || q[3] == ',' || q[3] == ';' ||
						  (q[3] == '.' && strspn(q + 4, "0") == strcspn(q + 4, ",; "))))
			return METRICS_PROMETHEUS;
	}
	return METRICS_OPENMETRICS;
}

const char *metrics_content_type(enum metrics_format f)
{
	return f == METRICS_OPENMETRICS ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
					: "text/plain; version=0.0.4; charset=utf-8";
}

void metrics_add_label_value(struct strbuf *sb, const char *s)
{
	const char *p;

	strbuf_addc(sb, '"');
	for (p = s ? s : ""; *p; p++) {
		size_t n = strcspn(p, "\\\"\n");

		strbuf_addn(sb, p, n);
		p += n;
		if (!*p)
			break;
		strbuf_add(sb, *p == '\\' ? "\\\\" : *p == '"' ? "\\\"" : "\\n");
	}
	strbuf_addc(sb, '"');
}

/* ,key="value" (or {key="value" for the first label) */
static void label(struct strbuf *sb, bool first, const char *key, const char *val)
{
	strbuf_addc(sb, first ? '{' : ',');
	strbuf_add(sb, key);
	strbuf_addc(sb, '=');
	metrics_add_label_value(sb, val);
}

static void value_u64(struct strbuf *sb, uint64_t v)
{
	strbuf_add(sb, "} ");
	strbuf_add_u64(sb, v);
	strbuf_addc(sb, '\n');
}

/* ---- families ------------------------------------------------------------ */

enum fam_type { FAM_GAUGE, FAM_COUNTER, FAM_INFO };

struct family {
	const char *name;   /* without _total / _info */
	enum fam_type type;
	const char *help;
	/* Write one sample at the cursor (w->a, w->b) and advance; false when
	 * ns has no more (nothing written). */
	bool (*emit)(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
		     struct strbuf *sb);
	size_t arg;         /* which value: 1 for bytes / size / max, 0 for packets / elements /
	                     * entries; per-CPU counters: the offset in struct metrics_ct_cpu */
};

static void sample_name(struct strbuf *sb, const struct family *fam)
{
	strbuf_add(sb, fam->name);
	if (fam->type == FAM_COUNTER)
		strbuf_add(sb, "_total");
	else if (fam->type == FAM_INFO)
		strbuf_add(sb, "_info");
}

/* sample name and {netns="..." */
static void start(struct strbuf *sb, const struct family *fam, const struct metrics_ns *ns)
{
	sample_name(sb, fam);
	label(sb, true, "netns", ns->netns);
}

static bool once(struct metrics_writer *w)
{
	return w->a++ == 0;
}

static bool emit_up(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
		    struct strbuf *sb)
{
	const struct snap_ruleset *rs = ns->rs;

	if (!once(w))
		return false;
	start(sb, fam, ns);
	value_u64(sb, rs->status == SRC_OK || rs->status == SRC_CHANGING);
	return true;
}

static bool emit_source_up(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
			   struct strbuf *sb)
{
	static const char *const names[] = { "ruleset", "legacy", "sets", "conntrack" };
	enum src_status st;

	if (w->a >= ARRAY_SIZE(names))
		return false;
	switch (w->a) {
	case 0: st = ns->rs->status == SRC_CHANGING ? SRC_OK : ns->rs->status; break;
	case 1: st = ns->rs->legacy_status; break;
	case 2: st = ns->sets_status; break;
	default: st = ns->ct_status; break;
	}
	start(sb, fam, ns);
	label(sb, false, "source", names[w->a]);
	label(sb, false, "status", snapshot_status_name(st));
	value_u64(sb, st == SRC_OK);
	w->a++;
	return true;
}

static bool emit_duration(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
			  struct strbuf *sb)
{
	if (!once(w))
		return false;
	start(sb, fam, ns);
	strbuf_addf(sb, "} %.6f\n", ns->duration);
	return true;
}

static bool emit_build(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
		       struct strbuf *sb)
{
	if (w->nsi > 0 || !once(w))
		return false;
	sample_name(sb, fam);
	label(sb, true, "version", PACKAGE_VERSION);
	value_u64(sb, 1);
	return true;
}

static bool emit_generation(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
			    struct strbuf *sb)
{
	if (!once(w) || ns->rs->status == SRC_EPERM || ns->rs->status == SRC_UNAVAILABLE)
		return false;
	start(sb, fam, ns);
	value_u64(sb, ns->rs->genid);
	return true;
}

/* ---- rules and chains ------------------------------------------------------ */

static void chain_labels(struct strbuf *sb, const struct family *fam, const struct metrics_ns *ns,
			 const struct snap_chain *ch)
{
	start(sb, fam, ns);
	label(sb, false, "backend", ch->legacy ? "legacy" : "nf_tables");
	label(sb, false, "family", snapshot_family_name(ch->family));
	label(sb, false, "table", ch->table);
	label(sb, false, "chain", ch->name);
}

static bool rule_wanted(const struct metrics_writer *w, const struct family *fam, const struct snap_rule *r)
{
	if (fam->type == FAM_COUNTER && !r->counted)
		return false;
	switch (w->rules) {
	case METRICS_RULES_COUNTED: return r->counted;
	case METRICS_RULES_COMMENTED: return r->comment && *r->comment;
	default: return true;
	}
}

/* Move the cursor (a chain, b rule) to the next rule fam writes; NULL at
 * the end of ns. */
static const struct snap_rule *next_rule(struct metrics_writer *w, const struct family *fam,
					 const struct metrics_ns *ns)
{
	const struct snap_ruleset *rs = ns->rs;

	for (; w->a < rs->nchains; w->a++, w->b = 0) {
		const struct snap_chain *ch = &rs->chains[w->a];

		if (snapshot_own_table(rs, ch->family, ch->table))
			continue; /* iptop's own tables: not the user's rules */
		for (; w->b < ch->nrules; w->b++)
			if (rule_wanted(w, fam, &ch->rules[w->b]))
				return &ch->rules[w->b];
	}
	return NULL;
}

static bool emit_rule(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
		      struct strbuf *sb)
{
	const struct snap_rule *r = next_rule(w, fam, ns);
	const struct snap_chain *ch;
	char num[24];

	if (!r)
		return false;
	ch = &ns->rs->chains[w->a];
	chain_labels(sb, fam, ns, ch);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->handle);
	label(sb, false, "handle", num);
	if (r->comment && *r->comment)
		label(sb, false, "comment", r->comment);
	if (fam->type == FAM_INFO) {
		snprintf(num, sizeof(num), "%zu", w->b + 1);
		label(sb, false, "position", num);
		label(sb, false, "syntax", r->syntax == RULE_SYNTAX_NFT ? "nft" : "iptables");
		label(sb, false, "rule", r->text);
	}
	value_u64(sb, fam->type == FAM_INFO ? 1 : fam->arg ? r->bytes : r->packets);
	w->b++;
	return true;
}

static bool emit_policy(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
			struct strbuf *sb)
{
	const struct snap_ruleset *rs = ns->rs;

	for (; w->a < rs->nchains; w->a++) {
		const struct snap_chain *ch = &rs->chains[w->a];

		if (!ch->base || !ch->instantiated || !ch->policy_counted ||
		    snapshot_own_table(rs, ch->family, ch->table))
			continue;
		chain_labels(sb, fam, ns, ch);
		value_u64(sb, fam->arg ? ch->policy_bytes : ch->policy_packets);
		w->a++;
		return true;
	}
	return false;
}

static bool emit_chain_rules(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
			     struct strbuf *sb)
{
	const struct snap_ruleset *rs = ns->rs;

	for (; w->a < rs->nchains; w->a++) {
		const struct snap_chain *ch = &rs->chains[w->a];

		if (!ch->instantiated || snapshot_own_table(rs, ch->family, ch->table))
			continue;
		chain_labels(sb, fam, ns, ch);
		value_u64(sb, ch->nrules);
		w->a++;
		return true;
	}
	return false;
}

/* Packets entering each hook: iptop's observation table (--observe). */
static bool emit_hook(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
		      struct strbuf *sb)
{
	const struct snap_ruleset *rs = ns->rs;

	for (; w->a < rs->nchains; w->a++) {
		const struct snap_chain *ch = &rs->chains[w->a];
		uint64_t v = 0;
		uint8_t nfproto;
		int hook;
		size_t j;

		if (!collect_observe_chain(ch, &nfproto, &hook))
			continue;
		for (j = 0; j < ch->nrules; j++)
			v += fam->arg ? ch->rules[j].bytes : ch->rules[j].packets;
		start(sb, fam, ns);
		label(sb, false, "family", snapshot_family_name(nfproto));
		label(sb, false, "hook", snapshot_hook_name(nfproto, hook));
		value_u64(sb, v);
		w->a++;
		return true;
	}
	return false;
}

/* ---- sets and conntrack --------------------------------------------------- */

static bool emit_set(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
		     struct strbuf *sb)
{
	bool size = fam->arg;

	for (; w->a < ns->nsets; w->a++) {
		const struct metrics_set *s = &ns->sets[w->a];

		if (size && !s->size)
			continue;
		start(sb, fam, ns);
		label(sb, false, "backend", s->ipset ? "ipset" : "nf_tables");
		label(sb, false, "family", s->family ? snapshot_family_name(s->family) : "");
		label(sb, false, "table", s->table);
		label(sb, false, "set", s->name);
		value_u64(sb, size ? s->size : s->elements);
		w->a++;
		return true;
	}
	return false;
}

static bool emit_ct(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
		    struct strbuf *sb)
{
	bool max = fam->arg;

	if (!once(w) || (max ? !ns->ct_max : !ns->ct_have_count))
		return false;
	start(sb, fam, ns);
	value_u64(sb, max ? ns->ct_max : ns->ct_entries);
	return true;
}

static bool emit_ct_bucket(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
			   struct strbuf *sb)
{
	const struct metrics_ct_bucket *bk;

	if (!ns->ct_have_buckets || w->a >= ns->ct_nbuckets)
		return false;
	bk = &ns->ct_buckets[w->a++];
	start(sb, fam, ns);
	label(sb, false, "proto", bk->proto);
	label(sb, false, "state", bk->state);
	value_u64(sb, bk->entries);
	return true;
}

static bool emit_ct_cpu(struct metrics_writer *w, const struct family *fam, const struct metrics_ns *ns,
			struct strbuf *sb)
{
	uint64_t v;

	if (!once(w) || !ns->ct_have_cpu)
		return false;
	memcpy(&v, (const char *)&ns->ct_cpu + fam->arg, sizeof(v));
	start(sb, fam, ns);
	value_u64(sb, v);
	return true;
}

#define CT_CPU(field, help) \
	{ "iptop_conntrack_" #field, FAM_COUNTER, help " (kernel per-CPU statistics, summed)", emit_ct_cpu, \
	  offsetof(struct metrics_ct_cpu, field) }

static const struct family families[] = {
	{ "iptop_up", FAM_GAUGE, "1 when the ruleset of the namespace could be read", emit_up, 0 },
	{ "iptop_source_up", FAM_GAUGE, "1 when the source could be read (status says why not)", emit_source_up, 0 },
	{ "iptop_scrape_duration_seconds", FAM_GAUGE, "Time reading the namespace took for this scrape",
	  emit_duration, 0 },
	{ "iptop_build", FAM_INFO, "iptop version", emit_build, 0 },
	{ "iptop_ruleset_generation", FAM_GAUGE, "nf_tables ruleset generation (changes with every commit)",
	  emit_generation, 0 },
	{ "iptop_rule_packets", FAM_COUNTER, "Packets matched by the rule (kernel counter)", emit_rule, 0 },
	{ "iptop_rule_bytes", FAM_COUNTER, "Bytes matched by the rule (kernel counter)", emit_rule, 1 },
	{ "iptop_rule", FAM_INFO, "The rule's text and position, joined on handle", emit_rule, 0 },
	{ "iptop_chain_policy_packets", FAM_COUNTER, "Packets that met the base chain's policy", emit_policy, 0 },
	{ "iptop_chain_policy_bytes", FAM_COUNTER, "Bytes that met the base chain's policy", emit_policy, 1 },
	{ "iptop_chain_rules", FAM_GAUGE, "Rules in the chain", emit_chain_rules, 0 },
	{ "iptop_hook_packets", FAM_COUNTER, "Packets that entered the hook (--observe: iptop's own counting table)",
	  emit_hook, 0 },
	{ "iptop_hook_bytes", FAM_COUNTER, "Bytes that entered the hook (--observe: iptop's own counting table)",
	  emit_hook, 1 },
	{ "iptop_set_elements", FAM_GAUGE, "Elements in the named nf_tables set or ipset (a range counts once)",
	  emit_set, 0 },
	{ "iptop_set_size", FAM_GAUGE, "Declared maximum size of the set (nft size, ipset maxelem)", emit_set, 1 },
	{ "iptop_conntrack_entries", FAM_GAUGE, "Connection tracking entries (the kernel's count)", emit_ct, 0 },
	{ "iptop_conntrack_max", FAM_GAUGE, "nf_conntrack_max: the table's limit", emit_ct, 1 },
	{ "iptop_conntrack_state_entries", FAM_GAUGE, "Connection tracking entries by protocol and state",
	  emit_ct_bucket, 0 },
	CT_CPU(insert_failed, "Entries that could not be inserted"),
	CT_CPU(drop, "Packets dropped: the table was full and no entry could be evicted"),
	CT_CPU(early_drop, "Entries evicted early to make room in a full table"),
	CT_CPU(search_restart, "Lookups restarted because a hash resize moved entries"),
	CT_CPU(invalid, "Packets that could not be tracked"),
	CT_CPU(error, "Packets the protocol tracker refused"),
};

/* ---- the writer --------------------------------------------------------------- */

void metrics_writer_init(struct metrics_writer *w, enum metrics_format format, enum metrics_rules rules,
			 struct metrics_ns **ns, size_t nns)
{
	memset(w, 0, sizeof(*w));
	w->format = format;
	w->rules = rules;
	w->ns = ns;
	w->nns = nns;
}

static void family_header(const struct metrics_writer *w, const struct family *fam, struct strbuf *sb)
{
	static const char *const types[] = { "gauge", "counter", "info" };
	bool om = w->format == METRICS_OPENMETRICS;

	/* OpenMetrics names the family without _total / _info and has an
	 * info type; the 0.0.4 text format names the samples and has none. */
	strbuf_add(sb, "# HELP ");
	if (om)
		strbuf_add(sb, fam->name);
	else
		sample_name(sb, fam);
	strbuf_addf(sb, " %s\n# TYPE ", fam->help);
	if (om)
		strbuf_add(sb, fam->name);
	else
		sample_name(sb, fam);
	strbuf_addf(sb, " %s\n", !om && fam->type == FAM_INFO ? "gauge" : types[fam->type]);
}

bool metrics_writer_next(struct metrics_writer *w, struct strbuf *sb, size_t min_bytes)
{
	size_t start_len = sb->len;

	while (!w->done && sb->len - start_len < min_bytes) {
		const struct family *fam;

		if (w->fam >= ARRAY_SIZE(families)) {
			if (w->format == METRICS_OPENMETRICS)
				strbuf_add(sb, "# EOF\n");
			w->done = true;
			break;
		}
		fam = &families[w->fam];
		if (!w->header_done) {
			family_header(w, fam, sb);
			w->header_done = true;
			w->nsi = 0;
			w->a = w->b = 0;
		}
		if (w->nsi < w->nns && fam->emit(w, fam, w->ns[w->nsi], sb))
			continue;
		if (w->nsi < w->nns) {
			w->nsi++;
			w->a = w->b = 0;
			continue;
		}
		w->fam++;
		w->header_done = false;
	}
	return !w->done;
}

/* ---- parsers of what metrics-source.c reads ----------------------------------- */

struct attrs {
	const struct nlattr *tb[64];   /* > NFTA_SET_MAX, CTA_STATS_MAX, IPSET_ATTR_CMD_MAX, IPSET_ATTR_CREATE_MAX */
	unsigned max;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	unsigned type = mnl_attr_get_type(attr);

	/* newer than we know: skip */
	if (type <= a->max && type < ARRAY_SIZE(a->tb))
		a->tb[type] = attr;
	return MNL_CB_OK;
}

static const struct nlmsghdr *msg_first(const void *buf, size_t len, int *rem)
{
	*rem = (int)len;
	return mnl_nlmsg_ok(buf, *rem) ? buf : NULL;
}

static const struct nlmsghdr *msg_next(const struct nlmsghdr *nlh, int *rem)
{
	nlh = mnl_nlmsg_next(nlh, rem);
	return mnl_nlmsg_ok(nlh, *rem) ? nlh : NULL;
}

/* parse the attributes after the nfgenmsg header; -1 when malformed */
static int parse_nf(const struct nlmsghdr *nlh, unsigned max, struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->max = max;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return -1;
	return mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, a) < 0 ? -1 : 0;
}

static int attr_nested(const struct nlattr *nest, unsigned max, struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->max = max;
	return mnl_attr_parse_nested(nest, attr_cb, a) < 0 ? -1 : 0;
}

static const char *attr_str(const struct nlattr *a)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return NULL;
	return mnl_attr_get_str(a);
}

static uint32_t attr_u32(const struct nlattr *a)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return 0;
	return ntohl(mnl_attr_get_u32(a));
}

void metrics_sets_free(struct metrics_set *sets, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(sets[i].table);
		free(sets[i].name);
	}
	free(sets);
}

static struct metrics_set *set_add(struct metrics_set **sets, size_t *n, bool ipset, uint8_t family,
				   const char *table, const char *name)
{
	struct metrics_set *s;

	*sets = xreallocarray(*sets, *n + 1, sizeof(**sets));
	s = &(*sets)[(*n)++];
	memset(s, 0, sizeof(*s));
	s->ipset = ipset;
	s->family = family;
	s->table = xstrdup(table);
	s->name = xstrdup(name);
	return s;
}

void metrics_ipsets_parse(const void *buf, size_t len, struct metrics_set **sets, size_t *n)
{
	const struct nlmsghdr *nlh;
	int rem;

	for (nlh = msg_first(buf, len, &rem); nlh; nlh = msg_next(nlh, &rem)) {
		struct metrics_set *s;
		const char *name;
		struct attrs a, d;

		if (NFNL_MSG_TYPE(nlh->nlmsg_type) != IPSET_CMD_LIST || parse_nf(nlh, IPSET_ATTR_CMD_MAX, &a) < 0)
			continue;
		name = attr_str(a.tb[IPSET_ATTR_SETNAME]);
		if (!name || !a.tb[IPSET_ATTR_DATA] || attr_nested(a.tb[IPSET_ATTR_DATA], IPSET_ATTR_CREATE_MAX, &d) < 0)
			continue;
		s = set_add(sets, n, true,
			    a.tb[IPSET_ATTR_FAMILY] && mnl_attr_validate(a.tb[IPSET_ATTR_FAMILY], MNL_TYPE_U8) == 0
				    ? mnl_attr_get_u8(a.tb[IPSET_ATTR_FAMILY])
				    : 0,
			    "", name);
		s->size = attr_u32(d.tb[IPSET_ATTR_MAXELEM]);
		s->elements = attr_u32(d.tb[IPSET_ATTR_ELEMENTS]);
	}
}

int metrics_sets_parse(const void *buf, size_t len, struct metrics_set **sets, size_t *n)
{
	const struct nlmsghdr *nlh;
	int rem;

	*sets = NULL;
	*n = 0;
	for (nlh = msg_first(buf, len, &rem); nlh; nlh = msg_next(nlh, &rem)) {
		struct rule_text_newset ns;

		if (!rule_text_set_newset(nlh, &ns) || (ns.flags & NFT_SET_ANONYMOUS))
			continue;
		set_add(sets, n, false, ns.family, ns.table, ns.name)->size = ns.size;
	}
	return 0;
}

uint64_t metrics_set_count_elems(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh;
	uint64_t count = 0;
	int rem;

	for (nlh = msg_first(buf, len, &rem); nlh; nlh = msg_next(nlh, &rem)) {
		const struct nlattr *e, *f;
		struct attrs a;

		if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWSETELEM ||
		    parse_nf(nlh, NFTA_SET_ELEM_LIST_MAX, &a) < 0 || !a.tb[NFTA_SET_ELEM_LIST_ELEMENTS])
			continue;
		mnl_attr_for_each_nested(e, a.tb[NFTA_SET_ELEM_LIST_ELEMENTS]) {
			uint32_t flags = 0;

			/* the end of a range is an element of its own in the
			 * kernel; nft shows the range once */
			mnl_attr_for_each_nested(f, e)
				if (mnl_attr_get_type(f) == NFTA_SET_ELEM_FLAGS)
					flags = attr_u32(f);
			if (!(flags & NFT_SET_ELEM_INTERVAL_END))
				count++;
		}
	}
	return count;
}

int metrics_ct_cpu_parse(const void *buf, size_t len, struct metrics_ct_cpu *out)
{
	static const struct {
		unsigned attr;
		size_t off;
	} map[] = {
		{ CTA_STATS_FOUND, offsetof(struct metrics_ct_cpu, found) },
		{ CTA_STATS_INVALID, offsetof(struct metrics_ct_cpu, invalid) },
		{ CTA_STATS_INSERT, offsetof(struct metrics_ct_cpu, insert) },
		{ CTA_STATS_INSERT_FAILED, offsetof(struct metrics_ct_cpu, insert_failed) },
		{ CTA_STATS_DROP, offsetof(struct metrics_ct_cpu, drop) },
		{ CTA_STATS_EARLY_DROP, offsetof(struct metrics_ct_cpu, early_drop) },
		{ CTA_STATS_ERROR, offsetof(struct metrics_ct_cpu, error) },
		{ CTA_STATS_SEARCH_RESTART, offsetof(struct metrics_ct_cpu, search_restart) },
	};
	const struct nlmsghdr *nlh;
	int rem, cpus = 0;

	memset(out, 0, sizeof(*out));
	for (nlh = msg_first(buf, len, &rem); nlh; nlh = msg_next(nlh, &rem)) {
		struct attrs a;
		size_t i;

		if (NFNL_MSG_TYPE(nlh->nlmsg_type) != IPCTNL_MSG_CT_GET_STATS_CPU ||
		    parse_nf(nlh, CTA_STATS_MAX, &a) < 0)
			continue;
		cpus++;
		for (i = 0; i < ARRAY_SIZE(map); i++) {
			uint64_t v;

			memcpy(&v, (char *)out + map[i].off, sizeof(v));
			v += attr_u32(a.tb[map[i].attr]);
			memcpy((char *)out + map[i].off, &v, sizeof(v));
		}
	}
	return cpus ? 0 : -1;
}
