/* libFuzzer target for the CSV reader and the validator.
 *
 * Each input is written to a temporary file and read as minqing reads an
 * input: encoding detected, header mapped, every record validated. The
 * callback checks the reader's promises (UTF-8 cells unless flagged, lines
 * that never go back, a line ≥ 2) and that every record gets exactly one
 * outcome; a second read with GB18030 forced must not crash either. The
 * first read checks records ahead on the reader's thread, as minqing
 * does, and a second validator checking them in one go must give the
 * same verdicts and the same accepted values, each ending in a NUL. A
 * plain record's accepted values need no CSV quoting (accepted.csv writes
 * them without looking). */
#include "minqing/check/validate.h"
#include "minqing/core/csv_out.h"
#include "minqing/core/error.h"
#include "minqing/core/utf8.h"
#include "minqing/core/date.h"
#include "fuzz_input.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct seen {
	struct mq_validator *v, *plain;
	long last_line, records, outcomes[3];
};

static int check_record(const struct mq_raw_record *r, void *ctx)
{
	struct seen *s = ctx;
	if (!r->source || r->line < 1 || r->line < s->last_line)
		abort();
	s->last_line = r->line;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		if (!r->value[f])
			continue;
		if (!r->bad_text[f] && !mq_utf8_valid(r->value[f], r->len[f]))
			abort();
	}
	for (size_t i = 0; i < r->ncells; i++)
		if (!r->cells[i] || (r->cells[i][r->cell_len[i]] != '\0'))
			abort();
	struct mq_verdict vd;
	if (mq_validate_record(s->v, r, &vd))
		abort();
	if (s->plain) {
		struct mq_raw_record copy = *r;
		struct mq_verdict pd;
		copy.prepared = NULL;
		if (mq_validate_record(s->plain, &copy, &pd) || pd.outcome != vd.outcome ||
		    pd.nwarnings != vd.nwarnings)
			abort();
		for (int f = 0; vd.outcome == MQ_ACCEPTED && f < MQ_NFIELDS; f++)
			if (!pd.record.text[f] != !vd.record.text[f] || pd.record.len[f] != vd.record.len[f] ||
			    (vd.record.text[f] && (memcmp(pd.record.text[f], vd.record.text[f], vd.record.len[f]) ||
						   vd.record.text[f][vd.record.len[f]] != '\0')))
				abort();
		if (vd.outcome == MQ_REJECTED && (pd.reject.code != vd.reject.code ||
						  strcmp(pd.reject.message, vd.reject.message) != 0 ||
						  strcmp(pd.reject.message_zh, vd.reject.message_zh) != 0))
			abort();
	}
	if (vd.outcome == MQ_REJECTED && (!vd.reject.message || !vd.reject.message_zh))
		abort();
	if (vd.outcome == MQ_ACCEPTED && vd.record.plain != r->plain)
		abort();
	for (int f = 0; vd.outcome == MQ_ACCEPTED && vd.record.plain && f < MQ_NFIELDS; f++) {
		const char *t = vd.record.text[f];
		size_t n = vd.record.len[f];
		if (t && (mq_csv_space_at_ends(t, n) || memchr(t, ',', n) || memchr(t, '"', n) || memchr(t, '\n', n) ||
		    memchr(t, '\r', n)))
			abort();
	}
	s->outcomes[vd.outcome]++;
	s->records++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_input_file("csv", data, size);
	static const enum mq_encoding encodings[] = { MQ_ENC_AUTO, MQ_ENC_GB18030 };
	for (size_t e = 0; e < 2; e++) {
		struct seen s = { 0 };
		struct mq_validate_opts vopts = { .as_of = mq_day_from_ymd(2024, 12, 31) };
		struct mq_preparer *prep = e == 0 ? mq_preparer_new(&vopts) : NULL;
		s.v = mq_validator_new(&vopts);
		s.plain = e == 0 ? mq_validator_new(&vopts) : NULL;
		if (!s.v || (e == 0 && (!prep || !s.plain)))
			abort();
		struct mq_ingest_opts opts = { .encoding = encodings[e],
					       .prepare = prep ? mq_validate_prepare : NULL, .prepare_ctx = prep };
		struct mq_ingest_stats st = { 0 };
		struct mq_error err = { 0 };
		int rc = mq_ingest_csv(path, &opts, check_record, &s, &st, &err);
		if (rc < 0 && rc != MQ_ERR_NOMEM)
			abort();
		if (st.records != s.records || s.outcomes[0] + s.outcomes[1] + s.outcomes[2] != s.records)
			abort();
		mq_validator_free(s.v);
		mq_validator_free(s.plain);
		mq_preparer_free(prep);
	}
	return 0;
}
