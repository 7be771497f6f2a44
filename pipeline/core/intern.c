/* intern.c — string interning and the string hash (intern.h). */
#include "minqing/core/intern.h"

#include "minqing/core/bytes.h"

#include "minqing/core/arena.h"
#include "minqing/core/buf.h"
#include "minqing/core/hashmap.h"

#include <stdlib.h>
#include <string.h>

/* ---- interning: the hash table of ids (hashmap.h) ---- */

/* Eight bytes a step, read little-endian so a hash is the same on every
 * machine (partial files carry one). */

uint64_t mq_hash(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ (len * 0x9E3779B97F4A7C15ULL);
	while (len >= 8) {
		h = (h ^ mq_load_le(p, 8)) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
		p += 8;
		len -= 8;
	}
	h = (h ^ mq_load_le(p, len)) * 0x94d049bb133111ebULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

/* Each string lies in the arena after its hash and length: an id's slot
 * leads to strs[id] and from there to one cache line holding the hash
 * (compared first), the length and the bytes. With many strings
 * (households) the table is out of cache and every memory access counts;
 * mq_intern_prefetch starts the loads early. */
struct intern_key {
	const char *s;
	size_t len;
	uint64_t h;
};

struct mq_intern {
	struct mq_arena *arena;
	struct mq_hashmap map;   /* entry = id */
	const char **strs;       /* id -> string */
	int32_t count;
	size_t alloc;            /* allocated entries of strs */
};

#define INTERN_HEAD (sizeof(uint64_t) + sizeof(uint32_t))

static uint64_t intern_hash_of(const char *str)
{
	uint64_t h;
	memcpy(&h, str - INTERN_HEAD, sizeof h);
	return h;
}

static uint32_t intern_len(const char *str)
{
	uint32_t len;
	memcpy(&len, str - sizeof len, sizeof len);
	return len;
}

static uint64_t intern_entry_hash(void *ctx, uint32_t id)
{
	const struct mq_intern *t = ctx;
	return intern_hash_of(t->strs[id]);
}

static int intern_equal(void *ctx, uint32_t id, const void *key)
{
	const struct mq_intern *t = ctx;
	const struct intern_key *k = key;
	const char *str = t->strs[id];
	return intern_hash_of(str) == k->h && intern_len(str) == k->len && memcmp(str, k->s, k->len) == 0;
}

struct mq_intern *mq_intern_new(void)
{
	struct mq_intern *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->arena = mq_arena_new();
	if (!t->arena || mq_hashmap_init(&t->map, 50, intern_entry_hash, intern_equal, t)) {
		mq_intern_free(t);
		return NULL;
	}
	return t;
}

uint64_t mq_intern_hash(const char *s, size_t len) { return mq_hash(s, len, 0); }

void mq_intern_prefetch(const struct mq_intern *t, uint64_t h, int stage)
{
	if (stage == 0) {
		mq_hashmap_prefetch(&t->map, h);
		return;
	}
	uint32_t id = mq_hashmap_home(&t->map, h);
	if (id == MQ_HASHMAP_NONE)
		return;
	if (stage == 1)
		__builtin_prefetch(&t->strs[id]);
	else
		__builtin_prefetch(t->strs[id] - INTERN_HEAD);
}

int32_t mq_intern_find_h(const struct mq_intern *t, const char *s, size_t len, uint64_t h)
{
	struct intern_key k = { s, len, h };
	uint32_t id = mq_hashmap_find(&t->map, h, &k, NULL);
	return id == MQ_HASHMAP_NONE ? -1 : (int32_t)id;
}

int32_t mq_intern_find(const struct mq_intern *t, const char *s, size_t len)
{
	return mq_intern_find_h(t, s, len, mq_intern_hash(s, len));
}

int32_t mq_intern_id_h(struct mq_intern *t, const char *s, size_t len, uint64_t h)
{
	struct intern_key k = { s, len, h };
	size_t pos;
	uint32_t found = mq_hashmap_find(&t->map, h, &k, &pos);
	if (found != MQ_HASHMAP_NONE)
		return (int32_t)found;
	if (len > UINT32_MAX - 16 || t->count == INT32_MAX)
		return -1;
	if (mq_grow((void **)&t->strs, &t->alloc, (size_t)t->count + 1, sizeof *t->strs))
		return -1;
	/* the hash, the length, then the bytes and a NUL */
	char *copy = mq_arena_alloc(t->arena, INTERN_HEAD + len + 1);
	if (!copy)
		return -1;
	uint32_t len32 = (uint32_t)len;
	memcpy(copy, &h, sizeof h);
	memcpy(copy + sizeof h, &len32, sizeof len32);
	copy += INTERN_HEAD;
	memcpy(copy, s, len);
	copy[len] = '\0';
	int32_t id = t->count;
	t->strs[id] = copy;
	if (mq_hashmap_insert(&t->map, h, pos, (uint32_t)id))
		return -1;
	t->count++;
	return id;
}

int32_t mq_intern_id(struct mq_intern *t, const char *s, size_t len)
{
	return mq_intern_id_h(t, s, len, mq_intern_hash(s, len));
}

const char *mq_intern_str(const struct mq_intern *t, int32_t id)
{
	return (id >= 0 && id < t->count) ? t->strs[id] : NULL;
}

int32_t mq_intern_count(const struct mq_intern *t) { return t ? t->count : 0; }

void mq_intern_free(struct mq_intern *t)
{
	if (!t)
		return;
	mq_arena_free(t->arena);
	mq_hashmap_free(&t->map);
	free(t->strs);
	free(t);
}
