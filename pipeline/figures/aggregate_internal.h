/* aggregate_internal.h — the aggregator's state, shared by aggregate.c
 * (counting, rows, CSV) and partial.c (the partial state file). Private to
 * those two files. */
#ifndef MINQING_AGGREGATE_INTERNAL_H
#define MINQING_AGGREGATE_INTERNAL_H

#include <stdint.h>
#include "minqing/core/date.h"
#include "minqing/core/hashmap.h"
#include "minqing/core/intern.h"
#include "minqing/figures/aggregate.h"

/* A map from 64-bit keys to 64-bit values (a set with is_set): entry e
 * holds keys[e] and vals[e] (vals NULL for a set), entries numbered in
 * order of insertion; the table (hashmap.h) files the entry numbers. */
struct agg_map {
	struct mq_hashmap map;
	uint64_t *keys;
	uint64_t *vals;
	size_t n, akeys, avals;
	int is_set;
};
/* The map's table points back at it: a map is not moved once set up. */
int agg_map_init(struct agg_map *m, int is_set);
/* Returns the entry of key, inserting it (value 0) when absent; *isnew set.
 * Returns (size_t)-1 on OOM. */
size_t agg_map_put(struct agg_map *m, uint64_t key, int *isnew);
/* Entry of key or (size_t)-1. */
size_t agg_map_find(const struct agg_map *m, uint64_t key);
/* The entry in slot i (0 <= i < map.nslots) or (size_t)-1: iterating the
 * slots gives the same order on every run. */
size_t agg_map_at(const struct agg_map *m, size_t i);
void agg_map_free(struct agg_map *m);
#define AGG_KEY(hi, lo) (((uint64_t)(uint32_t)(hi) << 32) | (uint32_t)(lo))

enum { AGG_V_VISITS, AGG_V_HOME, AGG_V_DEMANDS, AGG_V_RESOLVED, AGG_V_OVERDUE,
       AGG_V_SIGNED, AGG_V_SAT_N, AGG_V_SAT_OK, AGG_V_NCOUNT = 12 };
enum { AGG_C_DIARIES, AGG_C_DEMANDS, AGG_C_RESOLVED, AGG_C_SIGNED, AGG_C_SAT_N,
       AGG_C_SAT_OK, AGG_C_NCOUNT = 8 };
enum { AGG_VM_VISITS, AGG_VM_HOME, AGG_VM_DEMANDS, AGG_VM_RESOLVED, AGG_VM_N = 4 };
enum { AGG_CM_DIARIES, AGG_CM_DEMANDS, AGG_CM_RESOLVED, AGG_CM_N = 3 };

struct agg_village {
	int32_t township, village;          /* string ids */
	const struct mq_village_ref *ref;   /* registry entry or NULL */
	uint64_t count[AGG_V_NCOUNT];
	uint64_t topics[MQ_TOPIC_N];
	uint64_t households;                /* distinct, kept with the set */
};

struct agg_cadre {
	int32_t id;                         /* string id of cadre_id */
	const struct mq_cadre_ref *ref;     /* roster entry or NULL */
	uint64_t count[AGG_C_NCOUNT];
	mq_day first, last;                 /* first/last record day, MQ_NO_DAY */
};

struct agg_assign {
	int32_t cadre, household;           /* string ids */
	uint8_t mask;                       /* quarters (of the year) with a 入户走访 */
};

/* A small string table in front of agg->strs for one field (aggregate.c,
 * intern_field): its ids map to agg->strs ids. */
struct agg_field_cache {
	struct mq_intern *keys;
	int32_t *strs_id;
	size_t n, alloc;
};
#define AGG_NCACHES 5

struct mq_agg {
	struct mq_period period;
	mq_day run_date, as_of;
	mq_day month_as_of[12];
	const struct mq_reference *ref;
	struct mq_intern *strs;
	struct agg_field_cache caches[AGG_NCACHES]; /* township, village, cadre_id, county, cadre_name */
	long long in_period;

	struct agg_village *villages; size_t nvillages, avillages;
	uint64_t *vmonths;                  /* nvillages × nmonths × AGG_VM_N */
	struct agg_map village_of;          /* set of (township, village): entry = index */
	struct agg_map households;          /* set of (village index, household) */
	/* households as numbered by the validator feeding this aggregator
	 * (mq_record.household_set, the first one seen): its number -> the
	 * string id here (-1 = not yet looked up) and the village index of
	 * the last record that had it (-1: none), whose pair is then known to
	 * be in `households` without a look-up */
	uint32_t hh_set;
	struct agg_hh { int32_t str, village; } *hh_of;
	size_t ahh_of;
	struct agg_map county_votes;        /* (village index, county) -> votes */

	struct agg_cadre *cadres; size_t ncadres, acadres;
	uint64_t *cmonths;                  /* ncadres × nmonths × AGG_CM_N */
	uint64_t *days;                     /* ncadres × day_words: in-person dates */
	size_t day_words;
	struct agg_map cadre_of;            /* set of cadre_id strings: entry = index */
	uint32_t *cadre_by_str;             /* the same as an array: index + 1, 0 = none */
	/* the village index of each registry row and the cadre index of each
	 * roster row (ref's order), NULL without that file */
	long *village_of_ref, *cadre_of_ref;
	size_t ncadre_by_str;
	struct agg_map name_votes;          /* (cadre index, name) -> votes */
	struct agg_map village_votes;       /* (cadre index, village index) -> votes */

	struct agg_assign *assigns; size_t nassigns;
	struct agg_map assign_of;           /* (cadre string, household string) -> index */
	uint64_t ref_fingerprint;           /* assignments, registry villages, roster ids */

	/* computed rows (valid while !dirty) */
	int dirty;
	struct mq_summary_row *vrows, *trows, *crows;
	size_t nvrows, ntrows, ncrows;
	struct mq_township_months *tmonths;
	struct mq_month_counts *tmonth_counts;
	struct mq_cadre_row *cadre_rows;
	struct mq_cadre_month_row *cm_rows;
	size_t ncadre_rows, ncm_rows;
};

/* Index of the village (township, village), created when new; -1 on OOM. */
long agg_village_index(struct mq_agg *agg, int32_t township, int32_t village);
/* Index of the cadre with that cadre_id string, created when new; -1 on OOM. */
long agg_cadre_index(struct mq_agg *agg, int32_t id);

#endif
