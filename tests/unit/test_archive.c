/* Unit tests of the archive stage: safe names, manifest lines and a bag
 * written and read back (tag files, methods, flags). The period labels of
 * package names are tested with the periods (test_aggregate.c). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/utf8.h"
#include "minqing/archive/bag.h"
#include "minqing/archive/verify.h"
#include "minqing/archive/zip_read.h"

static char *safe(const char *s, int one)
{
	static char out[1024];
	struct mq_buf b = MQ_BUF_INIT;
	int rc = mq_archive_safe_name(s, strlen(s), one, &b);
	snprintf(out, sizeof out, "%s", rc ? "<error>" : b.data);
	mq_buf_free(&b);
	return out;
}

static void test_safe_names(void)
{
	static const struct { const char *in; int one; const char *want; } cases[] = {
		{"油篓沟乡_2024年03月_工作小结.pdf", 0, "油篓沟乡_2024年03月_工作小结.pdf"},
		{"报告/玻璃彩村_台账.pdf", 0, "报告/玻璃彩村_台账.pdf"},
		{"a<b>c:d\"e|f?g*h", 0, "a＜b＞c：d＂e｜f？g＊h"},
		{"a\\b", 0, "a＼b"},
		{"a/b", 1, "a／b"},
		{"../../etc/passwd", 0, "．．/．．/etc/passwd"},
		{"./x", 0, "．/x"},
		{"/abs//x/", 0, "abs/x"},
		{"tab\there\x01\x7f", 0, "tab_here__"},
		{"bad\xff\xfe.csv", 0, "bad__.csv"},
		{"trailing. ", 0, "trailing．_"},
		{"CON", 0, "_CON"},
		{"con.txt", 0, "_con.txt"},
		{"Aux.tar.gz", 0, "_Aux.tar.gz"},
		{"dir/NUL .csv", 0, "dir/_NUL .csv"},
		{"COM1.pdf", 0, "_COM1.pdf"},
		{"lpt9", 0, "_lpt9"},
		{"COM10.pdf", 0, "COM10.pdf"},
		{"CONSOLE.txt", 0, "CONSOLE.txt"},
		{"COM\xc2\xb9.txt", 0, "_COM\xc2\xb9.txt"},
		/* NFC: e + U+0301 → é; a + U+0302 + U+0301 → ấ; U+F900 → U+8C48;
		 * U+212B ANGSTROM SIGN → Å; Hangul jamo ᄀ + ᅡ + ᆨ → 각 */
		{"caf" "e\xcc\x81", 0, "caf\xc3\xa9"},
		{"a\xcc\x82\xcc\x81", 0, "\xe1\xba\xa5"},
		{"\xef\xa4\x80", 0, "\xe8\xb1\x88"},
		{"\xe2\x84\xab", 0, "\xc3\x85"},
		{"\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8", 0, "\xea\xb0\x81"},
		/* canonical order first (Python's unicodedata agrees): ḋ + dot
		 * below → ḍ + dot above; q + dot above + dot below reordered;
		 * U+0F73 decomposes and stays apart (composition exclusion) */
		{"\xe1\xb8\x8b\xcc\xa3", 0, "\xe1\xb8\x8d\xcc\x87"},
		{"q\xcc\x87\xcc\xa3", 0, "q\xcc\xa3\xcc\x87"},
		{"\xe0\xbd\xb3", 0, "\xe0\xbd\xb1\xe0\xbd\xb2"},
		{"", 0, "<error>"},
		{"///", 0, "<error>"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_STR(safe(cases[i].in, cases[i].one), cases[i].want);

	/* a long Chinese name is cut at a character boundary, extension kept */
	char longname[600] = "";
	for (int i = 0; i < 100; i++)
		strcat(longname, "乡");
	strcat(longname, ".pdf");
	const char *s = safe(longname, 0);
	CHECK(strlen(s) <= 200);
	CHECK_INT(strlen(s), 186 + 9 + 4); /* 62 characters of 3 bytes + "~XXXXXXXX.pdf" */
	CHECK(mq_utf8_valid(s, strlen(s)));
	CHECK_STR(s + strlen(s) - 4, ".pdf");
}

static void test_manifest_lines(void)
{
	struct mq_buf b = MQ_BUF_INIT, d = MQ_BUF_INIT;
	CHECK_INT(mq_bagit_manifest_line(&b, "abc", "data/50%\nx\ry.csv"), 0);
	CHECK_STR(b.data, "abc  data/50%25%0Ax%0Dy.csv\n");
	CHECK_INT(mq_bagit_path_decode("data/50%25%0ax%0Dy%41.csv", 25, &d), 0);
	CHECK_STR(d.data, "data/50%\nx\ry%41.csv");
	mq_buf_free(&b);
	mq_buf_free(&d);
	CHECK_STR(mq_bagit_txt, "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
}

static void test_bag_names(void)
{
	struct mq_error err = {0};
	CHECK(mq_bag_new("2024-02-30", &err) == NULL);
	CHECK_INT(err.code, MQ_ERR_USAGE);
	CHECK(mq_bag_new("1979-12-31", NULL) == NULL);
	struct mq_bag *bag = mq_bag_new("2024-03-31", &err);
	CHECK(bag != NULL);
	if (!bag)
		return;
	CHECK_INT(mq_bag_add_file(bag, "/x/a.pdf", "报告/a.pdf", NULL, &err), 0);
	CHECK_INT(mq_bag_add_file(bag, "/y/a.pdf", "报告/a.pdf", NULL, &err), 0);
	CHECK_INT(mq_bag_add_file(bag, "/z/a.pdf", "报告/a.pdf", NULL, &err), 0);
	CHECK_INT(mq_bag_add_file(bag, "/z/README", "README", NULL, &err), 0);
	CHECK_INT(mq_bag_add_file(bag, "/w/README", "README", NULL, &err), 0);
	CHECK_INT(mq_bag_add_file(bag, "/w/.hidden", ".hidden", NULL, &err), 0);
	CHECK_INT(mq_bag_add_file(bag, "/v/.hidden", ".hidden", NULL, &err), 0);
	CHECK_INT(mq_bag_add_file(bag, "/v/empty", "//", NULL, &err), MQ_ERR_FORMAT);
	CHECK_INT(bag->nfiles, 7);
	CHECK_STR(bag->files[0].name, "data/报告/a.pdf");
	CHECK_STR(bag->files[1].name, "data/报告/a (2).pdf");
	CHECK_STR(bag->files[2].name, "data/报告/a (3).pdf");
	CHECK_STR(bag->files[4].name, "data/README (2)");
	CHECK_STR(bag->files[6].name, "data/.hidden (2)");
	CHECK_INT(mq_bag_add_info(bag, "Bad Label", "x", &err), MQ_ERR_FORMAT);
	CHECK_INT(mq_bag_add_info(bag, "Bad:Label", "x", &err), MQ_ERR_FORMAT);
	CHECK_INT(mq_bag_add_info(bag, "Note", "a\nb\tc", &err), 0);
	CHECK_STR(bag->fields[0].value, "a b c");
	mq_bag_free(bag);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return;
	fwrite(data, 1, len, fp);
	fclose(fp);
}

struct collect {
	struct mq_buf text;
};

static int collect_fn(void *ctx, const void *data, size_t len)
{
	return mq_buf_add(&((struct collect *)ctx)->text, data, len);
}

/* Reads member name of zip into out (NUL-terminated); -1 when absent. */
static int member(struct mq_zip_reader *z, const char *name, struct mq_buf *out, unsigned *method,
		  unsigned *flag)
{
	for (size_t i = 0; i < mq_zip_count(z); i++) {
		const struct mq_zip_entry *e = mq_zip_get(z, i);
		if (strcmp(e->name, name))
			continue;
		struct collect c = {MQ_BUF_INIT};
		int rc = mq_zip_stream(z, i, 1 << 30, collect_fn, &c, NULL, NULL);
		mq_buf_add(&c.text, "", 0);
		*out = c.text;
		*method = e->method;
		*flag = e->flag;
		return rc;
	}
	return -1;
}

static int same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;
	while (same) {
		int x = getc(fa), y = getc(fb);
		if (x != y)
			same = 0;
		if (x == EOF || y == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

static void test_write_read(void)
{
	char dir[] = "/tmp/mq_test_archive.XXXXXX";
	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	char hello[256], noise[256], zip1[256], zip2[256];
	snprintf(hello, sizeof hello, "%s/hello.txt", dir);
	snprintf(noise, sizeof noise, "%s/noise.bin", dir);
	snprintf(zip1, sizeof zip1, "%s/一.zip", dir);
	snprintf(zip2, sizeof zip2, "%s/二.zip", dir);
	write_file(hello, "hello\n", 6);
	/* 200 KiB of xorshift noise: does not compress, so it is stored */
	unsigned char *rnd = malloc(200 * 1024);
	uint32_t x = 2463534242u;
	for (size_t i = 0; rnd && i < 200 * 1024; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		rnd[i] = (unsigned char)x;
	}
	if (rnd)
		write_file(noise, rnd, 200 * 1024);
	free(rnd);

	struct mq_error err = {0};
	for (int round = 0; round < 2; round++) {
		struct mq_bag *bag = mq_bag_new("2024-03-31", &err);
		CHECK(bag != NULL);
		if (!bag)
			break;
		/* added out of order: the ZIP sorts payload by name */
		CHECK_INT(mq_bag_add_file(bag, noise, "数据/噪声.bin", NULL, &err), 0);
		CHECK_INT(mq_bag_add_file(bag, hello, "报告/你好.txt",
					  "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", &err), 0);
		CHECK_INT(mq_bag_add_info(bag, "Source-Organization", "张北县乡村振兴局", &err), 0);
		CHECK_INT(mq_bag_add_info(bag, "External-Description", "测试档案包", &err), 0);
		uint64_t bytes = 0;
		CHECK_INT(mq_archive_write(round ? zip2 : zip1, bag, &bytes, &err), 0);
		CHECK_INT(bytes, 6 + 200 * 1024);
		mq_bag_free(bag);
	}
	CHECK(same_file(zip1, zip2));

	struct mq_zip_reader *z = NULL;
	CHECK_INT(mq_zip_open(zip1, 100, &z, &err), 0);
	if (z) {
		static const char *const order[] = {
			"data/报告/你好.txt", "data/数据/噪声.bin", "bagit.txt", "bag-info.txt",
			"manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt",
		};
		CHECK_INT(mq_zip_count(z), 7);
		for (size_t i = 0; i < 7 && i < mq_zip_count(z); i++) {
			CHECK_STR(mq_zip_get(z, i)->name, order[i]);
			CHECK(mq_zip_get(z, i)->flag & (1u << 11));
		}
		struct mq_buf t = MQ_BUF_INIT;
		unsigned method = 99, flag = 0;
		CHECK_INT(member(z, "bagit.txt", &t, &method, &flag), 0);
		CHECK_STR(t.data, "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
		mq_buf_free(&t);
		CHECK_INT(member(z, "data/数据/噪声.bin", &t, &method, &flag), 0);
		CHECK_INT(method, 0);
		CHECK_INT(t.len, 200 * 1024);
		mq_buf_free(&t);
		CHECK_INT(member(z, "data/报告/你好.txt", &t, &method, &flag), 0);
		CHECK_STR(t.data, "hello\n");
		mq_buf_free(&t);
		CHECK_INT(member(z, "bag-info.txt", &t, &method, &flag), 0);
		CHECK_INT(method, 8);
		CHECK_STR(t.data, "Source-Organization: 张北县乡村振兴局\nExternal-Description: 测试档案包\n"
				  "Bagging-Date: 2024-03-31\nPayload-Oxum: 204806.2\n");
		mq_buf_free(&t);
		CHECK_INT(member(z, "manifest-sha256.txt", &t, &method, &flag), 0);
		static const char first[] = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  data/报告/你好.txt\n";
		CHECK(strncmp(t.data, first, strlen(first)) == 0);
		CHECK(strstr(t.data, "  data/数据/噪声.bin\n") != NULL);
		CHECK_INT(strlen(t.data), (64 + 2 + strlen("data/报告/你好.txt") + 1) + (64 + 2 + strlen("data/数据/噪声.bin") + 1));
		mq_buf_free(&t);
		CHECK_INT(member(z, "manifest-sha512.txt", &t, &method, &flag), 0);
		/* sha512("hello\n") */
		static const char first512[] = "e7c22b994c59d9cf2b48e549b1e24666636045930d3da7c1acb299d1c3b7f931f94aae41edda2c2b207a36e10f8bcb8d45223e54878f5b316e7ce3b6bc019629  data/报告/你好.txt\n";
		CHECK(strncmp(t.data, first512, strlen(first512)) == 0);
		mq_buf_free(&t);
		CHECK_INT(member(z, "tagmanifest-sha256.txt", &t, &method, &flag), 0);
		const char *p1 = strstr(t.data, "  bag-info.txt\n"), *p2 = strstr(t.data, "  bagit.txt\n");
		const char *p3 = strstr(t.data, "  manifest-sha256.txt\n"), *p4 = strstr(t.data, "  manifest-sha512.txt\n");
		CHECK(p1 && p2 && p3 && p4 && p1 < p2 && p2 < p3 && p3 < p4);
		/* sha256 of bagit.txt's exact two lines */
		CHECK(strstr(t.data, "1712ecfb074bf29c4188ad3421032509159a09739fd604f8fe57038b4ddefcc9  bagit.txt\n") != NULL);
		mq_buf_free(&t);
		mq_zip_close(z);
	}

	struct mq_verify_result res;
	struct mq_buf report = MQ_BUF_INIT;
	CHECK_INT(mq_verify_package(zip1, NULL, &res, &report, &err), 0);
	CHECK_INT(res.payload_files, 2);
	CHECK_INT(res.payload_bytes, 204806);
	CHECK_INT(res.problems, 0);
	/* a lower limit refuses before reading */
	struct mq_verify_limits lim;
	mq_verify_limits_default(&lim);
	lim.member_max = 100 * 1024;
	mq_buf_reset(&report);
	CHECK_INT(mq_verify_package(zip1, &lim, &res, &report, &err), MQ_ERR_VERIFY);
	CHECK(res.refused);
	CHECK(report.data && strstr(report.data, "data/数据/噪声.bin") && strstr(report.data, "limit"));
	mq_buf_free(&report);
	CHECK_INT(mq_verify_package("/nonexistent/x.zip", NULL, &res, &report, &err), MQ_ERR_IO);
	CHECK_INT(mq_verify_package(hello, NULL, &res, &report, &err), MQ_ERR_IO);
	mq_buf_free(&report);

	/* a file changed against its recorded SHA-256: refused, nothing left */
	struct mq_bag *bag = mq_bag_new("2024-03-31", &err);
	if (bag) {
		mq_bag_add_file(bag, hello, "x.txt", "00", &err);
		CHECK_INT(mq_archive_write(zip2, bag, NULL, &err), MQ_ERR_VERIFY);
		mq_bag_free(bag);
	}
	CHECK(same_file(zip1, zip2)); /* the old zip2 was not replaced */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 4", dir);
	CHECK_INT(system(cmd), 0); /* no temporary file left */
	unlink(hello);
	unlink(noise);
	unlink(zip1);
	unlink(zip2);
	rmdir(dir);
}

struct shared_job {
	const char *zip;
	struct mq_bag *bag;
	int rc;
};

static void *write_job(void *arg)
{
	struct shared_job *j = arg;
	struct mq_error err = {0};
	j->rc = mq_archive_write(j->zip, j->bag, NULL, &err);
	return NULL;
}

/* Members compressed already by their kind are stored, however well they
 * would deflate; bags sharing a digest cache, written at the same time by
 * two threads, are byte for byte what each gives alone. */
static void test_stored_and_shared(void)
{
	char dir[] = "/tmp/mq_test_archive.XXXXXX";
	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	char pdf[256], csv[256], alone[2][256], shared[2][256];
	snprintf(pdf, sizeof pdf, "%s/r.pdf", dir);
	snprintf(csv, sizeof csv, "%s/a.csv", dir);
	/* text that deflates well in both */
	static char text[64 * 1024];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = "走访记录,2024-03-31\n"[i % 24];
	write_file(pdf, text, sizeof text);
	write_file(csv, text, sizeof text);
	struct mq_digest_cache *cache = mq_digest_cache_new();
	CHECK(cache != NULL);
	struct mq_bag *bags[2][2] = {{0}};
	struct mq_error err = {0};
	for (int k = 0; k < 2; k++) {
		snprintf(alone[k], sizeof alone[k], "%s/alone%d.zip", dir, k);
		snprintf(shared[k], sizeof shared[k], "%s/shared%d.zip", dir, k);
		for (int c = 0; c < 2; c++) {
			struct mq_bag *b = bags[k][c] = mq_bag_new("2024-03-31", &err);
			CHECK(b != NULL);
			if (!b)
				continue;
			CHECK_INT(mq_bag_add_file(b, pdf, "报告/报告.PDF", NULL, &err), 0);
			CHECK_INT(mq_bag_add_file(b, csv, k ? "数据/b.csv" : "数据/a.csv", NULL, &err), 0);
			if (c)
				b->digests = cache;
		}
	}
	for (int k = 0; k < 2; k++)
		if (bags[k][0])
			CHECK_INT(mq_archive_write(alone[k], bags[k][0], NULL, &err), 0);
	struct shared_job jobs[2];
	pthread_t tid[2];
	int started[2] = {0};
	for (int k = 0; k < 2; k++) {
		jobs[k] = (struct shared_job){shared[k], bags[k][1], -1};
		started[k] = bags[k][1] && pthread_create(&tid[k], NULL, write_job, &jobs[k]) == 0;
	}
	for (int k = 0; k < 2; k++) {
		if (started[k])
			pthread_join(tid[k], NULL);
		CHECK_INT(jobs[k].rc, 0);
		CHECK(same_file(alone[k], shared[k]));
	}
	struct mq_zip_reader *z = NULL;
	CHECK_INT(mq_zip_open(shared[0], 100, &z, &err), 0);
	if (z) {
		struct mq_buf t = MQ_BUF_INIT;
		unsigned method = 99, flag = 0;
		CHECK_INT(member(z, "data/报告/报告.PDF", &t, &method, &flag), 0);
		CHECK_INT(method, 0);
		CHECK_INT(t.len, sizeof text);
		mq_buf_free(&t);         /* member() hands over a new buffer */
		CHECK_INT(member(z, "data/数据/a.csv", &t, &method, &flag), 0);
		CHECK_INT(method, 8);
		mq_buf_free(&t);
		mq_zip_close(z);
	}
	struct mq_verify_result res;
	struct mq_buf report = MQ_BUF_INIT;
	CHECK_INT(mq_verify_package(shared[1], NULL, &res, &report, &err), 0);
	CHECK_INT(res.problems, 0);
	mq_buf_free(&report);
	for (int k = 0; k < 2; k++) {
		mq_bag_free(bags[k][0]);
		mq_bag_free(bags[k][1]);
		unlink(alone[k]);
		unlink(shared[k]);
	}
	mq_digest_cache_free(cache);
	unlink(pdf);
	unlink(csv);
	rmdir(dir);
}

int main(void)
{
	test_safe_names();
	test_manifest_lines();
	test_bag_names();
	test_write_read();
	test_stored_and_shared();
	return check_summary();
}
