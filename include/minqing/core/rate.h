/* rate.h — rates computed exactly and rounded half up, and the count and
 * rate cells of the figure CSVs. */
#ifndef MINQING_CORE_RATE_H
#define MINQING_CORE_RATE_H

#include <stddef.h>
#include <stdio.h>

/* ---- rates: exact, half up ---- */

/* Writes num/den with `decimals` decimals rounded half up, computed in
 * integers (no binary floating point); "" when den is 0. out ≥ 32 bytes. */
void mq_rate_format(long long num, long long den, int decimals, char *out);
/* CSV cells (not the first of a row): a count, a count or an empty cell
 * when it is not known, and a rate as above. */
void mq_csv_count(FILE *fp, long long v);
void mq_csv_counts(FILE *fp, const long long *v, size_t n); /* n counts */
void mq_csv_count_if(FILE *fp, int known, long long v);
void mq_csv_rate(FILE *fp, long long num, long long den);
/* num/den as a double, or -1 when den is 0 (for reports). */
double mq_rate(long long num, long long den);

#endif
