/* run_record.h — OUT/data/run.txt: what a whole run (`minqing run`) tells
 * the archive stage about itself, written after the figures and read by
 * mq_archive_period (packages.h) for the packages' bag-info.
 *
 * The format, UTF-8 text, one "key=value" a line, LF line ends:
 *
 *   period=2024-03            the period's label (date.h)
 *   as_of=2024-03-31          the run's as-of date, YYYY-MM-DD
 *   records_read=N            the run's counts (counts.csv has them too)
 *   accepted=N
 *   rejected=N
 *   dropped=N
 *   unit=NAME                 only when --unit was given
 *   input=PATH<TAB>SHA256     one a read input file, in the order given:
 *                             PATH absolute where it resolves, SHA256 the
 *                             file's hex digest, "-" when it is not a
 *                             regular file (a pipe, a device)
 *
 * The keys come in that order. The reader takes the lines it knows in any
 * order (a later one wins, except that every input= line counts), passes
 * over lines without "=" or with an unknown key, and accepts CR LF. */
#ifndef MINQING_PACKAGES_RUN_RECORD_H
#define MINQING_PACKAGES_RUN_RECORD_H

#include <stddef.h>

#include "minqing/core/error.h"
#include "minqing/core/progress.h"

/* The single-valued keys, in the file's order. */
enum mq_run_key {
	MQ_RUN_PERIOD, MQ_RUN_AS_OF, MQ_RUN_RECORDS_READ, MQ_RUN_ACCEPTED, MQ_RUN_REJECTED,
	MQ_RUN_DROPPED, MQ_RUN_UNIT, MQ_RUN_NKEYS
};
/* Their names in the file: "period", "as_of", "records_read", … */
extern const char *const mq_run_keys[MQ_RUN_NKEYS];

/* What the writer is given; it reads the strings, owns none. */
struct mq_run_facts {
	const char *period, *as_of;
	long long records_read, accepted, rejected, dropped;
	const char *unit;           /* NULL: no unit line */
	const char *const *inputs;  /* the files read, as given ("-": standard input) */
	size_t ninputs;
	struct mq_progress *progress; /* NULL, or updated with the bytes hashed */
	struct mq_run_hashes *hashes; /* NULL, or inputs hashed ahead (below) */
};

/* Inputs hashed ahead, on a thread of their own: `run` starts it while
 * the same inputs are validated (a core is free then), so the assess stage
 * does not hash half a gigabyte. mq_run_record_write waits for it and takes
 * the SHA-256 of each input it lists by the same path; any other input,
 * or one the thread could not read, it hashes itself as ever. start copies
 * the paths; NULL when out of memory or no thread starts (then nothing is
 * hashed ahead). free waits for the thread (NULL-safe). */
struct mq_run_hashes;
struct mq_run_hashes *mq_run_hashes_start(const char *const *paths, size_t n);
void mq_run_hashes_free(struct mq_run_hashes *h);

/* Writes the facts to path atomically (files.h mq_out), hashing each
 * regular input file (SHA-256) and resolving its path (realpath, the path
 * as given when that fails). Returns 0, MQ_ERR_IO (an input cannot be read,
 * or the write failed; err names the file) or MQ_ERR_NOMEM. */
int mq_run_record_write(const char *path, const struct mq_run_facts *facts, struct mq_error *err);
/* The bytes mq_run_record_write hashes: the sizes of the regular inputs. */
long long mq_run_record_input_bytes(const struct mq_run_facts *facts);

struct mq_run_input {
	char *path;                 /* as written: absolute where it resolved */
	char *sha256;               /* hex, "-" (not hashed), or NULL (the line had none) */
};

/* What the reader fills; everything in it is owned by the record. */
struct mq_run_record {
	char *value[MQ_RUN_NKEYS];  /* NULL when the file has no such line */
	struct mq_run_input *inputs;
	size_t ninputs, ainputs;    /* used and allocated entries of inputs */
};

/* Reads path into *rr (zeroed first). A missing file is not an error (a
 * stage run alone writes none): 0 and an empty record. Returns 0,
 * MQ_ERR_IO (err names the file and line) or MQ_ERR_NOMEM; on failure *rr
 * is empty. Free with mq_run_record_free. */
int mq_run_record_read(const char *path, struct mq_run_record *rr, struct mq_error *err);
/* Frees what *rr holds and empties it; NULL-safe. */
void mq_run_record_free(struct mq_run_record *rr);

#endif
