/* reports.h — the reports an office hands in (issue 5): per township and
 * month the work summary (工作小结), per village the visit ledger (台账),
 * the assessment report (考核结果) and the data-quality report (数据质量报告),
 * rendered with the templates under templates/ from what the earlier
 * stages wrote in one output folder:
 *   DIR/data/{village,township,county}_summary.csv, cadre_monthly.csv,
 *   assessment.csv, team_assessment.csv, assessment_facts.csv, counts.csv,
 *   rejects.csv and accepted.csv (read once, streamed as records; in
 *   `minqing run` the visits are handed over instead, struct mq_visits),
 * into DIR/reports/:
 *   <乡镇>_<YYYY年MM月>_工作小结.pdf          one per township and month
 *   <乡镇>_<村>_<label>_台账.pdf             one per village and period
 *   <县>_<label>_考核结果.pdf                one per county (年度考核结果 for a year)
 *   <乡镇>_<label>_考核结果.pdf              one per township, with township_reports
 *   <乡镇>_<label>_周检查.pdf                one per township when the run date
 *                                         falls inside a month period (weekly.c),
 *                                         with DIR/data/weekly_check.csv
 *   <label>_数据质量报告.pdf                 one per run, rendered last
 *   .minqing-index.csv                     which township each report belongs
 *                                         to (MQ_REPORTS_INDEX, core/files.h)
 * where label is 2024年03月, 2024年第1季度 or 2024年 (mq_period_label_zh).
 *
 * Figures are printed from those CSVs as written; only two things are
 * computed here, from accepted.csv with the contract's rules: the list of
 * overdue demands and the ledger rows, and, for a quarter or year run, the
 * per-month village figures of the monthly summaries (an aggregator per
 * month, aggregate.h; registered households from village_summary.csv).
 *
 * Memory: the visits of the period are kept as compact rows (about 56
 * bytes each plus interned strings); each PDF's data is built and freed
 * per document. With jobs > 1 the townships are rendered by that many
 * child processes (fork), so the layout engine needs no thread safety.
 *
 * The result is caller-owned: free it with mq_reports_result_free
 * (NULL-safe; zero-initialise it; filled as far as rendering got). */
#ifndef MINQING_REPORTS_H
#define MINQING_REPORTS_H

#include <stddef.h>
#include <stdint.h>

#include "minqing/core/date.h"
#include "minqing/core/error.h"

#include <signal.h>

/* The period's visits handed to the render as the validate stage accepts
 * them (mq_visits_add from its accepted callback, in order), so that the
 * render of `minqing run` need not read accepted.csv back: the same
 * compact rows the render would read, with the same results. When the
 * weekly check is due (a month run in its own month) the visits are not
 * kept and the render reads accepted.csv, which the weekly check needs
 * whole. */
struct mq_visits;
struct mq_record;
/* NULL on OOM; run_date is counts.csv's as_of_run; at_most: how many
 * records are likely to come at most (their memory is reserved, taken
 * only as visits fill it, and grown past it), 0 when unknown */
struct mq_visits *mq_visits_new(const struct mq_period *period, mq_day run_date, size_t at_most);
int mq_visits_add(struct mq_visits *v, const struct mq_record *r); /* 0 or MQ_ERR_NOMEM */
void mq_visits_free(struct mq_visits *v);                           /* NULL-safe */

struct mq_reports_opts {
	const char *out_dir;        /* DIR: reads DIR/data, writes DIR/reports */
	const char *reports_dir;    /* NULL, or where to write the reports instead of DIR/reports */
	const char *period;         /* "2024-03", "2024-Q1", "2024" */
	const char *unit;           /* 填报单位; NULL: each document's own area: the
				     * county and township (monthly summary), the
				     * township (weekly check, a township's assessment),
				     * the county (county assessment, data quality) */
	const char *templates_dir;  /* NULL: found as mq_find_template does (core/files.h) */
	const char *assignments;    /* the weekly check's assigned households; NULL: none */
	const char *rubric;         /* the rubric the assessment used; NULL: rubric.xml of
				     * templates_dir, else found as templates are */
	const char *next_steps_dir; /* <dir>/<乡镇>_<period>.txt; NULL: none */
	const char *as_of;          /* "YYYY-MM-DD" printed and used as the PDF date;
				     * NULL: the period's as-of date for counts.csv's
				     * as_of_run (a monthly summary: its month's) */
	int jobs;                   /* ≤ 1: render in this process */
	int township_reports;       /* also the assessment report of each township */
	/* Called in the calling process after each document (may be NULL):
	 * pages written so far, pages planned (estimated before rendering from
	 * the rows each document prints; never below the pages written), the
	 * documents written, and progress_ctx. */
	void (*progress)(long long pages, long long planned, long long docs, void *ctx);
	void *progress_ctx;
	/* NULL, or a flag a signal handler sets: the stage stops before its next
	 * document with MQ_ERR_USAGE ("interrupted"); --jobs children inherit
	 * the handler and stop the same way */
	const volatile sig_atomic_t *stop;
	/* NULL: the visits are read from accepted.csv; else the period's
	 * visits, fed whole, taken over by the render (left empty) */
	struct mq_visits *visits;
};

struct mq_report_file {
	char *path;                 /* malloc'd */
	int pages;
};

struct mq_missing_char {
	char file[256];             /* PDF base name */
	char where[128];            /* data set / field / row, Chinese */
	uint32_t codepoint;
};

struct mq_reports_result {
	struct mq_report_file *files;   /* in the order written */
	size_t nfiles, afiles;          /* used and allocated entries */
	long long pages;
	struct mq_missing_char *missing; /* characters the fonts could not show */
	size_t nmissing, amissing;
};

/* Renders every report of the period. Returns 0 or a negative MQ_ERR_*
 * with err filled (a missing CSV names its path). */
int mq_render_reports(const struct mq_reports_opts *o, struct mq_reports_result *res,
		      struct mq_error *err);
void mq_reports_result_free(struct mq_reports_result *res);  /* frees the lists, keeps res */

#endif
