/* figures_xlsx.h — data/figures.xlsx: the figure CSVs of a run as one
 * workbook for the county office's own tables (README "Workbooks"). */
#ifndef MINQING_FIGURES_XLSX_H
#define MINQING_FIGURES_XLSX_H

#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/progress.h"

/* Reads data_dir's village, township, county, cadre-month, assessment and
 * team figure CSVs (those present) and writes data_dir/figures.xlsx: one
 * sheet each, Chinese column headers, numbers as numbers, rates as
 * percentages, frozen header, filters; as_of is the document date;
 * progress (may be NULL) is updated with the bytes of the CSVs read.
 * Returns 0 or a negative code with err filled. */
int mq_figures_xlsx(const char *data_dir, mq_day as_of, struct mq_progress *progress, struct mq_error *err);
/* The bytes mq_figures_xlsx reads: the sizes of those CSVs. */
long long mq_figures_xlsx_bytes(const char *data_dir);

#endif
