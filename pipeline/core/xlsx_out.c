/* xlsx_out.c — simple workbooks on libxlsxwriter (xlsx_out.h). */
#include "minqing/core/buf.h"
#include "minqing/core/files.h"
#include "minqing/core/xlsx_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define CELL_MAX_CHARS 32767
#define WIDTH_MAX 60

struct mq_xlsx {
	char *path, *tmp;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head, *wrap, *marked, *marked_wrap, *percent;
	int ncols, wrap_col;
	lxw_row_t row;
	double width[512];      /* per column of the current sheet, in characters */
	struct mq_buf cut;
	int failed;
};

/* Display width: CJK and other wide characters count two. */
static double text_width(const char *s, size_t n)
{
	double w = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80)
			w += 1;
		else if (c >= 0xC0)
			w += c >= 0xE0 ? 2 : 1;
	}
	return w;
}

static void finish_sheet(struct mq_xlsx *x)
{
	if (!x->ws)
		return;
	for (int i = 0; i < x->ncols && i < 512; i++) {
		double w = x->width[i] + 2;
		if (i == x->wrap_col || w > WIDTH_MAX)
			w = WIDTH_MAX;
		worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
	}
	if (x->ncols)
		worksheet_autofilter(x->ws, 0, 0, x->row ? x->row - 1 : 0, (lxw_col_t)(x->ncols - 1));
}

struct mq_xlsx *mq_xlsx_open(const char *path, mq_day created, struct mq_error *err)
{
	struct mq_xlsx *x = calloc(1, sizeof *x);
	size_t n = strlen(path) + 32;
	if (x) {
		mq_buf_init(&x->cut);
		x->path = strdup(path);
		x->tmp = malloc(n);
	}
	if (!x || !x->path || !x->tmp) {
		mq_xlsx_abort(x);
		mq_fail_nomem(err, path, 0);
		return NULL;
	}
	snprintf(x->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	lxw_workbook_options o = { .constant_memory = LXW_TRUE };
	x->wb = workbook_new_opt(x->tmp, &o);
	if (!x->wb) {
		mq_xlsx_abort(x);
		mq_fail(err, MQ_ERR_IO, path, 0, "无法写入文件 / cannot write file");
		return NULL;
	}
	int y, m, d;
	mq_day_to_ymd(created, &y, &m, &d);
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	lxw_doc_properties props = { .created = timegm(&tm) };
	workbook_set_properties(x->wb, &props);
	x->head = workbook_add_format(x->wb);
	format_set_bold(x->head);
	format_set_bg_color(x->head, 0xDDEBF7);
	format_set_num_format(x->head, "@");
	x->wrap = workbook_add_format(x->wb);
	format_set_text_wrap(x->wrap);
	format_set_num_format(x->wrap, "@");
	x->marked = workbook_add_format(x->wb);
	format_set_bg_color(x->marked, 0xFFEB84);
	format_set_num_format(x->marked, "@");
	x->marked_wrap = workbook_add_format(x->wb);
	format_set_bg_color(x->marked_wrap, 0xFFEB84);
	format_set_text_wrap(x->marked_wrap);
	format_set_num_format(x->marked_wrap, "@");
	x->percent = workbook_add_format(x->wb);
	format_set_num_format(x->percent, "0.0%");
	return x;
}

int mq_xlsx_sheet(struct mq_xlsx *x, const char *name, const char *const *head, int ncols, int wrap_col,
		  struct mq_error *err)
{
	finish_sheet(x);
	x->ws = workbook_add_worksheet(x->wb, name);
	if (!x->ws)
		return mq_fail(err, MQ_ERR_IO, x->path, 0, "无法写入工作表 / cannot add sheet %s", name);
	x->ncols = ncols;
	x->wrap_col = wrap_col;
	x->row = 0;
	memset(x->width, 0, sizeof x->width);
	worksheet_freeze_panes(x->ws, 1, 0);
	for (int i = 0; i < ncols; i++) {
		lxw_error e = worksheet_write_string(x->ws, 0, (lxw_col_t)i, head[i], x->head);
		if (e != LXW_NO_ERROR)
			return mq_fail(err, MQ_ERR_IO, x->path, 0, "无法写入工作簿 / cannot write workbook: %s",
				       lxw_strerror(e));
		if (i < 512)
			x->width[i] = text_width(head[i], strlen(head[i])) + 3;   /* room for the filter button */
	}
	x->row = 1;
	return 0;
}

/* s cut to what a cell holds, NUL-terminated (in x->cut when copied). */
static const char *cell_text(struct mq_xlsx *x, const char *s, size_t n)
{
	size_t chars = 0, i = 0;
	while (i < n && chars < CELL_MAX_CHARS) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	mq_buf_reset(&x->cut);
	if (mq_buf_add(&x->cut, s, i))
		return NULL;
	return x->cut.data;
}

int mq_xlsx_row(struct mq_xlsx *x, const char *const *cells, const size_t *lens, const enum mq_xlsx_kind *kinds,
		int marked_col, struct mq_error *err)
{
	for (int i = 0; i < x->ncols; i++) {
		lxw_format *fmt = i == marked_col ? (i == x->wrap_col ? x->marked_wrap : x->marked)
			: i == x->wrap_col ? x->wrap : NULL;
		if (!cells[i]) {
			if (fmt)
				worksheet_write_blank(x->ws, x->row, (lxw_col_t)i, fmt);
			continue;
		}
		size_t n = lens ? lens[i] : strlen(cells[i]);
		enum mq_xlsx_kind k = kinds ? kinds[i] : MQ_XLSX_TEXT;
		lxw_error e;
		if (k != MQ_XLSX_TEXT && n) {
			char *end;
			double v = strtod(cells[i], &end);
			if (end == cells[i] + n) {
				e = worksheet_write_number(x->ws, x->row, (lxw_col_t)i, v,
							   k == MQ_XLSX_PERCENT ? x->percent : fmt);
				if (i < 512 && text_width(cells[i], n) + 1 > x->width[i])
					x->width[i] = text_width(cells[i], n) + 1;
				if (e != LXW_NO_ERROR)
					goto fail;
				continue;
			}
		}
		const char *t = cell_text(x, cells[i], n);
		if (!t)
			return mq_fail_nomem(err, x->path, 0);
		e = worksheet_write_string(x->ws, x->row, (lxw_col_t)i, t, fmt);
		if (e != LXW_NO_ERROR)
			goto fail;
		double w = text_width(t, strlen(t));
		if (i < 512 && w > x->width[i])
			x->width[i] = w;
		continue;
fail:
		x->failed = 1;
		return mq_fail(err, MQ_ERR_IO, x->path, 0, "无法写入工作簿 / cannot write workbook: %s",
			       lxw_strerror(e));
	}
	x->row++;
	return 0;
}

int mq_xlsx_commit(struct mq_xlsx *x, struct mq_error *err)
{
	finish_sheet(x);
	lxw_error e = workbook_close(x->wb);
	x->wb = NULL;
	int rc = 0;
	if (e != LXW_NO_ERROR) {
		rc = mq_fail(err, MQ_ERR_IO, x->path, 0, "写入文件失败 / writing failed: %s", lxw_strerror(e));
	} else {
		int fd = open(x->tmp, O_RDONLY | O_CLOEXEC);
		int bad = fd < 0 || mq_file_sync(fd, x->tmp) != 0;
		if (fd >= 0)
			close(fd);
		if (bad || rename(x->tmp, x->path))
			rc = mq_fail(err, MQ_ERR_IO, x->path, 0, "写入文件失败 / writing failed: %s", strerror(errno));
	}
	mq_xlsx_abort(x);
	return rc;
}

void mq_xlsx_abort(struct mq_xlsx *x)
{
	if (!x)
		return;
	if (x->wb) {
		/* libxlsxwriter frees only by writing: write, then remove */
		workbook_close(x->wb);
	}
	if (x->tmp)
		unlink(x->tmp);
	free(x->path);
	free(x->tmp);
	mq_buf_free(&x->cut);
	free(x);
}
