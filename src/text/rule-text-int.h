/*
 * rule-text-int.h - inside the rule-text room. Only rule-text*.c include
 * this; the rest of iptop uses rule-text.h. The files form layers, each
 * calling only those below it:
 *
 *   rule-text.c            the entry (rule_text_render, rule_text_render_msg)
 *   rule-text-ipt.c        iptables words, from expressions as values
 *   rule-text-arp.c, -ebt.c, -legacy.c   arptables, ebtables, legacy words
 *   rule-text-nft.c        nft words: relations, ranges, lookups
 *   rule-text-nft-stmt.c   nft statements, by a {name, writer} table
 *   rule-text-set.c        anonymous sets inline; the one NEWSET parser
 *   rule-text-nft-expr.c   what a register holds, named (ip saddr ...)
 *   rule-text-nft-exthdr.c exthdr templates (tcp option, srh, ip option)
 *   rule-text-nft-value.c  how nft writes a value of each type; verdicts
 *   rule-text-xt*.c, -ipset.c  x_tables blobs: {name, decoder} tables
 *   rule-text-reg.c        the register tracker
 *   rule-text-msg.c        a NEWRULE message's expressions as values
 *   rule-text-expr.c       the expression walk (and as values), userdata,
 *                          shared words
 *   names.c (names.h)      verdict and ICMP names, for all of iptop
 */
#ifndef RULE_TEXT_INT_H
#define RULE_TEXT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct nlmsghdr;
struct nftnl_expr;
struct nftnl_rule;
struct rule_text_sets;

/* (rule-text-expr.c) The comment TLV of NFTNL_RULE_USERDATA (type 0), allocated,
 * or NULL; rule_text_expr_udata_comment() the same from the userdata's bytes. */
char *rule_text_expr_comment(const struct nftnl_rule *r);
char *rule_text_expr_udata_comment(const uint8_t *udata, uint32_t len);
/* (rule-text-expr.c) The first userdata TLV of type, its length in *tlen, or
 * NULL. */
const uint8_t *rule_text_expr_udata_tlv(const struct nftnl_rule *r, uint8_t type, uint8_t *tlen);

/*
 * One expression as plain values: what the iptables words are made of. Two
 * front ends fill it, libnftnl's expression (rule_text_expr_values(),
 * rule-text-expr.c) and the netlink attributes themselves
 * (rule_text_msg_rule(), rule-text-msg.c), so one renderer serves both.
 * An attribute that is absent reads as 0 / NULL, as nftnl_expr_get_*()
 * read it; RTX_HAS_* say which optional ones were present. Pointers point
 * into the expression or the message.
 */
enum rt_xkind {
	RTX_OTHER,      /* an expression the iptables words have no use for */
	RTX_COUNTER,    /* packets, bytes */
	RTX_CMP,        /* sreg, op, data */
	RTX_RANGE,      /* sreg, op, data (from), data2 (to) */
	RTX_PAYLOAD,    /* dreg, base, offset, len */
	RTX_META,       /* key, dreg or sreg */
	RTX_BITWISE,    /* sreg, dreg, op, data (mask), data2 (xor), data3 (shift) */
	RTX_IMM,        /* dreg + data, or verdict (+ chain) */
	RTX_MATCH,      /* name, rev, data (info) */
	RTX_TARGET,     /* name, rev, data (info) */
	RTX_LIMIT,      /* rate, unit, burst, type, flags */
	RTX_LOG,        /* group, prefix, snaplen, qthreshold */
};

#define RTX_HAS_DREG    0x01u
#define RTX_HAS_SREG    0x02u
#define RTX_HAS_DATA    0x04u   /* immediate: a value, not a verdict */
#define RTX_HAS_OP      0x08u   /* bitwise */
#define RTX_HAS_GROUP   0x10u   /* log */
#define RTX_HAS_LEVEL   0x20u
#define RTX_HAS_FLAGS   0x40u
#define RTX_HAS_PREFIX  0x80u
#define RTX_HAS_SNAPLEN 0x100u

struct rt_xval {
	enum rt_xkind kind;
	uint32_t has;                  /* RTX_HAS_* */
	uint32_t sreg, dreg, op, key, base, offset, len;
	const uint8_t *data, *data2, *data3;
	uint32_t dlen, dlen2, dlen3;
	int32_t verdict;
	const char *chain;             /* immediate jump/goto */
	const char *name;              /* match/target name; log prefix */
	uint32_t rev;
	uint64_t packets, bytes;       /* counter */
	uint64_t rate, unit;           /* limit */
	uint32_t burst, type, flags;   /* limit */
	uint32_t snaplen;              /* log */
	uint16_t group, qthreshold;    /* log */
};

/* (rule-text-expr.c) e (named name) as values. */
void rule_text_expr_values(const struct nftnl_expr *e, const char *name, struct rt_xval *x);
/* (rule-text-expr.c) The expressions of r as values into *xs (buf of cap to
 * start with, allocated when more are needed: free *xs if it is not buf);
 * returns how many. */
size_t rule_text_expr_all_values(const struct nftnl_rule *r, struct rt_xval *buf, size_t cap,
				 struct rt_xval **xs);

/* (rule-text-msg.c) The rule a NEWRULE message holds, read straight from
 * its attributes for the expressions the iptables words use: chain,
 * userdata (NULL when none) and at most cap expressions into xs (their
 * count in *n); xt blobs are copied into scratch (scratch_len bytes, 8-byte
 * aligned). False when anything is unknown, odd or does not fit: an
 * attribute or expression it does not decode, a duplicate, a length
 * libnftnl would read differently. Then libnftnl reads the rule. */
bool rule_text_msg_rule(const struct nlmsghdr *nlh, const char **chain, const uint8_t **udata,
			uint32_t *udlen, struct rt_xval *xs, size_t cap, size_t *n, void *scratch,
			size_t scratch_len);

/* (rule-text-ipt.c) The `iptables -S` / `ip6tables -S` line of a rule in
 * chain of family (NFPROTO_IPV4/6) from its n expressions xs and userdata
 * (may be NULL), allocated, with out's target_chain, is_goto and comment;
 * NULL when iptables cannot express the rule (out untouched). */
struct rule_text;
char *rule_text_ipt(const struct rt_xval *xs, size_t n, uint8_t family, const char *chain,
		    const uint8_t *udata, uint32_t udlen, struct rule_text *out);

/* (rule-text-expr.c) fn(arg, rs, e, name) for each expression of r until one
 * returns false; true when all did. */
struct rt_regs;
typedef bool (*rule_text_expr_fn)(void *arg, struct rt_regs *rs, const struct nftnl_expr *e,
				  const char *name);
bool rule_text_expr_all(const struct nftnl_rule *r, rule_text_expr_fn fn, void *arg,
			struct rt_regs *rs);

/* (rule-text-expr.c) An interface compare as iptables writes it into dst
 * (IFNAMSIZ + 2 bytes, empty): "eth0", or "eth+" when the compare stops
 * before the NUL (a prefix). False if it is no name or dst was set. */
bool rule_text_expr_iface_word(char *dst, const uint8_t *data, uint32_t len);
/* (rule-text-expr.c) A flag's option word, as the extensions' save
 * functions test them one by one: " --word" for each flag set in flags,
 * in the table's order (n entries). */
struct rt_flag_word {
	uint32_t flag;
	const char *word;
};
void rule_text_expr_flag_words(struct strbuf *sb, uint32_t flags, const struct rt_flag_word *t, size_t n);

/* (rule-text-expr.c) An immediate verdict in iptables words appended to sb:
 * " -j ACCEPT", " -j CHAIN", " -g CHAIN" (a goto only if gotos; *chain
 * and *is_goto say where). 1 when written, 0 for `continue` (nothing to
 * write), -1 for a verdict these words cannot say. */
int rule_text_expr_verdict_word(struct strbuf *sb, const struct nftnl_expr *e, bool gotos,
			   const char **chain, bool *is_goto);
/* The same for a verdict v (and its chain, may be NULL) as values; with
 * sb NULL nothing is written (what would be is returned). */
int rule_text_expr_verdict_words(struct strbuf *sb, int32_t v, const char *vchain, bool gotos,
				 const char **chain, bool *is_goto);

/* (rule-text-expr.c) Prefix length of a contiguous mask of len bytes (an
 * address mask), or -1 for one with holes. */
int rule_text_expr_mask_prefix(const uint8_t *m, uint32_t len);

/* (rule-text-arp.c) A rule of arptables-nft's arp filter table as
 * `arptables -S` prints it ("-A INPUT -j ACCEPT --opcode 1"), allocated,
 * or NULL when arptables cannot express it (nft words then). */
char *rule_text_arp(const struct nftnl_rule *r);

/* (rule-text-ebt.c) A rule of an ebtables-nft bridge table as
 * `ebtables-save` lists it ("-A FORWARD -p IPv4 -i eth0 -j ACCEPT"), a
 * user chain's hidden policy rule as "-P CHAIN DROP", allocated, or NULL
 * when ebtables cannot express it or it is not decoded (nft words then). */
char *rule_text_ebt(const struct nftnl_rule *r);

/* --- register tracker (rule-text-reg.c) ---------------------------------- */

/* nf_tables registers as 16 four-byte slots: NFT_REG_1..4 are slots 0, 4,
 * 8, 12 (16 bytes each), NFT_REG32_00..15 are slots 0..15. */
#define RT_NSLOTS 16

enum rt_src {
	RT_SRC_NONE,
	RT_SRC_META,     /* key */
	RT_SRC_PAYLOAD,  /* base, offset, len */
	RT_SRC_CT,       /* key, dir */
	RT_SRC_IMM,      /* data, len */
	RT_SRC_EXTHDR,   /* key = type, offset, len, flags, base = op */
	RT_SRC_FIB,      /* key = result, flags */
	RT_SRC_RT,       /* key */
	RT_SRC_SOCKET,   /* key, flags = level */
	RT_SRC_OTHER,    /* desc holds the nft words (numgen, hash, map ...) */
};

/* What one register holds after the expressions seen so far. */
struct rt_reg {
	enum rt_src src;
	uint32_t key;
	int dir;                 /* ct direction, -1 if none */
	uint32_t base, offset, len;
	uint32_t flags;
	uint8_t data[64];        /* immediate value */
	bool bitwise;            /* mask/xor applied (len bytes) */
	uint8_t mask[16], xor[16];
	int shift;               /* 0, or +n / -n for lshift / rshift */
	uint8_t hton;            /* 0, or the element size a byteorder hton()
	                            turned host order into network order with */
	char *desc;              /* RT_SRC_OTHER (allocated) */
	uint8_t vt;              /* RT_SRC_OTHER: enum rt_vt of its values */
	unsigned int seq;        /* load order, for concatenations */
	bool head;               /* first slot of a load (not a continuation) */
	bool pending;            /* loaded, not yet consumed */
};

struct rt_regs {
	struct rt_reg r[RT_NSLOTS];
	unsigned int seq;
};

void rule_text_reg_init(struct rt_regs *rs);
void rule_text_reg_free(struct rt_regs *rs);
/* Slot of an NFT_REG_* / NFT_REG32_* number, -1 if out of range. */
int rule_text_reg_slot(uint32_t reg);
/* The register an sreg attribute names, or NULL; marks it consumed. */
struct rt_reg *rule_text_reg_use(struct rt_regs *rs, const struct nftnl_expr *e, uint16_t attr);
/* The same for register number reg (0, no register, gives NULL). */
struct rt_reg *rule_text_reg_use_num(struct rt_regs *rs, uint32_t reg);
/* Track a load given as values (payload, meta, bitwise, immediate data);
 * false when x is none of them or cannot be recorded. */
bool rule_text_reg_track_values(struct rt_regs *rs, const struct rt_xval *x);
/* Track a load (payload/meta/ct/immediate data/bitwise/...). Returns true
 * when e was a load and has been recorded. */
bool rule_text_reg_track(struct rt_regs *rs, const struct nftnl_expr *e, const char *name);
/* Record an already-rendered source (map result, numgen ...) in a
 * register; its values are written as vt (enum rt_vt). */
void rule_text_reg_set_desc(struct rt_regs *rs, uint32_t reg, char *desc, uint32_t len, uint8_t vt);
/* The bits a contiguous mask over r keeps: *first (from the top) and *n;
 * false for no mask, a mask with holes or one with an xor. */
bool rule_text_reg_mask_bits(const struct rt_reg *r, uint32_t *first, uint32_t *n);

/* --- nft words (rule-text-nft*.c) --------------------------------------- */

/* Render r in nft syntax (without counter numbers) into sb. comment gets
 * the rule's user comment if any (allocated). sets: anonymous sets to
 * write inline, or NULL. */
void rule_text_nft(struct strbuf *sb, const struct nftnl_rule *r, uint8_t family,
		   const struct rule_text_sets *sets, char **comment);


/* How a value is written. */
enum rt_vt {
	VT_RAW,        /* big-endian hex */
	VT_BE,         /* big-endian unsigned decimal */
	VT_HOST,       /* host-order unsigned decimal */
	VT_HEX,        /* host-order 0x%x */
	VT_MARK,       /* host-order 0x%08x */
	VT_IPV4, VT_IPV6, VT_CT_ADDR, VT_ETHER, VT_ETHERTYPE,
	VT_PROTO, VT_PORT, VT_IFNAME, VT_IFINDEX, VT_NFPROTO, VT_PKTTYPE,
	VT_CT_STATE, VT_CT_STATUS, VT_CT_DIR, VT_ICMP_TYPE, VT_ICMP6_TYPE,
	VT_TCP_FLAGS, VT_FIB_ADDRTYPE, VT_FIB_OIF, VT_BOOL, VT_STRING, VT_IFTYPE,
	VT_TIME_MS, VT_DSCP, VT_PRIO, VT_ICMP_CODE, VT_ICMP6_CODE,
	VT_ECN, VT_ARPOP, VT_MH_TYPE, VT_CT_LABEL, VT_CT_EVENT, VT_HOUR, VT_DAY, VT_DATE,
	VT_BE_HEX,     /* big-endian 0x%x (a bitmask field) */
	VT_DCCP_TYPE,
};

/* Protocol headers payload fields are named in. */
enum rt_hdr { H_NONE, H_IP, H_IP6, H_TCP, H_UDP, H_UDPLITE, H_SCTP, H_DCCP, H_ICMP, H_ICMP6,
	      H_TH, H_ETHER, H_AH, H_ESP, H_COMP, H_ARP, H_VLAN };

/* A payload field: header, offset and length in bytes, name, value type. */
struct rt_pfield {
	uint8_t hdr, off, len;
	const char *name;
	uint8_t type;
};

/* A meta/ct key's name and value type. */
struct rt_kname {
	const char *name;
	uint8_t type;
	bool bare;     /* printed without the "meta " prefix */
};

/* A symbolic value. */
struct rt_sym {
	uint32_t v;
	const char *name;
};

/* --- nft values (rule-text-nft-value.c) --------------------------------- */

/* A bit field's value: the bits of the len-byte d under mask m (NULL:
 * all), shifted down by shift, as vlen (<= 8) big-endian bytes in out.
 * Returns the bytes written. */
uint32_t rule_text_nft_value_bits(const uint8_t *d, const uint8_t *m, uint32_t len, int shift,
				 uint32_t vlen, uint8_t *out);
/* Write a value of type t (len bytes as the kernel holds them). */
void rule_text_nft_value_write(struct strbuf *sb, enum rt_vt t, const uint8_t *d, uint32_t len);
/* Big-endian / host-order integer of len bytes (at most 8). */
uint64_t rule_text_nft_value_be(const uint8_t *d, uint32_t len);
uint64_t rule_text_nft_value_host(const uint8_t *d, uint32_t len);
/* name, or the number v when name is NULL. */
void rule_text_nft_value_name(struct strbuf *sb, const char *name, uint64_t v);
/* v's name in table t of n, or the number. */
void rule_text_nft_value_sym(struct strbuf *sb, const struct rt_sym *t, size_t n, uint64_t v);
/* Does the kernel hold values of type t in host byte order? */
bool rule_text_nft_value_host_order(enum rt_vt t);
/* nft's time format: 1d2h3m4s5ms */
void rule_text_nft_value_time(struct strbuf *sb, uint64_t ms);
/* The name of v in table t of n, or NULL. */
const char *rule_text_nft_value_find(const struct rt_sym *t, size_t n, uint32_t v);
/* A verdict as nft writes it: accept, drop, jump CHAIN, ... */
void rule_text_nft_value_verdict(struct strbuf *sb, int32_t v, const char *chain);

/* One statement of the output; dead ones were elided dependencies. */
struct rt_nstmt {
	char *text;
	bool dead;
};

#define RT_MAX_STMTS 64

/* The nft renderer's state over one rule. */
struct rt_nctx {
	uint8_t family;
	struct rt_regs rs;
	struct rt_nstmt st[RT_MAX_STMTS];
	size_t n;
	int nh, nh_dep;   /* network protocol (NFPROTO_*) and the stmt that set it */
	int l4, l4_dep;   /* transport protocol and the stmt that set it */
	int ll_dep;       /* `meta iiftype ether` before an ether field */
	int vlan_dep;     /* `ether type 8021q` before a vlan field, or -1 */
	bool vlan;        /* link layer carries a vlan header */
	int icmp_type, icmp_dep;  /* `icmp type X` before a field only X has */
	int gte_stmt;     /* last `X >= A`, for nft's `X A-B` (two compares) */
	int gte_slot;
	unsigned int gte_seq;
	char *gte_lhs, *gte_val;
	bool undecoded;   /* a raw form went into the statement being built:
	                     it gets the "[?]" marker */
	const struct rule_text_sets *sets;  /* anonymous sets, or NULL */
	const char *table;                  /* the rule's table (set names are per table) */
};

/* How the pieces of a lookup key are written: one per concatenated load. */
struct rt_keypart {
	uint8_t type;        /* enum rt_vt */
	uint8_t hton;        /* the load was turned to network order (byteorder) */
	uint32_t len;        /* bytes loaded */
	int vshift;          /* value bits to shift right (ip dscp) */
	uint32_t vlen;       /* a bit field: bytes its value is written in, else 0 */
};

struct rt_keyspec {
	struct rt_keypart p[RT_NSLOTS];
	unsigned int n;
};

/* What a register's value is called, and how its values are written. */
struct rt_lhs {
	char name[128];
	enum rt_vt type;
	uint32_t flen;       /* field length (prefix detection), 0 unknown */
	int vshift;          /* value bits to shift right (ip dscp) */
	bool addr;           /* an address: prefixes apply */
	bool bits;           /* a bit field under a mask: the mask is the field */
	uint32_t vlen;       /* bit field: bytes its value is written in */
};

/* Name the value register r holds (kills the dependency it implies). */
void rule_text_nft_expr_name(struct rt_nctx *c, const struct rt_reg *r, struct rt_lhs *l);
/* A statement's operand: an immediate in type t, else the source's name. */
void rule_text_nft_expr_reg_value(struct rt_nctx *c, struct strbuf *sb, const struct rt_reg *r,
				  enum rt_vt t);
/* A lookup/dynset key from sreg on: "ip daddr . meta l4proto . th dport".
 * ks (may be NULL) gets how each piece's values are written. */
void rule_text_nft_expr_key(struct rt_nctx *c, struct strbuf *sb, uint32_t sreg,
			    struct rt_keyspec *ks);
/* The header a payload register reads, in the context so far. */
enum rt_hdr rule_text_nft_expr_hdr(const struct rt_nctx *c, const struct rt_reg *r);
const char *rule_text_nft_expr_hdr_name(enum rt_hdr h);
/* The field of header h at byte offset off (len bytes loaded, 0 any),
 * or NULL; an icmp type compare before it (c) picks among fields that
 * share the offset (mtu, gateway, id ...). */
const struct rt_pfield *rule_text_nft_expr_field(const struct rt_nctx *c, enum rt_hdr h, uint32_t off,
						 uint32_t len);
/* Mark the dependency statement *dep elided (nft does not print it); *dep = -1. */
void rule_text_nft_expr_kill(struct rt_nctx *c, int *dep);
/* A payload field was named: elide the dependency that only set h. */
void rule_text_nft_expr_used(struct rt_nctx *c, const struct rt_reg *r, enum rt_hdr h);
/* A write to dst (a payload or exthdr field) of src, where src is that
 * same field's bytes with part of them replaced (mask and xor): appends
 * "ip dscp set af41" and returns true, else false (nothing appended). */
bool rule_text_nft_expr_rewrite(struct rt_nctx *c, struct strbuf *sb, const struct rt_reg *dst,
				const struct rt_reg *src);
/* (rule-text-nft-exthdr.c) Name an exthdr load r in l: "tcp option
 * maxseg size", "frag frag-off" (a bit field under a mask), "exthdr frag
 * exists"; false when only a raw form was written. */
bool rule_text_nft_exthdr_name(const struct rt_reg *r, struct rt_lhs *l);
/* The destination of `meta KEY set` (ct false) or `ct KEY set`. */
void rule_text_nft_expr_setter(bool ct, uint32_t key, struct rt_lhs *l);

/* (rule-text-nft-stmt.c) Append statement expression e (named name) of
 * the rule c renders, in nft words: "counter", "log prefix \"x\"",
 * "dnat to 192.0.2.1", or "[NAME]" for one it does not know. */
void rule_text_nft_stmt(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e,
			const char *name);

/* --- anonymous sets (rule-text-set.c) ------------------------------------ */

/* Append set name of (family, table) inline, "{ 22, 80 }" or for a map
 * "{ 22 : accept, 80 : jump x }", when sets holds it; else "@name". ks
 * says how key values are written (the lookup's key); without it, or
 * when it does not fit the set's key length, the set's key type does. */
void rule_text_set_ref(struct strbuf *sb, const struct rule_text_sets *sets, uint8_t family,
		       const char *table, const char *name, const struct rt_keyspec *ks);
/* The data length of anonymous map name, 0 unknown. */
uint32_t rule_text_set_data_len(const struct rule_text_sets *sets, uint8_t family, const char *table,
				const char *name);
/* The object type (NFT_OBJECT_*) of anonymous object map name, 0 unknown. */
uint32_t rule_text_set_obj_type(const struct rule_text_sets *sets, uint8_t family, const char *table,
				const char *name);

/* --- x_tables words (rule-text-xt.c, -xt-match.c, -xt-target.c) --------- */

/*
 * (rule-text-xt-match.c) Append " -m NAME OPTIONS" for a compat match blob, exactly as the
 * extension's save() prints it. family is NFPROTO_IPV4/IPV6. If the blob
 * is a comment, *comment gets an allocated copy. Returns false when the
 * blob was not decoded: then " -m NAME [?]" was appended instead.
 */
bool rule_text_xt_match(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			const void *info, uint32_t len, char **comment);
/* (rule-text-xt-target.c) Same for a compat target blob: " -j NAME OPTIONS" or " -j NAME [?]". */
bool rule_text_xt_target(struct strbuf *sb, uint8_t family, const char *name, uint32_t rev,
			 const void *info, uint32_t len);

/* One x_tables extension's save() words, looked up by name: append
 * " -m NAME ..." / " -j NAME ..." for a blob of revision rev and return
 * true, or return false (the caller drops what was appended). */
struct rt_xt_ext {
	const char *name;
	bool (*save)(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		     uint32_t len);
};
/* (rule-text-xt-ext.c) The decoder of match / target name among the
 * registered ones, or NULL. */
const struct rt_xt_ext *rule_text_xt_ext_match(const char *name);
const struct rt_xt_ext *rule_text_xt_ext_target(const char *name);
/* (rule-text-xt-ip6.c, rule-text-xt-target-ext.c) the tables they hold. */
extern const struct rt_xt_ext rule_text_xt_ip6_matches[];
extern const size_t rule_text_xt_ip6_nmatches;
/* (rule-text-xt-hdr.c) the header-field matches: tcp, udp, icmp, ... */
extern const struct rt_xt_ext rule_text_xt_hdr_matches[];
extern const size_t rule_text_xt_hdr_nmatches;
extern const struct rt_xt_ext rule_text_xt_ext_targets[];
extern const size_t rule_text_xt_ext_ntargets;
/* (rule-text-ipset.c) -m set revisions 1-4, -j SET revisions 1-3. */
bool rule_text_ipset_match(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			   uint32_t len);
bool rule_text_ipset_target(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			    uint32_t len);

/* inet_ntop() of an AF_INET/AF_INET6 address, appended. */
void rule_text_xt_addr(struct strbuf *sb, int af, const void *a);
/* Prefix length of an IPv4 or IPv6 mask (NFPROTO_*), -1 for one with holes. */
int rule_text_xt_mask_cidr(uint8_t family, const void *mask);
/* " ADDR[/MASK]" as xtables_ip[6]mask_to_numeric() writes it ("" for a
 * host mask); a and m are union nf_inet_addr. */
void rule_text_xt_addr_mask(struct strbuf *sb, uint8_t family, const void *a, const void *m);
/* " 0xV" or " 0xV/0xM" (xtables_print_mark_mask). */
void rule_text_xt_val_mask(struct strbuf *sb, uint32_t val, uint32_t mask);
/* Copy a fixed-size, maybe unterminated char field into dst as a string. */
void rule_text_xt_field(char *dst, size_t dstlen, const char *src, size_t srclen);

/* " WORD" or " \"quoted \\\"word\\\"\"" like xtables_save_string(). */
void rule_text_xt_quote(struct strbuf *sb, const char *s);
/* iptables' name for an IP protocol ("tcp", "ipv6-icmp", "gre"), or NULL. */
const char *rule_text_xt_proto_name(uint8_t proto);
/* " -m tcp|udp [!] --sport A[:B] [!] --dport C[:D] [--tcp-option N]
 * [--tcp-flags M C]" (tcp_save/udp_save); option < 0: none. */
void rule_text_xt_tcpudp(struct strbuf *sb, bool tcp, const uint16_t spts[2],
			 const uint16_t dpts[2], uint8_t invflags, int option, uint8_t flg_mask,
			 uint8_t flg_cmp);
/* " -m icmp --icmp-type T[/C]" (or icmp6 --icmpv6-type for ipv6). */
void rule_text_xt_icmp(struct strbuf *sb, bool ipv6, uint8_t type, uint8_t code_min,
		       uint8_t code_max, bool invert);
/* " -m mark [!] --mark 0xV[/0xM]" */
void rule_text_xt_mark(struct strbuf *sb, uint32_t mark, uint32_t mask, bool invert);
/* " -m limit --limit N/unit [--limit-burst B]" from the xt average (1/10000 s units). */
void rule_text_xt_limit(struct strbuf *sb, uint32_t avg, uint32_t burst);
/* " -m ttl|hl --ttl-eq N" etc. mode is IPT_TTL_* (same values as IP6T_HL_*). */
void rule_text_xt_ttl(struct strbuf *sb, bool ipv6, uint8_t mode, uint8_t value);
/* " -m pkttype [!] --pkt-type unicast" */
void rule_text_xt_pkttype(struct strbuf *sb, uint8_t pkttype, bool invert);
/* " -j NFLOG --nflog-prefix ... --nflog-group N ..." */
void rule_text_xt_nflog(struct strbuf *sb, const char *prefix, uint16_t group, uint32_t len,
			bool copy_len, uint16_t threshold);

#endif
