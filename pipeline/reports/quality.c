/* quality.c — the data-quality report of a run (数据质量报告,
 * templates/data_quality.xml): inputs, read = accepted + rejected +
 * dropped, rejects and warnings per code explained in plain Chinese, the
 * first 200 rejected records, how to fix and re-import, and the
 * characters the fonts could not show in the other reports of the run
 * (so it is rendered last). Figures are counts.csv and rejects.csv. */
#include "reports_internal.h"

#include "minqing/check/validate.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"

#include <stdlib.h>
#include <string.h>

static const char *metric(const struct rp_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->counts.nrows; i++)
		if (strcmp(c->counts.cells[i * 2], name) == 0)
			return c->counts.cells[i * 2 + 1];
	return "";
}

int rp_quality_doc(struct rp_ctx *c, const struct mq_reports_result *res, int unit,
		   rp_emit_fn emit, void *sink, struct mq_error *err)
{
	struct mq_data *d = mq_data_new();
	struct mq_dataset *in, *codes, *warns, *rej, *miss;
	int rc = 0;
	if (!d)
		return mq_fail_nomem(err, NULL, 0);
	long long read = atoll(metric(c, "records_read")), acc = atoll(metric(c, "accepted")),
		  rj = atoll(metric(c, "rejected")), dr = atoll(metric(c, "dropped_duplicates"));
	char period_text[64];
	if (c->period.kind == MQ_PERIOD_MONTH)
		snprintf(period_text, sizeof period_text, "%d年%d月", c->period.year, c->period.index);
	else
		snprintf(period_text, sizeof period_text, "%s", c->label);
	if ((rc = rp_setf(d, err, "title", "%s民情日记数据质量报告", period_text)) ||
	    (rc = mq_data_set(d, "period_text", period_text, err)) ||
	    (rc = mq_data_set(d, "unit", c->o->unit ? c->o->unit : rp_cell(&c->county, 0, "county"), err)) ||
	    (rc = mq_data_set(d, "as_of", c->as_of_text, err)) ||
	    (rc = mq_data_set(d, "as_of_run", metric(c, "as_of_run"), err)) ||
	    (rc = mq_data_set(d, "records_read", metric(c, "records_read"), err)) ||
	    (rc = mq_data_set(d, "accepted", metric(c, "accepted"), err)) ||
	    (rc = mq_data_set(d, "rejected", metric(c, "rejected"), err)) ||
	    (rc = mq_data_set(d, "dropped", metric(c, "dropped_duplicates"), err)) ||
	    (rc = mq_data_set(d, "blank_rows", metric(c, "blank_rows_skipped"), err)) ||
	    (rc = mq_data_set(d, "balance", read == acc + rj + dr ? "相符" : "不相符，请检查输入", err)) ||
	    (rc = rp_setf(d, err, "rejects_listed", "%zu", c->rejects.nrows)) ||
	    (rc = rp_setf(d, err, "rejects_total", "%zu", c->rejects.seen)) ||
	    (rc = rp_add_set(d, "inputs", "name path format records blank", &in, err)) ||
	    (rc = rp_add_set(d, "codes", "code explain count", &codes, err)) ||
	    (rc = rp_add_set(d, "warns", "code explain count", &warns, err)) ||
	    (rc = rp_add_set(d, "rejects", "source line record_id code message", &rej, err)) ||
	    (rc = rp_add_set(d, "missing", "file where codepoint", &miss, err)))
		goto out;
	for (size_t i = 0; i < c->counts.nrows && !rc; i++) {
		const char *m = c->counts.cells[i * 2];
		if (strncmp(m, "read:", 5) == 0) {
			char path[1024], format[1024], blank[1024];
			snprintf(path, sizeof path, "path:%s", m + 5);
			snprintf(format, sizeof format, "format:%s", m + 5);
			snprintf(blank, sizeof blank, "blank:%s", m + 5);
			const char *row[] = {m + 5, metric(c, path), metric(c, format), c->counts.cells[i * 2 + 1],
					     metric(c, blank)};
			rc = mq_dataset_add_row(in, row, err);
		}
	}
	for (int k = 0; k < MQ_NCODES && !rc; k++) {
		const char *n = metric(c, mq_code_names[k]);
		if (!*n || atoll(n) == 0)
			continue;
		const char *row[] = {mq_code_names[k], mq_code_explain_zh[k], n};
		rc = mq_dataset_add_row(mq_code_names[k][0] == 'E' ? codes : warns, row, err);
	}
	for (size_t i = 0; i < c->rejects.nrows && !rc; i++) {
		char msg[1024];
		rp_zh(rp_cell(&c->rejects, i, "message"), msg, sizeof msg);
		const char *row[] = {rp_cell(&c->rejects, i, "source"), rp_cell(&c->rejects, i, "line"),
				     rp_cell(&c->rejects, i, "record_id"), rp_cell(&c->rejects, i, "code"), msg};
		rc = mq_dataset_add_row(rej, row, err);
	}
	for (size_t i = 0; res && i < res->nmissing && !rc; i++) {
		char cp[16];
		snprintf(cp, sizeof cp, "U+%04X", (unsigned)res->missing[i].codepoint);
		const char *row[] = {res->missing[i].file, res->missing[i].where, cp};
		rc = mq_dataset_add_row(miss, row, err);
	}
	char file[1024];
	rp_file_quality(c, file, sizeof file);
	if (!rc)
		rc = rp_render(c, c->t_quality, d, file, unit, 0, emit, sink, err);
out:
	if (rc > 0)
		rc = mq_fail_nomem(err, NULL, 0);
	mq_data_free(d);
	return rc;
}
