/* buf.c — growing byte buffers and arrays (buf.h). */
#include "minqing/core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffers ---- */

int mq_buf_reserve(struct mq_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (b->cap && need > b->cap + 1)
		return MQ_ERR_LIMIT;
	if (need <= b->alloc)
		return 0;
	size_t n = b->alloc ? b->alloc : 64;
	while (n < need)
		n *= 2;
	char *p = realloc(b->data, n);
	if (!p)
		return MQ_ERR_NOMEM;
	b->data = p;
	b->alloc = n;
	return 0;
}

int mq_buf_add(struct mq_buf *b, const void *data, size_t len)
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

int mq_buf_addc(struct mq_buf *b, char c) { return mq_buf_add(b, &c, 1); }
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
	if (b->data)
		b->data[0] = '\0';
}

void mq_buf_free(struct mq_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

/* ---- growing arrays ---- */

int mq_grow(void **arr, size_t *alloc, size_t need, size_t elem)
{
	if (need <= *alloc)
		return 0;
	size_t n = *alloc ? *alloc * 2 : 16;
	while (n < need)
		n *= 2;
	void *p = realloc(*arr, n * elem);
	if (!p)
		return MQ_ERR_NOMEM;
	memset((char *)p + *alloc * elem, 0, (n - *alloc) * elem);
	*arr = p;
	*alloc = n;
	return 0;
}

