/*
 * rule-text-nft-stmt.c - the statements of an nft-syntax rule as
 * `nft list ruleset` (nftables 1.0.x) writes them: verdicts, counter,
 * limit, log, reject, nat, queue, quota, ct count, set/map updates
 * (dynset, with the statements of their elements), object references,
 * header and meta/ct rewrites, dup, fwd, tproxy, synproxy and compat
 * blobs (`xt match NAME OPTIONS`). Each is looked up by expression name
 * in one table; an unknown one is shown as `[NAME]`, never dropped.
 * Relations and lookups are rule-text-nft.c's part, operand names
 * rule-text-nft-expr.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_synproxy.h>
#include <libnftnl/expr.h>

#include "iptop.h"
#include "names.h"
#include "rule-text-int.h"

static void add_rate(struct strbuf *sb, uint64_t bytes)
{
	static const char *const units[] = { "bytes", "kbytes", "mbytes" };
	size_t i = 0;

	while (bytes && i + 1 < ARRAY_SIZE(units) && bytes % 1024 == 0) {
		bytes /= 1024;
		i++;
	}
	strbuf_addf(sb, "%llu %s", (unsigned long long)bytes, units[i]);
}

/* limit units as nft names them. */
static const char *time_unit(uint64_t u)
{
	switch (u) {
	case 1:
		return "second";
	case 60:
		return "minute";
	case 3600:
		return "hour";
	case 86400:
		return "day";
	case 604800:
		return "week";
	}
	return "error";
}

/* limit_stmt_print(): packets or bytes per unit, burst when not default. */
static void add_limit(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	bool over = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_FLAGS) & NFT_LIMIT_F_INV;
	uint64_t rate = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE);
	const char *unit = time_unit(nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT));
	uint32_t burst = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_BURST);

	(void)c;
	strbuf_addf(sb, "limit rate %s", over ? "over " : "");
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_TYPE) == NFT_LIMIT_PKT_BYTES) {
		add_rate(sb, rate);
		strbuf_addf(sb, "/%s", unit);
		if (burst) {
			strbuf_add(sb, " burst ");
			add_rate(sb, burst);
		}
		return;
	}
	strbuf_addf(sb, "%llu/%s", (unsigned long long)rate, unit);
	if (burst && burst != 5)
		strbuf_addf(sb, " burst %u packets", burst);
}

/* log_stmt_print(): prefix, group, snaplen, threshold, level, flags. */
static void add_log(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	static const char *const levels[] = {
		"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit",
	};
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_FLAGS), level;

	(void)c;
	strbuf_add(sb, "log");
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_PREFIX) && nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX))
		strbuf_addf(sb, " prefix \"%s\"", nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_GROUP))
		strbuf_addf(sb, " group %u", nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_GROUP));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_SNAPLEN) && nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_SNAPLEN))
		strbuf_addf(sb, " snaplen %u", nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_SNAPLEN));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_QTHRESHOLD) &&
	    nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD))
		strbuf_addf(sb, " queue-threshold %u", nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_LEVEL)) {
		level = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_LEVEL);
		if (level != 4)
			strbuf_addf(sb, " level %s", level < ARRAY_SIZE(levels) ? levels[level] : "?");
	}
	if ((flags & 0x2f) == 0x2f) {
		strbuf_add(sb, " flags all");
		return;
	}
	if (flags & 0x03)
		strbuf_addf(sb, " flags tcp%s%s%s", (flags & 1) ? " sequence" : "",
			    (flags & 3) == 3 ? "," : (flags & 2) ? " " : "", (flags & 2) ? "options" : "");
	if (flags & 0x04)
		strbuf_add(sb, " flags ip options");
	if (flags & 0x08)
		strbuf_add(sb, " flags skuid");
	if (flags & 0x20)
		strbuf_add(sb, " flags ether");
}

/* reject_stmt_print(): the family's default code is left out. */
static void add_reject(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_REJECT_TYPE);
	uint8_t code = nftnl_expr_get_u8(e, NFTNL_EXPR_REJECT_CODE);
	bool ipfam = c->family == NFPROTO_IPV4 || c->family == NFPROTO_IPV6;
	int fam = ipfam ? c->family : c->nh;

	strbuf_add(sb, "reject");
	if (type == NFT_REJECT_TCP_RST) {
		strbuf_add(sb, " with tcp reset");
		return;
	}
	if (type == NFT_REJECT_ICMPX_UNREACH) {
		if (code != NFT_REJECT_ICMPX_PORT_UNREACH) {
			strbuf_add(sb, " with icmpx ");
			rule_text_nft_value_name(sb, names_icmpx_code(code), code);
		}
		return;
	}
	/* an icmp/icmpv6 type outside ip/ip6 tables is always written (the
	 * family's default is icmpx), and implies the `meta nfproto` before it */
	if (!ipfam)
		rule_text_nft_expr_kill(c, &c->nh_dep);
	if (fam == NFPROTO_IPV6) {
		if (code != 4 || !ipfam) {
			strbuf_add(sb, " with icmpv6 ");
			rule_text_nft_value_name(sb, names_icmp_code(true, code), code);
		}
	} else if (code != 3 || !ipfam) {
		strbuf_add(sb, " with icmp ");
		rule_text_nft_value_name(sb, names_icmp_code(false, code), code);
	}
}

/* snat/dnat/masquerade/redirect, as nat_stmt_print() writes them. */
static void add_nat(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e,
		    const char *kind)
{
	uint16_t amin_a = NFTNL_EXPR_NAT_REG_ADDR_MIN, amax_a = NFTNL_EXPR_NAT_REG_ADDR_MAX;
	uint16_t pmin_a = NFTNL_EXPR_NAT_REG_PROTO_MIN, pmax_a = NFTNL_EXPR_NAT_REG_PROTO_MAX;
	uint16_t flags_a = NFTNL_EXPR_NAT_FLAGS;
	uint32_t flags, fam = NFPROTO_UNSPEC;
	struct rt_reg *amin = NULL, *amax = NULL, *pmin = NULL, *pmax = NULL;
	enum rt_vt at;
	bool brackets;

	if (!strcmp(kind, "masquerade")) {
		pmin_a = NFTNL_EXPR_MASQ_REG_PROTO_MIN;
		pmax_a = NFTNL_EXPR_MASQ_REG_PROTO_MAX;
		flags_a = NFTNL_EXPR_MASQ_FLAGS;
	} else if (!strcmp(kind, "redirect")) {
		pmin_a = NFTNL_EXPR_REDIR_REG_PROTO_MIN;
		pmax_a = NFTNL_EXPR_REDIR_REG_PROTO_MAX;
		flags_a = NFTNL_EXPR_REDIR_FLAGS;
	} else {
		fam = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_FAMILY);
		if (nftnl_expr_is_set(e, amin_a))
			amin = rule_text_reg_use(&c->rs, e, amin_a);
		if (nftnl_expr_is_set(e, amax_a))
			amax = rule_text_reg_use(&c->rs, e, amax_a);
	}
	if (nftnl_expr_is_set(e, pmin_a))
		pmin = rule_text_reg_use(&c->rs, e, pmin_a);
	if (nftnl_expr_is_set(e, pmax_a))
		pmax = rule_text_reg_use(&c->rs, e, pmax_a);
	flags = nftnl_expr_get_u32(e, flags_a);
	strbuf_add(sb, kind);
	at = fam == NFPROTO_IPV6 || (fam == NFPROTO_UNSPEC && c->family == NFPROTO_IPV6) ?
	     VT_IPV6 : VT_IPV4;
	/* address and port from one map ("ip daddr . tcp dport map { K :
	 * 192.0.2.1 . 8080 }"): the map's result spans both registers, nft
	 * names the family and writes the map alone */
	if (amin && amin->src == RT_SRC_OTHER && amin->len > (at == VT_IPV6 ? 16u : 4u) &&
	    nftnl_expr_is_set(e, pmin_a) && !pmin) {
		strbuf_addf(sb, "%s to ", fam == NFPROTO_IPV6 ? " ip6" : fam == NFPROTO_IPV4 ? " ip" : "");
		rule_text_nft_expr_reg_value(c, sb, amin, at);
		amin = NULL;
	}
	if (amin || pmin) {
		if (c->family == NFPROTO_INET && (fam == NFPROTO_IPV4 || fam == NFPROTO_IPV6))
			strbuf_add(sb, fam == NFPROTO_IPV4 ? " ip" : " ip6");
		if (flags & NF_NAT_RANGE_NETMAP)
			strbuf_add(sb, " prefix");
		strbuf_add(sb, " to");
	}
	if (amin) {
		brackets = at == VT_IPV6 && pmin;
		strbuf_add(sb, brackets ? " [" : " ");
		rule_text_nft_expr_reg_value(c, sb, amin, at);
		if (amax && amax != amin && !(amax->src == RT_SRC_IMM && amin->src == RT_SRC_IMM &&
					      !memcmp(amax->data, amin->data, sizeof(amin->data)))) {
			strbuf_add(sb, brackets ? "]-[" : "-");
			rule_text_nft_expr_reg_value(c, sb, amax, at);
		}
		strbuf_add(sb, brackets ? "]" : "");
	}
	if (pmin) {
		strbuf_add(sb, amin ? ":" : " :");
		rule_text_nft_expr_reg_value(c, sb, pmin, VT_PORT);
		if (pmax && pmax != pmin && !(pmax->src == RT_SRC_IMM && pmin->src == RT_SRC_IMM &&
					      !memcmp(pmax->data, pmin->data, 2))) {
			strbuf_addc(sb, '-');
			rule_text_nft_expr_reg_value(c, sb, pmax, VT_PORT);
		}
	}
	if (flags & NF_NAT_RANGE_PROTO_RANDOM)
		strbuf_add(sb, " random");
	if (flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		strbuf_add(sb, (flags & NF_NAT_RANGE_PROTO_RANDOM) ? ",fully-random" : " fully-random");
	if (flags & NF_NAT_RANGE_PERSISTENT)
		strbuf_add(sb, (flags & (NF_NAT_RANGE_PROTO_RANDOM | NF_NAT_RANGE_PROTO_RANDOM_FULLY)) ?
			   ",persistent" : " persistent");
}

/* meta/ct/payload "set" statements. */
static void add_set_stmt(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e,
			 const char *name)
{
	struct rt_reg *s;
	struct rt_lhs l;

	memset(&l, 0, sizeof(l));
	if (!strcmp(name, "meta")) {
		uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);

		s = rule_text_reg_use(&c->rs, e, NFTNL_EXPR_META_SREG);
		rule_text_nft_expr_setter(false, key, &l);
	} else if (!strcmp(name, "ct")) {
		uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);

		s = rule_text_reg_use(&c->rs, e, NFTNL_EXPR_CT_SREG);
		rule_text_nft_expr_setter(true, key, &l);
	} else {
		struct rt_reg p;
		bool pl = !strcmp(name, "payload");

		memset(&p, 0, sizeof(p));
		p.src = pl ? RT_SRC_PAYLOAD : RT_SRC_EXTHDR;
		p.base = nftnl_expr_get_u32(e, pl ? NFTNL_EXPR_PAYLOAD_BASE : NFTNL_EXPR_EXTHDR_OP);
		p.offset = nftnl_expr_get_u32(e, pl ? NFTNL_EXPR_PAYLOAD_OFFSET :
						       NFTNL_EXPR_EXTHDR_OFFSET);
		p.len = nftnl_expr_get_u32(e, pl ? NFTNL_EXPR_PAYLOAD_LEN : NFTNL_EXPR_EXTHDR_LEN);
		if (!pl)
			p.key = nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE);
		s = rule_text_reg_use(&c->rs, e, pl ? NFTNL_EXPR_PAYLOAD_SREG : NFTNL_EXPR_EXTHDR_SREG);
		/* a field narrower than the write: the rest of the bytes are
		 * kept by a mask (ip dscp set af41) */
		if (rule_text_nft_expr_rewrite(c, sb, &p, s))
			return;
		rule_text_nft_expr_name(c, &p, &l);
	}
	strbuf_addf(sb, "%s set ", l.name);
	rule_text_nft_expr_reg_value(c, sb, s, l.type);
}


/* An immediate verdict: accept, drop, jump CHAIN ... */
static void add_verdict(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	(void)c;
	rule_text_nft_value_verdict(sb, (int32_t)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT),
			      nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
}

/* A compat blob inside an nft-syntax rule: "xt match NAME OPTIONS". */
static void add_xt(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e, bool match)
{
	struct strbuf tmp;
	uint32_t len = 0;
	const void *info;

	strbuf_init(&tmp);
	if (match) {
		info = nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len);
		rule_text_xt_match(&tmp, c->family, nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME),
				   nftnl_expr_get_u32(e, NFTNL_EXPR_MT_REV), info, len, NULL);
	} else {
		info = nftnl_expr_get(e, NFTNL_EXPR_TG_INFO, &len);
		rule_text_xt_target(&tmp, c->family, nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME),
				    nftnl_expr_get_u32(e, NFTNL_EXPR_TG_REV), info, len);
	}
	/* " -m NAME words" -> "xt match NAME words" */
	strbuf_addf(sb, "xt %s %s", match ? "match" : "target", tmp.len > 4 ? tmp.s + 4 : "?");
	strbuf_free(&tmp);
}


/* Statements attached to a dynset element (limit, counter ...). */
static int dynset_expr_cb(struct nftnl_expr *e, void *data)
{
	void **args = data;
	struct strbuf *sb = args[1];

	strbuf_addc(sb, ' ');
	rule_text_nft_stmt(args[0], sb, e, nftnl_expr_get_str(e, NFTNL_EXPR_NAME));
	return 0;
}

/* dynset: "add|update|delete @set { KEY [timeout T] [stmts] [: DATA] }". */
static void add_dynset(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	static const char *const ops[] = { "add", "update", "delete" };
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_DYNSET_OP);
	const char *set = nftnl_expr_get_str(e, NFTNL_EXPR_DYNSET_SET_NAME);
	uint64_t timeout = nftnl_expr_get_u64(e, NFTNL_EXPR_DYNSET_TIMEOUT);
	void *args[2] = { c, sb };

	strbuf_addf(sb, "%s @%s { ", op < 3 ? ops[op] : "?", set ? set : "?");
	rule_text_nft_expr_key(c, sb, nftnl_expr_get_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY), NULL);
	if (timeout) {
		strbuf_add(sb, " timeout ");
		rule_text_nft_value_time(sb, timeout);
	}
	nftnl_expr_expr_foreach(e, dynset_expr_cb, args);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_DYNSET_SREG_DATA)) {
		strbuf_add(sb, " : ");
		rule_text_nft_expr_key(c, sb, nftnl_expr_get_u32(e, NFTNL_EXPR_DYNSET_SREG_DATA), NULL);
	}
	strbuf_add(sb, " }");
}

/* objref: "counter name \"x\"", "ct helper set \"ftp\"", or by map. */
static void add_objref(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	static const char *const types[] = {
		"unspec", "counter", "quota", "ct helper", "limit", "ct count", "tunnel",
		"ct timeout", "secmark", "ct expectation", "synproxy",
	};
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE);
	const char *tname;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_OBJREF_IMM_TYPE))	/* by map: the map's type */
		type = rule_text_set_obj_type(c->sets, c->family, c->table,
					      nftnl_expr_get_str(e, NFTNL_EXPR_OBJREF_SET_NAME));
	tname = type < ARRAY_SIZE(types) ? types[type] : "object";
	if (type == 0 || type >= ARRAY_SIZE(types))
		c->undecoded = true;	/* the object's kind is not known */

	if (type == NFT_OBJECT_CT_HELPER || type == NFT_OBJECT_CT_TIMEOUT ||
	    type == NFT_OBJECT_CT_EXPECT)
		strbuf_addf(sb, "%s set ", tname);
	else if (type == NFT_OBJECT_SECMARK)
		strbuf_add(sb, "meta secmark set ");
	else
		strbuf_addf(sb, "%s name ", tname);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_OBJREF_IMM_NAME)) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_OBJREF_IMM_NAME);

		strbuf_addf(sb, "\"%s\"", name ? name : "?");
	} else {
		const char *set = nftnl_expr_get_str(e, NFTNL_EXPR_OBJREF_SET_NAME);
		struct rt_keyspec ks;

		rule_text_nft_expr_key(c, sb, nftnl_expr_get_u32(e, NFTNL_EXPR_OBJREF_SET_SREG), &ks);
		strbuf_add(sb, " map ");
		rule_text_set_ref(sb, c->sets, c->family, c->table, set, &ks);
	}
}

/* synproxy_stmt_print(): only the options the rule sets. */
static void add_synproxy(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_SYNPROXY_FLAGS);

	(void)c;
	strbuf_add(sb, "synproxy");
	if (flags & NF_SYNPROXY_OPT_MSS)
		strbuf_addf(sb, " mss %u", nftnl_expr_get_u16(e, NFTNL_EXPR_SYNPROXY_MSS));
	if (flags & NF_SYNPROXY_OPT_WSCALE)
		strbuf_addf(sb, " wscale %u", nftnl_expr_get_u8(e, NFTNL_EXPR_SYNPROXY_WSCALE));
	if (flags & NF_SYNPROXY_OPT_TIMESTAMP)
		strbuf_add(sb, " timestamp");
	if (flags & NF_SYNPROXY_OPT_SACK_PERM)
		strbuf_add(sb, " sack-perm");
}

/* A statement operand held in the register attribute attr names. */
static void add_operand(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e,
			uint16_t attr, enum rt_vt t)
{
	rule_text_nft_expr_reg_value(c, sb, rule_text_reg_use(&c->rs, e, attr), t);
}

/* nat, masq, redir */
static void stmt_nat(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (!strcmp(name, "masq"))
		add_nat(c, sb, e, "masquerade");
	else if (!strcmp(name, "redir"))
		add_nat(c, sb, e, "redirect");
	else
		add_nat(c, sb, e, nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) == NFT_NAT_SNAT ? "snat" : "dnat");
}

/* meta, ct, payload, exthdr: a write ("meta mark set 0x1") */
static void stmt_setter(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	add_set_stmt(c, sb, e, nftnl_expr_get_str(e, NFTNL_EXPR_NAME));
}

static void stmt_queue(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	uint32_t flags = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_FLAGS);
	uint16_t num = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_NUM);
	uint16_t total = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_TOTAL);

	strbuf_add(sb, "queue");
	if (flags & NFT_QUEUE_FLAG_BYPASS)
		strbuf_add(sb, " flags bypass");
	if (flags & NFT_QUEUE_FLAG_CPU_FANOUT)
		strbuf_add(sb, (flags & NFT_QUEUE_FLAG_BYPASS) ? ",fanout" : " flags fanout");
	if (nftnl_expr_is_set(e, NFTNL_EXPR_QUEUE_SREG_QNUM)) {
		strbuf_add(sb, " to ");
		add_operand(c, sb, e, NFTNL_EXPR_QUEUE_SREG_QNUM, VT_HOST);
	} else if (total > 1) {
		strbuf_addf(sb, " to %u-%u", num, num + total - 1);
	} else {
		strbuf_addf(sb, " to %u", num);
	}
}

static void stmt_quota(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	(void)c;
	strbuf_addf(sb, "quota %s",
		    (nftnl_expr_get_u32(e, NFTNL_EXPR_QUOTA_FLAGS) & NFT_QUOTA_F_INV) ? "over " : "");
	add_rate(sb, nftnl_expr_get_u64(e, NFTNL_EXPR_QUOTA_BYTES));
	/* as nft: what is used so far */
	if (nftnl_expr_get_u64(e, NFTNL_EXPR_QUOTA_CONSUMED)) {
		strbuf_add(sb, " used ");
		add_rate(sb, nftnl_expr_get_u64(e, NFTNL_EXPR_QUOTA_CONSUMED));
	}
}

static void stmt_connlimit(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	(void)c;
	strbuf_addf(sb, "ct count %s%u", nftnl_expr_get_u32(e, NFTNL_EXPR_CONNLIMIT_FLAGS) ? "over " : "",
		    nftnl_expr_get_u32(e, NFTNL_EXPR_CONNLIMIT_COUNT));
}

static void stmt_match(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	add_xt(c, sb, e, true);
}

static void stmt_target(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	add_xt(c, sb, e, false);
}

static void stmt_fwd(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	strbuf_add(sb, "fwd to ");
	add_operand(c, sb, e, NFTNL_EXPR_FWD_SREG_DEV, VT_IFINDEX);
}

static void stmt_dup(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	/* netdev's dup has a device only: nft writes it as the target */
	bool addr = nftnl_expr_is_set(e, NFTNL_EXPR_DUP_SREG_ADDR);

	strbuf_add(sb, "dup to ");
	if (addr)
		add_operand(c, sb, e, NFTNL_EXPR_DUP_SREG_ADDR, c->family == NFPROTO_IPV6 ? VT_IPV6 : VT_IPV4);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_DUP_SREG_DEV)) {
		strbuf_add(sb, addr ? " device " : "");
		add_operand(c, sb, e, NFTNL_EXPR_DUP_SREG_DEV, VT_IFINDEX);
	}
}

static void stmt_flow_offload(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	const char *ft = nftnl_expr_get_str(e, NFTNL_EXPR_FLOW_TABLE_NAME);

	(void)c;
	strbuf_addf(sb, "flow add @%s", ft ? ft : "?");
}

static void stmt_tproxy(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e)
{
	uint32_t fam = nftnl_expr_get_u32(e, NFTNL_EXPR_TPROXY_FAMILY);

	strbuf_add(sb, "tproxy");
	if (c->family == NFPROTO_INET && fam != NFPROTO_UNSPEC)
		strbuf_add(sb, fam == NFPROTO_IPV6 ? " ip6" : " ip");
	strbuf_add(sb, " to");
	if (nftnl_expr_is_set(e, NFTNL_EXPR_TPROXY_REG_ADDR)) {
		struct rt_reg *a = rule_text_reg_use(&c->rs, e, NFTNL_EXPR_TPROXY_REG_ADDR);
		bool v6 = fam == NFPROTO_IPV6 || (fam == NFPROTO_UNSPEC && c->family == NFPROTO_IPV6);
		/* an IPv6 literal is bracketed, port or not */
		bool brackets = v6 && a && a->src == RT_SRC_IMM;

		strbuf_add(sb, brackets ? " [" : " ");
		rule_text_nft_expr_reg_value(c, sb, a, v6 ? VT_IPV6 : VT_IPV4);
		strbuf_add(sb, brackets ? "]" : "");
	}
	if (nftnl_expr_is_set(e, NFTNL_EXPR_TPROXY_REG_PORT)) {
		strbuf_add(sb, nftnl_expr_is_set(e, NFTNL_EXPR_TPROXY_REG_ADDR) ? ":" : " :");
		add_operand(c, sb, e, NFTNL_EXPR_TPROXY_REG_PORT, VT_PORT);
	}
}

/* The statement expressions by name, as nft registers its expr_ops. */
static const struct {
	const char *name;
	void (*add)(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e);
} stmts[] = {
	{ "immediate", add_verdict }, { "limit", add_limit },
	{ "log", add_log }, { "nat", stmt_nat }, { "masq", stmt_nat }, { "redir", stmt_nat },
	{ "reject", add_reject }, { "meta", stmt_setter },
	{ "ct", stmt_setter }, { "payload", stmt_setter }, { "exthdr", stmt_setter },
	{ "queue", stmt_queue }, { "quota", stmt_quota }, { "connlimit", stmt_connlimit },
	{ "dynset", add_dynset }, { "objref", add_objref }, { "match", stmt_match },
	{ "target", stmt_target }, { "fwd", stmt_fwd }, { "dup", stmt_dup },
	{ "flow_offload", stmt_flow_offload }, { "synproxy", add_synproxy },
	{ "tproxy", stmt_tproxy },
};

/* Statements that are their name alone. */
static const char *const words[] = { "counter", "notrack", "last" };

void rule_text_nft_stmt(struct rt_nctx *c, struct strbuf *sb, const struct nftnl_expr *e,
			const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(name, words[i])) {
			strbuf_add(sb, words[i]);
			return;
		}
	for (i = 0; i < ARRAY_SIZE(stmts); i++)
		if (!strcmp(name, stmts[i].name)) {
			stmts[i].add(c, sb, e);
			return;
		}
	strbuf_addf(sb, "[%s]", name);	/* its own marker: "[tunnel]" */
}
