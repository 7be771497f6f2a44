/* hashmap.h — the one hash table: open addressing of entry numbers.
 *
 * The table stores only uint32 entry numbers (4 bytes a slot); what an
 * entry is (a string, a key, a record) lives in storage the caller owns
 * and the table never reads: it asks the caller's callbacks for an
 * entry's hash (when it grows) and whether an entry equals a key (when it
 * looks up). So a key is never decided by its hash alone. Interning
 * (intern.h), the duplicate-id index (validate.c), the aggregator's maps
 * (aggregate.c), the sets of names in a folder (safename.c) and the
 * warnings the layout engine reported (render.c) are built on it.
 *
 * Ownership: the table owns its slot array only (mq_hashmap_free frees
 * it); entries, keys and ctx stay the caller's and must outlive every
 * call that may read them. Linear probing from the home slot h & mask;
 * the slot order is a function of the hashes and the order of the
 * inserts, so iterating the slots is reproducible. Not thread-safe. */
#ifndef MINQING_CORE_HASHMAP_H
#define MINQING_CORE_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

#define MQ_HASHMAP_NONE UINT32_MAX   /* no entry; never a valid entry number */

struct mq_hashmap {
	uint32_t *slots;      /* entry + 1, 0 = empty; nslots of them */
	size_t nslots;        /* a power of two */
	size_t count;         /* entries in the table */
	unsigned max_load;    /* percent: the table doubles before passing it */
	/* the hash of a stored entry, as given to find and insert */
	uint64_t (*hash)(void *ctx, uint32_t entry);
	/* non-zero when the stored entry equals key (as given to find) */
	int (*equal)(void *ctx, uint32_t entry, const void *key);
	void *ctx;
};

/* Starts an empty table of 64 slots. max_load in percent (1..90).
 * Returns 0, or -1 on OOM (the table is then freed and empty). */
int mq_hashmap_init(struct mq_hashmap *m, unsigned max_load,
		    uint64_t (*hash)(void *ctx, uint32_t entry),
		    int (*equal)(void *ctx, uint32_t entry, const void *key), void *ctx);
void mq_hashmap_free(struct mq_hashmap *m);

/* The entry equal to key (whose hash is h), or MQ_HASHMAP_NONE. When pos
 * is not NULL it receives the slot where key would go, for an insert that
 * follows with no other change to the table in between. */
uint32_t mq_hashmap_find(const struct mq_hashmap *m, uint64_t h, const void *key, size_t *pos);

/* Puts entry (hash h, not in the table: a find just said so and gave pos)
 * into the table, doubling it first when it would pass max_load. entry
 * must be below MQ_HASHMAP_NONE. Returns 0, or -1 on OOM or when the table
 * cannot grow (the table then is as it was, without entry). */
int mq_hashmap_insert(struct mq_hashmap *m, uint64_t h, size_t pos, uint32_t entry);

/* For a caller that can list its entries faster than the table can (in
 * the order they lie in memory, not the slot order): mq_hashmap_full says
 * whether the next insert would double the table; mq_hashmap_empty_to
 * frees the slots, then empties the table into nslots new ones (a power of
 * two, above the entries to come; returns 0, or -1 on OOM, the table then
 * without slots: only mq_hashmap_free may follow), and mq_hashmap_put_new
 * puts back an entry known to be absent, comparing none. */
int mq_hashmap_full(const struct mq_hashmap *m);
int mq_hashmap_empty_to(struct mq_hashmap *m, size_t nslots);
void mq_hashmap_put_new(struct mq_hashmap *m, uint64_t h, uint32_t entry);

/* Hints for a lookup a few records ahead (they change no result): the
 * home slot of h into the cache, and the entry in it (MQ_HASHMAP_NONE when
 * empty), whose storage the caller may then load early. */
void mq_hashmap_prefetch(const struct mq_hashmap *m, uint64_t h);
uint32_t mq_hashmap_home(const struct mq_hashmap *m, uint64_t h);
/* A guess for such a hint, comparing hashes only: the first entry, from
 * h's home slot on, whose hash (the table's callback) is h, or
 * MQ_HASHMAP_NONE. */
uint32_t mq_hashmap_guess(const struct mq_hashmap *m, uint64_t h);

size_t mq_hashmap_bytes(const struct mq_hashmap *m); /* the slot array */

#endif
