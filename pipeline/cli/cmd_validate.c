/* cmd_validate.c — `minqing validate INPUT...`: the first stage alone. */
#include "minqing/check/validate.h"
#include "minqing/cli/cli.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"
#include "minqing/core/progress.h"

#include <stdio.h>

int mq_cmd_validate(int argc, char **argv)
{
	struct mq_cli cli;
	struct mq_reference ref = { 0 };
	struct mq_run_counts counts = { 0 };
	struct mq_error err = { 0 };
	int status = mq_cli_parse(argc, argv, &cli);
	if (status)
		goto out;
	if (cli.ninputs == 0) {
		fprintf(stderr, "minqing validate: 需要至少一个输入文件 / needs at least one input file\n");
		status = MQ_EXIT_USAGE;
		goto out;
	}
	const char *out_dir = cli.out ? cli.out : "out/validate";
	if (mq_reference_load(&ref, cli.registry, cli.roster, NULL, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	/* written in a staging folder and swapped in whole, so a fatal error
	 * (a full disk while writing counts.csv, say) leaves the old data/ */
	char stage[4200], data_dir[4300], as_of[11];
	if (mq_stage_dir_prepare(out_dir, stage, sizeof stage, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	struct mq_progress progress;
	mq_progress_init(&progress, stderr, cli.quiet, cli.verbose);
	struct mq_stage_opts opts = { .out_dir = stage, .as_of = cli.as_of, .encoding = cli.encoding,
				      .bom = cli.bom, .ref = &ref, .verbose = cli.verbose, .quiet = cli.quiet,
				      .ctx = &progress, .progress = mq_progress_cb };
	snprintf(data_dir, sizeof data_dir, "%s/data", stage);
	mq_date_format(cli.as_of, as_of);
	const char *extra[] = { "as_of_run", as_of, "registry_given", ref.has_registry ? "1" : "0",
				"roster_given", ref.has_roster ? "1" : "0", NULL };
	mq_progress_stage(&progress, "校验 validate");
	int rc = mq_validate_inputs(cli.inputs, cli.ninputs, &opts, &counts, &err);
	mq_progress_done(&progress);
	if (rc || mq_write_counts(data_dir, &counts, extra, cli.bom, &err)) {
		mq_remove_tree(stage);
		status = mq_cli_fatal(&err);
		goto out;
	}
	if (mq_stage_dir_commit(stage, out_dir, &err)) { /* cleans up after itself */
		status = mq_cli_fatal(&err);
		goto out;
	}
	if (!cli.quiet) {
		mq_print_summary(stdout, &counts);
		printf("输出 / written:\n");
		static const char *const files[] = { "accepted", "rejects", "warnings", "counts" };
		for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
			printf("  %s/data/%s.csv\n", out_dir, files[i]);
	}
	status = counts.rejected ? MQ_EXIT_REJECTS : MQ_EXIT_OK;
out:
	mq_run_counts_free(&counts);
	mq_reference_free(&ref);
	mq_cli_free(&cli);
	return mq_cli_exit(status);
}
