/* Unit tests of the growing buffers (core/buf.h): data is never NULL and
 * an empty buffer reads "" from every initialiser and after reset, free
 * and detach; the shared slop buffer is never written; the cap and the
 * size overflow checks of the growers, parallel arrays resized together;
 * mq_buf_align moves the bytes to aligned memory only when they are not
 * there already. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "minqing/core/buf.h"

struct holder {
	int n;
	struct mq_buf text;
};

static void initialisers(void)
{
	struct mq_buf a = MQ_BUF_INIT, c = MQ_BUF_INIT_CAP(4), d;
	mq_buf_init(&d);
	CHECK(a.data == mq_buf_slopbuf);
	CHECK_STR(a.data, "");
	CHECK_INT(a.len, 0);
	CHECK(c.data == mq_buf_slopbuf);
	CHECK_INT(c.cap, 4);
	CHECK(d.data == mq_buf_slopbuf);
	/* a buffer inside a calloc'd struct, initialised where it is made */
	struct holder *h = calloc(1, sizeof *h);
	CHECK(h != NULL);
	if (!h)
		return;
	mq_buf_init(&h->text);
	CHECK_STR(h->text.data, "");
	mq_buf_free(&h->text);
	free(h);
}

static void empty_states(void)
{
	struct mq_buf b = MQ_BUF_INIT;
	mq_buf_reset(&b);
	CHECK(b.data == mq_buf_slopbuf);
	CHECK_INT(b.alloc, 0);
	CHECK_INT(mq_buf_adds(&b, "abc"), 0);
	CHECK_INT(mq_buf_printf(&b, "-%d", 42), 0);
	CHECK_STR(b.data, "abc-42");
	CHECK_INT(b.len, 6);
	size_t alloc = b.alloc;
	mq_buf_reset(&b);
	CHECK_STR(b.data, "");
	CHECK_INT(b.alloc, alloc); /* reset keeps the memory */
	mq_buf_free(&b);
	CHECK(b.data == mq_buf_slopbuf);
	CHECK_INT(b.len, 0);
	mq_buf_free(&b); /* twice is fine */
	CHECK_STR(b.data, "");

	CHECK_INT(mq_buf_adds(&b, "xyz"), 0);
	char *s = mq_buf_detach(&b);
	CHECK_STR(s, "xyz");
	CHECK(b.data == mq_buf_slopbuf);
	free(s);
	s = mq_buf_detach(&b); /* an empty buffer detaches a string of its own */
	CHECK_STR(s, "");
	CHECK(s != mq_buf_slopbuf);
	free(s);

	/* adding nothing still gives the buffer memory of its own */
	CHECK_INT(mq_buf_add(&b, "", 0), 0);
	CHECK(b.data != mq_buf_slopbuf);
	CHECK_STR(b.data, "");
	mq_buf_free(&b);
	mq_buf_free(NULL);
	CHECK_INT(mq_buf_slopbuf[0], 0); /* never written */
}

static void zeroed(void)
{
	/* a zeroed buffer is accepted by every function and has data after */
	struct mq_buf z;
	memset(&z, 0, sizeof z);
	mq_buf_reset(&z);
	CHECK_STR(z.data, "");
	memset(&z, 0, sizeof z);
	CHECK_INT(mq_buf_addc(&z, 'q'), 0);
	CHECK_STR(z.data, "q");
	mq_buf_free(&z);
	CHECK_STR(z.data, "");
	memset(&z, 0, sizeof z);
	mq_buf_free(&z);
	CHECK_STR(z.data, "");
}

static void limits(void)
{
	struct mq_buf b = MQ_BUF_INIT_CAP(4);
	CHECK_INT(mq_buf_adds(&b, "abcd"), 0);
	CHECK_INT(mq_buf_addc(&b, 'e'), MQ_ERR_LIMIT);
	CHECK_STR(b.data, "abcd"); /* unchanged on failure */
	mq_buf_free(&b);
	CHECK_INT(b.cap, 4); /* the cap outlives free */

	struct mq_buf o = MQ_BUF_INIT;
	CHECK_INT(mq_buf_adds(&o, "x"), 0);
	CHECK_INT(mq_buf_reserve(&o, SIZE_MAX), MQ_ERR_NOMEM);
	CHECK_INT(mq_buf_reserve(&o, SIZE_MAX - 1), MQ_ERR_NOMEM);
	CHECK_STR(o.data, "x");
	mq_buf_free(&o);

	int *arr = NULL;
	size_t alloc = 0;
	CHECK_INT(mq_grow((void **)&arr, &alloc, 3, sizeof *arr), 0);
	CHECK(alloc >= 3);
	CHECK_INT(arr[2], 0); /* new items zeroed */
	CHECK_INT(mq_grow((void **)&arr, &alloc, SIZE_MAX / 2, sizeof *arr), MQ_ERR_NOMEM);
	CHECK(alloc >= 3 && alloc < 1000); /* left as it was */
	free(arr);

	const char **cells = NULL;
	size_t *lens = NULL, n = 0;
	CHECK_INT(mq_resize_pair((void **)&cells, sizeof *cells, (void **)&lens, sizeof *lens, &n, 4), 0);
	CHECK_INT(n, 4);
	cells[3] = "x";
	lens[3] = 1;
	CHECK_INT(mq_resize_pair((void **)&cells, sizeof *cells, (void **)&lens, sizeof *lens, &n, 8), 0);
	CHECK_STR(cells[3], "x");
	CHECK_INT(lens[3], 1);
	CHECK_INT(mq_resize_pair((void **)&cells, sizeof *cells, (void **)&lens, sizeof *lens, &n, SIZE_MAX / 4),
		  MQ_ERR_NOMEM);
	CHECK_INT(n, 8);
	free(cells);
	free(lens);
}

/* mq_grow refuses sizes that overflow and leaves the array as it was;
 * mq_strs_push owns what it is given, also on failure. */
static void growers(void)
{
	long *v = NULL;
	size_t alloc = 0;
	CHECK_INT(mq_grow((void **)&v, &alloc, 3, sizeof *v), 0);
	CHECK_INT(alloc >= 3, 1);
	CHECK_INT(v[0] == 0 && v[1] == 0 && v[2] == 0, 1); /* new items zeroed */
	v[2] = 7;
	size_t before = alloc;
	CHECK_INT(mq_grow((void **)&v, &alloc, SIZE_MAX / 2, sizeof *v), MQ_ERR_NOMEM);
	CHECK_INT(alloc, before);
	CHECK_INT(v[2], 7);
	free(v);

	char **list = NULL;
	size_t n = 0, a = 0;
	CHECK_INT(mq_strs_push(&list, &n, &a, strdup("one")), 0);
	CHECK_INT(mq_strs_push(&list, &n, &a, NULL), MQ_ERR_NOMEM); /* a failed strdup */
	CHECK_INT(mq_strs_push(&list, &n, &a, strdup("two")), 0);
	CHECK_INT(n, 2);
	CHECK_INT(strcmp(list[0], "one") == 0 && strcmp(list[1], "two") == 0, 1);
	mq_strs_free(list, n);
	mq_strs_free(NULL, 0);
}

static void aligned(void)
{
	struct mq_buf b = MQ_BUF_INIT, capped = MQ_BUF_INIT_CAP(100);
	CHECK_INT(mq_buf_align(&b, 4096, 10000), 0); /* from the slop buffer */
	CHECK_INT((uintptr_t)b.data % 4096, 0);
	CHECK(b.alloc > 10000 && b.len == 0 && b.data[0] == '\0');
	CHECK_INT(mq_buf_adds(&b, "甲镇,一村"), 0);
	const char *was = b.data;
	CHECK_INT(mq_buf_align(&b, 4096, 5000), 0); /* aligned and room: kept */
	CHECK(b.data == was);
	CHECK_INT(mq_buf_align(&b, 4096, 20000), 0); /* more room: moved, bytes kept */
	CHECK_INT((uintptr_t)b.data % 4096, 0);
	CHECK(b.alloc > 20000 && strcmp(b.data, "甲镇,一村") == 0);
	CHECK_INT(mq_buf_add(&b, "x", 1), 0);
	CHECK_INT(b.len, strlen("甲镇,一村x"));
	mq_buf_free(&b);
	CHECK_INT(mq_buf_align(&capped, 64, 1000), MQ_ERR_NOMEM); /* past its cap */
	CHECK(capped.data == mq_buf_slopbuf);
	CHECK_INT(mq_buf_align(&capped, 64, 50), 0);
	CHECK_INT((uintptr_t)capped.data % 64, 0);
	mq_buf_free(&capped);
}

int main(void)
{
	aligned();
	initialisers();
	empty_states();
	zeroed();
	limits();
	growers();
	return check_summary();
}
