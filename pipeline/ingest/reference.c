/* reference.c — registry, roster and assignments (contract section 2). */
#include "minqing/core/arena.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/intern.h"
#include "minqing/ingest/ingest.h"
#include "minqing/ingest/reference.h"


#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const char *const mq_roles[] = { "第一书记", "驻村工作队员", "包村干部", "帮扶责任人", "村干部", NULL };

struct mq_reference_index {
	struct mq_intern *village_keys; /* "township\x1fvillage" -> village index */
	struct mq_intern *cadre_keys;   /* cadre_id -> cadre index */
};

struct ref_file;

struct loader {
	struct mq_reference *ref;
	const struct ref_file *file;
	const char *path;
	struct mq_error *err;
	void **rows;                /* the reference's array of the file's rows */
	size_t *nrows, alloc;
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

/* The checks of a row whose text columns are copied already. */
static int registry_row(struct loader *ld, void *row, const char *const *c, const size_t *l, long line)
{
	struct mq_village_ref *v = row;
	int ok1, ok2, ok3;
	v->households = parse_count(c[3], l[3], &ok1);
	v->poor_households = parse_count(c[4], l[4], &ok2);
	v->population = parse_count(c[5], l[5], &ok3);
	if (!ok1 || !ok2 || !ok3 || v->households < 0)
		return mq_fail(ld->err, MQ_ERR_FORMAT, ld->path, line,
			       "户数不是非负整数 / a household or population count is not a whole number");
	struct mq_intern *keys = ld->ref->index->village_keys;
	struct mq_buf key = MQ_BUF_INIT;
	int rc = village_key(&key, c[1], l[1], c[2], l[2]);
	int32_t before = rc ? -1 : mq_intern_count(keys);
	int32_t id = rc ? -1 : mq_intern_id(keys, key.data, key.len);
	mq_buf_free(&key);
	if (id < 0)
		return mq_fail_nomem(ld->err, ld->path, line);
	if (id < before)
		return mq_fail(ld->err, MQ_ERR_FORMAT, ld->path, line,
			       "村庄重复：%s/%s / village listed twice", v->township, v->village);
	return 0;
}

static int roster_row(struct loader *ld, void *row, const char *const *c, const size_t *l, long line)
{
	(void)c;
	struct mq_cadre_ref *k = row;
	int role = -1;
	for (int i = 0; mq_roles[i]; i++)
		if (strcmp(mq_roles[i], k->role) == 0)
			role = i;
	if (role < 0)
		return mq_fail(ld->err, MQ_ERR_FORMAT, ld->path, line,
			       "角色“%s”不在第一书记、驻村工作队员、包村干部、帮扶责任人、村干部之中 / unknown role",
			       k->role);
	k->resident = role <= 1;
	struct mq_intern *keys = ld->ref->index->cadre_keys;
	int32_t before = mq_intern_count(keys);
	int32_t id = mq_intern_id(keys, k->cadre_id, l[0]);
	if (id < 0)
		return mq_fail_nomem(ld->err, ld->path, line);
	if (id < before)
		return mq_fail(ld->err, MQ_ERR_FORMAT, ld->path, line, "干部编号重复：%s / cadre listed twice",
			       k->cadre_id);
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

/* A reference file: its columns, the size of its rows, and where in a row
 * its first columns go (text kept in the arena); check (NULL: none) does
 * the rest of a row. */
struct ref_file {
	const struct mq_ref_column *cols;
	int ncols, ntext;
	size_t row_size, text_at[6];
	int (*check)(struct loader *ld, void *row, const char *const *c, const size_t *l, long line);
};

#define AT(type, field) offsetof(struct type, field)
static const struct ref_file registry_file = {
	registry_cols, 6, 3, sizeof(struct mq_village_ref),
	{ AT(mq_village_ref, county), AT(mq_village_ref, township), AT(mq_village_ref, village) },
	registry_row,
};
static const struct ref_file roster_file = {
	roster_cols, 6, 6, sizeof(struct mq_cadre_ref),
	{ AT(mq_cadre_ref, cadre_id), AT(mq_cadre_ref, cadre_name), AT(mq_cadre_ref, unit),
	  AT(mq_cadre_ref, role), AT(mq_cadre_ref, township), AT(mq_cadre_ref, village) },
	roster_row,
};
static const struct ref_file assignment_file = {
	assignment_cols, 2, 2, sizeof(struct mq_assignment),
	{ AT(mq_assignment, cadre_id), AT(mq_assignment, household_id) },
	NULL,
};
#undef AT

/* One row of any of the files: a new element at the end of its array. */
static int load_row(const char *const *c, const size_t *l, long line, void *ctx)
{
	struct loader *ld = ctx;
	const struct ref_file *f = ld->file;
	if (mq_grow(ld->rows, &ld->alloc, *ld->nrows + 1, f->row_size))
		return mq_fail_nomem(ld->err, ld->path, line);
	char *row = (char *)*ld->rows + *ld->nrows * f->row_size;
	for (int i = 0; i < f->ntext; i++) {
		const char *text = dup(ld->ref, c[i], l[i]);
		if (!text)
			return mq_fail_nomem(ld->err, ld->path, line);
		memcpy(row + f->text_at[i], &text, sizeof text);
	}
	int rc = f->check ? f->check(ld, row, c, l, line) : 0;
	if (!rc)
		(*ld->nrows)++;
	return rc;
}

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
		const struct ref_file *file;
		void **rows;
		size_t *nrows;
		int *given;
	} files[] = {
		{ registry, &registry_file, (void **)&ref->villages, &ref->nvillages, &ref->has_registry },
		{ roster, &roster_file, (void **)&ref->cadres, &ref->ncadres, &ref->has_roster },
		{ assignments, &assignment_file, (void **)&ref->assignments, &ref->nassignments,
		  &ref->has_assignments },
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (!files[i].path)
			continue;
		const struct ref_file *f = files[i].file;
		struct loader ld = { .ref = ref, .file = f, .path = files[i].path, .err = err,
				     .rows = files[i].rows, .nrows = files[i].nrows };
		int rc = mq_read_reference(files[i].path, f->cols, f->ncols, load_row, &ld, err);
		if (rc) {
			mq_reference_free(ref);
			return rc;
		}
		*files[i].given = 1;
	}
	for (size_t i = 0; i < ref->ncadres; i++)
		ref->cadres[i].own_village = mq_ref_village(ref, ref->cadres[i].township, ref->cadres[i].village);
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

const struct mq_village_ref *mq_ref_village_near(const struct mq_reference *ref, const struct mq_cadre_ref *cadre,
						 const char *township, const char *village)
{
	if (cadre && strcmp(cadre->village, village) == 0 && strcmp(cadre->township, township) == 0)
		return cadre->own_village;
	return mq_ref_village(ref, township, village);
}
