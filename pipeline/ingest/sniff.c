/* sniff.c — the kind of an input from its first bytes, never its name
 * (README "Input formats"): a workbook renamed .csv is still a workbook,
 * and a PDF named visits.csv is refused whole instead of read as junk. */
#include "ingest_internal.h"

#include <string.h>

/* Signatures of files clerks hand over by mistake; first match wins. */
static const struct {
	const char *magic;
	size_t len;
	const char *zh, *en;
} known_binary[] = {
	{ "%PDF", 4, "PDF 文档", "a PDF document" },
	{ "\x89PNG", 4, "PNG 图片", "a PNG image" },
	{ "\xFF\xD8\xFF", 3, "JPEG 图片", "a JPEG image" },
	{ "GIF8", 4, "GIF 图片", "a GIF image" },
	{ "\x1F\x8B", 2, "gzip 压缩文件", "a gzip archive" },
	{ "BZh", 3, "bzip2 压缩文件", "a bzip2 archive" },
	{ "\xFD" "7zXZ", 5, "xz 压缩文件", "an xz archive" },
	{ "7z\xBC\xAF", 4, "7z 压缩文件", "a 7z archive" },
	{ "Rar!", 4, "RAR 压缩文件", "a RAR archive" },
	{ "\x7F" "ELF", 4, "程序文件", "a program" },
	{ "{\\rtf", 5, "RTF 文档", "an RTF document" },
};

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Text has few control bytes; one stray NUL in a CSV stays a CSV (E010 on
 * its cell), a block full of them is binary. */
static int looks_binary(const unsigned char *s, size_t n)
{
	size_t ctl = 0, look = n < 4096 ? n : 4096;
	for (size_t i = 0; i < look; i++)
		if (s[i] < 0x20 && !is_space(s[i]) && s[i] != 0x1B)
			ctl++;
	return look && ctl * 20 > look;   /* more than 5 % */
}

static unsigned unit(const unsigned char *s, size_t i, int utf16)
{
	return utf16 == 1 ? s[i] | s[i + 1] << 8 : utf16 == 2 ? s[i] << 8 | s[i + 1] : s[i];
}

/* The first line of text (utf16: 0, 1 LE, 2 BE): tabs and no commas is TSV. */
static int first_line_is_tsv(const unsigned char *s, size_t n, int utf16)
{
	int tabs = 0;
	size_t step = utf16 ? 2 : 1;
	for (size_t i = 0; i + step <= n; i += step) {
		unsigned c = unit(s, i, utf16);
		if (c == '\n')
			break;
		if (c == ',')
			return 0;
		tabs += c == '\t';
	}
	return tabs > 0;
}

void mq_sniff(const unsigned char *s, size_t n, struct mq_sniff *out)
{
	memset(out, 0, sizeof *out);
	out->kind = MQ_KIND_REFUSED;
	if (n >= 4 && memcmp(s, "PK\3\4", 4) == 0) {
		out->kind = MQ_KIND_ZIP;
		return;
	}
	if (n >= 8 && memcmp(s, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
		out->kind = MQ_KIND_OLE2;
		return;
	}
	for (size_t i = 0; i < sizeof known_binary / sizeof known_binary[0]; i++)
		if (n >= known_binary[i].len && memcmp(s, known_binary[i].magic, known_binary[i].len) == 0) {
			out->what_zh = known_binary[i].zh;
			out->what_en = known_binary[i].en;
			return;
		}
	if (n >= 2 && (memcmp(s, "\xFF\xFE", 2) == 0 || memcmp(s, "\xFE\xFF", 2) == 0)) {
		int u = out->utf16 = s[0] == 0xFF ? 1 : 2;
		/* the first character after white space */
		size_t i = 2;
		while (i + 1 < n && unit(s, i, u) <= 0x7F && is_space((unsigned char)unit(s, i, u)))
			i += 2;
		if (i + 1 >= n)
			out->kind = MQ_KIND_EMPTY;
		else if (unit(s, i, u) == '<')
			out->kind = MQ_KIND_XML;
		else
			out->kind = first_line_is_tsv(s + 2, n - 2, u) ? MQ_KIND_TSV : MQ_KIND_CSV;
		return;
	}
	size_t i = n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	size_t body = i;
	while (i < n && is_space(s[i]))
		i++;
	if (i == n) {
		out->kind = MQ_KIND_EMPTY;
		return;
	}
	if (s[i] == '<') {
		out->kind = MQ_KIND_XML;
		return;
	}
	if (looks_binary(s, n)) {
		out->what_zh = "二进制文件（不是文本）";
		out->what_en = "a binary file, not text";
		return;
	}
	out->kind = first_line_is_tsv(s + body, n - body, 0) ? MQ_KIND_TSV : MQ_KIND_CSV;
}
