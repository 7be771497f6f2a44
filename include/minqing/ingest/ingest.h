/* ingest.h — reading visit records from CSV and XML files as a stream.
 *
 * mq_ingest_file reads one input (CSV or XML, chosen by content) and calls
 * the callback once per record, in file order. The raw record and every
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
	 * the caller (it may take on more of the caller's work), 0 while the
	 * caller waits for it. Readers without a thread leave rec->prepared
	 * NULL. unknown_column then runs on the reader's thread too. */
	int (*prepare)(const struct mq_raw_record *rec, int spare, struct mq_buf *out, void *prepare_ctx);
	void *prepare_ctx;
	/* With prepare: called on the caller's thread with a record's prepared
	 * bytes a few records before the record callback gets it (may be
	 * NULL), so the memory it will look up can start loading; gets the
	 * ctx given to the reader. */
	void (*ahead)(const void *prepared, void *ctx);
};

struct mq_ingest_stats {
	long long records;          /* records handed to the callback */
	long long blank_rows;       /* all-empty CSV rows skipped */
	long long bytes;            /* bytes of the file */
	enum mq_encoding encoding;  /* what was read (detected or forced) */
	int bom;                    /* 1 when the file began with a UTF-8 BOM */
	int is_xml;
};

/* Returns 0 to go on, non-zero to stop reading (that value is returned). */
typedef int (*mq_record_fn)(const struct mq_raw_record *rec, void *ctx);

/* Reads path (CSV or XML by content); returns 0, the callback's non-zero
 * value, or a negative MQ_ERR_* with err filled. stats may be NULL. */
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

/* Expands inputs: a folder becomes its regular files in file-name (byte)
 * order, a file stays itself. *out is a malloc'd array of malloc'd paths;
 * free with mq_paths_free. */
int mq_expand_inputs(char **inputs, int n, char ***out, int *nout, struct mq_error *err);
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
