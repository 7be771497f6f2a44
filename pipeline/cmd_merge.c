/* cmd_merge.c — `minqing merge PARTIAL...`: merges the partial states that
 * `minqing aggregate --partial` wrote on shards (e.g. one per county) into
 * the figures and the assessment, byte-identical to one run over all the
 * records; with --partial FILE the merged state is written instead (merge
 * trees). The period and run date must be those of the partials; without
 * --as-of the run date is taken from the first partial. */
#include "minqing/assess.h"
#include "minqing/cli.h"

#include <stdio.h>

static const char usage_zh[] =
	"用法 / usage: minqing merge PARTIAL... --period YYYY-MM|YYYY-Qn|YYYY [--registry F] [--roster F]\n"
	"       [--assignments F] [--as-of YYYY-MM-DD] [--rubric F] [--no-bom] [--partial FILE] --out DIR\n";

int mq_cmd_merge(int argc, char **argv)
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
	if (!cli.ninputs || !cli.period) {
		fputs(!cli.ninputs ? "minqing merge: 需要至少一个部分结果文件 / needs at least one partial file\n"
				   : "minqing merge: 需要 --period / --period is required\n", stderr);
		fputs(usage_zh, stderr);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	if (mq_period_parse(cli.period, &period, &err)) {
		fprintf(stderr, "minqing merge: %s\n%s", err.message, usage_zh);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	mq_day run_date = cli.as_of;
	if (!cli.as_of_text && mq_partial_run_date(cli.inputs[0], &run_date, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	char data_dir[4200];
	if (cli.out)
		snprintf(data_dir, sizeof data_dir, "%s/data", cli.out);
	else
		snprintf(data_dir, sizeof data_dir, "out/%s/data", period.label);
	if (mq_reference_load(&ref, cli.registry, cli.roster, cli.assignments, &err) ||
	    (!cli.partial && mq_rubric_load(cli.rubric, &rubric, &err))) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	if (!(agg = mq_agg_new(&period, run_date, &ref))) {
		mq_fail(&err, MQ_ERR_NOMEM, NULL, 0, "内存不足 / out of memory");
		status = mq_cli_fatal(&err);
		goto out;
	}
	for (int i = 0; i < cli.ninputs; i++) {
		if (mq_agg_merge_partial(agg, cli.inputs[i], &err)) {
			status = mq_cli_fatal(&err);
			goto out;
		}
	}
	if (cli.partial) {
		if (mq_agg_write_partial(agg, cli.partial, &err))
			status = mq_cli_fatal(&err);
		goto out;
	}
	if (mq_agg_write_figures(agg, data_dir, cli.bom, &err) ||
	    mq_assess_write(agg, rubric, data_dir, cli.bom, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	if (!cli.quiet)
		fprintf(stderr, "合并 / merged %d 个部分结果 / partials：期内记录 / records in period %lld\n"
			"输出 / written: %s\n", cli.ninputs, mq_agg_records_in_period(agg), data_dir);
out:
	mq_agg_free(agg);
	mq_rubric_free(rubric);
	mq_reference_free(&ref);
	mq_cli_free(&cli);
	return status;
}
