/* cmd_archive.c — `minqing archive --period P`: packages what the earlier
 * stages wrote in the --out folder (packages.h); its options are those of
 * its mq_commands[] entry (cli.c), as `minqing archive --help` shows. */
#include <stdio.h>

#include "minqing/cli/cli.h"
#include "minqing/core/error.h"
#include "minqing/core/progress.h"
#include "minqing/packages/packages.h"

static void print_package(void *ctx, const char *zip, uint64_t bytes)
{
	(void)ctx;
	printf("已写入 / wrote: %s (%llu 字节数据 / payload bytes)\n", zip, (unsigned long long)bytes);
}

int mq_cmd_archive(int argc, char **argv)
{
	struct mq_archive_opts o = {.on_package = print_package, .progress = mq_progress_cb};
	struct mq_cli cli;
	int status = mq_cli_parse(argc, argv, &cli);
	if (status)
		goto out;
	if (cli.ninputs) {
		fprintf(stderr, "minqing archive: 未知参数 / unknown argument: %s\n", cli.inputs[0]);
		mq_cli_print_usage("archive", stderr);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	if (!cli.period) {
		fputs("minqing archive: 缺少 --period / --period is required\n", stderr);
		mq_cli_print_usage("archive", stderr);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	if (cli.jobs > 16) {
		fprintf(stderr, "minqing archive: --jobs 应为 1–16 / --jobs takes 1-16: \"%d\"\n", cli.jobs);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	o.period = cli.period;
	o.out_dir = cli.out;
	o.as_of = cli.as_of_text;
	o.organization = cli.org;
	o.with_inputs = cli.with_inputs;
	o.jobs = cli.jobs;
	char outbuf[4096];
	if (!o.out_dir) {
		snprintf(outbuf, sizeof outbuf, "out/%s", o.period);
		o.out_dir = outbuf;
	}
	struct mq_error err = {0};
	struct mq_progress progress;
	mq_progress_init(&progress, stderr, cli.quiet, 0);
	mq_progress_stage_of(&progress, "归档 archive", MQ_PROGRESS_BYTES);
	o.progress_ctx = &progress;
	int rc = mq_archive_period(&o, &err);
	mq_progress_done(&progress);
	status = MQ_EXIT_OK;
	fflush(stdout);
	if (rc) {
		if (err.file[0])
			fprintf(stderr, "minqing archive: %s: %s\n", err.file, err.message);
		else
			fprintf(stderr, "minqing archive: %s\n", err.message);
		status = rc == MQ_ERR_USAGE ? MQ_EXIT_USAGE : MQ_EXIT_FATAL;
	}
out:
	mq_cli_free(&cli);
	return mq_cli_exit(status);
}
