/* ingest.h — reading visit records from CSV, XML and workbook files as a
 * stream.
 *
 * mq_ingest_file reads one input (CSV, tab-separated text, XML or an .xlsx
 * workbook, chosen by content; README "Input formats") and calls the
 * callback once per record, in file order. An input is opened and read
 * once, so pipes and `-` (standard input) work. The raw record and every
 * pointer in it belong to the reader and are valid only during the callback.
 * Memory is constant per record: nothing is kept after the callback returns.
 *
 * Every record the file holds reaches the callback exactly once, either
 * with its cells or with `structural` set (E001), so nothing is lost. Blank
 * CSV rows are not records: they are counted in the stats. A fatal error
 * (unreadable file) returns a negative code and fills err. */
#ifndef MINQING_INGEST_H
#define MINQING_INGEST_H

#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/ingest/record.h"

enum mq_encoding { MQ_ENC_AUTO, MQ_ENC_UTF8, MQ_ENC_GB18030 };

struct mq_ingest_opts {
	enum mq_encoding encoding;  /* MQ_ENC_AUTO detects UTF-8 or GB18030 */
	/* Called once per unknown CSV column (may be NULL); both callbacks get
	 * the ctx given to the reader. */
	void (*unknown_column)(const char *source, const char *header, void *ctx);
	/* Progress: called now and then with bytes read so far (may be NULL). */
	void (*progress)(long long bytes_read, void *ctx);
	/* Work done ahead on the CSV reader's own thread (may be NULL): called
	 * in file order for each record, it appends what it wants to out; the
	 * record callback then finds those bytes (8-byte aligned) in
	 * rec->prepared. `spare` is 1 while the reader's thread is waiting for
	 * the caller (it may take on more of the caller's work). Records the
	 * reader's thread reaches while the caller waits for it are not
	 * prepared (rec->prepared NULL: the caller does that work itself,
	 * which keeps both threads busy); readers without a thread prepare
	 * none. unknown_column then runs on the reader's thread too. */
	int (*prepare)(const struct mq_raw_record *rec, int spare, struct mq_buf *out, void *prepare_ctx);
	void *prepare_ctx;
	/* With prepare: called on the caller's thread with a record's prepared
	 * bytes a few records before the record callback gets it (may be
	 * NULL), so the memory it will look up can start loading; gets the
	 * ctx given to the reader. */
	void (*ahead)(const void *prepared, void *ctx);
	/* Workbooks (may be NULL): called with each sheet's source name
	 * ("file.xlsx:工作表名") before its records, skip NULL; and once for
	 * each sheet that is not read, skip_zh/skip_en saying why. Gets the
	 * ctx given to the reader; non-zero stops reading (returned). */
	int (*sheet)(const char *source, const char *skip_zh, const char *skip_en, void *ctx);
};

struct mq_ingest_stats {
	long long records;          /* records handed to the callback */
	long long blank_rows;       /* all-empty CSV rows skipped */
	long long bytes;            /* bytes of the file */
	enum mq_encoding encoding;  /* what was read (detected or forced) */
	int bom;                    /* 1 when the file began with a UTF-8 BOM */
	int is_xml;
	int empty;                  /* 1: no bytes or only white space (no records) */
	const char *format;         /* static: "XLSX", "TSV UTF-16", … or NULL (CSV/XML by the fields above) */
};

/* Returns 0 to go on, non-zero to stop reading (that value is returned). */
typedef int (*mq_record_fn)(const struct mq_raw_record *rec, void *ctx);

/* Reads path (by content; "-" is standard input); returns 0, the callback's
 * non-zero value, or a negative MQ_ERR_* with err filled: MQ_ERR_FORMAT
 * when the input is no kind we read (a PDF, an image, an encrypted
 * workbook), before any record. stats may be NULL. */
int mq_ingest_file(const char *path, const struct mq_ingest_opts *opts,
		   mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats,
		   struct mq_error *err);

/* The two readers, for callers that know the format. */
int mq_ingest_csv(const char *path, const struct mq_ingest_opts *opts,
		  mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats,
		  struct mq_error *err);
int mq_ingest_xml(const char *path, const struct mq_ingest_opts *opts,
		  mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats,
		  struct mq_error *err);

/* Reads a small text file whole (at most max bytes) with the CSV reader's
 * encoding rules: a UTF-8 BOM is dropped, UTF-8 or GB18030 (GBK) detected
 * as for a CSV, GB18030 converted. out (reset first; the caller frees it
 * with mq_buf_free) holds the text as UTF-8, NUL-terminated; *found (may
 * be NULL) what was read. Returns 0, MQ_ERR_IO (unreadable, errno kept),
 * MQ_ERR_LIMIT (larger than max) or MQ_ERR_FORMAT (neither UTF-8 nor
 * GB18030, UTF-16: the message says how to save it). */
int mq_read_text(const char *path, size_t max, struct mq_buf *out, enum mq_encoding *found,
		 struct mq_error *err);

/* Expands inputs: a folder becomes its regular files named .csv, .tsv,
 * .xml, .xlsx or .xlsm in file-name (byte) order, a file stays itself.
 * *out is a malloc'd array of malloc'd paths, and so is *skipped (the other
 * files of the folders; skipped may be NULL); free with mq_paths_free. */
int mq_expand_inputs(char **inputs, int n, char ***out, int *nout, char ***skipped, int *nskipped,
		     struct mq_error *err);
void mq_paths_free(char **paths, int n);

/* Reads a small reference CSV (registry, roster, assignments: contract
 * section 2) with the same CSV rules; calls fn with the cells mapped to the
 * columns named in cols[] (canonical name, Chinese alias pairs). */
struct mq_ref_column {
	const char *name, *zh, *zh2;    /* zh2: a second alias or NULL */
	int required;
};
typedef int (*mq_ref_row_fn)(const char *const *cells, const size_t *lens, long line, void *ctx);
int mq_read_reference(const char *path, const struct mq_ref_column *cols, int ncols,
		      mq_ref_row_fn fn, void *ctx, struct mq_error *err);

#endif
