/* utf8.h — UTF-8 validity, code point counting, decoding and encoding, trimming. */
#ifndef MINQING_CORE_UTF8_H
#define MINQING_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* UTF-8 helpers. mq_utf8_valid: 1 when s[0..len) is valid UTF-8 without NUL.
 * mq_utf8_count: code points in valid UTF-8. mq_utf8_decode reads one code
 * point at s (returns its byte length, 0 at invalid input). */
int mq_utf8_valid(const char *s, size_t len);
size_t mq_utf8_count(const char *s, size_t len);
int mq_utf8_decode_any(const char *s, size_t len, uint32_t *cp);

/* 1 for the lead byte of a three-byte sequence that needs no check but
 * its two continuation bytes (E1..EC, EE, EF: no overlong form, no
 * surrogate), the run most Chinese text is made of */
static inline int mq_utf8_plain_lead3(unsigned char c)
{
	return c >= 0xE1 && c <= 0xEF && c != 0xED;
}

/* ASCII and the plain three-byte form, most of Chinese text, inline: the
 * layout decodes each character several times. The rest in
 * mq_utf8_decode_any. */
static inline int mq_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (len && u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (len >= 3 && mq_utf8_plain_lead3(u[0]) && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
		*cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
		return 3;
	}
	return mq_utf8_decode_any(s, len, cp);
}

/* The same for text that may hold invalid bytes (len > 0): an invalid
 * byte reads as U+FFFD of length 1. Returns the byte length, at least 1. */
static inline int mq_utf8_next(const char *s, size_t len, uint32_t *cp)
{
	int n = mq_utf8_decode(s, len, cp);
	if (n)
		return n;
	*cp = 0xFFFD;
	return 1;
}
/* Writes code point cp (≤ 0x10FFFF, no surrogate) as UTF-8 to out; returns
 * its byte length. The code base's one UTF-8 encoder. */
int mq_utf8_encode(uint32_t cp, char out[4]);
/* Trims space, tab, CR, LF and U+3000 on both sides; returns the new length
 * and sets *start. Inline: most cells have nothing to trim, which their
 * end bytes show (no white space, not the first byte of U+3000 = E3 80 80
 * at the start nor its last at the end); mq_trim_ends does the rest. */
size_t mq_trim_ends(const char *s, size_t len, const char **start);
static inline size_t mq_trim(const char *s, size_t len, const char **start)
{
	if (len) {
		unsigned char a = (unsigned char)s[0], z = (unsigned char)s[len - 1];
		if (a > ' ' && a != 0xE3 && z > ' ' && z != 0x80) {
			*start = s;
			return len;
		}
	}
	return mq_trim_ends(s, len, start);
}

#endif
