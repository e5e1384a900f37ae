/*
 * rule-text-nft-value.c - how nft writes a value of each type: protocols,
 * ct state and status flags, icmp types and codes, tcp flags, interface
 * names ("eth*" for a prefix), marks as 0x%08x, hours and dates in local
 * time, and verdicts (accept, jump CHAIN). nftables 1.0.x words. The
 * bottom of the nft renderer: it knows bytes and types, not registers or
 * statements (rule-text-nft-expr.c names what a register holds,
 * rule-text-set.c and rule-text-nft.c write with these). Interface
 * indexes are named with if_indextoname() in the current namespace, as
 * nft does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "names.h"
#include "rule-text-int.h"

static const struct rt_sym ethertypes[] = {
	{ 0x0800, "ip" }, { 0x0806, "arp" }, { 0x86dd, "ip6" }, { 0x8100, "8021q" },
	{ 0x88a8, "8021ad" },
};
static const struct rt_sym nfprotos[] = {
	{ 1, "inet" }, { 2, "ipv4" }, { 3, "arp" }, { 5, "netdev" }, { 7, "bridge" }, { 10, "ipv6" },
};
static const struct rt_sym pkttypes[] = {
	{ 0, "host" }, { 1, "broadcast" }, { 2, "multicast" }, { 3, "other" },
};
static const struct rt_sym iftypes[] = {
	{ 1, "ether" }, { 512, "ppp" }, { 768, "ipip" }, { 769, "ipip6" }, { 772, "loopback" },
	{ 776, "sit" }, { 778, "ipgre" },
};
static const struct rt_sym addrtypes[] = {
	{ 0, "unspec" }, { 1, "unicast" }, { 2, "local" }, { 3, "broadcast" }, { 4, "anycast" },
	{ 5, "multicast" }, { 6, "blackhole" }, { 7, "unreachable" }, { 8, "prohibit" },
};
static const struct rt_sym dscps[] = {
	{ 0, "cs0" }, { 8, "cs1" }, { 10, "af11" }, { 12, "af12" }, { 14, "af13" }, { 16, "cs2" },
	{ 18, "af21" }, { 20, "af22" }, { 22, "af23" }, { 24, "cs3" }, { 26, "af31" },
	{ 28, "af32" }, { 30, "af33" }, { 32, "cs4" }, { 34, "af41" }, { 36, "af42" },
	{ 38, "af43" }, { 40, "cs5" }, { 46, "ef" }, { 48, "cs6" }, { 56, "cs7" },
};
/* bit flags, printed in bit order as nft does */
static const struct rt_sym ct_states[] = {
	{ 1, "invalid" }, { 2, "established" }, { 4, "related" }, { 8, "new" }, { 64, "untracked" },
};
static const struct rt_sym ct_statuses[] = {
	{ 1, "expected" }, { 2, "seen-reply" }, { 4, "assured" }, { 8, "confirmed" },
	{ 16, "snat" }, { 32, "dnat" }, { 512, "dying" },
};
static const struct rt_sym ecns[] = {
	{ 0, "not-ect" }, { 1, "ect1" }, { 2, "ect0" }, { 3, "ce" },
};
static const struct rt_sym arpops[] = {
	{ 1, "request" }, { 2, "reply" }, { 3, "rrequest" }, { 4, "rreply" }, { 8, "inrequest" },
	{ 9, "inreply" }, { 10, "nak" },
};
static const struct rt_sym mh_types[] = {
	{ 0, "binding-refresh-request" }, { 1, "home-test-init" }, { 2, "careof-test-init" },
	{ 3, "home-test" }, { 4, "careof-test" }, { 5, "binding-update" },
	{ 6, "binding-acknowledgement" }, { 7, "binding-error" }, { 8, "fast-binding-update" },
	{ 9, "fast-binding-acknowledgement" }, { 10, "fast-binding-advertisement" },
	{ 11, "experimental-mobility-header" }, { 12, "home-agent-switch-message" },
};
static const struct rt_sym dccp_types[] = {
	{ 0, "request" }, { 1, "response" }, { 2, "data" }, { 3, "ack" }, { 4, "dataack" },
	{ 5, "closereq" }, { 6, "close" }, { 7, "reset" }, { 8, "sync" }, { 9, "syncack" },
};
static const struct rt_sym ct_events[] = {
	{ 1, "new" }, { 2, "related" }, { 4, "destroy" }, { 8, "reply" }, { 16, "assured" },
	{ 32, "protoinfo" }, { 64, "helper" }, { 128, "mark" }, { 256, "seqadj" }, { 512, "secmark" },
	{ 1024, "label" },
};
static const struct rt_sym tcp_flags[] = {
	{ 1, "fin" }, { 2, "syn" }, { 4, "rst" }, { 8, "psh" }, { 16, "ack" }, { 32, "urg" },
	{ 64, "ecn" }, { 128, "cwr" },
};

#define SYM_FIND(tbl, v) rule_text_nft_value_find(tbl, ARRAY_SIZE(tbl), v)

/* The name of value v in table t, or NULL. */
const char *rule_text_nft_value_find(const struct rt_sym *t, size_t n, uint32_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	return NULL;
}

/* --- values ---------------------------------------------------------- */

uint64_t rule_text_nft_value_be(const uint8_t *d, uint32_t len)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < len && i < 8; i++)
		v = v << 8 | d[i];
	return v;
}

uint64_t rule_text_nft_value_host(const uint8_t *d, uint32_t len)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (len) {
	case 1:
		memcpy(&u8, d, 1);
		return u8;
	case 2:
		memcpy(&u16, d, 2);
		return u16;
	case 4:
		memcpy(&u32, d, 4);
		return u32;
	case 8:
		memcpy(&u64, d, 8);
		return u64;
	}
	return rule_text_nft_value_be(d, len);
}

/* Bit flags by name in table order, leftover bits in hex. */
static void add_flags(struct strbuf *sb, const struct rt_sym *t, size_t n, uint64_t v)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(v & t[i].v))
			continue;
		strbuf_addf(sb, "%s%s", sep, t[i].name);
		sep = ",";
		v &= ~(uint64_t)t[i].v;
	}
	if (v)
		strbuf_addf(sb, "%s0x%llx", sep, (unsigned long long)v);
	else if (!*sep)
		strbuf_add(sb, "0x0");
}

void rule_text_nft_value_name(struct strbuf *sb, const char *name, uint64_t v)
{
	if (name)
		strbuf_add(sb, name);
	else
		strbuf_addf(sb, "%llu", (unsigned long long)v);
}

void rule_text_nft_value_sym(struct strbuf *sb, const struct rt_sym *t, size_t n, uint64_t v)
{
	rule_text_nft_value_name(sb, rule_text_nft_value_find(t, n, (uint32_t)v), v);
}

/* An interface name in quotes; no NUL compared means a prefix: "eth*". */
static void add_ifname(struct strbuf *sb, const uint8_t *d, uint32_t len)
{
	size_t n = strnlen((const char *)d, len);

	/* no NUL compared: a prefix match, nft writes "eth*" */
	strbuf_addf(sb, "\"%.*s%s\"", (int)n, (const char *)d, n == len ? "*" : "");
}

uint32_t rule_text_nft_value_bits(const uint8_t *d, const uint8_t *m, uint32_t len, int shift,
				 uint32_t vlen, uint8_t *out)
{
	uint8_t buf[16] = { 0 };
	uint32_t i;
	uint64_t v;

	if (len > sizeof(buf))
		len = sizeof(buf);
	for (i = 0; i < len; i++)
		buf[i] = m ? d[i] & m[i] : d[i];
	/* a field of up to 64 bits sits in the last 8 bytes of the load */
	v = len > 8 ? rule_text_nft_value_be(buf + len - 8, 8) : rule_text_nft_value_be(buf, len);
	v = shift >= 0 && shift < 64 ? v >> shift : 0;
	if (vlen > 8)
		vlen = 8;
	for (i = 0; i < vlen; i++)
		out[vlen - 1 - i] = (uint8_t)(v >> (8 * i));
	return vlen;
}

/* ct labels: the numbers of the bits set (bit n is byte n/8, bit n%8). */
static void add_labels(struct strbuf *sb, const uint8_t *d, uint32_t len)
{
	const char *sep = "";
	uint32_t i;

	for (i = 0; i < len * 8; i++) {
		if (d[i / 8] & (1u << (i % 8))) {
			strbuf_addf(sb, "%s%u", sep, i);
			sep = ",";
		}
	}
	if (!*sep)
		strbuf_add(sb, "0");
}

/* The local time zone's offset now, as nft adds it to hours and dates. */
static long local_offset(void)
{
	time_t now = time(NULL);
	struct tm tm;

	return localtime_r(&now, &tm) ? tm.tm_gmtoff : 0;
}

/* meta hour: seconds since midnight UTC, shown in local time "17:00[:05]". */
static void add_hour(struct strbuf *sb, uint64_t secs)
{
	long s = ((long)(secs % 86400) + local_offset() % 86400 + 86400) % 86400;

	strbuf_addf(sb, "\"%02ld:%02ld", s / 3600, s / 60 % 60);
	if (s % 60)
		strbuf_addf(sb, ":%02ld", s % 60);
	strbuf_addc(sb, '"');
}

/* meta time: nanoseconds since the epoch, "2024-01-31 12:00:00" local. */
static void add_date(struct strbuf *sb, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char buf[64];

	if (!localtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ns);
	strbuf_addf(sb, "\"%s\"", buf);
}

/* nft's time_type: 1d2h3m4s5ms */
void rule_text_nft_value_time(struct strbuf *sb, uint64_t ms)
{
	static const struct { uint64_t div; const char *unit; } parts[] = {
		{ 86400000, "d" }, { 3600000, "h" }, { 60000, "m" }, { 1000, "s" }, { 1, "ms" },
	};
	size_t i;

	if (ms == 0) {
		strbuf_add(sb, "0s");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		if (ms >= parts[i].div) {
			strbuf_addf(sb, "%llu%s", (unsigned long long)(ms / parts[i].div), parts[i].unit);
			ms %= parts[i].div;
		}
	}
}

/* A big-endian value by name from table tbl (in rule_text_nft_value_write). */
#define SYM_BE(tbl) rule_text_nft_value_sym(sb, tbl, ARRAY_SIZE(tbl), rule_text_nft_value_be(d, len))

void rule_text_nft_value_write(struct strbuf *sb, enum rt_vt type, const uint8_t *d, uint32_t len)
{
	char buf[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];
	uint64_t v;
	uint32_t i;

	switch (type) {
	case VT_IPV4:
	case VT_IPV6:
	case VT_CT_ADDR: {
		uint8_t a[16] = { 0 };
		int af = (type == VT_IPV4 || (type == VT_CT_ADDR && len <= 4)) ? AF_INET : AF_INET6;

		memcpy(a, d, len < 16 ? len : 16);
		strbuf_add(sb, inet_ntop(af, a, buf, sizeof(buf)) ? buf : "?");
		return;
	}
	case VT_ETHER:
		for (i = 0; i < len; i++)
			strbuf_addf(sb, "%s%02x", i ? ":" : "", d[i]);
		return;
	case VT_IFNAME:
	case VT_STRING:
		add_ifname(sb, d, len);
		return;
	case VT_BE:
	case VT_PORT:
		strbuf_addf(sb, "%llu", (unsigned long long)rule_text_nft_value_be(d, len));
		return;
	case VT_ETHERTYPE:
		rule_text_nft_value_sym(sb, ethertypes, ARRAY_SIZE(ethertypes), rule_text_nft_value_be(d, len));
		return;
	case VT_PROTO: {
		const char *p = rule_text_xt_proto_name(d[0]);

		if (p)
			strbuf_add(sb, p);
		else
			strbuf_addf(sb, "%u", d[0]);
		return;
	}
	case VT_ICMP_TYPE:
		rule_text_nft_value_name(sb, names_icmp_type(false, d[0]), d[0]);
		return;
	case VT_ICMP6_TYPE:
		rule_text_nft_value_name(sb, names_icmp_type(true, d[0]), d[0]);
		return;
	case VT_TCP_FLAGS:
		add_flags(sb, tcp_flags, ARRAY_SIZE(tcp_flags), d[0]);
		return;
	case VT_DSCP:
		rule_text_nft_value_sym(sb, dscps, ARRAY_SIZE(dscps), d[0]);
		return;
	case VT_ICMP_CODE:
		rule_text_nft_value_name(sb, names_icmp_code(false, d[0]), d[0]);
		return;
	case VT_ICMP6_CODE:
		rule_text_nft_value_name(sb, names_icmp_code(true, d[0]), d[0]);
		return;
	case VT_RAW:
		strbuf_add(sb, "0x");
		for (i = 0; i < len; i++)
			strbuf_addf(sb, "%02x", d[i]);
		return;
	case VT_ECN:
		SYM_BE(ecns);
		return;
	case VT_ARPOP:
		SYM_BE(arpops);
		return;
	case VT_MH_TYPE:
		SYM_BE(mh_types);
		return;
	case VT_DCCP_TYPE:
		SYM_BE(dccp_types);
		return;
	case VT_BE_HEX:
		strbuf_addf(sb, "0x%llx", (unsigned long long)rule_text_nft_value_be(d, len));
		return;
	case VT_CT_LABEL:
		add_labels(sb, d, len);
		return;
	default:
		break;
	}
	v = rule_text_nft_value_host(d, len);
	switch (type) {
	case VT_HEX:
		strbuf_addf(sb, "0x%llx", (unsigned long long)v);
		return;
	case VT_MARK:
		strbuf_addf(sb, "0x%08llx", (unsigned long long)v);
		return;
	case VT_IFINDEX:
		if (v && if_indextoname((unsigned int)v, ifn))
			strbuf_addf(sb, "\"%s\"", ifn);
		else
			strbuf_addf(sb, "%llu", (unsigned long long)v);
		return;
	case VT_FIB_OIF:
		if (v == 0)
			strbuf_add(sb, "missing");
		else if (if_indextoname((unsigned int)v, ifn))
			strbuf_addf(sb, "\"%s\"", ifn);
		else
			strbuf_addf(sb, "%llu", (unsigned long long)v);
		return;
	case VT_NFPROTO:
		rule_text_nft_value_sym(sb, nfprotos, ARRAY_SIZE(nfprotos), v);
		return;
	case VT_PKTTYPE:
		rule_text_nft_value_sym(sb, pkttypes, ARRAY_SIZE(pkttypes), v);
		return;
	case VT_IFTYPE:
		rule_text_nft_value_sym(sb, iftypes, ARRAY_SIZE(iftypes), v);
		return;
	case VT_FIB_ADDRTYPE:
		rule_text_nft_value_sym(sb, addrtypes, ARRAY_SIZE(addrtypes), v);
		return;
	case VT_CT_DIR:
		strbuf_add(sb, v == 0 ? "original" : v == 1 ? "reply" : "?");
		return;
	case VT_CT_STATE:
		add_flags(sb, ct_states, ARRAY_SIZE(ct_states), v);
		return;
	case VT_CT_STATUS:
		add_flags(sb, ct_statuses, ARRAY_SIZE(ct_statuses), v);
		return;
	case VT_BOOL:
		strbuf_add(sb, v ? "exists" : "missing");
		return;
	case VT_TIME_MS:
		rule_text_nft_value_time(sb, v);
		return;
	case VT_CT_EVENT:
		add_flags(sb, ct_events, ARRAY_SIZE(ct_events), v);
		return;
	case VT_HOUR:
		add_hour(sb, v);
		return;
	case VT_DAY: {
		static const char *const days[] = {
			"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
		};

		if (v < ARRAY_SIZE(days))
			strbuf_addf(sb, "\"%s\"", days[v]);
		else
			strbuf_addf(sb, "%llu", (unsigned long long)v);
		return;
	}
	case VT_DATE:
		add_date(sb, v);
		return;
	case VT_PRIO:
		strbuf_addf(sb, "%llx:%llx", (unsigned long long)(v >> 16),
			    (unsigned long long)(v & 0xffff));
		return;
	default:
		strbuf_addf(sb, "%llu", (unsigned long long)v);
		return;
	}
}

/* Types the kernel holds in host byte order (nft swaps them with a
 * byteorder expression before ordered compares). */
bool rule_text_nft_value_host_order(enum rt_vt t)
{
	switch (t) {
	case VT_HOST: case VT_HEX: case VT_MARK: case VT_IFINDEX: case VT_FIB_OIF:
	case VT_NFPROTO: case VT_PKTTYPE: case VT_IFTYPE: case VT_FIB_ADDRTYPE: case VT_CT_DIR:
	case VT_CT_STATE: case VT_CT_STATUS: case VT_BOOL: case VT_TIME_MS: case VT_PRIO:
	case VT_CT_EVENT: case VT_HOUR: case VT_DAY: case VT_DATE:
		return true;
	default:
		return false;
	}
}

void rule_text_nft_value_verdict(struct strbuf *sb, int32_t v, const char *chain)
{
	/* no rule holds stolen, repeat or stop: those stay numbers */
	const char *name = v == NF_STOLEN || v > NF_QUEUE ? NULL : names_verdict(v);

	if (!name)
		strbuf_addf(sb, "[verdict %d]", v);
	else if (v == NFT_JUMP || v == NFT_GOTO)
		strbuf_addf(sb, "%s %s", name, chain ? chain : "?");
	else
		strbuf_add(sb, name);
}
