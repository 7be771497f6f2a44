/* idpages.c — ids numbered in runs, filed on pages of a hundred (idpages.h). */
#include "minqing/core/idpages.h"

#include "minqing/core/buf.h"
#include "minqing/core/hashmap.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_CHUNK 64     /* pages allocated together */
#define PROMOTE 8         /* the count that earns a page */
#define COUNTERS 4096     /* groups counted at once (a power of two) */
#define FILL_SHARE 4      /* pages stay at least 1/FILL_SHARE full on the whole, */
#define FILL_FREE 64      /* once there are more than these */

struct group {
	uint64_t hash;
	uint32_t key, len;      /* its bytes in keys */
	uint32_t page;
};

struct mq_idpages {
	struct mq_hashmap groups;   /* entry: a group's number */
	struct group *group;
	size_t ngroups, agroups;
	struct mq_buf keys;
	uint32_t **chunks;          /* PAGE_CHUNK pages of MQ_IDPAGE slots each */
	size_t npages, achunks;
	size_t filled;              /* slots filled (mq_idpages_fill) */
	/* a group's hash and its count, decreased by each other group that
	 * lands on the counter and taken over at 0: the groups that come
	 * most keep their counter */
	struct counter { uint64_t hash; uint32_t count; } *counters;
};

struct group_key {
	const char *s;
	size_t len;
	uint64_t hash;
};

static uint64_t group_hash(void *ctx, uint32_t g)
{
	return ((const struct mq_idpages *)ctx)->group[g].hash;
}

static int group_equal(void *ctx, uint32_t g, const void *key)
{
	const struct mq_idpages *p = ctx;
	const struct group_key *k = key;
	const struct group *gr = &p->group[g];
	return gr->hash == k->hash && gr->len == k->len && memcmp(p->keys.data + gr->key, k->s, k->len) == 0;
}

struct mq_idpages *mq_idpages_new(void)
{
	struct mq_idpages *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	mq_buf_init(&p->keys);
	p->counters = calloc(COUNTERS, sizeof *p->counters);
	if (!p->counters || mq_hashmap_init(&p->groups, 50, group_hash, group_equal, p)) {
		mq_idpages_free(p);
		return NULL;
	}
	return p;
}

void mq_idpages_free(struct mq_idpages *p)
{
	if (!p)
		return;
	mq_hashmap_free(&p->groups);
	free(p->group);
	mq_buf_free(&p->keys);
	for (size_t i = 0; i < p->achunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	free(p->counters);
	free(p);
}

int mq_idpages_tail(const char *id, size_t len)
{
	if (len < 3 || (unsigned char)(id[len - 2] - '0') > 9 || (unsigned char)(id[len - 1] - '0') > 9)
		return -1;
	return (id[len - 2] - '0') * 10 + (id[len - 1] - '0');
}

static uint32_t *page_slot(const struct mq_idpages *p, uint32_t page, int tail)
{
	return p->chunks[page / PAGE_CHUNK] + (size_t)(page % PAGE_CHUNK) * MQ_IDPAGE + tail;
}

uint32_t *mq_idpages_slot(const struct mq_idpages *p, const char *id, size_t len, uint64_t gh, int tail)
{
	struct group_key k = { id, len - 2, gh };
	uint32_t g = mq_hashmap_find(&p->groups, gh, &k, NULL);
	return g == MQ_HASHMAP_NONE ? NULL : page_slot(p, p->group[g].page, tail);
}

uint32_t *mq_idpages_guess(const struct mq_idpages *p, uint64_t gh, int tail)
{
	uint32_t g = mq_hashmap_guess(&p->groups, gh);
	return g == MQ_HASHMAP_NONE ? NULL : page_slot(p, p->group[g].page, tail);
}

int mq_idpages_count(struct mq_idpages *p, uint64_t gh)
{
	struct counter *c = &p->counters[(gh >> 32) & (COUNTERS - 1)];
	if (c->hash != gh) {
		if (c->count) {
			c->count--;
			return 0;
		}
		c->hash = gh;
	}
	if (++c->count < PROMOTE)
		return 0;
	c->count = 0;
	return 1;
}

uint32_t *mq_idpages_add(struct mq_idpages *p, const char *id, size_t len, uint64_t gh)
{
	size_t klen = len - 2;
	if ((p->npages + 1) * MQ_IDPAGE > FILL_SHARE * p->filled + FILL_FREE * MQ_IDPAGE)
		return NULL; /* the pages so far are mostly empty: no more */
	if (p->npages >= UINT32_MAX || p->ngroups >= MQ_HASHMAP_NONE - 1 || p->keys.len + klen > UINT32_MAX)
		return NULL;
	size_t k = p->npages / PAGE_CHUNK; /* mq_grow zeroes: a chunk not made yet is NULL */
	if (mq_grow((void **)&p->chunks, &p->achunks, k + 1, sizeof *p->chunks) ||
	    (!p->chunks[k] && !(p->chunks[k] = calloc(PAGE_CHUNK * MQ_IDPAGE, sizeof(uint32_t)))))
		return NULL;
	if (mq_grow((void **)&p->group, &p->agroups, p->ngroups + 1, sizeof *p->group))
		return NULL;
	uint32_t g = (uint32_t)p->ngroups, key = (uint32_t)p->keys.len;
	if (mq_buf_add(&p->keys, id, klen))
		return NULL;
	p->group[g] = (struct group){ gh, key, (uint32_t)klen, (uint32_t)p->npages };
	struct group_key gk = { id, klen, gh };
	size_t pos;
	mq_hashmap_find(&p->groups, gh, &gk, &pos); /* absent: the caller found no page */
	if (mq_hashmap_insert(&p->groups, gh, pos, g)) {
		p->keys.len = key;
		return NULL;
	}
	p->ngroups++;
	return page_slot(p, (uint32_t)p->npages++, 0);
}

void mq_idpages_fill(struct mq_idpages *p, uint32_t *slot, uint32_t value)
{
	*slot = value;
	p->filled++;
}

size_t mq_idpages_bytes(const struct mq_idpages *p)
{
	size_t chunks = (p->npages + PAGE_CHUNK - 1) / PAGE_CHUNK; /* made ones */
	return mq_hashmap_bytes(&p->groups) + p->agroups * sizeof *p->group + p->keys.alloc +
	       chunks * PAGE_CHUNK * MQ_IDPAGE * sizeof(uint32_t) + p->achunks * sizeof *p->chunks +
	       COUNTERS * sizeof *p->counters;
}
