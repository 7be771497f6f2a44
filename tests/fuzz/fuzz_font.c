/* libFuzzer target for the font program trimmer (pipeline/font_trim.c),
 * which reads the tables of whatever font a template names.
 *
 * An input is 8 bytes of a bitmap of the glyphs to keep (ids 0–63), then
 * the font program. Whatever the bytes, trimming must not crash; a program
 * it accepts must come out as one it accepts again, and no larger;
 * the composite-glyph reader gets the raw bytes too. */
#include "minqing/core/error.h"
#include "../../pipeline/pdf/font_trim.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t ids[64];
	if (mq_glyf_components(data, size, ids, 64) > 64)
		abort();
	if (size < 8)
		return 0;
	unsigned char keep[64];
	for (int g = 0; g < 64; g++)
		keep[g] = (data[g / 8] >> (g % 8)) & 1;
	unsigned char *out = NULL, *again = NULL;
	size_t n = 0, n2 = 0;
	int rc = mq_sfnt_trim(data + 8, size - 8, keep, sizeof keep, &out, &n);
	if (rc == 0) {
		if (!out || mq_sfnt_trim(out, n, keep, sizeof keep, &again, &n2) != 0 || n2 > n)
			abort();
	} else if (rc != MQ_ERR_FORMAT && rc != MQ_ERR_NOMEM) {
		abort();
	}
	free(out);
	free(again);
	return 0;
}
