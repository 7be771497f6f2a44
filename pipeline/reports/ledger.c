/* ledger.c — the village visit ledger (村级民情走访台账,
 * templates/village_ledger.xml): every household of the village visited
 * in the period (一户一档), each with its visits in date order. Rows come
 * from the compact visits of reports.c, already sorted by village,
 * household, date and order in accepted.csv. */
#include "reports_internal.h"

#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/ingest/record.h"

#include <stdio.h>
#include <string.h>


static void topics_text(uint16_t bits, char *out, size_t len)
{
	size_t n = 0;
	out[0] = '\0';
	for (int t = 0; t < MQ_TOPIC_N; t++)
		if (bits & (1u << t))
			n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? "、" : "", mq_topics[t]);
}

int rp_ledger(struct rp_ctx *c, size_t village, int unit, int index, rp_emit_fn emit, void *sink,
	      struct mq_error *err)
{
	const struct rp_village *v = &c->villages[village];
	struct mq_data *d = mq_data_new();
	struct mq_dataset *hs, *vs;
	int rc = 0;
	if (!d)
		return mq_fail_nomem(err, NULL, 0);
	char period_text[64];
	if (c->period.kind == MQ_PERIOD_MONTH)
		snprintf(period_text, sizeof period_text, "%d年%d月", c->period.year, c->period.index);
	else
		snprintf(period_text, sizeof period_text, "%s", c->label);
	if ((rc = rp_setf(d, err, "title", "%s%s%s民情走访台账", v->township, v->village, period_text)) ||
	    (rc = mq_data_set(d, "county", v->county, err)) ||
	    (rc = mq_data_set(d, "township", v->township, err)) ||
	    (rc = mq_data_set(d, "village", v->village, err)) ||
	    (rc = mq_data_set(d, "period_text", period_text, err)) ||
	    (rc = mq_data_set(d, "as_of", c->as_of_text, err)) ||
	    (rc = rp_add_set(d, "households", "household_id householder visits demands", &hs, err)) ||
	    (rc = rp_add_set(d, "visits", "household_id householder date cadre mode topics demand status closed "
			     "signed measure log", &vs, err)))
		goto out;
	size_t nh = 0, demands = 0, resolved = 0, overdue = 0;
	for (size_t i = v->first; i < v->first + v->count && !rc;) {
		size_t j = i, nd = 0;
		int32_t holder = -1;
		const struct rp_visit *x = &c->visits[i];
		for (; j < v->first + v->count && c->visits[j].household == x->household; j++) {
			const struct rp_visit *y = &c->visits[j];
			char date[11], closed[32] = "", topics[256];
			const char *status = y->demand >= 0 && y->status >= 0 ? mq_statuses[y->status] : "";
			mq_date_format(y->date, date);
			if (y->closed != MQ_NO_DAY)
				mq_date_format(y->closed, closed);
			/* the status on the as-of date (contract section 4): a
			 * closure after it is still open then, noted as 期后办结 */
			int is_closed = y->demand >= 0 && y->status == MQ_ST_CLOSED && y->closed != MQ_NO_DAY;
			if (is_closed && y->closed > c->as_of) {
				status = "未办结";
				memmove(closed + strlen("期后办结 "), closed, 11);
				memcpy(closed, "期后办结 ", strlen("期后办结 "));
			}
			int done = y->demand >= 0 && mq_resolved_by(y->status, y->closed, c->as_of);
			resolved += done;
			overdue += y->demand >= 0 && mq_overdue_by(y->status, y->closed, y->due, c->as_of);
			topics_text(y->topics, topics, sizeof topics);
			if (y->householder >= 0)
				holder = y->householder;
			nd += y->demand >= 0;
			const char *row[] = {rp_str(c, y->household), rp_str(c, y->householder), date, rp_str(c, y->cadre),
					     y->mode >= 0 ? mq_visit_modes[y->mode] : "", topics,
					     rp_str(c, y->demand), status, closed, y->is_signed ? "是" : "否",
					     rp_str(c, y->measure), y->log ? y->log : ""};
			if ((rc = mq_dataset_add_row(vs, row, err)))
				break;
		}
		char n1[16], n2[16];
		snprintf(n1, sizeof n1, "%zu", j - i);
		snprintf(n2, sizeof n2, "%zu", nd);
		const char *hrow[] = {rp_str(c, x->household), rp_str(c, holder), n1, n2};
		if (!rc)
			rc = mq_dataset_add_row(hs, hrow, err);
		nh++;
		demands += nd;
		i = j;
	}
	char file[1024];
	rp_file_ledger(c, v, file, sizeof file);
	if (!rc && !(rc = rp_setf(d, err, "households_n", "%zu", nh)) &&
	    !(rc = rp_setf(d, err, "visits_n", "%zu", v->count)) &&
	    !(rc = rp_setf(d, err, "demands_n", "%zu", demands)) &&
	    !(rc = rp_setf(d, err, "resolved_n", "%zu", resolved)) &&
	    !(rc = rp_setf(d, err, "overdue_n", "%zu", overdue)))
		rc = rp_render(c, c->t_ledger, d, file, unit, index, emit, sink, err);
out:
	if (rc > 0)
		rc = mq_fail_nomem(err, NULL, 0);
	mq_data_free(d);
	return rc;
}
