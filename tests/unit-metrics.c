/*
 * unit-metrics.c - the exposition writer: exact text in both formats for a
 * small ruleset, label escaping, --serve-rules filters, the same text
 * whatever the chunk size, series keyed by handle (an insert above moves
 * no counter line), Accept negotiation, and the set / per-CPU parsers on
 * hand-built netlink messages.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "metrics.h"
#include "unit.h"

static void add_rule(struct snap_chain *ch, uint64_t handle, bool counted, uint64_t pk, uint64_t by,
		     const char *text, const char *comment)
{
	struct snap_rule *r;

	ch->rules = xreallocarray(ch->rules, ch->nrules + 1, sizeof(*r));
	r = &ch->rules[ch->nrules++];
	memset(r, 0, sizeof(*r));
	r->handle = handle;
	r->counted = counted;
	r->packets = pk;
	r->bytes = by;
	r->text = xstrdup(text);
	r->comment = comment ? xstrdup(comment) : NULL;
	r->syntax = RULE_SYNTAX_IPT;
}

static struct snap_chain *add_chain(struct snap_ruleset *rs, const char *table, const char *name, bool base)
{
	struct snap_chain *ch;

	rs->chains = xreallocarray(rs->chains, rs->nchains + 1, sizeof(*ch));
	ch = &rs->chains[rs->nchains++];
	memset(ch, 0, sizeof(*ch));
	ch->family = NFPROTO_IPV4;
	ch->table = xstrdup(table);
	ch->name = xstrdup(name);
	ch->base = base;
	ch->hook = base ? 1 : -1;
	ch->policy = base ? NF_DROP : -1;
	ch->policy_counted = base;
	ch->policy_packets = base ? 7 : 0;
	ch->policy_bytes = base ? 700 : 0;
	ch->instantiated = true;
	return ch;
}

static struct metrics_ns *make_ns(bool inserted)
{
	struct metrics_ns *ns = xcalloc(1, sizeof(*ns));
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	struct snap_chain *ch;

	rs->genid = 42;
	ch = add_chain(rs, "filter", "INPUT", true);
	if (inserted)
		add_rule(ch, 9, true, 0, 0, "-A INPUT -s 192.0.2.9/32 -j DROP", NULL);
	add_rule(ch, 4, true, 3, 252, "-A INPUT -p icmp -m comment --comment \"allow \\\"ping\\\"\" -j ACCEPT",
		 "allow \"ping\"");
	add_rule(ch, 5, false, 0, 0, "ip saddr 198.51.100.1 drop", NULL);
	ch->rules[ch->nrules - 1].syntax = RULE_SYNTAX_NFT;
	add_chain(rs, "filter", "USER", false);
	ns->rs = rs;
	ns->netns = xstrdup("lab");
	ns->sets = xcalloc(1, sizeof(*ns->sets));
	ns->nsets = 1;
	ns->sets[0] = (struct metrics_set){ false, NFPROTO_INET, xstrdup("fw"), xstrdup("blocklist"), 3, 65536 };
	ns->ct_have_count = true;
	ns->ct_entries = 5;
	ns->ct_max = 262144;
	ns->ct_have_buckets = true;
	ns->ct_buckets = xcalloc(1, sizeof(*ns->ct_buckets));
	ns->ct_nbuckets = 1;
	snprintf(ns->ct_buckets[0].proto, sizeof(ns->ct_buckets[0].proto), "tcp");
	snprintf(ns->ct_buckets[0].state, sizeof(ns->ct_buckets[0].state), "ESTABLISHED");
	ns->ct_buckets[0].entries = 5;
	ns->ct_have_cpu = true;
	ns->ct_cpu.drop = 2;
	ns->ct_cpu.insert_failed = 1;
	ns->duration = 0.0015;
	return ns;
}

static void free_ns(struct metrics_ns *ns)
{
	snapshot_ruleset_free(ns->rs);
	metrics_sets_free(ns->sets, ns->nsets);
	free(ns->ct_buckets);
	free(ns->netns);
	free(ns);
}

static char *render(struct metrics_ns *ns, enum metrics_format f, enum metrics_rules rules, size_t chunk)
{
	struct metrics_writer w;
	struct strbuf sb, all;

	strbuf_init(&sb);
	strbuf_init(&all);
	metrics_writer_init(&w, f, rules, &ns, 1);
	for (;;) {
		bool more = metrics_writer_next(&w, &sb, chunk);

		strbuf_add(&all, sb.s ? sb.s : "");
		strbuf_reset(&sb);
		if (!more)
			break;
	}
	strbuf_free(&sb);
	return strbuf_steal(&all);
}

static const char expect_rules[] =
	"# HELP iptop_rule_packets_total Packets matched by the rule (kernel counter)\n"
	"# TYPE iptop_rule_packets_total counter\n"
	"iptop_rule_packets_total{netns=\"lab\",backend=\"nf_tables\",family=\"ip\",table=\"filter\","
	"chain=\"INPUT\",handle=\"4\",comment=\"allow \\\"ping\\\"\"} 3\n";

static void test_text(void)
{
	struct metrics_ns *ns = make_ns(false);
	char *t = render(ns, METRICS_PROMETHEUS, METRICS_RULES_ALL, 1 << 20);
	char *small = render(ns, METRICS_PROMETHEUS, METRICS_RULES_ALL, 1);
	char *om = render(ns, METRICS_OPENMETRICS, METRICS_RULES_ALL, 1 << 20);

	CHECK(strstr(t, expect_rules) != NULL);
	CHECK(strstr(t, "iptop_rule_bytes_total{netns=\"lab\",backend=\"nf_tables\",family=\"ip\",table=\"filter\","
			"chain=\"INPUT\",handle=\"4\",comment=\"allow \\\"ping\\\"\"} 252\n") != NULL);
	/* uncounted: no counter series, but its text */
	CHECK(strstr(t, "handle=\"5\"} ") == NULL);
	CHECK(strstr(t, "iptop_rule_info{netns=\"lab\",backend=\"nf_tables\",family=\"ip\",table=\"filter\","
			"chain=\"INPUT\",handle=\"5\",position=\"2\",syntax=\"nft\","
			"rule=\"ip saddr 198.51.100.1 drop\"} 1\n") != NULL);
	CHECK(strstr(t, "iptop_chain_policy_packets_total{netns=\"lab\",backend=\"nf_tables\",family=\"ip\","
			"table=\"filter\",chain=\"INPUT\"} 7\n") != NULL);
	CHECK(strstr(t, "iptop_chain_rules{netns=\"lab\",backend=\"nf_tables\",family=\"ip\",table=\"filter\","
			"chain=\"USER\"} 0\n") != NULL);
	CHECK(strstr(t, "iptop_set_elements{netns=\"lab\",backend=\"nf_tables\",family=\"inet\",table=\"fw\",set=\"blocklist\"} 3\n"));
	CHECK(strstr(t, "iptop_set_size{netns=\"lab\",backend=\"nf_tables\",family=\"inet\",table=\"fw\",set=\"blocklist\"} 65536\n"));
	CHECK(strstr(t, "iptop_conntrack_state_entries{netns=\"lab\",proto=\"tcp\",state=\"ESTABLISHED\"} 5\n"));
	CHECK(strstr(t, "iptop_conntrack_max{netns=\"lab\"} 262144\n"));
	CHECK(strstr(t, "iptop_conntrack_drop_total{netns=\"lab\"} 2\n"));
	CHECK(strstr(t, "iptop_ruleset_generation{netns=\"lab\"} 42\n"));
	CHECK(strstr(t, "# TYPE iptop_build_info gauge\niptop_build_info{version=\"" PACKAGE_VERSION "\"} 1\n"));
	CHECK(strstr(t, "iptop_up{netns=\"lab\"} 1\n"));
	CHECK(strstr(t, "# EOF") == NULL);
	/* the chunk size changes nothing */
	CHECK_STR(small, t);
	/* OpenMetrics: families without suffixes, info type, # EOF last */
	CHECK(strstr(om, "# TYPE iptop_rule_packets counter\niptop_rule_packets_total{") != NULL);
	CHECK(strstr(om, "# TYPE iptop_rule info\niptop_rule_info{") != NULL);
	CHECK(strstr(om, "# TYPE iptop_build info\n") != NULL);
	CHECK(strlen(om) > 6 && strcmp(om + strlen(om) - 6, "# EOF\n") == 0);
	free(t);
	free(small);
	free(om);
	free_ns(ns);
}

static void test_identity(void)
{
	struct metrics_ns *a = make_ns(false), *b = make_ns(true);
	char *ta = render(a, METRICS_PROMETHEUS, METRICS_RULES_ALL, 4096);
	char *tb = render(b, METRICS_PROMETHEUS, METRICS_RULES_ALL, 4096);

	/* rule 4 moved from position 1 to 2: its counter lines are the same */
	CHECK(strstr(tb, expect_rules + strlen("# HELP iptop_rule_packets_total Packets matched by the rule "
						"(kernel counter)\n# TYPE iptop_rule_packets_total counter\n")));
	CHECK(strstr(ta, "handle=\"4\",comment=\"allow \\\"ping\\\"\",position=\"1\""));
	CHECK(strstr(tb, "handle=\"4\",comment=\"allow \\\"ping\\\"\",position=\"2\""));
	free(ta);
	free(tb);
	free_ns(a);
	free_ns(b);
}

static void test_filters(void)
{
	struct metrics_ns *ns = make_ns(true);
	char *counted = render(ns, METRICS_PROMETHEUS, METRICS_RULES_COUNTED, 1 << 20);
	char *commented = render(ns, METRICS_PROMETHEUS, METRICS_RULES_COMMENTED, 1 << 20);

	CHECK(strstr(counted, "handle=\"9\"") != NULL);
	CHECK(strstr(counted, "handle=\"5\"") == NULL);
	CHECK(strstr(commented, "handle=\"9\"") == NULL);
	CHECK(strstr(commented, "handle=\"4\"") != NULL);
	CHECK(strstr(commented, "handle=\"5\"") == NULL);
	free(counted);
	free(commented);
	free_ns(ns);
}

static void test_escape_accept(void)
{
	struct strbuf sb;
	enum metrics_rules r;

	strbuf_init(&sb);
	metrics_add_label_value(&sb, "a\\b\"c\nd");
	CHECK_STR(sb.s, "\"a\\\\b\\\"c\\nd\"");
	strbuf_free(&sb);
	CHECK(metrics_format_accept(NULL) == METRICS_PROMETHEUS);
	CHECK(metrics_format_accept("text/plain") == METRICS_PROMETHEUS);
	CHECK(metrics_format_accept("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
				    "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1") ==
	      METRICS_OPENMETRICS);
	CHECK(metrics_format_accept("application/openmetrics-text;q=0,text/plain") == METRICS_PROMETHEUS);
	CHECK(metrics_format_accept("application/openmetrics-text;q=0.0") == METRICS_PROMETHEUS);
	CHECK(metrics_rules_parse("commented", &r) == 0 && r == METRICS_RULES_COMMENTED);
	CHECK(metrics_rules_parse("some", &r) < 0);
}

/* ---- parsers ---------------------------------------------------------------- */

static struct nlmsghdr *msg(char *buf, uint16_t type, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = type;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	return nlh;
}

static void test_parsers(void)
{
	static char buf[4096];
	struct metrics_set *sets;
	struct metrics_ct_cpu cpu;
	struct nlmsghdr *nlh;
	struct nlattr *nest, *el;
	size_t n, len;
	int i;

	memset(buf, 0, sizeof(buf));
	nlh = msg(buf, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWSET, NFPROTO_INET);
	mnl_attr_put_strz(nlh, NFTA_SET_TABLE, "fw");
	mnl_attr_put_strz(nlh, NFTA_SET_NAME, "blocklist");
	mnl_attr_put_u32(nlh, NFTA_SET_FLAGS, htonl(NFT_SET_INTERVAL));
	nest = mnl_attr_nest_start(nlh, NFTA_SET_DESC);
	mnl_attr_put_u32(nlh, NFTA_SET_DESC_SIZE, htonl(1000));
	mnl_attr_nest_end(nlh, nest);
	len = nlh->nlmsg_len;
	nlh = msg(buf + len, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWSET, NFPROTO_IPV4);
	mnl_attr_put_strz(nlh, NFTA_SET_TABLE, "fw");
	mnl_attr_put_strz(nlh, NFTA_SET_NAME, "__set0");
	mnl_attr_put_u32(nlh, NFTA_SET_FLAGS, htonl(NFT_SET_ANONYMOUS));
	len += nlh->nlmsg_len;
	CHECK(metrics_sets_parse(buf, len, &sets, &n) == 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(sets[0].name, "blocklist");
		CHECK_INT(sets[0].size, 1000);
		CHECK_INT(sets[0].family, NFPROTO_INET);
	}
	metrics_sets_free(sets, n);

	/* two ranges: start, end, start, end -> 2 */
	memset(buf, 0, sizeof(buf));
	nlh = msg(buf, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWSETELEM, NFPROTO_INET);
	nest = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
	for (i = 0; i < 4; i++) {
		el = mnl_attr_nest_start(nlh, 1);
		if (i % 2)
			mnl_attr_put_u32(nlh, NFTA_SET_ELEM_FLAGS, htonl(NFT_SET_ELEM_INTERVAL_END));
		mnl_attr_nest_end(nlh, el);
	}
	mnl_attr_nest_end(nlh, nest);
	CHECK_INT(metrics_set_count_elems(buf, nlh->nlmsg_len), 2);
	/* a truncated buffer counts nothing and reads nothing past it */
	CHECK_INT(metrics_set_count_elems(buf, 10), 0);

	memset(buf, 0, sizeof(buf));
	len = 0;
	for (i = 0; i < 2; i++) {
		nlh = msg(buf + len, NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_GET_STATS_CPU, AF_UNSPEC);
		mnl_attr_put_u32(nlh, CTA_STATS_DROP, htonl(3));
		mnl_attr_put_u32(nlh, CTA_STATS_SEARCH_RESTART, htonl(10 + i));
		len += nlh->nlmsg_len;
	}
	CHECK(metrics_ct_cpu_parse(buf, len, &cpu) == 0);
	CHECK_INT(cpu.drop, 6);
	CHECK_INT(cpu.search_restart, 21);
	CHECK(metrics_ct_cpu_parse(buf, 0, &cpu) < 0);
}

int main(void)
{
	test_text();
	test_identity();
	test_filters();
	test_escape_accept();
	test_parsers();
	return unit_status("unit-metrics");
}
