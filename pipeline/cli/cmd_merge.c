/* cmd_merge.c — `minqing merge PARTIAL...`: merges the partial states that
 * `minqing aggregate --partial` wrote on shards (e.g. one per county) into
 * the figures and the assessment, byte-identical to one run over all the
 * records; with --partial FILE the merged state is written instead (merge
 * trees). The period and run date must be those of the partials; without
 * --as-of the run date is taken from the first partial. */
#include "cmd_figures.h"

#include "minqing/core/error.h"
#include "minqing/core/date.h"

#include <stdio.h>

int mq_cmd_merge(int argc, char **argv)
{
	struct mq_figures_cmd f = { .name = "merge" };
	struct mq_error err = { 0 };
	int status = mq_figures_begin(&f, argc, argv, 1,
				      "需要至少一个部分结果文件 / needs at least one partial file");
	if (status)
		goto out;
	mq_day run_date = f.cli.as_of;
	if (!f.cli.as_of_text && mq_partial_run_date(f.cli.inputs[0], &run_date, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	if ((status = mq_figures_load(&f, run_date)))
		goto out;
	for (int i = 0; i < f.cli.ninputs; i++) {
		if (mq_agg_merge_partial(f.agg, f.cli.inputs[i], &err)) {
			status = mq_cli_fatal(&err);
			goto out;
		}
	}
	if ((status = mq_figures_write(&f)) || f.cli.quiet || f.cli.partial)
		goto out;
	fprintf(stderr, "合并 / merged %d 个部分结果 / partials：期内记录 / records in period %lld\n"
		"输出 / written: %s\n", f.cli.ninputs, mq_agg_records_in_period(f.agg), f.data_dir);
out:
	mq_figures_end(&f);
	return mq_cli_exit(status);
}
