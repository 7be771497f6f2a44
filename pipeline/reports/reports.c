/* reports.c — the render stage: reads the figure CSVs and accepted.csv of
 * one output folder, hands each township (and the county) to a builder,
 * in this process or in --jobs child processes, and renders the
 * data-quality report last. See reports.h. */
#include "reports_internal.h"

#include "minqing/check/validate.h"
#include "minqing/core/arena.h"
#include "minqing/core/buf.h"
#include "minqing/core/csv_out.h"
#include "minqing/core/error.h"
#include "minqing/core/intern.h"
#include "minqing/core/progress.h"
#include "minqing/figures/assess.h"
#include "minqing/ingest/ingest.h"
#include "minqing/pdf/render.h"
#include "minqing/core/utf8.h"
#include "minqing/core/date.h"
#include "minqing/core/files.h"
#include "minqing/core/safename.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- small helpers ---- */

const char *rp_str(const struct rp_ctx *c, int32_t id)
{
	return id < 0 ? "" : mq_intern_str(c->strings, id);
}

/* "0.8185" → 8185 ten-thousandths; -1 when empty or unreadable. */
static long rate_units(const char *rate)
{
	if (!rate || !*rate)
		return -1;
	long whole = 0, frac = 0;
	int digits = 0;
	const char *p = rate;
	while (*p >= '0' && *p <= '9' && whole < 100000)
		whole = whole * 10 + (*p++ - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (digits < 4) {
				frac = frac * 10 + (*p - '0');
				digits++;
			}
	if (*p)
		return -1;
	while (digits++ < 4)
		frac *= 10;
	return whole * 10000 + frac;
}

void rp_pct_num(const char *rate, char out[16])
{
	long u = rate_units(rate);
	if (u < 0) {
		out[0] = '\0';
		return;
	}
	int t = (int)((u + 5) / 10); /* tenths of a percent, half up (contract section 4) */
	snprintf(out, 16, "%d.%d", t / 10 % 10000000, t % 10);
}

void rp_pct(const char *rate, char out[16])
{
	rp_pct_num(rate, out);
	if (*out)
		strcat(out, "%");
}

void rp_zh(const char *msg, char *out, size_t outlen)
{
	const char *sep = strstr(msg, " / ");
	size_t n = sep ? (size_t)(sep - msg) : strlen(msg);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, msg, n);
	out[n] = '\0';
}

int rp_setf(struct mq_data *d, struct mq_error *err, const char *name, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return mq_data_set(d, name, buf, err);
}

int rp_add_set(struct mq_data *d, const char *name, const char *fields,
	       struct mq_dataset **out, struct mq_error *err)
{
	char buf[1024];
	const char *f[64];
	size_t n = 0;
	snprintf(buf, sizeof buf, "%s", fields);
	for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok && n < 64;
	     tok = strtok_r(NULL, " ", &save))
		f[n++] = tok;
	return mq_data_add_set(d, name, f, n, out, err);
}

const char *rp_cell(const struct rp_table *t, size_t row, const char *col)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->names[i], col) == 0)
			return row < t->nrows && t->cells[row * (size_t)t->ncols + (size_t)i]
				       ? t->cells[row * (size_t)t->ncols + (size_t)i] : "";
	return "";
}

/* ---- reading the CSVs ---- */

struct table_load {
	struct rp_table *t;
	struct mq_arena *arena;
};

static int on_table_row(const char *const *cells, const size_t *lens, long line, void *ctx)
{
	(void)line;
	struct table_load *L = ctx;
	struct rp_table *t = L->t;
	t->seen++;
	if (t->limit && t->nrows >= t->limit)
		return 0;
	if (mq_grow((void **)&t->cells, &t->cap, t->nrows + 1, (size_t)t->ncols * sizeof *t->cells))
		return MQ_ERR_NOMEM;
	for (int i = 0; i < t->ncols; i++) {
		char *s = mq_arena_strndup(L->arena, cells[i], lens[i]);
		if (!s)
			return MQ_ERR_NOMEM;
		t->cells[t->nrows * (size_t)t->ncols + (size_t)i] = s;
	}
	t->nrows++;
	return 0;
}

/* Reads data_dir/file with the columns in `cols` (space-separated; a
 * leading '?' marks an optional one). */
static int load_table(struct rp_ctx *c, struct rp_table *t, const char *file, const char *cols,
		      size_t limit, struct mq_error *err)
{
	char path[4400], buf[2048];
	struct mq_ref_column spec[64];
	snprintf(path, sizeof path, "%s/%s", c->data_dir, file);
	snprintf(buf, sizeof buf, "%s", cols);
	t->path = mq_arena_strndup(c->arena, path, strlen(path));
	t->names = mq_arena_alloc(c->arena, 64 * sizeof *t->names);
	if (!t->path || !t->names)
		return mq_fail_nomem(err, NULL, 0);
	t->ncols = 0;
	t->limit = limit;
	for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok && t->ncols < 64;
	     tok = strtok_r(NULL, " ", &save)) {
		int opt = *tok == '?';
		const char *name = mq_arena_strndup(c->arena, tok + opt, strlen(tok + opt));
		if (!name)
			return mq_fail_nomem(err, NULL, 0);
		spec[t->ncols] = (struct mq_ref_column){name, name, NULL, !opt};
		t->names[t->ncols++] = name;
	}
	if (access(path, R_OK) != 0)
		return mq_fail(err, MQ_ERR_IO, path, 0,
			       "找不到 %s，请先运行 minqing validate 和 minqing aggregate（同一 --out 目录）"
			       " / %s missing: run validate and aggregate with the same --out first",
			       file, file);
	struct table_load L = {t, c->arena};
	int rc = mq_read_reference(path, spec, t->ncols, on_table_row, &L, err);
	if (rc && err && !err->message[0])
		mq_fail(err, rc, path, 0, "读取失败 / cannot read");
	return rc;
}

static const char *counts_get(const struct rp_ctx *c, const char *metric)
{
	for (size_t i = 0; i < c->counts.nrows; i++)
		if (strcmp(c->counts.cells[i * 2], metric) == 0)
			return c->counts.cells[i * 2 + 1];
	return NULL;
}

static int load_tables(struct rp_ctx *c, struct mq_error *err)
{
	char topics[512] = "", sums[1024], items[1024] = "", facts[1024] = "";
	for (int i = 0; i < MQ_TOPIC_N; i++) {
		size_t n = strlen(topics);
		snprintf(topics + n, sizeof topics - n, " topic_%s", mq_topics[i]);
	}
	static const char figures[] = "period visits home_visits households_visited "
		"?households_registered ?coverage demands resolved overdue ?resolution_rate "
		"?signed_rate ?satisfaction_rate";
	int rc;
	/* the columns of the rubric's items (assess.h) */
	for (int i = 0; i < c->rubric->nitems; i++) {
		const struct mq_rubric_item *it = &c->rubric->items[i];
		size_t n = strlen(items);
		snprintf(items + n, sizeof items - n, " ?item_%s", it->id);
		n = strlen(facts);
		if (it->kind >= MQ_ITEM_N)
			snprintf(facts + n, sizeof facts - n, " ?%s_count ?%s_%s", it->id, it->id,
				 it->kind == MQ_KIND_RATE ? "among" : "target");
	}
	char assessment_cols[1536], facts_cols[1536];
	snprintf(assessment_cols, sizeof assessment_cols, "%s%s",
		 "period cadre_id ?cadre_name ?role ?township ?village diaries demands "
		 "resolved ?resolution_rate ?satisfaction_rate ?signed_rate days_in_village "
		 "?score ?grade", items);
	snprintf(facts_cols, sizeof facts_cols, "%s%s",
		 "period cadre_id diaries months_with_records months_quota_met demands "
		 "resolved assigned_households coverage_pairs coverage_hits sat_answers "
		 "sat_positive signed_visits resident_role days_in_village days_in_period "
		 "?days_required", facts);
	snprintf(sums, sizeof sums, "%s ?county township village%s", figures, topics);
	if ((rc = load_table(c, &c->village, "village_summary.csv", sums, 0, err)))
		return rc;
	snprintf(sums, sizeof sums, "%s ?county township%s", figures, topics);
	if ((rc = load_table(c, &c->township, "township_summary.csv", sums, 0, err)))
		return rc;
	snprintf(sums, sizeof sums, "%s ?county%s", figures, topics);
	if ((rc = load_table(c, &c->county, "county_summary.csv", sums, 0, err)) ||
	    (rc = load_table(c, &c->cadre_monthly, "cadre_monthly.csv",
			     "period month cadre_id ?cadre_name ?township ?village diaries quota_met "
			     "days_in_village demands resolved ?resolution_rate", 0, err)) ||
	    (rc = load_table(c, &c->assessment, "assessment.csv", assessment_cols, 0, err)) ||
	    (rc = load_table(c, &c->team, "team_assessment.csv",
			     "period ?county ?township ?village cadres ?team_score ?team_grade "
			     "?satisfaction_rate", 0, err)) ||
	    (rc = load_table(c, &c->facts, "assessment_facts.csv", facts_cols, 0, err)) ||
	    (rc = load_table(c, &c->counts, "counts.csv", "metric ?value", 0, err)) ||
	    (rc = load_table(c, &c->rejects, "rejects.csv",
			     "source line ?record_id code ?field ?message", 200, err)))
		return rc;
	/* the figures must be of the period asked for */
	const struct rp_table *tabs[] = {&c->village, &c->township, &c->county, &c->cadre_monthly,
					 &c->assessment, &c->facts};
	for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++)
		if (tabs[i]->nrows && strcmp(rp_cell(tabs[i], 0, "period"), c->period.label) != 0)
			return mq_fail(err, MQ_ERR_USAGE, tabs[i]->path, 2,
				       "汇总结果属于期间 %s，不是 %s：请先以 --period %s 运行 minqing aggregate"
				       " / figures are for period %s, not %s",
				       rp_cell(tabs[i], 0, "period"), c->period.label, c->period.label,
				       rp_cell(tabs[i], 0, "period"), c->period.label);
	const char *run = counts_get(c, "as_of_run");
	if (!run || mq_date_parse(run, strlen(run), &c->run_date))
		return mq_fail(err, MQ_ERR_FORMAT, c->counts.path, 0,
			       "counts.csv 缺少 as_of_run / counts.csv has no as_of_run");
	c->as_of = mq_period_as_of(&c->period, c->run_date);
	if (c->o->as_of && mq_date_parse(c->o->as_of, strlen(c->o->as_of), &c->as_of))
		return mq_fail(err, MQ_ERR_USAGE, NULL, 0, "日期无法识别 / bad date: %s", c->o->as_of);
	mq_date_format(c->as_of, c->as_of_text);
	return 0;
}

/* ---- the visits of the period, from accepted.csv or handed over ---- */

/* A field's values seen so far (up to FIELD_CACHE_MAX of them) in a table
 * of their own, small enough to stay in cache, with their ids in the big
 * table of every string: most of a million visits repeat a few thousand
 * names, demands and measures. A value past the limit goes to the big
 * table, so the memory of free text stays bounded. */
#define FIELD_CACHE_MAX 16384
struct field_cache {
	struct mq_intern *local;
	int32_t *global;             /* local id → id in the visits' strings */
	size_t cap;
};

/* The id in strings of r's field f, -1 when empty, -2 on OOM. */
static int32_t intern_cached(struct mq_intern *strings, struct field_cache *fc, const struct mq_record *r, int f)
{
	if (!r->text[f] || !r->len[f])
		return -1;
	const char *s = r->text[f];
	size_t len = r->len[f];
	uint64_t h = mq_intern_hash(s, len);
	int32_t lid = mq_intern_find_h(fc->local, s, len, h);
	if (lid >= 0)
		return fc->global[lid];
	int32_t id = mq_intern_id(strings, s, len);
	if (id < 0)
		return -2;
	size_t n = (size_t)mq_intern_count(fc->local);
	if (n < FIELD_CACHE_MAX) {
		if (mq_grow((void **)&fc->global, &fc->cap, n + 1, sizeof *fc->global) ||
		    mq_intern_id_h(fc->local, s, len, h) != (int32_t)n)
			return -2;
		fc->global[n] = id;
	}
	return id;
}

/* The first LOG_EXCERPT characters of 日志内容 for the ledger (the whole
 * diary stays in accepted.csv), "…" when cut; NULL when empty. */
#define LOG_EXCERPT 12
static const char *log_excerpt(struct mq_arena *arena, const struct mq_record *r, int *nomem)
{
	const char *s = r->text[MQ_F_NOTES];
	size_t len = s ? r->len[MQ_F_NOTES] : 0, i = 0;
	*nomem = 0;
	if (!len)
		return NULL;
	for (int n = 0; i < len && n < LOG_EXCERPT; n++) {
		uint32_t cp;
		int k = mq_utf8_decode(s + i, len - i, &cp);
		i += k ? (size_t)k : 1;
	}
	char buf[LOG_EXCERPT * 4 + 8];
	memcpy(buf, s, i);
	if (i < len)
		memcpy(buf + i, "…", strlen("…")), i += strlen("…");
	const char *out = mq_arena_strndup(arena, buf, i);
	*nomem = out == NULL;
	return out;
}

/* the fields of a visit interned through a field_cache, in the order
 * they are interned (ids are given in order of first sight) */
enum { FC_HOLDER, FC_CADRE, FC_DEMAND, FC_MEASURE, FC_CADRE_ID, FC_N };
static const int fc_field[FC_N] = {MQ_F_HOUSEHOLDER, MQ_F_CADRE_NAME, MQ_F_DEMAND, MQ_F_MEASURE,
				   MQ_F_CADRE_ID};

/* "township\x1fvillage" into key (cut to fit): how the visits find their
 * village_summary row. Returns its length. */
#define VILLAGE_KEY 512
static size_t village_key(char key[VILLAGE_KEY], const char *t, size_t tl, const char *v, size_t vl)
{
	size_t n = tl < VILLAGE_KEY - 1 ? tl : VILLAGE_KEY - 1;
	memcpy(key, t ? t : "", n);
	if (n < VILLAGE_KEY - 1) {
		key[n++] = '\x1f';
		size_t m = vl < VILLAGE_KEY - 1 - n ? vl : VILLAGE_KEY - 1 - n;
		memcpy(key + n, v ? v : "", m);
		n += m;
	}
	return n;
}

/* A visit's household is interned HH_LATE visits later: its slot in the
 * big table of strings, the string's pointer and the string are loaded
 * one after the other (a table of every household: each a memory miss),
 * so each visit starts one of those loads for each of the households
 * before it. The ids given do not depend on it (households are ranked as
 * strings compare). An id longer than the contract's 64 characters could
 * be (none is accepted) would be interned at once. */
#define HH_LATE 3
#define HH_LATE_ID (64 * 4)
struct hh_late {
	size_t visit;                /* index in the visits being read */
	uint64_t h;
	uint32_t len;
	char id[HH_LATE_ID];
};

/* The period's visits as they are read, from accepted.csv (load_visits)
 * or from the run's validate stage (mq_visits_add). */
struct mq_visits {
	struct mq_intern *strings;       /* the ids of rp_visit; the ctx's when read back */
	struct mq_arena *arena;          /* the diary excerpts; the ctx's when read back */
	struct rp_visit *visits;
	size_t n, cap;
	mq_day first, last;              /* the period */
	/* "township\x1fvillage" → the village's index in village_summary when
	 * read back (a village not there is skipped); when handed over, each
	 * new village is added and its key's id mapped to the index later */
	struct mq_intern *village_keys;
	int handed, off;                 /* off: weekly check due, nothing kept */
	struct field_cache fields[FC_N];
	struct hh_late late[HH_LATE + 1]; /* a ring: pushed n sits at n % (HH_LATE + 1) */
	size_t pushed, done;             /* households pushed, and interned of them */
	uint32_t seq;
};

/* Interns the household pushed as number n; 0 or MQ_ERR_NOMEM. */
static int hh_take(struct mq_visits *vr, size_t n)
{
	const struct hh_late *e = &vr->late[n % (HH_LATE + 1)];
	int32_t id = mq_intern_id_h(vr->strings, e->id, e->len, e->h);
	if (id < 0)
		return MQ_ERR_NOMEM;
	vr->visits[e->visit].household = id;
	vr->done = n + 1;
	return 0;
}

/* Pushes visit's household; interns the one HH_LATE before it and moves
 * the loads of those between on by a step. */
static int hh_push(struct mq_visits *vr, size_t visit, const char *s, size_t len, uint64_t h)
{
	size_t n = vr->pushed++;
	struct hh_late *e = &vr->late[n % (HH_LATE + 1)];
	*e = (struct hh_late){.visit = visit, .h = h, .len = (uint32_t)len};
	memcpy(e->id, s, len);
	if (n >= HH_LATE && hh_take(vr, n - HH_LATE))
		return MQ_ERR_NOMEM;
	for (size_t k = vr->done; k < n; k++)
		mq_intern_prefetch(vr->strings, vr->late[k % (HH_LATE + 1)].h, (int)(n - k));
	mq_intern_prefetch(vr->strings, h, 0);
	return 0;
}

/* Interns the households still pushed; 0 or MQ_ERR_NOMEM. */
static int hh_finish(struct mq_visits *vr)
{
	while (vr->done < vr->pushed)
		if (hh_take(vr, vr->done))
			return MQ_ERR_NOMEM;
	return 0;
}

/* Keeps r as a compact visit when it is in the period (and, read back,
 * in village_summary); 0 or MQ_ERR_NOMEM. */
static int visit_add(struct mq_visits *vr, const struct mq_record *r)
{
	uint32_t seq = vr->seq++;
	if (r->visit_date < vr->first || r->visit_date > vr->last)
		return 0;
	const char *hs = r->text[MQ_F_HOUSEHOLD_ID];
	size_t hl = hs ? r->len[MQ_F_HOUSEHOLD_ID] : 0;
	char key[VILLAGE_KEY];
	size_t n = village_key(key, r->text[MQ_F_TOWNSHIP], r->text[MQ_F_TOWNSHIP] ? r->len[MQ_F_TOWNSHIP] : 0,
			       r->text[MQ_F_VILLAGE], r->text[MQ_F_VILLAGE] ? r->len[MQ_F_VILLAGE] : 0);
	int32_t v = vr->handed ? mq_intern_id(vr->village_keys, key, n) : mq_intern_find(vr->village_keys, key, n);
	if (v < 0)
		return vr->handed ? MQ_ERR_NOMEM : 0; /* not in village_summary: figures of another run */
	if (mq_grow((void **)&vr->visits, &vr->cap, vr->n + 1, sizeof *vr->visits))
		return MQ_ERR_NOMEM;
	int32_t household = -1;
	if (hl > HH_LATE_ID && (household = mq_intern_id(vr->strings, hs, hl)) < 0)
		return MQ_ERR_NOMEM;
	struct rp_visit *x = &vr->visits[vr->n];
	*x = (struct rp_visit){
		.village = v, .household = household,
		.date = r->visit_date, .due = r->due_date,
		.closed = r->closed_date, .seq = seq, .topics = (uint16_t)r->topics,
		.mode = (int8_t)r->visit_mode, .status = (int8_t)r->status, .is_signed = (int8_t)r->is_signed,
		.satisfaction = (int8_t)r->satisfaction, .has_demand = r->text[MQ_F_DEMAND] != NULL,
	};
	int32_t id[FC_N];
	for (int i = 0; i < FC_N; i++)
		if ((id[i] = i == FC_CADRE_ID && id[FC_CADRE] >= 0 ? -1
			     : intern_cached(vr->strings, &vr->fields[i], r, fc_field[i])) == -2)
			return MQ_ERR_NOMEM;
	x->householder = id[FC_HOLDER];
	x->cadre = id[FC_CADRE] >= 0 ? id[FC_CADRE] : id[FC_CADRE_ID];
	x->demand = id[FC_DEMAND];
	x->measure = id[FC_MEASURE];
	int nomem;
	x->log = log_excerpt(vr->arena, r, &nomem);
	if (nomem || (hl && hl <= HH_LATE_ID && hh_push(vr, vr->n, hs, hl, mq_intern_hash(hs, hl))))
		return MQ_ERR_NOMEM;
	vr->n++;
	return 0;
}

/* The visits' helpers (village keys, field caches); 0 or MQ_ERR_NOMEM. */
static int visits_begin(struct mq_visits *vr)
{
	if (!(vr->village_keys = mq_intern_new()))
		return MQ_ERR_NOMEM;
	for (int i = 0; i < FC_N; i++)
		if (!(vr->fields[i].local = mq_intern_new()))
			return MQ_ERR_NOMEM;
	return 0;
}

/* Frees the helpers, once the visits are read. */
static void visits_end(struct mq_visits *vr)
{
	for (int i = 0; i < FC_N; i++) {
		mq_intern_free(vr->fields[i].local);
		free(vr->fields[i].global);
		vr->fields[i] = (struct field_cache){0};
	}
	mq_intern_free(vr->village_keys);
	vr->village_keys = NULL;
}

struct mq_visits *mq_visits_new(const struct mq_period *period, mq_day run_date, size_t at_most)
{
	struct mq_visits *vr = calloc(1, sizeof *vr);
	if (!vr)
		return NULL;
	*vr = (struct mq_visits){.first = period->first, .last = period->last, .handed = 1,
				 .off = rp_weekly_due(period, run_date)};
	if (vr->off)
		return vr;
	if (!(vr->strings = mq_intern_new()) || !(vr->arena = mq_arena_new()) || visits_begin(vr)) {
		mq_visits_free(vr);
		return NULL;
	}
	/* untouched pages cost nothing; when this fails the array grows */
	if (at_most && at_most < SIZE_MAX / sizeof *vr->visits &&
	    (vr->visits = mq_alloc_huge(at_most * sizeof *vr->visits)))
		vr->cap = at_most;
	return vr;
}

int mq_visits_add(struct mq_visits *vr, const struct mq_record *r)
{
	return vr->off ? 0 : visit_add(vr, r);
}

void mq_visits_free(struct mq_visits *vr)
{
	if (!vr)
		return;
	visits_end(vr);
	free(vr->visits);
	mq_intern_free(vr->strings);
	mq_arena_free(vr->arena);
	free(vr);
}

/* accepted.csv's records, read back: the weekly check's and the visits' */
struct read_back {
	struct rp_ctx *c;
	struct mq_visits *vr;
};

static int on_accepted(const struct mq_record *r, void *ctx)
{
	struct read_back *rb = ctx;
	if (rb->c->weekly && rp_weekly_record(rb->c, r))
		return MQ_ERR_NOMEM;
	return visit_add(rb->vr, r);
}

static int cmp_id(const void *a, const void *b, void *ctx)
{
	return strcmp(rp_str(ctx, *(const int32_t *)a), rp_str(ctx, *(const int32_t *)b));
}

/* The visits of one village and household: by date, then by order in
 * accepted.csv (the visits' order: seq grows with it). */
static int cmp_by_date(const void *a, const void *b, void *ctx)
{
	const struct rp_visit *v = ctx;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	if (v[i].date != v[j].date)
		return v[i].date < v[j].date ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Stable counting sort of the visit numbers in from[] into to[]: by
 * household rank when rank is given (nkeys ranks), else by village. */
static int count_sort(const struct rp_visit *v, const uint32_t *from, uint32_t *to, size_t n,
		      size_t nkeys, const uint32_t *rank)
{
	size_t *at = calloc(nkeys + 1, sizeof *at);
	if (!at)
		return MQ_ERR_NOMEM;
#define SORT_KEY(x) (rank ? ((x).household < 0 ? 0 : rank[(x).household]) : (uint32_t)(x).village)
	for (size_t i = 0; i < n; i++)
		at[SORT_KEY(v[from[i]]) + 1]++;
	for (size_t k = 0; k < nkeys; k++)
		at[k + 1] += at[k];
	for (size_t i = 0; i < n; i++)
		to[at[SORT_KEY(v[from[i]])]++] = from[i];
#undef SORT_KEY
	free(at);
	return 0;
}

/* Sorts the visits by village, household id (as strings compare), date,
 * then order in accepted.csv; MQ_ERR_NOMEM. The households are ranked
 * once (the empty one "" ranks 0, before every other); two stable
 * counting sorts of the visits' numbers, by household then by village,
 * leave each village's visits of one household together in file order,
 * to be put in date order; the visits then move once, in place. */
static int sort_visits(struct rp_ctx *c)
{
	size_t nstr = (size_t)mq_intern_count(c->strings), nh = 0, n = c->nvisits;
	uint32_t *rank = calloc(nstr ? nstr : 1, sizeof *rank);
	uint32_t *order = malloc((n ? n : 1) * sizeof *order), *tmp = malloc((n ? n : 1) * sizeof *tmp);
	int32_t *ids = NULL;
	int rc = MQ_ERR_NOMEM;
	if (!rank || !order || !tmp)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int32_t h = c->visits[i].household;
		if (h >= 0 && !rank[h]) {
			rank[h] = 1;
			nh++;
		}
	}
	if (!(ids = malloc((nh ? nh : 1) * sizeof *ids)))
		goto out;
	nh = 0;
	for (size_t i = 0; i < nstr; i++)
		if (rank[i])
			ids[nh++] = (int32_t)i;
	qsort_r(ids, nh, sizeof *ids, cmp_id, c);
	for (size_t i = 0; i < nh; i++)
		rank[ids[i]] = (uint32_t)i + 1;
	const struct rp_visit *v = c->visits;
	for (size_t i = 0; i < n; i++)
		tmp[i] = (uint32_t)i;
	if (count_sort(v, tmp, order, n, nh + 1, rank) ||
	    count_sort(v, order, tmp, n, c->nvillages, NULL))
		goto out;
	for (size_t i = 0, j; i < n; i = j) {
		const struct rp_visit *x = &v[tmp[i]];
		for (j = i + 1; j < n && v[tmp[j]].village == x->village && v[tmp[j]].household == x->household; j++)
			;
		if (j - i > 1)
			qsort_r(tmp + i, j - i, sizeof *tmp, cmp_by_date, c->visits);
	}
	/* visit i goes to where tmp names it: follow each cycle once */
	for (size_t i = 0; i < n; i++) {
		if (tmp[i] == i)
			continue;
		struct rp_visit keep = c->visits[i];
		size_t j = i;
		for (size_t k = tmp[j]; k != i; j = k, k = tmp[j]) {
			c->visits[j] = c->visits[k];
			tmp[j] = (uint32_t)j;
		}
		c->visits[j] = keep;
		tmp[j] = (uint32_t)j;
	}
	rc = 0;
out:
	free(ids);
	free(rank);
	free(order);
	free(tmp);
	return rc;
}

/* Each month's village figures (quarter and year runs) as the figures
 * stage counts them (mq_counts_visit, with the month as the
 * period): resolved and overdue as of the month's own as-of date, a
 * household counted once a month in its village. Needs the visits
 * sorted: a village's visits of one household are adjacent. */
static int count_months(struct rp_ctx *c)
{
	int nm = c->period.nmonths;
	if (nm > 32)
		return MQ_ERR_NOMEM; /* a period is at most a year */
	c->month_counts = calloc((size_t)nm * (c->nvillages ? c->nvillages : 1), sizeof *c->month_counts);
	if (!c->month_counts)
		return MQ_ERR_NOMEM;
	mq_day as_of[32];
	for (int m = 0; m < nm; m++) {
		mq_day first, last;
		mq_period_month(&c->period, m, &first, &last, (char[8]){0});
		as_of[m] = last < c->run_date ? last : c->run_date;
	}
	uint32_t months = 0; /* of the current village and household */
	for (size_t i = 0; i < c->nvisits; i++) {
		const struct rp_visit *x = &c->visits[i];
		int m = mq_period_month_of(&c->period, x->date);
		if (m >= 0) {
			const struct mq_visit_facts facts = {
				.due = x->due, .closed = x->closed, .topics = x->topics, .mode = x->mode,
				.status = x->status, .satisfaction = x->satisfaction,
				.is_signed = x->is_signed, .has_demand = x->has_demand,
			};
			mq_counts_visit(&c->month_counts[(size_t)m * c->nvillages + (size_t)x->village],
					&facts, as_of[m]);
			months |= 1u << m;
		}
		const struct rp_visit *next = i + 1 < c->nvisits ? x + 1 : NULL;
		if (next && next->village == x->village && next->household == x->household)
			continue;
		for (int b = 0; b < nm; b++)
			if (months >> b & 1)
				c->month_counts[(size_t)b * c->nvillages + (size_t)x->village].households_visited++;
		months = 0;
	}
	return 0;
}

/* The villages of village_summary.csv (their visits are counted by load_visits) */
static int load_villages(struct rp_ctx *c, struct mq_error *err)
{
	c->nvillages = c->village.nrows;
	c->villages = calloc(c->nvillages ? c->nvillages : 1, sizeof *c->villages);
	if (!c->villages)
		return mq_fail_nomem(err, NULL, 0);
	for (size_t i = 0; i < c->nvillages; i++) {
		struct rp_village *v = &c->villages[i];
		v->county = rp_cell(&c->village, i, "county");
		v->township = rp_cell(&c->village, i, "township");
		v->village = rp_cell(&c->village, i, "village");
		v->row = i;
	}
	return 0;
}

/* "township\x1fvillage" of a village_summary row; its length */
static size_t village_key_of(const struct rp_village *v, char key[VILLAGE_KEY])
{
	return village_key(key, v->township, strlen(v->township), v->village, strlen(v->village));
}

/* The visits read from accepted.csv, with the weekly check's records. */
static int read_visits(struct rp_ctx *c, struct mq_error *err)
{
	struct mq_visits vr = {.strings = c->strings, .arena = c->arena, .first = c->period.first,
			       .last = c->period.last};
	struct read_back rb = {.c = c, .vr = &vr};
	int rc = visits_begin(&vr) ? MQ_ERR_NOMEM : 0;
	for (size_t i = 0; i < c->nvillages && !rc; i++) {
		char key[VILLAGE_KEY];
		if (mq_intern_id(vr.village_keys, key, village_key_of(&c->villages[i], key)) < 0)
			rc = MQ_ERR_NOMEM;
	}
	if (rc) {
		rc = mq_fail_nomem(err, NULL, 0);
		goto out;
	}
	/* the period's visits (the villages' `visits` summed) in one exact
	 * allocation: no doubling slack and no copy at the memory peak */
	long long want = 0;
	for (size_t i = 0; i < c->village.nrows; i++)
		want += atoll(rp_cell(&c->village, i, "visits"));
	if (want > 0 && (vr.visits = mq_alloc_huge((size_t)want * sizeof *vr.visits)))
		vr.cap = (size_t)want;
	char path[4400];
	snprintf(path, sizeof path, "%s/accepted.csv", c->data_dir);
	rc = mq_read_accepted(path, c->run_date, NULL, on_accepted, &rb, err);
	if (!rc)
		rc = hh_finish(&vr);
	if (rc == MQ_ERR_NOMEM || (rc && !err->message[0]))
		mq_fail(err, rc, path, 0, "读取失败 / cannot read accepted.csv");
out:
	c->visits = vr.visits;
	c->nvisits = vr.n;
	c->cap_visits = vr.cap;
	visits_end(&vr);
	return rc;
}

/* The visits the run handed over: each village's key mapped to its row
 * of village_summary (a village not there is skipped, as when read
 * back); the visits, strings and excerpts taken over. 0 or MQ_ERR_NOMEM. */
static int take_visits(struct rp_ctx *c, struct mq_visits *vr)
{
	size_t nkeys = (size_t)mq_intern_count(vr->village_keys), kept = 0;
	int32_t *village = malloc((nkeys ? nkeys : 1) * sizeof *village);
	if (!village || hh_finish(vr)) {
		free(village);
		return MQ_ERR_NOMEM;
	}
	for (size_t k = 0; k < nkeys; k++)
		village[k] = -1;
	for (size_t i = 0; i < c->nvillages; i++) {
		char key[VILLAGE_KEY];
		int32_t k = mq_intern_find(vr->village_keys, key, village_key_of(&c->villages[i], key));
		if (k >= 0 && village[k] < 0)
			village[k] = (int32_t)i;
	}
	for (size_t i = 0; i < vr->n; i++) {
		int32_t v = village[vr->visits[i].village];
		if (v >= 0) {
			vr->visits[kept] = vr->visits[i];
			vr->visits[kept++].village = v;
		}
	}
	free(village);
	c->visits = vr->visits;
	c->nvisits = kept;
	c->cap_visits = vr->cap;
	vr->visits = NULL;
	struct mq_intern *empty = c->strings;
	c->strings = vr->strings;
	vr->strings = empty;
	c->excerpts = vr->arena;
	vr->arena = NULL;
	visits_end(vr);
	return 0;
}

static int load_visits(struct rp_ctx *c, struct mq_error *err)
{
	struct mq_visits *handed = c->o->visits;
	int rc = !handed || handed->off || c->weekly ? read_visits(c, err)
		 : take_visits(c, handed) ? mq_fail_nomem(err, NULL, 0) : 0;
	if (rc)
		return rc;
	if (c->nvisits && sort_visits(c))
		return mq_fail_nomem(err, NULL, 0);
	for (size_t i = 0; i < c->nvisits; i++) {
		struct rp_village *v = &c->villages[c->visits[i].village];
		if (!v->count)
			v->first = i;
		v->count++;
	}
	if (c->period.kind != MQ_PERIOD_MONTH && count_months(c))
		return mq_fail_nomem(err, NULL, 0);
	return 0;
}

/* ---- rendering one document ---- */

static const char *const set_zh[][2] = {
	{"villages", "分村表"}, {"cadres", "干部表"}, {"overdue", "逾期诉求表"},
	{"visits", "走访记录"}, {"households", "农户"}, {"teams", "工作队表"},
	{"rejects", "退回记录"}, {"next_steps", "下一步工作"}, {"problems", "存在的问题"},
};

/* ---- file names: planned before rendering ---- */

void rp_file_summary(const char *township, const char *month_label, char *out, size_t n)
{
	snprintf(out, n, "%s_%04d年%02d月_工作小结.pdf", township, atoi(month_label), atoi(month_label + 5));
}

void rp_file_ledger(const struct rp_ctx *c, const struct rp_village *v, char *out, size_t n)
{
	snprintf(out, n, "%s_%s_%s_台账.pdf", v->township, v->village, c->label);
}

void rp_file_assessment(const struct rp_ctx *c, const char *area, char *out, size_t n)
{
	/* a year is 年度考核; any other period 阶段考核 */
	snprintf(out, n, "%s_%s_%s.pdf", area[0] ? area : RP_NO_COUNTY, c->label,
		 c->period.kind == MQ_PERIOD_YEAR ? "年度考核结果" : "考核结果");
}

void rp_file_quality(const struct rp_ctx *c, char *out, size_t n)
{
	snprintf(out, n, "%s_数据质量报告.pdf", c->label);
}

void rp_file_weekly(const struct rp_ctx *c, const char *township, char *out, size_t n)
{
	snprintf(out, n, "%s_%s_周检查.pdf", township, c->label);
}

static int cmp_file(const void *a, const void *b)
{
	const struct rp_file *x = a, *y = b;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

struct plan {
	struct rp_ctx *c;
	struct mq_name_set *taken;
	size_t cap;
};

static int plan_add(struct plan *p, int unit, int index, const char *raw)
{
	struct rp_ctx *c = p->c;
	struct mq_buf name = MQ_BUF_INIT;
	if (mq_grow((void **)&c->files, &p->cap, c->nfiles + 1, sizeof *c->files) ||
	    mq_safe_name(raw, strlen(raw), &name) || mq_name_set_claim(p->taken, &name)) {
		mq_buf_free(&name);
		return MQ_ERR_NOMEM;
	}
	struct rp_file *f = &c->files[c->nfiles];
	f->unit = unit;
	f->index = index;
	f->raw = mq_arena_strndup(c->arena, raw, strlen(raw));
	f->safe = mq_arena_strndup(c->arena, name.data, name.len);
	mq_buf_free(&name);
	if (!f->raw || !f->safe)
		return MQ_ERR_NOMEM;
	c->nfiles++;
	return 0;
}

/* Every document the stage may write, in a fixed order, so names that
 * clean to the same one get the same distinct suffixes on every run and
 * whether townships render here or in child processes (run_part and the
 * builders use the same units and indexes). */
static int plan_files(struct rp_ctx *c, const char *const *townships, size_t nt, struct mq_error *err)
{
	struct plan p = {.c = c, .taken = mq_name_set_new()};
	char raw[2048];
	int rc = p.taken ? 0 : MQ_ERR_NOMEM;
	for (size_t t = 0; t < nt && !rc; t++) {
		for (int m = 0; m < c->period.nmonths && !rc; m++) {
			mq_day first, last;
			char label[8];
			mq_period_month(&c->period, m, &first, &last, label);
			rp_file_summary(townships[t], label, raw, sizeof raw);
			rc = plan_add(&p, (int)t, m, raw);
		}
		int k = 0;
		for (size_t v = 0; v < c->nvillages && !rc; v++)
			if (strcmp(c->villages[v].township, townships[t]) == 0) {
				rp_file_ledger(c, &c->villages[v], raw, sizeof raw);
				rc = plan_add(&p, (int)t, 100 + k++, raw);
			}
		if (!rc && c->o->township_reports) {
			rp_file_assessment(c, townships[t], raw, sizeof raw);
			rc = plan_add(&p, (int)t, 1 << 30, raw);
		}
		if (!rc && c->weekly) {
			rp_file_weekly(c, townships[t], raw, sizeof raw);
			rc = plan_add(&p, (int)t, (1 << 30) + 1, raw);
		}
	}
	for (size_t i = 0; i < c->county.nrows && !rc; i++) {
		rp_file_assessment(c, rp_cell(&c->county, i, "county"), raw, sizeof raw);
		rc = plan_add(&p, (int)nt, (int)i, raw);
	}
	if (!rc) {
		rp_file_quality(c, raw, sizeof raw);
		rc = plan_add(&p, (int)nt + 1, 0, raw);
	}
	mq_name_set_free(p.taken);
	if (c->nfiles)
		qsort(c->files, c->nfiles, sizeof *c->files, cmp_file);
	return rc ? mq_fail_nomem(err, NULL, 0) : 0;
}

int rp_render(struct rp_ctx *c, const struct mq_template *t, const struct mq_data *d,
	      const char *file, int unit, int index, rp_emit_fn emit, void *sink,
	      struct mq_error *err)
{
	struct rp_doc doc = {.unit = unit, .index = index};
	struct mq_render_result rr = {0};
	struct mq_render_opts ro = {.date = c->as_of_text, .on_page = c->on_page, .on_page_ctx = c->page_sink};
	if (c->o->stop && *c->o->stop)
		return mq_fail(err, MQ_ERR_USAGE, NULL, 0, "已中断 / interrupted");
	struct rp_file key = {.unit = unit, .index = index};
	const struct rp_file *f = c->nfiles ? bsearch(&key, c->files, c->nfiles, sizeof key, cmp_file) : NULL;
	struct mq_buf safe = MQ_BUF_INIT;
	if (f && strcmp(f->raw, file) == 0)
		file = f->safe;
	else if (mq_safe_name(file, strlen(file), &safe))
		return mq_fail_nomem(err, NULL, 0);
	else
		file = safe.data; /* not planned: safe, but not checked for clashes */
	snprintf(doc.path, sizeof doc.path, "%s/%s", c->reports_dir, file);
	int rc = mq_render_pdf(t, d, doc.path, &ro, &rr, err);
	if (rc)
		goto out;
	doc.pages = rr.pages;
	if (rr.nwarnings) {
		doc.missing = calloc(rr.nwarnings, sizeof *doc.missing);
		if (!doc.missing) {
			rc = mq_fail_nomem(err, NULL, 0);
			goto out;
		}
	}
	for (size_t i = 0; i < rr.nwarnings; i++) {
		const struct mq_render_warning *w = &rr.warnings[i];
		struct mq_missing_char *m = &doc.missing[doc.nmissing++];
		const char *set = w->dataset;
		for (size_t k = 0; k < sizeof set_zh / sizeof *set_zh; k++)
			if (strcmp(set, set_zh[k][0]) == 0)
				set = set_zh[k][1];
		snprintf(m->file, sizeof m->file, "%s", file);
		if (w->row >= 0)
			snprintf(m->where, sizeof m->where, "%s第%ld行", set, w->row + 1);
		else
			snprintf(m->where, sizeof m->where, "%s", *set ? set : "正文");
		m->codepoint = w->codepoint;
	}
	rc = emit(sink, &doc);
out:
	mq_buf_free(&safe);
	free(doc.missing);
	mq_render_result_free(&rr);
	return rc;
}

#define NEXT_STEPS_MAX (1 << 20)   /* a page of text, not a data file */

int rp_next_steps(struct rp_ctx *c, struct mq_data *d, const char *township,
		  const char *period, struct mq_error *err)
{
	struct mq_dataset *set;
	int rc = rp_add_set(d, "next_steps", "text", &set, err);
	if (rc || !c->o->next_steps_dir)
		return rc;
	/* <乡镇>_<period>.txt by the raw name when it makes a file name, else
	 * by its safe form (core/safename.h: 东:岗乡 → 东：岗乡, 北/洼乡 → 北／洼乡) */
	char path[4400], raw[2048];
	struct mq_buf safe = MQ_BUF_INIT;
	snprintf(raw, sizeof raw, "%s_%s.txt", township, period);
	snprintf(path, sizeof path, "%s/%s", c->o->next_steps_dir, raw);
	int e = strchr(raw, '/') ? ENOENT : access(path, F_OK) ? errno : 0;
	if (e == ENOENT || e == ENAMETOOLONG) {
		if (mq_safe_name(raw, strlen(raw), &safe))
			return mq_fail_nomem(err, NULL, 0);
		snprintf(path, sizeof path, "%s/%s", c->o->next_steps_dir, safe.data);
		mq_buf_free(&safe);
		e = access(path, F_OK) ? errno : 0;
	}
	if (e)
		return e == ENOENT ? 0 : mq_fail(err, MQ_ERR_IO, path, 0, "无法读取 / cannot read: %s",
						 mq_errno_text(e));
	/* UTF-8 with or without a BOM, or GB18030 / GBK as Notepad and WPS
	 * save it: the CSV reader's detection (ingest.h) */
	struct mq_buf text = MQ_BUF_INIT;
	if ((rc = mq_read_text(path, NEXT_STEPS_MAX, &text, NULL, err)))
		return rc;
	for (const char *p = text.data, *end = p + text.len; !rc && p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *s;
		size_t len = mq_trim(p, (size_t)((nl ? nl : end) - p), &s);
		p = nl ? nl + 1 : end;
		while (len && s[len - 1] == '\r')
			len = mq_trim(s, len - 1, &s);
		if (!len)
			continue;
		char *line = mq_arena_strndup(c->arena, s, len);
		const char *v[] = {line};
		rc = line ? mq_dataset_add_row(set, v, err) : mq_fail_nomem(err, NULL, 0);
	}
	mq_buf_free(&text);
	return rc;
}

/* ---- collecting documents: in process, or through a pipe from a child ---- */

struct collector {
	struct rp_doc *docs;
	size_t n, cap;
	const struct mq_reports_opts *o;
	long long pages, planned;    /* pages begun so far and planned: progress */
};

/* A page begun, in this process or in a child (read from its pipe). */
static void collect_pages(struct collector *col, long long n)
{
	col->pages += n;
	if (col->o->progress)
		col->o->progress(col->pages, col->planned, (long long)col->n, col->o->progress_ctx);
}

static void collect_page(void *sink) { collect_pages(sink, 1); }

static int collect(void *sink, const struct rp_doc *doc)
{
	struct collector *col = sink;
	if (mq_grow((void **)&col->docs, &col->cap, col->n + 1, sizeof *col->docs))
		return MQ_ERR_NOMEM;
	if (col->o->progress)
		col->o->progress(col->pages, col->planned, (long long)col->n + 1, col->o->progress_ctx);
	struct rp_doc *d = &col->docs[col->n];
	*d = *doc;
	d->missing = NULL;
	if (doc->nmissing) {
		d->missing = malloc(doc->nmissing * sizeof *d->missing);
		if (!d->missing)
			return MQ_ERR_NOMEM;
		memcpy(d->missing, doc->missing, doc->nmissing * sizeof *d->missing);
	}
	col->n++;
	return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return MQ_ERR_IO;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	char *s = p;
	while (n) {
		ssize_t r = read(fd, s, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? 1 : MQ_ERR_IO;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Pipe record: 'D' + struct rp_doc + missing[], 'P' + uint32_t (pages
 * begun since the last 'P', for progress) or 'E' + struct mq_error. */
struct child_pipe {
	int fd;
	uint32_t pages;       /* begun and not yet told */
	double told;          /* when pages were last told (mq_progress_clock) */
};

#define PAGES_EVERY 0.1       /* seconds */

static int tell_pages(struct child_pipe *cp)
{
	if (!cp->pages)
		return 0;
	char rec[1 + sizeof cp->pages];
	rec[0] = 'P';
	memcpy(rec + 1, &cp->pages, sizeof cp->pages);
	cp->pages = 0;
	cp->told = mq_progress_clock();
	return write_all(cp->fd, rec, sizeof rec);
}

/* Pages are told at most every PAGES_EVERY: a message per page woke
 * the parent tens of thousands of times a run. */
static void pipe_page(void *sink)
{
	struct child_pipe *cp = sink;
	cp->pages++;
	if (mq_progress_clock() - cp->told >= PAGES_EVERY)
		(void)tell_pages(cp); /* progress only: a failure shows at the next document */
}

static int pipe_emit(void *sink, const struct rp_doc *doc)
{
	struct child_pipe *cp = sink;
	char tag = 'D';
	if (tell_pages(cp) || write_all(cp->fd, &tag, 1) || write_all(cp->fd, doc, sizeof *doc) ||
	    (doc->nmissing && write_all(cp->fd, doc->missing, doc->nmissing * sizeof *doc->missing)))
		return MQ_ERR_IO;
	return 0;
}

static void ctx_free(struct rp_ctx *c);

/* The work the report processes take, one part at a time: a township's
 * unit in two parts, its monthly summaries, then its ledgers with its
 * assessment and weekly check, so the last parts handed out can be small
 * and the processes end together; the county's unit whole. Part w of
 * nt townships belongs to township w / TOWNSHIP_PARTS for w below
 * TOWNSHIP_PARTS * nt, else to the county. */
enum { PART_SUMMARIES, PART_LEDGERS, TOWNSHIP_PARTS };

static int part_unit(int w, size_t nt)
{
	return (size_t)w < TOWNSHIP_PARTS * nt ? w / TOWNSHIP_PARTS : (int)nt;
}

static int run_part(struct rp_ctx *c, int w, size_t ntownships, const char *const *townships,
		    rp_emit_fn emit, void *sink, struct mq_error *err)
{
	int unit = part_unit(w, ntownships);
	if ((size_t)unit >= ntownships)
		return rp_assessment_docs(c, unit, emit, sink, err);
	const char *t = townships[unit];
	if (w % TOWNSHIP_PARTS == PART_SUMMARIES)
		return rp_township_summaries(c, t, unit, emit, sink, err);
	int rc = rp_township_ledgers(c, t, unit, emit, sink, err);
	/* after the township's summaries (0…11) and ledgers (100…) */
	if (!rc && c->o->township_reports)
		rc = rp_assessment_township_doc(c, t, unit, 1 << 30, emit, sink, err);
	if (!rc && c->weekly)
		rc = rp_weekly_doc(c, t, unit, (1 << 30) + 1, emit, sink, err);
	return rc;
}

static int cmp_doc(const void *a, const void *b)
{
	const struct rp_doc *x = a, *y = b;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Reads one record of a child's pipe into col: 0 after a document, 1 at
 * the end (EOF, or the child's error copied into *rc and err), or
 * MQ_ERR_IO. */
static int read_doc(int fd, struct collector *col, int *rc, struct mq_error *err)
{
	char tag;
	int r = read_all(fd, &tag, 1);
	if (r)
		return r;
	if (tag == 'P') {
		uint32_t n;
		if ((r = read_all(fd, &n, sizeof n)))
			return r;
		collect_pages(col, n);
		return 0;
	}
	if (tag == 'E') {
		struct mq_error cerr;
		if (read_all(fd, &cerr, sizeof cerr) == 0 && !*rc) {
			*err = cerr;
			*rc = cerr.code ? cerr.code : MQ_ERR_IO;
		}
		return 1;
	}
	struct rp_doc doc;
	if (read_all(fd, &doc, sizeof doc))
		return MQ_ERR_IO;
	struct mq_missing_char *m = NULL;
	if (doc.nmissing) {
		m = malloc(doc.nmissing * sizeof *m);
		if (!m || read_all(fd, m, doc.nmissing * sizeof *m)) {
			free(m);
			return MQ_ERR_IO;
		}
	}
	doc.missing = m;
	int crc = collect(col, &doc);
	free(m);
	if (crc && !*rc)
		*rc = mq_fail_nomem(err, NULL, 0);
	return 0;
}

/* A --jobs child: its process and the read end of its pipe. */
struct child {
	pid_t pid;
	int fd;
};

/* Forks a child that renders the parts the shared counter *next hands
 * out, one at a time, in the order of order[] (the largest first, so the
 * last to finish are small), so a child never waits with parts left: a
 * document's bytes do not depend on which child makes it. kids[0, nkids)
 * are the children started before (their pipes are closed in the new
 * one). 0, or MQ_ERR_IO with err filled. */
static int start_child(struct rp_ctx *c, int *next, const int *order, int nparts, size_t ntownships,
		       const char *const *townships, struct collector *col, const struct child *kids,
		       int nkids, struct child *out, struct mq_error *err)
{
	int p[2];
	if (pipe(p))
		return mq_fail(err, MQ_ERR_IO, NULL, 0, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return mq_fail(err, MQ_ERR_IO, NULL, 0, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < nkids; i++)
			close(kids[i].fd);
		struct child_pipe cp = {p[1], 0, mq_progress_clock()};
		if (c->o->progress) {
			c->on_page = pipe_page;
			c->page_sink = &cp;
		}
		struct mq_error cerr = {0};
		int crc = 0;
		for (int t; !crc && (t = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED)) < nparts; )
			crc = run_part(c, order[t], ntownships, townships, pipe_emit, &cp, &cerr);
		if (crc) {
			char tag = 'E';
			if (!cerr.code && crc == MQ_ERR_NOMEM)
				mq_fail_nomem(&cerr, NULL, 0);
			else if (!cerr.code)
				mq_fail(&cerr, crc, NULL, 0, "内存不足或写入失败 / out of memory or write error");
			if (write_all(p[1], &tag, 1) == 0)
				(void)write_all(p[1], &cerr, sizeof cerr);
		}
		close(p[1]);
		free(col->docs);
		free((void *)townships);
		free((void *)order);
		ctx_free(c);
		mq_render_cache_free();   /* the fonts, and fontconfig with them */
		_exit(crc ? 3 : 0);
	}
	close(p[1]);
	*out = (struct child){pid, p[0]};
	return 0;
}

/* Starts `jobs` children (kids[] their room) and collects their
 * documents; waits for every child. */
static int run_children(struct rp_ctx *c, int jobs, int *next, const int *order, int nparts, size_t ntownships,
			const char *const *townships, struct collector *col, struct child *kids,
			struct mq_error *err)
{
	int fds[65], rc = 0, started = 0;
	for (int k = 0; k < jobs && !rc; k++)
		if ((rc = start_child(c, next, order, nparts, ntownships, townships, col, kids, started,
				      &kids[started], err)) == 0)
			started++;
	for (int k = 0; k < started; k++)
		fds[k] = kids[k].fd;
	/* documents are read as any child finishes one, so progress moves */
	struct pollfd pfd[64];
	int r_end[64], open_fds = started;
	for (int k = 0; k < started; k++) {
		pfd[k] = (struct pollfd){ .fd = fds[k], .events = POLLIN };
		r_end[k] = 0;
	}
	while (open_fds > 0) {
		if (poll(pfd, (nfds_t)started, -1) < 0) {
			if (errno == EINTR)
				continue;
			for (int k = 0; k < started; k++)
				if (pfd[k].fd >= 0)
					r_end[k] = MQ_ERR_IO;
			break;
		}
		for (int k = 0; k < started; k++) {
			if (pfd[k].fd < 0 || !pfd[k].revents)
				continue;
			int r = read_doc(fds[k], col, &rc, err);
			if (r) {
				r_end[k] = r;
				pfd[k].fd = -1;
				open_fds--;
			}
		}
	}
	for (int k = 0; k < started; k++) {
		close(fds[k]);
		int status = 0;
		while (waitpid(kids[k].pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!rc && (r_end[k] < 0 || !WIFEXITED(status) || WEXITSTATUS(status)))
			rc = mq_fail(err, MQ_ERR_IO, NULL, 0, "报告子进程失败 / a report process failed");
	}
	return rc;
}

/* ---- the stage ---- */

/* The period's months begun by the run date */
static int months_begun(const struct rp_ctx *c)
{
	int months = 0;
	for (int m = 0; m < c->period.nmonths; m++) {
		int ym = c->period.first_month + m;
		months += mq_day_from_ymd(ym / 12, ym % 12 + 1, 1) <= c->run_date;
	}
	return months;
}

/* Pages planned for a part (run_part), as measured on generated and
 * sample data: a township's monthly summary 3 pages and one per two of
 * its villages, for each month begun by the run date; a ledger a page
 * and one per 30 visits (its template's max-rows); an assessment 2
 * pages, one per cadre and one per five teams. For the progress line and
 * the order parts are handed out in only: the files never depend on it.
 * months: months_begun. */
static long long part_pages(const struct rp_ctx *c, int w, int months, const char *const *townships, size_t nt)
{
	int unit = part_unit(w, nt);
	if ((size_t)unit >= nt)
		return 2 + (long long)c->assessment.nrows + (long long)c->team.nrows / 5;
	const char *t = townships[unit];
	long long villages = 0, pages = 0, cadres = 0, teams = 0;
	for (size_t v = 0; v < c->nvillages; v++)
		if (strcmp(c->villages[v].township, t) == 0) {
			villages++;
			pages += 1 + (long long)c->villages[v].count / 30;
		}
	if (w % TOWNSHIP_PARTS == PART_SUMMARIES)
		return months * (3 + villages / 2);
	if (!c->o->township_reports)
		return pages;
	for (size_t i = 0; i < c->assessment.nrows; i++)
		cadres += strcmp(rp_cell(&c->assessment, i, "township"), t) == 0;
	for (size_t i = 0; i < c->team.nrows; i++)
		teams += strcmp(rp_cell(&c->team, i, "township"), t) == 0;
	return pages + 2 + cadres + teams / 5;
}

/* Every part's pages and the quality report's 5 */
static long long plan_pages(const long long *pages, int nparts)
{
	long long n = 5;
	for (int w = 0; w < nparts; w++)
		n += pages[w];
	return n;
}

static int by_pages(const void *a, const void *b, void *ctx)
{
	const long long *pages = ctx;
	int x = *(const int *)a, y = *(const int *)b;
	if (pages[x] != pages[y])
		return pages[x] > pages[y] ? -1 : 1;
	return (x > y) - (x < y);
}

static int load_template(struct rp_ctx *c, const char *name, struct mq_template **t,
			 struct mq_error *err)
{
	char path[4400];
	if (c->o->templates_dir)
		snprintf(path, sizeof path, "%s/%s", c->o->templates_dir, name);
	else {
		int rc = mq_find_template(name, path, sizeof path, err);
		if (rc)
			return rc;
	}
	return mq_template_load(path, NULL, t, err);
}

/* the run's --rubric, else rubric.xml from --templates when given, else
 * found as templates are */
static int load_rubric(struct rp_ctx *c, struct mq_error *err)
{
	char path[4400];
	if (c->o->templates_dir)
		snprintf(path, sizeof path, "%s/rubric.xml", c->o->templates_dir);
	return mq_rubric_load(c->o->rubric ? c->o->rubric : c->o->templates_dir ? path : NULL, &c->rubric, err);
}

static void ctx_free(struct rp_ctx *c)
{
	struct rp_table *tabs[] = {&c->village, &c->township, &c->county, &c->cadre_monthly,
				   &c->assessment, &c->team, &c->facts, &c->counts, &c->rejects};
	for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++)
		free(tabs[i]->cells);
	free(c->month_counts);
	free(c->villages);
	free(c->visits);
	free(c->files);
	mq_template_free(c->t_summary);
	mq_template_free(c->t_ledger);
	mq_template_free(c->t_assess);
	mq_template_free(c->t_quality);
	mq_template_free(c->t_weekly);
	rp_weekly_free(c->weekly);
	mq_rubric_free(c->rubric);
	mq_intern_free(c->strings);
	mq_arena_free(c->arena);
	mq_arena_free(c->excerpts);
}

static int add_doc_to_result(struct mq_reports_result *res, const struct rp_doc *d)
{
	if (mq_grow((void **)&res->files, &res->afiles, res->nfiles + 1, sizeof *res->files))
		return MQ_ERR_NOMEM;
	struct mq_report_file *f = &res->files[res->nfiles];
	if (!(f->path = strdup(d->path)))
		return MQ_ERR_NOMEM;
	f->pages = d->pages;
	res->nfiles++;
	res->pages += d->pages;
	if (d->nmissing) {
		if (mq_grow((void **)&res->missing, &res->amissing, res->nmissing + d->nmissing, sizeof *res->missing))
			return MQ_ERR_NOMEM;
		memcpy(res->missing + res->nmissing, d->missing, d->nmissing * sizeof *res->missing);
		res->nmissing += d->nmissing;
	}
	return 0;
}

static int result_emit(void *sink, const struct rp_doc *doc)
{
	return add_doc_to_result(sink, doc);
}

/* The index of the reports written (MQ_REPORTS_INDEX): res->files in
 * order, the first ndocs of them docs[] (a township's or the county's),
 * the rest for every package (the data-quality report). */
static int write_index(const struct rp_ctx *c, const char *const *townships, size_t nt,
		       const struct rp_doc *docs, size_t ndocs, const struct mq_reports_result *res,
		       struct mq_error *err)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/%s", c->reports_dir, MQ_REPORTS_INDEX);
	struct mq_out o;
	int rc = mq_out_open(&o, path, err);
	if (rc)
		return rc;
	static const char *const cols[] = {"scope", "township", "file"};
	mq_csv_row(o.fp, cols, 3);
	for (size_t i = 0; i < res->nfiles; i++) {
		int unit = i < ndocs ? docs[i].unit : -1;
		const char *slash = strrchr(res->files[i].path, '/');
		mq_csv_cell(o.fp, unit < 0 ? "all" : (size_t)unit < nt ? "township" : "county", 1);
		mq_csv_cell(o.fp, unit >= 0 && (size_t)unit < nt ? townships[unit] : NULL, 0);
		mq_csv_cell(o.fp, slash ? slash + 1 : res->files[i].path, 0);
		mq_csv_end(o.fp);
	}
	return mq_out_commit(&o, err);
}

int mq_render_reports(const struct mq_reports_opts *o, struct mq_reports_result *res,
		      struct mq_error *err)
{
	struct rp_ctx c = {.o = o};
	struct collector col = {.o = o};
	const char **townships = NULL;
	struct child kids[65] = {{0}};
	int rc, *next = NULL, *order = NULL;
	long long *pages = NULL;
	if (!o->out_dir || !o->period)
		return mq_fail(err, MQ_ERR_USAGE, NULL, 0, "需要 --out 和 --period / out dir and period required");
	if ((rc = mq_period_parse(o->period, &c.period, err)))
		return rc;
	mq_period_label_zh(&c.period, c.label, sizeof c.label);
	c.arena = mq_arena_new();
	c.strings = mq_intern_new();
	if (!c.arena || !c.strings) {
		rc = mq_fail_nomem(err, NULL, 0);
		goto out;
	}
	snprintf(c.data_dir, sizeof c.data_dir, "%s/data", o->out_dir);
	if (o->reports_dir)
		snprintf(c.reports_dir, sizeof c.reports_dir, "%s", o->reports_dir);
	else
		snprintf(c.reports_dir, sizeof c.reports_dir, "%s/reports", o->out_dir);
	if ((rc = load_rubric(&c, err)) || (rc = load_tables(&c, err)) || (rc = rp_weekly_begin(&c, err)) ||
	    (rc = load_villages(&c, err)) ||
	    (c.weekly && (rc = load_template(&c, "weekly_check.xml", &c.t_weekly, err))) ||
	    (rc = load_template(&c, "monthly_summary.xml", &c.t_summary, err)) ||
	    (rc = load_template(&c, "village_ledger.xml", &c.t_ledger, err)) ||
	    (rc = load_template(&c, "assessment_report.xml", &c.t_assess, err)) ||
	    (rc = load_template(&c, "data_quality.xml", &c.t_quality, err)) ||
	    (rc = mq_mkdirs(c.reports_dir, err)))
		goto out;
	size_t nt = c.township.nrows;
	townships = calloc(nt ? nt : 1, sizeof *townships);
	if (!townships) {
		rc = mq_fail_nomem(err, NULL, 0);
		goto out;
	}
	for (size_t i = 0; i < nt; i++)
		townships[i] = rp_cell(&c.township, i, "township");
	if ((rc = plan_files(&c, townships, nt, err)))
		goto out;
	int nunits = (int)nt + 1, nparts = TOWNSHIP_PARTS * (int)nt + 1;
	int jobs = o->jobs < 1 ? 1 : o->jobs > 64 ? 64 : o->jobs;
	if (jobs > nparts)
		jobs = nparts;
	if ((rc = load_visits(&c, err)) || (rc = rp_weekly_write_csv(&c, err)))
		goto out;
	order = malloc((size_t)nparts * sizeof *order);
	pages = malloc((size_t)nparts * sizeof *pages);
	if (!order || !pages) {
		rc = mq_fail_nomem(err, NULL, 0);
		goto out;
	}
	int months = months_begun(&c);
	for (int w = 0; w < nparts; w++) {
		order[w] = w;
		pages[w] = part_pages(&c, w, months, townships, nt);
	}
	qsort_r(order, (size_t)nparts, sizeof *order, by_pages, pages);
	col.planned = plan_pages(pages, nparts);
	free(pages);   /* before any child is made */
	pages = NULL;
	if (jobs <= 1) {
		if (o->progress) {
			c.on_page = collect_page;
			c.page_sink = &col;
		}
		for (int w = 0; w < nparts && !rc; w++)
			rc = run_part(&c, w, nt, townships, collect, &col, err);
		if (rc == MQ_ERR_NOMEM && !err->message[0])
			mq_fail_nomem(err, NULL, 0);
	} else {
		next = mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (next == MAP_FAILED) {
			next = NULL;
			rc = mq_fail(err, MQ_ERR_NOMEM, NULL, 0, "mmap: %s", strerror(errno));
			goto out;
		}
		*next = 0;
		rc = run_children(&c, jobs, next, order, nparts, nt, townships, &col, kids, err);
	}
	if (rc)
		goto out;
	if (col.n)
		qsort(col.docs, col.n, sizeof *col.docs, cmp_doc);
	for (size_t i = 0; i < col.n && !rc; i++)
		if (add_doc_to_result(res, &col.docs[i]))
			rc = mq_fail_nomem(err, NULL, 0);
	if (!rc)
		rc = rp_quality_doc(&c, res, nunits, result_emit, res, err);
	if (!rc)
		rc = write_index(&c, townships, nt, col.docs, col.n, res, err);
	if (!rc && o->progress)
		o->progress(res->pages, res->pages, (long long)res->nfiles, o->progress_ctx);
	if (rc == MQ_ERR_NOMEM && !err->message[0])
		mq_fail_nomem(err, NULL, 0);
out:
	free(order);
	free(pages);
	if (next)
		munmap(next, sizeof *next);
	for (size_t i = 0; i < col.n; i++)
		free(col.docs[i].missing);
	free(col.docs);
	free(townships);
	ctx_free(&c);
	mq_render_cache_free();   /* the fonts, and fontconfig with them */
	return rc;
}

void mq_reports_result_free(struct mq_reports_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nfiles; i++)
		free(res->files[i].path);
	free(res->files);
	free(res->missing);
	*res = (struct mq_reports_result){0};
}
