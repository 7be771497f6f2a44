/* rubric.c — loading the assessment rubric (templates/rubric.xml) and
 * checking it: the XSD (rubric.xsd) first, then what a schema cannot say
 * (bands that overlap or leave a score without a grade, an unknown veto
 * grade). Every error names the file and line. */
#include "minqing/core/arena.h"
#include "minqing/core/error.h"
#include "minqing/figures/assess.h"
#include "minqing/core/utf8.h"
#include "minqing/core/files.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const mq_item_ids[MQ_ITEM_N] = {
	"diary", "resolution", "coverage", "satisfaction", "signatures", "presence",
};

/* ---- helpers ---- */

static long long gcd_ll(long long a, long long b)
{
	while (b) {
		long long t = a % b;
		a = b;
		b = t;
	}
	return a < 0 ? -a : a;
}

/* An xs:decimal (already schema-valid) as an exact ratio. */
static int parse_ratio(const char *s, struct mq_ratio *r)
{
	long long num = 0, den = 1;
	int seen = 0, frac = 0, neg = 0;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s == '.' && !frac) {
			frac = 1;
			continue;
		}
		if (*s < '0' || *s > '9')
			break;
		if (num > LLONG_MAX / 100 || (frac && den > LLONG_MAX / 100))
			return -1;
		num = num * 10 + (*s - '0');
		if (frac)
			den *= 10;
		seen = 1;
	}
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (!seen || *s)
		return -1;
	long long g = gcd_ll(num, den);
	r->num = (neg ? -num : num) / (g ? g : 1);
	r->den = den / (g ? g : 1);
	return 0;
}

static char *prop(xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static const char *arena_prop(struct mq_rubric *r, xmlNode *n, const char *name)
{
	char *v = prop(n, name);
	if (!v)
		return NULL;
	const char *copy = mq_arena_strndup(r->arena, v, strlen(v));
	xmlFree(v);
	return copy;
}

static int is_elem(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

struct schema_err {
	struct mq_error *err;
	const char *path;
	int failed;
};

static void schema_error(void *ctx, xmlErrorPtr e)
{
	struct schema_err *se = ctx;
	if (se->failed++)
		return;
	char msg[512];
	snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "invalid");
	size_t l = strlen(msg);
	while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
		msg[--l] = '\0';
	mq_fail(se->err, MQ_ERR_FORMAT, se->path, e ? e->line : 0,
		"评分细则不符合 rubric.xsd / rubric does not match its schema: %s", msg);
}

struct first_error {
	int seen;
	long line;
	char message[256];
};

static void keep_first_error(void *ctx, xmlErrorPtr e)
{
	struct first_error *f = ctx;
	if (f->seen || !e || e->level < XML_ERR_ERROR)
		return;
	f->seen = 1;
	f->line = e->line;
	snprintf(f->message, sizeof f->message, "%s", e->message ? e->message : "");
	size_t l = strlen(f->message);
	while (l && (f->message[l - 1] == '\n' || f->message[l - 1] == ' '))
		f->message[--l] = '\0';
}

static int check_scale(struct mq_rubric *r, struct mq_grade_scale *s, const char *which,
		       struct mq_error *err)
{
	/* highest band first */
	for (int i = 1; i < s->nbands; i++)
		for (int j = i; j > 0 && s->bands[j].min > s->bands[j - 1].min; j--) {
			struct mq_grade_band t = s->bands[j];
			s->bands[j] = s->bands[j - 1];
			s->bands[j - 1] = t;
		}
	int owner[101];
	for (int k = 0; k <= 100; k++)
		owner[k] = -1;
	for (int i = 0; i < s->nbands; i++) {
		const struct mq_grade_band *b = &s->bands[i];
		if (b->min > b->max)
			return mq_fail(err, MQ_ERR_FORMAT, r->path, b->line,
				       "等次区间下限大于上限 / band %s (%s): min %d > max %d",
				       b->grade, which, b->min, b->max);
		for (int k = b->min; k <= b->max; k++) {
			if (owner[k] >= 0)
				return mq_fail(err, MQ_ERR_FORMAT, r->path, b->line,
					       "等次区间重叠 / grade bands overlap (%s): %s and %s both hold %d",
					       which, s->bands[owner[k]].grade, b->grade, k);
			owner[k] = i;
		}
	}
	for (int k = 0; k <= 100; k++)
		if (owner[k] < 0)
			return mq_fail(err, MQ_ERR_FORMAT, r->path, s->nbands ? s->bands[0].line : 0,
				       "等次区间未覆盖 %d 分 / no %s grade band holds the score %d", k, which, k);
	return 0;
}

static int read_item(struct mq_rubric *r, xmlNode *n, struct mq_error *err)
{
	char *id = prop(n, "id");
	int which = -1;
	for (int i = 0; id && i < MQ_ITEM_N; i++)
		if (strcmp(id, mq_item_ids[i]) == 0)
			which = i;
	long line = xmlGetLineNo(n);
	if (which < 0) {
		int rc = mq_fail(err, MQ_ERR_FORMAT, r->path, line,
				 "未知的考核项目 / unknown rubric item \"%s\"", id ? id : "");
		xmlFree(id);
		return rc;
	}
	xmlFree(id);
	struct mq_rubric_item *it = &r->items[which];
	if (it->present)
		return mq_fail(err, MQ_ERR_FORMAT, r->path, line,
			       "考核项目重复 / rubric item \"%s\" given twice", mq_item_ids[which]);
	it->present = 1;
	it->line = line;
	it->name = arena_prop(r, n, "name");
	static const struct { const char *attr; size_t off; const char *def; } ratios[] = {
		{ "weight", offsetof(struct mq_rubric_item, weight), NULL },
		{ "target", offsetof(struct mq_rubric_item, target), "0.80" },
		{ "days-per-year", offsetof(struct mq_rubric_item, days_per_year), "220" },
	};
	for (size_t k = 0; k < sizeof ratios / sizeof *ratios; k++) {
		char *v = prop(n, ratios[k].attr);
		struct mq_ratio *dst = (struct mq_ratio *)((char *)it + ratios[k].off);
		int bad = (v || ratios[k].def) ? parse_ratio(v ? v : ratios[k].def, dst) : -1;
		if (!bad && dst->num <= 0)
			bad = 1;
		if (bad) {
			int rc = mq_fail(err, MQ_ERR_FORMAT, r->path, line,
					 "%s 须为正数 / %s of item \"%s\" must be a positive number, not \"%s\"",
					 ratios[k].attr, ratios[k].attr, mq_item_ids[which], v ? v : "");
			xmlFree(v);
			return rc;
		}
		xmlFree(v);
	}
	char *q = prop(n, "quota");
	it->quota = q ? atoi(q) : MQ_DIARY_QUOTA;
	xmlFree(q);
	int nroles = 0;
	for (xmlNode *c = n->children; c; c = c->next)
		nroles += is_elem(c, "role");
	if (nroles) {
		it->roles = mq_arena_alloc(r->arena, (size_t)nroles * sizeof *it->roles);
		if (!it->roles)
			return mq_fail(err, MQ_ERR_NOMEM, r->path, line, "内存不足 / out of memory");
		for (xmlNode *c = n->children; c; c = c->next) {
			if (!is_elem(c, "role"))
				continue;
			xmlChar *t = xmlNodeGetContent(c);
			const char *s = t ? (const char *)t : "";
			const char *start;
			size_t len = mq_trim(s, strlen(s), &start);
			it->roles[it->nroles++] = mq_arena_strndup(r->arena, start, len);
			xmlFree(t);
		}
	}
	return 0;
}

static int read_doc(struct mq_rubric *r, xmlNode *root, struct mq_error *err)
{
	int rc;
	for (xmlNode *n = root->children; n; n = n->next) {
		if (is_elem(n, "items")) {
			for (xmlNode *c = n->children; c; c = c->next)
				if (is_elem(c, "item") && (rc = read_item(r, c, err)))
					return rc;
		} else if (is_elem(n, "grades")) {
			char *f = prop(n, "for");
			struct mq_grade_scale *s = f && strcmp(f, "team") == 0 ? &r->team : &r->cadre;
			xmlFree(f);
			for (xmlNode *c = n->children; c; c = c->next) {
				if (!is_elem(c, "band"))
					continue;
				if (s->nbands == MQ_MAX_BANDS)
					return mq_fail(err, MQ_ERR_FORMAT, r->path, xmlGetLineNo(c),
						       "等次过多 / too many grade bands");
				struct mq_grade_band *b = &s->bands[s->nbands++];
				char *mn = prop(c, "min"), *mx = prop(c, "max");
				b->min = mn ? atoi(mn) : 0;
				b->max = mx ? atoi(mx) : 0;
				xmlFree(mn);
				xmlFree(mx);
				b->grade = arena_prop(r, c, "grade");
				b->line = xmlGetLineNo(c);
			}
		} else if (is_elem(n, "veto")) {
			char *v = prop(n, "satisfaction-below");
			int bad = !v || parse_ratio(v, &r->veto_below);
			xmlFree(v);
			if (bad)
				return mq_fail(err, MQ_ERR_FORMAT, r->path, xmlGetLineNo(n),
					       "否决条件无效 / invalid veto threshold");
			r->veto_grade = arena_prop(r, n, "grade");
			r->has_veto = 1;
			long line = xmlGetLineNo(n);
			int found = 0;
			for (int i = 0; i < r->cadre.nbands; i++)
				found |= strcmp(r->cadre.bands[i].grade, r->veto_grade) == 0;
			for (int i = 0; i < r->team.nbands; i++)
				found |= strcmp(r->team.bands[i].grade, r->veto_grade) == 0;
			if (!found)
				return mq_fail(err, MQ_ERR_FORMAT, r->path, line,
					       "否决的等次不存在 / veto grade \"%s\" is not a grade", r->veto_grade);
		} else if (is_elem(n, "no-record")) {
			r->no_record = arena_prop(r, n, "grade");
		}
	}
	if ((rc = check_scale(r, &r->cadre, "cadre", err)) || (rc = check_scale(r, &r->team, "team", err)))
		return rc;
	if (!r->no_record)
		r->no_record = "无记录";
	return 0;
}

int mq_rubric_load(const char *path, struct mq_rubric **out, struct mq_error *err)
{
	*out = NULL;
	char found[PATH_MAX], xsd[PATH_MAX];
	int rc;
	if (!path) {
		if ((rc = mq_find_template("rubric.xml", found, sizeof found, err)))
			return rc;
		path = found;
	}
	if ((rc = mq_find_template("rubric.xsd", xsd, sizeof xsd, err)))
		return rc;
	struct mq_rubric *r = calloc(1, sizeof *r);
	if (!r || !(r->arena = mq_arena_new())) {
		free(r);
		return mq_fail(err, MQ_ERR_NOMEM, path, 0, "内存不足 / out of memory");
	}
	snprintf(r->path, sizeof r->path, "%s", path);

	xmlDoc *doc = NULL;
	xmlSchemaParserCtxt *pctx = NULL;
	xmlSchema *schema = NULL;
	xmlSchemaValidCtxt *vctx = NULL;
	xmlParserCtxt *ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		rc = mq_fail(err, MQ_ERR_NOMEM, path, 0, "内存不足 / out of memory");
		goto done;
	}
	if (access(path, R_OK) != 0) {
		rc = mq_fail(err, MQ_ERR_IO, path, 0, "无法读取评分细则 / cannot read the rubric file: %s", mq_errno_text(errno));
		goto done;
	}
	/* the first parse error is the one a clerk should fix */
	struct first_error first = { 0 };
	xmlSetStructuredErrorFunc(&first, keep_first_error);
	doc = xmlCtxtReadFile(ctxt, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc || first.seen) {
		rc = mq_fail(err, MQ_ERR_FORMAT, path, first.line,
			     "评分细则不是合法的 XML / rubric is not well-formed XML: %s", first.message);
		goto done;
	}
	pctx = xmlSchemaNewParserCtxt(xsd);
	schema = pctx ? xmlSchemaParse(pctx) : NULL;
	vctx = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
	if (!vctx) {
		rc = mq_fail(err, MQ_ERR_FORMAT, xsd, 0, "评分细则的 XSD 无法读取 / cannot load the rubric schema");
		goto done;
	}
	struct schema_err se = { err, path, 0 };
	xmlSchemaSetValidStructuredErrors(vctx, schema_error, &se);
	if (xmlSchemaValidateDoc(vctx, doc) != 0 || se.failed) {
		if (!se.failed)
			mq_fail(err, MQ_ERR_FORMAT, path, 0, "评分细则无效 / invalid rubric");
		rc = MQ_ERR_FORMAT;
		goto done;
	}
	rc = read_doc(r, xmlDocGetRootElement(doc), err);
done:
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctx);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	if (rc) {
		mq_rubric_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void mq_rubric_free(struct mq_rubric *r)
{
	if (!r)
		return;
	mq_arena_free(r->arena);
	free(r);
}

const char *mq_rubric_grade(const struct mq_rubric *r, const struct mq_grade_scale *s,
			    int score, int vetoed)
{
	for (int i = 0; i < s->nbands; i++) {
		if (score < s->bands[i].min || score > s->bands[i].max)
			continue;
		/* 取消评优资格: the veto grade drops one band (contract section 5) */
		if (vetoed && r->has_veto && strcmp(s->bands[i].grade, r->veto_grade) == 0 &&
		    i + 1 < s->nbands)
			return s->bands[i + 1].grade;
		return s->bands[i].grade;
	}
	return NULL;
}
