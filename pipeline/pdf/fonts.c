/* fonts.c — fonts by name (fontconfig), glyphs and widths, subsets
 * (HarfBuzz hb-subset). See fonts.h for the codes a face is drawn with. */
#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <hb.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FACES 32
#define PAGE 256               /* code points per page of the glyph cache */
#define NPAGES (0x110000 / PAGE)

struct glyph {
	uint16_t code;
	int16_t width;
	uint8_t state;             /* 0 not asked, 1 has a glyph, 2 has none */
};

/* A CID-keyed CFF face's working face (see mq_face_subset). */
struct work {
	hb_face_t *face;           /* NULL until made */
	hb_set_t *have;            /* glyphs of the whole face in it */
	hb_set_t *want;            /* those and the glyphs missed since it was made */
	uint16_t *gid;             /* whole face's glyph -> its glyph, nglyphs entries */
	unsigned misses, due;      /* documents missed since made, remade at due */
	struct mq_face_work_stats stats;
};

struct mq_face {
	char *file;
	int index;
	hb_blob_t *blob;
	hb_face_t *face;
	hb_font_t *font;
	unsigned upem, nglyphs;
	int cid_keyed;             /* CFF with a CID charset: codes are CIDs */
	uint16_t *cid2gid;         /* 65536 entries when cid_keyed */
	uint16_t *gid2cid;         /* nglyphs entries when cid_keyed */
	struct work work;
	struct glyph *page[NPAGES];
	struct mq_face_info info;
};

static struct mq_face *faces[MAX_FACES];

static void work_free(struct work *w);

/* ---- fontconfig ---- */

/* Debian packages of the families the templates name by default or that
 * offices ask for; a family not here is named with its own package
 * attribute or none. */
static const struct {
	const char *prefix, *package;
} known_packages[] = {
	{"Noto Serif CJK", "fonts-noto-cjk"},
	{"Noto Sans CJK", "fonts-noto-cjk"},
	{"AR PL UKai", "fonts-arphic-ukai"},
	{"AR PL UMing", "fonts-arphic-uming"},
	{"HanaMin", "fonts-hanazono"},
	{"WenQuanYi Zen Hei", "fonts-wqy-zenhei"},
	{"WenQuanYi Micro Hei", "fonts-wqy-microhei"},
	{"Droid Sans Fallback", "fonts-droid-fallback"},
};

static const char *package_of(const char *family, const char *package)
{
	if (package && *package)
		return package;
	for (size_t i = 0; i < sizeof known_packages / sizeof *known_packages; i++)
		if (strncasecmp(family, known_packages[i].prefix, strlen(known_packages[i].prefix)) == 0)
			return known_packages[i].package;
	return NULL;
}

static int fc_state = -1;      /* -1 not started, 0 failed, 1 ready */

static int fc_ready(void)
{
	if (fc_state < 0)
		fc_state = FcInit() ? 1 : 0;
	return fc_state;
}

static int has_string(FcPattern *p, const char *object, const char *want)
{
	FcChar8 *s;
	for (int i = 0; FcPatternGetString(p, object, i, &s) == FcResultMatch; i++)
		if (FcStrCmpIgnoreCase(s, (const FcChar8 *)want) == 0)
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The families of installed fonts that cover Chinese (family NULL), or
 * the styles of family, sorted, joined with ", " into out (cut short with
 * "…" when long); "" when none. */
static void list_names(const char *family, char *out, size_t size)
{
	*out = '\0';
	FcPattern *pat = family ? FcPatternBuild(NULL, FC_FAMILY, FcTypeString, family, (char *)0)
		: FcNameParse((const FcChar8 *)":lang=zh-cn");
	const char *object = family ? FC_STYLE : FC_FAMILY;
	FcObjectSet *os = FcObjectSetBuild(object, (char *)0);
	FcFontSet *fs = pat && os ? FcFontList(NULL, pat, os) : NULL;
	char **names = fs ? calloc((size_t)fs->nfont + 1, sizeof *names) : NULL;
	int n = 0;
	for (int i = 0; names && i < fs->nfont; i++) {
		FcChar8 *s;
		if (FcPatternGetString(fs->fonts[i], object, 0, &s) == FcResultMatch)
			names[n++] = (char *)s;
	}
	if (names)
		qsort(names, (size_t)n, sizeof *names, cmp_str);
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		if (i && strcmp(names[i], names[i - 1]) == 0)
			continue;
		size_t k = strlen(names[i]);
		if (len + k + 8 >= size) {
			snprintf(out + len, size - len, "%s…", len ? ", " : "");
			break;
		}
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? ", " : "", names[i]);
	}
	free(names);
	if (fs)
		FcFontSetDestroy(fs);
	if (os)
		FcObjectSetDestroy(os);
	if (pat)
		FcPatternDestroy(pat);
}

int mq_font_find(const char *family, const char *style, const char *package,
		 const char *where, long line, char **file, int *index, struct mq_error *err)
{
	*file = NULL;
	*index = 0;
	if (!fc_ready())
		return mq_fail(err, MQ_ERR_IO, where, line, "fontconfig 无法初始化 / fontconfig cannot start");
	FcPattern *pat = FcPatternCreate(), *match = NULL;
	int ok = pat && FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family) &&
		(!style || !*style || FcPatternAddString(pat, FC_STYLE, (const FcChar8 *)style));
	if (ok) {
		FcResult res;
		FcConfigSubstitute(NULL, pat, FcMatchPattern);
		FcDefaultSubstitute(pat);
		match = FcFontMatch(NULL, pat, &res);
	}
	FcChar8 *path;
	int idx = 0;
	/* FcFontMatch always finds something: the family (and style) asked
	 * for must be among the match's names */
	if (match && has_string(match, FC_FAMILY, family) &&
	    (!style || !*style || has_string(match, FC_STYLE, style)) &&
	    FcPatternGetString(match, FC_FILE, 0, &path) == FcResultMatch) {
		FcPatternGetInteger(match, FC_INDEX, 0, &idx);
		*file = strdup((const char *)path);
		*index = idx;
	}
	if (match)
		FcPatternDestroy(match);
	if (pat)
		FcPatternDestroy(pat);
	if (!ok)
		return mq_fail_nomem(err, where, line);
	if (*file)
		return 0;
	char fams[768];
	if (style && *style) {
		list_names(family, fams, sizeof fams);
		if (*fams)
			return mq_fail(err, MQ_ERR_IO, where, line,
				       "字体 \"%s\" 没有样式 \"%s\"，已安装的样式：%s / font \"%s\" has no style \"%s\"; "
				       "styles installed: %s", family, style, fams, family, style, fams);
	}
	list_names(NULL, fams, sizeof fams);
	if (!*fams)
		snprintf(fams, sizeof fams, "（无 / none）");
	const char *pkg = package_of(family, package);
	char st[96] = "";
	if (style && *style)
		snprintf(st, sizeof st, " %s", style);
	if (pkg)
		return mq_fail(err, MQ_ERR_IO, where, line,
			       "找不到字体 \"%s%s\"，请安装 Debian 软件包 %s；已安装的中文字体：%s / "
			       "font \"%s%s\" not found: install the Debian package %s; installed Chinese fonts: %s",
			       family, st, pkg, fams, family, st, pkg, fams);
	return mq_fail(err, MQ_ERR_IO, where, line,
		       "找不到字体 \"%s%s\"，请把字体文件复制到 /usr/local/share/fonts/ 后运行 fc-cache；"
		       "已安装的中文字体：%s / font \"%s%s\" not found: copy its files to "
		       "/usr/local/share/fonts/ and run fc-cache; installed Chinese fonts: %s",
		       family, st, fams, family, st, fams);
}

/* ---- CFF charset: glyph id -> CID ---- */

struct span {
	const uint8_t *p;
	size_t n;
};

static unsigned be(const uint8_t *p, int size)
{
	unsigned v = 0;
	for (int i = 0; i < size; i++)
		v = v << 8 | p[i];
	return v;
}

/* The INDEX at *at: its first item in *first (may be NULL), *at moved past
 * it. 0, or -1 when it does not fit. */
static int cff_index(struct span cff, size_t *at, struct span *first)
{
	if (*at + 2 > cff.n)
		return -1;
	unsigned count = be(cff.p + *at, 2);
	if (!count) {
		*at += 2;
		if (first)
			first->n = 0;
		return 0;
	}
	if (*at + 3 > cff.n)
		return -1;
	int osz = cff.p[*at + 2];
	if (osz < 1 || osz > 4 || *at + 3 + (size_t)(count + 1) * osz > cff.n)
		return -1;
	const uint8_t *offs = cff.p + *at + 3;
	size_t base = *at + 3 + (size_t)(count + 1) * osz - 1;
	size_t o0 = be(offs, osz), o1 = be(offs + osz, osz), last = be(offs + (size_t)count * osz, osz);
	if (o0 < 1 || o1 < o0 || last < o1 || base + last > cff.n)
		return -1;
	if (first)
		*first = (struct span){cff.p + base + o0, o1 - o0};
	*at = base + last;
	return 0;
}

/* Reads the Top DICT: *ros when it has ROS (CID-keyed), *charset its
 * charset offset (0 when none). */
static void top_dict(struct span d, int *ros, long *charset)
{
	long arg = 0;
	*ros = 0;
	*charset = 0;
	for (size_t i = 0; i < d.n; ) {
		unsigned b = d.p[i];
		if (b >= 32 && b <= 246) {
			arg = (long)b - 139;
			i++;
		} else if (b >= 247 && b <= 254) {
			if (i + 1 >= d.n)
				return;
			arg = b <= 250 ? (long)(b - 247) * 256 + d.p[i + 1] + 108
				: -(long)(b - 251) * 256 - d.p[i + 1] - 108;
			i += 2;
		} else if (b == 28) {
			if (i + 2 >= d.n)
				return;
			arg = (int16_t)be(d.p + i + 1, 2);
			i += 3;
		} else if (b == 29) {
			if (i + 4 >= d.n)
				return;
			arg = (int32_t)be(d.p + i + 1, 4);
			i += 5;
		} else if (b == 30) {   /* real: nibbles up to an 0xF */
			for (i++; i < d.n && (d.p[i] & 0x0F) != 0x0F && (d.p[i] & 0xF0) != 0xF0; i++)
				;
			i++;
		} else if (b == 12) {
			if (i + 1 < d.n && d.p[i + 1] == 30)
				*ros = 1;
			i += 2;
		} else {
			if (b == 15)
				*charset = arg;
			i++;
		}
	}
}

/* Fills gid2cid from the charset of a CID-keyed CFF; -1 when it is not
 * one or does not read. */
static int cff_cids(struct span cff, unsigned nglyphs, uint16_t *gid2cid)
{
	size_t at;
	struct span top;
	int ros;
	long cs;
	if (cff.n < 4 || (at = cff.p[2]) >= cff.n || cff_index(cff, &at, NULL) ||
	    cff_index(cff, &at, &top) || !top.n)
		return -1;
	top_dict(top, &ros, &cs);
	if (!ros || cs <= 2 || (size_t)cs >= cff.n)
		return -1;
	const uint8_t *p = cff.p + cs, *end = cff.p + cff.n;
	int fmt = *p++;
	gid2cid[0] = 0;
	for (unsigned g = 1; g < nglyphs; ) {
		if (fmt == 0) {
			if (end - p < 2)
				return -1;
			gid2cid[g++] = (uint16_t)be(p, 2);
			p += 2;
		} else if (fmt == 1 || fmt == 2) {
			int w = fmt == 1 ? 1 : 2;
			if (end - p < 2 + w)
				return -1;
			unsigned first = be(p, 2), left = be(p + 2, w);
			p += 2 + w;
			for (unsigned k = 0; k <= left && g < nglyphs; k++)
				gid2cid[g++] = (uint16_t)(first + k);
		} else {
			return -1;
		}
	}
	return 0;
}

/* ---- faces ---- */

static int scale(const struct mq_face *f, long v)
{
	return (int)(v >= 0 ? (v * 1000 + f->upem / 2) / f->upem : -((-v * 1000 + f->upem / 2) / f->upem));
}

static void face_info(struct mq_face *f)
{
	struct mq_face_info *in = &f->info;
	char name[128];
	unsigned n = sizeof name, len = 0;
	hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &n, name);
	/* PDF name characters: printable ASCII but delimiters and '#' */
	for (unsigned i = 0; i < n && len + 1 < sizeof in->psname; i++)
		if (name[i] > 0x20 && name[i] < 0x7F && !strchr("()<>[]{}/%#", name[i]))
			in->psname[len++] = name[i];
	if (!len)
		len = (unsigned)snprintf(in->psname, sizeof in->psname, "Font%d", f->index);
	in->psname[len] = '\0';
	hb_font_extents_t e;
	hb_font_get_h_extents(f->font, &e);
	in->ascent = scale(f, e.ascender);
	in->descent = scale(f, e.descender);
	hb_position_t cap = 0;
	in->cap_height = hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) && cap > 0
		? scale(f, cap) : in->ascent;
	hb_blob_t *head = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
	unsigned hn;
	const uint8_t *h = (const uint8_t *)hb_blob_get_data(head, &hn);
	const int none[4] = {0, in->descent, 1000, in->ascent};
	for (int i = 0; i < 4; i++)
		in->bbox[i] = hn >= 54 ? scale(f, (int16_t)be(h + 36 + 2 * i, 2)) : none[i];
	hb_blob_destroy(head);
	in->italic_angle = (int)(hb_style_get_value(f->font, HB_STYLE_TAG_SLANT_ANGLE));
}

void mq_face_free(struct mq_face *f)
{
	if (!f)
		return;
	for (int i = 0; i < NPAGES; i++)
		free(f->page[i]);
	free(f->cid2gid);
	free(f->gid2cid);
	work_free(&f->work);
	hb_font_destroy(f->font);
	hb_face_destroy(f->face);
	hb_blob_destroy(f->blob);
	free(f->file);
	free(f);
}

int mq_face_new(const char *file, int index, struct mq_face **out, struct mq_error *err)
{
	struct mq_face *f = calloc(1, sizeof *f);
	*out = NULL;
	if (!f || !(f->file = strdup(file))) {
		free(f);
		return mq_fail_nomem(err, file, 0);
	}
	f->index = index;
	f->blob = hb_blob_create_from_file_or_fail(file);
	if (!f->blob || index < 0 || (unsigned)index >= hb_face_count(f->blob)) {
		mq_face_free(f);
		return mq_fail(err, MQ_ERR_IO, file, 0,
			       "无法读取字体文件 %s 第 %d 号字面 / cannot read font face %d of %s",
			       file, index, index, file);
	}
	f->face = hb_face_create(f->blob, (unsigned)index);
	f->font = hb_font_create(f->face);
	f->upem = hb_face_get_upem(f->face);
	f->nglyphs = hb_face_get_glyph_count(f->face);
	hb_font_set_scale(f->font, (int)f->upem, (int)f->upem);
	if (!f->upem || !f->nglyphs || f->nglyphs > 65536) {
		mq_face_free(f);
		return mq_fail(err, MQ_ERR_IO, file, 0,
			       "不是可用的字体：%s 第 %d 号字面 / not a usable font: face %d of %s",
			       file, index, index, file);
	}
	hb_blob_t *cff = hb_face_reference_table(f->face, HB_TAG('C', 'F', 'F', ' '));
	unsigned n;
	const uint8_t *d = (const uint8_t *)hb_blob_get_data(cff, &n);
	f->info.cff = n > 0;
	if (n) {
		f->gid2cid = malloc(f->nglyphs * sizeof *f->gid2cid);
		f->cid2gid = calloc(65536, sizeof *f->cid2gid);
		if (f->gid2cid && f->cid2gid && cff_cids((struct span){d, n}, f->nglyphs, f->gid2cid) == 0) {
			f->cid_keyed = 1;
			for (unsigned g = f->nglyphs; g-- > 0; )
				f->cid2gid[f->gid2cid[g]] = (uint16_t)g;
		}
	}
	hb_blob_destroy(cff);
	/* outlines a PDF embeds: glyf (FontFile2) or CFF (FontFile3); not
	 * CFF2 (variable) or bitmaps only */
	hb_blob_t *glyf = hb_face_reference_table(f->face, HB_TAG('g', 'l', 'y', 'f'));
	int outlines = f->info.cff || hb_blob_get_length(glyf) > 0;
	hb_blob_destroy(glyf);
	if (!outlines) {
		mq_face_free(f);
		return mq_fail(err, MQ_ERR_IO, file, 0,
			       "字体没有 TrueType 或 CFF 轮廓：%s 第 %d 号字面 / no TrueType or CFF outlines "
			       "in face %d of %s", file, index, index, file);
	}
	if (f->info.cff && (!f->gid2cid || !f->cid2gid)) {
		mq_face_free(f);
		return mq_fail_nomem(err, file, 0);
	}
	face_info(f);
	*out = f;
	return 0;
}

int mq_face_get(const char *file, int index, struct mq_face **out, struct mq_error *err)
{
	int i = 0;
	for (; i < MAX_FACES && faces[i]; i++)
		if (faces[i]->index == index && strcmp(faces[i]->file, file) == 0) {
			*out = faces[i];
			return 0;
		}
	if (i == MAX_FACES)
		return mq_fail(err, MQ_ERR_LIMIT, file, 0, "字体过多（最多 %d 个）/ too many fonts (at most %d)",
			       MAX_FACES, MAX_FACES);
	int rc = mq_face_new(file, index, out, err);
	if (!rc)
		faces[i] = *out;
	return rc;
}

void mq_faces_free(void)
{
	for (int i = 0; i < MAX_FACES; i++) {
		mq_face_free(faces[i]);
		faces[i] = NULL;
	}
	/* fontconfig 2.14 loses some of its configuration unless finished */
	if (fc_state > 0)
		FcFini();
	fc_state = -1;
}

const struct mq_face_info *mq_face_info(const struct mq_face *f) { return &f->info; }

int mq_face_glyph(struct mq_face *f, uint32_t cp, uint16_t *code, int *width)
{
	if (cp >= 0x110000)
		return 0;
	struct glyph **pg = &f->page[cp / PAGE];
	if (!*pg && !(*pg = calloc(PAGE, sizeof **pg)))
		return 0;
	struct glyph *g = &(*pg)[cp % PAGE];
	if (!g->state) {
		hb_codepoint_t gid = 0;
		g->state = 2;
		if (hb_font_get_nominal_glyph(f->font, cp, &gid) && gid && gid < f->nglyphs) {
			long adv = hb_font_get_glyph_h_advance(f->font, gid);
			g->state = 1;
			g->code = f->cid_keyed ? f->gid2cid[gid] : (uint16_t)gid;
			g->width = (int16_t)scale(f, adv);
		}
	}
	if (g->state != 1)
		return 0;
	*code = g->code;
	*width = g->width;
	return 1;
}

/* ---- subsets ----
 * hb-subset reads the whole face for every subset it cuts: about 10 ms
 * for a 65,535-glyph Noto CJK face whatever the subset's size, and most
 * of a document's font cost. A CID-keyed CFF face therefore keeps a
 * working face: an hb-subset of the face holding the glyphs that
 * documents of this process drew, desubroutinized, its CIDs kept. A
 * document's subset is cut from it when it has every glyph asked for.
 * The subset of the working face is byte for byte the subset of the whole
 * face: the same charstrings in the same order, the same CIDs, the same
 * FDArray (test_fonts checks it), so output never depends on what was
 * rendered before. A document that misses it makes it again with its
 * glyphs: making a small working face costs about what cutting the
 * subset from the whole face would (both read the whole face), and the
 * documents after it then hit (a county's reports draw a few hundred
 * glyphs again and again; each ledger's title brings its village's
 * name). Past WORK_EAGER glyphs a make costs more: it is made after 2,
 * then 4, 8 ... documents missed it, never beyond WORK_MAX glyphs: a
 * miss costs what a subset cost before. */
#define WORK_EAGER 4096
#define WORK_MAX 16384

/* Tables a PDF does not read: layout, vertical metrics, variations, the
 * cmap (ToUnicode maps the codes) and the like. */
static const hb_tag_t drop[] = {
	HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
	HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
	HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'),
	HB_TAG('D', 'S', 'I', 'G'), HB_TAG('k', 'e', 'r', 'n'), HB_TAG('m', 'o', 'r', 'x'),
	HB_TAG('g', 'a', 's', 'p'), HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'),
	HB_TAG('V', 'D', 'M', 'X'), HB_TAG('c', 'm', 'a', 'p'), HB_TAG('m', 'e', 't', 'a'),
	HB_TAG('S', 'T', 'A', 'T'), HB_TAG('f', 'v', 'a', 'r'), HB_TAG('a', 'v', 'a', 'r'),
	HB_TAG('g', 'v', 'a', 'r'), HB_TAG('H', 'V', 'A', 'R'), HB_TAG('c', 'v', 'a', 'r'),
};

/* The input of a subset of f holding glyph 0; NULL when out of memory.
 * A CID-keyed CFF keeps its CIDs in the subset's charset; any other
 * keeps its glyph ids, the codes drawn. Charstrings without subroutines
 * deflate better (a two-page ledger's Noto Serif subset 55 KB with them,
 * 46 KB without) and are quicker to cut: hb-subset need not find the
 * subroutines a subset calls. */
static hb_subset_input_t *subset_input(const struct mq_face *f, int keep_cmap)
{
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	if (!in)
		return NULL;
	hb_set_t *ds = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
		if (!keep_cmap || drop[i] != HB_TAG('c', 'm', 'a', 'p'))
			hb_set_add(ds, drop[i]);
	hb_set_add(hb_subset_input_glyph_set(in), 0);
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE |
				  (f->cid_keyed ? 0 : HB_SUBSET_FLAGS_RETAIN_GIDS));
	if (!hb_set_allocation_successful(ds)) {
		hb_subset_input_destroy(in);
		return NULL;
	}
	return in;
}

static void work_free(struct work *w)
{
	hb_face_destroy(w->face);
	hb_set_destroy(w->have);
	hb_set_destroy(w->want);
	free(w->gid);
	*w = (struct work){.stats = w->stats};
}

/* Makes the working face of want's glyphs; keeps the one there was when
 * hb-subset fails. It keeps the cmap: hb-subset adds to a subset the
 * variants (cmap format 14) of the characters of the glyphs asked for,
 * and must find the same ones in the working face as in the whole. */
static void work_make(struct mq_face *f)
{
	struct work *w = &f->work;
	hb_subset_input_t *in = subset_input(f, 1);
	hb_subset_plan_t *plan = NULL;
	if (in) {
		hb_set_union(hb_subset_input_glyph_set(in), w->want);
		plan = hb_subset_plan_create_or_fail(f->face, in);
		hb_subset_input_destroy(in);
	}
	hb_face_t *face = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
	if (face) {
		const hb_map_t *map = hb_subset_plan_old_to_new_glyph_mapping(plan);
		hb_set_clear(w->have);
		for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(w->want, &g); ) {
			hb_codepoint_t to = hb_map_get(map, g);
			if (to != HB_MAP_VALUE_INVALID && to < 65536) {
				w->gid[g] = (uint16_t)to;
				hb_set_add(w->have, g);
			}
		}
		hb_face_destroy(w->face);
		w->face = face;
		w->stats.builds++;
	}
	hb_subset_plan_destroy(plan);
}

/* 1 when the working face has every glyph of gs (made again first when
 * it is due), gs then holding the working face's glyph ids; 0 when the
 * whole face is to be cut. */
static int work_take(struct mq_face *f, hb_set_t *gs)
{
	struct work *w = &f->work;
	if (!w->want) {
		w->have = hb_set_create();
		w->want = hb_set_create();
		w->gid = malloc(f->nglyphs * sizeof *w->gid);
		w->due = 1;
	}
	if (!w->gid)
		return 0;
	if (!hb_set_is_subset(gs, w->have)) {
		hb_set_union(w->want, gs);
		if (!hb_set_allocation_successful(w->want) || !hb_set_allocation_successful(w->have)) {
			work_free(w);       /* tried again, from nothing, next time */
			return 0;
		}
		if (++w->misses < w->due || hb_set_get_population(w->want) > WORK_MAX)
			return 0;
		work_make(f);
		w->misses = 0;
		if (hb_set_get_population(w->want) > WORK_EAGER)
			w->due *= 2;
		if (!w->face || !hb_set_is_subset(gs, w->have))
			return 0;
	}
	hb_set_t *to = hb_set_create();
	for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(gs, &g); )
		hb_set_add(to, w->gid[g]);
	int ok = hb_set_allocation_successful(to);
	if (ok) {
		hb_set_set(gs, to);
		ok = hb_set_allocation_successful(gs);
	}
	hb_set_destroy(to);
	return ok;
}

static int subset(struct mq_face *f, const uint16_t *codes, size_t n, int whole, struct mq_buf *out)
{
	hb_subset_input_t *in = subset_input(f, 0);
	if (!in)
		return MQ_ERR_NOMEM;
	hb_set_t *gs = hb_subset_input_glyph_set(in);
	for (size_t i = 0; i < n; i++) {
		unsigned g = f->cid_keyed ? f->cid2gid[codes[i]] : codes[i];
		if (g < f->nglyphs)
			hb_set_add(gs, g);
	}
	if (!hb_set_allocation_successful(gs)) {
		hb_subset_input_destroy(in);
		return MQ_ERR_NOMEM;
	}
	/* only a CID-keyed CFF: its program is the CFF table alone, whose
	 * CIDs say which glyph is which whatever the glyph ids */
	hb_face_t *src = f->face;
	if (f->cid_keyed && !whole) {
		int take = work_take(f, gs);
		f->work.stats.hits += take;
		f->work.stats.misses += !take;
		if (take)
			src = f->work.face;
	}
	hb_face_t *sub = hb_subset_or_fail(src, in);
	hb_subset_input_destroy(in);
	if (!sub)
		return MQ_ERR_FORMAT;
	hb_blob_t *b = f->info.cff ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '))
		: hb_face_reference_blob(sub);
	unsigned len;
	const char *data = hb_blob_get_data(b, &len);
	int rc = !len ? MQ_ERR_FORMAT : mq_buf_add(out, data, len) ? MQ_ERR_NOMEM : 0;
	hb_blob_destroy(b);
	hb_face_destroy(sub);
	return rc;
}

int mq_face_subset(struct mq_face *f, const uint16_t *codes, size_t n, struct mq_buf *out)
{
	return subset(f, codes, n, 0, out);
}

int mq_face_subset_whole(struct mq_face *f, const uint16_t *codes, size_t n, struct mq_buf *out)
{
	return subset(f, codes, n, 1, out);
}

struct mq_face_work_stats mq_face_work_stats(const struct mq_face *f) { return f->work.stats; }
