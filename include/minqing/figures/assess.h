/* assess.h — the year-end assessment (年度考核) of contract section 5: the
 * rubric as data (templates/rubric.xml, validated by templates/rubric.xsd),
 * the score of every cadre and the grade of every village work team.
 *
 * A struct mq_rubric owns every string in it (an arena) until
 * mq_rubric_free. A struct mq_assessment is computed from an aggregator
 * and a rubric; its rows point into the aggregator, the reference data and
 * the rubric, so keep all three alive until mq_assessment_free.
 *
 * Scoring (contract section 5), computed exactly in rational arithmetic:
 * an item is left out when it cannot be computed (no demands, no
 * assignments, no satisfaction values, a role the item does not apply to;
 * a cadre not in the roster has no role), the weights of the rest are
 * scaled up to 100, the score is the sum of the points rounded half up.
 * A cadre without records in the period has no score (grade: the rubric's
 * no-record grade, 无记录). Teams: the cadres of a village (roster
 * village, else the majority village of the cadre's records); `cadres`
 * counts every cadre of the team listed in the assessment (also those
 * without a score: the example's expected team_assessment.csv counts
 * them), the team score is the mean of the integer scores of those with a
 * score, rounded half up. Every village of village_summary is a team row,
 * plus villages that only a roster names. The veto drops the grade named
 * in the rubric one band when the satisfaction rate (the cadre's, or the
 * team's from the sums over its cadres' records) is below the threshold;
 * a missing rate vetoes nothing.
 *
 * assessment_facts.csv (UTF-8, CRLF, BOM like the other CSVs) holds the
 * counts behind every item so that any point can be checked by hand; one
 * row per row of assessment.csv, in the same order, columns:
 *   period, cadre_id, cadre_name, township, village, diaries,
 *   months_with_records, months_quota_met (months with diaries ≥ the
 *   rubric's diary quota), demands, resolved, assigned_households,
 *   coverage_pairs, coverage_hits ((assigned household, quarter) pairs and
 *   those with a 入户走访 visit by the cadre), sat_answers, sat_positive,
 *   signed_visits, resident_role (1: the presence item applies to the
 *   role), days_in_village, days_in_period (first day to as-of),
 *   days_required (days_per_year × days_in_period / days in the year, six
 *   decimals half up; empty when resident_role is 0).
 * An item's points are weight × 100 / (sum of the weights of the items
 * used) × fraction, with the fractions
 *   diary months_quota_met / months_with_records,
 *   resolution min(resolved / demands / target, 1), coverage coverage_hits /
 *   coverage_pairs, satisfaction sat_positive / sat_answers, signatures
 *   signed_visits / diaries, presence min(days_in_village / required, 1)
 *   with the required days exact (days_required shows them rounded). */
#ifndef MINQING_ASSESS_H
#define MINQING_ASSESS_H

#include <stddef.h>
#include <stdint.h>
#include "minqing/core/arena.h"
#include "minqing/core/error.h"
#include "minqing/figures/aggregate.h"

/* ---- the rubric ---- */

/* The six named items of contract section 5 (their id is their kind), then
 * the general kinds a county can use for its own rules (any id). */
enum mq_item_kind {
	MQ_ITEM_DIARY, MQ_ITEM_RESOLUTION, MQ_ITEM_COVERAGE, MQ_ITEM_SATISFACTION,
	MQ_ITEM_SIGNATURES, MQ_ITEM_PRESENCE, MQ_ITEM_N,
	MQ_KIND_COUNT = MQ_ITEM_N,      /* records matching a filter, against a target */
	MQ_KIND_RATE,                   /* records matching one filter among another's */
	MQ_KIND_DAYS,                   /* distinct dates of records matching a filter */
	MQ_KIND_N
};
extern const char *const mq_item_ids[MQ_ITEM_N]; /* "diary", … as in the XML and item_* columns */
extern const char *const mq_kind_names[MQ_KIND_N]; /* the same, then "count", "rate", "days" */

struct mq_ratio { long long num, den; };         /* an exact decimal from the file */

/* Which records a general item counts: every condition given must hold;
 * a set is a bit per enumeration index (record.h), 0 = any value. */
struct mq_filter {
	uint32_t modes, household_types, topics, satisfactions; /* topics: any one of them */
	int demand, is_signed;          /* -1 any, 0 absent / 否, 1 present / 是 */
};

struct mq_rubric_item {
	const char *id;                 /* item_<id> column; a named item's id is its kind */
	enum mq_item_kind kind;
	const char *name;               /* Chinese name for reports */
	struct mq_ratio weight;         /* > 0 */
	struct mq_ratio target;         /* resolution, rate: rate that earns full points */
	struct mq_ratio days_per_year;  /* presence: required days in a whole year */
	int quota;                      /* diary: diaries a month to meet the quota */
	struct mq_ratio per_year;       /* count, days: target a year (den 0: not given), */
	struct mq_ratio per_month;      /*   or a month (den 0: not given) */
	struct mq_filter match;         /* count, days, rate: the records counted */
	struct mq_filter among;         /* rate: out of these */
	const char **roles;             /* roles it applies to; nroles 0 = every cadre */
	int nroles;
	long line;
};

#define MQ_MAX_BANDS 16
struct mq_grade_band { int min, max; const char *grade; long line; };
struct mq_grade_scale {
	struct mq_grade_band bands[MQ_MAX_BANDS]; /* highest first; cover 0–100 once */
	int nbands;
};

/* A veto rule: the rate of an item (item ≥ 0, see item_rate in
 * assess.c) or, item -1, the satisfaction rate of the cadre's records
 * (the contract's 取消评优资格), below `below` takes `grade` away. */
#define MQ_MAX_VETOES 8
struct mq_veto { int item; struct mq_ratio below; const char *grade; long line; };

#define MQ_MAX_ITEMS 24
struct mq_rubric {
	char path[4096];
	const char *title, *version;    /* <rubric name version>, NULL when absent */
	struct mq_rubric_item items[MQ_MAX_ITEMS]; /* in the file's order */
	int nitems;
	int named[MQ_ITEM_N];           /* index in items of each named item, -1 absent */
	int general;                    /* items of a general kind (they need a tally) */
	struct mq_grade_scale cadre, team;
	struct mq_veto vetoes[MQ_MAX_VETOES];
	int nvetoes;
	/* the first satisfaction veto (item -1), as the reports print it */
	int has_veto;
	struct mq_ratio veto_below;     /* satisfaction_rate below this … */
	const char *veto_grade;         /* … takes this grade away (one band down) */
	const char *no_record;          /* grade of a cadre or team without a score */
	struct mq_arena *arena;
};

/* Loads and validates a rubric (path NULL: rubric.xml found as templates
 * are, mq_find_template in core/files.h).
 * Errors (MQ_ERR_IO, MQ_ERR_FORMAT) name the file and line. */
int mq_rubric_load(const char *path, struct mq_rubric **out, struct mq_error *err);
void mq_rubric_free(struct mq_rubric *r);
/* The named item of that kind (MQ_ITEM_*), NULL when the rubric lacks it. */
const struct mq_rubric_item *mq_rubric_named(const struct mq_rubric *r, enum mq_item_kind kind);
/* Grade of an integer score on a scale, one band lower when the band's
 * grade is the grade of a veto rule set in `vetoed` (bit i: r->vetoes[i]
 * fired; with the one veto of the default rubric, 1). NULL when no band
 * holds the score. */
const char *mq_rubric_grade(const struct mq_rubric *r, const struct mq_grade_scale *s,
			    int score, unsigned vetoed);

/* ---- the tally: what the general items count, fed record by record ---- */

/* Beside the aggregator (same period and as-of), per cadre_id and general
 * item: matching records, records of the `among` filter, distinct dates.
 * Memory grows with cadres × items, not records. It borrows the rubric. */
struct mq_tally;
/* NULL on OOM. */
struct mq_tally *mq_tally_new(const struct mq_rubric *r, const struct mq_period *p);
/* Counts one accepted record (ignored outside the period). 0 or MQ_ERR_NOMEM. */
int mq_tally_add(struct mq_tally *t, const struct mq_record *rec);
void mq_tally_free(struct mq_tally *t);

/* ---- the assessment ---- */

struct mq_assessment_row {
	const struct mq_cadre_row *cadre;  /* ids, names, counts (aggregator's) */
	int has_score;
	int score;                         /* rounded half up */
	double unrounded;                  /* sum of the points */
	const char *grade;
	int vetoed;                        /* a veto changed the grade */
	unsigned veto_fired;               /* bit i: r->vetoes[i]'s rate is below its threshold */
	/* per item of the rubric, in its order (index into r->items) */
	int item_used[MQ_MAX_ITEMS];
	double item_points[MQ_MAX_ITEMS];  /* after rescaling; 0 when not used */
	char item_text[MQ_MAX_ITEMS][24];  /* "%.6f" rounded half up exactly, "" when not used */
	long long item_count[MQ_MAX_ITEMS]; /* count: records, days: dates, rate: matching */
	long long item_among[MQ_MAX_ITEMS]; /* rate: records of the among filter */
	char item_required[MQ_MAX_ITEMS][24]; /* count, days: the target for the period, "%.6f" */
	/* facts behind the items that the cadre row does not hold (every row) */
	int months_met;                    /* months with diaries ≥ the rubric's quota */
	int presence_applies;              /* the presence item applies to the cadre's role */
	char days_required[24];            /* presence denominator, "%.6f" half up; "" when not applied */
};

struct mq_team_row {
	const char *county, *township, *village;
	int cadres;                        /* cadres of the team */
	int scored;                        /* of them, with a score */
	int has_score, score;
	const char *grade;
	int vetoed;
	long long sat_answers, sat_positive; /* over the team's cadres' records */
};

struct mq_assessment;

/* Scores every cadre and team; tally holds the records' counts for the
 * general items (NULL when the rubric has none). Returns 0, MQ_ERR_NOMEM,
 * or MQ_ERR_USAGE when the rubric has general items and tally is NULL
 * (merged partial states do not carry them). */
int mq_assess(struct mq_agg *agg, const struct mq_rubric *r, const struct mq_tally *tally,
	      struct mq_assessment **out, struct mq_error *err);
/* Rows in output order (cadre_id; county, township, village). */
const struct mq_assessment_row *mq_assessment_cadres(const struct mq_assessment *a, size_t *n);
const struct mq_team_row *mq_assessment_teams(const struct mq_assessment *a, size_t *n);
/* Writes data_dir/assessment.csv, team_assessment.csv and
 * assessment_facts.csv, each atomically (see below). */
int mq_assessment_write(const struct mq_assessment *a, const char *data_dir, int bom,
			struct mq_error *err);
void mq_assessment_free(struct mq_assessment *a);

/* mq_assess + mq_assessment_write + mq_assessment_free in one call. */
int mq_assess_write(struct mq_agg *agg, const struct mq_rubric *r, const struct mq_tally *tally,
		    const char *data_dir, int bom, struct mq_error *err);

#endif
