/* fonts.h — private to pipeline/pdf: font faces found by name through
 * fontconfig, measured, and subset with HarfBuzz's hb-subset (fonts.c is
 * the only file that sees fontconfig and HarfBuzz).
 *
 * A face is drawn with 2-byte codes under Identity-H, one code per glyph:
 *  - TrueType (glyf): code = glyph id; the subset keeps the glyph ids
 *    (empty glyphs in between), so CIDToGIDMap is /Identity;
 *  - CID-keyed CFF (Noto CJK): code = the glyph's CID, read from the
 *    font's charset; hb-subset keeps the CIDs in the subset's charset,
 *    which is what a reader maps a CID through (FontFile3 CIDFontType0C);
 *  - name-keyed CFF: code = glyph id, the subset keeps the glyph ids.
 * Faces live per process (mq_face_get, freed by mq_faces_free) or on their
 * own (mq_face_new / mq_face_free). A face is not thread-safe. */
#ifndef MINQING_PDF_FONTS_H
#define MINQING_PDF_FONTS_H

#include <stddef.h>
#include <stdint.h>

#include "minqing/core/buf.h"
#include "minqing/core/error.h"

struct mq_face;

struct mq_face_info {
	char psname[64];        /* PostScript name, PDF name characters only */
	int cff;                /* 1: FontFile3 /CIDFontType0C, 0: FontFile2 */
	int ascent, descent, cap_height, bbox[4];   /* 1000-unit glyph space */
	int italic_angle;
};

/* Finds family (and style, NULL = the regular one) through fontconfig:
 * *file (malloc'd, the caller frees) and *index, the face in a
 * collection. When no installed face has that family (and style), fails
 * with MQ_ERR_IO naming the families of Chinese fonts that are installed
 * and the Debian package to install (package, else a known one for the
 * family); where/line name the template. */
int mq_font_find(const char *family, const char *style, const char *package,
		 const char *where, long line, char **file, int *index, struct mq_error *err);

/* The face index of file, opened once per process. 0 or MQ_ERR_IO
 * (unreadable, not a font), MQ_ERR_NOMEM, MQ_ERR_LIMIT (too many faces). */
int mq_face_get(const char *file, int index, struct mq_face **out, struct mq_error *err);
void mq_faces_free(void);          /* frees every face of mq_face_get, ends fontconfig */

/* A face of its own, for the caller to free. Same returns. */
int mq_face_new(const char *file, int index, struct mq_face **out, struct mq_error *err);
void mq_face_free(struct mq_face *f);  /* NULL-safe */

const struct mq_face_info *mq_face_info(const struct mq_face *f);

/* 1 when the face has a glyph for cp, with its code and its advance in
 * 1000 units; 0 when not (*code, *width untouched). Cached per face. */
int mq_face_glyph(struct mq_face *f, uint32_t cp, uint16_t *code, int *width);

/* The font program of a subset holding the glyphs of codes[0..n) (codes
 * mq_face_glyph gave) and glyph 0, without hinting or layout tables:
 * appended to out. 0, MQ_ERR_FORMAT (hb-subset refused the face) or
 * MQ_ERR_NOMEM. */
int mq_face_subset(struct mq_face *f, const uint16_t *codes, size_t n, struct mq_buf *out);

/* The same bytes, cut from the whole face rather than from the working
 * face a CID-keyed CFF keeps (fonts.c): for tests. */
int mq_face_subset_whole(struct mq_face *f, const uint16_t *codes, size_t n, struct mq_buf *out);

/* How often the working face was made, and the subsets mq_face_subset
 * cut from it (hits) or from the whole face (misses). */
struct mq_face_work_stats {
	unsigned builds, hits, misses;
};
struct mq_face_work_stats mq_face_work_stats(const struct mq_face *f);

#endif
