/*
 * fuzz-rule-text.c - the rule text decoder: one NEWRULE message, checked
 * and parsed by libnftnl as the collector does, rendered by rule_text_render() for every
 * table family, in iptables syntax (ipt) and in nft syntax. The native
 * expressions and the x_tables blobs inside compat match/target are what
 * the input steers. NEWSET/NEWSETELEM messages after the rule are its
 * anonymous sets (rule_text_sets_parse()), written inline when it looks
 * one up. Whenever rule_text_render_msg() (the first snapshot's fast
 * path, straight from the attributes) takes the message, libnftnl must
 * parse it too and every field of its text must be the same.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/rule.h>

#include "collect.h"
#include "fuzz.h"
#include "rule-text.h"

static const uint8_t families[] = {
	NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_INET, NFPROTO_ARP, NFPROTO_BRIDGE, NFPROTO_NETDEV, NFPROTO_UNSPEC,
};

int fuzz_rule_text(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	struct rule_text_sets *sets;
	struct nftnl_rule *r;
	size_t left, i;
	bool parsed;

	/* what collect-ruleset.c checks before libnftnl sees a message */
	nlh = fuzz_msg_first(data, size, &left);
	if (!nlh || nlh->nlmsg_type != (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWRULE) || !collect_nft_msg_ok(nlh))
		return 0;
	r = nftnl_rule_alloc();
	if (!r)
		return 0;
	sets = rule_text_sets_parse(data, size);
	parsed = nftnl_rule_nlmsg_parse(nlh, r) == 0;
	for (i = 0; i < sizeof(families); i++) {
		int ipt;

		for (ipt = 0; ipt < 2; ipt++) {
			struct rule_text rt, fast;
			bool took = rule_text_render_msg(nlh, families[i], ipt, &fast);

			if (took && !parsed)
				fuzz_fail("rule-text", "the fast path took a rule libnftnl refuses");
			if (!parsed)
				continue;
			memset(&rt, 0, sizeof(rt));
			rule_text_render(r, families[i], ipt, sets, &rt);
			if (took && !rule_text_same(&fast, &rt))
				fuzz_fail("rule-text: the fast path disagrees with libnftnl", fast.text);
			rule_text_free(&fast);
			rule_text_free(&rt);
		}
	}
	rule_text_sets_free(sets);
	nftnl_rule_free(r);
	return 0;
}

#ifndef FUZZ_REGRESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_rule_text(data, size);
}
#endif
