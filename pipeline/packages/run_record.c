/* run_record.c — writing and reading OUT/data/run.txt (run_record.h). */
#include "minqing/packages/run_record.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "minqing/archive/bag.h"
#include "minqing/core/bgwrite.h"
#include "minqing/core/buf.h"
#include "minqing/core/files.h"
#include "minqing/core/progress.h"

const char *const mq_run_keys[MQ_RUN_NKEYS] = {
	"period", "as_of", "records_read", "accepted", "rejected", "dropped", "unit",
};

/* An input that is hashed: a regular file (not "-", a pipe, a device). */
static int hashed(const char *p, struct stat *sb)
{
	return strcmp(p, "-") && stat(p, sb) == 0 && S_ISREG(sb->st_mode);
}

long long mq_run_record_input_bytes(const struct mq_run_facts *f)
{
	long long n = 0;
	struct stat sb;
	for (size_t i = 0; i < f->ninputs; i++)
		if (hashed(f->inputs[i], &sb))
			n += (long long)sb.st_size;
	return n;
}

/* Hashes path, adding the bytes read to *done for the progress line
 * (progress may be NULL). */
static int digest_file(const char *path, char hex256[65], struct mq_progress *progress, long long *done,
		       long long total, struct mq_error *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取输入文件 / cannot read input: %s", strerror(errno));
	struct mq_digests d;
	int rc = mq_digests_init_sha256(&d); /* run.txt keeps the SHA-256 only */
	char buf[1 << 16];
	size_t n;
	while (!rc && (n = fread(buf, 1, sizeof buf, fp)) > 0) {
		rc = mq_digests_update(&d, buf, n);
		*done += (long long)n;
		if (progress)
			mq_progress_update(progress, *done, total, 0);
	}
	if (!rc && ferror(fp))
		rc = MQ_ERR_IO;
	if (!rc)
		rc = mq_digests_final(&d, hex256, NULL);
	mq_digests_free(&d);
	fclose(fp);
	return rc ? mq_fail(err, rc, path, 0, "无法计算校验和 / cannot hash the input") : 0;
}

struct mq_run_hashes {
	pthread_t thread;
	int running;
	size_t n;
	char **paths;
	char (*hex)[65];   /* "" where not hashed */
};

static void *hash_inputs(void *arg)
{
	struct mq_run_hashes *h = arg;
	for (size_t i = 0; i < h->n; i++) {
		struct stat sb;
		struct mq_error err = {0};
		long long done = 0;
		if (hashed(h->paths[i], &sb) && digest_file(h->paths[i], h->hex[i], NULL, &done, 0, &err))
			h->hex[i][0] = '\0';
	}
	return NULL;
}

struct mq_run_hashes *mq_run_hashes_start(const char *const *paths, size_t n)
{
	struct mq_run_hashes *h = calloc(1, sizeof *h);
	if (!h || !(h->paths = calloc(n + 1, sizeof *h->paths)) || !(h->hex = calloc(n + 1, sizeof *h->hex)))
		goto fail;
	for (h->n = 0; h->n < n; h->n++)
		if (!(h->paths[h->n] = strdup(paths[h->n])))
			goto fail;
	if (mq_thread_start(&h->thread, hash_inputs, h) == 0) {
		h->running = 1;
		return h;
	}
fail:
	mq_run_hashes_free(h);
	return NULL;
}

static void hashes_wait(struct mq_run_hashes *h)
{
	if (h && h->running) {
		pthread_join(h->thread, NULL);
		h->running = 0;
	}
}

void mq_run_hashes_free(struct mq_run_hashes *h)
{
	if (!h)
		return;
	hashes_wait(h);
	for (size_t i = 0; h->paths && i < h->n; i++)
		free(h->paths[i]);
	free(h->paths);
	free(h->hex);
	free(h);
}

/* The SHA-256 hashed ahead for path, or NULL */
static const char *hashed_ahead(struct mq_run_hashes *h, const char *path)
{
	hashes_wait(h);
	for (size_t i = 0; h && i < h->n; i++)
		if (h->hex[i][0] && strcmp(h->paths[i], path) == 0)
			return h->hex[i];
	return NULL;
}

int mq_run_record_write(const char *path, const struct mq_run_facts *f, struct mq_error *err)
{
	struct mq_out o;
	int rc = mq_out_open(&o, path, err);
	if (rc)
		return rc;
	const long long counts[] = { f->records_read, f->accepted, f->rejected, f->dropped };
	fprintf(o.fp, "%s=%s\n%s=%s\n", mq_run_keys[MQ_RUN_PERIOD], f->period, mq_run_keys[MQ_RUN_AS_OF], f->as_of);
	for (int k = MQ_RUN_RECORDS_READ; k <= MQ_RUN_DROPPED; k++)
		fprintf(o.fp, "%s=%lld\n", mq_run_keys[k], counts[k - MQ_RUN_RECORDS_READ]);
	if (f->unit)
		fprintf(o.fp, "%s=%s\n", mq_run_keys[MQ_RUN_UNIT], f->unit);
	long long done = 0, total = f->progress ? mq_run_record_input_bytes(f) : 0;
	for (size_t i = 0; i < f->ninputs; i++) {
		const char *p = f->inputs[i];
		char hex256[65] = "-";
		struct stat sb;
		const char *ahead = hashed(p, &sb) ? hashed_ahead(f->hashes, p) : NULL;
		if (ahead) {
			memcpy(hex256, ahead, sizeof hex256);
			done += (long long)sb.st_size;
			if (f->progress)
				mq_progress_update(f->progress, done, total, 0);
		} else if (hashed(p, &sb) && (rc = digest_file(p, hex256, f->progress, &done, total, err))) {
			mq_out_abort(&o);
			return rc;
		}
		char *abs = realpath(p, NULL);
		fprintf(o.fp, "input=%s\t%s\n", abs ? abs : p, hex256);
		free(abs);
	}
	return mq_out_commit(&o, err);
}

void mq_run_record_free(struct mq_run_record *rr)
{
	if (!rr)
		return;
	for (size_t k = 0; k < MQ_RUN_NKEYS; k++)
		free(rr->value[k]);
	for (size_t i = 0; i < rr->ninputs; i++) {
		free(rr->inputs[i].path);
		free(rr->inputs[i].sha256);
	}
	free(rr->inputs);
	memset(rr, 0, sizeof *rr);
}

/* One input=PATH<TAB>SHA256 line's value into rr: 0 or MQ_ERR_NOMEM. */
static int add_input(struct mq_run_record *rr, const char *val)
{
	const char *tab = strchr(val, '\t');
	if (mq_grow((void **)&rr->inputs, &rr->ainputs, rr->ninputs + 1, sizeof *rr->inputs))
		return MQ_ERR_NOMEM;
	struct mq_run_input *in = &rr->inputs[rr->ninputs++];
	in->path = tab ? strndup(val, (size_t)(tab - val)) : strdup(val);
	in->sha256 = tab && tab[1] ? strdup(tab + 1) : NULL;
	return !in->path || (tab && tab[1] && !in->sha256) ? MQ_ERR_NOMEM : 0;
}

int mq_run_record_read(const char *path, struct mq_run_record *rr, struct mq_error *err)
{
	memset(rr, 0, sizeof *rr);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return errno == ENOENT ? 0 : mq_fail(err, MQ_ERR_IO, path, 0, "无法读取 / cannot read: %s", mq_errno_text(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 0;
	while (!rc && (n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		const char *val = eq + 1;
		if (!strcmp(line, "input")) {
			rc = add_input(rr, val);
			continue;
		}
		for (size_t k = 0; k < MQ_RUN_NKEYS; k++)
			if (!strcmp(line, mq_run_keys[k])) {
				free(rr->value[k]);
				if (!(rr->value[k] = strdup(val)))
					rc = MQ_ERR_NOMEM;
			}
	}
	free(line);
	if (!rc && ferror(fp))
		rc = mq_fail(err, MQ_ERR_IO, path, lineno, "读取出错 / read error");
	else if (rc)
		rc = mq_fail_nomem(err, path, lineno);
	fclose(fp);
	if (rc)
		mq_run_record_free(rr);
	return rc;
}
