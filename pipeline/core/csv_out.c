/* csv_out.c — writing CSV cells and rows (csv_out.h). */
#include "minqing/core/csv_out.h"

#include "minqing/core/bytes.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>

/* ---- CSV out ---- */

int mq_csv_space_at_ends(const char *s, size_t len)
{
	return len && (s[0] == ' ' || s[len - 1] == ' ' || s[0] == '\t' || s[len - 1] == '\t');
}

/* 1 when the cell (len > 0) must be quoted (RFC 4180, plus white space at
 * its ends, which readers would trim) */
static int csv_needs_quote(const char *s, size_t len)
{
	return mq_csv_space_at_ends(s, len) || mq_any_byte_of4(s, len, ',', '"', '\n', '\r');
}

int mq_csv_joined_plain(const char *s, size_t len, size_t commas)
{
	size_t i = 0, found = 0;
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"');
	const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	/* commas counted per byte lane (a match is -1), summed before a lane
	 * could pass 255 */
	__m128i lanes = _mm_setzero_si128();
	for (unsigned step = 0; i + 16 <= len; i += 16) {
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i bad = _mm_or_si128(_mm_cmpeq_epi8(w, quote),
					   _mm_or_si128(_mm_cmpeq_epi8(w, lf), _mm_cmpeq_epi8(w, cr)));
		if (_mm_movemask_epi8(bad))
			return 0;
		lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(w, comma));
		if (++step == 255 || i + 32 > len) {
			__m128i sum = _mm_sad_epu8(lanes, _mm_setzero_si128());
			found += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_extract_epi16(sum, 4);
			lanes = _mm_setzero_si128();
			step = 0;
		}
	}
#endif
	for (; i < len; i++) {
		if (s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 0;
		found += s[i] == ',';
	}
	return found == commas;
}

void mq_csv_cell_n(FILE *fp, const char *s, size_t len, int first)
{
	if (!first)
		putc_unlocked(',', fp);
	if (!s || !len)
		return;
	if (!csv_needs_quote(s, len)) {
		fwrite_unlocked(s, 1, len, fp);
		return;
	}
	putc_unlocked('"', fp);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			putc_unlocked('"', fp);
		putc_unlocked(s[i], fp);
	}
	putc_unlocked('"', fp);
}

int mq_csv_cell_buf(struct mq_buf *b, const char *s, size_t len, int first)
{
	if (!s)
		len = 0;
	/* room for the worst case: a comma, quotes, every byte doubled */
	if (len > (SIZE_MAX - 3) / 2)
		return MQ_ERR_LIMIT;
	int rc = mq_buf_reserve(b, 2 * len + 3);
	if (rc)
		return rc;
	char *p = b->data + b->len;
	if (!first)
		*p++ = ',';
	if (len && csv_needs_quote(s, len)) {
		*p++ = '"';
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '"')
				*p++ = '"';
			*p++ = s[i];
		}
		*p++ = '"';
	} else if (len) {
		memcpy(p, s, len);
		p += len;
	}
	*p = '\0';
	b->len = (size_t)(p - b->data);
	return 0;
}

void mq_csv_cell(FILE *fp, const char *s, int first)
{
	mq_csv_cell_n(fp, s, s ? strlen(s) : 0, first);
}

void mq_csv_end(FILE *fp)
{
	fputs("\r\n", fp);
}

void mq_csv_row(FILE *fp, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mq_csv_cell(fp, cells[i], i == 0);
	mq_csv_end(fp);
}

void mq_csv_cells(FILE *fp, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mq_csv_cell(fp, cells[i], 0);
}

void mq_csv_bom(FILE *fp, int bom)
{
	if (bom)
		fputs("\xEF\xBB\xBF", fp);
}

int mq_csv_open(struct mq_out *o, const char *path, int bom, const char *const *head, size_t n,
		struct mq_error *err)
{
	int rc = mq_out_open(o, path, err);
	if (rc)
		return rc;
	mq_csv_bom(o->fp, bom);
	if (n)
		mq_csv_row(o->fp, head, n);
	return 0;
}
