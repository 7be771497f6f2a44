/* intern.c — string interning and the string hash (intern.h). */
#include "minqing/core/intern.h"

#include "minqing/core/bytes.h"

#include "minqing/core/arena.h"

#include <stdlib.h>
#include <string.h>

/* ---- interning: open addressing on (hash, id) ---- */

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

/* A slot holds the hash's high half as a tag, the id and the string,
 * whose length sits in the four bytes before it: a probe reads one slot
 * and touches the string (one more cache line) only when the tags match.
 * With many strings (households) the table is out of cache and every
 * memory access counts; mq_intern_prefetch starts both loads early. */
struct intern_slot {
	uint64_t tag_id;    /* tag << 32 | (id + 1), 0 = empty */
	const char *str;
};

struct mq_intern {
	struct mq_arena *arena;
	struct intern_slot *slots;
	size_t nslots;
	const char **strs;  /* id -> string */
	uint64_t *hashes;   /* id -> hash, for growing the table */
	int32_t count, alloc;
};

#define INTERN_TAG(h) ((h) & 0xFFFFFFFF00000000ULL)

static uint32_t intern_len(const char *str)
{
	uint32_t len;
	memcpy(&len, str - sizeof len, sizeof len);
	return len;
}

struct mq_intern *mq_intern_new(void)
{
	struct mq_intern *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->arena = mq_arena_new();
	t->nslots = 64;
	t->slots = calloc(t->nslots, sizeof *t->slots);
	if (!t->arena || !t->slots) {
		mq_intern_free(t);
		return NULL;
	}
	return t;
}

uint64_t mq_intern_hash(const char *s, size_t len) { return mq_hash(s, len, 0); }

void mq_intern_prefetch(const struct mq_intern *t, uint64_t h, int stage)
{
	const struct intern_slot *sl = &t->slots[h & (t->nslots - 1)];
	if (stage == 0)
		__builtin_prefetch(sl);
	else if (sl->tag_id && INTERN_TAG(sl->tag_id) == INTERN_TAG(h))
		__builtin_prefetch(sl->str - sizeof(uint32_t));
}

static size_t intern_slot(const struct mq_intern *t, const char *s, size_t len, uint64_t h, int *found)
{
	size_t mask = t->nslots - 1, i = h & mask;
	for (;; i = (i + 1) & mask) {
		const struct intern_slot *sl = &t->slots[i];
		if (!sl->tag_id) {
			*found = 0;
			return i;
		}
		if (INTERN_TAG(sl->tag_id) == INTERN_TAG(h) && intern_len(sl->str) == len &&
		    memcmp(sl->str, s, len) == 0) {
			*found = 1;
			return i;
		}
	}
}

static int intern_rehash(struct mq_intern *t)
{
	size_t n = t->nslots * 2;
	struct intern_slot *slots = calloc(n, sizeof *slots);
	if (!slots)
		return -1;
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	for (int32_t id = 0; id < t->count; id++) {
		size_t i = t->hashes[id] & (n - 1);
		while (t->slots[i].tag_id)
			i = (i + 1) & (n - 1);
		t->slots[i] = (struct intern_slot){ INTERN_TAG(t->hashes[id]) | (uint32_t)(id + 1), t->strs[id] };
	}
	return 0;
}

int32_t mq_intern_find_h(const struct mq_intern *t, const char *s, size_t len, uint64_t h)
{
	int found;
	size_t i = intern_slot(t, s, len, h, &found);
	return found ? (int32_t)(uint32_t)t->slots[i].tag_id - 1 : -1;
}

int32_t mq_intern_find(const struct mq_intern *t, const char *s, size_t len)
{
	return mq_intern_find_h(t, s, len, mq_intern_hash(s, len));
}

int32_t mq_intern_id_h(struct mq_intern *t, const char *s, size_t len, uint64_t h)
{
	int found;
	size_t i = intern_slot(t, s, len, h, &found);
	if (found)
		return (int32_t)(uint32_t)t->slots[i].tag_id - 1;
	if (len > UINT32_MAX - 8)
		return -1;
	if (t->count == t->alloc) {
		int32_t na = t->alloc ? t->alloc * 2 : 64;
		const char **ns = realloc(t->strs, (size_t)na * sizeof *ns);
		if (!ns)
			return -1;
		t->strs = ns;
		uint64_t *nh = realloc(t->hashes, (size_t)na * sizeof *nh);
		if (!nh)
			return -1;
		t->hashes = nh;
		t->alloc = na;
	}
	/* the length, then the bytes and a NUL */
	char *copy = mq_arena_alloc(t->arena, sizeof(uint32_t) + len + 1);
	if (!copy)
		return -1;
	uint32_t len32 = (uint32_t)len;
	memcpy(copy, &len32, sizeof len32);
	copy += sizeof len32;
	memcpy(copy, s, len);
	copy[len] = '\0';
	int32_t id = t->count++;
	t->strs[id] = copy;
	t->hashes[id] = h;
	t->slots[i] = (struct intern_slot){ INTERN_TAG(h) | (uint32_t)(id + 1), copy };
	if ((size_t)t->count * 2 > t->nslots && intern_rehash(t))
		return -1;
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
	free(t->slots);
	free(t->strs);
	free(t->hashes);
	free(t);
}

