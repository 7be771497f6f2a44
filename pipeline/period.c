/* period.c — report periods (--period YYYY-MM | YYYY-Qn | YYYY), their
 * as-of dates (contract section 4) and exact half-up rate formatting. */
#include "minqing/aggregate.h"

#include <stdio.h>
#include <string.h>

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int mq_period_parse(const char *s, struct mq_period *p, struct mq_error *err)
{
	memset(p, 0, sizeof *p);
	size_t len = s ? strlen(s) : 0;
	int year = len >= 4 ? digits(s, 4) : -1;
	int first_m, nm;
	if (year < 1900 || year > 9999)
		goto bad;
	if (len == 4) {
		p->kind = MQ_PERIOD_YEAR;
		first_m = 1;
		nm = 12;
	} else if (len == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q')) {
		int q = digits(s + 6, 1);
		if (q < 1 || q > 4)
			goto bad;
		p->kind = MQ_PERIOD_QUARTER;
		p->index = q;
		first_m = 3 * q - 2;
		nm = 3;
	} else if (len == 7 && s[4] == '-') {
		int m = digits(s + 5, 2);
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

/* Half up in integers: q = floor((2·num·10^k + den) / (2·den)). Rates are
 * non-negative counts, so no sign handling is needed. */
void mq_rate_format(long long num, long long den, int decimals, char *out)
{
	if (den <= 0 || num < 0) {
		out[0] = '\0';
		return;
	}
	unsigned __int128 scale = 1;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	unsigned __int128 q = ((unsigned __int128)num * scale * 2 + (unsigned __int128)den) /
			      ((unsigned __int128)den * 2);
	unsigned long long ip = (unsigned long long)(q / scale);
	unsigned long long fp = (unsigned long long)(q % scale);
	if (decimals > 0)
		snprintf(out, 32, "%llu.%0*llu", ip, decimals, fp);
	else
		snprintf(out, 32, "%llu", ip);
}

double mq_rate(long long num, long long den)
{
	return den > 0 ? (double)num / (double)den : -1.0;
}
