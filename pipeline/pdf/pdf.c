/* pdf.c — the one module that talks to libharu. libharu keeps what it does
 * well: the fonts (UTF-8, embedded TrueType subsets) and the document info.
 * Pages, content streams, the page tree and the bookmarks are written here,
 * so that a document holds a few tens of bytes per page and per bookmark
 * (and the bookmark's title), whatever its length:
 *  - a page's operators go into one buffer, "sealed" (deflated) into an
 *    unlinked temporary file (in $TMPDIR, else /tmp) when the next page
 *    starts; drawing on a page again (header and footer) seals a further
 *    segment, and the page's /Contents is the array of its segments, each
 *    copied as it is;
 *  - a page is a record of its size, segments and fonts, a bookmark a record
 *    with its title in an arena (records sit in blocks that never move);
 *  - on save, libharu's objects are written with its own writer, so its font
 *    embedding runs and its object numbers stay; ours follow, then the
 *    cross-reference table, whose lines wait in the temporary file too.
 * libharu's own catalog and page-tree root numbers are reused for ours.
 *
 * Font fix-ups libharu 2.3.0 needs before saving:
 *  - its ToUnicode stream holds a code-to-CID "begincidrange" map (poppler
 *    warns, PDF/A refuses it): replaced by a bfrange ToUnicode CMap;
 *  - its W array and CIDToGIDMap cover the whole font (~180 KB per font):
 *    rebuilt for the code points actually drawn (by every role that names
 *    the same font file and face: they share one libharu font);
 *  - it leaves the components of a composite glyph's components out of
 *    the subset (pinyin ǖ draws as a bare macron): added in fix_font;
 *  - its font program copies every table but glyf whole (glyph names,
 *    cmap, loca and hmtx of every glyph: ~700 KB for a CJK font): trimmed
 *    by font_trim.c after libharu has made it, before it is deflated.
 * With the UTF-8 encoder a content-stream code is the UTF-16 value of a BMP
 * character and CID = code (Identity-H); CIDToGIDMap maps CID to glyph. */
#include "layout_internal.h"

#include "minqing/core/error.h"
#include "minqing/core/buf.h"
#include "minqing/core/arena.h"
#include "minqing/core/utf8.h"
#include "minqing/core/files.h"
#include "font_trim.h"

#include <hpdf.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#define MQ_PDF_MAX_PAGES 100000
#define BLOCK 1024            /* records per block */
#define FANOUT 128            /* kids per page-tree node */
#define MAX_LEVELS 8
#define SEAL_LEVEL 6          /* zlib level of a sealed segment */
#define STORED 0x80000000u    /* segment length flag: not deflated */
#define SPILL_BUF (1 << 16)   /* spill file write buffer and read window */

/* Per-process metrics of one font face, shared by every document that
 * uses it: libharu looks a glyph up with a linear search of the cmap, so
 * each code point is asked once per process, not once per document. */
struct face_cache {
	char *file;
	int face;
	int16_t width[65536];  /* 1000-unit advance, -1 = not yet asked */
	uint16_t gid[65536];   /* glyph id, valid when width >= 0 */
	uint8_t *simple;       /* per glyph: 1 = known to have no components */
	unsigned nglyphs;      /* entries of simple */
};

#define MQ_PDF_MAX_FACES 8
static struct face_cache *faces[MQ_PDF_MAX_FACES];

struct font_slot {
	HPDF_Font font;
	HPDF_FontDef def;
	struct face_cache *cache;
	uint8_t *used;        /* bitmap of BMP code points drawn */
};

/* Records of one kind in blocks of BLOCK: growing never copies them. */
struct table {
	char **blk;
	size_t n, elem;
};

struct page {
	float w, h;
	uint32_t first, last;   /* 1 + index of its first / last segment, 0 = none */
	uint8_t fonts;          /* bit r set: font role r is drawn on it */
};

/* A sealed piece of a page's content in the spill file. */
struct segment {
	off_t off;
	uint32_t len;           /* bytes there, | STORED when not deflated */
	uint32_t next;          /* 1 + index of the page's next segment, 0 = none */
};

struct bookmark {
	const char *title;      /* UTF-8, in the arena */
	int32_t parent, prev, next, first, last;   /* bookmark index, -1 = none */
	int32_t page, count;    /* count: visible descendants, filled on save */
	float y;
};

/* What the current segment has set so far (libharu's getters kept this):
 * a new page starts in the PDF default state, a revisited page's segment
 * in an unknown one (-1, NaN), so it sets everything it uses again. */
struct gstate {
	int font;               /* role, -1 = none */
	int32_t fill;           /* 0xRRGGBB, -1 = unknown */
	double size, char_space, line_width;
};

struct mq_pdf {
	HPDF_Doc doc;
	HPDF_STATUS status;   /* first libharu error, 0 when none */
	HPDF_STATUS detail;
	int failed;           /* first drawing error (MQ_ERR_*), 0 when none */
	int io_errno;         /* errno of the first failed write of the spill file */
	struct font_slot fonts[MQ_FONT_ROLES];
	struct table pages, segs, marks;
	int32_t top_first, top_last;   /* top-level bookmarks, -1 = none */
	struct mq_arena *titles;
	int cur;              /* page drawn on, -1 = none */
	struct gstate gs;
	int in_text;
	char *ops;            /* the current segment's operators */
	size_t nops, aops;
	z_stream z;           /* deflate state, reset for each segment */
	int zinit;
	unsigned char *zbuf;  /* scratch for sealing and copying */
	size_t zalloc;
	int spill;            /* unlinked temporary file, -1 = none yet */
	off_t spill_end;      /* its length, buffered bytes included */
	unsigned char *sbuf;  /* bytes not yet written, then the read window */
	size_t sn;            /* buffered bytes */
	off_t wstart;         /* read window: spill bytes [wstart, wstart + sn) */
};

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
	struct mq_pdf *p = user;
	if (!p->status) {
		p->status = code;
		p->detail = detail;
	}
}

static int hpdf_fail(struct mq_pdf *p, struct mq_error *err, const char *file, const char *what)
{
	return mq_fail(err, MQ_ERR_IO, file, 0, "PDF 生成失败 / PDF library error %04X/%u: %s",
		       (unsigned)p->status, (unsigned)p->detail, what);
}

static void *table_at(const struct table *t, size_t i)
{
	return t->blk[i / BLOCK] + (i % BLOCK) * t->elem;
}

static void *table_push(struct table *t)
{
	if (t->n % BLOCK == 0) {
		char **nb = realloc(t->blk, (t->n / BLOCK + 1) * sizeof *nb);
		if (!nb)
			return NULL;
		t->blk = nb;
		if (!(nb[t->n / BLOCK] = malloc(BLOCK * t->elem)))
			return NULL;
	}
	return table_at(t, t->n++);
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < (t->n + BLOCK - 1) / BLOCK; i++)
		free(t->blk[i]);
	free(t->blk);
}

int mq_pdf_new(struct mq_pdf **out, struct mq_error *err)
{
	struct mq_pdf *p = calloc(1, sizeof *p);
	*out = NULL;
	if (!p)
		return mq_fail(err, MQ_ERR_NOMEM, "", 0, "内存不足 / out of memory");
	p->pages.elem = sizeof(struct page);
	p->segs.elem = sizeof(struct segment);
	p->marks.elem = sizeof(struct bookmark);
	p->top_first = p->top_last = -1;
	p->cur = -1;
	p->spill = -1;
	p->doc = HPDF_New(on_error, p);
	if (!p->doc) {
		free(p);
		return mq_fail(err, MQ_ERR_NOMEM, "", 0, "内存不足 / out of memory");
	}
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(p->doc);
	HPDF_SetCurrentEncoder(p->doc, "UTF-8");
	if (p->status || !HPDF_GetEncoder(p->doc, "UTF-8")) {
		int rc = hpdf_fail(p, err, "", "UTF-8 encoder");
		mq_pdf_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void mq_pdf_free(struct mq_pdf *p)
{
	if (!p)
		return;
	for (int r = 0; r < MQ_FONT_ROLES; r++)
		free(p->fonts[r].used);
	if (p->doc)
		HPDF_Free(p->doc);
	table_free(&p->pages);
	table_free(&p->segs);
	table_free(&p->marks);
	mq_arena_free(p->titles);
	free(p->ops);
	free(p->zbuf);
	free(p->sbuf);
	if (p->zinit)
		deflateEnd(&p->z);
	if (p->spill >= 0)
		close(p->spill);
	free(p);
}

void mq_pdf_cache_free(void)
{
	for (int i = 0; i < MQ_PDF_MAX_FACES; i++) {
		if (faces[i]) {
			free(faces[i]->file);
			free(faces[i]->simple);
		}
		free(faces[i]);
		faces[i] = NULL;
	}
}

static struct face_cache *face_cache(const struct mq_font_spec *spec)
{
	int i = 0;
	for (; i < MQ_PDF_MAX_FACES && faces[i]; i++)
		if (faces[i]->face == spec->face && strcmp(faces[i]->file, spec->file) == 0)
			return faces[i];
	if (i == MQ_PDF_MAX_FACES)
		return NULL;
	struct face_cache *c = malloc(sizeof *c);
	if (!c || !(c->file = strdup(spec->file))) {
		free(c);
		return NULL;
	}
	c->face = spec->face;
	c->simple = NULL;
	c->nglyphs = 0;
	memset(c->width, 0xFF, sizeof c->width);
	return faces[i] = c;
}

/* HPDF_GetFont builds a CIDFontType2 whose W array and CIDToGIDMap look up
 * all 65,536 BMP code points (a linear cmap search each, and a W array grown
 * one block at a time): most of a small document's CPU. Both are rebuilt
 * for the used code points in fix_font, so the font is created against a
 * one-segment cmap that maps everything to glyph 0, then the real cmap is
 * put back. */
static HPDF_Font get_font_fast(HPDF_Doc doc, const char *name)
{
	static HPDF_UINT16 end[1] = {0xFFFF}, start[1] = {0xFFFF}, range[1] = {0};
	static HPDF_INT16 delta[1] = {1};   /* 0xFFFF + 1 wraps to glyph 0 */
	HPDF_FontDef def = HPDF_GetFontDef(doc, name);
	if (!def || def->type != HPDF_FONTDEF_TYPE_TRUETYPE)
		return NULL;
	HPDF_TTFontDefAttr a = (HPDF_TTFontDefAttr)def->attr;
	if (a->cmap.format != 4)
		return HPDF_GetFont(doc, name, "UTF-8");
	HPDF_TTF_CmapRange saved = a->cmap;
	a->cmap.seg_count_x2 = 2;
	a->cmap.end_count = end;
	a->cmap.start_count = start;
	a->cmap.id_delta = delta;
	a->cmap.id_range_offset = range;
	HPDF_Font f = HPDF_GetFont(doc, name, "UTF-8");
	a->cmap = saved;
	return f;
}

int mq_pdf_font(struct mq_pdf *p, int role, const struct mq_font_spec *spec, struct mq_error *err)
{
	struct font_slot *f = &p->fonts[role];
	if (f->font)
		return 0;
	f->cache = face_cache(spec);
	f->used = calloc(65536 / 8, 1);
	if (!f->cache || !f->used)
		return mq_fail(err, MQ_ERR_NOMEM, "", 0, "内存不足 / out of memory");
	/* a collection (.ttc) has faces; a single font (.ttf) only face 0 */
	char magic[4] = {0};
	FILE *fp = fopen(spec->file, "rb");
	int collection = fp && fread(magic, 1, 4, fp) == 4 && memcmp(magic, "ttcf", 4) == 0;
	if (fp)
		fclose(fp);
	const char *name = collection ? HPDF_LoadTTFontFromFile2(p->doc, spec->file, (HPDF_UINT)spec->face, HPDF_TRUE)
		: spec->face == 0 ? HPDF_LoadTTFontFromFile(p->doc, spec->file, HPDF_TRUE) : NULL;
	if (name)
		f->font = get_font_fast(p->doc, name);
	if (!f->font) {
		p->status = 0;
		return mq_fail(err, MQ_ERR_IO, spec->file, 0,
			       "无法载入字体 %s 第 %d 号字面（软件包 %s）/ cannot load font face %d (package %s)",
			       spec->file, spec->face, *spec->package ? spec->package : "?",
			       spec->face, *spec->package ? spec->package : "?");
	}
	f->def = ((HPDF_FontAttr)f->font->attr)->fontdef;
	return 0;
}

/* Fills the process-wide cache for cp (cp <= 0xFFFF). The width is
 * HPDF_TTFontDef_GetCharWidth's without its side effect of marking the
 * glyph for this document's subset: what a document embeds must not
 * depend on what earlier documents asked. */
static void ask(struct font_slot *f, uint32_t cp)
{
	struct face_cache *c = f->cache;
	if (c->width[cp] >= 0)
		return;
	HPDF_TTFontDefAttr a = (HPDF_TTFontDefAttr)f->def->attr;
	HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(f->def, (HPDF_UINT16)cp);
	c->gid[cp] = gid;
	c->width[cp] = gid >= a->num_glyphs ? (int16_t)f->def->missing_width
		: (int16_t)(HPDF_UINT16)((HPDF_UINT)a->h_metric[gid].advance_width * 1000 /
					 a->header.units_per_em);
}

double mq_pdf_width(struct mq_pdf *p, int role, uint32_t cp)
{
	struct font_slot *f = &p->fonts[role];
	if (cp > 0xFFFF)
		return 1.0;
	ask(f, cp);
	return f->cache->width[cp] / 1000.0;
}

int mq_pdf_has_glyph(struct mq_pdf *p, int role, uint32_t cp)
{
	struct font_slot *f = &p->fonts[role];
	if (cp > 0xFFFF || cp < 0x20 || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	ask(f, cp);
	return f->cache->gid[cp] != 0;
}

/* ---- pages and drawing ---- */

static char *put_str(char *o, const char *s)
{
	size_t n = strlen(s);
	memcpy(o, s, n);
	return o + n;
}

static char *put_uint(char *o, unsigned long long v)
{
	char d[24];
	int n = 0;
	do
		d[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*o++ = d[--n];
	return o;
}

/* v with at most dec (0..4) decimals, trailing zeros dropped: what
 * printf("%.*f") gives, shorter and without its cost. */
static char *put_num(char *o, double v, int dec)
{
	static const long long scale[] = {1, 10, 100, 1000, 10000};
	if (!(fabs(v) < 1e12))   /* NaN or absurd: never from the layout */
		v = 0;
	long long i = llround(v * (double)scale[dec]);
	if (i < 0) {
		*o++ = '-';
		i = -i;
	}
	o = put_uint(o, (unsigned long long)(i / scale[dec]));
	long long frac = i % scale[dec];
	if (frac) {
		*o++ = '.';
		for (long long s = scale[dec] / 10; frac; s /= 10) {
			*o++ = (char)('0' + frac / s);
			frac %= s;
		}
	}
	return o;
}

/* Room for n more bytes of operators, or NULL: the drawing is then
 * dropped and the save reports the error. */
static char *reserve(struct mq_pdf *p, size_t n)
{
	if (p->failed)
		return NULL;
	if (p->cur < 0) {
		p->failed = MQ_ERR_USAGE;
		return NULL;
	}
	if (mq_grow((void **)&p->ops, &p->aops, p->nops + n, 1)) {
		p->failed = MQ_ERR_NOMEM;
		return NULL;
	}
	return p->ops + p->nops;
}

/* Room for graphics operators: outside a text object. */
static char *reserve_graphics(struct mq_pdf *p, size_t n)
{
	char *o = reserve(p, n + 3);
	if (o && p->in_text) {
		o = put_str(o, "ET\n");
		p->nops += 3;
		p->in_text = 0;
	}
	return o;
}

static char *set_fill(struct mq_pdf *p, char *o, const uint8_t rgb[3])
{
	int32_t c = (int32_t)rgb[0] << 16 | (int32_t)rgb[1] << 8 | rgb[2];
	if (p->gs.fill == c)
		return o;
	for (int i = 0; i < 3; i++) {
		o = put_num(o, rgb[i] / 255.0, 3);
		*o++ = ' ';
	}
	p->gs.fill = c;
	return put_str(o, "rg\n");
}

static int open_spill(struct mq_pdf *p)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(path, sizeof path, "%s/mq_pdf.XXXXXX", dir) >= (int)sizeof path)
		return MQ_ERR_IO;
	p->spill = mkostemp(path, O_CLOEXEC);
	if (p->spill < 0) {
		p->io_errno = errno;
		return MQ_ERR_IO;
	}
	unlink(path);
	return 0;
}

/* pwrite of n bytes; on failure the errno is kept in *eno (the first one) */
static int out_pwrite(int *eno, int fd, const void *data, size_t n, off_t at)
{
	int e = mq_fault();
	if (!e && pwrite(fd, data, n, at) == (ssize_t)n)
		return 0;
	if (!*eno)
		*eno = e ? e : errno ? errno : ENOSPC; /* a short write: the disk is full */
	return MQ_ERR_IO;
}

static int spill_flush(struct mq_pdf *p)
{
	if (p->sn && out_pwrite(&p->io_errno, p->spill, p->sbuf, p->sn, p->spill_end - (off_t)p->sn))
		return MQ_ERR_IO;
	p->sn = 0;
	return 0;
}

/* Appends to the spill file through a buffer: one system call per many
 * segments. */
static int spill_write(struct mq_pdf *p, const void *data, size_t n)
{
	if (p->spill < 0 && open_spill(p))
		return MQ_ERR_IO;
	if (!p->sbuf && !(p->sbuf = malloc(SPILL_BUF)))
		return MQ_ERR_NOMEM;
	if (p->sn + n > SPILL_BUF && spill_flush(p))
		return MQ_ERR_IO;
	if (n > SPILL_BUF) {
		if (out_pwrite(&p->io_errno, p->spill, data, n, p->spill_end))
			return MQ_ERR_IO;
	} else {
		memcpy(p->sbuf + p->sn, data, n);
		p->sn += n;
	}
	p->spill_end += (off_t)n;
	return 0;
}

/* Deflates the current segment into the spill file and links it to its
 * page, so a report of any length holds no page content in memory. */
static int seal(struct mq_pdf *p)
{
	if (p->cur < 0 || p->failed)
		return p->failed;
	if (p->in_text && !reserve_graphics(p, 0))
		return p->failed;
	if (!p->nops)
		return 0;
	/* one deflate state for all segments: a new one per segment costs
	 * a quarter megabyte of allocation each time */
	if (p->nops >= STORED || (!p->zinit && deflateInit(&p->z, SEAL_LEVEL) != Z_OK))
		return p->failed = MQ_ERR_NOMEM;
	p->zinit = 1;
	uLong bound = deflateBound(&p->z, p->nops);
	if (deflateReset(&p->z) != Z_OK || mq_grow((void **)&p->zbuf, &p->zalloc, bound, 1))
		return p->failed = MQ_ERR_NOMEM;
	p->z.next_in = (Bytef *)p->ops;
	p->z.avail_in = (uInt)p->nops;
	p->z.next_out = p->zbuf;
	p->z.avail_out = (uInt)bound;
	if (deflate(&p->z, Z_FINISH) != Z_STREAM_END)
		return p->failed = MQ_ERR_NOMEM;
	/* a footer alone may not shrink: kept as it is */
	size_t zn = p->z.total_out, n = zn < p->nops ? zn : p->nops;
	struct segment *s = table_push(&p->segs);
	if (!s)
		return p->failed = MQ_ERR_NOMEM;
	*s = (struct segment){p->spill_end, (uint32_t)n | (zn < p->nops ? 0 : STORED), 0};
	int rc = spill_write(p, zn < p->nops ? (const void *)p->zbuf : p->ops, n);
	if (rc)
		return p->failed = rc;
	p->nops = 0;
	struct page *pg = table_at(&p->pages, (size_t)p->cur);
	uint32_t id = (uint32_t)p->segs.n;
	if (pg->last)
		((struct segment *)table_at(&p->segs, pg->last - 1))->next = id;
	else
		pg->first = id;
	pg->last = id;
	return 0;
}

int mq_pdf_add_page(struct mq_pdf *p, double w, double h)
{
	if (p->pages.n >= MQ_PDF_MAX_PAGES)
		return MQ_ERR_LIMIT;
	int rc = seal(p);
	if (rc)
		return rc;
	struct page *pg = table_push(&p->pages);
	if (!pg)
		return MQ_ERR_NOMEM;
	*pg = (struct page){(float)w, (float)h, 0, 0, 0};
	p->cur = (int)p->pages.n - 1;
	p->gs = (struct gstate){.font = -1, .fill = 0, .size = NAN, .char_space = 0, .line_width = 1};
	return p->cur;
}

int mq_pdf_use_page(struct mq_pdf *p, int index)
{
	if (index < 0 || (size_t)index >= p->pages.n)
		return MQ_ERR_USAGE;
	int rc = seal(p);
	if (rc)
		return rc;
	p->cur = index;
	p->gs = (struct gstate){.font = -1, .fill = -1, .size = NAN, .char_space = NAN, .line_width = NAN};
	return 0;
}

int mq_pdf_page_count(const struct mq_pdf *p) { return (int)p->pages.n; }

void mq_pdf_text(struct mq_pdf *p, int role, double size, const uint8_t rgb[3],
		 double x, double y, const char *s, size_t len, double char_space)
{
	struct font_slot *f = &p->fonts[role];
	if (!len)
		return;
	/* at most 4 hex digits per input byte, plus the operators */
	char *o = reserve(p, 4 * len + 160);
	if (!o)
		return;
	if (!p->in_text) {
		o = put_str(o, "BT\n");
		p->in_text = 1;
	}
	if (p->gs.font != role || p->gs.size != size) {
		o = put_str(o, "/F");
		o = put_uint(o, (unsigned)role + 1);
		*o++ = ' ';
		o = put_str(put_num(o, size, 3), " Tf\n");
		p->gs.font = role;
		p->gs.size = size;
	}
	o = set_fill(p, o, rgb);
	if (p->gs.char_space != char_space) {
		o = put_str(put_num(o, char_space, 4), " Tc\n");
		p->gs.char_space = char_space;
	}
	/* Hex codes written directly: libharu's own show-text re-measures
	 * every character with a linear cmap search, the slowest part of a
	 * page; the glyphs are marked for the subset in fix_font. */
	o = put_str(o, "1 0 0 1 ");
	o = put_num(o, x, 2);
	*o++ = ' ';
	o = put_str(put_num(o, y, 2), " Tm <");
	for (size_t i = 0; i < len; ) {
		static const char hex[] = "0123456789ABCDEF";
		uint32_t cp;
		int n = mq_utf8_decode(s + i, len - i, &cp);
		if (!n || cp > 0xFFFF)
			cp = 0xFFFD;
		i += n ? (size_t)n : 1;
		f->used[cp >> 3] |= (uint8_t)(1u << (cp & 7));
		for (int sh = 12; sh >= 0; sh -= 4)
			*o++ = hex[(cp >> sh) & 0xF];
	}
	o = put_str(o, "> Tj\n");
	p->nops = (size_t)(o - p->ops);
	((struct page *)table_at(&p->pages, (size_t)p->cur))->fonts |= (uint8_t)(1u << role);
}

void mq_pdf_rect(struct mq_pdf *p, double x, double y, double w, double h, const uint8_t fill[3])
{
	char *o = reserve_graphics(p, 160);
	if (!o)
		return;
	o = set_fill(p, o, fill);
	const double v[4] = {x, y, w, h};
	for (int i = 0; i < 4; i++) {
		o = put_num(o, v[i], 2);
		*o++ = ' ';
	}
	o = put_str(o, "re f\n");
	p->nops = (size_t)(o - p->ops);
}

void mq_pdf_line(struct mq_pdf *p, double x1, double y1, double x2, double y2, double width)
{
	char *o = reserve_graphics(p, 160);
	if (!o)
		return;
	if (p->gs.line_width != width) {
		o = put_str(put_num(o, width, 3), " w\n");
		p->gs.line_width = width;
	}
	const double v[4] = {x1, y1, x2, y2};
	static const char *const op[4] = {" ", " m ", " ", " l S\n"};
	for (int i = 0; i < 4; i++)
		o = put_str(put_num(o, v[i], 2), op[i]);
	p->nops = (size_t)(o - p->ops);
}

int mq_pdf_outline(struct mq_pdf *p, int parent, const char *title, int page, double y)
{
	if (page < 0 || (size_t)page >= p->pages.n || p->marks.n >= INT32_MAX)
		return MQ_ERR_USAGE;
	if (!p->titles && !(p->titles = mq_arena_new()))
		return MQ_ERR_NOMEM;
	const char *t = mq_arena_strndup(p->titles, title, strlen(title));
	struct bookmark *b = t ? table_push(&p->marks) : NULL;
	if (!b)
		return MQ_ERR_NOMEM;
	int32_t id = (int32_t)p->marks.n - 1;
	int32_t par = parent >= 0 && parent < id ? parent : -1;
	struct bookmark *pb = par >= 0 ? table_at(&p->marks, (size_t)par) : NULL;
	int32_t *first = pb ? &pb->first : &p->top_first, *last = pb ? &pb->last : &p->top_last;
	*b = (struct bookmark){t, par, *last, -1, -1, -1, page, 0, (float)y};
	if (*last >= 0)
		((struct bookmark *)table_at(&p->marks, (size_t)*last))->next = id;
	else
		*first = id;
	*last = id;
	return id;
}

/* ---- font fix-ups before saving ---- */

static int used(const struct font_slot *f, unsigned cp)
{
	return (f->used[cp >> 3] >> (cp & 7)) & 1;
}

static HPDF_STATUS write_str(HPDF_Stream s, struct mq_buf *b)
{
	HPDF_STATUS rc = HPDF_Stream_Write(s, (const HPDF_BYTE *)b->data, (HPDF_UINT)b->len);
	mq_buf_reset(b);
	return rc;
}

/* ToUnicode: code = UTF-16 of the character, so each run of used codes
 * within one high byte is one identity bfrange. */
static int build_tounicode(const struct font_slot *f, struct mq_buf *b)
{
	int rc = mq_buf_adds(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
			     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
			     "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
			     "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	unsigned ranges[100][2];
	int nr = 0;
	for (unsigned cp = 0; cp <= 0x10000 && !rc; cp++) {
		int u = cp < 0x10000 && used(f, cp);
		if (u && nr && ranges[nr - 1][1] == cp - 1 && (cp & 0xFF) != 0) {
			ranges[nr - 1][1] = cp;
			continue;
		}
		if (nr == 100 || (cp == 0x10000 && nr)) {
			rc = mq_buf_printf(b, "%d beginbfrange\n", nr);
			for (int i = 0; i < nr && !rc; i++)
				rc = mq_buf_printf(b, "<%04X> <%04X> <%04X>\n", ranges[i][0], ranges[i][1], ranges[i][0]);
			if (!rc)
				rc = mq_buf_adds(b, "endbfrange\n");
			nr = 0;
		}
		if (u) {
			ranges[nr][0] = ranges[nr][1] = cp;
			nr++;
		}
	}
	if (!rc)
		rc = mq_buf_adds(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	return rc;
}

/* The components of glyph g (a composite) read from the font file, or
 * 0 (simple, empty, or not readable). */
static int glyph_components(HPDF_TTFontDefAttr a, unsigned g, uint16_t *ids, int max)
{
	unsigned char buf[1024];
	HPDF_UINT32 unit = a->header.index_to_loc_format == 0 ? 2 : 1;
	HPDF_UINT32 at = a->glyph_tbl.offsets[g] * unit, end = a->glyph_tbl.offsets[g + 1] * unit;
	HPDF_UINT len = end > at ? end - at : 0;
	if (len < 10)
		return 0;
	if (len > sizeof buf)
		len = sizeof buf;   /* components come first: enough for 60 */
	if (HPDF_Stream_Seek(a->stream, (HPDF_INT)(a->glyph_tbl.base_offset + at), HPDF_SEEK_SET) != HPDF_OK ||
	    HPDF_Stream_Read(a->stream, buf, &len) != HPDF_OK)
		return 0;
	int n = mq_glyf_components(buf, len, ids, max);
	return n > 0 ? n : 0;
}

/* libharu adds the components of each glyph drawn to the subset, but not
 * theirs: ǖ is ü and a macron, ü is u and a dieresis. Adds components
 * until none is missing. Which glyphs have none is kept per process, so
 * the font file is read again only for composites. */
static int close_components(struct font_slot *f)
{
	HPDF_TTFontDefAttr a = (HPDF_TTFontDefAttr)f->def->attr;
	struct face_cache *c = f->cache;
	unsigned n = a->num_glyphs;
	HPDF_BYTE *flag = a->glyph_tbl.flgs;
	if (c->nglyphs != n) {
		free(c->simple);
		c->nglyphs = 0;
		if (!(c->simple = calloc(n ? n : 1, 1)))
			return MQ_ERR_NOMEM;
		c->nglyphs = n;
	}
	uint16_t *todo = malloc((n ? n : 1) * sizeof *todo);
	size_t ntodo = 0;
	if (!todo)
		return MQ_ERR_NOMEM;
	for (unsigned g = 0; g < n; g++)
		if (flag[g] && !c->simple[g])
			todo[ntodo++] = (uint16_t)g;
	while (ntodo) {
		uint16_t ids[64];
		unsigned g = todo[--ntodo];
		int nc = glyph_components(a, g, ids, 64);
		if (!nc)
			c->simple[g] = 1;
		for (int i = 0; i < nc; i++)
			if (ids[i] < n && !flag[ids[i]]) {
				flag[ids[i]] = 1;   /* each glyph goes on the list once */
				if (!c->simple[ids[i]])
					todo[ntodo++] = ids[i];
			}
	}
	free(todo);
	return 0;
}

/* libharu copies each table of the font program 4 bytes at a time and
 * then sums the copy 4 bytes at a time, twice. What trim_font_program
 * drops anyway (the glyph names after post's 32-byte header, the cmap) it
 * is told is not there: about a quarter of the rendering time. font_trim
 * refuses no program libharu makes (its 13 tables, a 54-byte head), so
 * these never reach a PDF cut short. */
static void skip_dropped_tables(struct font_slot *f)
{
	HPDF_TTFontDefAttr a = (HPDF_TTFontDefAttr)f->def->attr;
	for (HPDF_UINT i = 0; i < a->offset_tbl.num_tables; i++) {
		HPDF_TTFTable *t = &a->offset_tbl.table[i];
		if (memcmp(t->tag, "post", 4) == 0 && t->length > 32)
			t->length = 32;
		else if (memcmp(t->tag, "cmap", 4) == 0)
			t->length = 0;
	}
}

static int fix_font(struct mq_pdf *p, struct font_slot *f)
{
	HPDF_FontAttr attr = (HPDF_FontAttr)f->font->attr;
	HPDF_Dict desc = attr->descendant_font;
	struct mq_buf b = {0};
	unsigned maxcp = 0;
	int rc = 0;
	/* W: [first [w1 w2 ...] ...] over used code points only */
	HPDF_Array w = HPDF_Array_New(f->font->mmgr), run = NULL;
	if (!w || HPDF_Dict_Add(desc, "W", w) != HPDF_OK)
		return MQ_ERR_NOMEM;
	for (unsigned cp = 0; cp < 0x10000; cp++) {
		if (!used(f, cp)) {
			run = NULL;
			continue;
		}
		maxcp = cp;
		ask(f, cp);
		if (!run) {
			run = HPDF_Array_New(f->font->mmgr);
			if (!run || HPDF_Array_AddNumber(w, (HPDF_INT32)cp) || HPDF_Array_Add(w, run))
				return MQ_ERR_NOMEM;
		}
		if (HPDF_Array_AddNumber(run, HPDF_TTFontDef_GetCharWidth(f->def, (HPDF_UINT16)cp)))
			return MQ_ERR_NOMEM;
	}
	/* CIDToGIDMap: two bytes per CID up to the largest used one */
	if (attr->map_stream) {
		HPDF_Stream s = attr->map_stream->stream;
		HPDF_MemStream_FreeData(s);
		for (unsigned cp = 0; cp <= maxcp && !rc; cp++) {
			unsigned gid = used(f, cp) ? f->cache->gid[cp] : 0;
			rc = mq_buf_addc(&b, (char)(gid >> 8)) || mq_buf_addc(&b, (char)(gid & 0xFF));
			if (!rc && b.len >= 8192)
				rc = write_str(s, &b) != HPDF_OK;
		}
		if (!rc)
			rc = write_str(s, &b) != HPDF_OK;
	}
	if (!rc)
		rc = close_components(f);
	if (!rc)
		skip_dropped_tables(f);
	HPDF_Dict tu = HPDF_Dict_GetItem(f->font, "ToUnicode", HPDF_OCLASS_DICT);
	if (!rc && tu) {
		static const char *const stale[] = {"Type", "CMapName", "CIDSystemInfo", "WMode"};
		for (size_t i = 0; i < sizeof stale / sizeof *stale; i++)
			HPDF_Dict_RemoveElement(tu, stale[i]);
		HPDF_MemStream_FreeData(tu->stream);
		rc = build_tounicode(f, &b);
		if (!rc)
			rc = write_str(tu->stream, &b) != HPDF_OK;
	}
	mq_buf_free(&b);
	p->status = 0;  /* RemoveElement of an absent key is not an error */
	return rc ? MQ_ERR_NOMEM : 0;
}

/* ---- saving ---- */

#define XREF_LINES 512

/* The output file: every byte goes through put, which counts the offset.
 * The 20-byte cross-reference line of object n is kept at xbase + 20 n in
 * the spill file, gathered in runs of consecutive numbers. */
struct writer {
	FILE *fp;
	uint64_t pos;
	int err;              /* first MQ_ERR_*, 0 when none */
	int io_errno;         /* errno of the first failed write */
	int spill;
	off_t xbase;
	uint32_t xfirst, xn, nobj;
	char xbuf[20 * XREF_LINES + 1];
};

/* Object numbers of what this module writes itself. */
struct numbers {
	uint32_t catalog, root, info, size;   /* catalog and root: libharu's numbers */
	uint32_t page0, seg0;
	uint32_t outlines;                    /* bookmark root, 0 = no bookmarks */
	int top;                              /* level of the root; pages are level 0 */
	uint32_t count[MAX_LEVELS + 1];       /* nodes per level */
	uint32_t first[MAX_LEVELS + 1];       /* number of a level's first node */
};

static void put(struct writer *w, const void *data, size_t n)
{
	/* a point of the test-only fault injection every 64 KB written */
	int e = n && (w->pos >> 16) != ((w->pos + n) >> 16) ? mq_fault() : 0;
	if (n && (e || fwrite(data, 1, n, w->fp) != n) && !w->err) {
		w->err = MQ_ERR_IO;
		w->io_errno = e ? e : errno;
	}
	w->pos += n;
}

static void putf(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct writer *w, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof buf) {
		w->err = MQ_ERR_IO;
		return;
	}
	put(w, buf, (size_t)n);
}

static void xref_flush(struct writer *w)
{
	size_t n = 20 * (size_t)w->xn;
	if (n && out_pwrite(&w->io_errno, w->spill, w->xbuf, n, w->xbase + 20 * (off_t)w->xfirst))
		w->err = MQ_ERR_IO;
	w->xn = 0;
}

static void begin_obj(struct writer *w, uint32_t num)
{
	if (w->xn && (num != w->xfirst + w->xn || w->xn == XREF_LINES))
		xref_flush(w);
	if (!w->xn)
		w->xfirst = num;
	if (w->pos > 9999999999ULL)   /* ten digits in a cross-reference line */
		w->err = MQ_ERR_LIMIT;
	snprintf(w->xbuf + 20 * w->xn, 21, "%010llu 00000 n\r\n", (unsigned long long)w->pos);
	w->xn++;
	w->nobj++;
	putf(w, "%u 0 obj\n", num);
}

static void end_obj(struct writer *w) { put(w, "\nendobj\n", 8); }

static HPDF_STATUS hpdf_put(HPDF_Stream s, const HPDF_BYTE *data, HPDF_UINT n)
{
	struct writer *w = s->attr;
	put(w, data, n);
	return w->err ? HPDF_FILE_IO_ERROR : HPDF_OK;
}

static uint32_t obj_num(const void *obj)
{
	return obj ? ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF : 0;
}

/* libharu makes a font's program in the before-write hook of its Type0
 * dictionary, as a later object: right after that dictionary is written,
 * the program is trimmed in place (font_trim.c), so that only what is
 * kept gets deflated. A program font_trim does not know is left as it is. */
static int trim_font_program(struct font_slot *f)
{
	HPDF_TTFontDefAttr a = (HPDF_TTFontDefAttr)f->def->attr;
	HPDF_Dict desc = f->def->descriptor;
	HPDF_Dict ff = desc ? HPDF_Dict_GetItem(desc, "FontFile2", HPDF_OCLASS_DICT) : NULL;
	if (!ff || !ff->stream)
		return 0;
	HPDF_UINT n = ff->stream->size, got = n;
	unsigned char *in = malloc(n ? n : 1), *out = NULL;
	size_t out_n = 0;
	if (!in)
		return MQ_ERR_NOMEM;
	int rc = HPDF_Stream_Seek(ff->stream, 0, HPDF_SEEK_SET) != HPDF_OK ||
		HPDF_Stream_Read(ff->stream, in, &got) != HPDF_OK || got != n ? MQ_ERR_IO : 0;
	if (!rc)
		rc = mq_sfnt_trim(in, n, a->glyph_tbl.flgs, a->num_glyphs, &out, &out_n);
	if (!rc) {
		HPDF_MemStream_FreeData(ff->stream);
		if (HPDF_Stream_Write(ff->stream, out, (HPDF_UINT)out_n) != HPDF_OK ||
		    HPDF_Dict_AddNumber(ff, "Length1", (HPDF_INT32)out_n) != HPDF_OK)
			rc = MQ_ERR_NOMEM;
	}
	free(in);
	free(out);
	return rc == MQ_ERR_FORMAT ? 0 : rc;
}

/* Every object in libharu's table except its catalog and page-tree root,
 * whose numbers serve ours. Writing a font adds its descriptor and font
 * file to the table, so the count is read again at each step. Returns the
 * first free number. */
static uint32_t write_hpdf_objects(struct mq_pdf *p, struct writer *w, const struct numbers *n)
{
	HPDF_Xref xref = p->doc->xref;
	HPDF_Stream s = HPDF_CallbackWriter_New(p->doc->mmgr, hpdf_put, w);
	if (!s) {
		w->err = MQ_ERR_NOMEM;
		return 0;
	}
	for (HPDF_UINT i = 1; i < xref->entries->count && !w->err && !p->status; i++) {
		if (i == n->catalog || i == n->root)
			continue;
		HPDF_XrefEntry e = HPDF_Xref_GetEntry(xref, i);
		begin_obj(w, i);
		if (HPDF_Obj_WriteValue(e->obj, s, NULL) != HPDF_OK && !p->status)
			p->status = HPDF_INVALID_OBJECT;
		end_obj(w);
		for (int r = 0; r < MQ_FONT_ROLES; r++)
			if (p->fonts[r].font && p->fonts[r].font == e->obj) {
				int rc = trim_font_program(&p->fonts[r]);
				if (rc && !w->err)
					w->err = rc;
				break;   /* two roles may share one font */
			}
	}
	HPDF_Stream_Free(s);
	return xref->entries->count;
}

/* Page tree: level 1 nodes hold up to FANOUT pages, each higher level up
 * to FANOUT nodes of the one below, up to a single root. */
static void number_objects(const struct mq_pdf *p, uint32_t next, struct numbers *n)
{
	n->count[0] = (uint32_t)p->pages.n;
	n->top = 0;
	do {
		n->top++;
		n->count[n->top] = (n->count[n->top - 1] + FANOUT - 1) / FANOUT;
	} while (n->count[n->top] > 1 && n->top < MAX_LEVELS);
	for (int l = 1; l < n->top; l++) {
		n->first[l] = next;
		next += n->count[l];
	}
	n->page0 = next;
	next += (uint32_t)p->pages.n;
	n->seg0 = next;
	next += (uint32_t)p->segs.n;
	n->outlines = p->marks.n ? next : 0;
	if (p->marks.n)
		next += 1 + (uint32_t)p->marks.n;
	n->size = next;
}

static uint32_t node_num(const struct numbers *n, int level, uint32_t j)
{
	return level == 0 ? n->page0 + j : level == n->top ? n->root : n->first[level] + j;
}

static void write_node(struct writer *w, const struct numbers *n, int level, uint32_t j)
{
	uint64_t span = 1;
	for (int l = 0; l < level; l++)
		span *= FANOUT;
	uint64_t lo = j * span, hi = lo + span < n->count[0] ? lo + span : n->count[0];
	uint32_t k = j * FANOUT, end = k + FANOUT < n->count[level - 1] ? k + FANOUT : n->count[level - 1];
	begin_obj(w, node_num(n, level, j));
	putf(w, "<< /Type /Pages /Count %llu", (unsigned long long)(hi > lo ? hi - lo : 0));
	if (level < n->top)
		putf(w, " /Parent %u 0 R", node_num(n, level + 1, j / FANOUT));
	put(w, " /Kids [", 8);
	for (; k < end; k++)
		putf(w, k % 8 == 7 ? " %u 0 R\n" : " %u 0 R", node_num(n, level - 1, k));
	put(w, " ] >>", 5);
	end_obj(w);
}

static void write_page(struct mq_pdf *p, struct writer *w, const struct numbers *n, uint32_t i)
{
	const struct page *pg = table_at(&p->pages, i);
	char buf[256], *o = buf;
	begin_obj(w, n->page0 + i);
	o = put_str(o, "<< /Type /Page /Parent ");
	o = put_str(put_uint(o, node_num(n, 1, i / FANOUT)), " 0 R /MediaBox [0 0 ");
	o = put_num(o, pg->w, 3);
	*o++ = ' ';
	o = put_str(put_num(o, pg->h, 3), "] /Resources << /Font <<");
	for (int r = 0; r < MQ_FONT_ROLES; r++)
		if ((pg->fonts >> r & 1) && p->fonts[r].font) {
			o = put_str(o, " /F");
			o = put_uint(o, (unsigned)r + 1);
			*o++ = ' ';
			o = put_str(put_uint(o, obj_num(p->fonts[r].font)), " 0 R");
		}
	o = put_str(o, " >> >>");
	put(w, buf, (size_t)(o - buf));
	if (pg->first) {
		put(w, " /Contents [", 12);
		for (uint32_t s = pg->first; s; s = ((const struct segment *)table_at(&p->segs, s - 1))->next)
			putf(w, " %u 0 R", n->seg0 + s - 1);
		put(w, " ]", 2);
	}
	put(w, " >>", 3);
	end_obj(w);
}

/* Bytes [off, off + n) of the spilled segments, which are read in the
 * order they were written: the window reads ahead. NULL on failure. */
static const unsigned char *spill_read(struct mq_pdf *p, off_t off, size_t n)
{
	if (off >= p->wstart && off + (off_t)n <= p->wstart + (off_t)p->sn)
		return p->sbuf + (off - p->wstart);
	unsigned char *buf = p->sbuf;
	size_t want = SPILL_BUF;
	if (n > SPILL_BUF) {
		if (mq_grow((void **)&p->zbuf, &p->zalloc, n, 1))
			return NULL;
		buf = p->zbuf;
		want = n;
	}
	if ((off_t)want > p->spill_end - off)
		want = (size_t)(p->spill_end - off);
	if (want < n || pread(p->spill, buf, want, off) != (ssize_t)want)
		return NULL;
	if (buf == p->sbuf) {
		p->wstart = off;
		p->sn = want;
	}
	return buf;
}

static void write_segment(struct mq_pdf *p, struct writer *w, const struct numbers *n, uint32_t r)
{
	const struct segment *s = table_at(&p->segs, r);
	size_t len = s->len & ~STORED;
	begin_obj(w, n->seg0 + r);
	putf(w, "<< /Length %zu%s >>\nstream\n", len, s->len & STORED ? "" : " /Filter /FlateDecode");
	const unsigned char *data = spill_read(p, s->off, len);
	if (data)
		put(w, data, len);
	else
		w->err = MQ_ERR_IO;
	put(w, "\nendstream", 10);
	end_obj(w);
}

/* A title as a UTF-16BE hex string with its byte-order mark. */
static void put_title(struct writer *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char buf[256];
	size_t n = 0, len = strlen(s);
	put(w, "/Title <FEFF", 12);
	for (size_t i = 0; i < len; ) {
		uint32_t cp, u[2];
		int k = mq_utf8_decode(s + i, len - i, &cp), nu = 1;
		if (!k)
			cp = 0xFFFD;
		i += k ? (size_t)k : 1;
		u[0] = cp;
		if (cp > 0xFFFF) {
			cp -= 0x10000;
			u[0] = 0xD800 | cp >> 10;
			u[1] = 0xDC00 | (cp & 0x3FF);
			nu = 2;
		}
		for (int j = 0; j < nu; j++)
			for (int sh = 12; sh >= 0; sh -= 4)
				buf[n++] = hex[(u[j] >> sh) & 0xF];
		if (n > sizeof buf - 16) {
			put(w, buf, n);
			n = 0;
		}
	}
	put(w, buf, n);
	put(w, ">", 1);
}

static struct bookmark *mark(const struct mq_pdf *p, int32_t i) { return table_at(&p->marks, (size_t)i); }

/* Top-level bookmarks open, the others closed: /Count is what an item
 * shows, negative when closed (what it would show if opened). */
static void write_outlines(struct mq_pdf *p, struct writer *w, const struct numbers *n)
{
	int32_t nm = (int32_t)p->marks.n, shown = 0;
	for (int32_t j = 0; j < nm; j++)
		mark(p, j)->count = 0;
	/* a child comes after its parent: one backward pass sums the counts */
	for (int32_t j = nm - 1; j >= 0; j--) {
		struct bookmark *b = mark(p, j);
		int32_t add = 1 + (b->parent < 0 ? b->count : 0);
		if (b->parent >= 0)
			mark(p, b->parent)->count += add;
		else
			shown += add;
	}
	begin_obj(w, n->outlines);
	putf(w, "<< /Type /Outlines /First %u 0 R /Last %u 0 R /Count %d >>",
	     n->outlines + 1 + (uint32_t)p->top_first, n->outlines + 1 + (uint32_t)p->top_last, shown);
	end_obj(w);
	for (int32_t j = 0; j < nm && !w->err; j++) {
		const struct bookmark *b = mark(p, j);
		char y[32];
		*put_num(y, b->y, 2) = '\0';
		begin_obj(w, n->outlines + 1 + (uint32_t)j);
		put(w, "<< ", 3);
		put_title(w, b->title);
		putf(w, " /Parent %u 0 R", b->parent >= 0 ? n->outlines + 1 + (uint32_t)b->parent : n->outlines);
		if (b->prev >= 0)
			putf(w, " /Prev %u 0 R", n->outlines + 1 + (uint32_t)b->prev);
		if (b->next >= 0)
			putf(w, " /Next %u 0 R", n->outlines + 1 + (uint32_t)b->next);
		if (b->first >= 0)
			putf(w, " /First %u 0 R /Last %u 0 R /Count %d", n->outlines + 1 + (uint32_t)b->first,
			     n->outlines + 1 + (uint32_t)b->last, b->parent < 0 ? b->count : -b->count);
		/* a null zoom keeps the reader's */
		putf(w, " /Dest [%u 0 R /XYZ 0 %s null] >>", n->page0 + (uint32_t)b->page, y);
		end_obj(w);
	}
}

static void write_xref(struct mq_pdf *p, struct writer *w, const struct numbers *n)
{
	xref_flush(w);
	if (w->nobj != n->size - 1 && !w->err)
		w->err = MQ_ERR_IO;   /* a number left out: never expected */
	uint64_t at = w->pos;
	putf(w, "xref\n0 %u\n0000000000 65535 f\r\n", n->size);
	off_t from = w->xbase + 20, end = w->xbase + 20 * (off_t)n->size;
	while (from < end && !w->err) {
		size_t k = end - from > 65536 ? 65536 : (size_t)(end - from);
		if (mq_grow((void **)&p->zbuf, &p->zalloc, k, 1))
			w->err = MQ_ERR_NOMEM;
		else if (pread(p->spill, p->zbuf, k, from) != (ssize_t)k)
			w->err = MQ_ERR_IO;
		else
			put(w, p->zbuf, k);
		from += (off_t)k;
	}
	putf(w, "trailer\n<< /Size %u /Root %u 0 R", n->size, n->catalog);
	if (n->info)
		putf(w, " /Info %u 0 R", n->info);
	putf(w, " >>\nstartxref\n%llu\n%%%%EOF\n", (unsigned long long)at);
}

static int write_pdf(struct mq_pdf *p, struct writer *w)
{
	struct numbers n = {.catalog = obj_num(p->doc->catalog), .root = obj_num(p->doc->root_pages),
			    .info = obj_num(p->doc->info)};
	if (!n.catalog || !n.root) {
		p->status = HPDF_INVALID_DOCUMENT;
		return 0;
	}
	putf(w, "%%PDF-1.%d\n%%\267\276\255\252\n", (int)p->doc->pdf_version + 2);
	uint32_t next = write_hpdf_objects(p, w, &n);
	if (w->err || p->status)
		return w->err;
	number_objects(p, next, &n);
	for (int l = 1; l < n.top; l++)
		for (uint32_t j = 0; j < n.count[l] && !w->err; j++)
			write_node(w, &n, l, j);
	for (uint32_t i = 0; i < p->pages.n && !w->err; i++)
		write_page(p, w, &n, i);
	for (uint32_t r = 0; r < p->segs.n && !w->err; r++)
		write_segment(p, w, &n, r);
	if (p->marks.n)
		write_outlines(p, w, &n);
	begin_obj(w, n.catalog);
	putf(w, "<< /Type /Catalog /Pages %u 0 R", n.root);
	if (n.outlines)
		putf(w, " /Outlines %u 0 R /PageMode /UseOutlines", n.outlines);
	put(w, " >>", 3);
	end_obj(w);
	write_node(w, &n, n.top, 0);
	write_xref(p, w, &n);
	return w->err;
}

/* Roles naming the same font file and face share one libharu font, whose
 * W, CIDToGIDMap and ToUnicode must cover what each of them drew: the
 * first such role takes the others' code points. Returns that role. */
static int first_role(struct mq_pdf *p, int r)
{
	int s = 0;
	while (p->fonts[s].font != p->fonts[r].font)
		s++;
	if (s == r)
		for (int o = r + 1; o < MQ_FONT_ROLES; o++)
			if (p->fonts[o].font == p->fonts[r].font)
				for (size_t i = 0; i < 65536 / 8; i++)
					p->fonts[r].used[i] |= p->fonts[o].used[i];
	return s;
}

static int drawing_fail(const struct mq_pdf *p, int code, const char *path, struct mq_error *err)
{
	if (code == MQ_ERR_NOMEM)
		return mq_fail(err, code, path, 0, "内存不足 / out of memory");
	if (code == MQ_ERR_USAGE)
		return mq_fail(err, code, path, 0, "在新建页面之前绘制 / drawing before any page");
	return mq_fail(err, MQ_ERR_IO, path, 0, "无法写入临时文件（TMPDIR）/ cannot write the temporary file (TMPDIR): %s",
		       mq_errno_text(p->io_errno ? p->io_errno : EIO));
}

int mq_pdf_save(struct mq_pdf *p, const char *path, const struct mq_pdf_info *info,
		struct mq_error *err)
{
	struct mq_out out;
	if (seal(p) || p->failed)
		return drawing_fail(p, p->failed, path, err);
	if (p->status)
		return hpdf_fail(p, err, path, "drawing");
	for (int r = 0; r < MQ_FONT_ROLES; r++)
		if (p->fonts[r].font && first_role(p, r) == r && fix_font(p, &p->fonts[r]))
			return mq_fail(err, MQ_ERR_NOMEM, path, 0, "内存不足 / out of memory");
	const char *vals[4] = {info->title, info->author, info->subject, info->keywords};
	const HPDF_InfoType keys[4] = {HPDF_INFO_TITLE, HPDF_INFO_AUTHOR, HPDF_INFO_SUBJECT, HPDF_INFO_KEYWORDS};
	for (int i = 0; i < 4; i++)
		if (vals[i] && *vals[i])
			HPDF_SetInfoAttr(p->doc, keys[i], vals[i]);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "minqing " MQ_VERSION);
	if (info->has_date) {
		HPDF_Date d = {info->year, info->month, info->day, info->hour, info->minute,
			       info->second, 'Z', 0, 0};
		HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, d);
		HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_MOD_DATE, d);
	}
	if (p->status)
		return hpdf_fail(p, err, path, "document info");
	if (!p->sbuf && !(p->sbuf = malloc(SPILL_BUF)))
		return drawing_fail(p, MQ_ERR_NOMEM, path, err);
	if ((p->spill < 0 && open_spill(p)) || spill_flush(p))
		return drawing_fail(p, MQ_ERR_IO, path, err);
	p->wstart = p->spill_end;   /* the window is empty */
	int rc = mq_out_open(&out, path, err);
	if (rc)
		return rc;
	struct writer *w = calloc(1, sizeof *w);
	if (!w) {
		mq_out_abort(&out);
		return mq_fail(err, MQ_ERR_NOMEM, path, 0, "内存不足 / out of memory");
	}
	setvbuf(out.fp, NULL, _IOFBF, 1 << 16);
	w->fp = out.fp;
	w->spill = p->spill;
	w->xbase = p->spill_end;
	rc = write_pdf(p, w);
	int eno = w->io_errno ? w->io_errno : p->io_errno;
	free(w);
	if (p->status || rc) {
		mq_out_abort(&out);
		if (rc == MQ_ERR_NOMEM)
			return mq_fail(err, rc, path, 0, "内存不足 / out of memory");
		/* a failed write is told by its cause, not by the library's status */
		if (p->status && !eno)
			return hpdf_fail(p, err, path, "save");
		return mq_fail(err, MQ_ERR_IO, path, 0, "写入文件失败 / writing failed: %s", mq_errno_text(eno ? eno : EIO));
	}
	return mq_out_commit(&out, err);
}
