/* reports_internal.h — what the report builders (reports.c, summary.c,
 * ledger.c, assessment.c, quality.c, weekly.c) share: the figure CSVs as
 * tables of strings, the compact visits of the period and helpers for the
 * data bound to templates. Everything is owned by one struct rp_ctx (its
 * arena and intern table) until reports.c frees it. */
#ifndef MINQING_REPORTS_INTERNAL_H
#define MINQING_REPORTS_INTERNAL_H

#include "minqing/core/arena.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/intern.h"
#include "minqing/figures/aggregate.h"
#include "minqing/pdf/template.h"
#include "minqing/reports/reports.h"

struct mq_rubric;
struct rp_weekly;

/* A CSV read with named columns; cells are trimmed copies in the arena. */
struct rp_table {
	const char *path;
	int ncols;
	const char **names;
	size_t nrows, cap;
	const char **cells;          /* nrows × ncols */
	size_t limit;                /* keep at most this many rows (0 = all) */
	size_t seen;                 /* rows in the file */
};
const char *rp_cell(const struct rp_table *t, size_t row, const char *col); /* "" when absent */

/* One accepted record of the period, compact (strings interned). */
struct rp_visit {
	int32_t village;             /* index into ctx->villages */
	int32_t household, householder, cadre, demand, measure; /* intern ids, -1 none */
	const char *log;             /* the start of 日志内容 (arena), NULL none */
	mq_day date, due, closed;
	uint32_t seq;                /* order in accepted.csv: ties in date order */
	uint16_t topics;
	int8_t mode, status, is_signed, satisfaction;
	int8_t has_demand;           /* 诉求 given (what the figures count as a demand) */
};

struct rp_village {
	const char *county, *township, *village;
	size_t row;                  /* village_summary.csv row, (size_t)-1 none */
	size_t first, count;         /* its visits in ctx->visits after sorting */
};

struct rp_ctx {
	const struct mq_reports_opts *o;
	struct mq_period period;
	mq_day run_date, as_of;       /* counts.csv as_of_run; the period's as-of */
	char as_of_text[11];
	char label[32];               /* 2024年03月 / 2024年第1季度 / 2024年 */
	char data_dir[4200], reports_dir[4200], tdir[4096];
	struct mq_arena *arena;
	struct mq_intern *strings;    /* the visits' strings (and the weekly check's) */
	struct mq_arena *excerpts;    /* the diaries' excerpts of handed-over visits; NULL: in arena */
	struct rp_table village, township, county, cadre_monthly, assessment, team, facts, counts,
		rejects;
	struct rp_village *villages;
	size_t nvillages;
	struct rp_visit *visits;
	size_t nvisits, cap_visits;
	/* quarter and year runs: each month's village figures, as of the
	 * month's own as-of date, counted from the visits (nmonths ×
	 * nvillages, month-major) */
	struct mq_counts *month_counts;
	struct mq_template *t_summary, *t_ledger, *t_assess, *t_quality, *t_weekly;
	struct mq_rubric *rubric;     /* the assessment's rubric file (assess.h) */
	void (*on_page)(void *sink);  /* each page begun, for progress (may be NULL) */
	void *page_sink;
	struct rp_weekly *weekly;     /* the weekly check's state; NULL when not due */
	struct rp_file *files;        /* planned before rendering, sorted by unit and index */
	size_t nfiles;
};

/* A document's file name: the raw one made from the names in the data,
 * and the safe one written (core/safename.h), unique in reports/. */
struct rp_file {
	int unit, index;
	const char *raw, *safe;
};

/* One document rendered; emitted to the parent (or the result) in order. */
struct rp_doc {
	int unit, index;
	char path[8600];
	int pages;
	struct mq_missing_char *missing;
	size_t nmissing;
};
typedef int (*rp_emit_fn)(void *sink, const struct rp_doc *doc);

/* A county no record named (县区 is optional, and no registry gave one):
 * its assessment's file is named with RP_NO_COUNTY, its text reads
 * RP_NO_COUNTY_TEXT where the county's name would be */
#define RP_NO_COUNTY "县区未填"
#define RP_NO_COUNTY_TEXT "（县区未填）"

/* ---- helpers (reports.c) ---- */
const char *rp_str(const struct rp_ctx *c, int32_t id);        /* "" for -1 */
/* 4-decimal rate text ("0.8185") as a percentage, half up: "81.9%"; "" stays "". */
void rp_pct(const char *rate, char out[16]);
/* The same as a bare number with one decimal ("81.9"), for bar charts. */
void rp_pct_num(const char *rate, char out[16]);
/* Sets scalar name to printf text. */
int rp_setf(struct mq_data *d, struct mq_error *err, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Adds a data set; fields given as one space-separated string. */
int rp_add_set(struct mq_data *d, const char *name, const char *fields,
	       struct mq_dataset **out, struct mq_error *err);
/* The raw file names of the documents (before mq_safe_name). */
void rp_file_summary(const char *township, const char *month_label, char *out, size_t n);
void rp_file_ledger(const struct rp_ctx *c, const struct rp_village *v, char *out, size_t n);
void rp_file_assessment(const struct rp_ctx *c, const char *area, char *out, size_t n);
void rp_file_quality(const struct rp_ctx *c, char *out, size_t n);
void rp_file_weekly(const struct rp_ctx *c, const char *township, char *out, size_t n);
/* Renders template t with d to reports_dir/<safe form of file> and emits
 * the doc; (unit, index) name the document as planned (reports.c). */
int rp_render(struct rp_ctx *c, const struct mq_template *t, const struct mq_data *d,
	      const char *file, int unit, int index, rp_emit_fn emit, void *sink,
	      struct mq_error *err);
/* Paragraphs of <next_steps_dir>/<township>_<period>.txt into set "next_steps". */
int rp_next_steps(struct rp_ctx *c, struct mq_data *d, const char *township,
		  const char *period, struct mq_error *err);
/* The Chinese half of a "中文 / English" message (copied into out). */
void rp_zh(const char *msg, char *out, size_t outlen);

/* ---- the documents ---- */
/* A township's monthly summaries (indexes 0…11), and its ledgers (100…) */
int rp_township_summaries(struct rp_ctx *c, const char *township, int unit, rp_emit_fn emit,
			  void *sink, struct mq_error *err);           /* summary.c */
int rp_township_ledgers(struct rp_ctx *c, const char *township, int unit, rp_emit_fn emit,
			void *sink, struct mq_error *err);             /* summary.c, ledger.c */
int rp_ledger(struct rp_ctx *c, size_t village, int unit, int index, rp_emit_fn emit, void *sink,
	      struct mq_error *err);                                    /* ledger.c */
int rp_assessment_docs(struct rp_ctx *c, int unit, rp_emit_fn emit, void *sink,
		       struct mq_error *err);                           /* assessment.c */
int rp_assessment_township_doc(struct rp_ctx *c, const char *township, int unit, int index,
			       rp_emit_fn emit, void *sink, struct mq_error *err); /* assessment.c */
/* The weekly check (weekly.c): due when the run date falls inside a month
 * period; begin (after the tables, before the visits) makes the state,
 * record sees every accepted record, write_csv writes weekly_check.csv. */
int rp_weekly_due(const struct mq_period *period, mq_day run_date);
int rp_weekly_begin(struct rp_ctx *c, struct mq_error *err);
int rp_weekly_record(struct rp_ctx *c, const struct mq_record *r);
int rp_weekly_write_csv(struct rp_ctx *c, struct mq_error *err);
int rp_weekly_doc(struct rp_ctx *c, const char *township, int unit, int index, rp_emit_fn emit,
		  void *sink, struct mq_error *err);
void rp_weekly_free(struct rp_weekly *w);
int rp_quality_doc(struct rp_ctx *c, const struct mq_reports_result *res, int unit,
		   rp_emit_fn emit, void *sink, struct mq_error *err);  /* quality.c */

#endif
