/* Unit tests for the hash table of entry numbers (core/hashmap.h) and the
 * interning built on it. */
#include "check.h"

#include "minqing/core/hashmap.h"
#include "minqing/core/intern.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The caller's storage: entry e is the string words[e]. */
struct words {
	char (*w)[16];
	int collide;            /* every hash the same */
	long equal_calls;
};

static uint64_t word_hash_of(const struct words *ws, const char *s)
{
	return ws->collide ? 7 : mq_hash(s, strlen(s), 0);
}

static uint64_t word_hash(void *ctx, uint32_t e)
{
	struct words *ws = ctx;
	return word_hash_of(ws, ws->w[e]);
}

static int word_equal(void *ctx, uint32_t e, const void *key)
{
	struct words *ws = ctx;
	ws->equal_calls++;
	return strcmp(ws->w[e], key) == 0;
}

/* Inserts n words "w0".."w<n-1>", each once, and finds them all again. */
static void fill_and_find(struct words *ws, struct mq_hashmap *m, int n)
{
	int fails = 0;
	for (int i = 0; i < n; i++) {
		snprintf(ws->w[i], sizeof ws->w[i], "w%d", i);
		size_t pos;
		uint64_t h = word_hash_of(ws, ws->w[i]);
		if (mq_hashmap_find(m, h, ws->w[i], &pos) != MQ_HASHMAP_NONE || mq_hashmap_insert(m, h, pos, (uint32_t)i))
			fails++;
	}
	CHECK_INT(fails, 0);
	CHECK_INT(m->count, n);
	for (int i = 0; i < n; i++)
		if (mq_hashmap_find(m, word_hash_of(ws, ws->w[i]), ws->w[i], NULL) != (uint32_t)i)
			fails++;
	CHECK_INT(fails, 0);
	CHECK(mq_hashmap_find(m, word_hash_of(ws, "absent"), "absent", NULL) == MQ_HASHMAP_NONE);
}

static void test_grow_and_find(void)
{
	static char w[100000][16];
	struct words ws = { w, 0, 0 };
	struct mq_hashmap m;
	CHECK_INT(mq_hashmap_init(&m, 50, word_hash, word_equal, &ws), 0);
	CHECK_INT(m.nslots, 64);
	fill_and_find(&ws, &m, 100000);
	/* doubled while passing half full: 100000 entries in 2^18 slots */
	CHECK_INT(m.nslots, 1 << 18);
	CHECK_INT(mq_hashmap_bytes(&m), (1 << 18) * 4);
	/* every entry in exactly one slot */
	size_t filled = 0;
	for (size_t i = 0; i < m.nslots; i++)
		filled += m.slots[i] != 0;
	CHECK_INT(filled, 100000);
	/* the same inserts give the same slot order */
	struct mq_hashmap m2;
	CHECK_INT(mq_hashmap_init(&m2, 50, word_hash, word_equal, &ws), 0);
	for (int i = 0; i < 100000; i++) {
		size_t pos;
		uint64_t h = word_hash_of(&ws, w[i]);
		mq_hashmap_find(&m2, h, w[i], &pos);
		mq_hashmap_insert(&m2, h, pos, (uint32_t)i);
	}
	CHECK(m2.nslots == m.nslots && memcmp(m.slots, m2.slots, m.nslots * sizeof *m.slots) == 0);
	/* the home slot hint */
	uint64_t h = word_hash_of(&ws, "w1");
	uint32_t home = mq_hashmap_home(&m, h);
	CHECK(home == MQ_HASHMAP_NONE || home < 100000);
	mq_hashmap_prefetch(&m, h);
	/* the guess by hash: the entry itself, none for a hash absent */
	CHECK_INT(mq_hashmap_guess(&m, h), 1);
	CHECK_INT(mq_hashmap_guess(&m, word_hash_of(&ws, "w99999")), 99999);
	CHECK(mq_hashmap_guess(&m, word_hash_of(&ws, "absent")) == MQ_HASHMAP_NONE);
	CHECK(mq_hashmap_insert(&m, h, 0, MQ_HASHMAP_NONE) == -1);
	mq_hashmap_free(&m);
	mq_hashmap_free(&m2);
	CHECK(m.slots == NULL && m.count == 0);
}

/* A caller that lists its own entries: the full table emptied into twice
 * the slots and every entry put back, then each found again and the
 * table growing on from there. */
static void test_empty_to(void)
{
	static char w[1000][16];
	struct words ws = { w, 0, 0 };
	struct mq_hashmap m;
	CHECK_INT(mq_hashmap_init(&m, 50, word_hash, word_equal, &ws), 0);
	int n = 0, fails = 0;
	for (; n < 1000; n++) {
		snprintf(w[n], sizeof w[n], "w%d", n);
		uint64_t h = word_hash_of(&ws, w[n]);
		size_t pos;
		if (mq_hashmap_full(&m)) {
			size_t want = m.nslots * 2;
			CHECK_INT(mq_hashmap_empty_to(&m, want), 0);
			CHECK(m.count == 0 && m.nslots == want);
			for (int i = 0; i < n; i++)
				mq_hashmap_put_new(&m, word_hash_of(&ws, w[i]), (uint32_t)i);
		}
		if (mq_hashmap_find(&m, h, w[n], &pos) != MQ_HASHMAP_NONE || mq_hashmap_insert(&m, h, pos, (uint32_t)n))
			fails++;
	}
	CHECK_INT(fails, 0);
	CHECK_INT(m.count, 1000);
	CHECK_INT(m.nslots, 2048);
	for (int i = 0; i < n; i++)
		fails += mq_hashmap_find(&m, word_hash_of(&ws, w[i]), w[i], NULL) != (uint32_t)i;
	CHECK_INT(fails, 0);
	mq_hashmap_free(&m);
}

/* Every hash equal: the table still tells the entries apart, by the
 * caller's equality, never by the hash. */
static void test_collisions(void)
{
	static char w[2000][16];
	struct words ws = { w, 1, 0 };
	struct mq_hashmap m;
	CHECK_INT(mq_hashmap_init(&m, 70, word_hash, word_equal, &ws), 0);
	fill_and_find(&ws, &m, 2000);
	CHECK(ws.equal_calls > 2000);
	mq_hashmap_free(&m);
}

/* Interning on the table: dense ids in order of first sight, equal
 * strings equal ids, strings with NULs and of equal hash kept apart. */
static void test_intern(void)
{
	struct mq_intern *t = mq_intern_new();
	CHECK(t != NULL);
	CHECK_INT(mq_intern_id(t, "甲", strlen("甲")), 0);
	CHECK_INT(mq_intern_id(t, "乙", strlen("乙")), 1);
	CHECK_INT(mq_intern_id(t, "甲", strlen("甲")), 0);
	CHECK_INT(mq_intern_id(t, "a\0b", 3), 2);
	CHECK_INT(mq_intern_id(t, "a\0c", 3), 3);
	CHECK_INT(mq_intern_find(t, "a", 1), -1);
	CHECK_INT(mq_intern_find(t, "a\0c", 3), 3);
	CHECK_INT(mq_intern_id(t, "", 0), 4);
	CHECK_STR(mq_intern_str(t, 1), "乙");
	CHECK(mq_intern_str(t, 5) == NULL);
	/* the same hash given for other strings: still apart */
	CHECK_INT(mq_intern_id_h(t, "x", 1, 99), 5);
	CHECK_INT(mq_intern_id_h(t, "y", 1, 99), 6);
	CHECK_INT(mq_intern_find_h(t, "x", 1, 99), 5);
	char s[16];
	int fails = 0;
	for (int i = 0; i < 50000; i++) {
		snprintf(s, sizeof s, "h%d", i);
		if (mq_intern_id(t, s, strlen(s)) != 7 + i)
			fails++;
	}
	for (int i = 0; i < 50000; i += 7) {
		snprintf(s, sizeof s, "h%d", i);
		uint64_t h = mq_intern_hash(s, strlen(s));
		for (int stage = 0; stage < 3; stage++)
			mq_intern_prefetch(t, h, stage);
		if (mq_intern_id_h(t, s, strlen(s), h) != 7 + i || strcmp(mq_intern_str(t, 7 + i), s))
			fails++;
	}
	CHECK_INT(fails, 0);
	CHECK_INT(mq_intern_count(t), 50007);
	mq_intern_free(t);
}

int main(void)
{
	test_grow_and_find();
	test_empty_to();
	test_collisions();
	test_intern();
	return check_summary();
}
