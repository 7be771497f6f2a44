/* Unit tests of CSV writing (core/csv_out.h): a cell is quoted exactly
 * when it holds a comma, quote, CR or LF or has white space at its ends,
 * its quotes doubled; mq_csv_joined_plain, which looks at sixteen bytes at
 * a time and counts commas per byte lane, says the same as a byte-by-byte
 * count on rows of every length up to well past the point where a lane is
 * summed (255 steps of sixteen bytes), commas and bytes that need quoting
 * at every offset. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "minqing/core/csv_out.h"

static const char *cell(const char *s)
{
	static struct mq_buf b = MQ_BUF_INIT;
	mq_buf_reset(&b);
	if (mq_csv_cell_buf(&b, s, strlen(s), 1))
		return NULL;
	return b.data;
}

static void cells(void)
{
	CHECK_STR(cell("石桥乡"), "石桥乡");
	CHECK_STR(cell("a,b"), "\"a,b\"");
	CHECK_STR(cell("说\"好\""), "\"说\"\"好\"\"\"");
	CHECK_STR(cell("第一行\r\n第二行"), "\"第一行\r\n第二行\"");
	CHECK_STR(cell(" 前"), "\" 前\"");
	CHECK_STR(cell("后\t"), "\"后\t\"");
	CHECK_STR(cell("中 间"), "中 间");
	CHECK_STR(cell(""), "");
}

/* the definition: no quote, CR or LF, and exactly `commas` commas */
static int joined_plain_bytewise(const char *s, size_t len, size_t commas)
{
	size_t found = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 0;
		found += s[i] == ',';
	}
	return found == commas;
}

static void joined_plain_agrees(void)
{
	static char row[9000];
	long disagree = 0, plain = 0, not_plain = 0;
	srand(11);
	for (int t = 0; t < 4000; t++) {
		size_t len = t < 100 ? (size_t)t : (size_t)rand() % sizeof row;
		int comma_pct = rand() % 100, rare = rand() % 3 == 0;
		for (size_t i = 0; i < len; i++) {
			int r = rand() % 1000;
			row[i] = r < comma_pct * 10 ? ',' : rare && r == 999 ? "\"\r\n"[rand() % 3] : "a中 "[rand() % 4];
		}
		size_t commas = 0;
		for (size_t i = 0; i < len; i++)
			commas += row[i] == ',';
		/* the right count, one off, and a count that only agrees modulo 256 */
		const size_t asked[] = { commas, commas + 1, commas ? commas - 1 : 0, commas + 256 };
		for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++) {
			int want = joined_plain_bytewise(row, len, asked[k]);
			disagree += mq_csv_joined_plain(row, len, asked[k]) != want;
			plain += want;
			not_plain += !want;
		}
	}
	CHECK_INT(disagree, 0);
	CHECK(plain > 500 && not_plain > 500);
	/* every byte a comma: each lane reaches 255 within one summing */
	memset(row, ',', sizeof row);
	CHECK(mq_csv_joined_plain(row, sizeof row, sizeof row));
	CHECK(!mq_csv_joined_plain(row, sizeof row, sizeof row - 256));
}

int main(void)
{
	cells();
	joined_plain_agrees();
	return check_summary();
}
