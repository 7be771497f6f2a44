/* pdf.c — the PDF writer. Every object is written here; libharu is not
 * used because its public API cannot do three things these reports need:
 * embed a subset of an OpenType/CFF font (Noto CJK; it embeds whole
 * TrueType files, and subsetting meant reaching into its private font
 * structs), stream pages to disk (it keeps the whole document in memory),
 * and write PDF/A-2b (output intent and XMP; Debian ships libharu 2.3).
 * A document holds a few tens of bytes per page and per bookmark
 * (and the bookmark's title), whatever its length:
 *  - a page's operators go into one buffer, "sealed" (deflated) into an
 *    unlinked temporary file (in $TMPDIR, else /tmp) when the next page
 *    starts; drawing on a page again (header and footer) seals a further
 *    segment, and the page's /Contents is the array of its segments, each
 *    copied as it is;
 *  - a page is a record of its size, segments and fonts, a bookmark a record
 *    with its title in an arena (records sit in blocks that never move);
 *  - on save come the catalog, the document info and its XMP, the sRGB
 *    output intent, the fonts, the page tree, the pages, their segments,
 *    the bookmarks, then the cross-reference table, whose lines wait in the
 *    temporary file too.
 *
 * Fonts (fonts.c): a role is a chain of faces; each character is drawn
 * from the first face of the chain that has it, so one run of text may
 * switch fonts. A face drawn in a document becomes one Type0 font
 * (Identity-H, 2-byte codes as fonts.h says) with a CIDFontType2 or
 * CIDFontType0 descendant whose program is an hb-subset of the face made
 * on save, widths (W) and a ToUnicode map for exactly the codes drawn.
 *
 * The file is PDF/A-2b: PDF 1.7, XMP metadata matching the info
 * dictionary, an sRGB output intent (icc-profiles-free's profile), every font
 * embedded with ToUnicode, /Lang zh-CN, a trailer /ID hashed from the
 * bytes before it; only DeviceRGB fills, no transparency, Flate only. */
#include "layout_internal.h"

#include "minqing/core/error.h"
#include "minqing/core/buf.h"
#include "minqing/core/arena.h"
#include "minqing/core/utf8.h"
#include "minqing/core/files.h"
#include "fonts.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <libdeflate.h>

#define MQ_PDF_MAX_PAGES 100000
#define BLOCK 1024            /* records per block */
#define FANOUT 128            /* kids per page-tree node */
#define MAX_LEVELS 8
/* libdeflate's levels: page content at 1 (about 4 times zlib's level 6
 * speed, 7 % larger); font programs, ToUnicode maps, XMP and the profile
 * at 1 too (desubroutinized CFF charstrings barely shrink: 1.3 % larger
 * than zlib's level 9 in a quarter of its time); the PDF's Flate streams
 * are zlib streams whichever library wrote them */
#define SEAL_LEVEL 1          /* a sealed segment */
#define BEST_LEVEL 1          /* streams written once per document */
#define STORED 0x80000000u    /* segment length flag: not deflated */
#define SPILL_BUF (1 << 16)   /* spill file write buffer and read window */
#define MAX_DOC_FACES 32      /* faces drawn in one document: bits of page.fonts */
/* lcms's sRGB (ICC v2, 7 KB; colord-data's v4 one is 20 KB) */
#define ICC_PATH "/usr/share/color/icc/sRGB.icc"
#define ICC_PACKAGE "icc-profiles-free"

/* One code drawn from a face: its character (for ToUnicode), its width. */
struct drawn {
	uint16_t code;
	int16_t width;
	uint32_t cp;
};

/* A face drawn in this document. */
struct doc_face {
	struct mq_face *face;
	uint8_t *used;          /* bitmap of codes drawn */
	struct drawn *codes;    /* one per code drawn, in drawing order */
	size_t ncodes, acodes;
};

/* What pick found for a BMP character, remembered per role and document
 * (widths are asked for every character again when lines are broken,
 * measured and drawn): 0 not asked yet, else PICKED | face (PICK_NONE:
 * none) << 32 | code << 16 | width. */
#define PICKED (1ULL << 63)
#define PICK_NONE 0xFFu
#define PICK_PAGES 256        /* pages of 256 code points: the BMP */

struct role {
	int loaded;
	int n;
	int face[MQ_FONT_CHAIN];   /* index in mq_pdf.faces */
	uint64_t *picked[PICK_PAGES];   /* made on first use */
};

/* Records of one kind in blocks of BLOCK: growing never copies them. */
struct table {
	char **blk;
	size_t n, elem, ablk;       /* ablk: allocated entries of blk */
};

struct page {
	float w, h;
	uint32_t first, last;   /* 1 + index of its first / last segment, 0 = none */
	uint32_t fonts;         /* bit k set: document face k is drawn on it */
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

/* What the current segment has set so far:
 * a new page starts in the PDF default state, a revisited page's segment
 * in an unknown one (-1, NaN), so it sets everything it uses again. */
struct gstate {
	int font;               /* role, -1 = none */
	int32_t fill;           /* 0xRRGGBB, -1 = unknown */
	double size, char_space, line_width;
};

struct mq_pdf {
	int failed;           /* first drawing error (MQ_ERR_*), 0 when none */
	struct doc_face faces[MAX_DOC_FACES];
	int nfaces;
	struct role roles[MQ_FONT_ROLES];
	struct table pages, segs, marks;
	int32_t top_first, top_last;   /* top-level bookmarks, -1 = none */
	struct mq_arena *titles;
	int cur;              /* page drawn on, -1 = none */
	struct gstate gs;
	int in_text;
	char *ops;            /* the current segment's operators */
	size_t nops, aops;
	struct libdeflate_compressor *zseal, *zbest;   /* made on first use */
	unsigned char *zbuf;  /* scratch for sealing and copying */
	size_t zalloc;
	int spill;            /* unlinked temporary file, -1 = none yet */
	off_t spill_end;      /* its length, buffered bytes included */
	unsigned char *sbuf;  /* bytes not yet written, then the read window */
	size_t sn;            /* buffered bytes */
	off_t wstart;         /* read window: spill bytes [wstart, wstart + sn) */
};

/* The output intent's profile, deflated, read once per process. */
static struct mq_buf icc_z = MQ_BUF_INIT;
static size_t icc_len;

static void *table_at(const struct table *t, size_t i)
{
	return t->blk[i / BLOCK] + (i % BLOCK) * t->elem;
}

static void *table_push(struct table *t)
{
	if (t->n % BLOCK == 0) {
		if (mq_grow((void **)&t->blk, &t->ablk, t->n / BLOCK + 1, sizeof *t->blk) ||
		    !(t->blk[t->n / BLOCK] = malloc(BLOCK * t->elem)))
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
		return mq_fail_nomem(err, "", 0);
	p->pages.elem = sizeof(struct page);
	p->segs.elem = sizeof(struct segment);
	p->marks.elem = sizeof(struct bookmark);
	p->top_first = p->top_last = -1;
	p->cur = -1;
	p->spill = -1;
	*out = p;
	return 0;
}

void mq_pdf_free(struct mq_pdf *p)
{
	if (!p)
		return;
	for (int k = 0; k < p->nfaces; k++) {
		free(p->faces[k].used);
		free(p->faces[k].codes);
	}
	for (int r = 0; r < MQ_FONT_ROLES; r++)
		for (int i = 0; i < PICK_PAGES; i++)
			free(p->roles[r].picked[i]);
	table_free(&p->pages);
	table_free(&p->segs);
	table_free(&p->marks);
	mq_arena_free(p->titles);
	free(p->ops);
	free(p->zbuf);
	free(p->sbuf);
	libdeflate_free_compressor(p->zseal);
	libdeflate_free_compressor(p->zbest);
	if (p->spill >= 0)
		close(p->spill);
	free(p);
}

static void programs_free(void);

void mq_pdf_cache_free(void)
{
	mq_faces_free();
	programs_free();
	mq_buf_free(&icc_z);
	icc_len = 0;
}

/* ---- fonts ---- */

static int doc_face(struct mq_pdf *p, struct mq_face *face)
{
	for (int k = 0; k < p->nfaces; k++)
		if (p->faces[k].face == face)
			return k;
	if (p->nfaces == MAX_DOC_FACES)
		return MQ_ERR_LIMIT;
	struct doc_face *d = &p->faces[p->nfaces];
	if (!(d->used = calloc(65536 / 8, 1)))
		return MQ_ERR_NOMEM;
	d->face = face;
	return p->nfaces++;
}

int mq_pdf_font(struct mq_pdf *p, int role, const struct mq_font_spec *spec, struct mq_error *err)
{
	struct role *r = &p->roles[role];
	if (r->loaded)
		return 0;
	r->n = 0;
	for (int i = 0; i < spec->n && i < MQ_FONT_CHAIN; i++) {
		const struct mq_font_face_spec *fs = &spec->chain[i];
		struct mq_face *face;
		int rc = mq_face_get(fs->file, fs->face, &face, err);
		if (rc)
			return rc;
		int k = doc_face(p, face);
		if (k == MQ_ERR_NOMEM)
			return mq_fail_nomem(err, fs->file, 0);
		if (k < 0)
			return mq_fail(err, k, fs->file, 0, "字体过多 / too many fonts in one document");
		r->face[r->n++] = k;
	}
	r->loaded = 1;
	return 0;
}

/* pick's answer from a remembered entry */
static inline int picked(uint64_t e, uint16_t *code, int *width)
{
	unsigned k = (unsigned)(e >> 32) & 0xFF;
	*code = (uint16_t)(e >> 16);
	*width = (int16_t)(uint16_t)e;
	return k == PICK_NONE ? -1 : (int)k;
}

static int pick_slow(struct mq_pdf *p, int role, uint32_t cp, uint16_t *code, int *width);

/* The document face of role's chain that draws cp, with its code and
 * width; -1 when none does. The remembered answer inline (it is asked
 * for every character several times), the rest out of line. */
static inline int pick(struct mq_pdf *p, int role, uint32_t cp, uint16_t *code, int *width)
{
	const struct role *r = &p->roles[role];
	if (cp < PICK_PAGES * 256 && r->picked[cp >> 8]) {
		uint64_t e = r->picked[cp >> 8][cp & 255];
		if (e)
			return picked(e, code, width);
	}
	return pick_slow(p, role, cp, code, width);
}

static int pick_slow(struct mq_pdf *p, int role, uint32_t cp, uint16_t *code, int *width)
{
	struct role *r = &p->roles[role];
	uint64_t *pg = NULL;
	if (cp < PICK_PAGES * 256 && r->loaded) {
		uint64_t **slot = &r->picked[cp >> 8];
		if (!*slot)
			*slot = calloc(256, sizeof **slot);   /* none: looked up each time */
		pg = *slot;
		uint64_t e = pg ? pg[cp & 255] : 0;
		if (e)
			return picked(e, code, width);
	}
	int k = -1;
	for (int i = 0; i < r->n && k < 0; i++)
		if (mq_face_glyph(p->faces[r->face[i]].face, cp, code, width))
			k = r->face[i];
	if (k < 0)
		*code = 0, *width = 0;
	if (pg)
		pg[cp & 255] = PICKED | (uint64_t)(k < 0 ? PICK_NONE : (unsigned)k) << 32 |
			       (uint64_t)*code << 16 | (uint16_t)*width;
	return k;
}

double mq_pdf_width(struct mq_pdf *p, int role, uint32_t cp)
{
	uint16_t code;
	int w;
	return pick(p, role, cp, &code, &w) >= 0 ? w / 1000.0 : 1.0;
}

/* 1 when role's fonts draw cp (never a control character or a surrogate) */
static inline int drawable(struct mq_pdf *p, int role, uint32_t cp)
{
	uint16_t code;
	int w;
	return cp >= 0x20 && !(cp >= 0xD800 && cp <= 0xDFFF) && pick(p, role, cp, &code, &w) >= 0;
}

int mq_pdf_has_glyph(struct mq_pdf *p, int role, uint32_t cp) { return drawable(p, role, cp); }

size_t mq_pdf_drawable(struct mq_pdf *p, int role, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		int n = mq_utf8_next(s + i, len - i, &cp);
		if (!drawable(p, role, cp))
			break;
		i += (size_t)n;
	}
	return i;
}

/* Marks code of face k drawn; the first time, keeps its character. */
static void mark_drawn(struct mq_pdf *p, int k, uint16_t code, int width, uint32_t cp)
{
	struct doc_face *d = &p->faces[k];
	if (d->used[code >> 3] >> (code & 7) & 1)
		return;
	if (mq_grow((void **)&d->codes, &d->acodes, d->ncodes + 1, sizeof *d->codes)) {
		p->failed = MQ_ERR_NOMEM;
		return;
	}
	d->used[code >> 3] |= (uint8_t)(1u << (code & 7));
	d->codes[d->ncodes++] = (struct drawn){code, (int16_t)width, cp};
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
 * printf("%.*f") gives, shorter and without its cost. Every caller gives
 * dec as a constant: inlined, the divisions by the scale are by constants
 * (a division by a variable was most of its time). */
static inline __attribute__((always_inline)) char *put_num(char *o, double v, int dec)
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
	if (p->spill < 0)
		return MQ_ERR_IO;
	unlink(path);
	return 0;
}

static int spill_flush(struct mq_pdf *p)
{
	if (p->sn && pwrite(p->spill, p->sbuf, p->sn, p->spill_end - (off_t)p->sn) != (ssize_t)p->sn)
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
		if (pwrite(p->spill, data, n, p->spill_end) != (ssize_t)n)
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
	/* one compressor for all segments: a new one per segment would cost
	 * its tables' allocation each time */
	if (p->nops >= STORED || (!p->zseal && !(p->zseal = libdeflate_alloc_compressor(SEAL_LEVEL))))
		return p->failed = MQ_ERR_NOMEM;
	size_t bound = libdeflate_zlib_compress_bound(p->zseal, p->nops);
	if (mq_grow((void **)&p->zbuf, &p->zalloc, bound, 1))
		return p->failed = MQ_ERR_NOMEM;
	size_t zn = libdeflate_zlib_compress(p->zseal, p->ops, p->nops, p->zbuf, bound);
	if (!zn)
		return p->failed = MQ_ERR_NOMEM;
	/* a footer alone may not shrink: kept as it is */
	size_t n = zn < p->nops ? zn : p->nops;
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

static char *put_font(struct mq_pdf *p, char *o, int k, double size)
{
	o = put_str(o, "/F");
	o = put_uint(o, (unsigned)k + 1);
	*o++ = ' ';
	o = put_str(put_num(o, size, 3), " Tf\n");
	p->gs.font = k;
	p->gs.size = size;
	return o;
}

void mq_pdf_text(struct mq_pdf *p, int role, double size, const uint8_t rgb[3],
		 double x, double y, const char *s, size_t len, double char_space)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!len)
		return;
	/* per input byte at most a font switch and 4 hex digits */
	char *o = reserve(p, 32 * len + 160);
	if (!o)
		return;
	if (!p->in_text) {
		o = put_str(o, "BT\n");
		p->in_text = 1;
	}
	o = set_fill(p, o, rgb);
	if (p->gs.char_space != char_space) {
		o = put_str(put_num(o, char_space, 4), " Tc\n");
		p->gs.char_space = char_space;
	}
	o = put_str(o, "1 0 0 1 ");
	o = put_num(o, x, 2);
	*o++ = ' ';
	o = put_str(put_num(o, y, 2), " Tm\n");
	int open = 0;
	uint32_t faces = 0;
	for (size_t i = 0; i < len; ) {
		uint32_t cp;
		uint16_t code;
		int w, n = mq_utf8_decode(s + i, len - i, &cp);
		i += n ? (size_t)n : 1;
		int k = n ? pick(p, role, cp, &code, &w) : -1;
		if (k < 0)
			continue;   /* the renderer draws no such character */
		if (k != p->gs.font || p->gs.size != size) {
			if (open)
				o = put_str(o, "> Tj\n");
			o = put_font(p, o, k, size);
			open = 0;
		}
		if (!open) {
			*o++ = '<';
			open = 1;
		}
		faces |= 1u << k;
		mark_drawn(p, k, code, w, cp);
		for (int sh = 12; sh >= 0; sh -= 4)
			*o++ = hex[(code >> sh) & 0xF];
	}
	if (open)
		o = put_str(o, "> Tj\n");
	p->nops = (size_t)(o - p->ops);
	((struct page *)table_at(&p->pages, (size_t)p->cur))->fonts |= faces;
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

/* A number of a line's ends, formatted (a grid formats each once) */
struct num {
	char s[24];
	size_t n;
};

static void num_set(struct num *v, double x) { v->n = (size_t)(put_num(v->s, x, 2) - v->s); }

/* "x1 y1 m x2 y2 l S", as mq_pdf_line writes it */
static char *put_segment(char *o, const struct num *x1, const struct num *y1, const struct num *x2,
			 const struct num *y2)
{
	const struct num *v[4] = {x1, y1, x2, y2};
	static const char *const op[4] = {" ", " m ", " ", " l S\n"};
	for (int i = 0; i < 4; i++) {
		memcpy(o, v[i]->s, v[i]->n);
		o = put_str(o + v[i]->n, op[i]);
	}
	return o;
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
	struct num v[4];
	const double d[4] = {x1, y1, x2, y2};
	for (int i = 0; i < 4; i++)
		num_set(&v[i], d[i]);
	o = put_segment(o, &v[0], &v[1], &v[2], &v[3]);
	p->nops = (size_t)(o - p->ops);
}

/* Each number formatted once: a page of a ledger has some 30 rows and 13
 * edges, and formatting was most of the cost of its rules. */
void mq_pdf_grid(struct mq_pdf *p, const double *x, int nx, const double *y, size_t ny, double width)
{
	if (nx < 2 || nx > MQ_PDF_MAX_EDGES || ny < 2)
		return;
	struct num xs[MQ_PDF_MAX_EDGES], top, bottom, yk;
	for (int i = 0; i < nx; i++)
		num_set(&xs[i], x[i]);
	num_set(&top, y[0]);
	num_set(&bottom, y[ny - 1]);
	char *o = reserve_graphics(p, 32 + (ny + (size_t)nx) * (4 * sizeof yk.s + 12));
	if (!o)
		return;
	if (p->gs.line_width != width) {
		o = put_str(put_num(o, width, 3), " w\n");
		p->gs.line_width = width;
	}
	for (size_t k = 0; k < ny; k++) {   /* the rows' edges across */
		const struct num *v = k == 0 ? &top : k == ny - 1 ? &bottom : &yk;
		if (v == &yk)
			num_set(&yk, y[k]);
		o = put_segment(o, &xs[0], v, &xs[nx - 1], v);
	}
	for (int i = 0; i < nx; i++)        /* the columns' edges down */
		o = put_segment(o, &xs[i], &top, &xs[i], &bottom);
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
	uint64_t h[2];        /* hash of every byte written: the trailer /ID */
	char xbuf[20 * XREF_LINES + 1];
};

/* Object numbers of what this module writes itself. */
struct numbers {
	uint32_t catalog, root, info, meta, icc, size;
	uint32_t font[MAX_DOC_FACES];         /* Type0 font of a document face, 0 = not drawn */
	uint32_t page0, seg0;
	uint32_t outlines;                    /* bookmark root, 0 = no bookmarks */
	int top;                              /* level of the root; pages are level 0 */
	uint32_t count[MAX_LEVELS + 1];       /* nodes per level */
	uint32_t first[MAX_LEVELS + 1];       /* number of a level's first node */
};

static void put(struct writer *w, const void *data, size_t n)
{
	/* two FNV-1a hashes with different seeds make the 16-byte /ID */
	const unsigned char *b = data;
	uint64_t h0 = w->h[0], h1 = w->h[1];
	for (size_t i = 0; i < n; i++) {
		h0 = (h0 ^ b[i]) * 0x100000001B3ULL;
		h1 = (h1 ^ b[i]) * 0x100000001B3ULL;
	}
	w->h[0] = h0;
	w->h[1] = h1;
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
	if (n && pwrite(w->spill, w->xbuf, n, w->xbase + 20 * (off_t)w->xfirst) != (ssize_t)n && !w->err) {
		w->err = MQ_ERR_IO;
		w->io_errno = errno;
	}
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
	n->root = next++;
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
	char buf[256 + 24 * MAX_DOC_FACES], *o = buf;
	begin_obj(w, n->page0 + i);
	o = put_str(o, "<< /Type /Page /Parent ");
	o = put_str(put_uint(o, node_num(n, 1, i / FANOUT)), " 0 R /MediaBox [0 0 ");
	o = put_num(o, pg->w, 3);
	*o++ = ' ';
	o = put_str(put_num(o, pg->h, 3), "] /Resources << /Font <<");
	for (int k = 0; k < p->nfaces; k++)
		if (pg->fonts >> k & 1) {
			o = put_str(o, " /F");
			o = put_uint(o, (unsigned)k + 1);
			*o++ = ' ';
			o = put_str(put_uint(o, n->font[k]), " 0 R");
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

/* /key and s as a UTF-16BE hex string with its byte-order mark. */
static void put_text(struct writer *w, const char *key, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char buf[256];
	size_t n = 0, len = strlen(s);
	putf(w, "/%s <FEFF", key);
	for (size_t i = 0; i < len; ) {
		uint32_t cp, u[2];
		int nu = 1;
		i += (size_t)mq_utf8_next(s + i, len - i, &cp);
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
		put_text(w, "Title", b->title);
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
	putf(w, "trailer\n<< /Size %u /Root %u 0 R /Info %u 0 R", n->size, n->catalog, n->info);
	uint64_t h0 = w->h[0], h1 = w->h[1];
	putf(w, " /ID [<%016llX%016llX> <%016llX%016llX>] >>\nstartxref\n%llu\n%%%%EOF\n",
	     (unsigned long long)h0, (unsigned long long)h1, (unsigned long long)h0,
	     (unsigned long long)h1, (unsigned long long)at);
}
/* A stream object of len bytes of data, deflated already or not, with
 * extra dictionary entries. */
static void put_stream_as_is(struct writer *w, uint32_t num, const char *extra,
			     const void *data, size_t len, int deflated)
{
	begin_obj(w, num);
	putf(w, "<< /Length %zu%s%s >>\nstream\n", len, deflated ? " /Filter /FlateDecode" : "", extra);
	put(w, data, len);
	put(w, "\nendstream", 10);
	end_obj(w);
}

/* Deflates len bytes of data into p->zbuf; the deflated length, 0 on
 * failure. */
static size_t deflate_best(struct mq_pdf *p, const void *data, size_t len)
{
	if (!p->zbest && !(p->zbest = libdeflate_alloc_compressor(BEST_LEVEL)))
		return 0;
	size_t bound = libdeflate_zlib_compress_bound(p->zbest, len);
	if (mq_grow((void **)&p->zbuf, &p->zalloc, bound, 1))
		return 0;
	return libdeflate_zlib_compress(p->zbest, data, len, p->zbuf, bound);
}

/* A stream object: data deflated (deflate != 0) or as it is, with extra
 * dictionary entries. */
static void put_stream(struct mq_pdf *p, struct writer *w, uint32_t num, const char *extra,
		       const void *data, size_t len, int deflate)
{
	if (!deflate) {
		put_stream_as_is(w, num, extra, data, len, 0);
		return;
	}
	size_t zn = deflate_best(p, data, len);
	if (!zn) {
		w->err = MQ_ERR_NOMEM;
		return;
	}
	put_stream_as_is(w, num, extra, p->zbuf, zn, 1);
}

/* ---- font programs made once per process for a set of codes ----
 * A subset (hb-subset from the face's working face, fonts.c, then
 * deflated) costs a few milliseconds, and many documents draw
 * exactly the same codes of a face (the
 * headings' face: a handful of sets over a whole county-year). The
 * program depends only on the face and the codes, so a document gets the
 * same bytes from the cache as it would have made itself. A few entries,
 * the least recently used one replaced: memory stays flat. */
#define PROGRAMS 16

struct program {
	const struct mq_face *face;
	uint64_t hash;
	uint16_t *codes;        /* sorted, ncodes */
	size_t ncodes;
	size_t raw_len;         /* the subset's length (Length1) */
	unsigned char *z;       /* deflated */
	size_t zlen;
	unsigned long used;     /* clock of the last use, 0 = empty */
};

static struct program programs[PROGRAMS];
static unsigned long program_clock;

static void programs_free(void)
{
	for (int i = 0; i < PROGRAMS; i++) {
		free(programs[i].codes);
		free(programs[i].z);
	}
	memset(programs, 0, sizeof programs);
	program_clock = 0;
}

static struct program *program_find(const struct mq_face *face, uint64_t hash, const uint16_t *codes,
				    size_t n)
{
	for (int i = 0; i < PROGRAMS; i++) {
		struct program *g = &programs[i];
		if (g->used && g->face == face && g->hash == hash && g->ncodes == n &&
		    memcmp(g->codes, codes, n * sizeof *codes) == 0) {
			g->used = ++program_clock;
			return g;
		}
	}
	return NULL;
}

/* Makes the program of codes (subset and deflated) and keeps it in the
 * slot used least recently. NULL and *rc on failure. */
static struct program *program_make(struct mq_pdf *p, struct mq_face *face, uint64_t hash,
				    const uint16_t *codes, size_t n, int *rc)
{
	struct mq_buf buf = MQ_BUF_INIT;
	*rc = mq_face_subset(face, codes, n, &buf);
	size_t zn = *rc ? 0 : deflate_best(p, buf.data, buf.len);
	if (!*rc && !zn)
		*rc = MQ_ERR_NOMEM;
	struct program *g = &programs[0];
	for (int i = 1; i < PROGRAMS; i++)
		if (programs[i].used < g->used)
			g = &programs[i];
	uint16_t *c = *rc ? NULL : malloc(n * sizeof *c + 1);
	unsigned char *z = c ? malloc(zn) : NULL;
	if (!*rc && !z) {
		free(c);
		*rc = MQ_ERR_NOMEM;
	}
	if (*rc) {
		mq_buf_free(&buf);
		return NULL;
	}
	free(g->codes);
	free(g->z);
	memcpy(c, codes, n * sizeof *c);
	memcpy(z, p->zbuf, zn);
	*g = (struct program){face, hash, c, n, buf.len, z, zn, ++program_clock};
	mq_buf_free(&buf);
	return g;
}

static int by_code(const void *a, const void *b)
{
	const struct drawn *x = a, *y = b;
	return (x->code > y->code) - (x->code < y->code);
}

/* ToUnicode: one bfchar line per code drawn, in blocks of 100. */
static int tounicode(const struct doc_face *d, struct mq_buf *b)
{
	int rc = mq_buf_adds(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
			     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
			     "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
			     "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (size_t i = 0; i < d->ncodes && !rc; i += 100) {
		size_t m = d->ncodes - i < 100 ? d->ncodes - i : 100;
		rc = mq_buf_printf(b, "%zu beginbfchar\n", m);
		for (size_t j = i; j < i + m && !rc; j++) {
			uint32_t cp = d->codes[j].cp;
			if (cp > 0xFFFF)
				rc = mq_buf_printf(b, "<%04X> <%04X%04X>\n", d->codes[j].code,
						   0xD800 | (cp - 0x10000) >> 10, 0xDC00 | (cp & 0x3FF));
			else
				rc = mq_buf_printf(b, "<%04X> <%04X>\n", d->codes[j].code, cp);
		}
		if (!rc)
			rc = mq_buf_adds(b, "endbfchar\n");
	}
	if (!rc)
		rc = mq_buf_adds(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	return rc;
}

/* Type0 font, CIDFont, descriptor, program and ToUnicode of face k at
 * numbers n->font[k] .. + 4. The subset tag comes from the codes drawn. */
static void write_font(struct mq_pdf *p, struct writer *w, const struct numbers *n, int k)
{
	struct doc_face *d = &p->faces[k];
	const struct mq_face_info *in = mq_face_info(d->face);
	uint32_t b = n->font[k];
	struct mq_buf buf = MQ_BUF_INIT;
	qsort(d->codes, d->ncodes, sizeof *d->codes, by_code);
	uint64_t h = 0xCBF29CE484222325ULL;
	uint16_t *codes = malloc(d->ncodes * sizeof *codes + 1);
	if (!codes) {
		w->err = MQ_ERR_NOMEM;
		return;
	}
	for (size_t i = 0; i < d->ncodes; i++) {
		codes[i] = d->codes[i].code;
		h = (h ^ codes[i]) * 0x100000001B3ULL;
	}
	char name[80];
	uint64_t tag = h;
	for (int i = 0; i < 6; i++, tag /= 26)
		name[i] = (char)('A' + tag % 26);
	snprintf(name + 6, sizeof name - 6, "+%s", in->psname);
	int rc = 0;
	const struct program *prog = program_find(d->face, h, codes, d->ncodes);
	if (!prog)
		prog = program_make(p, d->face, h, codes, d->ncodes, &rc);
	free(codes);
	if (!prog) {
		w->err = rc == MQ_ERR_NOMEM ? rc : MQ_ERR_FORMAT;
		return;
	}
	begin_obj(w, b);
	putf(w, "<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H "
	     "/DescendantFonts [%u 0 R] /ToUnicode %u 0 R >>", name, b + 1, b + 4);
	end_obj(w);
	begin_obj(w, b + 1);
	putf(w, "<< /Type /Font /Subtype /%s /BaseFont /%s\n/CIDSystemInfo << /Registry (Adobe) "
	     "/Ordering (Identity) /Supplement 0 >> /FontDescriptor %u 0 R%s\n/W [",
	     in->cff ? "CIDFontType0" : "CIDFontType2", name, b + 2, in->cff ? "" : " /CIDToGIDMap /Identity");
	for (size_t i = 0; i < d->ncodes; i++) {
		int run = i == 0 || d->codes[i].code != d->codes[i - 1].code + 1;
		if (run)
			putf(w, "%s%u [", i ? "]\n" : "", d->codes[i].code);
		putf(w, run ? "%d" : " %d", d->codes[i].width);
	}
	put(w, d->ncodes ? "]] >>" : "] >>", d->ncodes ? 5 : 4);
	end_obj(w);
	begin_obj(w, b + 2);
	putf(w, "<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [%d %d %d %d] "
	     "/ItalicAngle %d /Ascent %d /Descent %d /CapHeight %d /StemV 80 /%s %u 0 R >>",
	     name, in->bbox[0], in->bbox[1], in->bbox[2], in->bbox[3], in->italic_angle, in->ascent,
	     in->descent, in->cap_height, in->cff ? "FontFile3" : "FontFile2", b + 3);
	end_obj(w);
	char extra[64];
	if (in->cff)
		snprintf(extra, sizeof extra, " /Subtype /CIDFontType0C");
	else
		snprintf(extra, sizeof extra, " /Length1 %zu", prog->raw_len);
	put_stream_as_is(w, b + 3, extra, prog->z, prog->zlen, 1);
	if (tounicode(d, &buf))
		w->err = MQ_ERR_NOMEM;
	else
		put_stream(p, w, b + 4, "", buf.data, buf.len, 1);
	mq_buf_free(&buf);
}

/* XML text: &, <, > escaped; the rest as it is (UTF-8). */
static int xml_text(struct mq_buf *b, const char *s)
{
	int rc = 0;
	for (; *s && !rc; s++)
		rc = *s == '&' ? mq_buf_adds(b, "&amp;") : *s == '<' ? mq_buf_adds(b, "&lt;")
			: *s == '>' ? mq_buf_adds(b, "&gt;") : mq_buf_addc(b, *s);
	return rc;
}

static const char *const creator = "minqing " MQ_VERSION;

/* The XMP packet: what the info dictionary says, the same way, and the
 * PDF/A-2b identification. */
static int xmp(const struct mq_pdf_info *info, struct mq_buf *b)
{
	static const char *const open[4] = {
		"<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">", "<dc:creator><rdf:Seq><rdf:li>",
		"<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">", "<pdf:Keywords>"};
	static const char *const close[4] = {
		"</rdf:li></rdf:Alt></dc:title>\n", "</rdf:li></rdf:Seq></dc:creator>\n",
		"</rdf:li></rdf:Alt></dc:description>\n", "</pdf:Keywords>\n"};
	const char *vals[4] = {info->title, info->author, info->subject, info->keywords};
	int rc = mq_buf_adds(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
			     "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
			     "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
			     "<rdf:Description rdf:about=\"\"\n"
			     " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
			     " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
			     " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
			     " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
			     "<dc:format>application/pdf</dc:format>\n");
	for (int i = 0; i < 4 && !rc; i++)
		if (vals[i] && *vals[i])
			rc = mq_buf_adds(b, open[i]) || xml_text(b, vals[i]) || mq_buf_adds(b, close[i]);
	if (!rc)
		rc = mq_buf_printf(b, "<xmp:CreatorTool>%s</xmp:CreatorTool>\n<pdf:Producer>%s</pdf:Producer>\n",
				   creator, creator);
	if (!rc && info->has_date) {
		char d[32];
		snprintf(d, sizeof d, "%04d-%02d-%02dT%02d:%02d:%02dZ", info->year, info->month, info->day,
			 info->hour, info->minute, info->second);
		rc = mq_buf_printf(b, "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n", d, d);
	}
	if (!rc)
		rc = mq_buf_adds(b, "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"
				 "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
	return rc;
}

static void write_info(struct mq_pdf *p, struct writer *w, const struct numbers *n,
		       const struct mq_pdf_info *info)
{
	static const char *const keys[4] = {"Title", "Author", "Subject", "Keywords"};
	const char *vals[4] = {info->title, info->author, info->subject, info->keywords};
	begin_obj(w, n->info);
	put(w, "<<", 2);
	for (int i = 0; i < 4; i++)
		if (vals[i] && *vals[i]) {
			put(w, " ", 1);
			put_text(w, keys[i], vals[i]);
			put(w, "\n", 1);
		}
	putf(w, " /Creator (%s) /Producer (%s)", creator, creator);
	if (info->has_date) {
		char d[24];
		snprintf(d, sizeof d, "D:%04d%02d%02d%02d%02d%02dZ", info->year, info->month, info->day,
			 info->hour, info->minute, info->second);
		putf(w, " /CreationDate (%s) /ModDate (%s)", d, d);
	}
	put(w, " >>", 3);
	end_obj(w);
	struct mq_buf b = MQ_BUF_INIT;
	if (xmp(info, &b))
		w->err = MQ_ERR_NOMEM;
	else
		put_stream(p, w, n->meta, " /Type /Metadata /Subtype /XML", b.data, b.len, 0);
	mq_buf_free(&b);
}

static int write_pdf(struct mq_pdf *p, struct writer *w, const struct mq_pdf_info *info)
{
	struct numbers n = {.catalog = 1, .info = 2, .meta = 3, .icc = 4};
	uint32_t next = 5;
	for (int k = 0; k < p->nfaces; k++)
		if (p->faces[k].ncodes) {
			n.font[k] = next;
			next += 5;
		}
	number_objects(p, next, &n);
	put(w, "%PDF-1.7\n%\267\276\255\252\n", 15);
	write_info(p, w, &n, info);
	begin_obj(w, n.icc);
	putf(w, "<< /N 3 /Length %zu /Filter /FlateDecode >>\nstream\n", icc_z.len);
	put(w, icc_z.data, icc_z.len);
	put(w, "\nendstream", 10);
	end_obj(w);
	for (int k = 0; k < p->nfaces && !w->err; k++)
		if (n.font[k])
			write_font(p, w, &n, k);
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
	putf(w, "<< /Type /Catalog /Pages %u 0 R /Metadata %u 0 R /Lang (zh-CN)\n"
	     "/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier "
	     "(sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /DestOutputProfile %u 0 R >>]",
	     n.root, n.meta, n.icc);
	if (n.outlines)
		putf(w, " /Outlines %u 0 R /PageMode /UseOutlines", n.outlines);
	put(w, " >>", 3);
	end_obj(w);
	write_node(w, &n, n.top, 0);
	write_xref(p, w, &n);
	return w->err;
}

/* Reads and deflates the sRGB profile once per process. */
static int load_icc(const char *path, struct mq_error *err)
{
	if (icc_z.len)
		return 0;
	FILE *fp = fopen(ICC_PATH, "rb");
	unsigned char raw[1 << 16];
	size_t n = fp ? fread(raw, 1, sizeof raw, fp) : 0;
	int bad = !fp || ferror(fp) || n < 128 || n == sizeof raw;
	if (fp)
		fclose(fp);
	if (bad)
		return mq_fail(err, MQ_ERR_IO, path, 0,
			       "无法读取 sRGB 色彩配置文件 %s，请安装 Debian 软件包 %s / cannot read the sRGB "
			       "profile %s: install the Debian package %s", ICC_PATH, ICC_PACKAGE, ICC_PATH, ICC_PACKAGE);
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(BEST_LEVEL);
	size_t zn = 0, bound = c ? libdeflate_zlib_compress_bound(c, n) : 0;
	if (c && !mq_buf_reserve(&icc_z, bound))
		zn = libdeflate_zlib_compress(c, raw, n, icc_z.data, bound);
	libdeflate_free_compressor(c);
	if (!zn) {
		mq_buf_free(&icc_z);
		return mq_fail_nomem(err, path, 0);
	}
	icc_z.len = zn;
	icc_len = n;
	return 0;
}

static int drawing_fail(int code, const char *path, struct mq_error *err)
{
	if (code == MQ_ERR_NOMEM)
		return mq_fail_nomem(err, path, 0);
	if (code == MQ_ERR_USAGE)
		return mq_fail(err, code, path, 0, "在新建页面之前绘制 / drawing before any page");
	return mq_fail(err, MQ_ERR_IO, path, 0, "无法写入临时文件 / cannot write the temporary file");
}
int mq_pdf_save(struct mq_pdf *p, const char *path, const struct mq_pdf_info *info,
		struct mq_error *err)
{
	struct mq_out out;
	if (seal(p) || p->failed)
		return drawing_fail(p->failed, path, err);
	int rc = load_icc(path, err);
	if (rc)
		return rc;
	if (!p->sbuf && !(p->sbuf = malloc(SPILL_BUF)))
		return drawing_fail(MQ_ERR_NOMEM, path, err);
	if ((p->spill < 0 && open_spill(p)) || spill_flush(p))
		return drawing_fail(MQ_ERR_IO, path, err);
	p->wstart = p->spill_end;   /* the window is empty */
	rc = mq_out_open(&out, path, err);
	if (rc)
		return rc;
	struct writer *w = calloc(1, sizeof *w);
	if (!w) {
		mq_out_abort(&out);
		return mq_fail_nomem(err, path, 0);
	}
	setvbuf(out.fp, NULL, _IOFBF, 1 << 16);
	w->fp = out.fp;
	w->spill = p->spill;
	w->xbase = p->spill_end;
	w->h[0] = 0xCBF29CE484222325ULL;
	w->h[1] = 0x84222325CBF29CE4ULL;
	rc = write_pdf(p, w, info);
	int io_errno = w->io_errno;
	free(w);
	if (rc) {
		mq_out_abort(&out);
		if (rc == MQ_ERR_NOMEM)
			return mq_fail_nomem(err, path, 0);
		if (rc == MQ_ERR_FORMAT)
			return mq_fail(err, rc, path, 0, "无法生成字体子集 / hb-subset cannot subset a font");
		return io_errno ? mq_fail(err, MQ_ERR_IO, path, 0, "写入文件失败 / writing failed: %s", mq_errno_text(io_errno))
				: mq_fail(err, MQ_ERR_IO, path, 0, "写入文件失败 / writing failed");
	}
	return mq_out_commit(&out, err);
}
