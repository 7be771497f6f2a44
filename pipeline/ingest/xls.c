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

static int read_sheet(const void *h, unsigned idx, struct mq_sheet_rows *sr, struct mq_buf *row,
		      size_t **off, size_t **len, const char ***cells, size_t *acols)
{
	unsigned rows;
	unsigned short cols;
	if (freexl_select_active_worksheet(h, (unsigned short)idx) != FREEXL_OK ||
	    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
		return MQ_ERR_FORMAT;
	if (cols > *acols) {
		size_t *o = realloc(*off, cols * sizeof *o);
		if (!o)
			return MQ_ERR_NOMEM;
		*off = o;
		size_t *l = realloc(*len, cols * sizeof *l);
		if (!l)
			return MQ_ERR_NOMEM;
		*len = l;
		const char **c = realloc(*cells, cols * sizeof *c);
		if (!c)
			return MQ_ERR_NOMEM;
		*cells = c;
		*acols = cols;
	}
	for (unsigned r = 0; r < rows; r++) {
		mq_buf_reset(row);
		for (unsigned short c = 0; c < cols; c++) {
			FreeXL_CellValue v;
			char num[40];
			const char *s = NULL;
			(*off)[c] = (size_t)-1;
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
			(*off)[c] = row->len;
			(*len)[c] = strlen(s);
			if (mq_buf_add(row, s, strlen(s) + 1))
				return MQ_ERR_NOMEM;
		}
		for (unsigned short c = 0; c < cols; c++)
			(*cells)[c] = (*off)[c] == (size_t)-1 ? NULL : row->data + (*off)[c];
		int rc = mq_sheet_row(sr, (long)r + 1, *cells, *len, cols);
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
	size_t *off = NULL, *len = NULL, acols = 0;
	const char **cells = NULL;
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
		rc = read_sheet(h, i, sr, &row, &off, &len, &cells, &acols);
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
	free(off);
	free(len);
	free(cells);
	return rc;
}
