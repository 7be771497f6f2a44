/* bytes.h — reading a word of bytes, for the scanners that look at 8 bytes
 * a step (UTF-8 checks, hashing), looking for any of a few bytes, and runs
 * of decimal digits. */
#ifndef MINQING_CORE_BYTES_H
#define MINQING_CORE_BYTES_H

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The n (at most 8) bytes at p as a little-endian number. */
static inline uint64_t mq_load_le(const unsigned char *p, size_t n)
{
	uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&w, p, n); /* one load where the machine is little-endian */
#else
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
#endif
	return w;
}

/* 1 when any byte of the 8 in w equals c (exact: the classic zero-byte test). */
static inline int mq_word_has_byte(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (0x0101010101010101ULL * c);
	return ((x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL) != 0;
}

/* 1 when any of the n bytes at s is a, b, c or d (name one twice to look
 * for fewer): sixteen bytes a step with SSE2, else eight. */
static inline int mq_any_byte_of4(const char *s, size_t n, char a, char b, char c, char d)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
	for (; i + 16 <= n; i += 16) {
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, va), _mm_cmpeq_epi8(w, vb)),
					   _mm_or_si128(_mm_cmpeq_epi8(w, vc), _mm_cmpeq_epi8(w, vd)));
		if (_mm_movemask_epi8(hit))
			return 1;
	}
#endif
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (mq_word_has_byte(w, (unsigned char)a) || mq_word_has_byte(w, (unsigned char)b) ||
		    mq_word_has_byte(w, (unsigned char)c) || mq_word_has_byte(w, (unsigned char)d))
			return 1;
	}
	for (; i < n; i++)
		if (s[i] == a || s[i] == b || s[i] == c || s[i] == d)
			return 1;
	return 0;
}

/* 1 when the n bytes at s are all ASCII digits (also when n is 0). */
static inline int mq_all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The value of the n (at most 18) ASCII digits at s; -1 when one of them
 * is not a digit. */
static inline long long mq_digits_value(const char *s, size_t n)
{
	long long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

#endif
