/* cmd_figures.c — the set-up and the writing that `minqing aggregate` and
 * `minqing merge` share (cmd_figures.h). */
#include "cmd_figures.h"

#include "minqing/core/error.h"
#include "minqing/core/date.h"
#include "minqing/figures/figures_xlsx.h"

#include <stdio.h>

int mq_figures_begin(struct mq_figures_cmd *f, int argc, char **argv, int want_inputs,
		     const char *inputs_msg)
{
	struct mq_error err = { 0 };
	int status = mq_cli_parse(argc, argv, &f->cli);
	if (status)
		return status;
	if ((f->cli.ninputs > 0) != want_inputs || !f->cli.period) {
		if ((f->cli.ninputs > 0) != want_inputs)
			fprintf(stderr, "minqing %s: %s\n", f->name, inputs_msg);
		else
			fprintf(stderr, "minqing %s: 需要 --period / --period is required\n", f->name);
		mq_cli_print_usage(f->name, stderr);
		return MQ_EXIT_USAGE;
	}
	if (mq_period_parse(f->cli.period, &f->period, &err)) {
		fprintf(stderr, "minqing %s: %s\n", f->name, err.message);
		mq_cli_print_usage(f->name, stderr);
		return MQ_EXIT_USAGE;
	}
	if (f->cli.out)
		snprintf(f->out_dir, sizeof f->out_dir, "%s", f->cli.out);
	else
		snprintf(f->out_dir, sizeof f->out_dir, "out/%s", f->period.label);
	snprintf(f->data_dir, sizeof f->data_dir, "%s/data", f->out_dir);
	return 0;
}

int mq_figures_load(struct mq_figures_cmd *f, mq_day run_date)
{
	struct mq_error err = { 0 };
	if (mq_reference_load(&f->ref, f->cli.registry, f->cli.roster, f->cli.assignments, &err) ||
	    (!f->cli.partial && mq_rubric_load(f->cli.rubric, &f->rubric, &err)))
		return mq_cli_fatal(&err);
	if (!(f->agg = mq_agg_new(&f->period, run_date, &f->ref))) {
		mq_fail_nomem(&err, NULL, 0);
		return mq_cli_fatal(&err);
	}
	return 0;
}

int mq_figures_accept(const struct mq_record *rec, void *ctx)
{
	struct mq_figures_cmd *f = ctx;
	int rc = mq_agg_add(f->agg, rec);
	return rc || !f->tally ? rc : mq_tally_add(f->tally, rec);
}

int mq_figures_write(struct mq_figures_cmd *f)
{
	struct mq_error err = { 0 };
	if (f->cli.partial ? mq_agg_write_partial(f->agg, f->cli.partial, &err)
			   : mq_agg_write_figures(f->agg, f->data_dir, f->cli.bom, NULL, &err) ||
				     mq_assess_write(f->agg, f->rubric, f->tally, f->data_dir, f->cli.bom, &err) ||
				     mq_figures_xlsx(f->data_dir, f->cli.as_of, NULL, &err))
		return mq_cli_fatal(&err);
	return 0;
}

void mq_figures_end(struct mq_figures_cmd *f)
{
	mq_agg_free(f->agg);
	mq_tally_free(f->tally);
	mq_rubric_free(f->rubric);
	mq_reference_free(&f->ref);
	mq_cli_free(&f->cli);
}
