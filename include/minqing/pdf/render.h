/* render.h — renders a template (template.h) filled with data into a PDF.
 *
 * mq_render_pdf lays the template out (CJK line breaking, pagination,
 * repeated table headers, page X of Y), draws it with subsets (hb-subset)
 * of the template's fonts (TrueType or OpenType/CFF, found by name through
 * fontconfig), writes bookmarks, document info and XMP, and writes a
 * PDF/A-2b file atomically. The same template, data and options give a
 * byte-identical file: dates come from opts->date, else SOURCE_DATE_EPOCH,
 * else none.
 *
 * Each character is drawn by the first font of its role's fallback chain
 * that has it; a character no font of the chain has is
 * drawn as "[U+XXXX]" and reported in result->warnings, once per
 * (data set, row, field, code point). The result is caller-owned: free it
 * with mq_render_result_free (NULL-safe; it may be zero-initialised and is
 * filled even when rendering fails half-way).
 *
 * Font faces and their metrics (advance widths, glyph coverage) are kept
 * per process and shared by every document rendered after; they live
 * until mq_render_cache_free (optional: call it at exit for leak
 * checkers). Each document subsets each face it draws once, on save. */
#ifndef MINQING_RENDER_H
#define MINQING_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "minqing/core/error.h"
#include "minqing/pdf/template.h"

struct mq_render_opts {
	const char *date;      /* "YYYY-MM-DD" for CreationDate/ModDate; NULL: SOURCE_DATE_EPOCH or none */
	const char *author;    /* overrides the template's <info author>; NULL keeps it */
	void (*on_page)(void *ctx); /* called as each page is begun (may be NULL): progress */
	void *on_page_ctx;
};

struct mq_render_warning {
	char dataset[64];      /* "" for scalars and template text */
	long row;              /* 0-based row in the data set, -1 when none */
	char field[64];        /* field or scalar name; "" for template text */
	uint32_t codepoint;
	char message[256];     /* Chinese / English, one line */
};

struct mq_render_result {
	int pages;
	size_t nwarnings;                   /* warnings stored (at most 1000) */
	size_t nwarnings_total;             /* warnings found, stored or not */
	struct mq_render_warning *warnings;
};

/* Renders t with data d into out_path (opts may be NULL). Returns 0 or a
 * negative MQ_ERR_*; an error in the template names its file and line. */
int mq_render_pdf(const struct mq_template *t, const struct mq_data *d,
		  const char *out_path, const struct mq_render_opts *opts,
		  struct mq_render_result *result, struct mq_error *err);
void mq_render_result_free(struct mq_render_result *r);  /* frees warnings, keeps r */
void mq_render_cache_free(void);  /* frees the font faces; no render may run */

#endif
