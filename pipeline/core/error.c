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

