/* template.c — data binding (scalars, data sets), value formats, and the
 * template loader: XML validated against the XSD, then turned into the
 * block tree of layout_internal.h. */
#include "layout_internal.h"

#include "minqing/core/error.h"
#include "minqing/core/buf.h"
#include "minqing/core/arena.h"
#include "minqing/core/utf8.h"
#include "minqing/core/xmldoc.h"
#include "fonts.h"

#include <ctype.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- data binding ---- */

struct mq_dataset {
	const char *name;
	const char **fields;
	size_t nfields;
	const char **vals;     /* row-major, nrows * nfields */
	size_t nrows, alloc;
	struct mq_data *owner; /* its arena holds the values */
	struct mq_dataset *next;
};

struct scalar {
	const char *name, *value;
};

struct mq_data {
	struct mq_arena *arena;
	struct scalar *sc;
	size_t nsc, asc;
	struct mq_dataset *sets, *last;
};

struct mq_data *mq_data_new(void)
{
	struct mq_data *d = calloc(1, sizeof *d);
	if (d && !(d->arena = mq_arena_new())) {
		free(d);
		return NULL;
	}
	return d;
}

void mq_data_free(struct mq_data *d)
{
	if (!d)
		return;
	/* the sets themselves, their names and values live in the arena */
	for (struct mq_dataset *s = d->sets; s; s = s->next)
		free(s->vals);
	free(d->sc);
	mq_arena_free(d->arena);
	free(d);
}

static const char *dup_str(struct mq_arena *a, const char *s)
{
	if (!s || !*s)
		return "";
	return mq_arena_strndup(a, s, strlen(s));
}

int mq_data_set(struct mq_data *d, const char *name, const char *value, struct mq_error *err)
{
	const char *v = dup_str(d->arena, value);
	if (!v)
		return mq_fail_nomem(err, "", 0);
	for (size_t i = 0; i < d->nsc; i++)
		if (strcmp(d->sc[i].name, name) == 0) {
			d->sc[i].value = v;
			return 0;
		}
	if (mq_grow((void **)&d->sc, &d->asc, d->nsc + 1, sizeof *d->sc))
		return mq_fail_nomem(err, "", 0);
	const char *nm = dup_str(d->arena, name);
	if (!nm)
		return mq_fail_nomem(err, "", 0);
	d->sc[d->nsc++] = (struct scalar){nm, v};
	return 0;
}

const char *mq_data_get(const struct mq_data *d, const char *name)
{
	for (size_t i = 0; d && i < d->nsc; i++)
		if (strcmp(d->sc[i].name, name) == 0)
			return d->sc[i].value;
	return NULL;
}

struct mq_dataset *mq_data_find(const struct mq_data *d, const char *name)
{
	for (struct mq_dataset *s = d ? d->sets : NULL; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

int mq_data_add_set(struct mq_data *d, const char *name, const char *const *fields,
		    size_t nfields, struct mq_dataset **out, struct mq_error *err)
{
	if (mq_data_find(d, name))
		return mq_fail(err, MQ_ERR_USAGE, "", 0, "数据集重复 / duplicate data set \"%s\"", name);
	struct mq_dataset *s = mq_arena_alloc(d->arena, sizeof *s);
	if (s)
		*s = (struct mq_dataset){0};
	if (!s || !(s->name = dup_str(d->arena, name)) ||
	    !(s->fields = mq_arena_alloc(d->arena, (nfields + 1) * sizeof *s->fields)))
		return mq_fail_nomem(err, "", 0);
	for (size_t i = 0; i < nfields; i++)
		if (!(s->fields[i] = dup_str(d->arena, fields[i])))
			return mq_fail_nomem(err, "", 0);
	s->nfields = nfields;
	if (d->last)
		d->last->next = s;
	else
		d->sets = s;
	d->last = s;
	s->owner = d;
	*out = s;
	return 0;
}

int mq_dataset_add_row(struct mq_dataset *s, const char *const *values, struct mq_error *err)
{
	struct mq_data *d = s->owner;
	if (mq_grow((void **)&s->vals, &s->alloc, s->nrows + 1, (s->nfields ? s->nfields : 1) * sizeof *s->vals))
		return mq_fail_nomem(err, "", 0);
	const char **row = s->vals + s->nrows * s->nfields;
	for (size_t i = 0; i < s->nfields; i++)
		if (!(row[i] = dup_str(d->arena, values[i])))
			return mq_fail_nomem(err, "", 0);
	s->nrows++;
	return 0;
}

size_t mq_dataset_rows(const struct mq_dataset *s) { return s ? s->nrows : 0; }
size_t mq_dataset_nfields(const struct mq_dataset *s) { return s ? s->nfields : 0; }
const char *mq_dataset_name(const struct mq_dataset *s) { return s->name; }

const char *mq_dataset_field_name(const struct mq_dataset *s, size_t i)
{
	return i < s->nfields ? s->fields[i] : NULL;
}

int mq_dataset_field(const struct mq_dataset *s, const char *field)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i], field) == 0)
			return (int)i;
	return -1;
}

const char *mq_dataset_value(const struct mq_dataset *s, size_t row, size_t field)
{
	if (row >= s->nrows || field >= s->nfields)
		return NULL;
	return s->vals[row * s->nfields + field];
}

/* ---- formats ---- */

static const char *const format_names[] = {"", "text", "int", "pct", "dec1", "dec2", "date", "month"};

int mq_format_known(const char *fmt)
{
	for (size_t i = 0; i < sizeof format_names / sizeof *format_names; i++)
		if (strcmp(fmt, format_names[i]) == 0)
			return 1;
	return 0;
}

static int parse_num(const char *s, double *v)
{
	char *end;
	while (*s == ' ')
		s++;
	if (!*s)
		return 0;
	*v = strtod(s, &end);
	while (*end == ' ')
		end++;
	return *end == '\0' && isfinite(*v);
}

/* Integer with thousands separators: 1234567 -> 1,234,567. */
static int fmt_int(struct mq_buf *out, double v)
{
	char digits[64];
	double r = round(v);
	if (fabs(r) > 9e17)
		return mq_buf_printf(out, "%.0f", r);
	long long n = (long long)r;
	unsigned long long u = n < 0 ? (unsigned long long)(-(n + 1)) + 1 : (unsigned long long)n;
	int len = snprintf(digits, sizeof digits, "%llu", u);
	int rc = n < 0 ? mq_buf_addc(out, '-') : 0;
	for (int i = 0; i < len && !rc; i++) {
		if (i && (len - i) % 3 == 0)
			rc = mq_buf_addc(out, ',');
		if (!rc)
			rc = mq_buf_addc(out, digits[i]);
	}
	return rc;
}

static int fmt_date(struct mq_buf *out, const char *s, int with_day)
{
	int y, m, d = 1, n = 0;
	int ok = with_day ? sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3
			  : sscanf(s, "%4d-%2d%n", &y, &m, &n) == 2;
	if (!ok || m < 1 || m > 12 || d < 1 || d > 31 || (s[n] && s[n] != ' ' && s[n] != 'T'))
		return mq_buf_adds(out, s);
	if (with_day)
		return mq_buf_printf(out, "%d年%d月%d日", y, m, d);
	return mq_buf_printf(out, "%d年%d月", y, m);
}

int mq_format_value(struct mq_buf *out, const char *value, const char *fmt)
{
	const char *v;
	size_t len = mq_trim(value ? value : "", value ? strlen(value) : 0, &v);
	if (!len)
		return mq_buf_adds(out, "—");
	if (!fmt || !*fmt || strcmp(fmt, "text") == 0)
		return mq_buf_add(out, value, strlen(value));
	char tmp[128];
	if (len >= sizeof tmp)
		return mq_buf_add(out, v, len);
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	double x;
	if (strcmp(fmt, "date") == 0)
		return fmt_date(out, tmp, 1);
	if (strcmp(fmt, "month") == 0)
		return fmt_date(out, tmp, 0);
	if (!mq_format_known(fmt))
		return MQ_ERR_FORMAT;
	if (!parse_num(tmp, &x))
		return mq_buf_adds(out, tmp);
	if (strcmp(fmt, "int") == 0)
		return fmt_int(out, x);
	if (strcmp(fmt, "pct") == 0)
		return mq_buf_printf(out, "%.1f%%", x * 100 + 0.0);
	return mq_buf_printf(out, strcmp(fmt, "dec1") == 0 ? "%.1f" : "%.2f", x);
}

/* ---- template loading ---- */

struct loader {
	struct mq_template *t;
	const char *path;
	struct mq_error *err;
};

/* Built-in styles; a template's <style> overrides or adds to them. */
static const struct mq_style default_styles[] = {
	/* name       font          size  lead  ind  before after  rgb          align, keep, cell padding x y */
	{"title",     MQ_FONT_BIAOSONG, 22,   36,   0,   0,  18, {0, 0, 0},       MQ_ALIGN_CENTER, 0, 3, 2.5},
	{"subtitle",  MQ_FONT_KAI,  16,   28,   0,   0,  12, {0, 0, 0},       MQ_ALIGN_CENTER, 0, 3, 2.5},
	{"h1",        MQ_FONT_HEI,  16,   30,   0,   6,   2, {0, 0, 0},       MQ_ALIGN_LEFT, 0, 3, 2.5},
	{"h2",        MQ_FONT_KAI,  16,   30,   0,   4,   2, {0, 0, 0},       MQ_ALIGN_LEFT, 0, 3, 2.5},
	{"h3",        MQ_FONT_SONG, 16,   30,   0,   2,   0, {0, 0, 0},       MQ_ALIGN_LEFT, 0, 3, 2.5},
	{"body",      MQ_FONT_SONG, 16,   28,   2,   0,   0, {0, 0, 0},       MQ_ALIGN_JUSTIFY, 0, 3, 2.5},
	{"note",      MQ_FONT_KAI,  12,   20,   2,   0,   0, {0, 0, 0},       MQ_ALIGN_JUSTIFY, 0, 3, 2.5},
	{"table",     MQ_FONT_SONG, 10.5, 15,   0,   6,   8, {0, 0, 0},       MQ_ALIGN_LEFT, 0, 3, 2.5},
	{"th",        MQ_FONT_HEI,  10.5, 15,   0,   0,   0, {0, 0, 0},       MQ_ALIGN_CENTER, 0, 3, 2.5},
	{"total",     MQ_FONT_HEI,  10.5, 15,   0,   0,   0, {0, 0, 0},       MQ_ALIGN_LEFT, 0, 3, 2.5},
	{"alert",     MQ_FONT_SONG, 10.5, 15,   0,   0,   0, {0xC0, 0, 0},    MQ_ALIGN_LEFT, 0, 3, 2.5},
	{"kv-key",    MQ_FONT_HEI,  14,   26,   0,   0,   0, {0, 0, 0},       MQ_ALIGN_LEFT, 0, 3, 2.5},
	{"kv",        MQ_FONT_SONG, 14,   26,   0,   4,   8, {0, 0, 0},       MQ_ALIGN_LEFT, 0, 3, 2.5},
	{"bar",       MQ_FONT_SONG, 10.5, 20,   0,   6,   8, {0x44, 0x72, 0xC4}, MQ_ALIGN_LEFT, 0, 3, 2.5},
	{"signature", MQ_FONT_SONG, 14,   32,   0,  18,   0, {0, 0, 0},       MQ_ALIGN_LEFT, 0, 3, 2.5},
	{"header",    MQ_FONT_SONG, 10.5, 14,   0,   0,   0, {0x40, 0x40, 0x40}, MQ_ALIGN_CENTER, 0, 3, 2.5},
	{"footer",    MQ_FONT_SONG, 10.5, 14,   0,   0,   0, {0, 0, 0},       MQ_ALIGN_CENTER, 0, 3, 2.5},
};

/* The default chains: Noto CJK (fonts-noto-cjk) for Song, Hei and the
 * bold titles, AR PL UKai (fonts-arphic-ukai) for Kai, each ending in
 * HanaMinA and HanaMinB (fonts-hanazono) for the CJK extensions B-F. */
static const struct {
	const char *family, *style, *package;
} default_fonts[MQ_FONT_ROLES] = {
	{"Noto Serif CJK SC", "Regular", "fonts-noto-cjk"},
	{"Noto Sans CJK SC", "Regular", "fonts-noto-cjk"},
	{"AR PL UKai CN", "Book", "fonts-arphic-ukai"},
	{"Noto Serif CJK SC", "Bold", "fonts-noto-cjk"},
};
static const char *const default_fallbacks[] = {"HanaMinA", "HanaMinB"};
#define NFALLBACKS (int)(sizeof default_fallbacks / sizeof *default_fallbacks)
static const char *const role_names[MQ_FONT_ROLES] = {"song", "hei", "kai", "biaosong"};

static struct mq_font_face_spec default_fallback(int i)
{
	return (struct mq_font_face_spec){.family = default_fallbacks[i], .package = "fonts-hanazono"};
}

int mq_template_style(const struct mq_template *t, const char *name)
{
	for (int i = 0; i < t->nstyles; i++)
		if (strcmp(t->styles[i].name, name) == 0)
			return i;
	return -1;
}

const char *mq_template_title(const struct mq_template *t) { return t->title; }

void mq_template_free(struct mq_template *t)
{
	if (!t)
		return;
	free(t->styles);
	mq_arena_free(t->arena);
	free(t);
}

static int fail_at(struct loader *L, xmlNode *n, int code, const char *msg, const char *what)
{
	return mq_fail(L->err, code, L->path, n ? xmlGetLineNo(n) : 0, "%s: %s", msg, what ? what : "");
}

/* Attribute value copied into the arena, or def when absent. */
static const char *attr(struct loader *L, xmlNode *n, const char *name, const char *def)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		return def;
	const char *s = mq_arena_strndup(L->t->arena, (const char *)v, strlen((const char *)v));
	xmlFree(v);
	return s ? s : def;
}

static double attr_num(struct loader *L, xmlNode *n, const char *name, double def)
{
	const char *s = attr(L, n, name, NULL);
	double v;
	return s && parse_num(s, &v) ? v : def;
}

static int is_el(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Text content with template line wrapping removed: a run of white space
 * holding a newline vanishes between CJK characters, else becomes one space. */
static const char *text_of(struct loader *L, xmlNode *n)
{
	xmlChar *c = xmlNodeGetContent(n);
	if (!c)
		return "";
	const char *s = (const char *)c;
	size_t len = strlen(s);
	struct mq_buf b = MQ_BUF_INIT;
	uint32_t prev = 0;
	size_t i = 0;
	int rc = 0;
	while (i < len && !rc) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			size_t j = i;
			int nl = 0;
			while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
				nl |= s[j++] == '\n';
			uint32_t next = 0;
			if (j < len)
				mq_utf8_decode(s + j, len - j, &next);
			if (prev && next && !(nl && (mq_is_cjk(prev) || mq_is_cjk(next))))
				rc = mq_buf_addc(&b, ' ');
			i = j;
			continue;
		}
		uint32_t cp = 0;
		int k = mq_utf8_decode(s + i, len - i, &cp);
		if (!k)
			k = 1;
		rc = mq_buf_add(&b, s + i, (size_t)k);
		prev = cp;
		i += (size_t)k;
	}
	xmlFree(c);
	const char *out = rc ? NULL : mq_arena_strndup(L->t->arena, b.data, b.len);
	mq_buf_free(&b);
	return out ? out : "";
}

/* Checks every {name|format} in s names a known format. */
static int check_placeholders(struct loader *L, xmlNode *n, const char *s)
{
	for (const char *p = s; (p = strchr(p, '{')); ) {
		if (p[1] == '{') {
			p += 2;
			continue;
		}
		const char *end = strchr(p, '}');
		if (!end)
			return fail_at(L, n, MQ_ERR_FORMAT, "占位符缺少 } / placeholder without closing brace", p);
		const char *bar = memchr(p, '|', (size_t)(end - p));
		if (bar) {
			char fmt[32];
			size_t fl = (size_t)(end - bar - 1);
			if (fl >= sizeof fmt)
				fl = sizeof fmt - 1;
			memcpy(fmt, bar + 1, fl);
			fmt[fl] = '\0';
			if (!mq_format_known(fmt))
				return fail_at(L, n, MQ_ERR_FORMAT, "未知格式 / unknown format", fmt);
		}
		if ((bar ? bar : end) == p + 1)
			return fail_at(L, n, MQ_ERR_FORMAT, "占位符缺少名称 / placeholder without a name", p);
		p = end + 1;
	}
	return 0;
}

static int parse_cond(struct loader *L, xmlNode *n, const char *s, struct mq_cond *c)
{
	static const struct { const char *tok; int op; } ops[] = {
		{"!=", MQ_OP_NE}, {"<=", MQ_OP_LE}, {">=", MQ_OP_GE},
		{"=", MQ_OP_EQ}, {"<", MQ_OP_LT}, {">", MQ_OP_GT},
	};
	memset(c, 0, sizeof *c);
	if (!s)
		return 0;
	const char *v;
	size_t len = mq_trim(s, strlen(s), &v);
	for (int k = 0; k < 2; k++) {
		const char *fn = k ? "empty(" : "nonempty(";
		size_t fl = strlen(fn);
		if (len > fl && strncmp(v, fn, fl) == 0 && v[len - 1] == ')') {
			const char *name;
			size_t nl = mq_trim(v + fl, len - fl - 1, &name);
			c->kind = k ? MQ_COND_EMPTY : MQ_COND_NONEMPTY;
			c->lhs = mq_arena_strndup(L->t->arena, name, nl);
			return c->lhs && nl ? 0 : fail_at(L, n, MQ_ERR_FORMAT, "条件无效 / invalid condition", s);
		}
	}
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
		const char *p = strstr(v, ops[i].tok);
		if (!p || (size_t)(p - v) >= len)
			continue;
		const char *l, *r;
		size_t ll = mq_trim(v, (size_t)(p - v), &l);
		size_t tl = strlen(ops[i].tok);
		size_t rl = mq_trim(p + tl, len - (size_t)(p - v) - tl, &r);
		if (rl >= 2 && (r[0] == '\'' || r[0] == '"') && r[rl - 1] == r[0]) {
			r++;
			rl -= 2;
		}
		if (!ll)
			break;
		c->kind = MQ_COND_CMP;
		c->op = ops[i].op;
		c->lhs = mq_arena_strndup(L->t->arena, l, ll);
		c->rhs = mq_arena_strndup(L->t->arena, r, rl);
		if (!c->lhs || !c->rhs)
			return mq_fail_nomem(L->err, L->path, 0);
		return check_placeholders(L, n, c->rhs);
	}
	return fail_at(L, n, MQ_ERR_FORMAT,
		       "条件无效，应为 字段 运算符 值 或 nonempty(数据集) / invalid condition, want field op value or nonempty(set)", s);
}

static int style_ref(struct loader *L, xmlNode *n, const char *attrname, const char *def, int *out)
{
	const char *name = attr(L, n, attrname, def);
	*out = mq_template_style(L->t, name);
	if (*out < 0)
		return fail_at(L, n, MQ_ERR_FORMAT, "未定义的样式 / undefined style", name);
	return 0;
}

static int parse_align(const char *s)
{
	static const char *const names[] = {"left", "center", "right", "justify"};
	for (int i = 0; i < 4; i++)
		if (s && strcmp(s, names[i]) == 0)
			return i;
	return MQ_ALIGN_LEFT;
}

static void parse_rgb(const char *s, uint8_t rgb[3])
{
	if (!s || s[0] != '#' || strlen(s) != 7)
		return;
	unsigned v = (unsigned)strtoul(s + 1, NULL, 16);
	rgb[0] = (uint8_t)(v >> 16);
	rgb[1] = (uint8_t)(v >> 8);
	rgb[2] = (uint8_t)v;
}

static int count_elements(xmlNode *first)
{
	int n = 0;
	for (xmlNode *c = first; c; c = c->next)
		n += c->type == XML_ELEMENT_NODE;
	return n;
}

static int parse_blocks(struct loader *L, xmlNode *first, struct mq_block **out, int *nout);

static int parse_whens(struct loader *L, xmlNode *parent, struct mq_when **out, int *nout)
{
	int n = 0;
	for (xmlNode *c = parent->children; c; c = c->next)
		n += is_el(c, "when");
	*nout = 0;
	*out = n ? mq_arena_alloc(L->t->arena, (size_t)n * sizeof **out) : NULL;
	if (n && !*out)
		return mq_fail_nomem(L->err, L->path, 0);
	for (xmlNode *c = parent->children; c; c = c->next) {
		if (!is_el(c, "when"))
			continue;
		struct mq_when *w = &(*out)[(*nout)++];
		int rc = parse_cond(L, c, attr(L, c, "test", NULL), &w->cond);
		if (!rc)
			rc = style_ref(L, c, "style", "alert", &w->style);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_table(struct loader *L, xmlNode *n, struct mq_block *b)
{
	int nc = 0, rc;
	for (xmlNode *c = n->children; c; c = c->next)
		nc += is_el(c, "column");
	b->cols = mq_arena_alloc(L->t->arena, (size_t)nc * sizeof *b->cols);
	if (!b->cols)
		return mq_fail_nomem(L->err, L->path, 0);
	b->ncols = 0;
	int table_lines = (int)attr_num(L, n, "max-lines", 0);
	for (xmlNode *c = n->children; c; c = c->next) {
		if (!is_el(c, "column"))
			continue;
		struct mq_column *col = &b->cols[b->ncols++];
		memset(col, 0, sizeof *col);
		col->field = attr(L, c, "field", "");
		col->header = attr(L, c, "header", col->field);
		col->format = attr(L, c, "format", "");
		col->share = attr_num(L, c, "width", 1);
		if (col->share <= 0)
			col->share = 1;
		const char *al = attr(L, c, "align", NULL);
		col->align = al ? parse_align(al)
				: (strcmp(col->format, "") && strcmp(col->format, "text") ? MQ_ALIGN_RIGHT : MQ_ALIGN_LEFT);
		const char *wrap = attr(L, c, "wrap", "text");
		col->wrap = strcmp(wrap, "list") == 0 ? MQ_BREAK_LIST : strcmp(wrap, "none") == 0 ? MQ_BREAK_NONE : 0;
		col->fit = strcmp(attr(L, c, "fit", "share"), "content") == 0;
		col->max_share = attr_num(L, c, "max-width", 0);
		col->max_lines = (int)attr_num(L, c, "max-lines", table_lines);
		const char *tot = attr(L, c, "total", "none");
		col->total = strcmp(tot, "sum") == 0 ? MQ_TOTAL_SUM : strcmp(tot, "value") == 0 ? MQ_TOTAL_VALUE
										: MQ_TOTAL_NONE;
		col->total_value = attr(L, c, "total-value", "");
		if (col->total == MQ_TOTAL_VALUE && (rc = check_placeholders(L, c, col->total_value)))
			return rc;
		if (!mq_format_known(col->format))
			return fail_at(L, c, MQ_ERR_FORMAT, "未知格式 / unknown format", col->format);
		if ((rc = parse_whens(L, c, &col->when, &col->nwhen)))
			return rc;
	}
	b->total_label = attr(L, n, "total-label", "合计");
	b->max_rows = (int)attr_num(L, n, "max-rows", 0);
	b->total_label_col = strcmp(attr(L, n, "totals", "false"), "true") == 0 ? 0 : -1;
	if ((rc = parse_whens(L, n, &b->rowwhen, &b->nrowwhen)) ||
	    (rc = style_ref(L, n, "head-style", "th", &b->head_style)) ||
	    (rc = style_ref(L, n, "total-style", "total", &b->total_style)))
		return rc;
	return 0;
}

static int parse_block(struct loader *L, xmlNode *n, struct mq_block *b)
{
	static const struct { const char *el; int kind; const char *style; } kinds[] = {
		{"title", MQ_B_TITLE, "title"}, {"heading", MQ_B_HEADING, NULL},
		{"p", MQ_B_PARA, "body"}, {"kv", MQ_B_KV, "kv"}, {"table", MQ_B_TABLE, "table"},
		{"barchart", MQ_B_BAR, "bar"}, {"signature", MQ_B_SIGN, "signature"},
		{"pagebreak", MQ_B_BREAK, "body"}, {"each", MQ_B_EACH, "body"},
		{"if", MQ_B_IF, "body"}, {"space", MQ_B_SPACE, "body"},
	};
	memset(b, 0, sizeof *b);
	b->line = xmlGetLineNo(n);
	size_t k;
	for (k = 0; k < sizeof kinds / sizeof *kinds; k++)
		if (is_el(n, kinds[k].el))
			break;
	if (k == sizeof kinds / sizeof *kinds)
		return fail_at(L, n, MQ_ERR_FORMAT, "未知元素 / unknown element", (const char *)n->name);
	b->kind = kinds[k].kind;
	char hstyle[4] = "h1";
	const char *dstyle = kinds[k].style;
	if (b->kind == MQ_B_HEADING) {
		b->level = (int)attr_num(L, n, "level", 1);
		if (b->level < 1 || b->level > 3)
			return fail_at(L, n, MQ_ERR_FORMAT, "标题级别应为 1–3 / heading level must be 1-3", "");
		hstyle[1] = (char)('0' + b->level);
		dstyle = hstyle;
		b->number = strcmp(attr(L, n, "number", "none"), "auto") == 0;
		/* any non-NULL bookmark marks a bookmarked heading */
		b->bookmark = strcmp(attr(L, n, "bookmark", "true"), "true") == 0 ? "" : NULL;
	}
	int rc = style_ref(L, n, "style", dstyle, &b->style);
	if (rc)
		return rc;
	b->data = attr(L, n, "data", NULL);
	if ((rc = parse_cond(L, n, attr(L, n, "where", NULL), &b->where)))
		return rc;
	switch (b->kind) {
	case MQ_B_TITLE: case MQ_B_HEADING: case MQ_B_PARA:
		b->text = text_of(L, n);
		return check_placeholders(L, n, b->text);
	case MQ_B_TABLE:
		return parse_table(L, n, b);
	case MQ_B_KV: {
		b->nitems = 0;
		int ni = count_elements(n->children);
		b->keys = mq_arena_alloc(L->t->arena, (size_t)(ni + 1) * sizeof *b->keys);
		b->vals = mq_arena_alloc(L->t->arena, (size_t)(ni + 1) * sizeof *b->vals);
		if (!b->keys || !b->vals)
			return mq_fail_nomem(L->err, L->path, 0);
		for (xmlNode *c = n->children; c; c = c->next) {
			if (!is_el(c, "item"))
				continue;
			b->keys[b->nitems] = attr(L, c, "key", "");
			b->vals[b->nitems] = text_of(L, c);
			if ((rc = check_placeholders(L, c, b->keys[b->nitems])) ||
			    (rc = check_placeholders(L, c, b->vals[b->nitems])))
				return rc;
			b->nitems++;
		}
		b->key_width = attr_num(L, n, "key-width", 6);
		return style_ref(L, n, "key-style", "kv-key", &b->head_style);
	}
	case MQ_B_BAR:
		b->label = attr(L, n, "label", "");
		b->value = attr(L, n, "value", "");
		b->format = attr(L, n, "format", "");
		b->max = attr_num(L, n, "max", 0);
		b->bar_height = attr_num(L, n, "bar-height", 0);
		memcpy(b->bar_rgb, L->t->styles[b->style].rgb, 3);
		parse_rgb(attr(L, n, "color", NULL), b->bar_rgb);
		if (!mq_format_known(b->format))
			return fail_at(L, n, MQ_ERR_FORMAT, "未知格式 / unknown format", b->format);
		return 0;
	case MQ_B_SIGN: {
		static const char *const names[4] = {"unit", "preparer", "reviewer", "date"};
		for (int i = 0; i < 4; i++) {
			b->sign[i] = attr(L, n, names[i], "");
			if ((rc = check_placeholders(L, n, b->sign[i])))
				return rc;
		}
		return 0;
	}
	case MQ_B_SPACE:
		b->space = attr_num(L, n, "height", 12);
		return 0;
	case MQ_B_EACH:
		b->bookmark = attr(L, n, "bookmark", NULL);
		b->newpage = strcmp(attr(L, n, "newpage", "false"), "true") == 0;
		if (b->bookmark && (rc = check_placeholders(L, n, b->bookmark)))
			return rc;
		return parse_blocks(L, n->children, &b->child, &b->nchild);
	case MQ_B_IF: {
		if ((rc = parse_cond(L, n, attr(L, n, "test", NULL), &b->cond)))
			return rc;
		if ((rc = parse_blocks(L, n->children, &b->child, &b->nchild)))
			return rc;
		for (xmlNode *c = n->children; c; c = c->next)
			if (is_el(c, "else"))
				return parse_blocks(L, c->children, &b->alt, &b->nalt);
		return 0;
	}
	default:
		return 0;
	}
}

static int parse_blocks(struct loader *L, xmlNode *first, struct mq_block **out, int *nout)
{
	int n = 0;
	for (xmlNode *c = first; c; c = c->next)
		n += c->type == XML_ELEMENT_NODE && !is_el(c, "else");
	*nout = 0;
	*out = mq_arena_alloc(L->t->arena, (size_t)(n + 1) * sizeof **out);
	if (!*out)
		return mq_fail_nomem(L->err, L->path, 0);
	for (xmlNode *c = first; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || is_el(c, "else"))
			continue;
		int rc = parse_block(L, c, &(*out)[*nout]);
		if (rc)
			return rc;
		(*nout)++;
	}
	return 0;
}

static int parse_style(struct loader *L, xmlNode *n)
{
	struct mq_template *t = L->t;
	const char *name = attr(L, n, "name", "");
	int i = mq_template_style(t, name);
	if (i < 0) {
		int base = mq_template_style(t, attr(L, n, "base", "body"));
		if (base < 0)
			return fail_at(L, n, MQ_ERR_FORMAT, "未定义的基础样式 / undefined base style", attr(L, n, "base", ""));
		if (mq_grow((void **)&t->styles, &t->astyles, (size_t)t->nstyles + 1, sizeof *t->styles))
			return mq_fail_nomem(L->err, L->path, 0);
		i = t->nstyles++;
		t->styles[i] = t->styles[base];
		t->styles[i].name = name;
	}
	struct mq_style *s = &t->styles[i];
	const char *font = attr(L, n, "font", NULL);
	for (int r = 0; font && r < MQ_FONT_ROLES; r++)
		if (strcmp(font, role_names[r]) == 0)
			s->font = r;
	s->size = attr_num(L, n, "size", s->size);
	s->leading = attr_num(L, n, "leading", s->leading < s->size * 1.2 ? s->size * 1.5 : s->leading);
	if (s->leading < s->size)
		s->leading = s->size;
	s->indent = attr_num(L, n, "indent", s->indent);
	s->space_before = attr_num(L, n, "space-before", s->space_before);
	s->space_after = attr_num(L, n, "space-after", s->space_after);
	s->pad_x = attr_num(L, n, "cell-pad-x", s->pad_x);
	s->pad_y = attr_num(L, n, "cell-pad-y", s->pad_y);
	if (s->pad_x < 0 || s->pad_y < 0)
		return fail_at(L, n, MQ_ERR_FORMAT, "单元格边距不能为负 / negative cell padding", name);
	const char *keep = attr(L, n, "keep-with-next", NULL);
	if (keep)
		s->keep_next = strcmp(keep, "true") == 0;
	parse_rgb(attr(L, n, "color", NULL), s->rgb);
	const char *al = attr(L, n, "align", NULL);
	if (al)
		s->align = parse_align(al);
	return 0;
}

static int parse_page(struct loader *L, xmlNode *n)
{
	struct mq_template *t = L->t;
	const char *size = attr(L, n, "size", "A4");
	double w = 595.276, h = 841.89;         /* A4 in points */
	if (strcmp(size, "A3") == 0) {
		w = 841.89;
		h = 1190.551;
	}
	if (strcmp(attr(L, n, "orientation", "portrait"), "landscape") == 0) {
		double x = w;
		w = h;
		h = x;
	}
	t->page_w = w;
	t->page_h = h;
	static const char *const names[4] = {"top", "right", "bottom", "left"};
	for (int i = 0; i < 4; i++)
		t->margin[i] = attr_num(L, n, names[i], t->margin[i] / 72 * 25.4) / 25.4 * 72;
	if (t->margin[1] + t->margin[3] > w - 72 || t->margin[0] + t->margin[2] > h - 144)
		return fail_at(L, n, MQ_ERR_FORMAT, "页边距过大 / margins too large", "");
	return 0;
}

static int parse_hf(struct loader *L, xmlNode *n, const char **parts, int *style, const char *defstyle)
{
	static const char *const names[4] = {"left", "center", "right", "outer"};
	for (int i = 0; i < 4; i++) {
		parts[i] = attr(L, n, names[i], NULL);
		int rc = parts[i] ? check_placeholders(L, n, parts[i]) : 0;
		if (rc)
			return rc;
	}
	return style_ref(L, n, "style", defstyle, style);
}

static void face_spec(struct loader *L, xmlNode *n, struct mq_font_face_spec *f)
{
	*f = (struct mq_font_face_spec){attr(L, n, "family", NULL), attr(L, n, "style", NULL),
		attr(L, n, "file", NULL), attr(L, n, "package", ""), (int)attr_num(L, n, "face", 0),
		xmlGetLineNo(n), strcmp(attr(L, n, "optional", "false"), "true") == 0};
}

/* <font role family style | file face, package> with <fallback .../>
 * children; without any, the default fallbacks follow the font. */
static int parse_font(struct loader *L, xmlNode *n)
{
	const char *role = attr(L, n, "role", "");
	int r = 0;
	while (r < MQ_FONT_ROLES && strcmp(role, role_names[r]) != 0)
		r++;
	if (r == MQ_FONT_ROLES)
		return fail_at(L, n, MQ_ERR_FORMAT, "未知字体角色 / unknown font role", role);
	struct mq_font_spec *sp = &L->t->fonts[r];
	sp->n = 0;
	for (xmlNode *c = n; c; c = c == n ? n->children : c->next) {
		if (c != n && !is_el(c, "fallback"))
			continue;
		if (sp->n == MQ_FONT_CHAIN)
			return fail_at(L, c, MQ_ERR_FORMAT, "后备字体过多 / too many fallback fonts", role);
		struct mq_font_face_spec *f = &sp->chain[sp->n++];
		face_spec(L, c, f);
		if (!f->family && !f->file)
			return fail_at(L, c, MQ_ERR_FORMAT, "字体须有 family 或 file 属性 / a font needs a family or a file", role);
	}
	for (int i = 0; sp->n == 1 && i < NFALLBACKS; i++)
		sp->chain[1 + i] = default_fallback(i);
	if (sp->n == 1)
		sp->n += NFALLBACKS;
	return 0;
}

/* Finds f: a family through fontconfig, a file must exist. 0, or
 * MQ_ERR_IO naming what to install (err only when report is set). */
static int find_font(struct loader *L, int role, struct mq_font_face_spec *f, int report)
{
	struct stat st;
	struct mq_error quiet = {0};
	if (f->file) {
		if (stat(f->file, &st) == 0)
			return 0;
		return mq_fail(report ? L->err : &quiet, MQ_ERR_IO, L->path, f->line,
			       "找不到字体文件 %s（%s），请安装 Debian 软件包 %s / font file missing, install package %s",
			       f->file, role_names[role], *f->package ? f->package : "?",
			       *f->package ? f->package : "?");
	}
	char *file;
	int rc = mq_font_find(f->family, f->style, f->package, L->path, f->line, &file, &f->face,
			      report ? L->err : &quiet);
	if (rc)
		return rc;
	f->file = mq_arena_strndup(L->t->arena, file, strlen(file));
	free(file);
	return f->file ? 0 : mq_fail_nomem(L->err, L->path, 0);
}

/* Every font of a role a style uses is found, but an optional one that is
 * not installed, which leaves the chain; a chain left empty is the error
 * of its first font. */
static int check_fonts(struct loader *L)
{
	struct mq_template *t = L->t;
	int used[MQ_FONT_ROLES] = {0};
	for (int i = 0; i < t->nstyles; i++)
		used[t->styles[i].font] = 1;
	for (int r = 0; r < MQ_FONT_ROLES; r++) {
		struct mq_font_spec *sp = &t->fonts[r];
		struct mq_font_face_spec first = sp->chain[0];
		int kept = 0;
		for (int i = 0; used[r] && i < sp->n; i++) {
			struct mq_font_face_spec f = sp->chain[i];
			int rc = find_font(L, r, &f, !f.optional);
			if (rc == MQ_ERR_IO && f.optional)
				continue;
			if (rc)
				return rc;
			sp->chain[kept++] = f;
		}
		if (used[r] && !kept) {
			first.optional = 0;
			return find_font(L, r, &first, 1);
		}
		if (used[r])
			sp->n = kept;
	}
	return 0;
}

static int load_tree(struct loader *L, xmlNode *root)
{
	struct mq_template *t = L->t;
	int rc = 0;
	t->title = attr(L, root, "title", "");
	for (xmlNode *c = root->children; c && !rc; c = c->next) {
		if (is_el(c, "page"))
			rc = parse_page(L, c);
		else if (is_el(c, "fonts")) {
			for (xmlNode *f = c->children; f && !rc; f = f->next)
				if (is_el(f, "font"))
					rc = parse_font(L, f);
		} else if (is_el(c, "styles")) {
			for (xmlNode *s = c->children; s && !rc; s = s->next)
				if (is_el(s, "style"))
					rc = parse_style(L, s);
		} else if (is_el(c, "info")) {
			static const char *const names[4] = {"title", "author", "subject", "keywords"};
			for (int i = 0; i < 4 && !rc; i++) {
				t->info[i] = attr(L, c, names[i], t->info[i]);
				rc = t->info[i] ? check_placeholders(L, c, t->info[i]) : 0;
			}
		} else if (is_el(c, "header")) {
			rc = parse_hf(L, c, t->hdr, &t->hdr_style, "header");
			t->hdr_rule = strcmp(attr(L, c, "rule", "true"), "true") == 0;
		} else if (is_el(c, "footer"))
			rc = parse_hf(L, c, t->ftr, &t->ftr_style, "footer");
		else if (is_el(c, "body"))
			rc = parse_blocks(L, c->children, &t->body, &t->nbody);
	}
	return rc ? rc : check_fonts(L);
}

static int init_template(struct mq_template *t, const char *path)
{
	t->arena = mq_arena_new();
	t->styles = malloc(sizeof default_styles);
	if (!t->arena || !t->styles)
		return MQ_ERR_NOMEM;
	memcpy(t->styles, default_styles, sizeof default_styles);
	t->nstyles = (int)(sizeof default_styles / sizeof *default_styles);
	t->astyles = (size_t)t->nstyles;
	t->path = mq_arena_strndup(t->arena, path, strlen(path));
	t->page_w = 595.276;
	t->page_h = 841.89;
	/* GB/T 9704 official-document margins: 37 / 26 / 35 / 28 mm */
	const double mm[4] = {37, 26, 35, 28};
	for (int i = 0; i < 4; i++)
		t->margin[i] = mm[i] / 25.4 * 72;
	for (int r = 0; r < MQ_FONT_ROLES; r++) {
		struct mq_font_spec *sp = &t->fonts[r];
		sp->chain[0] = (struct mq_font_face_spec){.family = default_fonts[r].family,
			.style = default_fonts[r].style, .package = default_fonts[r].package};
		for (int i = 0; i < NFALLBACKS; i++)
			sp->chain[1 + i] = default_fallback(i);
		sp->n = 1 + NFALLBACKS;
	}
	t->ftr[1] = "第 {page} 页 共 {pages} 页";
	t->hdr_style = mq_template_style(t, "header");
	t->ftr_style = mq_template_style(t, "footer");
	return t->path ? 0 : MQ_ERR_NOMEM;
}

int mq_template_load(const char *path, const char *xsd_path, struct mq_template **out,
		     struct mq_error *err)
{
	*out = NULL;
	char xsd_buf[4096];
	if (!xsd_path) {
		const char *slash = strrchr(path, '/');
		int dl = slash ? (int)(slash - path) : 1;
		snprintf(xsd_buf, sizeof xsd_buf, "%.*s/template.xsd", dl, slash ? path : ".");
		xsd_path = xsd_buf;
	}
	struct mq_template *t = calloc(1, sizeof *t);
	if (!t || init_template(t, path)) {
		mq_template_free(t);
		return mq_fail_nomem(err, path, 0);
	}
	struct loader L = {t, t->path, err};
	static const struct mq_xml_texts texts = {
		"模板无法读取 / cannot read template", "模板不是合法的 XML / template is not well-formed XML",
		"模板架构无法读取 / cannot read template schema",
		"模板不符合架构 / template does not match template.xsd",
	};
	xmlDoc *doc = NULL;
	int rc = mq_xml_read_valid(path, xsd_path, &texts, &doc, err);
	if (!rc)
		rc = load_tree(&L, xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	if (rc) {
		mq_template_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
