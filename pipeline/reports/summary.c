/* summary.c — the monthly work summary of a township
 * (乡镇民情走访月度工作小结, templates/monthly_summary.xml) and the order of
 * a township's documents: its months, then its village ledgers.
 *
 * Month figures: a month run prints village_summary.csv and
 * township_summary.csv as written; a quarter or year run prints, per
 * month, what `minqing aggregate --period YYYY-MM` would write: the month
 * aggregators fed in reports.c (as of each month's own as-of date,
 * contract section 4), with registered households from village_summary.csv
 * and township rates recomputed from the sums. */
#include "reports_internal.h"

#include "minqing/core/buf.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/rate.h"
#include "minqing/ingest/record.h"

#include <stdlib.h>
#include <string.h>

enum { F_VISITS, F_HOME, F_HH, F_REG, F_COV, F_DEM, F_RES, F_OVER, F_RRATE, F_SRATE, F_SAT,
       F_TOPIC0, NF = F_TOPIC0 + MQ_TOPIC_N };
static const char *const fig_cols[F_TOPIC0] = {
	"visits", "home_visits", "households_visited", "households_registered", "coverage",
	"demands", "resolved", "overdue", "resolution_rate", "signed_rate", "satisfaction_rate",
};

struct fig {
	char s[NF][24];
};

#define RESOLUTION_TARGET 8000 /* 80% in ten-thousandths: the requirement the summary cites */

static void fig_from_csv(const struct rp_table *t, size_t row, struct fig *f)
{
	for (int i = 0; i < NF; i++) {
		char col[64];
		if (i < F_TOPIC0)
			snprintf(col, sizeof col, "%s", fig_cols[i]);
		else
			snprintf(col, sizeof col, "topic_%s", mq_topics[i - F_TOPIC0]);
		snprintf(f->s[i], sizeof f->s[i], "%s", rp_cell(t, row, col));
	}
}

/* The same columns as the aggregator writes them (rates: 4 decimals, half up). */
static void fig_from_counts(const struct mq_counts *k, int reg_known, long long reg, struct fig *f)
{
	long long n[] = {k->visits, k->home_visits, k->households_visited};
	for (int i = 0; i < 3; i++)
		snprintf(f->s[i], sizeof f->s[i], "%lld", n[i]);
	if (reg_known) {
		snprintf(f->s[F_REG], sizeof f->s[F_REG], "%lld", reg);
		mq_rate_format(k->households_visited, reg, 4, f->s[F_COV]);
	} else {
		f->s[F_REG][0] = f->s[F_COV][0] = '\0';
	}
	snprintf(f->s[F_DEM], sizeof f->s[F_DEM], "%lld", k->demands);
	snprintf(f->s[F_RES], sizeof f->s[F_RES], "%lld", k->resolved);
	snprintf(f->s[F_OVER], sizeof f->s[F_OVER], "%lld", k->overdue);
	mq_rate_format(k->resolved, k->demands, 4, f->s[F_RRATE]);
	mq_rate_format(k->signed_visits, k->visits, 4, f->s[F_SRATE]);
	mq_rate_format(k->sat_positive, k->sat_answers, 4, f->s[F_SAT]);
	for (int t = 0; t < MQ_TOPIC_N; t++)
		snprintf(f->s[F_TOPIC0 + t], sizeof f->s[0], "%lld", k->topics[t]);
}

static long rate_cmp_units(const char *rate)
{
	char num[16];
	rp_pct_num(rate, num); /* compare what is printed */
	if (!*num)
		return -1;
	return strtol(num, NULL, 10) * 10 + (long)(strchr(num, '.')[1] - '0');
}

/* ---- one township and month ---- */

struct month {
	int index;
	char label[8];               /* YYYY-MM */
	mq_day first, last, as_of;
};

struct vfig {
	size_t village;              /* index into ctx->villages */
	struct fig f;
};

struct overdue {
	const struct rp_visit *v;
	int days;
};

static int cmp_overdue(const void *a, const void *b)
{
	const struct overdue *x = a, *y = b;
	if (x->days != y->days)
		return x->days > y->days ? -1 : 1;
	if (x->v->village != y->v->village)
		return x->v->village < y->v->village ? -1 : 1;
	return x->v < y->v ? -1 : x->v > y->v;
}


static int add_row(struct mq_dataset *s, const char *const *v, struct mq_error *err)
{
	return mq_dataset_add_row(s, v, err);
}

static int fill_figures(struct rp_ctx *c, struct mq_data *d, const char *township,
			const struct month *m, struct vfig *vf, size_t nv, struct fig *tf,
			struct mq_error *err)
{
	int rc = 0;
	if (c->period.kind == MQ_PERIOD_MONTH) {
		for (size_t i = 0; i < nv; i++)
			fig_from_csv(&c->village, c->villages[vf[i].village].row, &vf[i].f);
		for (size_t i = 0; i < c->township.nrows; i++)
			if (strcmp(rp_cell(&c->township, i, "township"), township) == 0)
				fig_from_csv(&c->township, i, tf);
	} else {
		const struct mq_counts *month = c->month_counts + (size_t)m->index * c->nvillages;
		struct mq_counts sum = {0};
		long long reg_sum = 0;
		int reg_any = 0;
		for (size_t i = 0; i < nv; i++) {
			const struct rp_village *v = &c->villages[vf[i].village];
			const struct mq_counts *k = &month[vf[i].village];
			const char *reg = rp_cell(&c->village, v->row, "households_registered");
			long long r = *reg ? atoll(reg) : 0;
			fig_from_counts(k, *reg != '\0', r, &vf[i].f);
			mq_counts_add(&sum, k); /* its registry figures: reg_sum below */
			reg_sum += r;
			reg_any |= *reg != '\0';
		}
		fig_from_counts(&sum, reg_any, reg_sum, tf);
	}
	/* scalars of the month */
	char pct[4][16];
	rp_pct(tf->s[F_COV], pct[0]);
	rp_pct(tf->s[F_RRATE], pct[1]);
	rp_pct(tf->s[F_SRATE], pct[2]);
	rp_pct(tf->s[F_SAT], pct[3]);
	long rr = rate_cmp_units(tf->s[F_RRATE]);
	long long open = atoll(tf->s[F_DEM]) - atoll(tf->s[F_RES]);
	const char *names[] = {"visits", "home_visits", "households_visited", "households_registered",
			       "demands", "resolved", "overdue"};
	const int idx[] = {F_VISITS, F_HOME, F_HH, F_REG, F_DEM, F_RES, F_OVER};
	for (size_t i = 0; i < sizeof idx / sizeof *idx && !rc; i++)
		rc = mq_data_set(d, names[i], tf->s[idx[i]], err);
	if (rc || (rc = mq_data_set(d, "coverage", pct[0], err)) ||
	    (rc = mq_data_set(d, "resolution_rate", pct[1], err)) ||
	    (rc = mq_data_set(d, "signed_rate", pct[2], err)) ||
	    (rc = mq_data_set(d, "satisfaction_rate", pct[3], err)) ||
	    (rc = rp_setf(d, err, "open", "%lld", open)) ||
	    (rc = mq_data_set(d, "meets", rr < 0 ? "" : rr >= RESOLUTION_TARGET / 10 ? "达到" : "未达到", err)))
		return rc;
	/* villages */
	struct mq_dataset *vs, *ts;
	if ((rc = rp_add_set(d, "villages", "village visits home_visits households_visited "
			     "households_registered coverage coverage_num demands resolved overdue "
			     "resolution_rate signed_rate satisfaction_rate", &vs, err)))
		return rc;
	for (size_t i = 0; i < nv && !rc; i++) {
		const struct fig *f = &vf[i].f;
		char p[5][16];
		rp_pct(f->s[F_COV], p[0]);
		rp_pct_num(f->s[F_COV], p[1]);
		rp_pct(f->s[F_RRATE], p[2]);
		rp_pct(f->s[F_SRATE], p[3]);
		rp_pct(f->s[F_SAT], p[4]);
		const char *row[] = {c->villages[vf[i].village].village, f->s[F_VISITS], f->s[F_HOME],
				     f->s[F_HH], f->s[F_REG], p[0], *p[1] ? p[1] : "0", f->s[F_DEM],
				     f->s[F_RES], f->s[F_OVER], p[2], p[3], p[4]};
		rc = add_row(vs, row, err);
	}
	/* topics: 两不愁三保障 and drinking water first (the enumeration's order) */
	if (rc || (rc = rp_add_set(d, "topics", "group topic count", &ts, err)))
		return rc;
	for (int t = 0; t < MQ_TOPIC_N && !rc; t++) {
		const char *group = t < MQ_TOPIC_WATER ? "两不愁三保障" : t == MQ_TOPIC_WATER ? "饮水安全" : "其他事项";
		const char *row[] = {group, mq_topics[t], tf->s[F_TOPIC0 + t]};
		rc = add_row(ts, row, err);
	}
	return rc;
}

/* 五、存在的问题: sentences derived from the figures. */
static int problems(struct rp_ctx *c, struct mq_data *d, const struct vfig *vf, size_t nv,
		    const struct fig *tf, const struct overdue *od, size_t nod,
		    struct mq_dataset *cadres, struct mq_error *err)
{
	struct mq_dataset *ps;
	struct mq_buf b = MQ_BUF_INIT;
	int rc = rp_add_set(d, "problems", "text", &ps, err);
	size_t n = 0;
#define EMIT()                                                                      \
	do {                                                                        \
		const char *row_[] = {b.data};                                      \
		if (!rc && b.len && !(rc = mq_dataset_add_row(ps, row_, err)))      \
			n++;                                                        \
		mq_buf_reset(&b);                                                   \
	} while (0)
	char p[16], q[16];
	long rr = rate_cmp_units(tf->s[F_RRATE]);
	if (!rc && rr >= 0 && rr < RESOLUTION_TARGET / 10) {
		rp_pct(tf->s[F_RRATE], p);
		rc = mq_buf_printf(&b, "诉求办结率为%s，未达到80%%的要求，%s件诉求中尚有%lld件未办结，其中逾期%s件。",
				   p, tf->s[F_DEM], atoll(tf->s[F_DEM]) - atoll(tf->s[F_RES]), tf->s[F_OVER]);
		EMIT();
	}
	/* villages without visits, then the lowest coverage below the township's */
	for (size_t i = 0; i < nv && !rc; i++)
		if (atoll(vf[i].f.s[F_VISITS]) == 0)
			rc = mq_buf_printf(&b, "%s%s", b.len ? "、" : "", c->villages[vf[i].village].village);
	if (!rc && b.len) {
		struct mq_buf t = b;
		mq_buf_init(&b);
		rc = mq_buf_printf(&b, "%s本月没有走访记录，需尽快安排入户走访。", t.data);
		mq_buf_free(&t);
		EMIT();
	}
	long tcov = rate_cmp_units(tf->s[F_COV]);
	if (!rc && tcov >= 0 && nv > 1) {
		size_t order[3];
		int k = 0;
		for (int pass = 0; pass < 3; pass++) { /* the three lowest, lowest first */
			long best = -1;
			size_t bi = 0;
			for (size_t i = 0; i < nv; i++) {
				long cv = rate_cmp_units(vf[i].f.s[F_COV]);
				int used = 0;
				for (int j = 0; j < k; j++)
					used |= order[j] == i;
				if (cv >= 0 && cv < tcov && !used && atoll(vf[i].f.s[F_VISITS]) > 0 &&
				    (best < 0 || cv < best)) {
					best = cv;
					bi = i;
				}
			}
			if (best >= 0)
				order[k++] = bi;
		}
		for (int j = 0; j < k && !rc; j++) {
			rp_pct(vf[order[j]].f.s[F_COV], p);
			rc = mq_buf_printf(&b, "%s%s（%s）", j ? "、" : "走访覆盖率偏低的村：",
					   c->villages[vf[order[j]].village].village, p);
		}
		if (!rc && k) {
			rp_pct(tf->s[F_COV], q);
			rc = mq_buf_printf(&b, "，低于全乡镇的%s，在册农户走访还不够全面。", q);
			EMIT();
		}
	}
	/* cadres under quota */
	size_t nc = mq_dataset_rows(cadres), under = 0;
	int fq = mq_dataset_field(cadres, "quota_met"), fn = mq_dataset_field(cadres, "cadre_name"),
	    fd = mq_dataset_field(cadres, "diaries");
	for (size_t i = 0; i < nc && !rc; i++)
		if (strcmp(mq_dataset_value(cadres, i, (size_t)fq), "0") == 0) {
			rc = mq_buf_printf(&b, "%s%s（%s篇）", under ? "、" : "",
					   mq_dataset_value(cadres, i, (size_t)fn),
					   mq_dataset_value(cadres, i, (size_t)fd));
			under++;
		}
	if (!rc && under) {
		struct mq_buf t = b;
		mq_buf_init(&b);
		rc = mq_buf_printf(&b, "%zu名干部民情日记未达到每月%d篇的要求：%s。", under, MQ_DIARY_QUOTA, t.data);
		mq_buf_free(&t);
		EMIT();
	}
	/* the oldest overdue demands */
	for (size_t i = 0; i < nod && i < 3 && !rc; i++) {
		const struct rp_visit *v = od[i].v;
		rc = mq_buf_printf(&b, "%s%s%s户“%s”已逾期%d天（%s）", i ? "；" : "逾期最久的诉求：",
				   c->villages[v->village].village, rp_str(c, v->householder),
				   rp_str(c, v->demand), od[i].days, rp_str(c, v->cadre));
	}
	if (!rc && nod) {
		rc = mq_buf_adds(&b, "。");
		if (!rc && nod > 3)
			rc = mq_buf_printf(&b, "本期共有%zu件诉求逾期未办结，需督促限期办结。", nod);
		EMIT();
	}
	long sat = rate_cmp_units(tf->s[F_SAT]);
	if (!rc && sat >= 0 && sat < RESOLUTION_TARGET / 10) {
		rp_pct(tf->s[F_SAT], p);
		rc = mq_buf_printf(&b, "群众满意率为%s，低于80%%，需回访不满意的群众。", p);
		EMIT();
	}
	if (!rc && n == 0) {
		rc = mq_buf_adds(&b, "本月走访、诉求办理和民情日记各项指标均达到要求，未发现突出问题。");
		EMIT();
	}
#undef EMIT
	mq_buf_free(&b);
	return rc > 0 ? mq_fail_nomem(err, NULL, 0) : rc;
}

static int month_doc(struct rp_ctx *c, const char *township, const char *county,
		     const struct month *m, int unit, rp_emit_fn emit, void *sink, struct mq_error *err)
{
	struct mq_data *d = mq_data_new();
	struct vfig *vf = calloc(c->nvillages ? c->nvillages : 1, sizeof *vf);
	struct overdue *od = NULL;
	size_t nv = 0, nod = 0, cap = 0;
	struct fig tf = {0};
	int rc = 0;
	if (!d || !vf) {
		rc = mq_fail_nomem(err, NULL, 0);
		goto out;
	}
	for (size_t i = 0; i < c->nvillages; i++)
		if (strcmp(c->villages[i].township, township) == 0)
			vf[nv++].village = i;
	int y = atoi(m->label), mo = atoi(m->label + 5);
	char unit_name[512];
	snprintf(unit_name, sizeof unit_name, "%s%s", c->o->unit ? "" : county,
		 c->o->unit ? c->o->unit : township);
	char as_of[11];
	mq_date_format(m->as_of, as_of);
	if ((rc = rp_setf(d, err, "title", "%s%d年%d月驻村帮扶民情走访工作小结", township, y, mo)) ||
	    (rc = mq_data_set(d, "township", township, err)) ||
	    (rc = mq_data_set(d, "county", county, err)) ||
	    (rc = mq_data_set(d, "unit", unit_name, err)) ||
	    (rc = rp_setf(d, err, "month", "%d年%d月", y, mo)) ||
	    (rc = mq_data_set(d, "as_of", as_of, err)) ||
	    (rc = mq_data_set(d, "date", c->o->as_of ? c->as_of_text : as_of, err)) ||
	    (rc = rp_setf(d, err, "quality_file", "%s_数据质量报告.pdf", c->label)) ||
	    (rc = fill_figures(c, d, township, m, vf, nv, &tf, err)))
		goto out;
	/* cadres of the township in the month (cadre_monthly.csv) */
	struct mq_dataset *cs, *os;
	if ((rc = rp_add_set(d, "cadres", "cadre_name cadre_id village diaries quota quota_met "
			     "days_in_village demands resolved resolution_rate", &cs, err)))
		goto out;
	for (size_t i = 0; i < c->cadre_monthly.nrows && !rc; i++) {
		const struct rp_table *t = &c->cadre_monthly;
		if (strcmp(rp_cell(t, i, "month"), m->label) || strcmp(rp_cell(t, i, "township"), township))
			continue;
		char p[16];
		int met = strcmp(rp_cell(t, i, "quota_met"), "1") == 0;
		rp_pct(rp_cell(t, i, "resolution_rate"), p);
		const char *name = rp_cell(t, i, "cadre_name");
		const char *row[] = {*name ? name : rp_cell(t, i, "cadre_id"), rp_cell(t, i, "cadre_id"),
				     rp_cell(t, i, "village"), rp_cell(t, i, "diaries"),
				     met ? "达标" : "未达标", met ? "1" : "0",
				     rp_cell(t, i, "days_in_village"), rp_cell(t, i, "demands"),
				     rp_cell(t, i, "resolved"), p};
		rc = add_row(cs, row, err);
	}
	struct mq_buf uq = MQ_BUF_INIT;
	size_t nuq = 0;
	for (size_t i = 0; i < mq_dataset_rows(cs) && !rc; i++)
		if (strcmp(mq_dataset_value(cs, i, 5), "0") == 0)
			rc = mq_buf_printf(&uq, "%s%s（%s）%s篇", nuq++ ? "、" : "", mq_dataset_value(cs, i, 0),
					   mq_dataset_value(cs, i, 2), mq_dataset_value(cs, i, 3));
	if (!rc)
		rc = mq_data_set(d, "under_quota", uq.data, err);
	if (!rc)
		rc = rp_setf(d, err, "under_quota_n", "%zu", nuq);
	mq_buf_free(&uq);
	/* overdue demands: open at the month's as-of date and due before it (contract section 4) */
	for (size_t k = 0; k < nv && !rc; k++) {
		const struct rp_village *v = &c->villages[vf[k].village];
		for (size_t i = v->first; i < v->first + v->count; i++) {
			const struct rp_visit *x = &c->visits[i];
			if (x->date < m->first || x->date > m->last || x->demand < 0)
				continue;
			if (!mq_overdue_by(x->status, x->closed, x->due, m->as_of))
				continue;
			if (mq_grow((void **)&od, &cap, nod + 1, sizeof *od)) {
				rc = mq_fail_nomem(err, NULL, 0);
				goto out;
			}
			od[nod++] = (struct overdue){x, (int)(m->as_of - x->due)};
		}
	}
	if (nod)
		qsort(od, nod, sizeof *od, cmp_overdue);
	if (rc || (rc = rp_add_set(d, "overdue", "village household_id householder demand due_date "
				   "days cadre", &os, err)))
		goto out;
	for (size_t i = 0; i < nod && !rc; i++) {
		char due[11], days[16];
		mq_date_format(od[i].v->due, due);
		snprintf(days, sizeof days, "%d", od[i].days);
		const char *row[] = {c->villages[od[i].v->village].village, rp_str(c, od[i].v->household),
				     rp_str(c, od[i].v->householder), rp_str(c, od[i].v->demand), due, days,
				     rp_str(c, od[i].v->cadre)};
		rc = add_row(os, row, err);
	}
	if (rc || (rc = rp_setf(d, err, "overdue_listed", "%zu", nod)) ||
	    (rc = problems(c, d, vf, nv, &tf, od, nod, cs, err)) ||
	    (rc = rp_next_steps(c, d, township, m->label, err)))
		goto out;
	/* 七、数据质量: the run's counts */
	static const char *const q[][2] = {{"records_read", "records_read"}, {"accepted", "accepted"},
					   {"rejected", "rejected"}, {"dropped", "dropped_duplicates"}};
	for (size_t i = 0; i < 4 && !rc; i++) {
		const char *v = "";
		for (size_t r = 0; r < c->counts.nrows; r++)
			if (strcmp(c->counts.cells[r * 2], q[i][1]) == 0)
				v = c->counts.cells[r * 2 + 1];
		rc = mq_data_set(d, q[i][0], v, err);
	}
	char file[1024];
	rp_file_summary(township, m->label, file, sizeof file);
	if (!rc)
		rc = rp_render(c, c->t_summary, d, file, unit, m->index, emit, sink, err);
out:
	if (rc > 0)
		rc = mq_fail_nomem(err, NULL, 0);
	free(od);
	free(vf);
	mq_data_free(d);
	return rc;
}

int rp_township_summaries(struct rp_ctx *c, const char *township, int unit, rp_emit_fn emit,
			  void *sink, struct mq_error *err)
{
	const char *county = "";
	for (size_t i = 0; i < c->township.nrows; i++)
		if (strcmp(rp_cell(&c->township, i, "township"), township) == 0)
			county = rp_cell(&c->township, i, "county");
	int rc = 0;
	for (int i = 0; i < c->period.nmonths && !rc; i++) {
		struct month m = {.index = i};
		mq_period_month(&c->period, i, &m.first, &m.last, m.label);
		if (m.first > c->run_date)
			break; /* a month not begun at the run date has nothing to sum up */
		m.as_of = m.last < c->run_date ? m.last : c->run_date;
		rc = month_doc(c, township, county, &m, unit, emit, sink, err);
	}
	return rc;
}

int rp_township_ledgers(struct rp_ctx *c, const char *township, int unit, rp_emit_fn emit,
			void *sink, struct mq_error *err)
{
	int rc = 0, k = 0;
	for (size_t v = 0; v < c->nvillages && !rc; v++)
		if (strcmp(c->villages[v].township, township) == 0)
			rc = rp_ledger(c, v, unit, 100 + k++, emit, sink, err);
	return rc;
}
