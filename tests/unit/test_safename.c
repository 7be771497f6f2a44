/* Unit tests of the safe names of files and members (core/safename.h):
 * Windows characters, trailing dots, devices, NFC, the 200-byte cut with
 * its stable suffix, and names unique within a folder. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "minqing/core/buf.h"
#include "minqing/core/safename.h"
#include "minqing/core/utf8.h"

static char *safe(const char *s)
{
	static char out[1024];
	struct mq_buf b = MQ_BUF_INIT;
	int rc = mq_safe_name(s, strlen(s), &b);
	snprintf(out, sizeof out, "%s", rc ? "<error>" : b.data ? b.data : "");
	mq_buf_free(&b);
	return out;
}

/* what Windows refuses in a name (Naming Files, Paths, and Namespaces) */
static int windows_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 255 || s[n - 1] == '.' || s[n - 1] == ' ')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || strchr("\\/:*?\"<>|", *p))
			return 0;
	return mq_utf8_valid(s, n);
}

static void test_characters(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{"油篓沟乡_2024年03月_工作小结.pdf", "油篓沟乡_2024年03月_工作小结.pdf"},
		{"石桥乡_北/洼村_2024年03月_台账.pdf", "石桥乡_北／洼村_2024年03月_台账.pdf"},
		{"东:岗乡", "东：岗乡"},
		{"后营村?", "后营村？"},
		{"a*b\"c<d>e|f\\g", "a＊b＂c＜d＞e｜f＼g"},
		{"tab\there\x01\x7f", "tab_here__"},
		{"bad\xff\xfe.csv", "bad__.csv"},
		{"后营村.", "后营村．"},
		{"trailing. ", "trailing．_"},
		{"..", "．．"},
		{"CON", "_CON"},
		{"con.txt", "_con.txt"},
		{"Aux.tar.gz", "_Aux.tar.gz"},
		{"NUL .csv", "_NUL .csv"},
		{"COM1.pdf", "_COM1.pdf"},
		{"lpt9", "_lpt9"},
		{"COM10.pdf", "COM10.pdf"},
		{"CONSOLE.txt", "CONSOLE.txt"},
		{"CON_乡.pdf", "CON_乡.pdf"},
		{"COM\xc2\xb9.txt", "_COM\xc2\xb9.txt"},
		/* NFC: e + U+0301 → é; U+F900 → U+8C48; U+212B → Å; Hangul jamo → 각 */
		{"caf" "e\xcc\x81", "caf\xc3\xa9"},
		{"a\xcc\x82\xcc\x81", "\xe1\xba\xa5"},
		{"\xef\xa4\x80", "\xe8\xb1\x88"},
		{"\xe2\x84\xab", "\xc3\x85"},
		{"\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8", "\xea\xb0\x81"},
		/* outside the BMP: kept as it is */
		{"\xf0\xa0\x80\x80村", "\xf0\xa0\x80\x80村"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_STR(safe(cases[i].in), cases[i].want);
		if (*cases[i].want)
			CHECK(windows_ok(safe(cases[i].in)));
	}
	/* already safe: unchanged */
	CHECK_STR(safe("石桥乡_北／洼村_2024年03月_台账.pdf"), "石桥乡_北／洼村_2024年03月_台账.pdf");
}

static void test_long_names(void)
{
	/* a village of 91 characters in a ledger's name: 300 bytes and more */
	char village[400] = "", name[600], other[600];
	for (int i = 0; i < 91; i++)
		strcat(village, i % 2 ? "洼" : "北");
	snprintf(name, sizeof name, "石桥乡_%s_2024年03月_台账.pdf", village);
	char a[1024], b[1024];
	snprintf(a, sizeof a, "%s", safe(name));
	CHECK(strlen(a) <= MQ_SAFE_NAME_MAX);
	CHECK(windows_ok(a));
	CHECK_STR(a + strlen(a) - 4, ".pdf");
	CHECK(strstr(a, "~") != NULL);
	CHECK_STR(safe(name), a); /* stable */
	/* the same beginning, another end: another suffix */
	snprintf(other, sizeof other, "石桥乡_%s_2024年04月_台账.pdf", village);
	snprintf(b, sizeof b, "%s", safe(other));
	CHECK(strcmp(a, b) != 0);
	CHECK(strlen(b) <= MQ_SAFE_NAME_MAX);
	/* a name of exactly 200 bytes is not cut */
	char edge[256];
	memset(edge, 'x', 200);
	edge[200] = '\0';
	CHECK_STR(safe(edge), edge);
	edge[200] = 'y';
	edge[201] = '\0';
	CHECK_INT(strlen(safe(edge)), 200);
}

static void test_unique(void)
{
	struct mq_name_set *set = mq_name_set_new();
	CHECK(set != NULL);
	const char *in[] = {"北/洼村_台账.pdf", "北／洼村_台账.pdf", "北:洼村_台账.pdf", "a.PDF", "A.pdf", "x", "x",
			    "dir/x", "noext", "noext"};
	const char *want[] = {"北／洼村_台账.pdf", "北／洼村_台账 (2).pdf", "北：洼村_台账.pdf", "a.PDF",
			      "A (2).pdf", "x", "x (2)", "dir/x", "noext", "noext (2)"};
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		struct mq_buf b = MQ_BUF_INIT;
		if (strchr(in[i], '/') && strncmp(in[i], "dir/", 4) == 0)
			CHECK_INT(mq_buf_adds(&b, in[i]), 0);
		else
			CHECK_INT(mq_safe_name(in[i], strlen(in[i]), &b), 0);
		CHECK_INT(mq_name_set_claim(set, &b), 0);
		CHECK_STR(b.data, want[i]);
		mq_buf_free(&b);
	}
	/* many names: the set grows and keeps them apart */
	for (int i = 0; i < 300; i++) {
		struct mq_buf b = MQ_BUF_INIT;
		mq_buf_adds(&b, "many.csv");
		CHECK_INT(mq_name_set_claim(set, &b), 0);
		if (i == 299)
			CHECK_STR(b.data, "many (300).csv");
		mq_buf_free(&b);
	}
	/* a clash at the length limit stays within it */
	char longn[256];
	memset(longn, 'z', 196);
	strcpy(longn + 196, ".pdf");
	for (int i = 0; i < 2; i++) {
		struct mq_buf b = MQ_BUF_INIT;
		mq_buf_adds(&b, longn);
		CHECK_INT(mq_name_set_claim(set, &b), 0);
		CHECK(b.len <= MQ_SAFE_NAME_MAX);
		if (i == 1)
			CHECK_STR(b.data + b.len - 8, " (2).pdf");
		mq_buf_free(&b);
	}
	mq_name_set_free(set);
}

int main(void)
{
	test_characters();
	test_long_names();
	test_unique();
	return check_summary();
}
