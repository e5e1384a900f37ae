/*
 * unit-rule-text.c - rule rendering checked against the system's own
 * tools. Each tests/fixtures/NAME.nlmsg is a real NFT_MSG_GETRULE dump
 * (tools/nlrec) and NAME.expected what `iptables -S`, `ip6tables -S` and
 * `nft list table` printed for the same ruleset (tests/rulesets/regen.sh).
 * Every rule is rendered and compared in order per (family, table, chain):
 *   -A lines   must come out in iptables syntax, word for word; an option
 *              the decoder marks "[?]" (undecoded blob) is counted apart;
 *   @nft lines must come out in nft syntax, either equal or close: same
 *              first and last word, nearly all of nft's words present.
 *              A dump that holds its anonymous sets (NEWSET/NEWSETELEM,
 *              recorded since tools/nlrec dumps them) must list them
 *              inline as nft does; in an older dump "@__setN" stands for
 *              nft's "{ ... }".
 * Then synthetic rules for encodings this machine's iptables does not
 * write (compat tcp/udp/mark blobs of <= 1.8.7, odd or broken blobs).
 *
 * usage: unit-rule-text [--fixtures-only] [DIR]
 *   DIR defaults to $top_srcdir/tests/fixtures (tests/rule-text-live.test
 *   passes a directory it just regenerated with this machine's tools).
 */
#include <dirent.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_NFLOG.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_set.h>
#include <linux/netfilter_ipv6/ip6t_frag.h>
#include <linux/netfilter/xt_string.h>
#include <linux/netfilter/xt_u32.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "iptop.h"
#include "rule-text.h"
#include "unit.h"
#include "ipset-names.h"

/* --- fixtures ------------------------------------------------------------ */

struct line {
	char *key;       /* "family table chain" */
	char *text;      /* iptables line, or nft words without "@nft CHAIN " */
	bool nft;
};

struct lines {
	struct line *v;
	size_t n, cap;
};

static void lines_add(struct lines *l, const char *key, const char *text, bool nft)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].key = xstrdup(key);
	l->v[l->n].text = xstrdup(text);
	l->v[l->n].nft = nft;
	l->n++;
}

static void lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].text);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Totals over all fixtures, printed at the end. */
static struct {
	unsigned int ipt, ipt_exact, ipt_undecoded;
	unsigned int nft, nft_exact, nft_sets, nft_close;
	unsigned int failed;
} tally;

static bool read_expected(const char *path, struct lines *out)
{
	size_t len;
	char *data = util_read_whole_file(path, &len), *line, *save = NULL;
	char table[128] = "";

	if (!data)
		return false;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[512], chain[256];

		if (line[0] == '*') {
			snprintf(table, sizeof(table), "%s", line + 1);
		} else if ((!strncmp(line, "-A ", 3) || !strncmp(line, "-P ", 3)) &&
			   sscanf(line + 3, "%255s", chain) == 1) {
			/* -P: an ebtables user chain's policy, a rule in nf_tables */
			snprintf(key, sizeof(key), "%s %s", table, chain);
			lines_add(out, key, line, false);
		} else if (!strncmp(line, "@nft ", 5) && sscanf(line + 5, "%255s", chain) == 1) {
			snprintf(key, sizeof(key), "%s %s", table, chain);
			lines_add(out, key, line + 5 + strlen(chain) + 1, true);
		}
	}
	free(data);
	return true;
}

static const char *family_name(uint8_t f)
{
	switch (f) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	}
	return "?";
}

/* The renderer's lines for a dump, plus checks of the other fields.
 * *has_sets: the dump holds set messages. */
static bool render_dump(const char *path, struct lines *out, bool *has_sets)
{
	size_t len;
	char *data = util_read_whole_file(path, &len);
	const struct nlmsghdr *nlh;
	struct rule_text_sets *sets;
	int rest = (int)len;

	*has_sets = false;
	if (!data)
		return false;
	sets = rule_text_sets_parse(data, len);
	for (nlh = (const struct nlmsghdr *)data; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest))
		if ((nlh->nlmsg_type & 0xff) == NFT_MSG_NEWSET)
			*has_sets = true;
	rest = (int)len;
	for (nlh = (const struct nlmsghdr *)data; mnl_nlmsg_ok(nlh, rest);
	     nlh = mnl_nlmsg_next(nlh, &rest)) {
		struct nftnl_rule *r;
		struct rule_text rt;
		uint8_t family;
		const char *table, *chain;
		char key[512], word[300];

		if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWRULE)
			continue;
		r = nftnl_rule_alloc();
		CHECK(nftnl_rule_nlmsg_parse(nlh, r) == 0);
		family = (uint8_t)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
		table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
		chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
		rule_text_render(r, family, rule_text_ipt_table(family, table), sets, &rt);
		snprintf(key, sizeof(key), "%s %s %s", family_name(family), table, chain);
		lines_add(out, key, rt.text, rt.syntax == RULE_SYNTAX_NFT);

		/* the side fields agree with the words */
		if (rt.target_chain) {
			if (rt.syntax == RULE_SYNTAX_IPT)
				snprintf(word, sizeof(word), " -%c %s", rt.is_goto ? 'g' : 'j',
					 rt.target_chain);
			else
				snprintf(word, sizeof(word), "%s %s", rt.is_goto ? "goto" : "jump",
					 rt.target_chain);
			CHECK(strstr(rt.text, word) != NULL);
		} else if (rt.syntax == RULE_SYNTAX_IPT) {
			CHECK(!strstr(rt.text, " -g "));
		} else if (!strncmp(rt.text, "jump ", 5) || !strncmp(rt.text, "goto ", 5) ||
			   strstr(rt.text, " jump ") || strstr(rt.text, " goto ")) {
			/* only inside a map, or as words of a comment/prefix */
			CHECK(strstr(rt.text, "vmap") || strchr(rt.text, '"'));
		}
		if (strstr(rt.text, "-m comment --comment") || strstr(rt.text, " comment \""))
			CHECK(rt.comment != NULL);
		if (rt.syntax == RULE_SYNTAX_NFT)	/* a named counter is an object, not counted here */
			CHECK(rt.counted == (strstr(rt.text, "counter") != NULL &&
					     strstr(rt.text, "counter name ") == NULL));
		if (rt.counted)
			CHECK(rt.packets == 0 && rt.bytes == 0);	/* fresh namespaces */
		rule_text_free(&rt);
		nftnl_rule_free(r);
	}
	rule_text_sets_free(sets);
	free(data);
	return true;
}

/* "-m NAME [?]" stands for NAME's options: match the words around it. */
static bool matches_undecoded(const char *got, const char *want)
{
	const char *q = strstr(got, " [?]"), *tail;
	size_t head;

	if (!q)
		return false;
	head = (size_t)(q - got);
	if (strncmp(got, want, head) != 0 || (want[head] != ' ' && want[head] != '\0'))
		return false;
	tail = q + 4;
	if (strstr(tail, " [?]"))
		return false;	/* one marker per rule is enough for the fixtures */
	return strlen(want) >= strlen(tail) + head &&
	       !strcmp(want + strlen(want) - strlen(tail), tail);
}

/* Equal once nft's inline anonymous sets "{ ... }" are read as "@__setN". */
static bool equal_modulo_sets(const char *got, const char *want)
{
	while (*got && *want) {
		if (!strncmp(got, "@__set", 6) || !strncmp(got, "@__map", 6)) {
			const char *close;

			if (*want != '{' || !(close = strstr(want, " }")))
				return false;
			got += 6;
			while (*got >= '0' && *got <= '9')
				got++;
			want = close + 2;
			continue;
		}
		if (*got++ != *want++)
			return false;
	}
	return *got == *want;
}

/* Close enough: same first and last word, and at most a fifth of nft's
 * words missing from ours. */
static bool close_words(const char *got, const char *want)
{
	char *g = xstrdup(got), *w = xstrdup(want), *tok, *save = NULL;
	const char *gl = strrchr(got, ' '), *wl = strrchr(want, ' ');
	size_t gf = strcspn(got, " "), wf = strcspn(want, " ");
	unsigned int total = 0, found = 0;
	bool ok;

	for (tok = strtok_r(w, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		total++;
		if (strstr(g, tok))
			found++;
	}
	ok = gf == wf && !strncmp(got, want, gf) && gl && wl && !strcmp(gl, wl) &&
	     found * 5 >= total * 4;
	free(g);
	free(w);
	return ok;
}

/* --- nft words: exact, and never a raw dump ------------------------------ */

/* Fixtures of nft words (tests/rulesets/nft-words*) pin nft's text word
 * for word: "close" is not enough there. */
static bool strict_fixture(const char *name)
{
	return !strncmp(name, "nft-words", 9);
}

/* Raw forms the nft renderer falls back to when it cannot name a field
 * or operand. They may appear only where nft prints them too, or next to
 * the "[?]" marker that says the rule was not fully decoded. */
static void check_no_raw(const char *name, const struct line *got, const struct line *want)
{
	static const char *const raw[] = { "@ll,", "@nh,", "@th,", "@ih,", "exthdr @", "exthdr op ",
					   "[reg]", "unspec", "[cmp]", "[range]", "tcp option @" };
	size_t i;

	if (strstr(got->text, "[?]"))
		return;
	for (i = 0; i < ARRAY_SIZE(raw); i++) {
		unit_checks++;
		if (strstr(got->text, raw[i]) && !(want && strstr(want->text, raw[i]))) {
			unit_failures++;
			tally.failed++;
			fprintf(stderr, "%s: [%s] raw \"%s\" without a marker: %s\n", name, got->key,
				raw[i], got->text);
		}
	}
}

/* has_sets: the dump held its anonymous sets, so they must be inline. */
static void compare_one(const char *name, const struct line *got, const struct line *want, bool has_sets)
{
	check_no_raw(name, got, want);
	if (!want->nft) {
		tally.ipt++;
		if (!got->nft && !strcmp(got->text, want->text)) {
			tally.ipt_exact++;
			return;
		}
		if (!got->nft && matches_undecoded(got->text, want->text)) {
			tally.ipt_undecoded++;
			return;
		}
	} else {
		tally.nft++;
		if (got->nft && !strcmp(got->text, want->text)) {
			tally.nft_exact++;
			return;
		}
		if (got->nft && !has_sets && equal_modulo_sets(got->text, want->text)) {
			tally.nft_sets++;
			return;
		}
		if (got->nft && !strict_fixture(name) && close_words(got->text, want->text)) {
			tally.nft_close++;
			fprintf(stderr, "%s: [%s] close, not equal:\n  - %s\n  + %s\n", name, want->key,
				want->text, got->text);
			return;
		}
	}
	tally.failed++;
	unit_failures++;
	fprintf(stderr, "%s: [%s] mismatch:\n  - %s%s\n  + %s%s\n", name, want->key,
		want->nft ? "@nft " : "", want->text, got->nft ? "@nft " : "", got->text);
}

/* Compare in order within each (family, table, chain). */
static void compare(const char *name, const struct lines *got, const struct lines *want, bool has_sets)
{
	bool *done = xcalloc(want->n ? want->n : 1, sizeof(bool));
	size_t i, j, k;

	for (i = 0; i < want->n; i++) {
		const char *key = want->v[i].key;
		size_t ng = 0, nw = 0;

		if (done[i])
			continue;
		for (j = 0; j < want->n; j++)
			nw += !strcmp(want->v[j].key, key);
		for (j = 0; j < got->n; j++)
			ng += !strcmp(got->v[j].key, key);
		unit_checks++;
		if (ng != nw) {
			unit_failures++;
			tally.failed++;
			fprintf(stderr, "%s: [%s] %zu rules rendered, %zu expected\n", name, key, ng, nw);
		}
		for (j = i, k = 0; j < want->n; j++) {
			if (strcmp(want->v[j].key, key))
				continue;
			done[j] = true;
			while (k < got->n && strcmp(got->v[k].key, key))
				k++;
			if (k == got->n)
				break;
			compare_one(name, &got->v[k++], &want->v[j], has_sets);
		}
	}
	for (k = 0; k < got->n; k++) {	/* chains only we have */
		for (j = 0; j < want->n && strcmp(want->v[j].key, got->v[k].key); j++)
			;
		unit_checks++;
		if (j == want->n) {
			check_no_raw(name, &got->v[k], NULL);
			unit_failures++;
			tally.failed++;
			fprintf(stderr, "%s: [%s] rendered but not expected: %s\n", name, got->v[k].key,
				got->v[k].text);
		}
	}
	free(done);
}

/* --- ipset names of a fixture ------------------------------------------ */

/* The xt-ext fixtures exist to show every extension decoded: no rule
 * may keep a "[?]" or an unnamed "[ipset N]". */
static void fixture_all_decoded(const char *name, const struct lines *got)
{
	size_t i;

	if (strncmp(name, "xt-ext", 6) != 0)
		return;
	for (i = 0; i < got->n; i++) {
		CHECK(!test_undecoded(got->v[i].text));
		if (test_undecoded(got->v[i].text))
			fprintf(stderr, "%s: not decoded: %s\n", name, got->v[i].text);
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_fixtures(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, path[8192];
	size_t n = 0, cap = 0, i;

	CHECK(d != NULL);
	if (!d) {
		fprintf(stderr, "cannot open fixture directory %s\n", dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		/* NAME.expected marks a rule-text fixture; other modules keep
		 * their own recordings in the same directory */
		if (l > 9 && !strcmp(de->d_name + l - 9, ".expected")) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				names = xreallocarray(names, cap, sizeof(*names));
			}
			names[n++] = xstrndup(de->d_name, l - 9);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	CHECK(n > 0);
	for (i = 0; i < n; i++) {
		struct lines got = { 0 }, want = { 0 };
		bool has_sets;

		snprintf(path, sizeof(path), "%s/%s.expected", dir, names[i]);
		CHECK(read_expected(path, &want));
		snprintf(path, sizeof(path), "%s/%s.ipsets", dir, names[i]);
		test_ipsets_load(path);
		snprintf(path, sizeof(path), "%s/%s.nlmsg", dir, names[i]);
		CHECK(render_dump(path, &got, &has_sets));
		rule_text_ipset_names(NULL, NULL);
		CHECK(want.n > 0);
		compare(names[i], &got, &want, has_sets);
		fixture_all_decoded(names[i], &got);
		fprintf(stderr, "fixture %s: %zu rules\n", names[i], want.n);
		lines_free(&got);
		lines_free(&want);
		free(names[i]);
	}
	free(names);
}

/* --- synthetic rules -------------------------------------------------- */

static struct nftnl_rule *rule_new(uint8_t family, const char *table, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

static void add_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void add_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void add_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

static void add_u8_cmp(struct nftnl_rule *r, uint32_t op, uint8_t v)
{
	add_cmp(r, op, &v, 1);
}

static void add_xt(struct nftnl_rule *r, bool match, const char *name, uint32_t rev,
		   const void *info, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc(match ? "match" : "target");
	void *copy = xmalloc(len);

	/* libnftnl keeps (and later frees) the info pointer it is given */
	memcpy(copy, info, len);
	nftnl_expr_set_str(e, match ? NFTNL_EXPR_MT_NAME : NFTNL_EXPR_TG_NAME, name);
	nftnl_expr_set_u32(e, match ? NFTNL_EXPR_MT_REV : NFTNL_EXPR_TG_REV, rev);
	nftnl_expr_set(e, match ? NFTNL_EXPR_MT_INFO : NFTNL_EXPR_TG_INFO, copy, len);
	nftnl_rule_add_expr(r, e);
}

static void add_counter(struct nftnl_rule *r, uint64_t pkts, uint64_t bytes)
{
	struct nftnl_expr *e = nftnl_expr_alloc("counter");

	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, pkts);
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, bytes);
	nftnl_rule_add_expr(r, e);
}

static void add_verdict(struct nftnl_rule *r, int32_t v, const char *chain)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	if (chain)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	nftnl_rule_add_expr(r, e);
}

/* Render, compare, free. */
static void expect(struct nftnl_rule *r, uint8_t family, bool ipt, enum rule_syntax syntax,
		   const char *want)
{
	struct rule_text rt;

	rule_text_render(r, family, ipt, NULL, &rt);
	CHECK_STR(rt.text, want);
	CHECK_INT(rt.syntax, syntax);
	rule_text_free(&rt);
	CHECK(rt.text == NULL && rt.comment == NULL && rt.target_chain == NULL);
	nftnl_rule_free(r);
}

/* iptables <= 1.8.7: ports, flags and marks as compat blobs. */
static void test_old_blobs(void)
{
	struct nftnl_rule *r;
	uint8_t blob[64];
	struct xt_tcp tcp;
	struct xt_udp udp;
	struct xt_mark_mtinfo1 mark;
	struct rule_text rt;

	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	add_meta(r, NFT_META_L4PROTO);
	add_u8_cmp(r, NFT_CMP_EQ, IPPROTO_TCP);
	memset(&tcp, 0, sizeof(tcp));
	tcp.spts[1] = 0xffff;
	tcp.dpts[0] = tcp.dpts[1] = 80;
	memset(blob, 0, sizeof(blob));
	memcpy(blob, &tcp, sizeof(tcp));
	add_xt(r, true, "tcp", 0, blob, 16);	/* XT_ALIGN()ed */
	add_counter(r, 7, 420);
	add_verdict(r, NF_ACCEPT, NULL);
	rule_text_render(r, NFPROTO_IPV4, true, NULL, &rt);
	CHECK_STR(rt.text, "-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT");
	CHECK(rt.counted && rt.packets == 7 && rt.bytes == 420);
	CHECK(rt.target_chain == NULL && rt.comment == NULL);
	rule_text_free(&rt);
	nftnl_rule_free(r);

	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	add_meta(r, NFT_META_L4PROTO);
	add_u8_cmp(r, NFT_CMP_EQ, IPPROTO_UDP);
	memset(&udp, 0, sizeof(udp));
	udp.spts[0] = udp.spts[1] = 53;
	udp.dpts[0] = 1000;
	udp.dpts[1] = 2000;
	udp.invflags = XT_UDP_INV_DSTPT;
	add_xt(r, true, "udp", 0, &udp, sizeof(udp));
	add_verdict(r, NF_DROP, NULL);
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A INPUT -p udp -m udp --sport 53 ! --dport 1000:2000 -j DROP");

	r = rule_new(NFPROTO_IPV6, "filter", "FORWARD");
	add_meta(r, NFT_META_L4PROTO);
	add_u8_cmp(r, NFT_CMP_EQ, IPPROTO_TCP);
	memset(&tcp, 0, sizeof(tcp));
	tcp.spts[1] = tcp.dpts[1] = 0xffff;
	tcp.flg_mask = 0x17;
	tcp.flg_cmp = 0x02;
	tcp.invflags = XT_TCP_INV_FLAGS;
	add_xt(r, true, "tcp", 0, &tcp, sizeof(tcp));
	add_verdict(r, NFT_GOTO, "syn-flood");
	rule_text_render(r, NFPROTO_IPV6, true, NULL, &rt);
	CHECK_STR(rt.text, "-A FORWARD -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -g syn-flood");
	CHECK_STR(rt.target_chain, "syn-flood");
	CHECK(rt.is_goto);
	rule_text_free(&rt);
	nftnl_rule_free(r);

	r = rule_new(NFPROTO_IPV4, "mangle", "PREROUTING");
	mark.mark = 0x1;
	mark.mask = 0xff;
	mark.invert = 1;
	add_xt(r, true, "mark", 1, &mark, sizeof(mark));
	add_verdict(r, NFT_JUMP, "marked");
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A PREROUTING -m mark ! --mark 0x1/0xff -j marked");
}

/* iptables >= 1.8.10: -p as payload; 1.8.0-1.8.2: comment in userdata. */
static void test_new_encodings(void)
{
	static const uint8_t udata[] = { 0, 12, 'a', ' ', '"', 'q', '"', ' ', 'n', 'o', 't', 'e', '!', 0 };
	struct nftnl_rule *r;
	uint8_t port[2] = { 0, 22 };
	struct rule_text rt;

	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 9, 1);
	add_u8_cmp(r, NFT_CMP_EQ, IPPROTO_TCP);
	add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	add_cmp(r, NFT_CMP_EQ, port, 2);
	add_counter(r, 0, 0);
	add_verdict(r, NF_ACCEPT, NULL);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, udata, sizeof(udata));
	rule_text_render(r, NFPROTO_IPV4, true, NULL, &rt);
	CHECK_STR(rt.text, "-A INPUT -p tcp -m tcp --dport 22 -m comment --comment \"a \\\"q\\\" note!\" -j ACCEPT");
	CHECK_STR(rt.comment, "a \"q\" note!");
	rule_text_free(&rt);
	nftnl_rule_free(r);

	/* the same rule in a native table: nft words */
	r = rule_new(NFPROTO_INET, "fw", "input");
	add_meta(r, NFT_META_L4PROTO);
	add_u8_cmp(r, NFT_CMP_EQ, IPPROTO_TCP);
	add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	add_cmp(r, NFT_CMP_EQ, port, 2);
	add_counter(r, 0, 0);
	add_verdict(r, NF_ACCEPT, NULL);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, udata, sizeof(udata));
	rule_text_render(r, NFPROTO_INET, false, NULL, &rt);
	CHECK_STR(rt.text, "tcp dport 22 counter accept comment \"a \"q\" note!\"");
	CHECK_INT(rt.syntax, RULE_SYNTAX_NFT);
	CHECK(rt.counted);
	rule_text_free(&rt);
	nftnl_rule_free(r);

	/* ip6tables: -p from ip6 nexthdr (1.8.9 misreads it as -m hl) */
	r = rule_new(NFPROTO_IPV6, "filter", "INPUT");
	add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 6, 1);
	add_u8_cmp(r, NFT_CMP_NEQ, IPPROTO_UDP);
	add_verdict(r, NF_DROP, NULL);
	expect(r, NFPROTO_IPV6, true, RULE_SYNTAX_IPT, "-A INPUT ! -p udp -j DROP");
}

/* Blobs the decoders do not know, or cannot trust, are marked "[?]". */
static void test_odd_blobs(void)
{
	struct nftnl_rule *r;
	uint8_t blob[256];
	struct nf_nat_range range;

	memset(blob, 0, sizeof(blob));
	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	add_xt(r, true, "frobnicate", 0, blob, 8);
	add_xt(r, false, "BLAST", 1, blob, 8);
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT, "-A INPUT -m frobnicate [?] -j BLAST [?]");

	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	add_xt(r, true, "conntrack", 3, blob, 8);	/* far too short */
	add_xt(r, true, "conntrack", 9, blob, 256);	/* unknown revision */
	add_verdict(r, NF_ACCEPT, NULL);
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A INPUT -m conntrack [?] -m conntrack [?] -j ACCEPT");

	/* SNAT revision 1 (nf_nat_range) on IPv4, which iptables never writes */
	memset(&range, 0, sizeof(range));
	range.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	inet_pton(AF_INET, "192.0.2.1", &range.min_addr.in);
	range.max_addr = range.min_addr;
	range.min_proto.tcp.port = htons(1000);
	range.max_proto.tcp.port = htons(2000);
	r = rule_new(NFPROTO_IPV4, "nat", "POSTROUTING");
	add_xt(r, false, "SNAT", 1, &range, sizeof(range));
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A POSTROUTING -j SNAT --to-source 192.0.2.1:1000-2000");
}

/* conntrack revisions 1 and 2 (older kernels / iptables), DNAT revision
 * 0, an NFLOG blob: layouts iptables 1.8.9 on this kernel does not write. */
static void test_old_revisions(void)
{
	struct nftnl_rule *r;
	struct xt_conntrack_mtinfo1 c1;
	struct xt_conntrack_mtinfo2 c2;
	struct nf_nat_ipv4_multi_range_compat mrc;
	struct xt_nflog_info nflog;

	memset(&c1, 0, sizeof(c1));
	c1.match_flags = XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS;
	c1.state_mask = XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED) |
			XT_CONNTRACK_STATE_BIT(IP_CT_RELATED);
	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	add_xt(r, true, "conntrack", 1, &c1, sizeof(c1));
	add_verdict(r, NF_ACCEPT, NULL);
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT");

	memset(&c2, 0, sizeof(c2));
	c2.match_flags = XT_CONNTRACK_STATUS | XT_CONNTRACK_ORIGDST_PORT | XT_CONNTRACK_STATE;
	c2.invert_flags = XT_CONNTRACK_STATE;
	c2.state_mask = XT_CONNTRACK_STATE_INVALID;
	c2.status_mask = IPS_ASSURED;
	c2.origdst_port = htons(80);	/* revisions < 3 keep one port, big endian */
	r = rule_new(NFPROTO_IPV6, "filter", "INPUT");
	add_xt(r, true, "conntrack", 2, &c2, sizeof(c2));
	add_verdict(r, NF_DROP, NULL);
	expect(r, NFPROTO_IPV6, true, RULE_SYNTAX_IPT,
	       "-A INPUT -m conntrack ! --ctstate INVALID --ctorigdstport 80 --ctstatus ASSURED -j DROP");

	memset(&mrc, 0, sizeof(mrc));
	mrc.rangesize = 1;
	mrc.range[0].flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	inet_pton(AF_INET, "10.0.0.1", &mrc.range[0].min_ip);
	mrc.range[0].max_ip = mrc.range[0].min_ip;
	mrc.range[0].min.tcp.port = mrc.range[0].max.tcp.port = htons(80);
	r = rule_new(NFPROTO_IPV4, "nat", "PREROUTING");
	add_xt(r, false, "DNAT", 0, &mrc, sizeof(mrc));
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A PREROUTING -j DNAT --to-destination 10.0.0.1:80");

	memset(&nflog, 0, sizeof(nflog));
	nflog.group = 9;
	nflog.threshold = 2;
	snprintf(nflog.prefix, sizeof(nflog.prefix), "blob");
	r = rule_new(NFPROTO_IPV4, "filter", "OUTPUT");
	add_xt(r, false, "NFLOG", 0, &nflog, sizeof(nflog));
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A OUTPUT -j NFLOG --nflog-prefix blob --nflog-group 9 --nflog-threshold 2");
}

/* Rules iptables cannot say stay in nft words, whatever the table. */
static void test_nft_fallback(void)
{
	struct nftnl_rule *r;
	struct nftnl_expr *e;
	uint32_t zero = 0, est = 2;

	/* ct state established: a native ct expression */
	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	e = nftnl_expr_alloc("ct");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("bitwise");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 4);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &est, 4);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 4);
	nftnl_rule_add_expr(r, e);
	add_cmp(r, NFT_CMP_NEQ, &zero, 4);
	add_counter(r, 1, 2);
	add_verdict(r, NF_ACCEPT, NULL);
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_NFT, "ct state established counter accept");

	/* two targets: iptables would print only the last one */
	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	e = nftnl_expr_alloc("log");
	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, 2);
	nftnl_rule_add_expr(r, e);
	add_verdict(r, NF_ACCEPT, NULL);
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_NFT, "log group 2 accept");

	/* an expression nobody here knows */
	r = rule_new(NFPROTO_INET, "t", "c");
	e = nftnl_expr_alloc("tunnel");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_TUNNEL_KEY, 0);
		nftnl_expr_set_u32(e, NFTNL_EXPR_TUNNEL_DREG, NFT_REG_1);
		nftnl_rule_add_expr(r, e);
		add_verdict(r, NF_DROP, NULL);
		expect(r, NFPROTO_INET, false, RULE_SYNTAX_NFT, "[tunnel] drop");
	} else {
		nftnl_rule_free(r);
	}

	/* an empty rule: iptables shows just the chain */
	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT, "-A INPUT");
	r = rule_new(NFPROTO_INET, "t", "c");
	expect(r, NFPROTO_INET, false, RULE_SYNTAX_NFT, "");
}

/* --- anonymous sets (synthetic: what nft never writes) ------------------ */

static void put_msg(struct strbuf *sb, struct nlmsghdr *nlh)
{
	strbuf_addn(sb, (const char *)nlh, nlh->nlmsg_len);
}

static struct nlmsghdr *nft_msg(char *buf, int msg, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | msg;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	return nlh;
}

/* NEWSET of inet table "t": key type 13 (inet_service) of key_len bytes. */
static void put_set(struct strbuf *sb, const char *name, uint32_t flags, uint32_t key_len)
{
	char buf[512] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = nft_msg(buf, NFT_MSG_NEWSET, NFPROTO_INET);
	mnl_attr_put_strz(nlh, NFTA_SET_TABLE, "t");
	mnl_attr_put_strz(nlh, NFTA_SET_NAME, name);
	mnl_attr_put_u32(nlh, NFTA_SET_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFTA_SET_KEY_TYPE, htonl(13));
	mnl_attr_put_u32(nlh, NFTA_SET_KEY_LEN, htonl(key_len));
	put_msg(sb, nlh);
}

/* NEWSETELEM: one element per key (klen bytes each), flags per element. */
static void put_elems(struct strbuf *sb, const char *set, const uint8_t *keys, uint32_t klen,
		      const uint32_t *flags, size_t n)
{
	char buf[1024] __attribute__((aligned(4)));
	struct nlattr *list, *el, *key;
	struct nlmsghdr *nlh;
	size_t i;

	memset(buf, 0, sizeof(buf));
	nlh = nft_msg(buf, NFT_MSG_NEWSETELEM, NFPROTO_INET);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, "t");
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	list = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
	for (i = 0; i < n; i++) {
		el = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
		if (!(flags[i] & NFT_SET_ELEM_CATCHALL)) {
			key = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_KEY);
			mnl_attr_put(nlh, NFTA_DATA_VALUE, klen, keys + i * klen);
			mnl_attr_nest_end(nlh, key);
		}
		if (flags[i])
			mnl_attr_put_u32(nlh, NFTA_SET_ELEM_FLAGS, htonl(flags[i]));
		mnl_attr_nest_end(nlh, el);
	}
	mnl_attr_nest_end(nlh, list);
	put_msg(sb, nlh);
}

/* "tcp dport" looked up in set name of table t. */
static struct nftnl_rule *lookup_rule(const char *name)
{
	struct nftnl_rule *r = rule_new(NFPROTO_INET, "t", "c");
	struct nftnl_expr *e;

	add_meta(r, NFT_META_L4PROTO);
	add_u8_cmp(r, NFT_CMP_EQ, IPPROTO_TCP);
	add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	e = nftnl_expr_alloc("lookup");
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, name);
	nftnl_rule_add_expr(r, e);
	add_verdict(r, NF_ACCEPT, NULL);
	return r;
}

static void expect_sets(const struct rule_text_sets *sets, const char *name, const char *want)
{
	struct nftnl_rule *r = lookup_rule(name);
	struct rule_text rt;

	rule_text_render(r, NFPROTO_INET, false, sets, &rt);
	CHECK_STR(rt.text, want);
	rule_text_free(&rt);
	nftnl_rule_free(r);
}

static void test_anon_sets(void)
{
	static const uint8_t ports[] = { 0x01, 0xbb, 0x00, 0x16, 0x00, 0x50 };	/* 443 22 80 */
	static const uint8_t range[] = { 0x03, 0xe8, 0x07, 0xd1 };	/* [1000, 2001) */
	static const uint8_t top[] = { 0x00, 0x00, 0xff, 0x00 };	/* end at 0, [65280, top] */
	static const uint8_t wide[] = { 0, 0, 0, 22 };
	static const uint32_t none[3] = { 0, 0, 0 };
	static const uint32_t ival[2] = { 0, NFT_SET_ELEM_INTERVAL_END };
	static const uint32_t endfirst[2] = { NFT_SET_ELEM_INTERVAL_END, 0 };
	static const uint32_t catchall[1] = { NFT_SET_ELEM_CATCHALL };
	struct rule_text_sets *sets;
	struct strbuf sb;

	strbuf_init(&sb);
	put_set(&sb, "__set0", NFT_SET_ANONYMOUS | NFT_SET_CONSTANT, 2);
	put_elems(&sb, "__set0", ports, 2, none, 3);
	put_set(&sb, "__set1", NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | NFT_SET_INTERVAL, 2);
	put_elems(&sb, "__set1", range, 2, ival, 2);
	put_set(&sb, "__set2", NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | NFT_SET_INTERVAL, 2);
	put_elems(&sb, "__set2", top, 2, endfirst, 2);
	put_set(&sb, "named", 0, 2);
	put_elems(&sb, "named", ports, 2, none, 3);
	put_set(&sb, "__set3", NFT_SET_ANONYMOUS, 4);	/* keys longer than the lookup's */
	put_elems(&sb, "__set3", wide, 4, none, 1);
	put_set(&sb, "__set4", NFT_SET_ANONYMOUS, 2);
	put_elems(&sb, "__set4", ports, 2, catchall, 1);
	put_elems(&sb, "__set9", ports, 2, none, 3);	/* no NEWSET: dropped */
	sets = rule_text_sets_parse(sb.s, sb.len);

	expect_sets(sets, "__set0", "tcp dport { 22, 80, 443 } accept");	/* sorted */
	expect_sets(sets, "__set1", "tcp dport { 1000-2000 } accept");
	expect_sets(sets, "__set2", "tcp dport { 65280-65535 } accept");
	expect_sets(sets, "named", "tcp dport @named accept");
	expect_sets(sets, "__set3", "tcp dport { 0x00000016 } accept");	/* set's type: no fit */
	expect_sets(sets, "__set4", "tcp dport { * } accept");
	expect_sets(sets, "__set9", "tcp dport @__set9 accept");
	expect_sets(NULL, "__set0", "tcp dport @__set0 accept");
	CHECK(rule_text_sets_hash(sets, NFPROTO_INET, "t", "__set0") != 0);
	CHECK(rule_text_sets_hash(sets, NFPROTO_INET, "t", "__set0") !=
	      rule_text_sets_hash(sets, NFPROTO_INET, "t", "__set1"));
	CHECK(rule_text_sets_hash(sets, NFPROTO_INET, "t", "named") == 0);
	CHECK(rule_text_sets_hash(sets, NFPROTO_IPV4, "t", "__set0") == 0);
	rule_text_sets_free(sets);

	/* garbage: truncated, or no messages at all */
	sets = rule_text_sets_parse(sb.s, sb.len / 3);
	rule_text_sets_free(sets);
	sets = rule_text_sets_parse(NULL, 0);
	expect_sets(sets, "__set0", "tcp dport @__set0 accept");
	rule_text_sets_free(sets);
	strbuf_free(&sb);
}

static void test_ipt_table(void)
{
	CHECK(rule_text_ipt_table(NFPROTO_IPV4, "filter"));
	CHECK(rule_text_ipt_table(NFPROTO_IPV6, "security"));
	CHECK(rule_text_ipt_table(NFPROTO_IPV4, "raw"));
	CHECK(rule_text_ipt_table(NFPROTO_ARP, "filter"));
	CHECK(rule_text_ipt_table(NFPROTO_BRIDGE, "broute"));
	CHECK(!rule_text_ipt_table(NFPROTO_INET, "filter"));
	CHECK(!rule_text_ipt_table(NFPROTO_IPV4, "docker-bridges"));
	CHECK(!rule_text_ipt_table(NFPROTO_ARP, "nat"));
	CHECK(!rule_text_ipt_table(NFPROTO_IPV4, NULL));
}

/* nft words: a field nft has no name for comes out raw, with the "[?]"
 * marker on its statement only; a known bit field under a mask is named. */
static void test_nft_words_raw(void)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 }, zero[4] = { 0 };
	static const uint8_t m[2] = { 0x0f, 0xff }, vid[2] = { 0x00, 0x64 };
	struct nftnl_rule *r;
	struct nftnl_expr *e;

	/* an inet table with no `meta nfproto` before it: no header known */
	r = rule_new(NFPROTO_INET, "t", "c");
	add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4);
	add_cmp(r, NFT_CMP_EQ, v4, 4);
	add_verdict(r, NF_DROP, NULL);
	expect(r, NFPROTO_INET, false, RULE_SYNTAX_NFT, "@nh,96,32 0xc0000201 [?] drop");

	/* an unknown fib result */
	r = rule_new(NFPROTO_INET, "t", "c");
	e = nftnl_expr_alloc("fib");
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, 0);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	nftnl_rule_add_expr(r, e);
	add_cmp(r, NFT_CMP_NEQ, zero, 4);
	add_counter(r, 0, 0);
	expect(r, NFPROTO_INET, false, RULE_SYNTAX_NFT, "fib daddr unspec != missing [?] counter");

	/* bridge: vlan id under `ether type 8021q`, which it implies */
	r = rule_new(NFPROTO_BRIDGE, "t", "c");
	add_payload(r, NFT_PAYLOAD_LL_HEADER, 12, 2);
	add_cmp(r, NFT_CMP_EQ, (const uint8_t[]){ 0x81, 0x00 }, 2);
	add_payload(r, NFT_PAYLOAD_LL_HEADER, 14, 2);
	e = nftnl_expr_alloc("bitwise");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 2);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, m, 2);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, 2);
	nftnl_rule_add_expr(r, e);
	add_cmp(r, NFT_CMP_EQ, vid, 2);
	add_verdict(r, NF_ACCEPT, NULL);
	expect(r, NFPROTO_BRIDGE, false, RULE_SYNTAX_NFT, "vlan id 100 accept");
}

/* arptables words only for what arptables itself lists right: a masked
 * MAC address (arptables 1.8.9 drops it) stays in nft words. */
static void test_arp_words(void)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 }, mask[6] = { 0xff, 0xff, 0xff, 0, 0, 0 };
	struct nftnl_rule *r;
	struct nftnl_expr *e;
	int masked;

	for (masked = 0; masked < 2; masked++) {
		r = rule_new(NFPROTO_ARP, "filter", "INPUT");
		add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 0, 2);
		add_cmp(r, NFT_CMP_EQ, (const uint8_t[]){ 0, 1 }, 2);
		add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 4, 1);
		add_u8_cmp(r, NFT_CMP_EQ, 6);
		add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 5, 1);
		add_u8_cmp(r, NFT_CMP_EQ, 4);
		add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 6);
		if (masked) {
			e = nftnl_expr_alloc("bitwise");
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 6);
			nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, 6);
			nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, (const uint8_t[6]){ 0 }, 6);
			nftnl_rule_add_expr(r, e);
		}
		add_cmp(r, NFT_CMP_EQ, mac, 6);
		add_verdict(r, NF_ACCEPT, NULL);
		if (masked)
			expect(r, NFPROTO_ARP, true, RULE_SYNTAX_NFT,
			       "arp htype 1 arp hlen 6 arp plen 4 arp saddr ether 02:00:00:00:00:00/24 accept");
		else
			expect(r, NFPROTO_ARP, true, RULE_SYNTAX_IPT,
			       "-A INPUT -j ACCEPT --src-mac 02:00:00:00:00:00");
	}
}

/* ebtables words only for a rule ebtables-nft could have written: the
 * counter after every match and before the verdict, no goto; a policy
 * marker on anything but a bare ACCEPT/DROP rule is not a policy. */
static void test_ebt_words(void)
{
	static const uint8_t policy_tlv[] = { 1, 4, 1, 0, 0, 0 };
	static const uint8_t ip[2] = { 0x08, 0x00 };
	struct nftnl_rule *r;
	int shape;

	for (shape = 0; shape < 6; shape++) {
		r = rule_new(NFPROTO_BRIDGE, "filter", "FORWARD");
		if (shape == 1)
			add_counter(r, 0, 0);	/* before the match: not ebtables' */
		add_payload(r, NFT_PAYLOAD_LL_HEADER, 12, 2);
		add_cmp(r, NFT_CMP_EQ, ip, 2);
		if (shape != 0 && shape != 1)
			add_counter(r, 0, 0);
		if (shape == 3)
			add_verdict(r, NFT_GOTO, "X");
		else if (shape != 5)
			add_verdict(r, NF_ACCEPT, NULL);
		if (shape == 4)	/* a policy rule with a match */
			nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, policy_tlv, sizeof(policy_tlv));
		switch (shape) {
		case 0:
			expect(r, NFPROTO_BRIDGE, true, RULE_SYNTAX_NFT, "ether type ip accept");
			break;
		case 1:
			expect(r, NFPROTO_BRIDGE, true, RULE_SYNTAX_NFT, "counter ether type ip accept");
			break;
		case 2:
			expect(r, NFPROTO_BRIDGE, true, RULE_SYNTAX_IPT, "-A FORWARD -p IPv4 -j ACCEPT");
			break;
		case 3: {
			struct rule_text rt;

			rule_text_render(r, NFPROTO_BRIDGE, true, NULL, &rt);
			CHECK_INT(rt.syntax, RULE_SYNTAX_NFT);
			CHECK(rt.is_goto);
			rule_text_free(&rt);
			nftnl_rule_free(r);
			break;
		}
		case 4:
			expect(r, NFPROTO_BRIDGE, true, RULE_SYNTAX_NFT, "ether type ip counter accept");
			break;
		default:
			expect(r, NFPROTO_BRIDGE, true, RULE_SYNTAX_IPT, "-A FORWARD -p IPv4 -j CONTINUE");
			break;
		}
	}
	/* the hidden policy rule of a user chain */
	r = rule_new(NFPROTO_BRIDGE, "filter", "MYCHAIN");
	add_counter(r, 0, 0);
	add_verdict(r, NF_DROP, NULL);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, policy_tlv, sizeof(policy_tlv));
	expect(r, NFPROTO_BRIDGE, true, RULE_SYNTAX_IPT, "-P MYCHAIN DROP");
	/* three matches: ebtables 1.8.9 would list only the first and last */
	for (shape = 2; shape <= 3; shape++) {
		struct rule_text rt;
		int i;

		r = rule_new(NFPROTO_BRIDGE, "filter", "FORWARD");
		for (i = 0; i < shape; i++) {
			struct nftnl_expr *e = nftnl_expr_alloc("limit");

			nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, 60);
			nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, 60);
			nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, 5);
			nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
			nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_FLAGS, 0);
			nftnl_rule_add_expr(r, e);
		}
		add_counter(r, 0, 0);
		rule_text_render(r, NFPROTO_BRIDGE, true, NULL, &rt);
		CHECK_INT(rt.syntax, shape == 2 ? RULE_SYNTAX_IPT : RULE_SYNTAX_NFT);
		if (shape == 2)
			CHECK_STR(rt.text, "-A FORWARD --limit 1/sec --limit-burst 5 --limit 1/sec "
					   "--limit-burst 5 -j CONTINUE");
		rule_text_free(&rt);
		nftnl_rule_free(r);
	}
	/* the same rule in a table that is not ebtables' */
	r = rule_new(NFPROTO_BRIDGE, "br", "MYCHAIN");
	add_counter(r, 0, 0);
	add_verdict(r, NF_DROP, NULL);
	expect(r, NFPROTO_BRIDGE, false, RULE_SYNTAX_NFT, "counter drop");
}

/* --- x_tables extensions: what the fixtures cannot show ------------------ */

/* A resolver that knows no set. */
static const char *no_ipset_name(uint16_t index, char *buf, void *arg)
{
	(void)index;
	(void)buf;
	(void)arg;
	return NULL;
}

/* Unnamed sets, broken or unknown extension blobs, old revisions. */
static void test_xt_ext_blobs(void)
{
	struct xt_set_info_match_v1 m1;
	struct xt_set_info_target_v2 t2;
	struct xt_string_info str;
	struct xt_u32 *u32 = xcalloc(1, sizeof(*u32));
	struct nftnl_rule *r;
	uint8_t blob[512];

	/* no resolver (a replay): the index, marked */
	memset(&m1, 0, sizeof(m1));
	m1.match_set.index = 7;
	m1.match_set.dim = 2;
	m1.match_set.flags = 1 << 1 | IPSET_INV_MATCH;	/* src,dst inverted */
	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	add_xt(r, true, "set", 1, &m1, sizeof(m1));
	add_verdict(r, NF_DROP, NULL);
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A INPUT -m set ! --match-set [ipset 7] src,dst -j DROP");

	/* a resolver that cannot name it (set gone, no permission) */
	rule_text_ipset_names(no_ipset_name, NULL);
	memset(&t2, 0, sizeof(t2));
	t2.add_set.index = IPSET_INVALID_ID;	/* unused slots print nothing */
	t2.del_set.index = 3;
	t2.del_set.dim = 1;
	t2.timeout = UINT32_MAX;
	r = rule_new(NFPROTO_IPV6, "mangle", "OUTPUT");
	add_xt(r, false, "SET", 2, &t2, sizeof(t2));
	expect(r, NFPROTO_IPV6, true, RULE_SYNTAX_IPT, "-A OUTPUT -j SET --del-set [ipset 3] dst");
	rule_text_ipset_names(NULL, NULL);

	/* too short, unknown revisions, counts past their arrays */
	memset(blob, 0, sizeof(blob));
	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	add_xt(r, true, "set", 4, blob, 8);
	add_xt(r, true, "set", 0, blob, sizeof(blob));
	add_xt(r, true, "hashlimit", 1, blob, 16);
	add_xt(r, true, "policy", 0, blob, 16);
	add_xt(r, true, "connbytes", 0, blob, 11);	/* read nothing before the length check */
	add_xt(r, false, "TPROXY", 2, blob, sizeof(blob));
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A INPUT -m set [?] -m set [?] -m hashlimit [?] -m policy [?] -m connbytes [?] "
	       "-j TPROXY [?]");
	memset(&str, 0, sizeof(str));
	str.patlen = XT_STRING_MAX_PATTERN_SIZE + 1;
	u32->ntests = XT_U32_MAXSIZE + 2;
	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	add_xt(r, true, "string", 1, &str, sizeof(str));
	add_xt(r, true, "u32", 0, u32, sizeof(*u32));
	add_xt(r, true, "hbh", 0, blob, sizeof(blob));	/* IPv6 only */
	add_xt(r, false, "HL", 0, blob, sizeof(blob));
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A INPUT -m string [?] -m u32 [?] -m hbh [?] -j HL [?]");
	/* every fragment flag, in ip6tables' order (the ruleset fixtures hold one) */
	{
		struct ip6t_frag f;

		memset(&f, 0, sizeof(f));
		f.ids[1] = 0xffffffffu;
		f.flags = IP6T_FRAG_NMF | IP6T_FRAG_MF | IP6T_FRAG_FST | IP6T_FRAG_RES;
		r = rule_new(NFPROTO_IPV6, "filter", "INPUT");
		add_xt(r, true, "frag", 0, &f, sizeof(f));
		add_verdict(r, NF_DROP, NULL);
		expect(r, NFPROTO_IPV6, true, RULE_SYNTAX_IPT,
		       "-A INPUT -m frag --fragres --fragfirst --fragmore --fraglast -j DROP");
	}
	free(u32);

	/* a string iptables prints in hex: a byte it cannot print, a
	 * trailing backslash */
	memset(&str, 0, sizeof(str));
	memcpy(str.pattern, "a\\", 2);
	str.patlen = 2;
	str.to_offset = UINT16_MAX;
	snprintf(str.algo, sizeof(str.algo), "bm");
	r = rule_new(NFPROTO_IPV4, "filter", "INPUT");
	add_xt(r, true, "string", 1, &str, sizeof(str));
	memcpy(str.pattern, "q\"\\x", 4);
	str.patlen = 4;
	add_xt(r, true, "string", 0, &str, sizeof(str));
	expect(r, NFPROTO_IPV4, true, RULE_SYNTAX_IPT,
	       "-A INPUT -m string --hex-string \"|615c|\" --algo bm "
	       "-m string --string \"q\\\"\\\\x\" --algo bm");
}

int main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	bool only = argc > 1 && !strcmp(argv[1], "--fixtures-only");
	char dir[4096];

	if (only) {
		argc--;
		argv++;
	}
	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else
		snprintf(dir, sizeof(dir), "%s/tests/fixtures", top ? top : ".");
	/* nft writes `meta hour` in local time; regen.sh lists in UTC */
	setenv("TZ", "UTC", 1);
	tzset();
	test_fixtures(dir);
	fprintf(stderr, "iptables lines: %u compared, %u exact, %u exact but for an undecoded [?] "
		"option\nnft lines: %u compared, %u exact, %u exact but for anonymous set "
		"names, %u close\nmismatches: %u\n", tally.ipt, tally.ipt_exact, tally.ipt_undecoded,
		tally.nft, tally.nft_exact, tally.nft_sets, tally.nft_close, tally.failed);
	if (!only) {
		test_old_blobs();
		test_new_encodings();
		test_odd_blobs();
		test_old_revisions();
		test_nft_fallback();
		test_anon_sets();
		test_ipt_table();
		test_nft_words_raw();
		test_arp_words();
		test_ebt_words();
		test_xt_ext_blobs();
	}
	return unit_status("unit-rule-text");
}
