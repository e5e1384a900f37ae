/*
 * unit-legacy.c - the iptables-legacy parser on recorded and hand-built
 * x_tables blobs. Fixtures (tests/fixtures/make-legacy-fixtures.sh):
 *   legacy-NAME.blob      what tools/legacyrec read from a namespace
 *   legacy-NAME.out       what iptables-legacy printed there: `-t T -S`
 *                         per table and `iptables-legacy-save -c`
 * Checked: -S text line for line per table; save -c text with counters;
 * chain attributes (legacy, priorities, policies); handles (high bit,
 * unique per table, independent of counters, stable when rules are
 * inserted above and a chain is added: legacy-insert-a/-b); malformed
 * blobs refused without touching the snapshot; the both-backends check.
 *
 * Known, deliberate differences from iptables-legacy 1.8.9 (counted,
 * not failures): blobs the xt decoders do not know print "-m NAME [?]"
 * (the words around them must still agree), and `! -o +` is printed
 * where 1.8.9 drops it (1.8.10+ and iptables-nft print it too).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#include "collect-legacy.h"
#include "iptop.h"
#include "legacy-print.h"
#include "ipset-names.h"
#include "rule-text.h"
#include "unit.h"

static const char *fixture_dir;
static unsigned int n_exact, n_undecoded, n_inverted_plus;

static char *fixture(const char *name, size_t *len)
{
	char *path = xasprintf("%s/%s", fixture_dir, name);
	char *data = util_read_whole_file(path, len);

	if (!data)
		fprintf(stderr, "cannot read %s\n", path);
	free(path);
	return data;
}

/* Parse a blob fixture into a new ruleset (NULL on failure). */
static struct snap_ruleset *parse_fixture(const char *name)
{
	struct snap_ruleset *rs;
	size_t len = 0;
	char *data = fixture(name, &len), *cause = NULL;

	CHECK(data != NULL);
	if (!data)
		return NULL;
	rs = xcalloc(1, sizeof(*rs));
	if (collect_legacy_parse(rs, data, len, &cause) < 0) {
		fprintf(stderr, "%s: %s\n", name, cause);
		CHECK(!"fixture parses");
		free(cause);
	}
	free(data);
	return rs;
}

/* --- comparing lines ------------------------------------------------------ */

/* got equals want, up to the known differences (see the file comment). */
static bool line_match(const char *got, const char *want)
{
	const char *q, *last;
	char *fixed, *p;
	bool ok;

	if (!strcmp(got, want)) {
		n_exact++;
		return true;
	}
	q = strstr(got, "[?]");
	if (q) {
		for (last = q; (p = strstr(last + 3, "[?]")) != NULL; last = p)
			;
		last += 3;
		if (!strncmp(want, got, q - got) && strlen(want) >= strlen(last) &&
		    !strcmp(want + strlen(want) - strlen(last), last)) {
			n_undecoded++;
			return true;
		}
		return false;
	}
	fixed = xstrdup(got);
	ok = false;
	if ((p = strstr(fixed, " ! -o +")) != NULL || (p = strstr(fixed, " ! -i +")) != NULL) {
		memmove(p, p + 7, strlen(p + 7) + 1);
		ok = !strcmp(fixed, want);
		if (ok)
			n_inverted_plus++;
	}
	free(fixed);
	return ok;
}

/* Every line of got and want, in order; save lines compare "[p:b] " exactly. */
static void compare_text(const char *what, const char *got, const char *want)
{
	char *g = xstrdup(got), *w = xstrdup(want), *gs = NULL, *ws = NULL;
	char *gl = strtok_r(g, "\n", &gs), *wl;
	unsigned int line = 0;

	wl = strtok_r(w, "\n", &ws);
	while (gl || wl) {
		bool ok;

		line++;
		if (!gl || !wl) {
			ok = false;
		} else if (gl[0] == '[' && wl[0] == '[') {
			const char *ge = strstr(gl, "] "), *we = strstr(wl, "] ");

			ok = ge && we && ge - gl == we - wl && !strncmp(gl, wl, ge - gl) &&
			     line_match(ge + 2, we + 2);
		} else {
			ok = line_match(gl, wl);
		}
		unit_checks++;
		if (!ok) {
			unit_failures++;
			fprintf(stderr, "%s line %u:\n  got:      %s\n  expected: %s\n", what, line,
				gl ? gl : "(end)", wl ? wl : "(end)");
		}
		gl = gl ? strtok_r(NULL, "\n", &gs) : NULL;
		wl = wl ? strtok_r(NULL, "\n", &ws) : NULL;
	}
	free(g);
	free(w);
}

/* The legacy-NAME.out sections: "*ip TABLE" / "*ip6 TABLE" then -S lines,
 * "%save ip" / "%save ip6" then save -c lines. */
static void check_expected(const char *name, const struct snap_ruleset *rs)
{
	char *path = xasprintf("legacy-%s.out", name);
	size_t len = 0;
	char *data = fixture(path, &len), *line, *save = NULL;
	char section[64] = "";
	struct strbuf want;
	unsigned int tables = 0;

	free(path);
	CHECK(data != NULL);
	if (!data)
		return;
	strbuf_init(&want);
	for (line = strtok_r(data, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
		/* "*filter" inside a save section is a save line, not a section */
		bool head = line && (line[0] == '%' || !strncmp(line, "*ip ", 4) ||
				     !strncmp(line, "*ip6 ", 5));

		if (!line || head) {
			if (section[0]) {
				struct strbuf got;
				char fam[8], arg[40], *what;

				strbuf_init(&got);
				if (sscanf(section, "*%7s %39s", fam, arg) == 2) {
					legacy_print_rules(&got, rs, strcmp(fam, "ip6") ? NFPROTO_IPV4 :
							   NFPROTO_IPV6, arg, false);
					tables++;
				} else if (sscanf(section, "%%save %7s", fam) == 1) {
					legacy_print_save(&got, rs, strcmp(fam, "ip6") ? NFPROTO_IPV4 :
							  NFPROTO_IPV6, true);
				}
				what = xasprintf("%s: %s", name, section);
				compare_text(what, got.s ? got.s : "", want.s ? want.s : "");
				free(what);
				strbuf_free(&got);
				strbuf_reset(&want);
			}
			if (!line)
				break;
			snprintf(section, sizeof(section), "%s", line);
			continue;
		}
		strbuf_addf(&want, "%s\n", line);
	}
	CHECK(tables > 0);
	strbuf_free(&want);
	free(data);
}

/* --- chain attributes and handles ----------------------------------------- */

static void check_chains(const char *name, const struct snap_ruleset *rs)
{
	size_t i, j, k, l;

	CHECK(rs->nchains > 0);
	for (i = 0; i < rs->nchains; i++) {
		const struct snap_chain *ch = &rs->chains[i];

		CHECK(ch->legacy);
		CHECK(ch->instantiated);
		CHECK(ch->family == NFPROTO_IPV4 || ch->family == NFPROTO_IPV6);
		CHECK(ch->handle & COLLECT_LEGACY_HANDLE_BIT);
		if (ch->base) {
			CHECK(ch->policy_counted);
			CHECK(ch->policy == NF_ACCEPT || ch->policy == NF_DROP);
			CHECK_INT(ch->prio, collect_legacy_prio(ch->table, ch->hook));
		} else {
			CHECK_INT(ch->hook, -1);
			CHECK_INT(ch->policy, -1);
		}
		for (j = 0; j < ch->nrules; j++) {
			const struct snap_rule *r = &ch->rules[j];

			CHECK(r->handle & COLLECT_LEGACY_HANDLE_BIT);
			CHECK(r->counted);
			CHECK(r->syntax == RULE_SYNTAX_IPT);
			CHECK(r->position == (j ? ch->rules[j - 1].handle : 0));
			/* unique in the table (the model's key) */
			for (k = i; k < rs->nchains; k++) {
				const struct snap_chain *c2 = &rs->chains[k];

				if (c2->family != ch->family || strcmp(c2->table, ch->table))
					continue;
				for (l = (k == i ? j + 1 : 0); l < c2->nrules; l++)
					if (c2->rules[l].handle == r->handle) {
						fprintf(stderr, "%s: handle clash: %s / %s\n", name, r->text,
							c2->rules[l].text);
						CHECK(!"unique handles");
					}
			}
			if (r->target_chain)
				CHECK(snapshot_find_chain_in(rs, ch->family, ch->table, r->target_chain, true));
		}
	}
}

static void test_fixture(const char *name)
{
	char *blob = xasprintf("legacy-%s.blob", name);
	struct snap_ruleset *rs = parse_fixture(blob);

	free(blob);
	if (!rs)
		return;
	check_chains(name, rs);
	check_expected(name, rs);
	snapshot_ruleset_free(rs);
}

/* The xt-ext fixture: x_tables extensions, ipsets named as the legacy
 * tools named them (legacy-xt-ext.ipsets), and none left undecoded. */
static void test_xt_ext_fixture(void)
{
	char *path = xasprintf("%s/legacy-xt-ext.ipsets", fixture_dir);
	unsigned int undecoded = n_undecoded;

	CHECK(test_ipsets_load(path));
	free(path);
	test_fixture("xt-ext");
	rule_text_ipset_names(NULL, NULL);
	CHECK_INT(n_undecoded, undecoded);
}

/* Specific facts of the xtables fixture (tests/rulesets/xtables.rules). */
static void test_xtables_facts(void)
{
	struct snap_ruleset *rs = parse_fixture("legacy-xtables.blob");
	const struct snap_chain *ch;

	if (!rs)
		return;
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "security", "INPUT", true);
	CHECK(ch && ch->base && ch->prio == 50 && ch->hook == NF_INET_LOCAL_IN);
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "raw", "PREROUTING", true);
	CHECK(ch && ch->prio == -300);
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "filter", "INPUT", true);
	CHECK(ch && ch->policy == NF_DROP && ch->prio == 0 && ch->type && !strcmp(ch->type, "filter"));
	if (ch && ch->nrules >= 3) {
		CHECK_STR(ch->rules[1].text, "-A INPUT -i lo -p icmp");	/* fallthrough */
		CHECK(ch->rules[1].target_chain == NULL);
		CHECK(ch->rules[1].handle != ch->rules[2].handle);	/* twins */
		CHECK_STR(ch->rules[0].target_chain, "zz-last");
		CHECK(!ch->rules[0].is_goto);
	}
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "filter", "FORWARD", true);
	CHECK(ch && ch->nrules >= 2 && ch->rules[1].is_goto &&
	      !strcmp(ch->rules[1].target_chain, "m-goto"));
	if (ch && ch->nrules >= 5) {
		CHECK_STR(ch->rules[2].comment, "same text");
		CHECK(ch->rules[2].handle != ch->rules[3].handle &&
		      ch->rules[3].handle != ch->rules[4].handle);
	}
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "filter", "zz-last", true);
	CHECK(ch && ch->use == 2 && !ch->base);
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "filter", "b-unused", true);
	CHECK(ch && ch->use == 0 && ch->nrules == 1);
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "filter", "a-empty", true);
	CHECK(ch && ch->use == 1 && ch->nrules == 0);
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV6, "security", "INPUT", true);
	CHECK(ch && ch->prio == 50);
	snapshot_ruleset_free(rs);
}

/* --- handles across an insert --------------------------------------------- */

static size_t count_text(const struct snap_chain *ch, const char *text)
{
	size_t i, n = 0;

	for (i = 0; i < ch->nrules; i++)
		n += !strcmp(ch->rules[i].text, text);
	return n;
}

static bool has_handle(const struct snap_chain *ch, const char *text, uint64_t h)
{
	size_t i;

	for (i = 0; i < ch->nrules; i++)
		if (ch->rules[i].handle == h && !strcmp(ch->rules[i].text, text))
			return true;
	return false;
}

static bool handle_anywhere(const struct snap_ruleset *rs, uint64_t h)
{
	size_t i, j;

	for (i = 0; i < rs->nchains; i++)
		for (j = 0; j < rs->chains[i].nrules; j++)
			if (rs->chains[i].rules[j].handle == h)
				return true;
	return false;
}

static void test_insert_stability(void)
{
	struct snap_ruleset *a = parse_fixture("legacy-insert-a.blob");
	struct snap_ruleset *b = parse_fixture("legacy-insert-b.blob");
	size_t i, j, same = 0, fresh = 0;

	if (!a || !b)
		goto out;
	for (i = 0; i < a->nchains; i++) {
		const struct snap_chain *ca = &a->chains[i];
		const struct snap_chain *cb = snapshot_find_chain_in(b, ca->family, ca->table, ca->name, true);

		CHECK(cb != NULL);
		if (!cb)
			continue;
		for (j = 0; j < ca->nrules; j++) {
			const struct snap_rule *r = &ca->rules[j];

			/* every rule still there keeps its handle; of identical
			 * twins, the handles the old ones had still exist */
			CHECK(count_text(cb, r->text) >= count_text(ca, r->text));
			if (!has_handle(cb, r->text, r->handle)) {
				fprintf(stderr, "insert: %s lost its handle\n", r->text);
				CHECK(!"handle kept");
			}
			same++;
		}
	}
	for (i = 0; i < b->nchains; i++)
		for (j = 0; j < b->chains[i].nrules; j++) {
			const struct snap_rule *r = &b->chains[i].rules[j];
			const struct snap_chain *ca = snapshot_find_chain_in(a, b->chains[i].family,
									  b->chains[i].table,
									  b->chains[i].name, true);

			if (!ca || count_text(ca, r->text) < count_text(&b->chains[i], r->text)) {
				/* new (or a new twin): a handle no rule of a had,
				 * or the handle of the old twin it displaced */
				if (!handle_anywhere(a, r->handle) || (ca && has_handle(ca, r->text, r->handle)))
					fresh++;
				else
					CHECK(!"new rule took an old rule's handle");
			}
		}
	CHECK(same > 20);
	CHECK_INT(fresh, 6);	/* 4 inserted rules + the displaced twin + AAA-first's rule */
out:
	snapshot_ruleset_free(a);
	snapshot_ruleset_free(b);
}

/* Counters are not part of a handle: bump every entry's counters. */
static void test_counters_not_in_handle(void)
{
	size_t len = 0, off = 0;
	char *data = fixture("legacy-docker-classic.blob", &len), *cause = NULL;
	struct snap_ruleset *a = xcalloc(1, sizeof(*a)), *b = xcalloc(1, sizeof(*b));
	size_t i, j, n = 0;

	if (!data)
		goto out;
	CHECK_INT(collect_legacy_parse(a, data, len, &cause), 0);
	while (off + sizeof(struct collect_legacy_info) <= len) {
		struct collect_legacy_info info;
		size_t e = 0;

		memcpy(&info, data + off, sizeof(info));
		off += sizeof(info);
		while (e < info.size) {
			struct ipt_entry *ent = (void *)(data + off + e);	/* ip6t_entry: same tail */

			if (info.family == NFPROTO_IPV4) {
				ent->counters.pcnt += 1000 + e;
				ent->counters.bcnt += 99999;
				e += ent->next_offset;
			} else {
				struct ip6t_entry *e6 = (void *)(data + off + e);

				e6->counters.pcnt += 7;
				e += e6->next_offset;
			}
		}
		off += XT_ALIGN((size_t)info.size);
	}
	CHECK_INT(collect_legacy_parse(b, data, len, &cause), 0);
	CHECK_INT(a->nchains, b->nchains);
	for (i = 0; i < a->nchains && i < b->nchains; i++) {
		CHECK_INT(a->chains[i].nrules, b->chains[i].nrules);
		for (j = 0; j < a->chains[i].nrules && j < b->chains[i].nrules; j++) {
			CHECK(a->chains[i].rules[j].handle == b->chains[i].rules[j].handle);
			CHECK(a->chains[i].rules[j].packets != b->chains[i].rules[j].packets);
			n++;
		}
	}
	CHECK(n > 10);
out:
	free(data);
	free(cause);
	snapshot_ruleset_free(a);
	snapshot_ruleset_free(b);
}

/* --- hand-built blobs ------------------------------------------------------ */

struct blob {
	uint8_t data[4096] __attribute__((aligned(8)));
	size_t len;
};

/* Append an entry: ip part, matches, target; returns its offset. */
static uint32_t put_entry(struct blob *b, const struct ipt_ip *ip, const void *m, size_t mlen,
			  const void *t, size_t tlen, uint64_t pcnt)
{
	struct ipt_entry *e = (void *)(b->data + b->len);
	uint32_t off = (uint32_t)b->len;

	memset(e, 0, sizeof(*e));
	if (ip)
		e->ip = *ip;
	e->target_offset = sizeof(*e) + mlen;
	e->next_offset = sizeof(*e) + mlen + tlen;
	e->counters.pcnt = pcnt;
	e->counters.bcnt = pcnt * 100;
	if (mlen)
		memcpy(b->data + b->len + sizeof(*e), m, mlen);
	memcpy(b->data + b->len + e->target_offset, t, tlen);
	b->len += e->next_offset;
	return off;
}

static uint32_t put_standard(struct blob *b, const struct ipt_ip *ip, const void *m, size_t mlen,
			     int verdict, uint64_t pcnt)
{
	struct xt_standard_target st;

	memset(&st, 0, sizeof(st));
	st.target.u.user.target_size = XT_ALIGN(sizeof(st));
	st.verdict = verdict;
	return put_entry(b, ip, m, mlen, &st, XT_ALIGN(sizeof(st)), pcnt);
}

static uint32_t put_error(struct blob *b, const char *name)
{
	struct xt_error_target et;

	memset(&et, 0, sizeof(et));
	et.target.u.user.target_size = XT_ALIGN(sizeof(et));
	strcpy(et.target.u.user.name, XT_ERROR_TARGET);
	snprintf(et.errorname, sizeof(et.errorname), "%s", name);
	return put_entry(b, NULL, NULL, 0, &et, XT_ALIGN(sizeof(et)), 0);
}

static int *verdict_at(struct blob *b, uint32_t off)
{
	struct ipt_entry *e = (void *)(b->data + off);

	return &((struct xt_standard_target *)(b->data + off + e->target_offset))->verdict;
}

/*
 * filter with INPUT: "-s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT",
 * "-j u1", policy DROP [7:700]; FORWARD: "-d 192.0.2.1/32" (no target),
 * policy ACCEPT; OUTPUT: policy ACCEPT; u1: "-o lo -j RETURN".
 */
static void build_filter(struct blob *b, struct collect_legacy_info *info)
{
	/* an xt_entry_match header, then its xt_tcp data (no struct with a
	 * flexible member inside another: that is a GNU extension) */
	union {
		uint64_t align;
		uint8_t bytes[XT_ALIGN(sizeof(struct xt_entry_match)) + XT_ALIGN(sizeof(struct xt_tcp))];
	} tcp;
	struct xt_entry_match *tm = (void *)tcp.bytes;
	struct xt_tcp *tu = (void *)(tcp.bytes + XT_ALIGN(sizeof(struct xt_entry_match)));
	struct ipt_ip ip;
	uint32_t in_jump, fwd_rule, u1_rule;

	memset(b, 0, sizeof(*b));
	memset(info, 0, sizeof(*info));
	memset(&tcp, 0, sizeof(tcp));
	tm->u.user.match_size = sizeof(tcp);
	strcpy(tm->u.user.name, "tcp");
	tu->spts[1] = 0xffff;
	tu->dpts[0] = tu->dpts[1] = 22;

	memset(&ip, 0, sizeof(ip));
	ip.src.s_addr = htonl(0x0a000000);
	ip.smsk.s_addr = htonl(0xff000000);
	ip.proto = IPPROTO_TCP;
	info->hook_entry[NF_INET_LOCAL_IN] = put_standard(b, &ip, &tcp, sizeof(tcp), -NF_ACCEPT - 1, 3);
	in_jump = put_standard(b, NULL, NULL, 0, 0, 1);
	info->underflow[NF_INET_LOCAL_IN] = put_standard(b, NULL, NULL, 0, -NF_DROP - 1, 7);
	memset(&ip, 0, sizeof(ip));
	ip.dst.s_addr = htonl(0xc0000201);
	ip.dmsk.s_addr = 0xffffffffu;
	fwd_rule = put_standard(b, &ip, NULL, 0, 0, 2);
	info->hook_entry[NF_INET_FORWARD] = fwd_rule;
	info->underflow[NF_INET_FORWARD] = put_standard(b, NULL, NULL, 0, -NF_ACCEPT - 1, 0);
	*verdict_at(b, fwd_rule) = (int)info->underflow[NF_INET_FORWARD];	/* fallthrough */
	info->hook_entry[NF_INET_LOCAL_OUT] = info->underflow[NF_INET_LOCAL_OUT] =
		put_standard(b, NULL, NULL, 0, -NF_ACCEPT - 1, 0);
	put_error(b, "u1");
	memset(&ip, 0, sizeof(ip));
	strcpy(ip.outiface, "lo");
	memset(ip.outiface_mask, 0xff, 3);
	u1_rule = put_standard(b, &ip, NULL, 0, XT_RETURN, 1);
	*verdict_at(b, in_jump) = (int)u1_rule;
	put_standard(b, NULL, NULL, 0, XT_RETURN, 0);
	put_error(b, XT_ERROR_TARGET);

	info->magic = COLLECT_LEGACY_MAGIC;
	info->family = NFPROTO_IPV4;
	strcpy(info->name, "filter");
	info->valid_hooks = 1u << NF_INET_LOCAL_IN | 1u << NF_INET_FORWARD | 1u << NF_INET_LOCAL_OUT;
	info->num_entries = 10;
	info->size = (uint32_t)b->len;
}

static void test_hand_built(void)
{
	struct blob b;
	struct collect_legacy_info info;
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	const struct snap_chain *ch;
	char *cause = NULL;

	build_filter(&b, &info);
	CHECK_INT(collect_legacy_parse_table(rs, &info, b.data, b.len, &cause), 0);
	if (cause)
		fprintf(stderr, "hand-built: %s\n", cause);
	CHECK_INT(rs->nchains, 4);
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "filter", "INPUT", true);
	CHECK(ch && ch->nrules == 2 && ch->policy == NF_DROP && ch->policy_packets == 7 &&
	      ch->policy_bytes == 700 && ch->hook == NF_INET_LOCAL_IN && ch->base);
	if (ch && ch->nrules == 2) {
		CHECK_STR(ch->rules[0].text, "-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT");
		CHECK_INT(ch->rules[0].packets, 3);
		CHECK_INT(ch->rules[0].bytes, 300);
		CHECK_STR(ch->rules[1].text, "-A INPUT -j u1");
		CHECK_STR(ch->rules[1].target_chain, "u1");
	}
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "filter", "FORWARD", true);
	CHECK(ch && ch->nrules == 1 && ch->policy == NF_ACCEPT);
	if (ch && ch->nrules == 1)
		CHECK_STR(ch->rules[0].text, "-A FORWARD -d 192.0.2.1/32");
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "filter", "OUTPUT", true);
	CHECK(ch && ch->nrules == 0 && ch->base);
	ch = snapshot_find_chain_in(rs, NFPROTO_IPV4, "filter", "u1", true);
	CHECK(ch && !ch->base && ch->use == 1 && ch->nrules == 1);
	if (ch && ch->nrules == 1)
		CHECK_STR(ch->rules[0].text, "-A u1 -o lo -j RETURN");
	snapshot_ruleset_free(rs);
}

/* Each way of breaking the blob: refused, cause set, rs untouched. */
static void test_malformed(void)
{
	static const char *const what[] = {
		"truncated", "bad next_offset", "hook not an entry", "policy elsewhere",
		"entry count", "no end", "target past entry", "bad family", "hook bits",
		"huge entry count", "misaligned match",
	};
	size_t k;

	for (k = 0; k < ARRAY_SIZE(what); k++) {
		struct blob b;
		struct collect_legacy_info info;
		struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
		struct ipt_entry *e;
		char *cause = NULL;
		size_t len;
		int r;

		build_filter(&b, &info);
		len = b.len;
		e = (void *)b.data;
		switch (k) {
		case 0: len -= 8; info.size = (uint32_t)len; break;
		case 1: e->next_offset = 12; break;
		case 2: info.hook_entry[NF_INET_FORWARD] += 8; break;
		case 3: info.underflow[NF_INET_LOCAL_IN] = info.hook_entry[NF_INET_FORWARD]; break;
		case 4: info.num_entries = 9; break;
		case 5: len = info.underflow[NF_INET_LOCAL_OUT]; info.size = (uint32_t)len;
			info.num_entries = 5; info.valid_hooks &= ~(1u << NF_INET_LOCAL_OUT); break;
		case 6: ((struct xt_entry_target *)(b.data + e->target_offset))->u.target_size = 4000;
			break;
		case 7: info.family = 7; break;
		case 8: info.valid_hooks |= 1u << 6; break;
		case 9: info.num_entries = 0xffffffffu; break;
		case 10: ((struct xt_entry_match *)(b.data + sizeof(*e)))->u.match_size -= 4; break;
		}
		r = collect_legacy_parse_table(rs, &info, b.data, len, &cause);
		if (r == 0)
			fprintf(stderr, "malformed (%s) accepted\n", what[k]);
		CHECK_INT(r, -1);
		CHECK(cause != NULL);
		CHECK_INT(rs->nchains, 0);
		free(cause);
		snapshot_ruleset_free(rs);
	}
}

/* The raw (recording) framing: magic, lengths; all or nothing. */
static void test_raw_framing(void)
{
	struct blob b;
	struct collect_legacy_info info;
	struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
	struct nlbuf raw = { NULL, 0, 0 };
	char *cause = NULL;

	build_filter(&b, &info);
	nlbuf_append(&raw, &info, sizeof(info));
	nlbuf_append(&raw, b.data, b.len);
	CHECK_INT(collect_legacy_parse(rs, raw.data, raw.len, &cause), 0);
	CHECK_INT(rs->nchains, 4);
	/* a second table that is broken: the first one's chains are not kept */
	info.num_entries = 3;
	nlbuf_append(&raw, &info, sizeof(info));
	nlbuf_append(&raw, b.data, b.len);
	CHECK_INT(collect_legacy_parse(rs, raw.data, raw.len, &cause), -1);
	CHECK_INT(rs->nchains, 4);
	free(cause);
	cause = NULL;
	/* bad magic, short header, entries past the end */
	CHECK_INT(collect_legacy_parse(rs, "garbage-garbage-garbage", 23, &cause), -1);
	free(cause);
	cause = NULL;
	info.magic = COLLECT_LEGACY_MAGIC ^ 1;
	CHECK_INT(collect_legacy_parse(rs, &info, sizeof(info), &cause), -1);
	free(cause);
	cause = NULL;
	info.magic = COLLECT_LEGACY_MAGIC;
	info.size = 1u << 30;
	CHECK_INT(collect_legacy_parse(rs, &info, sizeof(info), &cause), -1);
	free(cause);
	cause = NULL;
	/* unaligned input is copied, not misread */
	{
		uint8_t *odd = xmalloc(raw.len + 1);
		struct snap_ruleset *rs2 = xcalloc(1, sizeof(*rs2));

		build_filter(&b, &info);
		memcpy(odd + 1, &info, sizeof(info));
		memcpy(odd + 1 + sizeof(info), b.data, b.len);
		CHECK_INT(collect_legacy_parse(rs2, odd + 1, sizeof(info) + b.len, &cause), 0);
		CHECK_INT(rs2->nchains, 4);
		free(odd);
		snapshot_ruleset_free(rs2);
	}
	CHECK_INT(collect_legacy_parse(rs, NULL, 0, &cause), 0);	/* no tables */
	CHECK_INT(rs->nchains, 4);
	nlbuf_free(&raw);
	snapshot_ruleset_free(rs);
}

/* Random corruption of a real blob: refused or parsed, never a crash (run
 * with --enable-sanitizers to mean it). */
static void test_corruption(void)
{
	size_t len = 0, i;
	char *orig = fixture("legacy-xtables.blob", &len);
	uint32_t seed = 12345;
	unsigned int ok = 0, refused = 0;

	if (!orig)
		return;
	for (i = 0; i < 3000; i++) {
		char *data = xmalloc(len);
		struct snap_ruleset *rs = xcalloc(1, sizeof(*rs));
		char *cause = NULL;
		int flips = 1 + (int)(i % 4), f;

		memcpy(data, orig, len);
		for (f = 0; f < flips; f++) {
			seed = seed * 1103515245u + 12345u;
			data[(seed >> 8) % len] ^= (char)(1u << ((seed >> 4) & 7));
		}
		if (collect_legacy_parse(rs, data, len, &cause) == 0)
			ok++;
		else
			refused++;
		free(cause);
		free(data);
		snapshot_ruleset_free(rs);
	}
	CHECK(ok + refused == 3000);
	fprintf(stderr, "corruption: %u parsed, %u refused\n", ok, refused);
	free(orig);
}

/* --- both backends --------------------------------------------------------- */

static void add_nft_chain(struct snap_ruleset *rs, const char *table, size_t nrules, int policy)
{
	struct snap_chain *ch;

	rs->chains = xreallocarray(rs->chains, rs->nchains + 1, sizeof(*rs->chains));
	ch = &rs->chains[rs->nchains++];
	memset(ch, 0, sizeof(*ch));
	ch->family = NFPROTO_IPV4;
	ch->table = xstrdup(table);
	ch->name = xstrdup("INPUT");
	ch->base = true;
	ch->hook = NF_INET_LOCAL_IN;
	ch->policy = policy;
	ch->instantiated = true;
	ch->nrules = nrules;
	ch->rules = nrules ? xcalloc(nrules, sizeof(*ch->rules)) : NULL;
	if (nrules)
		ch->rules[0].text = xstrdup("-A INPUT -j ACCEPT");
}

static void test_both(void)
{
	struct snap_ruleset *rs = parse_fixture("legacy-docker-classic.blob");
	struct snap_ruleset *empty = xcalloc(1, sizeof(*empty));
	struct blob b;
	struct collect_legacy_info info;
	char *cause = NULL;
	size_t e;

	if (!rs)
		return;
	CHECK(collect_legacy_present(rs));
	CHECK(!collect_legacy_both(rs));		/* legacy only */
	add_nft_chain(rs, "filter", 0, NF_ACCEPT);
	CHECK(!collect_legacy_both(rs));		/* nft table, nothing in it */
	add_nft_chain(rs, "firewalld", 1, NF_ACCEPT);
	CHECK(!collect_legacy_both(rs));		/* not an iptables table */
	add_nft_chain(rs, "nat", 1, NF_ACCEPT);
	CHECK(collect_legacy_both(rs));
	snapshot_ruleset_free(rs);

	/* legacy tables that exist but hold nothing do not count */
	build_filter(&b, &info);
	CHECK_INT(collect_legacy_parse_table(empty, &info, b.data, b.len, &cause), 0);
	for (e = 0; e < empty->nchains; e++) {
		struct snap_chain *ch = &empty->chains[e];
		size_t j;

		for (j = 0; j < ch->nrules; j++) {
			free(ch->rules[j].text);
			free(ch->rules[j].target_chain);
			free(ch->rules[j].comment);
		}
		free(ch->rules);
		ch->rules = NULL;
		ch->nrules = 0;
		ch->policy = ch->base ? NF_ACCEPT : -1;
	}
	add_nft_chain(empty, "filter", 1, NF_DROP);
	CHECK(collect_legacy_present(empty));
	CHECK(!collect_legacy_both(empty));
	empty->chains[0].policy = NF_DROP;	/* a legacy DROP policy does count */
	CHECK(collect_legacy_both(empty));
	snapshot_ruleset_free(empty);
}

static void test_prio(void)
{
	CHECK_INT(collect_legacy_prio("raw", NF_INET_PRE_ROUTING), -300);
	CHECK_INT(collect_legacy_prio("mangle", NF_INET_POST_ROUTING), -150);
	CHECK_INT(collect_legacy_prio("nat", NF_INET_PRE_ROUTING), -100);
	CHECK_INT(collect_legacy_prio("nat", NF_INET_LOCAL_OUT), -100);
	CHECK_INT(collect_legacy_prio("nat", NF_INET_LOCAL_IN), 100);
	CHECK_INT(collect_legacy_prio("nat", NF_INET_POST_ROUTING), 100);
	CHECK_INT(collect_legacy_prio("filter", NF_INET_FORWARD), 0);
	CHECK_INT(collect_legacy_prio("security", NF_INET_LOCAL_IN), 50);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "docker-classic", "ufw", "edge", "xtables" };
	const char *top = getenv("top_srcdir");
	char *dir = NULL;
	size_t i;

	if (argc > 1) {
		fixture_dir = argv[1];
	} else {
		dir = xasprintf("%s/tests/fixtures", top ? top : ".");
		fixture_dir = dir;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++)
		test_fixture(names[i]);
	fprintf(stderr, "fixtures: %u lines exact, %u with undecoded blobs ([?]), "
		"%u with `! -o +` (1.8.9 drops it)\n", n_exact, n_undecoded, n_inverted_plus);
	CHECK(n_exact > 500);
	CHECK(n_undecoded <= 20);
	test_xt_ext_fixture();
	test_xtables_facts();
	test_insert_stability();
	test_counters_not_in_handle();
	test_hand_built();
	test_malformed();
	test_raw_framing();
	test_corruption();
	test_both();
	test_prio();
	free(dir);
	return unit_status("unit-legacy");
}
