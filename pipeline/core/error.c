/* error.c — filling a struct mq_error (error.h). */
#include "minqing/core/error.h"

#include <stdarg.h>
#include <stdio.h>


int mq_fail(struct mq_error *err, int code, const char *file, long line,
	    const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return code;
}


const char mq_nomem_message[] = "内存不足 / out of memory";

int mq_fail_nomem(struct mq_error *err, const char *file, long line)
{
	return mq_fail(err, MQ_ERR_NOMEM, file, line, "%s", mq_nomem_message);
}
