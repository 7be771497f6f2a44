/* date.h — calendar days, the date forms of the contract (section 1) and
 * report periods (--period YYYY-MM | YYYY-Qn | YYYY) with their as-of dates
 * (section 4). */
#ifndef MINQING_CORE_DATE_H
#define MINQING_CORE_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "minqing/core/error.h"

/* ---- dates: a day number (days since 1970-01-01), 0 never a valid input ---- */

typedef int32_t mq_day;
#define MQ_NO_DAY INT32_MIN

mq_day mq_day_from_ymd(int y, int m, int d);
void mq_day_to_ymd(mq_day day, int *y, int *m, int *d);
/* Parses YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日 (1–2 digit month
 * and day). Returns 0 and sets *day, or -1 when unreadable or nonexistent. */
int mq_date_parse(const char *s, size_t len, mq_day *day);
/* Writes YYYY-MM-DD and a NUL into out[11]. */
void mq_date_format(mq_day day, char out[11]);
/* 1 when s has the shape mq_date_format writes (ten bytes, dashes at 4
 * and 7): a date mq_date_parse accepts in this shape is written so. */
static inline int mq_date_shaped(const char *s, size_t len)
{
	return len == 10 && s[4] == '-' && s[7] == '-';
}
int mq_days_in_year(int y);


/* ---- periods ---- */

enum mq_period_kind { MQ_PERIOD_MONTH, MQ_PERIOD_QUARTER, MQ_PERIOD_YEAR };

struct mq_period {
	enum mq_period_kind kind;
	int year;
	int index;          /* month 1–12, quarter 1–4, 0 for a year */
	mq_day first, last; /* first and last day of the period */
	int first_month;    /* year * 12 + (month - 1) of its first month */
	int nmonths;        /* 1, 3 or 12 */
	char label[16];     /* "2024-03", "2024-Q1", "2024": the period column */
};

/* Parses "YYYY-MM", "YYYY-Qn" (q or Q) or "YYYY". Returns 0 or MQ_ERR_USAGE. */
int mq_period_parse(const char *s, struct mq_period *p, struct mq_error *err);
/* The Chinese label in report and package names: 2024年03月, 2024年第1季度,
 * 2024年 (truncated to outlen; 32 bytes always suffice). */
void mq_period_label_zh(const struct mq_period *p, char *out, size_t outlen);
/* The as-of date: the period's last day, or the run date if earlier. */
mq_day mq_period_as_of(const struct mq_period *p, mq_day run_date);
/* Month i (0 … nmonths-1): first and last day, label "YYYY-MM" (out[8]). */
void mq_period_month(const struct mq_period *p, int i, mq_day *first, mq_day *last, char label[8]);
/* Index of the month holding day d, or -1 when d is outside the period. */
int mq_period_month_of(const struct mq_period *p, mq_day d);

#endif
