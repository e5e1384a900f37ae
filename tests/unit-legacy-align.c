/*
 * unit-legacy-align.c - identity of iptables-legacy rules across snapshots
 * (collect_legacy_align_chain) on synthetic chains: an identical rule
 * inserted above or below, deleted above or below, churn that looks like
 * a swap, counters zeroed by iptables -Z, fresh handles; then a simulated
 * churn of identical rules, counting and terminal, with packets walking
 * the chain as x_tables does: no delta is ever negative or more than the
 * packets sent, handles stay unique.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect-legacy.h"
#include "iptop.h"
#include "unit.h"

/* A chain from "A10 A3 B0": rule text key A or B, packets (bytes are
 * 100 per packet); handles as a first snapshot gives them. */
static void mk(struct snap_chain *ch, const char *spec)
{
	uint32_t occ[26] = { 0 };
	const char *p = spec;

	memset(ch, 0, sizeof(*ch));
	ch->legacy = true;
	ch->rules = xcalloc(32, sizeof(*ch->rules));
	while (*p) {
		struct snap_rule *r = &ch->rules[ch->nrules++];
		char *end;

		r->content = 0x1000 + (uint64_t)(*p - 'A');
		r->counted = true;
		r->packets = strtoull(p + 1, &end, 10);
		r->bytes = r->packets * 100;
		r->handle = collect_legacy_handle(r->content, occ[*p - 'A']++);
		p = end;
		while (*p == ' ')
			p++;
	}
}

/* Align new against old; what each new rule continues: the old index, or
 * '-' for a new rule ("-0": the first is new, the second was old rule 0). */
static void expect(const char *old, const char *new, const char *want, int line)
{
	struct snap_chain o, n;
	char got[33];
	size_t i, j;

	mk(&o, old);
	mk(&n, new);
	collect_legacy_align_chain(&n, &o);
	for (i = 0; i < n.nrules; i++) {
		got[i] = '-';
		for (j = 0; j < o.nrules; j++)
			if (n.rules[i].handle == o.rules[j].handle)
				got[i] = (char)('0' + j);
		if (got[i] == '-')	/* a new rule takes no handle the old chain had */
			for (j = 0; j < o.nrules; j++)
				CHECK(n.rules[i].handle != o.rules[j].handle);
		for (j = 0; j < i; j++)
			CHECK(n.rules[i].handle != n.rules[j].handle);
		CHECK(n.rules[i].position == (i ? n.rules[i - 1].handle : 0));
		CHECK(n.rules[i].handle & COLLECT_LEGACY_HANDLE_BIT);
	}
	got[n.nrules] = '\0';
	if (strcmp(got, want) != 0)
		fprintf(stderr, "line %d: [%s] -> [%s]: got %s, want %s\n", line, old, new, got, want);
	CHECK_STR(got, want);
	free(o.rules);
	free(n.rules);
}
#define EXPECT(o, n, w) expect(o, n, w, __LINE__)

static void test_cases(void)
{
	/* unchanged, and counting */
	EXPECT("A10 B3 A0", "A12 B3 A0", "012");
	/* the repro: an identical rule inserted above counts 10
	 * packets, the old one too; then the inserted one goes */
	EXPECT("A1000", "A10 A1010", "-0");
	EXPECT("A10 A1010", "A1020", "1");
	/* inserted above a terminal twin: the old one counts nothing more */
	EXPECT("A1000", "A5 A1000", "-0");
	/* appended below: counting twin, terminal twin */
	EXPECT("A1000", "A1010 A10", "0-");
	EXPECT("A1000", "A1010 A0", "0-");
	/* deleted above, deleted below */
	EXPECT("A1010 A10", "A15", "1");
	EXPECT("A1010 A10", "A1020", "0");
	EXPECT("A500 A30 A7", "A500 A7", "02");
	/* looks like a swap: the 10 stayed (lower now), the 3 went, a new
	 * terminal twin above took 3 packets */
	EXPECT("A10 A3", "A3 A10", "-0");
	/* a rule deleted and an identical one inserted between snapshots: the
	 * old twin's count must not go to a rule that could not have it */
	EXPECT("A4 A0", "A6 A16", "-0");
	/* other rules around do not matter */
	EXPECT("B7 A1000 B2", "A3 B7 A1003 B2 A3", "-012-");
	/* iptables -Z: every counter of the key went down: resets, in order */
	EXPECT("A10 A3 B4", "A0 A1 B0", "012");
	/* -Z with more traffic than A had: A continues; B was zeroed */
	EXPECT("A10 B4", "A12 B1", "01");
	/* nothing counted yet: in order, as a first snapshot pairs them */
	EXPECT("A0", "A0 A0", "0-");
	EXPECT("A0 A0", "A0", "0");
	/* a counter that went down while a twin kept its count: a new rule */
	EXPECT("A10 A20", "A0 A20", "-1");
	/* empty chains */
	EXPECT("", "A5", "-");
	EXPECT("A5", "", "");
}

/* ---- simulated churn ------------------------------------------------------ */

struct sim_rule {
	int key;          /* 0: counting (no target), 1: terminal (-j ACCEPT) */
	int id;           /* the truth: which rule this is */
	uint64_t packets;
};

static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static void sim_snapshot(struct snap_chain *ch, const struct sim_rule *r, size_t n)
{
	uint32_t occ[2] = { 0, 0 };
	size_t i;

	memset(ch, 0, sizeof(*ch));
	ch->legacy = true;
	ch->nrules = n;
	ch->rules = xcalloc(n ? n : 1, sizeof(*ch->rules));
	for (i = 0; i < n; i++) {
		ch->rules[i].content = 0x2000 + (uint64_t)r[i].key;
		ch->rules[i].counted = true;
		ch->rules[i].packets = r[i].packets;
		ch->rules[i].bytes = r[i].packets * 84;
		ch->rules[i].handle = collect_legacy_handle(ch->rules[i].content, occ[r[i].key]++);
	}
}

/* The k-th rule of key key in prev, as occurrence handles pair them. */
static long kth(const struct snap_chain *ch, uint64_t key, size_t k)
{
	size_t i;

	for (i = 0; i < ch->nrules; i++)
		if (ch->rules[i].content == key && k-- == 0)
			return (long)i;
	return -1;
}

static void test_churn(void)
{
	struct sim_rule r[64] = { { 0, 0, 0 } };
	struct snap_chain prev, cur;
	int prev_id[64];
	size_t n = 0, i, j, steps, bad = 0, old = 0, exact = 0, exact_occ = 0;
	int next_id = 0;

	sim_snapshot(&prev, r, 0);
	for (steps = 0; steps < 3000; steps++) {
		uint64_t sent = 0, d, shown;
		size_t occ[2] = { 0, 0 };
		int k;

		for (k = (int)rnd(4); k >= 0; k--) {	/* a few changes */
			size_t at = rnd((uint32_t)n + 1);

			if (n > 1 && rnd(2)) {
				at = rnd((uint32_t)n);
				memmove(&r[at], &r[at + 1], (n - at - 1) * sizeof(*r));
				n--;
			} else if (n < 40) {
				memmove(&r[at + 1], &r[at], (n - at) * sizeof(*r));
				r[at].key = rnd(3) == 0;
				r[at].id = next_id++;
				r[at].packets = 0;
				n++;
			}
			for (j = rnd(3); j > 0; j--, sent++)	/* packets between changes */
				for (i = 0; i < n; i++) {
					r[i].packets++;
					if (r[i].key)
						break;
				}
		}
		sim_snapshot(&cur, r, n);
		collect_legacy_align_chain(&cur, &prev);
		for (i = 0; i < n; i++) {
			long was = -1, same = -1, o = kth(&prev, cur.rules[i].content, occ[r[i].key]++);

			for (j = 0; j < prev.nrules; j++) {
				if (prev_id[j] == r[i].id)
					was = (long)j;
				if (cur.rules[i].handle == prev.rules[j].handle)
					same = (long)j;
			}
			for (j = 0; j < i; j++)
				bad += cur.rules[i].handle == cur.rules[j].handle;
			if (same >= 0) {
				/* the model's delta: from zero after a reset */
				d = cur.rules[i].packets >= prev.rules[same].packets ?
				    cur.rules[i].packets - prev.rules[same].packets : cur.rules[i].packets;
				if (d > sent) {
					fprintf(stderr, "step %zu: rule %zu delta %llu, %llu sent\n", steps, i,
						(unsigned long long)d, (unsigned long long)sent);
					bad++;
				}
			}
			if (was < 0)
				continue;
			/* a rule that was there: is the delta shown (0 for a rule
			 * seen as new) the packets it counted? and with the k-th
			 * occurrence pairing alone? */
			d = cur.rules[i].packets - prev.rules[was].packets;
			shown = same < 0 ? 0 : cur.rules[i].packets >= prev.rules[same].packets ?
				cur.rules[i].packets - prev.rules[same].packets : cur.rules[i].packets;
			old++;
			exact += shown == d;
			exact_occ += (o < 0 ? 0 : cur.rules[i].packets >= prev.rules[o].packets ?
				      cur.rules[i].packets - prev.rules[o].packets : cur.rules[i].packets) == d;
		}
		free(prev.rules);
		prev = cur;
		for (i = 0; i < n; i++)
			prev_id[i] = r[i].id;
	}
	free(prev.rules);
	fprintf(stderr, "churn: %zu rules stayed; delta right for %zu (by occurrence alone: %zu)\n", old, exact,
		exact_occ);
	CHECK_INT(bad, 0);
	CHECK(old > 10000);
	CHECK(exact * 100 > old * 95);
	CHECK(exact > exact_occ);
}

int main(void)
{
	test_cases();
	test_churn();
	return unit_status("unit-legacy-align");
}
