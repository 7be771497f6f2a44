/* Unit tests of the CSV reader: RFC 4180 cases, line numbers, encodings,
 * headers, blank rows, broken records, huge fields, reference files. */
#include "check.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/ingest/ingest.h"

#include <iconv.h>
#include <stdlib.h>
#include <unistd.h>

#define MAXREC 64

struct got {
	int n;
	long line[MAXREC];
	char *value[MAXREC][MQ_NFIELDS];
	char *structural[MAXREC];
	int bad[MAXREC][MQ_NFIELDS];
	size_t ncells[MAXREC];
	int plain[MAXREC];
	char unknown[256];
};

static int collect(const struct mq_raw_record *r, void *ctx)
{
	struct got *g = ctx;
	if (g->n == MAXREC)
		return 0;
	g->line[g->n] = r->line;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		g->value[g->n][f] = r->value[f] ? strndup(r->value[f], r->len[f]) : NULL;
		g->bad[g->n][f] = r->bad_text[f];
	}
	g->structural[g->n] = r->structural ? strdup(r->structural) : NULL;
	g->ncells[g->n] = r->ncells;
	g->plain[g->n] = r->plain;
	g->n++;
	return 0;
}

static void on_unknown(const char *source, const char *header, void *ctx)
{
	(void)source;
	struct got *g = ctx;
	strncat(g->unknown, header, sizeof g->unknown - strlen(g->unknown) - 2);
	strcat(g->unknown, ";");
}

static void got_free(struct got *g)
{
	for (int i = 0; i < g->n; i++) {
		for (int f = 0; f < MQ_NFIELDS; f++)
			free(g->value[i][f]);
		free(g->structural[i]);
	}
	memset(g, 0, sizeof *g);
}

static char tmpl[] = "/tmp/mq_csv_XXXXXX";

static const char *write_file(const char *data, size_t len)
{
	static char path[64];
	strcpy(path, tmpl);
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
	return path;
}

static int read_str(const char *data, enum mq_encoding enc, struct got *g, struct mq_ingest_stats *st)
{
	const char *path = write_file(data, strlen(data));
	struct mq_ingest_opts opts = { .encoding = enc, .unknown_column = on_unknown };
	struct mq_error err = { 0 };
	memset(st, 0, sizeof *st);
	int rc = mq_ingest_file(path, &opts, collect, g, st, &err);
	unlink(path);
	return rc;
}

#define HEAD "record_id,visit_date,township,notes\n"

static void test_rfc4180(void)
{
	struct got g = { 0 };
	struct mq_ingest_stats st;
	CHECK_INT(read_str(HEAD
			   "R1,2024-01-02,镇,\"a, b\"\n"
			   "R2,2024-01-03,镇,\"he said \"\"hi\"\"\"\n"
			   "R3,2024-01-04,镇,\"line one\nline two\r\nline three\"\n"
			   "R4,2024-01-05,镇,plain\n",
			   MQ_ENC_AUTO, &g, &st), 0);
	CHECK_INT(g.n, 4);
	CHECK_STR(g.value[0][MQ_F_NOTES], "a, b");
	CHECK_STR(g.value[1][MQ_F_NOTES], "he said \"hi\"");
	CHECK_STR(g.value[2][MQ_F_NOTES], "line one\nline two\r\nline three");
	/* the physical line where each record starts */
	CHECK_INT(g.line[0], 2);
	CHECK_INT(g.line[1], 3);
	CHECK_INT(g.line[2], 4);
	CHECK_INT(g.line[3], 7);
	CHECK_INT(st.records, 4);
	CHECK_INT(st.encoding, MQ_ENC_UTF8);
	/* only the line without quotes is plain (its values need no quoting) */
	CHECK_INT(g.plain[0] + g.plain[1] + g.plain[2], 0);
	CHECK_INT(g.plain[3], 1);
	got_free(&g);
}

static void test_crlf_bom_chinese_headers(void)
{
	struct got g = { 0 };
	struct mq_ingest_stats st;
	CHECK_INT(read_str("\xEF\xBB\xBF" "日志内容,记录编号,录入人,走访日期\r\n"
			   "笔记,R9,张三,2024/3/5\r\n"
			   ",,,\r\n"
			   "\r\n"
			   "笔记2,R10,李四,2024年3月6日\r\n",
			   MQ_ENC_AUTO, &g, &st), 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(st.bom, 1);
	CHECK_INT(st.blank_rows, 1);
	CHECK_STR(g.value[0][MQ_F_RECORD_ID], "R9");
	CHECK_STR(g.value[0][MQ_F_NOTES], "笔记");
	CHECK_STR(g.value[0][MQ_F_VISIT_DATE], "2024/3/5");
	CHECK_INT(g.line[1], 5);
	CHECK_STR(g.unknown, "录入人;");
	CHECK_INT(g.ncells[0], 4);
	got_free(&g);
}

static char *to_gb18030(const char *utf8)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t inleft = strlen(utf8), outleft = inleft * 2 + 1;
	char *out = calloc(1, outleft), *op = out, *in = (char *)utf8;
	iconv(cd, &in, &inleft, &op, &outleft);
	iconv_close(cd);
	return out;
}

static void test_gb18030(void)
{
	struct got g = { 0 };
	struct mq_ingest_stats st;
	char *gb = to_gb18030("记录编号,走访日期,乡镇,日志内容\r\nR1,2024-01-02,油篓沟乡,\"走访，了解饮水安全\"\r\n"
			      "R2,2024-01-03,油篓沟乡,好\r\n");
	CHECK_INT(read_str(gb, MQ_ENC_AUTO, &g, &st), 0);
	CHECK_INT(st.encoding, MQ_ENC_GB18030);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.value[0][MQ_F_TOWNSHIP], "油篓沟乡");
	CHECK_STR(g.value[0][MQ_F_NOTES], "走访，了解饮水安全");
	CHECK_INT(g.bad[0][MQ_F_NOTES], 0);
	got_free(&g);

	/* an undecodable byte marks its cell (E010), the others stay good */
	size_t n = strlen(gb);
	char *broken = malloc(n + 2);
	char *p = strstr(gb, "\xBA\xC3"); /* 好 */
	size_t at = (size_t)(p - gb);
	memcpy(broken, gb, at);
	broken[at] = (char)0x80;
	strcpy(broken + at + 1, gb + at);
	CHECK_INT(read_str(broken, MQ_ENC_GB18030, &g, &st), 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.bad[1][MQ_F_NOTES], 1);
	CHECK_INT(g.bad[1][MQ_F_TOWNSHIP], 0);
	got_free(&g);
	free(broken);

	/* forced UTF-8 on GB18030 bytes: the Chinese headers are not recognised */
	CHECK_INT(read_str(gb, MQ_ENC_UTF8, &g, &st), 0);
	CHECK_INT(st.encoding, MQ_ENC_UTF8);
	CHECK(g.value[0][MQ_F_TOWNSHIP] == NULL);
	got_free(&g);
	free(gb);
}

static void test_invalid_utf8_cell(void)
{
	struct got g = { 0 };
	struct mq_ingest_stats st;
	CHECK_INT(read_str(HEAD "R1,2024-01-02,镇,ok\nR2,2024-01-02,镇,bad\xff\xfe here\n", MQ_ENC_AUTO, &g, &st), 0);
	CHECK_INT(st.encoding, MQ_ENC_UTF8);
	CHECK_INT(g.bad[0][MQ_F_NOTES], 0);
	CHECK_INT(g.bad[1][MQ_F_NOTES], 1);
	got_free(&g);
}

static void test_broken_records(void)
{
	struct got g = { 0 };
	struct mq_ingest_stats st;
	CHECK_INT(read_str(HEAD
			   "R1,2024-01-02,镇,\"closed\"junk\n"
			   "R2,2024-01-02,镇,fine\n"
			   "R3,2024-01-02,镇\n"
			   "R4,2024-01-02,镇,a,extra\n"
			   "R5,2024-01-02,镇,\"never closed\nmore\n",
			   MQ_ENC_AUTO, &g, &st), 0);
	CHECK_INT(g.n, 6);
	CHECK_STR(g.structural[0], "characters after a closing quote");
	CHECK_INT(g.line[0], 2);
	CHECK_STR(g.structural[1], NULL);
	CHECK_STR(g.value[1][MQ_F_RECORD_ID], "R2");
	CHECK_INT(g.line[1], 3);
	CHECK_STR(g.structural[2], "wrong number of cells: 3, header has 4");
	CHECK_STR(g.structural[3], "wrong number of cells: 5, header has 4");
	/* the quote swallowed the line after it: the record ends with its
	 * own line, the next line is read as a record of its own */
	CHECK_STR(g.structural[4], "unterminated quote opened on line 6: the record ends with that line, "
		  "the lines after it are read as records");
	CHECK_INT(g.line[4], 6);
	/* the open field's text (to its line's end) is kept for rejects.csv */
	CHECK_INT(g.ncells[4], 4);
	CHECK_STR(g.value[4][MQ_F_NOTES], "never closed\n");
	CHECK_STR(g.structural[5], "wrong number of cells: 1, header has 4");
	CHECK_INT(g.line[5], 7);
	got_free(&g);
	/* an open quote on the last line ends with the input, as before */
	CHECK_INT(read_str(HEAD "R1,2024-01-02,镇,\"open\n", MQ_ENC_AUTO, &g, &st), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.structural[0], "unterminated quote");
	CHECK_STR(g.value[0][MQ_F_NOTES], "open\n");
	got_free(&g);
}

static void test_recovery_keeps_the_record_whole(void)
{
	/* after text behind a closing quote the record reads on as a
	 * spreadsheet reads it: a quoted line break later in it is no new record */
	struct got g = { 0 };
	struct mq_ingest_stats st;
	CHECK_INT(read_str(HEAD
			   "R1,2024-01-02,\"镇\"x y,\"two\nlines\"\n"
			   "R2,2024-01-02,镇,\"a\"b\n"
			   "R3,2024-01-02,镇,ok\n",
			   MQ_ENC_AUTO, &g, &st), 0);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.structural[0], "characters after a closing quote");
	CHECK_INT(g.ncells[0], 4);
	CHECK_STR(g.value[0][MQ_F_TOWNSHIP], "镇x y");
	CHECK_STR(g.value[0][MQ_F_NOTES], "two\nlines");
	CHECK_STR(g.structural[1], "characters after a closing quote");
	CHECK_INT(g.line[1], 4);
	CHECK_STR(g.structural[2], NULL);
	CHECK_INT(g.line[2], 5);
	/* a NUL byte is no text: its cell is flagged (E010) */
	const char nul[] = HEAD "R4,2024-01-02,镇,a\0b\n";
	const char *path = write_file(nul, sizeof nul - 1);
	char keep[64];
	strcpy(keep, path);
	got_free(&g);
	struct mq_error err = { 0 };
	CHECK_INT(mq_ingest_csv(keep, NULL, collect, &g, &st, &err), 0);
	CHECK_INT(g.bad[0][MQ_F_NOTES], 1);
	CHECK_INT(g.bad[0][MQ_F_TOWNSHIP], 0);
	unlink(keep);
	got_free(&g);
}

static void test_huge_field(void)
{
	/* a 20 MB quoted field: cut off as one E001 record, memory bounded */
	size_t big = 20u << 20;
	char *data = malloc(big + 256);
	strcpy(data, HEAD "R1,2024-01-02,镇,\"");
	size_t n = strlen(data);
	for (size_t i = 0; i < big; i++)
		data[n + i] = (i % 100 == 99) ? '\n' : 'x';
	strcpy(data + n + big, "\"\nR2,2024-01-02,镇,ok\n");
	struct got g = { 0 };
	struct mq_ingest_stats st;
	CHECK_INT(read_str(data, MQ_ENC_AUTO, &g, &st), 0);
	CHECK(g.n >= 1);
	/* 16 MB on, its quote is taken for left open: the lines after it are
	 * read as records (many) */
	CHECK(g.structural[0] && strstr(g.structural[0], "unterminated quote opened on line 2:"));
	CHECK_INT(g.line[0], 2);
	CHECK_INT(g.ncells[0], 4);
	CHECK_INT(st.records, (long)(big / 100) + 2); /* R1, the x lines after its own, the closing one, R2 */
	got_free(&g);
	/* a quote opened on its last line: cut off at 16 MB as one record */
	strcpy(data, HEAD "R1,2024-01-02,镇,\"");
	n = strlen(data);
	memset(data + n, 'x', big);
	strcpy(data + n + big, "\"\nR2,2024-01-02,镇,ok\n");
	CHECK_INT(read_str(data, MQ_ENC_AUTO, &g, &st), 0);
	CHECK_STR(g.structural[0], "record longer than 16 MB (an unterminated quote?)");
	got_free(&g);
	free(data);
}

static int count_rows(const char *const *cells, const size_t *lens, long line, void *ctx)
{
	(void)lens;
	(void)line;
	int *n = ctx;
	if (strcmp(cells[1], "北坡镇") == 0)
		(*n)++;
	return 0;
}

struct tally {
	long records, rejected, last_line, ok_after;
	char first[320];
};

static int tally(const struct mq_raw_record *r, void *ctx)
{
	struct tally *t = ctx;
	if (r->structural) {
		if (!t->rejected++)
			snprintf(t->first, sizeof t->first, "%ld %s / %s", r->line, r->structural, r->structural_zh);
	} else if (r->value[MQ_F_NOTES] && r->len[MQ_F_NOTES] == 2 && !memcmp(r->value[MQ_F_NOTES], "ok", 2)) {
		t->ok_after++;
	}
	t->records++;
	t->last_line = r->line;
	return 0;
}

static void test_quote_left_open(void)
{
	/* a quote left open early in a big file swallows no rows: every
	 * physical line after the one it was opened on is a record again,
	 * up to the next quote too (which would otherwise close it) */
	struct mq_buf b = MQ_BUF_INIT;
	mq_buf_adds(&b, HEAD "R0,2024-01-02,镇,\"left open\n");
	for (int i = 1; i <= 3000; i++) {
		mq_buf_printf(&b, "R%d,2024-01-02,镇,ok\n", i);
		if (i == 1500)
			mq_buf_adds(&b, "Q1,2024-01-02,镇,\"quoted, with a comma\"\n");
	}
	const char *path = write_file(b.data, b.len);
	struct tally t = { 0 };
	struct mq_ingest_stats st = { 0 };
	struct mq_error err = { 0 };
	CHECK_INT(mq_ingest_file(path, NULL, tally, &t, &st, &err), 0);
	unlink(path);
	CHECK_INT(t.records, 3002);
	CHECK_INT(st.records, 3002);
	CHECK_INT(t.rejected, 1);
	CHECK_INT(t.ok_after, 3000);
	CHECK_INT(t.last_line, 3003);
	CHECK_STR(t.first, "2 unterminated quote opened on line 2: the record ends with that line, the lines after "
		  "it are read as records / 第2行的引号未闭合：记录到该行为止，其后各行按记录读取");
	mq_buf_free(&b);

	/* the quote is closed lines later by a quote and text after it: it is
	 * the first quote that was left open */
	struct got g = { 0 };
	CHECK_INT(read_str(HEAD "R1,2024-01-02,镇,\"open\nR2,2024-01-02,镇,ok\nR3,2024-01-02,镇,\"q\"x\n",
			   MQ_ENC_AUTO, &g, &st), 0);
	CHECK_INT(g.n, 3);
	CHECK(g.structural[0] && strstr(g.structural[0], "opened on line 2:"));
	CHECK_STR(g.value[0][MQ_F_NOTES], "open\n");
	CHECK_STR(g.structural[1], NULL);
	CHECK_INT(g.line[1], 3);
	CHECK_STR(g.structural[2], "characters after a closing quote");
	CHECK_INT(g.line[2], 4);
	CHECK_STR(g.value[2][MQ_F_NOTES], "qx");
	got_free(&g);
	/* a line break inside quotes that do close stays one record */
	CHECK_INT(read_str(HEAD "R1,2024-01-02,镇,\"two\nlines\"\nR2,2024-01-02,镇,ok\n", MQ_ENC_AUTO, &g, &st), 0);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.value[0][MQ_F_NOTES], "two\nlines");
	CHECK_INT(g.line[1], 4);
	got_free(&g);
}

static void test_reference(void)
{
	static const struct mq_ref_column cols[] = {
		{ "county", "县区", NULL, 0 }, { "township", "乡镇", NULL, 1 }, { "village", "行政村", NULL, 1 },
	};
	const char *text = "乡镇,行政村\n北坡镇,红旗村\n北坡镇,西庄村\n";
	const char *path = write_file(text, strlen(text));
	char keep[64];
	strcpy(keep, path);
	int n = 0;
	struct mq_error err = { 0 };
	CHECK_INT(mq_read_reference(keep, cols, 3, count_rows, &n, &err), 0);
	CHECK_INT(n, 2);
	unlink(keep);

	path = write_file("county,village\nA,B\n", 19);
	strcpy(keep, path);
	CHECK(mq_read_reference(keep, cols, 3, count_rows, &n, &err) < 0);
	CHECK(strstr(err.message, "township") != NULL);
	unlink(keep);
}

/* Lines without quotes are split without libcsv: the cells must come out
 * as libcsv gives them (spaces and tabs trimmed, a line of only spaces no
 * row, a CR inside a line still ending the row). */
static void test_plain_lines(void)
{
	struct got g = { 0 };
	struct mq_ingest_stats st;
	CHECK_INT(read_str(HEAD
			   "  R1 ,\t2024-01-02\t, 镇 ,a b \n"
			   "   \n"
			   "\t\n"
			   ",,,\n"
			   "R2,,,\r\n"
			   "R3,2024-01-03,镇,x\ry\n"
			   "R4,2024-01-04,镇,note,\n"
			   "R5,2024-01-05,\"镇\",\" q \"\n"
			   "R6,2024-01-06,镇,last",
			   MQ_ENC_AUTO, &g, &st), 0);
	CHECK_INT(g.n, 7);
	CHECK_STR(g.value[0][MQ_F_RECORD_ID], "R1");
	CHECK_STR(g.value[0][MQ_F_VISIT_DATE], "2024-01-02");
	CHECK_STR(g.value[0][MQ_F_TOWNSHIP], "镇");
	CHECK_STR(g.value[0][MQ_F_NOTES], "a b");
	CHECK_INT(st.blank_rows, 1);
	CHECK_STR(g.value[1][MQ_F_RECORD_ID], "R2");
	CHECK_STR(g.value[1][MQ_F_NOTES], "");
	CHECK_INT(g.line[1], 6);
	CHECK_STR(g.value[2][MQ_F_NOTES], "x");     /* the CR ends the row */
	CHECK(g.structural[3] != NULL);             /* "y": one cell */
	CHECK_INT(g.line[3], 7);
	CHECK(g.structural[4] != NULL);             /* five cells */
	CHECK_INT(g.ncells[4], 5);
	CHECK_STR(g.value[5][MQ_F_NOTES], " q ");   /* quoted: kept as is */
	CHECK_STR(g.value[6][MQ_F_NOTES], "last");  /* no line break at the end */
	CHECK_INT(g.line[6], 10);
	/* split by the fast path: plain; a CR inside, quotes or no line break
	 * at the end: libcsv's rows, not plain */
	CHECK_INT(g.plain[0], 1);
	CHECK_INT(g.plain[1], 1);
	CHECK_INT(g.plain[2], 0);
	CHECK_INT(g.plain[5], 0);
	CHECK_INT(g.plain[6], 0);
	got_free(&g);
}

int main(void)
{
	test_rfc4180();
	test_plain_lines();
	test_crlf_bom_chinese_headers();
	test_gb18030();
	test_invalid_utf8_cell();
	test_broken_records();
	test_recovery_keeps_the_record_whole();
	test_huge_field();
	test_quote_left_open();
	test_reference();
	return check_summary();
}
