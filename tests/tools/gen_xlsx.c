/* gen_xlsx IN.csv OUT.xlsx [SHEET] — writes the records of a CSV (such as
 * gen_visits' visits.csv) as an .xlsx workbook through libxlsxwriter, the
 * way a clerk's sheet holds them: one sheet (default 走访记录), the header
 * row, every text in the shared-string table, the date columns as date
 * cells (yyyy-mm-dd; an impossible date such as 2024-02-30 stays text),
 * household_size and per_capita_income as numbers when they are digits,
 * empty values left out. For the workbook benchmark (bench/bench_xlsx.sh).
 *
 * libxlsxwriter keeps every cell in memory until it writes (its
 * constant-memory mode would write inline strings instead of shared ones):
 * about 3 GB for 1,000,000 records. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define MAX_COLS 64

static const char *const date_heads[] = { "visit_date", "due_date", "closed_date",
					  "走访日期", "办结时限", "办结日期" };
static const char *const num_heads[] = { "household_size", "per_capita_income", "家庭人口", "人均纯收入" };

struct gen {
	lxw_worksheet *ws;
	lxw_format *date;
	unsigned char kind[MAX_COLS];   /* 0 text, 1 date, 2 number */
	lxw_row_t row;
	lxw_col_t col;
	int failed;
};

static int in_list(const char *s, size_t n, const char *const *list, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return 1;
	return 0;
}

/* "2024-03-05" -> the date when it exists. */
static int parse_date(const char *s, size_t n, lxw_datetime *dt)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, used = 0;
	char b[16];
	if (n < 8 || n > 10)
		return 0;
	memcpy(b, s, n);
	b[n] = '\0';
	if (sscanf(b, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || (size_t)used != n)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return 0;
	*dt = (lxw_datetime){ .year = y, .month = m, .day = d };
	return 1;
}

static int all_digits(const char *s, size_t n)
{
	if (!n || n > 15)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void on_field(void *data, size_t n, void *ctx)
{
	struct gen *g = ctx;
	const char *s = data;
	lxw_col_t c = g->col++;
	if (c >= MAX_COLS || !n)
		return;
	lxw_error e;
	lxw_datetime dt;
	char num[16];
	if (g->row == 0) {
		g->kind[c] = in_list(s, n, date_heads, sizeof date_heads / sizeof *date_heads) ? 1
			   : in_list(s, n, num_heads, sizeof num_heads / sizeof *num_heads) ? 2 : 0;
	}
	if (g->row > 0 && g->kind[c] == 1 && parse_date(s, n, &dt)) {
		e = worksheet_write_datetime(g->ws, g->row, c, &dt, g->date);
	} else if (g->row > 0 && g->kind[c] == 2 && all_digits(s, n)) {
		memcpy(num, s, n);
		num[n] = '\0';
		e = worksheet_write_number(g->ws, g->row, c, strtod(num, NULL), NULL);
	} else {
		char *t = malloc(n + 1);
		if (!t) {
			g->failed = 1;
			return;
		}
		memcpy(t, s, n);
		t[n] = '\0';
		e = worksheet_write_string(g->ws, g->row, c, t, NULL);
		free(t);
	}
	if (e != LXW_NO_ERROR && !g->failed) {
		fprintf(stderr, "gen_xlsx: row %u: %s\n", (unsigned)g->row + 1, lxw_strerror(e));
		g->failed = 1;
	}
}

static void on_row(int c, void *ctx)
{
	(void)c;
	struct gen *g = ctx;
	g->row++;
	g->col = 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: gen_xlsx IN.csv OUT.xlsx [SHEET]\n");
		return 2;
	}
	FILE *fp = fopen(argv[1], "rb");
	if (!fp) {
		perror(argv[1]);
		return 3;
	}
	lxw_workbook_options o = { .constant_memory = LXW_FALSE, .tmpdir = NULL, .use_zip64 = LXW_TRUE };
	lxw_workbook *wb = workbook_new_opt(argv[2], &o);
	struct gen g = { 0 };
	struct csv_parser p;
	if (!wb || csv_init(&p, CSV_APPEND_NULL)) {
		fprintf(stderr, "gen_xlsx: cannot start %s\n", argv[2]);
		return 3;
	}
	g.ws = workbook_add_worksheet(wb, argc == 4 ? argv[3] : "走访记录");
	g.date = workbook_add_format(wb);
	format_set_num_format(g.date, "yyyy-mm-dd");
	static char buf[1 << 20];
	size_t n;
	int bom = 1;
	while (!g.failed && (n = fread(buf, 1, sizeof buf, fp)) > 0) {
		size_t skip = bom && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
		bom = 0;
		if (csv_parse(&p, buf + skip, n - skip, on_field, on_row, &g) != n - skip) {
			fprintf(stderr, "gen_xlsx: %s: %s\n", argv[1], csv_strerror(csv_error(&p)));
			g.failed = 1;
		}
	}
	csv_fini(&p, on_field, on_row, &g);
	csv_free(&p);
	fclose(fp);
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		fprintf(stderr, "gen_xlsx: %s: %s\n", argv[2], lxw_strerror(e));
		return 3;
	}
	if (g.failed)
		return 3;
	printf("%u rows\n", (unsigned)g.row);
	return 0;
}
