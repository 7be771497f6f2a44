/* Unit tests for ids numbered in runs on pages of a hundred
 * (core/idpages.h): the two digits, groups told apart by their bytes
 * whatever their hashes, the counters that give a page, and slots that
 * stay where they are as pages are added. */
#include "check.h"

#include "minqing/core/idpages.h"
#include "minqing/core/intern.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t gh_of(const char *id) { return mq_hash(id, strlen(id) - 2, 3); }

static void test_tail(void)
{
	CHECK_INT(mq_idpages_tail("R00", 3), 0);
	CHECK_INT(mq_idpages_tail("R0107", 5), 7);
	CHECK_INT(mq_idpages_tail("户99", strlen("户99")), 99);
	CHECK_INT(mq_idpages_tail("42", 2), -1);      /* nothing before the digits */
	CHECK_INT(mq_idpages_tail("R4", 2), -1);
	CHECK_INT(mq_idpages_tail("R4x", 3), -1);
	CHECK_INT(mq_idpages_tail("R/9", 3), -1);     /* '/' is just below '0' */
	CHECK_INT(mq_idpages_tail("R9:", 3), -1);     /* ':' just above '9' */
	CHECK_INT(mq_idpages_tail("R1\xd9", 3), -1);
	/* and back: every tail written gives itself */
	char id[] = "R0100";
	int fails = 0;
	for (int t = 0; t < MQ_IDPAGE; t++) {
		mq_idpages_set_tail(id, 5, t);
		fails += mq_idpages_tail(id, 5) != t || memcmp(id, "R01", 3) != 0;
	}
	CHECK_INT(fails, 0);
	CHECK_STR(id, "R0199");
}

/* Groups "A0", "A1", ... given one hash: found by their bytes alone */
static void test_groups_by_bytes(int same_hash)
{
	struct mq_idpages *p = mq_idpages_new();
	CHECK(p != NULL);
	enum { GROUPS = 300 };
	static uint32_t *first[GROUPS];
	char id[32];
	int fails = 0;
	for (int g = 0; g < GROUPS; g++) {
		snprintf(id, sizeof id, "A%d57", g);
		uint64_t gh = same_hash ? 5 : gh_of(id);
		if (mq_idpages_slot(p, id, strlen(id), gh, 57))
			fails++;
		uint32_t *page = mq_idpages_add(p, id, strlen(id), gh);
		if (!page)
			fails++;
		for (int t = 0; t < MQ_IDPAGE && page; t++)
			fails += page[t] != 0;
		/* slot 57 and the first thirty: pages a third full */
		for (int t = 0; t < 30 && page; t++)
			mq_idpages_fill(p, &page[t], 1000);
		if (page)
			mq_idpages_fill(p, &page[57], (uint32_t)g + 1);
		first[g] = page;
	}
	CHECK_INT(fails, 0);
	/* every group's slot is its own page's, across chunks of pages */
	for (int g = 0; g < GROUPS; g++) {
		snprintf(id, sizeof id, "A%d57", g);
		uint64_t gh = same_hash ? 5 : gh_of(id);
		uint32_t *s = mq_idpages_slot(p, id, strlen(id), gh, 57);
		if (!s || s != first[g] + 57 || *s != (uint32_t)g + 1)
			fails++;
		snprintf(id, sizeof id, "A%d93", g);
		s = mq_idpages_slot(p, id, strlen(id), gh, 93);
		if (!s || s != first[g] + 93 || *s)
			fails++;
	}
	CHECK_INT(fails, 0);
	/* a group whose bytes differ in length only ("A1" and "A10") or not at all found */
	snprintf(id, sizeof id, "A%d57", GROUPS);
	CHECK(mq_idpages_slot(p, id, strlen(id), same_hash ? 5 : gh_of(id), 57) == NULL);
	CHECK(mq_idpages_slot(p, "B057", 4, same_hash ? 5 : gh_of("B057"), 57) == NULL);
	/* the guess by hash: some group's slot of that hash */
	uint32_t *guess = mq_idpages_guess(p, same_hash ? 5 : gh_of("A757"), 57);
	CHECK(guess != NULL && (same_hash || guess == first[7] + 57));
	CHECK(mq_idpages_guess(p, 6, 57) == NULL || !same_hash);
	/* 300 pages of 400 bytes, chunks of 64 pages: 5 chunks at least */
	CHECK(mq_idpages_bytes(p) >= 5 * 64 * MQ_IDPAGE * sizeof(uint32_t));
	mq_idpages_free(p);
}

/* A group counted eight times more than the others on its counter gets
 * a page; one that comes once in a while among others does not */
static void test_counting(void)
{
	struct mq_idpages *p = mq_idpages_new();
	int k = 0;
	while (k < 20 && !mq_idpages_count(p, 77))
		k++;
	CHECK_INT(k, 7); /* the eighth */
	CHECK_INT(mq_idpages_count(p, 77), 0); /* counting again from there */
	/* two groups on one counter (the same bits 32 and up): the one that
	 * comes three times for each of the other's still gets there */
	uint64_t a = (uint64_t)9 << 32 | 1, b = (uint64_t)9 << 32 | 2;
	int pages_a = 0, pages_b = 0;
	for (int i = 0; i < 400; i++) {
		pages_a += mq_idpages_count(p, a);
		pages_a += mq_idpages_count(p, a);
		pages_a += mq_idpages_count(p, a);
		pages_b += mq_idpages_count(p, b);
	}
	CHECK(pages_a > 0);
	CHECK_INT(pages_b, 0);
	/* groups that alternate on one counter never do */
	int pages = 0;
	for (int i = 0; i < 1000; i++)
		pages += mq_idpages_count(p, (uint64_t)11 << 32 | (uint64_t)(i % 2));
	CHECK_INT(pages, 0);
	mq_idpages_free(p);
}

/* Pages are given while they are a quarter full on the whole: groups of
 * one id each get 64 pages and then none, until more slots are filled */
static void test_quarter_full(void)
{
	struct mq_idpages *p = mq_idpages_new();
	char id[32];
	int made = 0, g = 0;
	for (; g < 200; g++) {
		snprintf(id, sizeof id, "Q%d05", g);
		uint32_t *page = mq_idpages_add(p, id, strlen(id), gh_of(id));
		if (!page)
			break;
		mq_idpages_fill(p, &page[5], 1);
		made++;
	}
	CHECK_INT(made, 66); /* (n + 1) * 100 > 4 * n + 6400 from n = 66 on */
	snprintf(id, sizeof id, "Q%d05", g);
	CHECK(mq_idpages_slot(p, id, strlen(id), gh_of(id), 5) == NULL); /* refused: no page */
	/* the first page filled whole: room for four more */
	snprintf(id, sizeof id, "Q005");
	uint32_t *first = mq_idpages_slot(p, id, strlen(id), gh_of(id), 0);
	CHECK(first != NULL);
	for (int t = 0; first && t < MQ_IDPAGE; t++)
		if (t != 5)
			mq_idpages_fill(p, &first[t], 2);
	int more = 0;
	for (int k = 0; k < 10; k++) {
		snprintf(id, sizeof id, "R%d05", k);
		more += mq_idpages_add(p, id, strlen(id), gh_of(id)) != NULL;
	}
	CHECK_INT(more, 4);
	mq_idpages_free(p);
}

int main(void)
{
	test_tail();
	test_groups_by_bytes(0);
	test_groups_by_bytes(1);
	test_counting();
	test_quarter_full();
	return check_summary();
}
