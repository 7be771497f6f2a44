/* csv_plain.h — the CSV reader's fast path (private to ingest/csv.c): a
 * line without quotes split at its commas exactly as libcsv splits it,
 * each cell trimmed of spaces and tabs, a line of nothing but those no row.
 * Most lines of a large export go this way, copied once instead of byte
 * by byte. tests/fuzz/fuzz_csv_plain.c compares it with libcsv on every
 * input. */
#ifndef MQ_INGEST_CSV_PLAIN_H
#define MQ_INGEST_CSV_PLAIN_H

#include "minqing/core/bytes.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stddef.h>

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
	if (mq_any_byte_of4(s, body, '"', '\r', '"', '\r'))
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

typedef int (*csv_plain_cell_fn)(void *ctx, size_t start, size_t len);

/* The cell d[start..end) trimmed, NUL-terminated in place (at end at the
 * latest) and passed to cell. */
static inline __attribute__((always_inline)) int csv_plain_cell(char *d, size_t start, size_t end,
								 csv_plain_cell_fn cell, void *ctx)
{
	size_t a = start, z = end;
	while (a < z && (d[a] == ' ' || d[a] == '\t'))
		a++;
	while (z > a && (d[z - 1] == ' ' || d[z - 1] == '\t'))
		z--;
	d[z] = '\0';
	return cell(ctx, a, z - a);
}

/* Splits d[0..body), the caller's copy of a line's body with a byte to
 * spare after it, into cells: each one trimmed, NUL-terminated in place
 * and passed to cell(ctx, start, len). Returns 0, or cell's non-zero.
 * The commas of sixteen bytes are found at once (a cell ends at its
 * comma at the latest, so the bytes still to be looked at are intact). */
static inline __attribute__((always_inline)) int csv_plain_split(char *d, size_t body, csv_plain_cell_fn cell,
								  void *ctx)
{
	size_t start = 0, i = 0;
	int rc;
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(',');
	for (; i + 16 <= body; i += 16) {
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
		for (unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(w, comma)); m; m &= m - 1) {
			size_t end = i + (size_t)__builtin_ctz(m);
			if ((rc = csv_plain_cell(d, start, end, cell, ctx)))
				return rc;
			start = end + 1;
		}
	}
#endif
	for (; i < body; i++)
		if (d[i] == ',') {
			if ((rc = csv_plain_cell(d, start, i, cell, ctx)))
				return rc;
			start = i + 1;
		}
	return csv_plain_cell(d, start, body, cell, ctx);
}

#endif
