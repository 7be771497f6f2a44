/* csv_plain.h — the CSV reader's fast path (private to ingest/csv.c): a
 * line without quotes split at its commas exactly as libcsv splits it,
 * each cell trimmed of spaces and tabs, a line of nothing but those no row.
 * Most lines of a large export go this way, copied once instead of byte
 * by byte. tests/fuzz/fuzz_csv_plain.c compares it with libcsv on every
 * input. */
#ifndef MQ_INGEST_CSV_PLAIN_H
#define MQ_INGEST_CSV_PLAIN_H

#include <stddef.h>
#include <string.h>

/* The length of line s[0..n) without its (CR)LF when the fast path may
 * split it: it ends in LF and holds no quote and no CR before its line
 * break; (size_t)-1 otherwise. */
static inline size_t csv_plain_body(const char *s, size_t n)
{
	if (!n || s[n - 1] != '\n')
		return (size_t)-1;
	size_t body = n - 1;
	if (body && s[body - 1] == '\r')
		body--;
	if (memchr(s, '"', body) || memchr(s, '\r', body))
		return (size_t)-1;
	return body;
}

/* 1 when s[0..body) is nothing but spaces and tabs: libcsv makes no row. */
static inline int csv_plain_blank(const char *s, size_t body)
{
	for (size_t i = 0; i < body; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* Splits d[0..body), the caller's copy of a line's body with a byte to
 * spare after it, into cells: each one trimmed, NUL-terminated in place
 * and passed to cell(ctx, start, len). Returns 0, or cell's non-zero. */
static inline int csv_plain_split(char *d, size_t body, int (*cell)(void *ctx, size_t start, size_t len),
				  void *ctx)
{
	for (size_t start = 0;;) {
		char *comma = memchr(d + start, ',', body - start);
		size_t end = comma ? (size_t)(comma - d) : body, a = start, z = end;
		while (a < z && (d[a] == ' ' || d[a] == '\t'))
			a++;
		while (z > a && (d[z - 1] == ' ' || d[z - 1] == '\t'))
			z--;
		d[z] = '\0';
		int rc = cell(ctx, a, z - a);
		if (rc || !comma)
			return rc;
		start = end + 1;
	}
}

#endif
