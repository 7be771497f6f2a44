/* Minimal unit-test helpers: count failures, print both values and
 * file:line on a failed check, end with "N passed, N failed". */
#ifndef MQ_TEST_CHECK_H
#define MQ_TEST_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_pass, check_fail;

#define CHECK(cond) do { if (cond) check_pass++; else { check_fail++; \
	fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_INT(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ == w_) check_pass++; else { check_fail++; \
	fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); } } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && strcmp(g_, w_) == 0) check_pass++; else if (!g_ && !w_) check_pass++; else { check_fail++; \
	fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } } while (0)
#define CHECK_DBL(got, want, eps) do { double g_ = (got), w_ = (want); \
	if (g_ - w_ <= (eps) && w_ - g_ <= (eps)) check_pass++; else { check_fail++; \
	fprintf(stderr, "%s:%d: %s = %.9g, want %.9g\n", __FILE__, __LINE__, #got, g_, w_); } } while (0)

static inline int check_summary(void)
{
	printf("%d passed, %d failed\n", check_pass, check_fail);
	return check_fail ? 1 : 0;
}
#endif
