/*
 * hashmap.h - one open-addressing hash map (linear probing) from a 64-bit
 * hash to a 64-bit value, and the hash functions iptop uses (FNV-1a, and
 * finalizers that spread its weak high bits). The map keeps hashes, not
 * keys: a caller whose keys can collide checks each entry with the same
 * hash against its own data (an index is the usual value).
 *
 * Removal is backward-shift deletion, not tombstones: the entries after the
 * removed one in its run move back to where a probe from their home finds
 * them first. A find never walks past dead slots, the load stays the live
 * count, and nothing has to be swept; conntrack's mirror (which removes a
 * flow per fade-out, tens of thousands at once after a flood) used exactly
 * this before it used the map.
 */
#ifndef IPTOP_HASHMAP_H
#define IPTOP_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASH_FNV1A_INIT 14695981039346656037ULL /* FNV-1a 64 offset basis */

/* FNV-1a over n bytes, continuing from h (HASH_FNV1A_INIT to start). */
uint64_t hash_fnv1a(uint64_t h, const void *p, size_t n);
/* The same over a NUL-terminated string (without its NUL). */
uint64_t hash_fnv1a_str(uint64_t h, const char *s);
/* Eight bytes a step (a murmur-like round per word, the tail packed with
 * its length), continuing from h: for long keys on a hot path, where
 * FNV-1a's byte loop costs. Not the same values as hash_fnv1a. */
uint64_t hash_words(uint64_t h, const void *p, size_t n);
/* murmur3's 64-bit finalizer, first half (what model.c always used).
 * Inline, as the lookups below: they run per flow of a 100k dump. */
static inline uint64_t hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* splitmix64's finalizer. */
static inline uint64_t hash_mix64(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

struct hashmap_slot {
	uint64_t hash;   /* 0: empty (a hash of 0 is stored as 1) */
	uint64_t val;
};

struct hashmap {
	struct hashmap_slot *slot;
	size_t size;     /* a power of two, at least twice count */
	size_t count;
};

/* An empty map with room for n entries before it grows. */
void hashmap_init(struct hashmap *m, size_t n);
void hashmap_free(struct hashmap *m);
/* Adds an entry (equal hashes may repeat); returns its value to set. */
uint64_t *hashmap_add(struct hashmap *m, uint64_t hash);

/* What a slot holds for a hash: 0 marks an empty slot, so 0 is kept as 1. */
static inline uint64_t hashmap_stored(uint64_t hash)
{
	return hash ? hash : 1;
}

/* The next entry's value with this hash from *pos on, or NULL. */
static inline uint64_t *hashmap_find_next(const struct hashmap *m, uint64_t hash, size_t *pos)
{
	uint64_t h = hashmap_stored(hash);
	size_t i = *pos;

	if (!m->slot)
		return NULL;
	while (m->slot[i].hash) {
		size_t at = i;

		i = (i + 1) & (m->size - 1);
		if (m->slot[at].hash == h) {
			*pos = i;
			return &m->slot[at].val;
		}
	}
	*pos = i;
	return NULL;
}

/* The first entry's value with this hash, or NULL; *pos then walks on
 * with hashmap_find_next. */
static inline uint64_t *hashmap_find(const struct hashmap *m, uint64_t hash, size_t *pos)
{
	*pos = m->slot ? (size_t)hashmap_stored(hash) & (m->size - 1) : 0;
	return hashmap_find_next(m, hash, pos);
}

/* The value of the entry with this hash, added as 0 if there is none
 * (*added says which): for maps whose hash is the whole key. */
uint64_t *hashmap_get(struct hashmap *m, uint64_t hash, bool *added);
/* The entry with this hash and this value, or NULL: the one entry among
 * equal hashes that names a given object, to change its value in place
 * (the object moved) or to remove it. */
uint64_t *hashmap_find_value(const struct hashmap *m, uint64_t hash, uint64_t val);
/* Removes the entry whose value v points at (as returned by add, find or
 * get). Entries after it may move: other value pointers into the map and
 * a find_next walk in progress are stale afterwards. */
void hashmap_remove(struct hashmap *m, uint64_t *v);
/* Room for n entries before the map grows; true when the slots were
 * reallocated (for a caller that advises the kernel about them). */
bool hashmap_reserve(struct hashmap *m, size_t n);

#endif
