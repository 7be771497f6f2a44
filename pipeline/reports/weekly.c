/* weekly.c — the weekly check (周检查): when the run date falls inside a
 * month period (the month still under way), per township
 * <乡镇>_<label>_周检查.pdf (templates/weekly_check.xml) and, for every
 * cadre of cadre_monthly.csv, a row of data/weekly_check.csv:
 *   period, as_of, township, village, cadre_id, cadre_name, diaries,
 *   quota, pace (quota × elapsed days ÷ days in the month, 1 decimal),
 *   still_needed, days_left, behind (1: diaries < pace), visits, signed,
 *   signed_rate, sat_answers, sat_positive, satisfaction_rate,
 *   satisfaction_short (1: rate below the rubric's satisfaction veto
 *   threshold, else 0.80), overdue_demands, due_soon_demands (of the
 *   cadre's records), unvisited_households (assigned, no 入户走访 by the
 *   cadre this quarter up to the as-of date).
 * Diaries are cadre_monthly.csv's; the demands listed are those of the
 * period's records (contract section 4: overdue = open and due before the
 * as-of date), so a township's overdue count is township_summary.csv's.
 * Falling due: open, due from the as-of date to 7 days after it. */
#include "reports_internal.h"

#include "minqing/core/buf.h"
#include "minqing/core/csv_out.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"
#include "minqing/core/rate.h"
#include "minqing/figures/assess.h"
#include "minqing/ingest/reference.h"

#include <stdlib.h>
#include <string.h>

#define DUE_SOON_DAYS 7

struct wk_cadre {
	long long visits, signed_, sat_n, sat_ok, overdue, due_soon;
};

struct rp_weekly {
	mq_day first, last, quarter_first, as_of;
	int quota;
	struct mq_ratio sat_target;
	struct mq_intern *cadres;       /* cadre_id → stats index */
	struct wk_cadre *stats;
	size_t nstats, astats;
	struct mq_intern *home_pairs;   /* "cadre_id\x1fhousehold_id" with a 入户走访 this quarter */
	struct mq_intern *households;   /* household_id → householders[] */
	int32_t *householders;          /* c->strings ids */
	size_t ahouseholders;
	struct mq_reference ref;        /* the assignments */
};

int rp_weekly_due(const struct mq_period *period, mq_day run_date)
{
	return period->kind == MQ_PERIOD_MONTH && run_date >= period->first && run_date <= period->last;
}

int rp_weekly_begin(struct rp_ctx *c, struct mq_error *err)
{
	if (!rp_weekly_due(&c->period, c->run_date))
		return 0;
	struct rp_weekly *w = calloc(1, sizeof *w);
	if (!w)
		return mq_fail_nomem(err, NULL, 0);
	c->weekly = w;
	w->first = c->period.first;
	w->last = c->period.last;
	w->as_of = c->as_of;
	int y, m, d;
	mq_day_to_ymd(c->period.first, &y, &m, &d);
	struct mq_period q;
	char qlabel[32];
	snprintf(qlabel, sizeof qlabel, "%04d-Q%d", y, (m - 1) / 3 + 1);
	if (mq_period_parse(qlabel, &q, err))
		return MQ_ERR_FORMAT;
	w->quarter_first = q.first;
	const struct mq_rubric_item *diary = mq_rubric_named(c->rubric, MQ_ITEM_DIARY);
	w->quota = diary ? diary->quota : MQ_DIARY_QUOTA;
	w->sat_target = (struct mq_ratio){ 4, 5 };
	for (int k = 0; k < c->rubric->nvetoes; k++)
		if (c->rubric->vetoes[k].item < 0) {
			w->sat_target = c->rubric->vetoes[k].below;
			break;
		}
	if (!(w->cadres = mq_intern_new()) || !(w->home_pairs = mq_intern_new()) ||
	    !(w->households = mq_intern_new()))
		return mq_fail_nomem(err, NULL, 0);
	return mq_reference_load(&w->ref, NULL, NULL, c->o->assignments, err);
}

void rp_weekly_free(struct rp_weekly *w)
{
	if (!w)
		return;
	mq_intern_free(w->cadres);
	mq_intern_free(w->home_pairs);
	mq_intern_free(w->households);
	free(w->stats);
	free(w->householders);
	mq_reference_free(&w->ref);
	free(w);
}

static int32_t field_id(struct mq_intern *t, const struct mq_record *r, int f)
{
	return mq_intern_id(t, r->text[f] ? r->text[f] : "", r->text[f] ? r->len[f] : 0);
}

int rp_weekly_record(struct rp_ctx *c, const struct mq_record *r)
{
	struct rp_weekly *w = c->weekly;
	if (r->visit_date > w->as_of)
		return 0;
	if (r->text[MQ_F_HOUSEHOLD_ID]) {
		int32_t h = field_id(w->households, r, MQ_F_HOUSEHOLD_ID);
		if (h < 0 || mq_grow((void **)&w->householders, &w->ahouseholders, (size_t)h + 1,
				     sizeof *w->householders))
			return MQ_ERR_NOMEM;
		int32_t name = r->text[MQ_F_HOUSEHOLDER]
				       ? mq_intern_id(c->strings, r->text[MQ_F_HOUSEHOLDER], r->len[MQ_F_HOUSEHOLDER])
				       : -1;
		w->householders[h] = name; /* the latest record's name */
	}
	/* coverage's rule: a 入户走访 by the cadre in the quarter (contract section 5) */
	if (r->visit_date >= w->quarter_first && r->visit_mode == MQ_MODE_HOME && r->text[MQ_F_HOUSEHOLD_ID]) {
		char key[256];
		int n = snprintf(key, sizeof key, "%.*s\x1f%.*s", (int)r->len[MQ_F_CADRE_ID],
				 r->text[MQ_F_CADRE_ID] ? r->text[MQ_F_CADRE_ID] : "",
				 (int)r->len[MQ_F_HOUSEHOLD_ID], r->text[MQ_F_HOUSEHOLD_ID]);
		if (n > 0 && (size_t)n < sizeof key && mq_intern_id(w->home_pairs, key, (size_t)n) < 0)
			return MQ_ERR_NOMEM;
	}
	if (r->visit_date < w->first)
		return 0;
	int32_t ci = field_id(w->cadres, r, MQ_F_CADRE_ID);
	if (ci < 0)
		return MQ_ERR_NOMEM;
	if ((size_t)ci >= w->nstats) {
		if (mq_grow((void **)&w->stats, &w->astats, (size_t)ci + 1, sizeof *w->stats))
			return MQ_ERR_NOMEM;
		memset(&w->stats[w->nstats], 0, ((size_t)ci + 1 - w->nstats) * sizeof *w->stats);
		w->nstats = (size_t)ci + 1;
	}
	struct wk_cadre *s = &w->stats[ci];
	s->visits++;
	s->signed_ += r->is_signed != 0;
	s->sat_n += r->satisfaction >= 0;
	s->sat_ok += r->satisfaction == MQ_SAT_SATISFIED || r->satisfaction == MQ_SAT_BASIC;
	if (r->text[MQ_F_DEMAND] && r->due_date != MQ_NO_DAY) {
		int resolved = mq_resolved_by(r->status, r->closed_date, w->as_of);
		s->overdue += mq_overdue_by(r->status, r->closed_date, r->due_date, w->as_of);
		s->due_soon += !resolved && r->due_date >= w->as_of && r->due_date <= w->as_of + DUE_SOON_DAYS;
	}
	return 0;
}

/* ---- per cadre ---- */

struct wk_row {
	size_t cm;                      /* cadre_monthly.csv row */
	const struct wk_cadre *s;       /* NULL: no record this month */
	long long diaries;
	char pace[32], needed[32], signed_rate[16], sat_rate[16];
	int behind, sat_short;
	long long unvisited;
};

static const struct wk_cadre no_stats;

/* The cadre's assigned households without a 入户走访 by the cadre this
 * quarter: their number, and when list is given "H1（户主）、H2…" in it;
 * -1 on OOM. */
static long long unvisited(const struct rp_ctx *c, const char *id, struct mq_buf *list)
{
	const struct rp_weekly *w = c->weekly;
	long long n = 0;
	for (size_t k = 0; k < w->ref.nassignments; k++) {
		const struct mq_assignment *a = &w->ref.assignments[k];
		char key[256];
		int len = snprintf(key, sizeof key, "%s\x1f%s", a->cadre_id, a->household_id);
		if (strcmp(a->cadre_id, id) != 0 || len <= 0 || (size_t)len >= sizeof key ||
		    mq_intern_find(w->home_pairs, key, (size_t)len) >= 0)
			continue;
		n++;
		if (!list)
			continue;
		int32_t h = mq_intern_find(w->households, a->household_id, strlen(a->household_id));
		const char *who = h >= 0 && (size_t)h < w->ahouseholders ? rp_str(c, w->householders[h]) : "";
		if (mq_buf_printf(list, "%s%s%s%s%s", list->len ? "、" : "", a->household_id, *who ? "（" : "",
				  who, *who ? "）" : ""))
			return -1;
	}
	return n;
}

static void cadre_row(const struct rp_ctx *c, size_t i, struct wk_row *out)
{
	const struct rp_weekly *w = c->weekly;
	const char *id = rp_cell(&c->cadre_monthly, i, "cadre_id");
	int32_t ci = mq_intern_find(w->cadres, id, strlen(id));
	memset(out, 0, sizeof *out);
	out->cm = i;
	out->s = ci >= 0 && (size_t)ci < w->nstats ? &w->stats[ci] : &no_stats;
	out->diaries = atoll(rp_cell(&c->cadre_monthly, i, "diaries"));
	long long elapsed = w->as_of - w->first + 1, dim = w->last - w->first + 1;
	/* pro-rata pace: quota × elapsed days ÷ days in the month, one decimal half up */
	long long tenths = (20LL * w->quota * elapsed + dim) / (2 * dim);
	snprintf(out->pace, sizeof out->pace, "%lld.%lld", tenths / 10, tenths % 10);
	out->behind = out->diaries * dim < (long long)w->quota * elapsed;
	snprintf(out->needed, sizeof out->needed, "%lld", out->diaries < w->quota ? w->quota - out->diaries : 0);
	mq_rate_format(out->s->signed_, out->s->visits, 4, out->signed_rate);
	mq_rate_format(out->s->sat_ok, out->s->sat_n, 4, out->sat_rate);
	out->sat_short = out->s->sat_n > 0 && out->s->sat_ok * w->sat_target.den < w->sat_target.num * out->s->sat_n;
	out->unvisited = unvisited(c, id, NULL);
}

int rp_weekly_write_csv(struct rp_ctx *c, struct mq_error *err)
{
	if (!c->weekly)
		return 0;
	static const char *const cols[] = {
		"period", "as_of", "township", "village", "cadre_id", "cadre_name", "diaries", "quota", "pace",
		"still_needed", "days_left", "behind", "visits", "signed", "signed_rate", "sat_answers",
		"sat_positive", "satisfaction_rate", "satisfaction_short", "overdue_demands",
		"due_soon_demands", "unvisited_households",
	};
	const struct rp_weekly *w = c->weekly;
	char path[4400];
	snprintf(path, sizeof path, "%s/weekly_check.csv", c->data_dir);
	struct mq_out o;
	int rc = mq_csv_open(&o, path, 1, cols, sizeof cols / sizeof *cols, err);
	if (rc)
		return rc;
	const struct rp_table *T = &c->cadre_monthly;
	for (size_t i = 0; i < T->nrows; i++) {
		struct wk_row r;
		cadre_row(c, i, &r);
		mq_csv_cell(o.fp, c->period.label, 1);
		mq_csv_cell(o.fp, c->as_of_text, 0);
		mq_csv_cell(o.fp, rp_cell(T, i, "township"), 0);
		mq_csv_cell(o.fp, rp_cell(T, i, "village"), 0);
		mq_csv_cell(o.fp, rp_cell(T, i, "cadre_id"), 0);
		mq_csv_cell(o.fp, rp_cell(T, i, "cadre_name"), 0);
		mq_csv_count(o.fp, r.diaries);
		mq_csv_count(o.fp, w->quota);
		mq_csv_cell(o.fp, r.pace, 0);
		mq_csv_cell(o.fp, r.needed, 0);
		mq_csv_count(o.fp, w->last - w->as_of);
		mq_csv_count(o.fp, r.behind);
		mq_csv_count(o.fp, r.s->visits);
		mq_csv_count(o.fp, r.s->signed_);
		mq_csv_cell(o.fp, r.signed_rate, 0);
		mq_csv_count(o.fp, r.s->sat_n);
		mq_csv_count(o.fp, r.s->sat_ok);
		mq_csv_cell(o.fp, r.sat_rate, 0);
		mq_csv_count(o.fp, r.sat_short);
		mq_csv_count(o.fp, r.s->overdue);
		mq_csv_count(o.fp, r.s->due_soon);
		mq_csv_count(o.fp, r.unvisited);
		mq_csv_end(o.fp);
	}
	return mq_out_commit(&o, err);
}

/* ---- the document of a township ---- */

struct wk_demand {
	const struct rp_visit *x;
	const char *village;
};

static int cmp_demand(const void *a, const void *b)
{
	const struct rp_visit *x = ((const struct wk_demand *)a)->x, *y = ((const struct wk_demand *)b)->x;
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The township's open demands: overdue (which 0) or falling due (which 1), oldest first. */
static int demands_set(struct rp_ctx *c, struct mq_data *d, const char *township, int which,
		       size_t *count, struct mq_error *err)
{
	const struct rp_weekly *w = c->weekly;
	struct wk_demand *list = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (size_t k = 0; k < c->nvillages && !rc; k++) {
		const struct rp_village *v = &c->villages[k];
		if (strcmp(v->township, township) != 0)
			continue;
		for (size_t i = v->first; i < v->first + v->count; i++) {
			const struct rp_visit *x = &c->visits[i];
			if (x->demand < 0 || x->due == MQ_NO_DAY)
				continue;
			/* contract section 4: overdue, or open and due within DUE_SOON_DAYS */
			int hit = which ? !mq_resolved_by(x->status, x->closed, w->as_of) && x->due >= w->as_of &&
						  x->due <= w->as_of + DUE_SOON_DAYS
					: mq_overdue_by(x->status, x->closed, x->due, w->as_of);
			if (!hit)
				continue;
			if (mq_grow((void **)&list, &cap, n + 1, sizeof *list)) {
				rc = mq_fail_nomem(err, NULL, 0);
				break;
			}
			list[n++] = (struct wk_demand){ x, v->village };
		}
	}
	if (n)
		qsort(list, n, sizeof *list, cmp_demand);
	struct mq_dataset *s;
	if (!rc)
		rc = rp_add_set(d, which ? "due_soon" : "overdue",
				"village household_id householder demand visit_date due_date days cadre", &s, err);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct rp_visit *x = list[i].x;
		char vd[11], dd[11], days[16];
		mq_date_format(x->date, vd);
		mq_date_format(x->due, dd);
		snprintf(days, sizeof days, "%d", which ? (int)(x->due - w->as_of) : (int)(w->as_of - x->due));
		const char *row[] = { list[i].village, rp_str(c, x->household), rp_str(c, x->householder),
				      rp_str(c, x->demand), vd, dd, days, rp_str(c, x->cadre) };
		rc = mq_dataset_add_row(s, row, err);
	}
	free(list);
	*count = n;
	return rc;
}

int rp_weekly_doc(struct rp_ctx *c, const char *township, int unit, int index, rp_emit_fn emit,
		  void *sink, struct mq_error *err)
{
	const struct rp_weekly *w = c->weekly;
	struct mq_data *d = mq_data_new();
	struct mq_buf behind = MQ_BUF_INIT, villages = MQ_BUF_INIT;
	struct mq_dataset *cs, *hs;
	int rc = 0;
	if (!d)
		return mq_fail_nomem(err, NULL, 0);
	long long elapsed = w->as_of - w->first + 1, dim = w->last - w->first + 1;
	size_t nover = 0, nsoon = 0, ncad = 0, nbehind = 0, nsig = 0, nsat = 0, nvil = 0, nhh = 0;
	if ((rc = rp_add_set(d, "cadres", "cadre_name cadre_id village diaries quota pace still_needed "
			     "behind visits signed signed_rate sat_rate sat_short unvisited", &cs, err)) ||
	    (rc = rp_add_set(d, "households", "cadre_name count households", &hs, err)))
		goto out;
	struct mq_buf hh = MQ_BUF_INIT;
	const struct rp_table *T = &c->cadre_monthly;
	for (size_t i = 0; i < T->nrows && !rc; i++) {
		if (strcmp(rp_cell(T, i, "township"), township) != 0)
			continue;
		struct wk_row r;
		cadre_row(c, i, &r);
		char diaries[16], quota[16], visits[16], sig[16], sr[16], sa[16], unv[16];
		snprintf(diaries, sizeof diaries, "%lld", r.diaries);
		snprintf(quota, sizeof quota, "%d", w->quota);
		snprintf(visits, sizeof visits, "%lld", r.s->visits);
		snprintf(sig, sizeof sig, "%lld", r.s->signed_);
		snprintf(unv, sizeof unv, "%lld", r.unvisited);
		rp_pct(r.signed_rate, sr);
		rp_pct(r.sat_rate, sa);
		const char *name = rp_cell(T, i, "cadre_name");
		const char *row[] = { name, rp_cell(T, i, "cadre_id"), rp_cell(T, i, "village"), diaries, quota,
				      r.pace, r.needed, r.behind ? "1" : "0", visits, sig, *sr ? sr : "—",
				      *sa ? sa : "—", r.sat_short ? "1" : "0", unv };
		if ((rc = mq_dataset_add_row(cs, row, err)))
			break;
		ncad++;
		if (r.behind) {
			nbehind++;
			rc = mq_buf_printf(&behind, "%s%s（%s篇，还需%s篇）", behind.len ? "、" : "", name, diaries, r.needed);
		}
		nsig += r.s->signed_ < r.s->visits;
		nsat += r.sat_short;
		/* the cadre's assigned households without a 入户走访 this quarter, on one row */
		const char *id = rp_cell(T, i, "cadre_id");
		mq_buf_reset(&hh);
		if (unvisited(c, id, &hh) < 0)
			rc = MQ_ERR_NOMEM;
		if (!rc && hh.len) {
			const char *hr[] = { name, unv, hh.data };
			rc = mq_dataset_add_row(hs, hr, err);
			nhh += (size_t)r.unvisited;
		}
	}
	mq_buf_free(&hh);
	/* villages with no visit this month (village_summary.csv) */
	for (size_t i = 0; i < c->village.nrows && !rc; i++)
		if (strcmp(rp_cell(&c->village, i, "township"), township) == 0 &&
		    atoll(rp_cell(&c->village, i, "visits")) == 0) {
			rc = mq_buf_printf(&villages, "%s%s", villages.len ? "、" : "", rp_cell(&c->village, i, "village"));
			nvil++;
		}
	if (rc || (rc = demands_set(c, d, township, 0, &nover, err)) ||
	    (rc = demands_set(c, d, township, 1, &nsoon, err)))
		goto out;
	char month[32], sat_target[16], label[64];
	int y, m, dd;
	mq_day_to_ymd(w->first, &y, &m, &dd);
	snprintf(month, sizeof month, "%d年%d月", y, m);
	snprintf(sat_target, sizeof sat_target, "%lld%%", w->sat_target.num * 100 / w->sat_target.den);
	mq_date_format(w->as_of + DUE_SOON_DAYS, label);
	const char *overdue_fig = "";
	for (size_t i = 0; i < c->township.nrows; i++)
		if (strcmp(rp_cell(&c->township, i, "township"), township) == 0)
			overdue_fig = rp_cell(&c->township, i, "overdue");
	if ((rc = rp_setf(d, err, "title", "%s%s民情日记周检查", township, month)) ||
	    (rc = mq_data_set(d, "township", township, err)) ||
	    (rc = mq_data_set(d, "unit", c->o->unit ? c->o->unit : township, err)) ||
	    (rc = mq_data_set(d, "month", month, err)) ||
	    (rc = mq_data_set(d, "as_of", c->as_of_text, err)) ||
	    (rc = mq_data_set(d, "due_until", label, err)) ||
	    (rc = rp_setf(d, err, "elapsed", "%lld", elapsed)) ||
	    (rc = rp_setf(d, err, "days_in_month", "%lld", dim)) ||
	    (rc = rp_setf(d, err, "days_left", "%lld", dim - elapsed)) ||
	    (rc = rp_setf(d, err, "quota", "%d", w->quota)) ||
	    (rc = rp_setf(d, err, "cadres_n", "%zu", ncad)) ||
	    (rc = rp_setf(d, err, "behind_n", "%zu", nbehind)) ||
	    (rc = mq_data_set(d, "behind", behind.data, err)) ||
	    (rc = rp_setf(d, err, "overdue_n", "%zu", nover)) ||
	    (rc = mq_data_set(d, "overdue_figure", overdue_fig, err)) ||
	    (rc = rp_setf(d, err, "due_soon_n", "%zu", nsoon)) ||
	    (rc = rp_setf(d, err, "no_visit_n", "%zu", nvil)) ||
	    (rc = mq_data_set(d, "no_visit", villages.data, err)) ||
	    (rc = rp_setf(d, err, "unvisited_n", "%zu", nhh)) ||
	    (rc = rp_setf(d, err, "signed_short_n", "%zu", nsig)) ||
	    (rc = rp_setf(d, err, "sat_short_n", "%zu", nsat)) ||
	    (rc = mq_data_set(d, "sat_target", sat_target, err)))
		goto out;
	char file[1024];
	rp_file_weekly(c, township, file, sizeof file);
	rc = rp_render(c, c->t_weekly, d, file, unit, index, emit, sink, err);
out:
	if (rc > 0)
		rc = mq_fail_nomem(err, NULL, 0);
	mq_buf_free(&behind);
	mq_buf_free(&villages);
	mq_data_free(d);
	return rc;
}
