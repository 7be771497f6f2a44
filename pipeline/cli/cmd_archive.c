/* cmd_archive.c — `minqing archive --period P [--out DIR] [--with-inputs]
 * [--as-of D] [--org NAME] [--jobs N]`: packages what the earlier stages wrote. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minqing/cli/cli.h"
#include "minqing/core/error.h"
#include "minqing/core/progress.h"
#include "minqing/packages/packages.h"

static const char usage[] =
	"用法 / usage: minqing archive --period YYYY-MM|YYYY-Qn|YYYY [--out DIR]\n"
	"                      [--with-inputs] [--as-of YYYY-MM-DD] [--org 单位 / NAME] [--jobs N]\n"
	"  --out DIR       运行输出目录 / output folder of the run (默认 / default out/PERIOD)\n"
	"  --with-inputs   包含 run.txt 列出的输入文件 / add the input files listed in run.txt\n"
	"  --as-of D       档案日期 / bag date (默认 / default: run.txt, else the period's last day)\n"
	"  --org NAME      Source-Organization (默认 / default: run.txt unit, else the county)\n"
	"  --jobs N        同时写出的档案包数 / packages written at once (默认 / default: CPUs, at most 4)\n"
	"  --quiet         不显示进度 / no progress\n";

static void print_package(void *ctx, const char *zip, uint64_t bytes)
{
	(void)ctx;
	printf("已写入 / wrote: %s (%llu 字节数据 / payload bytes)\n", zip, (unsigned long long)bytes);
}

int mq_cmd_archive(int argc, char **argv)
{
	struct mq_archive_opts o = {.on_package = print_package, .progress = mq_progress_cb};
	int quiet = 0;
	static const struct { const char *name; size_t field; } valued[] = {
		{"--period", offsetof(struct mq_archive_opts, period)},
		{"--out", offsetof(struct mq_archive_opts, out_dir)},
		{"--as-of", offsetof(struct mq_archive_opts, as_of)},
		{"--org", offsetof(struct mq_archive_opts, organization)},
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return MQ_EXIT_OK;
		}
		if (!strncmp(a, "--jobs", 6) && (a[6] == '=' || !a[6])) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : "");
			char *end;
			long n = strtol(v, &end, 10);
			if (!*v || *end || n < 1 || n > 16) {
				fprintf(stderr, "minqing archive: --jobs 应为 1–16 / --jobs takes 1-16: \"%s\"\n", v);
				return MQ_EXIT_USAGE;
			}
			o.jobs = (int)n;
			continue;
		}
		if (!strcmp(a, "--with-inputs")) {
			o.with_inputs = 1;
			continue;
		}
		if (!strcmp(a, "--quiet")) {
			quiet = 1;
			continue;
		}
		size_t k, nv = sizeof valued / sizeof valued[0];
		const char *value = NULL;
		for (k = 0; k < nv; k++) {
			size_t n = strlen(valued[k].name);
			if (!strncmp(a, valued[k].name, n) && (a[n] == '=' || !a[n])) {
				value = a[n] == '=' ? a + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
				break;
			}
		}
		if (k == nv || !value || !*value) {
			fprintf(stderr, k == nv ? "minqing archive: 未知参数 / unknown argument: %s\n"
						: "minqing archive: %s 缺少值 / needs a value\n", a);
			fputs(usage, stderr);
			return MQ_EXIT_USAGE;
		}
		*(const char **)((char *)&o + valued[k].field) = value;
	}
	if (!o.period) {
		fputs("minqing archive: 缺少 --period / --period is required\n", stderr);
		fputs(usage, stderr);
		return MQ_EXIT_USAGE;
	}
	char outbuf[4096];
	if (!o.out_dir) {
		snprintf(outbuf, sizeof outbuf, "out/%s", o.period);
		o.out_dir = outbuf;
	}
	struct mq_error err = {0};
	struct mq_progress progress;
	mq_progress_init(&progress, stderr, quiet, 0);
	mq_progress_stage_of(&progress, "归档 archive", MQ_PROGRESS_BYTES);
	o.progress_ctx = &progress;
	int rc = mq_archive_period(&o, &err);
	mq_progress_done(&progress);
	fflush(stdout);
	if (rc) {
		if (err.file[0])
			fprintf(stderr, "minqing archive: %s: %s\n", err.file, err.message);
		else
			fprintf(stderr, "minqing archive: %s\n", err.message);
		return rc == MQ_ERR_USAGE ? MQ_EXIT_USAGE : MQ_EXIT_FATAL;
	}
	return MQ_EXIT_OK;
}
