/* data_half: the data half of `minqing run` (validate, aggregate, assess
 * in one pass, as cmd_run.c chains them) without the report and archive
 * stages, to benchmark it alone:
 *   data_half OUT PERIOD AS_OF REGISTRY ROSTER ASSIGNMENTS INPUT...
 * Writes OUT/data/ like run does (accepted, rejects, warnings, the figure
 * CSVs, assessment.csv). Exit 0 or 1 (rejects), 3 on a fatal error. */
#include "minqing/check/validate.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/figures/aggregate.h"
#include "minqing/figures/assess.h"

#include <stdio.h>

static int fatal(const struct mq_error *err)
{
	fprintf(stderr, "data_half: %s: %s\n", err->file, err->message);
	return 3;
}

int main(int argc, char **argv)
{
	if (argc < 8) {
		fprintf(stderr, "usage: data_half OUT PERIOD AS_OF REGISTRY ROSTER ASSIGNMENTS INPUT...\n");
		return 2;
	}
	struct mq_error err = { 0 };
	struct mq_period period;
	mq_day as_of;
	struct mq_reference ref = { 0 };
	struct mq_rubric *rubric = NULL;
	struct mq_run_counts counts = { 0 };
	struct mq_agg *agg = NULL;
	char data_dir[4200];
	int status = 3;
	snprintf(data_dir, sizeof data_dir, "%s/data", argv[1]);
	if (mq_period_parse(argv[2], &period, &err) || mq_date_parse(argv[3], 10, &as_of) ||
	    mq_reference_load(&ref, argv[4], argv[5], argv[6], &err) || mq_rubric_load(NULL, &rubric, &err) ||
	    !(agg = mq_agg_new(&period, as_of, &ref))) {
		status = fatal(&err);
		goto out;
	}
	struct mq_stage_opts opts = { .out_dir = argv[1], .as_of = as_of, .bom = 1, .ref = &ref, .quiet = 1,
				      .accepted = mq_agg_accept_cb,
				      .accepted_soon = mq_agg_soon_cb, .ctx = agg };
	if (mq_validate_inputs(argv + 7, argc - 7, &opts, &counts, &err) ||
	    mq_agg_write_figures(agg, data_dir, 1, NULL, &err) || mq_assess_write(agg, rubric, NULL, data_dir, 1, &err)) {
		status = fatal(&err);
		goto out;
	}
	printf("read %lld accepted %lld rejected %lld in period %lld\n", counts.read, counts.accepted,
	       counts.rejected, mq_agg_records_in_period(agg));
	status = counts.rejected ? 1 : 0;
out:
	mq_agg_free(agg);
	mq_rubric_free(rubric);
	mq_run_counts_free(&counts);
	mq_reference_free(&ref);
	return status;
}
