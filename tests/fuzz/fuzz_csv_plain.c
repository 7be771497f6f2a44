/* libFuzzer target for the CSV reader's fast path (ingest/csv_plain.h):
 * each line of the input the fast path takes must split into the cells
 * libcsv makes of it, with the reader's options, and a line it finds blank
 * must be no row to libcsv either. */
#include "../../pipeline/ingest/csv_plain.h"

#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAXCELLS 4096

struct cells {
	size_t n, rows;
	size_t len[MAXCELLS];
	char *text[MAXCELLS];
};

static void lib_cell(void *s, size_t len, void *data)
{
	struct cells *c = data;
	if (c->n == MAXCELLS)
		abort();
	c->text[c->n] = malloc(len + 1);
	if (!c->text[c->n])
		abort();
	if (len)
		memcpy(c->text[c->n], s, len);
	c->len[c->n++] = len;
}

static void lib_row(int t, void *data)
{
	(void)t;
	((struct cells *)data)->rows++;
}

struct split {
	const char *d;
	struct cells *want;
	size_t i;
};

static int plain_cell(void *ctx, size_t start, size_t len)
{
	struct split *sp = ctx;
	if (sp->i >= sp->want->n || sp->want->len[sp->i] != len || memcmp(sp->want->text[sp->i], sp->d + start, len) ||
	    sp->d[start + len] != '\0')
		abort();
	sp->i++;
	return 0;
}

static void check_line(const char *s, size_t n)
{
	size_t body = csv_plain_body(s, n);
	if (body == (size_t)-1)
		return;
	struct cells lib = { 0 };
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL))
		abort();
	if (csv_parse(&p, s, n, lib_cell, lib_row, &lib) != n || csv_fini(&p, lib_cell, lib_row, &lib))
		abort(); /* a line without quotes is never an error to libcsv */
	csv_free(&p);
	if (csv_plain_blank(s, body)) {
		if (lib.n)
			abort();
	} else {
		char *d = malloc(body + 1);
		if (!d)
			abort();
		memcpy(d, s, body);
		struct split sp = { d, &lib, 0 };
		csv_plain_split(d, body, plain_cell, &sp);
		if (sp.i != lib.n)
			abort();
		free(d);
	}
	for (size_t i = 0; i < lib.n; i++)
		free(lib.text[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	for (size_t pos = 0; pos < size;) {
		const char *nl = memchr(s + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - (s + pos)) + 1 : size - pos;
		check_line(s + pos, len);
		pos += len;
	}
	return 0;
}
