/* csv_out.h — writing CSV (RFC 4180) cells and rows. */
#ifndef MINQING_CORE_CSV_OUT_H
#define MINQING_CORE_CSV_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"

/* CSV writing (RFC 4180, rows end in CRLF): a cell is quoted when it holds
 * a comma, quote, CR or LF, or starts or ends with white space. */
void mq_csv_cell(FILE *fp, const char *s, int first); /* s NULL = empty */
void mq_csv_cell_n(FILE *fp, const char *s, size_t len, int first);
/* The same cell appended to a buffer (for writers that build whole rows);
 * 0 or the buffer's error. */
int mq_csv_cell_buf(struct mq_buf *b, const char *s, size_t len, int first);
/* 1 when the cell s[0..len) starts or ends with white space, which
 * readers would trim: it is then quoted. */
int mq_csv_space_at_ends(const char *s, size_t len);
/* 1 when s[0..len), cells joined by commas unquoted, holds exactly
 * `commas` commas and no quote, CR or LF: none of its cells then needs
 * quoting but for white space at its ends (one pass for a whole row). */
int mq_csv_joined_plain(const char *s, size_t len, size_t commas);
void mq_csv_end(FILE *fp);                              /* ends the row */
void mq_csv_row(FILE *fp, const char *const *cells, size_t n);
/* n cells, none the first of its row (NULL = empty). */
void mq_csv_cells(FILE *fp, const char *const *cells, size_t n);
/* Writes the UTF-8 BOM when bom is set. */
void mq_csv_bom(FILE *fp, int bom);
/* Opens path as an atomic output (files.h mq_out_open; the caller commits
 * or aborts o), then writes the BOM when bom is set and the header row of
 * n cells (none when n is 0). 0 or mq_out_open's error, err filled. */
int mq_csv_open(struct mq_out *o, const char *path, int bom, const char *const *head, size_t n,
		struct mq_error *err);

#endif
