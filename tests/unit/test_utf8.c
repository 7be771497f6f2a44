/* Unit tests of the UTF-8 check (core/utf8.h): mq_utf8_valid, which passes
 * sixteen bytes at a time of ASCII and plain three-byte characters (a
 * character the window cuts is looked at again) and runs of the latter,
 * says the same as decoding character by character, on strings built from
 * pieces that sit at every offset of those strides: ASCII, Chinese, the
 * edge cases of three- and four-byte sequences (E0, ED, F4), overlong
 * forms, surrogates, truncated sequences, stray continuation bytes and NUL.
 * mq_utf8_decode's inline forms (ASCII, plain three-byte) agree with the
 * general decoder on every one-, two- and three-byte input. mq_trim takes
 * white space and U+3000 off the ends and nothing else. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "minqing/core/utf8.h"

/* the definition: every character decodes, none is NUL */
static int valid_by_decoding(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = mq_utf8_decode(s + i, len - i, &cp);
		if (!n || cp == 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

struct piece {
	const char *s;
	size_t n;
};

static void known(void)
{
	CHECK(mq_utf8_valid("", 0));
	CHECK(mq_utf8_valid("abcdefghijklmnopqrstuvwxyz", 26));
	CHECK(mq_utf8_valid("石桥乡柳林镇民情日记石桥乡柳林镇民情日记", 60));
	CHECK(!mq_utf8_valid("abcdefghijklmno\0", 16));        /* NUL in the sixteen bytes */
	CHECK(!mq_utf8_valid("abcdefghijklmnopq\0rs", 20));
	CHECK(!mq_utf8_valid("石桥乡柳林镇民情日\xe8\xae", 29));   /* cut off */
	CHECK(!mq_utf8_valid("abcdefghijklmnop\xed\xa0\x80", 19)); /* a surrogate */
	CHECK(!mq_utf8_valid("abcdefghijklmnop\xe0\x80\xaf", 19)); /* overlong */
	CHECK(mq_utf8_valid("abcdefghijklmnop\xe0\xa0\x80\xed\x9f\xbf", 22));
	/* longer strings: a NUL at byte 31, characters the windows cut after
	 * their first and second bytes, a surrogate among Chinese */
	CHECK(!mq_utf8_valid("abcdefghijklmnopqrstuvwxyz01234\0abc", 35));
	CHECK(mq_utf8_valid("abcdefghijklmnopqrstuvwxyz01234中文abcdefghijklmnopqrstuvwxyz", 63));
	CHECK(mq_utf8_valid("abcdefghijklmnopqrstuvwxyz0123中文abcdefghijklmnopqrstuvwxyz", 62));
	CHECK(!mq_utf8_valid("abcdefghijklmnopqrstuvwxyz0123\xe4\xb8" "abcdefghijklmnopqrstuvwxyz", 58));
	CHECK(mq_utf8_valid("石桥乡柳林镇民情日记石桥乡柳林镇民情日记石桥乡柳林镇民情日记", 90));
	CHECK(!mq_utf8_valid("石桥乡柳林镇民情日记石桥乡柳林\xed\xa0\x80镇民情日记石桥乡柳林镇民情日记", 90));
	CHECK(!mq_utf8_valid("中文\xff中文", 13));
}

static void agrees_with_decoding(void)
{
	static const struct piece pieces[] = {
		{ "a", 1 }, { ",", 1 }, { "中", 3 }, { "文", 3 }, { "\xe3\x80\x80", 3 },
		{ "abcdefghijklmnop", 16 }, { "\xe0\xa0\x80", 3 }, { "\xed\x9f\xbf", 3 },
		{ "\xed\xa0\x80", 3 }, { "\xf0\x9f\x98\x80", 4 }, { "\xf4\x90\x80\x80", 4 },
		{ "\xc3\xa9", 2 }, { "\x80", 1 }, { "\xe4\xb8", 2 }, { "\0", 1 }, { "\xff", 1 },
		{ "\xc0\xaf", 2 }, { "\xe0\x80\xaf", 3 },
	};
	size_t np = sizeof pieces / sizeof pieces[0];
	char buf[40 * 16]; /* at most 39 pieces of at most 16 bytes */
	long disagree = 0, valid = 0, invalid = 0;
	srand(7);
	for (int t = 0; t < 200000; t++) {
		size_t n = 0;
		int m = rand() % 40;
		for (int j = 0; j < m; j++) {
			/* mostly the common pieces, so long valid strings come up */
			size_t k = rand() % 100 < 90 ? (size_t)(rand() % 6) : (size_t)rand() % np;
			memcpy(buf + n, pieces[k].s, pieces[k].n);
			n += pieces[k].n;
		}
		if (rand() % 4 == 0 && n)
			n = (size_t)rand() % n; /* cut anywhere, also inside a character */
		for (size_t off = 0; off < 3 && off <= n; off++) {
			int want = valid_by_decoding(buf + off, n - off);
			disagree += mq_utf8_valid(buf + off, n - off) != want;
			valid += want;
			invalid += !want;
		}
	}
	CHECK_INT(disagree, 0);
	CHECK(valid > 100000 && invalid > 100000); /* both answers were tried */
}

static void inline_decode_agrees(void)
{
	long bad = 0;
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++)
			for (unsigned c = 0; c < 256; c++) {
				const char s[3] = {(char)a, (char)b, (char)c};
				for (size_t len = c == 0 ? 1 : 3; len <= 3; len++) {
					uint32_t x = 0xDEAD, y = 0xDEAD;
					int n = mq_utf8_decode(s, len, &x), m = mq_utf8_decode_any(s, len, &y);
					bad += n != m || (n && x != y);
				}
			}
	CHECK(bad == 0);
	uint32_t cp = 7;
	CHECK(mq_utf8_decode("", 0, &cp) == 0 && cp == 7);
	CHECK(mq_utf8_next("\xff", 1, &cp) == 1 && cp == 0xFFFD);
}

/* mq_trim: white space and U+3000 off both ends, nothing else; the quick
 * answer for cells whose end bytes can be no white space agrees */
static void trims(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "石桥乡", "石桥乡" }, { " 石桥乡\t", "石桥乡" }, { "\r\n石桥乡\r\n", "石桥乡" },
		{ "\xe3\x80\x80石桥乡\xe3\x80\x80", "石桥乡" }, { " \xe3\x80\x80 一 \xe3\x80\x80", "一" },
		{ "一", "一" }, { "\xe3\x81\x82", "\xe3\x81\x82" }, { "a\xe3\x80\x80" "b", "a\xe3\x80\x80" "b" },
		{ "\xe3\x80\x80", "" }, { " ", "" }, { "", "" }, { "\x80", "\x80" }, { "\xe3", "\xe3" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *start = NULL;
		size_t n = mq_trim(cases[i].in, strlen(cases[i].in), &start);
		CHECK_INT(n, strlen(cases[i].out));
		CHECK(start && strncmp(start, cases[i].out, n) == 0);
	}
}

int main(void)
{
	known();
	trims();
	agrees_with_decoding();
	inline_decode_agrees();
	return check_summary();
}
