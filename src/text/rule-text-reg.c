/*
 * rule-text-reg.c - what each nf_tables register holds while a rule's
 * expressions are read in order: the loads (payload, meta, ct, fib, rt,
 * socket, exthdr, immediate data), with the bitwise/byteorder steps applied
 * to them, so a later cmp, range, lookup or statement can name its
 * operand. Shared by the iptables and the nft renderers.
 *
 * It tracks, it does not judge: whether iptables can express a load is
 * rule-text.c's business, how nft names it rule-text-nft*.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "iptop.h"
#include "rule-text-int.h"

/* --- register tracker ---------------------------------------------------- */

/* A slot is read only after its src says it was loaded (reg_load() clears
 * all of it first): empty slots need src and desc, not 2 KiB of zeros per
 * rule. */
void rule_text_reg_init(struct rt_regs *rs)
{
	int i;

	for (i = 0; i < RT_NSLOTS; i++) {
		rs->r[i].src = RT_SRC_NONE;
		rs->r[i].desc = NULL;
	}
	rs->seq = 0;
}

/* Forget what a register slot held. */
static void reg_clear(struct rt_reg *r)
{
	free(r->desc);
	memset(r, 0, sizeof(*r));
}

/* The end of a tracker: its descriptions only (no slot is read again). */
void rule_text_reg_free(struct rt_regs *rs)
{
	int i;

	for (i = 0; i < RT_NSLOTS; i++)
		free(rs->r[i].desc);
}

int rule_text_reg_slot(uint32_t reg)
{
	if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
		return (int)(reg - NFT_REG_1) * 4;
	if (reg >= NFT_REG32_00 && reg <= NFT_REG32_15)
		return (int)(reg - NFT_REG32_00);
	return -1;
}

/* Start a load of len bytes into reg: the slots it covers forget what
 * they held. */
static struct rt_reg *reg_load(struct rt_regs *rs, uint32_t reg, uint32_t len)
{
	int slot = rule_text_reg_slot(reg), n, i;
	struct rt_reg *r;

	if (slot < 0)
		return NULL;
	n = len ? (int)((len + 3) / 4) : 1;
	for (i = slot; i < slot + n && i < RT_NSLOTS; i++)
		reg_clear(&rs->r[i]);
	r = &rs->r[slot];
	r->dir = -1;
	r->len = len;
	r->head = true;
	r->pending = true;
	r->seq = ++rs->seq;
	return r;
}

struct rt_reg *rule_text_reg_use_num(struct rt_regs *rs, uint32_t reg)
{
	int slot = rule_text_reg_slot(reg);
	struct rt_reg *r;

	if (slot < 0)
		return NULL;
	r = &rs->r[slot];
	if (r->src == RT_SRC_NONE)
		return NULL;
	r->pending = false;
	return r;
}

struct rt_reg *rule_text_reg_use(struct rt_regs *rs, const struct nftnl_expr *e, uint16_t attr)
{
	return rule_text_reg_use_num(rs, nftnl_expr_get_u32(e, attr));
}

void rule_text_reg_set_desc(struct rt_regs *rs, uint32_t reg, char *desc, uint32_t len, uint8_t vt)
{
	struct rt_reg *r = reg_load(rs, reg, len);

	if (!r) {
		free(desc);
		return;
	}
	r->src = RT_SRC_OTHER;
	r->desc = desc;
	r->vt = vt;
}

/* How many bytes a meta or ct key loads (the kernel's lengths): what a
 * concatenation after it is aligned by, and how long set keys are. */
static uint32_t key_len(enum rt_src src, uint32_t key)
{
	if (src == RT_SRC_META) {
		switch (key) {
		case NFT_META_IIFNAME:
		case NFT_META_OIFNAME:
		case NFT_META_BRI_IIFNAME:
		case NFT_META_BRI_OIFNAME:
		case NFT_META_IIFKIND:
		case NFT_META_OIFKIND:
		case NFT_META_SDIFNAME:
			return 16;	/* IFNAMSIZ */
		case NFT_META_TIME_NS:
			return 8;
		case NFT_META_PROTOCOL:
		case NFT_META_IIFTYPE:
		case NFT_META_OIFTYPE:
			return 2;
		case NFT_META_NFPROTO:
		case NFT_META_L4PROTO:
		case NFT_META_PKTTYPE:
		case NFT_META_TIME_DAY:
			return 1;
		}
	} else if (src == RT_SRC_CT) {
		switch (key) {
		case NFT_CT_DIRECTION:
		case NFT_CT_L3PROTOCOL:
		case NFT_CT_PROTOCOL:
			return 1;
		case NFT_CT_PROTO_SRC:
		case NFT_CT_PROTO_DST:
		case NFT_CT_ZONE:
			return 2;
		case NFT_CT_LABELS:
		case NFT_CT_HELPER:
		case NFT_CT_SRC_IP6:
		case NFT_CT_DST_IP6:
			return 16;
		}
	}
	return 4;
}

/* bitwise: dreg = (sreg & mask) ^ xor, or a shift; the source stays known. */
static bool track_bitwise(struct rt_regs *rs, const struct rt_xval *x)
{
	struct rt_reg *s = rule_text_reg_use_num(rs, x->sreg), *d, copy;
	uint32_t op = x->has & RTX_HAS_OP ? x->op : NFT_BITWISE_BOOL;

	if (!s)
		return false;
	copy = *s;
	copy.desc = s->desc ? xstrdup(s->desc) : NULL;
	d = reg_load(rs, x->dreg, copy.len);
	if (!d) {
		free(copy.desc);
		return false;
	}
	copy.seq = d->seq;
	copy.head = true;
	copy.pending = true;
	*d = copy;
	if (op == NFT_BITWISE_BOOL) {
		uint8_t m[16];
		uint32_t i;

		if (!x->data || !x->data2 || x->dlen > sizeof(m) || x->dlen2 > sizeof(d->xor))
			return true;
		memset(m, 0xff, sizeof(m));
		memcpy(m, x->data, x->dlen);
		for (i = 0; i < sizeof(m); i++)	/* two masks in a row combine */
			d->mask[i] = copy.bitwise ? (uint8_t)(copy.mask[i] & m[i]) : m[i];
		memset(d->xor, 0, sizeof(d->xor));
		memcpy(d->xor, x->data2, x->dlen2);
		d->bitwise = true;
	} else {
		uint32_t n = 0;

		if (x->data3 && x->dlen3 >= 4)
			memcpy(&n, x->data3, 4);
		d->shift = op == NFT_BITWISE_LSHIFT ? (int)n : -(int)n;
	}
	return true;
}

/* A load of a meta, ct, rt or socket key into dreg. */
static struct rt_reg *track_key(struct rt_regs *rs, enum rt_src src, uint32_t dreg, uint32_t key)
{
	struct rt_reg *r = reg_load(rs, dreg, key_len(src, key));

	if (!r)
		return NULL;
	r->src = src;
	r->key = key;
	return r;
}

bool rule_text_reg_track_values(struct rt_regs *rs, const struct rt_xval *x)
{
	struct rt_reg *r;

	switch (x->kind) {
	case RTX_PAYLOAD:
		if (!(x->has & RTX_HAS_DREG))
			return false;	/* a payload write is a statement */
		r = reg_load(rs, x->dreg, x->len);
		if (!r)
			return false;
		r->src = RT_SRC_PAYLOAD;
		r->base = x->base;
		r->offset = x->offset;
		return true;
	case RTX_META:
		if (!(x->has & RTX_HAS_DREG))
			return false;	/* meta set */
		return track_key(rs, RT_SRC_META, x->dreg, x->key) != NULL;
	case RTX_IMM:
		if (!(x->has & RTX_HAS_DATA))
			return false;	/* a verdict */
		if (!x->data || x->dlen > sizeof(r->data))
			return false;
		r = reg_load(rs, x->dreg, x->dlen);
		if (!r)
			return false;
		r->src = RT_SRC_IMM;
		memcpy(r->data, x->data, x->dlen);
		return true;
	case RTX_BITWISE:
		return track_bitwise(rs, x);
	default:
		return false;
	}
}

bool rule_text_reg_track(struct rt_regs *rs, const struct nftnl_expr *e, const char *name)
{
	struct rt_reg *r;

	if (!strcmp(name, "payload") || !strcmp(name, "meta") || !strcmp(name, "immediate") ||
	    !strcmp(name, "bitwise")) {
		struct rt_xval x;

		rule_text_expr_values(e, name, &x);
		return rule_text_reg_track_values(rs, &x);
	}
	if (!strcmp(name, "ct") || !strcmp(name, "rt") || !strcmp(name, "socket")) {
		uint16_t dreg_attr = NFTNL_EXPR_CT_DREG, key_attr = NFTNL_EXPR_CT_KEY;
		enum rt_src src = RT_SRC_CT;

		if (!strcmp(name, "rt")) {
			dreg_attr = NFTNL_EXPR_RT_DREG;
			key_attr = NFTNL_EXPR_RT_KEY;
			src = RT_SRC_RT;
		} else if (!strcmp(name, "socket")) {
			dreg_attr = NFTNL_EXPR_SOCKET_DREG;
			key_attr = NFTNL_EXPR_SOCKET_KEY;
			src = RT_SRC_SOCKET;
		}
		if (!nftnl_expr_is_set(e, dreg_attr))
			return false;	/* ct set */
		r = track_key(rs, src, nftnl_expr_get_u32(e, dreg_attr), nftnl_expr_get_u32(e, key_attr));
		if (!r)
			return false;
		if (src == RT_SRC_CT && nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR))
			r->dir = nftnl_expr_get_u8(e, NFTNL_EXPR_CT_DIR);
		if (src == RT_SRC_SOCKET && nftnl_expr_is_set(e, NFTNL_EXPR_SOCKET_LEVEL))
			r->flags = nftnl_expr_get_u32(e, NFTNL_EXPR_SOCKET_LEVEL);
		return true;
	}
	if (!strcmp(name, "byteorder")) {
		/* keep what the source was: only its byte order changed */
		struct rt_reg *s = rule_text_reg_use(rs, e, NFTNL_EXPR_BYTEORDER_SREG), copy;

		if (!s)
			return false;
		copy = *s;
		copy.desc = s->desc ? xstrdup(s->desc) : NULL;
		r = reg_load(rs, nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_DREG), copy.len);
		if (!r) {
			free(copy.desc);
			return false;
		}
		copy.seq = r->seq;
		copy.pending = true;
		/* nft swaps host-order values before <, > compares */
		copy.hton = nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_OP) == NFT_BYTEORDER_HTON ?
			    (uint8_t)nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_SIZE) : 0;
		*r = copy;
		return true;
	}
	if (!strcmp(name, "exthdr")) {
		if (!nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_DREG))
			return false;
		r = reg_load(rs, nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_DREG),
			     nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_LEN));
		if (!r)
			return false;
		r->src = RT_SRC_EXTHDR;
		r->key = nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE);
		r->offset = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OFFSET);
		r->flags = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_FLAGS);
		r->base = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OP);
		return true;
	}
	if (!strcmp(name, "fib")) {
		r = reg_load(rs, nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_DREG), 4);
		if (!r)
			return false;
		r->src = RT_SRC_FIB;
		r->key = nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_RESULT);
		r->flags = nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_FLAGS);
		return true;
	}
	return false;
}

/* The bits a contiguous mask of len bytes keeps: *first (from the top)
 * and *n; false for no mask, a mask with holes or one with an xor. */
bool rule_text_reg_mask_bits(const struct rt_reg *r, uint32_t *first, uint32_t *n)
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
