/* libFuzzer target for the rubric reader (pipeline/figures/rubric.c): an
 * input is a rubric file, checked against rubric.xsd (found through
 * MINQING_TEMPLATES) and then by the rules a schema cannot say. */
#include "minqing/core/error.h"
#include "minqing/figures/assess.h"
#include "fuzz_input.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!getenv("MINQING_TEMPLATES"))
		setenv("MINQING_TEMPLATES", "templates", 1);
	const char *path = fuzz_input_file("rubric", data, size);
	struct mq_rubric *r = NULL;
	struct mq_error err = {0};
	int rc = mq_rubric_load(path, &r, &err);
	if ((rc == 0) != (r != NULL) || (rc && !err.message[0]))
		abort();
	mq_rubric_free(r);
	return 0;
}
