/*
 * collect-trace-rule.c - a trace filter (trace-filter.c) compiled into the
 * nf_tables expressions of iptop's trace rules: payload, meta and ct loads
 * with their compares for the header and reply matches, the rate limit
 * and its counter, and nftrace set 1. collect-trace.c puts the rules in
 * its table; trace_filter_nft() says the same rule in nft words.
 */
#include "config.h"

#include <string.h>
#include <arpa/inet.h>

#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "nl.h"
#include "trace.h"
#include "trace-int.h"

/* ---- expressions --------------------------------------------------------- */

static void add_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_rule_add_expr(r, e);
}

static void add_bitwise_mask(struct nftnl_rule *r, const uint8_t *mask, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	uint8_t zero[16] = { 0 };

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	nftnl_rule_add_expr(r, e);
}

static void add_range(struct nftnl_rule *r, bool neq, uint16_t lo, uint16_t hi)
{
	struct nftnl_expr *e = nftnl_expr_alloc("range");
	uint16_t from = htons(lo), to = htons(hi);

	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, neq ? NFT_RANGE_NEQ : NFT_RANGE_EQ);
	nftnl_expr_set_data(e, NFTNL_EXPR_RANGE_FROM_DATA, &from, sizeof(from));
	nftnl_expr_set_data(e, NFTNL_EXPR_RANGE_TO_DATA, &to, sizeof(to));
	nftnl_rule_add_expr(r, e);
}

static void add_ifname(struct nftnl_rule *r, uint32_t key, const struct trace_ifname *i)
{
	size_t n = strlen(i->name);

	if (i->wildcard && n == 0)
		return; /* "+" matches every name */
	nlbatch_add_meta(r, key);
	/* Exact: compare the NUL too; "eth+": only the prefix (as iptables-nft). */
	nlbatch_add_cmp(r, i->inv, i->name, (uint32_t)(i->wildcard ? n : n + 1));
}

static void add_ct_load(struct nftnl_rule *r, uint32_t key, bool with_dir)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	if (with_dir)
		nftnl_expr_set_u8(e, NFTNL_EXPR_CT_DIR, 0 /* IP_CT_DIR_ORIGINAL */);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void add_nfproto(struct nftnl_rule *r, uint8_t nfproto)
{
	nlbatch_add_meta(r, NFT_META_NFPROTO);
	nlbatch_add_cmp(r, false, &nfproto, 1);
}

/* Compare the address in reg 1 with a (its prefix). */
static void add_addr_cmp(struct nftnl_rule *r, const struct trace_addr *a)
{
	uint32_t len = a->nfproto == NFPROTO_IPV4 ? 4 : 16;
	uint8_t mask[16] = { 0 };
	uint32_t i;

	if (a->plen < len * 8) {
		for (i = 0; i < a->plen; i++)
			mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		add_bitwise_mask(r, mask, len);
	}
	nlbatch_add_cmp(r, a->inv, a->addr, len);
}

/* Compare the port in reg 1 with p. */
static void add_ports_cmp(struct nftnl_rule *r, const struct trace_ports *p)
{
	if (p->lo == p->hi) {
		uint16_t v = htons(p->lo);

		nlbatch_add_cmp(r, p->inv, &v, sizeof(v));
	} else {
		add_range(r, p->inv, p->lo, p->hi);
	}
}

/* Load an address: from the packet's header, or (ct) from its
 * connection's original tuple (`ct original ip saddr`). */
static void load_addr(struct nftnl_rule *r, uint8_t nfproto, bool src, bool ct)
{
	bool v4 = nfproto == NFPROTO_IPV4;

	if (ct)
		add_ct_load(r, v4 ? (src ? NFT_CT_SRC_IP : NFT_CT_DST_IP) : (src ? NFT_CT_SRC_IP6 : NFT_CT_DST_IP6),
			    true);
	else
		add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, v4 ? (src ? 12 : 16) : (src ? 8 : 24), v4 ? 4 : 16);
}

static void load_port(struct nftnl_rule *r, bool src, bool ct)
{
	if (ct)
		add_ct_load(r, src ? NFT_CT_PROTO_SRC : NFT_CT_PROTO_DST, true);
	else
		add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, src ? 0 : 2, 2);
}

/* Protocol, addresses and ports: of the packet, or (ct) of the
 * connection's original tuple. */
static void add_tuple_matches(struct nftnl_rule *r, const struct trace_filter *f, bool ct)
{
	if (f->proto_set) {
		uint8_t v = f->proto;

		if (ct)
			add_ct_load(r, NFT_CT_PROTOCOL, true);
		else
			nlbatch_add_meta(r, NFT_META_L4PROTO);
		nlbatch_add_cmp(r, f->proto_inv, &v, 1);
	}
	if (f->src.set) {
		load_addr(r, f->src.nfproto, true, ct);
		add_addr_cmp(r, &f->src);
	}
	if (f->dst.set) {
		load_addr(r, f->dst.nfproto, false, ct);
		add_addr_cmp(r, &f->dst);
	}
	if (f->sport.set) {
		load_port(r, true, ct);
		add_ports_cmp(r, &f->sport);
	}
	if (f->dport.set) {
		load_port(r, false, ct);
		add_ports_cmp(r, &f->dport);
	}
}

/* The filter's matches on the packet's headers (a marking chain). */
static void add_header_matches(struct nftnl_rule *r, const struct trace_filter *f, int hook)
{
	if (f->nfproto)
		add_nfproto(r, f->nfproto);
	if (f->iif.set && hook != NF_INET_LOCAL_OUT)
		add_ifname(r, NFT_META_IIFNAME, &f->iif);
	if (f->oif.set && hook != NF_INET_PRE_ROUTING)
		add_ifname(r, NFT_META_OIFNAME, &f->oif);
	add_tuple_matches(r, f, false);
	if (f->icmp_type_set) {
		uint8_t t = f->icmp_type, c = (uint8_t)f->icmp_code;

		add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
		nlbatch_add_cmp(r, f->icmp_type_inv, &t, 1);
		if (f->icmp_code >= 0) {
			add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 1, 1);
			nlbatch_add_cmp(r, false, &c, 1);
		}
	}
}

/* The filter's matches on the connection a reply belongs to: its original
 * tuple (protocol, addresses, ports). Interfaces and ICMP types are not
 * in the tuple: a reply follows the connection whatever they were.
 * (nftrace cannot be read back: a reply the header rule marked too, e.g.
 * -s 10.0.0.0/8 between two such hosts, passes here again.) */
static void add_reply_matches(struct nftnl_rule *r, const struct trace_filter *f)
{
	uint8_t reply = 1; /* IP_CT_DIR_REPLY */
	uint8_t fam = f->src.set ? f->src.nfproto : f->dst.set ? f->dst.nfproto : f->nfproto;

	if (fam)
		add_nfproto(r, fam); /* the ct address keys need the right family */
	add_ct_load(r, NFT_CT_DIRECTION, false);
	nlbatch_add_cmp(r, false, &reply, 1);
	add_tuple_matches(r, f, true);
}

static void add_verdict(struct nftnl_rule *r, int verdict)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	nftnl_rule_add_expr(r, e);
}

/* Packets over the rate: counted, and they leave iptop's chain unmarked
 * (accept ends only this chain). `limit rate over` takes the tokens the
 * marking rule after it would have used. */
void collect_trace_rule_skip(struct nftnl_rule *r, const struct trace_filter *f, int hook, bool reply, int rate)
{
	struct nftnl_expr *e;

	if (reply)
		add_reply_matches(r, f);
	else
		add_header_matches(r, f, hook);
	e = nftnl_expr_alloc("limit");
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, (uint64_t)rate);
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, 1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, (uint32_t)(rate < 5 ? 5 : rate));
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_FLAGS, NFT_LIMIT_F_INV);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("counter");
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, 0);
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, 0);
	nftnl_rule_add_expr(r, e);
	add_verdict(r, NF_ACCEPT);
}

/* The marking rule: the same matches, nftrace set 1. */
void collect_trace_rule_mark(struct nftnl_rule *r, const struct trace_filter *f, int hook, bool reply)
{
	struct nftnl_expr *e;
	uint8_t one = 1;

	if (reply)
		add_reply_matches(r, f);
	else
		add_header_matches(r, f, hook);
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set_data(e, NFTNL_EXPR_IMM_DATA, &one, 1);
	nftnl_rule_add_expr(r, e);

	e = nftnl_expr_alloc("meta");
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFTRACE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}
