/*
 * unit-collect.c - the pure half of the ruleset collector on synthetic
 * NEWTABLE/NEWCHAIN/NEWRULE messages: a rule libnftnl cannot decode is
 * shown on its own while its neighbours render; rule text is shared
 * (not copied) across refreshes, also across a generation change, and a
 * rule replaced under the same handle (`nft replace rule`) is rendered
 * again. Lazy text (the dashboard's first frame): on recorded real
 * dumps, rules whose text waits have every other field of the rendered
 * ones, and a later snapshot of the generation renders the same words.
 * No kernel here.
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
#include "rule-text.h"
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

/* ---- lazy text on recorded dumps ------------------------------------------------- */

static char *fixture_dir(void)
{
	const char *top = getenv("top_srcdir");

	return xasprintf("%s/tests/fixtures", top ? top : ".");
}

/* NEWTABLE and NEWCHAIN messages for every table and chain the rules of a
 * dump name (the fixtures hold rules and sets only). */
static void heads_of(const char *data, size_t len, struct nlbuf *t, struct nlbuf *c)
{
	const struct nlmsghdr *nlh;
	char seen[256][160];
	size_t nseen = 0, i;
	int rest = (int)len;

	for (nlh = (const struct nlmsghdr *)data; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
		const struct nlattr *a;
		const char *table = NULL, *chain = NULL;
		char key[160], tkey[160];
		bool have_chain = false, have_table = false;
		uint8_t buf[4096];
		struct nlmsghdr *m;

		if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWRULE)
			continue;
		mnl_attr_for_each(a, nlh, sizeof(*g)) {
			if (mnl_attr_get_type(a) == NFTA_RULE_TABLE)
				table = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == NFTA_RULE_CHAIN)
				chain = mnl_attr_get_str(a);
		}
		if (!table || !chain)
			continue;
		snprintf(tkey, sizeof(tkey), "%u %s", g->nfgen_family, table);
		snprintf(key, sizeof(key), "%u %s %s", g->nfgen_family, table, chain);
		for (i = 0; i < nseen; i++) {
			have_table |= strcmp(seen[i], tkey) == 0;
			have_chain |= strcmp(seen[i], key) == 0;
		}
		if (!have_table && nseen < 256) {
			m = msg_start(buf, NFT_MSG_NEWTABLE);
			((struct nfgenmsg *)mnl_nlmsg_get_payload(m))->nfgen_family = g->nfgen_family;
			mnl_attr_put_strz(m, NFTA_TABLE_NAME, table);
			mnl_attr_put_u32(m, NFTA_TABLE_FLAGS, 0);
			mnl_attr_put_u64(m, NFTA_TABLE_HANDLE, htobe64(nseen + 1));
			nlbuf_append(t, m, m->nlmsg_len);
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", tkey);
		}
		if (!have_chain && nseen < 256) {
			m = msg_start(buf, NFT_MSG_NEWCHAIN);
			((struct nfgenmsg *)mnl_nlmsg_get_payload(m))->nfgen_family = g->nfgen_family;
			mnl_attr_put_strz(m, NFTA_CHAIN_TABLE, table);
			mnl_attr_put_strz(m, NFTA_CHAIN_NAME, chain);
			mnl_attr_put_u64(m, NFTA_CHAIN_HANDLE, htobe64(1000 + nseen));
			nlbuf_append(c, m, m->nlmsg_len);
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", key);
		}
	}
}

static bool want_none(const struct snap_chain *ch, void *arg)
{
	return false;
}

/* Every other chain, by name length: some rendered, some not. */
static bool want_odd(const struct snap_chain *ch, void *arg)
{
	return strlen(ch->name) % 2 == 1;
}

static struct snap_ruleset *assemble_dump(const struct nlbuf *t, const struct nlbuf *c, const struct nlbuf *r,
					  bool (*want)(const struct snap_chain *, void *),
					  const struct snap_ruleset *prev)
{
	struct collect_input in;
	char *cause = NULL;
	struct snap_ruleset *rs;

	memset(&in, 0, sizeof(in));
	in.genid = 7;
	in.tables = t;
	in.chains = c;
	in.rules = r;
	in.sets = r;   /* the dump's NEWSET/NEWSETELEM messages, if recorded */
	in.text_want = want;
	rs = collect_ruleset_assemble(&in, prev, &cause);
	if (!rs)
		fprintf(stderr, "assemble: %s\n", cause ? cause : "?");
	free(cause);
	return rs;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* lazy against full, chain by chain: text NULL where want said no (and
 * equal where it said yes), every other field equal. Returns the rules
 * whose text waited. */
static size_t compare_lazy(const char *name, const struct snap_ruleset *full, const struct snap_ruleset *lazy,
			   bool (*want)(const struct snap_chain *, void *), size_t *jumps)
{
	size_t i, j, waited = 0;

	CHECK_INT(lazy->nchains, full->nchains);
	for (i = 0; i < full->nchains && i < lazy->nchains; i++) {
		const struct snap_chain *f = &full->chains[i], *l = &lazy->chains[i];
		bool text = !want || want(l, NULL);

		CHECK_STR(l->name, f->name);
		CHECK_INT(l->nrules, f->nrules);
		for (j = 0; j < f->nrules && j < l->nrules; j++) {
			const struct snap_rule *fr = &f->rules[j], *lr = &l->rules[j];

			if (text) {
				if (!same_str(lr->text, fr->text))
					fprintf(stderr, "%s: %s rule %zu: '%s' != '%s'\n", name, f->name, j,
						lr->text ? lr->text : "(null)", fr->text);
				CHECK(same_str(lr->text, fr->text));
			} else {
				CHECK(lr->text == NULL);
				waited++;
			}
			CHECK(lr->handle == fr->handle && lr->counted == fr->counted &&
			      lr->packets == fr->packets && lr->bytes == fr->bytes);
			if (!same_str(lr->target_chain, fr->target_chain) || lr->is_goto != fr->is_goto)
				fprintf(stderr, "%s: %s rule %zu: target %s/%d, rendered %s/%d\n", name, f->name, j,
					lr->target_chain ? lr->target_chain : "-", lr->is_goto,
					fr->target_chain ? fr->target_chain : "-", fr->is_goto);
			CHECK(same_str(lr->target_chain, fr->target_chain) && lr->is_goto == fr->is_goto);
			*jumps += fr->target_chain != NULL;
		}
	}
	return waited;
}

/* mixed: the dump has jumps, and chains both want_odd and not */
static void test_lazy_text(const char *name, bool mixed)
{
	char *dir = fixture_dir(), *path = xasprintf("%s/%s.nlmsg", dir, name);
	size_t len = 0, jumps = 0, waited, rules = 0, i;
	char *data = util_read_whole_file(path, &len);
	struct nlbuf t = { NULL, 0, 0 }, c = { NULL, 0, 0 }, r = { NULL, 0, 0 };
	struct snap_ruleset *full, *lazy, *half, *later;

	CHECK(data != NULL);
	if (!data)
		goto out;
	nlbuf_append(&r, data, len);
	heads_of(data, len, &t, &c);
	full = assemble_dump(&t, &c, &r, NULL, NULL);
	lazy = assemble_dump(&t, &c, &r, want_none, NULL);
	half = assemble_dump(&t, &c, &r, want_odd, NULL);
	CHECK(full && lazy && half);
	if (full && lazy && half) {
		for (i = 0; i < full->nchains; i++)
			rules += full->chains[i].nrules;
		waited = compare_lazy(name, full, lazy, want_none, &jumps);
		CHECK_INT(waited, rules);
		CHECK(rules > 0 && (jumps > 0 || !mixed));
		waited = compare_lazy(name, full, half, want_odd, &jumps);
		CHECK((waited > 0 && waited < rules) || !mixed);
		/* a later snapshot of the generation that wants every chain */
		later = assemble_dump(&t, &c, &r, NULL, lazy);
		CHECK(later != NULL);
		if (later)
			CHECK_INT(compare_lazy(name, full, later, NULL, &jumps), 0);
		snapshot_ruleset_free(later);
		later = assemble_dump(&t, &c, &r, NULL, half);
		if (later)
			CHECK_INT(compare_lazy(name, full, later, NULL, &jumps), 0);
		snapshot_ruleset_free(later);
		fprintf(stderr, "lazy text %s: %zu rules, %zu jumps\n", name, rules, jumps);
		/* jump targets by bisection, as a scan finds them */
		for (i = 0; i < full->nchains; i++) {
			const struct snap_chain *ch = &full->chains[i];
			size_t j;

			CHECK(snapshot_find_sibling(full, ch, ch->name) == ch);
			for (j = 0; j < ch->nrules; j++)
				if (ch->rules[j].target_chain)
					CHECK(snapshot_find_sibling(full, ch, ch->rules[j].target_chain) ==
					      snapshot_find_chain(full, ch->family, ch->table, ch->rules[j].target_chain));
			CHECK(snapshot_find_sibling(full, ch, "no-such-chain") == NULL);
		}
	}
	snapshot_ruleset_free(full);
	snapshot_ruleset_free(lazy);
	snapshot_ruleset_free(half);
out:
	nlbuf_free(&t);
	nlbuf_free(&c);
	nlbuf_free(&r);
	free(data);
	free(path);
	free(dir);
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

	/* 6. Lazy text, on recorded dumps with jumps, gotos and anonymous sets. */
	test_lazy_text("docker28", true);
	test_lazy_text("kube-proxy", true);
	test_lazy_text("firewalld", true);
	test_lazy_text("anonsets", false);
	test_lazy_text("kube-nft", true);
	return unit_status("unit-collect");
}
