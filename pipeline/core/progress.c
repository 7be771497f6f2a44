/* progress.c — progress lines on stderr and stage timings. */
#include "minqing/core/progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void mq_progress_init(struct mq_progress *p, FILE *fp, int quiet, int verbose)
{
	memset(p, 0, sizeof *p);
	p->fp = fp;
	p->tty = isatty(fileno(fp));
	p->quiet = quiet;
	p->verbose = verbose;
	p->start = now();
}

void mq_progress_stage(struct mq_progress *p, const char *name)
{
	mq_progress_done(p);
	p->stage = name;
	p->stage_start = now();
	p->last_draw = 0;
	p->last_quarter = -1;
	if (!p->quiet && !p->tty)
		fprintf(p->fp, "minqing: %s …\n", name);
}

void mq_progress_update(struct mq_progress *p, long long done, long long total, long long records)
{
	if (p->quiet || !p->stage)
		return;
	double t = now(), elapsed = t - p->stage_start;
	int pct = total > 0 ? (int)(done * 100 / total) : 0;
	if (pct > 100)
		pct = 100;
	if (!p->tty) {
		if (pct / 25 > p->last_quarter && pct < 100) {
			p->last_quarter = pct / 25;
			if (p->last_quarter > 0)
				fprintf(p->fp, "minqing: %s %d%%, %lld 条记录 records\n", p->stage, pct, records);
		}
		return;
	}
	if (t - p->last_draw < 0.2)
		return;
	p->last_draw = t;
	double rate = elapsed > 0 ? (double)records / elapsed : 0;
	double left = done > 0 && total > done ? elapsed * (double)(total - done) / (double)done : 0;
	fprintf(p->fp, "\r%s  %3d%%  %lld 条 records  %.0f 条/秒 per s  剩余 left %d:%02d   ", p->stage, pct,
		records, rate, (int)left / 60, (int)left % 60);
	fflush(p->fp);
}

void mq_progress_done(struct mq_progress *p)
{
	if (!p->stage)
		return;
	double secs = now() - p->stage_start;
	if (p->nstages < MQ_PROGRESS_MAX_STAGES) {
		p->names[p->nstages] = p->stage;
		p->seconds[p->nstages++] = secs;
	}
	if (!p->quiet && p->tty)
		fprintf(p->fp, "\r%s  完成 done  %.1f 秒 s%30s\n", p->stage, secs, "");
	p->stage = NULL;
}

void mq_progress_report(const struct mq_progress *p)
{
	double total = now() - p->start;
	fprintf(p->fp, "用时 / time: %.2f s\n", total);
	for (int i = 0; i < p->nstages; i++)
		fprintf(p->fp, "  %-20s %8.2f s  %5.1f%%\n", p->names[i], p->seconds[i],
			total > 0 ? 100 * p->seconds[i] / total : 0);
}
