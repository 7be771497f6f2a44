/* xlsx.c — the .xlsx workbook reader (README "Workbooks"), on minizip and
 * libxml2's push parser with SAX2 callbacks.
 *
 * The members are read through minizip from the input's descriptor (pread)
 * or from memory, never from a second open. workbook.xml, its relations and
 * styles.xml are small and read first; the shared-string table is kept (it
 * is the one thing that grows with the workbook) and read on a thread of
 * its own while each worksheet is streamed row by row on another, so
 * memory holds the strings and a few batches of rows. Every XML
 * member is inflated in chunks straight into the push parser (no tree, no
 * copy of the member) with the XML reader's safe options: a DOCTYPE ends
 * the member as damaged, so no entity is ever declared; no network;
 * libxml2's default depth and size limits. A cell costs no allocation: its
 * attributes are read in place, a shared string goes into the row by
 * index (looked up by the checking thread), other texts into the batch's
 * one buffer.
 *
 * Cells become text the way Excel shows them: numbers as the General format
 * does (5, 4800.5, 1.30722E+17), date cells (a built-in or custom date
 * format on the cell's style) as YYYY-MM-DD in the workbook's 1900 or 1904
 * system, booleans TRUE/FALSE, error cells (#N/A) empty, formulas by their
 * cached value, rich-text runs joined, phonetic runs left out. */
#include "minqing/core/bgwrite.h"
#include "minqing/core/buf.h"
#include "minqing/core/bytes.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "ingest_internal.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <unzip.h>

#define CHUNK (256 << 10)              /* inflated bytes handed to the parser at once */
#define NAHEAD 4                       /* chunks a worksheet is inflated ahead */
#define MAX_STRINGS_BYTES (1LL << 30)  /* the shared-string table */
#define MAX_CELL_BYTES (256 << 10)     /* Excel holds 32,767 characters a cell */
#define MAX_ROW_BYTES (16 << 20)
#define MAX_COLS 16384                 /* XFD */
#define MAX_SHEETS 4096
#define NBATCH 3                       /* row batches between the two threads */
#define BATCH_ROWS 1024
#define BATCH_BYTES (1 << 20)
#define CANCELLED 2                    /* the parser stops: the checker wants no more */
#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* ---- minizip over the descriptor or memory ---- */

struct zsrc {
	const struct mq_wb_source *src;
	long long pos;
	int error;
};

static voidpf z_open(voidpf opaque, const void *name, int mode)
{
	(void)name;
	(void)mode;
	struct zsrc *z = opaque;
	z->pos = 0;
	return z;
}

static uLong z_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	(void)opaque;
	struct zsrc *z = stream;
	const struct mq_wb_source *s = z->src;
	if (z->pos >= s->size)
		return 0;
	if ((long long)size > s->size - z->pos)
		size = (uLong)(s->size - z->pos);
	if (s->mem) {
		memcpy(buf, s->mem + z->pos, size);
		z->pos += (long long)size;
		return size;
	}
	uLong done = 0;
	while (done < size) {
		ssize_t k = pread(s->fd, (char *)buf + done, size - done, (off_t)(z->pos + (long long)done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			z->error = k < 0;
			break;
		}
		done += (uLong)k;
	}
	z->pos += (long long)done;
	return done;
}

static uLong z_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	(void)opaque, (void)stream, (void)buf, (void)size;
	return 0;
}

static ZPOS64_T z_tell(voidpf opaque, voidpf stream)
{
	(void)opaque;
	return (ZPOS64_T)((struct zsrc *)stream)->pos;
}

static long z_seek(voidpf opaque, voidpf stream, ZPOS64_T offset, int origin)
{
	(void)opaque;
	struct zsrc *z = stream;
	long long base = origin == ZLIB_FILEFUNC_SEEK_SET ? 0 : origin == ZLIB_FILEFUNC_SEEK_CUR ? z->pos : z->src->size;
	long long to = base + (long long)offset;
	if (to < 0 || to > z->src->size)
		return -1;
	z->pos = to;
	return 0;
}

static int z_close(voidpf opaque, voidpf stream)
{
	(void)opaque, (void)stream;
	return 0;
}

static int z_error(voidpf opaque, voidpf stream)
{
	(void)opaque;
	return ((struct zsrc *)stream)->error;
}

/* ---- the reader's state ---- */

struct sheet_ref {
	char *name, *rid, *target;
	int hidden;
};

/* One member at a time through one ZIP handle (minizip's handles are not
 * shared between threads) into one read buffer; damage is told to err. */
struct reader {
	unzFile zf;
	char *chunk;
	struct mq_error *err;
	int ahead;                   /* inflate on a thread of its own (a worksheet) */
};

/* The shared-string table, filled by its own thread while the first sheet
 * is parsed. Nothing in it moves once written: the texts are in blocks of
 * SBLOCK bytes (a string never spans two; each is kept to MAX_CELL_BYTES,
 * as much as a cell takes, and NUL-terminated), their places in pages of
 * SPAGE entries. ready strings are complete and may be read by any thread
 * (under mu: ready, done, rc, stop, waiting). */
#define SBLOCK (1 << 20)
#define SPAGE (1 << 16)
#define MAX_SBLOCKS (MAX_STRINGS_BYTES / SBLOCK)
#define MAX_SPAGES (MAX_STRINGS_BYTES / SPAGE)  /* each string takes one byte at least */
#define PUBLISH 1024                           /* strings made visible at once */
struct strings {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t ready;
	int done, rc, stop, waiting;
	struct mq_error err;         /* the strings thread's own */
	char *block[MAX_SBLOCKS];
	struct sst { uint32_t off, len; } *page[MAX_SPAGES];  /* off: block * SBLOCK + offset */
	size_t nblocks, used;        /* bytes used in the last block */
	size_t n, cur_len;           /* strings begun; the last one's length so far */
	int depth;                   /* <si> nesting */
};

struct xlsx {
	const char *path, *base;
	struct reader rd;            /* workbook, styles and sheets */
	int date1904;
	unsigned char *date_style;   /* per cellXfs index: 1 when a date format */
	size_t nstyles, astyles;
	struct custom_fmt { long id; int date; } *custom;
	size_t ncustom, acustom;
	struct strings *sst;
	struct sheet_ref *sheets;
	size_t nsheets, asheets;
	char *strings_path, *styles_path;
	struct mq_error *err;
};

static int damaged_to(struct xlsx *x, struct mq_error *err, const char *member)
{
	return mq_fail(err, MQ_ERR_FORMAT, x->path, 0,
		       "工作簿已损坏（%s 无法读取）；请在 Excel/WPS 中打开后重新另存为 .xlsx / a damaged workbook "
		       "(%s cannot be read): open it in Excel/WPS and save it as .xlsx again", member, member);
}

static int damaged(struct xlsx *x, const char *member)
{
	return damaged_to(x, x->err, member);
}

/* ---- members through libxml2's push parser ---- */

/* What the SAX state of every member begins with. */
struct sax_base {
	struct xlsx *x;
	xmlParserCtxtPtr ctxt;
	int rc;          /* a callback's error or the record callback's stop */
	int done;        /* the callbacks have all they need */
	int damaged;     /* a DOCTYPE, or the member's bytes failed */
};

static void sax_stop(struct sax_base *b, int rc)
{
	if (!b->rc)
		b->rc = rc;
	b->done = 1;
	xmlStopParser(b->ctxt);
}

static void quiet_errors(void *arg, const xmlError *e)
{
	(void)arg, (void)e;
}

/* A DOCTYPE ends the member before its internal subset is parsed: no
 * entity is ever declared, loaded or expanded. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	(void)name, (void)ext, (void)sys;
	struct sax_base *b = ctx;
	b->damaged = 1;
	xmlStopParser(b->ctxt);
}

/* A parse error that ends the member (not a namespace warning). */
static int parse_failed(xmlParserCtxtPtr c, int ret)
{
	const xmlError *e = xmlCtxtGetLastError(c);
	return ret != 0 && (!e || (e->level >= XML_ERR_ERROR && e->domain != XML_FROM_NAMESPACE));
}

/* Opens a member by name (case as stored; a leading '/' dropped). */
static int open_member(unzFile zf, const char *name)
{
	if (name[0] == '/')
		name++;
	if (unzLocateFile(zf, name, 2) != UNZ_OK)
		return -1;
	return unzOpenCurrentFile(zf) == UNZ_OK ? 0 : -2;
}

/* A member inflated ahead by a thread of its own into NAHEAD chunks, so
 * that the parsing thread, the longest, only parses: the inflater fills
 * chunk filled % NAHEAD while the parser reads the ones before it. */
struct inflater {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unzFile zf;
	char *buf[NAHEAD];
	int len[NAHEAD];             /* unzReadCurrentFile's return: 0 the end, < 0 damage */
	unsigned long filled, taken;
	int stop;
	pthread_t tid;
};

static void *inflate_ahead(void *arg)
{
	struct inflater *f = arg;
	for (int k = 1; k > 0;) {
		pthread_mutex_lock(&f->mu);
		while (f->filled - f->taken == NAHEAD && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		int stop = f->stop;
		pthread_mutex_unlock(&f->mu);
		if (stop)
			break;
		int slot = (int)(f->filled % NAHEAD);
		k = unzReadCurrentFile(f->zf, f->buf[slot], CHUNK);
		pthread_mutex_lock(&f->mu);
		f->len[slot] = k;
		f->filled++;
		pthread_cond_signal(&f->cv);
		pthread_mutex_unlock(&f->mu);
	}
	return NULL;
}

/* Starts the inflater on the member open in zf. Returns 0, or -1 when
 * there is no memory or thread for it (the caller inflates itself). */
static int inflater_start(struct inflater *f, unzFile zf)
{
	*f = (struct inflater){ .zf = zf };
	for (int i = 0; i < NAHEAD; i++)
		if (!(f->buf[i] = malloc(CHUNK)))
			goto fail;
	if (pthread_mutex_init(&f->mu, NULL))
		goto fail;
	if (pthread_cond_init(&f->cv, NULL)) {
		pthread_mutex_destroy(&f->mu);
		goto fail;
	}
	if (!mq_thread_start(&f->tid, inflate_ahead, f))
		return 0;
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
fail:
	for (int i = 0; i < NAHEAD; i++)
		free(f->buf[i]);
	return -1;
}

/* Stops the inflater (wherever it is in the member) and frees it. */
static void inflater_end(struct inflater *f)
{
	mq_thread_stop(f->tid, &f->mu, &f->cv, &f->stop);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	for (int i = 0; i < NAHEAD; i++)
		free(f->buf[i]);
}

/* The member's next inflated bytes into *p, the chunk before them given
 * back (f NULL: inflated here into r->chunk). Returns their length, 0 at
 * the end, negative when the member is damaged. */
static int next_chunk(struct reader *r, struct inflater *f, int first, const char **p)
{
	if (!f) {
		*p = r->chunk;
		return unzReadCurrentFile(r->zf, r->chunk, CHUNK);
	}
	pthread_mutex_lock(&f->mu);
	if (!first)
		f->taken++;
	while (f->filled == f->taken)
		pthread_cond_wait(&f->cv, &f->mu);
	pthread_cond_signal(&f->cv);
	int slot = (int)(f->taken % NAHEAD);
	pthread_mutex_unlock(&f->mu);
	*p = f->buf[slot];
	return f->len[slot];
}

/* Streams the member name through sax into b, chunk by chunk as minizip
 * inflates it (on a thread of its own when r->ahead). Returns 0, 1 when
 * the member is absent, the callbacks' code or damaged(). */
static int parse_member(struct xlsx *x, struct reader *r, const char *name, xmlSAXHandler *sax,
			struct sax_base *b)
{
	int rc = open_member(r->zf, name);
	if (rc)
		return rc == -1 ? 1 : damaged_to(x, r->err, name);
	b->x = x;
	sax->initialized = XML_SAX2_MAGIC;
	sax->serror = (xmlStructuredErrorFunc)quiet_errors;
	sax->internalSubset = on_doctype;
	struct inflater inf, *f = r->ahead && !inflater_start(&inf, r->zf) ? &inf : NULL;
	const char *p;
	int k = next_chunk(r, f, 1, &p);
	/* the first 4 bytes tell libxml2 the encoding */
	int off = k < 0 ? 0 : k < 4 ? k : 4;
	b->ctxt = k < 0 ? NULL : xmlCreatePushParserCtxt(sax, b, p, off, name);
	if (b->ctxt)
		/* NONET; never NOENT, DTDLOAD, DTDATTR, DTDVALID or HUGE */
		xmlCtxtUseOptions(b->ctxt, XML_OPTS);
	while (b->ctxt && !b->done && !b->damaged) {
		if (off == k && k) {
			k = next_chunk(r, f, 0, &p);
			off = 0;
			if (k < 0) {
				b->damaged = 1;
				break;
			}
		}
		int ret = xmlParseChunk(b->ctxt, p + off, k - off, k == 0);
		off = k;
		if (!b->done && parse_failed(b->ctxt, ret))
			b->damaged = 1;
		if (k == 0)
			break;
	}
	if (f)
		inflater_end(f);
	unzCloseCurrentFile(r->zf);
	if (!b->ctxt)
		return k < 0 ? damaged_to(x, r->err, name) : MQ_ERR_NOMEM;
	xmlFreeParserCtxt(b->ctxt);
	b->ctxt = NULL;
	if (b->rc)
		return b->rc;
	return b->damaged ? damaged_to(x, r->err, name) : 0;
}

/* The value of the attribute with local name name (any namespace), its
 * length in *n; NULL when absent. attrs: SAX2's five pointers each. */
static const char *sax_attr(const xmlChar **attrs, int nattr, const char *name, size_t *n)
{
	for (int i = 0; i < nattr; i++, attrs += 5)
		if (strcmp((const char *)attrs[0], name) == 0) {
			*n = (size_t)(attrs[4] - attrs[3]);
			return (const char *)attrs[3];
		}
	*n = 0;
	return NULL;
}

/* The same, a malloc'd copy (*nomem set when out of memory). */
static char *sax_attr_dup(const xmlChar **attrs, int nattr, const char *name, int *nomem)
{
	size_t n;
	const char *v = sax_attr(attrs, nattr, name, &n);
	char *s = v ? strndup(v, n) : NULL;
	*nomem |= v && !s;
	return s;
}

/* strtol's reading of v[0..n): plain digits read here, the rest by strtol. */
static long to_long(const char *v, size_t n)
{
	if (n && n <= 9) {
		long k = 0;
		size_t i = 0;
		for (; i < n && v[i] >= '0' && v[i] <= '9'; i++)
			k = k * 10 + (v[i] - '0');
		if (i == n)
			return k;
	}
	char b[32];
	if (n >= sizeof b)
		n = sizeof b - 1;
	memcpy(b, v, n);
	b[n] = '\0';
	return strtol(b, NULL, 10);
}

/* A number attribute (strtol's reading of it), or dflt when absent. */
static long sax_attr_long(const xmlChar **attrs, int nattr, const char *name, long dflt)
{
	size_t n;
	const char *v = sax_attr(attrs, nattr, name, &n);
	return v ? to_long(v, n) : dflt;
}

static int attr_is(const char *v, size_t n, const char *s)
{
	return v && strlen(s) == n && memcmp(v, s, n) == 0;
}

#define SAX_START_ARGS void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns, \
		       const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs
#define SAX_START_UNUSED (void)prefix, (void)uri, (void)nns, (void)ns, (void)ndefaulted

/* ---- workbook.xml and its relations ---- */

static void wb_start(SAX_START_ARGS)
{
	SAX_START_UNUSED;
	struct sax_base *b = ctx;
	struct xlsx *x = b->x;
	const char *name = (const char *)local;
	int nomem = 0;
	if (strcmp(name, "workbookPr") == 0) {
		size_t n;
		const char *v = sax_attr(attrs, nattr, "date1904", &n);
		x->date1904 = attr_is(v, n, "1") || (n == 4 && strncasecmp(v, "true", 4) == 0);
	} else if (strcmp(name, "sheet") == 0) {
		if (x->nsheets == MAX_SHEETS) {
			sax_stop(b, 0);
			return;
		}
		if (mq_grow((void **)&x->sheets, &x->asheets, x->nsheets + 1, sizeof *x->sheets)) {
			sax_stop(b, MQ_ERR_NOMEM);
			return;
		}
		struct sheet_ref *s = &x->sheets[x->nsheets++];
		*s = (struct sheet_ref){ sax_attr_dup(attrs, nattr, "name", &nomem),
					 sax_attr_dup(attrs, nattr, "id", &nomem), NULL, 0 };
		size_t n;
		const char *state = sax_attr(attrs, nattr, "state", &n);
		s->hidden = state && !attr_is(state, n, "visible");
		if (nomem)
			sax_stop(b, MQ_ERR_NOMEM);
	}
}

/* Returns 0, 1 when the ZIP has no xl/workbook.xml, or a negative code. */
static int read_workbook_xml(struct xlsx *x)
{
	xmlSAXHandler sax = { .startElementNs = wb_start };
	struct sax_base b = { 0 };
	return parse_member(x, &x->rd, "xl/workbook.xml", &sax, &b);
}

/* "worksheets/sheet1.xml" relative to xl/, or "/xl/…" absolute. */
static char *member_path(const char *target)
{
	size_t n = strlen(target) + 4;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s%s", target[0] == '/' ? "" : "xl/", target[0] == '/' ? target + 1 : target);
	return p;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n >= k && strcmp(s + n - k, tail) == 0;
}

static void rels_start(SAX_START_ARGS)
{
	SAX_START_UNUSED;
	struct sax_base *b = ctx;
	struct xlsx *x = b->x;
	if (strcmp((const char *)local, "Relationship") != 0)
		return;
	int nomem = 0;
	char *id = sax_attr_dup(attrs, nattr, "Id", &nomem), *target = sax_attr_dup(attrs, nattr, "Target", &nomem),
	     *type = sax_attr_dup(attrs, nattr, "Type", &nomem);
	if (id && target && type) {
		char **slot = NULL;
		if (ends_with(type, "/sharedStrings"))
			slot = &x->strings_path;
		else if (ends_with(type, "/styles"))
			slot = &x->styles_path;
		for (size_t i = 0; !slot && i < x->nsheets; i++)
			if (x->sheets[i].rid && strcmp(x->sheets[i].rid, id) == 0 && ends_with(type, "/worksheet"))
				slot = &x->sheets[i].target;
		if (slot && !*slot && !(*slot = member_path(target)))
			nomem = 1;
	}
	free(id);
	free(target);
	free(type);
	if (nomem)
		sax_stop(b, MQ_ERR_NOMEM);
}

static int read_rels(struct xlsx *x)
{
	xmlSAXHandler sax = { .startElementNs = rels_start };
	struct sax_base b = { 0 };
	int rc = parse_member(x, &x->rd, "xl/_rels/workbook.xml.rels", &sax, &b);
	return rc == 1 ? 0 : rc;
}

/* ---- styles: which cell formats are dates ---- */

/* Built-in number formats that show a date (ECMA-376 18.8.30; 27–36 and
 * 50–58 are the East Asian date formats). */
static int builtin_date(long id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	       (id >= 50 && id <= 58);
}

/* A custom format is a date when it has y or d, or m without h or s,
 * outside quoted text, escapes and [brackets]: yyyy"年"m"月"d"日" is one. */
static int custom_date(const char *code)
{
	int y = 0, m = 0, d = 0, hs = 0;
	for (const char *p = code; *p; p++) {
		if (*p == '"') {
			while (p[1] && p[1] != '"')
				p++;
			if (p[1])
				p++;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			while (p[1] && p[1] != ']')
				p++;
		} else if (*p == ';') {
			break;          /* the first section decides */
		} else {
			char c = (char)(*p | 0x20);
			y |= c == 'y' || c == 'e';
			m |= c == 'm';
			d |= c == 'd';
			hs |= c == 'h' || c == 's';
		}
	}
	if (strcasecmp(code, "General") == 0)
		return 0;
	return y || d || (m && !hs);
}

struct styles_sax {
	struct sax_base b;
	int in_xfs;
};

static void styles_start(SAX_START_ARGS)
{
	SAX_START_UNUSED;
	struct styles_sax *st = ctx;
	struct xlsx *x = st->b.x;
	const char *name = (const char *)local;
	if (strcmp(name, "numFmt") == 0) {
		int nomem = 0;
		char *code = sax_attr_dup(attrs, nattr, "formatCode", &nomem);
		size_t n;
		if (code && sax_attr(attrs, nattr, "numFmtId", &n)) {
			if (mq_grow((void **)&x->custom, &x->acustom, x->ncustom + 1, sizeof *x->custom))
				nomem = 1;
			else
				x->custom[x->ncustom++] = (struct custom_fmt){
					sax_attr_long(attrs, nattr, "numFmtId", 0), custom_date(code) };
		}
		free(code);
		if (nomem)
			sax_stop(&st->b, MQ_ERR_NOMEM);
	} else if (strcmp(name, "cellXfs") == 0) {
		st->in_xfs = 1;
	} else if (st->in_xfs && strcmp(name, "xf") == 0) {
		long fid = sax_attr_long(attrs, nattr, "numFmtId", 0);
		int date = builtin_date(fid);
		for (size_t i = 0; i < x->ncustom; i++)
			if (x->custom[i].id == fid)
				date = x->custom[i].date;
		if (mq_grow((void **)&x->date_style, &x->astyles, x->nstyles + 1, 1))
			sax_stop(&st->b, MQ_ERR_NOMEM);
		else
			x->date_style[x->nstyles++] = (unsigned char)date;
	}
}

static void styles_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	(void)prefix, (void)uri;
	struct styles_sax *st = ctx;
	if (strcmp((const char *)local, "cellXfs") == 0)
		st->in_xfs = 0;
}

static int read_styles(struct xlsx *x)
{
	xmlSAXHandler sax = { .startElementNs = styles_start, .endElementNs = styles_end };
	struct styles_sax st = { 0 };
	int rc = parse_member(x, &x->rd, x->styles_path ? x->styles_path : "xl/styles.xml", &sax, &st.b);
	return rc == 1 ? 0 : rc;
}

/* ---- shared strings ---- */

struct strings_sax {
	struct sax_base b;
	struct strings *s;
	int in_t, in_rph;
};

/* Room for need more bytes of the string being made in the last block; a
 * string that would not fit moves, with what it has, to a new block. */
static int sst_room(struct strings *s, size_t need)
{
	if (s->nblocks && s->used + s->cur_len + need <= SBLOCK)
		return 0;
	if (s->nblocks == MAX_SBLOCKS)
		return MQ_ERR_LIMIT;
	char *b = malloc(SBLOCK);
	if (!b)
		return MQ_ERR_NOMEM;
	if (s->cur_len)
		memcpy(b, s->block[s->nblocks - 1] + s->used, s->cur_len);
	s->block[s->nblocks++] = b;
	s->used = 0;
	return 0;
}

/* Makes the strings made so far visible; tells the thread to stop when
 * the reading side wants no more. */
static void sst_publish(struct strings_sax *st, int done)
{
	struct strings *s = st->s;
	pthread_mutex_lock(&s->mu);
	s->ready = s->n;
	s->done = done;
	if (s->waiting || done)
		pthread_cond_broadcast(&s->cv);
	int stop = s->stop;
	pthread_mutex_unlock(&s->mu);
	if (stop && !done)
		sax_stop(&st->b, 0);
}

static void strings_start(SAX_START_ARGS)
{
	SAX_START_UNUSED;
	(void)nattr, (void)attrs;
	struct strings_sax *st = ctx;
	struct strings *s = st->s;
	const char *name = (const char *)local;
	if (name[0] == 's' && strcmp(name, "si") == 0) {
		if (s->depth++)
			return;                  /* an <si> inside one: part of it */
		/* never sized by the declared count: a hostile file claims billions */
		size_t p = s->n / SPAGE;
		if (p == MAX_SPAGES) {
			sax_stop(&st->b, MQ_ERR_LIMIT);
			return;
		}
		if (!s->page[p] && !(s->page[p] = malloc(SPAGE * sizeof *s->page[p]))) {
			sax_stop(&st->b, MQ_ERR_NOMEM);
			return;
		}
		s->cur_len = 0;
	} else if (name[0] == 't' && name[1] == '\0') {
		st->in_t = 1;
	} else if (strcmp(name, "rPh") == 0) {
		st->in_rph = 1;
	}
}

static void strings_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	(void)prefix, (void)uri;
	struct strings_sax *st = ctx;
	struct strings *s = st->s;
	const char *name = (const char *)local;
	if (name[0] == 's' && strcmp(name, "si") == 0) {
		if (!s->depth || --s->depth)
			return;
		int rc = sst_room(s, 1);
		if (rc) {
			sax_stop(&st->b, rc);
			return;
		}
		s->block[s->nblocks - 1][s->used + s->cur_len] = '\0';
		s->page[s->n / SPAGE][s->n % SPAGE] =
			(struct sst){ (uint32_t)((s->nblocks - 1) * SBLOCK + s->used), (uint32_t)s->cur_len };
		s->used += s->cur_len + 1;
		s->cur_len = 0;
		if (++s->n % PUBLISH == 0)
			sst_publish(st, 0);
	} else if (name[0] == 't' && name[1] == '\0') {
		st->in_t = 0;
	} else if (strcmp(name, "rPh") == 0) {
		st->in_rph = 0;
	}
}

static void strings_text(void *ctx, const xmlChar *text, int n)
{
	struct strings_sax *st = ctx;
	struct strings *s = st->s;
	if (!s->depth || !st->in_t || st->in_rph)
		return;
	/* a cell takes MAX_CELL_BYTES at most: the rest is never read */
	size_t k = (size_t)n < MAX_CELL_BYTES - s->cur_len ? (size_t)n : MAX_CELL_BYTES - s->cur_len;
	if (!k)
		return;
	int rc = sst_room(s, k + 1);
	if (rc) {
		sax_stop(&st->b, rc);
		return;
	}
	memcpy(s->block[s->nblocks - 1] + s->used + s->cur_len, text, k);
	s->cur_len += k;
}

struct strings_job {
	struct xlsx *x;
	struct reader rd;            /* its own ZIP handle and buffer */
};

/* The strings thread: the whole table, then done (with rc) for the readers. */
static void *read_strings(void *arg)
{
	struct strings_job *j = arg;
	struct xlsx *x = j->x;
	struct strings *s = x->sst;
	xmlSAXHandler sax = { .startElementNs = strings_start, .endElementNs = strings_end,
			      .characters = strings_text, .ignorableWhitespace = strings_text,
			      .cdataBlock = strings_text };
	struct strings_sax st = { .s = s };
	int rc = parse_member(x, &j->rd, x->strings_path ? x->strings_path : "xl/sharedStrings.xml", &sax, &st.b);
	if (rc == MQ_ERR_LIMIT)
		mq_fail(&s->err, MQ_ERR_LIMIT, x->path, 0,
			"工作簿的共享字符串超过 1 GiB / the workbook's shared strings exceed 1 GiB");
	else if (rc == MQ_ERR_NOMEM)
		mq_fail_nomem(&s->err, x->path, 0);
	pthread_mutex_lock(&s->mu);
	s->rc = rc == 1 ? 0 : rc;
	pthread_mutex_unlock(&s->mu);
	sst_publish(&st, 1);
	return NULL;
}

/* Shared string i (its text and length into *p, *n; NULL when there is no
 * such string), waiting for the strings thread when it is not read yet.
 * *ready caches how many may be read without asking. Returns 0 or the
 * strings thread's error. */
static int shared_string(struct strings *s, size_t i, size_t *ready, const char **p, size_t *n)
{
	if (i >= *ready) {
		pthread_mutex_lock(&s->mu);
		while (i >= s->ready && !s->done) {
			s->waiting = 1;
			pthread_cond_wait(&s->cv, &s->mu);
		}
		s->waiting = 0;
		*ready = s->ready;
		int rc = i >= s->ready ? s->rc : 0;
		pthread_mutex_unlock(&s->mu);
		if (rc)
			return rc;
		if (i >= *ready) {
			*p = NULL;
			return 0;
		}
	}
	const struct sst *e = &s->page[i / SPAGE][i % SPAGE];
	*p = e->len ? s->block[e->off / SBLOCK] + e->off % SBLOCK : NULL;
	*n = e->len;
	return 0;
}

/* ---- cell values ---- */

/* A date serial: days since 1899-12-30, with 1900's nonexistent
 * 29 February kept by Excel at 60; or since 1904-01-01. */
static void format_date(double serial, int date1904, char out[40])
{
	long n = (long)floor(serial);
	if (!date1904 && n == 60) {
		strcpy(out, "1900-02-29");   /* Excel's leap-year bug: no such day (E003) */
		return;
	}
	mq_day base = date1904 ? mq_day_from_ymd(1904, 1, 1) : mq_day_from_ymd(1899, 12, 30);
	if (!date1904 && n < 60)
		n += 1;
	char d[11];
	mq_date_format(base + (mq_day)n, d);
	snprintf(out, 40, "%s", d);
}

/* ---- worksheets ---- */

enum cell_type { T_N, T_S, T_B, T_E, T_D, T_OTHER };

#define SHARED ((size_t)-1)          /* a cell's len: off is a shared string's index */
#define PREFETCH_CELLS 16
#define PREFETCH_ROWS 2
#define NDATES 256                   /* a sheet's dates remembered formatted */

/* Rows parsed and not yet checked: the cells of many rows, texts copied
 * into bytes (shared strings by pointer). */
struct batch {
	struct mq_buf bytes;
	/* str NULL: off SIZE_MAX empty, len SHARED shared string off, else copied at off */
	struct bcell { const char *str; size_t off, len; } *cells;
	size_t ncells, acells;
	struct brow { long line; size_t first, n; } *rows;
	size_t nrows, arows;
	const char **ptrs;           /* one row's cells as mq_sheet_row takes them */
	size_t *lens;
	size_t aptrs;
};

/* The batches between the parsing thread and the checking one: the parser
 * fills batch[produced % NBATCH] while the checker works through the ones
 * before it, in order. */
struct relay {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch batch[NBATCH];
	unsigned long produced, consumed;
	int done, cancel;
};

struct sheet_sax {
	struct sax_base b;
	struct relay *relay;
	struct batch *out;           /* the batch being filled */
	/* the row: copied cell texts (NUL-terminated) at cells[col].off of
	 * the batch's bytes, or shared strings by index (len SHARED); off ==
	 * SIZE_MAX and str NULL: empty */
	struct bcell *cells;
	size_t acols, ncols, row_start;
	long row, col, style;
	enum cell_type type;
	int in_row, in_cell, in_v, in_t, in_rph, has_value, overflow;
	struct mq_buf val;           /* the cell's <v> or inline text */
	struct date_memo {           /* dates formatted, by serial % NDATES */
		long serial;
		size_t len;
		char text[40];
	} dates[NDATES];
};

/* n bytes of s onto b (a buffer without a cap), in place while they fit:
 * a cell's few bytes cost no call. NUL-terminated as mq_buf_add leaves
 * it; nul: a NUL of its own after them, counted in len. */
static inline int buf_put(struct mq_buf *b, const char *s, size_t n, int nul)
{
	if (b->len + n + (size_t)nul + 1 > b->alloc && mq_buf_reserve(b, n + (size_t)nul))
		return MQ_ERR_NOMEM;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	if (nul)
		b->data[b->len++] = '\0';
	b->data[b->len] = '\0';
	return 0;
}

/* Room for column col; the columns before it not yet set are empty. */
static int row_col(struct sheet_sax *st, size_t col)
{
	if (col < st->ncols)
		return 0;
	size_t need = col + 1;
	if (mq_grow((void **)&st->cells, &st->acols, need, sizeof *st->cells))
		return MQ_ERR_NOMEM;
	/* len too: a len of SHARED left from an earlier row would send the
	 * checking side to wait for a string that does not exist, that is for
	 * the whole table */
	for (size_t i = st->ncols; i < need; i++)
		st->cells[i] = (struct bcell){ NULL, (size_t)-1, 0 };
	st->ncols = need;
	return 0;
}

/* Sets a cell to shared string i, looked up by the checking side (the
 * table may still be read meanwhile). */
static int row_set_shared(struct sheet_sax *st, size_t col, size_t i)
{
	if (row_col(st, col))
		return MQ_ERR_NOMEM;
	st->cells[col] = (struct bcell){ NULL, i, SHARED };
	return 0;
}

/* Sets a cell to n bytes of s, copied. */
static int row_set(struct sheet_sax *st, size_t col, const char *s, size_t n)
{
	if (row_col(st, col))
		return MQ_ERR_NOMEM;
	if (n > MAX_CELL_BYTES)
		n = MAX_CELL_BYTES;
	struct mq_buf *bytes = &st->out->bytes;
	if (bytes->len - st->row_start + n > MAX_ROW_BYTES)
		return 0;                    /* a row this big keeps what fitted */
	st->cells[col] = (struct bcell){ NULL, bytes->len, n };
	return buf_put(bytes, s, n, 1);
}

/* Hands the filled batch to the checker and takes the next free one.
 * Returns 0, or 1 when the checker wants no more rows. */
static int relay_pass(struct sheet_sax *st)
{
	struct relay *r = st->relay;
	pthread_mutex_lock(&r->mu);
	r->produced++;
	pthread_cond_broadcast(&r->cv);
	while (r->produced - r->consumed == NBATCH && !r->cancel)
		pthread_cond_wait(&r->cv, &r->mu);
	int cancel = r->cancel;
	st->out = &r->batch[r->produced % NBATCH];
	pthread_mutex_unlock(&r->mu);
	st->row_start = 0;
	return cancel;
}

/* The row just ended into the batch; a full batch goes to the checker. */
static int row_emit(struct sheet_sax *st)
{
	struct batch *b = st->out;
	if (mq_grow((void **)&b->rows, &b->arows, b->nrows + 1, sizeof *b->rows) ||
	    mq_grow((void **)&b->cells, &b->acells, b->ncells + st->ncols, sizeof *b->cells))
		return MQ_ERR_NOMEM;
	b->rows[b->nrows++] = (struct brow){ st->row, b->ncells, st->ncols };
	if (st->ncols)
		memcpy(b->cells + b->ncells, st->cells, st->ncols * sizeof *st->cells);
	b->ncells += st->ncols;
	st->ncols = 0;
	st->row_start = b->bytes.len;
	if (b->nrows < BATCH_ROWS && b->bytes.len < BATCH_BYTES)
		return 0;
	return relay_pass(st) ? CANCELLED : 0;
}

/* "BC12" -> column 54 (0-based); -1 when not a reference. */
static long ref_col(const char *ref, size_t n)
{
	long col = 0;
	size_t i = 0;
	while (i < n && ref[i] >= 'A' && ref[i] <= 'Z' && col <= MAX_COLS)
		col = col * 26 + (ref[i++] - 'A' + 1);
	if (i == 0 || col > MAX_COLS)
		return -1;
	return col - 1;
}

static enum cell_type cell_type(const char *t, size_t n)
{
	if (!t)
		return T_N;
	if (n != 1)
		return T_OTHER;              /* str, inlineStr */
	switch (t[0]) {
	case 'n': return T_N;
	case 's': return T_S;
	case 'b': return T_B;
	case 'e': return T_E;
	case 'd': return T_D;
	default: return T_OTHER;
	}
}

/* A plain integer of at most 15 digits, as General shows it already. */
static int plain_integer(const char *v, size_t n)
{
	size_t i = v[0] == '-';
	if (n <= i || n - i > 15 || (v[i] == '0' && n - i > 1) || (i && v[1] == '0'))
		return 0;
	return mq_all_digits(v + i, n - i);
}

/* The cell just ended, as Excel shows it, into the row. */
static int cell_end(struct sheet_sax *st)
{
	struct xlsx *x = st->b.x;
	const char *v = st->val.data ? st->val.data : "";
	size_t vlen = st->val.len;
	char num[40];
	if (st->col >= MAX_COLS)
		return 0;
	switch (st->type) {
	case T_N: {
		if (!vlen)
			return 0;
		int date = st->style >= 0 && (size_t)st->style < x->nstyles && x->date_style[st->style];
		int plain = plain_integer(v, vlen);
		if (!date && plain)
			return row_set(st, (size_t)st->col, v, vlen);
		double d;
		if (plain) {
			/* up to 15 digits: exact in a double, as strtod reads it */
			long long k = 0;
			for (size_t i = v[0] == '-'; i < vlen; i++)
				k = k * 10 + (v[i] - '0');
			d = v[0] == '-' ? -(double)k : (double)k;
		} else {
			char *end;
			d = strtod(v, &end);
			if (end == v)
				break;
		}
		if (date && d >= 0 && d < 2958466) {
			long serial = (long)floor(d);
			struct date_memo *m = &st->dates[serial % NDATES];
			if (m->serial != serial) {
				format_date(d, x->date1904, m->text);
				m->serial = serial;
				m->len = strlen(m->text);
			}
			return row_set(st, (size_t)st->col, m->text, m->len);
		}
		mq_sheet_general(d, num);
		return row_set(st, (size_t)st->col, num, strlen(num));
	}
	case T_S: {
		long i;
		if (vlen && vlen <= 9 && v[0] >= '0' && v[0] <= '9') {
			i = to_long(v, vlen);    /* its own digits, or strtol's reading */
		} else {
			char *end;
			i = strtol(v, &end, 10);
			if (end == v)
				return 0;
		}
		return i >= 0 ? row_set_shared(st, (size_t)st->col, (size_t)i) : 0;
	}
	case T_B:
		v = strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
		return row_set(st, (size_t)st->col, v, strlen(v));
	case T_E:
		return 0;                    /* #N/A and the like: no value */
	case T_D:
		if (vlen > 10) {
			/* ISO 8601: the date part, cut at a character's start */
			vlen = 10;
			while (vlen > 0 && (v[vlen] & 0xC0) == 0x80)
				vlen--;
		}
		break;
	case T_OTHER:
		break;
	}
	return vlen ? row_set(st, (size_t)st->col, v, vlen) : 0;
}

static void sheet_start(SAX_START_ARGS)
{
	SAX_START_UNUSED;
	struct sheet_sax *st = ctx;
	const char *name = (const char *)local;
	switch (name[0]) {
	case 'c':
		if (name[1] == '\0' && st->in_row) {
			/* r, s and t in one pass (the first of each name counts) */
			const char *v[3] = { NULL, NULL, NULL };
			size_t n[3] = { 0, 0, 0 };
			for (int i = 0; i < nattr; i++) {
				const xmlChar **a = attrs + 5 * i;
				int k = a[0][1] ? -1 : a[0][0] == 'r' ? 0 : a[0][0] == 's' ? 1 : a[0][0] == 't' ? 2 : -1;
				if (k >= 0 && !v[k]) {
					v[k] = (const char *)a[3];
					n[k] = (size_t)(a[4] - a[3]);
				}
			}
			long c = v[0] ? ref_col(v[0], n[0]) : -1;
			st->col = c >= 0 ? c : st->col + 1;
			st->style = v[1] ? to_long(v[1], n[1]) : -1;
			st->type = cell_type(v[2], n[2]);
			mq_buf_reset(&st->val);
			st->overflow = 0;
			st->has_value = 0;
			st->in_cell = 1;
		}
		break;
	case 'v':
		if (name[1] == '\0')
			st->in_v = st->has_value = 1;
		break;
	case 't':
		if (name[1] == '\0')
			st->in_t = st->has_value = 1;
		break;
	case 'r':
		if (strcmp(name, "row") == 0) {
			long n = sax_attr_long(attrs, nattr, "r", 0);
			st->row = n > st->row ? n : st->row + 1;
			st->col = -1;
			st->in_row = 1;
		} else if (strcmp(name, "rPh") == 0) {
			st->in_rph = 1;
		}
		break;
	}
}

static void sheet_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	(void)prefix, (void)uri;
	struct sheet_sax *st = ctx;
	const char *name = (const char *)local;
	int rc = 0;
	switch (name[0]) {
	case 'c':
		if (name[1] == '\0' && st->in_cell) {
			st->in_cell = 0;
			/* <c/> and <c></c> alike: no value */
			if (st->has_value)
				rc = cell_end(st);
		}
		break;
	case 'v':
		if (name[1] == '\0')
			st->in_v = 0;
		break;
	case 't':
		if (name[1] == '\0')
			st->in_t = 0;
		break;
	case 'r':
		if (strcmp(name, "row") == 0 && st->in_row) {
			st->in_row = 0;
			rc = row_emit(st);
		} else if (strcmp(name, "rPh") == 0) {
			st->in_rph = 0;
		}
		break;
	case 's':
		if (strcmp(name, "sheetData") == 0)
			sax_stop(&st->b, 0);   /* merges, filters, drawings: not needed */
		break;
	}
	if (rc)
		sax_stop(&st->b, rc);
}

static void sheet_text(void *ctx, const xmlChar *s, int n)
{
	struct sheet_sax *st = ctx;
	if (!st->in_cell || !(st->in_v || (st->in_t && !st->in_rph)) || st->overflow)
		return;
	size_t room = MAX_CELL_BYTES - st->val.len, k = (size_t)n;
	if (k > room) {
		/* longer than a cell can be: cut at a character's start */
		k = room;
		while (k > 0 && (s[k] & 0xC0) == 0x80)
			k--;
		st->overflow = 1;
	}
	if (buf_put(&st->val, (const char *)s, k, 0))
		sax_stop(&st->b, MQ_ERR_NOMEM);
}

struct producer {
	struct xlsx *x;
	struct reader rd;
	const char *member;
	struct sheet_sax st;
	int rc;
};

/* The parsing thread: the sheet into batches, the last one handed over. */
static void *produce(void *arg)
{
	struct producer *p = arg;
	struct sheet_sax *st = &p->st;
	xmlSAXHandler sax = { .startElementNs = sheet_start, .endElementNs = sheet_end,
			      .characters = sheet_text, .ignorableWhitespace = sheet_text,
			      .cdataBlock = sheet_text };
	int rc = parse_member(p->x, &p->rd, p->member, &sax, &st->b);
	if (rc == 1)
		rc = damaged_to(p->x, p->rd.err, p->member);
	if (st->out->nrows)
		relay_pass(st);
	struct relay *r = st->relay;
	pthread_mutex_lock(&r->mu);
	p->rc = rc;
	r->done = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* The checking side: every row of a batch to sr, in order, its shared
 * strings looked up (ready: how many are known read). */
static int consume(struct batch *b, struct strings *sst, size_t *ready, struct mq_sheet_rows *sr)
{
	int rc = 0;
	/* the batch's shared strings first: the table is far bigger than the
	 * caches, so the places of those ahead and then the texts of the rows
	 * ahead are fetched while these are looked at */
	for (size_t k = 0; !rc && k < b->ncells; k++) {
		struct bcell *c = &b->cells[k];
		if (k + PREFETCH_CELLS < b->ncells) {
			const struct bcell *a = &b->cells[k + PREFETCH_CELLS];
			if (!a->str && a->len == SHARED && a->off < *ready)
				__builtin_prefetch(&sst->page[a->off / SPAGE][a->off % SPAGE]);
		}
		if (c->str || c->len != SHARED)
			continue;
		const char *p = NULL;
		size_t n = 0;
		rc = shared_string(sst, c->off, ready, &p, &n);
		if (p)
			*c = (struct bcell){ p, 0, n };
		else
			c->off = (size_t)-1;     /* an empty shared string: len stays SHARED */
	}
	for (size_t i = 0; !rc && i < b->nrows; i++) {
		if (i + PREFETCH_ROWS < b->nrows) {
			const struct brow *a = &b->rows[i + PREFETCH_ROWS];
			for (size_t k = 0; k < a->n; k++)
				if (b->cells[a->first + k].str)
					__builtin_prefetch(b->cells[a->first + k].str);
		}
		const struct brow *row = &b->rows[i];
		if (row->n > b->aptrs && mq_resize_pair((void **)&b->ptrs, sizeof *b->ptrs, (void **)&b->lens,
							 sizeof *b->lens, &b->aptrs, row->n))
			return MQ_ERR_NOMEM;
		/* a trailing empty shared string does not widen the row */
		size_t n = 0;
		for (size_t k = 0; k < row->n; k++) {
			const struct bcell *c = &b->cells[row->first + k];
			b->ptrs[k] = c->str ? c->str : c->off == (size_t)-1 ? NULL : b->bytes.data + c->off;
			b->lens[k] = b->ptrs[k] ? c->len : 0;
			if (c->str || c->len != SHARED)
				n = k + 1;
		}
		rc = mq_sheet_row(sr, row->line, b->ptrs, b->lens, n);
	}
	mq_buf_reset(&b->bytes);
	b->nrows = b->ncells = 0;
	return rc;
}

/* Streams one worksheet into sr: one thread inflates and parses it, this
 * one checks the rows as they come (shared strings and styles are only
 * read meanwhile). Returns 0, the record callback's value or a negative
 * code. */
static int read_sheet(struct xlsx *x, const char *member, struct mq_sheet_rows *sr)
{
	struct relay r = { .done = 0 };
	struct mq_error perr = { 0 }, *caller_err = x->err;
	/* the parsing thread has its own error */
	struct producer p = { .x = x, .rd = { x->rd.zf, x->rd.chunk, &perr, 1 }, .member = member };
	p.st = (struct sheet_sax){ .relay = &r, .out = &r.batch[0], .col = -1, .style = -1 };
	for (int i = 0; i < NDATES; i++)
		p.st.dates[i].serial = -1;
	pthread_t tid;
	int rc = 0, prc = 0;
	size_t ready = 0;
	if (pthread_mutex_init(&r.mu, NULL))
		return MQ_ERR_NOMEM;
	if (pthread_cond_init(&r.cv, NULL)) {
		pthread_mutex_destroy(&r.mu);
		return MQ_ERR_NOMEM;
	}
	if (mq_thread_start(&tid, produce, &p)) {
		rc = MQ_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		pthread_mutex_lock(&r.mu);
		while (r.consumed == r.produced && !r.done)
			pthread_cond_wait(&r.cv, &r.mu);
		int empty = r.consumed == r.produced;
		pthread_mutex_unlock(&r.mu);
		if (empty)
			break;
		struct batch *b = &r.batch[r.consumed % NBATCH];
		if (!rc)
			rc = consume(b, x->sst, &ready, sr);
		else
			b->nrows = b->ncells = 0, mq_buf_reset(&b->bytes);
		pthread_mutex_lock(&r.mu);
		r.consumed++;
		r.cancel |= rc != 0;
		pthread_cond_broadcast(&r.cv);
		pthread_mutex_unlock(&r.mu);
	}
	pthread_join(tid, NULL);
	prc = p.rc;
out:
	if (!rc && prc) {
		rc = prc;
		if (caller_err && perr.code)
			*caller_err = perr;
	}
	pthread_cond_destroy(&r.cv);
	pthread_mutex_destroy(&r.mu);
	for (int i = 0; i < NBATCH; i++) {
		mq_buf_free(&r.batch[i].bytes);
		free(r.batch[i].cells);
		free(r.batch[i].rows);
		free(r.batch[i].ptrs);
		free(r.batch[i].lens);
	}
	free(p.st.cells);
	mq_buf_free(&p.st.val);
	return rc == CANCELLED ? 0 : rc;
}

static void xlsx_free(struct xlsx *x)
{
	for (size_t i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
		free(x->sheets[i].target);
	}
	free(x->sheets);
	free(x->date_style);
	free(x->custom);
	free(x->rd.chunk);
	if (x->sst) {
		for (size_t i = 0; i < MAX_SBLOCKS && x->sst->block[i]; i++)
			free(x->sst->block[i]);
		for (size_t i = 0; i < MAX_SPAGES && x->sst->page[i]; i++)
			free(x->sst->page[i]);
		pthread_cond_destroy(&x->sst->cv);
		pthread_mutex_destroy(&x->sst->mu);
		free(x->sst);
	}
	free(x->strings_path);
	free(x->styles_path);
	if (x->rd.zf)
		unzClose(x->rd.zf);
}

/* A ZIP that is no workbook: say what it is when we can tell. */
static int not_a_workbook(struct xlsx *x)
{
	const char *zh = "ZIP 压缩文件", *en = "a ZIP archive";
	if (unzLocateFile(x->rd.zf, "content.xml", 1) == UNZ_OK) {
		zh = "OpenDocument 文件（如 WPS/LibreOffice 的 .ods）";
		en = "an OpenDocument file (such as .ods)";
	} else if (unzLocateFile(x->rd.zf, "word/document.xml", 1) == UNZ_OK) {
		zh = "Word 文档";
		en = "a Word document";
	}
	return mq_fail(x->err, MQ_ERR_FORMAT, x->path, 0,
		       "看起来是%s，不是 Excel 工作簿；请在 Excel/WPS 中另存为 .xlsx 或 CSV 后再试 / "
		       "looks like %s, not an Excel workbook: save it as .xlsx or CSV and try again", zh, en);
}

int mq_ingest_xlsx(const struct mq_wb_source *src, const char *path, const struct mq_ingest_opts *opts,
		   mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err)
{
	struct zsrc zs = { .src = src };
	zlib_filefunc64_def ff = { .zopen64_file = z_open, .zread_file = z_read, .zwrite_file = z_write,
				   .ztell64_file = z_tell, .zseek64_file = z_seek, .zclose_file = z_close,
				   .zerror_file = z_error, .opaque = &zs };
	const char *slash = strrchr(path, '/');
	struct zsrc zs2 = { .src = src };    /* the strings thread's */
	zlib_filefunc64_def ff2 = ff;
	ff2.opaque = &zs2;
	struct xlsx x = { .path = path, .base = slash ? slash + 1 : path, .err = err, .rd.err = err };
	struct strings_job job = { .x = &x };
	struct mq_buf source = MQ_BUF_INIT;
	pthread_t strings_tid;
	int rc = 0, strings_thread = 0;
	xmlInitParser();
	if (!(x.rd.chunk = malloc(CHUNK))) {
		rc = mq_fail_nomem(err, path, 0);
		goto out;
	}
	x.rd.zf = unzOpen2_64(path, &ff);
	if (!x.rd.zf) {
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0,
			     "工作簿已损坏或不完整（ZIP 目录无法读取）；请在 Excel/WPS 中重新另存为 .xlsx / a damaged "
			     "or incomplete workbook (its ZIP directory cannot be read): save it as .xlsx again");
		goto out;
	}
	if ((rc = read_workbook_xml(&x)) == 1) {
		rc = not_a_workbook(&x);
		goto out;
	}
	if (rc || (rc = read_rels(&x)) || (rc = read_styles(&x)))
		goto out;
	/* the shared strings are read beside the first sheet, on their own thread */
	if (!(x.sst = calloc(1, sizeof *x.sst)) || !(job.rd.chunk = malloc(CHUNK))) {
		rc = MQ_ERR_NOMEM;
		goto out;
	}
	if (pthread_mutex_init(&x.sst->mu, NULL) || pthread_cond_init(&x.sst->cv, NULL)) {
		free(x.sst);             /* the few bytes of a failed init are not kept */
		x.sst = NULL;
		rc = MQ_ERR_NOMEM;
		goto out;
	}
	job.rd.err = &x.sst->err;
	if (!(job.rd.zf = unzOpen2_64(path, &ff2))) {
		rc = damaged(&x, "xl/sharedStrings.xml");
		goto out;
	}
	if (mq_thread_start(&strings_tid, read_strings, &job))
		read_strings(&job);      /* no thread: read them first */
	else
		strings_thread = 1;
	for (size_t i = 0; !rc && i < x.nsheets; i++) {
		const struct sheet_ref *s = &x.sheets[i];
		mq_buf_reset(&source);
		if (mq_buf_printf(&source, "%s:%s", x.base, s->name ? s->name : "?")) {
			rc = MQ_ERR_NOMEM;
			break;
		}
		const char *zh = NULL, *en = NULL;
		if (s->hidden) {
			zh = "隐藏的工作表，未读取";
			en = "a hidden sheet, not read";
		} else if (!s->target) {
			zh = "不是工作表（图表等），未读取";
			en = "not a worksheet (a chart), not read";
		}
		if (zh) {
			if (opts && opts->sheet)
				rc = opts->sheet(source.data, zh, en, ctx);
			continue;
		}
		struct mq_sheet_rows *sr = mq_sheet_rows_new(source.data, opts, fn, ctx, stats, 1);
		if (!sr) {
			rc = MQ_ERR_NOMEM;
			break;
		}
		rc = read_sheet(&x, s->target, sr);
		rc = mq_sheet_rows_end(sr, rc);
	}
	if (strings_thread) {
		pthread_mutex_lock(&x.sst->mu);
		x.sst->stop = rc != 0;
		pthread_mutex_unlock(&x.sst->mu);
		pthread_join(strings_tid, NULL);
	}
	/* a damaged or oversized table fails the workbook, as it would have
	 * before the first row */
	if (x.sst && x.sst->rc && (!rc || rc == x.sst->rc)) {
		rc = x.sst->rc;
		if (err)
			*err = x.sst->err;
	}
	if (rc == MQ_ERR_NOMEM)
		mq_fail_nomem(err, path, 0);
out:
	if (stats) {
		stats->bytes = src->size;
		stats->encoding = MQ_ENC_UTF8;
		stats->format = "XLSX";
	}
	mq_buf_free(&source);
	free(job.rd.chunk);
	if (job.rd.zf)
		unzClose(job.rd.zf);
	xlsx_free(&x);
	return rc;
}
