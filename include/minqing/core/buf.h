/* buf.h — growing byte buffers with a size cap, and growing arrays. */
#ifndef MINQING_CORE_BUF_H
#define MINQING_CORE_BUF_H

#include <stddef.h>
#include <string.h>

#include "minqing/core/error.h"

/* Growing byte buffer, always NUL-terminated, and data never NULL: an
 * empty buffer's data is "" (the shared, never written mq_buf_slopbuf, as
 * git's strbuf does), before the first byte and again after mq_buf_reset,
 * mq_buf_free or mq_buf_detach. That holds because every buffer starts
 * from MQ_BUF_INIT, MQ_BUF_INIT_CAP(cap) or mq_buf_init, also the ones
 * inside a struct made by calloc, memset or `= {0}`: initialise those
 * members where the struct is made (a zeroed buffer's data is NULL until
 * its first mq_buf_* call; every function accepts one, but reading
 * .data from it is the bug this rule prevents).
 * cap (0 = none) bounds the size: growth past it fails with MQ_ERR_LIMIT,
 * so hostile input cannot blow it up; a size that would overflow size_t is
 * MQ_ERR_NOMEM. The memory behind data belongs to the buffer until
 * mq_buf_free or mq_buf_detach. */
struct mq_buf {
	char *data;
	size_t len, alloc, cap;     /* alloc 0: data is the slop buffer */
};
extern char mq_buf_slopbuf[1];
#define MQ_BUF_INIT { mq_buf_slopbuf, 0, 0, 0 }
#define MQ_BUF_INIT_CAP(cap) { mq_buf_slopbuf, 0, 0, (cap) }
void mq_buf_init(struct mq_buf *b);
/* Makes room for extra more bytes (and the NUL) without changing len. */
int mq_buf_reserve(struct mq_buf *b, size_t extra);
/* Makes b's memory start at a multiple of align (a power of two) with
 * room for size bytes, its bytes kept: a file opened O_DIRECT is written
 * from the buffer itself. Growth past that room may lose the alignment. */
int mq_buf_align(struct mq_buf *b, size_t align, size_t size);
/* mq_buf_add and mq_buf_addc append in place while the bytes fit (no
 * call: the readers append every cell); mq_buf_add_grow is their way out
 * when they do not, the same as mq_buf_reserve then the copy. */
int mq_buf_add_grow(struct mq_buf *b, const void *data, size_t len);
static inline int mq_buf_add(struct mq_buf *b, const void *data, size_t len)
{
	if (len >= b->alloc - b->len || (b->cap && b->len + len > b->cap))
		return mq_buf_add_grow(b, data, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}
static inline int mq_buf_addc(struct mq_buf *b, char c)
{
	return mq_buf_add(b, &c, 1);
}
int mq_buf_adds(struct mq_buf *b, const char *s);
int mq_buf_printf(struct mq_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mq_buf_reset(struct mq_buf *b); /* len = 0, keeps memory */
void mq_buf_free(struct mq_buf *b);
/* The buffer's string, now the caller's to free (NULL on OOM); b is left
 * empty as after mq_buf_free. */
char *mq_buf_detach(struct mq_buf *b);

/* Grows the array *arr of elem-sized items (capacity *alloc) to hold at
 * least need items, doubling; new items are zeroed. 0 or MQ_ERR_NOMEM (also
 * when the size would overflow), the array left as it was on failure. */
int mq_grow(void **arr, size_t *alloc, size_t need, size_t elem);
/* Memory whose bytes are read anywhere, in no order (a hash table, a
 * million visits being sorted): from MQ_HUGE_PAGE bytes on it
 * is aligned to and advised as huge pages, so its reads miss no TLB (each
 * miss a walk of two page tables in a virtual machine). free() frees it;
 * NULL when out of memory. */
#define MQ_HUGE_PAGE ((size_t)2 << 20)
void *mq_alloc_huge(size_t bytes);
/* Appends s to the list *v of *n strings (capacity *alloc), which then
 * owns it. 0, or MQ_ERR_NOMEM when s is NULL (a failed strdup is passed
 * straight in) or the list cannot grow (s is freed then). */
int mq_strs_push(char ***v, size_t *n, size_t *alloc, char *s);
/* Frees the n strings of v and v itself; v may be NULL. */
void mq_strs_free(char **v, size_t n);
/* Resizes two parallel arrays, *a of asize-byte items and *b of bsize-byte
 * items (capacity *alloc, both), to n items and sets *alloc = n; new items
 * are not initialised. 0 or MQ_ERR_NOMEM (also when a size would overflow;
 * *alloc unchanged, each array still valid). */
int mq_resize_pair(void **a, size_t asize, void **b, size_t bsize, size_t *alloc, size_t n);

#endif
