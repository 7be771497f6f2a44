/* csv.c — the CSV reader (contract sections 1 and 2), on libcsv.
 *
 * The file is read in blocks and handed to libcsv one physical line at a
 * time, which keeps the line where each record starts exact (quoted line
 * breaks included) and lets a broken record be cut off at its line's end
 * so the records after it are still read; libcsv only through its public
 * API (what the parser holds is known from its callbacks and the text fed
 * since, see praw). A line that starts a record and holds no quote is split
 * at its commas without libcsv, the same way (csv_plain.h). GB18030 lines
 * are converted to UTF-8 with iconv before parsing; a byte iconv cannot read becomes 0xFF,
 * which is never valid UTF-8, so the one check of every cell finds bad text
 * (E010) whatever the input's encoding. GB18030 never uses the bytes of
 * comma, quote, CR or LF inside a character, so a line can be converted on
 * its own.
 *
 * Reading and parsing run on a reader thread that fills batches of rows
 * (BATCH_BYTES of cells each); the calling thread takes the batches in
 * order and runs the row callback, so validating and writing overlap with
 * parsing. The caller's prepare hook (ingest.h) runs on the reader thread
 * as each row is completed while the reader is ahead of the caller (enum
 * share), its result kept in the batch with the row. NBATCH batches
 * circulate, which keeps memory constant. The callback's "stop"
 * reaches the reader at its next hand-over; everything the reader owns
 * (file, parser, iconv, its error) is read by the caller only after the
 * thread has been joined.
 *
 * UTF-8 is checked a whole line at a time: removing ASCII bytes (quotes,
 * commas, spaces, line breaks) from valid UTF-8 leaves valid UTF-8, so
 * when every line a row came from is valid, every cell of it is. Only the
 * cells of other rows are checked one by one (struct row.valid_text). */
#include "minqing/core/bgwrite.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/ingest/ingest.h"
#include "minqing/core/utf8.h"
#include "csv_plain.h"
#include "ingest_internal.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECORD (16 << 20) /* bytes one record may span before it is cut off */
#define MAX_CELL_BYTES (MAX_RECORD + 1024) /* cell bytes of one record, NULs included */
#define SNIFF_BYTES (1 << 20)
/* Cell bytes after which a batch is handed over, and the batches in the
 * ring: small batches in a deep ring let the two threads' speeds differ
 * for a while (a table growing, a slow read) without either waiting, in
 * the memory of three batches of 1 MB. */
#define BATCH_BYTES (1 << 19)
#define NBATCH 6
#define KEEP_OPEN_FIELD 32767 /* bytes of an open field kept when its record is cut off */

/* ---- batches: whole rows parsed by the reader thread ---- */

struct cell_ref {
	uint32_t off, len;           /* into batch.bytes; the cell is NUL-terminated */
};

struct row_ref {
	long line;                   /* where the record starts */
	size_t first, ncells;        /* batch.cells[first .. first + ncells) */
	const char *structural, *structural_zh; /* static messages (E001) or NULL */
	int valid_text;              /* 1: every line of the row was valid UTF-8 */
	uint32_t prep_off, prep_len; /* the prep hook's bytes in batch.prep */
	int plain;                   /* split by the fast path (mq_raw_record.plain) */
};

struct batch {
	struct mq_buf bytes;
	struct cell_ref *cells;
	size_t ncells, acells;
	struct row_ref *rows;
	size_t nrows, arows;
	struct mq_buf prep;          /* the prep hook's results, 8-byte aligned */
	long long bytes_read;        /* file bytes read when it was handed over */
	int last;                    /* the reader's final batch */
};

static void batch_reset(struct batch *b)
{
	mq_buf_reset(&b->bytes);
	mq_buf_reset(&b->prep);
	b->ncells = b->nrows = 0;
	b->last = 0;
}

static void batch_free(struct batch *b)
{
	mq_buf_free(&b->bytes);
	mq_buf_free(&b->prep);
	free(b->cells);
	free(b->rows);
}

/* The reader thread hands filled batches to the caller through this ring. */
struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch b[NBATCH];
	unsigned head, count;        /* filled batches: b[head], … (count of them) */
	int stop;                    /* the caller stopped: the reader quits */
};

/* One row as the callbacks see it; valid during the callback. */
struct row {
	long line;
	const char *structural, *structural_zh;
	size_t ncells;
	const char *const *cell;     /* NUL-terminated */
	const size_t *len;
	int valid_text;              /* 1: every cell is valid UTF-8 (else unknown) */
	const void *prep;            /* what the prep hook made of it, or NULL */
	int plain;                   /* mq_raw_record.plain */
};

typedef int (*row_fn)(const struct row *row, void *ctx);
/* How much of the caller's work the reader's thread takes on, by how far
 * ahead of the caller it was at its last hand-over (batches queued, the
 * one handed included): none when under half the ring (the caller then
 * checks the records itself, so neither thread waits for the other long,
 * and no check is copied through a batch), the records' checks up to five
 * sixths, the accepted rows too beyond. */
enum share { SHARE_NONE, SHARE_CHECK, SHARE_ALL };
/* Work on the reader's thread per row: appends to out what the row
 * callback will find in row->prep (nothing: row->prep is NULL). */
typedef int (*row_prep_fn)(const struct row *row, enum share share, struct mq_buf *out, void *ctx);

/* Per-row pointer and length arrays, sized for the widest row seen. */
struct row_view {
	const char **cell;
	size_t *len;
	size_t alloc;
};

static int view_row(struct row_view *v, const struct batch *b, const struct row_ref *rr, struct row *out)
{
	if (rr->ncells > v->alloc &&
	    mq_resize_pair((void **)&v->cell, sizeof *v->cell, (void **)&v->len, sizeof *v->len, &v->alloc,
			   rr->ncells * 2))
		return MQ_ERR_NOMEM;
	/* in locals: the stores through v's arrays could alias b's */
	const char *bytes = b->bytes.data, **cell = v->cell;
	size_t *len = v->len, n = rr->ncells;
	const struct cell_ref *c = n ? b->cells + rr->first : NULL; /* a batch of no cells has none */
	for (size_t i = 0; i < n; i++) {
		cell[i] = bytes + c[i].off;
		len[i] = c[i].len;
	}
	*out = (struct row){ rr->line, rr->structural, rr->structural_zh, rr->ncells,
			     v->cell, v->len, rr->valid_text,
			     rr->prep_len ? b->prep.data + rr->prep_off : NULL, rr->plain };
	return 0;
}

/* ---- the reader: lines to rows ---- */

struct row_reader {
	const char *path;
	FILE *fp;
	struct csv_parser parser;
	iconv_t cd;                  /* (iconv_t)-1 for UTF-8 input */
	struct queue *q;
	struct batch *b;             /* the batch being filled */
	size_t rec_cells;            /* cells of the open record already in b */
	size_t rec_cell_bytes;       /* and their bytes */
	struct mq_buf conv;          /* converted line */
	long line;                   /* physical line being fed */
	long rec_line;               /* line where the current record began */
	size_t rec_bytes;
	int line_valid;              /* the line being fed is valid UTF-8 */
	int rec_valid;               /* every line of the open record was */
	int nomem;
	const char *broken, *broken_zh; /* E001 of the open record, after a recovery */
	struct mq_buf field;         /* a broken field being put back together */
	/* What the parser holds, known from its callbacks alone: */
	int open;                    /* a record is open at the end of the last line */
	int last_term;               /* the line break that ended the last row */
	int need_field;              /* a fresh parser after a comma: an empty field is due */
	/* The text the parser has been fed since it last held no record (or
	 * was reset), whole lines but the first, which starts at pstart: from
	 * it the open field and where it began are found again. */
	struct mq_buf praw;
	size_t pstart;
	long praw_line;              /* the line praw starts on */
	struct mq_buf again;         /* converted lines to read again after a rewind */
	size_t again_pos;
	int rewound;                 /* the last line fed ended in a rewind */
	int plain;                   /* the row being emitted was split by the fast path */
	struct msg *msgs;            /* messages made for this file, freed with it */
	int stopped;                 /* the caller asked to stop */
	long long bytes_read;
	enum mq_encoding enc;
	int bom;
	int rc;                      /* the reader's error, with err */
	struct mq_error err;
	const struct mq_ingest_opts *opts;
	row_prep_fn prep;            /* may be NULL */
	void *prep_ctx;
	struct row_view prep_view;
	enum share share;            /* for the rows of the batch being filled */
};

struct msg {
	struct msg *next;
	char *en, *zh;
	char text[];
};

static void on_cell(void *s, size_t len, void *data)
{
	struct row_reader *r = data;
	struct batch *b = r->b;
	if (r->nomem)
		return;
	r->need_field = 0;
	/* the same bound as one capped buffer per record */
	if (r->rec_cell_bytes + len + 1 > MAX_CELL_BYTES ||
	    (b->ncells == b->acells && mq_grow((void **)&b->cells, &b->acells, b->acells + 1, sizeof *b->cells))) {
		r->nomem = 1;
		return;
	}
	size_t off = b->bytes.len;
	if (mq_buf_add(&b->bytes, s ? s : "", s ? len : 0) || mq_buf_addc(&b->bytes, '\0')) {
		r->nomem = 1;
		return;
	}
	b->cells[b->ncells++] = (struct cell_ref){ (uint32_t)off, (uint32_t)(s ? len : 0) };
	r->rec_cells++;
	r->rec_cell_bytes += len + 1;
}

/* Runs the prep hook on a row just completed, its bytes 8-byte aligned. */
static void prep_row(struct row_reader *r, struct row_ref *rr)
{
	struct batch *b = r->b;
	struct row row;
	size_t off = (b->prep.len + 7) & ~(size_t)7;
	if (view_row(&r->prep_view, b, rr, &row) || mq_buf_add(&b->prep, "\0\0\0\0\0\0\0", off - b->prep.len) ||
	    r->prep(&row, r->share, &b->prep, r->prep_ctx) || b->prep.len > UINT32_MAX) {
		r->nomem = 1;
		return;
	}
	rr->prep_off = (uint32_t)off;
	rr->prep_len = (uint32_t)(b->prep.len - off);
}

static void emit(struct row_reader *r, const char *structural, const char *structural_zh)
{
	struct batch *b = r->b;
	if (!r->nomem && b->nrows == b->arows && mq_grow((void **)&b->rows, &b->arows, b->arows + 1, sizeof *b->rows))
		r->nomem = 1;
	if (!r->nomem) {
		struct row_ref *rr = &b->rows[b->nrows++];
		*rr = (struct row_ref){ r->rec_line, b->ncells - r->rec_cells, r->rec_cells,
					structural, structural_zh, r->rec_valid, 0, 0, r->plain };
		if (r->prep)
			prep_row(r, rr);
	}
	r->rec_cells = r->rec_cell_bytes = 0;
	r->rec_bytes = 0;
	r->broken = r->broken_zh = NULL;
	/* the rest of this line belongs to the next record */
	r->rec_valid = r->line_valid;
}

/* With CSV_REPALL_NL libcsv reports every line break outside quotes, an
 * empty line as a row of no cells: those are no rows here. */
static void on_row(int c, void *data)
{
	struct row_reader *r = data;
	r->last_term = c;
	if (r->need_field)
		on_cell(NULL, 0, r);
	if (r->rec_cells)
		emit(r, r->broken, r->broken_zh);
}

/* libcsv grows a field by a fixed step (128 bytes): a multi-megabyte field
 * would take a hundred thousand reallocs, each a copy under ASan. Its
 * buffer is allocated here with its capacity in front, grown at least
 * twofold; a request within the capacity costs nothing. */
#define FIELD_HEAD 16
static void *field_realloc(void *p, size_t n)
{
	char *block = p ? (char *)p - FIELD_HEAD : NULL;
	size_t cap = block ? *(size_t *)(void *)block : 0;
	if (n <= cap)
		return p;
	if (n > SIZE_MAX - FIELD_HEAD)
		return NULL;
	if (cap < n / 2)
		cap = n;
	else if (cap > (SIZE_MAX - FIELD_HEAD) / 2)
		return NULL;
	else
		cap *= 2;
	block = realloc(block, cap + FIELD_HEAD);
	if (!block)
		return NULL;
	*(size_t *)(void *)block = cap;
	return block + FIELD_HEAD;
}

static void field_free(void *p)
{
	if (p)
		free((char *)p - FIELD_HEAD);
}

static int parser_init(struct csv_parser *p)
{
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL))
		return -1;
	csv_set_realloc_func(p, field_realloc);
	csv_set_free_func(p, field_free);
	return 0;
}

/* A fresh parser: it holds no record any more. */
static int reset_parser(struct row_reader *r)
{
	csv_free(&r->parser);
	r->open = 0;
	r->need_field = 0;
	mq_buf_reset(&r->praw);
	r->praw_line = r->line;
	if (parser_init(&r->parser))
		return -1;
	return 0;
}

/* ---- where the open field began ---- */

struct scan {
	size_t events;
};

static void scan_cell(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	((struct scan *)data)->events++;
}

static void scan_row(int c, void *data)
{
	(void)c;
	((struct scan *)data)->events++;
}

/* The offset in a[0..na) b[0..nb), text a fresh parser read without error,
 * where the field it holds open at the end begins: just after the last
 * comma or line break that ended a field or a row. libcsv ends them only
 * at those bytes, so the text is fed up to each in turn. */
static int open_field_start(const char *a, size_t na, const char *b, size_t nb, size_t *start)
{
	struct csv_parser p;
	struct scan k = { 0 };
	if (parser_init(&p))
		return -1;
	*start = 0;
	const char *seg[2] = { a, b };
	size_t len[2] = { na, nb }, base = 0;
	for (int i = 0; i < 2; base += len[i], i++)
		for (size_t pos = 0; pos < len[i];) {
			size_t end = pos;
			while (end < len[i] && seg[i][end] != ',' && seg[i][end] != '\n' && seg[i][end] != '\r')
				end++;
			if (end < len[i])
				end++;
			size_t before = k.events;
			csv_parse(&p, seg[i] + pos, end - pos, scan_cell, scan_row, &k);
			if (k.events != before)
				*start = base + end;
			pos = end;
		}
	int rc = csv_error(&p) == CSV_ENOMEM ? -1 : 0;
	csv_free(&p);
	return rc;
}

/* The text libcsv makes of a field's raw bytes s[0..n): leading spaces and
 * tabs skipped; a quoted field without its opening quote, doubled quotes
 * single, its closing quote kept only when keep_close. Appended to out. */
static int field_text(const char *s, size_t n, int keep_close, struct mq_buf *out)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] != '"')
		return mq_buf_add(out, s + i, n - i);
	for (i++; i < n; i++) {
		size_t run = i;
		while (i < n && s[i] != '"')
			i++;
		if (mq_buf_add(out, s + run, i - run))
			return -1;
		if (i == n)
			break;
		if (i + 1 < n && s[i + 1] == '"')
			i++;
		else if (!keep_close)
			continue;
		if (mq_buf_addc(out, '"'))
			return -1;
	}
	return 0;
}

/* 1 when the text of a field begins with a quote. */
static int field_quoted(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == '"';
}

/* ---- ending a record the parser could not finish ---- */

static const char *const MSG_AFTER_QUOTE = "characters after a closing quote";
static const char *const MSG_AFTER_QUOTE_ZH = "引号结束后还有字符";
static const char *const MSG_STRAY_QUOTE = "quote inside an unquoted field";
static const char *const MSG_STRAY_QUOTE_ZH = "未加引号的字段中出现引号";

/* The E001 of a quote that swallowed the lines after it. */
static struct msg *quote_msg(struct row_reader *r, long line)
{
	int en = snprintf(NULL, 0, "unterminated quote opened on line %ld: the record ends with that line, "
			  "the lines after it are read as records", line);
	int zh = snprintf(NULL, 0, "第%ld行的引号未闭合：记录到该行为止，其后各行按记录读取", line);
	struct msg *m = malloc(sizeof *m + (size_t)en + (size_t)zh + 2);
	if (!m)
		return NULL;
	m->en = m->text;
	m->zh = m->text + en + 1;
	snprintf(m->en, (size_t)en + 1, "unterminated quote opened on line %ld: the record ends with that line, "
		 "the lines after it are read as records", line);
	snprintf(m->zh, (size_t)zh + 1, "第%ld行的引号未闭合：记录到该行为止，其后各行按记录读取", line);
	m->next = r->msgs;
	r->msgs = m;
	return m;
}

/* The quoted field at praw[start..] began on an earlier line than the one
 * being read and never ended as a field should: its quote swallowed the
 * lines after it. The record ends with the line of that quote (the
 * field's text to that line's end as its last cell) and every line after
 * it, cur[0..ncur) included, is read again as records. */
static int rewind_to_quote(struct row_reader *r, size_t start, const char *cur, size_t ncur)
{
	const char *p = r->praw.data;
	const char *nl = memchr(p + start, '\n', r->praw.len - start);
	size_t after = (size_t)(nl - p) + 1;
	long line = r->praw_line;
	for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + start - q))); q++)
		line++;
	mq_buf_reset(&r->field);
	if (field_text(p + start, after - start, 0, &r->field))
		return -1;
	if (r->field.len)
		on_cell(r->field.data, r->field.len < KEEP_OPEN_FIELD ? r->field.len : KEEP_OPEN_FIELD, r);
	struct msg *m = quote_msg(r, line);
	if (!m)
		return -1;
	r->rec_valid = 0;
	emit(r, m->en, m->zh);
	struct mq_buf next = MQ_BUF_INIT;
	if (mq_buf_add(&next, p + after, r->praw.len - after) || mq_buf_add(&next, cur, ncur) ||
	    mq_buf_add(&next, r->again.data + r->again_pos, r->again.len - r->again_pos)) {
		mq_buf_free(&next);
		return -1;
	}
	mq_buf_free(&r->again);
	r->again = next;
	r->again_pos = 0;
	r->line = line + 1;
	r->rewound = 1;
	return reset_parser(r);
}

/* Ends the record open at the end of praw (the end of the input, or a
 * record past 16 MB): when its open field began with a quote on an
 * earlier line, see rewind_to_quote; otherwise it is handed over with the
 * part of the open field the parser holds (up to a spreadsheet cell's
 * worth) as its last cell, E001 msg. The cut may split a character, so its
 * cells are checked one by one. */
static int end_open_record(struct row_reader *r, const char *msg, const char *msg_zh)
{
	size_t start;
	if (open_field_start(r->praw.data, r->praw.len, NULL, 0, &start))
		return -1;
	const char *p = r->praw.len ? r->praw.data + start : "";
	size_t n = r->praw.len - start;
	const char *nl = memchr(p, '\n', n);
	if (nl && (size_t)(nl - p) + 1 < n && field_quoted(p, n))
		return rewind_to_quote(r, start, NULL, 0);
	mq_buf_reset(&r->field);
	if (field_text(p, n, 1, &r->field))
		return -1;
	if (r->field.len)
		on_cell(r->field.data, r->field.len < KEEP_OPEN_FIELD ? r->field.len : KEEP_OPEN_FIELD, r);
	r->rec_valid = 0;
	emit(r, msg, msg_zh);
	return reset_parser(r);
}

/* After a parse error at s[*pos] (text after a closing quote, or a quote in
 * an unquoted field) the record is marked E001 and read on as a spreadsheet
 * reads it: the field runs on to the next comma, and the fields after it,
 * quoted line breaks and all, still belong to this record. Without a comma
 * the record ends with this line. A quoted field begun on an earlier line
 * is a quote left open there instead (rewind_to_quote). Sets *pos where
 * parsing goes on. */
static int recover_field(struct row_reader *r, const char *s, size_t n, size_t *pos)
{
	size_t start;
	if (open_field_start(r->praw.data, r->praw.len, s + r->pstart, *pos - r->pstart, &start))
		return -1;
	if (start < r->praw.len) {
		*pos = n;
		return rewind_to_quote(r, start, s, n);
	}
	const char *f = s + r->pstart + (start - r->praw.len);
	if (!r->broken) {
		int stray = s[*pos] == '"' && !field_quoted(f, (size_t)(s + *pos - f));
		r->broken = stray ? MSG_STRAY_QUOTE : MSG_AFTER_QUOTE;
		r->broken_zh = stray ? MSG_STRAY_QUOTE_ZH : MSG_AFTER_QUOTE_ZH;
	}
	size_t end = *pos;
	while (end < n && s[end] != ',' && s[end] != '\r' && s[end] != '\n')
		end++;
	/* libcsv's text of the field so far without its closing quote, then
	 * the rest of the field as it stands */
	mq_buf_reset(&r->field);
	if (field_text(f, (size_t)(s + *pos - f), 0, &r->field) || mq_buf_add(&r->field, s + *pos, end - *pos))
		return -1;
	on_cell(r->field.data, r->field.len, r);
	r->rec_valid = 0; /* the cells are checked one by one */
	if (reset_parser(r))
		return -1;
	if (end < n && s[end] == ',') {
		/* the record goes on with a fresh parser at its next field */
		r->need_field = 1;
		r->pstart = end + 1;
		*pos = end + 1;
		return 0;
	}
	emit(r, r->broken, r->broken_zh);
	r->last_term = '\n';
	r->pstart = n;
	*pos = n;
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

struct plain_line {
	struct row_reader *r;
	size_t base;                 /* the line's copy in the batch's bytes */
};

static inline int plain_cell(void *ctx, size_t start, size_t len)
{
	struct plain_line *pl = ctx;
	struct row_reader *r = pl->r;
	struct batch *b = r->b;
	if (b->ncells == b->acells && mq_grow((void **)&b->cells, &b->acells, b->acells + 1, sizeof *b->cells))
		return -1;
	b->cells[b->ncells++] = (struct cell_ref){ (uint32_t)(pl->base + start), (uint32_t)len };
	r->rec_cells++;
	return 0;
}

/* A line that starts a record and holds no quote is split at its commas
 * without libcsv (csv_plain.h). Returns 1 when the line was taken, 0 to
 * leave it to libcsv. */
static int split_plain_line(struct row_reader *r, const char *s, size_t n)
{
	struct batch *b = r->b;
	size_t body = csv_plain_body(s, n);
	if (body == (size_t)-1 || r->rec_cell_bytes + body + 1 > MAX_CELL_BYTES)
		return 0;
	if (csv_plain_blank(s, body))
		return 1;
	struct plain_line pl = { r, b->bytes.len };
	if (mq_buf_add(&b->bytes, s, body) || mq_buf_addc(&b->bytes, '\0') ||
	    csv_plain_split(b->bytes.data + pl.base, body, plain_cell, &pl)) {
		r->nomem = 1;
		return 1;
	}
	r->rec_cell_bytes += body + 1;
	r->plain = 1;
	emit(r, r->broken, r->broken_zh);
	r->plain = 0;
	return 1;
}

/* 1 when the parser holds a record after a piece of a line without its
 * line break (praw ends with it). */
static int open_after_piece(struct row_reader *r, int *open)
{
	size_t start;
	if (open_field_start(r->praw.data, r->praw.len, NULL, 0, &start))
		return -1;
	*open = r->rec_cells || r->need_field || !csv_plain_blank(r->praw.data + start, r->praw.len - start);
	return 0;
}

/* Feeds one physical line (with its terminator) to libcsv; converted: the
 * line is UTF-8 already (read again after a rewind). */
static int feed_line(struct row_reader *r, const char *s, size_t n, int converted)
{
	r->rewound = 0;
	if (r->cd != (iconv_t)-1 && !converted) {
		if (convert_line(r, s, n))
			return MQ_ERR_NOMEM;
		s = r->conv.data;
		n = r->conv.len;
	}
	if (!r->open) {
		r->rec_line = r->line;
		r->rec_valid = 1;
		mq_buf_reset(&r->praw);
		r->praw_line = r->line;
	}
	r->pstart = 0;
	r->line_valid = mq_utf8_valid(s, n);
	r->rec_valid &= r->line_valid;
	r->rec_bytes += n;
	if (!r->open && split_plain_line(r, s, n))
		return r->nomem ? MQ_ERR_NOMEM : 0;
	r->last_term = 0;
	size_t pos = 0;
	for (;;) {
		size_t done = csv_parse(&r->parser, s + pos, n - pos, on_cell, on_row, r);
		if (r->nomem)
			return MQ_ERR_NOMEM;
		if (done == n - pos)
			break;
		if (csv_error(&r->parser) != CSV_EPARSE)
			return MQ_ERR_NOMEM;
		pos += done;
		if (recover_field(r, s, n, &pos))
			return MQ_ERR_NOMEM;
		if (pos == n)
			break;
	}
	if (r->rewound)
		return r->nomem ? MQ_ERR_NOMEM : 0;
	int whole = n && s[n - 1] == '\n';
	if (whole)
		r->open = r->last_term != '\n';
	if (r->open || !whole) {
		if (mq_buf_add(&r->praw, s + r->pstart, n - r->pstart))
			return MQ_ERR_NOMEM;
	} else {
		mq_buf_reset(&r->praw);
	}
	if (!whole && open_after_piece(r, &r->open))
		return MQ_ERR_NOMEM;
	if (r->open && r->rec_bytes > MAX_RECORD &&
	    end_open_record(r, "record longer than 16 MB (an unterminated quote?)", "记录超过16MB（引号未闭合？）"))
		return MQ_ERR_NOMEM;
	return r->nomem ? MQ_ERR_NOMEM : 0;
}

/* Hands the filled batch to the caller and takes the next free one; sets
 * r->stopped when the caller has stopped. */
static void hand_over(struct row_reader *r, int last)
{
	struct queue *q = r->q;
	r->b->bytes_read = r->bytes_read;
	r->b->last = last;
	pthread_mutex_lock(&q->mu);
	q->count++;
	pthread_cond_broadcast(&q->cv);
	/* the further the reader is ahead, the more of the calling thread's
	 * work (the ordered rules, the thread the run waits for) it does */
	r->share = 6 * q->count >= 5 * NBATCH ? SHARE_ALL : 2 * q->count >= NBATCH ? SHARE_CHECK : SHARE_NONE;
	while (q->count == NBATCH && !q->stop)
		pthread_cond_wait(&q->cv, &q->mu);
	r->stopped = q->stop;
	if (!r->stopped)
		r->b = &q->b[(q->head + q->count) % NBATCH];
	pthread_mutex_unlock(&q->mu);
	if (!r->stopped)
		batch_reset(r->b);
}

/* A batch goes when it is full and holds no part of an open record. */
static void maybe_hand_over(struct row_reader *r)
{
	if (r->b->bytes.len >= BATCH_BYTES && r->rec_cells == 0)
		hand_over(r, 0);
}

/* Reads the lines a rewind left in r->again (a rewind among them starts
 * them over). */
static int feed_again(struct row_reader *r)
{
	while (!r->stopped && r->again_pos < r->again.len) {
		const char *s = r->again.data + r->again_pos;
		const char *nl = memchr(s, '\n', r->again.len - r->again_pos);
		size_t len = nl ? (size_t)(nl - s) + 1 : r->again.len - r->again_pos;
		r->again_pos += len;
		int rc = feed_line(r, s, len, 1);
		if (rc)
			return rc;
		if (!r->rewound && nl)
			r->line++;
		maybe_hand_over(r);
	}
	mq_buf_reset(&r->again);
	r->again_pos = 0;
	return 0;
}

/* Feeds a line read from the file, then whatever a rewind left to read again. */
static int feed_file_line(struct row_reader *r, const char *s, size_t n)
{
	int rc = feed_line(r, s, n, 0);
	if (rc)
		return rc;
	if (r->rewound)
		return feed_again(r);
	if (n && s[n - 1] == '\n')
		r->line++;
	maybe_hand_over(r);
	return 0;
}

/* The end of the input: the parser finishes its record, a record left
 * open ends there (or rewinds to its quote and the lines after it are
 * read, to the end again). */
static int finish_file(struct row_reader *r)
{
	while (!r->stopped) {
		if (!csv_fini(&r->parser, on_cell, on_row, r)) {
			if (r->need_field)
				on_row(-1, r);
			return 0;
		}
		if (end_open_record(r, "unterminated quote", "引号未闭合"))
			return MQ_ERR_NOMEM;
		if (!r->rewound)
			return 0;
		int rc = feed_again(r);
		if (rc)
			return rc;
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

int mq_read_text(const char *path, size_t max, struct mq_buf *out, enum mq_encoding *found,
		 struct mq_error *err)
{
	static const char how[] = "请用记事本或 WPS 另存为 UTF-8 或 GBK 编码 / "
				  "save it as UTF-8 or GBK (Notepad, WPS: Save As)";
	struct mq_buf raw = MQ_BUF_INIT;
	char block[8192];
	size_t n;
	int rc = 0;
	mq_buf_reset(out);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取 / cannot read: %s", strerror(errno));
	while (!rc && (n = fread(block, 1, sizeof block, fp)) > 0) {
		if (raw.len + n > max)
			rc = mq_fail(err, MQ_ERR_LIMIT, path, 0, "文件过大（上限 %zu 字节） / file larger than %zu bytes",
				     max, max);
		else if (mq_buf_add(&raw, block, n))
			rc = mq_fail_nomem(err, path, 0);
	}
	if (!rc && ferror(fp))
		rc = mq_fail(err, MQ_ERR_IO, path, 0, "读取出错 / read error");
	fclose(fp);
	const unsigned char *u = (const unsigned char *)raw.data;
	size_t start = 0;
	enum mq_encoding enc = MQ_ENC_UTF8;
	if (!rc && raw.len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0, "UTF-16 文本，%s", how);
	if (!rc && raw.len >= 3 && memcmp(u, "\xEF\xBB\xBF", 3) == 0)
		start = 3;
	else if (!rc)
		sniff_encoding(u, raw.len, &enc);
	if (!rc && enc == MQ_ENC_GB18030) {
		iconv_t cd = iconv_open("UTF-8", "GB18030");
		if (cd == (iconv_t)-1)
			rc = mq_fail(err, MQ_ERR_IO, path, 0, "系统不支持GB18030转换 / iconv lacks GB18030");
		char *in = raw.data;
		size_t left = raw.len;
		while (!rc && left) {
			char chunk[4096], *o = chunk;
			size_t room = sizeof chunk;
			size_t r = iconv(cd, &in, &left, &o, &room);
			if (mq_buf_add(out, chunk, (size_t)(o - chunk)))
				rc = mq_fail_nomem(err, path, 0);
			else if (r == (size_t)-1 && errno != E2BIG)
				rc = mq_fail(err, MQ_ERR_FORMAT, path, 0, "既不是 UTF-8 也不是 GB18030 文本（第 %zu 字节），%s",
					     (size_t)(in - raw.data) + 1, how);
		}
		if (cd != (iconv_t)-1)
			iconv_close(cd);
	} else if (!rc && mq_buf_add(out, raw.data + start, raw.len - start)) {
		rc = mq_fail_nomem(err, path, 0);
	}
	if (!rc && out->len && !mq_utf8_valid(out->data, out->len))
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0, "不是有效的 UTF-8 或 GB18030 文本，%s", how);
	if (!rc && mq_buf_addc(out, '\0'))
		rc = mq_fail_nomem(err, path, 0);
	if (!rc)
		out->len--;
	if (!rc && found)
		*found = enc;
	mq_buf_free(&raw);
	return rc;
}

/* The first block: BOM and encoding. */
static int start_file(struct row_reader *r, char *buf, size_t n, size_t *start)
{
	enum mq_encoding enc = r->opts ? r->opts->encoding : MQ_ENC_AUTO;
	r->bom = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0;
	*start = 0;
	if (r->bom) {
		*start = 3;
		if (enc == MQ_ENC_AUTO)
			enc = MQ_ENC_UTF8;
	}
	if (enc == MQ_ENC_AUTO)
		sniff_encoding((unsigned char *)buf, n < SNIFF_BYTES ? n : SNIFF_BYTES, &enc);
	r->enc = enc;
	if (enc == MQ_ENC_GB18030) {
		r->cd = iconv_open("UTF-8", "GB18030");
		if (r->cd == (iconv_t)-1)
			return mq_fail(&r->err, MQ_ERR_IO, r->path, 0, "系统不支持GB18030转换 / iconv lacks GB18030");
	}
	return 0;
}

/* Reads the whole file into batches of rows (the reader thread's work).
 * Returns 0 or a negative code with r->err filled. */
static int parse_file(struct row_reader *r)
{
	/* the file is read straight into `block`, behind the unfinished
	 * line the last block ended with */
	struct mq_buf block = MQ_BUF_INIT;
	int rc = 0;
	size_t start, n;
	if (mq_buf_reserve(&block, MQ_CSV_BLOCK))
		return MQ_ERR_NOMEM;
	n = block.len = fread(block.data, 1, MQ_CSV_BLOCK, r->fp);
	if ((rc = start_file(r, block.data, n, &start)))
		goto out;

	for (;;) {
		r->bytes_read += (long long)n;
		size_t pos = start;
		char *nl;
		start = 0;
		while (!r->stopped && (nl = memchr(block.data + pos, '\n', block.len - pos))) {
			size_t len = (size_t)(nl - (block.data + pos)) + 1;
			if ((rc = feed_file_line(r, block.data + pos, len)))
				goto out;
			pos += len;
		}
		if (r->stopped)
			goto out;
		memmove(block.data, block.data + pos, block.len - pos);
		block.len -= pos;
		if (block.len > MAX_RECORD) {
			/* one line without a line break this long: cut it off */
			if ((rc = feed_file_line(r, block.data, block.len)))
				goto out;
			if (r->open && end_open_record(r, "line longer than 16 MB", "一行超过16MB")) {
				rc = MQ_ERR_NOMEM;
				goto out;
			}
			if (r->rewound && (rc = feed_again(r)))
				goto out;
			block.len = 0;
		}
		if (n < MQ_CSV_BLOCK)
			break;
		if (mq_buf_reserve(&block, MQ_CSV_BLOCK)) {
			rc = MQ_ERR_NOMEM;
			goto out;
		}
		n = fread(block.data + block.len, 1, MQ_CSV_BLOCK, r->fp);
		block.len += n;
		if (n == 0)
			break;
	}
	if (ferror(r->fp)) {
		rc = mq_fail(&r->err, MQ_ERR_IO, r->path, 0, "读取输入文件出错 / read error");
		goto out;
	}
	if (block.len && (rc = feed_file_line(r, block.data, block.len)))
		goto out;
	rc = finish_file(r);
	if (r->nomem)
		rc = MQ_ERR_NOMEM;
out:
	mq_buf_free(&block);
	if (rc == MQ_ERR_NOMEM)
		mq_fail(&r->err, rc, r->path, r->line, "%s", mq_nomem_message);
	return rc;
}

static void *reader_main(void *arg)
{
	struct row_reader *r = arg;
	r->rc = parse_file(r);
	if (!r->stopped)
		hand_over(r, 1);
	return NULL;
}

/* ---- the caller's side: batches to row callbacks ---- */

/* How many rows ahead opts->ahead sees a row: enough for its memory loads
 * to arrive before the row's turn. */
#define AHEAD 8

/* Takes batches in order and calls fn per row until the last batch or
 * until fn returns non-zero (returned; the reader is then told to stop). */
static int consume(struct queue *q, row_fn fn, void *ctx, const struct mq_ingest_opts *opts,
		   void *opts_ctx)
{
	struct row_view view = { 0 };
	long long reported = 0;
	int rc = 0, last = 0;
	while (!rc && !last) {
		pthread_mutex_lock(&q->mu);
		while (q->count == 0)
			pthread_cond_wait(&q->cv, &q->mu);
		struct batch *b = &q->b[q->head];
		pthread_mutex_unlock(&q->mu);
		for (size_t i = 0; !rc && i < b->nrows; i++) {
			struct row row;
			const struct row_ref *next = i + AHEAD < b->nrows ? &b->rows[i + AHEAD] : NULL;
			if (opts && opts->ahead && next && next->prep_len)
				opts->ahead(b->prep.data + next->prep_off, opts_ctx);
			/* the reader's thread wrote the rows: fetch them early */
			if (i + 4 * AHEAD < b->nrows)
				__builtin_prefetch(&b->rows[i + 4 * AHEAD]);
			if (i + 2 * AHEAD < b->nrows) {
				const struct row_ref *later = &b->rows[i + 2 * AHEAD];
				/* the prepared record, some 700 bytes */
				for (uint32_t k = 0; k < later->prep_len && k < 1024; k += 64)
					__builtin_prefetch(b->prep.data + later->prep_off + k);
				if (later->ncells) {
					const struct cell_ref *c = &b->cells[later->first];
					for (size_t k = 8; k < later->ncells; k += 8)
						__builtin_prefetch(c + k);
					/* the row's first 512 bytes (a row of a visit
					 * diary is about that long) */
					for (size_t k = 0; k < 512; k += 64)
						__builtin_prefetch(b->bytes.data + c->off + k);
				}
			}
			rc = view_row(&view, b, &b->rows[i], &row);
			if (!rc)
				rc = fn(&row, ctx);
		}
		last = b->last;
		if (!rc && opts && opts->progress && b->bytes_read != reported) {
			reported = b->bytes_read;
			opts->progress(reported, opts_ctx);
		}
		pthread_mutex_lock(&q->mu);
		q->head = (q->head + 1) % NBATCH;
		q->count--;
		if (rc)
			q->stop = 1;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
	}
	free(view.cell);
	free(view.len);
	return rc;
}

/* Reads the whole file as rows. The first row is a row like any other.
 * Returns 0, fn's non-zero value, or a negative code with err filled. */
static int read_rows(FILE *fp, const char *path, const struct mq_ingest_opts *opts, row_prep_fn prep, row_fn fn,
		     void *ctx, void *opts_ctx, struct mq_ingest_stats *stats, struct mq_error *err)
{
	struct queue q = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
	struct row_reader r = { .path = path, .cd = (iconv_t)-1, .line = 1, .opts = opts, .q = &q,
				.b = &q.b[0], .enc = MQ_ENC_UTF8, .prep = prep, .prep_ctx = ctx, .share = SHARE_CHECK,
				.conv = MQ_BUF_INIT, .field = MQ_BUF_INIT, .praw = MQ_BUF_INIT,
				.again = MQ_BUF_INIT };
	for (int i = 0; i < NBATCH; i++) {
		mq_buf_init(&q.b[i].bytes);
		mq_buf_init(&q.b[i].prep);
	}
	pthread_t th;
	int rc;
	r.fp = fp ? fp : fopen(path, "rb");
	if (!r.fp)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取输入文件 / cannot read input: %s", strerror(errno));
	if (parser_init(&r.parser)) {
		if (!fp)
			fclose(r.fp);
		return mq_fail_nomem(err, path, 0);
	}
	if (mq_thread_start(&th, reader_main, &r)) {
		rc = mq_fail(err, MQ_ERR_NOMEM, path, 0, "无法启动读取线程 / cannot start the reader thread");
	} else {
		rc = consume(&q, fn, ctx, opts, opts_ctx);
		pthread_join(th, NULL);
		/* the reader's error counts only when the rows before it all went through */
		if (!rc && r.rc) {
			if (err)
				*err = r.err;
			rc = r.rc;
		}
	}
	if (stats) {
		stats->encoding = r.enc;
		stats->bom = r.bom;
		stats->bytes = r.bytes_read;
	}
	if (r.cd != (iconv_t)-1)
		iconv_close(r.cd);
	csv_free(&r.parser);
	if (!fp)
		fclose(r.fp);
	mq_buf_free(&r.conv);
	mq_buf_free(&r.field);
	mq_buf_free(&r.praw);
	mq_buf_free(&r.again);
	while (r.msgs) {
		struct msg *m = r.msgs;
		r.msgs = m->next;
		free(m);
	}
	free(r.prep_view.cell);
	free(r.prep_view.len);
	for (int i = 0; i < NBATCH; i++)
		batch_free(&q.b[i]);
	pthread_mutex_destroy(&q.mu);
	pthread_cond_destroy(&q.cv);
	return rc;
}

static int row_is_blank(const struct row *r)
{
	for (size_t i = 0; i < r->ncells; i++) {
		const char *t;
		if (mq_trim(r->cell[i], r->len[i], &t))
			return 0;
	}
	return 1;
}

/* 1 when cell i holds valid UTF-8. */
static int cell_valid(const struct row *r, size_t i)
{
	return r->valid_text || mq_utf8_valid(r->cell[i], r->len[i]);
}

/* ---- visit records ---- */

struct visit_reader {
	struct mq_visit_reader r;   /* source, callbacks and the header's columns */
	int have_header;            /* the column map is built (by the reader's thread with prepare) */
	int header_passed;          /* the caller's side has seen the header row */
};

static int take_header(struct visit_reader *v, const struct row *r)
{
	int rc = mq_visit_header(&v->r, r->cell, r->len, r->ncells, 1);
	v->have_header = !rc;
	return rc;
}

/* The record a row holds; 0 when the row is blank (no record). A row the
 * reader's thread prepared is a record: its cells need no second look. */
static int row_record(const struct visit_reader *v, const struct row *r, struct mq_raw_record *rec,
		      char msg[96], char msg_zh[96])
{
	const char *structural = r->structural, *structural_zh = r->structural_zh;
	if (!structural && !r->prep && row_is_blank(r))
		return 0;
	*rec = (struct mq_raw_record){ .source = v->r.source, .line = r->line, .plain = (unsigned char)r->plain };
	if (!structural && r->ncells != v->r.ncols) {
		snprintf(msg, 96, "wrong number of cells: %zu, header has %zu", r->ncells, v->r.ncols);
		snprintf(msg_zh, 96, "单元格数不对：%zu个，表头有%zu个", r->ncells, v->r.ncols);
		structural = msg;
		structural_zh = msg_zh;
	}
	rec->structural = structural;
	rec->structural_zh = structural_zh;
	/* the rightmost column of a field wins, so a fixed rejects.csv, whose
	 * leading record_id column repeats 记录编号, imports as edited */
	size_t ncols = r->ncells < v->r.ncols ? r->ncells : v->r.ncols;
	/* in locals: the stores through rec could alias what r and v point to */
	const int *col_field = v->r.col_field;
	const char *const *cell = r->cell;
	const size_t *len = r->len;
	for (size_t i = 0; i < ncols; i++) {
		int f = col_field[i];
		if (f < 0)
			continue;
		rec->value[f] = cell[i];
		rec->len[f] = len[i];
	}
	if (!r->valid_text) /* else bad_text stays 0 */
		for (size_t i = 0; i < ncols; i++)
			if (col_field[i] >= 0)
				rec->bad_text[col_field[i]] = !cell_valid(r, i);
	rec->ncells = r->ncells;
	rec->cells = r->cell;
	rec->cell_len = r->len;
	rec->headers = v->r.headers;
	rec->nheaders = v->r.ncols;
	return 1;
}

/* The reader's thread: the header row, then each record prepared ahead. */
static int prep_visit_row(const struct row *r, enum share share, struct mq_buf *out, void *ctx)
{
	struct visit_reader *v = ctx;
	struct mq_raw_record rec;
	char msg[96], msg_zh[96];
	if (!v->have_header)
		return r->structural ? 0 : take_header(v, r);
	if (share == SHARE_NONE || !row_record(v, r, &rec, msg, msg_zh))
		return 0;
	return v->r.opts->prepare(&rec, share == SHARE_ALL, out, v->r.opts->prepare_ctx);
}

static int on_visit_row(const struct row *r, void *ctx)
{
	struct visit_reader *v = ctx;
	struct mq_raw_record rec;
	char msg[96], msg_zh[96];
	if (!v->header_passed && !r->structural) {
		v->header_passed = 1;
		return v->have_header ? 0 : take_header(v, r) ? MQ_ERR_NOMEM : 0;
	}
	if (!row_record(v, r, &rec, msg, msg_zh)) {
		if (v->r.stats)
			v->r.stats->blank_rows++;
		return 0;
	}
	rec.prepared = r->prep;
	if (v->r.stats)
		v->r.stats->records++;
	return v->r.fn(&rec, v->r.ctx);
}

int mq_ingest_csv_fp(FILE *fp, const char *path, const struct mq_ingest_opts *opts,
		     mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err)
{
	const char *slash = strrchr(path, '/');
	struct visit_reader v = { .r = { .source = slash ? slash + 1 : path, .opts = opts, .fn = fn,
					 .ctx = ctx, .stats = stats, .header_bytes = MQ_BUF_INIT } };
	int rc = read_rows(fp, path, opts, opts && opts->prepare ? prep_visit_row : NULL, on_visit_row, &v, ctx,
			   stats, err);
	if (rc == MQ_ERR_NOMEM)
		mq_fail(err, rc, path, 0, "%s", mq_nomem_message);
	mq_visit_reader_free(&v.r);
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

static int ref_header(struct ref_reader *rr, const struct row *r)
{
	for (int c = 0; c < rr->ncols; c++) {
		rr->col_of[c] = -1;
		for (size_t i = 0; i < r->ncells; i++) {
			const char *h;
			size_t hl = mq_trim(r->cell[i], r->len[i], &h);
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

static int on_ref_row(const struct row *r, void *ctx)
{
	struct ref_reader *rr = ctx;
	long line = r->line;
	if (r->structural)
		return mq_fail(rr->err, MQ_ERR_FORMAT, rr->path, line, "%s / %s", r->structural_zh, r->structural);
	if (!rr->have_header)
		return ref_header(rr, r);
	if (row_is_blank(r))
		return 0;
	for (int c = 0; c < rr->ncols; c++) {
		int i = rr->col_of[c];
		const char *s = "";
		size_t n = 0;
		if (i >= 0 && (size_t)i < r->ncells) {
			if (!cell_valid(r, (size_t)i))
				return mq_fail(rr->err, MQ_ERR_FORMAT, rr->path, line,
					       "列“%s”含有无效字符 / invalid text in column \"%s\"",
					       rr->cols[c].zh, rr->cols[c].name);
			n = mq_trim(r->cell[i], r->len[i], &s);
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
		rc = mq_fail_nomem(err, path, 0);
	else
		rc = read_rows(NULL, path, NULL, NULL, on_ref_row, &rr, NULL, NULL, err);
	if (rc > 0) /* a row callback's error code travels back positive-free */
		rc = MQ_ERR_FORMAT;
	if (!rc && !rr.have_header)
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0, "文件为空 / the file is empty");
	free(rr.col_of);
	free(rr.cells);
	free(rr.lens);
	return rc;
}
