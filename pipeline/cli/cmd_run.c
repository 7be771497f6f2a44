/* cmd_run.c — `minqing run`: every stage in one pass over the inputs:
 * validate (each accepted record fed to the figures, and to the render's
 * visits, as it is read),
 * aggregate, assess, the workbooks, counts.csv and run.txt
 * (packages/run_record.h), render, archive.
 *
 * The period's outputs are built in a staging folder inside the output
 * folder (OUT/.minqing.tmp.PID, core/files.h) while the run holds the
 * folder's lock, and swapped in part by part (data, reports, archive) only
 * when every stage succeeded, so a failed or interrupted run leaves the
 * previous outputs as they were.
 * Ctrl-C or a kill sets a flag the stages look at between records and
 * between stages; the staging folder is then removed. What a killed run
 * (SIGKILL) left is cleaned up by the next run: its staging folder
 * removed, or its swap completed from the journal it wrote. */
#include "minqing/check/validate.h"
#include "minqing/cli/cli.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"
#include "minqing/core/progress.h"
#include "minqing/core/rate.h"
#include "minqing/figures/aggregate.h"
#include "minqing/figures/assess.h"
#include "minqing/figures/figures_xlsx.h"
#include "minqing/packages/packages.h"
#include "minqing/packages/run_record.h"
#include "minqing/reports/reports.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

struct run {
	struct mq_cli cli;
	struct mq_period period;
	struct mq_reference ref;
	struct mq_rubric *rubric;
	struct mq_agg *agg;
	struct mq_tally *tally;     /* the rubric's general items */
	struct mq_run_counts counts;
	struct mq_progress progress;
	struct mq_reports_result reports;
	struct mq_run_hashes *hashes; /* the inputs for run.txt, hashed while validated */
	struct mq_visits *visits;     /* the period's visits for the render, kept while validated */
	char out_dir[4096], stage_dir[4200], data_dir[4300];
};

static int feed(const struct mq_record *rec, void *ctx)
{
	struct run *r = ctx;
	if (interrupted)
		return MQ_ERR_USAGE;
	int rc = mq_agg_add(r->agg, rec);
	if (!rc)
		rc = mq_tally_add(r->tally, rec);
	return rc ? rc : mq_visits_add(r->visits, rec);
}

static void feed_soon(const struct mq_record *rec, void *ctx)
{
	mq_agg_soon_cb(rec, ((struct run *)ctx)->agg);
}

/* How many records the inputs can hold, at most MIN_RECORD_BYTES a
 * record (fewer than a CSV's required cells; a workbook's are compressed
 * and could, rarely, take less: its visits' array then grows); 0 when a
 * size is unknown (a pipe, a folder) */
#define MIN_RECORD_BYTES 32
static size_t records_at_most(const struct mq_cli *cli)
{
	size_t n = 0;
	for (int i = 0; i < cli->ninputs; i++) {
		struct stat st;
		if (stat(cli->inputs[i], &st) || !S_ISREG(st.st_mode))
			return 0;
		n += (size_t)st.st_size / MIN_RECORD_BYTES + 1;
	}
	return n;
}

static void on_progress(long long done, long long total, long long records, void *ctx)
{
	struct run *r = ctx;
	mq_progress_update(&r->progress, done, total, records);
}

static int write_counts(struct run *r, struct mq_error *err)
{
	char run_date[11], period_as_of[11], in_period[32];
	mq_date_format(r->cli.as_of, run_date);
	mq_date_format(mq_agg_as_of(r->agg), period_as_of);
	snprintf(in_period, sizeof in_period, "%lld", mq_agg_records_in_period(r->agg));
	const char *extra[] = {
		"period", r->period.label, "as_of_run", run_date, "as_of_period", period_as_of,
		"registry_given", r->ref.has_registry ? "1" : "0", "roster_given", r->ref.has_roster ? "1" : "0",
		"assignments_given", r->ref.has_assignments ? "1" : "0", "accepted_in_period", in_period,
		r->cli.unit ? "unit" : NULL, r->cli.unit, NULL,
	};
	return mq_write_counts(r->data_dir, &r->counts, extra, r->cli.bom, err);
}

/* The assessment CSVs, data/run.txt for the archive stage (run_record.h:
 * the inputs read as files, without a workbook's sheets (a sheet is its
 * file's) and without the ones not read), data/figures.xlsx from the
 * figure CSVs and counts.csv. The stage's progress counts the bytes read
 * after the scoring (which is quick): the inputs hashed for run.txt, then
 * the CSVs put into the workbook, each part with its own rate (a byte of
 * the workbook costs far more than a byte hashed). */
static int write_assessment(struct run *r, struct mq_error *err)
{
	int rc = mq_assess_write(r->agg, r->rubric, r->tally, r->data_dir, r->cli.bom, err);
	if (rc)
		return rc;
	char path[4400], as_of[11];
	snprintf(path, sizeof path, "%s/run.txt", r->data_dir);
	mq_date_format(r->cli.as_of, as_of);
	const char **files = malloc(((size_t)r->counts.ninputs + 1) * sizeof *files);
	if (!files)
		return mq_fail_nomem(err, NULL, 0);
	size_t n = 0;
	for (int i = 0; i < r->counts.ninputs; i++)
		if (!r->counts.inputs[i].label && !r->counts.inputs[i].skip_zh)
			files[n++] = r->counts.inputs[i].path;
	struct mq_run_facts facts = {
		.period = r->period.label, .as_of = as_of, .records_read = r->counts.read,
		.accepted = r->counts.accepted, .rejected = r->counts.rejected, .dropped = r->counts.dropped,
		.unit = r->cli.unit, .inputs = files, .ninputs = n, .progress = &r->progress,
		.hashes = r->hashes,
	};
	long long hashed = mq_run_record_input_bytes(&facts), total = hashed + mq_figures_xlsx_bytes(r->data_dir);
	mq_progress_span(&r->progress, 0, total);
	rc = mq_run_record_write(path, &facts, err);
	free(files);
	if (rc)
		return rc;
	mq_progress_span(&r->progress, hashed, total);
	return (rc = mq_figures_xlsx(r->data_dir, r->cli.as_of, &r->progress, err)) ? rc : write_counts(r, err);
}

/* The stages, in order, each checked for an interruption before it runs. */
static int run_stages(struct run *r, struct mq_error *err)
{
	struct mq_stage_opts vopts = { .out_dir = r->stage_dir, .as_of = r->cli.as_of, .encoding = r->cli.encoding,
				       .bom = r->cli.bom, .ref = &r->ref, .verbose = r->cli.verbose,
				       .quiet = r->cli.quiet, .accepted = feed, .accepted_soon = feed_soon, .ctx = r,
				       .progress = on_progress };
	int rc;
	/* run.txt's hashes of the inputs, on a core validate leaves free */
	r->hashes = mq_run_hashes_start((const char *const *)r->cli.inputs, (size_t)r->cli.ninputs);
	mq_progress_stage(&r->progress, "校验 validate");
	if ((rc = mq_validate_inputs(r->cli.inputs, r->cli.ninputs, &vopts, &r->counts, err)))
		return interrupted ? mq_fail(err, MQ_ERR_USAGE, NULL, 0, "已中断 / interrupted") : rc;
	mq_progress_done(&r->progress);
	if (interrupted)
		return mq_fail(err, MQ_ERR_USAGE, NULL, 0, "已中断 / interrupted");
	mq_progress_stage_of(&r->progress, "汇总 aggregate", MQ_PROGRESS_ROWS);
	if ((rc = mq_agg_write_figures(r->agg, r->data_dir, r->cli.bom, &r->progress, err)))
		return rc;
	mq_progress_done(&r->progress);
	mq_progress_stage_of(&r->progress, "考核 assess", MQ_PROGRESS_BYTES);
	if ((rc = write_assessment(r, err)))
		return rc;
	mq_progress_done(&r->progress);
	if (interrupted)
		return mq_fail(err, MQ_ERR_USAGE, NULL, 0, "已中断 / interrupted");
	char as_of[11];
	mq_date_format(mq_agg_as_of(r->agg), as_of);
	mq_progress_stage_of(&r->progress, "报告 render", MQ_PROGRESS_PAGES);
	struct mq_reports_opts ropts = { .out_dir = r->stage_dir, .period = r->period.label, .unit = r->cli.unit,
					 .templates_dir = r->cli.templates,
					 .rubric = r->cli.rubric, .assignments = r->cli.assignments,
					 .next_steps_dir = r->cli.next_steps,
					 .as_of = as_of, .jobs = r->cli.jobs,
					 .township_reports = r->cli.township_reports,
					 .progress = mq_progress_cb, .progress_ctx = &r->progress,
					 .stop = &interrupted, .visits = r->visits };
	rc = mq_render_reports(&ropts, &r->reports, err);
	mq_visits_free(r->visits); /* what the render did not take over */
	r->visits = NULL;
	if (rc)
		return rc;
	mq_progress_done(&r->progress);
	if (interrupted)
		return mq_fail(err, MQ_ERR_USAGE, NULL, 0, "已中断 / interrupted");
	mq_progress_stage_of(&r->progress, "归档 archive", MQ_PROGRESS_BYTES);
	struct mq_archive_opts aopts = { .out_dir = r->stage_dir, .period = r->period.label, .as_of = as_of,
					 .organization = r->cli.unit, .with_inputs = r->cli.with_inputs,
					 .jobs = r->cli.jobs, .progress = mq_progress_cb,
					 .progress_ctx = &r->progress };
	if ((rc = mq_archive_period(&aopts, err)))
		return rc;
	mq_progress_done(&r->progress);
	return interrupted ? mq_fail(err, MQ_ERR_USAGE, NULL, 0, "已中断 / interrupted") : 0;
}

/* The run summary: what was written where, on stdout. */
static void print_outputs(const struct run *r)
{
	printf("输出目录 / output folder: %s\n", r->out_dir);
	static const char *const files[] = { "accepted", "rejects", "warnings", "village_summary",
					     "township_summary", "county_summary", "cadre_monthly",
					     "assessment", "assessment_facts", "team_assessment", "counts" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		printf("  %s/data/%s.csv\n", r->out_dir, files[i]);
	printf("报告 / reports: %zu 份 files, %lld 页 pages, in %s/reports/\n", r->reports.nfiles,
		r->reports.pages, r->out_dir);
	for (size_t i = 0; i < r->reports.nfiles && i < 8; i++) {
		const char *slash = strrchr(r->reports.files[i].path, '/');
		printf("  %s\n", slash ? slash + 1 : r->reports.files[i].path);
	}
	if (r->reports.nfiles > 8)
		printf("  …\n");
	if (r->reports.nmissing)
		fprintf(stderr, "注意 / note: %zu 个字符字体无法显示，见数据质量报告 / characters the fonts cannot show, "
			"listed in the data-quality report\n", r->reports.nmissing);
	printf("档案包 / packages: %s/archive/\n", r->out_dir);
	size_t n;
	const struct mq_summary_row *t = mq_agg_townships(r->agg, &n);
	printf("各乡镇 / townships (%s):\n", r->period.label);
	for (size_t i = 0; i < n; i++) {
		char cov[32], res[32];
		mq_rate_format(t[i].c.households_visited, t[i].c.registered_known ? t[i].c.households_registered : 0, 4, cov);
		mq_rate_format(t[i].c.resolved, t[i].c.demands, 4, res);
		printf("  %s: 走访 visits %lld, 入户 home %lld, 覆盖率 coverage %s, 诉求 demands %lld, "
			"办结 resolved %lld, 超期 overdue %lld, 办结率 resolution %s\n",
			t[i].township, t[i].c.visits, t[i].c.home_visits, cov[0] ? cov : "—", t[i].c.demands,
			t[i].c.resolved, t[i].c.overdue, res[0] ? res : "—");
	}
}

int mq_cmd_run(int argc, char **argv)
{
	struct run r = { 0 };
	struct mq_error err = { 0 };
	int status = mq_cli_parse(argc, argv, &r.cli);
	if (status)
		goto out;
	if (r.cli.ninputs == 0) {
		fprintf(stderr, "minqing run: 需要至少一个输入文件（或配置文件中的 input）/ needs input files\n");
		status = MQ_EXIT_USAGE;
		goto out;
	}
	/* without --period: the month of the run date, what a clerk reports most */
	char period_text[16];
	if (!r.cli.period) {
		int y, m, d;
		mq_day_to_ymd(r.cli.as_of, &y, &m, &d);
		snprintf(period_text, sizeof period_text, "%04d-%02d", y, m);
		r.cli.period = period_text;
	}
	if (mq_period_parse(r.cli.period, &r.period, &err)) {
		fprintf(stderr, "minqing run: %s\n", err.message);
		status = MQ_EXIT_USAGE;
		goto out;
	}
	if (r.cli.out)
		snprintf(r.out_dir, sizeof r.out_dir, "%s", r.cli.out);
	else
		snprintf(r.out_dir, sizeof r.out_dir, "out/%s", r.period.label);
	if (mq_reference_load(&r.ref, r.cli.registry, r.cli.roster, r.cli.assignments, &err) ||
	    mq_rubric_load(r.cli.rubric, &r.rubric, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	if (!(r.agg = mq_agg_new(&r.period, r.cli.as_of, &r.ref)) ||
	    !(r.tally = mq_tally_new(r.rubric, &r.period)) ||
	    !(r.visits = mq_visits_new(&r.period, r.cli.as_of, records_at_most(&r.cli)))) {
		mq_fail_nomem(&err, NULL, 0);
		status = mq_cli_fatal(&err);
		goto out;
	}
	/* before the staging folder exists: a signal from then on ends the run
	 * at its next check and removes the folder */
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (mq_stage_dir_prepare(r.out_dir, r.stage_dir, sizeof r.stage_dir, &err)) {
		status = mq_cli_fatal(&err);
		goto out;
	}
	snprintf(r.data_dir, sizeof r.data_dir, "%s/data", r.stage_dir);
	mq_progress_init(&r.progress, stderr, r.cli.quiet, r.cli.verbose);
	int rc = run_stages(&r, &err);
	if (rc)
		mq_remove_tree(r.stage_dir);
	else /* cleans up after itself, or leaves its journal for the next run */
		rc = mq_stage_dir_commit(r.stage_dir, r.out_dir, &err);
	if (rc) {
		mq_progress_done(&r.progress);
		status = mq_cli_fatal(&err);
		if (interrupted)
			fprintf(stderr, "minqing: 运行被中断，原有输出未改动 / interrupted: the previous outputs are unchanged\n");
		goto out;
	}
	if (!r.cli.quiet) {
		mq_print_summary(stdout, &r.counts);
		print_outputs(&r);
		if (r.cli.verbose)
			mq_progress_report(&r.progress);
	}
	status = r.counts.rejected ? MQ_EXIT_REJECTS : MQ_EXIT_OK;
out:
	mq_run_hashes_free(r.hashes);
	mq_visits_free(r.visits);
	mq_reports_result_free(&r.reports);
	mq_agg_free(r.agg);
	mq_tally_free(r.tally);
	mq_rubric_free(r.rubric);
	mq_run_counts_free(&r.counts);
	mq_reference_free(&r.ref);
	mq_cli_free(&r.cli);
	return mq_cli_exit(status);
}
