/* error.h — error codes and the error struct every layer fills.
 *
 * Every function that can fail returns 0 on success or a negative MQ_ERR_*
 * code and, when given a struct mq_error, fills it; the caller owns the
 * struct. A fatal error of the run maps to exit status 3. */
#ifndef MINQING_CORE_ERROR_H
#define MINQING_CORE_ERROR_H


/* Error codes; a fatal error of the run maps to exit status 3. */
enum {
	MQ_OK = 0,
	MQ_ERR_IO = -1,     /* a file could not be read or written */
	MQ_ERR_NOMEM = -2,
	MQ_ERR_FORMAT = -3, /* a configuration, template or reference file is invalid */
	MQ_ERR_USAGE = -4,
	MQ_ERR_LIMIT = -5,  /* input exceeds a safety limit */
	MQ_ERR_VERIFY = -6, /* a package failed verification */
};

struct mq_error {
	int code;          /* 0 when nothing went wrong */
	char file[512];    /* the subject file, "" when none */
	long line;         /* 0 when unknown */
	char message[1024];/* Chinese and English, one line */
};

/* Fills err (may be NULL) and returns code, so a caller writes
 * `return mq_fail(err, MQ_ERR_IO, path, 0, "...%s", x);`. */
int mq_fail(struct mq_error *err, int code, const char *file, long line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Errors name the paths a clerk knows: from here on, mq_fail writes a
 * path that begins with `from` (a staging folder) as beginning with `to`
 * (the output folder it replaces), in the file and the message. One alias
 * per process (files.c sets it for the staging folder); NULL clears it. */
void mq_fail_alias(const char *from, const char *to);
/* The one out-of-memory error: mq_fail with MQ_ERR_NOMEM and its message. */
int mq_fail_nomem(struct mq_error *err, const char *file, long line);
/* Its message, for the few places that print it without a struct. */
extern const char mq_nomem_message[];

/* The cause of a failed system call for a clerk, "中文 / English" (a static
 * string): 磁盘空间不足 / no space left on device, 只读文件系统 / read-only
 * file system, …; strerror's text for the rest. */
const char *mq_errno_text(int e);

/* Test-only fault injection for the output layer. With the environment
 * variable MINQING_TEST_FAULT="N:ERR" (ERR: ENOSPC, EIO, EROFS, EDQUOT or
 * KILL), the Nth call of mq_fault in the process returns that errno (KILL:
 * the process kills itself with SIGKILL, as a crash would); every other
 * call returns 0. With MINQING_TEST_FAULT=count the process prints
 * "fault points: N" to stderr at exit. The output layer (core/files.c, the
 * PDF and ZIP writers) calls it before each open, write, fsync, close and
 * rename of an output; nothing calls it when the variable is unset.
 * Points are counted per process: give --jobs 1 (no render children, one
 * archive thread) for the same numbering on every run. */
int mq_fault(void);

#endif
