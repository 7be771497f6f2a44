/* Unit tests of the atomic output file's big-file path (core/files.h):
 * bytes given to mq_out_write_big after a header written through the
 * stream land in the file in order, whether they stay in the cached part,
 * go O_DIRECT past it or through the page cache where that is turned off
 * (MQ_TEST_OUT_KEEP); mq_out_flush puts every byte so far in the file for
 * another descriptor to read, again and again while the file grows; the
 * commit renames the whole, and an abort leaves nothing. The same when the
 * caller's memory starts on a block (MQ_OUT_BLOCK) and the file's end is
 * one, so whole blocks go from that memory without a copy. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "minqing/core/files.h"

#define TOTAL (3u << 20)

static char dir[512];

/* The byte at offset i of what is written after the header: no run of it
 * repeats at a block's distance, so a block written at the wrong offset shows */
static char byte_at(size_t i) { return (char)('a' + (i * 7 + i / 4093) % 26); }

static int read_back(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t got = 0;
	ssize_t k;
	while (got < n && (k = pread(fd, buf + got, n - got, (off_t)got)) > 0)
		got += (size_t)k;
	close(fd);
	return got == n ? 0 : -1;
}

/* aligned: the header fills a block and the chunks start on one, most of
 * them whole blocks long (the others leave a part of one staged) */
static void one_file(const char *keep, int commit, int aligned)
{
	char path[600];
	snprintf(path, sizeof path, "%s/out_%s.csv", dir, keep ? keep : "default");
	if (keep)
		setenv("MQ_TEST_OUT_KEEP", keep, 1);
	else
		unsetenv("MQ_TEST_OUT_KEEP");
	struct mq_out o;
	struct mq_error err = { 0 };
	CHECK_INT(mq_out_open(&o, path, &err), 0);
	/* not a whole block, unless aligned: the staging starts past it */
	char header[MQ_OUT_BLOCK + 1] = "record_id,visit_date\n";
	if (aligned) {
		memset(header, ' ', MQ_OUT_BLOCK - 1);
		header[MQ_OUT_BLOCK - 1] = '\n';
		header[MQ_OUT_BLOCK] = '\0';
	}
	fputs(header, o.fp);
	size_t hl = strlen(header), done = 0, step = 1;
	void *mem = NULL;
	char *want = malloc(hl + TOTAL), *got = malloc(hl + TOTAL);
	char *chunk = posix_memalign(&mem, MQ_OUT_BLOCK, 300000) ? NULL : mem;
	CHECK(want && got && chunk);
	if (!want || !got || !chunk)
		goto out;
	memcpy(want, header, hl);
	for (size_t i = 0; i < TOTAL; i++)
		want[hl + i] = byte_at(i);
	int flushes = 0, flushed_right = 0;
	while (done < TOTAL) {
		size_t n = (step * 40503u) % 299999u + 1; /* 1 to 299,999 bytes */
		if (aligned && step % 4)
			n = n < MQ_OUT_BLOCK ? MQ_OUT_BLOCK : n & ~(MQ_OUT_BLOCK - 1);
		if (n > TOTAL - done)
			n = TOTAL - done;
		memcpy(chunk, want + hl + done, n);
		mq_out_write_big(&o, chunk, n);
		memset(chunk, 'X', n); /* the caller's memory is its own again */
		done += n;
		if (step++ % 3 == 0) {
			flushes++;
			if (mq_out_flush(&o) == 0 && read_back(o.tmp, got, hl + done) == 0 &&
			    memcmp(got, want, hl + done) == 0)
				flushed_right++;
		}
	}
	CHECK(flushes > 5);
	CHECK_INT(flushed_right, flushes);
	if (!commit) {
		char tmp[700];
		snprintf(tmp, sizeof tmp, "%s", o.tmp);
		mq_out_abort(&o);
		CHECK(access(tmp, F_OK) != 0);
		CHECK(access(path, F_OK) != 0);
		goto out;
	}
	CHECK_INT(mq_out_commit(&o, &err), 0);
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_size == (off_t)(hl + TOTAL));
	CHECK(read_back(path, got, hl + TOTAL) == 0 && memcmp(got, want, hl + TOTAL) == 0);
	unlink(path);
out:
	free(want);
	free(got);
	free(chunk);
}

int main(void)
{
	/* the build folder: on the disk the outputs go to, where /tmp may be tmpfs */
	const char *build = getenv("BUILD");
	snprintf(dir, sizeof dir, "%s/test_files.XXXXXX", build && *build ? build : ".");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	one_file(NULL, 1, 0);            /* all of it in the cached part, through the stream */
	one_file("8192", 1, 0);          /* O_DIRECT past 8 KB where the file system takes it */
	one_file("8192:buffered", 1, 0); /* past 8 KB through the page cache, written behind */
	one_file("1048576", 1, 0);       /* the cached part ending inside a write */
	one_file("4096", 0, 0);          /* the header's block rounds it up; then aborted */
	one_file("8192", 1, 1);          /* whole blocks from the caller's memory */
	one_file("1048576", 1, 1);
	one_file("8192:buffered", 1, 1);
	unsetenv("MQ_TEST_OUT_KEEP");
	rmdir(dir);
	return check_summary();
}
