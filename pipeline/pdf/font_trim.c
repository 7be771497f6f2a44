/* font_trim.c — trims an embedded TrueType font program; see font_trim.h.
 * Every sfnt field is big-endian. The source is checked as it is read:
 * glyphs are cut only when maxp, hhea, hmtx, loca and glyf agree and every
 * kept composite parses (else those tables are copied as they are), and
 * a table directory this does not understand leaves the font as it is. */
#include "font_trim.h"

#include <stdlib.h>
#include <string.h>

#include "minqing/core/error.h"

#define MAX_TABLES 32
#define MAX_COMPONENTS 64

#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* composite glyph flags (OpenType glyf) */
#define ARG_1_AND_2_ARE_WORDS 0x0001
#define WE_HAVE_A_SCALE 0x0008
#define MORE_COMPONENTS 0x0020
#define WE_HAVE_AN_X_AND_Y_SCALE 0x0040
#define WE_HAVE_A_TWO_BY_TWO 0x0080

struct table {
	uint32_t tag;
	const unsigned char *src;
	uint32_t len;       /* in the source */
	uint32_t out_len;   /* in the result */
};

/* What trimming needs to know of the source font. */
struct font {
	const struct table *head, *hhea, *maxp, *loca, *hmtx, *glyf;
	unsigned num_glyphs, long_metrics;   /* maxp.numGlyphs, hhea.numberOfHMetrics */
	int loca_long;                       /* head.indexToLocFormat */
	int cut;                             /* the glyph tables agree: cut them */
	unsigned ng;                         /* glyphs in the result, when cut */
	unsigned char *kept;                 /* per source glyph, when cut */
};

static uint32_t be16(const unsigned char *p) { return (uint32_t)p[0] << 8 | p[1]; }

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xFFFF);
}

static uint32_t padded(uint32_t n) { return (n + 3) & ~3u; }

/* The sum of the big-endian words of p[0, n), n a multiple of 4. */
static uint32_t checksum(const unsigned char *p, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < n; i += 4)
		sum += be32(p + i);
	return sum;
}

int mq_glyf_components(const unsigned char *glyph, size_t len, uint16_t *ids, int max)
{
	if (len < 10 || be16(glyph) < 0x8000)   /* numberOfContours >= 0: not composite */
		return 0;
	size_t o = 10;
	int n = 0;
	uint32_t flags;
	do {
		if (o + 4 > len || n == max)
			return -1;
		flags = be16(glyph + o);
		ids[n++] = (uint16_t)be16(glyph + o + 2);
		o += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
		o += flags & WE_HAVE_A_SCALE ? 2 : flags & WE_HAVE_AN_X_AND_Y_SCALE ? 4
			: flags & WE_HAVE_A_TWO_BY_TWO ? 8 : 0;
		if (o > len)
			return -1;
	} while (flags & MORE_COMPONENTS);
	return n;
}

static uint32_t loca_at(const struct font *f, unsigned g)
{
	const unsigned char *l = f->loca->src;
	return f->loca_long ? be32(l + 4 * (size_t)g) : 2 * be16(l + 2 * (size_t)g);
}

static int read_directory(const unsigned char *in, size_t n, struct table *t, unsigned *nt)
{
	if (n < 12 || n > 0x7FFFFFFF || (be32(in) != 0x00010000 && be32(in) != TAG('t', 'r', 'u', 'e')))
		return MQ_ERR_FORMAT;
	*nt = be16(in + 4);
	if (*nt == 0 || *nt > MAX_TABLES || 12 + 16 * (size_t)*nt > n)
		return MQ_ERR_FORMAT;
	for (unsigned i = 0; i < *nt; i++) {
		const unsigned char *e = in + 12 + 16 * i;
		uint32_t off = be32(e + 8), len = be32(e + 12);
		if (off > n || len > n - off)
			return MQ_ERR_FORMAT;
		t[i] = (struct table){be32(e), in + off, len, 0};
	}
	/* sorted by tag, as the table directory must be */
	for (unsigned i = 1; i < *nt; i++)
		for (unsigned j = i; j > 0 && t[j - 1].tag >= t[j].tag; j--) {
			if (t[j - 1].tag == t[j].tag)
				return MQ_ERR_FORMAT;
			struct table x = t[j - 1];
			t[j - 1] = t[j];
			t[j] = x;
		}
	return 0;
}

static const struct table *find(const struct table *t, unsigned nt, uint32_t tag)
{
	for (unsigned i = 0; i < nt; i++)
		if (t[i].tag == tag)
			return &t[i];
	return NULL;
}

/* The tables this rewrites, and those it copies, whose contents do not
 * depend on the glyph count; any other (hdmx, vmtx, kern, ...) might need
 * cutting too. */
static int known(uint32_t tag)
{
	static const uint32_t tags[] = {
		TAG('O', 'S', '/', '2'), TAG('c', 'm', 'a', 'p'), TAG('c', 'v', 't', ' '),
		TAG('f', 'p', 'g', 'm'), TAG('g', 'a', 's', 'p'), TAG('g', 'l', 'y', 'f'),
		TAG('h', 'e', 'a', 'd'), TAG('h', 'h', 'e', 'a'), TAG('h', 'm', 't', 'x'),
		TAG('l', 'o', 'c', 'a'), TAG('m', 'a', 'x', 'p'), TAG('n', 'a', 'm', 'e'),
		TAG('p', 'o', 's', 't'), TAG('p', 'r', 'e', 'p')};
	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
		if (tags[i] == tag)
			return 1;
	return 0;
}

/* The tables trimming needs, and whether the glyph tables agree. */
static int read_font(const struct table *t, unsigned nt, struct font *f)
{
	for (unsigned i = 0; i < nt; i++)
		if (!known(t[i].tag))
			return MQ_ERR_FORMAT;
	f->head = find(t, nt, TAG('h', 'e', 'a', 'd'));
	f->hhea = find(t, nt, TAG('h', 'h', 'e', 'a'));
	f->maxp = find(t, nt, TAG('m', 'a', 'x', 'p'));
	f->loca = find(t, nt, TAG('l', 'o', 'c', 'a'));
	f->hmtx = find(t, nt, TAG('h', 'm', 't', 'x'));
	f->glyf = find(t, nt, TAG('g', 'l', 'y', 'f'));
	const struct table *post = find(t, nt, TAG('p', 'o', 's', 't'));
	if (!f->head || f->head->len < 54 || (post && post->len < 32))
		return MQ_ERR_FORMAT;
	if (!f->hhea || !f->maxp || !f->loca || !f->hmtx || !f->glyf || f->hhea->len < 36 || f->maxp->len < 6)
		return 0;
	f->num_glyphs = be16(f->maxp->src + 4);
	f->long_metrics = be16(f->hhea->src + 34);
	uint32_t fmt = be16(f->head->src + 50);
	f->loca_long = fmt == 1;
	if (fmt > 1 || f->num_glyphs == 0 || f->long_metrics == 0 || f->long_metrics > f->num_glyphs ||
	    f->loca->len < (f->num_glyphs + 1) * (f->loca_long ? 4u : 2u) ||
	    f->hmtx->len < 4 * f->long_metrics + 2 * (f->num_glyphs - f->long_metrics))
		return 0;
	for (unsigned g = 0; g < f->num_glyphs; g++)
		if (loca_at(f, g) > loca_at(f, g + 1))
			return 0;
	f->cut = loca_at(f, f->num_glyphs) <= f->glyf->len;
	return 0;
}

/* Kept: glyph 0, the glyphs asked for, those with outline data (the
 * subset holds no other), and, through every composite among them, its
 * components. f->ng = the largest kept glyph + 1. A composite that does
 * not parse turns cutting off. */
static int mark_kept(struct font *f, const unsigned char *keep, size_t nkeep)
{
	unsigned n = f->num_glyphs;
	uint16_t *todo = malloc(n * sizeof *todo);
	size_t ntodo = 0;
	f->kept = calloc(n, 1);
	if (!todo || !f->kept) {
		free(todo);
		return MQ_ERR_NOMEM;
	}
	for (unsigned g = 0; g < n; g++)
		if (g == 0 || (g < nkeep && keep[g]) || loca_at(f, g + 1) > loca_at(f, g)) {
			f->kept[g] = 1;
			todo[ntodo++] = (uint16_t)g;
		}
	while (ntodo && f->cut) {
		unsigned g = todo[--ntodo];
		uint16_t ids[MAX_COMPONENTS];
		uint32_t at = loca_at(f, g);
		int nc = mq_glyf_components(f->glyf->src + at, loca_at(f, g + 1) - at, ids, MAX_COMPONENTS);
		if (nc < 0)
			f->cut = 0;
		for (int i = 0; i < nc && f->cut; i++) {
			if (ids[i] >= n)
				f->cut = 0;
			else if (!f->kept[ids[i]]) {
				f->kept[ids[i]] = 1;
				todo[ntodo++] = ids[i];
			}
		}
	}
	free(todo);
	for (f->ng = n; !f->kept[f->ng - 1]; f->ng--)
		;
	return 0;
}

/* name: records 0-6 of every platform and language, as a format 0 table
 * (records of format 1's language tags are dropped). A table that does
 * not parse, or would not fit the 16-bit offsets, is kept as it is. */
static int name_kept(const struct table *t, const unsigned char *rec, uint32_t storage)
{
	uint32_t lang = be16(rec + 4), id = be16(rec + 6), len = be16(rec + 8), off = be16(rec + 10);
	return id <= 6 && lang < 0x8000 && storage + off + len <= t->len;
}

static uint32_t emit_name(const struct table *t, unsigned char *dst)
{
	const unsigned char *s = t->src;
	uint32_t count = t->len >= 6 ? be16(s + 2) : 0, storage = t->len >= 6 ? be16(s + 4) : 0;
	uint32_t kept = 0, strings = 0;
	if (t->len >= 6 && 6 + 12 * count <= t->len && storage <= t->len)
		for (uint32_t i = 0; i < count; i++)
			if (name_kept(t, s + 6 + 12 * i, storage)) {
				kept++;
				strings += be16(s + 6 + 12 * i + 8);
			}
	if (t->len < 6 || 6 + 12 * count > t->len || storage > t->len || strings > 0xFFFF) {
		if (dst)
			memcpy(dst, s, t->len);
		return t->len;
	}
	if (dst) {
		unsigned char *rec = dst + 6, *str = dst + 6 + 12 * kept;
		uint32_t at = 0;
		put16(dst, 0);
		put16(dst + 2, kept);
		put16(dst + 4, 6 + 12 * kept);
		for (uint32_t i = 0; i < count; i++) {
			const unsigned char *r = s + 6 + 12 * i;
			if (!name_kept(t, r, storage))
				continue;
			uint32_t len = be16(r + 8);
			memcpy(rec, r, 8);
			put16(rec + 8, len);
			put16(rec + 10, at);
			memcpy(str + at, s + storage + be16(r + 10), len);
			at += len;
			rec += 12;
		}
	}
	return 6 + 12 * kept + strings;
}

/* hmtx for glyphs [0, ng): the metrics of glyphs not kept are zeroed (no
 * CID maps to them), except the last long metric's advance, which the
 * glyphs after it take. */
static uint32_t emit_hmtx(const struct font *f, unsigned char *dst)
{
	unsigned nl = f->long_metrics < f->ng ? f->long_metrics : f->ng;
	uint32_t len = 4 * nl + 2 * (f->ng - nl);
	if (!dst)
		return len;
	memset(dst, 0, len);
	const unsigned char *s = f->hmtx->src;
	for (unsigned g = 0; g < nl; g++)
		if (f->kept[g] || g == nl - 1)
			memcpy(dst + 4 * g, s + 4 * g, 4);
	for (unsigned g = nl; g < f->ng; g++)
		if (f->kept[g])
			memcpy(dst + 4 * nl + 2 * (g - nl), s + 4 * f->long_metrics + 2 * (g - f->long_metrics), 2);
	return len;
}

/* post format 3: the header, no glyph names. */
static uint32_t emit_post(const struct table *t, unsigned char *dst)
{
	if (dst) {
		put32(dst, 0x00030000);
		memcpy(dst + 4, t->src + 4, 12);   /* italicAngle, underline, isFixedPitch */
		memset(dst + 16, 0, 16);           /* memory hints: unknown */
	}
	return 32;
}

/* Writes table t of the result to dst (its length only when dst is
 * NULL) and returns its length. */
static uint32_t emit(const struct font *f, const struct table *t, unsigned char *dst)
{
	uint32_t len = t->len;
	if (t->tag == TAG('n', 'a', 'm', 'e'))
		return emit_name(t, dst);
	if (t->tag == TAG('p', 'o', 's', 't'))
		return emit_post(t, dst);
	if (f->cut && t->tag == TAG('h', 'm', 't', 'x'))
		return emit_hmtx(f, dst);
	if (f->cut && t->tag == TAG('l', 'o', 'c', 'a'))
		len = (f->ng + 1) * (f->loca_long ? 4 : 2);
	else if (f->cut && t->tag == TAG('g', 'l', 'y', 'f'))
		len = loca_at(f, f->ng);
	if (!dst)
		return len;
	memcpy(dst, t->src, len);
	if (t->tag == TAG('h', 'e', 'a', 'd'))
		put32(dst + 8, 0);   /* checkSumAdjustment, set at the end */
	else if (f->cut && t->tag == TAG('m', 'a', 'x', 'p'))
		put16(dst + 4, f->ng);
	else if (f->cut && t->tag == TAG('h', 'h', 'e', 'a'))
		put16(dst + 34, f->long_metrics < f->ng ? f->long_metrics : f->ng);
	return len;
}

/* cmap goes: CIDToGIDMap maps CIDs to glyphs. */
static int dropped(uint32_t tag) { return tag == TAG('c', 'm', 'a', 'p'); }

/* The result: header, directory, then each table 4-byte aligned. */
static int assemble(const unsigned char *in, const struct font *f, struct table *t, unsigned nt,
		    unsigned char **out, size_t *out_n)
{
	unsigned nout = 0;
	size_t total = 12;
	for (unsigned i = 0; i < nt; i++)
		if (!dropped(t[i].tag)) {
			t[i].out_len = emit(f, &t[i], NULL);
			total += 16 + padded(t[i].out_len);
			nout++;
		}
	unsigned char *buf = calloc(total, 1);
	if (!buf)
		return MQ_ERR_NOMEM;
	unsigned sel = 0;
	while ((2u << sel) <= nout)
		sel++;
	memcpy(buf, in, 4);
	put16(buf + 4, nout);
	put16(buf + 6, 16u << sel);
	put16(buf + 8, sel);
	put16(buf + 10, 16 * nout - (16u << sel));
	uint32_t off = 12 + 16 * nout, head = 0;
	unsigned char *e = buf + 12;
	for (unsigned i = 0; i < nt; i++) {
		if (dropped(t[i].tag))
			continue;
		emit(f, &t[i], buf + off);
		put32(e, t[i].tag);
		put32(e + 4, checksum(buf + off, padded(t[i].out_len)));
		put32(e + 8, off);
		put32(e + 12, t[i].out_len);
		e += 16;
		if (t[i].tag == TAG('h', 'e', 'a', 'd'))
			head = off;
		off += padded(t[i].out_len);
	}
	put32(buf + head + 8, 0xB1B0AFBA - checksum(buf, total));
	*out = buf;
	*out_n = total;
	return 0;
}

int mq_sfnt_trim(const unsigned char *in, size_t n, const unsigned char *keep, size_t nkeep,
		 unsigned char **out, size_t *out_n)
{
	struct table t[MAX_TABLES];
	struct font f = {0};
	unsigned nt;
	*out = NULL;
	*out_n = 0;
	int rc = read_directory(in, n, t, &nt);
	if (!rc)
		rc = read_font(t, nt, &f);
	if (!rc && f.cut)
		rc = mark_kept(&f, keep, nkeep);
	if (!rc)
		rc = assemble(in, &f, t, nt, out, out_n);
	free(f.kept);
	return rc;
}
