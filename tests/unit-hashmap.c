/*
 * unit-hashmap.c - the one hash map (src/base/hashmap.c): colliding
 * hashes, growth, hash 0, reserve, removal (backward shift) inside a run
 * and across the table's end, values changed in place, and many random
 * operations checked against a plain array; FNV-1a's test vectors.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "iptop.h"
#include "unit.h"

/* The values of every entry with this hash, as a bit set (values < 64). */
static uint64_t values_of(const struct hashmap *m, uint64_t hash)
{
	uint64_t seen = 0;
	uint64_t *v;
	size_t pos;

	for (v = hashmap_find(m, hash, &pos); v; v = hashmap_find_next(m, hash, &pos))
		seen |= 1ull << *v;
	return seen;
}

/* Slots in use: what count says, and nothing left behind by a removal. */
static size_t used_slots(const struct hashmap *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->size; i++)
		n += m->slot[i].hash != 0;
	return n;
}

static void test_add_find(void)
{
	struct hashmap m = { NULL, 0, 0 };
	uint64_t *v;
	size_t pos, i;
	bool added;

	/* equal hashes are kept apart and all found */
	for (i = 0; i < 3; i++)
		*hashmap_add(&m, 42) = i + 1;
	CHECK_INT(values_of(&m, 42), 0xe);
	CHECK(hashmap_find(&m, 43, &pos) == NULL);
	/* growth keeps every entry */
	for (i = 1; i <= 1000; i++)
		*hashmap_add(&m, hash_mix(i)) = i;
	CHECK_INT(m.count, 1003);
	CHECK(m.size >= 2 * m.count);
	for (i = 1; i <= 1000; i++) {
		v = hashmap_find(&m, hash_mix(i), &pos);
		CHECK(v && *v == i);
	}
	/* get: a count per key, hash 0 included */
	(*hashmap_get(&m, 0, &added))++;
	CHECK(added);
	(*hashmap_get(&m, 0, &added))++;
	CHECK(!added);
	CHECK_INT(*hashmap_get(&m, 0, &added), 2);
	hashmap_free(&m);
	CHECK(m.slot == NULL);
	/* FNV-1a's published test vectors */
	CHECK(hash_fnv1a(HASH_FNV1A_INIT, "", 0) == 0xcbf29ce484222325ULL);
	CHECK(hash_fnv1a(HASH_FNV1A_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
	CHECK(hash_fnv1a_str(HASH_FNV1A_INIT, "foobar") == 0x85944171f73967e8ULL);
}

static void test_reserve(void)
{
	struct hashmap m = { NULL, 0, 0 };
	size_t i;

	CHECK(hashmap_reserve(&m, 100));
	CHECK_INT(m.size, 256);
	CHECK(!hashmap_reserve(&m, 128));
	for (i = 0; i < 128; i++)
		*hashmap_add(&m, i * 7) = i;
	CHECK_INT(m.size, 256);   /* no growth within the reservation */
	CHECK(hashmap_reserve(&m, 129));
	CHECK_INT(m.size, 512);
	for (i = 0; i < 128; i++)
		CHECK(hashmap_find_value(&m, i * 7, i) != NULL);
	CHECK(hashmap_find_value(&m, 7, 2) == NULL);
	hashmap_free(&m);
}

/* Removal from the middle and the ends of a run of equal and of
 * neighbouring hashes; values changed in place. */
static void test_remove(void)
{
	struct hashmap m = { NULL, 0, 0 };
	size_t pos;
	uint64_t i;

	hashmap_init(&m, 8);
	CHECK_INT(m.size, 16);
	/* homes 3 3 3 4 3 5: one run from slot 3 to slot 8 */
	*hashmap_add(&m, 3) = 1;
	*hashmap_add(&m, 3 + 16) = 2;
	*hashmap_add(&m, 3) = 3;
	*hashmap_add(&m, 4) = 4;
	*hashmap_add(&m, 3) = 5;
	*hashmap_add(&m, 5) = 6;
	hashmap_remove(&m, hashmap_find_value(&m, 3, 1));   /* the run's head */
	CHECK_INT(m.count, 5);
	CHECK_INT(used_slots(&m), 5);
	CHECK_INT(values_of(&m, 3), 1u << 3 | 1u << 5);
	CHECK_INT(values_of(&m, 3 + 16), 1u << 2);
	CHECK_INT(values_of(&m, 4), 1u << 4);
	CHECK_INT(values_of(&m, 5), 1u << 6);
	/* the run now starts at its home: nothing may sit before slot 3 */
	CHECK(m.slot[3].hash == 3 + 16 && m.slot[3].val == 2);
	hashmap_remove(&m, hashmap_find_value(&m, 4, 4));   /* inside */
	CHECK_INT(values_of(&m, 3), 1u << 3 | 1u << 5);
	CHECK_INT(values_of(&m, 5), 1u << 6);
	hashmap_remove(&m, hashmap_find_value(&m, 5, 6));   /* the tail */
	CHECK_INT(values_of(&m, 3), 1u << 3 | 1u << 5);
	CHECK_INT(used_slots(&m), 3);
	/* a value changed in place: found with its hash under the new value */
	*hashmap_find_value(&m, 3, 5) = 7;
	CHECK_INT(values_of(&m, 3), 1u << 3 | 1u << 7);
	CHECK(hashmap_find_value(&m, 3, 5) == NULL);
	/* hash 0 is stored as 1: both kept, each removable */
	*hashmap_add(&m, 0) = 8;
	*hashmap_add(&m, 1) = 9;
	hashmap_remove(&m, hashmap_find_value(&m, 0, 8));
	CHECK(hashmap_find_value(&m, 1, 9) != NULL);
	CHECK(hashmap_find_value(&m, 0, 8) == NULL);
	/* empty it: nothing is found, nothing is left */
	hashmap_remove(&m, hashmap_find_value(&m, 1, 9));
	hashmap_remove(&m, hashmap_find_value(&m, 3, 3));
	hashmap_remove(&m, hashmap_find_value(&m, 3, 7));
	hashmap_remove(&m, hashmap_find_value(&m, 3 + 16, 2));
	CHECK_INT(m.count, 0);
	CHECK_INT(used_slots(&m), 0);
	CHECK(hashmap_find(&m, 3, &pos) == NULL);
	for (i = 0; i < 4; i++)   /* and it is usable again */
		*hashmap_add(&m, 3) = i;
	CHECK_INT(values_of(&m, 3), 0xf);
	hashmap_free(&m);
}

/* A run that wraps from the table's last slots to its first. */
static void test_wrap(void)
{
	struct hashmap m = { NULL, 0, 0 };

	hashmap_init(&m, 8);
	/* homes 14 15 14 15 0 → slots 14 15 0 1 2 */
	*hashmap_add(&m, 14) = 1;
	*hashmap_add(&m, 15) = 2;
	*hashmap_add(&m, 14 + 32) = 3;
	*hashmap_add(&m, 15 + 64) = 4;
	*hashmap_add(&m, 16) = 5;
	CHECK(m.slot[0].val == 3 && m.slot[1].val == 4 && m.slot[2].val == 5);
	/* slot 15 empties: 3 (home 14) moves back to it, 4 (home 15) to 0,
	 * 5 (home 0) to 1 */
	hashmap_remove(&m, hashmap_find_value(&m, 15, 2));
	CHECK(m.slot[15].val == 3 && m.slot[0].val == 4 && m.slot[1].val == 5 && !m.slot[2].hash);
	CHECK_INT(values_of(&m, 14), 1u << 1);
	CHECK_INT(values_of(&m, 14 + 32), 1u << 3);
	CHECK_INT(values_of(&m, 15 + 64), 1u << 4);
	CHECK_INT(values_of(&m, 16), 1u << 5);
	/* slot 0 (home 15) empties: 5 (home 0) moves back to it */
	hashmap_remove(&m, hashmap_find_value(&m, 15 + 64, 4));
	CHECK(m.slot[0].val == 5 && !m.slot[1].hash);
	/* slot 14 empties: 3 (home 14) moves back to it, 5 stays at its home 0 */
	hashmap_remove(&m, hashmap_find_value(&m, 14, 1));
	CHECK(m.slot[14].val == 3 && !m.slot[15].hash && m.slot[0].val == 5);
	CHECK_INT(values_of(&m, 14 + 32), 1u << 3);
	CHECK_INT(values_of(&m, 16), 1u << 5);
	CHECK_INT(used_slots(&m), 2);
	hashmap_free(&m);
}

/* Random adds, removals and value changes, checked against a plain array.
 * Hashes are few and crowd the table's first and last slots (~k keeps its
 * home at the end whatever the size), so runs are long and wrap. */
static void test_random(void)
{
	enum { MAX = 400, OPS = 200000 };
	static struct { uint64_t hash, val; } e[MAX];
	struct hashmap m = { NULL, 0, 0 };
	uint64_t x = 88172645463325252ull, next_val = 0;
	size_t n = 0, op, bad = 0;

	for (op = 0; op < OPS; op++) {
		uint64_t r, h, *v, want, got;
		size_t i, pos;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r = x >> 8;
		h = (r & 1) ? (r >> 1) % 24 : ~((r >> 1) % 12);
		if (n < MAX && (n == 0 || r % 10 < 5)) {          /* add */
			*hashmap_add(&m, h) = next_val;
			e[n].hash = h;
			e[n++].val = next_val++;
		} else if (r % 10 < 8) {                          /* remove */
			i = (size_t)(r >> 20) % n;
			v = hashmap_find_value(&m, e[i].hash, e[i].val);
			bad += !v;
			if (v)
				hashmap_remove(&m, v);
			e[i] = e[--n];
		} else {                                          /* change a value */
			i = (size_t)(r >> 20) % n;
			v = hashmap_find_value(&m, e[i].hash, e[i].val);
			bad += !v;
			if (v)
				*v = e[i].val = next_val++;
		}
		/* the entries of one hash: the same count, the same values */
		want = got = 0;
		for (i = 0; i < n; i++)
			if ((e[i].hash ? e[i].hash : 1) == (h ? h : 1))
				want += e[i].val * 2654435761u + 1;
		for (v = hashmap_find(&m, h, &pos); v; v = hashmap_find_next(&m, h, &pos))
			got += *v * 2654435761u + 1;
		bad += want != got;
		if (op % 1000 == 0 || op == OPS - 1) {
			for (i = 0; i < n; i++)
				bad += hashmap_find_value(&m, e[i].hash, e[i].val) == NULL;
			bad += m.count != n || used_slots(&m) != n;
		}
	}
	CHECK_INT(bad, 0);
	CHECK(next_val > OPS / 2);
	hashmap_free(&m);
}

int main(void)
{
	test_add_find();
	test_reserve();
	test_remove();
	test_wrap();
	test_random();
	return unit_status("unit-hashmap");
}
