/*
 * collect-ruleset.c - the live half of the nf_tables ruleset collector:
 * GETGEN, GETTABLE, GETCHAIN, (on a new generation) GETSET and GETSETELEM
 * of each new anonymous set, per-chain GETRULE (each parsed as it arrives)
 * and GETGEN again, retrying on NLM_F_DUMP_INTR or a generation change, and
 * keeping the last good snapshot while the ruleset keeps changing. Parsing
 * is collect-ruleset-parse.c; rule text rule-text*.c; deltas model.c.
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
#include "iptop.h"
#include "record.h"
#include "rule-text.h"

#define SNAP_RETRIES 6

/* ---- live collector ---------------------------------------------------- */

struct collect_ruleset {
	struct nlsock *req;     /* requests */
	struct nlsock *ev;      /* NFNLGRP_NFTABLES events, or NULL */
	int open_errno;
	struct record *rec;
	bool changed;           /* a NEWGEN arrived since the last snapshot */
	uint32_t change_pid;
	char change_proc[64];
	double change_wall;
	struct nlbuf tables, chains, rules, scratch, legacy;
	/* anonymous sets: this generation's NEWSET + NEWSETELEM messages
	 * (sets), the last good generation's (sets_old) with where each
	 * set's elements sit in it (cache), the GETSET dump (setlist) */
	struct nlbuf setlist, sets, sets_old;
	/* sets_old parsed: rule text rendered later in its generation (a
	 * chain whose text waited) needs them */
	struct rule_text_sets *gen_sets;
	struct set_ent *cache, *fresh;
	size_t ncache, nfresh, fresh_cap;
};

struct collect_ruleset *collect_ruleset_open(struct record *rec)
{
	struct collect_ruleset *c = xcalloc(1, sizeof(*c));

	c->rec = rec;
	c->req = nlsock_open(NETLINK_NETFILTER);
	if (!c->req) {
		c->open_errno = errno;
		return c;
	}
	c->ev = nlsock_open(NETLINK_NETFILTER);
	if (c->ev && nlsock_join(c->ev, NFNLGRP_NFTABLES) < 0) {
		nlsock_close(c->ev);
		c->ev = NULL;
	}
	if (c->ev)
		nlsock_set_rcvbuf(c->ev, 1 << 20);
	return c;
}

void collect_ruleset_close(struct collect_ruleset *c)
{
	if (!c)
		return;
	nlsock_close(c->req);
	nlsock_close(c->ev);
	nlbuf_free(&c->tables);
	nlbuf_free(&c->chains);
	nlbuf_free(&c->rules);
	nlbuf_free(&c->scratch);
	nlbuf_free(&c->legacy);
	nlbuf_free(&c->setlist);
	nlbuf_free(&c->sets);
	nlbuf_free(&c->sets_old);
	rule_text_sets_free(c->gen_sets);
	free(c->cache);
	free(c->fresh);
	free(c);
}

int collect_ruleset_event_fd(struct collect_ruleset *c)
{
	return c->ev ? nlsock_fd(c->ev) : -1;
}

bool collect_ruleset_events(struct collect_ruleset *c)
{
	uint8_t buf[NLSOCK_DUMP_SIZE];
	bool changed = false;

	if (!c->ev)
		return false;
	for (;;) {
		ssize_t n = recv(nlsock_fd(c->ev), buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh;
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) { /* events lost: a full snapshot follows anyway */
				changed = true;
				continue;
			}
			break;
		}
		if (n == 0)
			break;
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			uint32_t gen, pid;
			char name[64];

			if (collect_parse_gen(nlh, &gen, &pid, name, sizeof(name)) == 0) {
				if (!snapshot_change_is_iptop(pid, name)) {
					c->change_pid = pid;
					snprintf(c->change_proc, sizeof(c->change_proc), "%s", name);
					c->change_wall = time_wall();
				}
				if (c->rec)
					record_frame(c->rec, REC_NFT_EVENT, nlh, nlh->nlmsg_len);
				changed = true;
			}
		}
	}
	if (changed)
		c->changed = true;
	return changed;
}

/* buf must hold MNL_ALIGN'ed attributes: zeroed so padding bytes are
 * defined (the kernel never reads them, valgrind does). */
static struct nlmsghdr *nft_req(uint8_t *buf, size_t size, int msg, uint8_t family, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

static int get_genid(struct collect_ruleset *c, uint32_t *genid)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = nft_req(buf, sizeof(buf), NFT_MSG_GETGEN, AF_UNSPEC, 0);
	const struct nlmsghdr *r;

	nlbuf_reset(&c->scratch);
	if (nlsock_request(c->req, nlh, 1, &c->scratch) < 0)
		return -1;
	r = nlbuf_first(&c->scratch);
	if (!r || collect_parse_gen(r, genid, NULL, NULL, 0) < 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

static int dump(struct collect_ruleset *c, int msg, struct nlbuf *out)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = nft_req(buf, sizeof(buf), msg, NFPROTO_UNSPEC, NLM_F_DUMP);

	return nlsock_request(c->req, nlh, 0, out);
}

/* A chain's GETRULE dump request, in buf. */
static struct nlmsghdr *chain_rules_req(uint8_t *buf, size_t size, const struct snap_chain *ch)
{
	struct nlmsghdr *nlh = nft_req(buf, size, NFT_MSG_GETRULE, ch->family, NLM_F_DUMP);

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, ch->table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, ch->name);
	return nlh;
}

/* ---- anonymous sets ---------------------------------------------------- */

/* Where one anonymous set's NEWSETELEM messages sit in a sets buffer.
 * (table handle, set handle) names one set for the namespace's lifetime
 * (neither is reused) and a constant set never changes, so a set of the
 * last generation is copied from there instead of dumped again: a change
 * elsewhere costs no GETSETELEM per anonymous set (kube-proxy keeps one
 * per service). */
struct set_ent {
	uint64_t thandle, shandle;
	size_t off, len;
};

static int set_ent_cmp(const void *a, const void *b)
{
	const struct set_ent *x = a, *y = b;

	if (x->thandle != y->thandle)
		return x->thandle < y->thandle ? -1 : 1;
	if (x->shandle != y->shandle)
		return x->shandle < y->shandle ? -1 : 1;
	return 0;
}

struct raw_set {
	const char *table, *name;
	uint64_t handle;      /* 0: none */
	uint32_t flags;
};

static int raw_set_parse(const struct nlmsghdr *nlh, struct raw_set *st)
{
	const struct nlattr *a;

	memset(st, 0, sizeof(*st));
	if (!collect_is_nft_msg(nlh, NFT_MSG_NEWSET) || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return -1;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_SET_TABLE:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				st->table = mnl_attr_get_str(a);
			break;
		case NFTA_SET_NAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				st->name = mnl_attr_get_str(a);
			break;
		case NFTA_SET_FLAGS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				st->flags = ntohl(mnl_attr_get_u32(a));
			break;
		case NFTA_SET_HANDLE:
			if (mnl_attr_validate(a, MNL_TYPE_U64) == 0)
				st->handle = be64toh(mnl_attr_get_u64(a));
			break;
		default:
			break;
		}
	}
	return st->table && st->name ? 0 : -1;
}

/* One message, padded to the netlink alignment. */
static void append_msg(struct nlbuf *b, const struct nlmsghdr *nlh)
{
	static const uint8_t zero[NLMSG_ALIGNTO];

	nlbuf_append(b, nlh, nlh->nlmsg_len);
	if (NLMSG_ALIGN(nlh->nlmsg_len) != nlh->nlmsg_len)
		nlbuf_append(b, zero, NLMSG_ALIGN(nlh->nlmsg_len) - nlh->nlmsg_len);
}

static int dump_set_elems(struct collect_ruleset *c, uint8_t family, const char *table, const char *set,
			  struct nlbuf *out)
{
	uint8_t buf[1024];
	struct nlmsghdr *nlh = nft_req(buf, sizeof(buf), NFT_MSG_GETSETELEM, family, NLM_F_DUMP);

	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	return nlsock_request(c->req, nlh, 0, out);
}

/* c->sets: the NEWSET messages of the anonymous sets and of the object
 * maps (rule text names an object's kind by its map: `counter name tcp
 * dport map @cm`), then each anonymous set's elements (copied from the
 * last generation when it had the set). rs has this generation's tables.
 * -1 with errno (ENOENT: a set went away). */
static int dump_sets(struct collect_ruleset *c, const struct snap_ruleset *rs)
{
	const struct nlmsghdr *nlh;
	struct raw_set st;

	nlbuf_reset(&c->setlist);
	nlbuf_reset(&c->sets);
	c->nfresh = 0;
	if (dump(c, NFT_MSG_GETSET, &c->setlist) < 0)
		return -1;
	for (nlh = nlbuf_first(&c->setlist); nlh; nlh = nlbuf_next(&c->setlist, nlh))
		if (raw_set_parse(nlh, &st) == 0 && (st.flags & (NFT_SET_ANONYMOUS | NFT_SET_OBJECT)))
			append_msg(&c->sets, nlh);
	for (nlh = nlbuf_first(&c->setlist); nlh; nlh = nlbuf_next(&c->setlist, nlh)) {
		uint8_t family = ((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family;
		const struct snap_table *t;
		struct set_ent key, *hit = NULL;
		size_t off = c->sets.len;
		bool keep;

		if (raw_set_parse(nlh, &st) < 0 || !(st.flags & NFT_SET_ANONYMOUS))
			continue;
		t = snapshot_find_table(rs, family, st.table);
		keep = t && t->handle && st.handle && (st.flags & NFT_SET_CONSTANT);
		key.thandle = keep ? t->handle : 0;
		key.shandle = st.handle;
		if (keep && c->ncache)
			hit = bsearch(&key, c->cache, c->ncache, sizeof(*c->cache), set_ent_cmp);
		if (hit)
			nlbuf_append(&c->sets, c->sets_old.data + hit->off, hit->len);
		else if (dump_set_elems(c, family, st.table, st.name, &c->sets) < 0)
			return -1;
		if (!keep)
			continue;
		if (c->nfresh == c->fresh_cap) {
			c->fresh_cap = c->fresh_cap ? c->fresh_cap * 2 : 64;
			c->fresh = xreallocarray(c->fresh, c->fresh_cap, sizeof(*c->fresh));
		}
		key.off = off;
		key.len = c->sets.len - off;
		c->fresh[c->nfresh++] = key;
	}
	return 0;
}

/* The snapshot holds: this generation's sets are the ones to copy from. */
static void sets_keep(struct collect_ruleset *c)
{
	struct nlbuf t = c->sets_old;

	c->sets_old = c->sets;
	c->sets = t;
	nlbuf_reset(&c->sets);
	free(c->cache);
	c->cache = c->fresh;
	c->ncache = c->nfresh;
	c->fresh = NULL;
	c->nfresh = c->fresh_cap = 0;
	if (c->ncache)
		qsort(c->cache, c->ncache, sizeof(*c->cache), set_ent_cmp);
}

static void set_error(struct snap_ruleset *rs, int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		rs->status = SRC_EPERM;
		rs->error = xstrdup("reading the nf_tables ruleset needs CAP_NET_ADMIN "
				    "(run as root, or: setcap cap_net_admin+ep iptop)");
		break;
	case EINVAL:
	case EOPNOTSUPP:
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
		rs->status = SRC_UNAVAILABLE;
		rs->error = xstrdup("nf_tables is not available on this kernel");
		break;
	default:
		rs->status = SRC_ERROR;
		rs->error = xasprintf("reading the nf_tables ruleset failed: %s", strerror(err));
		break;
	}
}

static struct snap_ruleset *failed(const struct snap_ruleset *prev, enum src_status keep_status, int err,
				   const char *msg)
{
	struct snap_ruleset *rs;

	if (prev && prev->status != SRC_EPERM && prev->status != SRC_UNAVAILABLE && prev->nchains) {
		rs = collect_ruleset_dup(prev);
		free(rs->error);
		rs->error = NULL;
		rs->status = keep_status;
		if (msg)
			rs->error = xstrdup(msg);
		else
			set_error(rs, err), rs->status = keep_status;
	} else {
		rs = xcalloc(1, sizeof(*rs));
		if (msg) {
			rs->status = keep_status == SRC_STALE ? SRC_ERROR : keep_status;
			rs->error = xstrdup(msg);
		} else {
			set_error(rs, err);
		}
	}
	rs->time_ns = time_mono_ns();
	return rs;
}

void collect_ruleset_add_legacy(struct snap_ruleset *rs, struct nlbuf *raw, const struct snap_ruleset *prev)
{
	enum src_status st = SRC_OK;
	char *cause = NULL;

	nlbuf_reset(raw);
	if (collect_legacy_read(rs, prev, raw, &st, &cause) < 0) {
		nlbuf_reset(raw);
		rs->legacy_status = st;
		rs->legacy_error = cause;
		return;
	}
	free(cause);
	rs->legacy_status = SRC_OK;
	rs->both_backends = collect_legacy_both(rs);
	collect_legacy_align(rs, prev);
	snapshot_sort_chains(rs);
}

void collect_ruleset_parse_legacy(struct snap_ruleset *rs, const void *raw, size_t len,
				  const struct snap_ruleset *prev)
{
	char *cause = NULL;

	if (collect_legacy_parse(rs, raw, len, &cause) < 0) {
		rs->legacy_status = SRC_ERROR;
		rs->legacy_error = cause;
		return;
	}
	rs->legacy_status = SRC_OK;
	rs->both_backends = collect_legacy_both(rs);
	collect_legacy_align(rs, prev);
	snapshot_sort_chains(rs);
}

/* One try at a snapshot (collect_ruleset_snapshot retries). */
enum snap_attempt {
	SNAP_OK,     /* *out: the snapshot */
	SNAP_RETRY,  /* the ruleset changed under the dumps: try again */
	SNAP_FAIL,   /* *out: prev kept, with the failure */
};

/* A dump that failed with err: the ruleset changed under it (EINTR:
 * NLM_F_DUMP_INTR; ENOENT, when enoent: an object gone between two dumps)
 * is a retry, anything else a failure. */
static enum snap_attempt attempt_failed(const struct snap_ruleset *prev, int err, bool enoent,
					struct snap_ruleset **out)
{
	if (err == EINTR || (enoent && err == ENOENT))
		return SNAP_RETRY;
	*out = failed(prev, SRC_STALE, err, NULL);
	return SNAP_FAIL;
}

/* The generation, then tables (only for a new one: *same_gen says) and
 * chains into c's buffers; -1 with errno. */
static int dump_heads(struct collect_ruleset *c, const struct snap_ruleset *prev, uint32_t *gen, bool *same_gen)
{
	if (get_genid(c, gen) < 0)
		return -1;
	*same_gen = prev && prev->status == SRC_OK && prev->genid == *gen;
	nlbuf_reset(&c->tables);
	nlbuf_reset(&c->chains);
	nlbuf_reset(&c->rules);
	if (!*same_gen && dump(c, NFT_MSG_GETTABLE, &c->tables) < 0)
		return -1;
	return dump(c, NFT_MSG_GETCHAIN, &c->chains);
}

/* A new generation's anonymous sets, for rule text, into *sets (NULL when
 * they cannot be read: rules name them "@__set0"); -1 when they changed
 * under us. */
static int read_sets(struct collect_ruleset *c, const struct snap_ruleset *rs, struct rule_text_sets **sets)
{
	*sets = NULL;
	if (dump_sets(c, rs) < 0) {
		int err = errno;

		nlbuf_reset(&c->sets);
		c->nfresh = 0;
		if (err == EINTR || err == ENOENT)
			return -1;
	}
	if (c->sets.len)
		*sets = rule_text_sets_parse(c->sets.data, c->sets.len);
	return 0;
}

/* What read_rules feeds the parser with, one recv() at a time. */
struct rules_feed {
	struct rules_parser *p;
	char **cause;
	bool bad;
};

static int feed_part(const struct nlbuf *part, void *arg)
{
	struct rules_feed *f = arg;

	if (collect_rules_parser_feed(f->p, part, f->cause) < 0) {
		f->bad = true;
		return -1;
	}
	return 0;
}

/* The rules, a GETRULE dump per chain, each parsed as it arrives (one
 * recv() at a time: a 10,000-rule chain is 6 MB of messages, which sat in
 * a buffer whose pages were a tenth of a first snapshot's time) or, when
 * recording, kept whole for the recording. Within a generation only the
 * wanted chains are read (the others keep the previous snapshot's rules);
 * a new generation reads every chain, with text for the wanted ones. 0, an
 * errno, or EBADMSG with *cause when a rule does not parse. */
static int read_rules(struct collect_ruleset *c, struct snap_ruleset *rs, const struct snap_ruleset *prev,
		      const struct rule_text_sets *sets, bool same_gen,
		      bool (*want)(const struct snap_chain *ch, void *arg), void *want_arg, char **cause)
{
	struct rules_parser p;
	struct rules_feed f = { &p, cause, false };
	int err = 0;
	size_t i;

	collect_rules_parser_init(&p, rs, prev, true);
	p.sets = sets;
	if (!same_gen) {
		p.text_want = want;
		p.text_arg = want_arg;
	}
	for (i = 0; i < rs->nchains && !err; i++) {
		const struct snap_chain *ch = &rs->chains[i];
		uint8_t buf[1024];
		struct nlmsghdr *nlh;
		struct nlbuf part;
		size_t off;

		if (same_gen && want && !want(ch, want_arg))
			continue;
		nlh = chain_rules_req(buf, sizeof(buf), ch);
		if (!c->rec) {
			if (nlsock_request_each(c->req, nlh, &c->rules, feed_part, &f) < 0)
				err = f.bad && errno == ECANCELED ? EBADMSG : errno;
			continue;
		}
		off = c->rules.len; /* recording: the buffer keeps every chain */
		if (nlsock_request(c->req, nlh, 0, &c->rules) < 0) {
			err = errno;
			break;
		}
		part.data = c->rules.data ? c->rules.data + off : NULL;
		part.len = c->rules.len - off;
		part.cap = part.len;
		if (feed_part(&part, &f) < 0)
			err = EBADMSG;
	}
	collect_rules_parser_done(&p);
	return err;
}

/* A consistent snapshot finished: change attribution, legacy tables, the
 * recording, the sets kept for the next generation. */
static void finish(struct collect_ruleset *c, struct collect_input *in, struct snap_ruleset *rs,
		   const struct snap_ruleset *prev)
{
	collect_ruleset_assemble_finish(rs, prev);
	if (c->change_wall > 0) {
		rs->change_pid = c->change_pid;
		rs->change_wall = c->change_wall;
		memcpy(rs->change_proc, c->change_proc, sizeof(rs->change_proc));
	}
	rs->time_ns = time_mono_ns();
	collect_ruleset_add_legacy(rs, &c->legacy, prev);
	if (c->rec)
		record_ruleset(c->rec, in, &c->legacy, rs);
	if (!in->reuse_tables)
		sets_keep(c);
	c->changed = false;
}

/* One attempt: the generation before and after the dumps must be the
 * same, or the ruleset changed under them. */
static enum snap_attempt attempt(struct collect_ruleset *c, const struct snap_ruleset *prev,
				 bool (*want)(const struct snap_chain *ch, void *arg), void *want_arg,
				 struct snap_ruleset **out)
{
	struct rule_text_sets *sets = NULL;
	struct collect_input in = { .chains = &c->chains, .rules = &c->rules, .from_kernel = true };
	struct snap_ruleset *rs;
	uint32_t gen1, gen2;
	bool same_gen;
	char *cause = NULL;
	int err;

	if (dump_heads(c, prev, &gen1, &same_gen) < 0)
		return attempt_failed(prev, errno, false, out);
	/* The chain list decides which per-chain rule dumps to run. */
	in.genid = gen1;
	in.reuse_tables = same_gen;
	in.tables = same_gen ? NULL : &c->tables;
	in.sets = same_gen ? NULL : &c->sets;
	rs = collect_ruleset_assemble_begin(&in, prev, &cause);
	if (!rs) {
		*out = failed(prev, SRC_ERROR, 0, cause);
		free(cause);
		return SNAP_FAIL;
	}
	if (!same_gen && read_sets(c, rs, &sets) < 0) {
		snapshot_ruleset_free(rs);
		return SNAP_RETRY;
	}
	err = read_rules(c, rs, prev, same_gen ? c->gen_sets : sets, same_gen, want, want_arg, &cause);
	if (!err && get_genid(c, &gen2) < 0)
		err = errno;
	if (!err && gen1 == gen2) {
		finish(c, &in, rs, prev);
		if (!same_gen) { /* the generation's sets, for text rendered later in it */
			rule_text_sets_free(c->gen_sets);
			c->gen_sets = sets;
		}
		*out = rs;
		return SNAP_OK;
	}
	rule_text_sets_free(sets);
	snapshot_ruleset_free(rs);
	if (err == EBADMSG) {
		*out = failed(prev, SRC_ERROR, 0, cause);
		free(cause);
		return SNAP_FAIL;
	}
	return err ? attempt_failed(prev, err, true, out) : SNAP_RETRY;
}

struct snap_ruleset *collect_ruleset_snapshot(struct collect_ruleset *c, const struct snap_ruleset *prev,
					      bool (*want)(const struct snap_chain *ch, void *arg), void *want_arg)
{
	struct snap_ruleset *rs = NULL;
	int i;

	if (!c->req)
		return failed(NULL, SRC_ERROR, c->open_errno, NULL);
	if (c->ev)
		collect_ruleset_events(c);
	for (i = 0; i < SNAP_RETRIES; i++) {
		if (i) {
			struct timespec ts = { 0, 5000000L << (i < 5 ? i : 5) };

			nanosleep(&ts, NULL); /* back off while the ruleset churns */
		}
		if (attempt(c, prev, want, want_arg, &rs) != SNAP_RETRY)
			return rs;
	}
	return failed(prev, SRC_CHANGING, 0, "ruleset changing: showing the last good snapshot");
}
