/* pdf.c — the one module that talks to libharu: fonts (UTF-8, embedded
 * TrueType subsets), pages, text and rules, bookmarks, document info, and
 * the font fix-ups libharu 2.3.0 needs before saving:
 *  - its ToUnicode stream holds a code-to-CID "begincidrange" map (poppler
 *    warns, PDF/A refuses it): replaced by a bfrange ToUnicode CMap;
 *  - its W array and CIDToGIDMap cover the whole font (~180 KB per font):
 *    rebuilt for the code points actually drawn.
 * With the UTF-8 encoder a content-stream code is the UTF-16 value of a BMP
 * character and CID = code (Identity-H); CIDToGIDMap maps CID to glyph.
 * A finished page's content is deflated into an unlinked temporary file
 * (in $TMPDIR, else /tmp) and read back one stream at a time on save. */
#include "layout_internal.h"

#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#define MQ_PDF_MAX_PAGES 100000

/* Per-process metrics of one font face, shared by every document that
 * uses it: libharu looks a glyph up with a linear search of the cmap, so
 * each code point is asked once per process, not once per document. */
struct face_cache {
	char *file;
	int face;
	int16_t width[65536];  /* 1000-unit advance, -1 = not yet asked */
	uint16_t gid[65536];   /* glyph id, valid when width >= 0 */
};

#define MQ_PDF_MAX_FACES 8
static struct face_cache *faces[MQ_PDF_MAX_FACES];

struct font_slot {
	HPDF_Font font;
	HPDF_FontDef def;
	struct face_cache *cache;
	uint8_t *used;        /* bitmap of BMP code points drawn */
};

/* Where a sealed content stream went in the spill file; kept in the
 * stream dict's unused attr pointer, so blocks never move. Drawing on a
 * page again (header and footer) appends a segment to the same stream. */
struct spill_rec {
	struct mq_pdf *p;
	off_t off;
	size_t len;
	struct spill_rec *next;   /* later segment of the same stream, or NULL */
};
#define SPILL_BLOCK 1024

struct mq_pdf {
	HPDF_Doc doc;
	HPDF_Encoder utf8;
	HPDF_STATUS status;   /* first libharu error, 0 when none */
	HPDF_STATUS detail;
	struct font_slot fonts[MQ_FONT_ROLES];
	HPDF_Page *pages;
	int npages, apages, cur;
	int in_text;
	int sealed;           /* the current page's current stream is compressed */
	unsigned char *raw, *zbuf;   /* scratch for sealing and unsealing */
	size_t ralloc, zalloc;
	int spill;            /* unlinked temporary file of sealed streams, -1 = none yet */
	off_t spill_end;
	struct spill_rec **recs;     /* blocks of SPILL_BLOCK */
	size_t nrecs;
	HPDF_Array procset;   /* one ProcSet array shared by every page */
	HPDF_Outline *outlines;
	int noutlines, aoutlines;
	char *tmp;            /* NUL-terminated copy of a string to draw */
	size_t tmp_alloc;
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

int mq_pdf_new(struct mq_pdf **out, struct mq_error *err)
{
	struct mq_pdf *p = calloc(1, sizeof *p);
	*out = NULL;
	if (!p)
		return mq_fail(err, MQ_ERR_NOMEM, "", 0, "内存不足 / out of memory");
	p->doc = HPDF_New(on_error, p);
	if (!p->doc) {
		free(p);
		return mq_fail(err, MQ_ERR_NOMEM, "", 0, "内存不足 / out of memory");
	}
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(p->doc);
	HPDF_SetCurrentEncoder(p->doc, "UTF-8");
	p->utf8 = HPDF_GetEncoder(p->doc, "UTF-8");
	p->cur = -1;
	p->spill = -1;
	if (p->status || !p->utf8) {
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
	free(p->pages);
	free(p->outlines);
	free(p->tmp);
	free(p->zbuf);
	free(p->raw);
	if (p->spill >= 0)
		close(p->spill);
	for (size_t i = 0; i < (p->nrecs + SPILL_BLOCK - 1) / SPILL_BLOCK; i++)
		free(p->recs[i]);
	free(p->recs);
	free(p);
}

void mq_pdf_cache_free(void)
{
	for (int i = 0; i < MQ_PDF_MAX_FACES; i++) {
		if (faces[i])
			free(faces[i]->file);
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
	const char *name = HPDF_LoadTTFontFromFile2(p->doc, spec->file, (HPDF_UINT)spec->face, HPDF_TRUE);
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

static void end_text(struct mq_pdf *p)
{
	if (p->in_text) {
		HPDF_Page_EndText(p->pages[p->cur]);
		p->in_text = 0;
	}
}

static int grow(unsigned char **buf, size_t *alloc, size_t n)
{
	if (n <= *alloc)
		return 0;
	unsigned char *b = realloc(*buf, n);
	if (!b)
		return MQ_ERR_NOMEM;
	*buf = b;
	*alloc = n;
	return 0;
}

/* libharu writes a stream's /Filter from its own flag and deflates at save
 * time, so a sealed stream is read back from the spill file and inflated
 * just before it is written, and dropped right after. */
static HPDF_STATUS inflate_segment(const struct spill_rec *rec, HPDF_Stream s)
{
	struct mq_pdf *p = rec->p;
	unsigned char out[16384];
	z_stream zs = {0};
	HPDF_STATUS rc = HPDF_OK;
	if (grow(&p->zbuf, &p->zalloc, rec->len ? rec->len : 1))
		return HPDF_FAILD_TO_ALLOC_MEM;
	if (pread(p->spill, p->zbuf, rec->len, rec->off) != (ssize_t)rec->len || inflateInit(&zs) != Z_OK)
		return HPDF_INVALID_STREAM;
	zs.next_in = p->zbuf;
	zs.avail_in = (uInt)rec->len;
	int zr = Z_OK;
	while (zr == Z_OK && rc == HPDF_OK) {
		zs.next_out = out;
		zs.avail_out = sizeof out;
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr == Z_OK || zr == Z_STREAM_END)
			rc = HPDF_Stream_Write(s, out, (HPDF_UINT)(sizeof out - zs.avail_out));
	}
	inflateEnd(&zs);
	return rc != HPDF_OK ? rc : zr == Z_STREAM_END ? HPDF_OK : HPDF_INVALID_STREAM;
}

/* libharu writes a stream's /Filter from its own flag and deflates at save
 * time, so a sealed stream is read back from the spill file and inflated
 * just before it is written, and dropped right after. */
static HPDF_STATUS unseal_before_write(HPDF_Dict dict)
{
	HPDF_STATUS rc = HPDF_OK;
	HPDF_MemStream_FreeData(dict->stream);
	for (const struct spill_rec *rec = dict->attr; rec && rc == HPDF_OK; rec = rec->next)
		rc = inflate_segment(rec, dict->stream);
	dict->before_write_fn = NULL;
	return rc;
}

static HPDF_STATUS drop_after_write(HPDF_Dict dict)
{
	HPDF_MemStream_FreeData(dict->stream);
	return HPDF_OK;
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

static struct spill_rec *new_rec(struct mq_pdf *p)
{
	size_t blk = p->nrecs / SPILL_BLOCK;
	if (p->nrecs % SPILL_BLOCK == 0) {
		struct spill_rec **nb = realloc(p->recs, (blk + 1) * sizeof *nb);
		if (!nb)
			return NULL;
		p->recs = nb;
		if (!(nb[blk] = malloc(SPILL_BLOCK * sizeof **nb)))
			return NULL;
	}
	return &p->recs[blk][p->nrecs++ % SPILL_BLOCK];
}

/* Deflates the current page's open content stream (fast level) into the
 * spill file and empties it, so a report of any length holds no page
 * content in memory until it is saved. */
static int seal(struct mq_pdf *p)
{
	if (p->cur < 0 || p->sealed)
		return 0;
	end_text(p);
	HPDF_PageAttr attr = (HPDF_PageAttr)p->pages[p->cur]->attr;
	HPDF_Stream s = attr->stream;
	HPDF_UINT n = s->size;
	p->sealed = 1;
	if (!n)
		return 0;
	uLongf zn = compressBound(n);
	if (grow(&p->raw, &p->ralloc, n) || grow(&p->zbuf, &p->zalloc, zn))
		return MQ_ERR_NOMEM;
	HPDF_UINT got = n;
	if (s->seek_fn(s, 0, HPDF_SEEK_SET) != HPDF_OK || HPDF_Stream_Read(s, p->raw, &got) != HPDF_OK ||
	    got != n || compress2(p->zbuf, &zn, p->raw, n, 1) != Z_OK)
		return MQ_ERR_IO;
	if (p->spill < 0 && open_spill(p))
		return MQ_ERR_IO;
	struct spill_rec *rec = new_rec(p);
	if (!rec)
		return MQ_ERR_NOMEM;
	*rec = (struct spill_rec){p, p->spill_end, zn, NULL};
	if (pwrite(p->spill, p->zbuf, zn, p->spill_end) != (ssize_t)zn)
		return MQ_ERR_IO;
	p->spill_end += (off_t)zn;
	HPDF_MemStream_FreeData(s);
	struct spill_rec **tail = (struct spill_rec **)&attr->contents->attr;
	while (*tail)
		tail = &(*tail)->next;
	*tail = rec;
	attr->contents->before_write_fn = unseal_before_write;
	attr->contents->after_write_fn = drop_after_write;
	return 0;
}

int mq_pdf_add_page(struct mq_pdf *p, double w, double h)
{
	if (p->npages >= MQ_PDF_MAX_PAGES)
		return MQ_ERR_LIMIT;
	if (p->npages == p->apages) {
		int na = p->apages ? p->apages * 2 : 64;
		HPDF_Page *np = realloc(p->pages, (size_t)na * sizeof *np);
		if (!np)
			return MQ_ERR_NOMEM;
		p->pages = np;
		p->apages = na;
	}
	int rc = seal(p);
	if (rc)
		return rc;
	HPDF_Page page = HPDF_AddPage(p->doc);
	if (!page)
		return MQ_ERR_IO;
	/* every page gets the same ProcSet: one shared object instead of
	 * five names per page */
	HPDF_Dict res = HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT);
	if (!res)
		return MQ_ERR_IO;
	if (!p->procset) {
		static const char *const names[] = {"PDF", "Text", "ImageB", "ImageC", "ImageI"};
		p->procset = HPDF_Array_New(p->doc->mmgr);
		if (!p->procset || HPDF_Xref_Add(p->doc->xref, p->procset) != HPDF_OK)
			return MQ_ERR_IO;
		for (size_t i = 0; i < sizeof names / sizeof *names; i++)
			if (HPDF_Array_AddName(p->procset, names[i]) != HPDF_OK)
				return MQ_ERR_IO;
	}
	if (HPDF_Dict_Add(res, "ProcSet", p->procset) != HPDF_OK)
		return MQ_ERR_IO;
	p->sealed = 0;
	HPDF_Page_SetWidth(page, (HPDF_REAL)w);
	HPDF_Page_SetHeight(page, (HPDF_REAL)h);
	p->pages[p->npages] = page;
	p->cur = p->npages;
	return p->npages++;
}

int mq_pdf_use_page(struct mq_pdf *p, int index)
{
	if (index < 0 || index >= p->npages)
		return MQ_ERR_USAGE;
	int rc = seal(p);
	if (rc)
		return rc;
	p->cur = index;
	/* the page's sealed stream is empty in memory: later drawing is
	 * sealed as a further segment of it (one content stream per page) */
	p->sealed = 0;
	return 0;
}

int mq_pdf_page_count(const struct mq_pdf *p) { return p->npages; }

void mq_pdf_text(struct mq_pdf *p, int role, double size, const uint8_t rgb[3],
		 double x, double y, const char *s, size_t len, double char_space)
{
	struct font_slot *f = &p->fonts[role];
	HPDF_Page page = p->pages[p->cur];
	if (!len)
		return;
	/* at most 4 hex digits per input byte, plus the operators */
	if (4 * len + 64 > p->tmp_alloc) {
		size_t na = 4 * len + 256;
		char *t = realloc(p->tmp, na);
		if (!t) {
			p->status = HPDF_FAILD_TO_ALLOC_MEM;
			return;
		}
		p->tmp = t;
		p->tmp_alloc = na;
	}
	/* Hex codes written directly: libharu's own show-text re-measures
	 * every character with a linear cmap search, the slowest part of a
	 * page; the glyphs are marked for the subset in fix_font. */
	char *o = p->tmp;
	int k = sprintf(o, "1 0 0 1 %.2f %.2f Tm <", x, y);
	o += k;
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
	memcpy(o, "> Tj\n", 5);
	o += 5;
	if (!p->in_text) {
		HPDF_Page_BeginText(page);
		p->in_text = 1;
	}
	if (HPDF_Page_GetCurrentFont(page) != f->font ||
	    HPDF_Page_GetCurrentFontSize(page) != (HPDF_REAL)size)
		HPDF_Page_SetFontAndSize(page, f->font, (HPDF_REAL)size);
	HPDF_RGBColor c = HPDF_Page_GetRGBFill(page);
	HPDF_REAL r = rgb[0] / 255.0f, g = rgb[1] / 255.0f, b = rgb[2] / 255.0f;
	if (c.r != r || c.g != g || c.b != b)
		HPDF_Page_SetRGBFill(page, r, g, b);
	if (HPDF_Page_GetCharSpace(page) != (HPDF_REAL)char_space)
		HPDF_Page_SetCharSpace(page, (HPDF_REAL)char_space);
	HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
	if (HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)p->tmp, (HPDF_UINT)(o - p->tmp)) != HPDF_OK && !p->status)
		p->status = HPDF_INVALID_STREAM;
}

void mq_pdf_rect(struct mq_pdf *p, double x, double y, double w, double h, const uint8_t fill[3])
{
	HPDF_Page page = p->pages[p->cur];
	end_text(p);
	HPDF_Page_SetRGBFill(page, fill[0] / 255.0f, fill[1] / 255.0f, fill[2] / 255.0f);
	HPDF_Page_Rectangle(page, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w, (HPDF_REAL)h);
	HPDF_Page_Fill(page);
}

void mq_pdf_line(struct mq_pdf *p, double x1, double y1, double x2, double y2, double width)
{
	HPDF_Page page = p->pages[p->cur];
	end_text(p);
	if (HPDF_Page_GetLineWidth(page) != (HPDF_REAL)width)
		HPDF_Page_SetLineWidth(page, (HPDF_REAL)width);
	HPDF_Page_MoveTo(page, (HPDF_REAL)x1, (HPDF_REAL)y1);
	HPDF_Page_LineTo(page, (HPDF_REAL)x2, (HPDF_REAL)y2);
	HPDF_Page_Stroke(page);
}

int mq_pdf_outline(struct mq_pdf *p, int parent, const char *title, int page, double y)
{
	if (page < 0 || page >= p->npages)
		return MQ_ERR_USAGE;
	if (p->noutlines == p->aoutlines) {
		int na = p->aoutlines ? p->aoutlines * 2 : 32;
		HPDF_Outline *no = realloc(p->outlines, (size_t)na * sizeof *no);
		if (!no)
			return MQ_ERR_NOMEM;
		p->outlines = no;
		p->aoutlines = na;
	}
	HPDF_Outline par = parent >= 0 && parent < p->noutlines ? p->outlines[parent] : NULL;
	HPDF_Outline o = HPDF_CreateOutline(p->doc, par, title, p->utf8);
	HPDF_Destination d = o ? HPDF_Page_CreateDestination(p->pages[page]) : NULL;
	if (!d)
		return MQ_ERR_IO;
	/* libharu cannot write a null zoom; 1 = 100 % */
	HPDF_Destination_SetXYZ(d, 0, (HPDF_REAL)y, 1);
	HPDF_Outline_SetDestination(o, d);
	HPDF_Outline_SetOpened(o, par ? HPDF_FALSE : HPDF_TRUE);
	p->outlines[p->noutlines] = o;
	return p->noutlines++;
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

int mq_pdf_save(struct mq_pdf *p, const char *path, const struct mq_pdf_info *info,
		struct mq_error *err)
{
	struct mq_out out;
	if (seal(p))
		return mq_fail(err, MQ_ERR_NOMEM, path, 0, "内存不足 / out of memory");
	if (p->status)
		return hpdf_fail(p, err, path, "drawing");
	for (int r = 0; r < MQ_FONT_ROLES; r++)
		if (p->fonts[r].font && fix_font(p, &p->fonts[r]))
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
	HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE);
	if (p->noutlines == 0)
		HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_NONE);
	if (p->status)
		return hpdf_fail(p, err, path, "document info");
	int rc = mq_out_open(&out, path, err);
	if (rc)
		return rc;
	/* libharu writes the temporary file itself; mq_out syncs and renames it */
	if (HPDF_SaveToFile(p->doc, out.tmp) != HPDF_OK) {
		mq_out_abort(&out);
		return hpdf_fail(p, err, path, "save");
	}
	return mq_out_commit(&out, err);
}
