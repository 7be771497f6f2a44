/* hashmap.c — open addressing of entry numbers (hashmap.h). */
#include "minqing/core/hashmap.h"
#include "minqing/core/buf.h"

#include <stdlib.h>
#include <string.h>

#define HASHMAP_FIRST 64

/* A zeroed slot array. Written before it is read: calloc's fresh pages
 * would be read first (the zero page) and copied on the first write, each
 * copy flushing the TLB of every thread's processor. Its lookups land
 * anywhere in it (mq_alloc_huge). */
static uint32_t *slots_alloc(size_t n)
{
	if (n > SIZE_MAX / sizeof(uint32_t))
		return NULL;
	size_t bytes = n * sizeof(uint32_t);
	void *p = mq_alloc_huge(bytes);
	return p ? memset(p, 0, bytes) : NULL;
}

int mq_hashmap_init(struct mq_hashmap *m, unsigned max_load,
		    uint64_t (*hash)(void *ctx, uint32_t entry),
		    int (*equal)(void *ctx, uint32_t entry, const void *key), void *ctx)
{
	memset(m, 0, sizeof *m);
	m->max_load = max_load < 1 ? 1 : max_load > 90 ? 90 : max_load;
	m->hash = hash;
	m->equal = equal;
	m->ctx = ctx;
	m->slots = slots_alloc(HASHMAP_FIRST);
	if (!m->slots)
		return -1;
	m->nslots = HASHMAP_FIRST;
	return 0;
}

void mq_hashmap_free(struct mq_hashmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->nslots = m->count = 0;
}

uint32_t mq_hashmap_find(const struct mq_hashmap *m, uint64_t h, const void *key, size_t *pos)
{
	size_t mask = m->nslots - 1, i = (size_t)h & mask;
	for (;; i = (i + 1) & mask) {
		uint32_t x = m->slots[i];
		if (!x)
			break;
		if (m->equal(m->ctx, x - 1, key)) {
			if (pos)
				*pos = i;
			return x - 1;
		}
	}
	if (pos)
		*pos = i;
	return MQ_HASHMAP_NONE;
}

static size_t empty_slot(const uint32_t *slots, size_t mask, uint64_t h)
{
	size_t i = (size_t)h & mask;
	while (slots[i])
		i = (i + 1) & mask;
	return i;
}

/* Doubles the table; the entries move over in the old slot order, so the
 * new order depends only on the old one. */
static int hashmap_grow(struct mq_hashmap *m)
{
	if (m->nslots > SIZE_MAX / 2 / sizeof *m->slots)
		return -1;
	size_t n = m->nslots * 2;
	uint32_t *slots = slots_alloc(n);
	if (!slots)
		return -1;
	for (size_t k = 0; k < m->nslots; k++) {
		uint32_t x = m->slots[k];
		if (x)
			slots[empty_slot(slots, n - 1, m->hash(m->ctx, x - 1))] = x;
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
	return 0;
}

int mq_hashmap_insert(struct mq_hashmap *m, uint64_t h, size_t pos, uint32_t entry)
{
	if (entry == MQ_HASHMAP_NONE)
		return -1;
	if ((m->count + 1) * 100 > m->nslots * m->max_load) {
		if (hashmap_grow(m))
			return -1;
		pos = empty_slot(m->slots, m->nslots - 1, h);
	}
	m->slots[pos] = entry + 1;
	m->count++;
	return 0;
}

int mq_hashmap_full(const struct mq_hashmap *m)
{
	return (m->count + 1) * 100 > m->nslots * m->max_load;
}

/* The old slots go first: the caller lists its entries from its own
 * storage, so old and new never need to be held at once (at 10,000,000
 * ids that is 64 MB of the peak). */
int mq_hashmap_empty_to(struct mq_hashmap *m, size_t nslots)
{
	free(m->slots);
	m->slots = slots_alloc(nslots);
	m->nslots = m->slots ? nslots : 0;
	m->count = 0;
	return m->slots ? 0 : -1;
}

void mq_hashmap_put_new(struct mq_hashmap *m, uint64_t h, uint32_t entry)
{
	m->slots[empty_slot(m->slots, m->nslots - 1, h)] = entry + 1;
	m->count++;
}

void mq_hashmap_prefetch(const struct mq_hashmap *m, uint64_t h)
{
	__builtin_prefetch(&m->slots[(size_t)h & (m->nslots - 1)]);
}

uint32_t mq_hashmap_home(const struct mq_hashmap *m, uint64_t h)
{
	return m->slots[(size_t)h & (m->nslots - 1)] - 1; /* 0 - 1: NONE */
}

uint32_t mq_hashmap_guess(const struct mq_hashmap *m, uint64_t h)
{
	size_t mask = m->nslots - 1;
	for (size_t i = (size_t)h & mask; m->slots[i]; i = (i + 1) & mask)
		if (m->hash(m->ctx, m->slots[i] - 1) == h)
			return m->slots[i] - 1;
	return MQ_HASHMAP_NONE;
}

size_t mq_hashmap_bytes(const struct mq_hashmap *m) { return m->nslots * sizeof *m->slots; }
