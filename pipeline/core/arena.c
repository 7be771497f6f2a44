/* arena.c — allocate many, free once (arena.h). */
#include "minqing/core/arena.h"

#include <stdlib.h>
#include <string.h>

/* ---- arena ---- */

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[];
};

struct mq_arena {
	struct arena_block *head;
	size_t total;
};

struct mq_arena *mq_arena_new(void) { return calloc(1, sizeof(struct mq_arena)); }

void *mq_arena_alloc(struct mq_arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t bs = size > 60000 ? size : 64 * 1024 - sizeof *b;
		b = malloc(sizeof *b + bs);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->size = bs;
		a->head = b;
		a->total += sizeof *b + bs;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	return p;
}

char *mq_arena_strndup(struct mq_arena *a, const char *s, size_t len)
{
	char *p = mq_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

size_t mq_arena_bytes(const struct mq_arena *a) { return a ? a->total : 0; }

void mq_arena_free(struct mq_arena *a)
{
	if (!a)
		return;
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *n = b->next;
		free(b);
		b = n;
	}
	free(a);
}

