/* cmd_aggregate.c — `minqing aggregate`: the figures and the assessment of
 * one period from the data/accepted.csv that `minqing validate` wrote in
 * the same --out folder; with --partial FILE only the partial state. */
#include "minqing/assess.h"
#include "minqing/cli.h"
#include "minqing/validate.h"

#include <stdio.h>

static const char usage_zh[] =
	"用法 / usage: minqing aggregate --period YYYY-MM|YYYY-Qn|YYYY [--registry F] [--roster F]\n"
	"       [--assignments F] [--as-of YYYY-MM-DD] [--rubric F] [--no-bom] [--partial FILE] --out DIR\n";

int mq_cmd_aggregate(int argc, char **argv)
{
	struct mq_cli cli;
	struct mq_reference ref = { 0 };
	struct mq_error err = { 0 };
	struct mq_agg *agg = NULL;
	struct mq_rubric *rubric = NULL;
	struct mq_period period;
	int status = mq_cli_parse(argc, argv,
				  "registry roster assignments as-of rubric no-bom partial out period quiet config",
				  &cli);
	if (status)
		goto out;
	if (cli.ninputs || !cli.period) {
		fputs(cli.ninputs ? "minqing aggregate: 不接受输入文件，读取 --out 下的 data/accepted.csv / "
				    "takes no inputs: it reads DIR/data/accepted.csv\n"
				  : "minqing aggregate: 需要 --period / --period is required\n", stderr);
		fputs(usage_zh, stderr);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	if (mq_period_parse(cli.period, &period, &err)) {
		fprintf(stderr, "minqing aggregate: %s\n%s", err.message, usage_zh);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	char out_dir[4096], data_dir[4200], accepted[4300];
	snprintf(out_dir, sizeof out_dir, "%s", cli.out ? cli.out : "out/");
	if (!cli.out)
		snprintf(out_dir, sizeof out_dir, "out/%s", period.label);
	snprintf(data_dir, sizeof data_dir, "%s/data", out_dir);
	snprintf(accepted, sizeof accepted, "%s/accepted.csv", data_dir);
	if (mq_reference_load(&ref, cli.registry, cli.roster, cli.assignments, &err) ||
	    (!cli.partial && mq_rubric_load(cli.rubric, &rubric, &err))) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	agg = mq_agg_new(&period, cli.as_of, &ref);
	if (!agg) {
		mq_fail(&err, MQ_ERR_NOMEM, NULL, 0, "内存不足 / out of memory");
		status = mq_cli_fatal(&err);
		goto out;
	}
	if (mq_read_accepted(accepted, cli.as_of, &ref, mq_agg_accept_cb, agg, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	if (cli.partial) {
		if (mq_agg_write_partial(agg, cli.partial, &err)) {
			status = mq_cli_fatal(&err);
			goto out;
		}
		if (!cli.quiet)
			fprintf(stderr, "部分结果 / partial state: %s（报告期 / period %s，记录 / records %lld）\n",
				cli.partial, period.label, mq_agg_records_in_period(agg));
		goto out;
	}
	if (mq_agg_write_figures(agg, data_dir, cli.bom, &err) ||
	    mq_assess_write(agg, rubric, data_dir, cli.bom, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	if (!cli.quiet)
		fprintf(stderr, "报告期 / period %s：期内记录 / records in period %lld\n输出 / written: %s/"
			"{village,township,county}_summary.csv, cadre_monthly.csv, assessment.csv, "
			"team_assessment.csv\n", period.label, mq_agg_records_in_period(agg), data_dir);
out:
	mq_agg_free(agg);
	mq_rubric_free(rubric);
	mq_reference_free(&ref);
	mq_cli_free(&cli);
	return status;
}
