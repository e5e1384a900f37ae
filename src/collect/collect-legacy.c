/*
 * collect-legacy.c - the pure half of the iptables-legacy collector: one
 * x_tables table blob (what IPT_SO_GET_ENTRIES returns, with the hook
 * offsets of IPT_SO_GET_INFO) to snapshot chains, the way libiptc's
 * parse_table()/cache_add_entry() cut it up:
 *   a built-in chain starts at hook_entry[h] and ends with its policy
 *     entry at underflow[h] (a standard target ACCEPT/DROP with the policy
 *     counters);
 *   a user chain starts with an ERROR target naming it and ends with a
 *     RETURN entry (its counters are not shown, as iptables does);
 *   the table ends with an ERROR target named "ERROR";
 *   a standard target's verdict is either -(NF_x)-1 or the offset of the
 *     entry it jumps to; the offset of the very next entry is a rule
 *     without -j ("fallthrough").
 * Rule text comes from rule-text-legacy.c; handles are synthesized here.
 *
 * It does not open sockets or read /proc (collect-legacy-live.c), and
 * does not sort rs (the caller merges legacy and nf_tables chains).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#include "collect-legacy.h"
#include "hashmap.h"
#include "iptop.h"
#include "rule-text.h"

/* One chain of the table being parsed: entries [first, end) of the
 * entry index, head (user) and footer (policy / RETURN) included. */
struct lchain {
	char name[XT_FUNCTION_MAXNAMELEN + 1];
	int hook;               /* -1 for a user chain */
	size_t first, end;
	uint32_t references;
};

struct ltable {
	uint8_t family;
	const char *table;
	const uint8_t *blob;
	size_t len;
	size_t head;            /* sizeof(struct ipt_entry) / ip6t_entry */
	uint32_t *off;          /* entry offsets, ascending */
	size_t n;
	struct lchain *ch;      /* ascending by first */
	size_t nch;
	uint32_t cur_off;       /* the entry being rendered (for fallthrough) */
	uint32_t cur_next;
};

/* ---- entries ----------------------------------------------------------- */

static uint16_t entry_target_offset(const struct ltable *t, uint32_t off)
{
	if (t->family == NFPROTO_IPV6)
		return ((const struct ip6t_entry *)(t->blob + off))->target_offset;
	return ((const struct ipt_entry *)(t->blob + off))->target_offset;
}

static uint16_t entry_next_offset(const struct ltable *t, uint32_t off)
{
	if (t->family == NFPROTO_IPV6)
		return ((const struct ip6t_entry *)(t->blob + off))->next_offset;
	return ((const struct ipt_entry *)(t->blob + off))->next_offset;
}

static const struct xt_counters *entry_counters(const struct ltable *t, uint32_t off)
{
	if (t->family == NFPROTO_IPV6)
		return &((const struct ip6t_entry *)(t->blob + off))->counters;
	return &((const struct ipt_entry *)(t->blob + off))->counters;
}

static const struct xt_entry_target *entry_target(const struct ltable *t, uint32_t off)
{
	return (const void *)(t->blob + off + entry_target_offset(t, off));
}

/* The target's name as a C string (the field may lack a NUL). */
static void target_name(const struct xt_entry_target *tg, char *buf, size_t buflen)
{
	size_t n = strnlen(tg->u.user.name, sizeof(tg->u.user.name));

	if (n >= buflen)
		n = buflen - 1;
	memcpy(buf, tg->u.user.name, n);
	buf[n] = '\0';
}

/* A standard target's verdict; false if the entry has another target. */
static bool standard_verdict(const struct ltable *t, uint32_t off, int *verdict)
{
	const struct xt_entry_target *tg = entry_target(t, off);

	if (tg->u.user.name[0] != '\0' ||
	    tg->u.user.target_size < XT_ALIGN(sizeof(struct xt_standard_target)))
		return false;
	memcpy(verdict, tg->data, sizeof(*verdict));
	return true;
}

static bool is_error_target(const struct ltable *t, uint32_t off)
{
	char name[XT_EXTENSION_MAXNAMELEN + 1];

	target_name(entry_target(t, off), name, sizeof(name));
	return strcmp(name, XT_ERROR_TARGET) == 0;
}

/* Index of the entry at offset off, or -1. */
static long entry_index(const struct ltable *t, uint32_t off)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->off[mid] == off)
			return (long)mid;
		if (t->off[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The matches tile [head, target_offset) in aligned steps, as the kernel's
 * xt_check_entry_match() insists. */
static int check_matches(const struct ltable *t, size_t off, uint16_t to)
{
	size_t m = t->head;

	while (m < to) {
		const struct xt_entry_match *em = (const void *)(t->blob + off + m);
		uint16_t size;

		if (to - m < sizeof(*em))
			return -1;
		size = em->u.user.match_size;
		if (size < sizeof(*em) || size > to - m || size != XT_ALIGN(size))
			return -1;
		m += size;
	}
	return 0;
}

/* Walk the blob: every entry inside it, sizes and target sane. */
static int scan_entries(struct ltable *t, uint32_t num_entries, char **cause)
{
	/* num_entries is only a hint for the allocation: never trust it further
	 * than the blob can hold */
	size_t cap = num_entries && num_entries <= t->len / t->head ? num_entries : 16, off = 0;

	t->off = xcalloc(cap, sizeof(*t->off));
	while (off < t->len) {
		uint16_t to, no;
		const struct xt_entry_target *tg;

		if (t->len - off < t->head) {
			*cause = xasprintf("entry at offset %zu: truncated", off);
			return -1;
		}
		to = entry_target_offset(t, off);
		no = entry_next_offset(t, off);
		if (no < t->head + sizeof(struct xt_entry_target) || no > t->len - off ||
		    no != XT_ALIGN(no)) {
			*cause = xasprintf("entry at offset %zu: bad size %u", off, no);
			return -1;
		}
		if (to < t->head || (size_t)to + sizeof(struct xt_entry_target) > no ||
		    to != XT_ALIGN(to)) {
			*cause = xasprintf("entry at offset %zu: bad target offset %u", off, to);
			return -1;
		}
		if (check_matches(t, off, to) < 0) {
			*cause = xasprintf("entry at offset %zu: bad match sizes", off);
			return -1;
		}
		tg = (const void *)(t->blob + off + to);
		if (tg->u.user.target_size < sizeof(*tg) || to + tg->u.user.target_size > no) {
			*cause = xasprintf("entry at offset %zu: bad target size %u", off,
					   tg->u.user.target_size);
			return -1;
		}
		if (t->n == cap) {
			cap *= 2;
			t->off = xreallocarray(t->off, cap, sizeof(*t->off));
		}
		t->off[t->n++] = (uint32_t)off;
		off += no;
	}
	if (t->n != num_entries) {
		*cause = xasprintf("%zu entries, the table says %u", t->n, num_entries);
		return -1;
	}
	if (t->n == 0 || !is_error_target(t, t->off[t->n - 1])) {
		*cause = xstrdup("no ERROR entry at the end");
		return -1;
	}
	return 0;
}

/* ---- chains ------------------------------------------------------------ */

static int cmp_lchain(const void *a, const void *b)
{
	const struct lchain *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Find where chains start (hook entries, ERROR heads) and where each ends. */
static int cut_chains(struct ltable *t, const struct collect_legacy_info *info, char **cause)
{
	size_t i, k;
	int h;

	t->ch = xcalloc(t->n + COLLECT_LEGACY_NHOOKS, sizeof(*t->ch));
	for (h = 0; h < COLLECT_LEGACY_NHOOKS; h++) {
		long ix;

		if (!(info->valid_hooks & (1u << h)))
			continue;
		ix = entry_index(t, info->hook_entry[h]);
		if (ix < 0 || (size_t)ix == t->n - 1) {
			*cause = xasprintf("hook %d starts at offset %u, not an entry", h,
					   info->hook_entry[h]);
			return -1;
		}
		snprintf(t->ch[t->nch].name, sizeof(t->ch[t->nch].name), "%s",
			 snapshot_hook_ipt_name(h));
		t->ch[t->nch].hook = h;
		t->ch[t->nch].first = (size_t)ix;
		t->nch++;
	}
	for (i = 0; i + 1 < t->n; i++) {
		const struct xt_error_target *et;

		if (!is_error_target(t, t->off[i]))
			continue;
		et = (const void *)entry_target(t, t->off[i]);
		if (et->target.u.user.target_size < sizeof(*et)) {
			*cause = xasprintf("chain head at offset %u: too short", t->off[i]);
			return -1;
		}
		memcpy(t->ch[t->nch].name, et->errorname, sizeof(et->errorname));
		t->ch[t->nch].name[sizeof(et->errorname)] = '\0';
		t->ch[t->nch].hook = -1;
		t->ch[t->nch].first = i;
		t->nch++;
	}
	qsort(t->ch, t->nch, sizeof(*t->ch), cmp_lchain);
	if (t->nch == 0 || t->ch[0].first != 0) {
		*cause = xstrdup("entries before the first chain");
		return -1;
	}
	for (k = 0; k < t->nch; k++) {
		struct lchain *c = &t->ch[k];

		c->end = k + 1 < t->nch ? t->ch[k + 1].first : t->n - 1;
		if (c->end == c->first) {
			*cause = xasprintf("two chains start at offset %u", t->off[c->first]);
			return -1;
		}
		if (c->hook < 0 && c->end - c->first < 2) {
			*cause = xasprintf("chain %s has no end", c->name);
			return -1;
		}
		if (c->hook >= 0 && t->off[c->end - 1] != info->underflow[c->hook]) {
			*cause = xasprintf("chain %s: policy at offset %u, expected %u", c->name,
					   t->off[c->end - 1], info->underflow[c->hook]);
			return -1;
		}
	}
	return 0;
}

/* The chain whose entries include offset off, or NULL. */
static struct lchain *chain_at(const struct ltable *t, uint32_t off)
{
	long ix = entry_index(t, off);
	size_t lo = 0, hi = t->nch;

	if (ix < 0 || (size_t)ix >= t->n - 1)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ch[mid].end <= (size_t)ix)
			lo = mid + 1;
		else if (t->ch[mid].first > (size_t)ix)
			hi = mid;
		else
			return &t->ch[mid];
	}
	return NULL;
}

/* rule_text_render_xt_entry()'s question: where does verdict v land? */
static const char *jump_name(uint32_t v, void *arg)
{
	const struct ltable *t = arg;
	const struct lchain *c;

	if (v == t->cur_off + t->cur_next)
		return "";
	c = chain_at(t, v);
	return c ? c->name : NULL;
}

/* ---- handles ----------------------------------------------------------- */

/* FNV-1a's offset basis a digit short (14695981039346656037): kept, since
 * legacy rule and chain handles (in -b, JSON and replays) derive from it. */
#define LEGACY_KEY_SEED 1469598103934665603ULL

/* The content key of a rule: chain name and text; when a blob was not
 * decoded ("[?]" in the text), the bytes of its matches and target too,
 * so two rules that differ only in undecoded options stay apart. */
static uint64_t rule_key(const struct ltable *t, const char *chain, uint32_t off,
			 const char *text)
{
	uint64_t h = LEGACY_KEY_SEED;

	h = hash_fnv1a(h, chain, strlen(chain) + 1);
	h = hash_fnv1a(h, text, strlen(text) + 1);
	if (strstr(text, "[?]"))
		h = hash_fnv1a(h, t->blob + off + t->head, entry_next_offset(t, off) - t->head);
	return hash_mix64(h); /* spreads FNV's weak high bits */
}

/* How many times key was seen before in this chain (and count this one):
 * occ maps a content key to its count so far. */
static uint32_t occ_next(struct hashmap *occ, uint64_t key)
{
	bool added;

	return (uint32_t)(*hashmap_get(occ, key, &added))++;
}

uint64_t collect_legacy_handle(uint64_t key, uint32_t occurrence)
{
	uint64_t h = occurrence ? hash_mix64(key ^ (0x9e3779b97f4a7c15ULL * occurrence)) : key;

	return h | COLLECT_LEGACY_HANDLE_BIT;
}

/* ---- snapshot chains --------------------------------------------------- */

int32_t collect_legacy_prio(const char *table, int hook)
{
	if (!strcmp(table, "raw"))
		return -300;		/* NF_IP_PRI_RAW (-450 with raw_before_defrag) */
	if (!strcmp(table, "mangle"))
		return -150;		/* NF_IP_PRI_MANGLE */
	if (!strcmp(table, "nat"))	/* NF_IP_PRI_NAT_DST / NF_IP_PRI_NAT_SRC */
		return hook == NF_INET_PRE_ROUTING || hook == NF_INET_LOCAL_OUT ? -100 : 100;
	if (!strcmp(table, "security"))
		return 50;		/* NF_IP_PRI_SECURITY; iptables-nft uses 150 */
	return 0;			/* filter: NF_IP_PRI_FILTER */
}

static const char *legacy_type(const char *table, int hook)
{
	if (!strcmp(table, "nat"))
		return "nat";
	if (!strcmp(table, "mangle") && hook == NF_INET_LOCAL_OUT)
		return "route";
	return "filter";
}

static void build_chain(struct ltable *t, const struct lchain *c, struct snap_chain *ch)
{
	const struct xt_counters *cnt;
	size_t first = c->hook >= 0 ? c->first : c->first + 1, i;
	uint64_t prev = 0;
	struct hashmap occ;
	int verdict;

	memset(ch, 0, sizeof(*ch));
	ch->family = t->family;
	ch->table = xstrdup(t->table);
	ch->name = xstrdup(c->name);
	ch->handle = hash_mix64(hash_fnv1a(hash_fnv1a(LEGACY_KEY_SEED, t->table, strlen(t->table) + 1),
					   c->name, strlen(c->name) + 1)) | COLLECT_LEGACY_HANDLE_BIT;
	ch->base = c->hook >= 0;
	ch->hook = c->hook;
	ch->policy = -1;
	ch->use = c->references;
	ch->instantiated = true;
	ch->legacy = true;
	if (ch->base) {
		ch->prio = collect_legacy_prio(t->table, c->hook);
		ch->type = xstrdup(legacy_type(t->table, c->hook));
		cnt = entry_counters(t, t->off[c->end - 1]);
		ch->policy_counted = true;
		ch->policy_packets = cnt->pcnt;
		ch->policy_bytes = cnt->bcnt;
		if (standard_verdict(t, t->off[c->end - 1], &verdict) && verdict < 0)
			ch->policy = -verdict - 1;
	}
	ch->nrules = c->end - 1 - first;
	ch->rules = ch->nrules ? xcalloc(ch->nrules, sizeof(*ch->rules)) : NULL;
	hashmap_init(&occ, ch->nrules);
	for (i = first; i < c->end - 1; i++) {
		struct snap_rule *r = &ch->rules[i - first];
		struct rule_text rt;
		uint32_t off = t->off[i];
		uint64_t key;

		t->cur_off = off;
		t->cur_next = entry_next_offset(t, off);
		rule_text_render_xt_entry(t->blob + off, t->len - off, t->family, c->name, jump_name,
					  t, &rt);
		key = rule_key(t, c->name, off, rt.text);
		r->handle = collect_legacy_handle(key, occ_next(&occ, key));
		r->content = key;
		r->position = prev;
		prev = r->handle;
		r->counted = rt.counted;
		r->packets = rt.packets;
		r->bytes = rt.bytes;
		r->syntax = rt.syntax;
		r->text = rt.text;
		r->target_chain = rt.target_chain;
		r->is_goto = rt.is_goto;
		r->comment = rt.comment;
	}
	hashmap_free(&occ);
}

/* Count jumps into each chain (iptables -L's "references"). */
static void count_references(struct ltable *t)
{
	size_t i;
	int v;

	for (i = 0; i + 1 < t->n; i++) {
		struct lchain *c;

		if (!standard_verdict(t, t->off[i], &v) || v < 0 ||
		    (uint32_t)v == t->off[i] + entry_next_offset(t, t->off[i]))
			continue;
		c = chain_at(t, (uint32_t)v);
		if (c)
			c->references++;
	}
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct snap_chain *)a)->name, ((const struct snap_chain *)b)->name);
}

int collect_legacy_parse_table(struct snap_ruleset *rs, const struct collect_legacy_info *info,
			       const void *entries, size_t len, char **cause)
{
	struct ltable t;
	char table[sizeof(info->name) + 1];
	char *why = NULL;
	size_t k, base, user;
	int ret = -1;

	memcpy(table, info->name, sizeof(info->name));
	table[sizeof(info->name)] = '\0';
	memset(&t, 0, sizeof(t));
	t.family = info->family;
	t.table = table;
	t.blob = entries;
	t.len = len;
	if (info->family == NFPROTO_IPV4) {
		t.head = sizeof(struct ipt_entry);
	} else if (info->family == NFPROTO_IPV6) {
		t.head = sizeof(struct ip6t_entry);
	} else {
		why = xasprintf("family %u is not ip or ip6", info->family);
		goto out;
	}
	if (!table[0] || len != info->size || (info->valid_hooks >> COLLECT_LEGACY_NHOOKS)) {
		why = xasprintf("bad header (size %zu, header says %u, hooks 0x%x)", len, info->size,
				info->valid_hooks);
		goto out;
	}
	if (scan_entries(&t, info->num_entries, &why) < 0 || cut_chains(&t, info, &why) < 0)
		goto out;
	count_references(&t);
	base = rs->nchains;
	rs->chains = xreallocarray(rs->chains, base + t.nch, sizeof(*rs->chains));
	/* built-in chains as the blob has them (hook order), then user chains
	 * by name, as libiptc lists them */
	for (k = 0; k < t.nch; k++)
		if (t.ch[k].hook >= 0)
			build_chain(&t, &t.ch[k], &rs->chains[rs->nchains++]);
	user = rs->nchains;
	for (k = 0; k < t.nch; k++)
		if (t.ch[k].hook < 0)
			build_chain(&t, &t.ch[k], &rs->chains[rs->nchains++]);
	qsort(rs->chains + user, rs->nchains - user, sizeof(*rs->chains), cmp_name);
	ret = 0;
out:
	if (why) {
		*cause = xasprintf("legacy %s table %s: %s",
				   info->family == NFPROTO_IPV6 ? "ip6" : "ip", table, why);
		free(why);
	}
	free(t.off);
	free(t.ch);
	return ret;
}

/* ---- raw buffers (recordings) ------------------------------------------ */

/* Move tmp's chains to the end of rs; frees tmp. */
static void move_chains(struct snap_ruleset *rs, struct snap_ruleset *tmp)
{
	if (tmp->nchains) {
		rs->chains = xreallocarray(rs->chains, rs->nchains + tmp->nchains, sizeof(*rs->chains));
		memcpy(rs->chains + rs->nchains, tmp->chains, tmp->nchains * sizeof(*tmp->chains));
		rs->nchains += tmp->nchains;
	}
	free(tmp->chains);
	tmp->chains = NULL;
	tmp->nchains = 0;
	snapshot_ruleset_free(tmp);
}

int collect_legacy_parse(struct snap_ruleset *rs, const void *raw, size_t len, char **cause)
{
	struct snap_ruleset *tmp = xcalloc(1, sizeof(*tmp));
	const uint8_t *p = raw;
	size_t off = 0;

	while (off < len) {
		struct collect_legacy_info info;
		const void *entries;
		void *copy = NULL;
		int r;

		if (len - off < sizeof(info)) {
			*cause = xasprintf("legacy recording: offset %zu: truncated header", off);
			goto fail;
		}
		memcpy(&info, p + off, sizeof(info));
		if (info.magic != COLLECT_LEGACY_MAGIC) {
			*cause = xasprintf("legacy recording: offset %zu: bad magic 0x%08x", off,
					   info.magic);
			goto fail;
		}
		off += sizeof(info);
		if (info.size > len - off) {
			*cause = xasprintf("legacy recording: offset %zu: %u bytes of entries, %zu left",
					   off, info.size, len - off);
			goto fail;
		}
		/* entries are read through struct pointers: keep them aligned */
		entries = p + off;
		if ((uintptr_t)entries % 8) {
			copy = xmalloc(info.size ? info.size : 1);
			memcpy(copy, entries, info.size);
			entries = copy;
		}
		r = collect_legacy_parse_table(tmp, &info, entries, info.size, cause);
		free(copy);
		if (r < 0)
			goto fail;
		off += XT_ALIGN((size_t)info.size);
		if (off > len)
			off = len;
	}
	move_chains(rs, tmp);
	return 0;
fail:
	snapshot_ruleset_free(tmp);
	return -1;
}

/* ---- both backends ----------------------------------------------------- */

/* A chain that changes what packets go through: rules, or a DROP policy. */
static bool chain_holds(const struct snap_chain *ch)
{
	return ch->nrules > 0 || (ch->base && ch->policy == NF_DROP);
}

static bool nft_iptables_chain(const struct snap_ruleset *rs, const struct snap_chain *ch)
{
	const struct snap_table *tb;

	if (ch->legacy || (ch->family != NFPROTO_IPV4 && ch->family != NFPROTO_IPV6))
		return false;
	tb = snapshot_find_table(rs, ch->family, ch->table);
	return tb ? tb->iptables : rule_text_ipt_table(ch->family, ch->table);
}

bool collect_legacy_both(const struct snap_ruleset *rs)
{
	bool legacy = false, nft = false;
	size_t i;

	for (i = 0; i < rs->nchains && !(legacy && nft); i++) {
		const struct snap_chain *ch = &rs->chains[i];

		if (!chain_holds(ch))
			continue;
		if (ch->legacy)
			legacy = true;
		else if (nft_iptables_chain(rs, ch))
			nft = true;
	}
	return legacy && nft;
}

bool collect_legacy_present(const struct snap_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->nchains; i++)
		if (rs->chains[i].legacy)
			return true;
	return false;
}
