/* xls.c — the legacy .xls workbook reader (BIFF, Excel 97-2003), on FreeXL.
 * The same sheet, header, date and number rules as .xlsx (sheet.c): FreeXL
 * gives date cells as YYYY-MM-DD already and numbers as doubles, shown
 * here as Excel's General format does. FreeXL reads a file by its path
 * and does not tell hidden sheets apart: every sheet is read. */
#include "minqing/core/buf.h"
#include "ingest_internal.h"

#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int refuse_xls(const char *path, struct mq_error *err, int encrypted)
{
	if (encrypted)
		return mq_fail(err, MQ_ERR_FORMAT, path, 0,
			       "是加密（设有密码）的工作簿，无法读取；请在 Excel/WPS 中去掉密码后另存为 .xlsx / an encrypted "
			       "(password-protected) workbook: remove the password in Excel/WPS and save it as .xlsx");
	return mq_fail(err, MQ_ERR_FORMAT, path, 0,
		       "看起来是旧版 Office 文件（.xls/.et），但无法读取；请在 Excel/WPS 中另存为 .xlsx 或 CSV 后再试 / "
		       "looks like a legacy Office file (.xls, WPS .et) that cannot be read: save it as .xlsx or CSV "
		       "and try again");
}

/* A row's scratch, one entry a column: where the cell's text starts in the
 * row buffer ((size_t)-1: empty), its length, the pointers handed on. */
struct row_cols {
	size_t *off, *len;
	const char **cells;
	size_t aoff, alen, acells;
};

static int read_sheet(const void *h, unsigned idx, struct mq_sheet_rows *sr, struct mq_buf *row,
		      struct row_cols *scratch)
{
	unsigned rows;
	unsigned short cols;
	if (freexl_select_active_worksheet(h, (unsigned short)idx) != FREEXL_OK ||
	    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
		return MQ_ERR_FORMAT;
	if (mq_grow((void **)&scratch->off, &scratch->aoff, cols, sizeof *scratch->off) ||
	    mq_grow((void **)&scratch->len, &scratch->alen, cols, sizeof *scratch->len) ||
	    mq_grow((void **)&scratch->cells, &scratch->acells, cols, sizeof *scratch->cells))
		return MQ_ERR_NOMEM;
	size_t *off = scratch->off, *len = scratch->len;
	for (unsigned r = 0; r < rows; r++) {
		mq_buf_reset(row);
		for (unsigned short c = 0; c < cols; c++) {
			FreeXL_CellValue v;
			char num[40];
			const char *s = NULL;
			off[c] = (size_t)-1;
			if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK)
				continue;
			switch (v.type) {
			case FREEXL_CELL_INT:
				snprintf(num, sizeof num, "%d", v.value.int_value);
				s = num;
				break;
			case FREEXL_CELL_DOUBLE:
				mq_sheet_general(v.value.double_value, num);
				s = num;
				break;
			case FREEXL_CELL_TEXT:
			case FREEXL_CELL_SST_TEXT:
			case FREEXL_CELL_TIME:
				s = v.value.text_value;
				break;
			case FREEXL_CELL_DATE:
			case FREEXL_CELL_DATETIME:
				snprintf(num, sizeof num, "%.10s", v.value.text_value);   /* the date part */
				s = num;
				break;
			}
			if (!s || !*s)
				continue;
			off[c] = row->len;
			len[c] = strlen(s);
			if (mq_buf_add(row, s, strlen(s) + 1))
				return MQ_ERR_NOMEM;
		}
		for (unsigned short c = 0; c < cols; c++)
			scratch->cells[c] = off[c] == (size_t)-1 ? NULL : row->data + off[c];
		int rc = mq_sheet_row(sr, (long)r + 1, scratch->cells, len, cols);
		if (rc)
			return rc;
	}
	return 0;
}

int mq_ingest_xls(const char *path, const char *source_name, const struct mq_ingest_opts *opts,
		  mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err)
{
	const void *h = NULL;
	/* FreeXL 1.0.6 answers OK without a workbook when a cell's text spans
	 * BIFF records (a cell of more than about 8,000 bytes) */
	if (freexl_open(path, &h) != FREEXL_OK || !h) {
		if (h)
			freexl_close(h);
		return refuse_xls(source_name, err, 0);
	}
	unsigned info = 0, nsheets = 0;
	if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK && info == FREEXL_BIFF_OBFUSCATED) {
		freexl_close(h);
		return refuse_xls(source_name, err, 1);
	}
	freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &nsheets);
	const char *slash = strrchr(source_name, '/');
	const char *base = slash ? slash + 1 : source_name;
	struct mq_buf row = MQ_BUF_INIT, source = MQ_BUF_INIT;
	struct row_cols scratch = {0};
	int rc = 0;
	for (unsigned i = 0; !rc && i < nsheets; i++) {
		const char *name = NULL;
		if (freexl_get_worksheet_name(h, (unsigned short)i, &name) != FREEXL_OK)
			name = "?";
		mq_buf_reset(&source);
		if (mq_buf_printf(&source, "%s:%s", base, name)) {
			rc = MQ_ERR_NOMEM;
			break;
		}
		struct mq_sheet_rows *sr = mq_sheet_rows_new(source.data, opts, fn, ctx, stats, 0);
		if (!sr) {
			rc = MQ_ERR_NOMEM;
			break;
		}
		rc = read_sheet(h, i, sr, &row, &scratch);
		if (rc == MQ_ERR_FORMAT)
			rc = refuse_xls(source_name, err, 0);
		rc = mq_sheet_rows_end(sr, rc);
	}
	if (rc == MQ_ERR_NOMEM)
		mq_fail_nomem(err, source_name, 0);
	if (stats) {
		stats->encoding = MQ_ENC_UTF8;
		stats->format = "XLS";
	}
	freexl_close(h);
	mq_buf_free(&row);
	mq_buf_free(&source);
	free(scratch.off);
	free(scratch.len);
	free(scratch.cells);
	return rc;
}
