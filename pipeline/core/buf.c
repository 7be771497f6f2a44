/* buf.c — growing byte buffers and arrays (buf.h). */
#include "minqing/core/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- buffers ---- */

char mq_buf_slopbuf[1];

void mq_buf_init(struct mq_buf *b)
{
	*b = (struct mq_buf)MQ_BUF_INIT;
}

/* n doubled until it reaches need, or need itself when doubling would
 * overflow. */
static size_t grown(size_t n, size_t need)
{
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	return n;
}

int mq_buf_reserve(struct mq_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - 1 - b->len)
		return MQ_ERR_NOMEM;
	size_t need = b->len + extra + 1;
	if (b->cap && need > b->cap + 1)
		return MQ_ERR_LIMIT;
	if (need <= b->alloc)
		return 0;
	size_t n = grown(b->alloc ? b->alloc : 64, need);
	char *p = realloc(b->alloc ? b->data : NULL, n);
	if (!p)
		return MQ_ERR_NOMEM;
	if (!b->alloc)
		p[0] = '\0';
	b->data = p;
	b->alloc = n;
	return 0;
}

int mq_buf_align(struct mq_buf *b, size_t align, size_t size)
{
	if (b->alloc > size && !((uintptr_t)b->data & (align - 1)))
		return 0;
	if (size < b->len)
		size = b->len;
	if (size > SIZE_MAX - 1 || (b->cap && size > b->cap))
		return MQ_ERR_NOMEM;
	void *p;
	if (posix_memalign(&p, align, size + 1))
		return MQ_ERR_NOMEM;
	memcpy(p, b->data, b->len + 1);
	if (b->alloc)
		free(b->data);
	b->data = p;
	b->alloc = size + 1;
	return 0;
}

int mq_buf_add_grow(struct mq_buf *b, const void *data, size_t len)
{
	int rc = mq_buf_reserve(b, len);
	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int mq_buf_adds(struct mq_buf *b, const char *s) { return mq_buf_add(b, s, strlen(s)); }

int mq_buf_printf(struct mq_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return MQ_ERR_FORMAT;
	int rc = mq_buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void mq_buf_reset(struct mq_buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->data[0] = '\0';
	else
		b->data = mq_buf_slopbuf;
}

void mq_buf_free(struct mq_buf *b)
{
	if (!b)
		return;
	if (b->alloc)
		free(b->data);
	b->data = mq_buf_slopbuf;
	b->len = b->alloc = 0;
}

char *mq_buf_detach(struct mq_buf *b)
{
	char *s = b->alloc ? b->data : strdup("");
	b->data = mq_buf_slopbuf;
	b->len = b->alloc = 0;
	return s;
}

/* ---- growing arrays ---- */

int mq_grow(void **arr, size_t *alloc, size_t need, size_t elem)
{
	if (need <= *alloc)
		return 0;
	if (!elem || need > SIZE_MAX / elem)
		return MQ_ERR_NOMEM;
	size_t n = grown(*alloc ? *alloc : 16, need);
	if (n > SIZE_MAX / elem)
		n = need;
	void *p = realloc(*arr, n * elem);
	if (!p)
		return MQ_ERR_NOMEM;
	memset((char *)p + *alloc * elem, 0, (n - *alloc) * elem);
	*arr = p;
	*alloc = n;
	return 0;
}

void *mq_alloc_huge(size_t bytes)
{
	if (bytes < MQ_HUGE_PAGE)
		return malloc(bytes ? bytes : 1);
	void *p;
	if (posix_memalign(&p, MQ_HUGE_PAGE, bytes))
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE); /* a hint: no error matters */
#endif
	return p;
}

int mq_strs_push(char ***v, size_t *n, size_t *alloc, char *s)
{
	if (!s)
		return MQ_ERR_NOMEM;
	if (mq_grow((void **)v, alloc, *n + 1, sizeof **v)) {
		free(s);
		return MQ_ERR_NOMEM;
	}
	(*v)[(*n)++] = s;
	return 0;
}

void mq_strs_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int mq_resize_pair(void **a, size_t asize, void **b, size_t bsize, size_t *alloc, size_t n)
{
	if (!asize || !bsize || n > SIZE_MAX / asize || n > SIZE_MAX / bsize)
		return MQ_ERR_NOMEM;
	void *pa = realloc(*a, n * asize);
	if (!pa)
		return MQ_ERR_NOMEM;
	*a = pa;
	void *pb = realloc(*b, n * bsize);
	if (!pb)
		return MQ_ERR_NOMEM;
	*b = pb;
	*alloc = n;
	return 0;
}
