/* test_progress.c — the progress line (core/progress.h) as a terminal gets
 * it: a stage of a fraction of a second still draws a percentage under
 * 100 with a time left that is not 0:00; a stage in parts never goes
 * back; a fast stage's estimate under way is rounded up, not 0:00.00;
 * plain lines off a terminal; nothing with quiet. The clock is the
 * real one: the stages sleep between updates. */
#include "check.h"
#include "minqing/core/progress.h"

#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

/* What p wrote to its file, NUL-terminated (malloc'd). */
static char *written(FILE *fp)
{
	long n = ftell(fp);
	char *s = calloc(1, (size_t)n + 1);
	rewind(fp);
	if (s && fread(s, 1, (size_t)n, fp) != (size_t)n)
		s[0] = '\0';
	return s;
}

/* The drawn lines of stage name: each percentage and time left in seconds
 * (-1 for "--:--"), in order; returns how many. */
static int drawn(const char *out, const char *name, int *pct, double *left, int max)
{
	int n = 0;
	char head[64];
	snprintf(head, sizeof head, "\r\033[K%s ", name);
	for (const char *s = strstr(out, head); s && n < max; s = strstr(s + 1, head)) {
		const char *q = s + strlen(head);
		while (*q == ' ')
			q++;
		if (*q < '0' || *q > '9')
			continue; /* the name alone, or the done line */
		pct[n] = atoi(q);
		const char *l = strstr(q, "剩余 left ");
		const char *end = strchr(q, '\r');
		if (!l || (end && l > end))
			continue;
		l += strlen("剩余 left ");
		double secs = -1;
		int m;
		double sec;
		if (sscanf(l, "%d:%lf", &m, &sec) == 2)
			secs = m * 60 + sec;
		left[n++] = secs;
	}
	return n;
}

int main(void)
{
	int pct[4096];
	double left[4096];

	/* a short stage: 200 rows a millisecond apart (a fifth of a second) */
	FILE *fp = tmpfile();
	struct mq_progress p;
	mq_progress_init(&p, fp, 0, 0);
	p.tty = 1; /* as on a terminal */
	double t0 = now();
	mq_progress_stage_of(&p, "汇总 aggregate", MQ_PROGRESS_ROWS);
	for (int i = 1; i <= 200; i++) {
		mq_progress_update(&p, i, 200, i);
		sleep_ms(1);
	}
	mq_progress_done(&p);
	double took = now() - t0;
	char *out = written(fp);
	int n = drawn(out, "汇总 aggregate", pct, left, 4096);
	int under_way = 0;
	for (int i = 0; i < n; i++)
		under_way += pct[i] > 0 && pct[i] < 100 && left[i] > 0;
	CHECK(under_way >= 1);
	CHECK(strstr(out, "行 rows") != NULL);
	CHECK(strstr(out, "\r\033[K汇总 aggregate  完成 done  ") != NULL);
	/* at most five draws a second after the first */
	CHECK(n <= 1 + (int)(took * 5));
	free(out);
	fclose(fp);

	/* a stage in two parts (bytes hashed, then bytes of a slower kind):
	 * the percentage never goes back and the second part draws too */
	fp = tmpfile();
	mq_progress_init(&p, fp, 0, 0);
	p.tty = 1;
	mq_progress_stage_of(&p, "考核 assess", MQ_PROGRESS_BYTES);
	mq_progress_span(&p, 0, 2000000);
	for (int i = 1; i <= 100; i++) {
		mq_progress_update(&p, i * 10000LL, 1000000, 0);
		sleep_ms(1);
	}
	mq_progress_span(&p, 1000000, 2000000);
	for (int i = 1; i <= 100; i++) {
		mq_progress_update(&p, i * 10000LL, 1000000, 0);
		sleep_ms(2);
	}
	mq_progress_done(&p);
	out = written(fp);
	n = drawn(out, "考核 assess", pct, left, 4096);
	int ordered = 1, second = 0;
	for (int i = 0; i < n; i++) {
		ordered &= i == 0 || pct[i] >= pct[i - 1];
		second += pct[i] >= 50 && pct[i] < 100 && left[i] > 0;
	}
	CHECK(n >= 2);
	CHECK(ordered);
	CHECK(second >= 1);
	free(out);
	fclose(fp);

	/* not a terminal: the stage, the quarters, done; no redraws */
	fp = tmpfile();
	mq_progress_init(&p, fp, 0, 0);
	p.tty = 0;
	mq_progress_stage_of(&p, "汇总 aggregate", MQ_PROGRESS_ROWS);
	for (int i = 1; i <= 100; i++)
		mq_progress_update(&p, i, 100, i);
	mq_progress_done(&p);
	out = written(fp);
	CHECK(strstr(out, "minqing: 汇总 aggregate …\n") != NULL);
	CHECK(strstr(out, "minqing: 汇总 aggregate 25%, 25 行 rows") != NULL);
	CHECK(strstr(out, "minqing: 汇总 aggregate 75%, 75 行 rows") != NULL);
	CHECK(strstr(out, "minqing: 汇总 aggregate 完成 done ") != NULL);
	CHECK(strchr(out, '\r') == NULL && strchr(out, '\033') == NULL);
	free(out);
	fclose(fp);

	/* a stage so fast its estimate is under a hundredth of a second while
	 * under way: the time left is rounded up, never drawn as 0:00.00 */
	fp = tmpfile();
	mq_progress_init(&p, fp, 0, 0);
	p.tty = 1;
	mq_progress_stage_of(&p, "报告 render", MQ_PROGRESS_PAGES);
	mq_progress_update(&p, 1, 1000, 0);
	sleep_ms(250);
	mq_progress_update(&p, 999, 1000, 0);
	mq_progress_done(&p);
	out = written(fp);
	n = drawn(out, "报告 render", pct, left, 4096);
	CHECK_INT(n, 1);
	CHECK_INT(pct[0], 99);
	CHECK(left[0] > 0 && left[0] < 0.02);
	CHECK(strstr(out, "剩余 left 0:00.01") != NULL);
	free(out);
	fclose(fp);

	/* quiet: nothing; a NULL progress is ignored */
	fp = tmpfile();
	mq_progress_init(&p, fp, 1, 0);
	p.tty = 1;
	mq_progress_stage_of(&p, "汇总 aggregate", MQ_PROGRESS_ROWS);
	for (int i = 1; i <= 50; i++) {
		mq_progress_update(&p, i, 50, i);
		sleep_ms(1);
	}
	mq_progress_done(&p);
	mq_progress_update(NULL, 1, 2, 1);
	CHECK_INT(ftell(fp), 0);
	fclose(fp);
	return check_summary();
}
