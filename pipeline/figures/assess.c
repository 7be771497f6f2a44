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

/* ---- the tally of the general items ---- */

struct tally_cadre {
	long long count[MQ_MAX_ITEMS], among[MQ_MAX_ITEMS];
};

struct mq_tally {
	const struct mq_rubric *r;
	struct mq_period period;
	struct mq_intern *ids;          /* cadre_id → index */
	struct tally_cadre *cadres;
	size_t ncadres, acadres;
	uint64_t *days;                 /* a cadre's ndays_items × day_words: dates of matching records */
	size_t adays;                   /* cadres room in days */
	int day_slot[MQ_MAX_ITEMS];     /* days items: their bitmap, -1 other kinds */
	int ndays_items;
	size_t day_words;
};

/* Bitmap slot (a days item) of cadre ci. */
static uint64_t *tally_days(const struct mq_tally *t, size_t ci, int slot)
{
	return t->days + (ci * (size_t)t->ndays_items + (size_t)slot) * t->day_words;
}

struct mq_tally *mq_tally_new(const struct mq_rubric *r, const struct mq_period *p)
{
	struct mq_tally *t = calloc(1, sizeof *t);
	if (!t || !(t->ids = mq_intern_new())) {
		free(t);
		return NULL;
	}
	t->r = r;
	t->period = *p;
	t->day_words = (size_t)(p->last - p->first + 1 + 63) / 64;
	for (int i = 0; i < r->nitems; i++)
		t->day_slot[i] = r->items[i].kind == MQ_KIND_DAYS ? t->ndays_items++ : -1;
	return t;
}

void mq_tally_free(struct mq_tally *t)
{
	if (!t)
		return;
	free(t->cadres);
	free(t->days);
	mq_intern_free(t->ids);
	free(t);
}

static int filter_holds(const struct mq_filter *f, const struct mq_record *rec)
{
	if (f->modes && !(rec->visit_mode >= 0 && (f->modes >> rec->visit_mode & 1)))
		return 0;
	if (f->household_types && !(rec->household_type >= 0 && (f->household_types >> rec->household_type & 1)))
		return 0;
	if (f->topics && !(f->topics & rec->topics))
		return 0;
	if (f->satisfactions && !(rec->satisfaction >= 0 && (f->satisfactions >> rec->satisfaction & 1)))
		return 0;
	if (f->demand >= 0 && f->demand != (rec->text[MQ_F_DEMAND] != NULL))
		return 0;
	if (f->is_signed >= 0 && f->is_signed != (rec->is_signed != 0))
		return 0;
	return 1;
}

int mq_tally_add(struct mq_tally *t, const struct mq_record *rec)
{
	if (!t->r->general || mq_period_month_of(&t->period, rec->visit_date) < 0)
		return 0; /* outside the period: not counted (contract section 4) */
	const char *id = rec->text[MQ_F_CADRE_ID] ? rec->text[MQ_F_CADRE_ID] : "";
	size_t len = rec->text[MQ_F_CADRE_ID] ? rec->len[MQ_F_CADRE_ID] : 0;
	int32_t ci = mq_intern_id(t->ids, id, len);
	if (ci < 0)
		return MQ_ERR_NOMEM;
	if ((size_t)ci == t->ncadres) {
		/* new entries zeroed */
		size_t per = (size_t)t->ndays_items * t->day_words;
		if (mq_grow((void **)&t->cadres, &t->acadres, t->ncadres + 1, sizeof *t->cadres) ||
		    (per && (per > SIZE_MAX / sizeof *t->days ||
			     mq_grow((void **)&t->days, &t->adays, t->ncadres + 1, per * sizeof *t->days))))
			return MQ_ERR_NOMEM;
		t->ncadres++;
	}
	struct tally_cadre *c = &t->cadres[ci];
	const struct mq_rubric *r = t->r;
	for (int i = 0; i < r->nitems; i++) {
		const struct mq_rubric_item *it = &r->items[i];
		if (it->kind < MQ_ITEM_N)
			continue;
		int among = it->kind != MQ_KIND_RATE || filter_holds(&it->among, rec);
		c->among[i] += among;
		if (!among || !filter_holds(&it->match, rec))
			continue;
		c->count[i]++;
		if (t->day_slot[i] >= 0) {
			size_t d = (size_t)(rec->visit_date - t->period.first);
			tally_days(t, (size_t)ci, t->day_slot[i])[d / 64] |= 1ull << (d % 64);
		}
	}
	return 0;
}

/* ---- scoring ---- */

struct mq_assessment {
	struct mq_assessment_row *cadres;
	size_t ncadres;
	struct mq_team_row *teams;
	size_t nteams;
	const struct mq_period *period;
	const struct mq_rubric *rubric;
	long long days_in_period;       /* first day to as-of (presence) */
	struct q (*veto_rate)[MQ_MAX_VETOES]; /* per cadre: each veto's rate as counted, not
					       * reduced (teams sum them); d 0: none */
};

/* A rate as counted below a threshold; a missing rate (d 0) vetoes nothing. */
static int below(struct q x, struct mq_ratio t)
{
	return x.d > 0 && x.n * t.den < (i128)t.num * x.d;
}

static int applies(const struct mq_rubric_item *it, const struct mq_cadre_row *c)
{
	if (!it)
		return 0;
	if (!it->nroles)
		return 1;
	for (int i = 0; c->role && i < it->nroles; i++)
		if (strcmp(c->role, it->roles[i]) == 0)
			return 1;
	return 0; /* a cadre not in the roster has no role */
}

/* Required days: days_per_year × days in period (first day to as-of) /
 * days in that year (contract section 5, presence; the per-year targets
 * of the general items the same way). */
static struct q prorated(struct mq_ratio per_year, const struct mq_period *p, long long dip)
{
	return q_of(per_year.num * dip, per_year.den * mq_days_in_year(p->year));
}

/* Months of the period begun by the as-of date (per-month targets). */
static int months_begun(const struct mq_period *p, long long dip)
{
	int n = 0;
	for (int m = 0; m < p->nmonths; m++) {
		mq_day first, last;
		char label[8];
		mq_period_month(p, m, &first, &last, label);
		n += first <= p->first + dip - 1;
	}
	return n;
}

/* The target of a count or days item for the period. */
static struct q general_target(const struct mq_rubric_item *it, const struct mq_period *p, long long dip)
{
	if (it->per_month.den)
		return q_of(it->per_month.num * months_begun(p, dip), it->per_month.den);
	return prorated(it->per_year, p, dip);
}

static void format6(struct q x, char *out, size_t len)
{
	if (q_format6(x, out, len))
		snprintf(out, len, "%.6f", q_dbl(x));
}

/* The facts every row gets, scored or not (assessment_facts.csv). */
static void cadre_facts(const struct mq_rubric *r, const struct mq_period *p, long long dip,
			const struct mq_cadre_row *c, const struct mq_tally *tally,
			struct mq_assessment_row *out)
{
	const struct mq_rubric_item *diary = mq_rubric_named(r, MQ_ITEM_DIARY);
	const struct mq_rubric_item *presence = mq_rubric_named(r, MQ_ITEM_PRESENCE);
	int quota = diary ? diary->quota : MQ_DIARY_QUOTA;
	for (int m = 0; m < p->nmonths && m < 12; m++)
		out->months_met += c->month_diaries[m] >= quota;
	out->presence_applies = applies(presence, c) && dip > 0;
	if (out->presence_applies)
		format6(prorated(presence->days_per_year, p, dip), out->days_required, sizeof out->days_required);
	int32_t ti = tally ? mq_intern_find(tally->ids, c->cadre_id, strlen(c->cadre_id)) : -1;
	const struct tally_cadre *tc = ti >= 0 ? &tally->cadres[ti] : NULL;
	for (int i = 0; i < r->nitems; i++) {
		const struct mq_rubric_item *it = &r->items[i];
		if (it->kind < MQ_ITEM_N || !tc)
			continue;
		out->item_count[i] = tc->count[i];
		out->item_among[i] = tc->among[i];
		if (tally->day_slot[i] >= 0) {
			long long days = 0;
			const uint64_t *bits = tally_days(tally, (size_t)ti, tally->day_slot[i]);
			for (size_t w = 0; w < tally->day_words; w++)
				days += __builtin_popcountll(bits[w]);
			out->item_count[i] = days;
		}
	}
	for (int i = 0; i < r->nitems; i++)
		if ((r->items[i].kind == MQ_KIND_COUNT || r->items[i].kind == MQ_KIND_DAYS) && dip > 0)
			format6(general_target(&r->items[i], p, dip), out->item_required[i],
				sizeof out->item_required[i]);
}

/* An item's rate for a cadre (the veto's and the points' fraction before
 * the cap) as counted, not reduced, so that a team can sum its cadres'
 * numerators and denominators; d 0 when it cannot be computed. */
static struct q item_rate(const struct mq_rubric *r, int i, const struct mq_period *p, long long dip,
			  const struct mq_cadre_row *c, const struct mq_assessment_row *out)
{
	const struct mq_rubric_item *it = &r->items[i];
	struct q none = { 0, 0 };
	switch (it->kind) {
	case MQ_ITEM_DIARY:
		return (struct q){ out->months_met, c->months_with_records };
	case MQ_ITEM_RESOLUTION:
		return (struct q){ c->resolved, c->demands };
	case MQ_ITEM_COVERAGE:
		return (struct q){ c->coverage_hits, c->coverage_pairs };
	case MQ_ITEM_SATISFACTION:
		return (struct q){ c->sat_positive, c->sat_answers };
	case MQ_ITEM_SIGNATURES:
		return (struct q){ c->signed_visits, c->diaries };
	case MQ_ITEM_PRESENCE: {
		if (!out->presence_applies)
			return none;
		struct q req = prorated(it->days_per_year, p, dip);
		return (struct q){ c->days_in_village * req.d, req.n };
	}
	case MQ_KIND_RATE:
		return (struct q){ out->item_count[i], out->item_among[i] };
	default: {
		if (dip <= 0)
			return none;
		struct q req = general_target(it, p, dip);
		return (struct q){ out->item_count[i] * req.d, req.n };
	}
	}
}

/* The fraction of the weight an item earns: its rate, over the target
 * for resolution and rate items, capped at 1 where the contract caps it. */
static struct q item_fraction(const struct mq_rubric_item *it, struct q rate)
{
	switch (it->kind) {
	case MQ_ITEM_RESOLUTION:
	case MQ_KIND_RATE: {
		struct mq_ratio t = it->target;
		return q_min1(q_of((long long)rate.n * t.den, (long long)rate.d * t.num));
	}
	case MQ_ITEM_PRESENCE:
	case MQ_KIND_COUNT:
	case MQ_KIND_DAYS:
		return q_min1(rate);
	default:
		return rate;
	}
}

static void score_cadre(const struct mq_assessment *as, const struct mq_agg *agg,
			const struct mq_tally *tally, size_t ci, const struct mq_cadre_row *c)
{
	const struct mq_rubric *r = as->rubric;
	struct mq_assessment_row *out = &as->cadres[ci];
	const struct mq_period *p = mq_agg_period(agg);
	long long dip = (long long)(mq_agg_as_of(agg) - p->first + 1);
	memset(out, 0, sizeof *out);
	out->cadre = c;
	cadre_facts(r, p, dip, c, tally, out);
	struct q rate[MQ_MAX_ITEMS], frac[MQ_MAX_ITEMS];
	for (int i = 0; i < r->nitems; i++)
		rate[i] = item_rate(r, i, p, dip, c, out);
	/* each veto's rate: the satisfaction rate of the records, or an item's */
	for (int k = 0; k < r->nvetoes; k++) {
		const struct mq_veto *v = &r->vetoes[k];
		struct q x = v->item < 0 ? (struct q){ c->sat_positive, c->sat_answers } : rate[v->item];
		as->veto_rate[ci][k] = x;
		if (below(x, v->below))
			out->veto_fired |= 1u << k;
	}
	if (c->diaries <= 0) {
		out->grade = r->no_record;
		return;
	}
	int used[MQ_MAX_ITEMS] = { 0 };
	const struct mq_rubric_item *it = r->items;
	for (int i = 0; i < r->nitems; i++) {
		/* a named item's applicability is the contract's; presence also needs its role */
		if (!applies(&it[i], c) || rate[i].d <= 0)
			continue;
		frac[i] = item_fraction(&it[i], q_of((long long)rate[i].n, (long long)rate[i].d));
		used[i] = 1;
	}

	struct q wsum = q_of(0, 1);
	int overflow = 0;
	for (int i = 0; i < r->nitems; i++)
		if (used[i])
			overflow |= q_add(wsum, q_ratio(it[i].weight), &wsum);
	if (overflow || wsum.n <= 0) {
		out->grade = r->no_record;
		return;
	}
	struct q scale = { 100 * wsum.d, wsum.n }, total = q_of(0, 1);
	q_norm(&scale);
	long double total_ld = 0;
	for (int i = 0; i < r->nitems; i++) {
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
	const char *plain = mq_rubric_grade(r, &r->cadre, out->score, 0);
	out->grade = mq_rubric_grade(r, &r->cadre, out->score, out->veto_fired);
	out->vetoed = plain != out->grade;
}

/* ---- teams ---- */

static int cmp_team(const void *pa, const void *pb)
{
	const struct mq_team_row *a = pa, *b = pb;
	return mq_place_cmp((const char *const[3]){ a->county, a->township, a->village },
			    (const char *const[3]){ b->county, b->township, b->village });
}

static int build_teams(struct mq_assessment *as, struct mq_agg *agg, const struct mq_rubric *r)
{
	size_t nv, nc = as->ncadres;
	const struct mq_summary_row *vr = mq_agg_villages(agg, &nv);
	struct mq_intern *keys = mq_intern_new();
	long long *sum = calloc(nv + nc + 1, sizeof *sum);
	struct q (*vsum)[MQ_MAX_VETOES] = calloc(nv + nc + 1, sizeof *vsum);
	as->teams = calloc(nv + nc + 1, sizeof *as->teams);
	if (!keys || !sum || !vsum || !as->teams)
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
			/* a team's veto rates: sums over its cadres' counts */
			for (int k = 0; k < r->nvetoes; k++) {
				vsum[id][k].n += as->veto_rate[i - nv][k].n;
				vsum[id][k].d += as->veto_rate[i - nv][k].d;
			}
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
		unsigned veto = 0;
		for (int k = 0; k < r->nvetoes; k++)
			veto |= (unsigned)below(vsum[i][k], r->vetoes[k].below) << k;
		const char *plain = mq_rubric_grade(r, &r->team, tr->score, 0);
		tr->grade = mq_rubric_grade(r, &r->team, tr->score, veto);
		tr->vetoed = plain != tr->grade;
	}
	qsort(as->teams, as->nteams, sizeof *as->teams, cmp_team);
	mq_intern_free(keys);
	free(sum);
	free(vsum);
	return 0;
oom:
	mq_intern_free(keys);
	free(sum);
	free(vsum);
	return MQ_ERR_NOMEM;
}

int mq_assess(struct mq_agg *agg, const struct mq_rubric *r, const struct mq_tally *tally,
	      struct mq_assessment **out, struct mq_error *err)
{
	*out = NULL;
	if (r->general && !tally)
		return mq_fail(err, MQ_ERR_USAGE, r->path, 0,
			       "评分细则含 count/rate/days 类项目，须从记录计算（minqing run 或 aggregate），"
			       "不能由部分结果合并 / the rubric has count, rate or days items: they are counted "
			       "from the records (minqing run or aggregate), not from merged partial states");
	size_t n;
	const struct mq_cadre_row *cr = mq_agg_cadres(agg, &n);
	struct mq_assessment *as = calloc(1, sizeof *as);
	if (!as || (n && !cr))
		goto oom;
	as->period = mq_agg_period(agg);
	as->rubric = r;
	as->days_in_period = (long long)(mq_agg_as_of(agg) - as->period->first + 1);
	if (as->days_in_period < 0)
		as->days_in_period = 0; /* a run date before the period */
	as->cadres = calloc(n ? n : 1, sizeof *as->cadres);
	as->veto_rate = calloc(n ? n : 1, sizeof *as->veto_rate);
	if (!as->cadres || !as->veto_rate)
		goto oom;
	as->ncadres = n;
	for (size_t i = 0; i < n; i++)
		score_cadre(as, agg, tally, i, &cr[i]);
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
	free(a->veto_rate);
	free(a->teams);
	free(a);
}

/* ---- CSV ---- */

static const char *const assessment_cols[] = {
	"period", "cadre_id", "cadre_name", "role", "township", "village", "diaries", "demands",
	"resolved", "resolution_rate", "satisfaction_rate", "signed_rate", "days_in_village",
	"score", "grade", /* then item_<id> per item of the rubric, in its order */
};

/* the order of v[] in facts_cells, after the five text columns */
static const char *const facts_cols[] = {
	"period", "cadre_id", "cadre_name", "township", "village", "diaries",
	"months_with_records", "months_quota_met", "demands", "resolved", "assigned_households",
	"coverage_pairs", "coverage_hits", "sat_answers", "sat_positive", "signed_visits",
	"resident_role", "days_in_village", "days_in_period", "days_required",
	/* then per general item: <id>_count, and <id>_among (rate) or <id>_target */
};

static const char *const team_cols[] = {
	"period", "county", "township", "village", "cadres", "team_score", "team_grade",
	"satisfaction_rate",
};

/* The three files: name, header, rows (after the period cell). */
struct assessment_csv {
	const char *name;
	const char *const *cols;        /* the fixed columns (header_cells adds the items') */
	size_t ncols;
	int teams;                      /* rows: 0 the cadres, 1 the teams */
	void (*cells)(FILE *fp, const struct mq_assessment *a, size_t i);
};

static void cadre_cells(FILE *fp, const struct mq_assessment *a, size_t i)
{
	const struct mq_assessment_row *r = &a->cadres[i];
	const struct mq_cadre_row *c = r->cadre;
	const char *text[] = { c->cadre_id, c->cadre_name, c->role, c->township, c->village };
	const long long v[] = { c->diaries, c->demands, c->resolved };
	mq_csv_cells(fp, text, sizeof text / sizeof *text);
	mq_csv_counts(fp, v, sizeof v / sizeof *v);
	mq_csv_rate(fp, c->resolved, c->demands);
	mq_csv_rate(fp, c->sat_positive, c->sat_answers);
	mq_csv_rate(fp, c->signed_visits, c->diaries);
	mq_csv_count(fp, c->days_in_village);
	mq_csv_count_if(fp, r->has_score, r->score);
	mq_csv_cell(fp, r->grade, 0);
	for (int k = 0; k < a->rubric->nitems; k++)
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
	const char *text[] = { c->cadre_id, c->cadre_name, c->township, c->village };
	mq_csv_cells(fp, text, sizeof text / sizeof *text);
	mq_csv_counts(fp, v, sizeof v / sizeof *v);
	mq_csv_cell(fp, r->days_required, 0);
	for (int k = 0; k < a->rubric->nitems; k++) {
		enum mq_item_kind kind = a->rubric->items[k].kind;
		if (kind < MQ_ITEM_N)
			continue;
		mq_csv_count(fp, r->item_count[k]);
		if (kind == MQ_KIND_RATE)
			mq_csv_count(fp, r->item_among[k]);
		else
			mq_csv_cell(fp, r->item_required[k], 0);
	}
}

/* The header of a file: its fixed columns, then those of the rubric's items. */
static int header_cells(const struct mq_rubric *r, const struct assessment_csv *csv, struct mq_buf *names,
			const char **cols, size_t max, size_t *n)
{
	*n = 0;
	for (size_t k = 0; k < csv->ncols; k++)
		cols[(*n)++] = csv->cols[k];
	if (csv->teams)
		return 0;
	size_t at[2 * MQ_MAX_ITEMS];
	size_t nat = 0;
	mq_buf_reset(names);
	for (int k = 0; k < r->nitems; k++) {
		const struct mq_rubric_item *it = &r->items[k];
		int rc = 0;
		if (csv->cells == cadre_cells) {
			at[nat++] = names->len;
			rc = mq_buf_printf(names, "item_%s", it->id) || mq_buf_addc(names, '\0');
		} else if (it->kind >= MQ_ITEM_N) {
			at[nat++] = names->len;
			rc = mq_buf_printf(names, "%s_count", it->id) || mq_buf_addc(names, '\0');
			at[nat++] = names->len;
			rc = rc || mq_buf_printf(names, "%s_%s", it->id, it->kind == MQ_KIND_RATE ? "among" : "target") ||
			     mq_buf_addc(names, '\0');
		}
		if (rc)
			return MQ_ERR_NOMEM;
	}
	for (size_t k = 0; k < nat && *n < max; k++)
		cols[(*n)++] = names->data + at[k];
	return 0;
}

static const struct assessment_csv assessment_csvs[] = {
	{ "assessment.csv", assessment_cols, sizeof assessment_cols / sizeof *assessment_cols, 0, cadre_cells },
	{ "team_assessment.csv", team_cols, sizeof team_cols / sizeof *team_cols, 1, team_cells },
	{ "assessment_facts.csv", facts_cols, sizeof facts_cols / sizeof *facts_cols, 0, facts_cells },
};

int mq_assessment_write(const struct mq_assessment *a, const char *data_dir, int bom,
			struct mq_error *err)
{
	int rc = mq_mkdirs(data_dir, err);
	struct mq_buf names = MQ_BUF_INIT;
	for (size_t f = 0; !rc && f < sizeof assessment_csvs / sizeof *assessment_csvs; f++) {
		const struct assessment_csv *csv = &assessment_csvs[f];
		char path[4096];
		const char *cols[64 + 2 * MQ_MAX_ITEMS];
		size_t ncols;
		struct mq_out o;
		snprintf(path, sizeof path, "%s/%s", data_dir, csv->name);
		if (header_cells(a->rubric, csv, &names, cols, sizeof cols / sizeof *cols, &ncols)) {
			rc = mq_fail_nomem(err, path, 0);
			break;
		}
		if ((rc = mq_csv_open(&o, path, bom, cols, ncols, err)))
			break;
		size_t n = csv->teams ? a->nteams : a->ncadres;
		for (size_t i = 0; i < n; i++) {
			mq_csv_cell(o.fp, a->period->label, 1);
			csv->cells(o.fp, a, i);
			mq_csv_end(o.fp);
		}
		rc = mq_out_commit(&o, err);
	}
	mq_buf_free(&names);
	return rc;
}

int mq_assess_write(struct mq_agg *agg, const struct mq_rubric *r, const struct mq_tally *tally,
		    const char *data_dir, int bom, struct mq_error *err)
{
	struct mq_assessment *a;
	int rc = mq_assess(agg, r, tally, &a, err);
	if (rc)
		return rc;
	rc = mq_assessment_write(a, data_dir, bom, err);
	mq_assessment_free(a);
	return rc;
}
