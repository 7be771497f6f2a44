/* bytes.h — reading a word of bytes, for the scanners that look at 8 bytes
 * a step (UTF-8 checks, hashing), and runs of decimal digits. */
#ifndef MINQING_CORE_BYTES_H
#define MINQING_CORE_BYTES_H

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
