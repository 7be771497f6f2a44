/* assess.c — scoring cadres and village work teams with the rubric
 * (contract section 5). Points are exact rationals (128-bit, reduced), so
 * a score of exactly x.5 rounds up whatever binary floating point would
 * say; only on overflow (absurd counts) does it fall back to long double. */
#include "minqing/core/buf.h"
#include "minqing/core/csv_out.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"
#include "minqing/core/intern.h"
#include "minqing/core/rate.h"
#include "minqing/figures/assess.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef __int128 i128;

struct q { i128 n, d; };      /* d > 0 */

static i128 gcd128(i128 a, i128 b)
{
	if (a < 0)
		a = -a;
	while (b) {
		i128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static int q_norm(struct q *x)
{
	if (x->d == 0)
		return -1;
	if (x->d < 0) {
		x->n = -x->n;
		x->d = -x->d;
	}
	i128 g = gcd128(x->n, x->d);
	if (g > 1) {
		x->n /= g;
		x->d /= g;
	}
	return 0;
}

/* Each returns 0, or -1 on overflow (the caller falls back). */
static int q_mul(struct q a, struct q b, struct q *out)
{
	i128 g1 = gcd128(a.n, b.d), g2 = gcd128(b.n, a.d);
	if (g1 > 1) {
		a.n /= g1;
		b.d /= g1;
	}
	if (g2 > 1) {
		b.n /= g2;
		a.d /= g2;
	}
	if (__builtin_mul_overflow(a.n, b.n, &out->n) || __builtin_mul_overflow(a.d, b.d, &out->d))
		return -1;
	return q_norm(out);
}

static int q_add(struct q a, struct q b, struct q *out)
{
	i128 g = gcd128(a.d, b.d), x, y, d;
	if (__builtin_mul_overflow(a.n, b.d / g, &x) || __builtin_mul_overflow(b.n, a.d / g, &y) ||
	    __builtin_add_overflow(x, y, &out->n) || __builtin_mul_overflow(a.d, b.d / g, &d))
		return -1;
	out->d = d;
	return q_norm(out);
}

static struct q q_of(long long n, long long d) { struct q x = { n, d }; q_norm(&x); return x; }
static struct q q_ratio(struct mq_ratio r) { return q_of(r.num, r.den); }
static int q_lt(struct q a, struct q b) { return a.n * b.d < b.n * a.d; } /* small values only */
static struct q q_min1(struct q a) { return a.n > a.d ? q_of(1, 1) : a; }
static double q_dbl(struct q a) { return (double)((long double)a.n / (long double)a.d); }

/* floor(x + 1/2) for x ≥ 0: half up, exactly */
static int q_round_half_up(struct q x)
{
	return (int)((2 * x.n + x.d) / (2 * x.d));
}

/* "%.6f" of x rounded half up, exactly; -1 on overflow */
static int q_format6(struct q x, char *out, size_t len)
{
	i128 scaled;
	if (x.n < 0 || __builtin_mul_overflow(x.n, (i128)2000000, &scaled))
		return -1;
	i128 v = (scaled + x.d) / (2 * x.d);
	snprintf(out, len, "%lld.%06lld", (long long)(v / 1000000), (long long)(v % 1000000));
	return 0;
}

struct mq_assessment {
	struct mq_assessment_row *cadres;
	size_t ncadres;
	struct mq_team_row *teams;
	size_t nteams;
	const struct mq_period *period;
	long long days_in_period;       /* first day to as-of (presence) */
};

static int applies(const struct mq_rubric_item *it, const struct mq_cadre_row *c)
{
	if (!it->present)
		return 0;
	if (!it->nroles)
		return 1;
	for (int i = 0; c->role && i < it->nroles; i++)
		if (strcmp(c->role, it->roles[i]) == 0)
			return 1;
	return 0; /* a cadre not in the roster has no role */
}

static int below_veto(const struct mq_rubric *r, long long positive, long long answers)
{
	if (!r->has_veto || answers <= 0)
		return 0; /* a missing satisfaction_rate vetoes nothing */
	return q_lt(q_of(positive, answers), q_ratio(r->veto_below));
}

/* Required days in village: days_per_year × days in period (first day to
 * as-of) / days in that year (contract section 5). */
static struct q required_days(const struct mq_rubric *r, const struct mq_period *p, long long dip)
{
	struct mq_ratio dpy = r->items[MQ_ITEM_PRESENCE].days_per_year;
	return q_of(dpy.num * dip, dpy.den * mq_days_in_year(p->year));
}

/* The facts every row gets, scored or not (assessment_facts.csv). */
static void cadre_facts(const struct mq_rubric *r, const struct mq_period *p, long long dip,
			const struct mq_cadre_row *c, struct mq_assessment_row *out)
{
	const struct mq_rubric_item *diary = &r->items[MQ_ITEM_DIARY];
	int quota = diary->present ? diary->quota : MQ_DIARY_QUOTA;
	for (int m = 0; m < p->nmonths && m < 12; m++)
		out->months_met += c->month_diaries[m] >= quota;
	out->presence_applies = applies(&r->items[MQ_ITEM_PRESENCE], c) && dip > 0;
	if (out->presence_applies &&
	    q_format6(required_days(r, p, dip), out->days_required, sizeof out->days_required))
		snprintf(out->days_required, sizeof out->days_required, "%.6f",
			 q_dbl(required_days(r, p, dip)));
}

static void score_cadre(const struct mq_rubric *r, const struct mq_agg *agg,
			const struct mq_cadre_row *c, struct mq_assessment_row *out)
{
	const struct mq_period *p = mq_agg_period(agg);
	long long dip = (long long)(mq_agg_as_of(agg) - p->first + 1);
	memset(out, 0, sizeof *out);
	out->cadre = c;
	cadre_facts(r, p, dip, c, out);
	if (c->diaries <= 0) {
		out->grade = r->no_record;
		return;
	}
	struct q frac[MQ_ITEM_N];
	int used[MQ_ITEM_N] = { 0 };
	const struct mq_rubric_item *it = r->items;

	if (applies(&it[MQ_ITEM_DIARY], c) && c->months_with_records > 0) {
		frac[MQ_ITEM_DIARY] = q_of(out->months_met, c->months_with_records);
		used[MQ_ITEM_DIARY] = 1;
	}
	if (applies(&it[MQ_ITEM_RESOLUTION], c) && c->demands > 0) {
		struct mq_ratio t = it[MQ_ITEM_RESOLUTION].target;
		frac[MQ_ITEM_RESOLUTION] = q_min1(q_of(c->resolved * t.den, c->demands * t.num));
		used[MQ_ITEM_RESOLUTION] = 1;
	}
	if (applies(&it[MQ_ITEM_COVERAGE], c) && c->coverage_pairs > 0) {
		frac[MQ_ITEM_COVERAGE] = q_of(c->coverage_hits, c->coverage_pairs);
		used[MQ_ITEM_COVERAGE] = 1;
	}
	if (applies(&it[MQ_ITEM_SATISFACTION], c) && c->sat_answers > 0) {
		frac[MQ_ITEM_SATISFACTION] = q_of(c->sat_positive, c->sat_answers);
		used[MQ_ITEM_SATISFACTION] = 1;
	}
	if (applies(&it[MQ_ITEM_SIGNATURES], c)) {
		frac[MQ_ITEM_SIGNATURES] = q_of(c->signed_visits, c->diaries);
		used[MQ_ITEM_SIGNATURES] = 1;
	}
	if (out->presence_applies) {
		struct q req = required_days(r, p, dip);
		frac[MQ_ITEM_PRESENCE] = q_min1(q_of(c->days_in_village * (long long)req.d, (long long)req.n));
		used[MQ_ITEM_PRESENCE] = 1;
	}

	struct q wsum = q_of(0, 1);
	int overflow = 0;
	for (int i = 0; i < MQ_ITEM_N; i++)
		if (used[i])
			overflow |= q_add(wsum, q_ratio(it[i].weight), &wsum);
	if (overflow || wsum.n <= 0) {
		out->grade = r->no_record;
		return;
	}
	struct q scale = { 100 * wsum.d, wsum.n }, total = q_of(0, 1);
	q_norm(&scale);
	long double total_ld = 0;
	for (int i = 0; i < MQ_ITEM_N; i++) {
		if (!used[i])
			continue;
		struct q pts;
		int bad = q_mul(q_ratio(it[i].weight), frac[i], &pts) || q_mul(pts, scale, &pts);
		long double ld = (long double)it[i].weight.num / it[i].weight.den *
				 ((long double)frac[i].n / frac[i].d) * 100.0L *
				 ((long double)wsum.d / wsum.n);
		out->item_used[i] = 1;
		out->item_points[i] = bad ? (double)ld : q_dbl(pts);
		total_ld += bad ? ld : (long double)pts.n / pts.d;
		if (bad || q_format6(pts, out->item_text[i], sizeof out->item_text[i]))
			snprintf(out->item_text[i], sizeof out->item_text[i], "%.6f", (double)ld), overflow = 1;
		if (!overflow && q_add(total, pts, &total))
			overflow = 1;
	}
	out->has_score = 1;
	out->unrounded = (double)total_ld;
	/* half up; the fallback gives .5 a hair of room against rounding noise */
	out->score = overflow ? (int)floorl(total_ld + 0.5L + 1e-9L) : q_round_half_up(total);
	out->vetoed = below_veto(r, c->sat_positive, c->sat_answers);
	const char *plain = mq_rubric_grade(r, &r->cadre, out->score, 0);
	out->grade = mq_rubric_grade(r, &r->cadre, out->score, out->vetoed);
	out->vetoed = out->vetoed && plain != out->grade;
}

/* ---- teams ---- */

static int cmp_team(const void *pa, const void *pb)
{
	const struct mq_team_row *a = pa, *b = pb;
	int c = strcmp(a->county, b->county);
	if (!c)
		c = strcmp(a->township, b->township);
	if (!c)
		c = strcmp(a->village, b->village);
	return c;
}

static int build_teams(struct mq_assessment *as, struct mq_agg *agg, const struct mq_rubric *r)
{
	size_t nv, nc = as->ncadres;
	const struct mq_summary_row *vr = mq_agg_villages(agg, &nv);
	struct mq_intern *keys = mq_intern_new();
	long long *sum = calloc(nv + nc + 1, sizeof *sum);
	as->teams = calloc(nv + nc + 1, sizeof *as->teams);
	if (!keys || !sum || !as->teams)
		goto oom;
	struct mq_buf key = MQ_BUF_INIT;
	for (size_t i = 0; i < nv + nc; i++) {
		const char *t, *v, *county;
		if (i < nv) {
			t = vr[i].township;
			v = vr[i].village;
			county = vr[i].county;
		} else {
			const struct mq_cadre_row *c = as->cadres[i - nv].cadre;
			t = c->township;
			v = c->village;
			county = "";
			if (!*v)
				continue; /* a roster line without a village has no team */
		}
		mq_buf_reset(&key);
		if (mq_buf_adds(&key, t) || mq_buf_addc(&key, '\x1f') || mq_buf_adds(&key, v)) {
			mq_buf_free(&key);
			goto oom;
		}
		int32_t before = mq_intern_count(keys);
		int32_t id = mq_intern_id(keys, key.data, key.len);
		if (id < 0) {
			mq_buf_free(&key);
			goto oom;
		}
		if (id == before) {
			struct mq_team_row *tr = &as->teams[as->nteams++];
			tr->county = county;
			tr->township = t;
			tr->village = v;
		}
		if (i >= nv) {
			const struct mq_assessment_row *a = &as->cadres[i - nv];
			struct mq_team_row *tr = &as->teams[id];
			tr->cadres++;
			tr->sat_answers += a->cadre->sat_answers;
			tr->sat_positive += a->cadre->sat_positive;
			if (a->has_score) {
				tr->scored++;
				sum[id] += a->score;
			}
		}
	}
	mq_buf_free(&key);
	for (size_t i = 0; i < as->nteams; i++) {
		struct mq_team_row *tr = &as->teams[i];
		if (!tr->scored) {
			tr->grade = r->no_record;
			continue;
		}
		tr->has_score = 1;
		/* mean of the integer scores, rounded half up, in integers */
		tr->score = (int)((2 * sum[i] + tr->scored) / (2 * tr->scored));
		int veto = below_veto(r, tr->sat_positive, tr->sat_answers);
		const char *plain = mq_rubric_grade(r, &r->team, tr->score, 0);
		tr->grade = mq_rubric_grade(r, &r->team, tr->score, veto);
		tr->vetoed = plain != tr->grade;
	}
	qsort(as->teams, as->nteams, sizeof *as->teams, cmp_team);
	mq_intern_free(keys);
	free(sum);
	return 0;
oom:
	mq_intern_free(keys);
	free(sum);
	return MQ_ERR_NOMEM;
}

int mq_assess(struct mq_agg *agg, const struct mq_rubric *r, struct mq_assessment **out,
	      struct mq_error *err)
{
	*out = NULL;
	size_t n;
	const struct mq_cadre_row *cr = mq_agg_cadres(agg, &n);
	struct mq_assessment *as = calloc(1, sizeof *as);
	if (!as || (n && !cr))
		goto oom;
	as->period = mq_agg_period(agg);
	as->days_in_period = (long long)(mq_agg_as_of(agg) - as->period->first + 1);
	if (as->days_in_period < 0)
		as->days_in_period = 0; /* a run date before the period */
	as->cadres = calloc(n ? n : 1, sizeof *as->cadres);
	if (!as->cadres)
		goto oom;
	as->ncadres = n;
	for (size_t i = 0; i < n; i++)
		score_cadre(r, agg, &cr[i], &as->cadres[i]);
	if (build_teams(as, agg, r))
		goto oom;
	*out = as;
	return 0;
oom:
	mq_assessment_free(as);
	return mq_fail_nomem(err, NULL, 0);
}

const struct mq_assessment_row *mq_assessment_cadres(const struct mq_assessment *a, size_t *n)
{
	*n = a->ncadres;
	return a->cadres;
}

const struct mq_team_row *mq_assessment_teams(const struct mq_assessment *a, size_t *n)
{
	*n = a->nteams;
	return a->teams;
}

void mq_assessment_free(struct mq_assessment *a)
{
	if (!a)
		return;
	free(a->cadres);
	free(a->teams);
	free(a);
}

/* ---- CSV ---- */

static const char *const assessment_cols[] = {
	"period", "cadre_id", "cadre_name", "role", "township", "village", "diaries", "demands",
	"resolved", "resolution_rate", "satisfaction_rate", "signed_rate", "days_in_village",
	"score", "grade", "item_diary", "item_resolution", "item_coverage", "item_satisfaction",
	"item_signatures", "item_presence",
};

/* the order of v[] in write_facts, after the five text columns */
static const char *const facts_cols[] = {
	"period", "cadre_id", "cadre_name", "township", "village", "diaries",
	"months_with_records", "months_quota_met", "demands", "resolved", "assigned_households",
	"coverage_pairs", "coverage_hits", "sat_answers", "sat_positive", "signed_visits",
	"resident_role", "days_in_village", "days_in_period", "days_required",
};

static const char *const team_cols[] = {
	"period", "county", "township", "village", "cadres", "team_score", "team_grade",
	"satisfaction_rate",
};

static void cadre_cells(FILE *fp, const struct mq_assessment *a, size_t i)
{
	const struct mq_assessment_row *r = &a->cadres[i];
	const struct mq_cadre_row *c = r->cadre;
	mq_csv_cell(fp, c->cadre_id, 0);
	mq_csv_cell(fp, c->cadre_name, 0);
	mq_csv_cell(fp, c->role, 0);
	mq_csv_cell(fp, c->township, 0);
	mq_csv_cell(fp, c->village, 0);
	mq_csv_count(fp, c->diaries);
	mq_csv_count(fp, c->demands);
	mq_csv_count(fp, c->resolved);
	mq_csv_rate(fp, c->resolved, c->demands);
	mq_csv_rate(fp, c->sat_positive, c->sat_answers);
	mq_csv_rate(fp, c->signed_visits, c->diaries);
	mq_csv_count(fp, c->days_in_village);
	mq_csv_count_if(fp, r->has_score, r->score);
	mq_csv_cell(fp, r->grade, 0);
	for (int k = 0; k < MQ_ITEM_N; k++)
		mq_csv_cell(fp, r->item_used[k] ? r->item_text[k] : NULL, 0);
}

static void team_cells(FILE *fp, const struct mq_assessment *a, size_t i)
{
	const struct mq_team_row *t = &a->teams[i];
	mq_csv_cell(fp, t->county, 0);
	mq_csv_cell(fp, t->township, 0);
	mq_csv_cell(fp, t->village, 0);
	mq_csv_count(fp, t->cadres);
	mq_csv_count_if(fp, t->has_score, t->score);
	mq_csv_cell(fp, t->grade, 0);
	mq_csv_rate(fp, t->sat_positive, t->sat_answers);
}

/* The counts behind every item, so that each point can be recomputed by
 * hand (assess.h); one row per row of assessment.csv, in its order. */
static void facts_cells(FILE *fp, const struct mq_assessment *a, size_t i)
{
	const struct mq_assessment_row *r = &a->cadres[i];
	const struct mq_cadre_row *c = r->cadre;
	const long long v[] = {
		c->diaries, c->months_with_records, r->months_met, c->demands, c->resolved,
		c->assigned_households, c->coverage_pairs, c->coverage_hits, c->sat_answers,
		c->sat_positive, c->signed_visits, r->presence_applies, c->days_in_village,
		a->days_in_period,
	};
	mq_csv_cell(fp, c->cadre_id, 0);
	mq_csv_cell(fp, c->cadre_name, 0);
	mq_csv_cell(fp, c->township, 0);
	mq_csv_cell(fp, c->village, 0);
	for (size_t k = 0; k < sizeof v / sizeof *v; k++)
		mq_csv_count(fp, v[k]);
	mq_csv_cell(fp, r->days_required, 0);
}

/* The three files: name, header, rows (after the period cell). */
static const struct assessment_csv {
	const char *name;
	const char *const *cols;
	size_t ncols;
	int teams;                      /* rows: 0 the cadres, 1 the teams */
	void (*cells)(FILE *fp, const struct mq_assessment *a, size_t i);
} assessment_csvs[] = {
	{ "assessment.csv", assessment_cols, sizeof assessment_cols / sizeof *assessment_cols, 0, cadre_cells },
	{ "team_assessment.csv", team_cols, sizeof team_cols / sizeof *team_cols, 1, team_cells },
	{ "assessment_facts.csv", facts_cols, sizeof facts_cols / sizeof *facts_cols, 0, facts_cells },
};

int mq_assessment_write(const struct mq_assessment *a, const char *data_dir, int bom,
			struct mq_error *err)
{
	int rc = mq_mkdirs(data_dir, err);
	for (size_t f = 0; !rc && f < sizeof assessment_csvs / sizeof *assessment_csvs; f++) {
		const struct assessment_csv *csv = &assessment_csvs[f];
		char path[4096];
		struct mq_out o;
		snprintf(path, sizeof path, "%s/%s", data_dir, csv->name);
		if ((rc = mq_out_open(&o, path, err)))
			break;
		mq_csv_bom(o.fp, bom);
		mq_csv_row(o.fp, csv->cols, csv->ncols);
		size_t n = csv->teams ? a->nteams : a->ncadres;
		for (size_t i = 0; i < n; i++) {
			mq_csv_cell(o.fp, a->period->label, 1);
			csv->cells(o.fp, a, i);
			mq_csv_end(o.fp);
		}
		rc = mq_out_commit(&o, err);
	}
	return rc;
}

int mq_assess_write(struct mq_agg *agg, const struct mq_rubric *r, const char *data_dir,
		    int bom, struct mq_error *err)
{
	struct mq_assessment *a;
	int rc = mq_assess(agg, r, &a, err);
	if (rc)
		return rc;
	rc = mq_assessment_write(a, data_dir, bom, err);
	mq_assessment_free(a);
	return rc;
}
