/* cmd_aggregate.c — `minqing aggregate`: the figures and the assessment of
 * one period from the data/accepted.csv that `minqing validate` wrote in
 * the same --out folder; with --partial FILE only the partial state. */
#include "cmd_figures.h"
#include "minqing/check/validate.h"
#include "minqing/core/error.h"
#include "minqing/core/progress.h"

#include <stdio.h>

int mq_cmd_aggregate(int argc, char **argv)
{
	struct mq_figures_cmd f = { .name = "aggregate" };
	struct mq_error err = { 0 };
	char accepted[4300];
	int status = mq_figures_begin(&f, argc, argv, 0,
				      "不接受输入文件，读取 --out 下的 data/accepted.csv / "
				      "takes no inputs: it reads DIR/data/accepted.csv");
	if (status || (status = mq_figures_load(&f, f.cli.as_of)))
		goto out;
	if (f.rubric && !(f.tally = mq_tally_new(f.rubric, &f.period))) {
		mq_fail_nomem(&err, NULL, 0);
		status = mq_cli_fatal(&err);
		goto out;
	}
	snprintf(accepted, sizeof accepted, "%s/accepted.csv", f.data_dir);
	struct mq_progress progress;
	mq_progress_init(&progress, stderr, f.cli.quiet, 0);
	mq_progress_stage(&progress, "汇总 aggregate");
	int rc = mq_read_accepted_progress(accepted, f.cli.as_of, &f.ref, mq_figures_accept, &f,
					   mq_progress_cb, &progress, &err);
	mq_progress_done(&progress);
	if (rc) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	if ((status = mq_figures_write(&f)) || f.cli.quiet)
		goto out;
	if (f.cli.partial)
		printf("部分结果 / partial state: %s（报告期 / period %s，记录 / records %lld）\n",
			f.cli.partial, f.period.label, mq_agg_records_in_period(f.agg));
	else
		printf("报告期 / period %s：期内记录 / records in period %lld\n输出 / written: %s/"
			"{village,township,county}_summary.csv, cadre_monthly.csv, assessment.csv, "
			"team_assessment.csv, assessment_facts.csv\n", f.period.label,
			mq_agg_records_in_period(f.agg), f.data_dir);
out:
	mq_figures_end(&f);
	return mq_cli_exit(status);
}
