/* files.c — atomic output files, folders, staging folders and the
 * search for shipped templates (files.h). */
#include "minqing/core/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- atomic output ---- */

int mq_mkdirs(const char *dir, struct mq_error *err)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
		return mq_fail(err, MQ_ERR_IO, dir, 0, "路径过长 / path too long");
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) && errno != EEXIST)
			return mq_fail(err, MQ_ERR_IO, path, 0, "无法创建目录 / cannot create directory: %s", strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0777) && errno != EEXIST)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法创建目录 / cannot create directory: %s", strerror(errno));
	return 0;
}

int mq_out_open(struct mq_out *o, const char *path, struct mq_error *err)
{
	memset(o, 0, sizeof *o);
	size_t n = strlen(path) + 32;
	o->path = strdup(path);
	o->tmp = malloc(n);
	if (!o->path || !o->tmp) {
		mq_out_abort(o);
		return mq_fail_nomem(err, path, 0);
	}
	snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	o->fp = fopen(o->tmp, "wb");
	if (!o->fp) {
		int e = errno;
		mq_out_abort(o);
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法写入文件 / cannot write file: %s", strerror(e));
	}
	return 0;
}

#define WB_KEEP (512LL << 20)   /* smaller files stay in the page cache whole */
#define WB_WINDOW (32LL << 20)

void mq_out_write_behind(struct mq_out *o, long long written)
{
	if (o->behind < WB_KEEP)
		o->behind = WB_KEEP;
	int fd = fileno(o->fp);
	/* one window being written back, the one before it waited for and
	 * dropped: the writer never waits for the disk in the usual case */
	while (written - o->behind >= 2 * WB_WINDOW) {
		sync_file_range(fd, o->behind + WB_WINDOW, WB_WINDOW, SYNC_FILE_RANGE_WRITE);
		sync_file_range(fd, o->behind, WB_WINDOW,
				SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
		posix_fadvise(fd, o->behind, WB_WINDOW, POSIX_FADV_DONTNEED);
		o->behind += WB_WINDOW;
	}
}

int mq_out_commit(struct mq_out *o, struct mq_error *err)
{
	int bad = ferror(o->fp);
	bad |= fflush(o->fp) != 0;
	bad |= fsync(fileno(o->fp)) != 0 && errno != EINVAL;
	bad |= fclose(o->fp) != 0;
	o->fp = NULL;
	if (bad || rename(o->tmp, o->path)) {
		int e = errno;
		int rc = mq_fail(err, MQ_ERR_IO, o->path, 0, "写入文件失败 / writing failed: %s", strerror(e));
		mq_out_abort(o);
		return rc;
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return 0;
}

void mq_out_abort(struct mq_out *o)
{
	if (!o)
		return;
	if (o->fp)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
}


/* ---- staging folders ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int mq_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st))
		return 0;
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#define STAGE_PREFIX ".minqing.tmp."

int mq_stage_dir_prepare(const char *out_dir, char *stage, size_t stage_size, struct mq_error *err)
{
	int rc = mq_mkdirs(out_dir, err);
	if (rc)
		return rc;
	DIR *d = opendir(out_dir);
	if (!d)
		return mq_fail(err, MQ_ERR_IO, out_dir, 0, "无法读取目录 / cannot read folder: %s", strerror(errno));
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) != 0)
			continue;
		long pid = strtol(e->d_name + strlen(STAGE_PREFIX), NULL, 10);
		if (pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH) {
			char old[4200];
			snprintf(old, sizeof old, "%s/%s", out_dir, e->d_name);
			mq_remove_tree(old);
		}
	}
	closedir(d);
	if (snprintf(stage, stage_size, "%s/" STAGE_PREFIX "%ld", out_dir, (long)getpid()) >= (int)stage_size)
		return mq_fail(err, MQ_ERR_IO, out_dir, 0, "路径过长 / path too long");
	mq_remove_tree(stage);
	return mq_mkdirs(stage, err);
}

int mq_stage_dir_commit(const char *stage, const char *out_dir, struct mq_error *err)
{
	static const char *const parts[] = { "data", "reports", "archive" };
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	int rc = 0;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0] && !rc; i++) {
		char from[4200], to[4200];
		snprintf(from, sizeof from, "%s/%s", stage, parts[i]);
		snprintf(to, sizeof to, "%s/%s", out_dir, parts[i]);
		struct stat st;
		if (lstat(from, &st))
			continue;
		if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE) == 0)
			continue;
		if (errno == ENOENT && rename(from, to) == 0)
			continue;
		rc = mq_fail(err, MQ_ERR_IO, to, 0, "无法替换输出 / cannot replace the output: %s", strerror(errno));
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	mq_remove_tree(stage);
	return rc;
}

/* ---- template files ---- */

int mq_find_template(const char *name, char *out, size_t outlen, struct mq_error *err)
{
	char dirs[4][PATH_MAX];
	int n = 0;
	const char *env = getenv("MINQING_TEMPLATES");
	if (env && *env)
		snprintf(dirs[n++], PATH_MAX, "%s", env);
	snprintf(dirs[n++], PATH_MAX, "templates");
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dirs[n++], PATH_MAX, "%.3000s/../share/minqing/templates", exe);
			/* a program run from the build folder of a checkout */
			snprintf(dirs[n++], PATH_MAX, "%.3000s/../templates", exe);
		}
	}
	char tried[4 * PATH_MAX] = "";
	for (int i = 0; i < n; i++) {
		snprintf(out, outlen, "%s/%s", dirs[i], name);
		struct stat st;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
		size_t used = strlen(tried);
		snprintf(tried + used, sizeof tried - used, "%s%s", i ? ", " : "", out);
	}
	return mq_fail(err, MQ_ERR_IO, name, 0, "找不到模板文件 / template file not found: %s (looked at %.900s)",
		       name, tried);
}

