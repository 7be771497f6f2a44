/* Helpers for unit tests that build accepted records by hand. */
#ifndef MQ_TEST_RECORDS_H
#define MQ_TEST_RECORDS_H
#include <string.h>
#include "minqing/core/date.h"
#include "minqing/ingest/record.h"

/* A day from "YYYY-MM-DD" (any accepted form); MQ_NO_DAY for NULL or junk. */
static inline mq_day day(const char *s)
{
	mq_day d = MQ_NO_DAY;
	if (s && mq_date_parse(s, strlen(s), &d))
		d = MQ_NO_DAY;
	return d;
}

/* Sets a field's normalised text. */
static inline void set(struct mq_record *rec, int f, const char *s)
{
	rec->text[f] = s;
	rec->len[f] = s ? strlen(s) : 0;
}
#endif
