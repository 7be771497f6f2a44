/* error.c — filling a struct mq_error (error.h). */
#include "minqing/core/error.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static char alias_from[600], alias_to[600];

void mq_fail_alias(const char *from, const char *to)
{
	int ok = from && to && snprintf(alias_from, sizeof alias_from, "%s", from) < (int)sizeof alias_from &&
		 snprintf(alias_to, sizeof alias_to, "%s", to) < (int)sizeof alias_to;
	if (!ok)
		alias_from[0] = alias_to[0] = '\0';
}

/* Rewrites each alias_from in s as alias_to, in place, cut to n bytes. */
static void unalias(char *s, size_t n)
{
	size_t k = strlen(alias_from), t = strlen(alias_to);
	char *p = s;
	if (!k)
		return;
	while ((p = strstr(p, alias_from))) {
		char after = p[k];
		if (after >= '0' && after <= '9') { /* another PID's staging folder */
			p += k;
			continue;
		}
		size_t tail = strlen(p + k), at = (size_t)(p - s);
		if (at + t >= n)
			break;
		if (at + t + tail >= n)
			tail = n - 1 - at - t;
		memmove(p + t, p + k, tail);
		p[t + tail] = '\0';
		memcpy(p, alias_to, t);
		p += t;
	}
}

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
	unalias(err->file, sizeof err->file);
	unalias(err->message, sizeof err->message);
	return code;
}


const char mq_nomem_message[] = "内存不足 / out of memory";

int mq_fail_nomem(struct mq_error *err, const char *file, long line)
{
	return mq_fail(err, MQ_ERR_NOMEM, file, line, "%s", mq_nomem_message);
}

const char *mq_errno_text(int e)
{
	static const struct { int e; const char *text; } causes[] = {
		{ENOSPC, "磁盘空间不足 / no space left on device"},
		{EDQUOT, "磁盘配额已用完 / disk quota exceeded"},
		{EROFS, "只读文件系统 / read-only file system"},
		{ENOENT, "文件或目录不存在 / no such file or directory"},
		{EIO, "磁盘读写错误 / input/output error"},
		{EACCES, "没有权限 / permission denied"},
		{EPERM, "操作不允许 / operation not permitted"},
		{ENAMETOOLONG, "文件名过长 / file name too long"},
		{EFBIG, "文件过大 / file too large"},
		{EBUSY, "设备或资源忙（挂载点？）/ device or resource busy (a mount point?)"},
	};
	for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++)
		if (causes[i].e == e)
			return causes[i].text;
	return strerror(e);
}

/* ---- test-only fault injection ---- */

static long fault_at = -1, fault_calls;
static int fault_errno, fault_count, fault_ready;

static void print_fault_count(void)
{
	fprintf(stderr, "fault points: %ld\n", fault_calls);
}

int mq_fault(void)
{
	if (!fault_ready) {
		static const struct { const char *name; int e; } names[] = {
			{"ENOSPC", ENOSPC}, {"EIO", EIO}, {"EROFS", EROFS}, {"EDQUOT", EDQUOT}, {"KILL", -1},
		};
		const char *v = getenv("MINQING_TEST_FAULT");
		fault_ready = 1;
		if (v && strcmp(v, "count") == 0) {
			fault_count = 1;
			atexit(print_fault_count);
		} else if (v && *v) {
			char *colon;
			fault_at = strtol(v, &colon, 10);
			for (size_t i = 0; *colon == ':' && i < sizeof names / sizeof names[0]; i++)
				if (strcmp(colon + 1, names[i].name) == 0)
					fault_errno = names[i].e;
			if (!fault_errno)
				fault_at = -1;
		}
	}
	if (fault_at < 0 && !fault_count)
		return 0;
	if (__atomic_add_fetch(&fault_calls, 1, __ATOMIC_RELAXED) != fault_at)
		return 0;
	if (fault_errno < 0)
		raise(SIGKILL);
	return fault_errno;
}
