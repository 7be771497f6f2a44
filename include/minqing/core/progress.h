/* progress.h — what a long run tells the person waiting for it.
 *
 * On a terminal the stage's name shows when it starts, then one line is
 * redrawn in place (at most five times a second, the first time as soon
 * as there is a rate, so that a stage of a fraction of a second shows one
 * too): stage, percent done, what was counted so far (records, pages,
 * rows or bytes), the rate and the time left (tenths of a second under
 * ten seconds, hundredths under one), both measured from the stage's first update, so that what
 * it prepares before counting does not skew them ("--:--" until there is
 * a rate); when the stage ends the line is cleared and replaced by "stage
 * done N s". Otherwise (a log file, CI) plain lines
 * are printed: the stage starting, each quarter reached, the stage done.
 * Nothing is printed with quiet. The timings of every stage are kept for
 * --verbose and the benchmarks. The struct is not thread-safe: callers
 * with threads report from one thread or under a lock. */
#ifndef MINQING_PROGRESS_H
#define MINQING_PROGRESS_H

#include <stdio.h>

#define MQ_PROGRESS_MAX_STAGES 12

/* What a stage counts: validate and aggregate input bytes (showing
 * records), render pages, the figures of a run rows written, the
 * assessment of a run and archive bytes. */
enum mq_progress_unit { MQ_PROGRESS_RECORDS, MQ_PROGRESS_PAGES, MQ_PROGRESS_ROWS, MQ_PROGRESS_BYTES };

struct mq_progress {
	FILE *fp;
	int tty, quiet, verbose;
	const char *stage;
	enum mq_progress_unit unit;
	double start, stage_start, last_draw;
	int last_quarter, drawn;
	int base_set;                  /* the first update of the stage seen */
	double base_time, base_count;  /* its time and count shown */
	long long base_done;
	long long span_offset, span_total; /* mq_progress_span; total 0: none */
	int nstages;
	const char *names[MQ_PROGRESS_MAX_STAGES];
	double seconds[MQ_PROGRESS_MAX_STAGES];
};

void mq_progress_init(struct mq_progress *p, FILE *fp, int quiet, int verbose);
/* Ends the stage before (if any) and starts one counting in unit. */
void mq_progress_stage(struct mq_progress *p, const char *name);  /* counts records */
void mq_progress_stage_of(struct mq_progress *p, const char *name, enum mq_progress_unit unit);
/* done of total (bytes, pages; total an estimate may be exceeded) and the
 * count shown: records for MQ_PROGRESS_RECORDS, else ignored (done is shown).
 * p may be NULL (nothing shown). */
void mq_progress_update(struct mq_progress *p, long long done, long long total, long long records);
/* For a stage made of parts that each count from 0: until the stage ends,
 * an update's done is shown as offset + done of stage_total (its own total
 * is ignored); rate and time left count from the part's first update. */
void mq_progress_span(struct mq_progress *p, long long offset, long long stage_total);
/* mq_progress_update as a stage callback: ctx is the struct mq_progress. */
void mq_progress_cb(long long done, long long total, long long records, void *ctx);
void mq_progress_done(struct mq_progress *p);                     /* ends the stage (idempotent) */
/* Clears the line drawn on the terminal (if any) so that a message can go
 * to stderr on a line of its own; the next update draws it again. */
void mq_progress_interrupt(void);
void mq_progress_report(const struct mq_progress *p);             /* seconds and share per stage */
/* The clock of the progress lines: monotonic seconds. */
double mq_progress_clock(void);

#endif
