/*
 * names.c - verdict and ICMP names in one place (names.h): the
 * rule renderers, the trace text and the views all ask here. The words
 * are nft's (nftables 1.0.x) and iptables'; the numbers are the kernel's
 * (linux/netfilter.h, nf_tables.h, RFC 792 and RFC 4443).
 */
#include "config.h"

#include <stddef.h>

#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "names.h"

struct names_sym {
	int32_t v;
	const char *name;
};

static const char *find(const struct names_sym *t, size_t n, int32_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	return NULL;
}

#define FIND(tbl, v) find(tbl, ARRAY_SIZE(tbl), v)

struct names_verdict {
	int32_t v;
	const char *nft, *ipt;
};

static const struct names_verdict verdicts[] = {
	{ NF_DROP, "drop", "DROP" }, { NF_ACCEPT, "accept", "ACCEPT" },
	{ NF_STOLEN, "stolen", "STOLEN" }, { NF_QUEUE, "queue", "QUEUE" },
	{ NF_REPEAT, "repeat", "REPEAT" }, { NF_STOP, "stop", "STOP" },
	{ NFT_CONTINUE, "continue", NULL }, { NFT_BREAK, "break", NULL },
	{ NFT_JUMP, "jump", NULL }, { NFT_GOTO, "goto", NULL },
	{ NFT_RETURN, "return", "RETURN" },
};

static const struct names_verdict *verdict_find(int32_t v)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(verdicts); i++)
		if (verdicts[i].v == v)
			return &verdicts[i];
	return NULL;
}

const char *names_verdict(int32_t v)
{
	const struct names_verdict *n = verdict_find(v);

	return n ? n->nft : NULL;
}

const char *names_verdict_ipt(int32_t v)
{
	const struct names_verdict *n = verdict_find(v);

	return n ? n->ipt : NULL;
}

static const struct names_sym icmp_types[] = {
	{ 0, "echo-reply" }, { 3, "destination-unreachable" }, { 4, "source-quench" },
	{ 5, "redirect" }, { 8, "echo-request" }, { 9, "router-advertisement" },
	{ 10, "router-solicitation" }, { 11, "time-exceeded" }, { 12, "parameter-problem" },
	{ 13, "timestamp-request" }, { 14, "timestamp-reply" }, { 15, "info-request" },
	{ 16, "info-reply" }, { 17, "address-mask-request" }, { 18, "address-mask-reply" },
};
static const struct names_sym icmp6_types[] = {
	{ 1, "destination-unreachable" }, { 2, "packet-too-big" }, { 3, "time-exceeded" },
	{ 4, "parameter-problem" }, { 128, "echo-request" }, { 129, "echo-reply" },
	{ 130, "mld-listener-query" }, { 131, "mld-listener-report" },
	{ 132, "mld-listener-done" }, { 133, "nd-router-solicit" }, { 134, "nd-router-advert" },
	{ 135, "nd-neighbor-solicit" }, { 136, "nd-neighbor-advert" }, { 137, "nd-redirect" },
	{ 138, "router-renumbering" }, { 141, "ind-neighbor-solicit" },
	{ 142, "ind-neighbor-advert" }, { 143, "mld2-listener-report" },
};
static const struct names_sym icmp_codes[] = {
	{ 0, "net-unreachable" }, { 1, "host-unreachable" }, { 2, "prot-unreachable" },
	{ 3, "port-unreachable" }, { 4, "frag-needed" }, { 9, "net-prohibited" },
	{ 10, "host-prohibited" }, { 13, "admin-prohibited" },
};
static const struct names_sym icmp6_codes[] = {
	{ 0, "no-route" }, { 1, "admin-prohibited" }, { 3, "addr-unreachable" },
	{ 4, "port-unreachable" }, { 5, "policy-fail" }, { 6, "reject-route" },
};
static const struct names_sym icmpx_codes[] = {
	{ 0, "no-route" }, { 1, "port-unreachable" }, { 2, "host-unreachable" },
	{ 3, "admin-prohibited" },
};

const char *names_icmp_type(bool v6, uint8_t type)
{
	return v6 ? FIND(icmp6_types, type) : FIND(icmp_types, type);
}

const char *names_icmp_code(bool v6, uint8_t code)
{
	return v6 ? FIND(icmp6_codes, code) : FIND(icmp_codes, code);
}

const char *names_icmpx_code(uint8_t code)
{
	return FIND(icmpx_codes, code);
}

const char *names_ip_proto(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_UDPLITE: return "udplite";
	case IPPROTO_GRE: return "gre";
	case IPPROTO_ESP: return "esp";
	case IPPROTO_AH: return "ah";
	case IPPROTO_IGMP: return "igmp";
	}
	return NULL;
}
