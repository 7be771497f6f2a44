/* assessment.c — the assessment report (年度考核结果,
 * templates/assessment_report.xml), one per county and, when asked, one
 * per township: grades counted, teams, cadres with each item's points, one
 * page of facts per cadre (个人考核表) and the rubric as loaded. Scores,
 * grades and points are assessment.csv and team_assessment.csv as written;
 * the facts behind each item are assessment_facts.csv (assess.h). */
#include "reports_internal.h"

#include "minqing/core/buf.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/rate.h"
#include "minqing/figures/assess.h"
#include "minqing/ingest/record.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


/* "22.916667" → "22.92" (half up on the decimal text). */
static void dec2(const char *s, char out[24])
{
	long long units = 0;
	int digits = 0;
	const char *p = s;
	if (!*s) {
		out[0] = '\0';
		return;
	}
	while (*p >= '0' && *p <= '9')
		units = units * 10 + (*p++ - '0');
	if (*p == '.')
		p++;
	int third = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (digits < 2)
			units = units * 10 + (*p - '0');
		else if (digits == 2)
			third = *p - '0';
		digits++;
	}
	while (digits < 2)
		units *= 10, digits++;
	units += third >= 5;
	snprintf(out, 24, "%lld.%02lld", units / 100, units % 100);
}

static void ratio_text(struct mq_ratio r, char *out, size_t len)
{
	if (r.den == 0) {
		snprintf(out, len, "—");
		return;
	}
	/* weights and targets are short decimals: print up to 4 places, trimmed */
	long long x = (r.num * 10000 + r.den / 2) / r.den;
	snprintf(out, len, "%lld.%04lld", x / 10000, x % 10000);
	char *e = out + strlen(out) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
}

static void ratio_pct(struct mq_ratio r, char *out, size_t len)
{
	struct mq_ratio p = {r.num * 100, r.den};
	ratio_text(p, out, len);
	strncat(out, "%", len - strlen(out) - 1);
}

static int count_grades(struct mq_buf *b, const struct rp_table *t, const char *col,
			const struct mq_grade_scale *s, const char *no_record, const char *unit_word,
			const char *const *keep, size_t nrows_keep)
{
	int rc = 0, first = 1;
	for (int g = 0; g <= s->nbands && !rc; g++) {
		const char *grade = g < s->nbands ? s->bands[g].grade : no_record;
		long n = 0;
		for (size_t i = 0; i < t->nrows; i++)
			if ((!keep || (i < nrows_keep && keep[i])) && strcmp(rp_cell(t, i, col), grade) == 0)
				n++;
		if (g == s->nbands && !n)
			break;
		rc = mq_buf_printf(b, "%s%s%ld%s", first ? "" : "、", grade, n, unit_word);
		first = 0;
	}
	return rc;
}

/* A filter of a general item in words: "走访方式为座谈或集中宣讲、有诉求". */
static void filter_text(const struct mq_filter *f, char *out, size_t len)
{
	static const struct { const char *lead; const char *const *values; size_t off; } sets[] = {
		{"走访方式为", mq_visit_modes, offsetof(struct mq_filter, modes)},
		{"户类型为", mq_household_types, offsetof(struct mq_filter, household_types)},
		{"走访事项含", mq_topics, offsetof(struct mq_filter, topics)},
		{"满意度为", mq_satisfactions, offsetof(struct mq_filter, satisfactions)},
	};
	out[0] = '\0';
	for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
		uint32_t set = *(const uint32_t *)((const char *)f + sets[k].off);
		if (!set)
			continue;
		snprintf(out + strlen(out), len - strlen(out), "%s%s", *out ? "、" : "", sets[k].lead);
		for (int i = 0, n = 0; sets[k].values[i]; i++)
			if (set >> i & 1)
				snprintf(out + strlen(out), len - strlen(out), "%s%s", n++ ? "或" : "", sets[k].values[i]);
	}
	if (f->demand >= 0)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", *out ? "、" : "", f->demand ? "有诉求" : "无诉求");
	if (f->is_signed >= 0)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", *out ? "、" : "",
			 f->is_signed ? "受访人已签字" : "受访人未签字");
	if (!*out)
		snprintf(out, len, "全部走访");
}

/* The target of a count or days item in words: "每年12次（按考核期间天数折算）". */
static void general_target_text(const struct mq_rubric_item *it, const char *unit, char *out, size_t len)
{
	char n[32];
	ratio_text(it->per_month.den ? it->per_month : it->per_year, n, sizeof n);
	if (it->per_month.den)
		snprintf(out, len, "每月%s%s", n, unit);
	else
		snprintf(out, len, "每年%s%s（按考核期间天数折算）", n, unit);
}

/* How an item scores, from the rubric's own data (the appendix table). */
static void item_rule(const struct mq_rubric_item *it, char *rule, size_t len)
{
	char t[32], f[256], g[256], target[128];
	switch (it->kind) {
	case MQ_ITEM_DIARY:
		snprintf(rule, len, "每月民情日记不少于%d篇的月数÷有记录的月数", it->quota);
		break;
	case MQ_ITEM_RESOLUTION:
		ratio_pct(it->target, t, sizeof t);
		snprintf(rule, len, "诉求办结率÷%s，达到%s得满分", t, t);
		break;
	case MQ_ITEM_COVERAGE:
		snprintf(rule, len, "包联农户每季度至少入户走访一次的比例");
		break;
	case MQ_ITEM_SATISFACTION:
		snprintf(rule, len, "群众满意率（满意和基本满意÷有评价的走访）");
		break;
	case MQ_ITEM_SIGNATURES:
		snprintf(rule, len, "受访人签字的走访÷全部走访");
		break;
	case MQ_ITEM_PRESENCE:
		ratio_text(it->days_per_year, t, sizeof t);
		snprintf(rule, len, "驻村天数÷（全年%s天按期间天数折算），满额得满分", t);
		break;
	case MQ_KIND_COUNT:
		filter_text(&it->match, f, sizeof f);
		general_target_text(it, "次", target, sizeof target);
		snprintf(rule, len, "%s的记录数÷目标（%s），达到目标得满分", f, target);
		break;
	case MQ_KIND_DAYS:
		filter_text(&it->match, f, sizeof f);
		general_target_text(it, "天", target, sizeof target);
		snprintf(rule, len, "%s的不同日期数÷目标（%s），达到目标得满分", f, target);
		break;
	default:
		filter_text(&it->match, f, sizeof f);
		filter_text(&it->among, g, sizeof g);
		ratio_pct(it->target, t, sizeof t);
		snprintf(rule, len, "%s的记录中%s的比例÷%s，达到%s得满分", g, f, t, t);
		break;
	}
}

/* A veto rule in words. */
static void veto_rule(const struct mq_rubric *r, const struct mq_veto *v, char *out, size_t len)
{
	char p[32];
	ratio_pct(v->below, p, sizeof p);
	if (v->item < 0)
		snprintf(out, len, "群众满意率低于%s的，取消评优资格（“%s”降一档）。", p, v->grade);
	else
		snprintf(out, len, "“%s”完成比例低于%s的，“%s”降一档。", r->items[v->item].name, p, v->grade);
}

static int rubric_sets(struct rp_ctx *c, struct mq_data *d, const struct mq_rubric *r,
		       struct mq_error *err)
{
	struct mq_dataset *is, *bs;
	int rc;
	if ((rc = rp_add_set(d, "rubric_items", "name weight rule roles", &is, err)) ||
	    (rc = rp_add_set(d, "bands", "scale grade min max", &bs, err)))
		return rc;
	struct mq_buf text = MQ_BUF_INIT;
	for (int i = 0; i < r->nitems && !rc; i++) {
		const struct mq_rubric_item *it = &r->items[i];
		char w[32], rule[768], roles[256] = "";
		ratio_text(it->weight, w, sizeof w);
		item_rule(it, rule, sizeof rule);
		for (int k = 0; k < it->nroles; k++)
			snprintf(roles + strlen(roles), sizeof roles - strlen(roles), "%s%s", k ? "、" : "", it->roles[k]);
		const char *row[] = {it->name, w, rule, *roles ? roles : "全部干部"};
		rc = mq_dataset_add_row(is, row, err);
		if (!rc)
			rc = mq_buf_printf(&text, "%s%s%s分（%s）", text.len ? "，" : "", it->name, w, rule);
	}
	const struct mq_grade_scale *sc[] = {&r->cadre, &r->team};
	const char *names[] = {"干部", "工作队"};
	for (int s = 0; s < 2 && !rc; s++)
		for (int b = 0; b < sc[s]->nbands && !rc; b++) {
			char lo[16], hi[16];
			snprintf(lo, sizeof lo, "%d", sc[s]->bands[b].min);
			snprintf(hi, sizeof hi, "%d", sc[s]->bands[b].max);
			const char *row[] = {names[s], sc[s]->bands[b].grade, lo, hi};
			rc = mq_dataset_add_row(bs, row, err);
		}
	char veto[1024] = "未设否决条件。";
	for (int k = 0; k < r->nvetoes; k++)
		veto_rule(r, &r->vetoes[k], veto + (k ? strlen(veto) : 0), sizeof veto - (k ? strlen(veto) : 0));
	if (!rc && (rc = rp_setf(d, err, "rubric_text", "考核满分100分：%s。无法计算的项目不计分，其余项目的权重按比例放大到100分，"
				  "得分四舍五入取整。%s本期没有走访记录的干部不评分，等次为“%s”。",
				  text.data, veto, r->no_record)) == 0)
		rc = mq_data_set(d, "veto_text", veto, err);
	/* named by its title and version, not by a path on this machine */
	if (!rc && r->title && r->version)
		rc = rp_setf(d, err, "rubric_name", "《%s》（第%s版）", r->title, r->version);
	else if (!rc)
		rc = rp_setf(d, err, "rubric_name", "《%s》", r->title ? r->title : "考核评分细则");
	mq_buf_free(&text);
	(void)c;
	return rc;
}

static long long gcd_ll(long long a, long long b)
{
	while (b) {
		long long t = a % b;
		a = b;
		b = t;
	}
	return a > 0 ? a : 1;
}

/* The row of assessment_facts.csv for cadre_id: the same order as
 * assessment.csv, so row i is tried first; (size_t)-1 when absent. */
static size_t facts_row(const struct rp_table *F, size_t i, const char *id)
{
	if (i < F->nrows && strcmp(rp_cell(F, i, "cadre_id"), id) == 0)
		return i;
	for (size_t k = 0; k < F->nrows; k++)
		if (strcmp(rp_cell(F, k, "cadre_id"), id) == 0)
			return k;
	return (size_t)-1;
}

/* "18.633880" → "18.6" (half up on the decimal text). */
static void dec1(const char *s, char out[24])
{
	char two[24];
	dec2(s, two);
	if (!*two) {
		out[0] = '\0';
		return;
	}
	size_t n = strlen(two);
	long long hundredths = 0;
	for (size_t i = 0; i < n; i++)
		if (two[i] != '.')
			hundredths = hundredths * 10 + (two[i] - '0');
	long long tenths = (hundredths + 5) / 10;
	snprintf(out, 24, "%lld.%lld", tenths / 10, tenths % 10);
}

/* num/den of two count cells as a percentage with one decimal ("" when den is 0) */
static void pct_of(const char *num, const char *den, char out[16])
{
	char rate[32];
	mq_rate_format(atoll(num), atoll(den), 4, rate);
	rp_pct(rate, out);
}

/* What one document covers: a county's cadres and teams (by the county of
 * their township; first_county also takes those of no known county), or
 * one township's. */
struct scope {
	const char *county, *township;
	int first_county;
};

/* A cadre by the county of its township in township_summary.csv (none
 * found: the first county's). */
static int cadre_in_scope(const struct rp_ctx *c, const struct scope *sc, const char *township)
{
	if (sc->township)
		return strcmp(township, sc->township) == 0;
	const char *cty = NULL;
	for (size_t k = 0; k < c->township.nrows; k++)
		if (strcmp(rp_cell(&c->township, k, "township"), township) == 0)
			cty = rp_cell(&c->township, k, "county");
	return cty ? strcmp(cty, sc->county) == 0 : sc->first_county;
}

/* A team by its own county (empty: the first county's). */
static int team_in_scope(const struct scope *sc, const char *township, const char *county)
{
	if (sc->township)
		return strcmp(township, sc->township) == 0;
	return strcmp(county, sc->county) == 0 || (!*county && sc->first_county);
}

/* The items whose basis is two facts and the rate between them: the
 * rate's slot in pr[] of assessment_doc, and the text when there is no
 * rate (NULL: the rate shows as "—"). */
static const struct rated_basis {
	const char *fmt, *base, *part, *none;
	int rate;
} rated[MQ_ITEM_N] = {
	[MQ_ITEM_COVERAGE] = {"应入户走访%s户次，已走访%s户次，覆盖率%s", "coverage_pairs", "coverage_hits",
			      "无包联农户，不计", 3},
	[MQ_ITEM_SATISFACTION] = {"有评价%s次，满意和基本满意%s次，满意率%s", "sat_answers", "sat_positive",
				  "无满意度评价，不计", 1},
	[MQ_ITEM_SIGNATURES] = {"走访%s次，受访人签字%s次，签字率%s", "diaries", "signed_visits", NULL, 2},
};

static int assessment_doc(struct rp_ctx *c, const struct scope *sc, int unit, int index,
			  rp_emit_fn emit, void *sink, struct mq_error *err)
{
	const struct mq_rubric *r = c->rubric;
	const char *area = sc->township ? sc->township : sc->county;
	const char *area_text = *area ? area : RP_NO_COUNTY_TEXT;
	struct mq_data *d = mq_data_new();
	const struct rp_table *A = &c->assessment, *T = &c->team, *F = &c->facts;
	const char **keep = calloc(A->nrows + 1, sizeof *keep), **tkeep = calloc(T->nrows + 1, sizeof *tkeep);
	struct mq_buf b = MQ_BUF_INIT;
	int rc = 0;
	if (!d || !keep || !tkeep) {
		rc = mq_fail_nomem(err, NULL, 0);
		goto out;
	}
	for (size_t i = 0; i < A->nrows; i++)
		keep[i] = cadre_in_scope(c, sc, rp_cell(A, i, "township")) ? "1" : NULL;
	for (size_t i = 0; i < T->nrows; i++)
		tkeep[i] = team_in_scope(sc, rp_cell(T, i, "township"), rp_cell(T, i, "county")) ? "1" : NULL;
	char period_text[64];
	if (c->period.kind == MQ_PERIOD_YEAR)
		snprintf(period_text, sizeof period_text, "%d年度", c->period.year);
	else if (c->period.kind == MQ_PERIOD_QUARTER)
		snprintf(period_text, sizeof period_text, "%d年第%d季度", c->period.year, c->period.index);
	else
		snprintf(period_text, sizeof period_text, "%d年%d月", c->period.year, c->period.index);
	size_t ncad = 0, nteam = 0;
	for (size_t i = 0; i < A->nrows; i++)
		ncad += keep[i] != NULL;
	for (size_t i = 0; i < T->nrows; i++)
		nteam += tkeep[i] != NULL;
	if ((rc = rp_setf(d, err, "title", "%s%s驻村干部%s结果", area, period_text,
			  c->period.kind == MQ_PERIOD_YEAR ? "年度考核" : "阶段考核")) ||
	    (rc = mq_data_set(d, "kind", c->period.kind == MQ_PERIOD_YEAR ? "年度考核" : "阶段考核", err)) ||
	    (rc = mq_data_set(d, "county", area_text, err)) ||
	    (rc = mq_data_set(d, "unit", c->o->unit ? c->o->unit : area_text, err)) ||
	    (rc = mq_data_set(d, "period_text", period_text, err)) ||
	    (rc = mq_data_set(d, "as_of", c->as_of_text, err)) ||
	    (rc = rp_setf(d, err, "cadres_n", "%zu", ncad)) ||
	    (rc = rp_setf(d, err, "teams_n", "%zu", nteam)) ||
	    (rc = mq_data_set(d, "whole_year", c->period.kind == MQ_PERIOD_YEAR ? "1" : "0", err)) ||
	    (rc = mq_data_set(d, "general", r->general ? "1" : "0", err)) ||
	    (rc = rubric_sets(c, d, r, err)))
		goto out;
	if ((rc = count_grades(&b, A, "grade", &r->cadre, r->no_record, "人", keep, A->nrows)) ||
	    (rc = mq_data_set(d, "cadre_grades", b.data, err)))
		goto out;
	mq_buf_reset(&b);
	if ((rc = count_grades(&b, T, "team_grade", &r->team, r->no_record, "个", tkeep, T->nrows)) ||
	    (rc = mq_data_set(d, "team_grades", b.data, err)))
		goto out;
	struct mq_dataset *ts, *cs, *is;
	if ((rc = rp_add_set(d, "teams", "township village cadres score grade satisfaction veto", &ts, err)) ||
	    (rc = rp_add_set(d, "cadres", "cadre_id cadre_name role township village item_diary "
			     "item_resolution item_coverage item_satisfaction item_signatures item_presence "
			     "score grade vetoed veto diaries months months_met quota demands resolved "
			     "resolution_rate assigned pairs hits coverage_rate sat_answers sat_positive "
			     "satisfaction_rate signed signed_rate days_in_village days_in_period "
			     "days_required presence general",
			     &cs, err)) ||
	    (rc = rp_add_set(d, "items", "cadre_id item basis full points", &is, err)))
		goto out;
	/* the rows the 个人考核表 ends with, room to sign and a date line */
	struct mq_dataset *ss;
	static const char *const sign_rows[] = {"本人签字", "考核组意见", "单位盖章"};
	if ((rc = rp_add_set(d, "sign_rows", "label space", &ss, err)))
		goto out;
	for (size_t i = 0; i < sizeof sign_rows / sizeof *sign_rows && !rc; i++) {
		const char *row[] = {sign_rows[i], "年　　月　　日"};
		rc = mq_dataset_add_row(ss, row, err);
	}
	if (rc)
		goto out;
	for (size_t i = 0; i < T->nrows && !rc; i++) {
		if (!tkeep[i])
			continue;
		char p[16];
		const char *grade = rp_cell(T, i, "team_grade"), *score = rp_cell(T, i, "team_score");
		const char *plain = *score ? mq_rubric_grade(r, &r->team, atoi(score), 0) : NULL;
		int vetoed = plain && strcmp(plain, grade) != 0;
		rp_pct(rp_cell(T, i, "satisfaction_rate"), p);
		const char *row[] = {rp_cell(T, i, "township"), rp_cell(T, i, "village"), rp_cell(T, i, "cadres"),
				     score, grade, p, vetoed ? "取消评优资格" : ""};
		rc = mq_dataset_add_row(ts, row, err);
	}
	const struct mq_rubric_item *diary = mq_rubric_named(r, MQ_ITEM_DIARY);
	char quota[16];
	snprintf(quota, sizeof quota, "%d", diary ? diary->quota : MQ_DIARY_QUOTA);
	for (size_t i = 0; i < A->nrows && !rc; i++) {
		if (!keep[i])
			continue;
		const char *id = rp_cell(A, i, "cadre_id");
		size_t f = facts_row(F, i, id);
		if (f == (size_t)-1) {
			rc = mq_fail(err, MQ_ERR_FORMAT, F->path, 0,
				     "考核事实表缺少干部 %s，请重新运行 minqing aggregate / cadre %s missing",
				     id, id);
			break;
		}
#define FACT(col) rp_cell(F, f, col)
		/* points of every item of the rubric, and of the six named ones
		 * for the fixed columns of the cadre table */
		char pts[MQ_MAX_ITEMS][24], named[MQ_ITEM_N][24], pr[4][16], required[24], veto[160] = "";
		for (int k = 0; k < r->nitems; k++) {
			char col[64];
			snprintf(col, sizeof col, "item_%s", r->items[k].id);
			dec2(rp_cell(A, i, col), pts[k]);
		}
		for (int k = 0; k < MQ_ITEM_N; k++)
			snprintf(named[k], sizeof named[k], "%s", r->named[k] >= 0 ? pts[r->named[k]] : "");
		rp_pct(rp_cell(A, i, "resolution_rate"), pr[0]);
		rp_pct(rp_cell(A, i, "satisfaction_rate"), pr[1]);
		rp_pct(rp_cell(A, i, "signed_rate"), pr[2]);
		pct_of(FACT("coverage_hits"), FACT("coverage_pairs"), pr[3]);
		dec1(FACT("days_required"), required);
		const char *grade = rp_cell(A, i, "grade"), *score = rp_cell(A, i, "score");
		const char *plain = *score ? mq_rubric_grade(r, &r->cadre, atoi(score), 0) : NULL;
		int vetoed = plain && strcmp(plain, grade) != 0;
		int item_vetoes = 0; /* vetoes on items: the CSVs do not say which one fired */
		for (int k = 0; k < r->nvetoes; k++)
			item_vetoes += r->vetoes[k].item >= 0;
		if (vetoed && !item_vetoes)
			snprintf(veto, sizeof veto, "取消评优资格：群众满意率%s，低于要求", pr[1]);
		else if (vetoed)
			snprintf(veto, sizeof veto, "取消评优资格：未达到否决条件的要求（见附录）");
		const char *role = rp_cell(A, i, "role");
		int resident = strcmp(FACT("resident_role"), "1") == 0;
		char presence[256];
		if (resident)
			snprintf(presence, sizeof presence, "%s天，应驻%s天（考核期间%s天）",
				 FACT("days_in_village"), required, FACT("days_in_period"));
		else
			snprintf(presence, sizeof presence, "%s天（非驻村角色，不考核驻村天数）",
				 FACT("days_in_village"));
		/* the points of the rubric's general items, by name, for the table
		 * that only a rubric with such items prints */
		mq_buf_reset(&b);
		for (int k = 0; k < r->nitems && !rc; k++)
			if (r->items[k].kind >= MQ_ITEM_N)
				rc = mq_buf_printf(&b, "%s%s %s", b.len ? "，" : "", r->items[k].name, *pts[k] ? pts[k] : "—");
		const char *general = b.data;
		const char *row[] = {id, rp_cell(A, i, "cadre_name"), *role ? role : "（不在花名册）",
				     rp_cell(A, i, "township"), rp_cell(A, i, "village"),
				     named[0], named[1], named[2], named[3], named[4], named[5], score, grade,
				     vetoed ? "1" : "0", veto, FACT("diaries"), FACT("months_with_records"),
				     FACT("months_quota_met"), quota, FACT("demands"), FACT("resolved"),
				     *pr[0] ? pr[0] : "—",
				     FACT("assigned_households"), FACT("coverage_pairs"), FACT("coverage_hits"),
				     *pr[3] ? pr[3] : "—", FACT("sat_answers"), FACT("sat_positive"),
				     *pr[1] ? pr[1] : "—", FACT("signed_visits"), *pr[2] ? pr[2] : "—",
				     FACT("days_in_village"), FACT("days_in_period"), resident ? required : "",
				     presence, general};
		if ((rc = mq_dataset_add_row(cs, row, err)))
			break;
		/* full points of an item: its weight scaled up to 100 over the
		 * items used (those with points), so points = full × fraction */
		long long wn = 0, wd = 1; /* the sum of those weights, exact */
		for (int k = 0; k < r->nitems; k++)
			if (*pts[k]) {
				struct mq_ratio w = r->items[k].weight;
				wn = wn * w.den + w.num * wd;
				wd *= w.den;
				long long g = gcd_ll(wn, wd);
				wn /= g;
				wd /= g;
			}
		/* the facts behind each item, as the formula the points come from */
		for (int k = 0; k < r->nitems && !rc; k++) {
			const struct mq_rubric_item *it = &r->items[k];
			char basis[768], target[32], filt[256], among[256], cnt[64], req[24], pct[16];
			switch (it->kind) {
			case MQ_ITEM_DIARY:
				snprintf(basis, sizeof basis, "有记录%s个月，其中%s个月不少于%d篇",
					 FACT("months_with_records"), FACT("months_quota_met"), it->quota);
				break;
			case MQ_ITEM_RESOLUTION:
				ratio_pct(it->target, target, sizeof target);
				if (*pr[0])
					snprintf(basis, sizeof basis, "诉求%s件，办结%s件，办结率%s，达到%s得满分",
						 FACT("demands"), FACT("resolved"), pr[0], target);
				else
					snprintf(basis, sizeof basis, "无诉求，不计");
				break;
			case MQ_ITEM_COVERAGE:
			case MQ_ITEM_SATISFACTION:
			case MQ_ITEM_SIGNATURES: {
				const struct rated_basis *rb = &rated[it->kind];
				const char *rate = pr[rb->rate];
				if (*rate || !rb->none)
					snprintf(basis, sizeof basis, rb->fmt, FACT(rb->base), FACT(rb->part),
						 *rate ? rate : "—");
				else
					snprintf(basis, sizeof basis, "%s", rb->none);
				break;
			}
			case MQ_ITEM_PRESENCE:
				if (resident)
					snprintf(basis, sizeof basis, "驻村%s天，应驻%s天（期间%s天）",
						 FACT("days_in_village"), required, FACT("days_in_period"));
				else
					snprintf(basis, sizeof basis, "非驻村角色，不计");
				break;
			case MQ_KIND_COUNT:
			case MQ_KIND_DAYS:
				/* the general items: the rubric's filter and target, the facts' counts */
				filter_text(&it->match, filt, sizeof filt);
				snprintf(cnt, sizeof cnt, "%s_count", it->id);
				snprintf(req, sizeof req, "%s_target", it->id);
				dec1(FACT(req), target);
				{
					int days = it->kind == MQ_KIND_DAYS;
					const char *unit = days ? "天" : "次";
					if (!*pts[k])
						snprintf(basis, sizeof basis, "%s的%s%s%s，不计", filt, days ? "日期" : "记录",
							 FACT(cnt), unit);
					else
						snprintf(basis, sizeof basis, "%s的%s%s%s，应达%s%s", filt,
							 days ? "日期" : "记录", FACT(cnt), unit, target, unit);
				}
				break;
			default:
				filter_text(&it->match, filt, sizeof filt);
				filter_text(&it->among, among, sizeof among);
				snprintf(cnt, sizeof cnt, "%s_count", it->id);
				snprintf(req, sizeof req, "%s_among", it->id);
				ratio_pct(it->target, target, sizeof target);
				pct_of(FACT(cnt), FACT(req), pct);
				if (*pct && *pts[k])
					snprintf(basis, sizeof basis, "%s%s次，其中%s%s次，比例%s，达到%s得满分", among,
						 FACT(req), filt, FACT(cnt), pct, target);
				else
					snprintf(basis, sizeof basis, "%s%s次，不计", among, *FACT(req) ? FACT(req) : "0");
				break;
			}
			char full[32] = "不计";
			if (*pts[k] && wn > 0)
				mq_rate_format(it->weight.num * wd * 100, it->weight.den * wn, 2, full);
			const char *irow[] = {id, it->name, basis, full, *pts[k] ? pts[k] : "—"};
			rc = mq_dataset_add_row(is, irow, err);
		}
#undef FACT
	}
	char file[1024];
	rp_file_assessment(c, area, file, sizeof file);
	if (!rc)
		rc = rp_render(c, c->t_assess, d, file, unit, index, emit, sink, err);
out:
	if (rc > 0)
		rc = mq_fail_nomem(err, NULL, 0);
	mq_buf_free(&b);
	free(keep);
	free(tkeep);
	mq_data_free(d);
	return rc;
}

int rp_assessment_docs(struct rp_ctx *c, int unit, rp_emit_fn emit, void *sink, struct mq_error *err)
{
	int rc = 0;
	for (size_t i = 0; i < c->county.nrows && !rc; i++) {
		struct scope sc = {.county = rp_cell(&c->county, i, "county"), .first_county = i == 0};
		rc = assessment_doc(c, &sc, unit, (int)i, emit, sink, err);
	}
	return rc;
}

int rp_assessment_township_doc(struct rp_ctx *c, const char *township, int unit, int index,
			       rp_emit_fn emit, void *sink, struct mq_error *err)
{
	struct scope sc = {.township = township};
	return assessment_doc(c, &sc, unit, index, emit, sink, err);
}
