/* progress.h — what a long run tells the person waiting for it.
 *
 * On a terminal one line is redrawn in place: stage, percent of input
 * bytes, records per second and time left. Otherwise (a log file, CI) a
 * plain line is printed at each quarter. Nothing is printed with quiet.
 * The timings of every stage are kept for --verbose and the benchmarks. */
#ifndef MINQING_PROGRESS_H
#define MINQING_PROGRESS_H

#include <stdio.h>

#define MQ_PROGRESS_MAX_STAGES 12

struct mq_progress {
	FILE *fp;
	int tty, quiet, verbose;
	const char *stage;
	double start, stage_start, last_draw;
	int last_quarter;
	int nstages;
	const char *names[MQ_PROGRESS_MAX_STAGES];
	double seconds[MQ_PROGRESS_MAX_STAGES];
};

void mq_progress_init(struct mq_progress *p, FILE *fp, int quiet, int verbose);
void mq_progress_stage(struct mq_progress *p, const char *name);  /* starts a stage */
void mq_progress_update(struct mq_progress *p, long long done, long long total, long long records);
void mq_progress_done(struct mq_progress *p);                     /* ends the stage (idempotent) */
void mq_progress_report(const struct mq_progress *p);             /* seconds and share per stage */

#endif
