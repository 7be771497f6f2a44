/* reference.c — registry, roster and assignments (contract section 2). */
#include "minqing/core/arena.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/intern.h"
#include "minqing/ingest/ingest.h"
#include "minqing/ingest/reference.h"


#include <stdlib.h>
#include <string.h>

const char *const mq_roles[] = { "第一书记", "驻村工作队员", "包村干部", "帮扶责任人", "村干部", NULL };

struct mq_reference_index {
	struct mq_intern *village_keys; /* "township\x1fvillage" -> village index */
	struct mq_intern *cadre_keys;   /* cadre_id -> cadre index */
};

struct loader {
	struct mq_reference *ref;
	const char *path;
	struct mq_error *err;
	size_t alloc;
};

static char *dup(struct mq_reference *ref, const char *s, size_t n)
{
	return mq_arena_strndup(ref->arena, s, n);
}

static int village_key(struct mq_buf *b, const char *township, size_t tl, const char *village, size_t vl)
{
	mq_buf_reset(b);
	return mq_buf_add(b, township, tl) || mq_buf_addc(b, '\x1f') || mq_buf_add(b, village, vl);
}

static long parse_count(const char *s, size_t n, int *ok)
{
	char tmp[32];
	if (n == 0 || n >= sizeof tmp) {
		*ok = n == 0 ? 1 : 0;
		return -1;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	char *end;
	long v = strtol(tmp, &end, 10);
	*ok = *end == '\0' && v >= 0;
	return v;
}

static int registry_row(const char *const *c, const size_t *l, long line, void *ctx)
{
	struct loader *ld = ctx;
	struct mq_reference *ref = ld->ref;
	if (mq_grow((void **)&ref->villages, &ld->alloc, ref->nvillages + 1, sizeof *ref->villages))
		return mq_fail_nomem(ld->err, ld->path, line);
	struct mq_village_ref *v = &ref->villages[ref->nvillages];
	int ok1, ok2, ok3;
	v->households = parse_count(c[3], l[3], &ok1);
	v->poor_households = parse_count(c[4], l[4], &ok2);
	v->population = parse_count(c[5], l[5], &ok3);
	if (!ok1 || !ok2 || !ok3 || v->households < 0)
		return mq_fail(ld->err, MQ_ERR_FORMAT, ld->path, line,
			       "户数不是非负整数 / a household or population count is not a whole number");
	v->county = dup(ref, c[0], l[0]);
	v->township = dup(ref, c[1], l[1]);
	v->village = dup(ref, c[2], l[2]);
	struct mq_buf key = MQ_BUF_INIT;
	int rc = village_key(&key, c[1], l[1], c[2], l[2]);
	int32_t before = rc ? -1 : mq_intern_count(ref->index->village_keys);
	int32_t id = rc ? -1 : mq_intern_id(ref->index->village_keys, key.data, key.len);
	mq_buf_free(&key);
	if (!v->county || !v->township || !v->village || id < 0)
		return mq_fail_nomem(ld->err, ld->path, line);
	if (id < before)
		return mq_fail(ld->err, MQ_ERR_FORMAT, ld->path, line,
			       "村庄重复：%s/%s / village listed twice", v->township, v->village);
	ref->nvillages++;
	return 0;
}

static int roster_row(const char *const *c, const size_t *l, long line, void *ctx)
{
	struct loader *ld = ctx;
	struct mq_reference *ref = ld->ref;
	if (mq_grow((void **)&ref->cadres, &ld->alloc, ref->ncadres + 1, sizeof *ref->cadres))
		return mq_fail_nomem(ld->err, ld->path, line);
	struct mq_cadre_ref *k = &ref->cadres[ref->ncadres];
	const char **fields[] = { &k->cadre_id, &k->cadre_name, &k->unit, &k->role, &k->township, &k->village };
	for (int i = 0; i < 6; i++)
		if (!(*fields[i] = dup(ref, c[i], l[i])))
			return mq_fail_nomem(ld->err, ld->path, line);
	int role = -1;
	for (int i = 0; mq_roles[i]; i++)
		if (strcmp(mq_roles[i], k->role) == 0)
			role = i;
	if (role < 0)
		return mq_fail(ld->err, MQ_ERR_FORMAT, ld->path, line,
			       "角色“%s”不在第一书记、驻村工作队员、包村干部、帮扶责任人、村干部之中 / unknown role",
			       k->role);
	k->resident = role <= 1;
	int32_t before = mq_intern_count(ref->index->cadre_keys);
	int32_t id = mq_intern_id(ref->index->cadre_keys, k->cadre_id, l[0]);
	if (id < 0)
		return mq_fail_nomem(ld->err, ld->path, line);
	if (id < before)
		return mq_fail(ld->err, MQ_ERR_FORMAT, ld->path, line, "干部编号重复：%s / cadre listed twice",
			       k->cadre_id);
	ref->ncadres++;
	return 0;
}

static int assignment_row(const char *const *c, const size_t *l, long line, void *ctx)
{
	struct loader *ld = ctx;
	struct mq_reference *ref = ld->ref;
	if (mq_grow((void **)&ref->assignments, &ld->alloc, ref->nassignments + 1, sizeof *ref->assignments))
		return mq_fail_nomem(ld->err, ld->path, line);
	struct mq_assignment *a = &ref->assignments[ref->nassignments];
	a->cadre_id = dup(ref, c[0], l[0]);
	a->household_id = dup(ref, c[1], l[1]);
	if (!a->cadre_id || !a->household_id)
		return mq_fail_nomem(ld->err, ld->path, line);
	ref->nassignments++;
	return 0;
}

static const struct mq_ref_column registry_cols[] = {
	{ "county", "县区", NULL, 0 }, { "township", "乡镇", NULL, 1 }, { "village", "行政村", NULL, 1 },
	{ "households", "户数", NULL, 1 }, { "poor_households", "脱贫户数", NULL, 0 },
	{ "population", "人口", NULL, 0 },
};
static const struct mq_ref_column roster_cols[] = {
	{ "cadre_id", "干部编号", NULL, 1 }, { "cadre_name", "干部姓名", NULL, 1 },
	{ "unit", "派出单位", NULL, 0 }, { "role", "角色", "职务", 1 },
	{ "township", "乡镇", NULL, 0 }, { "village", "行政村", NULL, 0 },
};
static const struct mq_ref_column assignment_cols[] = {
	{ "cadre_id", "干部编号", NULL, 1 }, { "household_id", "户编号", NULL, 1 },
};

int mq_reference_load(struct mq_reference *ref, const char *registry,
		      const char *roster, const char *assignments, struct mq_error *err)
{
	memset(ref, 0, sizeof *ref);
	ref->arena = mq_arena_new();
	ref->index = calloc(1, sizeof *ref->index);
	if (!ref->arena || !ref->index ||
	    !(ref->index->village_keys = mq_intern_new()) || !(ref->index->cadre_keys = mq_intern_new())) {
		mq_reference_free(ref);
		return mq_fail_nomem(err, NULL, 0);
	}
	const struct {
		const char *path;
		const struct mq_ref_column *cols;
		int ncols;
		mq_ref_row_fn fn;
		int *given;
	} files[] = {
		{ registry, registry_cols, 6, registry_row, &ref->has_registry },
		{ roster, roster_cols, 6, roster_row, &ref->has_roster },
		{ assignments, assignment_cols, 2, assignment_row, &ref->has_assignments },
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (!files[i].path)
			continue;
		struct loader ld = { .ref = ref, .path = files[i].path, .err = err };
		int rc = mq_read_reference(files[i].path, files[i].cols, files[i].ncols, files[i].fn, &ld, err);
		if (rc) {
			mq_reference_free(ref);
			return rc;
		}
		*files[i].given = 1;
	}
	return 0;
}

void mq_reference_free(struct mq_reference *ref)
{
	if (!ref)
		return;
	if (ref->index) {
		mq_intern_free(ref->index->village_keys);
		mq_intern_free(ref->index->cadre_keys);
		free(ref->index);
	}
	free(ref->villages);
	free(ref->cadres);
	free(ref->assignments);
	mq_arena_free(ref->arena);
	memset(ref, 0, sizeof *ref);
}

const struct mq_village_ref *mq_ref_village(const struct mq_reference *ref,
					    const char *township, const char *village)
{
	if (!ref || !ref->has_registry)
		return NULL;
	/* looked up once per record: no allocation */
	char key[512];
	size_t tl = strlen(township), vl = strlen(village);
	if (tl + vl + 1 > sizeof key)
		return NULL; /* longer than any registry key can be (100 characters each) */
	memcpy(key, township, tl);
	key[tl] = '\x1f';
	memcpy(key + tl + 1, village, vl);
	int32_t id = mq_intern_find(ref->index->village_keys, key, tl + vl + 1);
	return id < 0 ? NULL : &ref->villages[id];
}

const struct mq_cadre_ref *mq_ref_cadre(const struct mq_reference *ref, const char *cadre_id)
{
	if (!ref || !ref->has_roster)
		return NULL;
	int32_t id = mq_intern_find(ref->index->cadre_keys, cadre_id, strlen(cadre_id));
	return id < 0 ? NULL : &ref->cadres[id];
}
