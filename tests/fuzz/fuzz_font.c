/* libFuzzer target for the font path (pipeline/pdf/fonts.c), which reads
 * whatever font file a template names: HarfBuzz opens the face, fonts.c
 * reads a CFF's charset for its CIDs, looks glyphs up and subsets with
 * hb-subset.
 *
 * An input is the font file. Whatever the bytes, opening, looking up the
 * glyphs of a few characters (ASCII, CJK, Extension B) and subsetting to
 * them must not crash; a subset, when made, is not empty. */
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "../../pipeline/pdf/fonts.h"
#include "fuzz_input.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t cps[] = {'A', '0', ' ', 0x4E00, 0x6C11, 0x3002, 0x20000, 0x10FFFF};
	const char *path = fuzz_input_file("font", data, size);
	struct mq_error err = {0};
	struct mq_face *f;
	if (mq_face_new(path, 0, &f, &err))
		return 0;
	uint16_t codes[sizeof cps / sizeof *cps];
	size_t n = 0;
	for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
		int w;
		if (mq_face_glyph(f, cps[i], &codes[n], &w))
			n++;
	}
	struct mq_buf out = MQ_BUF_INIT;
	int rc = mq_face_subset(f, codes, n, &out);
	if ((rc == 0 && out.len == 0) || (rc && rc != MQ_ERR_FORMAT && rc != MQ_ERR_NOMEM))
		abort();
	mq_buf_free(&out);
	mq_face_free(f);
	return 0;
}
