/*
 * rule-text-set.c - anonymous sets written inline, as `nft list ruleset`
 * (nftables 1.0.x) writes them: "{ 22, 80 }", intervals as ranges
 * ("1000-2000") or, for addresses, prefixes ("10.0.0.0/8"), interface
 * wildcards ("veth*"), concatenations ("192.0.2.1 . 22"), maps and verdict
 * maps ("{ 22 : accept, 80 : jump other }") and the catch-all ("*").
 * Elements are sorted the way nft sorts them.
 *
 * It parses NEWSET/NEWSETELEM messages with a raw attribute walk (every
 * length checked: recordings are untrusted) and keeps the elements of
 * anonymous sets only; named sets stay "@name" (of them only the object
 * type is kept: `counter name tcp dport map @cm`). Key values are written in the types of the
 * lookup's key (what the rule loads), else in the set's key type; map data
 * in the set's data type. Element timeouts and statements (counters on
 * elements) are not shown.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "hashmap.h"
#include "iptop.h"
#include "nl.h"
#include "rule-text.h"
#include "rule-text-int.h"

#define RT_MAX_KEY 64   /* NFT_DATA_VALUE_MAXLEN */

struct rt_elem {
	const uint8_t *key, *key_end, *data;
	uint32_t klen, kelen, dlen;
	uint32_t flags;          /* NFT_SET_ELEM_INTERVAL_END, _CATCHALL */
	bool verdict;            /* data is a verdict: code, chain */
	int32_t code;
	const char *chain;
	const char *obj;         /* NFTA_SET_ELEM_OBJREF */
};

struct rt_set {
	struct rule_text_newset h;	/* its NEWSET */
	struct rt_elem *elems;
	size_t n, cap;
	uint64_t hash;
};

struct rule_text_sets {
	uint8_t *buf;            /* the messages, copied; elements point here */
	struct rt_set *v;        /* sorted by family, table, name */
	size_t n;
};

/* --- parsing ------------------------------------------------------------ */

static uint64_t fnv64(uint64_t h, const void *data, size_t len)
{
	return hash_fnv1a(h, data, len);
}

static bool is_msg(const struct nlmsghdr *nlh, int msg)
{
	return NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_NFTABLES &&
	       NFNL_MSG_TYPE(nlh->nlmsg_type) == msg &&
	       nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(struct nfgenmsg));
}

static uint8_t msg_family(const struct nlmsghdr *nlh)
{
	return ((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family;
}

static bool attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return false;
	*v = ntohl(mnl_attr_get_u32(a));
	return true;
}

static const char *attr_str(const struct nlattr *a)
{
	return mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 ? NULL : mnl_attr_get_str(a);
}

bool rule_text_set_newset(const struct nlmsghdr *nlh, struct rule_text_newset *out)
{
	static const struct {
		uint16_t attr;
		size_t off;
	} u32s[] = {
		{ NFTA_SET_FLAGS, offsetof(struct rule_text_newset, flags) },
		{ NFTA_SET_KEY_TYPE, offsetof(struct rule_text_newset, key_type) },
		{ NFTA_SET_KEY_LEN, offsetof(struct rule_text_newset, key_len) },
		{ NFTA_SET_DATA_TYPE, offsetof(struct rule_text_newset, data_type) },
		{ NFTA_SET_DATA_LEN, offsetof(struct rule_text_newset, data_len) },
		{ NFTA_SET_OBJ_TYPE, offsetof(struct rule_text_newset, obj_type) },
	};
	const struct nlattr *a, *d;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!is_msg(nlh, NFT_MSG_NEWSET))
		return false;
	out->family = msg_family(nlh);
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_SET_TABLE:
			out->table = attr_str(a);
			break;
		case NFTA_SET_NAME:
			out->name = attr_str(a);
			break;
		case NFTA_SET_DESC:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
				break;
			mnl_attr_for_each_nested(d, a)
				if (mnl_attr_get_type(d) == NFTA_SET_DESC_SIZE)
					attr_u32(d, &out->size);
			break;
		default:
			for (i = 0; i < ARRAY_SIZE(u32s); i++)
				if (mnl_attr_get_type(a) == u32s[i].attr)
					attr_u32(a, (uint32_t *)((char *)out + u32s[i].off));
			break;
		}
	}
	return out->table && out->name;
}

static void set_parse(struct rule_text_sets *s, const struct nlmsghdr *nlh)
{
	struct rule_text_newset ns;
	struct rt_set set;

	if (!rule_text_set_newset(nlh, &ns))
		return;
	memset(&set, 0, sizeof(set));
	set.h = ns;
	set.hash = fnv64(14695981039346656037ull, &set.h.flags, sizeof(set.h.flags));
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = set;
}

static int set_cmp(const void *a, const void *b)
{
	const struct rt_set *x = a, *y = b;
	int d;

	if (x->h.family != y->h.family)
		return x->h.family < y->h.family ? -1 : 1;
	d = strcmp(x->h.table, y->h.table);
	return d ? d : strcmp(x->h.name, y->h.name);
}

/* A set, named or anonymous. */
static struct rt_set *set_find_any(const struct rule_text_sets *s, uint8_t family, const char *table,
				   const char *name)
{
	struct rt_set key;

	if (!s || !s->n || !table || !name)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.h.family = family;
	key.h.table = table;
	key.h.name = name;
	return bsearch(&key, s->v, s->n, sizeof(*s->v), set_cmp);
}

/* An anonymous set: the only ones whose elements are read and written. */
static struct rt_set *set_find(const struct rule_text_sets *s, uint8_t family, const char *table,
			       const char *name)
{
	struct rt_set *set = set_find_any(s, family, table, name);

	return set && (set->h.flags & NFT_SET_ANONYMOUS) ? set : NULL;
}

/* NFTA_DATA_VALUE inside a nest: its bytes. */
static bool data_value(const struct nlattr *nest, const uint8_t **p, uint32_t *len)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == NFTA_DATA_VALUE && mnl_attr_get_payload_len(a) <= RT_MAX_KEY) {
			*p = mnl_attr_get_payload(a);
			*len = mnl_attr_get_payload_len(a);
			return true;
		}
	}
	return false;
}

/* NFTA_SET_ELEM_DATA: a value or a verdict. */
static void elem_data(const struct nlattr *nest, struct rt_elem *e)
{
	const struct nlattr *a, *v;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == NFTA_DATA_VALUE && mnl_attr_get_payload_len(a) <= RT_MAX_KEY) {
			e->data = mnl_attr_get_payload(a);
			e->dlen = mnl_attr_get_payload_len(a);
		} else if (mnl_attr_get_type(a) == NFTA_DATA_VERDICT &&
			   mnl_attr_validate(a, MNL_TYPE_NESTED) == 0) {
			e->verdict = true;
			mnl_attr_for_each_nested(v, a) {
				uint32_t code;

				if (mnl_attr_get_type(v) == NFTA_VERDICT_CODE && attr_u32(v, &code))
					e->code = (int32_t)code;
				else if (mnl_attr_get_type(v) == NFTA_VERDICT_CHAIN)
					e->chain = attr_str(v);
			}
		}
	}
}

static void elem_parse(struct rt_set *set, const struct nlattr *nest)
{
	const struct nlattr *a;
	struct rt_elem e;

	memset(&e, 0, sizeof(e));
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_validate(a, MNL_TYPE_UNSPEC) < 0)
			return;
		switch (mnl_attr_get_type(a)) {
		case NFTA_SET_ELEM_KEY:
			data_value(a, &e.key, &e.klen);
			break;
		case NFTA_SET_ELEM_KEY_END:
			data_value(a, &e.key_end, &e.kelen);
			break;
		case NFTA_SET_ELEM_DATA:
			elem_data(a, &e);
			break;
		case NFTA_SET_ELEM_FLAGS:
			attr_u32(a, &e.flags);
			break;
		case NFTA_SET_ELEM_OBJREF:
			e.obj = attr_str(a);
			break;
		default:
			break;
		}
	}
	if (!e.key && !(e.flags & NFT_SET_ELEM_CATCHALL))
		return;
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 4;
		set->elems = xreallocarray(set->elems, set->cap, sizeof(*set->elems));
	}
	set->elems[set->n++] = e;
	set->hash = fnv64(set->hash, mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest));
}

static void elems_parse(struct rule_text_sets *s, const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *list = NULL, *e;
	const char *table = NULL, *name = NULL;
	struct rt_set *set;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_SET_ELEM_LIST_TABLE:
			table = attr_str(a);
			break;
		case NFTA_SET_ELEM_LIST_SET:
			name = attr_str(a);
			break;
		case NFTA_SET_ELEM_LIST_ELEMENTS:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
				list = a;
			break;
		default:
			break;
		}
	}
	set = set_find(s, msg_family(nlh), table, name);
	if (!set || !list)
		return;
	mnl_attr_for_each_nested(e, list)
		if (mnl_attr_get_type(e) == NFTA_LIST_ELEM && mnl_attr_validate(e, MNL_TYPE_NESTED) == 0)
			elem_parse(set, e);
}

struct rule_text_sets *rule_text_sets_parse(const void *msgs, size_t len)
{
	struct rule_text_sets *s = xcalloc(1, sizeof(*s));
	const struct nlmsghdr *nlh;
	struct nlbuf b;
	int pass;

	if (!msgs || !len)
		return s;
	s->buf = xmalloc(len);
	memcpy(s->buf, msgs, len);
	b.data = s->buf;
	b.len = b.cap = len;
	/* sets first (sorted, for lookups), then their elements; nlbuf_next()
	 * stops at a length that does not fit (mnl_nlmsg_next() would not) */
	for (pass = 0; pass < 2; pass++) {
		for (nlh = nlbuf_first(&b); nlh; nlh = nlbuf_next(&b, nlh)) {
			if (pass == 0 && is_msg(nlh, NFT_MSG_NEWSET))
				set_parse(s, nlh);
			else if (pass == 1 && is_msg(nlh, NFT_MSG_NEWSETELEM))
				elems_parse(s, nlh);
		}
		if (pass == 0 && s->n)
			qsort(s->v, s->n, sizeof(*s->v), set_cmp);
	}
	return s;
}

void rule_text_sets_free(struct rule_text_sets *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		free(s->v[i].elems);
	free(s->v);
	free(s->buf);
	free(s);
}

uint64_t rule_text_sets_hash(const struct rule_text_sets *s, uint8_t family, const char *table,
			     const char *name)
{
	const struct rt_set *set = set_find(s, family, table, name);

	return set ? set->hash | 1 : 0;
}

/* --- key and data types ------------------------------------------------- */

/* nft's datatype numbers (nftables include/datatype.h) and how iptop
 * writes them; a concatenation packs them 6 bits apiece, first type
 * highest. */
static const struct {
	uint8_t type;
	uint8_t vt;
	uint8_t len;
} dtypes[] = {
	{ 2, VT_NFPROTO, 1 }, { 4, VT_HOST, 0 }, { 5, VT_STRING, 0 }, { 7, VT_IPV4, 4 },
	{ 8, VT_IPV6, 16 }, { 9, VT_ETHER, 6 }, { 10, VT_ETHERTYPE, 2 }, { 12, VT_PROTO, 1 },
	{ 13, VT_PORT, 2 }, { 14, VT_ICMP_TYPE, 1 }, { 15, VT_TCP_FLAGS, 1 }, { 18, VT_TIME_MS, 8 },
	{ 19, VT_MARK, 4 }, { 20, VT_IFINDEX, 4 }, { 21, VT_IFTYPE, 2 }, { 22, VT_HOST, 4 },
	{ 23, VT_PRIO, 4 }, { 24, VT_HOST, 4 }, { 25, VT_HOST, 4 }, { 26, VT_CT_STATE, 4 },
	{ 27, VT_CT_DIR, 1 }, { 28, VT_CT_STATUS, 4 }, { 29, VT_ICMP6_TYPE, 1 },
	{ 31, VT_PKTTYPE, 1 }, { 32, VT_ICMP_CODE, 1 }, { 33, VT_ICMP6_CODE, 1 },
	{ 35, VT_HOST, 4 }, { 36, VT_DSCP, 1 }, { 38, VT_FIB_ADDRTYPE, 4 }, { 39, VT_BOOL, 1 },
	{ 41, VT_IFNAME, 16 },
};

/* Split datatype dt of len bytes into pieces; false when unknown. */
static bool spec_from_type(uint32_t dt, uint32_t len, struct rt_keyspec *ks)
{
	uint8_t t[RT_NSLOTS];
	unsigned int n = 0, i, j;
	uint32_t off = 0;

	memset(ks, 0, sizeof(*ks));
	do {
		if (n == RT_NSLOTS)
			return false;
		t[n++] = (uint8_t)(dt & 0x3f);
		dt >>= 6;
	} while (dt);
	for (i = 0; i < n; i++) {
		uint8_t type = t[n - 1 - i];	/* the first piece is in the highest bits */

		for (j = 0; j < ARRAY_SIZE(dtypes) && dtypes[j].type != type; j++)
			;
		if (j == ARRAY_SIZE(dtypes))
			return false;
		ks->p[i].type = dtypes[j].vt;
		ks->p[i].len = dtypes[j].len ? dtypes[j].len : (n == 1 ? len : 0);
		if (!ks->p[i].len)
			return false;
		off += n == 1 ? ks->p[i].len : (ks->p[i].len + 3) / 4 * 4;
	}
	ks->n = n;
	return off == len;
}

/* Does ks describe keys of len bytes (concatenated pieces take 4-byte
 * slots)? */
static bool spec_fits(const struct rt_keyspec *ks, uint32_t len)
{
	uint32_t off = 0;
	unsigned int i;

	if (!ks || !ks->n)
		return false;
	for (i = 0; i < ks->n; i++) {
		if (!ks->p[i].len || ks->p[i].len > RT_MAX_KEY)
			return false;
		off += ks->n == 1 ? ks->p[i].len : (ks->p[i].len + 3) / 4 * 4;
	}
	return off == len;
}

/* The whole key as one raw value (nothing better known). */
static void spec_raw(struct rt_keyspec *ks, uint32_t len)
{
	memset(ks, 0, sizeof(*ks));
	ks->n = 1;
	ks->p[0].type = VT_RAW;
	ks->p[0].len = len;
}

/* --- writing ------------------------------------------------------------ */

/* nft keeps host-order keys of interval sets in network order. */
static bool piece_swapped(const struct rt_set *set, const struct rt_keypart *p)
{
	return rule_text_nft_value_host_order(p->type) && (p->hton || (set->h.flags & NFT_SET_INTERVAL));
}

/* A piece's value as the kernel holds it, in host order where the type
 * wants it, a bit field (ip dscp, vlan id) shifted down. Returns the
 * bytes of out to write. */
static uint32_t piece_value(const struct rt_set *set, const struct rt_keypart *p, const uint8_t *d,
			    uint8_t *out)
{
	uint32_t i;

	memcpy(out, d, p->len);
	if (piece_swapped(set, p) && p->len > 1)
		for (i = 0; i < p->len / 2; i++) {
			uint8_t t = out[i];

			out[i] = out[p->len - 1 - i];
			out[p->len - 1 - i] = t;
		}
	if (p->vlen)
		return rule_text_nft_value_bits(out, NULL, p->len, p->vshift, p->vlen, out);
	return p->len;
}

/* lo..hi is one prefix: the bits after the first difference are all 0 in
 * lo and all 1 in hi. Its length, or -1. */
static int range_prefix(const uint8_t *lo, const uint8_t *hi, uint32_t len)
{
	uint32_t bit, nbits = len * 8;
	int plen = -1;

	for (bit = 0; bit < nbits; bit++) {
		int l = lo[bit / 8] >> (7 - bit % 8) & 1, h = hi[bit / 8] >> (7 - bit % 8) & 1;

		if (plen < 0 && l != h)
			plen = (int)bit;
		if (plen >= 0 && (l != 0 || h != 1))
			return -1;
	}
	return plen;
}

/* "eth*": lo is the name padded with zeros, hi with 0xff. */
static bool range_wildcard(struct strbuf *sb, const uint8_t *lo, const uint8_t *hi, uint32_t len)
{
	uint32_t n = 0, i;

	while (n < len && lo[n] && lo[n] == hi[n])
		n++;
	for (i = n; i < len; i++)
		if (lo[i] != 0 || hi[i] != 0xff)
			return false;
	strbuf_addf(sb, "\"%.*s*\"", (int)n, (const char *)lo);
	return true;
}

/* One piece: a value, or lo-hi, a prefix or a wildcard (hi NULL: a value). */
static void add_piece(struct strbuf *sb, const struct rt_set *set, const struct rt_keypart *p,
		      const uint8_t *lo, const uint8_t *hi)
{
	uint8_t a[RT_MAX_KEY], b[RT_MAX_KEY];
	enum rt_vt t = (enum rt_vt)p->type;
	int plen;

	if (hi && !memcmp(lo, hi, p->len))
		hi = NULL;
	if (hi && (t == VT_IFNAME || t == VT_STRING) && range_wildcard(sb, lo, hi, p->len))
		return;
	rule_text_nft_value_write(sb, t, a, piece_value(set, p, lo, a));
	if (!hi)
		return;
	if ((t == VT_IPV4 || t == VT_IPV6) && (plen = range_prefix(lo, hi, p->len)) >= 0) {
		strbuf_addf(sb, "/%d", plen);
		return;
	}
	strbuf_addc(sb, '-');
	rule_text_nft_value_write(sb, t, b, piece_value(set, p, hi, b));
}

/* Where piece i starts: pieces of a concatenation take 4-byte slots. */
static uint32_t piece_off(const struct rt_keyspec *ks, unsigned int i)
{
	uint32_t off = 0;
	unsigned int j;

	for (j = 0; j < i; j++)
		off += (ks->p[j].len + 3) / 4 * 4;
	return off;
}

/* A key (or key range lo..hi), pieces joined by " . ". */
static void add_key(struct strbuf *sb, const struct rt_set *set, const struct rt_keyspec *ks,
		    const uint8_t *lo, const uint8_t *hi, uint32_t len)
{
	unsigned int i;

	if (len != set->h.key_len) {	/* not what the set says: show the bytes */
		rule_text_nft_value_write(sb, VT_RAW, lo, len);
		return;
	}
	for (i = 0; i < ks->n; i++) {
		uint32_t off = piece_off(ks, i);

		strbuf_add(sb, i ? " . " : "");
		add_piece(sb, set, &ks->p[i], lo + off, hi ? hi + off : NULL);
	}
}

/* " : DATA" of a map element, in the set's data type. */
static void add_data(struct strbuf *sb, const struct rt_set *set, const struct rt_elem *e)
{
	struct rt_keyspec ds;
	unsigned int i;

	if (!(set->h.flags & (NFT_SET_MAP | NFT_SET_OBJECT)))
		return;
	strbuf_add(sb, " : ");
	if (e->verdict) {
		rule_text_nft_value_verdict(sb, e->code, e->chain);
		return;
	}
	if (e->obj) {
		strbuf_addf(sb, "\"%s\"", e->obj);
		return;
	}
	if (!e->data) {
		strbuf_add(sb, "?");
		return;
	}
	/* a prefix/range map (`snat ip prefix to ip saddr map`): each datum
	 * is an interval, start then end, written as a prefix or a range */
	if (e->dlen == set->h.data_len && spec_from_type(set->h.data_type, set->h.data_len / 2, &ds) &&
	    ds.n == 1 && ds.p[0].len * 2 == e->dlen &&
	    (ds.p[0].type == VT_IPV4 || ds.p[0].type == VT_IPV6)) {
		add_piece(sb, set, &ds.p[0], e->data, e->data + ds.p[0].len);
		return;
	}
	if (e->dlen != set->h.data_len || !spec_from_type(set->h.data_type, set->h.data_len, &ds)) {
		rule_text_nft_value_write(sb, VT_RAW, e->data, e->dlen);
		return;
	}
	for (i = 0; i < ds.n; i++) {	/* data is never swapped: written as the type holds it */
		strbuf_add(sb, i ? " . " : "");
		rule_text_nft_value_write(sb, (enum rt_vt)ds.p[i].type, e->data + piece_off(&ds, i),
					 ds.p[i].len);
	}
}

/* An element with its sort key: nft sorts by value, interval sets (and
 * concatenations) by their bytes, host-order values as numbers. */
struct sorted {
	uint8_t k[RT_MAX_KEY];
	uint32_t klen;
	bool end;
	const struct rt_elem *e;
};

static int sorted_cmp(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;
	uint32_t n = x->klen < y->klen ? x->klen : y->klen;
	int d = memcmp(x->k, y->k, n);

	if (d)
		return d;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return (int)y->end - (int)x->end;	/* an interval's end before the next start */
}

static bool little_endian(void)
{
	uint16_t one = 1;

	return *(const uint8_t *)&one == 1;
}

/* key - 1, big-endian (an interval's end element holds last + 1). */
static void key_dec(uint8_t *k, uint32_t len)
{
	while (len--)
		if (k[len]--)
			break;
}

static void add_elems(struct strbuf *sb, const struct rt_set *set, const struct rt_keyspec *ks)
{
	struct sorted *v = xcalloc(set->n ? set->n : 1, sizeof(*v));
	bool numeric = false, first = true;
	const struct rt_elem *catchall = NULL;
	size_t i, n = 0;

	if (ks->n == 1 && !(set->h.flags & NFT_SET_INTERVAL) && little_endian()) {
		enum rt_vt t = (enum rt_vt)ks->p[0].type;

		numeric = (rule_text_nft_value_host_order(t) && !ks->p[0].hton) || t == VT_IFNAME ||
			  t == VT_STRING;
	}
	for (i = 0; i < set->n; i++) {
		const struct rt_elem *e = &set->elems[i];
		struct sorted *s = &v[n];
		uint32_t j;

		if (e->flags & NFT_SET_ELEM_CATCHALL) {
			catchall = e;
			continue;
		}
		s->klen = e->klen;
		for (j = 0; j < e->klen; j++)
			s->k[j] = e->key[numeric ? e->klen - 1 - j : j];
		s->end = e->flags & NFT_SET_ELEM_INTERVAL_END;
		s->e = e;
		n++;
	}
	qsort(v, n, sizeof(*v), sorted_cmp);
	strbuf_add(sb, "{ ");
	for (i = 0; i < n; i++) {
		const struct rt_elem *e = v[i].e;
		uint8_t hi[RT_MAX_KEY];

		if (v[i].end)
			continue;	/* the end of nothing: below the first interval */
		strbuf_add(sb, first ? "" : ", ");
		first = false;
		if (e->key_end && e->kelen == e->klen) {	/* concatenated ranges */
			add_key(sb, set, ks, e->key, e->key_end, e->klen);
		} else if (set->h.flags & NFT_SET_INTERVAL) {
			/* start, then (unless it runs to the top) its end + 1 */
			memset(hi, 0xff, sizeof(hi));
			if (i + 1 < n && v[i + 1].end && v[i + 1].klen == e->klen) {
				memcpy(hi, v[i + 1].e->key, e->klen);
				key_dec(hi, e->klen);
			}
			add_key(sb, set, ks, e->key, hi, e->klen);
		} else {
			add_key(sb, set, ks, e->key, NULL, e->klen);
		}
		add_data(sb, set, e);
	}
	if (catchall) {
		strbuf_add(sb, first ? "*" : ", *");
		add_data(sb, set, catchall);
	}
	strbuf_add(sb, " }");
	free(v);
}

uint32_t rule_text_set_obj_type(const struct rule_text_sets *sets, uint8_t family, const char *table,
				const char *name)
{
	const struct rt_set *set = set_find_any(sets, family, table, name);

	return set ? set->h.obj_type : 0;
}

uint32_t rule_text_set_data_len(const struct rule_text_sets *sets, uint8_t family, const char *table,
				const char *name)
{
	const struct rt_set *set = set_find(sets, family, table, name);

	return set && (set->h.flags & NFT_SET_MAP) ? set->h.data_len : 0;
}

void rule_text_set_ref(struct strbuf *sb, const struct rule_text_sets *sets, uint8_t family,
		       const char *table, const char *name, const struct rt_keyspec *ks)
{
	const struct rt_set *set = set_find(sets, family, table, name);
	struct rt_keyspec spec;

	if (!set || !set->n || set->h.key_len > RT_MAX_KEY) {
		strbuf_addf(sb, "@%s", name ? name : "?");
		return;
	}
	if (spec_fits(ks, set->h.key_len))
		spec = *ks;
	else if (!spec_from_type(set->h.key_type, set->h.key_len, &spec))
		spec_raw(&spec, set->h.key_len);
	add_elems(sb, set, &spec);
}
