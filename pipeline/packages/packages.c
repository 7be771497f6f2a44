/* packages.c — the archive stage of a run: reads what the earlier
 * stages wrote in OUT (the CSVs and run.txt in data/, the PDFs in reports/) and
 * writes one package per township and one for the county to OUT/archive.
 * A township's rows of each CSV are split into OUT/archive/.tmp.PID in one
 * pass per CSV (rows copied byte for byte), and removed at the end. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "minqing/archive/bag.h"
#include "minqing/core/bgwrite.h"
#include "minqing/core/buf.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"
#include "minqing/core/safename.h"
#include "minqing/packages/packages.h"
#include "minqing/packages/run_record.h"

#ifndef MQ_VERSION
#define MQ_VERSION "unknown"
#endif

#define RECORD_MAX (64u << 20) /* one CSV record (a diary may be long, not this long) */
#define FIELD_MAX 4096
#define OPEN_MAX_SPLIT 64 /* township files open at once while splitting */

/* The CSVs of contract section 6 and assessment_facts.csv (assess.h), in
 * the order they are read. */
static const struct {
	const char *file;
	int per_township; /* filtered by the township column for a township package */
} csvs[] = {
	{"accepted.csv", 1},         {"rejects.csv", 0},     {"warnings.csv", 0},
	{"village_summary.csv", 1},  {"township_summary.csv", 1}, {"county_summary.csv", 1},
	{"cadre_monthly.csv", 1},    {"assessment.csv", 1},  {"team_assessment.csv", 1},
	{"assessment_facts.csv", 1},
};
enum { NCSV = sizeof csvs / sizeof csvs[0] };

static const char DIR_REPORTS[] = "报告", DIR_DATA[] = "数据", DIR_INPUTS[] = "原始输入";

/* ---- CSV records, raw ---- */

struct rec_reader {
	FILE *fp;
	char *buf;
	size_t len, pos;
	int bom;
};

static int reader_open(struct rec_reader *r, const char *path, struct mq_error *err)
{
	memset(r, 0, sizeof *r);
	r->fp = fopen(path, "rb");
	if (!r->fp)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取 / cannot read: %s", mq_errno_text(errno));
	r->buf = malloc(1 << 18);
	if (!r->buf) {
		fclose(r->fp);
		return mq_fail_nomem(err, path, 0);
	}
	r->len = fread(r->buf, 1, 1 << 18, r->fp);
	if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
		r->bom = 1;
		r->pos = 3;
	}
	return 0;
}

static void reader_close(struct rec_reader *r)
{
	if (r->fp)
		fclose(r->fp);
	free(r->buf);
	memset(r, 0, sizeof *r);
}

/* Reads one record (up to and including its LF outside quotes) into rec.
 * Returns 1, 0 at the end, or a negative code. */
static int next_record(struct rec_reader *r, struct mq_buf *rec)
{
	int quoted = 0;
	mq_buf_reset(rec);
	for (;;) {
		if (r->pos == r->len) {
			if (ferror(r->fp))
				return MQ_ERR_IO;
			r->len = fread(r->buf, 1, 1 << 18, r->fp);
			r->pos = 0;
			if (!r->len)
				return ferror(r->fp) ? MQ_ERR_IO : rec->len > 0;
		}
		size_t start = r->pos, i = r->pos;
		int done = 0;
		for (; i < r->len; i++) {
			if (r->buf[i] == '"')
				quoted = !quoted;
			else if (r->buf[i] == '\n' && !quoted) {
				i++;
				done = 1;
				break;
			}
		}
		int rc = mq_buf_add(rec, r->buf + start, i - start);
		r->pos = i;
		if (rc)
			return rc;
		if (done)
			return 1;
	}
}

/* The error of a failed next_record: MQ_ERR_IO, MQ_ERR_LIMIT (past its
 * cap) or MQ_ERR_NOMEM. */
static int reader_fail(struct mq_error *err, int rc, const char *path)
{
	if (rc == MQ_ERR_IO)
		return mq_fail(err, rc, path, 0, "读取出错 / read error");
	if (rc == MQ_ERR_LIMIT)
		return mq_fail(err, rc, path, 0, "记录过长 / record too long");
	return mq_fail_nomem(err, path, 0);
}

/* Copies the unquoted field k of rec into out ("" when it has fewer). */
static int record_field(const struct mq_buf *rec, size_t k, struct mq_buf *out)
{
	const char *s = rec->data;
	size_t n = rec->len, i = 0;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	mq_buf_reset(out);
	for (size_t f = 0;; f++) {
		int quoted = i < n && s[i] == '"';
		if (quoted)
			i++;
		for (; i < n; i++) {
			if (quoted && s[i] == '"') {
				if (i + 1 < n && s[i + 1] == '"')
					i++;
				else {
					quoted = 0;
					continue;
				}
			} else if (!quoted && s[i] == ',') {
				break;
			}
			if (f == k && mq_buf_addc(out, s[i]))
				return MQ_ERR_LIMIT;
		}
		if (f == k || i >= n)
			break;
		i++; /* the comma */
	}
	return 0;
}

/* Index of the column named name in the header record, or -1. */
static long header_column(const struct mq_buf *hdr, const char *name)
{
	struct mq_buf cell = MQ_BUF_INIT_CAP(FIELD_MAX);
	long found = -1;
	size_t fields = 1;
	int quoted = 0;
	for (size_t i = 0; i < hdr->len; i++) {
		if (hdr->data[i] == '"')
			quoted = !quoted;
		else if (hdr->data[i] == ',' && !quoted)
			fields++;
	}
	for (size_t k = 0; k < fields && found < 0; k++)
		if (record_field(hdr, k, &cell) == 0 && strcmp(cell.data, name) == 0)
			found = (long)k;
	mq_buf_free(&cell);
	return found;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted distinct values of column col of a CSV; a missing file or column
 * gives none. The strings are malloc'ed; the caller frees them. */
static int distinct_values(const char *path, const char *col, char ***out, size_t *nout,
			   struct mq_error *err)
{
	*out = NULL;
	*nout = 0;
	struct rec_reader r;
	if (access(path, F_OK))
		return 0;
	int rc = reader_open(&r, path, err);
	if (rc)
		return rc;
	struct mq_buf rec = MQ_BUF_INIT_CAP(RECORD_MAX), cell = MQ_BUF_INIT_CAP(FIELD_MAX);
	char **v = NULL;
	size_t n = 0, a = 0;
	long k = -1;
	rc = next_record(&r, &rec);
	if (rc == 1)
		k = header_column(&rec, col);
	while (k >= 0 && (rc = next_record(&r, &rec)) == 1) {
		if (record_field(&rec, (size_t)k, &cell)) {
			rc = MQ_ERR_LIMIT;
			break;
		}
		if (!cell.len)
			continue;
		size_t j;
		for (j = 0; j < n && strcmp(v[j], cell.data); j++)
			;
		if (j < n)
			continue;
		if ((rc = mq_strs_push(&v, &n, &a, strdup(cell.data))))
			break;
	}
	reader_close(&r);
	mq_buf_free(&rec);
	mq_buf_free(&cell);
	if (rc < 0) {
		mq_strs_free(v, n);
		return reader_fail(err, rc, path);
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_str);
	*out = v;
	*nout = n;
	return 0;
}

/* ---- the stage ---- */

/* A row of the reports' index: scope 0 every package, 1 the county's,
 * 2 the package of township town. */
struct report {
	int scope;
	char *town, *file;
};

static int cmp_report(const void *a, const void *b)
{
	return strcmp(((const struct report *)a)->file, ((const struct report *)b)->file);
}

struct stage {
	const struct mq_archive_opts *o;
	struct mq_run_record run;  /* data/run.txt */
	char label[64], as_of[11];
	char **towns;
	size_t ntowns;
	char *county;     /* package name of the county */
	struct report *reports; /* OUT/reports's index, sorted by file name */
	size_t nreports;
	char *tmp;        /* OUT/archive/.tmp.PID */
	/* split[t * NCSV + c]: township t's rows of CSV c, NULL when not split */
	char **split;
};

static char *path_join(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + (c ? strlen(c) + 1 : 0) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");
	return p;
}

/* The reports a package holds come from the render stage's index
 * (MQ_REPORTS_INDEX): a township's reports are the rows naming it, never
 * the files whose names start like it (two townships may clean to the
 * same name). No reports folder: no reports. */
static int list_reports(struct stage *s, struct mq_error *err)
{
	char *dir = path_join(s->o->out_dir, "reports", NULL);
	char *path = dir ? path_join(dir, MQ_REPORTS_INDEX, NULL) : NULL;
	int rc = 0;
	if (!path) {
		free(dir);
		return mq_fail_nomem(err, NULL, 0);
	}
	if (access(path, F_OK)) {
		if (errno == ENOENT && access(dir, F_OK))
			rc = 0;
		else
			rc = mq_fail(err, MQ_ERR_IO, path, 0, "找不到报告清单，请重新运行 minqing render"
				     " / the reports' index is missing: run minqing render again");
		free(path);
		free(dir);
		return rc;
	}
	struct rec_reader r;
	if ((rc = reader_open(&r, path, err))) {
		free(path);
		free(dir);
		return rc;
	}
	struct mq_buf rec = MQ_BUF_INIT_CAP(RECORD_MAX), cell = MQ_BUF_INIT_CAP(FIELD_MAX);
	size_t a = 0;
	long line = 1;
	int got = next_record(&r, &rec); /* the header */
	while (got == 1 && (got = next_record(&r, &rec)) == 1) {
		line++;
		static const char *const scopes[] = {"all", "county", "township"};
		struct report *e;
		if (mq_grow((void **)&s->reports, &a, s->nreports + 1, sizeof *s->reports)) {
			rc = mq_fail_nomem(err, path, line);
			break;
		}
		e = &s->reports[s->nreports];
		*e = (struct report){.scope = -1};
		if (record_field(&rec, 0, &cell)) {
			rc = MQ_ERR_LIMIT;
			break;
		}
		for (int k = 0; k < 3; k++)
			if (!strcmp(cell.data, scopes[k]))
				e->scope = k;
		if (e->scope < 0 || record_field(&rec, 1, &cell) || !(e->town = strdup(cell.data)) ||
		    record_field(&rec, 2, &cell) || !(e->file = strdup(cell.data))) {
			free(e->town);
			rc = e->scope < 0 ? MQ_ERR_FORMAT : MQ_ERR_NOMEM;
			break;
		}
		s->nreports++;
		if (!*e->file || strchr(e->file, '/') || e->file[0] == '.') {
			rc = MQ_ERR_FORMAT;
			break;
		}
	}
	reader_close(&r);
	mq_buf_free(&rec);
	mq_buf_free(&cell);
	if (!rc && got < 0)
		rc = mq_fail(err, MQ_ERR_IO, path, line, "读取出错 / read error");
	else if (rc && !err->code)
		rc = mq_fail(err, rc, path, line, "报告清单有误，请重新运行 minqing render"
			     " / bad line in the reports' index: run minqing render again");
	free(path);
	free(dir);
	if (!rc && s->nreports)
		qsort(s->reports, s->nreports, sizeof *s->reports, cmp_report);
	return rc;
}

/* 0, or the errno of the first failure */
static int close_all(FILE **fps, size_t n)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++)
		if (fps[i]) {
			int e = ferror(fps[i]) ? EIO : mq_fault();
			if (fclose(fps[i]) && !e)
				e = errno;
			if (e && !bad)
				bad = e;
			fps[i] = NULL;
		}
	return bad;
}

/* Splits CSV c by its township column into one file per township; rows of
 * a township not in s->towns are left out of every township file. */
static int split_csv(struct stage *s, size_t c, struct mq_error *err)
{
	char *src = path_join(s->o->out_dir, "data", csvs[c].file);
	if (!src)
		return mq_fail_nomem(err, NULL, 0);
	int rc = 0;
	if (access(src, F_OK)) {
		free(src);
		return 0;
	}
	struct mq_buf hdr = MQ_BUF_INIT_CAP(RECORD_MAX), rec = MQ_BUF_INIT_CAP(RECORD_MAX), cell = MQ_BUF_INIT_CAP(FIELD_MAX);
	FILE *fps[OPEN_MAX_SPLIT] = {0};
	for (size_t lo = 0; lo < s->ntowns && !rc; lo += OPEN_MAX_SPLIT) {
		size_t hi = lo + OPEN_MAX_SPLIT < s->ntowns ? lo + OPEN_MAX_SPLIT : s->ntowns;
		struct rec_reader r;
		rc = reader_open(&r, src, err);
		if (rc)
			break;
		long k = -1;
		int got = next_record(&r, &hdr);
		if (got == 1)
			k = header_column(&hdr, "township");
		if (k < 0) { /* no township column: not split (county_summary.csv) */
			reader_close(&r);
			rc = got < 0 ? mq_fail(err, got, src, 0, "读取出错 / read error") : 0;
			break;
		}
		for (size_t t = lo; t < hi && !rc; t++) {
			char dir[32];
			snprintf(dir, sizeof dir, "%zu", t);
			char *sub = path_join(s->tmp, dir, NULL);
			char *dst = sub ? path_join(s->tmp, dir, csvs[c].file) : NULL;
			if (!dst) {
				free(sub);
				rc = mq_fail_nomem(err, NULL, 0);
				break;
			}
			if (mkdir(sub, 0777) && errno != EEXIST)
				rc = mq_fail(err, MQ_ERR_IO, sub, 0, "无法创建目录 / cannot create folder: %s", mq_errno_text(errno));
			free(sub);
			s->split[t * NCSV + c] = dst;
			if (!rc && !(fps[t - lo] = fopen(dst, "wb")))
				rc = mq_fail(err, MQ_ERR_IO, dst, 0, "无法写入 / cannot write: %s", mq_errno_text(errno));
			if (!rc) {
				if (r.bom)
					fputs("\xEF\xBB\xBF", fps[t - lo]);
				fwrite(hdr.data, 1, hdr.len, fps[t - lo]);
			}
		}
		while (!rc && (got = next_record(&r, &rec)) == 1) {
			if (record_field(&rec, (size_t)k, &cell)) {
				rc = mq_fail(err, MQ_ERR_LIMIT, src, 0, "字段过长 / field too long");
				break;
			}
			char *key = cell.data;
			char **hit = bsearch(&key, s->towns + lo, hi - lo, sizeof *s->towns, cmp_str);
			if (hit)
				fwrite(rec.data, 1, rec.len, fps[hit - s->towns - lo]);
		}
		if (!rc && got < 0)
			rc = reader_fail(err, got, src);
		reader_close(&r);
		int e = close_all(fps, OPEN_MAX_SPLIT);
		if (e && !rc)
			rc = mq_fail(err, MQ_ERR_IO, s->tmp, 0, "写入临时文件失败 / cannot write temporary file: %s",
				     mq_errno_text(e));
	}
	close_all(fps, OPEN_MAX_SPLIT);
	mq_buf_free(&hdr);
	mq_buf_free(&rec);
	mq_buf_free(&cell);
	free(src);
	return rc;
}

static void remove_tmp(struct stage *s)
{
	if (!s->tmp)
		return;
	for (size_t t = 0; s->split && t < s->ntowns; t++) {
		for (size_t c = 0; c < NCSV; c++)
			if (s->split[t * NCSV + c])
				unlink(s->split[t * NCSV + c]);
		char dir[32];
		snprintf(dir, sizeof dir, "%zu", t);
		char *sub = path_join(s->tmp, dir, NULL);
		if (sub)
			rmdir(sub);
		free(sub);
	}
	rmdir(s->tmp);
}

static int add_info(struct stage *s, struct mq_bag *bag, const char *owner, const char *desc,
		    struct mq_error *err)
{
	struct mq_buf v = MQ_BUF_INIT;
	const char *org = s->o->organization ? s->o->organization
			  : s->run.value[MQ_RUN_UNIT] ? s->run.value[MQ_RUN_UNIT] : s->county;
	int rc = mq_bag_add_info(bag, "Source-Organization", org, err);
	if (!rc && (rc = mq_buf_printf(&v, "%s%s民情日记档案包：%s", owner, s->label, desc)) == 0)
		rc = mq_bag_add_info(bag, "External-Description", v.data, err);
	mq_buf_reset(&v);
	if (!rc && (rc = mq_buf_printf(&v, "%s_%s", owner, s->label)) == 0)
		rc = mq_bag_add_info(bag, "Internal-Sender-Identifier", v.data, err);
	if (!rc)
		rc = mq_bag_add_info(bag, "Period", s->o->period, err);
	static const struct { int key; const char *label; } counts[] = {
		{MQ_RUN_RECORDS_READ, "Records-Read"}, {MQ_RUN_ACCEPTED, "Records-Accepted"},
		{MQ_RUN_REJECTED, "Records-Rejected"}, {MQ_RUN_DROPPED, "Records-Dropped"},
	};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0] && !rc; i++)
		if (s->run.value[counts[i].key])
			rc = mq_bag_add_info(bag, counts[i].label, s->run.value[counts[i].key], err);
	if (!rc)
		rc = mq_bag_add_info(bag, "Bag-Software-Agent", "minqing " MQ_VERSION, err);
	for (size_t i = 0; i < s->run.ninputs && !rc; i++) {
		const char *slash = strrchr(s->run.inputs[i].path, '/');
		mq_buf_reset(&v);
		rc = mq_buf_printf(&v, "%s %s", s->run.inputs[i].sha256 ? s->run.inputs[i].sha256 : "-",
				   slash ? slash + 1 : s->run.inputs[i].path);
		if (!rc)
			rc = mq_bag_add_info(bag, "Input-File", v.data, err);
	}
	mq_buf_free(&v);
	if (rc && !err->code)
		rc = mq_fail(err, rc, NULL, 0, "%s", mq_nomem_message);
	return rc;
}

static int add_in(struct mq_bag *bag, const char *src, const char *dir, const char *name,
		  const char *sha, struct mq_error *err)
{
	struct mq_buf n = MQ_BUF_INIT;
	if (mq_buf_printf(&n, "%s/%s", dir, name)) {
		mq_buf_free(&n);
		return mq_fail_nomem(err, NULL, 0);
	}
	int rc = mq_bag_add_file(bag, src, n.data, sha, err);
	mq_buf_free(&n);
	return rc;
}

/* The bag of a package. town: index into s->towns, or -1 for the county
 * package; zip: its path, planned by plan_packages (ends in ".zip"). Sets *bag_out,
 * nothing on failure. */
static int build_package(struct stage *s, long town, const char *zip, struct mq_bag **bag_out,
			 struct mq_error *err)
{
	const char *owner = town < 0 ? s->county : s->towns[town];
	struct mq_bag *bag = mq_bag_new(s->as_of, err);
	if (!bag)
		return err->code;
	int rc = add_info(s, bag, owner, town < 0
			  ? "全县各乡镇工作小结、村台账、年度考核结果、统计报表、受理记录、退回记录、警告与数据质量报告。"
			  : "本乡镇工作小结、村台账、统计报表、受理记录、退回记录、警告与数据质量报告。", err);
	char *reports = path_join(s->o->out_dir, "reports", NULL);
	struct mq_buf prefix = MQ_BUF_INIT;
	if (!rc && !reports)
		rc = mq_fail_nomem(err, NULL, 0);
	for (size_t i = 0; i < s->nreports && !rc; i++) {
		const struct report *r = &s->reports[i];
		if (town >= 0 && r->scope && (r->scope != 2 || strcmp(r->town, owner)))
			continue;
		char *src = path_join(reports, r->file, NULL);
		rc = src ? add_in(bag, src, DIR_REPORTS, r->file, NULL, err)
			 : mq_fail_nomem(err, NULL, 0);
		free(src);
	}
	for (size_t c = 0; c < NCSV && !rc; c++) {
		char *src = NULL;
		if (town < 0 || !csvs[c].per_township)
			src = path_join(s->o->out_dir, "data", csvs[c].file);
		else if (s->split[(size_t)town * NCSV + c])
			src = strdup(s->split[(size_t)town * NCSV + c]);
		else
			continue;
		if (!src)
			rc = mq_fail_nomem(err, NULL, 0);
		else if (!access(src, F_OK))
			rc = add_in(bag, src, DIR_DATA, csvs[c].file, NULL, err);
		free(src);
	}
	/* the workbooks: rejects.xlsx like rejects.csv in every package, the
	 * county-wide figures.xlsx in the county's */
	static const struct { const char *file; int county_only; } books[] = {
		{ "rejects.xlsx", 0 }, { "figures.xlsx", 1 },
	};
	for (size_t b = 0; b < sizeof books / sizeof books[0] && !rc; b++) {
		if (town >= 0 && books[b].county_only)
			continue;
		char *src = path_join(s->o->out_dir, "data", books[b].file);
		if (!src)
			rc = mq_fail_nomem(err, NULL, 0);
		else if (!access(src, F_OK))
			rc = add_in(bag, src, DIR_DATA, books[b].file, NULL, err);
		free(src);
	}
	for (size_t i = 0; i < s->run.ninputs && s->o->with_inputs && !rc; i++) {
		const struct mq_run_input *in = &s->run.inputs[i];
		const char *slash = strrchr(in->path, '/');
		rc = add_in(bag, in->path, DIR_INPUTS, slash ? slash + 1 : in->path, in->sha256, err);
	}
	/* the package's one top-level folder is named like its ZIP, so two
	 * packages whose owners clean to the same name unpack apart */
	mq_buf_reset(&prefix);
	const char *base = strrchr(zip, '/') ? strrchr(zip, '/') + 1 : zip;
	if (!rc && mq_buf_add(&prefix, base, strlen(base) - strlen(".zip")))
		rc = mq_fail_nomem(err, NULL, 0);
	if (!rc)
		rc = mq_bag_set_root(bag, prefix.data, err);
	if (!rc) {
		*bag_out = bag;
		bag = NULL;
	}
	mq_buf_free(&prefix);
	free(reports);
	mq_bag_free(bag);
	return rc;
}

/* ---- packages written by a few threads (each package is independent) ---- */

struct job {
	struct mq_bag *bag;
	char *zip;
	uint64_t bytes;
};

struct pool {
	struct stage *s;
	struct job *jobs; /* jobs[0] is the county (the largest), then townships */
	size_t njobs, next, written;
	size_t ready;      /* jobs [0, ready) have their bags: the townships' wait for the split */
	int rc;
	struct mq_error err;
	pthread_mutex_t mu;
	pthread_cond_t more; /* ready or rc changed */
	long long done, total; /* payload bytes, for progress */
};

/* A chunk of payload written by some thread: progress under the lock. */
static void on_bytes(uint64_t n, void *ctx)
{
	struct pool *p = ctx;
	pthread_mutex_lock(&p->mu);
	p->done += (long long)n;
	p->s->o->progress(p->done, p->total, (long long)p->written, p->s->o->progress_ctx);
	pthread_mutex_unlock(&p->mu);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->rc && p->next < p->njobs && p->next >= p->ready)
			pthread_cond_wait(&p->more, &p->mu);
		size_t j = p->next++;
		int stop = p->rc || j >= p->njobs;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			return NULL;
		struct mq_error e = {0};
		int rc = mq_archive_write(p->jobs[j].zip, p->jobs[j].bag, &p->jobs[j].bytes, &e);
		pthread_mutex_lock(&p->mu);
		p->written++;
		if (rc && !p->rc) {
			p->rc = rc;
			p->err = e;
			pthread_cond_broadcast(&p->more);
		}
		pthread_mutex_unlock(&p->mu);
	}
}

/* The packages' paths, county first, unique in archive/ in this order. */
static int plan_packages(struct stage *s, struct job *jobs, size_t njobs)
{
	struct mq_name_set *taken = mq_name_set_new();
	struct mq_buf raw = MQ_BUF_INIT, name = MQ_BUF_INIT;
	int rc = taken ? 0 : MQ_ERR_NOMEM;
	for (size_t j = 0; j < njobs && !rc; j++) {
		mq_buf_reset(&raw);
		mq_buf_reset(&name);
		rc = mq_buf_printf(&raw, "%s_%s_档案包.zip", j ? s->towns[j - 1] : s->county, s->label);
		if (!rc)
			rc = mq_safe_name(raw.data, raw.len, &name);
		if (!rc)
			rc = mq_name_set_claim(taken, &name);
		if (!rc && !(jobs[j].zip = path_join(s->o->out_dir, "archive", name.data)))
			rc = MQ_ERR_NOMEM;
	}
	mq_buf_free(&raw);
	mq_buf_free(&name);
	mq_name_set_free(taken);
	return rc;
}

/* The bag of job j (0 the county, j the township j - 1), its payload
 * bytes added to the pool's total. */
static int add_job(struct stage *s, struct pool *p, size_t j, struct mq_digest_cache *digests,
		   struct mq_error *err)
{
	struct mq_bag *bag = NULL;
	int rc = build_package(s, (long)j - 1, p->jobs[j].zip, &bag, err);
	if (rc)
		return rc;
	bag->digests = digests;
	long long bytes = 0;
	for (size_t f = 0; f < bag->nfiles; f++) {
		struct stat st;
		if (stat(bag->files[f].src, &st) == 0)
			bytes += st.st_size;
	}
	if (s->o->progress) {
		bag->on_bytes = on_bytes;
		bag->on_bytes_ctx = p;
	}
	pthread_mutex_lock(&p->mu);
	p->jobs[j].bag = bag;
	p->total += bytes;
	pthread_mutex_unlock(&p->mu);
	return 0;
}

static int split_csvs(struct stage *s, struct mq_error *err)
{
	int rc = 0;
	for (size_t c = 0; c < NCSV && !rc && s->ntowns; c++)
		if (csvs[c].per_township)
			rc = split_csv(s, c, err);
	return rc;
}

/* Splits the CSVs by township and writes every package. */
static int write_packages(struct stage *s, struct mq_error *err)
{
	struct pool p = {.s = s, .njobs = s->ntowns + 1, .ready = 1};
	p.jobs = calloc(p.njobs, sizeof *p.jobs);
	if (!p.jobs || plan_packages(s, p.jobs, p.njobs)) {
		for (size_t j = 0; p.jobs && j < p.njobs; j++)
			free(p.jobs[j].zip);
		free(p.jobs);
		return mq_fail_nomem(err, NULL, 0);
	}
	/* the county's package carries every township's files again: each
	 * is hashed once, by whichever package writes it first */
	struct mq_digest_cache *digests = mq_digest_cache_new();
	if (!digests) {
		for (size_t j = 0; j < p.njobs; j++)
			free(p.jobs[j].zip);
		free(p.jobs);
		return mq_fail_nomem(err, NULL, 0);
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.more, NULL);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nthreads = s->o->jobs > 0 ? (size_t)s->o->jobs : cpus > 1 ? (size_t)(cpus < 4 ? cpus : 4) : 1;
	if (nthreads > p.njobs)
		nthreads = p.njobs;
	if (nthreads > 16)
		nthreads = 16;
	/* The county's package takes no file of the split: with a second
	 * thread it is written while this one splits the CSVs (one pass over
	 * accepted.csv), then the townships' packages follow on both. With
	 * one thread the order is the same as ever: split, county, townships. */
	int rc = add_job(s, &p, 0, digests, err);
	pthread_t tid[16];
	size_t started = 0;
	if (!rc) {
		/* libcrypto initialises itself lazily: do it here, before the threads */
		struct mq_digests warm = {0};
		if (mq_digests_init(&warm) == 0)
			mq_digests_free(&warm);
		for (size_t t = 1; t < nthreads; t++)
			if (mq_thread_start(&tid[started], worker, &p) == 0)
				started++;
	}
	if (!rc)
		rc = split_csvs(s, err);
	for (size_t j = 1; j < p.njobs && !rc; j++)
		rc = add_job(s, &p, j, digests, err);
	pthread_mutex_lock(&p.mu);
	if (rc && !p.rc)
		p.rc = rc; /* the threads stop; err is this thread's */
	p.ready = p.njobs;
	pthread_cond_broadcast(&p.more);
	pthread_mutex_unlock(&p.mu);
	if (!rc)
		worker(&p); /* this thread works too */
	for (size_t t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	if (!rc && (rc = p.rc))
		*err = p.err;
	pthread_cond_destroy(&p.more);
	pthread_mutex_destroy(&p.mu);
	/* report in a fixed order: townships, then the county */
	for (size_t k = 1; k <= p.njobs && !rc && s->o->on_package; k++) {
		struct job *j = &p.jobs[k % p.njobs];
		s->o->on_package(s->o->ctx, j->zip, j->bytes);
	}
	for (size_t j = 0; j < p.njobs; j++) {
		mq_bag_free(p.jobs[j].bag);
		free(p.jobs[j].zip);
	}
	free(p.jobs);
	mq_digest_cache_free(digests);
	return rc;
}

int mq_archive_period(const struct mq_archive_opts *o, struct mq_error *err)
{
	struct stage s = {.o = o};
	struct mq_period period;
	char last[11];
	char *path = NULL, *archive = NULL;
	char **counties = NULL;
	size_t ncounties = 0;
	if (mq_period_parse(o->period, &period, NULL))
		return mq_fail(err, MQ_ERR_USAGE, NULL, 0, "期间无效（应为 YYYY-MM、YYYY-Qn 或 YYYY）/ invalid period (YYYY-MM, YYYY-Qn or YYYY): \"%s\"",
			       o->period ? o->period : "");
	mq_period_label_zh(&period, s.label, sizeof s.label);
	mq_date_format(period.last, last);
	int rc = (path = path_join(o->out_dir, "data", "run.txt")) ? mq_run_record_read(path, &s.run, err)
		 : mq_fail_nomem(err, NULL, 0);
	free(path);
	if (rc)
		return rc;
	if (!rc && s.run.value[MQ_RUN_PERIOD] && strcmp(s.run.value[MQ_RUN_PERIOD], period.label))
		rc = mq_fail(err, MQ_ERR_USAGE, NULL, 0, "期间 %s 与 run.txt 中的 %s 不符 / period %s differs from %s in run.txt",
			     o->period, s.run.value[MQ_RUN_PERIOD], o->period, s.run.value[MQ_RUN_PERIOD]);
	snprintf(s.as_of, sizeof s.as_of, "%s", o->as_of ? o->as_of : s.run.value[MQ_RUN_AS_OF] ? s.run.value[MQ_RUN_AS_OF] : last);

	path = rc ? NULL : path_join(o->out_dir, "data", "township_summary.csv");
	if (!rc && !path)
		rc = mq_fail_nomem(err, NULL, 0);
	if (!rc && access(path, R_OK))
		rc = mq_fail(err, MQ_ERR_IO, path, 0, "找不到乡镇汇总表，请先运行 aggregate / township summary missing: run aggregate first");
	if (!rc)
		rc = distinct_values(path, "township", &s.towns, &s.ntowns, err);
	free(path);
	path = rc ? NULL : path_join(o->out_dir, "data", "county_summary.csv");
	if (!rc && !path)
		rc = mq_fail_nomem(err, NULL, 0);
	if (!rc)
		rc = distinct_values(path, "county", &counties, &ncounties, err);
	free(path);
	if (!rc) {
		/* one county: its name; otherwise the unit of the run, else 全部 */
		const char *name = ncounties == 1 ? counties[0] : s.run.value[MQ_RUN_UNIT] ? s.run.value[MQ_RUN_UNIT] : "全部";
		if (!(s.county = strdup(name)))
			rc = mq_fail_nomem(err, NULL, 0);
	}
	if (!rc)
		rc = list_reports(&s, err);
	if (!rc && !(archive = path_join(o->out_dir, "archive", NULL)))
		rc = mq_fail_nomem(err, NULL, 0);
	if (!rc)
		rc = mq_mkdirs(archive, err);
	if (!rc) {
		char sub[48];
		snprintf(sub, sizeof sub, ".tmp.%ld", (long)getpid());
		s.tmp = path_join(archive, sub, NULL);
		s.split = calloc(s.ntowns * NCSV + 1, sizeof *s.split);
		if (!s.tmp || !s.split)
			rc = mq_fail_nomem(err, NULL, 0);
		else if (mkdir(s.tmp, 0700) && errno != EEXIST)
			rc = mq_fail(err, MQ_ERR_IO, s.tmp, 0, "无法创建目录 / cannot create folder: %s", mq_errno_text(errno));
	}
	if (!rc)
		rc = write_packages(&s, err);

	remove_tmp(&s);
	for (size_t i = 0; s.split && i < s.ntowns * NCSV; i++)
		free(s.split[i]);
	free(s.split);
	free(s.tmp);
	for (size_t i = 0; i < s.ntowns; i++)
		free(s.towns[i]);
	free(s.towns);
	for (size_t i = 0; i < ncounties; i++)
		free(counties[i]);
	free(counties);
	for (size_t i = 0; i < s.nreports; i++) {
		free(s.reports[i].town);
		free(s.reports[i].file);
	}
	free(s.reports);
	free(s.county);
	free(archive);
	mq_run_record_free(&s.run);
	return rc;
}
