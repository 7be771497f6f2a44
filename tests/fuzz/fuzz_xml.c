/* libFuzzer target for the XML reader (pipeline/ingest/xml.c).
 *
 * Each input is written to a temporary file and read twice: once as
 * minqing reads it, once with every visit checked against visits.xsd
 * (MINQING_XML_VALIDATE=all). The callback touches every byte of every
 * field; the two runs must agree on the records and their E001 verdicts,
 * which checks that the reader's element table and the XSD say the same.
 * Needs templates/visits.xsd: run from the repository root or set
 * MINQING_TEMPLATES (tests/fuzz/run.sh does). */
#include "minqing/core/error.h"
#include "minqing/ingest/ingest.h"
#include "minqing/core/utf8.h"
#include "fuzz_input.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXREC 4096

struct seen {
	long n;
	long line[MAXREC];
	unsigned char structural[MAXREC];
	uint64_t sum;
};

static int touch(const struct mq_raw_record *r, void *ctx)
{
	struct seen *s = ctx;
	uint64_t h = (uint64_t)r->line;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		if (!r->value[f]) {
			if (r->len[f])
				abort();
			continue;
		}
		for (size_t i = 0; i < r->len[f]; i++)
			h = h * 31 + (unsigned char)r->value[f][i];
		if (!mq_utf8_valid(r->value[f], r->len[f]))
			abort();   /* libxml2 hands over UTF-8 only */
	}
	for (size_t i = 0; i < r->ncells; i++) {
		if (!r->cells[i] && r->cell_len[i])
			abort();   /* only an absent (empty) cell is NULL */
		if (r->cells[i])
			for (size_t k = 0; k < r->cell_len[i]; k++)
				h += (unsigned char)r->cells[i][k];
		if (i < r->nheaders && r->headers[i])
			h += strlen(r->headers[i]);
	}
	if (r->structural)
		h += strlen(r->structural) + (r->structural_zh ? strlen(r->structural_zh) : 0);
	if (!r->source || r->line < 1)
		abort();
	if (s->n < MAXREC) {
		s->line[s->n] = r->line;
		s->structural[s->n] = r->structural != NULL;
	}
	s->n++;
	s->sum += h;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!getenv("MINQING_TEMPLATES"))
		setenv("MINQING_TEMPLATES", "templates", 1);
	const char *path = fuzz_input_file("xml", data, size);

	static struct seen a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	struct mq_error err = { 0 };
	struct mq_ingest_stats st;
	unsetenv("MINQING_XML_VALIDATE");
	int rc = mq_ingest_xml(path, NULL, touch, &a, &st, &err);
	if (rc < 0)
		abort();   /* only an unreadable file or a missing XSD is fatal */
	if (st.records != a.n)
		abort();
	if (size && a.n == 0) {
		/* a non-empty input always yields a record unless it is a
		 * well-formed <visits> without visits */
		if (!memmem(data, size, "visits", 6))
			abort();
	}
	setenv("MINQING_XML_VALIDATE", "all", 1);
	rc = mq_ingest_xml(path, NULL, touch, &b, &st, &err);
	unsetenv("MINQING_XML_VALIDATE");
	if (rc < 0 || a.n != b.n || a.sum != b.sum)
		abort();
	for (long i = 0; i < a.n && i < MAXREC; i++)
		if (a.line[i] != b.line[i] || a.structural[i] != b.structural[i])
			abort();
	return 0;
}
