/* validate.h — every record accepted or rejected (contract section 3).
 *
 * A validator checks raw records (ingest.h) one at a time against the field
 * table, the as-of (run) date, the reference data and the records accepted
 * before (duplicate ids, W002). It keeps a compact index of accepted
 * record ids and of household villages; nothing else grows with records.
 *
 * mq_validate_record fills a caller-owned struct mq_verdict; the normalised
 * record and the messages in it point into the validator's buffers (or
 * into raw->prepared) and are valid until the next call, and no longer
 * than the raw record. */
#ifndef MINQING_VALIDATE_H
#define MINQING_VALIDATE_H

#include <stdio.h>

#include "minqing/core/buf.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/ingest/ingest.h"
#include "minqing/ingest/record.h"
#include "minqing/ingest/reference.h"

/* Codes in the order of the contract's table: the first problem found in
 * this order is the one a rejected record is filed under. */
enum mq_code {
	MQ_E001, MQ_E002, MQ_E003, MQ_E004, MQ_E005, MQ_E006, MQ_E007, MQ_E008,
	MQ_E009, MQ_E010, MQ_E011, MQ_E012, MQ_E013, MQ_W001, MQ_W002, MQ_W006, MQ_NCODES
};
extern const char *const mq_code_names[MQ_NCODES];    /* "E001", … */
extern const char *const mq_code_explain_zh[MQ_NCODES];/* plain Chinese explanation */

enum mq_outcome { MQ_ACCEPTED, MQ_REJECTED, MQ_DROPPED };

#define MQ_MAX_WARNINGS 4
struct mq_finding {
	enum mq_code code;
	int field;                 /* enum mq_field or -1 */
	const char *message;       /* "English; also: …" as in rejects.csv */
	const char *message_zh;    /* the same in Chinese */
};

struct mq_verdict {
	enum mq_outcome outcome;
	struct mq_finding reject;  /* REJECTED: the first problem, others in its message */
	struct mq_finding warnings[MQ_MAX_WARNINGS]; /* ACCEPTED: W001, W002 */
	int nwarnings;
	struct mq_finding dropped; /* DROPPED: W006 */
	struct mq_record record;   /* ACCEPTED: the normalised record */
};

struct mq_validate_opts {
	mq_day as_of;                       /* the run date */
	const struct mq_reference *ref;     /* may be NULL */
	/* Reading back our own accepted.csv: ids are unique and the warnings
	 * were given, so no duplicate-id or household index is kept. */
	int reread;
	/* Tests only (NULL: mq_hash): the hash the duplicate-id index files
	 * record ids under. No verdict depends on it: E006 and W006 compare
	 * the ids, and W006 the values too (kept in a temporary file, TMPDIR,
	 * or by the caller: values_same). */
	uint64_t (*id_hash)(const void *data, size_t len, uint64_t seed);
	/* Where the caller keeps the accepted records' values, so the
	 * temporary file holds only where each was accepted (both or neither;
	 * neither: it holds the values too). values_at: where the record being validated
	 * will be kept if it is accepted (a number the caller finds it by,
	 * such as its row's offset in accepted.csv); values_same: 1 when rec's
	 * normalised text equals that of the record accepted `skip` accepted
	 * records after the one kept at `at`, 0 when not, MQ_ERR_IO or
	 * MQ_ERR_NOMEM. Which fields are present is compared here. */
	uint64_t (*values_at)(void *ctx);
	int (*values_same)(void *ctx, uint64_t at, unsigned skip, const struct mq_record *rec);
	void *values_ctx;
	/* Records the caller expects at least (0: unknown): the duplicate-id
	 * table starts large enough for an eighth of them (ids in runs go to
	 * pages, idpages.h) instead of doubling its way up. */
	long long expect_records;
};

struct mq_validator;
struct mq_validator *mq_validator_new(const struct mq_validate_opts *opts);
/* Validates raw; when raw->prepared holds what mq_validate_prepare made of
 * it, the checks done there are not repeated. Returns 0, MQ_ERR_NOMEM, or
 * MQ_ERR_IO when the temporary file of accepted values (TMPDIR) or
 * values_same fails. */
int mq_validate_record(struct mq_validator *v, const struct mq_raw_record *raw,
		       struct mq_verdict *out);

/* Checking ahead: everything but the duplicate-id and household rules needs
 * only the record, so a reader's thread can do it (mq_ingest_opts.prepare).
 * A preparer (struct mq_preparer *, passed as void * to fit the hook,
 * whose spare flag it does not use) is one thread's scratch; opts and the
 * reference must not change while it is used. mq_validate_prepare appends
 * its result to out (for raw->prepared); returns 0 or MQ_ERR_NOMEM. */
struct mq_preparer;
struct mq_preparer *mq_preparer_new(const struct mq_validate_opts *opts);
int mq_validate_prepare(const struct mq_raw_record *raw, int spare, struct mq_buf *out, void *preparer);
/* The record the last mq_validate_prepare normalised, when it had no
 * finding of its own (else NULL); valid until the preparer's next call,
 * and no longer than that raw record (its text may lie in the cells). */
const struct mq_record *mq_preparer_record(const struct mq_preparer *p);
/* Starts loading the index entries a prepared record will look up, a few
 * records before it is validated (the indexes are far bigger than the
 * caches). */
void mq_validate_ahead(struct mq_validator *v, const void *prepared);
void mq_preparer_free(struct mq_preparer *p);
size_t mq_validator_index_bytes(const struct mq_validator *v); /* duplicate-id index size */
void mq_validator_free(struct mq_validator *v);

/* ---- the validate stage as a whole: inputs to data/{accepted,rejects,warnings}.csv ---- */

struct mq_run_counts {
	long long read, accepted, rejected, dropped, blank_rows;
	long long by_code[MQ_NCODES];
	int ninputs;
	size_t ainputs;                 /* allocated entries of inputs */
	/* One per input file, one per sheet of a workbook (after its file's
	 * entry) and one per file a folder held that was not read. */
	struct mq_input_info {
		char *path;                 /* as given */
		const char *name;           /* base name (into path), or label */
		char *label;                /* a sheet's "file.xlsx:工作表名" (owned) or NULL */
		long long records, blank_rows, bytes;
		long long accepted, rejected, dropped;
		enum mq_encoding encoding;
		int bom, is_xml;
		int empty;                  /* no bytes, or only white space */
		int workbook;               /* a workbook's own entry: its sheets follow */
		const char *format;         /* static: "XLSX", "TSV UTF-16", … or NULL */
		const char *skip_zh, *skip_en; /* static: why it was not read, or NULL */
	} *inputs;
};
void mq_run_counts_free(struct mq_run_counts *c);

struct mq_stage_opts {
	const char *out_dir;                /* writes out_dir/data/… */
	mq_day as_of;
	enum mq_encoding encoding;
	int bom;                            /* UTF-8 BOM on written CSVs */
	const struct mq_reference *ref;
	int verbose, quiet;
	/* Called with each accepted record (may be NULL). Non-zero stops. */
	int (*accepted)(const struct mq_record *rec, void *ctx);
	/* Called with it as soon as it is accepted, before its row is
	 * written, so that accepted can start loading what it will read (may
	 * be NULL; a hint: changes no result). */
	void (*accepted_soon)(const struct mq_record *rec, void *ctx);
	void *ctx;
	/* Progress (may be NULL): bytes done of bytes total over all inputs. */
	void (*progress)(long long done, long long total, long long records, void *ctx);
};

/* Reads every input, validates, writes accepted/rejects/warnings.csv
 * atomically. Returns 0 or a negative code (fatal; nothing written). */
int mq_validate_inputs(char **inputs, int ninputs, const struct mq_stage_opts *opts,
		       struct mq_run_counts *counts, struct mq_error *err);

/* Prints the run summary (Chinese and English) to fp. */
void mq_print_summary(FILE *fp, const struct mq_run_counts *c);

/* Reads a data/accepted.csv written by this stage back as records and calls
 * fn for each (records that no longer validate are a fatal error). */
int mq_read_accepted(const char *path, mq_day as_of, const struct mq_reference *ref,
		     int (*fn)(const struct mq_record *rec, void *ctx), void *ctx,
		     struct mq_error *err);
/* The same, calling progress (may be NULL) now and then with the bytes of
 * the file read, its size, the records read and progress_ctx. */
int mq_read_accepted_progress(const char *path, mq_day as_of, const struct mq_reference *ref,
			      int (*fn)(const struct mq_record *rec, void *ctx), void *ctx,
			      void (*progress)(long long done, long long total, long long records, void *ctx),
			      void *progress_ctx, struct mq_error *err);


/* Writes data_dir/counts.csv (metric,value): the leading pairs in
 * `extra` (key, value, …, NULL), then records_read, accepted, rejected,
 * dropped_duplicates, blank_rows_skipped, every code's count, and per input
 * `read:NAME` (records), `path:NAME` (the path as given), `format:NAME`
 * (XML, CSV UTF-8, CSV UTF-8 BOM or CSV GB18030) and `blank:NAME`. */
int mq_write_counts(const char *data_dir, const struct mq_run_counts *c,
		    const char *const *extra, int bom, struct mq_error *err);

#endif
