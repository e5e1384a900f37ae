/*
 * unit-collect.c - the pure half of the ruleset collector on synthetic
 * NEWTABLE/NEWCHAIN/NEWRULE messages: a rule libnftnl cannot decode is
 * shown on its own while its neighbours render; rule text is shared
 * (not copied) across refreshes, also across a generation change, and a
 * rule replaced under the same handle (`nft replace rule`) is rendered
 * again. No kernel here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>

#include "collect.h"
#include "iptop.h"
#include "nl.h"
#include "snapshot.h"
#include "unit.h"

static struct nlmsghdr *msg_start(uint8_t *buf, int type)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	memset(buf, 0, 4096);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_IPV4;
	nfg->version = NFNETLINK_V0;
	return nlh;
}

static void put_table(struct nlbuf *b)
{
	uint8_t buf[4096];
	struct nlmsghdr *nlh = msg_start(buf, NFT_MSG_NEWTABLE);

	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, "filter");
	mnl_attr_put_u32(nlh, NFTA_TABLE_FLAGS, 0);
	mnl_attr_put_u64(nlh, NFTA_TABLE_HANDLE, htobe64(1));
	nlbuf_append(b, nlh, nlh->nlmsg_len);
}

static void put_chain(struct nlbuf *b)
{
	uint8_t buf[4096];
	struct nlmsghdr *nlh = msg_start(buf, NFT_MSG_NEWCHAIN);
	struct nlattr *hook;

	mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, "filter");
	mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, "INPUT");
	mnl_attr_put_u64(nlh, NFTA_CHAIN_HANDLE, htobe64(2));
	hook = mnl_attr_nest_start(nlh, NFTA_CHAIN_HOOK);
	mnl_attr_put_u32(nlh, NFTA_HOOK_HOOKNUM, htonl(NF_INET_LOCAL_IN));
	mnl_attr_put_u32(nlh, NFTA_HOOK_PRIORITY, htonl(0));
	mnl_attr_nest_end(nlh, hook);
	mnl_attr_put_u32(nlh, NFTA_CHAIN_POLICY, htonl(NF_ACCEPT));
	mnl_attr_put_strz(nlh, NFTA_CHAIN_TYPE, "filter");
	nlbuf_append(b, nlh, nlh->nlmsg_len);
}

/* A rule: counter, then a verdict (or an expression named `bogus`). */
static void put_rule(struct nlbuf *b, uint64_t handle, uint64_t packets, const char *what)
{
	uint8_t buf[4096];
	struct nlmsghdr *nlh = msg_start(buf, NFT_MSG_NEWRULE);
	struct nlattr *list, *elem, *data, *reg, *verd;

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, "filter");
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "INPUT");
	mnl_attr_put_u64(nlh, NFTA_RULE_HANDLE, htobe64(handle));
	list = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "counter");
	data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_u64(nlh, NFTA_COUNTER_BYTES, htobe64(packets * 84));
	mnl_attr_put_u64(nlh, NFTA_COUNTER_PACKETS, htobe64(packets));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, elem);
	elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	if (strcmp(what, "bogus") == 0) {
		mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "bogus");
		data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
		mnl_attr_put_u32(nlh, 1, htonl(7));
		mnl_attr_nest_end(nlh, data);
	} else {
		mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "immediate");
		data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
		mnl_attr_put_u32(nlh, NFTA_IMMEDIATE_DREG, htonl(NFT_REG_VERDICT));
		reg = mnl_attr_nest_start(nlh, NFTA_IMMEDIATE_DATA);
		verd = mnl_attr_nest_start(nlh, NFTA_DATA_VERDICT);
		mnl_attr_put_u32(nlh, NFTA_VERDICT_CODE,
				 htonl(strcmp(what, "drop") == 0 ? NF_DROP : NF_ACCEPT));
		mnl_attr_nest_end(nlh, verd);
		mnl_attr_nest_end(nlh, reg);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, elem);
	mnl_attr_nest_end(nlh, list);
	nlbuf_append(b, nlh, nlh->nlmsg_len);
}

static struct snap_ruleset *assemble(uint32_t gen, const char *second, uint64_t packets,
				     const struct snap_ruleset *prev)
{
	struct nlbuf t = { NULL, 0, 0 }, c = { NULL, 0, 0 }, r = { NULL, 0, 0 };
	struct collect_input in;
	struct snap_ruleset *rs;
	char *cause = NULL;

	put_table(&t);
	put_chain(&c);
	put_rule(&r, 10, packets, "accept");
	put_rule(&r, 11, packets, second);
	put_rule(&r, 12, packets, "drop");
	memset(&in, 0, sizeof(in));
	in.genid = gen;
	in.tables = &t;
	in.chains = &c;
	in.rules = &r;
	rs = collect_ruleset_assemble(&in, prev, &cause);
	if (!rs)
		fprintf(stderr, "assemble: %s\n", cause ? cause : "?");
	free(cause);
	nlbuf_free(&t);
	nlbuf_free(&c);
	nlbuf_free(&r);
	return rs;
}

static const struct snap_chain *input(const struct snap_ruleset *rs)
{
	return snapshot_find_chain(rs, NFPROTO_IPV4, "filter", "INPUT");
}

int main(void)
{
	struct snap_ruleset *a, *b, *c, *d, *e;
	const struct snap_chain *ca, *cb, *cc, *cd;

	/* 1. An expression libnftnl does not know: that rule alone says so. */
	a = assemble(1, "bogus", 5, NULL);
	CHECK(a != NULL);
	if (!a)
		return unit_status("unit-collect");
	ca = input(a);
	CHECK(ca && ca->nrules == 3);
	if (!ca || ca->nrules != 3)
		return unit_status("unit-collect");
	CHECK_STR(ca->rules[0].text, "-A INPUT -j ACCEPT");
	CHECK(strncmp(ca->rules[1].text, "# rule not decoded", 18) == 0);
	CHECK(strstr(ca->rules[1].text, "handle 11") != NULL);
	CHECK(ca->rules[1].counted && ca->rules[1].packets == 5);
	CHECK_STR(ca->rules[2].text, "-A INPUT -j DROP");
	CHECK(a->status == SRC_OK);

	/* 2. Same generation, new counters: the text is shared, not copied
	 * (within a generation a handle always names the same rule). */
	b = assemble(1, "bogus", 9, a);
	cb = b ? input(b) : NULL;
	CHECK(cb && cb->nrules == 3);
	if (cb && cb->nrules == 3) {
		CHECK(cb->rules[0].text == ca->rules[0].text);
		CHECK(cb->rules[1].text == ca->rules[1].text);
		CHECK(cb->rules[0].packets == 9 && cb->rules[0].bytes == 9 * 84);
		CHECK(cb->rules[1].packets == 9);
	}

	/* 3. A new generation: unchanged rules keep their text (the old
	 * snapshots can go first without taking it along); handle 11 now
	 * holds another rule and is rendered again. */
	c = assemble(2, "accept", 12, b);
	snapshot_ruleset_free(a);
	snapshot_ruleset_free(b);
	cc = c ? input(c) : NULL;
	CHECK(cc && cc->nrules == 3);
	if (cc && cc->nrules == 3) {
		CHECK_STR(cc->rules[0].text, "-A INPUT -j ACCEPT");
		CHECK_STR(cc->rules[1].text, "-A INPUT -j ACCEPT");
		CHECK_STR(cc->rules[2].text, "-A INPUT -j DROP");
		CHECK(cc->rules[1].packets == 12);
	}

	/* 4. `nft replace rule ... handle 11`: same handle, new content. */
	d = assemble(3, "drop", 12, c);
	cd = d ? input(d) : NULL;
	CHECK(cd && cd->nrules == 3);
	if (cd && cd->nrules == 3) {
		CHECK_STR(cd->rules[1].text, "-A INPUT -j DROP");
		CHECK(cd->rules[0].text == cc->rules[0].text);
	}

	/* 5. A copy of a snapshot shares its text too, and outlives it. */
	e = d ? collect_ruleset_dup(d) : NULL;
	snapshot_ruleset_free(c);
	snapshot_ruleset_free(d);
	CHECK(e && input(e) && input(e)->nrules == 3);
	if (e && input(e) && input(e)->nrules == 3)
		CHECK_STR(input(e)->rules[1].text, "-A INPUT -j DROP");
	snapshot_ruleset_free(e);
	return unit_status("unit-collect");
}
