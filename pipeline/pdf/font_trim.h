/* font_trim.h — private to pdf.c: trimming the TrueType font program (an
 * sfnt) embedded for a CIDFontType2 font. Works on bytes only; it knows
 * nothing of libharu.
 *
 * libharu subsets the glyf table but copies the other tables whole: glyph
 * names (post), the Unicode cmap, name records, and loca and hmtx for every
 * glyph of the font, most of a report's bytes and of the time spent
 * deflating them. A CIDFontType2 finds its glyphs through CIDToGIDMap, so
 * (ISO 32000-1, 9.9) the font program needs no cmap; glyph ids must stay
 * as they are, since CIDToGIDMap names them. */
#ifndef MINQING_FONT_TRIM_H
#define MINQING_FONT_TRIM_H

#include <stddef.h>
#include <stdint.h>

/* The glyph ids a composite glyph's data (one glyf entry of len bytes) is
 * made of, at most max of them into ids. Returns their number, 0 for a
 * simple or empty glyph, -1 when the data is cut short. */
int mq_glyf_components(const unsigned char *glyph, size_t len, uint16_t *ids, int max);

/* Rewrites the font program in[0, n): cmap dropped; post made format 3
 * (no glyph names, so only its 32-byte header is read); name keeps records
 * 0-6 (copyright, family, subfamily, unique id, full name, version,
 * PostScript name); tables 4-byte aligned, sorted, with their checksums
 * and head.checkSumAdjustment recomputed. When maxp, hhea, hmtx, loca and
 * glyf agree, numGlyphs is also cut to the largest kept glyph + 1, with
 * loca, glyf, hmtx, maxp and hhea to match, and the metrics of glyphs not
 * kept zeroed (else those tables stay as they are). Kept glyphs: glyph 0,
 * g with keep[g] != 0 (g < nkeep), every glyph with outline data, and the
 * components of kept composites.
 * Returns 0 with *out (malloc'd, the caller frees it) and *out_n;
 * MQ_ERR_NOMEM; or MQ_ERR_FORMAT for a font whose table directory it does
 * not know (a table it does not know, no head, a post shorter than its
 * header): the caller then embeds it as it is. */
int mq_sfnt_trim(const unsigned char *in, size_t n, const unsigned char *keep, size_t nkeep,
		 unsigned char **out, size_t *out_n);

#endif
