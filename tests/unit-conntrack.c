/*
 * unit-conntrack.c - the conntrack collector's pure half on REAL recorded
 * netlink messages (tests/fixtures/ct-*.nlmsg, route-*.nlmsg; regenerate
 * with tests/fixtures/make-ct-fixtures.sh and update the expectations
 * here): parsing, NAT kinds, state names, text and JSON, the mirror's
 * reconciliation and hash, malformed input, route replies. No root.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "conntrack-text.h"
#include "conntrack.h"
#include "model-conntrack.h"
#include "route.h"
#include "unit.h"

struct blob {
	uint8_t *p;
	size_t len;
};

static struct blob load(const char *name)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	struct blob b = { NULL, 0 };
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", top ? top : ".", name);
	fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		exit(99);
	}
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b.p = xmalloc((size_t)n + 1);
	b.len = fread(b.p, 1, (size_t)n, fp);
	fclose(fp);
	return b;
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* The flow whose original tuple matches (proto, orig src, orig dport). */
static const struct ct_flow *find(const struct ct_table *t, uint8_t proto, const char *src,
				  uint16_t dport)
{
	size_t i;

	for (i = 0; i < t->nflows; i++) {
		const struct ct_flow *f = &t->flows[i];

		if (f->proto == proto && f->family == AF_INET && f->orig.src.v4 == ip4(src) &&
		    (dport == 0 || f->orig.dport == dport))
			return f;
	}
	return NULL;
}

static char *line(const struct ct_flow *f)
{
	struct strbuf sb;

	strbuf_init(&sb);
	conntrack_text_flow(f, &sb);
	return strbuf_steal(&sb);
}

static void test_nat_dump(void)
{
	struct blob b = load("ct-nat.nlmsg");
	struct ct_table t;
	const struct ct_flow *f;
	char addr[INET6_ADDRSTRLEN], *s;
	size_t i, nicmp6 = 0;

	ct_table_init(&t);
	CHECK_INT(ct_table_apply_dump(&t, b.p, b.len, 10.0), 9);
	CHECK_INT(t.count, 9);
	CHECK_INT(t.gen, 1);

	/* ping from the LAN, MASQUERADEd: reply goes to the router */
	f = find(&t, IPPROTO_ICMP, "172.20.0.2", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(f->nat, CT_NAT_SNAT);
		CHECK_STR(conntrack_text_addr(AF_INET, &f->reply.dst, addr, sizeof(addr)), "203.0.113.1");
		CHECK_INT(f->orig.icmp_type, 8);
		CHECK_INT(f->reply.icmp_type, 0);
		CHECK_INT(f->reply.icmp_id, f->orig.icmp_id);
		CHECK(f->has_acct);
		CHECK_INT(f->packets[CT_DIR_ORIG], 2);
		CHECK_INT(f->bytes[CT_DIR_REPLY], 168);
		CHECK(conntrack_text_state(f) == NULL);
		s = line(f);
		CHECK_STR(s, "icmp     1 29 src=172.20.0.2 dst=203.0.113.2 type=8 code=0 id=3944 "
			     "packets=2 bytes=168 src=203.0.113.2 dst=203.0.113.1 type=0 code=0 "
			     "id=3944 packets=2 bytes=168 mark=0 nat=snat id=727088319");
		free(s);
	}
	/* the router's own ping: no NAT (NFCT_GOPT_IS_SPAT would say yes) */
	f = find(&t, IPPROTO_ICMP, "203.0.113.1", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(f->nat, CT_NAT_NONE);
		CHECK(conntrack_text_nat(f->nat) == NULL);
	}
	/* published port: DNAT */
	f = find(&t, IPPROTO_TCP, "203.0.113.2", 8080);
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(f->nat, CT_NAT_DNAT);
		CHECK_STR(conntrack_text_state(f), "ESTABLISHED");
		CHECK_STR(conntrack_text_flag(f), "[ASSURED]");
		CHECK_STR(conntrack_text_addr(AF_INET, &f->reply.src, addr, sizeof(addr)), "172.20.0.2");
		CHECK_INT(f->reply.sport, 80);
		CHECK_INT(f->reply.dport, f->orig.sport);
		CHECK(f->has_timeout);
		s = line(f);
		CHECK_STR(s, "tcp      6 431999 ESTABLISHED src=203.0.113.2 dst=203.0.113.1 "
			     "sport=54548 dport=8080 packets=4 bytes=221 src=172.20.0.2 "
			     "dst=203.0.113.2 sport=80 dport=54548 packets=3 bytes=169 [ASSURED] "
			     "mark=0 nat=dnat id=2241245045");
		free(s);
	}
	/* DNAT and MASQUERADE into the LAN */
	f = find(&t, IPPROTO_TCP, "203.0.113.2", 8081);
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(f->nat, CT_NAT_BOTH);
		CHECK_STR(conntrack_text_nat(f->nat), "both");
		CHECK_STR(conntrack_text_addr(AF_INET, &f->reply.dst, addr, sizeof(addr)), "172.20.0.1");
		CHECK(f->status & IPS_SRC_NAT);
		CHECK(f->status & IPS_DST_NAT);
	}
	/* held connection out of the LAN, and a finished one */
	f = NULL;
	for (i = 0; i < t.nflows; i++) {
		const struct ct_flow *g = &t.flows[i];

		if (g->proto == IPPROTO_TCP && g->orig.src.v4 == ip4("172.20.0.2") &&
		    g->state == 3)
			f = g;
		if (g->family == AF_INET6) {
			nicmp6++;
			CHECK_INT(g->proto, IPPROTO_ICMPV6);
			CHECK_INT(g->nat, CT_NAT_SNAT);
			CHECK_STR(conntrack_text_addr(AF_INET6, &g->reply.dst, addr, sizeof(addr)),
				  "2001:db8:113::1");
			CHECK_INT(g->orig.icmp_type, 128);
			CHECK_INT(g->reply.icmp_type, 129);
		}
	}
	CHECK_INT(nicmp6, 1);
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(f->nat, CT_NAT_SNAT);
		CHECK_STR(conntrack_text_proto(f->proto), "tcp");
	}
	/* UDP with no answer */
	f = find(&t, IPPROTO_UDP, "172.20.0.2", 5353);
	CHECK(f != NULL);
	if (f) {
		CHECK(!(f->status & IPS_SEEN_REPLY));
		CHECK(conntrack_text_state(f) == NULL);
		s = line(f);
		CHECK(strstr(s, "bytes=34 [UNREPLIED] src=203.0.113.2") != NULL);
		free(s);
	}
	free(b.p);
	ct_table_free(&t);
}

/* The batch text and JSON of t, in the order of a model synced with it. */
static void table_json(const struct ct_table *t, struct strbuf *sb, size_t limit)
{
	struct model_ct m = { 0 };

	model_ct_update(&m, t);
	conntrack_text_json(&m, t, sb, limit);
	model_ct_free(&m);
}

static void table_text(const struct ct_table *t, struct strbuf *sb, size_t limit)
{
	struct model_ct m = { 0 };

	model_ct_update(&m, t);
	conntrack_text_table(&m, t, sb, limit);
	model_ct_free(&m);
}

static void test_json(void)
{
	struct blob b = load("ct-nat.nlmsg");
	struct blob n = load("ct-noacct.nlmsg");
	struct ct_table t;
	struct strbuf sb;
	int depth = 0, min = 0;
	bool instr = false;
	const char *p;

	ct_table_init(&t);
	ct_table_apply_dump(&t, b.p, b.len, 1.0);
	t.max = 262144;
	t.acct = true;
	strbuf_init(&sb);
	strbuf_addc(&sb, '{');
	table_json(&t, &sb, 0);
	strbuf_addc(&sb, '}');
	/* well nested, strings closed */
	for (p = sb.s; *p; p++) {
		if (instr) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				instr = false;
			continue;
		}
		if (*p == '"')
			instr = true;
		else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		if (depth < min)
			min = depth;
	}
	CHECK_INT(depth, 0);
	CHECK_INT(min, 0);
	CHECK(!instr);
	CHECK(strncmp(sb.s, "{\"conntrack\":{\"count\":9,", 24) == 0);
	CHECK(strstr(sb.s, "\"max\":262144,\"acct\":true,\"status\":\"ok\",\"error\":null") != NULL);
	CHECK(strstr(sb.s, "{\"id\":2241245045,\"family\":\"ipv4\",\"proto\":\"tcp\","
			   "\"state\":\"ESTABLISHED\",\"assured\":true,\"seen_reply\":true,"
			   "\"orig\":{\"src\":\"203.0.113.2\",\"dst\":\"203.0.113.1\",\"sport\":54548,"
			   "\"dport\":8080},\"reply\":{\"src\":\"172.20.0.2\",\"dst\":\"203.0.113.2\","
			   "\"sport\":80,\"dport\":54548},\"nat\":\"dnat\",\"mark\":0,\"zone\":0,"
			   "\"zone_orig\":null,\"zone_reply\":null,\"helper\":null,\"labels\":[],"
			   "\"master\":null,\"timeout\":431999,\"packets\":{\"orig\":4,\"reply\":3},"
			   "\"bytes\":{\"orig\":221,\"reply\":169},\"new\":false}") != NULL);
	CHECK(strstr(sb.s, "\"reply\":{\"src\":\"2001:db8:113::2\",\"dst\":\"2001:db8:113::1\","
			   "\"type\":129,\"code\":0,\"id\":3945}") != NULL);
	CHECK(strstr(sb.s, "\"state\":null") != NULL);
	CHECK(strstr(sb.s, "\"nat\":null") != NULL);
	/* limit: the biggest flows first (TIME_WAIT 324+220 bytes leads) */
	strbuf_reset(&sb);
	table_json(&t, &sb, 1);
	CHECK(strstr(sb.s, "\"flows\":[{\"id\":1503798707,") != NULL);
	CHECK(strstr(sb.s, "},{") == NULL);

	/* acct off when created: counters are null, not 0 */
	ct_table_free(&t);
	ct_table_init(&t);
	CHECK_INT(ct_table_apply_dump(&t, n.p, n.len, 1.0), 8);
	strbuf_reset(&sb);
	table_json(&t, &sb, 0);
	CHECK(strstr(sb.s, "\"packets\":null,\"bytes\":null") != NULL);
	CHECK(strstr(sb.s, "\"packets\":{") == NULL);
	CHECK(strstr(sb.s, "\"max\":null,\"acct\":false") != NULL);

	/* batch text */
	strbuf_reset(&sb);
	table_text(&t, &sb, 2);
	CHECK(strncmp(sb.s, "conntrack: 8 flows, accounting off\n", 35) == 0);
	CHECK(strstr(sb.s, "\n... 6 more\n") != NULL);
	strbuf_free(&sb);
	free(b.p);
	free(n.p);
	ct_table_free(&t);
}

/* The flow of t whose original destination port (GRE: dstkey) is dport. */
static const struct ct_flow *by_dport(const struct ct_table *t, uint8_t proto, uint16_t dport)
{
	size_t i;

	for (i = 0; i < t->nflows; i++)
		if (t->flows[i].proto == proto && t->flows[i].orig.dport == dport)
			return &t->flows[i];
	return NULL;
}

static bool has_line(const struct ct_flow *f, const char *needle)
{
	char *s = line(f);
	bool r = strstr(s, needle) != NULL;

	if (!r)
		fprintf(stderr, "no \"%s\" in: %s\n", needle, s);
	free(s);
	return r;
}

static bool json_has(const struct ct_table *t, const char *needle)
{
	struct strbuf sb;
	bool r;

	strbuf_init(&sb);
	table_json(t, &sb, 0);
	r = strstr(sb.s, needle) != NULL;
	if (!r)
		fprintf(stderr, "no %s in: %s\n", needle, sb.s);
	strbuf_free(&sb);
	return r;
}

/* ct-extra.nlmsg / ct-expect.nlmsg (make-ct-fixtures.sh extra): what
 * conntrack -L -o extended,id and conntrack -L expect said then. */
static void test_extra(void)
{
	struct blob b = load("ct-extra.nlmsg");
	struct blob x = load("ct-expect.nlmsg");
	struct ct_table t;
	const struct ct_flow *f, *ftp, *data;
	struct strbuf sb;

	ct_table_init(&t);
	CHECK_INT(ct_table_apply_dump(&t, b.p, b.len, 1.0), 8);

	/* CT --zone-reply 11 / --zone-orig 9 / --zone 7: where conntrack -L
	 * puts them */
	f = by_dport(&t, IPPROTO_UDP, 5001);
	CHECK(f && f->has_zone_reply && f->zone_reply == 11 && !f->has_zone_orig && f->zone == 0);
	if (f) {
		CHECK(has_line(f, " sport=5001 dport=42527 zone-reply=11 packets=0 bytes=0 mark=0 nat=snat"));
		CHECK(json_has(&t, "\"dport\":5001},\"reply\":{\"src\":\"203.0.113.2\",\"dst\":\"203.0.113.1\","
				   "\"sport\":5001,\"dport\":42527},\"nat\":\"snat\",\"mark\":0,\"zone\":0,"
				   "\"zone_orig\":null,\"zone_reply\":11,"));
	}
	f = by_dport(&t, IPPROTO_UDP, 5002);
	CHECK(f && f->has_zone_orig && f->zone_orig == 9 && !f->has_zone_reply);
	if (f)
		CHECK(has_line(f, "sport=38174 dport=5002 zone-orig=9 packets=1 bytes=33 [UNREPLIED] "));
	f = by_dport(&t, IPPROTO_UDP, 5003);
	CHECK(f && f->zone == 7 && !f->has_zone_orig && !f->has_zone_reply);
	if (f)
		CHECK(has_line(f, " mark=0 zone=7 nat=snat"));

	/* two GRE flows between the same hosts, told apart by their keys */
	f = by_dport(&t, IPPROTO_GRE, 0x1234);
	CHECK(f != NULL);
	if (f) {
		CHECK(has_line(f, "gre      47 21 src=172.20.0.2 dst=203.0.113.2 srckey=0x0 dstkey=0x1234 packets=1 "
				  "bytes=36 [UNREPLIED] src=203.0.113.2 dst=203.0.113.1 srckey=0x1234 dstkey=0x0 "));
		CHECK_INT(f->nat, CT_NAT_SNAT);
	}
	CHECK(by_dport(&t, IPPROTO_GRE, 0x5678) != NULL);
	CHECK(json_has(&t, "\"proto\":\"gre\",\"state\":null,\"assured\":false,\"seen_reply\":false,"
			   "\"orig\":{\"src\":\"172.20.0.2\",\"dst\":\"203.0.113.2\",\"srckey\":0,\"dstkey\":22136}"));

	/* the FTP control connection: helper, labels; its data connection
	 * RELATED to it */
	ftp = by_dport(&t, IPPROTO_TCP, 21);
	data = by_dport(&t, IPPROTO_TCP, 51210);
	CHECK(ftp && data);
	if (ftp && data) {
		CHECK_STR(ftp->helper, "ftp");
		CHECK(!ftp->has_master);
		CHECK(has_line(ftp, "[ASSURED] mark=0 helper=ftp labels=3,100 nat=none id=445629728"));
		CHECK(data->has_master && data->helper[0] == '\0' && !conntrack_text_has_labels(data));
		CHECK(ct_table_master(&t, data) == ftp);
		CHECK(ct_is_master_of(ftp, data));
		CHECK(!ct_is_master_of(data, ftp));
		CHECK(has_line(data, "[ASSURED] mark=0 master-src=203.0.113.1 master-dst=203.0.113.2 "
				     "sport=48050 dport=21 nat=none id=578075654"));
		CHECK(json_has(&t, "\"helper\":\"ftp\",\"labels\":[3,100],\"master\":null"));
		CHECK(json_has(&t, "\"helper\":null,\"labels\":[],\"master\":{\"proto\":\"tcp\","
				   "\"src\":\"203.0.113.1\",\"dst\":\"203.0.113.2\",\"sport\":48050,\"dport\":21,"
				   "\"id\":445629728}"));
	}

	/* an unknown protocol: a string in JSON, "unknown 99" as conntrack */
	f = by_dport(&t, 99, 0);
	CHECK(f != NULL);
	if (f)
		CHECK(has_line(f, "unknown  99 594 src=203.0.113.1 dst=203.0.113.2 packets=1 bytes=31 [UNREPLIED] "));
	CHECK(json_has(&t, "{\"id\":2381290671,\"family\":\"ipv4\",\"proto\":\"99\","));

	/* expectations: none read yet is null, not [] */
	CHECK(json_has(&t, "\"expectations\":null}"));
	CHECK_INT(ct_table_set_expects(&t, x.p, x.len), 1);
	CHECK_INT(t.nexpects, 1);
	strbuf_init(&sb);
	conntrack_text_expect(&t.expects[0], &sb);
	CHECK_STR(sb.s, "299 proto=6 src=203.0.113.2 dst=203.0.113.1 sport=0 dport=51211 "
			"mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 "
			"master-src=203.0.113.1 master-dst=203.0.113.2 sport=48050 dport=21 class=0 helper=ftp");
	CHECK(ct_table_expect_master(&t, &t.expects[0]) == ftp);
	CHECK(json_has(&t, "\"expectations\":[{\"id\":"));
	CHECK(json_has(&t, "\"proto\":\"tcp\",\"expected\":{\"src\":\"203.0.113.2\",\"dst\":\"203.0.113.1\","
			   "\"sport\":0,\"dport\":51211},\"mask\":{\"src\":\"255.255.255.255\","
			   "\"dst\":\"255.255.255.255\",\"sport\":0,\"dport\":65535},\"master\":{\"proto\":\"tcp\","
			   "\"src\":\"203.0.113.1\",\"dst\":\"203.0.113.2\",\"sport\":48050,\"dport\":21,"
			   "\"id\":445629728},\"timeout\":299,\"zone\":0,\"class\":0,\"helper\":\"ftp\","
			   "\"permanent\":false,\"inactive\":false,\"userspace\":false}]}"));
	strbuf_reset(&sb);
	table_text(&t, &sb, 0);
	CHECK(strstr(sb.s, "\nexpectations: 1\nexpect 299 proto=6 src=203.0.113.2 ") != NULL);
	CHECK(strstr(sb.s, " helper=ftp master_id=445629728\n") != NULL);
	/* a conntrack dump is no expectation dump, and the reverse */
	CHECK_INT(ct_table_set_expects(&t, b.p, b.len), 0);
	CHECK_INT(ct_table_apply_events(&t, x.p, x.len, 2.0), 0);
	/* cut anywhere or with bytes flipped: refused or parsed, never read
	 * past the end (ASan) */
	{
		size_t i;
		uint32_t r = 7;
		uint8_t *copy = xmalloc(x.len);

		for (i = 1; i < x.len; i++) {
			uint8_t *cut = xmalloc(i);

			memcpy(cut, x.p, i);
			CHECK(ct_table_set_expects(&t, cut, i) <= 1);
			free(cut);
		}
		for (i = 0; i < 5000; i++) {
			memcpy(copy, x.p, x.len);
			r = r * 1103515245u + 12345u;
			copy[NLMSG_HDRLEN + (r >> 8) % (x.len - NLMSG_HDRLEN)] = (uint8_t)(r >> 24);
			CHECK(ct_table_set_expects(&t, copy, x.len) <= 1);
			strbuf_reset(&sb);
			table_text(&t, &sb, 1);
		}
		free(copy);
	}
	strbuf_free(&sb);
	free(b.p);
	free(x.p);
	ct_table_free(&t);
}

static void test_words(void)
{
	static const struct { uint32_t secs; const char *text; } d[] = {
		{ 0, "0s" }, { 59, "59s" }, { 60, "1m" }, { 90, "1m30s" }, { 3599, "59m59s" },
		{ 3600, "1h" }, { 7260, "2h1m" }, { 86400, "1d" }, { 431995, "4d23h" }, { 432000, "5d" },
	};
	char buf[16], p[8];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(d); i++) {
		conntrack_text_duration(d[i].secs, buf, sizeof(buf));
		CHECK_STR(buf, d[i].text);
	}
	CHECK_STR(conntrack_text_proto_word(99, p, sizeof(p)), "99");
	CHECK_STR(conntrack_text_proto_word(IPPROTO_GRE, p, sizeof(p)), "gre");
	CHECK_STR(conntrack_text_proto_word(255, p, sizeof(p)), "255");
}

static void test_events(void)
{
	struct blob b = load("ct-events.nlmsg");
	struct ct_table t;
	const struct nlmsghdr *nlh;
	int left = (int)b.len, kinds[4] = { 0 };
	struct ct_flow f;
	enum ct_msg k;
	const struct ct_flow *icmp = NULL, *tcp = NULL;
	size_t i;

	for (nlh = (const struct nlmsghdr *)b.p; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		CHECK_INT(ct_parse_msg(nlh, &f, &k), 0);
		kinds[k]++;
		/* NEW and UPDATE events carry no counters; DESTROY does */
		CHECK_INT(f.has_acct, k == CT_MSG_DESTROY);
	}
	CHECK_INT(kinds[CT_MSG_NEW], 2);
	CHECK_INT(kinds[CT_MSG_UPDATE], 7);
	CHECK_INT(kinds[CT_MSG_DESTROY], 1);

	ct_table_init(&t);
	CHECK_INT(ct_table_apply_events(&t, b.p, b.len, 5.0), 10);
	CHECK_INT(t.events, 10);
	CHECK_INT(t.nflows, 2);
	CHECK_INT(t.count, 1);
	for (i = 0; i < t.nflows; i++) {
		if (t.flows[i].proto == IPPROTO_ICMP)
			icmp = &t.flows[i];
		else
			tcp = &t.flows[i];
	}
	CHECK(icmp && icmp->dying && icmp->has_acct);
	if (icmp) {
		CHECK_INT(icmp->packets[CT_DIR_ORIG], 1);
		CHECK_INT(icmp->bytes[CT_DIR_REPLY], 84);
		CHECK(icmp->dying_since == 5.0);
		CHECK_INT(icmp->nat, CT_NAT_SNAT);
	}
	CHECK(tcp && !tcp->dying);
	if (tcp)
		CHECK_STR(conntrack_text_state(tcp), "TIME_WAIT");   /* the UPDATEs moved it on */
	/* the fade */
	ct_table_expire(&t, 6.0);
	CHECK_INT(t.nflows, 2);
	ct_table_expire(&t, 7.0);
	CHECK_INT(t.nflows, 1);
	CHECK_INT(t.count, 1);
	free(b.p);
	ct_table_free(&t);
}

/* Copy the messages of b whose index is set in keep (bit i = message i). */
static struct blob subset(const struct blob *b, uint32_t keep)
{
	struct blob o = { xmalloc(b->len), 0 };
	const struct nlmsghdr *nlh;
	int left = (int)b->len, i = 0;

	for (nlh = (const struct nlmsghdr *)b->p; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left), i++) {
		if (keep & (1u << i)) {
			memcpy(o.p + o.len, nlh, NLMSG_ALIGN(nlh->nlmsg_len));
			o.len += NLMSG_ALIGN(nlh->nlmsg_len);
		}
	}
	return o;
}

static void test_reconcile(void)
{
	struct blob b = load("ct-nat.nlmsg");
	struct blob part = subset(&b, 0x0f);   /* the first 4 of 9 */
	struct blob ev = load("ct-events.nlmsg");
	struct ct_table t;
	struct ct_flow f, *o;
	struct model_ct m = { 0 };
	uint64_t dp[2], db[2];
	size_t i, news = 0;

	ct_table_init(&t);
	ct_table_apply_dump(&t, part.p, part.len, 1.0);
	CHECK_INT(t.count, 4);
	for (i = 0; i < t.nflows; i++)
		CHECK(!t.flows[i].is_new);   /* the first fill is not news */
	/* the full dump: 5 appear */
	ct_table_apply_dump(&t, b.p, b.len, 2.0);
	CHECK_INT(t.count, 9);
	CHECK_INT(t.gen, 2);
	for (i = 0; i < t.nflows; i++)
		news += t.flows[i].is_new;
	CHECK_INT(news, 5);
	/* and back: 5 disappear, they fade */
	ct_table_apply_dump(&t, part.p, part.len, 3.0);
	CHECK_INT(t.count, 4);
	CHECK_INT(t.nflows, 9);
	for (i = 0, news = 0; i < t.nflows; i++)
		news += t.flows[i].is_new;
	CHECK_INT(news, 0);
	ct_table_expire(&t, 5.0);
	CHECK_INT(t.nflows, 4);
	/* a resync dump counts the differences as lost events */
	ct_table_dump_begin(&t, true);
	ct_table_apply_buf(&t, b.p, b.len, 6.0, true, 0, 0, NULL);
	ct_table_dump_end(&t, true, 6.0);
	CHECK_INT(t.events_lost, 5);
	/* a failed dump changes nothing */
	ct_table_dump_begin(&t, false);
	ct_table_dump_end(&t, false, 7.0);
	CHECK_INT(t.count, 9);
	CHECK_INT(t.gen, 4);

	/* counter growth between dumps, and a reset: the model's */
	model_ct_update(&m, &t);
	o = &t.flows[0];
	f = *o;
	f.packets[0] += 10;
	f.bytes[0] += 1000;
	f.bytes[1] += 7;
	ct_table_dump_begin(&t, false);
	for (i = 0; i < t.nflows; i++) {
		struct ct_flow g = t.flows[i];

		ct_table_dump_flow(&t, g.id == f.id ? &f : &g, 8.0);
	}
	ct_table_dump_end(&t, true, 8.0);
	model_ct_update(&m, &t);
	o = ct_table_find(&t, f.id);
	CHECK(o != NULL);
	if (o) {
		CHECK(model_ct_delta(&m, &t, o, dp, db));
		CHECK_INT(dp[0], 10);
		CHECK_INT(db[0], 1000);
		CHECK_INT(db[1], 7);
		CHECK_INT(o->bytes[0], f.bytes[0]);
	}
	f.bytes[0] = 5;   /* went down: a reset, growth = the new value */
	ct_table_dump_begin(&t, false);
	for (i = 0; i < t.nflows; i++) {
		struct ct_flow g = t.flows[i];

		ct_table_dump_flow(&t, g.id == f.id ? &f : &g, 9.0);
	}
	ct_table_dump_end(&t, true, 9.0);
	model_ct_update(&m, &t);
	o = ct_table_find(&t, f.id);
	CHECK(o && model_ct_delta(&m, &t, o, dp, db) && db[0] == 5);

	/* events on top of a dump: a stale NEW keeps the dump's counters, a
	 * DESTROY brings final ones, a DESTROY of an unknown flow fades */
	ct_table_apply_events(&t, ev.p, ev.len, 10.0);
	CHECK_INT(t.count, 9);   /* the TCP flow is known (TIME_WAIT 43936), ICMP died */
	o = ct_table_find(&t, 1503798707u);
	CHECK(o && o->has_acct && o->bytes[0] == 325 && !o->dying);
	free(b.p);
	free(part.p);
	free(ev.p);
	model_ct_free(&m);
	ct_table_free(&t);
}

/* The hash: many ids, deletions in random order, find() stays right. */
static void test_hash(void)
{
	enum { N = 20000 };
	struct ct_table t;
	struct ct_flow f;
	static uint32_t ids[N];
	static bool alive[N];
	uint32_t x = 12345;
	size_t i, live = N, bad = 0;
	int round;

	ct_table_init(&t);
	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.proto = IPPROTO_UDP;
	ct_table_dump_begin(&t, false);
	for (i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		/* clustered ids collide in the low bits */
		ids[i] = (i & 1) ? x : (uint32_t)(i << 12);
		alive[i] = true;
		f.id = ids[i];
		ct_table_dump_flow(&t, &f, 1.0);
	}
	ct_table_dump_end(&t, true, 1.0);
	CHECK_INT(t.count, N);
	for (round = 0; round < 4; round++) {
		ct_table_dump_begin(&t, false);
		for (i = 0; i < N; i++) {
			x = x * 1103515245u + 12345u;
			if (alive[i] && (x >> 16) % 3 == 0) {
				alive[i] = false;
				live--;
			}
			if (alive[i]) {
				f.id = ids[i];
				ct_table_dump_flow(&t, &f, 2.0 + round);
			}
		}
		ct_table_dump_end(&t, true, 2.0 + round);
		ct_table_expire(&t, 10.0 + round);
		CHECK_INT(t.count, live);
		CHECK_INT(t.nflows, live);
		{
			char *why = NULL;

			CHECK_INT(ct_table_check(&t, &why), 0);
			if (why)
				fprintf(stderr, "%s\n", why);
			free(why);
		}
		for (i = 0; i < N; i++) {
			struct ct_flow *o = ct_table_find(&t, ids[i]);

			if ((o != NULL) != alive[i] || (o && o->id != ids[i]))
				bad++;
		}
	}
	CHECK_INT(bad, 0);
	ct_table_free(&t);
}

/* CTA_ID is a 32-bit hash: two live flows may share one. */
static void test_id_collision(void)
{
	struct ct_table t;
	struct ct_flow a, b;
	char *why = NULL;

	memset(&a, 0, sizeof(a));
	a.id = 42;
	a.family = AF_INET;
	a.proto = IPPROTO_TCP;
	a.orig.src.v4 = ip4("10.0.0.1");
	a.orig.dst.v4 = ip4("192.0.2.1");
	a.orig.sport = 1000;
	a.orig.dport = 80;
	b = a;
	b.orig.sport = 1001;
	ct_table_init(&t);
	ct_table_dump_begin(&t, false);
	ct_table_dump_flow(&t, &a, 1.0);
	ct_table_dump_flow(&t, &b, 1.0);
	ct_table_dump_end(&t, true, 1.0);
	CHECK_INT(t.count, 2);
	CHECK(ct_table_find_flow(&t, &a) != ct_table_find_flow(&t, &b));
	ct_table_apply_event(&t, &a, CT_MSG_DESTROY, 2.0);
	CHECK_INT(t.count, 1);
	CHECK(ct_table_find_flow(&t, &a)->dying);
	CHECK(!ct_table_find_flow(&t, &b)->dying);
	ct_table_expire(&t, 5.0);
	CHECK_INT(t.nflows, 1);
	CHECK(ct_table_find_flow(&t, &b) != NULL);
	CHECK(ct_table_find(&t, 42) == ct_table_find_flow(&t, &b));
	CHECK_INT(ct_table_check(&t, &why), 0);
	free(why);
	ct_table_free(&t);
}

static void test_nat_kind(void)
{
	struct ct_flow f;

	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.proto = IPPROTO_TCP;
	f.orig.src.v4 = ip4("10.0.0.2");
	f.orig.dst.v4 = ip4("192.0.2.1");
	f.orig.sport = 40000;
	f.orig.dport = 80;
	f.reply.src = f.orig.dst;
	f.reply.dst = f.orig.src;
	f.reply.sport = 80;
	f.reply.dport = 40000;
	CHECK_INT(ct_nat_kind(&f), CT_NAT_NONE);
	f.reply.dport = 40001;           /* source port remapped only */
	CHECK_INT(ct_nat_kind(&f), CT_NAT_SNAT);
	f.reply.dport = 40000;
	f.reply.sport = 8080;            /* REDIRECT-like port change */
	CHECK_INT(ct_nat_kind(&f), CT_NAT_DNAT);
	f.reply.sport = 80;
	f.status = IPS_SRC_NAT | IPS_DST_NAT;   /* the kernel's word counts */
	CHECK_INT(ct_nat_kind(&f), CT_NAT_BOTH);
	f.status = 0;
	/* ICMP: type differs by nature, the id is the "port" */
	f.proto = IPPROTO_ICMP;
	f.orig.sport = f.orig.dport = f.reply.sport = f.reply.dport = 0;
	f.orig.icmp_type = 8;
	f.reply.icmp_type = 0;
	f.orig.icmp_id = f.reply.icmp_id = 77;
	CHECK_INT(ct_nat_kind(&f), CT_NAT_NONE);
	f.reply.icmp_id = 78;
	CHECK_INT(ct_nat_kind(&f), CT_NAT_SNAT);

	/* names */
	f.proto = IPPROTO_TCP;
	f.has_state = true;
	f.state = 7;
	CHECK_STR(conntrack_text_state(&f), "TIME_WAIT");
	f.state = 200;
	CHECK_STR(conntrack_text_state(&f), "NONE");
	f.proto = IPPROTO_SCTP;
	f.state = 4;
	CHECK_STR(conntrack_text_state(&f), "ESTABLISHED");
	f.proto = IPPROTO_UDP;
	CHECK(conntrack_text_state(&f) == NULL);
	CHECK_STR(conntrack_text_proto(132), "sctp");
	CHECK_STR(conntrack_text_proto(99), "unknown");
	f.status = IPS_ASSURED | IPS_OFFLOAD;
	CHECK_STR(conntrack_text_flag(&f), "[OFFLOAD]");
}

/* Attribute at byte offset off of the first message of b, by walking. */
static struct nlattr *first_attr(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == type)
			return a;
	}
	return NULL;
}

/* Malformed input is refused, never exit()s (libnetfilter_conntrack's
 * abi_breakage would) and never overruns. */
static void test_malformed(void)
{
	struct blob b = load("ct-nat.nlmsg");
	struct nlmsghdr *m = (struct nlmsghdr *)b.p;
	size_t mlen = m->nlmsg_len;
	uint8_t *copy = xmalloc(mlen + 64);
	struct nlmsghdr *c = (struct nlmsghdr *)copy;
	struct nlattr *a;
	struct ct_flow f;
	enum ct_msg k;
	uint32_t x = 99;
	int i, ok = 0;

	/* CTA_ID as 2 bytes */
	memcpy(copy, m, mlen);
	a = first_attr(c, CTA_ID);
	CHECK(a != NULL);
	if (a) {
		a->nla_len = 6;
		CHECK_INT(ct_parse_msg(c, &f, &k), -1);
		CHECK_INT(errno, EINVAL);
	}
	/* a protoinfo member numbered past CTA_PROTOINFO_MAX */
	memcpy(copy, m, mlen);
	a = first_attr(c, CTA_PROTOINFO);
	if (a) {
		struct nlattr *in = mnl_attr_get_payload(a);

		in->nla_type = (uint16_t)((in->nla_type & ~NLA_TYPE_MASK) | 6);
		CHECK_INT(ct_parse_msg(c, &f, &k), -1);
	}
	/* no room for nfgenmsg */
	memcpy(copy, m, mlen);
	c->nlmsg_len = NLMSG_HDRLEN + 2;
	CHECK_INT(ct_parse_msg(c, &f, &k), -1);
	/* not conntrack */
	memcpy(copy, m, mlen);
	c->nlmsg_type = NLMSG_DONE;
	CHECK_INT(ct_parse_msg(c, &f, &k), -1);
	CHECK_INT(k, CT_MSG_OTHER);
	CHECK_INT(errno, ENOMSG);
	/* random byte flips in the attributes: refused or parsed, never fatal */
	for (i = 0; i < 20000; i++) {
		int j, flips = 1 + i % 4;

		memcpy(copy, m, mlen);
		for (j = 0; j < flips; j++) {
			x = x * 1103515245u + 12345u;
			copy[NLMSG_HDRLEN + 4 + (x >> 8) % (mlen - NLMSG_HDRLEN - 4)] = (uint8_t)(x >> 24);
		}
		if (ct_parse_msg(c, &f, &k) == 0)
			ok++;
	}
	CHECK(ok > 0);
	/* the whole buffer cut anywhere */
	for (i = 1; i < (int)b.len; i += 7) {
		struct ct_table t;

		ct_table_init(&t);
		ct_table_apply_dump(&t, b.p, (size_t)i, 1.0);
		CHECK(t.count <= 9);
		ct_table_free(&t);
	}
	free(copy);
	free(b.p);
}

static void test_route(void)
{
	struct blob l = load("route-local.nlmsg");
	struct blob o = load("route-output.nlmsg");
	struct blob fw = load("route-forward.nlmsg");
	struct route_result r;
	char a[INET6_ADDRSTRLEN];

	CHECK_INT(nlroute_parse(l.p, l.len, &r), 0);
	CHECK_INT(r.rtm_type, RTN_LOCAL);
	CHECK_INT(r.path, ROUTE_PATH_INPUT);
	CHECK_STR(nlroute_type_name(r.rtm_type), "local");
	CHECK(r.has_prefsrc);
	CHECK_STR(conntrack_text_addr(AF_INET, r.prefsrc, a, sizeof(a)),
		  "203.0.113.1");

	CHECK_INT(nlroute_parse(o.p, o.len, &r), 0);
	CHECK_INT(r.rtm_type, RTN_UNICAST);
	CHECK_INT(r.path, ROUTE_PATH_OUTPUT);
	CHECK_INT(r.table, RT_TABLE_MAIN);
	CHECK(r.oif > 0);
	CHECK_INT(r.iif, 0);
	CHECK(!r.has_gateway);
	CHECK_STR(r.oif_name, "");

	CHECK_INT(nlroute_parse(fw.p, fw.len, &r), 0);
	CHECK_INT(r.rtm_type, RTN_UNICAST);
	CHECK_INT(r.path, ROUTE_PATH_FORWARD);
	CHECK(r.iif > 0 && r.oif > 0 && r.iif != r.oif);
	CHECK_STR(nlroute_path_name(r.path), "FORWARD");

	CHECK_INT(nlroute_parse(l.p, 10, &r), -1);
	free(l.p);
	free(o.p);
	free(fw.p);
}

int main(void)
{
	test_nat_dump();
	test_json();
	test_extra();
	test_words();
	test_events();
	test_reconcile();
	test_hash();
	test_id_collision();
	test_nat_kind();
	test_malformed();
	test_route();
	return unit_status("unit-conntrack");
}
