/* Unit tests of the assessment: hand-computed scores for each rubric rule
 * of contract section 5 (rescaling, half-up rounding at .5, presence
 * prorated in a leap year and a month under way, the veto for a cadre and
 * a team, 无记录), and rubric files that must be refused with file:line. */
#include "check.h"
#include "records.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/figures/assess.h"

#include <stdlib.h>
#include <unistd.h>

enum { HOME = 1, PHONE, WECHAT, MEETING /* 座谈 */, TALK /* 集中宣讲 */ };
enum { SAT = 1, BASIC, UNSAT };
enum { CLOSED = 1, IN_PROGRESS };

struct r {
	const char *date, *town, *vil, *cadre;
	int mode, sat, unsigned_, status;
	const char *closed;
};

static void make_rec(struct mq_record *out, struct r x)
{
	struct mq_record rec;
	memset(&rec, 0, sizeof rec);
	set(&rec, MQ_F_TOWNSHIP, x.town ? x.town : "甲镇");
	set(&rec, MQ_F_VILLAGE, x.vil ? x.vil : "一村");
	set(&rec, MQ_F_CADRE_ID, x.cadre);
	set(&rec, MQ_F_CADRE_NAME, "某");
	set(&rec, MQ_F_HOUSEHOLD_ID, "H1");
	set(&rec, MQ_F_DEMAND, x.status ? "诉求" : NULL);
	rec.visit_date = day(x.date);
	rec.due_date = x.status ? rec.visit_date : MQ_NO_DAY;
	rec.closed_date = day(x.closed);
	rec.visit_mode = x.mode ? x.mode - 1 : MQ_MODE_HOME;
	rec.satisfaction = x.sat - 1;
	rec.status = x.status - 1;
	rec.is_signed = !x.unsigned_;
	*out = rec;
}

static void add(struct mq_agg *agg, struct r x)
{
	struct mq_record rec;
	make_rec(&rec, x);
	CHECK_INT(mq_agg_add(agg, &rec), 0);
}

/* The same record to the aggregator and the tally of the general items. */
static void add2(struct mq_agg *agg, struct mq_tally *t, struct r x)
{
	struct mq_record rec;
	make_rec(&rec, x);
	CHECK_INT(mq_agg_add(agg, &rec), 0);
	CHECK_INT(mq_tally_add(t, &rec), 0);
}

/* n records of a cadre from day `from` of a month, one a day */
static void days_of(struct mq_agg *agg, struct mq_tally *t, const char *cadre, const char *month,
		    int from, int n, int mode, int unsigned_)
{
	for (int i = 0; i < n; i++) {
		char d[16];
		snprintf(d, sizeof d, "%s-%02d", month, from + i);
		add2(agg, t, (struct r){ .date = d, .cadre = cadre, .mode = mode, .unsigned_ = unsigned_ });
	}
}

/* n records of a cadre on days 1..n of a month: `sat` of them satisfied,
 * `unsat` unsatisfied, the first `demands` with a demand closed the same
 * day, the last `unsigned_` unsigned. */
static void cadre_records(struct mq_agg *agg, const char *cadre, const char *town, const char *vil,
			  const char *month, int n, int sat, int unsat, int demands, int unsigned_)
{
	for (int i = 0; i < n; i++) {
		char d[16];
		snprintf(d, sizeof d, "%s-%02d", month, i + 1);
		struct r x = { .date = d, .town = town, .vil = vil, .cadre = cadre };
		x.sat = i < sat ? SAT : i < sat + unsat ? UNSAT : 0;
		if (i < demands) {
			x.status = CLOSED;
			x.closed = d;
		}
		x.unsigned_ = i >= n - unsigned_;
		add(agg, x);
	}
}

static char dir[64];

static struct mq_agg *agg_for(const char *period, const char *run, const struct mq_reference *ref)
{
	struct mq_period p;
	if (mq_period_parse(period, &p, NULL))
		return NULL;
	return mq_agg_new(&p, day(run), ref);
}

static const struct mq_assessment_row *row(const struct mq_assessment *a, const char *id)
{
	size_t n;
	const struct mq_assessment_row *rows = mq_assessment_cadres(a, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].cadre->cadre_id, id))
			return &rows[i];
	return NULL;
}

static const struct mq_team_row *team(const struct mq_assessment *a, const char *town, const char *vil)
{
	size_t n;
	const struct mq_team_row *rows = mq_assessment_teams(a, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].township, town) && !strcmp(rows[i].village, vil))
			return &rows[i];
	return NULL;
}

static int load_roster(struct mq_reference *ref, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/roster.csv", dir);
	FILE *fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	return mq_reference_load(ref, NULL, path, NULL, NULL);
}

static void test_scores_teams_veto(const struct mq_rubric *rub)
{
	struct mq_reference ref;
	CHECK_INT(load_roster(&ref, "cadre_id,cadre_name,unit,role,township,village\n"
			      "R1,甲,县局,第一书记,丙镇,三村\n"), 0);
	struct mq_agg *agg = agg_for("2024-03", "2024-12-31", &ref);
	/* A: diary 0/1 months, resolution 1/1 ≥ 0.80, satisfaction 1/1,
	 * signatures 3/4; coverage and presence left out (no assignments, no
	 * role): (25·0 + 25 + 15 + 5·0.75) × 100/70 = 62.5 → 63 half up
	 * (banker's rounding would give 62) */
	cadre_records(agg, "A", "甲镇", "一村", "2024-03", 4, 1, 0, 1, 1);
	/* B: 10 diaries (quota met), 1 demand resolved, satisfaction 7/10,
	 * all signed: (25 + 25 + 10.5 + 5) × 100/70 = 93.571 → 94 优秀, but
	 * the satisfaction rate 0.70 < 0.80 vetoes it: 称职 */
	cadre_records(agg, "B", "甲镇", "一村", "2024-03", 10, 7, 3, 1, 0);
	/* C: no satisfaction values: 25 + 25 + 5 of 55 → 100, no veto */
	cadre_records(agg, "C", "乙乡", "二村", "2024-03", 10, 0, 0, 1, 0);
	/* E1, E2: team 乙乡/五村. E1: satisfaction 8/10 = 0.80 (not below):
	 * (25+25+12+5)/70 → 95.714 → 96 优秀. E2: 1/2 → (25+25+7.5+5)/70 →
	 * 89.286 → 89. Team (96+89)/2 = 92.5 → 93 优秀, but the team's rate
	 * from its cadres' records 9/12 = 0.75 vetoes it: 良好 */
	cadre_records(agg, "E1", "乙乡", "五村", "2024-03", 10, 8, 2, 1, 0);
	cadre_records(agg, "E2", "乙乡", "五村", "2024-03", 10, 1, 1, 1, 0);
	/* records before the period do not make a score */
	cadre_records(agg, "R1", "丙镇", "三村", "2024-02", 5, 5, 0, 0, 0);

	struct mq_assessment *as;
	struct mq_error err = { 0 };
	CHECK_INT(mq_assess(agg, rub, NULL, &as, &err), 0);
	const struct mq_assessment_row *a = row(as, "A");
	CHECK(a != NULL);
	if (a) {
		CHECK_INT(a->has_score, 1);
		CHECK_INT(a->score, 63);
		CHECK_DBL(a->unrounded, 62.5, 1e-9);
		CHECK_STR(a->grade, "基本称职");
		CHECK_STR(a->item_text[MQ_ITEM_DIARY], "0.000000");
		CHECK_STR(a->item_text[MQ_ITEM_RESOLUTION], "35.714286");
		CHECK_STR(a->item_text[MQ_ITEM_SATISFACTION], "21.428571");
		CHECK_STR(a->item_text[MQ_ITEM_SIGNATURES], "5.357143");
		CHECK_INT(a->item_used[MQ_ITEM_COVERAGE], 0);
		CHECK_INT(a->item_used[MQ_ITEM_PRESENCE], 0);
		/* the rescaled points add up to the unrounded score */
		double sum = 0;
		for (int i = 0; i < MQ_ITEM_N; i++)
			sum += a->item_points[i];
		CHECK_DBL(sum, 62.5, 1e-9);
	}
	const struct mq_assessment_row *b = row(as, "B");
	if (b) {
		CHECK_INT(b->score, 94);
		CHECK_STR(b->grade, "称职");
		CHECK_INT(b->vetoed, 1);
	}
	const struct mq_assessment_row *c = row(as, "C");
	if (c) {
		CHECK_INT(c->score, 100);
		CHECK_STR(c->grade, "优秀"); /* a missing satisfaction rate vetoes nothing */
		CHECK_INT(c->vetoed, 0);
		CHECK_STR(c->item_text[MQ_ITEM_DIARY], "45.454545");
		CHECK_INT(c->item_used[MQ_ITEM_SATISFACTION], 0);
	}
	const struct mq_assessment_row *e1 = row(as, "E1"), *e2 = row(as, "E2");
	CHECK_INT(e1 ? e1->score : -1, 96);
	CHECK_STR(e1 ? e1->grade : NULL, "优秀");
	CHECK_INT(e2 ? e2->score : -1, 89);
	const struct mq_assessment_row *r1 = row(as, "R1");
	if (r1) {
		CHECK_INT(r1->has_score, 0);
		CHECK_STR(r1->grade, "无记录");
		CHECK_INT(r1->item_used[MQ_ITEM_DIARY], 0);
	}
	/* teams */
	const struct mq_team_row *t = team(as, "甲镇", "一村");
	if (t) {
		CHECK_INT(t->cadres, 2);
		CHECK_INT(t->score, 79); /* (63 + 94) / 2 = 78.5 → 79 (banker's: 78) */
		CHECK_STR(t->grade, "良好");
		CHECK_INT(t->sat_answers, 11);
		CHECK_INT(t->sat_positive, 8);
	}
	CHECK(t != NULL);
	t = team(as, "乙乡", "五村");
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(t->score, 93);
		CHECK_STR(t->grade, "良好");
		CHECK_INT(t->vetoed, 1);
	}
	t = team(as, "乙乡", "二村");
	CHECK_STR(t ? t->grade : NULL, "优秀");
	t = team(as, "丙镇", "三村");
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(t->cadres, 1);
		CHECK_INT(t->has_score, 0);
		CHECK_STR(t->grade, "无记录");
	}

	/* the CSVs */
	char data[128], path[192], line[1024];
	snprintf(data, sizeof data, "%s/data", dir);
	CHECK_INT(mq_assessment_write(as, data, 0, &err), 0);
	snprintf(path, sizeof path, "%s/assessment.csv", data);
	FILE *fp = fopen(path, "r");
	CHECK(fp != NULL);
	if (fp) {
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK_STR(line, "period,cadre_id,cadre_name,role,township,village,diaries,demands,resolved,"
			  "resolution_rate,satisfaction_rate,signed_rate,days_in_village,score,grade,item_diary,"
			  "item_resolution,item_coverage,item_satisfaction,item_signatures,item_presence\r\n");
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK_STR(line, "2024-03,A,某,,甲镇,一村,4,1,1,1.0000,1.0000,0.7500,4,63,基本称职,0.000000,"
			  "35.714286,,21.428571,5.357143,\r\n");
		int found = 0;
		while (fgets(line, sizeof line, fp))
			found |= !strcmp(line, "2024-03,R1,甲,第一书记,丙镇,三村,0,0,0,,,,0,,无记录,,,,,,\r\n");
		CHECK(found);
		fclose(fp);
	}
	snprintf(path, sizeof path, "%s/team_assessment.csv", data);
	fp = fopen(path, "r");
	if (fp) {
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK_STR(line, "period,county,township,village,cadres,team_score,team_grade,satisfaction_rate\r\n");
		int found = 0;
		while (fgets(line, sizeof line, fp))
			found |= !strcmp(line, "2024-03,,甲镇,一村,2,79,良好,0.7273\r\n");
		CHECK(found);
		fclose(fp);
	}
	/* the facts behind the items, one row per cadre (header, then A, R1) */
	snprintf(path, sizeof path, "%s/assessment_facts.csv", data);
	fp = fopen(path, "r");
	CHECK(fp != NULL);
	if (fp) {
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK_STR(line, "period,cadre_id,cadre_name,township,village,diaries,months_with_records,"
			  "months_quota_met,demands,resolved,assigned_households,coverage_pairs,coverage_hits,"
			  "sat_answers,sat_positive,signed_visits,resident_role,days_in_village,days_in_period,"
			  "days_required\r\n");
		/* A: 4 diaries in 1 month (quota not met), 1/1 resolved, 1/1
		 * satisfied, 3 of 4 signed, not in the roster: no presence */
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK_STR(line, "2024-03,A,某,甲镇,一村,4,1,0,1,1,0,0,0,1,1,3,0,4,31,\r\n");
		/* R1: no record in March but a resident role: 220 × 31/366 days */
		int found = 0, rows = 1;
		while (fgets(line, sizeof line, fp)) {
			rows++;
			found |= !strcmp(line, "2024-03,R1,甲,丙镇,三村,0,0,0,0,0,0,0,0,0,0,0,1,0,31,18.633880\r\n");
		}
		CHECK(found);
		size_t n;
		mq_assessment_cadres(as, &n);
		CHECK_INT(rows, (long long)n); /* as many rows as assessment.csv */
		fclose(fp);
	}
	mq_assessment_free(as);
	mq_agg_free(agg);
	mq_reference_free(&ref);
}

/* Presence: resident roles only; required days = 220 × days in period
 * (first day to as-of) / days in that year; phone and WeChat not counted. */
static void test_presence(const struct mq_rubric *rub)
{
	struct mq_reference ref;
	CHECK_INT(load_roster(&ref, "cadre_id,cadre_name,unit,role,township,village\n"
			      "P,甲,县局,驻村工作队员,甲镇,一村\nQ,乙,县局,帮扶责任人,甲镇,一村\n"), 0);
	static const struct { const char *period, *run; int days; double frac; } cases[] = {
		/* a whole leap year: 110 / (220 × 366/366) */
		{ "2024", "2024-12-31", 110, 0.5 },
		/* February of a leap year: 10 / (220 × 29/366) */
		{ "2024-02", "2024-12-31", 10, 10.0 * 366 / (220.0 * 29) },
		/* a month under way: as-of 03-15, 5 / (220 × 15/366) */
		{ "2024-03", "2024-03-15", 5, 5.0 * 366 / (220.0 * 15) },
		/* a quarter of a common year: 200 days is more than required → 1 */
		{ "2023-Q1", "2023-12-31", 80, 1.0 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		struct mq_agg *agg = agg_for(cases[k].period, cases[k].run, &ref);
		const struct mq_period *p = mq_agg_period(agg);
		for (int i = 0; i < cases[k].days; i++) {
			char d[11];
			mq_date_format(p->first + i, d);
			add(agg, (struct r){ .date = d, .cadre = "P", .sat = SAT });
			add(agg, (struct r){ .date = d, .cadre = "Q", .sat = SAT });
		}
		/* phone and WeChat on other days: diaries, not presence */
		char d[11];
		mq_date_format(p->first + cases[k].days, d);
		add(agg, (struct r){ .date = d, .cadre = "P", .mode = PHONE, .sat = SAT });
		mq_date_format(p->first + cases[k].days + 1, d);
		add(agg, (struct r){ .date = d, .cadre = "P", .mode = WECHAT, .sat = SAT });
		struct mq_assessment *as;
		CHECK_INT(mq_assess(agg, rub, NULL, &as, NULL), 0);
		const struct mq_assessment_row *r = row(as, "P");
		CHECK(r != NULL);
		if (r) {
			CHECK_INT(r->cadre->days_in_village, cases[k].days);
			CHECK_INT(r->item_used[MQ_ITEM_PRESENCE], 1);
			/* diary 25 + satisfaction 15 + signatures 5 + presence 10 = 55 */
			CHECK_DBL(r->item_points[MQ_ITEM_PRESENCE], 10 * cases[k].frac * 100 / 55, 1e-9);
		}
		r = row(as, "Q"); /* not a resident role: presence left out */
		CHECK_INT(r ? r->item_used[MQ_ITEM_PRESENCE] : -1, 0);
		mq_assessment_free(as);
		mq_agg_free(agg);
	}
	mq_reference_free(&ref);
}

/* Writes text to dir/name and loads it as a rubric: 0 or the error. */
static int load_text(const char *name, const char *text, struct mq_rubric **r, struct mq_error *err)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	if (!fp)
		return MQ_ERR_IO;
	fputs(text, fp);
	fclose(fp);
	return mq_rubric_load(path, r, err);
}

static int rubric_error(const char *text, long *line, char *msg, size_t msglen)
{
	struct mq_rubric *r = NULL;
	struct mq_error err = { 0 };
	int rc = load_text("rubric.xml", text, &r, &err);
	mq_rubric_free(r);
	*line = err.line;
	snprintf(msg, msglen, "%s|%s", err.file, err.message);
	return rc;
}

static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rubric version=\"1\">\n<items>\n";
static const char items[] =
	"<item id=\"diary\" weight=\"25\"/>\n<item id=\"resolution\" weight=\"25\" target=\"0.80\"/>\n";
static const char tail[] =
	"</items>\n"
	"<grades for=\"cadre\"><band grade=\"优秀\" min=\"90\" max=\"100\"/>\n"
	"<band grade=\"称职\" min=\"60\" max=\"89\"/>\n<band grade=\"差\" min=\"0\" max=\"59\"/></grades>\n"
	"<grades for=\"team\"><band grade=\"优秀\" min=\"90\" max=\"100\"/>\n"
	"<band grade=\"良好\" min=\"0\" max=\"89\"/></grades>\n"
	"<veto satisfaction-below=\"0.80\" grade=\"优秀\"/>\n<no-record grade=\"无记录\"/>\n</rubric>\n";

static void test_rubric_errors(void)
{
	char text[4096], msg[2048];
	long line;
	/* the minimal rubric above is valid */
	snprintf(text, sizeof text, "%s%s%s", head, items, tail);
	CHECK_INT(rubric_error(text, &line, msg, sizeof msg), 0);
	/* a weight that is not positive: line 5 */
	snprintf(text, sizeof text, "%s%s<item id=\"coverage\" weight=\"0\"/>\n%s", head, items, tail);
	CHECK_INT(rubric_error(text, &line, msg, sizeof msg), MQ_ERR_FORMAT);
	CHECK_INT(line, 6);
	CHECK(strstr(msg, "rubric.xml|") != NULL);
	snprintf(text, sizeof text, "%s%s<item id=\"coverage\" weight=\"-5\"/>\n%s", head, items, tail);
	CHECK_INT(rubric_error(text, &line, msg, sizeof msg), MQ_ERR_FORMAT);
	CHECK_INT(line, 6);
	/* an unknown item */
	snprintf(text, sizeof text, "%s%s<item id=\"attendance\" weight=\"5\"/>\n%s", head, items, tail);
	CHECK_INT(rubric_error(text, &line, msg, sizeof msg), MQ_ERR_FORMAT);
	CHECK_INT(line, 6);
	CHECK(strstr(msg, "attendance") != NULL);
	/* an item twice */
	snprintf(text, sizeof text, "%s%s<item id=\"diary\" weight=\"5\"/>\n%s", head, items, tail);
	CHECK_INT(rubric_error(text, &line, msg, sizeof msg), MQ_ERR_FORMAT);
	/* overlapping bands: 称职 60–90 overlaps 优秀 at 90 (line 9) */
	snprintf(text, sizeof text, "%s%s%s", head, items, tail);
	char *p = strstr(text, "min=\"60\" max=\"89\"");
	memcpy(p, "min=\"60\" max=\"90\"", 17);
	CHECK_INT(rubric_error(text, &line, msg, sizeof msg), MQ_ERR_FORMAT);
	CHECK_INT(line, 8);
	CHECK(strstr(msg, "overlap") != NULL);
	/* a gap: no band holds 59 */
	snprintf(text, sizeof text, "%s%s%s", head, items, tail);
	p = strstr(text, "min=\"0\" max=\"59\"");
	memcpy(p, "min=\"0\" max=\"58\"", 16);
	CHECK_INT(rubric_error(text, &line, msg, sizeof msg), MQ_ERR_FORMAT);
	CHECK(strstr(msg, "59") != NULL);
	/* not well-formed: the line of the damage */
	CHECK_INT(rubric_error("<?xml version=\"1.0\"?>\n<rubric version=\"1\">\n<items>\n</rubric>\n", &line,
			       msg, sizeof msg), MQ_ERR_FORMAT);
	CHECK_INT(line, 4);
	/* a missing file */
	struct mq_rubric *r = NULL;
	struct mq_error err = { 0 };
	CHECK_INT(mq_rubric_load("/nonexistent/rubric.xml", &r, &err), MQ_ERR_IO);
}

static void test_default_rubric(const struct mq_rubric *r)
{
	CHECK_INT(r->items[MQ_ITEM_DIARY].weight.num, 25);
	CHECK_INT(r->items[MQ_ITEM_RESOLUTION].target.num, 4);
	CHECK_INT(r->items[MQ_ITEM_RESOLUTION].target.den, 5);
	CHECK_INT(r->items[MQ_ITEM_PRESENCE].days_per_year.num, 220);
	CHECK_INT(r->items[MQ_ITEM_PRESENCE].nroles, 2);
	CHECK_INT(r->items[MQ_ITEM_DIARY].quota, 10);
	CHECK_STR(mq_rubric_grade(r, &r->cadre, 90, 0), "优秀");
	CHECK_STR(mq_rubric_grade(r, &r->cadre, 89, 0), "称职");
	CHECK_STR(mq_rubric_grade(r, &r->cadre, 70, 0), "称职");
	CHECK_STR(mq_rubric_grade(r, &r->cadre, 69, 0), "基本称职");
	CHECK_STR(mq_rubric_grade(r, &r->cadre, 60, 0), "基本称职");
	CHECK_STR(mq_rubric_grade(r, &r->cadre, 59, 0), "不称职");
	CHECK_STR(mq_rubric_grade(r, &r->cadre, 95, 1), "称职");
	CHECK_STR(mq_rubric_grade(r, &r->cadre, 80, 1), "称职"); /* the veto only takes 优秀 */
	CHECK_STR(mq_rubric_grade(r, &r->team, 71, 0), "良好");
	CHECK_STR(mq_rubric_grade(r, &r->team, 70, 0), "一般");
	CHECK_STR(mq_rubric_grade(r, &r->team, 59, 0), "差");
	CHECK_STR(mq_rubric_grade(r, &r->team, 90, 1), "良好");
	CHECK_STR(r->no_record, "无记录");
}

/* The facts file against the points: coverage pairs and hits from the
 * assignments, months meeting the rubric's quota (not the fixed 10 of
 * cadre_monthly: a rubric asking 12 a month), the required days of a
 * quarter under way; each item_* recomputes from the facts. */
static void test_facts(void)
{
	char text[2048];
	snprintf(text, sizeof text, "%s%s%s", head,
		 "<item id=\"diary\" weight=\"25\" quota=\"12\"/>\n"
		 "<item id=\"coverage\" weight=\"20\"/>\n<item id=\"signatures\" weight=\"5\"/>\n"
		 "<item id=\"presence\" weight=\"10\" days-per-year=\"220\"><role>第一书记</role></item>\n",
		 tail);
	struct mq_rubric *rub = NULL;
	struct mq_error err = { 0 };
	CHECK_INT(load_text("rubric12.xml", text, &rub, &err), 0);
	FILE *fp;
	char roster[128], assign[128];
	snprintf(roster, sizeof roster, "%s/roster.csv", dir);
	snprintf(assign, sizeof assign, "%s/assignments.csv", dir);
	fp = fopen(roster, "w");
	fputs("cadre_id,cadre_name,unit,role,township,village\nF,甲,县局,第一书记,甲镇,一村\n", fp);
	fclose(fp);
	fp = fopen(assign, "w");
	fputs("cadre_id,household_id\nF,H1\nF,H2\nF,H3\n", fp);
	fclose(fp);
	struct mq_reference ref;
	CHECK_INT(mq_reference_load(&ref, NULL, roster, assign, NULL), 0);
	if (!rub) {
		mq_reference_free(&ref);
		return;
	}
	/* 2024-Q2 as of 2024-05-15: April 12 home visits to H1 (quota 12
	 * met), May 11 (not met): pairs 3 households × Q2 = 3, hits 1 */
	struct mq_agg *agg = agg_for("2024-Q2", "2024-05-15", &ref);
	cadre_records(agg, "F", "甲镇", "一村", "2024-04", 12, 0, 0, 0, 2);
	cadre_records(agg, "F", "甲镇", "一村", "2024-05", 11, 0, 0, 0, 0);
	struct mq_assessment *as = NULL;
	CHECK_INT(mq_assess(agg, rub, NULL, &as, &err), 0);
	char data[128], line[1024], path[256];
	snprintf(data, sizeof data, "%s/facts", dir);
	CHECK_INT(as ? mq_assessment_write(as, data, 1, &err) : -1, 0);
	snprintf(path, sizeof path, "%s/assessment_facts.csv", data);
	fp = fopen(path, "rb");
	CHECK(fp != NULL);
	if (fp) {
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK(!strncmp(line, "\xEF\xBB\xBFperiod,cadre_id,", 15)); /* BOM when asked */
		CHECK(fgets(line, sizeof line, fp) != NULL);
		/* 23 diaries, 2 months, 1 met; 3 households, 3 pairs, 1 hit;
		 * 21 signed; 23 days in village; 45 days (Apr 1 – May 15);
		 * required 220 × 45/366 = 27.049180… */
		CHECK_STR(line, "2024-Q2,F,甲,甲镇,一村,23,2,1,0,0,3,3,1,0,0,21,1,23,45,27.049180\r\n");
		fclose(fp);
	}
	const struct mq_assessment_row *f = as ? row(as, "F") : NULL;
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(f->months_met, 1);
		/* all four items used: weights sum to 60, points = w × 100/60 × fraction;
		 * items are indexed in the rubric's order */
		CHECK_DBL(f->item_points[rub->named[MQ_ITEM_DIARY]], 25 * 100 / 60.0 * 1 / 2, 1e-9);
		CHECK_DBL(f->item_points[rub->named[MQ_ITEM_COVERAGE]], 20 * 100 / 60.0 * 1 / 3, 1e-9);
		CHECK_DBL(f->item_points[rub->named[MQ_ITEM_SIGNATURES]], 5 * 100 / 60.0 * 21 / 23, 1e-9);
		CHECK_DBL(f->item_points[rub->named[MQ_ITEM_PRESENCE]], 10 * 100 / 60.0 * 23 / (220 * 45 / 366.0), 1e-9);
		CHECK_STR(f->item_text[rub->named[MQ_ITEM_COVERAGE]], "11.111111");
	}
	mq_assessment_free(as);
	mq_agg_free(agg);
	mq_reference_free(&ref);
	mq_rubric_free(rub);
}

/* The general kinds, scores computed by hand (exact fractions):
 * talks count 座谈 per-year 12 (w 10), vdays days in person per-year 10
 * (w 40), signed_home rate 签字 among 入户走访 target 0.5 (w 50), lect
 * count 集中宣讲 per-month 1 for 第一书记 only (w 10); veto: talks below
 * 0.5 takes 优秀. */
static const char general_items[] =
	"<item id=\"talks\" kind=\"count\" name=\"座谈\" weight=\"10\" per-year=\"12\">"
	"<match visit-mode=\"座谈\"/></item>\n"
	"<item id=\"vdays\" kind=\"days\" name=\"在村天数\" weight=\"40\" per-year=\"10\">"
	"<match visit-mode=\"入户走访 座谈 集中宣讲\"/></item>\n"
	"<item id=\"signed_home\" kind=\"rate\" name=\"入户签字率\" weight=\"50\" target=\"0.5\">"
	"<match signed=\"是\"/><among visit-mode=\"入户走访\"/></item>\n"
	"<item id=\"lect\" kind=\"count\" name=\"集中宣讲\" weight=\"10\" per-month=\"1\">"
	"<match visit-mode=\"集中宣讲\"/><role>第一书记</role></item>\n";

/* Inserts what before the first at in text (room enough). */
static void insert_before(char *text, const char *at, const char *what)
{
	char *p = strstr(text, at);
	size_t n = strlen(what);
	memmove(p + n, p, strlen(p) + 1);
	memcpy(p, what, n);
}

static struct mq_rubric *general_rubric(void)
{
	char text[4096];
	snprintf(text, sizeof text, "%s%s%s", head, general_items, tail);
	insert_before(text, "<veto ", "<veto item=\"talks\" below=\"0.5\" grade=\"优秀\"/>\n");
	struct mq_rubric *rub = NULL;
	struct mq_error err = { 0 };
	CHECK_INT(load_text("general.xml", text, &rub, &err), 0);
	if (!rub)
		fprintf(stderr, "%s:%ld: %s\n", err.file, err.line, err.message);
	return rub;
}

static void test_general_items(void)
{
	struct mq_rubric *rub = general_rubric();
	if (!rub)
		return;
	CHECK_INT(rub->nitems, 4);
	CHECK_INT(rub->general, 4);
	CHECK_INT(rub->nvetoes, 2);
	CHECK_INT(rub->items[2].kind, MQ_KIND_RATE);
	CHECK_INT(rub->items[1].match.modes, (1 << MQ_MODE_HOME) | (1 << MQ_MODE_MEETING) | (1 << MQ_MODE_TALK));
	/* 2024 as of 2024-12-31: per-year targets whole (366 of 366 days) */
	struct mq_agg *agg = agg_for("2024", "2024-12-31", NULL);
	struct mq_tally *t = mq_tally_new(rub, mq_agg_period(agg));
	/* G: 6 talks Jan 1–6, 4 home visits Jan 1–4 (the last unsigned), 2 calls:
	 * talks 6/12, vdays 6/10, signed 3/4 ÷ 0.5 → 1; lect: no role, left out:
	 * 5 + 24 + 50 = 79 */
	days_of(agg, t, "G", "2024-01", 1, 6, MEETING, 0);
	days_of(agg, t, "G", "2024-01", 1, 3, HOME, 0);
	days_of(agg, t, "G", "2024-01", 4, 1, HOME, 1);
	days_of(agg, t, "G", "2024-02", 1, 2, PHONE, 0);
	/* H: 5 talks, no home visit: the rate is left out, 10 + 40 → 100:
	 * 10 × 5/12 × 2 + 40 × 1/2 × 2 = 8.333333 + 40 = 48.33 → 48 */
	days_of(agg, t, "H", "2024-01", 1, 5, MEETING, 0);
	/* V: 5 talks, 10 home visits in February: 4.166667 + 40 + 50 = 94.17 →
	 * 94, 优秀, but talks 5/12 < 0.5 takes it away: 称职 */
	days_of(agg, t, "V", "2024-01", 1, 5, MEETING, 0);
	days_of(agg, t, "V", "2024-02", 1, 10, HOME, 0);
	struct mq_assessment *as = NULL;
	struct mq_error err = { 0 };
	CHECK_INT(mq_assess(agg, rub, NULL, &as, &err), MQ_ERR_USAGE); /* general items need the tally */
	CHECK_INT(mq_assess(agg, rub, t, &as, &err), 0);
	const struct mq_assessment_row *g = as ? row(as, "G") : NULL, *h = as ? row(as, "H") : NULL,
				       *v = as ? row(as, "V") : NULL;
	CHECK(g && h && v);
	if (g && h && v) {
		CHECK_STR(g->item_text[0], "5.000000");
		CHECK_STR(g->item_text[1], "24.000000");
		CHECK_STR(g->item_text[2], "50.000000");
		CHECK_INT(g->item_used[3], 0);
		CHECK_INT(g->item_count[0], 6);
		CHECK_INT(g->item_count[1], 6);
		CHECK_INT(g->item_count[2], 3);
		CHECK_INT(g->item_among[2], 4);
		CHECK_STR(g->item_required[0], "12.000000");
		CHECK_INT(g->score, 79);
		CHECK_STR(g->grade, "称职");
		CHECK_STR(h->item_text[0], "8.333333");
		CHECK_STR(h->item_text[1], "40.000000");
		CHECK_INT(h->item_used[2], 0);
		CHECK_INT(h->score, 48);
		CHECK_STR(v->item_text[0], "4.166667");
		CHECK_INT(v->score, 94);
		CHECK_STR(v->grade, "称职");
		CHECK_INT(v->vetoed, 1);
	}
	char data[256];
	snprintf(data, sizeof data, "%s/general", dir);
	CHECK_INT(as ? mq_assessment_write(as, data, 0, &err) : -1, 0);
	char path[300], line[1024];
	snprintf(path, sizeof path, "%s/assessment.csv", data);
	FILE *fp = fopen(path, "r");
	if (fp && fgets(line, sizeof line, fp))
		CHECK_STR(line, "period,cadre_id,cadre_name,role,township,village,diaries,demands,resolved,"
			  "resolution_rate,satisfaction_rate,signed_rate,days_in_village,score,grade,item_talks,"
			  "item_vdays,item_signed_home,item_lect\r\n");
	if (fp)
		fclose(fp);
	snprintf(path, sizeof path, "%s/assessment_facts.csv", data);
	fp = fopen(path, "r");
	CHECK(fp != NULL);
	if (fp && fgets(line, sizeof line, fp)) {
		CHECK(strstr(line, ",days_required,talks_count,talks_target,vdays_count,vdays_target,"
			      "signed_home_count,signed_home_among,lect_count,lect_target\r\n") != NULL);
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK(strstr(line, ",6,12.000000,6,10.000000,3,4,0,12.000000\r\n") != NULL);
	}
	if (fp)
		fclose(fp);
	mq_assessment_free(as);
	mq_tally_free(t);
	mq_agg_free(agg);

	/* W, 第一书记, 2024-Q1 as of 2024-02-10 (41 days, 2 months begun): a
	 * lecture Jan 5, a talk Jan 6, two home visits Feb 1 (one unsigned).
	 * talks 1 / (12 × 41/366) = 366/492, vdays 3 days / 1.120219 → 1,
	 * signed 1/2 ÷ 0.5 → 1, lect 1 / 2; weights 110 → × 100/110:
	 * 6.762749 + 36.363636 + 45.454545 + 4.545455 = 93.126386 → 93 */
	char roster[128];
	snprintf(roster, sizeof roster, "%s/roster_w.csv", dir);
	fp = fopen(roster, "w");
	fputs("cadre_id,cadre_name,unit,role,township,village\nW,乙,县局,第一书记,甲镇,一村\n", fp);
	fclose(fp);
	struct mq_reference ref;
	CHECK_INT(mq_reference_load(&ref, NULL, roster, NULL, NULL), 0);
	agg = agg_for("2024-Q1", "2024-02-10", &ref);
	t = mq_tally_new(rub, mq_agg_period(agg));
	days_of(agg, t, "W", "2024-01", 5, 1, TALK, 0);
	days_of(agg, t, "W", "2024-01", 6, 1, MEETING, 0);
	days_of(agg, t, "W", "2024-02", 1, 1, HOME, 0);
	days_of(agg, t, "W", "2024-02", 1, 1, HOME, 1);
	CHECK_INT(mq_assess(agg, rub, t, &as, &err), 0);
	const struct mq_assessment_row *w = as ? row(as, "W") : NULL;
	CHECK(w != NULL);
	if (w) {
		CHECK_STR(w->item_required[0], "1.344262");
		CHECK_STR(w->item_required[1], "1.120219");
		CHECK_STR(w->item_required[3], "2.000000");
		CHECK_STR(w->item_text[0], "6.762749");
		CHECK_STR(w->item_text[1], "36.363636");
		CHECK_STR(w->item_text[2], "45.454545");
		CHECK_STR(w->item_text[3], "4.545455");
		CHECK_INT(w->score, 93);
		CHECK_STR(w->grade, "优秀");
	}
	mq_assessment_free(as);
	mq_tally_free(t);
	mq_agg_free(agg);
	mq_reference_free(&ref);
	mq_rubric_free(rub);
}

/* General items written wrong: refused with the line and what is wrong. */
static void test_general_errors(void)
{
	static const struct { const char *item; long line; const char *says; } cases[] = {
		{ "<item id=\"talks\" kind=\"count\" weight=\"5\"><match visit-mode=\"座谈\"/></item>\n", 6,
		  "per-year" },
		{ "<item id=\"talks\" kind=\"count\" weight=\"5\" per-year=\"2\" per-month=\"1\"/>\n", 6, "per-year" },
		{ "<item id=\"r\" kind=\"rate\" weight=\"5\"><match signed=\"是\"/></item>\n", 6, "target" },
		{ "<item id=\"r\" kind=\"rate\" weight=\"5\" target=\"0.5\"/>\n", 6, "<match>" },
		{ "<item id=\"d\" kind=\"days\" weight=\"5\" per-year=\"3\"><match/><among/></item>\n", 6, "among" },
		{ "<item id=\"coverage\" kind=\"count\" weight=\"5\" per-year=\"3\"/>\n", 6, "named item" },
		{ "<item id=\"talks\" kind=\"count\" weight=\"5\" per-year=\"3\"><match visit-mode=\"开会\"/></item>\n",
		  6, "schema" },
		{ "<item id=\"talks\" kind=\"tally\" weight=\"5\" per-year=\"3\"/>\n", 6, "schema" },
		{ "<item id=\"Talks\" kind=\"count\" weight=\"5\" per-year=\"3\"/>\n", 6, "schema" },
		{ "<item id=\"signatures\" weight=\"5\"><match signed=\"是\"/></item>\n", 6, "takes no" },
	};
	char text[4096], msg[2048];
	long line;
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		snprintf(text, sizeof text, "%s%s%s%s", head, items, cases[k].item, tail);
		CHECK_INT(rubric_error(text, &line, msg, sizeof msg), MQ_ERR_FORMAT);
		CHECK_INT(line, cases[k].line);
		if (!strstr(msg, cases[k].says))
			fprintf(stderr, "case %zu: \"%s\" not in %s\n", k, cases[k].says, msg);
		CHECK(strstr(msg, cases[k].says) != NULL);
	}
	/* a veto naming no item of the rubric */
	snprintf(text, sizeof text, "%s%s%s", head, items, tail);
	insert_before(text, "<veto ", "<veto item=\"talk\" below=\"0.5\" grade=\"优秀\"/>");
	CHECK_INT(rubric_error(text, &line, msg, sizeof msg), MQ_ERR_FORMAT);
	CHECK(strstr(msg, "\"talk\"") != NULL);
	CHECK_INT(line, 12);
}

int main(void)
{
	/* run from the checkout: the templates are not beside build/tests/ */
	setenv("MINQING_TEMPLATES", "templates", 0);
	snprintf(dir, sizeof dir, "/tmp/mq_test_assess.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	struct mq_rubric *rub = NULL;
	struct mq_error err = { 0 };
	CHECK_INT(mq_rubric_load(NULL, &rub, &err), 0);
	if (!rub) {
		fprintf(stderr, "%s:%ld: %s\n", err.file, err.line, err.message);
		return check_summary();
	}
	test_default_rubric(rub);
	test_scores_teams_veto(rub);
	test_presence(rub);
	test_rubric_errors();
	test_facts();
	test_general_items();
	test_general_errors();
	mq_rubric_free(rub);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
	return check_summary();
}
