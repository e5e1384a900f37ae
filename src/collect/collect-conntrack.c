/*
 * collect-conntrack.c - the conntrack mirror: parsed flows (see
 * collect-conntrack-parse.c) kept in a table keyed by conntrack id and
 * original tuple, changed by events, reconciled against full dumps, faded
 * out when destroyed. The sockets are in collect-conntrack-live.c; counter
 * growth and rates in model-conntrack.c; text and JSON in conntrack-text.c.
 *
 * Does not draw, does not decide what is on screen, does not sort for a
 * view beyond ct_table_sorted().
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "conntrack.h"

/* ---- the table ---------------------------------------------------------------- */

/* The index's hash of an id: ids are already hashes in recent kernels,
 * but older ones used a counter, so mix anyway. A bijection: equal hashes
 * are equal ids, so a probe past another flow compares only the index's
 * slot, never the flow (a cache miss in the 30 MB of a 100k table). */
static uint64_t id_hash(uint32_t id)
{
	return hash_mix64(id);
}

void ct_table_init(struct ct_table *t)
{
	memset(t, 0, sizeof(*t));
	t->status = SRC_OK;
	t->fade = CT_FADE_SECONDS;
}

void ct_table_free(struct ct_table *t)
{
	free(t->flows);
	free(t->expects);
	hashmap_free(&t->index);
	free(t->error);
	memset(t, 0, sizeof(*t));
}

void ct_table_set_status(struct ct_table *t, enum src_status st, const char *fmt, ...)
{
	va_list ap;

	t->status = st;
	free(t->error);
	t->error = NULL;
	if (!fmt)
		return;
	va_start(ap, fmt);
	t->error = xvasprintf(fmt, ap);
	va_end(ap);
}

/* The same conntrack: CTA_ID is a 32-bit hash (nf_ct_get_id(): siphash of
 * the object's address, truncated) and collides - at 50,000 flows about one
 * table in four has a pair - so the key is the id plus the original tuple
 * and zone, which never change during a flow's life. */
static bool same_flow(const struct ct_flow *a, const struct ct_flow *b)
{
	return a->id == b->id && a->family == b->family && a->proto == b->proto &&
	       a->zone == b->zone && memcmp(&a->orig, &b->orig, sizeof(a->orig)) == 0;
}

/* Room for n flows in the index, on huge pages when it is reallocated
 * (a 100k-flow table is ~30 MB and 4 MB of index, first touched during
 * the dump: 7,000 page faults at 4 KiB, a few dozen at 2 MiB). */
static void index_reserve(struct ct_table *t, size_t n)
{
	if (hashmap_reserve(&t->index, n))
		util_huge_pages(t->index.slot, t->index.size * sizeof(*t->index.slot));
}

/* The first flow with this id that is key (NULL: any). */
static struct ct_flow *index_find(const struct ct_table *t, uint32_t id, const struct ct_flow *key)
{
	uint64_t h = id_hash(id);
	const uint64_t *v;
	size_t pos;

	for (v = hashmap_find(&t->index, h, &pos); v; v = hashmap_find_next(&t->index, h, &pos))
		if (key ? same_flow(&t->flows[*v], key) : t->flows[*v].id == id)
			return &t->flows[*v];
	return NULL;
}

struct ct_flow *ct_table_find(const struct ct_table *t, uint32_t id)
{
	return index_find(t, id, NULL);
}

struct ct_flow *ct_table_find_flow(const struct ct_table *t, const struct ct_flow *key)
{
	return index_find(t, key->id, key);
}

/* Same connection end points as the master tuple a RELATED flow carries
 * (the master's original direction). */
static bool orig_is(const struct ct_flow *m, uint8_t family, uint8_t proto, const struct ct_tuple *t)
{
	size_t alen = family == AF_INET6 ? 16 : 4;

	return m->family == family && m->proto == proto && memcmp(m->orig.src.b, t->src.b, alen) == 0 &&
	       memcmp(m->orig.dst.b, t->dst.b, alen) == 0 && m->orig.sport == t->sport &&
	       m->orig.dport == t->dport;
}

bool ct_is_master_of(const struct ct_flow *m, const struct ct_flow *f)
{
	return f->has_master && orig_is(m, f->family, f->master_proto, &f->master);
}

/* The flow whose original tuple is t: a live one before a dying one. */
static const struct ct_flow *find_orig(const struct ct_table *t, uint8_t family, uint8_t proto,
				       const struct ct_tuple *tuple)
{
	const struct ct_flow *dying = NULL;
	size_t i;

	for (i = 0; i < t->nflows; i++) {
		if (!orig_is(&t->flows[i], family, proto, tuple))
			continue;
		if (!t->flows[i].dying)
			return &t->flows[i];
		dying = &t->flows[i];
	}
	return dying;
}

const struct ct_flow *ct_table_master(const struct ct_table *t, const struct ct_flow *f)
{
	return f->has_master ? find_orig(t, f->family, f->master_proto, &f->master) : NULL;
}

const struct ct_flow *ct_table_expect_master(const struct ct_table *t, const struct ct_expect *e)
{
	return find_orig(t, e->family, e->master_proto, &e->master);
}

static size_t whole_msgs(const void *buf, size_t len);

size_t ct_table_set_expects(struct ct_table *t, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh;
	int left = (int)whole_msgs(buf, len > INT32_MAX ? INT32_MAX : len);
	struct ct_expect e;

	t->nexpects = 0;
	t->has_expects = true;
	for (nlh = buf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (ct_parse_expect(nlh, &e) < 0)
			continue;
		t->expects = xreallocarray(t->expects, t->nexpects + 1, sizeof(*t->expects));
		t->expects[t->nexpects++] = e;
	}
	return t->nexpects;
}

void ct_table_reserve(struct ct_table *t, size_t n)
{
	if (n > t->cap) {
		t->cap = n;
		t->flows = xreallocarray(t->flows, t->cap, sizeof(*t->flows));
		util_huge_pages(t->flows, t->cap * sizeof(*t->flows));
	}
	index_reserve(t, n);
}

static struct ct_flow *table_insert(struct ct_table *t, const struct ct_flow *f, double now)
{
	struct ct_flow *n;

	if (t->nflows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->flows = xreallocarray(t->flows, t->cap, sizeof(*t->flows));
	}
	index_reserve(t, t->nflows + 1);
	n = &t->flows[t->nflows];
	*n = *f;
	n->first_seen = now;
	n->dying = false;
	n->dying_since = 0;
	n->is_new = t->gen > 0;   /* the first fill is not news */
	n->added_gen = t->gen;
	n->seen_dump = 0;
	*hashmap_add(&t->index, id_hash(n->id)) = t->nflows;
	t->nflows++;
	t->count++;
	return n;
}

static void table_remove_at(struct ct_table *t, size_t pos)
{
	size_t last = t->nflows - 1;

	if (!t->flows[pos].dying)
		t->count--;
	hashmap_remove(&t->index, hashmap_find_value(&t->index, id_hash(t->flows[pos].id), pos));
	if (pos != last) {
		*hashmap_find_value(&t->index, id_hash(t->flows[last].id), last) = pos;
		t->flows[pos] = t->flows[last];
	}
	t->nflows--;
	t->removed++;
}

static void set_dying(struct ct_table *t, struct ct_flow *o, double now)
{
	if (o->dying)
		return;
	o->dying = true;
	o->dying_since = now;
	t->count--;
}

static void counters_from(struct ct_flow *o, const struct ct_flow *f)
{
	memcpy(o->packets, f->packets, sizeof(o->packets));
	memcpy(o->bytes, f->bytes, sizeof(o->bytes));
	o->has_acct = true;
}

/* A flow seen again after it was destroyed: the id was reused. */
static void revive(struct ct_table *t, struct ct_flow *o, const struct ct_flow *f, double now)
{
	uint32_t seen = o->seen_dump;

	*o = *f;
	o->first_seen = now;
	o->is_new = true;
	o->added_gen = t->gen;
	o->seen_dump = seen;
	t->count++;
}

void ct_table_apply_event(struct ct_table *t, const struct ct_flow *f, enum ct_msg kind,
			  double now)
{
	struct ct_flow *o = ct_table_find_flow(t, f);

	t->events++;
	switch (kind) {
	case CT_MSG_NEW:
	case CT_MSG_UPDATE:
		if (!o) {
			table_insert(t, f, now);
		} else if (o->dying) {
			revive(t, o, f, now);
		} else if (kind == CT_MSG_UPDATE) {
			/* Events may be older than the last dump (they queue
			 * while it runs); take what they carry, keep counters
			 * unless they have some. A NEW for a known flow adds
			 * nothing the dump did not. */
			o->has_state = f->has_state;
			o->state = f->state;
			o->status = f->status;
			o->mark = f->mark;
			if (f->has_timeout) {
				o->has_timeout = true;
				o->timeout = f->timeout;
			}
			o->nat = ct_nat_kind(o);
			if (f->has_acct)
				counters_from(o, f);
		}
		break;
	case CT_MSG_DESTROY:
		if (!o) {
			/* destroyed before we saw it: show it fading anyway */
			o = table_insert(t, f, now);
		} else if (o->dying) {
			break;
		}
		if (f->has_acct)
			counters_from(o, f);   /* DESTROY carries the final counters */
		o->has_timeout = false;
		set_dying(t, o, now);
		break;
	default:
		break;
	}
}

struct apply_ctx {
	struct ct_table *t;
	double now;
	bool dump;
	size_t n;
	size_t bad;
};

static int apply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct apply_ctx *ctx = data;
	struct ct_flow f;
	enum ct_msg kind;

	if (ct_parse_msg(nlh, &f, &kind) < 0) {
		if (kind != CT_MSG_OTHER)
			ctx->bad++;
		return MNL_CB_OK;
	}
	if (ctx->dump)
		ct_table_dump_flow(ctx->t, &f, ctx->now);
	else
		ct_table_apply_event(ctx->t, &f, kind, ctx->now);
	ctx->n++;
	return MNL_CB_OK;
}

/* The complete messages at the start of buf. libmnl 1.0.4's
 * mnl_nlmsg_ok() compares (int)nlmsg_len <= len, so a length of 2 GiB or
 * more (a corrupt recording) passes and mnl_cb_run() reads far past the
 * buffer, or loops forever on a length that aligns to 0. */
static size_t whole_msgs(const void *buf, size_t len)
{
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)((const char *)buf + off);

		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len - off)
			break;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
		if (off >= len)
			return len;
	}
	return off;
}

int ct_table_apply_buf(struct ct_table *t, const void *buf, size_t len, double now,
		       bool dump, unsigned int seq, unsigned int portid, size_t *n)
{
	struct apply_ctx ctx = { .t = t, .now = now, .dump = dump };
	int r = mnl_cb_run(buf, whole_msgs(buf, len), seq, portid, apply_cb, &ctx);

	if (n)
		*n = ctx.n;
	return r;
}

size_t ct_table_apply_events(struct ct_table *t, const void *buf, size_t len, double now)
{
	size_t n;

	ct_table_apply_buf(t, buf, len, now, false, 0, 0, &n);
	return n;
}

void ct_table_dump_begin(struct ct_table *t, bool resync)
{
	t->dump_gen++;
	if (t->dump_gen == 0)   /* 0 means "never listed" */
		t->dump_gen = 1;
	t->in_dump = true;
	t->dump_resync = resync;
	t->dump_added = 0;
	t->dump_next = 0;
}

/* A dump lists flows in the kernel's hash order, which changes little
 * between dumps, and the mirror keeps the order it first saw: the flow
 * after the last one matched is usually the next one dumped. Checking it
 * first reads the mirror in order instead of the index at random. */
static struct ct_flow *dump_find(struct ct_table *t, const struct ct_flow *f)
{
	if (t->dump_next < t->nflows && same_flow(&t->flows[t->dump_next], f))
		return &t->flows[t->dump_next];
	return ct_table_find_flow(t, f);
}

void ct_table_dump_flow(struct ct_table *t, const struct ct_flow *f, double now)
{
	struct ct_flow *o = dump_find(t, f);
	struct ct_flow old;

	if (!o) {
		o = table_insert(t, f, now);
		t->dump_added++;
	} else if (o->dying) {
		revive(t, o, f, now);
		t->dump_added++;
	} else {
		/* the dump is authoritative: take everything but our own
		 * bookkeeping */
		old = *o;
		*o = *f;
		o->first_seen = old.first_seen;
		o->is_new = old.is_new;
		o->added_gen = old.added_gen;
	}
	o->seen_dump = t->dump_gen;
	t->dump_next = (size_t)(o - t->flows) + 1;
}

void ct_table_dump_end(struct ct_table *t, bool complete, double now)
{
	size_t i, removed = 0;
	struct ct_flow *o;

	if (!t->in_dump)
		return;
	t->in_dump = false;
	if (!complete)
		return;
	for (i = 0; i < t->nflows; i++) {
		o = &t->flows[i];
		if (!o->dying && o->seen_dump != t->dump_gen) {
			set_dying(t, o, now);
			removed++;
		}
		/* appeared since the previous snapshot (by event or by this
		 * dump); the first snapshot has no news */
		o->is_new = t->gen > 0 && o->added_gen == t->gen;
	}
	if (t->dump_resync)
		t->events_lost += t->dump_added + removed;
	t->gen++;
	t->last_dump = now;
}

size_t ct_table_apply_dump(struct ct_table *t, const void *buf, size_t len, double now)
{
	size_t n;

	ct_table_dump_begin(t, false);
	ct_table_apply_buf(t, buf, len, now, true, 0, 0, &n);
	ct_table_dump_end(t, true, now);
	return n;
}

void ct_table_expire(struct ct_table *t, double now)
{
	size_t i = 0;

	while (i < t->nflows) {
		if (t->flows[i].dying && now - t->flows[i].dying_since >= t->fade)
			table_remove_at(t, i);   /* the last one moved to i */
		else
			i++;
	}
}

static uint64_t total_bytes(const struct ct_flow *f)
{
	return f->bytes[0] + f->bytes[1];
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int cmp_id(const struct ct_flow *a, const struct ct_flow *b)
{
	return CMP(a->id, b->id);
}

static int cmp_bytes(const void *pa, const void *pb)
{
	const struct ct_flow *a = *(const struct ct_flow *const *)pa;
	const struct ct_flow *b = *(const struct ct_flow *const *)pb;
	int c = CMP(total_bytes(b), total_bytes(a));

	return c ? c : cmp_id(a, b);
}

static int cmp_age(const void *pa, const void *pb)
{
	const struct ct_flow *a = *(const struct ct_flow *const *)pa;
	const struct ct_flow *b = *(const struct ct_flow *const *)pb;
	int c = CMP(b->first_seen, a->first_seen);

	return c ? c : cmp_id(a, b);
}

static int cmp_ids(const void *pa, const void *pb)
{
	return cmp_id(*(const struct ct_flow *const *)pa, *(const struct ct_flow *const *)pb);
}

const struct ct_flow **ct_table_sorted(const struct ct_table *t, enum ct_sort key,
				       bool with_dying, size_t *n)
{
	const struct ct_flow **v = xreallocarray(NULL, t->nflows ? t->nflows : 1, sizeof(*v));
	size_t i, k = 0;
	int (*cmp)(const void *, const void *);

	for (i = 0; i < t->nflows; i++) {
		if (with_dying || !t->flows[i].dying)
			v[k++] = &t->flows[i];
	}
	*n = k;
	switch (key) {
	case CT_SORT_BYTES: cmp = cmp_bytes; break;
	case CT_SORT_AGE: cmp = cmp_age; break;
	default: cmp = cmp_ids; break;
	}
	qsort(v, k, sizeof(*v), cmp);
	return v;
}

int ct_table_check(const struct ct_table *t, char **why)
{
	size_t i, live = 0, slots = 0;

	for (i = 0; i < t->nflows; i++) {
		if (!t->flows[i].dying)
			live++;
		if (ct_table_find_flow(t, &t->flows[i]) != &t->flows[i]) {
			*why = xasprintf("flow %zu (id %u) not found by its key", i, t->flows[i].id);
			return -1;
		}
	}
	for (i = 0; i < t->index.size; i++)
		slots += t->index.slot[i].hash != 0;
	if (slots != t->nflows) {
		*why = xasprintf("%zu index slots for %zu flows", slots, t->nflows);
		return -1;
	}
	if (live != t->count) {
		*why = xasprintf("count %zu but %zu live flows", t->count, live);
		return -1;
	}
	return 0;
}
