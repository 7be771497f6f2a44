/* figures_xlsx.c — data/figures.xlsx from the figure CSVs (figures_xlsx.h).
 * The CSVs stay the contract (section 6); the workbook is the same numbers
 * laid out for pasting: it is made from the written CSVs, so the two can
 * never disagree. */
#include "minqing/core/progress.h"
#include "minqing/core/xlsx_out.h"
#include "minqing/figures/figures_xlsx.h"
#include "minqing/ingest/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_COLS 64

static const struct {
	const char *file, *sheet;
} sheets[] = {
	{ "village_summary.csv", "村汇总" },      { "township_summary.csv", "乡镇汇总" },
	{ "county_summary.csv", "县汇总" },       { "cadre_monthly.csv", "干部月度" },
	{ "assessment.csv", "干部考核" },         { "team_assessment.csv", "工作队考核" },
};

/* Column names of the figure CSVs (contract section 6) in Chinese; kind:
 * 't' text, 'n' number, '%' a rate. Columns not listed are numbers under
 * their own name; topic_X is 走访事项：X. */
static const struct {
	const char *name, *zh;
	char kind;
} columns[] = {
	{ "period", "统计期", 't' },          { "month", "月份", 't' },
	{ "county", "县区", 't' },            { "township", "乡镇", 't' },
	{ "village", "行政村", 't' },         { "cadre_id", "干部编号", 't' },
	{ "cadre_name", "干部姓名", 't' },    { "role", "职务", 't' },
	{ "grade", "等次", 't' },             { "team_grade", "工作队等次", 't' },
	{ "quota_met", "达到篇数要求", 'n' }, { "visits", "走访次数", 'n' },
	{ "home_visits", "入户走访次数", 'n' }, { "households_visited", "走访户数", 'n' },
	{ "households_registered", "在册户数", 'n' }, { "coverage", "走访覆盖率", '%' },
	{ "demands", "群众诉求数", 'n' },     { "resolved", "已办结数", 'n' },
	{ "overdue", "逾期未办结数", 'n' },   { "resolution_rate", "办结率", '%' },
	{ "signed_rate", "签字率", '%' },     { "satisfaction_rate", "满意率", '%' },
	{ "diaries", "日记篇数", 'n' },       { "days_in_village", "在村天数", 'n' },
	{ "score", "得分", 'n' },             { "team_score", "工作队得分", 'n' },
	{ "cadres", "干部人数", 'n' },        { "item_diary", "日记得分", 'n' },
	{ "item_resolution", "诉求办结得分", 'n' }, { "item_coverage", "走访覆盖得分", 'n' },
	{ "item_satisfaction", "满意度得分", 'n' }, { "item_signatures", "签字得分", 'n' },
	{ "item_presence", "在村得分", 'n' },
};

struct sheet_load {
	struct mq_xlsx *x;
	int ncols;
	enum mq_xlsx_kind kinds[MAX_COLS];
	struct mq_progress *progress;
	long long done, total;      /* bytes of the CSVs read, about (quotes are not counted) */
	struct mq_error *err;
};

static int on_row(const char *const *cells, const size_t *lens, long line, void *ctx)
{
	(void)line;
	struct sheet_load *s = ctx;
	const char *c[MAX_COLS];
	for (int i = 0; i < s->ncols; i++) {
		c[i] = cells[i] && lens[i] ? cells[i] : NULL;
		s->done += (long long)lens[i] + 1; /* and its comma or line end */
	}
	mq_progress_update(s->progress, s->done, s->total, 0);
	return mq_xlsx_row(s->x, c, lens, s->kinds, -1, s->err);
}

/* The header line of one of our CSVs (no quotes in its names). */
static int read_header(const char *path, char *line, size_t size, char **names, int *n)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -1;
	int ok = fgets(line, (int)size, fp) != NULL;
	fclose(fp);
	if (!ok)
		return -1;
	char *p = line;
	if (memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	p[strcspn(p, "\r\n")] = '\0';
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(p, ",", &save); tok && *n < MAX_COLS; tok = strtok_r(NULL, ",", &save))
		names[(*n)++] = tok;
	return 0;
}

static int add_sheet(struct sheet_load *load, const char *path, const char *sheet)
{
	char line[4096], *names[MAX_COLS], zh[MAX_COLS][96];
	const char *head[MAX_COLS];
	struct mq_ref_column spec[MAX_COLS];
	struct sheet_load s = *load;
	struct mq_xlsx *x = s.x;
	struct mq_error *err = s.err;
	if (read_header(path, line, sizeof line, names, &s.ncols))
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取 / cannot read");
	for (int i = 0; i < s.ncols; i++) {
		const char *name = names[i];
		char kind = 'n';
		snprintf(zh[i], sizeof zh[i], "%s", name);
		if (strncmp(name, "topic_", 6) == 0)
			snprintf(zh[i], sizeof zh[i], "走访事项：%s", name + 6);
		for (size_t k = 0; k < sizeof columns / sizeof columns[0]; k++)
			if (strcmp(columns[k].name, name) == 0) {
				snprintf(zh[i], sizeof zh[i], "%s", columns[k].zh);
				kind = columns[k].kind;
			}
		head[i] = zh[i];
		s.kinds[i] = kind == 't' ? MQ_XLSX_TEXT : kind == '%' ? MQ_XLSX_PERCENT : MQ_XLSX_NUMBER;
		spec[i] = (struct mq_ref_column){ name, name, NULL, 0 };
	}
	int rc = mq_xlsx_sheet(x, sheet, head, s.ncols, -1, err);
	if (!rc)
		rc = mq_read_reference(path, spec, s.ncols, on_row, &s, err);
	load->done = s.done;
	return rc;
}

/* The size of a sheet's CSV, -1 when it is not there. */
static long long sheet_bytes(const char *data_dir, size_t i, char *path, size_t size)
{
	struct stat sb;
	snprintf(path, size, "%s/%s", data_dir, sheets[i].file);
	return stat(path, &sb) == 0 && access(path, R_OK) == 0 ? (long long)sb.st_size : -1;
}

long long mq_figures_xlsx_bytes(const char *data_dir)
{
	char path[4400];
	long long n = 0;
	for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
		long long b = sheet_bytes(data_dir, i, path, sizeof path);
		n += b > 0 ? b : 0;
	}
	return n;
}

int mq_figures_xlsx(const char *data_dir, mq_day as_of, struct mq_progress *progress, struct mq_error *err)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/figures.xlsx", data_dir);
	struct mq_xlsx *x = mq_xlsx_open(path, as_of, err);
	if (!x)
		return MQ_ERR_IO;
	struct sheet_load load = { .x = x, .progress = progress, .total = mq_figures_xlsx_bytes(data_dir), .err = err };
	long long read = 0;
	int rc = 0;
	for (size_t i = 0; !rc && i < sizeof sheets / sizeof sheets[0]; i++) {
		long long b = sheet_bytes(data_dir, i, path, sizeof path);
		if (b < 0)
			continue;
		rc = add_sheet(&load, path, sheets[i].sheet);
		/* the whole file read: its size, not the cells counted */
		read += b;
		load.done = read;
		mq_progress_update(progress, load.done, load.total, 0);
	}
	if (rc) {
		mq_xlsx_abort(x);
		return rc;
	}
	return mq_xlsx_commit(x, err);
}
