/*
 * rule-text-nft-exthdr.c - nft's names for what an exthdr expression
 * loads, by its templates: tcp options ("tcp option maxseg size",
 * "tcp option sack1 left"), IPv6 extension headers ("rt type",
 * "srh sid[1]", "frag frag-off"), IPv4 options ("ip option rr ptr") and
 * sctp chunks ("sctp chunk data flags"); a raw form for the rest.
 * nftables 1.0.x words. Below rule-text-nft-expr.c, which names every
 * other register source.
 */
#include <stdio.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "rule-text-int.h"

#define SYM_FIND(tbl, v) rule_text_nft_value_find(tbl, ARRAY_SIZE(tbl), v)

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
	static bool (*const fields[])(struct rt_lhs *l, uint32_t type, uint32_t off, uint32_t n) = {
		[NFT_EXTHDR_OP_IPV6] = ip6_exthdr_field,
		[NFT_EXTHDR_OP_TCPOPT] = tcpopt_field,
		[NFT_EXTHDR_OP_IPV4] = ipopt_field,
		[NFT_EXTHDR_OP_SCTP] = sctp_chunk_field,
	};

	return op < ARRAY_SIZE(fields) && fields[op] && fields[op](l, type, off, n);
}

/* Name an exthdr load: "tcp option maxseg size", "frag frag-off" (a bit
 * field under a mask), "exthdr frag exists", or a raw form. */
bool rule_text_nft_exthdr_name(const struct rt_reg *r, struct rt_lhs *l)
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
	if (r->base >= ARRAY_SIZE(prefixes) || !prefixes[r->base]) {
		snprintf(l->name, sizeof(l->name), "exthdr op %u @%u,%u,%u", r->base, r->key,
			 r->offset * 8, r->len * 8);
		return false;
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
		return true;
	}
	if (rule_text_reg_mask_bits(r, &first, &n) &&	/* a bit field under a mask */
	    exthdr_field(l, r->base, r->key, r->offset * 8 + first, n)) {
		l->bits = true;
		l->vshift = (int)(r->len * 8 - first - n);
		l->vlen = (n + 7) / 8;
		if (l->type == VT_IPV6 || l->type == VT_IPV4)
			l->type = VT_BE;
		return true;
	}
	if (exthdr_field(l, r->base, r->key, r->offset * 8, r->len * 8))
		return true;
	snprintf(l->name, sizeof(l->name), "%s @%u,%u,%u", prefixes[r->base], r->key, r->offset * 8,
		 r->len * 8);
	l->type = VT_RAW;
	return false;
}
