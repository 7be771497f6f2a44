/* Unit tests of the aggregate stage: hand-computed figures for each rule
 * of contract section 4, periods, exact half-up rates, the partial state
 * round trip, and a property test (township and county rows are the sums
 * of their villages) on generated records. */
#include "check.h"
#include "records.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/rate.h"
#include "minqing/figures/aggregate.h"

#include <stdlib.h>
#include <unistd.h>

/* ---- building records ---- */

enum { HOME = 1, PHONE, WECHAT, MEETING, TALK };     /* visit mode + 1 */
enum { SAT = 1, BASIC, UNSAT };                       /* satisfaction + 1 */
enum { CLOSED = 1, IN_PROGRESS, NOT_STARTED };        /* status + 1 */

struct r {
	const char *date, *county, *town, *vil, *cadre, *name, *hh;
	int mode, sat, unsigned_, status;
	const char *demand, *due, *closed;
	uint32_t topics;
	uint32_t hset;   /* mq_record.household_set, household_no */
	int hno;
};

static int add(struct mq_agg *agg, struct r x)
{
	struct mq_record rec;
	memset(&rec, 0, sizeof rec);
	set(&rec, MQ_F_RECORD_ID, "R");
	set(&rec, MQ_F_COUNTY, x.county);
	set(&rec, MQ_F_TOWNSHIP, x.town ? x.town : "甲镇");
	set(&rec, MQ_F_VILLAGE, x.vil ? x.vil : "一村");
	set(&rec, MQ_F_CADRE_ID, x.cadre ? x.cadre : "C1");
	set(&rec, MQ_F_CADRE_NAME, x.name ? x.name : "张三");
	set(&rec, MQ_F_HOUSEHOLD_ID, x.hh ? x.hh : "H1");
	set(&rec, MQ_F_DEMAND, x.demand ? x.demand : x.status ? "诉求" : NULL);
	rec.visit_date = day(x.date);
	rec.due_date = day(x.due);
	rec.closed_date = day(x.closed);
	rec.visit_mode = x.mode ? x.mode - 1 : MQ_MODE_HOME;
	rec.satisfaction = x.sat - 1;
	rec.status = x.status - 1;
	rec.household_type = 0;
	rec.is_signed = !x.unsigned_;
	rec.topics = x.topics;
	rec.household_set = x.hset;
	rec.household_no = x.hno;
	return mq_agg_add(agg, &rec);
}

static char dir[64];

static void write_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
}

static int load_ref(struct mq_reference *ref, const char *registry, const char *roster,
		    const char *assignments)
{
	char p1[128], p2[128], p3[128];
	snprintf(p1, sizeof p1, "%s/registry.csv", dir);
	snprintf(p2, sizeof p2, "%s/roster.csv", dir);
	snprintf(p3, sizeof p3, "%s/assignments.csv", dir);
	if (registry)
		write_file("registry.csv", registry);
	if (roster)
		write_file("roster.csv", roster);
	if (assignments)
		write_file("assignments.csv", assignments);
	struct mq_error err = { 0 };
	int rc = mq_reference_load(ref, registry ? p1 : NULL, roster ? p2 : NULL,
				   assignments ? p3 : NULL, &err);
	if (rc)
		fprintf(stderr, "reference: %s:%ld: %s\n", err.file, err.line, err.message);
	return rc;
}

static struct mq_agg *agg_for(const char *period, const char *run, const struct mq_reference *ref)
{
	struct mq_period p;
	if (mq_period_parse(period, &p, NULL))
		return NULL;
	return mq_agg_new(&p, day(run), ref);
}

static const struct mq_summary_row *village(struct mq_agg *agg, const char *town, const char *vil)
{
	size_t n;
	const struct mq_summary_row *rows = mq_agg_villages(agg, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].township, town) && !strcmp(rows[i].village, vil))
			return &rows[i];
	return NULL;
}

static const struct mq_cadre_row *cadre(struct mq_agg *agg, const char *id)
{
	size_t n;
	const struct mq_cadre_row *rows = mq_agg_cadres(agg, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].cadre_id, id))
			return &rows[i];
	return NULL;
}

static const struct mq_cadre_month_row *cadre_month(struct mq_agg *agg, const char *id, const char *month)
{
	size_t n;
	const struct mq_cadre_month_row *rows = mq_agg_cadre_months(agg, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].cadre_id, id) && !strcmp(rows[i].month, month))
			return &rows[i];
	return NULL;
}

/* ---- tests ---- */

static void test_periods(void)
{
	struct mq_period p;
	CHECK_INT(mq_period_parse("2024", &p, NULL), 0);
	CHECK_INT(p.nmonths, 12);
	CHECK_INT(p.last - p.first + 1, 366); /* leap year */
	CHECK_STR(p.label, "2024");
	CHECK_INT(mq_period_parse("2023-q4", &p, NULL), 0);
	CHECK_STR(p.label, "2023-Q4");
	CHECK_INT(p.first, day("2023-10-01"));
	CHECK_INT(p.last, day("2023-12-31"));
	CHECK_INT(mq_period_parse("2024-02", &p, NULL), 0);
	CHECK_INT(p.last, day("2024-02-29"));
	char label[8];
	mq_period_month(&p, 0, NULL, NULL, label);
	CHECK_STR(label, "2024-02");
	/* as-of: the last day, or the run date when earlier */
	CHECK_INT(mq_period_as_of(&p, day("2024-12-31")), day("2024-02-29"));
	CHECK_INT(mq_period_as_of(&p, day("2024-02-10")), day("2024-02-10"));
	CHECK_INT(mq_period_month_of(&p, day("2024-03-01")), -1);
	struct mq_error err = { 0 };
	CHECK_INT(mq_period_parse("2024-13", &p, &err), MQ_ERR_USAGE);
	CHECK(strstr(err.message, "2024-13") != NULL);
	CHECK_INT(mq_period_parse("2024-Q5", &p, NULL), MQ_ERR_USAGE);
	CHECK_INT(mq_period_parse("24-01", &p, NULL), MQ_ERR_USAGE);
	CHECK_INT(mq_period_parse("2024-1", &p, NULL), MQ_ERR_USAGE);
}

/* The Chinese labels of report and package names, and the last day the
 * archive's bag date falls back to. */
static void test_period_labels(void)
{
	static const struct { const char *p, *label, *last; } cases[] = {
		{"2024-03", "2024年03月", "2024-03-31"},
		{"2024-02", "2024年02月", "2024-02-29"},
		{"2023-02", "2023年02月", "2023-02-28"},
		{"2024-Q1", "2024年第1季度", "2024-03-31"},
		{"2024-q4", "2024年第4季度", "2024-12-31"},
		{"2024", "2024年", "2024-12-31"},
	};
	struct mq_period p;
	char label[32], last[11];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_INT(mq_period_parse(cases[i].p, &p, NULL), 0);
		mq_period_label_zh(&p, label, sizeof label);
		CHECK_STR(label, cases[i].label);
		mq_date_format(p.last, last);
		CHECK_STR(last, cases[i].last);
	}
	/* a short buffer truncates, never overruns */
	char small[8];
	memset(small, 'x', sizeof small);
	mq_period_parse("2024-Q1", &p, NULL);
	mq_period_label_zh(&p, small, 5);
	CHECK_STR(small, "2024");
	CHECK_INT(small[5], 'x');
	static const char *const bad[] = {"2024-13", "2024-Q5", "24-03", "2024-3", "2024/03", "", "abcd"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(mq_period_parse(bad[i], &p, NULL), MQ_ERR_USAGE);
}

static void test_rate_format(void)
{
	char b[32];
	mq_rate_format(1, 32, 4, b); /* 0.03125: half up → 0.0313 (banker's: 0.0312) */
	CHECK_STR(b, "0.0313");
	mq_rate_format(3, 32, 4, b); /* 0.09375 → 0.0938 */
	CHECK_STR(b, "0.0938");
	mq_rate_format(1, 8, 2, b);  /* 0.125 → 0.13 (printf's %.2f gives 0.12) */
	CHECK_STR(b, "0.13");
	mq_rate_format(2, 3, 4, b);
	CHECK_STR(b, "0.6667");
	mq_rate_format(5, 5, 4, b);
	CHECK_STR(b, "1.0000");
	mq_rate_format(0, 7, 4, b);
	CHECK_STR(b, "0.0000");
	mq_rate_format(3, 0, 4, b);  /* denominator 0: empty, not 0 */
	CHECK_STR(b, "");
}

/* Resolved as of the as-of date; overdue; the as-of date of a month under
 * way; per-topic counts; rates from sums. */
static void test_village_figures(void)
{
	struct mq_reference ref;
	CHECK_INT(load_ref(&ref, "county,township,village,households\n"
			   "河阳县,甲镇,一村,10\n河阳县,甲镇,二村,5\n河阳县,乙乡,三村,8\n", NULL, NULL), 0);
	struct mq_agg *agg = agg_for("2024-03", "2024-12-31", &ref);
	/* closed on the as-of day (03-31): resolved */
	add(agg, (struct r){ .date = "2024-03-01", .hh = "H1", .status = CLOSED, .due = "2024-03-10",
			     .closed = "2024-03-31", .sat = SAT, .topics = 1u << MQ_TOPIC_FOOD });
	/* closed the day after the as-of day: open; due before as-of: overdue */
	add(agg, (struct r){ .date = "2024-03-02", .hh = "H2", .status = CLOSED, .due = "2024-03-20",
			     .closed = "2024-04-01", .sat = UNSAT, .mode = PHONE,
			     .topics = 1u << MQ_TOPIC_FOOD | 1u << MQ_TOPIC_WATER });
	/* open, due on the as-of day: not overdue (due_date < as-of is false) */
	add(agg, (struct r){ .date = "2024-03-03", .hh = "H1", .status = IN_PROGRESS, .due = "2024-03-31",
			     .sat = BASIC, .unsigned_ = 1 });
	/* no demand, no satisfaction */
	add(agg, (struct r){ .date = "2024-03-04", .hh = "H3", .mode = MEETING });
	/* outside the period: not counted */
	add(agg, (struct r){ .date = "2024-04-01", .hh = "H9" });
	add(agg, (struct r){ .date = "2024-02-29", .hh = "H9" });
	CHECK_INT(mq_agg_records_in_period(agg), 4);

	const struct mq_summary_row *v = village(agg, "甲镇", "一村");
	CHECK(v != NULL);
	if (v) {
		CHECK_STR(v->county, "河阳县");
		CHECK_INT(v->c.visits, 4);
		CHECK_INT(v->c.home_visits, 2);
		CHECK_INT(v->c.households_visited, 3);
		CHECK_INT(v->c.households_registered, 10);
		CHECK_INT(v->c.demands, 3);
		CHECK_INT(v->c.resolved, 1);
		CHECK_INT(v->c.overdue, 1);
		CHECK_INT(v->c.signed_visits, 3);
		CHECK_INT(v->c.sat_answers, 3);
		CHECK_INT(v->c.sat_positive, 2);
		CHECK_INT(v->c.topics[MQ_TOPIC_FOOD], 2);
		CHECK_INT(v->c.topics[MQ_TOPIC_WATER], 1);
		CHECK_INT(v->c.topics[MQ_TOPIC_OTHER], 0);
	}
	/* registry villages nobody visited are listed with zeros */
	const struct mq_summary_row *empty = village(agg, "乙乡", "三村");
	CHECK(empty != NULL);
	if (empty) {
		CHECK_INT(empty->c.visits, 0);
		CHECK_INT(empty->c.households_registered, 8);
	}
	size_t nt, nc;
	const struct mq_summary_row *t = mq_agg_townships(agg, &nt);
	const struct mq_summary_row *c = mq_agg_counties(agg, &nc);
	CHECK_INT(nt, 2);
	CHECK_INT(nc, 1);
	/* Unicode order: 乙 (U+4E59) before 甲 (U+7532) */
	CHECK_STR(t[0].township, "乙乡");
	CHECK_STR(t[1].township, "甲镇");
	CHECK_INT(t[1].c.households_registered, 15);
	CHECK_INT(c[0].c.households_registered, 23);
	CHECK_INT(c[0].c.visits, 4);
	size_t ntm;
	const struct mq_township_months *tm = mq_agg_township_months(agg, &ntm);
	CHECK_INT(ntm, 2);
	if (ntm == 2) {
		CHECK_STR(tm[1].township, "甲镇");
		CHECK_INT(tm[1].months[0].visits, 4);
		CHECK_INT(tm[1].months[0].home_visits, 2);
		CHECK_INT(tm[1].months[0].demands, 3);
		CHECK_INT(tm[1].months[0].resolved, 1);
		CHECK_INT(tm[0].months[0].visits, 0);
	}

	/* the CSV: rates from sums, four decimals, empty for a 0 denominator */
	write_file("dummy", "");
	char data[128], path[160], line[1024];
	snprintf(data, sizeof data, "%s/data", dir);
	struct mq_error err = { 0 };
	CHECK_INT(mq_agg_write_figures(agg, data, 0, NULL, &err), 0);
	snprintf(path, sizeof path, "%s/village_summary.csv", data);
	FILE *fp = fopen(path, "r");
	CHECK(fp != NULL);
	if (fp) {
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK(!strncmp(line, "period,county,township,village,visits,home_visits,households_visited,"
			       "households_registered,coverage,demands,resolved,overdue,resolution_rate,"
			       "signed_rate,satisfaction_rate,topic_吃穿,topic_义务教育", 160));
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK_STR(line, "2024-03,河阳县,乙乡,三村,0,0,0,8,0.0000,0,0,0,,,,0,0,0,0,0,0,0,0,0,0\r\n");
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK_STR(line, "2024-03,河阳县,甲镇,一村,4,2,3,10,0.3000,3,1,1,0.3333,0.7500,0.6667,2,0,0,0,1,0,0,0,0,0\r\n");
		fclose(fp);
	}
	snprintf(path, sizeof path, "%s/township_summary.csv", data);
	fp = fopen(path, "r");
	if (fp) {
		CHECK(fgets(line, sizeof line, fp) != NULL);
		CHECK(!strncmp(line, "period,county,township,visits,", 30));
		fclose(fp);
	}
	mq_agg_free(agg);

	/* a month under way: as-of = the run date (03-15) */
	agg = agg_for("2024-03", "2024-03-15", &ref);
	add(agg, (struct r){ .date = "2024-03-01", .status = CLOSED, .due = "2024-03-14", .closed = "2024-03-15" });
	add(agg, (struct r){ .date = "2024-03-01", .status = IN_PROGRESS, .due = "2024-03-14" });
	add(agg, (struct r){ .date = "2024-03-01", .status = IN_PROGRESS, .due = "2024-03-15" });
	v = village(agg, "甲镇", "一村");
	CHECK_INT(v ? v->c.resolved : -1, 1);
	CHECK_INT(v ? v->c.overdue : -1, 1);
	CHECK_INT(mq_agg_as_of(agg), day("2024-03-15"));
	mq_agg_free(agg);
	mq_reference_free(&ref);
}

/* Cadre-months: every roster cadre for every month; others only months with
 * records; each month as of its own as-of date; presence only in person. */
/* mq_counts_visit, what the render stage counts a month with: resolved
 * on the as-of day itself, not a day earlier; overdue only after the due
 * day; a demand closed later is neither resolved nor overdue before due */
static void test_counts_visit(void)
{
	struct mq_counts k;
	memset(&k, 0, sizeof k);
	struct mq_visit_facts v = {
		.due = day("2024-03-10"), .closed = day("2024-03-20"), .topics = 1u << 2 | 1u << 5,
		.mode = MQ_MODE_HOME, .status = MQ_ST_CLOSED, .satisfaction = MQ_SAT_BASIC,
		.is_signed = 1, .has_demand = 1,
	};
	mq_counts_visit(&k, &v, day("2024-03-20"));
	CHECK_INT(k.visits, 1);
	CHECK_INT(k.home_visits, 1);
	CHECK_INT(k.demands, 1);
	CHECK_INT(k.resolved, 1);
	CHECK_INT(k.overdue, 0);
	CHECK_INT(k.signed_visits, 1);
	CHECK_INT(k.sat_answers, 1);
	CHECK_INT(k.sat_positive, 1);
	CHECK_INT(k.topics[2], 1);
	CHECK_INT(k.topics[5], 1);
	CHECK_INT(k.topics[0], 0);
	CHECK_INT(k.households_visited, 0);
	mq_counts_visit(&k, &v, day("2024-03-19"));
	CHECK_INT(k.visits, 2);
	CHECK_INT(k.resolved, 1);
	CHECK_INT(k.overdue, 1);
	CHECK_INT(mq_visit_marks(&v, day("2024-03-10")) & (MQ_VISIT_RESOLVED | MQ_VISIT_OVERDUE), 0);
	v.has_demand = 0; /* no 诉求: the status does not count */
	v.satisfaction = MQ_SAT_UNSATISFIED;
	v.mode = MQ_MODE_PHONE;
	v.is_signed = 0;
	CHECK_INT(mq_visit_marks(&v, day("2024-03-31")), MQ_VISIT_SAT);
	v.satisfaction = -1;
	CHECK_INT(mq_visit_marks(&v, day("2024-03-31")), 0);
}

static void test_cadre_months(void)
{
	struct mq_reference ref;
	CHECK_INT(load_ref(&ref, NULL, "cadre_id,cadre_name,unit,role,township,village\n"
			   "C1,张三,县局,第一书记,甲镇,一村\nC9,李四,县局,包村干部,乙乡,三村\n", NULL), 0);
	struct mq_agg *agg = agg_for("2024", "2024-12-31", &ref);
	for (int i = 1; i <= 10; i++) {
		char d[32];
		snprintf(d, sizeof d, "2024-01-%02d", i);
		add(agg, (struct r){ .date = d, .hh = "H1" });
	}
	/* two records the same day count one day in the village */
	add(agg, (struct r){ .date = "2024-01-10", .hh = "H2", .mode = TALK });
	/* phone and WeChat: diaries, but not days in the village */
	add(agg, (struct r){ .date = "2024-01-20", .mode = PHONE });
	add(agg, (struct r){ .date = "2024-01-21", .mode = WECHAT });
	/* a January demand closed in February: open in the January row */
	add(agg, (struct r){ .date = "2024-01-25", .status = CLOSED, .due = "2024-02-01", .closed = "2024-02-10",
			     .mode = PHONE });
	/* a non-roster cadre in March and May */
	add(agg, (struct r){ .date = "2024-03-05", .cadre = "C5", .name = "王五" });
	add(agg, (struct r){ .date = "2024-05-05", .cadre = "C5", .name = "王五" });

	size_t n;
	mq_agg_cadre_months(agg, &n);
	CHECK_INT(n, 12 + 12 + 2); /* C1 and C9 every month, C5 two months */
	const struct mq_cadre_month_row *m = cadre_month(agg, "C1", "2024-01");
	CHECK(m != NULL);
	if (m) {
		CHECK_INT(m->diaries, 14);
		CHECK_INT(m->quota_met, 1);
		CHECK_INT(m->days_in_village, 10);
		CHECK_INT(m->demands, 1);
		CHECK_INT(m->resolved, 0);
		CHECK_STR(m->township, "甲镇");
	}
	m = cadre_month(agg, "C9", "2024-07");
	CHECK(m != NULL);
	if (m) {
		CHECK_INT(m->diaries, 0);
		CHECK_INT(m->quota_met, 0);
		CHECK_STR(m->cadre_name, "李四");
		CHECK_STR(m->village, "三村");
	}
	CHECK(cadre_month(agg, "C5", "2024-04") == NULL);
	m = cadre_month(agg, "C5", "2024-05");
	CHECK(m != NULL && m->diaries == 1 && m->quota_met == 0);
	const struct mq_cadre_row *c = cadre(agg, "C1");
	CHECK(c != NULL);
	if (c) {
		CHECK_INT(c->diaries, 14);
		CHECK_INT(c->resolved, 1); /* as of the year's as-of date */
		CHECK_INT(c->days_in_village, 10);
		CHECK_INT(c->months_with_records, 1);
		CHECK_INT(c->months_quota_met, 1);
		CHECK_STR(c->role, "第一书记");
		CHECK_INT(c->resident, 1);
	}
	/* rows sorted by cadre_id then month */
	const struct mq_cadre_month_row *rows = mq_agg_cadre_months(agg, &n);
	int sorted = 1;
	for (size_t i = 1; i < n; i++) {
		int k = strcmp(rows[i - 1].cadre_id, rows[i].cadre_id);
		if (k > 0 || (k == 0 && strcmp(rows[i - 1].month, rows[i].month) >= 0))
			sorted = 0;
	}
	CHECK(sorted);
	mq_agg_free(agg);
	mq_reference_free(&ref);
}

/* The majority village of a cadre not in the roster, and its tie; the
 * majority county of a village not in the registry, and its tie. */
static void test_majority(void)
{
	struct mq_agg *agg = agg_for("2024-03", "2024-12-31", NULL);
	/* C7: 2 records in 甲镇/一村, 2 in 乙乡/五村: a tie → 乙乡 (乙 < 甲) */
	add(agg, (struct r){ .date = "2024-03-01", .cadre = "C7", .town = "甲镇", .vil = "一村" });
	add(agg, (struct r){ .date = "2024-03-02", .cadre = "C7", .town = "甲镇", .vil = "一村" });
	add(agg, (struct r){ .date = "2024-03-03", .cadre = "C7", .town = "乙乡", .vil = "五村" });
	add(agg, (struct r){ .date = "2024-03-04", .cadre = "C7", .town = "乙乡", .vil = "五村" });
	/* C8: 2 in 甲镇/二村, 1 in 乙乡/五村: the majority wins */
	add(agg, (struct r){ .date = "2024-03-01", .cadre = "C8", .town = "甲镇", .vil = "二村", .name = "赵六" });
	add(agg, (struct r){ .date = "2024-03-02", .cadre = "C8", .town = "甲镇", .vil = "二村", .name = "赵六" });
	add(agg, (struct r){ .date = "2024-03-03", .cadre = "C8", .town = "乙乡", .vil = "五村", .name = "赵陆" });
	/* village 六村: counties 北县 ×1, 南县 ×1 → tie → 北县 (U+5317 < U+5357) */
	add(agg, (struct r){ .date = "2024-03-05", .town = "丙镇", .vil = "六村", .county = "南县" });
	add(agg, (struct r){ .date = "2024-03-06", .town = "丙镇", .vil = "六村", .county = "北县" });
	add(agg, (struct r){ .date = "2024-03-07", .town = "丙镇", .vil = "六村" });
	/* village 七村: 南县 ×2, 北县 ×1 → 南县 */
	add(agg, (struct r){ .date = "2024-03-05", .town = "丙镇", .vil = "七村", .county = "南县" });
	add(agg, (struct r){ .date = "2024-03-06", .town = "丙镇", .vil = "七村", .county = "南县" });
	add(agg, (struct r){ .date = "2024-03-06", .town = "丙镇", .vil = "七村", .county = "北县" });
	const struct mq_cadre_row *c = cadre(agg, "C7");
	CHECK(c != NULL);
	if (c) {
		CHECK_STR(c->township, "乙乡");
		CHECK_STR(c->village, "五村");
		CHECK(c->role == NULL);
		CHECK_INT(c->in_roster, 0);
	}
	c = cadre(agg, "C8");
	if (c) {
		CHECK_STR(c->village, "二村");
		CHECK_STR(c->cadre_name, "赵六");
	}
	const struct mq_summary_row *v = village(agg, "丙镇", "六村");
	CHECK_STR(v ? v->county : NULL, "北县");
	v = village(agg, "丙镇", "七村");
	CHECK_STR(v ? v->county : NULL, "南县");
	CHECK_INT(v ? v->c.registered_known : -1, 0);
	mq_agg_free(agg);
}

/* Quarter coverage counts only 入户走访 visits to assigned households in
 * the quarters from the first record's to the last record's. */
static void test_coverage_pairs(void)
{
	struct mq_reference ref;
	CHECK_INT(load_ref(&ref, NULL, NULL, "cadre_id,household_id\nC1,H1\nC1,H2\nC1,H2\nC2,H1\n"), 0);
	struct mq_agg *agg = agg_for("2024", "2024-12-31", &ref);
	add(agg, (struct r){ .date = "2024-02-01", .hh = "H1" });             /* Q1 H1 */
	add(agg, (struct r){ .date = "2024-04-01", .hh = "H1" });             /* Q2 H1 */
	add(agg, (struct r){ .date = "2024-05-01", .hh = "H1" });             /* Q2 H1 again */
	add(agg, (struct r){ .date = "2024-05-02", .hh = "H2", .mode = PHONE });   /* not 入户走访 */
	add(agg, (struct r){ .date = "2024-05-03", .hh = "H2", .mode = MEETING }); /* not 入户走访 */
	add(agg, (struct r){ .date = "2024-08-01", .hh = "H2" });             /* Q3 H2 */
	add(agg, (struct r){ .date = "2024-08-02", .hh = "H3" });             /* not assigned */
	const struct mq_cadre_row *c = cadre(agg, "C1");
	CHECK(c != NULL);
	if (c) {
		CHECK_INT(c->assigned_households, 2); /* the pair listed twice counts once */
		CHECK_INT(c->coverage_pairs, 6);      /* 2 households × Q1..Q3 */
		CHECK_INT(c->coverage_hits, 3);
	}
	CHECK(cadre(agg, "C2") == NULL); /* no roster, no records: not listed */
	mq_agg_free(agg);
	mq_reference_free(&ref);
}

/* ---- generated data: sums and the partial round trip ---- */

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void gen(struct mq_agg **aggs, int naggs, int nrec)
{
	static const char *const towns[] = { "甲镇", "乙乡", "丙镇" };
	static const char *const vils[] = { "一村", "二村", "三村", "四村" };
	static const char *const counties[] = { "北县", "南县" };
	char date[16], hh[16], cad[16], due[16], closed[16];
	for (int i = 0; i < nrec; i++) {
		int m = 1 + (int)rnd(12), d = 1 + (int)rnd(28);
		snprintf(date, sizeof date, "2024-%02d-%02d", m, d);
		snprintf(hh, sizeof hh, "H%u", rnd(300));
		snprintf(cad, sizeof cad, "C%u", rnd(25));
		snprintf(due, sizeof due, "2024-%02d-%02d", m, d + (int)rnd(2));
		snprintf(closed, sizeof closed, "2024-%02d-%02d", m == 12 ? 12 : m + (int)rnd(2), d);
		struct r x = { .date = date, .town = towns[rnd(3)], .vil = vils[rnd(4)],
			       .county = rnd(3) ? counties[rnd(2)] : NULL, .cadre = cad, .hh = hh,
			       .mode = 1 + (int)rnd(5), .sat = (int)rnd(4), .unsigned_ = (int)rnd(2),
			       .topics = rnd(1024) };
		int st = (int)rnd(4);
		if (st) {
			x.status = st;
			x.due = due;
			x.closed = st == CLOSED ? closed : NULL;
		}
		add(aggs[rnd((uint32_t)naggs)], x);
	}
}

static void test_sums_property(void)
{
	struct mq_reference ref;
	CHECK_INT(load_ref(&ref, "county,township,village,households\n北县,甲镇,一村,100\n南县,丙镇,九村,50\n",
			   NULL, NULL), 0);
	struct mq_agg *agg = agg_for("2024", "2024-10-15", &ref);
	gen(&agg, 1, 20000);
	size_t nv, nt, nc;
	const struct mq_summary_row *v = mq_agg_villages(agg, &nv);
	const struct mq_summary_row *t = mq_agg_townships(agg, &nt);
	const struct mq_summary_row *c = mq_agg_counties(agg, &nc);
	CHECK(nv >= 12);
	long long vis = 0;
	int ok_t = 1, ok_c = 1;
	for (size_t i = 0; i < nt; i++) {
		struct mq_counts s = { 0 };
		for (size_t j = 0; j < nv; j++) {
			if (strcmp(v[j].county, t[i].county) || strcmp(v[j].township, t[i].township))
				continue;
			s.visits += v[j].c.visits;
			s.home_visits += v[j].c.home_visits;
			s.households_visited += v[j].c.households_visited;
			s.households_registered += v[j].c.households_registered;
			s.demands += v[j].c.demands;
			s.resolved += v[j].c.resolved;
			s.overdue += v[j].c.overdue;
			s.signed_visits += v[j].c.signed_visits;
			s.sat_answers += v[j].c.sat_answers;
			s.sat_positive += v[j].c.sat_positive;
			for (int k = 0; k < MQ_TOPIC_N; k++)
				s.topics[k] += v[j].c.topics[k];
		}
		ok_t &= s.visits == t[i].c.visits && s.home_visits == t[i].c.home_visits &&
			s.households_visited == t[i].c.households_visited &&
			s.households_registered == t[i].c.households_registered &&
			s.demands == t[i].c.demands && s.resolved == t[i].c.resolved &&
			s.overdue == t[i].c.overdue && s.signed_visits == t[i].c.signed_visits &&
			s.sat_answers == t[i].c.sat_answers && s.sat_positive == t[i].c.sat_positive &&
			!memcmp(s.topics, t[i].c.topics, sizeof s.topics);
	}
	for (size_t i = 0; i < nc; i++) {
		struct mq_counts s = { 0 };
		for (size_t j = 0; j < nt; j++) {
			if (strcmp(t[j].county, c[i].county))
				continue;
			s.visits += t[j].c.visits;
			s.households_visited += t[j].c.households_visited;
			s.demands += t[j].c.demands;
			s.resolved += t[j].c.resolved;
			s.overdue += t[j].c.overdue;
			s.sat_positive += t[j].c.sat_positive;
			for (int k = 0; k < MQ_TOPIC_N; k++)
				s.topics[k] += t[j].c.topics[k];
		}
		ok_c &= s.visits == c[i].c.visits && s.households_visited == c[i].c.households_visited &&
			s.demands == c[i].c.demands && s.resolved == c[i].c.resolved &&
			s.overdue == c[i].c.overdue && s.sat_positive == c[i].c.sat_positive &&
			!memcmp(s.topics, c[i].c.topics, sizeof s.topics);
		vis += c[i].c.visits;
	}
	CHECK(ok_t);
	CHECK(ok_c);
	CHECK_INT(vis, 20000);
	CHECK_INT(mq_agg_records_in_period(agg), 20000);
	/* the registry village nobody visited is there */
	CHECK(village(agg, "丙镇", "九村") != NULL);
	mq_agg_free(agg);
	mq_reference_free(&ref);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	rewind(fp);
	char *s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	if (s)
		s[n] = '\0';
	fclose(fp);
	return s;
}

/* Three shards → partials → merged = one aggregator over everything. */
static void test_partial_round_trip(void)
{
	struct mq_reference ref;
	CHECK_INT(load_ref(&ref, "county,township,village,households\n北县,甲镇,一村,100\n",
			   "cadre_id,cadre_name,unit,role,township,village\nC1,张三,县局,第一书记,甲镇,一村\n",
			   "cadre_id,household_id\nC1,H1\nC1,H2\nC2,H5\n"), 0);
	struct mq_agg *whole = agg_for("2024-Q2", "2024-06-20", &ref);
	struct mq_agg *shard[3];
	for (int i = 0; i < 3; i++)
		shard[i] = agg_for("2024-Q2", "2024-06-20", &ref);
	uint64_t seed = rng;
	gen(&whole, 1, 5000);
	rng = seed;
	gen(shard, 3, 5000);
	char part[3][128], d1[128], d2[128];
	struct mq_error err = { 0 };
	struct mq_agg *merged = agg_for("2024-Q2", "2024-06-20", &ref);
	for (int i = 0; i < 3; i++) {
		snprintf(part[i], sizeof part[i], "%s/shard%d.part", dir, i);
		CHECK_INT(mq_agg_write_partial(shard[i], part[i], &err), 0);
		CHECK_INT(mq_agg_merge_partial(merged, part[i], &err), 0);
		mq_agg_free(shard[i]);
	}
	CHECK_INT(mq_agg_records_in_period(merged), mq_agg_records_in_period(whole));
	snprintf(d1, sizeof d1, "%s/whole", dir);
	snprintf(d2, sizeof d2, "%s/merged", dir);
	CHECK_INT(mq_agg_write_figures(whole, d1, 1, NULL, &err), 0);
	CHECK_INT(mq_agg_write_figures(merged, d2, 1, NULL, &err), 0);
	static const char *const files[] = { "village_summary.csv", "township_summary.csv",
					     "county_summary.csv", "cadre_monthly.csv" };
	for (int i = 0; i < 4; i++) {
		char p1[192], p2[192];
		snprintf(p1, sizeof p1, "%s/%s", d1, files[i]);
		snprintf(p2, sizeof p2, "%s/%s", d2, files[i]);
		char *a = slurp(p1), *b = slurp(p2);
		CHECK(a && b && strlen(a) > 100 && strcmp(a, b) == 0);
		free(a);
		free(b);
	}
	size_t n1, n2;
	const struct mq_cadre_row *c1 = mq_agg_cadres(whole, &n1), *c2 = mq_agg_cadres(merged, &n2);
	CHECK_INT(n1, n2);
	int same = n1 == n2;
	for (size_t i = 0; same && i < n1; i++)
		same = c1[i].coverage_hits == c2[i].coverage_hits && c1[i].coverage_pairs == c2[i].coverage_pairs &&
		       c1[i].days_in_village == c2[i].days_in_village && !strcmp(c1[i].village, c2[i].village);
	CHECK(same);

	/* a partial of another period or run date is refused */
	struct mq_agg *other = agg_for("2024-Q3", "2024-06-20", &ref);
	CHECK_INT(mq_agg_merge_partial(other, part[0], &err), MQ_ERR_FORMAT);
	CHECK(strstr(err.message, "2024-Q2") != NULL);
	mq_agg_free(other);
	/* a damaged partial is an error, not garbage */
	char bad[160];
	snprintf(bad, sizeof bad, "%s/bad.part", dir);
	char *data = NULL;
	FILE *fp = fopen(part[0], "rb");
	if (fp) {
		data = malloc(1 << 20);
		size_t n = fread(data, 1, 1 << 20, fp);
		fclose(fp);
		fp = fopen(bad, "wb");
		fwrite(data, 1, n / 2, fp);
		fclose(fp);
	}
	free(data);
	other = agg_for("2024-Q2", "2024-06-20", &ref);
	CHECK_INT(mq_agg_merge_partial(other, bad, &err), MQ_ERR_FORMAT);
	mq_day rd;
	CHECK_INT(mq_partial_run_date(part[1], &rd, &err), 0);
	CHECK_INT(rd, day("2024-06-20"));
	mq_agg_free(other);
	mq_agg_free(whole);
	mq_agg_free(merged);
	mq_reference_free(&ref);
}

/* A validator's household numbers spare the aggregator a lookup per
 * record; another validator's numbers (or none) must not be taken for them. */
static void test_household_numbers(void)
{
	struct mq_agg *agg = agg_for("2024", "2024-12-31", NULL);
	CHECK_INT(add(agg, (struct r){ .date = "2024-03-01", .hh = "H1", .hset = 5, .hno = 0 }), 0);
	CHECK_INT(add(agg, (struct r){ .date = "2024-03-02", .hh = "H2", .hset = 5, .hno = 1 }), 0);
	CHECK_INT(add(agg, (struct r){ .date = "2024-03-03", .hh = "H1", .hset = 5, .hno = 0 }), 0);
	/* number 0 of another validator is another household */
	CHECK_INT(add(agg, (struct r){ .date = "2024-03-04", .hh = "H3", .hset = 6, .hno = 0 }), 0);
	CHECK_INT(add(agg, (struct r){ .date = "2024-03-05", .hh = "H4" }), 0);
	CHECK_INT(add(agg, (struct r){ .date = "2024-03-06", .hh = "H2", .hset = 5, .hno = 1 }), 0);
	CHECK_INT(add(agg, (struct r){ .date = "2024-03-07", .hh = "H4", .hset = 5, .hno = 2 }), 0);
	const struct mq_summary_row *v = village(agg, "甲镇", "一村");
	CHECK(v != NULL);
	if (v) {
		CHECK_INT(v->c.visits, 7);
		CHECK_INT(v->c.households_visited, 4);
	}
	mq_agg_free(agg);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/mq_test_agg.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_periods();
	test_period_labels();
	test_rate_format();
	test_village_figures();
	test_counts_visit();
	test_cadre_months();
	test_majority();
	test_coverage_pairs();
	test_sums_property();
	test_partial_round_trip();
	test_household_numbers();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
	return check_summary();
}
