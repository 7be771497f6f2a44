/* zip_read.h — reading a ZIP member by member as a stream (used by verify). */
#ifndef MINQING_ARCHIVE_ZIP_READ_H
#define MINQING_ARCHIVE_ZIP_READ_H

#include <stddef.h>
#include <stdint.h>

#include "minqing/core/error.h"


struct mq_zip_entry {
	char *name;        /* raw name bytes plus a NUL; owned by the reader */
	size_t name_len;   /* declared length: > strlen(name) when it holds NUL */
	uint64_t size;     /* declared uncompressed size */
	uint64_t csize;    /* declared compressed size */
	unsigned flag, method;
};

struct mq_zip_reader;
/* Opens a ZIP and lists at most max_entries central-directory entries
 * (MQ_ERR_LIMIT beyond). Returns 0 or MQ_ERR_IO (unreadable / not a ZIP).
 * Free with mq_zip_close (NULL-safe). */
int mq_zip_open(const char *path, size_t max_entries, struct mq_zip_reader **out,
		struct mq_error *err);
size_t mq_zip_count(const struct mq_zip_reader *z);
const struct mq_zip_entry *mq_zip_get(const struct mq_zip_reader *z, size_t i);
/* Inflates entry i in chunks passed to fn (a non-zero return stops and is
 * returned). Stops with MQ_ERR_LIMIT once more than limit bytes came out.
 * Returns MQ_ERR_VERIFY when the data are damaged, shorter than declared
 * or fail the CRC; *out_bytes (may be NULL) gets the bytes produced. */
int mq_zip_stream(struct mq_zip_reader *z, size_t i, uint64_t limit,
		  int (*fn)(void *ctx, const void *data, size_t len), void *ctx,
		  uint64_t *out_bytes, struct mq_error *err);
/* Checks what an extractor reads: each member's local header names it
 * exactly as the central directory does, and no two members share bytes
 * (one deflate stream listed many times). 0, MQ_ERR_VERIFY (the member
 * named in err), MQ_ERR_IO or MQ_ERR_NOMEM. */
int mq_zip_check_local(struct mq_zip_reader *z, const char *path, struct mq_error *err);
void mq_zip_close(struct mq_zip_reader *z);

#endif
