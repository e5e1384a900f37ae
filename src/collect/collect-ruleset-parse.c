/*
 * collect-ruleset-parse.c - the pure half of the nf_tables ruleset
 * collector: NEWTABLE/NEWCHAIN/NEWRULE messages (from the kernel or a
 * recording) into a snapshot. Structure through libnftnl, counters by a raw
 * attribute walk; rule text is rendered once and shared while the rule's
 * content hash (expressions, userdata, anonymous set elements) is
 * unchanged. No sockets here (collect-ruleset.c), no deltas (model.c); the
 * parts become a snapshot in collect-ruleset-assemble.c.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "collect.h"
#include "collect-int.h"
#include "collect-legacy.h"
#include "hashmap.h"
#include "iptop.h"
#include "nlattr.h"
#include "record.h"
#include "rule-text.h"

/* ---- chain lookup ------------------------------------------------------ */


/* FNV-1a of the table's name (with its NUL), from the family. */
static uint64_t table_hash(uint8_t family, const char *table)
{
	return hash_fnv1a(HASH_FNV1A_INIT ^ family, table, strlen(table) + 1);
}

static uint64_t chain_hash(uint8_t family, const char *table, const char *name)
{
	return hash_mix(hash_fnv1a_str(table_hash(family, table), name));
}

void collect_chain_index_build(struct chain_index *ix, const struct snap_ruleset *rs)
{
	size_t i;

	hashmap_init(&ix->map, rs->nchains);
	for (i = 0; i < rs->nchains; i++) {
		const struct snap_chain *ch = &rs->chains[i];

		if (ch->legacy)
			continue; /* nf_tables chains only: legacy ones are re-read whole */
		*hashmap_add(&ix->map, chain_hash(ch->family, ch->table, ch->name)) = i;
	}
}

struct snap_chain *collect_chain_index_find(const struct chain_index *ix, const struct snap_ruleset *rs,
					     uint8_t family, const char *table, const char *name)
{
	uint64_t h = chain_hash(family, table, name);
	const uint64_t *v;
	size_t pos;

	for (v = hashmap_find(&ix->map, h, &pos); v; v = hashmap_find_next(&ix->map, h, &pos)) {
		struct snap_chain *ch = &rs->chains[*v];

		if (ch->family == family && strcmp(ch->table, table) == 0 && strcmp(ch->name, name) == 0)
			return ch;
	}
	return NULL;
}

void collect_chain_index_free(struct chain_index *ix)
{
	hashmap_free(&ix->map);
}

/* ---- pure parsing ------------------------------------------------------ */


int collect_parse_tables(struct snap_ruleset *rs, const struct nlbuf *b, char **cause)
{
	const struct nlmsghdr *nlh;

	for (nlh = nlbuf_first(b); nlh; nlh = nlbuf_next(b, nlh)) {
		struct nftnl_table *t;
		struct snap_table *st;

		if (!collect_is_nft_msg(nlh, NFT_MSG_NEWTABLE))
			continue;
		t = nftnl_table_alloc();
		if (!collect_nft_msg_ok(nlh) || nftnl_table_nlmsg_parse(nlh, t) < 0 ||
		    !nftnl_table_is_set(t, NFTNL_TABLE_NAME)) {
			nftnl_table_free(t);
			*cause = xstrdup("malformed NEWTABLE message");
			return -1;
		}
		rs->tables = xreallocarray(rs->tables, rs->ntables + 1, sizeof(*rs->tables));
		st = &rs->tables[rs->ntables++];
		memset(st, 0, sizeof(*st));
		st->family = (uint8_t)nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);
		st->name = xstrdup(nftnl_table_get_str(t, NFTNL_TABLE_NAME));
		if (nftnl_table_is_set(t, NFTNL_TABLE_HANDLE))
			st->handle = nftnl_table_get_u64(t, NFTNL_TABLE_HANDLE);
		if (nftnl_table_is_set(t, NFTNL_TABLE_FLAGS))
			st->flags = nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS);
		st->iptables = rule_text_ipt_table(st->family, st->name);
		nftnl_table_free(t);
	}
	return 0;
}

int collect_parse_chains(struct snap_ruleset *rs, const struct nlbuf *b, char **cause)
{
	const struct nlmsghdr *nlh;

	for (nlh = nlbuf_first(b); nlh; nlh = nlbuf_next(b, nlh)) {
		struct nftnl_chain *c;
		struct snap_chain *ch;

		if (!collect_is_nft_msg(nlh, NFT_MSG_NEWCHAIN))
			continue;
		c = nftnl_chain_alloc();
		if (!collect_nft_msg_ok(nlh) || nftnl_chain_nlmsg_parse(nlh, c) < 0 ||
		    !nftnl_chain_is_set(c, NFTNL_CHAIN_NAME) ||
		    !nftnl_chain_is_set(c, NFTNL_CHAIN_TABLE)) {
			nftnl_chain_free(c);
			*cause = xstrdup("malformed NEWCHAIN message");
			return -1;
		}
		rs->chains = xreallocarray(rs->chains, rs->nchains + 1, sizeof(*rs->chains));
		ch = &rs->chains[rs->nchains++];
		memset(ch, 0, sizeof(*ch));
		ch->family = (uint8_t)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
		ch->table = xstrdup(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
		ch->name = xstrdup(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
		ch->instantiated = true;
		ch->hook = -1;
		ch->policy = -1;
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_HANDLE))
			ch->handle = nftnl_chain_get_u64(c, NFTNL_CHAIN_HANDLE);
		/* the kernel's use counter until collect_assemble_finish()
		 * takes the chain's own rules off it */
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_USE))
			ch->use = nftnl_chain_get_u32(c, NFTNL_CHAIN_USE);
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
			ch->base = true;
			ch->hook = (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
			ch->prio = (int32_t)nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
			ch->policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) ?
				     (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) : NF_ACCEPT;
			if (nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE))
				ch->type = xstrdup(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE));
			if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEV))
				ch->dev = xstrdup(nftnl_chain_get_str(c, NFTNL_CHAIN_DEV));
		}
		/* Only present when the chain was created with counters
		 * (iptables-nft <= 1.8.9 creates built-ins without). */
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_PACKETS)) {
			ch->policy_counted = true;
			ch->policy_packets = nftnl_chain_get_u64(c, NFTNL_CHAIN_PACKETS);
			ch->policy_bytes = nftnl_chain_get_u64(c, NFTNL_CHAIN_BYTES);
		}
		nftnl_chain_free(c);
	}
	return 0;
}

/* Capacity is implicit: the next power of two (at least 4) from nrules
 * or, while parsing, from the kernel's use counter (its rules and the
 * jumps to it, so at least its rules): a chain's array is allocated once
 * instead of doubling from 4 (regrowing arrays among the rules' strings
 * cost a first snapshot more than a twentieth of its time). */
static size_t rules_cap(const struct snap_chain *ch, size_t n)
{
	size_t cap = 4, hint = ch->use <= 4096 ? ch->use : 4096;

	while (cap < n || cap < hint)
		cap *= 2;
	return cap;
}

static void add_rule(struct snap_chain *ch, const struct snap_rule *r)
{
	if (!ch->rules || ch->nrules == rules_cap(ch, ch->nrules))
		ch->rules = xreallocarray(ch->rules, rules_cap(ch, ch->nrules + 1), sizeof(*ch->rules));
	ch->rules[ch->nrules++] = *r;
}

/* A big-endian u64 attribute (8 bytes checked by the caller). */
static uint64_t raw_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, nlattr_data(a), sizeof(v));
	return be64toh(v);
}

/* Counter of a rule by a raw walk: handle, table, chain and the first
 * counter expression. Cheap; used when the rule text is reused. */
struct raw_rule {
	const char *table;
	const char *chain;
	uint64_t handle;
	uint64_t position;
	bool has_handle;
	bool counted;
	uint64_t packets;
	uint64_t bytes;
	uint64_t content;     /* with content_sets: the content hash, same walk */
	bool have_content;
	const char *jump;     /* the first jump or goto's chain (in the message), or NULL */
	bool jump_goto;
};

static void raw_counter(const struct nlattr *data, struct raw_rule *rr)
{
	const struct nlattr *a;
	const void *end;

	nlattr_each_nested(a, data, end) {
		if (nlattr_type(a) == NFTA_COUNTER_PACKETS && nlattr_len(a) == 8)
			rr->packets = raw_u64(a);
		else if (nlattr_type(a) == NFTA_COUNTER_BYTES && nlattr_len(a) == 8)
			rr->bytes = raw_u64(a);
	}
	rr->counted = true;
}

/* A rule whose text waits (rules_parser.text_want): its jump target, for
 * the chain tree, without libnftnl (iptables-nft and nft put the verdict
 * in the rule's first immediate expression). */
static void bare_rule(struct snap_rule *r, const struct raw_rule *rr)
{
	memset(r, 0, sizeof(*r));
	r->handle = rr->handle;
	if (rr->jump) {
		r->target_chain = xstrdup(rr->jump);
		r->is_goto = rr->jump_goto;
		snapshot_rule_share(r);
	}
}

/* Could name attribute a be the NUL-terminated word w (strlen n)? Its
 * byte n must be the NUL: most names are told apart without a call. */
static bool name_may_be(const struct nlattr *a, size_t n)
{
	return nlattr_len(a) > n && ((const char *)nlattr_data(a))[n] == '\0';
}

static bool is_counter(const struct nlattr *name)
{
	if (nlattr_len(name) == sizeof("counter"))	/* the kernel's: one compare */
		return memcmp(nlattr_data(name), "counter", sizeof("counter")) == 0;
	return name_may_be(name, strlen("counter")) && mnl_attr_validate(name, MNL_TYPE_NUL_STRING) == 0 &&
	       strcmp(mnl_attr_get_str(name), "counter") == 0;
}

/* The set a lookup or objref expression names (NFTA_EXPR_DATA), or NULL. */
static const char *raw_expr_set(const struct nlattr *name, const struct nlattr *data)
{
	const struct nlattr *a;
	uint16_t type;

	/* "lookup" and "objref": both six letters */
	if (!name || !data || !name_may_be(name, strlen("lookup")) ||
	    mnl_attr_validate(name, MNL_TYPE_NUL_STRING) < 0 || mnl_attr_validate(data, MNL_TYPE_NESTED) < 0)
		return NULL;
	if (strcmp(mnl_attr_get_str(name), "lookup") == 0)
		type = NFTA_LOOKUP_SET;
	else if (strcmp(mnl_attr_get_str(name), "objref") == 0)
		type = NFTA_OBJREF_SET_NAME;
	else
		return NULL;
	mnl_attr_for_each_nested(a, data)
		if (mnl_attr_get_type(a) == type && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(a);
	return NULL;
}

/* One expression into the content hash: what the text is rendered from
 * (hashed a word at a time: every byte of every new rule goes through it)
 * is the expressions (counter values aside), userdata and the elements of
 * the anonymous sets they look up (sets may be NULL). */
static uint64_t content_expr(uint64_t h, const struct nlattr *e, const struct nlattr *name,
			     const struct nlattr *data, bool counter, const struct rule_text_sets *sets,
			     uint8_t family, const char *table)
{
	const char *set;

	if (counter)
		return hash_words(h, "counter", 8);
	h = hash_words(h, nlattr_data(e), nlattr_len(e));
	if (sets && (set = raw_expr_set(name, data)) != NULL) {
		uint64_t sh = rule_text_sets_hash(sets, family, table, set);

		h = hash_words(h, &sh, sizeof(sh));
	}
	return h;
}

#define CONTENT_INIT HASH_FNV1A_INIT
#define CONTENT_USERDATA(h, a) hash_words((h) ^ 0x55, nlattr_data(a), nlattr_len(a))

/* The content hash alone (a rule whose text may be reused across a
 * generation); the first snapshot takes it in raw_rule_parse's walk. */
static uint64_t raw_rule_content(const struct nlmsghdr *nlh, const struct rule_text_sets *sets,
				 uint8_t family, const char *table)
{
	uint64_t h = CONTENT_INIT;
	const struct nlattr *a, *e, *x;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == NFTA_RULE_USERDATA) {
			h = CONTENT_USERDATA(h, a);
			continue;
		}
		if (mnl_attr_get_type(a) != NFTA_RULE_EXPRESSIONS)
			continue;
		mnl_attr_for_each_nested(e, a) {
			const struct nlattr *name = NULL, *data = NULL;
			bool counter = false;

			mnl_attr_for_each_nested(x, e) {
				if (mnl_attr_get_type(x) == NFTA_EXPR_NAME) {
					name = x;
					if (is_counter(x))
						counter = true;
				} else if (mnl_attr_get_type(x) == NFTA_EXPR_DATA) {
					data = x;
				}
			}
			h = content_expr(h, e, name, data, counter, sets, family, table);
		}
	}
	return h;
}

/* want_content: every rule is new (the first snapshot), so take the
 * content hash in this walk; sets as for raw_rule_content. */
static int raw_rule_parse(const struct nlmsghdr *nlh, struct raw_rule *rr, bool want_content,
			  const struct rule_text_sets *sets, uint8_t family)
{
	const struct nlattr *a;
	const void *end, *eend, *xend;
	uint64_t h = CONTENT_INIT;
	bool hash = want_content;

	memset(rr, 0, sizeof(*rr));
	nlattr_each_msg(a, nlh, sizeof(struct nfgenmsg), end) {
		switch (nlattr_type(a)) {
		case NFTA_RULE_TABLE:
			if (!nlattr_str_ok(a))
				return -1;
			rr->table = nlattr_data(a);
			break;
		case NFTA_RULE_CHAIN:
			if (!nlattr_str_ok(a))
				return -1;
			rr->chain = nlattr_data(a);
			break;
		case NFTA_RULE_HANDLE:
			if (nlattr_len(a) != 8)
				return -1;
			rr->handle = raw_u64(a);
			rr->has_handle = true;
			break;
		case NFTA_RULE_POSITION:
			if (nlattr_len(a) != 8)
				return -1;
			rr->position = raw_u64(a);
			break;
		case NFTA_RULE_USERDATA:
			if (hash)
				h = CONTENT_USERDATA(h, a);
			break;
		case NFTA_RULE_EXPRESSIONS: {
			const struct nlattr *e;

			if (sets && !rr->table)
				hash = false; /* a set's hash needs the table: walk again */
			nlattr_each_nested(e, a, eend) {
				const struct nlattr *x, *name = NULL, *data = NULL;
				bool counter;

				nlattr_each_nested(x, e, xend) {
					if (nlattr_type(x) == NFTA_EXPR_NAME)
						name = x;
					else if (nlattr_type(x) == NFTA_EXPR_DATA)
						data = x;
				}
				counter = name && is_counter(name);
				if (counter && data && !rr->counted)
					raw_counter(data, rr);
				else if (!counter && data && !rr->jump && name && name_may_be(name, strlen("immediate")) &&
					 mnl_attr_validate(name, MNL_TYPE_NUL_STRING) == 0 &&
					 strcmp(mnl_attr_get_str(name), "immediate") == 0)
					rr->jump = rule_text_msg_jump(data, &rr->jump_goto);
				if (hash)
					h = content_expr(h, e, name, data, counter, sets, family, rr->table);
			}
			break;
		}
		default:
			break;
		}
	}
	rr->content = h;
	rr->have_content = hash;
	return rr->table && rr->chain && rr->has_handle ? 0 : -1;
}

/* th: table_hash() of the rule's chain. */
static uint64_t rule_key(uint64_t th, uint64_t handle)
{
	return hash_mix(th ^ handle);
}

static void rule_index_build(struct rule_index *ix, const struct snap_ruleset *prev)
{
	size_t i, j, n = 0;

	memset(ix, 0, sizeof(*ix));
	ix->rs = prev;
	if (!prev)
		return;
	for (i = 0; i < prev->nchains; i++)
		if (!prev->chains[i].legacy)
			n += prev->chains[i].nrules;
	if (!n)
		return;
	hashmap_init(&ix->map, n);
	for (i = 0; i < prev->nchains; i++) {
		const struct snap_chain *ch = &prev->chains[i];
		uint64_t th = table_hash(ch->family, ch->table);

		if (ch->legacy)
			continue;
		for (j = 0; j < ch->nrules; j++)
			*hashmap_add(&ix->map, rule_key(th, ch->rules[j].handle)) = (uint64_t)i << 32 | j;
	}
}

/* prev's rule with this handle, if its text still holds: within a
 * generation always; across one only when the content hash agrees (then
 * *content is computed once and kept for the new rule). */
static const struct snap_rule *rule_index_find(const struct rule_index *ix, const struct snap_chain *ch,
					       const struct raw_rule *rr, const struct nlmsghdr *nlh, bool same_gen,
					       const struct rule_text_sets *sets, uint64_t *content,
					       bool *have_content)
{
	uint64_t h = rule_key(table_hash(ch->family, ch->table), rr->handle);
	const uint64_t *v;
	size_t pos;

	for (v = hashmap_find(&ix->map, h, &pos); v; v = hashmap_find_next(&ix->map, h, &pos)) {
		const struct snap_chain *pch = &ix->rs->chains[*v >> 32];
		const struct snap_rule *r = &pch->rules[*v & 0xffffffffu];

		if (r->handle != rr->handle || pch->family != ch->family || strcmp(pch->table, ch->table) != 0)
			continue;
		if (!r->strs || strcmp(pch->name, ch->name) != 0)
			return NULL;
		if (same_gen)
			return r;
		*content = raw_rule_content(nlh, sets, ch->family, ch->table);
		*have_content = true;
		return r->content == *content ? r : NULL;
	}
	return NULL;
}

static void copy_rule(struct snap_rule *d, const struct snap_rule *s)
{
	snapshot_rule_copy(d, s);
}

/* A rule iptop cannot decode (an expression this libnftnl does not know,
 * or a malformed one): shown on its own with its counter, the rest of the
 * table still renders. */
static void undecodable_rule(struct snap_rule *r, const struct raw_rule *rr, const char *why)
{
	memset(r, 0, sizeof(*r));
	r->handle = rr->handle;
	r->syntax = RULE_SYNTAX_NFT;
	r->text = xasprintf("# rule not decoded: %s (see: nft -a list ruleset, handle %llu)", why,
			    (unsigned long long)rr->handle);
}


void collect_rules_parser_init(struct rules_parser *p, struct snap_ruleset *rs, const struct snap_ruleset *prev,
			      bool from_kernel)
{
	memset(p, 0, sizeof(*p));
	p->rs = rs;
	p->prev = prev;
	p->from_kernel = from_kernel;
	p->same_gen = prev && prev->status == SRC_OK && prev->genid == rs->genid;
	collect_chain_index_build(&p->ix, rs);
	if (p->same_gen)
		collect_chain_index_build(&p->pcix, prev);
}

void collect_rules_parser_done(struct rules_parser *p)
{
	collect_chain_index_free(&p->ix);
	collect_chain_index_free(&p->pcix);
	hashmap_free(&p->pix.map);
}

/* Within a generation the rule at the same position of the same chain is
 * almost always it: no hashing of every rule on a refresh. */
static const struct snap_rule *prev_same_place(struct rules_parser *p, const struct snap_chain *ch, bool new_chain,
					       uint64_t handle)
{
	const struct snap_chain *pch;

	if (!p->same_gen)
		return NULL;
	if (new_chain)
		p->last_prev = collect_chain_index_find(&p->pcix, p->prev, ch->family, ch->table, ch->name);
	pch = p->last_prev;
	if (pch && ch->nrules < pch->nrules && pch->rules[ch->nrules].handle == handle &&
	    pch->rules[ch->nrules].strs)
		return &pch->rules[ch->nrules];
	return NULL;
}

/* The rule's text: straight from the message for the shapes iptables-nft
 * writes (rule_text_render_msg()), through libnftnl for the rest. */
static void render_rule(struct snap_rule *r, const struct nlmsghdr *nlh, const struct raw_rule *rr,
			const struct snap_chain *ch, bool ipt, bool from_kernel, const struct rule_text_sets *sets)
{
	struct nftnl_rule *nr;
	struct rule_text rt;

	memset(r, 0, sizeof(*r));
	if (!from_kernel && !collect_nft_msg_ok(nlh)) {
		undecodable_rule(r, rr, "unknown or malformed expression");
		snapshot_rule_share(r);
		return;
	}
	if (!rule_text_render_msg(nlh, ch->family, ipt, &rt)) {
		nr = nftnl_rule_alloc();
		if (nftnl_rule_nlmsg_parse(nlh, nr) < 0) {
			nftnl_rule_free(nr);
			undecodable_rule(r, rr, "unknown or malformed expression");
			snapshot_rule_share(r);
			return;
		}
		rule_text_render(nr, ch->family, ipt, sets, &rt);
		nftnl_rule_free(nr);
	}
	r->handle = rr->handle;
	r->syntax = rt.syntax;
	r->text = rt.text ? rt.text : xstrdup("");
	r->target_chain = rt.target_chain;
	r->is_goto = rt.is_goto;
	r->comment = rt.comment;
	snapshot_rule_share(r);
}

int collect_rules_parser_feed(struct rules_parser *p, const struct nlbuf *b, char **cause)
{
	const struct snap_chain *ipt_chain = NULL;   /* ipt: an iptables-nft table's? */
	const struct nlmsghdr *nlh;
	bool ipt = false;

	for (nlh = nlbuf_first(b); nlh; nlh = nlbuf_next(b, nlh)) {
		const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
		struct snap_chain *ch, *last = p->last;
		const struct snap_rule *pr;
		bool have_content = false;
		uint64_t content = 0;
		struct raw_rule rr;
		struct snap_rule r;

		if (!collect_is_nft_msg(nlh, NFT_MSG_NEWRULE))
			continue;
		/* The raw walk checks what it reads; the full check runs only
		 * before libnftnl sees a message (a new or changed rule). */
		if (raw_rule_parse(nlh, &rr, !p->prev && !p->text_want, p->sets, nfg->nfgen_family) < 0) {
			*cause = xstrdup("malformed NEWRULE message");
			return -1;
		}
		if (last && last->family == nfg->nfgen_family && strcmp(last->table, rr.table) == 0 &&
		    strcmp(last->name, rr.chain) == 0)
			ch = last;
		else
			ch = collect_chain_index_find(&p->ix, p->rs, nfg->nfgen_family, rr.table, rr.chain);
		if (!ch)
			continue; /* chain appeared after the chain dump: next generation */
		if (ch != last)
			p->text_now = !p->text_want || p->text_want(ch, p->text_arg);
		p->last = ch;
		pr = prev_same_place(p, ch, ch != last, rr.handle);
		if (!pr && p->prev && p->text_now) {
			if (!p->pix_built) {
				rule_index_build(&p->pix, p->prev);
				p->pix_built = true;
			}
			pr = rule_index_find(&p->pix, ch, &rr, nlh, p->same_gen, p->sets, &content,
					     &have_content);
		}
		if (pr && (pr->text || !p->text_now)) {
			copy_rule(&r, pr);
		} else {
			if (!p->text_now) {
				bare_rule(&r, &rr); /* no text to reuse: no content hash */
			} else {
				if (ch != ipt_chain) {
					ipt_chain = ch;
					ipt = rule_text_ipt_table(ch->family, ch->table);
				}
				render_rule(&r, nlh, &rr, ch, ipt, p->from_kernel, p->sets);
			}
			if (!p->text_now)
				r.content = 0;
			else if (have_content)
				r.content = content;
			else if (rr.have_content)
				r.content = rr.content;
			else
				r.content = raw_rule_content(nlh, p->sets, ch->family, ch->table);
		}
		r.position = rr.position;
		r.counted = rr.counted;
		r.packets = rr.packets;
		r.bytes = rr.bytes;
		add_rule(ch, &r);
	}
	return 0;
}

int collect_rules_parser_run(struct snap_ruleset *rs, const struct nlbuf *b, const struct snap_ruleset *prev,
			     bool from_kernel, const struct rule_text_sets *sets, char **cause)
{
	struct rules_parser p;
	int ret;

	collect_rules_parser_init(&p, rs, prev, from_kernel);
	p.sets = sets;
	ret = collect_rules_parser_feed(&p, b, cause);
	collect_rules_parser_done(&p);
	return ret;
}

int collect_parse_rules(struct snap_ruleset *rs, const struct nlbuf *b, const struct snap_ruleset *prev,
			char **cause)
{
	return collect_rules_parser_run(rs, b, prev, false, NULL, cause);
}

int collect_parse_gen(const struct nlmsghdr *nlh, uint32_t *genid, uint32_t *pid, char *name, size_t namelen)
{
	const struct nlattr *a;
	bool have = false;

	if (!collect_is_nft_msg(nlh, NFT_MSG_NEWGEN) || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return -1;
	if (pid)
		*pid = 0;
	if (name && namelen)
		name[0] = '\0';
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_GEN_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -1;
			*genid = ntohl(mnl_attr_get_u32(a));
			have = true;
			break;
		case NFTA_GEN_PROC_PID:
			if (pid && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				*pid = ntohl(mnl_attr_get_u32(a));
			break;
		case NFTA_GEN_PROC_NAME:
			if (name && namelen && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(name, namelen, "%s", mnl_attr_get_str(a));
			break;
		default:
			break;
		}
	}
	return have ? 0 : -1;
}
