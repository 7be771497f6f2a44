/* sheet.c — the rows of a worksheet turned into records, for every
 * workbook reader (README "Workbooks").
 *
 * A sheet's header is the first row among its first 10 that names at
 * least 5 contract fields; rows above it (a 登记表's title, a date line)
 * are not records. Each later row is one record whose line is the sheet's
 * row number; a row whose cells are all empty is a blank row. A workbook
 * row has no "wrong number of cells": Excel leaves empty cells out. */
#include "minqing/core/buf.h"
#include "minqing/core/utf8.h"
#include "ingest_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_ROWS 10     /* the header is among a sheet's first rows */
#define HEADER_MIN_FIELDS 5

struct mq_sheet_rows {
	const char *source;
	const struct mq_ingest_opts *opts;
	mq_record_fn fn;
	void *ctx;
	struct mq_ingest_stats *stats;
	int found;
	size_t ncols;
	int *col_field;
	struct mq_buf header_bytes;
	const char **headers;
	const char **cells;         /* a record's cells, header width at least */
	size_t *lens;
	size_t acells;
};

struct mq_sheet_rows *mq_sheet_rows_new(const char *source, const struct mq_ingest_opts *opts,
					mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats)
{
	struct mq_sheet_rows *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	*s = (struct mq_sheet_rows){ .source = source, .opts = opts, .fn = fn, .ctx = ctx, .stats = stats,
				     .header_bytes = MQ_BUF_INIT };
	return s;
}

static void sheet_rows_free(struct mq_sheet_rows *s)
{
	if (!s)
		return;
	free(s->col_field);
	free(s->headers);
	free(s->cells);
	free(s->lens);
	mq_buf_free(&s->header_bytes);
	free(s);
}

int mq_sheet_rows_end(struct mq_sheet_rows *s, int rc)
{
	if (!rc && !s->found && s->opts && s->opts->sheet)
		rc = s->opts->sheet(s->source, "前10行中没有可识别的表头（至少5个字段名），未读取",
				    "no header row (5 or more field names) in the first 10 rows, not read", s->ctx);
	sheet_rows_free(s);
	return rc;
}

static int count_fields(const char *const *cells, const size_t *lens, size_t n)
{
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *h;
		size_t hl = cells[i] ? mq_trim(cells[i], lens[i], &h) : 0;
		k += hl && mq_field_lookup(h, hl) >= 0;
	}
	return k;
}

static int take_header(struct mq_sheet_rows *s, const char *const *cells, const size_t *lens, size_t n)
{
	s->ncols = n;
	s->col_field = malloc((n ? n : 1) * sizeof *s->col_field);
	s->headers = malloc((n ? n : 1) * sizeof *s->headers);
	size_t *off = malloc((n ? n : 1) * sizeof *off);
	int rc = !s->col_field || !s->headers || !off ? MQ_ERR_NOMEM : 0;
	for (size_t i = 0; !rc && i < n; i++) {
		off[i] = s->header_bytes.len;
		rc = mq_buf_add(&s->header_bytes, cells[i] ? cells[i] : "", cells[i] ? lens[i] : 0) ||
		     mq_buf_addc(&s->header_bytes, '\0') ? MQ_ERR_NOMEM : 0;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		const char *h;
		s->headers[i] = s->header_bytes.data + off[i];
		size_t hl = mq_trim(s->headers[i], strlen(s->headers[i]), &h);
		s->col_field[i] = hl ? mq_field_lookup(h, hl) : -1;
		if (s->col_field[i] < 0 && hl && s->opts && s->opts->unknown_column)
			s->opts->unknown_column(s->source, s->headers[i], s->ctx);
	}
	free(off);
	s->found = !rc;
	return rc;
}

int mq_sheet_row(struct mq_sheet_rows *s, long line, const char *const *cells, const size_t *lens,
		 size_t ncells)
{
	if (!s->found) {
		if (line > HEADER_ROWS || count_fields(cells, lens, ncells) < HEADER_MIN_FIELDS)
			return 0;
		int rc = take_header(s, cells, lens, ncells);
		if (!rc && s->opts && s->opts->sheet)
			rc = s->opts->sheet(s->source, NULL, NULL, s->ctx);
		return rc;
	}
	/* the cells a record keeps: the header's width, and any cell past it with text */
	size_t n = s->ncols, last = ncells;
	const char *t;
	while (last && !(cells[last - 1] && mq_trim(cells[last - 1], lens[last - 1], &t)))
		last--;                      /* from the right: one trim a row when the last cell has text */
	if (!last) {
		if (s->stats)
			s->stats->blank_rows++;
		return 0;
	}
	if (last > n)
		n = last;
	if (n > s->acells &&
	    mq_resize_pair((void **)&s->cells, sizeof *s->cells, (void **)&s->lens, sizeof *s->lens, &s->acells, n * 2))
		return MQ_ERR_NOMEM;
	struct mq_raw_record rec = { .source = s->source, .line = line };
	for (size_t i = 0; i < n; i++) {
		int has = i < ncells && cells[i];
		s->cells[i] = has ? cells[i] : "";
		s->lens[i] = has ? lens[i] : 0;
		int f = i < s->ncols ? s->col_field[i] : -1;
		if (f >= 0 && has) {
			/* the rightmost column of a field wins, as in CSV */
			rec.value[f] = cells[i];
			rec.len[f] = lens[i];
			rec.bad_text[f] = !mq_utf8_valid(cells[i], lens[i]);
		}
	}
	rec.ncells = n;
	rec.cells = s->cells;
	rec.cell_len = s->lens;
	rec.headers = s->headers;
	rec.nheaders = s->ncols;
	if (s->stats)
		s->stats->records++;
	return s->fn(&rec, s->ctx);
}

/* Excel's General format, which shows at most 15 significant digits. */
void mq_sheet_general(double v, char out[40])
{
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(out, 40, "%.0f", v);
	} else {
		snprintf(out, 40, "%.15g", v);
		char *e = strchr(out, 'e');
		if (e)
			*e = 'E';
	}
	if (strcmp(out, "-0") == 0)
		strcpy(out, "0");
}

