/* Unit tests of the layout engine: CJK line breaking (禁则, mixed scripts,
 * long numbers), value formats, data binding and template errors. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../pipeline/pdf/layout_internal.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/pdf/render.h"
#include "minqing/pdf/template.h"

/* CJK advance 1, everything else 0.5: widths in "em". */
static double em_width(void *ctx, uint32_t cp)
{
	(void)ctx;
	return mq_is_cjk(cp) ? 1.0 : 0.5;
}

static struct mq_lines L;
static char out[1024];

/* Breaks s and joins the lines with '|'. */
static const char *brk_join(const char *s, double width, double indent)
{
	size_t o = 0;
	CHECK_INT(mq_break_lines(s, strlen(s), width, indent, 0, em_width, NULL, &L), 0);
	for (size_t i = 0; i < L.n; i++) {
		if (i)
			out[o++] = '|';
		memcpy(out + o, s + L.v[i].start, L.v[i].end - L.v[i].start);
		o += L.v[i].end - L.v[i].start;
	}
	out[o] = '\0';
	return out;
}

static void test_breaking(void)
{
	CHECK_STR(brk_join("一二三四五六", 3, 0), "一二三|四五六");
	CHECK_STR(brk_join("一二三四五", 3, 1), "一二|三四五");          /* first-line indent */
	/* line-start prohibited: ， 。 ） 」 never begin a line */
	CHECK_STR(brk_join("一二三，四五", 3, 0), "一二|三，四|五");
	CHECK_STR(brk_join("一二三。", 3, 0), "一二|三。");
	CHECK_STR(brk_join("一二三）四", 3, 0), "一二|三）四");
	CHECK_STR(brk_join("一二三」」", 3, 0), "一二|三」」");
	/* line-end prohibited: “ （ 《 never end a line */
	CHECK_STR(brk_join("一二“三四”", 3, 0), "一二|“三|四”");
	CHECK_STR(brk_join("一二（三）", 3, 0), "一二|（三）");
	CHECK_STR(brk_join("一二《三》", 3, 0), "一二|《三》");
	/* Latin words break at spaces, not inside */
	CHECK_STR(brk_join("hello world foo", 5, 0), "hello|world foo");
	CHECK_STR(brk_join("中文 hello world 测试", 5, 0), "中文 hello|world 测试");
	/* a number next to CJK stays whole; breaks fall on the CJK side */
	CHECK_STR(brk_join("共12345件", 3, 0), "共|12345|件");
	CHECK_STR(brk_join("走访1,506次", 4, 0), "走访|1,506次");
	/* a number too long for a line is cut where it overflows */
	CHECK_STR(brk_join("12345678901234567890", 5, 0), "1234567890|1234567890");
	/* ... but not right before a closing % */
	CHECK_STR(brk_join("100.0%", 2.5, 0), "100.|0%");
	/* forced breaks, empty text, a paragraph's last line */
	CHECK_STR(brk_join("一二\n三", 5, 0), "一二|三");
	CHECK_STR(brk_join("", 5, 0), "");
	CHECK_INT(L.n, 1);
	brk_join("一二三四五", 3, 0);
	CHECK_INT(L.v[0].last, 0);
	CHECK_INT(L.v[1].last, 1);
	CHECK_INT(L.v[0].nchars, 3);
	CHECK_DBL(L.v[1].width, 2, 1e-9);
	/* spaces at a break are dropped from both lines */
	CHECK_STR(brk_join("ab cd", 1.5, 0), "ab|cd");
	CHECK(mq_no_line_start(0x3002) && mq_no_line_start(0xFF0C) && mq_no_line_start(0x201D));
	CHECK(mq_no_line_end(0x201C) && mq_no_line_end(0xFF08) && !mq_no_line_end(0x4E00));
	/* every byte of the text lands in exactly one line or a dropped space */
	const char *para = "本月全镇共走访群众1,506次，收集诉求381件（其中已办结188件），办结率49.3%。";
	brk_join(para, 7, 2);
	size_t covered = 0;
	for (size_t i = 0; i < L.n; i++) {
		CHECK(L.v[i].width <= 7 - (i ? 0 : 2) + 1e-9);
		covered += L.v[i].end - L.v[i].start;
		if (i)
			CHECK(!mq_no_line_start((uint32_t)(unsigned char)para[L.v[i].start]) );
	}
	CHECK_INT(covered, strlen(para));
}

static const char *fmt(const char *v, const char *f)
{
	static struct mq_buf b = MQ_BUF_INIT;
	mq_buf_reset(&b);
	if (mq_format_value(&b, v, f))
		return "(error)";
	return b.data;
}

/* clreq: Latin runs break only at spaces and after / _ . - (no digit
 * next); lists after "、"; squeezed punctuation pairs; what a justified
 * line may spread. */
static void test_clreq(void)
{
	CHECK_STR(brk_join("ab_cd.xml", 3, 0), "ab_cd.|xml");
	CHECK_STR(brk_join("data/rejects.csv", 4, 0), "data/|rejects.|csv");
	CHECK_STR(brk_join("data-set", 2.5, 0), "data-|set");
	/* a number or a date never breaks at its . or - */
	CHECK_STR(brk_join("x 2024-03-05", 5, 0), "x|2024-03-05");
	CHECK_STR(brk_join("a 12.5%", 2.5, 0), "a|12.5%");
	/* a list breaks after 、, inside an item only when nothing else fits */
	size_t o = 0;
	const char *list = "吃穿、基本医疗、务工就业";
	CHECK_INT(mq_break_lines(list, strlen(list), 6, 0, MQ_BREAK_LIST, em_width, NULL, &L), 0);
	for (size_t i = 0; i < L.n; i++) {
		if (i)
			out[o++] = '|';
		memcpy(out + o, list + L.v[i].start, L.v[i].end - L.v[i].start);
		o += L.v[i].end - L.v[i].start;
	}
	out[o] = '\0';
	CHECK_STR(out, "吃穿、|基本医疗、|务工就业");
	CHECK_STR(brk_join(list, 6, 0), "吃穿、基本医|疗、务工就业");
	/* "）、" and "。”": the first mark takes half its advance */
	CHECK_STR(brk_join("一）、二", 3.5, 0), "一）、二");
	CHECK_STR(brk_join("一）二三", 3.5, 0), "一）二|三");
	CHECK_INT(mq_punct_squeeze(0xFF09, 0x3001), 1);
	CHECK_INT(mq_punct_squeeze(0x3002, 0x201D), 1);
	CHECK_INT(mq_punct_squeeze(0x4E00, 0x3001), 0);
	CHECK_INT(mq_punct_squeeze(0xFF0C, 0x4E00), 0);
	/* justification spreads CJK gaps and CJK/Latin boundaries only */
	CHECK_INT(mq_gap_stretches('1', '.'), 0);
	CHECK_INT(mq_gap_stretches('E', 'x'), 0);
	CHECK_INT(mq_gap_stretches(0x7528, 'E'), 1);
	CHECK_INT(mq_gap_stretches(0x4E00, 0x4E8C), 1);
	/* a column sized from its content holds its widest unbreakable piece */
	const char *id = "H130703020015 吃穿";
	CHECK(mq_widest_unbreakable(id, strlen(id), 0, em_width, NULL) == 6.5);
	const char *path = "samples/visits_township3.xml";
	CHECK(mq_widest_unbreakable(path, strlen(path), 0, em_width, NULL) == 5.0);
}

static void test_formats(void)
{
	CHECK_STR(fmt("1234567", "int"), "1,234,567");
	CHECK_STR(fmt("-1234.6", "int"), "-1,235");
	CHECK_STR(fmt("999", "int"), "999");
	CHECK_STR(fmt("0.8184", "pct"), "81.8%");
	CHECK_STR(fmt("1", "pct"), "100.0%");
	CHECK_STR(fmt("2024-03-31", "date"), "2024年3月31日");
	CHECK_STR(fmt("2024-03", "month"), "2024年3月");
	CHECK_STR(fmt("", "int"), "—");
	CHECK_STR(fmt("  ", ""), "—");
	CHECK_STR(fmt(NULL, "date"), "—");
	CHECK_STR(fmt("n/a", "int"), "n/a");
	CHECK_STR(fmt("3.14159", "dec2"), "3.14");
	CHECK_STR(fmt("城关镇", "text"), "城关镇");
	CHECK_STR(fmt("1", "bogus"), "(error)");
}

static void test_data(void)
{
	struct mq_error err = {0};
	struct mq_data *d = mq_data_new();
	struct mq_dataset *s;
	const char *fields[] = {"village", "visits"};
	const char *r1[] = {"王家坪村", "12"}, *r2[] = {"李家沟村", NULL};
	CHECK_INT(mq_data_add_set(d, "villages", fields, 2, &s, &err), 0);
	CHECK_INT(mq_data_add_set(d, "villages", fields, 2, &s, &err), MQ_ERR_USAGE);
	CHECK_INT(mq_dataset_add_row(s, r1, &err), 0);
	CHECK_INT(mq_dataset_add_row(s, r2, &err), 0);
	CHECK_INT(mq_dataset_rows(mq_data_find(d, "villages")), 2);
	CHECK_STR(mq_dataset_value(s, 0, 0), "王家坪村");
	CHECK_STR(mq_dataset_value(s, 1, 1), "");
	CHECK(mq_dataset_value(s, 2, 0) == NULL);
	CHECK_INT(mq_dataset_field(s, "visits"), 1);
	CHECK_INT(mq_data_set(d, "unit", "城关镇", &err), 0);
	CHECK_INT(mq_data_set(d, "unit", "河口乡", &err), 0);
	CHECK_STR(mq_data_get(d, "unit"), "河口乡");
	CHECK(mq_data_get(d, "nope") == NULL);
	mq_data_free(d);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_template_errors(void)
{
	char dir[] = "/tmp/mq_layout_XXXXXX", path[256];
	struct mq_error err = {0};
	struct mq_template *t = NULL;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/t.xml", dir);
	/* an unknown element on line 4 */
	write_file(path, "<?xml version=\"1.0\"?>\n<template>\n  <body>\n    <bogus/>\n  </body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), MQ_ERR_FORMAT);
	CHECK_INT(err.line, 4);
	CHECK_STR(err.file, path);
	/* an unknown format inside a placeholder, line 3 */
	memset(&err, 0, sizeof err);
	write_file(path, "<template>\n<body>\n<p>{visits|roman}</p>\n</body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), MQ_ERR_FORMAT);
	CHECK_INT(err.line, 3);
	CHECK(strstr(err.message, "roman") != NULL);
	/* not well-formed */
	memset(&err, 0, sizeof err);
	write_file(path, "<template>\n<body>\n<p>x</b>\n</body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), MQ_ERR_FORMAT);
	CHECK_INT(err.line, 3);
	/* a missing font names its Debian package */
	memset(&err, 0, sizeof err);
	write_file(path, "<template>\n<fonts>\n<font role=\"hei\" file=\"/nonexistent/x.ttc\" package=\"fonts-wqy-zenhei\"/>\n"
			 "</fonts>\n<body><p>x</p></body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), MQ_ERR_IO);
	CHECK_INT(err.line, 3);
	CHECK(strstr(err.message, "fonts-wqy-zenhei") != NULL);
	/* fonts by name: fontconfig finds the file and face; without
	 * <fallback> the HanaMin fallbacks follow */
	write_file(path, "<template>\n<fonts>\n<font role=\"song\" family=\"Noto Sans CJK SC\" style=\"Bold\"/>\n"
			 "<font role=\"kai\" family=\"AR PL UKai CN\">\n<fallback family=\"HanaMinB\"/>\n</font>\n"
			 "</fonts>\n<body><p>x</p><p style=\"note\">y</p></body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), 0);
	if (t) {
		const struct mq_font_spec *song = &t->fonts[MQ_FONT_SONG], *kai = &t->fonts[MQ_FONT_KAI];
		CHECK(strstr(song->chain[0].file, "NotoSansCJK-Bold.ttc") != NULL);
		CHECK_INT(song->n, 3);
		CHECK_STR(song->chain[1].family, "HanaMinA");
		CHECK(strstr(song->chain[2].file, "HanaMinB.ttf") != NULL);
		CHECK(strstr(kai->chain[0].file, "ukai.ttc") != NULL);
		CHECK_INT(kai->n, 2);
		CHECK(strstr(kai->chain[1].file, "HanaMinB.ttf") != NULL);
		/* the defaults: Noto Serif CJK SC, Regular for the body, Bold for titles */
		CHECK(strstr(t->fonts[MQ_FONT_BIAOSONG].chain[0].file, "NotoSerifCJK-Bold.ttc") != NULL);
		CHECK(strstr(t->fonts[MQ_FONT_HEI].chain[0].file, "NotoSansCJK-Regular.ttc") != NULL);
		mq_template_free(t);
	}
	/* a family not installed: the error lists the Chinese fonts there are
	 * and what to do; a style the family lacks lists its styles */
	memset(&err, 0, sizeof err);
	write_file(path, "<template>\n<fonts>\n\n<font role=\"song\" family=\"FangSong_GB2312\"/>\n"
			 "</fonts>\n<body><p>x</p></body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), MQ_ERR_IO);
	CHECK_INT(err.line, 4);
	CHECK(strstr(err.message, "FangSong_GB2312") != NULL);
	CHECK(strstr(err.message, "fc-cache") != NULL);
	CHECK(strstr(err.message, "Noto Serif CJK SC") != NULL);
	memset(&err, 0, sizeof err);
	write_file(path, "<template>\n<fonts>\n<font role=\"hei\" family=\"Noto Sans CJK SC\" style=\"Black\"/>\n"
			 "</fonts>\n<body><p>x</p></body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), MQ_ERR_IO);
	CHECK(strstr(err.message, "Black") != NULL && strstr(err.message, "Regular") != NULL);
	memset(&err, 0, sizeof err);
	write_file(path, "<template>\n<fonts>\n<font role=\"hei\" family=\"Noto Sans CJK XX\"/>\n"
			 "</fonts>\n<body><p>x</p></body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), MQ_ERR_IO);
	CHECK(strstr(err.message, "fonts-noto-cjk") != NULL);
	/* an optional font not installed leaves the chain; a chain left empty
	 * is the error of its first font */
	write_file(path, "<template>\n<fonts>\n<font role=\"song\" family=\"FangSong_GB2312\" optional=\"true\">\n"
			 "<fallback family=\"SimSun\" optional=\"true\"/>\n<fallback family=\"Noto Serif CJK SC\"/>\n"
			 "</font>\n</fonts>\n<body><p>x</p></body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), 0);
	if (t) {
		CHECK_INT(t->fonts[MQ_FONT_SONG].n, 1);
		CHECK(strstr(t->fonts[MQ_FONT_SONG].chain[0].file, "NotoSerifCJK-Regular.ttc") != NULL);
		mq_template_free(t);
	}
	memset(&err, 0, sizeof err);
	write_file(path, "<template>\n<fonts>\n<font role=\"song\" family=\"FangSong_GB2312\" optional=\"true\">\n"
			 "<fallback family=\"SimSun\" optional=\"true\"/>\n</font>\n</fonts>\n<body><p>x</p></body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), MQ_ERR_IO);
	CHECK_INT(err.line, 3);
	CHECK(strstr(err.message, "FangSong_GB2312") != NULL);
	/* a font needs a family or a file */
	memset(&err, 0, sizeof err);
	write_file(path, "<template>\n<fonts>\n<font role=\"hei\" style=\"Bold\"/>\n"
			 "</fonts>\n<body><p>x</p></body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), MQ_ERR_FORMAT);
	CHECK_INT(err.line, 3);
	/* a valid one */
	write_file(path, "<template title=\"测试\">\n<body><p>{x}</p></body>\n</template>\n");
	CHECK_INT(mq_template_load(path, "templates/template.xsd", &t, &err), 0);
	CHECK_STR(mq_template_title(t), "测试");
	mq_template_free(t);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_breaking();
	test_clreq();
	test_formats();
	test_data();
	test_template_errors();
	mq_lines_free(&L);
	mq_render_cache_free();   /* the fonts the templates found, and fontconfig */
	return check_summary();
}
