/* Unit tests of the font subsets (pipeline/pdf/fonts.c): a CID-keyed CFF
 * face cuts a document's subset from its working face once documents
 * came back to the same glyphs, and the program must be byte for byte the
 * one cut from the whole face, whatever was drawn before (reproducible
 * output at every --jobs). The sets are those of real reports: a few
 * hundred hanzi with digits and CJK punctuation, sets that miss the
 * working face, sets inside it, and characters with variation sequences
 * (葛, 辻), whose variants hb-subset adds to a subset. */
#include "check.h"

#include <stdlib.h>

#include "../../pipeline/pdf/fonts.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"

static unsigned long seed = 15;

static uint32_t next_hanzi(void)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return 0x4E00 + (uint32_t)(seed >> 33) % 0x51A6;   /* U+4E00..U+9FA5 */
}

/* n random hanzi of the face (from a pool of pool characters, so that
 * sets overlap) and the extras, as codes. */
static size_t pick(struct mq_face *f, size_t n, size_t pool, const char *extras, uint16_t *codes)
{
	static uint32_t cps[4096];
	static size_t have;
	while (have < pool && have < sizeof cps / sizeof *cps)
		cps[have++] = next_hanzi();
	size_t k = 0;
	int w;
	for (size_t i = 0; i < n; i++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		if (mq_face_glyph(f, cps[(seed >> 33) % pool], &codes[k], &w))
			k++;
	}
	for (const unsigned char *p = (const unsigned char *)extras; *p; ) {
		uint32_t cp = *p < 0x80 ? *p++ : 0;
		if (!cp) {   /* 3-byte UTF-8 is all the extras use */
			cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
			p += 3;
		}
		if (mq_face_glyph(f, cp, &codes[k], &w))
			k++;
	}
	return k;
}

static void same_subsets(const char *family, const char *style)
{
	struct mq_error err = {0};
	char *file;
	int index;
	if (mq_font_find(family, style, NULL, "test", 0, &file, &index, &err)) {
		fprintf(stderr, "%s\n", err.message);
		CHECK(0);
		return;
	}
	struct mq_face *f;
	CHECK_INT(mq_face_new(file, index, &f, &err), 0);
	free(file);
	if (!f)
		return;
	static const struct {
		size_t n, pool;
	} sets[] = {
		{450, 900}, {450, 900}, {40, 900}, {450, 900}, {450, 900},
		{450, 2000}, {16, 900}, {200, 900}, {450, 2000}, {1, 900}, {300, 900},
	};
	static uint16_t codes[4096];
	for (size_t s = 0; s < sizeof sets / sizeof *sets; s++) {
		size_t n = pick(f, sets[s].n, sets[s].pool, s % 2 ? "葛辻，。：；0123456789-（）" : "2024年第一季度、", codes);
		struct mq_buf a = MQ_BUF_INIT, b = MQ_BUF_INIT;
		CHECK_INT(mq_face_subset(f, codes, n, &a), 0);
		CHECK_INT(mq_face_subset_whole(f, codes, n, &b), 0);
		CHECK(a.len > 0);
		CHECK_INT(a.len, b.len);
		CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
		mq_buf_free(&a);
		mq_buf_free(&b);
	}
	struct mq_face_work_stats st = mq_face_work_stats(f);
	CHECK(st.builds >= 2);
	CHECK(st.hits >= 3);
	CHECK_INT(st.hits + st.misses, sizeof sets / sizeof *sets);
	mq_face_free(f);
}

int main(void)
{
	same_subsets("Noto Serif CJK SC", NULL);
	same_subsets("Noto Sans CJK SC", NULL);
	same_subsets("Noto Serif CJK SC", "Bold");
	mq_faces_free();
	return check_summary();
}
