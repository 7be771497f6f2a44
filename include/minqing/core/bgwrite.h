/* bgwrite.h — writes on a thread of their own, so the caller's thread
 * (the one that keeps the records in order) does not pay for the copy
 * into the kernel. The caller fills a buffer and hands it over; the thread
 * writes it while the caller fills the next ones. Up to
 * MQ_BGWRITE_QUEUE buffers wait at once, so a slow moment of the disk
 * does not stop the caller. */
#ifndef MINQING_CORE_BGWRITE_H
#define MINQING_CORE_BGWRITE_H

#include <pthread.h>
#include <stddef.h>

#include "minqing/core/buf.h"

/* Writes data[0..len) wherever the owner wants it; 0 or a negative
 * MQ_ERR_*. Runs on the writer's thread, one call at a time. */
typedef int (*mq_bgwrite_fn)(void *ctx, const char *data, size_t len);

#define MQ_BGWRITE_QUEUE 4

struct mq_bgwrite;

/* Starts a thread running fn(arg) with asynchronous signals blocked in it,
 * so Ctrl-C and kill reach the calling thread; returns pthread_create's
 * value (0 on success). The reader and writer threads start through it. */
int mq_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);

/* Stops a thread started so: sets *flag to 1 under mu, wakes every waiter
 * on cv and joins th. The thread must check *flag under mu while it waits. */
void mq_thread_stop(pthread_t th, pthread_mutex_t *mu, pthread_cond_t *cv, int *flag);

/* A writer calling fn(ctx, …) for each buffer handed over, in order.
 * NULL when the thread cannot start, or when the environment sets
 * MQ_TEST_NO_WRITER_THREAD (tests): the caller then writes itself. */
struct mq_bgwrite *mq_bgwrite_new(mq_bgwrite_fn fn, void *ctx);
/* Hands buf's bytes over: waits while the queue is full, then takes
 * buf's memory and leaves buf empty (with the memory of a write done,
 * when there is one). Returns the first error any write has had, else 0. */
int mq_bgwrite_put(struct mq_bgwrite *w, struct mq_buf *buf);
/* Waits until every byte handed over is written; the first error or 0. */
int mq_bgwrite_wait(struct mq_bgwrite *w);
/* Waits, stops the thread and frees the writer (NULL is fine). */
void mq_bgwrite_free(struct mq_bgwrite *w);

#endif
