/* record.c — the field table (contract section 1) and day arithmetic. */
#include "minqing/record.h"

#include <string.h>
#include <strings.h>

const char *const mq_household_types[] = { "脱贫户", "监测户", "低保户", "特困户", "一般农户", NULL };
const char *const mq_visit_modes[] = { "入户走访", "电话", "微信", "座谈", "集中宣讲", NULL };
const char *const mq_topics[] = { "吃穿", "义务教育", "基本医疗", "住房安全", "饮水安全",
				  "产业发展", "务工就业", "政策宣传", "矛盾调解", "其他", NULL };
const char *const mq_statuses[] = { "已办结", "办理中", "未办理", NULL };
const char *const mq_satisfactions[] = { "满意", "基本满意", "不满意", NULL };

#define TEXT(n, zh, req, lim) { n, zh, MQ_T_TEXT, req, lim, 0, 0, NULL }
#define DATE(n, zh, req)      { n, zh, MQ_T_DATE, req, 0, 0, 0, NULL }
#define ENUM(n, zh, req, v)   { n, zh, MQ_T_ENUM, req, 0, 0, 0, v }

const struct mq_field_def mq_fields[MQ_NFIELDS] = {
	[MQ_F_RECORD_ID]      = TEXT("record_id", "记录编号", MQ_REQUIRED, 64),
	[MQ_F_VISIT_DATE]     = DATE("visit_date", "走访日期", MQ_REQUIRED),
	[MQ_F_COUNTY]         = TEXT("county", "县区", MQ_OPTIONAL, 100),
	[MQ_F_TOWNSHIP]       = TEXT("township", "乡镇", MQ_REQUIRED, 100),
	[MQ_F_VILLAGE]        = TEXT("village", "行政村", MQ_REQUIRED, 100),
	[MQ_F_VILLAGE_GROUP]  = TEXT("village_group", "村民小组", MQ_OPTIONAL, 100),
	[MQ_F_CADRE_ID]       = TEXT("cadre_id", "干部编号", MQ_REQUIRED, 64),
	[MQ_F_CADRE_NAME]     = TEXT("cadre_name", "干部姓名", MQ_REQUIRED, 100),
	[MQ_F_CADRE_UNIT]     = TEXT("cadre_unit", "派出单位", MQ_OPTIONAL, 100),
	[MQ_F_HOUSEHOLD_ID]   = TEXT("household_id", "户编号", MQ_REQUIRED, 64),
	[MQ_F_HOUSEHOLDER]    = TEXT("householder", "户主姓名", MQ_REQUIRED, 100),
	[MQ_F_HOUSEHOLD_SIZE] = { "household_size", "家庭人口", MQ_T_INT, MQ_OPTIONAL, 0, 1, 30, NULL },
	[MQ_F_HOUSEHOLD_TYPE] = ENUM("household_type", "户类型", MQ_REQUIRED, mq_household_types),
	[MQ_F_VISIT_MODE]     = ENUM("visit_mode", "走访方式", MQ_REQUIRED, mq_visit_modes),
	[MQ_F_TOPICS]         = { "topics", "走访事项", MQ_T_ENUMLIST, MQ_OPTIONAL, 0, 0, 0, mq_topics },
	[MQ_F_DEMAND]         = TEXT("demand", "群众诉求", MQ_OPTIONAL, 2000),
	[MQ_F_MEASURE]        = TEXT("measure", "帮扶措施", MQ_OPTIONAL, 2000),
	[MQ_F_DUE_DATE]       = DATE("due_date", "办结时限", MQ_CONDITIONAL),
	[MQ_F_STATUS]         = ENUM("status", "办理状态", MQ_CONDITIONAL, mq_statuses),
	[MQ_F_CLOSED_DATE]    = DATE("closed_date", "办结日期", MQ_CONDITIONAL),
	[MQ_F_SIGNED]         = { "signed", "受访人签字", MQ_T_BOOL, MQ_REQUIRED, 0, 0, 0, NULL },
	[MQ_F_SATISFACTION]   = ENUM("satisfaction", "满意度", MQ_OPTIONAL, mq_satisfactions),
	[MQ_F_INCOME]         = { "per_capita_income", "人均纯收入", MQ_T_DECIMAL, MQ_OPTIONAL, 0, 0, 0, NULL },
	[MQ_F_NOTES]          = TEXT("notes", "日志内容", MQ_OPTIONAL, 8000),
};

int mq_field_lookup(const char *header, size_t len)
{
	for (int f = 0; f < MQ_NFIELDS; f++) {
		const char *n = mq_fields[f].name, *zh = mq_fields[f].zh;
		if ((strlen(n) == len && strncasecmp(n, header, len) == 0) ||
		    (strlen(zh) == len && memcmp(zh, header, len) == 0))
			return f;
	}
	return -1;
}

/* Days from civil (proleptic Gregorian), after H. Hinnant's algorithm. */
mq_day mq_day_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (mq_day)(era * 146097 + (int)doe - 719468);
}

void mq_day_to_ymd(mq_day z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yy + (*m <= 2);
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int mq_days_in_year(int y) { return is_leap(y) ? 366 : 365; }

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Reads 1..max digits at *p; returns -1 when there are none. */
static int read_num(const char **p, const char *end, int max)
{
	int v = 0, n = 0;
	while (*p < end && n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n ? v : -1;
}

/* Consumes the separator sep (a byte string) at *p. */
static int eat(const char **p, const char *end, const char *sep)
{
	size_t n = strlen(sep);
	if ((size_t)(end - *p) < n || memcmp(*p, sep, n) != 0)
		return 0;
	*p += n;
	return 1;
}

int mq_date_parse(const char *s, size_t len, mq_day *day)
{
	/* separators after year and month, and after day, per accepted form */
	static const char *const forms[][3] = {
		{ "-", "-", "" }, { "/", "/", "" }, { ".", ".", "" }, { "年", "月", "日" },
	};
	const char *end = s + len;
	for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		const char *p = s;
		int y = read_num(&p, end, 4);
		if (y < 0 || p - s != 4 || !eat(&p, end, forms[f][0]))
			continue;
		int m = read_num(&p, end, 2);
		if (m < 0 || !eat(&p, end, forms[f][1]))
			continue;
		int d = read_num(&p, end, 2);
		if (d < 0 || !eat(&p, end, forms[f][2]) || p != end)
			continue;
		if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
			return -1;
		*day = mq_day_from_ymd(y, m, d);
		return 0;
	}
	return -1;
}

void mq_date_format(mq_day day, char out[11])
{
	int y, m, d;
	mq_day_to_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}
