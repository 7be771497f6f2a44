/* intern.h — string interning (dense ids for equal strings) and the
 * string hash the hash tables use. */
#ifndef MINQING_CORE_INTERN_H
#define MINQING_CORE_INTERN_H

#include <stddef.h>
#include <stdint.h>

/* String interning: equal strings give the same pointer and a dense id
 * (0, 1, 2, … in order of first sight). Strings live in the table's arena. */
struct mq_intern;
struct mq_intern *mq_intern_new(void);
/* Returns the id of s (inserting it), or -1 on OOM. */
int32_t mq_intern_id(struct mq_intern *t, const char *s, size_t len);
/* Returns the id of s or -1 when s was never interned. */
int32_t mq_intern_find(const struct mq_intern *t, const char *s, size_t len);
const char *mq_intern_str(const struct mq_intern *t, int32_t id);
/* The same with the string's hash given (mq_intern_hash), so a caller can
 * compute it once and start the memory loads early: mq_intern_prefetch
 * with stage 0 loads the slot, a later call with stage 1 the string
 * pointer of the id in it, a later one with stage 2 the string.
 * Prefetching is a hint: it changes no result. The table is a
 * struct mq_hashmap (hashmap.h) of ids. */
uint64_t mq_intern_hash(const char *s, size_t len);
void mq_intern_prefetch(const struct mq_intern *t, uint64_t h, int stage);
int32_t mq_intern_id_h(struct mq_intern *t, const char *s, size_t len, uint64_t h);
int32_t mq_intern_find_h(const struct mq_intern *t, const char *s, size_t len, uint64_t h);
int32_t mq_intern_count(const struct mq_intern *t);
void mq_intern_free(struct mq_intern *t);

/* 64-bit hash of data[0..len): eight bytes a step read little-endian,
 * multiply and xor-shift mixing (not FNV); the same on every machine. */
uint64_t mq_hash(const void *data, size_t len, uint64_t seed);

#endif
