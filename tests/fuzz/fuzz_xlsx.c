/* libFuzzer target for the workbook readers (pipeline/ingest/xlsx.c, xls.c,
 * sheet.c) behind the sniffer (sniff.c): each input is written to a
 * temporary file and read as minqing reads any input. Hostile ZIPs (broken
 * directories, members that lie about their sizes, a shared-string table
 * declared a billion long), absurd cell references and deep XML must end in
 * records or in a clear refusal (MQ_ERR_FORMAT, MQ_ERR_LIMIT), never in a
 * crash, a leak or another error; every record reaches the callback with a
 * source of "file:sheet", a line ≥ 1 and valid UTF-8 cells. The seeds in
 * corpus_xlsx/ are small workbooks written by LibreOffice, openpyxl and by
 * hand (tests/fuzz/make_xlsx_seeds.py). */
#include "minqing/core/error.h"
#include "minqing/core/utf8.h"
#include "minqing/ingest/ingest.h"
#include "fuzz_input.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct seen {
	long n;
	uint64_t sum;
};

static int touch(const struct mq_raw_record *r, void *ctx)
{
	struct seen *s = ctx;
	uint64_t h = (uint64_t)r->line;
	if (!r->source || r->line < 1)
		abort();
	for (int f = 0; f < MQ_NFIELDS; f++)
		for (size_t i = 0; r->value[f] && i < r->len[f]; i++)
			h = h * 31 + (unsigned char)r->value[f][i];
	for (size_t i = 0; i < r->ncells; i++) {
		/* an absent cell (an XML record's missing field) is NULL, and empty */
		if (!r->cells[i] && r->cell_len[i])
			abort();
		for (size_t k = 0; k < r->cell_len[i]; k++)
			h += (unsigned char)r->cells[i][k];
		if (i < r->nheaders && !r->headers[i])
			abort();
	}
	s->n++;
	s->sum += h;
	return 0;
}

static int on_sheet(const char *source, const char *zh, const char *en, void *ctx)
{
	(void)ctx;
	if (!source || !strchr(source, ':') || (zh != NULL) != (en != NULL))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_input_file("xlsx", data, size);
	struct seen s = { 0 };
	struct mq_error err = { 0 };
	struct mq_ingest_stats st;
	struct mq_ingest_opts opts = { .sheet = on_sheet };
	int rc = mq_ingest_file(path, &opts, touch, &s, &st, &err);
	if (rc < 0 && rc != MQ_ERR_FORMAT && rc != MQ_ERR_LIMIT)
		abort();
	if (rc < 0 && !err.message[0])
		abort();   /* a refusal always says why */
	if (rc == 0 && st.records != s.n)
		abort();
	return 0;
}
