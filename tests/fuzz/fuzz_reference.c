/* libFuzzer target for the reference files (pipeline/ingest/reference.c):
 * the first byte of an input says which file the rest is (registry,
 * roster or assignments); a bad row is refused with its file and line. */
#include "minqing/core/error.h"
#include "minqing/ingest/reference.h"
#include "fuzz_input.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	const char *path = fuzz_input_file("reference", data + 1, size - 1);
	int kind = data[0] % 3;
	struct mq_reference ref;
	memset(&ref, 0, sizeof ref);
	struct mq_error err = {0};
	int rc = mq_reference_load(&ref, kind == 0 ? path : NULL, kind == 1 ? path : NULL, kind == 2 ? path : NULL,
				   &err);
	if (rc > 0 || (rc && !err.message[0]))
		abort();
	if (!rc) /* lookups on what was loaded */
		(void)(mq_ref_village(&ref, "乡", "村") || mq_ref_cadre(&ref, "C1"));
	mq_reference_free(&ref);
	return 0;
}
