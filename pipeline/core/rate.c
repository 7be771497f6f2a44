/* rate.c — exact half-up rates and the figure CSVs' count and rate cells
 * (rate.h). */
#include "minqing/core/rate.h"

#include "minqing/core/csv_out.h"

#include <stdio.h>

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

void mq_csv_count(FILE *fp, long long v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", v);
	mq_csv_cell(fp, b, 0);
}

void mq_csv_counts(FILE *fp, const long long *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mq_csv_count(fp, v[i]);
}

void mq_csv_count_if(FILE *fp, int known, long long v)
{
	if (known)
		mq_csv_count(fp, v);
	else
		mq_csv_cell(fp, NULL, 0);
}

void mq_csv_rate(FILE *fp, long long num, long long den)
{
	char b[32];
	mq_rate_format(num, den, 4, b);
	mq_csv_cell(fp, b, 0);
}
