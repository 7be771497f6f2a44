/* layout_internal.h — private to the template, layout, pdf and render
 * modules: the parsed template tree, the CJK line breaker and the drawing
 * interface of the PDF writer (pdf.c, which writes every object itself:
 * no libharu; fonts through fonts.h: fontconfig and HarfBuzz).
 *
 * A parsed template lives in its own arena; every pointer in it stays valid
 * until mq_template_free. struct mq_lines is caller-owned and reused. */
#ifndef MINQING_LAYOUT_INTERNAL_H
#define MINQING_LAYOUT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "minqing/core/arena.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/pdf/template.h"

/* ---- template tree ---- */

/* Font roles styles name: song (body), hei (headings), kai (notes) and
 * biaosong (titles: the body family's bold). */
enum mq_font_role { MQ_FONT_SONG, MQ_FONT_HEI, MQ_FONT_KAI, MQ_FONT_BIAOSONG, MQ_FONT_ROLES };
enum mq_align { MQ_ALIGN_LEFT, MQ_ALIGN_CENTER, MQ_ALIGN_RIGHT, MQ_ALIGN_JUSTIFY };

/* One font of a role's chain: named by family (and style) and found
 * through fontconfig when the template is loaded, or named by file and
 * face. After loading, file and face are set. */
struct mq_font_face_spec {
	const char *family, *style;   /* NULL when named by file */
	const char *file, *package;   /* package: Debian package to name, may be "" */
	int face;
	long line;         /* template line, 0 for a built-in default */
	int optional;      /* left out of the chain when not installed */
};

/* A role's fallback chain: a character is drawn by the first font of the
 * chain that has it. */
#define MQ_FONT_CHAIN 6
struct mq_font_spec {
	struct mq_font_face_spec chain[MQ_FONT_CHAIN];
	int n;
};

struct mq_style {
	const char *name;
	int font;          /* enum mq_font_role */
	double size, leading;               /* points */
	double indent;                      /* first-line indent in em */
	double space_before, space_after;   /* points */
	uint8_t rgb[3];
	int align;                          /* enum mq_align */
	int keep_next;                      /* a caption: never ends a page */
	double pad_x, pad_y;                /* a table's cell padding, points */
};

/* A condition: "field op value", "nonempty(set)" or "empty(set)". The
 * value side may hold {placeholders}, expanded in the enclosing context. */
enum mq_cond_kind { MQ_COND_NONE, MQ_COND_CMP, MQ_COND_NONEMPTY, MQ_COND_EMPTY };
enum mq_cmp_op { MQ_OP_EQ, MQ_OP_NE, MQ_OP_LT, MQ_OP_LE, MQ_OP_GT, MQ_OP_GE };
struct mq_cond {
	int kind, op;
	const char *lhs, *rhs;
};

struct mq_when {
	struct mq_cond cond;
	int style;
};

/* A totals cell: nothing, the column's sum, or a value the caller gives
 * (a rate recomputed from the sums, which a sum of rates is not). */
enum mq_total { MQ_TOTAL_NONE, MQ_TOTAL_SUM, MQ_TOTAL_VALUE };

struct mq_column {
	const char *field, *header, *format;
	double share;
	int align;
	int wrap;          /* line-break flags of its body cells (MQ_BREAK_LIST) */
	int fit;           /* 1: at least as wide as its widest unbreakable value */
	double max_share;  /* fit: at most as wide as this width would make it (0 = FIT_MAX) */
	int max_lines;     /* body cells cut to this many lines, ending in "…" (0 = all) */
	int total;         /* enum mq_total: what the totals row shows here */
	const char *total_value;   /* MQ_TOTAL_VALUE: template expanded in the table's context */
	struct mq_when *when;
	int nwhen;
};

enum mq_block_kind {
	MQ_B_TITLE, MQ_B_HEADING, MQ_B_PARA, MQ_B_KV, MQ_B_TABLE, MQ_B_BAR,
	MQ_B_SIGN, MQ_B_BREAK, MQ_B_EACH, MQ_B_IF, MQ_B_SPACE
};

struct mq_block {
	int kind;
	long line;
	int style;                 /* text style (title, heading, p, table body) */
	const char *text;          /* title / heading / paragraph template */
	int level, number;         /* heading level 1..3; auto numbering */
	const char *data;          /* bound data set */
	struct mq_cond where;      /* row filter of the bound set */
	struct mq_cond cond;       /* if */
	/* table */
	struct mq_column *cols;
	int ncols, head_style, total_style, total_label_col;
	const char *total_label;
	int max_rows;              /* body rows a page at most (0 = as many as fit) */
	struct mq_when *rowwhen;
	int nrowwhen;
	/* bar chart */
	const char *label, *value, *format;
	double max, bar_height;
	uint8_t bar_rgb[3];
	/* key-value list: keys[i] / vals[i]; key style in head_style */
	const char **keys, **vals;
	int nitems;
	double key_width;          /* em */
	/* signature: unit, preparer, reviewer, date */
	const char *sign[4];
	/* each / if */
	const char *bookmark;      /* each: title template; heading: non-NULL = bookmarked */
	int newpage;
	double space;              /* space block height, points */
	struct mq_block *child;    /* array of nchild */
	int nchild;
	struct mq_block *alt;      /* if: else branch */
	int nalt;
};

struct mq_template {
	struct mq_arena *arena;
	const char *path;
	const char *title;         /* template's own title attribute, may be "" */
	double page_w, page_h;     /* points, after orientation */
	double margin[4];          /* top, right, bottom, left, points */
	struct mq_font_spec fonts[MQ_FONT_ROLES];
	struct mq_style *styles;
	int nstyles;
	size_t astyles;            /* allocated entries of styles */
	/* left, center, right, outer templates (NULL = none); outer is at the
	 * right of odd pages and the left of even ones (double-sided print) */
	const char *hdr[4], *ftr[4];
	int hdr_style, ftr_style, hdr_rule;
	const char *info[4];       /* title, author, subject, keywords */
	struct mq_block *body;
	int nbody;
};

int mq_template_style(const struct mq_template *t, const char *name); /* index or -1 */

/* ---- formats ---- */

/* Appends value formatted by fmt ("" / NULL = text) to out; an empty value
 * gives "—". Returns 0, MQ_ERR_NOMEM, or MQ_ERR_FORMAT for an unknown fmt. */
int mq_format_value(struct mq_buf *out, const char *value, const char *fmt);
int mq_format_known(const char *fmt);  /* 1 when fmt names a format */

/* ---- line breaking ---- */

/* Advance width in points of code point cp at the caller's size. */
typedef double (*mq_width_fn)(void *ctx, uint32_t cp);

struct mq_line {
	size_t start, end;   /* byte range in the text, trailing spaces excluded */
	double width;        /* points, without the indent */
	int nchars;          /* code points in [start, end) */
	int last;            /* the paragraph's last line */
};

struct mq_lines {
	struct mq_line *v;
	size_t n, alloc;
};

/* Breaks text[0..len) into lines at most `width` wide, the first line
 * narrowed by `indent`: breaks between CJK characters and after spaces,
 * never before a line-start-prohibited or after a line-end-prohibited
 * character; a run that cannot fit anywhere is cut where it overflows.
 * A '\n' forces a break. Fills out (reset first). 0 or MQ_ERR_NOMEM. */
int mq_break_lines(const char *text, size_t len, double width, double indent, int flags,
		   mq_width_fn fn, void *ctx, struct mq_lines *out);
/* flags: a list ("吃穿、基本医疗、务工就业") breaks after "、" only, unless
 * no such break fits the line; MQ_BREAK_NONE breaks only where nothing
 * else fits (a name, with fit="content" its column holds it whole). */
enum { MQ_BREAK_LIST = 1, MQ_BREAK_NONE = 2 };   /* NONE: a name, a short word: never broken */
/* The widest piece of text no break may fall inside (a record id, a
 * number, a word): what a column sized from its content must hold. */
double mq_widest_unbreakable(const char *text, size_t len, int flags, mq_width_fn fn, void *ctx);
/* 1 when a justified line may widen the gap between a and b (between CJK
 * characters, at CJK/Latin boundaries, at spaces: never inside a word or
 * a number). */
int mq_gap_stretches(uint32_t a, uint32_t b);
/* 1 when a is full-width punctuation followed by another mark, so a is
 * set on half its advance ("）、", "。”"). */
int mq_punct_squeeze(uint32_t a, uint32_t b);
/* 1 when some neighbouring pair of s[0..len) squeezes so. */
int mq_punct_squeezes(const char *s, size_t len);
void mq_lines_free(struct mq_lines *l);
int mq_is_cjk(uint32_t cp);
int mq_no_line_start(uint32_t cp);
int mq_no_line_end(uint32_t cp);

/* ---- drawing (pdf.c) ---- */

struct mq_pdf;
struct mq_pdf_info {
	const char *title, *author, *subject, *keywords; /* UTF-8, may be NULL */
	int has_date;
	int year, month, day, hour, minute, second;      /* UTC */
};

int mq_pdf_new(struct mq_pdf **out, struct mq_error *err);
/* Loads a font role's chain (spec as the template loader left it: every
 * font's file and face set) on first use; later calls return at once.
 * Width and glyph lookups take the first font of the chain that has cp. */
int mq_pdf_font(struct mq_pdf *p, int role, const struct mq_font_spec *spec,
		struct mq_error *err);
double mq_pdf_width(struct mq_pdf *p, int role, uint32_t cp);   /* em (1000 units = 1) */
int mq_pdf_has_glyph(struct mq_pdf *p, int role, uint32_t cp);   /* 1 when drawable */
/* The bytes at the start of s whose characters are all drawable. */
size_t mq_pdf_drawable(struct mq_pdf *p, int role, const char *s, size_t len);
int mq_pdf_add_page(struct mq_pdf *p, double w, double h);       /* page index or <0 */
int mq_pdf_use_page(struct mq_pdf *p, int index);
int mq_pdf_page_count(const struct mq_pdf *p);
void mq_pdf_text(struct mq_pdf *p, int role, double size, const uint8_t rgb[3],
		 double x, double y, const char *s, size_t len, double char_space);
void mq_pdf_rect(struct mq_pdf *p, double x, double y, double w, double h,
		 const uint8_t fill[3]);
void mq_pdf_line(struct mq_pdf *p, double x1, double y1, double x2, double y2,
		 double width);
/* A table's rules: a line across x[0]..x[nx - 1] at each y[k] (top to
 * bottom), then one down each x from y[0] to y[ny - 1]. */
#define MQ_PDF_MAX_EDGES 65
void mq_pdf_grid(struct mq_pdf *p, const double *x, int nx, const double *y, size_t ny,
		 double width);
/* Adds a bookmark under parent (-1 = top level) pointing at (page, y);
 * returns its id or <0. */
int mq_pdf_outline(struct mq_pdf *p, int parent, const char *title, int page, double y);
int mq_pdf_save(struct mq_pdf *p, const char *path, const struct mq_pdf_info *info,
		struct mq_error *err);
void mq_pdf_free(struct mq_pdf *p);
/* Frees the per-process font faces and the ICC profile (no document may
 * be open). */
void mq_pdf_cache_free(void);

#endif
