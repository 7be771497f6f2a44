/* bgwrite.c — a writer thread behind a queue of buffers (bgwrite.h). */
#include "minqing/core/bgwrite.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

struct mq_bgwrite {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* queue[head .. head + count) wait to be written, queue[head] being
	 * written first; done[0 .. ndone) have been, their memory kept
	 * for the caller's next buffers */
	struct mq_buf queue[MQ_BGWRITE_QUEUE], done[MQ_BGWRITE_QUEUE];
	int head, count, ndone, quit, rc;
	mq_bgwrite_fn fn;
	void *ctx;
};

static void *writer_main(void *arg)
{
	struct mq_bgwrite *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->count && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->count)
			break;
		struct mq_buf *b = &w->queue[w->head];
		pthread_mutex_unlock(&w->mu);
		/* queue[head] is this thread's alone until count drops */
		int rc = w->rc ? 0 : w->fn(w->ctx, b->data, b->len);
		pthread_mutex_lock(&w->mu);
		if (rc && !w->rc)
			w->rc = rc;
		mq_buf_reset(b);
		w->done[w->ndone++] = *b;
		w->head = (w->head + 1) % MQ_BGWRITE_QUEUE;
		w->count--;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int mq_thread_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	/* faults stay with the thread that caused them */
	static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP };
	sigset_t all, old;
	sigfillset(&all);
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
		sigdelset(&all, faults[i]);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void mq_thread_stop(pthread_t th, pthread_mutex_t *mu, pthread_cond_t *cv, int *flag)
{
	pthread_mutex_lock(mu);
	*flag = 1;
	pthread_cond_broadcast(cv);
	pthread_mutex_unlock(mu);
	pthread_join(th, NULL);
}

struct mq_bgwrite *mq_bgwrite_new(mq_bgwrite_fn fn, void *ctx)
{
	/* test-only: the same writes on the caller's thread (writer_thread.sh) */
	if (getenv("MQ_TEST_NO_WRITER_THREAD"))
		return NULL;
	struct mq_bgwrite *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->fn = fn;
	w->ctx = ctx;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (mq_thread_start(&w->th, writer_main, w)) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w);
		return NULL;
	}
	return w;
}

int mq_bgwrite_put(struct mq_bgwrite *w, struct mq_buf *buf)
{
	pthread_mutex_lock(&w->mu);
	while (w->count == MQ_BGWRITE_QUEUE)
		pthread_cond_wait(&w->cv, &w->mu);
	if (buf->len) {
		w->queue[(w->head + w->count) % MQ_BGWRITE_QUEUE] = *buf;
		w->count++;
		if (w->ndone)
			*buf = w->done[--w->ndone];
		else
			mq_buf_init(buf);
		pthread_cond_broadcast(&w->cv);
	}
	int rc = w->rc;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int mq_bgwrite_wait(struct mq_bgwrite *w)
{
	pthread_mutex_lock(&w->mu);
	while (w->count)
		pthread_cond_wait(&w->cv, &w->mu);
	int rc = w->rc;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

void mq_bgwrite_free(struct mq_bgwrite *w)
{
	if (!w)
		return;
	mq_bgwrite_wait(w);
	mq_thread_stop(w->th, &w->mu, &w->cv, &w->quit);
	for (int i = 0; i < w->ndone; i++)
		mq_buf_free(&w->done[i]);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
