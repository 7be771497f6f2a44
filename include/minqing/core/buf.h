/* buf.h — growing byte buffers with a size cap, and growing arrays. */
#ifndef MINQING_CORE_BUF_H
#define MINQING_CORE_BUF_H

#include <stddef.h>

#include "minqing/core/error.h"

/* Growing byte buffer, always NUL-terminated once it holds anything.
 * Initialise with {0}; cap (0 = none) bounds the size: growth past it fails
 * with MQ_ERR_LIMIT, so hostile input cannot blow it up. */
struct mq_buf {
	char *data;
	size_t len, alloc, cap;
};
/* Makes room for extra more bytes (and the NUL) without changing len. */
int mq_buf_reserve(struct mq_buf *b, size_t extra);
int mq_buf_add(struct mq_buf *b, const void *data, size_t len);
int mq_buf_addc(struct mq_buf *b, char c);
int mq_buf_adds(struct mq_buf *b, const char *s);
int mq_buf_printf(struct mq_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mq_buf_reset(struct mq_buf *b); /* len = 0, keeps memory */
void mq_buf_free(struct mq_buf *b);

/* Grows the array *arr of elem-sized items (capacity *alloc) to hold at
 * least need items, doubling; new items are zeroed. 0 or MQ_ERR_NOMEM, the
 * array left as it was on failure. */
int mq_grow(void **arr, size_t *alloc, size_t need, size_t elem);

#endif
