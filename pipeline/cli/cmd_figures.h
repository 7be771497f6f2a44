/* cmd_figures.h — what `minqing aggregate` and `minqing merge` share (both
 * end in the figures and the assessment of one period, or a partial state):
 * the options, the period, the reference data, the rubric, the aggregator
 * and the writing. A struct mq_figures_cmd owns all of them from
 * mq_figures_begin until mq_figures_end (zero-initialise it; end is safe
 * after any failure). Each function returns 0 or the exit status to return
 * (cli.h), having printed the message. */
#ifndef MINQING_CMD_FIGURES_H
#define MINQING_CMD_FIGURES_H

#include "minqing/cli/cli.h"
#include "minqing/core/date.h"
#include "minqing/figures/assess.h"

struct mq_figures_cmd {
	const char *name;           /* "aggregate" / "merge", in messages */
	struct mq_cli cli;
	struct mq_period period;
	struct mq_reference ref;
	struct mq_rubric *rubric;   /* NULL with --partial */
	struct mq_agg *agg;
	char out_dir[4096], data_dir[4200];
};

/* Parses the options and --period (required); want_inputs 1: at least one
 * input, 0: none, else inputs_msg and the usage are printed. Sets out_dir
 * (--out, else out/PERIOD) and data_dir (out_dir/data). */
int mq_figures_begin(struct mq_figures_cmd *f, int argc, char **argv, int want_inputs,
		     const char *inputs_msg);
/* Loads the reference data and (without --partial) the rubric, and makes
 * the aggregator for run_date. */
int mq_figures_load(struct mq_figures_cmd *f, mq_day run_date);
/* Writes the partial state (--partial FILE), else the figures and the
 * assessment into data_dir. */
int mq_figures_write(struct mq_figures_cmd *f);
/* Frees everything begin and load made. */
void mq_figures_end(struct mq_figures_cmd *f);

#endif
