/* date.c — calendar days, dates (contract section 1) and report periods
 * with their as-of dates (section 4). */
#include "minqing/core/date.h"
#include "minqing/core/bytes.h"

#include <stdio.h>
#include <string.h>

int mq_period_parse(const char *s, struct mq_period *p, struct mq_error *err)
{
	memset(p, 0, sizeof *p);
	size_t len = s ? strlen(s) : 0;
	int year = len >= 4 ? (int)mq_digits_value(s, 4) : -1;
	int first_m, nm;
	if (year < 1900 || year > 9999)
		goto bad;
	if (len == 4) {
		p->kind = MQ_PERIOD_YEAR;
		first_m = 1;
		nm = 12;
	} else if (len == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q')) {
		int q = (int)mq_digits_value(s + 6, 1);
		if (q < 1 || q > 4)
			goto bad;
		p->kind = MQ_PERIOD_QUARTER;
		p->index = q;
		first_m = 3 * q - 2;
		nm = 3;
	} else if (len == 7 && s[4] == '-') {
		int m = (int)mq_digits_value(s + 5, 2);
		if (m < 1 || m > 12)
			goto bad;
		p->kind = MQ_PERIOD_MONTH;
		p->index = m;
		first_m = m;
		nm = 1;
	} else {
		goto bad;
	}
	p->year = year;
	p->nmonths = nm;
	p->first_month = year * 12 + first_m - 1;
	p->first = mq_day_from_ymd(year, first_m, 1);
	int lm = first_m + nm; /* month after the period */
	p->last = (lm > 12 ? mq_day_from_ymd(year + 1, 1, 1) : mq_day_from_ymd(year, lm, 1)) - 1;
	if (p->kind == MQ_PERIOD_YEAR)
		snprintf(p->label, sizeof p->label, "%04d", year);
	else if (p->kind == MQ_PERIOD_QUARTER)
		snprintf(p->label, sizeof p->label, "%04d-Q%d", year, p->index);
	else
		snprintf(p->label, sizeof p->label, "%04d-%02d", year, p->index);
	return 0;
bad:
	return mq_fail(err, MQ_ERR_USAGE, NULL, 0,
		       "报告期无效 / invalid period \"%s\" (YYYY-MM, YYYY-Qn or YYYY)", s ? s : "");
}

void mq_period_label_zh(const struct mq_period *p, char *out, size_t outlen)
{
	if (p->kind == MQ_PERIOD_MONTH)
		snprintf(out, outlen, "%04d年%02d月", p->year, p->index);
	else if (p->kind == MQ_PERIOD_QUARTER)
		snprintf(out, outlen, "%04d年第%d季度", p->year, p->index);
	else
		snprintf(out, outlen, "%04d年", p->year);
}

mq_day mq_period_as_of(const struct mq_period *p, mq_day run_date)
{
	return run_date < p->last ? run_date : p->last;
}

void mq_period_month(const struct mq_period *p, int i, mq_day *first, mq_day *last, char label[8])
{
	int ym = p->first_month + i, y = ym / 12, m = ym % 12 + 1;
	mq_day f = mq_day_from_ymd(y, m, 1);
	mq_day l = (m == 12 ? mq_day_from_ymd(y + 1, 1, 1) : mq_day_from_ymd(y, m + 1, 1)) - 1;
	if (first)
		*first = f;
	if (last)
		*last = l;
	if (label) {
		char d[11];
		mq_date_format(f, d); /* YYYY-MM-DD: keep YYYY-MM */
		memcpy(label, d, 7);
		label[7] = '\0';
	}
}

int mq_period_month_of(const struct mq_period *p, mq_day d)
{
	if (d < p->first || d > p->last)
		return -1;
	int y, m, dd;
	mq_day_to_ymd(d, &y, &m, &dd);
	return y * 12 + m - 1 - p->first_month;
}

/* ---- days and dates ---- */

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
	/* most dates are YYYY-MM-DD: read at fixed places */
	if (mq_date_shaped(s, len)) {
		static const unsigned char at[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
		unsigned dg[8];
		for (int i = 0; i < 8; i++)
			if ((dg[i] = (unsigned)((unsigned char)s[at[i]] - '0')) > 9)
				return -1; /* no other form has a '-' there */
		int y = (int)(dg[0] * 1000 + dg[1] * 100 + dg[2] * 10 + dg[3]);
		int m = (int)(dg[4] * 10 + dg[5]), d = (int)(dg[6] * 10 + dg[7]);
		if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
			return -1;
		*day = mq_day_from_ymd(y, m, d);
		return 0;
	}
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
