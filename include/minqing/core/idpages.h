/* idpages.h — ids numbered in runs, filed on pages of a hundred.
 *
 * Exports number their records, households and the like in runs
 * (R0101000001, R0101000002, ...): the ids of a run share all but their
 * last two digits, their group. A group that comes often (mq_idpages_count)
 * gets a page of MQ_IDPAGE slots, one per final two digits, in which the
 * caller files a number per id (its own: an entry, an id; 0 meaning none)
 * with mq_idpages_fill.
 * The lookups of a run then stay in a few cache lines, where a hash table
 * far bigger than the caches would miss on every one.
 *
 * A group is found by its bytes (compared, never decided by its hash), an
 * id on the page by its two digits, so a slot found is the id's own. An id
 * whose group has no page is the caller's to file elsewhere; when the
 * group gets one the caller moves the group's ids it filed so far onto it.
 * Groups that seldom come never get a page, so ids with no runs cost the
 * caller nothing but a counter, and pages are given only while they stay a
 * quarter full on the whole: ids in short runs (eight or so to a group)
 * stay the caller's to file elsewhere instead of taking 400 bytes a page
 * each. Pages live until mq_idpages_free: a slot pointer stays valid. Not
 * thread-safe. */
#ifndef MINQING_CORE_IDPAGES_H
#define MINQING_CORE_IDPAGES_H

#include <stddef.h>
#include <stdint.h>

#define MQ_IDPAGE 100 /* slots of a page: the ids 00 to 99 of a group */

struct mq_idpages;

/* An empty set of pages, or NULL on OOM. */
struct mq_idpages *mq_idpages_new(void);
void mq_idpages_free(struct mq_idpages *p);

/* The id's final two bytes as a number (0..99) when both are ASCII digits
 * and at least one byte comes before them, else -1 (no group). */
int mq_idpages_tail(const char *id, size_t len);
/* The other way: writes tail (0..99) as id's final two bytes, making the
 * ids of a group one after the other. */
static inline void mq_idpages_set_tail(char *id, size_t len, int tail)
{
	id[len - 2] = (char)('0' + tail / 10);
	id[len - 1] = (char)('0' + tail % 10);
}

/* The slot of id (len bytes, tail >= 0, its group's hash gh: any hash of
 * the id's first len - 2 bytes, the same for every call) on its group's
 * page, or NULL when the group has none. */
uint32_t *mq_idpages_slot(const struct mq_idpages *p, const char *id, size_t len, uint64_t gh, int tail);

/* The same found by gh alone, for a hint such as a prefetch: may be the
 * slot of another group with the same hash. */
uint32_t *mq_idpages_guess(const struct mq_idpages *p, uint64_t gh, int tail);

/* Counts an id of group gh filed elsewhere: 1 when its group now comes
 * often enough (eight times more than others sharing its counter) to be
 * given a page, else 0. */
int mq_idpages_count(struct mq_idpages *p, uint64_t gh);

/* Gives the group of id (len bytes, gh as above; no page yet) a page and
 * returns its MQ_IDPAGE slots, zeroed, for the caller to fill; NULL on OOM,
 * when the pages made so far are less than a quarter full, or when no more
 * can be made (the caller goes on filing the group elsewhere). */
uint32_t *mq_idpages_add(struct mq_idpages *p, const char *id, size_t len, uint64_t gh);

/* Files value (not 0) in an empty slot of a page (from mq_idpages_slot or
 * mq_idpages_add), counting it for the quarter. */
void mq_idpages_fill(struct mq_idpages *p, uint32_t *slot, uint32_t value);

/* Bytes held: pages, groups and counters. */
size_t mq_idpages_bytes(const struct mq_idpages *p);

#endif
