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
#include "minqing/core/arena.h"
#include "minqing/core/error.h"
#include "minqing/figures/aggregate.h"

/* ---- the rubric ---- */

enum mq_item {
	MQ_ITEM_DIARY, MQ_ITEM_RESOLUTION, MQ_ITEM_COVERAGE, MQ_ITEM_SATISFACTION,
	MQ_ITEM_SIGNATURES, MQ_ITEM_PRESENCE, MQ_ITEM_N
};
extern const char *const mq_item_ids[MQ_ITEM_N]; /* "diary", … as in the XML and item_* columns */

struct mq_ratio { long long num, den; };         /* an exact decimal from the file */

struct mq_rubric_item {
	int present;                    /* 0: not in the rubric (never scored) */
	const char *name;               /* Chinese name for reports */
	struct mq_ratio weight;         /* > 0 */
	struct mq_ratio target;         /* resolution: rate that earns full points */
	struct mq_ratio days_per_year;  /* presence: required days in a whole year */
	int quota;                      /* diary: diaries a month to meet the quota */
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

struct mq_rubric {
	char path[4096];
	const char *title, *version;    /* <rubric name version>, NULL when absent */
	struct mq_rubric_item items[MQ_ITEM_N];
	struct mq_grade_scale cadre, team;
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
/* Grade of an integer score on a scale, one band lower when vetoed and the
 * grade is the veto grade. NULL when no band holds the score. */
const char *mq_rubric_grade(const struct mq_rubric *r, const struct mq_grade_scale *s,
			    int score, int vetoed);

/* ---- the assessment ---- */

struct mq_assessment_row {
	const struct mq_cadre_row *cadre;  /* ids, names, counts (aggregator's) */
	int has_score;
	int score;                         /* rounded half up */
	double unrounded;                  /* sum of the points */
	const char *grade;
	int vetoed;                        /* the veto changed the grade */
	int item_used[MQ_ITEM_N];
	double item_points[MQ_ITEM_N];     /* after rescaling; 0 when not used */
	char item_text[MQ_ITEM_N][24];     /* "%.6f" rounded half up exactly, "" when not used */
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

/* Scores every cadre and team. Returns 0 or MQ_ERR_NOMEM. */
int mq_assess(struct mq_agg *agg, const struct mq_rubric *r, struct mq_assessment **out,
	      struct mq_error *err);
/* Rows in output order (cadre_id; county, township, village). */
const struct mq_assessment_row *mq_assessment_cadres(const struct mq_assessment *a, size_t *n);
const struct mq_team_row *mq_assessment_teams(const struct mq_assessment *a, size_t *n);
/* Writes data_dir/assessment.csv, team_assessment.csv and
 * assessment_facts.csv, each atomically (see below). */
int mq_assessment_write(const struct mq_assessment *a, const char *data_dir, int bom,
			struct mq_error *err);
void mq_assessment_free(struct mq_assessment *a);

/* mq_assess + mq_assessment_write + mq_assessment_free in one call. */
int mq_assess_write(struct mq_agg *agg, const struct mq_rubric *r, const char *data_dir,
		    int bom, struct mq_error *err);

#endif
