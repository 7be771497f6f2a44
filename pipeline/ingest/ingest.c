/* ingest.c — choosing the reader for an input and expanding folders. */
#include "minqing/core/error.h"
#include "minqing/ingest/ingest.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdio.h>

/* XML when the first character after a BOM and white space is '<'. */
static int looks_like_xml(const char *path, struct mq_error *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取输入文件 / cannot read input: %s", strerror(errno));
	unsigned char head[512];
	size_t n = fread(head, 1, sizeof head, fp);
	fclose(fp);
	size_t i = n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	return i < n && head[i] == '<';
}

int mq_ingest_file(const char *path, const struct mq_ingest_opts *opts,
		   mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats,
		   struct mq_error *err)
{
	int xml = looks_like_xml(path, err);
	if (xml < 0)
		return xml;
	if (stats)
		stats->is_xml = xml;
	return xml ? mq_ingest_xml(path, opts, fn, ctx, stats, err)
		   : mq_ingest_csv(path, opts, fn, ctx, stats, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push(char ***out, int *n, int *alloc, char *s)
{
	if (!s)
		return -1;
	if (*n == *alloc) {
		int na = *alloc ? *alloc * 2 : 16;
		char **p = realloc(*out, (size_t)na * sizeof *p);
		if (!p) {
			free(s);
			return -1;
		}
		*out = p;
		*alloc = na;
	}
	(*out)[(*n)++] = s;
	return 0;
}

int mq_expand_inputs(char **inputs, int n, char ***out, int *nout, struct mq_error *err)
{
	char **paths = NULL;
	int np = 0, alloc = 0;
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (stat(inputs[i], &st)) {
			mq_paths_free(paths, np);
			return mq_fail(err, MQ_ERR_IO, inputs[i], 0, "找不到输入文件 / cannot open input: %s",
				       strerror(errno));
		}
		if (!S_ISDIR(st.st_mode)) {
			if (push(&paths, &np, &alloc, strdup(inputs[i])))
				goto nomem;
			continue;
		}
		DIR *d = opendir(inputs[i]);
		if (!d) {
			mq_paths_free(paths, np);
			return mq_fail(err, MQ_ERR_IO, inputs[i], 0, "无法读取目录 / cannot read folder: %s",
				       strerror(errno));
		}
		int first = np;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			size_t len = strlen(inputs[i]) + strlen(e->d_name) + 2;
			char *p = malloc(len);
			if (!p) {
				closedir(d);
				goto nomem;
			}
			snprintf(p, len, "%s/%s", inputs[i], e->d_name);
			if (stat(p, &st) || !S_ISREG(st.st_mode)) {
				free(p);
				continue;
			}
			if (push(&paths, &np, &alloc, p)) {
				closedir(d);
				goto nomem;
			}
		}
		closedir(d);
		if (np > first) /* an empty folder: paths may still be NULL */
			qsort(paths + first, (size_t)(np - first), sizeof *paths, cmp_str);
	}
	*out = paths;
	*nout = np;
	return 0;
nomem:
	mq_paths_free(paths, np);
	return mq_fail(err, MQ_ERR_NOMEM, NULL, 0, "内存不足 / out of memory");
}

void mq_paths_free(char **paths, int n)
{
	if (!paths)
		return;
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
