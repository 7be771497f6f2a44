/* files.c — atomic output files, folders, staging folders and the
 * search for shipped templates (files.h). */
#include "minqing/core/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <sys/file.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* ---- atomic output ---- */

int mq_mkdirs(const char *dir, struct mq_error *err)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
		return mq_fail(err, MQ_ERR_IO, dir, 0, "路径过长 / path too long");
	for (char *p = path + 1;; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;
		*p = '\0';
		int e = 0;
		struct stat st;
		if (stat(path, &st) && (e = mq_fault()) == 0 && mkdir(path, 0777) && errno != EEXIST)
			e = errno;
		if (e)
			return mq_fail(err, MQ_ERR_IO, path, 0, "无法创建目录 / cannot create directory: %s", mq_errno_text(e));
		if (!(*p = c))
			return 0;
	}
}

#define WB_KEEP (512LL << 20)   /* smaller files stay in the page cache whole */
#define WB_WINDOW (32LL << 20)
#define DIRECT_ALIGN MQ_OUT_BLOCK
#define DIRECT_CHUNK ((size_t)1 << 20)

/* Tests only: MQ_TEST_OUT_KEEP=BYTES[:buffered] sets the cached part (a
 * multiple of 4096) and may turn the direct writes off. */
static long long keep_bytes(int *direct)
{
	const char *s = getenv("MQ_TEST_OUT_KEEP");
	char *end;
	long long n = s ? strtoll(s, &end, 10) : 0;
	*direct = 1;
	if (!s || n <= 0 || n % (long long)DIRECT_ALIGN)
		return WB_KEEP;
	*direct = strcmp(end, ":buffered") != 0;
	return n;
}

int mq_out_open(struct mq_out *o, const char *path, struct mq_error *err)
{
	memset(o, 0, sizeof *o);
	o->direct_fd = -1;
	o->end = -1;
	o->keep = keep_bytes(&o->direct);
	size_t n = strlen(path) + 32;
	o->path = strdup(path);
	o->tmp = malloc(n);
	if (!o->path || !o->tmp) {
		mq_out_abort(o);
		return mq_fail_nomem(err, path, 0);
	}
	snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	int e = mq_fault();
	if (!e && !(o->fp = fopen(o->tmp, "wb")))
		e = errno;
	if (e) {
		mq_out_abort(o);
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法写入文件 / cannot write file: %s", mq_errno_text(e));
	}
	return 0;
}

static void out_error(struct mq_out *o, int e)
{
	if (!o->err)
		o->err = e ? e : EIO;
}

int mq_pwrite_all(int fd, const void *data, size_t n, long long at)
{
	const char *p = data;
	while (n) {
		ssize_t k = pwrite(fd, p, n, (off_t)at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? errno : EIO;
		p += k;
		n -= (size_t)k;
		at += k;
	}
	return 0;
}

/* The writeback of [from, to) is started now; what lies two windows
 * behind `to` is waited for and dropped from the page cache. */
static void write_behind(struct mq_out *o, int fd, long long to)
{
	/* the cached part goes to the disk as it comes (no wait), so the
	 * fsync of the commit has only the tail to write: at 1,000,000
	 * records that fsync was 0.45 s of wall time */
	while (o->started < o->keep && to - o->started >= WB_WINDOW) {
		sync_file_range(fd, o->started, WB_WINDOW, SYNC_FILE_RANGE_WRITE);
		o->started += WB_WINDOW;
	}
	if (o->behind < o->keep)
		o->behind = o->keep;
	/* one window being written back, the one before it waited for and
	 * dropped: the writer never waits for the disk in the usual case */
	while (to - o->behind >= 2 * WB_WINDOW) {
		sync_file_range(fd, o->behind + WB_WINDOW, WB_WINDOW, SYNC_FILE_RANGE_WRITE);
		sync_file_range(fd, o->behind, WB_WINDOW,
				SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
		posix_fadvise(fd, o->behind, WB_WINDOW, POSIX_FADV_DONTNEED);
		o->behind += WB_WINDOW;
	}
}

/* Writes data[0..blocks), whole blocks starting on one in memory, at
 * staged_at: O_DIRECT when it works, else through the page cache, written
 * behind. */
static void write_blocks(struct mq_out *o, const char *data, size_t blocks)
{
	int e = o->direct_fd >= 0 ? mq_pwrite_all(o->direct_fd, data, blocks, o->staged_at) : -1;
	if (e && o->direct_fd >= 0) { /* no O_DIRECT here after all */
		close(o->direct_fd);
		o->direct_fd = -1;
	}
	if (e && (e = mq_pwrite_all(fileno(o->fp), data, blocks, o->staged_at)) == 0)
		write_behind(o, fileno(o->fp), o->staged_at + (long long)blocks);
	if (e)
		out_error(o, e);
	o->staged_at += (long long)blocks;
}

/* Writes the staged bytes whole blocks at a time (write_blocks); a tail
 * shorter than a block stays staged, and when `all` also goes to the file
 * by the stream's descriptor, to be written again with the blocks after
 * it. */
static void stage_out(struct mq_out *o, int all)
{
	size_t blocks = o->nstaged & ~(DIRECT_ALIGN - 1);
	if (blocks) {
		write_blocks(o, o->staged, blocks);
		o->nstaged -= blocks;
		memmove(o->staged, o->staged + blocks, o->nstaged);
	}
	int e;
	if (all && o->nstaged && (e = mq_pwrite_all(fileno(o->fp), o->staged, o->nstaged, o->staged_at)))
		out_error(o, e);
}

/* From the end of the cached part on, bytes are staged in a buffer of
 * ours and written from it, so the stream's descriptor is used by offset
 * and the stream itself no more. */
static int start_staging(struct mq_out *o)
{
	void *p;
	if (fflush(o->fp)) {
		out_error(o, errno);
		return -1;
	}
	if (posix_memalign(&p, DIRECT_ALIGN, DIRECT_CHUNK)) {
		out_error(o, ENOMEM);
		return -1;
	}
	o->staged = p;
	o->staged_at = o->end;
	o->direct_fd = o->direct ? open(o->tmp, O_WRONLY | O_DIRECT | O_CLOEXEC) : -1;
	return 0;
}

void mq_out_write_big(struct mq_out *o, const void *data, size_t len)
{
	const char *p = data;
	if (!o->staged) {
		if (o->end < 0) { /* the first call: what the stream holds is cached too */
			if ((o->end = ftello(o->fp)) < 0) {
				out_error(o, errno);
				return;
			}
			long long whole = (o->end + (long long)DIRECT_ALIGN - 1) & ~((long long)DIRECT_ALIGN - 1);
			o->keep = whole > o->keep ? whole : o->keep;
		}
		size_t k = o->end + (long long)len > o->keep ? (size_t)(o->keep - o->end) : len;
		if (k && fwrite_unlocked(p, 1, k, o->fp) != k)
			out_error(o, errno);
		o->end += (long long)k;
		write_behind(o, fileno(o->fp), o->end);
		if (k == len || start_staging(o))
			return;
		p += k;
		len -= k;
	}
	o->end += (long long)len;
	size_t blocks = len & ~(DIRECT_ALIGN - 1);
	if (!o->nstaged && blocks && !((uintptr_t)p & (DIRECT_ALIGN - 1))) {
		write_blocks(o, p, blocks); /* from the caller's memory: no copy */
		p += blocks;
		len -= blocks;
	}
	while (len) {
		size_t k = DIRECT_CHUNK - o->nstaged < len ? DIRECT_CHUNK - o->nstaged : len;
		memcpy(o->staged + o->nstaged, p, k);
		o->nstaged += k;
		p += k;
		len -= k;
		if (o->nstaged == DIRECT_CHUNK)
			stage_out(o, 0);
	}
	/* whole blocks go now, so the next call may start with none staged */
	if (o->nstaged && !(o->nstaged & (DIRECT_ALIGN - 1)))
		stage_out(o, 0);
}

int mq_out_flush(struct mq_out *o)
{
	if (o->staged)
		stage_out(o, 1);
	else if (fflush(o->fp))
		out_error(o, errno);
	return o->err ? -1 : 0;
}

/* The staging folder this process prepared (mq_stage_dir_prepare): its
 * files are made durable all at once by mq_stage_dir_commit (syncfs), not
 * one fsync each before their renames (547 reports: about 4 s of a
 * 100,000-record run's wall time, the disk waited for one file at a time).
 * Nothing in the folder is seen before that commit, so the promise holds. */
static struct {
	char dir[4300];
	size_t len;
	int fd;      /* opened before any output: syncfs reports errors since */
} deferred = { .fd = -1 };

/* syncfs reports a file's failed writeback only from Linux 5.8 (older
 * kernels, as some 统信 and 麒麟 releases run, return 0 and the error is
 * lost): there every file keeps its own fsync. */
static int syncfs_reports_errors(void)
{
	struct utsname u;
	int major = 0, minor = 0;
	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major > 5 || (major == 5 && minor >= 8);
}

static int in_deferred_stage(const char *path)
{
	return deferred.fd >= 0 && strncmp(path, deferred.dir, deferred.len) == 0 && path[deferred.len] == '/';
}

int mq_file_sync(int fd, const char *path)
{
	if (in_deferred_stage(path)) {
		/* start the writeback now; the commit waits for it */
		if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) && errno != EINVAL && errno != ESPIPE)
			return -1;
		return 0;
	}
	return fsync(fd) && errno != EINVAL ? -1 : 0;
}

/* The staging buffer and the O_DIRECT descriptor, when there are (a
 * struct never opened, all zeros, has none) */
static void staging_free(struct mq_out *o)
{
	if (!o->staged)
		return;
	if (o->direct_fd >= 0)
		close(o->direct_fd);
	o->direct_fd = -1;
	free(o->staged);
	o->staged = NULL;
}

/* 0, or the errno of the first failure (written data, flush, fsync, close, rename) */
static int finish_file(struct mq_out *o)
{
	int e = 0;
	if (o->staged)
		stage_out(o, 1);
	staging_free(o);
	if (o->err)
		e = o->err;
	else if (ferror(o->fp))
		e = errno ? errno : EIO;
	if ((!e && (e = mq_fault())) || (fflush(o->fp) && !e))       /* the data written */
		e = e ? e : errno;
	if (!e && ((e = mq_fault()) || mq_file_sync(fileno(o->fp), o->tmp)))
		e = e ? e : errno;
	int ce = mq_fault();
	if ((fclose(o->fp) || ce) && !e)
		e = ce ? ce : errno;
	o->fp = NULL;
	if (!e && ((e = mq_fault()) || rename(o->tmp, o->path)))
		e = e ? e : errno;
	return e;
}

int mq_out_commit(struct mq_out *o, struct mq_error *err)
{
	int e = finish_file(o);
	if (e) {
		int rc = mq_fail(err, MQ_ERR_IO, o->path, 0, "写入文件失败 / writing failed: %s", mq_errno_text(e));
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
	staging_free(o);
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
#define LOCK_NAME ".minqing.lock"
#define JOURNAL ".commit"

static const char *const parts[] = { "data", "reports", "archive" };
#define NPARTS (sizeof parts / sizeof parts[0])

static int lock_fd = -1;
static pid_t lock_pid;
static char lock_dir[4096], lock_path[4200];

/* The lock file goes with the run that held it (the lock, then the name) */
static void unlock_at_exit(void)
{
	if (lock_fd < 0 || getpid() != lock_pid)
		return; /* a forked child: the parent holds the lock */
	unlink(lock_path);
	close(lock_fd);
	lock_fd = -1;
}

int mq_out_lock(const char *out_dir, struct mq_error *err)
{
	if (lock_fd >= 0 && strcmp(lock_dir, out_dir) == 0)
		return 0;
	char path[4200];
	if (snprintf(path, sizeof path, "%s/" LOCK_NAME, out_dir) >= (int)sizeof path)
		return mq_fail(err, MQ_ERR_IO, out_dir, 0, "路径过长 / path too long");
	for (int tries = 0;; tries++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			return mq_fail(err, MQ_ERR_IO, path, 0, "无法创建锁文件 / cannot create the lock file: %s",
				       mq_errno_text(errno));
		/* flock, not PIDs: it holds across PID namespaces and goes with the process */
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			int e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				return mq_fail(err, MQ_ERR_IO, out_dir, 0,
					       "另一个 minqing 正在写入此输出目录，请等它结束后再运行 / another minqing run is "
					       "writing to this output folder: run again when it has finished");
			return mq_fail(err, MQ_ERR_IO, path, 0, "无法加锁 / cannot lock: %s", mq_errno_text(e));
		}
		/* the holder before us may have removed the name: lock the file the name is */
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			if (lock_fd >= 0)
				close(lock_fd);
			else
				atexit(unlock_at_exit);
			lock_fd = fd;
			lock_pid = getpid();
			snprintf(lock_dir, sizeof lock_dir, "%s", out_dir);
			snprintf(lock_path, sizeof lock_path, "%s", path);
			return 0;
		}
		close(fd);
		if (tries == 100)
			return mq_fail(err, MQ_ERR_IO, path, 0, "无法加锁 / cannot lock");
	}
}

/* inject: a point of the test-only fault injection (error.h) */
static int fsync_dir(const char *dir, int inject)
{
	int e = inject ? mq_fault() : 0;
	if (e) {
		errno = e;
		return -1;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc && e != EINVAL ? -1 : 0;
}

static int part_path(char *out, size_t n, const char *dir, size_t i)
{
	return snprintf(out, n, "%s/%s", dir, parts[i]) >= (int)n ? -1 : 0;
}

/* The journal of a commit: the device and inode of each new part. A part
 * is in place when out_dir/part has that inode (rename keeps inodes). */
struct journal {
	int has[NPARTS];
	unsigned long long dev[NPARTS], ino[NPARTS];
};

static int read_journal(const char *stage, struct journal *j)
{
	char path[4500];
	snprintf(path, sizeof path, "%s/" JOURNAL, stage);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	memset(j, 0, sizeof *j);
	char name[32];
	unsigned long long dev, ino;
	int n = 0;
	while (fscanf(fp, "%31s %llu %llu", name, &dev, &ino) == 3)
		for (size_t i = 0; i < NPARTS; i++)
			if (strcmp(name, parts[i]) == 0) {
				j->has[i] = 1;
				j->dev[i] = dev;
				j->ino[i] = ino;
				n++;
			}
	int complete = fscanf(fp, " end%c", name) == 1 || feof(fp);
	fclose(fp);
	return n && complete ? 0 : -1;
}

static int is_inode(const char *path, unsigned long long dev, unsigned long long ino)
{
	struct stat st;
	return lstat(path, &st) == 0 && (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* Puts stage/part in out_dir's place; out_dir's old part (if any) goes to stage/part. */
static int swap_part(const char *from, const char *to, int inject)
{
	int e = inject ? mq_fault() : 0;
	if (e) {
		errno = e;
		return -1;
	}
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno == ENOENT)
		return rename(from, to);
	return -1;
}

/* A killed run's commit: parts not yet in place are put in place (roll
 * forward); the journal was complete, so every new part is whole. */
static int roll_forward(const char *stage, const char *out_dir, const struct journal *j, struct mq_error *err)
{
	for (size_t i = 0; i < NPARTS; i++) {
		char from[4300], to[4300];
		if (!j->has[i] || part_path(from, sizeof from, stage, i) || part_path(to, sizeof to, out_dir, i))
			continue;
		if (is_inode(to, j->dev[i], j->ino[i]) || !is_inode(from, j->dev[i], j->ino[i]))
			continue;
		if (swap_part(from, to, 0))
			return mq_fail(err, MQ_ERR_IO, to, 0, "无法完成上次中断的输出替换 / cannot complete the "
				       "interrupted replacement of the outputs: %s", mq_errno_text(errno));
	}
	fsync_dir(out_dir, 0);
	return 0;
}

/* "NAME.tmp.PID" files (mq_out_open) and ".tmp.PID" folders a killed
 * command left in a part of the outputs */
static void remove_temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *t = strstr(e->d_name, ".tmp.");
		if (!t)
			continue;
		const char *p = t + 5;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p || p == t + 5)
			continue;
		char path[4600];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		mq_remove_tree(path);
	}
	closedir(d);
}

int mq_stage_dir_recover(const char *out_dir, struct mq_error *err)
{
	int rc = mq_out_lock(out_dir, err);
	if (rc)
		return rc;
	DIR *d = opendir(out_dir);
	if (!d)
		return mq_fail(err, MQ_ERR_IO, out_dir, 0, "无法读取目录 / cannot read folder: %s", mq_errno_text(errno));
	struct dirent *e;
	while (!rc && (e = readdir(d))) {
		if (strncmp(e->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) != 0)
			continue;
		/* we hold the folder's lock: whatever run left this is gone */
		char old[4400];
		snprintf(old, sizeof old, "%s/%s", out_dir, e->d_name);
		struct journal j;
		if (read_journal(old, &j) == 0)
			rc = roll_forward(old, out_dir, &j, err);
		if (!rc)
			mq_remove_tree(old);
	}
	closedir(d);
	for (size_t i = 0; i < NPARTS && !rc; i++) {
		char dir[4300];
		if (part_path(dir, sizeof dir, out_dir, i) == 0)
			remove_temporaries(dir);
	}
	return rc;
}

int mq_stage_dir_prepare(const char *out_dir, char *stage, size_t stage_size, struct mq_error *err)
{
	int rc = mq_mkdirs(out_dir, err);
	if (!rc)
		rc = mq_stage_dir_recover(out_dir, err);
	if (rc)
		return rc;
	if (snprintf(stage, stage_size, "%s/" STAGE_PREFIX "%ld", out_dir, (long)getpid()) >= (int)stage_size)
		return mq_fail(err, MQ_ERR_IO, out_dir, 0, "路径过长 / path too long");
	mq_remove_tree(stage);
	mq_fail_alias(stage, out_dir); /* messages name OUT/reports/…, not the staging folder */
	rc = mq_mkdirs(stage, err);
	if (!rc && deferred.fd < 0 && strlen(stage) < sizeof deferred.dir && syncfs_reports_errors() &&
	    (deferred.fd = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		strcpy(deferred.dir, stage);
		deferred.len = strlen(stage);
	}
	return rc;
}

/* Every file of the staging folder durable: one syncfs for the files whose
 * fsync mq_file_sync left to the commit (then none is left). 0, or -1 and
 * errno. */
static int stage_durable(const char *stage)
{
	if (deferred.fd < 0 || strcmp(stage, deferred.dir) != 0)
		return 0;
	int e = mq_fault();
	if (!e && syncfs(deferred.fd))
		e = errno;
	close(deferred.fd);
	deferred.fd = -1;
	errno = e;
	return e ? -1 : 0;
}

static int write_journal(const char *stage, struct journal *j, struct mq_error *err)
{
	char path[4300];
	snprintf(path, sizeof path, "%s/" JOURNAL, stage);
	struct mq_out o;
	int rc = mq_out_open(&o, path, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < NPARTS; i++)
		if (j->has[i])
			fprintf(o.fp, "%s %llu %llu\n", parts[i], j->dev[i], j->ino[i]);
	fputs("end\n", o.fp);
	rc = mq_out_commit(&o, err);
	if (!rc && fsync_dir(stage, 1))
		rc = mq_fail(err, MQ_ERR_IO, stage, 0, "写入文件失败 / writing failed: %s", mq_errno_text(errno));
	return rc;
}

int mq_stage_dir_commit(const char *stage, const char *out_dir, struct mq_error *err)
{
	struct journal j = {0};
	char from[NPARTS][4300], to[NPARTS][4300];
	int rc = 0;
	/* the new parts durable first: their files, their folders' entries, then the journal */
	if (stage_durable(stage))
		rc = mq_fail(err, MQ_ERR_IO, stage, 0, "写入文件失败 / writing failed: %s", mq_errno_text(errno));
	for (size_t i = 0; i < NPARTS && !rc; i++) {
		struct stat st;
		if (part_path(from[i], sizeof from[i], stage, i) || part_path(to[i], sizeof to[i], out_dir, i))
			return mq_fail(err, MQ_ERR_IO, out_dir, 0, "路径过长 / path too long");
		if (lstat(from[i], &st))
			continue;
		if (fsync_dir(from[i], 1))
			rc = mq_fail(err, MQ_ERR_IO, from[i], 0, "写入文件失败 / writing failed: %s", mq_errno_text(errno));
		j.has[i] = 1;
		j.dev[i] = (unsigned long long)st.st_dev;
		j.ino[i] = (unsigned long long)st.st_ino;
	}
	if (!rc)
		rc = write_journal(stage, &j, err);
	if (rc) {
		mq_remove_tree(stage);
		return rc;
	}
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	size_t done = 0;
	const char *failed = out_dir;
	int e = 0;
	for (; done < NPARTS; done++)
		if (j.has[done] && swap_part(from[done], to[done], 1)) {
			e = errno;
			failed = to[done];
			break; /* parts [0, done) are swapped */
		}
	if (!e && fsync_dir(out_dir, 1))
		e = errno;
	if (e) {
		/* put back what was swapped: the previous outputs stay whole */
		int back = 0;
		while (done-- > 0)
			if (j.has[done] && swap_part(to[done], from[done], 0))
				back = -1;
		fsync_dir(out_dir, 0);
		char path[4300];
		snprintf(path, sizeof path, "%s/" JOURNAL, stage);
		if (back == 0 && unlink(path) == 0) {
			rc = mq_fail(err, MQ_ERR_IO, failed, 0, "无法替换输出，原有输出未改动 / cannot replace the "
				     "outputs, the previous ones are unchanged: %s", mq_errno_text(e));
			mq_remove_tree(stage);
		} else { /* the next run completes the commit from the journal */
			rc = mq_fail(err, MQ_ERR_IO, failed, 0, "无法替换输出，下次运行时完成 / cannot replace the "
				     "outputs; the next run completes the replacement: %s", mq_errno_text(e));
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (!rc)
		mq_remove_tree(stage);
	return rc;
}

/* ---- template files ---- */

static const char *templates_option; /* --templates or the config file's templates */

void mq_templates_set_dir(const char *dir)
{
	templates_option = dir && *dir ? dir : NULL;
}

/* The places of the search, first wins (README: where templates come from).
 * Never the current folder: a ./templates lying about must not replace
 * the office's templates by accident. */
static const char *const template_places[MQ_TEMPLATE_PLACES] = {
	"--templates", "$MINQING_TEMPLATES", "$XDG_DATA_HOME/minqing/templates", "installed", "checkout",
};

int mq_template_dir(int place, char *out, size_t outlen, const char **what)
{
	const char *v = NULL;
	out[0] = '\0';
	if (place < 0 || place >= MQ_TEMPLATE_PLACES)
		return -1;
	*what = template_places[place];
	switch (place) {
	case 0:
		v = templates_option;
		break;
	case 1:
		v = getenv("MINQING_TEMPLATES");
		break;
	case 2:
		/* XDG base directories: a relative XDG_DATA_HOME is ignored */
		if ((v = getenv("XDG_DATA_HOME")) && v[0] == '/')
			snprintf(out, outlen, "%s/minqing/templates", v);
		else if ((v = getenv("HOME")) && v[0] == '/')
			snprintf(out, outlen, "%s/.local/share/minqing/templates", v);
		return 0;
	default: {
		/* beside the program: /usr/bin/minqing -> /usr/share/minqing/templates;
		 * build/minqing of a checkout -> templates/ */
		char exe[PATH_MAX];
		ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
		char *slash = len > 0 ? (exe[len] = '\0', strrchr(exe, '/')) : NULL;
		if (slash) {
			*slash = '\0'; /* the program's folder, then its parent */
			if ((slash = strrchr(exe, '/')))
				*slash = '\0';
			else
				snprintf(exe, sizeof exe, "..");
			snprintf(out, outlen, place == 3 ? "%s/share/minqing/templates" : "%s/templates", exe);
		}
		return 0;
	}
	}
	if (v && *v)
		snprintf(out, outlen, "%s", v);
	return 0;
}

int mq_find_template(const char *name, char *out, size_t outlen, struct mq_error *err)
{
	char tried[4 * PATH_MAX] = "", dir[PATH_MAX];
	const char *what;
	for (int i = 0; mq_template_dir(i, dir, sizeof dir, &what) == 0; i++) {
		if (!dir[0])
			continue;
		snprintf(out, outlen, "%s/%s", dir, name);
		struct stat st;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
		size_t used = strlen(tried);
		snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", out);
	}
	return mq_fail(err, MQ_ERR_IO, name, 0, "找不到模板文件 / template file not found: %s (looked at %.900s)",
		       name, tried);
}

