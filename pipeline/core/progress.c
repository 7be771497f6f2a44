/* progress.c — progress lines on stderr and stage timings (progress.h). */
#include "minqing/core/progress.h"

#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The line drawn on the terminal, if any: mq_progress_interrupt clears it
 * before another message goes to stderr. */
static struct mq_progress *shown_line;

double mq_progress_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* How each unit is shown: the count, and the rate per second. */
static const struct unit_text {
	const char *count, *rate;
	double scale;
} units[] = {
	[MQ_PROGRESS_RECORDS] = { "%.0f 条 records", "%.0f 条/秒 per s", 1 },
	[MQ_PROGRESS_PAGES] = { "%.0f 页 pages", "%.0f 页/秒 per s", 1 },
	[MQ_PROGRESS_ROWS] = { "%.0f 行 rows", "%.0f 行/秒 per s", 1 },
	[MQ_PROGRESS_BYTES] = { "%.1f MB", "%.1f MB/s", 1e6 },
};

void mq_progress_init(struct mq_progress *p, FILE *fp, int quiet, int verbose)
{
	memset(p, 0, sizeof *p);
	p->fp = fp;
	p->tty = isatty(fileno(fp));
	p->quiet = quiet;
	p->verbose = verbose;
	p->start = mq_progress_clock();
}

void mq_progress_stage_of(struct mq_progress *p, const char *name, enum mq_progress_unit unit)
{
	mq_progress_done(p);
	p->stage = name;
	p->unit = unit;
	p->stage_start = mq_progress_clock();
	p->last_draw = 0;
	p->last_quarter = 0;
	p->drawn = 0;
	p->base_set = 0;
	p->span_offset = p->span_total = 0;
	if (p->quiet)
		return;
	if (!p->tty) {
		fprintf(p->fp, "minqing: %s …\n", name);
		return;
	}
	/* the stage's name at once: a stage may prepare for a while (render
	 * reads every accepted record) before it counts anything */
	fprintf(p->fp, "\r\033[K%s  …", name);
	fflush(p->fp);
	shown_line = p;
}

void mq_progress_stage(struct mq_progress *p, const char *name)
{
	mq_progress_stage_of(p, name, MQ_PROGRESS_RECORDS);
}

void mq_progress_span(struct mq_progress *p, long long offset, long long stage_total)
{
	p->span_offset = offset;
	p->span_total = stage_total;
	/* the part's own rate (its work may cost more or less a unit), drawn
	 * as soon as there is one */
	p->base_set = 0;
	p->last_draw = 0;
}

/* Seconds after the first update before there is a rate: long enough to
 * count a little, short enough for a stage of a tenth of a second. */
#define RATE_AFTER 0.01

/* "剩余 left M:SS" from the rate since the first update (elapsed seconds
 * for done units), "0:SS.d" under ten seconds and "0:00.dd" under one,
 * rounded up there: a stage under way has time left, and never shows 0:00
 * until it is done. "--:--" before there is a rate to go by. */
static void time_left(char *out, size_t n, double elapsed, long long done, long long remaining)
{
	if (done <= 0 || elapsed < RATE_AFTER) {
		snprintf(out, n, "剩余 left --:--");
		return;
	}
	double left = remaining > 0 ? elapsed * (double)remaining / (double)done : 0;
	long s = (long)(left + 0.5);
	if (left < 0.995)
		snprintf(out, n, "剩余 left 0:%05.2f", ceil(left * 100) / 100);
	else if (left < 9.95)
		snprintf(out, n, "剩余 left 0:%04.1f", left);
	else if (s >= 3600)
		snprintf(out, n, "剩余 left %ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, n, "剩余 left %ld:%02ld", s / 60, s % 60);
}

void mq_progress_update(struct mq_progress *p, long long done, long long total, long long records)
{
	if (!p || p->quiet || !p->stage)
		return;
	double t = mq_progress_clock();
	if (p->span_total > 0) {
		done += p->span_offset;
		total = p->span_total;
	}
	if (total < done)
		total = done;
	int pct = total > 0 ? (int)(done * 100 / total) : 0;
	const struct unit_text *u = &units[p->unit];
	double count = (double)(p->unit == MQ_PROGRESS_RECORDS ? records : done) / u->scale;
	/* rate and time left count from the first update, not from the stage's
	 * start: what a stage prepares first (render reads the records, then
	 * lays out pages) says nothing about how fast the rest goes */
	if (!p->base_set) {
		p->base_set = 1;
		p->base_time = t;
		p->base_done = done;
		p->base_count = count;
	}
	double elapsed = t - p->base_time;
	char left[48], shown[48], rate[48];
	time_left(left, sizeof left, elapsed, done - p->base_done, total - done);
	snprintf(shown, sizeof shown, u->count, count);
	snprintf(rate, sizeof rate, u->rate, elapsed > 0 ? (count - p->base_count) / elapsed : 0);
	if (!p->tty) {
		/* a plain line at 25, 50 and 75 % */
		if (pct / 25 > p->last_quarter && pct < 100) {
			p->last_quarter = pct / 25;
			fprintf(p->fp, "minqing: %s %d%%, %s, %s\n", p->stage, pct, shown, left);
		}
		return;
	}
	/* the first draw waits for a rate, so it already shows a time left */
	if (elapsed < RATE_AFTER || done <= p->base_done || t - p->last_draw < 0.2)
		return;
	p->last_draw = t;
	p->drawn = 1;
	/* \033[K clears what a longer line before left behind */
	fprintf(p->fp, "\r\033[K%s  %3d%%  %s  %s  %s", p->stage, pct, shown, rate, left);
	fflush(p->fp);
	shown_line = p;
}

void mq_progress_interrupt(void)
{
	if (!shown_line)
		return;
	fputs("\r\033[K", shown_line->fp);
	shown_line->last_draw = 0; /* drawn again at the next update */
	shown_line = NULL;
}

void mq_progress_cb(long long done, long long total, long long records, void *ctx)
{
	mq_progress_update(ctx, done, total, records);
}

void mq_progress_done(struct mq_progress *p)
{
	if (!p->stage)
		return;
	double secs = mq_progress_clock() - p->stage_start;
	if (p->nstages < MQ_PROGRESS_MAX_STAGES) {
		p->names[p->nstages] = p->stage;
		p->seconds[p->nstages++] = secs;
	}
	if (!p->quiet)
		fprintf(p->fp, p->tty ? "\r\033[K%s  完成 done  %.1f 秒 s\n" : "minqing: %s 完成 done %.1f 秒 s\n",
			p->stage, secs);
	if (shown_line == p)
		shown_line = NULL;
	p->stage = NULL;
}

void mq_progress_report(const struct mq_progress *p)
{
	double total = mq_progress_clock() - p->start;
	fprintf(p->fp, "用时 / time: %.2f s\n", total);
	for (int i = 0; i < p->nstages; i++)
		fprintf(p->fp, "  %-20s %8.2f s  %5.1f%%\n", p->names[i], p->seconds[i],
			total > 0 ? 100 * p->seconds[i] / total : 0);
}
