/* cmd_render.c — `minqing render`: the reports of a period (reports.h)
 * from the figures that `minqing validate` and `minqing aggregate` wrote
 * in the same --out folder. */
#include "minqing/cli/cli.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/progress.h"
#include "minqing/core/files.h"
#include "minqing/figures/aggregate.h"
#include "minqing/reports/reports.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

int mq_cmd_render(int argc, char **argv)
{
	struct mq_cli cli;
	struct mq_error err = {0};
	struct mq_reports_result res = {0};
	int status = mq_cli_parse(argc, argv, &cli);
	if (status)
		goto out;
	if (cli.ninputs || !cli.period) {
		fputs(cli.ninputs ? "minqing render: 不接受输入文件，读取 --out 下的 data/ / takes no inputs: it reads DIR/data\n"
				  : "minqing render: 需要 --period / --period is required\n", stderr);
		mq_cli_print_usage("render", stderr);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	char out_dir[4096];
	struct mq_period period;
	if (mq_period_parse(cli.period, &period, &err)) {
		fprintf(stderr, "minqing render: %s\n", err.message);
		mq_cli_print_usage("render", stderr);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	if (cli.out)
		snprintf(out_dir, sizeof out_dir, "%s", cli.out);
	else
		snprintf(out_dir, sizeof out_dir, "out/%s", period.label); /* as aggregate names it */
	/* rendered into a staging folder and swapped in whole: a failure
	 * leaves the previous reports/, never a mix of old and new PDFs */
	char stage[4200], stage_reports[4300];
	if (mq_stage_dir_prepare(out_dir, stage, sizeof stage, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	snprintf(stage_reports, sizeof stage_reports, "%s/reports", stage);
	struct mq_reports_opts o = {
		.out_dir = out_dir, .reports_dir = stage_reports, .period = cli.period, .unit = cli.unit,
		.templates_dir = cli.templates, .rubric = cli.rubric, .assignments = cli.assignments,
		.next_steps_dir = cli.next_steps, .as_of = cli.as_of_text, .jobs = cli.jobs,
		.township_reports = cli.township_reports, .progress = mq_progress_cb, .stop = &interrupted,
	};
	struct mq_progress progress;
	mq_progress_init(&progress, stderr, cli.quiet, cli.verbose);
	mq_progress_stage_of(&progress, "报告 render", MQ_PROGRESS_PAGES);
	o.progress_ctx = &progress;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int rc = mq_render_reports(&o, &res, &err);
	mq_progress_done(&progress);
	if (rc) {
		mq_remove_tree(stage);
		status = err.code == MQ_ERR_USAGE && !interrupted
				 ? (fprintf(stderr, "minqing render: %s\n", err.message), MQ_EXIT_USAGE)
				 : mq_cli_fatal(&err);
		if (interrupted)
			fprintf(stderr, "minqing: 已中断，原有报告未改动 / interrupted: the previous reports are unchanged\n");
		goto out;
	}
	if (mq_stage_dir_commit(stage, out_dir, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	if (!cli.quiet) {
		printf("报告 / reports: %zu 份 files, %lld 页 pages → %s/reports\n", res.nfiles, res.pages,
			out_dir);
		if (res.nmissing)
			fprintf(stderr, "字体无法显示的字符 / characters the fonts cannot show: %zu（见数据质量报告 / "
				"listed in the data-quality report）\n", res.nmissing);
		if (cli.verbose)
			for (size_t i = 0; i < res.nfiles; i++)
				printf("  %s (%d)\n", res.files[i].path, res.files[i].pages);
	}
out:
	mq_reports_result_free(&res);
	mq_cli_free(&cli);
	return mq_cli_exit(status);
}
