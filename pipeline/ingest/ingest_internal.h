/* ingest_internal.h — what the readers of the ingest layer share: the kind
 * of an input as its first bytes tell it (sniff.c), and the readers that
 * take an input already open (ingest.c opens every input exactly once). */
#ifndef MINQING_INGEST_INTERNAL_H
#define MINQING_INGEST_INTERNAL_H

#include <stdio.h>

#include "minqing/core/buf.h"
#include "minqing/ingest/ingest.h"

/* The bytes the CSV reader asks its stream for at a time, each one read
 * of the file: glibc reads a regular file's stream straight into the
 * reader's block, and ingest.c gives a cookie stream a buffer as large. */
#define MQ_CSV_BLOCK (1 << 20)

enum mq_kind {
	MQ_KIND_EMPTY,      /* no bytes, or only white space */
	MQ_KIND_CSV,        /* text: UTF-8 or GB18030, comma-separated */
	MQ_KIND_TSV,        /* text whose header row has tabs and no commas */
	MQ_KIND_XML,
	MQ_KIND_ZIP,        /* a ZIP: an .xlsx when it holds xl/workbook.xml */
	MQ_KIND_OLE2,       /* a legacy .xls (or another OLE2 file) */
	MQ_KIND_REFUSED     /* something else: what_zh/what_en say what */
};

struct mq_sniff {
	enum mq_kind kind;
	int utf16;                    /* text with a UTF-16 BOM: 1 LE, 2 BE, else 0 */
	const char *what_zh, *what_en; /* MQ_KIND_REFUSED: what the bytes look like */
};

/* Decides the kind from the first n bytes of an input (all of it when the
 * input is shorter); never fails. */
void mq_sniff(const unsigned char *head, size_t n, struct mq_sniff *out);

/* The readers on an open stream; path names the input in messages and
 * the record source is its base name. The stream stays the caller's. */
int mq_ingest_csv_fp(FILE *fp, const char *path, const struct mq_ingest_opts *opts,
		     mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err);
int mq_ingest_xml_fp(FILE *fp, const char *path, const struct mq_ingest_opts *opts,
		     mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err);

/* What a reader of visit records (csv.c, sheet.c) keeps: where its
 * records go and its header row, mapped to the contract's fields. */
struct mq_visit_reader {
	const char *source;
	const struct mq_ingest_opts *opts;
	mq_record_fn fn;
	void *ctx;
	struct mq_ingest_stats *stats;
	size_t ncols;
	int *col_field;             /* column -> field or -1 */
	struct mq_buf header_bytes;
	const char **headers;       /* NUL-terminated copies in header_bytes */
};
/* Takes n header cells (cells[i] NULL: empty) as v's columns; a header
 * that names no field goes to opts->unknown_column (an empty one only
 * when empty_unknown). Returns 0 or MQ_ERR_NOMEM. */
int mq_visit_header(struct mq_visit_reader *v, const char *const *cells, const size_t *lens, size_t n,
		    int empty_unknown);
/* Frees what mq_visit_header allocated (not v itself). */
void mq_visit_reader_free(struct mq_visit_reader *v);

/* A workbook: either fd of a regular file (read with pread) or mem/size,
 * the whole input in memory (mem NULL for the fd). */
struct mq_wb_source {
	int fd;
	const unsigned char *mem;
	long long size;
};
int mq_ingest_xlsx(const struct mq_wb_source *src, const char *path, const struct mq_ingest_opts *opts,
		   mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err);

/* Shared by the workbook readers: the sheet cells of one row in column
 * order (NULL: empty) turned into records, header detection included.
 * valid_text: the reader hands over valid UTF-8 only (libxml2 checks
 * every character of an .xlsx), so the cells need no second look. */
struct mq_sheet_rows;
struct mq_sheet_rows *mq_sheet_rows_new(const char *source, const struct mq_ingest_opts *opts,
					mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, int valid_text);
/* Hands over one sheet row (line = its row number). Returns 0, the record
 * callback's non-zero value or MQ_ERR_NOMEM. */
int mq_sheet_row(struct mq_sheet_rows *s, long line, const char *const *cells, const size_t *lens,
		 size_t ncells);
/* Ends the sheet's read, which returned rc, and frees s: a read without
 * error that found no header row is reported to opts->sheet (not read).
 * Returns rc, or what opts->sheet returned. */
int mq_sheet_rows_end(struct mq_sheet_rows *s, int rc);
/* A number as Excel's General format shows it: 5, 4800.5, 1.30722198001011E+17
 * (15 significant digits at most). */
void mq_sheet_general(double v, char out[40]);

/* A legacy .xls workbook (FreeXL) at path, a regular file. */
int mq_ingest_xls(const char *path, const char *source_name, const struct mq_ingest_opts *opts,
		  mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err);

#endif
