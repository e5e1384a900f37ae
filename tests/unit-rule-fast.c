/*
 * unit-rule-fast.c - the two ways rule text is made agree: every NEWRULE
 * message of every fixture (tests/fixtures/NAME.nlmsg, real dumps) is
 * rendered straight from its attributes (rule_text_render_msg(), the first
 * snapshot's fast path) and through libnftnl (rule_text_render()), for
 * every family and both syntaxes; whenever the fast path takes a rule, all
 * of struct rule_text must be the same. The fast path must also actually
 * be taken: for every rule the libnftnl path writes in iptables words
 * (Docker, Kubernetes, ufw, libvirt, fail2ban and the x_tables fixtures). Then hand-made messages it must
 * refuse (an unknown attribute, a duplicate, a lookup).
 *
 * usage: unit-rule-fast [DIR]   (DIR: $top_srcdir/tests/fixtures)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "iptop.h"
#include "rule-text.h"
#include "unit.h"

static const uint8_t families[] = { NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_INET, NFPROTO_ARP, NFPROTO_BRIDGE };

/* Totals over a dump: rules, taken by the fast path as the collector
 * calls it, written in iptables words by libnftnl's path. */
struct tally {
	size_t rules, fast, ipt;
};

/* One message both ways, for (family, ipt); true when the fast path took it. */
static bool both_ways(const struct nlmsghdr *nlh, const struct nftnl_rule *r, uint8_t family, bool ipt)
{
	struct rule_text slow, fast;
	bool took = rule_text_render_msg(nlh, family, ipt, &fast);

	if (!took) {
		CHECK(fast.text == NULL && fast.target_chain == NULL && fast.comment == NULL);
		return false;
	}
	rule_text_render(r, family, ipt, NULL, &slow);
	if (!rule_text_same(&fast, &slow)) {
		CHECK(!"fast path and libnftnl disagree");
		fprintf(stderr, "  family %u ipt %d\n  libnftnl: %s\n  fast:     %s\n", family, ipt, slow.text,
			fast.text);
	}
	CHECK(fast.syntax == RULE_SYNTAX_IPT);
	rule_text_free(&slow);
	rule_text_free(&fast);
	return true;
}

static void check_dump(const char *path, struct tally *t)
{
	size_t len, i;
	char *data = util_read_whole_file(path, &len);
	const struct nlmsghdr *nlh;
	int rest = (int)len;

	CHECK(data != NULL);
	if (!data)
		return;
	for (nlh = (const struct nlmsghdr *)data; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		struct nftnl_rule *r;
		struct rule_text rt;
		uint8_t family;
		bool ipt;
		int k;

		if (nlh->nlmsg_type != (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWRULE))
			continue;
		r = nftnl_rule_alloc();
		CHECK(nftnl_rule_nlmsg_parse(nlh, r) == 0);
		family = (uint8_t)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
		ipt = rule_text_ipt_table(family, nftnl_rule_get_str(r, NFTNL_RULE_TABLE));
		t->rules++;
		t->fast += both_ways(nlh, r, family, ipt);
		rule_text_render(r, family, ipt, NULL, &rt);
		t->ipt += rt.syntax == RULE_SYNTAX_IPT && (family == NFPROTO_IPV4 || family == NFPROTO_IPV6);
		rule_text_free(&rt);
		for (i = 0; i < sizeof(families); i++)
			for (k = 0; k < 2; k++)
				both_ways(nlh, r, families[i], k);
		nftnl_rule_free(r);
	}
	free(data);
}

static void test_fixtures(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct tally sum = { 0 };
	char path[8192];

	CHECK(d != NULL);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		struct tally t = { 0 };

		if (l <= 6 || strcmp(de->d_name + l - 6, ".nlmsg"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		check_dump(path, &t);
		if (!t.rules)
			continue;
		fprintf(stderr, "fixture %.*s: %zu rules, %zu in iptables words, %zu by the fast path\n",
			(int)(l - 6), de->d_name, t.rules, t.ipt, t.fast);
		CHECK_INT(t.fast, t.ipt);
		sum.rules += t.rules;
		sum.fast += t.fast;
		sum.ipt += t.ipt;
	}
	closedir(d);
	fprintf(stderr, "all fixtures: %zu rules, %zu in iptables words, %zu by the fast path\n", sum.rules,
		sum.ipt, sum.fast);
	CHECK(sum.fast > 0);
}

/* --- messages it must refuse -------------------------------------------- */

/* "-A INPUT -p tcp -j ACCEPT" as iptables-nft 1.8.9 writes it. */
static struct nftnl_rule *tcp_accept(void)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e;
	uint8_t tcp = 6;

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "filter");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "INPUT");
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, 7);
	e = nftnl_expr_alloc("meta");
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("cmp");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &tcp, 1);
	nftnl_rule_add_expr(r, e);
	nftnl_rule_add_expr(r, nftnl_expr_alloc("counter"));
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
	nftnl_rule_add_expr(r, e);
	return r;
}

static struct nlmsghdr *build(char *buf, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_IPV4;
	nftnl_rule_nlmsg_build_payload(nlh, r);
	return nlh;
}

static void test_refused(void)
{
	char buf[4096];
	struct nftnl_rule *r = tcp_accept();
	struct nftnl_expr *e;
	struct nlmsghdr *nlh = build(buf, r);
	struct rule_text rt;

	/* taken as built, and agreeing */
	CHECK(both_ways(nlh, r, NFPROTO_IPV4, true));
	CHECK(rule_text_render_msg(nlh, NFPROTO_IPV4, true, &rt));
	CHECK_STR(rt.text, "-A INPUT -p tcp -j ACCEPT");
	rule_text_free(&rt);
	/* nft tables, other families: libnftnl's path */
	CHECK(!rule_text_render_msg(nlh, NFPROTO_IPV4, false, &rt));
	CHECK(!rule_text_render_msg(nlh, NFPROTO_BRIDGE, true, &rt));
	/* an attribute newer than the reader */
	mnl_attr_put_u32(nlh, NFTA_RULE_MAX + 1, 0);
	CHECK(!rule_text_render_msg(nlh, NFPROTO_IPV4, true, &rt));
	/* a second chain */
	nlh = build(buf, r);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "OUTPUT");
	CHECK(!rule_text_render_msg(nlh, NFPROTO_IPV4, true, &rt));
	/* an expression it does not read */
	e = nftnl_expr_alloc("lookup");
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, "s");
	nftnl_rule_add_expr(r, e);
	nlh = build(buf, r);
	CHECK(!rule_text_render_msg(nlh, NFPROTO_IPV4, true, &rt));
	nftnl_rule_free(r);
	/* a payload write (a statement: nft words) */
	r = tcp_accept();
	e = nftnl_expr_alloc("payload");
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 1);
	nftnl_rule_add_expr(r, e);
	nlh = build(buf, r);
	CHECK(!rule_text_render_msg(nlh, NFPROTO_IPV4, true, &rt));
	nftnl_rule_free(r);
}

int main(int argc, char **argv)
{
	char dir[4096];
	const char *top = getenv("top_srcdir");

	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else
		snprintf(dir, sizeof(dir), "%s/tests/fixtures", top ? top : ".");
	test_fixtures(dir);
	test_refused();
	return unit_status("unit-rule-fast");
}
