/*
 * hashmap.c - the one hash map (hashmap.h) and hash functions:
 * model.c's rules by handle and chains by name, the legacy collector's
 * content occurrences and handle set. Linear probing in a power-of-two
 * array kept at most half full; the collectors' chain and rule indexes and
 * conntrack's flow index (the one that removes: backward-shift deletion).
 * No iteration order.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "iptop.h"

uint64_t hash_fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 1099511628211ULL;
	return h;
}

uint64_t hash_words(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t w;

	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		w *= 0x87c37b91114253d5ULL;
		w = (w << 31) | (w >> 33);
		h ^= w * 0x4cf5ad432745937fULL;
		h = ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
	}
	w = (uint64_t)n << 56;
	while (n--)
		w |= (uint64_t)b[n] << (8 * n);
	h ^= w * 0x87c37b91114253d5ULL;
	return hash_mix64(h ^ (h >> 29));
}

uint64_t hash_fnv1a_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

void hashmap_init(struct hashmap *m, size_t n)
{
	m->size = 16;
	while (m->size < n * 2)
		m->size *= 2;
	m->slot = xcalloc(m->size, sizeof(*m->slot));
	m->count = 0;
}

void hashmap_free(struct hashmap *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

static struct hashmap_slot *place(struct hashmap_slot *slot, size_t size, uint64_t hash)
{
	size_t i = (size_t)hash & (size - 1);

	while (slot[i].hash)
		i = (i + 1) & (size - 1);
	slot[i].hash = hash;
	return &slot[i];
}

static void resize(struct hashmap *m, size_t size)
{
	struct hashmap_slot *slot = xcalloc(size, sizeof(*slot));
	size_t i;

	for (i = 0; i < m->size; i++)
		if (m->slot[i].hash)
			place(slot, size, m->slot[i].hash)->val = m->slot[i].val;
	free(m->slot);
	m->slot = slot;
	m->size = size;
}

bool hashmap_reserve(struct hashmap *m, size_t n)
{
	size_t size;

	if (!m->slot) {
		hashmap_init(m, n);
		return true;
	}
	if (n * 2 <= m->size)
		return false;
	for (size = m->size; size < n * 2; size *= 2)
		;
	resize(m, size);
	return true;
}

uint64_t *hashmap_add(struct hashmap *m, uint64_t hash)
{
	struct hashmap_slot *s;

	if (!m->slot || 2 * (m->count + 1) > m->size)
		hashmap_reserve(m, m->count + 1);
	m->count++;
	s = place(m->slot, m->size, hashmap_stored(hash));
	s->val = 0;
	return &s->val;
}

uint64_t *hashmap_get(struct hashmap *m, uint64_t hash, bool *added)
{
	size_t pos;
	uint64_t *v = hashmap_find(m, hash, &pos);

	*added = !v;
	return v ? v : hashmap_add(m, hash);
}

uint64_t *hashmap_find_value(const struct hashmap *m, uint64_t hash, uint64_t val)
{
	uint64_t *v;
	size_t pos;

	for (v = hashmap_find(m, hash, &pos); v && *v != val; v = hashmap_find_next(m, hash, &pos))
		;
	return v;
}

void hashmap_remove(struct hashmap *m, uint64_t *v)
{
	const struct hashmap_slot *s = (const void *)((char *)v - offsetof(struct hashmap_slot, val));
	size_t mask = m->size - 1;
	size_t i = (size_t)(s - m->slot), j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (!m->slot[j].hash)
			break;
		k = (size_t)m->slot[j].hash & mask;
		/* j moves back to i unless its home lies cyclically in (i, j] */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			m->slot[i] = m->slot[j];
			i = j;
		}
	}
	m->slot[i].hash = 0;
	m->slot[i].val = 0;
	m->count--;
}
