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
	struct mq_visit_reader r;   /* source, callbacks and the header's columns */
	int found;                  /* the header row is taken */
	int valid_text;             /* every cell is valid UTF-8 already */
	const char **cells;         /* a record's cells, header width at least */
	size_t *lens;
	size_t acells;
};

struct mq_sheet_rows *mq_sheet_rows_new(const char *source, const struct mq_ingest_opts *opts,
					mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, int valid_text)
{
	struct mq_sheet_rows *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	*s = (struct mq_sheet_rows){ .r = { .source = source, .opts = opts, .fn = fn, .ctx = ctx, .stats = stats,
					    .header_bytes = MQ_BUF_INIT },
				     .valid_text = valid_text };
	return s;
}

int mq_sheet_rows_end(struct mq_sheet_rows *s, int rc)
{
	const struct mq_visit_reader *v = &s->r;
	if (!rc && !s->found && v->opts && v->opts->sheet)
		rc = v->opts->sheet(v->source, "前10行中没有可识别的表头（至少5个字段名），未读取",
				    "no header row (5 or more field names) in the first 10 rows, not read", v->ctx);
	mq_visit_reader_free(&s->r);
	free(s->cells);
	free(s->lens);
	free(s);
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

int mq_sheet_row(struct mq_sheet_rows *s, long line, const char *const *cells, const size_t *lens,
		 size_t ncells)
{
	if (!s->found) {
		if (line > HEADER_ROWS || count_fields(cells, lens, ncells) < HEADER_MIN_FIELDS)
			return 0;
		int rc = mq_visit_header(&s->r, cells, lens, ncells, 0);
		s->found = !rc;
		if (!rc && s->r.opts && s->r.opts->sheet)
			rc = s->r.opts->sheet(s->r.source, NULL, NULL, s->r.ctx);
		return rc;
	}
	/* the cells a record keeps: the header's width, and any cell past it with text */
	size_t n = s->r.ncols, last = ncells;
	const char *t;
	while (last && !(cells[last - 1] && mq_trim(cells[last - 1], lens[last - 1], &t)))
		last--;                      /* from the right: one trim a row when the last cell has text */
	if (!last) {
		if (s->r.stats)
			s->r.stats->blank_rows++;
		return 0;
	}
	if (last > n)
		n = last;
	if (n > s->acells &&
	    mq_resize_pair((void **)&s->cells, sizeof *s->cells, (void **)&s->lens, sizeof *s->lens, &s->acells, n * 2))
		return MQ_ERR_NOMEM;
	struct mq_raw_record rec = { .source = s->r.source, .line = line };
	for (size_t i = 0; i < n; i++) {
		int has = i < ncells && cells[i];
		s->cells[i] = has ? cells[i] : "";
		s->lens[i] = has ? lens[i] : 0;
		int f = i < s->r.ncols ? s->r.col_field[i] : -1;
		if (f >= 0 && has) {
			/* the rightmost column of a field wins, as in CSV */
			rec.value[f] = cells[i];
			rec.len[f] = lens[i];
			rec.bad_text[f] = !s->valid_text && !mq_utf8_valid(cells[i], lens[i]);
		}
	}
	rec.ncells = n;
	rec.cells = s->cells;
	rec.cell_len = s->lens;
	rec.headers = s->r.headers;
	rec.nheaders = s->r.ncols;
	if (s->r.stats)
		s->r.stats->records++;
	return s->r.fn(&rec, s->r.ctx);
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

