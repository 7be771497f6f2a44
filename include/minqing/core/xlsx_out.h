/* xlsx_out.h — writing simple workbooks (.xlsx): sheets of a header row
 * and rows of text, numbers or percentages; on libxlsxwriter.
 *
 * A workbook is written to a temporary name beside its path and renamed
 * over it at mq_xlsx_commit, like mq_out: a failed run leaves the previous
 * file. Rows stream (libxlsxwriter's constant-memory mode), so a sheet of a
 * million rows costs one row of memory. The document date is the date
 * given at open, so the same rows give the same bytes (reproducible).
 * Every header gets a frozen row, a filter and column widths that fit the
 * text written (up to 60 characters). Text longer than a cell holds
 * (32,767 characters) is cut. */
#ifndef MINQING_XLSX_OUT_H
#define MINQING_XLSX_OUT_H

#include <stddef.h>

#include "minqing/core/date.h"
#include "minqing/core/error.h"

struct mq_xlsx;

enum mq_xlsx_kind { MQ_XLSX_TEXT, MQ_XLSX_NUMBER, MQ_XLSX_PERCENT };

/* Starts path; created is the document date. Returns NULL with err filled. */
struct mq_xlsx *mq_xlsx_open(const char *path, mq_day created, struct mq_error *err);
/* Adds a sheet and writes its header row (ncols cells); wrap_col is the
 * column whose text wraps (-1: none). Returns 0 or a negative code. */
int mq_xlsx_sheet(struct mq_xlsx *x, const char *name, const char *const *head, int ncols, int wrap_col,
		  struct mq_error *err);
/* Writes one row of the current sheet: cells[i] (NULL: empty) of lens[i]
 * bytes (lens NULL: NUL-terminated), as kinds[i] (kinds NULL: all text;
 * a number that does not parse is written as text); marked_col gets a
 * yellow fill (-1: none). Returns 0 or a negative code. */
int mq_xlsx_row(struct mq_xlsx *x, const char *const *cells, const size_t *lens, const enum mq_xlsx_kind *kinds,
		int marked_col, struct mq_error *err);
/* Writes the workbook and renames it to its path; frees x either way. */
int mq_xlsx_commit(struct mq_xlsx *x, struct mq_error *err);
/* Drops the workbook (NULL-safe); nothing is left on disk. */
void mq_xlsx_abort(struct mq_xlsx *x);

#endif
