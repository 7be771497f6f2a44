/* aggregate.h — the figures of contract section 4: per village, township
 * and county, per cadre and month, for one period.
 *
 * An aggregator (struct mq_agg) is made for one period, one run date and
 * one set of reference data (which it borrows: keep the reference alive
 * until mq_agg_free). Accepted records are fed one at a time with
 * mq_agg_add; records outside the period are ignored. Nothing is kept per
 * record: only interned strings, counters, distinct-household and
 * distinct-date sets and vote counts, so memory grows with villages,
 * cadres and households, never with records.
 *
 * The row accessors (mq_agg_villages, …) compute the rows on first use
 * after the last add or merge and return arrays owned by the aggregator,
 * valid until the next mq_agg_add/mq_agg_merge_partial or mq_agg_free.
 * Every string in a row points into the aggregator or the reference.
 *
 * Decisions where the contract is silent (see also pipeline/figures/aggregate.c):
 * - A village is keyed by (township, village). Its county is the
 *   registry's, else the most frequent non-empty county of its records in
 *   the period (a tie goes to the first in byte = Unicode order), else "".
 * - households_visited counts distinct households over every visit mode
 *   (the example's expected figures count phone and WeChat visits too).
 * - Township rows are keyed by (county, township) of their villages.
 * - A cadre's name is the roster's, else the most frequent name on the
 *   cadre's records (tie: first in Unicode order); a cadre's village is the
 *   roster's, else the village of most of the cadre's records in the
 *   period (tie: first in Unicode order of township, then village).
 * - Roster cadres get a cadre_monthly row for every month of the period,
 *   also months after the run date (their as-of date is the run date, so
 *   they hold zeros); other cadres only for months with records.
 *
 * Partial state files (mq_agg_write_partial / mq_agg_merge_partial) let a
 * province be aggregated in shards and merged; merging the partials of any
 * split of the records gives outputs byte-identical to one run. Format
 * (version 1), all integers little-endian, written byte by byte:
 *   "MQPART1\n" (8 bytes), u32 version = 1, then one zlib stream holding:
 *   u32 period-label length + bytes, i32 first day, i32 last day,
 *   i32 run date, u64 reference fingerprint, u32 months,
 *   u32 nstrings, then nstrings × (u32 length + bytes)   (string table),
 *   u32 nvillages, per village: u32 township, u32 village (string indexes),
 *     12 × u64 counters (visits, home_visits, demands, resolved, overdue,
 *     signed, satisfaction answers, satisfied, 4 reserved), 10 × u64 topics,
 *     months × 4 × u64 (visits, home_visits, demands, resolved),
 *     u32 n + n × u32 household string indexes,
 *     u32 n + n × (u32 county string, u64 votes),
 *   u32 ncadres, per cadre: u32 cadre_id string, 8 × u64 counters
 *     (diaries, demands, resolved, signed, satisfaction answers, satisfied,
 *     2 reserved), i32 first, i32 last record day,
 *     u32 bitmap bytes + bytes (in-person dates, bit i = first day + i),
 *     months × 3 × u64 (diaries, demands, resolved),
 *     u32 n + n × (u32 name string, u64 votes),
 *     u32 n + n × (u32 village index in this file, u64 votes),
 *   u32 nassign, nassign × (u32 cadre string, u32 household string,
 *     u8 quarter mask), then the 4 bytes "END\n".
 * A partial is merged only into an aggregator with the same period, run
 * date and reference data (the fingerprint covers the registry's villages,
 * the roster's cadre ids and the assignments: name and village votes are
 * only kept for cadres and villages the reference does not settle);
 * otherwise MQ_ERR_FORMAT. */
#ifndef MINQING_AGGREGATE_H
#define MINQING_AGGREGATE_H

#include <stddef.h>
#include <stdio.h>
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/progress.h"
#include "minqing/ingest/record.h"
#include "minqing/ingest/reference.h"

/* ---- rows ---- */

struct mq_counts {
	long long visits, home_visits, households_visited;
	long long households_registered; /* sum of the registry's; see registered_known */
	int registered_known;            /* 0: no registry figure (column empty) */
	long long demands, resolved, overdue;
	long long signed_visits;         /* signed_rate = signed_visits / visits */
	long long sat_answers, sat_positive; /* satisfaction_rate = positive / answers */
	long long topics[MQ_TOPIC_N];
};
/* Adds from's counts into to (a township's, a county's, a month's sum). */
void mq_counts_add(struct mq_counts *to, const struct mq_counts *from);

/* The fields of one visit the figures read, as mq_record holds them. */
struct mq_visit_facts {
	mq_day due, closed;              /* MQ_NO_DAY when absent */
	uint32_t topics;                 /* bit per enum mq_topic */
	int mode, status, satisfaction;  /* enum index, -1 absent */
	int is_signed;                   /* 1 是, 0 否 */
	int has_demand;                  /* 诉求 given */
};
/* Contract section 4: a demand is resolved as of a day when its record is
 * 已办结 with a closing date on or before that day. */
static inline int mq_resolved_by(int status, mq_day closed, mq_day as_of)
{
	return status == MQ_ST_CLOSED && closed != MQ_NO_DAY && closed <= as_of;
}
/* Contract section 4: a demand is overdue as of a day when it is not
 * resolved by that day (mq_resolved_by) and was due before it. */
static inline int mq_overdue_by(int status, mq_day closed, mq_day due, mq_day as_of)
{
	return !mq_resolved_by(status, closed, as_of) && due != MQ_NO_DAY && due < as_of;
}
enum { MQ_VISIT_HOME = 1, MQ_VISIT_DEMAND = 2, MQ_VISIT_RESOLVED = 4, MQ_VISIT_OVERDUE = 8,
       MQ_VISIT_SIGNED = 16, MQ_VISIT_SAT = 32, MQ_VISIT_SAT_OK = 64, MQ_VISIT_NMARKS = 7 };
/* What a visit counts for as of the day as_of (contract section 4), as
 * MQ_VISIT_* bits: a demand resolved (mq_resolved_by) or overdue
 * (mq_overdue_by); satisfied means 满意 or 基本满意.
 * Inline: the aggregator calls it for every record. */
static inline unsigned mq_visit_marks(const struct mq_visit_facts *v, mq_day as_of)
{
	int demand = v->has_demand != 0;
	int resolved = demand && mq_resolved_by(v->status, v->closed, as_of);
	int overdue = demand && mq_overdue_by(v->status, v->closed, v->due, as_of);
	int sat_ok = v->satisfaction == MQ_SAT_SATISFIED || v->satisfaction == MQ_SAT_BASIC;
	return (v->mode == MQ_MODE_HOME) * MQ_VISIT_HOME | demand * MQ_VISIT_DEMAND |
	       resolved * MQ_VISIT_RESOLVED | overdue * MQ_VISIT_OVERDUE |
	       (v->is_signed == 1) * MQ_VISIT_SIGNED | (v->satisfaction >= 0) * MQ_VISIT_SAT |
	       sat_ok * MQ_VISIT_SAT_OK;
}
/* Counts one visit into k as of the day as_of, as mq_agg_add counts it
 * into a village: every count but households_visited (distinct households
 * are the caller's to count). */
void mq_counts_visit(struct mq_counts *k, const struct mq_visit_facts *v, mq_day as_of);

/* One row of village_summary (village set), township_summary (village
 * NULL) or county_summary (township and village NULL). */
struct mq_summary_row {
	const char *county, *township, *village;
	struct mq_counts c;
};

/* Per-month counts of a township (for the monthly reports): as of each
 * month's own as-of date. */
struct mq_month_counts {
	long long visits, home_visits, demands, resolved;
};
struct mq_township_months {
	const char *county, *township;
	struct mq_month_counts *months;  /* nmonths entries */
};

struct mq_cadre_month_row {
	const char *cadre_id, *cadre_name, *township, *village;
	char month[8];                   /* YYYY-MM */
	long long diaries, days_in_village, demands, resolved;
	int quota_met;                   /* diaries ≥ MQ_DIARY_QUOTA */
};
#define MQ_DIARY_QUOTA 10

/* A cadre's totals over the period (what the assessment scores). */
struct mq_cadre_row {
	const char *cadre_id, *cadre_name;
	const char *role, *unit;         /* roster's; NULL for a cadre not in the roster */
	const char *township, *village;  /* roster's, else the majority village ("" none) */
	int in_roster, resident;
	long long diaries, demands, resolved, signed_visits, sat_answers, sat_positive;
	long long days_in_village;       /* distinct dates of in-person records */
	int months_with_records, months_quota_met; /* quota = MQ_DIARY_QUOTA */
	int month_diaries[12];           /* diaries per month of the period */
	long long assigned_households;   /* distinct, from the assignments */
	long long coverage_pairs, coverage_hits; /* (household, quarter) pairs */
};

/* ---- the aggregator ---- */

struct mq_agg;

/* Returns NULL on OOM. ref may be NULL (no reference data). */
struct mq_agg *mq_agg_new(const struct mq_period *p, mq_day run_date,
			  const struct mq_reference *ref);
/* Counts one accepted record (ignored outside the period). 0 or MQ_ERR_NOMEM. */
int mq_agg_add(struct mq_agg *agg, const struct mq_record *rec);
/* mq_agg_add shaped as mq_stage_opts.accepted (ctx = the aggregator). */
int mq_agg_accept_cb(const struct mq_record *rec, void *ctx);
/* Starts loading what mq_agg_add will read of rec's household (a hint,
 * shaped as mq_stage_opts.accepted_soon; ctx = the aggregator). */
void mq_agg_soon_cb(const struct mq_record *rec, void *ctx);
void mq_agg_free(struct mq_agg *agg);

const struct mq_period *mq_agg_period(const struct mq_agg *agg);
mq_day mq_agg_run_date(const struct mq_agg *agg);
mq_day mq_agg_as_of(const struct mq_agg *agg);
long long mq_agg_records_in_period(const struct mq_agg *agg);

/* Row arrays in output order; NULL with *n = 0 on OOM or when empty. */
const struct mq_summary_row *mq_agg_villages(struct mq_agg *agg, size_t *n);
const struct mq_summary_row *mq_agg_townships(struct mq_agg *agg, size_t *n);
const struct mq_summary_row *mq_agg_counties(struct mq_agg *agg, size_t *n);
const struct mq_cadre_month_row *mq_agg_cadre_months(struct mq_agg *agg, size_t *n);
const struct mq_cadre_row *mq_agg_cadres(struct mq_agg *agg, size_t *n); /* by cadre_id */
const struct mq_township_months *mq_agg_township_months(struct mq_agg *agg, size_t *n);

/* Writes data_dir/{village,township,county}_summary.csv and
 * cadre_monthly.csv atomically, updating progress (may be NULL) with the
 * rows written of the four files. */
int mq_agg_write_figures(struct mq_agg *agg, const char *data_dir, int bom,
			 struct mq_progress *progress, struct mq_error *err);

/* Partial state: see the format above. */
int mq_agg_write_partial(struct mq_agg *agg, const char *path, struct mq_error *err);
/* Adds a partial's state to agg. On error agg is left part-merged: drop it. */
int mq_agg_merge_partial(struct mq_agg *agg, const char *path, struct mq_error *err);
/* Reads the run date a partial was made with (to merge without --as-of). */
int mq_partial_run_date(const char *path, mq_day *run_date, struct mq_error *err);

/* Summary CSV header cells for a level (0 village, 1 township, 2 county). */
int mq_summary_header(int level, const char **cells, size_t max);

/* Orders places { county, township, village } (NULL as ""), the order of
 * every figure table: < 0, 0 or > 0 as strcmp. */
int mq_place_cmp(const char *const a[3], const char *const b[3]);

#endif
