/* ingest_csv.c — the CSV reader (contract sections 1 and 2), on libcsv.
 *
 * The file is read in blocks and handed to libcsv one physical line at a
 * time, which keeps the line where each record starts exact (quoted line
 * breaks included) and lets a broken record be cut off at its line's end
 * so the records after it are still read. GB18030 lines are converted to
 * UTF-8 with iconv before parsing; a byte iconv cannot read becomes 0xFF,
 * which is never valid UTF-8, so the one check of every cell finds bad text
 * (E010) whatever the input's encoding. GB18030 never uses the bytes of
 * comma, quote, CR or LF inside a character, so a line can be converted on
 * its own. */
#include "minqing/ingest.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define READ_BLOCK (1 << 20)
#define MAX_RECORD (16 << 20) /* bytes one record may span before it is cut off */
#define SNIFF_BYTES (1 << 20)

/* ---- rows: one parsed CSV row with its start line ---- */

struct row_reader;
typedef int (*row_fn)(struct row_reader *r, long line, const char *structural,
		      const char *structural_zh, void *ctx);

struct row_reader {
	const char *path;
	FILE *fp;
	struct csv_parser parser;
	iconv_t cd;                  /* (iconv_t)-1 for UTF-8 input */
	struct mq_buf cells;         /* cell bytes, each NUL-terminated */
	size_t *off, *len;           /* per cell */
	size_t ncells, acells;
	struct mq_buf conv;          /* converted line */
	long line;                   /* physical line being fed */
	long rec_line;               /* line where the current record began */
	size_t rec_bytes;
	int nomem;
	int stop;                    /* non-zero: callback asked to stop */
	row_fn fn;
	void *ctx;
	long long bytes_read;
	const struct mq_ingest_opts *opts;
	void *opts_ctx;
};

static void on_cell(void *s, size_t len, void *data)
{
	struct row_reader *r = data;
	if (r->ncells == r->acells) {
		size_t n = r->acells ? r->acells * 2 : 32;
		size_t *o = realloc(r->off, n * sizeof *o), *l;
		if (!o) {
			r->nomem = 1;
			return;
		}
		r->off = o;
		l = realloc(r->len, n * sizeof *l);
		if (!l) {
			r->nomem = 1;
			return;
		}
		r->len = l;
		r->acells = n;
	}
	r->off[r->ncells] = r->cells.len;
	r->len[r->ncells] = len;
	r->ncells++;
	if (mq_buf_add(&r->cells, s ? s : "", s ? len : 0) || mq_buf_addc(&r->cells, '\0'))
		r->nomem = 1;
}

static void emit(struct row_reader *r, const char *structural, const char *structural_zh)
{
	if (!r->stop && !r->nomem)
		r->stop = r->fn(r, r->rec_line, structural, structural_zh, r->ctx);
	r->ncells = 0;
	mq_buf_reset(&r->cells);
	r->rec_bytes = 0;
}

static void on_row(int c, void *data)
{
	(void)c;
	emit(data, NULL, NULL);
}

/* Cell i of the current row. */
static const char *cell(const struct row_reader *r, size_t i) { return r->cells.data + r->off[i]; }

/* Hands over a record the parser could not finish, with the part of the
 * open field it holds (up to a spreadsheet cell's worth) as its last cell. */
#define KEEP_OPEN_FIELD 32767
static void cut_record(struct row_reader *r, const char *msg, const char *msg_zh)
{
	size_t n = r->parser.entry_pos < KEEP_OPEN_FIELD ? r->parser.entry_pos : KEEP_OPEN_FIELD;
	if (n)
		on_cell(r->parser.entry_buf, n, r);
	emit(r, msg, msg_zh);
}

static int reset_parser(struct row_reader *r)
{
	csv_free(&r->parser);
	if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI))
		return -1;
	return 0;
}

/* Converts one GB18030 line to UTF-8 into r->conv, 0xFF for unreadable bytes. */
static int convert_line(struct row_reader *r, const char *s, size_t n)
{
	mq_buf_reset(&r->conv);
	char *in = (char *)s;
	size_t inleft = n;
	iconv(r->cd, NULL, NULL, NULL, NULL);
	while (inleft) {
		char out[4096], *op = out;
		size_t outleft = sizeof out;
		size_t rc = iconv(r->cd, &in, &inleft, &op, &outleft);
		int e = errno;
		if (mq_buf_add(&r->conv, out, (size_t)(op - out)))
			return -1;
		if (rc == (size_t)-1 && e != E2BIG) {
			/* EILSEQ or EINVAL (truncated at line end): mark and skip one byte */
			if (mq_buf_addc(&r->conv, (char)0xFF))
				return -1;
			in++;
			inleft--;
		}
	}
	return 0;
}

static const char *const MSG_AFTER_QUOTE = "characters after a closing quote";
static const char *const MSG_AFTER_QUOTE_ZH = "引号结束后还有字符";
static const char *const MSG_STRAY_QUOTE = "quote inside an unquoted field";
static const char *const MSG_STRAY_QUOTE_ZH = "未加引号的字段中出现引号";

/* Feeds one physical line (with its terminator) to libcsv. */
static int feed_line(struct row_reader *r, const char *s, size_t n)
{
	if (r->cd != (iconv_t)-1) {
		if (convert_line(r, s, n))
			return MQ_ERR_NOMEM;
		s = r->conv.data ? r->conv.data : "";
		n = r->conv.len;
	}
	if (r->parser.pstate == 0)
		r->rec_line = r->line;
	r->rec_bytes += n;
	size_t done = csv_parse(&r->parser, s, n, on_cell, on_row, r);
	if (r->nomem)
		return MQ_ERR_NOMEM;
	if (done < n && csv_error(&r->parser) == CSV_EPARSE) {
		/* the rest of this physical line belongs to the broken record */
		int stray = s[done] == '"' && !r->parser.quoted;
		emit(r, stray ? MSG_STRAY_QUOTE : MSG_AFTER_QUOTE,
		     stray ? MSG_STRAY_QUOTE_ZH : MSG_AFTER_QUOTE_ZH);
		if (reset_parser(r))
			return MQ_ERR_NOMEM;
	} else if (done < n) {
		return MQ_ERR_NOMEM;
	} else if (r->parser.pstate != 0 && r->rec_bytes > MAX_RECORD) {
		cut_record(r, "record longer than 16 MB (an unterminated quote?)",
			   "记录超过16MB（引号未闭合？）");
		if (reset_parser(r))
			return MQ_ERR_NOMEM;
	}
	return 0;
}

static void sniff_encoding(const unsigned char *s, size_t n, enum mq_encoding *enc)
{
	/* Valid multibyte UTF-8 sequences outnumber invalid bytes by far in a
	 * UTF-8 file, even one with a few damaged cells; in GB18030 text they
	 * almost never occur. */
	size_t good = 0, bad = 0, i = 0;
	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		int k = mq_utf8_decode((const char *)s + i, n - i, &cp);
		if (k) {
			good++;
			i += (size_t)k;
		} else {
			if (n - i >= 4)
				bad++;
			i++;
		}
	}
	*enc = bad > good ? MQ_ENC_GB18030 : MQ_ENC_UTF8;
}

/* Reads the whole file as rows. The first row is a row like any other. */
static int read_rows(const char *path, const struct mq_ingest_opts *opts, row_fn fn, void *ctx,
		     void *opts_ctx, struct mq_ingest_stats *stats, struct mq_error *err)
{
	struct row_reader r = { .path = path, .fn = fn, .ctx = ctx, .cd = (iconv_t)-1, .line = 1,
				.opts = opts, .opts_ctx = opts_ctx };
	struct mq_buf block = { 0 };
	int rc = 0;
	r.cells.cap = MAX_RECORD + 1024;
	r.fp = fopen(path, "rb");
	if (!r.fp)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取输入文件 / cannot read input: %s", strerror(errno));
	if (csv_init(&r.parser, CSV_STRICT | CSV_STRICT_FINI)) {
		fclose(r.fp);
		return mq_fail(err, MQ_ERR_NOMEM, path, 0, "内存不足 / out of memory");
	}
	/* first block: BOM and encoding */
	size_t start = 0, n;
	char *buf = malloc(READ_BLOCK);
	if (!buf) {
		rc = MQ_ERR_NOMEM;
		goto out;
	}
	n = fread(buf, 1, READ_BLOCK, r.fp);
	enum mq_encoding enc = opts ? opts->encoding : MQ_ENC_AUTO;
	int bom = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0;
	if (bom) {
		start = 3;
		if (enc == MQ_ENC_AUTO)
			enc = MQ_ENC_UTF8;
	}
	if (enc == MQ_ENC_AUTO)
		sniff_encoding((unsigned char *)buf, n < SNIFF_BYTES ? n : SNIFF_BYTES, &enc);
	if (enc == MQ_ENC_GB18030) {
		r.cd = iconv_open("UTF-8", "GB18030");
		if (r.cd == (iconv_t)-1) {
			free(buf);
			rc = mq_fail(err, MQ_ERR_IO, path, 0, "系统不支持GB18030转换 / iconv lacks GB18030");
			goto out;
		}
	}
	if (stats) {
		stats->encoding = enc;
		stats->bom = bom;
	}

	/* lines: keep the unfinished tail of each block in `block` */
	for (;;) {
		if (mq_buf_add(&block, buf + start, n - start)) {
			free(buf);
			rc = MQ_ERR_NOMEM;
			goto out;
		}
		r.bytes_read += (long long)n;
		start = 0;
		size_t pos = 0;
		char *nl;
		while (!r.stop && (nl = memchr(block.data + pos, '\n', block.len - pos))) {
			size_t len = (size_t)(nl - (block.data + pos)) + 1;
			if ((rc = feed_line(&r, block.data + pos, len)))
				break;
			pos += len;
			r.line++;
		}
		if (rc || r.stop)
			break;
		memmove(block.data, block.data + pos, block.len - pos);
		block.len -= pos;
		if (block.len > MAX_RECORD) {
			/* one line without a line break this long: cut it off */
			if ((rc = feed_line(&r, block.data, block.len)))
				break;
			if (r.parser.pstate != 0) {
				cut_record(&r, "line longer than 16 MB", "一行超过16MB");
				if (reset_parser(&r)) {
					rc = MQ_ERR_NOMEM;
					break;
				}
			}
			block.len = 0;
		}
		if (opts && opts->progress)
			opts->progress(r.bytes_read, r.opts_ctx);
		if (n < READ_BLOCK)
			break;
		n = fread(buf, 1, READ_BLOCK, r.fp);
		if (n == 0)
			break;
	}
	free(buf);
	if (!rc && ferror(r.fp))
		rc = mq_fail(err, MQ_ERR_IO, path, 0, "读取输入文件出错 / read error");
	if (!rc && !r.stop) {
		if (block.len)
			rc = feed_line(&r, block.data, block.len);
		if (!rc && !r.stop && csv_fini(&r.parser, on_cell, on_row, &r))
			cut_record(&r, "unterminated quote", "引号未闭合");
		if (!rc && r.nomem)
			rc = MQ_ERR_NOMEM;
	}
out:
	if (rc == MQ_ERR_NOMEM)
		mq_fail(err, rc, path, r.line, "内存不足 / out of memory");
	if (stats)
		stats->bytes = r.bytes_read;
	if (r.cd != (iconv_t)-1)
		iconv_close(r.cd);
	csv_free(&r.parser);
	fclose(r.fp);
	free(r.off);
	free(r.len);
	mq_buf_free(&r.cells);
	mq_buf_free(&r.conv);
	mq_buf_free(&block);
	if (rc)
		return rc;
	return r.stop;
}

static int row_is_blank(const struct row_reader *r)
{
	for (size_t i = 0; i < r->ncells; i++) {
		const char *t;
		if (mq_trim(cell(r, i), r->len[i], &t))
			return 0;
	}
	return 1;
}

/* ---- visit records ---- */

struct visit_reader {
	const char *source;
	const struct mq_ingest_opts *opts;
	mq_record_fn fn;
	void *ctx;
	struct mq_ingest_stats *stats;
	int have_header;
	size_t ncols;
	int *col_field;             /* column -> field or -1 */
	struct mq_buf header_bytes;
	const char **headers;
	const char **cellp;
};

static int take_header(struct visit_reader *v, struct row_reader *r)
{
	v->ncols = r->ncells;
	v->col_field = malloc((v->ncols ? v->ncols : 1) * sizeof *v->col_field);
	v->headers = malloc((v->ncols ? v->ncols : 1) * sizeof *v->headers);
	if (!v->col_field || !v->headers ||
	    mq_buf_add(&v->header_bytes, r->cells.data, r->cells.len))
		return MQ_ERR_NOMEM;
	for (size_t i = 0; i < v->ncols; i++) {
		const char *h;
		size_t hl = mq_trim(cell(r, i), r->len[i], &h);
		v->headers[i] = v->header_bytes.data + r->off[i];
		v->col_field[i] = mq_field_lookup(h, hl);
		if (v->col_field[i] < 0 && v->opts && v->opts->unknown_column)
			v->opts->unknown_column(v->source, v->headers[i], v->ctx);
	}
	v->have_header = 1;
	return 0;
}

static int on_visit_row(struct row_reader *r, long line, const char *structural,
			const char *structural_zh, void *ctx)
{
	struct visit_reader *v = ctx;
	if (!v->have_header && !structural)
		return take_header(v, r) ? MQ_ERR_NOMEM : 0;
	if (!structural && row_is_blank(r)) {
		if (v->stats)
			v->stats->blank_rows++;
		return 0;
	}
	struct mq_raw_record rec = { .source = v->source, .line = line };
	char msg[96], msg_zh[96];
	if (!structural && r->ncells != v->ncols) {
		snprintf(msg, sizeof msg, "wrong number of cells: %zu, header has %zu", r->ncells, v->ncols);
		snprintf(msg_zh, sizeof msg_zh, "单元格数不对：%zu个，表头有%zu个", r->ncells, v->ncols);
		structural = msg;
		structural_zh = msg_zh;
	}
	rec.structural = structural;
	rec.structural_zh = structural_zh;
	const char **cellp = realloc(v->cellp, (r->ncells ? r->ncells : 1) * sizeof *cellp);
	if (!cellp)
		return MQ_ERR_NOMEM;
	v->cellp = cellp;
	/* the rightmost column of a field wins, so a fixed rejects.csv, whose
	 * leading record_id column repeats 记录编号, imports as edited */
	for (size_t i = 0; i < r->ncells; i++) {
		cellp[i] = cell(r, i);
		int f = i < v->ncols ? v->col_field[i] : -1;
		if (f < 0)
			continue;
		rec.value[f] = cellp[i];
		rec.len[f] = r->len[i];
		rec.bad_text[f] = !mq_utf8_valid(cellp[i], r->len[i]);
	}
	rec.ncells = r->ncells;
	rec.cells = cellp;
	rec.cell_len = r->len;
	rec.headers = v->headers;
	rec.nheaders = v->ncols;
	if (v->stats)
		v->stats->records++;
	return v->fn(&rec, v->ctx);
}

int mq_ingest_csv(const char *path, const struct mq_ingest_opts *opts,
		  mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats,
		  struct mq_error *err)
{
	const char *slash = strrchr(path, '/');
	struct visit_reader v = { .source = slash ? slash + 1 : path, .opts = opts, .fn = fn,
				  .ctx = ctx, .stats = stats };
	int rc = read_rows(path, opts, on_visit_row, &v, ctx, stats, err);
	if (rc == MQ_ERR_NOMEM)
		mq_fail(err, rc, path, 0, "内存不足 / out of memory");
	free(v.col_field);
	free(v.headers);
	free(v.cellp);
	mq_buf_free(&v.header_bytes);
	return rc;
}

/* ---- reference files ---- */

struct ref_reader {
	const char *path;
	const struct mq_ref_column *cols;
	int ncols;
	int *col_of;               /* reference column -> CSV column or -1 */
	int have_header;
	mq_ref_row_fn fn;
	void *ctx;
	struct mq_error *err;
	const char **cells;
	size_t *lens;
};

static int ref_header(struct ref_reader *rr, struct row_reader *r)
{
	for (int c = 0; c < rr->ncols; c++) {
		rr->col_of[c] = -1;
		for (size_t i = 0; i < r->ncells; i++) {
			const char *h;
			size_t hl = mq_trim(cell(r, i), r->len[i], &h);
			const char *names[] = { rr->cols[c].name, rr->cols[c].zh, rr->cols[c].zh2 };
			for (int k = 0; k < 3; k++)
				if (names[k] && strlen(names[k]) == hl && strncasecmp(names[k], h, hl) == 0)
					rr->col_of[c] = (int)i;
		}
		if (rr->col_of[c] < 0 && rr->cols[c].required)
			return mq_fail(rr->err, MQ_ERR_FORMAT, rr->path, 1,
				       "缺少列“%s”（%s）/ missing column \"%s\"", rr->cols[c].zh,
				       rr->cols[c].name, rr->cols[c].name);
	}
	rr->have_header = 1;
	return 0;
}

static int on_ref_row(struct row_reader *r, long line, const char *structural,
		      const char *structural_zh, void *ctx)
{
	struct ref_reader *rr = ctx;
	if (structural)
		return mq_fail(rr->err, MQ_ERR_FORMAT, rr->path, line, "%s / %s", structural_zh, structural);
	if (!rr->have_header)
		return ref_header(rr, r);
	if (row_is_blank(r))
		return 0;
	for (int c = 0; c < rr->ncols; c++) {
		int i = rr->col_of[c];
		const char *s = "";
		size_t n = 0;
		if (i >= 0 && (size_t)i < r->ncells) {
			if (!mq_utf8_valid(cell(r, (size_t)i), r->len[i]))
				return mq_fail(rr->err, MQ_ERR_FORMAT, rr->path, line,
					       "列“%s”含有无效字符 / invalid text in column \"%s\"",
					       rr->cols[c].zh, rr->cols[c].name);
			n = mq_trim(cell(r, (size_t)i), r->len[i], &s);
		}
		if (!n && rr->cols[c].required)
			return mq_fail(rr->err, MQ_ERR_FORMAT, rr->path, line,
				       "“%s”为空 / \"%s\" is empty", rr->cols[c].zh, rr->cols[c].name);
		rr->cells[c] = s;
		rr->lens[c] = n;
	}
	return rr->fn(rr->cells, rr->lens, line, rr->ctx);
}

int mq_read_reference(const char *path, const struct mq_ref_column *cols, int ncols,
		      mq_ref_row_fn fn, void *ctx, struct mq_error *err)
{
	struct ref_reader rr = { .path = path, .cols = cols, .ncols = ncols, .fn = fn, .ctx = ctx,
				 .err = err };
	rr.col_of = calloc((size_t)ncols, sizeof *rr.col_of);
	rr.cells = calloc((size_t)ncols, sizeof *rr.cells);
	rr.lens = calloc((size_t)ncols, sizeof *rr.lens);
	int rc;
	if (!rr.col_of || !rr.cells || !rr.lens)
		rc = mq_fail(err, MQ_ERR_NOMEM, path, 0, "内存不足 / out of memory");
	else
		rc = read_rows(path, NULL, on_ref_row, &rr, NULL, NULL, err);
	if (rc > 0) /* a row callback's error code travels back positive-free */
		rc = MQ_ERR_FORMAT;
	if (!rc && !rr.have_header)
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0, "文件为空 / the file is empty");
	free(rr.col_of);
	free(rr.cells);
	free(rr.lens);
	return rc;
}
