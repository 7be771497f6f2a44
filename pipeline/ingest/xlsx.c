/* xlsx.c — the .xlsx workbook reader (README "Workbooks"), on minizip and
 * libxml2's xmlReader.
 *
 * The members are read through minizip from the input's descriptor (pread)
 * or from memory, never from a second open. workbook.xml, its relations and
 * styles.xml are small and read first; the shared-string table is kept (it
 * is the one thing that grows with the workbook); each worksheet is then
 * streamed row by row, so memory holds the strings and one row. Every XML
 * member is parsed with the XML reader's safe options: no DTD, no entities,
 * no network, libxml2's default depth and size limits.
 *
 * Cells become text the way Excel shows them: numbers as the General format
 * does (5, 4800.5, 1.30722E+17), date cells (a built-in or custom date
 * format on the cell's style) as YYYY-MM-DD in the workbook's 1900 or 1904
 * system, booleans TRUE/FALSE, error cells (#N/A) empty, formulas by their
 * cached value, rich-text runs joined, phonetic runs left out. */
#include "minqing/core/buf.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "ingest_internal.h"

#include <errno.h>
#include <libxml/xmlreader.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <unzip.h>

#define MAX_MEMBER (32 << 20)          /* workbook.xml, rels, styles */
#define MAX_STRINGS_BYTES (1LL << 30)  /* the shared-string table */
#define MAX_CELL_BYTES (256 << 10)     /* Excel holds 32,767 characters a cell */
#define MAX_ROW_BYTES (16 << 20)
#define MAX_COLS 16384                 /* XFD */
#define MAX_SHEETS 4096
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

struct xlsx {
	const char *path, *base;
	unzFile zf;
	int date1904;
	unsigned char *date_style;   /* per cellXfs index: 1 when a date format */
	size_t nstyles;
	struct mq_buf strings;       /* shared strings, each NUL-terminated */
	size_t *str_off;
	size_t nstrings, astrings;
	struct sheet_ref *sheets;
	size_t nsheets;
	char *strings_path, *styles_path;
	struct mq_error *err;
};

/* Opens a member by name (case as stored; a leading '/' dropped). */
static int open_member(struct xlsx *x, const char *name)
{
	if (name[0] == '/')
		name++;
	if (unzLocateFile(x->zf, name, 2) != UNZ_OK)
		return -1;
	return unzOpenCurrentFile(x->zf) == UNZ_OK ? 0 : -2;
}

static int member_read(void *ctx, char *buf, int len)
{
	struct xlsx *x = ctx;
	int k = unzReadCurrentFile(x->zf, buf, (unsigned)len);
	return k < 0 ? -1 : k;
}

static int member_close(void *ctx)
{
	struct xlsx *x = ctx;
	unzCloseCurrentFile(x->zf);
	return 0;
}

static void quiet_errors(void *arg, const xmlError *e)
{
	(void)arg, (void)e;
}

/* An xmlReader on a member, or NULL (absent: *missing set). */
static xmlTextReaderPtr member_reader(struct xlsx *x, const char *name, int *missing)
{
	int rc = open_member(x, name);
	*missing = rc == -1;
	if (rc)
		return NULL;
	xmlTextReaderPtr r = xmlReaderForIO(member_read, member_close, x, name, NULL, XML_OPTS);
	if (r)
		xmlTextReaderSetStructuredErrorHandler(r, (xmlStructuredErrorFunc)quiet_errors, NULL);
	else
		unzCloseCurrentFile(x->zf);
	return r;
}

static int is_elem(xmlTextReaderPtr r, const char *name)
{
	return xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT &&
	       strcmp((const char *)xmlTextReaderConstLocalName(r), name) == 0;
}

static int is_end(xmlTextReaderPtr r, const char *name)
{
	return xmlTextReaderNodeType(r) == XML_READER_TYPE_END_ELEMENT &&
	       strcmp((const char *)xmlTextReaderConstLocalName(r), name) == 0;
}

/* An attribute by local name (any namespace), malloc'd, or NULL. */
static char *attr(xmlTextReaderPtr r, const char *name)
{
	char *v = NULL;
	if (xmlTextReaderMoveToFirstAttribute(r) == 1) {
		do {
			if (strcmp((const char *)xmlTextReaderConstLocalName(r), name) == 0) {
				v = strdup((const char *)xmlTextReaderConstValue(r));
				break;
			}
		} while (xmlTextReaderMoveToNextAttribute(r) == 1);
		xmlTextReaderMoveToElement(r);
	}
	return v;
}

static int is_text(xmlTextReaderPtr r)
{
	int t = xmlTextReaderNodeType(r);
	return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
	       t == XML_READER_TYPE_WHITESPACE || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

static int damaged(struct xlsx *x, const char *member)
{
	return mq_fail(x->err, MQ_ERR_FORMAT, x->path, 0,
		       "工作簿已损坏（%s 无法读取）；请在 Excel/WPS 中打开后重新另存为 .xlsx / a damaged workbook "
		       "(%s cannot be read): open it in Excel/WPS and save it as .xlsx again", member, member);
}

/* ---- workbook.xml and its relations ---- */

/* Returns 0, 1 when the ZIP has no xl/workbook.xml, or a negative code. */
static int read_workbook_xml(struct xlsx *x)
{
	int missing, rc = 0;
	xmlTextReaderPtr r = member_reader(x, "xl/workbook.xml", &missing);
	if (!r)
		return missing ? 1 : damaged(x, "xl/workbook.xml");
	int k;
	while ((k = xmlTextReaderRead(r)) == 1) {
		if (is_elem(r, "workbookPr")) {
			char *v = attr(r, "date1904");
			x->date1904 = v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0);
			free(v);
		} else if (is_elem(r, "sheet")) {
			if (x->nsheets == MAX_SHEETS)
				break;
			struct sheet_ref *p = realloc(x->sheets, (x->nsheets + 1) * sizeof *p);
			if (!p) {
				rc = MQ_ERR_NOMEM;
				break;
			}
			x->sheets = p;
			struct sheet_ref *s = &x->sheets[x->nsheets++];
			*s = (struct sheet_ref){ attr(r, "name"), attr(r, "id"), NULL, 0 };
			char *state = attr(r, "state");
			s->hidden = state && strcmp(state, "visible") != 0;
			free(state);
		}
	}
	xmlFreeTextReader(r);
	if (!rc && k < 0)
		rc = damaged(x, "xl/workbook.xml");
	return rc;
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

static int read_rels(struct xlsx *x)
{
	int missing, rc = 0, k;
	xmlTextReaderPtr r = member_reader(x, "xl/_rels/workbook.xml.rels", &missing);
	if (!r)
		return missing ? 0 : damaged(x, "xl/_rels/workbook.xml.rels");
	while (!rc && (k = xmlTextReaderRead(r)) == 1) {
		if (!is_elem(r, "Relationship"))
			continue;
		char *id = attr(r, "Id"), *target = attr(r, "Target"), *type = attr(r, "Type");
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
				rc = MQ_ERR_NOMEM;
		}
		free(id);
		free(target);
		free(type);
	}
	xmlFreeTextReader(r);
	return rc;
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

static int read_styles(struct xlsx *x)
{
	int missing, rc = 0, k, in_xfs = 0;
	const char *name = x->styles_path ? x->styles_path : "xl/styles.xml";
	xmlTextReaderPtr r = member_reader(x, name, &missing);
	if (!r)
		return missing ? 0 : damaged(x, name);
	struct custom_fmt { long id; int date; } *custom = NULL;
	size_t ncustom = 0, acustom = 0, astyles = 0;
	while (!rc && (k = xmlTextReaderRead(r)) == 1) {
		if (is_elem(r, "numFmt")) {
			char *id = attr(r, "numFmtId"), *code = attr(r, "formatCode");
			if (id && code) {
				if (mq_grow((void **)&custom, &acustom, ncustom + 1, sizeof *custom))
					rc = MQ_ERR_NOMEM;
				else
					custom[ncustom++] = (struct custom_fmt){ strtol(id, NULL, 10), custom_date(code) };
			}
			free(id);
			free(code);
		} else if (is_elem(r, "cellXfs")) {
			in_xfs = !xmlTextReaderIsEmptyElement(r);
		} else if (is_end(r, "cellXfs")) {
			in_xfs = 0;
		} else if (in_xfs && is_elem(r, "xf")) {
			char *id = attr(r, "numFmtId");
			long fid = id ? strtol(id, NULL, 10) : 0;
			free(id);
			int date = builtin_date(fid);
			for (size_t i = 0; i < ncustom; i++)
				if (custom[i].id == fid)
					date = custom[i].date;
			if (mq_grow((void **)&x->date_style, &astyles, x->nstyles + 1, 1))
				rc = MQ_ERR_NOMEM;
			else
				x->date_style[x->nstyles++] = (unsigned char)date;
		}
	}
	free(custom);
	xmlFreeTextReader(r);
	return rc;
}

/* ---- shared strings ---- */

static int read_strings(struct xlsx *x)
{
	int missing, rc = 0, k, in_t = 0, in_rph = 0, in_si = 0;
	const char *name = x->strings_path ? x->strings_path : "xl/sharedStrings.xml";
	xmlTextReaderPtr r = member_reader(x, name, &missing);
	if (!r)
		return missing ? 0 : damaged(x, name);
	x->strings.cap = (size_t)MAX_STRINGS_BYTES;
	while (!rc && (k = xmlTextReaderRead(r)) == 1) {
		if (is_elem(r, "si")) {
			/* never sized by the declared count: a hostile file claims billions */
			if (mq_grow((void **)&x->str_off, &x->astrings, x->nstrings + 1, sizeof *x->str_off)) {
				rc = MQ_ERR_NOMEM;
				break;
			}
			x->str_off[x->nstrings++] = x->strings.len;
			in_si = 1;
			if (xmlTextReaderIsEmptyElement(r)) {
				in_si = 0;
				rc = mq_buf_addc(&x->strings, '\0') ? MQ_ERR_LIMIT : 0;
			}
		} else if (is_end(r, "si")) {
			in_si = 0;
			rc = mq_buf_addc(&x->strings, '\0') ? MQ_ERR_LIMIT : 0;
		} else if (is_elem(r, "rPh")) {
			in_rph = !xmlTextReaderIsEmptyElement(r);
		} else if (is_end(r, "rPh")) {
			in_rph = 0;
		} else if (is_elem(r, "t")) {
			in_t = !xmlTextReaderIsEmptyElement(r);
		} else if (is_end(r, "t")) {
			in_t = 0;
		} else if (in_si && in_t && !in_rph && is_text(r)) {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			rc = mq_buf_adds(&x->strings, v) ? MQ_ERR_LIMIT : 0;
		}
	}
	xmlFreeTextReader(r);
	if (rc == MQ_ERR_LIMIT)
		return mq_fail(x->err, MQ_ERR_LIMIT, x->path, 0,
			       "工作簿的共享字符串超过 1 GiB / the workbook's shared strings exceed 1 GiB");
	if (!rc && k < 0)
		return damaged(x, name);
	return rc;
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

struct row_state {
	struct mq_buf bytes;         /* the row's cell texts, NUL-terminated */
	size_t *off, *len;           /* per column; off == SIZE_MAX: empty */
	size_t aoff, ncols;
	const char **cells;
	size_t acells;
};

static int row_set(struct row_state *rs, size_t col, const char *s, size_t n)
{
	if (col >= rs->ncols) {
		size_t need = col + 1;
		if (need > rs->aoff &&
		    mq_resize_pair((void **)&rs->off, sizeof *rs->off, (void **)&rs->len, sizeof *rs->len, &rs->aoff,
				   need * 2 > MAX_COLS ? MAX_COLS : need * 2))
			return MQ_ERR_NOMEM;
		for (size_t i = rs->ncols; i < need; i++)
			rs->off[i] = (size_t)-1;
		rs->ncols = need;
	}
	if (n > MAX_CELL_BYTES)
		n = MAX_CELL_BYTES;
	if (rs->bytes.len + n > MAX_ROW_BYTES)
		return 0;                    /* a row this big keeps what fitted */
	rs->off[col] = rs->bytes.len;
	rs->len[col] = n;
	return mq_buf_add(&rs->bytes, s, n) || mq_buf_addc(&rs->bytes, '\0') ? MQ_ERR_NOMEM : 0;
}

static int row_emit(struct row_state *rs, struct mq_sheet_rows *sr, long line)
{
	if (rs->ncols > rs->acells) {
		const char **c = realloc(rs->cells, rs->ncols * sizeof *c);
		if (!c)
			return MQ_ERR_NOMEM;
		rs->cells = c;
		rs->acells = rs->ncols;
	}
	for (size_t i = 0; i < rs->ncols; i++)
		rs->cells[i] = rs->off[i] == (size_t)-1 ? NULL : rs->bytes.data + rs->off[i];
	int rc = mq_sheet_row(sr, line, rs->cells, rs->len, rs->ncols);
	mq_buf_reset(&rs->bytes);
	rs->ncols = 0;
	return rc;
}

/* "BC12" -> column 54 (0-based) and row 12; -1 when not a reference. */
static long ref_col(const char *ref, long *row)
{
	long col = 0;
	const char *p = ref;
	while (*p >= 'A' && *p <= 'Z' && col <= MAX_COLS)
		col = col * 26 + (*p++ - 'A' + 1);
	if (p == ref || col > MAX_COLS)
		return -1;
	char *end;
	long r = strtol(p, &end, 10);
	*row = end != p && r > 0 ? r : 0;
	return col - 1;
}

/* The cell's text as Excel shows it into out (a view into x's strings or
 * a copy into num). */
static void cell_text(struct xlsx *x, const char *type, long style, const char *v, size_t vlen,
		      const char **out, size_t *outlen, char num[40])
{
	*out = v;
	*outlen = vlen;
	if (!type || strcmp(type, "n") == 0) {
		char *end;
		double d = strtod(v, &end);
		if (!vlen || end == v)
			return;
		if (style >= 0 && (size_t)style < x->nstyles && x->date_style[style] && d >= 0 && d < 2958466)
			format_date(d, x->date1904, num);
		else
			mq_sheet_general(d, num);
		*out = num;
		*outlen = strlen(num);
	} else if (strcmp(type, "s") == 0) {
		char *end;
		long i = strtol(v, &end, 10);
		if (end == v || i < 0 || (size_t)i >= x->nstrings) {
			*outlen = 0;
			return;
		}
		*out = x->strings.data + x->str_off[i];
		*outlen = strlen(*out);
	} else if (strcmp(type, "b") == 0) {
		*out = strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
		*outlen = strlen(*out);
	} else if (strcmp(type, "e") == 0) {
		*outlen = 0;                 /* #N/A and the like: no value */
	} else if (strcmp(type, "d") == 0) {
		*outlen = vlen > 10 ? 10 : vlen;   /* ISO 8601: the date part */
	}
}

/* Streams one worksheet into sr. Returns 0, the record callback's value or
 * a negative code. */
static int read_sheet(struct xlsx *x, const char *member, struct mq_sheet_rows *sr)
{
	int missing, rc = 0, k;
	xmlTextReaderPtr r = member_reader(x, member, &missing);
	if (!r)
		return damaged(x, member);
	struct row_state rs = { .bytes = MQ_BUF_INIT };
	struct mq_buf val = MQ_BUF_INIT_CAP(MAX_CELL_BYTES);
	long row = 0, col = -1;
	char *type = NULL;
	long style = -1;
	int in_row = 0, in_cell = 0, in_v = 0, in_t = 0, in_rph = 0, overflow = 0;
	char num[40];
	while (!rc && (k = xmlTextReaderRead(r)) == 1) {
		int t = xmlTextReaderNodeType(r);
		if (t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA || t == XML_READER_TYPE_WHITESPACE ||
		    t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
			if (in_cell && (in_v || (in_t && !in_rph)) && !overflow &&
			    mq_buf_adds(&val, (const char *)xmlTextReaderConstValue(r)))
				overflow = 1;    /* longer than a cell can be: cut */
			continue;
		}
		const char *name = (const char *)xmlTextReaderConstLocalName(r);
		int empty = t == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(r);
		if (t == XML_READER_TYPE_ELEMENT) {
			if (strcmp(name, "row") == 0) {
				char *rn = attr(r, "r");
				long n = rn ? strtol(rn, NULL, 10) : 0;
				free(rn);
				row = n > row ? n : row + 1;
				col = -1;
				in_row = 1;
				if (empty) {
					rc = row_emit(&rs, sr, row);
					in_row = 0;
				}
			} else if (strcmp(name, "c") == 0 && in_row) {
				char *ref = attr(r, "r"), *s = attr(r, "s");
				long rr = 0;
				long c = ref ? ref_col(ref, &rr) : -1;
				col = c >= 0 ? c : col + 1;
				free(ref);
				style = s ? strtol(s, NULL, 10) : -1;
				free(s);
				free(type);
				type = attr(r, "t");
				mq_buf_reset(&val);
				overflow = 0;
				in_cell = !empty;
			} else if (strcmp(name, "v") == 0) {
				in_v = !empty;
			} else if (strcmp(name, "t") == 0) {
				in_t = !empty;
			} else if (strcmp(name, "rPh") == 0) {
				in_rph = !empty;
			}
		} else if (t == XML_READER_TYPE_END_ELEMENT) {
			if (strcmp(name, "v") == 0) {
				in_v = 0;
			} else if (strcmp(name, "t") == 0) {
				in_t = 0;
			} else if (strcmp(name, "rPh") == 0) {
				in_rph = 0;
			} else if (strcmp(name, "c") == 0 && in_cell) {
				in_cell = 0;
				const char *s;
				size_t n;
				cell_text(x, type, style, val.data ? val.data : "", val.len, &s, &n, num);
				if (n && col < MAX_COLS)
					rc = row_set(&rs, (size_t)col, s, n);
			} else if (strcmp(name, "row") == 0 && in_row) {
				in_row = 0;
				rc = row_emit(&rs, sr, row);
			} else if (strcmp(name, "sheetData") == 0) {
				break;
			}
		}
	}
	if (!rc && k < 0)
		rc = damaged(x, member);
	xmlFreeTextReader(r);
	free(type);
	free(rs.off);
	free(rs.len);
	free(rs.cells);
	mq_buf_free(&rs.bytes);
	mq_buf_free(&val);
	return rc;
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
	free(x->str_off);
	free(x->strings_path);
	free(x->styles_path);
	mq_buf_free(&x->strings);
	if (x->zf)
		unzClose(x->zf);
}

/* A ZIP that is no workbook: say what it is when we can tell. */
static int not_a_workbook(struct xlsx *x)
{
	const char *zh = "ZIP 压缩文件", *en = "a ZIP archive";
	if (unzLocateFile(x->zf, "content.xml", 1) == UNZ_OK) {
		zh = "OpenDocument 文件（如 WPS/LibreOffice 的 .ods）";
		en = "an OpenDocument file (such as .ods)";
	} else if (unzLocateFile(x->zf, "word/document.xml", 1) == UNZ_OK) {
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
	struct xlsx x = { .path = path, .base = slash ? slash + 1 : path, .err = err, .strings = MQ_BUF_INIT };
	struct mq_buf source = MQ_BUF_INIT;
	int rc = 0;
	xmlInitParser();
	x.zf = unzOpen2_64(path, &ff);
	if (!x.zf) {
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0,
			     "工作簿已损坏或不完整（ZIP 目录无法读取）；请在 Excel/WPS 中重新另存为 .xlsx / a damaged "
			     "or incomplete workbook (its ZIP directory cannot be read): save it as .xlsx again");
		goto out;
	}
	if ((rc = read_workbook_xml(&x)) == 1) {
		rc = not_a_workbook(&x);
		goto out;
	}
	if (rc || (rc = read_rels(&x)) || (rc = read_styles(&x)) || (rc = read_strings(&x)))
		goto out;
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
		struct mq_sheet_rows *sr = mq_sheet_rows_new(source.data, opts, fn, ctx, stats);
		if (!sr) {
			rc = MQ_ERR_NOMEM;
			break;
		}
		rc = read_sheet(&x, s->target, sr);
		rc = mq_sheet_rows_end(sr, rc);
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
	xlsx_free(&x);
	return rc;
}
