/* Unit tests of the embedded font program trimming (pipeline/font_trim.c)
 * on a small TrueType font built here: what is dropped, cut and kept,
 * composite components (nested, and one with no outline), checksums,
 * alignment and the table directory; fonts it must leave alone. */
#include "check.h"

#include <stdlib.h>

#include "../../pipeline/pdf/font_trim.h"
#include "minqing/core/error.h"

#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define NGLYPHS 12
#define NLONG 7   /* hhea.numberOfHMetrics: glyph 6, not kept, the last long metric */

static uint32_t be16(const unsigned char *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const unsigned char *p) { return be16(p) << 16 | be16(p + 2); }
static void put16(unsigned char *p, uint32_t v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void put32(unsigned char *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xFFFF); }

struct tbl {
	uint32_t tag;
	unsigned char data[512];
	uint32_t len;
};

static struct tbl T[16];
static int NT;
static int LONG_LOCA;   /* head.indexToLocFormat of the font built */

static struct tbl *add(uint32_t tag)
{
	T[NT].tag = tag;
	T[NT].len = 0;
	memset(T[NT].data, 0, sizeof T[NT].data);
	return &T[NT++];
}

static void u16(struct tbl *t, uint32_t v) { put16(t->data + t->len, v); t->len += 2; }

/* A simple glyph: one contour, a bounding box, no instructions. */
static void simple_glyph(struct tbl *glyf)
{
	u16(glyf, 1);
	for (int i = 0; i < 4; i++)
		u16(glyf, 100 * i);
	u16(glyf, 2);       /* endPtsOfContours */
	u16(glyf, 0);       /* no instructions */
	for (int i = 0; i < 3; i++)
		glyf->data[glyf->len++] = 0x37;   /* on-curve, short x/y, positive */
	for (int i = 0; i < 6; i++)
		glyf->data[glyf->len++] = 10;
	glyf->len += glyf->len & 1;
}

/* A composite glyph of the given components (byte offsets, no scale;
 * the first with word arguments and a scale, to walk the flags). */
static void composite_glyph(struct tbl *glyf, const int *ids, int n)
{
	u16(glyf, 0xFFFF);   /* numberOfContours -1 */
	for (int i = 0; i < 4; i++)
		u16(glyf, 0);
	for (int i = 0; i < n; i++) {
		uint32_t flags = (i + 1 < n ? 0x0020 : 0) | (i == 0 ? 0x0001 | 0x0008 : 0);
		u16(glyf, flags);
		u16(glyf, (uint32_t)ids[i]);
		if (flags & 0x0001) {
			u16(glyf, 5);
			u16(glyf, 7);
			u16(glyf, 0x4000);   /* scale 1.0 */
		} else
			u16(glyf, 0x0102);
	}
}

/* glyphs 0, 3, 8: simple; 5 = 7 + 3; 7 = 9 + 8, and 9 has no outline
 * (as when a subset left it out); 1, 2, 4, 6, 10, 11: no outline. */
static void build_font(void)
{
	NT = 0;
	struct tbl *os2 = add(TAG('O', 'S', '/', '2'));
	os2->len = 86;
	struct tbl *cmap = add(TAG('c', 'm', 'a', 'p'));
	cmap->len = 300;
	add(TAG('c', 'v', 't', ' '));   /* present, empty */
	struct tbl *glyf = add(TAG('g', 'l', 'y', 'f'));
	uint32_t off[NGLYPHS + 1];
	for (int g = 0; g < NGLYPHS; g++) {
		off[g] = glyf->len;
		if (g == 0 || g == 3 || g == 8)
			simple_glyph(glyf);
		else if (g == 5)
			composite_glyph(glyf, (const int[]){7, 3}, 2);
		else if (g == 7)
			composite_glyph(glyf, (const int[]){9, 8}, 2);
	}
	off[NGLYPHS] = glyf->len;
	struct tbl *head = add(TAG('h', 'e', 'a', 'd'));
	head->len = 54;
	put32(head->data, 0x00010000);
	put32(head->data + 8, 0x12345678);   /* a stale checkSumAdjustment */
	put32(head->data + 12, 0x5F0F3CF5);
	put16(head->data + 18, 1000);
	put16(head->data + 50, (uint32_t)LONG_LOCA);
	struct tbl *hhea = add(TAG('h', 'h', 'e', 'a'));
	hhea->len = 36;
	put32(hhea->data, 0x00010000);
	put16(hhea->data + 34, NLONG);
	struct tbl *hmtx = add(TAG('h', 'm', 't', 'x'));
	for (int g = 0; g < NLONG; g++) {
		u16(hmtx, 1000 + (uint32_t)g);
		u16(hmtx, 10 + (uint32_t)g);
	}
	for (int g = NLONG; g < NGLYPHS; g++)
		u16(hmtx, 10 + (uint32_t)g);
	struct tbl *loca = add(TAG('l', 'o', 'c', 'a'));
	for (int g = 0; g <= NGLYPHS; g++)
		if (LONG_LOCA) {
			put32(loca->data + loca->len, off[g]);
			loca->len += 4;
		} else
			u16(loca, off[g] / 2);   /* glyphs are of even length */
	struct tbl *maxp = add(TAG('m', 'a', 'x', 'p'));
	maxp->len = 32;
	put32(maxp->data, 0x00010000);
	put16(maxp->data + 4, NGLYPHS);
	/* name: copyright (0), family (1) twice, license (13) */
	struct tbl *name = add(TAG('n', 'a', 'm', 'e'));
	static const struct { int plat, enc, lang, id; const char *s; } recs[] = {
		{1, 0, 0, 0, "(c) X"}, {1, 0, 0, 1, "Fam"}, {1, 0, 0, 13, "A long licence text"},
		{3, 1, 0x409, 1, "\0F\0a\0m"}};
	int nrec = 4, at = 0;
	u16(name, 0);
	u16(name, (uint32_t)nrec);
	u16(name, 6 + 12 * (uint32_t)nrec);
	for (int i = 0; i < nrec; i++) {
		int len = recs[i].plat == 3 ? 6 : (int)strlen(recs[i].s);
		u16(name, (uint32_t)recs[i].plat);
		u16(name, (uint32_t)recs[i].enc);
		u16(name, (uint32_t)recs[i].lang);
		u16(name, (uint32_t)recs[i].id);
		u16(name, (uint32_t)len);
		u16(name, (uint32_t)at);
		at += len;
	}
	for (int i = 0; i < nrec; i++) {
		int len = recs[i].plat == 3 ? 6 : (int)strlen(recs[i].s);
		memcpy(name->data + name->len, recs[i].s, (size_t)len);
		name->len += (uint32_t)len;
	}
	/* post format 2 with glyph names */
	struct tbl *post = add(TAG('p', 'o', 's', 't'));
	put32(post->data, 0x00020000);
	put32(post->data + 4, 0xFFF48000);   /* italicAngle -11.5 */
	put16(post->data + 8, 0xFF9D);       /* underlinePosition -99 */
	put16(post->data + 10, 50);
	put32(post->data + 12, 1);           /* isFixedPitch */
	put32(post->data + 16, 77);          /* minMemType42 */
	post->len = 200;
	add(TAG('p', 'r', 'e', 'p'));
}

/* The font as libharu lays it out: tables back to back, unaligned, with
 * searchRange copied from elsewhere. */
static unsigned char *serialize(size_t *n)
{
	size_t total = 12 + 16 * (size_t)NT;
	for (int i = 0; i < NT; i++)
		total += T[i].len;
	unsigned char *b = calloc(total, 1), *e = b + 12;
	put32(b, 0x00010000);
	put16(b + 4, (uint32_t)NT);
	put16(b + 6, 256);
	put16(b + 8, 4);
	put16(b + 10, 80);
	uint32_t off = 12 + 16 * (uint32_t)NT;
	for (int i = 0; i < NT; i++, e += 16) {
		put32(e, T[i].tag);
		put32(e + 8, off);
		put32(e + 12, T[i].len);
		memcpy(b + off, T[i].data, T[i].len);
		off += T[i].len;
	}
	*n = total;
	return b;
}

static uint32_t sum(const unsigned char *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i < n; i += 4) {
		unsigned char w[4] = {0};
		memcpy(w, p + i, n - i < 4 ? n - i : 4);
		s += be32(w);
	}
	return s;
}

/* The table tag's data in font f (n bytes), its length in *len. */
static const unsigned char *table(const unsigned char *f, uint32_t tag, uint32_t *len)
{
	for (uint32_t i = 0; i < be16(f + 4); i++) {
		const unsigned char *e = f + 12 + 16 * i;
		if (be32(e) == tag) {
			*len = be32(e + 12);
			return f + be32(e + 8);
		}
	}
	*len = 0;
	return NULL;
}

/* Directory, alignment, order and every checksum. */
static void check_structure(const unsigned char *f, size_t n)
{
	uint32_t nt = be16(f + 4), sr = 16, sel = 0, prev = 0;
	while (sr * 2 <= nt * 16) {
		sr *= 2;
		sel++;
	}
	CHECK_INT(be16(f + 6), sr);
	CHECK_INT(be16(f + 8), sel);
	CHECK_INT(be16(f + 10), nt * 16 - sr);
	for (uint32_t i = 0; i < nt; i++) {
		const unsigned char *e = f + 12 + 16 * i;
		uint32_t tag = be32(e), off = be32(e + 8), len = be32(e + 12);
		CHECK(i == 0 || tag > prev);
		CHECK_INT(off % 4, 0);
		CHECK(off + len <= n);
		unsigned char *copy = calloc(len + 4, 1);
		memcpy(copy, f + off, len);
		if (tag == TAG('h', 'e', 'a', 'd'))
			put32(copy + 8, 0);
		CHECK_INT(sum(copy, len), be32(e + 4));
		free(copy);
		prev = tag;
	}
	CHECK_INT(n % 4, 0);
	CHECK_INT(sum(f, n), 0xB1B0AFBA);
}

static void test_components(void)
{
	struct tbl g = {0};
	uint16_t ids[4];
	composite_glyph(&g, (const int[]){7, 3, 9}, 3);
	CHECK_INT(mq_glyf_components(g.data, g.len, ids, 4), 3);
	CHECK_INT(ids[0], 7);
	CHECK_INT(ids[1], 3);
	CHECK_INT(ids[2], 9);
	CHECK_INT(mq_glyf_components(g.data, g.len - 1, ids, 4), -1);   /* cut short */
	CHECK_INT(mq_glyf_components(g.data, g.len, ids, 2), -1);       /* more than asked for */
	memset(&g, 0, sizeof g);
	simple_glyph(&g);
	CHECK_INT(mq_glyf_components(g.data, g.len, ids, 4), 0);
	CHECK_INT(mq_glyf_components(g.data, 0, ids, 4), 0);
}

static uint32_t loca_entry(const unsigned char *loca, int g)
{
	return LONG_LOCA ? be32(loca + 4 * g) : 2 * be16(loca + 2 * g);
}

static void test_trim(int long_loca)
{
	LONG_LOCA = long_loca;
	build_font();
	size_t n, m;
	unsigned char *in = serialize(&n), *out;
	unsigned char keep[NGLYPHS] = {0};
	keep[3] = keep[4] = keep[5] = 1;   /* 4: drawn, no outline (a space) */
	CHECK_INT(mq_sfnt_trim(in, n, keep, NGLYPHS, &out, &m), 0);
	if (!out)
		return;
	check_structure(out, m);
	CHECK_INT(be16(out + 4), NT - 1);
	uint32_t len;
	CHECK(table(out, TAG('c', 'm', 'a', 'p'), &len) == NULL);
	CHECK(table(out, TAG('c', 'v', 't', ' '), &len) != NULL && len == 0);
	CHECK(table(out, TAG('p', 'r', 'e', 'p'), &len) != NULL && len == 0);
	const unsigned char *os2 = table(out, TAG('O', 'S', '/', '2'), &len);
	CHECK(os2 && len == 86);

	/* kept: 0, 3, 4, 5, and 7, 8, 9 through 5 → 10 glyphs */
	const unsigned char *maxp = table(out, TAG('m', 'a', 'x', 'p'), &len);
	CHECK_INT(be16(maxp + 4), 10);
	const unsigned char *hhea = table(out, TAG('h', 'h', 'e', 'a'), &len);
	CHECK_INT(be16(hhea + 34), NLONG);
	const unsigned char *loca = table(out, TAG('l', 'o', 'c', 'a'), &len);
	CHECK_INT(len, 11 * (LONG_LOCA ? 4 : 2));
	for (int g = 0; g <= 10; g++)
		CHECK_INT(loca_entry(loca, g), loca_entry(T[7].data, g));
	const unsigned char *glyf = table(out, TAG('g', 'l', 'y', 'f'), &len);
	CHECK_INT(len, loca_entry(loca, 10));
	const unsigned char *src_glyf = T[3].data;
	CHECK(memcmp(glyf, src_glyf, len) == 0);   /* glyph data untouched */
	const unsigned char *hmtx = table(out, TAG('h', 'm', 't', 'x'), &len);
	CHECK_INT(len, 4 * NLONG + 2 * (10 - NLONG));
	/* glyph 6 is kept out, but glyphs 7-9 take its advance */
	int want_aw[NLONG] = {1000, 0, 0, 1003, 1004, 1005, 1006};
	for (int g = 0; g < NLONG; g++) {
		CHECK_INT(be16(hmtx + 4 * g), want_aw[g]);
		CHECK_INT(be16(hmtx + 4 * g + 2), want_aw[g] ? 10 + g : 0);
	}
	int want_lsb[3] = {17, 18, 19};   /* glyphs 7-9 */
	for (int g = NLONG; g < 10; g++)
		CHECK_INT(be16(hmtx + 4 * NLONG + 2 * (g - NLONG)), want_lsb[g - NLONG]);

	/* post 3.0, its header fields kept */
	const unsigned char *post = table(out, TAG('p', 'o', 's', 't'), &len);
	CHECK_INT(len, 32);
	CHECK_INT(be32(post), 0x00030000);
	CHECK_INT(be32(post + 4), 0xFFF48000);
	CHECK_INT(be16(post + 8), 0xFF9D);
	CHECK_INT(be16(post + 10), 50);
	CHECK_INT(be32(post + 12), 1);
	CHECK_INT(be32(post + 16), 0);

	/* name: the licence record goes, the others and their strings stay */
	const unsigned char *name = table(out, TAG('n', 'a', 'm', 'e'), &len);
	CHECK_INT(be16(name + 2), 3);
	CHECK_INT(be16(name + 4), 6 + 36);
	CHECK_INT(len, 6 + 36 + 5 + 3 + 6);
	const unsigned char *strings = name + be16(name + 4);
	CHECK(memcmp(strings + be16(name + 6 + 10), "(c) X", 5) == 0);
	CHECK(memcmp(strings + be16(name + 18 + 10), "Fam", 3) == 0);
	CHECK_INT(be16(name + 30 + 6), 1);
	CHECK_INT(be16(name + 30 + 2), 1);
	CHECK(memcmp(strings + be16(name + 30 + 10), "\0F\0a\0m", 6) == 0);
	free(out);

	/* nothing asked for: glyph 0 and the outlines (0, 3, 5, 7, 8; 9 through 7) */
	CHECK_INT(mq_sfnt_trim(in, n, NULL, 0, &out, &m), 0);
	if (out) {
		check_structure(out, m);
		CHECK_INT(be16(table(out, TAG('m', 'a', 'x', 'p'), &len) + 4), 10);
		free(out);
	}
	free(in);
}

/* A composite cut short: glyphs are not cut, the rest is still done. */
static void test_bad_composite(void)
{
	LONG_LOCA = 1;
	build_font();
	struct tbl *loca = &T[7], *glyf = &T[3];
	CHECK_INT(loca->tag, TAG('l', 'o', 'c', 'a'));
	/* glyph 7 ends one byte early: its last component is cut short */
	uint32_t end7 = be32(loca->data + 32);
	memmove(glyf->data + end7 - 1, glyf->data + end7, glyf->len - end7);
	glyf->len--;
	for (int g = 8; g <= NGLYPHS; g++)
		put32(loca->data + 4 * g, be32(loca->data + 4 * g) - 1);
	size_t n, m;
	unsigned char *in = serialize(&n), *out;
	unsigned char keep[NGLYPHS] = {0};
	keep[5] = 1;
	CHECK_INT(mq_sfnt_trim(in, n, keep, NGLYPHS, &out, &m), 0);
	if (out) {
		uint32_t len;
		check_structure(out, m);
		CHECK_INT(be16(table(out, TAG('m', 'a', 'x', 'p'), &len) + 4), NGLYPHS);
		table(out, TAG('h', 'm', 't', 'x'), &len);
		CHECK_INT(len, 4 * NLONG + 2 * (NGLYPHS - NLONG));
		CHECK(table(out, TAG('c', 'm', 'a', 'p'), &len) == NULL);
		CHECK_INT(be32(table(out, TAG('p', 'o', 's', 't'), &len)), 0x00030000);
		free(out);
	}
	free(in);
}

/* Fonts it leaves alone: a table it does not know, no head, not an sfnt. */
static void test_refused(void)
{
	LONG_LOCA = 1;
	size_t n, m;
	unsigned char *in, *out;
	build_font();
	add(TAG('h', 'd', 'm', 'x'))->len = 20;   /* per-glyph data it cannot cut */
	in = serialize(&n);
	CHECK_INT(mq_sfnt_trim(in, n, NULL, 0, &out, &m), MQ_ERR_FORMAT);
	CHECK(out == NULL);
	free(in);
	build_font();
	T[4].tag = TAG('h', 'e', 'a', 'x');   /* no head */
	in = serialize(&n);
	CHECK_INT(mq_sfnt_trim(in, n, NULL, 0, &out, &m), MQ_ERR_FORMAT);
	free(in);
	build_font();
	in = serialize(&n);
	CHECK_INT(mq_sfnt_trim(in, 11, NULL, 0, &out, &m), MQ_ERR_FORMAT);
	CHECK_INT(mq_sfnt_trim(in, 40, NULL, 0, &out, &m), MQ_ERR_FORMAT);   /* directory cut short */
	put32(in, TAG('O', 'T', 'T', 'O'));
	CHECK_INT(mq_sfnt_trim(in, n, NULL, 0, &out, &m), MQ_ERR_FORMAT);
	free(in);
}

int main(void)
{
	test_components();
	test_trim(1);
	test_trim(0);
	test_bad_composite();
	test_refused();
	return check_summary();
}
