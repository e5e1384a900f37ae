/*
 * model-conntrack.c - counter growth and rates of conntrack flows (see
 * model-conntrack.h). The model's array follows the table's: after a sync
 * flows[i] describes t->flows[i]. The table appends new flows and moves
 * its last flow into a removed one's place, so most flows keep their
 * index; those that moved are found again by key through the table's own
 * index (ct_table_find_flow), with no second hash table.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conntrack.h"
#include "iptop.h"
#include "model-conntrack.h"

struct model_ct_flow {
	uint32_t id;              /* the key as the mirror's: id, family, */
	uint8_t family;           /* protocol, original tuple and zone */
	uint8_t proto;
	uint16_t zone;
	struct ct_tuple orig;
	bool counted;             /* seen_* hold counters (the flow had accounting) */
	bool dying;               /* dying at the previous sync */
	uint64_t seen_packets[2]; /* counters at the previous sync */
	uint64_t seen_bytes[2];
	uint64_t d_packets[2];    /* growth over the last dump ([CT_DIR_ORIG], [CT_DIR_REPLY]) */
	uint64_t d_bytes[2];
};

void model_ct_free(struct model_ct *m)
{
	free(m->flows);
	free(m->base);
	memset(m, 0, sizeof(*m));
}

static bool same_key(const struct model_ct_flow *e, const struct ct_flow *f)
{
	return e->id == f->id && e->family == f->family && e->proto == f->proto && e->zone == f->zone &&
	       memcmp(&e->orig, &f->orig, sizeof(e->orig)) == 0;
}

static void set_key(struct model_ct_flow *e, const struct ct_flow *f)
{
	memset(e, 0, sizeof(*e));
	e->id = f->id;
	e->family = f->family;
	e->proto = f->proto;
	e->zone = f->zone;
	e->orig = f->orig;
}

/* Growth of f since e's counters: all of them when e had none or they went
 * down (a reset, or the id reused). */
static void growth(struct model_ct_flow *e, const struct ct_flow *f)
{
	int d;

	for (d = 0; d < 2; d++) {
		if (e->counted && f->packets[d] >= e->seen_packets[d] && f->bytes[d] >= e->seen_bytes[d]) {
			e->d_packets[d] = f->packets[d] - e->seen_packets[d];
			e->d_bytes[d] = f->bytes[d] - e->seen_bytes[d];
		} else {
			/* first counters seen (the flow appeared by a NEW event
			 * since the last dump), or a reset */
			e->d_packets[d] = f->packets[d];
			e->d_bytes[d] = f->bytes[d];
		}
	}
}

static void take_counters(struct model_ct_flow *e, const struct ct_flow *f)
{
	memcpy(e->seen_packets, f->packets, sizeof(e->seen_packets));
	memcpy(e->seen_bytes, f->bytes, sizeof(e->seen_bytes));
	e->counted = f->has_acct;
}

/* One flow of the new table: e is what the model knew of it (NULL: new). */
static void step(struct model_ct_flow *n, const struct model_ct_flow *e, const struct ct_flow *f, bool dump,
		 bool dumped_before)
{
	if (!e) {
		set_key(n, f);
		/* appeared since the previous dump: all its traffic is new;
		 * by an event, or in the first dump: none yet */
		if (dump && dumped_before && f->has_acct)
			growth(n, f);
		take_counters(n, f);
		n->dying = f->dying;
		return;
	}
	*n = *e;
	if (e->dying && !f->dying) {
		/* seen again after it was destroyed: the id was reused */
		memset(n->d_packets, 0, sizeof(n->d_packets));
		memset(n->d_bytes, 0, sizeof(n->d_bytes));
	} else if (!f->has_acct) {
		if (dump) {
			memset(n->d_packets, 0, sizeof(n->d_packets));
			memset(n->d_bytes, 0, sizeof(n->d_bytes));
		}
	} else if (dump) {
		growth(n, f);
	}
	if (f->has_acct)
		take_counters(n, f);
	n->dying = f->dying;
}

static bool unchanged(const struct model_ct *m, const struct ct_table *t)
{
	return m->table == t && m->gen == t->gen && m->events == t->events && m->resyncs == t->resyncs &&
	       m->table_nflows == t->nflows;
}

/* Does every flow the model knows still sit at its index? The table only
 * appends, and moves a flow only into the place of one it drops. */
static bool in_place(const struct model_ct *m, const struct ct_table *t)
{
	return m->table == t && t->removed == m->removed && t->nflows >= m->nflows;
}

static void synced(struct model_ct *m, const struct ct_table *t, bool dump);

void model_ct_update(struct model_ct *m, const struct ct_table *t)
{
	struct model_ct_flow *old = m->flows;
	size_t nold = m->nflows, i;
	bool dump, *used, *done;

	if (!t) {
		m->table = NULL;
		return;
	}
	if (unchanged(m, t))
		return;
	dump = t->gen != m->gen && t->last_dump > 0;
	if (in_place(m, t)) {
		/* the usual tick: nothing moved, flows were only appended;
		 * between dumps only those are new to the model */
		if (t->nflows > m->cap) {
			m->cap = t->nflows > 2 * m->cap ? t->nflows : 2 * m->cap;
			m->flows = xreallocarray(m->flows, m->cap, sizeof(*m->flows));
			util_huge_pages(m->flows, m->cap * sizeof(*m->flows));
		}
		for (i = dump ? 0 : nold; i < t->nflows; i++)
			step(&m->flows[i], i < nold ? &m->flows[i] : NULL, &t->flows[i], dump, m->dumped);
		synced(m, t, dump);
		return;
	}
	m->cap = t->nflows ? t->nflows : 1;
	m->flows = xcalloc(m->cap, sizeof(*m->flows));
	util_huge_pages(m->flows, m->cap * sizeof(*m->flows));
	used = xcalloc(nold ? nold : 1, sizeof(*used));
	done = xcalloc(m->cap, sizeof(*done));
	/* Flows that kept their index, then those that moved, then new ones. */
	for (i = 0; i < t->nflows && i < nold; i++)
		if (same_key(&old[i], &t->flows[i])) {
			step(&m->flows[i], &old[i], &t->flows[i], dump, m->dumped);
			used[i] = done[i] = true;
		}
	for (i = 0; i < nold; i++) {
		struct ct_flow key = { .id = old[i].id, .family = old[i].family, .proto = old[i].proto,
				       .zone = old[i].zone, .orig = old[i].orig };
		const struct ct_flow *f;
		size_t pos;

		if (used[i] || !(f = ct_table_find_flow(t, &key)))
			continue;
		pos = (size_t)(f - t->flows);
		if (done[pos])
			continue;
		step(&m->flows[pos], &old[i], f, dump, m->dumped);
		done[pos] = true;
	}
	for (i = 0; i < t->nflows; i++)
		if (!done[i])
			step(&m->flows[i], NULL, &t->flows[i], dump, m->dumped);
	free(used);
	free(done);
	free(old);
	synced(m, t, dump);
}

static void synced(struct model_ct *m, const struct ct_table *t, bool dump)
{
	m->nflows = t->nflows;
	if (dump) {
		m->interval = m->dumped ? t->last_dump - m->last_dump : 0;
		m->last_dump = t->last_dump;
		m->dumped = true;
	}
	m->table = t;
	m->gen = t->gen;
	m->events = t->events;
	m->removed = t->removed;
	m->resyncs = t->resyncs;
	m->table_nflows = t->nflows;
}

static const struct model_ct_flow *known(const struct model_ct *m, const struct ct_table *t,
					const struct ct_flow *f)
{
	size_t i;

	if (!t || f < t->flows || f >= t->flows + t->nflows)
		return NULL;
	i = (size_t)(f - t->flows);
	if (i >= m->nflows)
		return NULL;
	if (unchanged(m, t) && m->removed == t->removed)
		return &m->flows[i];   /* as synced: the index is the key */
	/* the table changed since the sync: only if f is still there */
	return same_key(&m->flows[i], f) ? &m->flows[i] : NULL;
}

bool model_ct_delta(const struct model_ct *m, const struct ct_table *t, const struct ct_flow *f,
		    uint64_t d_packets[2], uint64_t d_bytes[2])
{
	const struct model_ct_flow *e = known(m, t, f);

	memset(d_packets, 0, 2 * sizeof(*d_packets));
	memset(d_bytes, 0, 2 * sizeof(*d_bytes));
	if (!e)
		return false;
	memcpy(d_packets, e->d_packets, sizeof(e->d_packets));
	memcpy(d_bytes, e->d_bytes, sizeof(e->d_bytes));
	return true;
}

double model_ct_rate(const struct model_ct *m, const struct ct_table *t, const struct ct_flow *f, int dir)
{
	const struct model_ct_flow *e;

	if (m->interval <= 0 || !(e = known(m, t, f)))
		return 0;
	if (dir >= 0)
		return (double)e->d_packets[dir] / m->interval;
	if (!f->has_acct || f->dying)
		return 0;
	return (double)(e->d_packets[0] + e->d_packets[1]) / m->interval;
}

const struct ct_flow **model_ct_sorted(const struct ct_table *t, bool with_dying, size_t *n)
{
	return ct_table_sorted(t, CT_SORT_ID, with_dying, n);
}

/* The rate order's key, copied out of the flows so that the sort compares
 * a small array in cache, not two cold flows per comparison: growth in
 * bytes over the last dump, then bytes, both down, then id up. */
struct by_rate {
	uint64_t d_bytes, bytes;
	uint32_t id;
	uint32_t pos;   /* in the table's flows */
};

static bool before(const struct by_rate *a, const struct by_rate *b)
{
	if (a->d_bytes != b->d_bytes)
		return a->d_bytes > b->d_bytes;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes;
	return a->id < b->id;
}

/* Stable (flows with one key keep the table's order, as glibc's qsort, a
 * merge sort, kept them) and with the comparison inline: at 100k flows
 * qsort's call per comparison was a sixth of `iptop -b -n 1`'s userspace
 * instructions. Runs of 16 by insertion, then merges between r and tmp. */
static void sort_by_rate(struct by_rate *r, size_t n)
{
	struct by_rate *tmp, *src = r, *dst;
	size_t i, j, w;

	for (i = 0; i < n; i += 16) {
		size_t end = i + 16 < n ? i + 16 : n;

		for (j = i + 1; j < end; j++) {
			struct by_rate x = r[j];
			size_t k = j;

			for (; k > i && before(&x, &r[k - 1]); k--)
				r[k] = r[k - 1];
			r[k] = x;
		}
	}
	if (n <= 16)
		return;
	dst = tmp = xreallocarray(NULL, n, sizeof(*tmp));
	util_huge_pages(tmp, n * sizeof(*tmp));
	for (w = 16; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			size_t a = i, am = i + w < n ? i + w : n, b = am, bm = i + 2 * w < n ? i + 2 * w : n;
			size_t o = i;

			while (a < am && b < bm)
				dst[o++] = before(&src[b], &src[a]) ? src[b++] : src[a++];
			while (a < am)
				dst[o++] = src[a++];
			while (b < bm)
				dst[o++] = src[b++];
		}
		src = dst;
		dst = src == r ? tmp : r;
	}
	if (src != r)
		memcpy(r, src, n * sizeof(*r));
	free(tmp);
}

const struct ct_flow **model_ct_by_rate(const struct model_ct *m, const struct ct_table *t, size_t *n)
{
	struct by_rate *r = xreallocarray(NULL, t->nflows ? t->nflows : 1, sizeof(*r));
	const struct ct_flow **v;
	size_t i, k = 0;

	util_huge_pages(r, t->nflows * sizeof(*r));
	for (i = 0; i < t->nflows; i++) {
		const struct ct_flow *f = &t->flows[i];
		const struct model_ct_flow *e;

		if (f->dying)
			continue;
		e = known(m, t, f);
		r[k].pos = (uint32_t)i;
		r[k].bytes = f->bytes[0] + f->bytes[1];
		r[k].id = f->id;
		r[k++].d_bytes = e ? e->d_bytes[0] + e->d_bytes[1] : 0;
	}
	sort_by_rate(r, k);
	v = xreallocarray(NULL, k ? k : 1, sizeof(*v));
	for (i = 0; i < k; i++)
		v[i] = &t->flows[r[i].pos];
	free(r);
	*n = k;
	return v;
}

const struct ct_flow *model_ct_find(const struct ct_table *t, const struct ct_flow *key)
{
	return t ? ct_table_find_flow(t, key) : NULL;
}

const struct ct_flow *model_ct_master(const struct ct_table *t, const struct ct_flow *f)
{
	return ct_table_master(t, f);
}

const struct ct_flow *model_ct_expect_master(const struct ct_table *t, const struct ct_expect *e)
{
	return ct_table_expect_master(t, e);
}

/* A flow's counters when z was pressed, keyed as the mirror keys flows:
 * ids are 32-bit hashes that get reused, the tuple and zone tell two
 * conntracks with one id apart. */
struct model_ct_base {
	uint32_t id;
	uint16_t zone;
	struct ct_tuple orig;
	uint64_t packets[2], bytes[2];
};

static int cmp_base(const void *pa, const void *pb)
{
	const struct model_ct_base *a = pa, *b = pb;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->zone != b->zone)
		return a->zone < b->zone ? -1 : 1;
	return memcmp(&a->orig, &b->orig, sizeof(a->orig));
}

void model_ct_baseline(struct model_ct *m, bool on)
{
	const struct ct_table *t = m->table;
	size_t i, n = 0;

	free(m->base);
	m->base = NULL;
	m->nbase = 0;
	m->base_gen++;
	if (!on || !t || !t->nflows)
		return;
	m->base = xcalloc(t->nflows, sizeof(*m->base));
	for (i = 0; i < t->nflows; i++) {
		const struct ct_flow *f = &t->flows[i];
		struct model_ct_base *b = &m->base[n];

		if (!f->has_acct)
			continue; /* no counters now, none later: nothing to subtract */
		b->id = f->id;
		b->zone = f->zone;
		b->orig = f->orig;
		memcpy(b->packets, f->packets, sizeof(b->packets));
		memcpy(b->bytes, f->bytes, sizeof(b->bytes));
		n++;
	}
	m->nbase = n;
	qsort(m->base, n, sizeof(*m->base), cmp_base);
}

static uint64_t since(uint64_t now, uint64_t base)
{
	return now >= base ? now - base : now; /* lower than at z: not the same conntrack */
}

void model_ct_counts(const struct model_ct *m, const struct ct_flow *f, uint64_t packets[2], uint64_t bytes[2])
{
	const struct model_ct_base *b = NULL;
	struct model_ct_base key;
	int d;

	if (m->nbase) {
		memset(&key, 0, sizeof(key));
		key.id = f->id;
		key.zone = f->zone;
		key.orig = f->orig;
		b = bsearch(&key, m->base, m->nbase, sizeof(key), cmp_base);
	}
	for (d = 0; d < 2; d++) {
		packets[d] = b ? since(f->packets[d], b->packets[d]) : f->packets[d];
		bytes[d] = b ? since(f->bytes[d], b->bytes[d]) : f->bytes[d];
	}
}
