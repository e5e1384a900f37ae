/*
 * rule-text-nft-expr.c - nft's names for what a register holds and how
 * its values are written: payload fields by protocol header (ip saddr,
 * tcp dport, icmpv6 type, ether type, arp operation, ah spi), bit fields
 * under a mask (ip dscp, ip6 flowlabel, vlan id), fields an icmp type
 * selects (icmp mtu), meta and ct keys, fib, rt, socket, IPv6 extension
 * headers and tcp options by nft's templates (srh sid[1], frag frag-off,
 * tcp option maxseg size), header rewrites (ip dscp set af41),
 * concatenations, and the value types nft prints symbolically (protocols,
 * ct state flags, icmp types, interface names, marks as 0x%08x, hours in
 * local time ...). nftables 1.0.x words. What no template names comes out
 * raw (@nh,96,32) and marks its statement "[?]".
 *
 * It knows expressions, not statements: relations, verdicts and actions
 * are built from these in rule-text-nft.c. Interface indexes are named
 * with if_indextoname() in the current namespace, as nft does.
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
#include <libnftnl/expr.h>

#include "iptop.h"
#include "rule-text-int.h"

/* Protocol header names, by enum rt_hdr. */
static const char *const hdr_names[] = {
	[H_IP] = "ip", [H_IP6] = "ip6", [H_TCP] = "tcp", [H_UDP] = "udp",
	[H_UDPLITE] = "udplite", [H_SCTP] = "sctp", [H_DCCP] = "dccp", [H_ICMP] = "icmp",
	[H_ICMP6] = "icmpv6", [H_TH] = "th", [H_ETHER] = "ether", [H_AH] = "ah", [H_ESP] = "esp",
	[H_COMP] = "comp", [H_ARP] = "arp", [H_VLAN] = "vlan",
};


static const struct rt_pfield pfields[] = {
	{ H_IP, 2, 2, "length", VT_BE }, { H_IP, 4, 2, "id", VT_BE },
	{ H_IP, 6, 2, "frag-off", VT_BE }, { H_IP, 8, 1, "ttl", VT_BE },
	{ H_IP, 9, 1, "protocol", VT_PROTO }, { H_IP, 10, 2, "checksum", VT_BE },
	{ H_IP, 12, 4, "saddr", VT_IPV4 }, { H_IP, 16, 4, "daddr", VT_IPV4 },
	{ H_IP6, 4, 2, "length", VT_BE }, { H_IP6, 6, 1, "nexthdr", VT_PROTO },
	{ H_IP6, 7, 1, "hoplimit", VT_BE }, { H_IP6, 8, 16, "saddr", VT_IPV6 },
	{ H_IP6, 24, 16, "daddr", VT_IPV6 },
	{ H_TCP, 0, 2, "sport", VT_PORT }, { H_TCP, 2, 2, "dport", VT_PORT },
	{ H_TCP, 4, 4, "sequence", VT_BE }, { H_TCP, 8, 4, "ackseq", VT_BE },
	{ H_TCP, 13, 1, "flags", VT_TCP_FLAGS }, { H_TCP, 14, 2, "window", VT_BE },
	{ H_TCP, 16, 2, "checksum", VT_BE }, { H_TCP, 18, 2, "urgptr", VT_BE },
	{ H_UDP, 0, 2, "sport", VT_PORT }, { H_UDP, 2, 2, "dport", VT_PORT },
	{ H_UDP, 4, 2, "length", VT_BE }, { H_UDP, 6, 2, "checksum", VT_BE },
	{ H_UDPLITE, 0, 2, "sport", VT_PORT }, { H_UDPLITE, 2, 2, "dport", VT_PORT },
	{ H_SCTP, 0, 2, "sport", VT_PORT }, { H_SCTP, 2, 2, "dport", VT_PORT },
	{ H_SCTP, 4, 4, "vtag", VT_BE },
	{ H_DCCP, 0, 2, "sport", VT_PORT }, { H_DCCP, 2, 2, "dport", VT_PORT },
	{ H_ICMP, 0, 1, "type", VT_ICMP_TYPE }, { H_ICMP, 1, 1, "code", VT_ICMP_CODE },
	{ H_ICMP, 2, 2, "checksum", VT_BE }, { H_ICMP, 4, 2, "id", VT_BE },
	{ H_ICMP, 6, 2, "sequence", VT_BE },
	{ H_ICMP6, 0, 1, "type", VT_ICMP6_TYPE }, { H_ICMP6, 1, 1, "code", VT_ICMP6_CODE },
	{ H_ICMP6, 2, 2, "checksum", VT_BE }, { H_ICMP6, 4, 2, "id", VT_BE },
	{ H_ICMP6, 6, 2, "sequence", VT_BE },
	{ H_TH, 0, 2, "sport", VT_PORT }, { H_TH, 2, 2, "dport", VT_PORT },
	{ H_ETHER, 0, 6, "daddr", VT_ETHER }, { H_ETHER, 6, 6, "saddr", VT_ETHER },
	{ H_ETHER, 12, 2, "type", VT_ETHERTYPE },
	{ H_UDPLITE, 4, 2, "csumcov", VT_BE }, { H_UDPLITE, 6, 2, "checksum", VT_BE },
	{ H_SCTP, 8, 4, "checksum", VT_BE },
	{ H_AH, 0, 1, "nexthdr", VT_PROTO }, { H_AH, 1, 1, "hdrlength", VT_BE },
	{ H_AH, 2, 2, "reserved", VT_BE }, { H_AH, 4, 4, "spi", VT_BE },
	{ H_AH, 8, 4, "sequence", VT_BE },
	{ H_ESP, 0, 4, "spi", VT_BE }, { H_ESP, 4, 4, "sequence", VT_BE },
	{ H_COMP, 0, 1, "nexthdr", VT_PROTO }, { H_COMP, 1, 1, "flags", VT_BE_HEX },
	{ H_COMP, 2, 2, "cpi", VT_BE },
	{ H_ARP, 0, 2, "htype", VT_BE }, { H_ARP, 2, 2, "ptype", VT_ETHERTYPE },
	{ H_ARP, 4, 1, "hlen", VT_BE }, { H_ARP, 5, 1, "plen", VT_BE },
	{ H_ARP, 6, 2, "operation", VT_ARPOP }, { H_ARP, 8, 6, "saddr ether", VT_ETHER },
	{ H_ARP, 14, 4, "saddr ip", VT_IPV4 }, { H_ARP, 18, 6, "daddr ether", VT_ETHER },
	{ H_ARP, 24, 4, "daddr ip", VT_IPV4 },
	{ H_VLAN, 16, 2, "type", VT_ETHERTYPE },	/* link layer offsets */
};

/* Fields that share an offset with the echo id/sequence: nft names them
 * after an `icmp type` compare that selects them, and drops that compare. */
static const struct {
	uint8_t icmp_type;
	struct rt_pfield f;
} icmp_dep_fields[] = {
	{ 5, { H_ICMP, 4, 4, "gateway", VT_BE } }, { 3, { H_ICMP, 6, 2, "mtu", VT_BE } },
	{ 2, { H_ICMP6, 4, 4, "mtu", VT_BE } }, { 130, { H_ICMP6, 4, 2, "max-delay", VT_BE } },
	{ 4, { H_ICMP6, 4, 4, "parameter-problem", VT_BE } },
};

/* Fields that are not whole bytes (nft's HDR_BITFIELD templates): bit
 * offset and length in the header (vlan: in the link layer). */
struct rt_bfield {
	uint8_t hdr;
	uint16_t off, len;
	const char *name;
	uint8_t type;
};

static const struct rt_bfield bfields[] = {
	{ H_IP, 0, 4, "version", VT_BE }, { H_IP, 4, 4, "hdrlength", VT_BE },
	{ H_IP, 8, 6, "dscp", VT_DSCP }, { H_IP, 14, 2, "ecn", VT_ECN },
	{ H_IP6, 0, 4, "version", VT_BE }, { H_IP6, 4, 6, "dscp", VT_DSCP },
	{ H_IP6, 10, 2, "ecn", VT_ECN }, { H_IP6, 12, 20, "flowlabel", VT_BE },
	{ H_TCP, 96, 4, "doff", VT_BE }, { H_TCP, 100, 4, "reserved", VT_BE },
	{ H_DCCP, 67, 4, "type", VT_DCCP_TYPE },
	{ H_VLAN, 112, 3, "pcp", VT_BE }, { H_VLAN, 115, 1, "dei", VT_BE },
	{ H_VLAN, 116, 12, "id", VT_BE },
};

/* IPv6 extension header fields (nft's exthdr templates), bits from the
 * header's start; nft tries rt, then srh, rt0 for routing headers. */
struct rt_xfield {
	uint8_t type;
	uint16_t off, len;
	const char *hdr, *name;
	uint8_t vt;
};

static const struct rt_xfield xfields[] = {
	{ 0, 0, 8, "hbh", "nexthdr", VT_PROTO }, { 0, 8, 8, "hbh", "hdrlength", VT_BE },
	{ 43, 0, 8, "rt", "nexthdr", VT_PROTO }, { 43, 8, 8, "rt", "hdrlength", VT_BE },
	{ 43, 16, 8, "rt", "type", VT_BE }, { 43, 24, 8, "rt", "seg-left", VT_BE },
	{ 43, 32, 8, "srh", "last-entry", VT_BE }, { 43, 40, 8, "srh", "flags", VT_BE },
	{ 43, 48, 16, "srh", "tag", VT_BE }, { 43, 32, 32, "rt0", "reserved", VT_BE },
	{ 44, 0, 8, "frag", "nexthdr", VT_PROTO }, { 44, 8, 8, "frag", "reserved", VT_BE },
	{ 44, 16, 13, "frag", "frag-off", VT_BE }, { 44, 29, 2, "frag", "reserved2", VT_BE },
	{ 44, 31, 1, "frag", "more-fragments", VT_BE }, { 44, 32, 32, "frag", "id", VT_BE },
	{ 60, 0, 8, "dst", "nexthdr", VT_PROTO }, { 60, 8, 8, "dst", "hdrlength", VT_BE },
	{ 135, 0, 8, "mh", "nexthdr", VT_PROTO }, { 135, 8, 8, "mh", "hdrlength", VT_BE },
	{ 135, 16, 8, "mh", "type", VT_MH_TYPE }, { 135, 24, 8, "mh", "reserved", VT_BE },
	{ 135, 32, 16, "mh", "checksum", VT_BE },
};

/* TCP option fields (nft's tcpopt templates), bits from the option's
 * start; sack's later blocks print as sack1..sack3. */
struct rt_ofield {
	uint8_t kind;
	uint16_t off, len;
	const char *name;
};

static const struct rt_ofield ofields[] = {
	{ 2, 16, 16, "size" }, { 3, 16, 8, "count" },
	{ 5, 16, 32, "left" }, { 5, 48, 32, "right" }, { 5, 80, 32, "left" }, { 5, 112, 32, "right" },
	{ 5, 144, 32, "left" }, { 5, 176, 32, "right" }, { 5, 208, 32, "left" },
	{ 5, 240, 32, "right" }, { 8, 16, 32, "tsval" }, { 8, 48, 32, "tsecr" },
	{ 30, 16, 4, "subtype" },
};


/* enum nft_meta_keys, by number (newer kernels may add keys: [meta N]). */
static const struct rt_kname meta_keys[] = {
	{ "length", VT_HOST, 0 }, { "protocol", VT_ETHERTYPE, 0 }, { "priority", VT_PRIO, 0 },
	{ "mark", VT_MARK, 0 }, { "iif", VT_IFINDEX, 1 }, { "oif", VT_IFINDEX, 1 },
	{ "iifname", VT_IFNAME, 1 }, { "oifname", VT_IFNAME, 1 }, { "iiftype", VT_IFTYPE, 0 },
	{ "oiftype", VT_IFTYPE, 0 }, { "skuid", VT_HOST, 0 }, { "skgid", VT_HOST, 0 },
	{ "nftrace", VT_HOST, 0 }, { "rtclassid", VT_HOST, 0 }, { "secmark", VT_HOST, 0 },
	{ "nfproto", VT_NFPROTO, 0 }, { "l4proto", VT_PROTO, 0 }, { "ibrname", VT_IFNAME, 0 },
	{ "obrname", VT_IFNAME, 0 }, { "pkttype", VT_PKTTYPE, 0 }, { "cpu", VT_HOST, 0 },
	{ "iifgroup", VT_HOST, 1 }, { "oifgroup", VT_HOST, 1 }, { "cgroup", VT_HOST, 0 },
	{ "random", VT_BE, 0 }, { "secpath", VT_BOOL, 0 }, { "iifkind", VT_STRING, 0 },
	{ "oifkind", VT_STRING, 0 }, { "ibrpvid", VT_HOST, 0 }, { "ibrvproto", VT_ETHERTYPE, 0 },
	{ "time", VT_DATE, 0 }, { "day", VT_DAY, 0 }, { "hour", VT_HOUR, 0 },
	{ "sdif", VT_IFINDEX, 0 }, { "sdifname", VT_IFNAME, 0 }, { "broute", VT_HOST, 0 },
};

/* enum nft_ct_keys */
static const struct rt_kname ct_keys[] = {
	{ "state", VT_CT_STATE, 0 }, { "direction", VT_CT_DIR, 0 }, { "status", VT_CT_STATUS, 0 },
	{ "mark", VT_MARK, 0 }, { "secmark", VT_HOST, 0 }, { "expiration", VT_TIME_MS, 0 },
	{ "helper", VT_STRING, 0 }, { "l3proto", VT_NFPROTO, 0 }, { "saddr", VT_CT_ADDR, 0 },
	{ "daddr", VT_CT_ADDR, 0 }, { "protocol", VT_PROTO, 0 }, { "proto-src", VT_PORT, 0 },
	{ "proto-dst", VT_PORT, 0 }, { "label", VT_CT_LABEL, 0 }, { "packets", VT_HOST, 0 },
	{ "bytes", VT_HOST, 0 }, { "avgpkt", VT_HOST, 0 }, { "zone", VT_HOST, 0 },
	{ "event", VT_CT_EVENT, 0 }, { "ip saddr", VT_IPV4, 0 }, { "ip daddr", VT_IPV4, 0 },
	{ "ip6 saddr", VT_IPV6, 0 }, { "ip6 daddr", VT_IPV6, 0 }, { "id", VT_BE, 0 },
};


static const struct rt_sym icmp_types[] = {
	{ 0, "echo-reply" }, { 3, "destination-unreachable" }, { 4, "source-quench" },
	{ 5, "redirect" }, { 8, "echo-request" }, { 9, "router-advertisement" },
	{ 10, "router-solicitation" }, { 11, "time-exceeded" }, { 12, "parameter-problem" },
	{ 13, "timestamp-request" }, { 14, "timestamp-reply" }, { 15, "info-request" },
	{ 16, "info-reply" }, { 17, "address-mask-request" }, { 18, "address-mask-reply" },
};
static const struct rt_sym icmp6_types[] = {
	{ 1, "destination-unreachable" }, { 2, "packet-too-big" }, { 3, "time-exceeded" },
	{ 4, "parameter-problem" }, { 128, "echo-request" }, { 129, "echo-reply" },
	{ 130, "mld-listener-query" }, { 131, "mld-listener-report" },
	{ 132, "mld-listener-done" }, { 133, "nd-router-solicit" }, { 134, "nd-router-advert" },
	{ 135, "nd-neighbor-solicit" }, { 136, "nd-neighbor-advert" }, { 137, "nd-redirect" },
	{ 138, "router-renumbering" }, { 141, "ind-neighbor-solicit" },
	{ 142, "ind-neighbor-advert" }, { 143, "mld2-listener-report" },
};
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
static const struct rt_sym icmp_codes[] = {
	{ 0, "net-unreachable" }, { 1, "host-unreachable" }, { 2, "prot-unreachable" },
	{ 3, "port-unreachable" }, { 4, "frag-needed" }, { 9, "net-prohibited" },
	{ 10, "host-prohibited" }, { 13, "admin-prohibited" },
};
static const struct rt_sym icmp6_codes[] = {
	{ 0, "no-route" }, { 1, "admin-prohibited" }, { 3, "addr-unreachable" },
	{ 4, "port-unreachable" }, { 5, "policy-fail" }, { 6, "reject-route" },
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

#define SYM_FIND(tbl, v) sym_find(tbl, ARRAY_SIZE(tbl), v)

/* The name of value v in table t, or NULL. */
static const char *sym_find(const struct rt_sym *t, size_t n, uint32_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	return NULL;
}

/* Mark the dependency statement *dep elided (nft does not print it). */
void rule_text_nft_expr_kill(struct rt_nctx *c, int *dep)
{
	if (*dep >= 0 && (size_t)*dep < c->n)
		c->st[*dep].dead = true;
	*dep = -1;
}

/* --- values ---------------------------------------------------------- */

uint64_t rule_text_nft_expr_be(const uint8_t *d, uint32_t len)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < len && i < 8; i++)
		v = v << 8 | d[i];
	return v;
}

uint64_t rule_text_nft_expr_host(const uint8_t *d, uint32_t len)
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
	return rule_text_nft_expr_be(d, len);
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

void rule_text_nft_expr_sym(struct strbuf *sb, const struct rt_sym *t, size_t n, uint64_t v)
{
	const char *name = sym_find(t, n, (uint32_t)v);

	if (name)
		strbuf_add(sb, name);
	else
		strbuf_addf(sb, "%llu", (unsigned long long)v);
}

/* An interface name in quotes; no NUL compared means a prefix: "eth*". */
static void add_ifname(struct strbuf *sb, const uint8_t *d, uint32_t len)
{
	size_t n = strnlen((const char *)d, len);

	/* no NUL compared: a prefix match, nft writes "eth*" */
	strbuf_addf(sb, "\"%.*s%s\"", (int)n, (const char *)d, n == len ? "*" : "");
}

uint32_t rule_text_nft_expr_bits(const uint8_t *d, const uint8_t *m, uint32_t len, int shift,
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
	v = len > 8 ? rule_text_nft_expr_be(buf + len - 8, 8) : rule_text_nft_expr_be(buf, len);
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
void rule_text_nft_expr_time(struct strbuf *sb, uint64_t ms)
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

/* A big-endian value by name from table tbl (in rule_text_nft_expr_value). */
#define SYM_BE(tbl) rule_text_nft_expr_sym(sb, tbl, ARRAY_SIZE(tbl), rule_text_nft_expr_be(d, len))

void rule_text_nft_expr_value(struct strbuf *sb, enum rt_vt type, const uint8_t *d, uint32_t len)
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
		strbuf_addf(sb, "%llu", (unsigned long long)rule_text_nft_expr_be(d, len));
		return;
	case VT_ETHERTYPE:
		rule_text_nft_expr_sym(sb, ethertypes, ARRAY_SIZE(ethertypes), rule_text_nft_expr_be(d, len));
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
		rule_text_nft_expr_sym(sb, icmp_types, ARRAY_SIZE(icmp_types), d[0]);
		return;
	case VT_ICMP6_TYPE:
		rule_text_nft_expr_sym(sb, icmp6_types, ARRAY_SIZE(icmp6_types), d[0]);
		return;
	case VT_TCP_FLAGS:
		add_flags(sb, tcp_flags, ARRAY_SIZE(tcp_flags), d[0]);
		return;
	case VT_DSCP:
		rule_text_nft_expr_sym(sb, dscps, ARRAY_SIZE(dscps), d[0]);
		return;
	case VT_ICMP_CODE:
		rule_text_nft_expr_sym(sb, icmp_codes, ARRAY_SIZE(icmp_codes), d[0]);
		return;
	case VT_ICMP6_CODE:
		rule_text_nft_expr_sym(sb, icmp6_codes, ARRAY_SIZE(icmp6_codes), d[0]);
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
		strbuf_addf(sb, "0x%llx", (unsigned long long)rule_text_nft_expr_be(d, len));
		return;
	case VT_CT_LABEL:
		add_labels(sb, d, len);
		return;
	default:
		break;
	}
	v = rule_text_nft_expr_host(d, len);
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
		rule_text_nft_expr_sym(sb, nfprotos, ARRAY_SIZE(nfprotos), v);
		return;
	case VT_PKTTYPE:
		rule_text_nft_expr_sym(sb, pkttypes, ARRAY_SIZE(pkttypes), v);
		return;
	case VT_IFTYPE:
		rule_text_nft_expr_sym(sb, iftypes, ARRAY_SIZE(iftypes), v);
		return;
	case VT_FIB_ADDRTYPE:
		rule_text_nft_expr_sym(sb, addrtypes, ARRAY_SIZE(addrtypes), v);
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
		rule_text_nft_expr_time(sb, v);
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

/* --- left-hand sides ---------------------------------------------------- */


static enum rt_hdr nh_hdr(const struct rt_nctx *c)
{
	if (c->nh == NFPROTO_IPV4)
		return H_IP;
	if (c->nh == NFPROTO_IPV6)
		return H_IP6;
	if (c->nh == NFPROTO_ARP)
		return H_ARP;
	return H_NONE;
}

/* The transport header a `meta l4proto`/`ip protocol` compare announced. */
static enum rt_hdr th_hdr(const struct rt_nctx *c)
{
	switch (c->l4) {
	case IPPROTO_TCP:
		return H_TCP;
	case IPPROTO_UDP:
		return H_UDP;
	case IPPROTO_UDPLITE:
		return H_UDPLITE;
	case IPPROTO_SCTP:
		return H_SCTP;
	case IPPROTO_DCCP:
		return H_DCCP;
	case IPPROTO_ICMP:
		return H_ICMP;
	case IPPROTO_ICMPV6:
		return H_ICMP6;
	case IPPROTO_AH:
		return H_AH;
	case IPPROTO_ESP:
		return H_ESP;
	case IPPROTO_COMP:
		return H_COMP;
	}
	return H_TH;
}

enum rt_hdr rule_text_nft_expr_hdr(const struct rt_nctx *c, const struct rt_reg *r)
{
	switch (r->base) {
	case NFT_PAYLOAD_LL_HEADER:
		return c->vlan && r->offset >= 14 ? H_VLAN : H_ETHER;
	case NFT_PAYLOAD_NETWORK_HEADER:
		return nh_hdr(c);
	case NFT_PAYLOAD_TRANSPORT_HEADER:
		return th_hdr(c);
	}
	return H_NONE;
}

/* The icmp field an earlier `icmp type` compare selects at off, or NULL. */
static const struct rt_pfield *icmp_dep_field(const struct rt_nctx *c, enum rt_hdr h, uint32_t off,
					      uint32_t len)
{
	size_t i;

	if (c->icmp_dep < 0)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(icmp_dep_fields); i++) {
		const struct rt_pfield *f = &icmp_dep_fields[i].f;

		if (f->hdr == h && f->off == off && icmp_dep_fields[i].icmp_type == c->icmp_type &&
		    (!len || len >= f->len))
			return f;
	}
	return NULL;
}

const struct rt_pfield *rule_text_nft_expr_field(const struct rt_nctx *c, enum rt_hdr h, uint32_t off,
						 uint32_t len)
{
	const struct rt_pfield *dep = icmp_dep_field(c, h, off, len);
	size_t i;

	if (dep)
		return dep;
	for (i = 0; i < ARRAY_SIZE(pfields); i++)
		if (pfields[i].hdr == h && pfields[i].off == off)
			return &pfields[i];
	return NULL;
}

/* A payload field named in its header: kills the dependency that only
 * established the header. */
void rule_text_nft_expr_used(struct rt_nctx *c, const struct rt_reg *r, enum rt_hdr h)
{
	if (r->base == NFT_PAYLOAD_NETWORK_HEADER && h != H_NONE)
		rule_text_nft_expr_kill(c, &c->nh_dep);
	if (r->base == NFT_PAYLOAD_TRANSPORT_HEADER && h != H_TH) {
		rule_text_nft_expr_kill(c, &c->l4_dep);
		if (h == H_ICMP || h == H_ICMP6)
/* Mark the dependency statement *dep elided (nft does not print it). */
			rule_text_nft_expr_kill(c, &c->nh_dep);	/* the protocol implies the family */
	}
	if (r->base == NFT_PAYLOAD_LL_HEADER)
		rule_text_nft_expr_kill(c, &c->ll_dep);
	/* `vlan id` implies `ether type 8021q`; `vlan type` never drops it */
	if (h == H_VLAN && r->offset < 16)
		rule_text_nft_expr_kill(c, &c->vlan_dep);
	if (icmp_dep_field(c, h, r->offset, r->len))
		rule_text_nft_expr_kill(c, &c->icmp_dep);
}

/* The bits a contiguous mask of len bytes keeps: *first (from the top)
 * and *n; false for no mask, a mask with holes or one with an xor. */
static bool mask_bits(const struct rt_reg *r, uint32_t *first, uint32_t *n)
{
	uint32_t i, bit, end = 0;
	bool seen = false, gap = false;

	if (!r->bitwise || r->len == 0 || r->len > sizeof(r->mask) || r->shift)
		return false;
	for (i = 0; i < r->len; i++)
		if (r->xor[i])
			return false;
	for (bit = 0; bit < r->len * 8; bit++) {
		bool set = r->mask[bit / 8] & (0x80 >> (bit % 8));

		if (set && gap)
			return false;
		if (set && !seen) {
			*first = bit;
			seen = true;
		}
		if (set)
			end = bit + 1;
		else if (seen)
			gap = true;
	}
	if (!seen || (*first == 0 && end == r->len * 8))
		return false;	/* no bits, or all of them: not a bit field */
	*n = end - *first;
	return true;
}

/* Name a bit field: what it is called, its type, the shift and width of
 * its values. */
static void set_bits(struct rt_lhs *l, const char *hdr, const char *name, uint8_t type,
		     const struct rt_reg *r, uint32_t first, uint32_t n)
{
	snprintf(l->name, sizeof(l->name), "%s %s", hdr, name);
	l->type = type;
	l->bits = true;
	l->vshift = (int)(r->len * 8 - first - n);
	l->vlen = (n + 7) / 8;
}

/* A bit field of header h under r's mask, or NULL. */
static const struct rt_bfield *bfield_find(enum rt_hdr h, const struct rt_reg *r, uint32_t *first,
					   uint32_t *n)
{
	size_t i;

	if (!mask_bits(r, first, n))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(bfields); i++)
		if (bfields[i].hdr == h && bfields[i].off == r->offset * 8 + *first &&
		    bfields[i].len == *n)
			return &bfields[i];
	return NULL;
}

/* nft's name for a payload load: "hdr field", a bit field, or @base,off,len. */
static bool payload_lhs(struct rt_nctx *c, const struct rt_reg *r, struct rt_lhs *l)
{
	static const char *const bases[] = { "ll", "nh", "th", "ih" };
	enum rt_hdr h = rule_text_nft_expr_hdr(c, r);
	const struct rt_pfield *f = rule_text_nft_expr_field(c, h, r->offset, r->len);
	const struct rt_bfield *bf;
	uint32_t first = 0, n = 0;

	bf = bfield_find(h, r, &first, &n);
	if (bf) {
		set_bits(l, hdr_names[h], bf->name, bf->type, r, first, n);
		rule_text_nft_expr_used(c, r, h);
		return true;
	}
	if (f && (f->len == r->len || (f->len > r->len && (f->type == VT_IPV4 || f->type == VT_IPV6)))) {
		snprintf(l->name, sizeof(l->name), "%s %s", hdr_names[h], f->name);
		l->type = f->type;
		l->flen = f->len;
		/* a masked address is a prefix: ip saddr 10.0.0.0/8, ether saddr 02:00:00:00:00:00/24 */
		l->addr = f->type == VT_IPV4 || f->type == VT_IPV6 || f->type == VT_ETHER;
		rule_text_nft_expr_used(c, r, h);
		return true;
	}
	snprintf(l->name, sizeof(l->name), "@%s,%u,%u", r->base < 4 ? bases[r->base] : "?",
		 r->offset * 8, r->len * 8);
	l->type = VT_RAW;
	c->undecoded = true;
	return true;
}

/* "fib saddr . iif oif" as fib_expr_print() writes it; false for a
 * result it does not know. */
static bool fib_name(char *buf, size_t n, uint32_t flags, uint32_t result)
{
	static const struct { uint32_t f; const char *s; } parts[] = {
		{ NFTA_FIB_F_SADDR, "saddr" }, { NFTA_FIB_F_DADDR, "daddr" },
		{ NFTA_FIB_F_MARK, "mark" }, { NFTA_FIB_F_IIF, "iif" }, { NFTA_FIB_F_OIF, "oif" },
	};
	static const char *const results[] = { "unspec", "oif", "oifname", "type" };
	size_t i, off;

	off = (size_t)snprintf(buf, n, "fib");
	for (i = 0; i < ARRAY_SIZE(parts) && off < n; i++)
		if (flags & parts[i].f)
			off += (size_t)snprintf(buf + off, n - off, "%s%s",
						off > 3 ? " . " : " ", parts[i].s);
	if (off < n)
		snprintf(buf + off, n - off, " %s", result < 4 ? results[result] : "?");
	return result > 0 && result < 4;
}

/* A tcp option's name as nft writes it, or NULL. */
static const char *tcpopt_name(uint32_t kind)
{
	static const struct rt_sym tcpopts[] = {
		{ 0, "eol" }, { 1, "nop" }, { 2, "maxseg" }, { 3, "window" }, { 4, "sack-perm" },
		{ 5, "sack" }, { 8, "timestamp" }, { 19, "md5sig" }, { 30, "mptcp" }, { 34, "fastopen" },
	};

	return SYM_FIND(tcpopts, kind);
}

/* "tcp option maxseg size", "tcp option sack1 left": the field at bit
 * off, n bits long, of a known option; false if there is none. */
static bool tcpopt_field(struct rt_lhs *l, uint32_t kind, uint32_t off, uint32_t n)
{
	const char *name = tcpopt_name(kind);
	size_t i;

	if (!name)
		return false;
	if (n == 8 && (off == 0 || (off == 8 && kind > 1))) {	/* eol and nop have no length */
		snprintf(l->name, sizeof(l->name), "tcp option %s %s", name, off ? "length" : "kind");
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(ofields); i++) {
		if (ofields[i].kind != kind || ofields[i].off != off || ofields[i].len != n)
			continue;
		if (off / 64)
			snprintf(l->name, sizeof(l->name), "tcp option %s%u %s", name, off / 64,
				 ofields[i].name);
		else
			snprintf(l->name, sizeof(l->name), "tcp option %s %s", name, ofields[i].name);
		return true;
	}
	return false;
}

/* "rt type", "srh sid[1]", "frag more-fragments": the IPv6 extension header
 * field at bit off, n bits long; false if there is none. */
static bool ip6_exthdr_field(struct rt_lhs *l, uint32_t type, uint32_t off, uint32_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xfields); i++) {
		if (xfields[i].type == type && xfields[i].off == off && xfields[i].len == n) {
			snprintf(l->name, sizeof(l->name), "%s %s", xfields[i].hdr, xfields[i].name);
			l->type = xfields[i].vt;
			return true;
		}
	}
	/* the addresses: srh segments before rt0 addresses, as nft looks */
	if (type == 43 && n == 128 && off >= 64 && (off - 64) % 128 == 0) {
		snprintf(l->name, sizeof(l->name), "srh sid[%u]", (off - 64) / 128 + 1);
		l->type = VT_IPV6;
		return true;
	}
	return false;
}

static const struct rt_sym ip_options[] = {
	{ 7, "rr" }, { 131, "lsrr" }, { 137, "ssrr" }, { 148, "ra" },
};

/* "ip option rr ptr": the IPv4 option field at bit off, n bits long. */
static bool ipopt_field(struct rt_lhs *l, uint32_t type, uint32_t off, uint32_t n)
{
	static const struct { uint16_t off, len; const char *name; } fields[] = {
		{ 0, 8, "type" }, { 8, 8, "length" }, { 16, 8, "ptr" }, { 24, 32, "addr" },
	};
	const char *name = SYM_FIND(ip_options, type);
	size_t i;

	if (!name)
		return false;
	if (type == 148 && off == 16 && n == 16) {	/* router alert */
		snprintf(l->name, sizeof(l->name), "ip option ra value");
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (fields[i].off == off && fields[i].len == n && (type != 148 || off < 16)) {
			snprintf(l->name, sizeof(l->name), "ip option %s %s", name, fields[i].name);
			l->type = fields[i].len == 32 ? VT_IPV4 : VT_BE;
			return true;
		}
	}
	return false;
}

/* An sctp chunk's name, or NULL. */
static const char *sctp_chunk_name(uint32_t type)
{
	static const struct rt_sym chunks[] = {
		{ 0, "data" }, { 1, "init" }, { 2, "init-ack" }, { 3, "sack" }, { 4, "heartbeat" },
		{ 5, "heartbeat-ack" }, { 6, "abort" }, { 7, "shutdown" }, { 8, "shutdown-ack" },
		{ 9, "error" }, { 10, "cookie-echo" }, { 11, "cookie-ack" }, { 12, "ecne" },
		{ 13, "cwr" }, { 14, "shutdown-complete" }, { 128, "asconf-ack" },
		{ 192, "forward-tsn" }, { 193, "asconf" },
	};

	return SYM_FIND(chunks, type);
}

/* "sctp chunk data flags": a chunk's common header fields. */
static bool sctp_chunk_field(struct rt_lhs *l, uint32_t type, uint32_t off, uint32_t n)
{
	const char *name = sctp_chunk_name(type);

	if (!name || !((off == 0 && n == 8) || (off == 8 && n == 8) || (off == 16 && n == 16)))
		return false;
	snprintf(l->name, sizeof(l->name), "sctp chunk %s %s", name,
		 off == 0 ? "type" : off == 8 ? "flags" : "length");
	return true;
}

/* An exthdr field by operation: tcp option, IPv6 header, ip option, sctp chunk. */
static bool exthdr_field(struct rt_lhs *l, uint32_t op, uint32_t type, uint32_t off, uint32_t n)
{
	switch (op) {
	case NFT_EXTHDR_OP_TCPOPT:
		return tcpopt_field(l, type, off, n);
	case NFT_EXTHDR_OP_IPV6:
		return ip6_exthdr_field(l, type, off, n);
	case NFT_EXTHDR_OP_IPV4:
		return ipopt_field(l, type, off, n);
	case NFT_EXTHDR_OP_SCTP:
		return sctp_chunk_field(l, type, off, n);
	}
	return false;
}

/* Name an exthdr load: "tcp option maxseg size", "frag frag-off" (a bit
 * field under a mask), "exthdr frag exists", or a raw form. */
static void exthdr_name(struct rt_nctx *c, const struct rt_reg *r, struct rt_lhs *l)
{
	static const struct rt_sym v6hdrs[] = {
		{ 0, "hbh" }, { 43, "rt" }, { 44, "frag" }, { 60, "dst" }, { 135, "mh" },
	};
	static const char *const prefixes[] = {
		[NFT_EXTHDR_OP_IPV6] = "exthdr", [NFT_EXTHDR_OP_TCPOPT] = "tcp option",
		[NFT_EXTHDR_OP_IPV4] = "ip option", [NFT_EXTHDR_OP_SCTP] = "sctp chunk",
	};
	uint32_t first = 0, n = 0;
	const char *name = NULL;

	l->type = (r->flags & NFT_EXTHDR_F_PRESENT) ? VT_BOOL : VT_BE;
	/* the header the option lives in is implied: its dependency goes */
	if (r->base == NFT_EXTHDR_OP_TCPOPT || r->base == NFT_EXTHDR_OP_SCTP)
		rule_text_nft_expr_kill(c, &c->l4_dep);
	else if ((r->base == NFT_EXTHDR_OP_IPV6 && c->nh == NFPROTO_IPV6) ||
		 (r->base == NFT_EXTHDR_OP_IPV4 && c->nh == NFPROTO_IPV4))
		rule_text_nft_expr_kill(c, &c->nh_dep);
	if (r->base >= ARRAY_SIZE(prefixes) || !prefixes[r->base]) {
		snprintf(l->name, sizeof(l->name), "exthdr op %u @%u,%u,%u", r->base, r->key,
			 r->offset * 8, r->len * 8);
		c->undecoded = true;
		return;
	}
	switch (r->base) {
	case NFT_EXTHDR_OP_TCPOPT:
		name = tcpopt_name(r->key);
		break;
	case NFT_EXTHDR_OP_IPV6:
		name = SYM_FIND(v6hdrs, r->key);
		break;
	case NFT_EXTHDR_OP_IPV4:
		name = SYM_FIND(ip_options, r->key);
		break;
	case NFT_EXTHDR_OP_SCTP:
		name = sctp_chunk_name(r->key);
		break;
	}
	if (r->flags & NFT_EXTHDR_F_PRESENT) {
		if (name)
			snprintf(l->name, sizeof(l->name), "%s %s", prefixes[r->base], name);
		else
			snprintf(l->name, sizeof(l->name), "%s %u", prefixes[r->base], r->key);
		return;
	}
	if (mask_bits(r, &first, &n) &&	/* a bit field under a mask */
	    exthdr_field(l, r->base, r->key, r->offset * 8 + first, n)) {
		l->bits = true;
		l->vshift = (int)(r->len * 8 - first - n);
		l->vlen = (n + 7) / 8;
		if (l->type == VT_IPV6 || l->type == VT_IPV4)
			l->type = VT_BE;
		return;
	}
	if (exthdr_field(l, r->base, r->key, r->offset * 8, r->len * 8))
		return;
	snprintf(l->name, sizeof(l->name), "%s @%u,%u,%u", prefixes[r->base], r->key, r->offset * 8,
		 r->len * 8);
	l->type = VT_RAW;
	c->undecoded = true;
}

/* Name the value a register holds. */
void rule_text_nft_expr_name(struct rt_nctx *c, const struct rt_reg *r, struct rt_lhs *l)
{
	static const char *const rt_keys[] = { "classid", "nexthop", "nexthop", "mtu", "ipsec" };
	static const char *const sock_keys[] = { "transparent", "mark", "wildcard", "cgroupv2" };

	memset(l, 0, sizeof(*l));
	l->type = VT_HOST;
	switch (r->src) {
	case RT_SRC_PAYLOAD:
		payload_lhs(c, r, l);
		return;
	case RT_SRC_META:
		if (r->key < ARRAY_SIZE(meta_keys)) {
			snprintf(l->name, sizeof(l->name), "%s%s", meta_keys[r->key].bare ? "" : "meta ",
				 meta_keys[r->key].name);
			l->type = meta_keys[r->key].type;
		} else {
			snprintf(l->name, sizeof(l->name), "meta %u", r->key);
		}
		return;
	case RT_SRC_CT:
		if (r->key < ARRAY_SIZE(ct_keys)) {
			snprintf(l->name, sizeof(l->name), "ct %s%s",
				 r->dir == 0 ? "original " : r->dir == 1 ? "reply " : "",
				 ct_keys[r->key].name);
			l->type = ct_keys[r->key].type;
		} else {
			snprintf(l->name, sizeof(l->name), "ct %u", r->key);
		}
		return;
	case RT_SRC_RT:
		snprintf(l->name, sizeof(l->name), "rt %s", r->key < 5 ? rt_keys[r->key] : "?");
		l->type = r->key == 1 ? VT_IPV4 : r->key == 2 ? VT_IPV6 : r->key == 4 ? VT_BOOL : VT_HOST;
		return;
	case RT_SRC_SOCKET:
		if (r->key == 3)
			snprintf(l->name, sizeof(l->name), "socket cgroupv2 level %u", r->flags);
		else
			snprintf(l->name, sizeof(l->name), "socket %s", r->key < 4 ? sock_keys[r->key] : "?");
		l->type = r->key == 1 ? VT_MARK : VT_HOST;
		return;
	case RT_SRC_FIB:
		if (!fib_name(l->name, sizeof(l->name), r->flags, r->key))
			c->undecoded = true;
		l->type = (r->flags & NFTA_FIB_F_PRESENT) ? VT_BOOL :
			  r->key == NFT_FIB_RESULT_ADDRTYPE ? VT_FIB_ADDRTYPE :
			  r->key == NFT_FIB_RESULT_OIFNAME ? VT_IFNAME : VT_FIB_OIF;
		return;
	case RT_SRC_EXTHDR:
		exthdr_name(c, r, l);
		return;
	case RT_SRC_IMM: {
		struct strbuf sb;

		strbuf_init(&sb);
		rule_text_nft_expr_value(&sb, VT_RAW, r->data, r->len);
		snprintf(l->name, sizeof(l->name), "%s", sb.s);
		strbuf_free(&sb);
		l->type = VT_RAW;
		c->undecoded = true;
		return;
	}
	case RT_SRC_OTHER:
		snprintf(l->name, sizeof(l->name), "%s", r->desc ? r->desc : "?");
		l->type = r->vt;
		return;
	case RT_SRC_NONE:
		break;
	}
	snprintf(l->name, sizeof(l->name), "[reg]");
	c->undecoded = true;
}

/* The value a statement takes from a register: an immediate written in
 * the destination's type, else the source's name (`ct mark set meta mark`). */
void rule_text_nft_expr_reg_value(struct rt_nctx *c, struct strbuf *sb, const struct rt_reg *r,
				  enum rt_vt type)
{
	struct rt_lhs l;

	if (!r) {
		strbuf_add(sb, "[reg]");
		c->undecoded = true;
		return;
	}
	if (r->src == RT_SRC_IMM) {
		rule_text_nft_expr_value(sb, type, r->data, r->len);
		return;
	}
	rule_text_nft_expr_name(c, r, &l);
	strbuf_add(sb, l.name);
	if (r->bitwise && r->len <= 8) {
		uint64_t m = rule_text_nft_expr_host(r->mask, r->len);
		uint64_t x = rule_text_nft_expr_host(r->xor, r->len);
		uint64_t all = r->len == 8 ? ~0ull : (1ull << (r->len * 8)) - 1;

		/* nft's binop folding: (v & ~x) ^ x is v | x */
		if (x && (m | x) == all && !(m & x)) {
			strbuf_add(sb, " | ");
			rule_text_nft_expr_value(sb, type, r->xor, r->len);
			return;
		}
		if (m != all) {
			strbuf_add(sb, " & ");
			rule_text_nft_expr_value(sb, type, r->mask, r->len);
		}
		if (x) {
			strbuf_add(sb, " ^ ");
			rule_text_nft_expr_value(sb, type, r->xor, r->len);
		}
	}
}

/* The key of a lookup/dynset: loads from sreg on, joined by " . "
 * (concatenations occupy consecutive 4-byte slots). */
void rule_text_nft_expr_key(struct rt_nctx *c, struct strbuf *sb, uint32_t sreg,
			    struct rt_keyspec *ks)
{
	int slot = rule_text_reg_slot(sreg), n = 0;
	unsigned int seq = 0;
	struct rt_lhs l;

	if (ks)
		memset(ks, 0, sizeof(*ks));
	while (slot >= 0 && slot < RT_NSLOTS) {
		struct rt_reg *r = &c->rs.r[slot];

		if (r->src == RT_SRC_NONE || !r->head || (n > 0 && (!r->pending || r->seq < seq)))
			break;
		rule_text_nft_expr_name(c, r, &l);
		strbuf_addf(sb, "%s%s", n ? " . " : "", l.name);
		if (ks && ks->n < RT_NSLOTS) {
			struct rt_keypart *p = &ks->p[ks->n++];

			p->type = (uint8_t)l.type;
			p->hton = r->hton;
			p->len = r->len;
			p->vshift = l.vshift;
			p->vlen = l.bits ? l.vlen : 0;
		}
		r->pending = false;
		seq = r->seq;
		slot += r->len ? (int)((r->len + 3) / 4) : 1;
		n++;
	}
	if (n == 0) {
		strbuf_add(sb, "[reg]");
		c->undecoded = true;
	}
}


const char *rule_text_nft_expr_hdr_name(enum rt_hdr h)
{
	return h < ARRAY_SIZE(hdr_names) && hdr_names[h] ? hdr_names[h] : "?";
}

bool rule_text_nft_expr_rewrite(struct rt_nctx *c, struct strbuf *sb, const struct rt_reg *dst,
				const struct rt_reg *src)
{
	struct rt_reg f = *dst;
	struct rt_lhs l;
	uint32_t first = 0, n = 0, i;
	uint8_t v[16], fv[8];

	if (!src || src->src != dst->src || src->base != dst->base || src->offset != dst->offset ||
	    src->len != dst->len || src->key != dst->key || !src->bitwise || src->shift ||
	    !dst->len || dst->len > sizeof(f.mask))
		return false;
	/* the bits the write changes are those the mask clears */
	f.bitwise = true;
	f.desc = NULL;
	memset(f.xor, 0, sizeof(f.xor));
	for (i = 0; i < dst->len; i++) {
		f.mask[i] = (uint8_t)~src->mask[i];
		v[i] = src->xor[i] & f.mask[i];
	}
	if (!mask_bits(&f, &first, &n))
		return false;
	if (first % 8 == 0 && n % 8 == 0) {	/* whole bytes: ip ttl set 64 */
		f.bitwise = false;
		f.offset = dst->offset + first / 8;
		f.len = n / 8;
		rule_text_nft_expr_name(c, &f, &l);
		if (l.type == VT_RAW)
			return false;
		strbuf_addf(sb, "%s set ", l.name);
		rule_text_nft_expr_value(sb, l.type, v + first / 8, n / 8);
		return true;
	}
	rule_text_nft_expr_name(c, &f, &l);
	if (!l.bits)
		return false;
	strbuf_addf(sb, "%s set ", l.name);
	rule_text_nft_expr_value(sb, l.type, fv,
				 rule_text_nft_expr_bits(v, NULL, dst->len, l.vshift, l.vlen, fv));
	return true;
}

/* The destination of `meta KEY set` / `ct KEY set`. */
void rule_text_nft_expr_setter(bool ct, uint32_t key, struct rt_lhs *l)
{
	const struct rt_kname *k = ct ? ct_keys : meta_keys;
	size_t n = ct ? ARRAY_SIZE(ct_keys) : ARRAY_SIZE(meta_keys);

	memset(l, 0, sizeof(*l));
	l->type = VT_HOST;
	if (key < n) {
		snprintf(l->name, sizeof(l->name), "%s %s", ct ? "ct" : "meta", k[key].name);
		l->type = k[key].type;
	} else {
		snprintf(l->name, sizeof(l->name), "%s %u", ct ? "ct" : "meta", key);
	}
}

/* Types the kernel holds in host byte order (nft swaps them with a
 * byteorder expression before ordered compares). */
bool rule_text_nft_expr_host_order(enum rt_vt t)
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
