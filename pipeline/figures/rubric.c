/* rubric.c — loading the assessment rubric (templates/rubric.xml) and
 * checking it: the XSD (rubric.xsd) first, then what a schema cannot say
 * (bands that overlap or leave a score without a grade, an unknown veto
 * grade). Every error names the file and line. */
#include "minqing/core/arena.h"
#include "minqing/core/error.h"
#include "minqing/figures/assess.h"
#include "minqing/core/utf8.h"
#include "minqing/core/files.h"
#include "minqing/core/xmldoc.h"
#include "minqing/ingest/record.h"

#include <libxml/tree.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const char *const mq_item_ids[MQ_ITEM_N] = {
	"diary", "resolution", "coverage", "satisfaction", "signatures", "presence",
};
const char *const mq_kind_names[MQ_KIND_N] = {
	"diary", "resolution", "coverage", "satisfaction", "signatures", "presence",
	"count", "rate", "days",
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

/* The filter attributes of <match>/<among>: an enumeration list (bit set)
 * or a yes/no. */
static const struct filter_attr {
	const char *attr;
	const char *const *values;      /* NULL: 是/否 */
	size_t off;
} filter_attrs[] = {
	{ "visit-mode", mq_visit_modes, offsetof(struct mq_filter, modes) },
	{ "household-type", mq_household_types, offsetof(struct mq_filter, household_types) },
	{ "topic", mq_topics, offsetof(struct mq_filter, topics) },
	{ "satisfaction", mq_satisfactions, offsetof(struct mq_filter, satisfactions) },
	{ "demand", NULL, offsetof(struct mq_filter, demand) },
	{ "signed", NULL, offsetof(struct mq_filter, is_signed) },
};

static int read_filter(struct mq_rubric *r, xmlNode *n, struct mq_filter *f, struct mq_error *err)
{
	for (size_t k = 0; k < sizeof filter_attrs / sizeof *filter_attrs; k++) {
		const struct filter_attr *fa = &filter_attrs[k];
		char *v = prop(n, fa->attr);
		if (!v)
			continue;
		int bad = 0;
		if (!fa->values) {
			int yes = strcmp(v, "是") == 0, no = strcmp(v, "否") == 0;
			*(int *)((char *)f + fa->off) = yes ? 1 : 0;
			bad = !yes && !no;
		} else {
			uint32_t set = 0;
			char *save = NULL;
			for (char *w = strtok_r(v, " \t\r\n", &save); w && !bad; w = strtok_r(NULL, " \t\r\n", &save)) {
				int i = 0;
				while (fa->values[i] && strcmp(fa->values[i], w) != 0)
					i++;
				if (fa->values[i])
					set |= 1u << i;
				else
					bad = 1;
			}
			*(uint32_t *)((char *)f + fa->off) = set;
			bad |= !set;
		}
		xmlFree(v);
		if (bad)
			return mq_fail(err, MQ_ERR_FORMAT, r->path, xmlGetLineNo(n),
				       "筛选条件 %s 的取值无效 / filter %s has a value outside its list",
				       fa->attr, fa->attr);
	}
	return 0;
}

/* An optional positive decimal attribute; absent leaves *dst (den 0 = not given). */
static int ratio_attr(struct mq_rubric *r, xmlNode *n, const char *attr, const char *id,
		      struct mq_ratio *dst, struct mq_error *err)
{
	char *v = prop(n, attr);
	if (!v)
		return 0;
	int bad = parse_ratio(v, dst) || dst->num <= 0;
	int rc = bad ? mq_fail(err, MQ_ERR_FORMAT, r->path, xmlGetLineNo(n),
			       "%s 须为正数 / %s of item \"%s\" must be a positive number, not \"%s\"",
			       attr, attr, id, v) : 0;
	xmlFree(v);
	return rc;
}

/* What a general item must and must not say (a schema cannot tie
 * attributes to the kind). */
static int check_general(struct mq_rubric *r, struct mq_rubric_item *it, int has_match,
			 int has_among, struct mq_error *err)
{
	const char *why_zh = NULL, *why_en = NULL;
	int targets = (it->per_year.den != 0) + (it->per_month.den != 0);
	if (it->kind == MQ_KIND_RATE) {
		if (!it->target.den)
			why_zh = "rate 类项目须给出 target", why_en = "a rate item needs target=\"0.xx\"";
		else if (targets)
			why_zh = "rate 类项目不用 per-year/per-month", why_en = "a rate item takes target, not per-year or per-month";
		else if (!has_match)
			why_zh = "rate 类项目须有 <match>", why_en = "a rate item needs <match> (the records counted)";
	} else {
		if (targets != 1)
			why_zh = "count/days 类项目须给出 per-year 或 per-month 之一",
			why_en = "a count or days item needs exactly one of per-year and per-month";
		else if (it->target.den)
			why_zh = "count/days 类项目不用 target", why_en = "a count or days item takes per-year or per-month, not target";
		else if (has_among)
			why_zh = "只有 rate 类项目用 <among>", why_en = "only a rate item takes <among>";
	}
	if (!why_zh)
		return 0;
	return mq_fail(err, MQ_ERR_FORMAT, r->path, it->line, "考核项目 \"%s\"：%s / item \"%s\": %s",
		       it->id, why_zh, it->id, why_en);
}

/* The error for a list of the rubric that is full at max entries. */
static int too_many(const struct mq_rubric *r, long line, const char *what_zh, int max, const char *what_en,
		    struct mq_error *err)
{
	return mq_fail(err, MQ_ERR_FORMAT, r->path, line, "%s过多 / more than %d %s", what_zh, max, what_en);
}

static int read_item(struct mq_rubric *r, xmlNode *n, struct mq_error *err)
{
	long line = xmlGetLineNo(n);
	if (r->nitems == MQ_MAX_ITEMS)
		return too_many(r, line, "考核项目", MQ_MAX_ITEMS, "rubric items", err);
	struct mq_rubric_item *it = &r->items[r->nitems];
	memset(it, 0, sizeof *it);
	it->line = line;
	it->id = arena_prop(r, n, "id");
	it->name = arena_prop(r, n, "name");
	char *kind = prop(n, "kind");
	int named = -1;
	for (int i = 0; it->id && i < MQ_ITEM_N; i++)
		if (strcmp(it->id, mq_item_ids[i]) == 0)
			named = i;
	int k = -1;
	for (int i = MQ_ITEM_N; kind && i < MQ_KIND_N; i++)
		if (strcmp(kind, mq_kind_names[i]) == 0)
			k = i;
	xmlFree(kind);
	if (!it->id)
		return mq_fail(err, MQ_ERR_FORMAT, r->path, line, "考核项目缺少 id / item needs an id");
	if (!it->name)
		it->name = it->id;
	if (named >= 0 && k >= 0)
		return mq_fail(err, MQ_ERR_FORMAT, r->path, line,
			       "\"%s\" 是约定的考核项目，不能再写 kind / \"%s\" is a named item: give it no kind, "
			       "or choose another id", it->id, it->id);
	if (named < 0 && k < 0)
		return mq_fail(err, MQ_ERR_FORMAT, r->path, line,
			       "未知的考核项目 \"%s\"：请写 kind=\"count|rate|days\" / unknown rubric item \"%s\": "
			       "give it kind=\"count\", \"rate\" or \"days\"", it->id, it->id);
	for (int i = 0; i < r->nitems; i++)
		if (strcmp(r->items[i].id, it->id) == 0)
			return mq_fail(err, MQ_ERR_FORMAT, r->path, line,
				       "考核项目重复 / rubric item \"%s\" given twice", it->id);
	it->kind = named >= 0 ? (enum mq_item_kind)named : (enum mq_item_kind)k;
	it->match.demand = it->match.is_signed = it->among.demand = it->among.is_signed = -1;
	int rc;
	if ((rc = ratio_attr(r, n, "weight", it->id, &it->weight, err)))
		return rc;
	if (!it->weight.den)
		return mq_fail(err, MQ_ERR_FORMAT, r->path, line,
			       "weight 须为正数 / weight of item \"%s\" must be a positive number, not \"\"", it->id);
	if ((rc = ratio_attr(r, n, "target", it->id, &it->target, err)) ||
	    (rc = ratio_attr(r, n, "days-per-year", it->id, &it->days_per_year, err)) ||
	    (rc = ratio_attr(r, n, "per-year", it->id, &it->per_year, err)) ||
	    (rc = ratio_attr(r, n, "per-month", it->id, &it->per_month, err)))
		return rc;
	char *q = prop(n, "quota");
	it->quota = q ? atoi(q) : MQ_DIARY_QUOTA;
	xmlFree(q);
	int nroles = 0, has_match = 0, has_among = 0;
	for (xmlNode *c = n->children; c; c = c->next) {
		nroles += is_elem(c, "role");
		if (is_elem(c, "match") || is_elem(c, "among")) {
			if (it->kind < MQ_ITEM_N)
				return mq_fail(err, MQ_ERR_FORMAT, r->path, xmlGetLineNo(c),
					       "约定的考核项目 \"%s\" 不用筛选条件 / the named item \"%s\" takes no "
					       "<match> or <among>", it->id, it->id);
			int among = is_elem(c, "among");
			int *seen = among ? &has_among : &has_match;
			if ((*seen)++)
				return mq_fail(err, MQ_ERR_FORMAT, r->path, xmlGetLineNo(c),
					       "筛选条件重复 / <%s> given twice", among ? "among" : "match");
			if ((rc = read_filter(r, c, among ? &it->among : &it->match, err)))
				return rc;
		}
	}
	if (it->kind >= MQ_ITEM_N && (rc = check_general(r, it, has_match, has_among, err)))
		return rc;
	/* the contract's defaults for the named items */
	if (it->kind == MQ_ITEM_RESOLUTION && !it->target.den)
		it->target = (struct mq_ratio){ 4, 5 };
	if (it->kind == MQ_ITEM_PRESENCE && !it->days_per_year.den)
		it->days_per_year = (struct mq_ratio){ 220, 1 };
	if (nroles) {
		it->roles = mq_arena_alloc(r->arena, (size_t)nroles * sizeof *it->roles);
		if (!it->roles)
			return mq_fail_nomem(err, r->path, line);
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
	if (it->kind < MQ_ITEM_N)
		r->named[it->kind] = r->nitems;
	else
		r->general++;
	r->nitems++;
	return 0;
}

static int grade_known(const struct mq_rubric *r, const char *grade)
{
	int found = 0;
	for (int i = 0; i < r->cadre.nbands; i++)
		found |= strcmp(r->cadre.bands[i].grade, grade) == 0;
	for (int i = 0; i < r->team.nbands; i++)
		found |= strcmp(r->team.bands[i].grade, grade) == 0;
	return found;
}

/* <veto satisfaction-below="0.80" grade="优秀"/> (the contract's rule) or
 * <veto item="ID" below="0.5" grade="优秀"/> (any item's rate). */
static int read_veto(struct mq_rubric *r, xmlNode *n, struct mq_error *err)
{
	long line = xmlGetLineNo(n);
	if (r->nvetoes == MQ_MAX_VETOES)
		return too_many(r, line, "否决条件", MQ_MAX_VETOES, "veto rules", err);
	struct mq_veto *v = &r->vetoes[r->nvetoes];
	char *sat = prop(n, "satisfaction-below"), *item = prop(n, "item"), *below = prop(n, "below");
	int rc = 0;
	v->line = line;
	v->item = -1;
	if (!sat == !item || !item != !below) {
		rc = mq_fail(err, MQ_ERR_FORMAT, r->path, line,
			     "否决条件须写 satisfaction-below，或 item 与 below / a veto needs satisfaction-below, "
			     "or item and below");
	} else if (parse_ratio(sat ? sat : below, &v->below) || v->below.num <= 0) {
		rc = mq_fail(err, MQ_ERR_FORMAT, r->path, line, "否决条件无效 / invalid veto threshold");
	} else if (item) {
		for (int i = 0; i < r->nitems; i++)
			if (strcmp(r->items[i].id, item) == 0)
				v->item = i;
		if (v->item < 0)
			rc = mq_fail(err, MQ_ERR_FORMAT, r->path, line,
				     "否决条件所指的考核项目不存在 / veto item \"%s\" is not an item of the rubric", item);
	}
	xmlFree(sat);
	xmlFree(item);
	xmlFree(below);
	if (rc)
		return rc;
	v->grade = arena_prop(r, n, "grade");
	if (!v->grade || !grade_known(r, v->grade))
		return mq_fail(err, MQ_ERR_FORMAT, r->path, line,
			       "否决的等次不存在 / veto grade \"%s\" is not a grade", v->grade ? v->grade : "");
	if (v->item < 0 && !r->has_veto) {
		r->has_veto = 1;
		r->veto_below = v->below;
		r->veto_grade = v->grade;
	}
	r->nvetoes++;
	return 0;
}

static int read_doc(struct mq_rubric *r, xmlNode *root, struct mq_error *err)
{
	int rc;
	r->title = arena_prop(r, root, "name");
	r->version = arena_prop(r, root, "version");
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
			if ((rc = read_veto(r, n, err)))
				return rc;
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
		mq_rubric_free(r);
		return mq_fail_nomem(err, path, 0);
	}
	snprintf(r->path, sizeof r->path, "%s", path);
	for (int i = 0; i < MQ_ITEM_N; i++)
		r->named[i] = -1;

	static const struct mq_xml_texts texts = {
		"无法读取评分细则 / cannot read the rubric file",
		"评分细则不是合法的 XML / rubric is not well-formed XML",
		"评分细则的 XSD 无法读取 / cannot load the rubric schema",
		"评分细则不符合 rubric.xsd / rubric does not match its schema",
	};
	xmlDoc *doc = NULL;
	rc = mq_xml_read_valid(path, xsd, &texts, &doc, err);
	if (!rc)
		rc = read_doc(r, xmlDocGetRootElement(doc), err);
	xmlFreeDoc(doc);
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

const struct mq_rubric_item *mq_rubric_named(const struct mq_rubric *r, enum mq_item_kind kind)
{
	return kind < MQ_ITEM_N && r->named[kind] >= 0 ? &r->items[r->named[kind]] : NULL;
}

const char *mq_rubric_grade(const struct mq_rubric *r, const struct mq_grade_scale *s,
			    int score, unsigned vetoed)
{
	for (int i = 0; i < s->nbands; i++) {
		if (score < s->bands[i].min || score > s->bands[i].max)
			continue;
		/* 取消评优资格: the veto grade drops one band (contract section 5) */
		for (int k = 0; k < r->nvetoes && i + 1 < s->nbands; k++)
			if ((vetoed >> k & 1) && strcmp(s->bands[i].grade, r->vetoes[k].grade) == 0)
				return s->bands[i + 1].grade;
		return s->bands[i].grade;
	}
	return NULL;
}
