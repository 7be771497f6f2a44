/* arena.h — allocate many, free once (the strings that live as long as
 * the run). */
#ifndef MINQING_CORE_ARENA_H
#define MINQING_CORE_ARENA_H

#include <stddef.h>

/* Arena: allocate many, free once. Memory lives until mq_arena_free. */
struct mq_arena;
struct mq_arena *mq_arena_new(void);
void *mq_arena_alloc(struct mq_arena *a, size_t size); /* 8-aligned, NULL on OOM */
char *mq_arena_strndup(struct mq_arena *a, const char *s, size_t len);
size_t mq_arena_bytes(const struct mq_arena *a);
void mq_arena_free(struct mq_arena *a);

#endif
