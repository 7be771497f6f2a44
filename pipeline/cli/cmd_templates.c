/* cmd_templates.c — `minqing templates [--copy DIR]`: where the templates
 * are found, and a copy of the installed ones to edit.
 *
 * Without --copy it prints the places searched, in order, and the file
 * each template name resolves to. With --copy DIR it writes every file of
 * the installed templates folder into DIR and overwrites nothing: an
 * office's edited copies are never replaced by a second copy. */
#include "minqing/cli/cli.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { PLACE_INSTALLED = 3, PLACE_CHECKOUT = 4 };

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The installed templates folder (or the checkout's) and its file names,
 * sorted; the caller frees names and each name. */
static int installed(char *dir, size_t dirlen, char ***names, size_t *n, struct mq_error *err)
{
	const char *what;
	*names = NULL;
	*n = 0;
	DIR *d = NULL;
	for (int place = PLACE_INSTALLED; !d && place <= PLACE_CHECKOUT; place++)
		if (mq_template_dir(place, dir, dirlen, &what) == 0 && dir[0])
			d = opendir(dir);
	if (!d)
		return mq_fail(err, MQ_ERR_IO, NULL, 0,
			       "找不到安装的模板目录 / no installed templates folder (<program dir>/../share/minqing/templates)");
	size_t alloc = 0;
	int rc = 0;
	struct dirent *e;
	while (!rc && (e = readdir(d))) {
		char path[PATH_MAX + 256];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || !is_file(path))
			continue;
		rc = mq_strs_push(names, n, &alloc, strdup(e->d_name));
	}
	closedir(d);
	if (rc)
		return mq_fail_nomem(err, NULL, 0);
	qsort(*names, *n, sizeof **names, cmp_names);
	return 0;
}

static int copy_file(const char *from, const char *to, struct mq_error *err)
{
	FILE *in = fopen(from, "rb");
	if (!in)
		return mq_fail(err, MQ_ERR_IO, from, 0, "无法读取 / cannot read: %s", strerror(errno));
	struct mq_out o;
	int rc = mq_out_open(&o, to, err);
	char buf[1 << 15];
	size_t got;
	while (!rc && (got = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, got, o.fp) != got)
			rc = mq_fail(err, MQ_ERR_IO, to, 0, "无法写入 / cannot write: %s", strerror(errno));
	if (!rc && ferror(in))
		rc = mq_fail(err, MQ_ERR_IO, from, 0, "无法读取 / cannot read");
	fclose(in);
	if (rc) {
		mq_out_abort(&o);
		return rc;
	}
	return mq_out_commit(&o, err);
}

static int copy_out(const char *to_dir, struct mq_error *err)
{
	char dir[PATH_MAX], from[PATH_MAX + 256], to[PATH_MAX + 256];
	char **names;
	size_t n;
	int rc = installed(dir, sizeof dir, &names, &n, err);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < n; i++) {
		snprintf(to, sizeof to, "%s/%s", to_dir, names[i]);
		if (access(to, F_OK) == 0)
			rc = mq_fail(err, MQ_ERR_USAGE, to, 0, "已存在，未覆盖任何文件 / already exists, nothing was "
				     "overwritten (copy into an empty folder)");
	}
	if (!rc)
		rc = mq_mkdirs(to_dir, err);
	for (size_t i = 0; !rc && i < n; i++) {
		snprintf(from, sizeof from, "%s/%s", dir, names[i]);
		snprintf(to, sizeof to, "%s/%s", to_dir, names[i]);
		if (!(rc = copy_file(from, to, err)))
			printf("%s\n", to);
	}
	mq_strs_free(names, n);
	return rc;
}

static int show(struct mq_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	const char *what;
	printf("模板查找顺序 / templates are searched in:\n");
	for (int i = 0; mq_template_dir(i, dir, sizeof dir, &what) == 0; i++) {
		struct stat st;
		printf("  %d. %-34s %s%s\n", i + 1, what, dir[0] ? dir : "—",
		       !dir[0] ? "" : stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? "" : "  (无 / none)");
	}
	char **names;
	size_t n;
	int rc = installed(dir, sizeof dir, &names, &n, err);
	if (rc)
		return rc;
	printf("使用的文件 / files used:\n");
	for (size_t i = 0; i < n; i++) {
		if (mq_find_template(names[i], path, sizeof path, err) == 0)
			printf("  %-22s %s\n", names[i], path);
		free(names[i]);
	}
	free(names);
	return 0;
}

int mq_cmd_templates(int argc, char **argv)
{
	struct mq_cli cli;
	struct mq_error err = { 0 };
	int status = mq_cli_parse(argc, argv, &cli);
	if (status)
		goto out;
	if (cli.ninputs) {
		fprintf(stderr, "minqing templates: 多余的参数 / unexpected argument \"%s\"\n", cli.inputs[0]);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	int rc = cli.copy ? copy_out(cli.copy, &err) : show(&err);
	if (rc == MQ_ERR_USAGE) {
		fprintf(stderr, "minqing templates: %s: %s\n", err.file, err.message);
		status = MQ_EXIT_USAGE;
	} else if (rc)
		status = mq_cli_fatal(&err);
	else if (cli.copy)
		fprintf(stderr, "模板已复制，可编辑后用 --templates %s，或放到 $XDG_DATA_HOME/minqing/templates / "
			"copied: edit them, then use --templates %s or put them in $XDG_DATA_HOME/minqing/templates\n",
			cli.copy, cli.copy);
out:
	mq_cli_free(&cli);
	return mq_cli_exit(status);
}
