/* utf8.c — UTF-8 checks, decoding, encoding and trimming (utf8.h). */
#include "minqing/core/utf8.h"

#include "minqing/core/bytes.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>

/* ---- UTF-8 ---- */

int mq_utf8_decode_any(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (!len)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	int n;
	uint32_t c, min;
	if ((s[0] & 0xE0) == 0xC0) { n = 2; c = s[0] & 0x1F; min = 0x80; }
	else if ((s[0] & 0xF0) == 0xE0) { n = 3; c = s[0] & 0x0F; min = 0x800; }
	else if ((s[0] & 0xF8) == 0xF0) { n = 4; c = s[0] & 0x07; min = 0x10000; }
	else return 0;
	if ((size_t)n > len)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

int mq_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

int mq_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
#ifdef __SSE2__
		if (i + 16 <= len) {
			/* sixteen bytes at a character's start: a NUL anywhere
			 * is no text; ASCII alone, or ASCII and plain
			 * three-byte characters (each lead followed by its two
			 * continuation bytes, no other byte >= 0x80), pass
			 * whole, up to a character the window cuts; else the
			 * bytes before the first byte >= 0x80 */
			__m128i x = _mm_loadu_si128((const __m128i *)(u + i));
			unsigned hi = (unsigned)_mm_movemask_epi8(x);
			if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128())))
				return 0;
			if (!hi) {
				i += 16;
				continue;
			}
			__m128i top4 = _mm_and_si128(x, _mm_set1_epi8((char)0xF0));
			__m128i top2 = _mm_and_si128(x, _mm_set1_epi8((char)0xC0));
			__m128i checked = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE0)),
						       _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xED)));
			unsigned lead = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(
				checked, _mm_cmpeq_epi8(top4, _mm_set1_epi8((char)0xE0))));
			unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(top2, _mm_set1_epi8((char)0x80)));
			if ((hi & ~(lead | cont)) == 0 && cont == (((lead << 1) | (lead << 2)) & 0xFFFFu)) {
				i += lead & 0x8000u ? 15 : lead & 0x4000u ? 14 : 16;
				continue;
			}
			i += (size_t)__builtin_ctz(hi);
		}
#else
		if (i + 8 <= len) {
			uint64_t w = mq_load_le(u + i, 8);
			/* eight ASCII bytes, none of them NUL */
			if ((w & 0x8080808080808080ULL) == 0 &&
			    ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
#endif
		/* a run of plain three-byte characters */
		while (i + 2 < len && mq_utf8_plain_lead3(u[i]) && (u[i + 1] & 0xC0) == 0x80 &&
		       (u[i + 2] & 0xC0) == 0x80)
			i += 3;
		if (i == len)
			break;
		unsigned char c = u[i];
		if (c == 0)
			return 0; /* NUL is no character of any text a clerk types */
		if (c < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		int n = mq_utf8_decode(s + i, len - i, &cp);
		if (!n)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

size_t mq_utf8_count(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* 1 for the white-space bytes trimming removes */
static int space_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t space_at(const char *s, size_t len)
{
	if (len && space_byte(s[0]))
		return 1;
	if (len >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0x80)
		return 3;
	return 0;
}

size_t mq_trim_ends(const char *s, size_t len, const char **start)
{
	size_t n;
	while ((n = space_at(s, len))) {
		s += n;
		len -= n;
	}
	for (;;) {
		if (len && space_byte(s[len - 1]))
			len--;
		else if (len >= 3 && space_at(s + len - 3, 3) == 3)
			len -= 3;
		else
			break;
	}
	*start = s;
	return len;
}

