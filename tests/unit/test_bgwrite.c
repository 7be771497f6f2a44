/* Unit tests of the writer thread (core/bgwrite.h): every buffer handed
 * over is written once, in the order handed, also when the caller hands
 * them faster than they are written (the queue fills and the caller
 * waits); a buffer given back holds no bytes; mq_bgwrite_wait returns when
 * all are written; the first write's error is returned from then on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "minqing/core/bgwrite.h"

struct sink {
	struct mq_buf out;
	int calls, fail_at;   /* the call that fails (0: none) */
	int slow;             /* each write sleeps a little: the queue fills */
};

static int sink_write(void *ctx, const char *data, size_t len)
{
	struct sink *s = ctx;
	if (s->slow) {
		struct timespec ts = { 0, 200000 };
		nanosleep(&ts, NULL);
	}
	if (++s->calls == s->fail_at)
		return -5;
	return mq_buf_add(&s->out, data, len) ? -1 : 0;
}

static void in_order(int slow)
{
	struct sink s = { .out = MQ_BUF_INIT, .slow = slow };
	struct mq_bgwrite *w = mq_bgwrite_new(sink_write, &s);
	CHECK(w != NULL);
	if (!w)
		return;
	struct mq_buf b = MQ_BUF_INIT, want = MQ_BUF_INIT;
	int given_back_empty = 1, rc = 0;
	for (int i = 0; i < 200; i++) {
		for (int k = 0; k <= i % 7; k++) {
			char piece[32];
			int n = snprintf(piece, sizeof piece, "%d.%d;", i, k);
			CHECK_INT(mq_buf_add(&b, piece, (size_t)n), 0);
			CHECK_INT(mq_buf_add(&want, piece, (size_t)n), 0);
		}
		rc |= mq_bgwrite_put(w, &b);
		given_back_empty &= b.len == 0;
	}
	CHECK_INT(rc, 0);
	CHECK(given_back_empty);
	CHECK_INT(mq_bgwrite_wait(w), 0);
	CHECK_INT(s.calls, 200);
	CHECK(s.out.len == want.len && memcmp(s.out.data, want.data, want.len) == 0);
	mq_bgwrite_free(w);
	mq_buf_free(&b);
	mq_buf_free(&want);
	mq_buf_free(&s.out);
}

static void first_error(void)
{
	struct sink s = { .out = MQ_BUF_INIT, .fail_at = 3 };
	struct mq_bgwrite *w = mq_bgwrite_new(sink_write, &s);
	CHECK(w != NULL);
	if (!w)
		return;
	struct mq_buf b = MQ_BUF_INIT;
	for (int i = 0; i < 10; i++) {
		CHECK_INT(mq_buf_adds(&b, "row\n"), 0);
		mq_bgwrite_put(w, &b);
	}
	CHECK_INT(mq_bgwrite_wait(w), -5);
	CHECK_INT(mq_bgwrite_put(w, &b), -5); /* an empty hand-over still tells it */
	/* after the error nothing more is written */
	CHECK_INT(s.calls, 3);
	CHECK_INT((int)s.out.len, 8);
	mq_bgwrite_free(w);
	mq_buf_free(&b);
	mq_buf_free(&s.out);
}

int main(void)
{
	in_order(0);
	in_order(1);
	first_error();
	return check_summary();
}
