/* validate_out.c — the validate stage as a whole: inputs in, accepted.csv,
 * rejects.csv and warnings.csv out (contract sections 3 and 6), the run
 * counts and their summary. */
#include "minqing/check/validate.h"
#include "minqing/core/bgwrite.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/utf8.h"
#include "minqing/core/csv_out.h"
#include "minqing/core/date.h"
#include "minqing/core/files.h"
#include "minqing/core/progress.h"
#include "minqing/core/xlsx_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The cells of a rejects row for rejects.xlsx, collected as rejects.csv
 * is written (the same text). */
#define REJECT_COLS (6 + MQ_NFIELDS + 1)
struct xlsx_row {
	struct mq_buf text;
	size_t off[REJECT_COLS], len[REJECT_COLS];
	int has[REJECT_COLS];
	int n;
};

struct stage {
	const struct mq_stage_opts *opts;
	struct mq_validator *v;
	struct mq_preparer *prep;     /* the CSV reader's thread's */
	struct mq_run_counts *counts;
	struct mq_input_info *input;  /* where records are counted: the file or its sheet */
	int file_index;               /* the input file's entry */
	struct mq_out accepted, rejects, warnings;
	struct mq_xlsx *rejects_xlsx; /* data/rejects.xlsx: the rows of rejects.csv, all text */
	struct xlsx_row xrow;
	struct mq_error xlsx_err;     /* its first failure, reported at the end */
	int xlsx_failed;
	struct mq_buf clean, other;
	struct mq_buf accepted_rows;  /* accepted.csv rows not yet handed to stdio */
	struct mq_bgwrite *accepted_bg; /* writes accepted.csv from the first flush to the
					   commit; NULL: written on this thread */
	/* accepted.csv read back by the duplicate check (values_same): its
	 * bytes before the first row, the row bytes handed to accepted_write
	 * (counted on this thread), how far the file has been flushed for
	 * reading, the file opened for reading (-1: not yet) and a window on
	 * it from back_at; cand: the row of the record compared */
	long long accepted_head, accepted_handed, accepted_flushed, back_at;
	int accepted_rd;
	struct mq_buf back, cand;
	long long bytes_before, bytes_total;
	long long bytes_cur;        /* of the file being read, as its reader last said */
	int cb_rc;                 /* the accepted-callback's stop value */
	int rc;                    /* fatal error inside the record callback */
	struct mq_error *err;
	char unknown_source[512];  /* the input whose unknown columns are being told */
	long unknown_n;            /* how many of them so far */
};

static const char *const REJECT_HEAD[] = { "source", "line", "record_id", "code", "field", "message" };
#define OTHER_CELLS_HEADER "其他列"
#define REJECTS_SHEET "退回记录"

/* Invalid UTF-8 bytes become U+FFFD so the CSVs we write are always text. */
static const char *clean_text(struct mq_buf *b, const char *s, size_t n)
{
	mq_buf_reset(b);
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		int k = (unsigned char)s[i] < 0x80 ? 1 : mq_utf8_decode(s + i, n - i, &cp);
		if (k && s[i] != '\0') {
			mq_buf_add(b, s + i, (size_t)k);
			i += (size_t)k;
		} else {
			mq_buf_adds(b, "\xEF\xBF\xBD");
			i++;
		}
	}
	return b->data;
}

static void row_cell(struct xlsx_row *x, const char *s)
{
	if (!x || x->n >= REJECT_COLS)
		return;
	int i = x->n++;
	x->has[i] = s != NULL;
	x->off[i] = x->text.len;
	x->len[i] = s ? strlen(s) : 0;
	if (s && (mq_buf_add(&x->text, s, x->len[i]) || mq_buf_addc(&x->text, '\0')))
		x->has[i] = 0;
}

/* A CSV cell (first: the row's first) that goes to the workbook row too. */
static void both_cell(FILE *fp, struct xlsx_row *x, const char *s, int first)
{
	mq_csv_cell(fp, s, first);
	row_cell(x, s);
}

static void write_finding_row(FILE *fp, struct mq_buf *scratch, struct xlsx_row *x, const struct mq_raw_record *raw,
			      const char *record_id, size_t idlen, const struct mq_finding *f)
{
	char line[24];
	snprintf(line, sizeof line, "%ld", raw->line);
	both_cell(fp, x, raw->source, 1);
	both_cell(fp, x, line, 0);
	const char *t = "";
	size_t tl = record_id ? mq_trim(record_id, idlen, &t) : 0;
	both_cell(fp, x, clean_text(scratch, t, tl), 0);
	both_cell(fp, x, mq_code_names[f->code], 0);
	both_cell(fp, x, f->field >= 0 ? mq_fields[f->field].name : "", 0);
	struct mq_buf msg = MQ_BUF_INIT;
	mq_buf_printf(&msg, "%s / %s", f->message_zh ? f->message_zh : "", f->message);
	both_cell(fp, x, msg.data, 0);
	mq_buf_free(&msg);
}

static void write_reject(struct stage *st, const struct mq_raw_record *raw, const struct mq_finding *f)
{
	FILE *fp = st->rejects.fp;
	struct xlsx_row *x = st->rejects_xlsx ? &st->xrow : NULL;
	if (x) {
		mq_buf_reset(&x->text);
		x->n = 0;
	}
	write_finding_row(fp, &st->clean, x, raw, raw->value[MQ_F_RECORD_ID], raw->len[MQ_F_RECORD_ID], f);
	for (int k = 0; k < MQ_NFIELDS; k++)
		both_cell(fp, x, raw->value[k] ? clean_text(&st->clean, raw->value[k], raw->len[k]) : NULL, 0);
	/* cells under unknown headers, or past the header, so nothing is lost */
	mq_buf_reset(&st->other);
	for (size_t i = 0; i < raw->ncells; i++) {
		const char *h = i < raw->nheaders ? raw->headers[i] : NULL;
		if (h && mq_field_lookup(h, strlen(h)) >= 0)
			continue;
		if (!raw->cell_len[i])
			continue;
		if (st->other.len)
			mq_buf_adds(&st->other, "\n");
		if (h)
			mq_buf_printf(&st->other, "%s=", h);
		else
			mq_buf_printf(&st->other, "[%zu]=", i + 1);
		mq_buf_add(&st->other, raw->cells[i], raw->cell_len[i]);
	}
	both_cell(fp, x, st->other.len ? clean_text(&st->clean, st->other.data, st->other.len) : NULL, 0);
	mq_csv_end(fp);
	if (x && !st->xlsx_failed) {
		const char *cells[REJECT_COLS];
		for (int i = 0; i < REJECT_COLS; i++)
			cells[i] = i < x->n && x->has[i] ? x->text.data + x->off[i] : NULL;
		/* the field at fault is marked where the clerk edits it */
		int marked = f->field >= 0 ? 6 + f->field : -1;
		if (mq_xlsx_row(st->rejects_xlsx, cells, NULL, NULL, marked, &st->xlsx_err))
			st->xlsx_failed = 1;
	}
}

static void write_warning(struct stage *st, const struct mq_raw_record *raw, const struct mq_finding *f)
{
	write_finding_row(st->warnings.fp, &st->clean, NULL, raw, raw->value[MQ_F_RECORD_ID],
			  raw->len[MQ_F_RECORD_ID], f);
	mq_csv_end(st->warnings.fp);
}

/* accepted.csv is most of what this stage writes: its rows are built in a
 * buffer and go to the file in large writes (one call per megabyte instead
 * of one per cell), on a thread of their own: the records' thread is the
 * one the others wait for. Each hand-over wakes that thread, which then
 * takes a core from the other two for a moment: a megabyte, not less. */
#define ACCEPTED_FLUSH (1 << 20)

static int accepted_write(void *ctx, const char *data, size_t len)
{
	struct stage *st = ctx;
	mq_out_write_big(&st->accepted, data, len); /* errors: at commit */
	return 0;
}

/* Hands the rows over to be written: the last time all of them, else up
 * to the end of the file's last whole block (MQ_OUT_BLOCK), the rest kept
 * for the next time, so the blocks go from the buffer's own memory to the
 * disk. 0 or MQ_ERR_NOMEM. */
static int flush_accepted(struct stage *st, int last)
{
	struct mq_buf *b = &st->accepted_rows;
	size_t keep = last ? 0 : (size_t)((st->accepted_head + st->accepted_handed + (long long)b->len) %
					  (long long)MQ_OUT_BLOCK);
	char tail[MQ_OUT_BLOCK];
	if (keep >= b->len)
		return 0;
	memcpy(tail, b->data + b->len - keep, keep);
	b->len -= keep;
	b->data[b->len] = '\0';
	st->accepted_handed += (long long)b->len;
	if (st->accepted_bg) {
		mq_bgwrite_put(st->accepted_bg, b);
	} else {
		accepted_write(st, b->data, b->len);
		mq_buf_reset(b);
	}
	if (last)
		return 0;
	/* unaligned memory (out of memory for another) is only written by a copy */
	(void)mq_buf_align(b, MQ_OUT_BLOCK, ACCEPTED_FLUSH + ACCEPTED_FLUSH / 4);
	return mq_buf_add(b, tail, keep);
}

/* A plain record's row from its cells as read (raw), when they are its
 * fields in field order, each next to the one before it (ended by a NUL):
 * the runs of cells that are their value untouched (or empty and absent)
 * copied whole, the other values between them, then a comma after each
 * value. 0 when the cells are not so; p has room for the row. */
static size_t row_from_cells(char *p, const struct mq_record *r, const struct mq_raw_record *raw)
{
	if (!raw || !r->plain || raw->ncells != MQ_NFIELDS)
		return 0;
	const char *at = raw->cells[0], *run = at;
	char *q = p;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		size_t n = raw->len[f];
		if (raw->value[f] != at)
			return 0;
		if (r->text[f] ? r->text[f] != at || r->len[f] != n : n != 0) {
			memcpy(q, run, (size_t)(at - run));
			q += at - run;
			if (r->text[f]) /* else a cell of white space only */
				memcpy(q, r->text[f], r->len[f]);
			q += r->len[f] + 1;
			run = at + n + 1;
		}
		at += n + 1;
	}
	memcpy(q, run, (size_t)(at - run));
	q += at - run;
	char *c = p;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		c += r->len[f];
		*c++ = ',';
	}
	return (size_t)(q - p) - 1; /* the last comma is not the row's */
}

/* An accepted record's dates, numbers and enumeration values are written
 * as the validator normalised them: digits, '-', '.', ';' and the Chinese
 * values of the field table, never a comma, quote, line break or space at
 * either end, so they go out without the quoting scan; text is scanned
 * (in most rows the whole row at once, below), unless the record is plain
 * (its text trimmed cells of a line without quotes, split at commas). */
static int accepted_row(struct mq_buf *b, const struct mq_record *r, const struct mq_raw_record *raw)
{
	size_t most = 2; /* the worst case: every text cell quoted, each byte doubled */
	for (int f = 0; f < MQ_NFIELDS; f++)
		most += 2 * (r->text[f] ? r->len[f] : 0) + 3;
	if (mq_buf_reserve(b, most))
		return MQ_ERR_NOMEM;
	size_t start = b->len;
	char *p = b->data + start;
	size_t as_read = row_from_cells(p, r, raw);
	if (as_read) {
		b->len = start + as_read;
		return mq_buf_add(b, "\r\n", 2);
	}
	/* most rows need no quoting: every cell copied as it is, then the
	 * row checked once; else written again cell by cell */
	int ends = 0;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		size_t n = r->text[f] ? r->len[f] : 0;
		if (f)
			*p++ = ',';
		if (n) {
			memcpy(p, r->text[f], n);
			ends |= !r->plain && mq_fields[f].type == MQ_T_TEXT && mq_csv_space_at_ends(p, n);
			p += n;
		}
	}
	if (r->plain || (!ends && mq_csv_joined_plain(b->data + start, (size_t)(p - (b->data + start)), MQ_NFIELDS - 1))) {
		b->len = (size_t)(p - b->data);
		return mq_buf_add(b, "\r\n", 2);
	}
	b->len = start;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		size_t n = r->text[f] ? r->len[f] : 0;
		if (mq_fields[f].type == MQ_T_TEXT) {
			int rc = mq_csv_cell_buf(b, r->text[f], n, f == 0);
			if (rc)
				return rc;
			continue;
		}
		char *p = b->data + b->len;
		if (f)
			*p++ = ',';
		memcpy(p, r->text[f] ? r->text[f] : "", n);
		b->len = (size_t)(p + n - b->data);
	}
	return mq_buf_add(b, "\r\n", 2);
}

/* ---- accepted.csv read back: the duplicate check compares a record with
 * the one accepted under its id there, instead of keeping every accepted
 * record's values a second time (validate.h, values_same) ---- */

#define BACK_WINDOW (64 << 10)

/* Where the next accepted row starts in accepted.csv */
static uint64_t row_at(void *ctx)
{
	const struct stage *st = ctx;
	return (uint64_t)(st->accepted_head + st->accepted_handed) + st->accepted_rows.len;
}

/* Some bytes of accepted.csv from off (*p, *n ≥ 1): from the file what has
 * been handed to its writer, the rest from accepted_rows. 0 or MQ_ERR_IO. */
static int accepted_bytes(struct stage *st, long long off, const char **p, size_t *n)
{
	long long file_end = st->accepted_head + st->accepted_handed;
	if (off >= file_end) {
		size_t at = (size_t)(off - file_end);
		if (at >= st->accepted_rows.len)
			return MQ_ERR_IO;
		*p = st->accepted_rows.data + at;
		*n = st->accepted_rows.len - at;
		return 0;
	}
	if (off < st->back_at || off >= st->back_at + (long long)st->back.len) {
		/* the file only grows: a window read once stays right */
		if (st->accepted_flushed < file_end) {
			if ((st->accepted_bg && mq_bgwrite_wait(st->accepted_bg)) || mq_out_flush(&st->accepted))
				return MQ_ERR_IO;
			st->accepted_flushed = file_end;
		}
		if (st->accepted_rd < 0 && (st->accepted_rd = open(st->accepted.tmp, O_RDONLY | O_CLOEXEC)) < 0)
			return MQ_ERR_IO;
		size_t want = file_end - off < BACK_WINDOW ? (size_t)(file_end - off) : BACK_WINDOW;
		mq_buf_reset(&st->back);
		if (mq_buf_reserve(&st->back, want))
			return MQ_ERR_IO;
		ssize_t r;
		while ((r = pread(st->accepted_rd, st->back.data, want, (off_t)off)) < 0 && errno == EINTR)
			;
		if (r <= 0)
			return MQ_ERR_IO;
		st->back.len = (size_t)r;
		st->back_at = off;
	}
	*p = st->back.data + (off - st->back_at);
	*n = st->back.len - (size_t)(off - st->back_at);
	return 0;
}

/* 1 when rec's row equals the row `skip` rows after the one at `at`, 0
 * when not, < 0 on an error. accepted_row quotes every cell holding a
 * quote, CR or LF, so a row ends at the first LF outside quotes; rows of
 * equal bytes are records of equal text (the validator compares which
 * fields are present). */
static int values_same(void *ctx, uint64_t at, unsigned skip, const struct mq_record *rec)
{
	struct stage *st = ctx;
	const char *p;
	size_t n;
	long long off = (long long)at;
	int quoted = 0;
	mq_buf_reset(&st->cand);
	if (accepted_row(&st->cand, rec, NULL))
		return MQ_ERR_NOMEM;
	for (unsigned k = 0; k < skip;) {
		if (accepted_bytes(st, off, &p, &n))
			return MQ_ERR_IO;
		size_t i = 0;
		for (; i < n && k < skip; i++)
			if (p[i] == '"')
				quoted = !quoted;
			else if (p[i] == '\n' && !quoted)
				k++;
		off += (long long)i;
	}
	for (size_t done = 0; done < st->cand.len; done += n) {
		if (accepted_bytes(st, off + (long long)done, &p, &n))
			return MQ_ERR_IO;
		if (n > st->cand.len - done)
			n = st->cand.len - done;
		if (memcmp(p, st->cand.data + done, n))
			return 0;
	}
	return 1;
}

/* A record checked ahead on the CSV reader's thread carries, before the
 * validator's part, its accepted.csv row when that thread has time to
 * spare (made there for a record without findings of its own): the
 * caller's thread then only copies it. */
struct stage_prep {
	uint32_t row_off, row_len;    /* from the start of this struct; 0, 0 = none */
};

static int prepare_record(const struct mq_raw_record *raw, int spare, struct mq_buf *out, void *ctx)
{
	struct stage *st = ctx;
	size_t base = out->len;
	struct stage_prep sp = { 0, 0 };
	if (mq_buf_add(out, &sp, sizeof sp) || mq_validate_prepare(raw, spare, out, st->prep))
		return MQ_ERR_NOMEM;
	const struct mq_record *r = mq_preparer_record(st->prep);
	if (!r || !spare)
		return 0;
	size_t at = out->len;
	if (accepted_row(out, r, raw) || out->len - base > UINT32_MAX)
		return MQ_ERR_NOMEM;
	sp = (struct stage_prep){ (uint32_t)(at - base), (uint32_t)(out->len - at) };
	memcpy(out->data + base, &sp, sizeof sp);
	return 0;
}

static int write_accepted(struct stage *st, const struct mq_record *r, const struct mq_raw_record *raw,
			  const struct stage_prep *sp)
{
	struct mq_buf *b = &st->accepted_rows;
	int rc = sp && sp->row_len ? mq_buf_add(b, (const char *)sp + sp->row_off, sp->row_len)
		: accepted_row(b, r, raw);
	if (rc)
		return rc;
	return b->len >= ACCEPTED_FLUSH ? flush_accepted(st, 0) : 0;
}

static int on_record(const struct mq_raw_record *raw_in, void *ctx)
{
	struct stage *st = ctx;
	struct mq_verdict vd;
	const struct stage_prep *sp = raw_in->prepared;
	struct mq_raw_record with_prep;
	const struct mq_raw_record *raw = raw_in;
	if (sp) {
		with_prep = *raw_in;
		with_prep.prepared = sp + 1;
		raw = &with_prep;
	}
	int rc = mq_validate_record(st->v, raw, &vd);
	if (rc) {
		st->rc = mq_fail(st->err, rc, raw->source, raw->line, "%s", rc == MQ_ERR_IO ?
				 "重复检查的临时文件（TMPDIR）或 accepted.csv 读写失败 / the duplicate check could not "
				 "read or write its temporary file (TMPDIR) or accepted.csv" : mq_nomem_message);
		return rc;
	}
	if (vd.outcome == MQ_ACCEPTED && st->opts->accepted_soon)
		st->opts->accepted_soon(&vd.record, st->opts->ctx);
	struct mq_run_counts *c = st->counts;
	c->read++;
	st->input->records++;
	switch (vd.outcome) {
	case MQ_REJECTED:
		st->input->rejected++;
		c->rejected++;
		c->by_code[vd.reject.code]++;
		write_reject(st, raw, &vd.reject);
		break;
	case MQ_DROPPED:
		st->input->dropped++;
		c->dropped++;
		c->by_code[MQ_W006]++;
		write_warning(st, raw, &vd.dropped);
		break;
	case MQ_ACCEPTED:
		st->input->accepted++;
		c->accepted++;
		for (int i = 0; i < vd.nwarnings; i++) {
			c->by_code[vd.warnings[i].code]++;
			write_warning(st, raw, &vd.warnings[i]);
		}
		if ((rc = write_accepted(st, &vd.record, raw, sp))) {
			st->rc = mq_fail_nomem(st->err, raw->source, raw->line);
			return st->rc;
		}
		if (st->opts->accepted && (st->cb_rc = st->opts->accepted(&vd.record, st->opts->ctx)))
			return st->cb_rc;
		break;
	}
	if (st->opts->progress && (c->read & 4095) == 0)
		st->opts->progress(st->bytes_before + st->bytes_cur, st->bytes_total, c->read, st->opts->ctx);
	return 0;
}

static void on_ahead(const void *prepared, void *ctx)
{
	struct stage *st = ctx;
	mq_validate_ahead(st->v, (const struct stage_prep *)prepared + 1);
}

static void on_progress(long long bytes, void *ctx)
{
	struct stage *st = ctx;
	st->bytes_cur = bytes;
	if (st->opts->progress)
		st->opts->progress(st->bytes_before + bytes, st->bytes_total, st->counts->read, st->opts->ctx);
}

#define UNKNOWN_LISTED 5 /* per input; 100,000 unknown columns are not 100,000 lines */

static void on_unknown_column(const char *source, const char *header, void *ctx)
{
	struct stage *st = ctx;
	if (strcmp(st->unknown_source, source) != 0) {
		snprintf(st->unknown_source, sizeof st->unknown_source, "%s", source);
		st->unknown_n = 0;
	}
	if (st->opts->quiet || ++st->unknown_n > UNKNOWN_LISTED + 1)
		return;
	mq_progress_interrupt();
	if (st->unknown_n <= UNKNOWN_LISTED)
		fprintf(stderr, "minqing: %s: 未知列“%.200s”，原样保留在退回记录中 / unknown column \"%.200s\" kept in rejects\n",
			source, header, header);
	else
		fprintf(stderr, "minqing: %s: 还有更多未知列，不再逐一列出，同样保留 / more unknown columns, not listed, "
			"kept the same way\n", source);
}

static int open_outputs(struct stage *st, const char *data_dir, struct mq_error *err)
{
	struct { struct mq_out *o; const char *name; } outs[] = {
		{ &st->accepted, "accepted.csv" }, { &st->rejects, "rejects.csv" }, { &st->warnings, "warnings.csv" },
	};
	for (size_t i = 0; i < 3; i++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", data_dir, outs[i].name);
		int rc = mq_out_open(outs[i].o, path, err);
		if (rc)
			return rc;
		mq_csv_bom(outs[i].o->fp, st->opts->bom);
	}
	for (int f = 0; f < MQ_NFIELDS; f++)
		mq_csv_cell(st->accepted.fp, mq_fields[f].name, f == 0);
	mq_csv_end(st->accepted.fp);
	mq_csv_row(st->warnings.fp, REJECT_HEAD, 6);
	for (int i = 0; i < 6; i++)
		mq_csv_cell(st->rejects.fp, REJECT_HEAD[i], i == 0);
	for (int f = 0; f < MQ_NFIELDS; f++)
		mq_csv_cell(st->rejects.fp, mq_fields[f].zh, 0);
	mq_csv_cell(st->rejects.fp, OTHER_CELLS_HEADER, 0);
	mq_csv_end(st->rejects.fp);
	const char *head[REJECT_COLS];
	for (int i = 0; i < 6; i++)
		head[i] = REJECT_HEAD[i];
	for (int f = 0; f < MQ_NFIELDS; f++)
		head[6 + f] = mq_fields[f].zh;
	head[REJECT_COLS - 1] = OTHER_CELLS_HEADER;
	char path[4200];
	snprintf(path, sizeof path, "%s/rejects.xlsx", data_dir);
	st->rejects_xlsx = mq_xlsx_open(path, st->opts->as_of, err);
	if (!st->rejects_xlsx)
		return MQ_ERR_IO;
	return mq_xlsx_sheet(st->rejects_xlsx, REJECTS_SHEET, head, REJECT_COLS, 5, err);
}

/* A new entry of counts, which takes over *path (setting it to NULL);
 * NULL when out of memory (*path is then still the caller's). */
static struct mq_input_info *add_input(struct mq_run_counts *c, char **path, const char *label)
{
	if (mq_grow((void **)&c->inputs, &c->ainputs, (size_t)c->ninputs + 1, sizeof *c->inputs))
		return NULL;
	struct mq_input_info *in = &c->inputs[c->ninputs];
	memset(in, 0, sizeof *in);
	in->label = label ? strdup(label) : NULL;
	if (label && !in->label)
		return NULL;
	in->path = *path;
	*path = NULL;
	const char *slash = strrchr(in->path, '/');
	in->name = in->label ? in->label : slash ? slash + 1 : in->path;
	c->ninputs++;
	return in;
}

/* The workbook reader starts a sheet, or lists one it does not read. */
static int on_sheet(const char *source, const char *skip_zh, const char *skip_en, void *ctx)
{
	struct stage *st = ctx;
	struct mq_input_info *file = &st->counts->inputs[st->file_index];
	char *path = strdup(file->path);
	struct mq_input_info *in = path ? add_input(st->counts, &path, source) : NULL;
	free(path); /* NULL when the entry took it */
	if (!in)
		return st->rc = mq_fail_nomem(st->err, source, 0);
	st->counts->inputs[st->file_index].workbook = 1;
	in->format = "sheet";
	in->skip_zh = skip_zh;
	in->skip_en = skip_en;
	if (!skip_zh)
		st->input = in;
	return 0;
}

void mq_run_counts_free(struct mq_run_counts *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->ninputs; i++) {
		free(c->inputs[i].path);
		free(c->inputs[i].label);
	}
	free(c->inputs);
	c->inputs = NULL;
	c->ninputs = 0;
	c->ainputs = 0;
}

int mq_validate_inputs(char **inputs, int ninputs, const struct mq_stage_opts *opts,
		       struct mq_run_counts *counts, struct mq_error *err)
{
	struct stage st = { .opts = opts, .counts = counts, .err = err, .clean = MQ_BUF_INIT, .other = MQ_BUF_INIT,
			    .accepted_rows = MQ_BUF_INIT, .xrow = { .text = MQ_BUF_INIT }, .accepted_rd = -1,
			    .back = MQ_BUF_INIT, .cand = MQ_BUF_INIT };
	char data_dir[4096];
	char **paths = NULL, **skipped = NULL;
	int npaths = 0, nskipped = 0, rc;
	memset(counts, 0, sizeof *counts);
	snprintf(data_dir, sizeof data_dir, "%s/data", opts->out_dir);
	if ((rc = mq_expand_inputs(inputs, ninputs, &paths, &npaths, &skipped, &nskipped, err)))
		return rc;
	if (npaths == 0) {
		rc = mq_fail(err, MQ_ERR_USAGE, NULL, 0, "没有输入文件 / no input files");
		goto out;
	}
	/* sizes for the progress line; a pipe has none (each input is read once) */
	for (int i = 0; i < npaths; i++) {
		struct stat sb;
		if (strcmp(paths[i], "-") && stat(paths[i], &sb) == 0 && S_ISREG(sb.st_mode))
			st.bytes_total += sb.st_size;
	}
	/* a record of CSV text is rarely under 600 bytes (gen_visits': 510):
	 * the duplicate-id table starts at most as large as it will end,
	 * about 8 MB at 1,000,000 records, rarely larger for an input of
	 * fewer and longer records */
	struct mq_validate_opts vopts = { .as_of = opts->as_of, .ref = opts->ref, .values_at = row_at,
					  .values_same = values_same, .values_ctx = &st,
					  .expect_records = st.bytes_total / 600 };
	st.v = mq_validator_new(&vopts);
	st.prep = mq_preparer_new(&vopts);
	if (!st.v || !st.prep) {
		rc = mq_fail_nomem(err, NULL, 0);
		goto out;
	}
	if ((rc = mq_mkdirs(data_dir, err)) || (rc = open_outputs(&st, data_dir, err)))
		goto out;
	if ((st.accepted_head = ftello(st.accepted.fp)) < 0) {
		rc = mq_fail(err, MQ_ERR_IO, st.accepted.path, 0, "无法写入文件 / cannot write file");
		goto out;
	}
	st.accepted_bg = mq_bgwrite_new(accepted_write, &st);
	struct mq_ingest_opts iopts = { .encoding = opts->encoding, .unknown_column = on_unknown_column,
					.progress = on_progress, .prepare = prepare_record,
					.prepare_ctx = &st, .ahead = on_ahead, .sheet = on_sheet };
	for (int i = 0; i < npaths; i++) {
		struct mq_input_info *in = add_input(counts, &paths[i], NULL);
		if (!in) {
			rc = mq_fail_nomem(err, NULL, 0);
			goto out;
		}
		st.file_index = counts->ninputs - 1;
		st.input = in;
		struct mq_ingest_stats stats = { 0 };
		rc = mq_ingest_file(in->path, &iopts, on_record, &st, &stats, err);
		in = &counts->inputs[st.file_index];   /* the sheets' entries may have moved it */
		in->blank_rows = stats.blank_rows;
		in->bytes = stats.bytes;
		in->encoding = stats.encoding;
		in->bom = stats.bom;
		in->is_xml = stats.is_xml;
		in->empty = stats.empty;
		in->format = stats.format;
		counts->blank_rows += stats.blank_rows;
		st.bytes_before += stats.bytes;
		st.bytes_cur = 0;
		if (st.rc || rc < 0) {
			rc = st.rc ? st.rc : rc;
			goto out;
		}
		if (st.cb_rc) {
			rc = st.cb_rc;
			goto out;
		}
	}
	for (int i = 0; i < nskipped; i++) {
		struct mq_input_info *in = add_input(counts, &skipped[i], NULL);
		if (!in) {
			rc = mq_fail_nomem(err, NULL, 0);
			goto out;
		}
		in->skip_zh = "不是 .csv/.tsv/.xml/.xlsx/.xls 文件，未读取";
		in->skip_en = "not a .csv/.tsv/.xml/.xlsx/.xls file, not read";
	}
	if (counts->read != counts->accepted + counts->rejected + counts->dropped) {
		rc = mq_fail(err, MQ_ERR_FORMAT, NULL, 0,
			     "记录数不平衡 / records do not add up: read %lld != accepted %lld + rejected %lld + dropped %lld",
			     counts->read, counts->accepted, counts->rejected, counts->dropped);
		goto out;
	}
	(void)flush_accepted(&st, 1); /* hands all over: nothing to allocate */
	mq_bgwrite_free(st.accepted_bg); /* accepted.csv is this thread's again */
	st.accepted_bg = NULL;
	/* the workbook first: a failure to write it leaves the CSVs as they were */
	if (st.xlsx_failed) {
		*err = st.xlsx_err;
		rc = st.xlsx_err.code ? st.xlsx_err.code : MQ_ERR_IO;
		goto out;
	}
	rc = mq_xlsx_commit(st.rejects_xlsx, err);
	st.rejects_xlsx = NULL;
	if (rc)
		goto out;
	if ((rc = mq_out_commit(&st.accepted, err)) || (rc = mq_out_commit(&st.rejects, err)) ||
	    (rc = mq_out_commit(&st.warnings, err)))
		goto out;
	if (opts->verbose) {
		mq_progress_interrupt();
		fprintf(stderr, "minqing: 重复编号索引 / duplicate-id index: %zu bytes\n",
			mq_validator_index_bytes(st.v));
	}
out:
	mq_bgwrite_free(st.accepted_bg);
	mq_out_abort(&st.accepted);
	mq_out_abort(&st.rejects);
	mq_out_abort(&st.warnings);
	mq_xlsx_abort(st.rejects_xlsx);
	mq_buf_free(&st.xrow.text);
	mq_validator_free(st.v);
	mq_preparer_free(st.prep);
	mq_paths_free(paths, npaths);
	mq_paths_free(skipped, nskipped);
	mq_buf_free(&st.clean);
	mq_buf_free(&st.other);
	mq_buf_free(&st.accepted_rows);
	mq_buf_free(&st.back);
	mq_buf_free(&st.cand);
	if (st.accepted_rd >= 0)
		close(st.accepted_rd);
	return rc;
}

/* What an input was read as, for the summary and counts.csv. */
static const char *input_format(const struct mq_input_info *in)
{
	if (in->empty)
		return "empty";
	if (in->format)
		return in->format;
	return in->is_xml ? "XML" : in->encoding == MQ_ENC_GB18030 ? "CSV GB18030"
		: in->bom ? "CSV UTF-8 BOM" : "CSV UTF-8";
}

void mq_print_summary(FILE *fp, const struct mq_run_counts *c)
{
	fprintf(fp, "minqing 校验结果 / validation summary\n");
	for (int i = 0; i < c->ninputs; i++) {
		const struct mq_input_info *in = &c->inputs[i];
		if (in->skip_zh)
			fprintf(fp, "  %s: %s / %s\n", in->name, in->skip_zh, in->skip_en);
		else if (in->empty)
			fprintf(fp, "  %s: 空文件，没有记录 / empty file, no records\n", in->name);
		else if (in->workbook)
			fprintf(fp, "  %s: 工作簿 workbook (%s), %lld 空行 blank rows\n", in->name, input_format(in),
				in->blank_rows);
		else if (in->label)   /* a sheet: its blank rows are counted with its workbook */
			fprintf(fp, "  %s: %lld 条记录 records = %lld 接受 accepted + %lld 退回 rejected + %lld 舍弃 dropped\n",
				in->name, in->records, in->accepted, in->rejected, in->dropped);
		else
			fprintf(fp, "  %s: %lld 条记录 records = %lld 接受 accepted + %lld 退回 rejected + %lld 舍弃 dropped, "
				"%lld 空行 blank rows (%s)\n", in->name, in->records, in->accepted, in->rejected,
				in->dropped, in->blank_rows, input_format(in));
	}
	fprintf(fp, "  读取 records_read: %lld\n", c->read);
	fprintf(fp, "  接受 accepted: %lld\n", c->accepted);
	fprintf(fp, "  退回 rejected: %lld\n", c->rejected);
	for (int k = MQ_E001; k <= MQ_E013; k++)
		if (c->by_code[k])
			fprintf(fp, "    %s: %lld  %s\n", mq_code_names[k], c->by_code[k], mq_code_explain_zh[k]);
	fprintf(fp, "  重复舍弃 dropped_duplicates: %lld\n", c->dropped);
	fprintf(fp, "  警告 warnings:");
	for (int k = MQ_W001; k < MQ_NCODES; k++)
		fprintf(fp, " %s %lld", mq_code_names[k], c->by_code[k]);
	fprintf(fp, "\n  跳过空行 blank_rows_skipped: %lld\n", c->blank_rows);
	fprintf(fp, "  读取 = 接受 + 退回 + 舍弃 / read = accepted + rejected + dropped: %lld = %lld + %lld + %lld\n",
		c->read, c->accepted, c->rejected, c->dropped);
}

/* ---- reading accepted.csv back ---- */

struct reread {
	struct mq_validator *v;
	int (*fn)(const struct mq_record *rec, void *ctx);
	void *ctx;
	struct mq_error *err;
	const char *path;
	void (*progress)(long long done, long long total, long long records, void *ctx);
	void *progress_ctx;
	long long bytes, total, records;
};

static void on_reread_bytes(long long bytes, void *ctx)
{
	struct reread *rr = ctx;
	rr->bytes = bytes;
	rr->progress(bytes, rr->total, rr->records, rr->progress_ctx);
}

static int on_reread(const struct mq_raw_record *raw, void *ctx)
{
	struct reread *rr = ctx;
	struct mq_verdict vd;
	int rc = mq_validate_record(rr->v, raw, &vd);
	if (rc)
		return mq_fail(rr->err, rc, rr->path, raw->line, "%s", mq_nomem_message);
	if (vd.outcome == MQ_REJECTED)
		return mq_fail(rr->err, MQ_ERR_FORMAT, rr->path, raw->line,
			       "已接受记录不再通过校验（运行日期或名册不同？）/ an accepted record no longer validates: %s %s",
			       mq_code_names[vd.reject.code], vd.reject.message);
	if (rr->progress && (++rr->records & 4095) == 0)
		rr->progress(rr->bytes, rr->total, rr->records, rr->progress_ctx);
	if (vd.outcome == MQ_DROPPED)
		return 0;
	return rr->fn(&vd.record, rr->ctx);
}

int mq_read_accepted(const char *path, mq_day as_of, const struct mq_reference *ref,
		     int (*fn)(const struct mq_record *rec, void *ctx), void *ctx,
		     struct mq_error *err)
{
	return mq_read_accepted_progress(path, as_of, ref, fn, ctx, NULL, NULL, err);
}

int mq_read_accepted_progress(const char *path, mq_day as_of, const struct mq_reference *ref,
			      int (*fn)(const struct mq_record *rec, void *ctx), void *ctx,
			      void (*progress)(long long done, long long total, long long records, void *ctx),
			      void *progress_ctx, struct mq_error *err)
{
	struct reread rr = { .fn = fn, .ctx = ctx, .err = err, .path = path, .progress = progress,
			     .progress_ctx = progress_ctx };
	struct stat st;
	if (progress && stat(path, &st) == 0)
		rr.total = st.st_size;
	struct mq_validate_opts vopts = { .as_of = as_of, .ref = ref, .reread = 1 };
	struct mq_preparer *prep = mq_preparer_new(&vopts);
	rr.v = mq_validator_new(&vopts);
	int rc;
	if (!rr.v || !prep) {
		rc = mq_fail_nomem(err, path, 0);
	} else {
		struct mq_ingest_opts iopts = { .encoding = MQ_ENC_UTF8, .prepare = mq_validate_prepare,
						.prepare_ctx = prep, .progress = progress ? on_reread_bytes : NULL };
		rc = mq_ingest_csv(path, &iopts, on_reread, &rr, NULL, err);
	}
	mq_validator_free(rr.v);
	mq_preparer_free(prep);
	return rc;
}

int mq_write_counts(const char *data_dir, const struct mq_run_counts *c,
		    const char *const *extra, int bom, struct mq_error *err)
{
	char path[4096], num[32];
	snprintf(path, sizeof path, "%s/counts.csv", data_dir);
	struct mq_out o;
	const char *head[] = { "metric", "value" };
	int rc = mq_csv_open(&o, path, bom, head, 2, err);
	if (rc)
		return rc;
	for (int i = 0; extra && extra[i] && extra[i + 1]; i += 2)
		mq_csv_row(o.fp, (const char *const[]){ extra[i], extra[i + 1] }, 2);
	const struct { const char *name; long long value; } totals[] = {
		{ "records_read", c->read }, { "accepted", c->accepted }, { "rejected", c->rejected },
		{ "dropped_duplicates", c->dropped }, { "blank_rows_skipped", c->blank_rows },
	};
	for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++) {
		snprintf(num, sizeof num, "%lld", totals[i].value);
		mq_csv_row(o.fp, (const char *const[]){ totals[i].name, num }, 2);
	}
	for (int k = 0; k < MQ_NCODES; k++) {
		snprintf(num, sizeof num, "%lld", c->by_code[k]);
		mq_csv_row(o.fp, (const char *const[]){ mq_code_names[k], num }, 2);
	}
	struct mq_buf key = MQ_BUF_INIT;
	for (int i = 0; i < c->ninputs; i++) {
		const struct mq_input_info *in = &c->inputs[i];
		char records[32], blank[32];
		snprintf(records, sizeof records, "%lld", in->records);
		snprintf(blank, sizeof blank, "%lld", in->blank_rows);
		const char *format = in->skip_en ? "not read" : input_format(in);
		const struct { const char *prefix, *value; } per_input[] = {
			{ "read", records }, { "path", in->path }, { "format", format }, { "blank", blank },
		};
		for (size_t k = 0; k < sizeof per_input / sizeof per_input[0]; k++) {
			mq_buf_reset(&key);
			mq_buf_printf(&key, "%s:%s", per_input[k].prefix, in->name);
			mq_csv_row(o.fp, (const char *const[]){ key.data, per_input[k].value }, 2);
		}
	}
	mq_buf_free(&key);
	return mq_out_commit(&o, err);
}
