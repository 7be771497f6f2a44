/* aggregate.c — counting accepted records into the figures of contract
 * section 4, and the rows and CSVs built from the counts. */
#include "aggregate_internal.h"

#include "minqing/core/error.h"
#include "minqing/core/buf.h"
#include "minqing/core/intern.h"
#include "minqing/core/hashmap.h"
#include "minqing/core/files.h"
#include "minqing/core/csv_out.h"
#include "minqing/core/progress.h"
#include "minqing/core/date.h"
#include "minqing/core/rate.h"

#include <stdlib.h>
#include <string.h>

/* ---- maps on 64-bit keys: the hash table (hashmap.h) of entries ---- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* key + 1 hashed: the slot order (partial files write it) stays as it
 * was when the slots held the keys themselves */
static uint64_t key_hash(uint64_t key) { return mix64(key + 1); }

static uint64_t map_entry_hash(void *ctx, uint32_t e)
{
	return key_hash(((const struct agg_map *)ctx)->keys[e]);
}

static int map_entry_equal(void *ctx, uint32_t e, const void *key)
{
	return ((const struct agg_map *)ctx)->keys[e] == *(const uint64_t *)key;
}

int agg_map_init(struct agg_map *m, int is_set)
{
	memset(m, 0, sizeof *m);
	m->is_set = is_set;
	return mq_hashmap_init(&m->map, 70, map_entry_hash, map_entry_equal, m) ? MQ_ERR_NOMEM : 0;
}

size_t agg_map_put(struct agg_map *m, uint64_t key, int *isnew)
{
	uint64_t h = key_hash(key);
	size_t pos;
	uint32_t e = mq_hashmap_find(&m->map, h, &key, &pos);
	if (e != MQ_HASHMAP_NONE) {
		*isnew = 0;
		return e;
	}
	if (m->n >= MQ_HASHMAP_NONE ||
	    mq_grow((void **)&m->keys, &m->akeys, m->n + 1, sizeof *m->keys) ||
	    (!m->is_set && mq_grow((void **)&m->vals, &m->avals, m->n + 1, sizeof *m->vals)))
		return (size_t)-1;
	m->keys[m->n] = key;
	if (!m->is_set)
		m->vals[m->n] = 0;
	if (mq_hashmap_insert(&m->map, h, pos, (uint32_t)m->n))
		return (size_t)-1;
	*isnew = 1;
	return m->n++;
}

size_t agg_map_find(const struct agg_map *m, uint64_t key)
{
	uint32_t e = mq_hashmap_find(&m->map, key_hash(key), &key, NULL);
	return e == MQ_HASHMAP_NONE ? (size_t)-1 : e;
}

size_t agg_map_at(const struct agg_map *m, size_t i)
{
	return m->map.slots[i] ? m->map.slots[i] - 1 : (size_t)-1;
}

void agg_map_free(struct agg_map *m)
{
	mq_hashmap_free(&m->map);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* ---- growing arrays ---- */

/* Grows an array of `per` counters an entity from old to (at least) n
 * entities, the new ones zero. */
static int grow_zeroed(uint64_t **arr, size_t old, size_t n, size_t per)
{
	if (!per)
		return 0;
	if (per > SIZE_MAX / sizeof **arr)
		return -1;
	return mq_grow((void **)arr, &old, n, per * sizeof **arr) ? -1 : 0;
}

/* One kind of entity (villages, cadres): the map from key to index, the
 * entity array (*n used, room for *alloc, elem bytes each) and up to two
 * counter arrays beside it, per[i] counters an entity. */
struct entity_kind {
	struct agg_map *map;
	void **arr;
	size_t *n, *alloc, elem;
	uint64_t **counters[2];     /* NULL-ended when fewer */
	size_t per[2];
};

/* The entity of key, or a new one (*isnew set; counted, its counters zero,
 * the aggregate dirty) once the arrays have room for it. -1 on OOM. */
static long entity_index(struct mq_agg *agg, const struct entity_kind *k, uint64_t key, int *isnew)
{
	size_t e = agg_map_find(k->map, key);
	*isnew = 0;
	if (e != (size_t)-1)
		return (long)e;
	size_t old = *k->alloc;
	if (mq_grow(k->arr, k->alloc, k->map->n + 1, k->elem))
		return -1;
	for (int i = 0; i < 2 && k->counters[i] && *k->alloc != old; i++)
		if (grow_zeroed(k->counters[i], old, *k->alloc, k->per[i]))
			return -1;
	e = agg_map_put(k->map, key, isnew);
	if (e == (size_t)-1)
		return -1;
	if (*isnew) {
		(*k->n)++;
		agg->dirty = 1;
	}
	return (long)e;
}

long agg_village_index(struct mq_agg *agg, int32_t township, int32_t village)
{
	const struct entity_kind kind = {
		&agg->village_of, (void **)&agg->villages, &agg->nvillages, &agg->avillages,
		sizeof *agg->villages, { &agg->vmonths }, { (size_t)agg->period.nmonths * AGG_VM_N },
	};
	int isnew;
	long idx = entity_index(agg, &kind, AGG_KEY(township, village), &isnew);
	if (idx >= 0 && isnew) {
		struct agg_village *v = &agg->villages[idx];
		v->township = township;
		v->village = village;
		v->ref = agg->ref ? mq_ref_village(agg->ref, mq_intern_str(agg->strs, township),
						   mq_intern_str(agg->strs, village)) : NULL;
	}
	return idx;
}

long agg_cadre_index(struct mq_agg *agg, int32_t id)
{
	if ((size_t)id < agg->ncadre_by_str && agg->cadre_by_str[id])
		return (long)agg->cadre_by_str[id] - 1; /* the per-record fast path */
	const struct entity_kind kind = {
		&agg->cadre_of, (void **)&agg->cadres, &agg->ncadres, &agg->acadres, sizeof *agg->cadres,
		{ &agg->cmonths, &agg->days }, { (size_t)agg->period.nmonths * AGG_CM_N, agg->day_words },
	};
	int isnew;
	long idx = entity_index(agg, &kind, (uint64_t)(uint32_t)id, &isnew);
	if (idx < 0 || !isnew)
		return idx;
	struct agg_cadre *c = &agg->cadres[idx];
	c->id = id;
	c->ref = agg->ref ? mq_ref_cadre(agg->ref, mq_intern_str(agg->strs, id)) : NULL;
	c->first = c->last = MQ_NO_DAY;
	if (mq_grow((void **)&agg->cadre_by_str, &agg->ncadre_by_str, (size_t)id + 1, sizeof *agg->cadre_by_str))
		return -1;
	agg->cadre_by_str[id] = (uint32_t)idx + 1;
	return idx;
}

/* The cache of field f, or NULL for fields looked up in agg->strs. */
static struct agg_field_cache *agg_field_cache(struct mq_agg *agg, int f)
{
	static const int cached[] = { MQ_F_TOWNSHIP, MQ_F_VILLAGE, MQ_F_CADRE_ID, MQ_F_COUNTY, MQ_F_CADRE_NAME };
	for (int i = 0; i < AGG_NCACHES; i++)
		if (cached[i] == f)
			return agg->caches[i].keys ? &agg->caches[i] : NULL;
	return NULL;
}

static int32_t intern_s(struct mq_agg *agg, const char *s)
{
	return mq_intern_id(agg->strs, s ? s : "", s ? strlen(s) : 0);
}

/* ---- construction ---- */

static void free_rows(struct mq_agg *agg)
{
	free(agg->vrows);
	free(agg->trows);
	free(agg->crows);
	free(agg->tmonths);
	free(agg->tmonth_counts);
	free(agg->cadre_rows);
	free(agg->cm_rows);
	agg->vrows = agg->trows = agg->crows = NULL;
	agg->tmonths = NULL;
	agg->tmonth_counts = NULL;
	agg->cadre_rows = NULL;
	agg->cm_rows = NULL;
	agg->nvrows = agg->ntrows = agg->ncrows = agg->ncadre_rows = agg->ncm_rows = 0;
}

void mq_agg_free(struct mq_agg *agg)
{
	if (!agg)
		return;
	free_rows(agg);
	mq_intern_free(agg->strs);
	free(agg->villages);
	free(agg->vmonths);
	agg_map_free(&agg->village_of);
	agg_map_free(&agg->households);
	free(agg->hh_of);
	agg_map_free(&agg->county_votes);
	free(agg->cadres);
	free(agg->cmonths);
	free(agg->days);
	agg_map_free(&agg->cadre_of);
	free(agg->cadre_by_str);
	free(agg->village_of_ref);
	free(agg->cadre_of_ref);
	agg_map_free(&agg->name_votes);
	agg_map_free(&agg->village_votes);
	free(agg->assigns);
	agg_map_free(&agg->assign_of);
	for (int i = 0; i < AGG_NCACHES; i++) {
		mq_intern_free(agg->caches[i].keys);
		free(agg->caches[i].strs_id);
	}
	free(agg);
}

struct mq_agg *mq_agg_new(const struct mq_period *p, mq_day run_date,
			  const struct mq_reference *ref)
{
	struct mq_agg *agg = calloc(1, sizeof *agg);
	if (!agg)
		return NULL;
	agg->period = *p;
	agg->run_date = run_date;
	agg->as_of = mq_period_as_of(p, run_date);
	for (int i = 0; i < p->nmonths && i < 12; i++) {
		mq_day last;
		mq_period_month(p, i, NULL, &last, NULL);
		agg->month_as_of[i] = last < run_date ? last : run_date;
	}
	agg->ref = ref;
	agg->day_words = (size_t)(p->last - p->first + 1 + 63) / 64;
	agg->dirty = 1;
	agg->strs = mq_intern_new();
	for (int i = 0; i < AGG_NCACHES; i++)
		if (!(agg->caches[i].keys = mq_intern_new()))
			goto oom;
	if (!agg->strs || agg_map_init(&agg->village_of, 1) || agg_map_init(&agg->households, 1) ||
	    agg_map_init(&agg->county_votes, 0) || agg_map_init(&agg->cadre_of, 1) ||
	    agg_map_init(&agg->name_votes, 0) || agg_map_init(&agg->village_votes, 0) ||
	    agg_map_init(&agg->assign_of, 0))
		goto oom;
	if (ref && ref->has_registry) {
		if (!(agg->village_of_ref = calloc(ref->nvillages ? ref->nvillages : 1, sizeof *agg->village_of_ref)))
			goto oom;
		for (size_t i = 0; i < ref->nvillages; i++) {
			int32_t t = intern_s(agg, ref->villages[i].township);
			int32_t v = intern_s(agg, ref->villages[i].village);
			if (t < 0 || v < 0 || (agg->village_of_ref[i] = agg_village_index(agg, t, v)) < 0)
				goto oom;
			const char *ts = ref->villages[i].township, *vs = ref->villages[i].village;
			agg->ref_fingerprint += mq_hash(vs, strlen(vs), mq_hash(ts, strlen(ts), 11));
		}
	}
	if (ref && ref->has_roster) {
		if (!(agg->cadre_of_ref = calloc(ref->ncadres ? ref->ncadres : 1, sizeof *agg->cadre_of_ref)))
			goto oom;
		for (size_t i = 0; i < ref->ncadres; i++) {
			int32_t id = intern_s(agg, ref->cadres[i].cadre_id);
			if (id < 0 || (agg->cadre_of_ref[i] = agg_cadre_index(agg, id)) < 0)
				goto oom;
			const char *cs = ref->cadres[i].cadre_id;
			agg->ref_fingerprint += mq_hash(cs, strlen(cs), 13);
		}
	}
	if (ref && ref->has_assignments) {
		agg->assigns = calloc(ref->nassignments ? ref->nassignments : 1, sizeof *agg->assigns);
		if (!agg->assigns)
			goto oom;
		for (size_t i = 0; i < ref->nassignments; i++) {
			int32_t c = intern_s(agg, ref->assignments[i].cadre_id);
			int32_t h = intern_s(agg, ref->assignments[i].household_id);
			if (c < 0 || h < 0)
				goto oom;
			int isnew;
			size_t slot = agg_map_put(&agg->assign_of, AGG_KEY(c, h), &isnew);
			if (slot == (size_t)-1)
				goto oom;
			if (!isnew)
				continue; /* a pair listed twice counts once */
			agg->assign_of.vals[slot] = agg->nassigns;
			agg->assigns[agg->nassigns].cadre = c;
			agg->assigns[agg->nassigns].household = h;
			agg->nassigns++;
			/* order-independent fingerprint of the distinct pairs */
			const char *cs = ref->assignments[i].cadre_id, *hs = ref->assignments[i].household_id;
			agg->ref_fingerprint += mq_hash(hs, strlen(hs), mq_hash(cs, strlen(cs), 7));
		}
	}
	return agg;
oom:
	mq_agg_free(agg);
	return NULL;
}

const struct mq_period *mq_agg_period(const struct mq_agg *agg) { return &agg->period; }
mq_day mq_agg_run_date(const struct mq_agg *agg) { return agg->run_date; }
mq_day mq_agg_as_of(const struct mq_agg *agg) { return agg->as_of; }
long long mq_agg_records_in_period(const struct mq_agg *agg) { return agg->in_period; }

/* ---- counting one record ---- */

static int vote(struct agg_map *m, uint64_t key)
{
	int isnew;
	size_t slot = agg_map_put(m, key, &isnew);
	if (slot == (size_t)-1)
		return MQ_ERR_NOMEM;
	m->vals[slot]++;
	return 0;
}

/* The string id of a record's field. Townships, villages, cadres, counties
 * and names are few, but agg->strs also holds every household, so a lookup
 * there misses the processor cache; a small table per field (its own ids
 * mapped to agg->strs ids) stays in the cache. Households go to agg->strs
 * directly. */
static int32_t intern_field(struct mq_agg *agg, const struct mq_record *rec, int f)
{
	const char *s = rec->text[f] ? rec->text[f] : "";
	size_t len = rec->text[f] ? rec->len[f] : 0;
	struct agg_field_cache *c = agg_field_cache(agg, f);
	if (!c)
		return mq_intern_id(agg->strs, s, len);
	int32_t k = mq_intern_id(c->keys, s, len);
	if (k < 0)
		return -1;
	if ((size_t)k == c->n) { /* new to this field */
		if (mq_grow((void **)&c->strs_id, &c->alloc, c->n + 1, sizeof *c->strs_id))
			return -1;
		int32_t id = mq_intern_id(agg->strs, s, len);
		if (id < 0)
			return -1;
		c->strs_id[c->n++] = id;
	}
	return c->strs_id[k];
}

/* 1 when the record's text of field f is s, byte for byte */
static int text_is(const struct mq_record *rec, int f, const char *s)
{
	return rec->text[f] && strncmp(s, rec->text[f], rec->len[f]) == 0 && s[rec->len[f]] == '\0';
}

/* The row of p in the array rows[0..n) of size-byte rows, or -1 when p
 * points elsewhere (another reference's rows, or NULL) */
static long row_of(const void *p, const void *rows, size_t n, size_t size)
{
	uintptr_t at = (uintptr_t)p, base = (uintptr_t)rows;
	return p && rows && at >= base && at < base + n * size ? (long)((at - base) / size) : -1;
}

/* The village and cadre of a record the validator found in this
 * aggregator's reference (record.h), by their row there: -1 when it did
 * not, or when the row's names are not the record's byte for byte (the
 * registry's key joins township and village with a separator), so the
 * names are looked up as they are. */
static long village_by_ref(const struct mq_agg *agg, const struct mq_record *rec)
{
	const struct mq_reference *ref = agg->ref;
	long i = agg->village_of_ref ? row_of(rec->village_ref, ref->villages, ref->nvillages, sizeof *ref->villages) : -1;
	return i >= 0 && (rec->village_exact || (text_is(rec, MQ_F_TOWNSHIP, ref->villages[i].township) &&
						 text_is(rec, MQ_F_VILLAGE, ref->villages[i].village)))
	       ? agg->village_of_ref[i] : -1;
}

static long cadre_by_ref(const struct mq_agg *agg, const struct mq_record *rec)
{
	const struct mq_reference *ref = agg->ref;
	long i = agg->cadre_of_ref ? row_of(rec->cadre_ref, ref->cadres, ref->ncadres, sizeof *ref->cadres) : -1;
	return i >= 0 && (rec->cadre_exact || text_is(rec, MQ_F_CADRE_ID, ref->cadres[i].cadre_id))
	       ? agg->cadre_of_ref[i] : -1;
}

/* The household's entry by the number its validator gave it (str -1
 * inside: not looked up yet), NULL when the record has none from the
 * validator this aggregator follows, HH_NOMEM on OOM. */
static struct agg_hh hh_nomem;
#define HH_NOMEM (&hh_nomem)
static struct agg_hh *household_known(struct mq_agg *agg, const struct mq_record *rec)
{
	if (!rec->household_set || rec->household_no < 0 || (agg->hh_set && rec->household_set != agg->hh_set))
		return NULL;
	agg->hh_set = rec->household_set;
	size_t no = (size_t)rec->household_no;
	size_t old = agg->ahh_of;
	if (mq_grow((void **)&agg->hh_of, &agg->ahh_of, no + 1, sizeof *agg->hh_of))
		return HH_NOMEM;
	for (size_t i = old; i < agg->ahh_of; i++)
		agg->hh_of[i] = (struct agg_hh){ -1, -1 };
	return &agg->hh_of[no];
}

/* The counter of each mark (bit k of mq_visit_marks) in a village's and
 * a cadre's counts; -1: not counted there. */
static const int8_t village_counter[MQ_VISIT_NMARKS] = {
	AGG_V_HOME, AGG_V_DEMANDS, AGG_V_RESOLVED, AGG_V_OVERDUE, AGG_V_SIGNED, AGG_V_SAT_N, AGG_V_SAT_OK,
};
static const int8_t cadre_counter[MQ_VISIT_NMARKS] = {
	-1, AGG_C_DEMANDS, AGG_C_RESOLVED, -1, AGG_C_SIGNED, AGG_C_SAT_N, AGG_C_SAT_OK,
};

static inline void count_marks(uint64_t *count, unsigned marks, const int8_t *counter)
{
	/* unrolled, the tables fold into constants: as fast as the additions written out */
#pragma GCC unroll 8
	for (int k = 0; k < MQ_VISIT_NMARKS; k++)
		if (counter[k] >= 0)
			count[counter[k]] += marks >> k & 1;
}

int mq_agg_add(struct mq_agg *agg, const struct mq_record *rec)
{
	mq_day day = rec->visit_date;
	int mi = mq_period_month_of(&agg->period, day);
	if (mi < 0)
		return 0; /* outside the period: not counted (contract section 4) */
	agg->in_period++;
	agg->dirty = 1;

	/* the household: known by the validator's number when it was seen
	 * before; else its slot in the big string table is out of cache:
	 * start loading it now and look it up after the other fields' work */
	struct agg_hh *known = household_known(agg, rec);
	if (known == HH_NOMEM)
		return MQ_ERR_NOMEM;
	int32_t hh = known ? known->str : -1;
	const char *hs = rec->text[MQ_F_HOUSEHOLD_ID] ? rec->text[MQ_F_HOUSEHOLD_ID] : "";
	size_t hl = rec->text[MQ_F_HOUSEHOLD_ID] ? rec->len[MQ_F_HOUSEHOLD_ID] : 0;
	uint64_t hh_hash = hh < 0 ? mq_intern_hash(hs, hl) : 0;
	if (hh < 0)
		mq_intern_prefetch(agg->strs, hh_hash, 0);
	long vi = village_by_ref(agg, rec), ci = cadre_by_ref(agg, rec);
	if (vi < 0) {
		int32_t t = intern_field(agg, rec, MQ_F_TOWNSHIP), v = intern_field(agg, rec, MQ_F_VILLAGE);
		if (t < 0 || v < 0 || (vi = agg_village_index(agg, t, v)) < 0)
			return MQ_ERR_NOMEM;
	}
	if (ci < 0) {
		int32_t id = intern_field(agg, rec, MQ_F_CADRE_ID);
		if (id < 0 || (ci = agg_cadre_index(agg, id)) < 0)
			return MQ_ERR_NOMEM;
	}
	int32_t cid = agg->cadres[ci].id;
	if (hh < 0)
		mq_intern_prefetch(agg->strs, hh_hash, 1);

	/* as of the period's as-of date; the month rows as of their month's
	 * own as-of date */
	const struct mq_visit_facts facts = {
		.due = rec->due_date, .closed = rec->closed_date, .topics = rec->topics,
		.mode = rec->visit_mode, .status = rec->status, .satisfaction = rec->satisfaction,
		.is_signed = rec->is_signed, .has_demand = rec->text[MQ_F_DEMAND] != NULL,
	};
	unsigned marks = mq_visit_marks(&facts, agg->as_of);
	int demand = !!(marks & MQ_VISIT_DEMAND), home = !!(marks & MQ_VISIT_HOME);
	int resolved_m = demand && mq_resolved_by(rec->status, rec->closed_date, agg->month_as_of[mi]);

	if (hh < 0)
		mq_intern_prefetch(agg->strs, hh_hash, 2);
	struct agg_village *vil = &agg->villages[vi];
	vil->count[AGG_V_VISITS]++;
	count_marks(vil->count, marks, village_counter);
	for (uint32_t b = rec->topics, k = 0; b; b >>= 1, k++)
		if (b & 1)
			vil->topics[k]++;
	uint64_t *vm = agg->vmonths + ((size_t)vi * agg->period.nmonths + mi) * AGG_VM_N;
	vm[AGG_VM_VISITS]++;
	vm[AGG_VM_HOME] += home;
	vm[AGG_VM_DEMANDS] += demand;
	vm[AGG_VM_RESOLVED] += resolved_m;

	if (hh < 0 && (hh = mq_intern_id_h(agg->strs, hs, hl, hh_hash)) < 0)
		return MQ_ERR_NOMEM;
	/* a household is nearly always visited in the same village: its
	 * pair with the village of its last record is in the set already */
	int isnew = 0;
	if (!known || known->village != (int32_t)vi) {
		if (agg_map_put(&agg->households, AGG_KEY(vi, hh), &isnew) == (size_t)-1)
			return MQ_ERR_NOMEM;
		if (known)
			*known = (struct agg_hh){ hh, (int32_t)vi };
	}
	vil->households += isnew;
	if (rec->text[MQ_F_COUNTY] && !vil->ref) { /* the registry's county wins */
		int32_t county = intern_field(agg, rec, MQ_F_COUNTY);
		if (county < 0 || vote(&agg->county_votes, AGG_KEY(vi, county)))
			return MQ_ERR_NOMEM;
	}

	struct agg_cadre *c = &agg->cadres[ci];
	c->count[AGG_C_DIARIES]++;
	count_marks(c->count, marks, cadre_counter);
	if (c->first == MQ_NO_DAY || day < c->first)
		c->first = day;
	if (c->last == MQ_NO_DAY || day > c->last)
		c->last = day;
	uint64_t *cm = agg->cmonths + ((size_t)ci * agg->period.nmonths + mi) * AGG_CM_N;
	cm[AGG_CM_DIARIES]++;
	cm[AGG_CM_DEMANDS] += demand;
	cm[AGG_CM_RESOLVED] += resolved_m;
	if (mq_mode_in_person(rec->visit_mode)) {
		unsigned off = (unsigned)(day - agg->period.first);
		agg->days[(size_t)ci * agg->day_words + off / 64] |= 1ULL << (off % 64);
	}
	if (!c->ref) { /* the roster's name and village win */
		int32_t name = intern_field(agg, rec, MQ_F_CADRE_NAME);
		if (name < 0 || vote(&agg->name_votes, AGG_KEY(ci, name)) ||
		    vote(&agg->village_votes, AGG_KEY(ci, vi)))
			return MQ_ERR_NOMEM;
	}
	if (home && agg->nassigns) {
		size_t slot = agg_map_find(&agg->assign_of, AGG_KEY(cid, hh));
		if (slot != (size_t)-1) {
			int quarter = (agg->period.first_month % 12 + mi) / 3;
			agg->assigns[agg->assign_of.vals[slot]].mask |= (uint8_t)(1u << quarter);
		}
	}
	return 0;
}

int mq_agg_accept_cb(const struct mq_record *rec, void *ctx)
{
	return mq_agg_add(ctx, rec);
}

/* household_known's entry is one of many (a household's), out of cache */
void mq_agg_soon_cb(const struct mq_record *rec, void *ctx)
{
	const struct mq_agg *agg = ctx;
	if (rec->household_set && rec->household_set == agg->hh_set && rec->household_no >= 0 &&
	    (size_t)rec->household_no < agg->ahh_of)
		__builtin_prefetch(&agg->hh_of[rec->household_no]);
}

/* ---- rows ---- */

static const char *S(const struct mq_agg *agg, int32_t id) { return mq_intern_str(agg->strs, id); }

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

int mq_place_cmp(const char *const a[3], const char *const b[3])
{
	int c = 0;
	for (int i = 0; i < 3 && !c; i++)
		c = cmp_str(a[i], b[i]);
	return c;
}

static int cmp_summary(const void *pa, const void *pb)
{
	const struct mq_summary_row *a = pa, *b = pb;
	return mq_place_cmp((const char *const[3]){ a->county, a->township, a->village },
			    (const char *const[3]){ b->county, b->township, b->village });
}

/* Best of each owner's votes in map (key = owner << 32 | candidate): most
 * votes, a tie going to the candidate that sorts first by better(). */
static void best_votes(const struct agg_map *m, int32_t *best, uint64_t *best_n, size_t nowners,
		       int (*better)(const struct mq_agg *, int32_t, int32_t), const struct mq_agg *agg)
{
	for (size_t i = 0; i < nowners; i++) {
		best[i] = -1;
		best_n[i] = 0;
	}
	for (size_t e = 0; e < m->n; e++) {
		uint64_t key = m->keys[e];
		size_t owner = (size_t)(key >> 32);
		int32_t cand = (int32_t)(uint32_t)key;
		uint64_t n = m->vals[e];
		if (owner >= nowners)
			continue;
		if (n > best_n[owner] || (n == best_n[owner] && better(agg, cand, best[owner]))) {
			best[owner] = cand;
			best_n[owner] = n;
		}
	}
}

static int string_first(const struct mq_agg *agg, int32_t a, int32_t b)
{
	return b < 0 || strcmp(S(agg, a), S(agg, b)) < 0;
}

static int village_first(const struct mq_agg *agg, int32_t a, int32_t b)
{
	if (b < 0)
		return 1;
	const struct agg_village *va = &agg->villages[a], *vb = &agg->villages[b];
	int c = strcmp(S(agg, va->township), S(agg, vb->township));
	return c < 0 || (c == 0 && strcmp(S(agg, va->village), S(agg, vb->village)) < 0);
}

static int cmp_village_index(const void *pa, const void *pb, void *ctx)
{
	const struct mq_summary_row *rows = ctx;
	return cmp_summary(&rows[*(const size_t *)pa], &rows[*(const size_t *)pb]);
}

void mq_counts_visit(struct mq_counts *k, const struct mq_visit_facts *v, mq_day as_of)
{
	unsigned marks = mq_visit_marks(v, as_of);
	k->visits++;
	k->home_visits += !!(marks & MQ_VISIT_HOME);
	k->demands += !!(marks & MQ_VISIT_DEMAND);
	k->resolved += !!(marks & MQ_VISIT_RESOLVED);
	k->overdue += !!(marks & MQ_VISIT_OVERDUE);
	k->signed_visits += !!(marks & MQ_VISIT_SIGNED);
	k->sat_answers += !!(marks & MQ_VISIT_SAT);
	k->sat_positive += !!(marks & MQ_VISIT_SAT_OK);
	for (uint32_t b = v->topics, t = 0; b; b >>= 1, t++)
		k->topics[t] += b & 1;
}

void mq_counts_add(struct mq_counts *to, const struct mq_counts *from)
{
	to->visits += from->visits;
	to->home_visits += from->home_visits;
	to->households_visited += from->households_visited;
	to->households_registered += from->households_registered;
	to->registered_known |= from->registered_known;
	to->demands += from->demands;
	to->resolved += from->resolved;
	to->overdue += from->overdue;
	to->signed_visits += from->signed_visits;
	to->sat_answers += from->sat_answers;
	to->sat_positive += from->sat_positive;
	for (int k = 0; k < MQ_TOPIC_N; k++)
		to->topics[k] += from->topics[k];
}

static int cmp_cadre_index(const void *pa, const void *pb, void *ctx)
{
	const struct mq_agg *agg = ctx;
	const struct agg_cadre *a = &agg->cadres[*(const size_t *)pa], *b = &agg->cadres[*(const size_t *)pb];
	return strcmp(mq_intern_str(agg->strs, a->id), mq_intern_str(agg->strs, b->id));
}

static int popcount_range(const uint64_t *bits, unsigned from, unsigned to /* exclusive */)
{
	int n = 0;
	for (unsigned i = from; i < to; i++)
		n += (int)((bits[i / 64] >> (i % 64)) & 1);
	return n;
}

static int build_village_rows(struct mq_agg *agg)
{
	size_t nv = agg->nvillages, nm = (size_t)agg->period.nmonths;
	int32_t *county = malloc((nv ? nv : 1) * sizeof *county);
	uint64_t *county_n = malloc((nv ? nv : 1) * sizeof *county_n);
	size_t *order = malloc((nv ? nv : 1) * sizeof *order);
	agg->vrows = calloc(nv ? nv : 1, sizeof *agg->vrows);
	if (!county || !county_n || !order || !agg->vrows)
		goto oom;
	best_votes(&agg->county_votes, county, county_n, nv, string_first, agg);
	for (size_t i = 0; i < nv; i++) {
		const struct agg_village *v = &agg->villages[i];
		struct mq_summary_row *r = &agg->vrows[i];
		r->county = v->ref ? v->ref->county : county[i] >= 0 ? S(agg, county[i]) : "";
		if (!r->county)
			r->county = "";
		r->township = S(agg, v->township);
		r->village = S(agg, v->village);
		r->c.visits = (long long)v->count[AGG_V_VISITS];
		r->c.home_visits = (long long)v->count[AGG_V_HOME];
		r->c.households_visited = (long long)v->households;
		r->c.registered_known = v->ref && v->ref->households >= 0;
		r->c.households_registered = r->c.registered_known ? v->ref->households : 0;
		r->c.demands = (long long)v->count[AGG_V_DEMANDS];
		r->c.resolved = (long long)v->count[AGG_V_RESOLVED];
		r->c.overdue = (long long)v->count[AGG_V_OVERDUE];
		r->c.signed_visits = (long long)v->count[AGG_V_SIGNED];
		r->c.sat_answers = (long long)v->count[AGG_V_SAT_N];
		r->c.sat_positive = (long long)v->count[AGG_V_SAT_OK];
		for (int k = 0; k < MQ_TOPIC_N; k++)
			r->c.topics[k] = (long long)v->topics[k];
	}
	/* sort indexes by the rows' keys; months are looked up through them */
	for (size_t i = 0; i < nv; i++)
		order[i] = i;
	qsort_r(order, nv, sizeof *order, cmp_village_index, agg->vrows);
	{
		struct mq_summary_row *sorted = malloc((nv ? nv : 1) * sizeof *sorted);
		if (!sorted)
			goto oom;
		for (size_t i = 0; i < nv; i++)
			sorted[i] = agg->vrows[order[i]];
		free(agg->vrows);
		agg->vrows = sorted;
	}
	agg->nvrows = nv;

	/* townships and counties: consecutive runs of the sorted villages */
	agg->trows = calloc(nv ? nv : 1, sizeof *agg->trows);
	agg->crows = calloc(nv ? nv : 1, sizeof *agg->crows);
	agg->tmonths = calloc(nv ? nv : 1, sizeof *agg->tmonths);
	agg->tmonth_counts = calloc((nv ? nv : 1) * nm, sizeof *agg->tmonth_counts);
	if (!agg->trows || !agg->crows || !agg->tmonths || !agg->tmonth_counts)
		goto oom;
	for (size_t i = 0; i < nv; i++) {
		const struct mq_summary_row *r = &agg->vrows[i];
		if (!agg->ntrows || cmp_str(agg->trows[agg->ntrows - 1].county, r->county) ||
		    cmp_str(agg->trows[agg->ntrows - 1].township, r->township)) {
			struct mq_summary_row *t = &agg->trows[agg->ntrows];
			t->county = r->county;
			t->township = r->township;
			agg->tmonths[agg->ntrows].county = r->county;
			agg->tmonths[agg->ntrows].township = r->township;
			agg->tmonths[agg->ntrows].months = agg->tmonth_counts + agg->ntrows * nm;
			agg->ntrows++;
		}
		mq_counts_add(&agg->trows[agg->ntrows - 1].c, &r->c);
		const uint64_t *vm = agg->vmonths + order[i] * nm * AGG_VM_N;
		struct mq_month_counts *tm = agg->tmonths[agg->ntrows - 1].months;
		for (size_t m = 0; m < nm; m++) {
			tm[m].visits += (long long)vm[m * AGG_VM_N + AGG_VM_VISITS];
			tm[m].home_visits += (long long)vm[m * AGG_VM_N + AGG_VM_HOME];
			tm[m].demands += (long long)vm[m * AGG_VM_N + AGG_VM_DEMANDS];
			tm[m].resolved += (long long)vm[m * AGG_VM_N + AGG_VM_RESOLVED];
		}
		if (!agg->ncrows || cmp_str(agg->crows[agg->ncrows - 1].county, r->county)) {
			agg->crows[agg->ncrows].county = r->county;
			agg->ncrows++;
		}
		mq_counts_add(&agg->crows[agg->ncrows - 1].c, &r->c);
	}
	free(county);
	free(county_n);
	free(order);
	return 0;
oom:
	free(county);
	free(county_n);
	free(order);
	return MQ_ERR_NOMEM;
}

static int build_cadre_rows(struct mq_agg *agg)
{
	size_t nc = agg->ncadres, nm = (size_t)agg->period.nmonths, alloc = nc ? nc : 1;
	int rc = MQ_ERR_NOMEM;
	int32_t *name = malloc(alloc * sizeof *name), *vil = malloc(alloc * sizeof *vil);
	uint64_t *name_n = malloc(alloc * sizeof *name_n), *vil_n = malloc(alloc * sizeof *vil_n);
	size_t *order = malloc(alloc * sizeof *order);
	long long *assigned = calloc(alloc, sizeof *assigned), *hits = calloc(alloc, sizeof *hits);
	uint8_t *range = calloc(alloc, 1);
	int *nq = calloc(alloc, sizeof *nq);
	agg->cadre_rows = calloc(alloc, sizeof *agg->cadre_rows);
	if (!name || !vil || !name_n || !vil_n || !order || !assigned || !hits || !range || !nq ||
	    !agg->cadre_rows)
		goto done;
	best_votes(&agg->name_votes, name, name_n, nc, string_first, agg);
	best_votes(&agg->village_votes, vil, vil_n, nc, village_first, agg);

	/* coverage: (assigned household, quarter) pairs over the quarters from
	 * the quarter of the cadre's first record in the period to that of the
	 * last (contract section 5); quarters are numbered 0–3 in the year */
	for (size_t i = 0; i < nc; i++) {
		const struct agg_cadre *c = &agg->cadres[i];
		if (c->first == MQ_NO_DAY)
			continue;
		int qa = (agg->period.first_month % 12 + mq_period_month_of(&agg->period, c->first)) / 3;
		int qb = (agg->period.first_month % 12 + mq_period_month_of(&agg->period, c->last)) / 3;
		for (int q = qa; q <= qb; q++)
			range[i] |= (uint8_t)(1u << q);
		nq[i] = qb - qa + 1;
	}
	for (size_t a = 0; a < agg->nassigns; a++) {
		size_t ci = agg_map_find(&agg->cadre_of, (uint64_t)(uint32_t)agg->assigns[a].cadre);
		if (ci == (size_t)-1)
			continue;
		assigned[ci]++;
		hits[ci] += __builtin_popcount(agg->assigns[a].mask & range[ci]);
	}

	/* listed: roster cadres always, others when they have records */
	size_t n = 0, nrows_month = 0;
	for (size_t i = 0; i < nc; i++)
		if (agg->cadres[i].ref || agg->cadres[i].count[AGG_C_DIARIES])
			order[n++] = i;
	qsort_r(order, n, sizeof *order, cmp_cadre_index, agg);
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		const struct agg_cadre *c = &agg->cadres[i];
		struct mq_cadre_row *r = &agg->cadre_rows[k];
		r->cadre_id = S(agg, c->id);
		r->in_roster = c->ref != NULL;
		if (c->ref) {
			r->cadre_name = c->ref->cadre_name;
			r->role = c->ref->role;
			r->unit = c->ref->unit;
			r->township = c->ref->township;
			r->village = c->ref->village;
			r->resident = c->ref->resident;
		} else {
			r->cadre_name = name[i] >= 0 ? S(agg, name[i]) : "";
			r->township = vil[i] >= 0 ? S(agg, agg->villages[vil[i]].township) : "";
			r->village = vil[i] >= 0 ? S(agg, agg->villages[vil[i]].village) : "";
		}
		if (!r->cadre_name)
			r->cadre_name = "";
		if (!r->township)
			r->township = "";
		if (!r->village)
			r->village = "";
		r->diaries = (long long)c->count[AGG_C_DIARIES];
		r->demands = (long long)c->count[AGG_C_DEMANDS];
		r->resolved = (long long)c->count[AGG_C_RESOLVED];
		r->signed_visits = (long long)c->count[AGG_C_SIGNED];
		r->sat_answers = (long long)c->count[AGG_C_SAT_N];
		r->sat_positive = (long long)c->count[AGG_C_SAT_OK];
		r->days_in_village = popcount_range(agg->days + i * agg->day_words, 0,
						    (unsigned)(agg->period.last - agg->period.first + 1));
		const uint64_t *cm = agg->cmonths + i * nm * AGG_CM_N;
		for (size_t m = 0; m < nm; m++) {
			uint64_t d = cm[m * AGG_CM_N + AGG_CM_DIARIES];
			r->month_diaries[m] = (int)d;
			r->months_with_records += d > 0;
			r->months_quota_met += d >= MQ_DIARY_QUOTA;
			nrows_month += c->ref || d > 0;
		}
		r->assigned_households = assigned[i];
		r->coverage_pairs = assigned[i] * nq[i];
		r->coverage_hits = hits[i];
	}
	agg->ncadre_rows = n;

	/* cadre_monthly: by cadre_id, then month; each month as of its own
	 * as-of date (counted that way in mq_agg_add) */
	agg->cm_rows = calloc(nrows_month ? nrows_month : 1, sizeof *agg->cm_rows);
	if (!agg->cm_rows)
		goto done;
	size_t m_out = 0;
	for (size_t k = 0; k < n; k++) {
		const struct mq_cadre_row *r = &agg->cadre_rows[k];
		size_t i = order[k];
		const uint64_t *cm = agg->cmonths + i * nm * AGG_CM_N;
		const uint64_t *bits = agg->days + i * agg->day_words;
		for (size_t m = 0; m < nm; m++) {
			uint64_t d = cm[m * AGG_CM_N + AGG_CM_DIARIES];
			if (!r->in_roster && !d)
				continue;
			struct mq_cadre_month_row *o = &agg->cm_rows[m_out++];
			mq_day mf, ml;
			mq_period_month(&agg->period, (int)m, &mf, &ml, o->month);
			o->cadre_id = r->cadre_id;
			o->cadre_name = r->cadre_name;
			o->township = r->township;
			o->village = r->village;
			o->diaries = (long long)d;
			o->quota_met = d >= MQ_DIARY_QUOTA;
			o->days_in_village = popcount_range(bits, (unsigned)(mf - agg->period.first),
							    (unsigned)(ml - agg->period.first + 1));
			o->demands = (long long)cm[m * AGG_CM_N + AGG_CM_DEMANDS];
			o->resolved = (long long)cm[m * AGG_CM_N + AGG_CM_RESOLVED];
		}
	}
	agg->ncm_rows = m_out;
	rc = 0;
done:
	free(name);
	free(vil);
	free(name_n);
	free(vil_n);
	free(order);
	free(assigned);
	free(hits);
	free(range);
	free(nq);
	return rc;
}

static int compute(struct mq_agg *agg)
{
	if (!agg->dirty)
		return 0;
	free_rows(agg);
	int rc = build_village_rows(agg);
	if (!rc)
		rc = build_cadre_rows(agg);
	if (rc) {
		free_rows(agg);
		return rc;
	}
	agg->dirty = 0;
	return 0;
}

#define ROWS(fn, type, field, count)                                  \
	const type *fn(struct mq_agg *agg, size_t *n)                 \
	{                                                             \
		if (compute(agg)) {                                   \
			*n = 0;                                       \
			return NULL;                                  \
		}                                                     \
		*n = agg->count;                                      \
		return agg->field;                                    \
	}
ROWS(mq_agg_villages, struct mq_summary_row, vrows, nvrows)
ROWS(mq_agg_townships, struct mq_summary_row, trows, ntrows)
ROWS(mq_agg_counties, struct mq_summary_row, crows, ncrows)
ROWS(mq_agg_cadre_months, struct mq_cadre_month_row, cm_rows, ncm_rows)
ROWS(mq_agg_cadres, struct mq_cadre_row, cadre_rows, ncadre_rows)
ROWS(mq_agg_township_months, struct mq_township_months, tmonths, ntrows)

/* ---- CSV ---- */

static const char *const summary_cols[] = {
	"period", "county", "township", "village", "visits", "home_visits",
	"households_visited", "households_registered", "coverage", "demands",
	"resolved", "overdue", "resolution_rate", "signed_rate", "satisfaction_rate",
};

int mq_summary_header(int level, const char **cells, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof summary_cols / sizeof *summary_cols; i++) {
		if ((level >= 1 && i == 3) || (level >= 2 && i == 2))
			continue;
		if (n < max)
			cells[n] = summary_cols[i];
		n++;
	}
	return (int)n;
}


/* Rows written of the four files, for the progress line. */
struct rows_done {
	struct mq_progress *progress;
	long long done, total;
};

static void row_written(struct rows_done *d)
{
	d->done++;
	mq_progress_update(d->progress, d->done, d->total, d->done);
}

static int write_summary(struct mq_agg *agg, const char *path, int level,
			 const struct mq_summary_row *rows, size_t n, int bom,
			 struct rows_done *d, struct mq_error *err)
{
	struct mq_out o;
	int rc = mq_csv_open(&o, path, bom, NULL, 0, err);
	if (rc)
		return rc;
	FILE *fp = o.fp;
	const char *cells[16];
	int nc = mq_summary_header(level, cells, 16);
	for (int i = 0; i < nc; i++)
		mq_csv_cell(fp, cells[i], i == 0);
	char topic[64];
	for (int k = 0; k < MQ_TOPIC_N; k++) {
		snprintf(topic, sizeof topic, "topic_%s", mq_topics[k]);
		mq_csv_cell(fp, topic, 0);
	}
	mq_csv_end(fp);
	for (size_t i = 0; i < n; i++) {
		const struct mq_summary_row *r = &rows[i];
		const struct mq_counts *c = &r->c;
		mq_csv_cell(fp, agg->period.label, 1);
		mq_csv_cell(fp, r->county, 0);
		if (level < 2)
			mq_csv_cell(fp, r->township, 0);
		if (level < 1)
			mq_csv_cell(fp, r->village, 0);
		mq_csv_count(fp, c->visits);
		mq_csv_count(fp, c->home_visits);
		mq_csv_count(fp, c->households_visited);
		mq_csv_count_if(fp, c->registered_known, c->households_registered);
		mq_csv_rate(fp, c->households_visited, c->registered_known ? c->households_registered : 0);
		mq_csv_count(fp, c->demands);
		mq_csv_count(fp, c->resolved);
		mq_csv_count(fp, c->overdue);
		mq_csv_rate(fp, c->resolved, c->demands);
		mq_csv_rate(fp, c->signed_visits, c->visits);
		mq_csv_rate(fp, c->sat_positive, c->sat_answers);
		for (int k = 0; k < MQ_TOPIC_N; k++)
			mq_csv_count(fp, c->topics[k]);
		mq_csv_end(fp);
		row_written(d);
	}
	return mq_out_commit(&o, err);
}

static const char *const cadre_month_cols[] = {
	"period", "month", "cadre_id", "cadre_name", "township", "village", "diaries",
	"quota_met", "days_in_village", "demands", "resolved", "resolution_rate",
};

static int write_cadre_monthly(struct mq_agg *agg, const char *path, int bom, struct rows_done *d,
			       struct mq_error *err)
{
	size_t n;
	const struct mq_cadre_month_row *rows = mq_agg_cadre_months(agg, &n);
	if (!rows && agg->dirty)
		return mq_fail_nomem(err, path, 0);
	struct mq_out o;
	int rc = mq_csv_open(&o, path, bom, cadre_month_cols, sizeof cadre_month_cols / sizeof *cadre_month_cols, err);
	if (rc)
		return rc;
	FILE *fp = o.fp;
	for (size_t i = 0; i < n; i++) {
		const struct mq_cadre_month_row *r = &rows[i];
		const char *text[] = { r->month, r->cadre_id, r->cadre_name, r->township, r->village };
		const long long v[] = { r->diaries, r->quota_met, r->days_in_village, r->demands, r->resolved };
		mq_csv_cell(fp, agg->period.label, 1);
		mq_csv_cells(fp, text, sizeof text / sizeof *text);
		mq_csv_counts(fp, v, sizeof v / sizeof *v);
		mq_csv_rate(fp, r->resolved, r->demands);
		mq_csv_end(fp);
		row_written(d);
	}
	return mq_out_commit(&o, err);
}

int mq_agg_write_figures(struct mq_agg *agg, const char *data_dir, int bom,
			 struct mq_progress *progress, struct mq_error *err)
{
	if (compute(agg))
		return mq_fail_nomem(err, data_dir, 0);
	int rc = mq_mkdirs(data_dir, err);
	if (rc)
		return rc;
	static const char *const names[] = { "village_summary.csv", "township_summary.csv",
					     "county_summary.csv" };
	const struct mq_summary_row *rows[] = { agg->vrows, agg->trows, agg->crows };
	size_t counts[] = { agg->nvrows, agg->ntrows, agg->ncrows };
	struct rows_done d = { progress, 0, (long long)(agg->nvrows + agg->ntrows + agg->ncrows + agg->ncm_rows) };
	char path[4096];
	for (int level = 0; level < 3; level++) {
		snprintf(path, sizeof path, "%s/%s", data_dir, names[level]);
		rc = write_summary(agg, path, level, rows[level], counts[level], bom, &d, err);
		if (rc)
			return rc;
	}
	snprintf(path, sizeof path, "%s/cadre_monthly.csv", data_dir);
	return write_cadre_monthly(agg, path, bom, &d, err);
}
